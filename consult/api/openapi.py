"""The OpenAPI 3.1 description of the API, served at /api/v1/openapi.json.

Written by hand as data, except the request bodies and parameters, which come from the
definitions the API checks requests against (schemas.py), with this deployment's limits.
tests/api/test_openapi.py runs schemathesis against it, so it cannot drift from the code.
"""

from __future__ import annotations

from typing import Any

from consult.api import schemas
from consult.auth.models import StakeholderGroup
from consult.comments.models import CommentKind, CommentStatus, Disposition
from consult.comments.service import SORTS
from consult.drafts.models import ModerationMode, ParagraphKind, VersionStatus

JSON = "application/json"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _values(kind: Any) -> list[str]:
    return [member.value for member in kind]


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """The same schema, or null."""
    kind = schema["type"]
    return {**schema, "type": [kind, "null"]}


STRING = {"type": "string"}
INTEGER = {"type": "integer", "minimum": 0}
ID = {"type": "integer", "minimum": 1}
URL = {"type": "string", "format": "uri"}
MOMENT = {"type": "string", "format": "date-time", "description": "ISO 8601, UTC."}


def _object(properties: dict[str, Any], description: str = "", **extra: Any) -> dict[str, Any]:
    """An object with exactly these properties, every one of them present."""
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
        **extra,
    }
    if description:
        schema["description"] = description
    return schema


def _links(*names: str, optional: tuple[str, ...] = ()) -> dict[str, Any]:
    schema = _object(dict.fromkeys(names, URL))
    for name in optional:
        schema["properties"][name] = _nullable(URL)
    return schema


# Schemas -------------------------------------------------------------------------------------


def _comment_properties() -> dict[str, Any]:
    return {
        "id": ID,
        "version_id": ID,
        "paragraph": {
            "oneOf": [
                {"type": "null"},
                _object({"id": ID, "position": ID, "lineage_key": STRING}),
            ],
            "description": "The paragraph commented on; null for a general comment.",
        },
        "parent_id": _nullable(ID),
        "root_id": _nullable(ID),
        "kind": {"type": "string", "enum": _values(CommentKind)},
        "status": {
            "type": "string",
            "enum": _values(CommentStatus),
            "description": "Others see published and withdrawn comments (and merged ones "
            "by their id); a token's owner also sees their own pending and hidden ones.",
        },
        "author": {
            "oneOf": [{"type": "null"}, _ref("Author")],
            "description": "As it was when the comment was made; null once withdrawn.",
        },
        "body": {"type": ["string", "null"], "description": "Markdown; null once withdrawn."},
        "body_html": {"type": ["string", "null"], "description": "Sanitised HTML of body."},
        "proposed_text": {"type": ["string", "null"]},
        "quote": {"type": ["string", "null"]},
        "is_synthesis": {"type": "boolean"},
        "created_at": MOMENT,
        "edited_at": _nullable(MOMENT),
        "published_at": _nullable(MOMENT),
        "withdrawn_at": _nullable(MOMENT),
        "moderation_reason": {"type": ["string", "null"]},
        "endorsements": _ref("Endorsements"),
        "endorsed_by_you": {"type": "boolean"},
        "reply_count": INTEGER,
        "merged_count": INTEGER,
        "merged_into_id": _nullable(ID),
        "disposition": {"oneOf": [{"type": "null"}, _ref("Disposition")]},
        "links": _links("self", "html"),
    }


def _tally() -> dict[str, Any]:
    return {
        "comments": {**INTEGER, "description": "Top-level comments."},
        "amendments": {
            **INTEGER,
            "description": "Amendments, deletions and insertions: proposals to change the text.",
        },
        "replies": {**INTEGER, "description": "Replies in the discussion, counted apart."},
        "stakeholders": {
            **INTEGER,
            "description": "Different people who wrote the comments and amendments.",
        },
    }


def _tallies(key: dict[str, Any], description: str) -> dict[str, Any]:
    return {"type": "array", "items": _object({**key, **_tally()}), "description": description}


def _counts() -> dict[str, Any]:
    return {
        "comments": INTEGER,
        "amendments": INTEGER,
        "to_answer": {**INTEGER, "description": "Top-level input."},
        "answered": {**INTEGER, "description": "Top-level input with a disposition."},
    }


def _list_of(item: str) -> dict[str, Any]:
    return _object({"data": {"type": "array", "items": _ref(item)}, "meta": _ref("PageMeta"),
                    "links": _ref("PageLinks")})


def _schemas() -> dict[str, Any]:
    comment = _comment_properties()
    groups = _values(StakeholderGroup)
    return {
        "Error": _object(
            {
                "error": {
                    "type": "object",
                    "properties": {
                        "status": {"type": "integer"},
                        "message": {"type": "string"},
                        "field": {
                            "type": "string",
                            "description": "The request field the error is about, if one.",
                        },
                        "request_id": {
                            "type": "string",
                            "description": "The request's id, also in the X-Request-ID "
                            "header: quote it when reporting a problem.",
                        },
                    },
                    "required": ["status", "message"],
                    "additionalProperties": False,
                }
            }
        ),
        "PageMeta": _object(
            {"page": ID, "per_page": ID, "total": INTEGER, "pages": ID},
            "Where this page stands. A page past the last gives the last.",
        ),
        "PageLinks": _links("self", "first", "last", optional=("prev", "next")),
        "Version": _object(
            {
                "id": ID,
                "number": ID,
                "label": STRING,
                "document_symbol": STRING,
                "status": {"type": "string", "enum": _values(VersionStatus)},
                "moderation": {
                    "type": "string",
                    "enum": _values(ModerationMode),
                    "description": "pre: comments wait for a moderator; post: published at once.",
                },
                "period": _object(
                    {
                        "opens_at": _nullable(MOMENT),
                        "closes_at": _nullable(MOMENT),
                        "taking_comments": {"type": "boolean"},
                    }
                ),
                "created_at": MOMENT,
                "published_at": _nullable(MOMENT),
                "based_on_id": _nullable(ID),
                "links": _links(
                    "self", "paragraphs", "comments", "dispositions", "statistics", "html"
                ),
            }
        ),
        "Consultation": _object(
            {
                "id": ID,
                "slug": STRING,
                "title": STRING,
                "summary": STRING,
                "created_at": MOMENT,
                "versions": {"type": "array", "items": _ref("Version")},
                "links": _links("self", "versions", "html"),
            }
        ),
        "Counts": _object(_counts(), "Published input on a paragraph."),
        "Paragraph": _object(
            {
                "id": ID,
                "version_id": ID,
                "position": ID,
                "kind": {"type": "string", "enum": _values(ParagraphKind)},
                "number_label": {"type": "string", "description": "As printed: 3, (b)."},
                "name": {"type": "string", "description": "As said: paragraph 2 (b)."},
                "body": {"type": "string", "description": "Markdown."},
                "body_html": {"type": "string"},
                "text": {"type": "string", "description": "Plain text of the body."},
                "parent_id": _nullable(ID),
                "lineage_key": {
                    "type": "string",
                    "description": "The same for this paragraph in every version.",
                },
                "counts": _ref("Counts"),
                "links": _links(
                    "self", "comments", "html", optional=("previous", "next")
                ),
            },
            "In lists, links have no previous and next; one paragraph has both (null at an end).",
        ),
        "Author": _object(
            {
                "name": {
                    "type": "string",
                    "description": "The author's name; for an account its owner deleted, "
                    "a phrase naming the organization alone (\"A participant from …\").",
                },
                "organization": STRING,
                "organization_verified": {
                    "type": "boolean",
                    "description": "Whether the secretariat has verified that the author "
                    "speaks for this organization (as it stands now).",
                },
                "stakeholder_group": {"type": "string", "enum": groups},
                "country": {"type": "string", "description": "ISO 3166-1 alpha-2."},
            }
        ),
        "Endorsements": _object(
            {
                "total": INTEGER,
                "by_group": _object(dict.fromkeys(groups, INTEGER)),
            },
            "Counted by the endorsers' stakeholder groups.",
        ),
        "Disposition": _object(
            {
                "value": {"type": "string", "enum": _values(Disposition)},
                "rationale": STRING,
                "disposed_at": _nullable(MOMENT),
            },
            "The public answer to the comment.",
        ),
        "Comment": _object(comment),
        "CommentWithReplies": _object(
            {**comment, "replies": {"type": "array", "items": _ref("Comment")}},
            "A comment and the replies below it, oldest first.",
        ),
        "EndorsementState": _object(
            {
                "comment_id": ID,
                "endorsed_by_you": {"type": "boolean"},
                "endorsements": _ref("Endorsements"),
                "links": _links("comment"),
            }
        ),
        "Statistics": _object(
            {
                "version_id": ID,
                "totals": _object(
                    {
                        **_tally(),
                        "countries": {
                            **INTEGER,
                            "description": "Different countries of those who commented "
                            "and amended.",
                        },
                    }
                ),
                "endorsements": {
                    **_ref("Endorsements"),
                    "description": "Endorsements of the input, by the endorsers' groups.",
                },
                "general": _object(_tally(), "Input on the version as a whole."),
                "paragraphs": _tallies(
                    {
                        "position": ID,
                        "paragraph_id": ID,
                        "lineage_key": STRING,
                        "name": {"type": "string", "description": "As said: paragraph 2 (b)."},
                    },
                    "Every paragraph in order, but headings without input.",
                ),
                "groups": _tallies(
                    {
                        "stakeholder_group": {"type": "string", "enum": groups},
                        "label": STRING,
                    },
                    "Input by the authors' stakeholder groups: the six, in their usual order.",
                ),
                "countries": _tallies(
                    {
                        "country": {"type": "string", "description": "ISO 3166-1 alpha-2."},
                        "name": STRING,
                    },
                    "Input by the authors' countries, most input first.",
                ),
                "days": _tallies(
                    {"date": {"type": "string", "format": "date", "description": "In UTC."}},
                    "Every day from the opening of the period (or the first input) to its "
                    "close or today, in order.",
                ),
            },
            "Public input as the site's statistics page counts it: published comments and "
            "proposals, and those merged into others once published; replies apart.",
        ),
        "ConsultationList": _list_of("Consultation"),
        "VersionList": _list_of("Version"),
        "ParagraphList": _list_of("Paragraph"),
        "CommentList": _list_of("Comment"),
        **{body.name: body.json_schema() for body in (schemas.COMMENT, schemas.GENERAL_COMMENT,
                                                      schemas.REPLY)},
    }


# Parameters and responses ----------------------------------------------------------------------


def _parameters() -> dict[str, Any]:
    def path(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
        return {"name": name, "in": "path", "required": True, "schema": schema,
                "description": description}

    def whole(name: str) -> dict[str, Any]:
        return {"type": "integer", "minimum": 1, "maximum": schemas.PATH_NUMBER_MAX[name]}

    return {
        "slug": path(
            "slug",
            {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$", "maxLength": 80},
            "The consultation's short name, e.g. wsis20.",
        ),
        "number": path("number", whole("number"), "The version's number: 1 for the first."),
        "position": path(
            "position", whole("position"), "The paragraph's place in the version, from 1."
        ),
        "comment_id": path("comment_id", whole("comment_id"), "The comment's id."),
        "page": {
            "name": "page", "in": "query", "required": False,
            "schema": {"type": "integer", "minimum": 1, "maximum": schemas.PAGE_MAX,
                       "default": 1},
        },
        "per_page": {
            "name": "per_page", "in": "query", "required": False,
            "schema": {"type": "integer", "minimum": 1, "maximum": schemas.PER_PAGE_MAX,
                       "default": schemas.PER_PAGE_DEFAULT},
        },
        "sort": {
            "name": "sort", "in": "query", "required": False,
            "schema": {"type": "string", "enum": list(SORTS), "default": SORTS[0]},
            "description": "oldest, newest, or most endorsed first.",
        },
    }


def _error(description: str, **headers: dict[str, Any]) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {JSON: {"schema": _ref("Error")}},
    }
    if headers:
        response["headers"] = headers
    return response


def _responses() -> dict[str, Any]:
    return {
        "BadRequest": _error(
            "What was sent is not acceptable: a parameter, the JSON, or a rule of the "
            "consultation; `field` names the part at fault."
        ),
        "Unauthorized": _error(
            "No token where one is needed, or a token that does not work.",
            **{"WWW-Authenticate": {"required": True, "schema": STRING}},
        ),
        "Forbidden": _error(
            "Refused by a rule: the comment period is not open, the account is not confirmed, "
            "one's own comment cannot be endorsed…"
        ),
        "NotFound": _error("Not there, or not published."),
        "Conflict": _error("Already done, or not possible in the comment's present state."),
        "UnsupportedMediaType": _error("The body must be sent as application/json."),
        "TooLarge": _error("The request body is larger than the server accepts."),
    }


def _ok(schema: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": _ref(schema)}}}


def _response_refs(*names: str) -> dict[str, Any]:
    codes = {"BadRequest": "400", "Unauthorized": "401", "Forbidden": "403", "NotFound": "404",
             "Conflict": "409", "TooLarge": "413", "UnsupportedMediaType": "415"}
    return {codes[name]: {"$ref": f"#/components/responses/{name}"} for name in names}


def _param_refs(*names: str) -> list[dict[str, str]]:
    return [{"$ref": f"#/components/parameters/{name}"} for name in names]


# Operations ------------------------------------------------------------------------------------

READ_SECURITY: list[dict[str, list[str]]] = [{}, {"bearerAuth": []}]
WRITE_SECURITY: list[dict[str, list[str]]] = [{"bearerAuth": []}]


def _read(
    operation_id: str,
    summary: str,
    schema: str,
    parameters: tuple[str, ...],
    *,
    errors: tuple[str, ...] = ("Unauthorized", "NotFound"),
) -> dict[str, Any]:
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "security": READ_SECURITY,
            "parameters": _param_refs(*parameters),
            "responses": {"200": _ok(schema, summary), **_response_refs(*errors)},
        }
    }


def _write(
    operation_id: str,
    summary: str,
    body: schemas.Body | None,
    ok: dict[str, Any],
    parameters: tuple[str, ...],
) -> dict[str, Any]:
    # Any body a write carries must be JSON, even where the body is ignored (415).
    errors = ("BadRequest", "Unauthorized", "Forbidden", "NotFound", "Conflict",
              "UnsupportedMediaType")
    if body is not None:
        errors += ("TooLarge",)
    operation: dict[str, Any] = {
        "operationId": operation_id,
        "summary": summary,
        "security": WRITE_SECURITY,
        "parameters": _param_refs(*parameters),
        "responses": {**ok, **_response_refs(*errors)},
    }
    if body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {JSON: {"schema": _ref(body.name)}},
        }
    return operation


def _made(description: str) -> dict[str, Any]:
    return {
        "201": {
            **_ok("CommentWithReplies", description),
            "headers": {"Location": {"required": True, "schema": URL}},
        },
        "200": _ok(
            "CommentWithReplies",
            "The comment an earlier request with the same submission_key made.",
        ),
    }


def _paths() -> dict[str, Any]:
    listed = ("page", "per_page")
    version = ("slug", "number")
    paragraph = (*version, "position")
    thread = ("page", "per_page", "sort")
    with_bad_query = ("BadRequest", "Unauthorized", "NotFound")
    return {
        "/consultations": _read(
            "consultations", "Consultations with a published version, newest first.",
            "ConsultationList", listed, errors=("BadRequest", "Unauthorized"),
        ),
        "/consultations/{slug}": _read(
            "consultation", "One consultation and its published versions.", "Consultation",
            ("slug",),
        ),
        "/consultations/{slug}/versions": _read(
            "versions", "The published versions of a consultation, in order.", "VersionList",
            ("slug", *listed), errors=with_bad_query,
        ),
        "/consultations/{slug}/versions/{number}": _read(
            "version", "One version: its status, comment period and moderation.", "Version",
            version,
        ),
        "/consultations/{slug}/versions/{number}/paragraphs": _read(
            "paragraphs", "The paragraphs of a version, in order, with their counts.",
            "ParagraphList", (*version, *listed), errors=with_bad_query,
        ),
        "/consultations/{slug}/versions/{number}/paragraphs/{position}": _read(
            "paragraph", "One paragraph, with links to the paragraphs beside it.", "Paragraph",
            paragraph,
        ),
        "/consultations/{slug}/versions/{number}/paragraphs/{position}/comments": {
            **_read(
                "paragraph_comments",
                "The top-level comments on a paragraph: public ones, and the token owner's "
                "own awaiting moderation.",
                "CommentList", (*paragraph, *thread), errors=with_bad_query,
            ),
            "post": _write(
                "post_paragraph_comment",
                "Comment on the paragraph, or propose to amend, delete, or insert after it.",
                schemas.COMMENT, _made("The comment, published or pending moderation."),
                paragraph,
            ),
        },
        "/consultations/{slug}/versions/{number}/comments": {
            **_read(
                "general_comments", "The general comments on a version.", "CommentList",
                (*version, *thread), errors=with_bad_query,
            ),
            "post": _write(
                "post_general_comment", "Comment on the version as a whole.",
                schemas.GENERAL_COMMENT, _made("The comment, published or pending moderation."),
                version,
            ),
        },
        "/consultations/{slug}/versions/{number}/dispositions": _read(
            "dispositions",
            "Answered top-level comments, in the order of the text (general ones first).",
            "CommentList", (*version, *listed), errors=with_bad_query,
        ),
        "/consultations/{slug}/versions/{number}/statistics": _read(
            "statistics",
            "Public input per paragraph, stakeholder group, country and day, as the site's "
            "statistics page counts it.",
            "Statistics", version,
        ),
        "/comments/{comment_id}": _read(
            "comment", "One comment with the replies below it.", "CommentWithReplies",
            ("comment_id",),
        ),
        "/comments/{comment_id}/replies": {
            "post": _write(
                "post_reply", "Reply to a comment.", schemas.REPLY,
                _made("The reply, published or pending moderation."), ("comment_id",),
            )
        },
        "/comments/{comment_id}/endorsement": {
            "put": _write(
                "endorse", "Endorse a published comment (409 if already).", None,
                {"200": _ok("EndorsementState", "Endorsed.")}, ("comment_id",),
            ),
            "delete": _write(
                "withdraw_endorsement", "Withdraw one's endorsement (409 if there is none).",
                None, {"200": _ok("EndorsementState", "No longer endorsed.")}, ("comment_id",),
            ),
        },
    }


DESCRIPTION = """\
The consultations of consult, their versions, paragraphs, comments, dispositions and
statistics. Anyone may read; stakeholders with a confirmed account write with a personal
API token made on their profile page, sent as `Authorization: Bearer <token>`. The same
rules apply as on the site: comments are taken only while a version's period is open, and
under pre-moderation a new comment waits (status `pending`) until a moderator publishes it.

Lists are paginated with `page` and `per_page`; each answer has `meta` (page, per_page,
total, pages) and `links` (self, first, last, prev, next). Ids are stable; a paragraph's
`lineage_key` stays the same in every version of the text. Times are ISO 8601 in UTC.
Every error is `{"error": {"status": …, "message": …, "field": …}}`, `field` naming the part
of the request at fault when there is one. Messages follow `Accept-Language`.
"""


def document() -> dict[str, Any]:
    """The description, with this deployment's limits (built per request: they are config)."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "consult API", "version": "1", "description": DESCRIPTION},
        "servers": [{"url": "/api/v1"}],
        "paths": _paths(),
        "components": {
            "schemas": _schemas(),
            "parameters": _parameters(),
            "responses": _responses(),
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal API token, made on one's profile page.",
                }
            },
        },
    }
