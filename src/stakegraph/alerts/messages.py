"""The bodies a webhook subscriber receives: our JSON, or a Slack incoming-webhook message.

JSON follows the Standard Webhooks payload shape: ``{"type", "timestamp", "data"}`` with the
alert as ``data``. Slack gets ``text`` (the notification and fallback line) plus ``blocks``
(Block Kit) laid out for a channel: what happened, how the risk moved, who to meet and who can
introduce us, the next steps, a link to the account page. Every user-supplied string is escaped
for Slack's mrkdwn, so a name like ``<!channel>`` cannot ping a whole channel.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from stakegraph.alerts.model import Alert, AlertKind, Webhook, WebhookFormat
from stakegraph.analysis.parts import Risk

__all__ = [
    "KIND_TITLES",
    "account_url",
    "body_for",
    "json_body",
    "risk_text",
    "slack_escape",
    "slack_message",
]

KIND_TITLES: dict[AlertKind, str] = {
    AlertKind.SPONSOR_ROLE_CHANGED: "Sponsor role change",
    AlertKind.CHAMPION_ARRIVED: "An old champion arrived",
    AlertKind.GOING_DARK: "Going dark",
    AlertKind.RISK_HIGH: "Risk turned high",
}

_KIND_EMOJI: dict[AlertKind, str] = {
    AlertKind.SPONSOR_ROLE_CHANGED: ":rotating_light:",
    AlertKind.CHAMPION_ARRIVED: ":handshake:",
    AlertKind.GOING_DARK: ":new_moon:",
    AlertKind.RISK_HIGH: ":warning:",
}

_SECTION_MAX = 3000
_HEADER_MAX = 150


def account_url(base_url: str, account_id: str) -> str | None:
    """The account page in the service, when the service's public address is known."""
    if not base_url:
        return None
    return f"{base_url.rstrip('/')}/accounts/{quote(account_id, safe='')}"


def risk_text(risk: Risk | None) -> str:
    """``"62 (high)"``.

    Examples
    --------
    >>> from stakegraph.analysis.report import RiskParts
    >>> risk_text(Risk(score=61.5, level="high", parts=RiskParts(threads=30, senior_coverage=15,
    ...                recency=6.5, executive_alignment=10)))
    '62 (high)'
    """
    if risk is None:
        return "unknown"
    return f"{risk.score:.0f} ({risk.level})"


def json_body(alert: Alert, *, base_url: str = "") -> bytes:
    """The JSON body: ``{"type": "alert.<kind>", "timestamp", "data": alert}``."""
    data: dict[str, Any] = alert.model_dump(mode="json")
    url = account_url(base_url, alert.account_id)
    if url is not None:
        data["account_url"] = url
    envelope = {
        "type": f"alert.{alert.kind}",
        "timestamp": data["raised_at"],
        "data": data,
    }
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def slack_escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn gives meaning to.

    Examples
    --------
    >>> slack_escape("<!channel> & <@U123>")
    '&lt;!channel&gt; &amp; &lt;@U123&gt;'
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _mrkdwn(text: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": _cut(text, _SECTION_MAX)}


def _who(alert: Alert) -> str:
    if alert.subject is None:
        return ""
    title = f", {alert.subject.title}" if alert.subject.title else ""
    return f"*{slack_escape(alert.subject.name)}*{slack_escape(title)}"


def slack_message(alert: Alert, *, base_url: str = "") -> dict[str, Any]:
    """A Slack incoming-webhook message (``text`` plus ``blocks``) for one alert."""
    account = alert.account_name or alert.account_id
    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            "text": {
                "type": "plain_text",
                "text": _cut(f"{KIND_TITLES[alert.kind]} · {account}", _HEADER_MAX),
                "emoji": True,
            },
        },
        {
            "type": "section",
            "text": _mrkdwn(f"{_KIND_EMOJI[alert.kind]} {slack_escape(alert.headline)}"),
        },
    ]
    fields: list[dict[str, str]] = []
    if alert.subject is not None:
        fields.append(_mrkdwn(f"*Who*\n{_who(alert)}"))
    if alert.change:
        lines = [
            f"{slack_escape(name.replace('_', ' '))}: "
            f"{slack_escape(str(c.old) if c.old is not None else '—')} → "
            f"{slack_escape(str(c.new) if c.new is not None else '—')}"
            for name, c in alert.change.items()
        ]
        fields.append(_mrkdwn("*Change*\n" + "\n".join(lines)))
    if alert.risk_before is not None or alert.risk_after is not None:
        if alert.risk_before is not None and alert.risk_after is not None:
            risk = f"{risk_text(alert.risk_before)} → {risk_text(alert.risk_after)}"
        else:
            risk = risk_text(alert.risk_after or alert.risk_before)
        fields.append(_mrkdwn(f"*Risk*\n{risk}"))
    if alert.days_silent is not None:
        fields.append(_mrkdwn(f"*Silent for*\n{alert.days_silent:.0f} days"))
    if fields:
        blocks.append({"type": "section", "fields": fields[:10]})
    people: list[str] = []
    if alert.successor is not None:
        s = alert.successor
        title = f", {s.title}" if s.title else ""
        people.append(
            f"*Likely successor:* {slack_escape(s.name + title)} ({slack_escape(s.reason)})"
        )
    for path in alert.warm_paths:
        people.append(f"*Warm path:* {slack_escape(path.text)}")
    if people:
        blocks.append({"type": "section", "text": _mrkdwn("\n".join(people))})
    if alert.next_steps:
        steps = "\n".join(f"• {slack_escape(step)}" for step in alert.next_steps)
        blocks.append({"type": "section", "text": _mrkdwn(f"*Next steps*\n{steps}")})
    context = [f"stakegraph · {slack_escape(alert.kind.value)} · {slack_escape(alert.id)}"]
    url = account_url(base_url, alert.account_id)
    if url is not None:
        context.insert(0, f"<{url}|Open {slack_escape(account)}>")
    blocks.append({"type": "context", "elements": [_mrkdwn(" · ".join(context))]})
    # ``text`` is the notification line and is read as mrkdwn too: escape it as well.
    text = f"{KIND_TITLES[alert.kind]}: {slack_escape(alert.headline)}"
    return {"text": _cut(text, _SECTION_MAX), "blocks": blocks}


def body_for(alert: Alert, webhook: Webhook, *, base_url: str = "") -> bytes:
    """The body one subscription receives, in its format."""
    if webhook.format is WebhookFormat.SLACK:
        message = slack_message(alert, base_url=base_url)
        return json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return json_body(alert, base_url=base_url)
