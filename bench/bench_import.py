"""Import benchmark (not a test): how fast ``stakegraph import`` fills the embedded store.

Generates a deterministic bundle of 1,000 accounts / 100,000 contacts / 1,000,000 interactions
(``--scale`` shrinks or grows every count), streamed to disk, then in one run against one fresh
embedded FalkorDB server:

1. the bare insert: ``UNWIND $rows AS r CREATE (i:Interaction) SET i = r`` of the same interaction
   rows (as the store keeps them), in batches of ``write_batch_size``, into a separate graph with no
   index, no MERGE and no edges — the floor of what the database can take;
2. ``stakegraph import FILE`` in its own process, through the real pipeline (streamed parse and
   validation, in a worker process on a machine with 3 CPUs or more; reference checks, upserts,
   tie sets written once per contact at the end), into a fresh graph.

It prints both rates (interactions/s), their ratio (the figure: target within 2x), the peak
memory (RSS high-water mark) of the importing process (target under 2 GB), and the CPU seconds
the database server (and its AOF rewrites), the importing process and its reading worker (if
any) spent (steadier than wall time on a busy machine)::

    python bench/bench_import.py              # the full size: about 2 minutes on 2 cores
    python bench/bench_import.py --scale 0.05 # a quick look
    python bench/bench_import.py --scale 0.05 --profile   # cProfile of both sides, in-process
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

KINDS = ("meeting", "call", "email", "email", "email", "event", "message")
TITLES = (
    "Chief Information Officer", "Chief Financial Officer", "VP Engineering", "VP Operations",
    "Director of IT", "Head of Procurement", "Sr. Director, Platform", "Engineering Manager",
    "IT Manager", "Software Engineer", "Analyst", "Buyer", "Architect", "Product Owner",
)  # fmt: skip
ROLES = ("account_exec", "sales_engineer", "customer_success", "support", "executive")
SUBJECTS = ("Quarterly review", "Renewal", "Roadmap", "Support escalation", "Pricing", "Check-in")
START = datetime(2024, 1, 1, tzinfo=UTC)
SPAN_S = 2 * 365 * 86400


class Sizes:
    """The counts of one run."""

    def __init__(self, scale: float) -> None:
        self.accounts = max(1, round(1_000 * scale))
        self.contacts_per_account = 100
        self.contacts = self.accounts * self.contacts_per_account
        self.interactions = max(1, round(1_000_000 * scale))
        self.team = max(5, round(300 * min(1.0, scale * 4)))
        self.team_per_account = 3


def _iso(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def _account_team(sizes: Sizes, account: int) -> list[str]:
    rng = random.Random(f"team-{account}")
    return [f"t{n:04d}" for n in rng.sample(range(sizes.team), sizes.team_per_account)]


def interactions(sizes: Sizes, seed: int) -> Iterator[dict[str, Any]]:
    """The interaction records of the bundle, in order (deterministic for a seed)."""
    rng = random.Random(seed)
    teams = [_account_team(sizes, a) for a in range(sizes.accounts)]
    per = sizes.contacts_per_account
    for n in range(sizes.interactions):
        account = rng.randrange(sizes.accounts)
        kind = rng.choice(KINDS)
        team = teams[account]
        team_ids = rng.sample(team, 1 if rng.random() < 0.7 else 2)
        # People higher up the org chart (lower numbers) are met less often: skewed choice.
        contacts = {int(per * rng.random() ** 0.7) for _ in range(1 if kind == "email" else 3)}
        record: dict[str, Any] = {
            "id": f"i{n:07d}",
            "account_id": f"a{account:04d}",
            "kind": kind,
            "occurred_at": _iso(START + timedelta(seconds=rng.randrange(SPAN_S))),
            "team_ids": team_ids,
            "contact_ids": [f"c{account:04d}-{c:03d}" for c in sorted(contacts)],
            "subject": rng.choice(SUBJECTS),
        }
        if kind == "email":
            record["direction"] = "outbound" if rng.random() < 0.6 else "inbound"
            if record["direction"] == "outbound":
                record["answered"] = rng.random() < 0.7
        if rng.random() < 0.3:
            record["sentiment"] = round(rng.uniform(-1, 1), 2)
        yield record


def write_bundle(path: Path, sizes: Sizes, seed: int) -> None:
    """Write the bundle one record per line, never holding more than one record."""
    rng = random.Random(seed + 1)
    dump = json.dumps
    with open(path, "w", encoding="utf-8") as out:
        out.write('{"format": "stakegraph-bundle", "version": 1,\n"accounts": [\n')
        for a in range(sizes.accounts):
            sep = ",\n" if a else ""
            account = {
                "id": f"a{a:04d}", "name": f"Account {a}", "domains": [f"a{a:04d}.example"],
                "annual_value": float(rng.randrange(10_000, 5_000_000)),
            }  # fmt: skip
            out.write(sep + dump(account))
        out.write('\n],\n"team": [\n')
        for t in range(sizes.team):
            sep = ",\n" if t else ""
            member = {
                "id": f"t{t:04d}", "name": f"Team member {t}", "role": ROLES[t % len(ROLES)],
                "email": f"t{t:04d}@us.example",
            }  # fmt: skip
            out.write(sep + dump(member))
        out.write('\n],\n"contacts": [\n')
        first = True
        for a in range(sizes.accounts):
            for c in range(sizes.contacts_per_account):
                contact: dict[str, Any] = {
                    "id": f"c{a:04d}-{c:03d}", "account_id": f"a{a:04d}",
                    "name": f"Contact {a}-{c}", "email": f"c{c:03d}@a{a:04d}.example",
                    "title": TITLES[min(len(TITLES) - 1, c // 3)],
                }  # fmt: skip
                if c:  # a tree: every contact but the first reports to one listed before
                    contact["reports_to"] = f"c{a:04d}-{(c - 1) // 4:03d}"
                out.write(("" if first else ",\n") + dump(contact))
                first = False
        out.write('\n],\n"interactions": [\n')
        for n, record in enumerate(interactions(sizes, seed)):
            out.write(("" if n == 0 else ",\n") + dump(record))
        out.write("\n]}\n")


def stored_rows(sizes: Sizes, seed: int) -> Iterator[dict[str, Any]]:
    """The same interactions as the store keeps them (epoch ms, every model field), no nulls."""
    for record in interactions(sizes, seed):
        at = datetime.strptime(record["occurred_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        row = {"concern": False, **record, "occurred_at": round(at.timestamp() * 1000)}
        yield row


def bare_insert(socket: str, sizes: Sizes, seed: int, batch: int) -> float:
    """Seconds spent in the database inserting every interaction row, bare."""
    from falkordb import FalkorDB

    text = (HERE / "bare_create_interactions.cypher").read_text()
    graph = FalkorDB(unix_socket_path=socket).select_graph("bench_bare")
    spent = 0.0
    rows: list[dict[str, Any]] = []
    for row in stored_rows(sizes, seed):
        rows.append(row)
        if len(rows) == batch:
            started = time.perf_counter()
            graph.query(text, {"rows": rows})
            spent += time.perf_counter() - started
            rows = []
    if rows:
        started = time.perf_counter()
        graph.query(text, {"rows": rows})
        spent += time.perf_counter() - started
    count = graph.query("MATCH (i:Interaction) RETURN count(i)").result_set[0][0]
    assert count == sizes.interactions, count
    graph.delete()
    return spent


_IMPORTER = """
import json, resource, sys, time
sys.argv = ["stakegraph", "import", sys.argv[1]]
from stakegraph.cli import main
code = 0
try:
    main()
except SystemExit as exc:
    code = exc.code or 0
usage = resource.getrusage(resource.RUSAGE_SELF)
worker = resource.getrusage(resource.RUSAGE_CHILDREN)  # the process that reads and validates
report = {"peak_rss_mb": usage.ru_maxrss / 1024, "cpu_s": usage.ru_utime + usage.ru_stime,
          "worker_cpu_s": worker.ru_utime + worker.ru_stime,
          "worker_peak_rss_mb": worker.ru_maxrss / 1024}
print(json.dumps({**report, "exit": code}), file=sys.stderr)
"""


def run_import(bundle: Path, data_dir: Path) -> tuple[float, dict[str, Any]]:
    """Wall seconds of ``stakegraph import`` in its own process, and what it reported."""
    env = dict(os.environ, STAKEGRAPH_DATA_DIR=str(data_dir), STAKEGRAPH_GRAPH_NAME="bench")
    env.pop("STAKEGRAPH_GRAPH_URL", None)
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", _IMPORTER, str(bundle)],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    sys.stdout.write(proc.stdout)
    lines = proc.stderr.strip().splitlines()
    if not lines:
        raise SystemExit(f"the import died: exit {proc.returncode}")
    report: dict[str, Any] = json.loads(lines[-1])
    if report["exit"] != 0:
        sys.stderr.write("\n".join(lines[:-1]) + "\n")
        raise SystemExit(f"the import failed: exit {report['exit']}")
    return seconds, report


class _Batches:
    """Stands in for the worker's queue: keeps each batch as the real queue sends it."""

    def __init__(self) -> None:
        self.sent: list[Any] = []

    def put(self, batch: Any) -> None:
        from multiprocessing.reduction import ForkingPickler

        self.sent.append(ForkingPickler.dumps(batch))  # what the queue's feeder thread does


def _print_profile(title: str, profiler: Any, top: int) -> None:
    import pstats

    print(f"\n=== {title} ===")
    stats = pstats.Stats(profiler).sort_stats("tottime")
    stats.print_stats(top)


def profile_import(bundle: Path, data_dir: Path, top: int) -> None:
    """Profile both sides of the import in this process, each under cProfile.

    1. The reading worker: the function the worker process runs (read, validate, send), on
       the same bundle, with the batches it sends kept.
    2. The importing process: ingest of those batches, with its background writes run in the
       calling thread, so that cProfile (which sees one thread) sees them too. The database
       waits show as socket reads.
    """
    import concurrent.futures
    import cProfile
    import marshal
    import pickle

    import stakegraph.ingest as ingest_module
    from stakegraph import reading_worker
    from stakegraph.bundle.io import read_bundle_file
    from stakegraph.settings import get_settings
    from stakegraph.store import open_store

    settings = get_settings(data_dir=data_dir, graph_url="", graph_name="bench_profile")
    source = reading_worker.InWorker(read_bundle_file, (bundle,), settings.write_batch_size)
    queue = _Batches()
    profiler = cProfile.Profile()
    started = time.process_time()
    profiler.runcall(reading_worker._validate_in_worker, source, bundle.name, queue)
    print(f"reading worker: {time.process_time() - started:.1f} CPU s")
    _print_profile("reading worker (read, validate, send)", profiler, top)

    def replay(_source: Any, _name: str) -> Iterator[Any]:
        for data in queue.sent:
            batch = pickle.loads(data)
            if batch is None:
                return
            yield from marshal.loads(batch) if isinstance(batch, bytes) else batch

    class InThisThread(concurrent.futures.Executor):
        def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
            future: concurrent.futures.Future[Any] = concurrent.futures.Future()
            try:
                future.set_result(fn(*args, **kwargs))
            except BaseException as exc:
                future.set_exception(exc)
            return future

    ingest_module._validated = replay  # type: ignore[assignment]
    ingest_module.ThreadPoolExecutor = lambda **_: InThisThread()  # type: ignore[assignment,misc]
    store = open_store(settings)
    profiler = cProfile.Profile()
    started = time.process_time()
    report = profiler.runcall(
        ingest_module.ingest,
        store,
        source,
        source=bundle.name,
        batch_size=settings.write_batch_size,
    )
    print(f"\nimporting process: {time.process_time() - started:.1f} CPU s, ok={report.ok}")
    store.close()
    _print_profile(
        "importing process (checks, writes, tie sets; database waits as socket reads)",
        profiler,
        top,
    )


def server_cpu(client: Any) -> float:
    """CPU seconds the database server has used so far (all its threads)."""
    info = client.info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


def rewrite_cpu(client: Any) -> float:
    """CPU seconds the server's finished children (its AOF rewrites) have used so far."""
    info = client.info("cpu")
    return float(info["used_cpu_user_children"]) + float(info["used_cpu_sys_children"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every count")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=None, help="default: a temporary dir")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the reading worker and the import instead"
    )
    parser.add_argument("--top", type=int, default=30, help="functions shown by --profile")
    args = parser.parse_args()

    from stakegraph.reading_worker import available_cpus
    from stakegraph.settings import get_settings
    from stakegraph.store.embedded import EmbeddedServer

    sizes = Sizes(args.scale)
    batch = get_settings().write_batch_size
    with tempfile.TemporaryDirectory(prefix="stakegraph-bench-", dir=args.workdir) as tmp:
        work = Path(tmp)
        bundle = work / "bundle.json"
        started = time.perf_counter()
        write_bundle(bundle, sizes, args.seed)
        print(
            f"bundle: {sizes.accounts:,} accounts, {sizes.team:,} team members, "
            f"{sizes.contacts:,} contacts, {sizes.interactions:,} interactions; "
            f"{bundle.stat().st_size / 1e6:.0f} MB written in {time.perf_counter() - started:.0f} s"
        )
        data_dir = work / "data"
        server = EmbeddedServer(data_dir)
        socket = str(server.ensure_running())
        import redis

        # Held open for the whole run, so that the import's close() leaves the server running.
        keeper = redis.Redis(unix_socket_path=socket)
        try:
            if args.profile:
                profile_import(bundle, data_dir, args.top)
                return
            cpu, children = server_cpu(keeper), rewrite_cpu(keeper)
            bare_s = bare_insert(socket, sizes, args.seed, batch)
            bare_rate = sizes.interactions / bare_s
            bare_cpu, cpu = server_cpu(keeper) - cpu, server_cpu(keeper)
            bare_children, children = rewrite_cpu(keeper) - children, rewrite_cpu(keeper)
            print(
                f"bare UNWIND/CREATE: {bare_s:.1f} s, {bare_rate:,.0f} interactions/s "
                f"(database CPU {bare_cpu:.1f} s, its AOF rewrites {bare_children:.1f} s)"
            )
            import_s, report = run_import(bundle, data_dir)
            if report["worker_cpu_s"] > 0:
                worker = (
                    f"its reading worker {report['worker_cpu_s']:.1f} s, "
                    f"{report['worker_peak_rss_mb']:,.0f} MB"
                )
            else:  # see STAKEGRAPH_IMPORT_WORKER_MIN_CPUS
                worker = f"no reading worker on {available_cpus()} CPUs"
            import_rate = sizes.interactions / import_s
            import_cpu = server_cpu(keeper) - cpu
            import_children = rewrite_cpu(keeper) - children
            print(
                f"stakegraph import:  {import_s:.1f} s, {import_rate:,.0f} interactions/s "
                f"(database CPU {import_cpu:.1f} s, its AOF rewrites {import_children:.1f} s, "
                f"importing process CPU {report['cpu_s']:.1f} s, {worker})"
            )
            ratio = import_s / bare_s
            peak = report["peak_rss_mb"]
            server_peak = keeper.info("memory").get("used_memory_peak_human")
            print(
                f"ratio import/bare: {ratio:.2f}x (target <= 2x: "
                f"{'met' if ratio <= 2 else 'NOT met'}); peak RSS of the importing process: "
                f"{peak:,.0f} MB (target < 2048 MB: {'met' if peak < 2048 else 'NOT met'}); "
                f"database server peak memory: {server_peak}"
            )
        finally:
            keeper.close()
            server.stop(compact_timeout_s=0.0)


if __name__ == "__main__":
    main()
