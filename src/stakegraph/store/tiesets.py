"""Tie sets: the tie aggregates of one contact, packed into one string on a ``TieSet`` node.

Why: a report of a 500-contact account needs ~8,000 (team member, contact) aggregates. Kept as
TIE relationships they cost the database ~40 µs per interaction to maintain on import (FalkorDB
edges are dear), and the client decodes every value of every pair on read. One string per
contact costs one index lookup to read and one to write, and a whole account decodes in one
numpy call.

The string (``data``) is :data:`FORMAT` (``"v2"``), the JSON list of the contact's team ids, a
newline, then, base64 encoded, little-endian float64 numbers: for the n team members in that
order, n words of ``count * 64 + kinds`` (``kinds``: bit k set when the decay mass of kind k of
:data:`~stakegraph.model.snapshot.TIE_KINDS` is not zero), n last and n first interaction times
(epoch ms), then the masses that are not zero, team member by team member, kind by kind (see
:func:`~stakegraph.model.snapshot.decay_mass`). Most pairs met in one or two kinds: nine
numbers per pair (the first format, every mass written out) made the report read and decode
twice as much. Binary numbers read back exactly and decode for a whole account in a few numpy
calls; decimal text took a report of 500 contacts 20 ms to parse.

A tie set of the first format (no prefix: ``[team ids]`` and nine numbers per team member) is
still read by writers (:func:`decode`), not by reports (:func:`table` gives ``None``: the
report reads the interactions), and :func:`upgrade` rewrites it in the current one.

Writes go through a :class:`TieSession`: before its first interaction a writer enters itself in
the list of pending writers (one ``TieWriters`` node); it writes interactions at once, folds
them into per-contact deltas in memory, and :meth:`TieSession.flush` merges those into the
stored tie sets (read, merge, write only if nobody wrote in between) and then takes itself off
the list. A long import so writes each contact's tie set once instead of once per batch. While
the list is not empty, reports read the interactions themselves, so they are never computed
from stale tie sets; a writer that dies stays on the list, and :func:`repair` rebuilds every tie
set from the interactions.
"""

from __future__ import annotations

import binascii
import json
import os
import socket
import sys
import time
import uuid
from array import array
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import chain, count
from typing import Any

import numpy as np
import orjson
import pybase64

from stakegraph.errors import DuplicateIdError, StoreError
from stakegraph.model.snapshot import TIE_KINDS, TIE_REFERENCE, TieTable
from stakegraph.store.records import InteractionRow

__all__ = ["FORMAT", "TieSession", "decode", "encode", "repair", "table", "upgrade"]

Run = Callable[[str, Mapping[str, Any]], list[dict[str, Any]]]
Entries = dict[str, list[float]]
"""Per team id: count, first ms, last ms, then one mass per kind of TIE_KINDS."""

WIDTH = 3 + len(TIE_KINDS)
assert WIDTH == 9, "_fold writes out a row of this width"
_REFERENCE_MS = round(TIE_REFERENCE.timestamp() * 1000)
_MS_PER_DAY = 86_400_000
_UNANSWERED = TIE_KINDS.index("email_unanswered")
_COLUMNS = {kind: 3 + k for k, kind in enumerate(TIE_KINDS)}
"""The column of each kind's decay mass in a row of entries."""
_UNANSWERED_COLUMN = 3 + _UNANSWERED
_WRITE_ATTEMPTS = 10
_STALE_MS = 24 * 3600 * 1000
"""A writer this old is taken for dead even when its liveness cannot be checked."""


FORMAT = "v2"
"""The prefix of the ``data`` strings written now (see above); a tie set without it is of the
first format."""

_FIRST_WIDTH = WIDTH
"""Numbers per team member in the first format: count, first, last, one mass per kind."""


def encode(entries: Mapping[str, Sequence[float]]) -> str:
    """The ``data`` string of a tie set (team ids in sorted order).

    Counts are kept exact up to 2**47 interactions per pair (a float64 holds ``count * 64``).
    """
    team = sorted(entries)
    rows = [entries[t] for t in team]
    # count * 64 + kinds; a mass is kept when it is not zero (NaN included), as below.
    numbers = array(
        "d",
        [
            r[0] * 64.0
            + (
                (r[3] != 0)
                | (r[4] != 0) << 1
                | (r[5] != 0) << 2
                | (r[6] != 0) << 3
                | (r[7] != 0) << 4
                | (r[8] != 0) << 5
            )
            for r in rows
        ],
    )
    numbers.extend([r[2] for r in rows])
    numbers.extend([r[1] for r in rows])
    numbers.extend([v for r in rows for v in r[3:] if v])
    if sys.byteorder != "little":
        numbers.byteswap()
    return FORMAT + _team_json(team) + "\n" + pybase64.b64encode(numbers.tobytes()).decode("ascii")


def _team_json(team: list[str]) -> str:
    """A tie set's team list as JSON."""
    try:
        return orjson.dumps(team).decode()  # a third of json's time; the JSON reads the same
    except orjson.JSONEncodeError:  # what orjson refuses (a lone surrogate, say)
        return json.dumps(team)


def _numbers(text: str) -> bytes:
    return pybase64.b64decode(text, validate=True) if text else b""


def decode(data: str | None) -> Entries:
    """The entries of a tie set's ``data`` string, of either format (empty for ``None``)."""
    if not data:
        return {}
    if not data.startswith(FORMAT):  # the first format: nine numbers per team member
        head, _, text = data.partition("\n")
        team = json.loads(head)
        values = np.frombuffer(_numbers(text), dtype="<f8").tolist()
        w = _FIRST_WIDTH
        return {t: values[k * w : (k + 1) * w] for k, t in enumerate(team)}
    head, _, text = data[len(FORMAT) :].partition("\n")
    team = json.loads(head)
    values = np.frombuffer(_numbers(text), dtype="<f8").tolist()
    n = len(team)
    masses = iter(values[3 * n :])
    out: Entries = {}
    try:
        for k, team_id in enumerate(team):
            packed = int(values[k])
            row = [
                float(packed >> 6),
                values[2 * n + k],
                values[n + k],
                0.0,
                0.0,
                0.0,
                0.0,
                0.0,
                0.0,
            ]
            for column in range(len(TIE_KINDS)):
                if packed >> column & 1:
                    row[3 + column] = next(masses)
            out[team_id] = row
    except (IndexError, StopIteration) as exc:
        raise StoreError("a tie set holds fewer numbers than its team and kinds say") from exc
    if next(masses, None) is not None:
        raise StoreError("a tie set holds more numbers than its team and kinds say")
    return out


_SET_BITS = np.array([bin(k).count("1") for k in range(64)], dtype=np.intp)
"""How many kinds each value of a count-and-kinds word's low six bits names."""


def table(
    contact_ids: Sequence[str],
    data: Sequence[str | None],
    half_lives: Iterable[float | None],
    team_known: Callable[[list[str]], object] | None = None,
) -> TieTable | None:
    """The tie table of an account's tie sets (as ``get_account_tie_sets`` reads them: the
    contact ids, their data strings in the same order, the distinct half-lives); ``None`` if
    they mix half-lives or one is of the first format (the report then reads the
    interactions).

    ``team_known`` is called with the table's team ids (sorted) as soon as they are known,
    before the numbers are decoded: the caller can start reading who they are meanwhile.

    One JSON parse for the whole account's team lists and one base64 decode per contact; every
    number is then found by index arithmetic over the joined words (each contact's count is
    known from its team list and its byte length), and people become codes (see
    :class:`~stakegraph.model.TieTable`) without a Python loop over the pairs.
    """
    if len(contact_ids) != len(data):
        raise StoreError("tie sets read without one data string per contact")
    distinct = {float(h) for h in half_lives if h is not None}
    if len(distinct) > 1:
        return None
    sets: list[tuple[str, str, str]] = []
    empty = FORMAT + "[]"
    for contact, text in zip(contact_ids, data, strict=True):
        if not text:
            continue
        head, _, numbers = text.partition("\n")
        if not head.startswith(FORMAT):
            if head == "[]":
                continue  # an empty tie set of the first format holds nothing to read
            return None
        if head != empty:
            sets.append((str(contact), head, numbers))
    sets.sort()  # by contact id: one tie set per contact, so the contacts come out sorted
    contact_names = [contact for contact, _, _ in sets]
    if len(set(contact_names)) != len(contact_names):
        raise StoreError("a contact has more than one tie set")
    skip = len(FORMAT)
    text = "[" + ",".join(head[skip:] for _, head, _ in sets) + "]"
    try:
        teams: list[list[str]] = orjson.loads(text)  # twice as fast as json
    except orjson.JSONDecodeError:  # what orjson refuses (a lone surrogate, say)
        teams = json.loads(text)
    sizes = np.fromiter(map(len, teams), np.intp, len(teams))
    n = int(sizes.sum())
    # Each team id numbered as first met (a C-level lookup per pair), then renumbered in id order.
    met: defaultdict[str, int] = defaultdict(count().__next__)
    first_codes = np.fromiter(map(met.__getitem__, chain.from_iterable(teams)), np.intp, n)
    met_names = list(met)
    team_names = sorted(met_names)
    if team_known is not None:
        team_known(team_names)
    rank = np.empty(len(met_names), dtype=np.intp)
    rank[sorted(range(len(met_names)), key=met_names.__getitem__)] = np.arange(len(met_names))
    team_codes = rank[first_codes]
    contact_codes = np.repeat(np.arange(len(sets), dtype=np.intp), sizes)
    try:
        chunks = [pybase64.b64decode(numbers, validate=True) for _, _, numbers in sets]
    except binascii.Error as exc:
        raise StoreError(f"a tie set's numbers are not base64: {exc}") from exc
    lengths = np.fromiter(map(len, chunks), np.intp, len(chunks))
    words = lengths // 8
    spare = words - 3 * sizes  # each contact's masses that are not zero
    if np.any(lengths % 8) or np.any(spare < 0):
        raise StoreError("a tie set holds fewer numbers than its team says")
    flat = np.frombuffer(b"".join(chunks), dtype="<f8")
    start = np.cumsum(words) - words  # each contact's first word
    # The word of each pair's count-and-kinds; its last and first times follow n words apart.
    own = np.repeat(start - (np.cumsum(sizes) - sizes), sizes) + np.arange(n)
    apart = np.repeat(sizes, sizes)
    packed = flat[own].astype(np.int64)
    kinds = packed & 63
    if not np.array_equal(
        np.bincount(contact_codes, weights=_SET_BITS[kinds], minlength=len(sets)), spare
    ):
        raise StoreError("a tie set holds other masses than its kinds say")
    # The masses kept, in the order written: pair by pair, kind by kind (row-major cells).
    at = np.repeat(start + 3 * sizes - (np.cumsum(spare) - spare), spare)
    at += np.arange(len(at))
    cells = np.unpackbits(
        kinds.astype(np.uint8).reshape(n, 1), axis=1, count=len(TIE_KINDS), bitorder="little"
    )
    masses = np.zeros((n, len(TIE_KINDS)))
    masses.reshape(-1)[np.flatnonzero(cells)] = flat[at]
    return TieTable.from_codes(
        team_names,
        team_codes,
        contact_names,
        contact_codes,
        packed >> 6,
        flat[own + 2 * apart],
        flat[own + apart],
        masses,
        distinct.pop() if distinct else 90.0,
    )


def _slot(kind: str, direction: object, answered: object) -> int:
    if kind == "email" and direction == "outbound" and answered is False:
        return _UNANSWERED
    return TIE_KINDS.index(kind)


def _fold(entries: Entries, team_ids: Iterable[str], slot: int, at_ms: int, mass: float) -> None:
    at = float(at_ms)
    column = 3 + slot
    for team_id in team_ids:
        entry = entries.get(team_id)
        if entry is None:
            entry = entries[team_id] = [0.0, at, at, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
        entry[0] += 1
        if at < entry[1]:
            entry[1] = at
        elif at > entry[2]:
            entry[2] = at
        entry[column] += mass


def _merge(into: Entries, delta: Entries) -> None:
    for team_id, d in delta.items():
        entry = into.get(team_id)
        if entry is None:
            into[team_id] = list(d)
            continue
        entry[0] += d[0]
        entry[1] = min(entry[1], d[1])
        entry[2] = max(entry[2], d[2])
        for k in range(3, WIDTH):
            entry[k] += d[k]


def _codes(known: dict[str, int], ids: list[str]) -> list[int]:
    """The integer code of each id, new ids numbered on from the known ones (looked up by C
    code: a million ids cost a tenth of a second)."""
    codes: list[int | None] = list(map(known.get, ids))
    if None in codes:
        for k, code in enumerate(codes):
            if code is None:
                code = known.get(ids[k])  # named twice in this batch
                if code is None:
                    code = known[ids[k]] = len(known)
                codes[k] = code
    return codes  # type: ignore[return-value]  # no None left


class _PairSums:
    """The tie deltas of (contact, team) pairs as one numpy grid, a row of :data:`WIDTH`
    numbers per pair (count, first ms, last ms, one mass per kind).

    An import folds millions of (interaction, contact, team) triples: a Python dict lookup
    and a list of nine floats updated one float object at a time per triple cost more than
    writing the interactions. Here each contact and team id is looked up once per row (as an
    integer code), the triples of a batch are made and matched to their pairs by numpy, and
    ``ufunc.at`` adds them in the order given: each sum is the one :func:`_fold` makes, bit
    for bit.
    """

    def __init__(self) -> None:
        self.contact_codes: dict[str, int] = {}
        self.team_codes: dict[str, int] = {}
        self.codes = np.zeros(0, dtype=np.int64)  # pair codes (contact << 32 | team), sorted
        self.rows = np.zeros(0, dtype=np.intp)  # the grid row of each code in `codes`
        self.grid = np.zeros((0, WIDTH))

    def add(self, rows: Iterable[InteractionRow], half_life_days: float) -> None:
        """Fold new interactions, given as their stored rows, in order."""
        contacts: list[str] = []
        teams: list[str] = []
        contact_counts: list[int] = []
        team_counts: list[int] = []
        times: list[int] = []
        masses: list[float] = []
        columns: list[int] = []
        for _, _, kind, at_ms, team_ids, contact_ids, _, _, _, _, direction, answered in rows:
            if not team_ids or not contact_ids:
                continue
            contacts += contact_ids
            teams += team_ids
            contact_counts.append(len(contact_ids))
            team_counts.append(len(team_ids))
            times.append(at_ms)
            # decay_mass, computed as TieSession._mass does
            masses.append(float(2.0 ** ((at_ms - _REFERENCE_MS) / _MS_PER_DAY / half_life_days)))
            if kind == "email" and direction == "outbound" and answered is False:
                columns.append(_UNANSWERED_COLUMN)
            else:
                columns.append(_COLUMNS[kind])
        if contact_counts:
            self._add(
                _codes(self.contact_codes, contacts),
                _codes(self.team_codes, teams),
                contact_counts,
                team_counts,
                times,
                masses,
                columns,
            )

    def _add(
        self,
        contacts: list[int],
        teams: list[int],
        contact_counts: list[int],
        team_counts: list[int],
        times: list[int],
        masses: list[float],
        columns: list[int],
    ) -> None:
        nc = np.asarray(contact_counts, dtype=np.intp)
        nt = np.asarray(team_counts, dtype=np.intp)
        per_row = nc * nt
        row = np.repeat(np.arange(len(nc)), per_row)  # the row of each triple, in order
        j = np.arange(len(row)) - (np.cumsum(per_row) - per_row)[row]  # its place in the row
        width = nt[row]
        # Triple j of a row pairs its contact j // width with its team j % width: the order
        # of the loops in _fold (contacts outside, teams inside).
        contact = np.asarray(contacts, dtype=np.int64)[(np.cumsum(nc) - nc)[row] + j // width]
        team = np.asarray(teams, dtype=np.int64)[(np.cumsum(nt) - nt)[row] + j % width]
        unique, which = np.unique((contact << 32) | team, return_inverse=True)
        place = np.searchsorted(self.codes, unique)
        known = place < len(self.codes)
        known[known] = self.codes[place[known]] == unique[known]
        new = unique[~known]
        if len(new):
            used = len(self.codes)
            into = np.searchsorted(self.codes, new)
            self.rows = np.insert(self.rows, into, np.arange(used, used + len(new)))
            self.codes = np.insert(self.codes, into, new)
            if used + len(new) > len(self.grid):  # room for twice as many pairs
                more = np.zeros((max(used + len(new), 2 * len(self.grid)) - len(self.grid), WIDTH))
                more[:, 1] = np.inf  # first and last are set by the pair's first interaction
                more[:, 2] = -np.inf
                self.grid = np.concatenate([self.grid, more])
        base = self.rows[np.searchsorted(self.codes, unique)][which.reshape(-1)] * WIDTH
        flat = self.grid.reshape(-1)
        at = np.asarray(times, dtype=np.float64)[row]
        np.add.at(flat, base, 1.0)
        np.minimum.at(flat, base + 1, at)
        np.maximum.at(flat, base + 2, at)
        cells = base + np.asarray(columns, dtype=np.intp)[row]
        np.add.at(flat, cells, np.asarray(masses, dtype=np.float64)[row])

    def contacts(self) -> set[str]:
        """The contacts with a delta."""
        names = list(self.contact_codes)
        return {names[code] for code in set((self.codes >> 32).tolist())}

    def encoded(self) -> dict[str, str]:
        """The ``data`` string of each contact's deltas, as :func:`encode` writes them.

        What a first import's tie sets are created from: the numbers of every contact are laid
        out by numpy in one array, then each contact's slice is base64-encoded (a Python loop
        of a few steps per contact instead of dicts and lists per pair).
        """
        n = len(self.codes)
        if n == 0:
            return {}
        contact_names = list(self.contact_codes)
        team_names = list(self.team_codes)
        # Team ids in sorted order within each contact, as encode sorts them.
        by_name = sorted(range(len(team_names)), key=team_names.__getitem__)
        rank = np.empty(len(team_names), dtype=np.int64)
        rank[by_name] = np.arange(len(team_names))
        contact = self.codes >> 32
        team = self.codes & 0xFFFFFFFF
        order = np.lexsort((rank[team], contact))
        contact, team = contact[order], team[order]
        grid = self.grid[self.rows[order]]
        masses = grid[:, 3:]
        kept = masses != 0  # NaN included, as encode keeps it
        bits = (kept * (1 << np.arange(masses.shape[1]))).sum(axis=1)
        # Each contact's pairs [start, end), then its numbers' place in one array: heads,
        # lasts, firsts (a pair each), then the kept masses row by row.
        starts = np.flatnonzero(np.r_[True, contact[1:] != contact[:-1]])
        ends = np.r_[starts[1:], n]
        pairs = ends - starts
        kept_per_pair = kept.sum(axis=1)
        kept_before = np.r_[0, np.cumsum(kept_per_pair)]
        sizes = 3 * pairs + (kept_before[ends] - kept_before[starts])
        offsets = np.r_[0, np.cumsum(sizes)]
        which = np.repeat(np.arange(len(starts)), pairs)  # each pair's contact
        local = np.arange(n) - starts[which]
        base = offsets[which] + local
        out = np.empty(int(offsets[-1]), dtype="<f8")
        out[base] = grid[:, 0] * 64.0 + bits
        out[base + pairs[which]] = grid[:, 2]
        out[base + 2 * pairs[which]] = grid[:, 1]
        rows, columns = np.nonzero(kept)  # row by row, as encode walks them
        rank_in_row = np.cumsum(kept, axis=1)[rows, columns] - 1
        mass_place = (
            offsets[which[rows]]
            + 3 * pairs[which[rows]]
            + kept_before[rows]
            - kept_before[starts[which[rows]]]
            + rank_in_row
        )
        out[mass_place] = masses[rows, columns]
        data = out.tobytes()
        names = [team_names[t] for t in team.tolist()]
        result: dict[str, str] = {}
        b64 = pybase64.b64encode
        for code, start, end, at, size in zip(
            contact[starts].tolist(),
            starts.tolist(),
            ends.tolist(),
            offsets.tolist(),
            sizes.tolist(),
            strict=False,  # offsets holds one more: the end of the last
        ):
            numbers = b64(data[8 * at : 8 * (at + size)]).decode("ascii")
            result[contact_names[code]] = FORMAT + _team_json(names[start:end]) + "\n" + numbers
        return result

    def entries(self) -> dict[str, Entries]:
        """The deltas per contact, as :func:`decode` gives a tie set's entries."""
        contact_names = list(self.contact_codes)
        team_names = list(self.team_codes)
        numbers = self.grid[: len(self.codes)].tolist()
        out: dict[str, Entries] = {}
        for code, k in zip(self.codes.tolist(), self.rows.tolist(), strict=True):
            contact_id = contact_names[code >> 32]
            entries = out.get(contact_id)
            if entries is None:
                entries = out[contact_id] = {}
            entries[team_names[code & 0xFFFFFFFF]] = numbers[k]
        return out


class TieSession:
    """Tie set updates of one writer, folded in memory and written by :meth:`flush`.

    Parameters
    ----------
    run : callable
        Runs a catalog statement (the store's ``_run``).
    half_life_days : float
        The half-life of the decay masses.
    batch_size : int
        Contacts per statement when flushing.
    """

    def __init__(self, run: Run, half_life_days: float, batch_size: int) -> None:
        self._run = run
        self.half_life_days = half_life_days
        self.batch_size = max(1, batch_size)
        self.session = uuid.uuid4().hex
        self._started_ms = round(time.time() * 1000)
        self._sums = _PairSums()
        self._deltas: dict[str, Entries] = {}
        # A first import's flush: every new tie set encoded at once, and the sums they came
        # from, made into _deltas only if a stored tie set turns up to merge with.
        self._encoded: dict[str, str] | None = None
        self._pending_sums: _PairSums | None = None
        # Batches of rows written but not folded yet (see add_rows): appended by the thread
        # that writes, folded by fold() in the thread that calls it, or by flush at the latest.
        self._unfolded: deque[Sequence[InteractionRow]] = deque()
        self._recompute: set[str] = set()
        self._marked = False
        self.assume_new = True
        """Whether the writer may create contacts and interactions without reading which exist
        first (it stops once one did)."""

    def mark(self) -> None:
        """Enter this writer in the list of writers with tie sets to write, once, before its
        first interaction is written."""
        if self._marked:
            return
        entry = f"{self.session}|{os.getpid()}|{socket.gethostname()}|{self._started_ms}"
        self._run("mark_pending_ties", {"entry": entry, "now": _now_ms()})
        self._marked = True

    def add_rows(self, rows: Sequence[InteractionRow]) -> None:
        """Take new interactions, given as their stored rows, to be folded into the deltas.

        The rows are kept (not copied) and folded by :meth:`fold`, or by :meth:`flush` at the
        latest: an import writes a batch from one thread and folds the one before from
        another, so the database is not kept waiting while a batch is folded.
        """
        self._unfolded.append(rows)

    def fold(self) -> None:
        """Fold the rows taken by :meth:`add_rows` so far into the deltas."""
        while self._unfolded:
            self._fold_rows(self._unfolded.popleft())

    def _fold_rows(self, rows: Iterable[InteractionRow]) -> None:
        """Fold rows into the pair sums: :func:`_fold` for each contact of each row."""
        self._sums.add(rows, self.half_life_days)

    def _mass(self, at_ms: int) -> float:
        """:func:`~stakegraph.model.snapshot.decay_mass` of an instant in epoch ms."""
        return float(2.0 ** ((at_ms - _REFERENCE_MS) / _MS_PER_DAY / self.half_life_days))

    def recompute(self, contact_ids: Iterable[str]) -> None:
        """Have the tie sets of ``contact_ids`` rebuilt from their interactions on flush."""
        self._recompute.update(contact_ids)

    @property
    def pending(self) -> int:
        """How many contacts wait for :meth:`flush`."""
        self.fold()
        return len(self._sums.contacts() | self._recompute)

    def flush(self) -> None:
        """Write every waiting tie set, then take this writer off the list of pending ones."""
        self.fold()
        sums, self._sums = self._sums, _PairSums()
        if self.assume_new and not self._recompute:
            # A first import: every tie set is new, encoded at once from the pair sums; the
            # deltas as entries are made only if a stored tie set turns up to merge with.
            self._encoded = sums.encoded()
            self._pending_sums = sums
            contacts = sorted(self._encoded)
        else:
            self._deltas = sums.entries()
            contacts = sorted(self._deltas.keys() | self._recompute)
        chunks = [
            contacts[start : start + self.batch_size]
            for start in range(0, len(contacts), self.batch_size)
        ]
        if self._encoded is not None:
            self._create_ahead(chunks)
        else:
            self._write_chunks(chunks)
        self._encoded = None
        self._pending_sums = None
        if self._marked:
            _unmark(self._run, self.session)
            self._marked = False
        self._deltas.clear()
        self._recompute.clear()

    def _write_ahead(self, chunks: list[list[str]]) -> None:
        """:meth:`_write` of each chunk, with the database's reads and writes done by a helper
        thread: chunk k is merged and encoded here while chunk k - 1 is written and chunk k + 1
        read (different contacts: independent). A chunk that meets another writer's tie sets
        is read and merged again at the end, as :meth:`_write` does."""
        writes: list[tuple[list[str], Future[list[str]]]] = []
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="tie-writer") as helper:
            reading = helper.submit(self._run, "get_tie_sets", {"ids": chunks[0]})
            for k, chunk in enumerate(chunks):
                found = reading.result()
                if k + 1 < len(chunks):
                    reading = helper.submit(self._run, "get_tie_sets", {"ids": chunks[k + 1]})
                if found:
                    writes.append((chunk, helper.submit(self._put, chunk, *self._rows(found))))
            left = [(chunk, written.result()) for chunk, written in writes]
        for chunk, unwritten in left:
            if unwritten:
                self._write(unwritten, attempts=_WRITE_ATTEMPTS - 1, asked=chunk)

    def _create_ahead(self, chunks: list[list[str]]) -> None:
        """A first import's tie sets: created without reading them first (their contacts are
        new), by a helper thread while the next chunk is encoded here.

        Once a chunk meets a stored tie set (the contacts were not all new, or another writer
        got there first), nothing of it is written; it is read and merged as :meth:`_write`
        does, and so are the chunks after it.
        """
        if not chunks:
            return
        first = chunks[0]
        if self._put(first, self._new_rows(first), []):
            self.assume_new = False
            self._write_chunks(chunks)
            return
        creates: list[tuple[list[str], Future[list[str]]]] = []
        rest = chunks[1:]
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="tie-writer") as helper:
            while rest and not any(done.done() and done.result() for _, done in creates):
                chunk = rest.pop(0)
                creates.append((chunk, helper.submit(self._put, chunk, self._new_rows(chunk), [])))
            left = [(chunk, created.result()) for chunk, created in creates]
        unwritten = [chunk for chunk, missing in left if missing] + rest
        if unwritten:
            self.assume_new = False
            self._write_chunks(unwritten)

    def _write_chunks(self, chunks: list[list[str]]) -> None:
        """:meth:`_write` of each chunk (reading ahead when there are several)."""
        self._entries_for_merging()
        if len(chunks) > 1:
            self._write_ahead(chunks)
        else:
            for chunk in chunks:
                self._write(chunk)

    def _new_rows(self, contact_ids: list[str]) -> list[list[Any]]:
        """``create_tie_sets`` rows of this writer's deltas (no stored tie set to merge)."""
        if self._encoded is not None:
            encoded = self._encoded
            return [[cid, self.half_life_days, encoded[cid]] for cid in contact_ids]
        return [[cid, self.half_life_days, encode(self._deltas[cid])] for cid in contact_ids]

    def _entries_for_merging(self) -> None:
        """Make the deltas as entries, for the chunks that met stored tie sets."""
        if self._pending_sums is not None:
            self._deltas = self._pending_sums.entries()
            self._pending_sums = None
        self._encoded = None

    def _write(
        self, contact_ids: list[str], *, attempts: int = _WRITE_ATTEMPTS, asked: Sequence[str] = ()
    ) -> None:
        pending = contact_ids
        for _ in range(attempts):
            found = self._run("get_tie_sets", {"ids": pending})
            if not found:
                return
            pending = self._put(pending, *self._rows(found))
            if not pending:
                return
        raise StoreError(
            f"the tie sets of {len(asked or contact_ids)} contacts kept changing under this "
            f"writer ({_WRITE_ATTEMPTS} attempts); import again to bring them up to date"
        )

    def _rows(self, found: list[dict[str, Any]]) -> tuple[list[list[Any]], list[list[Any]]]:
        """The rows of ``create_tie_sets`` and ``write_tie_sets`` for the tie sets ``found``
        (read by ``get_tie_sets``), with this writer's deltas merged in."""
        rebuild = [
            str(r["contact_id"])
            for r in found
            if r["contact_id"] in self._recompute
            or (
                r["version"] is not None
                and abs(float(r["half_life_days"] or 0) - self.half_life_days) > 1e-9
            )
        ]
        rebuilt = self._from_interactions(rebuild)
        new_rows: list[list[Any]] = []
        rows: list[list[Any]] = []
        for r in found:
            cid = str(r["contact_id"])
            if cid in rebuilt:
                entries = rebuilt[cid]
                if not entries and r["version"] is None:
                    continue  # nobody met: no tie set to keep
            elif r["version"] is None:
                entries = self._deltas.get(cid, {})
            else:
                entries = decode(r["data"])
                _merge(entries, self._deltas.get(cid, {}))
            data = encode(entries)
            if r["version"] is None:
                new_rows.append([cid, self.half_life_days, data])
            else:
                rows.append([cid, r["account_id"], int(r["version"]), self.half_life_days, data])
        return new_rows, rows

    def _put(
        self, contact_ids: list[str], new_rows: list[list[Any]], rows: list[list[Any]]
    ) -> list[str]:
        """Create ``new_rows`` and write ``rows``; the contacts left unwritten because another
        writer created or changed their tie sets since they were read (nothing else)."""
        if new_rows:
            try:
                self._run("create_tie_sets", {"rows": new_rows})
            except DuplicateIdError:
                return contact_ids  # another writer created one since: nothing written
            created = {row[0] for row in new_rows}
            contact_ids = [cid for cid in contact_ids if cid not in created]
        if rows and self._run("write_tie_sets", {"rows": rows})[0]["conflicts"]:
            return contact_ids  # another writer changed one since: nothing written
        return []

    def _from_interactions(self, contact_ids: Sequence[str]) -> dict[str, Entries]:
        """Tie sets rebuilt from every interaction each contact took part in."""
        out: dict[str, Entries] = {cid: {} for cid in contact_ids}
        if not contact_ids:
            return out
        rows = self._run("get_contact_interactions", {"ids": list(contact_ids)})
        for row in rows:
            at_ms = int(row["occurred_at"])
            slot = _slot(str(row["kind"]), row["direction"], row["answered"])
            _fold(
                out[str(row["contact_id"])], row["team_ids"] or (), slot, at_ms, self._mass(at_ms)
            )
        return out


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _now_ms() -> int:
    return round(time.time() * 1000)


def _unmark(run: Run, session: str) -> None:
    run("unmark_pending_ties", {"prefix": session + "|", "now": _now_ms()})


def repair(run: Run, half_life_days: float, batch_size: int) -> int:
    """Rebuild every tie set if a writer died with tie sets unwritten; return how many.

    A writer is taken for dead when it ran on this host and its process is gone, or when it
    started more than a day ago. Live writers are left to finish. A dead writer's entry names no
    contacts (writing those with every batch cost the import a sixth of its time), so every
    contact's tie set is rebuilt from the interactions: minutes on a large store, and only
    after a crash.
    """
    host = socket.gethostname()
    now_ms = _now_ms()
    rows = run("get_pending_ties", {})
    dead: list[str] = []
    for entry in rows[0]["writers"] if rows else []:
        session, pid, writer_host, started = str(entry).split("|", 3)
        local = writer_host == host
        if (local and not _alive(int(pid))) or now_ms - int(started) > _STALE_MS:
            dead.append(session)
    if not dead:
        return 0
    fixer = TieSession(run, half_life_days, batch_size)
    rebuilt = 0
    after = ""
    while True:
        page = [str(r["id"]) for r in run("get_contact_ids", {"after": after, "limit": batch_size})]
        if not page:
            break
        fixer.recompute(page)
        fixer.flush()
        rebuilt += len(page)
        after = page[-1]
    for session in dead:
        _unmark(run, session)
    return rebuilt


def upgrade(run: Run, batch_size: int) -> int:
    """Rewrite the tie sets of the first format in the current one; return how many.

    The numbers are the same (the first format held every one of them), so nothing is read
    from the interactions: each batch is decoded, encoded again and written at the version it
    was read at. A batch another writer changed meanwhile is not written (that writer wrote the
    current format); the next read finds whatever is still old. Until a tie set is rewritten,
    reports of its account read the interactions (:func:`table` gives ``None``).
    """
    upgraded = 0
    conflicts = 0
    while conflicts < _WRITE_ATTEMPTS:
        found = run("get_old_tie_sets", {"format": FORMAT, "limit": max(1, batch_size)})
        if not found:
            break
        rows = [
            [
                str(r["contact_id"]),
                r["account_id"],
                int(r["version"] or 0),
                float(r["half_life_days"]),
                encode(decode(r["data"])),
            ]
            for r in found
        ]
        if run("write_tie_sets", {"rows": rows})[0]["conflicts"]:
            conflicts += 1
        else:
            upgraded += len(rows)
    return upgraded
