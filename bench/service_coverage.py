"""Benchmark (not a test): GET /v1/accounts/{id}/coverage on a 500-contact account, warm and cold,
beside a bare FastAPI endpoint returning a constant, in the same run with the same client.

    .venv/bin/python bench/service_coverage.py [--contacts 500] [--requests 3000] [--rounds 5]

Three servers run as separate processes (uvicorn, one worker each) on 127.0.0.1, so the client
does not share the server's interpreter:

- ``bare``: a FastAPI app with one route returning a constant;
- ``warm``: stakegraph with its report cache on (the first request fills it);
- ``cold``: stakegraph with the cache off (``STAKEGRAPH_REPORT_CACHE_SIZE=0``), so every request
  reads the account's snapshot from the embedded FalkorDB and runs the analysis.

The same client (a small asyncio HTTP/1.1 client, one keep-alive connection per worker) measures
each: requests per second over the run, and p50/p99 of the per-request latency. Bare and warm
alternate over ``--rounds`` rounds; each is reported by its median round.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse

import httpx

ACCOUNT = "bench-500"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def load_account(data_dir: Path, contacts: int, team: int, per_contact: int) -> None:
    """An account of ``contacts`` people in an org chart, ``per_contact`` interactions each."""
    from stakegraph.model import Account, Contact, Interaction, TeamMember
    from stakegraph.settings import get_settings
    from stakegraph.store import open_store

    now = datetime.now(UTC)
    store = open_store(get_settings(data_dir=data_dir))
    try:
        store.upsert_accounts([Account(id=ACCOUNT, name=f"Benchmark {contacts}")])
        store.upsert_team(
            [
                TeamMember(id=f"t{k}", name=f"Team {k}", role="executive" if k == 0 else "other")
                for k in range(team)
            ]
        )
        titles = ["CEO", "VP Operations", "Director of IT", "IT Manager", "Analyst"]
        people = []
        for k in range(contacts):
            level = 0 if k == 0 else min(4, 1 + (k - 1) // max(1, contacts // 8))
            people.append(
                Contact(
                    id=f"c{k}",
                    account_id=ACCOUNT,
                    name=f"Person {k}",
                    title=titles[level],
                    reports_to=None if k == 0 else f"c{(k - 1) // 4}",
                )
            )
        store.upsert_contacts(people)
        batch = []
        for k in range(contacts):
            for j in range(per_contact):
                batch.append(
                    Interaction(
                        id=f"i{k}-{j}",
                        account_id=ACCOUNT,
                        kind=("meeting", "call", "email")[j % 3],
                        occurred_at=now - timedelta(days=1 + (k * 7 + j * 13) % 300),
                        team_ids=[f"t{(k + j) % team}"],
                        contact_ids=[f"c{k}"],
                    )
                )
            if len(batch) >= 2000:
                store.upsert_interactions(batch)
                batch = []
        if batch:
            store.upsert_interactions(batch)
    finally:
        store.close()


def serve_bare(port: int) -> None:
    """The baseline: FastAPI with one constant route."""
    import uvicorn
    from fastapi import FastAPI

    app = FastAPI()

    @app.get("/constant")
    async def constant() -> dict[str, str]:
        return {"status": "ok"}

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def serve_stakegraph(port: int) -> None:
    """stakegraph as ``stakegraph serve`` runs it (settings from the environment)."""
    import uvicorn
    from stakegraph.api import create_app

    from stakegraph.settings import get_settings

    app = create_app(get_settings(port=port))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def _start(kind: str, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, __file__, f"--serve-{kind}", str(port)],
        env={**os.environ, **env},
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{kind} server did not start")


async def _connection(host: str, port: int, path: str, count: int, latencies: list[float]) -> None:
    # A minimal HTTP/1.1 keep-alive client on asyncio streams: cheap enough per request that
    # the client is not what limits the rate (httpx in threads topped out near 1,300 req/s).
    reader, writer = await asyncio.open_connection(host, port)
    request = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: */*\r\n\r\n".encode()
    try:
        for _ in range(count):
            start = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            body = await reader.readexactly(length)
            latencies.append(time.perf_counter() - start)
            if status != 200:
                raise RuntimeError(f"{path}: {status} {body[:200]!r}")
    finally:
        writer.close()


def measure(url: str, requests: int, workers: int) -> dict[str, float]:
    """Requests per second and latency percentiles of ``requests`` GETs over ``workers``
    concurrent keep-alive connections."""
    parsed = urlparse(url)
    latencies: list[float] = []
    per_worker = max(1, requests // workers)

    async def run() -> None:
        await asyncio.gather(
            *(
                _connection(parsed.hostname or "127.0.0.1", parsed.port or 80, parsed.path,
                            per_worker, latencies)
                for _ in range(workers)
            )
        )  # fmt: skip

    start = time.perf_counter()
    asyncio.run(run())
    elapsed = time.perf_counter() - start
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))],
    }


def _median_round(rounds: list[dict[str, float]]) -> dict[str, float]:
    return sorted(rounds, key=lambda r: r["rps"])[len(rounds) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=500)
    parser.add_argument("--team", type=int, default=20)
    parser.add_argument("--per-contact", type=int, default=10)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--cold-requests", type=int, default=40)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--serve-bare", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--serve-stakegraph", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_bare:
        serve_bare(args.serve_bare)
        return
    if args.serve_stakegraph:
        serve_stakegraph(args.serve_stakegraph)
        return

    with tempfile.TemporaryDirectory(prefix="stakegraph-bench-") as tmp:
        data_dir = Path(tmp)
        started = time.perf_counter()
        load_account(data_dir, args.contacts, args.team, args.per_contact)
        print(
            f"loaded {args.contacts} contacts x {args.per_contact} interactions, "
            f"{args.team} team members in {time.perf_counter() - started:.1f} s"
        )
        env = {"STAKEGRAPH_DATA_DIR": str(data_dir), "STAKEGRAPH_GRAPH_URL": ""}
        ports = {k: _free_port() for k in ("bare", "warm", "cold")}
        servers = [
            _start("bare", ports["bare"], env),
            _start("stakegraph", ports["warm"], env),
            _start(
                "stakegraph",
                ports["cold"],
                {
                    **env,
                    "STAKEGRAPH_REPORT_CACHE_SIZE": "0",
                    "STAKEGRAPH_WARM_REPORTS_ON_START": "false",
                },
            ),
        ]
        try:
            bare_url = f"http://127.0.0.1:{ports['bare']}/constant"
            path = f"/v1/accounts/{ACCOUNT}/coverage"
            warm_url = f"http://127.0.0.1:{ports['warm']}{path}"
            cold_url = f"http://127.0.0.1:{ports['cold']}{path}"
            httpx.get(warm_url, timeout=120).raise_for_status()  # fill the cache
            measure(bare_url, 200, args.workers)  # warm up both servers and the client
            measure(warm_url, 200, args.workers)
            # Alternate the two in rounds and keep each one's median round: the machine may be
            # busy with something else for part of the run, and both should see the same.
            rounds: dict[str, list[dict[str, float]]] = {"bare": [], "warm": []}
            for _ in range(args.rounds):
                rounds["bare"].append(measure(bare_url, args.requests, args.workers))
                rounds["warm"].append(measure(warm_url, args.requests, args.workers))
            results = {
                "bare FastAPI constant": _median_round(rounds["bare"]),
                "coverage, warm cache": _median_round(rounds["warm"]),
                "coverage, cold (no cache)": measure(cold_url, args.cold_requests, 1),
            }
        finally:
            for server in servers:
                server.terminate()
            for server in servers:
                server.wait(timeout=30)
    print(f"\n{'endpoint':<28}{'requests':>9}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}")
    for name, r in results.items():
        print(
            f"{name:<28}{r['requests']:>9.0f}{r['rps']:>10.1f}{r['p50_ms']:>9.2f}"
            f"{r['p99_ms']:>9.2f}"
        )
    ratio = results["coverage, warm cache"]["rps"] / results["bare FastAPI constant"]["rps"]
    print(f"\nwarm coverage at {100 * ratio:.0f}% of the bare endpoint's rate (target >= 50%)")


if __name__ == "__main__":
    main()
