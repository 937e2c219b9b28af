"""The form that makes a personal API token."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from consult.api.service import TOKEN_NAME_MAX_LENGTH


class TokenForm(FlaskForm):
    name = StringField(
        _l("Name of the new token"),
        description=_l("What will use it, so you can tell your tokens apart: “Our "
                       "submission script”."),
        validators=[
            DataRequired(_l("Name the token after the program that will use it.")),
            Length(max=TOKEN_NAME_MAX_LENGTH),
        ],
    )
