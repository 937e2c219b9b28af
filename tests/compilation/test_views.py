"""The pages and downloads: who gets what, and a number of queries that does not grow."""

from __future__ import annotations

import pytest

from consult.comments import service as comments
from consult.compilation.views import content_disposition
from consult.drafts import service as drafts
from consult.extensions import db
from consult.moderation import service as moderation
from tests.compilation.conftest import read_csv, seen

PAGES = [
    "compilation", "compilation.csv", "compilation.xlsx", "compilation.docx", "addressed",
    "addressed.docx", "statistics", "statistics-paragraphs.csv", "statistics-groups.csv",
    "statistics-countries.csv", "statistics-days.csv",
]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_answers_readers_and_hides_drafts(client, auth, version, create_version,
                                                     secretariat, page):
    create_version(status="draft", label="Rev.1")
    assert client.get(f"/c/wsis20/v/1/{page}").status_code == 200
    assert client.get(f"/c/wsis20/v/2/{page}").status_code == 404
    assert client.get(f"/c/wsis20/v/9/{page}").status_code == 404
    assert client.get(f"/c/nothing/v/1/{page}").status_code == 404
    auth.login("secretariat@example.org")
    assert client.get(f"/c/wsis20/v/2/{page}").status_code == 200


@pytest.mark.parametrize("page", ["compilation", "compilation.csv", "compilation.xlsx",
                                  "compilation.docx"])
def test_only_the_secretariat_exports_everything(client, auth, inputs, moderator, secretariat,
                                                 page):
    path = f"/c/wsis20/v/1/{page}?all=1"
    assert client.get(path).status_code == 403
    auth.login("gov@example.org")
    assert client.get(path).status_code == 403
    auth.logout()
    auth.login("moderator@example.org")
    assert client.get(path).status_code == 403
    auth.logout()
    auth.login("secretariat@example.org")
    response = client.get(path)
    assert response.status_code == 200
    response.close()


def test_filters_that_are_not_choices_are_refused(client, inputs):
    for query in ("kind=bogus", "paragraph=99999", "group=martians", "disposition=maybe",
                  "paragraph=abc"):
        assert client.get(f"/c/wsis20/v/1/compilation.csv?{query}").status_code == 400, query
        page = client.get(f"/c/wsis20/v/1/compilation?{query}")
        assert page.status_code == 400 and "Not a valid choice" in page.get_data(as_text=True)


def test_the_compilation_page_has_labelled_filters_and_the_downloads(client, auth, inputs,
                                                                     secretariat, version):
    paragraph = drafts.get_paragraph(version, 4)
    html = client.get(f"/c/wsis20/v/1/compilation?kind=amendment&paragraph={paragraph.id}"
                      ).get_data(as_text=True)
    for name in ("paragraph", "kind", "status", "group", "disposition", "q"):
        assert f'<label class="field__label" for="{name}">' in html, name
    assert "1 input matches." in html
    assert (f"/c/wsis20/v/1/compilation.xlsx?paragraph={paragraph.id}&amp;kind=amendment"
            in html)
    assert 'name="all"' not in html
    auth.login("secretariat@example.org")
    html = client.get("/c/wsis20/v/1/compilation?all=y").get_data(as_text=True)
    assert 'name="all"' in html and "8 inputs match." in html
    assert "/c/wsis20/v/1/compilation.docx?all=1" in html


def test_file_names_work_in_every_browser(client, create_version, secretariat):
    version = create_version(label="Проект Rev.1")
    response = client.get(f"/c/wsis20/v/{version.number}/compilation.csv")
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="wsis20-rev.1-compilation.csv"; '
        "filename*=UTF-8''wsis20-%D0%BF%D1%80%D0%BE%D0%B5%D0%BA%D1%82-rev.1-compilation.csv"
    )
    assert content_disposition('a"b/c\\d\r\n.csv') == 'attachment; filename="abcd.csv"'
    assert content_disposition("") == 'attachment; filename="export"'


def test_the_version_and_consultation_pages_link_to_the_reports(client, version, secretariat):
    html = client.get("/c/wsis20/v/1").get_data(as_text=True)
    assert 'href="/c/wsis20/v/1/compilation"' in html
    assert 'href="/c/wsis20/v/1/statistics"' in html
    assert "/addressed" not in html  # only once the period is closed
    drafts.close_version(secretariat, version)
    db.session.commit()
    assert 'href="/c/wsis20/v/1/addressed"' in client.get("/c/wsis20/v/1").get_data(as_text=True)
    html = client.get("/c/wsis20").get_data(as_text=True)
    for page in ("compilation", "addressed", "statistics"):
        assert f'href="/c/wsis20/v/1/{page}"' in html


def more_input(version, people, moderator, rounds: int) -> None:
    """More comments everywhere, some merged, answered, hidden, replied to and endorsed."""
    for number in range(rounds):
        for position, author in ((4, "ar"), (6, "zh"), (8, "ru")):
            made = comments.post_comment(people[author], version,
                                         drafts.get_paragraph(version, position),
                                         body=f"More input {number} on {position}.")
            db.session.commit()
            again = comments.post_comment(people["biz"], version,
                                          drafts.get_paragraph(version, position),
                                          kind="amendment", body=f"Amend {number}",
                                          proposed_text=f"Other words {number} {position}")
            db.session.commit()
            comments.reply(people["gov"], made, body="Indeed.")
            comments.endorse(people["uni"], made)
            db.session.commit()
            moderation.merge(moderator, seen(again), into=made)
            db.session.commit()
            moderation.set_disposition(moderator, seen(made), "noted", "Noted.")
            db.session.commit()
    hidden = comments.post_comment(people["biz"], version, None, body="Spam")
    db.session.commit()
    moderation.hide(moderator, seen(hidden), "Spam.")
    db.session.commit()


QUERIED = ["compilation", "compilation.csv", "compilation.xlsx", "compilation.docx",
           "addressed", "addressed.docx", "statistics", "statistics-days.csv"]


def test_the_number_of_queries_does_not_grow_with_the_input(client, auth, inputs, version,
                                                           people, moderator, secretariat,
                                                           count_queries):
    auth.login("secretariat@example.org")

    def queries() -> dict[str, int]:
        found = {}
        for page in QUERIED:
            with count_queries() as counter:
                response = client.get(f"/c/wsis20/v/1/{page}?all=1" if page.startswith(
                    "compilation") else f"/c/wsis20/v/1/{page}")
                assert response.status_code == 200
                response.get_data()
                response.close()
            found[page] = counter.count
        return found

    before = queries()
    more_input(version, people, moderator, rounds=3)
    after = queries()
    assert after == before, (before, after)
    rows = read_csv(client.get("/c/wsis20/v/1/compilation.csv?all=1").get_data())
    assert len(rows) == 8 + 3 * 3 * 2 + 1
