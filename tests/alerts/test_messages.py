"""What subscribers receive: our JSON envelope, or a Slack message that reads well and is safe."""

from __future__ import annotations

import json

import pytest

from stakegraph.alerts.messages import body_for, json_body, slack_message
from stakegraph.alerts.model import PersonRef, Successor, WarmPath, WebhookFormat
from tests.factories import alert, webhook

pytestmark = pytest.mark.unit


def test_json_envelope_carries_the_alert_and_a_link() -> None:
    body = json.loads(json_body(alert(), base_url="https://sg.example.com/"))
    assert body["type"] == "alert.sponsor_role_changed"
    assert body["timestamp"] == "2024-06-01T12:00:00Z"
    data = body["data"]
    assert data["id"] == "al-1" and data["account_id"] == "northwind"
    assert data["change"] == {"title": {"old": "CIO", "new": "COO"}}
    assert data["risk_after"]["level"] == "high" and data["risk_after"]["score"] == 65.0
    assert data["account_url"] == "https://sg.example.com/accounts/northwind"


def test_slack_message_is_text_plus_blocks_within_slack_limits() -> None:
    a = alert(
        successor=Successor(
            id="c-mark", name="Mark Chen", title="CIO", reason="now holds the old title"
        ),
        warm_paths=[
            WarmPath(
                ids=["t-alex", "c-sandra", "c-mark"],
                names=["Alex Rep", "Sandra Lee", "Mark Chen"],
                text="Alex Rep → Sandra Lee → Mark Chen",
            )
        ],
    )
    message = slack_message(a, base_url="https://sg.example.com")
    assert set(message) == {"text", "blocks"}
    assert message["text"].startswith("Sponsor role change: Sandra Lee")
    types = [b["type"] for b in message["blocks"]]
    assert types[0] == "header" and types[-1] == "context" and len(types) <= 50
    assert message["blocks"][0]["text"]["type"] == "plain_text"
    assert len(message["blocks"][0]["text"]["text"]) <= 150
    everything = json.dumps(message, ensure_ascii=False)
    assert "Mark Chen" in everything and "Alex Rep → Sandra Lee → Mark Chen" in everything
    assert "30 (medium) → 65 (high)" in everything
    assert "<https://sg.example.com/accounts/northwind|Open Northwind>" in everything
    for block in message["blocks"]:
        for part in [block.get("text"), *block.get("fields", []), *block.get("elements", [])]:
            if part:
                assert len(part["text"]) <= 3000


def test_slack_escapes_names_so_nobody_pings_the_channel() -> None:
    a = alert(
        account_name="<!channel> Corp",
        subject=PersonRef(id="x", name="<@U123> & co", title="<b>CIO</b>"),
        headline="<!here> look",
    )
    message = slack_message(a)
    # Slack reads mentions in mrkdwn texts (and the notification text); plain_text shows as is.
    mrkdwn = [message["text"]]
    for block in message["blocks"]:
        for part in [block.get("text"), *block.get("fields", []), *block.get("elements", [])]:
            if part and part["type"] == "mrkdwn":
                mrkdwn.append(part["text"])
    everything = "\n".join(mrkdwn)
    assert "&lt;!here&gt; look" in everything and "&lt;@U123&gt; &amp; co" in everything
    for mention in ("<!here>", "<!channel>", "<@U123>", "<b>"):
        assert mention not in everything


def test_each_subscription_gets_its_format() -> None:
    a = alert()
    assert json.loads(body_for(a, webhook(format=WebhookFormat.SLACK)))["blocks"]
    assert json.loads(body_for(a, webhook()))["type"] == "alert.sponsor_role_changed"
