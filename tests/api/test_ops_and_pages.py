"""Operations routes and the HTML pages over HTTP (the browser tests drive them in Chromium)."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest

from stakegraph.model import Account, Contact, Interaction, TeamMember
from stakegraph.store import GraphStore

from . import data
from .conftest import Service

pytestmark = pytest.mark.api


def test_healthz_and_readyz(open_service: Service) -> None:
    with open_service.client() as http:
        assert http.get("/healthz").json()["status"] == "ok"
        assert http.get("/readyz").json() == {"status": "ready"}


def test_readyz_is_503_when_the_store_does_not_answer(
    open_service: Service, store: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "ping", lambda: False)
    with open_service.client() as http:
        response = http.get("/readyz")
        health = http.get("/healthz")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "store_unavailable"
    assert health.status_code == 200


def test_metrics_count_requests_by_route_template(open_service: Service) -> None:
    with open_service.client() as http:
        http.get("/v1/accounts/acme/coverage")
        http.get("/v1/accounts/globex/coverage")
        http.get("/v1/accounts/nope/coverage")
        text = http.get("/metrics").text
    assert re.search(
        r'stakegraph_http_requests_total\{method="GET",route="/v1/accounts/\{account_id\}/coverage"'
        r',status="200"\} 2\.0',
        text,
    )
    assert 'route="/v1/accounts/{account_id}/coverage",status="404"} 1.0' in text
    assert "acme" not in text  # never raw paths: bounded label values
    assert "stakegraph_report_seconds_bucket" in text


def test_pages_send_a_content_security_policy(open_service: Service) -> None:
    with open_service.client() as http:
        for path in ("/", "/accounts/acme", "/v1/accounts/acme/map", "/login", "/accounts/nope"):
            response = http.get(path)
            policy = response.headers["content-security-policy"]
            assert "script-src 'self'" in policy and "default-src 'none'" in policy, path
            assert "unsafe-inline" not in policy
            assert response.headers["x-content-type-options"] == "nosniff"


def test_portfolio_page_links_every_row(open_service: Service) -> None:
    with open_service.client() as http:
        page = http.get("/").text
    for account in data.accounts():
        assert f'data-href="/accounts/{account.id}"' in page
    # Riskiest first.
    order = [m for m in re.findall(r'data-account-id="([^"]+)"', page)]
    with open_service.client() as http:
        ranked = [r["id"] for r in http.get("/v1/accounts").json()["items"]]
    assert order == ranked


def test_account_page_shows_the_report(open_service: Service) -> None:
    with open_service.client() as http:
        page = http.get("/accounts/acme").text
    for section in ("risk-parts", "hangs-on", "uncovered", "recommendations", "alignment",
                    "history", "map"):  # fmt: skip
        assert f'id="{section}"' in page
    assert "Ivan CIO" in page and "Carla CEO" in page
    # The warm path to the CIO, by name.
    assert re.search(r"Alex Rep</span> → <span[^>]*>Vera VP</span> → <span[^>]*>Ivan CIO", page)
    assert '<polyline class="sg-line"' in page  # the history chart, inline SVG
    assert "<script>" not in page  # no inline script at all


def test_user_strings_are_escaped_everywhere(open_service: Service) -> None:
    with open_service.client() as http:
        portfolio = http.get("/").text
        account = http.get("/accounts/hostile").text
        standalone = http.get("/v1/accounts/hostile/map").text
    for page in (portfolio, account, standalone):
        assert "<img src=x" not in page
        assert "<script>alert" not in page
        assert "<b>Inc</b>" not in page
    assert html.escape("Hostile <b>Inc</b>", quote=False) in portfolio
    # In the map's JSON the name is there, with < and > escaped for a script element.
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in account
    assert html.escape(data.XSS_NAME, quote=False) in account


def test_error_pages_are_html(open_service: Service) -> None:
    with open_service.client() as http:
        response = http.get("/accounts/nope")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Not found" in response.text


def test_account_page_says_when_nothing_is_known_rather_than_all_is_well(
    open_service: Service, store: GraphStore
) -> None:
    """A mailbox import alone: contacts with no title, outbound mail nobody answered."""
    now = datetime.now(UTC)
    store.upsert_accounts([Account(id="initrode", name="Initrode")])
    store.upsert_team([TeamMember(id="louise", name="Louise", role="account_exec")])
    store.upsert_contacts(
        [Contact(id=f"initrode-{n}", account_id="initrode", name=n) for n in ("colette", "pat")]
    )
    store.upsert_interactions(
        [
            Interaction(id=f"mail-{d}", account_id="initrode", kind="email",
                        occurred_at=now - timedelta(days=d), direction="outbound",
                        answered=False, team_ids=["louise"], contact_ids=[f"initrode-{who}"])
            for d, who in ((3, "colette"), (5, "pat"))
        ]
    )  # fmt: skip
    with open_service.client() as http:
        page = http.get("/accounts/initrode").text
        healthy = http.get("/accounts/acme").text
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "0 threads to senior staff — no thread at all" in text
    assert "single-threaded" not in text
    assert 'id="no-senior-staff"' in page and 'id="no-ties"' in page
    assert "No senior staff known: no contact here has a senior title" in text
    assert "Every senior person has a live tie" not in text
    assert "the senior staff are covered" not in text
    assert "STAKEGRAPH_ANALYSIS_COUNT_UNANSWERED_OUTBOUND_EMAIL=true" in text
    assert 'id="no-senior-staff"' not in healthy and 'id="no-ties"' not in healthy


def test_account_page_rewinds_to_a_date(open_service: Service) -> None:
    with open_service.client() as http:
        today = http.get("/accounts/globex").text
        then = http.get("/accounts/globex", params={"as_of": "2020-01-01"})
        bad = http.get("/accounts/globex", params={"as_of": "yesterday"})
    assert 'id="as-of-form"' in today and 'name="as_of" value=""' in today
    assert 'id="rewound"' not in today and "back to now" not in today
    assert then.status_code == 200
    page = then.text
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert 'name="as_of" value="2020-01-01"' in page and "back to now" in page
    assert "As of 01 Jan 2020 23:59 UTC" in text
    assert 'id="rewound"' in page and "as they are today" in text
    # Nothing had happened by then: the tiles are those of an account never talked to.
    assert "0 threads to senior staff — no thread at all" in text
    assert "2 threads to senior staff" in " ".join(re.sub(r"<[^>]+>", " ", today).split())
    assert bad.status_code == 422
    assert "as_of: not an ISO date or time: &#39;yesterday&#39;" in bad.text
