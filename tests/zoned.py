"""The corpus in a time zone (language.md §11), for tests/test_calendar_values.py and
the engine matrix (tests/engines/test_matrix.py)."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

import segdsl

CORPUS = Path(__file__).parent / "corpus"

# The same catalog and rules with `timezone` set: calendar windows, weekdays and hours,
# date(T) and literals follow the zone. The as-of instants are local times in the zone:
# the days after both 2026 switches of summer time in Berlin and New York (each is a
# plain day in the other zone), noon on the switch days, and a quarter start.
ZONES = ("Europe/Berlin", "America/New_York")
ZONED_AS_OF = ("2026-03-30", "2026-10-26", "2026-03-09", "2026-11-02", "2026-07-01")
ZONED_AS_OF_MORE = ("2026-03-29T12:00", "2026-10-25T12:00", "2026-11-01T12:00", "2026-04-01")


@functools.cache
def zoned_project(zone: str) -> segdsl.Project:
    from segdsl.project import project_from_texts

    catalog = (CORPUS / "segdsl.toml").read_text(encoding="utf-8")
    head = 'dialect = "duckdb"\n'
    assert head in catalog
    catalog = catalog.replace(head, f'{head}timezone = "{zone}"\n', 1)
    files = {str(p): p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.seg"))}
    project = project_from_texts(CORPUS, catalog, files)
    assert project.catalog.timezone == zone
    return project


def zoned_instant(zone: str, local: str) -> dt.datetime:
    from segdsl.semantic.timecalc import parse_as_of

    return parse_as_of(local, zone)
