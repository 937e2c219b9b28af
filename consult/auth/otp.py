"""The second factor's arithmetic: TOTP codes (RFC 6238), their QR code, recovery codes.

No rules and no database here: consult.auth.service decides who may do what with these.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app
from markupsafe import Markup, escape

ISSUER = "consult"
STEP_SECONDS = 30
# A code of the time step before or after the server's is still taken: clocks drift.
DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10
# 16 characters of a 32-letter alphabet: 80 bits, stored salted and hashed (ASVS 2.6.2).
RECOVERY_CODE_LENGTH = 16
RECOVERY_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford's: no i, l, o, u
_LOOK_ALIKES = str.maketrans({"i": "1", "l": "1", "o": "0"})
SALT_BYTES = 4


class UnreadableSecret(Exception):
    """The stored secret was encrypted with a key that is no longer configured."""


def new_secret() -> str:
    """A fresh TOTP secret: 160 random bits in base32, as authenticator apps expect."""
    return pyotp.random_base32(32)


def _fernet() -> MultiFernet:
    """Encrypt with SECRET_KEY; also read what older keys (SECRET_KEY_FALLBACKS) wrote."""
    keys = [current_app.config["SECRET_KEY"],
            *(current_app.config.get("SECRET_KEY_FALLBACKS") or [])]
    return MultiFernet([
        Fernet(base64.urlsafe_b64encode(
            hmac.new(str(key).encode(), b"consult.totp-secret", hashlib.sha256).digest()
        ))
        for key in keys
    ])


def seal(secret: str) -> str:
    """The secret as stored: encrypted, so a copy of the database alone cannot make codes."""
    return _fernet().encrypt(secret.encode()).decode()


def unseal(stored: str) -> str:
    """The secret back from its stored form. Raises UnreadableSecret."""
    try:
        return _fernet().decrypt(stored.encode()).decode()
    except InvalidToken as error:
        raise UnreadableSecret() from error


def current_step(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // STEP_SECONDS)


def code_at(secret: str, step: int) -> str:
    return pyotp.TOTP(secret).generate_otp(step)


def matching_step(secret: str, code: str, last_step: int | None, now: float | None = None
                  ) -> int | None:
    """The time step whose code this is, if it is near now and later than the last used."""
    code = "".join(code.split())
    if len(code) != 6 or not code.isdigit():
        return None
    now_step = current_step(now)
    for step in range(now_step - DRIFT_STEPS, now_step + DRIFT_STEPS + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(code_at(secret, step), code):
            return step
    return None


def provisioning_uri(secret: str, account: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=ISSUER)


def grouped(text: str, size: int = 4) -> str:
    """Split a secret into groups of four, easier to type by hand."""
    return " ".join(text[i:i + size] for i in range(0, len(text), size))


def qr_svg(uri: str, label: str) -> Markup:
    """The otpauth:// address as an inline SVG QR code (no script, no image request)."""
    drawing = segno.make(uri, error="m").svg_inline(scale=5, dark="#000", light="#fff")
    return Markup(drawing.replace(
        "<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1
    ))


def new_recovery_codes() -> list[str]:
    """Ten codes, each "xxxx-xxxx-xxxx-xxxx"."""
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
        codes.append("-".join(raw[i:i + 4] for i in range(0, RECOVERY_CODE_LENGTH, 4)))
    return codes


def normalize_recovery_code(code: str) -> str:
    """Forgive case, spaces, dashes and the letters people read as digits."""
    return "".join(char for char in code.lower() if char.isalnum()).translate(_LOOK_ALIKES)


def hash_recovery_code(code: str, salt: bytes | None = None) -> str:
    """A random 32-bit salt and the SHA-256 of salt and code: 64 hex characters in all."""
    salt = salt if salt is not None else secrets.token_bytes(SALT_BYTES)
    digest = hashlib.sha256(salt + normalize_recovery_code(code).encode()).hexdigest()
    return salt.hex() + digest[: 64 - 2 * SALT_BYTES]


def recovery_code_matches(code: str, stored: str) -> bool:
    salt = bytes.fromhex(stored[: 2 * SALT_BYTES])
    return hmac.compare_digest(hash_recovery_code(code, salt), stored)


def looks_like_recovery_code(code: str) -> bool:
    return len(normalize_recovery_code(code)) == RECOVERY_CODE_LENGTH
