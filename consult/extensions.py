"""The Flask extensions, created here and bound to an application in create_app()."""

from __future__ import annotations

from flask_babel import Babel
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


def begin_write() -> None:
    """Open the session's transaction as a write transaction (BEGIN IMMEDIATE on SQLite).

    Call it before the first query of a unit of work that will write; once a transaction
    has begun it is too late and nothing changes.
    """
    if not db.session().in_transaction():
        db.session.connection(execution_options={WRITE_OPTION: True})
