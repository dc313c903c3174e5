"""The account report: one pydantic model whose JSON names are a contract others build on.

Every figure can be traced: the risk score lists its parts, the thread count names the people it
hangs on, coverage names the uncovered. Floats are rounded to 4 decimals in JSON.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import networkx as nx
import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from stakegraph.analysis.alignment import executive_ties, function_alignment
from stakegraph.analysis.coverage import covered_contacts, senior_coverage
from stakegraph.analysis.graph import (
    OURS,
    LiveTieList,
    relationship_graph,
    senior_staff,
)
from stakegraph.analysis.key_people import PersonLoss, key_people
from stakegraph.analysis.made_when_read import MadeWhenRead
from stakegraph.analysis.parts import Risk, RiskLevel, RiskParts, Rounded, _Part
from stakegraph.analysis.recency import interaction_times, recency
from stakegraph.analysis.recommendations import recommendations
from stakegraph.analysis.risk import risk_score
from stakegraph.analysis.threads import threads
from stakegraph.analysis.ties import TieColumns, tie_columns
from stakegraph.analysis.whatif import without_people
from stakegraph.gcpause import fewer_collections
from stakegraph.model import AccountSnapshot, to_utc
from stakegraph.model.entities import UtcDatetime
from stakegraph.model.trusted import trusted as _trusted
from stakegraph.settings import AnalysisSettings

__all__ = [
    "Alignment",
    "Coverage",
    "FunctionAlignment",
    "KeyPerson",
    "Loss",
    "MadeWhenRead",
    "Person",
    "Recommendation",
    "Report",
    "Risk",
    "RiskLevel",
    "RiskParts",
    "Rounded",
    "Threads",
    "Tie",
    "WhatIf",
    "build_report",
    "what_if",
]


_T = TypeVar("_T")

Side = Literal["ours", "theirs"]


class Threads(_Part):
    """How many independent threads tie us to the senior staff, and who they hang on."""

    senior: int = Field(description="Maximum matching of live ties, our team x senior staff.")
    all: int = Field(description="The same over all contacts.")
    cover: list[str] = Field(description="Minimum vertex cover (ids) of the senior matching.")
    all_cover: list[str] = Field(default_factory=list, description="Cover over all contacts.")
    matching: list[tuple[str, str]] = Field(
        default_factory=list, description="(team id, contact id) pairs of the senior matching."
    )
    single_threaded: bool = Field(description="threads.senior <= 1")


class Coverage(_Part):
    """Weighted share of senior staff we reach."""

    senior: Rounded = Field(description="Weighted share of senior staff with a live tie, 0..1.")
    reach: Rounded = Field(
        description="Weighted share covered or one reports_to step from a covered contact, 0..1."
    )
    uncovered: list[str] = Field(description="Senior staff without a live tie (ids), by weight.")
    senior_staff: list[str] = Field(default_factory=list)
    covered: list[str] = Field(default_factory=list)
    reached: list[str] = Field(
        default_factory=list, description="Senior staff counted in reach (ids), by weight."
    )


class Loss(_Part):
    """What the account loses if one person leaves."""

    threads: int = Field(description="Drop in threads.senior.")
    senior_coverage: Rounded = Field(description="Drop in coverage.senior.")
    strength_share: Rounded = Field(description="Share of all live tie strength they hold.")


class KeyPerson(_Part):
    """One person, on either side, and their loss if they left."""

    id: str
    side: Side
    name: str = ""
    loss: Loss
    single_point_of_failure: bool = False
    reasons: list[str] = Field(default_factory=list)


class FunctionAlignment(_Part):
    """Coverage and mean stance of one function (business, technology, other)."""

    contacts: int
    senior: int = 0
    covered: int = 0
    coverage: Rounded
    live_ties: int
    mean_stance: Rounded | None = Field(
        description="Mean of supporter +1, neutral 0, detractor -1 (unknown ignored)."
    )


class Alignment(_Part):
    """Business/technology alignment."""

    misaligned: bool
    reason: str = ""
    functions: dict[str, FunctionAlignment]


class Recommendation(_Part):
    """An uncovered senior contact and the shortest warm path to them."""

    contact_id: str
    name: str = ""
    title: str | None = None
    weight: Rounded
    path: list[str] | None = Field(
        description="Ids from one of our team to the contact through live ties and reports_to "
        "edges; null when unreachable."
    )


class Person(_Part):
    """Who an id in the report is, so readers need not look it up."""

    id: str
    side: Side
    name: str
    title: str | None = None
    seniority: str | None = None
    function: str | None = None
    role: str | None = None
    status: str | None = None
    stance: str | None = None
    senior: bool = False
    weight: Rounded = 0.0


@dataclass(slots=True)
class Tie:
    """Strength of the tie between one of our team and one contact.

    A slotted dataclass, not a pydantic model like the rest of the report: a big account's
    report holds thousands of ties, and one of these costs a quarter of a model to create (the
    report serialises it the same way). Treat it as read-only, as the report is.
    """

    team_id: str
    contact_id: str
    strength: Rounded
    live: bool
    interactions: int = 0
    last_at: UtcDatetime | None = None


def _ties(columns: TieColumns) -> MadeWhenRead[Tie]:
    """The report's ties: every row of ``columns``, by descending strength, then by team id and
    contact id, made when first read.

    ``columns`` is in id order already, so a stable sort on the strength alone gives that order;
    the strengths are rounded so that float noise (interactions vs aggregates) cannot reorder
    equal ties.
    """

    def make() -> list[Tie]:
        order = np.argsort(-np.round(columns.strength, 9), kind="stable")
        teams, contacts, last_at = columns.team_names, columns.contact_names, columns.last_at
        return [
            Tie(teams[t], contacts[c], strength, live, interactions, last_at[k])
            for k, t, c, strength, live, interactions in zip(
                order.tolist(),
                columns.team_codes[order].tolist(),
                columns.contact_codes[order].tolist(),
                columns.strength[order].tolist(),
                columns.live[order].tolist(),
                columns.interactions[order].tolist(),
                strict=True,
            )
        ]

    return MadeWhenRead.later(make, len(columns))


class Report(BaseModel):
    """The risk report of one account as of a time."""

    model_config = ConfigDict(frozen=True)

    account_id: str
    account_name: str = ""
    as_of: UtcDatetime
    removed: list[str] = Field(default_factory=list, description="People removed (what-if).")
    risk: Risk
    threads: Threads
    coverage: Coverage
    single_points_of_failure: list[str]
    key_people: MadeWhenRead[KeyPerson]
    days_since_last_interaction: Rounded | None
    going_dark: bool
    going_dark_threshold_days: Rounded = 0.0
    last_interaction_at: UtcDatetime | None = None
    median_gap_days: Rounded | None = None
    executive_alignment: bool
    executive_ties: list[tuple[str, str]] = Field(
        default_factory=list, description="(our executive, their c_level or vp) live ties."
    )
    alignment: Alignment
    recommendations: list[Recommendation]
    annual_value: Rounded | None = None
    value_at_risk: Rounded | None = Field(
        default=None, description="annual value x score / 100 (null without a value)."
    )
    people: MadeWhenRead[Person] = Field(default_factory=MadeWhenRead)
    ties: MadeWhenRead[Tie] = Field(default_factory=MadeWhenRead)


_PERSON_FIELDS = set(Person.model_fields)
_KEY_PERSON_FIELDS = set(KeyPerson.model_fields)
_LOSS_FIELDS = set(Loss.model_fields)


def _key_people(
    losses: Callable[[], list[PersonLoss]], length: int, nodes: dict[str, dict[str, Any]]
) -> MadeWhenRead[KeyPerson]:
    """The report's key people, ``length`` of them in the order ``losses()`` gives, computed
    and made when read (the portfolio and the coverage endpoint read none of a big account's
    hundreds)."""

    def make() -> list[KeyPerson]:
        return [
            _trusted(
                KeyPerson,
                {
                    "id": p.id,
                    "side": "ours" if p.side == OURS else "theirs",
                    "name": nodes[p.id]["name"],
                    "loss": _trusted(
                        Loss,
                        {
                            "threads": p.threads,
                            "senior_coverage": p.senior_coverage,
                            "strength_share": p.strength_share,
                        },
                        _LOSS_FIELDS,
                    ),
                    "single_point_of_failure": p.single_point_of_failure,
                    "reasons": p.reasons,
                },
                _KEY_PERSON_FIELDS,
            )
            for p in losses()
        ]

    return MadeWhenRead.later(make, length)


def _people(G: nx.Graph, ours: set[str]) -> MadeWhenRead[Person]:
    """The report's people: our team first, then the contacts, each by id, made when read."""
    nodes = dict(G.nodes(data=True))  # the graph's own attribute dicts: nothing is copied

    def make() -> list[Person]:
        order = sorted(ours) + sorted(n for n in nodes if n not in ours)
        return [_person(node, nodes[node], node in ours) for node in order]

    return MadeWhenRead.later(make, len(nodes))


def _person(node: str, data: dict[str, Any], ours: bool) -> Person:
    return _trusted(
        Person,
        {
            "id": node,
            "side": "ours" if ours else "theirs",
            "name": data["name"],
            "title": data.get("title"),
            "seniority": data.get("seniority"),
            "function": data.get("function"),
            "role": data.get("role"),
            "status": data.get("status"),
            "stance": data.get("stance"),
            "senior": bool(data.get("senior", False)),
            "weight": float(data.get("weight", 0.0)),
        },
        _PERSON_FIELDS,
    )


def build_report(
    snapshot: AccountSnapshot,
    settings: AnalysisSettings,
    *,
    without: Iterable[str] = (),
    people_and_ties: bool = True,
) -> Report:
    """The risk report of one account, as of ``snapshot.as_of``.

    The single entry point of the analysis: ties, the relationship graph, threads, coverage, key
    people, recency, alignment, risk and recommendations, assembled into a :class:`Report`.

    Parameters
    ----------
    snapshot : AccountSnapshot
        The account, from :meth:`~stakegraph.store.base.GraphStore.account_snapshot`.
    settings : AnalysisSettings
        Every number of the metric definitions.
    without : iterable of str
        People (either side) to remove first: the what-if report.
    people_and_ties : bool
        False leaves ``people`` and ``ties`` empty: every figure is the same, without the two
        lists that grow with the account (the portfolio scan reads none of them).

    Returns
    -------
    Report

    Raises
    ------
    NotFoundError
        If ``without`` names somebody who is not in the snapshot.
    ValidationFailed
        If the snapshot is inconsistent (an id on both sides, tie aggregates after the as-of
        time) or the settings cannot give a score within 0..100.

    Examples
    --------
    Our account exec met the CIO once, today:

    >>> from datetime import datetime, UTC
    >>> from stakegraph.model import Account, AccountSnapshot, Contact, Interaction, TeamMember
    >>> now = datetime(2024, 6, 1, tzinfo=UTC)
    >>> snap = AccountSnapshot(
    ...     account=Account(id="acme", name="Acme", annual_value=100000),
    ...     contacts=(Contact(id="cio", account_id="acme", name="Cy", title="CIO"),),
    ...     team=(TeamMember(id="ae", name="Al", role="account_exec"),), as_of=now,
    ...     interactions=(Interaction(id="m1", account_id="acme", kind="meeting",
    ...                               occurred_at=now, team_ids=["ae"], contact_ids=["cio"]),))
    >>> r = build_report(snap, AnalysisSettings())
    >>> r.threads.senior, r.coverage.senior, r.risk.score, r.risk.level, r.value_at_risk
    (1, 1.0, 40.0, 'medium', 40000.0)
    """
    # Tens of thousands of objects on a big account: see stakegraph.gcpause.
    with fewer_collections():
        return _report(snapshot, settings, without, people_and_ties)


def _report(
    snapshot: AccountSnapshot,
    settings: AnalysisSettings,
    without: Iterable[str],
    people_and_ties: bool,
) -> Report:
    removed = sorted(set(without))
    snapshot = without_people(snapshot, removed)
    as_of = to_utc(snapshot.as_of)
    G = relationship_graph(snapshot, (), settings)
    nodes = G.nodes
    # The graph holds every one of our team (side OURS) and the active contacts (THEIRS).
    ours = {member.id for member in snapshot.team}
    theirs = set(G) - ours
    tied = tie_columns(snapshot, settings).between(ours, theirs)
    # Every metric reads the live ties alone, and every one takes them as this sorted list: the
    # graph keeps the people and the org chart, and adding thousands of tie edges that nothing
    # would read from it would cost more than the whole analysis (the searches over live ties
    # use plain dicts). The report's tie list (every tie, live or not) comes from the columns.
    # Ordered by team id then contact id, as live_ties(G) gives them.
    live = LiveTieList.from_columns(tied)
    held = tied.live_strength()  # live_strength(G, live), from the columns
    senior_threads = threads(G, senior_staff(G), held=held, live=live)
    all_threads = threads(G, held=held, live=live, essential=False)  # only count and cover used
    coverage = senior_coverage(G, covered=covered_contacts(G, live=live))

    def losses(only_single_points_of_failure: bool = False) -> list[PersonLoss]:
        return key_people(
            G,
            senior_threads=senior_threads,
            coverage=coverage,
            spof_strength_share=settings.spof_strength_share,
            live=live,
            held=held,
            only_single_points_of_failure=only_single_points_of_failure,
        )

    # The single points of failure now; everyone's loss when the report's list is read.
    single_points = losses(only_single_points_of_failure=True)
    silence = recency(interaction_times(snapshot), as_of, settings)
    exec_ties = executive_ties(G, settings, live=live)
    alignment = function_alignment(G, settings, live=live)
    risk = risk_score(
        senior_threads.count,
        coverage.senior,
        silence.days_since_last_interaction,
        bool(exec_ties),
        settings,
    )

    node_data = dict(G.nodes(data=True))
    people = _people(G, ours) if people_and_ties else MadeWhenRead[Person]()
    ties = _ties(tied) if people_and_ties else MadeWhenRead[Tie]()
    annual_value = snapshot.account.annual_value
    return Report(
        account_id=snapshot.account.id,
        account_name=snapshot.account.name,
        as_of=as_of,
        removed=removed,
        risk=Risk(
            score=risk.score,
            level="low" if risk.level == "low" else "medium" if risk.level == "medium" else "high",
            parts=RiskParts(
                threads=risk.threads,
                senior_coverage=risk.senior_coverage,
                recency=risk.recency,
                executive_alignment=risk.executive_alignment,
            ),
        ),
        threads=Threads(
            senior=senior_threads.count,
            all=all_threads.count,
            cover=senior_threads.cover,
            all_cover=all_threads.cover,
            matching=senior_threads.matching,
            single_threaded=senior_threads.count <= 1,
        ),
        coverage=Coverage(
            senior=coverage.senior,
            reach=coverage.reach,
            uncovered=coverage.uncovered,
            senior_staff=coverage.senior_staff,
            covered=coverage.covered,
            reached=coverage.reached,
        ),
        single_points_of_failure=[p.id for p in single_points],
        key_people=_key_people(losses, len(held), node_data),
        days_since_last_interaction=silence.days_since_last_interaction,
        going_dark=silence.going_dark,
        going_dark_threshold_days=silence.threshold_days,
        last_interaction_at=silence.last_interaction_at,
        median_gap_days=silence.median_gap_days,
        executive_alignment=bool(exec_ties),
        executive_ties=exec_ties,
        alignment=Alignment(
            misaligned=alignment.misaligned,
            reason=alignment.reason,
            functions={
                name: FunctionAlignment(
                    contacts=stats.contacts,
                    senior=stats.senior,
                    covered=stats.covered,
                    coverage=stats.coverage,
                    live_ties=stats.live_ties,
                    mean_stance=stats.mean_stance,
                )
                for name, stats in alignment.functions.items()
            },
        ),
        recommendations=[
            Recommendation(
                contact_id=r.contact_id,
                name=nodes[r.contact_id]["name"],
                title=nodes[r.contact_id].get("title"),
                weight=r.weight,
                path=r.path,
            )
            for r in recommendations(G, coverage.uncovered, live=live)
        ],
        annual_value=annual_value,
        value_at_risk=None if annual_value is None else annual_value * risk.score / 100.0,
        people=people,
        ties=ties,
    )


class WhatIf(BaseModel):
    """The report before and after named people leave, and what changes."""

    model_config = ConfigDict(frozen=True)

    before: Report
    after: Report
    score_change: Rounded = Field(description="after.risk.score - before.risk.score")
    threads_change: int = Field(description="after.threads.senior - before.threads.senior")


def what_if(
    snapshot: AccountSnapshot, settings: AnalysisSettings, without: Iterable[str]
) -> WhatIf:
    """The account's report, and the same report with ``without`` removed ("what if X leaves?").

    Raises
    ------
    NotFoundError
        If ``without`` names somebody who is not in the snapshot.
    """
    before = build_report(snapshot, settings)
    after = build_report(snapshot, settings, without=without)
    return WhatIf(
        before=before,
        after=after,
        score_change=after.risk.score - before.risk.score,
        threads_change=after.threads.senior - before.threads.senior,
    )
