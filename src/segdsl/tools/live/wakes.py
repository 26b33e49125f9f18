"""The profiles waiting for time to pass: the instants at which one wakes, in order,
and the profiles queued at each instant (in the order of entity and key when several
wake together, so that the changes come in the same order after a restart).

A calendar queue: instants are kept in buckets by hour; a small heap orders the hours,
and only the earliest hour's instants are in a heap of their own (``head``). A heap of
every instant (one per profile waiting, 100,000 and more) cost a pop and a push
each a score of comparisons between datetimes scattered over memory — each one a cache
miss — and was the dearest step of waking a profile; an hour's few hundred instants are
sorted once, while they are close at hand.
"""

from __future__ import annotations

import datetime as dt
import heapq
import operator
from collections.abc import Iterable

from segdsl.tools.live.state import Profile


def hour_of(t: dt.datetime) -> int:
    """The hour an instant falls in, as a whole number (hours since 0001-01-01)."""
    return t.toordinal() * 24 + t.hour


class WakeQueue:
    """A profile is queued under the instant in ``Profile.queued``; an entry under
    another instant (the profile was queued again since) is stale and passed over by
    the caller. Each instant is held once.

    Invariant: ``head`` holds the instants of every hour up to ``head_hour`` (a heap);
    ``later`` holds, per hour after it, its instants (unordered), and ``hours`` is a
    heap of those hours."""

    __slots__ = ("head", "head_hour", "hours", "later", "queued")

    def __init__(self) -> None:
        self.queued: dict[dt.datetime, list[Profile]] = {}
        self.head: list[dt.datetime] = []
        self.head_hour = -1  # no hour is in the head yet
        self.later: dict[int, list[dt.datetime]] = {}
        self.hours: list[int] = []

    def clear(self) -> None:
        self.queued = {}
        self.head = []
        self.head_hour = -1
        self.later = {}
        self.hours = []

    def push(self, p: Profile, wake: dt.datetime) -> None:
        found = self.queued.get(wake)
        if found is not None:
            found.append(p)
            return
        self.queued[wake] = [p]
        hour = hour_of(wake)
        if hour <= self.head_hour:
            heapq.heappush(self.head, wake)
            return
        bucket = self.later.get(hour)
        if bucket is None:
            self.later[hour] = [wake]
            heapq.heappush(self.hours, hour)
        else:
            bucket.append(wake)

    def _first(self) -> dt.datetime | None:
        """The earliest queued instant (the next hour's instants moved into the head
        when the head is empty)."""
        head = self.head
        if not head:
            if not self.hours:
                return None
            hour = heapq.heappop(self.hours)
            head = self.head = self.later.pop(hour)
            heapq.heapify(head)
            self.head_hour = hour
        return head[0]

    def next_due(self, instant: dt.datetime, inclusive: bool) -> dt.datetime | None:
        """The earliest queued instant at or before ``instant`` (before it unless
        ``inclusive``), or None."""
        first = self.head[0] if self.head else self._first()
        if first is not None and (first <= instant if inclusive else first < instant):
            return first
        return None

    def pop(self) -> tuple[dt.datetime, list[Profile]]:
        """The earliest instant and the profiles queued at it, in entity and key order
        (after :meth:`next_due` found one)."""
        wake = heapq.heappop(self.head)
        found = self.queued.pop(wake)
        if len(found) > 1:
            found.sort(key=_ORDER)
        return wake, found

    def rebuild(self, profiles: Iterable[Profile]) -> None:
        """Every profile queued at its earliest wake (after a restart)."""
        self.clear()
        for p in profiles:
            w = p.queued = p.wake()
            if w is not None:
                self.push(p, w)

    def __len__(self) -> int:
        """How many instants are queued."""
        return len(self.queued)


_ORDER = operator.attrgetter("entity", "order")  # a sort key without a Python call
