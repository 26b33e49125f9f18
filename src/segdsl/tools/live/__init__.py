"""Live segments: a profile's memberships kept up to date as its attributes and events
arrive, with the answer of a batch evaluation at the same instant (language.md §16).

>>> from segdsl.tools.live import LiveEvaluator
>>> live = LiveEvaluator(segdsl.load_project("examples/retail"))
>>> live.apply_attributes(7, {"age": 31, "country": "DE"})
>>> live.apply_event("purchase", 7, "2026-06-01T10:00:00Z", {"amount": 42, "status": "paid"})
>>> live.advance(dt.datetime(2026, 9, 1))   # time alone: windows move, changes come out
"""

from segdsl.tools.live.changes import Change
from segdsl.tools.live.evaluator import LiveEvaluator
from segdsl.tools.live.forms import NotLive
from segdsl.tools.live.specs import SegmentPlan

__all__ = ["Change", "LiveEvaluator", "NotLive", "SegmentPlan"]
