"""Build the reference consultation that the page benchmarks measure.

One secretariat, N stakeholders over the six WSIS groups and many countries, one open
version of P paragraphs (headings, preambular, operative with lettered sub-paragraphs)
and C published comments, a share of them on one "busy" paragraph, with replies,
amendments and endorsements. Rows go in through SQLAlchemy bulk inserts with their ids
chosen here, so building 20,000 comments takes seconds rather than the minutes that
going through the services would; the HTML is rendered exactly as the app renders it.

    python bench/reference.py [--database-url URL] [--paragraphs N] [--comments N]
                              [--stakeholders N] [--create-database]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
import pycountry
from sqlalchemy import create_engine, func, insert, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from werkzeug.security import generate_password_hash

if __package__ in (None, ""):  # run as a script: make `consult` importable from the checkout
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from consult import create_app, database_uri
from consult.auth.models import StakeholderGroup, User
from consult.comments.models import Comment, Endorsement
from consult.database import new_key, utcnow
from consult.drafts.models import Consultation, Paragraph, Version
from consult.extensions import db
from consult.markup import plain_text, render_markdown

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
SLUG = "wsis20-reference"
VERSION_NUMBER = 1
BATCH = 2000
GROUPS = [group.value for group in StakeholderGroup]
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def default_database_url(name: str = "reference") -> str:
    """A SQLite file under bench/out/ (ignored by git), the folder made if missing."""
    OUT.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{OUT / (name + '.sqlite')}"


@dataclass
class ReferenceSet:
    """What was built (or found), so a benchmark can say what it measured."""

    database_url: str
    paragraphs: int
    comments: int
    stakeholders: int
    busy_position: int
    busy_comments: int = 0
    busy_top_level: int = 0
    endorsements: int = 0
    slug: str = SLUG
    version_number: int = VERSION_NUMBER
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def build_seconds(self) -> float:
        return sum(self.seconds.values())

    def url(self, position: int | None = None) -> str:
        base = f"/c/{self.slug}/v/{self.version_number}"
        return base if position is None else f"{base}/p/{position}"


# Words ------------------------------------------------------------------------------------

PREAMBULAR_VERBS = [
    "Recalling", "Reaffirming", "Recognizing", "Noting with concern", "Acknowledging",
    "Welcoming", "Emphasizing", "Stressing", "Bearing in mind", "Mindful",
    "Expressing concern", "Taking note of",
]
OPERATIVE_VERBS = [
    "Reaffirms", "Calls upon", "Encourages", "Requests", "Decides", "Urges", "Invites",
    "Underlines", "Recognizes", "Welcomes", "Emphasizes", "Commits to",
]
SUBJECTS = [
    "all stakeholders", "Member States", "the private sector", "civil society",
    "the technical community", "academia", "international organizations",
    "the United Nations system", "the Secretary-General", "regional organizations",
]
TOPICS = [
    "the digital divide", "meaningful and affordable connectivity", "the gender digital divide",
    "the Internet Governance Forum", "the World Summit on the Information Society",
    "capacity-building in developing countries", "least developed countries",
    "human rights online and offline", "artificial intelligence", "data governance",
    "cybersecurity and trust", "multistakeholder cooperation",
    "the Sustainable Development Goals", "digital public infrastructure",
    "the protection of personal data", "multilingualism and cultural diversity",
    "the environmental impact of digital technologies", "open standards",
    "digital skills and literacy", "access to information and knowledge",
    "small island developing States", "persons with disabilities", "e-government services",
    "a people-centred, inclusive and development-oriented information society",
]
PURPOSES = [
    "with a view to achieving universal connectivity by 2030",
    "in accordance with the Tunis Agenda for the Information Society",
    "in line with the Geneva Declaration of Principles",
    "taking into account national circumstances and priorities",
    "through enhanced international cooperation",
    "with the full and meaningful participation of all stakeholders",
    "while respecting international law, including international human rights law",
    "and to report thereon at its eighty-fifth session",
]
SUBPARAGRAPHS = [
    "To bridge digital divides, including the gender digital divide",
    "To strengthen the Internet Governance Forum and its national and regional initiatives",
    "To promote open, interoperable and secure digital public infrastructure",
    "To invest in digital skills for people of all ages",
    "To support the participation of developing countries in standard-setting",
    "To improve the measurement of the information society",
    "To protect children and young people online",
    "To reduce the environmental footprint of data centres and networks",
]
HEADINGS = [
    "Information and communications technologies for development",
    "Bridging digital divides", "Human rights and ethical dimensions",
    "Building confidence and security", "Enabling environment", "Internet governance",
    "Financing mechanisms", "Follow-up and review", "Data and artificial intelligence",
    "Capacity development",
]
OPENERS = [
    "We welcome the reference to {topic}, but the paragraph should go further.",
    "Our organization strongly supports this paragraph.",
    "We are concerned that {topic} is mentioned without any commitment attached.",
    "The text should recognize the role of {subject} in {topic}.",
    "We suggest aligning this language with the agreed wording on {topic}.",
    "This paragraph is too vague to guide implementation.",
    "As a {group} stakeholder from {country}, we see {topic} as the priority.",
    "We propose to keep this paragraph as it is.",
]
MIDDLES = [
    "Experience since 2005 shows that {topic} depends on {topic2}.",
    "Without measurable targets, {subject} cannot be held to account.",
    "The reference to {topic} must not weaken commitments on {topic2}.",
    "**Funding** remains the missing piece: {subject} should say how {topic} will be paid for.",
    "See our earlier submission at [our website](https://example.org/submissions/{n}) for "
    "the evidence.",
    "National consultations we held in {country} raised exactly this point.",
    "It would help to define *{topic}* more precisely.",
]
BULLETS = [
    "- clear targets and indicators\n- regular review by the IGF\n- funding for {topic}",
    "1. name {subject} explicitly\n2. add a reference to {topic}",
]
CLOSERS = [
    "We stand ready to contribute to this work.",
    "Thank you for the opportunity to comment.",
    "We hope the co-facilitators will take this into account.",
    "",
]
FIRST_NAMES = [
    "Amina", "Li", "Tomás", "Olena", "Kwame", "Priya", "Sofia", "Mehmet", "Aiko", "Juan",
    "Fatima", "Ivan", "Grace", "Ahmed", "Marie", "Chen", "Nadia", "Carlos", "Yuki", "Oluwaseun",
    "Leila", "Pedro", "Anna", "Rahul", "Zainab", "Lars", "Mei", "Diego", "Hana", "Samuel",
]
LAST_NAMES = [
    "Diallo", "Wenjing", "Okafor", "Kravets", "Mensah", "Sharma", "Rossi", "Yilmaz",
    "Tanaka", "García", "Haddad", "Petrov", "Njoroge", "Hassan", "Dubois", "Wang", "Karimi",
    "Silva", "Sato", "Adeyemi", "Nasser", "Costa", "Nowak", "Gupta", "Bello", "Larsen",
    "Lin", "Fernández", "Kim", "Mwangi",
]
ORGANIZATIONS = {
    "government": ["Ministry of ICT of {country}", "Permanent Mission of {country}",
                   "Telecommunications Regulator of {country}"],
    "private_sector": ["Nimbus Networks Ltd", "Baobab Telecom", "Meridian Cloud",
                       "{country} Chamber of Commerce", "Atlas Data Centres"],
    "civil_society": ["Network for Digital Justice", "Open Rights {country}",
                      "Women in Tech Alliance", "Digital Inclusion Foundation"],
    "academia": ["University of {country}", "Minato University",
                 "Institute for Internet Studies", "Centre for Technology Policy"],
    "technical_community": ["Internet Society {country} Chapter", "Regional Internet Registry",
                            "{country} Network Operators Group", "Open Standards Institute"],
    "international_organization": ["ITU", "UNESCO", "UNDP", "UNCTAD", "OECD", "World Bank"],
}


class Writer:
    """Makes deterministic, plausible text from a seeded random generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.countries = [(c.alpha_2, c.name) for c in pycountry.countries]

    def pick(self, items: Sequence[str]) -> str:
        return self.rng.choice(items)

    def fill(self, template: str, **known: str) -> str:
        values = {
            "topic": self.pick(TOPICS),
            "topic2": self.pick(TOPICS),
            "subject": self.pick(SUBJECTS),
            "group": self.pick(GROUPS).replace("_", " "),
            "country": self.pick(self.countries)[1],
            "n": str(self.rng.randint(1, 9999)),
        }
        values.update(known)
        return template.format(**values)

    def preambular(self) -> str:
        body = f"*{self.pick(PREAMBULAR_VERBS)}* {self.pick(TOPICS)}"
        if self.rng.random() < 0.5:
            body += f" and {self.pick(TOPICS)}"
        if self.rng.random() < 0.3:
            body += ", as set out in its [resolution 70/125](https://undocs.org/A/RES/70/125)"
        return body + ","

    def operative(self, introduces_list: bool) -> str:
        body = f"*{self.pick(OPERATIVE_VERBS)}* {self.pick(SUBJECTS)}"
        if introduces_list:
            return body + " to take the following steps:"
        body += f" to advance {self.pick(TOPICS)} {self.pick(PURPOSES)}"
        if self.rng.random() < 0.4:
            body += f", paying particular attention to {self.pick(TOPICS)}"
        return body + ";"

    def comment(self, group: str, country: str) -> str:
        parts = [self.fill(self.pick(OPENERS), group=group.replace("_", " "), country=country)]
        for _ in range(self.rng.randint(0, 3)):
            parts.append(self.fill(self.pick(MIDDLES), country=country))
        body = " ".join(parts)
        if self.rng.random() < 0.25:
            body += "\n\n" + self.fill(self.pick(MIDDLES), country=country)
        if self.rng.random() < 0.1:
            body += "\n\n" + self.fill(self.pick(BULLETS))
        closer = self.pick(CLOSERS)
        return body + ("\n\n" + closer if closer else "")

    def reply(self) -> str:
        return self.fill(self.pick([
            "We agree, and would add {topic}.",
            "Respectfully, we disagree: {topic} is already covered elsewhere in the text.",
            "Could you say which agreed language you have in mind?",
            "This matches what we heard from {subject} in {country}.",
        ]))

    def amend(self, original: str) -> str:
        """The paragraph's words with a few changed, as a real amendment would."""
        words = original.split()
        for _ in range(self.rng.randint(1, 3)):
            if not words:
                break
            index = self.rng.randrange(len(words))
            choice = self.rng.random()
            if choice < 0.4:
                words[index] = self.pick(["strengthen", "ensure", "promote", "universal",
                                          "meaningful", "all", "sustainable"])
            elif choice < 0.7:
                words.insert(index, self.pick(["effectively", "inclusive", "and rights-based",
                                               "in particular"]))
            else:
                del words[index]
        changed = " ".join(words)
        return changed if changed != original else original + " " + self.pick(PURPOSES)

    def quote(self, original: str) -> str:
        words = original.split()
        if len(words) < 4:
            return ""
        length = self.rng.randint(3, min(8, len(words)))
        start = self.rng.randrange(len(words) - length + 1)
        return " ".join(words[start:start + length]).strip(" ,;:")


def _roman(number: int) -> str:
    numerals = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for value, letters in numerals:
        while number >= value:
            out += letters
            number -= value
    return out


# Progress and timing ------------------------------------------------------------------------


@contextmanager
def _step(name: str, seconds: dict[str, float], show: bool) -> Iterator[None]:
    start = time.perf_counter()
    yield
    seconds[name] = time.perf_counter() - start
    if show:
        click.echo(f"  {name}: {seconds[name]:.1f} s", err=True)


def _track(items: Sequence[Any], label: str, show: bool) -> Iterator[Any]:
    """Yield the items, with a progress bar on stderr when asked."""
    if not show:
        yield from items
        return
    with click.progressbar(items, label=f"  {label}", file=sys.stderr, width=30) as bar:
        yield from bar


def _insert(model: type, rows: Sequence[dict[str, Any]], label: str, show: bool) -> None:
    """Bulk-insert in batches (one multi-row INSERT each), committing once at the end."""
    batches = [rows[start:start + BATCH] for start in range(0, len(rows), BATCH)]
    for batch in _track(batches, label, show):
        db.session.execute(insert(model), list(batch))
    db.session.commit()


# The database itself -----------------------------------------------------------------------


def is_postgresql(database_url: str) -> bool:
    return database_url.startswith(("postgres://", "postgresql"))


def create_postgres_database(database_url: str) -> bool:
    """Create the database named in the URL when it does not exist; True if it was made."""
    url = make_url(database_uri(database_url))
    name = url.database
    engine = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).first()
            if exists:
                return False
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
            return True
    finally:
        engine.dispose()


def _sqlite_path(database_url: str) -> Path | None:
    database = make_url(database_url).database
    return Path(database) if database and database != ":memory:" else None


def reset_database(database_url: str) -> None:
    """Start from nothing: delete the SQLite file, or empty a throwaway PostgreSQL database.

    A PostgreSQL database that holds tables is emptied only when its name says it is a
    benchmark's ("bench" in it), so a mistyped URL cannot wipe real data.
    """
    if not is_postgresql(database_url):
        path = _sqlite_path(database_url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(str(path) + suffix).unlink(missing_ok=True)
        return
    url = make_url(database_uri(database_url))
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            tables = inspect(connection).get_table_names()
    except OperationalError as error:
        engine.dispose()
        raise click.ClickException(
            f"cannot use {_display(database_url)}: {str(error.orig).strip()}. "
            "To have the database created, add --create-database."
        ) from error
    try:
        with engine.begin() as connection:
            if tables and "bench" not in (url.database or ""):
                raise click.ClickException(
                    f"refusing to empty database {url.database!r}: it holds tables and its "
                    "name has no 'bench' in it. Point --database-url at a throwaway database "
                    "(e.g. .../consult_bench with --create-database)."
                )
            connection.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
    finally:
        engine.dispose()


def bench_app(database_url: str, **config: Any):
    """The application as the benchmarks run it: production settings but a fixed key."""
    settings = {
        "TESTING": True,
        "SECRET_KEY": "bench secret key",
        "DATABASE_URL": database_url,
        "MAIL_OUTBOX_DIR": str(OUT / "outbox"),
    }
    settings.update(config)
    return create_app(settings)


# The rows ------------------------------------------------------------------------------------


def _users(count: int, writer: Writer, now: dt.datetime) -> list[dict[str, Any]]:
    password_hash = generate_password_hash("reference set password")
    rows = [{
        "id": 1, "email": "secretariat@bench.example.org", "password_hash": password_hash,
        "name": "Olena Kravets", "organization": "WSIS secretariat",
        "stakeholder_group": "international_organization", "country": "CH",
        "role": "secretariat", "email_verified_at": now - dt.timedelta(days=60),
        "session_epoch": 0, "active": True, "created_at": now - dt.timedelta(days=60),
        "last_login_at": None,
    }]
    rng = writer.rng
    for index in range(count):
        group = GROUPS[index % len(GROUPS)]
        code, country = writer.pick(writer.countries)
        joined = now - dt.timedelta(days=rng.uniform(15, 60))
        rows.append({
            "id": index + 2,
            "email": f"stakeholder{index + 1}@bench.example.org",
            "password_hash": password_hash,
            "name": f"{writer.pick(FIRST_NAMES)} {writer.pick(LAST_NAMES)}",
            "organization": writer.pick(ORGANIZATIONS[group]).format(country=country),
            "stakeholder_group": group,
            "country": code,
            "role": "stakeholder",
            "email_verified_at": joined,
            "session_epoch": 0,
            "active": True,
            "created_at": joined,
            "last_login_at": None,
        })
    return rows


def _paragraphs(count: int, writer: Writer) -> list[dict[str, Any]]:
    """Preamble, then operative paragraphs under roman-numbered headings, some with (a), (b)."""
    rows: list[dict[str, Any]] = []

    def add(kind: str, label: str, body: str, parent_id: int | None = None) -> int:
        ident = len(rows) + 1
        rows.append({
            "id": ident, "version_id": 1, "position": ident, "parent_id": parent_id,
            "kind": kind, "number_label": label, "body": body,
            "body_html": render_markdown(body, line_breaks=False),
            "lineage_key": new_key(), "row_version": 1,
        })
        return ident

    add("text", "", "The General Assembly,")
    for _ in range(min(max(1, round(count * 0.2)), count - len(rows))):
        add("preambular", "", writer.preambular())
    operative = 0
    headings = 0
    while len(rows) < count:
        if operative % 12 == 0 and count - len(rows) >= 2:
            headings += 1
            add("heading", _roman(headings), HEADINGS[(headings - 1) % len(HEADINGS)])
        operative += 1
        with_list = writer.rng.random() < 0.2 and count - len(rows) >= 3
        parent = add("operative", str(operative), writer.operative(with_list))
        if with_list:
            for letter in LETTERS[: min(writer.rng.randint(2, 4), count - len(rows))]:
                add("operative", f"({letter})", writer.pick(SUBPARAGRAPHS) + ";", parent)
    return rows[:count]


def busy_position(paragraphs: Sequence[dict[str, Any]]) -> int:
    """The first top-level operative paragraph from 40 % into the text: same for any C."""
    start = round(len(paragraphs) * 0.4)
    for row in paragraphs[start:]:
        if row["kind"] == "operative" and row["parent_id"] is None:
            return row["position"]
    candidates = [row for row in paragraphs if row["kind"] != "heading"] or list(paragraphs)
    return candidates[-1]["position"]


def _comments(
    count: int,
    busy_share: float,
    paragraphs: Sequence[dict[str, Any]],
    busy: int,
    users: Sequence[dict[str, Any]],
    writer: Writer,
    opens_at: dt.datetime,
    now: dt.datetime,
    show: bool,
) -> list[dict[str, Any]]:
    """Comments in the order they were written, so ids grow with time and replies follow."""
    rng = writer.rng
    stakeholders = users[1:]
    texts = {row["id"]: plain_text(row["body"]) for row in paragraphs}
    country_names = dict(writer.countries)
    others = [row for row in paragraphs if row["position"] != busy]
    weights = [
        (0.1 if row["kind"] == "heading" else rng.paretovariate(1.2)) for row in others
    ]
    busy_id = paragraphs[busy - 1]["id"]
    span = (now - opens_at).total_seconds() - 3600
    moments = sorted(opens_at + dt.timedelta(seconds=rng.uniform(0, span)) for _ in range(count))
    threads: dict[int | None, list[int]] = {}
    replies_in: dict[int, list[int]] = {}
    rows: list[dict[str, Any]] = []
    for index in _track(range(count), "comments (rendering Markdown)", show):
        draw = rng.random()
        if draw < busy_share:
            paragraph_id: int | None = busy_id
        elif draw < busy_share + 0.02 or not others:
            paragraph_id = None
        else:
            paragraph_id = rng.choices(others, weights)[0]["id"]
        author = rng.choice(stakeholders)
        ident = index + 1
        roots = threads.get(paragraph_id, [])
        parent_id = root_id = None
        proposed = quote = ""
        kind_draw = rng.random()
        if roots and kind_draw < 0.3:
            kind = "reply"
            root_id = rng.choice(roots[-50:]) if rng.random() < 0.7 else rng.choice(roots)
            earlier = replies_in.get(root_id, [])
            parent_id = rng.choice(earlier) if earlier and rng.random() < 0.3 else root_id
            replies_in.setdefault(root_id, []).append(ident)
            body = writer.reply()
        else:
            kind = "comment"
            original = texts.get(paragraph_id, "") if paragraph_id else ""
            if original and kind_draw < 0.55:
                kind = "amendment"
                proposed = writer.amend(original)
            elif original and kind_draw < 0.58:
                kind = "deletion"
            elif original and kind_draw < 0.62:
                kind = "insertion"
                proposed = writer.operative(False).replace("*", "")
            if original and kind == "comment" and rng.random() < 0.15:
                quote = writer.quote(original)
            body = writer.comment(author["stakeholder_group"], country_names[author["country"]])
            threads.setdefault(paragraph_id, []).append(ident)
        created = moments[index]
        rows.append({
            "id": ident, "version_id": 1, "paragraph_id": paragraph_id,
            "parent_id": parent_id, "root_id": root_id, "kind": kind, "status": "published",
            "body": body, "body_html": str(render_markdown(body)),
            "proposed_text": proposed, "quote": quote,
            "author_id": author["id"], "author_name": author["name"],
            "author_organization": author["organization"],
            "author_group": author["stakeholder_group"], "author_country": author["country"],
            "submission_key": new_key(), "created_at": created,
            "edited_at": created + dt.timedelta(minutes=20) if rng.random() < 0.03 else None,
            "published_at": created, "withdrawn_at": None, "row_version": 1,
        })
    return rows


def _endorsements(
    comments: Sequence[dict[str, Any]],
    users: Sequence[dict[str, Any]],
    rng: random.Random,
    now: dt.datetime,
) -> list[dict[str, Any]]:
    """A few per comment on average, heavy-tailed: most get 0-3, a few get hundreds."""
    stakeholders = users[1:]
    cap = min(400, len(stakeholders) - 1)
    rows: list[dict[str, Any]] = []
    for comment in comments:
        wanted = min(cap, int(rng.paretovariate(1.3)) - 1 + (rng.random() < 0.8))
        if wanted <= 0:
            continue
        chosen = rng.sample(stakeholders, min(wanted + 1, len(stakeholders)))
        chosen = [user for user in chosen if user["id"] != comment["author_id"]][:wanted]
        age = max(60.0, (now - comment["created_at"]).total_seconds() - 60)
        for user in chosen:
            rows.append({
                "id": len(rows) + 1, "comment_id": comment["id"], "user_id": user["id"],
                "stakeholder_group": user["stakeholder_group"],
                "created_at": comment["created_at"] + dt.timedelta(seconds=rng.uniform(30, age)),
            })
    return rows


def _after_load(database_url: str) -> None:
    """PostgreSQL: move the id sequences past the ids chosen here, and gather statistics
    and visibility (VACUUM ANALYZE, as autovacuum would soon after such a load), so plans
    are those of a live site."""
    if not is_postgresql(database_url):
        return
    for table in ("user", "consultation", "version", "paragraph", "comment", "endorsement"):
        db.session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f"(SELECT coalesce(max(id), 0) + 1 FROM \"{table}\"), false)"
        ))
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")


# Building and finding --------------------------------------------------------------------------


def build(
    database_url: str,
    paragraphs: int = 300,
    comments: int = 20000,
    stakeholders: int = 5000,
    busy_share: float = 0.1,
    *,
    seed: int = 2025,
    progress: bool = True,
    create_database: bool = False,
) -> ReferenceSet:
    """Empty the database, migrate it, and fill it with the reference consultation."""
    if paragraphs < 1 or comments < 0 or stakeholders < 2:
        raise ValueError("need at least 1 paragraph, 0 comments and 2 stakeholders")
    seconds: dict[str, float] = {}
    show = progress
    if show:
        click.echo(
            f"Building the reference set ({paragraphs} paragraphs, {comments} comments, "
            f"{stakeholders} stakeholders) in {_display(database_url)}", err=True,
        )
    if create_database and is_postgresql(database_url):
        create_postgres_database(database_url)
    with _step("empty the database and migrate", seconds, show):
        reset_database(database_url)
        app = bench_app(database_url)
        ctx = app.app_context()
        ctx.push()
        from flask_migrate import upgrade

        upgrade()
    try:
        writer = Writer(random.Random(seed))
        now = utcnow()
        opens_at = now - dt.timedelta(days=14)
        with _step("stakeholders", seconds, show):
            users = _users(stakeholders, writer, now)
            _insert(User, users, "stakeholders", False)
        with _step("consultation and paragraphs", seconds, show):
            db.session.execute(insert(Consultation), [{
                "id": 1, "slug": SLUG, "title": "WSIS+20 outcome document (reference set)",
                "summary": f"Benchmark reference set: {paragraphs} paragraphs, {comments} "
                           f"comments, {stakeholders} stakeholders.",
                "created_at": now - dt.timedelta(days=30),
            }])
            db.session.execute(insert(Version), [{
                "id": 1, "consultation_id": 1, "number": VERSION_NUMBER, "label": "Zero draft",
                "document_symbol": "WSIS+20/ZERO", "status": "open", "moderation": "post",
                "opens_at": opens_at, "closes_at": now + dt.timedelta(days=30),
                "created_at": now - dt.timedelta(days=20), "published_at": opens_at,
                "row_version": 1,
            }])
            paragraph_rows = _paragraphs(paragraphs, writer)
            _insert(Paragraph, paragraph_rows, "paragraphs", False)
        busy = busy_position(paragraph_rows)
        with _step("comments: generate and render", seconds, show):
            comment_rows = _comments(comments, busy_share, paragraph_rows, busy, users, writer,
                                     opens_at, now, show)
        with _step("endorsements: generate", seconds, show):
            endorsement_rows = _endorsements(comment_rows, users, writer.rng, now)
            counted = Counter(row["comment_id"] for row in endorsement_rows)
            for row in comment_rows:
                row["endorsement_count"] = counted[row["id"]]
        with _step("comments: insert", seconds, show):
            _insert(Comment, comment_rows, "comments: insert", show)
        with _step("endorsements: insert", seconds, show):
            _insert(Endorsement, endorsement_rows, "endorsements: insert", show)
        with _step("finish (sequences, statistics)", seconds, show):
            _after_load(database_url)
        busy_id = paragraph_rows[busy - 1]["id"]
        on_busy = [row for row in comment_rows if row["paragraph_id"] == busy_id]
        made = ReferenceSet(
            database_url=database_url, paragraphs=paragraphs, comments=comments,
            stakeholders=stakeholders, busy_position=busy, busy_comments=len(on_busy),
            busy_top_level=sum(1 for row in on_busy if row["root_id"] is None),
            endorsements=len(endorsement_rows), seconds=seconds,
        )
    finally:
        db.session.remove()
        db.engine.dispose()
        ctx.pop()
    if show:
        click.echo(f"Built in {made.build_seconds:.1f} s: {describe(made)}", err=True)
    return made


def find(database_url: str) -> ReferenceSet | None:
    """The reference set already in the database, or None when there is none (or no DB)."""
    if not is_postgresql(database_url):
        path = _sqlite_path(database_url)
        if path is None or not path.exists():
            return None
    engine = create_engine(database_uri(database_url))
    try:
        with engine.connect() as connection:
            if "comment" not in inspect(connection).get_table_names():
                return None
            version_id = connection.execute(
                select(Version.id).join(Consultation, Version.consultation_id == Consultation.id)
                .where(Consultation.slug == SLUG, Version.number == VERSION_NUMBER)
            ).scalar()
            if version_id is None:
                return None
            rows = [
                {"position": position, "kind": kind, "parent_id": parent_id, "id": ident}
                for ident, position, kind, parent_id in connection.execute(
                    select(Paragraph.id, Paragraph.position, Paragraph.kind, Paragraph.parent_id)
                    .where(Paragraph.version_id == version_id).order_by(Paragraph.position)
                )
            ]
            if not rows:
                return None
            busy = busy_position(rows)
            busy_id = rows[busy - 1]["id"]

            def count(query: Any) -> int:
                return int(connection.execute(query).scalar() or 0)

            return ReferenceSet(
                database_url=database_url,
                paragraphs=len(rows),
                comments=count(select(func.count(Comment.id))
                               .where(Comment.version_id == version_id)),
                stakeholders=count(select(func.count(User.id)).where(User.role == "stakeholder")),
                busy_position=busy,
                busy_comments=count(select(func.count(Comment.id))
                                    .where(Comment.paragraph_id == busy_id)),
                busy_top_level=count(select(func.count(Comment.id)).where(
                    Comment.paragraph_id == busy_id, Comment.root_id.is_(None))),
                endorsements=count(select(func.count(Endorsement.id))),
            )
    except OperationalError:  # no such database (yet)
        return None
    finally:
        engine.dispose()


def describe(made: ReferenceSet) -> str:
    return (
        f"{made.paragraphs} paragraphs, {made.comments} comments "
        f"({made.busy_comments} on busy paragraph {made.busy_position}, "
        f"{made.busy_top_level} of them top-level), {made.stakeholders} stakeholders, "
        f"{made.endorsements} endorsements"
    )


def _display(database_url: str) -> str:
    """The URL without a password, for messages."""
    return make_url(database_url).render_as_string(hide_password=True)


# Command line ---------------------------------------------------------------------------------


def add_size_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"),
                        help="SQLite or PostgreSQL URL (default: bench/out/reference.sqlite)")
    parser.add_argument("--paragraphs", type=int, default=300)
    parser.add_argument("--comments", type=int, default=20000)
    parser.add_argument("--stakeholders", type=int, default=5000)
    parser.add_argument("--busy-share", type=float, default=0.1,
                        help="share of the comments on the busy paragraph (default 0.1)")
    parser.add_argument("--create-database", action="store_true",
                        help="PostgreSQL: create the database first if it does not exist")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_size_options(parser)
    parser.add_argument("--quiet", action="store_true", help="no progress output")
    options = parser.parse_args(argv)
    try:
        made = _build_from(options)
    except click.ClickException as error:
        error.show()
        return 1
    click.echo(f"{_display(made.database_url)}: {describe(made)}")
    for name, spent in made.seconds.items():
        click.echo(f"  {name:<34} {spent:6.1f} s")
    click.echo(f"  {'total':<34} {made.build_seconds:6.1f} s")
    click.echo(f"Busy paragraph page: {made.url(made.busy_position)}")
    return 0


def _build_from(options: argparse.Namespace) -> ReferenceSet:
    return build(
        options.database_url or default_database_url(),
        paragraphs=options.paragraphs,
        comments=options.comments,
        stakeholders=options.stakeholders,
        busy_share=options.busy_share,
        progress=not options.quiet,
        create_database=options.create_database,
    )


if __name__ == "__main__":
    sys.exit(main())
