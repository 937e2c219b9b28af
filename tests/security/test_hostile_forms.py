"""Every text field of the site's forms, sent every payload of tests/security/payloads/ and
a 100,000-character word: each request is either taken, and the database holds the text as
sent (cleaned as consult.fields documents), or refused with a message and the text kept in
the form; never a server error, and no table gains or loses a row it should not."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from markupsafe import escape
from sqlalchemy import delete, select, update

from consult.api.models import ApiToken
from consult.auth.models import User
from consult.comments import service as comments
from consult.comments.models import Comment, CommentStatus
from consult.drafts.importer import PARAGRAPH_MAX_LENGTH
from consult.drafts.models import Consultation, Paragraph, Version
from consult.extensions import db
from consult.moderation.models import ModeratorRemark, Report
from tests.conftest import PASSWORD
from tests.security import hostile

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


def stripped(value: str) -> str:
    return hostile.stored_form(value).strip()


@dataclass
class Case:
    """One form field: how to send a value, where it is stored, what a success adds."""

    send: Callable[[str], object]
    read: Callable[[], str | None]
    limit: int
    growth: dict[str, int] = field(default_factory=dict)
    # Rows the sending itself makes, whether the form is taken or refused.
    made: dict[str, int] = field(default_factory=dict)
    separator: str = "\n"
    expect: Callable[[str], str] = stripped
    after: Callable[[], None] = lambda: None


class World:
    """Accounts, an open version with a comment, a draft version to edit."""

    def __init__(self, client, auth, create_user, create_version, secretariat) -> None:
        self.client = client
        self.auth = auth
        self.author = create_user(email="author@example.org", name="Amina Diallo")
        self.reader = create_user(email="reader@example.org", name="Li Wenjing")
        self.moderator = create_user(email="mod@example.org", name="Tomás", role="moderator")
        create_user(email=hostile.CANARY_EMAIL, name="Canary")
        self.secretariat = secretariat
        self.version = create_version()
        self.draft = create_version(slug="draft-text", status="draft", label="Draft")
        self.comment = comments.post_comment(
            self.author, self.version, self._paragraph(self.version, 4), body="Agreed."
        )
        db.session.commit()
        self.numbers = itertools.count(1)
        self.signed_in: str | None = None

    @staticmethod
    def _paragraph(version: Version, position: int) -> Paragraph:
        return db.session.execute(
            select(Paragraph).where(Paragraph.version_id == version.id,
                                    Paragraph.position == position)
        ).scalar_one()

    def sign_in(self, email: str | None) -> None:
        if self.signed_in == email:
            return
        self.auth.logout()
        if email is not None:
            response = self.auth.login(email)
            assert response.status_code == 302, response.get_data(as_text=True)[:500]
        self.signed_in = email

    def post(self, email: str | None, path: str, data: dict):
        self.sign_in(email)
        return hostile.post_form(self.client, path, data)

    def next(self) -> int:
        return next(self.numbers)

    def latest(self, column):
        return db.session.execute(
            select(column).order_by(column.class_.id.desc()).limit(1)
        ).scalar_one_or_none()


# The cases -------------------------------------------------------------------------------------


def _register(world: World, name: str) -> Case:
    def send(value: str):
        world.sign_in(None)
        number = world.next()
        fields = {
            "email": f"new{number}@example.org",
            "password": PASSWORD,
            "confirm": PASSWORD,
            "name": "Ngozi Okonjo",
            "organization": "Digital Rights Africa",
            "stakeholder_group": "civil_society",
            "country": "NG",
            "accept_terms": "y",
            name: value,
        }
        if name == "password":
            fields["confirm"] = value
        response = hostile.post_form(world.client, "/register", fields)
        world.signed_in = "?"  # registering signs the new account in
        return response

    column = getattr(User, name)
    expect = (lambda value: stripped(value).lower()) if name == "email" else stripped
    return Case(send, lambda: world.latest(column), 254 if name == "email" else 200,
                {"user": 1}, separator=" ", expect=expect)


def _profile(world: World, name: str) -> Case:
    def send(value: str):
        return world.post(world.author.email, "/profile", {
            "which": "profile",
            "profile-name": "Amina Diallo",
            "profile-organization": "Network for Digital Justice",
            "profile-stakeholder_group": "civil_society",
            "profile-country": "KE",
            f"profile-{name}": value,
        })

    def read():
        return db.session.get(User, world.author.id).__getattribute__(name)

    return Case(send, read, 200, separator=" ")


def _lookup(world: World, path: str, fields: dict) -> Case:
    """A form that only looks an email address up: nothing is stored, nothing may break."""

    def send(value: str):
        return world.post(None, path, {**fields, "email": value})

    return Case(send, lambda: None, 254, separator=" ")


def _email_change(world: World) -> Case:
    def send(value: str):
        return world.post(world.reader.email, "/profile", {
            "which": "email", "email-email": value, "email-current_password": PASSWORD,
        })

    return Case(send, lambda: None, 254, separator=" ")


def _token(world: World) -> Case:
    def send(value: str):
        return world.post(world.author.email, "/profile/tokens", {"token-name": value})

    def revoke_all():
        db.session.execute(update(ApiToken).values(revoked_at=db.func.now()))
        db.session.commit()

    return Case(send, lambda: world.latest(ApiToken.name), 100, {"api_token": 1},
                separator=" ", after=revoke_all)


def _consultation(world: World, name: str) -> Case:
    def send(value: str):
        fields = {"title": "WSIS+20 review", "slug": f"c{world.next()}", "summary": "", name: value}
        return world.post(world.secretariat.email, "/manage/consultations/new", fields)

    return Case(send, lambda: world.latest(getattr(Consultation, name)),
                300 if name == "title" else 5000, {"consultation": 1, "audit_event": 1},
                separator=" " if name == "title" else "\n")


def _version_settings(world: World, name: str) -> Case:
    def send(value: str):
        fields = {"label": "Draft", "document_symbol": "", "moderation": "post", name: value}
        return world.post(world.secretariat.email, "/manage/c/draft-text/v/1", fields)

    def read():
        return getattr(db.session.get(Version, world.draft.id), name)

    return Case(send, read, 100, {"audit_event": 1}, separator=" ")


def _new_version(world: World) -> Case:
    def send(value: str):
        return world.post(world.secretariat.email, "/manage/c/draft-text/versions/new",
                          {"label": value, "moderation": "post"})

    return Case(send, lambda: world.latest(Version.label), 100,
                {"version": 1, "audit_event": 1}, separator=" ")


def _paragraph(world: World, name: str) -> Case:
    paragraph = world._paragraph(world.draft, 4)

    def send(value: str):
        current = db.session.get(Paragraph, paragraph.id)
        fields = {"kind": "operative", "number_label": "1", "body": "Reaffirms the vision.",
                  "row_version": str(current.row_version), name: value}
        return world.post(world.secretariat.email,
                          "/manage/c/draft-text/v/1/p/4/edit", fields)

    def read():
        return getattr(db.session.get(Paragraph, paragraph.id), name)

    return Case(send, read, 30 if name == "number_label" else PARAGRAPH_MAX_LENGTH,
                {"audit_event": 1},
                separator=" " if name == "number_label" else "\n")


def _new_paragraph(world: World) -> Case:
    def send(value: str):
        return world.post(world.secretariat.email, "/manage/c/draft-text/v/1/p/new",
                          {"kind": "operative", "body": value, "after_position": "8"})

    return Case(send, lambda: world.latest(Paragraph.body), PARAGRAPH_MAX_LENGTH,
                {"paragraph": 1, "audit_event": 1})


def _comment(world: World, name: str, kind: str = "comment") -> Case:
    def send(value: str):
        fields = {"kind": kind, "body": "The reason.", "submission_key": f"k{world.next()}",
                  "send": "Send", name: value}
        return world.post(world.reader.email, "/c/wsis20/v/1/p/4", fields)

    limit = {"body": 20_000, "proposed_text": 10_000, "quote": 1000}[name]
    return Case(send, lambda: world.latest(getattr(Comment, name)), limit, {"comment": 1})


def _general(world: World) -> Case:
    def send(value: str):
        return world.post(world.reader.email, "/c/wsis20/v/1/general",
                          {"body": value, "submission_key": f"k{world.next()}", "send": "Send"})

    return Case(send, lambda: world.latest(Comment.body), 20_000, {"comment": 1})


def _reply(world: World) -> Case:
    def send(value: str):
        return world.post(world.reader.email, f"/comments/{world.comment.id}/reply",
                          {"body": value, "submission_key": f"k{world.next()}", "send": "Send"})

    return Case(send, lambda: world.latest(Comment.body), 20_000, {"comment": 1})


def _edit(world: World) -> Case:
    def send(value: str):
        current = db.session.get(Comment, world.comment.id)
        return world.post(world.author.email, f"/comments/{world.comment.id}/edit",
                          {"body": value, "row_version": str(current.row_version),
                           "send": "Save changes"})

    return Case(send, lambda: db.session.get(Comment, world.comment.id).body, 20_000)


def _report(world: World) -> Case:
    def send(value: str):
        return world.post(world.reader.email, f"/comments/{world.comment.id}/report",
                          {"reason": "spam", "note": value})

    def forget():
        db.session.execute(delete(Report))
        db.session.commit()

    return Case(send, lambda: world.latest(Report.note), 2000, after=forget)


def _moderate(world: World, action: str) -> Case:
    def send(value: str):
        current = db.session.get(Comment, world.comment.id)
        fields = {"action": action, "selected": str(current.id),
                  f"seen-{current.id}": str(current.row_version), "single": str(current.id),
                  "reason": "", "rationale": "", "disposition": "noted"}
        fields["reason" if action == "hide" else "rationale"] = value
        return world.post(world.moderator.email, "/moderation/act", fields)

    def read():
        current = db.session.get(Comment, world.comment.id)
        return current.moderation_reason if action == "hide" else current.disposition_rationale

    def show_again():
        db.session.execute(update(Comment).where(Comment.id == world.comment.id)
                           .values(status=CommentStatus.PUBLISHED))
        db.session.commit()

    limit = 2000 if action == "hide" else 20_000
    return Case(send, read, limit, {"audit_event": 1, "notification": 1}, after=show_again)


def _remark(world: World) -> Case:
    def send(value: str):
        return world.post(world.moderator.email,
                          f"/moderation/comments/{world.comment.id}/remark", {"body": value})

    return Case(send, lambda: world.latest(ModeratorRemark.body), 5000,
                {"moderator_remark": 1, "audit_event": 1})


def _synthesis(world: World, name: str) -> Case:
    """Two fresh comments each time, merged into a synthesis the moderator writes."""

    def send(value: str):
        paragraph = world._paragraph(world.version, 5)
        made = [
            comments.post_comment(author, world.version, paragraph, body="Same point.")
            for author in (world.author, world.reader)
        ]
        db.session.commit()
        fields = {"action": "merge", "synthesis": "The point they share.",
                  "synthesis_proposed": "", name: value}
        for comment in made:
            fields.setdefault("selected", []).append(str(comment.id))
            fields[f"seen-{comment.id}"] = str(comment.row_version)
        return world.post(world.moderator.email, "/moderation/act", fields)

    column = {"synthesis": Comment.body, "synthesis_proposed": Comment.proposed_text}[name]

    def read():
        return db.session.execute(
            select(column).where(Comment.is_synthesis)
            .order_by(Comment.id.desc()).limit(1)
        ).scalar_one_or_none()

    growth = {"comment": 1, "merge": 1, "merge_member": 2, "audit_event": 2, "notification": 2}
    return Case(send, read, 20_000, growth, made={"comment": 2})


CASES: dict[str, Callable[[World], Case]] = {
    "register.name": lambda w: _register(w, "name"),
    "register.organization": lambda w: _register(w, "organization"),
    "register.email": lambda w: _register(w, "email"),
    "login.email": lambda w: _lookup(w, "/login", {"password": PASSWORD}),
    "forgot-password.email": lambda w: _lookup(w, "/password/forgot", {}),
    "profile.name": lambda w: _profile(w, "name"),
    "profile.organization": lambda w: _profile(w, "organization"),
    "profile.email": _email_change,
    "token.name": _token,
    "consultation.title": lambda w: _consultation(w, "title"),
    "consultation.summary": lambda w: _consultation(w, "summary"),
    "version.label": lambda w: _version_settings(w, "label"),
    "version.document_symbol": lambda w: _version_settings(w, "document_symbol"),
    "new-version.label": _new_version,
    "paragraph.body": lambda w: _paragraph(w, "body"),
    "paragraph.number_label": lambda w: _paragraph(w, "number_label"),
    "new-paragraph.body": _new_paragraph,
    "comment.body": lambda w: _comment(w, "body"),
    "comment.quote": lambda w: _comment(w, "quote"),
    "amendment.proposed_text": lambda w: _comment(w, "proposed_text", "amendment"),
    "general-comment.body": _general,
    "reply.body": _reply,
    "edit.body": _edit,
    "report.note": _report,
    "moderation.hide_reason": lambda w: _moderate(w, "hide"),
    "moderation.rationale": lambda w: _moderate(w, "disposition"),
    "moderation.remark": _remark,
    "moderation.synthesis": lambda w: _synthesis(w, "synthesis"),
    "moderation.synthesis_proposed": lambda w: _synthesis(w, "synthesis_proposed"),
}


@pytest.fixture
def app_config(app_config: dict) -> dict:
    """Hundreds of requests from one address and privileged accounts without a phone:
    rate limits and the second factor have tests of their own."""
    return {**app_config, "RATELIMIT_ENABLED": False, "TWO_FACTOR_ROLES": ()}


@pytest.fixture
def world(client, auth, create_user, create_version, secretariat) -> World:
    return World(client, auth, create_user, create_version, secretariat)


@pytest.mark.parametrize("name", list(CASES))
def test_every_payload_in_every_field(world: World, name: str):
    case = CASES[name](world)
    tables = hostile.table_names()
    expected = hostile.row_counts()
    canary = hostile.canary()
    taken = refused = 0
    values = [*hostile.batches(hostile.ALL, case.limit, case.separator), hostile.LONG_WORD]
    for value in values:
        response = case.send(value)
        what = f"{name} with {value[:80]!r}"
        hostile.assert_no_server_error(response, what)
        page = response.get_data(as_text=True)
        for table, rows in case.made.items():
            expected[table] += rows
        if response.status_code in (201, 302, 303):
            stored = case.read()
            if stored is not None or case.growth:
                assert stored == case.expect(value), what
            taken += 1
            for table, rows in case.growth.items():
                expected[table] += rows
            case.after()
        else:
            assert response.status_code in (400, 403, 409), what
            if response.status_code == 400:
                kept = hostile.stored_form(value)
                assert str(escape(kept)) in page or str(escape(kept.strip())) in page, (
                    f"{what}: the text is not kept in the form"
                )
            refused += 1
        db.session.rollback()
    assert hostile.row_counts() == expected
    assert hostile.table_names() == tables
    assert hostile.canary() == canary
    assert taken + refused == len(values)


def _sample(name: str, length: int) -> str:
    """A value of exactly length characters the field would otherwise take."""
    if name.endswith("email"):
        labels, remaining = [], length - 64 - 1 - len(".org")
        while remaining > 0:
            size = min(61, remaining)
            if remaining - size == 1:  # a lone dot cannot end the name
                size -= 1
            labels.append("d" * size)
            remaining -= size + 1
        return "a" * 64 + "@" + ".".join(labels) + ".org"
    if name == "paragraph.number_label":
        return "9" * length
    return "x" * length


# Fields whose value must also match something (a quote of the paragraph), or that only
# look an address up: only the refusal past the limit is theirs to show.
REFUSED_ONLY = {"comment.quote", "login.email", "forgot-password.email", "profile.email"}


@pytest.mark.parametrize("name", list(CASES))
def test_every_field_takes_its_limit_and_refuses_one_more(world: World, name: str):
    case = CASES[name](world)
    if name not in REFUSED_ONLY:
        value = _sample(name, case.limit)
        assert len(value) == case.limit
        response = case.send(value)
        assert response.status_code in (201, 302, 303), response.get_data(as_text=True)[:3000]
        assert case.read() == value
        case.after()
    value = _sample(name, case.limit + 1)
    response = case.send(value)
    assert response.status_code == 400, name
    page = response.get_data(as_text=True)
    assert f"{case.limit:,}" in page or str(case.limit) in page, name
    assert value in page, f"{name}: the text is not kept in the form"


@pytest.mark.parametrize(("path", "fields"), [
    ("/login", {"email": "author@example.org", "password": "p" * 129}),
    ("/profile", {"which": "password", "password-current_password": "p" * 129,
                  "password-password": PASSWORD, "password-confirm": PASSWORD}),
    ("/profile", {"which": "email", "email-email": "new@example.org",
                  "email-current_password": "p" * 129}),
])
def test_a_password_over_128_characters_is_refused_before_it_is_hashed(
    world: World, path: str, fields: dict
):
    """A megabyte "password" would cost the server its hashing time: refused unread."""
    if path != "/login":
        world.sign_in(world.author.email)
    else:
        world.sign_in(None)
    response = hostile.post_form(world.client, path, fields)
    assert response.status_code == 400
    assert "128" in response.get_data(as_text=True)
