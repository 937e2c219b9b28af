"""What consult accepts in a text field: the characters it keeps, and how long it may be.

Every text a person sends is cleaned the same way as the request is read: form fields and
query strings by CleanedRequest (the application's request class), JSON bodies by the API's
reader (consult/api/schemas.py). The cleaning is the only change made to text:

- line ends become a line feed (a browser sends a textarea's lines as CR LF, which would
  otherwise count twice against a limit the browser counted once);
- control characters other than tab and line feed, lone surrogates and the noncharacters
  U+FFFE and U+FFFF are removed: PostgreSQL refuses NUL, UTF-8 cannot hold a lone
  surrogate, and XML exports (Word, Akoma Ntoso) cannot hold any of them.

Everything else is kept as written: right-to-left marks, zero-width characters, combining
marks and emoji belong to the languages people write in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from flask import Request, abort, current_app
from flask_babel import gettext as _
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from wtforms.validators import ValidationError

_UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LINE_END = re.compile("\r\n?")


def clean(value: str | None) -> str:
    """The text as consult keeps it (see the module's docstring); None becomes ""."""
    if not value:
        return ""
    return _UNWANTED.sub("", _LINE_END.sub("\n", value))


def has_unwanted(value: str) -> bool:
    """Whether clean() would remove something from value."""
    return _UNWANTED.search(value) is not None


def too_long(limit: int, length: int) -> str:
    return _("Use at most %(max)d characters: this has %(length)d.", max=limit, length=length)


class AtMost:
    """The form side of a limit: a number, or the name of a setting (COMMENT_MAX_LENGTH)
    read when the form is checked, so form and service always agree; message(limit,
    length) words the refusal as the area's service does."""

    field_flags: dict[str, Any] = {}

    def __init__(
        self, limit: int | str, message: Callable[[int, int], str] | None = None
    ) -> None:
        self.limit = limit
        self.message = message or too_long

    def __call__(self, _form: object, field: Any) -> None:
        limit = int(current_app.config[self.limit] if isinstance(self.limit, str) else self.limit)
        length = len(field.data or "")
        if length > limit:
            raise ValidationError(self.message(limit, length))


# Requests -----------------------------------------------------------------------------


def _cleaned_pairs(pairs: Iterable[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    return [
        (clean(key) if isinstance(key, str) else key,
         clean(value) if isinstance(value, str) else value)
        for key, value in pairs
    ]


class CleanedMultiDict(ImmutableMultiDict):
    """Form fields and query arguments with their text cleaned as they are parsed."""

    def __init__(self, mapping: Any = None) -> None:
        pairs = MultiDict(mapping).items(multi=True) if mapping else ()
        super().__init__(_cleaned_pairs(pairs))


class CleanedRequest(Request):
    """The application's request: form data and query strings arrive cleaned."""

    parameter_storage_class = CleanedMultiDict


def refuse_unwanted_in_path(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    """No address of consult holds a control character: such a path is answered 404
    before a view looks it up (PostgreSQL would refuse the NUL in the query)."""
    for value in (values or {}).values():
        if isinstance(value, str) and has_unwanted(value):
            abort(404)
