"""In Chromium: a stakeholder downloads their data and deletes their account; the secretariat
verifies an organization from the keyboard; the pages meet WCAG 2.1 AA (axe-core)."""

from __future__ import annotations

import json
import zipfile

import pytest

from consult.comments import service as comments
from consult.drafts import service as drafts
from consult.extensions import db
from tests.conftest import PASSWORD, browser_sign_in
from tests.e2e.test_accessibility import axe_script, violations

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("database_url", ["sqlite"],
                                                             indirect=True)]
NAME = "Zephyrine Quillfeather"
ORGANIZATION = "Coalition for Open Networks"


@pytest.fixture
def author(create_user, version):
    person = create_user(email="zephyrine@example.org", name=NAME, organization=ORGANIZATION)
    made = comments.post_comment(person, version, drafts.get_paragraph(version, 4),
                                 body="The Forum needs a permanent mandate.")
    db.session.commit()
    person.comment_id = made.id
    return person


def test_a_stakeholder_downloads_their_data_then_deletes_their_account(
    browser_page, author, tmp_path
):
    script = axe_script()
    page = browser_page
    browser_sign_in(page, "zephyrine@example.org")
    page.goto("/profile")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download your data").click()
    saved = tmp_path / "data.zip"
    download.value.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        data = json.loads(archive.read("data.json"))
    assert data["account"]["name"] == NAME and len(data["comments"]) == 1

    page.get_by_role("link", name="Delete your account").click()
    found = violations(page, script)
    # A wrong password keeps the person on the page, with the reason, and the box ticked.
    page.get_by_label("Your password").fill("not my password")
    page.get_by_label("I understand").check()
    page.get_by_role("button", name="Delete my account").click()
    assert "The password is not right." in page.content()
    assert page.get_by_label("I understand").is_checked()
    found += violations(page, script)

    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account").click()
    assert "Your account is deleted" in page.content()
    assert page.get_by_role("link", name="Sign in").count() >= 1
    page.goto(f"/comments/{author.comment_id}")
    body = page.content()
    assert f"A participant from {ORGANIZATION}" in body and NAME not in body
    found += violations(page, script)
    assert found == []


def test_the_secretariat_verifies_an_organization_from_the_keyboard(
    browser_page, author, secretariat
):
    script = axe_script()
    page = browser_page
    browser_sign_in(page, secretariat.email)
    page.goto("/manage/people")
    found = violations(page, script)
    button = page.get_by_role("button", name=f"Verify organization — {ORGANIZATION}")
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "is verified for this account" in page.content()
    assert page.get_by_role("button", name=f"Withdraw verification — {ORGANIZATION}").count() == 1
    found += violations(page, script)
    page.goto("/manage/people?q=zephyrine&verified=yes")
    assert NAME in page.content()
    page.get_by_role("link", name=NAME).click()
    page.wait_for_url(f"**/manage/people/{author.id}")
    found += violations(page, script)
    page.goto(f"/comments/{author.comment_id}")
    mark = page.locator(".verified-mark").first
    assert mark.inner_text().strip().endswith("verified organization")
    found += violations(page, script)
    assert found == []
