"""The compilation as a table: CSV streamed line by line, and an XLSX workbook written
row by row (openpyxl's write-only mode keeps one row in memory, not the sheet)."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from consult.compilation.service import COLUMNS, Compilation, Row, headers, sheet_titles
from consult.i18n import format_moment

CSV_MIMETYPE = "text/csv; charset=utf-8"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Lines are gathered into pieces of about this size before they are sent: one network
# write per line would cost more than writing the line.
CSV_PIECE = 32 * 1024
# A cell a spreadsheet would read as a formula (=, +, -, @) is given a leading apostrophe
# in CSV, as OWASP advises against formula injection; XLSX cells are typed as text instead.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_value(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_lines(
    head: Sequence[str], rows: Iterable[Sequence[object]], piece: int = CSV_PIECE
) -> Iterator[bytes]:
    """UTF-8 with a byte order mark (so Excel reads it as UTF-8), RFC 4180 quoting and
    CRLF line ends; yielded in pieces as the rows come."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(head)
    first = True
    for row in rows:
        writer.writerow([_csv_value(value) for value in row])
        if buffer.tell() >= piece:
            yield (codecs.BOM_UTF8 if first else b"") + buffer.getvalue().encode("utf-8")
            first = False
            buffer.seek(0)
            buffer.truncate()
    yield (codecs.BOM_UTF8 if first else b"") + buffer.getvalue().encode("utf-8")


def compilation_csv(
    compilation: Compilation, progress: Callable[[Row], None] | None = None
) -> Iterator[bytes]:
    """The compilation as CSV, one row after another."""

    def values() -> Iterator[list[object]]:
        for row in compilation.rows():
            if progress is not None:
                progress(row)
            yield [row.value(column.key) for column in COLUMNS]

    return csv_lines(headers(), values())


# XLSX ----------------------------------------------------------------------------------------

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="E8F1FB")
NOT_PUBLIC_FILL = PatternFill("solid", fgColor="FFF4D6")
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
DATE_FORMAT = "yyyy-mm-dd hh:mm"


def _clean(value: object) -> object:
    """Characters XML 1.0 cannot carry (control characters) would make openpyxl refuse."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


class _Sheet:
    """One write-only sheet of the compilation: header frozen, filters on, widths set."""

    def __init__(self, workbook: Workbook, title: str) -> None:
        self.sheet = workbook.create_sheet(title)
        self.rows = 1
        for index, column in enumerate(COLUMNS, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = column.width
        self.sheet.freeze_panes = "A2"
        header = []
        for text in headers():
            cell = WriteOnlyCell(self.sheet, text)
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
            cell.alignment = WRAP
            header.append(cell)
        self.sheet.append(header)

    def add(self, row: Row) -> None:
        cells = []
        for column in COLUMNS:
            value = _clean(row.value(column.key))
            if isinstance(value, dt.datetime):
                value = value.astimezone(dt.UTC).replace(tzinfo=None)
            cell = WriteOnlyCell(self.sheet, value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            if isinstance(value, dt.datetime):
                cell.number_format = DATE_FORMAT
            cell.alignment = WRAP if column.long_text else TOP
            if not row.public:
                cell.fill = NOT_PUBLIC_FILL
            cells.append(cell)
        self.sheet.append(cells)
        self.rows += 1

    def close(self) -> None:
        last = get_column_letter(len(COLUMNS))
        self.sheet.auto_filter.ref = f"A1:{last}{self.rows}"


def _about(workbook: Workbook, compilation: Compilation, title: str) -> None:
    """The first sheet: what this is, of which version, filtered how, made when."""
    sheet = workbook.create_sheet(title)
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 90
    version = compilation.version
    heading = WriteOnlyCell(sheet, _("Compilation of comments"))
    heading.font = Font(bold=True, size=14)
    sheet.append([heading])
    lines: list[tuple[str, object]] = [
        (_("Consultation"), version.consultation.title),
        (_("Version"), version.label),
    ]
    if version.document_symbol:
        lines.append((_("Document symbol"), version.document_symbol))
    lines.append((_("Exported"), format_moment(dt.datetime.now(dt.UTC))))
    lines.append((_("Rows"), compilation.total))
    lines.extend(compilation.describe_filters())
    lines.append((_("Contents"), contents_note(compilation)))
    for name, value in lines:
        key = WriteOnlyCell(sheet, name)
        key.font = HEADER_FONT
        cell = WriteOnlyCell(sheet, _clean(value))
        if isinstance(value, str):
            cell.data_type = "s"
        cell.alignment = WRAP
        sheet.append([key, cell])


def contents_note(compilation: Compilation) -> str:
    """What the export includes, said once in each format."""
    if compilation.everything:
        note = _(
            "The secretariat's own export: it includes input awaiting moderation, hidden by a "
            "moderator or withdrawn by its author, which the public compilation leaves out. "
            "The status column says why each of them is not public."
        )
    else:
        note = _(
            "Published input, and input merged with similar input after it was published "
            "(its answer is the one given to the comment it was merged into)."
        )
    if compilation.includes_replies:
        return note + " " + _("Replies are listed, each with the comment it answers.")
    return note + " " + _("Replies are counted, not listed.")


def compilation_xlsx(
    compilation: Compilation, file: IO[bytes], progress: Callable[[Row], None] | None = None
) -> None:
    """Write the workbook: a first sheet about the export, then one sheet per section of
    the text (general comments, preamble, each heading), in the order of the text."""
    workbook = Workbook(write_only=True)
    sections = compilation.outline.sections
    titles = dict(
        zip(
            [section.key for section in sections],
            sheet_titles([_("About"), *[section.title for section in sections]])[1:],
            strict=True,
        )
    )
    _about(workbook, compilation, sheet_titles([_("About")])[0])
    sheet: _Sheet | None = None
    key: int | None = None
    for row in compilation.rows():
        if progress is not None:
            progress(row)
        if sheet is None or row.section_key != key:
            if sheet is not None:
                sheet.close()
            key = row.section_key
            sheet = _Sheet(workbook, titles.get(key, row.section[:31]))
        sheet.add(row)
    if sheet is None:
        sheet = _Sheet(workbook, sheet_titles([_("Comments")])[0])
    sheet.close()
    workbook.save(file)
