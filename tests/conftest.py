"""Fixtures and the Hypothesis profile. What tests share otherwise is in tests/helpers.py."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from tests.helpers import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium, headless, driven by Playwright."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every Hypothesis test is also marked ``fuzz``: .ci/run runs them again with a larger budget
    (``KETACALC_FUZZ_EXAMPLES=150 pytest -m "slow or fuzz"``)."""
    for item in items:
        function = getattr(item, "function", None)
        if getattr(function, "is_hypothesis_test", False):
            item.add_marker(pytest.mark.fuzz)


# One Hypothesis profile for every property and fuzz test: a small budget by default (the default
# run is a developer's loop); KETACALC_FUZZ_EXAMPLES raises it (docs/robustness.md).
settings.register_profile(
    "ketacalc",
    max_examples=int(os.environ.get("KETACALC_FUZZ_EXAMPLES", "30")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile("ketacalc")
