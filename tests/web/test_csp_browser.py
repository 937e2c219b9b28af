"""The Content-Security-Policy breaks no page: Chromium visits the main pages as each role
(reader, stakeholder, moderator, secretariat), uses their scripts, and reports every
policy violation (securitypolicyviolation events and console messages) and script error.
"""

from __future__ import annotations

import pytest

from consult.comments import service as comments
from consult.drafts import service as drafts
from consult.extensions import db
from tests.conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
    # Moderators and secretariat sign in here with a password alone: the second factor
    # has browser tests of its own.
    pytest.mark.parametrize("app_config_extra", [{"TWO_FACTOR_ROLES": ()}], indirect=True),
]

WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__violations.push(event.violatedDirective + " blocked " + (event.blockedURI || "inline")
                           + " at " + event.sourceFile + ":" + event.lineNumber);
});
"""


class Visitor:
    """A browser page that collects what the policy refused and what scripts threw."""

    def __init__(self, page) -> None:
        self.page = page
        self.found: list[str] = []
        page.context.add_init_script(WATCH)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.found.append(f"{page.url}: script error {error}"))

    def _console(self, message) -> None:
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.found.append(f"{self.page.url}: console: {text}")

    def collect(self) -> None:
        for violation in self.page.evaluate("window.__violations || []"):
            self.found.append(f"{self.page.url}: {violation}")

    def visit(self, path: str, *, expect: int = 200) -> None:
        response = self.page.goto(path)
        assert response is not None and response.status == expect, (path, response.status)
        self.page.wait_for_load_state("load")
        self.collect()

    def sign_in(self, email: str) -> None:
        self.page.goto("/login")
        self.page.get_by_label("Email").fill(email)
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_load_state("load")
        self.collect()

    def sign_out(self) -> None:
        self.page.context.clear_cookies()


@pytest.fixture
def discussion(create_version, stakeholder, other_stakeholder):
    """Two versions (so compare and redline have something to show) and a thread."""
    create_version(status="closed")
    version = create_version(label="Rev.1")
    paragraph = drafts.get_paragraph(version, 4)
    made = comments.post_comment(other_stakeholder, version, paragraph, kind="amendment",
                                 body="Say *inclusive* first.",
                                 proposed_text="Reaffirms an inclusive vision;",
                                 quote="inclusive")
    comments.reply(stakeholder, made, body="Agreed.")
    db.session.commit()
    return made


def test_the_policy_watch_catches_inline_script_and_style(app, browser_page, app_config_extra):
    """The watch itself works: a page with inline script, style and handler is caught."""

    def inline() -> str:
        return ('<!doctype html><html lang="en"><title>t</title>'
                '<p style="color: red" onclick="alert(1)">x</p><script>alert(2)</script>')

    app.add_url_rule("/inline-canary", "inline_canary", inline)
    visitor = Visitor(browser_page)
    visitor.visit("/inline-canary")
    directives = " ".join(visitor.found)
    assert "script-src" in directives and "style-src" in directives


def test_no_page_breaks_the_policy_for_any_role(
    app, browser_page, discussion, stakeholder, moderator, secretariat, app_config_extra
):
    made = discussion
    paragraph = made.paragraph
    visitor = Visitor(browser_page)
    page = browser_page

    reader_pages = [
        "/", "/c/wsis20", "/c/wsis20/v/2", "/c/wsis20/v/2/p/4", "/c/wsis20/v/2/general",
        f"/comments/{made.id}", f"/c/wsis20/history/{paragraph.lineage_key}",
        "/c/wsis20/compare?from=1&to=2", "/c/wsis20/v/1/compilation",
        "/c/wsis20/v/1/statistics", "/c/wsis20/v/1/addressed",
        "/login", "/register", "/password/forgot",
        # Standalone documents, under their own policy.
        "/c/wsis20/v/2/export.html", "/c/wsis20/redline.html?from=1&to=2",
    ]
    for path in reader_pages:
        visitor.visit(path)
    visitor.visit("/no/such/page", expect=404)
    # The thread's scripts: show replies, the form's client-side bits.
    visitor.visit("/c/wsis20/v/2/p/4")
    for link in page.locator("a[data-replies]").all()[:1]:
        link.click()
    visitor.collect()

    visitor.sign_in(stakeholder.email)
    for path in ["/c/wsis20/v/2/p/4", "/c/wsis20/v/2/general", "/profile", "/my-input",
                 "/notifications", "/profile/second-factor", "/profile/delete",
                 f"/comments/{made.id}"]:
        visitor.visit(path)
    # Preview and send a comment the way a person does, scripts and all.
    visitor.visit("/c/wsis20/v/2/p/4")
    page.get_by_label("Your comment").first.fill("We support *this* paragraph.")
    page.get_by_role("button", name="Send").first.click()
    page.wait_for_load_state("load")
    visitor.collect()
    visitor.visit("/moderation", expect=403)
    visitor.sign_out()

    visitor.sign_in(moderator.email)
    for path in ["/moderation", f"/moderation/comments/{made.id}",
                 f"/moderation/paragraphs/{paragraph.id}/suggestions", f"/comments/{made.id}"]:
        visitor.visit(path)
    visitor.sign_out()

    visitor.sign_in(secretariat.email)
    for path in ["/manage/consultations/new", "/manage/c/wsis20/versions/new",
                 "/manage/c/wsis20/v/2", "/manage/c/wsis20/v/2/p/4/edit",
                 "/manage/c/wsis20/v/2/p/new", "/manage/people",
                 f"/manage/people/{stakeholder.id}", "/audit", "/moderation",
                 "/manage/second-factor"]:
        visitor.visit(path)

    assert visitor.found == []
