"""In Chromium: a moderator merges two comments and answers them, the secretariat makes
Rev.1 from the accepted amendment, and a stakeholder sees the answer on their comment."""

from __future__ import annotations

import pytest

from consult.comments import service as comments
from consult.drafts import service as drafts
from consult.extensions import db
from tests.conftest import browser_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("database_url", ["sqlite"],
                                                             indirect=True)]
PASSWORD = "correct horse battery"


def sign_in(page, email: str) -> None:
    browser_sign_in(page, email, PASSWORD)


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()


def test_merge_answer_revise_and_see_the_answer(app, browser_page, version, stakeholder,
                                                other_stakeholder, moderator, secretariat):
    target = drafts.get_paragraph(version, 4)
    amendment = comments.post_comment(
        stakeholder, version, target, kind="amendment", body="Put inclusion first.",
        proposed_text="Reaffirms the vision of an inclusive information society;")
    echo = comments.post_comment(other_stakeholder, version, target,
                                 body="We also ask that inclusion comes first.")
    db.session.commit()
    page = browser_page

    sign_in(page, "moderator@example.org")
    page.goto(f"/moderation?paragraph={target.id}")
    page.get_by_label(f"Select comment {amendment.id}").check()
    page.get_by_label(f"Select comment {echo.id}").check()
    page.get_by_label(f"Merge the others into comment {amendment.id}").check()
    page.get_by_label("Merge", exact=True).check()
    page.get_by_role("button", name="Apply").click()
    page.get_by_text("Merged; the authors are told.").wait_for()
    page.get_by_label(f"Select comment {amendment.id}").check()
    page.get_by_label("Answer (disposition)").check()
    page.get_by_label("Answer", exact=True).select_option("accepted")
    page.get_by_label("Rationale (public)").fill("Inclusion now opens the paragraph.")
    page.get_by_role("button", name="Apply").click()
    page.get_by_text("Answered; the authors are told.").wait_for()
    sign_out(page)

    sign_in(page, "secretariat@example.org")
    page.goto("/manage/c/wsis20/v/1")
    page.get_by_role("button", name="Close the comment period now").click()
    page.get_by_label("Label of the next version").fill("Rev.1")
    page.get_by_role("button", name="Start the next version").click()
    page.get_by_role("heading", name="Making Rev.1").wait_for()
    page.get_by_role("button", name="Apply", exact=True).click()
    page.get_by_text("0 proposals wait for a decision.").wait_for()
    page.get_by_role("button", name="Publish Rev.1 and open it for comments").click()
    page.get_by_text("Reaffirms the vision of an inclusive information society;").wait_for()
    sign_out(page)

    sign_in(page, "li@example.org")
    page.goto(f"/comments/{echo.id}")
    answer = page.locator(".disposition")
    assert "Accepted" in answer.inner_text()
    assert "Inclusion now opens the paragraph." in answer.inner_text()
    page.goto("/notifications")
    assert page.get_by_text("has been answered: Accepted").is_visible()
