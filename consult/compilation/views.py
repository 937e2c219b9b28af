"""The compilation of comments, the report on how inputs were addressed, statistics."""

from __future__ import annotations

import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from typing import IO
from urllib.parse import quote

from flask import Blueprint, Flask, Response, current_app, render_template, request
from flask_babel import force_locale, format_date, format_decimal, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from consult.auth.models import User
from consult.compilation import addressed as addressing
from consult.compilation import charts, service, table, word
from consult.compilation import statistics as counting
from consult.compilation.forms import CompilationFilterForm
from consult.drafts import service as drafts
from consult.drafts.models import Version
from consult.errors import Invalid, NotFound
from consult.extensions import db
from consult.i18n import text_direction

blueprint = Blueprint("compilation", __name__)

FILE_PIECE = 256 * 1024
# Above this many points, the report page shows one section of the text at a time.
ADDRESSED_PAGE_POINTS = 400
COMMENTS = "#0b5cad"
AMENDMENTS = "#7d4e00"


def _viewer() -> User | None:
    return current_user if current_user.is_authenticated else None


# Downloads -----------------------------------------------------------------------------------


def download_name(version: Version, what: str, extension: str) -> str:
    """consultation-version-what.ext, from the slug and the label (any script)."""
    label = re.sub(r"[^\w.]+", "-", version.label.casefold()).strip("-.") or str(version.number)
    return f"{version.consultation.slug}-{label}-{what}.{extension}"


def content_disposition(name: str) -> str:
    """An attachment header every browser reads: an ASCII filename, and the full name in
    UTF-8 (RFC 5987) when it has other letters. Quotes, slashes and controls are dropped."""
    name = re.sub(r'[\x00-\x1f\x7f"\\/]', "", name) or "export"
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_name)
    ascii_name = re.sub(r"-{2,}", "-", ascii_name).strip("-") or "export"
    header = f'attachment; filename="{ascii_name}"'
    if ascii_name != name:
        header += f"; filename*=UTF-8''{quote(name, safe='')}"
    return header


def _attachment(response: Response, name: str) -> Response:
    response.headers["Content-Disposition"] = content_disposition(name)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def streamed(chunks: Callable[[], Iterator[bytes]]) -> Iterator[bytes]:
    """Run chunks after the view has returned, each piece in an application context of its
    own (a context never stays open across a yield, so the server may send each piece from
    wherever it likes) and in the reader's language, reading without a transaction as pages
    do, so a slow download holds no transaction open on PostgreSQL."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    locale = str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"])

    def generate() -> Iterator[bytes]:
        pieces: Iterator[bytes] | None = None
        while True:
            with app.app_context(), force_locale(locale):
                if db.engine.dialect.name == "postgresql":
                    db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
                if pieces is None:
                    pieces = chunks()
                piece = next(pieces, None)
            if piece is None:
                return
            yield piece

    return generate()


def _csv_response(chunks: Callable[[], Iterator[bytes]], name: str) -> Response:
    return _attachment(Response(streamed(chunks), mimetype=table.CSV_MIMETYPE), name)


def _file_pieces(file: IO[bytes]) -> Iterator[bytes]:
    """The file's bytes, in pieces; the file is closed once they are sent."""
    try:
        file.seek(0)
        while piece := file.read(FILE_PIECE):
            yield piece
    finally:
        file.close()


def _file_response(write: Callable[[IO[bytes]], None], mimetype: str, name: str) -> Response:
    """Build a file in a temporary file (in memory while small) and send it."""
    # Not a with block: the file is closed once it has been sent.
    buffer = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115
    try:
        write(buffer)  # type: ignore[arg-type]
        size = buffer.tell()
    except BaseException:
        buffer.close()
        raise
    response = Response(_file_pieces(buffer), mimetype=mimetype)  # type: ignore[arg-type]
    response.content_length = size
    response.call_on_close(buffer.close)
    return _attachment(response, name)


# The compilation ------------------------------------------------------------------------------


def _compilation(slug: str, number: int) -> tuple[Version, CompilationFilterForm,
                                                  service.Compilation | None]:
    """The version, the filter form read from the query string, and the compilation it asks
    for (None when the filters are not valid). Raises NotFound, Forbidden."""
    viewer = _viewer()
    version = drafts.get_version(slug, number, viewer)
    outline = service.outline(version)
    secretariat = service.is_secretariat(viewer)
    if request.args.get("all") and not secretariat:
        service.require_full_export(viewer)
    form = CompilationFilterForm(request.args, outline=outline, secretariat=secretariat)
    if not form.validate():
        return version, form, None
    found = service.compilation(
        viewer, version, form.filters(), everything=form.everything, outline=outline
    )
    return version, form, found


@blueprint.route("/c/<slug>/v/<int:number>/compilation")
def compilation(slug: str, number: int) -> tuple[str, int]:
    """The filters and the three downloads; the count says what they will hold."""
    version, form, found = _compilation(slug, number)
    return render_template(
        "compilation/index.html",
        consultation=version.consultation,
        version=version,
        form=form,
        found=found,
        query=form.query() if found is not None else {},
        note=table.contents_note(found) if found is not None else "",
        secretariat=service.is_secretariat(_viewer()),
    ), (200 if found is not None else 400)


@blueprint.route("/c/<slug>/v/<int:number>/compilation.<any(csv, xlsx, docx):extension>")
def compilation_download(slug: str, number: int, extension: str) -> Response:
    version, form, found = _compilation(slug, number)
    if found is None:
        problems = [f"{form[name].label.text}: {' '.join(errors)}"
                    for name, errors in form.errors.items()]
        raise Invalid(" ".join(problems))
    what = "compilation-all" if found.everything else "compilation"
    name = download_name(version, what, extension)
    if extension == "csv":
        return _csv_response(lambda: table.compilation_csv(found), name)
    if extension == "xlsx":
        return _file_response(lambda file: table.compilation_xlsx(found, file),
                              table.XLSX_MIMETYPE, name)
    return _file_response(lambda file: word.compilation_docx(found, file),
                          word.DOCX_MIMETYPE, name)


# How inputs were addressed -------------------------------------------------------------------


@blueprint.route("/c/<slug>/v/<int:number>/addressed")
def addressed(slug: str, number: int) -> str:
    """The report; one section of the text at a time when there is much to show (the
    reference set's 13,000 points make 15 MB of HTML), the whole in the DOCX."""
    viewer = _viewer()
    version = drafts.get_version(slug, number, viewer)
    report = addressing.report(version, viewer)
    sections = report.sections
    paged = len(report.points) > ADDRESSED_PAGE_POINTS and len(sections) > 1
    shown = sections
    if paged:
        wanted = request.args.get("section", "")
        keys = [str(section.key) for section, _items in sections]
        if wanted and wanted not in keys:
            raise NotFound()
        index = keys.index(wanted) if wanted else 0
        shown = [sections[index]]
    return render_template(
        "compilation/addressed.html",
        consultation=version.consultation,
        version=version,
        report=report,
        sections=sections,
        shown=shown,
        paged=paged,
        summary=word.summary_sentences(report),
        outcome_text=word.outcome_text,
    )


@blueprint.route("/c/<slug>/v/<int:number>/addressed.docx")
def addressed_download(slug: str, number: int) -> Response:
    viewer = _viewer()
    version = drafts.get_version(slug, number, viewer)
    report = addressing.report(version, viewer)
    return _file_response(lambda file: word.addressed_docx(report, file), word.DOCX_MIMETYPE,
                          download_name(version, "addressed", "docx"))


# Statistics -----------------------------------------------------------------------------------


def _series() -> list[charts.Series]:
    return [charts.Series("comments", _("Comments"), COMMENTS),
            charts.Series("amendments", _("Amendments"), AMENDMENTS)]


def _items(tallies: list[counting.Tally], labels: Callable[[counting.Tally], str] | None = None,
           ) -> list[charts.Item]:
    return [
        charts.Item(labels(tally) if labels else tally.label, (tally.comments, tally.amendments))
        for tally in tallies
    ]


def _charts(found: counting.Statistics) -> dict[str, Markup]:
    """The four charts, in the reader's language and direction."""
    rtl = text_direction() == "rtl"
    number = format_decimal
    series = _series()
    top = found.top_paragraphs()
    countries = found.top_countries()
    return {
        "paragraphs": charts.bar_chart(
            "chart-paragraphs",
            _("The %(n)d paragraphs with the most input", n=len(top)),
            _("Comments and amendments on each of the paragraphs with the most input, most "
              "first. The same numbers are in the table below."),
            _items(top), series, number=number, rtl=rtl),
        "groups": charts.bar_chart(
            "chart-groups",
            _("Input by stakeholder group"),
            _("Comments and amendments from each stakeholder group. The same numbers are in "
              "the table below."),
            _items(found.groups), series, number=number, rtl=rtl),
        "countries": charts.bar_chart(
            "chart-countries",
            _("The %(n)d countries with the most input", n=len(countries)),
            _("Comments and amendments from each of the countries with the most input, most "
              "first. The same numbers are in the table below."),
            _items(countries), series, number=number, rtl=rtl),
        "days": charts.column_chart(
            "chart-days",
            _("Input per day"),
            _("Comments and amendments received each day of the comment period. The same "
              "numbers are in the table below."),
            [charts.Item(format_date(tally.key, "d MMM"), (tally.comments, tally.amendments),
                         note=format_date(tally.key, "long"))
             for tally in found.days],
            series, number=number, rtl=rtl),
    }


@blueprint.route("/c/<slug>/v/<int:number>/statistics")
def statistics(slug: str, number: int) -> str:
    version = drafts.get_version(slug, number, _viewer())
    found = counting.statistics(version)
    return render_template(
        "compilation/statistics.html",
        consultation=version.consultation,
        version=version,
        stats=found,
        charts=_charts(found),
        series=_series(),
    )


@blueprint.route(
    "/c/<slug>/v/<int:number>/statistics-<any(paragraphs, groups, countries, days):what>.csv"
)
def statistics_download(slug: str, number: int, what: str) -> Response:
    version = drafts.get_version(slug, number, _viewer())
    found = counting.statistics(version)
    head, rows = counting.table_of(found, what)
    return _attachment(
        Response(table.csv_lines(head, rows), mimetype=table.CSV_MIMETYPE),
        download_name(version, f"statistics-{what}", "csv"),
    )
