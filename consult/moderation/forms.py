"""Forms of the moderation pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import Length

from consult.comments.models import DISPOSITION_LABELS
from consult.moderation.models import REPORT_LABELS

ACTIONS = [
    SelectChoice("publish", _l("Publish")),
    SelectChoice("hide", _l("Hide")),
    SelectChoice("restore", _l("Restore")),
    SelectChoice("dismiss_reports", _l("Close the reports (the comment is fine)")),
    SelectChoice("disposition", _l("Answer (disposition)")),
    SelectChoice("merge", _l("Merge")),
]


def disposition_choices() -> list[SelectChoice]:
    return [SelectChoice("", _l("Choose the answer"))] + [
        SelectChoice(value.value, label) for value, label in DISPOSITION_LABELS.items()
    ]


class ModerationForm(FlaskForm):
    """One form acts on one comment or on the comments selected in the queue."""

    # The service checks the choices and says what is wrong in its own words.
    action = RadioField(_l("What to do"), choices=ACTIONS, validate_choice=False)
    reason = TextAreaField(
        _l("Reason the author sees"),
        validators=[Length(max=2000)],
        description=_l("Needed to hide or restore; optional when publishing."),
        render_kw={"rows": 2},
    )
    disposition = SelectField(_l("Answer"), default="", validate_choice=False)
    rationale = TextAreaField(
        _l("Rationale (public)"),
        validators=[Length(max=20000)],
        description=_l("Why the input is accepted, partly accepted, noted or not accepted."),
        render_kw={"rows": 3},
    )
    canonical = HiddenField()
    synthesis = TextAreaField(
        _l("Or write a synthesis they are merged into"),
        validators=[Length(max=20000)],
        description=_l("Leave empty to merge into the comment marked “keep” in the list."),
        render_kw={"rows": 3},
    )
    synthesis_proposed = TextAreaField(
        _l("Text the synthesis proposes (optional)"),
        validators=[Length(max=20000)],
        render_kw={"rows": 3},
    )
    back = HiddenField()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.disposition.choices = disposition_choices()


class RemarkForm(FlaskForm):
    body = TextAreaField(
        _l("Private remark for moderators"),
        validators=[Length(max=5000)],
        description=_l("Only moderators and the secretariat see this."),
        render_kw={"rows": 3},
    )


class ReportForm(FlaskForm):
    reason = RadioField(
        _l("What is wrong with this comment?"),
        choices=[SelectChoice(value.value, label) for value, label in REPORT_LABELS.items()],
    )
    note = TextAreaField(
        _l("Anything the moderators should know (optional)"),
        validators=[Length(max=2000)],
        render_kw={"rows": 3},
    )
