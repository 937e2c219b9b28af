"""A person's notifications about their input."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from consult.extensions import db
from consult.forms import EmptyForm
from consult.notifications import service

blueprint = Blueprint("notifications", __name__)


@blueprint.route("/notifications")
@login_required
def index() -> str:
    return render_template(
        "notifications/index.html",
        notifications=service.latest(current_user),
        form=EmptyForm(),
    )


@blueprint.route("/notifications/read", methods=["POST"])
@login_required
def mark_read() -> Response:
    if not EmptyForm().validate_on_submit():
        abort(400)
    service.mark_all_read(current_user)
    db.session.commit()
    return redirect(url_for("notifications.index"))


@blueprint.app_context_processor
def _unread() -> dict:
    """The number beside "Notifications" in the header, for signed-in people."""
    if not current_user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": service.unread_count(current_user)}
