"""Making Rev.1 through the secretariat's pages."""

from __future__ import annotations

from consult.drafts import service as drafts
from consult.drafts.models import Version
from consult.extensions import db
from tests.revisions.test_service import proposals  # noqa: F401  (the fixture)


def text(response) -> str:
    return response.get_data(as_text=True)


def test_a_moderator_cannot_manage_versions(client, auth, proposals, moderator):  # noqa: F811
    auth.login("moderator@example.org")
    assert client.post("/manage/c/wsis20/v/1/revise", data={"label": "Rev.1"}).status_code == 403
    assert client.get("/manage/c/wsis20/v/1/changes").status_code == 403
    assert client.post("/manage/c/wsis20/v/1/close").status_code == 403
    assert db.session.execute(db.select(db.func.count()).select_from(Version)).scalar() == 1


def test_the_secretariat_makes_rev1_through_the_pages(client, auth, proposals,  # noqa: F811
                                                      secretariat):
    auth.login("secretariat@example.org")
    page = text(client.get("/manage/c/wsis20/v/1"))
    assert "Start the next version" in page
    response = client.post("/manage/c/wsis20/v/1/revise", data={"label": "Rev.1"})
    assert response.headers["Location"].endswith("/manage/c/wsis20/v/2/changes")
    page = text(client.get("/manage/c/wsis20/v/2/changes"))
    assert "3 proposals wait for a decision." in page
    assert "<ins>an inclusive and </ins>" in page or "<ins>" in page
    rev = db.session.execute(db.select(Version).where(Version.number == 2)).scalar_one()
    from consult.revisions import service

    views = {view.proposal.kind: view for view in service.changes(rev)}
    response = client.post(f"/manage/c/wsis20/v/2/changes/{views['amendment'].change.id}",
                           data={"decision": "applied"})
    assert response.status_code == 302
    response = client.post(f"/manage/c/wsis20/v/2/changes/{views['insertion'].change.id}",
                           data={"decision": "edited", "text": ""})
    assert response.status_code == 400 and "Give the text of the paragraph." in text(response)
    client.post(f"/manage/c/wsis20/v/2/changes/{views['insertion'].change.id}",
                data={"decision": "skipped"})
    client.post("/manage/c/wsis20/v/2/changes/open")
    db.session.refresh(rev)
    assert rev.status == "draft"
    client.post(f"/manage/c/wsis20/v/2/changes/{views['deletion'].change.id}",
                data={"decision": "skipped"})
    response = client.post("/manage/c/wsis20/v/2/changes/open")
    assert response.headers["Location"].endswith("/c/wsis20/v/2")
    db.session.refresh(rev)
    assert rev.status == "open"
    html = text(client.get("/c/wsis20/v/2"))
    assert "Reaffirms the vision of an inclusive and people-centred society;" in html
    assert drafts.get_paragraph(rev, 4).lineage_key == drafts.get_paragraph(
        db.session.get(Version, 1), 4).lineage_key
