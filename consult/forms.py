"""Form helpers shared by every area."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import flash
from flask_wtf import FlaskForm
from sqlalchemy.orm.exc import StaleDataError

from consult.errors import Conflict, DomainError
from consult.extensions import db


class EmptyForm(FlaskForm):
    """A one-button POST form: only the CSRF token."""


def show_error(form: FlaskForm, error: DomainError) -> None:
    """Put a service's refusal next to the field it concerns, or above the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


@dataclass
class Outcome:
    """How a unit of work ended: error is the service's refusal, if it refused."""

    error: DomainError | None = None

    @property
    def done(self) -> bool:
        return self.error is None

    @property
    def status(self) -> int:
        return self.error.status if self.error else 200


@contextmanager
def unit_of_work(form: FlaskForm | None = None) -> Iterator[Outcome]:
    """Commit what the block does, or roll it back and show why.

    The view owns the transaction: a DomainError raised by a service inside the block is
    shown on the form (or flashed when there is none) and the block's changes are undone.
    """
    outcome = Outcome()
    try:
        try:
            yield outcome
            db.session.flush()
        except StaleDataError as stale:
            # Someone else saved the same row between our read and our write.
            raise Conflict() from stale
    except DomainError as error:
        db.session.rollback()
        outcome.error = error
        if form is not None:
            show_error(form, error)
        else:
            flash(error.message, "error")
    else:
        db.session.commit()


def as_int(value: object, default: int = 0) -> int:
    """A whole number from a form field, or default when it is missing or not a number."""
    try:
        return int(str(value))
    except ValueError:
        return default
