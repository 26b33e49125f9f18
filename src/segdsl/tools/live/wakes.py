"""The profiles waiting for time to pass: the instants at which one wakes, in order,
and the profiles queued at each instant (in the order of entity and key when several
wake together, so that the changes come in the same order after a restart).

A calendar queue: instants are kept in buckets by hour; a small heap orders the hours,
and only the earliest hour's instants are in a heap of their own (``head``). A heap of
every instant (one per profile waiting, 100,000 and more) cost a pop and a push
each a score of comparisons between datetimes scattered over memory — each one a cache
miss — and was the dearest step of waking a profile; an hour's instants are made a
heap once, when that hour comes, while they are close at hand.
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

    Invariant: ``head`` holds the instants of every hour up to ``head_hour`` (a heap)
    and ``head_at`` their profiles; ``later`` holds, per hour after it, its instants
    and their profiles, and ``hours`` is a heap of those hours. (No dict of every
    instant: a lookup in one as large as the queue is a cache miss; an hour's is small
    and close at hand.)"""

    __slots__ = ("head", "head_at", "head_hour", "hours", "later", "size")

    head: list[dt.datetime]
    head_at: dict[dt.datetime, list[Profile]]
    head_hour: int  # -1: no hour is in the head yet
    later: dict[int, dict[dt.datetime, list[Profile]]]
    hours: list[int]
    size: int  # instants queued

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.head = []
        self.head_at = {}
        self.head_hour = -1
        self.later = {}
        self.hours = []
        self.size = 0

    def push(self, p: Profile, wake: dt.datetime) -> None:
        hour = hour_of(wake)
        if hour <= self.head_hour:
            found = self.head_at.get(wake)
            if found is None:
                self.head_at[wake] = [p]
                heapq.heappush(self.head, wake)
                self.size += 1
            else:
                found.append(p)
            return
        bucket = self.later.get(hour)
        if bucket is None:
            self.later[hour] = {wake: [p]}
            heapq.heappush(self.hours, hour)
            self.size += 1
            return
        found = bucket.get(wake)
        if found is None:
            bucket[wake] = [p]
            self.size += 1
        else:
            found.append(p)

    def _first(self) -> dt.datetime | None:
        """The earliest queued instant (the next hour's instants moved into the head
        when the head is empty)."""
        head = self.head
        if not head:
            if not self.hours:
                return None
            hour = heapq.heappop(self.hours)
            self.head_at = self.later.pop(hour)
            head = self.head = list(self.head_at)
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
        found = self.head_at.pop(wake)
        self.size -= 1
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
        return self.size


_ORDER = operator.attrgetter("entity", "order")  # a sort key without a Python call
