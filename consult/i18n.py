"""Language choice, localized country names, and the template helpers that format."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache

import pycountry
from babel import Locale
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import format_date, format_decimal, format_time, get_locale

from consult.config import RTL_LANGUAGES
from consult.markup import plain_text, render_markdown

# English as the United Nations writes it: "16 November 2026, 13:42".
FORMAT_LOCALES = {"en": "en_GB"}


def select_locale() -> str:
    """Use the language the reader chose, else the best match for their browser."""
    if not has_request_context():
        language = current_app.config["BABEL_DEFAULT_LOCALE"]
    else:
        languages = current_app.config["LANGUAGES"]
        language = session.get("lang")
        if language not in languages:
            language = request.accept_languages.best_match(list(languages)) or "en"
    return FORMAT_LOCALES.get(language, language)


def current_language() -> str:
    """The reader's language as the language menu names it: en, fr, es, ru, zh, ar."""
    locale = get_locale()
    return locale.language if locale else "en"


def text_direction() -> str:
    return "rtl" if current_language() in RTL_LANGUAGES else "ltr"


@cache
def _countries(locale_code: str) -> tuple[tuple[str, str], ...]:
    names = Locale.parse(locale_code).territories
    countries = [
        (country.alpha_2, names.get(country.alpha_2) or country.name)
        for country in pycountry.countries
    ]
    return tuple(sorted(countries, key=lambda item: item[1].casefold()))


def country_choices() -> list[tuple[str, str]]:
    """All ISO 3166-1 countries, named and sorted in the reader's language."""
    return list(_countries(str(get_locale() or "en")))


def country_name(code: str | None) -> str:
    if not code:
        return ""
    return dict(_countries(str(get_locale() or "en"))).get(code, code)


def is_country(code: str) -> bool:
    return pycountry.countries.get(alpha_2=code) is not None


def format_moment(value: dt.datetime | None) -> str:
    """Format a UTC time in the reader's language, saying it is UTC."""
    if value is None:
        return ""
    return f"{format_date(value, 'long')}, {format_time(value, 'short')} UTC"


_PRINTED_WITH_STOP = re.compile(r"[0-9]+|[IVXLCDM]+|[A-Z]")


def number_label(label: str) -> str:
    """Print a paragraph number as UN documents do: "12." and "II." but "(a)" as it is."""
    return f"{label}." if _PRINTED_WITH_STOP.fullmatch(label or "") else label


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        text_direction=text_direction,
        country_name=country_name,
        current_locale=lambda: str(get_locale() or "en"),
        current_language=current_language,
    )
    app.context_processor(lambda: {"labels": labels()})
    app.jinja_env.filters.update(
        time=format_moment,
        date=lambda value: format_date(value, "long") if value else "",
        number=format_decimal,
        iso=lambda value: value.isoformat() if value else "",
        markdown=render_markdown,
        plain=plain_text,
        number_label=number_label,
        upper_first=lambda text: text[:1].upper() + text[1:] if text else text,
    )


def labels() -> dict[str, dict]:
    """The words shown for stored codes (roles, groups, kinds, statuses), for templates."""
    from consult.auth.models import GROUP_LABELS, ROLE_LABELS
    from consult.comments.models import DISPOSITION_LABELS
    from consult.comments.models import KIND_LABELS as COMMENT_KINDS
    from consult.comments.models import STATUS_LABELS as COMMENT_STATUSES
    from consult.drafts.models import KIND_LABELS as PARAGRAPH_KINDS
    from consult.drafts.models import MODERATION_LABELS
    from consult.drafts.models import STATUS_LABELS as VERSION_STATUSES
    from consult.moderation.models import REPORT_LABELS
    from consult.revisions.models import DECISION_LABELS

    return {
        "role": ROLE_LABELS,
        "group": GROUP_LABELS,
        "comment_kind": COMMENT_KINDS,
        "comment_status": COMMENT_STATUSES,
        "paragraph_kind": PARAGRAPH_KINDS,
        "moderation": MODERATION_LABELS,
        "version_status": VERSION_STATUSES,
        "disposition": DISPOSITION_LABELS,
        "report": REPORT_LABELS,
        "change_decision": DECISION_LABELS,
    }
