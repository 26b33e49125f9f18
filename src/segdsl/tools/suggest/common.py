"""What both kinds of suggestion share: the entity, and the one-line message when the
`suggest` extra is missing."""

from __future__ import annotations

from segdsl.diagnostics import Diagnostic, SegdslError
from segdsl.project import Project


def entity_name(project: Project, entity: str | None) -> str:
    """``entity``, or the catalog's default entity (K007 when there is none)."""
    name = entity or project.catalog.default_entity
    if name is None or name not in project.catalog.entities:
        raise SegdslError(
            Diagnostic(
                "K007",
                f"no entity named `{name}` in the catalog"
                if name
                else "the catalog names no default entity",
                hint="pass --entity; the entities are: " + ", ".join(project.catalog.entities),
            )
        )
    return name


def missing_extra() -> SegdslError:
    """K004: scikit-learn or numpy is not installed."""
    return SegdslError(
        Diagnostic(
            "K004",
            "segdsl suggest --features needs scikit-learn and numpy",
            hint="pip install 'segdsl[suggest]'",
        )
    )
