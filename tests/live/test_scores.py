"""Scores evaluated live with thresholds from the latest batch evaluation (docs/live.md,
"batch cut-offs"; segdsl.tools.live.scores).

A small project on edge data — ties, missing X, missing groups, groups smaller than N,
no X at all (n = 0), timestamps, dates, binary floats, ``per G`` — replayed through the
live evaluator; after a refresh at T every profile's live score equals both the batch
score (DuckDB, ``Project.evaluate`` at T, read through one segment per score value) and
a plain-Python computation of ``1 + floor(N·b/n)``. After more input the live score is
the documented approximation (x against the old population); the thresholds survive
the state file. examples/retail's segmentations on scores match the batch at two
instants.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
from replay import RETAIL, entity_updates, event_stream
from test_live_retail import tables

import segdsl
from segdsl.tools.live import LiveEvaluator, persist
from segdsl.tools.live.ctx import Ctx
from segdsl.tools.live.cutoffs import refresh_cutoffs
from segdsl.tools.live.plan import Compiler

T = dt.datetime(2026, 6, 30, 12)
T0 = dt.datetime(2026, 5, 1)  # an earlier instant: some purchases are still to come

PEOPLE = [
    # id, points, grp, rating (DOUBLE), joined, nothing
    (1, 10, "a", 0.1, "2025-01-01"),
    (2, 10, "a", 0.2, "2025-01-01"),
    (3, 20, "a", 0.30000000000000004, "2025-02-01"),
    (4, 30, "b", 0.3, "2025-03-01"),
    (5, None, "a", None, None),
    (6, 40, None, 0.7, "2025-03-01"),
    (7, 40, "b", 0.7, "2025-04-01"),
    (8, 50, "c", 1e-9, "2025-05-01"),
    (9, 5, "b", -2.5, "2025-05-01"),
    (10, 10, "c", 0.1, "2025-06-01"),
    (11, 20, "b", None, "2024-12-31"),
    (12, None, None, 3.0, "2025-01-01"),
    (13, 60, "a", 3.0, "2025-01-01"),
    (14, 60, "a", 3.0, None),
    (15, 60, "a", 0.2, "2025-07-01"),
    (16, 0, "a", 0.0, "2025-01-01"),
    (17, -3, "d", 1.0, "2025-02-02"),  # group d: one member
    (18, None, "e", 1.0, "2025-02-02"),  # group e: nobody with X
]
BUYS = [
    # id, ts, amount (DECIMAL(10,2))
    (1, "2026-01-05 10:00:00", "10.00"),
    (1, "2026-06-01 10:00:00", "0.10"),
    (2, "2026-06-01 10:00:00", "10.10"),  # the same last time as 1, the same sum
    (3, "2026-03-01 00:00:00", "0.20"),
    (3, "2026-05-20 08:00:00", "0.10"),
    (4, "2026-06-29 23:59:59", "99.99"),
    (6, "2026-02-01 00:00:00", "5.00"),
    (7, "2026-06-30 12:00:00", "5.00"),  # exactly at T
    (8, "2026-04-30 23:59:59", "1.00"),
    (8, "2026-04-30 23:59:59", "2.00"),
    (9, "2026-06-30 12:00:01", "7.00"),  # after T
    (10, "2025-12-31 23:00:00", "33.33"),
    (13, "2026-04-01 00:00:00", "0.30"),
    (14, "2026-04-01 00:00:00", "0.30"),
    (15, "2026-06-15 12:00:00", "1000.00"),
]
SCORES = {
    # measure: (N, expression)
    "s5": (5, "points"),
    "s3g": (3, "points per grp"),
    "s7g": (7, "points per grp"),  # n < N in every group
    "s100": (100, "points"),  # n < N
    "r4": (4, "last(buy)"),  # timestamps, ties, missing (never bought)
    "j6": (6, "joined"),  # dates
    "m3": (3, "sum(buy.amount)"),  # decimals; 0 for those who never bought
    "f4": (4, "rating"),  # binary floats (DOUBLE)
    "d5": (5, "sum(buy.amount) / count(buy)"),  # a division: a float in the warehouse
    "z3": (3, "nothing"),  # n = 0
}


def rules() -> str:
    lines = []
    for name, (n, expr) in SCORES.items():
        lines.append(f"measure {name} = score 1..{n} by {expr}")
        for k in probes(n):
            lines.append(f"segment {name}_is_{k} where {name} = {k}")
        lines.append(f"segment {name}_missing where {name} is missing")
    lines.append("segment s5_high_and_recent where s5 >= 4 and r4 >= 3")
    lines.append("segment score_sum where s5 + m3 >= 6")
    lines.append(
        "segmentation tier\n"
        "  best   where s5 >= 4 and m3 >= 2\n"
        "  recent where r4 = 4\n"
        "  low    where s5 <= 2\n"
        "  rest\n"
    )
    lines.append('segment tier_not_low where tier != "low"')
    return "\n".join(lines) + "\n"


def probes(n: int) -> tuple[int, ...]:
    """The score values read through a segment each (all of them up to 10)."""
    return tuple(range(1, n + 1)) if n <= 10 else (1, 2, 9, 10, 11, 17, 18, 50, 100)


def write_project(root: Path, people: list[tuple[Any, ...]] = PEOPLE) -> Path:
    data = root / "data"
    data.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE people (id INTEGER, points INTEGER, grp VARCHAR, rating DOUBLE, "
        "joined DATE, nothing DOUBLE)"
    )
    con.executemany("INSERT INTO people VALUES (?, ?, ?, ?, ?, NULL)", people)
    con.execute("CREATE TABLE buys (id INTEGER, ts TIMESTAMP, amount DECIMAL(10, 2))")
    con.executemany("INSERT INTO buys VALUES (?, ?, ?)", BUYS)
    for table in ("people", "buys"):
        path = data / f"{table}.parquet"
        con.execute(f"COPY {table} TO '{path}' (FORMAT parquet)")
    con.close()
    (root / "segdsl.toml").write_text(
        """[project]
name = "scores"
default_entity = "person"

[entity.person]
source = "data/people.parquet"
key = "id"

[entity.person.attributes]
points = "integer"
grp = "string"
rating = "number"
joined = "date"
nothing = "number"

[event.buy]
source = "data/buys.parquet"
entity = "person"
key = "id"
timestamp = "ts"

[event.buy.fields]
amount = "number"
""",
        encoding="utf-8",
    )
    (root / "scores.seg").write_text(rules(), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_project(tmp_path_factory.mktemp("scores"))


# ---- the oracle: the contract's formula in plain Python --------------------------------
def x_of(name: str, person: tuple[Any, ...], at: dt.datetime) -> Any:
    pid, points, _grp, rating, joined = person
    buys = [b for b in BUYS if b[0] == pid and dt.datetime.fromisoformat(b[1]) <= at]
    total = sum((Decimal(b[2]) for b in buys), Decimal(0))
    return {
        "s5": points,
        "s3g": points,
        "s7g": points,
        "s100": points,
        "r4": max((dt.datetime.fromisoformat(b[1]) for b in buys), default=None),
        "j6": None if joined is None else dt.date.fromisoformat(joined),
        "m3": total,
        "f4": rating,
        # as the warehouse computes it: the sum as a double, divided
        "d5": float(total) / len(buys) if buys else None,
        "z3": None,
    }[name]


def oracle_scores(
    name: str, at: dt.datetime, people: list[tuple[Any, ...]] = PEOPLE
) -> dict[int, int | None]:
    n_max, expr = SCORES[name]
    per = " per " in expr
    xs = {p[0]: x_of(name, p, at) for p in people}
    groups = {p[0]: p[2] for p in people}
    out: dict[int, int | None] = {}
    for pid, x in xs.items():
        if x is None or (per and groups[pid] is None):
            out[pid] = None
            continue
        peers = [
            y
            for q, y in xs.items()
            if y is not None and (not per or (groups[q] is not None and groups[q] == groups[pid]))
        ]
        b = sum(1 for y in peers if y < x)
        out[pid] = 1 + math.floor(n_max * b / len(peers))
    return out


def live_score(live: LiveEvaluator, name: str, key: int) -> Any:
    """The live value of the measure ``name`` for one profile, as the compiled plan
    computes it (the compiler's closure over the live cut-offs)."""
    project = live.project
    compiler = Compiler(project.catalog)
    fn = compiler.value(project.measures[name].expr, None)
    # the compiler numbers scores as the evaluator's did: map its keys to live's
    keys = {spec.node: spec.key for spec in live.scores}
    cutoffs = {-1 - spec.id: live.cutoffs.get(keys[spec.node]) for spec in compiler.scores.values()}
    p = live.profiles[("person", key)]
    assert live.clock is not None
    ctx = Ctx(key, p.attrs, p.logs, live.clock, {k: v for k, v in cutoffs.items() if v})
    return fn(ctx)


def batch_scores(result: Any, name: str, keys: list[int]) -> dict[int, int | None]:
    n_max = SCORES[name][0]
    out: dict[int, int | None] = {}
    missing = set(result.members(f"{name}_missing"))
    ks = probes(n_max)
    members = {k: set(result.members(f"{name}_is_{k}")) for k in ks}
    for key in keys:
        found = [k for k in ks if key in members[k]]
        if key in missing:
            assert not found
            out[key] = None
        else:
            assert len(found) <= 1
            out[key] = found[0] if found else -1  # a score between the probed values
    return out


def replay(project: segdsl.Project, at: dt.datetime) -> LiveEvaluator:
    live = LiveEvaluator(project)
    data = {"people": [], "buys": []}  # type: dict[str, list[dict[str, Any]]]
    for pid, points, grp, rating, joined in PEOPLE:
        data["people"].append(
            {
                "id": pid,
                "points": points,
                "grp": grp,
                "rating": rating,
                "joined": None if joined is None else dt.date.fromisoformat(joined),
                "nothing": None,
            }
        )
    for pid, ts, amount in BUYS:
        data["buys"].append(
            {"id": pid, "ts": dt.datetime.fromisoformat(ts), "amount": Decimal(amount)}
        )
    for entity, key, attrs in entity_updates(data, project.catalog):
        live.apply_attributes(key, attrs, entity)
    for instant, kind, key, stamp, fields, eid in event_stream(data, project.catalog):
        if instant <= at:
            live.apply_event(kind, key, stamp, fields, eid)
    live.advance(at)
    return live


def members(live: LiveEvaluator, name: str) -> set[Any]:
    return {k for (_, k), p in live.profiles.items() if live.in_segment(p, name)}


# ---- tests ----------------------------------------------------------------------------
@pytest.mark.parametrize("at", [T0, T])
def test_live_scores_equal_the_batch_and_the_formula_after_a_refresh(root: Path, at: Any) -> None:
    project = segdsl.load_project(root)
    live = replay(project, at)
    plans = [p for p in live.plans if p.fn is not None]
    assert len(plans) == len(live.plans)
    assert all(p.mode == "batch cut-offs" for p in plans)
    # before any refresh: no thresholds, every score is missing
    assert members(live, "s5_missing") == {p[0] for p in PEOPLE}
    refresh_cutoffs(live, at)
    result = project.evaluate([p.name for p in plans], as_of=at)
    keys = [p[0] for p in PEOPLE]
    for name in SCORES:
        want = oracle_scores(name, at)
        got = {k: live_score(live, name, k) for k in keys}
        assert got == want, name
        seen = probes(SCORES[name][0])
        probed = {k: v if v is None or v in seen else -1 for k, v in want.items()}
        assert batch_scores(result, name, keys) == probed, name
    for p in plans:  # every segment on scores, the segmentation's classes included
        assert members(live, p.name) == set(result.members(p.name)), p.name


def test_thresholds_are_the_order_statistics(root: Path) -> None:
    """The cut-off table: n and v(m_k), m_k = ceil((k−1)·n/N), per group."""
    project = segdsl.load_project(root)
    live = replay(project, T)
    refresh_cutoffs(live, T)
    by_name = {spec.text.strip("`"): spec for spec in live.scores}
    for name in ("s5", "s3g", "s7g", "s100", "j6", "r4"):
        n_max, expr = SCORES[name]
        per = " per " in expr
        table = live.cutoffs[by_name[name].key]
        groups: dict[Any, list[Any]] = {}
        for p in PEOPLE:
            x = x_of(name, p, T)
            if x is not None and (not per or p[2] is not None):
                groups.setdefault(p[2] if per else None, []).append(x)
        assert set(table) == set(groups), name  # group e (no X) has no thresholds
        for g, xs in groups.items():
            xs.sort()
            n = len(xs)
            want = [xs[math.ceil((k - 1) * n / n_max) - 1] for k in range(2, n_max + 1)]
            assert table[g][0] == n and table[g][2:] == want, (name, g)
    assert live.cutoffs[by_name["z3"].key] == {}  # n = 0: no thresholds, a missing score


def test_after_more_input_the_old_thresholds_score_the_new_values(
    root: Path, tmp_path: Path
) -> None:
    project = segdsl.load_project(root)
    live = replay(project, T)
    refresh_cutoffs(live, T)
    old = sorted(p[1] for p in PEOPLE if p[1] is not None)
    n = len(old)

    def against_old(x: int) -> int:  # 1 + #{k : x > v(m_k)} over the batch population
        return 1 + sum(1 for k in range(2, 6) if x > old[math.ceil((k - 1) * n / 5) - 1])

    assert live_score(live, "s5", 16) == 1
    # 10 passes v(3) = 5 but not v(6) = 10: score 2 against the batch population
    changes = live.apply_attributes(16, {"points": 10})
    assert live_score(live, "s5", 16) == against_old(10) == 2
    moved = {(c.segment, c.change) for c in changes}
    assert ("s5_is_2", "entered") in moved and ("s5_is_1", "left") in moved
    assert all(c.at == T for c in changes)
    # an X above every batch value scores N; a profile the batch never saw is scored
    # against the batch population; a group the batch never saw has no score
    live.apply_attributes(99, {"points": 1000, "grp": "zz"})
    assert live_score(live, "s5", 99) == 5
    assert live_score(live, "s3g", 99) is None
    assert "s3g_missing" in live.members(99)
    live.apply_attributes(16, {"points": None})
    assert live_score(live, "s5", 16) is None
    # the warehouse has the new value too: a refresh gives the batch answer, 1
    # (10 is not above 2 of the 15 values: 1 + floor(5·2/15))
    people = [(16, 10, "a", 0.0, "2025-01-01") if p[0] == 16 else p for p in PEOPLE]
    changed = segdsl.load_project(write_project(tmp_path / "changed", people))
    live2 = replay(changed, T)
    live2.apply_attributes(16, {"points": 10})
    refresh_cutoffs(live2, T)
    assert live_score(live2, "s5", 16) == oracle_scores("s5", T, people)[16] == 1
    assert "s5_is_1" in live2.members(16)


def test_thresholds_survive_the_state_file(root: Path, tmp_path: Path) -> None:
    project = segdsl.load_project(root)
    live = replay(project, T)
    refresh_cutoffs(live, T)
    path = tmp_path / "state.json"
    persist.save(live, path)
    again = LiveEvaluator(project)
    assert persist.restore(again, path)
    assert again.cutoffs == live.cutoffs
    assert json.loads(path.read_text())["cutoffs"]  # written, keyed by number
    for name in SCORES:
        for p in PEOPLE:
            assert live_score(again, name, p[0]) == live_score(live, name, p[0]), name
    for p in PEOPLE:
        assert again.members(p[0]) == live.members(p[0])
    # the same input gives the same changes, against the same thresholds
    for update in ({"rating": 0.3}, {"points": 41, "grp": "b"}, {"rating": None}):
        assert again.apply_attributes(16, update) == live.apply_attributes(16, update)


def test_check_live_names_the_scores(root: Path) -> None:
    project = segdsl.load_project(root)
    plans = {p.name: p for p in LiveEvaluator(project).plans}
    assert plans["s5_is_1"].mode == "batch cut-offs"
    assert "the score `s5` depends on the whole population" in plans["s5_is_1"].reason
    assert "thresholds of the latest batch evaluation" in plans["s5_is_1"].reason
    assert "the scores `r4`, `s5`, `m3` depend" in plans["tier.recent"].reason
    assert plans["tier_not_low"].mode == "batch cut-offs"
    inline = project.rule("(score 1..4 by points per grp) >= 3")
    plan = Compiler(project.catalog).segment(inline)
    assert plan.mode == "batch cut-offs" and "`score 1..4 by points per grp`" in plan.reason


# ---- examples/retail -----------------------------------------------------------------
RETAIL_INSTANTS = [dt.datetime(2026, 3, 29, 22), dt.datetime(2026, 6, 29, 22)]


def test_retail_segmentations_on_scores_match_the_batch() -> None:
    """Every tenth customer replayed; the thresholds from SQL over every customer, so
    the sample's scores are the whole population's — the batch's, zero differences."""
    project = segdsl.load_project(RETAIL)
    live = LiveEvaluator(project)
    data = tables(10)
    keys = {r["customer_id"] for r in data["customers"]}
    for entity, key, attrs in entity_updates(data, project.catalog):
        live.apply_attributes(key, attrs, entity)
    events = event_stream(data, project.catalog)
    on_scores = [p.name for p in live.plans if p.ranks and all(r < 0 for r in p.ranks)]
    assert {f"rfm_classic.{c}" for c in ("champions", "lost", "at_risk")} <= set(on_scores)
    assert len(on_scores) == 24  # rfm (9), rfm_classic (11), value_tier (3), one on rfm
    i = 0
    for at in RETAIL_INSTANTS:
        while i < len(events) and events[i][0] <= at:
            _, kind, key, stamp, fields, eid = events[i]
            live.apply_event(kind, key, stamp, fields, eid)
            i += 1
        live.advance(at)
        refresh_cutoffs(live, at)
        result = project.evaluate(on_scores, as_of=at)
        for name in on_scores:
            want = {k for k in result.members(name) if k in keys}
            got = {k for k in keys if live.in_segment(live.profiles[("customer", k)], name)}
            assert got == want, (name, at, sorted(got ^ want)[:10])


def test_a_score_on_events_the_data_stamps_with_dates(tmp_path: Path) -> None:
    """The catalog does not say `visit` is date-stamped; the data does (the batch
    adapts its catalog to it): the thresholds come from the adapted rules and are read
    as live evaluation holds X."""
    root = write_project(tmp_path / "p")
    con = duckdb.connect()
    con.execute("CREATE TABLE visits (id INTEGER, day DATE)")
    days = [(1, "2026-01-01"), (2, "2026-03-01"), (3, "2026-03-01"), (4, "2026-06-30")]
    days += [(5, "2025-12-31"), (6, "2026-03-02"), (6, "2026-01-01")]
    con.executemany("INSERT INTO visits VALUES (?, ?)", days)
    con.execute(f"COPY visits TO '{root / 'data' / 'visits.parquet'}' (FORMAT parquet)")
    con.close()
    toml = root / "segdsl.toml"
    toml.write_text(
        toml.read_text()
        + '\n[event.visit]\nsource = "data/visits.parquet"\nentity = "person"\n'
        + 'key = "id"\ntimestamp = "day"\n',
        encoding="utf-8",
    )
    text = "measure v3 = score 1..3 by last(visit)\n"
    text += "".join(f"segment v3_is_{k} where v3 = {k}\n" for k in (1, 2, 3))
    (root / "visits.seg").write_text(text, encoding="utf-8")
    project = segdsl.load_project(root)
    from segdsl.engines.sources import connect_engine
    from segdsl.tools.live.backfill import backfill

    session = connect_engine(project.catalog, project.root)
    try:
        assert project.for_data(session) is not project  # the batch adapts the catalog
    finally:
        session.close()

    live = LiveEvaluator(project, [f"v3_is_{k}" for k in (1, 2, 3)])
    backfill(live, T)
    result = project.evaluate([f"v3_is_{k}" for k in (1, 2, 3)], as_of=T)
    for k in (1, 2, 3):
        assert members(live, f"v3_is_{k}") == set(result.members(f"v3_is_{k}")), k
    # by hand: last visits 2026-01-01, 03-01, 03-01, 06-30, 2025-12-31, 03-02 (n = 6)
    assert set(result.members("v3_is_3")) == {4, 6}
    assert set(result.members("v3_is_1")) == {1, 5}
