"""What the live plan is made of: the logs the compiled segments read, the rankings
they compare with cut-offs, and each segment's plan."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from segdsl.semantic import ir
from segdsl.tools.live.forms import Fn
from segdsl.tools.live.times import span_days


@dataclass
class LogSpec:
    """One log: the events of ``event`` that pass ``where``, with ``fields`` kept."""

    id: int
    event: str
    is_date: bool
    where: Callable[[dict[str, Any]], bool] | None
    fields: list[str] = field(default_factory=list)  # columns kept per event
    spans: list[ir.Duration] = field(default_factory=list)  # windows that read it
    unwindowed: bool = False  # an aggregate without a window reads it: keep a summary
    keep_all: bool = False  # a sequence without a window reads it: never fold
    distinct: list[bool] = field(default_factory=list)  # per field: a set in the summary
    summed: set[int] = field(default_factory=set)  # fields a `sum` reads (polarity.py)

    def field_index(self, column: str) -> int:
        if column not in self.fields:
            self.fields.append(column)
            self.distinct.append(False)
        return self.fields.index(column)

    horizon: dt.timedelta | None = None  # set by :meth:`finish`

    distinct_flags: tuple[bool, ...] = ()  # ``distinct`` as a tuple, set by :meth:`finish`

    def finish(self) -> None:
        self.horizon = self._horizon()
        self.distinct_flags = tuple(self.distinct)

    def _horizon(self) -> dt.timedelta | None:
        """Events older than the clock minus this can be folded; None: never."""
        if self.keep_all:
            return None
        days = max((span_days(d) for d in self.spans), default=0) + (1 if self.is_date else 0)
        return dt.timedelta(days=days)


@dataclass
class RankSpec:
    id: int
    entity: str
    node: ir.Rank
    by: Fn
    per: str | None
    text: str


@dataclass
class SegmentPlan:
    name: str
    entity: str
    mode: str  # "exact", "batch cut-offs", "not live"
    reason: str
    fn: Fn | None = None
    kinds: frozenset[str] = frozenset()
    ranks: tuple[int, ...] = ()
    logs: frozenset[int] = frozenset()  # the logs it reads
    # a top-level `and`: the logs each of its parts reads (see LiveEvaluator: a part
    # that held the segment false and reads none of an event's logs keeps it false)
    part_logs: tuple[frozenset[int], ...] = ()
    # the logs into which one more event may turn the segment false (``not_up``) or
    # true (``not_down``), per case of the event (polarity.py: [0] in general, [RISING]
    # when every summed value of the event is not negative, [SETTLED] when every log it
    # goes into held an event before, [RISING | SETTLED] both; an event into none of
    # them cannot flip the answer)
    not_up: tuple[frozenset[int], ...] = (frozenset(),) * 4
    not_down: tuple[frozenset[int], ...] = (frozenset(),) * 4
    bit: int = 0  # 1 << its place among the evaluator's segments (Profile.members)


def fingerprint(segments: Iterable[ir.Segment], logs: Iterable[LogSpec]) -> str:
    """What a state file is written for: the segments' rules and the logs they read."""
    h = hashlib.sha256()
    for s in segments:
        h.update(f"{s.name}\x00{s.entity}\x00{s.cond!r}\n".encode())
    for spec in logs:
        h.update(f"{spec.id}\x00{spec.event}\x00{spec.fields}\n".encode())
    return h.hexdigest()[:16]
