"""The VS Code extension (editors/vscode): its TextMate grammar, checked with the engine
VS Code uses, and the .vsix built with @vscode/vsce. Needs node and the extension's npm
packages (`bash .ci/setup-lsp.sh`): skipped without them, failed with
SEGDSL_REQUIRE_ENGINES=1."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

EXT = Path(__file__).resolve().parents[2] / "editors" / "vscode"
REQUIRE = os.environ.get("SEGDSL_REQUIRE_ENGINES") == "1"


def _need_tools() -> None:
    missing = [t for t in ("node", "npm") if shutil.which(t) is None]
    if not (EXT / "node_modules" / ".bin" / "vsce").exists():
        missing.append("editors/vscode/node_modules (bash .ci/setup-lsp.sh)")
    if missing:
        message = "missing: " + ", ".join(missing)
        if REQUIRE:
            pytest.fail(message + " (SEGDSL_REQUIRE_ENGINES=1)")
        pytest.skip(message)


def test_grammar_is_valid_json_with_compilable_patterns() -> None:
    """Without node: the grammar is JSON, names its scope, its patterns compile (as
    Python regular expressions: the grammar uses no Oniguruma-only syntax) and its
    includes exist."""
    grammar = json.loads((EXT / "syntaxes" / "segdsl.tmLanguage.json").read_text())
    assert grammar["scopeName"] == "source.segdsl"
    package = json.loads((EXT / "package.json").read_text())
    assert package["contributes"]["grammars"][0]["scopeName"] == "source.segdsl"
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            found.extend(v for k, v in node.items() if k in ("match", "begin", "end"))
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(grammar)
    assert len(found) > 20
    for pattern in found:
        re.compile(pattern)
    includes = {
        p["include"][1:] for p in grammar["patterns"] if p.get("include", "").startswith("#")
    }
    assert includes <= set(grammar["repository"])


def test_grammar_scopes_with_vscode_textmate() -> None:
    _need_tools()
    done = subprocess.run(
        ["node", "test/grammar.test.js"], cwd=EXT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "grammar ok" in done.stdout


def test_vsix_builds(tmp_path: Path) -> None:
    _need_tools()
    out = tmp_path / "segdsl.vsix"
    done = subprocess.run(
        [
            str(EXT / "node_modules" / ".bin" / "vsce"),
            "package",
            "--skip-license",
            "--out",
            str(out),
        ],
        cwd=EXT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    names = set(zipfile.ZipFile(out).namelist())
    assert {
        "extension/package.json",
        "extension/src/extension.js",
        "extension/syntaxes/segdsl.tmLanguage.json",
        "extension/language-configuration.json",
        "extension/node_modules/vscode-languageclient/package.json",
    } <= names
    assert not any(n.startswith("extension/test/") for n in names)
