"""The risk score: 0 to 100, the sum of four parts, each one shown.

- threads: 40 points with no thread to the senior staff, 30 with one, 15 with two, 0 with three or
  more (``threads_points``);
- senior coverage: ``30 x (1 - senior coverage)``;
- recency: 0 up to 30 days of silence, rising linearly to 20 points at 90 days and capped there;
  an account never talked to scores the full 20;
- executive alignment: 10 points without it.

Level: low below 30, medium below 60, high from 60. Each part is rounded to 4 decimals before
they are added, so the score shown is exactly the sum of the parts shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from stakegraph.errors import ValidationFailed
from stakegraph.settings import AnalysisSettings

__all__ = [
    "RiskScore",
    "executive_alignment_points",
    "recency_points",
    "risk_level",
    "risk_score",
    "senior_coverage_points",
    "threads_points",
]

_DECIMALS = 4


@dataclass(frozen=True, slots=True)
class RiskScore:
    """The score, its level and its four parts."""

    score: float
    level: str
    threads: float
    senior_coverage: float
    recency: float
    executive_alignment: float


def threads_points(threads: int, settings: AnalysisSettings) -> float:
    """Points for the number of senior threads (the last figure holds for every larger count).

    Examples
    --------
    >>> [threads_points(n, AnalysisSettings()) for n in range(5)]
    [40.0, 30.0, 15.0, 0.0, 0.0]
    """
    if threads < 0:
        raise ValidationFailed("threads cannot be negative")
    points = settings.threads_points
    return float(points[min(threads, len(points) - 1)])


def senior_coverage_points(coverage: float, settings: AnalysisSettings) -> float:
    """``senior_coverage_points x (1 - coverage)``.

    Examples
    --------
    >>> senior_coverage_points(0.25, AnalysisSettings())
    22.5
    """
    if not 0.0 <= coverage <= 1.0 + 1e-9:
        raise ValidationFailed(f"senior coverage must be within 0..1, not {coverage}")
    return settings.senior_coverage_points * max(0.0, 1.0 - coverage)


def recency_points(days_silent: float | None, settings: AnalysisSettings) -> float:
    """0 up to ``recency_quiet_days``, linear to ``recency_points`` at ``recency_full_days``.

    ``None`` (never talked to) scores the full points.

    Examples
    --------
    >>> s = AnalysisSettings()
    >>> [recency_points(d, s) for d in (10, 30, 60, 90, 400, None)]  # 20 x (60 - 30) / 60 = 10
    [0.0, 0.0, 10.0, 20.0, 20.0, 20.0]
    """
    if days_silent is None:
        return float(settings.recency_points)
    quiet, full = settings.recency_quiet_days, settings.recency_full_days
    if days_silent <= quiet:
        return 0.0
    if days_silent >= full:
        return float(settings.recency_points)
    return float(settings.recency_points * (days_silent - quiet) / (full - quiet))


def executive_alignment_points(aligned: bool, settings: AnalysisSettings) -> float:
    """``executive_alignment_points`` without executive alignment, else 0."""
    return 0.0 if aligned else float(settings.executive_alignment_points)


def risk_level(score: float, settings: AnalysisSettings) -> str:
    """``low`` below ``level_medium``, ``medium`` below ``level_high``, else ``high``.

    Examples
    --------
    >>> [risk_level(s, AnalysisSettings()) for s in (29.99, 30, 59.99, 60)]
    ['low', 'medium', 'medium', 'high']
    """
    if score < settings.level_medium:
        return "low"
    if score < settings.level_high:
        return "medium"
    return "high"


def _check(settings: AnalysisSettings) -> None:
    if not settings.threads_points:
        raise ValidationFailed("threads_points must list at least one figure")
    if settings.recency_full_days <= settings.recency_quiet_days:
        raise ValidationFailed("recency_full_days must come after recency_quiet_days")
    parts = (
        max(settings.threads_points),
        settings.senior_coverage_points,
        settings.recency_points,
        settings.executive_alignment_points,
    )
    if min(*parts, *settings.threads_points) < 0 or sum(parts) > 100 + 1e-9:
        raise ValidationFailed("the risk parts must be non-negative and add up to at most 100")


def risk_score(
    threads: int,
    senior_coverage: float,
    days_silent: float | None,
    executive_alignment: bool,
    settings: AnalysisSettings,
) -> RiskScore:
    """The risk score of an account from its four measures.

    Parameters
    ----------
    threads : int
        Senior threads.
    senior_coverage : float
        Weighted senior coverage, 0..1.
    days_silent : float or None
        Days since the last interaction; ``None`` if there never was one.
    executive_alignment : bool
        Whether one of our executives has a live tie with theirs.
    settings : AnalysisSettings
        The points of each part and the level thresholds.

    Returns
    -------
    RiskScore

    Raises
    ------
    ValidationFailed
        If a measure is out of range, or the settings let the score leave 0..100.

    Examples
    --------
    One thread, a quarter of the senior staff covered, 60 days silent, no executive tie:

    >>> r = risk_score(1, 0.25, 60.0, False, AnalysisSettings())
    >>> r.threads, r.senior_coverage, r.recency, r.executive_alignment, r.score, r.level
    (30.0, 22.5, 10.0, 10.0, 72.5, 'high')
    """
    _check(settings)
    parts = [
        round(threads_points(threads, settings), _DECIMALS),
        round(senior_coverage_points(senior_coverage, settings), _DECIMALS),
        round(recency_points(days_silent, settings), _DECIMALS),
        round(executive_alignment_points(executive_alignment, settings), _DECIMALS),
    ]
    score = round(sum(parts), _DECIMALS)
    return RiskScore(score, risk_level(score, settings), *parts)
