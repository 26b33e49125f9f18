"""scikit-learn is the `suggest` extra: tests that need it skip without it locally, and
fail when ``SEGDSL_REQUIRE_ENGINES=1`` (CI installs every extra)."""

from __future__ import annotations

import importlib.util
import os

import pytest


def require_sklearn() -> None:
    if importlib.util.find_spec("sklearn") is not None:
        return
    if os.environ.get("SEGDSL_REQUIRE_ENGINES") == "1":
        pytest.fail("scikit-learn is required here (SEGDSL_REQUIRE_ENGINES=1)")
    pytest.skip(
        "scikit-learn is not installed (pip install 'segdsl[suggest]')", allow_module_level=True
    )
