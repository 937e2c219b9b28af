"""How input is signed wherever it is shown: pages, exports and the API say it alike."""

from __future__ import annotations

from flask_babel import gettext as _


def signature(name: str | None, organization: str | None) -> str:
    """The author's name; for an account its owner deleted (its name emptied, as the
    consultation's terms say), the organization the input stays under."""
    if name:
        return name
    if organization:
        return _("A participant from %(organization)s", organization=organization)
    return _("Former participant")
