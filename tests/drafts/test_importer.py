"""The importer turns text, Markdown and Akoma Ntoso into paragraphs with kind and level.

Plain functions on bytes: no application is needed. The shared data files live outside the
project (../shared/data); without them these tests skip, unless CONSULT_REQUIRE_ALL=1.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from pathlib import Path

import pytest

from consult.drafts.importer import (
    PARAGRAPH_MAX_LENGTH,
    ImportFailed,
    ParsedDocument,
    ParsedParagraph,
    parse_document,
)
from consult.errors import Invalid

SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


def shared_file(relative: str) -> Path:
    """A file of ../shared/data; skip when it is absent, fail instead under CI."""
    path = SHARED_DATA / relative
    if not path.is_file():
        reason = f"shared test data {path} is not there (a fresh clone has no ../shared/data)"
        if os.environ.get("CONSULT_REQUIRE_ALL") == "1":
            pytest.fail(f"{reason}; CONSULT_REQUIRE_ALL=1 forbids skipping")
        pytest.skip(reason)
    return path


def text(source: str, filename: str = "draft.txt", **options: str) -> ParsedDocument:
    return parse_document(source.encode("utf-8"), filename, **options)


def markdown(source: str) -> ParsedDocument:
    return parse_document(source.encode("utf-8"), "draft.md")


def akn(body: str, **options: str) -> ParsedDocument:
    """An AKN statement around the given XML (preface, preamble, mainBody…)."""
    xml = (
        '<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0">'
        f'<statement name="resolution">{body}</statement></akomaNtoso>'
    )
    return parse_document(xml.encode(), "draft.xml", **options)


def rows(document: ParsedDocument) -> list[tuple[str, str, int, str]]:
    return [(p.kind, p.number_label, p.level, p.body) for p in document.paragraphs]


def failure(data: bytes, filename: str = "draft.txt", **options: str) -> str:
    with pytest.raises(ImportFailed) as caught:
        parse_document(data, filename, **options)
    return caught.value.message


# Plain text: paragraphs and their labels -----------------------------------------------------


def test_numbered_paragraphs_are_operative_with_the_label_as_printed():
    document = text("1. Decides to act;\n\n12. Requests a report;\n\n13) Invites all.\n")
    assert rows(document) == [
        ("operative", "1", 0, "Decides to act;"),
        ("operative", "12", 0, "Requests a report;"),
        ("operative", "13", 0, "Invites all."),
    ]


def test_wrapped_lines_are_joined_and_whitespace_collapsed():
    document = text(
        "Recalling its resolution 70/125 of 16 December 2015 on the outcome of the\n"
        "high-level   meeting,\n"
        "\n"
        "1. Decides to hold a meeting on the\n"
        "review\tin 2035;\n"
    )
    assert rows(document) == [
        ("preambular", "", 0,
         "Recalling its resolution 70/125 of 16 December 2015 on the outcome of the "
         "high-level meeting,"),
        ("operative", "1", 0, "Decides to hold a meeting on the review in 2035;"),
    ]


def test_paragraphs_may_start_on_a_new_line_without_a_blank_line():
    document = text(
        "The General Assembly,\n"
        "Recalling its resolution 70/125,\n"
        "Noting the report of the Secretary-General on the implementation of the outcomes\n"
        "of the Summit,\n"
        "1. Decides to act;\n"
        "2. Requests a report:\n"
        "(a) On progress;\n"
        "(b) On gaps.\n"
    )
    assert rows(document) == [
        ("text", "", 0, "The General Assembly,"),
        ("preambular", "", 0, "Recalling its resolution 70/125,"),
        ("preambular", "", 0,
         "Noting the report of the Secretary-General on the implementation of the outcomes "
         "of the Summit,"),
        ("operative", "1", 0, "Decides to act;"),
        ("operative", "2", 0, "Requests a report:"),
        ("operative", "(a)", 1, "On progress;"),
        ("operative", "(b)", 1, "On gaps."),
    ]


@pytest.mark.parametrize(
    "opening",
    [
        "Recalling", "Reaffirming", "Recognizing", "Noting", "Noting with concern",
        "Acknowledging", "Welcoming", "Emphasizing", "Stressing", "Bearing in mind",
        "Mindful", "Convinced", "Concerned", "Deeply concerned", "Aware", "Conscious",
        "Taking note", "Having considered", "Guided by", "Expressing", "Underlining",
        "Affirming", "Further recalling", "Also recognizing", "Encouraging", "*Recalling*",
        "_Recalling_", "RECALLING",
    ],
)
def test_preambular_openings(opening: str):
    document = text(f"The General Assembly,\n\n{opening} the outcome of the Summit,\n")
    assert [p.kind for p in document.paragraphs] == ["text", "preambular"]


def test_italics_with_underscores_become_asterisks():
    document = text("_Recalling_ its resolution __70/125__,\n")
    assert document.paragraphs[0].body == "*Recalling* its resolution **70/125**,"


@pytest.mark.parametrize(
    "formula",
    [
        "The General Assembly,",
        "*The General Assembly*,",
        "We, the Ministers and Heads of Delegation assembled in Geneva,",
        "The Plenipotentiary Conference of the International Telecommunication Union "
        "(Dubai, 2018),",
    ],
)
def test_enacting_formulas_are_text(formula: str):
    document = text(f"{formula}\n\nRecalling its resolution,\n\n1. Decides to act.\n")
    assert [p.kind for p in document.paragraphs] == ["text", "preambular", "operative"]


def test_section_headings_with_roman_numerals_and_capital_letters():
    document = text(
        "I. Information and communication technologies for development\n\n"
        "A. Digital divides\n\n"
        "1. Decides to act;\n\n"
        "II. Follow-up and review\n\n"
        "2. Requests a report.\n"
    )
    assert rows(document) == [
        ("heading", "I", 0, "Information and communication technologies for development"),
        ("heading", "A", 0, "Digital divides"),
        ("operative", "1", 0, "Decides to act;"),
        ("heading", "II", 0, "Follow-up and review"),
        ("operative", "2", 0, "Requests a report."),
    ]


def test_short_lines_followed_by_paragraphs_and_all_caps_lines_are_headings():
    document = text(
        "The General Assembly,\n"
        "PART ONE: COMMITMENTS\n"
        "Recalling its resolution,\n\n"
        "Digital divides\n"
        "1. Decides to act;\n\n"
        "Emerging technologies\n\n"
        "2. Requests a report.\n\n"
        "Closing remarks without punctuation\n"
    )
    assert rows(document) == [
        ("text", "", 0, "The General Assembly,"),
        ("heading", "", 0, "PART ONE: COMMITMENTS"),
        ("preambular", "", 0, "Recalling its resolution,"),
        ("heading", "", 0, "Digital divides"),
        ("operative", "1", 0, "Decides to act;"),
        ("heading", "", 0, "Emerging technologies"),
        ("operative", "2", 0, "Requests a report."),
        ("text", "", 0, "Closing remarks without punctuation"),
    ]


def test_lettered_subparagraphs_belong_to_the_paragraph_above_and_take_its_kind():
    document = text(
        "Recalling the following:\n"
        "(a) Its resolution 70/125;\n"
        "(b) Its resolution 75/1,\n\n"
        "1. Calls upon all stakeholders:\n"
        "a) to bridge digital divides;\n"
        "b) to strengthen the Forum.\n"
    )
    assert rows(document) == [
        ("preambular", "", 0, "Recalling the following:"),
        ("preambular", "(a)", 1, "Its resolution 70/125;"),
        ("preambular", "(b)", 1, "Its resolution 75/1,"),
        ("operative", "1", 0, "Calls upon all stakeholders:"),
        ("operative", "a)", 1, "to bridge digital divides;"),
        ("operative", "b)", 1, "to strengthen the Forum."),
    ]


def test_roman_numerals_inside_a_lettered_item_are_level_two():
    document = text(
        "1. Decides:\n"
        "(a) To review the Forum, by:\n"
        "(i) Extending its mandate;\n"
        "(ii) Improving its working methods;\n"
        "(iii) Reporting;\n"
        "(iv) Meeting yearly;\n"
        "(v) Publishing its results;\n"
        "(b) To report.\n"
    )
    assert [(p.number_label, p.level) for p in document.paragraphs] == [
        ("1", 0), ("(a)", 1), ("(i)", 2), ("(ii)", 2), ("(iii)", 2), ("(iv)", 2), ("(v)", 2),
        ("(b)", 1),
    ]


def test_i_after_h_is_the_letter_i():
    items = "".join(f"({letter}) Item {letter};\n" for letter in "abcdefghij")
    document = text(f"1. Decides:\n{items}")
    assert [(p.number_label, p.level) for p in document.paragraphs][8:] == [
        ("(h)", 1), ("(i)", 1), ("(j)", 1),
    ]


def test_roman_list_directly_under_a_paragraph_is_level_one():
    document = text("1. Requests:\ni) a report;\nii) a plan.\n")
    assert [(p.number_label, p.level) for p in document.paragraphs] == [
        ("1", 0), ("i)", 1), ("ii)", 1),
    ]


def test_itu_intro_lines_and_clause_headings():
    document = text(
        "The Plenipotentiary Conference of the International Telecommunication Union "
        "(Dubai, 2018),\n"
        "considering\n"
        "a) relevant resolutions of the United Nations General Assembly;\n"
        "b) the WSIS+10 statement,\n"
        "bearing in mind\n"
        "that WSIS acknowledged multistakeholder participation,\n"
        "resolves\n"
        "1 to hold WTPF back to back with the WSIS Forum;\n"
        "2 that WTPF shall be maintained,\n"
        "instructs the Secretary-General\n"
        "to make the necessary preparations,\n"
    )
    assert rows(document) == [
        ("text", "", 0,
         "The Plenipotentiary Conference of the International Telecommunication Union "
         "(Dubai, 2018),"),
        ("preambular", "", 0, "*considering*"),
        ("preambular", "a)", 1, "relevant resolutions of the United Nations General Assembly;"),
        ("preambular", "b)", 1, "the WSIS+10 statement,"),
        ("preambular", "", 0, "*bearing in mind*"),
        ("preambular", "", 1, "that WSIS acknowledged multistakeholder participation,"),
        ("heading", "", 0, "*resolves*"),
        ("operative", "1", 0, "to hold WTPF back to back with the WSIS Forum;"),
        ("operative", "2", 0, "that WTPF shall be maintained,"),
        ("heading", "", 0, "*instructs the Secretary-General*"),
        ("operative", "", 0, "to make the necessary preparations,"),
    ]


def test_capitalised_intro_line_before_lettered_items():
    document = text("Considering\na) the first point;\nb) the second point,\n")
    assert rows(document)[:2] == [
        ("preambular", "", 0, "*Considering*"),
        ("preambular", "a)", 1, "the first point;"),
    ]


def test_unnumbered_paragraphs_after_operative_ones():
    document = text(
        "1. Decides to act;\n\n"
        "Also requests the Secretary-General to report;\n\n"
        "Encourages Member States to contribute;\n\n"
        "This sentence was left by a drafter.\n"
    )
    assert [p.kind for p in document.paragraphs] == ["operative", "operative", "operative", "text"]
    assert document.warnings == [
        "line 7: unnumbered paragraph after operative paragraphs, kept as text"
    ]


def test_bullets_after_a_colon_are_subparagraphs():
    document = text(
        "1. Encourages Member States to:\n"
        "- invest in connectivity;\n"
        "* promote digital literacy;\n"
        "• protect human rights online;\n"
        "2. Decides to act.\n"
    )
    assert rows(document) == [
        ("operative", "1", 0, "Encourages Member States to:"),
        ("operative", "", 1, "invest in connectivity;"),
        ("operative", "", 1, "promote digital literacy;"),
        ("operative", "", 1, "protect human rights online;"),
        ("operative", "2", 0, "Decides to act."),
    ]


def test_bullets_without_a_colon_are_paragraphs_of_the_surrounding_kind():
    document = text(
        "Recalling its resolution 70/125,\n\n"
        "- its commitment to the Summit,\n"
        "- the role of all stakeholders,\n"
    )
    assert rows(document) == [
        ("preambular", "", 0, "Recalling its resolution 70/125,"),
        ("preambular", "", 0, "its commitment to the Summit,"),
        ("preambular", "", 0, "the role of all stakeholders,"),
    ]


def test_title_symbol_and_masthead_are_not_paragraphs():
    document = text(
        "United Nations\n"
        "A/80/L.12\n"
        "General Assembly\n"
        "Distr.: Limited\n"
        "7 November 2025\n"
        "\n"
        "Outcome document of the high-level meeting of the General Assembly on the overall\n"
        "review of the implementation of the outcomes of the World Summit\n"
        "\n"
        "The General Assembly,\n"
        "\n"
        "1. Decides to act.\n"
    )
    assert document.document_symbol == "A/80/L.12"
    assert document.title == (
        "Outcome document of the high-level meeting of the General Assembly on the overall "
        "review of the implementation of the outcomes of the World Summit"
    )
    assert [p.body for p in document.paragraphs] == ["The General Assembly,", "Decides to act."]
    assert len(document.warnings) == 4
    assert document.warnings[0] == "line 1: masthead line skipped: United Nations"


def test_adopted_resolution_layout_with_page_furniture():
    document = text(
        "A/RES/70/125\n"
        "Resolution adopted by the General Assembly on 16 December 2015\n"
        "\n"
        "70/125. Outcome document of the high-level meeting on the review of the\n"
        "World Summit on the Information Society\n"
        "\n"
        "The General Assembly,\n"
        "1. Decides to act, and\n"
        "- 2 -\n"
        "15-14444 (E)\n"
        "*1514444*\n"
        "A/RES/70/125\n"
        "2. Requests a report.\n"
    )
    assert document.document_symbol == "A/RES/70/125"
    assert document.title == (
        "Outcome document of the high-level meeting on the review of the World Summit on the "
        "Information Society"
    )
    assert rows(document) == [
        ("text", "", 0, "The General Assembly,"),
        ("operative", "1", 0, "Decides to act, and"),
        ("operative", "2", 0, "Requests a report."),
    ]


def test_resolution_symbols():
    for symbol in ("A/RES/70/125", "E/CN.16/2025/L.1", "A/C.2/80/L.5/Rev.1",
                   "WSIS+20/FORUM/2027/L.1"):
        assert text(f"{symbol}\n\n1. Decides.\n").document_symbol == symbol


def test_a_first_line_that_is_a_paragraph_is_not_the_title():
    document = text("Recalling its resolution,\n\n1. Decides.\n")
    assert document.title == ""
    assert len(document.paragraphs) == 2


# Markdown ------------------------------------------------------------------------------------


def test_markdown_headings_lists_and_emphasis():
    document = markdown(
        "# Zero draft: WSIS+20 outcome\n\n"
        "**A/80/L.1**\n\n"
        "_The General Assembly_,\n\n"
        "*Recalling* its resolution 70/125,\n\n"
        "## I. Digital divides\n\n"
        "1. _Decides_ to continue:\n"
        "   - investing in infrastructure;\n"
        "   - promoting skills;\n"
        "2. __Requests__ the Secretary-General to report;\n"
        "3\\. *Urges* Member States;\n\n"
        "### Follow-up\n\n"
        "**4.** *Decides* to remain seized of the matter.\n"
    )
    assert document.title == "Zero draft: WSIS+20 outcome"
    assert document.document_symbol == "A/80/L.1"
    assert rows(document) == [
        ("text", "", 0, "*The General Assembly*,"),
        ("preambular", "", 0, "*Recalling* its resolution 70/125,"),
        ("heading", "I", 0, "Digital divides"),
        ("operative", "1", 0, "*Decides* to continue:"),
        ("operative", "", 1, "investing in infrastructure;"),
        ("operative", "", 1, "promoting skills;"),
        ("operative", "2", 0, "**Requests** the Secretary-General to report;"),
        ("operative", "3", 0, "*Urges* Member States;"),
        ("heading", "", 0, "Follow-up"),
        ("operative", "4", 0, "*Decides* to remain seized of the matter."),
    ]


def test_markdown_heading_that_is_an_itu_intro():
    document = markdown("### *considering*\n\na) the first point;\n\n### *resolves*\n\n1. that\n")
    assert rows(document) == [
        ("preambular", "", 0, "*considering*"),
        ("preambular", "a)", 1, "the first point;"),
        ("heading", "", 0, "*resolves*"),
        ("operative", "1", 0, "that"),
    ]


def test_markdown_title_only_from_a_first_level_heading():
    document = markdown("Outcome document\n\n1. Decides.\n")
    assert document.title == ""
    assert rows(document)[0] == ("heading", "", 0, "Outcome document")


# Bytes and encodings -------------------------------------------------------------------------

SAMPLE = "The General Assembly,\r\n\r\nRecalling its résolution,\r\n\r\n1. Décides;\r\n"
SAMPLE_ROWS = [
    ("text", "", 0, "The General Assembly,"),
    ("preambular", "", 0, "Recalling its résolution,"),
    ("operative", "1", 0, "Décides;"),
]


@pytest.mark.parametrize(
    "data",
    [
        SAMPLE.encode("utf-8"),
        b"\xef\xbb\xbf" + SAMPLE.encode("utf-8"),
        SAMPLE.encode("utf-16"),
        b"\xff\xfe" + SAMPLE.encode("utf-16-le"),
        b"\xfe\xff" + SAMPLE.encode("utf-16-be"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16", "utf-16-le-bom", "utf-16-be-bom"],
)
def test_accepted_encodings(data: bytes):
    assert rows(parse_document(data, "draft.txt")) == SAMPLE_ROWS


def test_bad_byte_says_where():
    data = b"1. Decides;\n\n2. Requests;\n" + "3. Récidive\n".encode("latin-1")
    assert failure(data) == "line 4, column 5: byte 0xE9 is not UTF-8; save the file as UTF-8"


def test_column_counts_characters_not_bytes():
    data = "1. Décidé ".encode() + b"\xff"
    assert failure(data).startswith("line 1, column 11: byte 0xFF is not UTF-8")


def test_utf16_without_a_byte_order_mark_is_refused():
    message = failure(SAMPLE.encode("utf-16-le"))
    assert message.startswith("line 1, column 2: byte 0x00")
    assert "UTF-16" in message


@pytest.mark.parametrize("data", [b"", b"   \n\n\t\n", b"\xef\xbb\xbf"])
def test_empty_file(data: bytes):
    assert failure(data) == "The file is empty."


def test_file_without_paragraphs():
    message = failure(b"A/80/L.12\n")
    assert "No paragraphs" in message


def test_import_failed_is_an_invalid_error_on_the_file_field():
    with pytest.raises(Invalid) as caught:
        parse_document(b"", "draft.txt")
    assert isinstance(caught.value, ImportFailed)
    assert caught.value.field == "file"


# Choosing the format -------------------------------------------------------------------------

AKN_MINIMAL = (
    "<akomaNtoso><statement><mainBody><paragraph><num>1.</num><content>"
    "<p>Decides to act;</p></content></paragraph></mainBody></statement></akomaNtoso>"
)


@pytest.mark.parametrize(
    ("filename", "kind"),
    [("draft.xml", "operative"), ("draft.akn", "operative"), ("draft", "operative"),
     ("draft.bin", "operative")],
)
def test_xml_is_recognised_by_extension_or_content(filename: str, kind: str):
    document = parse_document(AKN_MINIMAL.encode(), filename)
    assert rows(document) == [(kind, "1", 0, "Decides to act;")]


def test_explicit_format_wins_over_the_extension():
    document = parse_document(b"# Title\n\n1. Decides.\n", "draft.txt", "markdown")
    assert document.title == "Title"
    assert rows(parse_document(AKN_MINIMAL.encode(), "draft.txt", "akn"))[0][1] == "1"


def test_unknown_format_is_refused():
    with pytest.raises(ImportFailed) as caught:
        parse_document(b"1. Decides.", "draft.txt", "docx")
    assert caught.value.field == "format"


def test_part_is_ignored_for_text_with_a_warning():
    document = text("1. Decides.\n", part="Resolution 140")
    assert len(document.paragraphs) == 1
    assert "ignored" in document.warnings[-1]


# Akoma Ntoso: safety and errors -------------------------------------------------------------


def test_malformed_xml_says_line_and_column():
    message = failure(b"<akomaNtoso>\n  <statement>\n  </statment>\n</akomaNtoso>", "d.xml")
    assert message.startswith("line 3, column 14: Opening and ending tag mismatch")


def test_not_xml_at_all():
    assert failure(b"plain words", "draft.xml").startswith("line 1, column 1:")


def test_billion_laughs_neither_expands_nor_hangs():
    entities = "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    data = (
        f'<?xml version="1.0"?><!DOCTYPE akomaNtoso [<!ENTITY lol0 "lol">{entities}]>'
        "<akomaNtoso><statement><mainBody><paragraph><num>1.</num><content>"
        "<p>Decides &lol9; now;</p></content></paragraph></mainBody></statement></akomaNtoso>"
    ).encode()
    started = time.perf_counter()
    try:
        document = parse_document(data, "bomb.xml")
    except ImportFailed as error:
        assert error.message.startswith("line ")
    else:
        assert all("lol" not in p.body for p in document.paragraphs)
        assert sum(len(p.body) for p in document.paragraphs) < 100
    assert time.perf_counter() - started < 1


def test_external_entities_are_not_resolved(tmp_path: Path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    data = (
        f'<?xml version="1.0"?><!DOCTYPE akomaNtoso [<!ENTITY ext SYSTEM "{secret.as_uri()}">]>'
        "<akomaNtoso><statement><mainBody><paragraph><num>1.</num><content>"
        "<p>Decides &ext; now;</p></content></paragraph></mainBody></statement></akomaNtoso>"
    ).encode()
    document = parse_document(data, "x.xml")
    assert rows(document) == [("operative", "1", 0, "Decides now;")]
    assert document.warnings == ["line 1: entity &ext; not expanded"]


# Akoma Ntoso: constructs --------------------------------------------------------------------


def test_akn_preface_preamble_and_inline_markup():
    document = akn(
        "<preface><longTitle><p><docNumber>A/80/L.7</docNumber> "
        "<docTitle>Internet governance</docTitle></p></longTitle></preface>"
        "<preamble><formula name='enactingFormula'><p>The General Assembly,</p></formula>"
        "<container name='pp'><p><i>Recalling</i> its <b>resolution</b>   70/125, "
        "which says 2*3 &lt;b&gt;,</p></container></preamble>"
        "<mainBody><paragraph><content><p><num>4.</num> <em>Decides</em> to act;</p>"
        "</content></paragraph></mainBody>"
    )
    assert document.title == "Internet governance"
    assert document.document_symbol == "A/80/L.7"
    assert rows(document) == [
        ("text", "", 0, "The General Assembly,"),
        ("preambular", "", 0,
         "*Recalling* its **resolution** 70/125, which says 2\\*3 &lt;b>,"),
        ("operative", "4", 0, "*Decides* to act;"),
    ]


def test_akn_recitals_with_intro_and_labels_in_the_text():
    document = akn(
        "<preamble><recitals><intro><p><i>considering</i></p></intro>"
        "<recital><p>a) relevant resolutions;</p></recital>"
        "<recital><num>b)</num><p>the statement,</p></recital></recitals>"
        "<recitals><intro><p>noting</p></intro><recital><p>that all agree,</p></recital>"
        "</recitals></preamble><mainBody><paragraph><num>1</num><content><p>that</p>"
        "</content></paragraph></mainBody>"
    )
    assert rows(document)[:5] == [
        ("preambular", "", 0, "*considering*"),
        ("preambular", "a)", 1, "relevant resolutions;"),
        ("preambular", "b)", 1, "the statement,"),
        ("preambular", "", 0, "*noting*"),
        ("preambular", "", 1, "that all agree,"),
    ]


def test_akn_sections_paragraphs_lists_and_nested_lists():
    document = akn(
        "<mainBody><section><num>I.</num><heading>Digital divides</heading>"
        "<paragraph><num>2.</num><intro><p><i>Calls upon</i> all:</p></intro>"
        "<list><point><num>(a)</num><content><p>To bridge;</p></content></point>"
        "<point><num>(b)</num><intro><p>To strengthen:</p></intro>"
        "<list><point><num>(i)</num><content><p>the Forum;</p></content></point></list>"
        "</point></list><wrapUp><p>and to report.</p></wrapUp></paragraph></section>"
        "<chapter><num>B</num><paragraph><num>3.</num><content><p>Decides.</p></content>"
        "<list><intro><p>as follows:</p></intro><point><num>a)</num><content><p>x</p>"
        "</content></point></list></paragraph></chapter></mainBody>"
    )
    assert rows(document) == [
        ("heading", "I", 0, "Digital divides"),
        ("operative", "2", 0, "*Calls upon* all:"),
        ("operative", "(a)", 1, "To bridge;"),
        ("operative", "(b)", 1, "To strengthen:"),
        ("operative", "(i)", 2, "the Forum;"),
        ("operative", "", 1, "and to report."),
        ("heading", "B", 0, "B"),
        ("operative", "3", 0, "Decides."),
        ("operative", "", 0, "as follows:"),
        ("operative", "a)", 1, "x"),
    ]


def test_akn_cross_headings_block_lists_and_conclusions():
    document = akn(
        "<mainBody><crossHeading>Follow-up</crossHeading>"
        "<crossHeading><i>Recognizing</i> the role of the Commission,</crossHeading>"
        "<paragraph><num>5.</num><content><p>Requests:</p>"
        "<blockList><item><num>(a)</num><p>one;</p></item><item><num>(b)</num><p>two.</p>"
        "</item></blockList></content></paragraph></mainBody>"
        "<conclusions><container name='adoption'><p>Draft for consideration</p></container>"
        "</conclusions>"
    )
    assert rows(document) == [
        ("heading", "", 0, "Follow-up"),
        ("preambular", "", 0, "*Recognizing* the role of the Commission,"),
        ("operative", "5", 0, "Requests:"),
        ("operative", "(a)", 1, "one;"),
        ("operative", "(b)", 1, "two."),
        ("text", "", 0, "Draft for consideration"),
    ]


def test_akn_itu_repairs_numbers_glued_headings_and_footnotes():
    document = akn(
        "<mainBody><hcontainer name='resolves'><heading><i>resolves</i></heading>"
        "<paragraph><content><p>1 to hold WTPF; ____________________ 1 These include LDCs."
        "</p></content></paragraph>"
        "<paragraph><num>2</num><content><p>that WTPF shall go on; 3 that it shall meet, "
        "instructs the Secretary-General</p></content></paragraph>"
        "<paragraph><content><p>to prepare it;</p></content></paragraph>"
        "<paragraph><num>4</num><content><p>to report:</p></content><list><point><num>i)</num>"
        "<content><p>on costs; ii) on results;</p></content></point></list></paragraph>"
        "</hcontainer></mainBody>"
    )
    assert rows(document) == [
        ("heading", "", 0, "*resolves*"),
        ("operative", "1", 0, "to hold WTPF;"),
        ("operative", "2", 0, "that WTPF shall go on;"),
        ("operative", "3", 0, "that it shall meet,"),
        ("heading", "", 0, "*instructs the Secretary-General*"),
        ("operative", "", 0, "to prepare it;"),
        ("operative", "4", 0, "to report:"),
        ("operative", "i)", 1, "on costs;"),
        ("operative", "ii)", 1, "on results;"),
        ("text", "", 0, "Footnote 1: These include LDCs."),
    ]
    assert len(document.warnings) == 4


def test_akn_part_on_a_single_document_is_ignored_with_a_warning():
    document = akn(
        "<mainBody><paragraph><num>1.</num><content><p>Decides.</p></content></paragraph>"
        "</mainBody>",
        part="Resolution 1",
    )
    assert len(document.paragraphs) == 1
    assert "ignored" in document.warnings[0]


COLLECTION = """<akomaNtoso><documentCollection name="finalActs">
<preface><longTitle><p><docType>FINAL ACTS</docType> <docTitle>of the Conference</docTitle>
</p></longTitle></preface>
<collectionBody><component><componentRef src="#a" showAs="RESOLUTIONS"/></component>
</collectionBody>
<components>
{components}
</components></documentCollection></akomaNtoso>"""
COMPONENT = """<component><statement name="resolution"><preface><longTitle><p>
<docType>RESOLUTION</docType> <docNumber>{number} (DUBAI, 2018)</docNumber></p></longTitle>
<container name="title"><p>Subject {number}</p></container></preface>
<mainBody><paragraph><num>1</num><content><p>text of {number}</p></content></paragraph>
</mainBody></statement></component>"""


def collection(*numbers: int, **options: str) -> ParsedDocument:
    components = "".join(COMPONENT.format(number=number) for number in numbers)
    data = COLLECTION.format(components=components).encode()
    return parse_document(data, "acts.xml", **options)


def test_akn_collection_imports_each_document_under_its_title():
    document = collection(14, 140)
    assert document.title == "FINAL ACTS of the Conference"
    assert rows(document) == [
        ("heading", "", 0, "RESOLUTION 14 (DUBAI, 2018): Subject 14"),
        ("operative", "1", 0, "text of 14"),
        ("heading", "", 0, "RESOLUTION 140 (DUBAI, 2018): Subject 140"),
        ("operative", "1", 0, "text of 140"),
    ]


def test_akn_collection_part_picks_documents_by_title_or_number():
    one = collection(14, 140, 141, part="resolution 14")
    assert [p.body for p in one.paragraphs] == ["text of 14"]
    assert (one.title, one.document_symbol) == ("Subject 14", "RESOLUTION 14 (DUBAI, 2018)")
    assert len(collection(14, 140, part="Subject 140").paragraphs) == 1
    several = collection(14, 140, 141, part="subject")
    assert [p.body for p in several.paragraphs if p.kind == "heading"] == [
        "RESOLUTION 14 (DUBAI, 2018): Subject 14", "RESOLUTION 140 (DUBAI, 2018): Subject 140",
        "RESOLUTION 141 (DUBAI, 2018): Subject 141",
    ]


def test_akn_collection_part_without_match_lists_titles():
    with pytest.raises(ImportFailed) as caught:
        collection(14, 140, part="Resolution 999")
    assert caught.value.field == "part"
    assert "Resolution 999" in caught.value.message
    assert "RESOLUTION 14 (DUBAI, 2018): Subject 14" in caught.value.message


def test_akn_without_paragraphs_fails():
    assert "No paragraphs" in failure(b"<akomaNtoso><statement/></akomaNtoso>", "x.xml")


# The shared files ----------------------------------------------------------------------------


def test_example_outcome():
    document = parse_document(shared_file("akn/example_outcome.xml").read_bytes(), "x.xml")
    assert document.title.startswith("Outcome document of the high-level meeting")
    assert document.document_symbol == "A/80/L.xx"
    assert Counter(p.kind for p in document.paragraphs) == {
        "text": 2, "preambular": 3, "heading": 2, "operative": 5,
    }
    assert rows(document)[:9] == [
        ("text", "", 0, "The General Assembly,"),
        ("preambular", "", 0,
         "*Recalling* its resolution 70/125 of 16 December 2015 on the outcome document of "
         "the high-level meeting of the General Assembly on the overall review of the "
         "implementation of the outcomes of the World Summit on the Information Society,"),
        ("preambular", "", 0,
         "*Reaffirming* the common desire and commitment to build a people-centred, "
         "inclusive and development-oriented information society,"),
        ("heading", "I", 0, "Information and communications technologies for development"),
        ("operative", "1", 0,
         "*Reaffirms* the vision of the World Summit on the Information Society;"),
        ("operative", "2", 0, "*Calls upon* all stakeholders:"),
        ("operative", "(a)", 1, "To bridge digital divides, including the gender digital divide;"),
        ("operative", "(b)", 1, "To strengthen the Internet Governance Forum;"),
        ("heading", "II", 0, "Follow-up and review"),
    ]
    assert [(p.kind, p.number_label) for p in document.paragraphs[9:]] == [
        ("preambular", ""), ("operative", "3"), ("text", ""),
    ]
    assert document.warnings == []


def test_itu_resolution_2():
    data = shared_file("real/itu-pp18-res2.akn.xml").read_bytes()
    document = parse_document(data, "itu-pp18-res2.akn.xml")
    assert document.title == (
        "World telecommunication/information and communication technology policy forum"
    )
    assert document.document_symbol == "RESOLUTION 2 (REV. DUBAI, 2018)"
    paragraphs = document.paragraphs
    intros = [p.body for p in paragraphs if p.kind == "preambular" and p.level == 0]
    assert intros == ["*considering*", "*conscious*", "*emphasizing*"]
    recitals = [p for p in paragraphs if p.kind == "preambular" and p.level == 1]
    assert len(recitals) == 20
    assert [p.number_label for p in recitals[:9]] == [f"{c})" for c in "abcdefghi"]
    assert recitals[0].body == "relevant resolutions of the United Nations General Assembly (UNGA);"
    headings = [p.body for p in paragraphs if p.kind == "heading"]
    assert headings == [
        "*resolves*", "*instructs the Secretary-General*", "*instructs the ITU Council*",
        "*further instructs the ITU Council*",
    ]
    resolves = paragraphs.index(ParsedParagraph("heading", "*resolves*"))
    operative = paragraphs[resolves + 1 : resolves + 11]
    assert [p.number_label for p in operative] == [str(n) for n in range(1, 11)]
    assert all(p.kind == "operative" and p.level == 0 for p in operative)
    assert operative[0].body.startswith("to hold WTPF preferably back to back")
    assert operative[0].body.endswith("adequate preparation by Member States;")
    assert operative[9].body.startswith("that broad participation in WTPF")
    assert paragraphs[-1].body.startswith("Footnote 1: These include the least developed")


def test_itu_final_acts():
    data = shared_file("real/itu-pp18-final-acts.akn.xml").read_bytes()
    started = time.perf_counter()
    document = parse_document(data, "itu-pp18-final-acts.akn.xml")
    assert time.perf_counter() - started < 2
    assert document.title == "FINAL ACTS of the Plenipotentiary Conference (Dubai, 2018)"
    titles = [
        p.body for p in document.paragraphs
        if p.kind == "heading" and p.body[:1].isupper()
    ]
    assert len(titles) == 64
    assert titles[0].startswith("DECISION 5 (REV. DUBAI, 2018)")
    assert titles[-1].startswith("RECOMMENDATION 7 (DUBAI, 2018)")
    assert all(p.level <= 1 for p in document.paragraphs)


def test_itu_final_acts_part_picks_the_wsis_resolution():
    data = shared_file("real/itu-pp18-final-acts.akn.xml").read_bytes()
    document = parse_document(data, "itu-pp18-final-acts.akn.xml", part="Resolution 140")
    assert document.document_symbol == "RESOLUTION 140 (REV. DUBAI, 2018)"
    assert document.title.startswith("ITU's role in implementing")
    assert "World Summit on the Information Society" in document.title
    assert not any(p.kind == "heading" and p.body[:1].isupper() for p in document.paragraphs)
    intros = [p.body for p in document.paragraphs if p.kind == "preambular" and p.level == 0]
    assert intros[:4] == ["*recalling*", "*considering*", "*considering further*", "*noting*"]
    headings = [p.body for p in document.paragraphs if p.kind == "heading"]
    assert headings[:3] == [
        "*resolves*", "*instructs the Secretary-General*",
        "*instructs the Secretary-General and the Directors of the Bureaux*",
    ]


def test_a_paragraph_longer_than_the_form_takes_is_refused_by_name(app):
    """A file that lost its line breaks arrives as one huge paragraph: the secretariat is
    told which one, instead of a paragraph no form could ever edit."""
    fits = "a" * PARAGRAPH_MAX_LENGTH
    assert rows(parse_document(f"1. {fits}\n".encode(), "draft.txt"))[0][3] == fits
    message = failure(f"1. Short.\n\n2. {fits}b\n".encode())
    assert message.startswith("Paragraph 2 has 100,001 characters; a paragraph holds at "
                              "most 100,000."), message
    unnumbered = failure(f"1. Short.\n\nRecalling {fits}\n".encode())
    assert unnumbered.startswith("Block 2 of the file has 100,010 characters"), unnumbered
    with pytest.raises(ImportFailed):
        akn(f"<mainBody><paragraph eId='para_1'><num>1.</num><content><p>{fits}b</p>"
            "</content></paragraph></mainBody>")
