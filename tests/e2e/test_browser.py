"""A stakeholder's first visit, in Chromium: register, verify, sign in, comment."""

from __future__ import annotations

import pytest

from consult.extensions import db
from tests.conftest import link_in, outbox

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("database_url", ["sqlite"],
                                                             indirect=True)]


def test_register_verify_sign_in_and_comment_on_paragraph_3(app, browser_page, version):
    page = browser_page
    db.session.commit()
    page.goto("/register")
    page.get_by_label("Email").fill("ana@example.org")
    page.get_by_label("Password", exact=True).fill("a long enough password")
    page.get_by_label("Repeat the password").fill("a long enough password")
    page.get_by_label("Name", exact=True).fill("Ana Souza")
    page.get_by_label("Organization", exact=True).fill("Instituto Rede")
    page.get_by_label("Stakeholder group", exact=True).select_option("civil_society")
    page.get_by_label("Country", exact=True).select_option("BR")
    page.get_by_label("I understand").check()
    page.get_by_role("button", name="Register").click()
    page.get_by_role("heading", name="Confirm your email address").wait_for()

    [message] = outbox(app)
    page.goto(link_in(message, "/verify/"))
    page.get_by_text("your email address is confirmed").wait_for()
    page.get_by_role("button", name="Sign out").click()

    page.goto("/c/wsis20/v/1/p/3")
    page.get_by_role("link", name="Sign in").first.click()
    page.get_by_label("Email").fill("ana@example.org")
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/c/wsis20/v/1/p/3")

    page.get_by_label("Your comment, or the reason for your proposal").fill(
        "This heading should also mention *meaningful* connectivity."
    )
    page.get_by_role("button", name="Send").click()
    page.get_by_text("Your comment is published").wait_for()
    comment = page.locator("article.comment").first
    assert "Ana Souza" in comment.inner_text()
    assert comment.locator("em").inner_text() == "meaningful"
    assert page.url.endswith("#c1")


def test_page_scripts_quote_preview_replies_and_kept_drafts(app, browser_page, version,
                                                            stakeholder, other_stakeholder):
    """What the small script adds: quoting a selection, live preview, replies on demand, and
    text kept in the browser when the session ended before sending."""
    from consult.comments import service
    from consult.drafts import service as drafts

    made = service.post_comment(other_stakeholder, version, drafts.get_paragraph(version, 4),
                                body="Agree", quote="inclusive")
    service.reply(stakeholder, made, body="A reply loaded on demand")
    db.session.commit()
    page = browser_page
    page.goto("/login")
    page.get_by_label("Email").fill("amina@example.org")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.goto("/c/wsis20/v/1/p/4")

    assert page.locator(".js-proposed").is_hidden()
    page.get_by_label("Propose new wording").check()
    assert page.locator(".js-proposed").is_visible()
    assert "Reaffirms the vision" in page.get_by_label("Proposed text").input_value()
    page.get_by_label("Comment on this paragraph").check()

    page.locator(".paragraph-focus .para__body").select_text()
    page.get_by_role("button", name="Quote these words in my comment").click()
    quoted = page.locator("textarea[name='quote']").input_value()
    assert quoted.startswith("Reaffirms the vision")

    body = page.get_by_label("Your comment, or the reason for your proposal")
    body.fill("**Bold** remark")
    page.get_by_role("button", name="Preview").click()
    assert page.locator("#comment-preview strong").inner_text() == "Bold"
    assert page.url.endswith("/c/wsis20/v/1/p/4")

    page.get_by_role("link", name="Show 1 reply").click()
    page.get_by_text("A reply loaded on demand").wait_for()

    page.wait_for_timeout(600)
    page.context.clear_cookies()
    page.reload()
    assert page.get_by_text("Sign in to comment.").is_visible()
    page.goto("/login?next=/c/wsis20/v/1/p/4")
    page.get_by_label("Email").fill("amina@example.org")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/c/wsis20/v/1/p/4")
    assert body.input_value() == "**Bold** remark"
    page.get_by_text("Your text that was not sent yet is back in the form.").wait_for()
    page.get_by_role("button", name="Send").click()
    page.get_by_text("Your comment is published").wait_for()
    page.reload()
    assert body.input_value() == ""


def test_signing_out_forgets_the_unsent_text_kept_in_this_browser(app, browser_page, version,
                                                                 stakeholder):
    """ASVS 8.2.3: the next person at a shared computer finds no one's unsent comment."""
    page = browser_page
    page.goto("/login")
    page.get_by_label("Email").fill("amina@example.org")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.goto("/c/wsis20/v/1/p/4")
    page.get_by_label("Your comment, or the reason for your proposal").fill("Private thoughts")
    kept = "() => Object.keys(localStorage).filter(key => key.startsWith('consult-draft:'))"
    page.wait_for_timeout(600)  # the script saves 400 ms after the last keystroke
    assert page.evaluate(kept)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/")
    assert page.evaluate(kept) == []
