"""Pages of the audit area: the secretariat's log, and helpers for history lists elsewhere."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from consult.audit import service
from consult.audit.models import AuditEvent
from consult.drafts.models import Consultation, Paragraph, Version
from consult.forms import as_int
from consult.i18n import format_moment
from consult.textdiff import diff_html

blueprint = Blueprint("audit", __name__)

# A value longer than this is cut in the log; the full text stays in the event.
VALUE_LENGTH = 160
# An edited text at least this long is shown as a word-level difference.
DIFF_LENGTH = 40
FILTER_NAMES = ("actor", "action", "object_type", "object_id", "date_from", "date_to")

FIELD_LABELS = {
    "slug": _l("Short name"),
    "title": _l("Title"),
    "summary": _l("Summary"),
    "label": _l("Label"),
    "document_symbol": _l("Document symbol"),
    "status": _l("Status"),
    "moderation": _l("Moderation"),
    "opens_at": _l("Opens"),
    "closes_at": _l("Closes"),
    "paragraphs": _l("Paragraphs"),
    "number_labels": _l("Numbers by position"),
    "position": _l("Position"),
    "kind": _l("Kind"),
    "number_label": _l("Number"),
    "body": _l("Text"),
    "parent_id": _l("Belongs to paragraph (id)"),
    "lineage_key": _l("Lineage key"),
    "moderation_reason": _l("Reason"),
    "merged_into_id": _l("Merged into comment (id)"),
    "disposition": _l("Disposition"),
    "disposition_rationale": _l("Rationale"),
}

OBJECT_TYPE_LABELS = {
    "consultation": _l("Consultation"),
    "version": _l("Version"),
    "paragraph": _l("Paragraph"),
    "comment": _l("Comment"),
}


def _parse_filters(args: MultiDict[str, str]) -> tuple[service.LogFilter, dict[str, str]]:
    """The log filter from the query string, and a message for each value not understood."""
    errors: dict[str, str] = {}
    object_id: int | None = None
    raw_id = args.get("object_id", "").strip()
    if raw_id:
        try:
            object_id = int(raw_id)
        except ValueError:
            errors["object_id"] = _("Give the object's number, such as 42.")
    days: dict[str, dt.date | None] = {}
    for name in ("date_from", "date_to"):
        raw = args.get(name, "").strip()
        days[name] = None
        if raw:
            try:
                days[name] = dt.date.fromisoformat(raw)
            except ValueError:
                errors[name] = _("Give a date as year-month-day, such as 2026-11-28.")
    return (
        service.LogFilter(
            actor=args.get("actor", "").strip(),
            action=args.get("action", "").strip(),
            object_type=args.get("object_type", "").strip(),
            object_id=object_id,
            date_from=days["date_from"],
            date_to=days["date_to"],
        ),
        errors,
    )


def _object_links(events: list[AuditEvent]) -> dict[tuple[str, int], tuple[str, str]]:
    """The link and name of each object the events name that has a page, without a query
    per event: consultations, versions and paragraphs are loaded together; comments need
    only their id.
    """
    links: dict[tuple[str, int], tuple[str, str]] = {}
    for key, found in service.objects_of(events).items():
        if isinstance(found, Consultation):
            links[key] = (url_for("drafts.consultation", slug=found.slug), found.title)
        elif isinstance(found, Version):
            links[key] = (
                url_for("drafts.version", slug=found.consultation.slug, number=found.number),
                f"{found.consultation.slug} · {found.label}",
            )
        elif isinstance(found, Paragraph):
            version = found.version
            links[key] = (
                url_for(
                    "drafts.version",
                    slug=version.consultation.slug,
                    number=version.number,
                    _anchor=found.anchor,
                ),
                f"{version.consultation.slug} · {version.label} · #{found.anchor}",
            )
    for entry in events:
        if entry.object_type == "comment" and entry.object_id is not None:
            links["comment", entry.object_id] = (
                url_for("comments.comment", comment_id=entry.object_id),
                "",
            )
    return links


@blueprint.route("/audit")
@login_required
def log() -> tuple[str, int]:
    """The audit log, newest first, filtered as asked, with the state of the hash chain."""
    filters, errors = _parse_filters(request.args)
    found = service.log(current_user, filters, page=as_int(request.args.get("page"), 1))
    kept = {name: request.args[name] for name in FILTER_NAMES if request.args.get(name)}
    return (
        render_template(
            "audit/log.html",
            found=found,
            filters=filters,
            values=kept,
            errors=errors,
            filtered=bool(kept),
            choices=service.choices(),
            links=_object_links(found.items),
            check=service.verify(),
        ),
        400 if errors else 200,
    )


# Helpers for every template that shows events -------------------------------------------


@blueprint.app_template_filter("audit_changes")
def audit_changes(entry: AuditEvent) -> list[service.Change]:
    return service.changes(entry)


@blueprint.app_template_filter("audit_field")
def audit_field(name: str) -> str:
    return str(FIELD_LABELS.get(name, name))


@blueprint.app_template_filter("audit_object_type")
def audit_object_type(name: str) -> str:
    return str(OBJECT_TYPE_LABELS.get(name, name))


@blueprint.app_template_filter("audit_text_diff")
def audit_text_diff(change: service.Change) -> Markup | None:
    """A longer text that was edited, as a word-level difference; None for anything else."""
    before, after = change.before, change.after
    if not (isinstance(before, str) and isinstance(after, str) and before and after):
        return None
    if max(len(before), len(after)) < DIFF_LENGTH:
        return None
    return diff_html(before, after)


@blueprint.app_template_filter("audit_value")
def audit_value(value: Any, name: str = "") -> str:
    """A recorded value as a person reads it: times in words, long text cut short."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if name.endswith("_at") and isinstance(value, str):
        try:
            return format_moment(dt.datetime.fromisoformat(value))
        except ValueError:
            pass
    if isinstance(value, dict):
        shown = ", ".join(f"{key}: {item if item != '' else '—'}" for key, item in value.items())
        text = shown or "—"
    elif isinstance(value, list):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = str(value)
    if len(text) > VALUE_LENGTH:
        text = text[: VALUE_LENGTH - 1].rstrip() + "…"
    return text
