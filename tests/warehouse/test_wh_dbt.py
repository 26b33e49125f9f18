"""The exported project under real dbt (dbt-core 1.11 with dbt-duckdb, from the
environment named by SEGDSL_TEST_DBT): `dbt build` passes — models and tests — and
every model's rows are `segdsl eval`'s members at the same as-of; after two builds at
two instants, the dbt snapshot holds the same history as `segdsl sync`. Three `dbt
build` runs in all (each takes seconds)."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import duckdb
import hist_project as hp
from dbt_project_files import make_dbt_project
from wh_helpers import BANDS, RETAIL, TRICKY, add_toml, dbt_executable, history_rows

import segdsl
from segdsl.tools.warehouse import export_dbt, sync


def _build(dbt: Path, folder: Path, as_of: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SEGDSL_", "DBT_"))}
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    done = subprocess.run(
        [
            str(dbt),
            "build",
            "--project-dir",
            str(folder),
            "--profiles-dir",
            str(folder),
            "--vars",
            json.dumps({"segdsl_as_of": as_of}),
        ],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "ERROR=0" in done.stdout and "WARN=0" in done.stdout, done.stdout[-4000:]


def _table(folder: Path, name: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    con = duckdb.connect(str(folder / "warehouse.duckdb"), read_only=True)
    try:
        cur = con.execute(f'SELECT * FROM "{name}"')
        return [d[0] for d in cur.description], cur.fetchall()
    finally:
        con.close()


def _assert_model_is_eval(folder: Path, project: segdsl.Project, as_of: dt.datetime) -> None:
    expected = project.evaluate(None, as_of)
    segments, groupings = project.select_with_segmentations(None)
    for entity in sorted({s.entity for s in project.segments.values()}):
        cols, rows = _table(folder, f"segdsl_{entity}_membership")
        assert cols[0] == project.catalog.entities[entity].key
        assert cols[-1] == "segdsl_as_of" and {r[-1] for r in rows} == {as_of}
        names = [s.name for s in segments if s.entity == entity]
        bands = [g for g in groupings if g.entity == entity]
        assert cols[1:-1] == names + [g.name for g in bands]
        for i, name in enumerate(names, start=1):
            assert sorted(r[0] for r in rows if r[i]) == expected.members(name), name
            assert all(r[i] is not None for r in rows)
        for g in bands:
            at = cols.index(g.name)
            for c in g.classes:
                got = sorted(r[0] for r in rows if r[at] == c)
                assert got == expected.members(g.segment_name(c)), (g.name, c)


def test_dbt_build_of_the_retail_example_gives_evals_members(tmp_path: Path) -> None:
    dbt = dbt_executable()
    folder = make_dbt_project(tmp_path / "retail_dbt")
    export_dbt(segdsl.load_project(RETAIL), folder)
    _build(dbt, folder, "2026-06-30")  # read in the project's zone, as `--as-of` is
    project = segdsl.load_project(RETAIL)
    as_of = project.as_of("2026-06-30")
    assert as_of is not None
    _assert_model_is_eval(folder, project, as_of)


def _snapshot_periods(
    folder: Path, entity: str, columns: dict[str, tuple[str, Any]]
) -> set[tuple[Any, ...]]:
    """(segment, key, from, to) periods of membership by the dbt snapshot: consecutive
    versions of a key in which a segment's column is true (a class's: its segmentation's
    column holds the class) are one period. ``columns``: segment → (column, value)."""
    cols, rows = _table(folder, f"segdsl_{entity}_membership_snapshot")
    at = {c: i for i, c in enumerate(cols)}
    by_key: dict[Any, list[tuple[Any, ...]]] = {}
    for r in rows:
        by_key.setdefault(r[0], []).append(r)
    out: set[tuple[Any, ...]] = set()
    for key, versions in by_key.items():
        versions.sort(key=lambda r: r[at["dbt_valid_from"]])
        for name, (column, value) in columns.items():
            start: Any = None
            end: Any = None
            for v in versions:
                if v[at[column]] == value:
                    start = v[at["dbt_valid_from"]] if start is None else start
                    end = v[at["dbt_valid_to"]]
                elif start is not None:
                    out.add((name, str(key), start, end))
                    start = None
            if start is not None:
                out.add((name, str(key), start, end))
    return out


def test_the_snapshot_after_two_builds_matches_syncs_history(tmp_path: Path) -> None:
    dbt = dbt_executable()
    root = hp.write_project(tmp_path / "p", hp.make_data(), hp.SEGMENTS + TRICKY + BANDS)
    add_toml(root, "[warehouse]\n")
    project = segdsl.load_project(root)
    folder = make_dbt_project(tmp_path / "dbt")
    export_dbt(project, folder)
    for t in (hp.AS_OFS[0], hp.AS_OFS[2]):
        _build(dbt, folder, t.isoformat() + "+00:00")
        sync(project, as_of=t)
        _assert_model_is_eval(folder, project, t)
    synced = {(s, k, vf, vt) for _e, s, k, vf, vt in history_rows(root, "duckdb")}
    from_dbt: set[tuple[Any, ...]] = set()
    segments, groupings = project.select_with_segmentations(None)
    for entity in ("customer", "shop"):
        columns: dict[str, tuple[str, Any]] = {
            s.name: (s.name, True) for s in segments if s.entity == entity
        }
        for g in groupings:
            if g.entity == entity:
                columns.update({g.segment_name(c): (g.name, c) for c in g.classes})
        from_dbt |= _snapshot_periods(folder, entity, columns)
    assert from_dbt == synced
    assert {r[3] for r in synced} == {None, hp.AS_OFS[2]}  # someone left at the 2nd instant
    # the rule text reached dbt as text: the Jinja in it was not run
    manifest = json.loads((folder / "target" / "manifest.json").read_text(encoding="utf-8"))
    node = manifest["nodes"]["model.segdsl_example.segdsl_customer_membership"]
    rule = node["columns"]["jinja_in_text"]["meta"]["segdsl"]["rule"]
    assert "{{ run_query('drop table x') }}" in rule and "{% raw %}" in rule


RENDER = """
import datetime, json, sys
import jinja2, pytz

header = sys.stdin.read()


class Modules:
    datetime = datetime
    pytz = pytz


out = {}
for value in json.loads(sys.argv[1]):
    env = jinja2.Environment()
    ctx = {
        "var": lambda name, default=None, v=value: default if v is None else v,
        "run_started_at": datetime.datetime(2026, 7, 1, 8, 30, 15, 123456),
        "modules": Modules,
    }
    try:
        out[str(value)] = env.from_string(header + "{{ segdsl_as_of }}").render(ctx).strip()
    except Exception as exc:
        out[str(value)] = "error: " + type(exc).__name__
print(json.dumps(out))
"""


def test_the_as_of_var_is_parsed_into_utc_or_refused() -> None:
    """The model's header, rendered by the Jinja of the dbt environment: dates,
    timestamps and zones become one UTC text; anything else stops the run."""
    from segdsl.tools.warehouse.templated import header

    python = dbt_executable().parent / "python"
    values = [
        None,
        "2026-06-30",
        "2026-06-30T12:34:56",
        "2026-06-30 12:34:56.5",
        "2026-06-30T02:00:00+02:00",
        "2026-06-30T12:00:00Z",
        "yesterday",
        "2026-06-30' OR 1=1 --",
    ]
    done = subprocess.run(
        [str(python), "-c", RENDER, json.dumps(values)],
        input=header("UTC"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "None": "2026-07-01 08:30:15.123456",
        "2026-06-30": "2026-06-30 00:00:00.000000",
        "2026-06-30T12:34:56": "2026-06-30 12:34:56.000000",
        "2026-06-30 12:34:56.5": "2026-06-30 12:34:56.500000",
        "2026-06-30T02:00:00+02:00": "2026-06-30 00:00:00.000000",
        "2026-06-30T12:00:00Z": "2026-06-30 12:00:00.000000",
        "yesterday": "error: ValueError",
        "2026-06-30' OR 1=1 --": "error: ValueError",
    }
    # without an offset, a value is a wall-clock time in the project's zone (as --as-of)
    berlin = subprocess.run(
        [str(python), "-c", RENDER, json.dumps([None, "2026-06-30", "2026-01-15T12:00:00Z"])],
        input=header("Europe/Berlin"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert berlin.returncode == 0, berlin.stderr
    assert json.loads(berlin.stdout) == {
        "None": "2026-07-01 08:30:15.123456",
        "2026-06-30": "2026-06-29 22:00:00.000000",
        "2026-01-15T12:00:00Z": "2026-01-15 12:00:00.000000",
    }
