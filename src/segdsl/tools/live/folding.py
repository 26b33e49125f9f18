"""Keeping a profile's state short: events that no window reaches any more are folded
into their log's summary (or dropped), and event ids older than the dedup window are
forgotten. Neither changes an answer (state.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from segdsl.tools.live.specs import LogSpec
from segdsl.tools.live.state import Log, Profile, Stamp
from segdsl.tools.live.times import ONE_DAY


def fold_edge(t: dt.datetime, is_date: bool, zone: str) -> Stamp:
    """The last stamp a log may fold when its horizon reaches back to ``t``."""
    if not is_date:
        return t
    # a day earlier than T's date in any zone: folding keeps at least the horizon
    return (t - ONE_DAY).date() if zone != "UTC" else t.date()


def fold_upto(log: Log, spec: LogSpec, edge: Stamp) -> None:
    """Fold the log's events stamped at or before ``edge`` (from :func:`fold_edge`)."""
    if log.ts and log.ts[0] <= edge:
        log.fold(edge, spec.unwindowed, spec.distinct_flags)


def fold_logs(p: Profile, now: dt.datetime, specs: Iterable[LogSpec], zone: str) -> None:
    """Fold each of ``specs``'s logs of the profile up to its horizon before ``now``."""
    logs = p.logs
    for spec in specs:
        horizon = spec.horizon
        if horizon is None:
            continue
        log = logs.get(spec.id)
        if log is not None:
            fold_upto(log, spec, fold_edge(now - horizon, spec.is_date, zone))


def prune_ids(p: Profile, edge: dt.datetime) -> None:
    """Forget the profile's event ids seen at or before ``edge``."""
    ids = p.ids
    for k in [k for k, s in ids.items() if s <= edge]:
        del ids[k]
