"""The membership statement of one entity as a dbt model's SQL: the as-of instant and
the source tables become Jinja expressions.

How the placeholders are spliced, safely:

1. The fused statement (:func:`segdsl.sql.compiler.membership_query`) is built with a
   clock (:class:`.clock.JinjaClock`) that spells every use of the as-of instant as a
   sentinel text: T, date(T) in the project's zone and the bounds of calendar windows
   are ``CAST('<sentinel>' AS TIMESTAMP|DATE)``; rolling windows are the engine's
   interval arithmetic on T's sentinel. In the tree, each catalog table becomes a table
   named by another sentinel. The sentinels share a tag ``__segdsl<n>__`` chosen so that
   it occurs nowhere in the statement's SQL text without them (so no rule text can
   spell it).
2. The SQL text is generated; every ``{`` in it (only user text — a string in a rule —
   can hold one) is written ``{{ '{' }}``, so dbt's Jinja renders it as itself and no
   rule can open a Jinja block.
3. Each sentinel is replaced by its Jinja expression (``{{ segdsl_as_of }}``,
   ``{{ source('segdsl', 'orders') }}``), and the number of replacements is checked
   against the number of sentinels in the tree.

The model's header (:func:`header`) sets ``segdsl_as_of`` from the dbt var of that
name (default: the run's start time, ``run_started_at``), parsed as an ISO date or
timestamp (without an offset: in the project's time zone, as ``--as-of``) and written
back as ``YYYY-MM-DD HH:MM:SS.ffffff`` in UTC: a malformed var fails the run instead of
reaching the SQL.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlglot import exp

from segdsl.catalog import Catalog, SourceTable
from segdsl.catalog.types import Type
from segdsl.semantic import ir
from segdsl.sql.compiler import membership_query, to_sql
from segdsl.sql.dialects import dialect_name
from segdsl.tools.warehouse.clock import JinjaClock
from segdsl.tools.warehouse.yamltext import escape_jinja

AS_OF_VAR = "segdsl_as_of"


def header(zone: str) -> str:
    """The Jinja that sets ``segdsl_t`` (a naive UTC datetime) and ``segdsl_as_of``
    (its text) from the dbt var ``segdsl_as_of``: an ISO date or timestamp read as
    ``--as-of`` reads it — without an offset, a wall-clock time in the project's time
    ``zone`` — or, without the var, the run's start time. A value that is not an ISO
    date or timestamp stops the run (fromisoformat raises)."""
    if not re.fullmatch(r"[A-Za-z0-9_+\-/]+", zone):  # pragma: no cover - catalog-checked
        raise AssertionError(f"time zone {zone!r}")
    return (
        "{%- set segdsl_as_of_var = var('segdsl_as_of', "
        "run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f') ~ '+00:00') | string -%}\n"
        "{%- set segdsl_t = modules.datetime.datetime.fromisoformat("
        "segdsl_as_of_var | trim | replace('Z', '+00:00')) -%}\n"
        "{%- if segdsl_t.tzinfo is none -%}\n"
        f"{{%- set segdsl_t = modules.pytz.timezone('{zone}').localize(segdsl_t, is_dst=True) -%}}\n"
        "{%- endif -%}\n"
        "{%- set segdsl_t = segdsl_t.astimezone(modules.pytz.utc).replace(tzinfo=none) -%}\n"
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


def _tag(plain_sql: str) -> str:
    n = 0
    while f"__segdsl{n}__" in plain_sql:
        n += 1
    return f"__segdsl{n}__"


def model_sql(
    segments: list[ir.Segment],
    catalog: Catalog,
    dialect: str,
    segmentations: list[ir.Segmentation] | None = None,
) -> str:
    """The SQL of the entity's membership model after the common header: the Jinja
    that sets the placeholders' values, then the statement with Jinja placeholders for
    the as-of instant, the calendar windows' bounds and the sources."""
    d = dialect_name(dialect)
    # Any instant gives the same text outside the placeholders: the tag is chosen so
    # that the statement's own text (rule strings included) never holds it.
    fixed = dt.datetime(2000, 1, 1)
    tag = _tag(to_sql(membership_query(segments, catalog, d, fixed, segmentations), d))
    clock = JinjaClock(None, d, catalog.timezone, tag=tag)
    tree = membership_query(segments, catalog, d, None, segmentations, clock=clock)
    refs = source_refs(catalog)
    order = sorted(refs)
    replacements: dict[str, str] = {}

    def swap(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Table) and _table_key(node) in refs:
            ref = refs[_table_key(node)]
            token = f"{tag}src{order.index(_table_key(node))}{tag}"
            replacements[token] = f"{{{{ source('{ref.source}', '{ref.table}') }}}}"
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
    spliced.select(exp.alias_(clock.now(Type.TIMESTAMP), exp.to_identifier(AS_OF_VAR)), copy=False)
    if any(isinstance(n, exp.CurrentTimestamp | exp.CurrentDate) for n in spliced.walk()):
        raise AssertionError("the engine's clock in an exported model")  # pragma: no cover
    expected: dict[str, int] = {}
    for node in spliced.walk():
        if isinstance(node, exp.Literal) and node.is_string and node.this.startswith(tag):
            expected[f"'{node.this}'"] = expected.get(f"'{node.this}'", 0) + 1
        elif isinstance(node, exp.Identifier) and node.this in replacements:
            expected[node.this] = expected.get(node.this, 0) + 1
    for name, jinja in clock.names.items():
        replacements[f"'{tag}{name}'"] = f"'{{{{ {jinja} }}}}'"
    text = escape_jinja(to_sql(spliced, d))
    for token, jinja in replacements.items():
        found, want = text.count(token), expected.get(token, 0)
        if found != want:  # pragma: no cover - a compiler change broke the splice
            raise AssertionError(f"placeholder {token}: {found} in the SQL, {want} in the tree")
        text = text.replace(token, jinja)
    if tag in text:  # pragma: no cover
        raise AssertionError("a placeholder was left in the SQL")
    return clock.header() + text
