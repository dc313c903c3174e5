"""The column-wise tie table: the same aggregates as one object per pair, and the same strengths."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from stakegraph.model import Interaction, TieTable
from tests.factories import tie_aggregates

pytestmark = pytest.mark.unit

NOW = datetime(2024, 6, 1, tzinfo=UTC)
WEIGHTS = {"meeting": 1.0, "call": 0.8, "email": 0.3, "event": 0.5, "message": 0.2}


def _interactions() -> list[Interaction]:
    def at(days: float) -> datetime:
        return NOW - timedelta(days=days)

    return [
        Interaction(id="i1", account_id="a", kind="meeting", occurred_at=at(90),
                    team_ids=["ae"], contact_ids=["cio", "cto"]),
        Interaction(id="i2", account_id="a", kind="call", occurred_at=at(0),
                    team_ids=["ae", "se"], contact_ids=["cio"]),
        Interaction(id="i3", account_id="a", kind="email", occurred_at=at(180),
                    direction="outbound",
                    answered=False, team_ids=["se"], contact_ids=["cto"]),
    ]  # fmt: skip


def test_rows_come_back_as_the_aggregates_they_were_built_from() -> None:
    ties = tie_aggregates(_interactions())
    table = TieTable.from_aggregates(ties)
    assert len(table) == 4
    assert list(table) == list(ties)
    assert table[1] == ties[1]
    assert list(table[1:3]) == list(ties[1:3])
    assert table.last_at == NOW


def test_strengths_equal_the_per_pair_strength() -> None:
    ties = tie_aggregates(_interactions())
    table = TieTable.from_aggregates(ties)
    for unanswered in (False, True):
        got = table.strengths(NOW, WEIGHTS, count_unanswered=unanswered)
        want = [t.strength(NOW, WEIGHTS, count_unanswered=unanswered) for t in ties]
        assert got.tolist() == pytest.approx(want, rel=1e-12)
    # ae-cio: a meeting 90 days ago (1.0 x 0.5) and a call today (0.8).
    pairs = dict(zip(zip(table.team_ids, table.contact_ids, strict=True), got, strict=True))
    assert pairs[("ae", "cio")] == pytest.approx(0.5 + 0.8)
    # se-cto: one unanswered outbound email 180 days ago counts only when asked: 0.3 x 0.25.
    assert pairs[("se", "cto")] == pytest.approx(0.075)


def test_without_drops_every_pair_naming_a_person() -> None:
    table = TieTable.from_aggregates(tie_aggregates(_interactions()))
    left = table.without(["cio"])
    assert sorted(zip(left.team_ids, left.contact_ids, strict=True)) == [
        ("ae", "cto"),
        ("se", "cto"),
    ]
    assert len(table.without(["ae", "se"])) == 0
    assert table.without(["ae", "se"]).last_at is None


def test_mixed_half_lives_are_refused() -> None:
    a = tie_aggregates(_interactions()[:1], half_life_days=90.0)
    b = tie_aggregates(_interactions()[1:2], half_life_days=30.0)
    with pytest.raises(ValueError, match="half-lives"):
        TieTable.from_aggregates(a + b)
