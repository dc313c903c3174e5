"""The entities of the model: accounts, their contacts, our team, interactions, role changes.

Every entity has a stable external id (the CRM's, or one derived from the source), so every write
is an idempotent upsert.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    field_validator,
    model_validator,
)

from stakegraph.model.enums import (
    BuyingRole,
    Direction,
    Function,
    InteractionKind,
    Role,
    Seniority,
    Stance,
    Status,
)
from stakegraph.model.titles import infer_function, infer_seniority

__all__ = [
    "NO_NUL",
    "Account",
    "Contact",
    "EntityId",
    "FieldChange",
    "Interaction",
    "RoleChange",
    "TeamMember",
    "Text",
    "UtcDatetime",
    "as_of_time",
    "error_message",
    "format_utc",
    "to_utc",
]


def to_utc(value: datetime) -> datetime:
    """The same instant in UTC; a naive time is taken to be UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def as_of_time(value: str) -> datetime:
    """An as-of time, in UTC: a bare ISO date means the end of that day, so the day counts in
    full; a time without an offset is UTC. The CLI, the REST API and the pages all read as-of
    times with this, so one date gives one report everywhere.

    Raises :class:`ValueError` naming the text when it is neither an ISO date nor a time.

    Examples
    --------
    >>> as_of_time("2024-06-01")
    datetime.datetime(2024, 6, 1, 23, 59, 59, 999000, tzinfo=datetime.timezone.utc)
    >>> as_of_time("2024-06-01T08:30:00+02:00")
    datetime.datetime(2024, 6, 1, 6, 30, tzinfo=datetime.timezone.utc)
    >>> as_of_time("last tuesday")
    Traceback (most recent call last):
    ...
    ValueError: not an ISO date or time: 'last tuesday'
    """
    text = value.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime.combine(day, time(), UTC) + timedelta(days=1, milliseconds=-1)
        parsed = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError as exc:
        raise ValueError(f"not an ISO date or time: {value!r}") from exc
    return to_utc(parsed)


def format_utc(value: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``, milliseconds only when there are any."""
    value = to_utc(value)
    if value.microsecond:
        return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


_NO_OFFSET = timedelta(0)


def _truncate_ms(value: datetime) -> datetime:
    if value.tzinfo is not UTC:
        # A parsed "...Z" carries pydantic's own UTC zone: swapping it is much cheaper than
        # converting (this runs for every record an import reads).
        offset = value.utcoffset()
        try:
            value = value.replace(tzinfo=UTC) if offset == _NO_OFFSET else to_utc(value)
        except OverflowError:  # 0001-01-01T00:00:00+01:00 is before year 1 in UTC
            raise ValueError("the time is out of range in UTC") from None
    if value.microsecond % 1000:
        value = value.replace(microsecond=(value.microsecond // 1000) * 1000)
    return value


UtcDatetime = Annotated[
    datetime,
    AfterValidator(_truncate_ms),
    PlainSerializer(format_utc, return_type=str, when_used="json"),
]
"""A timezone-aware UTC time with millisecond precision (the store keeps epoch milliseconds)."""


NO_NUL = r"^[^\x00]*$"
"""The pattern every text field matches: no NUL character.

FalkorDB reads a query as a C string, so a NUL would cut it short; a value holding one is refused
here, named like any other invalid field (see :func:`error_message`).
"""

_NO_NUL_MESSAGE = "must not contain a NUL character (\\x00): the graph store cannot keep one"

EntityId = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=256, pattern=NO_NUL)
]
"""An external id: non-empty, at most 256 characters, no NUL, surrounding blanks removed.

Checked by pydantic's own constraints rather than a Python validator: an import checks several
ids per record, and a Python call for each was a fifth of the time it took to validate one.
"""


Text = Annotated[str, StringConstraints(pattern=NO_NUL)]
"""Free text: anything but a NUL character."""


def error_message(error: Mapping[str, Any]) -> str:
    """The message of one pydantic error, in words for the :data:`NO_NUL` pattern."""
    context = error.get("ctx") or {}
    if error.get("type") == "string_pattern_mismatch" and context.get("pattern") == NO_NUL:
        return _NO_NUL_MESSAGE
    return str(error.get("msg", "")).removeprefix("Value error, ")


class _Entity(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


def _normalise_email(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip().lower()
    if not value:
        return None
    if value.count("@") != 1 or value.startswith("@") or value.endswith("@"):
        raise ValueError(f"not an email address: {value!r}")
    return value


class Account(_Entity):
    """A customer account."""

    id: EntityId
    name: str = Field(min_length=1, max_length=500, pattern=NO_NUL)
    domains: list[Text] = Field(default_factory=list)
    annual_value: float | None = Field(default=None, ge=0)
    renewal_date: date | None = None

    @field_validator("domains")
    @classmethod
    def _clean_domains(cls, value: list[str]) -> list[str]:
        out: list[str] = []
        for domain in value:
            d = domain.strip().lower().lstrip("@")
            if not d or "." not in d or " " in d:
                raise ValueError(f"not a domain: {domain!r}")
            if d not in out:
                out.append(d)
        return out


class Contact(_Entity):
    """One of the customer's people.

    ``seniority`` and ``function`` are inferred from ``title`` (and ``department``) when not given.
    """

    id: EntityId
    account_id: EntityId
    name: str = Field(min_length=1, max_length=500, pattern=NO_NUL)
    email: Text | None = None
    title: str | None = Field(default=None, max_length=500, pattern=NO_NUL)
    department: str | None = Field(default=None, max_length=500, pattern=NO_NUL)
    seniority: Seniority = Seniority.UNKNOWN
    function: Function = Function.OTHER
    reports_to: EntityId | None = None
    buying_roles: list[BuyingRole] = Field(default_factory=list)
    stance: Stance = Stance.UNKNOWN
    status: Status = Status.ACTIVE
    discovered: bool = False

    _email = field_validator("email")(classmethod(lambda cls, v: _normalise_email(v)))

    @model_validator(mode="before")
    @classmethod
    def _infer_from_title(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        title = data.get("title")
        title_s = title if isinstance(title, str) else None
        dept = data.get("department")
        dept_s = dept if isinstance(dept, str) else None
        if data.get("seniority") in (None, ""):
            data["seniority"] = infer_seniority(title_s)
        if data.get("function") in (None, ""):
            data["function"] = infer_function(title_s, dept_s)
        if data.get("buying_roles") is None:
            data["buying_roles"] = []
        return data

    @model_validator(mode="after")
    def _not_own_manager(self) -> Contact:
        if self.reports_to is not None and self.reports_to == self.id:
            raise ValueError("reports_to: a contact cannot report to themselves")
        return self

    @field_validator("buying_roles")
    @classmethod
    def _unique_roles(cls, value: list[BuyingRole]) -> list[BuyingRole]:
        if not value:
            return value
        return sorted(set(value), key=_BUYING_ROLE_ORDER.__getitem__)


_BUYING_ROLE_ORDER = {role: k for k, role in enumerate(BuyingRole)}


class TeamMember(_Entity):
    """One of our own people."""

    id: EntityId
    name: str = Field(min_length=1, max_length=500, pattern=NO_NUL)
    email: Text | None = None
    title: str | None = Field(default=None, max_length=500, pattern=NO_NUL)
    role: Role = Role.OTHER

    _email = field_validator("email")(classmethod(lambda cls, v: _normalise_email(v)))


class Interaction(_Entity):
    """A meeting, call, email, event or message between our people and the customer's."""

    id: EntityId
    account_id: EntityId
    kind: InteractionKind
    occurred_at: UtcDatetime
    team_ids: list[EntityId] = Field(default_factory=list)
    contact_ids: list[EntityId] = Field(default_factory=list)
    sentiment: float | None = Field(default=None, ge=-1.0, le=1.0)
    concern: bool = False
    follow_up: str | None = Field(default=None, max_length=5000, pattern=NO_NUL)
    subject: str | None = Field(default=None, max_length=1000, pattern=NO_NUL)
    direction: Direction | None = None
    answered: bool | None = None

    @field_validator("team_ids", "contact_ids")
    @classmethod
    def _unique_ids(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))


class FieldChange(BaseModel):
    """The old and new value of one field."""

    model_config = ConfigDict(frozen=True)

    old: Any = None
    new: Any = None


class RoleChange(BaseModel):
    """A change of a contact's title, seniority, reports_to, status or account."""

    model_config = ConfigDict(frozen=True)

    id: str
    contact_id: str
    account_id: str
    old_account_id: str
    changed_at: UtcDatetime
    changes: dict[str, FieldChange]


ROLE_FIELDS: tuple[str, ...] = ("title", "seniority", "reports_to", "status", "account_id")
"""Contact fields whose change is recorded as a :class:`RoleChange`."""
