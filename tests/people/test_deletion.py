"""Deleting one's account: proven with the password (and second factor), refused for the
last secretariat account; the published input stays under the organization and the name
is gone from every page, export and API answer."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from consult.api import service as api_tokens
from consult.api.models import ApiToken
from consult.audit import service as audit
from consult.auth import service as accounts
from consult.auth.models import RecoveryCode, User
from consult.comments.models import Comment, CommentStatus
from consult.extensions import db
from consult.moderation.models import ModeratorRemark
from consult.notifications.models import Notification
from consult.people import service
from tests.conftest import PASSWORD, outbox, second_factor_code
from tests.people.conftest import EMAIL, NAME, ORGANIZATION, zip_texts

DELETE = "/profile/delete"


def delete_form(**extra):
    return {"password": PASSWORD, "confirm": "y", **extra}


# The form -----------------------------------------------------------------------------------


def test_the_page_explains_what_stays_and_what_goes(client, auth, author, authored):
    auth.login(EMAIL)
    page = client.get(DELETE).get_data(as_text=True)
    assert "What stays and what goes" in page
    assert f"A participant from {ORGANIZATION}" in page
    assert "4 of your inputs will stay" in page  # published, amendment, general, reply
    assert "will be withdrawn" in page
    assert 'autocomplete="current-password"' in page
    assert "Download your data" in page
    profile = client.get("/profile").get_data(as_text=True)
    assert 'href="/profile/delete"' in profile and 'href="/profile/data.zip"' in profile


def test_a_wrong_password_or_no_confirmation_deletes_nothing(client, auth, author):
    auth.login(EMAIL)
    response = client.post(DELETE, data=delete_form(password="not the password"))
    assert response.status_code == 400
    assert "The password is not right." in response.get_data(as_text=True)
    response = client.post(DELETE, data={"password": PASSWORD})
    assert response.status_code == 400
    assert "Tick the box to confirm" in response.get_data(as_text=True)
    db.session.refresh(author)
    assert author.deleted_at is None and author.name == NAME and author.email == EMAIL
    assert client.get("/profile").status_code == 200  # still signed in


def test_a_second_factor_is_asked_for_when_it_is_on(client, auth, create_user):
    person = create_user(email="two@example.org", name="Kofi Two", second_factor=True)
    auth.login("two@example.org")
    page = client.get(DELETE).get_data(as_text=True)
    assert "Code from your authenticator app" in page
    response = client.post(DELETE, data=delete_form(code="000000"))
    assert response.status_code == 400
    db.session.refresh(person)
    assert person.deleted_at is None
    response = client.post(DELETE, data=delete_form(code=second_factor_code("two@example.org")))
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.deleted_at is not None
    assert db.session.execute(
        select(func.count()).select_from(RecoveryCode).where(RecoveryCode.user_id == person.id)
    ).scalar_one() == 0
    assert person.totp_secret is None and person.totp_enabled_at is None


def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert client.get(DELETE).status_code == 302
    assert client.post(DELETE, data=delete_form()).status_code == 302
    assert client.get("/profile/data.zip").status_code == 302


# What deleting does -------------------------------------------------------------------------


def test_deleting_empties_the_account_and_keeps_the_published_input(
    app, client, auth, author, authored
):
    token, secret = api_tokens.create_token(author, "My script")
    db.session.commit()
    assert client.get("/api/v1/consultations",
                      headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    auth.login(EMAIL)
    response = client.post(DELETE, data=delete_form())
    assert response.status_code == 302
    assert client.get("/profile").status_code == 302  # signed out

    db.session.expire_all()
    person = db.session.get(User, author.id)
    assert person.deleted_at is not None and not person.active
    assert person.name == "" and person.email == service.placeholder_email(person.id)
    assert person.password_hash == service.UNUSABLE_PASSWORD
    assert person.organization == ORGANIZATION  # what the input stays under
    for model, column in ((ApiToken, ApiToken.user_id), (Notification, Notification.user_id),
                          (RecoveryCode, RecoveryCode.user_id)):
        assert db.session.execute(
            select(func.count()).select_from(model).where(column == person.id)
        ).scalar_one() == 0

    states = {key: db.session.get(Comment, item.id) for key, item in authored.items()}
    for key in ("published", "amendment", "general", "reply"):
        assert states[key].status == CommentStatus.PUBLISHED, key
        assert states[key].author_name == "" and states[key].body, key
        assert states[key].author_organization == ORGANIZATION
    for key in ("pending", "withdrawn", "hidden"):
        assert states[key].status == CommentStatus.WITHDRAWN, key
        assert states[key].body == "" and states[key].author_name == "", key
    assert states["answer"].author_name == "Li Wenjing"  # others keep theirs

    # The API token stopped working, and the confirmation went to the real address.
    assert client.get("/api/v1/consultations",
                      headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    mail = [m for m in outbox(app) if m["To"] == EMAIL]
    assert "Your consult account is deleted" in mail[-1]["Subject"]

    # The event names the account by number only, and the chain holds.
    event = db.session.execute(
        select(audit.AuditEvent).where(audit.AuditEvent.action == "account.delete")
    ).scalar_one()
    assert event.actor_id == person.id and event.actor_name == ""
    assert event.after["comments_kept"] == 4 and event.after["comments_withdrawn"] == 3
    assert audit.verify().intact


def test_a_deleted_account_cannot_sign_in_and_its_email_can_register_again(
    client, auth, author
):
    auth.login(EMAIL)
    client.post(DELETE, data=delete_form())
    response = auth.login(EMAIL)
    assert response.status_code == 400
    assert "The email or the password is not right." in response.get_data(as_text=True)
    assert accounts.authenticate(service.placeholder_email(author.id), "") is None
    assert accounts.authenticate(service.placeholder_email(author.id),
                                 service.UNUSABLE_PASSWORD) is None
    again = accounts.create_user(email=EMAIL, password="a brand new passphrase",
                                 name="Zephyrine Q.", organization=ORGANIZATION,
                                 stakeholder_group="civil_society", country="SN")
    db.session.commit()
    assert again.id != author.id


def test_other_sessions_of_the_account_end_too(app, author):
    first, second = app.test_client(), app.test_client()
    for browser in (first, second):
        browser.post("/login", data={"email": EMAIL, "password": PASSWORD})
        assert browser.get("/profile").status_code == 200
    first.post(DELETE, data=delete_form())
    assert second.get("/profile").status_code == 302


def test_the_last_secretariat_account_cannot_be_deleted(client, auth, secretariat, create_user):
    auth.login(secretariat.email)
    page = client.get(DELETE).get_data(as_text=True)
    assert "only secretariat account in use" in page
    response = client.post(DELETE, data=delete_form(code=second_factor_code(secretariat.email)))
    assert response.status_code == 403
    db.session.refresh(secretariat)
    assert secretariat.deleted_at is None
    with pytest.raises(service.Forbidden):
        service.delete_account(secretariat, password=PASSWORD, confirmed=True,
                               code=second_factor_code(secretariat.email))
    db.session.rollback()

    # With a second secretariat account in use, the first can go.
    create_user(email="second@example.org", name="Second Secretary", role="secretariat")
    response = client.post(DELETE, data=delete_form(code=second_factor_code(secretariat.email)))
    assert response.status_code == 302
    db.session.refresh(secretariat)
    assert secretariat.deleted_at is not None


def test_a_moderators_remarks_stay_without_the_name(client, auth, moderator, authored):
    auth.login(moderator.email)
    response = client.post(DELETE, data=delete_form(code=second_factor_code(moderator.email)))
    assert response.status_code == 302
    remark = db.session.execute(select(ModeratorRemark)).scalar_one()
    assert remark.author_name == "" and remark.body == "Check the mandate wording."


# The name is nowhere ------------------------------------------------------------------------


def _pages(version, authored) -> list[str]:
    """Every page, export and API answer that shows input or who made it."""
    v = f"/c/{version.consultation.slug}/v/{version.number}"
    api = f"/api/v1/consultations/{version.consultation.slug}/versions/{version.number}"
    p4 = authored["published"].paragraph
    ids = [item.id for item in authored.values()]
    return [
        "/", v, f"{v}/p/4", f"{v}/p/8", f"{v}/general",
        *[f"/comments/{n}" for n in ids], *[f"/comments/{n}/replies" for n in ids],
        f"{v}/compilation", f"{v}/compilation?all=1",
        f"{v}/compilation.csv?all=1", f"{v}/compilation.xlsx?all=1",
        f"{v}/compilation.docx?all=1", f"{v}/addressed", f"{v}/addressed.docx",
        f"{v}/statistics", *[f"{v}/statistics-{what}.csv"
                             for what in ("paragraphs", "groups", "countries", "days")],
        *[f"{v}/export.{kind}" for kind in ("md", "html", "docx", "xml")],
        f"/c/{version.consultation.slug}/history/{p4.lineage_key}",
        "/moderation", "/moderation?status=withdrawn", "/moderation?status=hidden",
        "/moderation?status=pending", *[f"/moderation/comments/{n}" for n in ids],
        f"/moderation/paragraphs/{p4.id}/suggestions",
        "/audit", "/manage/people", "/manage/people?state=deleted",
        f"/manage/people/{authored['published'].author_id}",
        *[f"/comments/{n}/report" for n in ids],
        f"{api}/paragraphs/4/comments", f"{api}/paragraphs/8/comments", f"{api}/comments",
        f"{api}/dispositions", f"{api}/statistics",
        *[f"/api/v1/comments/{n}" for n in ids],
    ]


def _texts(response) -> list[str]:
    data = response.get_data()
    if data.startswith(b"PK"):
        return list(zip_texts(data).values())
    return [data.decode("utf-8", "replace"), json.dumps(response.get_json(silent=True))]


def _where_the_name_is(client, paths: list[str], name: str, *, reader: bool = False
                       ) -> list[str]:
    found = []
    for path in paths:
        response = client.get(path)
        # The secretariat reads every page (the replies' fragment sends browsers without JS
        # to the comment's page); the API, read without a token, shows only public input.
        allowed = (200, 302, 401, 403, 404) if reader or path.startswith("/api/") else (
            200, 302)
        assert response.status_code in allowed, (path, response.status_code)
        if any(name in text for text in _texts(response)):
            found.append(path)
    return found


def test_after_deletion_the_name_is_in_no_page_export_or_api_answer(
    app, client, auth, author, authored, secretariat, version
):
    paths = _pages(version, authored)
    auth.login(secretariat.email)
    before = _where_the_name_is(client, paths, NAME)
    # The name was there to be removed: on the pages, in every kind of export, in the API.
    for expected in ("/comments/", "compilation.csv", "compilation.xlsx", "compilation.docx",
                     "/addressed", "addressed.docx", "/moderation", "/api/v1/", "/manage/people"):
        assert any(expected in path for path in before), expected
    auth.logout()

    deleter = app.test_client()
    deleter.post("/login", data={"email": EMAIL, "password": PASSWORD})
    assert deleter.post(DELETE, data=delete_form()).status_code == 302

    assert _where_the_name_is(client, paths, NAME, reader=True) == []
    auth.login(secretariat.email)
    assert _where_the_name_is(client, paths, NAME) == []  # the secretariat sees everything
    page = client.get(f"/comments/{authored['published'].id}").get_data(as_text=True)
    assert f"A participant from {ORGANIZATION}" in page
    assert "Zephyrine" not in page and EMAIL not in page
    rows = client.get(f"/c/wsis20/v/{version.number}/compilation.csv?all=1").get_data(
        as_text=True)
    assert f"A participant from {ORGANIZATION},{ORGANIZATION}" in rows
    answer = client.get(f"/api/v1/comments/{authored['published'].id}").get_json()
    assert answer["author"]["name"] == f"A participant from {ORGANIZATION}"
    assert answer["author"]["organization"] == ORGANIZATION
    assert audit.verify().intact


def test_without_an_organization_the_input_is_signed_former_participant(
    client, auth, create_user, version
):
    from consult.comments import service as comments
    from consult.drafts import service as drafts

    person = create_user(email="noorg@example.org", name="Ingrid Nobody")
    person.organization = ""
    made = comments.post_comment(person, version, drafts.get_paragraph(version, 4),
                                 body="No organization behind this.")
    db.session.commit()
    service.delete_account(person, password=PASSWORD, confirmed=True)
    db.session.commit()
    page = client.get(f"/comments/{made.id}").get_data(as_text=True)
    assert "Former participant" in page and "Ingrid Nobody" not in page
