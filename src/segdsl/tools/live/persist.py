"""The evaluator's state as compact JSON, and the state file written atomically.

Times are whole seconds since 1970 where they have no fraction of a second (ISO text
otherwise), dates are days since 1970; numbers are exact (a fraction as ``"n/d"``).
The file names the rules it was written for (a fingerprint): a state file of other
rules is refused rather than read wrongly.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from segdsl.diagnostics import Diagnostic, SegdslError
from segdsl.support.atomic import write_text_atomically
from segdsl.tools.live.evaluator import LiveEvaluator
from segdsl.tools.live.state import FieldSummary, Log, Profile, Summary, value_from_json, value_json

VERSION = 1
EPOCH = dt.datetime(1970, 1, 1)
EPOCH_DAY = EPOCH.date().toordinal()


def t_json(t: dt.datetime | dt.date) -> Any:
    if isinstance(t, dt.datetime):
        if t.microsecond:
            return t.isoformat()
        return int((t - EPOCH).total_seconds())
    return t.toordinal() - EPOCH_DAY


def t_from_json(raw: Any, is_date: bool) -> dt.datetime | dt.date:
    if is_date:
        return dt.date.fromordinal(raw + EPOCH_DAY)
    if isinstance(raw, str):
        return dt.datetime.fromisoformat(raw)
    return EPOCH + dt.timedelta(seconds=raw)


def _deltas(values: list[Any]) -> list[Any]:
    """Whole numbers as differences from the one before (short); text as it is."""
    if not all(isinstance(v, int) for v in values):
        return values
    return values[:1] + [b - a for a, b in itertools.pairwise(values)]


def _sums(values: list[Any]) -> list[Any]:
    if not all(isinstance(v, int) for v in values):
        return values
    out: list[Any] = []
    total = 0
    for v in values:
        total += v
        out.append(total)
    return out


def instant_from_json(raw: Any) -> dt.datetime:
    if isinstance(raw, str):
        return dt.datetime.fromisoformat(raw)
    return EPOCH + dt.timedelta(seconds=raw)


def dump(live: LiveEvaluator) -> dict[str, Any]:
    """The whole state as a JSON-ready dict (profiles in a fixed order)."""
    profiles = []
    index = {plan.name: i for i, plan in enumerate(live.plans)}
    for p in live.profiles.values():
        item: dict[str, Any] = {"e": p.entity, "k": p.key}
        if p.attrs:
            item["a"] = {c: value_json(v) for c, v in sorted(p.attrs.items())}
        logs = {}
        for lid, log in sorted(p.logs.items()):
            if not log.ts and log.summary is None:
                continue
            entry: dict[str, Any] = {"t": _deltas([t_json(s) for s in log.ts])}
            if log.vals and log.vals[0]:
                if len(log.vals[0]) == 1:
                    entry["v"] = [value_json(v[0]) for v in log.vals]
                else:
                    entry["v"] = [[value_json(x) for x in v] for v in log.vals]
            if log.summary is not None:
                entry["s"] = _summary_json(log.summary)
            logs[str(lid)] = entry
        if logs:
            item["l"] = logs
        if p.ids:
            item["i"] = {k: t_json(s) for k, s in sorted(p.ids.items())}
        if p.members:
            item["m"] = [i for i in range(len(live.plans)) if p.members >> i & 1]
        if p.wakes:
            item["w"] = sorted([index[n], t_json(w)] for n, w in p.wakes.items())
        profiles.append(item)
    cutoffs = cutoffs_json(live.cutoffs)
    return {
        "segdsl_live": VERSION,
        "rules": live.fingerprint,
        "clock": None if live.clock is None else t_json(live.clock),
        "lines": live.lines,
        "cutoffs": cutoffs,
        "profiles": profiles,
    }


def cutoffs_json(cutoffs: dict[int, dict[Any, Any]]) -> dict[str, Any]:
    """The rankings' cut-offs and the scores' thresholds as JSON (in a fixed order)."""
    return {
        str(rid): [[value_json(g), value_json(c)] for g, c in sorted(table.items(), key=repr)]
        for rid, table in sorted(cutoffs.items())
    }


def cutoffs_from_json(raw: dict[str, Any]) -> dict[int, dict[Any, Any]]:
    """:func:`cutoffs_json`'s output read back."""
    return {
        int(rid): {value_from_json(g): value_from_json(c) for g, c in rows}
        for rid, rows in raw.items()
    }


def _summary_json(s: Summary) -> dict[str, Any]:
    out: dict[str, Any] = {"n": s.n}
    if s.first is not None:
        out["f"] = t_json(s.first)
    if s.last is not None:
        out["l"] = t_json(s.last)
    if s.fields:
        out["x"] = [
            [
                fs.n,
                value_json(fs.total),
                value_json(fs.low),
                value_json(fs.high),
                None
                if fs.distinct is None
                else sorted((value_json(v) for v in fs.distinct), key=repr),
            ]
            for fs in s.fields
        ]
    return out


def load(live: LiveEvaluator, data: dict[str, Any], where: str = "the state") -> None:
    """Fill a fresh evaluator from :func:`dump`'s output."""
    if not isinstance(data, dict) or data.get("segdsl_live") != VERSION:
        raise _bad(where, "it is not a segdsl live state file")
    if data.get("rules") != live.fingerprint:
        raise _bad(
            where,
            "it was written for other rules or another catalog",
            "delete it (or start with --backfill) after changing the rules",
        )
    is_date = {s.id: s.is_date for s in live.log_specs}
    names = [plan.name for plan in live.plans]
    try:
        clock = data["clock"]
        live.clock = None if clock is None else instant_from_json(clock)
        live.lines = int(data.get("lines", 0))
        live.cutoffs = cutoffs_from_json(data.get("cutoffs", {}))
        for item in data["profiles"]:
            p = live.profile(item["e"], item["k"])
            p.attrs = {c: value_from_json(v) for c, v in item.get("a", {}).items()}
            for lid_text, entry in item.get("l", {}).items():
                lid = int(lid_text)
                d = is_date[lid]
                ts = [t_from_json(x, d) for x in _sums(entry["t"])]
                vals: list[tuple[Any, ...]]
                if len(live.log_specs[lid].fields) == 1:
                    vals = [(value_from_json(v),) for v in entry.get("v", [])]
                else:
                    vals = [tuple(value_from_json(x) for x in v) for v in entry.get("v", [])]
                vals = vals or [() for _ in ts]
                summary = _summary_from_json(entry["s"], d) if "s" in entry else None
                p.logs[lid] = Log(ts, vals, summary)
            p.ids = {k: instant_from_json(s) for k, s in item.get("i", {}).items()}
            p.members = 0
            for i in item.get("m", []):
                p.members |= live.plans[i].bit
            p.wakes = {names[i]: instant_from_json(w) for i, w in item.get("w", [])}
            if live.clock is None:
                live.pending_profiles().append(p)
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise _bad(where, f"it is damaged ({type(exc).__name__}: {exc})") from None
    live.rebuild_heap()


def _summary_from_json(raw: dict[str, Any], is_date: bool) -> Summary:
    s = Summary(n=raw["n"])
    if "f" in raw:
        s.first = t_from_json(raw["f"], is_date)
    if "l" in raw:
        s.last = t_from_json(raw["l"], is_date)
    for n, total, low, high, distinct in raw.get("x", []):
        s.fields.append(
            FieldSummary(
                n,
                value_from_json(total),
                value_from_json(low),
                value_from_json(high),
                None if distinct is None else {value_from_json(v) for v in distinct},
            )
        )
    return s


def _bad(where: str, why: str, hint: str = "") -> SegdslError:
    return SegdslError(
        Diagnostic("V008", f"cannot use {where}: {why}", hint=hint or "delete it to start afresh")
    )


def save(live: LiveEvaluator, path: Path) -> None:
    """Write the state file atomically: a reader (or a restart) sees the old file or
    the new one, never half of one."""
    text = json.dumps(dump(live), separators=(",", ":"), ensure_ascii=False)
    try:
        write_text_atomically(path, text)
    except OSError as exc:
        raise SegdslError(
            Diagnostic("V010", f"cannot write the state file {path}: {exc.strerror}")
        ) from None


def restore(live: LiveEvaluator, path: Path) -> bool:
    """Fill ``live`` from ``path`` if it exists; False when there is no file yet."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise _bad(str(path), exc.strerror or "unreadable") from None
    try:
        data = json.loads(text, parse_float=Decimal)
    except ValueError:
        raise _bad(str(path), "it is not JSON") from None
    load(live, data, str(path))
    return True


def profile_bytes(live: LiveEvaluator, p: Profile) -> int:
    """The size of one profile's state in the state file (compact JSON)."""
    one = dump_profile(live, p)
    return len(json.dumps(one, separators=(",", ":")).encode())


def dump_profile(live: LiveEvaluator, p: Profile) -> dict[str, Any]:
    keep = live.profiles
    live.profiles = {(p.entity, p.key): p}
    try:
        return dict(dump(live)["profiles"][0])
    finally:
        live.profiles = keep
