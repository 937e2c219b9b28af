"""Forms for registering, signing in and looking after an account."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length

from consult.auth.models import GROUP_LABELS
from consult.auth.service import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH
from consult.i18n import country_choices


def _group_choices() -> list[tuple[str, str]]:
    return [SelectChoice("", _l("Choose a group"))] + [
        SelectChoice(group.value, label) for group, label in GROUP_LABELS.items()
    ]


class ProfileFields(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Give your name.")), Length(max=200)],
        render_kw={"autocomplete": "name"},
    )
    organization = StringField(
        _l("Organization"),
        validators=[DataRequired(_l("Give your organization.")), Length(max=200)],
        render_kw={"autocomplete": "organization"},
    )
    stakeholder_group = SelectField(
        _l("Stakeholder group"),
        validators=[InputRequired(_l("Choose one of the six stakeholder groups."))],
    )
    country = SelectField(
        _l("Country"), validators=[InputRequired(_l("Choose a country from the list."))]
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.stakeholder_group.choices = _group_choices()
        self.country.choices = [SelectChoice("", _l("Choose a country"))] + [
            SelectChoice(code, name) for code, name in country_choices()
        ]


def _new_password() -> PasswordField:
    return PasswordField(
        _l("Password"),
        validators=[
            DataRequired(_l("Choose a password.")),
            Length(
                min=PASSWORD_MIN_LENGTH,
                max=PASSWORD_MAX_LENGTH,
                message=_l("Use between %(min)d and %(max)d characters."),
            ),
        ],
        description=_l(
            "At least %(n)d characters, any you like; not one of the most common passwords.",
            n=PASSWORD_MIN_LENGTH,
        ),
        render_kw={"autocomplete": "new-password"},
    )


def _confirmation() -> PasswordField:
    return PasswordField(
        _l("Repeat the password"),
        validators=[EqualTo("password", _l("The two passwords are not the same."))],
        render_kw={"autocomplete": "new-password"},
    )


class RegisterForm(ProfileFields):
    email = EmailField(
        _l("Email"),
        validators=[
            DataRequired(_l("Give your email address.")),
            Email(_l("Give a valid email address."), check_deliverability=False),
            Length(max=254),
        ],
        render_kw={"autocomplete": "email"},
    )
    password = _new_password()
    confirm = _confirmation()
    accept_terms = BooleanField(
        _l(
            "I understand that what I write here is published with my name, organization, "
            "stakeholder group and country."
        ),
        validators=[DataRequired(_l("You need to accept this to take part."))],
    )


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(_l("Give your email address.")), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Give your password.")), Length(max=PASSWORD_MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Keep me signed in on this device"))
    next = HiddenField()


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("Email"),
        validators=[
            DataRequired(_l("Give your email address.")),
            Length(max=254),
            Email(_l("Give a valid email address."), check_deliverability=False),
        ],
        render_kw={"autocomplete": "email"},
    )


class ResetPasswordForm(FlaskForm):
    password = _new_password()
    confirm = _confirmation()


class ProfileForm(ProfileFields):
    pass


class ChangeEmailForm(FlaskForm):
    email = EmailField(
        _l("New email address"),
        validators=[
            DataRequired(_l("Give the new address.")),
            Email(_l("Give a valid email address."), check_deliverability=False),
            Length(max=254),
        ],
        render_kw={"autocomplete": "email"},
    )
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Give your current password.")),
                    Length(max=PASSWORD_MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Give your current password.")),
                    Length(max=PASSWORD_MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    password = _new_password()
    confirm = _confirmation()


def _current_password() -> PasswordField:
    return PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Give your current password.")),
                    Length(max=PASSWORD_MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )


def _code(label: str, description: str, numeric: bool = False) -> StringField:
    return StringField(
        label,
        validators=[DataRequired(_l("Give the code.")), Length(max=40)],
        description=description,
        render_kw={
            "autocomplete": "one-time-code",
            "autocapitalize": "off",
            "spellcheck": "false",
            **({"inputmode": "numeric"} if numeric else {}),
        },
    )


class SignInCodeForm(FlaskForm):
    code = _code(
        _l("Code"),
        _l("The 6-digit code your authenticator app shows now, or one of your recovery codes."),
    )


class EnableSecondFactorForm(FlaskForm):
    token = HiddenField()
    code = _code(
        _l("Code from the app"),
        _l("The 6-digit code the app shows for consult, to show that it is set up."),
        numeric=True,
    )


class DisableSecondFactorForm(FlaskForm):
    current_password = _current_password()
    code = _code(
        _l("Code"),
        _l("The 6-digit code your authenticator app shows now, or one of your recovery codes."),
    )


class RecoveryCodesForm(FlaskForm):
    current_password = _current_password()


class ResetSecondFactorForm(FlaskForm):
    email = EmailField(
        _l("Email of the person"),
        validators=[DataRequired(_l("Give the email address of the account.")), Length(max=254)],
    )
