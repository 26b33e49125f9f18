"""Python's garbage collector, set for a process that holds live state.

A live evaluator keeps every profile's state for the life of the process: millions of
small lists, dicts and tuples that never become garbage and make no reference cycles.
CPython's full collection walks every one of them each time the objects that survived
younger collections have grown by a quarter — on the benchmark's 100,000 profiles, 18
full collections of about a third of a second each in a replay of 300,000 events whose
loaded state had never been collected (1.10× against state collected once:
docs/benchmarks.md). ``hold_state`` moves what exists now out of the collector's sight
(``gc.freeze``: loaded state is not garbage) and runs full collections a hundred times
less often; young objects are collected as before, so short-lived cycles still go.

``segdsl stream`` and ``segdsl serve`` call it once their state is loaded; a program
using :class:`~segdsl.tools.live.LiveEvaluator` in-process may call it too (it changes
the settings of the whole process, so it is never called behind a caller's back).
"""

from __future__ import annotations

import gc

# full collections: after this many collections of the middle generation (CPython's
# default is 10)
RARE_FULL = 1000


def hold_state() -> tuple[int, int, int]:
    """Freeze what exists now and make full collections rare; answers the previous
    thresholds (for :func:`release_state`)."""
    before = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(before[0], before[1], RARE_FULL)
    return before


def release_state(before: tuple[int, int, int]) -> None:
    """Undo :func:`hold_state`: the thresholds of before, frozen objects seen again."""
    gc.set_threshold(*before)
    gc.unfreeze()
