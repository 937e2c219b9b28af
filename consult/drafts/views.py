"""Reading consultations and versions, and the secretariat's pages for building them."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.wrappers import Response

from consult.comments import service as comments
from consult.drafts import compare as comparing
from consult.drafts import service
from consult.drafts.forms import (
    ConsultationForm,
    ImportForm,
    ParagraphForm,
    VersionForm,
    VersionSettingsForm,
    as_utc,
)
from consult.drafts.importer import ParsedDocument, parse_document
from consult.drafts.models import Version
from consult.errors import Forbidden, Invalid, NotFound
from consult.forms import EmptyForm, as_int, unit_of_work

blueprint = Blueprint("drafts", __name__)


def _viewer():
    return current_user if current_user.is_authenticated else None


@blueprint.route("/")
def index() -> str:
    return render_template("drafts/index.html", consultations=service.list_consultations(_viewer()))


@blueprint.route("/c/<slug>")
def consultation(slug: str) -> str:
    found = service.get_consultation(slug, _viewer())
    return render_template(
        "drafts/consultation.html",
        consultation=found,
        versions=service.visible_versions(found, _viewer()),
    )


@blueprint.route("/c/<slug>/v/<int:number>")
def version(slug: str, number: int) -> str:
    found = service.get_version(slug, number, _viewer())
    paragraphs = service.version_paragraphs(found)
    by_id = {paragraph.id: paragraph for paragraph in paragraphs}
    for paragraph in paragraphs:
        set_committed_value(paragraph, "parent", by_id.get(paragraph.parent_id))
    return render_template(
        "drafts/version.html",
        consultation=found.consultation,
        version=found,
        paragraphs=paragraphs,
        names=service.paragraph_names(paragraphs),
        counts=comments.version_counts(found),
        refusal=comments.comment_refusal(_viewer(), found),
        is_secretariat=bool(_viewer() and current_user.is_secretariat),
    )


def _version_number(name: str) -> int | None:
    """A version number from the query string; None when left out, NotFound when not one."""
    value = request.args.get(name, "").strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or len(value) > 9:
        raise NotFound()
    return int(value)


@blueprint.route("/c/<slug>/compare")
def compare(slug: str) -> str:
    """What changed between two versions; a GET form, so any comparison can be linked."""
    viewer = _viewer()
    found = service.get_consultation(slug, viewer)
    versions = service.visible_versions(found, viewer)
    old, new = comparing.choose_pair(versions, _version_number("from"), _version_number("to"))
    comparison = None
    if old is not None and new is not None and old.id != new.id:
        comparison = comparing.compare(*comparing.load_pair(old, new))
    return render_template(
        "drafts/compare.html",
        consultation=found,
        versions=versions,
        old=old,
        new=new,
        comparison=comparison,
        changes_only=request.args.get("changes") == "1",
        status_labels=comparing.STATUS_LABELS,
    )


@blueprint.route("/c/<slug>/history/<lineage_key>")
def history(slug: str, lineage_key: str) -> str:
    """One paragraph in every version, by lineage key, so it is found whatever its number."""
    viewer = _viewer()
    found = service.get_consultation(slug, viewer)
    return render_template(
        "drafts/history.html",
        consultation=found,
        history=comparing.history(found, lineage_key, viewer),
    )


# The secretariat's pages ------------------------------------------------------------------


def _require_secretariat() -> None:
    if not current_user.is_secretariat:
        raise Forbidden(_("Only the secretariat can do this."))


def _read_upload(form: ImportForm | VersionForm, required: bool) -> ParsedDocument | None:
    """Parse the uploaded file, or return None when none was given and none is required."""
    upload = form.file.data
    if not upload or not getattr(upload, "filename", ""):
        if required:
            raise Invalid(_("Choose a file to import."), field="file")
        return None
    return parse_document(
        upload.read(), upload.filename, form.format.data or None, part=form.part.data or None
    )


def _report_import(document: ParsedDocument | None) -> None:
    """Say how many paragraphs came in, and what the importer had to guess."""
    if document is None:
        return
    flash(_("Imported %(n)d paragraphs.", n=len(document.paragraphs)), "success")
    for warning in document.warnings[:20]:
        flash(warning, "warning")
    if len(document.warnings) > 20:
        flash(_("… and %(n)d more notes.", n=len(document.warnings) - 20), "warning")


@blueprint.route("/manage/consultations/new", methods=["GET", "POST"])
@login_required
def new_consultation() -> str | Response:
    _require_secretariat()
    form = ConsultationForm()
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            made = service.create_consultation(
                current_user, slug=form.slug.data, title=form.title.data, summary=form.summary.data
            )
        if work.done:
            flash(_("The consultation is created. Now add its first version."), "success")
            return redirect(url_for("drafts.new_version", slug=made.slug))
    return render_template("drafts/new_consultation.html", form=form), 400 if form.errors else 200


@blueprint.route("/manage/c/<slug>/versions/new", methods=["GET", "POST"])
@login_required
def new_version(slug: str) -> str | Response:
    _require_secretariat()
    found = service.get_consultation(slug, current_user)
    form = VersionForm()
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            document = _read_upload(form, required=False)
            made = service.create_version(
                current_user,
                found,
                label=form.label.data,
                moderation=form.moderation.data,
                opens_at=as_utc(form.opens_at.data),
                closes_at=as_utc(form.closes_at.data),
                document_symbol=form.document_symbol.data
                or (document.document_symbol if document else ""),
                document=document,
            )
        if work.done:
            _report_import(document)
            return redirect(url_for("drafts.manage_version", slug=slug, number=made.number))
    return (
        render_template("drafts/new_version.html", form=form, consultation=found),
        400 if form.errors else 200,
    )


def _managed_version(slug: str, number: int) -> Version:
    _require_secretariat()
    return service.get_version(slug, number, current_user)


@blueprint.route("/manage/c/<slug>/v/<int:number>", methods=["GET", "POST"])
@login_required
def manage_version(slug: str, number: int) -> str | Response:
    found = _managed_version(slug, number)
    form = VersionSettingsForm(obj=found)
    if request.method == "GET":
        form.opens_at.data = found.opens_at.replace(tzinfo=None) if found.opens_at else None
        form.closes_at.data = found.closes_at.replace(tzinfo=None) if found.closes_at else None
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            service.update_version(
                current_user,
                found,
                label=form.label.data,
                document_symbol=form.document_symbol.data,
                moderation=form.moderation.data,
                opens_at=as_utc(form.opens_at.data),
                closes_at=as_utc(form.closes_at.data),
            )
        if work.done:
            flash(_("The version's settings are saved."), "success")
            return redirect(url_for("drafts.manage_version", slug=slug, number=number))
    return (
        render_template(
            "drafts/manage_version.html",
            consultation=found.consultation,
            version=found,
            form=form,
            import_form=ImportForm(),
            action_form=EmptyForm(),
            paragraphs=service.version_paragraphs(found),
        ),
        400 if form.errors else 200,
    )


def _one_button() -> None:
    """Refuse a one-button POST whose CSRF token is missing or stale."""
    if not EmptyForm().validate_on_submit():
        abort(400)


@blueprint.route("/manage/c/<slug>/v/<int:number>/import", methods=["POST"])
@login_required
def import_text(slug: str, number: int) -> Response:
    found = _managed_version(slug, number)
    form = ImportForm()
    if not form.validate_on_submit():
        abort(400)
    with unit_of_work() as work:
        document = _read_upload(form, required=True)
        service.replace_text(current_user, found, document)
    if work.done:
        _report_import(document)
    return redirect(url_for("drafts.manage_version", slug=slug, number=number))


@blueprint.route(
    "/manage/c/<slug>/v/<int:number>/<any(open, close, renumber):action>", methods=["POST"]
)
@login_required
def version_action(slug: str, number: int, action: str) -> Response:
    found = _managed_version(slug, number)
    _one_button()
    with unit_of_work() as work:
        if action == "open":
            service.open_version(current_user, found)
            message = _("The version is published and open for comments.")
        elif action == "close":
            service.close_version(current_user, found)
            message = _("The comment period is closed.")
        else:
            changed = service.renumber(current_user, found)
            message = _("%(n)d paragraph numbers changed.", n=changed)
    if work.done:
        flash(message, "success")
    return redirect(url_for("drafts.manage_version", slug=slug, number=number))


@blueprint.route("/manage/c/<slug>/v/<int:number>/p/new", methods=["GET", "POST"])
@login_required
def new_paragraph(slug: str, number: int) -> str | Response:
    found = _managed_version(slug, number)
    form = ParagraphForm()
    if request.method == "GET":
        form.after_position.data = request.args.get("after", "0")
        form.kind.data = "operative"
    status = 200
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            made = service.insert_paragraph(
                current_user,
                found,
                after_position=as_int(form.after_position.data),
                kind=form.kind.data,
                number_label=form.number_label.data,
                body=form.body.data,
                is_subparagraph=form.is_subparagraph.data,
            )
        if work.done:
            flash(_("The paragraph is added."), "success")
            return redirect(
                url_for("drafts.manage_version", slug=slug, number=number, _anchor=made.anchor)
            )
        status = work.status
    elif request.method == "POST":
        status = 400
    return (
        render_template(
            "drafts/edit_paragraph.html",
            consultation=found.consultation,
            version=found,
            form=form,
            paragraph=None,
        ),
        status,
    )


@blueprint.route("/manage/c/<slug>/v/<int:number>/p/<int:position>/edit", methods=["GET", "POST"])
@login_required
def edit_paragraph(slug: str, number: int, position: int) -> str | Response:
    found = _managed_version(slug, number)
    paragraph = service.get_paragraph(found, position)
    form = ParagraphForm(obj=paragraph)
    status = 200
    if request.method == "GET":
        form.is_subparagraph.data = paragraph.parent_id is not None
        form.row_version.data = str(paragraph.row_version)
    elif not form.validate_on_submit():
        status = 400
    else:
        with unit_of_work(form) as work:
            service.update_paragraph(
                current_user,
                paragraph,
                kind=form.kind.data,
                number_label=form.number_label.data,
                body=form.body.data,
                is_subparagraph=form.is_subparagraph.data,
                row_version=as_int(form.row_version.data),
            )
        if work.done:
            flash(_("The paragraph is saved."), "success")
            return redirect(
                url_for("drafts.manage_version", slug=slug, number=number, _anchor=paragraph.anchor)
            )
        status = work.status
        paragraph = service.get_paragraph(found, position)
        form.row_version.data = str(paragraph.row_version)
    return (
        render_template(
            "drafts/edit_paragraph.html",
            consultation=found.consultation,
            version=found,
            form=form,
            paragraph=paragraph,
            delete_form=EmptyForm(),
        ),
        status,
    )


@blueprint.route(
    "/manage/c/<slug>/v/<int:number>/p/<int:position>/<any(up, down):direction>",
    methods=["POST"],
)
@login_required
def move_paragraph(slug: str, number: int, position: int, direction: str) -> Response:
    found = _managed_version(slug, number)
    paragraph = service.get_paragraph(found, position)
    _one_button()
    with unit_of_work():
        service.move_paragraph(current_user, paragraph, -1 if direction == "up" else 1)
    return redirect(
        url_for("drafts.manage_version", slug=slug, number=number, _anchor=paragraph.anchor)
    )


@blueprint.route("/manage/c/<slug>/v/<int:number>/p/<int:position>/delete", methods=["POST"])
@login_required
def delete_paragraph(slug: str, number: int, position: int) -> Response:
    found = _managed_version(slug, number)
    paragraph = service.get_paragraph(found, position)
    _one_button()
    with unit_of_work() as work:
        service.delete_paragraph(current_user, paragraph)
    if work.done:
        flash(_("The paragraph is deleted."), "success")
    return redirect(url_for("drafts.manage_version", slug=slug, number=number))
