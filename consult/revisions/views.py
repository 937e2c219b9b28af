"""The secretariat's pages for making the next version from the accepted proposals."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from consult.drafts import service as drafts
from consult.drafts.models import Version
from consult.errors import Forbidden
from consult.forms import EmptyForm, unit_of_work
from consult.revisions import service
from consult.revisions.forms import DecisionForm, SettleForm, StartRevisionForm
from consult.textdiff import diff_html

blueprint = Blueprint("revisions", __name__)


def _version(slug: str, number: int) -> Version:
    if not current_user.is_secretariat:
        raise Forbidden(_("Only the secretariat can make revisions."))
    return drafts.get_version(slug, number, current_user)


@blueprint.route("/manage/c/<slug>/v/<int:number>/revise", methods=["POST"])
@login_required
def start(slug: str, number: int) -> Response:
    version = _version(slug, number)
    form = StartRevisionForm()
    if not form.validate_on_submit():
        flash(_("Give the next version a label."), "error")
        return redirect(url_for("drafts.manage_version", slug=slug, number=number))
    with unit_of_work() as work:
        made = service.start_revision(current_user, version, form.label.data)
    if not work.done:
        return redirect(url_for("drafts.manage_version", slug=slug, number=number))
    flash(
        _("%(label)s is made as a draft. Decide on each accepted proposal, then open it.",
          label=made.label),
        "success",
    )
    return redirect(url_for("revisions.changes", slug=slug, number=made.number))


def _page(version: Version, status: int = 200, forms: dict | None = None):
    views = service.changes(version)
    conflicts: dict[str, list[service.ChangeView]] = {}
    for view in views:
        if view.in_conflict and view.change.decision == "pending":
            conflicts.setdefault(view.change.lineage_key, []).append(view)
    names = drafts.names_of([view.paragraph for view in views if view.paragraph is not None])
    return (
        render_template(
            "revisions/changes.html",
            version=version,
            consultation=version.consultation,
            based_on=version.based_on,
            views=views,
            conflicts=conflicts,
            names=names,
            forms=forms or {},
            diff=diff_html,
            pending=service.pending_count(version),
            open_form=EmptyForm(),
            settle_form=SettleForm(),
            decision_form=DecisionForm(),
        ),
        status,
    )


@blueprint.route("/manage/c/<slug>/v/<int:number>/changes")
@login_required
def changes(slug: str, number: int):
    return _page(_version(slug, number))


@blueprint.route("/manage/c/<slug>/v/<int:number>/changes/<int:change_id>", methods=["POST"])
@login_required
def decide(slug: str, number: int, change_id: int):
    version = _version(slug, number)
    form = DecisionForm()
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            service.decide(
                current_user, version, change_id, form.decision.data or "", form.text.data or ""
            )
        if work.done:
            flash(_("Done."), "success")
            return redirect(
                url_for("revisions.changes", slug=slug, number=number, _anchor=f"ch{change_id}")
            )
        return _page(version, work.status, {change_id: form})
    return _page(version, 400, {change_id: form})


@blueprint.route("/manage/c/<slug>/v/<int:number>/changes/settle", methods=["POST"])
@login_required
def settle(slug: str, number: int):
    version = _version(slug, number)
    form = SettleForm()
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            service.settle(current_user, version, form.lineage_key.data or "", form.text.data or "")
        if work.done:
            flash(_("The conflict is settled."), "success")
            return redirect(url_for("revisions.changes", slug=slug, number=number))
        return _page(version, work.status, {form.lineage_key.data: form})
    return _page(version, 400, {form.lineage_key.data: form})


@blueprint.route("/manage/c/<slug>/v/<int:number>/changes/open", methods=["POST"])
@login_required
def open_version(slug: str, number: int) -> Response:
    version = _version(slug, number)
    if EmptyForm().validate_on_submit():
        with unit_of_work() as work:
            drafts.open_version(current_user, version)
        if work.done:
            flash(_("The new version is published and open for comments."), "success")
            return redirect(url_for("drafts.version", slug=slug, number=number))
    return redirect(url_for("revisions.changes", slug=slug, number=number))




@blueprint.app_template_global()
def next_version_of(version: Version) -> Version | None:
    """The revision being made from a version, for the secretariat's pages."""
    return service.revision_of(version)
