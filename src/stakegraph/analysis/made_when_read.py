"""A list that is made the first time it is read.

The analysis computes columns and lookups; the objects a reader may want (a report's ties and
people, the live-tie tuples) are made from them only when something iterates, indexes, compares
or serialises the list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Self, TypeVar, get_args, overload

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

__all__ = ["MadeWhenRead"]

_T = TypeVar("_T")


class MadeWhenRead(Sequence[_T]):
    """A list that is made the first time it is read.

    A big account's report lists thousands of ties and hundreds of people, and most readers of a
    report (the portfolio, the coverage endpoint, alerts) never look at them: the analysis keeps
    what it computed (the tie columns, the people of its graph) and the objects are made the
    first time anything iterates, indexes, compares or serialises the list. It validates from
    and serialises to a plain JSON list, as ``list[item]`` would.
    """

    __slots__ = ("_items", "_length", "_make")

    def __init__(self, items: Iterable[_T] = ()) -> None:
        self._items: list[_T] | None = list(items)
        self._make: Callable[[], list[_T]] | None = None
        self._length = len(self._items)

    @classmethod
    def later(cls, make: Callable[[], list[_T]], length: int) -> Self:
        """The list ``make()`` returns (``length`` items), made when first read."""
        made = cls()
        made._items, made._make, made._length = None, make, length
        return made

    def _made(self) -> list[_T]:
        if self._items is None:
            assert self._make is not None
            self._items = self._make()
            self._make = None
        return self._items

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> _T: ...

    @overload
    def __getitem__(self, index: slice) -> list[_T]: ...

    def __getitem__(self, index: int | slice) -> _T | list[_T]:
        return self._made()[index]

    def __iter__(self) -> Iterator[_T]:
        return iter(self._made())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, MadeWhenRead):
            return self._made() == other._made()
        if isinstance(other, list):
            return self._made() == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._made()!r})"

    def __reduce__(self) -> tuple[type[MadeWhenRead[_T]], tuple[list[_T]]]:
        return (type(self), (self._made(),))

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        (item,) = get_args(source) or (Any,)
        as_list = handler.generate_schema(list[item])  # type: ignore[valid-type]
        from_list = core_schema.no_info_after_validator_function(cls, as_list)
        return core_schema.json_or_python_schema(
            json_schema=from_list,
            python_schema=core_schema.union_schema(
                [core_schema.is_instance_schema(cls), from_list]
            ),
            serialization=core_schema.plain_serializer_function_ser_schema(
                cls._made, return_schema=as_list
            ),
        )
