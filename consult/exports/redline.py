"""A redline between two versions: a Word file with real tracked changes, and an HTML page.

Both are built from `consult.drafts.compare.compare`, so they say what the comparison page
says: paragraphs are matched by lineage key, and the words changed inside a paragraph are
the word diff of its plain text. The Word file is the newer version's text in which every
change is a revision (`w:ins`/`w:del`) authored by the secretariat, so that Word and
LibreOffice list each one to accept or reject: accepting all of them gives the newer
version, rejecting all of them the older one.

Choices:
- A moved paragraph is a deletion where it stood and an insertion where it stands now,
  not Word's `w:moveFrom`/`w:moveTo`: simpler, and read the same way by every program.
- Paragraph numbers are text (a tab and a hanging indent), not Word numbering, so that a
  renumbered paragraph shows as the tracked change of its number ("12." deleted, "13."
  inserted) and nothing else renumbers itself.
- Emphasis and strong emphasis of the Markdown become italic and bold runs, carried over
  character by character onto the compared plain text; a change of formatting alone is not
  a change (as on the comparison page) and is not tracked.
- Deletions stand where the comparison puts them (after the paragraph that preceded them
  in the older version), except after a moved paragraph: there they follow its old place,
  so that rejecting every change gives the older text in its order.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import docx
import lxml.html
import markdown
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from flask import current_app
from flask_babel import gettext as _
from lxml import etree
from markupsafe import Markup, escape

from consult.drafts import compare as comparing
from consult.drafts.models import KIND_LABELS, Paragraph, ParagraphKind, Version
from consult.i18n import number_label
from consult.markup import plain_text
from consult.textdiff import word_diff

EQUAL = "equal"
INSERT = "insert"
DELETE = "delete"

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
REVISION_DATE = "%Y-%m-%dT%H:%M:%SZ"
# Indents in twentieths of a point: one step per level, the number hangs in the first.
STEP = 720
# What settings.xml may hold before w:trackRevisions (ECMA-376 CT_Settings order).
_SETTINGS_BEFORE_TRACKING = frozenset(
    qn(f"w:{name}")
    for name in [
        "writeProtection", "view", "zoom", "removePersonalInformation", "removeDateAndTime",
        "doNotDisplayPageBoundaries", "displayBackgroundShape", "printPostScriptOverText",
        "printFractionalCharacterWidth", "printFormsData", "embedTrueTypeFonts",
        "embedSystemFonts", "saveSubsetFonts", "saveFormsData", "mirrorMargins",
        "alignBordersAndEdges", "bordersDoNotSurroundHeader", "bordersDoNotSurroundFooter",
        "gutterAtTop", "hideSpellingErrors", "hideGrammaticalErrors", "activeWritingStyle",
        "proofState", "formsDesign", "attachedTemplate", "linkStyles",
        "stylePaneFormatFilter", "stylePaneSortMethod", "documentType", "mailMerge",
        "revisionView",
    ]
)
# Characters XML 1.0 cannot hold: a stray control character must not break the file.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_MOVED = {comparing.MOVED, comparing.MOVED_AND_CHANGED}


# What the redline says -------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """A stretch of text that is kept, inserted or deleted, in one formatting."""

    op: str
    text: str
    italic: bool = False
    bold: bool = False


@dataclass(frozen=True)
class Block:
    """One paragraph of the redline.

    mark is what became of the paragraph itself: "equal" (in both versions), "insert" (new,
    or moved here) or "delete" (gone, or moved away). paragraph gives the layout: the newer
    one when there is one. moved is "from" at the old place of a moved paragraph, "to" at
    its new place, else "".
    """

    row: comparing.Row
    mark: str
    paragraph: Paragraph
    level: int
    number: tuple[Segment, ...]
    text: tuple[Segment, ...]
    moved: str = ""

    @property
    def is_heading(self) -> bool:
        return self.paragraph.kind == ParagraphKind.HEADING

    @property
    def renumbered(self) -> bool:
        ops = {segment.op for segment in self.number}
        return self.mark == EQUAL and INSERT in ops and DELETE in ops

    @property
    def rtl(self) -> bool:
        return starts_rtl("".join(segment.text for segment in self.text))

    @property
    def number_html(self) -> Markup:
        """The number, "12. → 13." with del and ins when it changed (the arrow points the
        way the paragraph reads)."""
        parts = [
            _segment_html(Segment(s.op, s.text.strip(), s.italic, s.bold))
            for s in self.number
            if s.text.strip()
        ]
        if self.renumbered:
            arrow = Markup('<span class="arrow" aria-hidden="true"> %s </span>')
            return (arrow % ("←" if self.rtl else "→")).join(parts)
        return Markup("").join(parts)

    @property
    def text_html(self) -> Markup:
        return Markup("").join(_segment_html(segment) for segment in self.text)

    @property
    def note(self) -> str:
        """What the marks alone do not say: where a moved paragraph went, a change of kind."""
        row = self.row
        if self.moved == "from":
            return _("Moved from here: now %(name)s.", name=row.new_name)
        if self.moved == "to":
            return _("Moved here: was %(name)s.", name=row.old_name)
        if row.kind_changed and row.old is not None and row.new is not None:
            return _(
                "Was: %(old)s; now: %(new)s.",
                old=KIND_LABELS[row.old.kind],
                new=KIND_LABELS[row.new.kind],
            )
        return ""


@dataclass(frozen=True)
class Redline:
    old: Version
    new: Version
    comparison: comparing.Comparison
    blocks: list[Block]

    @property
    def heading(self) -> str:
        return _("%(new)s (changes from %(old)s)", new=self.new.label, old=self.old.label)


def starts_rtl(text: str) -> bool:
    """Whether the first strongly directional character is right-to-left (Arabic, Hebrew)."""
    for character in text:
        direction = unicodedata.bidirectional(character)
        if direction in ("R", "AL"):
            return True
        if direction == "L":
            return False
    return False


def _only_rtl(text: str) -> bool:
    """Right-to-left letters and no left-to-right ones: a run Word should lay out as RTL."""
    directions = {unicodedata.bidirectional(character) for character in text}
    return bool(directions & {"R", "AL"}) and "L" not in directions


@lru_cache(maxsize=4096)
def styles_of(body: str) -> tuple[tuple[bool, bool], ...] | None:
    """(italic, bold) for each character of plain_text(body), or None when they cannot be
    lined up (then the text goes without formatting rather than with the wrong one).

    The Markdown is rendered as plain_text renders it, its text read with the emphasis
    around each character, and the whitespace collapsed the same way.
    """
    rendered = markdown.markdown(body or "", extensions=["sane_lists"], output_format="html")
    if not rendered.strip():
        return () if not plain_text(body) else None
    root = lxml.html.fragment_fromstring(rendered, create_parent="div")
    found: list[tuple[str, bool, bool]] = []

    def add(text: str | None, italic: bool, bold: bool) -> None:
        found.extend((character, italic, bold) for character in text or "")

    def walk(element: etree._Element, italic: bool, bold: bool) -> None:
        if isinstance(element.tag, str):
            inner_italic = italic or element.tag in ("em", "i")
            inner_bold = bold or element.tag in ("strong", "b")
            add(element.text, inner_italic, inner_bold)
            for child in element:
                walk(child, inner_italic, inner_bold)
        add(element.tail, italic, bold)

    walk(root, False, False)
    collapsed: list[tuple[str, bool, bool]] = []
    for character, italic, bold in found:
        if character.isspace():
            if collapsed and collapsed[-1][0] == " ":
                continue
            character = " "
        collapsed.append((character, italic, bold))
    while collapsed and collapsed[0][0] == " ":
        collapsed.pop(0)
    while collapsed and collapsed[-1][0] == " ":
        collapsed.pop()
    if "".join(character for character, _i, _b in collapsed) != plain_text(body):
        return None
    return tuple((italic, bold) for _c, italic, bold in collapsed)


def _split(op: str, text: str, styles: Sequence[tuple[bool, bool]] | None) -> list[Segment]:
    """Cut text where its formatting changes."""
    if not styles:
        return [Segment(op, text)] if text else []
    segments: list[Segment] = []
    start = 0
    for index in range(1, len(text) + 1):
        if index == len(text) or styles[index] != styles[start]:
            italic, bold = styles[start]
            segments.append(Segment(op, text[start:index], italic, bold))
            start = index
    return segments


def _whole(op: str, paragraph: Paragraph) -> list[Segment]:
    return _split(op, plain_text(paragraph.body), styles_of(paragraph.body))


def _changed(old: Paragraph, new: Paragraph) -> list[Segment]:
    """The word diff of the two plain texts; kept and inserted words take the newer
    version's formatting, deleted ones the older's."""
    old_styles, new_styles = styles_of(old.body), styles_of(new.body)
    segments: list[Segment] = []
    at_old = at_new = 0
    for run in word_diff(plain_text(old.body), plain_text(new.body)):
        size = len(run.text)
        if run.op == DELETE:
            styles = old_styles[at_old : at_old + size] if old_styles else None
            at_old += size
        else:
            styles = new_styles[at_new : at_new + size] if new_styles else None
            at_new += size
            if run.op == EQUAL:
                at_old += size
        segments.extend(_split(run.op, run.text, styles))
    return segments


def _number(old: Paragraph | None, new: Paragraph | None) -> list[Segment]:
    """The printed number and the tab after it; a new number is a deletion and an insertion."""
    old_label = number_label(old.number_label) if old is not None else ""
    new_label = number_label(new.number_label) if new is not None else ""
    if old_label == new_label:
        return [Segment(EQUAL, new_label + "\t")] if new_label else []
    if old_label and new_label:
        return [Segment(DELETE, old_label), Segment(INSERT, new_label), Segment(EQUAL, "\t")]
    if old_label:
        return [Segment(DELETE, old_label + "\t")]
    return [Segment(INSERT, new_label + "\t")]


def _level(paragraph: Paragraph) -> int:
    level, parent = 0, paragraph.parent
    while parent is not None and level < 5:
        level, parent = level + 1, parent.parent
    return level


def arrange(comparison: comparing.Comparison) -> list[tuple[str, comparing.Row]]:
    """Each row with the side it stands for ("both", "old" or "new"), in document order.

    The paragraphs kept in place are in the same order in both versions. Between two of
    them come, first, the older version's paragraphs that are gone from there (deleted or
    moved away) in their old order, then the newer version's that are new there (added or
    moved here) in their new order; so each version's paragraphs stay in their order.
    """
    rows = comparison.rows
    kept = {
        row.lineage_key
        for row in rows
        if row.old is not None and row.new is not None and row.status not in _MOVED
    }
    old_rows = sorted(
        (row for row in rows if row.old is not None), key=lambda row: row.old.position
    )
    new_rows = [row for row in rows if row.new is not None]
    gone: dict[str | None, list[comparing.Row]] = {}
    came: dict[str | None, list[comparing.Row]] = {}
    for side_rows, found in ((old_rows, gone), (new_rows, came)):
        anchor: str | None = None
        for row in side_rows:
            if row.lineage_key in kept:
                anchor = row.lineage_key
            else:
                found.setdefault(anchor, []).append(row)
    arranged: list[tuple[str, comparing.Row]] = []
    anchors: list[tuple[str | None, comparing.Row | None]] = [(None, None)]
    anchors.extend((row.lineage_key, row) for row in new_rows if row.lineage_key in kept)
    for anchor, kept_row in anchors:
        if kept_row is not None:
            arranged.append(("both", kept_row))
        arranged.extend(("old", row) for row in gone.get(anchor, []))
        arranged.extend(("new", row) for row in came.get(anchor, []))
    return arranged


def _block(side: str, row: comparing.Row) -> Block:
    moved = row.status in _MOVED
    if side == "old":
        assert row.old is not None
        return Block(
            row=row,
            mark=DELETE,
            paragraph=row.old,
            level=_level(row.old),
            number=tuple(_number(row.old, None)),
            text=tuple(_whole(DELETE, row.old)),
            moved="from" if moved else "",
        )
    assert row.new is not None
    if side == "new":
        return Block(
            row=row,
            mark=INSERT,
            paragraph=row.new,
            level=_level(row.new),
            number=tuple(_number(None, row.new)),
            text=tuple(_whole(INSERT, row.new)),
            moved="to" if moved else "",
        )
    assert row.old is not None
    text = _changed(row.old, row.new) if row.text_changed else _whole(EQUAL, row.new)
    return Block(
        row=row,
        mark=EQUAL,
        paragraph=row.new,
        level=_level(row.new),
        number=tuple(_number(row.old, row.new)),
        text=tuple(text),
    )


def build(old_version: Version, new_version: Version) -> Redline:
    """Compare the two versions and lay out the redline's paragraphs."""
    comparison = comparing.compare(*comparing.load_pair(old_version, new_version))
    blocks = [_block(side, row) for side, row in arrange(comparison)]
    return Redline(old=old_version, new=new_version, comparison=comparison, blocks=blocks)


# Word ---------------------------------------------------------------------------------------


def revision_date(moment: dt.datetime) -> str:
    """w:date as Word writes it: UTC, to the second, with a Z (naive times are UTC)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    return moment.strftime(REVISION_DATE)


class _Revisions:
    """Makes w:ins and w:del marks of one author and date, each with its own w:id."""

    def __init__(self, author: str, date: dt.datetime) -> None:
        self.author = author
        self.date = revision_date(date)
        self.count = 0

    def mark(self, op: str) -> etree._Element:
        self.count += 1
        element = OxmlElement("w:ins" if op == INSERT else "w:del")
        element.set(qn("w:id"), str(self.count))
        element.set(qn("w:author"), self.author)
        element.set(qn("w:date"), self.date)
        return element


def _child(parent: etree._Element, tag: str, **attributes: str) -> etree._Element:
    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(qn(f"w:{name}"), value)
    parent.append(element)
    return element


def _run(segment: Segment, *, bold: bool) -> etree._Element:
    """A w:r of the segment's text (w:delText when deleted), tabs as w:tab."""
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    if segment.bold or bold:
        _child(properties, "w:b")
        _child(properties, "w:bCs")
    if segment.italic:
        _child(properties, "w:i")
        _child(properties, "w:iCs")
    if _only_rtl(segment.text):
        _child(properties, "w:rtl")
    if len(properties):
        run.append(properties)
    text_tag = "w:delText" if segment.op == DELETE else "w:t"
    for index, piece in enumerate(_NOT_XML.sub("", segment.text).split("\t")):
        if index:
            _child(run, "w:tab")
        if piece:
            text = _child(run, text_tag)
            text.set(qn("xml:space"), "preserve")
            text.text = piece
    return run


def _paragraph_properties(block: Block, revisions: _Revisions) -> etree._Element:
    """Layout (in ECMA-376 order) and, for a paragraph inserted or deleted whole, its mark."""
    properties = OxmlElement("w:pPr")
    numbered = any(segment.text.strip() for segment in block.number)
    if block.is_heading:
        _child(properties, "w:keepNext")
    if block.rtl:
        _child(properties, "w:bidi")
    _child(properties, "w:spacing", before="240" if block.is_heading else "0", after="120")
    if numbered:
        _child(properties, "w:ind", left=str(STEP * (block.level + 1)), hanging=str(STEP))
    elif block.paragraph.kind == ParagraphKind.PREAMBULAR:
        _child(properties, "w:ind", left=str(STEP * block.level), firstLine=str(STEP))
    elif block.level:
        _child(properties, "w:ind", left=str(STEP * block.level))
    if block.is_heading:
        _child(properties, "w:outlineLvl", val="0")
    if block.mark != EQUAL:
        mark = OxmlElement("w:rPr")
        mark.append(revisions.mark(block.mark))
        properties.append(mark)
    return properties


def _fill(paragraph: etree._Element, block: Block, revisions: _Revisions) -> None:
    paragraph.append(_paragraph_properties(block, revisions))
    for segment in (*block.number, *block.text):
        run = _run(segment, bold=block.is_heading)
        if segment.op == EQUAL:
            paragraph.append(run)
        else:
            revision = revisions.mark(segment.op)
            revision.append(run)
            paragraph.append(revision)


def _track_revisions(document: docx.document.Document) -> None:
    """w:trackRevisions in settings.xml, in its place: later edits are tracked too."""
    settings = document.settings.element
    if settings.find(qn("w:trackRevisions")) is not None:
        return
    position = 0
    for index, child in enumerate(settings):
        if child.tag in _SETTINGS_BEFORE_TRACKING:
            position = index + 1
    settings.insert(position, OxmlElement("w:trackRevisions"))


def _title_block(document: docx.document.Document, redline: Redline) -> None:
    """The newer version's symbol, the document's title, and which versions are compared."""
    if redline.new.document_symbol:
        symbol = document.add_paragraph(redline.new.document_symbol)
        symbol.alignment = WD_ALIGN_PARAGRAPH.RIGHT  # as UN symbols stand
    title = document.add_paragraph()
    title.paragraph_format.space_before = Pt(12)
    run = title.add_run(redline.new.consultation.title)
    run.bold = True
    run.font.size = Pt(14)
    label = document.add_paragraph()
    label.paragraph_format.space_after = Pt(18)
    label.add_run(redline.heading).bold = True


def redline_docx(
    old_version: Version, new_version: Version, *, author: str, date: dt.datetime
) -> bytes:
    """The newer version as a Word file whose differences from the older one are tracked
    changes by author at date, to accept or reject one by one."""
    redline = build(old_version, new_version)
    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.5))
    normal = document.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(12)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:cs"), "Times New Roman")
    properties = document.core_properties
    properties.title = redline.heading
    properties.subject = new_version.consultation.title
    properties.author = properties.last_modified_by = author
    moment = date.astimezone(dt.UTC).replace(tzinfo=None) if date.tzinfo else date
    properties.created = properties.modified = moment
    properties.revision = 1
    properties.comments = ""
    _title_block(document, redline)
    revisions = _Revisions(author, date)
    for block in redline.blocks:
        _fill(document.add_paragraph()._p, block, revisions)
    _track_revisions(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# HTML ---------------------------------------------------------------------------------------


def _segment_html(segment: Segment) -> Markup:
    text: Markup = escape(segment.text.replace("\t", " "))
    if segment.italic:
        text = Markup("<em>%s</em>") % text
    if segment.bold:
        text = Markup("<strong>%s</strong>") % text
    if segment.op == INSERT:
        return Markup("<ins>%s</ins>") % text
    if segment.op == DELETE:
        return Markup("<del>%s</del>") % text
    return text


def redline_html(old_version: Version, new_version: Version) -> str:
    """A standalone, print-ready page of the newer version with the changes marked.

    Rendered without the request's context processors (the page needs none), so that the
    command line or a background job can make it as well as a view.
    """
    redline = build(old_version, new_version)
    return current_app.jinja_env.get_template("exports/redline.html").render(
        redline=redline,
        consultation=new_version.consultation,
        status_labels=comparing.STATUS_LABELS,
        date=new_version.published_at or new_version.created_at,
    )
