"""Every read route over HTTP, on the real embedded store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from stakegraph.cli.analysis import parse_as_of
from stakegraph.model import format_utc

from .conftest import Service

pytestmark = pytest.mark.api


def test_portfolio_ranks_accounts_by_risk(open_service: Service) -> None:
    with open_service.client() as http:
        page = http.get("/v1/accounts").json()
    ids = [row["id"] for row in page["items"]]
    assert sorted(ids) == ["acme", "globex", "hostile", "initech"]
    assert page["total"] == 4 and page["sort"] == "risk"
    scores = [row["risk_score"] for row in page["items"]]
    assert scores == sorted(scores, reverse=True)
    acme = next(r for r in page["items"] if r["id"] == "acme")
    globex = next(r for r in page["items"] if r["id"] == "globex")
    assert acme["threads"] == 1 and acme["single_threaded"] is True
    assert globex["threads"] == 2
    assert acme["risk_score"] > globex["risk_score"]
    # value at risk = annual value x score / 100
    assert acme["value_at_risk"] == pytest.approx(2_000_000 * acme["risk_score"] / 100, rel=1e-3)


def test_portfolio_sorts_filters_and_pages(open_service: Service) -> None:
    with open_service.client() as http:
        by_name = http.get("/v1/accounts", params={"sort": "name"}).json()
        by_value = http.get("/v1/accounts", params={"sort": "value_at_risk"}).json()
        page2 = http.get("/v1/accounts", params={"sort": "name", "limit": 2, "offset": 2}).json()
        high = http.get("/v1/accounts", params={"level": "high"}).json()
    assert [r["name"] for r in by_name["items"]] == ["Acme Corp", "Globex", "Hostile <b>Inc</b>",
                                                      "Initech"]  # fmt: skip
    values = [r["value_at_risk"] for r in by_value["items"] if r["value_at_risk"] is not None]
    assert values == sorted(values, reverse=True) and by_value["items"][-1]["id"] == "initech"
    assert [r["id"] for r in page2["items"]] == ["hostile", "initech"]
    assert page2["total"] == 4 and page2["offset"] == 2 and page2["limit"] == 2
    assert high["items"] and all(r["risk_level"] == "high" for r in high["items"])
    assert high["total"] == len(high["items"])


def test_account_detail(open_service: Service) -> None:
    with open_service.client() as http:
        body = http.get("/v1/accounts/acme").json()
    assert body["account"]["name"] == "Acme Corp"
    assert body["contacts"] == 4
    assert body["summary"]["threads"] == 1
    assert {m["id"] for m in body["team"]} == {"t-alex"}


def test_report_follows_the_contract(open_service: Service) -> None:
    with open_service.client() as http:
        report = http.get("/v1/accounts/acme/report").json()
    assert report["account_id"] == "acme"
    parts = report["risk"]["parts"]
    assert set(parts) == {"threads", "senior_coverage", "recency", "executive_alignment"}
    assert report["risk"]["score"] == pytest.approx(sum(parts.values()), abs=1e-3)
    assert report["threads"]["senior"] == 1
    assert set(report["coverage"]["uncovered"]) >= {"acme-cio", "acme-ceo"}
    recs = {r["contact_id"]: r for r in report["recommendations"]}
    assert recs["acme-cio"]["path"] == ["t-alex", "acme-vp", "acme-cio"]
    assert report["executive_alignment"] is False


def test_report_as_of_a_past_date(open_service: Service) -> None:
    with open_service.client() as http:
        now = http.get("/v1/accounts/globex/report").json()
        then = http.get("/v1/accounts/globex/report", params={"as_of": "2020-01-01T00:00:00Z"})
    assert then.status_code == 200
    past = then.json()
    assert past["as_of"].startswith("2020-01-01")
    assert past["threads"]["senior"] == 0 and now["threads"]["senior"] == 2
    assert past["days_since_last_interaction"] is None


def test_a_bare_date_means_the_end_of_that_day_as_on_the_command_line(
    open_service: Service,
) -> None:
    # globex's last meeting was two days ago at this time of day: on that day, after midnight.
    day = (datetime.now(UTC) - timedelta(days=2)).date().isoformat()
    with open_service.client() as http:
        by_day = http.get("/v1/accounts/globex/report", params={"as_of": day})
        by_time = http.get("/v1/accounts/globex/report", params={"as_of": f"{day}T23:59:59.999Z"})
        coverage = http.get("/v1/accounts/globex/coverage", params={"as_of": day})
    assert by_day.status_code == 200, by_day.text
    assert by_day.json()["as_of"] == f"{day}T23:59:59.999Z" == coverage.json()["as_of"]
    assert by_day.json() == by_time.json()
    assert by_day.json()["as_of"] == format_utc(parse_as_of(day))  # the CLI reads it alike
    # Midnight would leave that meeting out; the end of the day has it.
    assert by_day.json()["days_since_last_interaction"] < 1


def test_an_as_of_that_is_no_date_is_a_422_naming_it(open_service: Service) -> None:
    with open_service.client() as http:
        response = http.get("/v1/accounts/globex/report", params={"as_of": "last tuesday"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert "as_of" in error["message"] and "last tuesday" in error["message"]


def test_coverage_is_the_quick_part(open_service: Service) -> None:
    with open_service.client() as http:
        body = http.get("/v1/accounts/acme/coverage").json()
    assert set(body) == {"account_id", "as_of", "threads", "coverage"}
    assert body["threads"]["senior"] == 1
    assert 0 < body["coverage"]["senior"] < 1


def test_what_if_removes_people(open_service: Service) -> None:
    with open_service.client() as http:
        before = http.get("/v1/accounts/globex/report").json()
        after = http.post("/v1/accounts/globex/what-if", json={"remove": ["t-erin"]}).json()
    assert before["threads"]["senior"] == 2
    assert after["threads"]["senior"] == 1
    assert after["removed"] == ["t-erin"]
    assert after["risk"]["score"] > before["risk"]["score"]


def test_recommendations_with_warm_paths(open_service: Service) -> None:
    with open_service.client() as http:
        body = http.get("/v1/accounts/acme/recommendations").json()
    paths = {r["contact_id"]: r["path"] for r in body["recommendations"]}
    assert paths["acme-ceo"] == ["t-alex", "acme-vp", "acme-cio", "acme-ceo"]
    weights = [r["weight"] for r in body["recommendations"]]
    assert weights == sorted(weights, reverse=True)


def test_history_has_one_point_a_month(open_service: Service) -> None:
    with open_service.client() as http:
        body = http.get("/v1/accounts/acme/history").json()
    points = body["points"]
    assert len(points) == open_service.settings.history_months == 12
    stamps = [p["as_of"] for p in points]
    assert stamps == sorted(stamps)
    # A year ago nothing had happened yet: no threads, so the risk was higher than today.
    assert points[0]["threads"] == 0 and points[-1]["threads"] == 1
    assert points[0]["score"] > points[-1]["score"]
    assert all(0 <= p["score"] <= 100 for p in points)


def test_history_up_to_a_past_as_of(open_service: Service) -> None:
    with open_service.client() as http:
        now = http.get("/v1/accounts/acme/history").json()["points"]
        then = http.get("/v1/accounts/acme/history", params={"as_of": "2020-06-30"}).json()
    points = then["points"]
    assert len(points) == 12
    assert points[-1]["as_of"] == "2020-06-30T23:59:59.999Z"
    assert points[0]["as_of"].startswith("2019-07-30")
    # Before any meeting: no thread at any point, unlike today.
    assert {p["threads"] for p in points} == {0} and now[-1]["threads"] == 1


def test_map_is_a_standalone_page(open_service: Service) -> None:
    with open_service.client() as http:
        response = http.get("/v1/accounts/acme/map")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in response.headers["content-security-policy"]
    html = response.text
    assert '<script src="/static/vis/vis-network.min.js"></script>' in html
    assert "cdn" not in html.lower() and "https://" not in html
    with open_service.client() as http:
        js = http.get("/static/vis/vis-network.min.js")
        css = http.get("/static/vis/vis-network.css")
    assert js.status_code == 200 and len(js.content) > 100_000
    assert css.status_code == 200


def test_openapi_documents_every_route(open_service: Service) -> None:
    with open_service.client() as http:
        schema = http.get("/openapi.json").json()
        docs = http.get("/docs")
    assert docs.status_code == 200
    paths = schema["paths"]
    for path in (
        "/v1/accounts",
        "/v1/accounts/{account_id}",
        "/v1/accounts/{account_id}/report",
        "/v1/accounts/{account_id}/coverage",
        "/v1/accounts/{account_id}/what-if",
        "/v1/accounts/{account_id}/recommendations",
        "/v1/accounts/{account_id}/history",
        "/v1/accounts/{account_id}/map",
        "/v1/contacts/{contact_id}",
        "/v1/team/{member_id}",
        "/v1/interactions",
        "/v1/bundle",
        "/healthz",
        "/readyz",
        "/metrics",
    ):
        assert path in paths, path
