"""Verified organizations: the secretariat vouches (and withdraws), the People page lists
and filters, and pages, exports and the API show which input comes from verified
organizations."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from consult.audit import service as audit
from consult.audit.models import AuditEvent
from consult.auth import service as accounts
from consult.comments import service as comments
from consult.comments.models import Comment
from consult.drafts import service as drafts
from consult.errors import Conflict, Forbidden
from consult.extensions import db
from consult.notifications.models import Notification
from consult.people import service
from tests.compilation.conftest import read_csv, read_xlsx, sheet_rows
from tests.people.conftest import EMAIL, NAME, ORGANIZATION, zip_texts

MARK = "verified organization"


def marks(*items: Comment) -> list[bool]:
    for item in items:
        db.session.refresh(item)
    return [item.author_organization_verified for item in items]


# The rule -----------------------------------------------------------------------------------


def test_verifying_marks_the_input_signed_with_that_organization(
    version, author, authored, secretariat
):
    """Decided: verifying also marks what the person already wrote on behalf of the
    organization now verified (the snapshot matches), not what they signed otherwise."""
    old = authored["general"]
    old.author_organization = "Another Coalition"  # signed before the person changed it
    db.session.commit()
    marked = service.verify_organization(secretariat, author, ORGANIZATION)
    db.session.commit()
    assert marked == 6  # the author's seven but the old signature; none of the other's
    assert marks(authored["published"], authored["amendment"], authored["pending"]) == [
        True, True, True]
    assert marks(old, authored["duplicate"], authored["answer"]) == [False, False, False]

    later = comments.post_comment(author, version, drafts.get_paragraph(version, 4),
                                  body="Written once verified.")
    db.session.commit()
    assert later.author_organization_verified is True

    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "person.verify_organization")
    ).scalar_one()
    assert (event.actor_id, event.object_id) == (secretariat.id, author.id)
    assert event.after["organization"] == ORGANIZATION and event.after["comments"] == marked
    assert db.session.execute(
        select(Notification).where(Notification.user_id == author.id,
                                   Notification.kind == "verified")
    ).scalar_one()

    unmarked = service.withdraw_verification(secretariat, author)
    db.session.commit()
    assert unmarked == marked + 1
    assert not any(marks(*authored.values(), later))
    assert author.organization_verified_at is None
    assert db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "person.withdraw_verification")
    ).scalar_one().before["organization"] == ORGANIZATION
    assert audit.verify().intact


def test_only_the_secretariat_verifies_and_only_what_it_saw(
    author, other_stakeholder, moderator, secretariat
):
    for actor in (None, other_stakeholder, moderator):
        with pytest.raises(Forbidden):
            service.verify_organization(actor, author, ORGANIZATION)
    with pytest.raises(Conflict, match="not what your page showed"):
        service.verify_organization(secretariat, author, "Some Other Name")
    service.verify_organization(secretariat, author, ORGANIZATION)
    with pytest.raises(Conflict, match="already verified"):
        service.verify_organization(secretariat, author, ORGANIZATION)
    with pytest.raises(Forbidden):
        service.withdraw_verification(moderator, author)
    db.session.rollback()


def test_changing_the_organization_withdraws_the_verification(
    client, auth, author, authored, secretariat
):
    service.verify_organization(secretariat, author, ORGANIZATION)
    db.session.commit()
    auth.login(EMAIL)
    response = client.post("/profile", data={
        "which": "profile", "profile-name": NAME, "profile-organization": "A New Alliance",
        "profile-stakeholder_group": "civil_society", "profile-country": "SN",
    })
    assert response.status_code == 302
    assert "verification is withdrawn" in client.get("/profile").get_data(as_text=True)
    db.session.refresh(author)
    assert author.organization == "A New Alliance"
    assert author.organization_verified_at is None
    assert not any(marks(authored["published"], authored["amendment"]))
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "person.verification_lapsed")
    ).scalar_one()
    assert event.actor_id is None and event.actor_name == ""
    assert event.before["organization"] == ORGANIZATION


# The People page ----------------------------------------------------------------------------


def test_the_people_page_is_for_the_secretariat(client, auth, author, moderator, secretariat):
    for path in ("/manage/people", f"/manage/people/{author.id}"):
        assert client.get(path).status_code == 302  # to sign in
    for action in ("verify", "withdraw", "data"):
        assert client.post(f"/manage/people/{author.id}/{action}").status_code == 302
    for email in (EMAIL, moderator.email):
        auth.login(email)
        for path in ("/manage/people", f"/manage/people/{author.id}"):
            assert client.get(path).status_code == 403, (email, path)
        for action in ("verify", "withdraw", "data"):
            response = client.post(f"/manage/people/{author.id}/{action}",
                                   data={"organization": ORGANIZATION})
            assert response.status_code == 403, (email, action)
        auth.logout()
    db.session.refresh(author)
    assert author.organization_verified_at is None
    auth.login(secretariat.email)
    assert client.get("/manage/people").status_code == 200
    assert client.get(f"/manage/people/{author.id}").status_code == 200
    assert client.get("/manage/people/99999").status_code == 404


def test_the_secretariat_verifies_and_withdraws_on_the_pages(
    client, auth, author, authored, secretariat
):
    auth.login(secretariat.email)
    page = client.get(f"/manage/people/{author.id}").get_data(as_text=True)
    assert "Verify organization" in page and f'value="{ORGANIZATION}"' in page
    response = client.post(f"/manage/people/{author.id}/verify",
                           data={"organization": ORGANIZATION, "back": "/manage/people"})
    assert response.status_code == 302 and response.location.endswith("/manage/people")
    page = client.get("/manage/people").get_data(as_text=True)
    assert "is verified for this account" in page
    assert MARK in page and "Withdraw verification" in page
    person = client.get(f"/manage/people/{author.id}").get_data(as_text=True)
    assert "Verified on" in person and "By Olena Kravets." in person
    assert "<code>person.verify_organization</code>" in person  # its history
    assert marks(authored["published"]) == [True]

    # A page showing an organization the person has since changed verifies nothing.
    response = client.post(f"/manage/people/{author.id}/withdraw", data={})
    assert response.status_code == 302
    db.session.refresh(author)
    assert author.organization_verified_at is None
    response = client.post(f"/manage/people/{author.id}/verify",
                           data={"organization": "What the page showed before"})
    assert response.status_code == 302
    assert "not what your page showed" in client.get(response.location).get_data(as_text=True)
    db.session.refresh(author)
    assert author.organization_verified_at is None


def test_the_people_list_searches_filters_and_pages(
    client, auth, author, other_stakeholder, secretariat, create_user
):
    service.verify_organization(secretariat, author, ORGANIZATION)
    db.session.commit()
    auth.login(secretariat.email)

    def listed(query: str) -> str:
        response = client.get(f"/manage/people?{query}")
        assert response.status_code == 200, query
        return response.get_data(as_text=True)

    found = listed("q=quillfeather")
    assert NAME in found and "Li Wenjing" not in found and "1 account" in found
    found = listed("q=minato")  # the organization
    assert "Li Wenjing" in found and NAME not in found
    found = listed("verified=yes")
    assert NAME in found and "Li Wenjing" not in found
    found = listed("verified=no&group=academia")
    assert "Li Wenjing" in found and NAME not in found
    found = listed("role=secretariat")
    assert "Olena Kravets" in found and NAME not in found
    found = listed("q=%25_")  # LIKE wildcards are taken literally
    assert "No account matches these filters." in found
    assert client.get("/manage/people?verified=maybe").status_code == 400

    for n in range(service.PER_PAGE):
        accounts.create_user(email=f"many{n}@example.org", password="a long passphrase here",
                             name=f"Many {n:02d}", organization="Many Voices",
                             stakeholder_group="academia", country="FR", verified=True)
    db.session.commit()
    first = listed("q=many")
    assert f"{service.PER_PAGE} accounts" in first and "Page 1 of 1" not in first
    first = listed("")
    assert "Page 1 of 2" in first and 'rel="next"' in first
    second = listed("page=2")
    assert "Page 2 of 2" in second and 'rel="prev"' in second
    assert listed("page=99").count("<tr id=\"person-") >= 1  # the last page


def test_the_people_page_reads_a_fixed_number_of_queries(
    client, auth, author, secretariat, create_user, count_queries
):
    auth.login(secretariat.email)

    def queries() -> int:
        with count_queries() as counter:
            response = client.get("/manage/people")
            assert response.status_code == 200
        return counter.count

    before = queries()
    for n in range(12):
        person = create_user(email=f"v{n}@example.org", name=f"Verified {n}",
                             organization=f"Organization {n}")
        service.verify_organization(secretariat, person, person.organization)
    db.session.commit()
    assert queries() == before


def test_a_deleted_account_is_listed_apart_without_name_or_email(
    client, auth, author, secretariat
):
    service.verify_organization(secretariat, author, ORGANIZATION)
    service.erase(author)
    db.session.commit()
    auth.login(secretariat.email)
    listed = client.get("/manage/people").get_data(as_text=True)
    assert NAME not in listed and f"Deleted account {author.id}" not in listed
    deleted = client.get("/manage/people?state=deleted").get_data(as_text=True)
    assert f"Deleted account {author.id}" in deleted and NAME not in deleted
    assert EMAIL not in deleted and service.DELETED_DOMAIN not in deleted
    # Its verification can still be withdrawn, not given again.
    assert "Withdraw verification" in deleted
    service.withdraw_verification(secretariat, author)
    with pytest.raises(Conflict, match="deleted by its owner"):
        service.verify_organization(secretariat, author, ORGANIZATION)
    db.session.rollback()


# The mark wherever input is shown -----------------------------------------------------------


@pytest.fixture
def verified(author, authored, secretariat):
    service.verify_organization(secretariat, author, ORGANIZATION)
    db.session.commit()
    return authored


def test_pages_say_which_input_comes_from_a_verified_organization(
    client, auth, version, verified, secretariat
):
    v = f"/c/wsis20/v/{version.number}"
    published, other = verified["published"], verified["other"]
    page = client.get(f"/comments/{published.id}").get_data(as_text=True)
    assert f'{MARK}</span>' in page and 'class="verified-mark"' in page
    thread = client.get(f"{v}/p/8").get_data(as_text=True)
    assert thread.count('class="verified-mark"') == 1  # the amendment, not the other's
    assert MARK in client.get(f"{v}/addressed").get_data(as_text=True)
    assert client.get(f"/comments/{other.id}").get_data(as_text=True).count(
        'class="verified-mark"') == 1  # the author's reply, not the other's comment

    auth.login(secretariat.email)
    queue = client.get("/moderation?verified=1").get_data(as_text=True)
    assert f"#{published.id} " in queue and f"#{other.id} " not in queue
    assert MARK in queue
    assert MARK in client.get(f"/moderation/comments/{published.id}").get_data(as_text=True)
    only = client.get(f"{v}/compilation?verified=1").get_data(as_text=True)
    assert "From verified organizations only" in only


def test_exports_and_the_api_say_which_input_comes_from_a_verified_organization(
    client, version, verified
):
    v = f"/c/wsis20/v/{version.number}"
    published, other = verified["published"], verified["other"]
    rows = {int(row["No."]): row for row in read_csv(client.get(f"{v}/compilation.csv")
                                                      .get_data())}
    assert rows[published.id]["Organization verified"] == "yes"
    assert rows[other.id]["Organization verified"] == "no"
    only = read_csv(client.get(f"{v}/compilation.csv?verified=1").get_data())
    assert {int(row["No."]) for row in only} == {
        verified[key].id for key in ("published", "amendment", "general")}

    book = read_xlsx(client.get(f"{v}/compilation.xlsx").get_data())
    cells = {row["No."]: row["Organization verified"]
             for name in book.sheetnames[1:] for row in sheet_rows(book[name])}
    assert cells[published.id] == "yes" and cells[other.id] == "no"

    document = zip_texts(client.get(f"{v}/compilation.docx").get_data())["word/document.xml"]
    assert "Organization verified" in document
    report = zip_texts(client.get(f"{v}/addressed.docx").get_data())["word/document.xml"]
    assert f"{NAME}, {ORGANIZATION} ({MARK})" in report

    answer = client.get(f"/api/v1/comments/{published.id}").get_json()
    assert answer["author"]["organization_verified"] is True
    assert client.get(f"/api/v1/comments/{other.id}").get_json()[
        "author"]["organization_verified"] is False
    schema = client.get("/api/v1/openapi.json").get_json()
    assert "organization_verified" in schema["components"]["schemas"]["Author"]["properties"]


# The command line ---------------------------------------------------------------------------


def test_the_command_line_verifies_and_withdraws(runner, author, authored, secretariat):
    result = runner.invoke(args=["consult", "verify-organization", "--email", EMAIL])
    assert result.exit_code == 0, result.output
    assert f"Verified {ORGANIZATION!r}" in result.output
    db.session.expire_all()
    assert db.session.get(type(author), author.id).organization_verified_at is not None
    result = runner.invoke(args=["consult", "verify-organization", "--email", EMAIL])
    assert result.exit_code == 1 and "already verified" in result.output
    result = runner.invoke(args=["consult", "verify-organization", "--email", EMAIL,
                                 "--withdraw"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(type(author), author.id).organization_verified_at is None
    assert not any(marks(*authored.values()))
    result = runner.invoke(args=["consult", "verify-organization", "--email",
                                 "nobody@example.org"])
    assert result.exit_code == 1 and "No account has the email" in result.output

