"""Live evaluation in a project time zone gives the batch answer (language.md §11).

The corpus with `timezone` set (tests/zoned.py), its edge data replayed in time order;
at local midnights and the hours of both 2026 switches of summer time in Berlin and
New York, and after time-only expiries, every live-exact segment is compared with
DuckDB's batch evaluation at that instant: zero differences. Every form live in UTC is
live in a zone too."""

from __future__ import annotations

import datetime as dt
from typing import Any

import edge_data
import pytest
from replay import entity_updates, event_stream
from test_live_parity import batch, live_members
from zoned import ZONED_AS_OF, ZONED_AS_OF_MORE, zoned_instant, zoned_project

from segdsl.tools.live import LiveEvaluator


def instants(zone: str) -> list[dt.datetime]:
    out: set[dt.datetime] = set()
    # period starts (month, quarter, year; Mondays are among ZONED_AS_OF) in the zone
    starts = ("2026-06-01", "2026-07-01", "2026-08-01", "2026-10-01", "2027-01-01")
    for local in (*ZONED_AS_OF, *ZONED_AS_OF_MORE, *starts):
        t = zoned_instant(zone, local)
        out |= {t, t - dt.timedelta(microseconds=1)}
    # the switch hours themselves (01:00 UTC in Berlin, 07:00 / 06:00 UTC in New York)
    for day, hour in (
        ((2026, 3, 29), 1),
        ((2026, 10, 25), 1),
        ((2026, 3, 8), 7),
        ((2026, 11, 1), 6),
    ):
        t = dt.datetime(*day, hour)
        out |= {t, t - dt.timedelta(microseconds=1), t + dt.timedelta(minutes=30)}
    out |= {edge_data.T, edge_data.T + dt.timedelta(days=31), edge_data.T + dt.timedelta(days=400)}
    return sorted(out)


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/New_York"])
def test_exact_segments_in_a_zone_match_duckdb(zone: str, duck: Any) -> None:
    project = zoned_project(zone)
    live = LiveEvaluator(project)
    for entity, key, attrs in entity_updates(edge_data.TABLES, project.catalog):
        live.apply_attributes(key, attrs, entity)
    exact = [p for p in live.plans if p.mode == "exact"]
    assert len(exact) > 200
    # calendar windows and time parts are among them
    texts = " ".join(p.reason for p in exact)
    assert "`in this" in texts and "`in previous" in texts and " in previous" in texts
    events = event_stream(edge_data.TABLES, project.catalog)
    i = 0
    for at in instants(zone):
        while i < len(events) and events[i][0] <= at:
            _, kind, key, stamp, fields, eid = events[i]
            live.apply_event(kind, key, stamp, fields, eid)
            i += 1
        live.advance(at)
        want = batch(duck, project, [p.name for p in exact], at)
        for p in exact:
            ent = project.catalog.entities[p.entity]
            keys = frozenset(r[ent.key] for r in edge_data.TABLES[ent.source.table])
            got = live_members(live, p.name, p.entity, keys)
            assert got == want[p.name], (p.name, at, sorted(want[p.name] ^ got, key=repr))


def test_every_form_is_followed_in_a_zone() -> None:
    """Months and years on timestamps and calendar windows on a sequence's first event
    are live in a zone too (tests/live/test_zoned_forms.py): the same segments are live
    in Berlin as in UTC."""
    from segdsl.tools.live.plan import Compiler

    modes = {}
    for zone in ("UTC", "Europe/Berlin"):
        project = zoned_project(zone)
        compiler = Compiler(project.catalog)
        modes[zone] = {s.name: compiler.segment(s).mode for s in project.select(None)}
    assert modes["Europe/Berlin"] == modes["UTC"]
    for name in ("month_window", "seen_last_4m", "sh_orders_2m_to_1m", "buy_this_week_no_followup"):
        assert modes["Europe/Berlin"][name] == "exact", name
