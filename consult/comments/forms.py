"""Forms for commenting, proposing changes, replying and editing."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectChoice, SubmitField, TextAreaField

from consult.comments.models import CommentKind
from consult.comments.service import QUOTE_MAX_LENGTH, too_long
from consult.database import new_key
from consult.fields import AtMost

# The limits the service applies, checked on the form too, in the service's words.
_BODY = [AtMost("COMMENT_MAX_LENGTH", too_long)]
_PROPOSED = [AtMost("PROPOSED_TEXT_MAX_LENGTH", too_long)]
_QUOTE = [AtMost(QUOTE_MAX_LENGTH, too_long)]

KIND_CHOICES = [
    SelectChoice(CommentKind.COMMENT.value, _l("Comment on this paragraph")),
    SelectChoice(CommentKind.AMENDMENT.value, _l("Propose new wording")),
    SelectChoice(CommentKind.DELETION.value, _l("Propose to delete it")),
    SelectChoice(CommentKind.INSERTION.value, _l("Propose a new paragraph after it")),
]


class _Sending(FlaskForm):
    """What every form that sends text has: a submission key and Send / Preview buttons."""

    submission_key = HiddenField()
    send = SubmitField(_l("Send"))
    preview = SubmitField(_l("Preview"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.submission_key.data:
            self.submission_key.data = new_key()

    @property
    def wants_preview(self) -> bool:
        return bool(self.preview.data)


class CommentForm(_Sending):
    kind = RadioField(_l("What would you like to do?"), choices=KIND_CHOICES, default="comment")
    body = TextAreaField(
        _l("Your comment, or the reason for your proposal"),
        validators=_BODY,
        description=_l("Markdown: *italics*, **bold**, lists with -, links."),
    )
    proposed_text = TextAreaField(
        _l("Proposed text"),
        validators=_PROPOSED,
        description=_l(
            "For new wording: the whole paragraph as you would like it to read. "
            "For a new paragraph: its text."
        ),
    )
    quote = TextAreaField(
        _l("Words of the paragraph you are commenting on (optional)"),
        validators=_QUOTE,
        description=_l("Select them in the paragraph, or copy them here exactly."),
        render_kw={"rows": 2},
    )


class GeneralCommentForm(_Sending):
    body = TextAreaField(
        _l("Your comment on the draft as a whole"),
        validators=_BODY,
        description=_l("Markdown: *italics*, **bold**, lists with -, links."),
    )


class ReplyForm(_Sending):
    body = TextAreaField(_l("Your reply"), validators=_BODY,
                         description=_l("Markdown is allowed."))


class EditCommentForm(FlaskForm):
    body = TextAreaField(_l("Your comment, or the reason for your proposal"), validators=_BODY)
    proposed_text = TextAreaField(_l("Proposed text"), validators=_PROPOSED)
    quote = TextAreaField(
        _l("Words of the paragraph you are commenting on (optional)"),
        validators=_QUOTE,
        render_kw={"rows": 2},
    )
    row_version = HiddenField()
    send = SubmitField(_l("Save changes"))
    preview = SubmitField(_l("Preview"))

    @property
    def wants_preview(self) -> bool:
        return bool(self.preview.data)
