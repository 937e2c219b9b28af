"""The paragraph page and its thread, and every action on a comment.

Forms that carry text a person wrote check their CSRF token themselves (the views are
exempt from the global check) so that an expired token, an ended session or a rule that
refuses the comment all bring the page back with the text intact and the reason shown.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.wrappers import Response

from consult.audit.service import history_of
from consult.auth.service import safe_next_path
from consult.comments import service
from consult.comments.forms import CommentForm, EditCommentForm, GeneralCommentForm, ReplyForm
from consult.comments.models import Comment, CommentKind, CommentStatus
from consult.drafts import service as drafts
from consult.drafts.models import Version
from consult.extensions import csrf, db
from consult.forms import EmptyForm, as_int, unit_of_work
from consult.markup import highlight, render_markdown
from consult.moderation import service as moderation
from consult.textdiff import diff_html

blueprint = Blueprint("comments", __name__)
SENT_KEY = "sent_submission"


def _viewer():
    return current_user if current_user.is_authenticated else None


def _form_problem(form) -> bool:
    """Explain why a posted form cannot be taken, keeping its text. True if there is one."""
    if not current_user.is_authenticated:
        form.form_errors.append(
            _(
                "You are not signed in (your session may have ended), so this was not sent. "
                "Your text is kept below: sign in, then send it again."
            )
        )
        return True
    token = getattr(form, "csrf_token", None)
    if token is not None and token.errors:
        token.errors = []
        form.form_errors.append(
            _(
                "This page was open for a long time or your session changed, so it was not "
                "sent. Your text is kept below: send it again."
            )
        )
        return True
    return bool(form.errors)


def _action_form() -> EmptyForm | None:
    """The one-button form for endorsing and the like; readers who cannot act get none
    (making one costs a CSRF token, and a session cookie for an anonymous reader)."""
    return EmptyForm() if current_user.is_authenticated else None


def _field(form, name: str) -> str:
    """The posted value of a field the form may not have (a general comment has no kind)."""
    field = getattr(form, name, None)
    return (field.data or "") if field is not None else ""


def _sent(comment: Comment) -> None:
    """Tell the author what happened to their comment after the redirect."""
    session[SENT_KEY] = comment.submission_key or ""
    if comment.status == CommentStatus.PENDING:
        flash(
            _("Thank you. Your comment was received and will be published after moderation."),
            "success",
        )
    else:
        flash(_("Thank you. Your comment is published."), "success")


def _thread_page(
    version: Version,
    place: drafts.Place | None,
    form,
    *,
    preview: Markup | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """The page of a paragraph (place) or of the general comments (None), with the form."""
    viewer = _viewer()
    paragraph = place.paragraph if place else None
    thread = service.thread(
        version,
        paragraph,
        viewer,
        page=as_int(request.args.get("page"), 1),
        sort=request.args.get("sort", "oldest"),
    )
    context = {
        "consultation": version.consultation,
        "version": version,
        "paragraph": paragraph,
        "thread": thread,
        "form": form,
        "preview": preview,
        "refusal": service.comment_refusal(viewer, version),
        "action_form": _action_form(),
        "sent_key": session.pop(SENT_KEY, None),
    }
    if place is not None:
        if viewer is not None and viewer.is_moderator:
            context["paragraph_history"] = history_of("paragraph", place.paragraph.id)
        context["neighbours"] = place
        context["paragraph_name"] = drafts.paragraph_name(
            place.paragraph, drafts.preambular_number(place.paragraph)
        )
        context["paragraph_text"] = service.paragraph_text(paragraph)
    return render_template("comments/thread.html", **context), status


def _handle_post(version: Version, place: drafts.Place | None, form) -> Response | tuple[str, int]:
    if form.wants_preview:
        return _thread_page(version, place, form, preview=render_markdown(form.body.data or ""))
    form.validate()
    if _form_problem(form):
        return _thread_page(
            version, place, form, status=400 if current_user.is_authenticated else 403
        )
    paragraph = place.paragraph if place else None
    with unit_of_work(form) as work:
        comment = service.post_comment(
            current_user,
            version,
            paragraph,
            kind=_field(form, "kind") or CommentKind.COMMENT,
            body=_field(form, "body"),
            proposed_text=_field(form, "proposed_text"),
            quote=_field(form, "quote"),
            submission_key=form.submission_key.data,
        )
    if not work.done:
        return _thread_page(version, place, form, status=work.status)
    _sent(comment)
    if paragraph is None:
        target = url_for("comments.general", slug=version.consultation.slug, number=version.number)
    else:
        target = url_for(
            "comments.paragraph",
            slug=version.consultation.slug,
            number=version.number,
            position=paragraph.position,
        )
    return redirect(target + "#" + comment.anchor)


@blueprint.route("/c/<slug>/v/<int:number>/p/<int:position>", methods=["GET", "POST"])
@csrf.exempt
def paragraph(slug: str, number: int, position: int) -> Response | tuple[str, int]:
    place = drafts.paragraph_in_place(slug, number, position, _viewer())
    version = place.paragraph.version
    if request.method == "POST":
        return _handle_post(version, place, CommentForm())
    if service.comment_refusal(_viewer(), version):
        return _thread_page(version, place, None)
    form = CommentForm()
    if request.args.get("quote"):
        form.quote.data = request.args["quote"]
    if request.args.get("kind") in {choice.value for choice in form.kind.choices}:
        form.kind.data = request.args["kind"]
    if form.kind.data == CommentKind.AMENDMENT and not form.proposed_text.data:
        form.proposed_text.data = service.paragraph_text(place.paragraph)
    return _thread_page(version, place, form)


@blueprint.route("/c/<slug>/v/<int:number>/general", methods=["GET", "POST"])
@csrf.exempt
def general(slug: str, number: int) -> Response | tuple[str, int]:
    version = drafts.get_version(slug, number, _viewer())
    if request.method == "POST":
        return _handle_post(version, None, GeneralCommentForm())
    if service.comment_refusal(_viewer(), version):
        return _thread_page(version, None, None)
    return _thread_page(version, None, GeneralCommentForm())


def _comment_context(comment: Comment, reply_form: ReplyForm | None = None) -> dict:
    viewer = _viewer()
    paragraph = comment.paragraph
    root = comment if comment.root_id is None else db.session.get(Comment, comment.root_id)
    assert root is not None
    thread_replies = service.replies(root, viewer)
    ids = [comment.id] + [item.id for item in thread_replies]
    refusal = service.comment_refusal(viewer, comment.version)
    if reply_form is None and refusal is None:
        reply_form = ReplyForm()
    context = {
        "consultation": comment.version.consultation,
        "version": comment.version,
        "paragraph": paragraph,
        "paragraph_text": service.paragraph_text(paragraph),
        "comment": comment,
        "root": root,
        "replies": thread_replies,
        "endorsements": service.endorsement_counts(ids),
        "endorsed": service.endorsed_by(viewer, ids),
        "reply_form": reply_form,
        "refusal": refusal,
        "action_form": _action_form(),
        "sent_key": session.pop(SENT_KEY, None),
        "preview": None,
        "raised": moderation.raised(comment),
    }
    if paragraph is not None:
        context["paragraph_name"] = drafts.paragraph_name(
            paragraph, drafts.preambular_number(paragraph)
        )
        context["paragraph_html"] = highlight(paragraph.body_html, comment.quote)
    return context


@blueprint.route("/comments/<int:comment_id>")
def comment(comment_id: int) -> str:
    found = service.get_comment(comment_id, _viewer())
    return render_template("comments/comment.html", **_comment_context(found))


@blueprint.route("/comments/<int:comment_id>/replies")
def replies(comment_id: int) -> str | Response:
    """The replies of a thread: a fragment for the page's script, else the comment's page."""
    found = service.get_comment(comment_id, _viewer())
    if request.args.get("fragment") != "1":
        return redirect(url_for("comments.comment", comment_id=found.id, _anchor="replies"))
    viewer = _viewer()
    thread_replies = service.replies(found, viewer)
    ids = [item.id for item in thread_replies]
    return render_template(
        "comments/_replies.html",
        root=found,
        replies=thread_replies,
        endorsements=service.endorsement_counts(ids) if ids else {},
        endorsed=service.endorsed_by(viewer, ids),
        action_form=_action_form(),
    )


@blueprint.route("/comments/<int:comment_id>/reply", methods=["POST"])
@csrf.exempt
def reply(comment_id: int) -> Response | tuple[str, int]:
    parent = service.get_comment(comment_id, _viewer())
    form = ReplyForm()
    if form.wants_preview:
        context = _comment_context(parent, form)
        context["preview"] = render_markdown(form.body.data or "")
        return render_template("comments/comment.html", **context), 200
    form.validate()
    if _form_problem(form):
        status = 400 if current_user.is_authenticated else 403
    else:
        with unit_of_work(form) as work:
            made = service.reply(
                current_user,
                parent,
                body=form.body.data or "",
                submission_key=form.submission_key.data,
            )
        if work.done:
            _sent(made)
            return redirect(
                url_for(
                    "comments.comment", comment_id=parent.root_id or parent.id, _anchor=made.anchor
                )
            )
        status = work.status
    return render_template("comments/comment.html", **_comment_context(parent, form)), status


@blueprint.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@csrf.exempt
def edit(comment_id: int) -> str | Response | tuple[str, int]:
    if not current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("auth.login", next=request.path))
    found = service.get_comment(comment_id, _viewer())
    if current_user.is_authenticated and found.author_id != current_user.id:
        abort(403)
    form = EditCommentForm(obj=found)
    if request.method == "GET":
        form.row_version.data = str(found.row_version)
    preview = None
    status = 200
    if request.method == "POST" and form.wants_preview:
        preview = render_markdown(form.body.data or "")
    elif request.method == "POST":
        form.validate()
        if _form_problem(form):
            status = 400 if current_user.is_authenticated else 403
        else:
            with unit_of_work(form) as work:
                service.edit_comment(
                    current_user,
                    found,
                    body=form.body.data or "",
                    proposed_text=form.proposed_text.data or "",
                    quote=form.quote.data or "",
                    row_version=as_int(form.row_version.data),
                )
            if work.done:
                flash(_("Your changes are saved."), "success")
                return redirect(url_for("comments.comment", comment_id=found.id))
            status = work.status
            found = service.get_comment(comment_id, current_user)
            form.row_version.data = str(found.row_version)
    return (
        render_template(
            "comments/edit.html",
            comment=found,
            form=form,
            preview=preview,
            version=found.version,
            consultation=found.version.consultation,
            can_edit=service.can_edit(_viewer(), found),
            paragraph_text=service.paragraph_text(found.paragraph),
        ),
        status,
    )


@blueprint.route("/comments/<int:comment_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(comment_id: int) -> str | Response:
    found = service.get_comment(comment_id, current_user)
    if found.author_id != current_user.id:
        abort(403)
    form = EmptyForm()
    if form.validate_on_submit():
        with unit_of_work() as work:
            service.withdraw_comment(current_user, found)
        if work.done:
            flash(_("Your comment is withdrawn."), "success")
        return redirect(url_for("comments.comment", comment_id=found.id))
    return render_template(
        "comments/withdraw.html",
        comment=found,
        form=form,
        version=found.version,
        consultation=found.version.consultation,
    )


def _back_to(comment: Comment) -> Response:
    target = safe_next_path(request.form.get("next")) or url_for(
        "comments.comment", comment_id=comment.id
    )
    return redirect(target.split("#")[0] + "#" + comment.anchor)


@blueprint.route(
    "/comments/<int:comment_id>/<any(endorse, unendorse, publish):action>", methods=["POST"]
)
@login_required
def act(comment_id: int, action: str) -> Response:
    found = service.get_comment(comment_id, current_user)
    if not EmptyForm().validate_on_submit():
        abort(400)
    with unit_of_work() as work:
        if action == "endorse":
            service.endorse(current_user, found)
            message = _("You endorsed this comment.")
        elif action == "unendorse":
            service.withdraw_endorsement(current_user, found)
            message = _("Your endorsement is withdrawn.")
        else:
            moderation.publish(current_user, [(found, found.row_version)])
            message = _("The comment is published.")
    if work.done:
        flash(message, "success")
    return _back_to(found)


@blueprint.route("/comments/preview", methods=["POST"])
def preview() -> str:
    """Render Markdown the way a comment will show it (for the page's live preview)."""
    return str(render_markdown(request.form.get("text", "")[:50_000]))


@blueprint.app_template_global()
def comment_permissions(
    comments: list[Comment], version: Version
) -> dict[int, service.Permissions]:
    """What the current reader may do with each comment, decided by the service's rules."""
    return service.permissions(_viewer(), version, comments)


@blueprint.app_template_global()
def amendment_diff(comment: Comment, base_text: str) -> Markup:
    """The proposal of an amendment as a word-level difference against the paragraph."""
    if comment.kind == CommentKind.AMENDMENT:
        return diff_html(base_text, comment.proposed_text)
    if comment.kind == CommentKind.DELETION:
        return diff_html(base_text, "")
    return diff_html("", comment.proposed_text)


@blueprint.route("/my-input")
@login_required
def my_input() -> str:
    """What the signed-in person wrote, with where it stands."""
    found = service.input_of(current_user, page=as_int(request.args.get("page"), 1))
    paragraphs = [item.paragraph for item in found.items if item.paragraph is not None]
    return render_template(
        "comments/mine.html", found=found, names=drafts.names_of(paragraphs)
    )
