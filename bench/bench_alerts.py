"""Alert benchmarks (not a test): PATCH-to-webhook latency, and a scan of the 1,000-account data.

``latency``: ``stakegraph serve`` runs in its own process on a fresh embedded FalkorDB holding
``--accounts`` accounts (30 contacts, 3 of our team, 300 interactions each; the CIO is the key
sponsor). A webhook receiver runs in this process on 127.0.0.1. For each of ``--changes``
accounts in turn, the client PATCHes the sponsor's title (a promotion) and waits for the webhook
to arrive; the time from sending the PATCH to the webhook's arrival is the figure (p50, p99).
The PATCH's own answer time is shown beside it (the alert is raised before the PATCH answers).

``scan``: the 1,000-account / 100,000-contact / 1,000,000-interaction bundle of
``bench/bench_import.py`` (same generator, same seed) is imported with ``stakegraph import``
into a fresh data directory (or reused with ``--data-dir``, its alerts deleted first), then
``stakegraph.alerts.scan`` runs twice: the first scan raises every episode (the data ends in
2026, so most accounts are silent), the second finds them all open and raises nothing. Both
times are printed::

    .venv/bin/python bench/bench_alerts.py latency [--changes 100]
    .venv/bin/python bench/bench_alerts.py scan [--scale 1.0] [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class Receiver:
    """Records when the webhook about each contact arrives (perf_counter of this process)."""

    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}
        self.cond = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                at = time.perf_counter()
                subject = (json.loads(body)["data"].get("subject") or {}).get("id", "")
                with receiver.cond:
                    receiver.arrived.setdefault(subject, at)
                    receiver.cond.notify_all()
                self.send_response(204)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def wait(self, subject: str, timeout: float = 30.0) -> float:
        with self.cond:
            if not self.cond.wait_for(lambda: subject in self.arrived, timeout):
                raise SystemExit(f"no webhook about {subject} within {timeout} s")
            return self.arrived[subject]


def load_accounts(data_dir: Path, accounts: int) -> None:
    """``accounts`` accounts whose CIO is the sponsor, dated relative to now."""
    from stakegraph.model import Account, Contact, Interaction, TeamMember
    from stakegraph.settings import get_settings
    from stakegraph.store import open_store

    now = datetime.now(UTC)
    store = open_store(get_settings(data_dir=data_dir, graph_url=""))
    try:
        store.upsert_team(
            [TeamMember(id=f"t{k}", name=f"Team {k}", role="account_exec") for k in range(30)]
        )
        titles = ["CFO", "VP Sales", "Director of IT", "IT Manager", "Engineer", "Analyst"]
        for a in range(accounts):
            aid = f"acct{a:03d}"
            store.upsert_accounts([Account(id=aid, name=f"Account {a}", annual_value=1e6)])
            people = [
                Contact(id=f"s{a:03d}", account_id=aid, name=f"Sponsor {a}", title="CIO",
                        buying_roles=["executive_sponsor"])
            ] + [
                Contact(id=f"c{a:03d}-{k:02d}", account_id=aid, name=f"Contact {a}-{k}",
                        title=titles[k % len(titles)], reports_to=f"s{a:03d}")
                for k in range(29)
            ]  # fmt: skip
            store.upsert_contacts(people)
            team = [f"t{(a + k) % 30}" for k in range(3)]
            store.upsert_interactions(
                [
                    Interaction(
                        id=f"i{a:03d}-{n:03d}",
                        account_id=aid,
                        kind="meeting" if n % 3 else "email",
                        occurred_at=now - timedelta(hours=5 * n + 1),
                        team_ids=[team[n % 3]],
                        contact_ids=[people[0].id if n % 2 else people[1 + n % 29].id],
                    )
                    for n in range(300)
                ]
            )
    finally:
        store.close()


def latency(args: argparse.Namespace) -> None:
    work = Path(tempfile.mkdtemp(prefix="sg-bench-alerts-"))
    data_dir = work / "data"
    warmup = 3
    print(f"loading {args.changes + warmup} accounts into {data_dir} ...", flush=True)
    load_accounts(data_dir, args.changes + warmup)
    receiver = Receiver()
    port = _free_port()
    env = dict(
        os.environ,
        STAKEGRAPH_DATA_DIR=str(data_dir),
        STAKEGRAPH_GRAPH_URL="",
        STAKEGRAPH_WEBHOOK_ALLOW_PRIVATE="true",
        STAKEGRAPH_SCAN_INTERVAL_S="0",
    )
    service = subprocess.Popen(
        [str(Path(sys.executable).with_name("stakegraph")), "serve", "--port", str(port),
         "--log-level", "warning"],
        env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if client.get("/healthz").is_success:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit("the service did not start")
                time.sleep(0.1)
            made = client.post("/v1/webhooks", json={"url": receiver.url})
            made.raise_for_status()
            arrivals: list[float] = []
            answers: list[float] = []
            for a in range(args.changes + warmup):
                sponsor = f"s{a:03d}"
                started = time.perf_counter()
                response = client.patch(f"/v1/contacts/{sponsor}", json={"title": "COO"})
                answered = time.perf_counter()
                response.raise_for_status()
                arrived = receiver.wait(sponsor)
                if a >= warmup:
                    arrivals.append((arrived - started) * 1000)
                    answers.append((answered - started) * 1000)
    finally:
        service.terminate()
        service.wait(timeout=30)
        from stakegraph.store.embedded import EmbeddedServer

        EmbeddedServer(data_dir).stop()  # the service leaves it running for other clients
        shutil.rmtree(work, ignore_errors=True)
    print(f"{len(arrivals)} promotions, PATCH sent -> webhook arrived:")
    print(
        f"  p50 {statistics.median(arrivals):.1f} ms   p99 {_percentile(arrivals, 0.99):.1f} ms"
        f"   max {max(arrivals):.1f} ms"
    )
    print(
        f"  (the PATCH itself answered in p50 {statistics.median(answers):.1f} ms, "
        f"p99 {_percentile(answers, 0.99):.1f} ms)"
    )


def scan_benchmark(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(HERE))
    import bench_import  # the 1,000-account benchmark data

    from stakegraph.alerts.service import scan
    from stakegraph.settings import get_settings
    from stakegraph.store import open_store

    if args.data_dir is None:
        work = Path(tempfile.mkdtemp(prefix="sg-bench-scan-"))
        data_dir = work / "data"
        bundle = work / "bench.json"
        sizes = bench_import.Sizes(args.scale)
        print(f"writing {sizes.accounts:,} accounts, {sizes.interactions:,} interactions ...")
        bench_import.write_bundle(bundle, sizes, args.seed)
        seconds, _ = bench_import.run_import(bundle, data_dir)
        print(f"imported in {seconds:.0f} s into {data_dir} (graph 'bench')")
    else:
        data_dir = args.data_dir
    settings = get_settings(data_dir=data_dir, graph_url="", graph_name="bench")
    store = open_store(settings)
    try:
        if args.data_dir is not None:
            from stakegraph.store.falkor import FalkorStore

            assert isinstance(store, FalkorStore)
            store._graph.query((HERE / "delete_alerts.cypher").read_text())
        accounts = store.counts()["accounts"]
        print(f"{accounts:,} accounts; {settings.workers or os.cpu_count()} worker process(es)")
        for label in ("first scan (raises every episode)", "second scan (all open)"):
            result = scan(store, settings)
            kinds: dict[str, int] = {}
            for alert in result.raised:
                kinds[alert.kind.value] = kinds.get(alert.kind.value, 0) + 1
            print(
                f"{label}: {result.seconds:.1f} s for {result.accounts:,} accounts; raised "
                f"{kinds or 'nothing'}; {len(result.failures)} failure(s)"
            )
    finally:
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    lat = commands.add_parser("latency", help="PATCH to webhook arrival")
    lat.add_argument("--changes", type=int, default=100)
    sc = commands.add_parser("scan", help="scan of the 1,000-account benchmark data")
    sc.add_argument("--scale", type=float, default=1.0)
    sc.add_argument("--seed", type=int, default=7)
    sc.add_argument("--data-dir", type=Path, default=None, help="reuse an imported data dir")
    args = parser.parse_args()
    if args.command == "latency":
        latency(args)
    else:
        scan_benchmark(args)


if __name__ == "__main__":
    main()
