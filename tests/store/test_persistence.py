"""The embedded server keeps what it acknowledged: across a clean stop, a kill -9, and a stale
socket; a second process reuses the running server."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from stakegraph.settings import get_settings
from stakegraph.store import open_store
from stakegraph.store.embedded import EmbeddedServer

from . import sample

pytestmark = pytest.mark.store


def test_data_survives_a_clean_stop(tmp_path: Path) -> None:
    settings = get_settings(data_dir=tmp_path)
    store = open_store(settings)
    sample.load(store)
    store.close()  # the last client: stops the server
    assert EmbeddedServer(tmp_path).running_pid() is None
    reopened = open_store(settings)
    try:
        assert reopened.counts() == {"accounts": 2, "contacts": 4, "team": 2, "interactions": 4}
    finally:
        reopened.close()


def test_acknowledged_writes_survive_kill_9(tmp_path: Path) -> None:
    settings = get_settings(data_dir=tmp_path)
    store = open_store(settings)
    sample.load(store)
    server = EmbeddedServer(tmp_path)
    pid = server.running_pid()
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    # The socket and pid file are left behind; the next open recovers and finds everything.
    assert server.files.socket.exists()
    reopened = open_store(settings)
    try:
        assert reopened.counts()["interactions"] == 4
        assert reopened.get_contact("c-sandra") is not None
        assert server.running_pid() not in (None, pid)
    finally:
        reopened.close()
        store.close()


def test_stale_files_from_a_crash_are_recovered(tmp_path: Path) -> None:
    server = EmbeddedServer(tmp_path)
    server.files.root.mkdir(parents=True)
    server.files.socket.write_text("")  # not a socket at all
    server.files.pidfile.write_text("999999")  # nobody
    store = open_store(get_settings(data_dir=tmp_path))
    try:
        assert store.ping()
    finally:
        store.close()


def test_socket_is_private_and_no_tcp_port(tmp_path: Path) -> None:
    store = open_store(get_settings(data_dir=tmp_path))
    try:
        server = EmbeddedServer(tmp_path)
        mode = stat.S_IMODE(os.stat(server.files.socket).st_mode)
        assert mode & 0o077 == 0
        pid = server.running_pid()
        listening = Path("/proc/net/tcp").read_text() + Path("/proc/net/tcp6").read_text()
        inodes = {
            os.readlink(f"/proc/{pid}/fd/{fd}")
            for fd in os.listdir(f"/proc/{pid}/fd")
            if os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:")
        }
        tcp_inodes = {line.split()[9] for line in listening.splitlines()[1:] if line.split()}
        assert not {i.removeprefix("socket:[").rstrip("]") for i in inodes} & tcp_inodes
    finally:
        store.close()


def test_second_process_reuses_the_server(tmp_path: Path) -> None:
    store = open_store(get_settings(data_dir=tmp_path))
    try:
        sample.load(store)
        pid = EmbeddedServer(tmp_path).running_pid()
        code = (
            "from stakegraph.settings import get_settings\n"
            "from stakegraph.store import open_store\n"
            "from stakegraph.store.embedded import EmbeddedServer\n"
            f"s = open_store(get_settings(data_dir={str(tmp_path)!r}))\n"
            f"print(s.counts()['contacts'], EmbeddedServer({str(tmp_path)!r}).running_pid())\n"
            "s.close()\n"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
        ).stdout.split()
        assert out == ["4", str(pid)]
        # The other process closed while we still use the server: it must still be running.
        assert EmbeddedServer(tmp_path).running_pid() == pid
        assert store.ping()
    finally:
        store.close()


def test_last_store_to_close_stops_the_server_even_with_pooled_connections(
    tmp_path: Path,
) -> None:
    import threading

    store = open_store(get_settings(data_dir=tmp_path))
    sample.load(store)
    # Several threads at once make the client pool open several connections, as the service does.
    threads = [threading.Thread(target=store.counts) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    server = EmbeddedServer(tmp_path)
    assert server.running_pid() is not None
    store.close()
    assert server.running_pid() is None


def test_two_stores_in_one_process_share_the_server_until_the_last_closes(
    tmp_path: Path,
) -> None:
    settings = get_settings(data_dir=tmp_path)
    first = open_store(settings)
    second = open_store(settings)
    server = EmbeddedServer(tmp_path)
    pid = server.running_pid()
    first.close()
    # The service opens several stores (requests, alert delivery): one closing must not stop
    # the server under the others, and the last one closing must stop it.
    assert server.running_pid() == pid
    assert second.ping()
    second.close()
    assert server.running_pid() is None
