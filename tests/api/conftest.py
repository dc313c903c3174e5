"""The service under test: the real app, served by uvicorn in a thread on 127.0.0.1, over a
fresh graph of the session's embedded FalkorDB. Tests talk to it over HTTP with httpx."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from stakegraph.api import create_app

from stakegraph.keys import new_api_key
from stakegraph.settings import Settings
from stakegraph.store import GraphStore

from . import data


@dataclass
class Service:
    """A running service and the keys made for it (by name)."""

    url: str
    store: GraphStore
    settings: Settings
    app: FastAPI
    keys: dict[str, str] = field(default_factory=dict)

    def client(self, key: str | None = None, **kwargs: Any) -> httpx.Client:
        """An HTTP client, sending ``key`` (a name from :attr:`keys`, or a raw key) if given."""
        headers = {}
        if key is not None:
            headers["Authorization"] = f"Bearer {self.keys.get(key, key)}"
        return httpx.Client(base_url=self.url, headers=headers, timeout=60, **kwargs)


@contextmanager
def serve(settings: Settings, store: GraphStore, **app_kwargs: Any) -> Iterator[Service]:
    """Run the app with uvicorn in a thread until the block ends."""
    app = create_app(settings, store=store, **app_kwargs)
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)

    def run() -> None:
        # uvicorn exits the process (SystemExit) when the lifespan refuses to start.
        with contextlib.suppress(SystemExit):
            server.run()

    thread = threading.Thread(target=run, name="uvicorn-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the service did not start (see the log above)")
        if time.monotonic() > deadline:
            raise RuntimeError("the service did not start within 30 s")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield Service(url=f"http://127.0.0.1:{port}", store=store, settings=settings, app=app)
    finally:
        server.should_exit = True
        thread.join(timeout=30)


KEY_SPECS: dict[str, tuple[list[str], list[str] | None]] = {
    "admin": (["admin"], None),
    "writer": (["write"], None),
    "reader": (["read"], None),
    "acme_reader": (["read"], ["acme"]),
    "acme_writer": (["write"], ["acme"]),
    "acme_admin": (["admin"], ["acme"]),
}


def make_keys(store: GraphStore) -> dict[str, str]:
    """One key of each kind in :data:`KEY_SPECS`, stored; returns the keys by name."""
    keys: dict[str, str] = {}
    for name, (scopes, accounts) in KEY_SPECS.items():
        key, record = new_api_key(scopes, accounts=accounts, name=name)
        store.save_api_key(record)
        keys[name] = key
    return keys


@pytest.fixture
def service_settings(settings: Settings) -> Settings:
    """The session graph's settings, with the service's limits small enough to test."""
    return settings.model_copy(
        update={
            "max_body_bytes": 64 * 1024,
            "api_key_cache_s": 5.0,
            "report_timeout_s": 60.0,
            # Off: a background fill would move the cache counters the tests read.
            "warm_reports_on_start": False,
        }
    )


@pytest.fixture
def open_service(service_settings: Settings, store: GraphStore) -> Iterator[Service]:
    """The sample portfolio served on loopback with no keys (open)."""
    data.load(store)
    with serve(service_settings, store) as service:
        yield service


@pytest.fixture
def keyed_service(service_settings: Settings, store: GraphStore) -> Iterator[Service]:
    """The sample portfolio served with one key of each kind (see :data:`KEY_SPECS`)."""
    data.load(store)
    keys = make_keys(store)
    with serve(service_settings, store) as service:
        service.keys = keys
        yield service


@pytest.fixture
def start_service(
    service_settings: Settings, store: GraphStore
) -> Iterator[Callable[..., Service]]:
    """Start a service with extra settings; stopped at the end of the test."""
    stack: list[Any] = []

    def start(**overrides: Any) -> Service:
        cm = serve(service_settings.model_copy(update=overrides), store)
        stack.append(cm)
        return cm.__enter__()

    yield start
    for cm in reversed(stack):
        cm.__exit__(None, None, None)
