"""`segdsl suggest` on a project with planted clusters: the rules are the model.

The suggested classes, evaluated by segdsl on the data, put every sampled entity in the
class the threshold tree gave it, and recover the planted clusters. Until the language
reads segmentations (language.md §15), the classes are evaluated as plain segments with
the same conditions; once it does, the segmentation file itself is checked, linted,
formatted and evaluated.
"""

# ruff: noqa: E402 (scikit-learn is checked for before the imports that need it)
from __future__ import annotations

from suggest_needs import require_sklearn

require_sklearn()

import datetime as dt
import json
from pathlib import Path

import duckdb
import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score
from typer.testing import CliRunner

import segdsl
from segdsl.cli import app
from segdsl.project import project_from_texts
from segdsl.tools.suggest.clusters import Options, suggest_clusters
from segdsl.tools.suggest.run import load_without, run_suggest
from segdsl.tools.suggest.writer import ClassRule, language_has_segmentations, segments_text

AS_OF = dt.datetime(2026, 6, 30)
CATALOG = """
[project]
name = "planted"
default_entity = "customer"

[entity.customer]
source = "data/customers.parquet"
key = "customer_id"

[entity.customer.attributes]
spend = "number"
age = "integer"

[event.purchase]
source = "data/orders.parquet"
entity = "customer"
key = "customer_id"
timestamp = "ordered_at"

[event.purchase.fields]
amount = "number"
"""

CENTERS = np.array([[80.0, 25, 1], [400.0, 35, 8], [150.0, 62, 3]])


def _project(root: Path, n: int = 1200, seed: int = 0) -> np.ndarray:
    """customers (spend, age: some ages missing) and orders (a count per customer)."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 3, n)
    spend = CENTERS[truth, 0] + rng.normal(0, 20, n)
    age = np.round(CENTERS[truth, 1] + rng.normal(0, 3, n))
    orders = np.maximum(0, np.round(CENTERS[truth, 2] + rng.normal(0, 0.8, n))).astype(int)
    (root / "data").mkdir(parents=True)
    (root / "segdsl.toml").write_text(CATALOG)
    con = duckdb.connect()
    con.execute("CREATE TABLE c (customer_id BIGINT, spend DOUBLE, age BIGINT)")
    rows = [
        (i, float(spend[i]), None if i % 97 == 5 else int(age[i]))  # ~1% missing age
        for i in range(n)
    ]
    con.executemany("INSERT INTO c VALUES (?, ?, ?)", rows)
    con.execute("CREATE TABLE o (customer_id BIGINT, ordered_at TIMESTAMP, amount DOUBLE)")
    orows = [
        (i, AS_OF - dt.timedelta(days=1 + j * 7), 10.0)
        for i in range(n)
        for j in range(int(orders[i]))
    ]
    con.executemany("INSERT INTO o VALUES (?, ?, ?)", orows)
    con.execute(f"COPY c TO '{root / 'data/customers.parquet'}' (FORMAT parquet)")
    con.execute(f"COPY o TO '{root / 'data/orders.parquet'}' (FORMAT parquet)")
    con.close()
    (root / "base.seg").write_text("measure orders_total = count(purchase)\n")
    return truth


def _members(root: Path, text: str, names: list[str]) -> dict[str, set[int]]:
    catalog = (root / "segdsl.toml").read_text()
    files = {"base.seg": (root / "base.seg").read_text(), "suggested_plain.seg": text}
    project = project_from_texts(root, catalog, files)
    result = project.evaluate(names, AS_OF)
    return {n: set(result.members(n)) for n in names}


@pytest.mark.parametrize("sample", [5000, 600])
def test_rules_reproduce_the_tree_and_recover_the_clusters(tmp_path: Path, sample: int) -> None:
    root = tmp_path / "p"
    truth = _project(root)
    project = load_without(root, root / "suggested.seg")
    features = ["spend", "age", "orders_total"]
    s = suggest_clusters(project, Options(features, k=3, as_of=AS_OF, sample=sample, seed=1))
    rep = s.report
    assert rep.sampled == min(sample, 1200)
    assert rep.incomplete > 0  # the missing ages
    classes = [ClassRule(c.name, c.condition) for c in rep.classes if c.condition]
    text = segments_text("c", "customer", classes, [])
    names = [f"c_{c.name}" for c in classes]
    members = _members(root, text, names)
    # The rules are the model: every sampled entity is where the tree put it.
    for key, leaf in zip(s.keys, s.class_of, strict=True):
        assert key in members[names[leaf]]
        assert sum(key in m for m in members.values()) == 1
    # Over the whole entity the classes recover the planted clusters.
    label = np.full(len(truth), -1)
    for i, n in enumerate(names):
        for key in members[n]:
            label[key] = i
    complete = np.array([i % 97 != 5 for i in range(len(truth))])
    assert (label[complete] >= 0).all()
    assert adjusted_rand_score(truth[complete], label[complete]) >= 0.9


def test_the_segmentation_file_passes_check_lint_fmt_and_eval(tmp_path: Path) -> None:
    if not language_has_segmentations():
        pytest.skip("the language does not read segmentations yet (language.md §15)")
    root = tmp_path / "p"
    truth = _project(root)
    out = root / "suggested.seg"
    report = run_suggest(
        project=root,
        out=out,
        features="spend,age,orders_total",
        k="3",
        as_of="2026-06-30",
        text=False,
    )
    assert isinstance(report, dict)
    runner = CliRunner()
    for args in (
        ["check", "-p", str(root)],
        ["lint", "-p", str(root)],
        ["fmt", "--check", str(out)],
    ):
        r = runner.invoke(app, args)
        assert r.exit_code == 0, (args, r.output)
    # The same suggestion in-process, for the tree's own assignment of the sample.
    project = segdsl.load_project(root)
    s = suggest_clusters(
        load_without(root, out), Options(["spend", "age", "orders_total"], k=3, as_of=AS_OF)
    )
    assert s.text == out.read_text()
    names = [f"suggested.{c['name']}" for c in report["classes"]]
    result = project.evaluate(names, AS_OF)
    label = np.full(len(truth), -1)
    for i, n in enumerate(names):
        for key in result.members(n):
            assert label[key] == -1  # no overlap
            label[key] = i
    assert (label >= 0).all()  # the catch-all takes the rest
    # The rules are the model: the evaluated class of every sampled entity is its leaf.
    assert [int(label[key]) for key in s.keys] == [int(c) for c in s.class_of]
    complete = np.array([i % 97 != 5 for i in range(len(truth))])
    assert adjusted_rand_score(truth[complete], label[complete]) >= 0.9


def test_cli_json_report_and_determinism(tmp_path: Path) -> None:
    root = tmp_path / "p"
    _project(root)
    out = root / "suggested.seg"
    args = ["suggest", "-p", str(root), "--features", "spend,age,orders_total", "--k", "3"]
    args += ["--as-of", "2026-06-30", "--out", str(out), "--format", "json", "--seed", "2"]
    runner = CliRunner()
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    text = out.read_text()
    again = runner.invoke(app, args)  # the earlier suggestion is replaced, not read
    assert again.exit_code == 0, again.output
    assert out.read_text() == text and again.output == first.output
    data = json.loads(first.output)
    assert data["k"] == 3 and data["k_chosen_by"] == "given"
    assert set(data) >= {
        "classes",
        "clusters",
        "kmeans_cost",
        "tree_cost",
        "price_of_explainability",
    }
    assert sum(c["size"] for c in data["classes"]) == data["sample"]["drawn"]
    assert "segmentation suggested of customer" in text


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        (["--features", "nosuch"], "E"),
        (["--features", "spend", "--rfm"], "K001"),
        ([], "K001"),
        (["--features", "spend", "--k", "1"], "K006"),
        (["--features", "spend", "--k", "3", "--leaves", "2"], "K006"),
        (["--features", "spend", "--name", "orders_total"], "K008"),
    ],
)
def test_mistakes_are_reported_without_traceback(
    tmp_path: Path, extra: list[str], code: str
) -> None:
    root = tmp_path / "p"
    _project(root, n=50)
    args = ["suggest", "-p", str(root), "--out", str(tmp_path / "x.seg"), *extra]
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 1, r.output
    assert f"error[{code}" in r.output
    assert "Traceback" not in r.output


def test_features_on_sqlite_give_the_same_suggestion(tmp_path: Path) -> None:
    # The sample is the language's `sample` (the same keys on every engine), so the
    # features computed by SQLite give the same file as those computed by DuckDB.
    root = tmp_path / "p"
    _project(root)
    with (root / "segdsl.toml").open("a") as f:
        f.write('\n[engine.sqlite]\npath = "planted.sqlite"\n')
    runner = CliRunner()
    loaded = runner.invoke(app, ["load", "--engine", "sqlite", "-p", str(root)])
    assert loaded.exit_code == 0, loaded.output
    texts = []
    for engine in ("duckdb", "sqlite"):
        out = tmp_path / f"{engine}.seg"
        args = ["suggest", "-p", str(root), "--features", "spend,age,orders_total", "--k", "3"]
        args += ["--as-of", "2026-06-30", "--sample", "500", "--engine", engine]
        r = runner.invoke(app, [*args, "--out", str(out)])
        assert r.exit_code == 0, r.output
        texts.append(out.read_text())
    assert texts[0] == texts[1]


def test_the_retail_example_files_are_what_suggest_writes() -> None:
    """examples/retail/suggested.seg and rfm_classic.seg, committed as `segdsl suggest`
    wrote them (examples/retail/README.md): the same options give the same bytes. (The
    command itself leaves the file it replaces out of the project; so does this test.)"""
    from segdsl.project import as_of_instant
    from segdsl.tools.suggest.rfm import RfmOptions, suggest_rfm

    retail = Path(__file__).resolve().parents[2] / "examples" / "retail"
    project = load_without(retail, retail / "suggested.seg")
    as_of = as_of_instant("2026-06-30", project.catalog.timezone)
    features = ["orders_365d", "spend_365d", "views_30d", "categories_365d"]
    s = suggest_clusters(project, Options(features, k=4, as_of=as_of))
    assert s.text == (retail / "suggested.seg").read_text(encoding="utf-8")
    project = load_without(retail, retail / "rfm_classic.seg")
    r = suggest_rfm(project, RfmOptions(name="rfm_classic"))
    assert r.text == (retail / "rfm_classic.seg").read_text(encoding="utf-8")
