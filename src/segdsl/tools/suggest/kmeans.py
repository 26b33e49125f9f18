"""k-means on standardised features (scikit-learn, the `suggest` extra, imported lazily).

Each feature is standardised on the sample (minus its mean, divided by its standard
deviation; a constant feature is left at 0), so that no feature weighs more only
because of its unit. ``--k auto`` tries k = 2…8 and keeps the k with the highest
silhouette coefficient, measured on a seeded subsample of at most 3,000 points (the
silhouette costs n² distances; they are computed once for all k); a tie goes to the
smaller k. scikit-learn runs on one thread: on a shared machine its thread pools
spend more time waiting for each other than computing (7× slower on two busy cores).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from segdsl.diagnostics import Diagnostic, SegdslError
from segdsl.tools.suggest.common import missing_extra

AUTO_KS = range(2, 9)
SILHOUETTE_SAMPLE = 3_000
N_INIT = 4


@dataclass(frozen=True)
class Standardised:
    z: NDArray[np.float64]
    mean: NDArray[np.float64]
    scale: NDArray[np.float64]

    def to_units(self, feature: int, value: float) -> float:
        return float(value * self.scale[feature] + self.mean[feature])


@dataclass(frozen=True)
class Clustering:
    k: int
    centers: NDArray[np.float64]  # standardised
    labels: NDArray[np.int64]
    cost: float  # sum of squared distances to the own center (standardised)
    silhouettes: dict[int, float]  # k → silhouette, when k was chosen automatically


def sklearn_modules() -> Any:
    """scikit-learn (K004 when it is not installed)."""
    try:
        import sklearn.cluster
        import sklearn.metrics
    except ImportError:
        raise missing_extra() from None
    return sklearn


def standardise(x: NDArray[np.float64]) -> Standardised:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    return Standardised((x - mean) / scale, mean, scale)


def _fit(z: NDArray[np.float64], k: int, seed: int) -> tuple[Any, NDArray[np.int64]]:
    sk = sklearn_modules()
    model = sk.cluster.KMeans(n_clusters=k, n_init=N_INIT, random_state=seed)
    labels = model.fit_predict(z).astype(np.int64)
    return model, labels


def cluster(z: NDArray[np.float64], k: int | None, seed: int) -> Clustering:
    """k-means with ``k`` clusters, or the k of the best silhouette when ``k`` is None."""
    sklearn_modules()
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return _cluster(z, k, seed)


def _cluster(z: NDArray[np.float64], k: int | None, seed: int) -> Clustering:
    distinct = len(np.unique(z, axis=0))
    silhouettes: dict[int, float] = {}
    if k is None:
        sk = sklearn_modules()
        rng = np.random.default_rng(seed)
        pick = np.sort(rng.permutation(len(z))[:SILHOUETTE_SAMPLE])
        zs = z[pick]
        dist = sk.metrics.pairwise_distances(zs)
        for cand in AUTO_KS:
            if cand > min(distinct, len(zs) - 1):
                break
            _, labels = _fit(zs, cand, seed)
            if len(np.unique(labels)) < 2:
                continue
            score = sk.metrics.silhouette_score(dist, labels, metric="precomputed")
            silhouettes[cand] = float(score)
        if not silhouettes:
            raise too_few(distinct, 2)
        k = max(silhouettes, key=lambda c: (round(silhouettes[c], 9), -c))
    if k > distinct:
        raise too_few(distinct, k)
    model, labels = _fit(z, k, seed)
    centers = np.asarray(model.cluster_centers_, dtype=np.float64)
    # Number the clusters by size (largest first), then by center, for stable output.
    sizes = np.bincount(labels, minlength=k)
    order = sorted(range(k), key=lambda c: (-int(sizes[c]), tuple(centers[c])))
    rank = np.empty(k, dtype=np.int64)
    rank[order] = np.arange(k)
    labels = rank[labels]
    centers = centers[order]
    cost = float(((z - centers[labels]) ** 2).sum())
    return Clustering(k, centers, labels, cost, silhouettes)


def too_few(distinct: int, k: int) -> SegdslError:
    return SegdslError(
        Diagnostic(
            "K005",
            f"the sample has {distinct} distinct points: too few for {k} clusters",
            hint="ask for fewer clusters (--k), add features, or sample more entities (--sample)",
        )
    )
