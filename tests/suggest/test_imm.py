"""IMM threshold trees, ExKMC refinement, rounding and naming on planted data."""

# ruff: noqa: E402 (scikit-learn is checked for before the imports that need it)
from __future__ import annotations

from suggest_needs import require_sklearn

require_sklearn()

import datetime as dt

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from segdsl.catalog.types import Type
from segdsl.semantic import ir
from segdsl.tools.suggest import imm, kmeans, naming
from segdsl.tools.suggest.clusters import Options, build
from segdsl.tools.suggest.features import Feature, Sample
from segdsl.tools.suggest.rounding import readable

AS_OF = dt.datetime(2026, 6, 30)


def _planted(seed: int, centers: np.ndarray, spread: np.ndarray, n: int = 3000):
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, len(centers), n)
    x = centers[truth] + rng.normal(0, 1, (n, centers.shape[1])) * spread
    return x, truth


def _features(names: list[str], integer: bool = False) -> list[Feature]:
    t = Type.INTEGER if integer else Type.NUMBER
    return [Feature(n, n, ir.Attr("customer", n, n, t), integer, False) for n in names]


def _suggest(x: np.ndarray, k: int | None, leaves: int | None = None, seed: int = 0):
    names = [f"f{i}" for i in range(x.shape[1])]
    sample = Sample(list(range(len(x))), x, np.empty((0, x.shape[1])), len(x), len(x), 0)
    o = Options(features=names, k=k, leaves=leaves, seed=seed)
    return build(sample, _features(names), o, "customer", AS_OF)


AXIS = np.array([[100.0, 2, 30], [500, 10, 45], [50, 1, 60], [300, 6, 25]])
AXIS_SPREAD = np.array([20.0, 0.8, 3])


def test_axis_aligned_planted_clusters_are_recovered() -> None:
    x, truth = _planted(1, AXIS, AXIS_SPREAD)
    s = _suggest(x, 4)
    assert adjusted_rand_score(truth, s.class_of) >= 0.9
    assert s.report.k == 4 and s.report.leaves == 4
    assert s.report.moved == 0  # well separated: readable thresholds change nothing
    assert all(c.precision > 0.95 and c.recall > 0.95 for c in s.report.classes if c.condition)


def test_rotated_planted_clusters_are_recovered() -> None:
    # Clusters along a diagonal: not separable by one axis each, but by a tree.
    rng = np.random.default_rng(7)
    base = np.array([[0.0, 0.0], [6, 6], [12, 12], [18, 18]])
    rot = np.array([[np.cos(0.5), -np.sin(0.5)], [np.sin(0.5), np.cos(0.5)]])
    centers = base @ rot.T + rng.normal(0, 0.2, base.shape)
    x, truth = _planted(2, centers, np.array([0.7, 0.7]))
    s = _suggest(x, 4)
    assert adjusted_rand_score(truth, s.class_of) >= 0.9


def test_auto_k_finds_the_planted_number() -> None:
    x, _ = _planted(3, AXIS, AXIS_SPREAD)
    s = _suggest(x, None)
    assert s.report.k == 4
    assert s.report.k_rule == "silhouette" and set(s.report.silhouettes) == set(range(2, 9))


def test_overlapping_clusters_report_honestly() -> None:
    x, truth = _planted(4, AXIS, AXIS_SPREAD * 6)
    s = _suggest(x, 4)
    ari = adjusted_rand_score(truth, s.class_of)
    # Heavily overlapping: recovery is partial, and the report says how faithful the
    # rules are to k-means through precision and recall below 1.
    assert 0.0 < ari < 0.9
    assert s.report.price >= 1.0 - 1e-9
    assert min(c.precision for c in s.report.classes) < 1.0


def _kmeans_cost(z: np.ndarray, labels: np.ndarray) -> float:
    total = 0.0
    for c in np.unique(labels):
        pts = z[labels == c]
        total += float(((pts - pts.mean(axis=0)) ** 2).sum())
    return total


def test_price_of_explainability_matches_an_independent_computation() -> None:
    x, _ = _planted(5, AXIS, AXIS_SPREAD * 3)
    s = _suggest(x, 4)
    z = (x - x.mean(axis=0)) / x.std(axis=0)
    # k-means cost: squared distances to the centers; with Lloyd's converged centers
    # (the means of their clusters) it equals the partition cost of the labels.
    km = _kmeans_cost(z, s.kmeans_labels)
    assert s.report.kmeans_cost == pytest.approx(km, rel=1e-6)
    # tree cost: the partition the rules make, classes merged by their cluster, each
    # group measured around its own mean.
    cluster_of_class = np.array([c.cluster for c in s.report.classes]) - 1
    tree = _kmeans_cost(z, cluster_of_class[s.class_of])
    assert s.report.tree_cost == pytest.approx(tree, rel=1e-9)
    assert s.report.price == pytest.approx(tree / km, rel=1e-6)
    assert s.report.price >= 1.0 - 1e-9


def test_imm_gives_k_leaves_one_per_cluster_and_few_mistakes() -> None:
    x, _ = _planted(6, AXIS, AXIS_SPREAD * 2)
    std = kmeans.standardise(x)
    c = kmeans.cluster(std.z, 4, 0)
    tree = imm.imm(std.z, c.centers, c.labels)
    assert sorted(leaf.cluster for leaf in tree.leaves) == [0, 1, 2, 3]
    # Each center falls in its own leaf.
    assert list(tree.cluster_of(c.centers)) == [0, 1, 2, 3]
    agree = (tree.cluster_of(std.z) == c.labels).mean()
    assert agree > 0.95


def test_imm_split_minimises_mistakes_brute_force() -> None:
    # One split, two centers: the chosen threshold has the fewest mistakes of all.
    rng = np.random.default_rng(8)
    z = rng.normal(0, 1, (200, 2))
    centers = np.array([[-0.5, 0.3], [0.6, -0.2]])
    labels = ((z - centers[:, None, :]) ** 2).sum(axis=2).argmin(axis=0).astype(np.int64)
    tree = imm.imm(z, centers, labels)
    root = tree.root
    got = int(((z[:, root.feature] <= root.threshold) != (labels == tree.leaves[0].cluster)).sum())
    best = min(
        int(((z[:, i] <= t) != (centers[labels, i] <= t)).sum())
        for i in range(2)
        for t in np.concatenate([z[:, i], centers[:, i]])
        if centers[:, i].min() <= t < centers[:, i].max()
    )
    assert got == best


def test_refinement_adds_leaves_and_lowers_the_surrogate_cost() -> None:
    x, _ = _planted(9, AXIS, AXIS_SPREAD * 4)
    std = kmeans.standardise(x)
    c = kmeans.cluster(std.z, 4, 0)
    tree = imm.imm(std.z, c.centers, c.labels)

    def surrogate(t: imm.Tree) -> float:
        return float(((std.z - c.centers[t.cluster_of(std.z)]) ** 2).sum())

    before = surrogate(tree)
    tree = imm.refine(tree, std.z, c.centers, 8)
    assert len(tree.leaves) == 8
    assert surrogate(tree) < before


def test_leaves_option_and_fidelity() -> None:
    x, _ = _planted(10, AXIS, AXIS_SPREAD * 4)
    s4 = _suggest(x, 4)
    s8 = _suggest(x, 4, leaves=8)
    assert s8.report.leaves == 8
    fid = [(imm_labels(s) == s.kmeans_labels).mean() for s in (s4, s8)]
    assert fid[1] >= fid[0]
    assert len({c.name for c in s8.report.classes if c.condition}) == 8


def imm_labels(s) -> np.ndarray:  # type: ignore[no-untyped-def]
    cluster_of_class = np.array([c.cluster for c in s.report.classes]) - 1
    return cluster_of_class[s.class_of]


def test_deterministic_for_the_same_data_and_seed() -> None:
    x, _ = _planted(11, AXIS, AXIS_SPREAD * 3)
    a, b = _suggest(x, None, 6, seed=3), _suggest(x, None, 6, seed=3)
    assert a.text == b.text
    assert a.report.to_json() == b.report.to_json()


def test_rounding_stays_in_the_free_interval() -> None:
    rng = np.random.default_rng(12)
    for _ in range(500):
        low = float(rng.uniform(-1000, 1000))
        high = low + float(rng.choice([0.001, 0.5, 3, 70, 1e4]))
        v, ok = readable(low, low, high)
        if ok:
            assert low <= float(v) < high
    assert readable(3.0, 3.0, 7.0, integer=True)[0] % 1 == 0


def test_rounding_reports_moves_when_it_must() -> None:
    # Two clusters touching on a dense grid: readable thresholds move a few points,
    # and the report counts them (recomputed here by hand).
    x = np.column_stack([np.linspace(0, 1, 2000) ** 3 * 1234.5678, np.zeros(2000)])
    x[:, 1] = np.where(x[:, 0] > 600, 1.0, 0.0) + np.linspace(0, 0.01, 2000)
    s = _suggest(x, 2)
    std = kmeans.standardise(x)
    c = kmeans.cluster(std.z, 2, 0)
    exact = imm.imm(std.z, c.centers, c.labels).leaf_of(std.z)
    assert s.report.moved == int((exact != s.class_of).sum())


def test_class_names_from_traits() -> None:
    names = naming.class_names(
        [np.array([1.2, -0.1]), np.array([-0.8, 0.9]), np.array([0.1, 0.0]), np.array([0.2, 0.1])],
        ["spend_365d", "orders"],
    )
    assert names == ["high_spend_365d", "high_orders_low_spend_365d", "typical", "typical_2"]
