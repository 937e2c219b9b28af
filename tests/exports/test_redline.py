"""The redline between two versions, read back with the libraries that read each format.

The pair is made as tests/drafts/test_compare.py makes its pairs: the later version keeps
the lineage keys of the paragraphs it carries over, so each test knows exactly which
paragraph changed, was added, deleted, moved or renumbered; the texts are in English,
Arabic, Chinese and Russian.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import docx
import lxml.etree
import lxml.html
import pytest
from docx.oxml.ns import nsmap, qn

from consult.auth.models import User
from consult.drafts import service as drafts
from consult.drafts.importer import ParsedParagraph
from consult.drafts.models import Version
from consult.exports import redline
from consult.i18n import number_label
from consult.markup import plain_text
from tests.conftest import require
from tests.drafts.test_compare import Same, revise

NS = {"w": nsmap["w"]}
AUTHOR = "WSIS+20 Forum secretariat"
DATE = dt.datetime(2026, 3, 2, 9, 30, 15, tzinfo=dt.UTC)
W_DATE = "2026-03-02T09:30:15Z"

ARABIC_OLD = "يؤكد من جديد رؤية مجتمع المعلومات الجامع"
ARABIC_NEW = "يؤكد من جديد رؤية مجتمع المعلومات الجامع والموجه نحو التنمية"
CHINESE_OLD = "决定 在 2035 年 举行 高级别 会议。"
CHINESE_NEW = "决定 在 2035 年 举行 高级别 会议 和 论坛。"
RUSSIAN = "*Призывает* все заинтересованные стороны преодолеть цифровой разрыв;"

OLD_TEXT = [
    ParsedParagraph("text", "The General Assembly,"),
    ParsedParagraph("preambular", "*Recalling* its resolution 70/125 of 16 December 2015,"),
    ParsedParagraph("heading", "Information and communications technologies", "I"),
    ParsedParagraph(
        "operative", "*Reaffirms* the vision of an inclusive information society;", "1"
    ),
    ParsedParagraph("operative", "*Welcomes* the work of the Commission;", "2"),
    ParsedParagraph("operative", "*Calls upon* all stakeholders to bridge digital divides;", "3"),
    ParsedParagraph("operative", ARABIC_OLD, "4"),
    ParsedParagraph("operative", "*Decides* to hold a high-level meeting in 2035.", "5"),
    ParsedParagraph("operative", CHINESE_OLD, "6"),
]


def revised(old: Version, secretariat: User, **options) -> Version:
    """Rev.1: paragraph 5 moved up to 1, 1 renumbered 2, 2 deleted, 3 changed, a Russian
    paragraph added as 4, the Arabic 4 changed and renumbered 5, the Chinese 6 changed."""
    return revise(
        secretariat,
        old,
        [
            Same(1),
            Same(2),
            Same(3),
            Same(8, number_label="1"),
            Same(4, number_label="2"),
            Same(
                6,
                body="*Calls upon* all stakeholders to bridge digital divides, "
                "including the gender digital divide;",
            ),
            ParsedParagraph("operative", RUSSIAN, "4"),
            Same(7, body=ARABIC_NEW, number_label="5"),
            Same(9, body=CHINESE_NEW),
        ],
        **options,
    )


@pytest.fixture
def pair(create_version: Callable[..., Version], secretariat: User) -> tuple[Version, Version]:
    old = create_version(paragraphs=OLD_TEXT, status="closed")
    return old, revised(old, secretariat)


def version_lines(version: Version) -> list[str]:
    """Each paragraph as the redline prints it: number, tab, plain text."""
    return [
        f"{number_label(p.number_label)}\t{plain_text(p.body)}"
        if p.number_label
        else plain_text(p.body)
        for p in drafts.version_paragraphs(version)
    ]


# Reading the Word file back ---------------------------------------------------------------


def open_docx(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def body_paragraphs(document: docx.document.Document) -> list:
    return document.element.body.findall("w:p", NS)


def text_of(paragraph, keep: str) -> str:
    """The paragraph's text with the revisions of kind keep ("ins" or "del") applied and
    those of the other kind undone; tabs as \\t."""
    drop = qn("w:del" if keep == "ins" else "w:ins")
    parts = []
    for element in paragraph.iter(qn("w:t"), qn("w:delText"), qn("w:tab")):
        if any(ancestor.tag == drop for ancestor in element.iterancestors()):
            continue
        parts.append("\t" if element.tag == qn("w:tab") else element.text or "")
    return "".join(parts)


def lines_after(document: docx.document.Document, keep: str) -> list[str]:
    """The document's paragraphs once every insertion (keep="ins") or every deletion
    (keep="del") is accepted and the others rejected.

    A paragraph whose mark goes away must have nothing left, or it would run into the next.
    """
    mark_dropped = "w:pPr/w:rPr/" + ("w:del" if keep == "ins" else "w:ins")
    lines = []
    for paragraph in body_paragraphs(document):
        text = text_of(paragraph, keep)
        if paragraph.find(mark_dropped, NS) is not None:
            assert text == "", f"a paragraph mark goes but {text!r} stays"
            continue
        lines.append(text)
    return lines


def xp(element, path: str) -> list:
    """XPath with the w: prefix, on python-docx's elements and plain lxml ones alike."""
    return lxml.etree._Element.xpath(element, path, namespaces=NS)


def revisions(document: docx.document.Document) -> list:
    return xp(document.element.body, ".//w:ins | .//w:del")


def paragraph_with(document: docx.document.Document, words: str, keep: str = "ins") -> list:
    return [p for p in body_paragraphs(document) if words in text_of(p, keep)]


@pytest.fixture
def document(pair: tuple[Version, Version]) -> docx.document.Document:
    return open_docx(redline.redline_docx(*pair, author=AUTHOR, date=DATE))


def test_accepting_every_change_gives_the_new_text_and_rejecting_them_the_old(pair, document):
    old, new = pair
    accepted, rejected = lines_after(document, "ins"), lines_after(document, "del")
    new_lines, old_lines = version_lines(new), version_lines(old)
    assert accepted[-len(new_lines) :] == new_lines
    assert rejected[-len(old_lines) :] == old_lines
    title_block = accepted[: -len(new_lines)]
    assert title_block == rejected[: -len(old_lines)]
    assert title_block == ["WSIS+20 outcome document", "Rev.1 (changes from Zero draft)"]


def test_every_change_is_a_revision_by_the_author_at_the_date_with_its_own_id(document):
    found = revisions(document)
    assert len(found) >= 12
    assert {element.get(qn("w:author")) for element in found} == {AUTHOR}
    assert {element.get(qn("w:date")) for element in found} == {W_DATE}
    ids = [element.get(qn("w:id")) for element in found]
    assert all(value.isdigit() for value in ids)
    assert len(set(ids)) == len(ids)


def test_deleted_text_is_deltext_inside_del_and_inserted_text_is_t_inside_ins(document):
    body = document.element.body
    assert xp(body, ".//w:del//w:t") == []
    assert xp(body, ".//w:delText[not(ancestor::w:del)]") == []
    assert xp(body, ".//w:del/w:r/w:delText")
    assert xp(body, ".//w:ins/w:r/w:t")
    for text in xp(body, ".//w:ins//w:t | .//w:del//w:delText"):
        assert text.get(qn("xml:space")) == "preserve"


def test_a_changed_paragraph_tracks_the_changed_words_only(document):
    (paragraph,) = paragraph_with(document, "Calls upon")
    assert paragraph.find("w:pPr/w:rPr", NS) is None
    inserted = xp(paragraph, "w:ins/w:r/w:t/text()")
    deleted = xp(paragraph, "w:del/w:r/w:delText/text()")
    assert deleted == []
    assert "".join(inserted) == ", including the gender digital divide"
    kept = xp(paragraph, "w:r/w:t/text()")
    assert "".join(kept) == "3.Calls upon all stakeholders to bridge digital divides;"


def test_an_added_paragraph_is_inserted_whole_with_its_paragraph_mark(document):
    (paragraph,) = paragraph_with(document, "Призывает")
    mark = paragraph.find("w:pPr/w:rPr/w:ins", NS)
    assert mark is not None and mark.get(qn("w:author")) == AUTHOR
    assert paragraph.findall("w:r", NS) == []
    assert text_of(paragraph, "ins") == "4.\t" + plain_text(RUSSIAN)
    assert text_of(paragraph, "del") == ""
    # python-docx's own text leaves out what is inside w:ins, as FACTS.md says.
    assert docx.text.paragraph.Paragraph(paragraph, None).text == ""


def test_a_deleted_paragraph_is_deleted_whole_with_its_mark_where_it_stood(document):
    (paragraph,) = paragraph_with(document, "Welcomes", keep="del")
    assert paragraph.find("w:pPr/w:rPr/w:del", NS) is not None
    assert paragraph.findall("w:r", NS) == []
    assert text_of(paragraph, "del") == "2.\tWelcomes the work of the Commission;"
    assert text_of(paragraph, "ins") == ""
    paragraphs = body_paragraphs(document)
    before = text_of(paragraphs[paragraphs.index(paragraph) - 1], "ins")
    assert before.endswith("Reaffirms the vision of an inclusive information society;")


def test_a_moved_paragraph_is_deleted_where_it_stood_and_inserted_where_it_stands(document):
    gone = paragraph_with(document, "Decides", keep="del")
    came = paragraph_with(document, "Decides", keep="ins")
    assert len(gone) == len(came) == 1 and gone[0] is not came[0]
    assert gone[0].find("w:pPr/w:rPr/w:del", NS) is not None
    assert came[0].find("w:pPr/w:rPr/w:ins", NS) is not None
    assert text_of(gone[0], "del") == "5.\tDecides to hold a high-level meeting in 2035."
    assert text_of(came[0], "ins") == "1.\tDecides to hold a high-level meeting in 2035."
    paragraphs = body_paragraphs(document)
    assert paragraphs.index(came[0]) < paragraphs.index(gone[0])
    assert xp(document.element.body, ".//w:moveFrom | .//w:moveTo") == []


def test_a_new_number_is_the_old_number_deleted_and_the_new_one_inserted(document):
    (paragraph,) = paragraph_with(document, "Reaffirms")
    assert xp(paragraph, "w:del/w:r/w:delText/text()") == ["1."]
    assert xp(paragraph, "w:ins/w:r/w:t/text()") == ["2."]
    assert paragraph.find("w:pPr/w:rPr", NS) is None
    (arabic,) = paragraph_with(document, "رؤية")
    assert xp(arabic, "w:del/w:r/w:delText/text()") == ["4."]
    assert xp(arabic, "w:ins/w:r/w:t/text()")[0] == "5."


def test_an_unchanged_number_and_text_are_plain_runs(document):
    (paragraph,) = paragraph_with(document, "Recalling")
    assert xp(paragraph, ".//w:ins | .//w:del") == []
    assert text_of(paragraph, "ins") == "Recalling its resolution 70/125 of 16 December 2015,"


def test_non_latin_text_survives_in_its_revisions(document):
    (arabic,) = paragraph_with(document, "رؤية")
    assert text_of(arabic, "ins") == "5.\t" + ARABIC_NEW
    assert text_of(arabic, "del") == "4.\t" + ARABIC_OLD
    assert "".join(xp(arabic, "w:ins/w:r/w:t/text()")).strip().endswith(
        "التنمية"
    )
    assert arabic.find("w:pPr/w:bidi", NS) is not None
    (chinese,) = paragraph_with(document, "决定")
    assert text_of(chinese, "ins") == "6.\t" + CHINESE_NEW
    assert text_of(chinese, "del") == "6.\t" + CHINESE_OLD
    assert "论坛" in "".join(xp(chinese, "w:ins/w:r/w:t/text()"))
    assert chinese.find("w:pPr/w:bidi", NS) is None


def test_emphasis_becomes_italic_runs(document):
    (paragraph,) = paragraph_with(document, "Призывает")
    italic = xp(paragraph, "w:ins/w:r[w:rPr/w:i]/w:t/text()")
    assert italic == ["Призывает"]
    (calls,) = paragraph_with(document, "Calls upon")
    assert xp(calls, "w:r[w:rPr/w:i]/w:t/text()") == ["Calls upon"]


def test_numbers_hang_and_headings_keep_with_the_next_paragraph(document):
    (paragraph,) = paragraph_with(document, "Calls upon")
    indent = paragraph.find("w:pPr/w:ind", NS)
    assert indent.get(qn("w:hanging")) == str(redline.STEP)
    (heading,) = paragraph_with(document, "Information and communications")
    assert heading.find("w:pPr/w:keepNext", NS) is not None
    assert xp(heading, "w:r[w:rPr/w:b]/w:t/text()")


def test_further_edits_are_tracked_too(document):
    settings = document.settings.element
    assert settings.find("w:trackRevisions", NS) is not None
    names = [lxml.etree.QName(child).localname for child in settings]
    assert names.index("trackRevisions") < names.index("defaultTabStop")


def test_the_file_says_what_it_is(document):
    properties = document.core_properties
    assert properties.title == "Rev.1 (changes from Zero draft)"
    assert properties.author == AUTHOR


def test_the_symbol_heads_the_title_block(
    create_version: Callable[..., Version], secretariat: User
):
    old = create_version(paragraphs=OLD_TEXT, status="closed")
    new = revised(old, secretariat)
    new.document_symbol = "A/80/L.1/Rev.1"
    document = open_docx(redline.redline_docx(old, new, author=AUTHOR, date=DATE))
    assert document.paragraphs[0].text == "A/80/L.1/Rev.1"
    assert document.paragraphs[1].text == "WSIS+20 outcome document"


def test_identical_versions_make_a_redline_without_revisions(
    create_version: Callable[..., Version], secretariat: User
):
    old = create_version(paragraphs=OLD_TEXT, status="closed")
    new = revise(secretariat, old, [Same(position) for position in range(1, 10)])
    document = open_docx(redline.redline_docx(old, new, author=AUTHOR, date=DATE))
    assert revisions(document) == []
    assert lines_after(document, "ins")[2:] == version_lines(new)


def test_a_naive_date_is_taken_as_utc(pair):
    data = redline.redline_docx(*pair, author=AUTHOR, date=DATE.replace(tzinfo=None))
    assert {e.get(qn("w:date")) for e in revisions(open_docx(data))} == {W_DATE}


def test_formatting_follows_the_markdown_character_by_character():
    assert redline.styles_of("*Recalling* its **own** words") == (
        ((True, False),) * len("Recalling") + ((False, False),) * len(" its ")
        + ((False, True),) * len("own") + ((False, False),) * len(" words")
    )
    assert redline.styles_of("") == ()



def random_revision(rng: random.Random) -> list[Same | ParsedParagraph]:
    """Rev.1 with paragraphs deleted, moved, edited word by word and added at random, the
    operative paragraphs numbered again in their new order."""
    items: list[Same | ParsedParagraph] = [Same(position) for position in range(1, 10)]
    for _ in range(rng.randint(0, 3)):
        items.pop(rng.randrange(len(items)))
    if len(items) > 1 and rng.random() < 0.7:
        items.insert(rng.randrange(len(items)), items.pop(rng.randrange(len(items))))
    words = ["digital", "المعلومات", "发展", "развитие", "*inclusive*", "and", ";"]
    for index, item in enumerate(items):
        if isinstance(item, Same) and rng.random() < 0.4:
            body = OLD_TEXT[item.position - 1].body.split(" ")
            for _ in range(rng.randint(1, 3)):
                where = rng.randrange(len(body) + 1)
                if rng.random() < 0.5 and where < len(body):
                    body.pop(where)
                else:
                    body.insert(where, rng.choice(words))
            items[index] = Same(item.position, body=" ".join(body))
    for _ in range(rng.randint(0, 2)):
        added = ParsedParagraph("operative", " ".join(rng.sample(words, 4)), "0")
        items.insert(rng.randrange(len(items) + 1), added)
    number = 0
    numbered: list[Same | ParsedParagraph] = []
    for item in items:
        kind = item.kind if isinstance(item, ParsedParagraph) else OLD_TEXT[item.position - 1].kind
        if kind != "operative":
            numbered.append(item)
            continue
        number += 1
        if isinstance(item, ParsedParagraph):
            numbered.append(ParsedParagraph(item.kind, item.body, str(number)))
        else:
            numbered.append(Same(item.position, body=item.body, number_label=str(number)))
    return numbered


@pytest.mark.parametrize("seed", range(8))
def test_any_revision_accepted_is_the_new_text_and_rejected_the_old(
    create_version: Callable[..., Version], secretariat: User, seed: int
):
    old = create_version(paragraphs=OLD_TEXT, status="closed")
    new = revise(secretariat, old, random_revision(random.Random(seed)))
    document = open_docx(redline.redline_docx(old, new, author=AUTHOR, date=DATE))
    accepted, rejected = lines_after(document, "ins"), lines_after(document, "del")
    assert accepted[2:] == version_lines(new)
    assert rejected[2:] == version_lines(old)
    ids = [element.get(qn("w:id")) for element in revisions(document)]
    assert len(set(ids)) == len(ids)


def test_the_first_and_last_paragraphs_deleted(
    create_version: Callable[..., Version], secretariat: User
):
    old = create_version(paragraphs=OLD_TEXT, status="closed")
    new = revise(secretariat, old, [Same(position) for position in range(2, 9)])
    document = open_docx(redline.redline_docx(old, new, author=AUTHOR, date=DATE))
    paragraphs = body_paragraphs(document)
    assert paragraphs[2].find("w:pPr/w:rPr/w:del", NS) is not None
    assert paragraphs[-1].find("w:pPr/w:rPr/w:del", NS) is not None
    assert lines_after(document, "ins")[2:] == version_lines(new)
    assert lines_after(document, "del")[2:] == version_lines(old)



def test_a_deletion_after_a_moved_paragraph_stays_at_its_old_place(
    create_version: Callable[..., Version], secretariat: User
):
    """The comparison shows paragraph 5 (deleted) after 4, which moved up; in the Word file
    it follows 4's old place, so that rejecting every change gives the old order back."""
    old = create_version(paragraphs=OLD_TEXT, status="closed")
    order = [1, 2, 3, 7, 4, 5, 6, 9]
    new = revise(secretariat, old, [Same(position) for position in order])
    document = open_docx(redline.redline_docx(old, new, author=AUTHOR, date=DATE))
    assert lines_after(document, "del")[2:] == version_lines(old)
    assert lines_after(document, "ins")[2:] == version_lines(new)
    paragraphs = [text_of(p, "del") for p in body_paragraphs(document)]
    moved_from = paragraphs.index("4.\t" + ARABIC_OLD)
    assert body_paragraphs(document)[moved_from].find("w:pPr/w:rPr/w:del", NS) is not None
    assert paragraphs[moved_from + 1] == "5.\tDecides to hold a high-level meeting in 2035."


# LibreOffice ------------------------------------------------------------------------------


def soffice(tmp_path: Path, source: Path, target: str) -> Path:
    """Convert with LibreOffice in a profile of this process's own, as FACTS.md says."""
    executable = shutil.which("soffice")
    assert executable is not None
    result = subprocess.run(
        [
            executable,
            f"-env:UserInstallation=file:///tmp/lo_{os.getpid()}",
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    converted = tmp_path / f"{source.stem}.{target.split(':')[0]}"
    assert converted.exists(), result.stdout + result.stderr
    return converted


def test_libreoffice_reads_the_revisions_and_prints_them(pair, tmp_path):
    require(shutil.which("soffice") is not None, "LibreOffice (soffice) is not installed")
    source = tmp_path / "redline.docx"
    source.write_bytes(redline.redline_docx(*pair, author=AUTHOR, date=DATE))

    flat = lxml.etree.parse(str(soffice(tmp_path, source, "fodt")))
    office = {
        "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
        "dc": "http://purl.org/dc/elements/1.1/",
        "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    }
    regions = flat.xpath("//text:tracked-changes/text:changed-region", namespaces=office)
    kinds = [lxml.etree.QName(region[0]).localname for region in regions]
    # LibreOffice joins the adjacent revisions of one paragraph inserted or deleted whole:
    # one region per change a reader sees (7 insertions and 4 deletions here).
    assert kinds.count("insertion") >= 7 and kinds.count("deletion") >= 4
    kind_of = {
        region.get(f"{{{office['text']}}}id"): lxml.etree.QName(region[0]).localname
        for region in regions
    }
    # A paragraph deleted or inserted whole is one change from its start to the start of
    # the next paragraph: its paragraph mark goes or comes with it.
    for words, kind in (("Welcomes the work", "deletion"), ("Призывает", "insertion")):
        (paragraph,) = [
            p for p in flat.xpath("//office:text//text:p", namespaces=office)
            if words in "".join(p.itertext())
        ]
        (start,) = paragraph.xpath("text:change-start/@text:change-id", namespaces=office)
        assert kind_of[start] == kind
        ends = paragraph.getnext().xpath("text:change-end/@text:change-id", namespaces=office)
        assert start in ends
    authors = set(flat.xpath("//text:changed-region//dc:creator/text()", namespaces=office))
    assert authors == {AUTHOR}

    pdf = soffice(tmp_path, source, "pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        # Changes are shown, not applied: the deleted paragraph is printed (struck through)
        # beside the inserted one, in every script.
        for words in ("Welcomes the work", "Призывает", "التنمية", "论坛"):
            assert words in text


# HTML ---------------------------------------------------------------------------------------


@pytest.fixture
def page(pair: tuple[Version, Version]) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(redline.redline_html(*pair))


def texts(elements) -> list[str]:
    return [element.text_content() for element in elements]


def test_the_page_stands_alone_with_its_title_and_legend(page):
    assert page.find("head/meta[@charset]").get("charset") == "utf-8"
    assert page.xpath("//link[@rel='stylesheet'] | //script") == []
    assert page.findtext(".//h1") == "WSIS+20 outcome document"
    assert "Rev.1 (changes from Zero draft)" in page.text_content()
    legend = page.get_element_by_id("legend-title").getparent()
    assert legend.xpath(".//ins") and legend.xpath(".//del")


def test_the_page_marks_insertions_and_deletions(page):
    inserted, deleted = texts(page.xpath("//main//ins")), texts(page.xpath("//main//del"))
    assert ", including the gender digital divide" in inserted
    assert "Welcomes" in "".join(deleted)
    assert "Призывает" in "".join(inserted)
    whole_added = page.xpath("//main//div[contains(@class, 'para--insert')]")
    whole_deleted = page.xpath("//main//div[contains(@class, 'para--delete')]")
    assert len(whole_added) == 2 and len(whole_deleted) == 2  # the moved one counts twice


def test_the_page_marks_new_numbers_and_moves(page):
    (reaffirms,) = [
        div for div in page.xpath("//main/div") if "Reaffirms" in div.text_content()
    ]
    number = reaffirms.find_class("num")[0]
    assert texts(number.xpath("del")) == ["1."] and texts(number.xpath("ins")) == ["2."]
    assert "→" in number.text_content()
    notes = texts(page.find_class("note"))
    assert any("paragraph 1" in note for note in notes)
    assert any("paragraph 5" in note for note in notes)


def test_non_latin_text_survives_on_the_page(page):
    content = page.text_content()
    for words in (ARABIC_NEW.split()[-1], "论坛", "Призывает", ARABIC_OLD.split()[0]):
        assert words in content
    (arabic,) = [p for p in page.xpath("//main//p") if "رؤية" in p.text_content()]
    assert arabic.get("dir") == "auto"


def test_markup_in_the_text_is_never_markup_on_the_page(
    create_version: Callable[..., Version], secretariat: User
):
    old = create_version(paragraphs=OLD_TEXT, status="closed")
    hostile = 'Notes <img src=x onerror="alert(1)"> & <script>alert(2)</script> **bold**'
    new = revise(secretariat, old, [Same(1, body=hostile)])
    page = lxml.html.document_fromstring(redline.redline_html(old, new))
    assert page.xpath("//script | //img | //*[@onerror]") == []
    assert "alert(2)" in page.text_content()
    assert texts(page.xpath("//main//ins//strong")) == ["bold"]
    document = open_docx(redline.redline_docx(old, new, author=AUTHOR, date=DATE))
    assert lines_after(document, "ins")[2:] == version_lines(new)
