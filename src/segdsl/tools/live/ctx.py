"""The context a compiled segment runs in, and the marks that time-dependent parts
leave on it: the next instant after ``T`` at which their answer can change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from segdsl.semantic.ir import Duration
from segdsl.semantic.timecalc import UTC
from segdsl.tools.live.state import Log
from segdsl.tools.live.times import (
    EPSILON,
    FAR_FUTURE,
    ONE_DAY,
    local_midnight,
    next_change,
    today_in,
)


class Ctx:
    """One profile at one instant. ``cache`` holds each aggregate's (value, wake) for
    this instant; ``wake`` is lowered by every time-dependent part looked at."""

    __slots__ = (
        "attrs",
        "blocked",
        "cache",
        "cutoffs",
        "key",
        "logs",
        "now",
        "today",
        "wake",
        "zone",
    )

    def __init__(
        self,
        key: Any,
        attrs: dict[str, Any],
        logs: dict[int, Log],
        now: dt.datetime,
        cutoffs: dict[int, dict[Any, Any]],
        zone: str = UTC,
        today: dt.date | None = None,
    ) -> None:
        self.zone = zone
        self.cache: dict[int, tuple[Any, dt.datetime]] = {}
        self.wake = FAR_FUTURE
        self.blocked = -1  # the part of a top-level `and` found false (-1: none)
        # date(T) in the project's zone (given by the evaluator, which keeps the last)
        self.reset(key, attrs, logs, now, cutoffs, today_in(now, zone) if today is None else today)

    def reset(
        self,
        key: Any,
        attrs: dict[str, Any],
        logs: dict[int, Log],
        now: dt.datetime,
        cutoffs: dict[int, dict[Any, Any]],
        today: dt.date,
    ) -> None:
        """The context of another profile or instant (one context serves every
        evaluation of an evaluator, rather than one made for each)."""
        self.key = key
        self.attrs = attrs
        self.logs = logs
        self.now = now
        self.today = today
        self.cutoffs = cutoffs
        if self.cache:
            self.cache = {}

    def midnight(self, day: dt.date) -> dt.datetime:
        """The instant ``day`` starts in the project's zone."""
        return local_midnight(day, self.zone)

    def mark(self, instant: dt.datetime) -> None:
        if self.now < instant < self.wake:
            self.wake = instant

    def mark_stamp(self, stamp: dt.datetime | dt.date) -> None:
        """Marks the instant ``stamp`` is reached: a time, or a day's start in the zone."""
        self.mark(stamp if isinstance(stamp, dt.datetime) else self.midnight(stamp))

    def mark_at(self, instant: dt.datetime | None) -> None:
        if instant is not None and self.now < instant < self.wake:
            self.wake = instant


FIXED = {"day": 1, "week": 7}


def mark_compare(ctx: Ctx, x: Any, d: Duration, on_date: bool, which: str = "both") -> None:
    """``x`` compared with ``T − d`` (or ``date(T) − d``): marks the next instant at
    which their order can change. ``which`` says which change the comparison sees:
    ``meet`` (``T − d`` reaches ``x``: ``<=``, ``>``), ``pass`` (it passes ``x``:
    ``<``, ``>=``) or ``both`` (``=``); with calendar months, always both."""
    days = FIXED.get(d.unit)
    if days is not None and which != "both":
        span = dt.timedelta(days=days * d.amount)
        meet = which == "meet"
        if on_date:
            day = x.date() if isinstance(x, dt.datetime) else x
            ctx.mark(ctx.midnight((day if meet else day + ONE_DAY) + span))
        elif isinstance(x, dt.datetime):
            ctx.mark((x if meet else x + EPSILON) + span)
        else:  # a date met by a timestamp: compared on the calendar day in the zone
            ctx.mark(ctx.midnight(x if meet else x + ONE_DAY) + span)
        return
    if on_date:
        day = x.date() if isinstance(x, dt.datetime) else x
        ctx.mark_at(next_change(ctx.now, day, d, ctx.zone))
    elif isinstance(x, dt.datetime):
        ctx.mark_at(next_change(ctx.now, x, d, ctx.zone))
    else:  # a date met by a timestamp: compared on the calendar day in the zone
        ctx.mark_at(next_change(ctx.now, ctx.midnight(x), d, ctx.zone))
        ctx.mark_at(next_change(ctx.now, ctx.midnight(x + ONE_DAY), d, ctx.zone))


def mark_in_last(ctx: Ctx, x: Any, d: Duration) -> None:
    """``T − d < x ≤ T``: enters when ``T`` reaches ``x``, leaves when ``T − d`` does."""
    ctx.mark_stamp(x)
    ctx.mark_at(next_change(ctx.now, x, d, ctx.zone))


def cached(slot: int, compute: Callable[[Ctx], Any]) -> Callable[[Ctx], Any]:
    """``compute`` looked at once per profile and instant: its value and the wake it
    marks are kept in ``ctx.cache[slot]``; a later call gets the value and lowers the
    wake as the first did."""

    def value_of(ctx: Ctx) -> Any:
        hit = ctx.cache.get(slot)
        if hit is not None:
            value, wake = hit
            if wake < ctx.wake:
                ctx.wake = wake
            return value
        saved = ctx.wake
        ctx.wake = dt.datetime.max
        value = compute(ctx)
        wake = ctx.wake
        ctx.cache[slot] = (value, wake)
        ctx.wake = wake if wake < saved else saved
        return value

    return value_of
