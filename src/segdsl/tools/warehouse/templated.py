"""The membership statement of one entity as a dbt model's SQL: the as-of instant and
the source tables become Jinja expressions.

How the placeholders are spliced, safely:

1. The fused statement (:func:`segdsl.compiler.membership_query`) is built with no
   as-of instant, so every use of T is the engine's current-time node (``CURRENT_TIMESTAMP
   AT TIME ZONE 'UTC'``, ``CURRENT_DATE``, …) and windows are interval arithmetic on it.
2. In that sqlglot tree, each current-time node becomes ``CAST('<sentinel> AS
   TIMESTAMP)`` (``CAST(… AS DATE)`` for dates) and each catalog table becomes a table
   named by another sentinel. The sentinels share a tag ``__segdsl<n>__`` chosen so that
   it occurs nowhere in the statement's SQL text without them (so no rule text can
   spell it).
3. The SQL text is generated; every ``{`` in it (only user text — a string in a rule —
   can hold one) is written ``{{ '{' }}``, so dbt's Jinja renders it as itself and no
   rule can open a Jinja block.
4. Each sentinel is replaced by its Jinja expression (``{{ segdsl_as_of }}``,
   ``{{ source('segdsl', 'orders') }}``), and the number of replacements is checked
   against the number of nodes replaced in the tree.

The model's header sets ``segdsl_as_of`` from the dbt var of that name (default: the
run's start time, ``run_started_at``), parsed as an ISO date or timestamp and written
back as ``YYYY-MM-DD HH:MM:SS.ffffff`` in UTC: a malformed var fails the run instead of
reaching the SQL.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from segdsl.catalog import Catalog, SourceTable
from segdsl.semantic import ir
from segdsl.sql.compiler import membership_query, to_sql
from segdsl.sql.dialects import capabilities, dialect_name, timestamp_type
from segdsl.tools.warehouse.yamltext import escape_jinja

AS_OF_VAR = "segdsl_as_of"

# Sets `segdsl_as_of` (text, UTC) from the dbt var; a value that is not an ISO date or
# timestamp stops the run (fromisoformat raises).
HEADER = (
    "{%- set segdsl_as_of_var = var('segdsl_as_of', "
    "run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f')) | string -%}\n"
    "{%- set segdsl_t = modules.datetime.datetime.fromisoformat("
    "segdsl_as_of_var | trim | replace('Z', '+00:00')) -%}\n"
    "{%- if segdsl_t.tzinfo is not none -%}\n"
    "{%- set segdsl_t = segdsl_t.astimezone(modules.pytz.utc).replace(tzinfo=none) -%}\n"
    "{%- endif -%}\n"
    "{%- set segdsl_as_of = segdsl_t.strftime('%Y-%m-%d %H:%M:%S.%f') -%}\n"
)


@dataclass(frozen=True)
class SourceRef:
    """A catalog table as a dbt source: ``{{ source(source, table) }}``."""

    source: str  # the dbt source name
    table: str  # the dbt table name
    schema: str | None  # the schema part of a dotted name
    database: str | None  # the database part of a three-part name
    origin: SourceTable


def source_refs(catalog: Catalog) -> dict[str, SourceRef]:
    """Every table of the catalog (by the name the SQL uses) as a dbt source."""
    tables: dict[str, SourceTable] = {}
    for ent in catalog.entities.values():
        tables.setdefault(ent.source.table, ent.source)
    for ev in catalog.events.values():
        tables.setdefault(ev.source.table, ev.source)
    out: dict[str, SourceRef] = {}
    for name in sorted(tables):
        src = tables[name]
        parts = src.parts
        if len(parts) == 1:
            out[name] = SourceRef("segdsl", parts[0], None, None, src)
        else:
            schema = parts[-2]
            database = parts[-3] if len(parts) >= 3 else None
            label = "segdsl_" + "_".join(p for p in (database, schema) if p)
            out[name] = SourceRef(label, parts[-1], schema, database, src)
    return out


def _table_key(t: exp.Table) -> str:
    return ".".join(p for p in (t.catalog, t.db, t.name) if p)


def _is_now(node: exp.Expr) -> bool:
    """A current-time node as :func:`segdsl.dialects.current_instant` builds it."""
    if isinstance(node, exp.AtTimeZone):
        # Only the UTC wall clock is T; a conversion of it to another zone stays
        # around the placeholder.
        zone = node.args.get("zone")
        utc = isinstance(zone, exp.Literal) and zone.is_string and zone.this.upper() == "UTC"
        return isinstance(node.this, exp.CurrentTimestamp) and utc
    if isinstance(node, exp.CurrentTimestamp):
        return not _is_now(node.parent) if node.parent is not None else True
    if isinstance(node, exp.Anonymous):  # ClickHouse: now64(6, 'UTC')
        return str(node.this).lower() == "now64"
    return False


def _is_today(node: exp.Expr) -> bool:
    if isinstance(node, exp.CurrentDate):
        return True
    if isinstance(node, exp.Anonymous) and str(node.this).lower() == "todate":
        inner = node.expressions[0] if node.expressions else None
        return isinstance(inner, exp.Anonymous) and str(inner.this).lower() == "now"
    return False


def _tag(plain_sql: str) -> str:
    n = 0
    while f"__segdsl{n}__" in plain_sql:
        n += 1
    return f"__segdsl{n}__"


def model_sql(segments: list[ir.Segment], catalog: Catalog, dialect: str) -> str:
    """The SQL body of the entity's membership model (without header), with Jinja
    placeholders for the as-of instant and the sources."""
    d = dialect_name(dialect)
    plain = to_sql(membership_query(segments, catalog, d, None), d)
    tag = _tag(plain)
    tree = membership_query(segments, catalog, d, None)
    ts_type = timestamp_type(capabilities(d), d)
    refs = source_refs(catalog)
    stamp = f"{tag}asof"
    expected = {stamp: 0}
    replacements: dict[str, str] = {f"'{stamp}'": "'{{ segdsl_as_of }}'"}

    def placeholder() -> exp.Expr:
        expected[stamp] += 1
        return exp.Cast(this=exp.Literal.string(stamp), to=ts_type.copy())

    def swap(node: exp.Expr) -> exp.Expr:
        if _is_now(node):
            return placeholder()
        if _is_today(node):
            return exp.Cast(this=placeholder(), to=exp.DataType.build("DATE"))
        if isinstance(node, exp.Table) and _table_key(node) in refs:
            ref = refs[_table_key(node)]
            token = f"{tag}src{sorted(refs).index(_table_key(node))}{tag}"
            replacements[token] = f"{{{{ source('{ref.source}', '{ref.table}') }}}}"
            expected[token] = expected.get(token, 0) + 1
            alias = node.args.get("alias")
            return exp.Table(
                this=exp.Identifier(this=token, quoted=False),
                alias=alias.copy() if alias is not None else None,
            )
        return node

    spliced = tree.transform(swap, copy=False)
    assert isinstance(spliced, exp.Select)
    # The as-of instant as a column: the snapshot's `updated_at`, and a reader's
    # answer to "as of when is this table?".
    spliced.select(exp.alias_(placeholder(), exp.to_identifier(AS_OF_VAR)), copy=False)
    text = escape_jinja(to_sql(spliced, d))
    for token, jinja in replacements.items():
        found = text.count(token)
        want = expected[token.strip("'")]
        if found != want:  # pragma: no cover - a compiler change broke the splice
            raise AssertionError(f"placeholder {token}: {found} in the SQL, {want} in the tree")
        text = text.replace(token, jinja)
    return text


def render_for_check(model: str, as_of: str = "2026-06-30 00:00:00.000000") -> str:
    """The model's SQL as dbt would render it, without dbt: the header dropped, the
    as-of and sources filled in (sources by their plain names). For tests and
    ``segdsl export dbt --check``-style parsing."""
    import re

    body = "\n".join(
        line for line in model.splitlines() if not line.startswith(("{%", "{{ config"))
    )
    body = body.replace("{{ segdsl_as_of }}", as_of)
    body = re.sub(r"\{\{ source\('[^']*', '([^']*)'\) \}\}", r"\1", body)
    return body.replace("{{ '{' }}", "{")
