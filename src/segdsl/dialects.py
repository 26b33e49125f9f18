"""What differs between SQL engines — and only that.

The compiler decides what each construct means once; this table says how a dialect
spells the few things that sqlglot cannot transpile on its own. Everything else is
emitted as portable sqlglot expressions and transpiled by sqlglot.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot.dialects.dialect import Dialect

from segdsl.errors import Diagnostic, SegdslError


@dataclass(frozen=True)
class Capabilities:
    # How list attributes are stored: "array" (a native array type) or "json" (a JSON
    # array in a text column, as SQLite has no arrays), or None (no list support).
    lists: str | None = "array"
    # Whether a boolean expression may stand in a SELECT list (T-SQL cannot).
    boolean_values: bool = True


_CAPS: dict[str, Capabilities] = {
    "sqlite": Capabilities(lists="json"),
    "mysql": Capabilities(lists=None),
    "tsql": Capabilities(lists=None, boolean_values=False),
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


def dialect_name(name: str) -> str:
    """Validate a dialect name (as sqlglot spells it)."""
    try:
        Dialect.get_or_raise(name)
    except ValueError:
        raise SegdslError(
            Diagnostic(
                "U002",
                f"unknown SQL dialect `{name}`",
                hint="use one of: " + ", ".join(SUPPORTED),
            )
        ) from None
    return name.lower()


def capabilities(name: str) -> Capabilities:
    return _CAPS.get(name.lower(), Capabilities())


def unsupported(dialect: str, construct: str, hint: str = "") -> SegdslError:
    return SegdslError(
        Diagnostic(
            "S001",
            f"{construct} cannot be expressed in {dialect}",
            hint=hint or "evaluate this segment on an engine with that feature (e.g. duckdb)",
        )
    )
