"""Many stakeholders post at once to consult under gunicorn; every answer is then checked
against the database.

Stakeholders (40 by default), each signed in through the login form with a cookie jar of
their own, post comments and replies through the HTML forms with CSRF on, endorse
comments, and do the same through the JSON API with personal tokens, for a few seconds.
A few of their requests are wrong on purpose (an empty comment). Every text carries a
marker, so afterwards each answer is compared with the database: an accepted comment or
reply is there exactly once, an accepted endorsement is there, nothing that was not
acknowledged is there, every refusal said why with a 4xx (or, for the one-button
endorsement form, a flashed message), nothing got a 500 or a dropped connection, and the
server's log has no "database is locked". Then the same form, and the same API request,
is sent twice at the same moment, as a double click or a resend does: one comment each.

    python bench/load.py [--database-url URL ...] [--people 40] [--seconds 5]
                         [--workers 3] [--threads 8]

Without --database-url it runs on a new SQLite file in bench/out/ and, when
TEST_DATABASE_URL or BENCH_DATABASE_URL is set, on that PostgreSQL database too (which it
empties; it refuses a database whose name contains neither "bench" nor "test").
It prints requests per second, latency percentiles and the counts; the exit status says
whether the counts were right, never whether it was fast.
tests/reliability/test_load.py runs the same at a smaller size and asserts the counts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import random
import re
import secrets
import statistics
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

import requests

if __package__ in (None, ""):  # run as a script: make `consult` importable from the checkout
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import func, select

from bench.serve import ROOT, Server
from consult.api import service as api
from consult.auth import service as accounts
from consult.comments import service as comments
from consult.comments.models import Comment, Endorsement
from consult.database import utcnow
from consult.drafts import service as drafts
from consult.drafts.importer import ParsedDocument, ParsedParagraph
from consult.extensions import db

PASSWORD = "load test password 1"
FAST_HASH = "pbkdf2:sha256:1000"
SECRET_KEY = "load test secret key"
SLUG = "load"
TWICE = "Sent twice"
TIMEOUT = 30
BUSY = 503  # SQLite's writers queued past the busy timeout: "send it again", nothing saved
WRITE_ACTIONS = {
    "form comment": 3,
    "form reply": 2,
    "form endorse": 2,
    "api comment": 3,
    "api reply": 2,
    "api endorse": 2,
    "form empty": 0.3,
    "api empty": 0.3,
}
CSRF_FIELD = re.compile(r'<input[^>]*\bname="csrf_token"[^>]*\bvalue="([^"]+)"')
KEY_FIELD = re.compile(r'<input[^>]*\bname="submission_key"[^>]*\bvalue="([^"]+)"')
# Where a page says why it refused: next to the field, above the form, or on an error page.
_REASONS = [
    re.compile(r'<p class="field__error"[^>]*>\s*(.+?)\s*</p>', re.S),
    re.compile(r'class="form-errors"[^>]*>\s*<p>(.+?)</p>', re.S),
    re.compile(r"<h1[^>]*>.+?</h1>\s*<p[^>]*>(.+?)</p>", re.S),
]
_ANCHOR = re.compile(r"#c(\d+)$")


# The people and what they comment on -------------------------------------------------------


@dataclass(frozen=True)
class Person:
    user_id: int
    email: str
    token: str


@dataclass
class Scene:
    """What the load runs against: one open version, its people, comments to answer."""

    slug: str
    number: int
    positions: list[int]
    people: list[Person]
    seeds: list[int]
    marker: str
    targets: list[int] = field(default_factory=list)


def prepare(people: int, *, seeds: int = 30, targets: int = 20, paragraphs: int = 12) -> Scene:
    """Make, in the current application's database, an open version with paragraphs,
    `seeds` published comments by one author (what the crowd answers and endorses),
    `targets` more that only the double submissions endorse, and `people` verified
    stakeholders with a personal API token each. Passwords use a fast hash: the load is
    about writing input, not about scrypt."""
    marker = secrets.token_hex(4)
    make = {
        "password": PASSWORD,
        "organization": "Load test",
        "stakeholder_group": "civil_society",
        "country": "KE",
        "verified": True,
    }
    secretariat = accounts.create_user(
        email=f"secretariat-{marker}@load.example", name="Load secretariat",
        role="secretariat", **make,
    )
    author = accounts.create_user(email=f"seed-{marker}@load.example", name="Seed author", **make)
    consultation = drafts.create_consultation(secretariat, slug=f"{SLUG}-{marker}", title="Load")
    version = drafts.create_version(
        secretariat,
        consultation,
        label="Zero draft",
        moderation="post",
        closes_at=utcnow() + dt.timedelta(days=1),
        document=ParsedDocument(
            paragraphs=[
                ParsedParagraph("operative", f"*Decides* on point {n} of the load test;", str(n))
                for n in range(1, paragraphs + 1)
            ]
        ),
    )
    drafts.open_version(secretariat, version)
    db.session.flush()
    positions = [paragraph.position for paragraph in drafts.version_paragraphs(version)]
    seeded = [
        comments.post_comment(
            author, version, drafts.get_paragraph(version, positions[n % len(positions)]),
            body=f"Seed comment {n} of run {marker}.",
        ).id
        for n in range(seeds)
    ]
    kept_apart = [
        comments.post_comment(
            author, version, drafts.get_paragraph(version, positions[n % len(positions)]),
            body=f"Comment {n} to endorse twice at once in run {marker}.",
        ).id
        for n in range(targets)
    ]
    crowd = []
    for n in range(people):
        user = accounts.create_user(
            email=f"person{n}-{marker}@load.example", name=f"Person {n}", **make
        )
        _token, secret = api.create_token(user, "load test")
        crowd.append(Person(user.id, user.email, secret))
    db.session.commit()
    return Scene(consultation.slug, version.number, positions, crowd, seeded, marker, kept_apart)


# One person's requests ------------------------------------------------------------------------


@dataclass
class Outcome:
    """One write request and its answer; status None means no answer at all."""

    person: int
    action: str
    status: int | None
    seconds: float
    accepted: bool = False
    text: str = ""
    comment_id: int | None = None
    message: str = ""
    error: str = ""


class Visitor:
    """One stakeholder in a browser of their own (cookies, CSRF token) and with a token."""

    def __init__(self, base_url: str, scene: Scene, index: int, flashes: FlashReader) -> None:
        self.base_url = base_url
        self.scene = scene
        self.index = index
        self.person = scene.people[index]
        self.flashes = flashes
        self.browser = requests.Session()
        self.csrf = ""
        self.pages: list[float] = []
        self.pages_asked_again = 0
        self.sent = 0

    def get(self, path: str) -> requests.Response:
        started = time.perf_counter()
        try:
            response = self.browser.get(
                self.base_url + path, timeout=TIMEOUT, allow_redirects=False
            )
        except requests.ConnectionError:
            # A kept-alive connection the server closed as it was reused: a browser asks
            # again for a page, and so does this one (counted; writes are never re-sent).
            self.pages_asked_again += 1
            response = self.browser.get(
                self.base_url + path, timeout=TIMEOUT, allow_redirects=False
            )
        self.pages.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}")
        found = CSRF_FIELD.search(response.text)
        if found:
            self.csrf = unescape(found.group(1))
        return response

    def sign_in(self) -> None:
        self.get("/login")
        answer = self.browser.post(
            self.base_url + "/login",
            data={"csrf_token": self.csrf, "email": self.person.email, "password": PASSWORD},
            timeout=TIMEOUT,
            allow_redirects=False,
        )
        if answer.status_code != 302:
            raise RuntimeError(f"{self.person.email} could not sign in: {answer.status_code}")
        # Signing in starts a new session, with a new CSRF token: land on a page, as a
        # browser does after the redirect.
        self.get(f"/c/{self.scene.slug}/v/{self.scene.number}")

    def text(self, what: str) -> str:
        self.sent += 1
        return f"{what} {self.sent} by person {self.index} in run {self.scene.marker}."

    def _write(
        self, action: str, send: Callable[[], requests.Response], read: Callable[..., None]
    ) -> Outcome:
        outcome = Outcome(self.index, action, None, 0.0)
        started = time.perf_counter()
        try:
            response = send()
        except requests.RequestException as error:
            outcome.seconds = time.perf_counter() - started
            outcome.error = f"{type(error).__name__}: {error}"
            return outcome
        outcome.seconds = time.perf_counter() - started
        outcome.status = response.status_code
        read(outcome, response)
        return outcome

    def _read_form(self, outcome: Outcome, response: requests.Response) -> None:
        if response.status_code == 302:
            found = _ANCHOR.search(response.headers.get("Location", ""))
            outcome.accepted = found is not None
            outcome.comment_id = int(found.group(1)) if found else None
        else:
            outcome.message = page_reason(response.text)

    def _read_api(self, outcome: Outcome, response: requests.Response) -> None:
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code in (200, 201):
            outcome.accepted = True
            outcome.comment_id = body.get("id")
        else:
            error = body.get("error") if isinstance(body.get("error"), dict) else body
            outcome.message = str(error.get("message", ""))

    def form_comment(self, empty: bool = False) -> Outcome:
        path = (
            f"/c/{self.scene.slug}/v/{self.scene.number}/p/"
            f"{random.choice(self.scene.positions)}"
        )
        key = KEY_FIELD.search(self.get(path).text)
        text = "" if empty else self.text("Form comment")
        data = {
            "csrf_token": self.csrf,
            "submission_key": unescape(key.group(1)) if key else "",
            "kind": "comment",
            "body": text,
            "proposed_text": "",
            "quote": "",
            "send": "Send",
        }
        outcome = self._write(
            "form empty" if empty else "form comment",
            lambda: self.browser.post(
                self.base_url + path, data=data, timeout=TIMEOUT, allow_redirects=False
            ),
            self._read_form,
        )
        outcome.text = text
        return outcome

    def form_reply(self) -> Outcome:
        parent = random.choice(self.scene.seeds)
        key = KEY_FIELD.search(self.get(f"/comments/{parent}").text)
        text = self.text("Form reply")
        data = {
            "csrf_token": self.csrf,
            "submission_key": unescape(key.group(1)) if key else "",
            "body": text,
            "send": "Send",
        }
        outcome = self._write(
            "form reply",
            lambda: self.browser.post(
                f"{self.base_url}/comments/{parent}/reply",
                data=data, timeout=TIMEOUT, allow_redirects=False,
            ),
            self._read_form,
        )
        outcome.text = text
        return outcome

    def form_endorse(self) -> Outcome:
        target = random.choice(self.scene.seeds)

        def read(outcome: Outcome, response: requests.Response) -> None:
            category, message = self.flashes.last(response)
            outcome.accepted = response.status_code == 302 and category == "success"
            outcome.comment_id = target
            if not outcome.accepted:
                outcome.message = message if response.status_code == 302 else page_reason(
                    response.text
                )

        return self._write(
            "form endorse",
            lambda: self.browser.post(
                f"{self.base_url}/comments/{target}/endorse",
                data={"csrf_token": self.csrf}, timeout=TIMEOUT, allow_redirects=False,
            ),
            read,
        )

    def _api(self, method: str, path: str, body: dict[str, str] | None = None):
        return lambda: requests.request(
            method,
            f"{self.base_url}/api/v1{path}",
            json=body,
            headers={"Authorization": f"Bearer {self.person.token}"},
            timeout=TIMEOUT,
        )

    def api_comment(self, empty: bool = False) -> Outcome:
        text = "   " if empty else self.text("API comment")
        path = (
            f"/consultations/{self.scene.slug}/versions/{self.scene.number}/paragraphs/"
            f"{random.choice(self.scene.positions)}/comments"
        )
        outcome = self._write(
            "api empty" if empty else "api comment",
            self._api("POST", path, {"body": text, "submission_key": secrets.token_hex(8)}),
            self._read_api,
        )
        outcome.text = text.strip()
        return outcome

    def api_reply(self) -> Outcome:
        text = self.text("API reply")
        parent = random.choice(self.scene.seeds)
        outcome = self._write(
            "api reply",
            self._api("POST", f"/comments/{parent}/replies", {"body": text}),
            self._read_api,
        )
        outcome.text = text
        return outcome

    def api_endorse(self) -> Outcome:
        target = random.choice(self.scene.seeds)
        outcome = self._write(
            "api endorse", self._api("PUT", f"/comments/{target}/endorsement"), self._read_api
        )
        outcome.comment_id = target
        return outcome

    def form_twice(self, channel: str, path: str, key: str, fields: dict[str, str]) -> Twice:
        data = {"csrf_token": self.csrf, "submission_key": key, **fields}
        cookies = self.browser.cookies.get_dict()
        answers = _at_once(lambda: requests.post(
            self.base_url + path, data=data, cookies=cookies, timeout=TIMEOUT,
            allow_redirects=False,
        ))
        return Twice(channel, key, _statuses(answers), _ids(answers, _anchor_id))

    def api_twice(self, channel: str, path: str, text: str) -> Twice:
        key = secrets.token_hex(16)
        body = {"body": self.text(text), "submission_key": key}
        answers = _at_once(self._api("POST", path, body))
        return Twice(channel, key, _statuses(answers), _ids(answers, _json_id))

    def endorse_twice(self, channel: str, target: int) -> Twice:
        """An endorsement sent twice: "done" names the comment, a refusal says why."""
        if channel == "api endorse":
            answers = _at_once(self._api("PUT", f"/comments/{target}/endorsement"))
            done = tuple(
                target if a is not None and a.status_code == 200 else None for a in answers
            )
            refusals = tuple(
                _api_message(a) if a is not None and a.status_code != 200 else ""
                for a in answers
            )
        else:
            cookies = self.browser.cookies.get_dict()
            answers = _at_once(lambda: requests.post(
                f"{self.base_url}/comments/{target}/endorse",
                data={"csrf_token": self.csrf}, cookies=cookies, timeout=TIMEOUT,
                allow_redirects=False,
            ))
            flashed = [self.flashes.last(a) if a is not None else ("", "") for a in answers]
            done = tuple(target if category == "success" else None for category, _ in flashed)
            refusals = tuple(
                message if category != "success" else "" for category, message in flashed
            )
        return Twice(channel, str(target), _statuses(answers), done,  # type: ignore[arg-type]
                     refusals=refusals)

    def act(self, action: str) -> Outcome:
        return {
            "form comment": self.form_comment,
            "form reply": self.form_reply,
            "form endorse": self.form_endorse,
            "api comment": self.api_comment,
            "api reply": self.api_reply,
            "api endorse": self.api_endorse,
            "form empty": lambda: self.form_comment(empty=True),
            "api empty": lambda: self.api_comment(empty=True),
        }[action]()


def page_reason(html: str) -> str:
    """The reason a page gives for refusing what was sent ("" if it gives none)."""
    for pattern in _REASONS:
        found = pattern.search(html)
        if found:
            return unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip()
    return ""


class FlashReader:
    """Reads the message a one-button form flashed into the (signed) session cookie, so an
    endorsement's redirect tells "endorsed" from "already endorsed" without another page."""

    def __init__(self, secret_key: str) -> None:
        interface = SecureCookieSessionInterface()
        self.serializer = URLSafeTimedSerializer(
            secret_key,
            salt=interface.salt,
            serializer=interface.serializer,
            signer_kwargs={"key_derivation": interface.key_derivation,
                           "digest_method": hashlib.sha1},
        )

    def last(self, response: requests.Response) -> tuple[str, str]:
        cookie = response.cookies.get("session")
        if not cookie:
            return "", ""
        try:
            flashes = self.serializer.loads(cookie).get("_flashes") or []
        except BadSignature:
            return "", ""
        return tuple(flashes[-1]) if flashes else ("", "")  # type: ignore[return-value]


# The run ----------------------------------------------------------------------------------------


@dataclass
class Run:
    outcomes: list[Outcome] = field(default_factory=list)
    page_seconds: list[float] = field(default_factory=list)
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)
    pages_asked_again: int = 0

    @property
    def requests(self) -> int:
        return len(self.outcomes) + len(self.page_seconds)


def sign_in_all(base_url: str, scene: Scene, secret_key: str = SECRET_KEY) -> list[Visitor]:
    """Everyone signs in through the form, a few at a time, before the clock starts."""
    flashes = FlashReader(secret_key)
    visitors = [Visitor(base_url, scene, n, flashes) for n in range(len(scene.people))]
    failures = _together([visitor.sign_in for visitor in visitors])
    if failures:
        raise RuntimeError(f"{len(failures)} could not sign in, e.g. {failures[0]}")
    return visitors


def run(visitors: list[Visitor], seconds: float, seed: int = 5) -> Run:
    """Every visitor writes, in a thread of their own: each kind of write once, then at
    random until the time is up."""
    actions = list(WRITE_ACTIONS)
    weights = list(WRITE_ACTIONS.values())
    result = Run()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    for visitor in visitors:
        visitor.pages.clear()
        visitor.pages_asked_again = 0

    def work(visitor: Visitor) -> None:
        chooser = random.Random(seed * 1000 + visitor.index)
        # Everyone does each thing once, however slow the machine, so every kind of write
        # is counted; then they choose at random until the time is up.
        first = chooser.sample(actions, len(actions))
        while first or time.monotonic() < deadline:
            action = first.pop() if first else chooser.choices(actions, weights)[0]
            outcome = visitor.act(action)
            with lock:
                result.outcomes.append(outcome)

    started = time.perf_counter()
    result.failures = _together([lambda v=visitor: work(v) for visitor in visitors])
    result.seconds = time.perf_counter() - started
    for visitor in visitors:
        result.page_seconds.extend(visitor.pages)
        result.pages_asked_again += visitor.pages_asked_again
    return result


def _together(jobs: list[Callable[[], object]]) -> list[str]:
    """Run each job in its own thread; return what went wrong in any, as text."""
    failures: list[str] = []

    def guarded(job: Callable[[], object]) -> None:
        try:
            job()
        except Exception as error:  # reported to the caller, which decides
            failures.append(f"{type(error).__name__}: {error}")

    threads = [threading.Thread(target=guarded, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failures


# Counting ----------------------------------------------------------------------------------------


@dataclass
class Tally:
    """The answers compared with the database."""

    accepted: Counter[str] = field(default_factory=Counter)
    refused: Counter[str] = field(default_factory=Counter)
    refusals: Counter[str] = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)
    no_answer: list[str] = field(default_factory=list)
    silent_refusals: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    unacknowledged: list[str] = field(default_factory=list)
    miscounted: list[str] = field(default_factory=list)
    busy: int = 0
    locked_in_log: int = 0
    tracebacks_in_log: int = 0

    @property
    def problems(self) -> list[str]:
        found = []
        for name in ("server_errors", "no_answer", "silent_refusals", "missing", "duplicated",
                     "unacknowledged", "miscounted"):
            items = getattr(self, name)
            if items:
                found.append(f"{name.replace('_', ' ')}: {len(items)}, e.g. {items[:3]}")
        if self.locked_in_log:
            found.append(f'"database is locked" in the server log: {self.locked_in_log}')
        if self.tracebacks_in_log:
            found.append(f"tracebacks in the server log: {self.tracebacks_in_log}")
        return found


def check(scene: Scene, outcomes: list[Outcome], server_log: str) -> Tally:
    """Compare every answer with what the database holds now (current app context)."""
    db.session.rollback()
    tally = Tally()
    people = {person.user_id: n for n, person in enumerate(scene.people)}
    stored: dict[str, list[int]] = defaultdict(list)
    for comment_id, body in db.session.execute(
        select(Comment.id, Comment.body).where(Comment.author_id.in_(people))
    ):
        stored[body].append(comment_id)
    acknowledged_comments: set[int] = set()
    endorsed: set[tuple[int, int]] = set()
    for outcome in outcomes:
        label = f"{outcome.action} by person {outcome.person}"
        if outcome.status is None:
            tally.no_answer.append(f"{label}: {outcome.error}")
            continue
        if outcome.status >= 500 and outcome.status != BUSY:
            tally.server_errors.append(f"{label}: {outcome.status}")
            continue
        if not outcome.accepted:
            tally.refused[outcome.action] += 1
            tally.busy += outcome.status == BUSY
            refusal = 400 <= outcome.status < 500 or outcome.status == BUSY
            if not (refusal or outcome.action == "form endorse") or not outcome.message.strip():
                tally.silent_refusals.append(f"{label}: {outcome.status} {outcome.message!r}")
            else:
                tally.refusals[outcome.message] += 1
            continue
        tally.accepted[outcome.action] += 1
        if outcome.action.endswith("endorse"):
            assert outcome.comment_id is not None
            endorsed.add((scene.people[outcome.person].user_id, outcome.comment_id))
            continue
        found = stored.get(outcome.text, [])
        if not found:
            tally.missing.append(f"{label}: {outcome.text!r}")
        elif len(found) > 1:
            tally.duplicated.append(f"{label}: {outcome.text!r} is stored {len(found)} times")
        elif found[0] != outcome.comment_id:
            tally.missing.append(f"{label}: answered id {outcome.comment_id}, stored {found[0]}")
        acknowledged_comments.update(found)
    for body, ids in stored.items():
        if body.startswith(TWICE):  # counted by count_twice
            continue
        for comment_id in ids:
            if comment_id not in acknowledged_comments:
                tally.unacknowledged.append(f"comment {comment_id}: {body!r}")
    rows = {
        (user_id, comment_id)
        for user_id, comment_id in db.session.execute(
            select(Endorsement.user_id, Endorsement.comment_id).where(
                Endorsement.user_id.in_(people), Endorsement.comment_id.in_(scene.seeds)
            )
        )
    }
    tally.missing.extend(f"endorsement {pair}" for pair in endorsed - rows)
    tally.unacknowledged.extend(f"endorsement {pair}" for pair in rows - endorsed)
    counted = dict(
        db.session.execute(
            select(Comment.id, Comment.endorsement_count).where(Comment.id.in_(scene.seeds))
        ).all()
    )
    actual = dict(
        db.session.execute(
            select(Endorsement.comment_id, func.count())
            .where(Endorsement.comment_id.in_(scene.seeds))
            .group_by(Endorsement.comment_id)
        ).all()
    )
    tally.miscounted.extend(
        f"comment {cid}: stored count {count}, {actual.get(cid, 0)} endorsements"
        for cid, count in counted.items()
        if count != actual.get(cid, 0)
    )
    tally.locked_in_log = server_log.count("database is locked")
    tally.tracebacks_in_log = server_log.count("Traceback")
    return tally


# The same submission twice at once -------------------------------------------------------------


@dataclass
class Twice:
    """Two identical submissions sent together: their answers and what they made.

    `key` is the submission key for a comment or reply, the comment's id for an
    endorsement; `stored` is how many comments (or endorsements) exist for it afterwards.
    """

    channel: str
    key: str
    statuses: tuple[int | None, int | None]
    comment_ids: tuple[int | None, int | None]
    stored: int = 0
    refusals: tuple[str, ...] = ()

    @property
    def problem(self) -> str:
        """What is wrong with this pair ("" if nothing): one thing made, and both answers
        either name it or, for an endorsement, one says it is done and the other why not."""
        if self.stored != 1:
            return f"{self.channel}: {self.stored} made"
        if any(status is None or status >= 500 for status in self.statuses):
            return f"{self.channel}: answered {self.statuses}"
        if self.channel.endswith("endorse"):
            done = sum(1 for cid in self.comment_ids if cid is not None)
            if done < 1 or done + sum(1 for r in self.refusals if r) != 2:
                return f"{self.channel}: answered {self.statuses}, refusals {self.refusals}"
        elif None in self.comment_ids or self.comment_ids[0] != self.comment_ids[1]:
            return f"{self.channel}: answers name comments {self.comment_ids}"
        return ""


def send_twice(visitor: Visitor, times: int) -> list[Twice]:
    """The same request sent by two threads released at the same moment, as a double click
    or a resend after a network error does: a comment and a reply through the form (same
    cookies, CSRF token and submission key) and through the API (same submission_key), and
    an endorsement through the form and the API."""
    results = []
    scene = visitor.scene
    targets = iter(scene.targets)
    for n in range(times):
        position = scene.positions[n % len(scene.positions)]
        path = f"/c/{scene.slug}/v/{scene.number}/p/{position}"
        key = unescape(KEY_FIELD.search(visitor.get(path).text).group(1))  # type: ignore[union-attr]
        results.append(visitor.form_twice("form comment", path, key, {
            "kind": "comment", "body": visitor.text(TWICE), "proposed_text": "", "quote": "",
            "send": "Send",
        }))
        parent = scene.seeds[n % len(scene.seeds)]
        key = unescape(
            KEY_FIELD.search(visitor.get(f"/comments/{parent}").text).group(1)  # type: ignore[union-attr]
        )
        results.append(visitor.form_twice("form reply", f"/comments/{parent}/reply", key, {
            "body": visitor.text(f"{TWICE}, a reply"), "send": "Send",
        }))
        results.append(visitor.api_twice(
            "api comment",
            f"/consultations/{scene.slug}/versions/{scene.number}/paragraphs/{position}/comments",
            f"{TWICE} through the API",
        ))
        results.append(visitor.api_twice(
            "api reply", f"/comments/{parent}/replies", f"{TWICE} through the API, a reply"
        ))
        results.append(visitor.endorse_twice("form endorse", next(targets)))
        results.append(visitor.endorse_twice("api endorse", next(targets)))
    return results


def count_twice(visitor: Visitor, results: list[Twice]) -> None:
    """Fill in how many comments or endorsements each pair made (current app context)."""
    db.session.rollback()
    for result in results:
        if result.channel.endswith("endorse"):
            made = select(func.count()).select_from(Endorsement).where(
                Endorsement.user_id == visitor.person.user_id,
                Endorsement.comment_id == int(result.key),
            )
        else:
            made = select(func.count()).select_from(Comment).where(
                Comment.author_id == visitor.person.user_id, Comment.submission_key == result.key
            )
        result.stored = db.session.execute(made).scalar_one()


def _at_once(send: Callable[[], requests.Response]) -> list[requests.Response | None]:
    start = threading.Barrier(2)
    answers: list[requests.Response | None] = [None, None]

    def one(slot: int) -> None:
        start.wait()
        try:
            answers[slot] = send()
        except requests.RequestException:
            answers[slot] = None

    threads = [threading.Thread(target=one, args=(slot,)) for slot in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def _statuses(answers: list[requests.Response | None]) -> tuple[int | None, int | None]:
    return tuple(a.status_code if a is not None else None for a in answers)  # type: ignore


def _ids(
    answers: list[requests.Response | None], read: Callable[[requests.Response | None], int | None]
) -> tuple[int | None, int | None]:
    return tuple(read(answer) for answer in answers)  # type: ignore[return-value]


def _api_message(answer: requests.Response) -> str:
    try:
        body = answer.json()
    except ValueError:
        return ""
    error = body.get("error") if isinstance(body.get("error"), dict) else body
    return str(error.get("message", ""))


def _anchor_id(answer: requests.Response | None) -> int | None:
    found = _ANCHOR.search(answer.headers.get("Location", "")) if answer is not None else None
    return int(found.group(1)) if found else None


def _json_id(answer: requests.Response | None) -> int | None:
    try:
        return answer.json().get("id") if answer is not None else None
    except ValueError:
        return None


# Figures ----------------------------------------------------------------------------------------


def percentiles(seconds: list[float]) -> dict[str, float]:
    """p50, p95 and p99 in milliseconds."""
    if len(seconds) < 2:
        value = seconds[0] * 1000 if seconds else 0.0
        return {"p50": value, "p95": value, "p99": value}
    cuts = statistics.quantiles([s * 1000 for s in seconds], n=100, method="inclusive")
    return {"p50": cuts[49], "p95": cuts[94], "p99": cuts[98]}


def report(name: str, result: Run, tally: Tally, twice: list[Twice]) -> str:
    writes = [o.seconds for o in result.outcomes if o.status is not None]
    lines = [
        f"== {name}",
        f"{result.requests} requests in {result.seconds:.1f} s: "
        f"{result.requests / result.seconds:.0f} requests/s "
        f"({len(result.outcomes) / result.seconds:.0f} writes/s)",
        "latency ms      p50    p95    p99",
    ]
    for label, sample in (("pages (GET)", result.page_seconds), ("writes", writes)):
        cut = percentiles(sample)
        lines.append(f"  {label:<12}{cut['p50']:>6.0f} {cut['p95']:>6.0f} {cut['p99']:>6.0f}")
    lines.append("accepted: " + ", ".join(f"{k} {v}" for k, v in sorted(tally.accepted.items())))
    lines.append("refused:  " + ", ".join(f"{k} {v}" for k, v in sorted(tally.refused.items())))
    if tally.busy:
        lines.append(f"  of which answered 503 busy (SQLite write lock queue): {tally.busy}")
    for message, count in tally.refusals.most_common():
        lines.append(f"  {count} × {message}")
    lines.append(
        f"sent twice at once: {len(twice)} pairs; made per pair "
        + ", ".join(f"{made}: {count}" for made, count in sorted(
            Counter(t.stored for t in twice).items()))
        + "; answers"
    )
    for pair, count in sorted(Counter(
        f"{t.channel} {'+'.join(str(s) for s in sorted(t.statuses, key=str))}" for t in twice
    ).items()):
        lines.append(f"  {count} × {pair}")
    for message, count in Counter(r for t in twice for r in t.refusals if r).most_common():
        lines.append(f"  {count} × second one told: {message}")
    lines.extend(f"  PROBLEM {t.problem}" for t in twice if t.problem)
    lines.append(
        "lost 0, duplicated 0, unacknowledged 0, 500s 0, dropped 0, database locked 0"
        if not tally.problems
        else "PROBLEMS: " + "; ".join(tally.problems)
    )
    return "\n".join(lines)


@dataclass
class Result:
    """One load run: its report and the details the test asserts on."""

    text: str
    run: Run
    tally: Tally
    twice: list[Twice]

    @property
    def ok(self) -> bool:
        return not (
            self.tally.problems or self.run.failures or any(t.problem for t in self.twice)
        )


def load(
    database_url: str, out: Path, *, people: int, seconds: float, workers: int, threads: int,
    twice: int = 10, environment: dict[str, str] | None = None,
) -> Result:
    """Prepare the scene in the current application's (migrated) database, start gunicorn
    on the same database, load it, then count. The caller's app context stays usable."""
    scene = prepare(people, targets=2 * twice)
    log = out / f"gunicorn-{scene.marker}.log"
    with Server(database_url, log, workers=workers, threads=threads, secret_key=SECRET_KEY,
                environment=environment) as server:
        visitors = sign_in_all(server.base_url, scene)
        result = run(visitors, seconds)
        doubled = send_twice(visitors[0], twice)
    tally = check(scene, result.outcomes, server.log())
    count_twice(visitors[0], doubled)
    name = (f"{database_url.split(':')[0].split('+')[0]}, gunicorn {workers} workers × "
            f"{threads} threads, {people} people, {seconds:g} s")
    text = report(name, result, tally, doubled)
    if result.pages_asked_again:
        text += f"\npages asked again after a reset connection: {result.pages_asked_again}"
    if result.failures:
        text += "\nclient failures: " + "; ".join(result.failures[:5])
    return Result(text, result, tally, doubled)


def measure(
    database_url: str, out: Path, *, people: int, seconds: float, workers: int, threads: int,
    twice: int = 10,
) -> tuple[str, bool]:
    """Migrate (SQLite) or empty and migrate (PostgreSQL), then load and report."""
    from consult import create_app

    out.mkdir(parents=True, exist_ok=True)
    _fresh_database(database_url)
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": SECRET_KEY,
                      "PASSWORD_HASH_METHOD": FAST_HASH, "MAIL_OUTBOX_DIR": str(out / "outbox")})
    with app.app_context():
        result = load(database_url, out, people=people, seconds=seconds, workers=workers,
                      threads=threads, twice=twice)
        db.session.remove()
        db.engine.dispose()
    return result.text, result.ok


def _fresh_database(url: str) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    from consult import create_app, database_uri

    if url.startswith("sqlite"):
        path = Path(make_url(url).database or "")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        name = make_url(database_uri(url)).database or ""
        if "bench" not in name and "test" not in name:
            raise SystemExit(f"Refusing to empty {name!r}: its name has neither bench nor test.")
        engine = create_engine(database_uri(url))
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
        engine.dispose()
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET_KEY})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        db.engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", action="append", default=[])
    parser.add_argument("--people", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--twice", type=int, default=10, help="Pairs of identical submissions.")
    options = parser.parse_args(argv)
    out = ROOT / "bench" / "out"
    urls = options.database_url or [f"sqlite:///{out / 'load.sqlite'}"] + [
        url for url in (os.environ.get("BENCH_DATABASE_URL") or
                        os.environ.get("TEST_DATABASE_URL"),) if url
    ]
    import logging

    logging.disable(logging.INFO)
    every_ok = True
    for url in urls:
        text, ok = measure(url, out, people=options.people, seconds=options.seconds,
                           workers=options.workers, threads=options.threads, twice=options.twice)
        every_ok = every_ok and ok
        print(text, flush=True)
    return 0 if every_ok else 1


if __name__ == "__main__":
    sys.exit(main())
