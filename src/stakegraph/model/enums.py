"""The closed vocabularies of the model."""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "BuyingRole",
    "Direction",
    "Function",
    "InteractionKind",
    "Role",
    "Seniority",
    "Stance",
    "Status",
]


class Seniority(StrEnum):
    """How high a contact sits in the customer's organisation."""

    C_LEVEL = "c_level"
    VP = "vp"
    DIRECTOR = "director"
    MANAGER = "manager"
    INDIVIDUAL = "individual"
    UNKNOWN = "unknown"


class Function(StrEnum):
    """Which side of the customer a contact speaks for."""

    BUSINESS = "business"
    TECHNOLOGY = "technology"
    OTHER = "other"


class Role(StrEnum):
    """The role of one of our own people on the account."""

    EXECUTIVE = "executive"
    ACCOUNT_EXEC = "account_exec"
    SALES_ENGINEER = "sales_engineer"
    CUSTOMER_SUCCESS = "customer_success"
    SUPPORT = "support"
    OTHER = "other"


class BuyingRole(StrEnum):
    """The part a contact plays in a buying decision."""

    ECONOMIC_BUYER = "economic_buyer"
    EXECUTIVE_SPONSOR = "executive_sponsor"
    DECISION_MAKER = "decision_maker"
    CHAMPION = "champion"
    TECHNICAL_BUYER = "technical_buyer"
    INFLUENCER = "influencer"
    USER = "user"
    BLOCKER = "blocker"


class Stance(StrEnum):
    """What a contact thinks of us."""

    SUPPORTER = "supporter"
    NEUTRAL = "neutral"
    DETRACTOR = "detractor"
    UNKNOWN = "unknown"


class Status(StrEnum):
    """Whether a contact still works at the account."""

    ACTIVE = "active"
    LEFT = "left"


class InteractionKind(StrEnum):
    """What kind of touch an interaction was."""

    MEETING = "meeting"
    CALL = "call"
    EMAIL = "email"
    EVENT = "event"
    MESSAGE = "message"


class Direction(StrEnum):
    """Who started an interaction (known for mail, mostly)."""

    INBOUND = "inbound"
    OUTBOUND = "outbound"
