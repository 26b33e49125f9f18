"""The JSON-lines protocol of ``segdsl stream`` and ``segdsl serve``.

Input objects (one per line, or a JSON array of them over HTTP)::

    {"profile": KEY, "attributes": {...}}                       a partial upsert
    {"event": "purchase", "profile": KEY, "timestamp": "2026-06-01T10:00:00Z",
     "fields": {...}, "id": "…"}                                id optional: once only
    {"tick": "2026-06-30T00:00:00Z"}                           time passes

``"entity"`` may name the profile's entity in an attribute update (default: the
project's default entity; an event's entity is its kind's). Output, one per change::

    {"profile": KEY, "segment": "vip", "change": "entered", "at": "2026-06-01T10:00:00Z"}
"""

from __future__ import annotations

import functools
import json
from collections.abc import KeysView
from decimal import Decimal
from typing import Any

from segdsl.diagnostics import Diagnostic, SegdslError
from segdsl.tools.live.changes import Change
from segdsl.tools.live.evaluator import LiveEvaluator
from segdsl.tools.live.times import iso, parse_instant

EVENT_KEYS = frozenset({"event", "profile", "timestamp", "fields", "id"})
ATTRIBUTE_KEYS = frozenset({"profile", "attributes", "entity"})
TICK_KEYS = frozenset({"tick"})


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


# one decoder for every line (``json.loads`` with options makes a decoder per call:
# half the time of a short line)
_DECODER = json.JSONDecoder(parse_float=Decimal, parse_constant=_reject_constant)


def parse_json(text: str) -> Any:
    """JSON with numbers as written (``0.1`` is a decimal), NaN and Infinity refused."""
    try:
        return _DECODER.decode(text)
    except (ValueError, RecursionError) as exc:
        raise bad("V001", f"not valid JSON ({str(exc).split(':')[0]})") from None


def bad(code: str, message: str, hint: str = "") -> SegdslError:
    return SegdslError(Diagnostic(code, message, hint=hint))


SHAPES = (
    'write {"profile": KEY, "attributes": {...}}, '
    '{"event": KIND, "profile": KEY, "timestamp": "…", "fields": {...}}, or {"tick": "…"}'
)


def apply(live: LiveEvaluator, item: Any) -> list[Change]:
    """Apply one input object; answers the changes. Raises SegdslError (V0xx)."""
    if not isinstance(item, dict):
        raise bad("V002", "an input is a JSON object", SHAPES)
    keys = item.keys()
    if "tick" in item:
        _only(keys, TICK_KEYS, "a tick")
        return live.advance(_instant(item["tick"], "tick"))
    if "event" in item:
        _only(keys, EVENT_KEYS, "an event")
        kind = item["event"]
        if not isinstance(kind, str):
            raise bad("V003", "`event` names an event kind (text)")
        if "timestamp" not in item:
            raise bad("V006", f"an event of `{kind}` needs a timestamp")
        fields = item.get("fields") or {}
        if not isinstance(fields, dict):
            raise bad("V009", "`fields` is a JSON object of field values")
        event_id = item.get("id")
        if event_id is not None and (
            isinstance(event_id, bool) or not isinstance(event_id, str | int)
        ):
            raise bad("V002", "`id` is text or a whole number")
        return live.apply_event(
            kind,
            _profile(item),
            item["timestamp"],
            fields,
            None if event_id is None else str(event_id),
        )
    if "attributes" in item:
        _only(keys, ATTRIBUTE_KEYS, "an attribute update")
        attributes = item["attributes"]
        if not isinstance(attributes, dict):
            raise bad("V004", "`attributes` is a JSON object of attribute values")
        entity = item.get("entity")
        if entity is not None and not isinstance(entity, str):
            raise bad("V004", "`entity` names an entity (text)")
        return live.apply_attributes(_profile(item), attributes, entity)
    raise bad("V002", "an input is an event, an attribute update or a tick", SHAPES)


def _only(keys: KeysView[str], allowed: frozenset[str], what: str) -> None:
    if keys <= allowed:
        return
    extra = sorted(keys - allowed)
    raise bad(
        "V002",
        f"{what} has no `{extra[0]}`",
        "the keys of " + what + " are: " + ", ".join(sorted(allowed)),
    )


def _profile(item: dict[str, Any]) -> Any:
    if "profile" not in item:
        raise bad("V007", "the input names no `profile`")
    key = item["profile"]
    if isinstance(key, bool) or not isinstance(key, str | int):
        raise bad(
            "V007", f"a profile key is text or a whole number, not {json.dumps(key, default=str)}"
        )
    return key


def _instant(raw: Any, what: str) -> Any:
    try:
        return parse_instant(raw)
    except (ValueError, TypeError):
        raise bad(
            "V006",
            f"the {what} is not a timestamp: {json.dumps(raw, default=str)[:40]}",
            "write e.g. 2026-06-30T00:00:00Z",
        ) from None


def change_json(live: LiveEvaluator, c: Change) -> dict[str, Any]:
    out = c.to_json()
    if c.entity != live.catalog.default_entity:
        out = {"entity": c.entity, **out}
    return out


def change_line(live: LiveEvaluator, c: Change) -> str:
    """One output line: ``json.dumps(change_json(...))``, written out by hand for the
    default entity's changes (one line per change: the stream's hottest output)."""
    if c.entity != live.catalog.default_entity:
        return json.dumps(change_json(live, c), ensure_ascii=False, separators=(", ", ": "))
    key = c.profile
    text = str(key) if type(key) is int else _text(key)
    return (
        f'{{"profile": {text}, "segment": {_text(c.segment)}, "change": "{c.change}", '
        f'"at": "{iso(c.at)}"}}'
    )


_ENCODE = json.JSONEncoder(ensure_ascii=False).encode


@functools.lru_cache(maxsize=4096)
def _text(value: str) -> str:
    """A string as JSON text (segment names and keys repeat)."""
    return _ENCODE(value)
