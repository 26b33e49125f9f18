"""Hypothesis: any arrival order, late events, repeated ids, ticks and a restart from
the state file give the batch answer (the oracle, tests/oracle.py) at the final clock."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import edge_data
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracle import Oracle
from replay import entity_updates, event_stream

import segdsl
from segdsl.tools.live import LiveEvaluator
from segdsl.tools.live.persist import dump, load

T = edge_data.T
CORPUS = Path(__file__).resolve().parents[1] / "corpus"
HOUR = dt.timedelta(hours=1)


def corpus_project() -> segdsl.Project:
    return segdsl.load_project(CORPUS)


def fresh(project: segdsl.Project) -> LiveEvaluator:
    live = LiveEvaluator(project)
    for entity, key, attrs in entity_updates(edge_data.TABLES, project.catalog):
        live.apply_attributes(key, attrs, entity)
    return live


def expected(project: segdsl.Project, live: LiveEvaluator, at: dt.datetime) -> dict[str, set[Any]]:
    oracle = Oracle(edge_data.TABLES, project.catalog, at)
    return {
        p.name: oracle.members(project.segment(p.name)) for p in live.plans if p.mode == "exact"
    }


def got(live: LiveEvaluator, name: str, entity: str, keys: frozenset[Any]) -> set[Any]:
    return {
        k
        for (e, k), p in live.profiles.items()
        if e == entity and k in keys and live.in_segment(p, name)
    }


def assert_batch_answer(project: segdsl.Project, live: LiveEvaluator, at: dt.datetime) -> None:
    want = expected(project, live, at)
    for p in live.plans:
        if p.mode != "exact":
            continue
        ent = project.catalog.entities[p.entity]
        keys = frozenset(r[ent.key] for r in edge_data.TABLES[ent.source.table])
        assert got(live, p.name, p.entity, keys) == want[p.name], p.name


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    seed=st.randoms(use_true_random=False),
    hours=st.integers(min_value=-24 * 45, max_value=24 * 60),
    ticks=st.lists(st.integers(min_value=-24 * 400, max_value=24 * 60), max_size=4),
    repeats=st.integers(min_value=0, max_value=10),
)
def test_any_order_late_events_repeats_and_ticks(
    seed: Any, hours: int, ticks: list[int], repeats: int
) -> None:
    project = corpus_project()
    final = T + hours * HOUR
    events = [e for e in event_stream(edge_data.TABLES, project.catalog) if e[0] <= final]
    seed.shuffle(events)
    events += [seed.choice(events) for _ in range(repeats)] if events else []
    live = fresh(project)
    inputs: list[tuple[str, Any]] = [("event", e) for e in events]
    for h in ticks:
        inputs.insert(seed.randrange(len(inputs) + 1), ("tick", min(final, T + h * HOUR)))
    for what, item in inputs:
        if what == "tick":
            live.advance(item)
        else:
            _, kind, key, stamp, fields, eid = item
            live.apply_event(kind, key, stamp, fields, eid)
    live.advance(final)
    assert_batch_answer(project, live, final)


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(split=st.floats(min_value=0, max_value=1), hours=st.integers(0, 24 * 100))
def test_a_restart_from_the_state_gives_the_same_changes(split: float, hours: int) -> None:
    project = corpus_project()
    final = T + hours * HOUR
    events = [e for e in event_stream(edge_data.TABLES, project.catalog) if e[0] <= final]
    cut = int(split * len(events))

    def feed(live: LiveEvaluator, part: list[Any]) -> list[Any]:
        out = []
        for _, kind, key, stamp, fields, eid in part:
            out += live.apply_event(kind, key, stamp, fields, eid)
        return out

    whole = fresh(project)
    one_run = feed(whole, events) + whole.advance(final)
    first = fresh(project)
    before = feed(first, events[:cut])
    text = json.dumps(dump(first))
    second = LiveEvaluator(project)
    load(second, json.loads(text))
    after = feed(second, events[cut:]) + second.advance(final)
    assert before + after == one_run
    assert json.dumps(dump(second)) == json.dumps(dump(whole))
    assert_batch_answer(project, second, final)
