"""Did you mean …? — the one helper every "unknown name" message uses (names in rules,
catalog keys and types, segments on the command line, columns of the data, engines)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

# How close a candidate must be (difflib's ratio, on case-folded names) to be offered.
CUTOFF = 0.6


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice nearest to ``word`` (a case-insensitive exact match first), or None."""
    names = set(choices)
    if len(names) > 1000:
        # Among thousands of names (a generated project), only names of about the same
        # length can be close enough: compare with those, not with every name.
        names = {c for c in names if abs(len(c) - len(word)) <= max(2, len(word) // 3)}
        if len(names) > 5000:
            names = {c for c in names if c[:1].lower() == word[:1].lower()}
    pool = sorted(names)
    if not pool or not word:
        return None
    folded = word.casefold()
    for choice in pool:
        if choice.casefold() == folded and choice != word:
            return choice
    by_fold: dict[str, str] = {}
    for choice in pool:
        by_fold.setdefault(choice.casefold(), choice)
    near = difflib.get_close_matches(folded, list(by_fold), n=1, cutoff=CUTOFF)
    return by_fold[near[0]] if near else None


def did_you_mean(word: str, choices: Iterable[str], *, trailing: str = " ") -> str:
    """``did you mean `x`?`` followed by ``trailing`` when a choice is close, else ``""``
    (so that a hint can go on: ``did_you_mean(w, names) + "the names are …"``)."""
    near = closest(word, choices)
    return f"did you mean `{near}`?{trailing}" if near is not None else ""
