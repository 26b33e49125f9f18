"""A segment project: a folder with ``segdsl.toml`` and ``*.seg`` files — the Python API.

>>> import segdsl
>>> project = segdsl.load_project("examples/retail")
>>> print(project.compile("young_frequent_buyers", dialect="snowflake", as_of="2026-06-30"))
>>> result = project.evaluate(["young_frequent_buyers"], as_of="2026-06-30")
>>> result.sizes["young_frequent_buyers"].members
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Literal

from segdsl.diagnostics import Diagnostic, SegdslError, Source, codes
from segdsl.diagnostics.files import plain_text
from segdsl.diagnostics.files import read_source as read_file_source
from segdsl.diagnostics.suggest import did_you_mean
from segdsl.semantic import ir
from segdsl.semantic.timecalc import local_to_utc, parse_as_of
from segdsl.syntax import ast
from segdsl.syntax.parser import MAX_FILE_BYTES, parse_source, too_large

if TYPE_CHECKING:
    from segdsl.catalog.model import Catalog
    from segdsl.engines.base import Session
    from segdsl.evaluation.evaluate import Evaluation

CATALOG_FILE = "segdsl.toml"

# How `compile --read-files` writes the files' paths.
ReadFiles = Literal["relative", "absolute"]


def as_of_instant(
    value: str | dt.datetime | dt.date | None, zone: str = "UTC"
) -> dt.datetime | None:
    """The as-of instant as a naive UTC datetime. Text (``--as-of``) and a date without
    an offset are read in ``zone``, the project's time zone (language.md §11); a Python
    datetime is an instant (naive ones are UTC)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:  # timestamps are UTC
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value
    if isinstance(value, dt.date):
        return local_to_utc(dt.datetime.combine(value, dt.time()), zone)
    return parse_as_of(value, zone)


def read_source(path: Path, display: str) -> Source:
    """A rule file through the one reader (U010, U011; E112 past 1 MiB, unread)."""
    return read_file_source(path, display, max_bytes=MAX_FILE_BYTES, too_large=too_large)


@dataclass
class Project:
    """A loaded and resolved project."""

    root: Path
    catalog: Catalog
    modules: list[ast.Module]
    segments: dict[str, ir.Segment]
    measures: dict[str, ir.Measure]
    # Segmentations (§15); their classes are in ``segments`` as `NAME.CLASS`.
    segmentations: dict[str, ir.Segmentation] = dataclasses.field(default_factory=dict)

    def as_of(self, value: str | dt.datetime | dt.date | None) -> dt.datetime | None:
        """An as-of value read in this project's time zone (see :func:`as_of_instant`)."""
        return as_of_instant(value, self.catalog.timezone)

    def segmentation_of(self, segment: str) -> ir.Segmentation | None:
        """The segmentation whose class ``segment`` (`NAME.CLASS`) is, if any."""
        name, dot, _cls = segment.partition(".")
        return self.segmentations.get(name) if dot else None

    # ---- lookup ---------------------------------------------------------------------
    def segment(self, name: str) -> ir.Segment:
        seg = self.segments.get(name)
        if seg is None:
            raise SegdslError(
                Diagnostic(
                    codes.U004,
                    f"no segment named `{name}` in {self.root}",
                    hint=did_you_mean(name, self.segments)
                    + "the segments are: "
                    + ", ".join(list(self.segments)[:8])
                    + (", …" if len(self.segments) > 8 else ""),
                )
            )
        return seg

    def select(self, names: Sequence[str] | None) -> list[ir.Segment]:
        """Segments by name (all without names); a segmentation's name stands for its
        classes, in order."""
        if not names:
            return list(self.segments.values())
        out: list[ir.Segment] = []
        for n in names:
            g = self.segmentations.get(n)
            if g is not None and n not in self.segments:
                out.extend(self.segments[g.segment_name(c)] for c in g.classes)
            else:
                out.append(self.segment(n))
        return out

    def rule(self, text: str, entity: str | None = None) -> ir.Segment:
        """Resolve an unnamed rule (a condition) against this project's catalog."""
        from segdsl.syntax.parser import parse_condition

        expr = parse_condition(text)
        from segdsl.semantic.resolver import Resolver

        resolver = Resolver(self.catalog, self.modules)
        seg = resolver.rule(expr, entity)
        return dataclasses.replace(seg, rule_text=text)

    def with_catalog(self, catalog: Catalog) -> Project:
        """The same rules resolved against another catalog (e.g. one adapted to the
        column types found in the data)."""
        from segdsl.semantic.resolver import Resolver

        resolved = Resolver(catalog, self.modules).resolve_all()
        return Project(
            self.root,
            catalog,
            self.modules,
            resolved.segments,
            resolved.measures,
            resolved.segmentations,
        )

    # ---- compile --------------------------------------------------------------------
    def compile(
        self,
        name: str | ir.Segment,
        dialect: str | None = None,
        as_of: str | dt.datetime | dt.date | None = None,
        read_files: ReadFiles | None = None,
    ) -> str:
        """SQL text of one segment: a SELECT returning the entity key of each member.

        A source that is a Parquet/CSV file is a table named by the file's stem
        (``customers.parquet`` → ``customers``), as in a warehouse; with ``read_files``
        ("relative" to the current folder, or "absolute") the SQL reads the file itself
        (DuckDB only)."""
        from segdsl.sql.compiler import compile_segment

        seg = name if isinstance(name, ir.Segment) else self.segment(name)
        d = dialect or self.catalog.dialect
        return compile_segment(seg, self._catalog_for(d, read_files), d, self.as_of(as_of))

    def compile_membership(
        self,
        names: Sequence[str] | None = None,
        dialect: str | None = None,
        as_of: str | dt.datetime | dt.date | None = None,
        read_files: ReadFiles | None = None,
    ) -> str:
        """One SELECT: the key and one boolean column per segment; a segmentation named
        (or, without names, every one) is one text column, the name of each entity's
        class, instead of a column per class."""
        from segdsl.sql.compiler import compile_membership

        d = dialect or self.catalog.dialect
        segments, groupings = self.select_with_segmentations(names)
        return compile_membership(
            segments, self._catalog_for(d, read_files), d, self.as_of(as_of), groupings
        )

    def select_with_segmentations(
        self, names: Sequence[str] | None
    ) -> tuple[list[ir.Segment], list[ir.Segmentation]]:
        """Segments and segmentations named (all when ``names`` is empty): the classes
        of a segmentation listed are not listed as segments of their own."""
        if not names:
            groupings = list(self.segmentations.values())
            taken = {g.segment_name(c) for g in groupings for c in g.classes}
            return [s for s in self.segments.values() if s.name not in taken], groupings
        segments: list[ir.Segment] = []
        found: list[ir.Segmentation] = []
        for n in names:
            if n in self.segmentations and n not in self.segments:
                found.append(self.segmentations[n])
            else:
                segments.append(self.segment(n))
        return segments, found

    def _catalog_for(self, dialect: str, read_files: ReadFiles | None) -> Catalog:
        if read_files is None:
            return self.catalog
        if dialect.lower() != "duckdb":
            raise SegdslError(
                Diagnostic(
                    codes.U051,
                    f"--read-files writes DuckDB's file readers; it cannot compile for {dialect}",
                    hint="use --dialect duckdb, or load the files into tables first "
                    "(the default SQL reads tables named by the files' stems)",
                )
            )
        if read_files not in ("relative", "absolute"):
            raise ValueError(f"read_files must be 'relative' or 'absolute', not {read_files!r}")
        from segdsl.catalog.model import reading_files

        return reading_files(self.catalog, self.root, read_files)

    # ---- evaluate -------------------------------------------------------------------
    def for_data(self, session: Session) -> Project:
        """This project resolved against its catalog as adapted to the data that
        ``session`` reads (an event stamped with dates follows the date rules of
        section 7); checks every source first (``D001``, ``D006``–``D009``)."""
        from segdsl.engines.sources import adapt_to_data, check_sources

        check_sources(self.catalog, session)
        adapted = adapt_to_data(self.catalog, session)
        return self if adapted is self.catalog else self.with_catalog(adapted)

    def adapted(self) -> Project:
        """:meth:`for_data` on the embedded DuckDB connection: what ``snapshot``,
        ``explain`` and ``overlap`` use to build segments on the fly that evaluate as
        they are."""
        from segdsl.engines.sources import connect_engine

        session = connect_engine(self.catalog, self.root, "duckdb")
        try:
            return self.for_data(session)
        finally:
            session.close()

    def evaluate(
        self,
        names: Sequence[str] | Sequence[ir.Segment] | None = None,
        as_of: str | dt.datetime | dt.date | None = None,
        engine: str | None = None,
        session: Session | None = None,
        members: bool = True,
    ) -> Evaluation:
        """Evaluate segments on the embedded DuckDB database (or the catalog's files),
        or on another ``engine`` ("sqlite", "postgres", "clickhouse", "spark",
        "datafusion") set up under ``[engine.NAME]`` in segdsl.toml, or on an open
        ``session`` (which is left open). With ``members=False`` only the sizes are
        computed (faster: no member crosses into Python)."""
        from segdsl.engines import engine_name
        from segdsl.engines.sources import connect_engine
        from segdsl.evaluation.evaluate import evaluate
        from segdsl.semantic.timecalc import now_utc

        segs = [n if isinstance(n, ir.Segment) else self.segment(n) for n in (names or [])] or list(
            self.segments.values()
        )
        instant = self.as_of(as_of) or now_utc()
        own = session is None
        if session is None:
            session = connect_engine(
                self.catalog, self.root, engine_name(engine) if engine else "duckdb"
            )
        try:
            project = self.for_data(session)
            if project is not self:
                # Resolve again against the adapted catalog.
                segs = [
                    project.rule(s.rule_text, s.entity) if s.rule_text else project.segment(s.name)
                    for s in segs
                ]
            return evaluate(project.catalog, segs, instant, session, members=members)
        finally:
            if own:
                session.close()


def find_files(root: Path) -> list[Path]:
    return sorted(
        p
        for p in root.rglob("*.seg")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )


def load_project(path: str | Path = ".") -> Project:
    """Load ``segdsl.toml`` and every ``*.seg`` below ``path``; parse and resolve them.

    Raises :class:`SegdslError` with every problem found (not only the first)."""
    root = Path(path)
    if not root.exists():
        raise SegdslError(
            Diagnostic(
                codes.U010,
                f"no such folder: {root}",
                path=str(root),
                hint="pass the project folder with -p, e.g. -p examples/retail",
            )
        )
    if root.is_file():
        root = root.parent
    from segdsl.catalog.model import load_catalog

    catalog = load_catalog(root / CATALOG_FILE)
    modules: list[ast.Module] = []
    diags: list[Diagnostic] = []
    for file in find_files(root):
        try:
            modules.append(parse_source(read_source(file, str(file))))
        except SegdslError as exc:
            diags.extend(exc.diagnostics)
        _check_project_size(modules)
    return _resolve_project(root, catalog, modules, diags)


# E114: segments and measures in one project. Far beyond any real project (a retailer
# keeps a hundred segments); past it, loading stops at once instead of parsing,
# resolving and linting for minutes.
MAX_STATEMENTS = 20_000


def _check_project_size(modules: list[ast.Module]) -> None:
    """Stop with E114 as soon as the files read so far hold more than
    :data:`MAX_STATEMENTS` segments and measures (called after each file)."""
    total = sum(len(m.statements) for m in modules)
    if total > MAX_STATEMENTS:
        last = modules[-1]
        raise too_many_statements(last.statements[MAX_STATEMENTS - (total - len(last.statements))])


def too_many_statements(first_over: ast.Statement) -> SegdslError:
    """E114, pointing at the statement that passes :data:`MAX_STATEMENTS`."""
    return SegdslError(
        Diagnostic(
            "E114",
            f"this project holds more than {MAX_STATEMENTS:,} segments and measures",
            first_over.name_span,
            label=f"number {MAX_STATEMENTS + 1:,}",
            hint="split it into several projects (folders with their own segdsl.toml); "
            "segments that differ only in a number are often one segment per value of "
            "an attribute, or a ranking",
        )
    )


def _resolve_project(
    root: Path, catalog: Catalog, modules: list[ast.Module], diags: list[Diagnostic]
) -> Project:
    if catalog.engine:
        # Every [engine.NAME] table checked against the engine registry now, not when
        # the engine is first used (C030, C031, with a did-you-mean).
        from segdsl.engines import validate_engines

        try:
            validate_engines(catalog)
        except SegdslError as exc:
            diags = exc.diagnostics + diags
    if diags:
        # Names defined in a file that did not parse would show up as unknown
        # elsewhere: report the syntax errors alone.
        raise SegdslError(diags)
    from segdsl.semantic.resolver import Resolver

    resolved = Resolver(catalog, modules).resolve_all()
    return Project(
        root, catalog, modules, resolved.segments, resolved.measures, resolved.segmentations
    )


def project_from_texts(
    root: str | Path,
    catalog_text: str,
    files: Mapping[str, str],
    catalog_path: str | None = None,
) -> Project:
    """A project from texts held in memory (e.g. read from a git revision).

    ``catalog_text`` is the text of ``segdsl.toml``; ``files`` maps the path shown in
    messages of each ``.seg`` file to its text (parsed in the order of their paths, as
    :func:`load_project` does); ``root`` is the folder that the catalog's data paths are
    relative to. ``catalog_path`` names the catalog in messages (default
    ``root/segdsl.toml``). Raises :class:`SegdslError` with every problem found."""
    root = Path(root)
    from segdsl.catalog.model import parse_catalog

    catalog = parse_catalog(plain_text(catalog_text), catalog_path or str(root / CATALOG_FILE))
    modules: list[ast.Module] = []
    diags: list[Diagnostic] = []
    for path in sorted(files, key=lambda p: PurePosixPath(p).parts):
        try:
            modules.append(parse_source(Source(path, plain_text(files[path]))))
        except SegdslError as exc:
            diags.extend(exc.diagnostics)
        _check_project_size(modules)
    return _resolve_project(root, catalog, modules, diags)
