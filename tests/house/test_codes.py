"""The error-code registry (segdsl.diagnostics.codes) against the code and the docs:
every code used under src/segdsl is registered, every registered code has a row in the
error-code table of docs/language.md, and every code in that table is registered."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from segdsl.diagnostics.codes import REGISTRY

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "segdsl"
CODE = re.compile(r"[A-Z][0-9]{3}\Z")
CELL_CODE = re.compile(r"`([A-Z])([0-9]{3})`(?:\s*[–-]\s*`([A-Z])([0-9]{3})`)?")


def codes_in_source() -> dict[str, list[str]]:
    """Every string constant of src/segdsl that looks like a code, with where it is."""
    found: dict[str, list[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        if path.name == "codes.py" and path.parent.name == "diagnostics":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            is_text = isinstance(node, ast.Constant) and isinstance(node.value, str)
            if is_text and CODE.match(node.value):
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                found.setdefault(node.value, []).append(where)
    return found


def documented_codes() -> set[str]:
    """The codes in the error-code table of docs/language.md (`A`–`B` ranges expanded)."""
    lines = (ROOT / "docs" / "language.md").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.replace(" ", "") == "|code|meaning|")
    out: set[str] = set()
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cell = line.split("|")[1]
        for m in CELL_CODE.finditer(cell):
            letter, first, end_letter, last = m.groups()
            if last is None:
                out.add(letter + first)
            else:
                assert end_letter == letter, line
                out.update(f"{letter}{n:03d}" for n in range(int(first), int(last) + 1))
    return out


def test_every_code_used_is_registered() -> None:
    missing = {c: w for c, w in codes_in_source().items() if c not in REGISTRY}
    assert not missing, (
        "codes used in src/segdsl but not registered in segdsl/diagnostics/codes.py "
        f"(add one line each): {missing}"
    )


def test_every_registered_code_is_documented() -> None:
    undocumented = sorted(set(REGISTRY) - documented_codes())
    assert not undocumented, (
        "registered codes with no row in the `| code | meaning |` table of docs/language.md: "
        f"{undocumented}"
    )


def test_every_documented_code_exists() -> None:
    unknown = sorted(documented_codes() - set(REGISTRY))
    assert not unknown, f"codes in docs/language.md's table that segdsl does not have: {unknown}"


def test_lint_rules_are_registered_with_their_meaning() -> None:
    from segdsl.tools.lint.rules import RULES

    for name, rule in RULES.items():
        assert REGISTRY.get(name) == rule.summary, name


def test_registry_meanings_are_one_line() -> None:
    for name, text in REGISTRY.items():
        assert CODE.match(name), name
        assert text and "\n" not in text and len(text) <= 100, name
