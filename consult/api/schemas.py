"""What the API accepts, written once: the checks run on every request before anything
touches the database, and the OpenAPI document is built from the same definitions.

The limits are the services' own (configuration and module constants); the services still
apply every rule of their own after these checks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Request, current_app
from flask_babel import gettext as _
from werkzeug.exceptions import UnsupportedMediaType

from consult.comments.models import CommentKind
from consult.comments.service import QUOTE_MAX_LENGTH, SORTS, TOP_LEVEL_KINDS
from consult.errors import Invalid
from consult.fields import clean

SUBMISSION_KEY_MAX_LENGTH = 64  # comment.submission_key is a String(64)
PER_PAGE_DEFAULT = 20
PER_PAGE_MAX = 100
PAGE_MAX = 1_000_000
# Path numbers are bounded so an enormous one is a 404, never an integer overflow in SQL.
ID_MAX = 2**31 - 1
# A paragraph is read with the ones beside it (position ± 1), which must fit too.
POSITION_MAX = ID_MAX - 1
PATH_NUMBER_MAX = {"number": ID_MAX, "position": POSITION_MAX, "comment_id": ID_MAX}
WHOLE_NUMBER = re.compile(r"^[0-9]{1,9}$")


def _config(name: str) -> Callable[[], int]:
    return lambda: int(current_app.config[name])


@dataclass(frozen=True)
class Text:
    """One string field of a JSON body."""

    name: str
    max_length: int | Callable[[], int]
    description: str
    required: bool = False
    min_length: int = 0
    choices: tuple[str, ...] = ()
    default: str | None = None

    def limit(self) -> int:
        return self.max_length() if callable(self.max_length) else self.max_length

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string", "description": self.description}
        if self.choices:
            schema["enum"] = list(self.choices)
        else:
            schema["maxLength"] = self.limit()
            if self.min_length:
                schema["minLength"] = self.min_length
        if self.default is not None:
            schema["default"] = self.default
        return schema


@dataclass(frozen=True)
class Body:
    """A JSON object with these string fields and no others."""

    name: str
    description: str
    fields: tuple[Text, ...]

    def json_schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "description": self.description,
            "properties": {item.name: item.json_schema() for item in self.fields},
            "required": [item.name for item in self.fields if item.required],
            "additionalProperties": False,
        }


_BODY = Text(
    "body",
    _config("COMMENT_MAX_LENGTH"),
    "Markdown. For a proposal, its rationale. Text that is only spaces is refused (400).",
    required=True,
    min_length=1,
)
_SUBMISSION_KEY = Text(
    "submission_key",
    SUBMISSION_KEY_MAX_LENGTH,
    "Any string unique to this submission (a UUID, say). Sending the same key again gives "
    "back the comment it made (200) instead of making another.",
    min_length=1,
)

COMMENT = Body(
    "CommentCreate",
    "A comment on a paragraph, or a proposal to amend, delete, or insert after it.",
    (
        Text("kind", 0, "What the comment does.", choices=tuple(TOP_LEVEL_KINDS),
             default=CommentKind.COMMENT.value),
        _BODY,
        Text(
            "proposed_text",
            _config("PROPOSED_TEXT_MAX_LENGTH"),
            "The new wording: required for an amendment or an insertion, ignored otherwise.",
        ),
        Text(
            "quote",
            QUOTE_MAX_LENGTH,
            "Words of the paragraph the comment is about, copied exactly (400 otherwise).",
        ),
        _SUBMISSION_KEY,
    ),
)
GENERAL_COMMENT = Body(
    "GeneralCommentCreate",
    "A comment on the version as a whole.",
    (_BODY, _SUBMISSION_KEY),
)
REPLY = Body("ReplyCreate", "An answer to a comment.", (_BODY, _SUBMISSION_KEY))


# Request bodies -------------------------------------------------------------------------------


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise Invalid(_("The field “%(field)s” is given twice.", field=key), field=key)
        seen[key] = value
    return seen


def _refuse_constant(name: str) -> Any:
    raise Invalid(_("%(value)s is not a JSON value.", value=name))


def _check_text(value: str, name: str) -> None:
    """Text the database can store: no NUL character, nothing that is not UTF-8."""
    if "\x00" in value:
        raise Invalid(_("The text may not contain a NUL character."), field=name)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise Invalid(_("The text is not valid Unicode."), field=name) from error


def read_body(request: Request, body: Body) -> dict[str, str]:
    """The fields of a JSON request body, checked against its definition.

    Raises UnsupportedMediaType (415) for another content type and Invalid (400) for
    anything else wrong, with the field it concerns.
    """
    if request.mimetype != "application/json":
        raise UnsupportedMediaType(
            _("Send the request body as JSON (Content-Type: application/json).")
        )
    try:
        text = request.get_data(cache=False).decode("utf-8")
    except UnicodeDecodeError as error:
        raise Invalid(_("The request body is not UTF-8.")) from error
    try:
        data = json.loads(
            text, object_pairs_hook=_refuse_duplicates, parse_constant=_refuse_constant
        )
    except ValueError as error:
        raise Invalid(_("The request body is not valid JSON.")) from error
    except RecursionError as error:  # arrays or objects nested thousands deep
        raise Invalid(_("The request body is nested too deeply.")) from error
    if not isinstance(data, dict):
        raise Invalid(_("The request body must be a JSON object."))
    known = {item.name: item for item in body.fields}
    for name in data:
        if name not in known:
            raise Invalid(_("There is no field “%(field)s” here.", field=name), field=name)
    values: dict[str, str] = {}
    for item in body.fields:
        if item.name not in data:
            if item.required:
                raise Invalid(_("The field “%(field)s” is required.", field=item.name),
                              field=item.name)
            if item.default is not None:
                values[item.name] = item.default
            continue
        value = data[item.name]
        if not isinstance(value, str):
            raise Invalid(_("The field “%(field)s” must be a string.", field=item.name),
                          field=item.name)
        _check_text(value, item.name)
        if item.choices and value not in item.choices:
            raise Invalid(
                _("“%(field)s” must be one of: %(choices)s.", field=item.name,
                  choices=", ".join(item.choices)),
                field=item.name,
            )
        if not item.choices and len(value) > item.limit():
            raise Invalid(
                _("“%(field)s” may have at most %(n)d characters; this has %(length)d.",
                  field=item.name, n=item.limit(), length=len(value)),
                field=item.name,
            )
        if len(value) < item.min_length:
            raise Invalid(_("The field “%(field)s” may not be empty.", field=item.name),
                          field=item.name)
        # Limits count what was sent (as the schema says); what is kept is cleaned as a
        # form's text is: line ends and control characters (consult/fields.py).
        values[item.name] = clean(value)
    return values


# Query parameters -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Paging:
    page: int
    per_page: int


def _whole_number(args: Any, name: str, default: int, low: int, high: int) -> int:
    raw = args.get(name)
    if raw is None:
        return default
    if not WHOLE_NUMBER.match(raw) or not low <= int(raw) <= high:
        raise Invalid(
            _("“%(field)s” must be a whole number from %(low)d to %(high)d.", field=name,
              low=low, high=high),
            field=name,
        )
    return int(raw)


def read_paging(request: Request) -> Paging:
    """?page= and ?per_page=, bounded. Raises Invalid."""
    return Paging(
        page=_whole_number(request.args, "page", 1, 1, PAGE_MAX),
        per_page=_whole_number(request.args, "per_page", PER_PAGE_DEFAULT, 1, PER_PAGE_MAX),
    )


def read_sort(request: Request) -> str:
    sort = request.args.get("sort", SORTS[0])
    if sort not in SORTS:
        raise Invalid(
            _("“sort” must be one of: %(choices)s.", choices=", ".join(SORTS)), field="sort"
        )
    return sort


def read_authorization(request: Request) -> str | None:
    """The secret of an `Authorization: Bearer <secret>` header; "" when the header is there
    but is not of that form; None when there is none."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _sep, secret = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return ""
    return secret.strip()
