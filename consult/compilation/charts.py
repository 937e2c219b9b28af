"""Charts drawn on the server as inline SVG: no JavaScript, no library, nothing to load.

Each chart is an image with a title and a description for assistive technology
(role="img"); the page puts the same numbers in a table below it. Colours have at least
4.5:1 contrast on white, segments are set apart by a white line, and in right-to-left
languages the charts are mirrored: bars grow from the right and days run right to left.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 720
FONT_SIZE = 13
INK = "#1b1f24"
MUTED = "#57606a"
GRID = "#d0d7de"
LABEL_MAX = 27


@dataclass(frozen=True)
class Series:
    """One quantity drawn in every bar: which attribute of an item, named how, in what colour."""

    key: str
    label: str
    colour: str


@dataclass(frozen=True)
class Item:
    """One bar (or column): its label and the value of each series."""

    label: str
    values: tuple[int, ...]
    note: str = ""  # a longer name, shown on hover

    @property
    def total(self) -> int:
        return sum(self.values)


def axis(value: int, steps: int = 5) -> tuple[int, int]:
    """A round step (1, 2, 2.5 or 5 times a power of ten, never a fraction) that reaches
    value in at most `steps` steps, and the multiple of it at or above value: the end of
    the axis."""
    if value <= 0:
        return 1, 1
    raw = value / steps
    power = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(
        candidate
        for candidate in (power, 2 * power, int(2.5 * power), 5 * power, 10 * power)
        if candidate >= raw and candidate >= 1 and float(candidate).is_integer()
    )
    return int(step), int(math.ceil(value / step) * step)


def ticks(value: int) -> tuple[int, list[int]]:
    """The end of the axis for value, and the round numbers marked on it from 0."""
    step, end = axis(value)
    return end, list(range(0, end + 1, step))


def _short(text: str, limit: int = LABEL_MAX) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class _Canvas:
    """SVG elements placed in left-to-right coordinates, mirrored when the page is RTL."""

    def __init__(self, width: int, rtl: bool) -> None:
        self.width = width
        self.rtl = rtl
        self.parts: list[str] = []

    def x(self, x: float, width: float = 0) -> float:
        return self.width - x - width if self.rtl else x

    def rect(self, x: float, y: float, width: float, height: float, colour: str,
             title: str = "") -> None:
        inner = f"<title>{escape(title)}</title>" if title else ""
        self.parts.append(
            f'<rect x="{self.x(x, width):.1f}" y="{y:.1f}" width="{width:.1f}" '
            f'height="{height:.1f}" fill="{colour}" stroke="#ffffff" stroke-width="1">'
            f"{inner}</rect>"
        )

    def line(self, x1: float, y1: float, x2: float, y2: float, colour: str = GRID) -> None:
        self.parts.append(
            f'<line x1="{self.x(x1):.1f}" y1="{y1:.1f}" x2="{self.x(x2):.1f}" y2="{y2:.1f}" '
            f'stroke="{colour}" stroke-width="1"/>'
        )

    def text(self, x: float, y: float, content: str, anchor: str, *, colour: str = INK,
             size: int = FONT_SIZE, title: str = "") -> None:
        """anchor is "start", "middle" or "end" in the reading direction."""
        inner = f"<title>{escape(title)}</title>" if title and title != content else ""
        self.parts.append(
            f'<text x="{self.x(x):.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{colour}" '
            f'font-size="{size}">{inner}{escape(content)}</text>'
        )

    def svg(self, chart_id: str, height: float, title: str, description: str) -> Markup:
        direction = "rtl" if self.rtl else "ltr"
        return Markup(
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" '
            f'viewBox="0 0 {self.width} {height:.0f}" role="img" direction="{direction}" '
            f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
            f'preserveAspectRatio="xMinYMin meet">'
            f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
            f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>'
            + "".join(self.parts)
            + "</svg>"
        )


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    items: Sequence[Item],
    series: Sequence[Series],
    *,
    number: Callable[[int], str] = str,
    rtl: bool = False,
) -> Markup:
    """Horizontal bars, one per item, each stacked from the series; the total at its tip."""
    label_width, value_width, gap = 210, 64, 8
    row, bar, top, axis_height = 26, 16, 8, 26
    plot = WIDTH - label_width - value_width - 2 * gap
    maximum, marks = ticks(max((item.total for item in items), default=0))
    height = top + row * max(len(items), 1) + axis_height
    canvas = _Canvas(WIDTH, rtl)
    start = label_width + gap
    bottom = top + row * max(len(items), 1)
    for tick in marks:
        x = start + plot * tick / maximum
        canvas.line(x, top - 2, x, bottom)
        canvas.text(x, bottom + 17, number(tick), "middle", colour=MUTED, size=11)
    for index, item in enumerate(items):
        y = top + index * row + (row - bar) / 2
        canvas.text(label_width, y + bar - 3, _short(item.label), "end",
                    title=item.note or item.label)
        x = start
        for kind, value in zip(series, item.values, strict=True):
            if not value:
                continue
            width = plot * value / maximum
            canvas.rect(x, y, width, bar, kind.colour, f"{kind.label}: {number(value)}")
            x += width
        canvas.text(x + 5, y + bar - 3, number(item.total), "start")
    return canvas.svg(chart_id, height, title, description)


def column_chart(
    chart_id: str,
    title: str,
    description: str,
    items: Sequence[Item],
    series: Sequence[Series],
    *,
    number: Callable[[int], str] = str,
    rtl: bool = False,
    labels_every: int | None = None,
) -> Markup:
    """Vertical columns over time (one per item, stacked from the series), labelled below
    every few columns so the labels never overlap."""
    axis_width, gap, top, bottom_space, plot_height = 52, 6, 12, 34, 200
    plot = WIDTH - axis_width - 2 * gap
    count = max(len(items), 1)
    slot = plot / count
    column = max(1.0, slot * 0.75)
    maximum, marks = ticks(max((item.total for item in items), default=0))
    every = labels_every or max(1, math.ceil(count / 8))
    canvas = _Canvas(WIDTH, rtl)
    base = top + plot_height
    start = axis_width + gap
    for tick in marks:
        y = base - plot_height * tick / maximum
        canvas.line(start, y, WIDTH - gap, y)
        canvas.text(axis_width - 4, y + 4, number(tick), "end", colour=MUTED, size=11)
    for index, item in enumerate(items):
        x = start + index * slot + (slot - column) / 2
        y = base
        for kind, value in zip(series, item.values, strict=True):
            if not value:
                continue
            height = plot_height * value / maximum
            y -= height
            canvas.rect(x, y, column, height, kind.colour,
                        f"{item.note or item.label} · {kind.label}: {number(value)}")
        if index % every == 0:
            canvas.text(x + column / 2, base + 18, item.label, "middle", colour=MUTED, size=11)
    canvas.line(start, base, WIDTH - gap, base, MUTED)
    return canvas.svg(chart_id, base + bottom_space, title, description)
