"""Names in generated SQL: identifiers quoted only when they must be, column and table
references, and unique names for a statement's own relations and columns."""

from __future__ import annotations

import functools
import re

from sqlglot import exp

from segdsl.catalog.model import Catalog, SourceTable

PLAIN = re.compile(r"[a-z_][a-z0-9_]*\Z")


# Words reserved in standard SQL and by most engines: a column or table with such a
# name must be quoted everywhere.
RESERVED = frozenset(
    """all and any array as asc between both by case cast check collate column constraint
    create cross current_date current_time current_timestamp current_user default delete
    desc distinct drop else end except exists false fetch for foreign from full grant group
    having in inner insert intersect interval into is join lateral leading left like limit
    natural not null offset on or order outer over partition primary range references right
    rows select session_user some table then to trailing true union unique update user using
    values when where window with
    add alter analyze anti asof autoincrement begin binary commit deferrable describe do
    escape glob if ignore ilike index initially isnull key map nothing notnull overlaps
    partitioned_by pivot qualify raise regexp returning revoke rlike rollback semi set show
    straight_join tablesample transaction uncache unpivot xor""".split()
)


def ident(name: str) -> exp.Identifier:
    """An identifier, quoted only when it must be: not a plain lower-case name, or a
    reserved word."""
    return exp.Identifier(this=name, quoted=must_quote(name))


@functools.lru_cache(maxsize=4096)
def must_quote(name: str) -> bool:
    return not PLAIN.match(name) or name in RESERVED


def col(name: str, table: str | None = None) -> exp.Column:
    return exp.Column(this=ident(name), table=ident(table) if table else None)


def table_ref(src: SourceTable, alias: str | None = None) -> exp.Table:
    if src.read_from is not None:
        # The file itself (`compile --read-files`): DuckDB's readers.
        reader = "read_parquet" if src.read_from.lower().endswith(".parquet") else "read_csv"
        call = exp.Anonymous(this=reader, expressions=[exp.Literal.string(src.read_from)])
        t = exp.Table(this=call)
        if alias:
            t.set("alias", exp.TableAlias(this=ident(alias)))
        return t
    parts = src.parts
    t = exp.Table(
        this=ident(parts[-1]),
        db=ident(parts[-2]) if len(parts) >= 2 else None,
        catalog=ident(parts[-3]) if len(parts) >= 3 else None,
    )
    if alias:
        t.set("alias", exp.TableAlias(this=ident(alias)))
    return t


def table_names(catalog: Catalog) -> set[str]:
    """Every part of every table name the catalog reads, lower-cased."""
    sources = [e.source for e in catalog.entities.values()]
    sources += [e.source for e in catalog.events.values()]
    return {part.lower() for src in sources for part in src.parts}


def unique_name(base: str, taken: set[str]) -> str:
    """``base``, or ``base_2``, ``base_3``, … : a name that no name of ``taken`` equals,
    whatever the case (engines such as DuckDB match names case-blind, quoted or not);
    added to ``taken``."""
    folded = {t.casefold() for t in taken}
    name, n = base, 2
    while name.casefold() in folded:
        name = f"{base}_{n}"
        n += 1
    taken.add(name)
    return name
