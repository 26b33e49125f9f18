"""A minimal dbt project on DuckDB for the tests and the README example."""

from __future__ import annotations

from pathlib import Path

DBT_PROJECT = """\
name: segdsl_example
version: "1.0"
profile: segdsl_example
"""

PROFILES = """\
segdsl_example:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: warehouse.duckdb
      threads: 2
"""


def make_dbt_project(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "dbt_project.yml").write_text(DBT_PROJECT, encoding="utf-8")
    (folder / "profiles.yml").write_text(PROFILES, encoding="utf-8")
    return folder
