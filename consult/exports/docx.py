"""The consolidated text of a version as a Word document an officer can keep editing.

The text is laid out with named paragraph styles ("UN Title", "UN Preambular", "UN
Operative", "UN Subparagraph"...) instead of direct formatting, so changing the look of
all operative paragraphs is one style change in Word; page numbers are PAGE and NUMPAGES
fields in the footer; the symbol runs in the header from page 2, on the outer side.

Numbering: Word numbering or the labels as text. Operative paragraphs use real Word
numbering ("1." at level 1, their sub-paragraphs "(a)" at level 2 and "(i)" at level 3
of the same definition, built in numbering.xml) only when the stored labels are exactly
what Word would count: operative paragraphs consecutive from their first number (w:start
keeps an imported draft that begins at 5), sub-paragraphs (a), (b)... restarting under
each paragraph. Otherwise (a gap, a repeat, "12 bis", an unnumbered operative paragraph)
every number is written as text before a tab, with the same hanging indents, so the
document shows the numbers the text really has instead of a count that contradicts them.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import lxml.html
from docx import Document
from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Pt
from docx.styles.style import ParagraphStyle
from docx.text.paragraph import Paragraph as WordParagraph
from flask_babel import force_locale
from flask_babel import gettext as _

from consult.database import utcnow
from consult.drafts.models import Paragraph, ParagraphKind, Version
from consult.exports.text import (
    DEFAULT_LANGUAGE,
    Masthead,
    Node,
    Progress,
    body_tree,
    direction_of,
    load,
    masthead,
    plain,
    printed_label,
    read,
)

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
UNIT = Cm(1.27)  # the UN's half-inch indentation step
FONT = "Times New Roman"
EAST_ASIAN_FONT = "SimSun"
# Language tags Word uses to pick proofing and fonts, for each document language.
WORD_LANGUAGES = {
    "en": "en-GB",
    "fr": "fr-FR",
    "es": "es-ES",
    "ru": "ru-RU",
    "zh": "zh-CN",
    "ar": "ar-SA",
}
SPACE = re.compile(r"\s+")
# The order OOXML requires for the children of w:pPr.
PPR_ORDER = (
    "w:pStyle",
    "w:keepNext",
    "w:keepLines",
    "w:pageBreakBefore",
    "w:framePr",
    "w:widowControl",
    "w:numPr",
    "w:suppressLineNumbers",
    "w:pBdr",
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)

TITLE = "UN Title"
SYMBOL = "UN Symbol"
MASTHEAD = "UN Masthead"
HEADING = "UN Heading"
SUBHEADING = "UN Subheading"
PREAMBULAR = "UN Preambular"
OPERATIVE = "UN Operative"
TEXT = "UN Text"
SUBPARAGRAPH = "UN Subparagraph"
SUBPARAGRAPH_2 = "UN Subparagraph 2"

# Word numbering levels: format, text, indent of the text (the number hangs one UNIT left).
LEVELS = (("decimal", "%1."), ("lowerLetter", "(%2)"), ("lowerRoman", "(%3)"))
ROMAN = (
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
)


# Styles -----------------------------------------------------------------------------------


def _set_fonts(element: BaseOxmlElement, size: float | None = None) -> None:
    """Times New Roman for Latin, Arabic and Cyrillic, SimSun for Chinese."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attribute), FONT)
    fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)
    if size is not None:
        for tag in ("w:sz", "w:szCs"):
            found = rpr.find(qn(tag))
            if found is None:
                found = OxmlElement(tag)
                rpr.append(found)
            found.set(qn("w:val"), str(int(size * 2)))


def _set_language(element: BaseOxmlElement, language: str) -> None:
    rpr = element.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), WORD_LANGUAGES.get(language, "en-GB"))
    lang.set(qn("w:eastAsia"), "zh-CN")
    lang.set(qn("w:bidi"), "ar-SA")


def _add_style(document: WordDocument, name: str, **settings: Any) -> ParagraphStyle:
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    style.quick_style = True
    fmt = style.paragraph_format
    if "left" in settings:
        fmt.left_indent = settings["left"]
    if "first_line" in settings:
        fmt.first_line_indent = settings["first_line"]
    if "right" in settings:
        fmt.right_indent = settings["right"]
    if settings.get("tab"):
        fmt.tab_stops.add_tab_stop(settings["tab"], WD_TAB_ALIGNMENT.LEFT)
    fmt.alignment = settings.get("alignment", WD_ALIGN_PARAGRAPH.JUSTIFY)
    if "before" in settings:
        fmt.space_before = settings["before"]
    if "after" in settings:
        fmt.space_after = settings["after"]
    fmt.keep_with_next = settings.get("keep_with_next", False)
    font = style.font
    font.bold = settings.get("bold")
    if "size" in settings:
        font.size = settings["size"]
    if "outline" in settings:
        outline = OxmlElement("w:outlineLvl")
        outline.set(qn("w:val"), str(settings["outline"]))
        style.element.get_or_add_pPr().insert_element_before(outline, *_after("w:outlineLvl"))
    return style


def _define_styles(document: WordDocument, language: str) -> None:
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10)
    _set_fonts(normal.element, 10)
    _set_language(normal.element, language)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.widow_control = True
    left = WD_ALIGN_PARAGRAPH.LEFT
    right = WD_ALIGN_PARAGRAPH.RIGHT
    border = _add_style(
        document, SYMBOL, alignment=right, bold=True, size=Pt(17), after=Pt(3), before=Pt(0)
    )
    _bottom_border(border.element.get_or_add_pPr(), size=16)
    _add_style(document, MASTHEAD, alignment=right, after=Pt(1))
    _add_style(
        document,
        TITLE,
        alignment=left,
        bold=True,
        size=Pt(13),
        before=Pt(30),
        after=Pt(18),
        right=UNIT,
        keep_with_next=True,
    )
    heading = {"left": UNIT, "first_line": -UNIT, "tab": UNIT, "alignment": left}
    _add_style(
        document,
        HEADING,
        bold=True,
        size=Pt(11),
        before=Pt(14),
        after=Pt(8),
        keep_with_next=True,
        outline=0,
        **heading,
    )
    _add_style(
        document,
        SUBHEADING,
        bold=True,
        before=Pt(10),
        after=Pt(6),
        keep_with_next=True,
        outline=1,
        **heading,
    )
    _add_style(document, TEXT, first_line=UNIT)
    _add_style(document, PREAMBULAR, first_line=UNIT)
    _add_style(document, OPERATIVE, left=UNIT, first_line=-UNIT, tab=UNIT)
    _add_style(document, SUBPARAGRAPH, left=UNIT * 2, first_line=-UNIT, tab=UNIT * 2)
    _add_style(document, SUBPARAGRAPH_2, left=UNIT * 3, first_line=-UNIT, tab=UNIT * 3)


def _bottom_border(ppr: BaseOxmlElement, size: int) -> None:
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for attribute, value in (
        ("w:val", "single"),
        ("w:sz", str(size)),
        ("w:space", "1"),
        ("w:color", "000000"),
    ):
        bottom.set(qn(attribute), value)
    borders.append(bottom)
    ppr.insert_element_before(borders, *_after("w:pBdr"))


def _after(tag: str) -> tuple[str, ...]:
    """The pPr children that must follow `tag` (OOXML fixes their order)."""
    return PPR_ORDER[PPR_ORDER.index(tag) + 1 :]


# Numbering --------------------------------------------------------------------------------


def _letters(index: int) -> str:
    """a..z, then aa, bb...: how the UN and Word's lowerLetter go on after (z)."""
    return "abcdefghijklmnopqrstuvwxyz"[index % 26] * (index // 26 + 1)


def _roman(number: int) -> str:
    digits = []
    for value, letters in ROMAN:
        while number >= value:
            digits.append(letters)
            number -= value
    return "".join(digits)


def _counts_as_word_would(node: Node) -> bool:
    for index, child in enumerate(node.children):
        counted = _letters(index) if child.level == 1 else _roman(index + 1)
        if child.label.strip() != f"({counted})" or not _counts_as_word_would(child):
            return False
    return True


def numbering_start(nodes: Sequence[Node]) -> int | None:
    """The number Word numbering would start at to print exactly the stored labels, or
    None when they are not a plain count (then the labels are written as text)."""
    start: int | None = None
    expected = 0
    for node in nodes:
        if node.kind != ParagraphKind.OPERATIVE:
            continue
        label = node.label.strip()
        if not label.isdigit():
            return None
        if start is None:
            start = expected = int(label)
        if int(label) != expected or not _counts_as_word_would(node):
            return None
        expected += 1
    return start


def _add_numbering(document: WordDocument, start: int) -> int:
    """One multilevel numbering definition (1. / (a) / (i)); returns its numId."""
    numbering = document.part.numbering_part.element
    ids = [int(value) for value in numbering.xpath("./w:abstractNum/@w:abstractNumId")]
    abstract_id = max(ids, default=-1) + 1
    abstract = OxmlElement("w:abstractNum")
    abstract.set(qn("w:abstractNumId"), str(abstract_id))
    kind = OxmlElement("w:multiLevelType")
    kind.set(qn("w:val"), "multilevel")
    abstract.append(kind)
    for level, (number_format, text) in enumerate(LEVELS):
        abstract.append(_level(level, number_format, text, start if level == 0 else 1))
    existing = numbering.find(qn("w:num"))
    if existing is not None:
        existing.addprevious(abstract)
    else:
        numbering.append(abstract)
    return numbering.add_num(abstract_id).numId


def _level(level: int, number_format: str, text: str, start: int) -> BaseOxmlElement:
    element = OxmlElement("w:lvl")
    element.set(qn("w:ilvl"), str(level))
    for tag, value in (
        ("w:start", str(start)),
        ("w:numFmt", number_format),
        ("w:lvlText", text),
        ("w:lvlJc", "left"),
    ):
        child = OxmlElement(tag)
        child.set(qn("w:val"), value)
        element.append(child)
    ppr = OxmlElement("w:pPr")
    tabs = OxmlElement("w:tabs")
    tab = OxmlElement("w:tab")
    indent = str(int(UNIT.twips * (level + 1)))
    tab.set(qn("w:val"), "num")
    tab.set(qn("w:pos"), indent)
    tabs.append(tab)
    ppr.append(tabs)
    ind = OxmlElement("w:ind")
    ind.set(qn("w:left"), indent)
    ind.set(qn("w:hanging"), str(int(UNIT.twips)))
    ppr.append(ind)
    element.append(ppr)
    rpr = OxmlElement("w:rPr")
    for tag in ("w:b", "w:i"):
        off = OxmlElement(tag)
        off.set(qn("w:val"), "0")
        rpr.append(off)
    element.append(rpr)
    return element


def _number(paragraph: WordParagraph, num_id: int, level: int) -> None:
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = level
    num_pr.get_or_add_numId().val = num_id


# Text -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Look:
    """The character formatting a piece of text inherits from the HTML around it."""

    italic: bool = False
    bold: bool = False
    underline: bool = False
    strike: bool = False
    superscript: bool = False
    subscript: bool = False


TAG_LOOKS = {
    "em": {"italic": True},
    "i": {"italic": True},
    "strong": {"bold": True},
    "b": {"bold": True},
    "u": {"underline": True},
    "ins": {"underline": True},
    "del": {"strike": True},
    "s": {"strike": True},
    "sup": {"superscript": True},
    "sub": {"subscript": True},
}


class Runs:
    """Adds the text of HTML to a Word paragraph as runs, whitespace collapsed as a browser
    would (a soft line break in Markdown is a space, not a new line)."""

    def __init__(self, paragraph: WordParagraph, rtl: bool) -> None:
        self.paragraph = paragraph
        self.rtl = rtl
        self.started = False

    def text(self, text: str | None, look: Look) -> None:
        if not text:
            return
        text = SPACE.sub(" ", text)
        if not self.started:
            text = text.lstrip()
            if not text:
                return
        self.started = True
        run = self.paragraph.add_run(text)
        font = run.font
        font.italic = look.italic or None
        font.bold = look.bold or None
        font.underline = look.underline or None
        font.strike = look.strike or None
        font.superscript = look.superscript or None
        font.subscript = look.subscript or None
        if self.rtl:
            font.rtl = True

    def element(self, element: lxml.html.HtmlElement, look: Look) -> None:
        self.text(element.text, look)
        for child in element:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag == "br":
                self.paragraph.add_run().add_break()
            elif tag:
                self.element(child, replace(look, **TAG_LOOKS.get(tag, {})))
            self.text(child.tail, look)


def _blocks(tree: lxml.html.HtmlElement) -> list[tuple[lxml.html.HtmlElement, str]]:
    """The blocks of a body with the bullet a list item shows ("" for paragraphs)."""
    blocks: list[tuple[lxml.html.HtmlElement, str]] = []
    for child in tree:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in ("ul", "ol"):
            for index, item in enumerate(child.iterfind("li"), start=1):
                blocks.append((item, "•" if tag == "ul" else f"{index}."))
        elif tag == "blockquote":
            blocks.extend(_blocks(child))
        elif tag and tag != "hr":
            blocks.append((child, ""))
    return blocks


def _set_bidi(paragraph: WordParagraph) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    ppr.insert_element_before(OxmlElement("w:bidi"), *_after("w:bidi"))


class Builder:
    """Writes one version into a new Word document."""

    def __init__(self, head: Masthead, nodes: list[Node], progress: Progress | None) -> None:
        self.head = head
        self.nodes = nodes
        self.progress = progress
        self.document = Document()
        self.num_id: int | None = None

    def build(self) -> bytes:
        document = self.document
        self._page_setup()
        _define_styles(document, self.head.language)
        start = numbering_start(self.nodes)
        if start is not None:
            self.num_id = _add_numbering(document, start)
        self._title_block()
        for node in self.nodes:
            self._node(node)
            if self.progress:
                self.progress(node.size)
        self._properties()
        output = io.BytesIO()
        document.save(output)
        return output.getvalue()

    def _page_setup(self) -> None:
        section = self.document.sections[0]
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.top_margin, section.bottom_margin = Cm(2.4), Cm(2.2)
        section.left_margin = section.right_margin = Cm(2.2)
        section.header_distance = section.footer_distance = UNIT
        section.different_first_page_header_footer = True
        self.document.settings.odd_and_even_pages_header_footer = True
        with force_locale(self.head.language):
            words = _("Page %(page)s of %(pages)s", page="\x00PAGE\x00", pages="\x00NUMPAGES\x00")
        for header, alignment in (
            (section.header, WD_ALIGN_PARAGRAPH.RIGHT),
            (section.even_page_header, WD_ALIGN_PARAGRAPH.LEFT),
        ):
            paragraph = header.paragraphs[0]
            paragraph.alignment = alignment
            paragraph.add_run(self.head.running_head).bold = True
            _bottom_border(paragraph._p.get_or_add_pPr(), size=4)
        for footer in (section.footer, section.even_page_footer, section.first_page_footer):
            paragraph = footer.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            for index, part in enumerate(words.split("\x00")):
                if index % 2:
                    _field(paragraph, part)
                elif part:
                    paragraph.add_run(part)

    def _title_block(self) -> None:
        head = self.head
        document = self.document
        document.add_paragraph(head.symbol, style=SYMBOL)
        document.add_paragraph(style=MASTHEAD).add_run(head.label).bold = True
        if head.date:
            document.add_paragraph(head.date_text, style=MASTHEAD)
        document.add_paragraph(head.title, style=TITLE)

    def _style(self, node: Node) -> str:
        if node.kind == ParagraphKind.HEADING:
            return HEADING if node.heading_level == 1 else SUBHEADING
        if node.level == 1:
            return SUBPARAGRAPH
        if node.level == 2:
            return SUBPARAGRAPH_2
        if node.kind == ParagraphKind.OPERATIVE:
            return OPERATIVE
        return PREAMBULAR if node.kind == ParagraphKind.PREAMBULAR else TEXT

    def _numbered(self, node: Node, operative: bool) -> bool:
        """Whether Word numbering prints this paragraph's number."""
        return self.num_id is not None and operative and bool(node.label)

    def _node(self, node: Node, operative: bool = False) -> None:
        operative = operative or (node.level == 0 and node.kind == ParagraphKind.OPERATIVE)
        tree = body_tree(node)
        rtl = direction_of(plain(tree), self.head.direction) == "rtl"
        style = self._style(node)
        label = printed_label(node.label)
        numbered = self._numbered(node, operative) and node.kind != ParagraphKind.HEADING
        blocks = _blocks(tree) or [(lxml.html.Element("p"), "")]
        for index, (block, bullet) in enumerate(blocks):
            paragraph = self.document.add_paragraph(style=style)
            fmt = paragraph.paragraph_format
            if rtl:
                _set_bidi(paragraph)
            runs = Runs(paragraph, rtl)
            if index == 0 and numbered:
                assert self.num_id is not None
                _number(paragraph, self.num_id, node.level)
            elif index == 0 and label:
                paragraph.add_run(f"{label}\t")
                if style in (PREAMBULAR, TEXT):
                    fmt.left_indent, fmt.first_line_indent = UNIT, -UNIT
                    fmt.tab_stops.add_tab_stop(UNIT)
            elif style not in (PREAMBULAR, TEXT) and not (index == 0 and numbered):
                fmt.first_line_indent = 0
            if bullet:
                paragraph.add_run(f"{bullet}\t")
            runs.started = bool(paragraph.runs)
            runs.element(block, Look())
        for child in node.children:
            self._node(child, operative)

    def _properties(self) -> None:
        head = self.head
        properties = self.document.core_properties
        properties.title = head.title
        properties.subject = head.label
        properties.identifier = head.symbol
        properties.keywords = head.symbol
        properties.language = WORD_LANGUAGES.get(head.language, head.language)
        properties.author = properties.last_modified_by = "consult"
        properties.comments = ""
        properties.created = properties.modified = utcnow().replace(tzinfo=None, microsecond=0)
        properties.revision = 1


def _field(paragraph: WordParagraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word computes when it lays out the pages."""
    for kind, text in (("begin", None), (None, f" {instruction} "), ("separate", None)):
        run = paragraph.add_run()
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        else:
            code = OxmlElement("w:instrText")
            code.set(qn("xml:space"), "preserve")
            code.text = text
            run._r.append(code)
    paragraph.add_run("1")
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(end)


def docx(
    version: Version,
    paragraphs: Sequence[Paragraph] | None = None,
    *,
    language: str = DEFAULT_LANGUAGE,
    progress: Progress | None = None,
) -> bytes:
    """The version as a .docx file."""
    head = masthead(version, language)
    nodes = read(load(version, paragraphs))
    return Builder(head, nodes, progress).build()
