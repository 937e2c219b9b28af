"""WCAG 2.1 AA as axe-core checks it, in Chromium, on the pages people use most.

axe-core comes from npm (`.ci/run` installs it into .ci/node_modules); CONSULT_AXE may
point at axe.min.js elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from consult.comments import service
from consult.drafts import service as drafts
from consult.extensions import db
from tests.conftest import browser_sign_in, require

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("database_url", ["sqlite"],
                                                             indirect=True)]
ROOT = Path(__file__).resolve().parents[2]
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def axe_script() -> str:
    path = Path(os.environ.get("CONSULT_AXE") or ROOT / ".ci/node_modules/axe-core/axe.min.js")
    require(path.exists(), f"axe-core is not installed at {path} (npm install axe-core)")
    return path.read_text()


def violations(page, script: str) -> list[str]:
    # Through the DevTools protocol: the Content-Security-Policy (no inline script) would
    # refuse a <script> element added to the page.
    page.evaluate("source => { (0, eval)(source); }", script)
    result = page.evaluate("rules => axe.run(document, {runOnly: rules})", RULES)
    return [
        f"{page.url} {item['id']}: {item['help']} at {[node['target'] for node in item['nodes']]}"
        for item in result["violations"]
    ]


def test_pages_meet_wcag_aa(app, browser_page, version, stakeholder, other_stakeholder):
    script = axe_script()
    made = service.post_comment(other_stakeholder, version, drafts.get_paragraph(version, 4),
                                kind="amendment", body="Say *inclusive* first.",
                                proposed_text="Reaffirms an inclusive vision;",
                                quote="inclusive")
    service.reply(stakeholder, made, body="Agreed.")
    db.session.commit()
    page = browser_page
    found: list[str] = []
    for path in ["/", "/c/wsis20", "/c/wsis20/v/1", "/c/wsis20/v/1/p/4", f"/comments/{made.id}",
                 "/login", "/register", "/password/forgot"]:
        page.goto(path)
        found += violations(page, script)
    page.goto("/register")
    page.get_by_role("button", name="Register").click()
    found += violations(page, script)
    page.goto("/login")
    page.get_by_label("Email").fill("amina@example.org")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    for path in ["/c/wsis20/v/1/p/4", "/c/wsis20/v/1/general", "/profile", "/my-input",
                 f"/comments/{made.id}"]:
        page.goto(path)
        found += violations(page, script)
    page.goto("/c/wsis20/v/1/p/4")
    page.get_by_role("button", name="Send").click()
    found += violations(page, script)
    assert found == []


def test_secretariat_pages_meet_wcag_aa(app, browser_page, create_version, secretariat):
    create_version(status="draft")
    script = axe_script()
    page = browser_page
    browser_sign_in(page, "secretariat@example.org")
    found: list[str] = []
    for path in ["/manage/consultations/new", "/manage/c/wsis20/versions/new",
                 "/manage/c/wsis20/v/1", "/manage/c/wsis20/v/1/p/new",
                 "/manage/c/wsis20/v/1/p/4/edit", "/c/wsis20/v/1", "/audit"]:
        page.goto(path)
        found += violations(page, script)
    assert found == []


def test_moderation_and_revision_pages_meet_wcag_aa(app, browser_page, version, stakeholder,
                                                    other_stakeholder, moderator, secretariat):
    from consult.drafts import service as drafts
    from consult.moderation import service as moderation
    from consult.revisions import service as revisions

    script = axe_script()
    target = drafts.get_paragraph(version, 4)
    campaign = ("We urge that the Internet Governance Forum be given a permanent mandate "
                "with stable funding from the regular budget of the United Nations.")
    first = service.post_comment(stakeholder, version, target, body=campaign)
    second = service.post_comment(other_stakeholder, version, target, body=campaign)
    amendment = service.post_comment(stakeholder, version, target, kind="amendment",
                                     body="Inclusive first",
                                     proposed_text="Reaffirms an inclusive vision;")
    db.session.commit()
    moderation.merge(moderator, [(second, second.row_version)], into=first)
    moderation.set_disposition(moderator, [(amendment, amendment.row_version)], "accepted",
                               "Agreed")
    drafts.close_version(secretariat, version)
    revisions.start_revision(secretariat, version, "Rev.1")
    db.session.commit()
    page = browser_page
    found: list[str] = []
    browser_sign_in(page, "moderator@example.org")
    for path in ["/moderation", f"/moderation?paragraph={target.id}",
                 f"/moderation/comments/{first.id}",
                 f"/moderation/paragraphs/{target.id}/suggestions", "/notifications",
                 f"/comments/{first.id}", f"/comments/{second.id}/report"]:
        page.goto(path)
        found += violations(page, script)
    page.get_by_role("button", name="Sign out").click()
    browser_sign_in(page, "secretariat@example.org")
    for path in ["/manage/c/wsis20/v/2/changes", "/manage/c/wsis20/v/1",
                 "/c/wsis20/compare?from=1&to=2", f"/c/wsis20/history/{target.lineage_key}"]:
        page.goto(path)
        found += violations(page, script)
    assert found == []
