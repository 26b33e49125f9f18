"""Counts of the cross-engine comparisons made by tests/engines, for the summary line
that tests/conftest.py prints at the end of the run."""

from __future__ import annotations

from collections import Counter

# engine → number of (segment, as-of instant) results compared with DuckDB and the oracle
COMPARISONS: Counter[str] = Counter()
# engine → segments refused with S001 (a construct the engine cannot express)
REFUSED: dict[str, set[str]] = {}


def summary() -> str | None:
    if not COMPARISONS:
        return None
    total = sum(COMPARISONS.values())
    parts = ", ".join(f"{engine} {n}" for engine, n in sorted(COMPARISONS.items()))
    line = f"engine matrix: {total} segment × engine comparisons ({parts})"
    refused = {e: len(s) for e, s in sorted(REFUSED.items()) if s}
    if refused:
        line += "; refused with S001: " + ", ".join(f"{e} {n}" for e, n in refused.items())
    return line
