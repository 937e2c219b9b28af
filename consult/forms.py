"""Form helpers shared by every area."""

from __future__ import annotations

from flask_wtf import FlaskForm

from consult.errors import DomainError


class EmptyForm(FlaskForm):
    """A one-button POST form: only the CSRF token."""


def show_error(form: FlaskForm, error: DomainError) -> None:
    """Put a service's refusal next to the field it concerns, or above the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def as_int(value: object, default: int = 0) -> int:
    """A whole number from a form field, or default when it is missing or not a number."""
    try:
        return int(str(value))
    except ValueError:
        return default
