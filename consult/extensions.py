"""The Flask extensions, created here and bound to an application in create_app()."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from consult.database import WRITE_OPTION, Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


def client_address() -> str:
    """The address a request came from (ProxyFix makes it the client's behind a proxy)."""
    return request.remote_addr or "unknown"


# The limits themselves are declared where they apply (consult/auth/throttle.py).
limiter = Limiter(key_func=client_address)


def init_limiter(app: Flask) -> None:
    """Count in Redis when REDIS_URL is set, so every process shares the counts; else in
    this process's memory (development, tests)."""
    config = app.config
    config["RATELIMIT_STORAGE_URI"] = (
        config.get("RATELIMIT_STORAGE_URI") or config.get("REDIS_URL") or "memory://"
    )
    # The Limiter is one object for every app of the process and would keep an earlier
    # app's RATELIMIT_ENABLED=False as the default of the next: each app says its own.
    config.setdefault("RATELIMIT_ENABLED", True)
    limiter.init_app(app)


def writes(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a view that writes although it answers GET (a link opened from an email), so
    its request begins the write transaction as a POST does (see begin_write)."""
    view.consult_writes = True  # type: ignore[attr-defined]
    return view


def checks_before_writing(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a POST view that does slow work before it may write (signing in checks a
    password hash: 0.2 s of scrypt), so its request does not take SQLite's write lock
    first and hold up every other writer meanwhile; the view's service ends the read and
    calls begin_write() itself when it is about to write."""
    view.consult_checks_before_writing = True  # type: ignore[attr-defined]
    return view


def begin_write() -> None:
    """Open the session's transaction as a write transaction (BEGIN IMMEDIATE on SQLite).

    Call it before the first query of a unit of work that will write; once a transaction
    has begun it is too late and nothing changes.
    """
    if not db.session().in_transaction():
        db.session.connection(execution_options={WRITE_OPTION: True})
