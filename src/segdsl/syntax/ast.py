"""The syntax tree: what the parser read, with a source span on every node.

Nodes are small frozen dataclasses. Negated surface forms (`!=`, `not in`, `has none`,
`did not`, `not in segment`) are kept as written so that the formatter can print them
back; the resolver lowers them to `not` over the positive form.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from segdsl.diagnostics import Span


@dataclass(frozen=True)
class Node:
    span: Span = field(compare=False, repr=False)


# ---- values ------------------------------------------------------------------------


@dataclass(frozen=True)
class Literal(Node):
    """A literal value. ``kind`` is one of: integer, number, string, boolean, date,
    timestamp."""

    kind: str
    value: int | Decimal | str | bool | dt.date | dt.datetime


@dataclass(frozen=True)
class Duration(Node):
    """``90 days``; ``unit`` is normalised to day, week, month or year."""

    amount: int
    unit: str


@dataclass(frozen=True)
class Ago(Node):
    """``90 days ago``: the as-of instant minus a duration."""

    duration: Duration


Value = Literal | Ago


@dataclass(frozen=True)
class Percent(Node):
    value: Decimal


@dataclass(frozen=True)
class ValueList(Node):
    items: tuple[Value, ...]
    brackets: str = field(default="()", compare=False)  # how it was written


# ---- expressions -------------------------------------------------------------------


@dataclass(frozen=True)
class Expr(Node):
    pass


@dataclass(frozen=True)
class Name(Expr):
    name: str


@dataclass(frozen=True)
class FieldRef(Expr):
    """``purchase.amount``"""

    event: str
    field_name: str
    event_span: Span = field(compare=False, repr=False)
    field_span: Span = field(compare=False, repr=False)


@dataclass(frozen=True)
class Number(Expr):
    """A numeric literal inside arithmetic."""

    value: int | Decimal


@dataclass(frozen=True)
class LiteralExpr(Expr):
    """A non-numeric literal where a condition or number was expected (e.g. `where "x"`),
    kept so that the resolver can say what is wrong with it."""

    literal: Literal


@dataclass(frozen=True)
class Arith(Expr):
    op: str  # + - * /
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Neg(Expr):
    operand: Expr


@dataclass(frozen=True)
class Paren(Expr):
    inner: Expr


@dataclass(frozen=True)
class Window(Node):
    """``in last N unit``, or ``between N unit ago and M unit ago`` (``until`` = M)."""

    duration: Duration
    until: Duration | None = None


@dataclass(frozen=True)
class CalendarWindow(Node):
    """``in this UNIT`` (``previous`` = 0) or ``in previous [N] UNIT(s)`` (§11);
    ``unit`` is day, week, month, quarter or year."""

    unit: str
    previous: int
    written: bool = field(default=False, compare=False)  # whether N was written


AnyWindow = Window | CalendarWindow


@dataclass(frozen=True)
class Score(Expr):
    """``score 1..N by X [per G]`` (§14)."""

    low: Literal
    high: Literal
    by: Expr
    per: str | None = None
    per_span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Aggregate(Expr):
    """``count(E …)``, ``count distinct(E.f …)``, ``sum(E.f …)``, ``first(E …)`` …"""

    func: str  # count, count_distinct, sum, avg, min, max, first, last, most_frequent
    event: str
    event_span: Span = field(compare=False, repr=False)
    field_name: str | None
    field_span: Span | None = field(compare=False, repr=False)
    window: AnyWindow | None
    where: Expr | None


# ---- predicates --------------------------------------------------------------------


@dataclass(frozen=True)
class Compare(Expr):
    op: str  # = != < <= > >=
    left: Expr
    right: Value | Expr  # a literal value, or an expression of the same type (§13)


@dataclass(frozen=True)
class Range(Expr):
    """``x A..B``, ``x A..``, ``x ..B`` and ``x between A and B``"""

    left: Expr
    low: Value | None
    high: Value | None
    style: str = ".."  # ".." or "between"


@dataclass(frozen=True)
class InList(Expr):
    left: Expr
    values: ValueList
    negated: bool


@dataclass(frozen=True)
class InWindow(Expr):
    left: Expr
    window: AnyWindow
    negated: bool


@dataclass(frozen=True)
class IsSet(Expr):
    left: Expr
    missing: bool  # True for `is missing` / `is null`
    spelling: str = field(default="set", compare=False)  # set, missing, null, not null


@dataclass(frozen=True)
class TextMatch(Expr):
    op: str  # contains, starts, ends
    left: Expr
    text: Literal


@dataclass(frozen=True)
class Has(Expr):
    mode: str  # one, any, all, none
    left: Expr
    values: ValueList | Value


@dataclass(frozen=True)
class BeforeAfter(Expr):
    op: str  # before, after
    left: Expr
    point: Value


@dataclass(frozen=True)
class InSegment(Expr):
    name: str  # `rfm.champions` for a class of a segmentation
    name_span: Span = field(compare=False, repr=False)


@dataclass(frozen=True)
class Then(Node):
    """``then [not] E2 within D [where (C)]`` after ``did E1 …``."""

    negated: bool
    event: str
    event_span: Span = field(compare=False, repr=False)
    within: Duration
    where: Expr | None


@dataclass(frozen=True)
class Did(Expr):
    event: str
    event_span: Span = field(compare=False, repr=False)
    negated: bool
    window: AnyWindow | None
    where: Expr | None
    then: Then | None = None


@dataclass(frozen=True)
class Rank(Expr):
    direction: str  # top, bottom
    percent: Percent
    by: Expr
    per: str | None = None  # `per G`
    per_span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Within(Expr):
    """``within D km of (LAT, LON)``"""

    distance: Literal
    lat: Literal
    lon: Literal


@dataclass(frozen=True)
class Sample(Expr):
    """``sample P% [seed "s"]``"""

    percent: Percent
    seed: Literal | None


@dataclass(frozen=True)
class Not(Expr):
    operand: Expr


@dataclass(frozen=True)
class And(Expr):
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class Or(Expr):
    items: tuple[Expr, ...]


# ---- statements --------------------------------------------------------------------


@dataclass(frozen=True)
class Meta(Node):
    key: str  # title, description, owner, tags
    values: tuple[str, ...]


@dataclass(frozen=True)
class SegmentDef(Node):
    name: str
    name_span: Span = field(compare=False, repr=False)
    entity: str | None
    entity_span: Span | None = field(compare=False, repr=False)
    meta: tuple[Meta, ...]
    where: Expr

    def meta_value(self, key: str) -> str | None:
        for m in self.meta:
            if m.key == key:
                return m.values[0] if m.values else None
        return None

    @property
    def tags(self) -> tuple[str, ...]:
        for m in self.meta:
            if m.key == "tags":
                return m.values
        return ()


@dataclass(frozen=True)
class MeasureDef(Node):
    name: str
    name_span: Span = field(compare=False, repr=False)
    expr: Expr


@dataclass(frozen=True)
class ClassDef(Node):
    """One class of a segmentation: ``NAME where C``, or the catch-all ``NAME``."""

    name: str
    name_span: Span = field(compare=False, repr=False)
    where: Expr | None


@dataclass(frozen=True)
class SegmentationDef(Node):
    """``segmentation NAME [of E] meta* CLASS where C … [CATCHALL]`` (§15)."""

    name: str
    name_span: Span = field(compare=False, repr=False)
    entity: str | None
    entity_span: Span | None = field(compare=False, repr=False)
    meta: tuple[Meta, ...]
    classes: tuple[ClassDef, ...]

    def meta_value(self, key: str) -> str | None:
        for m in self.meta:
            if m.key == key:
                return m.values[0] if m.values else None
        return None

    @property
    def tags(self) -> tuple[str, ...]:
        for m in self.meta:
            if m.key == "tags":
                return m.values
        return ()

    @property
    def catchall(self) -> ClassDef | None:
        last = self.classes[-1] if self.classes else None
        return last if last is not None and last.where is None else None

    def class_segments(self) -> tuple[SegmentDef, ...]:
        """Each class as the segment `NAME.CLASS` it stands for: its own condition and
        none of the earlier ones (the catch-all: none of them) — for the tools that
        work on segment definitions (diff, history, explain)."""
        out: list[SegmentDef] = []
        earlier: list[Expr] = []
        for c in self.classes:
            parts: list[Expr] = [c.where] if c.where is not None else []
            if earlier:
                taken = (
                    earlier[0] if len(earlier) == 1 else Paren(c.span, Or(c.span, tuple(earlier)))
                )
                parts.append(Not(c.span, taken))
            where: Expr = (
                parts[0]
                if len(parts) == 1
                else And(c.span, tuple(parts))
                if parts
                else Name(c.span, "true")
            )
            meta = tuple(m for m in self.meta if m.key in ("owner", "tags"))
            out.append(
                SegmentDef(
                    c.span,
                    f"{self.name}.{c.name}",
                    c.name_span,
                    self.entity,
                    self.entity_span,
                    meta,
                    where,
                )
            )
            if c.where is not None:
                earlier.append(Paren(c.where.span, c.where))
        return tuple(out)


Statement = SegmentDef | MeasureDef | SegmentationDef


@dataclass(frozen=True)
class Comment:
    span: Span
    text: str


@dataclass(frozen=True)
class Module:
    """One parsed file."""

    source_path: str
    statements: tuple[Statement, ...]
    comments: tuple[Comment, ...] = ()


# ---- walking the tree --------------------------------------------------------------


def children(node: Node) -> Iterator[Node]:
    """The nodes directly under ``node``, in field order (also those inside tuples),
    derived from the dataclass fields."""
    for f in dataclasses.fields(node):
        v = getattr(node, f.name)
        if isinstance(v, Node):
            yield v
        elif isinstance(v, tuple):
            yield from (x for x in v if isinstance(x, Node))


def walk(node: Node) -> Iterator[Node]:
    """``node`` and every node under it, pre-order."""
    stack: list[Node] = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(list(children(n))))


def walk_exprs(e: Expr) -> list[Expr]:
    """Every expression node under ``e`` (and ``e``) in source order."""
    return [n for n in walk(e) if isinstance(n, Expr)]
