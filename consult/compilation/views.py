"""The compilation of comments, the report on how inputs were addressed, statistics."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("compilation", __name__)
