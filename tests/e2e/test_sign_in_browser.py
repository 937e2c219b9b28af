"""In Chromium: a moderator sets up the second factor after the password and signs in with
it; password fields have a "Show" button and a length hint; WCAG 2.1 AA on these pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from consult.auth import otp
from consult.extensions import db
from tests.conftest import PASSWORD
from tests.e2e.test_accessibility import axe_script, violations

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("database_url", ["sqlite"],
                                                             indirect=True)]


def fill_sign_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_a_moderator_sets_up_the_second_factor_then_signs_in_with_it(
    app, browser_page, create_user, version
):
    create_user(email="staff@example.org", role="moderator", second_factor=False)
    script = axe_script()
    page = browser_page
    found: list[str] = []

    fill_sign_in(page, "staff@example.org")
    assert page.url.endswith("/profile/second-factor")
    assert page.get_by_role("img", name=re.compile("QR code")).is_visible()
    found += violations(page, script)
    secret = page.locator("code.secret-key").inner_text().replace(" ", "")
    page.get_by_label("Code from the app").fill("000000" if otp.code_at(
        secret, otp.current_step()) != "000000" else "111111")
    page.get_by_role("button", name="Turn the second factor on").click()
    assert page.get_by_text("This code is not right.").first.is_visible()
    found += violations(page, script)
    page.get_by_label("Code from the app").fill(otp.code_at(secret, otp.current_step()))
    page.get_by_role("button", name="Turn the second factor on").click()
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    found += violations(page, script)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the codes (.txt)").click()
    saved = Path(download.value.path()).read_text()
    assert download.value.suggested_filename == "consult-recovery-codes.txt"
    assert all(code in saved for code in codes)
    page.get_by_role("link", name="I have kept them: continue").click()
    page.get_by_role("button", name="Sign out").click()

    fill_sign_in(page, "staff@example.org")
    assert page.url.endswith("/login/code")
    found += violations(page, script)
    page.get_by_label("Code", exact=True).fill(codes[0])
    page.get_by_role("button", name="Sign in").click()
    page.goto("/moderation")
    assert page.url.endswith("/moderation")
    db.session.rollback()
    assert found == []


def test_password_fields_can_be_shown_and_count_what_is_missing(app, browser_page, stakeholder):
    page = browser_page
    page.goto("/register")
    password = page.get_by_label("Password", exact=True)
    password.fill("short")
    hint = page.locator("#password-strength")
    assert hint.inner_text() == "7 more characters needed."
    assert password.get_attribute("aria-describedby").endswith("password-strength")
    password.fill("twelve chars")
    assert hint.inner_text().startswith("Long enough.")
    show = page.get_by_role("button", name="Show").first
    assert show.get_attribute("aria-pressed") == "false"
    show.click()
    assert password.get_attribute("type") == "text"
    assert show.get_attribute("aria-pressed") == "true"
    show.press("Enter")  # by keyboard too
    assert password.get_attribute("type") == "password"

    page.goto("/login")
    page.get_by_label("Email").fill(stakeholder.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Show").click()
    assert page.get_by_label("Password", exact=True).get_attribute("type") == "text"
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("button", name="Sign out").is_visible()
    found = violations(page, axe_script())
    assert found == []
