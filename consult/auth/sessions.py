"""How long a sign-in lasts: a session ends after a maximum age and after a time without
use, shorter for moderators and the secretariat than for stakeholders (ASVS 3.3.1, 3.3.2).

The times are kept in the signed session cookie. When a session ends the person is
signed out but the request goes on: a page that needs a signed-in person sends them to
sign in and back, and a comment being sent comes back with its text, as for any session
that ended (consult/comments/views.py).
"""

from __future__ import annotations

import datetime as dt
import time

from flask import current_app, flash, request, session
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from consult.auth import service

SIGNED_IN_AT = "signed_in_at"
SEEN_AT = "seen_at"
# The time of last use is written back at most this often, not on every request.
SEEN_RESOLUTION = 60
# Requests that neither need nor touch the session's account.
UNCHECKED = frozenset({"static", "health"})


def _limits(user) -> tuple[int, int]:
    """(maximum age, maximum idle time) in seconds for this account's role."""
    config = current_app.config
    if service.requires_second_factor(user):
        return config["STAFF_SESSION_MAX_AGE"], config["STAFF_SESSION_IDLE"]
    return config["SESSION_MAX_AGE"], config["SESSION_IDLE"]


def start() -> None:
    """Note when this session was signed in to (called right after signing in)."""
    now = int(time.time())
    session[SIGNED_IN_AT] = now
    session[SEEN_AT] = now


def may_remember(user) -> bool:
    """Whether "remember me" may outlive the browser session: not for staff, whose
    sign-in lasts hours, not days."""
    return not service.requires_second_factor(user)


def enforce() -> None:
    """Before each request: end the session if it is too old or was left unused too long."""
    if request.endpoint in UNCHECKED or not current_user.is_authenticated:
        return
    now = int(time.time())
    started, seen = session.get(SIGNED_IN_AT), session.get(SEEN_AT)
    if not isinstance(started, int) or not isinstance(seen, int):
        # Restored from a remember-me cookie, which ends SESSION_MAX_AGE after signing in.
        start()
        return
    max_age, idle = _limits(current_user)
    if now - started > max_age:
        _end("age", _("You were signed out because you signed in more than %(time)s ago. "
                      "Sign in again to go on; nothing you were writing is lost.",
                      time=_duration(max_age)))
    elif now - seen > idle:
        _end("idle", _("You were signed out after %(time)s without activity. Sign in again "
                       "to go on; nothing you were writing is lost.", time=_duration(idle)))
    elif now - seen >= SEEN_RESOLUTION:
        session[SEEN_AT] = now


def _duration(seconds: int) -> str:
    return format_timedelta(dt.timedelta(seconds=seconds), threshold=1)


def _end(reason: str, message: str) -> None:
    service.security_event("session.expired", user=current_user.id, reason=reason)
    # Only the sign-in goes: the CSRF token stays, so a form sent now is answered with
    # its text, not refused as expired.
    logout_user()
    session.pop(SIGNED_IN_AT, None)
    session.pop(SEEN_AT, None)
    flash(message, "info")
