"""Accounts: registration, email verification, sign-in, password reset, profiles."""

from __future__ import annotations

import gzip
import hashlib
import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from markupsafe import Markup
from sqlalchemy import delete, func, or_, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from consult.auth import otp
from consult.auth.models import RecoveryCode, Role, StakeholderGroup, User
from consult.database import utcnow
from consult.errors import Conflict, Forbidden, Invalid, NotFound
from consult.extensions import db
from consult.i18n import is_country
from consult.mail import queue_email

log = logging.getLogger(__name__)

# ASVS 2.1.1 and 2.1.2: at least 12 characters; up to 128 (any, spaces and emoji too).
PASSWORD_MIN_LENGTH = 12
PASSWORD_MAX_LENGTH = 128
# Django's list of the 19,640 most common passwords (see common-passwords.NOTICE).
COMMON_PASSWORDS = Path(__file__).with_name("common-passwords.txt.gz")
VERIFY_SALT = "consult.verify-email"
EMAIL_CHANGE_SALT = "consult.change-email"
RESET_SALT = "consult.reset-password"
ENROL_SALT = "consult.second-factor-setup"
# How long the QR code of a second-factor setup page stays good for.
ENROL_MAX_AGE = 3600
# Security events (sign-in, lockout, second factor, password and email changes) go to
# their own logger, so they can be kept and watched apart (ASVS 7.1.3, 7.2.1).
security_log = logging.getLogger("consult.security")


def security_event(event: str, **fields: Any) -> None:
    """One line per security event: what happened, to which account, from where. Never a
    password, code or token; emails are written as the account id when one is known."""
    if has_request_context():
        fields.setdefault("address", request.remote_addr)
    details = " ".join(f"{key}={value}" for key, value in sorted(fields.items()))
    security_log.info("%s %s", event, details)


@cache
def _dummy_hash(method: str) -> str:
    """Compared against when no account has the email, so both answers take as long."""
    return generate_password_hash("not a password of anyone", method=method)


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def hash_password(password: str) -> str:
    """Hash with the configured method (scrypt unless PASSWORD_HASH_METHOD says otherwise)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def _password_fingerprint(user: User) -> str:
    """What a reset link remembers of the password it replaces: it works once, and the
    link carries nothing of the hash itself."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _read_link(token: str, salt: str, max_age_setting: str, expired: str, broken: str) -> dict:
    """The data signed into an emailed link. Raises Invalid with expired or broken."""
    try:
        return _serializer(salt).loads(token, max_age=current_app.config[max_age_setting])
    except SignatureExpired as error:
        raise Invalid(expired) from error
    except BadSignature as error:
        raise Invalid(broken) from error


def find_user_by_email(email: str) -> User | None:
    return db.session.execute(
        select(User).where(func.lower(User.email) == normalize_email(email))
    ).scalar_one_or_none()


def account_for_email(email: str) -> User:
    """The account with this email. Raises Invalid, on the email field, when none has it."""
    user = find_user_by_email(email)
    if user is None:
        raise Invalid(_("No account uses %(email)s.", email=normalize_email(email)), field="email")
    return user


@cache
def _common_passwords() -> frozenset[str]:
    """Read once, on the first password checked (about 20,000 lower-case words)."""
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as file:
        return frozenset(line.strip() for line in file if line.strip())


def is_common_password(password: str) -> bool:
    return password.lower().strip() in _common_passwords()


def _contains_own_details(password: str, email: str, name: str) -> bool:
    """Whether the password contains the account's email or the person's name (spaces
    and case aside), or is the part of the email before the @. A name of fewer than 4
    letters only counts when it is the whole password: it would refuse too much."""
    folded = "".join(password.casefold().split())
    email = normalize_email(email).casefold()
    name = "".join((name or "").casefold().split())
    if folded and folded == email.partition("@")[0]:
        return True
    return any(
        detail in folded if len(detail) >= 4 else detail == folded
        for detail in (email, name) if detail
    )


def check_password_rules(password: str, *, email: str = "", name: str = "") -> None:
    """Raise Invalid when a new password is too short or too long, one of the most common,
    or the account's own email or name. Any characters are welcome, in any mix (ASVS 2.1).
    """
    password = password or ""
    if len(password) < PASSWORD_MIN_LENGTH:
        raise Invalid(
            _("Choose a password of at least %(n)d characters.", n=PASSWORD_MIN_LENGTH),
            field="password",
        )
    if len(password) > PASSWORD_MAX_LENGTH:
        raise Invalid(
            _("A password may have at most %(n)d characters.", n=PASSWORD_MAX_LENGTH),
            field="password",
        )
    if _contains_own_details(password, email, name):
        raise Invalid(
            _("Your email address or your name is easy to guess: choose another password."),
            field="password",
        )
    if is_common_password(password):
        raise Invalid(
            _("This is one of the most common passwords, the first that attackers try. "
              "Choose another: a few unrelated words make a good one."),
            field="password",
        )


def _check_profile(name: str, organization: str, group: str, country: str) -> None:
    if not name.strip():
        raise Invalid(_("Give your name."), field="name")
    if not organization.strip():
        raise Invalid(_("Give your organization."), field="organization")
    if group not in {member.value for member in StakeholderGroup}:
        raise Invalid(_("Choose one of the six stakeholder groups."), field="stakeholder_group")
    if not is_country(country):
        raise Invalid(_("Choose a country from the list."), field="country")


def create_user(
    *,
    email: str,
    password: str,
    name: str,
    organization: str,
    stakeholder_group: str,
    country: str,
    role: str = Role.STAKEHOLDER,
    verified: bool = False,
) -> User:
    """Create an account. Raises Invalid when the email is taken or a field is wrong."""
    email = normalize_email(email)
    country = (country or "").strip().upper()
    if "@" not in email:
        raise Invalid(_("Give a valid email address."), field="email")
    if role not in {member.value for member in Role}:
        raise Invalid(_("Unknown role %(role)s.", role=role), field="role")
    check_password_rules(password, email=email, name=name)
    _check_profile(name, organization, stakeholder_group, country)
    if find_user_by_email(email) is not None:
        raise Invalid(
            _("An account with this email already exists. Sign in, or reset its password."),
            field="email",
        )
    user = User(
        email=email,
        password_hash=hash_password(password),
        name=name.strip(),
        organization=organization.strip(),
        stakeholder_group=stakeholder_group,
        country=country,
        role=role,
        email_verified_at=utcnow() if verified else None,
    )
    db.session.add(user)
    db.session.flush()
    return user


def register(**fields: Any) -> User:
    """Create a stakeholder account and send the link that verifies its email."""
    user = create_user(**fields, role=Role.STAKEHOLDER, verified=False)
    send_verification(user)
    return user


def send_verification(user: User) -> None:
    if user.is_verified:
        return
    token = _serializer(VERIFY_SALT).dumps({"u": user.id, "e": user.email})
    link = url_for("auth.verify_email", token=token, _external=True)
    queue_email(
        user.email,
        _("Confirm your email address for consult"),
        _(
            "Dear %(name)s,\n\nPlease confirm your email address by opening this link:\n\n"
            "%(link)s\n\nThe link is valid for seven days. Until you confirm, you can read "
            "but not comment.\n\nIf you did not register, ignore this message.",
            name=user.name,
            link=link,
        ),
    )


def verify_email(token: str) -> User:
    """Mark the account whose signed link this is as verified. Raises Invalid."""
    data = _read_link(
        token,
        VERIFY_SALT,
        "EMAIL_TOKEN_MAX_AGE",
        _("This confirmation link has expired. Sign in to have a new one sent."),
        _("This confirmation link is not valid. Check that it was copied whole."),
    )
    user = db.session.get(User, data.get("u"))
    if user is None or user.email != data.get("e"):
        raise Invalid(_("This confirmation link is not valid any more."))
    if not user.is_verified:
        user.email_verified_at = utcnow()
    return user


def authenticate(email: str, password: str) -> User | None:
    """Return the account for these credentials, or None; both failures look the same."""
    user = check_credentials(email, password)
    if user is not None:
        note_sign_in(user)
    return user


def check_credentials(email: str, password: str) -> User | None:
    """The account these credentials open, or None; reads only. The sign-in form calls it
    before taking SQLite's write lock: 0.2 s of scrypt under the lock would stall every
    other writer."""
    user = find_user_by_email(email)
    if user is None:
        check_password_hash(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]),
                            password or "")
        security_event("sign-in.failed", reason="unknown-email", account=_account_digest(email))
        return None
    if not check_password_hash(user.password_hash, password or ""):
        security_event("sign-in.failed", reason="password", user=user.id)
        return None
    if not user.active:
        security_event("sign-in.failed", reason="inactive", user=user.id)
        return None
    return user


def note_sign_in(user: User) -> None:
    user.last_login_at = utcnow()


def _account_digest(email: str) -> str:
    """How logs name an email that is no account's: not the address itself."""
    return hashlib.sha256(normalize_email(email).encode()).hexdigest()[:12]


def load_user(session_id: str) -> User | None:
    """Find the account of a session id "<id>.<epoch>"; an old epoch means signed out."""
    user_id, _sep, epoch = (session_id or "").partition(".")
    if not user_id.isdigit() or not epoch.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_epoch != int(epoch) or not user.active:
        return None
    return user


def request_password_reset(email: str) -> None:
    """Send a reset link if an account has this email; say nothing either way."""
    user = find_user_by_email(email)
    if user is None or not user.active:
        log.info("password reset asked for an unknown email")
        return
    token = _serializer(RESET_SALT).dumps({"u": user.id, "h": _password_fingerprint(user)})
    link = url_for("auth.reset_password", token=token, _external=True)
    queue_email(
        user.email,
        _("Reset your consult password"),
        _(
            "Dear %(name)s,\n\nTo choose a new password, open this link within two hours:\n\n"
            "%(link)s\n\nIf you did not ask for this, ignore this message: your password "
            "stays as it is.",
            name=user.name,
            link=link,
        ),
    )


def user_for_reset_token(token: str) -> User:
    """Return the account a reset link is for. Raises Invalid when it is expired or used."""
    data = _read_link(
        token,
        RESET_SALT,
        "PASSWORD_RESET_MAX_AGE",
        _("This reset link has expired. Ask for a new one."),
        _("This reset link is not valid. Ask for a new one."),
    )
    user = db.session.get(User, data.get("u"))
    if user is None or _password_fingerprint(user) != data.get("h"):
        raise Invalid(_("This reset link has already been used. Ask for a new one."))
    return user


def set_password(user: User, password: str) -> None:
    """Change the password, end every session opened with the old one, and tell the owner,
    so a change they did not make does not go unnoticed."""
    check_password_rules(password, email=user.email, name=user.name)
    user.password_hash = hash_password(password)
    user.session_epoch += 1
    security_event("password.changed", user=user.id)
    _tell(
        user,
        _("Your consult password was changed"),
        _("The password of your consult account was changed, and every device signed in with "
          "the old one was signed out."),
    )


def end_other_sessions(user: User) -> None:
    """Sign the account out of every browser: the session id carries the epoch, so every
    session and remember-me cookie made before stops working. The caller signs the
    current browser in again."""
    user.session_epoch += 1
    security_event("sessions.ended", user=user.id)


def _tell(user: User, subject: str, what: str, to: str | None = None) -> None:
    """Mail the owner about a change to the security of their account: what happened, and
    what to do if it was not them. Never a secret."""
    queue_email(
        to or user.email,
        subject,
        _(
            "Dear %(name)s,\n\n%(what)s\n\nIf this was you, there is nothing more to do. If it "
            "was not, choose a new password now (%(link)s) and tell the secretariat.",
            name=user.name,
            what=what,
            link=url_for("auth.forgot_password", _external=True),
        ),
    )


def reset_password(token: str, password: str) -> User:
    user = user_for_reset_token(token)
    set_password(user, password)
    if not user.is_verified:
        # The link reached this mailbox, which proves the address.
        user.email_verified_at = utcnow()
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not check_password_hash(user.password_hash, current_password or ""):
        raise Invalid(_("The current password is not right."), field="current_password")
    set_password(user, new_password)


def request_email_change(user: User, new_email: str, password: str) -> None:
    """Send a link to the new address; the email changes only when it is opened there.

    The old address is told, so a stolen session cannot quietly take the account over.
    Raises Invalid.
    """
    new_email = normalize_email(new_email)
    if not check_password_hash(user.password_hash, password or ""):
        raise Invalid(_("The current password is not right."), field="current_password")
    if "@" not in new_email:
        raise Invalid(_("Give a valid email address."), field="email")
    if new_email == user.email:
        raise Invalid(_("This is already your email address."), field="email")
    if find_user_by_email(new_email) is not None:
        raise Invalid(_("Another account uses this email address."), field="email")
    security_event("email.change-asked", user=user.id)
    token = _serializer(EMAIL_CHANGE_SALT).dumps(
        {"u": user.id, "old": user.email, "new": new_email}
    )
    link = url_for("auth.confirm_email_change", token=token, _external=True)
    queue_email(
        new_email,
        _("Confirm your new email address for consult"),
        _(
            "Dear %(name)s,\n\nTo use this address for your consult account, open this link "
            "within seven days:\n\n%(link)s\n\nIf you did not ask for this, ignore this "
            "message.",
            name=user.name,
            link=link,
        ),
    )
    queue_email(
        user.email,
        _("Your consult email address is about to change"),
        _(
            "Dear %(name)s,\n\nSomeone signed in to your account asked to change its email "
            "address to %(new)s. It changes only when the link sent there is opened.\n\n"
            "If this was not you, change your password now and tell the secretariat.",
            name=user.name,
            new=new_email,
        ),
    )


def confirm_email_change(token: str) -> User:
    """Change the email to the address the link was sent to. Raises Invalid."""
    data = _read_link(
        token,
        EMAIL_CHANGE_SALT,
        "EMAIL_TOKEN_MAX_AGE",
        _("This link has expired. Ask for the change again."),
        _("This link is not valid. Check that it was copied whole."),
    )
    user = db.session.get(User, data.get("u"))
    if user is None or user.email != data.get("old"):
        raise Invalid(_("This link is not valid any more."))
    if find_user_by_email(data["new"]) is not None:
        raise Invalid(_("Another account uses this email address now."))
    _tell(
        user,
        _("Your consult email address was changed"),
        _("Your consult account now uses %(new)s instead of this address, which will no "
          "longer receive its mail.", new=data["new"]),
        to=user.email,
    )
    user.email = data["new"]
    user.email_verified_at = utcnow()
    security_event("email.changed", user=user.id)
    return user


def update_profile(
    user: User, *, name: str, organization: str, stakeholder_group: str, country: str
) -> bool:
    """Change what others see of a person; earlier comments keep their snapshot.

    Returns whether a verification of the organization was withdrawn by the change.
    """
    from consult.people.service import organization_changed

    country = (country or "").strip().upper()
    _check_profile(name, organization, stakeholder_group, country)
    previous = user.organization
    user.name = name.strip()
    user.organization = organization.strip()
    user.stakeholder_group = stakeholder_group
    user.country = country
    return organization_changed(user, previous)


def require_writer(user: User | None) -> User:
    """Return the user if they may write comments. Raises Forbidden with the reason."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise Forbidden(_("Sign in to comment."))
    if not user.is_verified:
        raise Forbidden(
            _("Confirm your email address first: open the link we sent to %(email)s.",
              email=user.email)
        )
    return user


def require_secretariat(user: User | None) -> User:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_secretariat:
        raise Forbidden()
    return user


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound()
    return user


def safe_next_path(target: str | None) -> str | None:
    """Return target if it is a path on this site, else None (no open redirects)."""
    if not target:
        return None
    target = target.strip()
    if "\\" in target or any(ord(char) < 32 for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


# The second factor ---------------------------------------------------------------------------


def requires_second_factor(user: User) -> bool:
    """Whether the account's role must sign in with a second factor (TWO_FACTOR_ROLES)."""
    return user.role in current_app.config["TWO_FACTOR_ROLES"]


def has_second_factor(user: User) -> bool:
    return user.totp_enabled_at is not None and bool(user.totp_secret)


def needs_enrolment(user: User) -> bool:
    """A moderator or secretariat account without a second factor: until it has one, it can
    do nothing but set it up (or sign out)."""
    return requires_second_factor(user) and not has_second_factor(user)


@dataclass(frozen=True)
class Enrolment:
    """What the setup page shows: the secret as a QR code and as text, and a signed token
    that brings the same secret back with the code that confirms it."""

    secret: str
    token: str
    uri: str

    @property
    def grouped_secret(self) -> str:
        return otp.grouped(self.secret)

    def qr_code(self, label: str) -> Markup:
        return otp.qr_svg(self.uri, label)


def _enrolment(user: User, secret: str) -> Enrolment:
    token = _serializer(ENROL_SALT).dumps({"u": user.id, "s": secret})
    return Enrolment(secret, token, otp.provisioning_uri(secret, user.email))


def begin_enrolment(user: User) -> Enrolment:
    """A new secret for the account to set up; nothing is stored until a code confirms it."""
    return _enrolment(user, otp.new_secret())


def resume_enrolment(user: User, token: str) -> Enrolment:
    """The setup page's secret back from its token (so a wrong code does not change the
    QR code the person has already scanned). Raises Invalid when the token is stale."""
    try:
        data = _serializer(ENROL_SALT).loads(token or "", max_age=ENROL_MAX_AGE)
    except BadSignature as error:  # SignatureExpired is one
        raise Invalid(
            _("This setup page was open too long. Scan the new QR code below and try again."),
            field="code",
        ) from error
    if data.get("u") != user.id:
        raise Invalid(_("This setup page is not for your account."), field="code")
    return _enrolment(user, data["s"])


def enable_second_factor(user: User, token: str, code: str) -> list[str]:
    """Turn the second factor on once a code shows the app has the secret; return the
    recovery codes, which are shown this once. Raises Invalid or Conflict."""
    if has_second_factor(user):
        raise Conflict(_("Your second factor is already on."))
    secret = resume_enrolment(user, token).secret
    step = otp.matching_step(secret, code or "", None)
    if step is None:
        raise Invalid(
            _("This code is not right. Check that the app shows consult and your email, and "
              "give the code it shows now."),
            field="code",
        )
    codes = set_up_second_factor(user, secret, last_step=step)
    security_event("second-factor.enabled", user=user.id)
    _tell(
        user,
        _("Your consult account now asks for a second factor"),
        _("From now on signing in to consult takes your password and a code from your "
          "authenticator app (or one of your recovery codes)."),
    )
    return codes


def set_up_second_factor(user: User, secret: str, last_step: int | None = None) -> list[str]:
    """Turn the second factor on with a known secret and return new recovery codes.
    The confirmed way in is enable_second_factor; this is also how the demo does it."""
    user.totp_secret = otp.seal(secret)
    user.totp_enabled_at = utcnow()
    user.totp_last_step = last_step
    return _new_recovery_codes(user)


def _new_recovery_codes(user: User) -> list[str]:
    """Replace the account's recovery codes; only their salted hashes are kept."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = otp.new_recovery_codes()
    db.session.add_all(
        RecoveryCode(user_id=user.id, code_hash=otp.hash_recovery_code(code)) for code in codes
    )
    db.session.flush()
    return codes


def _check_current_password(user: User, password: str) -> None:
    if not check_password_hash(user.password_hash, password or ""):
        raise Invalid(_("The current password is not right."), field="current_password")


def renew_recovery_codes(user: User, password: str) -> list[str]:
    """Make new recovery codes (the old ones stop working). Raises Invalid."""
    if not has_second_factor(user):
        raise Invalid(_("Turn the second factor on first."))
    _check_current_password(user, password)
    codes = _new_recovery_codes(user)
    security_event("second-factor.recovery-codes-renewed", user=user.id)
    _tell(
        user,
        _("New recovery codes for your consult account"),
        _("New recovery codes were made for your consult account; the earlier ones no "
          "longer work."),
    )
    return codes


def recovery_codes_left(user: User) -> int:
    return db.session.execute(
        select(func.count()).select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ).scalar_one()


def _turn_off(user: User) -> None:
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def disable_second_factor(user: User, password: str, code: str) -> None:
    """A stakeholder turns the second factor off, with the password and a current code.
    Raises Forbidden for the roles that must keep it, Invalid for a wrong answer."""
    if requires_second_factor(user):
        raise Forbidden(_("Moderators and the secretariat must sign in with a second factor."))
    if not has_second_factor(user):
        raise Invalid(_("Your second factor is already off."))
    _check_current_password(user, password)
    verify_second_factor(user, code)
    _turn_off(user)
    security_event("second-factor.disabled", user=user.id)
    _tell(
        user,
        _("Your consult account no longer asks for a second factor"),
        _("The second factor of your consult account was turned off: signing in now takes "
          "only your password."),
    )


def reset_second_factor(actor: User, person: User) -> None:
    """The secretariat turns off the second factor of someone who lost their device; they
    set it up again at their next sign-in if their role needs it. Audited; the person is
    told. Raises Forbidden or Invalid."""
    from consult.audit.service import record

    require_secretariat(actor)
    if not has_second_factor(person):
        raise Invalid(
            _("%(email)s has no second factor to reset.", email=person.email), field="email"
        )
    _turn_off(person)
    security_event("second-factor.reset", user=person.id, by=actor.id)
    record(
        actor, "user.second_factor_reset", "user", person.id,
        before={"second_factor": True}, after={"second_factor": False},
    )
    _tell(
        person,
        _("The second factor of your consult account was reset"),
        _("The secretariat reset the second factor of your consult account, as asked when a "
          "device is lost. Your authenticator app and your recovery codes no longer work for "
          "consult; you can set up a new second factor when you next sign in."),
    )


class CodeReused(Invalid):
    """A right second-factor code that was used already: refused, and worth telling the
    owner about (ASVS 2.8.5)."""


def tell_code_reused(user: User) -> None:
    """Mail the owner that a used code was tried again: whoever did it had the password."""
    _tell(
        user,
        _("A used sign-in code of your consult account was tried again"),
        _("Someone gave the password of your consult account and a code from your "
          "authenticator app that had already been used. The attempt was refused. If it was "
          "not you, someone knows your password: change it now."),
    )


@dataclass(frozen=True)
class SecondFactorCheck:
    """How a second factor was proven; with a recovery code, how many are left."""

    by_recovery_code: bool = False
    recovery_codes_left: int | None = None


def verify_second_factor(user: User, code: str) -> SecondFactorCheck:
    """Accept a current TOTP code or an unused recovery code, each only once (a second
    request with the same code, even at the same moment, is refused). Raises Invalid."""
    wrong = Invalid(
        _("This code is not right, or it was used already. Give the code your app shows now, "
          "or a recovery code."),
        field="code",
    )
    code = (code or "").strip()
    if not has_second_factor(user) or not code:
        raise wrong
    if otp.looks_like_recovery_code(code):
        return _use_recovery_code(user, code, wrong)
    try:
        secret = otp.unseal(user.totp_secret or "")
    except otp.UnreadableSecret:
        log.error("the second factor of user %s cannot be decrypted with SECRET_KEY", user.id)
        raise wrong from None
    step = otp.matching_step(secret, code, user.totp_last_step)
    if step is None:
        if otp.matching_step(secret, code, None) is not None:
            # Right code, already used: someone may have seen it over the owner's shoulder
            # or be replaying an intercepted request (ASVS 2.8.4).
            security_event("second-factor.reused", user=user.id)
            raise CodeReused(wrong.message, field="code")
        security_event("second-factor.failed", user=user.id)
        raise wrong
    taken = db.session.execute(
        update(User)
        .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    ).rowcount
    if taken != 1:
        security_event("second-factor.reused", user=user.id, concurrent=True)
        raise CodeReused(wrong.message, field="code")
    user.totp_last_step = step
    return SecondFactorCheck()


def _use_recovery_code(user: User, code: str, wrong: Invalid) -> SecondFactorCheck:
    unused = db.session.execute(
        select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ).scalars().all()
    for stored in unused:
        if not otp.recovery_code_matches(code, stored.code_hash):
            continue
        taken = db.session.execute(
            update(RecoveryCode)
            .where(RecoveryCode.id == stored.id, RecoveryCode.used_at.is_(None))
            .values(used_at=utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
        if taken != 1:
            break
        security_event("second-factor.recovery-code-used", user=user.id,
                       left=len(unused) - 1)
        return SecondFactorCheck(by_recovery_code=True, recovery_codes_left=len(unused) - 1)
    security_event("second-factor.failed", user=user.id, recovery_code=True)
    raise wrong
