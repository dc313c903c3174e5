"""The domain model: pydantic entities, enums, title inference and the account snapshot."""

from stakegraph.model.entities import (
    NO_NUL,
    ROLE_FIELDS,
    Account,
    Contact,
    FieldChange,
    Interaction,
    RoleChange,
    TeamMember,
    UtcDatetime,
    error_message,
    format_utc,
    to_utc,
)
from stakegraph.model.enums import (
    BuyingRole,
    Direction,
    Function,
    InteractionKind,
    Role,
    Seniority,
    Stance,
    Status,
)
from stakegraph.model.snapshot import TIE_KINDS, AccountSnapshot, TieAggregate, TieTable
from stakegraph.model.titles import infer_function, infer_role, infer_seniority, infer_title

__all__ = [
    "NO_NUL",
    "ROLE_FIELDS",
    "TIE_KINDS",
    "Account",
    "AccountSnapshot",
    "BuyingRole",
    "Contact",
    "Direction",
    "FieldChange",
    "Function",
    "Interaction",
    "InteractionKind",
    "Role",
    "RoleChange",
    "Seniority",
    "Stance",
    "Status",
    "TeamMember",
    "TieAggregate",
    "TieTable",
    "UtcDatetime",
    "error_message",
    "format_utc",
    "infer_function",
    "infer_role",
    "infer_seniority",
    "infer_title",
    "to_utc",
]
