"""Shared groundwork of `snapshot`, `explain` and `overlap`: the project as the data
types it, so that segments built on the fly can be evaluated by ``Project.evaluate``.

``Project.evaluate`` adapts the catalog to the data (an event stamped with dates
follows the date rules of section 7) and then resolves the segments again *by name*,
which a segment made here (a part of a rule, an intersection) does not have. Adapting
first, here, makes that step a no-op: the segments given are evaluated as they are.
"""

from __future__ import annotations

from segdsl.project import Project


def adapted_project(project: Project) -> Project:
    """``project`` resolved against its catalog as adapted to the data; checks that
    every source exists (``D001``) on the way."""
    from segdsl.sources import adapt_to_data, check_sources, connect

    con = connect(project.catalog, project.root)
    try:
        check_sources(project.catalog, con)
        adapted = adapt_to_data(project.catalog, con)
    finally:
        con.close()
    if adapted is project.catalog:
        return project
    return project.with_catalog(adapted)
