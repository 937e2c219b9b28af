"""Domain errors raised by the services, and the pages that answer them."""

from __future__ import annotations

import datetime as dt
import logging
import math
import time

from flask import (
    Flask,
    Response,
    current_app,
    jsonify,
    make_response,
    render_template,
    request,
    url_for,
)
from flask_babel import format_decimal, format_timedelta
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import escape
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, ServiceUnavailable
from werkzeug.http import parse_date

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule of consult refused an action; the message is shown to the person."""

    status = 400
    default_message = _l("The request could not be carried out.")

    def __init__(self, message: str | None = None, field: str | None = None) -> None:
        super().__init__(str(message or self.default_message))
        self.message = str(message or self.default_message)
        self.field = field


class NotFound(DomainError):
    status = 404
    default_message = _l("There is nothing here.")


class Forbidden(DomainError):
    status = 403
    default_message = _l("You are not allowed to do this.")


class Invalid(DomainError):
    status = 400
    default_message = _l("Some of what was sent is not valid.")


class Conflict(DomainError):
    status = 409
    default_message = _l("This changed in the meantime.")


ERROR_TITLES = {
    400: _l("Bad request"),
    403: _l("Not allowed"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    409: _l("Changed in the meantime"),
    413: _l("Too large"),
    429: _l("Too many requests"),
    500: _l("Something went wrong"),
}

ERROR_HELP = {
    400: _l("What was sent could not be understood."),
    403: _l(
        "Your account is not allowed to do this. If you think it should be, "
        "sign in with another account or contact the secretariat."
    ),
    404: _l(
        "The page does not exist or is not published. Check the address, "
        "or start again from the list of consultations."
    ),
    405: _l("This address does not accept that kind of request."),
    409: _l(
        "Someone changed this while you were working on it. "
        "Reload the page to see the current state."
    ),
    413: _l("What you sent is larger than consult accepts."),
    429: _l("Too many requests came from you in a short time, so this one was refused."),
    500: _l(
        "The error has been logged. Please try again in a moment; "
        "nothing you had already sent is lost."
    ),
}

# What the reader can do next, beyond the way back to the consultations.
ERROR_ADVICE = {
    400: _l("Go back, reload the page and send it again."),
    403: _l("If you think your account should be allowed, write to the secretariat."),
    405: _l("Go back and use the page's own buttons and links."),
    413: _l(
        "Go back: what you typed is still in the form. Shorten it, or link to a long "
        "document instead of including it."
    ),
    429: _l("Wait a little: this limit protects everyone's accounts."),
    500: _l("If it happens again, write to the secretariat."),
}


def render_error(
    status: int,
    message: str | None = None,
    field: str | None = None,
    retry_after: int | None = None,
) -> tuple[str | Response, int]:
    """The error as a page, or as JSON for the API (under /api/)."""
    if request.path.startswith("/api/"):
        body = {"status": status, "message": str(message or ERROR_HELP.get(status, ""))}
        if field:
            body["field"] = field
        body["request_id"] = _reference()
        return jsonify({"error": body}), status
    return (
        render_template(
            "errors/error.html",
            status=status,
            title=ERROR_TITLES.get(status, ERROR_TITLES[400 if status < 500 else 500]),
            message=message or ERROR_HELP.get(status, ""),
            advice=ERROR_ADVICE.get(status),
            retry_after=_when(retry_after),
            size_limit=_size_limit() if status == 413 else None,
            sign_in_url=_sign_in_url(status),
            reference=_reference(),
        ),
        status,
    )


def _when(seconds: int | None) -> str | None:
    """"in 15 minutes", in the reader's language."""
    if not seconds:
        return None
    return format_timedelta(dt.timedelta(seconds=seconds), threshold=1, add_direction=True)


def _size_limit() -> str | None:
    """Which limit was passed: the whole request's, or one text field's (Flask keeps a
    field of a multipart form in memory only up to MAX_FORM_MEMORY_SIZE)."""
    whole = current_app.config.get("MAX_CONTENT_LENGTH")
    field = current_app.config.get("MAX_FORM_MEMORY_SIZE")
    sent = request.content_length
    if whole and (sent is None or sent > whole):
        return _("At most %(size)s MB can be sent at once.",
                 size=format_decimal(round(whole / 1024 / 1024, 1)))
    if field and request.mimetype == "multipart/form-data":
        return _("One text field can hold at most %(size)s KB.",
                 size=format_decimal(round(field / 1000)))
    return None


def _sign_in_url(status: int) -> str | None:
    """Where signing in may help: a page kept from readers, or not published to them."""
    if status not in (401, 403, 404) or current_user.is_authenticated:
        return None
    return url_for("auth.login", next=request.full_path.rstrip("?"))


def _reference() -> str:
    from consult.web import request_id

    return request_id()


def retry_after_seconds(error: Exception) -> int | None:
    """How long until the limit that refused the request lets it through again."""
    value = getattr(error, "retry_after", None)
    if isinstance(value, dt.datetime):
        value = (value - dt.datetime.now(dt.UTC)).total_seconds()
    if value is None and isinstance(error, HTTPException):
        header = dict(error.get_headers()).get("Retry-After")
        if header and header.isdigit():
            value = int(header)
        elif header and (when := parse_date(header)):
            value = (when - dt.datetime.now(dt.UTC)).total_seconds()
    if value is None:
        value = _limiter_reset()
    return max(1, math.ceil(value)) if value is not None else None


def _limiter_reset() -> float | None:
    """Seconds until Flask-Limiter's window for this request resets, if it refused it."""
    from consult.extensions import limiter

    try:
        limit = limiter.current_limit
    except Exception:
        return None
    return limit.reset_at - time.time() if limit is not None else None


def _abandon_the_work() -> None:
    """A request that ends in an error commits nothing; and on PostgreSQL a failed
    statement leaves the transaction unusable until it is rolled back, which the error page
    (its header counts unread notifications) needs."""
    from consult.extensions import db

    try:
        db.session.rollback()
    except Exception:
        log.warning("could not roll back after an error", exc_info=True)


def _bare_page() -> str:
    """The page when even the error page failed (the database is down, say): no
    template, no database, nothing but what the reader needs."""
    try:
        words = [str(ERROR_TITLES[500]), str(ERROR_HELP[500]), str(ERROR_ADVICE[500]),
                 _("Reference of this request, to quote if you write to the secretariat:"),
                 _("Back to the consultations")]
    except Exception:
        words = ["Something went wrong", "Please try again in a moment.",
                 "If it happens again, write to the secretariat.",
                 "Reference of this request, to quote if you write to the secretariat:",
                 "Back to the consultations"]
    title, message, advice, reference, back = (escape(word) for word in words)
    return (
        f'<!doctype html><html><head><meta charset="utf-8"><title>{title} · consult</title>'
        f"</head><body><main><h1>{title}</h1><p>{message}</p><p>{advice}</p>"
        f"<p>{reference} <code>{escape(_reference())}</code></p>"
        f'<p><a href="/">{back}</a></p></main></body></html>'
    )


def _message(error: HTTPException) -> str:
    """Ours for the usual errors; a description the code gave; never werkzeug's English."""
    if error.code in ERROR_HELP:
        return str(ERROR_HELP[error.code])
    if error.description and error.description != type(error).description:
        return error.description
    return str(ERROR_HELP[400 if (error.code or 500) < 500 else 500])


def is_database_busy(error: Exception) -> bool:
    """SQLite's write lock was not obtained within the busy timeout."""
    return (isinstance(error, OperationalError)
            and getattr(error.orig, "sqlite_errorname", "") == "SQLITE_BUSY")


def database_busy() -> ServiceUnavailable:
    """What a writer that queued past SQLite's busy timeout is told (a machine far past its
    capacity): the transaction was rolled back whole, so sending it again is safe."""
    return ServiceUnavailable(
        _(
            "Many people are sending at this moment, so what you sent was not saved. "
            "Go back: your text is still in the form. Send it again in a few seconds."
        ),
        retry_after=5,
    )


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(OperationalError)
    def _database_error(error: OperationalError) -> Response | HTTPException:
        if not is_database_busy(error):
            raise error
        log.warning("SQLite write lock not obtained within %s s: answered 503",
                    app.config["SQLITE_BUSY_TIMEOUT"])
        return _http_error(database_busy())

    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError) -> tuple[str | Response, int]:
        _abandon_the_work()
        return render_error(error.status, error.message, error.field)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Response | HTTPException:
        """The error's page (or JSON), keeping the headers it carries: Allow on a 405,
        WWW-Authenticate on a 401, Retry-After on a 429.

        An unexpected exception arrives here as a 500 that names nothing of it; if even
        its page cannot be drawn, a bare one still gives the request's reference.
        """
        if error.code is None or error.code < 400:
            return error
        if request.blueprint == "static":
            return error
        _abandon_the_work()
        retry_after = retry_after_seconds(error) if error.code == 429 else None
        try:
            body, status = render_error(error.code, _message(error), retry_after=retry_after)
        except Exception:
            if error.code < 500:
                raise
            log.exception("the page for error %s failed as well", error.code)
            body, status = _bare_page(), error.code
        response = make_response(body, status)
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        if retry_after:
            response.headers["Retry-After"] = str(retry_after)
        return response
