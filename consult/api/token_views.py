"""The "Personal API tokens" section of the profile page: make, list and revoke tokens.

A blueprint of its own, nested in auth (so its pages sit under /profile and keep CSRF,
which the API blueprint is exempt from). The secret is shown on the page that answers the
form, once: it is never put in a flash message, which would keep it in the session cookie.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from consult.api import service
from consult.api.forms import TokenForm
from consult.auth.models import User
from consult.extensions import db
from consult.forms import EmptyForm, unit_of_work

blueprint = Blueprint("api_tokens", __name__, url_prefix="/profile/tokens")
FORM_PREFIX = "token"


def profile_section(user: User) -> dict[str, Any]:
    """What the profile page needs to show its tokens section."""
    return {
        "api_tokens": service.list_tokens(user),
        "token_form": TokenForm(prefix=FORM_PREFIX) if user.is_verified else None,
        "token_action_form": EmptyForm(),
    }


def _back() -> Response:
    return redirect(url_for("auth.profile", _anchor="tokens"))


@blueprint.post("")
@login_required
def create() -> Response | tuple[str, int] | tuple[str, int, dict[str, str]]:
    form = TokenForm(prefix=FORM_PREFIX)
    if not form.validate():
        return _refused(form)
    with unit_of_work(form) as work:
        token, secret = service.create_token(current_user, form.name.data)
    if not work.done:
        return _refused(form, work.status)
    # The secret is in this page only: no cache, no history copy to find it in later.
    headers = {"Cache-Control": "no-store", "Pragma": "no-cache"}
    return render_template("api/token_created.html", token=token, secret=secret), 201, headers


def _refused(form: TokenForm, status: int = 400) -> tuple[str, int]:
    """The profile page again, the refusal beside the name field and the name as typed."""
    from consult.auth.views import _profile_forms as profile_forms

    user = current_user._get_current_object()
    section = {**profile_section(user), "token_form": form}
    return render_template("auth/profile.html", forms=profile_forms(user), **section), status


@blueprint.post("/<int:token_id>/revoke")
@login_required
def revoke(token_id: int) -> Response:
    """Someone else's token, or one that does not exist, is answered with the error page
    (403, 404): the profile page never offers them."""
    if not EmptyForm().validate_on_submit():
        flash(_("This form was open too long; revoke the token again."), "error")
        return _back()
    token = service.revoke_token(current_user, token_id)
    db.session.commit()
    flash(_("The token “%(name)s” is revoked: programs using it are refused from now on.",
            name=token.name), "success")
    return _back()
