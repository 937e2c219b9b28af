"""The demo consultation: the WSIS+20 Forum zero draft, open, with input from every group.

Everything goes through the same services as the web pages, so the demo obeys the rules
it demonstrates; only the times are moved into the past to look like a running period.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

from sqlalchemy import delete, select

from consult.auth import otp
from consult.auth import service as accounts
from consult.auth.models import Role, User
from consult.comments import service as comments
from consult.comments.models import Comment, Endorsement
from consult.database import utcnow
from consult.demo_data.inputs import INPUTS, PEOPLE
from consult.drafts import service as drafts
from consult.drafts.importer import parse_document
from consult.drafts.models import Consultation, Paragraph, ParagraphKind, Version
from consult.extensions import db
from consult.moderation.models import Merge, MergeMember
from consult.notifications.models import Notification
from consult.revisions.models import RevisionChange

SLUG = "wsis20-forum"
DOMAIN = "demo.consult.example"
STAFF = (
    (
        Role.SECRETARIAT,
        "secretariat",
        "Olena Kravets",
        "WSIS+20 Forum secretariat",
        "demo-secretariat",
    ),
    (Role.MODERATOR, "moderator", "Tomás Okafor", "WSIS+20 Forum secretariat", "demo-moderator"),
)
STAKEHOLDER_PASSWORD = "demo-stakeholder"
# The authenticator-app key of the demo moderator and secretariat, who must sign in with a
# second factor. Public, like the passwords: for the demo only.
DEMO_TOTP_SECRET = "CONSULTDEMOWSISTWENTYFORUMSECRET"
# How many of the demo staff's fresh recovery codes are printed.
RECOVERY_CODES_SHOWN = 3
SUMMARY = (
    "The secretariat of the WSIS+20 Forum invites all stakeholders — governments, the private "
    "sector, civil society, academia, the technical community and international organizations "
    "— to comment on the zero draft of the Forum's outcome document, paragraph by paragraph, "
    "and to propose amendments. Every input is published with its author's organization and "
    "stakeholder group, and will be answered in the compilation of comments."
)
_REFERENCE = re.compile(r"^(?:PP(?P<pp>\d+)|(?P<op>\d+)(?:\((?P<sub>[a-z]+)\))?)$")


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    password: str
    name: str
    organization: str
    totp_secret: str | None = None
    recovery_codes: tuple[str, ...] = ()


def _account(
    role: str, email: str, password: str, name: str, organization: str, group: str, country: str
) -> DemoAccount:
    user = accounts.find_user_by_email(email)
    if user is None:
        user = accounts.create_user(
            email=email,
            password=password,
            name=name,
            organization=organization,
            stakeholder_group=group,
            country=country,
            role=role,
            verified=True,
        )
    if not accounts.requires_second_factor(user):
        return DemoAccount(role, email, password, name, organization)
    # Each load sets the known key again and makes new recovery codes, so the ones printed
    # are always the ones that work.
    codes = accounts.set_up_second_factor(user, DEMO_TOTP_SECRET)
    return DemoAccount(role, email, password, name, organization, DEMO_TOTP_SECRET,
                       tuple(codes[:RECOVERY_CODES_SHOWN]))


def _make_accounts() -> tuple[list[DemoAccount], dict[str, User]]:
    made = [
        _account(
            role,
            f"{local}@{DOMAIN}",
            password,
            name,
            organization,
            "international_organization",
            "CH",
        )
        for role, local, name, organization, password in STAFF
    ]
    people: dict[str, User] = {}
    for person in PEOPLE:
        email = f"{person['key']}@{DOMAIN}"
        made.append(
            _account(
                Role.STAKEHOLDER,
                email,
                STAKEHOLDER_PASSWORD,
                person["name"],
                person["organization"],
                person["group"],
                person["country"],
            )
        )
        user = accounts.find_user_by_email(email)
        assert user is not None
        people[person["key"]] = user
    return made, people


def _remove(consultation: Consultation) -> None:
    """Delete the demo consultation and all that hangs on it (the audit trail stays)."""
    version_ids = [version.id for version in consultation.versions]
    comment_ids = select(Comment.id).where(Comment.version_id.in_(version_ids))
    merge_ids = select(Merge.id).where(Merge.canonical_id.in_(comment_ids))
    db.session.execute(delete(RevisionChange).where(RevisionChange.version_id.in_(version_ids)))
    db.session.execute(delete(MergeMember).where(MergeMember.merge_id.in_(merge_ids)))
    db.session.execute(delete(Merge).where(Merge.canonical_id.in_(comment_ids)))
    db.session.execute(delete(Notification).where(Notification.comment_id.in_(comment_ids)))
    db.session.execute(delete(Endorsement).where(Endorsement.comment_id.in_(comment_ids)))
    db.session.execute(
        Comment.__table__.update()
        .where(Comment.version_id.in_(version_ids))
        .values(parent_id=None, root_id=None, merged_into_id=None)
    )
    db.session.execute(
        Version.__table__.update()
        .where(Version.id.in_(version_ids))
        .values(based_on_id=None)
    )
    db.session.execute(delete(Comment).where(Comment.version_id.in_(version_ids)))
    db.session.execute(
        Paragraph.__table__.update()
        .where(Paragraph.version_id.in_(version_ids))
        .values(parent_id=None)
    )
    db.session.execute(delete(Paragraph).where(Paragraph.version_id.in_(version_ids)))
    db.session.execute(delete(Version).where(Version.id.in_(version_ids)))
    db.session.execute(delete(Consultation).where(Consultation.id == consultation.id))
    db.session.expunge_all()


def _paragraph_index(paragraphs: list[Paragraph]) -> dict[str, Paragraph]:
    """Name each paragraph the way the demo inputs cite it: "7", "7(b)", "PP3"."""
    index: dict[str, Paragraph] = {}
    by_id = {paragraph.id: paragraph for paragraph in paragraphs}
    preambular = 0
    for paragraph in paragraphs:
        parent = by_id.get(paragraph.parent_id) if paragraph.parent_id else None
        if paragraph.kind == ParagraphKind.PREAMBULAR and parent is None:
            preambular += 1
            index[f"PP{preambular}"] = paragraph
        elif paragraph.kind == ParagraphKind.OPERATIVE and parent is None:
            index[paragraph.number_label] = paragraph
        elif parent is not None and parent.number_label:
            index[f"{parent.number_label}{paragraph.number_label}"] = paragraph
    return index


def _backdate(comment: Comment, when: dt.datetime) -> None:
    comment.created_at = when
    if comment.published_at is not None:
        comment.published_at = when


def load(reset: bool = False) -> list[DemoAccount]:
    """Load the demo; without reset an existing demo consultation is left as it is."""
    made, people = _make_accounts()
    existing = db.session.execute(
        select(Consultation).where(Consultation.slug == SLUG)
    ).scalar_one_or_none()
    if existing is not None and not reset:
        return made
    if existing is not None:
        _remove(existing)
        made, people = _make_accounts()
    secretariat = accounts.find_user_by_email(f"secretariat@{DOMAIN}")
    text = resources.files("consult.demo_data").joinpath("zero_draft.md").read_bytes()
    document = parse_document(text, "zero_draft.md")
    consultation = drafts.create_consultation(
        secretariat,
        slug=SLUG,
        title=document.title or "WSIS+20 Forum outcome document",
        summary=SUMMARY,
    )
    now = utcnow().replace(second=0, microsecond=0)
    version = drafts.create_version(
        secretariat,
        consultation,
        label="Zero draft",
        moderation="post",
        opens_at=now - dt.timedelta(days=12),
        closes_at=now + dt.timedelta(days=30),
        document_symbol=document.document_symbol,
        document=document,
    )
    drafts.open_version(secretariat, version)
    _verify_organizations(secretariat, people)
    index = _paragraph_index(drafts.version_paragraphs(version))
    moment = now - dt.timedelta(days=11)
    step = dt.timedelta(days=11) / (len(INPUTS) * 3)
    for number, item in enumerate(INPUTS):
        paragraph = None if item["on"] == "general" else index[item["on"]]
        comment = comments.post_comment(
            people[item["by"]],
            version,
            paragraph,
            kind=item["kind"],
            body=item["text"],
            proposed_text=item.get("proposed", ""),
            quote=item.get("quote", ""),
            submission_key=f"demo-{number}",
        )
        moment += step
        _backdate(comment, moment)
        for endorser in item.get("endorsed_by", []):
            comments.endorse(people[endorser], comment)
        for answer_number, answer in enumerate(item.get("replies", [])):
            reply = comments.reply(
                people[answer["by"]],
                comment,
                body=answer["text"],
                submission_key=f"demo-{number}-{answer_number}",
            )
            moment += step
            _backdate(reply, moment)
    db.session.flush()
    _moderate(version, index)
    return made


# Organizations the secretariat has verified, so the mark shows beside their input.
VERIFIED = ("ministry-kenya", "ngo-india", "univ-japan", "registry-germany", "io-geneva")


def _verify_organizations(secretariat: User, people: dict[str, User]) -> None:
    from consult.people import service as verification

    for key in VERIFIED:
        person = people.get(key)
        if person is not None and person.organization_verified_at is None:
            verification.verify_organization(secretariat, person, person.organization)


# What the moderators have done so far, so the demo shows merges and answers too.
ANSWERS = [
    ("accepted", "The co-facilitators will reflect this wording in the next revision."),
    ("partially_accepted",
     "The idea is kept in shorter form; the list of examples is left to the follow-up."),
    ("noted", "Noted; this will be taken up in the review of the action lines."),
    ("not_accepted", "The language agreed in the Tunis Agenda is kept unchanged."),
]


def _moderate(version: Version, index: dict[str, Paragraph]) -> None:
    """Merge the look-alike input on the Internet Governance Forum paragraph and answer
    the first proposals, through the moderators' own service functions."""
    from consult.moderation import service as moderation

    moderator = accounts.find_user_by_email(f"moderator@{DOMAIN}")
    forum = index.get("23")
    if forum is not None:
        campaign = [
            comment
            for comment in db.session.execute(
                select(Comment)
                .where(Comment.paragraph_id == forum.id, Comment.root_id.is_(None))
                .order_by(Comment.created_at)
            ).scalars()
            if "permanent" in (comment.body + comment.proposed_text).lower()
        ]
        if len(campaign) >= 2:
            moderation.merge(
                moderator,
                [(c, c.row_version) for c in campaign],
                synthesis=(
                    "Several stakeholders, from civil society and the technical community, "
                    "ask that the mandate of the Internet Governance Forum be made "
                    "**permanent**, with a periodic review of its working methods instead "
                    "of a renewal every ten years."
                ),
            )
    proposals = db.session.execute(
        select(Comment)
        .where(
            Comment.version_id == version.id,
            Comment.kind.in_(["amendment", "deletion", "insertion"]),
            Comment.status == "published",
        )
        .order_by(Comment.created_at)
        .limit(len(ANSWERS) * 2)
    ).scalars().all()
    for number, proposal in enumerate(proposals):
        disposition, rationale = ANSWERS[number % len(ANSWERS)]
        moderation.set_disposition(
            moderator, [(proposal, proposal.row_version)], disposition, rationale
        )


def print_accounts(made: list[DemoAccount], echo: Callable[[str], object] = print) -> None:
    staff = [account for account in made if account.role != Role.STAKEHOLDER]
    stakeholders = [account for account in made if account.role == Role.STAKEHOLDER]
    echo("")
    echo(f"Demo consultation: /c/{SLUG}/v/1")
    echo("Demo accounts (email / password):")
    for account in staff:
        echo(f"  {account.role:<12} {account.email:<42} {account.password}")
    if stakeholders:
        first = stakeholders[0]
        echo(
            f"  {'stakeholder':<12} {first.email:<42} {first.password}"
            f"   ({first.name}, {first.organization})"
        )
        echo(
            f"  … and {len(stakeholders) - 1} more stakeholders, one or more per group, "
            f"all with the password {STAKEHOLDER_PASSWORD}:"
        )
        for account in stakeholders[1:]:
            echo(f"      {account.email}")
    _print_second_factor(staff, echo)
    echo("")


def _print_second_factor(staff: list[DemoAccount], echo: Callable[[str], object]) -> None:
    """How to give the second factor the demo staff are asked for after their password."""
    with_key = [account for account in staff if account.totp_secret]
    if not with_key:
        return
    secret = with_key[0].totp_secret or ""
    echo("")
    echo("The demo secretariat and moderator also give a second factor (DEMO KEY, public: "
         "never use it for a real account):")
    echo(f"  authenticator-app key (time-based): {otp.grouped(secret)}")
    for account in with_key:
        echo(f"  {account.role:<12} {otp.provisioning_uri(secret, account.email)}")
    echo("  or print the current code with:")
    echo(f"    .venv/bin/python -c \"import pyotp; print(pyotp.TOTP('{secret}').now())\"")
    echo("  or use a recovery code (each works once; new ones are made at every load):")
    for account in with_key:
        echo(f"  {account.role:<12} {'  '.join(account.recovery_codes)}")
