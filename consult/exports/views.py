"""Downloads of a version's text: Markdown, HTML, DOCX, PDF, Akoma Ntoso, and redlines."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("exports", __name__)
