"""Fixtures of the web layer's tests: settings a test module or test adds to the
application's (parametrize app_config_extra indirectly), and the browser of tests/e2e."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from consult.extensions import limiter
from tests.e2e.conftest import browser_page, live_server  # noqa: F401  (fixtures)


@pytest.fixture
def app_config_extra(request: pytest.FixtureRequest) -> Iterator[dict[str, Any]]:
    extra = getattr(request, "param", {})
    yield extra
    if "RATELIMIT_DEFAULT" in extra:
        # The limiter is one object for every application: its default limits would
        # outlive this test's application.
        limiter.limit_manager.set_default_limits([])


@pytest.fixture
def app_config(app_config: dict[str, Any], app_config_extra: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, **app_config_extra}
