"""The compilation as a Word matrix (a table per paragraph) and the report on how inputs
were addressed, with python-docx.

python-docx holds the whole document in memory until it is saved; bench/exports.py
measures what that costs for 20,000 comments. Text in a
right-to-left script gets right-to-left paragraphs, so Arabic reads as it should.
"""

from __future__ import annotations

import copy
import datetime as dt
import unicodedata
from collections.abc import Callable, Iterable
from typing import IO

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Row
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _

from consult.auth.models import GROUP_LABELS
from consult.comments.models import DISPOSITION_LABELS, KIND_LABELS, CommentStatus
from consult.compilation.addressed import Point, Report
from consult.compilation.service import (
    Compilation,
    Row,
    english_country_name,
    label,
)
from consult.compilation.table import contents_note
from consult.drafts import compare
from consult.i18n import format_moment
from consult.markup import plain_text
from consult.people.naming import signature
from consult.revisions.models import DECISION_LABELS
from consult.textdiff import Run as Difference

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Character styles made by new_document, by id: (name, colour, underline, strike).
MUTED = "ConsultMuted"
INSERTED = "ConsultInserted"
DELETED = "ConsultDeleted"
CHARACTER_STYLES = {
    MUTED: ("Consult muted", RGBColor(0x57, 0x60, 0x6A), False, False),
    INSERTED: ("Consult inserted", RGBColor(0x11, 0x63, 0x29), True, False),
    DELETED: ("Consult deleted", RGBColor(0xB4, 0x23, 0x18), False, True),
}
HEADER_SHADE = "E8F1FB"
NOT_PUBLIC_SHADE = "FFF4D6"
# What follows w:bidi in a paragraph's properties, and w:rtl in a run's, in the schema's
# order: Word rejects a document whose properties are out of order.
_AFTER_BIDI = (
    "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
    "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
    "w:pPrChange",
)
_AFTER_RTL = ("w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath")


# Helpers --------------------------------------------------------------------------------------


def is_right_to_left(text: str) -> bool:
    """Whether the first letter with a strong direction is Arabic, Hebrew or similar."""
    for character in text:
        direction = unicodedata.bidirectional(character)
        if direction == "L":
            return False
        if direction in ("R", "AL"):
            return True
    return False


def _right_to_left(paragraph: DocxParagraph) -> None:
    properties = paragraph._p.get_or_add_pPr()
    if properties.find(qn("w:bidi")) is None:
        properties.insert_element_before(OxmlElement("w:bidi"), *_AFTER_BIDI)


def _run_right_to_left(run: Run) -> None:
    properties = run._r.get_or_add_rPr()
    properties.insert_element_before(OxmlElement("w:rtl"), *_AFTER_RTL)


def write(
    paragraph: DocxParagraph,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    style: str | None = None,
) -> None:
    """Add text to a paragraph as one run, its line breaks kept, right to left when it is.

    style is the id of a character style of new_document (MUTED, INSERTED, DELETED):
    one property per run rather than a colour and a line each, which halves the time
    of a 20,000-row matrix.
    """
    if not text:
        return
    rtl = is_right_to_left(text)
    if rtl:
        _right_to_left(paragraph)
    run = paragraph.add_run()
    for index, line in enumerate(text.split("\n")):
        if index:
            run.add_break()
        run.add_text(line)
    if style:
        run._r.style = style
    if bold:
        run.bold = True
    if italic:
        run.italic = True
    if rtl:
        _run_right_to_left(run)


def write_paragraphs(cell: _Cell, text: str, **style: object) -> None:
    """Put text into a table cell, one Word paragraph per paragraph of the text."""
    blocks = [block for block in (text or "").split("\n\n") if block.strip()]
    first = cell.paragraphs[0]
    for index, block in enumerate(blocks):
        paragraph = first if index == 0 and not first.text else cell.add_paragraph()
        write(paragraph, block.strip("\n"), **style)  # type: ignore[arg-type]


def _shade(cell: _Cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _repeat_as_header(row: _Row) -> None:
    """Word repeats the row at the top of every page the table runs over."""
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(marker)


def _field(paragraph: DocxParagraph, instruction: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _page_numbers(document: DocumentType) -> None:
    """"Page n of m" in the footer, in the reader's language."""
    footer = document.sections[0].footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    marked = _("Page %(page)s of %(pages)s", page="\x00PAGE\x00", pages="\x00NUMPAGES\x00")
    for part in marked.split("\x00"):
        if part in ("PAGE", "NUMPAGES"):
            _field(footer, part)
        elif part:
            footer.add_run(part)


def new_document(title: str, *, landscape: bool, size: float = 10) -> DocumentType:
    """An A4 document with page numbers, its title set, in the reader's language."""
    document = Document()
    section = document.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(15))
    normal = document.styles["Normal"]
    normal.font.size = Pt(size)
    normal.paragraph_format.space_after = Pt(2)
    for style_id, (name, colour, underline, strike) in CHARACTER_STYLES.items():
        made = document.styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
        made.element.styleId = style_id
        made.font.color.rgb = colour
        made.font.underline = underline or None
        made.font.strike = strike or None
    document.core_properties.title = title
    _page_numbers(document)
    return document


def _table(document: DocumentType, widths: list[float]) -> Table:
    table = document.add_table(rows=0, cols=len(widths))
    table.style = "Table Grid"
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Mm(width)
    return table


def _header_row(table: Table, titles: list[str]) -> None:
    row = table.add_row()
    _repeat_as_header(row)
    for cell, title in zip(row.cells, titles, strict=True):
        write(cell.paragraphs[0], title, bold=True)
        _shade(cell, HEADER_SHADE)


def _heading(document: DocumentType, text: str, level: int) -> None:
    heading = document.add_heading(level=level)
    write(heading, text)


def _line(document: DocumentType, text: str, **style: object) -> DocxParagraph:
    paragraph = document.add_paragraph()
    write(paragraph, text, **style)  # type: ignore[arg-type]
    return paragraph


# The compilation as a matrix ------------------------------------------------------------------

MATRIX_WIDTHS = [54.0, 77.0, 59.0, 57.0, 20.0]  # 267 mm: A4 landscape less 15 mm margins


def _matrix_titles() -> list[str]:
    return [_("Stakeholder"), _("Comment"), _("Proposed text"), _("Answer"),
            _("Organization verified")]


def _about_author(row: Row) -> str:
    """What the stakeholder column says under the author's name."""
    details = [_("No. %(id)d", id=row.id), row.kind]
    if row.endorsements:
        details.append(ngettext("%(num)d endorsement", "%(num)d endorsements", row.endorsements))
    if row.replies:
        details.append(ngettext("%(num)d reply", "%(num)d replies", row.replies))
    if row.in_reply_to:
        details.append(_("in reply to No. %(id)d", id=row.in_reply_to))
    lines = [
        row.organization,
        " · ".join(part for part in (row.group, row.country) if part),
        " · ".join(details),
        row.submitted.strftime("%Y-%m-%d %H:%M UTC"),
    ]
    return "\n".join(line for line in lines if line)


class _Rows:
    """Adds rows to a table by copying an empty row made once: python-docx's add_row sets
    every cell's width anew, a third of the time of a large matrix."""

    def __init__(self) -> None:
        self.blank: CT_Row | None = None

    def add(self, table: Table) -> list[_Cell]:
        if self.blank is None:
            self.blank = copy.deepcopy(table.add_row()._tr)
            table._tbl.remove(table._tbl.tr_lst[-1])
        row = copy.deepcopy(self.blank)
        table._tbl.append(row)
        return [_Cell(cell, table) for cell in row.tc_lst]


def _matrix_row(rows: _Rows, table: Table, row: Row) -> None:
    cells = rows.add(table)
    write(cells[0].paragraphs[0], row.author, bold=True)
    write(cells[0].add_paragraph(), _about_author(row), style=MUTED)
    write_paragraphs(cells[1], row.text)
    write_paragraphs(cells[2], row.proposed_text)
    answer = cells[3].paragraphs[0]
    if row.disposition:
        write(answer, row.disposition, bold=True)
    if row.rationale:
        write_paragraphs(cells[3], row.rationale)
    if row.status_code != CommentStatus.PUBLISHED:
        write(cells[3].add_paragraph(), row.status, italic=True, style=MUTED)
    write(cells[4].paragraphs[0], row.organization_verified)
    if not row.public:
        for cell in cells:
            _shade(cell, NOT_PUBLIC_SHADE)


def compilation_docx(
    compilation: Compilation, file: IO[bytes], progress: Callable[[Row], None] | None = None
) -> None:
    """A heading per section, then per paragraph a table: the paragraph's text and the
    column titles as header rows repeated on every page, then one row per input."""
    version = compilation.version
    title = _("Compilation of comments")
    document = new_document(f"{title}: {version.consultation.title}, {version.label}",
                            landscape=True, size=9)
    _heading(document, title, 0)
    _line(document, f"{version.consultation.title} — {version.label}"
          + (f" ({version.document_symbol})" if version.document_symbol else ""), bold=True)
    _line(document, _("Exported on %(when)s.", when=format_moment(dt.datetime.now(dt.UTC))))
    _line(document, ngettext("%(num)d input.", "%(num)d inputs.", compilation.total))
    for name, value in compilation.describe_filters():
        _line(document, f"{name}: {value}")
    _line(document, contents_note(compilation), italic=True)
    section_key: int | None = None
    paragraph_id: object = object()
    table: Table | None = None
    rows = _Rows()
    for row in compilation.rows():
        if progress is not None:
            progress(row)
        if row.section_key != section_key:
            section_key = row.section_key
            _heading(document, row.section, 1)
        if row.paragraph_id != paragraph_id:
            paragraph_id = row.paragraph_id
            table = _paragraph_table(document, compilation, row)
        assert table is not None
        _matrix_row(rows, table, row)
    if table is None:
        _line(document, _("No input matches."), italic=True)
    document.save(file)


def _paragraph_table(document: DocumentType, compilation: Compilation, row: Row) -> Table:
    """A new table whose first rows (repeated on each page) say which paragraph it is."""
    document.add_paragraph()
    table = _table(document, MATRIX_WIDTHS)
    heading = table.add_row()
    _repeat_as_header(heading)
    merged = heading.cells[0].merge(heading.cells[-1])
    _shade(merged, HEADER_SHADE)
    place = compilation.outline.place(row.paragraph_id)
    name = row.paragraph[:1].upper() + row.paragraph[1:]
    write(merged.paragraphs[0], name, bold=True)
    if place is not None and place.text:
        write(merged.add_paragraph(), place.text, italic=True)
    _header_row(table, _matrix_titles())
    return table


# How inputs were addressed -----------------------------------------------------------------------


def _groups(counts: dict[str, int]) -> str:
    return ", ".join(
        f"{label(GROUP_LABELS, group)} {count}" for group, count in sorted(counts.items())
    )


def _signed(name: str, organization: str, verified: bool) -> str:
    """Who wrote an input, as the report's page says it (see templates/people/_mark.html)."""
    text = signature(name, organization) + (f", {organization}" if name else "")
    return text + (f" ({_('verified organization')})" if verified else "")


def _raised_by(point: Point) -> str:
    lines = []
    if point.is_synthesis:
        lines.append(_("Synthesis by the moderators"))
    else:
        lines.append(f"{_signed(point.author_name, point.organization, point.verified)} "
                     f"({label(GROUP_LABELS, point.group)}, "
                     f"{english_country_name(point.country)})")
    for member in point.members:
        lines.append(f"{_signed(member.author_name, member.organization, member.verified)} "
                     f"({label(GROUP_LABELS, member.group)})")
    if point.members or point.is_synthesis:
        lines.append(
            ngettext("Raised by %(num)d stakeholder", "Raised by %(num)d stakeholders",
                     point.people)
            + (f": {_groups(point.people_by_group)}" if point.people_by_group else "")
        )
    if point.endorsers:
        lines.append(
            ngettext("Endorsed by %(num)d person", "Endorsed by %(num)d people", point.endorsers)
            + f": {_groups(point.endorsers_by_group)}"
        )
    return "\n".join(lines)


def _point_rows(rows: _Rows, table: Table, points: Iterable[Point],
                next_label: str | None) -> None:
    for point in points:
        cells = rows.add(table)
        write(cells[0].paragraphs[0],
              _("No. %(id)d", id=point.id) + f" · {label(KIND_LABELS, point.kind)}",
              bold=True)
        write_paragraphs(cells[0], point.text)
        if point.proposed_text:
            write(cells[0].add_paragraph(), _("Proposed text:"), bold=True)
            write(cells[0].add_paragraph(), point.proposed_text, italic=True)
        write_paragraphs(cells[1], _raised_by(point))
        answer = cells[2].paragraphs[0]
        if point.disposition:
            write(answer, label(DISPOSITION_LABELS, point.disposition), bold=True)
            write_paragraphs(cells[2], point.rationale)
        else:
            write(answer, _("Not answered yet"), italic=True, style=MUTED)
        if point.change is not None and next_label:
            write(cells[2].add_paragraph(), _(
                "In %(version)s: %(decision)s", version=next_label,
                decision=label(DECISION_LABELS, point.change.decision),
            ), italic=True)


def _diff(paragraph: DocxParagraph, runs: Iterable[Difference]) -> None:
    styles = {"insert": INSERTED, "delete": DELETED}
    for run in runs:
        write(paragraph, run.text, style=styles.get(run.op))


def outcome_text(status: str, number: str, renumbered: bool, version_label: str) -> str:
    """What became of a paragraph, in one sentence."""
    word = str(compare.STATUS_LABELS.get(status, status))
    if status == compare.DELETED:
        return _("In %(version)s: deleted.", version=version_label)
    if renumbered and number:
        return _("In %(version)s: %(status)s, now numbered %(number)s.",
                 version=version_label, status=word.lower(), number=number)
    return _("In %(version)s: %(status)s.", version=version_label, status=word.lower())


def addressed_docx(report: Report, file: IO[bytes]) -> None:
    """The report as a Word document: per paragraph its text, a table of the points raised
    with who raised them and the answer, then what the paragraph became."""
    version = report.version
    following = report.next_version
    title = _("How inputs were addressed")
    document = new_document(f"{title}: {version.consultation.title}, {version.label}",
                            landscape=False)
    _heading(document, title, 0)
    _line(document, f"{version.consultation.title} — {version.label}"
          + (f" ({version.document_symbol})" if version.document_symbol else ""), bold=True)
    for sentence in summary_sentences(report):
        _line(document, sentence)
    widths = [80.0, 50.0, 50.0]
    titles = [_("What was asked"), _("Raised by"), _("Answer")]
    next_label = following.label if following is not None else None
    rows = _Rows()
    if report.general:
        _heading(document, _("General comments on the whole text"), 1)
        table = _table(document, widths)
        _header_row(table, titles)
        _point_rows(rows, table, report.general, next_label)
    for item in report.paragraphs:
        place = item.place
        _heading(document, place.name[:1].upper() + place.name[1:], 1)
        _line(document, place.text, italic=True)
        table = _table(document, widths)
        _header_row(table, titles)
        _point_rows(rows, table, item.points, next_label)
        outcome = item.outcome
        if outcome is None or following is None:
            continue
        _line(document, outcome_text(outcome.status, outcome.number, outcome.renumbered,
                                     following.label), bold=True)
        if outcome.runs:
            _diff(document.add_paragraph(), outcome.runs)
        for added in outcome.added_after:
            _line(document, _("Added after it in %(version)s, as %(name)s:",
                              version=following.label, name=added.new_name), bold=True)
            _line(document, plain_text(added.new.body) if added.new else "",
                  style=INSERTED)
    document.save(file)


def summary_sentences(report: Report) -> list[str]:
    """The opening sentences of the report, the same on the page and in the document."""
    sentences = []
    if report.provisional:
        sentences.append(_("The comment period is still open: this report is provisional."))
    points = len(report.points)
    sentences.append(
        ngettext("%(count)s point raised", "%(count)s points raised", points,
                 count=format_decimal(points))
        + ", "
        + ngettext("by %(count)s stakeholder.", "by %(count)s stakeholders.",
                   report.stakeholders, count=format_decimal(report.stakeholders))
    )
    answers = report.answers
    answered = [
        f"{text} {format_decimal(answers[code])}"
        for code, text in DISPOSITION_LABELS.items()
        if answers.get(code)
    ]
    waiting = answers.get(None, 0)
    if answered:
        sentences.append(_("Answers: %(list)s.", list=", ".join(answered)))
    if waiting:
        sentences.append(ngettext("%(count)s point not answered yet.",
                                  "%(count)s points not answered yet.", waiting,
                                  count=format_decimal(waiting)))
    if report.next_version is not None:
        if report.next_version.is_published:
            sentences.append(_("What each paragraph became is taken from %(version)s.",
                               version=report.next_version.label))
        else:
            sentences.append(_("What each paragraph became is taken from %(version)s, which "
                               "is still a draft.", version=report.next_version.label))
    elif report.next_in_preparation:
        sentences.append(_("The next version is being prepared; what became of each "
                           "paragraph is shown once it is published."))
    else:
        sentences.append(_("There is no next version yet; the answers are listed below."))
    return sentences
