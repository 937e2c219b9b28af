"""Demo stakeholders and what they wrote on the WSIS+20 Forum zero draft.

Read by the demo loader together with zero_draft.md in this folder. People and
organizations are fictional. INPUTS[*]["on"] is an operative paragraph number ("7"),
a sub-paragraph ("7(b)"), a preambular paragraph ("PP3") or "general". For an
amendment, "proposed" is the full replacement text of the paragraph; for an insertion,
the text of the new paragraph, to follow the paragraph named in "on"; "quote" is
copied verbatim from that paragraph (without Markdown emphasis).
"""

from __future__ import annotations

GROUPS = (
    "government",
    "private_sector",
    "civil_society",
    "academia",
    "technical_community",
    "international_organization",
)

PEOPLE: list[dict] = [
    {
        "key": "ministry-kenya",
        "name": "Achieng Wafula",
        "organization": "Ministry of Information, Communications and the Digital Economy",
        "group": "government",
        "country": "KE",
    },
    {
        "key": "mission-brazil",
        "name": "Rafael Menezes Albuquerque",
        "organization": "Secretariat for Digital Policy, Ministry of Communications",
        "group": "government",
        "country": "BR",
    },
    {
        "key": "authority-saudi",
        "name": "Faisal Al-Qahtani",
        "organization": (
            "هيئة التحول الرقمي والاتصالات (Hayʾat al-Taḥawwul al-Raqmī wa-l-Ittiṣālāt)"
        ),
        "group": "government",
        "country": "SA",
    },
    {
        "key": "ministry-russia",
        "name": "Yevgenia Morozova",
        "organization": "Ministry of Digital Development and Information Policy",
        "group": "government",
        "country": "RU",
    },
    {
        "key": "ministry-fiji",
        "name": "Mereani Tuivaga",
        "organization": "Ministry of Communications and Digital Transformation",
        "group": "government",
        "country": "FJ",
    },
    {
        "key": "telco-southafrica",
        "name": "Thandiwe Mahlangu",
        "organization": "Sizwe Telecommunications Group",
        "group": "private_sector",
        "country": "ZA",
    },
    {
        "key": "cloud-us",
        "name": "Megan O'Connell",
        "organization": "Halcyon Cloud Services, Inc.",
        "group": "private_sector",
        "country": "US",
    },
    {
        "key": "ngo-india",
        "name": "Priya Raghunathan",
        "organization": "Network for Digital Justice",
        "group": "civil_society",
        "country": "IN",
    },
    {
        "key": "ngo-mexico",
        "name": "Lucía Hernández Ortega",
        "organization": "Colectiva Derechos Digitales de las Américas",
        "group": "civil_society",
        "country": "MX",
    },
    {
        "key": "ngo-egypt",
        "name": "Yasmine Abdelrahman",
        "organization": "Mubadara Centre for Women's Digital Inclusion",
        "group": "civil_society",
        "country": "EG",
    },
    {
        "key": "univ-japan",
        "name": "Haruka Nishimura",
        "organization": "Centre for Information Society Research, Minato University",
        "group": "academia",
        "country": "JP",
    },
    {
        "key": "institute-china",
        "name": "Li Wenjing",
        "organization": "中国信息社会发展研究院 (Zhōngguó Xìnxī Shèhuì Fāzhǎn Yánjiūyuàn)",
        "group": "academia",
        "country": "CN",
    },
    {
        "key": "registry-germany",
        "name": "Ingrid Vogel",
        "organization": "Continental Internet Number Registry (CINR)",
        "group": "technical_community",
        "country": "DE",
    },
    {
        "key": "standards-canada",
        "name": "Marc-André Tremblay",
        "organization": "Internet Resilience and Standards Society",
        "group": "technical_community",
        "country": "CA",
    },
    {
        "key": "io-geneva",
        "name": "Amara Diallo",
        "organization": "International Digital Development Agency",
        "group": "international_organization",
        "country": "CH",
    },
    {
        "key": "io-paris",
        "name": "Claire Fontaine-Moreau",
        "organization": "International Organization for Knowledge Societies",
        "group": "international_organization",
        "country": "FR",
    },
]

INPUTS: list[dict] = [
    {
        "by": "io-geneva",
        "on": "general",
        "kind": "comment",
        "text": (
            "We welcome the zero draft as a solid basis for negotiation. From the perspective of "
            "the United Nations system, three points deserve attention in the next revision:\n\n"
            "- a clearer division of labour between the WSIS follow-up and the follow-up of the "
            "Global Digital Compact (paragraphs 4, 27 and 39);\n"
            "- realistic timelines for the reports requested of the Secretary-General and of "
            "UNGIS;\n"
            "- the resource implications of the new requests, which should be spelled out before "
            "the text is finalized."
        ),
        "proposed": "",
        "quote": "",
        "endorsed_by": ["io-paris", "ministry-fiji"],
        "replies": [],
    },
    {
        "by": "ministry-kenya",
        "on": "general",
        "kind": "comment",
        "text": (
            "The draft is well structured, but the development dimension is *under-weighted*. "
            "Connectivity targets, AI and data governance all depend on financing and capacity, "
            "yet Section VIII is the shortest section of the document and contains no concrete "
            "commitment. We will propose language to correct this imbalance, in particular in "
            "paragraph 35."
        ),
        "proposed": "",
        "quote": "",
        "endorsed_by": ["mission-brazil", "ministry-fiji", "authority-saudi"],
        "replies": [
            {
                "by": "cloud-us",
                "text": (
                    "We agree that financing deserves more attention. Our experience is that "
                    "regulatory certainty mobilizes far more capital than new public funds, and we "
                    "hope the revision will reflect both channels."
                ),
            },
        ],
    },
    {
        "by": "ngo-india",
        "on": "general",
        "kind": "comment",
        "text": (
            "On process: a **four-week** comment period with the draft available only in English "
            "does not allow *meaningful participation* by grass-roots organizations in the Global "
            "South. We ask the co-facilitators to:\n\n"
            "1. publish the draft in all six official languages;\n"
            "2. extend the comment period by at least two weeks;\n"
            "3. publish a compilation showing how each input was handled."
        ),
        "proposed": "",
        "quote": "",
        "endorsed_by": ["ngo-mexico", "ngo-egypt", "standards-canada"],
        "replies": [
            {
                "by": "io-geneva",
                "text": (
                    "The secretariat intends to publish a compilation of all inputs received, "
                    "including the action taken on each, together with the revised draft."
                ),
            },
        ],
    },
    {
        "by": "univ-japan",
        "on": "general",
        "kind": "comment",
        "text": (
            "Many statements of fact in the draft would benefit from an explicit evidence base. We "
            "suggest that the secretariat annex a short list of the statistical sources relied "
            "upon, for example the ITU *Facts and Figures* series "
            "(https://www.itu.int/itu-d/reports/statistics/facts-figures-2024/) and the work of "
            "the Partnership on Measuring ICT for Development, so that the 2035 review can measure "
            "progress against a documented baseline."
        ),
        "proposed": "",
        "quote": "",
        "endorsed_by": ["institute-china", "io-paris"],
        "replies": [],
    },
    {
        "by": "mission-brazil",
        "on": "PP3",
        "kind": "amendment",
        "text": (
            "The Fourth International Conference on Financing for Development produced an outcome "
            "that is directly relevant to digital development. It should be recalled alongside the "
            "Addis Ababa Action Agenda."
        ),
        "proposed": (
            "Recalling also the 2030 Agenda for Sustainable Development, the Addis Ababa Action "
            "Agenda of the Third International Conference on Financing for Development, the "
            "Sevilla Commitment adopted at the Fourth International Conference on Financing for "
            "Development and the Pact for the Future, including the Global Digital Compact annexed "
            "thereto, and stressing the need for coherence among the processes that follow up on "
            "them,"
        ),
        "quote": "",
        "endorsed_by": ["ministry-kenya", "ministry-fiji"],
        "replies": [],
    },
    {
        "by": "univ-japan",
        "on": "PP5",
        "kind": "amendment",
        "text": (
            '"Around one third" is imprecise and will date quickly. We propose citing the most '
            "recent ITU estimate with its reference year."
        ),
        "proposed": (
            "Noting with concern that, despite considerable progress, an estimated 2.6 billion "
            "people, or around one third of the world's population, remained offline in 2024, most "
            "of whom live in least developed countries, landlocked developing countries and small "
            "island developing States, and that women and girls, older persons, persons with "
            "disabilities and rural communities are disproportionately affected,"
        ),
        "quote": "around one third of the world's population remains offline",
        "endorsed_by": ["ngo-egypt", "io-geneva"],
        "replies": [],
    },
    {
        "by": "registry-germany",
        "on": "PP9",
        "kind": "comment",
        "text": (
            "This phrase has too often been read as ranking stakeholders. Paragraph 22 speaks of "
            'stakeholders contributing "in their respective roles"; we would prefer the same '
            "formulation here, without the reference to a *leading* role of Governments."
        ),
        "proposed": "",
        "quote": "within their respective roles and responsibilities",
        "endorsed_by": ["standards-canada", "cloud-us"],
        "replies": [
            {
                "by": "authority-saudi",
                "text": (
                    "This is agreed language from the Tunis Agenda. It reflects the distinct "
                    "responsibilities of States and should not be reopened."
                ),
            },
        ],
    },
    {
        "by": "cloud-us",
        "on": "PP10",
        "kind": "comment",
        "text": (
            "Industry has made major investments in renewable energy and water-positive cooling. "
            "We suggest that the paragraph also recognize the efficiency gains made over the past "
            "decade, so that the picture presented is balanced."
        ),
        "proposed": "",
        "quote": "the energy and water consumed by data centres",
        "endorsed_by": ["telco-southafrica"],
        "replies": [
            {
                "by": "univ-japan",
                "text": (
                    "Efficiency per unit of computation has improved, but total consumption is "
                    "rising fast with AI workloads. Independent, comparable reporting would settle "
                    "the question; see our input on paragraph 30."
                ),
            },
        ],
    },
    {
        "by": "ministry-russia",
        "on": "3",
        "kind": "comment",
        "text": (
            "We strongly support this formulation. The balance achieved in Tunis, including the "
            "sovereign right of States to determine Internet-related public policy, must be "
            "preserved and should not be reinterpreted through new processes."
        ),
        "proposed": "",
        "quote": "without reopening the agreed outcomes of the Summit",
        "endorsed_by": ["authority-saudi", "institute-china"],
        "replies": [],
    },
    {
        "by": "io-geneva",
        "on": "4(a)",
        "kind": "comment",
        "text": (
            "UNGIS has already prepared a preliminary mapping of the Global Digital Compact "
            "commitments against the action lines (see https://www.ungis.org/). The paragraph "
            "could acknowledge this work explicitly so that it is built upon rather than repeated."
        ),
        "proposed": "",
        "quote": "building on the work already undertaken",
        "endorsed_by": ["io-paris"],
        "replies": [],
    },
    {
        "by": "mission-brazil",
        "on": "4(c)",
        "kind": "deletion",
        "text": (
            "This sub-paragraph prejudges the discussion on a dedicated financing mechanism under "
            "paragraph 35. Existing mechanisms have not delivered the resources needed, and the "
            "outcome should not foreclose new ones."
        ),
        "proposed": "",
        "quote": "",
        "endorsed_by": ["ministry-kenya", "ministry-fiji"],
        "replies": [
            {
                "by": "registry-germany",
                "text": (
                    "We would prefer to keep it. The proliferation of new forums stretches small "
                    "delegations and non-governmental stakeholders alike, and the Fijian and "
                    "Kenyan delegations have themselves raised this concern in the past."
                ),
            },
        ],
    },
    {
        "by": "telco-southafrica",
        "on": "6",
        "kind": "comment",
        "text": (
            "Operators welcome targets, but coverage and speed targets can only be met if they are "
            "accompanied by reforms on spectrum availability, rights of way and permitting. "
            "Targets set without these measures will simply not be reached in rural areas."
        ),
        "proposed": "",
        "quote": "set national targets",
        "endorsed_by": ["cloud-us", "ministry-fiji"],
        "replies": [],
    },
    {
        "by": "telco-southafrica",
        "on": "7(b)",
        "kind": "amendment",
        "text": (
            "High reserve prices in spectrum auctions divert capital from network roll-out. The "
            "text should say so."
        ),
        "proposed": (
            "To promote competition, infrastructure sharing and the efficient, transparent and "
            "non-discriminatory management of the radio-frequency spectrum, including the timely "
            "assignment of spectrum at reasonable cost and the avoidance of auction designs that "
            "maximize revenue at the expense of network roll-out;"
        ),
        "quote": "",
        "endorsed_by": ["cloud-us"],
        "replies": [
            {
                "by": "ministry-kenya",
                "text": (
                    "Spectrum pricing is a matter for national regulators, who must also secure a "
                    "fair return on a public resource. We could accept a reference to timely "
                    "assignment but not the rest."
                ),
            },
        ],
    },
    {
        "by": "ngo-mexico",
        "on": "7(c)",
        "kind": "comment",
        "text": (
            "Las redes comunitarias, en particular las redes indígenas, necesitan algo más que "
            '"apoyo": requieren **marcos de licenciamiento** adaptados y acceso a espectro '
            "reservado. Proponemos que el texto mencione expresamente:\n\n"
            "- regímenes de licencias simplificados para redes comunitarias;\n"
            "- la reserva de espectro para uso social y comunitario;\n"
            "- financiamiento de los fondos de servicio universal."
        ),
        "proposed": "",
        "quote": "community networks",
        "endorsed_by": ["ngo-india", "io-paris"],
        "replies": [],
    },
    {
        "by": "ministry-fiji",
        "on": "7",
        "kind": "insertion",
        "text": (
            "New paragraph after paragraph 7. Small island developing States depend on one or two "
            "submarine cables. The 2022 cable outage in the Pacific showed how a single natural "
            "hazard can cut a whole country off for weeks."
        ),
        "proposed": (
            "Recognize the particular vulnerability of small island developing States to "
            "disruptions of international connectivity, including damage to submarine cables "
            "caused by natural hazards, and call for international cooperation to support "
            "redundant cable routes, satellite back-up capacity and the rapid repair of damaged "
            "infrastructure;"
        ),
        "quote": "",
        "endorsed_by": ["registry-germany", "standards-canada", "ministry-kenya"],
        "replies": [],
    },
    {
        "by": "telco-southafrica",
        "on": "7(d)",
        "kind": "comment",
        "text": (
            "Across many markets, universal service funds collect levies from operators but "
            "disburse only a fraction of them. At a minimum, funds should:\n\n"
            "- publish annual accounts and disbursement rates;\n"
            "- be technology-neutral in their tenders;\n"
            "- reduce levies where balances remain unspent."
        ),
        "proposed": "",
        "quote": "universal service funds",
        "endorsed_by": ["cloud-us"],
        "replies": [
            {
                "by": "ministry-kenya",
                "text": (
                    "Our fund has disbursed most of its collections over the last three years and "
                    "publishes its accounts. We accept the call for transparency, which the "
                    "sub-paragraph already contains."
                ),
            },
        ],
    },
    {
        "by": "ngo-egypt",
        "on": "8",
        "kind": "comment",
        "text": (
            '"In some regions" understates the problem. The gap in Internet use between women '
            "and men is widest in least developed countries and in the Arab States and Africa; the "
            "text should name where the divide has grown."
        ),
        "proposed": "",
        "quote": "has widened in some regions",
        "endorsed_by": ["ngo-india", "univ-japan"],
        "replies": [],
    },
    {
        "by": "ngo-egypt",
        "on": "9",
        "kind": "amendment",
        "text": (
            "Commitments without targets are not measurable. We propose a time-bound target for "
            "closing the gender gap in use and ownership."
        ),
        "proposed": (
            "Commit to mainstreaming gender equality in national digital strategies, to setting "
            "time-bound national targets for closing the gender gap in Internet use and mobile "
            "telephone ownership by 2030, to collecting and publishing data disaggregated by sex, "
            "age and disability, to preventing and responding to technology-facilitated "
            "gender-based violence, and to supporting the participation and leadership of women "
            "and girls in the design, development and governance of digital technologies, "
            "including through targeted programmes on digital skills, mentorship and access to "
            "finance for women entrepreneurs;"
        ),
        "quote": "",
        "endorsed_by": ["ngo-india", "ngo-mexico", "io-paris", "ministry-fiji"],
        "replies": [],
    },
    {
        "by": "univ-japan",
        "on": "9",
        "kind": "comment",
        "text": (
            "Disaggregation by sex, age and disability is necessary but not sufficient. Without "
            "disaggregation by income and urban or rural location, it is impossible to tell "
            "whether the gender gap is closing for poorer and rural women."
        ),
        "proposed": "",
        "quote": "data disaggregated by sex, age and disability",
        "endorsed_by": ["ngo-egypt", "io-paris"],
        "replies": [],
    },
    {
        "by": "ngo-egypt",
        "on": "9",
        "kind": "insertion",
        "text": (
            "New paragraph after paragraph 9, so that the commitment in paragraph 9 is backed by "
            "resources."
        ),
        "proposed": (
            "Call upon Member States to ensure that universal service funds and other public "
            "financing for connectivity are gender-responsive, including by allocating a share of "
            "such funds to programmes that address the barriers faced by women and girls in "
            "accessing and using digital technologies;"
        ),
        "quote": "",
        "endorsed_by": ["ngo-india", "ngo-mexico"],
        "replies": [
            {
                "by": "ministry-kenya",
                "text": (
                    "We support the principle but cannot accept a fixed allocation. Could the "
                    'proponents accept "to consider allocating"?'
                ),
            },
            {
                "by": "ngo-egypt",
                "text": (
                    "Yes, provided the paragraph also asks for reporting on the share actually "
                    "allocated."
                ),
            },
        ],
    },
    {
        "by": "io-paris",
        "on": "11",
        "kind": "amendment",
        "text": (
            "The International Decade of Indigenous Languages provides a framework to which the "
            "outcome should refer."
        ),
        "proposed": (
            "Reaffirm the importance of multilingualism and cultural diversity in the information "
            "society, and encourage Governments, the technical community and the private sector to "
            "promote the creation of local content and the availability of services, including "
            "artificial intelligence systems, in all languages, in particular underserved and "
            "indigenous languages, to support the documentation and digitization of endangered "
            "languages, including in the context of the International Decade of Indigenous "
            "Languages (2022–2032), and to accelerate the deployment of internationalized domain "
            "names and universal acceptance;"
        ),
        "quote": "",
        "endorsed_by": ["institute-china", "ministry-fiji"],
        "replies": [],
    },
    {
        "by": "ngo-egypt",
        "on": "11",
        "kind": "comment",
        "text": (
            "نرحب بالإشارة إلى تعدد اللغات، لكن المحتوى العربي على الإنترنت لا يزال ضئيلاً مقارنةً "
            "بعدد المتحدثين بالعربية. نقترح أن تشير الفقرة صراحةً إلى دعم إنتاج المحتوى المحلي "
            "ونماذج الذكاء الاصطناعي باللغات واللهجات الأقل تمثيلاً، بما فيها اللهجات العربية."
        ),
        "proposed": "",
        "quote": "in particular underserved and indigenous languages",
        "endorsed_by": ["authority-saudi", "io-paris"],
        "replies": [],
    },
    {
        "by": "ministry-kenya",
        "on": "12",
        "kind": "comment",
        "text": (
            "We strongly support this paragraph. National digital identity, payments and data "
            "exchange platforms have transformed service delivery in our country and in the "
            "region. South-South exchange of such solutions should be encouraged."
        ),
        "proposed": "",
        "quote": "digital public infrastructure and digital public goods",
        "endorsed_by": ["mission-brazil", "io-geneva"],
        "replies": [
            {
                "by": "ngo-india",
                "text": (
                    "*Rights-respecting* has to mean enforceable safeguards: data protection law, "
                    "independent oversight and an offline alternative for people who are excluded "
                    "by biometric or digital identity systems."
                ),
            },
        ],
    },
    {
        "by": "cloud-us",
        "on": "12",
        "kind": "comment",
        "text": (
            "Open standards and interoperability are what matter for avoiding lock-in. Procurement "
            "should remain technology- and vendor-neutral rather than prescribe a particular "
            "licensing model."
        ),
        "proposed": "",
        "quote": "the open sharing of software",
        "endorsed_by": ["telco-southafrica"],
        "replies": [],
    },
    {
        "by": "ministry-russia",
        "on": "14",
        "kind": "deletion",
        "text": (
            "Measures taken in exceptional circumstances to protect national security and public "
            "order fall within the sovereign competence of States. This paragraph is unbalanced "
            "and should be deleted."
        ),
        "proposed": "",
        "quote": "",
        "endorsed_by": ["authority-saudi"],
        "replies": [
            {
                "by": "ngo-india",
                "text": (
                    "Shutdowns cut off emergency services, journalists and livelihoods, and their "
                    "economic cost is well documented (see "
                    "https://www.accessnow.org/campaign/keepiton/). The paragraph already allows "
                    "restrictions that meet the test of international law."
                ),
            },
            {
                "by": "telco-southafrica",
                "text": (
                    "Operators are caught between licence conditions and their customers. A clear "
                    "requirement for a legal basis and prior notice, as in the current text, helps "
                    "us."
                ),
            },
        ],
    },
    {
        "by": "ngo-mexico",
        "on": "14",
        "kind": "amendment",
        "text": (
            '"Express concern" is weaker than language the Human Rights Council has already '
            "agreed. States should be asked to stop shutdowns, not only to refrain from future "
            "ones."
        ),
        "proposed": (
            "Condemn the use of Internet shutdowns and other measures that intentionally prevent "
            "or disrupt access to or dissemination of information online, and call upon States to "
            "refrain from and cease such measures and to ensure that any restriction is consistent "
            "with their obligations under international human rights law, including the principles "
            "of legality, necessity and proportionality, and is subject to prior public notice and "
            "independent review;"
        ),
        "quote": "",
        "endorsed_by": ["ngo-india", "ngo-egypt", "standards-canada"],
        "replies": [],
    },
    {
        "by": "ngo-india",
        "on": "15",
        "kind": "comment",
        "text": (
            "Commercial spyware deserves an explicit mention. Its use against journalists and "
            "human rights defenders is now documented in more than 40 countries."
        ),
        "proposed": "",
        "quote": "including for surveillance purposes",
        "endorsed_by": ["ngo-mexico", "ngo-egypt"],
        "replies": [],
    },
    {
        "by": "ngo-india",
        "on": "16",
        "kind": "amendment",
        "text": (
            "Measures against disinformation are regularly used to silence critics. The safeguard "
            "should refer to the whole of international human rights law, not only to freedom of "
            "expression."
        ),
        "proposed": (
            "Recognize the importance of information integrity and of a diverse and independent "
            "media landscape, and encourage all stakeholders to address misinformation, "
            "disinformation and hate speech online through measures that promote media and "
            "information literacy, the transparency of digital platforms and access to reliable "
            "information, in full conformity with international human rights law and without "
            "restricting legitimate expression, including by journalists and human rights "
            "defenders;"
        ),
        "quote": "",
        "endorsed_by": ["ngo-mexico", "standards-canada"],
        "replies": [],
    },
    {
        "by": "cloud-us",
        "on": "16",
        "kind": "comment",
        "text": (
            "We support transparency. Transparency requirements should however protect user "
            "privacy and the security of systems, and build on the voluntary reporting frameworks "
            "that platforms already use."
        ),
        "proposed": "",
        "quote": "the transparency of digital platforms",
        "endorsed_by": ["telco-southafrica"],
        "replies": [],
    },
    {
        "by": "io-paris",
        "on": "17",
        "kind": "comment",
        "text": (
            "Our organization stands ready to support this work. More than 60 countries have "
            "completed an assessment of their readiness to implement the ethics of AI, and the "
            "results could feed the annual review."
        ),
        "proposed": "",
        "quote": "to report on progress",
        "endorsed_by": ["io-geneva", "univ-japan"],
        "replies": [],
    },
    {
        "by": "ministry-fiji",
        "on": "19",
        "kind": "comment",
        "text": (
            "A national incident response team is beyond the means of many small island States. "
            "The paragraph should also encourage **regional** teams and shared services."
        ),
        "proposed": "",
        "quote": "national capacities for cybersecurity",
        "endorsed_by": ["ministry-kenya", "registry-germany"],
        "replies": [],
    },
    {
        "by": "registry-germany",
        "on": "19(b)",
        "kind": "comment",
        "text": (
            "The usual term is *computer security incident response teams* (CSIRTs). Cooperation "
            "through existing global and regional CSIRT associations should be referred to, rather "
            "than new structures created."
        ),
        "proposed": "",
        "quote": "national computer incident response teams",
        "endorsed_by": [],
        "replies": [],
    },
    {
        "by": "ministry-russia",
        "on": "20",
        "kind": "amendment",
        "text": (
            "The paragraph should refer to the Convention adopted under the auspices of the "
            "General Assembly and to the principle of State sovereignty."
        ),
        "proposed": (
            "Acknowledge the work under way in the framework of the General Assembly on security "
            "in the use of information and communications technologies and on countering their use "
            "for criminal purposes, including the United Nations Convention against Cybercrime, "
            "and underline that efforts to build confidence and security should respect the "
            "sovereignty of States and be consistent with international law;"
        ),
        "quote": "",
        "endorsed_by": ["authority-saudi", "institute-china"],
        "replies": [
            {
                "by": "cloud-us",
                "text": (
                    "Removing the reference to human rights and to an open and interoperable "
                    "Internet would be a serious step backwards. We could not support this."
                ),
            },
        ],
    },
    {
        "by": "authority-saudi",
        "on": "22",
        "kind": "amendment",
        "text": (
            "تنص أجندة تونس بوضوح على أن سلطة السياسات العامة المتعلقة بالإنترنت هي حق سيادي "
            "للدول. نقترح إدراج هذا المبدأ المتفق عليه في الفقرة حفاظاً على التوازن."
        ),
        "proposed": (
            "Recognize the value of the multistakeholder approach to Internet governance, which "
            "has contributed to the stability, resilience and growth of the Internet, and reaffirm "
            "that policy authority for Internet-related public policy issues is the sovereign "
            "right of States, that all Governments should have an equal role and responsibility "
            "for international Internet-related public policy issues, and that other stakeholders "
            "contribute in their respective roles;"
        ),
        "quote": "",
        "endorsed_by": ["ministry-russia", "institute-china"],
        "replies": [
            {
                "by": "registry-germany",
                "text": (
                    "Selective quotation of the Tunis Agenda changes its balance. The current text "
                    "already reaffirms the role of Governments."
                ),
            },
            {
                "by": "ngo-india",
                "text": "We agree with the previous reply and would oppose this amendment.",
            },
        ],
    },
    {
        "by": "ngo-india",
        "on": "23",
        "kind": "amendment",
        "text": (
            "After twenty years, the IGF has proven its value. Renewing it every ten years creates "
            "uncertainty for donors and participants. **Make the mandate permanent.**"
        ),
        "proposed": (
            "Recognize the Internet Governance Forum as the primary multistakeholder platform for "
            "the discussion of Internet governance issues, and decide to make the Forum a "
            "permanent body of the United Nations, while continuing to improve its working "
            "methods, including by taking the following steps:"
        ),
        "quote": "",
        "endorsed_by": ["ngo-egypt", "standards-canada", "registry-germany", "cloud-us"],
        "replies": [],
    },
    {
        "by": "ngo-mexico",
        "on": "23",
        "kind": "amendment",
        "text": (
            "Veinte años de experiencia demuestran el valor del Foro. Un mandato **permanente**, "
            "con evaluaciones periódicas, daría estabilidad a su financiamiento y a la "
            "participación de la sociedad civil del Sur Global."
        ),
        "proposed": (
            "Recognize the Internet Governance Forum as the primary multistakeholder platform for "
            "the discussion of Internet governance issues, and decide to renew its mandate on a "
            "permanent basis, subject to a periodic review of its effectiveness, while continuing "
            "to improve its working methods, including by taking the following steps:"
        ),
        "quote": "",
        "endorsed_by": ["ngo-india", "ngo-egypt"],
        "replies": [],
    },
    {
        "by": "standards-canada",
        "on": "23",
        "kind": "comment",
        "text": (
            "Un mandat limité à dix ans oblige la communauté à consacrer son énergie à justifier "
            "l'existence du Forum plutôt qu'à en améliorer les résultats. Nous demandons que le "
            "mandat du FGI devienne *permanent*, assorti d'un examen régulier de ses méthodes de "
            "travail."
        ),
        "proposed": "",
        "quote": "for a further ten years",
        "endorsed_by": ["registry-germany", "univ-japan"],
        "replies": [
            {
                "by": "ministry-russia",
                "text": (
                    "A permanent mandate would deprive Member States of the possibility of "
                    "assessing whether the Forum meets its objectives. A time-limited mandate is "
                    "the normal practice."
                ),
            },
            {
                "by": "ngo-mexico",
                "text": (
                    "A permanent mandate does not exclude review; our amendment provides for "
                    "periodic review of the Forum's effectiveness."
                ),
            },
        ],
    },
    {
        "by": "io-geneva",
        "on": "23(c)",
        "kind": "comment",
        "text": (
            "Funding through the regular budget would require a statement of programme budget "
            "implications. The text could request one so that delegations can take an informed "
            "decision."
        ),
        "proposed": "",
        "quote": "through the regular budget of the United Nations",
        "endorsed_by": ["ministry-fiji"],
        "replies": [
            {
                "by": "cloud-us",
                "text": (
                    "We have contributed to the IGF Trust Fund and will continue to do so, but "
                    "predictable core funding would make voluntary contributions go further."
                ),
            },
        ],
    },
    {
        "by": "registry-germany",
        "on": "24",
        "kind": "deletion",
        "text": (
            "Two working groups on enhanced cooperation ended without agreement. Reopening the "
            "question risks diverting energy from the implementation priorities of this outcome."
        ),
        "proposed": "",
        "quote": "",
        "endorsed_by": ["cloud-us", "standards-canada"],
        "replies": [
            {
                "by": "authority-saudi",
                "text": (
                    "Enhanced cooperation is an unfulfilled mandate of the Tunis Agenda. We firmly "
                    "oppose its deletion."
                ),
            },
            {
                "by": "ministry-russia",
                "text": "We share this view. The paragraph is already a minimal formulation.",
            },
        ],
    },
    {
        "by": "registry-germany",
        "on": "25",
        "kind": "amendment",
        "text": (
            "Open standards are voluntary and developed in open processes. The final qualifier "
            "invites unilateral measures at the technical layer and should be removed."
        ),
        "proposed": (
            "Emphasize the importance of open, interoperable, voluntary and consensus-based "
            "technical standards developed in open and transparent processes, and of the stable "
            "and secure functioning of the Internet's system of unique identifiers, and call upon "
            "all stakeholders to refrain from actions that could lead to the fragmentation of the "
            "Internet at the technical level;"
        ),
        "quote": "",
        "endorsed_by": ["standards-canada", "cloud-us"],
        "replies": [
            {
                "by": "ministry-kenya",
                "text": (
                    "We can support the first change, but the reference to the role of States must "
                    "remain."
                ),
            },
        ],
    },
    {
        "by": "standards-canada",
        "on": "25",
        "kind": "insertion",
        "text": (
            "New paragraph after paragraph 25 on the resilience of the Internet, which the draft "
            "mentions only in passing."
        ),
        "proposed": (
            "Encourage all stakeholders to strengthen the resilience of the Internet, including by "
            "promoting the deployment of Internet exchange points, route diversity, secure routing "
            "practices and IPv6, and the protection of submarine cables and other critical "
            "infrastructure, and invite the technical community to share good practices and "
            "support capacity-building in this regard;"
        ),
        "quote": "",
        "endorsed_by": ["registry-germany", "ministry-fiji", "telco-southafrica"],
        "replies": [],
    },
    {
        "by": "institute-china",
        "on": "26",
        "kind": "amendment",
        "text": (
            "人工智能鸿沟正在扩大。建议本段明确提及“人工智能鸿沟”，"
            "并强调能力建设和在非歧视基础上开展国际合作，使发展中国家真正受益。"
        ),
        "proposed": (
            "Recognize that artificial intelligence has the potential to accelerate progress "
            "towards the Sustainable Development Goals, while noting with concern the widening "
            "artificial intelligence divide resulting from the concentration of computing "
            "capacity, data, talent and investment in a small number of countries and companies, "
            "and commit to promoting the inclusive participation of all countries, in particular "
            "developing countries, in the development, deployment and governance of artificial "
            "intelligence, including through capacity-building and international cooperation on a "
            "non-discriminatory basis;"
        ),
        "quote": "",
        "endorsed_by": ["ministry-kenya", "mission-brazil", "authority-saudi"],
        "replies": [],
    },
    {
        "by": "io-geneva",
        "on": "27",
        "kind": "comment",
        "text": (
            "Coordination should be made concrete: we suggest that the Scientific Panel be invited "
            "to share its reports with the CSTD and that UNGIS be tasked with keeping a joint "
            "calendar."
        ),
        "proposed": "",
        "quote": "avoid duplication of effort",
        "endorsed_by": ["io-paris"],
        "replies": [],
    },
    {
        "by": "ngo-mexico",
        "on": "28(a)",
        "kind": "deletion",
        "text": (
            "Protecting people from the harms of AI cannot be made conditional on being "
            '"supportive of innovation". The lead-in already covers proportionality.'
        ),
        "proposed": "",
        "quote": "",
        "endorsed_by": ["ngo-india"],
        "replies": [
            {
                "by": "cloud-us",
                "text": (
                    "Risk-based, proportionate regulation is the approach taken in most "
                    "jurisdictions that regulate AI. Deleting it would make the paragraph less, "
                    "not more, protective."
                ),
            },
        ],
    },
    {
        "by": "cloud-us",
        "on": "28(a)",
        "kind": "amendment",
        "text": (
            "Voluntary commitments and codes of conduct have moved faster than legislation and "
            "should be recognized as a complement to regulation."
        ),
        "proposed": (
            "Risk-based approaches to regulation and oversight that are proportionate, supportive "
            "of innovation and complemented by voluntary commitments and industry codes of conduct;"
        ),
        "quote": "",
        "endorsed_by": ["telco-southafrica"],
        "replies": [],
    },
    {
        "by": "mission-brazil",
        "on": "29",
        "kind": "comment",
        "text": (
            'The concept of data flows "with trust" has no agreed definition in the United '
            "Nations. Developing countries need policy space to build their own data economies; "
            "the paragraph should refer to the right of States to regulate data in the public "
            "interest."
        ),
        "proposed": "",
        "quote": "the flow of data with trust",
        "endorsed_by": ["ministry-kenya", "institute-china"],
        "replies": [
            {
                "by": "univ-japan",
                "text": (
                    "Research shows that data localization raises costs for small firms in "
                    "particular. Interoperable frameworks can preserve regulatory space without "
                    "fragmenting flows."
                ),
            },
        ],
    },
    {
        "by": "univ-japan",
        "on": "30",
        "kind": "amendment",
        "text": (
            "Aggregate indicators are not enough for research on inequality. Access to anonymized "
            "microdata would greatly improve the evidence available to the 2035 review."
        ),
        "proposed": (
            "Encourage the development of national capacities for the production and use of data "
            "and statistics on the information society, and invite the Partnership on Measuring "
            "ICT for Development to strengthen the core indicators on meaningful connectivity, "
            "digital skills, the adoption of artificial intelligence and the environmental impact "
            "of digital technologies, in cooperation with national statistical offices and the "
            "research community, and to make the underlying anonymized microdata available to "
            "researchers, subject to appropriate privacy safeguards;"
        ),
        "quote": "",
        "endorsed_by": ["institute-china", "io-paris", "ngo-egypt"],
        "replies": [],
    },
    {
        "by": "univ-japan",
        "on": "30",
        "kind": "insertion",
        "text": (
            "New paragraph after paragraph 30. Independent research on platforms depends on data "
            "that only the platforms hold."
        ),
        "proposed": (
            "Encourage digital platforms to provide independent researchers with secure and "
            "privacy-preserving access to the data necessary for studying the societal impacts of "
            "digital technologies, and invite Member States to consider frameworks that facilitate "
            "such access;"
        ),
        "quote": "",
        "endorsed_by": ["ngo-india", "institute-china"],
        "replies": [
            {
                "by": "cloud-us",
                "text": (
                    "We already provide researcher access programmes. Mandated access raises real "
                    'privacy and security risks, which the word "frameworks" should not overlook.'
                ),
            },
        ],
    },
    {
        "by": "cloud-us",
        "on": "31",
        "kind": "amendment",
        "text": (
            "Disclosure should follow recognized methodologies to be comparable, and should remain "
            "voluntary at the international level."
        ),
        "proposed": (
            "Commit to reducing the environmental footprint of digital technologies, including by "
            "promoting energy-efficient networks and data centres, the use of renewable energy, "
            "circular economy approaches and the environmentally sound management of electronic "
            "waste, and encourage the private sector to report, on a voluntary basis and in line "
            "with internationally recognized methodologies, the energy and water consumption "
            "associated with its digital infrastructure and services;"
        ),
        "quote": "",
        "endorsed_by": ["telco-southafrica"],
        "replies": [
            {
                "by": "ngo-india",
                "text": (
                    "Voluntary reporting has produced numbers that cannot be compared. We support "
                    'common methodologies but not the word "voluntary".'
                ),
            },
        ],
    },
    {
        "by": "ministry-fiji",
        "on": "31",
        "kind": "comment",
        "text": (
            "Much electronic waste ends up in developing countries, including small island States "
            "with no recycling capacity. The paragraph should refer to producer responsibility and "
            "to the control of transboundary movements."
        ),
        "proposed": "",
        "quote": "environmentally sound management of electronic waste",
        "endorsed_by": ["ministry-kenya", "ngo-egypt"],
        "replies": [],
    },
    {
        "by": "telco-southafrica",
        "on": "34",
        "kind": "insertion",
        "text": (
            "New paragraph after paragraph 34. A handful of content providers generate most "
            "network traffic but do not contribute to network costs in developing markets."
        ),
        "proposed": (
            "Invite Member States to consider ways to ensure a fair and proportionate contribution "
            "to the costs of network deployment by large providers of content and applications "
            "that generate a significant share of Internet traffic;"
        ),
        "quote": "",
        "endorsed_by": ["ministry-kenya"],
        "replies": [
            {
                "by": "cloud-us",
                "text": (
                    "Content providers invest heavily in caches, submarine cables and data centres "
                    "that reduce operators' costs. Network fees would raise prices for users."
                ),
            },
            {
                "by": "standards-canada",
                "text": (
                    '"Sending party pays" models threaten the end-to-end architecture of the '
                    "Internet. We would oppose this paragraph."
                ),
            },
        ],
    },
    {
        "by": "cloud-us",
        "on": "34",
        "kind": "amendment",
        "text": (
            "Investment follows regulatory certainty. The paragraph should also welcome voluntary "
            "industry commitments."
        ),
        "proposed": (
            "Call upon Member States to create stable, predictable and transparent policy and "
            "regulatory environments that encourage private investment in digital infrastructure, "
            "and encourage development banks, including multilateral development banks, to scale "
            "up financing for connectivity, digital skills and digital public infrastructure, "
            "including through blended finance and other innovative financing mechanisms, while "
            "ensuring that the resulting networks and services remain open, affordable and "
            "accessible to all, and welcome voluntary commitments by the private sector to "
            "contribute to universal and meaningful connectivity;"
        ),
        "quote": "",
        "endorsed_by": ["telco-southafrica", "registry-germany"],
        "replies": [],
    },
    {
        "by": "ministry-kenya",
        "on": "35",
        "kind": "amendment",
        "text": (
            '"Take note of proposals" is too weak after twenty years of discussion. The outcome '
            "should decide to establish the mechanism and ask for options on its modalities."
        ),
        "proposed": (
            "Decide to establish a dedicated financing mechanism for digital development, and "
            "request the Secretary-General, in consultation with Member States, international "
            "financial institutions and other stakeholders, to prepare a report on the modalities "
            "for its establishment and operationalization, for consideration by the General "
            "Assembly at its eighty-third session;"
        ),
        "quote": "",
        "endorsed_by": ["mission-brazil", "ministry-fiji", "authority-saudi", "institute-china"],
        "replies": [],
    },
    {
        "by": "mission-brazil",
        "on": "35",
        "kind": "comment",
        "text": (
            "We join others in asking that the outcome *decide* on a dedicated financing mechanism "
            "rather than merely take note of proposals. The Secretary-General's report should "
            "address how it would operate, not whether it should exist."
        ),
        "proposed": "",
        "quote": "Take note of proposals",
        "endorsed_by": ["ministry-kenya", "ministry-fiji"],
        "replies": [
            {
                "by": "io-geneva",
                "text": (
                    "The report could in any case map existing funds and their disbursement gaps, "
                    "which would inform either option."
                ),
            },
        ],
    },
    {
        "by": "io-paris",
        "on": "36",
        "kind": "comment",
        "text": (
            "We welcome the call for coordination. A joint capacity-building catalogue maintained "
            "by the entities listed would help countries find what is on offer and avoid "
            "overlapping programmes."
        ),
        "proposed": "",
        "quote": "coordinated capacity-building programmes",
        "endorsed_by": ["io-geneva", "ministry-fiji"],
        "replies": [],
    },
    {
        "by": "institute-china",
        "on": "37",
        "kind": "comment",
        "text": (
            "我们支持开放获取和开放科学。建议增加关于发展中国家研究人员获得计算资源的内容，"
            "因为没有算力，开放数据也难以充分利用。"
        ),
        "proposed": "",
        "quote": "open access to scientific publications and research data",
        "endorsed_by": ["univ-japan", "io-paris"],
        "replies": [],
    },
    {
        "by": "io-geneva",
        "on": "39(a)",
        "kind": "amendment",
        "text": (
            "Updating the action lines themselves could be read as altering the mandates of the "
            "facilitators. The text should make clear that only their descriptions are updated."
        ),
        "proposed": (
            "To update the descriptions of the action lines, as necessary, to reflect the "
            "commitments of the Global Digital Compact, without creating new action lines or "
            "altering the mandates of the action line facilitators;"
        ),
        "quote": "",
        "endorsed_by": [],
        "replies": [],
    },
    {
        "by": "ngo-egypt",
        "on": "39(c)",
        "kind": "comment",
        "text": (
            "Stakeholders should be able to comment on a draft of the road map before it is "
            "presented to the Commission, as they can on this outcome document."
        ),
        "proposed": "",
        "quote": "To present the road map",
        "endorsed_by": ["ngo-india", "univ-japan"],
        "replies": [],
    },
    {
        "by": "ministry-fiji",
        "on": "40",
        "kind": "comment",
        "text": (
            'For delegations from the Pacific, "open and inclusive" must include full remote '
            "participation and funded travel for at least one delegate per small island State."
        ),
        "proposed": "",
        "quote": "open and inclusive preparatory process",
        "endorsed_by": ["ministry-kenya", "ngo-india"],
        "replies": [],
    },
]
