"""Forms of the revision pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length


class StartRevisionForm(FlaskForm):
    label = StringField(
        _l("Label of the next version"),
        validators=[DataRequired(_l("Give the version a label.")), Length(max=100)],
        description=_l("For example Rev.1."),
    )


class DecisionForm(FlaskForm):
    """Apply, edit or skip one proposal; the button pressed says which."""

    decision = HiddenField()
    text = TextAreaField(_l("Text of the paragraph"), validators=[Length(max=20000)],
                         render_kw={"rows": 5})


class SettleForm(FlaskForm):
    lineage_key = HiddenField()
    text = TextAreaField(
        _l("The paragraph as it will read"),
        validators=[Length(max=20000)],
        description=_l("Combine the accepted changes by hand. Leave empty to delete the "
                       "paragraph, if one of them asked for that."),
        render_kw={"rows": 6},
    )
