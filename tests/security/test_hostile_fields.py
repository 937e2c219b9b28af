"""consult.fields: what is kept of a text, wherever it arrives."""

from __future__ import annotations

import io

import pytest
from flask import Flask, request

from consult.fields import clean


@pytest.mark.parametrize(("sent", "kept"), [
    ("a\r\nb\rc\nd", "a\nb\nc\nd"),
    ("NUL\x00bell\x07esc\x1b[0m", "NULbellesc[0m"),
    ("tab\tstays", "tab\tstays"),
    ("lone \ud800 \udfff", "lone  "),
    ("\ufffe\uffff\ufffd", "\ufffd"),
    ("\u202eRTL\u200b\u200d\ufeff e\u0301 👩‍💻 مرحبا 中文 Кириллица",
     "\u202eRTL\u200b\u200d\ufeff e\u0301 👩‍💻 مرحبا 中文 Кириллица"),
    (None, ""),
])
def test_clean_keeps_writing_and_drops_what_cannot_be_stored(sent, kept):
    assert clean(sent) == kept


def test_forms_and_query_strings_arrive_cleaned_and_files_untouched(app: Flask):
    with app.test_request_context(
        "/?q=a%00b%0D%0Ac&page=1%07", method="POST",
        data={"body": "x\x07y\r\nz", "file": (io.BytesIO(b"\x00\x07raw"), "a.txt")},
    ):
        assert request.args["q"] == "ab\nc" and request.args["page"] == "1"
        assert request.form["body"] == "xy\nz"
        assert request.files["file"].read() == b"\x00\x07raw"


def test_an_address_with_a_control_character_is_not_found(client, version):
    assert client.get("/c/wsis20%00").status_code == 404
    assert client.get("/c/wsis20%07/v/1").status_code == 404
