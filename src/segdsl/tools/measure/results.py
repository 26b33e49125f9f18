"""The output of `segdsl test`: text, JSON and JUnit XML."""

from __future__ import annotations

import json
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

from segdsl.tools.measure.tests_runner import Result


def render_text(results: Sequence[Result]) -> str:
    out = []
    for r in results:
        mark = "ok  " if r.ok else "FAIL"
        out.append(f"{mark}  {r.kind:<7}  {r.name}  ({r.file})")
        if not r.ok:
            out += [f"      {line}" for line in r.message.splitlines()]
            if r.details:
                out += ["", *(f"      {line}" for line in r.details.splitlines()), ""]
    failed = sum(1 for r in results if not r.ok)
    out.append("")
    if not results:
        out.append("no tests found (put them in tests/*.toml under the project folder)")
    else:
        out.append(
            f"{len(results) - failed} passed, {failed} failed"
            + (f" of {len(results)}" if failed else "")
        )
    return "\n".join(out)


def render_json(results: Sequence[Result]) -> str:
    doc = {
        "passed": sum(1 for r in results if r.ok),
        "failed": sum(1 for r in results if not r.ok),
        "tests": [
            {
                "file": r.file,
                "name": r.name,
                "kind": r.kind,
                "ok": r.ok,
                "message": r.message,
                "explain": r.details,
            }
            for r in results
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False)


def render_junit(results: Sequence[Result]) -> str:
    """JUnit XML: one <testsuite> per file, one <testcase> per test."""
    by_file: dict[str, list[Result]] = {}
    for r in results:
        by_file.setdefault(r.file, []).append(r)
    failed = sum(1 for r in results if not r.ok)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<testsuites name="segdsl" tests="{len(results)}" failures="{failed}">',
    ]
    for file, rs in by_file.items():
        nf = sum(1 for r in rs if not r.ok)
        out.append(f'  <testsuite name={quoteattr(file)} tests="{len(rs)}" failures="{nf}">')
        for r in rs:
            head = f"    <testcase classname={quoteattr(r.kind)} name={quoteattr(r.name)}"
            if r.ok:
                out.append(head + "/>")
                continue
            first = r.message.splitlines()[0] if r.message else "failed"
            body = r.message + ("\n\n" + r.details if r.details else "")
            out += [
                head + ">",
                f"      <failure message={quoteattr(first)}>{escape(body)}</failure>",
                "    </testcase>",
            ]
        out.append("  </testsuite>")
    out.append("</testsuites>")
    return "\n".join(out) + "\n"
