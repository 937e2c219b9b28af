"""What every response carries and every request leaves behind: the security headers, a
request id, one JSON log line, the health check for load balancers, and the client's
address behind trusted proxies."""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from flask import (
    Flask,
    Response,
    current_app,
    g,
    has_request_context,
    jsonify,
    request,
    session,
)
from flask.sessions import SecureCookieSessionInterface
from flask_talisman import Talisman
from sqlalchemy import inspect, text
from werkzeug.middleware.proxy_fix import ProxyFix

from consult.extensions import db, limiter

log = logging.getLogger("consult.request")
health_log = logging.getLogger(__name__)

# Where the request's id and what its log line needs travel in the WSGI environ.
REQUEST_ID = "consult.request_id"
LOGGED_PATH = "consult.logged_path"
LOGGED_USER = "consult.logged_user"

# An incoming X-Request-ID is kept only if it looks like an id: no spaces, quotes or line
# breaks that could forge or split a log line.
WELL_FORMED_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,127}")
REDACTED = "…"
# The id while the middleware runs the request, and when it writes the request's line.
_current_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
PATH_LOG_LIMIT = 1000

# Pages: scripts, styles, images and fonts from consult itself and nothing inline.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# Standalone documents (the print-ready text, the redline): their styles are inside them so
# they survive being saved and printed, and WeasyPrint reads them. They may run no script
# and fetch nothing, so an inline style cannot be turned into a leak.
DOCUMENT_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
# Browser features consult never uses, turned off for it and anything it might embed.
PERMISSIONS_POLICY = dict.fromkeys(
    (
        "accelerometer", "autoplay", "browsing-topics", "camera", "clipboard-read",
        "display-capture", "encrypted-media", "fullscreen", "geolocation", "gyroscope",
        "hid", "idle-detection", "magnetometer", "microphone", "midi", "payment",
        "picture-in-picture", "publickey-credentials-get", "screen-wake-lock", "serial",
        "usb", "xr-spatial-tracking",
    ),
    "()",
)
HSTS_MAX_AGE = 365 * 24 * 3600
HOST_PREFIX = "__Host-"


def init_app(app: Flask) -> None:
    """Wire the headers, the request log, the proxy setting and /healthz into the app."""
    if app.config["FORCE_HTTPS"]:
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    app.session_interface = SessionCookies()
    # Flask runs after_request functions last-registered first: registered before
    # Talisman's (and Flask-Login's), these see their headers and cookies.
    app.after_request(_https_only_cookies)
    app.after_request(_keep_out_of_caches)
    app.after_request(_document_policy)
    headers = Talisman(
        app,
        force_https=app.config["FORCE_HTTPS"],
        force_https_permanent=True,
        frame_options="DENY",
        # Sent by _https_only_cookies, which trusts X-Forwarded-Proto only through ProxyFix.
        strict_transport_security=False,
        content_security_policy=CONTENT_SECURITY_POLICY,
        permissions_policy=PERMISSIONS_POLICY,
        # Tokens travel in the path of reset and confirmation links: send no referrer to
        # other sites, and the full one to consult itself (CSRF checks it over HTTPS).
        referrer_policy="same-origin",
        session_cookie_secure=False,  # SessionCookies decides, request by request
        session_cookie_samesite=app.config["SESSION_COOKIE_SAMESITE"],
    )
    app.teardown_request(_note_for_the_log)
    # Load balancers ask over plain HTTP behind the proxy that ends TLS.
    app.add_url_rule("/healthz", "health", headers(force_https=False)(limiter.exempt(health)))
    app.jinja_env.globals["request_id"] = request_id
    app.wsgi_app = RequestLog(app.wsgi_app)  # type: ignore[method-assign]
    proxies = app.config["PROXY_FIX"]
    if proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )


# HTTPS, cookies and caches ----------------------------------------------------------------


def over_https() -> bool:
    """Whether this request came over HTTPS: FORCE_HTTPS says every answered one did (the
    others were redirected); else the request's scheme, which ProxyFix takes from a
    trusted proxy's X-Forwarded-Proto."""
    if not has_request_context():
        return False
    return bool(current_app.config["FORCE_HTTPS"]) or request.is_secure


class SessionCookies(SecureCookieSessionInterface):
    """Over HTTPS the session cookie is Secure and named `__Host-session`: the browser
    then takes it only from this very host, over HTTPS, for the whole site, so a sibling
    subdomain or a plain-HTTP man in the middle cannot plant one (ASVS 3.4.4)."""

    def get_cookie_name(self, app: Flask) -> str:
        name = super().get_cookie_name(app)
        return HOST_PREFIX + name if over_https() else name

    def get_cookie_secure(self, app: Flask) -> bool:
        return over_https() or super().get_cookie_secure(app)

    def get_cookie_domain(self, app: Flask) -> str | None:
        return None if over_https() else super().get_cookie_domain(app)

    def get_cookie_path(self, app: Flask) -> str:
        return "/" if over_https() else super().get_cookie_path(app)


def _https_only_cookies(response: Response) -> Response:
    """Over HTTPS: HSTS, and every cookie (the remember-me one included) marked Secure."""
    if not over_https():
        return response
    response.headers["Strict-Transport-Security"] = (
        f"max-age={HSTS_MAX_AGE}; includeSubDomains"
    )
    cookies = response.headers.getlist("Set-Cookie")
    if any(not _is_secure_cookie(cookie) for cookie in cookies):
        response.headers.remove("Set-Cookie")
        for cookie in cookies:
            response.headers.add(
                "Set-Cookie", cookie if _is_secure_cookie(cookie) else cookie + "; Secure"
            )
    return response


def _is_secure_cookie(cookie: str) -> bool:
    return any(part.strip().lower() == "secure" for part in cookie.split(";")[1:])


def _keep_out_of_caches(response: Response) -> Response:
    """No cache, shared or the browser's, keeps a page that is someone's: one for a
    signed-in person or a token's owner, one carrying a CSRF token, one setting a cookie.
    Published texts and comments read anonymously may be cached; so may static files."""
    if request.endpoint == "static":
        return response
    if "no-store" in response.headers.get("Cache-Control", ""):
        return response  # the view said so already ("private, no-store" on a download)
    if _is_personal(response):
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"  # HTTP/1.0 caches
    return response


def _is_personal(response: Response) -> bool:
    if signed_in_user_id() is not None:
        return True
    return (
        current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token") in g
        or "Set-Cookie" in response.headers
        or session.modified  # its cookie is set after this runs
        or "_user_id" in session
    )


def _document_policy(response: Response) -> Response:
    """An HTML file served as a file (it carries Content-Disposition) is a standalone
    document: its own policy."""
    if response.mimetype == "text/html" and "Content-Disposition" in response.headers:
        response.headers["Content-Security-Policy"] = DOCUMENT_POLICY
    return response


# The request id and the log ---------------------------------------------------------------


def request_id() -> str:
    """The id of the request being answered ("-" outside one), as its log line shows it."""
    if has_request_context():
        return request.environ.get(REQUEST_ID, "-")
    return _current_id.get()


def incoming_id(value: str | None) -> str | None:
    return value if value and WELL_FORMED_ID.fullmatch(value) else None


def _is_secret(segment: str) -> bool:
    """A long path segment with capitals or dots is a signed token (slugs are lower case)."""
    return len(segment) >= 32 and (not segment.islower() or "." in segment)


def loggable_path(path: str, secrets: Iterable[str] = ()) -> str:
    """The path with its tokens replaced by an ellipsis, cut to a sensible length."""
    hidden = {str(value) for value in secrets}
    segments = [
        REDACTED if segment in hidden or _is_secret(segment) else segment
        for segment in path.split("/")
    ]
    return "/".join(segments)[:PATH_LOG_LIMIT]


def _note_for_the_log(_error: BaseException | None) -> None:
    """Leave the redacted path and the user in the environ for the request's log line.

    Route arguments named like a token are secrets. The user is the one this request
    loaded (session or API token), so logging causes no query of its own.
    """
    arguments = request.view_args or {}
    secrets = [value for name, value in arguments.items() if "token" in name]
    request.environ[LOGGED_PATH] = loggable_path(request.path, secrets)
    request.environ[LOGGED_USER] = signed_in_user_id()


def signed_in_user_id() -> int | None:
    """The id of the person this request was made by, as the request already loaded them
    (session or API token). Read from the identity map, so it costs no query even after
    an error rolled the session back and expired the user."""
    for user in (g.get("_login_user"), g.get("api_user")):
        if user is None or getattr(user, "is_anonymous", True):
            continue
        state = inspect(user, raiseerr=False)
        if state is not None and state.identity:
            return state.identity[0]
    return None


class RequestLog:
    """WSGI middleware: gives each request an id, sends it back in X-Request-ID, and logs
    one JSON line when the last byte of the answer has gone out."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]):
        started = time.perf_counter()
        identity = incoming_id(environ.get("HTTP_X_REQUEST_ID")) or uuid.uuid4().hex
        environ[REQUEST_ID] = identity
        answer: dict[str, int] = {}

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None):
            answer["status"] = int(status.split(" ", 1)[0])
            headers = [(name, value) for name, value in headers
                       if name.lower() != "x-request-id"]
            headers.append(("X-Request-ID", identity))
            return start_response(status, headers, exc_info)

        def finish(size: int) -> None:
            _log_request(environ, answer.get("status", 500), started, size)

        running = _current_id.set(identity)
        try:
            body = self.app(environ, start)
        except BaseException:
            finish(0)
            raise
        finally:
            _current_id.reset(running)
        return _CountedBody(body, finish)


class _CountedBody:
    """The answer's body, counted as it is sent; reports once, at its end or its close."""

    def __init__(self, body: Iterable[bytes], finish: Callable[[int], None]) -> None:
        self._body = body
        self._finish = finish
        self._size = 0
        self._reported = False

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._body:
            self._size += len(chunk)
            yield chunk
        self._report()

    def close(self) -> None:
        try:
            close = getattr(self._body, "close", None)
            if close is not None:
                close()
        finally:
            self._report()

    def _report(self) -> None:
        if not self._reported:
            self._reported = True
            self._finish(self._size)


def _raw_path(environ: dict[str, Any]) -> str:
    """The path as sent, for requests that ended before Flask could note it."""
    raw = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    return raw.encode("latin-1", "replace").decode("utf-8", "replace")


def _log_request(environ: dict[str, Any], status: int, started: float, size: int) -> None:
    path = environ.get(LOGGED_PATH) or loggable_path(_raw_path(environ))
    line = {
        "time": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
        "request_id": environ.get(REQUEST_ID),
        "method": environ.get("REQUEST_METHOD"),
        "path": path,
        "status": status,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        "size": size,
        "user_id": environ.get(LOGGED_USER),
        "client": environ.get("REMOTE_ADDR"),
    }
    if status >= 500:
        level = logging.ERROR
    elif path == "/healthz" and status < 400:
        level = logging.DEBUG  # load balancers ask every few seconds
    else:
        level = logging.INFO
    writing = _current_id.set(line["request_id"])
    try:
        log.log(level, "%s", json.dumps(line))
    finally:
        _current_id.reset(writing)


def configure_logging() -> None:
    """Log to standard error with the request id in each line, at INFO and above."""
    _add_request_id_to_records()
    handler = logging.StreamHandler()
    handler.setFormatter(
        _Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s")
    )
    logging.basicConfig(level=logging.INFO, handlers=[handler])


class _Formatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):  # made by logging.makeLogRecord
            record.request_id = "-"
        return super().format(record)


def _add_request_id_to_records() -> None:
    """Every log record made while a request is answered carries its request_id."""
    current = logging.getLogRecordFactory()
    if getattr(current, "adds_request_id", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = current(*args, **kwargs)
        record.request_id = request_id()
        return record

    factory.adds_request_id = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


# The health check -------------------------------------------------------------------------


def health() -> tuple[Response, int]:
    """For load balancers: 200 when the database (and Redis, if used) answer, else 503
    naming the part that failed. No session, no rate limit, no log line when all is well."""
    parts = {"database": "ok", "redis": "not configured"}
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:
        health_log.warning("health check: the database does not answer", exc_info=True)
        parts["database"] = "error"
    if current_app.config.get("REDIS_URL"):
        try:
            _redis().ping()
            parts["redis"] = "ok"
        except Exception:
            health_log.warning("health check: Redis does not answer", exc_info=True)
            parts["redis"] = "error"
    healthy = "error" not in parts.values()
    response = jsonify({"status": "ok" if healthy else "error", **parts})
    response.headers["Cache-Control"] = "no-store"
    return response, 200 if healthy else 503


def _redis():
    """One client (and connection pool) per application, with short timeouts."""
    client = current_app.extensions.get("consult.health_redis")
    if client is None:
        import redis

        client = redis.Redis.from_url(
            current_app.config["REDIS_URL"], socket_connect_timeout=2, socket_timeout=2
        )
        current_app.extensions["consult.health_redis"] = client
    return client
