"""The compilation's filters: the moderation queue's, read from the query string."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, SearchField, SelectChoice, SelectField
from wtforms.validators import Length

from consult.auth.models import GROUP_LABELS
from consult.comments.models import DISPOSITION_LABELS, KIND_LABELS, STATUS_LABELS, CommentStatus
from consult.compilation.service import Outline
from consult.moderation.service import QueueFilter

# What the public compilation can contain (service.public_input), hence filter on.
PUBLIC_STATUSES = (CommentStatus.PUBLISHED, CommentStatus.MERGED)


class CompilationFilterForm(FlaskForm):
    """A GET form, so every filtered compilation has an address of its own; the names are
    the moderation queue's (paragraph, kind, status, group, disposition, q)."""

    class Meta:
        csrf = False

    paragraph = SelectField(_l("Paragraph"), default="")
    kind = SelectField(_l("Kind"), default="")
    status = SelectField(_l("Status"), default="")
    group = SelectField(_l("Stakeholder group"), default="")
    disposition = SelectField(_l("Answer given"), default="")
    q = SearchField(_l("Words"), validators=[Length(max=200)],
                    description=_l("In the text, the proposed text, the author’s name or "
                                   "organization."))
    verified = BooleanField(
        _l("From verified organizations only"),
        description=_l("Input whose author’s organization the secretariat has verified."),
    )
    all = BooleanField(
        _l("Include what is not public: input awaiting moderation, hidden or withdrawn"),
        description=_l("The secretariat’s own export; the status column says why each is "
                       "not public."),
    )

    def __init__(self, formdata: MultiDict, *, outline: Outline, secretariat: bool) -> None:
        super().__init__(formdata=formdata)
        everyone = [SelectChoice("", _l("All"))]
        self.paragraph.choices = everyone + [
            SelectChoice(str(place.id), place.name[:1].upper() + place.name[1:])
            for place in outline.places.values()
        ]
        self.kind.choices = everyone + [
            SelectChoice(value.value, text) for value, text in KIND_LABELS.items()
        ]
        statuses = [
            SelectChoice(value.value, text)
            for value, text in STATUS_LABELS.items()
            if secretariat or value in PUBLIC_STATUSES
        ]
        if secretariat:
            statuses.append(SelectChoice("reported", _l("Reported by readers")))
        self.status.choices = everyone + statuses
        self.group.choices = everyone + [
            SelectChoice(value.value, text) for value, text in GROUP_LABELS.items()
        ]
        self.disposition.choices = everyone + [SelectChoice("none", _l("Not answered yet"))] + [
            SelectChoice(value.value, text) for value, text in DISPOSITION_LABELS.items()
        ]
        if not secretariat:
            del self.all

    def filters(self) -> QueueFilter:
        """The filter the moderation queue would apply to the same query string."""
        return QueueFilter(
            paragraph_id=int(self.paragraph.data) if self.paragraph.data else None,
            kind=self.kind.data or "",
            status=self.status.data or "",
            group=self.group.data or "",
            disposition=self.disposition.data or "",
            text=(self.q.data or "")[:200],
            verified=bool(self.verified.data),
        )

    @property
    def everything(self) -> bool:
        return bool(getattr(self, "all", None) is not None and self.all.data)

    def query(self) -> dict[str, str]:
        """The filters as query-string arguments, empty ones left out, for the links."""
        found = {
            name: str(getattr(self, name).data)
            for name in ("paragraph", "kind", "status", "group", "disposition", "q")
            if getattr(self, name).data
        }
        if self.verified.data:
            found["verified"] = "1"
        if self.everything:
            found["all"] = "1"
        return found
