"""The typed, resolved form of rules: what the compiler and the evaluators consume.

Every name is bound (attribute → column, measure → its expression, `in segment` → the
other segment's condition), every node has a type, and the negated surface forms are
lowered to ``Not`` over the positive form. Nodes are frozen and hashable, so that equal
aggregates can be computed once.

Why this module is long: it is the one list of IR node types (small frozen dataclasses),
their closed vocabularies and the one walker derived from their fields; a reader who
looks for a node finds every node here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import ClassVar, cast, get_args
from typing import Literal as Lit

from segdsl.catalog.types import Type
from segdsl.diagnostics import Span

Scalar = int | Decimal | float | str | bool | dt.date | dt.datetime

# The closed vocabularies of the IR: mypy catches a typo that a plain string would carry
# into the SQL.
Unit = Lit["day", "week", "month", "year"]
ArithOp = Lit["+", "-", "*", "/"]
CompareOp = Lit["=", "<", "<=", ">", ">="]
AggFunc = Lit[
    "count", "count_distinct", "sum", "avg", "min", "max", "first", "last", "most_frequent"
]
TextOp = Lit["contains", "starts", "ends"]
ListMode = Lit["any", "all"]
Direction = Lit["top", "bottom"]


def _check(vocabulary: object, word: str) -> str:
    if word not in get_args(vocabulary):
        raise ValueError(f"{word!r} is not one of {get_args(vocabulary)}")
    return word


# The resolver narrows the parser's words to the vocabularies with these (a word outside
# them is a bug in the parser, not a user's mistake).
def unit(word: str) -> Unit:
    return cast(Unit, _check(Unit, word))


def arith_op(word: str) -> ArithOp:
    return cast(ArithOp, _check(ArithOp, word))


def compare_op(word: str) -> CompareOp:
    return cast(CompareOp, _check(CompareOp, word))


def agg_func(word: str) -> AggFunc:
    return cast(AggFunc, _check(AggFunc, word))


def text_op(word: str) -> TextOp:
    return cast(TextOp, _check(TextOp, word))


def list_mode(word: str) -> ListMode:
    return cast(ListMode, _check(ListMode, word))


def direction(word: str) -> Direction:
    return cast(Direction, _check(Direction, word))


# ---- values ------------------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    """An expression producing one value per entity (or per event, inside an event
    condition)."""

    @property
    def type(self) -> Type:  # pragma: no cover - overridden
        raise NotImplementedError

    @property
    def nullable(self) -> bool:
        return True


@dataclass(frozen=True)
class Const(Value):
    value: Scalar
    const_type: Type

    @property
    def type(self) -> Type:
        return self.const_type

    @property
    def nullable(self) -> bool:
        return False


@dataclass(frozen=True)
class Duration:
    amount: int
    unit: Unit

    def __str__(self) -> str:
        return f"{self.amount} {self.unit}{'' if self.amount == 1 else 's'}"


@dataclass(frozen=True)
class Period:
    """A calendar window (§11): ``previous`` = 0 is `in this UNIT` (from the start of
    the period of T up to T); N ≥ 1 is `in previous N UNITs` (the N whole periods
    before it). ``unit`` is day, week, month, quarter or year."""

    unit: str
    previous: int

    def __str__(self) -> str:
        if self.previous == 0:
            return f"this {self.unit}"
        if self.previous == 1:
            return f"previous {self.unit}"
        return f"previous {self.previous} {self.unit}s"


@dataclass(frozen=True)
class Ago(Value):
    """The as-of instant (or its date, for a DATE) minus a duration."""

    duration: Duration
    point_type: Type  # DATE or TIMESTAMP: the type of what it is compared with

    @property
    def type(self) -> Type:
        return self.point_type

    @property
    def nullable(self) -> bool:
        return False


@dataclass(frozen=True)
class Attr(Value):
    entity: str
    name: str
    column: str
    attr_type: Type

    @property
    def type(self) -> Type:
        return self.attr_type


@dataclass(frozen=True)
class EventField(Value):
    """A field of the event being aggregated (only inside an aggregate's condition)."""

    event: str
    name: str
    column: str
    field_type: Type

    @property
    def type(self) -> Type:
        return self.field_type


@dataclass(frozen=True)
class TimePart(Value):
    """``day_of_week`` (1 = Monday … 7 = Sunday) or ``hour_of_day`` (0–23) of the time of
    the event being tested, in the project's zone (only inside an event condition)."""

    part: str  # day_of_week, hour_of_day
    event: str
    column: str
    stamp_type: Type  # DATE or TIMESTAMP: the type of the event's time

    @property
    def type(self) -> Type:
        return Type.INTEGER


@dataclass(frozen=True)
class Arith(Value):
    op: ArithOp
    left: Value
    right: Value

    @property
    def type(self) -> Type:
        if self.op != "/" and self.left.type is Type.INTEGER and self.right.type is Type.INTEGER:
            return Type.INTEGER
        return Type.NUMBER

    @property
    def nullable(self) -> bool:
        return self.op == "/" or self.left.nullable or self.right.nullable


@dataclass(frozen=True)
class Neg(Value):
    operand: Value

    @property
    def type(self) -> Type:
        return self.operand.type

    @property
    def nullable(self) -> bool:
        return self.operand.nullable


@dataclass(frozen=True)
class Aggregate(Value):
    """An aggregate over the as-of-visible events of one kind for each entity."""

    func: AggFunc
    event: str
    field: EventField | None
    window: Duration | None
    where: Cond | None
    result_type: Type
    # `between N unit ago and M unit ago`: ``window`` is the far end (N), ``until`` the
    # near end (M); events stamped after T − M are left out.
    until: Duration | None = None
    # A calendar window (`in this month`, `in previous 2 quarters`) instead of ``window``.
    period: Period | None = None

    EVENT_FIELDS: ClassVar[tuple[str, ...]] = ("field", "where")

    @property
    def type(self) -> Type:
        return self.result_type

    @property
    def nullable(self) -> bool:
        return self.func not in ("count", "count_distinct", "sum")

    @property
    def of_values(self) -> bool:
        """first/last of a field, most_frequent: a value carried by some event, not a
        plain GROUP BY aggregate."""
        return self.func == "most_frequent" or (
            self.func in ("first", "last") and self.field is not None
        )


@dataclass(frozen=True)
class Score(Value):
    """``score 1..N by X [per G]`` (§14): ``1 + floor(N × b / n)`` where b counts the
    entities (of the group) with a strictly smaller X and n those with X set; missing
    where X (or G) is missing."""

    n: int
    by: Value
    per: Attr | None = None

    @property
    def type(self) -> Type:
        return Type.INTEGER


@dataclass(frozen=True)
class ClassOf(Value):
    """The name of the entity's class in a segmentation (§15): the first class whose
    condition holds, else the catch-all (missing without one)."""

    segmentation: str
    names: tuple[str, ...]  # the classes with a condition, in order
    conds: tuple[Cond, ...]
    catchall: str | None

    @property
    def type(self) -> Type:
        return Type.STRING

    @property
    def nullable(self) -> bool:
        return self.catchall is None


@dataclass(frozen=True)
class MeasureRef(Value):
    """A named measure; ``expr`` is its resolved expression."""

    name: str
    expr: Value

    @property
    def type(self) -> Type:
        return self.expr.type

    @property
    def nullable(self) -> bool:
        return self.expr.nullable


# ---- conditions --------------------------------------------------------------------


@dataclass(frozen=True)
class Cond:
    """A condition: true or false for every entity, never unknown."""


@dataclass(frozen=True)
class Compare(Cond):
    op: CompareOp  # (`!=` is lowered to Not(=))
    left: Value
    right: Value


@dataclass(frozen=True)
class Between(Cond):
    left: Value
    low: Value
    high: Value


@dataclass(frozen=True)
class InValues(Cond):
    left: Value
    values: tuple[Const, ...]


@dataclass(frozen=True)
class IsMissing(Cond):
    left: Value


@dataclass(frozen=True)
class TextMatch(Cond):
    op: TextOp
    left: Value
    text: str


@dataclass(frozen=True)
class ListHas(Cond):
    mode: ListMode
    left: Value
    values: tuple[Const, ...]


@dataclass(frozen=True)
class InLast(Cond):
    left: Value
    duration: Duration


@dataclass(frozen=True)
class InPeriod(Cond):
    """A date or timestamp inside a calendar window (§11)."""

    left: Value
    period: Period


@dataclass(frozen=True)
class IsTrue(Cond):
    """A boolean value used as a condition."""

    value: Value


@dataclass(frozen=True)
class InSegment(Cond):
    name: str
    cond: Cond


@dataclass(frozen=True)
class Rank(Cond):
    direction: Direction
    percent: Decimal
    by: Value
    per: Attr | None = None  # `per G`: ranked within each value of G; missing G ranks nowhere


@dataclass(frozen=True)
class Sequence(Cond):
    """`did E1 [window] [where (C1)] then [not] E2 within D [where (C2)]`.

    Holds when some matching E1 (``first``, inside its window, at or before T) is
    followed by a matching E2 with ``e1.ts < e2.ts <= e1.ts + D`` (and ``e2.ts <= T``);
    with ``absent``, when some matching E1 with ``e1.ts + D <= T`` has no matching E2
    in ``(e1.ts, e1.ts + D]``."""

    first: str
    window: Duration | None
    until: Duration | None
    first_where: Cond | None
    absent: bool
    second: str
    within: Duration  # days or weeks: a fixed length
    second_where: Cond | None
    period: Period | None = None  # a calendar window on the first event

    EVENT_FIELDS: ClassVar[tuple[str, ...]] = ("first_where", "second_where")


@dataclass(frozen=True)
class Within(Cond):
    """`within D km of (LAT, LON)`: great-circle distance from the entity's location."""

    lat: Attr
    lon: Attr
    center_lat: Decimal
    center_lon: Decimal
    km: Decimal


@dataclass(frozen=True)
class Sample(Cond):
    """`sample P% [seed "s"]`: a pure function of (key, seed)."""

    percent: Decimal
    seed: str
    key: str  # the entity's key column


@dataclass(frozen=True)
class Not(Cond):
    operand: Cond


@dataclass(frozen=True)
class And(Cond):
    items: tuple[Cond, ...]


@dataclass(frozen=True)
class Or(Cond):
    items: tuple[Cond, ...]


@dataclass(frozen=True)
class Literal(Cond):
    """`true` or `false` as a whole condition (after simplification)."""

    value: bool


# ---- resolved statements -----------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    name: str
    entity: str
    cond: Cond
    span: Span | None = field(default=None, compare=False)
    title: str | None = None
    description: str | None = None
    owner: str | None = None
    tags: tuple[str, ...] = ()
    rule_text: str | None = None  # the text of an unnamed rule (`--rule`)


@dataclass(frozen=True)
class Segmentation:
    """A segmentation (§15): its classes are the segments ``NAME.CLASS`` (each holding
    its own condition and not any earlier one); ``value`` is the class name as text."""

    name: str
    entity: str
    classes: tuple[str, ...]  # every class in order, the catch-all (if any) last
    value: ClassOf
    span: Span | None = field(default=None, compare=False)
    title: str | None = None
    description: str | None = None
    owner: str | None = None
    tags: tuple[str, ...] = ()

    def segment_name(self, cls: str) -> str:
        return f"{self.name}.{cls}"


@dataclass(frozen=True)
class Measure:
    name: str
    entity: str
    expr: Value
    span: Span | None = field(default=None, compare=False)


Node = Value | Cond


_FIELDS: dict[type, tuple[tuple[str, bool], ...]] = {}


def _fields(cls: type[Value] | type[Cond]) -> tuple[tuple[str, bool], ...]:
    """(field name, evaluated per event) for every field of a node class."""
    found = _FIELDS.get(cls)
    if found is None:
        per_event: tuple[str, ...] = getattr(cls, "EVENT_FIELDS", ())
        found = tuple((f.name, f.name in per_event) for f in dataclasses.fields(cls))
        _FIELDS[cls] = found
    return found


def children(node: Node, *, per_event: bool = True) -> Iterator[Node]:
    """The nodes directly under ``node``, in field order (also those inside tuples),
    derived from the dataclass fields — never a hand-kept list. With
    ``per_event=False``, the fields evaluated per event (an aggregate's field and
    condition, a sequence's conditions) are left out."""
    for name, event_field in _fields(type(node)):
        if event_field and not per_event:
            continue
        v = getattr(node, name)
        if isinstance(v, Value | Cond):
            yield v
        elif isinstance(v, tuple):
            yield from (x for x in v if isinstance(x, Value | Cond))


def walk(node: Node, *, per_event: bool = True) -> Iterator[Node]:
    """Every node under ``node`` and itself, pre-order (see :func:`children`)."""
    stack: list[Node] = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(list(children(n, per_event=per_event))))


def walk_values(node: Node) -> list[Value]:
    """Every value node under ``node`` (pre-order), not descending into the fields
    evaluated per event."""
    return [n for n in walk(node, per_event=False) if isinstance(n, Value)]


def walk_conds(node: Node) -> list[Cond]:
    """Every condition under ``node`` (pre-order) at the entity's level."""
    return [n for n in walk(node, per_event=False) if isinstance(n, Cond)]
