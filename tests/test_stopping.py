"""A signal that stops an engine's query stops the run as the signal asked (exit 130
for Ctrl-C, 143 for SIGTERM), never as "the database rejected the query" (D002).
The end-to-end kills of `eval --out`, `fmt` and `snapshot` are in test_interrupts.py."""

from __future__ import annotations

import threading
from typing import Any

import duckdb
import pytest

from segdsl.diagnostics import SegdslError
from segdsl.evaluation import evaluate
from segdsl.support import stopping


def test_duckdb_reports_an_interrupted_query_in_a_way_we_recognise() -> None:
    con = duckdb.connect()
    timer = threading.Timer(0.3, con.interrupt)
    timer.start()
    try:
        with pytest.raises(BaseException) as err:
            con.execute("SELECT count(*) FROM range(100000000000) t(x) WHERE x % 7 = 3").fetchall()
    finally:
        timer.cancel()
        con.close()
    assert stopping.is_interrupt(err.value), repr(err.value)


class _Interrupted:
    name = "duckdb"
    dialect = "duckdb"

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        raise RuntimeError("Query interrupted")


class _Broken(_Interrupted):
    def query(self, sql: str) -> list[tuple[Any, ...]]:
        raise RuntimeError('Binder Error: column "x" not found')


def test_an_interrupted_query_is_ctrl_c_or_sigterm_not_d002(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(KeyboardInterrupt):
        evaluate.run_query(_Interrupted(), "SELECT 1")  # type: ignore[arg-type]
    monkeypatch.setattr(stopping, "_received", 15)
    with pytest.raises(SystemExit) as exit_:
        evaluate.run_query(_Interrupted(), "SELECT 1")  # type: ignore[arg-type]
    assert exit_.value.code == 143
    # Any other failure is still the database's answer.
    with pytest.raises(SegdslError) as err:
        evaluate.run_query(_Broken(), "SELECT 1")  # type: ignore[arg-type]
    assert err.value.diagnostics[0].code == "D002"
