"""Browser fixtures: the test app served over real HTTP, and a Chromium page driven by Playwright."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def pytest_collection_modifyitems(config, items):
    """Every test under tests/browser drives Chromium: mark it so `-m "not browser"` can leave it out."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture()
def live_server(app):
    """Serve the test's app on 127.0.0.1 on a free port; yield its base URL.

    The `app` fixture pushed an app context in the test thread. Werkzeug's serving thread and its
    request threads start with fresh contextvars, so each request gets its own app context and DB
    session, as in a real deployment.
    """
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture()
def browser_page(live_server):
    """A Chromium page whose relative URLs resolve against the live server; closed after the test."""
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium is missing at {CHROMIUM}, but CI installs it: check the CI image set-up.")
        pytest.skip("Chromium not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(base_url=live_server)
            context.set_default_timeout(10_000)
            page = context.new_page()
            try:
                yield page
            finally:
                context.close()
        finally:
            browser.close()
