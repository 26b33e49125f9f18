"""``segdsl export dbt``: a project's segments as plain dbt files.

Into the dbt project folder ``out`` it writes, and touches nothing else:

- ``models/segdsl/segdsl_<entity>_membership.sql`` — one table per entity: the key,
  one boolean column per segment (from the fused membership statement), and
  ``segdsl_as_of``; the as-of instant is the dbt var ``segdsl_as_of`` (default: the
  run's start time), see :mod:`segdsl.tools.warehouse.templated`;
- ``models/segdsl/sources.yml`` — the catalog's tables as the source ``segdsl``;
- ``models/segdsl/schema.yml`` — the models, their tests (key unique and not null)
  and each segment's rule, title, owner and tags;
- ``snapshots/segdsl/snapshots.yml`` — an SCD2 snapshot of each membership table.

The same project and options give byte-identical files; a file whose content did not
change is not rewritten. Files are written whole (temporary file, rename). A file
segdsl generated earlier for an entity that has no segment any more is removed; a file
segdsl did not generate is never overwritten (X003).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from segdsl.project import Project
from segdsl.semantic import ir
from segdsl.semantic.rulehash import rule_hash
from segdsl.sql.compiler import ident
from segdsl.sql.dialects import dialect_name
from segdsl.syntax import ast
from segdsl.syntax.formatter import fmt_expr
from segdsl.tools.warehouse import yamltext
from segdsl.tools.warehouse.errors import fail
from segdsl.tools.warehouse.files import (
    MARK_SQL,
    MARK_YAML,
    Written,
    check_writable,
    remove_stale,
    write_text,
)
from segdsl.tools.warehouse.templated import AS_OF_VAR, header, model_sql, source_refs

MODELS = Path("models") / "segdsl"
SNAPSHOTS = Path("snapshots") / "segdsl"
# Column names the generated tables or dbt's snapshots use themselves.
RESERVED_COLUMNS = frozenset(
    {AS_OF_VAR, "dbt_scd_id", "dbt_updated_at", "dbt_valid_from", "dbt_valid_to", "dbt_is_deleted"}
)


def model_name(entity: str) -> str:
    return f"segdsl_{entity}_membership"


def snapshot_name(entity: str) -> str:
    return f"segdsl_{entity}_membership_snapshot"


@dataclass(frozen=True)
class Export:
    out: Path
    dialect: str
    files: list[Written]


def rule_texts(project: Project) -> dict[str, str]:
    """Each segment's condition in canonical layout (as `segdsl fmt` writes it); a
    segmentation's class as ``NAME.CLASS`` (a catch-all class: ``(everyone else)``)."""
    out: dict[str, str] = {}
    for module in project.modules:
        for stmt in module.statements:
            if isinstance(stmt, ast.SegmentDef):
                out[stmt.name] = fmt_expr(stmt.where)
            elif isinstance(stmt, ast.SegmentationDef):
                for c in stmt.classes:
                    text = fmt_expr(c.where) if c.where is not None else "(everyone else)"
                    out[f"{stmt.name}.{c.name}"] = text
    return out


@dataclass(frozen=True)
class Columns:
    """What one entity's model holds: a boolean column per segment (the classes of a
    segmentation are not among them) and a text column per segmentation."""

    segments: list[ir.Segment]
    segmentations: list[ir.Segmentation]

    def names(self) -> list[str]:
        return [s.name for s in self.segments] + [g.name for g in self.segmentations]


def by_entity(project: Project) -> dict[str, Columns]:
    """The model of each entity, entities in name order, columns in project order."""
    segments, groupings = project.select_with_segmentations(None)
    grouped: dict[str, Columns] = {}
    for seg in segments:
        grouped.setdefault(seg.entity, Columns([], [])).segments.append(seg)
    for g in groupings:
        grouped.setdefault(g.entity, Columns([], [])).segmentations.append(g)
    return {e: grouped[e] for e in sorted(grouped)}


def _check_columns(project: Project, entity: str, cols: Columns) -> None:
    key = project.catalog.entities[entity].key
    named = [(s.name, s.span, "segment") for s in cols.segments]
    named += [(g.name, g.span, "segmentation") for g in cols.segmentations]
    for name, span, what in named:
        if name == key or name.lower() in RESERVED_COLUMNS:
            raise fail(
                "X002",
                f"{what} `{name}` cannot be a column of {model_name(entity)}: "
                + ("it is the entity's key" if name == key else "dbt or segdsl uses that name"),
                f"rename the {what}",
                path=str(span.source.path) if span else None,
            )


def _quoted(name: str, dialect: str) -> bool:
    return bool(ident(name).args.get("quoted"))


def _column_sql(name: str, dialect: str) -> str:
    return ident(name).sql(dialect)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _model_text(project: Project, entity: str, cols: Columns, dialect: str) -> str:
    parts = _plural(len(cols.segments), "segment")
    if cols.segmentations:
        parts += ", " + _plural(len(cols.segmentations), "segmentation")
    lines = [
        MARK_SQL,
        f"-- segdsl project `{project.catalog.project_name}`, entity `{entity}`: "
        f"{parts}, SQL for {dialect}.",
        "-- As of the dbt var segdsl_as_of (an ISO date or timestamp, read as --as-of is:",
        f"-- without an offset, in {project.catalog.timezone}; default: the run's start time):",
        "-- dbt build --vars '{segdsl_as_of: \"2026-06-30\"}'",
    ]
    # Rule text could hold a line break only inside a string; comments stay one line.
    top = "\n".join(lines) + "\n{{ config(materialized='table') }}\n"
    top += header(project.catalog.timezone)
    body = model_sql(cols.segments, project.catalog, dialect, cols.segmentations)
    return top + body + "\n"


def _segment_column(seg: ir.Segment, rule: str, dialect: str) -> dict[str, object]:
    what = f"{seg.title}. " if seg.title else ""
    desc = f"{what}Member of segment `{seg.name}`: {rule}"
    if seg.description:
        desc += f"\n\n{seg.description}"
    meta: dict[str, object] = {"segment": seg.name, "rule": rule}
    if seg.title:
        meta["title"] = seg.title
    if seg.owner:
        meta["owner"] = seg.owner
    meta["tags"] = list(seg.tags)
    meta["rule_hash"] = rule_hash(seg)
    col: dict[str, object] = {"name": seg.name, "description": desc}
    if _quoted(seg.name, dialect):
        col["quote"] = True
    col["data_type"] = "boolean"
    col["meta"] = {"segdsl": meta}
    col["data_tests"] = ["not_null"]
    return col


def _segmentation_column(
    g: ir.Segmentation, rules: dict[str, str], dialect: str
) -> dict[str, object]:
    classes = "; ".join(f"{c}: {rules.get(g.segment_name(c), '')}" for c in g.classes)
    what = f"{g.title}. " if g.title else ""
    desc = f"{what}Class in segmentation `{g.name}` (the first that applies): {classes}"
    if g.description:
        desc += f"\n\n{g.description}"
    meta: dict[str, object] = {"segmentation": g.name, "classes": list(g.classes)}
    if g.title:
        meta["title"] = g.title
    if g.owner:
        meta["owner"] = g.owner
    meta["tags"] = list(g.tags)
    col: dict[str, object] = {"name": g.name, "description": desc}
    if _quoted(g.name, dialect):
        col["quote"] = True
    col["data_type"] = "text"
    col["meta"] = {"segdsl": meta}
    # NULL: the entity meets no class (a segmentation without a catch-all class);
    # accepted_values lets NULL through.
    col["data_tests"] = [{"accepted_values": {"arguments": {"values": list(g.classes)}}}]
    return col


def _schema_yml(project: Project, groups: dict[str, Columns], dialect: str) -> str:
    rules = rule_texts(project)
    models = []
    for entity, cols in groups.items():
        segs = cols.segments
        key = project.catalog.entities[entity].key
        key_col: dict[str, object] = {
            "name": key,
            "description": f"The {entity}'s key.",
        }
        if _quoted(key, dialect):
            key_col["quote"] = True
        key_col["data_tests"] = ["unique", "not_null"]
        columns = [
            key_col,
            *(_segment_column(s, rules.get(s.name, ""), dialect) for s in segs),
            *(_segmentation_column(g, rules, dialect) for g in cols.segmentations),
            {
                "name": AS_OF_VAR,
                "description": "The as-of instant of this table (UTC): the dbt var "
                "segdsl_as_of, or the run's start time.",
                "data_type": "timestamp",
                "data_tests": ["not_null"],
            },
        ]
        models.append(
            {
                "name": model_name(entity),
                "description": f"Segment membership of every {entity} of the segdsl project "
                f"`{project.catalog.project_name}`: one row per {entity}, one true/false "
                "column per segment (never null) and one text column per segmentation "
                "(the class). Generated by `segdsl export dbt`.",
                "meta": {
                    "segdsl": {
                        "project": project.catalog.project_name,
                        "entity": entity,
                        "key": key,
                        "as_of_var": AS_OF_VAR,
                    }
                },
                "columns": columns,
            }
        )
    return yamltext.dump({"version": 2, "models": models}, MARK_YAML.removeprefix("# "))


def _sources_yml(project: Project, out: Path, dialect: str) -> str:
    refs = source_refs(project.catalog)
    uses: dict[str, list[str]] = {}
    for ent in project.catalog.entities.values():
        uses.setdefault(ent.source.table, []).append(f"entity `{ent.name}` (key `{ent.key}`)")
    for ev in project.catalog.events.values():
        uses.setdefault(ev.source.table, []).append(f"events `{ev.name}` of `{ev.entity}`")
    entity_of = {name: ", ".join(found) for name, found in uses.items()}
    sources: dict[str, dict[str, object]] = {}
    for name, ref in refs.items():
        src = sources.setdefault(
            ref.source,
            {
                "name": ref.source,
                "description": "Tables read by the segdsl project "
                f"`{project.catalog.project_name}`.",
            },
        )
        if ref.schema is None:
            src.setdefault("schema", yamltext.Jinja("{{ target.schema }}"))
        else:
            src.setdefault("schema", ref.schema)
            if ref.database:
                src.setdefault("database", ref.database)
        table: dict[str, object] = {"name": ref.table}
        meta: dict[str, object] = {"segdsl": {"table": name}}
        if ref.origin.path is not None:
            table["description"] = (
                f"In segdsl: {entity_of[name]}, read from the file {ref.origin.path}. Point this "
                "source at the warehouse table that holds it (set `schema` and `identifier`), "
                "or load it with `segdsl load`."
            )
            meta = {"segdsl": {"table": name, "file": ref.origin.path}}
            if dialect == "duckdb":
                # dbt-duckdb reads the file itself; other adapters ignore this key.
                target = (project.root / ref.origin.path).resolve()
                meta["external_location"] = Path(os.path.relpath(target, out.resolve())).as_posix()
        else:
            table["description"] = f"In segdsl: {entity_of[name]}."
        table["meta"] = meta
        tables = src.setdefault("tables", [])
        assert isinstance(tables, list)
        tables.append(table)
    doc = {"version": 2, "sources": list(sources.values())}
    return yamltext.dump(doc, MARK_YAML.removeprefix("# "))


def _snapshots_yml(project: Project, groups: dict[str, Columns], dialect: str) -> str:
    snaps = []
    for entity, cols in groups.items():
        key = project.catalog.entities[entity].key
        snaps.append(
            {
                "name": snapshot_name(entity),
                "relation": yamltext.Jinja(f"ref('{model_name(entity)}')"),
                "description": f"History of {model_name(entity)} (SCD2): a row per {entity} "
                "and period during which its memberships stayed the same; dbt_valid_from "
                "and dbt_valid_to are as-of instants.",
                "config": {
                    "unique_key": _column_sql(key, dialect),
                    "strategy": "check",
                    "check_cols": [_column_sql(n, dialect) for n in cols.names()],
                    "updated_at": AS_OF_VAR,
                    "hard_deletes": "invalidate",
                },
            }
        )
    return yamltext.dump({"snapshots": snaps}, MARK_YAML.removeprefix("# "))


def export_dbt(project: Project, out: str | Path, dialect: str | None = None) -> Export:
    """Write the dbt files of ``project`` into the dbt project folder ``out``."""
    out = Path(out)
    if not out.is_dir():
        raise fail(
            "X001",
            f"{out} is not a folder",
            "pass the folder of your dbt project (the one holding dbt_project.yml); "
            "create it first for a new project",
            path=str(out),
        )
    d = dialect_name(dialect or project.catalog.dialect)
    groups = by_entity(project)
    if not groups:
        raise fail("X004", "the project has no segment to export", "write a segment first")
    for entity, cols in groups.items():
        _check_columns(project, entity, cols)
    planned: dict[Path, str] = {}
    for entity, cols in groups.items():
        planned[out / MODELS / f"{model_name(entity)}.sql"] = _model_text(project, entity, cols, d)
    planned[out / MODELS / "sources.yml"] = _sources_yml(project, out, d)
    planned[out / MODELS / "schema.yml"] = _schema_yml(project, groups, d)
    planned[out / SNAPSHOTS / "snapshots.yml"] = _snapshots_yml(project, groups, d)
    for path in planned:  # refuse before writing anything
        check_writable(path)
    written = [write_text(path, text) for path, text in planned.items()]
    for folder in (out / MODELS, out / SNAPSHOTS):
        written.extend(remove_stale(folder, set(planned)))
    return Export(out, d, written)
