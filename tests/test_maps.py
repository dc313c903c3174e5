"""The map module without a browser: what the network holds and how it renders."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest

from stakegraph.analysis import build_report
from stakegraph.maps import build_map, render_map_page
from stakegraph.model import Account, AccountSnapshot, Contact, Interaction, TeamMember
from stakegraph.settings import get_settings

pytestmark = pytest.mark.unit

NOW = datetime(2026, 6, 1, tzinfo=UTC)
EVIL = "<img src=x onerror=alert(1)>"


def _snapshot(extra_contacts: int = 0) -> AccountSnapshot:
    account = Account(id="a", name="A & <Co>")
    team = (TeamMember(id="t1", name="Tess", role="executive"),)
    contacts = [
        Contact(id="boss", account_id="a", name="Bo", title="CEO"),
        Contact(id="evil", account_id="a", name=EVIL, title='<a href="javascript:x">VP</a>',
                reports_to="boss"),
        Contact(id="gone", account_id="a", name="Gone", title="CFO", status="left"),
    ] + [
        Contact(id=f"p{k}", account_id="a", name=f"P{k}", title="Analyst", reports_to="boss")
        for k in range(extra_contacts)
    ]  # fmt: skip
    interactions = (
        Interaction(id="i1", account_id="a", kind="meeting", occurred_at=NOW,
                    team_ids=["t1"], contact_ids=["evil"]),
    )  # fmt: skip
    return AccountSnapshot(
        account=account, contacts=tuple(contacts), team=team, as_of=NOW,
        interactions=interactions,
    )  # fmt: skip


def _map(extra: int = 0, **kwargs: int):  # type: ignore[no-untyped-def]
    snapshot = _snapshot(extra)
    report = build_report(snapshot, get_settings().analysis)
    return build_map(snapshot, report, **kwargs)


def test_people_ties_and_org_chart() -> None:
    account_map = _map()
    ids = {n["id"] for n in account_map.nodes}
    assert ids == {"team:t1", "contact:boss", "contact:evil"}  # who left is not drawn
    kinds = sorted(e["kind"] for e in account_map.edges)
    assert kinds == ["reports_to", "tie"]
    org = next(e for e in account_map.edges if e["kind"] == "reports_to")
    assert org["dashes"] and (org["from"], org["to"]) == ("contact:evil", "contact:boss")
    team = next(n for n in account_map.nodes if n["id"] == "team:t1")
    boss = next(n for n in account_map.nodes if n["id"] == "contact:boss")
    assert team["color"]["background"] != boss["color"]["background"]
    assert boss["size"] > next(n for n in account_map.nodes if n["id"] == "contact:evil")["size"]
    assert "uncovered" in boss["flags"]  # the CEO: senior, nobody knows him
    assert all("x" in n and "y" in n for n in account_map.nodes)
    assert account_map.physics is True


def test_large_maps_are_still_and_capped() -> None:
    big = _map(200, physics_max_nodes=60, max_nodes=100)
    assert big.physics is False and big.options["physics"]["enabled"] is False
    assert len(big.nodes) == 100  # one of ours and 99 of their 202 active people
    assert {"contact:boss", "contact:evil", "team:t1"} <= {n["id"] for n in big.nodes}
    assert big.stats["hidden"] == 202 - 99
    small = _map(200, physics_max_nodes=60, max_nodes=50)
    assert len(small.nodes) == 50 and small.physics is True  # few enough shown to settle


def test_rendered_page_escapes_every_user_string() -> None:
    page = render_map_page(_map())
    assert EVIL not in page and "<a href" not in page
    assert "A &amp; &lt;Co&gt;" in page
    data = re.search(r'<script type="application/json" id="sg-map-data">(.*?)</script>', page, re.S)
    assert data is not None
    nodes = json.loads(data.group(1))["nodes"]
    assert any(EVIL in n["label"] for n in nodes)  # intact once parsed: drawn on the canvas
    assert "https://" not in page and "cdn" not in page.lower()
    assert re.findall(r'<script src="([^"]+)"', page) == [
        "/static/vis/vis-network.min.js",
        "/static/maps/map.js",
    ]
