"""Downloading one's own data: everything consult keeps about a person, never a secret; the
secretariat can take it for a request, and the audit trail says so."""

from __future__ import annotations

import csv
import io
import json
import stat

from sqlalchemy import select

from consult.api import service as api_tokens
from consult.audit.models import AuditEvent
from consult.auth import service as accounts
from consult.comments import service as comments
from consult.drafts import service as drafts
from consult.extensions import db
from consult.people import service
from tests.conftest import PASSWORD
from tests.people.conftest import EMAIL, NAME, ORGANIZATION, zip_texts

DOWNLOAD = "/profile/data.zip"


def archive(response) -> tuple[dict, list[dict[str, str]], str]:
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert "no-store" in response.headers["Cache-Control"]
    files = zip_texts(response.get_data())
    assert set(files) == {"data.json", "comments.csv", "README.txt"}
    rows = list(csv.DictReader(io.StringIO(files["comments.csv"].lstrip("\ufeff"))))
    return json.loads(files["data.json"]), rows, files["README.txt"]


def test_a_stakeholder_downloads_everything_consult_keeps_about_them(
    client, auth, author, authored, other_stakeholder, secretariat
):
    token, secret = api_tokens.create_token(author, "Reading script")
    service.verify_organization(secretariat, author, ORGANIZATION)
    db.session.commit()
    auth.login(EMAIL)
    response = client.get(DOWNLOAD)
    assert f"consult-data-{author.id}-" in response.headers["Content-Disposition"]
    data, rows, readme = archive(response)

    assert data["account"]["email"] == EMAIL and data["account"]["name"] == NAME
    assert data["account"]["organization_verified_at"]
    mine = {key: item.id for key, item in authored.items() if item.author_id == author.id}
    by_id = {item["id"]: item for item in data["comments"]}
    assert set(by_id) == set(mine.values())  # pending, withdrawn and hidden included
    assert by_id[mine["pending"]]["status"] == "pending"
    assert by_id[mine["withdrawn"]]["status"] == "withdrawn"
    assert by_id[mine["hidden"]]["moderation_reason"] == "Not about the text."
    assert by_id[mine["amendment"]]["proposed_text"].endswith("in 2030.")
    assert by_id[mine["published"]]["disposition"] == "accepted"
    assert by_id[mine["published"]]["signed_as"]["organization_verified"] is True
    assert by_id[mine["reply"]]["in_reply_to"] == authored["other"].id
    assert [item["comment"] for item in data["endorsements"]] == [authored["other"].id]
    assert {item["kind"] for item in data["notifications"]} >= {"verified"}
    assert data["api_tokens"] == [{
        "name": "Reading script", "begins_with": token.prefix, "created_at":
        data["api_tokens"][0]["created_at"], "last_used_at": None, "revoked_at": None}]
    actions = {item["action"] for item in data["audit_events"]}
    assert {"comment.hide", "comment.disposition",
            "person.verify_organization"} <= actions
    assert not any(item["by_you"] for item in data["audit_events"])

    # Never a secret, nor a moderator's private remark or name.
    text = json.dumps(data, ensure_ascii=False)
    for secret_part in (secret, author.password_hash, "Check the mandate wording",
                        "Tomás Okafor", "Olena Kravets"):
        assert secret_part not in text
    # Nothing of the other stakeholder but what the person answered.
    assert "Li Wenjing" not in text and other_stakeholder.email not in text

    assert len(rows) == len(mine)
    assert {"Organization verified", "Status", "Text", "Proposed text"} <= set(rows[0])
    assert {row["Status"] for row in rows} == {
        "Published", "Awaiting moderation", "Withdrawn by its author", "Hidden by a moderator"}
    assert "data.json" in readme and "never" in readme


def test_the_download_is_ones_own(client, auth, author, authored, other_stakeholder):
    auth.login(other_stakeholder.email)
    data, rows, _readme = archive(client.get(DOWNLOAD))
    assert data["account"]["email"] == other_stakeholder.email
    assert NAME not in json.dumps(data, ensure_ascii=False)
    assert {item["id"] for item in data["comments"]} == {
        authored[key].id for key in ("duplicate", "other", "answer")}


def test_the_download_reads_a_fixed_number_of_queries(
    client, auth, author, authored, version, count_queries
):
    auth.login(EMAIL)

    def queries() -> int:
        with count_queries() as counter:
            archive(client.get(DOWNLOAD))
        return counter.count

    before = queries()
    for n in range(10):
        comments.post_comment(author, version, drafts.get_paragraph(version, 3 + n % 5),
                              body=f"More input, number {n}.")
    db.session.commit()
    assert queries() == before


def test_the_secretariat_takes_a_persons_data_for_a_request(
    client, auth, author, authored, secretariat
):
    auth.login(secretariat.email)
    page = client.get(f"/manage/people/{author.id}").get_data(as_text=True)
    assert "Download their data" in page
    data, _rows, _readme = archive(client.post(f"/manage/people/{author.id}/data"))
    assert data["account"]["email"] == EMAIL
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "person.export")
    ).scalar_one()
    assert (event.actor_id, event.object_id) == (secretariat.id, author.id)
    # Their own download is not recorded: it is theirs.
    auth.logout()
    auth.login(EMAIL)
    archive(client.get(DOWNLOAD))
    assert len(db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "person.export")).all()) == 1


def test_the_command_line_writes_the_file_for_its_owner_only(
    runner, tmp_path, author, authored, secretariat
):
    target = tmp_path / "export.zip"
    result = runner.invoke(args=["consult", "export-person", "--email", EMAIL,
                                 "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert "7 comments" in result.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    data = json.loads(zip_texts(target.read_bytes())["data.json"])
    assert data["account"]["email"] == EMAIL and len(data["comments"]) == 7
    assert db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "person.export")
    ).scalar_one().actor_id == secretariat.id
    result = runner.invoke(args=["consult", "export-person", "--email", "no@example.org",
                                 "--output", str(tmp_path / "none.zip")])
    assert result.exit_code == 1 and "No account has the email" in result.output
    assert not (tmp_path / "none.zip").exists()


def test_a_deleted_accounts_data_holds_no_name(author, authored, secretariat, app):
    service.delete_account(author, password=PASSWORD, confirmed=True)
    db.session.commit()
    with app.test_request_context():
        data = service.personal_data(secretariat, author)
    text = json.dumps(data, ensure_ascii=False)
    assert NAME not in text and EMAIL not in text
    assert data["account"]["deleted_at"]
    assert accounts.find_user_by_email(EMAIL) is None
