"""The retry policy of webhook deliveries: what an answer means, when to try again.

- 2xx: delivered.
- 410 Gone: the subscriber asked us to stop; no retry, and the subscription is disabled.
- 408, 429, 5xx, a timeout or a connection error: try again later, with exponential backoff and
  jitter, never sooner than a ``Retry-After`` header asks (capped at the longest backoff).
- Anything else (a redirect, which is never followed, or another 4xx): the request itself is
  wrong; trying again would not help, so the delivery fails at once.

After the last allowed try the delivery is marked failed. Pure functions: the clock and the
random source are parameters.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from enum import StrEnum

from stakegraph.alerts.model import Attempt, Delivery, DeliveryStatus

__all__ = [
    "MAX_KEPT_ATTEMPTS",
    "Outcome",
    "RetryPolicy",
    "TryResult",
    "after_try",
    "classify",
    "parse_retry_after",
    "retry_delay",
]

MAX_KEPT_ATTEMPTS = 20
"""How many tries a delivery keeps in its history (the count keeps going)."""


class Outcome(StrEnum):
    """What one try means for the delivery."""

    DELIVERED = "delivered"
    RETRY = "retry"
    FAILED = "failed"
    GONE = "gone"


def classify(status_code: int | None) -> Outcome:
    """The outcome of an HTTP answer; ``None`` means no answer (timeout, connection error).

    Examples
    --------
    >>> [classify(c) for c in (204, 410, 429, 503, 301, 404, None)]
    ['delivered', 'gone', 'retry', 'retry', 'failed', 'failed', 'retry']
    """
    if status_code is None:
        return Outcome.RETRY
    if 200 <= status_code < 300:
        return Outcome.DELIVERED
    if status_code == 410:
        return Outcome.GONE
    if status_code in (408, 429) or status_code >= 500:
        return Outcome.RETRY
    return Outcome.FAILED


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta seconds or an HTTP date).

    Examples
    --------
    >>> from datetime import datetime, UTC
    >>> now = datetime(2024, 1, 1, tzinfo=UTC)
    >>> parse_retry_after("120", now), parse_retry_after("Mon, 01 Jan 2024 00:00:30 GMT", now)
    (120.0, 30.0)
    >>> parse_retry_after("soon", now) is None
    True
    """
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - now).total_seconds())


@dataclass(frozen=True)
class RetryPolicy:
    """How many tries, and how long between them."""

    max_attempts: int = 8
    base_s: float = 1.0
    max_s: float = 600.0


def retry_delay(
    attempt: int,
    policy: RetryPolicy,
    rng: random.Random,
    retry_after_s: float | None = None,
) -> float:
    """Seconds before try ``attempt + 1``, after try ``attempt`` (1-based) failed.

    Exponential (``base * 2**(attempt-1)``, capped at ``max_s``) with "equal jitter": half the
    delay fixed, half random, so that receivers coming back from an outage are not hit by every
    retry at once. ``Retry-After`` is a floor (capped at ``max_s`` so no receiver parks us for
    ever).

    Examples
    --------
    >>> policy = RetryPolicy(base_s=1.0, max_s=60.0)
    >>> rng = random.Random(0)
    >>> [1 <= retry_delay(2, policy, rng) <= 2 for _ in range(3)]
    [True, True, True]
    >>> retry_delay(20, policy, rng) <= 60.0
    True
    >>> retry_delay(1, policy, rng, retry_after_s=30.0)
    30.0
    """
    ceiling = min(policy.max_s, policy.base_s * 2.0 ** max(0, attempt - 1))
    delay = ceiling / 2.0 + rng.uniform(0.0, ceiling / 2.0)
    if retry_after_s is not None:
        delay = max(delay, min(retry_after_s, policy.max_s))
    return delay


@dataclass(frozen=True)
class TryResult:
    """What happened on one try."""

    at: datetime
    status_code: int | None = None
    error: str | None = None
    duration_ms: float = 0.0
    retry_after: str | None = None
    refused: bool = False
    """The address was refused before any request was made (never retried)."""


def after_try(
    delivery: Delivery, result: TryResult, policy: RetryPolicy, rng: random.Random
) -> tuple[Delivery, Outcome]:
    """The delivery after one more try, and what the try meant.

    A try refused before sending (an unsafe address) fails the delivery at once.
    """
    count = delivery.attempt_count + 1
    outcome = Outcome.FAILED if result.refused else classify(result.status_code)
    error = result.error
    if error is None and outcome is not Outcome.DELIVERED and result.status_code is not None:
        error = f"HTTP {result.status_code}"
        if 300 <= result.status_code < 400:
            error += " (redirects are not followed)"
        elif outcome is Outcome.GONE:
            error += " Gone: the subscription is disabled"
    retry_at: datetime | None = None
    if outcome is Outcome.RETRY:
        if count >= policy.max_attempts:
            outcome = Outcome.FAILED
            error = f"{error}; gave up after {count} tries"
        else:
            wait = retry_delay(count, policy, rng, parse_retry_after(result.retry_after, result.at))
            retry_at = result.at + timedelta(seconds=wait)
    attempt = Attempt(
        at=result.at,
        status_code=result.status_code,
        error=error,
        duration_ms=result.duration_ms,
        retry_at=retry_at,
    )
    status = {
        Outcome.DELIVERED: DeliveryStatus.DELIVERED,
        Outcome.RETRY: DeliveryStatus.PENDING,
        Outcome.FAILED: DeliveryStatus.FAILED,
        Outcome.GONE: DeliveryStatus.FAILED,
    }[outcome]
    updated = delivery.model_copy(
        update={
            "status": status,
            "attempt_count": count,
            "attempts": [*delivery.attempts, attempt][-MAX_KEPT_ATTEMPTS:],
            "next_attempt_at": retry_at,
            "delivered_at": result.at if outcome is Outcome.DELIVERED else None,
            "last_error": None if outcome is Outcome.DELIVERED else error,
        }
    )
    return updated, outcome
