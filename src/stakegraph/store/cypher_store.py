"""What both adapters share: diffing upserts, role changes, tie aggregates, snapshots, export.

An adapter only says how to run one catalog statement (:meth:`CypherStore._run`) and how to
create its schema; everything else is written once here, over the statements in ``cypher/``.
"""

from __future__ import annotations

import hashlib
import os
import threading
from abc import abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

from stakegraph.alerts.model import Alert, Delivery, DeliveryJob, DeliveryStatus, Webhook
from stakegraph.errors import DuplicateIdError, MaybeWrittenError, NotFoundError, StoreError
from stakegraph.gcpause import fewer_collections
from stakegraph.keys import ApiKey
from stakegraph.model import (
    ROLE_FIELDS,
    Account,
    AccountSnapshot,
    Contact,
    FieldChange,
    Interaction,
    RoleChange,
    TeamMember,
)
from stakegraph.settings import Settings
from stakegraph.store import alertrecords, records, tiesets
from stakegraph.store.base import GraphStore, UpsertResult
from stakegraph.store.keyrecords import api_key_from_row, api_key_params, epoch_ms
from stakegraph.store.records import InteractionRow
from stakegraph.store.tiesets import TieSession

__all__ = ["CypherStore"]

_Entity = TypeVar("_Entity", Account, Contact, TeamMember, Interaction)

_CREATE_ATTEMPTS = 3
"""How often a batch of new interactions is read and created again after losing a race."""

_LABEL_READS = {
    "Account": "get_accounts",
    "Contact": "get_contacts",
    "TeamMember": "get_team_members",
    "Interaction": "get_interactions",
}


def _chunks(items: Sequence[_Entity], size: int) -> Iterator[Sequence[_Entity]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _last_wins(items: Iterable[_Entity]) -> list[_Entity]:
    """One entity per id, the last one given (a batch may name an id twice)."""
    by_id: dict[str, _Entity] = {}
    for item in items:
        by_id.pop(item.id, None)
        by_id[item.id] = item
    return list(by_id.values())


def _last_rows(rows: Iterable[InteractionRow]) -> list[InteractionRow]:
    """One row per interaction id, the last one given, as :func:`_last_wins` keeps them."""
    by_id: dict[str, InteractionRow] = {}
    for row in rows:
        by_id.pop(row[0], None)
        by_id[row[0]] = row
    return list(by_id.values())


def _same(old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    """True when the stored properties already say what ``new`` says (missing means null)."""
    for key, value in new.items():
        stored = old.get(key)
        if value is None or value == []:
            if stored not in (None, []):
                return False
        elif isinstance(value, float) or isinstance(stored, float):
            if stored is None or abs(float(stored) - float(value)) > 1e-9:
                return False
        elif stored != value:
            return False
    return True


def _by_id(contact: Contact) -> str:
    return contact.id


def _times(rows: list[dict[str, Any]]) -> tuple[datetime, ...]:
    return tuple(records.from_ms(int(r["at"])) for r in rows)


class CypherStore(GraphStore):
    """A :class:`GraphStore` over the statement catalog; adapters implement :meth:`_run`."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.batch_size = max(1, settings.write_batch_size)
        self.half_life_days = settings.analysis.half_life_days
        self._helper: tuple[int, ThreadPoolExecutor] | None = None
        self._helper_lock = threading.Lock()

    # -- what an adapter provides ----------------------------------------------------------
    @abstractmethod
    def _run(self, name: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """Run the catalog statement ``name`` with ``params``; rows as dicts by column name."""

    def _send(self, name: str, params: Mapping[str, Any]) -> Callable[[], list[dict[str, Any]]]:
        """Begin the write ``name``; the function returned reads its rows (or raises its error).

        An adapter may send it at once and read the answer when asked (see
        :meth:`start_interaction_rows`); it may also run it again if the connection broke in
        between, so only statements that a unique constraint refuses whole when they were
        already written go through here. This default runs it at once.
        """
        try:
            rows = self._run(name, params)
        except StoreError as exc:
            error = exc

            def refused() -> list[dict[str, Any]]:
                raise error

            return refused
        return lambda: rows

    # -- helpers ---------------------------------------------------------------------------
    def _meanwhile(self, name: str, params: Mapping[str, Any]) -> Future[list[dict[str, Any]]]:
        """Start the read ``name`` on one of this store's two helper threads; return at once.

        The database works on it while this thread goes on with its own queries and parsing
        (the client's connection pool gives each thread its own connection); a snapshot starts
        two such reads.
        """
        with self._helper_lock:
            # A forked child inherits the executor but not its thread: it makes its own.
            if self._helper is None or self._helper[0] != os.getpid():
                pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="stakegraph-read")
                self._helper = (os.getpid(), pool)
            return self._helper[1].submit(self._run, name, params)

    def _stop_helper(self) -> None:
        with self._helper_lock:
            if self._helper is not None and self._helper[0] == os.getpid():
                self._helper[1].shutdown(wait=True)
            self._helper = None

    def _props_by_id(self, statement: str, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for start in range(0, len(ids), self.batch_size):
            for row in self._run(statement, {"ids": list(ids[start : start + self.batch_size])}):
                props = dict(row["props"])
                out[str(props["id"])] = props
        return out

    def ping(self) -> bool:
        try:
            return bool(self._run("ping")[0]["ok"] == 1)
        except Exception:
            return False

    # -- writes ----------------------------------------------------------------------------
    def _upsert_plain(
        self, statement: str, read: str, entities: Sequence[Any], to_props: Any, dry_run: bool
    ) -> UpsertResult:
        result = UpsertResult()
        for batch in _chunks(_last_wins(entities), self.batch_size):
            existing = self._props_by_id(read, [e.id for e in batch])
            rows = []
            for entity in batch:
                props = to_props(entity)
                old = existing.get(entity.id)
                if old is None:
                    result.created.append(entity.id)
                elif _same(old, props):
                    result.unchanged.append(entity.id)
                    continue
                else:
                    result.updated.append(entity.id)
                rows.append({"id": entity.id, "props": props})
            if rows and not dry_run:
                self._run(statement, {"rows": rows})
        return result

    def upsert_accounts(
        self, accounts: Sequence[Account], *, dry_run: bool = False
    ) -> UpsertResult:
        return self._upsert_plain(
            "upsert_accounts", "get_accounts", accounts, records.account_props, dry_run
        )

    def upsert_team(self, members: Sequence[TeamMember], *, dry_run: bool = False) -> UpsertResult:
        return self._upsert_plain(
            "upsert_team_members", "get_team_members", members, records.team_member_props, dry_run
        )

    def upsert_contacts(
        self,
        contacts: Sequence[Contact],
        *,
        at: datetime | None = None,
        dry_run: bool = False,
        ties: TieSession | None = None,
    ) -> UpsertResult:
        when = (at or datetime.now(UTC)).astimezone(UTC)
        result = UpsertResult()
        for batch in _chunks(_last_wins(contacts), self.batch_size):
            if ties is not None and ties.assume_new and not dry_run:
                # A first import: create the batch without reading which ids exist first. If
                # one does, the unique constraint refuses the whole batch (nothing is written)
                # and the writer reads before it writes from then on.
                try:
                    rows = [list(records.contact_props(c).values()) for c in batch]
                    self._run("create_contacts", {"rows": rows})
                    result.created += [c.id for c in batch]
                    continue
                except DuplicateIdError:
                    ties.assume_new = False
            for attempt in range(_CREATE_ATTEMPTS):
                try:
                    result.merge(self._upsert_contact_batch(batch, when, dry_run))
                    break
                except DuplicateIdError:
                    # Another writer stored some of the new ids between our read and our
                    # create (which then wrote nothing): read again, they are updates now.
                    if attempt == _CREATE_ATTEMPTS - 1:
                        raise
        return result

    def _upsert_contact_batch(
        self, batch: Sequence[Contact], when: datetime, dry_run: bool
    ) -> UpsertResult:
        result = UpsertResult()
        existing = self._props_by_id("get_contacts", [c.id for c in batch])
        new_rows: list[list[Any]] = []
        rows: list[dict[str, Any]] = []
        changes: list[RoleChange] = []
        for contact in batch:
            props = records.contact_props(contact)
            old = existing.get(contact.id)
            if old is None:
                result.created.append(contact.id)
                new_rows.append(list(props.values()))  # in records.CONTACT_FIELDS order
                continue
            if _same(old, props):
                result.unchanged.append(contact.id)
                continue
            result.updated.append(contact.id)
            change = self._role_change(old, props, when)
            if change is not None:
                changes.append(change)
            rows.append({"id": contact.id, "props": props})
        if dry_run:
            result.role_changes += changes
            return result
        if new_rows:
            # New contacts first: a changed contact may now report to one of them.
            self._run("create_contacts", {"rows": new_rows})
        if rows:
            self._run("upsert_contacts", {"rows": rows})
            moved = [
                {"id": c.contact_id, "account_id": c.account_id}
                for c in changes
                if c.account_id != c.old_account_id
            ]
            if moved:
                self._run("move_tie_sets", {"rows": moved})
        if changes:
            self._run(
                "create_role_changes",
                {"rows": [{"id": c.id, "props": records.role_change_props(c)} for c in changes]},
            )
        result.role_changes += changes
        return result

    @staticmethod
    def _role_change(
        old: Mapping[str, Any], new: Mapping[str, Any], when: datetime
    ) -> RoleChange | None:
        fields = {
            name: FieldChange(old=old.get(name), new=new.get(name))
            for name in ROLE_FIELDS
            if old.get(name) != new.get(name)
        }
        if not fields:
            return None
        digest = hashlib.sha1(
            repr(sorted((k, v.old, v.new) for k, v in fields.items())).encode()
        ).hexdigest()[:12]
        return RoleChange(
            id=f"{new['id']}:{records.to_ms(when)}:{digest}",
            contact_id=str(new["id"]),
            account_id=str(new["account_id"]),
            old_account_id=str(old.get("account_id") or new["account_id"]),
            changed_at=when,
            changes=fields,
        )

    @contextmanager
    def deferred_ties(self, *, repair: bool = True) -> Iterator[TieSession]:
        if repair:
            self.repair_ties()
        session = self._tie_session()
        try:
            yield session
        finally:
            # Also after an error: what was written gets its ties.
            session.flush()

    def repair_ties(self) -> int:
        repaired = tiesets.repair(self._run, self.half_life_days, self.batch_size)
        return repaired + tiesets.upgrade(self._run, self.batch_size)

    def _tie_session(self) -> TieSession:
        return TieSession(self._run, self.half_life_days, self.batch_size)

    def upsert_interactions(
        self,
        interactions: Sequence[Interaction],
        *,
        dry_run: bool = False,
        ties: TieSession | None = None,
    ) -> UpsertResult:
        rows = [records.interaction_row(i) for i in interactions]
        return self.upsert_interaction_rows(rows, dry_run=dry_run, ties=ties)

    def upsert_interaction_rows(
        self,
        rows: Sequence[InteractionRow],
        *,
        dry_run: bool = False,
        ties: TieSession | None = None,
    ) -> UpsertResult:
        session = ties or self._tie_session()
        result = UpsertResult()
        unique = rows if len({row[0] for row in rows}) == len(rows) else _last_rows(rows)
        for start in range(0, len(unique), self.batch_size):
            batch = unique[start : start + self.batch_size]
            for attempt in range(_CREATE_ATTEMPTS):
                try:
                    result.merge(self._upsert_interaction_batch(batch, dry_run, session))
                    break
                except DuplicateIdError:
                    # Another writer stored some of these ids between our read and our create
                    # (which then wrote nothing): read again, they are now updates or unchanged.
                    if attempt == _CREATE_ATTEMPTS - 1:
                        raise
        if ties is None and not dry_run:
            session.flush()
        return result

    def _sends_ahead(self, ids: list[str], dry_run: bool, ties: TieSession) -> bool:
        """Whether a batch is sent ahead: only in a first import (the ids are taken for new,
        nothing to read first) and for a batch that is one write of distinct ids; anything
        else is written at once."""
        return (
            ties.assume_new
            and not dry_run
            and len(ids) <= self.batch_size
            and len(set(ids)) == len(ids)
        )

    def start_contacts(
        self,
        contacts: Sequence[Contact],
        *,
        at: datetime | None = None,
        dry_run: bool = False,
        ties: TieSession | None = None,
    ) -> Callable[[], UpsertResult]:
        if ties is None or not self._sends_ahead([c.id for c in contacts], dry_run, ties):
            return super().start_contacts(contacts, at=at, dry_run=dry_run, ties=ties)
        session = ties
        rows = [list(records.contact_props(c).values()) for c in contacts]
        answer = self._send("create_contacts", {"rows": rows})

        def end() -> UpsertResult:
            try:
                answer()
            except DuplicateIdError:
                # One of the ids is stored (nothing of the batch was written): read, compare
                # and write the batch, and read before writing from now on.
                session.assume_new = False
                return self.upsert_contacts(contacts, at=at, ties=session)
            return UpsertResult(created=[c.id for c in contacts])

        return end

    def start_interaction_rows(
        self,
        rows: Sequence[InteractionRow],
        *,
        dry_run: bool = False,
        ties: TieSession | None = None,
    ) -> Callable[[], UpsertResult]:
        if ties is None or not self._sends_ahead([row[0] for row in rows], dry_run, ties):
            return super().start_interaction_rows(rows, dry_run=dry_run, ties=ties)
        session = ties
        session.mark()
        answer = self._send("create_interactions", {"rows": rows})

        def end() -> UpsertResult:
            try:
                answer()
            except DuplicateIdError as exc:
                # One of the ids is stored (nothing of the batch was written): read and write
                # the batch as an upsert, and read before writing from now on.
                session.assume_new = False
                if isinstance(exc, MaybeWrittenError):
                    # The batch may be stored by its first sending, which was not folded: the
                    # tie sets of its contacts are rebuilt from the interactions instead.
                    session.recompute({cid for row in rows for cid in row[5]})
                return self.upsert_interaction_rows(rows, ties=session)
            session.add_rows(rows)
            return UpsertResult(created=[row[0] for row in rows])

        return end

    def _create_interaction_batch(
        self, batch: Sequence[InteractionRow], session: TieSession
    ) -> UpsertResult:
        session.mark()
        self._run("create_interactions", {"rows": batch})
        session.add_rows(batch)
        return UpsertResult(created=[row[0] for row in batch])

    def _upsert_interaction_batch(
        self, batch: Sequence[InteractionRow], dry_run: bool, session: TieSession
    ) -> UpsertResult:
        result = UpsertResult()
        if session.assume_new and not dry_run:
            # A first import: create the batch without reading which ids exist first. If one
            # does, the unique constraint refuses the whole batch (nothing is written), and this
            # writer reads before it writes from then on.
            try:
                return self._create_interaction_batch(batch, session)
            except DuplicateIdError:
                session.assume_new = False
        existing = self._props_by_id("get_interactions", [row[0] for row in batch])
        new: list[InteractionRow] = []
        changed_rows: list[dict[str, Any]] = []
        changed_contacts: set[str] = set()
        for row in batch:
            props = records.row_props(row)
            old = existing.get(row[0])
            if old is None:
                result.created.append(row[0])
                new.append(row)
            elif _same(old, props):
                result.unchanged.append(row[0])
            else:
                result.updated.append(row[0])
                changed_contacts.update(row[5])
                changed_contacts.update(old.get("contact_ids") or ())
                changed_rows.append({"id": row[0], "props": props})
        if dry_run:
            return result
        if new:
            self._create_interaction_batch(new, session)
        if changed_rows:
            session.mark()
            self._run("upsert_interactions", {"rows": changed_rows})
            session.recompute(changed_contacts)
        return result

    def delete_account(self, account_id: str) -> bool:
        if self.get_account(account_id) is None:
            return False
        while True:
            rows = self._run(
                "delete_account_interactions",
                {"account_id": account_id, "limit": self.batch_size},
            )
            if not rows or int(rows[0]["deleted"]) == 0:
                break
        self._run("delete_account_tie_sets", {"account_id": account_id})
        self._run("delete_account", {"account_id": account_id})
        return True

    def delete_everything(self) -> int:
        deleted = 0
        while True:
            rows = self._run("delete_everything", {"limit": self.batch_size})
            page = int(rows[0]["deleted"]) if rows else 0
            if page == 0:
                return deleted
            deleted += page

    # -- reads -----------------------------------------------------------------------------
    def get_account(self, account_id: str) -> Account | None:
        found = self._props_by_id("get_accounts", [account_id])
        return records.account_from_props(found[account_id]) if found else None

    def get_contact(self, contact_id: str) -> Contact | None:
        return self.get_contacts([contact_id]).get(contact_id)

    def get_contacts(self, contact_ids: Sequence[str]) -> dict[str, Contact]:
        found = self._props_by_id("get_contacts", list(dict.fromkeys(contact_ids)))
        return {cid: records.contact_from_props(p) for cid, p in found.items()}

    def get_team_member(self, member_id: str) -> TeamMember | None:
        found = self._props_by_id("get_team_members", [member_id])
        return records.team_member_from_props(found[member_id]) if found else None

    def existing_ids(self, label: str, ids: Sequence[str]) -> set[str]:
        try:
            statement = _LABEL_READS[label]
        except KeyError as exc:
            raise StoreError(f"unknown label {label!r}") from exc
        return set(self._props_by_id(statement, list(dict.fromkeys(ids))))

    def list_accounts(self) -> list[Account]:
        return [records.account_from_props(r["props"]) for r in self._run("list_accounts")]

    def account_snapshot(
        self, account_id: str, as_of: datetime | None = None, *, full: bool = False
    ) -> AccountSnapshot:
        with fewer_collections():  # thousands of objects for a big account
            return self._snapshot(account_id, as_of, full)

    def _snapshot(self, account_id: str, as_of: datetime | None, full: bool) -> AccountSnapshot:
        as_of = (as_of or datetime.now(UTC)).astimezone(UTC)
        as_of_ms = records.to_ms(as_of)
        window = max(1, self.settings.analysis.going_dark_gap_window)
        # The reads that keep the database busiest start first, on the helper threads: the
        # account's latest interaction times (a sort of its interactions), collected last, and
        # its tie sets (the biggest reply), decoded once the contacts are.
        latest = self._meanwhile(
            "get_account_recent_times",
            {"account_id": account_id, "as_of": as_of_ms, "limit": window},
        )
        tie_sets = (
            None if full else self._meanwhile("get_account_tie_sets", {"account_id": account_id})
        )
        # The account and its contacts' cards in one read.
        rows = self._run("get_account_contact_cards", {"account_id": account_id})
        if not rows or rows[0]["account"] is None:
            raise NotFoundError(f"no account with id {account_id!r}")
        account = records.account_from_props(rows[0]["account"])
        cards: list[str] = rows[0]["cards"]
        if all(cards):
            contacts = tuple(sorted(records.contacts_from_cards(cards), key=_by_id))
        else:  # written before contacts had cards
            contacts = tuple(
                records.contact_from_props(r["props"])
                for r in self._run("get_account_contacts", {"account_id": account_id})
            )
        if tie_sets is not None:
            found = tie_sets.result()[0]
            # Read with the tie sets: how many writers may have tie sets still to write.
            settled = int(found["pending"] or 0) == 0
            team_read: list[Future[list[dict[str, Any]]]] = []

            def read_team(ids: list[str]) -> None:
                # Who the team members are, read while the tie sets' numbers are decoded.
                for start in range(0, len(ids), self.batch_size):
                    chunk = ids[start : start + self.batch_size]
                    team_read.append(self._meanwhile("get_team_members", {"ids": chunk}))

            table = (
                tiesets.table(found["contact_ids"], found["data"], found["half_lives"], read_team)
                if settled
                else None
            )
            if (
                table is not None
                and abs(table.half_life_days - self.half_life_days) < 1e-9
                and (table.last_at is None or table.last_at <= as_of)
            ):
                team = {
                    str(r["props"]["id"]): dict(r["props"])
                    for read in team_read
                    for r in read.result()
                }
                recent = _times(latest.result())
                return AccountSnapshot(
                    account=account,
                    contacts=contacts,
                    team=tuple(records.team_member_from_props(team[t]) for t in sorted(team)),
                    as_of=as_of,
                    ties=table,
                    recent_times=recent,
                )
        interactions = {
            str(r["props"]["id"]): records.interaction_from_props(r["props"])
            for r in self._run(
                "get_account_interactions",
                {
                    "account_id": account_id,
                    "as_of": as_of_ms,
                    "contact_ids": [c.id for c in contacts],
                },
            )
        }
        ordered = tuple(sorted(interactions.values(), key=lambda i: (i.occurred_at, i.id)))
        team_ids = sorted({t for i in ordered for t in i.team_ids})
        team = self._props_by_id("get_team_members", team_ids)
        recent = _times(latest.result())
        return AccountSnapshot(
            account=account,
            contacts=contacts,
            team=tuple(records.team_member_from_props(team[t]) for t in sorted(team)),
            as_of=as_of,
            interactions=ordered,
            ties=None,
            recent_times=recent,
        )

    def role_changes(
        self, *, account_id: str | None = None, contact_id: str | None = None
    ) -> list[RoleChange]:
        rows = self._run("get_role_changes", {"account_id": account_id, "contact_id": contact_id})
        return [records.role_change_from_props(r["props"]) for r in rows]

    def export(self) -> Iterator[tuple[str, dict[str, Any]]]:
        sections = (
            ("accounts", "export_accounts", records.account_from_props),
            ("team", "export_team_members", records.team_member_from_props),
            ("contacts", "export_contacts", records.contact_from_props),
            ("interactions", "export_interactions", records.interaction_from_props),
        )
        for section, statement, parse in sections:
            after = ""
            while True:
                rows = self._run(statement, {"after": after, "limit": self.batch_size})
                for row in rows:
                    entity = parse(row["props"])
                    yield section, entity.model_dump(mode="json")
                if len(rows) < self.batch_size:
                    break
                after = str(rows[-1]["props"]["id"])

    def identity_rows(self) -> Iterator[tuple[str, dict[str, Any]]]:
        sections = (
            ("accounts", "get_identity_accounts"),
            ("team", "get_identity_team_members"),
            ("contacts", "get_identity_contacts"),
        )
        for section, statement in sections:
            after = ""
            while True:
                rows = self._run(statement, {"after": after, "limit": self.batch_size})
                for row in rows:
                    yield section, dict(row)
                if len(rows) < self.batch_size:
                    break
                after = str(rows[-1]["id"])

    def counts(self) -> dict[str, int]:
        totals = {str(r["label"]): int(r["total"]) for r in self._run("count_entities")}
        return {
            "accounts": totals.get("Account", 0),
            "contacts": totals.get("Contact", 0),
            "team": totals.get("TeamMember", 0),
            "interactions": totals.get("Interaction", 0),
        }

    # -- alerts, webhook subscriptions and the outbox --------------------------------------
    def save_alerts(
        self,
        alerts: Sequence[Alert],
        *,
        checked_role_changes: Sequence[str] = (),
        at: datetime | None = None,
    ) -> list[str]:
        now_ms = records.to_ms((at or datetime.now(UTC)).astimezone(UTC))
        # One alert per id and per episode: the statement checks the stored ones only.
        unique: dict[str, Alert] = {}
        episodes: set[str] = set()
        for alert in alerts:
            if alert.id in unique or (alert.episode is not None and alert.episode in episodes):
                continue
            unique[alert.id] = alert
            if alert.episode is not None:
                episodes.add(alert.episode)
        rows = [
            {"id": a.id, "episode": a.episode, "props": alertrecords.alert_props(a)}
            for a in unique.values()
        ]
        checked = list(dict.fromkeys(checked_role_changes))
        written: list[str] = []
        if not rows and not checked:
            return written
        size = self.batch_size
        for start in range(0, max(len(rows), 1), size):
            params = {
                "rows": rows[start : start + size],
                "checked": checked if start == 0 else [],
                "now": now_ms,
            }
            written += [str(r["id"]) for r in self._run("create_alerts", params)]
        return written

    def list_alerts(
        self,
        *,
        account_ids: Sequence[str] | None = None,
        kinds: Sequence[str] | None = None,
        since: datetime | None = None,
        open_only: bool = False,
        limit: int = 100,
    ) -> list[Alert]:
        params = {
            "account_ids": None if account_ids is None else list(account_ids),
            "kinds": None if kinds is None else [str(k) for k in kinds],
            "since": None if since is None else records.to_ms(since),
            "open_only": open_only,
            "limit": max(0, limit),
        }
        return [alertrecords.alert_from_props(r["props"]) for r in self._run("list_alerts", params)]

    def get_alert(self, alert_id: str) -> Alert | None:
        rows = self._run("get_alerts", {"ids": [alert_id]})
        return alertrecords.alert_from_props(rows[0]["props"]) if rows else None

    def acknowledge_alert(
        self, alert_id: str, *, by: str | None = None, at: datetime | None = None
    ) -> Alert | None:
        when = records.to_ms((at or datetime.now(UTC)).astimezone(UTC))
        rows = self._run("acknowledge_alert", {"id": alert_id, "at": when, "by": by})
        return alertrecords.alert_from_props(rows[0]["props"]) if rows else None

    def open_episodes(self) -> list[Alert]:
        return [alertrecords.alert_from_props(r["props"]) for r in self._run("get_open_episodes")]

    def resolve_episodes(self, episodes: Sequence[str], *, at: datetime | None = None) -> list[str]:
        if not episodes:
            return []
        when = records.to_ms((at or datetime.now(UTC)).astimezone(UTC))
        rows = self._run("resolve_episodes", {"episodes": list(episodes), "at": when})
        return [str(r["id"]) for r in rows]

    def unchecked_role_changes(self, *, since: datetime, until: datetime) -> list[RoleChange]:
        params = {"since": records.to_ms(since), "until": records.to_ms(until)}
        rows = self._run("get_unchecked_role_changes", params)
        return [records.role_change_from_props(r["props"]) for r in rows]

    def save_webhook(self, webhook: Webhook) -> None:
        self._run("save_webhook", {"id": webhook.id, "props": alertrecords.webhook_props(webhook)})

    def webhooks(self) -> list[Webhook]:
        return [alertrecords.webhook_from_props(r["props"]) for r in self._run("list_webhooks")]

    def get_webhook(self, webhook_id: str) -> Webhook | None:
        rows = self._run("get_webhooks", {"ids": [webhook_id]})
        return alertrecords.webhook_from_props(rows[0]["props"]) if rows else None

    def delete_webhook(self, webhook_id: str) -> bool:
        rows = self._run("delete_webhook", {"id": webhook_id})
        return bool(rows) and int(rows[0]["deleted"]) > 0

    def disable_webhook(
        self, webhook_id: str, *, reason: str, at: datetime | None = None
    ) -> Webhook | None:
        when = records.to_ms((at or datetime.now(UTC)).astimezone(UTC))
        rows = self._run("disable_webhook", {"id": webhook_id, "at": when, "reason": reason})
        return alertrecords.webhook_from_props(rows[0]["props"]) if rows else None

    def claim_deliveries(
        self, *, now: datetime, lease_until: datetime, limit: int
    ) -> list[DeliveryJob]:
        params = {
            "now": records.to_ms(now),
            "lease_until": records.to_ms(lease_until),
            "limit": max(0, limit),
        }
        return [alertrecords.job_from_row(r) for r in self._run("claim_deliveries", params)]

    def record_delivery(self, delivery: Delivery) -> None:
        props = alertrecords.delivery_props(delivery)
        self._run("record_delivery", {"id": delivery.id, "props": props})

    def deliveries(
        self,
        *,
        webhook_id: str | None = None,
        alert_id: str | None = None,
        status: DeliveryStatus | None = None,
        limit: int = 100,
    ) -> list[Delivery]:
        params = {
            "webhook_id": webhook_id,
            "alert_id": alert_id,
            "status": None if status is None else str(status),
            "limit": max(0, limit),
        }
        rows = self._run("list_deliveries", params)
        return [alertrecords.delivery_from_props(r["props"]) for r in rows]

    def delivery_counts(self) -> dict[str, int]:
        counts = {str(s): 0 for s in DeliveryStatus}
        for row in self._run("count_deliveries"):
            counts[str(row["status"])] = int(row["total"])
        return counts

    # -- API keys --------------------------------------------------------------------------
    def save_api_key(self, key: ApiKey) -> None:
        self._run("save_api_key", {"key": api_key_params(key)})

    def api_keys(self) -> list[ApiKey]:
        return [api_key_from_row(row) for row in self._run("list_api_keys")]

    def revoke_api_key(self, key_id: str, at: datetime | None = None) -> bool:
        at_ms = epoch_ms(at or datetime.now(UTC))
        return bool(self._run("revoke_api_key", {"id": key_id, "at": at_ms}))
