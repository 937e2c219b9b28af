"""The consolidated text of a version as Markdown, print-ready HTML and PDF, and the one
reading of a version's paragraphs that every export format shares.

Every format reads the paragraphs the same way (`read`): the masthead (symbol, date, title,
label), then top-level paragraphs each holding its lettered sub-paragraphs, and one rule for
the italic opening words of preambular and operative paragraphs (`body_tree`). So the
DOCX, the PDF and the AKN file of a version never disagree about what is a heading, what
is paragraph 12 (b) or which words are in italics.

Markdown and HTML (and AKN, in akn.py) come out as generators of byte chunks written
paragraph by paragraph, so a long version is never held twice in memory and a download
starts at once; PDF and DOCX are built whole by their libraries and come out as bytes.
The generators read only what the caller loaded (the version, its consultation, its
paragraphs), so they can run after the request that started them has ended.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import lxml.html
from babel.dates import format_date
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup

from consult.config import LANGUAGES, RTL_LANGUAGES
from consult.drafts import service as drafts
from consult.drafts.importer import (
    LEADING_ADVERBS,
    OPERATIVE_VERBS,
    PREAMBULAR_ADJECTIVES,
    PREAMBULAR_WORDS,
)
from consult.drafts.models import Paragraph, ParagraphKind, Version
from consult.i18n import FORMAT_LOCALES, number_label
from consult.markup import normalize_space, render_markdown

Progress = Callable[[int], object]

DEFAULT_LANGUAGE = "en"
# Byte chunks of about this size keep a streamed response efficient without buffering it.
CHUNK_SIZE = 32 * 1024
MAX_LEVEL = 2

# Words that may follow the opening word and belong to the phrase set in italics:
# "Calls upon", "Takes note", "Bearing in mind", "Noting with deep concern", "Recalling also".
OPENING_CONTINUATIONS: tuple[tuple[str, ...], ...] = (
    ("upon",),
    ("on",),
    ("note",),
    ("in", "mind"),
    ("into", "account"),
    ("with", "deep", "concern"),
    ("with", "grave", "concern"),
    ("with", "serious", "concern"),
    ("with", "concern"),
    ("with", "appreciation"),
    ("with", "satisfaction"),
    ("with", "regret"),
    ("also",),
    ("further",),
    ("again",),
)
# Italics mark opening words in the Latin and Cyrillic scripts only: Arabic and Chinese
# typography have no italics, and a Chinese "first word" would be the whole clause.
ITALIC_SCRIPT = re.compile(r"[A-Za-z\u00C0-\u024F\u0400-\u04FF]")
WORD = re.compile(r"\S+")
TRAILING_PUNCTUATION = ",;:.!?"
# UN sub-headings are lettered A, B, C... inside a section numbered I, II, III...
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


# The masthead ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Masthead:
    """What the title block of every format shows, in the document's language."""

    slug: str
    number: int
    title: str
    label: str
    symbol: str
    date: dt.date | None
    language: str
    started: dt.date

    @property
    def direction(self) -> str:
        return "rtl" if self.language in RTL_LANGUAGES else "ltr"

    @property
    def date_text(self) -> str:
        """The date as UN documents print it: "7 July 2027" (in the document's language)."""
        if self.date is None:
            return ""
        return format_date(
            self.date, "long", locale=FORMAT_LOCALES.get(self.language, self.language)
        )

    @property
    def running_head(self) -> str:
        return self.symbol or self.title

    @property
    def document_name(self) -> str:
        return " — ".join(part for part in (self.symbol, self.title, self.label) if part)


def check_language(language: str | None) -> str:
    """The document language to export in; English unless one of the six is asked for."""
    language = (language or DEFAULT_LANGUAGE).strip().lower()
    if language not in LANGUAGES:
        raise ValueError(f"unknown document language {language!r}")
    return language


def masthead(version: Version, language: str = DEFAULT_LANGUAGE) -> Masthead:
    """The title block of a version; its date is the day it was published, if it was."""
    published = version.published_at
    return Masthead(
        slug=version.consultation.slug,
        number=version.number,
        title=version.consultation.title,
        label=version.label,
        symbol=version.document_symbol or "",
        date=published.date() if published else None,
        language=check_language(language),
        started=version.consultation.created_at.date(),
    )


def file_stem(version: Version) -> str:
    """The name a download is saved under, before sanitising: "A/80/L.1-Zero draft"."""
    return f"{version.document_symbol or version.consultation.slug}-{version.label}"


# Reading the paragraphs -------------------------------------------------------------------


@dataclass
class Node:
    """A paragraph with its sub-paragraphs, as the export formats nest them.

    level is 0 for a paragraph, 1 for a lettered sub-paragraph, 2 below that;
    heading_level is 1 for a section heading (I., II.), 2 for a lettered sub-heading (A.).
    """

    paragraph: Paragraph
    level: int = 0
    heading_level: int = 0
    children: list[Node] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.paragraph.kind

    @property
    def label(self) -> str:
        return self.paragraph.number_label

    @property
    def size(self) -> int:
        """How many paragraphs this node holds, itself included (for progress bars)."""
        return 1 + sum(child.size for child in self.children)

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            yield from child.walk()


def load(version: Version, paragraphs: Sequence[Paragraph] | None) -> Sequence[Paragraph]:
    """The version's paragraphs in order: those given, else all of them in one query."""
    return drafts.version_paragraphs(version) if paragraphs is None else paragraphs


def read(paragraphs: Iterable[Paragraph]) -> list[Node]:
    """Nest paragraphs, given in order, under their parents; mark sub-headings.

    A sub-paragraph nests only under a parent in the same run of paragraphs (a parent id
    pointing elsewhere, which an edited draft can leave behind, makes it a paragraph of its
    own), so the text never changes order. A heading labelled with the next letter (A, B...)
    after a section heading is a sub-heading of that section.
    """
    tops: list[Node] = []
    block: dict[int, Node] = {}
    next_letter: int | None = None
    for paragraph in paragraphs:
        parent = block.get(paragraph.parent_id) if paragraph.parent_id is not None else None
        if (
            parent is not None
            and parent.level < MAX_LEVEL
            and parent.kind != ParagraphKind.HEADING
            and paragraph.kind != ParagraphKind.HEADING
        ):
            node = Node(paragraph, level=parent.level + 1)
            parent.children.append(node)
        else:
            node = Node(paragraph)
            tops.append(node)
            block = {}
            if paragraph.kind == ParagraphKind.HEADING:
                label = paragraph.number_label.strip()
                if (
                    next_letter is not None
                    and next_letter < len(LETTERS)
                    and label == LETTERS[next_letter]
                ):
                    node.heading_level = 2
                    next_letter += 1
                else:
                    node.heading_level = 1
                    next_letter = 0
        block[paragraph.id] = node
    return tops


def printed_label(label: str) -> str:
    """A number as the text prints it: "12." and "II." but "(a)" as it is."""
    return number_label(label.strip()) if label else ""


def direction_of(text: str, default: str) -> str:
    """rtl or ltr from the first letter with a strong direction, as browsers do for dir=auto."""
    for character in text:
        kind = unicodedata.bidirectional(character)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return default


# The body of a paragraph ------------------------------------------------------------------


def _clean_word(word: str) -> str:
    return word.rstrip(TRAILING_PUNCTUATION)


def _is_operative_verb(word: str) -> bool:
    """True for "Decides", and for "Decide" as declarations phrase it ("We ... Decide")."""
    word = word.lower()
    return any(form in OPERATIVE_VERBS for form in (word, word + "s", word + "es"))


def opening_length(text: str, kind: str) -> int:
    """How many characters at the start of text UN style sets in italics, 0 for none.

    Preambular paragraphs: the opening word with its adverbs ("Deeply concerned", "Recalling
    also"); operative paragraphs: the operative verb ("Calls upon", "Further requests"),
    and only when the first word really is one.
    """
    words = list(WORD.finditer(text[:200]))
    index = 0
    while index < len(words) - 1 and _clean_word(words[index].group()).lower() in LEADING_ADVERBS:
        index += 1
    if index >= len(words):
        return 0
    first = _clean_word(words[index].group())
    if not first or not ITALIC_SCRIPT.match(first):
        return 0
    if kind == ParagraphKind.OPERATIVE and not _is_operative_verb(first):
        return 0
    end = words[index].start() + len(first)
    recognised = kind == ParagraphKind.OPERATIVE or (
        first.lower() in PREAMBULAR_WORDS
        or first.lower() in PREAMBULAR_ADJECTIVES
        or first.lower().endswith("ing")
    )
    if not recognised or words[index].group() != first:
        return end
    index += 1
    extended = True
    while extended:
        extended = False
        for phrase in OPENING_CONTINUATIONS:
            found = words[index : index + len(phrase)]
            if [_clean_word(match.group()).lower() for match in found] == list(phrase):
                last = _clean_word(found[-1].group())
                end = found[-1].start() + len(last)
                index += len(phrase)
                # Punctuation after a word ends the opening phrase: "Welcoming, in this regard".
                extended = last == found[-1].group()
                break
    return end


def _emphasise_opening(tree: lxml.html.HtmlElement, kind: str) -> None:
    """Set the opening words in italics unless the Markdown already emphasises the start."""
    if not len(tree) or tree[0].tag != "p":
        return
    block = tree[0]
    text = block.text or ""
    if not text.strip():
        return
    stripped = text.lstrip()
    length = opening_length(stripped, kind)
    if not length:
        return
    emphasis = lxml.html.Element("em")
    emphasis.set("class", "opening")
    emphasis.text = stripped[:length]
    emphasis.tail = stripped[length:]
    block.text = text[: len(text) - len(stripped)] or None
    block.insert(0, emphasis)


def body_html(paragraph: Paragraph) -> str:
    return paragraph.body_html or render_markdown(paragraph.body, line_breaks=False)


def body_tree(node: Node) -> lxml.html.HtmlElement:
    """The paragraph's sanitised HTML as a <div> of blocks, opening words in italics.

    Every format walks this tree, so they all agree on the emphasis.
    """
    tree = lxml.html.fragment_fromstring(body_html(node.paragraph) or "", create_parent="div")
    if tree.text and tree.text.strip():
        paragraph = lxml.html.Element("p")
        paragraph.text, tree.text = tree.text, None
        tree.insert(0, paragraph)
    if node.level == 0 and node.kind in (ParagraphKind.PREAMBULAR, ParagraphKind.OPERATIVE):
        _emphasise_opening(tree, node.kind)
    return tree


def plain(tree: lxml.html.HtmlElement) -> str:
    return normalize_space(tree.text_content())


def inline_html(tree: lxml.html.HtmlElement) -> Markup:
    """The inline content of a body's first block, for headings."""
    if not len(tree):
        return Markup("")
    first = tree[0]
    inner = (first.text and Markup.escape(first.text) or "") + "".join(
        lxml.html.tostring(child, encoding="unicode") for child in first
    )
    return Markup(inner)


# Markdown ---------------------------------------------------------------------------------


def markdown(
    version: Version,
    paragraphs: Sequence[Paragraph] | None = None,
    *,
    language: str = DEFAULT_LANGUAGE,
    progress: Progress | None = None,
) -> Iterator[bytes]:
    """The text as Markdown in the layout the importer reads back (`# Title`, the symbol,
    `## I. Heading`, `1. Text`, `(a) Text`), so an export can become the next draft.

    The version label goes in an HTML comment: the importer skips it, a reader still sees
    it in the source.
    """
    head = masthead(version, language)
    nodes = read(load(version, paragraphs))
    return _chunks(_markdown_pieces(head, nodes, progress))


def _markdown_pieces(head: Masthead, nodes: list[Node], progress: Progress | None) -> Iterator[str]:
    yield f"# {normalize_space(head.title)}\n\n"
    if head.symbol:
        yield f"{head.symbol}\n\n"
    if head.date:
        yield f"{head.date_text}\n\n"
    label = normalize_space(head.label).replace("--", "–")
    yield f"<!-- {label} -->\n\n"
    for node in nodes:
        for item in node.walk():
            yield _markdown_paragraph(item) + "\n\n"
        if progress:
            progress(node.size)


def _markdown_paragraph(node: Node) -> str:
    paragraph = node.paragraph
    body = paragraph.body.strip()
    label = printed_label(paragraph.number_label)
    if node.kind == ParagraphKind.HEADING:
        hashes = "#" * (node.heading_level + 1)
        return (
            f"{hashes} {label} {normalize_space(body)}"
            if label
            else f"{hashes} {normalize_space(body)}"
        )
    return f"{label} {body}" if label else body


def _chunks(pieces: Iterable[str], size: int = CHUNK_SIZE) -> Iterator[bytes]:
    """Gather small strings into UTF-8 chunks of about `size` bytes."""
    buffer: list[str] = []
    length = 0
    for piece in pieces:
        buffer.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(buffer).encode("utf-8")
            buffer, length = [], 0
    if buffer:
        yield "".join(buffer).encode("utf-8")


# HTML and PDF -----------------------------------------------------------------------------


def css_string(text: str) -> str:
    """A CSS string literal that no text can break out of (quotes, backslashes, </style>)."""
    escaped = "".join(
        character
        if character.isalnum() or character in " .,;:/+-_()[]'!?&@#%*="
        else f"\\{ord(character):x} "
        for character in text
    )
    return f'"{escaped}"'


def page_counter_css(language: str) -> Markup:
    """CSS content for the footer, "Page 3 of 12" in the document's language."""
    with force_locale(language):
        words = _("Page %(page)s of %(pages)s", page="\x00page\x00", pages="\x00pages\x00")
    parts = words.split("\x00")
    content = []
    for index, part in enumerate(parts):
        if index % 2:
            content.append(f"counter({part})")
        elif part:
            content.append(css_string(part))
    return Markup(" ".join(content))


@dataclass(frozen=True)
class HtmlParagraph:
    """What the template needs to show one paragraph."""

    node: Node
    body: Markup
    number: str
    direction: str | None

    @property
    def paragraph(self) -> Paragraph:
        return self.node.paragraph


def _html_paragraph(node: Node, default_direction: str) -> HtmlParagraph:
    tree = body_tree(node)
    number = printed_label(node.label)
    direction = direction_of(plain(tree), default_direction)
    if node.kind == ParagraphKind.HEADING:
        return HtmlParagraph(
            node, inline_html(tree), number, _differs(direction, default_direction)
        )
    if number:
        first = tree[0] if len(tree) and tree[0].tag == "p" else None
        if first is None:
            first = lxml.html.Element("p")
            tree.insert(0, first)
        span = lxml.html.Element("span")
        span.set("class", "num")
        span.text = number
        span.tail = first.text
        first.text = None
        first.insert(0, span)
    body = "".join(lxml.html.tostring(child, encoding="unicode") for child in tree)
    return HtmlParagraph(node, Markup(body), number, _differs(direction, default_direction))


def _differs(direction: str, default: str) -> str | None:
    return direction if direction != default else None


def _html_items(
    head: Masthead, nodes: list[Node], progress: Progress | None
) -> Iterator[HtmlParagraph]:
    for node in nodes:
        for item in node.walk():
            yield _html_paragraph(item, head.direction)
        if progress:
            progress(node.size)


def html(
    version: Version,
    paragraphs: Sequence[Paragraph] | None = None,
    *,
    language: str = DEFAULT_LANGUAGE,
    progress: Progress | None = None,
) -> Iterator[bytes]:
    """A standalone HTML document laid out like a UN document, ready to print (A4, running
    header with the symbol, "page x of y"); it is also what the PDF is made from.
    """
    head = masthead(version, language)
    nodes = read(load(version, paragraphs))
    template = current_app.jinja_env.get_template("exports/document.html")
    stream = template.generate(
        head=head,
        items=_html_items(head, nodes, progress),
        running_head=Markup(css_string(head.running_head)),
        page_counter=page_counter_css(head.language),
    )
    return _chunks(stream)


def pdf(
    version: Version,
    paragraphs: Sequence[Paragraph] | None = None,
    *,
    language: str = DEFAULT_LANGUAGE,
    progress: Progress | None = None,
) -> bytes:
    """The print-ready HTML laid out in pages by WeasyPrint.

    Fonts come from the system through the CSS font-family lists: Times New Roman or its
    metric twin Liberation Serif for Latin text, DejaVu for Cyrillic and Arabic, Noto CJK
    for Chinese.
    """
    # WeasyPrint logs every step and page at INFO (from its import on), which would bury
    # the export command's output.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from weasyprint import HTML

    document = b"".join(html(version, paragraphs, language=language, progress=progress))
    return HTML(string=document.decode("utf-8")).write_pdf()


# Formats and file names -------------------------------------------------------------------

FORMAT_NAMES = ("md", "html", "docx", "pdf", "akn")
UNSAFE_IN_NAME = re.compile(r"[^\w.+-]+")
UNSAFE_IN_ASCII_NAME = re.compile(r"[^A-Za-z0-9.+_-]+")


@dataclass(frozen=True)
class Format:
    """One export format of the consolidated text."""

    name: str
    extension: str
    media_type: str
    render: Callable[..., Iterator[bytes] | bytes]
    inline: bool = False  # shown in the browser (to print) rather than saved


def formats() -> dict[str, Format]:
    """Every format, by the name the command line uses; imported when first asked for, so
    starting the application does not load python-docx and WeasyPrint."""
    from consult.exports import akn, docx

    return {
        "md": Format("md", "md", "text/markdown; charset=utf-8", markdown),
        "html": Format("html", "html", "text/html; charset=utf-8", html, inline=True),
        "docx": Format("docx", "docx", docx.MEDIA_TYPE, docx.docx),
        "pdf": Format("pdf", "pdf", "application/pdf", pdf),
        "akn": Format("akn", "xml", f"{akn.MEDIA_TYPE}; charset=utf-8", akn.akn),
    }


def download_name(version: Version, extension: str) -> str:
    """A file name from the symbol (or short name) and label, safe on every system:
    "WSIS+20-FORUM-2027-L.1-Zero-draft.pdf". Letters of any script are kept."""
    stem = UNSAFE_IN_NAME.sub("-", unicodedata.normalize("NFC", file_stem(version)))
    stem = re.sub(r"-{2,}", "-", stem).strip("-.") or version.consultation.slug
    return f"{stem}.{extension}"


def ascii_name(name: str) -> str:
    """The same name in ASCII, for the plain `filename` of Content-Disposition."""
    decomposed = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    stem, _dot, extension = decomposed.rpartition(".")
    stem = re.sub(r"-{2,}", "-", UNSAFE_IN_ASCII_NAME.sub("-", stem)).strip("-.") or "document"
    return f"{stem}.{extension}"
