"""Input on a version from stakeholders writing in several scripts, moderated: merged,
hidden, withdrawn, answered, endorsed and replied to."""

from __future__ import annotations

import pytest

from consult.comments import service as comments
from consult.drafts import service as drafts
from consult.extensions import db
from consult.moderation import service as moderation

ARABIC = "نقترح إضافة إشارة واضحة إلى الفجوة الرقمية بين الجنسين."
CHINESE = "我们建议加强互联网治理论坛的授权。"
CHINESE_PROPOSAL = "决定于2035年举行高级别会议，并邀请所有利益攸关方参加。"
RUSSIAN = "Мы поддерживаем документ в целом, но просим упомянуть многоязычие."


def seen(*items):
    return [(item, item.row_version) for item in items]


@pytest.fixture
def people(create_user):
    return {
        "gov": create_user(email="gov@example.org", name="Rafael Menezes",
                           organization="Ministry of Communications",
                           stakeholder_group="government", country="BR"),
        "ngo": create_user(email="ngo@example.org", name="Priya Raghunathan",
                           organization="Network for Digital Justice",
                           stakeholder_group="civil_society", country="IN"),
        "uni": create_user(email="uni@example.org", name="Haruka Nishimura",
                           organization="Minato University", stakeholder_group="academia",
                           country="JP"),
        "ar": create_user(email="ar@example.org", name="ليلى حداد",
                          organization="وزارة الاتصالات", stakeholder_group="government",
                          country="EG"),
        "zh": create_user(email="zh@example.org", name="王伟", organization="清华大学",
                          stakeholder_group="academia", country="CN"),
        "ru": create_user(email="ru@example.org", name="Ольга Петрова",
                          organization="Фонд цифровых прав",
                          stakeholder_group="civil_society", country="RU"),
        "biz": create_user(email="biz@example.org", name="Kwame Mensah",
                           organization="Baobab Telecom", stakeholder_group="private_sector",
                           country="GH"),
    }


@pytest.fixture
def inputs(version, people, moderator):
    """Input on the sample text (paragraph 4 is operative 1, 6 is 2 (a), 8 is 3):

    gov and uni say the same on paragraph 4 (uni merged into gov, accepted); ngo amends
    paragraph 4 (partially accepted); ar comments in Arabic on paragraph 6; zh amends
    paragraph 8 in Chinese; ru comments in Russian on the whole text; biz's comment is
    hidden, and ngo withdraws one; gov gets a reply and endorsements.
    """
    p4, p6, p8 = (drafts.get_paragraph(version, n) for n in (4, 6, 8))
    made = {
        "gov": comments.post_comment(people["gov"], version, p4,
                                     body="Make the mandate of the Forum **permanent**."),
        "uni": comments.post_comment(people["uni"], version, p4,
                                     body="We ask for a permanent mandate for the Forum."),
        "ngo": comments.post_comment(
            people["ngo"], version, p4, kind="amendment", body="Say inclusive first.",
            proposed_text="Reaffirms the vision of an inclusive and people-centred society;"),
        "ar": comments.post_comment(people["ar"], version, p6, body=ARABIC),
        "zh": comments.post_comment(people["zh"], version, p8, kind="amendment", body=CHINESE,
                                    proposed_text=CHINESE_PROPOSAL),
        "ru": comments.post_comment(people["ru"], version, None, body=RUSSIAN),
        "biz": comments.post_comment(people["biz"], version, p6, body="Buy our product now."),
        "gone": comments.post_comment(people["ngo"], version, p8, body="Second thoughts."),
    }
    db.session.commit()
    made["reply"] = comments.reply(people["uni"], made["gov"], body="We agree.")
    comments.endorse(people["ngo"], made["gov"])
    comments.endorse(people["zh"], made["gov"])
    comments.endorse(people["ar"], made["ngo"])
    comments.endorse(people["biz"], made["uni"])
    comments.withdraw_comment(people["ngo"], made["gone"])
    db.session.commit()
    moderation.merge(moderator, seen(made["uni"]), into=made["gov"])
    moderation.hide(moderator, seen(made["biz"]), "Advertising.")
    db.session.commit()
    moderation.set_disposition(moderator, seen(made["gov"]), "accepted",
                               "The mandate is made permanent.")
    moderation.set_disposition(moderator, seen(made["ngo"]), "partially_accepted",
                               "Inclusive is added; the order stays.")
    moderation.set_disposition(moderator, seen(made["zh"]), "not_accepted", "2035 was agreed.")
    db.session.commit()
    return made


# Reading exports back with the library each format is read with ------------------------------


def read_csv(data: bytes) -> list[dict[str, str]]:
    """The rows of a CSV export; it must start with the UTF-8 byte order mark."""
    import csv
    import io

    assert data.startswith(b"\xef\xbb\xbf"), data[:20]
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def read_xlsx(data: bytes):
    import io

    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(data))


def sheet_rows(sheet) -> list[dict[str, object]]:
    values = list(sheet.iter_rows(values_only=True))
    head = values[0]
    return [dict(zip(head, row, strict=True)) for row in values[1:]]


def read_docx(data: bytes):
    import io

    from docx import Document

    return Document(io.BytesIO(data))


def docx_text(document) -> str:
    """Every paragraph of the body and of every table cell, one per line."""
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.extend(paragraph.text for paragraph in cell.paragraphs)
    return "\n".join(parts)
