"""Downloads of a version's text: Markdown, HTML, DOCX, PDF, Akoma Ntoso, and redlines."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, request
from flask_login import current_user

from consult.drafts import service as drafts
from consult.errors import NotFound
from consult.exports import text

blueprint = Blueprint("exports", __name__)

# The extension in the address, and the format it asks for.
EXTENSIONS = {"md": "md", "html": "html", "docx": "docx", "pdf": "pdf", "xml": "akn"}


def _viewer():
    return current_user if current_user.is_authenticated else None


def content_disposition(name: str, inline: bool = False) -> str:
    """attachment (or inline) with an ASCII filename, plus RFC 5987 filename* when the
    name has letters beyond ASCII (an Arabic label, a Chinese title)."""
    plain = text.ascii_name(name)
    value = f'{"inline" if inline else "attachment"}; filename="{plain}"'
    if plain != name:
        value += f"; filename*=UTF-8''{quote(name, safe='')}"
    return value


@blueprint.route("/c/<slug>/v/<int:number>/export.<any(md, html, docx, pdf, xml):extension>")
def version_text(slug: str, number: int, extension: str) -> Response:
    """The consolidated text of a version in one format.

    ?lang= names the document's language (English by default): it sets the direction, the
    date and the page words. Drafts only for the secretariat (get_version raises NotFound).
    """
    version = drafts.get_version(slug, number, _viewer())
    try:
        language = text.check_language(request.args.get("lang"))
    except ValueError as error:
        raise NotFound() from error
    export = text.formats()[EXTENSIONS[extension]]
    paragraphs = drafts.version_paragraphs(version)
    # Markdown, HTML and AKN stream out as they are written. Their generators read only
    # what is loaded here, so they need no request context once the response has started.
    body = export.render(version, paragraphs, language=language)
    response = Response(body, content_type=export.media_type)
    name = text.download_name(version, export.extension)
    response.headers["Content-Disposition"] = content_disposition(name, inline=export.inline)
    if not version.is_published:
        response.headers["Cache-Control"] = "private, no-store"
    return response
