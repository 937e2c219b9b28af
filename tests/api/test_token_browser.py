"""The tokens section in Chromium: made, copied, listed and revoked, and WCAG 2.1 AA as
axe-core checks it on both pages it involves."""

from __future__ import annotations

import pytest

from consult.api import service
from consult.extensions import db
from tests.e2e.conftest import browser_page, live_server  # noqa: F401  (fixtures)
from tests.e2e.test_accessibility import axe_script, violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
    # The development server's dropped static-file connections (see tests/e2e/conftest.py).
    pytest.mark.filterwarnings(
        "ignore:Exception ignored in. <_io.FileIO name='[^']*/static/"
        ":pytest.PytestUnraisableExceptionWarning"
    ),
]


def test_making_and_revoking_a_token_in_the_browser(app, browser_page, stakeholder):  # noqa: F811
    script = axe_script()
    page = browser_page
    page.goto("/login")
    page.get_by_label("Email").fill(stakeholder.email)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.goto("/profile")
    page.get_by_label("Name of the new token").fill("Our submission script")
    page.get_by_role("button", name="Make a token").click()
    found = violations(page, script)
    secret = page.get_by_label("Token “Our submission script”").input_value()
    db.session.rollback()  # see what the server committed
    assert service.authenticate(secret) == stakeholder
    page.get_by_role("link", name="I have copied it: back to my profile").click()
    assert page.get_by_role("cell", name=f"{secret[:8]}…").is_visible()
    found += violations(page, script)
    page.get_by_role("button", name="Revoke — Our submission script").click()
    assert page.get_by_text("is revoked").is_visible()
    assert found == []
    db.session.rollback()
    assert service.authenticate(secret) is None
