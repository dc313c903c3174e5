"""The retry policy: what each answer means, backoff with jitter, Retry-After, the last try."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from stakegraph.alerts.model import Delivery, DeliveryStatus
from stakegraph.alerts.retry import (
    Outcome,
    RetryPolicy,
    TryResult,
    after_try,
    classify,
    retry_delay,
)
from tests.factories import NOW

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (200, Outcome.DELIVERED),
        (204, Outcome.DELIVERED),
        (410, Outcome.GONE),
        (408, Outcome.RETRY),
        (429, Outcome.RETRY),
        (500, Outcome.RETRY),
        (503, Outcome.RETRY),
        (None, Outcome.RETRY),
        (301, Outcome.FAILED),
        (307, Outcome.FAILED),
        (400, Outcome.FAILED),
        (401, Outcome.FAILED),
        (404, Outcome.FAILED),
    ],
)
def test_each_answer_has_one_meaning(status: int | None, outcome: Outcome) -> None:
    assert classify(status) is outcome


def test_backoff_doubles_within_jitter_and_is_capped() -> None:
    policy = RetryPolicy(base_s=2.0, max_s=100.0)
    rng = random.Random(7)
    for attempt, ceiling in [(1, 2.0), (2, 4.0), (3, 8.0), (4, 16.0), (7, 100.0), (30, 100.0)]:
        delays = [retry_delay(attempt, policy, rng) for _ in range(50)]
        # Equal jitter: between half the ceiling and the ceiling, and not all the same.
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len({round(d, 6) for d in delays}) > 1


def test_retry_after_is_a_floor_capped_at_the_longest_backoff() -> None:
    policy = RetryPolicy(base_s=1.0, max_s=60.0)
    rng = random.Random(1)
    assert retry_delay(1, policy, rng, retry_after_s=45.0) == 45.0
    assert retry_delay(1, policy, rng, retry_after_s=10_000.0) == 60.0


def _delivery() -> Delivery:
    return Delivery(id="a|w", alert_id="a", webhook_id="w", created_at=NOW, next_attempt_at=NOW)


def test_a_503_with_retry_after_schedules_the_next_try() -> None:
    policy = RetryPolicy(max_attempts=3, base_s=1.0, max_s=600.0)
    after, outcome = after_try(
        _delivery(), TryResult(at=NOW, status_code=503, retry_after="120"), policy, random.Random()
    )
    assert outcome is Outcome.RETRY
    assert after.status is DeliveryStatus.PENDING and after.attempt_count == 1
    assert after.next_attempt_at == NOW + timedelta(seconds=120)
    assert after.attempts[-1].status_code == 503 and after.last_error == "HTTP 503"


def test_the_last_try_fails_the_delivery() -> None:
    policy = RetryPolicy(max_attempts=2, base_s=1.0, max_s=5.0)
    rng = random.Random()
    d, _ = after_try(_delivery(), TryResult(at=NOW, error="timed out"), policy, rng)
    d, outcome = after_try(d, TryResult(at=NOW, error="timed out"), policy, rng)
    assert outcome is Outcome.FAILED
    assert d.status is DeliveryStatus.FAILED and d.next_attempt_at is None
    assert d.attempt_count == 2 and "gave up after 2 tries" in (d.last_error or "")


def test_410_fails_at_once_and_a_redirect_is_not_followed() -> None:
    policy = RetryPolicy(max_attempts=8)
    gone, outcome = after_try(
        _delivery(), TryResult(at=NOW, status_code=410), policy, random.Random()
    )
    assert outcome is Outcome.GONE and gone.status is DeliveryStatus.FAILED
    moved, outcome = after_try(
        _delivery(), TryResult(at=NOW, status_code=302), policy, random.Random()
    )
    assert outcome is Outcome.FAILED and "redirects are not followed" in (moved.last_error or "")


def test_success_after_failures_clears_the_error() -> None:
    policy = RetryPolicy()
    rng = random.Random()
    d, _ = after_try(_delivery(), TryResult(at=NOW, status_code=500), policy, rng)
    d, outcome = after_try(d, TryResult(at=NOW, status_code=200), policy, rng)
    assert outcome is Outcome.DELIVERED
    assert d.status is DeliveryStatus.DELIVERED and d.delivered_at == NOW and d.last_error is None
    assert [a.status_code for a in d.attempts] == [500, 200]
