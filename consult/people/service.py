"""People: a stakeholder's own data (download and deletion) and the secretariat's
verification of the organizations people speak for.

What the consultation's terms promise: published input stays, under the author's
organization, group and country, when its author deletes their account; everything that
names the person goes. The account row itself stays (comments, endorsements and the audit
trail point to it) but is emptied.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, case, delete, func, or_, select, update
from sqlalchemy.orm import aliased, joinedload
from werkzeug.security import check_password_hash

from consult.api.models import ApiToken
from consult.audit.models import AuditEvent
from consult.audit.service import record
from consult.auth.models import RecoveryCode, Role, User
from consult.comments.models import (
    DISPOSITION_LABELS,
    KIND_LABELS,
    STATUS_LABELS,
    Comment,
    CommentStatus,
    Endorsement,
)
from consult.comments.service import page_count
from consult.database import utcnow
from consult.drafts.models import Paragraph, Version
from consult.drafts.service import names_of
from consult.errors import Conflict, Forbidden, Invalid, NotFound
from consult.extensions import db
from consult.mail import queue_email
from consult.moderation.models import ModeratorRemark, Report
from consult.notifications.models import Notification
from consult.notifications.service import notify

log = logging.getLogger(__name__)

DELETED_DOMAIN = "deleted.invalid"
# Not a hash werkzeug can read: no password ever matches it.
UNUSABLE_PASSWORD = "!deleted"
# What a deleted account's published input keeps: the rest is withdrawn and emptied.
KEPT_STATUSES = (CommentStatus.PUBLISHED, CommentStatus.MERGED)
PER_PAGE = 50
EXPORT_FORMAT = 1


def _signed_in(viewer: User | None) -> bool:
    return viewer is not None and bool(getattr(viewer, "is_authenticated", False))


def require_secretariat(viewer: User | None) -> User:
    """Raises Forbidden unless the viewer is the secretariat."""
    if not _signed_in(viewer) or not viewer.is_secretariat:  # type: ignore[union-attr]
        raise Forbidden(_("Only the secretariat can see and verify accounts."))
    assert viewer is not None
    return viewer


def placeholder_email(user_id: int) -> str:
    """The address a deleted account keeps: unique, and one no mail can reach."""
    return f"deleted-{user_id}@{DELETED_DOMAIN}"


def moment(value: dt.datetime | None) -> str | None:
    """ISO 8601 in UTC, to the second, as in the API."""
    if value is None:
        return None
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


# The People page ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeopleFilter:
    """What the secretariat narrowed the list to; empty fields do not filter.

    verified: "yes" or "no"; state: "" for the accounts in use, "deleted" for those their
    owners deleted.
    """

    text: str = ""
    role: str = ""
    group: str = ""
    verified: str = ""
    state: str = ""


@dataclass
class Person:
    """One account as the People page lists it, with who verified its organization."""

    user: User
    verified_by: str


@dataclass
class PeoplePage:
    items: list[Person]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return page_count(self.total, self.per_page)


def _people_conditions(filters: PeopleFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.state == "deleted":
        conditions.append(User.deleted_at.is_not(None))
    else:
        conditions.append(User.deleted_at.is_(None))
    words = filters.text.strip()
    if words:
        conditions.append(
            or_(
                User.name.icontains(words, autoescape=True),
                User.email.icontains(words, autoescape=True),
                User.organization.icontains(words, autoescape=True),
            )
        )
    if filters.role:
        conditions.append(User.role == filters.role)
    if filters.group:
        conditions.append(User.stakeholder_group == filters.group)
    if filters.verified == "yes":
        conditions.append(User.organization_verified_at.is_not(None))
    elif filters.verified == "no":
        conditions.append(User.organization_verified_at.is_(None))
    return conditions


def people(
    viewer: User | None, filters: PeopleFilter | None = None, *, page: int = 1,
    per_page: int = PER_PAGE,
) -> PeoplePage:
    """One page of accounts, newest first, in two queries. Raises Forbidden."""
    require_secretariat(viewer)
    conditions = _people_conditions(filters or PeopleFilter())
    total = db.session.execute(
        select(func.count()).select_from(User).where(*conditions)
    ).scalar_one()
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    verifier = aliased(User, name="verifier")
    rows = db.session.execute(
        select(User, verifier.name)
        .outerjoin(verifier, verifier.id == User.organization_verified_by_id)
        .where(*conditions)
        .order_by(User.created_at.desc(), User.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return PeoplePage(
        items=[Person(user, verified_by or "") for user, verified_by in rows],
        total=total,
        page=page,
        per_page=per_page,
    )


def get_person(viewer: User | None, person_id: int) -> Person:
    """One account for the secretariat. Raises Forbidden, NotFound."""
    require_secretariat(viewer)
    verifier = aliased(User, name="verifier")
    row = db.session.execute(
        select(User, verifier.name)
        .outerjoin(verifier, verifier.id == User.organization_verified_by_id)
        .where(User.id == person_id)
    ).first()
    if row is None:
        raise NotFound()
    return Person(row[0], row[1] or "")


# Verified organizations -------------------------------------------------------------------------


def _mark_comments(person: User, verified: bool) -> int:
    """Set the mark on the person's comments signed with their current organization (on
    all of them when it is taken away); return how many changed.

    A bulk update that leaves the comments' row version alone: a moderator's page that
    showed a comment before is not made stale by the mark.
    """
    conditions = [
        Comment.author_id == person.id,
        Comment.author_organization_verified.is_(not verified),
    ]
    if verified:
        conditions.append(Comment.author_organization == person.organization)
    result = db.session.execute(
        update(Comment)
        .where(*conditions)
        .values(author_organization_verified=verified)
        .execution_options(synchronize_session=False)
    )
    for item in list(db.session.identity_map.values()):
        if isinstance(item, Comment) and item.author_id == person.id:
            db.session.expire(item, ["author_organization_verified"])
    return result.rowcount or 0


def verify_organization(
    secretariat: User | None, person: User, organization: str | None = None
) -> int:
    """Vouch that the person speaks for their organization; their comments signed with it
    are marked, and new ones will be. Returns how many comments were marked.

    organization is what the secretariat's page showed: if the person changed it since,
    nothing is verified. Raises Forbidden, Conflict.
    """
    actor = require_secretariat(secretariat)
    if person.deleted_at is not None:
        raise Conflict(_("This account was deleted by its owner."))
    if organization is not None and organization.strip() != person.organization:
        raise Conflict(
            _(
                "The organization of this account is now “%(organization)s”, not what your "
                "page showed. Nothing was verified; look at it again.",
                organization=person.organization,
            )
        )
    if person.organization_verified_at is not None:
        raise Conflict(_("This organization is already verified."))
    person.organization_verified_at = utcnow()
    person.organization_verified_by_id = actor.id
    marked = _mark_comments(person, True)
    record(
        actor, "person.verify_organization", "user", person.id,
        before={"organization": person.organization, "organization_verified_at": None},
        after={
            "organization": person.organization,
            "organization_verified_at": person.organization_verified_at.isoformat(),
            "comments": marked,
        },
    )
    notify(
        person,
        "verified",
        _(
            "The secretariat has verified that you speak for %(organization)s. Your input "
            "signed with it now shows a “verified organization” mark.",
            organization=person.organization,
        ),
    )
    db.session.flush()
    return marked


def _withdraw(person: User) -> int:
    person.organization_verified_at = None
    person.organization_verified_by_id = None
    return _mark_comments(person, False)


def withdraw_verification(secretariat: User | None, person: User) -> int:
    """Take the secretariat's word back: the person's comments lose the mark. Returns how
    many. Raises Forbidden, Conflict."""
    actor = require_secretariat(secretariat)
    verified_at = person.organization_verified_at
    if verified_at is None:
        raise Conflict(_("This organization is not verified."))
    unmarked = _withdraw(person)
    record(
        actor, "person.withdraw_verification", "user", person.id,
        before={"organization": person.organization,
                "organization_verified_at": verified_at.isoformat()},
        after={"organization": person.organization, "organization_verified_at": None,
               "comments": unmarked},
    )
    if person.deleted_at is None:
        notify(
            person,
            "unverified",
            _(
                "The secretariat has withdrawn its verification that you speak for "
                "%(organization)s. Your input no longer shows the “verified organization” "
                "mark.",
                organization=person.organization,
            ),
        )
    db.session.flush()
    return unmarked


def organization_changed(person: User, previous: str) -> bool:
    """The person signed with another organization: what the secretariat verified no
    longer holds. Returns whether a verification was withdrawn.

    Recorded without an actor: the trail keeps no stakeholder's name (their account may be
    deleted later, and events never change), only the account's number.
    """
    if person.organization == previous or person.organization_verified_at is None:
        return False
    verified_at = person.organization_verified_at
    unmarked = _withdraw(person)
    record(
        None, "person.verification_lapsed", "user", person.id,
        before={"organization": previous, "organization_verified_at": verified_at.isoformat()},
        after={"organization": person.organization, "organization_verified_at": None,
               "comments": unmarked},
    )
    return True


# Download your data ------------------------------------------------------------------------------


def _comment_data(comment: Comment, paragraph_name: str) -> dict[str, Any]:
    version = comment.version
    return {
        "id": comment.id,
        "consultation": version.consultation.title,
        "version": version.label,
        "paragraph": paragraph_name or None,
        "kind": comment.kind,
        "status": comment.status,
        "in_reply_to": comment.parent_id,
        "body": comment.body,
        "proposed_text": comment.proposed_text,
        "quote": comment.quote,
        "signed_as": {
            "name": comment.author_name,
            "organization": comment.author_organization,
            "organization_verified": comment.author_organization_verified,
            "stakeholder_group": comment.author_group,
            "country": comment.author_country,
        },
        "created_at": moment(comment.created_at),
        "edited_at": moment(comment.edited_at),
        "published_at": moment(comment.published_at),
        "withdrawn_at": moment(comment.withdrawn_at),
        "hidden_at": moment(comment.hidden_at),
        "moderation_reason": comment.moderation_reason,
        "merged_into": comment.merged_into_id,
        "disposition": comment.disposition,
        "disposition_rationale": comment.disposition_rationale,
        "disposed_at": moment(comment.disposed_at),
        "endorsements": comment.endorsement_count,
        "link": url_for("comments.comment", comment_id=comment.id, _external=True),
    }


def _rows(statement: Any) -> list[Any]:
    return list(db.session.execute(statement).scalars())


def personal_data(actor: User | None, person: User) -> dict[str, Any]:
    """Everything consult keeps about a person, except secrets and hashes, in a fixed
    number of queries whatever they wrote.

    The person themself, or the secretariat answering a request (recorded in the audit
    trail). Raises Forbidden.
    """
    if not (_signed_in(actor) and actor.id == person.id):  # type: ignore[union-attr]
        secretariat = require_secretariat(actor)
        record(secretariat, "person.export", "user", person.id)
    comments = _rows(
        select(Comment)
        .where(Comment.author_id == person.id)
        .options(
            joinedload(Comment.version).joinedload(Version.consultation),
            joinedload(Comment.paragraph).joinedload(Paragraph.parent),
        )
        .order_by(Comment.created_at, Comment.id)
    )
    names = names_of([comment.paragraph for comment in comments if comment.paragraph])
    codes = db.session.execute(
        select(func.count(), func.count(RecoveryCode.used_at)).where(
            RecoveryCode.user_id == person.id
        )
    ).one()
    return {
        "about": {
            "format": EXPORT_FORMAT,
            "made_at": moment(utcnow()),
            "site": url_for("drafts.index", _external=True),
        },
        "account": {
            "id": person.id,
            "email": person.email,
            "email_confirmed_at": moment(person.email_verified_at),
            "name": person.name,
            "organization": person.organization,
            "organization_verified_at": moment(person.organization_verified_at),
            "stakeholder_group": person.stakeholder_group,
            "country": person.country,
            "role": person.role,
            "active": person.active,
            "created_at": moment(person.created_at),
            "last_sign_in_at": moment(person.last_login_at),
            "deleted_at": moment(person.deleted_at),
        },
        "second_factor": {
            "enabled": person.totp_enabled_at is not None,
            "enabled_at": moment(person.totp_enabled_at),
            "recovery_codes": codes[0],
            "recovery_codes_used": codes[1],
        },
        "comments": [
            _comment_data(comment, names.get(comment.paragraph_id, "") if comment.paragraph_id
                          else "")
            for comment in comments
        ],
        "endorsements": [
            {"comment": item.comment_id, "stakeholder_group": item.stakeholder_group,
             "created_at": moment(item.created_at),
             "link": url_for("comments.comment", comment_id=item.comment_id, _external=True)}
            for item in _rows(
                select(Endorsement).where(Endorsement.user_id == person.id)
                .order_by(Endorsement.created_at, Endorsement.id)
            )
        ],
        "reports": [
            {"comment": item.comment_id, "reason": item.reason, "note": item.note,
             "created_at": moment(item.created_at), "resolved_at": moment(item.resolved_at)}
            for item in _rows(
                select(Report).where(Report.reporter_id == person.id)
                .order_by(Report.created_at, Report.id)
            )
        ],
        "notifications": [
            {"kind": item.kind, "message": item.message, "comment": item.comment_id,
             "created_at": moment(item.created_at), "read_at": moment(item.read_at)}
            for item in _rows(
                select(Notification).where(Notification.user_id == person.id)
                .order_by(Notification.created_at, Notification.id)
            )
        ],
        "api_tokens": [
            {"name": item.name, "begins_with": item.prefix,
             "created_at": moment(item.created_at), "last_used_at": moment(item.last_used_at),
             "revoked_at": moment(item.revoked_at)}
            for item in _rows(
                select(ApiToken).where(ApiToken.user_id == person.id)
                .order_by(ApiToken.created_at, ApiToken.id)
            )
        ],
        "moderator_remarks": [
            {"comment": item.comment_id, "body": item.body,
             "created_at": moment(item.created_at)}
            for item in _rows(
                select(ModeratorRemark).where(ModeratorRemark.author_id == person.id)
                .order_by(ModeratorRemark.created_at, ModeratorRemark.id)
            )
        ],
        "audit_events": [
            {"sequence": item.sequence, "created_at": moment(item.created_at),
             "by_you": item.actor_id == person.id, "action": item.action,
             "object_type": item.object_type, "object_id": item.object_id,
             "before": item.before, "after": item.after}
            for item in _rows(_events_about(person))
        ],
    }


def _events_about(person: User) -> Any:
    """What the audit trail holds about a person: what they did, what was done to their
    account, and what moderators did to their input. The staff's names are left out: the
    event says what was done, not by whom."""
    theirs = select(Comment.id).where(Comment.author_id == person.id)
    return (
        select(AuditEvent)
        .where(
            or_(
                AuditEvent.actor_id == person.id,
                (AuditEvent.object_type == "user") & (AuditEvent.object_id == person.id),
                (AuditEvent.object_type == "comment") & AuditEvent.object_id.in_(theirs),
            )
        )
        .order_by(AuditEvent.sequence)
    )


def _label(labels: dict, code: str | None) -> str:
    if not code:
        return ""
    found = labels.get(code)
    return str(found) if found is not None else code


def comments_csv(data: dict[str, Any]) -> bytes:
    """The comments of an export as a table a spreadsheet opens (UTF-8 with a byte order
    mark), the codes in words in the reader's language."""
    from consult.compilation.table import csv_lines

    head = [
        _("No."), _("Consultation"), _("Version"), _("Paragraph"), _("Kind"), _("Status"),
        _("Text"), _("Proposed text"), _("Signed as"), _("Organization"),
        _("Organization verified"), _("Submitted (UTC)"), _("Answer"), _("Rationale"),
        _("Moderator’s reason"), _("Link"),
    ]
    yes, no = _("yes"), _("no")
    rows = (
        [
            item["id"], item["consultation"], item["version"],
            item["paragraph"] or _("The whole text"),
            _label(KIND_LABELS, item["kind"]), _label(STATUS_LABELS, item["status"]),
            item["body"], item["proposed_text"], item["signed_as"]["name"],
            item["signed_as"]["organization"],
            yes if item["signed_as"]["organization_verified"] else no,
            item["created_at"], _label(DISPOSITION_LABELS, item["disposition"]),
            item["disposition_rationale"], item["moderation_reason"], item["link"],
        ]
        for item in data["comments"]
    )
    return b"".join(csv_lines(head, rows))


def _readme(data: dict[str, Any]) -> str:
    account = data["account"]
    lines = [
        _("Your data on consult"),
        "",
        _("Made on %(when)s (UTC) for the account %(email)s.", when=data["about"]["made_at"],
          email=account["email"]),
        "",
        _("data.json: everything consult keeps about you, in JSON: your account, whether you "
          "use a second factor (never its secret), every comment, amendment and reply you "
          "wrote in whatever state it is, with the answers and moderators' reasons it got, "
          "your endorsements, the comments you reported, your notifications, your API tokens "
          "(their names and first characters, never the tokens) and what the audit trail "
          "records about you and your input."),
        _("comments.csv: your comments as a table for a spreadsheet."),
        "",
        _("Passwords, second-factor secrets and tokens are kept only as hashes, which are "
          "not included."),
        _("Counts: %(comments)d comments, %(endorsements)d endorsements, %(reports)d reports, "
          "%(notifications)d notifications.", comments=len(data["comments"]),
          endorsements=len(data["endorsements"]), reports=len(data["reports"]),
          notifications=len(data["notifications"])),
    ]
    return "\n".join(lines) + "\n"


def write_archive(data: dict[str, Any], file: IO[bytes]) -> None:
    """A zip of data.json, comments.csv and a README saying what each holds."""
    with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "data.json", json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
        )
        archive.writestr("comments.csv", comments_csv(data))
        archive.writestr("README.txt", _readme(data))


def archive_name(person: User, when: dt.datetime | None = None) -> str:
    day = (when or utcnow()).date().isoformat()
    return f"consult-data-{person.id}-{day}.zip"


def archive_bytes(data: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    write_archive(data, buffer)
    return buffer.getvalue()


# Delete your account -----------------------------------------------------------------------------


def _other_secretariat_accounts(person: User) -> int:
    """Locked on PostgreSQL, so two secretariat accounts deleted at once cannot each count
    the other (SQLite's write transactions already take turns)."""
    return len(db.session.execute(
        select(User.id).where(
            User.role == Role.SECRETARIAT,
            User.id != person.id,
            User.active.is_(True),
            User.deleted_at.is_(None),
        ).with_for_update()
    ).all())


def deletion_refusal(person: User) -> str | None:
    """Why this account cannot be deleted by its owner, or None if it can.

    The last secretariat account in use stays: without it nobody could open or close a
    comment period, export, or verify an organization.
    """
    if person.deleted_at is not None:
        return _("This account is already deleted.")
    if person.role == Role.SECRETARIAT and _other_secretariat_accounts(person) == 0:
        return _(
            "This is the only secretariat account in use: without it nobody could run the "
            "consultation. Make another secretariat account first, then delete this one."
        )
    return None


@dataclass(frozen=True)
class Erased:
    """What became of a deleted account's input."""

    kept: int
    withdrawn: int


def deletion_summary(person: User) -> Erased:
    """What deleting the account now would keep and withdraw, in one query."""
    kept = func.coalesce(func.sum(case((Comment.status.in_(KEPT_STATUSES), 1), else_=0)), 0)
    row = db.session.execute(
        select(kept, func.count()).where(Comment.author_id == person.id)
    ).one()
    return Erased(kept=int(row[0]), withdrawn=int(row[1]) - int(row[0]))


def delete_account(
    person: User, *, password: str, code: str = "", confirmed: bool = False
) -> Erased:
    """The owner deletes their account, proving it with their password (and second
    factor). Raises Forbidden for staff, Invalid for a wrong password or code."""
    refusal = deletion_refusal(person)
    if refusal:
        raise Forbidden(refusal)
    if not confirmed:
        raise Invalid(_("Tick the box to confirm that you want to delete your account."),
                      field="confirm")
    if not check_password_hash(person.password_hash, password or ""):
        raise Invalid(_("The password is not right."), field="password")
    _check_second_factor(person, code)
    return erase(person)


def _check_second_factor(person: User, code: str) -> None:
    """An account with a second factor also proves it with a current code (or a recovery
    code). Raises Invalid."""
    from consult.auth.service import has_second_factor, verify_second_factor

    if has_second_factor(person):
        verify_second_factor(person, code)


def erase(person: User) -> Erased:
    """Empty the account of what names the person and withdraw what was not public; keep
    published and merged input, signed with the organization alone.

    The confirmation is queued to the real address before it is replaced.
    """
    now = utcnow()
    queue_email(
        person.email,
        _("Your consult account is deleted"),
        _(
            "Dear %(name)s,\n\nAs you asked, your consult account is deleted. Your name and "
            "this email address are erased; you can register again with this address.\n\n"
            "Your published comments stay in the consultation under your organization, "
            "%(organization)s, without your name; what was not published is withdrawn and "
            "its text removed.\n\nIf you did not ask for this, tell the secretariat at once.",
            name=person.name,
            organization=person.organization,
        ),
    )
    kept = db.session.execute(
        update(Comment)
        .where(Comment.author_id == person.id, Comment.status.in_(KEPT_STATUSES))
        .values(author_name="")
        .execution_options(synchronize_session=False)
    ).rowcount or 0
    withdrawn = db.session.execute(
        update(Comment)
        .where(Comment.author_id == person.id, Comment.status.not_in(KEPT_STATUSES))
        .values(
            author_name="",
            status=CommentStatus.WITHDRAWN,
            withdrawn_at=func.coalesce(Comment.withdrawn_at, now),
            body="",
            body_html="",
            proposed_text="",
            quote="",
            row_version=Comment.row_version + 1,
        )
        .execution_options(synchronize_session=False)
    ).rowcount or 0
    for item in list(db.session.identity_map.values()):
        if isinstance(item, Comment) and item.author_id == person.id:
            db.session.expire(item)
    # A moderator's remarks stay for the other moderators, without the name.
    db.session.execute(
        update(ModeratorRemark).where(ModeratorRemark.author_id == person.id)
        .values(author_name="").execution_options(synchronize_session=False)
    )
    db.session.execute(delete(Notification).where(Notification.user_id == person.id))
    db.session.execute(delete(ApiToken).where(ApiToken.user_id == person.id))
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == person.id))
    person.name = ""
    person.email = placeholder_email(person.id)
    person.password_hash = UNUSABLE_PASSWORD
    person.totp_secret = None
    person.totp_enabled_at = None
    person.totp_last_step = None
    person.last_login_at = None
    person.session_epoch += 1
    person.active = False
    person.deleted_at = now
    # The name is gone before the event is written: it names the account by number only.
    record(person, "account.delete", "user", person.id,
           after={"deleted_at": now.isoformat(), "comments_kept": kept,
                  "comments_withdrawn": withdrawn})
    db.session.flush()
    log.info("account %s deleted by its owner", person.id)
    return Erased(kept=kept, withdrawn=withdrawn)


def find_person(email: str) -> User:
    """The account with this email, for the command line. Raises NotFound."""
    from consult.auth.service import find_user_by_email

    person = find_user_by_email(email)
    if person is None:
        raise NotFound(_("No account has the email %(email)s.", email=email))
    return person

