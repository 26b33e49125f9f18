"""Threshold trees that explain a k-means clustering.

IMM — Iterative Mistake Minimization (Dasgupta, Frost, Moshkovitz, Rashtchian,
"Explainable k-Means and k-Medians Clustering", ICML 2020): the tree is grown top down;
at a node holding the centers C (two or more) and the points whose own center is in C,
the split ``x[i] <= t`` is the one, among those that send at least one center each way,
that separates the fewest points from their own center (the *mistakes*). The mistaken
points are dropped from the node's children; a node with one center is a leaf labelled
by it. The result has exactly k leaves.

ExKMC-style refinement (Frost, Moshkovitz, Rashtchian, "ExKMC: Expanding Explainable
k-Means Clustering", 2020): beyond k leaves, the leaf split that lowers the surrogate
cost the most is taken, again and again, until the tree has ``leaves`` leaves. The
surrogate cost labels each leaf with the one k-means center that is nearest, in sum of
squares, to all of the leaf's points.

Every split also records the interval of thresholds that partition the node's sample
points (all of them, mistakes included) and centers the same way: ``free_low <= t <
free_high``. Rounding picks a readable number from that interval when there is one.

Pure numpy; deterministic (ties go to the lowest feature index, then the lowest
threshold).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass
class Node:
    """A node of a threshold tree: a split (``feature``, ``threshold``: the left child
    takes ``x[feature] <= threshold``) or a leaf labelled by a k-means ``cluster``."""

    feature: int = -1
    threshold: float = 0.0
    free_low: float = 0.0  # thresholds in [free_low, free_high) split the sample alike
    free_high: float = 0.0
    left: Node | None = None
    right: Node | None = None
    cluster: int = -1
    leaf_id: int = -1  # leaves numbered left to right, from 0

    @property
    def is_leaf(self) -> bool:
        return self.left is None


@dataclass
class Tree:
    root: Node
    k: int
    leaves: list[Node] = field(default_factory=list)

    def number_leaves(self) -> None:
        self.leaves = []

        def visit(n: Node) -> None:
            if n.is_leaf:
                n.leaf_id = len(self.leaves)
                self.leaves.append(n)
            else:
                assert n.left is not None and n.right is not None
                visit(n.left)
                visit(n.right)

        visit(self.root)

    def leaf_of(self, x: Array) -> IntArray:
        """The leaf number of each row of ``x``; -1 for a row that misses (NaN) a
        feature tested on its way, as in the rules: a comparison on a missing value is
        false on both sides of a split."""
        out = np.full(len(x), -1, dtype=np.int64)

        def visit(n: Node, idx: IntArray) -> None:
            if n.is_leaf:
                out[idx] = n.leaf_id
                return
            assert n.left is not None and n.right is not None
            v = x[idx, n.feature]
            visit(n.left, idx[v <= n.threshold])
            visit(n.right, idx[v > n.threshold])

        visit(self.root, np.arange(len(x), dtype=np.int64))
        return out

    def cluster_of(self, x: Array) -> IntArray:
        """The k-means cluster that the tree gives each row of ``x`` (its leaf's label)."""
        labels = np.array([leaf.cluster for leaf in self.leaves], dtype=np.int64)
        return labels[self.leaf_of(x)]

    def paths(self) -> list[list[tuple[int, bool, float]]]:
        """For each leaf, in order: its path as (feature, went_left, threshold)."""
        out: list[list[tuple[int, bool, float]]] = []

        def visit(n: Node, path: list[tuple[int, bool, float]]) -> None:
            if n.is_leaf:
                out.append(path)
                return
            assert n.left is not None and n.right is not None
            visit(n.left, [*path, (n.feature, True, n.threshold)])
            visit(n.right, [*path, (n.feature, False, n.threshold)])

        visit(self.root, [])
        return out

    def splits(self) -> list[Node]:
        out: list[Node] = []

        def visit(n: Node) -> None:
            if not n.is_leaf:
                assert n.left is not None and n.right is not None
                out.append(n)
                visit(n.left)
                visit(n.right)

        visit(self.root)
        return out


def _free_interval(values: Array, threshold: float) -> tuple[float, float]:
    """[largest value <= threshold, smallest value > threshold) among ``values``."""
    below = values[values <= threshold]
    above = values[values > threshold]
    low = float(below.max()) if len(below) else threshold
    high = float(above.min()) if len(above) else np.inf
    return low, high


def _best_mistake_split(
    x: Array, centers: Array, own: Array, active_centers: list[int]
) -> tuple[int, float, int]:
    """(feature, threshold, mistakes) of the split with the fewest mistakes.

    ``x`` are the node's active points and ``own`` the coordinates of each point's own
    center. A point is a mistake for threshold t when t lies in [min(x_i, own_i),
    max(x_i, own_i)): counted for every candidate t with two sorted searches."""
    best: tuple[int, float, int] | None = None
    cs = centers[active_centers]
    for i in range(x.shape[1]):
        c_lo, c_hi = float(cs[:, i].min()), float(cs[:, i].max())
        if c_lo == c_hi:
            continue  # no threshold sends centers both ways
        a, b = x[:, i], own[:, i]
        lo = np.sort(np.minimum(a, b))
        hi = np.sort(np.maximum(a, b))
        cand = np.unique(np.concatenate([a, cs[:, i]]))
        cand = cand[(cand >= c_lo) & (cand < c_hi)]
        mistakes = np.searchsorted(lo, cand, side="right") - np.searchsorted(hi, cand, side="right")
        j = int(np.argmin(mistakes))  # first minimum: the lowest threshold
        m = int(mistakes[j])
        if best is None or m < best[2]:
            best = (i, float(cand[j]), m)
    if best is None:
        raise ValueError("the centers are identical: no split separates them")
    return best


def imm(x: Array, centers: Array, labels: IntArray) -> Tree:
    """The IMM threshold tree of the clustering ``labels`` (with ``centers``) of ``x``."""
    k = len(centers)
    root = Node()
    # (node, indices of all sample points reaching it, indices of active points, centers)
    stack: list[tuple[Node, IntArray, IntArray, list[int]]] = [
        (root, np.arange(len(x), dtype=np.int64), np.arange(len(x), dtype=np.int64), list(range(k)))
    ]
    while stack:
        node, all_idx, act, cids = stack.pop()
        if len(cids) == 1:
            node.cluster = cids[0]
            continue
        xa = x[act]
        own = centers[labels[act]]
        feature, threshold, _ = _best_mistake_split(xa, centers, own, cids)
        values = np.concatenate([x[all_idx, feature], centers[cids, feature]])
        node.feature, node.threshold = feature, threshold
        node.free_low, node.free_high = _free_interval(values, threshold)
        left_c = [c for c in cids if centers[c, feature] <= threshold]
        right_c = [c for c in cids if centers[c, feature] > threshold]
        a_left = xa[:, feature] <= threshold
        o_left = own[:, feature] <= threshold
        keep = a_left == o_left  # the mistakes are dropped
        go = x[all_idx, feature] <= threshold
        node.left, node.right = Node(), Node()
        stack.append((node.right, all_idx[~go], act[keep & ~a_left], right_c))
        stack.append((node.left, all_idx[go], act[keep & a_left], left_c))
    tree = Tree(root, k)
    tree.number_leaves()
    return tree


def _leaf_cost(dist: Array) -> tuple[float, int]:
    """Cost and label of a leaf: the center nearest to all its points in sum of squares."""
    if len(dist) == 0:
        return 0.0, -1
    sums = dist.sum(axis=0)
    j = int(np.argmin(sums))
    return float(sums[j]), j


def _best_cost_split(x: Array, dist: Array) -> tuple[float, int, float] | None:
    """(cost after, feature, threshold) of the split of a leaf's points ``x`` that
    lowers the surrogate cost most; ``dist[p, j]`` is the squared distance of point p
    to center j. None when no split is possible (all points equal)."""
    best: tuple[float, int, float] | None = None
    total = dist.sum(axis=0)
    for i in range(x.shape[1]):
        order = np.argsort(x[:, i], kind="stable")
        xs = x[order, i]
        cut = np.nonzero(xs[:-1] < xs[1:])[0]  # split after position cut (value changes)
        if len(cut) == 0:
            continue
        prefix = np.cumsum(dist[order], axis=0)[cut]
        cost = prefix.min(axis=1) + (total - prefix).min(axis=1)
        j = int(np.argmin(cost))
        c = float(cost[j])
        if best is None or c < best[0] - 1e-12:
            best = (c, i, float(xs[cut[j]]))
    return best


def refine(tree: Tree, x: Array, centers: Array, leaves: int) -> Tree:
    """Split leaves greedily (ExKMC's surrogate cost) until the tree has ``leaves``
    leaves or no split lowers the cost."""
    dist = ((x[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2)
    while len(tree.leaves) < leaves:
        leaf_idx = tree.leaf_of(x)
        best: tuple[float, int, int, float] | None = None  # (gain, leaf, feature, threshold)
        for leaf in tree.leaves:
            idx = np.nonzero(leaf_idx == leaf.leaf_id)[0]
            if len(idx) < 2:
                continue
            now, _ = _leaf_cost(dist[idx])
            found = _best_cost_split(x[idx], dist[idx])
            if found is None:
                continue
            gain = now - found[0]
            if gain > 1e-9 and (best is None or gain > best[0] + 1e-12):
                best = (gain, leaf.leaf_id, found[1], found[2])
        if best is None:
            break
        _, lid, feature, threshold = best
        leaf = tree.leaves[lid]
        idx = np.nonzero(leaf_idx == lid)[0]
        go = x[idx, feature] <= threshold
        _, left_label = _leaf_cost(dist[idx[go]])
        _, right_label = _leaf_cost(dist[idx[~go]])
        leaf.feature, leaf.threshold = feature, threshold
        leaf.free_low, leaf.free_high = _free_interval(x[idx, feature], threshold)
        leaf.left, leaf.right = Node(cluster=left_label), Node(cluster=right_label)
        leaf.cluster = -1
        tree.number_leaves()
    return tree


def partition_cost(x: Array, groups: IntArray) -> float:
    """The k-means cost of a partition: squared distances to each group's own mean."""
    cost = 0.0
    for g in np.unique(groups):
        pts = x[groups == g]
        cost += float(((pts - pts.mean(axis=0)) ** 2).sum())
    return cost
