"""Pressing "Send" twice in Chromium makes one comment: the page's script sends the form
once, and without the script the server still makes one comment of the two requests."""

from __future__ import annotations

from contextlib import suppress

import pytest
from playwright.sync_api import Error as PlaywrightError
from sqlalchemy import func, select

from consult.comments.models import Comment
from consult.drafts.models import Version
from consult.extensions import db
from tests.conftest import browser_sign_in

pytestmark = [
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
    pytest.mark.filterwarnings(
        "ignore:Exception ignored in. <_io.FileIO name='[^']*/static/"
        ":pytest.PytestUnraisableExceptionWarning"
    ),
]


def _click_twice(page, version: Version, text: str, *, script: bool) -> int:
    """Sign in, write a comment, press "Send", and press it again while the first request
    has not been answered yet; return how many requests the browser sent."""
    if not script:
        page.route("**/static/js/*.js", lambda route: route.abort())
    browser_sign_in(page, "amina@example.org")
    path = f"/c/{version.consultation.slug}/v/{version.number}/p/4"
    page.goto(path)
    page.get_by_label("Your comment, or the reason for your proposal").fill(text)
    held: list = []  # requests kept from the server until both clicks are done

    def hold(route) -> None:
        if route.request.method == "POST":
            held.append(route)
        else:
            route.continue_()

    page.route(f"**{path}", hold)
    send = page.get_by_role("button", name="Send")
    send.scroll_into_view_if_needed()
    box = send.bounding_box()
    assert box is not None
    send.click(no_wait_after=True)
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    # The second click, where the button is (a disabled one takes no click).
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_timeout(500)
    sent = len(held)
    page.unroute(f"**{path}")
    for route in held:
        with suppress(PlaywrightError):  # the browser may have given this one up
            route.continue_()
    page.get_by_text("Your comment is published").wait_for()
    return sent


def _comments_saying(text: str) -> int:
    db.session.commit()
    return db.session.execute(
        select(func.count()).select_from(Comment).where(Comment.body == text)
    ).scalar_one()


def test_with_the_script_a_second_click_sends_nothing(
    app, browser_page, version, stakeholder
) -> None:
    text = "Sent with two clicks, the script on."
    assert _click_twice(browser_page, version, text, script=True) == 1
    assert _comments_saying(text) == 1
    # The buttons are usable again when the page comes back from history.
    browser_page.go_back()
    browser_page.wait_for_load_state()
    assert browser_page.get_by_role("button", name="Send").is_enabled()


def test_without_the_script_a_second_click_still_makes_one_comment(
    app, browser_page, version, stakeholder
) -> None:
    text = "Sent with two clicks, no script."
    assert _click_twice(browser_page, version, text, script=False) == 2
    assert _comments_saying(text) == 1
