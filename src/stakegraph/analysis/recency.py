"""Going dark: the account has been silent for much longer than its usual rhythm.

An account goes dark when the days since its last interaction exceed
``max(going_dark_min_days, going_dark_gap_factor x median gap)``, the median taken over the gaps
between its last ``going_dark_gap_window`` interactions (30 days, 3x, 10 by default). An account
talked to every week goes dark after a month; one talked to every quarter only after 3 quarters.

Every interaction of the account counts as a touch here, as in
:attr:`stakegraph.model.AccountSnapshot.last_interaction_at`. An account nobody ever talked to
has no last interaction: it cannot *go* dark, and :mod:`stakegraph.analysis.risk` scores it as
fully silent.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

from stakegraph.errors import ValidationFailed
from stakegraph.model import AccountSnapshot, to_utc
from stakegraph.settings import AnalysisSettings

__all__ = ["Recency", "interaction_times", "recency"]

_SECONDS_PER_DAY = 86400.0


@dataclass(frozen=True, slots=True)
class Recency:
    """How long the account has been silent, against its own rhythm.

    Attributes
    ----------
    last_interaction_at : datetime or None
        The last interaction up to the as-of time.
    days_since_last_interaction : float or None
        Days from it to the as-of time; ``None`` when there never was one.
    median_gap_days : float or None
        Median gap between the last interactions; ``None`` with fewer than two.
    threshold_days : float
        Silence beyond this many days is going dark.
    going_dark : bool
        ``days_since_last_interaction > threshold_days``.
    """

    last_interaction_at: datetime | None
    days_since_last_interaction: float | None
    median_gap_days: float | None
    threshold_days: float
    going_dark: bool


def interaction_times(snapshot: AccountSnapshot) -> list[datetime]:
    """When the account was touched, up to the as-of time, oldest first.

    The store's ``recent_times`` (the latest interaction times, whichever way it answered);
    a snapshot built without them falls back to its listed interactions.
    """
    as_of = to_utc(snapshot.as_of)
    if snapshot.recent_times:
        times: Iterable[datetime] = (to_utc(t) for t in snapshot.recent_times)
    else:
        times = (i.occurred_at for i in snapshot.interactions)
    return sorted(t for t in times if t <= as_of)


def recency(times: Iterable[datetime], as_of: datetime, settings: AnalysisSettings) -> Recency:
    """Days since the last interaction and whether the account went dark.

    Parameters
    ----------
    times : iterable of datetime
        When the account was touched (any order); times after ``as_of`` are ignored.
    as_of : datetime
        Now, for the analysis.
    settings : AnalysisSettings
        ``going_dark_min_days``, ``going_dark_gap_factor``, ``going_dark_gap_window``.

    Returns
    -------
    Recency

    Raises
    ------
    ValidationFailed
        If the gap window is shorter than two interactions.

    Examples
    --------
    Weekly meetings, then 40 days of silence: the threshold is max(30, 3 x 7) = 30 days.

    >>> from datetime import datetime, timedelta, UTC
    >>> now = datetime(2024, 6, 1, tzinfo=UTC)
    >>> last = now - timedelta(days=40)
    >>> r = recency([last - timedelta(days=7 * k) for k in range(5)], now, AnalysisSettings())
    >>> r.days_since_last_interaction, r.median_gap_days, r.threshold_days, r.going_dark
    (40.0, 7.0, 30.0, True)
    """
    if settings.going_dark_gap_window < 2:
        raise ValidationFailed("going_dark_gap_window must cover at least two interactions")
    as_of = to_utc(as_of)
    ordered = sorted(t for t in (to_utc(t) for t in times) if t <= as_of)
    if not ordered:
        return Recency(None, None, None, settings.going_dark_min_days, False)
    last = ordered[-1]
    days = (as_of - last).total_seconds() / _SECONDS_PER_DAY
    window = ordered[-settings.going_dark_gap_window :]
    gaps = [(b - a).total_seconds() / _SECONDS_PER_DAY for a, b in pairwise(window)]
    median_gap = float(statistics.median(gaps)) if gaps else None
    threshold = settings.going_dark_min_days
    if median_gap is not None:
        threshold = max(threshold, settings.going_dark_gap_factor * median_gap)
    return Recency(last, days, median_gap, threshold, days > threshold)
