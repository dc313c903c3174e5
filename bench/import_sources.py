"""Benchmark (not a test): mail and calendar import rate and peak memory.

Generates an mbox of ``--messages`` messages (headers plus ``--body-bytes`` of body each, with
replies threaded by In-Reply-To) and an iCalendar file of ``--events`` events (one in twenty a
weekly series), then, each in a fresh process so that peak memory is its own:

- *parse*: the importer's record stream alone (reading, identity matching, no store);
- *import*: the whole ``stakegraph import`` path, through ingest into the embedded FalkorDB.

Prints records per second and the peak resident memory (``ru_maxrss``) of the importing process.
The database server is a separate process and is not counted.

    python bench/import_sources.py --messages 100000 --events 10000
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

OURS = "ours.example"
ACCOUNTS = 500
CONTACTS_PER_ACCOUNT = 20
TEAM = 40
START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
WINDOW = (datetime(2025, 12, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))


def _team(n: int) -> str:
    return f"member{n}@{OURS}"


def _contact(account: int, n: int) -> str:
    return f"person{n}@acct{account}.example"


def write_mbox(path: Path, messages: int, body_bytes: int, seed: int = 7) -> None:
    """An mbox of ``messages`` messages between our team and the accounts' people."""
    rng = random.Random(seed)
    line = b"Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\n"
    body = line * max(1, body_bytes // len(line))
    sent: list[tuple[str, str, str]] = []  # recent outbound: (message id, sender, recipient)
    with path.open("wb") as out:
        for i in range(messages):
            when = START + timedelta(minutes=5 * i)
            account = rng.randrange(ACCOUNTS)
            member = _team(rng.randrange(TEAM))
            person = _contact(account, rng.randrange(CONTACTS_PER_ACCOUNT))
            message_id = f"<m{i}@bench.example>"
            reply_to = ""
            if sent and rng.random() < 0.35:
                original, member, person = sent[rng.randrange(len(sent))]
                sender, to = person, member
                reply_to = f"In-Reply-To: {original}\n"
            elif rng.random() < 0.15:
                sender, to = person, member
            else:
                sender, to = member, person
                sent.append((message_id, member, person))
                if len(sent) > 1000:
                    sent.pop(0)
            out.write(f"From {sender} {when:%a %b %d %H:%M:%S %Y}\n".encode())
            out.write(
                (
                    f"Message-ID: {message_id}\n{reply_to}"
                    f"Date: {format_datetime(when)}\nFrom: Someone <{sender}>\nTo: {to}\n"
                    f"Cc: {_team(rng.randrange(TEAM))}\nSubject: Update {i}\n\n"
                ).encode()
            )
            out.write(body)
            out.write(b">From the body, escaped\n\n")


def write_calendar(path: Path, events: int, seed: int = 11) -> None:
    """An iCalendar file of ``events`` events, one in twenty a weekly series of ten."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//stakegraph//bench//EN\r\n")
        for i in range(events):
            when = START + timedelta(minutes=45 * i)
            account = rng.randrange(ACCOUNTS)
            lines = [
                "BEGIN:VEVENT",
                f"UID:event-{i}@bench.example",
                f"DTSTART;TZID=Europe/Berlin:{when:%Y%m%dT%H%M%S}",
                f"DTEND;TZID=Europe/Berlin:{when + timedelta(hours=1):%Y%m%dT%H%M%S}",
                f"SUMMARY:Meeting {i} with a fairly long subject line that needs folding at "
                "seventy-five octets",
                f"ORGANIZER;CN=Member:mailto:{_team(rng.randrange(TEAM))}",
            ]
            for _ in range(rng.randint(1, 4)):
                person = _contact(account, rng.randrange(CONTACTS_PER_ACCOUNT))
                lines.append(f"ATTENDEE;PARTSTAT=ACCEPTED;CN=Person:mailto:{person}")
            if i % 20 == 0:
                lines.append("RRULE:FREQ=WEEKLY;COUNT=10")
            lines.append("END:VEVENT")
            for text in lines:
                while len(text) > 75:
                    out.write(text[:75] + "\r\n")
                    text = " " + text[75:]
                out.write(text + "\r\n")
        out.write("END:VCALENDAR\r\n")


def _index(store: Any) -> Any:
    from stakegraph.importers.identity import IdentityIndex

    return IdentityIndex.from_identity_rows(store.identity_rows() if store else [], [OURS])


def _source(kind: str, path: Path, index: Any) -> Any:
    if kind == "mail":
        from stakegraph.importers.mail import MailImporter

        return MailImporter([path], index)
    from stakegraph.importers.ics import CalendarImporter

    return CalendarImporter([path], index, window=WINDOW)


def _accounts() -> list[Any]:
    from stakegraph.model import Account

    return [
        Account(id=f"acct{n}", name=f"Account {n}", domains=[f"acct{n}.example"])
        for n in range(ACCOUNTS)
    ]


def _run(kind: str, phase: str, path: str, data_dir: str, graph: str, queue: Any) -> None:
    """In a child process: one phase, timed, with this process's peak memory."""
    from stakegraph.ingest import ingest
    from stakegraph.settings import get_settings
    from stakegraph.store import open_store

    store = None
    if phase == "import":
        store = open_store(get_settings(data_dir=Path(data_dir), graph_name=graph))
        store.upsert_accounts(_accounts())
    index = _index(store)
    if phase == "parse":
        from stakegraph.importers.identity import IdentityIndex

        index = IdentityIndex.from_rows(
            our_domains=[OURS], accounts=[(a.id, a.domains) for a in _accounts()]
        )
    source = _source(kind, Path(path), index)
    started = time.perf_counter()
    if store is None:
        records = sum(1 for _ in source)
        counts = {"records": records}
    else:
        report = ingest(store, source, source=kind, batch_size=2000)
        counts = {s: c.created for s, c in report.counts.items()}
        records = sum(counts.values())
        store.close()
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put((records, seconds, peak_mb, counts))


def measure(kind: str, phase: str, path: Path, data_dir: Path, graph: str) -> tuple[Any, ...]:
    """Run one phase in a fresh process and return what it measured."""
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    child = ctx.Process(target=_run, args=(kind, phase, str(path), str(data_dir), graph, queue))
    child.start()
    result = queue.get()
    child.join()
    return tuple(result)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--body-bytes", type=int, default=4000)
    parser.add_argument("--parse-only", action="store_true", help="Skip the store imports.")
    parser.add_argument("--keep", type=Path, help="Write the generated files here and keep them.")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        mbox, ics = folder / "bench.mbox", folder / "bench.ics"
        started = time.perf_counter()
        write_mbox(mbox, args.messages, args.body_bytes)
        write_calendar(ics, args.events)
        print(
            f"generated {args.messages:,} messages ({mbox.stat().st_size / 2**20:,.0f} MB) and "
            f"{args.events:,} events ({ics.stat().st_size / 2**20:,.1f} MB) "
            f"in {time.perf_counter() - started:.1f}s",
            flush=True,
        )
        data_dir = folder / "data"
        phases = ["parse"] if args.parse_only else ["parse", "import"]
        server = keeper = None
        if not args.parse_only:
            # One server for every phase; a connection held here so that no phase's close()
            # stops it.
            import redis

            from stakegraph.store.embedded import EmbeddedServer

            server = EmbeddedServer(data_dir)
            keeper = redis.Redis(unix_socket_path=str(server.ensure_running()))
            keeper.ping()
        print(f"{'source':8} {'phase':7} {'records':>9} {'seconds':>8} {'records/s':>10} "
              f"{'peak MB':>8}")  # fmt: skip
        for kind, path, unit in (("mail", mbox, args.messages), ("ics", ics, args.events)):
            for phase in phases:
                graph = f"bench_{kind}_{int(time.time())}"
                records, seconds, peak, counts = measure(kind, phase, path, data_dir, graph)
                print(
                    f"{kind:8} {phase:7} {records:>9,} {seconds:>8.1f} "
                    f"{records / seconds:>10,.0f} {peak:>8.0f}   "
                    f"({unit / seconds:,.0f} {'messages' if kind == 'mail' else 'events'}/s; "
                    f"{counts})",
                    flush=True,
                )
        if server is not None and keeper is not None:
            keeper.close()
            server.stop()


if __name__ == "__main__":
    sys.exit(main())
