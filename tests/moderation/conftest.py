"""Comments to moderate: a version open for comments with input from several people."""

from __future__ import annotations

import pytest

from consult.comments import service as comments
from consult.drafts import service as drafts
from consult.extensions import db


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
    }


@pytest.fixture
def posted(version, people):
    """Three comments on paragraph 4 and one on paragraph 6."""
    target = drafts.get_paragraph(version, 4)
    made = {
        "gov": comments.post_comment(people["gov"], version, target,
                                     body="Make the mandate of the Forum permanent."),
        "ngo": comments.post_comment(people["ngo"], version, target, kind="amendment",
                                     body="Permanent mandate, please.",
                                     proposed_text="Reaffirms the permanent vision;"),
        "uni": comments.post_comment(people["uni"], version, target,
                                     body="We ask for a permanent mandate for the Forum."),
        "other": comments.post_comment(people["uni"], version,
                                       drafts.get_paragraph(version, 6), body="Elsewhere"),
    }
    db.session.commit()
    return made


def seen(*items):
    """The selection as a moderator's page shows it: each comment with its row version."""
    return [(item, item.row_version) for item in items]
