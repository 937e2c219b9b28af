"""Rate limits on signing in and on the forms that send mail (Flask-Limiter).

Signing in counts failures only: a wrong password or a wrong second-factor code. Each
account may fail SIGN_IN_LIMIT_PER_ACCOUNT times, and each client address
SIGN_IN_LIMIT_PER_ADDRESS times, in a moving window; past that, sign-in is refused until the
oldest failure leaves the window (ASVS 2.2.1).

So that an attacker who keeps failing on purpose cannot lock the owner out for good, a
browser that has signed in to an account before carries a signed "known device" cookie:
its failures are counted apart from everyone else's for that account, and do not count
against its address (OWASP's device cookies). A person on a new device who is locked out
can still reset the password by email, which marks that browser as known too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import secrets
import time

from flask import current_app, g, request, session
from flask_babel import format_time
from flask_babel import ngettext as _n
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from consult.auth.service import normalize_email
from consult.extensions import client_address, limiter

DEVICE_COOKIE = "consult_device"
DEVICE_SALT = "consult.known-device"
PENDING_KEY = "sign_in_pending"


def account_key(email: str) -> str:
    """What rate limits call an account: a digest, so no email address sits in Redis."""
    return hashlib.sha256(b"consult.account:" + normalize_email(email).encode()).hexdigest()[:32]


def _device_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=DEVICE_SALT)


def remember_device(response: Response, email: str) -> None:
    """Mark this browser as one the account has signed in from."""
    value = _device_serializer().dumps({"a": account_key(email), "n": secrets.token_hex(8)})
    response.set_cookie(
        DEVICE_COOKIE,
        value,
        max_age=current_app.config["KNOWN_DEVICE_MAX_AGE"],
        httponly=True,
        samesite="Lax",
        secure=request.is_secure,
    )


def _known_device(account: str) -> str | None:
    """This browser's own name for its failures, if it has signed in to the account."""
    cookie = request.cookies.get(DEVICE_COOKIE)
    if not cookie or not account:
        return None
    try:
        data = _device_serializer().loads(
            cookie, max_age=current_app.config["KNOWN_DEVICE_MAX_AGE"]
        )
    except BadSignature:
        return None
    return data.get("n") if data.get("a") == account else None


def _account_tried() -> str:
    """The account this request tries to sign in to: the email typed, or the one whose
    password was right and whose code is awaited."""
    if request.endpoint == "auth.login":
        return account_key(request.form.get("email", ""))
    pending = session.get(PENDING_KEY) or {}
    return pending.get("k", "")


def _sign_in_account() -> str:
    account = _account_tried()
    device = _known_device(account)
    return f"device:{device}" if device else f"account:{account}"


def _from_known_device() -> bool:
    return _known_device(_account_tried()) is not None


def sign_in_failed() -> None:
    """Count this request against the sign-in limits (a wrong password or code)."""
    g.sign_in_failed = True


def _failed(_response: Response) -> bool:
    return bool(g.get("sign_in_failed"))


def _setting(name: str):
    return lambda: current_app.config[name]


def _stack(*limits):
    def decorate(view):
        for limit in reversed(limits):
            view = limit(view)
        return view

    return decorate


# Password and code share the account's count: guessing either is guessing the account.
limit_sign_in = _stack(
    limiter.shared_limit(
        _setting("SIGN_IN_LIMIT_PER_ACCOUNT"), scope="sign-in-account",
        key_func=_sign_in_account, methods=["POST"], deduct_when=_failed,
    ),
    limiter.shared_limit(
        _setting("SIGN_IN_LIMIT_PER_ADDRESS"), scope="sign-in-address",
        key_func=client_address, methods=["POST"], deduct_when=_failed,
        exempt_when=_from_known_device,
    ),
)

limit_registration = limiter.limit(
    _setting("REGISTER_LIMIT_PER_ADDRESS"), key_func=client_address, methods=["POST"]
)

# Every request sends mail (or would): count them all, per address and per mailbox.
limit_password_reset = _stack(
    limiter.limit(
        _setting("PASSWORD_RESET_LIMIT_PER_ACCOUNT"), scope="account", methods=["POST"],
        key_func=lambda: account_key(request.form.get("email", "")),
    ),
    limiter.limit(
        _setting("PASSWORD_RESET_LIMIT_PER_ADDRESS"), scope="address", methods=["POST"],
        key_func=client_address,
    ),
)


def _signed_in_account() -> str:
    from flask_login import current_user

    return f"user:{current_user.id}" if current_user.is_authenticated else client_address()


# Only the profile page's email form counts: it mails an address the sender chooses.
limit_email_change = limiter.limit(
    _setting("EMAIL_CHANGE_LIMIT_PER_ACCOUNT"), scope="email-change", methods=["POST"],
    key_func=_signed_in_account,
    exempt_when=lambda: request.form.get("which") != "email",
)


def seconds_to_wait() -> int:
    """How long until the limit that refused this request lets one through again."""
    current = limiter.current_limit
    if current is None:
        return 60
    return max(1, math.ceil(current.reset_at - time.time()))


def refusing_limit() -> str:
    """Which limit refused this request, for the security log: never the key (it names
    the account or device)."""
    current = limiter.current_limit
    if current is None:
        return "unknown"
    scope = current.request_args[-1] if current.request_args else ""
    return f"{scope}:{current.limit}".replace(" ", "-")


def wait_message(seconds: int) -> str:
    """Say when to try again, in minutes and as a time of day."""
    minutes = max(1, round(seconds / 60))  # the time of day says it to the minute
    return _n(
        "Too many attempts. For the safety of the account, try again in %(num)d minute "
        "(at %(time)s UTC).",
        "Too many attempts. For the safety of the account, try again in %(num)d minutes "
        "(at %(time)s UTC).",
        minutes,
        time=format_time(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds), "short"),
    )
