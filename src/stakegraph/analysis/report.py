"""The account report: one pydantic model whose JSON names are a contract others build on.

Every figure can be traced: the risk score lists its parts, the thread count names the people it
hangs on, coverage names the uncovered. Floats are rounded to 4 decimals in JSON.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from stakegraph.model.entities import UtcDatetime

__all__ = [
    "Alignment",
    "Coverage",
    "FunctionAlignment",
    "KeyPerson",
    "Loss",
    "Person",
    "Recommendation",
    "Report",
    "Risk",
    "RiskLevel",
    "RiskParts",
    "Threads",
    "Tie",
]


def _round4(value: float) -> float:
    return round(value, 4)


Rounded = Annotated[float, PlainSerializer(_round4, return_type=float, when_used="json")]
"""A float written to JSON with 4 decimals."""

RiskLevel = Literal["low", "medium", "high"]
Side = Literal["ours", "theirs"]


class _Part(BaseModel):
    model_config = ConfigDict(frozen=True)


class RiskParts(_Part):
    """The four parts of the risk score; they sum to the score."""

    threads: Rounded
    senior_coverage: Rounded
    recency: Rounded
    executive_alignment: Rounded


class Risk(_Part):
    """Risk score 0-100, its level and its parts."""

    score: Rounded
    level: RiskLevel
    parts: RiskParts


class Threads(_Part):
    """How many independent threads tie us to the senior staff, and who they hang on."""

    senior: int = Field(description="Maximum matching of live ties, our team x senior staff.")
    all: int = Field(description="The same over all contacts.")
    cover: list[str] = Field(description="Minimum vertex cover (ids) of the senior matching.")
    all_cover: list[str] = Field(default_factory=list, description="Cover over all contacts.")
    matching: list[tuple[str, str]] = Field(
        default_factory=list, description="(team id, contact id) pairs of the senior matching."
    )
    single_threaded: bool = Field(description="threads.senior <= 1")


class Coverage(_Part):
    """Weighted share of senior staff we reach."""

    senior: Rounded = Field(description="Weighted share of senior staff with a live tie, 0..1.")
    reach: Rounded = Field(
        description="Weighted share covered or one reports_to step from a covered contact, 0..1."
    )
    uncovered: list[str] = Field(description="Senior staff without a live tie (ids), by weight.")
    senior_staff: list[str] = Field(default_factory=list)
    covered: list[str] = Field(default_factory=list)


class Loss(_Part):
    """What the account loses if one person leaves."""

    threads: int = Field(description="Drop in threads.senior.")
    senior_coverage: Rounded = Field(description="Drop in coverage.senior.")
    strength_share: Rounded = Field(description="Share of all live tie strength they hold.")


class KeyPerson(_Part):
    """One person, on either side, and their loss if they left."""

    id: str
    side: Side
    name: str = ""
    loss: Loss
    single_point_of_failure: bool = False
    reasons: list[str] = Field(default_factory=list)


class FunctionAlignment(_Part):
    """Coverage and mean stance of one function (business, technology, other)."""

    contacts: int
    senior: int = 0
    covered: int = 0
    coverage: Rounded
    live_ties: int
    mean_stance: Rounded | None = Field(
        description="Mean of supporter +1, neutral 0, detractor -1 (unknown ignored)."
    )


class Alignment(_Part):
    """Business/technology alignment."""

    misaligned: bool
    reason: str = ""
    functions: dict[str, FunctionAlignment]


class Recommendation(_Part):
    """An uncovered senior contact and the shortest warm path to them."""

    contact_id: str
    name: str = ""
    title: str | None = None
    weight: Rounded
    path: list[str] | None = Field(
        description="Ids from one of our team to the contact through live ties and reports_to "
        "edges; null when unreachable."
    )


class Person(_Part):
    """Who an id in the report is, so readers need not look it up."""

    id: str
    side: Side
    name: str
    title: str | None = None
    seniority: str | None = None
    function: str | None = None
    role: str | None = None
    status: str | None = None
    stance: str | None = None
    senior: bool = False
    weight: Rounded = 0.0


class Tie(_Part):
    """Strength of the tie between one of our team and one contact."""

    team_id: str
    contact_id: str
    strength: Rounded
    live: bool
    interactions: int = 0
    last_at: UtcDatetime | None = None


class Report(BaseModel):
    """The risk report of one account as of a time."""

    model_config = ConfigDict(frozen=True)

    account_id: str
    account_name: str = ""
    as_of: UtcDatetime
    removed: list[str] = Field(default_factory=list, description="People removed (what-if).")
    risk: Risk
    threads: Threads
    coverage: Coverage
    single_points_of_failure: list[str]
    key_people: list[KeyPerson]
    days_since_last_interaction: Rounded | None
    going_dark: bool
    going_dark_threshold_days: Rounded = 0.0
    last_interaction_at: UtcDatetime | None = None
    executive_alignment: bool
    alignment: Alignment
    recommendations: list[Recommendation]
    annual_value: Rounded | None = None
    value_at_risk: Rounded | None = Field(
        default=None, description="annual value x score / 100 (null without a value)."
    )
    people: list[Person] = Field(default_factory=list)
    ties: list[Tie] = Field(default_factory=list)
