"""Going dark and risk turning high: raised once per episode, from a scan over the accounts.

An *episode* starts when a scan finds the account dark (or its risk high) and no episode of that
kind is open for it; it ends when a later scan finds the account recovered. While it is open,
scans raise nothing more, however many times they run. Pure: the scan
(:func:`stakegraph.alerts.service.scan`) reads the reports and the open episodes and writes what
this module decides.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from stakegraph.alerts.model import Alert, AlertKind
from stakegraph.alerts.rules import threads_words
from stakegraph.analysis.report import Report
from stakegraph.model.entities import format_utc

__all__ = [
    "ScanDecision",
    "active_episodes",
    "episode_alert",
    "episode_key",
    "episode_transitions",
    "going_dark_alert",
    "risk_high_alert",
    "scan_account",
]


def episode_key(account_id: str, kind: AlertKind) -> str:
    """The episode an alert belongs to: ``account|kind``.

    Examples
    --------
    >>> episode_key("acme", AlertKind.GOING_DARK)
    'acme|going_dark'
    """
    return f"{account_id}|{kind.value}"


@dataclass
class ScanDecision:
    """What a scan of one account raises and which of its episodes end."""

    raise_alerts: list[Alert] = field(default_factory=list)
    resolve: list[str] = field(default_factory=list)


def _name(report: Report, person_id: str) -> str:
    return next((p.name for p in report.people if p.id == person_id), person_id)


def going_dark_alert(report: Report, now: datetime) -> Alert:
    """The ``going_dark`` alert of an account whose report says it went dark."""
    days = report.days_since_last_interaction or 0.0
    account = report.account_name or report.account_id
    usual = (
        f" (it is usually {report.median_gap_days:.0f} days between touches)"
        if report.median_gap_days
        else ""
    )
    headline = f"Nobody has talked to {account} for {days:.0f} days{usual}"
    steps: list[str] = []
    strongest = next((t for t in report.ties if t.strength > 0), None)
    if strongest is not None:
        steps.append(
            f"Ask {_name(report, strongest.team_id)} to call "
            f"{_name(report, strongest.contact_id)} this week: theirs is our strongest remaining "
            "tie."
        )
    steps.append(f"Find out whether anything changed at {account}: people, budget, priorities.")
    reasons = [
        f"The last interaction was {days:.0f} days ago; the account goes dark after "
        f"{report.going_dark_threshold_days:.0f} days of silence."
    ]
    return Alert(
        id=f"{AlertKind.GOING_DARK}:{report.account_id}:{format_utc(now)}",
        kind=AlertKind.GOING_DARK,
        account_id=report.account_id,
        account_name=report.account_name,
        raised_at=now,
        headline=headline,
        reasons=reasons,
        risk_after=report.risk,
        days_silent=days,
        next_steps=steps,
        episode=episode_key(report.account_id, AlertKind.GOING_DARK),
    )


def _risk_reasons(report: Report) -> list[str]:
    parts = report.risk.parts
    reasons: list[tuple[float, str]] = []
    if parts.threads:
        reasons.append(
            (
                parts.threads,
                f"{threads_words(report.threads.senior)} ({parts.threads:.0f} points)",
            )
        )
    if parts.senior_coverage:
        reasons.append(
            (
                parts.senior_coverage,
                f"we know {report.coverage.senior:.0%} of the senior staff "
                f"({parts.senior_coverage:.0f} points)",
            )
        )
    if parts.recency:
        days = report.days_since_last_interaction or 0.0
        reasons.append((parts.recency, f"silent for {days:.0f} days ({parts.recency:.0f} points)"))
    if parts.executive_alignment:
        reasons.append(
            (
                parts.executive_alignment,
                f"no executive-to-executive tie ({parts.executive_alignment:.0f} points)",
            )
        )
    return [text for _, text in sorted(reasons, key=lambda r: -r[0])]


def risk_high_alert(report: Report, now: datetime) -> Alert:
    """The ``risk_high`` alert of an account whose risk is high."""
    account = report.account_name or report.account_id
    headline = f"Risk at {account} is high: {report.risk.score:.0f}"
    if report.value_at_risk:
        headline += f", {report.value_at_risk:,.0f} of annual value at risk"
    steps: list[str] = []
    for rec in report.recommendations[:3]:
        who = rec.name or rec.contact_id
        if rec.title:
            who += f" ({rec.title})"
        if rec.path and len(rec.path) > 2:
            via = " → ".join(_name(report, p) for p in rec.path)
            steps.append(f"Meet {who}: {via}.")
        elif rec.path:
            steps.append(f"Meet {who}: {_name(report, rec.path[0])} can reach them directly.")
        else:
            steps.append(f"Meet {who}: nobody on our team has a warm path yet.")
    if not report.executive_alignment:
        steps.append(
            "Arrange an executive-to-executive meeting with a C-level or VP of the account."
        )
    if report.going_dark:
        steps.append(f"Get back in touch: {account} has gone quiet.")
    return Alert(
        id=f"{AlertKind.RISK_HIGH}:{report.account_id}:{format_utc(now)}",
        kind=AlertKind.RISK_HIGH,
        account_id=report.account_id,
        account_name=report.account_name,
        raised_at=now,
        headline=headline,
        reasons=_risk_reasons(report),
        risk_after=report.risk,
        days_silent=report.days_since_last_interaction,
        next_steps=steps,
        episode=episode_key(report.account_id, AlertKind.RISK_HIGH),
    )


def episode_transitions(
    account_id: str, active: Mapping[AlertKind, bool], open_kinds: Collection[AlertKind]
) -> tuple[list[AlertKind], list[str]]:
    """Which episode kinds start (to raise) and which open episodes end, for one account.

    Examples
    --------
    >>> episode_transitions("acme", {AlertKind.GOING_DARK: True, AlertKind.RISK_HIGH: False},
    ...                     [AlertKind.RISK_HIGH])
    ([<AlertKind.GOING_DARK: 'going_dark'>], ['acme|risk_high'])
    >>> episode_transitions("acme", {AlertKind.GOING_DARK: True}, [AlertKind.GOING_DARK])
    ([], [])
    """
    start: list[AlertKind] = []
    end: list[str] = []
    for kind, now_active in active.items():
        if now_active and kind not in open_kinds:
            start.append(kind)
        elif not now_active and kind in open_kinds:
            end.append(episode_key(account_id, kind))
    return start, end


def active_episodes(going_dark: bool, level: str) -> dict[AlertKind, bool]:
    """Which episode conditions hold for an account (dark; risk at ``high``)."""
    return {AlertKind.GOING_DARK: going_dark, AlertKind.RISK_HIGH: level == "high"}


_BUILDERS = {AlertKind.GOING_DARK: going_dark_alert, AlertKind.RISK_HIGH: risk_high_alert}


def episode_alert(kind: AlertKind, report: Report, now: datetime) -> Alert:
    """The alert that opens an episode of ``kind``."""
    return _BUILDERS[kind](report, now)


def scan_account(report: Report, open_kinds: Collection[AlertKind], now: datetime) -> ScanDecision:
    """What one account's report raises and resolves, given its open episodes.

    Parameters
    ----------
    report : Report
        The account now.
    open_kinds : collection of AlertKind
        The episode kinds open for the account.
    now : datetime
        When the scan runs (the alerts' time).
    """
    active = active_episodes(report.going_dark, report.risk.level)
    start, end = episode_transitions(report.account_id, active, open_kinds)
    return ScanDecision([episode_alert(kind, report, now) for kind in start], end)
