"""The profiles waiting for time to pass: a heap of the instants at which one wakes,
and the profiles queued at each instant (in the order of entity and key when several
wake together, so that the changes come in the same order after a restart)."""

from __future__ import annotations

import datetime as dt
import heapq
import operator
from collections.abc import Iterable

from segdsl.tools.live.state import Profile


class WakeQueue:
    """A profile is queued under the instant in ``Profile.queued``; an entry under
    another instant (the profile was queued again since) is stale and passed over by
    the caller. The heap holds each instant once, so it stays as small as the number
    of distinct instants, and compares datetimes only."""

    __slots__ = ("heap", "queued")

    def __init__(self) -> None:
        self.heap: list[dt.datetime] = []
        self.queued: dict[dt.datetime, list[Profile]] = {}

    def push(self, p: Profile, wake: dt.datetime) -> None:
        found = self.queued.get(wake)
        if found is None:
            self.queued[wake] = [p]
            heapq.heappush(self.heap, wake)
        else:
            found.append(p)

    def next_due(self, instant: dt.datetime, inclusive: bool) -> dt.datetime | None:
        """The earliest queued instant at or before ``instant`` (before it unless
        ``inclusive``), or None."""
        heap = self.heap
        if heap and (heap[0] <= instant if inclusive else heap[0] < instant):
            return heap[0]
        return None

    def pop(self) -> tuple[dt.datetime, list[Profile]]:
        """The earliest instant and the profiles queued at it, in entity and key order."""
        wake = heapq.heappop(self.heap)
        found = self.queued.pop(wake)
        if len(found) > 1:
            found.sort(key=_ORDER)
        return wake, found

    def rebuild(self, profiles: Iterable[Profile]) -> None:
        """Every profile queued at its earliest wake (after a restart)."""
        self.queued = {}
        for p in profiles:
            w = p.queued = p.wake()
            if w is not None:
                self.queued.setdefault(w, []).append(p)
        self.heap = list(self.queued)
        heapq.heapify(self.heap)


_ORDER = operator.attrgetter("entity", "order")  # a sort key without a Python call
