"""The one way text written in Markdown becomes HTML: render, then sanitise.

Python-Markdown passes raw HTML through, so its output always goes through one bleach
pass with a strict allow-list (see FACTS.md: this blocked every public XSS payload).
Templates mark only this function's output as safe.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache, partial

import bleach
import markdown
from bleach.linkifier import LinkifyFilter
from markupsafe import Markup

ALLOWED_TAGS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "code",
        "del",
        "em",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "ins",
        "li",
        "ol",
        "p",
        "pre",
        "s",
        "strong",
        "sub",
        "sup",
        "u",
        "ul",
    }
)
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"], "abbr": ["title"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener noreferrer ugc"


def _safe_link(attrs: dict, new: bool = False) -> dict:
    attrs[(None, "rel")] = LINK_REL
    return attrs


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[partial(LinkifyFilter, callbacks=[_safe_link], skip_tags={"pre", "code"})],
)
_text_only = bleach.Cleaner(tags=frozenset(), attributes={}, strip=True, strip_comments=True)
_space = re.compile(r"\s+")


_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));")


def _xml_character(code: int) -> bool:
    return (code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
            or 0x10000 <= code <= 0x10FFFF)


def _drop_unsafe_reference(match: re.Match[str]) -> str:
    code = int(match.group(1), 16) if match.group(1) else int(match.group(2))
    return match.group(0) if _xml_character(code) else ""


def render_markdown(text: str, *, line_breaks: bool = True) -> Markup:
    """Turn Markdown into sanitised HTML; with line_breaks a single newline is kept.

    A character reference to a control character (`&#14;`) is dropped: the exports parse
    this HTML as XML, which cannot hold one.
    """
    extensions = ["sane_lists"] + (["nl2br"] if line_breaks else [])
    rendered = markdown.markdown(text or "", extensions=extensions, output_format="html")
    cleaned = _REFERENCE.sub(_drop_unsafe_reference, _cleaner.clean(rendered))
    return Markup(cleaned.strip())


@lru_cache(maxsize=4096)
def plain_text(text: str) -> str:
    """Return the words of a Markdown text without markup, whitespace collapsed.

    Cached: a paragraph's page compares its text with every amendment shown on it.
    """
    rendered = markdown.markdown(text or "", extensions=["sane_lists"], output_format="html")
    return _space.sub(" ", html.unescape(_text_only.clean(rendered))).strip()


def normalize_space(text: str) -> str:
    return _space.sub(" ", text or "").strip()


def highlight(rendered: str, quote: str) -> Markup:
    """Mark the first occurrence of quote in sanitised HTML, if it lies within one text run.

    The quote is escaped before it is searched for, so only text, never markup, is
    wrapped; a quote that spans markup is left unmarked.
    """
    quote = normalize_space(quote)
    if not quote:
        return Markup(rendered)
    needle = str(html.escape(quote, quote=False))
    pattern = re.compile(r"\s+".join(re.escape(part) for part in needle.split(" ")))
    for match in pattern.finditer(rendered):
        before = rendered[: match.start()]
        if before.rfind("<") > before.rfind(">"):
            continue
        return Markup(
            before
            + '<mark class="quote-mark">'
            + match.group(0)
            + "</mark>"
            + rendered[match.end() :]
        )
    return Markup(rendered)
