"""Which way one more event can move a segment: the rule by which ``apply_event``
leaves alone a segment that the event cannot flip.

For each log a segment reads, its *polarity* says what inserting one event into that
log does to the segment's answer at every instant from now on: ``UP`` (it can only
become true, never false: ``count(purchase in last 90 days) >= 3``), ``DOWN`` (it can
only become false: ``did not purchase in last 14 days``) or ``BOTH`` (either: an
average, a ratio, ``= k``, a window between two ages). A segment that is in and only
rises with every log the event went into stays in — and a segment that is out and only
falls stays out — so it is not evaluated. Its wake stays valid too: the event can only
postpone the instant at which time alone changes the answer, so the segment is looked
at again then (a wake that finds nothing to do is harmless; a late one would not be).

Missing values take part: over no events ``min``, ``max``, ``first`` and ``last`` are
missing, and one more event can make them present — a comparison with a missing value
is false, so a present value can only turn it true: such a value keeps ``UP`` but loses
``DOWN``. The time of the first or last event of all (no window) is missing only while
the log has never held an event: into a log that has (*settled*), one more event moves
it without making it appear, and it keeps ``DOWN`` too (``last(purchase) before 180
days ago``: ``DOWN`` for a customer who has bought before, ``BOTH`` for a first buyer,
who may now enter when 180 days have passed). ``sum`` rises with an event whose value
is not negative (its value is checked when the event comes: :attr:`Polarity.summed`),
``count`` and ``count distinct`` always.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from segdsl.semantic import ir

UP, DOWN, BOTH = 1, -1, 0
Signs = dict[int, int]  # log id -> UP | DOWN | BOTH; a log not read is absent
LogId = Callable[[str, "ir.Cond | None"], int]

# order comparisons: the sign a rising left side gives the answer
_ORDER = {">": UP, ">=": UP, "<": DOWN, "<=": DOWN}
_MIRROR = {">": "<", ">=": "<=", "<": ">", "<=": ">=", "=": "="}


# the cases an event can be in, each a number: RISING (every summed value of the event
# is not negative) | SETTLED (every log it goes into held an event before)
RISING, SETTLED = 1, 2
CASES = range(4)


@dataclass
class Polarity:
    """A segment's polarity per log in each case of an event (``cases[RISING |
    SETTLED]``; ``cases[0]``: in general); ``summed`` holds, per log, the fields that a
    ``sum`` reads (checked for sign when an event comes)."""

    cases: tuple[Signs, ...]
    summed: dict[int, set[int]] = field(default_factory=dict)


def _sign(c: object) -> int:
    if isinstance(c, bool) or not isinstance(c, int | float | Decimal):
        return BOTH
    return UP if c > 0 else DOWN if c < 0 else BOTH


def _merge(a: Signs, b: Signs) -> Signs:
    out = dict(a)
    for k, s in b.items():
        out[k] = s if out.get(k, s) == s else BOTH
    return out


def _flip(a: Signs) -> Signs:
    return {k: -s for k, s in a.items()}


def _scale(a: Signs, sign: int) -> Signs:
    return {k: s * sign for k, s in a.items()}


class _Walk:
    def __init__(self, log_id: LogId, field_index: Callable[[int, str], int], case: int):
        self.log_id = log_id
        self.field_index = field_index
        self.sums_rise = bool(case & RISING)
        self.settled = bool(case & SETTLED)
        self.summed: dict[int, set[int]] = {}

    def reads(self, node: ir.Cond | ir.Value) -> Signs:
        """Every log read under ``node``, each ``BOTH``."""
        out: Signs = {}
        for n in ir.walk(node, per_event=False):  # into measures and segments too
            if isinstance(n, ir.Aggregate):
                out[self.log_id(n.event, n.where)] = BOTH
            elif isinstance(n, ir.Sequence):
                out[self.log_id(n.first, n.first_where)] = BOTH
                out[self.log_id(n.second, n.second_where)] = BOTH
        return out

    # values: (signs, may_appear) — may_appear: one more event can make a missing value present
    def value(self, v: ir.Value) -> tuple[Signs, bool]:
        if isinstance(v, ir.MeasureRef):
            return self.value(v.expr)
        if isinstance(v, ir.Const | ir.Attr | ir.Ago):
            return {}, False
        if isinstance(v, ir.Neg):
            signs, appear = self.value(v.operand)
            return _flip(signs), appear
        if isinstance(v, ir.Aggregate):
            log = self.log_id(v.event, v.where)
            func = v.func
            if func in ("count", "count_distinct"):
                return {log: UP}, False
            if func == "sum" and v.field is not None:
                self.summed.setdefault(log, set()).add(self.field_index(log, v.field.column))
                return {log: UP if self.sums_rise else BOTH}, False
            if v.field is None and func in ("first", "last"):  # the time of an event
                # over every event: missing only while the log has held none
                whole = v.window is None and v.until is None and v.period is None
                return {log: DOWN if func == "first" else UP}, not (self.settled and whole)
            if func in ("min", "max") and v.field is not None:
                return {log: DOWN if func == "min" else UP}, True
            return {log: BOTH}, True
        if isinstance(v, ir.Arith) and v.op in ("+", "-", "*"):
            left, la = self.value(v.left)
            right, ra = self.value(v.right)
            if v.op == "-":
                right = _flip(right)
            elif v.op == "*":  # by a constant only: its sign scales the other side
                if isinstance(v.left, ir.Const):
                    return _scale(right, _sign(v.left.value)), ra
                if isinstance(v.right, ir.Const):
                    return _scale(left, _sign(v.right.value)), la
                return _scale(_merge(left, right), BOTH), True
            return _merge(left, right), la or ra
        return self.reads(v), True

    def cond(self, c: ir.Cond) -> Signs:
        if isinstance(c, ir.And | ir.Or):
            out: Signs = {}
            for item in c.items:
                out = _merge(out, self.cond(item))
            return out
        if isinstance(c, ir.Not):
            return _flip(self.cond(c.operand))
        if isinstance(c, ir.InSegment):
            return self.cond(c.cond)
        if isinstance(c, ir.Compare) and c.op in _MIRROR:
            left, right = c.left, c.right
            op: str = c.op
            lsigns, lappear = self.value(left)
            rsigns, rappear = self.value(right)
            if lsigns and rsigns:
                return _scale(_merge(lsigns, rsigns), BOTH)
            if rsigns:  # the logs are read on the right: mirror
                lsigns, lappear, op = rsigns, rappear, _MIRROR[op]
            sign = _ORDER.get(op, BOTH)
            out = _scale(lsigns, sign)
            if lappear:  # missing → present can only turn a comparison true
                out = {k: (s if s == UP else BOTH) for k, s in out.items()}
            return out
        if isinstance(c, ir.Sequence):
            first = self.log_id(c.first, c.first_where)
            second = self.log_id(c.second, c.second_where)
            if first == second:
                return {first: UP if not c.absent else BOTH}
            return {first: UP, second: DOWN if c.absent else UP}
        return self.reads(c)


def polarity(cond: ir.Cond, log_id: LogId, field_index: Callable[[int, str], int]) -> Polarity:
    """The polarity of a segment's condition per log it reads (see the module's text)."""
    walks = [_Walk(log_id, field_index, case) for case in CASES]
    cases = tuple(walk.cond(cond) for walk in walks)
    return Polarity(cases, walks[RISING].summed)
