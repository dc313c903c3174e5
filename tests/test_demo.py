"""The demo portfolio: deterministic, the right size, referentially whole, and telling its stories.

The story checks compute tie strength, senior staff and going dark straight from DESIGN.md's
definitions (with the default settings), independently of the analysis package, so the demo is
checked against the contract rather than against one implementation of it.
"""

from __future__ import annotations

import itertools
import json
import statistics
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

import jsonschema
import networkx as nx
import pytest

from stakegraph.bundle.schema import BUNDLE_SECTIONS, bundle_schema
from stakegraph.demo import (
    BRANCHES,
    CEO_TITLE,
    CONTOSO_CEO,
    DEMO_ACCOUNTS,
    GLOBEX_AE,
    INITECH_AE,
    NORTHWIND_CIO,
    NORTHWIND_SANDRA,
    OUR_CEO,
    OUR_DOMAIN,
    STORY_ACCOUNTS,
    UMBRELLA_SPONSOR,
    demo_bundle,
    demo_records,
    northwind_promotion,
)
from stakegraph.model import Contact, Interaction, Seniority, infer_seniority
from stakegraph.settings import AnalysisSettings

pytestmark = pytest.mark.unit

NOW = datetime(2025, 6, 2, 12, 0, tzinfo=UTC)
SETTINGS = AnalysisSettings()
STANCE = {"supporter": 1, "neutral": 0, "detractor": -1}


@pytest.fixture(scope="module")
def bundle() -> dict[str, Any]:
    return demo_bundle(now=NOW)


class Account:
    """One account of the bundle, with the design's metrics computed by hand."""

    def __init__(self, bundle: dict[str, Any], account_id: str, now: datetime = NOW) -> None:
        self.id = account_id
        self.now = now
        self.team = {m["id"]: m for m in bundle["team"]}
        self.contacts = {
            c["id"]: Contact.model_validate(c)
            for c in bundle["contacts"]
            if c["account_id"] == account_id
        }
        self.interactions = [
            Interaction.model_validate(i)
            for i in bundle["interactions"]
            if i["account_id"] == account_id
        ]

    def counts(self, i: Interaction) -> bool:
        unanswered = i.kind == "email" and i.direction == "outbound" and i.answered is False
        return SETTINGS.count_unanswered_outbound_email or not unanswered

    def ties(self) -> dict[tuple[str, str], float]:
        strength: dict[tuple[str, str], float] = defaultdict(float)
        for i in self.interactions:
            if not self.counts(i):
                continue
            age = (self.now - i.occurred_at).total_seconds() / 86400
            w = SETTINGS.kind_weights[i.kind] * 0.5 ** (age / SETTINGS.half_life_days)
            for t in i.team_ids:
                for c in i.contact_ids:
                    strength[(t, c)] += w
        return dict(strength)

    def live_ties(self) -> set[tuple[str, str]]:
        return {pair for pair, s in self.ties().items() if s >= SETTINGS.live_tie_threshold}

    def senior(self, contact_id: str) -> bool:
        c = self.contacts[contact_id]
        return c.seniority in SETTINGS.senior_seniorities or any(
            r in SETTINGS.senior_buying_roles for r in c.buying_roles
        )

    def live_senior_ties(self) -> set[tuple[str, str]]:
        return {(t, c) for t, c in self.live_ties() if self.senior(c)}

    def threads(self) -> int:
        g = nx.Graph()
        pairs = self.live_senior_ties()
        g.add_edges_from((("t", t), ("c", c)) for t, c in pairs)
        top = {n for n in g if n[0] == "t"}
        return len(nx.bipartite.maximum_matching(g, top_nodes=top)) // 2 if pairs else 0

    def days_silent(self) -> float:
        last = max(i.occurred_at for i in self.interactions)
        return (self.now - last).total_seconds() / 86400

    def going_dark(self) -> bool:
        times = sorted(i.occurred_at for i in self.interactions)[-SETTINGS.going_dark_gap_window :]
        gaps = [(b - a).total_seconds() / 86400 for a, b in itertools.pairwise(times)]
        limit = max(
            SETTINGS.going_dark_min_days,
            SETTINGS.going_dark_gap_factor * statistics.median(gaps),
        )
        return self.days_silent() > limit

    def mean_stance(self, function: str) -> float:
        values = [
            STANCE[c.stance]
            for c in self.contacts.values()
            if c.function == function and c.stance in STANCE
        ]
        return statistics.mean(values)


# -- determinism and size -----------------------------------------------------------------------


def test_same_seed_and_now_give_identical_output(bundle: dict[str, Any]) -> None:
    again = demo_bundle(now=NOW)
    assert json.dumps(again, sort_keys=True) == json.dumps(bundle, sort_keys=True)


def test_another_seed_gives_another_portfolio_with_the_same_story_cast(
    bundle: dict[str, Any],
) -> None:
    other = demo_bundle(seed=99, now=NOW)
    assert other["contacts"] != bundle["contacts"]
    ids = {c["id"] for c in other["contacts"]}
    assert {NORTHWIND_SANDRA, NORTHWIND_CIO, UMBRELLA_SPONSOR, CONTOSO_CEO} <= ids
    assert [a["id"] for a in other["accounts"]][:5] == list(STORY_ACCOUNTS)


def test_sizes(bundle: dict[str, Any]) -> None:
    assert bundle["format"] == "stakegraph-bundle"
    assert bundle["version"] == 1
    assert len(bundle["accounts"]) == DEMO_ACCOUNTS == 40
    assert len(bundle["team"]) == 25
    assert 2000 <= len(bundle["contacts"]) <= 5000
    assert 3000 <= len(bundle["interactions"]) <= 8000
    roles = {m["role"] for m in bundle["team"]}
    assert roles == {"executive", "account_exec", "sales_engineer", "customer_success", "support"}
    assert all(m["email"].endswith("@" + OUR_DOMAIN) for m in bundle["team"])
    for account in bundle["accounts"]:
        assert account["annual_value"] > 0
        assert date.fromisoformat(account["renewal_date"]) > NOW.date()


def test_account_count_is_a_parameter() -> None:
    small = demo_bundle(now=NOW, accounts=5)
    assert [a["id"] for a in small["accounts"]] == list(STORY_ACCOUNTS)
    assert len(demo_bundle(now=NOW, accounts=12)["accounts"]) == 12
    with pytest.raises(ValueError, match="accounts"):
        demo_bundle(now=NOW, accounts=4)


def test_records_stream_in_bundle_order() -> None:
    stream = demo_records(now=NOW, accounts=6)
    assert next(stream)[0] == "accounts"
    sections = [section for section, _ in stream]
    order = list(BUNDLE_SECTIONS)
    assert sections == sorted(sections, key=order.index)
    assert set(sections) == set(order)


# -- the data is whole ------------------------------------------------------------------------


def test_every_record_is_a_valid_model(bundle: dict[str, Any]) -> None:
    for section, model in BUNDLE_SECTIONS.items():
        ids = [r["id"] for r in bundle[section]]
        assert len(ids) == len(set(ids)), f"duplicate ids in {section}"
        for record in bundle[section]:
            model.model_validate(record)


def test_the_bundle_validates_against_the_schema(bundle: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator(bundle_schema()).validate(bundle)


def test_every_reference_resolves(bundle: dict[str, Any]) -> None:
    accounts = {a["id"] for a in bundle["accounts"]}
    team = {m["id"] for m in bundle["team"]}
    account_of: dict[str, str] = {}
    for c in bundle["contacts"]:
        assert c["account_id"] in accounts
        if "reports_to" in c:
            # The manager comes first (so a streaming import never meets a dangling reference)
            # and works at the same account.
            assert account_of.get(c["reports_to"]) == c["account_id"], c["id"]
        account_of[c["id"]] = c["account_id"]
    for i in bundle["interactions"]:
        assert i["account_id"] in accounts
        assert i["team_ids"] and set(i["team_ids"]) <= team, i["id"]
        assert i["contact_ids"], i["id"]
        for cid in i["contact_ids"]:
            assert account_of[cid] == i["account_id"], i["id"]


def test_org_charts_are_trees_with_one_head(bundle: dict[str, Any]) -> None:
    heads: dict[str, list[str]] = defaultdict(list)
    for c in bundle["contacts"]:
        if "reports_to" not in c:
            heads[c["account_id"]].append(c["title"])
    assert set(heads) == {a["id"] for a in bundle["accounts"]}
    assert all(titles == [CEO_TITLE] for titles in heads.values())


def test_interactions_are_in_the_past_on_weekdays(bundle: dict[str, Any]) -> None:
    for i in bundle["interactions"]:
        at = Interaction.model_validate(i).occurred_at
        assert at < NOW
        assert at.weekday() < 5
        assert 8 <= at.hour < 18


def test_default_now_is_the_current_time() -> None:
    before = datetime.now(UTC)
    bundle = demo_bundle(accounts=5)
    initech = Account(bundle, "initech", now=before)
    assert 45 <= initech.days_silent() <= 56


def test_branch_titles_infer_to_the_level_they_sit_at() -> None:
    assert infer_seniority(CEO_TITLE) == Seniority.C_LEVEL
    for name, branch in BRANCHES.items():
        assert infer_seniority(branch.chief) == Seniority.C_LEVEL, name
        levels = (
            (branch.vps, Seniority.VP),
            (branch.directors, Seniority.DIRECTOR),
            (branch.managers, Seniority.MANAGER),
            (branch.staff, Seniority.INDIVIDUAL),
        )
        for titles, level in levels:
            for title in titles:
                assert infer_seniority(title) == level, title


def test_contacts_carry_titles_not_inferred_fields(bundle: dict[str, Any]) -> None:
    # Seniority and function come from title inference on import, as for any CRM export.
    for c in bundle["contacts"]:
        assert c["title"]
        assert "seniority" not in c and "function" not in c


# -- the stories ---------------------------------------------------------------------------------


def test_northwind_hangs_on_sandra(bundle: dict[str, Any]) -> None:
    nw = Account(bundle, "northwind")
    sandra, cio = nw.contacts[NORTHWIND_SANDRA], nw.contacts[NORTHWIND_CIO]
    assert sandra.name == "Sandra Ruiz" and sandra.title == "VP IT"
    assert sandra.seniority == Seniority.VP and sandra.stance == "supporter"
    assert sandra.reports_to == NORTHWIND_CIO
    assert cio.seniority == Seniority.C_LEVEL and cio.function == "technology"
    # Our only live senior ties are Sandra's; several of us hold one, but it is one thread.
    live_senior = nw.live_senior_ties()
    assert {c for _, c in live_senior} == {NORTHWIND_SANDRA}
    assert len({t for t, _ in live_senior}) >= 2
    assert nw.threads() == 1
    # We never met the CIO, nor anyone else above her.
    met = {c for i in nw.interactions for c in i.contact_ids}
    assert NORTHWIND_CIO not in met
    assert not any(nw.contacts[c].seniority == Seniority.C_LEVEL for c in met), (
        "we met a c-level contact"
    )
    # Below the top the work is broad.
    assert len({c for _, c in nw.live_ties()} - {NORTHWIND_SANDRA}) >= 5
    # And she is about to be promoted.
    assert any("promotion" in (i.subject or "") for i in nw.interactions)
    assert not nw.going_dark()


def test_northwind_promotion_updates_refer_to_demo_people(bundle: dict[str, Any]) -> None:
    nw = Account(bundle, "northwind")
    updates = [Contact.model_validate(c) for c in northwind_promotion()]
    new_ids = {c.id for c in updates} - set(nw.contacts)
    assert new_ids == {"northwind-victor-lang"}
    for c in updates:
        assert c.reports_to in nw.contacts or c.reports_to in new_ids
    sandra = next(c for c in updates if c.id == NORTHWIND_SANDRA)
    assert sandra.seniority == Seniority.C_LEVEL
    assert sandra.title != nw.contacts[NORTHWIND_SANDRA].title
    # Her directors now report to a VP IT who has never met us.
    moved = [c for c in updates if c.reports_to == "northwind-victor-lang"]
    assert len(moved) == 3
    assert all(nw.contacts[c.id].reports_to == NORTHWIND_SANDRA for c in moved)


def test_globex_is_held_by_one_account_exec(bundle: dict[str, Any]) -> None:
    gx = Account(bundle, "globex")
    assert {t for i in gx.interactions for t in i.team_ids} == {GLOBEX_AE}
    assert gx.team[GLOBEX_AE]["role"] == "account_exec"
    live_senior = gx.live_senior_ties()
    assert len({c for _, c in live_senior}) >= 4, "Derek knows many of their seniors"
    assert gx.threads() == 1
    unanswered = [i for i in gx.interactions if i.concern and not i.follow_up]
    assert len(unanswered) >= 3
    assert max(a["annual_value"] for a in bundle["accounts"]) == next(
        a["annual_value"] for a in bundle["accounts"] if a["id"] == "globex"
    )
    assert not gx.going_dark()


def test_initech_went_dark_after_a_regular_cadence(bundle: dict[str, Any]) -> None:
    it = Account(bundle, "initech")
    assert 45 <= it.days_silent() <= 56
    assert it.going_dark()
    times = sorted(i.occurred_at for i in it.interactions)
    gaps = [(b - a).days for a, b in itertools.pairwise(times[-11:-1])]
    assert max(gaps) <= 14, "a regular cadence before the silence"
    last = max(it.interactions, key=lambda i: i.occurred_at)
    assert last.kind == "email" and last.direction == "outbound" and last.answered is False
    assert last.team_ids == [INITECH_AE]


def test_umbrella_business_and_technology_pull_apart(bundle: dict[str, Any]) -> None:
    um = Account(bundle, "umbrella")
    assert um.mean_stance("business") < 0 < um.mean_stance("technology")
    live = {c for _, c in um.live_ties()}
    functions = {um.contacts[c].function for c in live}
    assert {"business", "technology"} <= functions, "both sides are covered; they disagree"
    sponsor = um.contacts[UMBRELLA_SPONSOR]
    assert "executive_sponsor" in sponsor.buying_roles
    first = min(i.occurred_at for i in um.interactions if UMBRELLA_SPONSOR in i.contact_ids)
    assert (NOW - first).days <= 35, "the sponsor is new"
    assert not um.going_dark()


def test_contoso_has_executive_coverage_and_several_threads(bundle: dict[str, Any]) -> None:
    co = Account(bundle, "contoso")
    assert co.team[OUR_CEO]["role"] == "executive"
    assert co.contacts[CONTOSO_CEO].seniority == Seniority.C_LEVEL
    assert (OUR_CEO, CONTOSO_CEO) in co.live_ties()
    assert co.threads() >= 4
    assert not co.going_dark()


def test_story_accounts_differ_from_each_other(bundle: dict[str, Any]) -> None:
    threads = {a: Account(bundle, a).threads() for a in STORY_ACCOUNTS}
    assert threads["northwind"] == threads["globex"] == 1
    assert threads["contoso"] > threads["northwind"]


def _accounts(bundle: dict[str, Any]) -> Iterable[str]:
    return (a["id"] for a in bundle["accounts"] if a["id"] not in STORY_ACCOUNTS)


def test_generated_accounts_are_a_mix(bundle: dict[str, Any]) -> None:
    accounts = [Account(bundle, a) for a in _accounts(bundle)]
    threads = [a.threads() for a in accounts]
    dark = [a.going_dark() for a in accounts]
    assert min(threads) <= 1 and max(threads) >= 3
    assert 1 <= sum(dark) < len(accounts) // 2
    assert any(c.status == "left" for a in accounts for c in a.contacts.values())


def test_cli_writes_the_bundle_without_a_store(tmp_path: Any) -> None:
    from typer.testing import CliRunner

    from stakegraph.bundle.io import read_bundle_file
    from stakegraph.cli import app

    out = tmp_path / "demo.json"
    args = ["demo", "--accounts", "6", "--now", "2025-06-02T12:00:00", "-o", str(out)]
    result = CliRunner().invoke(app, args, env={"STAKEGRAPH_DATA_DIR": str(tmp_path / "none")})
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "none").exists(), "writing a file must not start a store"
    assert json.loads(out.read_text()) == json.loads(json.dumps(demo_bundle(now=NOW, accounts=6)))
    items = list(read_bundle_file(out))
    assert all(isinstance(item, tuple) for item in items), "the reader rejected something"
