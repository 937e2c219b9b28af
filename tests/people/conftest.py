"""A stakeholder with input in every state, for the people tests: published, pending,
withdrawn, hidden, merged, answered, replied to and endorsed."""

from __future__ import annotations

import io
import zipfile

import pytest

from consult.comments import service as comments
from consult.comments.models import CommentStatus
from consult.drafts import service as drafts
from consult.extensions import db
from consult.moderation import service as moderation

# A name found nowhere else, so a page or file that shows it is easy to find.
NAME = "Zephyrine Quillfeather"
EMAIL = "zephyrine@example.org"
ORGANIZATION = "Coalition for Open Networks"


def seen(*items):
    return [(item, item.row_version) for item in items]


@pytest.fixture
def author(create_user):
    return create_user(email=EMAIL, name=NAME, organization=ORGANIZATION,
                       stakeholder_group="civil_society", country="SN")


@pytest.fixture
def authored(version, author, other_stakeholder, moderator):
    """The author's input on the sample text (paragraph 4 is operative 1, 8 is 3).

    published: a comment on paragraph 4, with another's comment merged into it, answered
    and endorsed; amendment: on paragraph 8, accepted; general: on the whole text;
    reply: the author's answer to another's comment; pending: waiting for a moderator;
    withdrawn: taken back; hidden: hidden by a moderator.
    """
    p4, p8 = drafts.get_paragraph(version, 4), drafts.get_paragraph(version, 8)
    made = {
        "published": comments.post_comment(author, version, p4,
                                           body="The Forum needs a **permanent** mandate."),
        "duplicate": comments.post_comment(other_stakeholder, version, p4,
                                           body="Make the Forum permanent, please."),
        "amendment": comments.post_comment(
            author, version, p8, kind="amendment", body="Sooner is better.",
            proposed_text="*Decides* to hold a high-level meeting in 2030."),
        "general": comments.post_comment(author, version, None, body="A good start overall."),
        "other": comments.post_comment(other_stakeholder, version, p8, body="Keep 2035."),
        "pending": comments.post_comment(author, version, p8, body="Still thinking about it."),
        "withdrawn": comments.post_comment(author, version, p4, body="Second thoughts."),
        "hidden": comments.post_comment(author, version, p4, body="Off topic text."),
    }
    db.session.commit()
    made["reply"] = comments.reply(author, made["other"], body="2030 would be better.")
    made["answer"] = comments.reply(other_stakeholder, made["published"], body="We agree.")
    made["pending"].status = CommentStatus.PENDING
    made["pending"].published_at = None
    comments.endorse(other_stakeholder, made["published"])
    comments.endorse(author, made["other"])
    comments.withdraw_comment(author, made["withdrawn"])
    db.session.commit()
    moderation.merge(moderator, seen(made["duplicate"]), into=made["published"])
    moderation.hide(moderator, seen(made["hidden"]), "Not about the text.")
    moderation.add_remark(moderator, made["published"], "Check the mandate wording.")
    db.session.commit()
    moderation.set_disposition(moderator, seen(made["published"]), "accepted",
                               "The mandate is made permanent.")
    moderation.set_disposition(moderator, seen(made["amendment"]), "not_accepted",
                               "2035 was agreed.")
    db.session.commit()
    return made


def zip_texts(data: bytes) -> dict[str, str]:
    """Every file of a zip (DOCX and XLSX are zips of XML) as text."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode("utf-8", "replace")
                for name in archive.namelist()}

