"""Real headless Chromium (Debian's ``chromium`` package, driven by Playwright) against the
service on 127.0.0.1. No browser is ever downloaded: without /usr/bin/chromium these tests skip,
naming the package to install."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from stakegraph.ingest import ingest
from stakegraph.settings import get_settings
from stakegraph.store import open_store
from tests.api import data
from tests.api.conftest import Service, serve

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BIG_CONTACTS = 150
BIG_TEAM = 10
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the session."""
    if not Path(CHROMIUM).exists():
        pytest.skip(
            "Chromium is not installed: install Debian's package `chromium` "
            "(apt-get install chromium) to run the browser tests"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def site(falkor_data_dir: Path) -> Iterator[Service]:
    """The sample portfolio plus the demo portfolio, served for the whole module."""
    from stakegraph.cli.demo import demo_ingest_records
    from stakegraph.demo import DEMO_ACCOUNTS, DEMO_SEED

    settings = get_settings(
        data_dir=falkor_data_dir, graph_url="", graph_name=f"browser_{uuid.uuid4().hex[:10]}"
    )
    store = open_store(settings)
    data.load(store)
    data.big_account(store, "big", BIG_CONTACTS, team_n=BIG_TEAM, per_contact=2)
    ingest(
        store,
        demo_ingest_records(seed=DEMO_SEED, now=None, accounts=DEMO_ACCOUNTS),
        source="demo",
    )
    try:
        with serve(settings, store) as service:
            yield service
    finally:
        store._graph.delete()  # type: ignore[attr-defined]
        store.close()


class Watch:
    """Everything a page did that a test may forbid: requests, dialogs, errors, CSP reports."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.blocked: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.console: list[str] = []


@pytest.fixture
def page(browser: Any) -> Iterator[tuple[Any, Watch]]:
    """A fresh page whose every request, dialog, error and console message is recorded, and
    whose requests to anything but 127.0.0.1 are blocked (and recorded as such)."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    watch = Watch()

    def route(handle: Any) -> None:
        url = handle.request.url
        if url.startswith(("http://127.0.0.1:", "data:", "blob:")):
            handle.continue_()
        else:
            watch.blocked.append(url)
            handle.abort()

    context.route("**/*", route)
    tab = context.new_page()
    tab.on("request", lambda request: watch.requests.append(request.url))
    tab.on("pageerror", lambda error: watch.errors.append(str(error)))
    tab.on("console", lambda message: watch.console.append(f"{message.type}: {message.text}"))

    def on_dialog(dialog: Any) -> None:
        watch.dialogs.append(dialog.message)
        dialog.dismiss()

    tab.on("dialog", on_dialog)
    yield tab, watch
    context.close()
