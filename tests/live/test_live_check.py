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
    assert "1 not live" in result.output.splitlines()[-1]
    plain = CliRunner().invoke(app, ["check", "-p", str(project)])
    assert plain.exit_code == 0 and "live:" not in plain.output
