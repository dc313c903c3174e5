"""A real webhook receiver on 127.0.0.1 for the tests: answers from a script, keeps what it got.

It verifies nothing itself; tests check the signatures of what it recorded. It deduplicates by
``webhook-id`` the way a well-behaved receiver does, so tests can count alerts received once.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Received:
    """One request as the receiver saw it."""

    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Answer:
    """What the receiver answers to one request."""

    status: int = 204
    headers: dict[str, str] = field(default_factory=dict)
    hold: threading.Event | None = None
    """When set, the answer waits until this event is set (a slow or hung receiver)."""


class Receiver:
    """An HTTP server in a thread; ``script`` answers the next requests in order, then 204."""

    def __init__(self) -> None:
        self.script: list[Answer] = []
        self.requests: list[Received] = []
        self.arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length)
                with receiver.arrived:
                    answer = receiver.script.pop(0) if receiver.script else Answer()
                    receiver.requests.append(
                        Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                    )
                    receiver.arrived.notify_all()
                if answer.hold is not None:
                    answer.hold.wait(30)
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/hook"

    def start(self) -> Receiver:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        """Block until ``count`` requests arrived (or fail after ``timeout`` seconds)."""
        with self.arrived:
            if not self.arrived.wait_for(lambda: len(self.requests) >= count, timeout):
                raise AssertionError(f"{len(self.requests)} request(s) arrived, wanted {count}")
            return list(self.requests)

    def unique(self) -> dict[str, Received]:
        """The requests deduplicated by webhook-id (first seen wins), as a receiver would."""
        out: dict[str, Received] = {}
        for request in self.requests:
            out.setdefault(request.headers.get("webhook-id", ""), request)
        return out


def running_receiver() -> Iterator[Receiver]:
    """A started receiver, stopped afterwards (wrap in a fixture)."""
    receiver = Receiver().start()
    try:
        yield receiver
    finally:
        receiver.stop()
