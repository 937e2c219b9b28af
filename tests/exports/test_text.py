"""Markdown, print-ready HTML and PDF of a version, read back with the tools that read them:
the importer, lxml.html, pdftotext. The texts defined here serve the other export tests."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata

import lxml.html
import pytest

from consult.drafts.importer import ParsedParagraph, parse_document
from consult.drafts.models import Version
from consult.exports import text
from consult.extensions import db
from tests.conftest import SAMPLE, require

ARABIC = "تؤكد من جديد رؤيتها لمجتمع معلومات جامع يضع الناس في صميم اهتمامه"
CHINESE = "重申建设以人为本、具有包容性和面向发展的信息社会的愿景"
CHINESE_ITEM = "弥合数字鸿沟，包括性别数字鸿沟"
RUSSIAN = "на свою резолюцию 70/125 от 16 декабря 2015 года"

MULTILINGUAL = [
    ParsedParagraph("text", "The General Assembly,"),
    ParsedParagraph("preambular", f"*Ссылаясь* {RUSSIAN},"),
    ParsedParagraph("heading", "Information and communications technologies", "I"),
    ParsedParagraph("operative", ARABIC + "؛", "1"),
    ParsedParagraph("operative", CHINESE + "：", "2"),
    ParsedParagraph("operative", CHINESE_ITEM + "；", "(a)", 1),
    ParsedParagraph("operative", "*Decides* to remain seized of the matter.", "3"),
]

# Numbers as an imported draft can have them: from 5, with a gap.
SKIPPING = [
    ParsedParagraph("operative", "*Requests* the Secretary-General to report;", "5"),
    ParsedParagraph("operative", "*Invites* all stakeholders:", "7"),
    ParsedParagraph("operative", "To contribute;", "(a)", 1),
    ParsedParagraph("operative", "To report;", "(b)", 1),
]

# Consecutive, but from 5.
FROM_FIVE = [
    ParsedParagraph("operative", "*Requests* the Secretary-General to report;", "5"),
    ParsedParagraph("operative", "*Invites* all stakeholders:", "6"),
    ParsedParagraph("operative", "To contribute;", "(a)", 1),
    ParsedParagraph("operative", "To report;", "(b)", 1),
]

# Paragraphs whose Markdown does not set the opening words in italics.
UNEMPHASISED = [
    ParsedParagraph("preambular", "Recalling its resolution 70/125,"),
    ParsedParagraph("preambular", "Deeply concerned by the digital divides,"),
    ParsedParagraph("operative", "Calls upon all stakeholders to act;", "1"),
    ParsedParagraph("operative", "Takes note with appreciation of the report;", "2"),
    ParsedParagraph("operative", "The Forum will meet annually;", "3"),
    ParsedParagraph("operative", "Decides that:", "4"),
    ParsedParagraph("operative", "Member States shall report;", "(a)", 1),
]


def export(render, version: Version, **options) -> bytes:
    """The whole file, whether the format streams chunks or returns bytes."""
    output = render(version, **options)
    return output if isinstance(output, bytes) else b"".join(output)


def squeeze(value: str) -> str:
    """Text without spaces and in canonical forms, to compare what a PDF reader returns."""
    return "".join(unicodedata.normalize("NFKC", value).split())


def with_symbol(version: Version, symbol: str = "A/80/L.1") -> Version:
    version.document_symbol = symbol
    db.session.commit()
    return version


# The opening words -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "kind", "opening"),
    [
        ("Recalling its resolution,", "preambular", "Recalling"),
        ("Recalling also its resolution,", "preambular", "Recalling also"),
        ("Deeply concerned by the divides,", "preambular", "Deeply concerned"),
        ("Bearing in mind the Charter,", "preambular", "Bearing in mind"),
        ("Noting with deep concern that,", "preambular", "Noting with deep concern"),
        ("Taking into account the report,", "preambular", "Taking into account"),
        ("Welcoming, in this regard, the report,", "preambular", "Welcoming"),
        ("Ссылаясь на резолюцию,", "preambular", "Ссылаясь"),
        ("Calls upon all States to act;", "operative", "Calls upon"),
        ("Further requests the Secretary-General;", "operative", "Further requests"),
        (
            "Takes note with appreciation of the report;",
            "operative",
            "Takes note with appreciation",
        ),
        ("Reaffirm our commitment;", "operative", "Reaffirm"),
        ("Decides to hold a meeting;", "operative", "Decides"),
        ("The Forum will meet;", "operative", ""),
        ("Member States should act;", "operative", ""),
        (ARABIC, "preambular", ""),
        (CHINESE, "operative", ""),
    ],
)
def test_opening_words_in_italics_follow_un_style(words, kind, opening):
    assert words[: text.opening_length(words, kind)] == opening


# Markdown -----------------------------------------------------------------------------------


def test_markdown_has_the_title_block_and_every_paragraph(version):
    with_symbol(version)
    output = export(text.markdown, version).decode("utf-8")
    assert output.startswith("# WSIS+20 outcome document\n\nA/80/L.1\n\n")
    assert "<!-- Zero draft -->" in output
    assert text.masthead(version).date_text in output
    assert "## I. Information and communications technologies for development" in output
    assert "\n1. *Reaffirms* the vision" in output
    assert "\n(a) To bridge digital divides" in output
    assert "\nThe General Assembly,\n" in output


def test_markdown_reads_back_as_the_same_paragraphs(version):
    document = parse_document(export(text.markdown, version), "export.md", None)
    assert document.title == "WSIS+20 outcome document"
    assert [(p.kind, p.number_label, p.body, p.level) for p in document.paragraphs] == [
        (p.kind, p.number_label, p.body, p.level) for p in SAMPLE
    ]


def test_markdown_keeps_arabic_chinese_and_russian(multilingual_version):
    output = export(text.markdown, multilingual_version).decode("utf-8")
    assert f"1. {ARABIC}؛" in output
    assert f"2. {CHINESE}：" in output
    assert f"(a) {CHINESE_ITEM}；" in output
    assert f"*Ссылаясь* {RUSSIAN}," in output
    document = parse_document(output.encode("utf-8"), "export.md", None)
    assert [p.body for p in document.paragraphs] == [p.body for p in MULTILINGUAL]


def test_markdown_streams_in_chunks_with_progress(create_version):
    many = [
        ParsedParagraph("operative", f"*Decides* {'long words ' * 40}{n};", str(n))
        for n in range(1, 301)
    ]
    version = create_version(paragraphs=many)
    counted: list[int] = []
    chunks = list(text.markdown(version, progress=counted.append))
    assert len(chunks) > 1
    assert sum(counted) == 300
    assert b"".join(chunks).decode("utf-8").count("*Decides*") == 300


# HTML ---------------------------------------------------------------------------------------


def test_html_is_a_standalone_print_ready_document(version):
    with_symbol(version)
    page = lxml.html.fromstring(export(text.html, version))
    assert page.get("lang") == "en"
    assert page.get("dir") == "ltr"
    assert page.findtext(".//title") == "A/80/L.1 — WSIS+20 outcome document — Zero draft"
    assert page.xpath("//link[@rel='stylesheet'] | //script") == []
    style = page.findtext(".//style")
    assert "size: A4" in style
    assert 'content: "A/80/L.1"' in style
    assert 'content: "Page " counter(page) " of " counter(pages)' in style
    assert "Liberation Serif" in style and "Noto Serif CJK SC" in style
    assert page.xpath("string(//*[@class='masthead__symbol'])") == "A/80/L.1"
    assert page.xpath("string(//*[@class='masthead__label'])") == "Zero draft"
    assert page.xpath("string(//time/@datetime)") == version.published_at.date().isoformat()
    assert page.xpath("string(//h1)") == "WSIS+20 outcome document"


def test_html_numbers_paragraphs_and_italicises_openings(version):
    page = lxml.html.fromstring(export(text.html, version))
    numbers = [span.text for span in page.xpath("//main//span[@class='num']")]
    assert numbers == ["I.", "1.", "2.", "(a)", "(b)", "3."]
    heading = page.xpath("//h2[contains(@class, 'heading')]")[0]
    assert heading.text_content() == "I.Information and communications technologies for development"
    preambular = page.xpath("//div[contains(@class, 'para--preambular')]")[0]
    assert preambular.xpath("string(.//em)") == "Recalling"
    assert "level-0" in preambular.get("class")
    sub = page.xpath("//div[contains(@class, 'level-1')]")
    assert [div.xpath("string(.//span[@class='num'])") for div in sub] == ["(a)", "(b)"]
    assert all("numbered" in div.get("class") for div in sub)


def test_html_sets_unemphasised_openings_in_italics(create_version):
    version = create_version(paragraphs=UNEMPHASISED)
    page = lxml.html.fromstring(export(text.html, version))
    openings = {
        div.xpath("string(.//p)")[:20]: div.xpath("string(.//em[@class='opening'])")
        for div in page.xpath("//div[contains(@class, 'para')]")
    }
    assert list(openings.values()) == [
        "Recalling",
        "Deeply concerned",
        "Calls upon",
        "Takes note with appreciation",
        "",
        "Decides",
        "",
    ]


def test_html_in_arabic_runs_right_to_left(multilingual_version):
    page = lxml.html.fromstring(export(text.html, multilingual_version, language="ar"))
    assert (page.get("lang"), page.get("dir")) == ("ar", "rtl")
    english = page.xpath("//div[contains(@class, 'para')][last()]")[0]
    assert english.get("dir") == "ltr"


def test_html_marks_the_direction_of_paragraphs_in_another_script(multilingual_version):
    page = lxml.html.fromstring(export(text.html, multilingual_version))
    paragraphs = page.xpath("//div[contains(@class, 'para')]")
    directions = {div.xpath("string(.)")[:12]: div.get("dir") for div in paragraphs}
    assert [value for key, value in directions.items() if ARABIC[:5] in key] == ["rtl"]
    assert all(div.get("dir") is None for div in paragraphs if ARABIC[:5] not in div.text_content())
    body = page.xpath("string(//main)")
    for words in (ARABIC, CHINESE, CHINESE_ITEM, RUSSIAN):
        assert words in body


def test_html_cannot_be_broken_by_a_symbol(version):
    with_symbol(version, 'A/80/"</style><script>x</script>')
    page = lxml.html.fromstring(export(text.html, version))
    assert page.xpath("//script") == []
    assert "</style>" not in page.findtext(".//style")


def test_page_words_are_translatable_css():
    assert text.css_string('a"b\\c</style>') == '"a\\22 b\\5c c\\3c /style\\3e "'


# PDF ----------------------------------------------------------------------------------------


@pytest.fixture
def multilingual_version(create_version) -> Version:
    version = create_version(slug="multilingual", paragraphs=MULTILINGUAL)
    return with_symbol(version, "A/80/L.99")


def test_pdf_keeps_every_paragraph_and_script(multilingual_version, tmp_path):
    output = text.pdf(multilingual_version)
    assert output.startswith(b"%PDF-")
    require(
        shutil.which("pdftotext") is not None, "pdftotext (Debian poppler-utils) is not installed"
    )
    (tmp_path / "text.pdf").write_bytes(output)
    extracted = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(tmp_path / "text.pdf"), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    words = squeeze(extracted)
    for expected in (
        "A/80/L.99",
        "Zero draft",
        "WSIS+20 outcome document",
        "The General Assembly,",
        "Ссылаясь",
        RUSSIAN,
        CHINESE,
        CHINESE_ITEM,
        "(a)",
        "3.",
        "Decides to remain seized",
        "Page 1 of 1",
    ):
        assert squeeze(expected) in words, expected
    arabic_words = [word for word in ARABIC.split() if len(word) > 3]
    assert all(squeeze(word) in words or squeeze(word[::-1]) in words for word in arabic_words)
