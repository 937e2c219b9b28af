"""The live server and Chromium of the browser tests, for the double-click test here."""

from tests.e2e.conftest import browser_page, live_server  # noqa: F401
