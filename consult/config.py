"""Configuration defaults and the environment variables that override them."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

# Settings read from the environment, with the type each is converted to.
ENVIRONMENT_SETTINGS: dict[str, type] = {
    "SECRET_KEY": str,
    "DATABASE_URL": str,
    "SERVER_NAME": str,
    "PUBLIC_URL": str,
    "PREFERRED_URL_SCHEME": str,
    "MAIL_SERVER": str,
    "MAIL_PORT": int,
    "MAIL_USERNAME": str,
    "MAIL_PASSWORD": str,
    "MAIL_USE_TLS": bool,
    "MAIL_USE_SSL": bool,
    "MAIL_DEFAULT_SENDER": str,
    "MAIL_OUTBOX_DIR": str,
    "SQLITE_BUSY_TIMEOUT": int,
}

LANGUAGES = {
    "en": "English",
    "fr": "Français",
    "es": "Español",
    "ru": "Русский",
    "zh": "中文",
    "ar": "العربية",
}
RTL_LANGUAGES = frozenset({"ar"})


class ConfigurationError(RuntimeError):
    """The application cannot start with the configuration it was given."""


def defaults(instance_path: str) -> dict[str, Any]:
    """Return the settings every deployment starts from."""
    return {
        "ENV_NAME": os.environ.get("CONSULT_ENV", "production"),
        "DATABASE_URL": "sqlite:///" + os.path.join(instance_path, "consult.sqlite"),
        "SQLITE_BUSY_TIMEOUT": 15,
        "SQLALCHEMY_TRACK_MODIFICATIONS": False,
        "MAIL_SERVER": "",
        "MAIL_PORT": 25,
        "MAIL_USERNAME": "",
        "MAIL_PASSWORD": "",
        "MAIL_USE_TLS": False,
        "MAIL_USE_SSL": False,
        "MAIL_DEFAULT_SENDER": "consult <no-reply@consult.invalid>",
        # Where people reach consult; links in mail sent by commands start with it.
        "PUBLIC_URL": "http://127.0.0.1:5000",
        "MAIL_OUTBOX_DIR": os.path.join(instance_path, "outbox"),
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "LANGUAGES": LANGUAGES,
        "WTF_CSRF_TIME_LIMIT": 6 * 3600,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
        "EMAIL_TOKEN_MAX_AGE": 7 * 24 * 3600,
        "PASSWORD_HASH_METHOD": "scrypt",
        "PASSWORD_RESET_MAX_AGE": 2 * 3600,
        "COMMENTS_PER_PAGE": 20,
        "COMMENT_MAX_LENGTH": 20_000,
        "PROPOSED_TEXT_MAX_LENGTH": 10_000,
    }


def _convert(name: str, value: str, kind: type) -> Any:
    if kind is bool:
        return value.strip().lower() in {"1", "true", "yes", "on"}
    if kind is int:
        try:
            return int(value)
        except ValueError as error:
            raise ConfigurationError(f"{name} must be a whole number, not {value!r}") from error
    return value


def from_environment(environ: os._Environ[str] | dict[str, str]) -> dict[str, Any]:
    """Read the settings that are present in the environment."""
    found: dict[str, Any] = {}
    for name, kind in ENVIRONMENT_SETTINGS.items():
        if environ.get(name):
            found[name] = _convert(name, environ[name], kind)
    return found


def is_development(config: dict[str, Any]) -> bool:
    return config.get("ENV_NAME") == "development" or bool(config.get("DEBUG"))


def ensure_secret_key(config: dict[str, Any], instance_path: str) -> None:
    """Refuse to start without a SECRET_KEY, except in development and tests.

    In development a random key is kept in the instance folder so that sessions survive
    a restart of the server.
    """
    if config.get("SECRET_KEY"):
        return
    if config.get("TESTING"):
        config["SECRET_KEY"] = secrets.token_hex(32)
        return
    if not is_development(config):
        raise ConfigurationError(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random "
            'value, for example the output of: python -c "import secrets; '
            'print(secrets.token_hex(32))". (Only CONSULT_ENV=development makes one up.)'
        )
    key_file = Path(instance_path) / "secret_key"
    if not key_file.exists() or not key_file.read_text().strip():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_hex(32))
    config["SECRET_KEY"] = key_file.read_text().strip()
