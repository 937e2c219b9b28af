"""consult: multistakeholder consultation on UN outcome documents."""

from __future__ import annotations

import logging
import os
from typing import Any

from flask import Flask, request
from flask_wtf.csrf import CSRFError

from consult import config as settings


def database_uri(url: str) -> str:
    """Accept the usual spellings of a PostgreSQL URL and use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, commands."""
    app = Flask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_relative_config=True,
    )
    app.config.from_mapping(settings.defaults(app.instance_path))
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(settings.from_environment(os.environ))
    if test_config:
        app.config.update(test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    settings.ensure_secret_key(app.config, app.instance_path)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_uri(app.config["DATABASE_URL"])
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
    from consult import web

    web.configure_logging()
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)

    web.init_app(app)
    from consult import fields

    # Form fields and query strings arrive cleaned (consult/fields.py says of what).
    app.request_class = fields.CleanedRequest
    app.url_value_preprocessor(fields.refuse_unwanted_in_path)
    _init_extensions(app)
    _register_blueprints(app)

    from consult import cli, errors

    errors.register_error_handlers(app)
    cli.init_app(app)

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError) -> tuple[str, int]:
        from flask_babel import gettext as _

        return errors.render_error(
            400,
            _(
                "This form was open too long or your session ended, so it could not be "
                "accepted."
            ),
        )

    return app


def _init_extensions(app: Flask) -> None:
    import consult.models  # noqa: F401  (every table, for the metadata and migrations)
    from consult import i18n
    from consult.database import configure_engine
    from consult.extensions import (
        babel,
        begin_write,
        csrf,
        db,
        init_limiter,
        login_manager,
        migrate,
    )

    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine, app.config["SQLITE_BUSY_TIMEOUT"])
    migrate.init_app(app, db, directory=os.path.join(app.root_path, "..", "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    i18n.init_app(app)
    login_manager.init_app(app)
    init_limiter(app)

    @app.before_request
    def _open_the_transaction() -> None:
        """Requests that write begin IMMEDIATE on SQLite (see begin_write).

        Requests that read run without a transaction on PostgreSQL: at READ COMMITTED each
        statement sees its own snapshot anyway, and a page is spared the BEGIN and
        ROLLBACK round trips (measured in bench/: 1.5 ms of a 15 ms page). So a GET must
        not make more than one change that has to stand or fall together.
        """
        if request.endpoint == "health":  # asks the database itself, and may find it down
            return
        view = app.view_functions.get(request.endpoint or "")
        if getattr(view, "consult_checks_before_writing", False):
            return
        if request.method not in ("GET", "HEAD", "OPTIONS") or getattr(
            view, "consult_writes", False
        ):
            # On SQLite, a lock not obtained within the busy timeout is answered 503 "send
            # it again" (consult.errors.database_busy): nothing was written yet.
            begin_write()
        elif db.engine.dialect.name == "postgresql":
            db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})

    import consult.mail  # noqa: F401  (registers the send-after-commit hooks)


def _register_blueprints(app: Flask) -> None:
    from consult.api.views import blueprint as api
    from consult.audit.views import blueprint as audit
    from consult.auth.views import blueprint as auth
    from consult.comments.views import blueprint as comments
    from consult.compilation.views import blueprint as compilation
    from consult.drafts.views import blueprint as drafts
    from consult.exports.redline_views import blueprint as redline
    from consult.exports.views import blueprint as exports
    from consult.extensions import csrf
    from consult.moderation.views import blueprint as moderation
    from consult.notifications.views import blueprint as notifications
    from consult.people.views import blueprint as people
    from consult.revisions.views import blueprint as revisions

    # The API authenticates each request with a token, not a session: no CSRF there.
    csrf.exempt(api)
    for blueprint in (
        auth, drafts, comments, moderation, notifications, revisions, audit, exports,
        redline, compilation, people, api,
    ):
        app.register_blueprint(blueprint)
