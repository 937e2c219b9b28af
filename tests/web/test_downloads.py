"""Files are sent as attachments with a name that cannot break the header or climb out of
the download folder, whatever the version's label holds. (The API itself sends JSON only:
its data comes as files through these addresses.)"""

from __future__ import annotations

import re

import pytest

HOSTILE_LABEL = 'Rev.1 "; filename=evil.exe; ../../etc/passwd \\ <b>Ünïcode</b> 草案 ‮'
SAFE_PLAIN_NAME = re.compile(r'filename="[A-Za-z0-9][A-Za-z0-9._-]*"')


def parse(disposition: str) -> tuple[str, str]:
    kind, _, rest = disposition.partition(";")
    return kind.strip(), rest


@pytest.mark.parametrize("path", [
    "/c/wsis20/v/1/export.md", "/c/wsis20/v/1/export.docx", "/c/wsis20/v/1/export.xml",
    "/c/wsis20/v/1/compilation.csv", "/c/wsis20/v/1/compilation.xlsx",
    "/c/wsis20/v/1/compilation.docx", "/c/wsis20/v/1/statistics-groups.csv",
    "/c/wsis20/v/1/addressed.docx", "/c/wsis20/redline.docx?from=1&to=2",
])
def test_downloads_are_attachments_with_a_safe_name(client, create_version, path):
    create_version(label=HOSTILE_LABEL, status="closed")
    create_version(label="Rev.2")
    response = client.get(path)
    assert response.status_code == 200, path
    disposition = response.headers["Content-Disposition"]
    kind, rest = parse(disposition)
    assert kind == "attachment"
    assert "\r" not in disposition and "\n" not in disposition
    assert disposition.isascii()
    plain = SAFE_PLAIN_NAME.search(rest)
    assert plain, disposition
    assert rest.count("filename=") == 1  # the label's own "filename=" did not get in
    assert "/" not in plain.group(0) and "\\" not in plain.group(0)  # no way out of the folder
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response.close()
