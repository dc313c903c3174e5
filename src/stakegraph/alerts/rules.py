"""When a contact's role changes: is it a key sponsor, who took over, and what to do now.

Pure functions over account snapshots and reports (no I/O). The store records a
:class:`~stakegraph.model.RoleChange` whenever a contact's title, seniority, manager, status or
account changes; :mod:`stakegraph.alerts.service` reads the account as it is now and asks this
module what the change means:

1. :func:`state_before` rebuilds the account as it was just before the change (the snapshot of
   now with the old values put back, the people created by the same write taken out), because the
   store keeps only the current contact.
2. :func:`key_reasons` decides on the report *before* the change whether the contact was key: in
   the threads cover, a single point of failure, senior with a live tie, or holding a key buying
   role. A change of anyone else raises nothing.
3. :func:`likely_successor` finds who took the old role: the active contact who now holds the old
   title, who inherited the old reports, or who took the old place under the same manager.
4. :func:`warm_paths_to` lists warm paths from our team to the successor (the analysis' own
   search, once per starting team member).
5. :func:`role_change_alerts` puts it together: the ``sponsor_role_changed`` alert with the risk
   before and after and the next steps in plain words, and a ``champion_arrived`` alert on the
   new account when the contact moved to another account we track.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import networkx as nx

from stakegraph.alerts.model import Alert, AlertKind, PersonRef, Successor, WarmPath
from stakegraph.analysis.graph import relationship_graph
from stakegraph.analysis.recommendations import warm_paths
from stakegraph.analysis.report import Report, build_report
from stakegraph.analysis.ties import tie_strengths
from stakegraph.model import (
    Account,
    AccountSnapshot,
    Contact,
    FieldChange,
    Interaction,
    RoleChange,
    Status,
    TeamMember,
    TieAggregate,
)
from stakegraph.settings import AnalysisSettings

__all__ = [
    "AccountState",
    "RoleChangeContext",
    "combined_changes",
    "key_reasons",
    "likely_successor",
    "role_change_alerts",
    "state_before",
    "threads_words",
    "warm_paths_to",
]

_SENIORITY_WORDS = {
    "c_level": "C-level",
    "vp": "VP",
    "director": "director",
    "manager": "manager",
    "individual": "individual contributor",
    "unknown": "unknown seniority",
}


# -- the account before the change ------------------------------------------------------------
def combined_changes(changes: Iterable[RoleChange]) -> dict[str, RoleChange]:
    """One change per contact: the oldest old value and the newest new value of each field.

    A contact changed twice in one write (two batches of one import) raises one alert, about
    where they started and where they ended.
    """
    by_contact: dict[str, RoleChange] = {}
    for change in sorted(changes, key=lambda c: (c.changed_at, c.id)):
        first = by_contact.get(change.contact_id)
        if first is None:
            by_contact[change.contact_id] = change
            continue
        fields = dict(first.changes)
        for name, field_change in change.changes.items():
            old = fields[name].old if name in fields else field_change.old
            fields[name] = FieldChange(old=old, new=field_change.new)
        by_contact[change.contact_id] = first.model_copy(
            update={
                "account_id": change.account_id,
                "changes": {k: v for k, v in fields.items() if v.old != v.new},
            }
        )
    return {k: v for k, v in by_contact.items() if v.changes}


def _with_old_values(contact: Contact, change: RoleChange) -> Contact:
    data: dict[str, Any] = contact.model_dump()
    for name, field_change in change.changes.items():
        data[name] = field_change.old
    data["account_id"] = change.old_account_id
    if data.get("reports_to") == contact.id:
        data["reports_to"] = None
    return Contact.model_validate(data)


def state_before(
    after: AccountSnapshot,
    changes: Mapping[str, RoleChange],
    *,
    current: Mapping[str, Contact],
    created: Collection[str] = (),
    moved_ties: Sequence[TieAggregate] = (),
    moved_interactions: Sequence[Interaction] = (),
    moved_team: Sequence[TeamMember] = (),
) -> AccountSnapshot:
    """The account of ``after`` as it was just before ``changes``.

    Parameters
    ----------
    after : AccountSnapshot
        The account now.
    changes : mapping
        Contact id to its (combined) role change, for every change of this write.
    current : mapping
        Contact id to the contact as stored now, for every changed contact (a contact who moved
        away from this account is not in ``after`` any more).
    created : collection of str
        Contacts created by the same write: they were not there before (a set, ideally: it is
        asked once per contact).
    moved_ties, moved_interactions, moved_team : sequence
        The ties (or, for a full snapshot, the interactions) of contacts who moved away from
        this account, read from their new account, and our people on them: they belonged here
        before.

    Returns
    -------
    AccountSnapshot
        Same time, interactions and our team; the contacts as they were.
    """
    account_id = after.account.id
    contacts = {c.id: c for c in after.contacts}
    returned: set[str] = set()
    for contact_id, change in changes.items():
        if change.old_account_id == account_id:
            now = current.get(contact_id) or contacts.get(contact_id)
            if now is None:
                continue
            if contact_id not in contacts:
                returned.add(contact_id)
            contacts[contact_id] = _with_old_values(now, change)
        elif contact_id in contacts:
            contacts.pop(contact_id)  # arrived with this change: not here before
    contacts = {k: c for k, c in contacts.items() if k not in created}
    ties = after.ties
    if ties is not None:
        ties = tuple(ties) + tuple(t for t in moved_ties if t.contact_id in returned)
    interactions = after.interactions
    if after.ties is None and moved_interactions:
        known = {i.id for i in interactions}
        extra = tuple(i for i in moved_interactions if i.id not in known)
        interactions = tuple(sorted((*interactions, *extra), key=lambda i: (i.occurred_at, i.id)))
    ordered = tuple(sorted(contacts.values(), key=lambda c: c.id))
    team = {m.id: m for m in after.team}
    if returned:
        for member in moved_team:
            team.setdefault(member.id, member)
    return replace(
        after,
        contacts=ordered,
        team=tuple(sorted(team.values(), key=lambda m: m.id)),
        ties=ties,
        interactions=interactions,
    )


# -- the account at one moment ----------------------------------------------------------------
@dataclass(frozen=True)
class AccountState:
    """An account at one moment: its snapshot, report and relationship graph."""

    snapshot: AccountSnapshot
    report: Report
    graph: nx.Graph

    @classmethod
    def of(cls, snapshot: AccountSnapshot, settings: AnalysisSettings) -> AccountState:
        """Analyse ``snapshot``."""
        report = build_report(snapshot, settings)
        graph = relationship_graph(snapshot, tie_strengths(snapshot, settings), settings)
        return cls(snapshot, report, graph)

    def contact(self, contact_id: str) -> Contact | None:
        """A contact of the snapshot (active or not)."""
        return next((c for c in self.snapshot.contacts if c.id == contact_id), None)

    def name(self, person_id: str) -> str:
        """A person's name (either side), or their id when unknown."""
        for person in self.report.people:
            if person.id == person_id:
                return person.name
        contact = self.contact(person_id)
        if contact is not None:
            return contact.name
        member = next((m for m in self.snapshot.team if m.id == person_id), None)
        return member.name if member is not None else person_id

    def live_partners(self, contact_id: str) -> list[str]:
        """Our team members with a live tie to a contact, strongest first."""
        return [t.team_id for t in self.report.ties if t.contact_id == contact_id and t.live]


# -- is the contact key? ---------------------------------------------------------------------
def threads_words(count: int) -> str:
    """How many senior threads, in words.

    Examples
    --------
    >>> [threads_words(n) for n in (0, 1, 3)]
    ['no senior thread', 'a single senior thread', '3 senior threads']
    """
    if count == 0:
        return "no senior thread"
    if count == 1:
        return "a single senior thread"
    return f"{count} senior threads"


def _and(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _role_words(role: str) -> str:
    return role.replace("_", " ")


def key_reasons(
    before: AccountState, contact_id: str, key_buying_roles: Collection[str]
) -> list[str]:
    """Why a contact is key to the account (empty: not key), judged on the report before.

    Key means: in the threads cover (the fewest people the senior threads hang on), a single
    point of failure, senior with a live tie, or holding a key buying role.
    """
    report = before.report
    contact = before.contact(contact_id)
    if contact is None or contact.status == Status.LEFT:
        return []
    name = contact.name
    reasons: list[str] = []
    cover = report.threads.cover
    if contact_id in cover:
        if len(cover) == 1:
            reasons.append(f"{threads_words(report.threads.senior).capitalize()} hangs on {name}")
        else:
            reasons.append(
                f"{name} is one of the {len(cover)} people our "
                f"{threads_words(report.threads.senior)} hang on"
            )
    key = next((k for k in report.key_people if k.id == contact_id), None)
    if contact_id in report.single_points_of_failure and key is not None:
        losses = []
        if key.loss.threads and key.loss.threads >= report.threads.senior:
            losses.append("every senior thread")
        elif key.loss.threads:
            losses.append(f"{key.loss.threads} of {threads_words(report.threads.senior)}")
        if key.loss.senior_coverage:
            losses.append(f"{key.loss.senior_coverage:.0%} of senior coverage")
        if key.loss.strength_share >= 0.5:
            losses.append(f"{key.loss.strength_share:.0%} of all tie strength")
        reasons.append(
            f"{name} is a single point of failure"
            + (f": without them the account loses {_and(losses)}" if losses else "")
        )
    person = next((p for p in report.people if p.id == contact_id), None)
    partners = before.live_partners(contact_id)
    if person is not None and person.senior and partners:
        reasons.append(
            f"{name} is senior staff with a live tie to "
            + ", ".join(before.name(t) for t in partners)
        )
    roles = [str(r) for r in contact.buying_roles if str(r) in key_buying_roles]
    if roles:
        reasons.append(f"{name} holds the buying role " + ", ".join(map(_role_words, roles)))
    return reasons


# -- who took over ----------------------------------------------------------------------------
def _same_title(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def _vacated(change: RoleChange) -> bool:
    """Whether the change left the contact's old role empty (new title, gone, moved away)."""
    fields = change.changes
    if "title" in fields and fields["title"].old:
        return True
    if "status" in fields and fields["status"].new == Status.LEFT.value:
        return True
    return change.account_id != change.old_account_id


def likely_successor(
    subject_before: Contact,
    change: RoleChange,
    before: AccountSnapshot,
    after: AccountSnapshot,
    *,
    changes: Mapping[str, RoleChange],
    created: Collection[str] = (),
) -> tuple[Contact, str] | None:
    """Who most likely took the subject's old role, and how we know; ``None`` if unknown.

    Only when the change vacated a role (a new title, gone, moved away). In order:

    1. the active contact who now holds the old title (preferring one who got it in this very
       write), then
    2. the one person the subject's former reports now report to, then
    3. the one contact who took the old place under the same manager in this write (same
       seniority as the subject had).
    """
    if not _vacated(change):
        return None
    subject = subject_before.id
    active = [
        c
        for c in sorted(after.contacts, key=lambda c: c.id)
        if c.id != subject and c.status != Status.LEFT
    ]

    def arrived_in_this_write(contact: Contact, field: str) -> bool:
        moved = changes.get(contact.id)
        return contact.id in created or (moved is not None and field in moved.changes)

    old_title = subject_before.title
    holders = [c for c in active if _same_title(c.title, old_title)]
    if holders:
        holders.sort(key=lambda c: (not arrived_in_this_write(c, "title"), c.id))
        return holders[0], f"now holds {subject_before.name}'s old title, {old_title}"

    former_reports = {c.id for c in before.contacts if c.reports_to == subject}
    by_id = {c.id: c for c in active}
    new_managers = {
        c.reports_to
        for c in after.contacts
        if c.id in former_reports and c.reports_to not in (None, subject)
    }
    if len(new_managers) == 1:
        manager = by_id.get(next(iter(new_managers)) or "")
        if manager is not None:
            return manager, f"{subject_before.name}'s former reports now report to {manager.name}"

    old_manager = subject_before.reports_to
    if old_manager is not None:
        placed = [
            c
            for c in active
            if c.reports_to == old_manager
            and c.seniority == subject_before.seniority
            and arrived_in_this_write(c, "reports_to")
        ]
        if len(placed) == 1:
            manager_name = next((c.name for c in after.contacts if c.id == old_manager), None)
            where = f" under {manager_name}" if manager_name else ""
            return placed[0], f"took {subject_before.name}'s old place{where}"
    return None


# -- warm paths -------------------------------------------------------------------------------
def warm_paths_to(graph: nx.Graph, target: str, limit: int) -> list[list[str]]:
    """Up to ``limit`` shortest warm paths to ``target``, each from a different one of our team.

    The analysis' warm-path search, run again without the team member the previous path started
    from, so the paths offer different people to make the introduction.
    """
    if target not in graph:
        return []
    found: list[list[str]] = []
    view: nx.Graph = graph
    for _ in range(max(0, limit)):
        path = warm_paths(view, [target])[target]
        if path is None:
            break
        found.append(path)
        view = nx.restricted_view(graph, [p[0] for p in found], [])
    return found


def _warm_path(state: AccountState, path: list[str]) -> WarmPath:
    names = [state.name(p) for p in path]
    return WarmPath(ids=path, names=names, text=" → ".join(names))


# -- the alerts -------------------------------------------------------------------------------
@dataclass(frozen=True)
class RoleChangeContext:
    """Everything :func:`role_change_alerts` reads about one account's changes."""

    before: AccountState
    after: AccountState
    changes: Mapping[str, RoleChange]
    """Contact id to its combined change, for every contact changed by the write."""
    current: Mapping[str, Contact]
    """Changed contacts as stored now."""
    created: Collection[str] = ()
    arrivals: Mapping[str, tuple[AccountState, AccountState]] = field(default_factory=dict)
    """New account id to (before, after) states, for contacts who moved to another account."""


def _person(contact: Contact) -> PersonRef:
    return PersonRef(id=contact.id, name=contact.name, title=contact.title, side="theirs")


def _change_words(change: RoleChange, names: Mapping[str, str], accounts: Mapping[str, str]) -> str:
    fields = change.changes
    parts: list[str] = []
    if change.account_id != change.old_account_id:
        parts.append(f"moved to {accounts.get(change.account_id, change.account_id)}")
    if "status" in fields and fields["status"].new == Status.LEFT.value:
        parts.append("left")
    elif "status" in fields:
        parts.append(f"is {fields['status'].new} again")
    if "title" in fields:
        old, new = fields["title"].old or "no title", fields["title"].new or "no title"
        parts.append(f"{old} → {new}")
    if "seniority" in fields and "title" not in fields:
        old_s = _SENIORITY_WORDS.get(str(fields["seniority"].old), str(fields["seniority"].old))
        new_s = _SENIORITY_WORDS.get(str(fields["seniority"].new), str(fields["seniority"].new))
        parts.append(f"{old_s} → {new_s}")
    if "reports_to" in fields:
        new_m = fields["reports_to"].new
        old_m = fields["reports_to"].old
        to = names.get(str(new_m), str(new_m)) if new_m else "nobody"
        was = f" (was {names.get(str(old_m), str(old_m))})" if old_m else ""
        parts.append(f"now reports to {to}{was}")
    return ", ".join(parts) or "changed role"


def _risk_words(before: Report, after: Report) -> str:
    b, a = before.risk, after.risk
    if round(a.score) == round(b.score):
        return f"risk unchanged at {a.score:.0f} ({a.level})"
    direction = "rose" if a.score > b.score else "fell"
    return f"risk {direction} from {b.score:.0f} ({b.level}) to {a.score:.0f} ({a.level})"


def _sponsor_steps(
    ctx: RoleChangeContext,
    subject: Contact,
    change: RoleChange,
    successor: tuple[Contact, str] | None,
    paths: list[list[str]],
    accounts: Mapping[str, str],
) -> list[str]:
    before, after = ctx.before, ctx.after
    account = after.snapshot.account.name
    name = subject.name
    still_here = change.account_id == change.old_account_id and subject.status != Status.LEFT
    old_title = change.changes["title"].old if "title" in change.changes else subject.title
    steps: list[str] = []
    if successor is not None:
        heir, _ = successor
        role = f", the new {old_title}" if old_title and _same_title(heir.title, old_title) else ""
        who = f"{heir.name}{role}"
        if paths:
            path = paths[0]
            ours = after.name(path[0])
            if len(path) == 2:
                steps.append(
                    f"{ours} already has a live tie to {who}: meet them now, before the next "
                    "budget decision."
                )
            else:
                middle = after.name(path[1])
                steps.append(f"Ask {middle} to introduce {ours} to {who}, soon.")
        elif still_here:
            steps.append(
                f"Nobody on our team has a warm path to {who}: ask {name} for an introduction."
            )
        else:
            steps.append(f"Nobody on our team has a warm path to {who}: ask for a meeting.")
        steps.append(
            f"Show {heir.name} the work: a short written account of what we have delivered for "
            f"{account} and the plan ahead, in their terms."
        )
    elif _vacated(change) and old_title:
        helper = f", and ask {name} to introduce us" if still_here else ""
        steps.append(f"Find out who now holds {old_title} at {account}{helper}.")
    if still_here and "title" in change.changes:
        new_title = change.changes["title"].new or "the new role"
        steps.append(
            f"Congratulate {name} on becoming {new_title} and keep them as a sponsor: ask what "
            "the change means for our work and who decides on it now."
        )
    elif subject.status == Status.LEFT:
        steps.append(f"Ask {name}'s colleagues who takes over {name}'s responsibilities.")
    if change.account_id != change.old_account_id:
        there = accounts.get(change.account_id, change.account_id)
        steps.append(f"{name} now works at {there}, which we also track: reconnect there.")
    if after.report.threads.single_threaded:
        heir_id = successor[0].id if successor else None
        others = [r for r in after.report.recommendations if r.contact_id != heir_id][:3]
        if others:
            names = ", ".join(r.name or r.contact_id for r in others)
            steps.append(
                f"{account} now hangs on {threads_words(after.report.threads.senior)}: meet "
                f"more of the senior staff, starting with {names}."
            )
    if before.report.executive_alignment and not after.report.executive_alignment:
        steps.append(
            f"Arrange an executive-to-executive meeting: none of our executives has a live tie "
            f"to a C-level or VP at {account} any more."
        )
    return steps


def _sponsor_alert(
    ctx: RoleChangeContext,
    change: RoleChange,
    reasons: list[str],
    now: datetime,
    warm_path_limit: int,
    accounts: Mapping[str, str],
) -> Alert:
    before, after = ctx.before, ctx.after
    subject_before = before.contact(change.contact_id)
    assert subject_before is not None  # key_reasons found them
    subject_now = ctx.current.get(change.contact_id) or subject_before
    successor = likely_successor(
        subject_before,
        change,
        before.snapshot,
        after.snapshot,
        changes=ctx.changes,
        created=ctx.created,
    )
    paths = warm_paths_to(after.graph, successor[0].id, warm_path_limit) if successor else []
    names = {c.id: c.name for c in (*before.snapshot.contacts, *after.snapshot.contacts)}
    account = after.snapshot.account
    what = _change_words(change, names, accounts)
    headline = (
        f"{subject_now.name} ({what}) at {account.name}: {_risk_words(before.report, after.report)}"
    )
    if successor is not None:
        heir = successor[0]
        headline += f"; likely successor {heir.name}" + (f", {heir.title}" if heir.title else "")
    return Alert(
        id=f"{AlertKind.SPONSOR_ROLE_CHANGED}:{change.id}",
        kind=AlertKind.SPONSOR_ROLE_CHANGED,
        **_change_fields(change, account, subject_now, reasons, (before, after), now),
        headline=headline,
        successor=(
            Successor(
                id=successor[0].id,
                name=successor[0].name,
                title=successor[0].title,
                reason=successor[1],
            )
            if successor
            else None
        ),
        warm_paths=[_warm_path(after, p) for p in paths],
        next_steps=_sponsor_steps(ctx, subject_now, change, successor, paths, accounts),
    )


def _change_fields(
    change: RoleChange,
    account: Account,
    subject: Contact,
    reasons: list[str],
    states: tuple[AccountState, AccountState],
    now: datetime,
) -> dict[str, Any]:
    """The fields every alert about one role change carries, whichever account it is raised on."""
    before, after = states
    return {
        "account_id": account.id,
        "account_name": account.name,
        "raised_at": now,
        "subject": _person(subject),
        "reasons": reasons,
        "change": dict(change.changes),
        "role_change_id": change.id,
        "from_account_id": change.old_account_id,
        "to_account_id": change.account_id,
        "risk_before": before.report.risk,
        "risk_after": after.report.risk,
    }


def _arrival_alert(
    change: RoleChange,
    subject: Contact,
    reasons: list[str],
    old_state: AccountState,
    states: tuple[AccountState, AccountState],
    now: datetime,
    warm_path_limit: int,
) -> Alert:
    before, after = states
    account = after.snapshot.account
    origin = old_state.snapshot.account.name
    partners = old_state.live_partners(subject.id) or after.live_partners(subject.id)
    paths = warm_paths_to(after.graph, subject.id, warm_path_limit)
    title = f" as {subject.title}" if subject.title else ""
    headline = (
        f"{subject.name}, who knows us from {origin}, joined {account.name}{title}: "
        f"{_risk_words(before.report, after.report)}"
    )
    steps: list[str] = []
    if partners:
        ours = old_state.name(partners[0])
        steps.append(
            f"Ask {ours} to congratulate {subject.name} on the move to {account.name} and "
            "set up a meeting."
        )
    else:
        steps.append(f"Congratulate {subject.name} on the move and ask for a meeting.")
    steps.append(f"Learn {account.name}'s priorities from {subject.name}, and who decides on them.")
    recommended = [r for r in after.report.recommendations if r.contact_id != subject.id][:3]
    if recommended:
        names = ", ".join(r.name or r.contact_id for r in recommended)
        steps.append(f"Ask {subject.name} to introduce us to {names}.")
    return Alert(
        id=f"{AlertKind.CHAMPION_ARRIVED}:{change.id}",
        kind=AlertKind.CHAMPION_ARRIVED,
        **_change_fields(change, account, subject, reasons, (before, after), now),
        headline=headline,
        warm_paths=[_warm_path(after, p) for p in paths],
        next_steps=steps,
    )


def role_change_alerts(
    ctx: RoleChangeContext,
    *,
    now: datetime,
    key_buying_roles: Collection[str],
    warm_path_limit: int = 3,
    account_names: Mapping[str, str] | None = None,
) -> list[Alert]:
    """The alerts the role changes of one account raise (none for contacts who are not key).

    ``ctx.before`` and ``ctx.after`` describe the account the contacts changed *in* (their old
    account); a contact who moved to another tracked account also raises ``champion_arrived``
    there when they were key or have a live tie with our team.
    """
    accounts = dict(account_names or {})
    account_id = ctx.before.snapshot.account.id
    accounts.setdefault(account_id, ctx.before.snapshot.account.name)
    for new_id, (_, arrived) in ctx.arrivals.items():
        accounts.setdefault(new_id, arrived.snapshot.account.name)
    alerts: list[Alert] = []
    for contact_id, change in sorted(ctx.changes.items()):
        if change.old_account_id != account_id:
            continue
        reasons = key_reasons(ctx.before, contact_id, key_buying_roles)
        if reasons:
            alerts.append(_sponsor_alert(ctx, change, reasons, now, warm_path_limit, accounts))
        states = ctx.arrivals.get(change.account_id)
        if states is None or change.account_id == account_id:
            continue
        subject = ctx.current.get(contact_id)
        knows_us = bool(ctx.before.live_partners(contact_id))
        if subject is None or not (reasons or knows_us):
            continue
        why = list(reasons) or [
            f"{subject.name} has a live tie to "
            + ", ".join(ctx.before.name(t) for t in ctx.before.live_partners(contact_id))
        ]
        alerts.append(
            _arrival_alert(change, subject, why, ctx.before, states, now, warm_path_limit)
        )
    return alerts
