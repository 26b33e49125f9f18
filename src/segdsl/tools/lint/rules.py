"""The lint rules: code, default severity and a one-line description."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str  # error, warning, info
    name: str
    summary: str


RULES: dict[str, Rule] = {
    r.code: r
    for r in (
        Rule("L001", "error", "lint-config", "the [lint] table of segdsl.toml is not valid"),
        Rule("L101", "error", "contradiction", "a condition that no entity can satisfy"),
        Rule("W110", "warning", "always-true", "a condition that every entity satisfies"),
        Rule(
            "W111",
            "warning",
            "equivalent-to-is-set",
            "a disjunction that is only a roundabout `x is set`",
        ),
        Rule("W120", "warning", "redundant", "a predicate that the others already imply"),
        Rule("W121", "warning", "repeated", "the same predicate twice"),
        Rule("W130", "warning", "same-condition", "two segments with the same condition"),
        Rule(
            "W201",
            "warning",
            "missing-value-trap",
            "a negative test that also matches entities whose value is missing",
        ),
        Rule("W301", "warning", "empty-window", "a window of length 0"),
        Rule("W302", "warning", "degenerate-ranking", "`top`/`bottom` 0% or 100%"),
        Rule("W303", "warning", "window-beyond-retention", "a window longer than the retention"),
        Rule("W304", "warning", "bad-retention", "an event `retention` that cannot be read"),
        Rule(
            "W140",
            "warning",
            "unreachable-class",
            "a class of a segmentation whose entities are all taken by earlier classes",
        ),
        Rule(
            "W141",
            "warning",
            "duplicate-class",
            "a class of a segmentation with the same condition as an earlier class",
        ),
        Rule("I401", "info", "unused-measure", "a measure that no segment uses"),
        Rule("I402", "info", "missing-metadata", "a segment without title or owner"),
        Rule("I403", "info", "naming", "a name that is not snake_case"),
        Rule("I404", "info", "alias-segment", "a segment that only references another one"),
        Rule(
            "I410",
            "info",
            "segmentation-gap",
            "a segmentation without a catch-all whose classes leave entities without a class",
        ),
    )
}

HYGIENE_PREFIX = "I4"


def rule_for(code: str) -> Rule:
    """The rule of a code; the core's own error codes (E…, U…) are errors."""
    found = RULES.get(code)
    if found is not None:
        return found
    return Rule(code, "error", "core", "an error of the language (see `segdsl check`)")
