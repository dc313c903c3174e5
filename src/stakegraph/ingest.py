"""The ingest pipeline: a stream of raw records in, validated idempotent upserts out.

Every source (the bundle, CRM exports, calendars, mail, REST writes) turns its input into a stream
of :data:`Record` tuples ``(section, raw_dict, location)`` — and :class:`Reject` items for what it
could not even parse — and hands it to :func:`ingest`. Each record is validated with the model,
its references are checked (accounts, managers, participants), reports_to cycles are refused,
and the good records are written in batches through the store's idempotent upserts. A bad record
is reported with its location, field and reason; it never stops the rest.

Sections are written in dependency order (accounts, team, contacts, interactions): before a batch
of one section is written, the pending batches of the sections it depends on are written first.
A contact whose manager has not been seen yet waits until the manager arrives or the
interactions start; memory stays bounded by the batch size plus the ids seen. Batches of
contacts and interactions are sent to the store ahead of reading the answers to the ones before
(up to :data:`_IN_FLIGHT`), so the database writes while the next batch is read and checked.
"""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from stakegraph.errors import StakegraphError
from stakegraph.gcpause import fewer_collections
from stakegraph.interaction_rows import checked_row
from stakegraph.model import (
    Account,
    Contact,
    Interaction,
    RoleChange,
    TeamMember,
    error_message,
)
from stakegraph.reading_worker import InWorker, StartedWorker
from stakegraph.store.base import GraphStore, UpsertResult
from stakegraph.store.records import InteractionRow, interaction_row
from stakegraph.store.tiesets import TieSession

__all__ = [
    "SECTIONS",
    "EntityCounts",
    "ImportReport",
    "InWorker",
    "Record",
    "Reject",
    "StartedWorker",
    "Validated",
    "ingest",
    "validate",
]

SECTIONS: tuple[str, ...] = ("accounts", "team", "contacts", "interactions")
"""The sections of a bundle, in the order they must be written."""

_MODELS: dict[str, type[Account] | type[TeamMember] | type[Contact] | type[Interaction]] = {
    "accounts": Account,
    "team": TeamMember,
    "contacts": Contact,
    "interactions": Interaction,
}
_LABELS = {"accounts": "Account", "team": "TeamMember", "contacts": "Contact"}

Record = tuple[str, dict[str, Any], str]
"""``(section, raw record, location)``; the location says where the record came from."""


@dataclass(frozen=True)
class Reject:
    """A record (or a piece of input) that was not imported, and why."""

    source: str
    location: str
    reason: str
    entity: str | None = None
    id: str | None = None
    field: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The reject as a JSON-ready dict (for the rejects file and the API)."""
        return {k: v for k, v in asdict(self).items() if v is not None}

    def __str__(self) -> str:
        where = f"{self.source}:{self.location}" if self.location else self.source
        what = f" {self.entity} {self.id!r}" if self.entity and self.id else ""
        fld = f" field {self.field!r}:" if self.field else ""
        return f"{where}{what}:{fld} {self.reason}"


@dataclass
class EntityCounts:
    """What happened to the records of one section."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0

    def add(self, result: UpsertResult) -> None:
        """Count an upsert's result."""
        self.created += len(result.created)
        self.updated += len(result.updated)
        self.unchanged += len(result.unchanged)


@dataclass
class ImportReport:
    """The outcome of one import: counts per section, every reject, the role changes seen."""

    source: str
    dry_run: bool = False
    counts: dict[str, EntityCounts] = field(
        default_factory=lambda: {s: EntityCounts() for s in SECTIONS}
    )
    rejects: list[Reject] = field(default_factory=list)
    role_changes: list[RoleChange] = field(default_factory=list)
    touched_accounts: set[str] = field(default_factory=set)
    # Contacts this import created: the alerting's picture of an account "before" the import
    # leaves them out (a new CIO arriving with the same import was not there before).
    created_contacts: set[str] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        """True when nothing was rejected."""
        return not self.rejects

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        return {
            "source": self.source,
            "dry_run": self.dry_run,
            "counts": {k: asdict(v) for k, v in self.counts.items()},
            "rejects": [r.to_dict() for r in self.rejects],
            "role_changes": [c.model_dump(mode="json") for c in self.role_changes],
        }


def _describe(error: ValidationError) -> tuple[str | None, str]:
    problems = []
    first: str | None = None
    for item in error.errors():
        loc = ".".join(str(p) for p in item["loc"]) or None
        if first is None:
            first = loc
        message = error_message(item)
        problems.append((loc, message))
    if len(problems) == 1:
        return first, problems[0][1]
    return first, "; ".join(f"{loc}: {m}" if loc else m for loc, m in problems)


Validated = tuple[str, Account | TeamMember | Contact | InteractionRow, str]
"""``(section, entity, location)``: a record that passed its model's validation. An interaction
is carried as its stored row (:data:`~stakegraph.store.records.InteractionRow`): a million of
them are cheaper to send between processes and to write as plain tuples than as models."""


def validate(item: Record | Reject, source: str) -> Validated | Reject:
    """One record validated with its section's model, or the reason it is rejected.

    Pure: the worker process of :class:`InWorker` runs it as well as the pipeline. A
    :class:`Reject` comes back as it is. An interaction that
    :func:`~stakegraph.interaction_rows.checked_row` can vouch for skips the model (which would
    accept it unchanged); any other goes through the model, which names what is wrong.
    """
    if isinstance(item, Reject):
        return item
    section, raw, location = item
    if section not in _MODELS:
        return Reject(source, location, f"unknown section {section!r}")
    if section == "interactions" and type(raw) is dict:
        row = checked_row(raw)
        if row is not None:
            return section, row, location
    if isinstance(raw, Account | TeamMember | Contact | Interaction):
        entity: Account | TeamMember | Contact | Interaction = raw
    elif not isinstance(raw, dict):
        return Reject(source, location, "a record must be a JSON object", section)
    else:
        try:
            entity = _MODELS[section].model_validate(raw)
        except ValidationError as exc:
            record_id = raw.get("id")
            rid = str(record_id) if record_id is not None else None
            field_name, reason = _describe(exc)
            return Reject(source, location, reason, section, rid, field_name)
    if isinstance(entity, Interaction):
        return section, interaction_row(entity), location
    return section, entity, location


def _validated(source: InWorker | StartedWorker, name: str) -> Iterator[Validated | Reject]:
    """The records of ``source``, validated by its worker process (started now unless it is
    already), in their order."""
    started = source.start(name) if isinstance(source, InWorker) else source
    with started:
        yield from started.results()


_IN_FLIGHT = 3
"""Batches begun and not ended: the database has the next ones queued while this process
checks and folds, so a moment this process waits for a core does not leave it idle."""


@dataclass(frozen=True)
class _Begun:
    """A batch sent to the store, its answer not read yet."""

    section: str
    ids: set[str]
    end: Callable[[], UpsertResult]
    """Reads the answer (the store's own error, if the write failed, is raised here)."""
    written: Callable[[UpsertResult], None]
    """Counts what the write did."""


class _Pipeline:
    def __init__(
        self,
        store: GraphStore,
        *,
        source: str,
        dry_run: bool,
        at: datetime | None,
        batch_size: int,
        on_progress: Callable[[str, int], None] | None,
        ties: TieSession | None = None,
    ) -> None:
        self.store = store
        self.source = source
        self.dry_run = dry_run
        self.at = at
        self.batch_size = batch_size
        self.on_progress = on_progress
        self.ties = ties
        self.report = ImportReport(source=source, dry_run=dry_run)
        self.pending: dict[str, list[tuple[Any, str]]] = {s: [] for s in SECTIONS}
        self.deferred: list[tuple[Contact, str]] = []
        # Ids accepted by this import (they may not be in the store during a dry run) or found
        # in the store.
        self.known: dict[str, set[str]] = {s: set() for s in ("accounts", "team", "contacts")}
        # Managers of the contacts accepted by this import, for cycle checks, and of contacts
        # stored before it that it names (read once).
        self.manager_of: dict[str, str | None] = {}
        self.stored_managers: dict[str, str | None] = {}
        # Each batch of contacts or interactions is begun (sent to the database) before the
        # batches before it are ended (their answers read), so the database goes from one
        # batch straight to the next while this process checks and folds. What a batch did
        # is counted (by its callback) when it ends; every other use of the store reads the
        # answers due first. See _begin for when a batch waits for the ones before.
        self._begun: deque[_Begun] = deque()

    def reject(
        self,
        section: str | None,
        location: str,
        reason: str,
        *,
        record_id: str | None = None,
        field_name: str | None = None,
    ) -> None:
        self.report.rejects.append(
            Reject(self.source, location, reason, section, record_id, field_name)
        )
        if section in self.report.counts:
            self.report.counts[section].rejected += 1

    def add(self, item: Record | Reject) -> None:
        self.add_checked(validate(item, self.source))

    def add_checked(self, checked: Validated | Reject) -> None:
        if isinstance(checked, Reject):
            self.report.rejects.append(checked)
            if checked.entity in self.report.counts:
                self.report.counts[checked.entity].rejected += 1
            return
        section, entity, location = checked
        self.pending[section].append((entity, location))
        if len(self.pending[section]) >= self.batch_size:
            self.flush(section)

    # -- flushing --------------------------------------------------------------------------
    def flush(self, section: str) -> None:
        order = SECTIONS.index(section)
        for earlier in SECTIONS[:order]:
            if self.pending[earlier]:
                self.flush(earlier)
        if section == "interactions" and self.deferred:
            self._write_contacts([], final=True)
        batch = self.pending[section]
        self.pending[section] = []
        if section == "contacts":
            self._write_contacts(batch, final=False)
        elif batch:
            getattr(self, f"_write_{section}")(batch)

    def finish(self) -> ImportReport:
        for section in SECTIONS:
            self.flush(section)
        if self.deferred:
            self._write_contacts([], final=True)
        self._settle()
        return self.report

    def close(self) -> None:
        """End the batches still begun (also when the import is abandoned by an error)."""
        while self._begun:
            begun = self._begun.popleft()
            # Its records may be written: interactions' ties are folded as they would be.
            with contextlib.suppress(StakegraphError):
                begun.end()

    def _settle(self) -> None:
        """End every batch begun, in order, and count what each did."""
        while self._begun:
            self._end_oldest()

    def _end_oldest(self) -> None:
        begun = self._begun.popleft()
        begun.written(begun.end())  # the write's own error, if it failed, surfaces here

    def _begin(
        self,
        section: str,
        ids: set[str],
        start: Callable[[], Callable[[], UpsertResult]],
        written: Callable[[UpsertResult], None],
        *,
        refers_to: Iterable[str] = (),
    ) -> None:
        """Begin a batch (``start`` sends it); end the oldest once more than
        :data:`_IN_FLIGHT` are begun.

        The store writes a batch whose create it refuses (an id is stored) again when it
        ends, after the ones begun since: so a batch of the same section that shares an id
        with a batch still begun, or refers to one of its ids (a manager), waits for those to
        end first.
        """
        refers = set(refers_to)
        if any(
            before.section == section
            and not (ids.isdisjoint(before.ids) and before.ids.isdisjoint(refers))
            for before in self._begun
        ):
            self._settle()
        self._begun.append(_Begun(section, ids, start(), written))
        while len(self._begun) > _IN_FLIGHT:
            self._end_oldest()

    def _exists(self, section: str, ids: Iterable[str]) -> set[str]:
        known = self.known[section]
        named = ids if isinstance(ids, set) else set(ids)
        if named <= known:  # the usual case, in one pass
            return named
        wanted = sorted(named - known)
        if wanted:
            # Found in the store (which reads the answers of the batches begun first): known
            # from now on, so later batches naming them (the accounts of an import of
            # contacts, say) need not read again.
            known.update(self.store.existing_ids(_LABELS[section], wanted))
        return named & known

    def _progress(self, section: str, n: int) -> None:
        if self.on_progress is not None:
            self.on_progress(section, n)

    def _write_accounts(self, batch: Sequence[tuple[Account, str]]) -> None:
        self._settle()
        accounts = [a for a, _ in batch]
        result = self.store.upsert_accounts(accounts, dry_run=self.dry_run)
        self.report.counts["accounts"].add(result)
        self.known["accounts"].update(a.id for a in accounts)
        self.report.touched_accounts.update(result.created + result.updated)
        self._progress("accounts", len(batch))

    def _write_team(self, batch: Sequence[tuple[TeamMember, str]]) -> None:
        self._settle()
        members = [m for m, _ in batch]
        result = self.store.upsert_team(members, dry_run=self.dry_run)
        self.report.counts["team"].add(result)
        self.known["team"].update(m.id for m in members)
        self._progress("team", len(batch))

    def _write_contacts(self, batch: Sequence[tuple[Contact, str]], *, final: bool) -> None:
        candidates = list(self.deferred) + list(batch)
        self.deferred = []
        if not candidates:
            return
        accounts = self._exists("accounts", {c.account_id for c, _ in candidates})
        in_batch = {c.id for c, _ in candidates if c.account_id in accounts}
        managers = {c.reports_to for c, _ in candidates if c.reports_to}
        known_managers = self._exists("contacts", managers - in_batch) | (managers & in_batch)
        accepted: list[tuple[Contact, str]] = []
        waiting: list[tuple[Contact, str]] = []
        for contact, location in candidates:
            if contact.account_id not in accounts:
                self.reject(
                    "contacts",
                    location,
                    f"no account with id {contact.account_id!r}",
                    record_id=contact.id,
                    field_name="account_id",
                )
            elif contact.reports_to and contact.reports_to not in known_managers:
                if final:
                    self.reject(
                        "contacts",
                        location,
                        f"no contact with id {contact.reports_to!r}",
                        record_id=contact.id,
                        field_name="reports_to",
                    )
                else:
                    waiting.append((contact, location))
            else:
                accepted.append((contact, location))
        # A manager that waits is not known yet: its reports wait with it.
        waiting_ids = {c.id for c, _ in waiting}
        while True:
            moved = [(c, loc) for c, loc in accepted if c.reports_to in waiting_ids]
            if not moved:
                break
            accepted = [(c, loc) for c, loc in accepted if c.reports_to not in waiting_ids]
            waiting += moved
            waiting_ids |= {c.id for c, _ in moved}
        self.deferred = waiting
        accepted = self._refuse_cycles(accepted)
        if not accepted:
            return
        contacts = [c for c, _ in accepted]
        # Known from now on: the batch is written before anything submitted after it, and an
        # import whose write fails stops with that error.
        self.known["contacts"].update(c.id for c in contacts)

        def written(result: UpsertResult) -> None:
            self.report.counts["contacts"].add(result)
            self.report.role_changes += result.role_changes
            self.report.created_contacts.update(result.created)
            changed = set(result.created + result.updated)
            self.report.touched_accounts.update(c.account_id for c in contacts if c.id in changed)
            for change in result.role_changes:
                self.report.touched_accounts.update({change.account_id, change.old_account_id})
            self._progress("contacts", len(contacts))

        self._begin(
            "contacts",
            {c.id for c in contacts},
            lambda: self.store.start_contacts(
                contacts, at=self.at, dry_run=self.dry_run, ties=self.ties
            ),
            written,
            refers_to={c.reports_to for c in contacts if c.reports_to},
        )

    def _refuse_cycles(self, batch: list[tuple[Contact, str]]) -> list[tuple[Contact, str]]:
        """Accept contacts in order, refusing one whose reports_to would close a cycle."""
        # The managers of this import's contacts: earlier batches', then this one's so far.
        earlier = self.manager_of
        managers: dict[str, str | None] = {}
        # Managers of contacts stored before this import and not in it: what this import
        # writes does not change them (once it accepts one of them, `earlier` says).
        stored_cache = self.stored_managers

        def manager(contact_id: str) -> str | None:
            if contact_id in managers:
                return managers[contact_id]
            if contact_id in earlier:
                return earlier[contact_id]
            if contact_id not in stored_cache:
                stored = self.store.get_contacts([contact_id]).get(contact_id)
                stored_cache[contact_id] = stored.reports_to if stored else None
            return stored_cache[contact_id]

        # Prefetch, in one read, the stored managers of everyone named before this import
        # accepts them (a manager listed before its reports, as usual, is not read).
        names: set[str] = set()
        ahead: set[str] = set()
        for contact, _ in batch:
            named = contact.reports_to
            if named and named not in earlier and named not in ahead and named not in stored_cache:
                names.add(named)
            ahead.add(contact.id)
        if names:
            for cid, stored in self.store.get_contacts(sorted(names)).items():
                stored_cache[cid] = stored.reports_to
            for cid in names - set(stored_cache):
                stored_cache[cid] = None
        accepted = []
        for contact, location in batch:
            seen = {contact.id}
            current = contact.reports_to
            cycle = False
            steps = 0
            while current is not None and steps < 10_000:
                if current in seen:
                    cycle = True
                    break
                seen.add(current)
                current = manager(current)
                steps += 1
            if cycle:
                self.reject(
                    "contacts",
                    location,
                    f"reports_to {contact.reports_to!r} would close a reporting cycle",
                    record_id=contact.id,
                    field_name="reports_to",
                )
                continue
            managers[contact.id] = contact.reports_to
            accepted.append((contact, location))
        # A contact whose manager was refused in this batch would point at nobody: refuse it too.
        refused = {c.id for c, _ in batch} - {c.id for c, _ in accepted}
        while refused:
            dangling = [(c, loc) for c, loc in accepted if c.reports_to in refused]
            if not dangling:
                break
            for contact, location in dangling:
                self.reject(
                    "contacts",
                    location,
                    f"its manager {contact.reports_to!r} was rejected",
                    record_id=contact.id,
                    field_name="reports_to",
                )
            refused = {c.id for c, _ in dangling}
            accepted = [(c, loc) for c, loc in accepted if c.id not in refused]
        for contact, _ in accepted:
            self.manager_of[contact.id] = contact.reports_to
        return accepted

    def _write_interactions(self, batch: Sequence[tuple[InteractionRow, str]]) -> None:
        # Rows in records.INTERACTION_FIELDS order: 0 id, 1 account_id, 4 team_ids, 5 contact_ids.
        rows = [row for row, _ in batch]
        named_accounts = {row[1] for row in rows}
        named_team = set().union(*[row[4] for row in rows])
        named_contacts = set().union(*[row[5] for row in rows])
        accounts = self._exists("accounts", named_accounts)
        team = self._exists("team", named_team)
        contacts = self._exists("contacts", named_contacts)
        everyone_exists = (
            named_accounts <= accounts and named_team <= team and named_contacts <= contacts
        )
        accepted = []
        for row, location in batch:
            team_ids, contact_ids = row[4], row[5]
            if everyone_exists and (team_ids or contact_ids):
                accepted.append(row)  # the usual case: nothing to look up row by row
                continue
            problem: tuple[str, str] | None = None
            if row[1] not in accounts:
                problem = ("account_id", f"no account with id {row[1]!r}")
            elif missing := [t for t in team_ids if t not in team]:
                problem = ("team_ids", f"no team member with id {missing[0]!r}")
            elif missing := [c for c in contact_ids if c not in contacts]:
                problem = ("contact_ids", f"no contact with id {missing[0]!r}")
            elif not team_ids and not contact_ids:
                problem = ("team_ids", "an interaction needs at least one participant")
            if problem is None:
                accepted.append(row)
            else:
                self.reject(
                    "interactions", location, problem[1], record_id=row[0], field_name=problem[0]
                )
        if not accepted:
            return
        n = len(batch)

        def written(result: UpsertResult) -> None:
            self.report.counts["interactions"].add(result)
            if len(result.created) == len(accepted):  # all new: a first import
                self.report.touched_accounts.update({row[1] for row in accepted})
            else:
                changed = set(result.created + result.updated)
                self.report.touched_accounts.update(row[1] for row in accepted if row[0] in changed)
            self._progress("interactions", n)

        self._begin(
            "interactions",
            {row[0] for row in accepted},
            lambda: self.store.start_interaction_rows(
                accepted, dry_run=self.dry_run, ties=self.ties
            ),
            written,
        )
        if self.ties is not None:
            # The batch ended just now is folded here while the database writes this one.
            self.ties.fold()


def ingest(
    store: GraphStore,
    records: Iterable[Record | Reject] | InWorker | StartedWorker,
    *,
    source: str,
    dry_run: bool = False,
    at: datetime | None = None,
    batch_size: int = 1000,
    on_progress: Callable[[str, int], None] | None = None,
) -> ImportReport:
    """Validate and write a stream of records; report what was created, updated or rejected.

    Parameters
    ----------
    store
        Where the records go.
    records
        ``(section, raw dict, location)`` tuples, and :class:`Reject` items for input the source
        could not parse; sections are ``accounts``, ``team``, ``contacts``, ``interactions``.
        Or an :class:`InWorker`: a source read and validated by a worker process, or a
        :class:`StartedWorker`, one started earlier (it is stopped when the import ends).
    source
        Names the input in rejects (a file name, ``"api"``...).
    dry_run
        Report what would change without writing anything.
    at
        When role changes happened (default: now).
    batch_size
        Records per write.
    on_progress
        Called with ``(section, n)`` after each written batch.
    """
    # The tie aggregates of every interaction written are folded in memory and written once,
    # when the import ends: a contact met in many batches gets its ties written once.
    with fewer_collections(), store.deferred_ties(repair=not dry_run) as ties:
        pipeline = _Pipeline(
            store,
            source=source,
            dry_run=dry_run,
            at=at,
            batch_size=max(1, batch_size),
            on_progress=on_progress,
            ties=ties,
        )
        try:
            if isinstance(records, InWorker | StartedWorker):
                for checked in _validated(records, source):
                    pipeline.add_checked(checked)
            else:
                for item in records:
                    pipeline.add(item)
            return pipeline.finish()
        finally:
            pipeline.close()
