"""The Word file, opened with python-docx: named styles, real numbering when the labels are a
plain count (literal labels otherwise), page fields, italic openings, other scripts."""

from __future__ import annotations

import io

import docx
import pytest
from docx.oxml.ns import qn

from consult.drafts.importer import ParsedParagraph
from consult.exports import docx as word
from consult.exports.text import read
from tests.exports.test_text import (
    ARABIC,
    CHINESE,
    CHINESE_ITEM,
    FROM_FIVE,
    MULTILINGUAL,
    RUSSIAN,
    SKIPPING,
    UNEMPHASISED,
    with_symbol,
)


def open_docx(version, **options) -> docx.document.Document:
    return docx.Document(io.BytesIO(word.docx(version, **options)))


def body(document) -> list:
    """The paragraphs after the title block (symbol, label, date, title)."""
    paragraphs = document.paragraphs
    title = next(i for i, p in enumerate(paragraphs) if p.style.name == word.TITLE)
    return paragraphs[title + 1 :]


def numbering(paragraph) -> tuple[int, int] | None:
    num_pr = paragraph._p.pPr.numPr if paragraph._p.pPr is not None else None
    if num_pr is None:
        return None
    return num_pr.numId.val, num_pr.ilvl.val


def abstract_levels(document, num_id: int) -> list[tuple[str, str, str]]:
    numbering_xml = document.part.numbering_part.element
    abstract_id = numbering_xml.num_having_numId(num_id).abstractNumId.val
    abstract = numbering_xml.xpath(f"./w:abstractNum[@w:abstractNumId='{abstract_id}']")[0]
    return [
        tuple(level.find(qn(tag)).get(qn("w:val")) for tag in ("w:start", "w:numFmt", "w:lvlText"))
        for level in abstract.findall(qn("w:lvl"))
    ]


def test_docx_uses_named_styles_for_every_paragraph(version):
    with_symbol(version)
    document = open_docx(version)
    head = [(p.style.name, p.text) for p in document.paragraphs[:4]]
    assert head[0] == (word.SYMBOL, "A/80/L.1")
    assert head[1] == (word.MASTHEAD, "Zero draft")
    assert head[2][0] == word.MASTHEAD and head[2][1].endswith(str(version.published_at.year))
    assert head[3] == (word.TITLE, "WSIS+20 outcome document")
    assert [p.style.name for p in body(document)] == [
        word.TEXT,
        word.PREAMBULAR,
        word.HEADING,
        word.OPERATIVE,
        word.OPERATIVE,
        word.SUBPARAGRAPH,
        word.SUBPARAGRAPH,
        word.OPERATIVE,
    ]
    heading = body(document)[2]
    assert heading.text == "I.\tInformation and communications technologies for development"
    styles = document.styles
    assert styles[word.OPERATIVE].paragraph_format.left_indent == word.UNIT
    assert styles[word.OPERATIVE].paragraph_format.first_line_indent == -word.UNIT
    assert styles[word.HEADING].font.bold is True


def test_docx_numbers_operative_paragraphs_with_word_numbering(version):
    document = open_docx(version)
    paragraphs = body(document)
    numbered = [numbering(p) for p in paragraphs]
    num_id = numbered[3][0]
    assert numbered == [
        None,
        None,
        None,
        (num_id, 0),
        (num_id, 0),
        (num_id, 1),
        (num_id, 1),
        (num_id, 0),
    ]
    assert paragraphs[3].text.startswith("Reaffirms the vision of a people-centred")
    assert paragraphs[5].text == "To bridge digital divides, including the gender digital divide;"
    assert abstract_levels(document, num_id) == [
        ("1", "decimal", "%1."),
        ("1", "lowerLetter", "(%2)"),
        ("1", "lowerRoman", "(%3)"),
    ]


def test_docx_starts_word_numbering_where_the_draft_starts(create_version):
    document = open_docx(create_version(paragraphs=FROM_FIVE))
    num_id = numbering(body(document)[0])[0]
    assert abstract_levels(document, num_id)[0] == ("5", "decimal", "%1.")
    assert [numbering(p)[1] for p in body(document)] == [0, 0, 1, 1]


def test_docx_writes_labels_that_skip_as_text_with_a_hanging_indent(create_version):
    document = open_docx(create_version(paragraphs=SKIPPING))
    paragraphs = body(document)
    assert [numbering(p) for p in paragraphs] == [None] * 4
    assert [p.text.split("\t")[0] for p in paragraphs] == ["5.", "7.", "(a)", "(b)"]
    assert [p.style.name for p in paragraphs] == [
        word.OPERATIVE,
        word.OPERATIVE,
        word.SUBPARAGRAPH,
        word.SUBPARAGRAPH,
    ]
    assert document.styles[word.SUBPARAGRAPH].paragraph_format.left_indent == word.UNIT * 2
    assert document.styles[word.SUBPARAGRAPH].paragraph_format.first_line_indent == -word.UNIT


@pytest.mark.parametrize(
    ("labels", "start"),
    [
        (["1", "2", "(a)", "(b)", "3"], 1),
        (["5", "6"], 5),
        (["1", "3"], None),
        (["1", "1"], None),
        (["1", "2", "(b)"], None),
        (["1", "12 bis"], None),
        (["1", ""], None),
        ([], None),
    ],
)
def test_numbering_is_used_only_for_a_plain_count(labels, start):
    class Item:
        def __init__(self, index: int, label: str) -> None:
            self.id = index
            self.number_label = label
            self.kind = "operative"
            self.parent_id = None

    items, parent = [], None
    for index, label in enumerate(labels, start=1):
        item = Item(index, label)
        if label.startswith("("):
            item.parent_id = parent
        else:
            parent = index
        items.append(item)
    assert word.numbering_start(read(items)) == start


def test_docx_sets_opening_words_in_italic_runs(create_version):
    document = open_docx(create_version(paragraphs=UNEMPHASISED))
    italics = [
        "".join(run.text for run in paragraph.runs if run.italic) for paragraph in body(document)
    ]
    assert italics == [
        "Recalling",
        "Deeply concerned",
        "Calls upon",
        "Takes note with appreciation",
        "",
        "Decides",
        "",
    ]


def test_docx_has_page_numbers_and_the_symbol_in_header_and_footer(version):
    with_symbol(version)
    document = open_docx(version)
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert section.different_first_page_header_footer
    for footer in (section.footer, section.first_page_footer, section.even_page_footer):
        instructions = [node.text.strip() for node in footer._element.iter(qn("w:instrText"))]
        assert instructions == ["PAGE", "NUMPAGES"]
        assert footer.paragraphs[0].text.startswith("Page ")
    assert section.header.paragraphs[0].text == "A/80/L.1"
    assert section.even_page_header.paragraphs[0].text == "A/80/L.1"
    assert section.first_page_header.paragraphs[0].text == ""


def test_docx_core_properties_name_the_document(version):
    with_symbol(version)
    properties = open_docx(version).core_properties
    assert properties.title == "WSIS+20 outcome document"
    assert properties.subject == "Zero draft"
    assert properties.identifier == "A/80/L.1"
    assert properties.language == "en-GB"
    assert properties.author == "consult"


def test_docx_keeps_arabic_chinese_and_russian(create_version):
    document = open_docx(
        create_version(slug="multilingual", paragraphs=MULTILINGUAL), language="ar"
    )
    texts = [p.text for p in document.paragraphs]
    everything = "\n".join(texts)
    for words in (ARABIC, CHINESE, CHINESE_ITEM, RUSSIAN):
        assert words in everything
    arabic = next(p for p in document.paragraphs if ARABIC in p.text)
    assert arabic._p.pPr.find(qn("w:bidi")) is not None
    assert all(run.font.rtl for run in arabic.runs)
    russian = next(p for p in document.paragraphs if RUSSIAN in p.text)
    assert [run.text for run in russian.runs if run.italic] == ["Ссылаясь"]
    assert document.core_properties.language == "ar-SA"
    lang = document.styles["Normal"].element.rPr.find(qn("w:lang"))
    assert lang.get(qn("w:val")) == "ar-SA"


def test_docx_keeps_emphasis_links_and_lists_as_text(create_version):
    paragraphs = [
        ParsedParagraph(
            "operative",
            "*Welcomes* the **report** of the [Forum](https://example.org),\nwith thanks;",
            "1",
        ),
        ParsedParagraph(
            "operative", "*Lists* actions:\n\n- connect schools\n- train teachers", "2"
        ),
    ]
    document = open_docx(create_version(paragraphs=paragraphs))
    first, *rest = body(document)
    assert first.text == "Welcomes the report of the Forum, with thanks;"
    assert [run.text for run in first.runs if run.bold] == ["report"]
    assert [p.text for p in rest] == ["Lists actions:", "•\tconnect schools", "•\ttrain teachers"]
    assert [numbering(p) is not None for p in rest] == [True, False, False]
