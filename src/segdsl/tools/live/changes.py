"""What the live evaluator answers — a :class:`Change` of membership — and the error it
raises for input it cannot apply."""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from segdsl.diagnostics import Diagnostic, SegdslError
from segdsl.tools.live.times import iso


class Change(NamedTuple):
    """A profile entered or left a segment at an instant (a named tuple: one is made
    for every change, and a tuple is the cheapest thing to make)."""

    entity: str
    profile: Any
    segment: str
    change: str  # "entered" or "left"
    at: dt.datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "profile": self.profile,
            "segment": self.segment,
            "change": self.change,
            "at": iso(self.at),
        }


def input_error(code: str, message: str, hint: str = "") -> SegdslError:
    return SegdslError(Diagnostic(code, message, hint=hint))
