"""Property-based fuzzing of every operation in the OpenAPI schema (schemathesis): whatever it
sends, valid or not, the service never answers with a 5xx. Examples are bounded to keep CI fast."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from stakegraph.settings import get_settings
from stakegraph.store import open_store

from . import data
from .conftest import Service, serve

pytestmark = [pytest.mark.api, pytest.mark.slow]

MAX_EXAMPLES = 25


@pytest.fixture(scope="module")
def fuzzed_service(falkor_data_dir: Path) -> Iterator[Service]:
    import uuid

    cfg = get_settings(
        data_dir=falkor_data_dir,
        graph_url="",
        graph_name=f"fuzz_{uuid.uuid4().hex[:10]}",
        max_body_bytes=256 * 1024,
        report_timeout_s=30.0,
        warm_reports_on_start=False,
    )
    store = open_store(cfg)
    data.load(store)
    try:
        with serve(cfg, store) as service:
            yield service
    finally:
        store._graph.delete()  # type: ignore[attr-defined]
        store.close()


def _content_type(response: Any) -> str:
    values = {k.lower(): v for k, v in response.headers.items()}.get("content-type", [""])
    return str(values[0] if isinstance(values, list) else values)


def test_no_input_makes_a_server_error(fuzzed_service: Service) -> None:
    """Every operation, positive and negative examples, at most MAX_EXAMPLES each."""
    from schemathesis.generation import GenerationMode

    schema = schemathesis.openapi.from_url(f"{fuzzed_service.url}/openapi.json")
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        strategy = operation.as_strategy(generation_mode=GenerationMode.POSITIVE) | (
            operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)
        )

        @given(case=strategy)
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def call(case: Any) -> None:
            response = case.call(base_url=fuzzed_service.url, timeout=60)
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} -> {response.status_code}: "
                    f"{response.text[:300]}"
                )
            elif response.status_code >= 400 and _content_type(response).startswith(
                "application/json"
            ):
                body = response.json()
                assert set(body) == {"error"}, body
                assert {"code", "message", "details"} == set(body["error"]), body

        call()
    assert operations >= 15
    assert failures == [], "\n".join(failures[:20])
