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
    "FORCE_HTTPS": bool,
    "PROXY_FIX": int,
    "REDIS_URL": str,
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
        # Redirect plain HTTP to HTTPS (HSTS and Secure cookies follow it, and follow
        # PREFERRED_URL_SCHEME=https).
        "FORCE_HTTPS": False,
        # How many proxies in front set X-Forwarded-For/-Proto/-Host; 0 trusts none.
        "PROXY_FIX": 0,
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
        # scrypt with N = 2^16 (Werkzeug's default is 2^15): 64 MiB and about 0.2 s a hash.
        # Hashes made with other settings still verify.
        "PASSWORD_HASH_METHOD": "scrypt:65536:8:1",
        "PASSWORD_RESET_MAX_AGE": 2 * 3600,
        "COMMENTS_PER_PAGE": 20,
        "COMMENT_MAX_LENGTH": 20_000,
        "PROPOSED_TEXT_MAX_LENGTH": 10_000,
        # Rate limits: counted in Redis when REDIS_URL is set (shared by every process),
        # else in each process's memory. Sign-in counts failures only; an account's count
        # is kept apart for browsers it was signed in from before (see auth/throttle.py).
        "REDIS_URL": "",
        "RATELIMIT_KEY_PREFIX": "consult",
        "RATELIMIT_STRATEGY": "moving-window",
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "SIGN_IN_LIMIT_PER_ACCOUNT": "5 per 15 minutes",
        "SIGN_IN_LIMIT_PER_ADDRESS": "30 per 15 minutes",
        "REGISTER_LIMIT_PER_ADDRESS": "20 per hour",
        "PASSWORD_RESET_LIMIT_PER_ADDRESS": "10 per hour",
        "PASSWORD_RESET_LIMIT_PER_ACCOUNT": "3 per hour",
        "EMAIL_CHANGE_LIMIT_PER_ACCOUNT": "5 per hour",
        "KNOWN_DEVICE_MAX_AGE": 180 * 24 * 3600,
        # Roles that must sign in with a second factor (TOTP or a recovery code).
        "TWO_FACTOR_ROLES": ("moderator", "secretariat"),
        # Between the password and the code, how long the half-done sign-in is kept.
        "SIGN_IN_CODE_MAX_AGE": 5 * 60,
        # A sign-in ends after this long, or after this long without use (seconds); the
        # STAFF_ ones apply to TWO_FACTOR_ROLES. "Remember me" lasts SESSION_MAX_AGE and is
        # not offered to staff.
        "STAFF_SESSION_MAX_AGE": 12 * 3600,
        "STAFF_SESSION_IDLE": 30 * 60,
        "SESSION_MAX_AGE": 30 * 24 * 3600,
        "SESSION_IDLE": 7 * 24 * 3600,
        "REMEMBER_COOKIE_DURATION": 30 * 24 * 3600,
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
        from consult.files import write_atomically

        write_atomically(key_file, [secrets.token_hex(32).encode()], mode=0o600)
    config["SECRET_KEY"] = key_file.read_text().strip()
