"""Downloads of the redline between two versions: Word with tracked changes, and HTML.

The author of the tracked changes is the secretariat as an institution, never the person
who downloads (a name in a file handed around is personal data, and the changes are the
secretariat's, whoever asks for the file): "Secretariat", or, when a secretariat member
asks, their organization ("WSIS+20 Forum secretariat"), which names it more precisely.
The date of the changes is when the newer version was published (made, for a draft).
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from flask import Blueprint, request
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from consult.auth.models import User
from consult.drafts import service
from consult.drafts.models import Version
from consult.errors import Invalid
from consult.exports import redline

blueprint = Blueprint("redline", __name__)

# ASCII digits only ("²" is a digit to str.isdigit), and few enough for an INTEGER column.
_VERSION_NUMBER = re.compile(r"[0-9]{1,9}")
_UNSAFE_ASCII = re.compile(r"[^A-Za-z0-9._-]+")
# Kept in filename*: letters and digits of any script; the rest becomes a hyphen.
_UNSAFE_UNICODE = re.compile(r"[^\w.-]+", re.UNICODE)


def _viewer() -> User | None:
    return current_user if current_user.is_authenticated else None


def _number(name: str) -> int:
    value = request.args.get(name, "").strip()
    if not _VERSION_NUMBER.fullmatch(value):
        raise Invalid(
            _(
                "Say which two versions to compare by their numbers, as in "
                "?from=1&to=2 (%(name)s is missing or not a number).",
                name=name,
            )
        )
    return int(value)


def _pair(slug: str) -> tuple[Version, Version]:
    """The two versions asked for, if the viewer may see both (drafts: the secretariat)."""
    old_number, new_number = _number("from"), _number("to")
    old = service.get_version(slug, old_number, _viewer())
    new = service.get_version(slug, new_number, _viewer())
    if old.id == new.id:
        raise Invalid(
            _(
                "You chose the same version twice. A redline shows the changes from one "
                "version to another: choose two different versions."
            )
        )
    return old, new


def author() -> str:
    """Who the tracked changes are by (see the module's docstring)."""
    viewer = _viewer()
    if viewer is not None and viewer.is_secretariat and (viewer.organization or "").strip():
        return viewer.organization.strip()
    return _("Secretariat")


def _part(text: str, pattern: re.Pattern[str], fallback: str) -> str:
    return pattern.sub("-", text).strip("-.") or fallback


def filename(old: Version, new: Version, extension: str) -> tuple[str, str]:
    """An ASCII file name and a Unicode one: <slug>-<from>-to-<to>-redline.<extension>."""
    ascii_labels = []
    unicode_labels = []
    for version in (old, new):
        fallback = f"v{version.number}"
        folded = unicodedata.normalize("NFKD", version.label).encode("ascii", "ignore").decode()
        ascii_labels.append(_part(folded, _UNSAFE_ASCII, fallback))
        unicode_labels.append(_part(version.label, _UNSAFE_UNICODE, fallback))
    slug = old.consultation.slug
    return (
        f"{slug}-{ascii_labels[0]}-to-{ascii_labels[1]}-redline.{extension}",
        f"{slug}-{unicode_labels[0]}-to-{unicode_labels[1]}-redline.{extension}",
    )


def _response(
    body: bytes | str, mimetype: str, names: tuple[str, str], disposition: str
) -> Response:
    """The file, its name both plain and RFC 5987-encoded, private when a draft is in it."""
    response = Response(body, mimetype=mimetype)
    plain, full = names
    response.headers["Content-Disposition"] = (
        f'{disposition}; filename="{plain}"; filename*=UTF-8\'\'{quote(full, safe="")}'
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _private_if_draft(response: Response, old: Version, new: Version) -> Response:
    if not (old.is_published and new.is_published):
        response.headers["Cache-Control"] = "private, no-store"
    return response


@blueprint.route("/c/<slug>/redline.docx")
def docx(slug: str) -> Response:
    """The newer version with the changes as Word tracked changes, to accept or reject."""
    old, new = _pair(slug)
    body = redline.redline_docx(
        old, new, author=author(), date=new.published_at or new.created_at
    )
    names = filename(old, new, "docx")
    return _private_if_draft(_response(body, redline.DOCX_TYPE, names, "attachment"), old, new)


@blueprint.route("/c/<slug>/redline.html")
def html(slug: str) -> Response:
    """The same changes as a page to read or print; saved, it keeps a telling name."""
    old, new = _pair(slug)
    names = filename(old, new, "html")
    response = _response(redline.redline_html(old, new), "text/html", names, "inline")
    return _private_if_draft(response, old, new)
