"""Import files carrying the payloads of tests/security/payloads/ (plain text, Markdown,
Akoma Ntoso XML with external entities and entity expansion), and files too large: each
import is taken or refused with a message, never a server error; the version's pages and
every export still work; an XML file cannot read a local file or expand without bound; an
upload over MAX_CONTENT_LENGTH is answered by the 413 page saying what the limit is."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from consult.drafts.models import Paragraph
from consult.extensions import db
from tests.security import hostile

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

IMPORT = "/manage/c/wsis20/v/1/import"
EXPORTS = ["md", "html", "docx", "xml"]
SECRET_FILE_LINE = "root:x:0:0"  # the first line of /etc/passwd


@pytest.fixture
def app_config(app_config: dict) -> dict:
    return {**app_config, "RATELIMIT_ENABLED": False, "TWO_FACTOR_ROLES": (),
            "MAX_CONTENT_LENGTH": 2 * 1024 * 1024}


@pytest.fixture
def draft(client, auth, create_user, create_version, secretariat):
    create_user(email=hostile.CANARY_EMAIL, name="Canary")
    version = create_version(status="draft")
    assert auth.login(secretariat.email).status_code == 302
    return version


def _numbered(payloads: list[str]) -> str:
    """The payloads as the operative paragraphs of a draft, one each."""
    lines = ["The General Assembly,", ""]
    for number, payload in enumerate(payloads, start=1):
        lines += [f"{number}. {payload}", ""]
    return "\n".join(lines)


def _send(client, data: bytes, filename: str, format: str = ""):
    return client.post(IMPORT, data={"file": (io.BytesIO(data), filename), "format": format},
                       content_type="multipart/form-data")


def _bodies() -> str:
    db.session.rollback()
    return "\n".join(db.session.execute(select(Paragraph.body)).scalars())


def _pages_still_work(client) -> None:
    for path in ["/c/wsis20/v/1", "/manage/c/wsis20/v/1",
                 *[f"/c/wsis20/v/1/export.{extension}" for extension in EXPORTS]]:
        response = client.get(path)
        hostile.assert_no_server_error(response, path)
        assert response.status_code == 200, path


TEXT_FILES = {
    "xss.md": (_numbered(hostile.XSS).encode(), "markdown"),
    "xss.txt": (_numbered(hostile.XSS).encode(), "text"),
    "sql.txt": (_numbered(hostile.SQL).encode(), "text"),
    "unicode.md": (_numbered(hostile.UNICODE).encode("utf-8", "surrogatepass"), "markdown"),
    "unicode-clean.txt": (
        _numbered([hostile.stored_form(p) for p in hostile.UNICODE]).encode(), "text"
    ),
    "long-line.md": (_numbered([hostile.LONG_WORD[:60_000]]).encode(), "markdown"),
    "bom-and-crlf.txt": (b"\xef\xbb\xbf" + _numbered(hostile.SQL[:10]).replace(
        "\n", "\r\n").encode(), "text"),
    "utf16.txt": (_numbered(["Reaffirms"]).encode("utf-16"), "text"),
    "not-utf8.txt": (b"1. caf\xe9 \xff\xfe\x80", "text"),
    "empty.txt": (b"", "text"),
    "binary.md": (bytes(range(256)) * 20, "markdown"),
}


@pytest.mark.parametrize("name", list(TEXT_FILES))
def test_hostile_text_files(client, draft, name: str):
    data, format = TEXT_FILES[name]
    canary = hostile.canary()
    response = _send(client, data, name, format)
    hostile.assert_no_server_error(response, name)
    assert response.status_code == 302, name
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    flashes = page.get_data(as_text=True)
    assert "Imported" in flashes or 'class="flash flash--error"' in flashes or "error" in flashes
    _pages_still_work(client)
    assert hostile.canary() == canary


def test_payloads_arrive_in_the_text_as_written(client, draft):
    """What the importer keeps of a Markdown payload is the payload (it renders it
    sanitised later), so nothing was silently dropped or rewritten on the way in."""
    response = _send(client, _numbered(hostile.SQL).encode(), "sql.txt", "text")
    assert response.status_code == 302
    bodies = _bodies()
    kept = [p for p in hostile.SQL if p.strip() in bodies]
    assert len(kept) >= len(hostile.SQL) * 0.8, set(hostile.SQL) - set(kept)


AKN_HEAD = (
    '<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0">'
    '<statement name="resolution"><mainBody>'
)
AKN_TAIL = "</mainBody></statement></akomaNtoso>"


def _akn(body: str, doctype: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>{doctype}{AKN_HEAD}'
            f'<paragraph eId="para_1"><num>1.</num><content><p>{body}</p></content></paragraph>'
            f"{AKN_TAIL}").encode()


XML_FILES = {
    "external-entity": _akn(
        "&xxe;", '<!DOCTYPE akomaNtoso [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    ),
    "parameter-entity": _akn(
        "x", '<!DOCTYPE akomaNtoso [<!ENTITY % xxe SYSTEM "file:///etc/passwd"> %xxe;]>'
    ),
    "billion-laughs": _akn("&lol9;", "<!DOCTYPE akomaNtoso [" + "".join(
        f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10 if n else "lol"}">'
        for n in range(10)
    ) + "]>"),
    "network-dtd": _akn("x", '<!DOCTYPE akomaNtoso SYSTEM "http://127.0.0.1:9/x.dtd">'),
    "escaped-xss": _akn("".join(
        p.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + " "
        for p in hostile.XSS
    )),
    "cdata-xss": _akn("<![CDATA[" + "\n".join(hostile.XSS).replace("]]>", "") + "]]>"),
    "html-in-akn": _akn('<b>bold</b><script xmlns="http://www.w3.org/1999/xhtml">'
                        "alert(window.__xss=1)</script>"),
    "not-xml": b"<akomaNtoso><unclosed>",
}


@pytest.mark.parametrize("name", list(XML_FILES))
def test_hostile_akoma_ntoso_files(client, draft, name: str):
    canary = hostile.canary()
    response = _send(client, XML_FILES[name], f"{name}.xml", "akn")
    hostile.assert_no_server_error(response, name)
    assert response.status_code == 302, name
    bodies = _bodies()
    assert SECRET_FILE_LINE not in bodies
    assert "lollollol" not in bodies
    _pages_still_work(client)
    version_page = client.get("/c/wsis20/v/1").get_data(as_text=True)
    assert "<script>alert(window.__xss=1)" not in version_page
    assert hostile.canary() == canary


def test_a_file_over_the_upload_limit_gets_the_413_page(app, client, draft):
    before = hostile.row_counts()
    too_big = b"1. Reaffirms.\n\n" * (app.config["MAX_CONTENT_LENGTH"] // 15 + 10)
    response = _send(client, too_big, "big.txt", "text")
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "2 MB" in page or "2.0 MB" in page or "2,097,152" in page, page[:3000]
    db.session.rollback()
    assert hostile.row_counts() == before


def test_a_form_body_over_the_limit_gets_the_413_page(app, client, version, stakeholder,
                                                     auth):
    auth.logout()
    auth.login(stakeholder.email)
    before = hostile.row_counts()
    response = client.post("/c/wsis20/v/1/p/4", data={
        "kind": "comment", "body": "x" * (app.config["MAX_CONTENT_LENGTH"] + 1),
        "submission_key": "big", "send": "Send"})
    assert response.status_code == 413
    assert "larger than consult accepts" in response.get_data(as_text=True)
    db.session.rollback()
    assert hostile.row_counts() == before
