"""Forms of the people area: deleting one's account, the People page's filters, and the
secretariat's verification buttons."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    SearchField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Length, Optional

from consult.auth.models import GROUP_LABELS, ROLE_LABELS
from consult.auth.service import PASSWORD_MAX_LENGTH
from consult.people.service import PeopleFilter


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        _l("Your password"),
        validators=[DataRequired(_l("Give your password.")), Length(max=PASSWORD_MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    code = StringField(
        _l("Code from your authenticator app"),
        validators=[Optional(), Length(max=40)],
        description=_l("Six digits, or one of your recovery codes."),
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )
    confirm = BooleanField(
        _l("I understand: my account is deleted for good, and cannot be restored."),
        validators=[DataRequired(_l("Tick the box to confirm that you want to delete your "
                                    "account."))],
    )


class VerifyForm(FlaskForm):
    """One button; the organization the page showed comes along, so the secretariat
    verifies what it saw and nothing else."""

    organization = HiddenField()


class PeopleFilterForm(FlaskForm):
    """A GET form: each filtered list has an address of its own."""

    class Meta:
        csrf = False

    q = SearchField(_l("Name, email or organization"), validators=[Length(max=200)])
    verified = SelectField(_l("Organization"), default="")
    role = SelectField(_l("Role"), default="")
    group = SelectField(_l("Stakeholder group"), default="")
    state = SelectField(_l("Accounts"), default="")

    def __init__(self, formdata: MultiDict) -> None:
        super().__init__(formdata=formdata)
        everyone = [SelectChoice("", _l("All"))]
        self.verified.choices = everyone + [
            SelectChoice("no", _l("Not verified")),
            SelectChoice("yes", _l("Verified")),
        ]
        self.role.choices = everyone + [
            SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()
        ]
        self.group.choices = everyone + [
            SelectChoice(group.value, label) for group, label in GROUP_LABELS.items()
        ]
        self.state.choices = [
            SelectChoice("", _l("In use")),
            SelectChoice("deleted", _l("Deleted by their owners")),
        ]

    def filters(self) -> PeopleFilter:
        return PeopleFilter(
            text=(self.q.data or "")[:200],
            role=self.role.data or "",
            group=self.group.data or "",
            verified=self.verified.data or "",
            state=self.state.data or "",
        )

    def query(self) -> dict[str, str]:
        """The filters as query-string arguments, empty ones left out, for the pager."""
        return {
            name: str(getattr(self, name).data)
            for name in ("q", "verified", "role", "group", "state")
            if getattr(self, name).data
        }
