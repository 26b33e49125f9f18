"""`segdsl snapshot` and `segdsl history`: stored memberships checked against plain
Python sets, idempotence, rule-change flags, lossless keys, a run killed inside its
transaction, two runs at once, and clear errors for every bad input."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import duckdb
import hist_project as hp
import pytest
from hist_helpers import assert_clean_error, cli_command, env, invoke, run_cli, store_path

import segdsl
from segdsl.diagnostics import SegdslError
from segdsl.semantic.rulehash import canonical_text, rule_hash
from segdsl.tools.history import (
    decode_key,
    key_type_of,
    members_hash,
    open_store,
    segment_history,
    take_snapshot,
)


@pytest.fixture
def data() -> hp.Data:
    return hp.make_data()


@pytest.fixture
def root(tmp_path: Path, data: hp.Data) -> Path:
    return hp.write_project(tmp_path / "proj", data)


def _iso(t: dt.datetime) -> str:
    return t.isoformat()


def stored_members(root: Path) -> dict[tuple[str, dt.datetime], list[object]]:
    """Every snapshot's members, read back through the store's API."""
    with open_store(store_path(root), read_only=True) as store:
        return {(s.segment, s.as_of): store.members(s.id) for s in store.snapshots()}


def count_rows(path: Path) -> tuple[int, int, int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return tuple(  # type: ignore[return-value]
            int(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0])  # type: ignore[index]
            for t in ("snapshots", "member_sets", "members")
        )
    finally:
        con.close()


# ---- snapshot contents ---------------------------------------------------------------


def test_snapshot_stores_every_segment_with_members_from_the_oracle(
    root: Path, data: hp.Data
) -> None:
    code, out, err = invoke("snapshot", "-p", str(root), "--as-of", _iso(hp.T0))
    assert code == 0, err
    assert "9 snapshots stored, 0 already there" in out
    oracle = hp.Oracle(data, hp.T0)
    got = stored_members(root)
    assert len(got) == 9
    for name in hp.CUSTOMER_SEGMENTS:
        members = got[(name, hp.T0)]
        assert set(members) == oracle.members(name), name
        assert members == sorted(members)
        assert all(type(k) is int for k in members)
    assert set(got[("north", hp.T0)]) == oracle.north()
    with open_store(store_path(root), read_only=True) as store:
        rows = {s.segment: s for s in store.snapshots()}
    assert rows["adults"].entity == "customer" and rows["north"].entity == "shop"
    assert rows["adults"].entity_count == len(data.customers)
    assert rows["north"].entity_count == len(data.shops)
    assert rows["us"].size == len(oracle.us())
    p = segdsl.load_project(root)
    assert rows["picky"].rule_hash == rule_hash(p.segment("picky"))
    assert rows["picky"].taken_at.tzinfo is None  # naive UTC
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    assert abs((now - rows["picky"].taken_at).total_seconds()) < 300


def test_snapshot_of_chosen_names_only(root: Path, data: hp.Data) -> None:
    assert invoke("snapshot", "us", "picky", "-p", str(root), "--as-of", "2026-06-15")[0] == 0
    got = stored_members(root)
    t = dt.datetime(2026, 6, 15)
    assert set(got) == {("us", t), ("picky", t)}
    assert set(got[("picky", t)]) == hp.Oracle(data, t).picky()


def test_same_snapshot_twice_changes_nothing_and_says_so(root: Path) -> None:
    args = ("snapshot", "-p", str(root), "--as-of", _iso(hp.T0))
    assert invoke(*args)[0] == 0
    before = count_rows(store_path(root))
    code, out, _ = invoke(*args)
    assert code == 0
    assert "0 snapshots stored, 9 already there" in out
    assert out.count("unchanged ") == 9
    assert count_rows(store_path(root)) == before
    # one new segment among known ones: only that one is stored
    code, out, _ = invoke("snapshot", "us", "adults", "-p", str(root), "--as-of", "2026-06-01")
    assert "2 snapshots stored" in out
    code, out, _ = invoke("snapshot", "us", "-p", str(root), "--as-of", _iso(hp.T0))
    assert "0 snapshots stored, 1 already there" in out


def test_equal_member_sets_are_stored_once(root: Path) -> None:
    # `adults` and `us` do not depend on time: three as-ofs, one member set each
    for t in hp.AS_OFS:
        invoke("snapshot", "adults", "us", "-p", str(root), "--as-of", _iso(t))
    snapshots, sets, _ = count_rows(store_path(root))
    assert snapshots == 6
    assert sets == 2


# ---- history -------------------------------------------------------------------------


def test_history_entered_left_and_sizes_match_python_sets(root: Path, data: hp.Data) -> None:
    # taken out of order: history sorts by as-of, then taken-at
    for t in reversed(hp.AS_OFS):
        assert invoke("snapshot", "recent_buyers", "-p", str(root), "--as-of", _iso(t))[0] == 0
    code, out, err = invoke("history", "recent_buyers", "-p", str(root), "-f", "json")
    assert code == 0, err
    doc = json.loads(out)
    sets = [hp.Oracle(data, t).recent_buyers() for t in hp.AS_OFS]
    assert [s["as_of"] for s in doc["snapshots"]] == [_iso(t) for t in hp.AS_OFS]
    assert [s["members"] for s in doc["snapshots"]] == [len(s) for s in sets]
    assert doc["snapshots"][0]["entered"] is None and doc["snapshots"][0]["left"] is None
    for i in (1, 2):
        assert doc["snapshots"][i]["entered"] == len(sets[i] - sets[i - 1])
        assert doc["snapshots"][i]["left"] == len(sets[i - 1] - sets[i])
        assert doc["snapshots"][i]["rule_changed"] is False
    assert any(doc["snapshots"][i]["entered"] for i in (1, 2))  # the data moves
    assert all(s["entity_count"] == len(data.customers) for s in doc["snapshots"])
    code, text, _ = invoke("history", "recent_buyers", "-p", str(root))
    assert code == 0
    lines = text.splitlines()
    assert lines[0].startswith("history of recent_buyers (3 snapshots")
    assert f"+{len(sets[2] - sets[1])}" in lines[-1] and f"-{len(sets[1] - sets[2])}" in lines[-1]


def test_history_flags_a_rule_change_and_counts_who_moved(root: Path, data: hp.Data) -> None:
    assert invoke("snapshot", "recent_buyers", "-p", str(root), "--as-of", _iso(hp.T0))[0] == 0
    measures = root / "measures.seg"
    measures.write_text(measures.read_text().replace("last 30 days", "last 60 days"))
    assert invoke("snapshot", "recent_buyers", "-p", str(root), "--as-of", _iso(hp.T0))[0] == 0
    # the same rule, written differently (layout, comment): no change
    measures.write_text(
        "# spend and frequency\nmeasure   buys_30d =\n  count( purchase in last 60 days )\n"
        "measure spend = sum(purchase.amount)\n"
    )
    assert invoke("snapshot", "recent_buyers", "-p", str(root), "--as-of", "2026-07-01")[0] == 0
    h = segment_history(segdsl.load_project(root), "recent_buyers")
    assert [p.rule_changed for p in h.points] == [False, True, False]
    before = hp.Oracle(data, hp.T0, window_days=30).recent_buyers()
    after = hp.Oracle(data, hp.T0, window_days=60).recent_buyers()
    assert after != before
    assert h.points[1].entered == len(after - before)
    assert h.points[1].left == len(before - after)
    assert h.points[1].snapshot.size == len(after)
    later = hp.Oracle(data, dt.datetime(2026, 7, 1), window_days=60).recent_buyers()
    assert h.points[2].entered == len(later - after)
    assert h.points[2].left == len(after - later)
    code, text, _ = invoke("history", "recent_buyers", "-p", str(root))
    assert code == 0
    assert [line.endswith("* changed") for line in text.splitlines()[2:]] == [False, True, False]


def test_same_as_of_taken_twice_with_other_data_is_a_new_snapshot(
    root: Path, data: hp.Data
) -> None:
    assert invoke("snapshot", "us", "-p", str(root), "--as-of", _iso(hp.T0))[0] == 0
    changed = hp.Data(
        [hp.Customer(c.key, c.age, "US") for c in data.customers[:5]] + data.customers[5:],
        data.orders,
        data.shops,
    )
    hp.write_data(root, changed)
    code, out, _ = invoke("snapshot", "us", "-p", str(root), "--as-of", _iso(hp.T0))
    assert code == 0 and "1 snapshot stored" in out
    h = segment_history(segdsl.load_project(root), "us")
    assert len(h.points) == 2
    assert h.points[0].snapshot.taken_at <= h.points[1].snapshot.taken_at
    old, new = hp.Oracle(data, hp.T0).us(), hp.Oracle(changed, hp.T0).us()
    assert (h.points[1].entered, h.points[1].left) == (len(new - old), len(old - new))


# ---- keys ----------------------------------------------------------------------------


def test_string_keys_come_back_as_strings(tmp_path: Path) -> None:
    data = hp.make_data(string_keys=True)
    root = hp.write_project(tmp_path / "s", data)
    run = take_snapshot(segdsl.load_project(root), ["picky", "us"], hp.T0)
    assert all(r.created for r in run.results)
    got = stored_members(root)
    oracle = hp.Oracle(data, hp.T0)
    for name in ("picky", "us"):
        members = got[(name, hp.T0)]
        assert all(type(k) is str for k in members)
        assert set(members) == oracle.members(name)


def test_key_encoding_is_lossless() -> None:
    assert key_type_of([1, 2**62, -5]) == "integer"
    assert key_type_of(["a", "1", ""]) == "string"
    u = uuid.UUID("12345678-1234-5678-1234-567812345678")
    assert key_type_of([u]) == "uuid"
    assert decode_key(str(u), "uuid") == u
    assert decode_key("-17", "integer") == -17
    assert decode_key("007", "string") == "007"
    # the type is part of the content hash; the length prefix keeps "a,b" from "a","b"
    assert members_hash([1, 2], "integer") != members_hash(["1", "2"], "string")
    assert members_hash(["ab"], "string") != members_hash(["a", "b"], "string")
    with pytest.raises(SegdslError) as err:
        key_type_of([1, "a"])
    assert err.value.diagnostics[0].code == "H006"
    with pytest.raises(SegdslError):
        key_type_of([1.5])


# ---- the rule hash -------------------------------------------------------------------


def test_rule_hash_is_stable_across_processes(root: Path) -> None:
    p = segdsl.load_project(root)
    mine = {n: rule_hash(p.segment(n)) for n in hp.CUSTOMER_SEGMENTS}
    code = (
        "import json, segdsl; from segdsl.semantic.rulehash import rule_hash; "
        f"p = segdsl.load_project({str(root)!r}); "
        "print(json.dumps({n: rule_hash(s) for n, s in p.segments.items()}))"
    )
    for seed in ("1", "2"):
        proc = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env=env(PYTHONHASHSEED=seed),
            timeout=60,
        )
        assert proc.returncode == 0, proc.stderr
        theirs = json.loads(proc.stdout)
        assert {n: theirs[n] for n in mine} == mine


def test_rule_hash_follows_meaning_not_text(tmp_path: Path, data: hp.Data) -> None:
    def hashes(segments: str, measures: str = hp.MEASURES) -> dict[str, str]:
        root = hp.write_project(tmp_path / f"p{len(list(tmp_path.iterdir()))}", data, segments)
        (root / "measures.seg").write_text(measures)
        p = segdsl.load_project(root)
        return {n: rule_hash(s) for n, s in p.segments.items()}

    base = hashes(hp.SEGMENTS)
    assert len(set(base.values())) == len(base)  # different rules, different hashes
    # metadata, layout and comments are not the rule
    relaid = hashes(
        hp.SEGMENTS.replace('title "Young <US> buyers & co"', 'title "Other" owner "x@y.z"')
        .replace("age 18..30 and", "age 18..30   # the young\n  and")
        .replace("segment adults where age >= 18", "segment adults\n  where (age >= 18)")
    )
    assert relaid == base
    # a renamed measure with the same definition: the rules mean the same
    renamed = hashes(
        hp.SEGMENTS.replace("buys_30d", "purchases_30d"),
        hp.MEASURES.replace("buys_30d", "purchases_30d"),
    )
    assert renamed == base
    # a changed constant, window or percentage changes exactly the rules that use it
    changed = hashes(hp.SEGMENTS.replace("top 20% by spend", "top 25% by spend"))
    assert {n for n in base if base[n] != changed[n]} == {"top_spenders"}
    window = hashes(hp.SEGMENTS, hp.MEASURES.replace("30 days", "31 days"))
    assert {n for n in base if base[n] != window[n]} == {
        "recent_buyers",
        "young_us_buyers",
        "anyone_odd",
    }


def test_canonical_text_leaves_out_spans_and_names(root: Path) -> None:
    p = segdsl.load_project(root)
    text = canonical_text(p.segment("young_us_buyers"))
    assert "buys_30d" not in text  # the measure is inlined, its name left out
    assert "segments.seg" not in text
    assert '"entity":"customer"' in text


# ---- configuration and bad input -----------------------------------------------------


def _set_history(root: Path, body: str) -> None:
    cat = root / "segdsl.toml"
    cat.write_text(cat.read_text() + "\n[history]\n" + textwrap.dedent(body))


def test_configured_store_path(root: Path, tmp_path: Path) -> None:
    _set_history(root, 'path = "state/segments.duckdb"\nlock_timeout = 5\n')
    code, out, _ = invoke("snapshot", "us", "-p", str(root), "--as-of", _iso(hp.T0))
    assert code == 0
    assert (root / "state" / "segments.duckdb").is_file()
    assert not store_path(root).exists()
    code, out, _ = invoke("history", "us", "-p", str(root))
    assert code == 0 and "state/segments.duckdb" in out


@pytest.mark.parametrize(
    "body, words",
    [
        ('paht = "x.duckdb"\n', "unknown key `paht`"),
        ("path = 3\n", "`path` must be a non-empty text"),
        ('path = ""\n', "`path` must be a non-empty text"),
        ('lock_timeout = "soon"\n', "`lock_timeout` must be a number"),
        ("lock_timeout = -1\n", "`lock_timeout` must be a number"),
    ],
)
def test_bad_history_config(root: Path, body: str, words: str) -> None:
    _set_history(root, body)
    for args in (("snapshot", "us"), ("history", "us")):
        code, _, err = invoke(*args, "-p", str(root))
        assert_clean_error(code, err, "H001")
        assert words in err


def test_unwritable_store_path(root: Path) -> None:
    (root / "blocker").write_text("a file where a folder should be")
    _set_history(root, 'path = "blocker/history.duckdb"\n')
    code, _, err = invoke("snapshot", "us", "-p", str(root), "--as-of", _iso(hp.T0))
    assert_clean_error(code, err, "H002")
    assert "cannot create the folder" in err


def test_store_path_is_a_folder(root: Path) -> None:
    store_path(root).mkdir(parents=True)
    code, _, err = invoke("snapshot", "us", "-p", str(root), "--as-of", _iso(hp.T0))
    assert_clean_error(code, err, "H002")


def test_corrupt_store_is_refused_and_left_alone(root: Path) -> None:
    path = store_path(root)
    path.parent.mkdir(parents=True)
    junk = os.urandom(4096)
    path.write_bytes(junk)
    for args in (("snapshot", "us", "--as-of", _iso(hp.T0)), ("history", "us")):
        code, _, err = invoke(*args, "-p", str(root))
        assert_clean_error(code, err, "H003")
        assert "not a segdsl history store" in err
    assert path.read_bytes() == junk


def test_foreign_duckdb_file_is_refused_and_left_alone(root: Path) -> None:
    path = store_path(root)
    path.parent.mkdir(parents=True)
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE invoices (id INTEGER)")
    con.execute("INSERT INTO invoices VALUES (1), (2)")
    con.close()
    code, _, err = invoke("snapshot", "us", "-p", str(root), "--as-of", _iso(hp.T0))
    assert_clean_error(code, err, "H003")
    assert "invoices" in err
    con = duckdb.connect(str(path), read_only=True)
    assert con.execute("SELECT count(*) FROM invoices").fetchone() == (2,)
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    con.close()
    assert tables == {"invoices"}


def test_store_of_a_newer_format_is_refused(root: Path) -> None:
    assert invoke("snapshot", "us", "-p", str(root), "--as-of", _iso(hp.T0))[0] == 0
    con = duckdb.connect(str(store_path(root)))
    con.execute("UPDATE segdsl_history_meta SET value = '99' WHERE key = 'version'")
    con.close()
    code, _, err = invoke("history", "us", "-p", str(root))
    assert_clean_error(code, err, "H005")


def test_history_without_a_store_or_a_snapshot(root: Path) -> None:
    code, _, err = invoke("history", "us", "-p", str(root))
    assert_clean_error(code, err, "H010")
    assert "segdsl snapshot" in err
    assert invoke("snapshot", "adults", "-p", str(root), "--as-of", _iso(hp.T0))[0] == 0
    code, _, err = invoke("history", "us", "-p", str(root))
    assert_clean_error(code, err, "H011")
    assert "segdsl snapshot us" in err


def test_unknown_segment_suggests_a_name(root: Path) -> None:
    code, _, err = invoke("snapshot", "adultz", "-p", str(root), "--as-of", _iso(hp.T0))
    assert_clean_error(code, err, "U004")
    assert "did you mean `adults`" in err
    assert not store_path(root).exists()  # nothing is created for a mistake
    assert invoke("snapshot", "adults", "-p", str(root), "--as-of", _iso(hp.T0))[0] == 0
    code, _, err = invoke("history", "adultz", "-p", str(root))
    assert_clean_error(code, err, "U004")
    assert "did you mean `adults`" in err


def test_history_of_a_segment_deleted_from_the_project(root: Path) -> None:
    assert invoke("snapshot", "adults", "-p", str(root), "--as-of", _iso(hp.T0))[0] == 0
    seg = root / "segments.seg"
    seg.write_text(seg.read_text().replace("segment adults where age >= 18\n", ""))
    code, out, err = invoke("history", "adults", "-p", str(root))
    assert code == 0, err
    assert "history of adults (1 snapshot" in out


def test_no_data(root: Path) -> None:
    (root / "data" / "orders.csv").unlink()
    code, _, err = invoke("snapshot", "-p", str(root), "--as-of", _iso(hp.T0))
    assert_clean_error(code, err, "D001")
    assert not store_path(root).exists()


def test_bad_as_of_is_a_usage_error(root: Path) -> None:
    code, _, err = invoke("snapshot", "-p", str(root), "--as-of", "yesterday-ish")
    assert code == 2 and "U001" in err


# ---- interrupted and concurrent runs (real processes) --------------------------------


def _wait_for(path: Path, proc: subprocess.Popen[str], limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while not path.exists():
        if proc.poll() is not None:
            out, err = proc.communicate()
            raise AssertionError(f"exited early ({proc.returncode}): {out} {err}")
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError("the snapshot never reached its transaction")
        time.sleep(0.02)


def _history_state(root: Path) -> dict[tuple[str, dt.datetime], list[object]]:
    return stored_members(root)


def test_a_run_killed_inside_its_transaction_leaves_history_intact(
    root: Path, data: hp.Data, tmp_path: Path
) -> None:
    first = dt.datetime(2026, 6, 15)
    assert run_cli("snapshot", "-p", str(root), "--as-of", _iso(first)).returncode == 0
    before = _history_state(root)
    assert len(before) == 9
    marker = tmp_path / "inside-transaction"
    proc = subprocess.Popen(
        cli_command("snapshot", "-p", str(root), "--as-of", _iso(hp.T0)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env(SEGDSL_TEST_SNAPSHOT_PAUSE=str(marker)),
    )
    _wait_for(marker, proc)  # every row of the new run is written, not committed
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    # the earlier history is intact and readable; nothing of the killed run is there
    assert _history_state(root) == before
    code, out, err = invoke("history", "picky", "-p", str(root), "-f", "json")
    assert code == 0, err
    assert [s["as_of"] for s in json.loads(out)["snapshots"]] == [_iso(first)]
    # and a new snapshot succeeds
    proc2 = run_cli("snapshot", "-p", str(root), "--as-of", _iso(hp.T0))
    assert proc2.returncode == 0, proc2.stderr
    after = _history_state(root)
    assert len(after) == 18
    oracle = hp.Oracle(data, hp.T0)
    for name in hp.CUSTOMER_SEGMENTS:
        assert set(after[(name, hp.T0)]) == oracle.members(name)
        assert after[(name, first)] == before[(name, first)]


def test_runs_killed_at_arbitrary_moments_commit_all_or_nothing(tmp_path: Path) -> None:
    """No hook: a larger project, killed after growing delays; each time the store holds
    either every snapshot of the run or none, each complete."""
    data = hp.make_data(n=30_000, seed=5)
    root = hp.write_project(tmp_path / "big", data)
    assert run_cli("snapshot", "-p", str(root), "--as-of", "2026-06-01").returncode == 0
    baseline = _history_state(root)
    outcomes = set()
    for i, delay in enumerate((0.5, 1.0, 1.5, 2.0, 2.5, 3.5)):
        as_of = dt.datetime(2026, 6, 2 + i)
        proc = subprocess.Popen(
            cli_command("snapshot", "-p", str(root), "--as-of", _iso(as_of)),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env(),
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        state = _history_state(root)
        new = {k for k in state if k[1] == as_of}
        assert len(new) in (0, 9), new  # one transaction: all or nothing
        outcomes.add(len(new))
        for key, members in baseline.items():
            assert state[key] == members
        with open_store(store_path(root), read_only=True) as store:
            for s in store.snapshots():
                assert len(store.members(s.id)) == s.size
    proc2 = run_cli("snapshot", "us", "-p", str(root), "--as-of", "2026-07-01")
    assert proc2.returncode == 0, proc2.stderr
    assert 0 in outcomes  # at least one kill landed before the commit


def test_two_runs_at_once_both_succeed(root: Path, data: hp.Data, tmp_path: Path) -> None:
    marker = tmp_path / "holding"
    first = subprocess.Popen(
        cli_command("snapshot", "-p", str(root), "--as-of", "2026-06-15"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env(SEGDSL_TEST_SNAPSHOT_PAUSE=str(marker)),
    )
    _wait_for(marker, first)  # the first run holds the store, inside its transaction
    second = subprocess.Popen(
        cli_command("snapshot", "-p", str(root), "--as-of", _iso(hp.T0)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env(),
    )
    time.sleep(3)
    assert second.poll() is None  # it cannot get past the first run's lock
    marker.unlink()  # let the first run commit
    out1, err1 = first.communicate(timeout=60)
    out2, err2 = second.communicate(timeout=120)
    assert first.returncode == 0, err1
    assert second.returncode == 0, err2
    assert "9 snapshots stored" in out1 and "9 snapshots stored" in out2
    state = _history_state(root)
    assert len(state) == 18
    for t in (dt.datetime(2026, 6, 15), hp.T0):
        oracle = hp.Oracle(data, t)
        for name in hp.CUSTOMER_SEGMENTS:
            assert set(state[(name, t)]) == oracle.members(name)
    with open_store(store_path(root), read_only=True) as store:
        ids = {s.as_of: set() for s in store.snapshots()}
        for s in store.snapshots():
            ids[s.as_of].add(s.id)
    # the second run wrote after the first one committed: it saw its rows
    assert ids[dt.datetime(2026, 6, 15)] == set(range(1, 10))
    assert ids[hp.T0] == set(range(10, 19))


def test_lock_timeout_gives_a_clear_error(root: Path, tmp_path: Path) -> None:
    _set_history(root, "lock_timeout = 0.3\n")
    marker = tmp_path / "holding"
    holder = subprocess.Popen(
        cli_command("snapshot", "us", "-p", str(root), "--as-of", "2026-06-15"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env(SEGDSL_TEST_SNAPSHOT_PAUSE=str(marker)),
    )
    _wait_for(marker, holder)
    try:
        second = run_cli("snapshot", "us", "-p", str(root), "--as-of", _iso(hp.T0))
    finally:
        marker.unlink()
    assert second.returncode == 1
    assert "error[H004]" in second.stderr and "in use by another process" in second.stderr
    assert "Traceback" not in second.stderr
    holder.communicate(timeout=60)
    assert holder.returncode == 0
    state = _history_state(root)
    assert set(state) == {("us", dt.datetime(2026, 6, 15))}


@pytest.mark.parametrize("command", ["snapshot", "history", "explain", "overlap"])
def test_help_has_examples(command: str) -> None:
    code, out, _ = invoke(command, "--help")
    assert code == 0
    assert "Examples" in out
    assert f"segdsl {command} " in out and "-p examples/retail" in out
