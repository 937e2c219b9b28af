"""The secretariat's audit log page, and the history partial other pages include."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import render_template
from sqlalchemy import select, text

from consult.audit import service as audit
from consult.drafts import service as drafts
from consult.drafts.models import Paragraph
from consult.extensions import db


def html_of(response) -> str:
    return response.get_data(as_text=True)


def rows_of(html: str) -> list[str]:
    if "<tbody>" not in html:
        return []
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr\b.*?</tr>", body, re.S)


@pytest.fixture
def signed_in(auth, secretariat):
    auth.login(secretariat.email)
    return secretariat


def _paragraph(version, position: int) -> Paragraph:
    return db.session.execute(
        select(Paragraph).where(Paragraph.version_id == version.id, Paragraph.position == position)
    ).scalar_one()


def test_the_log_is_for_the_secretariat_only(client, auth, stakeholder, moderator):
    response = client.get("/audit")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    for person in (stakeholder, moderator):
        auth.login(person.email)
        response = client.get("/audit")
        assert response.status_code == 403, person.email
        assert "Only the secretariat can read the audit log." in html_of(response)
        auth.logout()


def test_the_menu_links_to_the_log_for_the_secretariat(client, auth, version, stakeholder):
    auth.login(stakeholder.email)
    assert 'href="/audit"' not in html_of(client.get("/"))
    auth.logout()
    auth.login("secretariat@example.org")
    assert 'href="/audit"' in html_of(client.get("/"))


def test_the_log_shows_what_was_done_newest_first(client, signed_in, create_version):
    version = create_version(status="draft")
    paragraph = _paragraph(version, 4)
    drafts.update_paragraph(
        signed_in,
        paragraph,
        kind="operative",
        number_label="1",
        body="*Reaffirms* the shared vision;",
        is_subparagraph=False,
        row_version=paragraph.row_version,
    )
    drafts.open_version(signed_in, version)
    audit.record(signed_in, "comment.hide", "comment", 42, after={"status": "hidden"})
    db.session.commit()

    html = html_of(client.get("/audit"))
    assert "The chain of 5 events is intact" in html
    rows = rows_of(html)
    assert len(rows) == 5
    actions = [re.search(r"<code>([^<]+)</code>", row).group(1) for row in rows]
    assert actions == [
        "comment.hide",
        "version.open",
        "paragraph.update",
        "version.create",
        "consultation.create",
    ]
    hide, opened, updated, created, consultation = rows
    assert "Olena Kravets" in hide
    assert 'href="/comments/42"' in hide
    assert 'href="/c/wsis20/v/1"' in opened
    # Only what changed: the status and the opening time, not the label.
    assert "Status:" in opened and "Label:" not in opened
    assert "wsis20 · Zero draft" in opened
    assert "<del>draft</del>" in opened and "<ins>open</ins>" in opened
    assert "Opens:" in opened and "UTC" in opened
    assert f'href="/c/wsis20/v/1#{paragraph.anchor}"' in updated
    # An edited text reads as a word-level difference.
    assert "Text:" in updated and "Number:" not in updated
    assert "<ins>shared </ins>" in updated and "<del>" in updated
    # A new object lists what it was given, without empty fields.
    assert re.search(r"Paragraphs:</span>\s*8\s*</li>", created) and "<del>" not in created
    assert "Document symbol" not in created
    assert 'href="/c/wsis20"' in consultation


def test_the_page_is_labelled_for_everyone(client, signed_in, version):
    html = html_of(client.get("/audit"))
    for input_id in re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', html):
        assert f'for="{input_id}"' in html, input_id
    assert 'type="date"' in html
    assert "<caption>" in html
    assert html.count('<th scope="col">') == 6


def test_the_log_filters(client, signed_in, moderator, version):
    audit.record(moderator, "comment.hide", "comment", 7, after={"status": "hidden"})
    audit.record(moderator, "comment.publish", "comment", 8, after={"status": "published"})
    db.session.commit()

    def actions(**args) -> list[str]:
        response = client.get("/audit", query_string=args)
        assert response.status_code == 200
        rows = rows_of(html_of(response))
        return [re.search(r"<code>([^<]+)</code>", row).group(1) for row in rows]

    assert actions(actor="okafor") == ["comment.publish", "comment.hide"]
    assert actions(action="version.open") == ["version.open"]
    assert actions(object_type="comment", object_id="7") == ["comment.hide"]
    today = dt.datetime.now(dt.UTC).date()
    around = {"date_from": today - dt.timedelta(days=1), "date_to": today + dt.timedelta(days=1)}
    assert len(actions(**{name: day.isoformat() for name, day in around.items()})) == 5
    response = client.get("/audit", query_string={"date_to": "2000-01-01"})
    assert rows_of(html_of(response)) == []
    assert "No event matches these filters." in html_of(response)

    html = html_of(client.get("/audit", query_string={"action": "comment.hide"}))
    assert '<option value="comment.hide" selected>' in html
    assert '<option value="version.create">' in html
    assert "1 event matches" in html
    assert 'href="/audit"' in html  # the way back to every event


def test_a_filter_not_understood_is_marked(client, signed_in, version):
    response = client.get("/audit", query_string={"date_from": "yesterday", "object_id": "x"})
    assert response.status_code == 400
    html = html_of(response)
    assert "Give a date as year-month-day" in html
    assert "Give the object&#39;s number" in html
    assert 'aria-describedby="filter-date_from-error"' in html
    assert 'value="yesterday"' in html
    assert len(rows_of(html)) == 3  # the rest of the filters still apply: none here


def test_the_log_has_pages_that_keep_the_filters(client, signed_in):
    for i in range(55):
        audit.record(signed_in, "comment.hide", "comment", i)
    audit.record(signed_in, "version.open", "version", 1)
    db.session.commit()
    html = html_of(client.get("/audit", query_string={"action": "comment.hide"}))
    assert len(rows_of(html)) == 50
    assert "Page 1 of 2" in html
    assert 'href="/audit?page=2&amp;action=comment.hide"' in html
    html = html_of(client.get("/audit", query_string={"action": "comment.hide", "page": 2}))
    assert len(rows_of(html)) == 5
    assert 'rel="prev"' in html and 'rel="next"' not in html


def test_a_tampered_chain_is_named_at_the_top(client, signed_in, version):
    db.session.execute(text("UPDATE audit_event SET actor_name = 'Nobody' WHERE sequence = 2"))
    db.session.commit()
    html = html_of(client.get("/audit"))
    assert "The chain is broken at event 2" in html
    assert "version.create" in html.split("The chain is broken", 1)[1].split("</p>", 1)[0]
    assert "its content does not match its hash" in html
    assert 'class="audit-broken"' in html


def test_the_number_of_queries_does_not_grow_with_the_events(
    client, signed_in, create_version, count_queries
):
    version = create_version(status="draft")
    paragraph = _paragraph(version, 4)

    def add_events(n: int) -> None:
        for i in range(n):
            audit.record(signed_in, "comment.hide", "comment", i, after={"status": "hidden"})
            audit.record(signed_in, "paragraph.update", "paragraph", paragraph.id)
            audit.record(signed_in, "version.update", "version", version.id)
            audit.record(signed_in, "consultation.update", "consultation", version.consultation_id)
        db.session.commit()

    add_events(1)
    with count_queries() as few:
        assert client.get("/audit").status_code == 200
    add_events(15)
    with count_queries() as many:
        html = html_of(client.get("/audit"))
    assert len(rows_of(html)) == 50
    assert many.count == few.count, many.statements


def test_the_history_partial_lists_one_objects_events(app, secretariat, moderator):
    audit.record(moderator, "comment.hide", "comment", 3,
                 before={"status": "published", "moderation_reason": ""},
                 after={"status": "hidden", "moderation_reason": "Off topic"})
    audit.record(secretariat, "comment.restore", "comment", 3,
                 before={"status": "hidden"}, after={"status": "published"})
    audit.record(secretariat, "comment.hide", "comment", 4)
    db.session.commit()
    with app.test_request_context():
        html = render_template(
            "audit/_history.html",
            events=audit.history_of("comment", 3),
            history_heading="Moderation history",
            history_level=3,
        )
    assert '<h3 id="history-heading">Moderation history</h3>' in html
    assert html.index("comment.hide") < html.index("comment.restore")
    assert "Tomás Okafor" in html and "Off topic" in html
    assert html.count("<li class=\"audit-history__event\">") == 2
    with app.test_request_context():
        empty = render_template("audit/_history.html", events=[])
    assert "Nothing has been recorded about this yet." in empty
    assert '<h2 id="history-heading">History</h2>' in empty
