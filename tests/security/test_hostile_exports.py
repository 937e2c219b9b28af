"""Every export and API answer made from input that carries the payloads of
tests/security/payloads/ (names, organizations, titles, comments, proposals, rationales,
reasons): each is made whole (200), never a server error, and the files that are XML
inside (Word, Excel, Akoma Ntoso) still open."""

from __future__ import annotations

import io
import zipfile

import pytest
from lxml import etree

from tests.security import hostile

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

VERSION = "/c/wsis20/v/1"
EXPORTS = [
    *(f"{VERSION}/export.{extension}" for extension in ("md", "html", "docx", "xml", "pdf")),
    *(f"{VERSION}/compilation.{extension}" for extension in ("csv", "xlsx", "docx")),
    f"{VERSION}/addressed.docx",
    *(f"{VERSION}/statistics-{what}.csv" for what in ("paragraphs", "groups", "countries", "days")),
    "/profile/data.zip",
    "/api/v1/consultations/wsis20/versions/1/paragraphs/4/comments?per_page=100",
    "/api/v1/consultations/wsis20/versions/1/comments",
    "/api/v1/consultations/wsis20/versions/1/dispositions",
    "/api/v1/consultations/wsis20/versions/1/statistics",
]


@pytest.fixture
def app_config(app_config: dict) -> dict:
    return {**app_config, "RATELIMIT_ENABLED": False, "TWO_FACTOR_ROLES": ()}


def test_every_export_of_hostile_input_is_whole(client, auth, create_user):
    planted = hostile.Planted(create_user)
    assert auth.login(planted.secretariat.email).status_code == 302
    for path in EXPORTS:
        response = client.get(path)
        hostile.assert_no_server_error(response, path)
        assert response.status_code == 200, path
        data = response.get_data()
        if data[:2] == b"PK":  # Word, Excel, the data download: every XML part parses
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for name in archive.namelist():
                    if name.endswith(".xml"):
                        etree.fromstring(archive.read(name))
        elif path.endswith(".xml"):
            etree.fromstring(data)
