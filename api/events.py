"""Writes made through the service, announced to whoever needs to react.

The report cache listens here to drop what a write made stale; alerts (role changes) can listen
too, without the write routes knowing about them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from stakegraph.model import RoleChange

__all__ = ["WriteEvent", "WriteEvents", "WriteListener"]

log = logging.getLogger("stakegraph.api")


@dataclass(frozen=True)
class WriteEvent:
    """What one write touched.

    ``every_account`` is set when the write can change any account's report (a team member's
    name or role, a bundle touching many accounts).
    """

    kind: str
    account_ids: frozenset[str] = frozenset()
    every_account: bool = False
    role_changes: tuple[RoleChange, ...] = ()
    created_contacts: frozenset[str] = frozenset()
    """Contacts the write created (the alerting's "before" leaves them out)."""
    source: str = "api"
    deleted: frozenset[str] = field(default_factory=frozenset)


WriteListener = Callable[[WriteEvent], None]


class WriteEvents:
    """A list of listeners called, in order, after each write (in the writing thread)."""

    def __init__(self) -> None:
        self._listeners: list[WriteListener] = []

    def subscribe(self, listener: WriteListener) -> None:
        """Call ``listener`` after every write from now on."""
        self._listeners.append(listener)

    def publish(self, event: WriteEvent) -> None:
        """Tell every listener; one failing listener does not stop the others or the write."""
        for listener in self._listeners:
            try:
                listener(event)
            except Exception:
                log.exception("write listener %r failed on %s", listener, event.kind)
