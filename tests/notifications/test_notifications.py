"""Telling authors what happened to their input: the notification, the email, the page."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import sqlalchemy
from flask_login import current_user, login_required

from consult.auth.models import User
from consult.comments.models import Comment
from consult.comments.service import post_comment
from consult.database import utcnow
from consult.drafts.models import Version
from consult.drafts.service import get_paragraph
from consult.extensions import db
from consult.notifications.models import Notification
from consult.notifications.service import latest, mark_all_read, notify, unread_count
from tests.conftest import link_in, outbox

HIDDEN = (
    "Your comment on paragraph 1 was hidden by a moderator: it repeats a comment you "
    "posted earlier."
)
PUBLISHED = "Your amendment to paragraph 1 is now published."
MERGED = "Your comment was merged with 41 similar comments on the Internet Governance Forum."
ANSWERED = "The secretariat answered your comment: accepted in Rev.1."
UNREAD_BADGE = re.compile(r'class="badge badge--count">(\d+)')


def a_comment(
    author: User, version: Version, body: str = "Make the IGF mandate permanent."
) -> Comment:
    made = post_comment(author, version, get_paragraph(version, 4), body=body)
    db.session.commit()
    return made


def page(response) -> str:
    return response.get_data(as_text=True)


def unread_in_header(html: str) -> int:
    """The number beside "Notifications" in the header, 0 when there is none."""
    found = UNREAD_BADGE.search(html)
    return int(found.group(1)) if found else 0


def notifications_of(user: User) -> list[Notification]:
    db.session.expire_all()
    return list(
        db.session.execute(
            db.select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
        ).scalars()
    )


# The service ---------------------------------------------------------------------------------


def test_notify_keeps_a_notification_and_mails_the_author_after_commit(app, version, stakeholder):
    commented = a_comment(stakeholder, version)
    before = len(outbox(app))

    notice = notify(stakeholder, "hidden", HIDDEN, comment=commented)
    assert len(outbox(app)) == before, "mail waits for the commit"
    db.session.commit()

    assert (notice.user_id, notice.comment_id, notice.kind, notice.message) == (
        stakeholder.id,
        commented.id,
        "hidden",
        HIDDEN,
    )
    assert notice.read_at is None and notice.created_at is not None
    [message] = outbox(app)[before:]
    assert message["To"] == "amina@example.org"
    assert "Your comment on paragraph 1 was hidden" in message["Subject"]
    body = message.get_content()
    assert "Dear Amina Diallo" in body and HIDDEN in body
    assert link_in(message, "/comments/") == f"/comments/{commented.id}"
    assert link_in(message, "/notifications") == "/notifications"


def test_the_links_in_the_email_lead_to_the_comment_and_the_notifications(
    app, client, auth, version, stakeholder
):
    commented = a_comment(stakeholder, version, body="The **gender digital divide** needs data.")
    before = len(outbox(app))
    notify(stakeholder, "published", PUBLISHED, comment=commented)
    db.session.commit()
    [message] = outbox(app)[before:]

    auth.login("amina@example.org")
    shown = client.get(link_in(message, "/comments/"))
    assert shown.status_code == 200 and "gender digital divide" in page(shown)
    listed = client.get(link_in(message, "/notifications"))
    assert listed.status_code == 200 and PUBLISHED in page(listed)


def test_a_notification_about_no_comment_links_only_to_the_notifications(app, stakeholder):
    before = len(outbox(app))
    notice = notify(stakeholder, "disposition", ANSWERED)
    db.session.commit()

    assert notice.comment_id is None
    [message] = outbox(app)[before:]
    assert "/comments/" not in message.get_content()
    assert link_in(message, "/notifications") == "/notifications"


def test_nothing_is_kept_or_sent_when_the_transaction_rolls_back(app, version, stakeholder):
    commented = a_comment(stakeholder, version)
    before = len(outbox(app))

    notify(stakeholder, "hidden", HIDDEN, comment=commented)
    db.session.rollback()
    assert notifications_of(stakeholder) == []
    assert len(outbox(app)) == before

    # The dropped email does not leave with the next unit of work either.
    notify(stakeholder, "published", PUBLISHED, comment=commented)
    db.session.commit()
    assert [n.message for n in notifications_of(stakeholder)] == [PUBLISHED]
    assert [PUBLISHED in m.get_content() for m in outbox(app)[before:]] == [True]


def test_unread_count_is_per_person_and_mark_all_read_clears_it(
    app, version, stakeholder, other_stakeholder
):
    commented = a_comment(stakeholder, version)
    notify(stakeholder, "published", PUBLISHED, comment=commented)
    notify(stakeholder, "merged", MERGED, comment=commented)
    notify(other_stakeholder, "disposition", ANSWERED)
    db.session.commit()
    assert (unread_count(stakeholder), unread_count(other_stakeholder)) == (2, 1)

    assert mark_all_read(stakeholder) == 2
    db.session.commit()
    assert (unread_count(stakeholder), unread_count(other_stakeholder)) == (0, 1)
    assert all(n.read_at is not None for n in notifications_of(stakeholder))
    assert mark_all_read(stakeholder) == 0, "what was read stays read, with its time"

    notify(stakeholder, "disposition", ANSWERED, comment=commented)
    db.session.commit()
    assert unread_count(stakeholder) == 1


def test_latest_is_newest_first_and_only_the_person_s_own(app, stakeholder, other_stakeholder):
    now = utcnow()
    for days, message in ((3, PUBLISHED), (1, MERGED), (2, HIDDEN)):
        notice = notify(stakeholder, "published", message)
        notice.created_at = now - dt.timedelta(days=days)
    notify(other_stakeholder, "disposition", ANSWERED)
    db.session.commit()

    assert [n.message for n in latest(stakeholder)] == [MERGED, HIDDEN, PUBLISHED]
    assert [n.message for n in latest(stakeholder, limit=2)] == [MERGED, HIDDEN]
    assert [n.message for n in latest(other_stakeholder)] == [ANSWERED]


# The page -------------------------------------------------------------------------------------


def test_the_page_lists_notifications_newest_first_with_the_unread_ones_marked(
    app, client, auth, version, stakeholder
):
    commented = a_comment(stakeholder, version)
    now = utcnow()
    older = notify(stakeholder, "published", PUBLISHED, comment=commented)
    older.created_at = now - dt.timedelta(days=2)
    older.read_at = now - dt.timedelta(days=1)
    newer = notify(stakeholder, "merged", MERGED, comment=commented)
    newer.created_at = now - dt.timedelta(hours=1)
    newest = notify(stakeholder, "disposition", ANSWERED)
    newest.created_at = now
    db.session.commit()

    auth.login("amina@example.org")
    html = page(client.get("/notifications"))

    assert html.index(ANSWERED) < html.index(MERGED) < html.index(PUBLISHED)
    items = re.findall(r'<li class="notification( notification--unread)?">(.*?)</li>', html, re.S)
    assert [(bool(unread), "new</span>" in body) for unread, body in items] == [
        (True, True),
        (True, True),
        (False, False),
    ]
    assert html.count(f'href="/comments/{commented.id}"') == 2  # the answer has no comment
    assert unread_in_header(html) == 2
    assert "Mark all as read" in html


def test_the_header_shows_the_unread_count_on_every_page(app, client, auth, stakeholder):
    auth.login("amina@example.org")
    assert unread_in_header(page(client.get("/"))) == 0

    notify(stakeholder, "published", PUBLISHED)
    notify(stakeholder, "merged", MERGED)
    db.session.commit()
    assert unread_in_header(page(client.get("/"))) == 2
    assert unread_in_header(page(client.get("/notifications"))) == 2


def test_mark_all_as_read_clears_the_count_and_keeps_the_list(app, client, auth, stakeholder):
    notify(stakeholder, "published", PUBLISHED)
    notify(stakeholder, "merged", MERGED)
    db.session.commit()
    auth.login("amina@example.org")

    response = client.post("/notifications/read")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/notifications")

    html = page(client.get("/notifications"))
    assert unread_in_header(html) == 0
    assert PUBLISHED in html and MERGED in html
    assert "notification--unread" not in html and "Mark all as read" not in html
    assert unread_count(stakeholder) == 0


def test_with_nothing_yet_the_page_says_so(app, client, auth, stakeholder):
    auth.login("amina@example.org")
    html = page(client.get("/notifications"))
    assert "Nothing yet." in html and "Mark all as read" not in html


def test_mark_all_as_read_needs_the_form_s_csrf_token(app, client, auth, stakeholder):
    """Tests run with CSRF off; the real application checks the token of the form."""
    notify(stakeholder, "published", PUBLISHED)
    db.session.commit()
    auth.login("amina@example.org")
    app.config["WTF_CSRF_ENABLED"] = True

    assert client.post("/notifications/read").status_code == 400
    assert unread_count(stakeholder) == 1

    form = page(client.get("/notifications"))
    form = form[form.index('action="/notifications/read"') :]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form)
    assert token, "the form carries a CSRF token"
    response = client.post("/notifications/read", data={"csrf_token": token.group(1)})
    assert response.status_code == 302
    assert unread_count(stakeholder) == 0


def test_anonymous_visitors_are_sent_to_sign_in(app, client, stakeholder):
    notify(stakeholder, "published", PUBLISHED)
    db.session.commit()

    response = client.get("/notifications")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login?next=/notifications")

    response = client.post("/notifications/read")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert unread_count(stakeholder) == 1


def test_one_person_never_sees_or_clears_another_s_notifications(
    app, client, auth, version, stakeholder, other_stakeholder
):
    theirs = a_comment(other_stakeholder, version, body="Human rights apply online too.")
    notify(other_stakeholder, "hidden", HIDDEN, comment=theirs)
    notify(stakeholder, "published", PUBLISHED)
    db.session.commit()

    auth.login("amina@example.org")
    html = page(client.get("/notifications"))
    assert PUBLISHED in html
    assert HIDDEN not in html and f"/comments/{theirs.id}" not in html
    assert unread_in_header(html) == 1

    client.post("/notifications/read")
    assert (unread_count(stakeholder), unread_count(other_stakeholder)) == (0, 1)

    auth.logout()
    auth.login("li@example.org")
    html = page(client.get("/notifications"))
    assert HIDDEN in html and PUBLISHED not in html
    assert unread_in_header(html) == 1


# Problems found and fixed ------------------------------------------------------------------


def test_a_multi_line_message_from_a_form_makes_a_clean_subject(app, stakeholder):
    """Browsers send textarea line breaks as CR LF: no bare CR may reach the mail headers."""
    notify(stakeholder, "hidden", "A moderator hid your input.\r\nThe reason given: spam.")
    db.session.commit()
    [sent] = sorted(Path(app.config["MAIL_OUTBOX_DIR"]).glob("*.eml"))
    headers = sent.read_bytes().split(b"\n\n", 1)[0]
    assert b"\r" not in headers


def test_the_error_page_renders_after_a_failed_statement_in_a_write(
    request, app, client, auth, stakeholder
):
    """On PostgreSQL a failed statement aborts the transaction: the error page (whose
    header counts unread notifications) rolls it back first."""

    @login_required
    def fails_on_the_database() -> str:
        assert current_user.is_authenticated
        db.session.execute(sqlalchemy.text("SELECT * FROM no_such_table"))
        return "not reached"

    app.add_url_rule("/_fails", view_func=fails_on_the_database, methods=["POST"])
    app.config["PROPAGATE_EXCEPTIONS"] = False
    auth.login("amina@example.org")

    response = client.post("/_fails")
    assert response.status_code == 500
    assert 'class="site-header"' in page(response)
