"""The pages in headless Chromium: the portfolio, an account with its map, escaping, no traffic
beyond 127.0.0.1. Saves the README's screenshots to docs/screenshots/."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import httpx
import pytest

from tests.api import data
from tests.api.conftest import Service

from .conftest import BIG_CONTACTS, BIG_TEAM, SCREENSHOTS, Watch

pytestmark = pytest.mark.browser

Page = tuple[Any, Watch]


def _only_local(service: Service, watch: Watch) -> None:
    assert watch.requests, "the page made no request at all?"
    hosts = {urlparse(url).hostname for url in watch.requests if not url.startswith("data:")}
    assert hosts == {"127.0.0.1"}, hosts
    assert watch.blocked == []
    assert watch.errors == []
    assert not [m for m in watch.console if "Content Security Policy" in m], watch.console


def _map_ready(tab: Any, dom_id: str = "sg-map") -> dict[str, Any]:
    # A selector, not wait_for_function: the page's CSP forbids the eval that the latter uses.
    tab.wait_for_selector(f'#{dom_id}[data-drawn="true"]', timeout=20_000)
    counts: dict[str, Any] = tab.evaluate(
        f"""() => {{
            const m = window.stakegraphMaps[{dom_id!r}];
            return {{nodes: m.nodes.length, edges: m.edges.length,
                     canvases: document.querySelectorAll('#{dom_id} canvas').length,
                     ids: m.nodes.getIds()}};
        }}"""
    )
    return counts


def test_portfolio_lists_the_accounts(site: Service, page: Page) -> None:
    tab, watch = page
    tab.goto(f"{site.url}/")
    rows = tab.locator("#portfolio tbody tr")
    with httpx.Client(base_url=site.url) as http:
        listing = http.get("/v1/accounts", params={"limit": 500}).json()
    assert rows.count() == listing["total"] > 40  # ours and the demo's (two ids shared)
    names = tab.locator("#portfolio tbody tr td:first-child a").all_inner_texts()
    assert names == [row["name"] for row in listing["items"]]  # riskiest first, like the API
    assert "Hostile <b>Inc</b>" in names  # shown as text, not markup
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / "portfolio.png"), full_page=False)
    _only_local(site, watch)


def test_portfolio_sorts_by_a_column(site: Service, page: Page) -> None:
    tab, _ = page
    tab.goto(f"{site.url}/")
    tab.get_by_role("button", name="Annual value").click()
    cells = tab.locator("#portfolio tbody tr td:nth-child(8)")
    values = [float(v) for v in cells.evaluate_all("cs => cs.map(c => c.dataset.value)")]
    assert values == sorted(values, reverse=True)
    tab.get_by_role("button", name="Annual value").click()
    values = [float(v) for v in cells.evaluate_all("cs => cs.map(c => c.dataset.value)")]
    assert values == sorted(values)


def test_clicking_a_row_opens_the_account(site: Service, page: Page) -> None:
    tab, watch = page
    tab.goto(f"{site.url}/")
    row = tab.locator('#portfolio tbody tr[data-account-id="acme"]')
    with tab.expect_navigation():
        row.locator("td").nth(2).click()  # the level cell: no link there, the row opens it
    assert tab.url == f"{site.url}/accounts/acme"
    assert tab.locator("#account-name").inner_text().startswith("Acme Corp")
    _only_local(site, watch)


def test_account_page_renders_the_map(site: Service, page: Page) -> None:
    tab, watch = page
    tab.goto(f"{site.url}/accounts/acme")
    counts = _map_ready(tab)
    # Alex (our only person with ties there) and Acme's four contacts.
    assert counts["nodes"] == 5
    assert sorted(counts["ids"]) == sorted(
        ["team:t-alex"] + [f"contact:{c.id}" for c in data.contacts() if c.account_id == "acme"]
    )
    # Two ties (Alex-Vera, Alex-Eli) and three org-chart edges.
    assert counts["edges"] == 5
    assert counts["canvases"] == 1
    assert tab.locator("#recommendations").inner_text().count("Warm path") == 2
    _only_local(site, watch)


def test_map_settles_then_holds_still(site: Service, page: Page) -> None:
    tab, watch = page
    tab.goto(f"{site.url}/accounts/northwind")
    counts = _map_ready(tab)
    with httpx.Client(base_url=site.url) as http:
        detail = http.get("/v1/accounts/northwind").json()
    tab.wait_for_selector('#sg-map[data-settled="true"]', timeout=20_000)
    physics = tab.evaluate("() => window.stakegraphMaps['sg-map'].network.physics.options.enabled")
    assert counts["nodes"] == detail["contacts"] + len(detail["team"])
    assert counts["nodes"] > site.settings.map_physics_max_nodes - 20
    assert physics is False  # settled, then held still
    tab.locator("#map").scroll_into_view_if_needed()
    tab.locator("#map").screenshot(path=str(SCREENSHOTS / "account-map.png"))
    tab.screenshot(path=str(SCREENSHOTS / "account.png"), full_page=True)
    _only_local(site, watch)


def test_a_hostile_name_runs_nothing(site: Service, page: Page) -> None:
    tab, watch = page
    for path in ("/", "/accounts/hostile", "/v1/accounts/hostile/map"):
        tab.goto(f"{site.url}{path}")
        if path != "/":
            _map_ready(tab)
            # Hover the hostile contact: vis-network shows its title as text.
            tab.locator("#sg-map").scroll_into_view_if_needed()
            point = tab.evaluate(
                """() => {
                    const m = window.stakegraphMaps['sg-map'];
                    const p = m.network.getPositions(['contact:hostile-1'])['contact:hostile-1'];
                    const d = m.network.canvasToDOM(p);
                    const r = document.getElementById('sg-map').getBoundingClientRect();
                    return {x: r.left + d.x, y: r.top + d.y};
                }"""
            )
            tab.mouse.move(point["x"] - 40, point["y"] - 40)
            tab.mouse.move(point["x"], point["y"], steps=8)
            tooltip = tab.locator("div.vis-tooltip")
            tooltip.wait_for(state="visible", timeout=5_000)
            text = tooltip.inner_text()
            assert data.XSS_NAME in text
            assert tooltip.locator("img, script, a").count() == 0
            # Click it: the details panel lists the same text, as text.
            tab.mouse.click(point["x"], point["y"])
            details = tab.locator("#sg-map-details")
            assert data.XSS_NAME in details.inner_text()
            assert details.locator("img, script, a").count() == 0
        assert tab.locator("img[src='x']").count() == 0
        assert tab.locator("a[href^='javascript']").count() == 0
    assert watch.dialogs == []
    assert watch.errors == []
    _only_local(site, watch)


def test_large_map_is_drawn_still_with_every_person(site: Service, page: Page) -> None:
    tab, watch = page
    tab.goto(f"{site.url}/accounts/big")
    counts = _map_ready(tab)
    tab.wait_for_selector('#sg-map[data-settled="true"]', timeout=20_000)
    options = tab.evaluate(
        "() => JSON.parse(document.getElementById('sg-map-data').textContent).options.physics"
    )
    assert counts["nodes"] == BIG_CONTACTS + BIG_TEAM > site.settings.map_physics_max_nodes
    assert options["enabled"] is False  # positions from the server's layout, no simulation
    _only_local(site, watch)


def test_api_docs_work_offline(site: Service, page: Page) -> None:
    tab, watch = page
    tab.goto(f"{site.url}/docs")
    tab.wait_for_selector(".opblock", timeout=20_000)
    assert tab.locator(".opblock").count() >= 15
    tab.goto(f"{site.url}/redoc")
    tab.wait_for_selector("h1", timeout=20_000)
    assert watch.blocked == [], watch.blocked
    hosts = {urlparse(url).hostname for url in watch.requests if url.startswith("http")}
    assert hosts == {"127.0.0.1"}
