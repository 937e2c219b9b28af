"""The moderation queue, a comment's moderation page, suggested merges, and reporting."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from consult.audit.service import history_of
from consult.auth.models import GROUP_LABELS
from consult.auth.service import safe_next_path
from consult.comments import service as comments
from consult.comments.models import Comment
from consult.drafts import service as drafts
from consult.errors import Invalid, NotFound
from consult.extensions import db
from consult.forms import EmptyForm, as_int, unit_of_work
from consult.moderation import service
from consult.moderation.forms import ModerationForm, RemarkForm, ReportForm
from consult.moderation.models import Merge

blueprint = Blueprint("moderation", __name__)


def _filters(args: MultiDict) -> service.QueueFilter:
    return service.QueueFilter(
        version_id=as_int(args.get("version"), 0) or None,
        paragraph_id=as_int(args.get("paragraph"), 0) or None,
        kind=args.get("kind", ""),
        status=args.get("status", ""),
        group=args.get("group", ""),
        disposition=args.get("disposition", ""),
        text=args.get("q", "")[: service.SEARCH_MAX_LENGTH],
        sort=args.get("sort", "newest") if args.get("sort") in service.QUEUE_SORTS else "newest",
        verified=bool(args.get("verified")),
    )


def _queue_page(
    form: ModerationForm, args: MultiDict, status: int = 200
) -> tuple[str, int]:
    """The queue as the filters in args show it, with the action form."""
    filters = _filters(args)
    found = service.queue(current_user, filters, page=as_int(args.get("page"), 1))
    # Only the versions this moderator may see: a draft is the secretariat's alone.
    versions = sorted(
        (version for _consultation, listed in drafts.list_consultations(current_user)
         for version in listed),
        key=lambda version: (version.consultation.title, version.number),
    )
    paragraph = None
    if filters.paragraph_id:
        try:
            paragraph = service.paragraph_to_moderate(current_user, filters.paragraph_id)
        except NotFound:
            paragraph = None  # a draft's paragraph is the secretariat's alone
    paragraphs = [item.paragraph for item in found.items if item.paragraph is not None]
    if paragraph is not None:
        paragraphs.append(paragraph)
    return (
        render_template(
            "moderation/queue.html",
            found=found,
            filters=filters,
            versions=versions,
            paragraph=paragraph,
            names=drafts.names_of(paragraphs),
            form=form,
            groups=GROUP_LABELS,
            args=args,
            search_max_length=service.SEARCH_MAX_LENGTH,
        ),
        status,
    )


@blueprint.route("/moderation")
@login_required
def queue() -> tuple[str, int]:
    service.require_moderator(current_user)
    form = ModerationForm()
    form.back.data = request.full_path
    return _queue_page(form, request.args)


def _seen_from_form() -> dict[int, int]:
    """The selected comments with the row versions the page showed for them."""
    seen: dict[int, int] = {}
    for value in request.form.getlist("selected"):
        comment_id = as_int(value)
        if comment_id:
            seen[comment_id] = as_int(request.form.get(f"seen-{comment_id}"))
    return seen


def _carry_out(form: ModerationForm, seen: dict[int, int]) -> str:
    """Do what the form says to the selected comments; return what to tell the moderator."""
    items = service.selection(current_user, seen)
    action = form.action.data
    if action == "publish":
        service.publish(current_user, items, form.reason.data or "")
        return _("Published.")
    if action == "hide":
        service.hide(current_user, items, form.reason.data or "")
        return _("Hidden; the authors are told why.")
    if action == "restore":
        service.restore(current_user, items, form.reason.data or "")
        return _("Restored; the authors are told why.")
    if action == "dismiss_reports":
        closed = service.dismiss_reports(current_user, items)
        return _("%(n)d reports closed.", n=closed)
    if action == "disposition":
        service.set_disposition(
            current_user, items, form.disposition.data or "", form.rationale.data or ""
        )
        return _("Answered; the authors are told.")
    if action == "merge":
        canonical_id = as_int(form.canonical.data or request.form.get("keep"))
        into = next((comment for comment, _seen in items if comment.id == canonical_id), None)
        if canonical_id and into is None:
            into = db.session.get(Comment, canonical_id)
            if into is None:
                raise NotFound()
        if form.synthesis.data and form.synthesis.data.strip():
            into = None
        service.merge(
            current_user,
            [(comment, version) for comment, version in items if comment is not into],
            into=into,
            synthesis=form.synthesis.data or "",
            synthesis_proposed=form.synthesis_proposed.data or "",
        )
        return _("Merged; the authors are told.")
    raise Invalid(_("Choose what to do."), field="action")


@blueprint.route("/moderation/act", methods=["POST"])
@login_required
def act() -> Response | tuple[str, int]:
    """Act on the selection. A refusal brings the queue back with the moderator's reason
    and rationale intact and the comments as they are now."""
    service.require_moderator(current_user)
    form = ModerationForm()
    back = safe_next_path(form.back.data) or url_for("moderation.queue")
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            message = _carry_out(form, _seen_from_form())
        if work.done:
            flash(message, "success")
            return redirect(back)
        status = work.status
    else:
        status = 400
    if request.form.get("single"):
        return _comment_page(as_int(request.form.get("single")), form, status=status)
    filters = MultiDict(parse_qsl(urlsplit(back).query, keep_blank_values=True))
    return _queue_page(form, filters, status)


def _comment_page(comment_id: int, form: ModerationForm | None = None, *, status: int = 200):
    service.require_moderator(current_user)
    comment = comments.get_comment(comment_id, current_user)
    form = form or ModerationForm()
    form.back.data = url_for("moderation.comment", comment_id=comment.id)
    # One comment is merged from the queue or the suggestions, where the others are.
    form.action.choices = [c for c in form.action.choices if c.value != "merge"]
    paragraph = comment.paragraph
    raised = service.raised(comment)
    return (
        render_template(
            "moderation/comment.html",
            comment=comment,
            version=comment.version,
            consultation=comment.version.consultation,
            paragraph=paragraph,
            paragraph_name=drafts.names_of([paragraph])[paragraph.id] if paragraph else "",
            paragraph_text=comments.paragraph_text(paragraph),
            raised=raised,
            merges=service.active_merges(comment),
            reports=service.reports_on(current_user, comment),
            remarks=service.remarks_on(current_user, comment),
            form=form,
            remark_form=RemarkForm(),
            action_form=EmptyForm(),
            endorsements=comments.endorsement_counts([comment.id]),
            history=history_of("comment", comment.id),
        ),
        status,
    )


@blueprint.route("/moderation/comments/<int:comment_id>")
@login_required
def comment(comment_id: int) -> tuple[str, int]:
    return _comment_page(comment_id)


@blueprint.route("/moderation/comments/<int:comment_id>/remark", methods=["POST"])
@login_required
def remark(comment_id: int) -> Response | tuple[str, int]:
    service.require_moderator(current_user)
    found = comments.get_comment(comment_id, current_user)
    form = RemarkForm()
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            service.add_remark(current_user, found, form.body.data or "")
        if work.done:
            flash(_("Your remark is saved for the other moderators."), "success")
            return redirect(url_for("moderation.comment", comment_id=found.id, _anchor="remarks"))
    page, status = _comment_page(comment_id, status=400)
    return page, status


@blueprint.route("/moderation/merges/<int:merge_id>/undo", methods=["POST"])
@login_required
def unmerge(merge_id: int) -> Response:
    service.require_moderator(current_user)
    operation = db.session.get(Merge, merge_id)
    if operation is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    canonical_id = operation.canonical_id
    with unit_of_work() as work:
        service.unmerge(current_user, operation)
    if work.done:
        flash(_("The merge is undone: every comment is as it was before."), "success")
    return redirect(url_for("moderation.comment", comment_id=canonical_id))


@blueprint.route("/moderation/paragraphs/<int:paragraph_id>/suggestions")
@login_required
def suggestions(paragraph_id: int) -> str:
    paragraph = service.paragraph_to_moderate(current_user, paragraph_id)
    found = service.suggestions(current_user, paragraph)
    form = ModerationForm()
    form.back.data = url_for("moderation.suggestions", paragraph_id=paragraph.id)
    return render_template(
        "moderation/suggestions.html",
        paragraph=paragraph,
        paragraph_name=drafts.names_of([paragraph])[paragraph.id],
        version=paragraph.version,
        consultation=paragraph.version.consultation,
        suggestions=found,
        form=form,
        action_form=EmptyForm(),
    )


@blueprint.route("/moderation/paragraphs/<int:paragraph_id>/suggestions/dismiss",
                 methods=["POST"])
@login_required
def dismiss(paragraph_id: int) -> Response:
    paragraph = service.paragraph_to_moderate(current_user, paragraph_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    ids = [as_int(value) for value in request.form.getlist("ids")]
    with unit_of_work() as work:
        service.dismiss_suggestion(current_user, paragraph, [i for i in ids if i])
    if work.done:
        flash(_("These comments will not be proposed as duplicates again."), "success")
    return redirect(url_for("moderation.suggestions", paragraph_id=paragraph.id))


@blueprint.route("/comments/<int:comment_id>/report", methods=["GET", "POST"])
@login_required
def report(comment_id: int) -> str | Response | tuple[str, int]:
    """Any signed-in reader can point a moderator to a comment."""
    found = comments.get_comment(comment_id, current_user)
    form = ReportForm()
    status = 200
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            service.report(current_user, found, form.reason.data or "", form.note.data or "")
        if work.done:
            flash(_("Thank you: the moderators will look at this comment."), "success")
            return redirect(url_for("comments.comment", comment_id=found.id))
        status = work.status
    elif request.method == "POST":
        status = 400
    return (
        render_template(
            "moderation/report.html",
            comment=found,
            form=form,
            version=found.version,
            consultation=found.version.consultation,
        ),
        status,
    )

