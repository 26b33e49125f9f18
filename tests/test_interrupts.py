"""Interrupted and concurrent runs, with real processes (`python -m segdsl …` on a copy
of examples/retail), stopped with SIGKILL, SIGTERM and SIGINT.

Guarantees checked:

- `eval --out FILE` (.csv, .parquet, .jsonl): after any interruption FILE holds the
  complete previous content or the complete new content, never a part. The output is
  written to a temporary dot-file beside FILE (`.FILE.XXXX.tmp`) and renamed over it.
  A run stopped by SIGINT removes that file; a run killed outright (SIGKILL, or SIGTERM,
  which Python does not catch) can leave it behind, a hidden `.tmp` file that no segdsl
  command reads and that a later run ignores.
- `fmt` (in place, several files): every file is either as it was or fully formatted
  (byte-equal to what an uninterrupted run writes); the same dot-file rule.
- `snapshot`: the history store opens afterwards, holds only whole runs, and a later
  snapshot succeeds; a run killed while *creating* the store leaves no store file (the
  store is built under a temporary name and linked into place); a run killed while a
  second one waits for the lock lets the second one through.
- Two `snapshot`s at once on one store both succeed (one waits); two `fmt`s at once on
  the same files leave them formatted and whole.

Where a random delay cannot hit the critical moment reliably, the test either watches
for the temporary file to appear and signals the process then (eval), or uses a pause
hook (`SEGDSL_TEST_FMT_PAUSE`, `SEGDSL_TEST_SNAPSHOT_PAUSE` and
`SEGDSL_TEST_STORE_CREATE_PAUSE`, installed by tests/paused_cli.py; production code has none). Random delays use fixed seeds.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest
from hist_helpers import cli_command, env

from segdsl.project import load_project
from segdsl.tools.history import open_store

RETAIL = Path(__file__).resolve().parents[1] / "examples" / "retail"
AS_OF = "2026-06-30"
EARLIER = "2026-03-31"
SEEDS = (11, 23, 37)
SIGNALS = (signal.SIGKILL, signal.SIGTERM, signal.SIGINT)


# ---- helpers -------------------------------------------------------------------------


def copy_retail(dest: Path) -> Path:
    shutil.copytree(RETAIL, dest, ignore=shutil.ignore_patterns(".segdsl", "__pycache__"))
    return dest


def start(*args: str, **extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        cli_command(*args),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env(**extra),
    )


def run(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        cli_command(*args), capture_output=True, text=True, env=env(**extra), timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    return proc


def timed(*args: str) -> float:
    t0 = time.monotonic()
    run(*args)
    return time.monotonic() - t0


def finish(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=300)
    return proc.returncode, out, err


def signal_when(
    proc: subprocess.Popen[str], ready: Callable[[], bool], sig: int, after: float = 0.0
) -> bool:
    """Send ``sig`` ``after`` seconds once ``ready()`` holds (polled every millisecond);
    False when the process ended first."""
    deadline = time.monotonic() + 120
    while not ready():
        if proc.poll() is not None:
            return False
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError("the process never reached the awaited point")
        time.sleep(0.001)
    if after:
        time.sleep(after)
    if proc.poll() is not None:
        return False
    proc.send_signal(sig)
    return True


def wait_for(flag: Path, proc: subprocess.Popen[str]) -> None:
    """Wait until a paused process has created ``flag``."""
    deadline = time.monotonic() + 120
    while not flag.exists():
        if proc.poll() is not None:
            code, out, err = finish(proc)
            raise AssertionError(f"exited before the pause ({code}): {out} {err}")
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError("the process never reached the pause")
        time.sleep(0.005)


def temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def assert_only_hidden_temps(
    folder: Path, target: str, sig: int, before: list[str] | None = None
) -> None:
    """No new temporary file after SIGINT or SIGTERM (both unwind and clean up); after
    SIGKILL at most hidden ``.TARGET.….tmp`` files. ``before``: the leftovers of
    earlier runs."""
    temps = sorted(set(temp_files(folder)) - set(before or []))
    if sig in (signal.SIGINT, signal.SIGTERM):
        assert temps == [], temps
    for name in temps:
        assert name.startswith(f".{target}.") and name.endswith(".tmp"), name


# ---- eval --out ----------------------------------------------------------------------


def read_output(path: Path) -> object:
    """The rows of an export, parsed (a truncated file fails to parse or differs)."""
    if path.suffix == ".parquet":
        con = duckdb.connect()
        try:
            rel = con.sql(f"SELECT * FROM read_parquet('{path}')")
            return (rel.columns, sorted(rel.fetchall()))
        finally:
            con.close()
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in text.splitlines()]
    return text


def write_previous(path: Path) -> None:
    """A complete output of an earlier run (two members), in the format of ``path``."""
    rows = [("vip", 1), ("vip", 2)]
    if path.suffix == ".parquet":
        con = duckdb.connect()
        try:
            con.execute(
                "COPY (SELECT * FROM (VALUES ('vip', 1), ('vip', 2)) t(segment, key)) "
                f"TO '{path}' (FORMAT parquet)"
            )
        finally:
            con.close()
    elif path.suffix == ".jsonl":
        path.write_text("".join(json.dumps({"segment": s, "key": k}) + "\n" for s, k in rows))
    else:
        path.write_text("segment,key\n" + "".join(f"{s},{k}\n" for s, k in rows))


# (signal, extra delay after the temporary file appears) per round
EVAL_ROUNDS = {
    ".csv": [
        (signal.SIGKILL, 0.0),
        (signal.SIGTERM, 0.0),
        (signal.SIGINT, 0.0),
        (signal.SIGKILL, 0.02),
    ],
    ".parquet": [(signal.SIGKILL, 0.0), (signal.SIGINT, 0.0), (signal.SIGTERM, 0.01)],
    ".jsonl": [(signal.SIGKILL, 0.0), (signal.SIGINT, 0.0), (signal.SIGTERM, 0.01)],
}


@pytest.mark.parametrize("suffix", list(EVAL_ROUNDS))
def test_eval_out_is_old_or_new_never_partial(tmp_path: Path, suffix: str) -> None:
    proj = copy_retail(tmp_path / "retail")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    ref_old, ref_new = tmp_path / f"old{suffix}", tmp_path / f"new{suffix}"
    write_previous(ref_old)
    run("eval", "-p", str(proj), "--as-of", AS_OF, "--out", str(ref_new))
    old, new = read_output(ref_old), read_output(ref_new)
    assert old != new
    target = out_dir / f"members{suffix}"
    name = target.name
    hits = 0
    for sig, after in EVAL_ROUNDS[suffix]:
        shutil.copyfile(ref_old, target)  # the previous run's complete output
        earlier = temp_files(out_dir)  # left by runs killed before: ignored
        proc = start("eval", "-p", str(proj), "--as-of", AS_OF, "--out", str(target))
        # The moment that matters: the temporary file exists and is being written.
        # Signal as soon as it appears, or a few milliseconds later.
        sent = signal_when(proc, lambda e=earlier: temp_files(out_dir) != e, sig, after)
        code, _, err = finish(proc)
        if sent:
            hits += 1
        else:
            assert code == 0, err
        got = read_output(target)
        assert got in (old, new), f"{sig!r}: a partial {name}"
        assert_only_hidden_temps(out_dir, name, sig, earlier)
    assert hits >= 2, "the signal never reached the process while it wrote the file"
    # a later run ignores leftover temporary files and writes the new content
    before = temp_files(out_dir)
    run("eval", "-p", str(proj), "--as-of", AS_OF, "--out", str(target))
    assert read_output(target) == new
    assert temp_files(out_dir) == before


@pytest.mark.parametrize("seed", SEEDS[:2])
def test_eval_out_killed_at_random_moments(tmp_path: Path, seed: int) -> None:
    proj = copy_retail(tmp_path / "retail")
    ref_old, ref_new = tmp_path / "old.csv", tmp_path / "new.csv"
    write_previous(ref_old)
    span = timed("eval", "-p", str(proj), "--as-of", AS_OF, "--out", str(ref_new))
    old, new = ref_old.read_bytes(), ref_new.read_bytes()
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / "members.csv"
    rng = random.Random(seed)
    for _ in range(3):
        sig = rng.choice(SIGNALS)
        shutil.copyfile(ref_old, target)
        earlier = temp_files(out_dir)
        proc = start("eval", "-p", str(proj), "--as-of", AS_OF, "--out", str(target))
        time.sleep(rng.uniform(0.0, span * 1.1))
        if proc.poll() is None:
            proc.send_signal(sig)
        finish(proc)
        assert target.read_bytes() in (old, new)
        assert_only_hidden_temps(out_dir, target.name, sig, earlier)


def test_two_evals_writing_one_file_leave_one_whole_output(tmp_path: Path) -> None:
    proj = copy_retail(tmp_path / "retail")
    refs = [tmp_path / "a.jsonl", tmp_path / "b.jsonl"]
    run("eval", "-p", str(proj), "--as-of", EARLIER, "--out", str(refs[0]))
    run("eval", "-p", str(proj), "--as-of", AS_OF, "--out", str(refs[1]))
    whole = {r.read_bytes() for r in refs}
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / "members.jsonl"
    procs = [
        start("eval", "-p", str(proj), "--as-of", t, "--out", str(target)) for t in (EARLIER, AS_OF)
    ]
    for p in procs:
        code, _, err = finish(p)
        assert code == 0, err
    assert target.read_bytes() in whole
    assert temp_files(out_dir) == []


# ---- fmt -----------------------------------------------------------------------------


def unformat(text: str) -> str:
    """The same rules, laid out badly: extra indentation, spaces before line ends and
    after `=`; the formatter must undo all of it."""
    out = []
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            line = "    " + line.replace(" = ", " =   ") + "   "
        out.append(line)
    return "\n".join(out) + "\n\n\n"


def fmt_project(root: Path) -> tuple[list[Path], dict[str, str], dict[str, str]]:
    """Unformatted copies of the retail rules in ``root``; the texts before and after
    an uninterrupted `fmt`."""
    copy_retail(root)
    files = sorted(root.glob("*.seg"))
    assert len(files) >= 5
    for f in files:
        f.write_text(unformat(f.read_text(encoding="utf-8")), encoding="utf-8")
    original = {f.name: f.read_text(encoding="utf-8") for f in files}
    ref = root.parent / (root.name + "-ref")
    shutil.copytree(root, ref)
    run("fmt", str(ref))
    formatted = {f.name: (ref / f.name).read_text(encoding="utf-8") for f in files}
    assert all(original[n] != formatted[n] for n in original)
    return files, original, formatted


def assert_hidden_seg_temps(folder: Path, sig: int, before: list[str] | None = None) -> None:
    """No new temporary file after SIGINT; after SIGKILL/SIGTERM only hidden
    ``.NAME.seg.XXXX.tmp`` files, which are not rule files."""
    temps = sorted(set(temp_files(folder)) - set(before or []))
    if sig == signal.SIGINT:
        assert temps == [], temps
    for name in temps:
        assert name.startswith(".") and ".seg." in name, name


def assert_each_whole(files: list[Path], original: dict[str, str], fmt: dict[str, str]) -> int:
    """Each file is the original or the formatted text; the number formatted."""
    done = 0
    for f in files:
        text = f.read_text(encoding="utf-8")
        assert text in (original[f.name], fmt[f.name]), f"{f.name} is half-written"
        done += text == fmt[f.name]
    return done


@pytest.mark.parametrize("sig", SIGNALS, ids=lambda s: s.name)
def test_fmt_stopped_while_replacing_a_file(tmp_path: Path, sig: int) -> None:
    root = tmp_path / "rules"
    files, original, formatted = fmt_project(root)
    flag = tmp_path / "writing"
    proc = start("fmt", str(root), SEGDSL_TEST_FMT_PAUSE=str(flag))
    # let two files through, stop inside the third file's write
    for _ in range(2):
        wait_for(flag, proc)
        flag.unlink()
    wait_for(flag, proc)
    assert len(temp_files(root)) == 1  # the third file's new text, not yet in place
    proc.send_signal(sig)
    finish(proc)
    assert assert_each_whole(files, original, formatted) == 2
    assert_hidden_seg_temps(root, sig)
    # a later run ignores any leftover and finishes the job
    leftovers = temp_files(root)
    run("fmt", str(root))
    assert assert_each_whole(files, original, formatted) == len(files)
    assert temp_files(root) == leftovers
    run("check", "-p", str(root))  # the project loads: the dot-file is not a rule file


def test_fmt_ctrl_c_the_moment_a_temporary_file_appears(tmp_path: Path) -> None:
    """Without a hook: Ctrl-C as soon as a temporary file shows up (it may land while
    the file is being made): no temporary file is left, every file is whole."""
    root = tmp_path / "rules"
    files, original, formatted = fmt_project(root)
    for i in range(1, 4):  # more files: more moments to land in
        for f in list(files):
            if "-" not in f.stem:
                copy = f.with_name(f"{f.stem}-{i}.seg")
                copy.write_text(original[f.name], encoding="utf-8")
                original[copy.name], formatted[copy.name] = original[f.name], formatted[f.name]
                files.append(copy)
    sent = 0
    for _ in range(3):
        for f in files:
            f.write_text(original[f.name], encoding="utf-8")
        proc = start("fmt", str(root))
        sent += signal_when(proc, lambda: bool(temp_files(root)), signal.SIGINT)
        finish(proc)
        assert temp_files(root) == []
        assert_each_whole(files, original, formatted)
    assert sent >= 1


@pytest.mark.parametrize("seed", SEEDS[:2])
def test_fmt_killed_at_random_moments(tmp_path: Path, seed: int) -> None:
    root = tmp_path / "rules"
    files, original, formatted = fmt_project(root)
    base = tmp_path / "base"
    shutil.copytree(root, base)
    span = timed("fmt", str(base))
    rng = random.Random(seed)
    for _ in range(4):
        for f in files:  # back to the unformatted texts
            f.write_text(original[f.name], encoding="utf-8")
        sig = rng.choice(SIGNALS)
        earlier = temp_files(root)
        proc = start("fmt", str(root))
        time.sleep(rng.uniform(0.0, span * 1.1))
        if proc.poll() is None:
            proc.send_signal(sig)
        finish(proc)
        assert_each_whole(files, original, formatted)
        assert_hidden_seg_temps(root, sig, earlier)


def test_two_fmts_at_once_on_the_same_files(tmp_path: Path) -> None:
    root = tmp_path / "rules"
    files, original, formatted = fmt_project(root)
    for _ in range(2):
        for f in files:
            f.write_text(original[f.name], encoding="utf-8")
        procs = [start("fmt", str(root)) for _ in range(2)]
        for p in procs:
            code, _, err = finish(p)
            assert code == 0, err
        assert assert_each_whole(files, original, formatted) == len(files)
        assert temp_files(root) == []


def test_fmt_keeps_links_and_permissions(tmp_path: Path) -> None:
    root = tmp_path / "rules"
    files, original, formatted = fmt_project(root)
    real = tmp_path / "elsewhere.seg"
    real.write_text(original[files[0].name], encoding="utf-8")
    files[0].unlink()
    files[0].symlink_to(real)
    files[1].chmod(0o640)
    run("fmt", str(root))
    assert files[0].is_symlink() and files[0].resolve() == real.resolve()
    assert real.read_text(encoding="utf-8") == formatted[files[0].name]
    assert files[1].stat().st_mode & 0o777 == 0o640
    assert files[1].read_text(encoding="utf-8") == formatted[files[1].name]


# ---- snapshot ------------------------------------------------------------------------


def store_of(proj: Path) -> Path:
    return proj / ".segdsl" / "history.duckdb"


def stored(proj: Path) -> dict[tuple[str, str], list[object]]:
    """Every snapshot's members, through the store's API (fails on a damaged store), by
    segment and as-of date in the project's time zone (the store keeps UTC instants)."""
    zone = ZoneInfo(load_project(proj).catalog.timezone)
    with open_store(store_of(proj), read_only=True) as store:
        out = {}
        for s in store.snapshots():
            members = store.members(s.id)
            assert len(members) == s.size  # each snapshot whole
            local = s.as_of.replace(tzinfo=dt.UTC).astimezone(zone).date()
            out[(s.segment, local.isoformat())] = members
        return out


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], list[object]]:
    """What an uninterrupted snapshot of every retail segment stores, at two as-ofs."""
    proj = copy_retail(tmp_path_factory.mktemp("ref") / "retail")
    run("snapshot", "-p", str(proj), "--as-of", EARLIER)
    run("snapshot", "-p", str(proj), "--as-of", AS_OF)
    return stored(proj)


def by_as_of(
    state: dict[tuple[str, str], list[object]], as_of: str
) -> dict[tuple[str, str], list[object]]:
    return {k: v for k, v in state.items() if k[1] == as_of}


@pytest.mark.parametrize("sig", SIGNALS, ids=lambda s: s.name)
def test_snapshot_stopped_while_creating_the_store(
    tmp_path: Path, sig: int, reference: dict[tuple[str, str], list[object]]
) -> None:
    proj = copy_retail(tmp_path / "retail")
    flag = tmp_path / "creating"
    proc = start(
        "snapshot", "-p", str(proj), "--as-of", AS_OF, SEGDSL_TEST_STORE_CREATE_PAUSE=str(flag)
    )
    wait_for(flag, proc)
    proc.send_signal(sig)
    finish(proc)
    folder = store_of(proj).parent
    assert not store_of(proj).exists()  # no empty or half-made store
    leftovers = sorted(p.name for p in folder.iterdir())
    if sig == signal.SIGINT:
        assert leftovers == []
    assert all(n.startswith(".history.duckdb.") for n in leftovers), leftovers
    run("snapshot", "-p", str(proj), "--as-of", AS_OF)
    assert stored(proj) == by_as_of(reference, AS_OF)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=lambda s: s.name)
def test_snapshot_stopped_inside_its_transaction(
    tmp_path: Path, sig: int, reference: dict[tuple[str, str], list[object]]
) -> None:
    """SIGKILL here is in test_history.py; SIGTERM (not caught: the process dies) and
    SIGINT (KeyboardInterrupt: a rollback) must leave the store as it was too."""
    proj = copy_retail(tmp_path / "retail")
    run("snapshot", "-p", str(proj), "--as-of", EARLIER)
    before = stored(proj)
    flag = tmp_path / "inside"
    proc = start(
        "snapshot", "-p", str(proj), "--as-of", AS_OF, SEGDSL_TEST_SNAPSHOT_PAUSE=str(flag)
    )
    wait_for(flag, proc)
    proc.send_signal(sig)
    code, _, _ = finish(proc)
    assert code != 0
    assert stored(proj) == before
    run("snapshot", "-p", str(proj), "--as-of", AS_OF)
    assert stored(proj) == reference


def test_a_waiting_snapshot_goes_on_when_the_holder_is_killed(
    tmp_path: Path, reference: dict[tuple[str, str], list[object]]
) -> None:
    proj = copy_retail(tmp_path / "retail")
    run("snapshot", "-p", str(proj), "--as-of", EARLIER)
    flag = tmp_path / "holding"
    holder = start(
        "snapshot", "-p", str(proj), "--as-of", "2026-05-31", SEGDSL_TEST_SNAPSHOT_PAUSE=str(flag)
    )
    wait_for(flag, holder)
    waiter = start("snapshot", "-p", str(proj), "--as-of", AS_OF)
    time.sleep(2)
    assert waiter.poll() is None  # waiting for the lock
    holder.send_signal(signal.SIGKILL)
    finish(holder)
    code, _, err = finish(waiter)
    assert code == 0, err
    assert stored(proj) == reference  # the killed run left nothing; the waiter wrote all


@pytest.mark.parametrize("seed", SEEDS[:1])
def test_snapshot_killed_at_random_moments(
    tmp_path: Path, seed: int, reference: dict[tuple[str, str], list[object]]
) -> None:
    """No hook: each round starts without a store (so kills land in its creation too),
    is killed after a random delay, and must leave no store or a whole one."""
    rng = random.Random(seed)
    proj = copy_retail(tmp_path / "retail")
    span = timed("snapshot", "-p", str(proj), "--as-of", AS_OF)
    expected = by_as_of(reference, AS_OF)
    for _ in range(3):
        shutil.rmtree(store_of(proj).parent)
        proc = start("snapshot", "-p", str(proj), "--as-of", AS_OF)
        time.sleep(rng.uniform(0.0, span * 1.1))
        if proc.poll() is None:
            proc.send_signal(rng.choice(SIGNALS))
        finish(proc)
        if store_of(proj).exists():
            assert stored(proj) in ({}, expected)  # all or nothing
    run("snapshot", "-p", str(proj), "--as-of", AS_OF)  # a later run succeeds
    assert stored(proj) == expected


def test_two_snapshots_at_once_both_stored(
    tmp_path: Path, reference: dict[tuple[str, str], list[object]]
) -> None:
    """Started together on a project without a store: both create it at once (one
    link wins), one waits for the other's lock, and both runs are stored whole."""
    proj = copy_retail(tmp_path / "retail")
    procs = [start("snapshot", "-p", str(proj), "--as-of", t) for t in (EARLIER, AS_OF)]
    for p in procs:
        code, out, err = finish(p)
        assert code == 0, err
        assert "snapshots stored" in out
    assert stored(proj) == reference
    assert sorted(p.name for p in store_of(proj).parent.iterdir()) == ["history.duckdb"]
