"""Lint of segmentations (language.md §15): W140 a class that can never be reached
(everything it takes is taken by earlier classes), W141 a class identical to an earlier
one, I410 no catch-all while the classes leave entities without a class.

Each check asks the formula reasoning of :mod:`segdsl.tools.lint.intervals`, which is
sound but incomplete: W140/W141 are reported only where unreachability is proved, and
I410 only where a gap is found with literals the theory decides completely."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from segdsl.semantic import ir
from segdsl.syntax import ast
from segdsl.tools.lint.intervals import (
    FAnd,
    FOr,
    Formula,
    Lit,
    conj,
    consistent,
    lower,
    unsat,
)

# Literal kinds whose consistency the theory decides exactly (intervals, value sets,
# presence): a consistent set of them is a real entity.
_DECIDED = frozenset({"cmp", "in", "notin", "missing", "set"})
_STEPS = 5_000


@dataclass
class Finding:
    args: tuple[Any, ...]
    kwargs: dict[str, Any] = field(default_factory=dict)


def surely_satisfiable(f: Formula) -> bool:
    """Whether ``f`` is satisfied by some entity, proved: a consistent choice of
    literals, all of kinds the theory decides (False when unsure)."""
    steps = [0]

    def search(pending: list[Formula], lits: list[Lit]) -> bool:
        steps[0] += 1
        if steps[0] > _STEPS:
            return False
        idx = next((i for i, p in enumerate(pending) if not isinstance(p, FOr)), None)
        if idx is None:
            if not pending:
                return all(lit.kind in _DECIDED and lit.value is not None for lit in lits)
            first, rest = pending[0], pending[1:]
            assert isinstance(first, FOr)
            return any(search([b, *rest], lits) for b in first.items)
        item = pending[idx]
        rest = pending[:idx] + pending[idx + 1 :]
        if isinstance(item, Lit):
            new = [*lits, item]
            return consistent(new) and search(rest, new)
        assert isinstance(item, FAnd)
        return search([*item.items, *rest], lits)

    return search([f], [])


def segmentation_findings(g: ir.Segmentation, gdef: ast.SegmentationDef) -> list[Finding]:
    out: list[Finding] = []
    with_where = [c for c in gdef.classes if c.where is not None]
    spans = {c.name: c for c in with_where}
    conds = dict(zip(g.value.names, g.value.conds, strict=True))
    names = list(g.value.names)
    for k, name in enumerate(names):
        cls = spans[name]
        own = lower(conds[name], True, cls.span)
        if k == 0 or unsat(own):
            continue  # a contradiction in the class itself is L101's
        earlier = [lower(conds[n], False, spans[n].span) for n in names[:k]]
        if not unsat(conj([own, *earlier])):
            continue
        same = next(
            (
                n
                for n in names[:k]
                if unsat(conj([own, lower(conds[n], False, None)]))
                and unsat(conj([lower(conds[n], True, None), lower(conds[name], False, None)]))
            ),
            None,
        )
        if same is not None:
            out.append(
                Finding(
                    (
                        "W141",
                        f"class `{name}` of `{g.name}` has the same condition as class `{same}`",
                        cls.name_span,
                    ),
                    {
                        "label": f"identical to `{same}`, which comes first",
                        "hint": f"remove `{name}`, or change its condition: every entity it "
                        f"would take is already in `{g.name}.{same}`",
                    },
                )
            )
            continue
        before = ", ".join(f"`{n}`" for n in names[:k])
        out.append(
            Finding(
                (
                    "W140",
                    f"class `{name}` of `{g.name}` can never be reached",
                    cls.name_span,
                ),
                {
                    "label": "every entity it takes is taken by an earlier class",
                    "hint": f"the classes before it ({before}) take all of its entities "
                    "(first match wins): move it before them, or narrow the earlier ones",
                },
            )
        )
    if gdef.catchall is None and names:
        gap = conj([lower(conds[n], False, spans[n].span) for n in names])
        if surely_satisfiable(gap):
            out.append(
                Finding(
                    (
                        "I410",
                        f"segmentation `{g.name}` leaves some entities without a class",
                        gdef.name_span,
                    ),
                    {
                        "label": "no catch-all class",
                        "hint": "add a last class without `where` (e.g. `others`) so that "
                        f"every entity has a class, or accept that `{g.name}` is missing "
                        f"for some (`{g.name} is missing`)",
                    },
                )
            )
    return out


__all__ = ["Finding", "segmentation_findings", "surely_satisfiable"]
