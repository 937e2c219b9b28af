"""Domain errors raised by the services, and the pages that answer them."""

from __future__ import annotations

from flask import Flask, Response, jsonify, make_response, render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException


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
    500: _l(
        "The error has been logged. Please try again in a moment; "
        "nothing you had already sent is lost."
    ),
}


def render_error(status: int, message: str | None = None, field: str | None = None):
    """The error as a page, or as JSON for the API (under /api/)."""
    if request.path.startswith("/api/"):
        body = {"status": status, "message": str(message or ERROR_HELP.get(status, ""))}
        if field:
            body["field"] = field
        return jsonify({"error": body}), status
    return (
        render_template(
            "errors/error.html",
            status=status,
            title=ERROR_TITLES.get(status, ERROR_TITLES[400 if status < 500 else 500]),
            message=message or ERROR_HELP.get(status, ""),
        ),
        status,
    )


def _abandon_the_work() -> None:
    """A request that ends in an error commits nothing; and on PostgreSQL a failed
    statement leaves the transaction unusable until it is rolled back, which the error page
    (its header counts unread notifications) needs."""
    from consult.extensions import db

    db.session.rollback()


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError) -> tuple[str, int]:
        _abandon_the_work()
        return render_error(error.status, error.message, error.field)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Response | HTTPException:
        """The error's page (or JSON), keeping the headers it carries: Allow on a 405,
        WWW-Authenticate on a 401."""
        if error.code is None or error.code < 400:
            return error
        if request.blueprint == "static":
            return error
        _abandon_the_work()
        body, status = render_error(error.code, ERROR_HELP.get(error.code) or error.description)
        response = make_response(body, status)
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response
