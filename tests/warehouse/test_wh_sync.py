"""`segdsl sync` on DuckDB and PostgreSQL: the SCD2 table reconstructs `eval` at every
instant synced, the changes feed lists exactly who entered and left, reruns change
nothing, an earlier instant is refused, and a sync killed in its transaction leaves
the table as it was."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import hist_project as hp
import pytest
from hist_helpers import cli_command, env, run_cli
from wh_helpers import add_toml, history_rows, postgres_dsn, reconstruct

import segdsl
from segdsl.diagnostics import SegdslError
from segdsl.tools.warehouse import members_at, sync

ENGINES = ["duckdb", "postgres"]


def _project(tmp_path: Path, engine: str, data: hp.Data | None = None) -> tuple[Path, str | None]:
    root = hp.write_project(tmp_path / "p", data or hp.make_data())
    if engine == "duckdb":
        add_toml(root, "[warehouse]\n")
        return root, None
    dsn = postgres_dsn()
    add_toml(root, f'[engine.postgres]\ndsn = "{dsn}"\n\n[warehouse]\nengine = "postgres"\n')
    loaded = run_cli("load", "--engine", "postgres", "-p", str(root))
    assert loaded.returncode == 0, loaded.stderr
    return root, dsn


def _eval(root: Path, t: dt.datetime) -> dict[str, set[str]]:
    """The reference: `segdsl eval` on the embedded DuckDB, keys as text."""
    project = segdsl.load_project(root)
    result = project.evaluate(None, t)
    return {name: {str(k) for k in result.members(name)} for name in project.segments}


def _feed(path: Path) -> set[tuple[str, str, str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return {(r["entity"], r["segment"], r["key"], r["change"]) for r in csv.DictReader(fh)}


@pytest.mark.parametrize("engine", ENGINES)
def test_sync_reconstructs_eval_at_every_instant(tmp_path: Path, engine: str) -> None:
    root, dsn = _project(tmp_path, engine)
    project = segdsl.load_project(root)
    entity_of = {s.name: s.entity for s in project.segments.values()}
    expected: dict[dt.datetime, dict[str, set[str]]] = {}
    previous: dict[str, set[str]] = {name: set() for name in entity_of}
    for t in hp.AS_OFS:
        expected[t] = _eval(root, t)
        feed = tmp_path / f"changes-{t:%Y%m%d}.csv"
        result = sync(project, as_of=t, changes=feed)
        assert result.as_of == t
        rows = history_rows(root, engine, dsn)
        for name, members in expected[t].items():
            assert reconstruct(rows, name, t) == members, (name, t)
        # the feed: exactly the keys that entered and left since the previous sync
        want = {
            (entity_of[n], n, k, "entered") for n in entity_of for k in expected[t][n] - previous[n]
        } | {(entity_of[n], n, k, "left") for n in entity_of for k in previous[n] - expected[t][n]}
        assert _feed(feed) == want
        previous = expected[t]
    # every earlier instant is still reconstructed exactly, as is the oracle's answer
    rows = history_rows(root, engine, dsn)
    for t, members_by_name in expected.items():
        oracle = hp.Oracle(hp.make_data(), t)
        for name, members in members_by_name.items():
            assert reconstruct(rows, name, t) == members
            if name in hp.CUSTOMER_SEGMENTS:
                assert members == {str(k) for k in oracle.members(name)}
    # members_at reads the table back with the keys' type
    last = hp.AS_OFS[-1]
    assert members_at(project, "us", last) == sorted(int(k) for k in expected[last]["us"])
    # a rerun at the same instant changes nothing, and writes the same feed
    again = sync(project, as_of=last, changes=tmp_path / "again.csv")
    assert again.rows_changed == 0
    assert history_rows(root, engine, dsn) == rows
    assert _feed(tmp_path / "again.csv") == _feed(tmp_path / f"changes-{last:%Y%m%d}.csv")
    # an earlier instant is refused and changes nothing
    with pytest.raises(SegdslError) as err:
        sync(project, as_of=hp.AS_OFS[0])
    assert err.value.diagnostics[0].code == "X011"
    assert history_rows(root, engine, dsn) == rows


@pytest.mark.parametrize("engine", ENGINES)
def test_a_sync_killed_in_its_transaction_leaves_the_table_as_before(
    tmp_path: Path, engine: str
) -> None:
    root, dsn = _project(tmp_path, engine)
    first = run_cli("sync", "-p", str(root), "--as-of", "2026-05-31")
    assert first.returncode == 0, first.stderr
    before = history_rows(root, engine, dsn)
    assert before
    marker = tmp_path / "in-transaction"
    proc = subprocess.Popen(
        cli_command(
            "sync",
            "-p",
            str(root),
            "--as-of",
            "2026-06-30",
            "--changes",
            str(tmp_path / "feed.csv"),
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env(SEGDSL_TEST_SYNC_PAUSE=str(marker)),
    )
    deadline = dt.datetime.now() + dt.timedelta(seconds=120)
    while not marker.exists():
        if proc.poll() is not None:
            out, err = proc.communicate()
            raise AssertionError(f"exited early ({proc.returncode}): {out} {err}")
        assert dt.datetime.now() < deadline, "the sync never reached its transaction"
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert history_rows(root, engine, dsn) == before  # rolled back, as before
    assert not (tmp_path / "feed.csv").exists()  # no feed of a sync that did not happen
    rerun = run_cli("sync", "-p", str(root), "--as-of", "2026-06-30")
    assert rerun.returncode == 0, rerun.stderr
    rows = history_rows(root, engine, dsn)
    for t in (dt.datetime(2026, 5, 31), dt.datetime(2026, 6, 30)):
        for name, members in _eval(root, t).items():
            assert reconstruct(rows, name, t) == members


def test_a_rerun_on_corrected_data_corrects_that_instant(tmp_path: Path) -> None:
    data = hp.make_data()
    root, _ = _project(tmp_path, "duckdb", data)
    project = segdsl.load_project(root)
    t1, t2 = hp.AS_OFS[0], hp.AS_OFS[-1]
    sync(project, as_of=t1)
    sync(project, as_of=t2)
    # the data of t2 was wrong: everyone in the US was in Canada, and the reverse
    swapped = [
        hp.Customer(c.key, c.age, {"US": "CA", "CA": "US"}.get(c.country or "", c.country))
        for c in data.customers
    ]
    hp.write_data(root, hp.Data(swapped, data.orders, data.shops))
    result = sync(project, as_of=t2, changes=tmp_path / "fixed.jsonl")
    assert result.rows_changed > 0
    rows = history_rows(root, "duckdb")
    now = _eval(root, t2)
    for name, members in now.items():
        assert reconstruct(rows, name, t2) == members
    # the feed at t2 is now relative to t1, from the corrected data
    with (tmp_path / "fixed.jsonl").open(encoding="utf-8") as fh:
        feed = [json.loads(line) for line in fh]
    at_t1 = {name: reconstruct(rows, name, t1) for name in now}
    entered = {(r["segment"], str(r["key"])) for r in feed if r["change"] == "entered"}
    assert entered == {(n, k) for n in now for k in now[n] - at_t1[n]}
    assert all(r["as_of"] == t2.isoformat() and r["previous_as_of"] == t1.isoformat() for r in feed)
    assert all(isinstance(r["key"], int) for r in feed)  # keys keep their type


def test_feed_formats_agree_and_string_keys_round_trip(tmp_path: Path) -> None:
    import duckdb

    root, _ = _project(tmp_path, "duckdb", hp.make_data(string_keys=True))
    project = segdsl.load_project(root)
    sync(project, as_of=hp.AS_OFS[0])
    out: dict[str, list[tuple[Any, ...]]] = {}
    for ext in ("csv", "jsonl", "parquet"):
        # the same instant again: the same feed in each format
        path = tmp_path / f"feed.{ext}"
        sync(project, as_of=hp.AS_OFS[1], changes=path)
        con = duckdb.connect()
        reader = {"csv": "read_csv", "jsonl": "read_json", "parquet": "read_parquet"}[ext]
        out[ext] = [
            tuple(str(v) for v in r)
            for r in con.execute(
                f"SELECT entity, segment, key::VARCHAR, change, as_of::TIMESTAMP "
                f"FROM {reader}(?) ORDER BY ALL",
                [str(path)],
            ).fetchall()
        ]
        con.close()
    assert out["csv"] == out["jsonl"] == out["parquet"]
    assert out["csv"] and all(r[2].startswith("c-") for r in out["csv"])
    assert members_at(project, "us", hp.AS_OFS[1]) == sorted(
        str(k) for k in project.evaluate(["us"], hp.AS_OFS[1]).members("us")
    )


def test_history_and_snapshot_use_the_warehouse_table(tmp_path: Path) -> None:
    root, _ = _project(tmp_path, "duckdb")
    for t in ("2026-05-31", "2026-06-30"):
        done = run_cli("snapshot", "-p", str(root), "--as-of", t)
        assert done.returncode == 0, done.stderr
        assert "synced 9 segments" in done.stdout
    shown = run_cli("history", "us", "-p", str(root), "-f", "json")
    assert shown.returncode == 0, shown.stderr
    doc = json.loads(shown.stdout)
    assert doc["store"].endswith("warehouse.duckdb")
    points = doc["snapshots"]
    assert [p["as_of"] for p in points] == ["2026-05-31T00:00:00", "2026-06-30T00:00:00"]
    us = [_eval(root, dt.datetime(2026, 5, 31))["us"], _eval(root, dt.datetime(2026, 6, 30))["us"]]
    assert [p["members"] for p in points] == [len(us[0]), len(us[1])]
    assert points[0]["entered"] is None
    assert (points[1]["entered"], points[1]["left"]) == (len(us[1] - us[0]), len(us[0] - us[1]))
    text = run_cli("history", "recent_buyers", "-p", str(root))
    assert text.returncode == 0 and "history of recent_buyers (2 snapshots" in text.stdout
    named = run_cli("snapshot", "us", "-p", str(root))
    assert named.returncode == 1 and "error[X016]" in named.stderr


@pytest.mark.parametrize(
    ("toml", "args", "code"),
    [
        ("[warehouse]\ncolour = 1\n", (), "X010"),
        ("[warehouse]\nengine = 3\n", (), "X010"),
        ("", ("--engine", "sqlite"), "X013"),
        ("", ("--changes", "feed.xlsx"), "X015"),
        ("", ("--changes", "no/such/folder/feed.csv"), "X015"),
        ("", ("--as-of", "yesterday"), "U001"),
    ],
)
def test_mistakes_are_messages_and_change_nothing(
    tmp_path: Path, toml: str, args: tuple[str, ...], code: str
) -> None:
    root = hp.write_project(tmp_path / "p", hp.make_data(n=10))
    add_toml(root, toml)
    done = run_cli("sync", "-p", str(root), *args)
    assert done.returncode in (1, 2), done.stderr
    assert f"error[{code}]" in done.stderr and "Traceback" not in done.stderr
    assert not (root / ".segdsl").exists()


def test_a_foreign_table_of_that_name_is_refused(tmp_path: Path) -> None:
    import duckdb

    root = hp.write_project(tmp_path / "p", hp.make_data(n=10))
    (root / ".segdsl").mkdir()
    con = duckdb.connect(str(root / ".segdsl" / "warehouse.duckdb"))
    con.execute("CREATE TABLE segdsl_membership_history (id INTEGER, note VARCHAR)")
    con.execute("INSERT INTO segdsl_membership_history VALUES (1, 'mine')")
    con.close()
    done = run_cli("sync", "-p", str(root))
    assert done.returncode == 1 and "error[X012]" in done.stderr
    con = duckdb.connect(str(root / ".segdsl" / "warehouse.duckdb"), read_only=True)
    assert con.execute("SELECT * FROM segdsl_membership_history").fetchall() == [(1, "mine")]
    con.close()


@pytest.mark.parametrize("engine", ENGINES)
def test_the_tables_go_into_the_configured_schema(tmp_path: Path, engine: str) -> None:
    root, dsn = _project(tmp_path, engine, hp.make_data(n=20))
    add_toml(root, "")
    text = (root / "segdsl.toml").read_text(encoding="utf-8")
    (root / "segdsl.toml").write_text(
        text.replace("[warehouse]\n", '[warehouse]\nschema = "Marketing Team"\n'), "utf-8"
    )
    project = segdsl.load_project(root)
    for t in hp.AS_OFS:
        sync(project, as_of=t)
    sql = (
        'SELECT segment, key, valid_from, valid_to FROM "Marketing Team".segdsl_membership_history'
    )
    if engine == "duckdb":
        import duckdb

        con = duckdb.connect(str(root / ".segdsl" / "warehouse.duckdb"), read_only=True)
        rows = con.execute(sql).fetchall()
        con.close()
    else:
        import psycopg

        with psycopg.connect(str(dsn)) as pg:
            rows = pg.execute(sql.encode()).fetchall()
    full = [("customer", s, k, vf, vt) for s, k, vf, vt in rows]
    for t in hp.AS_OFS:
        for name, members in _eval(root, t).items():
            assert reconstruct(full, name, t) == members
    assert history_rows(root, engine, dsn) == []  # nothing in the default schema


def test_entities_and_segments_that_disappear_leave(tmp_path: Path) -> None:
    data = hp.make_data(n=30)
    root, _ = _project(tmp_path, "duckdb", data)
    t1, t2 = hp.AS_OFS[0], hp.AS_OFS[1]
    sync(segdsl.load_project(root), as_of=t1)
    before = _eval(root, t1)
    # a customer is deleted from the data, and the segment `us` from the rules
    gone = next(c for c in data.customers if c.country == "US")
    hp.write_data(
        root,
        hp.Data(
            [c for c in data.customers if c != gone],
            [o for o in data.orders if o.key != gone.key],
            data.shops,
        ),
    )
    seg = (root / "segments.seg").read_text(encoding="utf-8")
    (root / "segments.seg").write_text(
        seg.replace('segment us where country = "US"\n', ""), encoding="utf-8"
    )
    result = sync(segdsl.load_project(root), as_of=t2, changes=tmp_path / "feed.csv")
    rows = history_rows(root, "duckdb")
    assert reconstruct(rows, "us", t2) == set()  # the deleted segment's members left at t2
    assert reconstruct(rows, "us", t1) == before["us"]  # and its history stays
    feed = _feed(tmp_path / "feed.csv")
    assert {k for _e, s, k, c in feed if s == "us" and c == "left"} == before["us"]
    for name, members in _eval(root, t2).items():
        assert str(gone.key) not in members
        assert reconstruct(rows, name, t2) == members
        if str(gone.key) in before[name]:
            assert ("customer", name, str(gone.key), "left") in feed
    assert "us" not in [s.segment for s in result.segments]


@pytest.mark.parametrize("engine", ENGINES)
def test_two_syncs_at_once_run_one_after_the_other(tmp_path: Path, engine: str) -> None:
    """The first sync (the first ever: it creates the tables) holds its transaction;
    a second, started meanwhile, waits for it, then completes on top of it."""
    root, dsn = _project(tmp_path, engine, hp.make_data(n=40))
    marker = tmp_path / "holding"
    first = subprocess.Popen(
        cli_command("sync", "-p", str(root), "--as-of", "2026-06-15"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env(SEGDSL_TEST_SYNC_PAUSE=str(marker)),
    )
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert first.poll() is None, first.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.02)
    second = subprocess.Popen(
        cli_command("sync", "-p", str(root), "--as-of", "2026-06-30"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env(),
    )
    time.sleep(3)
    assert second.poll() is None  # waiting for the first one's transaction
    marker.unlink()
    out1, err1 = first.communicate(timeout=120)
    out2, err2 = second.communicate(timeout=120)
    assert first.returncode == 0, err1
    assert second.returncode == 0, err2
    assert "(first sync)" in out1 and "since 2026-06-15T00:00:00" in out2
    rows = history_rows(root, engine, dsn)
    for t in (dt.datetime(2026, 6, 15), dt.datetime(2026, 6, 30)):
        for name, members in _eval(root, t).items():
            assert reconstruct(rows, name, t) == members
