"""The whole statement: `base` (entity + attributes + aggregates + sequences), the
ranking CTEs, layers of segments that others use, and the final SELECT — one segment's
members, or the key and one boolean column per segment (``--membership``)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ErrorLevel, UnsupportedError

from segdsl.catalog.model import Catalog, EntityDef
from segdsl.diagnostics import Diagnostic, SegdslError
from segdsl.semantic import ir
from segdsl.sql.compiler.aggregates import AggregatesMixin
from segdsl.sql.compiler.conditions import ConditionsMixin
from segdsl.sql.compiler.plan import agg_alias, collect, levels, seq_alias
from segdsl.sql.compiler.rankings import RankingsMixin
from segdsl.sql.compiler.sequences import SequencesMixin
from segdsl.sql.compiler.values import ValuesMixin
from segdsl.sql.dialects import dialect_name, unsupported
from segdsl.sql.literals import AsOf
from segdsl.sql.names import col, ident, table_ref, unique_name
from segdsl.sql.nodes import add_columns, aliased, new_select, num


class Builder(ValuesMixin, ConditionsMixin, AggregatesMixin, SequencesMixin, RankingsMixin):
    """Builds one statement: :meth:`plan` the conditions, then :meth:`statement`."""

    # -- the relations ----------------------------------------------------------------------------
    def plan(self, conds: list[ir.Cond]) -> None:
        collect(conds, self.needs)
        taken = {self.entity.key, *self.needs.attrs}
        for agg in self.needs.aggregates:
            self.needs.aggregates[agg] = unique_name(agg_alias(agg), taken)
        for i, rank in enumerate(self.needs.ranks, start=1):
            self.needs.ranks[rank] = unique_name(f"rank_{i}", taken)
        for seq in self.needs.sequences:
            self.needs.sequences[seq] = unique_name(seq_alias(seq), taken)
        for i, score in enumerate(self.needs.scores, start=1):
            self.needs.scores[score] = unique_name(f"score_{i}", taken)
        taken |= {r + sfx for r in self.needs.ranks.values() for sfx in ("_value", "_better", "_n")}
        taken |= {s + "_value" for s in self.needs.scores.values()}
        # Every column name of `base`/`ranked`: new columns (layers) must avoid them.
        self.columns = taken

    def base(self) -> tuple[exp.Select, list[tuple[str, exp.Select]]]:
        """The `base` relation (entity + attributes + aggregates) and the group CTEs."""
        key = self.entity.key
        alias_all = self.caps.alias_join_columns
        select = new_select(aliased(col(key, "e"), ident(key)) if alias_all else col(key, "e"))
        for name, attr in self.needs.attrs.items():
            if name == key and attr.column == key:
                continue  # the key is selected already
            column = col(attr.column, "e")
            add_columns(
                select,
                column if attr.column == name and not alias_all else aliased(column, ident(name)),
            )
        ctes: list[tuple[str, exp.Select]] = []
        joins: list[tuple[str, str]] = []
        taken = self.ctes
        for (src, ev_key), aggs in self._event_groups().items():
            cte_name = unique_name("agg_" + re.sub(r"\W", "_", src.parts[-1]).lower(), taken)
            ctes.append((cte_name, self._group_cte(src, ev_key, aggs)))
            joins.append((cte_name, ev_key))
            for agg in aggs:
                alias = self.needs.aggregates[agg]
                ref: exp.Expr = col(alias, cte_name)
                if agg.func in ("count", "count_distinct", "sum"):
                    ref = exp.Coalesce(this=ref, expressions=[num(0)])
                add_columns(select, aliased(ref, ident(alias)))
        for seq, alias in self.needs.sequences.items():
            cte_name = unique_name(alias, taken)
            ctes.append((cte_name, self._sequence_cte(seq)))
            joins.append((cte_name, "seq_key"))
            hit = exp.Coalesce(this=col("seq_hit", cte_name), expressions=[num(0)])
            add_columns(select, aliased(hit, ident(alias)))
        select.set("from_", exp.From(this=table_ref(self.entity.source, "e")))
        for cte_name, ev_key in joins:
            # Built directly: Select.join() would run sqlglot's parser on its arguments.
            select.append(
                "joins",
                exp.Join(
                    this=exp.Table(this=ident(cte_name)),
                    on=exp.EQ(this=col(key, "e"), expression=col(ev_key, cte_name)),
                    side="LEFT",
                ),
            )
        return select, ctes

    def statement(
        self, final: exp.Select, layers: list[list[tuple[str, exp.Expr]]] | None = None
    ) -> exp.Select:
        """The whole statement; ``layers`` are CTEs of (column, condition) computed
        in order over the previous relation, before ``final``."""
        base, ctes = self.base()
        ctes.append((self.base_name, base))
        source = self.base_name
        for name, cte in self.ranked():
            ctes.append((name, cte))
            source = name
        for i, layer in enumerate(layers or [], start=1):
            select = new_select(
                exp.Star(),
                *(aliased(cond, ident(column)) for column, cond in layer),
                from_=exp.Table(this=ident(source)),
            )
            source = unique_name(f"segments_{i}", self.ctes)
            ctes.append((source, select))
        final.set("from_", exp.From(this=exp.Table(this=ident(source))))
        final.set(
            "with_",
            exp.With(
                # The alias a bare identifier, as sqlglot's own builder leaves it.
                expressions=[exp.CTE(this=cte, alias=ident(name)) for name, cte in ctes]
            ),
        )
        if self.caps.join_use_nulls:
            # Missing stays missing through LEFT JOIN (ClickHouse fills in 0 otherwise).
            setting = exp.EQ(this=exp.column("join_use_nulls"), expression=num(1))
            final.set("settings", [setting])
        return final


def entity_of(segments: list[ir.Segment], catalog: Catalog) -> EntityDef:
    entities = {s.entity for s in segments}
    if len(entities) != 1:
        raise SegdslError(
            Diagnostic(
                "U003",
                "segments of different entities cannot share one statement: "
                + ", ".join(f"{s.name} ({s.entity})" for s in segments),
                hint="compile each entity's segments separately",
            )
        )
    return catalog.entities[entities.pop()]


def segment_query(
    segment: ir.Segment, catalog: Catalog, dialect: str, as_of: dt.datetime | None
) -> exp.Select:
    """The sqlglot tree of one segment: one column, the entity key, each member once."""
    entity = catalog.entities[segment.entity]
    d = dialect_name(dialect)
    b = Builder(catalog, entity, AsOf(as_of, d, catalog.timezone), d)
    b.plan([segment.cond])
    final = new_select(col(entity.key), where=b.cond(segment.cond, False))
    return b.statement(final)


def membership_query(
    segments: list[ir.Segment],
    catalog: Catalog,
    dialect: str,
    as_of: dt.datetime | None,
    segmentations: list[ir.Segmentation] | None = None,
    clock: AsOf | None = None,
) -> exp.Select:
    """One statement: the key and one boolean column per segment, for every entity,
    and one text column per segmentation (the name of each entity's class). ``clock``
    replaces how T is spelled (``export dbt``: placeholders for a dbt var)."""
    groupings = list(segmentations or [])
    entity = entity_of(
        segments + [ir.Segment(g.name, g.entity, ir.IsMissing(g.value)) for g in groupings],
        catalog,
    )
    d = dialect_name(dialect)
    b = Builder(catalog, entity, clock or AsOf(as_of, d, catalog.timezone), d)
    if not b.caps.boolean_values:
        raise unsupported(d, "--membership (boolean columns)")
    b.plan([s.cond for s in segments] + [ir.IsMissing(g.value) for g in groupings])
    # A segment that others in this statement use (`in segment S`) is computed once, in
    # a layer before them, and they read its column.
    level = levels(segments)
    top = max(level.values(), default=0)
    taken = set(b.columns)
    layers: list[list[tuple[str, exp.Expr]]] = [[] for _ in range(top)]
    for k in range(top):
        for s in segments:
            if level[s.name] == k:
                column = unique_name(f"in_{s.name}", taken)
                layers[k].append((column, b.cond(s.cond, True)))
                b.computed[s.name] = column
    final = new_select(col(entity.key))
    # Each column named after its segment, unless that name is the key's or an earlier
    # column's (whatever the case): then `name_2`, … — never two columns alike.
    named = {entity.key}
    for s in segments:
        value = col(b.computed[s.name]) if s.name in b.computed else b.cond(s.cond, True)
        add_columns(final, aliased(value, ident(unique_name(s.name, named))))
    for g in groupings:
        add_columns(final, aliased(b.value(g.value), ident(unique_name(g.name, named))))
    return b.statement(final, layers)


def values_query(
    entity: str,
    columns: Sequence[tuple[str, ir.Value | ir.Cond]],
    catalog: Catalog,
    dialect: str,
    as_of: dt.datetime | None,
    where: ir.Cond | None = None,
) -> exp.Select:
    """One statement: the key and one column per named value, for every entity of
    ``entity``. A condition becomes 1 when it holds and 0 when it does not (never
    missing); a value is missing where it is (e.g. `avg` over no events). Each event
    source is read once, as for segments. With ``where``, only the entities that meet
    it (e.g. a `sample`)."""
    ent = catalog.entities[entity]
    d = dialect_name(dialect)
    b = Builder(catalog, ent, AsOf(as_of, d), d)
    b.plan(
        [c if isinstance(c, ir.Cond) else ir.IsMissing(c) for _, c in columns]
        + ([where] if where is not None else [])
    )
    final = new_select(col(ent.key))
    for name, node in columns:
        if isinstance(node, ir.Cond):
            sql: exp.Expr = exp.Case(
                ifs=[exp.If(this=b.cond(node, False), true=num(1))], default=num(0)
            )
        else:
            sql = b.value(node)
        add_columns(final, aliased(sql, ident(name)))
    if where is not None:
        final.set("where", exp.Where(this=b.cond(where, False)))
    return b.statement(final)


def to_sql(tree: exp.Expr, dialect: str, pretty: bool = True, copy: bool = True) -> str:
    """SQL text of ``tree``. sqlglot's generator may rewrite the tree for the dialect,
    so it works on a copy unless ``copy=False`` (a tree used once, then dropped: a
    deep copy costs as much as half the generation)."""
    d = dialect_name(dialect)
    try:
        return Dialect.get_or_raise(d).generate(
            tree, copy=copy, pretty=pretty, unsupported_level=ErrorLevel.RAISE
        )
    except UnsupportedError as exc:
        raise unsupported(d, f"this rule ({exc})") from None


def compile_segment(
    segment: ir.Segment, catalog: Catalog, dialect: str = "duckdb", as_of: dt.datetime | None = None
) -> str:
    return to_sql(segment_query(segment, catalog, dialect, as_of), dialect, copy=False)


def compile_membership(
    segments: list[ir.Segment],
    catalog: Catalog,
    dialect: str = "duckdb",
    as_of: dt.datetime | None = None,
    segmentations: list[ir.Segmentation] | None = None,
) -> str:
    tree = membership_query(segments, catalog, dialect, as_of, segmentations)
    return to_sql(tree, dialect, copy=False)
