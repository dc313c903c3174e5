"""The reading worker: a process that reads and validates records while the importing one writes.

For big files reading and validating take about as long as writing, and a second process does
them on another core. A new process takes about half a second to bring Python, pydantic and the
model up before it sends its first batch, so this module loads none of them: a command can start
the worker first thing (:meth:`InWorker.start`) and open the store, load the model and connect
while the worker starts, instead of after. The worker imports what it needs itself.
"""

from __future__ import annotations

import importlib
import marshal
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from queue import Empty
from types import TracebackType
from typing import Any

from stakegraph.errors import StakegraphError

__all__ = ["InWorker", "StartedWorker", "available_cpus", "worker_wanted"]

_QUEUED = 4
"""Batches on their way at most: memory stays bounded when the writes are slower."""


def available_cpus() -> int:
    """The CPUs this process may run on (its affinity where the system has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worker_wanted(size: int, *, min_bytes: int, min_cpus: int, cpus: int | None = None) -> bool:
    """Whether a file of ``size`` bytes is worth a reading worker.

    Only for big files (``min_bytes``; 0 means never), and only with ``min_cpus`` CPUs or
    more: the database server and the importing process keep two busy already, and a worker
    without a core of its own slows the import down.

    >>> worker_wanted(50_000_000, min_bytes=8_000_000, min_cpus=3, cpus=2)
    False
    >>> worker_wanted(50_000_000, min_bytes=8_000_000, min_cpus=3, cpus=4)
    True
    >>> worker_wanted(1_000, min_bytes=8_000_000, min_cpus=3, cpus=4)
    False
    """
    if cpus is None:
        cpus = available_cpus()
    return 0 < min_bytes <= size and cpus >= min_cpus


@dataclass(frozen=True)
class InWorker:
    """Records that a worker process reads and validates while this one writes them.

    ``read(*args)`` gives the records (see :data:`stakegraph.ingest.Record`); it runs in the
    worker, so it must be a module-level function, or its name as ``"module:function"`` (then
    this process need not import it), and ``args`` must be picklable (a path, say).
    """

    read: Callable[..., Iterable[Any]] | str
    args: tuple[Any, ...] = ()
    batch_size: int = 1000

    def start(self, name: str) -> StartedWorker:
        """Start the worker now; ``name`` names the input in rejects."""
        return StartedWorker(self, name)


class StartedWorker:
    """A running worker: :meth:`results` gives what it validated, in order; leaving the
    ``with`` block (or :meth:`stop`) ends the process, whether it was read to the end or not."""

    def __init__(self, source: InWorker, name: str) -> None:
        self.name = name
        self._finished = False
        context = multiprocessing.get_context("spawn")
        self._queue = context.Queue(maxsize=_QUEUED)
        self._process = context.Process(
            target=_validate_in_worker, args=(source, name, self._queue), name="ingest-validator"
        )
        self._process.start()

    def results(self) -> Iterator[Any]:
        """The validated records (:data:`stakegraph.ingest.Validated`) and rejects, in order.

        An exception in the worker is raised here; a worker that dies is a
        :class:`~stakegraph.errors.StakegraphError` naming its exit code.
        """
        try:
            while True:
                try:
                    batch = self._queue.get(timeout=1.0)
                except Empty:
                    if not self._process.is_alive():
                        raise StakegraphError(
                            f"the process reading {self.name} stopped "
                            f"(exit code {self._process.exitcode})"
                        ) from None
                    continue
                if batch is None:
                    self._finished = True
                    break
                if isinstance(batch, BaseException):
                    raise batch
                yield from marshal.loads(batch) if isinstance(batch, bytes) else batch
        finally:
            self.stop()

    def stop(self) -> None:
        """End the worker and wait for it: one that sent everything exits on its own, one
        still reading is terminated."""
        if self._finished:
            self._process.join(timeout=10.0)
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()

    def __enter__(self) -> StartedWorker:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def _send(queue: Any, batch: list[Any]) -> None:
    """Put a batch on the queue; as marshal bytes when it holds plain values only.

    A batch of interaction rows (tuples of strings, numbers and lists) marshals and loads in
    half the time pickle takes; one with a model or a reject in it is pickled as usual.
    """
    try:
        queue.put(marshal.dumps(batch))
    except ValueError:  # "unmarshallable object"
        queue.put(batch)


def _reader(read: Callable[..., Iterable[Any]] | str) -> Callable[..., Iterable[Any]]:
    if callable(read):
        return read
    module, _, function = read.partition(":")
    found: Callable[..., Iterable[Any]] = getattr(importlib.import_module(module), function)
    return found


def _validate_in_worker(source: InWorker, name: str, queue: Any) -> None:
    """The worker: read, validate, and send the results in order, a batch at a time."""
    try:
        from stakegraph.gcpause import fewer_collections
        from stakegraph.ingest import validate

        with fewer_collections():  # a few dozen short-lived objects per record
            batch: list[Any] = []
            for item in _reader(source.read)(*source.args):
                batch.append(validate(item, name))
                if len(batch) >= source.batch_size:
                    _send(queue, batch)
                    batch = []
            _send(queue, batch)
        queue.put(None)
    except BaseException as exc:  # sent to the parent, which raises it
        queue.put(exc)
