"""T as a dbt var: an :class:`~segdsl.sql.compiler.AsOf` that spells every use of the
as-of instant as a placeholder, and the Jinja that computes each one from the var.

- T itself (a timestamp) → ``CAST('{{ segdsl_as_of }}' AS TIMESTAMP)``;
- date(T), the as-of's date in the project's time zone → ``CAST('{{ segdsl_today }}' AS DATE)``;
- ``T − N units`` (rolling windows) → the engine's interval arithmetic on T's placeholder
  (the form ``segdsl compile`` prints without ``--as-of``);
- the bounds of a calendar window (`in this month`, `in previous 2 weeks`, §11) → one
  Jinja variable each, computed in the model's header by the same rules as
  :func:`segdsl.semantic.timecalc.period_dates` / ``period_instants``: weeks start on
  Monday, quarters in January, April, July and October, periods begin at local midnight.

The placeholders are sentinel texts (``<tag>name``) that :mod:`.templated` swaps for
the Jinja expressions once the SQL is generated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlglot import exp

from segdsl.catalog.types import Type
from segdsl.semantic import ir
from segdsl.semantic.timecalc import UTC
from segdsl.sql.compiler import AsOf
from segdsl.sql.dialects import capabilities, timestamp_type

_MONTHS = {"month": 1, "quarter": 3, "year": 12}


@dataclass(frozen=True)
class JinjaClock(AsOf):
    """T unknown until dbt runs: placeholders instead of literals (``instant`` is None)."""

    tag: str = ""
    # placeholder name → Jinja expression of its text, in the order first used
    names: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def _placeholder(self, name: str, jinja: str, t: Type) -> exp.Expr:
        self.names.setdefault(name, jinja)
        to = (
            exp.DataType.build("DATE")
            if t is Type.DATE
            else timestamp_type(capabilities(self.dialect or ""), self.dialect or "")
        )
        return exp.Cast(this=exp.Literal.string(f"{self.tag}{name}"), to=to)

    def now(self, t: Type) -> exp.Expr:
        if t is Type.DATE:
            return self._placeholder("segdsl_today", "segdsl_today_d.strftime('%Y-%m-%d')", t)
        return self._placeholder("segdsl_as_of", "segdsl_as_of", t)

    def ago(self, d: ir.Duration, t: Type) -> exp.Expr:
        if t is Type.TIMESTAMP and self.zone != UTC and d.unit in ("month", "year"):
            # Months step on the zone's wall clock (timecalc.minus_in_zone): across a
            # switch of summer time that is not the UTC clock's step.
            months = d.amount * (12 if d.unit == "year" else 1)
            name = f"segdsl_minus_{months}_months"
            return self._placeholder(name, name, t)
        return super().ago(d, t)

    def period(self, p: ir.Period, t: Type) -> tuple[exp.Expr, exp.Expr, bool]:
        key = f"segdsl_{p.unit}_{p.previous}"
        first, last = f"{key}_first", f"{key}_last"
        if t is Type.DATE:
            return (
                self._placeholder(first, f"{first}.strftime('%Y-%m-%d')", t),
                self._placeholder(last, f"{last}.strftime('%Y-%m-%d')", t),
                p.previous == 0,
            )
        start = self._placeholder(f"{first}_utc", _midnight_utc(first, self.zone), t)
        if p.previous == 0:
            return start, self.now(t), True
        return start, self._placeholder(f"{last}_utc", _midnight_utc(last, self.zone), t), False

    def header(self) -> str:
        """The Jinja that sets every placeholder's value (after ``segdsl_t``, the as-of
        as a naive UTC datetime, is set)."""
        if not re.fullmatch(r"[A-Za-z0-9_+\-/]+", self.zone):  # pragma: no cover
            raise AssertionError(f"time zone {self.zone!r}")  # checked with the catalog
        lines = [
            "{%- set segdsl_today_d = segdsl_t.replace(tzinfo=modules.pytz.utc)"
            f".astimezone(modules.pytz.timezone('{self.zone}')).date() -%}}"
        ]
        done: set[str] = set()
        local = False
        for name in self.names:
            back = re.fullmatch(r"segdsl_minus_(\d+)_months", name)
            if back is not None:
                if not local:
                    lines.append(
                        "{%- set segdsl_local = segdsl_t.replace(tzinfo=modules.pytz.utc)"
                        f".astimezone(modules.pytz.timezone('{self.zone}'))"
                        ".replace(tzinfo=none) -%}"
                    )
                    local = True
                lines.extend(_months_back_lines(name, int(back.group(1)), self.zone))
                continue
            m = re.fullmatch(r"segdsl_(day|week|month|quarter|year)_(\d+)_(first|last).*", name)
            if m is None or m.group(0) in done:
                continue
            unit, previous = m.group(1), int(m.group(2))
            key = f"segdsl_{unit}_{previous}"
            if key in done:
                continue
            done.add(key)
            lines.extend(_period_lines(key, unit, previous))
        return "\n".join(lines) + "\n"


def _start(unit: str) -> str:
    """Jinja: the first day of the period of ``unit`` holding today."""
    d = "segdsl_today_d"
    if unit == "day":
        return d
    if unit == "week":
        return f"{d} - modules.datetime.timedelta(days={d}.weekday())"
    if unit == "month":
        return f"{d}.replace(day=1)"
    if unit == "quarter":
        return f"{d}.replace(month=(({d}.month - 1) // 3) * 3 + 1, day=1)"
    return f"{d}.replace(month=1, day=1)"


def _period_lines(key: str, unit: str, previous: int) -> list[str]:
    start = f"{{%- set {key}_start = {_start(unit)} -%}}"
    if previous == 0:
        return [
            start,
            f"{{%- set {key}_first = {key}_start -%}}",
            f"{{%- set {key}_last = segdsl_today_d -%}}",
        ]
    if unit in ("day", "week"):
        days = previous * (7 if unit == "week" else 1)
        first = f"{key}_start - modules.datetime.timedelta(days={days})"
        return [
            start,
            f"{{%- set {key}_first = {first} -%}}",
            f"{{%- set {key}_last = {key}_start -%}}",
        ]
    months = _MONTHS[unit] * previous
    index = f"{key}_start.year * 12 + {key}_start.month - 1 - {months}"
    return [
        start,
        f"{{%- set {key}_m = {index} -%}}",
        f"{{%- set {key}_first = modules.datetime.date({key}_m // 12, {key}_m % 12 + 1, 1) -%}}",
        f"{{%- set {key}_last = {key}_start -%}}",
    ]


def _months_back_lines(name: str, months: int, zone: str) -> list[str]:
    """Jinja: ``name`` = T − ``months`` months on the wall clock of ``zone`` (the day
    clamped to the end of a shorter month), as UTC text."""
    return [
        f"{{%- set {name}_i = segdsl_local.year * 12 + segdsl_local.month - 1 - {months} -%}}",
        f"{{%- set {name}_y = {name}_i // 12 -%}}",
        f"{{%- set {name}_m = {name}_i % 12 + 1 -%}}",
        f"{{%- set {name}_dim = (modules.datetime.date({name}_y + {name}_m // 12, "
        f"{name}_m % 12 + 1, 1) - modules.datetime.timedelta(days=1)).day -%}}",
        f"{{%- set {name} = modules.pytz.timezone('{zone}').localize(segdsl_local.replace("
        f"year={name}_y, month={name}_m, day=[segdsl_local.day, {name}_dim] | min), "
        "is_dst=True).astimezone(modules.pytz.utc).strftime('%Y-%m-%d %H:%M:%S.%f') -%}",
    ]


def _midnight_utc(day: str, zone: str) -> str:
    """Jinja: the UTC instant of local midnight of the date variable ``day`` in ``zone``."""
    if zone == UTC:
        return f"{day}.strftime('%Y-%m-%d 00:00:00.000000')"
    return (
        f"modules.pytz.timezone('{zone}').localize(modules.datetime.datetime.combine({day}, "
        "modules.datetime.time())).astimezone(modules.pytz.utc).strftime('%Y-%m-%d %H:%M:%S.%f')"
    )
