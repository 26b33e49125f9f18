"""The parts of an event's time in the project's zone, per dialect (language.md §11).

Calendar boundaries are computed at compile time (the SQL holds literals); only
``day_of_week`` and ``hour_of_day`` of each event need the zone in SQL. Timestamps in
the data are UTC (naive); each dialect spells "the wall-clock time in zone Z" and "the
ISO weekday / hour of it" differently, and sqlglot does not transpile these the same way
everywhere (its Spark ISO weekday is off by one), so they are spelled here.
"""

from __future__ import annotations

from sqlglot import exp

from segdsl.sql.dialects import unsupported

UTC = "UTC"


def _fn(name: str, *args: exp.Expr) -> exp.Expr:
    return exp.Anonymous(this=name, expressions=list(args))


def _text(s: str) -> exp.Literal:
    return exp.Literal.string(s)


def _num(n: int) -> exp.Literal:
    return exp.Literal(this=str(n), is_string=False)


def local_time(dialect: str, ts: exp.Expr, zone: str) -> exp.Expr:
    """The wall-clock time in ``zone`` of the naive UTC timestamp ``ts``."""
    if zone == UTC:
        return ts
    d = dialect
    if d in ("duckdb", "postgres"):
        # (ts AT TIME ZONE 'UTC') is the instant; AT TIME ZONE zone its local time.
        # DataFusion reads the PostgreSQL spelling the same way.
        utc = exp.AtTimeZone(this=ts, zone=_text(UTC))
        return exp.AtTimeZone(this=exp.Paren(this=utc), zone=_text(zone))
    if d in ("snowflake", "redshift"):
        return _fn("CONVERT_TIMEZONE", _text(UTC), _text(zone), ts)
    if d in ("spark", "databricks"):
        return _fn("FROM_UTC_TIMESTAMP", ts, _text(zone))
    if d == "clickhouse":
        return _fn("toTimeZone", ts, _text(zone))
    if d == "bigquery":
        return _fn("DATETIME", ts, _text(zone))
    if d == "trino":
        return _fn("AT_TIMEZONE", _fn("WITH_TIMEZONE", ts, _text(UTC)), _text(zone))
    if d == "mysql":
        return _fn("CONVERT_TZ", ts, _text("+00:00"), _text(zone))
    if d == "sqlite":
        # segdsl.engines.sqlite_support registers it (zoneinfo).
        return _fn("segdsl_local_time", ts, _text(zone))
    raise unsupported(
        dialect,
        f"the weekday or hour of an event in the time zone {zone}",
        hint='set `timezone = "UTC"` in [project], or use an engine that knows IANA zones',
    )


def day_of_week(dialect: str, value: exp.Expr) -> exp.Expr:
    """The ISO weekday (1 = Monday … 7 = Sunday) of a local time or a date."""
    d = dialect
    if d in ("duckdb", "postgres"):
        return exp.Extract(this=exp.var("ISODOW"), expression=value)
    if d == "snowflake":
        return _fn("DAYOFWEEKISO", value)
    if d == "clickhouse":
        return _fn("toDayOfWeek", value)
    if d == "trino":
        return _fn("DAY_OF_WEEK", value)
    if d == "mysql":
        return exp.Add(this=_fn("WEEKDAY", value), expression=_num(1))
    if d == "sqlite":
        # %w: 0 = Sunday … 6 = Saturday
        w = exp.Cast(this=_fn("STRFTIME", _text("%w"), value), to=exp.DataType.build("INTEGER"))
        return _iso_from_sunday0(w)
    if d in ("spark", "databricks"):
        # DAYOFWEEK: 1 = Sunday … 7 = Saturday
        return _iso_from_sunday1(_fn("DAYOFWEEK", value))
    if d == "bigquery":
        return _iso_from_sunday1(exp.Extract(this=exp.var("DAYOFWEEK"), expression=value))
    if d == "redshift":
        return _iso_from_sunday0(exp.Extract(this=exp.var("DOW"), expression=value))
    # T-SQL and others: whole days since Monday 1900-01-01, modulo 7.
    days = exp.DateDiff(
        this=value, expression=exp.cast(_text("1900-01-01"), "DATE"), unit=exp.var("DAY")
    )
    return exp.Add(this=exp.Paren(this=exp.Mod(this=days, expression=_num(7))), expression=_num(1))


def _iso_from_sunday0(w: exp.Expr) -> exp.Expr:
    """0 = Sunday … 6 = Saturday → 1 = Monday … 7 = Sunday: (w + 6) % 7 + 1."""
    shifted = exp.Paren(this=exp.Add(this=w, expression=_num(6)))
    return exp.Add(
        this=exp.Paren(this=exp.Mod(this=shifted, expression=_num(7))), expression=_num(1)
    )


def _iso_from_sunday1(w: exp.Expr) -> exp.Expr:
    """1 = Sunday … 7 = Saturday → 1 = Monday … 7 = Sunday: (w + 5) % 7 + 1."""
    shifted = exp.Paren(this=exp.Add(this=w, expression=_num(5)))
    return exp.Add(
        this=exp.Paren(this=exp.Mod(this=shifted, expression=_num(7))), expression=_num(1)
    )


def hour_of_day(dialect: str, value: exp.Expr) -> exp.Expr:
    """The hour (0–23) of a local time."""
    d = dialect
    if d == "clickhouse":
        return _fn("toHour", value)
    if d in ("spark", "databricks"):
        return _fn("HOUR", value)
    if d == "sqlite":
        return exp.Cast(this=_fn("STRFTIME", _text("%H"), value), to=exp.DataType.build("INTEGER"))
    return exp.Extract(this=exp.var("HOUR"), expression=value)


def time_part(dialect: str, part: str, stamp: exp.Expr, is_date: bool, zone: str) -> exp.Expr:
    """``day_of_week`` or ``hour_of_day`` of an event stamped ``stamp``: a date is already
    a calendar day (no zone); a timestamp is first moved to the zone's wall clock."""
    value = stamp if is_date else local_time(dialect, stamp, zone)
    if part == "day_of_week":
        return day_of_week(dialect, value)
    return hour_of_day(dialect, value)


__all__ = ["day_of_week", "hour_of_day", "local_time", "time_part"]
