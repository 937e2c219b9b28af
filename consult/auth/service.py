"""Accounts: registration, email verification, sign-in, password reset, profiles."""

from __future__ import annotations

import hashlib
import logging
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from consult.auth.models import Role, StakeholderGroup, User
from consult.database import utcnow
from consult.errors import Forbidden, Invalid, NotFound
from consult.extensions import db
from consult.i18n import is_country
from consult.mail import queue_email

log = logging.getLogger(__name__)

PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 200
VERIFY_SALT = "consult.verify-email"
EMAIL_CHANGE_SALT = "consult.change-email"
RESET_SALT = "consult.reset-password"
# Compared against when no account has the email, so both answers take as long.
_DUMMY_HASH = generate_password_hash("not a password of anyone")


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


def check_password_rules(password: str) -> None:
    """Raise Invalid when a new password is too short or too long."""
    if len(password or "") < PASSWORD_MIN_LENGTH:
        raise Invalid(
            _("Choose a password of at least %(n)d characters.", n=PASSWORD_MIN_LENGTH),
            field="password",
        )
    if len(password) > PASSWORD_MAX_LENGTH:
        raise Invalid(
            _("A password may have at most %(n)d characters.", n=PASSWORD_MAX_LENGTH),
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
    check_password_rules(password)
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
    user = find_user_by_email(email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not check_password_hash(user.password_hash, password or ""):
        return None
    if not user.active:
        return None
    user.last_login_at = utcnow()
    return user


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
    """Change the password and end every session opened with the old one."""
    check_password_rules(password)
    user.password_hash = hash_password(password)
    user.session_epoch += 1


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
    user.email = data["new"]
    user.email_verified_at = utcnow()
    return user


def update_profile(
    user: User, *, name: str, organization: str, stakeholder_group: str, country: str
) -> None:
    """Change what others see of a person; earlier comments keep their snapshot."""
    country = (country or "").strip().upper()
    _check_profile(name, organization, stakeholder_group, country)
    user.name = name.strip()
    user.organization = organization.strip()
    user.stakeholder_group = stakeholder_group
    user.country = country


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
