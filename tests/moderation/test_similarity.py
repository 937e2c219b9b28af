"""Suggested merges: near-duplicate comments and amendments on one paragraph.

Pure Python: no application, no database (runs with --noconftest).
"""

from __future__ import annotations

import itertools
import math
import random
import time

import pytest

from consult.moderation.similarity import (
    SAME_CHANGE,
    SAME_TEXT,
    SIMILAR_WORDING,
    Candidate,
    Group,
    _prefix_pairs,
    _weighted_jaccard,
    suggest_groups,
)

GENDER = "To bridge digital divides, including the gender digital divide;"
IGF = "Decides to extend the mandate of the Internet Governance Forum for another ten years;"
RIGHTS = (
    "Reaffirms that the same rights that people have offline must also be protected online, "
    "including freedom of expression, and calls upon States to refrain from Internet shutdowns;"
)

IGF_CAMPAIGN = (
    "We call on Member States to make the mandate of the Internet Governance Forum "
    "permanent. For twenty years the IGF has been the only global space where governments, "
    "companies, civil society and the technical community discuss Internet policy as "
    "equals. Renewing it every ten years leaves it without stable funding and keeps its "
    "intersessional work fragile. A permanent IGF, with a strengthened secretariat and "
    "predictable resources, would let the national and regional initiatives plan for the "
    "long term."
)
GENDER_CAMPAIGN = (
    "Women in least developed countries are still far less likely than men to use mobile "
    "Internet, and the gap is not closing. The outcome document must commit to "
    "sex-disaggregated data on connectivity and to time-bound targets for women's "
    "meaningful connectivity by 2030. Digital skills programmes should be designed with "
    "women's organisations and funded through the Digital Solidarity Fund."
)
# Written independently on the same subjects: they share vocabulary, not text.
IGF_OTHER = (
    "The IGF should stay a forum for dialogue rather than a negotiating body. Its outputs are "
    "valuable precisely because they are not binding. We would rather see the Forum linked "
    "more clearly to the Commission on Science and Technology for Development, so that its "
    "messages reach decision-makers, than see it made permanent without a review of its "
    "working methods."
)
IGF_OTHER_2 = (
    "Making the Internet Governance Forum permanent is welcome, but the mandate must come with "
    "a stable budget from the regular budget of the United Nations. The IGF secretariat has "
    "relied on voluntary contributions for too long, and the national and regional "
    "initiatives receive no funding at all."
)
GENDER_OTHER = (
    "Women and girls in rural areas remain offline at far higher rates than men. We ask that "
    "the text commit to gender-responsive digital policies, to collecting sex-disaggregated "
    "data on Internet use, and to measures against online gender-based violence, which "
    "drives women away from digital spaces."
)
AFFORDABILITY = (
    "The affordability target of 2 per cent of monthly gross national income per capita for "
    "1 GB of mobile data is outdated. Meaningful connectivity requires daily use of a "
    "smartphone and enough data for education and work; the target should follow the "
    "Broadband Commission's 2025 goals and the ITU's universal meaningful connectivity "
    "framework."
)
HUMAN_RIGHTS = (
    "Human rights apply online as they do offline. The text should refer explicitly to the "
    "Human Rights Council resolutions on the promotion, protection and enjoyment of human "
    "rights on the Internet, and condemn Internet shutdowns, which disproportionately harm "
    "journalists, human rights defenders and people in crisis."
)
AI_GOVERNANCE = (
    "Artificial intelligence governance should build on the WSIS framework rather than create "
    "parallel processes. The Global Digital Compact's scientific panel and global dialogue on "
    "AI governance should report to the IGF, and capacity-building for developing countries "
    "must be a priority so that they can take part in setting standards."
)
GENERIC = ["+1", "I agree.", "Support!", "We fully support this amendment.", "Agreed 👍", "+1"]

ZH = (
    "我们呼吁会员国将互联网治理论坛的任务授权永久化。二十年来，互联网治理论坛一直是政府、企业、"
    "民间社会和技术界平等讨论互联网政策的唯一全球空间。每十年延长一次任务授权，使其缺乏稳定的资金。"
)
ZH_COPY = (
    "我们呼吁各会员国将互联网治理论坛的任务授权永久化。二十年来，互联网治理论坛一直是政府、企业、"
    "民间社会和技术界平等讨论互联网政策的唯一全球空间。每十年延长一次任务授权，使其缺乏稳定的资金！"
    "\n\n此致\n王芳"
)
ZH_OTHER = (
    "性别数字鸿沟在最不发达国家不断扩大。我们建议本段承诺收集按性别分列的数据，"
    "并为妇女有意义的连通性设定到2030年的具体目标。"
)
AR = (
    "ندعو الدول الأعضاء إلى جعل ولاية منتدى حوكمة الإنترنت دائمة. فعلى مدى عشرين عاماً، كان "
    "المنتدى الفضاء العالمي الوحيد الذي تناقش فيه الحكومات والشركات والمجتمع المدني والمجتمع "
    "التقني سياسات الإنترنت على قدم المساواة."
)
# The same with vowel marks, other hamza spellings and a sign-off.
AR_COPY = (
    "نَدعو الدولَ الاعضاءَ إلى جعلِ ولايةِ منتدى حوكمةِ الإنترنت دائمةً. فعلى مدى عشرين عاما، كان "
    "المنتدى الفضاء العالمي الوحيد الذي تناقش فيه الحكومات والشركات والمجتمع المدني والمجتمع "
    "التقني سياسات الإنترنت على قدم المساواة.\n\nمع التحية،\nأحمد"
)
AR_OTHER = (
    "إن الفجوة الرقمية بين الجنسين آخذة في الاتساع في أقل البلدان نمواً. ينبغي أن تلتزم الفقرة "
    "بجمع بيانات مصنفة حسب الجنس وبأهداف واضحة للاتصال المجدي للنساء بحلول عام 2030."
)
FR = (
    "Nous demandons aux États membres de rendre permanent le mandat du Forum sur la gouvernance "
    "de l'Internet. Depuis vingt ans, le FGI est le seul espace mondial où gouvernements, "
    "entreprises, société civile et communauté technique discutent des politiques de "
    "l'Internet sur un pied d'égalité."
)
FR_COPY = (
    "Madame, Monsieur,\n\nNous demandons aux Etats membres de rendre PERMANENT le mandat du "
    "Forum sur la gouvernance de l’Internet. Depuis vingt ans, le FGI est le seul espace "
    "mondial où gouvernements, entreprises, societe civile et communauté technique discutent "
    "des politiques de l’Internet sur un pied d’égalité.\n\nCordialement,\nJean Dupont"
)
RU = (
    "Мы призываем государства-члены сделать мандат Форума по вопросам управления Интернетом "
    "постоянным. На протяжении двадцати лет Форум остаётся единственным глобальным "
    "пространством, где правительства, бизнес, гражданское общество и техническое сообщество "
    "обсуждают политику в области Интернета на равных."
)
RU_COPY = (
    "Уважаемые коллеги!\n\nМы призываем государства-члены сделать мандат Форума по вопросам "
    "управления Интернетом постоянным. На протяжении двадцати лет Форум остается единственным "
    "глобальным пространством, где правительства, бизнес, гражданское общество и техническое "
    "сообщество обсуждают политику в области Интернета на равных.\n\nС уважением,\nИван Петров"
)


def comment(id: int, text: str, base: str = GENDER) -> Candidate:
    return Candidate(id=id, kind="comment", text=text, base=base)


def amendment(id: int, proposed: str, text: str = "", base: str = GENDER) -> Candidate:
    return Candidate(id=id, kind="amendment", text=text, proposed=proposed, base=base)


def id_sets(groups: list[Group]) -> list[set[int]]:
    return [set(group.ids) for group in groups]


def test_nothing_in_nothing_out():
    assert suggest_groups([]) == []
    assert suggest_groups([comment(1, IGF_CAMPAIGN)]) == []


def test_exact_campaign_copies_are_the_same_text():
    """Copies differ in case, Markdown, links, greetings, signatures and sentence order."""
    sentences = IGF_CAMPAIGN.split(". ")
    copies = [
        IGF_CAMPAIGN,
        IGF_CAMPAIGN.upper(),
        IGF_CAMPAIGN.replace(
            "Internet Governance Forum", "**[Internet Governance Forum](https://intgovforum.org)**"
        ),
        "Dear WSIS secretariat,\n\n" + IGF_CAMPAIGN + "\n\nKind regards,\nMaría González\n"
        "Asociación por los Derechos Digitales",
        ". ".join(sentences[2:] + sentences[:2]),
        "> " + IGF_CAMPAIGN.replace(",", "").replace(".", "!") + "\n\nBest,\nJ. Smith",
    ]
    others = [IGF_OTHER, IGF_OTHER_2, HUMAN_RIGHTS, AI_GOVERNANCE]
    items = [comment(10 + n, text, IGF) for n, text in enumerate(copies)]
    items += [comment(30 + n, text, IGF) for n, text in enumerate(others)]

    assert suggest_groups(items) == [
        Group(ids=(10, 11, 12, 13, 14, 15), score=1.0, reason=SAME_TEXT)
    ]


def test_a_campaign_with_edits_groups_by_similar_wording():
    edited = [
        GENDER_CAMPAIGN,
        # two words changed and a personal sentence added
        GENDER_CAMPAIGN.replace("far less likely", "much less likely").replace(
            "time-bound", "measurable"
        )
        + " In our district, only one woman in five owns a smartphone.",
        # a sentence dropped, one rephrased, signed
        GENDER_CAMPAIGN.replace(
            " Digital skills programmes should be designed with women's organisations and "
            "funded through the Digital Solidarity Fund.",
            "",
        ).replace("and the gap is not closing", "and this gap keeps widening")
        + "\n\nRegards,\nFatou Ndiaye, Women in ICT Senegal",
        # the order of sentences changed and the last one cut short
        "The outcome document must commit to sex-disaggregated data on connectivity and to "
        "time-bound targets for women's meaningful connectivity by 2030. Women in least "
        "developed countries are still far less likely than men to use mobile Internet, and "
        "the gap is not closing. Digital skills programmes should be designed with women's "
        "organisations.",
    ]
    items = [comment(n, text) for n, text in enumerate(edited, start=1)]
    items += [comment(8, GENDER_OTHER), comment(9, AFFORDABILITY), comment(7, HUMAN_RIGHTS)]

    [group] = suggest_groups(items)
    assert group.ids == (1, 2, 3, 4)
    assert group.reason == SIMILAR_WORDING
    assert 0.6 < group.score < 1.0


def test_texts_on_the_same_subject_are_not_duplicates():
    items = [
        comment(1, IGF_CAMPAIGN, IGF),
        comment(2, IGF_OTHER, IGF),
        comment(3, IGF_OTHER_2, IGF),
        comment(4, GENDER_CAMPAIGN, IGF),
        comment(5, GENDER_OTHER, IGF),
    ]
    assert suggest_groups(items) == []


def test_the_same_change_in_other_words_groups_amendments_whatever_their_rationale():
    items = [
        amendment(
            1,
            "To bridge digital divides, including the gender digital divide, through "
            "gender-responsive policies and sex-disaggregated data;",
            "Without data nobody can measure the divide; see the EQUALS Global Partnership.",
        ),
        amendment(
            2,
            "To bridge digital divides, including the gender digital divide, by means of "
            "sex-disaggregated data and gender-responsive digital policies;",
            "Our ministry has run three national surveys and they changed our policies.",
        ),
        amendment(
            3,
            "to bridge digital divides, including the gender digital divide through "
            "*gender-responsive* policy and sex disaggregated data",
            "",
        ),
        amendment(
            11,
            "Decides to extend the mandate of the Internet Governance Forum permanently;",
            "Ten-year renewals waste everyone's time.",
            base=IGF,
        ),
        amendment(
            12,
            "Decides to extend the mandate of the Internet Governance Forum on a permanent basis;",
            "A permanent mandate is what the NETmundial+10 statement asked for.",
            base=IGF,
        ),
    ]
    assert suggest_groups(items) == [
        Group(ids=(1, 2, 3), score=pytest.approx(0.7, abs=0.15), reason=SAME_CHANGE),
        Group(ids=(11, 12), score=pytest.approx(0.71, abs=0.01), reason=SAME_CHANGE),
    ]


def test_different_amendments_to_one_paragraph_do_not_group():
    """Even with the same boilerplate rationale: a merge would lose a proposal."""
    boilerplate = (
        "On behalf of the Global Digital Inclusion Coalition, we submit this amendment to make "
        "the paragraph more precise and actionable for Member States and all stakeholders."
    )
    items = [
        amendment(1, GENDER[:-1] + ", through gender-responsive policies;", boilerplate),
        amendment(
            2,
            "To bridge digital divides, including the gender digital divide and "
            "the urban-rural divide;",
            boilerplate,
        ),
        amendment(
            3,
            "To bridge digital divides, including the gender digital divide and "
            "online gender-based violence;",
            boilerplate,
        ),
        amendment(4, "To bridge digital divides;", boilerplate),
        amendment(
            5, "To bridge digital divides, in particular the gender digital divide;", boilerplate
        ),
        amendment(
            6,
            "To bridge digital divides, including the gender digital divide, "
            "the age divide and the disability divide;",
            boilerplate,
        ),
        amendment(
            11,
            "Decides to extend the mandate of the Internet Governance Forum for "
            "another five years;",
            boilerplate,
            base=IGF,
        ),
        amendment(
            12,
            "Decides to extend the mandate of the Internet Governance Forum until 2035;",
            boilerplate,
            base=IGF,
        ),
        amendment(
            13,
            "Decides to extend the mandate of the Internet Governance Forum permanently;",
            boilerplate,
            base=IGF,
        ),
    ]
    assert suggest_groups(items) == []


def test_deletions_of_the_paragraph_are_the_same_change():
    items = [
        Candidate(
            1, "deletion", "This is already covered by paragraph 12 on inclusion.", "", GENDER
        ),
        Candidate(2, "deletion", "+1", "", GENDER),
        Candidate(3, "deletion", "", "", GENDER),
        Candidate(4, "deletion", "Too vague to be useful; nobody can be held to it.", "", GENDER),
        amendment(5, "", "An empty proposal deletes the paragraph too."),
        amendment(6, "To bridge digital divides;", "Delete only the second half."),
        comment(7, "Please delete the paragraph, it repeats the Tunis Agenda word for word."),
    ]
    assert suggest_groups(items) == [Group(ids=(1, 2, 3, 4, 5), score=1.0, reason=SAME_CHANGE)]


def test_short_generic_comments_do_not_glue_unrelated_input():
    items = [comment(n, text) for n, text in enumerate(GENERIC * 5, start=1)]
    items += [comment(100, IGF_CAMPAIGN + " +1"), comment(101, GENDER_CAMPAIGN + " I agree.")]
    items += [comment(102, "+1 " + AFFORDABILITY), comment(103, "Support! " + HUMAN_RIGHTS)]
    assert suggest_groups(items) == []


def test_quoting_the_paragraph_does_not_make_comments_alike():
    quote = (
        "> Reaffirms that the same rights that people have offline must also be protected "
        "online, including freedom of expression\n\n"
    )
    items = [
        comment(1, quote + "Privacy belongs here as much as expression.", RIGHTS),
        comment(2, quote + "Name journalists and human rights defenders explicitly.", RIGHTS),
        comment(3, quote + "+1", RIGHTS),
        comment(4, RIGHTS, RIGHTS),
        comment(5, "We support: " + RIGHTS + " Strongly.", RIGHTS),
    ]
    assert suggest_groups(items) == []


def test_a_comment_and_an_amendment_with_one_campaign_text_group():
    items = [
        comment(1, GENDER_CAMPAIGN),
        amendment(2, GENDER[:-1] + ", with time-bound targets for women;", GENDER_CAMPAIGN),
        comment(3, AFFORDABILITY),
    ]
    assert suggest_groups(items) == [Group(ids=(1, 2), score=1.0, reason=SAME_TEXT)]


def test_new_paragraphs_proposed_in_nearly_the_same_words_are_the_same_change():
    new = (
        "Calls upon all stakeholders to ensure that artificial intelligence governance builds "
        "on the multistakeholder model of the World Summit on the Information Society;"
    )
    items = [
        Candidate(1, "insertion", "Needed after the Global Digital Compact.", new, GENDER),
        Candidate(2, "insertion", "", new.replace("Calls upon", "*Calls upon*").lower(), GENDER),
        Candidate(
            3, "insertion", "AI must not bypass WSIS.", new.replace("ensure", "make sure"), GENDER
        ),
        Candidate(4, "insertion", "", "Decides to hold a WSIS+30 review in 2035;", GENDER),
    ]
    assert suggest_groups(items) == [
        Group(ids=(1, 2, 3), score=pytest.approx(0.9, abs=0.1), reason=SAME_CHANGE)
    ]


def test_no_chaining_through_a_text_that_pastes_two_campaigns():
    """A~B and B~C with A and C unrelated: B goes with one of them, A and C stay apart."""
    both = IGF_CAMPAIGN + "\n\n" + GENDER_CAMPAIGN
    groups = suggest_groups(
        [comment(1, IGF_CAMPAIGN), comment(2, both), comment(3, GENDER_CAMPAIGN)]
    )
    assert len(groups) == 1 and 2 in groups[0].ids and len(groups[0].ids) == 2

    # Copies on both sides do not outvote the rule: each side is one text.
    items = [comment(n, IGF_CAMPAIGN) for n in (1, 2, 3)] + [comment(4, both)]
    items += [comment(n, GENDER_CAMPAIGN) for n in (5, 6, 7)]
    for group in suggest_groups(items):
        assert not ({1, 2, 3} & set(group.ids) and {5, 6, 7} & set(group.ids))


def test_chinese_arabic_french_and_russian_copies_group_and_nothing_else():
    items = [
        comment(1, ZH),
        comment(2, ZH_COPY),
        comment(3, ZH_OTHER),
        comment(4, AR),
        comment(5, AR_COPY),
        comment(6, AR_OTHER),
        comment(7, FR),
        comment(8, FR_COPY),
        comment(9, RU),
        comment(10, RU_COPY),
        comment(11, IGF_CAMPAIGN),  # the same call in English: no translation, no group
        comment(12, "支持"),
        comment(13, "أؤيد"),
        comment(14, "Согласен!"),
    ]
    groups = suggest_groups(items)
    assert sorted(id_sets(groups), key=min) == [{1, 2}, {4, 5}, {7, 8}, {9, 10}]
    assert all(group.score > 0.9 for group in groups)


def test_the_threshold_decides_how_far_other_words_may_go():
    items = [
        amendment(
            1, "Decides to make the mandate of the Internet Governance Forum permanent;", base=IGF
        ),
        amendment(
            2,
            "Decides to extend the mandate of the Internet Governance Forum permanently;",
            base=IGF,
        ),
        amendment(
            3,
            "Decides to extend the mandate of the Internet Governance Forum on a permanent basis;",
            base=IGF,
        ),
    ]
    # 1~2 and 2~3 reach 0.55, 1~3 does not: the stricter pair wins.
    assert id_sets(suggest_groups(items)) == [{2, 3}]
    assert id_sets(suggest_groups(items, threshold=0.45)) == [{1, 2, 3}]
    assert suggest_groups(items, threshold=1.0) == []


def test_the_same_input_in_any_order_gives_the_same_groups_in_the_same_order():
    items = [
        comment(1, IGF_CAMPAIGN),
        comment(2, GENDER_CAMPAIGN),
        comment(3, IGF_CAMPAIGN.upper()),
        comment(4, GENDER_CAMPAIGN + " Signed, Ana."),
        comment(5, AFFORDABILITY),
        Candidate(6, "deletion", "", "", GENDER),
        Candidate(7, "deletion", "Obsolete.", "", GENDER),
        comment(8, IGF_CAMPAIGN + " We add our voice."),
        comment(9, "+1"),
    ]
    expected = suggest_groups(items)
    assert [group.ids for group in expected] == [(1, 3, 8), (6, 7), (2, 4)]  # size, then score
    rng = random.Random(7)
    for _ in range(5):
        shuffled = items[:]
        rng.shuffle(shuffled)
        assert suggest_groups(shuffled) == expected


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="kind"):
        suggest_groups([Candidate(1, "reply", "x")])
    with pytest.raises(ValueError, match="unique"):
        suggest_groups([comment(1, "a"), comment(1, "b")])
    with pytest.raises(ValueError, match="threshold"):
        suggest_groups([], threshold=0)
    with pytest.raises(ValueError, match="threshold"):
        suggest_groups([], threshold=1.5)


# The search for pairs ---------------------------------------------------------------------


@pytest.mark.parametrize("threshold", [0.2, 0.4, 0.55, 0.8])
def test_the_pair_search_misses_no_pair_that_reaches_the_threshold(threshold: float):
    """Prefix filtering is exact: compared with scoring every pair."""
    rng = random.Random(int(threshold * 100))
    vocabulary = [f"w{n}" for n in range(120)]
    unit = []
    for _ in range(300):
        words = {rng.choice(vocabulary[: rng.randint(10, 120)]): rng.random() for _ in range(12)}
        norm = math.sqrt(sum(w * w for w in words.values()))
        unit.append({word: w / norm for word, w in words.items()})
    found = _prefix_pairs(unit, threshold, cosine=True)
    for i, j in itertools.combinations(range(len(unit)), 2):
        dot = sum(w * unit[j].get(word, 0.0) for word, w in unit[i].items())
        assert dot < threshold or (i, j) in found

    # Weighted Jaccard, as for the positions an amendment deletes (a weight per feature).
    weighted = [
        {f: 0.2 if f % 3 == 0 else 1.0 for f in rng.sample(range(40), rng.randint(0, 8))}
        for _ in range(300)
    ]
    found = _prefix_pairs(weighted, threshold)
    for i, j in itertools.combinations(range(len(weighted)), 2):
        a, b = weighted[i], weighted[j]
        assert not (a or b) or _weighted_jaccard(a, b) < threshold or (i, j) in found


# 2,000 candidates -----------------------------------------------------------------------------

_VOCABULARY = """
access accessibility accountability accreditation adaptation administration adolescents
affordability agencies agenda agreements agriculture algorithms alignment allocation analysis
applications arbitration architecture archives assessment assistance audits authorities
automation awareness backbone bandwidth benchmarks biometric blockchain broadband budget
bureau cables campaigns capabilities censorship certification charter children citizens
cities climate cloud coalition codes collaboration commerce commission commitments
communities compact competition compliance computing conference confidence consensus consent
consultation consumers content continuity contracts convention cooperation coordination
copyright corporations corruption councils courts coverage creativity crises criteria
culture curricula customs cybercrime cybersecurity dashboards databases datasets deadlines
debt declaration defenders deliberation delivery democracy deployment design detection
devices dialogue diaspora dignity diplomacy disabilities disaster disclosure discrimination
disinformation displacement diversity domains donors ecosystems education efficiency
elections electricity emergencies emissions employment encryption energy engineering
enforcement enterprises entrepreneurs environment equity ethics evaluation evidence
exclusion expertise exports fairness farmers fellowships fibre finance forests frameworks
fraud freedoms frequencies gateways generations geography governance grants guidelines
harassment hardware harmonization hate headquarters health heritage hosting households
housing identity incentives inclusion income indicators indigenous industry inequality
infrastructure initiatives innovation institutions insurance integrity interconnection
interoperability investment islands journalism judiciary jurisdiction knowledge labour
landlocked languages latency laws leadership learning legislation libraries licensing
literacy livelihoods localization logistics mandate manufacturing mapping markets
measurement media mediation memorandum mentoring metadata methodology microfinance migration
minorities misinformation mobility modernization monitoring municipalities negotiations
neutrality nutrition observatory obligations oceans offices openness operators oversight
ownership pandemic parliaments partnerships patents payments peacebuilding pensions
performance permits pilots planning platforms pluralism policing pollution populations
portals poverty preparedness privacy procurement productivity profiling programmes
protocols provenance publishing qualifications quotas radio ratification recovery
recycling redress refugees registries regulators reliability remittances renewables
repositories research resilience resources retention revenue rivers roadmaps roaming
safeguards safety sanctions sanitation satellites scholarships schools scientists screening
secrecy semiconductors sensors servers settlements shutdowns signals skills smartphones
sovereignty spectrum sponsorship standards startups statistics storage subsidies supervision
surveillance sustainability taxation teachers telemedicine tenders territories testing
textbooks tourism towers trade traffic trafficking training transparency transport treaties
trust tuition unemployment universities uptake urbanization vaccines verification veterans
villages violence visas volunteers vulnerability wages warnings watermarking wellbeing
wholesale wildlife workforce workshops youth
"""
_FUNCTION = "the of and to in for on with by that is are should must we our this as from at"
_SYLLABLES = "ka ri mo ta ne lu sa vi do be ga ru mi zo ha pe ye na li"
VOCABULARY, FUNCTION, SYLLABLES = _VOCABULARY.split(), _FUNCTION.split(), _SYLLABLES.split()


class Writer:
    """Random comments with a Zipf vocabulary (as real text has), names and numbers."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.words = VOCABULARY[:]
        self.rng.shuffle(self.words)
        self.cumulative = list(itertools.accumulate(1 / (r + 1) for r in range(len(self.words))))
        self.names = sorted(
            {
                "".join(self.rng.choice(SYLLABLES) for _ in range(self.rng.randint(2, 4)))
                for _ in range(3000)
            }
        )

    def word(self) -> str:
        draw = self.rng.random()
        if draw < 0.4:
            return self.rng.choice(FUNCTION)
        if draw < 0.48:
            return self.rng.choice(self.names).capitalize()
        if draw < 0.5:
            return str(self.rng.randint(1, 2050))
        return self.rng.choices(self.words, cum_weights=self.cumulative)[0]

    def text(self, words: int = 80) -> str:
        sentences: list[str] = []
        while sum(len(s.split()) for s in sentences) < words:
            length = self.rng.randint(8, 18)
            sentences.append(" ".join(self.word() for _ in range(length)).capitalize() + ".")
        return " ".join(sentences)


def test_two_thousand_candidates_find_the_planted_groups_and_nothing_else():
    writer = Writer(seed=2025)
    rng = writer.rng
    ids = rng.sample(range(1, 100_000), 2000)
    planted: dict[str, list[Candidate]] = {"igf": [], "gender": [], "change": [], "deletion": []}
    for text in (
        IGF_CAMPAIGN,
        IGF_CAMPAIGN.upper(),
        "Dear colleagues,\n\n" + IGF_CAMPAIGN,
        IGF_CAMPAIGN + "\n\nBest regards,\nKofi Mensah",
        "**" + IGF_CAMPAIGN + "**",
        IGF_CAMPAIGN.replace("permanent", "permanent, as Tunis intended"),
    ):
        planted["igf"].append(comment(ids.pop(), text))
    for text in (
        GENDER_CAMPAIGN,
        GENDER_CAMPAIGN + " Our members in Malawi agree.",
        GENDER_CAMPAIGN.replace("far less likely", "much less likely"),
        GENDER_CAMPAIGN.replace("2030", "2028") + "\n\nRegards, Aisha",
        GENDER_CAMPAIGN.replace("time-bound", "measurable"),
    ):
        planted["gender"].append(comment(ids.pop(), text))
    for proposed in (
        "To bridge digital divides, including the gender digital divide, through "
        "gender-responsive policies and sex-disaggregated data;",
        "To bridge digital divides, including the gender digital divide, by means of "
        "sex-disaggregated data and gender-responsive digital policies;",
        "To bridge digital divides, including the gender digital divide, with sex-disaggregated "
        "data and gender-responsive policy;",
    ):
        planted["change"].append(amendment(ids.pop(), proposed, writer.text(40)))
    for rationale in (writer.text(30), writer.text(50), "+1", ""):
        planted["deletion"].append(Candidate(ids.pop(), "deletion", rationale, "", GENDER))

    others: list[Candidate] = []
    base_words = GENDER[:-1].split()
    # Amendments that each change the paragraph in their own way.
    stems: dict[str, str] = {}
    for word in VOCABULARY:
        stems.setdefault(word[:5], word)
    fresh = [w for w in stems.values() if w[:5] not in {"data", "gende", "polic", "digit"}]
    rng.shuffle(fresh)
    for n in range(60):
        start = rng.randrange(len(base_words))
        words = (
            base_words[:start] + fresh[3 * n : 3 * n + 3] + base_words[start + rng.randint(0, 2) :]
        )
        others.append(amendment(ids.pop(), " ".join(words) + ";", writer.text(rng.randint(20, 80))))
    for _ in range(100):
        others.append(comment(ids.pop(), rng.choice(GENERIC)))
    while ids:
        others.append(comment(ids.pop(), writer.text(rng.randint(60, 100))))
    items = others + [item for group in planted.values() for item in group]
    rng.shuffle(items)
    assert len(items) == 2000

    started, cpu = time.perf_counter(), time.process_time()
    groups = suggest_groups(items)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"\nsuggest_groups on {len(items)} candidates: {elapsed:.2f} s ({cpu:.2f} s CPU)")

    expected = {name: tuple(sorted(item.id for item in group)) for name, group in planted.items()}
    assert {group.ids: group.reason for group in groups} == {
        expected["igf"]: SIMILAR_WORDING,  # five copies and one edited
        expected["gender"]: SIMILAR_WORDING,
        expected["change"]: SAME_CHANGE,
        expected["deletion"]: SAME_CHANGE,
    }
