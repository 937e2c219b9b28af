"""Every XSS payload of tests/security/payloads/xss.txt stored where people write, then the
pages that show it opened in Chromium: no dialog opens, no payload sets window.__xss or
writes to the console, each page keeps its layout (one main, the footer last) and is no
wider than the window, however long a word without spaces it holds.

One browser session visits every page, so the whole list costs a few seconds."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.conftest import PASSWORD
from tests.e2e.conftest import browser_page, chromium_path, live_server  # noqa: F401
from tests.security import hostile

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


@pytest.fixture
def app_config(app_config: dict) -> dict:
    return {**app_config, "RATELIMIT_ENABLED": False, "TWO_FACTOR_ROLES": ()}


LOOK = """() => {
  const main = document.querySelectorAll('main');
  const footer = document.querySelector('body > footer');
  return {
    xss: window.__xss === undefined ? null : String(window.__xss),
    mains: main.length,
    mainInBody: main.length === 1 && main[0].parentElement === document.body,
    footerAfterMain: footer !== null && main.length === 1 && footer.querySelector('nav') !== null
      && (main[0].compareDocumentPosition(footer) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0,
    // What sticks out past the window's edge, to say what to fix.
    outside: [...document.querySelectorAll('body *')]
      .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
      .slice(-4).map(e => `${e.tagName}.${e.className}`),
    scrollWidth: document.documentElement.scrollWidth,
    width: document.documentElement.clientWidth,
  };
}"""
# The consolidated text for print has no site header and footer of its own.
PRINT_PAGES = ("/c/wsis20/v/1/export.html",)


def test_no_payload_runs_or_breaks_a_page_in_chromium(
    app: Flask, browser_page, create_user  # noqa: F811
):
    planted = hostile.Planted(create_user)
    page = browser_page
    page.set_viewport_size({"width": 1024, "height": 800})
    dialogs: list[str] = []
    console: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(f"{page.url}: {dialog.message}"),
                                      dialog.dismiss()))
    page.on("console", lambda message: message.type == "verbose"
            or console.append(f"{page.url}: {message.type}: {message.text}"))
    page.on("pageerror", lambda error: console.append(f"{page.url}: {error}"))
    page.goto("/login")
    page.get_by_label("Email").fill(planted.secretariat.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    broken: list[str] = []
    for path in planted.pages():
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        page.wait_for_load_state("load")
        # Events a payload could hang on, fired as a person would: hover, focus, scroll.
        page.mouse.move(300, 300)
        page.keyboard.press("Tab")
        page.mouse.wheel(0, 2000)
        seen = page.evaluate(LOOK)
        if seen["xss"] is not None:
            broken.append(f"{path}: window.__xss = {seen['xss']}")
        if path not in PRINT_PAGES and not (seen["mainInBody"] and seen["footerAfterMain"]):
            broken.append(f"{path}: layout broken {seen}")
        if seen["scrollWidth"] > seen["width"]:
            broken.append(f"{path}: {seen}")
    # On a phone's width too, where a long word has least room.
    page.set_viewport_size({"width": 360, "height": 740})
    for path in ["/c/wsis20/v/1", "/c/wsis20/v/1/p/2", "/c/wsis20/v/1/p/3",
                 "/c/wsis20/v/1/p/4", f"/comments/{planted.comment.id}"]:
        page.goto(path)
        seen = page.evaluate(LOOK)
        if seen["scrollWidth"] > seen["width"]:
            broken.append(f"{path}: {seen}")
    assert (dialogs, console, broken) == ([], [], [])
