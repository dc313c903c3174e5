"""The vectorised tie-table route gives exactly the report of the per-pair and interaction routes.

The store hands a big account's ties over as a :class:`~stakegraph.model.TieTable`; the analysis
computes their strengths column by column. The same aggregates one object per pair (the table's
rows) must give the same report to the last bit, and the interactions themselves the same JSON.
"""

from __future__ import annotations

import pickle
import random
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from stakegraph.analysis import build_report, what_if
from stakegraph.analysis.ties import tie_columns, tie_strengths
from stakegraph.analysis.whatif import without_people
from stakegraph.errors import ValidationFailed
from stakegraph.model import AccountSnapshot, TieAggregate, TieTable
from stakegraph.settings import AnalysisSettings
from tests.factories import NOW, aggregated, contact, interaction, member, snapshot

pytestmark = pytest.mark.unit

S = AnalysisSettings()


def _tabled(snap: AccountSnapshot) -> AccountSnapshot:
    """The account as the store answers it from its tie table."""
    agg = aggregated(snap)
    assert agg.ties is not None
    return replace(agg, ties=TieTable.from_aggregates(agg.ties))


def _per_pair(snap: AccountSnapshot) -> AccountSnapshot:
    """The same table, one aggregate object per pair (the old route)."""
    assert isinstance(snap.ties, TieTable)
    return replace(snap, ties=tuple(snap.ties))


def _story() -> AccountSnapshot:
    return snapshot(
        contacts=[
            contact("ceo", "CEO", stance="supporter"),
            contact("cio", "CIO", reports_to="ceo", stance="detractor"),
            contact("vp", "VP Finance", reports_to="ceo", stance="neutral"),
            contact("dir", "Director IT", reports_to="cio"),
            contact("dev", "Developer", reports_to="dir"),
            contact("gone", "CFO", status="left"),
        ],
        team=[member("boss", "executive"), member("ae"), member("se", "sales_engineer")],
        interactions=[
            interaction(["ae"], ["vp"], days_ago=5),
            interaction(["ae", "se"], ["dir", "dev"], "call", days_ago=20),
            interaction(["se"], ["dev"], "message", days_ago=33),
            interaction(["boss"], ["ceo"], "event", days_ago=100),
            # Only unanswered mail between ae and cio: no tie unless the setting counts it.
            interaction(
                ["ae"], ["cio"], "email", days_ago=12, direction="outbound", answered=False
            ),
            interaction(["se"], ["cio"], "meeting", days_ago=170),
            # A contact who left and somebody outside the snapshot: ties the graph leaves out.
            interaction(["ae"], ["gone"], days_ago=2),
            interaction(["stranger"], ["ceo"], days_ago=2),
        ],
        annual_value=50_000,
    )


def _equal_ties() -> AccountSnapshot:
    # Two of ours tied to the CIO at exactly equal strength, a lone sponsor, a reports_to cycle.
    return snapshot(
        contacts=[
            contact("cio", "CIO", reports_to="vp"),
            contact("vp", "VP IT", reports_to="cio"),
            contact("dev", "Developer", reports_to="cio", function="technology"),
            contact("coo", "COO", stance="supporter"),
        ],
        team=[member("ae"), member("se", "sales_engineer"), member("ceo", "executive")],
        interactions=[
            interaction(["ae", "se"], ["cio"], days_ago=10),
            interaction(["ae"], ["dev"], "call", days_ago=1),
            interaction(["ceo"], ["coo"], "event", days_ago=45),
            interaction(["se"], ["vp"], "email", days_ago=300),
        ],
    )


def _empty() -> AccountSnapshot:
    return snapshot(contacts=[contact("cio", "CIO")], team=[member("ae")])


ACCOUNTS = [_story, _equal_ties, _empty]


def _without_interaction_counts(doc: dict[str, Any]) -> dict[str, Any]:
    # A tie's interaction count includes unanswered mail in the aggregates (they are kept apart
    # in the masses); every other figure must agree.
    for tie in doc["ties"]:
        tie.pop("interactions")
    return doc


@pytest.mark.parametrize("account", ACCOUNTS)
@pytest.mark.parametrize("count_unanswered", [False, True])
def test_the_table_gives_the_report_of_the_per_pair_route(
    account: Any, count_unanswered: bool
) -> None:
    settings = AnalysisSettings(count_unanswered_outbound_email=count_unanswered)
    table = _tabled(account())
    report = build_report(table, settings)
    assert report == build_report(_per_pair(table), settings)
    lean = build_report(table, settings, people_and_ties=False)
    assert lean == build_report(_per_pair(table), settings, people_and_ties=False)


@pytest.mark.parametrize("account", ACCOUNTS)
def test_the_table_gives_the_json_of_the_interactions(account: Any) -> None:
    snap = account()
    from_table = build_report(_tabled(snap), S).model_dump(mode="json")
    from_interactions = build_report(snap, S).model_dump(mode="json")
    assert _without_interaction_counts(from_table) == _without_interaction_counts(from_interactions)


def test_the_story_account_has_ties_the_graph_leaves_out_and_equal_ties() -> None:
    # Guards the two accounts above against becoming trivial.
    story = build_report(_tabled(_story()), S)
    pairs = {(t.team_id, t.contact_id) for t in story.ties}
    assert ("ae", "gone") not in pairs and ("stranger", "ceo") not in pairs
    assert ("ae", "cio") not in pairs  # unanswered mail only
    assert story.threads.senior >= 1
    equal = build_report(_tabled(_equal_ties()), S)
    # Equal strengths keep id order: ae before se.
    assert [(t.team_id, t.contact_id) for t in equal.ties[:2]] == [("ae", "cio"), ("se", "cio")]
    assert equal.ties[0].strength == equal.ties[1].strength


@pytest.mark.parametrize("gone", [["ae"], ["cio"], ["se", "dir"], ["boss", "ceo"]])
def test_what_if_on_the_table_keeps_it_a_table_and_gives_the_same_report(
    gone: list[str],
) -> None:
    table = _tabled(_story())
    assert isinstance(without_people(table, gone).ties, TieTable)
    fast = what_if(table, S, gone)
    assert fast == what_if(_per_pair(table), S, gone)
    raw = what_if(_story(), S, gone)
    assert _without_interaction_counts(
        fast.after.model_dump(mode="json")
    ) == _without_interaction_counts(raw.after.model_dump(mode="json"))
    assert fast.threads_change == raw.threads_change


def test_the_table_gives_the_tie_strengths_of_its_rows() -> None:
    table = _tabled(_story())
    ties = tie_strengths(table, S)
    assert ties == tie_strengths(_per_pair(table), S)
    assert tie_columns(table, S).ties() == ties
    assert tie_columns(_per_pair(table), S).ties() == ties
    # (ae, dir): a call 20 days ago, 0.8 x 0.5 ** (20 / 90).
    ae_dir = next(t for t in ties if (t.team_id, t.contact_id) == ("ae", "dir"))
    assert ae_dir.strength == pytest.approx(0.8 * 0.5 ** (20 / 90), rel=1e-12)
    assert ae_dir.live and ae_dir.interactions == 1 and ae_dir.last_at == NOW - timedelta(days=20)


def test_a_pair_repeated_in_a_table_is_summed_as_the_per_pair_route_does() -> None:
    one = TieAggregate(
        team_id="ae",
        contact_id="cio",
        kind_mass={"meeting": 2.0**10},
        count=1,
        first_at=NOW - timedelta(days=5),
        last_at=NOW - timedelta(days=5),
        half_life_days=90.0,
    )
    snap = replace(snapshot(), ties=TieTable.from_aggregates([one, one]))
    (tie,) = tie_strengths(snap, S)
    assert tie.interactions == 2
    assert tie == tie_strengths(_per_pair(snap), S)[0]


def test_a_table_after_the_as_of_time_or_with_another_half_life_is_refused() -> None:
    table = _tabled(_story())
    with pytest.raises(ValidationFailed, match="after the as-of time"):
        build_report(replace(table, as_of=NOW - timedelta(days=3)), S)
    with pytest.raises(ValidationFailed, match="half-life"):
        build_report(table, AnalysisSettings(half_life_days=30))


def test_metrics_given_the_live_ties_agree_with_the_full_graph() -> None:
    # build_report's graph holds people and reporting lines only and hands the live ties over
    # as a list; the metrics must read them exactly as from a graph holding every tie.
    from stakegraph.analysis.alignment import executive_ties
    from stakegraph.analysis.graph import live_ties, relationship_graph
    from stakegraph.analysis.recommendations import warm_paths

    snap = _story()
    full = relationship_graph(snap, tie_strengths(snap, S), S)
    people = relationship_graph(snap, (), S)
    live = live_ties(full)
    targets = ["ceo", "cio", "vp", "dir", "dev"]
    assert warm_paths(people, targets, live=live) == warm_paths(full, targets)
    assert warm_paths(full, targets, live=live) == warm_paths(full, targets)
    assert warm_paths(full, ["cio"]) == {"cio": ["ae", "dir", "cio"]}  # a tie, then a line
    assert executive_ties(people, S, live=live) == executive_ties(full, S)


def test_the_reports_lists_read_validate_and_serialise_as_lists() -> None:
    from stakegraph.analysis.report import MadeWhenRead, Person, Report, Tie

    report = build_report(_tabled(_story()), S)
    from_interactions = build_report(_story(), S)
    assert isinstance(report.ties, MadeWhenRead)
    ties = list(report.ties)
    assert len(report.ties) == len(ties) > 3
    assert all(isinstance(t, Tie) for t in ties)
    # Strongest first, then by team id and contact id.
    keys = [(-round(t.strength, 9), t.team_id, t.contact_id) for t in ties]
    assert keys == sorted(keys)
    assert report.ties[0] == ties[0] and report.ties[-2:] == ties[-2:]
    assert report.ties == ties and report.ties == MadeWhenRead(ties)
    # The same JSON as the interactions give (the floats differ in the last bits).
    assert report.model_dump_json(include={"ties"}) == from_interactions.model_dump_json(
        include={"ties"}
    )
    assert report.ties != ties[:-1] and report.ties != tuple(ties)
    # JSON and Python dumps are those of a plain list of ties, and read back equal.
    dumped = report.model_dump(mode="json")["ties"]
    assert dumped == [
        {
            "team_id": t.team_id,
            "contact_id": t.contact_id,
            "strength": round(t.strength, 4),
            "live": t.live,
            "interactions": t.interactions,
            "last_at": t.last_at.isoformat().replace("+00:00", "Z") if t.last_at else None,
        }
        for t in ties
    ]
    read_back = Report.model_validate_json(report.model_dump_json())
    assert isinstance(read_back.ties, MadeWhenRead)
    assert read_back.model_dump(mode="json")["ties"] == dumped
    assert Report.model_validate(report.model_dump()).ties == ties
    assert pickle.loads(pickle.dumps(report)) == report
    schema = Report.model_json_schema()
    assert schema["properties"]["ties"]["type"] == "array"
    assert schema["properties"]["ties"]["items"] == {"$ref": "#/$defs/Tie"}
    assert schema["properties"]["people"]["items"] == {"$ref": "#/$defs/Person"}
    # The people, made when read too: ours first, then theirs, each by id, as plain models.
    people = list(report.people)
    assert len(report.people) == len(people) == 3 + 5  # the contact who left is not listed
    assert all(isinstance(p, Person) for p in people)
    assert [p.id for p in people] == ["ae", "boss", "se", "ceo", "cio", "dev", "dir", "vp"]
    assert read_back.people == people and report.people == from_interactions.people
    assert Report.model_validate(report.model_dump()).people == people


def _crowd(seed: int) -> AccountSnapshot:
    # A random account big enough for several pieces, shared contacts and equal strengths.
    rng = random.Random(seed)
    titles = ["CEO", "CIO", "VP IT", "VP Sales", "Director IT", "Manager", "Engineer"]
    people = [
        contact(f"c{k:02d}", rng.choice(titles), reports_to=f"c{k // 3:02d}" if k else None)
        for k in range(40)
    ]
    team = [member(f"t{k}", rng.choice(["executive", "account_exec", "support"])) for k in range(6)]
    meetings = [
        interaction(
            rng.sample([m.id for m in team], rng.randint(1, 2)),
            rng.sample([c.id for c in people], rng.randint(1, 3)),
            rng.choice(["meeting", "call", "email"]),
            days_ago=rng.choice([1, 10, 100, 400]),
        )
        for _ in range(70)
    ]
    return snapshot(contacts=people, team=team, interactions=meetings)


@pytest.mark.parametrize("seed", range(8))
def test_metrics_read_the_same_from_a_plain_list_of_live_ties(seed: int) -> None:
    # LiveTieList lets the metrics share one lookup of who is tied to whom; a plain list of the
    # same ties must give every figure the same.
    from stakegraph.analysis.alignment import executive_ties, function_alignment
    from stakegraph.analysis.coverage import covered_contacts, senior_coverage
    from stakegraph.analysis.graph import LiveTieList, live_strength, relationship_graph
    from stakegraph.analysis.graph import senior_staff as seniors
    from stakegraph.analysis.key_people import key_people
    from stakegraph.analysis.recommendations import recommendations
    from stakegraph.analysis.threads import threads

    snap = _tabled(_crowd(seed))
    G = relationship_graph(snap, (), S)
    tied = tie_columns(snap, S)
    shared = LiveTieList(tied.live_ties())
    plain = list(shared)
    # The held strengths from the columns are the loop's, to the bit.
    assert tied.live_strength() == live_strength(G, plain)
    coverage = senior_coverage(G, covered=covered_contacts(G, live=plain))
    for contacts in (seniors(G), None):
        assert threads(G, contacts, live=shared) == threads(G, contacts, live=plain)
    senior = threads(G, seniors(G), live=plain)
    assert key_people(G, senior_threads=senior, coverage=coverage, live=shared) == key_people(
        G, senior_threads=senior, coverage=coverage, live=plain
    )
    assert recommendations(G, coverage.uncovered, live=shared) == recommendations(
        G, coverage.uncovered, live=plain
    )
    assert executive_ties(G, S, live=shared) == executive_ties(G, S, live=plain)
    assert function_alignment(G, S, live=shared) == function_alignment(G, S, live=plain)


@pytest.mark.parametrize("account", ACCOUNTS)
def test_a_table_in_any_row_order_gives_the_same_report(account: Any) -> None:
    # The store's tables come contact by contact (a faster sort applies), the aggregates'
    # team member by team member: the report is the same.
    import numpy as np

    table = _tabled(account())
    assert isinstance(table.ties, TieTable)
    ties = table.ties
    by_contact = replace(table, ties=ties.select(np.argsort(ties.contact_codes, kind="stable")))
    shuffled = replace(table, ties=ties.select(np.random.default_rng(3).permutation(len(ties))))
    want = build_report(table, S)
    assert build_report(by_contact, S) == want
    assert build_report(shuffled, S) == want
