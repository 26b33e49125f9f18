"""What changed between two versions of a project, and what it does to membership.

Segments and measures are compared on their **resolved** form (the IR, which compares
without source positions): a segment whose text is the same but whose resolved rule
differs changed *via* a measure or segment it uses (or via the catalog). A segment that
disappeared under one name and appeared under another with the same resolved rule (and
entity) was **renamed**.

With evaluation, the changed, added and removed segments of each version are evaluated in
one call of :meth:`segdsl.project.Project.evaluate` per version, on the working tree's
data and at one as-of instant. For a segment in both versions:

- ``entered`` = members after that were not members before; ``left`` the reverse;
- ``jaccard`` = |before ∩ after| / |before ∪ after| (1.0 when both are empty);
- ``share`` = (|entered| + |left|) / max(|before|, 1): the membership change as a share
  of the size before; an empty base counts as one member, so ``0 → 40`` is 40.0 (4000%).

``--fail-above X`` fails when a segment present in both versions has ``share > X``.

Why this module is long: the comparison of two versions (added, removed, renamed, changed via dependencies) and its membership effect are one algorithm over one report type.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from segdsl.diagnostics import Diagnostic, SegdslError
from segdsl.project import Project
from segdsl.semantic import ir
from segdsl.support.progress import progress
from segdsl.syntax import ast
from segdsl.syntax.formatter import fmt_expr, fmt_string
from segdsl.tools.review.gitrev import Version, in_version
from segdsl.tools.review.ruletree import RuleDiff, rule_diff

__all__ = [
    "SAMPLE_SIZE",
    "DiffReport",
    "MeasureChange",
    "Membership",
    "MetaChange",
    "SegmentChange",
    "compare",
    "has_data",
    "membership",
]

SAMPLE_SIZE = 5
STATUS_ORDER = {"changed": 0, "added": 1, "removed": 2, "renamed": 3}


@dataclass(frozen=True)
class Dependency:
    """Something a rule uses whose resolved form changed."""

    kind: str  # "measure", "segment" or "catalog"
    name: str


@dataclass(frozen=True)
class MetaChange:
    field: str  # entity, title, description, owner, tags
    before: str | None
    after: str | None


@dataclass(frozen=True)
class Membership:
    """The evaluated effect of a change on one segment."""

    before: int | None  # size in the base version (None: not there)
    after: int | None  # size in the head version
    entered: int | None = None
    left: int | None = None
    entered_sample: tuple[Any, ...] = ()
    left_sample: tuple[Any, ...] = ()
    jaccard: float | None = None
    share: float | None = None


@dataclass(frozen=True)
class SegmentChange:
    name: str
    status: str  # changed, added, removed, renamed
    entity: str
    file: str  # project-relative: the head file, or the base file when removed
    old_name: str | None = None  # renamed: the base name
    base_file: str | None = None  # when the base version is in another file
    rule: RuleDiff | None = None  # when the text of the condition changed
    via: tuple[Dependency, ...] = ()  # when what the rule uses changed
    metadata: tuple[MetaChange, ...] = ()
    membership: Membership | None = None

    @property
    def condition_changed(self) -> bool:
        """Whether the resolved rule (hence perhaps the membership) changed."""
        return self.status in ("added", "removed") or self.rule is not None or bool(self.via)


@dataclass(frozen=True)
class MeasureChange:
    name: str
    status: str  # changed, added, removed, renamed
    entity: str
    file: str
    before: str | None  # the expression as source text
    after: str | None
    old_name: str | None = None
    via: tuple[Dependency, ...] = ()


@dataclass
class DiffReport:
    project: str
    base: Version
    head: Version
    segments: list[SegmentChange]
    measures: list[MeasureChange]
    as_of: dt.datetime | None = None  # set when evaluated
    evaluated: bool = False
    eval_note: str = ""  # why membership was not evaluated
    fail_above: float | None = None

    @property
    def failing(self) -> list[SegmentChange]:
        """The segments whose membership changed by more than ``fail_above``."""
        if self.fail_above is None:
            return []
        limit = self.fail_above
        return [
            s
            for s in self.segments
            if s.membership is not None
            and s.membership.share is not None
            and s.membership.share > limit
        ]


# ---- the definitions of each version ---------------------------------------------------


@dataclass(frozen=True)
class _Defs:
    version: Version
    segments: dict[str, tuple[ast.SegmentDef, str]]  # name → (definition, relative file)
    measures: dict[str, tuple[ast.MeasureDef, str]]

    @property
    def project(self) -> Project:
        return self.version.project


def _defs(version: Version) -> _Defs:
    segments: dict[str, tuple[ast.SegmentDef, str]] = {}
    measures: dict[str, tuple[ast.MeasureDef, str]] = {}
    for module in version.project.modules:
        rel = version.relative(module.source_path)
        for stmt in module.statements:
            if isinstance(stmt, ast.SegmentDef):
                segments.setdefault(stmt.name, (stmt, rel))
            elif isinstance(stmt, ast.SegmentationDef):
                for cls in stmt.class_segments():
                    segments.setdefault(cls.name, (cls, rel))
            else:
                measures.setdefault(stmt.name, (stmt, rel))
    return _Defs(version, segments, measures)


def direct_refs(node: object) -> set[tuple[str, str]]:
    """The measures and segments a resolved rule or expression uses directly."""
    if isinstance(node, ir.MeasureRef):
        return {("measure", node.name)}
    if isinstance(node, ir.InSegment):
        return {("segment", node.name)}
    out: set[tuple[str, str]] = set()
    if isinstance(node, ir.Value | ir.Cond):
        for f in dataclasses.fields(node):
            value = getattr(node, f.name)
            for item in value if isinstance(value, tuple) else (value,):
                if isinstance(item, ir.Value | ir.Cond):
                    out |= direct_refs(item)
    return out


def _changed_refs(
    refs: Iterable[tuple[str, str]], base: Project, head: Project
) -> list[Dependency]:
    out = []
    for kind, name in sorted(refs):
        if kind == "measure":
            bm, hm = base.measures.get(name), head.measures.get(name)
            if bm is not None and hm is not None and bm != hm:
                out.append(Dependency(kind, name))
        else:
            bs, hs = base.segments.get(name), head.segments.get(name)
            if bs is not None and hs is not None and (bs.cond, bs.entity) != (hs.cond, hs.entity):
                out.append(Dependency(kind, name))
    return out


def _meta_text(values: tuple[str, ...] | str | None) -> str | None:
    if values is None:
        return None
    if isinstance(values, str):
        return fmt_string(values)
    return ", ".join(fmt_string(v) for v in values) if values else None


def _metadata(b: ir.Segment, h: ir.Segment) -> tuple[MetaChange, ...]:
    out = []
    if b.entity != h.entity:
        out.append(MetaChange("entity", b.entity, h.entity))
    for key in ("title", "description", "owner"):
        bv, hv = getattr(b, key), getattr(h, key)
        if bv != hv:
            out.append(MetaChange(key, _meta_text(bv), _meta_text(hv)))
    if b.tags != h.tags:
        out.append(MetaChange("tags", _meta_text(b.tags), _meta_text(h.tags)))
    return tuple(out)


def _renames(
    removed: list[str], added: list[str], same: Any
) -> dict[str, str]:  # old name → new name
    out: dict[str, str] = {}
    taken: set[str] = set()
    for old in sorted(removed):
        for new in sorted(added):
            if new not in taken and same(old, new):
                out[old] = new
                taken.add(new)
                break
    return out


# ---- comparing --------------------------------------------------------------------------


def _compare_segments(base: _Defs, head: _Defs) -> list[SegmentChange]:
    bp, hp = base.project, head.project
    out: list[SegmentChange] = []
    for name in sorted(set(bp.segments) & set(hp.segments)):
        b, h = bp.segments[name], hp.segments[name]
        (bdef, bfile), (hdef, hfile) = base.segments[name], head.segments[name]
        meta = _metadata(b, h)
        rule: RuleDiff | None = None
        via: list[Dependency] = []
        if (b.cond, b.entity) != (h.cond, h.entity):
            if bdef.where != hdef.where:
                rule = rule_diff(bdef.where, hdef.where)
            via = _changed_refs(direct_refs(b.cond) | direct_refs(h.cond), bp, hp)
            if rule is None and not via:
                via = [Dependency("catalog", "segdsl.toml")]
        if rule is None and not via and not meta:
            continue
        out.append(
            SegmentChange(
                name,
                "changed",
                h.entity,
                hfile,
                base_file=bfile if bfile != hfile else None,
                rule=rule,
                via=tuple(via),
                metadata=meta,
            )
        )
    removed = sorted(set(bp.segments) - set(hp.segments))
    added = sorted(set(hp.segments) - set(bp.segments))
    renames = _renames(
        removed,
        added,
        lambda o, n: (
            (bp.segments[o].cond, bp.segments[o].entity)
            == (hp.segments[n].cond, hp.segments[n].entity)
        ),
    )
    for old, new in renames.items():
        bfile, hfile = base.segments[old][1], head.segments[new][1]
        out.append(
            SegmentChange(
                new,
                "renamed",
                hp.segments[new].entity,
                hfile,
                old_name=old,
                base_file=bfile if bfile != hfile else None,
                metadata=_metadata(bp.segments[old], hp.segments[new]),
            )
        )
    for name in added:
        if name not in renames.values():
            out.append(
                SegmentChange(name, "added", hp.segments[name].entity, head.segments[name][1])
            )
    for name in removed:
        if name not in renames:
            out.append(
                SegmentChange(name, "removed", bp.segments[name].entity, base.segments[name][1])
            )
    return out


def _compare_measures(base: _Defs, head: _Defs) -> list[MeasureChange]:
    bp, hp = base.project, head.project
    out: list[MeasureChange] = []
    for name in sorted(set(bp.measures) & set(hp.measures)):
        b, h = bp.measures[name], hp.measures[name]
        if b == h:
            continue
        (bdef, _), (hdef, hfile) = base.measures[name], head.measures[name]
        via: list[Dependency] = []
        if bdef.expr == hdef.expr:
            via = _changed_refs(direct_refs(b.expr) | direct_refs(h.expr), bp, hp) or [
                Dependency("catalog", "segdsl.toml")
            ]
        out.append(
            MeasureChange(
                name,
                "changed",
                h.entity,
                hfile,
                fmt_expr(bdef.expr),
                fmt_expr(hdef.expr),
                via=tuple(via),
            )
        )
    removed = sorted(set(bp.measures) - set(hp.measures))
    added = sorted(set(hp.measures) - set(bp.measures))
    renames = _renames(
        removed,
        added,
        lambda o, n: (
            (bp.measures[o].expr, bp.measures[o].entity)
            == (hp.measures[n].expr, hp.measures[n].entity)
        ),
    )
    for old, new in renames.items():
        text = fmt_expr(head.measures[new][0].expr)
        out.append(
            MeasureChange(
                new,
                "renamed",
                hp.measures[new].entity,
                head.measures[new][1],
                fmt_expr(base.measures[old][0].expr),
                text,
                old_name=old,
            )
        )
    for name in added:
        if name not in renames.values():
            d, f = head.measures[name]
            out.append(
                MeasureChange(name, "added", hp.measures[name].entity, f, None, fmt_expr(d.expr))
            )
    for name in removed:
        if name not in renames:
            d, f = base.measures[name]
            out.append(
                MeasureChange(name, "removed", bp.measures[name].entity, f, fmt_expr(d.expr), None)
            )
    return out


def _in_paths(file: str | None, paths: Sequence[str]) -> bool:
    if file is None:
        return False
    parts = PurePosixPath(file).parts
    for p in paths:
        want = PurePosixPath(p).parts
        if parts[: len(want)] == want:
            return True
    return False


def relative_paths(paths: Sequence[Path], folder: Path) -> list[str]:
    """PATHS given on the command line (relative to the current folder) as paths inside
    the project folder."""
    root = folder.resolve()
    out = []
    for p in paths:
        full = p.resolve() if p.is_absolute() else (Path.cwd() / p).resolve()
        try:
            out.append(full.relative_to(root).as_posix())
        except ValueError:
            raise SegdslError(
                Diagnostic(
                    "U044",
                    f"{p} is not inside the project folder {folder}",
                    hint="give .seg files or folders of the project (they may exist in "
                    "either revision only)",
                )
            ) from None
    return ["" if p == "." else p for p in out]


# ---- evaluating ---------------------------------------------------------------------------


def has_data(project: Project) -> bool:
    """Whether the project's data is there: the database file, or every source file."""
    catalog = project.catalog
    if catalog.database:
        return (project.root / catalog.database).is_file()
    sources = [e.source for e in catalog.entities.values()] + [
        e.source for e in catalog.events.values()
    ]
    return all(s.path is not None and (project.root / s.path).is_file() for s in sources)


def _sort_key(key: Any) -> tuple[bool, Any]:
    return (key is None, key if key is not None else 0)


def membership(before: Sequence[Any] | None, after: Sequence[Any] | None) -> Membership:
    """The change from the members ``before`` to the members ``after`` (either may be
    absent: an added or removed segment)."""
    if before is None or after is None:
        return Membership(
            None if before is None else len(before), None if after is None else len(after)
        )
    b, h = set(before), set(after)
    entered = sorted(h - b, key=_sort_key)
    left = sorted(b - h, key=_sort_key)
    union = b | h
    return Membership(
        len(b),
        len(h),
        len(entered),
        len(left),
        tuple(entered[:SAMPLE_SIZE]),
        tuple(left[:SAMPLE_SIZE]),
        len(b & h) / len(union) if union else 1.0,
        (len(entered) + len(left)) / max(len(b), 1),
    )


def _members(version: Version, names: list[str], as_of: dt.datetime) -> dict[str, list[Any]]:
    if not names:  # evaluate([]) would evaluate every segment
        return {}
    project = version.project
    where = "the working tree" if version.rev is None else f"revision {version.label}"
    try:
        with progress(f"diff: evaluating {where}"):
            result = project.evaluate([project.segments[n] for n in names], as_of)
    except SegdslError as exc:
        raise in_version(exc, f"evaluating {where} on the working tree's data") from None
    return {n: result.members(n) for n in names}


def _evaluate(report: DiffReport, as_of: dt.datetime) -> None:
    todo = [s for s in report.segments if s.condition_changed]
    base_names = [s.old_name or s.name for s in todo if s.status != "added"]
    head_names = [s.name for s in todo if s.status != "removed"]
    before = _members(report.base, base_names, as_of)
    after = _members(report.head, head_names, as_of)
    bp = report.base.project
    for i, s in enumerate(report.segments):
        if not s.condition_changed:
            continue
        b = before.get(s.old_name or s.name)
        h = after.get(s.name)
        if b is not None and h is not None and bp.segments[s.old_name or s.name].entity != s.entity:
            # Keys of two entities cannot be compared: sizes only.
            m = Membership(len(b), len(h))
        else:
            m = membership(b, h)
        report.segments[i] = dataclasses.replace(s, membership=m)
    report.as_of = as_of
    report.evaluated = True


# ---- the whole diff -------------------------------------------------------------------------


def compare(
    base: Version,
    head: Version,
    *,
    project: str,
    paths: Sequence[str] = (),
    evaluate: bool | None = None,
    as_of: dt.datetime | None = None,
    fail_above: float | None = None,
) -> DiffReport:
    """Compare two versions of a project; evaluate the changed segments when asked
    (``evaluate=True``), or when the data is there (``None``)."""
    from segdsl.semantic.timecalc import now_utc

    bd, hd = _defs(base), _defs(head)
    segments = _compare_segments(bd, hd)
    measures = _compare_measures(bd, hd)
    if paths:
        segments = [
            s for s in segments if _in_paths(s.file, paths) or _in_paths(s.base_file, paths)
        ]
        measures = [
            m
            for m in measures
            if _in_paths(m.file, paths)
            or _in_paths(
                bd.measures[m.old_name or m.name][1] if m.status != "added" else None, paths
            )
        ]
    segments.sort(key=lambda s: (STATUS_ORDER[s.status], s.name))
    measures.sort(key=lambda m: (STATUS_ORDER[m.status], m.name))
    report = DiffReport(project, base, head, segments, measures, fail_above=fail_above)
    wanted = evaluate if evaluate is not None else has_data(head.project)
    if not wanted:
        report.eval_note = (
            "not evaluated (--no-eval)" if evaluate is False else "not evaluated: no data"
        )
    elif not any(s.condition_changed for s in segments):
        report.eval_note = "nothing to evaluate: no rule changed"
    else:
        _evaluate(report, as_of or now_utc())
    if (
        fail_above is not None
        and not report.evaluated
        and any(s.condition_changed for s in segments)
    ):
        raise SegdslError(
            Diagnostic(
                "U045",
                "--fail-above needs the membership, but the segments were "
                + (
                    "not evaluated (--no-eval)"
                    if evaluate is False
                    else "not evaluated: the project's data is not there"
                ),
                hint="run with the data in place (or drop --fail-above)",
            )
        )
    return report


def parse_share(text: str) -> float:
    """``10%`` or ``0.1`` → 0.1. A bare number above 1 is refused (10 is ambiguous)."""
    raw = text.strip()
    percent = raw.endswith("%")
    try:
        value = float(raw[:-1] if percent else raw)
    except ValueError:
        raise ValueError(f"`{text}` is not a share: write 10% or 0.1") from None
    if value != value or value < 0 or value in (float("inf"), float("-inf")):
        raise ValueError(f"`{text}` is not a share: write 10% or 0.1")
    if percent:
        return value / 100
    if value > 1:
        raise ValueError(f"`{text}` is ambiguous: write {raw}% (or {value / 100:g})")
    return value


def diff_revisions(
    project: Path,
    base: str = "HEAD",
    head: str | None = None,
    *,
    paths: Sequence[Path] = (),
    evaluate: bool | None = None,
    as_of: dt.datetime | None = None,
    fail_above: float | None = None,
) -> DiffReport:
    """``segdsl diff``: the project in folder ``project`` at revision ``base`` against
    revision ``head`` (None: the working tree), both read through git; the data is the
    working tree's."""
    from segdsl.tools.review.gitrev import open_repo, read_revision, read_working_tree

    repo = open_repo(project)
    wanted = relative_paths(paths, repo.folder)
    base_version = read_revision(repo, base)
    head_version = read_working_tree(repo.folder) if head is None else read_revision(repo, head)
    return compare(
        base_version,
        head_version,
        project=str(repo.folder),
        paths=wanted,
        evaluate=evaluate,
        as_of=as_of,
        fail_above=fail_above,
    )
