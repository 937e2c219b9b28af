"""Who may use each address of consult: every route and API endpoint, against every role,
the anonymous visitor included, and against other people's objects.

MATRIX below classifies every rule of the application, one line per endpoint (and per
value of an `any(...)` part of its address where the answer differs). A rule it does not
name fails test_every_route_is_classified: classify a new route when you add it. Lines
with "?" are further cases of a classified endpoint: other people's pending, hidden and
withdrawn input, drafts (and their exports, comparisons and API), and ids taken from
another version or paragraph than the one in the address.

The roles: anonymous, unverified (email not confirmed), stakeholder (Amina, who owns the
objects an entry is about), other (Li, another stakeholder), moderator and secretariat
(both signed in with their second factor). Each is signed in once, through the real forms
(tests/conftest.py's Auth). The API is called with each role's own token.

How a refusal looks, checked for every role outside an entry's `allowed`:
- LOGIN: the anonymous visitor is sent to the sign-in page (pages behind login_required);
- 401: the API without a working token (JSON error, WWW-Authenticate);
- 403 / 404 / 409: a signed-in person is refused, told there is nothing (404 hides that
  something exists: drafts, other people's pending comments), or that the object is not
  in a state for it;
- FLASHED: a one-button form whose service refused: back to the page, the reason flashed;
- UNCHANGED: any answer, as long as nothing changed (withdrawing an endorsement one never
  gave).
Whatever the refusal, the database is exactly as before (every table, every row) and no
mail is sent. An allowed role gets a 2xx/3xx (not a sign-in redirect, no error flashed):
so a refusal cannot hide behind a 400 for a form that was not valid.

Beside the matrix, every response to every role is searched for words only some roles may
read (a draft's text and label, pending and hidden comments, private remarks, a person's
email and API token): the "pending comments are invisible everywhere" check. Apart from
it: the API with missing, made-up, revoked and deactivated accounts' tokens, and forms or
API bodies that name another person.

Speed: the application, database and world are built once per module (and database); a
refused request changes nothing, and an allowed one works on objects made for it (or,
for actions that use up an account, as a fresh stand-in of the role).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import itertools
import os
import shutil
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from consult import create_app
from consult.api import service as api_tokens
from consult.api.models import ApiToken
from consult.auth import service as accounts
from consult.auth.models import User
from consult.comments import service as comments
from consult.comments.models import Comment, Endorsement
from consult.database import utcnow
from consult.drafts import service as drafts
from consult.drafts.importer import ParsedDocument
from consult.drafts.models import Consultation, Paragraph, Version
from consult.extensions import db
from consult.moderation import service as moderation
from consult.moderation.models import Merge
from consult.people import service as people
from consult.revisions import service as revisions
from consult.revisions.models import RevisionChange
from tests.conftest import DATABASES, PASSWORD, SAMPLE, Auth, IsolatedClient, _empty_postgres

ANONYMOUS, UNVERIFIED, STAKEHOLDER, OTHER, MODERATOR, SECRETARIAT = ROLES = (
    "anonymous", "unverified", "stakeholder", "other", "moderator", "secretariat"
)
SIGNED_IN = frozenset(ROLES) - {ANONYMOUS}
EVERYONE = frozenset(ROLES)
# Verified accounts: they write, endorse, report and hold API tokens.
WRITERS = frozenset({STAKEHOLDER, OTHER, MODERATOR, SECRETARIAT})
MODERATORS = frozenset({MODERATOR, SECRETARIAT})
SECRETARIAT_ONLY = frozenset({SECRETARIAT})
# The objects an entry is about belong to "stakeholder"; "other" is someone else.
OWNER = frozenset({STAKEHOLDER})

LOGIN = "sign-in page"
FLASHED = "back, with the refusal flashed"

# Words that only some roles may ever read, put into the world below.
DRAFT_LABEL = "Rev.1 DRAFTLABEL"
SECRETS: dict[str, frozenset[str]] = {
    "DRAFTLABEL": SECRETARIAT_ONLY,
    "DRAFTONLYWORDS": SECRETARIAT_ONLY,
    "UNANNOUNCED": SECRETARIAT_ONLY,
    "PENDINGBYAMINA": OWNER | MODERATORS,
    "PENDINGBYLI": frozenset({OTHER}) | MODERATORS,
    "HIDDENBYAMINA": OWNER | MODERATORS,
    "HIDEREASON": OWNER | MODERATORS,
    "WITHDRAWNBYAMINA": OWNER | MODERATORS,
    "NEVERPUBLISHED": OWNER | MODERATORS,
    "MERGEDWHILEPENDING": OWNER | MODERATORS,
    "REMARKFORMODERATORS": MODERATORS,
    "REPORTNOTE": frozenset({OTHER}) | MODERATORS,
    "AMINASSCRIPT": OWNER,
    "amina@example.org": OWNER | MODERATORS,
}


# The world ----------------------------------------------------------------------------------


@dataclass
class World:
    """A consultation with a closed version (v1), its revision in preparation (v2, a draft
    only the secretariat sees) and an open version under pre-moderation (v3), with input of
    every status from two stakeholders, and makers of fresh objects for actions that use
    one up."""

    users: dict[str, User]
    closed: Version
    draft: Version
    open: Version
    draft_only: Paragraph
    objects: dict[str, Any] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    # The TOTP secret of each account with a second factor, by user id.
    otp_secrets: dict[int, str] = field(default_factory=dict)
    counter: itertools.count = field(default_factory=lambda: itertools.count(1))

    def user(self, role: str) -> User | None:
        return self.users.get(role)

    def next(self) -> int:
        return next(self.counter)

    @property
    def third(self) -> User:
        return self.users["third"]

    def paragraph(self, version: Version, position: int = 4) -> Paragraph:
        return drafts.get_paragraph(version, position)

    def comment(self, author: User, status: str = "published", **fields: Any) -> Comment:
        """A fresh comment on paragraph 4 of the open version, in the status asked for."""
        made = comments.post_comment(
            author, self.open, self.paragraph(self.open),
            body=fields.pop("body", f"Input number {self.next()}."), **fields,
        )
        moderator = self.users[MODERATOR]
        if status in ("published", "hidden", "withdrawn"):
            moderation.publish(moderator, [(made, made.row_version)])
        if status == "hidden":
            moderation.hide(moderator, [(made, made.row_version)], "Off topic.")
        if status == "withdrawn":
            comments.withdraw_comment(author, made)
        db.session.commit()
        return made

    def endorsed_by(self, role: str) -> Comment:
        """A fresh published comment that the role's person endorsed (if they can)."""
        made = self.comment(self.third)
        person = self.user(role)
        if role in WRITERS and person is not None:
            comments.endorse(person, made)
            db.session.commit()
        return made

    def scratch(self, status: str = "draft", *, accepted: int = 0) -> Version:
        """A fresh version of a consultation of its own, in the status asked for; with
        `accepted` accepted amendments to paragraph 4 when closed."""
        secretariat = self.users[SECRETARIAT]
        consultation = db.session.execute(
            select(Consultation).where(Consultation.slug == "scratch")
        ).scalar_one_or_none() or drafts.create_consultation(
            secretariat, slug="scratch", title="Scratch"
        )
        version = drafts.create_version(
            secretariat, consultation, label=f"Scratch {self.next()}",
            document=ParsedDocument(paragraphs=list(SAMPLE)),
        )
        if status in ("open", "closed"):
            drafts.open_version(secretariat, version)
        for number in range(accepted):
            amendment = comments.post_comment(
                self.third, version, drafts.get_paragraph(version, 4), kind="amendment",
                body="Better.", proposed_text=f"Reaffirms a better vision, take {number};",
            )
            moderation.set_disposition(
                self.users[MODERATOR], [(amendment, amendment.row_version)], "accepted", "Yes."
            )
        if status == "closed":
            drafts.close_version(secretariat, version)
        db.session.commit()
        return version

    def revision(self, accepted: int = 0) -> Version:
        """A fresh draft revision of a closed scratch version."""
        made = revisions.start_revision(
            self.users[SECRETARIAT], self.scratch("closed", accepted=accepted), "Next"
        )
        db.session.commit()
        return made

    def merge(self) -> Merge:
        """Two fresh published comments of the third person merged into a synthesis."""
        first, second = self.comment(self.third), self.comment(self.third)
        made = moderation.merge(
            self.users[MODERATOR], [(first, first.row_version), (second, second.row_version)],
            synthesis="Both say the same.",
        )
        db.session.commit()
        return made

    def person(self, role: str = STAKEHOLDER, *, second_factor: bool | None = None) -> User:
        """A fresh account like the role's (a stand-in for actions that use an account up,
        such as deleting it); moderators and the secretariat get their second factor."""
        number = self.next()
        person = accounts.create_user(
            email=f"standin{number}@example.org", password=PASSWORD, name=f"Stand In {number}",
            organization="Stand-in Network", stakeholder_group="civil_society", country="KE",
            role=role if role in MODERATORS else "stakeholder", verified=role != UNVERIFIED,
        )
        if second_factor or (second_factor is None and role in MODERATORS):
            self.give_second_factor(person)
        db.session.commit()
        return person

    def give_second_factor(self, person: User) -> None:
        secret = pyotp.random_base32(32)
        accounts.set_up_second_factor(person, secret)
        self.otp_secrets[person.id] = secret

    def token_of(self, role: str) -> ApiToken:
        made, _secret = api_tokens.create_token(self.user(role), f"Script {self.next()}")
        db.session.commit()
        return made


def _user(email: str, name: str, **fields: Any) -> User:
    values = {"password": PASSWORD, "organization": "Network for Digital Justice",
              "stakeholder_group": "civil_society", "country": "KE", "role": "stakeholder",
              "verified": True, **fields}
    made = accounts.create_user(email=email, name=name, **values)
    db.session.commit()
    return made


@pytest.fixture(scope="module", params=DATABASES)
def app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """One application and database for the module: refused requests change nothing and
    allowed ones use objects of their own, so the world is built once (and the matrix runs
    in seconds, not minutes)."""
    folder = tmp_path_factory.mktemp("access")
    if request.param == "sqlite":
        path = folder / "consult.sqlite"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("postgres_schema")
        _empty_postgres(url)
    made = create_app({
        "TESTING": True,
        "SECRET_KEY": "test secret key",
        "DATABASE_URL": url,
        "MAIL_OUTBOX_DIR": str(folder / "outbox"),
        "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": "consult.test",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        # Rate limits are tested in tests/auth; here the same forms are sent many times.
        "RATELIMIT_ENABLED": False,
    })
    made.test_client_class = IsolatedClient
    with made.app_context():
        yield made
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def world(app: Flask) -> World:
    staff = {"organization": "WSIS secretariat", "stakeholder_group": "international_organization",
             "country": "CH"}
    users = {
        SECRETARIAT: _user("olena@example.org", "Olena Kravets", role="secretariat", **staff),
        MODERATOR: _user("tomas@example.org", "Tomás Okafor", role="moderator", **staff),
        STAKEHOLDER: _user("amina@example.org", "Amina Diallo"),
        OTHER: _user("li@example.org", "Li Wenjing", organization="Minato University",
                     stakeholder_group="academia", country="CN"),
        UNVERIFIED: _user("newcomer@example.org", "Noor Haddad", verified=False),
        "third": _user("rafael@example.org", "Rafael Menezes", organization="Ministry",
                       stakeholder_group="government", country="BR"),
        "spare": _user("spare@example.org", "Sam Spare"),
        "spare_unverified": _user("later@example.org", "Lee Later", verified=False),
    }
    secretariat, moderator = users[SECRETARIAT], users[MODERATOR]
    amina, li = users[STAKEHOLDER], users[OTHER]
    consultation = drafts.create_consultation(secretariat, slug="wsis20", title="WSIS+20 outcome")

    # v1, closed, with an accepted amendment that its revision (v2, the draft) applies.
    closed = drafts.create_version(secretariat, consultation, label="Zero draft",
                                   document=ParsedDocument(paragraphs=list(SAMPLE)))
    drafts.open_version(secretariat, closed)
    accepted = comments.post_comment(
        amina, closed, drafts.get_paragraph(closed, 4), kind="amendment", body="Say it better.",
        proposed_text="Reaffirms the shared vision of an information society;",
    )
    moderation.set_disposition(moderator, [(accepted, accepted.row_version)], "accepted", "Yes.")
    drafts.close_version(secretariat, closed)
    draft = revisions.start_revision(secretariat, closed, DRAFT_LABEL)
    draft_only = drafts.insert_paragraph(
        secretariat, draft, after_position=8, kind="operative", number_label="",
        body="*Decides* on DRAFTONLYWORDS nobody outside the secretariat has read.",
    )

    # A consultation being prepared: nothing of it is published yet.
    unannounced = drafts.create_consultation(secretariat, slug="unannounced",
                                             title="UNANNOUNCED consultation")
    drafts.create_version(secretariat, unannounced, label="Zero draft",
                          document=ParsedDocument(paragraphs=list(SAMPLE)))

    # v3, open under pre-moderation.
    open_version = drafts.create_version(
        secretariat, consultation, label="Open text", moderation="pre",
        closes_at=utcnow() + dt.timedelta(days=30),
        document=ParsedDocument(paragraphs=list(SAMPLE)),
    )
    drafts.open_version(secretariat, open_version)
    db.session.commit()
    world = World(users=users, closed=closed, draft=draft, open=open_version,
                  draft_only=draft_only)
    for role in MODERATORS:
        world.give_second_factor(users[role])
    objects = world.objects
    objects["published"] = world.comment(amina, body="Amina's published point.")
    objects["other_published"] = world.comment(li, body="Li's published point.")
    objects["pending"] = world.comment(amina, "pending", body="PENDINGBYAMINA waits.")
    objects["other_pending"] = world.comment(li, "pending", body="PENDINGBYLI waits.")
    objects["hidden"] = world.comment(amina, "published", body="HIDDENBYAMINA said it.")
    moderation.hide(moderator, [(objects["hidden"], objects["hidden"].row_version)],
                    "HIDEREASON: off topic.")
    objects["withdrawn"] = world.comment(amina, "withdrawn", body="WITHDRAWNBYAMINA said.")
    objects["withdrawn_pending"] = world.comment(amina, "pending", body="NEVERPUBLISHED text.")
    comments.withdraw_comment(amina, objects["withdrawn_pending"])
    merged = world.comment(amina, "pending", body="MERGEDWHILEPENDING, the same point.")
    canonical = objects["other_published"]
    moderation.merge(moderator, [(merged, merged.row_version)], into=canonical)
    objects["merged_pending"] = merged
    objects["reply"] = comments.reply(li, objects["published"], body="Li agrees.")
    moderation.publish(moderator, [(objects["reply"], objects["reply"].row_version)])
    comments.endorse(li, objects["published"])
    objects["general"] = comments.post_comment(amina, open_version, None, body="On the whole.")
    moderation.publish(moderator, [(objects["general"], objects["general"].row_version)])
    moderation.report(li, objects["published"], "spam", "REPORTNOTE from Li.")
    moderation.add_remark(moderator, objects["published"], "REMARKFORMODERATORS only.")
    db.session.commit()
    objects["merge"] = world.merge()
    for role in WRITERS:
        made, secret = api_tokens.create_token(
            users[role], "AMINASSCRIPT" if role == STAKEHOLDER else f"{role} script"
        )
        world.tokens[role] = secret
        objects[f"token_{role}"] = made
    db.session.commit()
    return world


# The classification -------------------------------------------------------------------------

Values = dict[str, Any]
Refusal = int | str | tuple[int, ...]
UNCHANGED = "any answer, nothing changed"
# A refusal that may say "forbidden", "there is nothing here" or "not in this state":
# none gives anything away.
DENIED = (403, 404, 409)
NOBODY: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Access:
    """Who may use one endpoint, and what to send it.

    target(world, role) gives the values for the address ("_query": its query string),
    over the defaults of url_values(); data(world, role, values) the body (form fields, or
    JSON for the API; values["_person"] is the account that sends it). refused says how
    signed-in roles outside `allowed` are refused (one answer, a tuple of acceptable ones,
    or one per role), anonymous how the anonymous visitor is. costly: the allowed answer
    is checked for one allowed role only (exports that take a second to make).
    resets: the request signs the client in or out; it is signed in again afterwards.
    ends_at_login: an allowed answer may send to the sign-in page (a flow that ends
    there). stand_in: the allowed roles send it as a fresh account of their role (the
    action uses the account up, e.g. deleting it).
    """

    allowed: frozenset[str]
    refused: Refusal | Mapping[str, Refusal] = 403
    anonymous: Refusal = LOGIN
    target: Callable[[World, str], Values] | None = None
    data: Callable[[World, str, Values], Any] | Mapping[str, Any] | None = None
    costly: bool = False
    resets: bool = False
    ends_at_login: bool = False
    stand_in: bool = False

    def refusal(self, role: str) -> int | str | tuple[int, ...]:
        if role == ANONYMOUS:
            return self.anonymous
        if isinstance(self.refused, Mapping):
            return self.refused[role]
        return self.refused


def everyone(**options: Any) -> Access:
    return Access(EVERYONE, **options)


def api_read(**options: Any) -> Access:
    options.setdefault("allowed", EVERYONE)
    options.setdefault("anonymous", 401)
    return Access(**options)


def api_write(**options: Any) -> Access:
    """Writing through the API: a token of a verified person. The unverified person has no
    token and sends only a session cookie, which the API never reads: 401 as anonymous."""
    options.setdefault("allowed", WRITERS)
    refused = options.pop("refused", 403)
    options["refused"] = {role: 401 if role == UNVERIFIED else refused for role in ROLES}
    return Access(anonymous=401, **options)


def comment_of(key: str) -> Callable[[World, str], Values]:
    return lambda w, role: {"comment_id": w.objects[key].id}


def fresh_comment(author: str, status: str = "published") -> Callable[[World, str], Values]:
    return lambda w, role: {"comment_id": w.comment(w.users[author], status).id}


def on_version(which: str, **more: Any) -> Callable[[World, str], Values]:
    return lambda w, role: {"number": getattr(w, which).number, **more}


def scratch(status: str, **more: Any) -> Callable[[World, str], Values]:
    def make(w: World, role: str) -> Values:
        return {"slug": "scratch", "number": w.scratch(status).number, **more}

    return make


def revision(accepted: int) -> Callable[[World, str], Values]:
    def make(w: World, role: str) -> Values:
        made = w.revision(accepted)
        change = db.session.execute(
            select(RevisionChange).where(RevisionChange.version_id == made.id)
        ).scalars().first()
        return {"slug": "scratch", "number": made.number,
                "change_id": change.id if change else 0}

    return make


def _merge_target(w: World, role: str) -> Values:
    return {"merge_id": w.merge().id}


def _token_target(w: World, role: str) -> Values:
    return {"token_id": w.token_of(STAKEHOLDER).id}


def _reset_target(w: World, role: str) -> Values:
    token = accounts._serializer(accounts.RESET_SALT).dumps(
        {"u": w.users["spare"].id, "h": accounts._password_fingerprint(w.users["spare"])}
    )
    return {"token": token}


def _verify_target(w: World, role: str) -> Values:
    person = w.users["spare_unverified"]
    return {"token": accounts._serializer(accounts.VERIFY_SALT).dumps(
        {"u": person.id, "e": person.email})}


def _email_change_target(w: World, role: str) -> Values:
    person = w.users["spare"]
    return {"token": accounts._serializer(accounts.EMAIL_CHANGE_SALT).dumps(
        {"u": person.id, "old": person.email, "new": f"spare{w.next()}@example.org"})}


def _moderation_act(w: World, role: str, values: Values) -> Values:
    pending = w.comment(w.third, "pending")
    return {"action": "publish", "selected": str(pending.id),
            f"seen-{pending.id}": str(pending.row_version)}


def _dismiss(w: World, role: str, values: Values) -> Values:
    first, second = w.comment(w.third), w.comment(w.third)
    return {"ids": [str(first.id), str(second.id)]}


def _edit(w: World, role: str, values: Values) -> Values:
    found = db.session.get(Comment, values["comment_id"])
    return {"body": "Said better.", "row_version": str(found.row_version)}


def _paragraph_edit(w: World, role: str, values: Values) -> Values:
    version = db.session.execute(
        select(Version).join(Version.consultation)
        .where(Consultation.slug == values["slug"], Version.number == values["number"])
    ).scalar_one()
    found = drafts.get_paragraph(version, values["position"])
    return {"kind": "operative", "number_label": "1", "body": "*Reaffirms* it again;",
            "row_version": str(found.row_version)}


def _settle(w: World, role: str, values: Values) -> Values:
    change = db.session.get(RevisionChange, values["change_id"])
    return {"lineage_key": change.lineage_key, "text": "Reaffirms a settled vision;"}


def _change_elsewhere(w: World, role: str) -> Values:
    """A fresh revision in the address, with a change of another revision."""
    target = revision(1)(w, role)
    elsewhere = revision(1)(w, role)
    return {**target, "change_id": elsewhere["change_id"]}


def _dismiss_elsewhere(w: World, role: str, values: Values) -> Values:
    """Comments on paragraph 5 dismissed as duplicates under paragraph 4's address."""
    on_five = [comments.post_comment(w.third, w.open, w.paragraph(w.open, 5), body=f"Five {n}.")
               for n in range(2)]
    db.session.commit()
    return {"ids": [str(comment.id) for comment in on_five]}


def _import(w: World, role: str, values: Values) -> Values:
    return {"file": (io.BytesIO(b"1. *Decides* to meet again.\n"), "text.md"), "format": ""}


def _login(w: World, role: str, values: Values) -> Values:
    person = w.user(role) or w.users["spare"]
    return {"email": person.email, "password": PASSWORD}


def _register(w: World, role: str, values: Values) -> Values:
    return {"email": f"new{w.next()}@example.org", "password": PASSWORD, "confirm": PASSWORD,
            "name": "Ana Souza", "organization": "Instituto Rede",
            "stakeholder_group": "academia", "country": "BR", "accept_terms": "y"}


def _profile(w: World, role: str, values: Values) -> Values:
    person = w.user(role) or w.users["spare"]
    return {"which": "profile", "profile-name": person.name,
            "profile-organization": person.organization,
            "profile-stakeholder_group": person.stakeholder_group,
            "profile-country": person.country}


def _second_factor(w: World, role: str, values: Values) -> Values:
    """Turn a second factor on (an account without one), or make new recovery codes."""
    person = values["_person"]
    if person is None or accounts.has_second_factor(person):
        return {"which": "recovery", "recovery-current_password": PASSWORD}
    enrolment = accounts.begin_enrolment(person)
    return {"token": enrolment.token, "code": pyotp.TOTP(enrolment.secret).now()}


def _reset_factor(w: World, role: str, values: Values) -> Values:
    return {"email": w.person(STAKEHOLDER, second_factor=True).email}


def _someone(w: World, role: str) -> Values:
    return {"person_id": w.person(STAKEHOLDER).id}


def _someone_verified(w: World, role: str) -> Values:
    person = w.person(STAKEHOLDER)
    people.verify_organization(w.users[SECRETARIAT], person, person.organization)
    db.session.commit()
    return {"person_id": person.id}


def _organization(w: World, role: str, values: Values) -> Values:
    return {"organization": db.session.get(User, values["person_id"]).organization}


def _delete(w: World, role: str, values: Values) -> Values:
    secret = w.otp_secrets.get(values["_person"].id) if values["_person"] else None
    # The code of the next 30 seconds: signing in has just used this one.
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30)
    code = pyotp.TOTP(secret).at(soon) if secret else ""
    return {"password": PASSWORD, "confirm": "y", "code": code}


def _new_password(w: World, role: str, values: Values) -> Values:
    password = f"another good password {w.next()}"
    return {"password": password, "confirm": password}



COMMENT = {"kind": "comment", "body": "A fair point about this paragraph."}
API_COMMENT = {"kind": "comment", "body": "Sent by our script."}

# One line per endpoint: "METHOD endpoint" (":value" for one value of an `any(...)` part
# of the address). "?..." lines are extra cases of an endpoint already classified.
MATRIX: dict[str, Access] = {
    # Reading: anyone.
    "GET health": everyone(),
    "GET drafts.index": everyone(),
    "GET drafts.consultation": everyone(),
    "GET drafts.version": everyone(),
    "GET drafts.compare": everyone(),
    "GET drafts.history": everyone(),
    "GET comments.paragraph": everyone(),
    "GET comments.general": everyone(),
    "GET comments.comment": everyone(),
    "GET comments.replies": everyone(target=lambda w, r: {
        "comment_id": w.objects["published"].id, "_query": {"fragment": "1"}}),
    "GET exports.version_text": everyone(costly=True),
    "GET redline.docx": everyone(costly=True),
    "GET redline.html": everyone(),
    "GET compilation.compilation": everyone(),
    "GET compilation.compilation_download": everyone(costly=True),
    "GET compilation.addressed": everyone(target=on_version("closed")),
    "GET compilation.addressed_download": everyone(target=on_version("closed"), costly=True),
    "GET compilation.statistics": everyone(),
    "GET compilation.statistics_download": everyone(),
    "POST comments.preview": everyone(data={"text": "*Preview* me."}),
    # The secretariat's own compilation, with pending, hidden and withdrawn input.
    "GET compilation.compilation?all": Access(SECRETARIAT_ONLY, anonymous=403, target=lambda w, r: {
        "number": w.open.number, "_query": {"all": "1"}}),
    "GET compilation.compilation_download?all": Access(
        SECRETARIAT_ONLY, anonymous=403, target=lambda w, r: {
            "number": w.open.number, "extension": "csv", "_query": {"all": "1"}}),
    # Accounts.
    "GET auth.login": everyone(),
    # A person with a second factor is sent on to /login/code.
    "POST auth.login": everyone(data=_login, resets=True, ends_at_login=True),
    "POST auth.logout": everyone(resets=True),
    "GET auth.register": everyone(),
    "POST auth.register": everyone(data=_register, resets=True),
    "GET auth.check_email": Access(SIGNED_IN),
    "GET auth.verify_email": everyone(target=_verify_target, ends_at_login=True),
    "POST auth.resend_verification": Access(SIGNED_IN),
    "GET auth.forgot_password": everyone(),
    "POST auth.forgot_password": everyone(data={"email": "spare@example.org"}, ends_at_login=True),
    "GET auth.reset_password": everyone(target=_reset_target),
    "POST auth.reset_password": everyone(target=_reset_target, data=_new_password, resets=True,
                                     ends_at_login=True),
    "GET auth.profile": Access(SIGNED_IN),
    "POST auth.profile": Access(SIGNED_IN, data=_profile),
    "GET auth.confirm_email_change": everyone(target=_email_change_target, ends_at_login=True),
    "GET auth.language": everyone(target=lambda w, r: {"_query": {"lang": "fr"}}),
    "POST auth.api_tokens.create": Access(WRITERS, refused=(FLASHED, 403),
                                          data={"token-name": "Mine"}),
    "POST auth.api_tokens.revoke": Access(OWNER, target=_token_target),
    "GET auth.sign_in_code": everyone(ends_at_login=True),
    "POST auth.sign_in_code": everyone(data={"code": "123456"}, ends_at_login=True),
    "POST auth.sign_out_elsewhere": Access(SIGNED_IN, stand_in=True),
    "GET auth.second_factor": Access(SIGNED_IN),
    "POST auth.second_factor": Access(SIGNED_IN, stand_in=True, data=_second_factor),
    "GET auth.reset_second_factor": Access(SECRETARIAT_ONLY),
    "POST auth.reset_second_factor": Access(SECRETARIAT_ONLY, data=_reset_factor),
    "GET people.download_data": Access(SIGNED_IN),
    "GET people.delete_account": Access(SIGNED_IN),
    # Everyone deletes their own account only (the last secretariat account stays: tested
    # in tests/people); a stand-in of each role does it here.
    "POST people.delete_account": Access(SIGNED_IN, stand_in=True, data=_delete),
    "GET notifications.index": Access(SIGNED_IN),
    "POST notifications.mark_read": Access(SIGNED_IN),
    # Taking part.
    "POST comments.paragraph": Access(WRITERS, anonymous=403, data=COMMENT),
    "POST comments.general": Access(WRITERS, anonymous=403, data={"body": "On the whole."}),
    "POST comments.reply": Access(WRITERS, anonymous=403, target=fresh_comment("third"),
                                  data={"body": "An answer."}),
    "POST comments.act:endorse": Access(WRITERS, refused=FLASHED, target=fresh_comment("third")),
    "POST comments.act:unendorse": Access(
        WRITERS, refused=FLASHED, target=lambda w, r: {"comment_id": w.endorsed_by(r).id}),
    # A pending comment is not there for whoever may not see it.
    "POST comments.act:publish": Access(MODERATORS, refused=404,
                                        target=fresh_comment("third", "pending")),
    "GET comments.edit": Access(OWNER, target=fresh_comment(STAKEHOLDER)),
    "POST comments.edit": Access(OWNER, anonymous=403, target=fresh_comment(STAKEHOLDER),
                                 data=_edit),
    "GET comments.withdraw": Access(OWNER, target=fresh_comment(STAKEHOLDER)),
    "POST comments.withdraw": Access(OWNER, target=fresh_comment(STAKEHOLDER)),
    "GET comments.my_input": Access(SIGNED_IN),
    # "Any signed-in reader can point a moderator to a comment" (moderation/views.py).
    "GET moderation.report": Access(SIGNED_IN, target=fresh_comment("third")),
    "POST moderation.report": Access(SIGNED_IN, target=fresh_comment("third"),
                                     data={"reason": "spam", "note": "Advertising."}),
    # Moderation.
    "GET moderation.queue": Access(MODERATORS),
    "POST moderation.act": Access(MODERATORS, data=_moderation_act),
    "GET moderation.comment": Access(MODERATORS),
    "POST moderation.remark": Access(MODERATORS, data={"body": "Seen it."}),
    "POST moderation.unmerge": Access(MODERATORS, target=_merge_target),
    "GET moderation.suggestions": Access(MODERATORS),
    "POST moderation.dismiss": Access(MODERATORS, data=_dismiss),
    # The secretariat.
    "GET audit.log": Access(SECRETARIAT_ONLY),
    "GET people.index": Access(SECRETARIAT_ONLY),
    "GET people.person": Access(SECRETARIAT_ONLY),
    "POST people.person_data": Access(SECRETARIAT_ONLY),
    "POST people.verify": Access(SECRETARIAT_ONLY, target=_someone, data=_organization),
    "POST people.withdraw": Access(SECRETARIAT_ONLY, target=_someone_verified),
    "GET drafts.new_consultation": Access(SECRETARIAT_ONLY),
    "POST drafts.new_consultation": Access(SECRETARIAT_ONLY, data=lambda w, r, v: {
        "title": "Another", "slug": f"another-{w.next()}", "summary": ""}),
    "GET drafts.new_version": Access(SECRETARIAT_ONLY),
    "POST drafts.new_version": Access(
        SECRETARIAT_ONLY, target=lambda w, r: {"slug": w.scratch().consultation.slug},
        data={"label": "Another", "moderation": "post"}),
    "GET drafts.manage_version": Access(SECRETARIAT_ONLY, target=on_version("draft")),
    "POST drafts.manage_version": Access(SECRETARIAT_ONLY, target=scratch("draft"),
                                         data={"label": "Renamed", "moderation": "post"}),
    "POST drafts.version_action:open": Access(SECRETARIAT_ONLY, target=scratch("draft")),
    "POST drafts.version_action:close": Access(SECRETARIAT_ONLY, target=scratch("open")),
    "POST drafts.version_action:renumber": Access(SECRETARIAT_ONLY, target=scratch("draft")),
    "POST drafts.import_text": Access(SECRETARIAT_ONLY, target=scratch("draft"), data=_import),
    "GET drafts.new_paragraph": Access(SECRETARIAT_ONLY, target=on_version("draft")),
    "POST drafts.new_paragraph": Access(SECRETARIAT_ONLY, target=scratch("draft"), data={
        "kind": "operative", "number_label": "9", "body": "*Decides* more.",
        "after_position": "0"}),
    "GET drafts.edit_paragraph": Access(SECRETARIAT_ONLY, target=on_version("draft")),
    "POST drafts.edit_paragraph": Access(SECRETARIAT_ONLY, target=scratch("draft", position=4),
                                         data=_paragraph_edit),
    "POST drafts.move_paragraph:up": Access(SECRETARIAT_ONLY, target=scratch("draft", position=2)),
    "POST drafts.move_paragraph:down": Access(SECRETARIAT_ONLY,
                                              target=scratch("draft", position=1)),
    "POST drafts.delete_paragraph": Access(SECRETARIAT_ONLY, target=scratch("draft", position=1)),
    "POST revisions.start": Access(SECRETARIAT_ONLY, target=scratch("closed"),
                                   data={"label": "Rev.1"}),
    "GET revisions.changes": Access(SECRETARIAT_ONLY, target=on_version("draft")),
    "POST revisions.decide": Access(SECRETARIAT_ONLY, target=revision(1),
                                    data={"decision": "applied", "text": ""}),
    "POST revisions.settle": Access(SECRETARIAT_ONLY, target=revision(2), data=_settle),
    "POST revisions.open_version": Access(SECRETARIAT_ONLY, target=revision(0)),
    # The API: reading is open; a token that does not work is refused even there.
    "GET api.openapi_document": api_read(),
    "GET api.consultations": api_read(),
    "GET api.consultation": api_read(),
    "GET api.versions": api_read(),
    "GET api.version": api_read(),
    "GET api.paragraphs": api_read(),
    "GET api.paragraph": api_read(),
    "GET api.paragraph_comments": api_read(),
    "GET api.general_comments": api_read(),
    "GET api.comment": api_read(),
    "GET api.dispositions": api_read(),
    "GET api.statistics": api_read(),
    "POST api.post_paragraph_comment": api_write(data=API_COMMENT),
    "POST api.post_general_comment": api_write(data={"body": "Sent by our script."}),
    "POST api.post_reply": api_write(target=fresh_comment("third"), data={"body": "Agreed."}),
    "PUT api.endorse": api_write(target=fresh_comment("third")),
    "DELETE api.withdraw_endorsement": api_write(
        target=lambda w, r: {"comment_id": w.endorsed_by(r).id}),
    # Other people's input that is not public: there is nothing there for whoever may not
    # see it (404), and its author alone may change it.
    "GET comments.comment?pending": Access(OWNER | MODERATORS, refused=404, anonymous=404,
                                           target=comment_of("pending")),
    "GET comments.comment?hidden": Access(OWNER | MODERATORS, refused=404, anonymous=404,
                                          target=comment_of("hidden")),
    "GET comments.comment?withdrawn": Access(OWNER | MODERATORS, refused=404, anonymous=404,
                                             target=comment_of("withdrawn_pending")),
    "GET comments.comment?merged-while-pending": Access(
        OWNER | MODERATORS, refused=404, anonymous=404, target=comment_of("merged_pending")),
    "GET comments.replies?hidden": Access(OWNER | MODERATORS, refused=404, anonymous=404,
                                          target=comment_of("hidden")),
    "GET comments.replies?pending": Access(OWNER | MODERATORS, refused=404, anonymous=404,
                                           target=comment_of("pending")),
    "GET comments.edit?pending": Access(OWNER, refused=DENIED,
                                        target=fresh_comment(STAKEHOLDER, "pending")),
    "POST comments.edit?pending": Access(OWNER, refused=DENIED, anonymous=DENIED,
                                         target=fresh_comment(STAKEHOLDER, "pending"), data=_edit),
    "GET comments.withdraw?pending": Access(OWNER, refused=DENIED,
                                            target=fresh_comment(STAKEHOLDER, "pending")),
    "POST comments.withdraw?pending": Access(OWNER, refused=DENIED,
                                             target=fresh_comment(STAKEHOLDER, "pending")),
    "POST comments.edit?hidden": Access(NOBODY, refused=DENIED, anonymous=DENIED,
                                        target=comment_of("hidden"), data=_edit),
    # Those who see a pending comment (its author, moderators) may answer it.
    "POST comments.reply?pending": Access(frozenset({OTHER}) | MODERATORS, refused=DENIED,
                                          anonymous=DENIED,
                                          target=comment_of("other_pending"),
                                          data={"body": "An answer."}),
    "POST comments.act:endorse?pending": Access(NOBODY, refused=(404, FLASHED),
                                                target=comment_of("other_pending")),
    "POST comments.act:endorse?hidden": Access(NOBODY, refused=(404, FLASHED),
                                               target=comment_of("hidden")),
    # Withdrawing an endorsement one never gave changes nothing (Li's stays).
    "POST comments.act:unendorse?someone-else's": Access(
        frozenset({OTHER}), refused=UNCHANGED,
        target=lambda w, r: {"comment_id": w.endorsed_by(OTHER).id}),
    "GET moderation.report?pending": Access(OWNER | MODERATORS, refused=404,
                                            target=comment_of("pending")),
    "GET api.comment?pending": api_read(allowed=OWNER | MODERATORS, refused=404, anonymous=404,
                                        target=comment_of("pending")),
    "GET api.comment?hidden": api_read(allowed=OWNER | MODERATORS, refused=404, anonymous=404,
                                       target=comment_of("hidden")),
    "PUT api.endorse?pending": api_write(allowed=NOBODY, refused=DENIED,
                                         target=comment_of("other_pending")),
    "POST api.post_reply?pending": api_write(allowed=frozenset({OTHER}) | MODERATORS,
                                             refused=DENIED,
                                             target=comment_of("other_pending"),
                                             data={"body": "Agreed."}),
    "DELETE api.withdraw_endorsement?someone-else's": api_write(
        allowed=frozenset({OTHER}), refused=(*DENIED, UNCHANGED),
        target=lambda w, r: {"comment_id": w.endorsed_by(OTHER).id}),
    # Drafts are the secretariat's: anyone else finds nothing there, nor in exports.
    "GET drafts.version?draft": Access(SECRETARIAT_ONLY, refused=404, anonymous=404,
                                       target=on_version("draft")),
    "GET comments.paragraph?draft": Access(SECRETARIAT_ONLY, refused=404, anonymous=404,
                                           target=on_version("draft")),
    "GET comments.general?draft": Access(SECRETARIAT_ONLY, refused=404, anonymous=404,
                                         target=on_version("draft")),
    "POST comments.paragraph?draft": Access(NOBODY, refused=DENIED, anonymous=DENIED,
                                            target=on_version("draft"), data=COMMENT),
    **{f"GET exports.version_text:{extension}?draft": Access(
        SECRETARIAT_ONLY, refused=404, anonymous=404, target=on_version("draft"))
       for extension in ("md", "html", "docx", "xml", "pdf")},
    "GET compilation.compilation?draft": Access(SECRETARIAT_ONLY, refused=404, anonymous=404,
                                                target=on_version("draft")),
    "GET compilation.compilation_download:csv?draft": Access(
        SECRETARIAT_ONLY, refused=404, anonymous=404, target=on_version("draft")),
    "GET compilation.statistics?draft": Access(SECRETARIAT_ONLY, refused=404, anonymous=404,
                                               target=on_version("draft")),
    "GET compilation.statistics_download:paragraphs?draft": Access(
        SECRETARIAT_ONLY, refused=404, anonymous=404, target=on_version("draft")),
    "GET compilation.addressed?draft": Access(SECRETARIAT_ONLY, refused=404, anonymous=404,
                                              target=on_version("draft")),
    "GET drafts.compare?draft": Access(SECRETARIAT_ONLY, refused=404, anonymous=404,
                                       target=lambda w, r: {"_query": {
                                           "from": w.closed.number, "to": w.draft.number}}),
    "GET redline.html?draft": Access(SECRETARIAT_ONLY, refused=404, anonymous=404,
                                     target=lambda w, r: {"_query": {
                                         "from": w.closed.number, "to": w.draft.number}}),
    "GET redline.docx?draft": Access(SECRETARIAT_ONLY, refused=404, anonymous=404,
                                     target=lambda w, r: {"_query": {
                                         "from": w.closed.number, "to": w.draft.number}}),
    "GET drafts.history?draft": Access(SECRETARIAT_ONLY, refused=404, anonymous=404,
                                       target=lambda w, r: {
                                           "lineage_key": w.draft_only.lineage_key}),
    "GET moderation.suggestions?draft": Access(SECRETARIAT_ONLY, refused=DENIED,
                                               target=lambda w, r: {
                                                   "paragraph_id": w.draft_only.id}),
    "GET moderation.queue?draft": Access(MODERATORS, target=lambda w, r: {"_query": {
        "version": w.draft.id, "paragraph": w.draft_only.id}}),
    "GET drafts.consultation?unannounced": Access(SECRETARIAT_ONLY, refused=404, anonymous=404,
                                                 target=lambda w, r: {"slug": "unannounced"}),
    "GET api.consultation?unannounced": api_read(
        allowed=SECRETARIAT_ONLY, refused=404, anonymous=404,
        target=lambda w, r: {"slug": "unannounced"}),
    "GET api.versions?unannounced": api_read(
        allowed=SECRETARIAT_ONLY, refused=404, anonymous=404,
        target=lambda w, r: {"slug": "unannounced"}),
    "GET api.version?draft": api_read(allowed=SECRETARIAT_ONLY, refused=404, anonymous=404,
                                      target=on_version("draft")),
    "GET api.paragraphs?draft": api_read(allowed=SECRETARIAT_ONLY, refused=404, anonymous=404,
                                         target=on_version("draft")),
    "GET api.statistics?draft": api_read(allowed=SECRETARIAT_ONLY, refused=404, anonymous=404,
                                         target=on_version("draft")),
    "POST api.post_paragraph_comment?draft": api_write(allowed=NOBODY, refused=DENIED,
                                                       target=on_version("draft"),
                                                       data=API_COMMENT),
    # Ids guessed from elsewhere: an object of another version than the one in the address.
    "POST revisions.decide?change-of-another-version": Access(
        NOBODY, refused=DENIED, target=_change_elsewhere, data={"decision": "applied", "text": ""}),
    "POST revisions.settle?change-of-another-version": Access(
        NOBODY, refused=DENIED, target=_change_elsewhere, data=_settle),
    "POST moderation.dismiss?comments-of-another-paragraph": Access(
        NOBODY, refused=(*DENIED, FLASHED), data=_dismiss_elsewhere),
    "GET people.person?no-such-person": Access(NOBODY, refused={
        r: 404 if r == SECRETARIAT else 403 for r in ROLES}, target=lambda w, r: {
            "person_id": 10**6}),
}


# Sending and judging ---------------------------------------------------------------------


def url_values(w: World) -> Values:
    """What every address is filled with unless its entry says otherwise."""
    if "_defaults" not in w.objects:
        w.objects["_defaults"] = {
            "slug": "wsis20",
            "number": w.open.number,
            "position": 4,
            "comment_id": w.objects["published"].id,
            "lineage_key": w.paragraph(w.open).lineage_key,
            "paragraph_id": w.paragraph(w.open).id,
            "merge_id": w.objects["merge"].id,
            "token_id": w.objects["token_stakeholder"].id,
            "person_id": w.users["spare"].id,
            "change_id": 0,
            "token": "not-a-real-token",
        }
    return {**w.objects["_defaults"], "_query": {}}


QUERIES = {
    # Pairs of versions are chosen in the query string.
    "redline.docx": lambda w: {"from": w.closed.number, "to": w.open.number},
    "redline.html": lambda w: {"from": w.closed.number, "to": w.open.number},
    "drafts.compare": lambda w: {"from": w.closed.number, "to": w.open.number},
}

Case = tuple[str, str, str, dict[str, str]]


def _any_parts(rule) -> dict[str, list[str]]:
    return {
        name: sorted(converter.items)
        for name, converter in rule._converters.items()
        if hasattr(converter, "items")
    }


def cases(app: Flask) -> list[Case]:
    """(key, method, endpoint, any-values) for every rule, method and value of its
    `any(...)` parts; key is the MATRIX line that classifies it."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        choices = _any_parts(rule)
        combos = [dict(zip(choices, values, strict=True))
                  for values in itertools.product(*choices.values())] or [{}]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for combo in combos:
                key = f"{method} {rule.endpoint}"
                specific = key + "".join(f":{value}" for value in combo.values())
                found.append((specific if specific in MATRIX else key, method, rule.endpoint,
                              combo))
    return found


def extra_cases(app: Flask) -> list[Case]:
    """The "?" lines of MATRIX: "METHOD endpoint[:value]?what"."""
    found = []
    for key in MATRIX:
        if "?" not in key:
            continue
        method, rest = key.split(" ", 1)
        endpoint, *values = rest.split("?", 1)[0].split(":")
        rule = next(iter(app.url_map.iter_rules(endpoint)), None) if endpoint in (
            app.view_functions) else None
        if rule is None:
            continue  # test_every_route_is_classified names it
        found.append((key, method, endpoint, dict(zip(_any_parts(rule), values, strict=False))))
    return found


@dataclass
class Answer:
    status: int
    location: str
    flashed: list[tuple[str, str]]
    text: str
    is_json: bool
    headers: Any


def _readable(response) -> str:
    """The words of a response, also from inside Word, Excel and zip files."""
    data = response.get_data()
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "".join(
                archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
            )
    return data.decode("utf-8", "replace")


def send(client: FlaskClient, method: str, path: str, query: Mapping[str, Any], body: Any,
         *, api: bool, token: str | None, headers: Mapping[str, str] | None = None) -> Answer:
    sent = dict(headers or {})
    if api and token:
        sent["Authorization"] = f"Bearer {token}"
    options: dict[str, Any] = {"method": method, "query_string": dict(query), "headers": sent}
    if api and body is not None:
        options["json"] = body
    elif body is not None:
        options["data"] = body
    response = client.open(path, **options)
    with client.session_transaction() as session:
        flashed = list(session.pop("_flashes", []))
    return Answer(
        status=response.status_code,
        location=response.headers.get("Location", ""),
        flashed=flashed,
        text=_readable(response),
        is_json=response.is_json,
        headers=response.headers,
    )


def judge_refusal(answer: Answer, expected: Refusal, api: bool) -> str | None:
    """What is wrong with a refusal, or None."""
    if isinstance(expected, tuple):
        if any(judge_refusal(answer, option, api) is None for option in expected):
            return None
    elif expected == UNCHANGED:
        return None
    elif expected == LOGIN:
        if answer.status == 302 and answer.location.startswith("/login"):
            return None
    elif expected == FLASHED:
        if (answer.status == 302 and not answer.location.startswith("/login")
                and any(category == "error" for category, _m in answer.flashed)):
            return None
    elif answer.status == expected:
        if expected == 401 and not (answer.is_json and "WWW-Authenticate" in answer.headers):
            return "a 401 without a JSON error and a WWW-Authenticate header"
        if api and not answer.is_json:
            return "an API refusal that is not JSON"
        return None
    return f"expected {expected}, got {answer.status} {answer.location}".rstrip()


def judge_allowed(answer: Answer, access: Access, endpoint: str) -> str | None:
    if answer.status >= 400:
        return f"allowed, but answered {answer.status}"
    redirected = answer.status in (301, 302, 303)
    if redirected and answer.location.startswith("/login") and not access.ends_at_login:
        return "allowed, but sent to the sign-in page"
    if (redirected and answer.location.startswith("/profile/second-factor")
            and endpoint != "auth.second_factor"):
        return "allowed, but sent to set up a second factor first"
    errors = [message for category, message in answer.flashed if category == "error"]
    if errors:
        return f"allowed, but refused: {errors[0]}"
    return None


def leaks(answer: Answer, role: str) -> list[str]:
    return [word for word, readers in SECRETS.items()
            if role not in readers and word in answer.text]


# Volatile notes a read may write (the last use of a token, the last sign-in).
# (Signing in again, between cases, also notes the second factor's last code.)
VOLATILE = {("api_token", "last_used_at"), ("user", "last_login_at"), ("user", "totp_last_step")}


def snapshot(app: Flask) -> str:
    """Every row of every table, and the mail sent: what a refused request must not change.
    Rows are read raw (no type conversion): the matrix takes a few hundred of these."""
    digest = hashlib.sha256()
    quote = db.engine.dialect.identifier_preparer.quote
    connection = db.session.connection()
    for table in db.metadata.sorted_tables:
        columns = ", ".join(quote(column.name) for column in table.columns
                            if (table.name, column.name) not in VOLATILE)
        order = ", ".join(quote(column.name) for column in table.primary_key.columns)
        rows = connection.exec_driver_sql(
            f"SELECT {columns} FROM {quote(table.name)} ORDER BY {order}"  # noqa: S608
        ).fetchall()
        digest.update(repr((table.name, rows)).encode())
    db.session.commit()
    outbox = app.config["MAIL_OUTBOX_DIR"]
    sent = sorted(os.listdir(outbox)) if os.path.isdir(outbox) else []
    digest.update(repr(sent).encode())
    return digest.hexdigest()


def sign_in(world: World, client: FlaskClient, person: User) -> None:
    """Sign the client in as the person through the real forms (tests/conftest.py's Auth,
    which gives the second factor's code; done here too should it not)."""
    secret = world.otp_secrets.get(person.id)
    if secret:
        # Each code works once; several sign-ins here fall in one 30-second step.
        person.totp_last_step = None
        db.session.commit()
    answer = Auth(client).login(person.email)
    if answer.status_code == 302 and answer.headers["Location"].startswith("/login/code"):
        assert secret, f"{person.email} is asked for a code but has no second factor here"
        client.post("/login/code", data={"code": pyotp.TOTP(secret).now()})
    page = client.get("/notifications")
    assert page.status_code == 200, (
        f"signing in as {person.email} ({person.role}) did not work: "
        f"{page.status_code} {page.headers.get('Location', '')}"
    )


class Visitors:
    """One test client per role, each signed in through the sign-in form as that person."""

    def __init__(self, app: Flask, world: World) -> None:
        self.app, self.world = app, world
        self.clients: dict[str, FlaskClient] = {}
        for role in ROLES:
            self.sign_in(role)

    def sign_in(self, role: str) -> None:
        client = self.app.test_client()
        person = self.world.user(role)
        if person is not None:
            sign_in(self.world, client, person)
        self.clients[role] = client

    def token(self, role: str) -> str | None:
        return self.world.tokens.get(role)


@pytest.fixture(scope="module")
def visitors(app: Flask, world: World) -> Visitors:
    return Visitors(app, world)


def resolve(app: Flask, world: World, access: Access, endpoint: str, combo: dict[str, str],
            role: str, person: User | None, target: Values | None = None,
            ) -> tuple[str, dict[str, Any], Any]:
    """The path, query and body one request of a case sends (target: the entry's target,
    already made)."""
    values = url_values(world)
    values.update(combo)
    if endpoint in QUERIES:
        values["_query"] = QUERIES[endpoint](world)
    if target is not None:
        values.update(target)
    elif access.target is not None:
        values.update(access.target(world, role))
    query = values.pop("_query")
    rule = next(rule for rule in app.url_map.iter_rules(endpoint))
    path_values = {name: values[name] for name in rule.arguments}
    with app.test_request_context():
        from flask import url_for

        path = url_for(endpoint, **path_values)
    values["_person"] = person
    body = access.data(world, role, values) if callable(access.data) else access.data
    if body is None and rule.methods & {"POST", "PUT", "DELETE"} and not endpoint.startswith(
        "api."
    ):
        body = {}
    return path, query, dict(body) if isinstance(body, Mapping) else body


def check_case(app: Flask, world: World, visitors: Visitors, case: Case,
               roles: Iterable[str], expect_allowed: bool) -> list[str]:
    """Send one case as each role; return what went wrong. Refusals: every table and the
    outbox are compared before the first and after the last role's request."""
    key, method, endpoint, combo = case
    access = MATRIX[key]
    api = endpoint.startswith("api.")
    problems = []

    roles = list(roles)
    # A refused request changes nothing, so the refused roles share one target object.
    shared = (access.target(world, roles[0]) if access.target and roles and not expect_allowed
              else None)

    def prepare(role: str) -> tuple[FlaskClient, str | None, tuple[str, dict[str, Any], Any]]:
        client, person, token = visitors.clients[role], world.user(role), visitors.token(role)
        if expect_allowed and access.stand_in:
            person = world.person(role)
            client = app.test_client()
            sign_in(world, client, person)
        return client, token, resolve(app, world, access, endpoint, combo, role, person, shared)

    # Refusals are all made ready first, so that one comparison covers them; an allowed
    # request is made ready just before it is sent, after the one before it has done its
    # work.
    sending = [(role, None if expect_allowed else prepare(role)) for role in roles]
    before = None if expect_allowed or not sending else snapshot(app)
    for role, ready in sending:
        client, token, (path, query, body) = ready or prepare(role)
        where = f"[{key}] {method} {path}{'?' if query else ''}" + "&".join(
            f"{k}={v}" for k, v in query.items()) + f" as {role}"
        try:
            answer = send(client, method, path, query, body, api=api, token=token)
        except Exception as error:  # an error page in production: note it, go on
            db.session.rollback()
            problems.append(f"{where}: raised {error!r}")
            continue
        if expect_allowed:
            problem = judge_allowed(answer, access, endpoint)
        else:
            problem = judge_refusal(answer, access.refusal(role), api)
        if problem:
            problems.append(f"{where}: {problem}")
        for word in leaks(answer, role):
            problems.append(f"{where}: shows {word!r}, which {role} may not read")
        if access.resets and not access.stand_in:
            visitors.sign_in(role)
    if before is not None and snapshot(app) != before:
        problems.append(f"[{key}] refused as {', '.join(r for r, *_x in sending)}, but the "
                        "database or the outbox changed")
    return problems


def test_every_route_is_classified(app):
    """A route that MATRIX does not name, or a line of MATRIX that names no route, fails:
    say who may use a new route when you add it."""
    seen = {key for key, *_rest in cases(app)}
    missing = sorted(seen - set(MATRIX))
    extra = {f"{method} {endpoint}" for key in MATRIX if "?" in key
             for method, endpoint in [key.split("?")[0].split(":")[0].split(" ", 1)]}
    stale = sorted(key for key in (set(MATRIX) - seen) | extra
                   if "?" not in key and key.split(":")[0] not in {
                       seen_key.split(":")[0] for seen_key in seen})
    assert not missing, (
        "Classify these routes in MATRIX (tests/security/test_access_control.py): "
        + ", ".join(missing)
    )
    assert not stale, "MATRIX names routes that no longer exist: " + ", ".join(stale)


def _classified(app: Flask) -> list[Case]:
    return [case for case in cases(app) + extra_cases(app) if case[0] in MATRIX]


def test_every_role_outside_an_entry_is_refused_and_nothing_changes(app, world, visitors):
    """Every role an entry does not allow is refused as it says (login, 401, 403, 404, a
    flashed refusal); the database (every table, every row) and the outbox stay as they
    were; and no answer shows words the role may not read."""
    problems: list[str] = []
    for case in _classified(app):
        refused = [role for role in ROLES if role not in MATRIX[case[0]].allowed]
        problems += check_case(app, world, visitors, case, refused, False)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def test_every_allowed_role_gets_through(app, world, visitors):
    """Every allowed role gets its answer (so a refusal cannot pass for a form that was
    merely not valid), on objects of its own where the action uses one up."""
    problems: list[str] = []
    for case in _classified(app):
        access = MATRIX[case[0]]
        allowed = [role for role in ROLES if role in access.allowed]
        if access.costly:
            allowed = allowed[:1]
        problems += check_case(app, world, visitors, case, allowed, True)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def _bad_credentials(world: World, visitors: Visitors) -> dict[str, tuple[FlaskClient, dict]]:
    """Ways of calling the API without a token that works: (client, headers) by name."""
    anonymous = visitors.clients[ANONYMOUS]
    revoked, revoked_secret = api_tokens.create_token(world.user(STAKEHOLDER), "Revoked")
    api_tokens.revoke_token(world.user(STAKEHOLDER), revoked.id)
    gone = world.person(STAKEHOLDER)
    _made, gone_secret = api_tokens.create_token(gone, "Of a deactivated account")
    gone.active = False
    db.session.commit()
    live = world.tokens[STAKEHOLDER]
    return {
        "no token": (anonymous, {}),
        "a made-up token": (anonymous, {"Authorization": "Bearer " + "x" * len(live)}),
        "a revoked token": (anonymous, {"Authorization": f"Bearer {revoked_secret}"}),
        "the token of a deactivated account": (anonymous,
                                               {"Authorization": f"Bearer {gone_secret}"}),
        "a live token in another scheme": (anonymous, {"Authorization": f"Basic {live}"}),
        "a live token cut short": (anonymous, {"Authorization": f"Bearer {live[:-1]}"}),
        "a signed-in session and no token": (visitors.clients[STAKEHOLDER], {}),
    }


def test_the_api_refuses_every_token_that_does_not_work(app, world, visitors):
    """Every API endpoint that writes, and reading too, answers 401 (JSON, with
    WWW-Authenticate) to a missing, made-up, revoked or deactivated account's token, a
    token in the wrong scheme, and a session cookie without a token; nothing changes."""
    credentials = _bad_credentials(world, visitors)
    chosen = [case for case in _classified(app)
              if case[2].startswith("api.") and (case[1] != "GET" or "?" not in case[0])
              and MATRIX[case[0]].allowed]
    sending = []
    for key, method, endpoint, combo in chosen:
        for name, (client, headers) in credentials.items():
            if method == "GET" and name in ("no token", "a signed-in session and no token"):
                continue  # reading needs no token
            path, query, body = resolve(app, world, MATRIX[key], endpoint, combo, STAKEHOLDER,
                                        world.user(STAKEHOLDER))
            sending.append((f"[{key}] {method} {path} with {name}", client, headers,
                            (method, path, query, body)))
    problems: list[str] = []
    before = snapshot(app)
    for where, client, headers, (method, path, query, body) in sending:
        answer = send(client, method, path, query, body, api=True, token=None,
                      headers=headers)
        problem = judge_refusal(answer, 401, True)
        if problem:
            problems.append(f"{where}: {problem}")
    if snapshot(app) != before:
        problems.append("refused, but the database or the outbox changed")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def test_nobody_acts_on_behalf_of_someone_else(app, world, visitors):
    """Naming another person in a form or an API body changes nothing about who acts:
    the endorsement, the comment and the profile are the signed-in person's (or the
    token's owner's) own."""
    amina, li = world.user(STAKEHOLDER), world.user(OTHER)
    as_amina = visitors.clients[STAKEHOLDER]
    behalf = {"user_id": str(li.id), "user": str(li.id), "author_id": str(li.id),
              "endorser_id": str(li.id)}

    web = world.comment(world.third)
    as_amina.post(f"/comments/{web.id}/endorse", data=behalf)
    api = world.comment(world.third)
    answer = send(visitors.clients[ANONYMOUS], "PUT", f"/api/v1/comments/{api.id}/endorsement",
                  {}, behalf, api=True, token=world.tokens[STAKEHOLDER])
    assert answer.status < 300, answer.text
    endorsers = db.session.execute(
        select(Endorsement.comment_id, Endorsement.user_id)
        .where(Endorsement.comment_id.in_([web.id, api.id]))
    ).all()
    assert sorted(endorsers) == [(web.id, amina.id), (api.id, amina.id)]

    paragraph = f"/c/wsis20/v/{world.open.number}/p/4"
    as_amina.post(paragraph, data={**COMMENT, **behalf, "body": "Said for myself, web."})
    sent = send(visitors.clients[ANONYMOUS], "POST", f"/api/v1/consultations/wsis20/versions/"
                f"{world.open.number}/paragraphs/4/comments", {},
                {**API_COMMENT, **behalf, "body": "Said for myself, API."}, api=True,
                token=world.tokens[STAKEHOLDER])
    authors = db.session.execute(
        select(Comment.body, Comment.author_id).where(Comment.body.like("Said for myself%"))
    ).all()
    # The API refuses fields it does not know (400); had it taken them, the author is Amina.
    assert sent.status == 400 or ("Said for myself, API.", amina.id) in authors, sent.text
    assert {author for _body, author in authors} == {amina.id}
    assert ("Said for myself, web.", amina.id) in authors

    name_before = li.name
    someone, as_someone = world.person(STAKEHOLDER), app.test_client()
    sign_in(world, as_someone, someone)
    as_someone.post("/profile", data={
        "which": "profile", "profile-name": "Someone Else Entirely",
        "profile-organization": someone.organization,
        "profile-stakeholder_group": someone.stakeholder_group,
        "profile-country": someone.country, **behalf})
    db.session.expire_all()
    assert (li.name, someone.name) == (name_before, "Someone Else Entirely")


def test_the_comparison_sees_a_change(app, world):
    """The before/after comparison the refusals rely on notices one changed row and one
    mail sent."""
    before = snapshot(app)
    made = world.comment(world.third)
    assert snapshot(app) != before
    before = snapshot(app)
    made.body = made.body + " Changed."
    db.session.commit()
    assert snapshot(app) != before
    before = snapshot(app)
    accounts.request_password_reset(world.users["spare"].email)
    db.session.commit()
    assert snapshot(app) != before
