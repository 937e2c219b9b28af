"""Forms the secretariat uses to set up consultations, versions and their text."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from consult.drafts.importer import PARAGRAPH_MAX_LENGTH
from consult.drafts.models import KIND_LABELS, MODERATION_LABELS


def as_utc(value: dt.datetime | None) -> dt.datetime | None:
    """The browser's date and time fields have no zone: consult's forms are in UTC."""
    return value.replace(tzinfo=dt.UTC) if value else None


class ConsultationForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[DataRequired(_l("Give the consultation a title.")), Length(max=300)],
    )
    slug = StringField(
        _l("Short name for addresses"),
        validators=[DataRequired(_l("Give a short name.")), Length(max=80)],
        description=_l("Lower-case letters, digits and hyphens, e.g. wsis20-outcome."),
    )
    summary = TextAreaField(
        _l("Summary"),
        validators=[Length(max=5000)],
        description=_l("What is consulted on and why. Markdown is allowed."),
    )


FORMAT_CHOICES = [
    SelectChoice("", _l("Recognise from the file name")),
    SelectChoice("text", _l("Plain text")),
    SelectChoice("markdown", _l("Markdown")),
    SelectChoice("akn", _l("Akoma Ntoso XML")),
]


class VersionSettingsForm(FlaskForm):
    label = StringField(
        _l("Label"),
        validators=[DataRequired(_l("Give the version a label.")), Length(max=100)],
        description=_l("As it is called in the process: Zero draft, Rev.1, Final."),
    )
    document_symbol = StringField(
        _l("Document symbol"),
        validators=[Optional(), Length(max=100)],
        description=_l("If the document has one, e.g. A/80/L.12."),
    )
    moderation = RadioField(
        _l("Moderation"),
        choices=[SelectChoice(mode.value, label) for mode, label in MODERATION_LABELS.items()],
        default="post",
    )
    opens_at = DateTimeLocalField(
        _l("Comments open (UTC)"),
        validators=[Optional()],
        description=_l("Leave empty to open when you publish the version."),
    )
    closes_at = DateTimeLocalField(
        _l("Comments close (UTC)"),
        validators=[Optional()],
        description=_l("Leave empty to close by hand."),
    )


class ImportFields(FlaskForm):
    file = FileField(
        _l("Text of the draft"),
        description=_l("A plain text (.txt), Markdown (.md) or Akoma Ntoso (.xml) file in UTF-8."),
    )
    format = SelectField(_l("Format"), choices=FORMAT_CHOICES, default="")
    part = StringField(
        _l("Only this document of a collection"),
        validators=[Optional(), Length(max=200)],
        description=_l("For an Akoma Ntoso collection, e.g. “Resolution 140”."),
    )


class VersionForm(VersionSettingsForm, ImportFields):
    pass


class ImportForm(ImportFields):
    pass


class ParagraphForm(FlaskForm):
    kind = SelectField(
        _l("Kind"), choices=[SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()]
    )
    number_label = StringField(
        _l("Number"),
        validators=[Optional(), Length(max=30)],
        description=_l("As printed, without the full stop: 12, (a), II. Empty if none."),
    )
    is_subparagraph = BooleanField(_l("Sub-paragraph of the paragraph above"))
    body = TextAreaField(
        _l("Text"),
        validators=[
            DataRequired(_l("A paragraph needs some text.")),
            Length(max=PARAGRAPH_MAX_LENGTH),
        ],
        description=_l("Markdown: *italics* for the opening words."),
    )
    row_version = HiddenField()
    after_position = HiddenField()
