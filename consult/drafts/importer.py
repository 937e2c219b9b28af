"""Reading a draft from a file: plain text, Markdown or Akoma Ntoso XML.

Drafts reach the secretariat as text pasted from Word, as Markdown, or as AKN exported by a
UN or ITU system. All three become the same flat list of paragraphs with a kind and a level,
so nothing after the import looks at the file again. Real files are messy (wrapped lines,
missing numbers, AKN converted from PDF), so the reader guesses where it must and says so in
the warnings: a wrong guess that is visible costs a minute, a hidden one costs a comment.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from flask_babel import format_number
from flask_babel import gettext as _
from lxml import etree

from consult.errors import Invalid


@dataclass
class ParsedParagraph:
    """One paragraph as found in the file.

    kind is one of heading, preambular, operative, text; number_label is the number as
    printed without its trailing full stop ("12", "(a)", "I"); body is Markdown; level is
    0 for a paragraph, 1 for a sub-paragraph of the nearest level-0 one above, 2 below that.
    """

    kind: str
    body: str
    number_label: str = ""
    level: int = 0


@dataclass
class ParsedDocument:
    title: str = ""
    document_symbol: str = ""
    paragraphs: list[ParsedParagraph] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class ImportFailed(Invalid):
    """The file could not be read; the message says where."""


FORMATS = ("text", "markdown", "akn")

EXTENSION_FORMATS = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".xml": "akn",
    ".akn": "akn",
}

MAX_LEVEL = 2
# Longest label and title the database columns hold (Paragraph.number_label, Consultation.title).
LABEL_MAX_LENGTH = 30
TITLE_MAX_LENGTH = 300
# Longest paragraph the importer and the paragraph form take. Real ones run long (a block
# of the ITU Final Acts has 22,847 characters); far longer is a file that lost its breaks.
PARAGRAPH_MAX_LENGTH = 100_000
# A file is "near the top" for symbols and masthead lines within this many lines.
FRONT_MATTER_LINES = 20


# Vocabulary of UN and ITU resolutions ---------------------------------------------------------

# Words that may precede the opening participle or adjective ("Further recalling").
LEADING_ADVERBS = frozenset(
    {
        "also", "further", "deeply", "gravely", "seriously", "fully", "strongly", "firmly",
        "profoundly", "once", "again",
    }
)

PREAMBULAR_WORDS = frozenset(
    {
        "recalling", "reaffirming", "recognizing", "recognising", "noting", "acknowledging",
        "welcoming", "emphasizing", "emphasising", "stressing", "bearing", "mindful",
        "convinced", "concerned", "aware", "conscious", "taking", "having", "guided",
        "expressing", "underlining", "affirming", "considering", "reiterating", "highlighting",
        "determined", "alarmed", "cognizant", "cognisant", "desiring", "observing",
        "appreciating", "believing", "commending", "deploring", "regretting", "encouraged",
        "seized", "committed", "underscoring", "realizing", "realising",
    }
)
PREAMBULAR_ADJECTIVES = frozenset(
    {
        "mindful", "convinced", "concerned", "aware", "conscious", "cognizant", "cognisant",
        "determined", "alarmed", "encouraged", "guided", "desirous", "committed", "confident",
        "disturbed", "appreciative", "grateful", "seized", "resolved", "dismayed", "heartened",
    }
)
# Words ending in -ing that do not open a preambular paragraph.
NOT_PARTICIPLES = frozenset(
    {
        "nothing", "during", "something", "anything", "everything", "beijing", "spring",
        "string", "thing", "things", "king", "bring", "notwithstanding", "pending", "including",
        "concerning", "regarding", "according", "following", "morning", "evening", "ceiling",
    }
)
OPERATIVE_VERBS = frozenset(
    {
        "decides", "requests", "calls", "encourages", "invites", "urges", "reaffirms",
        "recognizes", "recognises", "notes", "takes", "welcomes", "emphasizes", "emphasises",
        "stresses", "underlines", "underscores", "affirms", "acknowledges", "expresses",
        "recommends", "endorses", "adopts", "approves", "commits", "agrees", "supports",
        "reiterates", "declares", "resolves", "instructs", "authorizes", "authorises",
        "appeals", "condemns", "deplores", "considers", "highlights", "recalls", "designates",
        "establishes", "proclaims", "demands", "appreciates", "commends", "congratulates",
        "regrets", "confirms", "concludes", "believes", "renews", "pledges", "undertakes",
        "looks", "requires", "reminds", "directs", "charges", "asks", "entrusts", "accepts",
        "observes", "elects", "appoints", "thanks",
    }
)

STATE_KINDS = {"start": "text", "preamble": "preambular", "operative": "operative"}


# Regular expressions -------------------------------------------------------------------------

LINE_BREAK = re.compile(r"\r\n|\r|\n|\f|\v")
VALID_ROMAN = re.compile(
    r"(?=[mdclxvi])m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})", re.IGNORECASE
)
LABEL_PARTS = re.compile(r"(\(?)(\d+(?:\.\d+)*|[A-Za-z]{1,6})([.)]?)")

# Paragraph labels at the start of a block. "em" allows the label itself in bold: **12.**
SECTION_LABEL = re.compile(
    r"(?P<em>\*\*|__)?(?P<label>[IVXLCDM]{2,7}|[A-Z])\\?\.(?(em)(?P=em))(?:\s+(?P<rest>.*))?$"
)
SUBNUMBER_LABEL = re.compile(
    r"(?P<em>\*\*|__)?(?P<label>\d{1,3}(?:\.\d{1,3})+)\\?\.?(?(em)(?P=em))(?:\s+(?P<rest>.*))?$"
)
NUMBER_LABEL = re.compile(
    r"(?P<em>\*\*|__)?(?P<label>\d{1,3})\\?[.)](?(em)(?P=em))(?:\s+(?P<rest>.*))?$"
)
PARENTHESISED_LABEL = re.compile(
    r"(?P<em>\*\*|__|\*|_)?(?P<label>\\?\((?P<inner>[a-z]{1,5})\\?\))(?(em)(?P=em))"
    r"(?:\s+(?P<rest>.*))?$"
)
HALF_PARENTHESIS_LABEL = re.compile(
    r"(?P<em>\*\*|__|\*|_)?(?P<label>(?P<inner>[a-z]{1,5})\\?\))(?(em)(?P=em))"
    r"(?:\s+(?P<rest>.*))?$"
)
LETTER_DOT_LABEL = re.compile(r"(?P<label>(?P<inner>[a-z]|[ivx]{2,5}))\.\s+(?P<rest>.*)$")
BARE_NUMBER_LABEL = re.compile(r"(?P<label>\d{1,3})\s+(?P<rest>[a-z].*)$")
# In AKN text: "a) relevant resolutions" when the converter lost the num element.
LEADING_ITEM_LABEL = re.compile(r"(?P<label>\(?(?:[a-z]{1,5}|\d{1,3})\))\s+(?P<rest>\S.*)$")

MARKDOWN_HEADING = re.compile(r"(?P<hashes>#{1,6})\s+(?P<text>.*?)(?:\s+#+)?\s*$")
BULLET = re.compile(r"(?:[-*+•◦▪‣–]|\\-)\s+")
THEMATIC_BREAK = re.compile(r"(?:(?:\*\s*){3,}|(?:-\s*){3,}|(?:_\s*){3,}|={3,})$")
HTML_COMMENT = re.compile(r"<!--.*-->$")
# Lines a PDF leaves behind: "- 2 -", "Page 3 of 12", the UN job number "25-12345 (E)".
PAGE_FURNITURE = re.compile(
    r"(?:[-–]\s*)?\d{1,4}(?:\s*[-–])?|(?i:page)\s+\d+(?:\s+of\s+\d+)?"
    r"|\d{2}-\d{5}(?:\s*\([A-Z]\))?|\*\d{7}\*"
)
BLOCKQUOTE = re.compile(r"^(?:>\s?)+")
FENCE = re.compile(r"(?:```|~~~)")

# A document symbol: A/80/L.12, A/RES/70/125, E/CN.16/2025/L.1, S/RES/2334 (2016),
# WSIS+20/FORUM/2027/L.1.
UN_SYMBOL = re.compile(
    r"(?:[A-Z][A-Z0-9+]{0,11}(?:\.\d+)?)(?:/[A-Za-z0-9][A-Za-z0-9.+\-]*)+(?:\s*\(\d{4}\))?"
)
# ITU and other bodies number their texts instead: "RESOLUTION 140 (REV. DUBAI, 2018)".
DOCUMENT_NUMBER_LINE = re.compile(
    r"(?i:resolution|decision|recommendation|opinion)\s+\d{1,4}(?:/\d{1,4})?(?:\s*\([^()]{1,60}\))?"
)
MASTHEAD_LINE = re.compile(
    r"(?:Distr\.?:?\s.*|Original:\s.*|Agenda items?\s.*|Item \d+.*|[A-Z][a-z]+(?:-[a-z]+)?"
    r" session|United Nations|General Assembly|Security Council|Economic and Social Council"
    r"|Human Rights Council|\d{1,2}\s+[A-Z][a-z]+\s+\d{4}|(?:Revised )?[Dd]raft"
    r" (?:resolution|decision)(?: submitted by .*)?|Advance unedited version"
    r"|(?:Resolution|Decision) adopted by the .*)$"
)
# "70/125. Outcome document …": the resolution number in front of a GA title.
TITLE_NUMBER = re.compile(r"\d{1,3}/\d{1,4}\.\s+")
ENACTING_FORMULA = re.compile(r"(?:The\s+\S.{0,200}?|We,?\s.{0,1500}?)[,:]$", re.DOTALL)
TERMINAL_PUNCTUATION = re.compile(r"[.;:,]$")
WRAPPING_EMPHASIS = re.compile(r"(?P<em>\*\*|__|\*|_)(?P<inner>[^*_].*?)(?P=em)$")
EMPHASIS_MARKERS = re.compile(r"[*_]+")
# The text between the markers holds no underscore, so a search never runs to the end of
# the line from every underscore (quadratic on "_a _a _a …").
UNDERSCORE_STRONG = re.compile(r"(?<![\w\\])__(?=[^\s_])([^_]+?)(?<=\S)__(?!\w)")
UNDERSCORE_EMPHASIS = re.compile(r"(?<![\w\\_])_(?=[^\s_])([^_]+?)(?<=[^\s\\])_(?![\w_])")
ITALIC_VERB = re.compile(r"(?:\*|_)(?:Also |Further |Strongly )?[A-Z][a-z]+s(?: upon| on)?(?:\*|_)")
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
BLOCK_START_MARKUP = re.compile(r"^(?:(\d{1,9})([.)])(?=\s)|([#>+\-])(?=\s))")

# Markdown that text from XML must not accidentally produce.
MARKDOWN_SPECIAL = re.compile(r"[\\`*<]|(?<![^\W_])_|_(?![^\W_])")
FOOTNOTE_SEPARATOR = re.compile(r"\s*(?:\\_){5,}\s*")
FOOTNOTE_NUMBER = re.compile(r"(?P<number>\d{1,2}|\\\*)\s+(?P<text>\S.*)$")
TRAILING_CLAUSE_HEADING = re.compile(
    r"(?P<head>.*[,;.])\s+(?P<tail>(?:(?:further|also) )?(?:resolves|decides|instructs|invites"
    r"|requests|encourages|urges|calls upon|authorizes|recommends|appeals to)\b[^.;:\d]{0,250})$",
    re.DOTALL,
)
TRAILING_PREAMBULAR_INTRO = re.compile(
    r"(?P<head>.*[,;.])\s+(?P<tail>(?:(?:further|also) )?(?:[a-z]{2,}ing|mindful|conscious"
    r"|aware|convinced|concerned|having [a-z]+)(?: [a-z]+){0,4})$",
    re.DOTALL,
)

# Akoma Ntoso element names, by role.
AKN_DOCUMENT_TYPES = frozenset(
    {
        "act", "amendment", "amendmentList", "bill", "debate", "debateReport", "doc",
        "documentCollection", "judgment", "officialGazette", "portion", "statement",
    }
)
AKN_COLLECTIONS = frozenset({"documentCollection", "officialGazette", "amendmentList"})
AKN_BODIES = frozenset(
    {"mainBody", "body", "judgmentBody", "debateBody", "amendmentBody", "portionBody"}
)
AKN_HIERARCHY = frozenset(
    {
        "section", "part", "chapter", "title", "subtitle", "book", "tome", "division",
        "subdivision", "hcontainer", "article", "subsection", "subpart", "subchapter",
        "debateSection", "clause", "rule", "level", "transitional",
    }
)
AKN_UNITS = frozenset(
    {"paragraph", "subparagraph", "point", "item", "indent", "alinea", "list", "subclause"}
)
AKN_SKIPPED = frozenset(
    {"meta", "preface", "coverPage", "components", "num", "heading", "subheading",
     "componentRef", "documentRef", "interstitial", "toc"}
)
AKN_ITALIC = frozenset({"i", "em"})
AKN_BOLD = frozenset({"b", "strong"})
AKN_BREAKS = frozenset({"p", "br", "eol", "eop", "block", "blockContainer", "tblock"})
AKN_NOTES = frozenset({"authorialNote", "note"})


# Small helpers -------------------------------------------------------------------------------


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _plain(text: str) -> str:
    """The text without Markdown emphasis markers, for recognising words."""
    return _collapse(EMPHASIS_MARKERS.sub("", text.replace("\\", "")))


def _unwrap(text: str) -> str:
    """A heading wholly in bold or italics is just a heading."""
    match = WRAPPING_EMPHASIS.match(text)
    return match.group("inner").strip() if match else text


def _normalise_emphasis(text: str) -> str:
    """Underscore emphasis becomes the asterisks consult uses everywhere."""
    text = UNDERSCORE_STRONG.sub(r"**\1**", text)
    return UNDERSCORE_EMPHASIS.sub(r"*\1*", text)


def _guard_block_start(body: str) -> str:
    """A body that begins like a Markdown list or heading would render as one: escape it."""

    def escape(match: re.Match[str]) -> str:
        if match.group(1):
            return f"{match.group(1)}\\{match.group(2)}"
        return f"\\{match.group(3)}"

    return BLOCK_START_MARKUP.sub(escape, body, count=1)


def _markdown_body(text: str) -> str:
    return _guard_block_start(_normalise_emphasis(_collapse(text)))


def _opening_words(text: str, count: int = 3) -> list[str]:
    """The first words in lower case, leading adverbs such as "Further" skipped."""
    words = [word.lower() for word in WORD.findall(_plain(text)[:200])]
    index = 0
    while index < len(words) - 1 and words[index] in LEADING_ADVERBS:
        index += 1
    return words[index : index + count]


def _opens_preambular(text: str, listed_only: bool = False) -> bool:
    """Whether a paragraph opens like a preambular one ("Recalling", "Deeply concerned")."""
    words = _opening_words(text)
    if not words:
        return False
    first = words[0]
    if first in PREAMBULAR_WORDS:
        return True
    if listed_only:
        return False
    if first in PREAMBULAR_ADJECTIVES:
        return True
    return first.endswith("ing") and len(first) >= 5 and first not in NOT_PARTICIPLES


def _opens_operative(text: str) -> bool:
    """Whether a paragraph opens with a UN operative verb ("Decides", "Calls upon")."""
    words = _opening_words(text)
    return bool(words) and words[0] in OPERATIVE_VERBS


def _ends_clause(line: str) -> bool:
    return bool(TERMINAL_PUNCTUATION.search(_plain(line).rstrip("\"'”’)] ")))


def _is_all_caps(plain: str) -> bool:
    letters = [char for char in plain if char.isalpha()]
    short = len(plain.split()) <= 25
    return short and len(letters) >= 3 and all(char.isupper() for char in letters)


def _looks_like_heading(plain: str) -> bool:
    """A short line without closing punctuation, starting with a capital or a digit."""
    return (
        bool(plain)
        and len(plain.split()) <= 15
        and len(plain) <= 150
        and not TERMINAL_PUNCTUATION.search(plain)
        and (plain[0].isupper() or plain[0].isdigit())
    )


def _is_intro_phrase(plain: str) -> bool:
    """An ITU preamble intro such as "considering", "recalling further", "bearing in mind"."""
    words = plain.split()
    return (
        1 <= len(words) <= 5
        and not TERMINAL_PUNCTUATION.search(plain)
        and _opens_preambular(plain)
    )


def _is_clause_heading(plain: str) -> bool:
    """An ITU operative clause heading: "resolves", "instructs the Secretary-General"."""
    words = plain.split()
    return (
        1 <= len(words) <= 14
        and plain[:1].islower()
        and not TERMINAL_PUNCTUATION.search(plain)
        and _opens_operative(plain)
    )


def _is_enacting_formula(plain: str) -> bool:
    if not ENACTING_FORMULA.fullmatch(plain):
        return False
    limit = 25 if plain.startswith("The") else 250
    return len(plain.split()) <= limit


def _is_symbol(plain: str) -> bool:
    """A UN symbol such as A/80/L.12, or an ITU number such as RESOLUTION 140 (REV. …)."""
    if DOCUMENT_NUMBER_LINE.fullmatch(plain):
        return True
    return bool(UN_SYMBOL.fullmatch(plain)) and any(char.isdigit() for char in plain)


def _roman_value(text: str) -> int:
    """The value of a roman numeral, or 0 when the text is not one."""
    text = text.lower()
    if not text or not VALID_ROMAN.fullmatch(text):
        return 0
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
    total = 0
    for index, char in enumerate(text):
        value = values[char]
        following = values[text[index + 1]] if index + 1 < len(text) else 0
        total += -value if value < following else value
    return total


def _roman(number: int) -> str:
    parts = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
             (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    result = ""
    for value, letters in parts:
        while number >= value:
            result += letters
            number -= value
    return result


def _next_labels(label: str) -> list[str]:
    """The labels that can follow this one: "9" → "10", "i)" → "ii)" or "j)"."""
    match = LABEL_PARTS.fullmatch(label)
    if not match:
        return []
    opening, core, closing = match.groups()
    cores: list[str] = []
    if core.isdigit():
        cores.append(str(int(core) + 1))
    elif core[0].isdigit():
        head, _dot, last = core.rpartition(".")
        cores.append(f"{head}.{int(last) + 1}")
    else:
        value = _roman_value(core)
        if value:
            following = _roman(value + 1)
            cores.append(following.upper() if core.isupper() else following)
        if len(core) == 1 and core.lower() != "z":
            cores.append(chr(ord(core) + 1))
    return [f"{opening}{candidate}{closing}" for candidate in cores]


def _label_text(num: str) -> str:
    """A label as printed, without its trailing full stop: "12." → "12", "(a)" stays."""
    return _collapse(num).rstrip(".:").strip()[:LABEL_MAX_LENGTH]


# Decoding ------------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    """UTF-8 (BOM or not) or UTF-16 with a BOM; anything else fails saying where."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise ImportFailed(
                _("The file starts like UTF-16 but byte %(offset)d is not valid UTF-16; "
                  "save the file as UTF-8.", offset=error.start),
                field="file",
            ) from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data:
        line, column = _position(data, data.index(b"\x00"))
        raise ImportFailed(
            _("line %(line)d, column %(column)d: byte 0x00; the file looks like UTF-16 without "
              "a byte order mark; save the file as UTF-8", line=line, column=column),
            field="file",
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _position(data, error.start)
        raise ImportFailed(
            _("line %(line)d, column %(column)d: byte 0x%(byte)02X is not UTF-8; "
              "save the file as UTF-8", line=line, column=column, byte=data[error.start]),
            field="file",
        ) from None


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """Line and column (in characters, from 1) of a byte offset in UTF-8 data."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    line = data.count(b"\n", 0, offset) + 1
    return line, len(data[line_start:offset].decode("utf-8", errors="replace")) + 1


def _guess_format(data: bytes, filename: str) -> str:
    lowered = filename.lower()
    for extension, name in EXTENSION_FORMATS.items():
        if lowered.endswith(extension):
            return name
    head = data[:400]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    head = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return "akn" if head.startswith(b"<") else "text"


# Plain text and Markdown: lines into blocks -------------------------------------------------


@dataclass
class _Label:
    kind: str  # section, number, subnumber, bare, letter, roman, ambiguous
    label: str  # as printed, without a trailing full stop
    inner: str  # the letter, numeral or number alone
    rest: str


def _match_label(text: str) -> _Label | None:
    """The paragraph label a block starts with, if any."""
    match = SECTION_LABEL.match(text)
    if match and (len(match.group("label")) == 1 or _roman_value(match.group("label"))):
        label = match.group("label")
        return _Label("section", label, label, match.group("rest") or "")
    match = SUBNUMBER_LABEL.match(text)
    if match:
        label = match.group("label")
        return _Label("subnumber", label, label, match.group("rest") or "")
    match = NUMBER_LABEL.match(text)
    if match:
        label = match.group("label")
        return _Label("number", label, label, match.group("rest") or "")
    for pattern in (PARENTHESISED_LABEL, HALF_PARENTHESIS_LABEL, LETTER_DOT_LABEL):
        match = pattern.match(text)
        if match:
            inner = match.group("inner")
            kind = _letter_kind(inner)
            if kind:
                label = match.group("label").replace("\\", "")
                if pattern is LETTER_DOT_LABEL:
                    label = inner
                return _Label(kind, label, inner, match.group("rest") or "")
    match = BARE_NUMBER_LABEL.match(text)
    if match:
        label = match.group("label")
        return _Label("bare", label, label, match.group("rest"))
    return None


def _letter_kind(inner: str) -> str:
    """letter for (a), roman for (iv), ambiguous for (i), (v), (x); "" for (see)."""
    if inner in ("i", "v", "x"):
        return "ambiguous"
    if len(inner) > 1 and 0 < _roman_value(inner) < 40:
        return "roman"
    if len(inner) == 1 or (len(set(inner)) == 1 and len(inner) <= 3):
        return "letter"
    return ""


@dataclass
class _Block:
    """Lines that belong to one paragraph, with where they start."""

    line: int
    lines: list[str]
    indent: int = 0
    heading_level: int = 0
    closed: bool = False

    @property
    def text(self) -> str:
        return _collapse(" ".join(self.lines))


def _split_blocks(text: str, markdown: bool) -> list[_Block]:
    """Cut the text into paragraphs: at blank lines, and where a line starts a new one."""
    blocks: list[_Block] = []
    current: _Block | None = None
    expected_number = 1
    in_fence = False
    lines = [raw.expandtabs(4).rstrip() for raw in LINE_BREAK.split(text)]
    for index, line in enumerate(lines):
        number = index + 1
        stripped = line.strip()
        if markdown and FENCE.match(stripped):
            in_fence = not in_fence
            current = None
            continue
        if not stripped or (not in_fence and _is_separator(stripped)):
            current = None
            continue
        if markdown:
            stripped = BLOCKQUOTE.sub("", stripped) or stripped
        indent = len(line) - len(line.lstrip())
        heading = MARKDOWN_HEADING.fullmatch(stripped)
        if heading and not in_fence:
            level = len(heading.group("hashes"))
            blocks.append(_Block(number, [heading.group("text")], indent, level, closed=True))
            current = None
            continue
        front_matter = number <= FRONT_MATTER_LINES and _is_front_matter_line(stripped)
        following = lines[index + 1].strip() if index + 1 < len(lines) else ""
        if (
            current is None
            or current.closed
            or front_matter
            or _starts_block(stripped, current, expected_number, following)
        ):
            label = _match_label(stripped)
            if label and label.kind in ("number", "bare"):
                expected_number = int(label.inner) + 1
            current = _Block(number, [stripped], indent, closed=front_matter)
            blocks.append(current)
        else:
            current.lines.append(stripped)
    return blocks


def _is_separator(stripped: str) -> bool:
    """Rules, comments and page furniture: they end a paragraph and are not one."""
    return any(
        pattern.fullmatch(stripped) for pattern in (THEMATIC_BREAK, HTML_COMMENT, PAGE_FURNITURE)
    )


def _is_front_matter_line(stripped: str) -> bool:
    plain = _plain(stripped)
    return _is_symbol(plain) or bool(MASTHEAD_LINE.fullmatch(plain))


def _starts_block(line: str, current: _Block, expected_number: int, following: str) -> bool:
    """Whether a line begins a new paragraph although no blank line comes before it."""
    previous = current.lines[-1]
    previous_label = _match_label(previous) if len(current.lines) == 1 else None
    if previous_label and not previous_label.rest:
        return False
    if BULLET.match(line):
        return True
    label = _match_label(line)
    ends = _ends_clause(previous)
    lone = len(current.lines) == 1 and _is_lone_line(_plain(previous))
    plain = _plain(line)
    if label:
        return _label_starts_block(label, ends or lone, expected_number)
    if lone:
        return plain[:1].isupper() or plain.split(" ", 1)[0] in ("that", "to")
    if _is_enacting_formula(plain) or _is_all_caps(plain) or (ends and _is_lone_line(plain)):
        return True
    if plain[:1].isupper() and (
        _opens_preambular(plain, listed_only=True) or _opens_operative(plain)
    ):
        return True
    if ends and _looks_like_heading(plain) and len(plain.split()) <= 10:
        following_plain = _plain(following)
        return not following_plain or following_plain[:1].isupper() or bool(
            _match_label(following)
        )
    if ends and line[:1] in "*_":
        return _opens_preambular(plain)
    if len(current.lines) == 1 and plain[:1].isupper():
        previous_plain = _plain(previous)
        short = len(previous_plain.split()) <= 8 and _looks_like_heading(previous_plain)
        return short or _is_all_caps(previous_plain)
    return False


def _label_starts_block(label: _Label, after_break: bool, expected_number: int) -> bool:
    """Numbers start a paragraph after a clause ends or when they are next in sequence;
    "(a)" and "I." always do. A bare "1 " only counts in sequence and after a break."""
    if label.kind in ("number", "subnumber"):
        in_sequence = label.kind == "number" and int(label.inner) in (expected_number, 1)
        return after_break or in_sequence
    if label.kind == "bare":
        return after_break and int(label.inner) in (expected_number, 1)
    return True


def _is_lone_line(plain: str) -> bool:
    """A line that is a paragraph on its own: an ITU intro or clause heading."""
    return (len(plain.split()) <= 5 and _is_intro_phrase(plain)) or _is_clause_heading(plain)


# Plain text and Markdown: blocks into paragraphs --------------------------------------------


class _TextReader:
    """Reads blocks in order, keeping what a person reading the draft keeps in mind."""

    def __init__(self, blocks: list[_Block], markdown: bool) -> None:
        self.blocks = blocks
        self.markdown = markdown
        self.document = ParsedDocument()
        self.state = "start"  # start, preamble, operative
        self.top: ParsedParagraph | None = None  # the last level-0 paragraph
        self.top_is_intro = False  # ITU "considering" line: lower-case lines below belong to it
        self.under_clause = False  # after an ITU clause heading such as "resolves"
        self.item = ""  # the letter or numeral of the last level-1 paragraph
        self.item_kind = ""  # letter or roman
        self.subitem = 0  # the value of the last level-2 numeral
        self.bullets: list[tuple[int, int, str]] = []  # indent, level, kind of open lists
        self.expected_number = 1

    @property
    def warnings(self) -> list[str]:
        return self.document.warnings

    def read(self) -> ParsedDocument:
        start = self._read_front_matter()
        for index in range(start, len(self.blocks)):
            following = self.blocks[index + 1] if index + 1 < len(self.blocks) else None
            self._read_block(self.blocks[index], following)
        if not self.document.paragraphs:
            raise ImportFailed(
                _("No paragraphs were found in the file. Is it the draft itself?"), field="file"
            )
        return self.document

    # The top of the file: symbol, masthead, title

    def _read_front_matter(self) -> int:
        for index, block in enumerate(self.blocks):
            plain = _plain(block.text)
            if block.line > FRONT_MATTER_LINES and index > 0:
                return index
            if _is_symbol(plain) and not self.document.document_symbol:
                self.document.document_symbol = plain
            elif not block.heading_level and MASTHEAD_LINE.fullmatch(plain):
                self.warnings.append(
                    _("line %(line)d: masthead line skipped: %(text)s", line=block.line,
                      text=plain)
                )
            elif not self.document.title and self._is_title(block, index):
                self._set_title(_unwrap(block.text))
            else:
                return index
        return len(self.blocks)

    def _is_title(self, block: _Block, index: int) -> bool:
        if block.heading_level:
            return block.heading_level == 1 and _match_label(block.text) is None
        if self.markdown or index + 1 >= len(self.blocks):
            return False
        plain = _plain(block.text)
        return (
            _match_label(block.text) is None
            and not BULLET.match(block.text)
            and len(plain) <= TITLE_MAX_LENGTH
            and not plain.endswith((",", ";", ":", "."))
            and not _is_enacting_formula(plain)
            and not _opens_preambular(plain)
            and not _opens_operative(plain)
        )

    def _set_title(self, title: str) -> None:
        title = _plain(title) if "*" in title or "_" in title else title
        self.document.title = TITLE_NUMBER.sub("", title, count=1)

    # Dispatch

    def _read_block(self, block: _Block, following: _Block | None) -> None:
        text = block.text
        if self.document.document_symbol and _plain(text) == self.document.document_symbol:
            return  # the symbol again in a running page header
        if block.heading_level:
            self.bullets.clear()
            self._read_markdown_heading(block)
            return
        bullet = BULLET.match(text)
        if bullet:
            self._read_bullet(block, text[bullet.end() :])
            return
        self.bullets.clear()
        label = _match_label(text)
        if label and label.kind == "bare" and int(label.inner) not in (self.expected_number, 1):
            label = None
        if label is None:
            self._read_unlabelled(block, text, following)
        elif label.kind == "section":
            self._read_section_heading(block, label)
        elif label.kind in ("number", "bare"):
            self._read_numbered(block, label)
        else:
            self._read_item(block, label)

    # Emitting

    def _emit(self, kind: str, body: str, label: str = "", level: int = 0) -> ParsedParagraph:
        paragraph = ParsedParagraph(kind, _markdown_body(body), label, level)
        self.document.paragraphs.append(paragraph)
        if level == 0:
            self.top = paragraph
            self.top_is_intro = False
            self.item = ""
            self.item_kind = ""
            self.subitem = 0
        if kind == "preambular" and self.state == "start":
            self.state = "preamble"
        if kind == "operative":
            self.state = "operative"
        return paragraph

    def _state_kind(self) -> str:
        return "operative" if self.under_clause else STATE_KINDS[self.state]

    # Constructs

    def _read_markdown_heading(self, block: _Block) -> None:
        text = _unwrap(block.text)
        plain = _plain(text)
        if _is_symbol(plain) and not self.document.document_symbol:
            self.document.document_symbol = plain
            return
        if _is_intro_phrase(plain) and len(plain.split()) <= 5:
            self._emit_intro(plain)
            return
        if _is_clause_heading(plain):
            self._emit_clause_heading(plain)
            return
        label = _match_label(text)
        if label and label.kind in ("section", "number") and label.rest:
            self._emit("heading", _unwrap(label.rest), label.label)
        else:
            self._emit("heading", text)
        self.under_clause = False

    def _read_section_heading(self, block: _Block, label: _Label) -> None:
        """ "I. Information and communication technologies", "A. Digital divides"."""
        body = _unwrap(label.rest)
        if not body:
            self.warnings.append(
                _("line %(line)d: section number %(label)s without a title, skipped",
                  line=block.line, label=label.label)
            )
            return
        if _plain(body).endswith((";", ",")):
            self.warnings.append(
                _("line %(line)d: paragraph numbered %(label)s. read as a section heading",
                  line=block.line, label=label.label)
            )
        self._emit("heading", body, label.label)
        self.under_clause = False

    def _read_numbered(self, block: _Block, label: _Label) -> None:
        """ "12. Decides …", "1) …", and ITU's "1 to hold …": operative paragraphs."""
        self.expected_number = int(label.inner) + 1
        if not label.rest:
            self.warnings.append(
                _("line %(line)d: paragraph %(label)s is empty, skipped", line=block.line,
                  label=label.label)
            )
            return
        self._emit("operative", label.rest, label.label)

    def _read_item(self, block: _Block, label: _Label) -> None:
        """ "(a)", "b)", "(iv)", "4.1": sub-paragraphs of the paragraph above."""
        level, kind = self._place_item(block, label)
        self._emit(kind, label.rest, label.label, level)

    def _place_item(self, block: _Block, label: _Label) -> tuple[int, str]:
        top = self.top
        if top is None or top.kind == "heading":
            if not self.under_clause:
                self.warnings.append(
                    _("line %(line)d: %(label)s has no paragraph above it; kept at the top level",
                      line=block.line, label=label.label)
                )
            return 0, self._state_kind()
        if label.kind == "subnumber":
            return 1, top.kind
        return self._item_level(label), top.kind

    def _item_level(self, label: _Label) -> int:
        """Level 1 for letters, 2 for roman numerals inside a lettered item; "(i)" after
        "(h)" is the letter i."""
        inner = label.inner
        kind = label.kind
        if kind == "ambiguous":
            value = _roman_value(inner)
            follows_letter = (
                self.item_kind == "letter" and len(self.item) == 1
                and ord(inner) == ord(self.item) + 1
            )
            if self.subitem and value == self.subitem + 1:
                kind = "roman"
            elif follows_letter:
                kind = "letter"
            elif self.item_kind == "roman" or inner == "i":
                kind = "roman"
            else:
                kind = "letter"
        if kind == "roman" and self.item_kind == "letter":
            self.subitem = _roman_value(inner)
            return 2
        self.item = inner
        self.item_kind = "roman" if kind == "roman" else "letter"
        self.subitem = 0
        return 1

    def _read_bullet(self, block: _Block, content: str) -> None:
        """Bullets are sub-paragraphs of a paragraph ending in ":", else paragraphs."""
        while self.bullets and block.indent < self.bullets[-1][0]:
            self.bullets.pop()
        if self.bullets and block.indent > self.bullets[-1][0] + 1:
            _indent, level, kind = self.bullets[-1]
            self.bullets.append((block.indent, min(level + 1, MAX_LEVEL), kind))
        elif not self.bullets:
            previous = self.document.paragraphs[-1] if self.document.paragraphs else None
            if previous and previous.kind != "heading" and _plain(previous.body).endswith(":"):
                self.bullets.append(
                    (block.indent, min(previous.level + 1, MAX_LEVEL), previous.kind)
                )
            else:
                self.bullets.append((block.indent, 0, ""))
        _indent, level, kind = self.bullets[-1]
        label = _match_label(content)
        number_label = ""
        if label and label.kind != "bare" and label.rest:
            number_label, content = label.label, label.rest
        if level == 0:
            kind = self._bullet_kind(content)
        self._emit(kind, content, number_label, level)

    def _bullet_kind(self, content: str) -> str:
        if _opens_preambular(content, listed_only=True) and self.state != "operative":
            return "preambular"
        if _opens_operative(content):
            return "operative"
        if self.top is not None and self.top.kind != "heading" and self.top.level == 0:
            return self.top.kind
        return self._state_kind()

    def _emit_intro(self, plain: str) -> None:
        """ITU "considering": a preambular paragraph whose items follow as a), b)."""
        self._emit("preambular", f"*{plain}*")
        self.top_is_intro = True
        self.under_clause = False

    def _emit_clause_heading(self, plain: str) -> None:
        """ITU "resolves", "instructs the Secretary-General": the clauses below are operative."""
        self._emit("heading", f"*{plain}*")
        self.state = "operative"
        self.under_clause = True

    def _read_unlabelled(self, block: _Block, text: str, following: _Block | None) -> None:
        plain = _plain(text)
        lone = len(block.lines) == 1
        if self.state != "operative" and _is_enacting_formula(plain):
            self._emit("text", text)
        elif lone and _is_intro_phrase(plain) and self._intro_fits(plain, following):
            self._emit_intro(plain)
        elif lone and _is_clause_heading(plain):
            self._emit_clause_heading(plain)
        elif self.state != "operative" and _opens_preambular(plain, listed_only=True):
            self._emit("preambular", text)
        elif _opens_operative(plain) and plain[:1].isupper():
            self._emit("operative", text)
        elif _is_all_caps(plain) or (following is not None and _looks_like_heading(plain)):
            self._emit("heading", _unwrap(text))
            self.under_clause = False
        elif self.state != "operative" and _opens_preambular(plain):
            self._emit("preambular", text)
        elif ITALIC_VERB.match(text):
            self._emit("operative", text)
        else:
            self._read_plain_paragraph(block, text, plain)

    def _intro_fits(self, plain: str, following: _Block | None) -> bool:
        """A lower-case intro line is ITU style; a capitalised one only before lettered items."""
        if plain[:1].islower():
            return True
        label = _match_label(following.text) if following else None
        return bool(label and label.kind in ("letter", "ambiguous"))

    def _read_plain_paragraph(self, block: _Block, text: str, plain: str) -> None:
        """A paragraph that opens with no known word: what it is depends on what came before."""
        top = self.top
        if self.top_is_intro and top is not None and plain[:1].islower():
            self._emit(top.kind, text, level=1)
        elif self.under_clause and plain[:1].islower():
            self._emit("operative", text)
        elif self.state == "operative":
            self.warnings.append(
                _("line %(line)d: unnumbered paragraph after operative paragraphs, kept as text",
                  line=block.line)
            )
            self._emit("text", text)
        else:
            self._emit("text", text)


def _parse_text(text: str, markdown: bool) -> ParsedDocument:
    if not text.strip():
        raise ImportFailed(_("The file is empty."), field="file")
    return _TextReader(_split_blocks(text, markdown), markdown).read()


# Akoma Ntoso ----------------------------------------------------------------------------------


def _local(element: etree._Element) -> str:
    """The element name without its namespace; "" for comments and entities."""
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _children(element: etree._Element, *names: str) -> Iterator[etree._Element]:
    for child in element:
        name = _local(child)
        if name and (not names or name in names):
            yield child


def _child(element: etree._Element, *names: str) -> etree._Element | None:
    """The first child with one of these names (never `a or b`: lxml elements with no
    children are false)."""
    return next(_children(element, *names), None)


def _first(elements: list[etree._Element], name: str) -> etree._Element | None:
    """The first element of that name inside any of the given ones."""
    for element in elements:
        for found in element.iter(f"{{*}}{name}"):
            return found
    return None


def _parse_xml(data: bytes) -> etree._Element:
    """Parse without resolving entities or touching the network; errors say where."""
    parser = etree.XMLParser(recover=False, resolve_entities=False, no_network=True)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        line, column = error.position
        message = re.sub(r",? line \d+, column \d+\s*$", "", error.msg or str(error))
        raise ImportFailed(
            _("line %(line)d, column %(column)d: %(message)s", line=line or 1,
              column=column or 1, message=message),
            field="file",
        ) from None


def _plain_text(element: etree._Element | None) -> str:
    """Text of an element for a title or symbol: no Markdown, no footnotes."""
    if element is None:
        return ""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        parts.append(node.text or "")
        for child in node:
            name = _local(child)
            if name and name not in AKN_NOTES:
                walk(child)
                if name not in AKN_ITALIC | AKN_BOLD:
                    parts.append(" ")
            parts.append(child.tail or "")

    walk(element)
    return _collapse("".join(parts))


@dataclass
class _DocumentInfo:
    """What the preface says about a document."""

    title: str
    symbol: str
    heading: str
    search_text: str


def _document_info(document: etree._Element) -> _DocumentInfo:
    places = [
        place for place in (_child(document, "preface"), _child(document, "coverPage"))
        if place is not None
    ]
    long_title = _plain_text(_first(places, "longTitle"))
    doc_title = _plain_text(_first(places, "docTitle"))
    doc_number = _plain_text(_first(places, "docNumber"))
    doc_type = _plain_text(_first(places, "docType"))
    container_title = ""
    for place in places:
        for container in place.iter("{*}container"):
            if container.get("name") == "title":
                container_title = _plain_text(container)
                break
        if container_title:
            break
    meta = _child(document, "meta")
    work = _first([meta], "FRBRWork") if meta is not None else None
    frbr_name = frbr_number = ""
    if work is not None:
        name_element = _first([work], "FRBRname")
        number_element = _first([work], "FRBRnumber")
        if name_element is not None:
            frbr_name = name_element.get("value") or ""
        if number_element is not None:
            frbr_number = number_element.get("showAs") or number_element.get("value") or ""
    readable_doc_title = doc_title if doc_title[:1].isupper() else ""
    title = container_title or readable_doc_title or long_title or doc_title or frbr_name
    if _is_symbol(doc_number):
        symbol = doc_number
    else:
        symbol = _collapse(f"{doc_type} {doc_number}") if doc_number else ""
    lead = long_title or symbol or frbr_number or document.get("name", "")
    subtitle = container_title or doc_title
    heading = lead
    if subtitle and subtitle.casefold() not in lead.casefold():
        heading = f"{lead}: {subtitle}" if lead else subtitle
    search_text = " ".join([heading, symbol, frbr_number, frbr_name])
    return _DocumentInfo(title, symbol, heading, search_text)


def _matches_part(part: str, info: _DocumentInfo) -> bool:
    """Case-insensitive containment; "Resolution 14" does not pick "Resolution 140"."""
    pattern = re.escape(part.strip())
    if part.strip()[-1:].isdigit():
        pattern += r"(?!\d)"
    return bool(re.search(pattern, info.search_text, re.IGNORECASE))


def _collection_documents(collection: etree._Element) -> Iterator[etree._Element]:
    """The documents of a collection in order, nested collections flattened."""
    for child in _children(collection):
        name = _local(child)
        if name in ("meta", "preface", "coverPage", "interstitial"):
            continue
        if name in AKN_COLLECTIONS:
            yield from _collection_documents(child)
        elif name in AKN_DOCUMENT_TYPES:
            yield child
        else:
            yield from _collection_documents(child)


class _AknReader:
    """Walks the parts of AKN documents and adds their paragraphs to one ParsedDocument."""

    def __init__(self, document: ParsedDocument) -> None:
        self.document = document
        self.footnotes: list[str] = []
        self.warned_entities: set[str] = set()
        self.warned_depth = False

    @property
    def warnings(self) -> list[str]:
        return self.document.warnings

    def warn(self, element: etree._Element, message: str) -> None:
        line = element.sourceline or 0
        self.warnings.append(_("line %(line)d: %(message)s", line=line, message=message))

    # Emitting

    def emit(self, kind: str, body: str, label: str = "", level: int = 0,
             element: etree._Element | None = None) -> None:
        body = _guard_block_start(_collapse(body))
        if not body:
            if label and element is not None:
                self.warn(element, _("paragraph %(label)s is empty, skipped", label=label))
            return
        if level > MAX_LEVEL:
            if not self.warned_depth and element is not None:
                self.warn(element, _("lists nested deeper than two levels are flattened"))
            self.warned_depth = True
            level = MAX_LEVEL
        self.document.paragraphs.append(ParsedParagraph(kind, body, label, level))

    def emit_repaired(self, kind: str, body: str, label: str, level: int,
                      element: etree._Element, preamble: bool) -> ParsedParagraph | None:
        """Emit a paragraph, undoing what PDF-to-AKN converters do to ITU texts: following
        paragraphs run on, footnotes inlined, a clause heading glued to the end. That heading
        is returned, not emitted: it goes after the paragraph's own items."""
        body = _collapse(body)
        tail_kind, tail = self.split_trailing_heading(body, preamble)
        if not body.endswith(tail) or TERMINAL_PUNCTUATION.search(tail):
            tail = ""
        if tail:
            body = body[: len(body) - len(tail)].rstrip()
            if tail_kind == "heading":
                message = _("“%(tail)s” at the end of a paragraph read as a heading", tail=tail)
            else:
                message = _("“%(tail)s” at the end of a paragraph read as a preambular intro",
                            tail=tail)
            self.warn(element, message)
        for piece_label, piece in self.split_run_on(label, body, element):
            self.emit(kind, self.take_footnote(piece, element), piece_label, level, element)
        return ParsedParagraph(tail_kind, f"*{tail}*") if tail else None

    def emit_later(self, paragraph: ParsedParagraph | None) -> None:
        if paragraph is not None:
            self.document.paragraphs.append(paragraph)

    def split_trailing_heading(self, body: str, preamble: bool) -> tuple[str, str]:
        plain = body.replace("*", "")
        if preamble:
            match = TRAILING_PREAMBULAR_INTRO.fullmatch(plain)
            if match and _is_intro_phrase(match.group("tail")):
                return "preambular", match.group("tail")
            return "", ""
        match = TRAILING_CLAUSE_HEADING.fullmatch(plain)
        if match:
            return "heading", match.group("tail")
        return "", ""

    def split_run_on(self, label: str, body: str,
                     element: etree._Element) -> Iterator[tuple[str, str]]:
        """ "…; 10 that broad participation…" inside paragraph 9 is paragraph 10."""
        start = 0
        while label:
            found = None
            for following in _next_labels(label):
                after = r"\s+(?=[a-z])" if following[-1].isdigit() else r"\s+(?=\S)"
                pattern = re.compile(r"(?<=[;:,.])\s+" + re.escape(following) + after)
                found = pattern.search(body, start)
                if found:
                    break
            if found is None:
                break
            yield label, body[start : found.start()]
            self.warn(element, _("paragraph %(label)s split where %(next)s begins",
                                 label=label, next=following))
            label, start = following, found.end()
        yield label, body[start:]

    def take_footnote(self, body: str, element: etree._Element) -> str:
        """Footnote text after a "____" line moves to the end of the document."""
        parts = FOOTNOTE_SEPARATOR.split(body, maxsplit=1)
        if len(parts) == 1:
            return body
        main, note = parts
        note = note.strip()
        if note:
            number = FOOTNOTE_NUMBER.match(note)
            if number:
                note = _("Footnote %(number)s: %(text)s", number=number.group("number"),
                         text=number.group("text"))
            if note not in self.footnotes:
                self.footnotes.append(note)
            self.warn(element, _("footnote text moved to the end of the document"))
        return main

    def flush_footnotes(self) -> None:
        for note in self.footnotes:
            self.emit("text", note)
        self.footnotes = []

    # Inline content

    def inline(self, element: etree._Element, skip: frozenset[str] = frozenset()) -> str:
        """Markdown for an element's content: <i> → *…*, <b> → **…**, the rest as text."""
        parts = [_escape(element.text or "")]
        for child in element:
            name = _local(child)
            if not name:
                self.note_entity(child)
            elif name in skip:
                pass
            elif name in AKN_NOTES:
                self.warn(child, _("note left out: %(text)s",
                                   text=_plain_text(child)[:80]))
            elif name in AKN_ITALIC:
                parts.append(_wrap(self.inline(child, skip), "*"))
            elif name in AKN_BOLD:
                parts.append(_wrap(self.inline(child, skip), "**"))
            elif name in AKN_BREAKS:
                parts.append(f" {self.inline(child, skip)} ")
            else:
                parts.append(self.inline(child, skip))
            parts.append(_escape(child.tail or ""))
        return "".join(parts)

    def note_entity(self, node: etree._Element) -> None:
        if node.tag is etree.Entity and node.text not in self.warned_entities:
            self.warned_entities.add(node.text)
            self.warn(node, _("entity %(name)s not expanded", name=node.text))

    # Documents

    def read_document(self, document: etree._Element) -> None:
        for child in _children(document):
            name = _local(child)
            if name == "preamble":
                self.read_preamble(child)
            elif name in AKN_BODIES:
                self.read_hierarchy(child)
            elif name == "conclusions":
                self.read_conclusions(child)
            elif name in ("attachments", "annexes"):
                self.read_attachments(child)
            elif name not in AKN_SKIPPED:
                self.read_hierarchy(child)
        self.flush_footnotes()

    def read_attachments(self, attachments: etree._Element) -> None:
        for document in _collection_documents(attachments):
            self.emit("heading", _escape(_document_info(document).heading), element=document)
            self.read_document(document)

    # Preamble

    def read_preamble(self, preamble: etree._Element) -> None:
        for child in _children(preamble):
            name = _local(child)
            if name == "formula":
                self.emit("text", self.inline(child), element=child)
            elif name in ("recitals", "citations"):
                self.read_recitals(child)
            elif name in ("recital", "citation", "container", "blockContainer"):
                self.read_recital(child, 0)
            elif name == "p":
                body = self.inline(child)
                kind = "preambular" if _opens_preambular(body) else "text"
                self.emit(kind, body, element=child)
            elif name not in AKN_SKIPPED:
                self.read_recital(child, 0)

    def read_recitals(self, recitals: etree._Element) -> None:
        """ITU style: an intro ("considering") and its recitals a), b) as sub-paragraphs."""
        intro = _child(recitals, "intro", "listIntroduction")
        level = 0
        if intro is not None:
            body = self.inline(intro).strip()
            if body and "*" not in body:
                body = f"*{_collapse(body)}*"
            self.emit("preambular", body, element=intro)
            level = 1
        for child in _children(recitals):
            if _local(child) in ("recital", "citation", "container", "p"):
                self.read_recital(child, level)

    def read_recital(self, recital: etree._Element, level: int) -> None:
        num = _child(recital, "num")
        body = self.inline(recital, frozenset({"num"}))
        label = _label_text(self.inline(num)) if num is not None else ""
        if not label:
            match = LEADING_ITEM_LABEL.match(_collapse(body))
            if match:
                label, body = match.group("label"), match.group("rest")
        self.emit_later(
            self.emit_repaired("preambular", body, label, level, recital, preamble=True)
        )

    # Body

    def read_hierarchy(self, element: etree._Element, kind: str = "operative") -> None:
        """Sections, parts, chapters, hcontainers: a heading, then what they hold."""
        for child in _children(element):
            name = _local(child)
            if name in AKN_HIERARCHY and self.is_container(child):
                self.read_container(child, kind)
            elif name in AKN_UNITS or name in AKN_HIERARCHY:
                self.read_unit(child, 0, kind)
            elif name == "crossHeading":
                self.read_cross_heading(child)
            elif name == "blockList":
                self.read_unit(child, 0, kind)
            elif name in ("p", "content", "intro", "wrapUp", "container", "blockContainer",
                          "speech", "question", "answer", "other", "scene", "narrative"):
                self.read_loose(child, kind)
            elif name in ("table", "foreign", "tblock"):
                self.warn(child, _("%(name)s flattened into one text paragraph", name=name))
                self.emit("text", self.inline(child), element=child)
            elif name not in AKN_SKIPPED:
                self.read_hierarchy(child, kind)

    def is_container(self, element: etree._Element) -> bool:
        """An article or clause with its own heading or paragraphs groups; otherwise it is
        itself a paragraph."""
        if _local(element) not in ("article", "clause", "rule", "level"):
            return True
        return any(
            _local(child) in AKN_HIERARCHY or _local(child) in ("paragraph", "heading")
            for child in element
        )

    def read_container(self, container: etree._Element, kind: str) -> None:
        num = _child(container, "num")
        heading = _child(container, "heading", "subheading")
        label = _label_text(self.inline(num)) if num is not None else ""
        body = self.inline(heading) if heading is not None else ""
        if body.strip():
            self.emit("heading", body, label, element=container)
        elif label:
            self.emit("heading", _collapse(self.inline(num)), label, element=container)
        self.read_hierarchy(container, kind)

    def read_cross_heading(self, element: etree._Element) -> None:
        body = self.inline(element)
        kind = "preambular" if _opens_preambular(_plain(body), listed_only=True) else "heading"
        self.emit(kind, body, element=element)

    def read_loose(self, element: etree._Element, kind: str) -> None:
        """Text that sits in a body outside any paragraph."""
        body = _collapse(self.inline(element))
        if not body:
            return
        if _opens_operative(body):
            guessed = "operative"
        elif _opens_preambular(body, listed_only=True):
            guessed = "preambular"
        else:
            guessed = "text" if kind != "operative" or _local(element) != "content" else kind
        self.emit(guessed, body, element=element)

    def read_unit(self, unit: etree._Element, level: int, kind: str) -> None:
        """A paragraph, point, item or list: its text, then its items one level down."""
        intro = _child(unit, "intro", "listIntroduction")
        content = _child(unit, "content")
        first_list = _child(unit, "list", "blockList")
        if intro is None and content is None and first_list is not None:
            intro = _child(first_list, "intro", "listIntroduction")
        label, body = self.unit_text(unit, intro, content)
        glued_heading = None
        if body.strip() or label:
            glued_heading = self.emit_repaired(kind, body, label, level, unit, preamble=False)
            level += 1
        for child in _children(unit):
            name = _local(child)
            if name in ("list", "blockList"):
                self.read_items(child, level, kind)
            elif name in AKN_UNITS:
                self.read_unit(child, level, kind)
            elif name in ("wrapUp", "listWrapUp"):
                self.emit(kind, self.inline(child), "", level, child)
            elif name == "content":
                for block_list in _children(child, "blockList"):
                    self.read_items(block_list, level, kind)
        self.emit_later(glued_heading)

    def read_items(self, items: etree._Element, level: int, kind: str) -> None:
        intro = _child(items, "intro", "listIntroduction")
        if intro is not None and not self.intro_used(items):
            self.emit(kind, self.inline(intro), "", max(level - 1, 0), intro)
        for child in _children(items):
            name = _local(child)
            if name in AKN_UNITS:
                self.read_unit(child, level, kind)
            elif name in ("wrapUp", "listWrapUp"):
                self.emit(kind, self.inline(child), "", level, child)

    def intro_used(self, items: etree._Element) -> bool:
        """Whether the list's intro already served as the text of its parent."""
        parent = items.getparent()
        if parent is None:
            return False
        has_own = any(_local(child) in ("intro", "content") for child in parent)
        first_list = next(_children(parent, "list", "blockList"), None)
        return not has_own and first_list is items

    def unit_text(self, unit: etree._Element, intro: etree._Element | None,
                  content: etree._Element | None) -> tuple[str, str]:
        """The label and Markdown body of a paragraph-like element."""
        num = _child(unit, "num")
        source = intro if intro is not None else content
        structural = frozenset({"num", "heading", "subheading", "list", "blockList", "point",
                                "item", "paragraph", "subparagraph", "intro", "wrapUp",
                                "listIntroduction", "listWrapUp", "content"})
        if source is None:
            body = self.inline(unit, structural)
        else:
            body = self.inline(source, frozenset({"num", "blockList", "list"}))
        label = _label_text(self.inline(num)) if num is not None else ""
        if not label and source is not None:
            inner_num = _first([source], "num")
            if inner_num is not None:
                label = _label_text(self.inline(inner_num))
        if not label:
            label, body = self.label_from_text(unit, body)
        return label, body

    def label_from_text(self, unit: etree._Element, body: str) -> tuple[str, str]:
        """ITU files write "1 to hold…" or "a) relevant…" when the num element is missing."""
        text = _collapse(body)
        if _local(unit) == "paragraph":
            match = BARE_NUMBER_LABEL.match(text)
            if match:
                return match.group("label"), match.group("rest")
        match = LEADING_ITEM_LABEL.match(text)
        if match and _local(unit) != "paragraph":
            return match.group("label"), match.group("rest")
        return "", body

    # Conclusions

    def read_conclusions(self, conclusions: etree._Element) -> None:
        for child in _children(conclusions):
            if _local(child) not in AKN_SKIPPED:
                self.emit("text", self.inline(child), element=child)


def _escape(text: str) -> str:
    """Literal text from XML, made safe to read as Markdown."""
    if not text:
        return ""
    return MARKDOWN_SPECIAL.sub(
        lambda match: "&lt;" if match.group() == "<" else "\\" + match.group(), text
    )


def _wrap(inner: str, marker: str) -> str:
    """Emphasis around the words, with the spaces kept outside so Markdown sees it."""
    core = inner.strip()
    if not core:
        return inner
    lead = " " if inner[:1].isspace() else ""
    trail = " " if inner[-1:].isspace() else ""
    return f"{lead}{marker}{_collapse(core)}{marker}{trail}"


def _parse_akn(data: bytes, part: str | None) -> ParsedDocument:
    if not data.strip():
        raise ImportFailed(_("The file is empty."), field="file")
    root = _parse_xml(data)
    document_element = root
    if _local(root) == "akomaNtoso":
        document_element = next(
            (child for child in _children(root) if _local(child) != "components"), root
        )
    result = ParsedDocument()
    reader = _AknReader(result)
    info = _document_info(document_element)
    result.title, result.document_symbol = info.title, info.symbol
    if _local(document_element) in AKN_COLLECTIONS:
        _read_collection(document_element, reader, part)
    else:
        if part:
            result.warnings.append(
                _("The file holds a single document; “%(part)s” was ignored.", part=part)
            )
        reader.read_document(document_element)
    if len(result.title) > TITLE_MAX_LENGTH:
        result.warnings.append(_("The title was shortened to %(n)d characters.",
                                 n=TITLE_MAX_LENGTH))
        result.title = result.title[: TITLE_MAX_LENGTH - 1].rstrip() + "…"
    if not result.paragraphs:
        raise ImportFailed(
            _("No paragraphs were found in the XML. Is it an Akoma Ntoso document?"),
            field="file",
        )
    return result


def _read_collection(collection: etree._Element, reader: _AknReader, part: str | None) -> None:
    """Each document of the collection in turn, under a heading with its title."""
    documents = [(element, _document_info(element))
                 for element in _collection_documents(collection)]
    if not documents:
        raise ImportFailed(_("The collection holds no documents."), field="file")
    if part and part.strip():
        chosen = [(element, info) for element, info in documents if _matches_part(part, info)]
        if not chosen:
            examples = "; ".join(info.heading for _element, info in documents[:5])
            raise ImportFailed(
                _("No document in this collection matches “%(part)s”. It holds %(n)d, "
                  "for example: %(examples)s.", part=part.strip(), n=len(documents),
                  examples=examples),
                field="part",
            )
        documents = chosen
    if part and len(documents) == 1:
        # One document of the collection is taken on its own: its title is the title.
        element, info = documents[0]
        reader.document.title = info.title or info.heading
        reader.document.document_symbol = info.symbol
        reader.read_document(element)
        return
    for element, info in documents:
        reader.emit("heading", _escape(info.heading), element=element)
        reader.read_document(element)


# Entry point ---------------------------------------------------------------------------------


def parse_document(
    data: bytes,
    filename: str = "",
    format: str | None = None,
    *,
    part: str | None = None,
) -> ParsedDocument:
    """Read a draft from the bytes of a file. Raises ImportFailed saying where it failed.

    part: for an AKN collection, only the documents whose title or number contains it.
    """
    format = format or _guess_format(data, filename)
    if format not in FORMATS:
        raise ImportFailed(
            _("Unknown format “%(format)s”; use text, markdown or akn.", format=format),
            field="format",
        )
    if format == "akn":
        return _within_limits(_parse_akn(data, part))
    document = _parse_text(_decode(data), markdown=format == "markdown")
    if part:
        document.warnings.append(
            _("Only Akoma Ntoso collections have parts; “%(part)s” was ignored.", part=part)
        )
    return _within_limits(document)


def _within_limits(document: ParsedDocument) -> ParsedDocument:
    """Refuse a paragraph longer than the paragraph form takes, naming it."""
    for position, paragraph in enumerate(document.paragraphs, start=1):
        if len(paragraph.body) > PARAGRAPH_MAX_LENGTH:
            numbers = {
                "label": paragraph.number_label,
                "position": format_number(position),
                "length": format_number(len(paragraph.body)),
                "limit": format_number(PARAGRAPH_MAX_LENGTH),
            }
            message = (
                _("Paragraph %(label)s has %(length)s characters; a paragraph holds at most "
                  "%(limit)s. Check that the file's line breaks survived, or split it.",
                  **numbers)
                if paragraph.number_label
                else _("Block %(position)s of the file has %(length)s characters; a "
                       "paragraph holds at most %(limit)s. Check that the file's line breaks "
                       "survived, or split it.", **numbers)
            )
            raise ImportFailed(message, field="file")
    return document
