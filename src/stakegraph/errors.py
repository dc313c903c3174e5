"""One exception hierarchy for the whole product.

The CLI maps these to exit codes and the API maps them to HTTP status codes, each in one place.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "AuthError",
    "BundleError",
    "ConflictError",
    "DeadlineExceeded",
    "DuplicateIdError",
    "ForbiddenError",
    "LimitExceeded",
    "NotFoundError",
    "PayloadTooLarge",
    "StakegraphError",
    "StoreError",
    "StoreUnavailableError",
    "ValidationFailed",
    "ValidationProblem",
]


class StakegraphError(Exception):
    """Base of every error stakegraph raises on purpose."""

    code = "error"

    def __init__(self, message: str, *, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class NotFoundError(StakegraphError):
    """An id that names nothing we store."""

    code = "not_found"


class ConflictError(StakegraphError):
    """A write that contradicts what is stored."""

    code = "conflict"


class AuthError(StakegraphError):
    """Missing or unknown credentials."""

    code = "unauthorized"


class ForbiddenError(StakegraphError):
    """Known credentials without the right to do this."""

    code = "forbidden"


class StoreError(StakegraphError):
    """The graph database refused or failed a statement."""

    code = "store_error"


class StoreUnavailableError(StoreError):
    """The graph database cannot be reached or started."""

    code = "store_unavailable"


class DuplicateIdError(StoreError):
    """A create met an id that is already stored (another writer got there first)."""

    code = "duplicate_id"


class MaybeWrittenError(DuplicateIdError):
    """A create sent again, after the answer to its first sending was lost, met a stored id:
    perhaps one the first sending wrote."""


class ValidationProblem(dict[str, Any]):
    """One problem with one record: where it is, which field, and why.

    A plain dict (``record``, ``field``, ``message`` and optionally ``entity``, ``index``, ``id``,
    ``line``) so that it serialises as is to JSON and to the rejects file.
    """


class ValidationFailed(StakegraphError):
    """Input that cannot be accepted; ``details`` lists every problem."""

    code = "validation_error"


class BundleError(ValidationFailed):
    """A bundle file that cannot be read at all (not JSON, wrong top level)."""

    code = "bundle_error"


# -- service limits (api/) -----------------------------------------------------------------------
class PayloadTooLarge(StakegraphError):
    """A request body longer than the configured limit (``max_body_bytes``)."""

    code = "payload_too_large"


class LimitExceeded(StakegraphError):
    """Work larger than a configured bound (an account beyond ``max_account_contacts``)."""

    code = "limit_exceeded"


class DeadlineExceeded(StakegraphError):
    """Work that did not finish within its time bound (``report_timeout_s``)."""

    code = "timeout"
