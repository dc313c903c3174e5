"""Helpers for tests that run ``stakegraph serve`` in a process of its own."""

from __future__ import annotations

import socket
import subprocess
import time

import httpx

__all__ = ["free_port", "wait_until_serving"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_serving(process: subprocess.Popen[bytes] | subprocess.Popen[str], port: int) -> None:
    """Wait until the service on ``port`` answers ``/healthz`` (at most 60 s); fail if its
    process exits first."""
    deadline = time.monotonic() + 60
    while True:
        assert process.poll() is None, "the service exited at start"
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).is_success:
                return
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "the service did not start within 60 s"
        time.sleep(0.1)
