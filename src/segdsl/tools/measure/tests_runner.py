"""`segdsl test`: segment tests kept in the project, run in CI as dbt runs model tests.

The tests live in ``tests/*.toml`` under the project folder (see docs/measure.md):

- ``[[fixture]]``: a hand-made profile (attributes, events at times relative to the
  as-of) and the segments it must (``in``) and must not (``not_in``) be in — evaluated
  on embedded DuckDB from the fixtures alone;
- ``[[expect]]``: a fact about the real data at the as-of — a segment's ``size`` or
  ``share`` bounds, ``within = [A, B]`` (A ⊆ B), ``disjoint = [A, B]``, ``covers =
  [A, B, …]`` (every entity is in at least one).

A failing fixture names the profile, the segment, what was expected and what came
out, and the explain waterfall of the segment over that profile alone.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from segdsl.diagnostics import Diagnostic, SegdslError
from segdsl.project import Project
from segdsl.semantic.timecalc import local_to_utc, now_utc
from segdsl.tools.measure.data import parse_instant
from segdsl.tools.measure.fixtures import Fixture, fixture_project

TESTS_DIR = "tests"
_FIXTURE_KEYS = {"name", "entity", "key", "as_of", "in", "not_in", "attributes", "events"}
_EXPECT_KEYS = {"name", "segment", "size", "share", "within", "disjoint", "covers", "as_of"}


@dataclass(frozen=True)
class Result:
    file: str
    name: str
    kind: str  # "fixture" or "expect"
    ok: bool
    message: str = ""
    details: str = ""  # the explain waterfall of a failing fixture


@dataclass(frozen=True)
class Expect:
    name: str
    body: Mapping[str, Any]
    as_of: dt.datetime
    where: str


def _bad(path: str, message: str, hint: str = "") -> SegdslError:
    return SegdslError(Diagnostic("M020", message, path=path, hint=hint))


def test_files(root: Path) -> list[Path]:
    folder = root / TESTS_DIR
    return sorted(folder.glob("*.toml")) if folder.is_dir() else []


def _names(value: Any, path: str, what: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise _bad(path, f"{what} must be a segment name or a list of names, not {value!r}")


def load_file(
    project: Project, path: Path, as_of: dt.datetime | None
) -> tuple[list[Fixture], list[Expect]]:
    shown = str(path)
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise _bad(shown, f"cannot read {shown}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise _bad(shown, f"{shown} is not valid TOML: {exc}") from None
    unknown = set(doc) - {"as_of", "fixture", "expect"}
    if unknown:
        raise _bad(
            shown,
            f"unknown key {sorted(unknown)[0]!r}",
            "a test file holds as_of, [[fixture]] and [[expect]]",
        )
    zone = project.catalog.timezone
    file_as_of = as_of or _time(doc.get("as_of"), shown, zone) or now_utc()
    fixtures: list[Fixture] = []
    for i, raw in enumerate(doc.get("fixture", []), start=1):
        if not isinstance(raw, dict):
            raise _bad(shown, f"fixture {i} is not a table", "write [[fixture]]")
        name = str(raw.get("name", f"fixture {i}"))
        extra = set(raw) - _FIXTURE_KEYS
        if extra:
            raise _bad(
                shown,
                f"fixture `{name}`: unknown key {sorted(extra)[0]!r}",
                "the keys are: " + ", ".join(sorted(_FIXTURE_KEYS)),
            )
        members = _names(raw.get("in", []), shown, f"fixture `{name}`: in")
        non = _names(raw.get("not_in", []), shown, f"fixture `{name}`: not_in")
        for seg in (*members, *non):
            project.segment(seg)  # U004 with a suggestion
        events = raw.get("events", [])
        if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
            raise _bad(
                shown,
                f"fixture `{name}`: events must be a list of tables",
                'e.g. events = [{ event = "purchase", at = "3 days ago" }]',
            )
        attributes = raw.get("attributes", {})
        if not isinstance(attributes, dict):
            raise _bad(
                shown,
                f"fixture `{name}`: attributes must be a table",
                "e.g. attributes = { age = 30 }",
            )
        key = raw.get("key", i)
        if isinstance(key, bool) or not isinstance(key, int | str):
            raise _bad(
                shown,
                f"fixture `{name}`: key must be a whole number or a text, not {key!r}",
                "leave it out to number the fixtures 1, 2, …",
            )
        fixtures.append(
            Fixture(
                name,
                str(raw.get("entity") or project.catalog.default_entity),
                key,
                as_of or _time(raw.get("as_of"), shown, zone) or file_as_of,
                attributes,
                tuple(events),
                members,
                non,
                shown,
                zone,
            )
        )
    keys = [f.key for f in fixtures]
    if len(set(keys)) != len(keys):
        raise _bad(
            shown, "two fixtures have the same key", "give each fixture its own key (or none)"
        )
    expects = []
    for i, raw in enumerate(doc.get("expect", []), start=1):
        if not isinstance(raw, dict):
            raise _bad(shown, f"expect {i} is not a table", "write [[expect]]")
        extra = set(raw) - _EXPECT_KEYS
        if extra:
            raise _bad(
                shown,
                f"expect {i}: unknown key {sorted(extra)[0]!r}",
                "the keys are: " + ", ".join(sorted(_EXPECT_KEYS)),
            )
        kinds = [k for k in ("segment", "within", "disjoint", "covers") if k in raw]
        if len(kinds) != 1:
            raise _bad(shown, f"expect {i}: give one of segment, within, disjoint, covers")
        name = str(raw.get("name") or _describe(raw))
        if "covers" in raw:
            # A segmentation's name stands for its classes (`NAME.CLASS`), in order.
            raw = {**raw, "covers": _cover_names(project, raw["covers"], shown, i)}
        for k in ("segment", "within", "disjoint", "covers"):
            if k in raw:
                for seg in _names(raw[k], shown, f"expect {i}: {k}"):
                    project.segment(seg)
        for k in ("size", "share"):
            if k in raw:
                _check_bounds(raw[k], shown, f"expect {i}: {k}")
        if kinds == ["segment"] and not ({"size", "share"} & set(raw)):
            raise _bad(
                shown,
                f"expect {i}: give size or share bounds",
                "e.g. share = { min = 0.01, max = 0.2 }",
            )
        for k in ("within", "disjoint"):
            if k in raw and len(_names(raw[k], shown, k)) != 2:
                raise _bad(shown, f"expect {i}: {k} takes two segments", f'{k} = ["a", "b"]')
        expects.append(
            Expect(name, raw, as_of or _time(raw.get("as_of"), shown, zone) or file_as_of, shown)
        )
    return fixtures, expects


def _cover_names(project: Project, value: Any, path: str, i: int) -> list[str]:
    """The segments of ``covers``: a list of segments, one segment, or the name of a
    segmentation (its classes)."""
    groupings: dict[str, Any] = getattr(project, "segmentations", {})
    if isinstance(value, str) and value in groupings and value not in project.segments:
        g = groupings[value]
        return [g.segment_name(c) for c in g.classes]
    return list(_names(value, path, f"expect {i}: covers"))


def _check_bounds(bounds: Any, path: str, what: str) -> None:
    ok = isinstance(bounds, dict) and bounds and set(bounds) <= {"min", "max"}
    if ok:
        ok = all(isinstance(v, int | float) and not isinstance(v, bool) for v in bounds.values())
    if not ok:
        raise _bad(
            path,
            f"{what} must be a table of numbers like {{ min = …, max = … }}, not {bounds!r}",
            "e.g. share = { min = 0.01, max = 0.2 } or size = { min = 100 }",
        )


def _time(value: Any, path: str, zone: str) -> dt.datetime | None:
    """An ``as_of``: a TOML date or date-time, or text; without an offset, a wall-clock
    time in the project's time zone (as ``--as-of``)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            return value.astimezone(dt.UTC).replace(tzinfo=None)
        return local_to_utc(value, zone)
    if isinstance(value, dt.date):
        return local_to_utc(dt.datetime.combine(value, dt.time()), zone)
    return parse_instant(str(value), "as_of", zone)


def _describe(raw: Mapping[str, Any]) -> str:
    if "segment" in raw:
        bounds = []
        for k in ("size", "share"):
            b = raw.get(k)
            if isinstance(b, dict):
                bounds.append(f"{k} in [{b.get('min', '-∞')}, {b.get('max', '∞')}]")
        return f"{raw['segment']}: {', '.join(bounds)}"
    for k in ("within", "disjoint", "covers"):
        if k in raw:
            return f"{k} {', '.join(_names(raw[k], '', k))}"
    return "expect"


# ---- running ---------------------------------------------------------------------------


def run_tests(project: Project, as_of: dt.datetime | None = None) -> list[Result]:
    """Run every test file of the project; a list of results in file order."""
    results: list[Result] = []
    for path in test_files(project.root):
        fixtures, expects = load_file(project, path, as_of)
        results += _run_fixtures(project, fixtures)
        results += _run_expects(project, expects)
    return results


def _run_fixtures(project: Project, fixtures: list[Fixture]) -> list[Result]:
    if not fixtures:
        return []
    by_as_of: dict[dt.datetime, list[Fixture]] = {}
    for f in fixtures:
        by_as_of.setdefault(f.as_of, []).append(f)
    out: list[Result] = []
    for instant, group in by_as_of.items():
        names = sorted({s for f in group for s in (*f.member_of, *f.not_member_of)})
        with tempfile.TemporaryDirectory(prefix="segdsl-test-") as tmp:
            fp = fixture_project(project, group, Path(tmp))
            result = fp.evaluate(names, instant) if names else None
        for f in group:
            problems = []
            for seg in f.member_of:
                assert result is not None
                if f.key not in set(result.members(seg)) and str(f.key) not in set(
                    map(str, result.members(seg))
                ):
                    problems.append((seg, "in", "not in"))
            for seg in f.not_member_of:
                assert result is not None
                if str(f.key) in set(map(str, result.members(seg))):
                    problems.append((seg, "not in", "in"))
            if not problems:
                out.append(Result(f.where, f.name, "fixture", True))
                continue
            lines, details = [], []
            for seg, expected, actual in problems:
                lines.append(
                    f"profile `{f.name}`: expected {expected} `{seg}`, but it is {actual} it "
                    f"(as of {instant.isoformat()})"
                )
                details.append(_waterfall(project, f, seg))
            out.append(
                Result(f.where, f.name, "fixture", False, "\n".join(lines), "\n\n".join(details))
            )
    return out


def _waterfall(project: Project, fixture: Fixture, segment: str) -> str:
    """The explain waterfall of ``segment`` over this one profile."""
    from segdsl.tools.explain import explain, render_text

    with tempfile.TemporaryDirectory(prefix="segdsl-test-") as tmp:
        fp = fixture_project(project, [fixture], Path(tmp))
        return render_text(explain(fp, segment, fixture.as_of))


def _run_expects(project: Project, expects: list[Expect]) -> list[Result]:
    if not expects:
        return []
    out: list[Result] = []
    by_as_of: dict[dt.datetime, list[Expect]] = {}
    for e in expects:
        by_as_of.setdefault(e.as_of, []).append(e)
    for instant, group in by_as_of.items():
        names = sorted(
            {
                s
                for e in group
                for k in ("segment", "within", "disjoint", "covers")
                if k in e.body
                for s in _names(e.body[k], e.where, k)
            }
        )
        result = project.evaluate(names, instant)
        for e in group:
            message = _check(e, result, instant)
            out.append(Result(e.where, e.name, "expect", message is None, message or ""))
    return out


def _check(e: Expect, result: Any, instant: dt.datetime) -> str | None:
    b = e.body
    when = f"as of {instant.isoformat()}"
    if "segment" in b:
        size = result.sizes[b["segment"]]
        for key, value in (("size", size.members), ("share", size.share)):
            if key not in b:
                continue
            bounds = b[key]
            if not isinstance(bounds, dict) or not set(bounds) <= {"min", "max"}:
                return f"{key} must be a table like {{ min = …, max = … }}"
            lo, hi = bounds.get("min"), bounds.get("max")
            if (lo is not None and value < lo) or (hi is not None and value > hi):
                shown = f"{value:,}" if key == "size" else f"{value:.4f}"
                return (
                    f"`{b['segment']}`: expected {key} in [{lo if lo is not None else '-∞'}, "
                    f"{hi if hi is not None else '∞'}], got {shown} "
                    f"({size.members:,} of {size.entity_count:,}, {when})"
                )
        return None
    if "within" in b:
        a, c = b["within"]
        outside = sorted(set(result.members(a)) - set(result.members(c)), key=str)
        if outside:
            return (
                f"expected `{a}` within `{c}`, but {len(outside):,} members of `{a}` are not "
                f"in `{c}` ({when}), e.g. {', '.join(map(str, outside[:5]))}"
            )
        return None
    if "disjoint" in b:
        a, c = b["disjoint"]
        both = sorted(set(result.members(a)) & set(result.members(c)), key=str)
        if both:
            return (
                f"expected `{a}` and `{c}` disjoint, but {len(both):,} entities are in both "
                f"({when}), e.g. {', '.join(map(str, both[:5]))}"
            )
        return None
    names = _names(b["covers"], e.where, "covers")
    covered: set[Any] = set()
    for n in names:
        covered |= set(result.members(n))
    total = result.sizes[names[0]].entity_count
    if len(covered) < total:
        return (
            f"expected {', '.join(f'`{n}`' for n in names)} to cover every entity, but "
            f"{total - len(covered):,} of {total:,} are in none of them ({when})"
        )
    return None
