"""The history store: memberships of segments over time, in an embedded DuckDB file.

``segdsl snapshot`` evaluates segments once and stores, for each, a snapshot row
(segment, entity, as-of, taken-at, rule hash, size) and the member keys; ``segdsl
history`` reads them back as size over time with who entered and left. See
docs/history.md.

Guarantees:

- **One transaction per snapshot run.** Every segment of a run is written in one
  DuckDB transaction: a run killed part-way leaves the store as it was before.
- **Idempotent.** A snapshot equal to one already stored (same segment, entity, as-of,
  rule hash and members) is not stored again.
- **Created whole.** A new store is built under a temporary dot-file name beside it
  (``.history.duckdb.*.tmp``) and linked into place only once its schema is committed:
  a run killed while creating it leaves no store (and, at worst, that ignored
  dot-file), never an empty or half-written file that later runs would refuse.
- **One writer at a time.** DuckDB locks the file; a second run retries opening it
  with a growing pause until ``[history] lock_timeout`` seconds have passed, then
  stops with ``H004``. Nothing is lost: each run commits whole or not at all.
- **Lossless keys.** Member keys are stored as text with the key type of their set
  (``integer``, ``string`` or ``uuid``) and come back with that type.

Member sets are stored once per distinct content (keyed by a hash of the sorted
keys), so a segment whose members did not change costs one row per snapshot.

The store's SQL is fixed text with ``?`` parameters: no user text is ever part of it.

Why this module is long: the store's schema, its transactional writes and its reads share one connection discipline (locking, temporary files, idempotence) that is easiest to check in one place.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from segdsl import __version__
from segdsl.diagnostics import Diagnostic, SegdslError

if TYPE_CHECKING:
    import duckdb

    from segdsl.project import Project

FORMAT_NAME = "segdsl-history"
FORMAT_VERSION = 1
DEFAULT_PATH = ".segdsl/history.duckdb"
DEFAULT_LOCK_TIMEOUT = 30.0

Key = int | str | uuid.UUID

_SCHEMA = (
    "CREATE TABLE segdsl_history_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)",
    "CREATE TABLE snapshots ("
    " id BIGINT PRIMARY KEY, segment VARCHAR NOT NULL, entity VARCHAR NOT NULL,"
    " as_of TIMESTAMP NOT NULL, taken_at TIMESTAMP NOT NULL, rule_hash VARCHAR NOT NULL,"
    " size BIGINT NOT NULL, entity_count BIGINT NOT NULL, members_hash VARCHAR NOT NULL,"
    " segdsl_version VARCHAR NOT NULL)",
    "CREATE TABLE member_sets ("
    " hash VARCHAR PRIMARY KEY, key_type VARCHAR NOT NULL, size BIGINT NOT NULL)",
    "CREATE TABLE members (set_hash VARCHAR NOT NULL, member VARCHAR NOT NULL)",
)
_TABLES = frozenset({"segdsl_history_meta", "snapshots", "member_sets", "members"})


# ---- configuration -------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryConfig:
    path: Path  # the store file
    lock_timeout: float  # seconds to wait for another run holding the store


def _config_error(catalog_path: str, message: str, hint: str) -> SegdslError:
    return SegdslError(Diagnostic("H001", f"`[history]`: {message}", path=catalog_path, hint=hint))


def history_config(project: Project) -> HistoryConfig:
    """The ``[history]`` table of ``segdsl.toml``, validated: ``path`` (relative to
    the project folder, default ``.segdsl/history.duckdb``) and ``lock_timeout``."""
    raw = project.catalog.history or {}
    where = project.catalog.path
    unknown = sorted(set(raw) - {"path", "lock_timeout"})
    if unknown:
        raise _config_error(
            where,
            f"unknown key `{unknown[0]}`",
            'the keys are `path` (e.g. path = ".segdsl/history.duckdb") and '
            "`lock_timeout` (seconds, e.g. lock_timeout = 30)",
        )
    path_value = raw.get("path", DEFAULT_PATH)
    if not isinstance(path_value, str) or not path_value.strip():
        raise _config_error(
            where,
            "`path` must be a non-empty text",
            'write e.g. path = ".segdsl/history.duckdb" (relative to the project folder)',
        )
    timeout = raw.get("lock_timeout", DEFAULT_LOCK_TIMEOUT)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout < 0:
        raise _config_error(
            where,
            "`lock_timeout` must be a number of seconds, 0 or more",
            "write e.g. lock_timeout = 30",
        )
    path = Path(path_value).expanduser()
    if not path.is_absolute():
        path = project.root / path
    return HistoryConfig(path, float(timeout))


# ---- keys ----------------------------------------------------------------------------


def key_type_of(keys: Sequence[object]) -> str:
    """``integer``, ``string`` or ``uuid``: the one type of every key in ``keys``;
    ``empty`` for no keys (an empty member set has no key type to claim, and none is
    ever decoded from it)."""
    kinds = set()
    for k in keys:
        if isinstance(k, bool):
            kinds.add("boolean")
        elif isinstance(k, int):
            kinds.add("integer")
        elif isinstance(k, str):
            kinds.add("string")
        elif isinstance(k, uuid.UUID):
            kinds.add("uuid")
        else:
            kinds.add(type(k).__name__)
    if not kinds:
        return "empty"
    if len(kinds) > 1 or not kinds <= {"integer", "string", "uuid"}:
        raise SegdslError(
            Diagnostic(
                "H006",
                "the entity keys are of a type the history store cannot keep: "
                + ", ".join(sorted(kinds)),
                hint="use a whole-number, text or UUID key column for the entity",
            )
        )
    return kinds.pop()


def _encode(key: object) -> str:
    return str(key)


def decode_key(text: str, key_type: str) -> Key:
    if key_type == "integer":
        return int(text)
    if key_type == "uuid":
        return uuid.UUID(text)
    return text


def members_hash(keys: Sequence[object], key_type: str) -> str:
    """SHA-256 of the key type and the sorted keys (each length-prefixed)."""
    h = hashlib.sha256(f"{key_type}\n".encode())
    for k in keys:
        text = _encode(k).encode("utf-8")
        h.update(f"{len(text)}:".encode())
        h.update(text)
    return h.hexdigest()


# ---- opening the store ---------------------------------------------------------------


def _store_error(code: str, path: Path, message: str, hint: str) -> SegdslError:
    return SegdslError(Diagnostic(code, message, path=str(path), hint=hint))


def _not_a_store(path: Path, why: str) -> SegdslError:
    return _store_error(
        "H003",
        path,
        f"{path} is not a segdsl history store ({why})",
        "point `[history] path` in segdsl.toml at another file, or move this one away; "
        "segdsl never changes a file it did not create",
    )


def _precheck(path: Path, create: bool) -> None:
    """Cheap checks before any work: the folder can be made, an existing file looks
    like a DuckDB database."""
    if path.exists():
        if path.is_dir():
            raise _store_error(
                "H002", path, f"{path} is a folder", "`[history] path` must name a file"
            )
        try:
            with path.open("rb") as fh:
                head = fh.read(16)
        except OSError as exc:
            raise _store_error(
                "H002", path, f"cannot read {path}: {exc.strerror}", "check its permissions"
            ) from None
        if head and head[8:12] != b"DUCK":
            raise _not_a_store(path, "it is not a DuckDB database file")
        return
    if not create:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _store_error(
            "H002",
            path,
            f"cannot create the folder of the history store {path}: "
            f"{exc.strerror or type(exc).__name__}",
            "set `[history] path` in segdsl.toml to a file in a folder you can write",
        ) from None
    if not os.access(path.parent, os.W_OK):
        raise _store_error(
            "H002",
            path,
            f"cannot write in {path.parent}",
            "set `[history] path` in segdsl.toml to a file in a folder you can write",
        )


def _connect(path: Path, read_only: bool, timeout: float) -> duckdb.DuckDBPyConnection:
    """Open the store, waiting (with a growing pause) while another process holds it."""
    import duckdb

    deadline = time.monotonic() + timeout
    pause = 0.05
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            text = str(exc)
            if "lock" in text.lower():
                if time.monotonic() >= deadline:
                    raise _store_error(
                        "H004",
                        path,
                        f"the history store {path} is in use by another process "
                        f"(waited {timeout:g} s)",
                        "wait for the other `segdsl snapshot` to finish, or raise "
                        "`[history] lock_timeout` in segdsl.toml",
                    ) from None
                time.sleep(min(pause, max(0.0, deadline - time.monotonic())))
                pause = min(pause * 2, 1.0)
                continue
            if "not a valid duckdb database" in text.lower():
                raise _not_a_store(path, "it is not a DuckDB database file") from None
            raise _store_error(
                "H002",
                path,
                f"cannot open the history store {path}: {text.splitlines()[0]}",
                "check the file and its folder's permissions",
            ) from None
        except duckdb.Error as exc:
            raise _store_error(
                "H003" if "serializ" in str(exc).lower() else "H002",
                path,
                f"cannot open the history store {path}: {str(exc).splitlines()[0]}",
                "the file may be damaged or made by another program; move it away to "
                "start a new history",
            ) from None


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
    ).fetchall()
    return {str(r[0]) for r in rows}


def _check_schema(con: duckdb.DuckDBPyConnection, path: Path) -> bool:
    """True when the store holds a segdsl history; False when it is empty (new)."""
    tables = _tables(con)
    if not tables:
        return False
    if "segdsl_history_meta" not in tables:
        shown = ", ".join(sorted(tables)[:5])
        raise _not_a_store(path, f"it holds other tables: {shown}")
    meta = dict(con.execute("SELECT key, value FROM segdsl_history_meta").fetchall())
    if meta.get("format") != FORMAT_NAME:
        raise _not_a_store(path, "its format marker is missing")
    try:
        version = int(meta.get("version", "0"))
    except ValueError:
        version = -1
    if version > FORMAT_VERSION:
        raise _store_error(
            "H005",
            path,
            f"the history store {path} was written by a newer segdsl (format {version})",
            "upgrade segdsl to read it",
        )
    if version != FORMAT_VERSION or not tables >= _TABLES:
        raise _not_a_store(path, "it is damaged: tables or version do not match")
    return True


@contextlib.contextmanager
def open_store(
    path: Path, *, read_only: bool = False, timeout: float = DEFAULT_LOCK_TIMEOUT
) -> Iterator[HistoryStore]:
    """The history store at ``path``, created (read-write) when missing."""
    if read_only and not path.exists():
        raise _store_error(
            "H010",
            path,
            f"there is no history store at {path} yet",
            "take a snapshot first, e.g. `segdsl snapshot NAME`",
        )
    _precheck(path, create=not read_only)
    if not read_only and not path.exists():
        _create_store(path)
    con = _connect(path, read_only, timeout)
    try:
        import duckdb

        try:
            ready = _check_schema(con, path)
            if not ready:
                if read_only:
                    raise _store_error(
                        "H010",
                        path,
                        f"the history store {path} is empty",
                        "take a snapshot first, e.g. `segdsl snapshot NAME`",
                    )
                _create_schema(con)
        except duckdb.Error as exc:
            raise _not_a_store(path, f"reading it failed: {str(exc).splitlines()[0]}") from None
        yield HistoryStore(con, path)
    finally:
        con.close()


def _create_store(path: Path) -> None:
    """Create an empty store at ``path`` atomically: build it in a temporary file in the
    same folder, then hard-link it into place. When another run created the store
    meanwhile, the link fails and that store is used; the temporary file goes."""
    import duckdb

    tmp = path.parent / f".{path.name}.{uuid.uuid4().hex[:12]}.tmp"
    try:
        try:
            con = duckdb.connect(str(tmp))
        except duckdb.Error as exc:
            raise _store_error(
                "H002",
                path,
                f"cannot create the history store {path}: {str(exc).splitlines()[0]}",
                "set `[history] path` in segdsl.toml to a file in a folder you can write",
            ) from None
        try:
            _create_schema(con)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        try:
            os.link(tmp, path)
        except FileExistsError:  # another run was first: use its store
            pass
        except OSError:  # no hard links here (some network or FAT file systems)
            if not path.exists():
                os.replace(tmp, path)
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()


def _create_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("BEGIN TRANSACTION")
    try:
        for statement in _SCHEMA:
            con.execute(statement)
        con.executemany(
            "INSERT INTO segdsl_history_meta VALUES (?, ?)",
            [
                ("format", FORMAT_NAME),
                ("version", str(FORMAT_VERSION)),
                ("created_by", f"segdsl {__version__}"),
            ],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


# ---- the store -----------------------------------------------------------------------


@dataclass(frozen=True)
class SnapshotRow:
    id: int
    segment: str
    entity: str
    as_of: dt.datetime
    taken_at: dt.datetime
    rule_hash: str
    size: int
    entity_count: int
    members_hash: str


@dataclass(frozen=True)
class NewSnapshot:
    """One segment's membership to store."""

    segment: str
    entity: str
    as_of: dt.datetime
    rule_hash: str
    members: Sequence[Key]
    entity_count: int


@dataclass(frozen=True)
class Stored:
    """What happened to one segment of a snapshot run."""

    segment: str
    entity: str
    size: int
    rule_hash: str
    snapshot_id: int
    created: bool  # False: the same snapshot was already there
    taken_at: dt.datetime


_ROW_COLUMNS = "id, segment, entity, as_of, taken_at, rule_hash, size, entity_count, members_hash"


def _row(r: tuple[Any, ...]) -> SnapshotRow:
    return SnapshotRow(
        int(r[0]), str(r[1]), str(r[2]), r[3], r[4], str(r[5]), int(r[6]), int(r[7]), str(r[8])
    )


class HistoryStore:
    """An open history store (use :func:`open_store`)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path) -> None:
        self.con = con
        self.path = path

    # ---- writing ---------------------------------------------------------------------
    def write(self, snapshots: Sequence[NewSnapshot], taken_at: dt.datetime) -> list[Stored]:
        """Store every snapshot in one transaction; skip those already stored."""
        con = self.con
        out: list[Stored] = []
        con.execute("BEGIN TRANSACTION")
        try:
            top = con.execute("SELECT coalesce(max(id), 0) + 1 FROM snapshots").fetchone()
            next_id = int(top[0]) if top is not None else 1
            for snap in snapshots:
                key_type = key_type_of(snap.members)
                keys: list[Any] = sorted(snap.members)  # one type: comparable
                mhash = members_hash(keys, key_type)
                same = con.execute(
                    "SELECT id, taken_at FROM snapshots WHERE segment = ? AND entity = ? "
                    "AND as_of = ? AND rule_hash = ? AND members_hash = ? ORDER BY id LIMIT 1",
                    [snap.segment, snap.entity, snap.as_of, snap.rule_hash, mhash],
                ).fetchone()
                if same is not None:
                    out.append(
                        Stored(
                            snap.segment,
                            snap.entity,
                            len(keys),
                            snap.rule_hash,
                            int(same[0]),
                            False,
                            same[1],
                        )
                    )
                    continue
                known = con.execute("SELECT 1 FROM member_sets WHERE hash = ?", [mhash]).fetchone()
                if known is None:
                    con.execute(
                        "INSERT INTO member_sets VALUES (?, ?, ?)", [mhash, key_type, len(keys)]
                    )
                    if keys:
                        con.execute(
                            "INSERT INTO members SELECT ?, unnest(?::VARCHAR[])",
                            [mhash, [_encode(k) for k in keys]],
                        )
                con.execute(
                    "INSERT INTO snapshots VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        next_id,
                        snap.segment,
                        snap.entity,
                        snap.as_of,
                        taken_at,
                        snap.rule_hash,
                        len(keys),
                        snap.entity_count,
                        mhash,
                        __version__,
                    ],
                )
                out.append(
                    Stored(
                        snap.segment,
                        snap.entity,
                        len(keys),
                        snap.rule_hash,
                        next_id,
                        True,
                        taken_at,
                    )
                )
                next_id += 1
            commit_transaction(con)
        except BaseException:
            with contextlib.suppress(Exception):
                con.execute("ROLLBACK")
            raise
        return out

    # ---- reading ---------------------------------------------------------------------
    def snapshots(self, segment: str | None = None) -> list[SnapshotRow]:
        """Snapshots of ``segment`` (or all), ordered by as-of, then taken-at."""
        if segment is None:
            rows = self.con.execute(
                f"SELECT {_ROW_COLUMNS} FROM snapshots ORDER BY segment, as_of, taken_at, id"
            ).fetchall()
        else:
            rows = self.con.execute(
                f"SELECT {_ROW_COLUMNS} FROM snapshots WHERE segment = ? "
                "ORDER BY as_of, taken_at, id",
                [segment],
            ).fetchall()
        return [_row(r) for r in rows]

    def segments(self) -> list[str]:
        rows = self.con.execute("SELECT DISTINCT segment FROM snapshots ORDER BY 1").fetchall()
        return [str(r[0]) for r in rows]

    def members(self, snapshot_id: int) -> list[Key]:
        """The member keys of a snapshot, sorted, with their original type."""
        found = self.con.execute(
            "SELECT s.members_hash, m.key_type FROM snapshots s "
            "JOIN member_sets m ON m.hash = s.members_hash WHERE s.id = ?",
            [snapshot_id],
        ).fetchone()
        if found is None:
            raise KeyError(snapshot_id)
        mhash, key_type = str(found[0]), str(found[1])
        rows = self.con.execute("SELECT member FROM members WHERE set_hash = ?", [mhash]).fetchall()
        keys: list[Any] = [decode_key(str(r[0]), key_type) for r in rows]
        return sorted(keys)

    def moved(self, before: SnapshotRow, after: SnapshotRow) -> tuple[int, int]:
        """(entered, left) between two snapshots: keys in ``after`` only, in ``before`` only."""
        if before.members_hash == after.members_hash:
            return 0, 0
        query = (
            "SELECT count(*) FROM members x WHERE x.set_hash = ? AND NOT EXISTS "
            "(SELECT 1 FROM members y WHERE y.set_hash = ? AND y.member = x.member)"
        )
        entered = self.con.execute(query, [after.members_hash, before.members_hash]).fetchone()
        left = self.con.execute(query, [before.members_hash, after.members_hash]).fetchone()
        assert entered is not None and left is not None
        return int(entered[0]), int(left[0])


def commit_transaction(con: duckdb.DuckDBPyConnection) -> None:
    """Commit a snapshot's transaction (one function: tests/paused_cli.py pauses a run
    just before it)."""
    con.execute("COMMIT")


# ---- the operations behind the commands ----------------------------------------------


@dataclass(frozen=True)
class SnapshotRun:
    store: Path
    as_of: dt.datetime
    taken_at: dt.datetime
    results: list[Stored]


def take_snapshot(
    project: Project,
    names: Sequence[str] | None = None,
    as_of: str | dt.datetime | dt.date | None = None,
) -> SnapshotRun:
    """Evaluate the segments (every one when ``names`` is empty) in one pass and store
    their memberships in the project's history store, in one transaction."""
    from segdsl.project import as_of_instant
    from segdsl.semantic.rulehash import rule_hash
    from segdsl.semantic.timecalc import now_utc

    config = history_config(project)
    instant = as_of_instant(as_of, project.catalog.timezone) or now_utc()
    segments = project.select(names)  # unknown names fail before any work
    _precheck(config.path, create=True)
    from segdsl.support.progress import progress

    with progress(f"snapshot: evaluating {len(segments)} segment(s)"):
        project = project.adapted()
        segments = [project.segment(s.name) for s in segments]
        result = project.evaluate(segments, instant)
    pending = [
        NewSnapshot(
            s.name,
            s.entity,
            result.as_of,
            rule_hash(s),
            result.members(s.name),
            result.sizes[s.name].entity_count,
        )
        for s in segments
    ]
    taken_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with open_store(config.path, timeout=config.lock_timeout) as store:
        stored = store.write(pending, taken_at)
    return SnapshotRun(config.path, result.as_of, taken_at, stored)


@dataclass(frozen=True)
class HistoryPoint:
    snapshot: SnapshotRow
    entered: int | None  # None for the first snapshot
    left: int | None
    rule_changed: bool  # the rule hash differs from the previous snapshot's

    @property
    def share(self) -> float:
        s = self.snapshot
        return s.size / s.entity_count if s.entity_count else 0.0


@dataclass(frozen=True)
class SegmentHistory:
    segment: str
    store: Path
    points: list[HistoryPoint]


def segment_history(project: Project, name: str) -> SegmentHistory:
    """Size over time of ``name``, with who entered and left between consecutive
    snapshots (ordered by as-of, then taken-at) and where the rule changed."""
    config = history_config(project)
    if name not in project.segments and not config.path.exists():
        project.segment(name)  # U004 with a suggestion
    with open_store(config.path, read_only=True, timeout=config.lock_timeout) as store:
        rows = store.snapshots(name)
        if not rows:
            if name not in project.segments:
                project.segment(name)  # U004: neither in the project nor in the history
            raise _store_error(
                "H011",
                config.path,
                f"no snapshot of `{name}` in {config.path} yet",
                f"take one with `segdsl snapshot {name}`",
            )
        points: list[HistoryPoint] = []
        for i, row in enumerate(rows):
            if i == 0:
                points.append(HistoryPoint(row, None, None, False))
                continue
            prev = rows[i - 1]
            entered, left = store.moved(prev, row)
            points.append(HistoryPoint(row, entered, left, row.rule_hash != prev.rule_hash))
    return SegmentHistory(name, config.path, points)
