"""WCAG 2.1 AA as axe-core checks it, in Chromium, on the compilation's pages, in English
and in Arabic (right to left)."""

from __future__ import annotations

import pytest

from consult.drafts import service as drafts
from consult.extensions import db
from tests.e2e.conftest import browser_page, live_server  # noqa: F401  (fixtures)
from tests.e2e.test_accessibility import axe_script, violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
    # See tests/e2e/conftest.py: the development server's unclosed static files.
    pytest.mark.filterwarnings(
        "ignore:Exception ignored in. <_io.FileIO name='[^']*/static/"
        ":pytest.PytestUnraisableExceptionWarning"
    ),
]


def test_the_reports_meet_wcag_aa(app, browser_page, inputs, version, secretariat):  # noqa: F811
    drafts.close_version(secretariat, version)
    db.session.commit()
    script = axe_script()
    page = browser_page
    found: list[str] = []
    for language in ("en", "ar"):
        page.goto(f"/language?lang={language}&next=/")
        for path in ["/c/wsis20/v/1/compilation", "/c/wsis20/v/1/compilation?kind=bogus",
                     "/c/wsis20/v/1/addressed", "/c/wsis20/v/1/statistics"]:
            page.goto(path)
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            found += violations(page, script)
    assert found == []
