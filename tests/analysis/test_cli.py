"""``stakegraph report`` and ``stakegraph portfolio`` against the real embedded store."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from typer.testing import CliRunner

from stakegraph.analysis import build_report
from stakegraph.cli import app
from stakegraph.cli.analysis import parse_as_of
from stakegraph.model import AccountSnapshot
from stakegraph.settings import AnalysisSettings, Settings
from stakegraph.store import GraphStore
from tests.factories import NOW, contact, interaction, member, snapshot

pytestmark = pytest.mark.store

AS_OF = "2024-06-01T12:00:00Z"  # factories.NOW


def promoted_sponsor() -> AccountSnapshot:
    """Seed 004: everyone of ours knows Sandra; her successor as CIO knows nobody."""
    at = {"account_id": "globex"}
    return snapshot(
        contacts=[
            contact("sandra", "Chief Operating Officer", stance="supporter", **at),
            contact("marcus", "Chief Information Officer", reports_to="sandra", **at),
            contact("dev", "Software Engineer", reports_to="marcus", **at),
        ],
        team=[member("ae"), member("eng", "sales_engineer")],
        interactions=[
            *(interaction(["ae", "eng"], ["sandra"], days_ago=7 * w + 2, **at) for w in range(6)),
            interaction(["eng"], ["dev"], "call", days_ago=4, **at),
        ],
        id="globex",
        name="Globex",
        annual_value=1_000_000,
    )


def healthy() -> AccountSnapshot:
    """Seed 001: our CEO knows theirs, and more threads below."""
    return snapshot(
        contacts=[
            contact("c_ceo", "CEO", account_id="contoso"),
            contact("c_cfo", "CFO", account_id="contoso", reports_to="c_ceo"),
            contact("c_cio", "CIO", account_id="contoso", reports_to="c_ceo"),
        ],
        team=[member("boss", "executive"), member("ae2"), member("se2", "sales_engineer")],
        interactions=[
            interaction(["boss"], ["c_ceo"], days_ago=3, account_id="contoso"),
            interaction(["ae2"], ["c_cfo"], days_ago=5, account_id="contoso"),
            interaction(["se2"], ["c_cio"], days_ago=6, account_id="contoso"),
        ],
        id="contoso",
        name="Contoso",
        annual_value=500_000,
    )


def mail_only() -> AccountSnapshot:
    """What a mailbox import alone gives: contacts with no title, outbound mail never answered."""
    at = {"account_id": "initrode"}
    unanswered = {"direction": "outbound", "answered": False, **at}
    return snapshot(
        contacts=[contact("colette", None, **at), contact("pat", None, **at)],
        team=[member("louise")],
        interactions=[
            interaction(["louise"], [who], "email", days_ago=d, **unanswered)
            for d, who in ((3, "colette"), (5, "pat"), (9, "colette"))
        ],
        id="initrode",
        name="Initrode",
    )


def _load(store: GraphStore, *snaps: AccountSnapshot) -> None:
    for snap in snaps:
        store.upsert_accounts([snap.account])
        store.upsert_team(list(snap.team))
        store.upsert_contacts(list(snap.contacts), at=NOW)
        store.upsert_interactions(list(snap.interactions))


@pytest.fixture
def env(store: GraphStore, settings: Settings) -> Iterator[dict[str, str]]:
    _load(store, promoted_sponsor(), healthy())
    yield {
        "STAKEGRAPH_DATA_DIR": str(settings.data_dir),
        "STAKEGRAPH_GRAPH_NAME": settings.graph_name,
        "STAKEGRAPH_GRAPH_URL": "",
    }


def _json(args: list[str], env: dict[str, str]) -> Any:
    result = CliRunner().invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_report_json_is_the_analysis_of_the_stored_account(env: dict[str, str]) -> None:
    doc = _json(["report", "globex", "--as-of", AS_OF, "--json"], env)
    expected = build_report(promoted_sponsor(), AnalysisSettings()).model_dump(mode="json")
    assert doc == expected
    assert (doc["threads"]["senior"], doc["threads"]["cover"]) == (1, ["sandra"])
    assert doc["recommendations"][0]["path"] == ["ae", "sandra", "marcus"]


def test_report_for_a_past_time_reads_the_interactions_up_to_then(env: dict[str, str]) -> None:
    doc = _json(["report", "globex", "--as-of", "2024-05-20", "--json"], env)
    # As of the end of 20 May, the last meeting (2 May + ...) is the one 7 x 2 + 2 = 16 days
    # before 1 June: 4.5 days earlier than the as-of time.
    assert doc["as_of"] == "2024-05-20T23:59:59.999Z"
    assert doc["days_since_last_interaction"] == pytest.approx(4.5, abs=1e-3)
    assert {t["contact_id"] for t in doc["ties"]} == {"sandra"}  # the call to dev came later


def test_report_what_if(env: dict[str, str]) -> None:
    doc = _json(["report", "globex", "--as-of", AS_OF, "--json", "--without", "sandra"], env)
    assert doc["removed"] == ["sandra"]
    assert (doc["threads"]["senior"], doc["risk"]["parts"]["threads"]) == (0, 40.0)


def test_report_for_humans_names_the_people(env: dict[str, str]) -> None:
    result = CliRunner().invoke(app, ["report", "globex", "--as-of", AS_OF], env=env)
    assert result.exit_code == 0, result.output
    out = result.stdout
    # 30 (one thread) + 30 x (1 - 4/8) + 0 (2 days) + 10 (no executive tie) = 55.
    assert "Globex" in out and "55.0 MEDIUM" in out
    assert "hangs on: Sandra (theirs)" in out
    assert "Single point" in out and "YES" in out
    # Marcus is recommended, with a warm path (not "no warm path").
    assert "Marcus" in out and "→" in out and "no warm path" not in out


def test_report_for_humans_says_when_nothing_is_known_rather_than_all_is_well(
    env: dict[str, str], store: GraphStore
) -> None:
    _load(store, mail_only())
    result = CliRunner().invoke(app, ["report", "initrode", "--as-of", AS_OF], env=env)
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())  # rich wraps long lines
    assert "Threads to the senior staff: 0 (no thread at all)" in out
    assert "single-threaded" not in out
    # No contact has a title: "uncovered: none" alone would read as "everyone is covered".
    assert "uncovered: none, because no contact here has a senior title" in out
    # Three emails, none answered: none counts, and the report says why there is no tie.
    assert "Last interaction 3 days ago" in out
    assert "No tie at all: none of the interactions on record makes a tie" in out
    assert "STAKEGRAPH_ANALYSIS_COUNT_UNANSWERED_OUTBOUND_EMAIL=true" in out


def test_report_for_humans_names_no_caveat_where_there_is_none(env: dict[str, str]) -> None:
    result = CliRunner().invoke(app, ["report", "globex", "--as-of", AS_OF], env=env)
    out = " ".join(result.stdout.split())
    assert "(single-threaded)" in out
    assert "No tie at all" not in out and "because no contact" not in out


def test_unknown_account_exits_2_with_one_line(env: dict[str, str]) -> None:
    result = CliRunner().invoke(app, ["report", "nope"], env=env)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "nope" in lines[0]


def test_unknown_person_in_what_if_exits_2(env: dict[str, str]) -> None:
    result = CliRunner().invoke(app, ["report", "globex", "--without", "ghost"], env=env)
    assert result.exit_code == 2
    assert "ghost" in result.stderr


def test_bad_as_of_is_a_usage_error(env: dict[str, str]) -> None:
    result = CliRunner().invoke(app, ["report", "globex", "--as-of", "last tuesday"], env=env)
    assert result.exit_code == 2


@pytest.mark.slow
def test_portfolio_in_worker_processes_ranks_every_account(env: dict[str, str]) -> None:
    parallel = _json(["portfolio", "--json", "--workers", "2"], env)
    serial = _json(["portfolio", "--json", "--workers", "1"], env)
    for doc in (parallel, serial):
        doc.pop("as_of")
        for entry in doc["accounts"]:
            entry.pop("days_since_last_interaction")
    assert parallel == serial
    # As of now (years after the factories' interactions) both accounts are cold; the
    # single-threaded one ranks first by risk and by value at risk.
    assert [e["account_id"] for e in parallel["accounts"]] == ["globex", "contoso"]
    assert parallel["by_value_at_risk"] == ["globex", "contoso"]
    assert sum(parallel["levels"].values()) == 2


def test_portfolio_for_humans(env: dict[str, str]) -> None:
    result = CliRunner().invoke(app, ["portfolio", "--workers", "1"], env=env)
    assert result.exit_code == 0, result.output
    assert "2 accounts" in result.stdout
    assert result.stdout.index("Globex") < result.stdout.index("Contoso")


def test_parse_as_of() -> None:
    assert parse_as_of(None) is None
    assert parse_as_of("2024-06-01T12:00:00Z") == NOW
    assert parse_as_of("2024-06-01T12:00:00") == NOW  # naive: UTC
