"""Print the injection matrix for docs/security.md.

Rows are the kinds of hostile text (tests/injection_cases.py); the columns say what
happened when a rule holding that text in every place a text can go was compiled for
each dialect sqlglot knows (`ok`: the statement re-parses as one statement whose
literals are exactly the rule's texts; `S001`: the dialect cannot express some form,
e.g. lists in MySQL), and when it was evaluated on DuckDB, SQLite and PostgreSQL
(`ok`: exactly the rows holding the text, every table unchanged; `rejected(CODE)`: a
clean segdsl error). PostgreSQL runs when SEGDSL_TEST_POSTGRES_DSN is set.

    python tests/injection_matrix.py            # compact table (markdown)
    python tests/injection_matrix.py --full     # one column per dialect
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import injection_cases as cases
import test_injection as t


def main(full: bool) -> int:
    engines = ["duckdb", "sqlite"] + (["postgres"] if os.environ.get(t.PG_ENV) else [])
    executed: dict[str, dict[str, str]] = {}
    failures = 0
    for engine in engines:
        with tempfile.TemporaryDirectory() as tmp:
            outcome = t.run_texts(engine, Path(tmp))
        executed[engine] = outcome.cells
        failures += len(outcome.problems)
        for p in outcome.problems:
            print(f"PROBLEM {engine}: {p}", file=sys.stderr)
    head = ["hostile text"]
    head += cases.DIALECTS if full else [f"compiled ({len(cases.DIALECTS)} dialects)"]
    head += [f"{e} executed" for e in engines]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for kind, value in cases.HOSTILE.items():
        cells: dict[str, str] = {}
        for dialect in cases.DIALECTS:
            cell, problems = t.compile_cell(value, dialect)
            failures += len(problems)
            cells[dialect] = "FAIL" if problems else ("ok" if cell == "ok" else "S001")
        if full:
            row = [cells[d] for d in cases.DIALECTS]
        else:
            count = Counter(cells.values())
            refused = [d for d, c in cells.items() if c == "S001"]
            text = f"ok {count['ok']}/{len(cells)}"
            if refused:
                text += " · S001 (some forms) in " + ", ".join(refused)
            if count["FAIL"]:
                text += f" · FAIL {count['FAIL']}"
            row = [text]
        row += [executed[e].get(kind, "-") for e in engines]
        print("| " + " | ".join([kind.replace("|", "\\|"), *row]) + " |")
    for kind in cases.UNWRITABLE:
        n = len(cases.DIALECTS) if full else 1
        print("| " + " | ".join([kind, *["rejected(E101)"] * n, *["n/a"] * len(engines)]) + " |")
    print(f"\n{failures} problems", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main("--full" in sys.argv))
