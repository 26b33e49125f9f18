"""The two builds of the live evaluator (hatch_build.py): pure Python by default, the
listed modules compiled with mypyc under ``SEGDSL_COMPILE=1``; and the collector
settings of a process holding live state (collector.py).

CI runs tests/live twice: on the editable pure-Python install, and on a wheel built
with ``SEGDSL_COMPILE=1`` with ``SEGDSL_EXPECT_COMPILED=1`` set — so the same parity
tests prove both builds, and this file proves which build each run used.
"""

from __future__ import annotations

import gc
import importlib
import os
import tomllib
from pathlib import Path

from segdsl.tools.live.collector import RARE_FULL, hold_state, release_state

ROOT = Path(__file__).resolve().parents[2]
LIVE = ROOT / "src" / "segdsl" / "tools" / "live"


def compiled_list() -> list[str]:
    """The modules ``SEGDSL_COMPILE=1`` compiles (pyproject.toml, the build hook's table)."""
    with (ROOT / "pyproject.toml").open("rb") as f:
        hook = tomllib.load(f)["tool"]["hatch"]["build"]["targets"]["wheel"]["hooks"]["custom"]
    return list(hook["compiled"])


def test_the_compiled_list_names_live_modules_and_leaves_out_optional_imports() -> None:
    names = compiled_list()
    assert names == sorted(names) and len(set(names)) == len(names)
    for name in names:
        assert (LIVE / f"{name}.py").is_file(), name
    # modules that import an optional extra (starlette, uvicorn, pyspark) stay Python:
    # compiling them would need those packages at build time
    for name in ("server", "webhook", "spark", "backfill"):
        assert name not in names


def test_each_run_uses_the_build_it_expects() -> None:
    expected = os.environ.get("SEGDSL_EXPECT_COMPILED", "") not in ("", "0")
    for name in compiled_list():
        module = importlib.import_module(f"segdsl.tools.live.{name}")
        path = module.__file__ or ""
        assert path.endswith(".py") is not expected, (name, path)


def test_hold_state_freezes_and_makes_full_collections_rare() -> None:
    before = gc.get_threshold()
    try:
        kept = [[i] for i in range(1000)]  # long-lived state
        previous = hold_state()
        assert previous == before
        assert gc.get_threshold() == (before[0], before[1], RARE_FULL)
        assert gc.get_freeze_count() >= len(kept)
        # young cycles are still collected
        cycle: list[object] = []
        cycle.append(cycle)
        del cycle
        assert gc.collect(0) + gc.collect(1) >= 1
    finally:
        release_state(before)
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
