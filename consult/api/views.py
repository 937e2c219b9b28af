"""The JSON API under /api/v1/: the same services as the site, answered as JSON.

Reading is open to anyone, and a token's owner sees what they would see signed in (their
own comments awaiting moderation; drafts, for the secretariat). Writing needs a personal
token in `Authorization: Bearer <secret>`; the session cookie is never used here, as the
API is exempt from CSRF. Every request is checked (schemas.py) before the database is
asked anything about it but the token; every error is
`{"error": {"status", "message", "field"?}}`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Blueprint, g, jsonify, make_response, request
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Unauthorized, UnsupportedMediaType
from werkzeug.wrappers import Response

from consult.api import openapi, schemas, serialize
from consult.api import service as api
from consult.auth.models import User
from consult.comments import service as comments
from consult.comments.models import Comment
from consult.compilation import statistics as counting
from consult.drafts import service as drafts
from consult.drafts.models import Paragraph, Version
from consult.errors import Conflict, NotFound
from consult.extensions import db

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")

SLUG = "<slug>"
NUMBER = "<int:number>"
POSITION = "<int:position>"
COMMENT_ID = "<int:comment_id>"
VERSION_PATH = f"/consultations/{SLUG}/versions/{NUMBER}"
PARAGRAPH_PATH = f"{VERSION_PATH}/paragraphs/{POSITION}"


@blueprint.url_value_preprocessor
def _check_path_numbers(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    """A number too large for the database's integers cannot name anything: 404 before it
    reaches SQL (a bound in the route would make werkzeug answer 405 where another method
    shares the address)."""
    for name, most in schemas.PATH_NUMBER_MAX.items():
        if values and values.get(name, 0) > most:
            raise NotFound()


# Who is asking ---------------------------------------------------------------------------------


def _challenge(error: str | None = None) -> WWWAuthenticate:
    parameters = {"realm": "consult"}
    if error:
        parameters["error"] = error
    return WWWAuthenticate("bearer", parameters)


@blueprint.before_request
def _only_json_bodies() -> None:
    """Every body a write carries is JSON, even where the body is ignored (an
    endorsement): a form or plain text sent here is a mistake, or a page of another site
    trying its luck, and is refused with 415 before anything else is read."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    has_body = bool(request.content_length) or "chunked" in request.headers.get(
        "Transfer-Encoding", ""
    )
    if has_body and request.mimetype != "application/json":
        raise UnsupportedMediaType(
            _("Send the request body as JSON (Content-Type: application/json).")
        )


@blueprint.before_request
def _authenticate() -> None:
    """Find the token's owner; a token that does not work is refused even where none is
    needed, so a mistake in it shows at once."""
    secret = schemas.read_authorization(request)
    g.api_user = None
    if secret is None:
        return
    if not secret:
        raise Unauthorized(
            _("Send the token as “Authorization: Bearer <token>”."),
            www_authenticate=_challenge("invalid_request"),
        )
    user = api.authenticate(secret)
    if user is None:
        raise Unauthorized(
            _("This API token is not valid: it may have been revoked. Make a new one on your "
              "profile page."),
            www_authenticate=_challenge("invalid_token"),
        )
    g.api_user = user


def _viewer() -> User | None:
    return g.get("api_user")


def _writer() -> User:
    """The token's owner. Raises Unauthorized (401) when no token was sent."""
    user = _viewer()
    if user is None:
        raise Unauthorized(
            _("Writing needs a personal API token: send it as “Authorization: Bearer "
              "<token>”. Make one on your profile page."),
            www_authenticate=_challenge(),
        )
    return user


# The description of it all -----------------------------------------------------------------------


@blueprint.get("/openapi.json")
def openapi_document() -> Response:
    return jsonify(openapi.document())


# Consultations and versions --------------------------------------------------------------------


@blueprint.get("/consultations")
def consultations() -> Response:
    paging = schemas.read_paging(request)
    found = drafts.list_consultations(_viewer())
    chosen, page = serialize.page_slice(found, paging.page, paging.per_page)
    items = [serialize.consultation(item, versions) for item, versions in chosen]
    return jsonify(
        serialize.listing(items, page=page, per_page=paging.per_page, total=len(found))
    )


def _consultation_slug(slug: str) -> str:
    """A slug that cannot exist is not looked up."""
    if len(slug) > 80 or not drafts.SLUG_PATTERN.match(slug):
        raise NotFound()
    return slug


@blueprint.get(f"/consultations/{SLUG}")
def consultation(slug: str) -> Response:
    found = drafts.get_consultation(_consultation_slug(slug), _viewer())
    return jsonify(serialize.consultation(found, drafts.visible_versions(found, _viewer())))


@blueprint.get(f"/consultations/{SLUG}/versions")
def versions(slug: str) -> Response:
    paging = schemas.read_paging(request)
    found = drafts.get_consultation(_consultation_slug(slug), _viewer())
    visible = drafts.visible_versions(found, _viewer())
    chosen, page = serialize.page_slice(visible, paging.page, paging.per_page)
    items = [serialize.version_summary(item, found.slug) for item in chosen]
    return jsonify(
        serialize.listing(items, page=page, per_page=paging.per_page, total=len(visible))
    )


def _version(slug: str, number: int) -> Version:
    return drafts.get_version(_consultation_slug(slug), number, _viewer())


@blueprint.get(VERSION_PATH)
def version(slug: str, number: int) -> Response:
    found = _version(slug, number)
    return jsonify(serialize.version_summary(found, found.consultation.slug))


# Paragraphs ------------------------------------------------------------------------------------


@blueprint.get(f"{VERSION_PATH}/paragraphs")
def paragraphs(slug: str, number: int) -> Response:
    """All of the version's paragraphs are read to name them (preambular paragraphs are
    counted), then one page is shown: three queries, whatever the page."""
    paging = schemas.read_paging(request)
    found = _version(slug, number)
    every = drafts.version_paragraphs(found)
    names = drafts.paragraph_names(every)
    per_paragraph = comments.version_counts(found)
    chosen, page = serialize.page_slice(every, paging.page, paging.per_page)
    items = [
        serialize.paragraph(item, found, names[item.id], per_paragraph.get(item.id))
        for item in chosen
    ]
    return jsonify(serialize.listing(items, page=page, per_page=paging.per_page, total=len(every)))


@blueprint.get(PARAGRAPH_PATH)
def paragraph(slug: str, number: int, position: int) -> Response:
    place = drafts.paragraph_in_place(_consultation_slug(slug), number, position, _viewer())
    found = place.paragraph
    name = drafts.paragraph_name(found, drafts.preambular_number(found))
    body = serialize.paragraph(
        found, found.version, name, comments.version_counts(found.version).get(found.id)
    )
    where = {"slug": slug, "number": number}
    body["links"]["previous"] = (
        serialize.link("api.paragraph", **where, position=place.previous.position)
        if place.previous
        else None
    )
    body["links"]["next"] = (
        serialize.link("api.paragraph", **where, position=place.next.position)
        if place.next
        else None
    )
    return jsonify(body)


# Comments: reading -----------------------------------------------------------------------------


def _thread(
    version: Version, place: drafts.Place | None, paging: schemas.Paging, sort: str
) -> Response:
    viewer = _viewer()
    thread = comments.thread(
        version,
        place.paragraph if place else None,
        viewer,
        page=paging.page,
        sort=sort,
        per_page=paging.per_page,
    )
    items = [
        serialize.comment(
            item,
            endorsed=thread.endorsements.get(item.id),
            reply_count=thread.reply_counts.get(item.id, 0),
            merged_count=thread.merged_counts.get(item.id, 0),
            endorsed_by_you=item.id in thread.endorsed_by_viewer,
        )
        for item in thread.items
    ]
    return jsonify(
        serialize.listing(items, page=thread.page, per_page=thread.per_page, total=thread.total)
    )


@blueprint.get(f"{PARAGRAPH_PATH}/comments")
def paragraph_comments(slug: str, number: int, position: int) -> Response:
    paging, sort = schemas.read_paging(request), schemas.read_sort(request)
    place = drafts.paragraph_in_place(_consultation_slug(slug), number, position, _viewer())
    return _thread(place.paragraph.version, place, paging, sort)


@blueprint.get(f"{VERSION_PATH}/comments")
def general_comments(slug: str, number: int) -> Response:
    paging, sort = schemas.read_paging(request), schemas.read_sort(request)
    return _thread(_version(slug, number), None, paging, sort)


def _comment_body(item: Comment, viewer: User | None) -> dict[str, Any]:
    """One comment with the replies below it and what each has gathered."""
    below = api.load_thread_of(item, viewer)
    ids = [item.id] + [reply.id for reply in below]
    endorsed = comments.endorsement_counts(ids)
    mine = comments.endorsed_by(viewer, ids)
    merged = api.merged_counts([item.id])
    body = serialize.comment(
        item,
        endorsed=endorsed.get(item.id),
        reply_count=len(below),
        merged_count=merged.get(item.id, 0),
        endorsed_by_you=item.id in mine,
    )
    body["replies"] = [
        serialize.comment(reply, endorsed=endorsed.get(reply.id), endorsed_by_you=reply.id in mine)
        for reply in below
    ]
    return body


@blueprint.get(f"/comments/{COMMENT_ID}")
def comment(comment_id: int) -> Response:
    viewer = _viewer()
    return jsonify(_comment_body(comments.get_comment(comment_id, viewer), viewer))


@blueprint.get(f"{VERSION_PATH}/dispositions")
def dispositions(slug: str, number: int) -> Response:
    paging = schemas.read_paging(request)
    viewer = _viewer()
    found = _version(slug, number)
    answered = api.dispositions(found, viewer, page=paging.page, per_page=paging.per_page)
    ids = [item.id for item in answered.items]
    endorsed = comments.endorsement_counts(ids)
    replies = api.reply_counts(ids, viewer)
    merged = api.merged_counts(ids)
    mine = comments.endorsed_by(viewer, ids)
    items = [
        serialize.comment(
            item,
            endorsed=endorsed.get(item.id),
            reply_count=replies.get(item.id, 0),
            merged_count=merged.get(item.id, 0),
            endorsed_by_you=item.id in mine,
        )
        for item in answered.items
    ]
    return jsonify(
        serialize.listing(
            items, page=answered.page, per_page=answered.per_page, total=answered.total
        )
    )


@blueprint.get(f"{VERSION_PATH}/statistics")
def statistics(slug: str, number: int) -> Response:
    """The numbers of the site's statistics page, counted by the same function."""
    return jsonify(serialize.statistics(counting.statistics(_version(slug, number))))


# Comments: writing -----------------------------------------------------------------------------


def _created(item: Comment, author: User, existed: bool) -> Response:
    """201 with its address for a new comment; 200 for one a repeated submission made."""
    response = make_response(jsonify(_comment_body(item, author)), 200 if existed else 201)
    if not existed:
        response.headers["Location"] = serialize.link("api.comment", comment_id=item.id)
    return response


@contextmanager
def _saved() -> Iterator[None]:
    """Commit what the block does, once. A refusal propagates to the application's error
    handler, which rolls back and answers in JSON (unit_of_work would flash it into a
    session cookie, which an API answer should not set)."""
    try:
        yield
        db.session.flush()
    except StaleDataError as stale:
        # Someone else saved the same row between our read and our write.
        db.session.rollback()
        raise Conflict() from stale
    db.session.commit()


@blueprint.post(f"{PARAGRAPH_PATH}/comments")
def post_paragraph_comment(slug: str, number: int, position: int) -> Response:
    author = _writer()
    fields = schemas.read_body(request, schemas.COMMENT)
    place = drafts.paragraph_in_place(_consultation_slug(slug), number, position, author)
    return _post(author, place.paragraph.version, place.paragraph, fields)


@blueprint.post(f"{VERSION_PATH}/comments")
def post_general_comment(slug: str, number: int) -> Response:
    author = _writer()
    fields = schemas.read_body(request, schemas.GENERAL_COMMENT)
    return _post(author, _version(slug, number), None, fields)


def _post(
    author: User, version: Version, paragraph: Paragraph | None, fields: dict[str, str]
) -> Response:
    existed = api.submitted_before(author, fields.get("submission_key"))
    with _saved():
        made = comments.post_comment(author, version, paragraph, **fields)
    return _created(made, author, existed)


@blueprint.post(f"/comments/{COMMENT_ID}/replies")
def post_reply(comment_id: int) -> Response:
    author = _writer()
    fields = schemas.read_body(request, schemas.REPLY)
    parent = comments.get_comment(comment_id, author)
    existed = api.submitted_before(author, fields.get("submission_key"))
    with _saved():
        made = comments.reply(author, parent, **fields)
    return _created(made, author, existed)


@blueprint.put(f"/comments/{COMMENT_ID}/endorsement")
def endorse(comment_id: int) -> Response:
    user = _writer()
    target = comments.get_comment(comment_id, user)
    with _saved():
        comments.endorse(user, target)
    return _endorsement_state(target, user)


@blueprint.delete(f"/comments/{COMMENT_ID}/endorsement")
def withdraw_endorsement(comment_id: int) -> Response:
    """The service ignores a withdrawal of nothing; the API says so with 409, after the
    service's own checks (a closed period is still 403)."""
    user = _writer()
    target = comments.get_comment(comment_id, user)
    had = target.id in comments.endorsed_by(user, [target.id])
    with _saved():
        comments.withdraw_endorsement(user, target)
        if not had:
            raise Conflict(_("You have not endorsed this comment."))
    return _endorsement_state(target, user)


def _endorsement_state(target: Comment, user: User) -> Response:
    ids = [target.id]
    return jsonify(
        serialize.endorsement_state(
            target,
            comments.endorsement_counts(ids).get(target.id),
            target.id in comments.endorsed_by(user, ids),
        )
    )
