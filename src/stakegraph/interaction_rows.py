"""Interaction records checked straight into the rows the store writes, without the model.

An import of a million interactions spent more time building an :class:`~stakegraph.model.
Interaction` per record (about 10 µs) and sending it to the writing process than writing it.
:func:`checked_row` accepts the plain records an export writes and most sources send — the
model's field names and nothing else, strings with no surrounding blanks, an ISO 8601 time with
an optional ``Z`` or ``±hh:mm`` — and returns exactly the row :func:`~stakegraph.store.records.
interaction_row` makes of the validated model. Anything it is not sure of (a wrong type, a
value out of range, another time format, an unknown field, blanks to strip...) gets ``None``:
the caller validates that record with the model, which accepts it or names the field at fault.
So the model stays the one place that says what an interaction is; this is a shortcut for the
records it would accept unchanged, and a test checks that both agree.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from stakegraph.model.enums import Direction, InteractionKind
from stakegraph.store.records import INTERACTION_FIELDS, InteractionRow

__all__ = ["checked_row"]

_FIELDS = frozenset(INTERACTION_FIELDS)
_KINDS = frozenset(k.value for k in InteractionKind)
_DIRECTIONS = frozenset(d.value for d in Direction)
_MAX_ID = 256  # EntityId's max_length
_MAX_SUBJECT = 1000
_MAX_FOLLOW_UP = 5000
# [0-9], not \d: \d matches other scripts' digits, which the model's parser does not read.
_PLAIN_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?"
    r"(?:Z|[+-][0-9]{2}:[0-9]{2})?"
).fullmatch
_from_iso = datetime.fromisoformat
_NO_IDS: list[str] = []


def _plain_words(words: str) -> bool:
    """True when no text joined in ``words`` holds a NUL (the graph store cannot keep one) or
    a lone surrogate (not text: the model refuses it); such text is left to the model."""
    if "\x00" in words:
        return False
    if words.isascii():
        return True
    try:
        words.encode()
    except UnicodeEncodeError:
        return False
    return True


def _epoch_ms(text: Any) -> int | None:
    """Epoch milliseconds of a plain ISO 8601 time, as the model keeps it (UTC when no offset
    is given, cut to milliseconds); None for anything else."""
    if type(text) is not str or _PLAIN_TIME(text) is None:
        return None
    try:
        at = _from_iso(text)
        at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    except (ValueError, OverflowError):  # 2024-02-30, hour 24, out of range...: the model says
        return None
    if at.microsecond % 1000:
        at = at.replace(microsecond=at.microsecond // 1000 * 1000)
    return round(at.timestamp() * 1000)


def checked_row(raw: dict[str, Any]) -> InteractionRow | None:
    """The stored row of an interaction record the model would accept as it is, or ``None``.

    ``None`` means "not sure": validate the record with the model, which either accepts it (a
    time in another format, numbers as strings...) or says which field is wrong. Written out
    in one function: an import checks a million records.
    """
    if not raw.keys() <= _FIELDS:
        return None
    get = raw.get
    record_id: Any = get("id")
    account_id: Any = get("account_id")
    team_ids = get("team_ids", _NO_IDS)
    contact_ids = get("contact_ids", _NO_IDS)
    if type(team_ids) is not list or type(contact_ids) is not list:
        return None
    ids: list[Any] = [record_id, account_id, *team_ids, *contact_ids]
    for text in ids:
        # str.strip() removes every blank the model's whitespace stripping removes (and a few
        # more): a string it leaves alone is one the model keeps as it is.
        if type(text) is not str or not 0 < len(text) <= _MAX_ID or text.strip() != text:
            return None
    follow_up = get("follow_up")
    subject = get("subject")
    if follow_up is not None:
        if type(follow_up) is not str or len(follow_up) > _MAX_FOLLOW_UP:
            return None
        if follow_up.strip() != follow_up:
            return None
        ids.append(follow_up)
    if subject is not None:
        if type(subject) is not str or len(subject) > _MAX_SUBJECT or subject.strip() != subject:
            return None
        ids.append(subject)
    if not _plain_words("".join(ids)):
        return None
    kind = get("kind")
    if type(kind) is not str or kind not in _KINDS:
        return None
    at_ms = _epoch_ms(get("occurred_at"))
    if at_ms is None:
        return None
    sentiment = get("sentiment")
    if sentiment is not None:
        if type(sentiment) is not float and type(sentiment) is not int:
            return None
        if not -1.0 <= sentiment <= 1.0:
            return None
        sentiment = float(sentiment)
    concern = get("concern", False)
    if type(concern) is not bool:
        return None
    direction = get("direction")
    if direction is not None and (type(direction) is not str or direction not in _DIRECTIONS):
        return None
    answered = get("answered")
    if answered is not None and type(answered) is not bool:
        return None
    # The model's own de-duplication, order kept (and the row's own lists).
    team = list(dict.fromkeys(team_ids)) if len(team_ids) > 1 else team_ids[:]
    contacts = list(dict.fromkeys(contact_ids)) if len(contact_ids) > 1 else contact_ids[:]
    return (
        record_id,
        account_id,
        kind,
        at_ms,
        team,
        contacts,
        sentiment,
        concern,
        follow_up,
        subject,
        direction,
        answered,
    )
