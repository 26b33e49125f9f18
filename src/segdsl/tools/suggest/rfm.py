"""`segdsl suggest --rfm`: RFM scores and the classic RFM segmentation.

Three `score` measures (language.md §14) from the purchase-like event:

- ``recency``: ``score 1..N by last(purchase)`` — the most recent buyers score N;
  missing for an entity that never bought;
- ``frequency``: ``score 1..N by rfm_buyer * count(purchase in last P)``;
- ``monetary``: ``score 1..N by rfm_buyer * sum(purchase.amount in last P)``;

and ``fm``, the mean of frequency and monetary (the "F & M" axis of the published table).
``rfm_buyer = count(purchase) / count(purchase)`` is 1 for an entity that ever bought and
missing for the others (division by zero), so that all three scores rank the buyers
only: a customer who never bought would otherwise take the lowest frequency and
monetary scores and push every buyer up (on the retail example, a quarter of the
customers bought nothing in the year, and New, Promising, Hibernating and About to
sleep were empty).

The classes are the eleven groups of the RFM table published by Putler
(https://www.putler.com/rfm-analysis/, also the default table of the R package `rfm`),
with its ranges of R and of F & M on scores 1–5. The published ranges overlap and, read
as they are, two groups could never be reached (Lost lies inside Hibernating's range,
Can't lose them inside At risk's), so the order below is chosen so that first match
wins gives every group some cells while each group keeps only cells of its own published
range, and the last group closes the square (docs/suggest.md has the proof and the
grid). Every class condition tests ``recency``, so an entity that never bought is in no
class: the classes add up to the entities with purchases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from segdsl.catalog import EventDef
from segdsl.catalog.types import Type
from segdsl.diagnostics import Diagnostic, SegdslError
from segdsl.project import Project
from segdsl.tools.suggest.common import entity_name
from segdsl.tools.suggest.rounding import plain

BUYER = "rfm_buyer"  # 1 for an entity that ever bought, else missing
PURCHASE_WORDS = re.compile(r"purchase|order|transaction|sale|payment|checkout|invoice", re.I)
AMOUNT_WORDS = re.compile(r"amount|revenue|value|total|price|spend|sales", re.I)

# (class, recency range, F & M range) on the 5-point scale; None = open end.
# The order is the order of the segmentation: first match wins.
Range = tuple[int | None, int | None]
TABLE: list[tuple[str, str, Range, Range]] = [
    ("champions", "Champions", (4, None), (4, None)),
    ("need_attention", "Need attention", (2, 3), (2, 3)),
    ("loyal", "Loyal", (2, None), (3, None)),
    ("new", "New", (4, None), (None, 1)),
    ("promising", "Promising", (3, 4), (None, 1)),
    ("lost", "Lost", (None, 1), (None, 2)),
    ("hibernating", "Hibernating", (1, 2), (None, 2)),
    ("about_to_sleep", "About to sleep", (2, 3), (None, 2)),
    ("potential_loyalists", "Potential loyalists", (3, None), (None, 3)),
    ("cannot_lose_them", "Cannot lose them", (None, 1), (4, None)),
    ("at_risk", "At risk", (None, 2), (2, None)),
]

# The published ranges (R, F & M) of each group, on scores 1–5.
PUBLISHED: dict[str, tuple[Range, Range]] = {
    "champions": ((4, 5), (4, 5)),
    "loyal": ((2, 5), (3, 5)),
    "potential_loyalists": ((3, 5), (1, 3)),
    "new": ((4, 5), (None, 1)),
    "promising": ((3, 4), (None, 1)),
    "need_attention": ((2, 3), (2, 3)),
    "about_to_sleep": ((2, 3), (None, 2)),
    "at_risk": ((None, 2), (2, 5)),
    "cannot_lose_them": ((None, 1), (4, 5)),
    "hibernating": ((1, 2), (1, 2)),
    "lost": ((None, 2), (None, 2)),
}


@dataclass(frozen=True)
class RfmOptions:
    entity: str | None = None
    event: str | None = None
    amount: str | None = None
    period: str = "365d"
    scores: int = 5
    name: str = "rfm"
    out: str = "rfm.seg"


@dataclass(frozen=True)
class RfmSuggestion:
    text: str
    name: str  # the segmentation's
    entity: str
    event: str
    amount: str
    period: str  # as written in the rules: "365 days"
    classes: list[tuple[str, str]]  # (name, condition)


def scale(b: int, n: int) -> Fraction:
    """A boundary of the 5-point table on an n-point scale (1 → 1, 5 → n)."""
    return 1 + Fraction((b - 1) * (n - 1), 4)


def _bound(name: str, r: Range, n: int) -> str:
    low, high = r
    lo = plain(Decimal(scale(low, n).numerator) / scale(low, n).denominator) if low else None
    hi = plain(Decimal(scale(high, n).numerator) / scale(high, n).denominator) if high else None
    if lo is not None and hi is not None:
        return f"{name} {lo}..{hi}"
    if lo is not None:
        return f"{name} >= {lo}"
    return f"{name} <= {hi}"


def class_conditions(n: int = 5) -> list[tuple[str, str]]:
    """(class, condition) in first-match order, for scores 1..n."""
    return [(c, f"{_bound('recency', r, n)} and {_bound('fm', fm, n)}") for c, _, r, fm in TABLE]


def classify(r: float, fm: float, n: int = 5) -> str | None:
    """The class of a cell by first match over :data:`TABLE` (the oracle of the rules)."""

    def inside(v: float, rng: Range) -> bool:
        low, high = rng
        return (low is None or v >= scale(low, n)) and (high is None or v <= scale(high, n))

    for c, _, rr, ff in TABLE:
        if inside(r, rr) and inside(fm, ff):
            return c
    return None


_PERIOD = re.compile(r"\s*(\d+)\s*(d|days?|w|weeks?|m|months?|y|years?)\s*", re.I)
_UNITS = {"d": "day", "w": "week", "m": "month", "y": "year"}


def period_text(spec: str) -> str:
    m = _PERIOD.fullmatch(spec)
    if not m or int(m.group(1)) == 0:
        raise SegdslError(
            Diagnostic(
                "K012",
                f"cannot read the period `{spec}`",
                hint="write a number and a unit, e.g. 365d, 52w, 12m, 1y, 90 days",
            )
        )
    amount, unit = int(m.group(1)), _UNITS[m.group(2)[0].lower()]
    return f"{amount} {unit}{'s' if amount != 1 else ''}"


def _numeric_fields(ev: EventDef) -> list[str]:
    return [n for n, f in ev.fields.items() if f.type in (Type.INTEGER, Type.NUMBER)]


def purchase_event(project: Project, entity: str, event: str | None) -> EventDef:
    """The purchase-like event: the one given, or the only candidate (K010)."""
    events = {n: e for n, e in project.catalog.events.items() if e.entity == entity}
    if event is not None:
        if event not in events:
            raise SegdslError(
                Diagnostic(
                    "K010",
                    f"no event `{event}` of entity `{entity}` in the catalog",
                    hint="the events are: " + (", ".join(events) or "none"),
                )
            )
        return events[event]
    named = [n for n in events if PURCHASE_WORDS.search(n) and _numeric_fields(events[n])]
    if len(named) == 1:
        return events[named[0]]
    valued = [n for n in events if _numeric_fields(events[n])]
    pool = named or valued
    if len(pool) == 1:
        return events[pool[0]]
    raise SegdslError(
        Diagnostic(
            "K010",
            "which event is the purchase? "
            + (
                f"several events could be: {', '.join(pool)}"
                if pool
                else f"no event of `{entity}` has a numeric field (an amount)"
            ),
            hint="name it with --event NAME" if pool else "RFM needs an event with an amount",
        )
    )


def amount_field(ev: EventDef, field: str | None) -> str:
    numeric = _numeric_fields(ev)
    if field is not None:
        if field not in numeric:
            raise SegdslError(
                Diagnostic(
                    "K011",
                    f"`{field}` is not a numeric field of event `{ev.name}`",
                    hint="its numeric fields are: " + (", ".join(numeric) or "none"),
                )
            )
        return field
    named = [f for f in numeric if AMOUNT_WORDS.search(f)]
    pool = named if named else numeric
    if len(pool) == 1:
        return pool[0]
    raise SegdslError(
        Diagnostic(
            "K011",
            f"which field of `{ev.name}` is the amount? several could be: {', '.join(pool)}",
            hint="name it with --amount FIELD",
        )
    )


def suggest_rfm(project: Project, o: RfmOptions) -> RfmSuggestion:
    from segdsl.tools.suggest.writer import ClassRule, Measure, segmentation_text

    if not 3 <= o.scores <= 10:
        raise SegdslError(
            Diagnostic(
                "K013", f"--scores {o.scores} is out of range", hint="give 3 to 10 (5 is usual)"
            )
        )
    entity = entity_name(project, o.entity)
    ev = purchase_event(project, entity, o.event)
    amount = amount_field(ev, o.amount)
    period = period_text(o.period)
    n = o.scores
    names = [BUYER, "recency", "frequency", "monetary", "fm", o.name]
    taken = [
        x
        for x in names
        if x in project.measures or x in project.segments or x in project.segmentations
    ]
    if taken:
        raise SegdslError(
            Diagnostic(
                "K008",
                f"the project already defines {', '.join(f'`{t}`' for t in taken)}",
                hint="rename them, or choose another segmentation name with --name",
            )
        )
    measures = [
        Measure(BUYER, f"count({ev.name}) / count({ev.name})"),
        Measure("recency", f"score 1..{n} by last({ev.name})"),
        Measure("frequency", f"score 1..{n} by {BUYER} * count({ev.name} in last {period})"),
        Measure("monetary", f"score 1..{n} by {BUYER} * sum({ev.name}.{amount} in last {period})"),
        Measure("fm", "(frequency + monetary) / 2"),
    ]
    conds = class_conditions(n)
    rules = [ClassRule(c, cond) for c, cond in conds]
    header = [
        "RFM segmentation, suggested by `segdsl suggest --rfm`.",
        f"Scores rank the entities that ever bought `{ev.name}` ({BUYER} is 1 for them;",
        "a count divided by itself is missing where the count is 0, and so are the",
        "scores of those who never bought).",
        f"recency: when they last bought (the most recent score {n}); frequency and",
        f"monetary: how often and how much in the last {period}; fm: the mean of",
        'frequency and monetary (the table\'s "F & M").',
        "Groups and ranges: Putler's RFM table (https://www.putler.com/rfm-analysis/),",
        "in an order where first match wins gives each group only cells of its own",
        "ranges and the last group closes the square: every entity that ever bought has",
        "exactly one group (docs/suggest.md).",
    ]
    text = segmentation_text(
        o.name,
        entity,
        "RFM groups",
        f"Recency, frequency and monetary scores 1..{n} over the last {period}; "
        "groups of the published RFM table",
        rules,
        measures,
        header,
    )
    return RfmSuggestion(text, o.name, entity, ev.name, amount, period, conds)
