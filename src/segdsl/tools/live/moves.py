"""Which segments an event can change, from what is known without evaluating them: the
polarity of each segment (polarity.py), its membership, the part of its top-level
``and`` found false, and its wake."""

from __future__ import annotations

import datetime as dt

from segdsl.tools.live.specs import SegmentPlan
from segdsl.tools.live.state import Profile

# a segment, its name, its bit among a profile's memberships, whether an event can
# move it when it is in / out, and which parts of its top-level `and` the event's
# logs reach
Moves = tuple[SegmentPlan, str, int, bool, bool, tuple[bool, ...]]


def moves_of(
    table: dict[tuple[int, ...], list[Moves]],
    plans: list[SegmentPlan],
    touched: list[int],
    case: int,
) -> list[Moves]:
    """For each of ``plans`` (the segments that read one of the logs ``touched``):
    whether an event into those logs can move it when it is in, when it is out, and
    which parts of its top-level ``and`` read one of them — the same for every event
    into the same logs in the same ``case`` (polarity.py: RISING | SETTLED), so worked
    out once and kept in ``table``."""
    key = (case, *touched)
    found = table.get(key)
    if found is None:
        found = [
            (
                s,
                s.name,
                s.bit,
                not s.not_up[case].isdisjoint(touched),
                not s.not_down[case].isdisjoint(touched),
                tuple(not logs.isdisjoint(touched) for logs in s.part_logs),
            )
            for s in plans
        ]
        table[key] = found
    return found


def changeable(p: Profile, moves: list[Moves], clock: dt.datetime | None) -> list[SegmentPlan]:
    """The segments an event can change. Not one that is in and only rises with it,
    nor one that is out and only falls (polarity.py); not one held false by a part of
    its top-level ``and`` that reads none of the event's logs (that part stays false
    until its own wake, which the segment's wake precedes) — unless a change of the
    segment is due at this very instant."""
    members, blocked, blocked_bits, wakes = p.members, p.blocked, p.blocked_bits, p.wakes
    assert clock is not None
    # no wake of the profile is due when its earliest is after the clock
    due = p.queued is not None and p.queued <= clock
    out = []
    for s, name, bit, if_in, if_out, parts in moves:
        if (if_in if members & bit else if_out) and (
            not blocked_bits & bit or parts[blocked[name]]
        ):
            out.append(s)
            continue
        if due:
            w = wakes.get(name)
            if w is not None and w <= clock:
                out.append(s)
    return out
