"""`segdsl check --live`: per segment, exact / batch cut-offs / not live, and why."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from segdsl.cli import app

CORPUS = Path(__file__).parents[1] / "corpus"


def test_check_live_lists_every_segment_with_its_reason(tmp_path: Path) -> None:
    project = tmp_path / "p"
    shutil.copytree(CORPUS, project)
    (project / "zz_not_live.seg").write_text(
        "segment recent_in_condition where count(purchase where timestamp after 30 days ago) >= 1\n"
    )
    result = CliRunner().invoke(app, ["check", "-p", str(project), "--live"])
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.output.splitlines()[1:-1]}
    assert "exact" in lines["bought_90d"] and "purchase in 90 days" in lines["bought_90d"]
    assert "sequence cart → not order within 1 day" in lines["sh_abandoned"]
    assert "batch cut-offs" in lines["top_20_spend"]
    assert "`top 20% by spend_365d`" in lines["top_20_spend"]
    assert "not live" in lines["recent_in_condition"]
    assert "inside an event condition" in lines["recent_in_condition"]
    assert result.output.splitlines()[-1].startswith("live: ")
    assert " not live, of " in result.output.splitlines()[-1]
    plain = CliRunner().invoke(app, ["check", "-p", str(project)])
    assert plain.exit_code == 0 and "live:" not in plain.output


def test_a_form_it_does_not_know_is_not_live_never_evaluated() -> None:
    """A node kind added to the IR later, or a known node with a new field set, is
    reported as not live (the reason names it), not evaluated without it."""
    import dataclasses

    import segdsl
    from segdsl.semantic import ir
    from segdsl.tools.live.plan import Compiler

    project = segdsl.load_project(CORPUS)

    @dataclasses.dataclass(frozen=True)
    class Calendar(ir.Cond):
        period: str

    @dataclasses.dataclass(frozen=True)
    class ZonedCompare(ir.Compare):
        zone: str = "UTC"

    plain = project.segment("bought_90d")
    for cond, word in [
        (Calendar("month"), "Calendar"),
        (ir.And((plain.cond, Calendar("month"))), "Calendar"),
        (
            ZonedCompare(
                "=", ir.Const(1, ir.Type.INTEGER), ir.Const(1, ir.Type.INTEGER), "Europe/Berlin"
            ),
            "ZonedCompare",
        ),
    ]:
        plan = Compiler(project.catalog).segment(dataclasses.replace(plain, cond=cond))
        assert plan.mode == "not live" and word in plan.reason and plan.fn is None
