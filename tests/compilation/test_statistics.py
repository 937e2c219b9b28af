"""Statistics: the counts, their CSV downloads, and the charts drawn as SVG."""

from __future__ import annotations

import re

from consult.compilation import charts, statistics
from consult.database import utcnow
from tests.compilation.conftest import read_csv

PAGE = "/c/wsis20/v/1/statistics"


def counts(tally: statistics.Tally) -> tuple[int, int, int]:
    return tally.comments, tally.amendments, tally.replies


def test_counts_per_paragraph_group_country_and_day(inputs, version):
    found = statistics.statistics(version)
    # Public input: gov, uni (merged), ar and ru comment; ngo and zh amend; uni replies.
    assert counts(found.totals) == (4, 2, 1)
    assert found.totals.stakeholders == 6 and found.countries_total == 6
    by_position = {tally.key: tally for tally in found.paragraphs}
    assert counts(by_position[4]) == (2, 1, 1)
    assert counts(by_position[6]) == (1, 0, 0)  # the hidden comment is not counted
    assert counts(by_position[8]) == (0, 1, 0)  # nor the withdrawn one
    assert counts(found.general) == (1, 0, 0)
    assert 3 not in by_position  # a heading without input is left out
    assert [tally.label for tally in found.top_paragraphs()] == [
        "paragraph 1", "paragraph 2 (a)", "paragraph 3"]
    groups = {tally.key: tally for tally in found.groups}
    assert list(groups) == ["government", "private_sector", "civil_society", "academia",
                            "technical_community", "international_organization"]
    assert counts(groups["government"]) == (2, 0, 0) and groups["government"].stakeholders == 2
    assert counts(groups["academia"]) == (1, 1, 1) and groups["academia"].stakeholders == 2
    assert counts(groups["private_sector"]) == (0, 0, 0)
    countries = {tally.key: tally for tally in found.countries}
    assert set(countries) == {"BR", "JP", "IN", "EG", "CN", "RU"}
    assert counts(countries["JP"]) == (1, 0, 1)
    assert countries["EG"].label == "Egypt"
    today = utcnow().date()
    assert found.days[-1].key == today
    assert counts(found.days[-1]) == (4, 2, 1)
    assert sum(tally.inputs for tally in found.days) == 6


def test_the_days_run_from_the_opening_to_today(inputs, version, secretariat):
    import datetime as dt

    from consult.extensions import db

    version.opens_at = utcnow() - dt.timedelta(days=3)
    db.session.commit()
    days = statistics.statistics(version).days
    assert [day.key for day in days] == [
        utcnow().date() - dt.timedelta(days=offset) for offset in (3, 2, 1, 0)]
    assert [day.inputs for day in days] == [0, 0, 0, 6]


def test_the_page_shows_charts_and_tables(client, inputs):
    html = client.get(PAGE).get_data(as_text=True)
    svgs = re.findall(r"<svg[^>]*>", html)
    assert len(svgs) == 4
    for svg in svgs:
        assert 'role="img"' in svg and "aria-labelledby=" in svg
    assert '<title id="chart-paragraphs-title">The 3 paragraphs with the most input</title>' in html
    assert "<caption>Input per stakeholder group</caption>" in html
    assert '<th scope="row">Government</th>' in html
    assert "statistics-countries.csv" in html


def test_the_charts_are_mirrored_in_arabic(client, inputs):
    client.get("/language?lang=ar")
    html = client.get(PAGE).get_data(as_text=True)
    assert 'dir="rtl"' in html
    assert html.count('direction="rtl"') == 4
    assert "مصر" in html  # Egypt, in the reader's language


def test_each_statistic_downloads_as_csv(client, inputs):
    rows = read_csv(client.get(f"{PAGE.replace('statistics', 'statistics-paragraphs')}.csv")
                    .get_data())
    assert rows[0] == {"Position": "", "Paragraph": "The whole text", "Comments": "1",
                       "Amendments": "0", "Comments and amendments": "1", "Replies": "0"}
    first = next(row for row in rows if row["Paragraph"] == "paragraph 1")
    assert (first["Position"], first["Comments"], first["Amendments"], first["Replies"]) == (
        "4", "2", "1", "1")
    groups = read_csv(client.get("/c/wsis20/v/1/statistics-groups.csv").get_data())
    assert [row["Stakeholder group"] for row in groups][:2] == ["Government", "Private sector"]
    assert groups[0]["Stakeholders"] == "2"
    countries = read_csv(client.get("/c/wsis20/v/1/statistics-countries.csv").get_data())
    assert {row["Country code"]: row["Country"] for row in countries}["RU"] == "Russia"
    days = read_csv(client.get("/c/wsis20/v/1/statistics-days.csv").get_data())
    assert days[-1]["Date (UTC)"] == utcnow().date().isoformat()
    assert client.get("/c/wsis20/v/1/statistics-people.csv").status_code == 404


def test_an_empty_version_has_statistics_too(client, version):
    html = client.get(PAGE).get_data(as_text=True)
    assert "No input yet." in html
    assert len(read_csv(client.get("/c/wsis20/v/1/statistics-countries.csv").get_data())) == 0


# The charts themselves ---------------------------------------------------------------------------

SERIES = [charts.Series("comments", "Comments", "#0b5cad"),
          charts.Series("amendments", "Amendments", "#7d4e00")]


def rects(svg: str) -> list[tuple[float, float]]:
    return [(float(x), float(width)) for x, width in
            re.findall(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', svg)]


def test_bars_grow_from_the_start_of_the_line_and_are_mirrored_right_to_left():
    items = [charts.Item("paragraph 1", (3, 1)), charts.Item("paragraph 2", (1, 0))]
    ltr = charts.bar_chart("c", "Title", "Description", items, SERIES)
    rtl = charts.bar_chart("c", "Title", "Description", items, SERIES, rtl=True)
    assert '<title id="c-title">Title</title><desc id="c-desc">Description</desc>' in ltr
    assert len(rects(ltr)) == 3  # zero values draw nothing
    for (x, width), (mirrored, same) in zip(rects(ltr), rects(rtl), strict=True):
        assert width == same
        assert abs((charts.WIDTH - x - width) - mirrored) < 0.2
    first, second = rects(ltr)[:2]
    assert second[0] == first[0] + first[1]  # stacked


def test_labels_are_escaped_and_shortened():
    svg = charts.bar_chart("c", "<b>", "d", [charts.Item("A <very> long name of a country "
                                                         "that goes on", (1, 1))], SERIES)
    assert "<b>" not in svg and "&lt;b&gt;" in svg
    assert "A &lt;very&gt; long name of a co…</text>" in svg  # whole in its tooltip


def test_columns_are_labelled_every_few_days():
    items = [charts.Item(f"{day} Nov", (day, 1)) for day in range(1, 31)]
    svg = charts.column_chart("d", "Days", "Per day", items, SERIES, number=str)
    labels = re.findall(r">(\d+ Nov)</text>", svg)
    assert labels == ["1 Nov", "5 Nov", "9 Nov", "13 Nov", "17 Nov", "21 Nov", "25 Nov",
                      "29 Nov"]
    assert ">40</text>" in svg  # the axis ends on a round number above the highest column


def test_axis_ends_on_round_numbers():
    assert charts.ticks(0) == (1, [0, 1])
    assert charts.ticks(7) == (8, [0, 2, 4, 6, 8])
    assert charts.ticks(1357) == (1500, [0, 500, 1000, 1500])
    assert charts.ticks(101) == (125, [0, 25, 50, 75, 100, 125])
