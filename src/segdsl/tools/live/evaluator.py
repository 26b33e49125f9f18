"""The live evaluator: per-profile state and three operations — apply an attribute
update, apply an event, advance time — each answering the memberships that changed.

The clock is event time: the latest event timestamp or tick seen. An event stamped
after the clock first moves the clock to its time (reporting every change that time
alone causes on the way, each at its own instant), then is applied; an event stamped
before the clock (a late event) is applied to the state and its effect reported at the
clock. Until the first event or tick there is no clock: attribute updates are kept and
evaluated when time first becomes known.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from segdsl.catalog.model import EventDef
from segdsl.catalog.types import Type
from segdsl.tools.live.changes import Change, input_error
from segdsl.tools.live.ctx import Ctx
from segdsl.tools.live.folding import fold_edge, fold_logs, fold_upto, prune_ids
from segdsl.tools.live.moves import Moves, changeable, moves_of
from segdsl.tools.live.plan import Compiler
from segdsl.tools.live.polarity import RISING, SETTLED
from segdsl.tools.live.scores import ScoreSpec
from segdsl.tools.live.specs import LogSpec, RankSpec, SegmentPlan, fingerprint
from segdsl.tools.live.state import Log, Profile, Stamp
from segdsl.tools.live.times import FAR_FUTURE, local_midnight, today_in
from segdsl.tools.live.values import BadValue, coerce, coercer
from segdsl.tools.live.wakes import WakeQueue

if TYPE_CHECKING:
    from segdsl.project import Project

# an event kind, whether it is date-stamped, its timestamp's coercer, its fields by
# name (column, coercer) and the logs its events go into
KindPlan = tuple[
    EventDef,
    bool,
    Callable[[Any], Any],
    dict[str, tuple[str, Callable[[Any], Any]]],
    tuple[LogSpec, ...],
]

DEDUP_DAYS = 30  # a repeated event id is recognised for at least this long


# a Change made as a tuple is (NamedTuple's own __new__ is Python code: twice the time)
_tuple_new: Any = tuple.__new__


class LiveEvaluator:
    """Live memberships of every live segment of a project (or of ``names``)."""

    def __init__(
        self, project: Project, names: Sequence[str] | None = None, skip: bool = True
    ) -> None:
        """``skip=False`` evaluates every segment that reads a log an event went into,
        leaving none alone by the polarity and blocked-part rules (the same answers,
        slower: a check of those rules)."""
        self.skip = skip
        self.project = project
        self.catalog = project.catalog
        # The project's time zone (language.md §11): date(T) and midnights are read there.
        self.zone: str = self.catalog.timezone
        compiler = Compiler(self.catalog)
        segments = project.select(names)
        self.plans: list[SegmentPlan] = [compiler.segment(s) for s in segments]
        for i, plan in enumerate(self.plans):  # a profile's memberships: one bit each
            plan.bit = 1 << i
        self.log_specs: list[LogSpec] = sorted(compiler.logs.values(), key=lambda s: s.id)
        for spec in self.log_specs:
            spec.finish()
        # the logs that may need folding (those with a horizon)
        self._foldable = [s for s in self.log_specs if s.horizon is not None]
        self.ranks: list[RankSpec] = compiler.ranks
        self.scores: list[ScoreSpec] = list(compiler.scores.values())
        self.by_entity: dict[str, list[SegmentPlan]] = {}
        self.by_kind: dict[str, list[SegmentPlan]] = {}
        for p in self.plans:
            if p.fn is None:
                continue
            self.by_entity.setdefault(p.entity, []).append(p)
            for kind in p.kinds:
                self.by_kind.setdefault(kind, []).append(p)
        # the logs with a horizon each live segment reads
        self._folds: dict[str, list[LogSpec]] = {
            p.name: [s for s in self._foldable if s.id in p.logs] for p in self.plans if p.fn
        }
        # each live segment by name, and its place in the project's order
        self._named: dict[str, SegmentPlan] = {p.name: p for p in self.plans if p.fn}
        self._position: dict[str, int] = {p.name: i for i, p in enumerate(self.plans)}
        # which segments read each log, in the project's order
        self.by_log: dict[int, list[SegmentPlan]] = {}
        for p in self.plans:
            if p.fn is not None:
                for lid in p.logs:
                    self.by_log.setdefault(lid, []).append(p)
        self.logs_of: dict[str, list[LogSpec]] = {}
        for spec in self.log_specs:
            self.logs_of.setdefault(spec.event, []).append(spec)
        # per event kind: what applying one needs, looked up once
        self._kinds: dict[str, KindPlan] = {
            kind: (
                ev,
                ev.timestamp_type is Type.DATE,
                coercer(ev.timestamp_type),
                {n: (c.column, coercer(c.type)) for n, c in ev.fields.items()},
                tuple(self.logs_of.get(kind, ())),
            )
            for kind, ev in self.catalog.events.items()
        }
        finite = [s.horizon for s in self.log_specs if s.horizon is not None]
        self.dedup = max([dt.timedelta(days=DEDUP_DAYS), *finite])
        self.attr_types: dict[str, dict[str, tuple[str, Type]]] = {}
        for name, ent in self.catalog.entities.items():
            types = {a: (c.column, c.type) for a, c in ent.attributes.items()}
            for column in ent.location or ():
                types.setdefault(column, (column, Type.NUMBER))
            self.attr_types[name] = types
        self.clock: dt.datetime | None = None
        self.profiles: dict[tuple[str, Any], Profile] = {}
        # the same profiles by entity, then key (an event finds its profile without
        # making and hashing a tuple: a lookup in a dict of every profile is one of the
        # dearest steps of an event)
        self._keyed: dict[str, dict[Any, Profile]] = {e: {} for e in self.catalog.entities}
        self.cutoffs: dict[int, dict[Any, Any]] = {}
        self._wakes = WakeQueue()  # the profiles waiting for time to pass
        self._pending: list[Profile] = []
        self._now: dt.datetime | None = None  # the instant of the last evaluation
        self._today = dt.date.min  # and date(T) in the zone (set with _now)
        # the one context of every evaluation (_evaluate resets it for each)
        self._ctx = Ctx(None, {}, {}, dt.datetime.min, {}, self.zone, self._today)
        # which segments read one of a set of logs, in the project's order
        self._reading: dict[tuple[int, ...], list[SegmentPlan]] = {}
        # how an event into a set of logs can move them (moves.py), by (case, *logs)
        self._move_table: dict[tuple[int, ...], list[Moves]] = {}
        self.lines = 0  # input lines consumed (by `segdsl stream`), kept in the state
        self.fingerprint = fingerprint(segments, self.log_specs)

    # ---- the project ----------------------------------------------------------------
    @property
    def live_plans(self) -> list[SegmentPlan]:
        return [p for p in self.plans if p.fn is not None]

    # ---- profiles -------------------------------------------------------------------
    def profile(self, entity: str, key: Any) -> Profile:
        if isinstance(key, bool) or not isinstance(key, int | str):
            raise input_error("V007", f"a profile key is a string or a whole number, not {key!r}")
        p = self.profiles.get((entity, key))
        if p is None:
            p = Profile(entity, key)
            self.profiles[(entity, key)] = p
            self._keyed[entity][key] = p
        return p

    def members(self, key: Any, entity: str | None = None) -> list[str]:
        """The live segments the profile is in now, in the project's order."""
        ent = entity or self.catalog.default_entity
        p = self.profiles.get((ent, key))
        if p is None:
            return []
        return [s.name for s in self.by_entity.get(ent, []) if p.members & s.bit]

    def in_segment(self, p: Profile, name: str) -> bool:
        """Whether the profile is in the live segment ``name`` now."""
        return bool(p.members & self._named[name].bit)

    def entity_of(self, entity: str | None) -> str:
        ent = entity or self.catalog.default_entity
        if ent not in self.catalog.entities:
            raise input_error(
                "V004",
                f"no entity named `{ent}`",
                hint="the entities are: " + ", ".join(self.catalog.entities),
            )
        return ent

    # ---- operations -----------------------------------------------------------------
    def apply_attributes(
        self, key: Any, attributes: dict[str, Any], entity: str | None = None
    ) -> list[Change]:
        """A partial upsert of a profile's attributes (``None`` makes one missing)."""
        ent = self.entity_of(entity)
        types = self.attr_types[ent]
        updates: dict[str, Any] = {}
        for name, raw in attributes.items():
            known = types.get(name)
            if known is None:
                raise input_error(
                    "V004",
                    f"`{name}` is not an attribute of `{ent}`",
                    hint="the attributes are: " + ", ".join(types),
                )
            column, t = known
            try:
                updates[column] = coerce(t, raw)
            except BadValue as exc:
                raise input_error("V005", f"attribute `{name}`: {exc}") from None
        p = self.profile(ent, key)
        for column, value in updates.items():
            if value is None:
                p.attrs.pop(column, None)
            else:
                p.attrs[column] = value
        if self.clock is None:
            self._pending.append(p)
            return []
        return self._evaluate(p, self.by_entity.get(ent, []), self.clock)

    def apply_event(
        self,
        kind: str,
        key: Any,
        timestamp: Any,
        fields: dict[str, Any] | None = None,
        event_id: str | int | None = None,
    ) -> list[Change]:
        """One event of ``kind`` for the profile ``key``; late events are welcome, an
        ``event_id`` seen before for this profile and kind is ignored."""
        plan = self._kinds.get(kind)
        if plan is None:
            raise input_error(
                "V003",
                f"no event kind named `{kind}`",
                hint="the event kinds are: " + ", ".join(self.catalog.events),
            )
        ev, is_date, stamp_of, columns, specs = plan
        try:
            stamp: Stamp = stamp_of(timestamp)
        except BadValue as exc:
            raise input_error("V006", f"the timestamp of `{kind}`: {exc}") from None
        if stamp is None:
            raise input_error("V006", f"an event of `{kind}` needs a timestamp")
        row: dict[str, Any] = {}
        if fields:
            for name, raw in fields.items():
                col = columns.get(name)
                if col is None:
                    raise input_error(
                        "V009",
                        f"`{name}` is not a field of `{kind}`",
                        hint="the fields are: " + (", ".join(ev.fields) or "(none)"),
                    )
                try:
                    row[col[0]] = col[1](raw)
                except BadValue as exc:
                    raise input_error("V005", f"field `{name}` of `{kind}`: {exc}") from None
        row[ev.timestamp] = stamp
        # a date-stamped event counts once its day has begun in the project's zone
        instant = local_midnight(stamp, self.zone) if is_date else stamp
        assert isinstance(instant, dt.datetime)
        try:
            p = self._keyed[ev.entity].get(key)
        except TypeError:  # an unhashable key: refused by profile() below, with a message
            p = None
        is_new = p is None
        if p is None:
            p = self.profile(ev.entity, key)
        changes: list[Change] = []
        if self.clock is None or instant > self.clock:
            changes = self.advance(instant, inclusive=False)
        assert self.clock is not None
        if event_id is not None:
            ident = kind + "\x1f" + (event_id if type(event_id) is str else str(event_id))
            if ident in p.ids:
                return changes
            p.ids[ident] = instant
        touched: list[int] = []
        rising = RISING  # every summed value of the event is not negative (polarity.py)
        settled = SETTLED  # every log it goes into held an event before (polarity.py)
        for spec in specs:
            if spec.where is not None and not spec.where(row):
                continue
            touched.append(spec.id)
            values = tuple([row.get(c) for c in spec.fields])
            if rising and spec.summed:
                for i in spec.summed:
                    v = values[i]
                    if v is not None and not v >= 0:
                        rising = 0
            log = p.logs.get(spec.id)
            if log is None:
                log = p.logs[spec.id] = Log()
                settled = 0
            elif settled and not log.ts and (log.summary is None or not log.summary.n):
                settled = 0
            horizon = spec.horizon
            if horizon is None:
                log.add(stamp, values)
                continue
            edge = fold_edge(self.clock - horizon, spec.is_date, self.zone)
            if stamp <= edge:
                if spec.unwindowed:
                    log.fold_one(stamp, values, spec.distinct_flags)
                continue
            log.add(stamp, values)
            fold_upto(log, spec, edge)  # what no window reaches any more
        # Only the segments that read a log this event went into can change now: any
        # other change at this instant is one of time alone, already due as a wake.
        if is_new:  # a profile first seen through an event: every segment, once
            plans = self.by_entity.get(ev.entity, [])
        else:
            if len(touched) == 1:
                plans = self.by_log.get(touched[0], [])
            else:
                plans = self._reading_any(kind, touched)
            if self.skip:
                moves = moves_of(self._move_table, plans, touched, rising | settled)
                plans = changeable(p, moves, self.clock)
        changes += self._evaluate(p, plans, self.clock)
        if len(p.ids) >= 64 and not len(p.ids) & 63:
            prune_ids(p, self.clock - self.dedup)  # ids kept for at least 30 days
        return changes

    def _reading_any(self, kind: str, touched: list[int]) -> list[SegmentPlan]:
        key = tuple(touched)
        plans = self._reading.get(key)
        if plans is None:
            reading = {id(s) for lid in touched for s in self.by_log.get(lid, ())}
            plans = [s for s in self.by_kind.get(kind, []) if id(s) in reading]
            self._reading[key] = plans
        return plans

    def advance(self, instant: dt.datetime, inclusive: bool = True) -> list[Change]:
        """Time passes to ``instant``: every change it causes, each at its own instant.

        With ``inclusive=False`` (an event stamped ``instant`` is about to be applied)
        the changes due exactly at ``instant`` wait until the clock passes it, so that
        they see every event of that instant — batch evaluation at ``instant`` does."""
        changes: list[Change] = []
        if self.clock is None:
            self.clock = instant
            pending, self._pending = self._pending, []
            for p in pending:
                for s in self.by_entity.get(p.entity, []):
                    p.wakes[s.name] = instant
                p.queued = instant
                self._wakes.push(p, instant)
        elif instant < self.clock:
            return changes
        wakes = self._wakes
        while wakes.next_due(instant, inclusive) is not None:
            wake, queued = wakes.pop()
            for p in queued:
                if p.queued != wake:
                    continue
                # the due segments, and the earliest wake of the others (so that
                # _evaluate needs no second walk over the wakes)
                names: list[str] = []
                rest = FAR_FUTURE
                for n, w in p.wakes.items():
                    if w <= wake:
                        names.append(n)
                    elif w < rest:
                        rest = w
                if not names:
                    continue
                names.sort(key=self._position.__getitem__)  # in the project's order
                due = [self._named[n] for n in names]
                if wake > self.clock:
                    self.clock = wake
                changes += self._evaluate(p, due, wake, rest)
                # the logs the woken segments read (folding is invisible to every
                # answer: it only keeps logs short, and an event folds its own logs)
                folds = self._folds[names[0]] if len(names) == 1 else self._foldable
                fold_logs(p, wake, folds, self.zone)
        if instant > self.clock:
            self.clock = instant
        return changes

    # ---- cut-offs -------------------------------------------------------------------
    def set_cutoffs(self, cutoffs: dict[int, dict[Any, Any]]) -> list[Change]:
        """New cut-offs for the rankings; re-evaluates the segments that use them."""
        self.cutoffs = cutoffs
        if self.clock is None:
            return []
        changes: list[Change] = []
        using = [p for p in self.live_plans if p.ranks]
        for profile in self.profiles.values():
            plans = [s for s in using if s.entity == profile.entity]
            if plans:
                changes += self._evaluate(profile, plans, self.clock)
        return changes

    def rank_value(self, spec: RankSpec, profile: Profile, at: dt.datetime) -> Any:
        ctx = Ctx(profile.key, profile.attrs, profile.logs, at, self.cutoffs, self.zone)
        return spec.by(ctx)

    # ---- internals ------------------------------------------------------------------
    def _evaluate(
        self,
        p: Profile,
        plans: list[SegmentPlan],
        now: dt.datetime,
        rest: dt.datetime | None = None,
    ) -> list[Change]:
        """Evaluate ``plans`` for the profile at ``now``: the changes of membership,
        and the profile's wakes (and its place in the queue) brought up to date.
        ``rest``, when given, is the earliest wake of every segment not in ``plans``
        (FAR_FUTURE: none), and ``plans`` holds every segment waking at ``p.queued``."""
        if not plans:
            return []
        if now != self._now:
            self._now, self._today = now, today_in(now, self.zone)
        ctx = self._ctx
        ctx.reset(p.key, p.attrs, p.logs, now, self.cutoffs, self._today)
        changes: list[Change] = []
        members, wakes = p.members, p.wakes  # members: a bit per segment (SegmentPlan.bit)
        far = FAR_FUTURE
        blocked, blocked_bits = p.blocked, p.blocked_bits
        # the profile's earliest wake, kept without a walk over every wake: ``queued``
        # is the earliest before (an invariant of every evaluation); it stays unless
        # a segment that waked then moves or drops its wake, and a new wake can only
        # lower it
        queued = p.queued
        low = far  # the earliest wake set here
        rescan = False
        for s in plans:
            ctx.wake = far
            ctx.blocked = -1
            inside = bool(s.fn(ctx))  # type: ignore[misc]
            name = s.name
            if ctx.blocked >= 0:
                blocked[name] = ctx.blocked
                blocked_bits |= s.bit
            elif blocked_bits & s.bit:
                del blocked[name]
                blocked_bits ^= s.bit
            w = ctx.wake
            old = wakes.get(name)
            if w < far:
                if old != w:
                    wakes[name] = w
                    if old is not None and old == queued:
                        rescan = True
                if w < low:
                    low = w
            elif old is not None:
                del wakes[name]
                if old == queued:
                    rescan = True
            if inside != bool(members & s.bit):
                members ^= s.bit
                changes.append(
                    _tuple_new(
                        Change, (p.entity, p.key, name, "entered" if inside else "left", now)
                    )
                )
        p.members, p.blocked_bits = members, blocked_bits
        if rescan:
            if rest is not None:  # the earliest is among those evaluated or the rest
                first = low if low < rest else rest
                after = first if first < far else None
            else:
                after = min(wakes.values()) if wakes else None
        elif low < far and (queued is None or low < queued):
            after = low
        else:
            after = queued
        if after != p.queued:
            p.queued = after
            if after is not None:
                self._wakes.push(p, after)
        return changes

    def compact(self) -> None:
        """Fold and prune every profile at the clock (before the state is written)."""
        if self.clock is None:
            return
        for p in self.profiles.values():
            fold_logs(p, self.clock, self.log_specs, self.zone)
            prune_ids(p, self.clock - self.dedup)  # ids kept for at least 30 days

    def start_at(self, instant: dt.datetime) -> None:
        """Set the clock and evaluate every profile there, reporting nothing: the
        memberships at ``instant`` are the starting point (after a backfill)."""
        self.clock = instant
        self._pending = []
        for p in self.profiles.values():
            self._evaluate(p, self.by_entity.get(p.entity, []), instant)
            fold_logs(p, instant, self.log_specs, self.zone)

    def pending_profiles(self) -> list[Profile]:
        """Profiles updated before the clock was known (evaluated when it is)."""
        return self._pending

    def rebuild_heap(self) -> None:
        self._wakes.rebuild(self.profiles.values())
