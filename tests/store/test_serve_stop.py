"""``stakegraph serve`` stopped by a signal closes its store, so the embedded database server it
started stops with it (and the data it took is kept)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from stakegraph.settings import get_settings
from stakegraph.store import open_store
from stakegraph.store.embedded import EmbeddedServer, _pid_alive
from tests.processes import free_port, wait_until_serving

pytestmark = [pytest.mark.store, pytest.mark.slow]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signalled_service_stops_the_database_it_started(
    tmp_path: Path, signum: signal.Signals
) -> None:
    port = free_port()
    env = {**os.environ, "STAKEGRAPH_DATA_DIR": str(tmp_path), "STAKEGRAPH_GRAPH_URL": ""}
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("stakegraph")), "serve", "--port", str(port),
         "--log-level", "warning"],
        env=env, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        wait_until_serving(process, port)
        # Something written through the service's own store, to find again afterwards.
        response = httpx.put(
            f"http://127.0.0.1:{port}/v1/accounts/acme", json={"name": "Acme"}, timeout=10
        )
        assert response.status_code == 201, response.text
        server = EmbeddedServer(tmp_path)
        database_pid = server.running_pid()
        assert database_pid is not None and _pid_alive(database_pid)

        process.send_signal(signum)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)

    assert process.returncode == 0, stderr
    assert "Aborted" not in stderr
    deadline = time.monotonic() + 10
    while _pid_alive(database_pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _pid_alive(database_pid), "the database server outlived the service"
    assert server.running_pid() is None
    assert not server.files.socket.exists()

    reopened = open_store(get_settings(data_dir=tmp_path))
    try:
        assert [account.id for account in reopened.list_accounts()] == ["acme"]
    finally:
        reopened.close()
