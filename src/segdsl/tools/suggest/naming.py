"""Names of suggested classes, from their dominant traits.

A class's profile is the mean of each standardised feature over its sampled members.
Its traits are the features whose mean is at least :data:`TRAIT` standard deviations
from the sample's mean, strongest first: ``high_spend_365d``, ``low_age``. A name
takes at most two traits (``high_spend_365d_low_age``); a class with none is
``typical``. When two classes would share a name, the next trait is added, and then
a number (``typical_2``).
"""

from __future__ import annotations

import re

import numpy as np
from numpy.typing import NDArray

TRAIT = 0.5  # standard deviations
MAX_TRAITS = 2
RESERVED = frozenset({"other", "missing_values"})


def _word(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", name).strip("_").lower() or "feature"


def traits(profile: NDArray[np.float64], names: list[str]) -> list[str]:
    """Every trait of a standardised profile, strongest first (ties by feature order)."""
    order = sorted(range(len(names)), key=lambda i: (-abs(float(profile[i])), i))
    return [
        ("high_" if profile[i] > 0 else "low_") + _word(names[i])
        for i in order
        if abs(float(profile[i])) >= TRAIT
    ]


def class_names(profiles: list[NDArray[np.float64]], names: list[str]) -> list[str]:
    """One unique identifier per profile."""
    all_traits = [traits(p, names) for p in profiles]
    chosen = ["_".join(t[:MAX_TRAITS]) or "typical" for t in all_traits]
    # Lengthen colliding names with further traits, then number what still collides.
    for depth in range(MAX_TRAITS + 1, len(names) + 1):
        dup = {n for n in chosen if chosen.count(n) > 1}
        if not dup:
            break
        chosen = [
            "_".join(t[:depth]) if c in dup and len(t) >= depth else c
            for c, t in zip(chosen, all_traits, strict=True)
        ]
    out: list[str] = []
    for c in chosen:
        base = c if c not in RESERVED else c + "_class"
        name, n = base, 1
        while name in out:
            n += 1
            name = f"{base}_{n}"
        out.append(name)
    return out
