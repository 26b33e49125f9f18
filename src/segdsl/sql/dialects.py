"""What differs between SQL engines — and only that.

The compiler decides what each construct means once; this table says how a dialect
spells the few things that sqlglot cannot transpile on its own. Everything else is
emitted as portable sqlglot expressions and transpiled by sqlglot.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Literal

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect

from segdsl.catalog.dialect_names import NOT_SQL, SQL_DIALECTS
from segdsl.catalog.types import Type
from segdsl.diagnostics import Diagnostic, SegdslError, codes
from segdsl.diagnostics.suggest import did_you_mean

ListStorage = Literal["array", "json"]
TimeAdd = Literal["interval", "sqlite", "dateadd"]
Now = Literal["standard", "at_time_zone", "clickhouse"]


@dataclass(frozen=True)
class Capabilities:
    # How list attributes are stored: "array" (a native array type) or "json" (a JSON
    # array in a text column, as SQLite has no arrays), or None (no list support).
    lists: ListStorage | None = "array"
    # Whether a boolean expression may stand in a SELECT list (T-SQL cannot).
    boolean_values: bool = True
    # How a timestamp is moved by a number of days, per row (`then … within D`):
    # "interval" (`ts + INTERVAL 'n' DAY`), "sqlite" (`datetime(ts, '+n days')` on ISO
    # text) or "dateadd" (`DATEADD(DAY, n, ts)`).
    time_add: TimeAdd = "interval"
    # Whether MD5 gives lower-case hex text (`sample`); T-SQL's HASHBYTES gives bytes.
    md5_hex: bool = True
    # The type of timestamp literals, in the dialect's own words (None: TIMESTAMP as
    # sqlglot spells it). BigQuery: TIMESTAMP, an instant in UTC (sqlglot's TIMESTAMP
    # is BigQuery's zone-less DATETIME, which cannot meet a TIMESTAMP column).
    # ClickHouse: a DateTime64 in UTC, so that the server's zone never shifts a literal.
    timestamp_type: str | None = None
    # The current instant, for SQL compiled without --as-of, as UTC wall-clock time:
    # "standard" (CURRENT_TIMESTAMP and CURRENT_DATE: the engine's clock is UTC, or its
    # timestamps are instants), "at_time_zone" (CURRENT_TIMESTAMP AT TIME ZONE 'UTC':
    # DuckDB's and PostgreSQL's CURRENT_TIMESTAMP follow the session's zone) or
    # "clickhouse" (now64(6, 'UTC') and toDate(now('UTC'))).
    now: Now = "standard"
    # ClickHouse fills the unmatched side of a LEFT JOIN with default values (0,
    # 1970-01-01) unless `join_use_nulls = 1`: the statement carries that setting.
    join_use_nulls: bool = False
    # ClickHouse names a column selected through several joins after its table
    # (`e.customer_id`) unless it is aliased: every column of `base` gets an alias.
    alias_join_columns: bool = False
    # ClickHouse's LOWER, SUBSTRING, LENGTH and POSITION count bytes: use lowerUTF8,
    # substringUTF8, lengthUTF8 and positionUTF8, so that "é" is one character.
    utf8_text: bool = False
    # Whether a list can be missing (NULL) as well as empty. ClickHouse's arrays are
    # never NULL (a missing list reads as []), so `is missing` / `is set` on a list and
    # `has all ()` (true for every set list) cannot be expressed there.
    nullable_lists: bool = True


_CAPS: dict[str, Capabilities] = {
    "duckdb": Capabilities(now="at_time_zone"),
    "postgres": Capabilities(now="at_time_zone"),
    "redshift": Capabilities(now="at_time_zone"),
    "sqlite": Capabilities(lists="json", time_add="sqlite"),
    "bigquery": Capabilities(timestamp_type="TIMESTAMP"),
    "clickhouse": Capabilities(
        timestamp_type="DateTime64(6, 'UTC')",
        now="clickhouse",
        join_use_nulls=True,
        alias_join_columns=True,
        utf8_text=True,
        nullable_lists=False,
    ),
    "mysql": Capabilities(lists=None),
    "tsql": Capabilities(lists=None, boolean_values=False, time_add="dateadd", md5_hex=False),
    "oracle": Capabilities(lists=None, boolean_values=False),
}

# The dialects that the golden tests and the docs call supported.
SUPPORTED = (
    "duckdb",
    "postgres",
    "sqlite",
    "snowflake",
    "bigquery",
    "spark",
    "databricks",
    "trino",
    "redshift",
    "clickhouse",
    "mysql",
    "tsql",
)


@functools.lru_cache(maxsize=64)
def dialect_name(name: str) -> str:
    """Validate a dialect name (as sqlglot spells it): a SQL dialect sqlglot knows."""
    lowered = name.lower()
    known = lowered not in NOT_SQL
    if known:
        try:
            Dialect.get_or_raise(lowered)
        except ValueError:
            known = False
    if not known:
        what = "not a SQL dialect" if lowered in NOT_SQL else "unknown SQL dialect"
        raise SegdslError(
            Diagnostic(
                codes.U002,
                f"{what} `{name}`",
                hint=did_you_mean(lowered, SQL_DIALECTS) + "use one of: " + ", ".join(SUPPORTED),
            )
        ) from None
    return lowered


@functools.lru_cache(maxsize=64)
def capabilities(name: str) -> Capabilities:
    """The capabilities of a dialect, looked up through sqlglot's class hierarchy: a
    dialect with no entry of its own answers as the one it derives from (``fabric`` as
    ``tsql``, ``databricks`` as ``spark``, ``materialize`` as ``postgres``). sqlglot
    registers each dialect class under its lower-cased class name, the keys of ``_CAPS``."""
    try:
        dialect = type(Dialect.get_or_raise(name.lower()))
    except ValueError:
        return Capabilities()
    for cls in dialect.__mro__:
        caps = _CAPS.get(cls.__name__.lower())
        if caps is not None:
            return caps
    return Capabilities()


def unsupported(dialect: str, construct: str, hint: str = "") -> SegdslError:
    return SegdslError(
        Diagnostic(
            codes.S001,
            f"{construct} cannot be expressed in {dialect}",
            hint=hint or "evaluate this segment on an engine with that feature (e.g. duckdb)",
        )
    )


# ---- time without --as-of -----------------------------------------------------------


def timestamp_type(caps: Capabilities, dialect: str) -> exp.DataType:
    """The type of a timestamp literal for the dialect (a fresh node each time)."""
    shared = _timestamp_type(caps.timestamp_type, dialect.lower())
    if not any(isinstance(v, exp.Expr | list) for v in shared.args.values()):
        # A plain type (TIMESTAMP, DATETIME): a new node without a deep copy.
        return exp.DataType(**shared.args)
    return shared.copy()


@functools.cache
def _timestamp_type(name: str | None, dialect: str) -> exp.DataType:
    if name is None:
        return exp.DataType.build(exp.DataType.Type.TIMESTAMP)
    return exp.DataType.build(name, dialect=dialect)


def current_instant(caps: Capabilities, t: Type) -> exp.Expr:
    """The current instant in UTC (a timestamp), or today's UTC date (``t`` DATE)."""
    if caps.now == "at_time_zone":
        utc = exp.AtTimeZone(this=exp.CurrentTimestamp(), zone=exp.Literal.string("UTC"))
        return exp.cast(utc, exp.DataType.Type.DATE) if t is Type.DATE else utc
    if caps.now == "clickhouse":
        if t is Type.DATE:
            now = exp.Anonymous(this="now", expressions=[exp.Literal.string("UTC")])
            return exp.Anonymous(this="toDate", expressions=[now])
        return exp.Anonymous(
            this="now64", expressions=[exp.Literal.number(6), exp.Literal.string("UTC")]
        )
    return exp.CurrentDate() if t is Type.DATE else exp.CurrentTimestamp()


def minus_interval(
    caps: Capabilities, value: exp.Expr, amount: int, unit: str, t: Type
) -> exp.Expr:
    """``value − amount unit`` for ``unit`` "day", "week", "month" or "year": weeks are 7
    days, months and years calendar steps clamped to the end of a shorter month (as
    ``timecalc.minus`` computes them in Python)."""
    if unit == "week":
        amount, unit = amount * 7, "day"
    elif unit == "year":
        amount, unit = amount * 12, "month"
    if caps.time_add == "sqlite":
        return _sqlite_minus(value, amount, unit, t)
    interval = exp.Interval(this=exp.Literal.string(str(amount)), unit=exp.Var(this=unit.upper()))
    moved = exp.Sub(this=value, expression=interval)
    # DATE − INTERVAL is a timestamp on most engines: keep dates dates.
    return exp.cast(moved, exp.DataType.Type.DATE) if t is Type.DATE else moved


def _sqlite_minus(value: exp.Expr, amount: int, unit: str, t: Type) -> exp.Expr:
    """SQLite's date functions on ISO text. `'-1 months'` does not clamp (03-31 becomes
    03-03), so a month step goes to the first day of the target month and adds the day,
    capped at that month's last day; the time of day is added back for timestamps."""
    func = "DATE" if t is Type.DATE else "DATETIME"

    def call(name: str, *args: exp.Expr) -> exp.Expr:
        return exp.Anonymous(this=name, expressions=list(args))

    def text(s: str) -> exp.Expr:
        return exp.Literal.string(s)

    if unit == "day":
        return call(func, value, text(f"-{amount} days"))
    first = call("DATE", value.copy(), text("start of month"), text(f"-{amount} months"))
    last_day = call(
        "STRFTIME", text("%d"), call("DATE", first.copy(), text("+1 month"), text("-1 day"))
    )
    day = call("STRFTIME", text("%d"), value.copy())
    as_int = exp.DataType.build("INTEGER")
    offset = exp.Sub(
        this=call("MIN", exp.cast(day, as_int), exp.cast(last_day, as_int)),
        expression=exp.Literal.number(1),
    )
    days = exp.DPipe(
        this=exp.DPipe(this=text("+"), expression=exp.cast(offset, exp.DataType.build("TEXT"))),
        expression=text(" days"),
    )
    if t is Type.DATE:
        return call("DATE", first, days)
    time_of_day = exp.DPipe(this=text("+"), expression=call("TIME", value.copy()))
    return call("DATETIME", first, days, time_of_day)
