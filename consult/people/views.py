"""Pages of the people area: a person's own data (download, deletion) on their profile, and
the secretariat's People page, where organizations are verified."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from consult.audit.service import history_of
from consult.auth.service import safe_next_path
from consult.compilation.views import content_disposition
from consult.extensions import db
from consult.forms import as_int, unit_of_work
from consult.people import service
from consult.people.forms import DeleteAccountForm, PeopleFilterForm, VerifyForm
from consult.people.naming import signature

blueprint = Blueprint("people", __name__)
# Every template signs input the same way: templates/people/_mark.html uses it.
blueprint.add_app_template_global(signature, "signature")
ZIP_MIMETYPE = "application/zip"


def _archive(data: dict, name: str) -> Response:
    """The archive as a download no cache keeps: it holds personal data."""
    response = Response(service.archive_bytes(data), mimetype=ZIP_MIMETYPE)
    response.headers["Content-Disposition"] = content_disposition(name)
    response.headers["Cache-Control"] = "private, no-store"
    return response


# A person's own data ----------------------------------------------------------------------------


@blueprint.route("/profile/data.zip")
@login_required
def download_data() -> Response:
    """Everything consult keeps about the signed-in person, as one zip."""
    person = current_user._get_current_object()
    return _archive(service.personal_data(person, person), service.archive_name(person))


@blueprint.route("/profile/delete", methods=["GET", "POST"])
@login_required
def delete_account() -> str | Response | tuple[str, int]:
    """The terms in brief, what will stay and go, and the form that deletes the account."""
    person = current_user._get_current_object()
    form = DeleteAccountForm()
    status = 200
    refusal = service.deletion_refusal(person)
    if refusal is None and form.validate_on_submit():
        with unit_of_work(form) as work:
            service.delete_account(
                person,
                password=form.password.data or "",
                code=form.code.data or "",
                confirmed=bool(form.confirm.data),
            )
        if work.done:
            session.clear()
            logout_user()
            flash(_("Your account is deleted, and you are signed out. A confirmation is on its "
                    "way to your former address."), "success")
            return redirect(url_for("drafts.index"))
        status = work.status
    elif request.method == "POST":
        status = 403 if refusal else 400
    return (
        render_template(
            "people/delete.html",
            form=form,
            refusal=refusal,
            summary=service.deletion_summary(person),
            second_factor=person.totp_enabled_at is not None,
        ),
        status,
    )


# The secretariat's People page -----------------------------------------------------------------


@blueprint.route("/manage/people")
@login_required
def index() -> tuple[str, int]:
    service.require_secretariat(current_user)
    form = PeopleFilterForm(request.args)
    valid = form.validate()
    found = service.people(
        current_user, form.filters() if valid else service.PeopleFilter(),
        page=as_int(request.args.get("page"), 1),
    )
    return (
        render_template(
            "people/index.html",
            form=form,
            found=found,
            query=form.query() if valid else {},
            action_form=VerifyForm(),
        ),
        200 if valid else 400,
    )


@blueprint.route("/manage/people/<int:person_id>")
@login_required
def person(person_id: int) -> str:
    found = service.get_person(current_user, person_id)
    return render_template(
        "people/person.html",
        person=found,
        p=found.user,
        action_form=VerifyForm(),
        history=history_of("user", person_id),
    )


def _back(person_id: int) -> Response:
    target = safe_next_path(request.form.get("back"))
    return redirect(target or url_for("people.person", person_id=person_id))


@blueprint.route("/manage/people/<int:person_id>/verify", methods=["POST"])
@login_required
def verify(person_id: int) -> Response:
    found = service.get_person(current_user, person_id).user
    form = VerifyForm()
    if not form.validate_on_submit():
        flash(_("This form was open too long; verify the organization again."), "error")
        return _back(person_id)
    with unit_of_work() as work:
        marked = service.verify_organization(current_user, found, form.organization.data or "")
    if work.done:
        flash(_("“%(organization)s” is verified for this account; %(n)d of its comments now "
                "show the mark. The person is told.", organization=found.organization,
                n=marked), "success")
    return _back(person_id)


@blueprint.route("/manage/people/<int:person_id>/withdraw", methods=["POST"])
@login_required
def withdraw(person_id: int) -> Response:
    found = service.get_person(current_user, person_id).user
    form = VerifyForm()
    if not form.validate_on_submit():
        flash(_("This form was open too long; withdraw the verification again."), "error")
        return _back(person_id)
    with unit_of_work() as work:
        service.withdraw_verification(current_user, found)
    if work.done:
        flash(_("The verification of “%(organization)s” is withdrawn; its comments no longer "
                "show the mark.", organization=found.organization), "success")
    return _back(person_id)


@blueprint.route("/manage/people/<int:person_id>/data", methods=["POST"])
@login_required
def person_data(person_id: int) -> Response:
    """A person's data for the secretariat answering their request; the audit trail
    records that it was taken."""
    found = service.get_person(current_user, person_id).user
    if not VerifyForm().validate_on_submit():
        flash(_("This form was open too long; ask for the data again."), "error")
        return _back(person_id)
    data = service.personal_data(current_user, found)
    db.session.commit()
    return _archive(data, service.archive_name(found))
