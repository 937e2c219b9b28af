"""Every export read back with the library that reads its format: csv, openpyxl,
python-docx; columns, values, marks, and text in Arabic, Chinese and Russian."""

from __future__ import annotations

import io

import pytest
from docx.oxml.ns import qn

from consult.comments import service as comments
from consult.compilation import service, table, word
from consult.drafts import service as drafts
from consult.extensions import db
from tests.compilation.conftest import (
    ARABIC,
    CHINESE,
    CHINESE_PROPOSAL,
    RUSSIAN,
    docx_text,
    read_csv,
    read_docx,
    read_xlsx,
    sheet_rows,
)

BASE = "/c/wsis20/v/1/compilation"
HEADERS = [
    "No.", "Section", "Paragraph", "Author", "Organization", "Organization verified",
    "Stakeholder group", "Country", "Kind", "Text", "Proposed text", "Endorsements", "Replies",
    "Status", "Merged into", "Disposition", "Rationale", "Submitted (UTC)", "In reply to",
]
SECTION = "I. Information and communications technologies for development"


def download(client, extension: str, query: str = ""):
    response = client.get(f"{BASE}.{extension}{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response


def sign_in(auth, who: str) -> None:
    auth.login(f"{who}@example.org")


# CSV -------------------------------------------------------------------------------------------


def test_csv_has_the_columns_and_the_values(client, inputs):
    response = download(client, "csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="wsis20-zero-draft-compilation.csv"')
    data = response.get_data()
    assert data.count(b"\r\n") >= 7  # RFC 4180 line ends
    rows = read_csv(data)
    assert list(rows[0]) == HEADERS
    by_id = {int(row["No."]): row for row in rows}
    assert set(by_id) == {inputs[n].id for n in ("ru", "gov", "uni", "ngo", "ar", "zh")}
    ngo = by_id[inputs["ngo"].id]
    assert {key: ngo[key] for key in HEADERS[1:17]} == {
        "Section": SECTION,
        "Paragraph": "paragraph 1",
        "Author": "Priya Raghunathan",
        "Organization": "Network for Digital Justice",
        "Organization verified": "no",
        "Stakeholder group": "Civil society",
        "Country": "India",
        "Kind": "Amendment",
        "Text": "Say inclusive first.",
        "Proposed text": "Reaffirms the vision of an inclusive and people-centred society;",
        "Endorsements": "1",
        "Replies": "0",
        "Status": "Published",
        "Merged into": "",
        "Disposition": "Partially accepted",
        "Rationale": "Inclusive is added; the order stays.",
    }
    uni = by_id[inputs["uni"].id]
    assert uni["Merged into"] == f"No. {inputs['gov'].id}: Rafael Menezes"
    assert uni["Disposition"] == "Accepted"
    assert by_id[inputs["ru"].id]["Paragraph"] == "The whole text"


def test_csv_keeps_arabic_chinese_and_russian(client, inputs):
    rows = {int(row["No."]): row for row in read_csv(download(client, "csv").get_data())}
    ar, zh, ru = (rows[inputs[name].id] for name in ("ar", "zh", "ru"))
    assert (ar["Author"], ar["Organization"], ar["Text"]) == ("ليلى حداد", "وزارة الاتصالات",
                                                              ARABIC)
    assert (zh["Author"], zh["Text"], zh["Proposed text"]) == ("王伟", CHINESE,
                                                               CHINESE_PROPOSAL)
    assert (ru["Author"], ru["Organization"], ru["Text"]) == (
        "Ольга Петрова", "Фонд цифровых прав", RUSSIAN)


def test_csv_quotes_what_needs_quoting_and_defuses_formulas(client, version, people):
    paragraph = drafts.get_paragraph(version, 4)
    made = comments.post_comment(people["gov"], version, paragraph,
                                 body='=HYPERLINK("http://evil.example","click")\n\n'
                                      'Second paragraph, with "quotes", commas.')
    db.session.commit()
    [row] = read_csv(download(client, "csv").get_data())
    assert int(row["No."]) == made.id
    assert row["Text"] == ("'=HYPERLINK(\"http://evil.example\",\"click\")\n\n"
                           'Second paragraph, with "quotes", commas.')


def test_the_secretariat_csv_marks_what_is_not_public(client, auth, inputs, secretariat):
    sign_in(auth, "secretariat")
    response = download(client, "csv", "?all=1")
    assert "compilation-all.csv" in response.headers["Content-Disposition"]
    rows = {int(row["No."]): row for row in read_csv(response.get_data())}
    assert rows[inputs["biz"].id]["Status"] == "Hidden by a moderator: Advertising."
    assert rows[inputs["gone"].id]["Status"] == "Withdrawn by its author"
    public = {int(row["No."]) for row in read_csv(download(client, "csv").get_data())}
    assert inputs["biz"].id not in public and inputs["gone"].id not in public


def test_csv_filtered_as_the_queue(client, inputs):
    rows = read_csv(download(client, "csv", "?kind=amendment&group=academia").get_data())
    assert [int(row["No."]) for row in rows] == [inputs["zh"].id]
    rows = read_csv(download(client, "csv", "?q=permanent&version=999").get_data())
    assert {int(row["No."]) for row in rows} == {inputs["gov"].id, inputs["uni"].id}
    assert read_csv(download(client, "csv", "?status=merged").get_data())[0]["Status"] == (
        f"Merged into No. {inputs['gov'].id}")
    # What the public cannot see is not a choice of the public's filters.
    assert client.get(f"{BASE}.csv?status=hidden").status_code == 400


def test_csv_lines_come_in_pieces():
    pieces = list(table.csv_lines(["a", "b"], ([n, "x" * 50] for n in range(100)), piece=512))
    assert len(pieces) > 5
    assert pieces[0].startswith(b"\xef\xbb\xbfa,b\r\n")
    assert not any(piece.startswith(b"\xef\xbb\xbf") for piece in pieces[1:])
    assert b"".join(pieces).count(b"\r\n") == 101


# XLSX -----------------------------------------------------------------------------------------


def test_xlsx_has_a_sheet_per_section_with_frozen_header_and_filters(client, inputs):
    response = download(client, "xlsx")
    assert response.mimetype == table.XLSX_MIMETYPE
    assert response.content_length == len(response.get_data())
    book = read_xlsx(response.get_data())
    assert book.sheetnames == ["About", "General comments", "I. Information and communicatio"]
    about = {row[0]: row[1] for row in book["About"].iter_rows(min_row=2, values_only=True)}
    assert about["Consultation"] == "WSIS+20 outcome document"
    assert about["Version"] == "Zero draft" and about["Rows"] == 6
    for name, count in (("General comments", 1), ("I. Information and communicatio", 5)):
        sheet = book[name]
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == f"A1:S{count + 1}"
        assert [cell.value for cell in sheet[1]] == HEADERS
        assert sheet.column_dimensions["J"].width == 60
        assert sheet["J2"].alignment.wrap_text
    rows = {row["No."]: row for row in sheet_rows(book["I. Information and communicatio"])}
    ngo = rows[inputs["ngo"].id]
    assert (ngo["Author"], ngo["Stakeholder group"], ngo["Country"], ngo["Kind"]) == (
        "Priya Raghunathan", "Civil society", "India", "Amendment")
    assert ngo["Proposed text"] == (
        "Reaffirms the vision of an inclusive and people-centred society;")
    assert (ngo["Endorsements"], ngo["Disposition"], ngo["Rationale"]) == (
        1, "Partially accepted", "Inclusive is added; the order stays.")
    assert rows[inputs["uni"].id]["Merged into"] == f"No. {inputs['gov'].id}: Rafael Menezes"
    assert rows[inputs["gov"].id]["Submitted (UTC)"].year >= 2025


def test_xlsx_keeps_arabic_chinese_and_russian(client, inputs):
    book = read_xlsx(download(client, "xlsx").get_data())
    rows = {row["No."]: row for row in sheet_rows(book["I. Information and communicatio"])}
    assert (rows[inputs["ar"].id]["Author"], rows[inputs["ar"].id]["Text"]) == ("ليلى حداد",
                                                                                ARABIC)
    assert (rows[inputs["zh"].id]["Text"], rows[inputs["zh"].id]["Proposed text"]) == (
        CHINESE, CHINESE_PROPOSAL)
    [ru] = sheet_rows(book["General comments"])
    assert (ru["Author"], ru["Text"]) == ("Ольга Петрова", RUSSIAN)


def test_xlsx_text_is_never_a_formula(client, version, people):
    comments.post_comment(people["gov"], version, drafts.get_paragraph(version, 4),
                          body="=1+1 is what we ask", )
    db.session.commit()
    sheet = read_xlsx(download(client, "xlsx").get_data())["I. Information and communicatio"]
    assert sheet["J2"].value == "=1+1 is what we ask"
    assert sheet["J2"].data_type == "s"


def test_xlsx_of_the_secretariat_shades_what_is_not_public(client, auth, inputs, secretariat):
    sign_in(auth, "secretariat")
    book = read_xlsx(download(client, "xlsx", "?all=1").get_data())
    sheet = book["I. Information and communicatio"]
    shaded = {
        row[0].value: row[0].fill.fgColor.rgb for row in sheet.iter_rows(min_row=2)
    }
    assert shaded[inputs["biz"].id].endswith("FFF4D6")
    assert shaded[inputs["gone"].id].endswith("FFF4D6")
    assert not str(shaded[inputs["gov"].id]).endswith("FFF4D6")


def test_an_empty_xlsx_still_has_its_header(client, version):
    book = read_xlsx(download(client, "xlsx").get_data())
    assert book.sheetnames == ["About", "Comments"]
    assert [cell.value for cell in book["Comments"][1]] == HEADERS
    assert book["Comments"].auto_filter.ref == "A1:S1"


# DOCX -----------------------------------------------------------------------------------------


def test_docx_is_a_matrix_by_paragraph(client, inputs):
    response = download(client, "docx")
    assert response.mimetype == word.DOCX_MIMETYPE
    document = read_docx(response.get_data())
    section = document.sections[0]
    assert section.orientation == 1 and section.page_width > section.page_height  # landscape
    assert abs(section.page_width.mm - 297) < 1
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings == ["General comments", SECTION]
    assert len(document.tables) == 4  # the whole text, paragraphs 1, 2 (a) and 3
    first = document.tables[1]
    assert first.rows[0].cells[0].text.startswith("Paragraph 1\nReaffirms the vision")
    assert [cell.text for cell in first.rows[1].cells] == [
        "Stakeholder", "Comment", "Proposed text", "Answer", "Organization verified"]
    for row in first.rows[:2]:
        assert row._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on each page
    ngo = next(row for row in first.rows if row.cells[0].text.startswith("Priya"))
    assert "Network for Digital Justice" in ngo.cells[0].text
    assert "Civil society · India" in ngo.cells[0].text
    assert "1 endorsement" in ngo.cells[0].text
    assert ngo.cells[1].text == "Say inclusive first."
    assert ngo.cells[2].text == "Reaffirms the vision of an inclusive and people-centred society;"
    assert ngo.cells[3].text == "Partially accepted\nInclusive is added; the order stays."
    uni = next(row for row in first.rows if row.cells[0].text.startswith("Haruka"))
    assert f"Merged into No. {inputs['gov'].id}" in uni.cells[3].text
    footer = section.footer.paragraphs[0]._p.xml
    assert 'w:instr="PAGE"' in footer and 'w:instr="NUMPAGES"' in footer


def test_docx_keeps_arabic_chinese_and_russian_and_sets_arabic_right_to_left(client, inputs):
    document = read_docx(download(client, "docx").get_data())
    text = docx_text(document)
    for words in (ARABIC, "ليلى حداد", CHINESE, CHINESE_PROPOSAL, "王伟", RUSSIAN,
                  "Ольга Петрова"):
        assert words in text
    arabic = [p for table in document.tables for row in table.rows for cell in row.cells
              for p in cell.paragraphs if p.text == ARABIC]
    assert arabic and arabic[0]._p.pPr.find(qn("w:bidi")) is not None
    russian = [p for table in document.tables for row in table.rows for cell in row.cells
               for p in cell.paragraphs if p.text == RUSSIAN]
    assert russian[0]._p.pPr is None or russian[0]._p.pPr.find(qn("w:bidi")) is None


def test_docx_of_the_secretariat_has_hidden_input_marked(client, auth, inputs, secretariat):
    sign_in(auth, "secretariat")
    text = docx_text(read_docx(download(client, "docx", "?all=1").get_data()))
    assert "Buy our product now." in text and "Hidden by a moderator: Advertising." in text
    assert "Buy our product now." not in docx_text(read_docx(download(client, "docx")
                                                             .get_data()))


def test_an_empty_docx_says_so(client, version):
    assert "No input matches." in docx_text(read_docx(download(client, "docx").get_data()))


@pytest.mark.parametrize("extension", ["csv", "xlsx", "docx"])
def test_each_format_written_directly_matches_the_download(inputs, version, extension):
    found = service.compilation(None, version)
    buffer = io.BytesIO()
    if extension == "csv":
        buffer.write(b"".join(table.compilation_csv(found)))
        rows = read_csv(buffer.getvalue())
        assert len(rows) == 6
    elif extension == "xlsx":
        table.compilation_xlsx(found, buffer)
        assert len(sheet_rows(read_xlsx(buffer.getvalue())["General comments"])) == 1
    else:
        word.compilation_docx(found, buffer)
        assert RUSSIAN in docx_text(read_docx(buffer.getvalue()))


def test_the_first_sheet_and_the_document_say_how_they_were_filtered(client, inputs, version):
    paragraph = drafts.get_paragraph(version, 4)
    query = f"?paragraph={paragraph.id}&kind=amendment&disposition=none&q=inclusive"
    book = read_xlsx(download(client, "xlsx", query).get_data())
    about = {row[0]: row[1] for row in book["About"].iter_rows(min_row=2, values_only=True)}
    assert (about["Paragraph"], about["Kind"], about["Disposition"], about["Words"]) == (
        "paragraph 1", "Amendment", "Not answered yet", "inclusive")
    assert about["Rows"] == 0
    text = docx_text(read_docx(download(client, "docx", query).get_data()))
    assert "Kind: Amendment" in text and "0 inputs." in text
