"""The hostile inputs of tests/security/payloads/, and helpers to send them and check that
the database kept them exactly (as consult.fields.clean documents) or was left alone."""

from __future__ import annotations

import codecs
import datetime as dt
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import func, select

from consult.comments import service as comments
from consult.database import utcnow
from consult.drafts import service as drafts
from consult.drafts.importer import ParsedDocument, ParsedParagraph
from consult.extensions import db
from consult.fields import clean
from consult.moderation import service as moderation

HERE = Path(__file__).parent / "payloads"
MARKER = "__xss"
_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[rnt\\])")
_SIMPLE = {"r": "\r", "n": "\n", "t": "\t", "\\": "\\"}


def _decode(line: str) -> str:
    def one(match: re.Match[str]) -> str:
        code = match.group(1)
        return _SIMPLE.get(code) or chr(int(code[1:], 16))

    return _ESCAPE.sub(one, line)


def _read(name: str, escaped: bool = False) -> list[str]:
    lines = (HERE / name).read_text(encoding="utf-8").splitlines()
    found = [line for line in lines if line and not line.startswith("#")]
    return [_decode(line) for line in found] if escaped else found


XSS = _read("xss.txt")
SQL = _read("sql.txt")
UNICODE = _read("unicode.txt", escaped=True)
# A word with no space to break at, in letters of one, two, three and four UTF-8 bytes.
LONG_WORD = ("W" * 25_000 + "é" * 25_000 + "語" * 25_000 + "𝐖" * 25_000)
# Bytes no UTF-8 decoder accepts: a stray continuation, an overlong slash, a surrogate, a
# code point past U+10FFFF, and a truncated sequence.
INVALID_UTF8 = [b"\x80", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"caf\xc3"]
ALL = [*XSS, *SQL, *UNICODE]


def _percent_escape(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeDecodeError)
    bad = error.object[error.start:error.end]
    return "".join(f"%{byte:02X}" for byte in bad), error.end


codecs.register_error("consult-tests-percent", _percent_escape)


def stored_form(value: str) -> str:
    """What consult keeps of a value a client sent in a form: UTF-8 as far as it goes (a
    lone surrogate cannot be sent by a browser; bytes that are not UTF-8 are kept as their
    %XX escapes, as Werkzeug decodes them), then cleaned."""
    raw = value.encode("utf-8", "surrogatepass")
    return clean(raw.decode("utf-8", "consult-tests-percent"))


def form_body(data: dict[str, Any]) -> bytes:
    """URL-encode a form as a client that does not check its strings would: lone
    surrogates go out as their (invalid) UTF-8 bytes."""
    parts = []
    for key, value in data.items():
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            raw = item if isinstance(item, bytes) else str(item).encode("utf-8", "surrogatepass")
            parts.append(quote(key) + "=" + quote(raw, safe=""))
    return "&".join(parts).encode("ascii")


def post_form(client, path: str, data: dict[str, Any], **kwargs: Any):
    return client.post(
        path,
        data=form_body(data),
        content_type="application/x-www-form-urlencoded",
        **kwargs,
    )


def batches(payloads: Sequence[str], limit: int, separator: str = "\n") -> Iterator[str]:
    """The payloads joined into as few values as fit the limit (each at least one whole
    payload, shortened if it alone is too long), so every payload reaches every field in
    few requests."""
    current = ""
    for payload in payloads:
        payload = payload[:limit]
        joined = current + separator + payload if current else payload
        if len(joined) <= limit and len(joined.encode("utf-8", "surrogatepass")) < 60_000:
            current = joined
            continue
        if current:
            yield current
        current = payload
    if current:
        yield current


def row_counts() -> dict[str, int]:
    """Every table of the schema with its number of rows."""
    counts = {}
    for table in db.metadata.sorted_tables:
        counts[table.name] = db.session.execute(
            select(func.count()).select_from(table)
        ).scalar_one()
    return counts


CANARY_EMAIL = "canary@example.org"


def canary() -> tuple:
    """Every column of the canary account (made by the tests, touched by nothing they
    send): an injected UPDATE or DELETE would change it."""
    from consult.auth.models import User

    row = db.session.execute(
        select(User.__table__).where(User.__table__.c.email == CANARY_EMAIL)
    ).one()
    return tuple(row)


def table_names() -> set[str]:
    """The tables the database holds now, read from the database itself."""
    from sqlalchemy import inspect

    return set(inspect(db.engine).get_table_names())


def assert_no_server_error(response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code}\n" + response.get_data(
        as_text=True
    )[:2000]


# Payloads planted where people write, for the pages and exports that show them -----------

# A line of 12,000 characters with nowhere to break, in three scripts.
LONG_LINE = "Ｗ" * 4000 + "ي" * 4000 + "語" * 4000
# The Unicode cases as a form would store them, one Markdown block each.
UNICODE_TEXT = "\n\n".join(stored_form(p) for p in UNICODE)


def _chunks(payloads: list[str], size: int) -> list[list[str]]:
    return [payloads[start:start + size] for start in range(0, len(payloads), size)]


def _markdown(payloads: list[str]) -> str:
    """Each payload its own Markdown block, as someone pasting them one by one would."""
    return "\n\n".join(payloads)


class Planted:
    """The payloads stored in every field a page shows; the pages to look at."""

    def __init__(self, create_user) -> None:
        short = [p for p in XSS if len(p) <= 100]
        self.secretariat = create_user(
            email="olena@example.org", role="secretariat", name=short[0][:200],
            organization=short[1][:200],
        )
        self.moderator = create_user(email="tomas@example.org", role="moderator",
                                     name=short[2], organization=short[3])
        consultation = drafts.create_consultation(
            self.secretariat, slug="wsis20", title=short[4], summary=_markdown(XSS)[:5000]
        )
        body = _markdown(XSS)
        paragraphs = [
            ParsedParagraph("text", short[5]),
            ParsedParagraph("operative", body[:20_000], "1"),
            ParsedParagraph("operative", LONG_LINE, "2"),
            ParsedParagraph("operative", UNICODE_TEXT[:20_000], "3"),
            ParsedParagraph("operative", "*Decides* to meet again.", short[6][:30]),
        ]
        version = drafts.create_version(
            self.secretariat, consultation, label=short[7], document_symbol=short[8],
            closes_at=utcnow() + dt.timedelta(days=30),
            document=ParsedDocument(paragraphs=paragraphs),
        )
        drafts.open_version(self.secretariat, version)
        self.version = version
        paragraph = drafts.get_paragraph(version, 4)
        general = drafts.get_paragraph(version, 2)
        authors = [
            create_user(email=f"author{n}@example.org", name=name[:200],
                        organization=short[-1 - n][:200])
            for n, name in enumerate(short[9:15])
        ]
        made = []
        for n, chunk in enumerate(_chunks(XSS, 25)):
            author = authors[n % len(authors)]
            made.append(comments.post_comment(author, version, paragraph, body=_markdown(chunk)))
            made.append(comments.post_comment(
                author, version, paragraph, kind="amendment", body=chunk[0],
                proposed_text=_markdown(chunk)[:10_000],
            ))
            comments.reply(authors[(n + 1) % len(authors)], made[0], body=_markdown(chunk))
        comments.post_comment(authors[0], version, None, body=_markdown(XSS)[:20_000])
        comments.post_comment(authors[1], version, general, body=LONG_LINE + "\n\n" + UNICODE_TEXT)
        db.session.flush()
        self.comment, self.amendment, self.hidden = made[0], made[1], made[2]
        self.author = authors[0]
        moderation.set_disposition(self.moderator, [(self.amendment, self.amendment.row_version)],
                                   "accepted", _markdown(XSS)[:20_000])
        moderation.hide(self.moderator, [(self.hidden, self.hidden.row_version)],
                        _markdown(short)[:2000])
        moderation.report(authors[2], self.comment, "spam", _markdown(short)[:2000])
        moderation.add_remark(self.moderator, self.comment, _markdown(short)[:5000])
        db.session.commit()

    def pages(self) -> list[str]:
        return [
            "/",
            "/c/wsis20",
            "/c/wsis20/v/1",
            "/c/wsis20/v/1/p/2",
            "/c/wsis20/v/1/p/3",
            "/c/wsis20/v/1/p/4",
            "/c/wsis20/v/1/p/5",
            "/c/wsis20/v/1/general",
            f"/comments/{self.comment.id}",
            f"/comments/{self.amendment.id}",
            f"/comments/{self.hidden.id}",
            "/moderation",
            f"/moderation/comments/{self.comment.id}",
            f"/moderation/comments/{self.hidden.id}",
            "/c/wsis20/v/1/compilation",
            "/c/wsis20/v/1/addressed",
            "/c/wsis20/v/1/statistics",
            "/c/wsis20/v/1/export.html",
            "/profile",
            "/manage/people",
            f"/manage/people/{self.author.id}",
            "/audit",
            "/notifications",
        ]


