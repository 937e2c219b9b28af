"""A live server on a real port and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import gc
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.conftest import require

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def chromium_path() -> str:
    path = os.environ.get("CONSULT_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    require(os.path.exists(path), f"Chromium is not installed at {path} (apt-get install chromium)")
    return path


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """Serve the test application from a thread; every request gets its own context."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        # Collect what dropped connections left behind now, within this browser test.
        gc.collect()


@pytest.fixture
def browser_page(live_server: str):
    path = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=live_server, locale="en-GB")
        page = context.new_page()
        page.set_default_timeout(10_000)
        try:
            yield page
        finally:
            context.close()
            browser.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A browser that leaves a page while a static file is still being sent drops the
    connection; the development server then lets go of the file without closing it,
    which Python reports as an "unraisable" warning at some later point. That is the
    test server's business, not the application's: only that warning is let through."""
    allowed = pytest.mark.filterwarnings(
        "ignore:Exception ignored in. <_io.FileIO name='[^']*/static/"
        ":pytest.PytestUnraisableExceptionWarning"
    )
    here = str(Path(__file__).parent)
    for item in items:
        if str(item.path).startswith(here):
            item.add_marker(allowed)
