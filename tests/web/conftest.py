"""Browser tests of the web chat: Debian's Chromium driven by Playwright, against the real bot.

The bot (both servers) is the session-wide `bot` fixture of tests/conftest.py. `make web-deps`
installs Chromium and axe-core; Playwright never downloads a browser of its own.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.conftest import free_port
from tests.web.chat_page import CHROMIUM, CHROMIUM_ARGS, REPLY_TIMEOUT_MS, SCREENSHOTS
from web.demo.portal import serve


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run 'make web-deps' (it installs Debian's chromium).")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser):
    """A fresh browser profile per test: no storage carried from one test to the next."""
    ctx = browser.new_context(viewport={"width": 1000, "height": 900}, locale="en-GB")
    ctx.set_default_timeout(REPLY_TIMEOUT_MS)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    """A page that fails the test if any script on it throws."""
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture(scope="session")
def chat_url(bot) -> str:
    return f"{bot.rasa_url}/chat/"


@pytest.fixture(scope="session")
def portals(bot):
    """The demo portal twice, on two more local origins: one on the bot's allow list, one not."""
    allowed = serve(bot.portal_port, bot.rasa_url)
    refused_port = free_port()
    refused = serve(refused_port, bot.rasa_url)
    yield {"allowed": f"http://127.0.0.1:{bot.portal_port}/", "refused": f"http://127.0.0.1:{refused_port}/"}
    for server in (allowed, refused):
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
