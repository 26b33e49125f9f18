"""`segdsl suggest --features …`: k-means clusters explained by a threshold tree,
written as a `segmentation` (see docs/suggest.md)."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from numpy.typing import NDArray

from segdsl.diagnostics import Diagnostic, SegdslError
from segdsl.project import Project
from segdsl.tools.suggest import imm, kmeans, naming, writer
from segdsl.tools.suggest.common import entity_name
from segdsl.tools.suggest.features import Feature, Sample, draw_sample, resolve_features
from segdsl.tools.suggest.report import ClassReport, ClusterReport, SuggestReport
from segdsl.tools.suggest.rounding import readable

CATCH_ALL = "missing_values"


@dataclass(frozen=True)
class Options:
    features: list[str]
    k: int | None = None  # None: chosen by silhouette
    leaves: int | None = None  # None: k
    entity: str | None = None
    as_of: dt.datetime | None = None
    seed: int = 0
    sample: int = 100_000
    name: str = "suggested"
    engine: str | None = None
    out: str = "suggested.seg"


@dataclass(frozen=True)
class Suggestion:
    text: str  # the .seg file
    report: SuggestReport
    # For tests: the sample and what the rules give each sampled entity.
    keys: list[object]
    kmeans_labels: NDArray[np.int64]  # 0-based clusters of the clustered sample
    class_of: NDArray[np.int64]  # 0-based class (leaf) of each clustered sampled entity


def _check_options(o: Options) -> None:
    def bad(message: str, hint: str) -> SegdslError:
        return SegdslError(Diagnostic("K006", message, hint=hint))

    if o.k is not None and not 2 <= o.k <= 50:
        raise bad(f"--k {o.k} is out of range", "give 2 to 50 clusters, or --k auto")
    if o.leaves is not None and o.leaves < (o.k or 2):
        raise bad(
            f"--leaves {o.leaves} is fewer than the clusters",
            "a tree needs at least k leaves: give --leaves ≥ --k",
        )
    if o.leaves is not None and o.leaves > 100:
        raise bad(f"--leaves {o.leaves} is too many to read", "give at most 100 leaves")
    if not 100 <= o.sample <= 5_000_000:
        raise bad(f"--sample {o.sample} is out of range", "sample 100 to 5,000,000 entities")


def suggest_clusters(project: Project, o: Options) -> Suggestion:
    from segdsl.semantic.timecalc import now_utc

    _check_options(o)
    kmeans.sklearn_modules()  # before any work: K004 when it is missing
    entity = entity_name(project, o.entity)
    if o.name in project.segments or o.name in project.measures or o.name in project.segmentations:
        raise SegdslError(
            Diagnostic(
                "K008",
                f"the project already has a segment, measure or segmentation named `{o.name}`",
                hint="choose another name for the segmentation with --name",
            )
        )
    features = resolve_features(project, o.features, entity)
    as_of = o.as_of or now_utc()
    sample = draw_sample(project, features, entity, as_of, o.sample, o.seed, o.engine)
    if len(sample.x) < max(2 * (o.k or 2), 10):
        raise SegdslError(
            Diagnostic(
                "K009",
                f"only {len(sample.x)} sampled entities have every feature set: too few to cluster",
                hint="choose features that are set for most entities, or a larger --sample",
            )
        )
    return build(sample, features, o, entity, as_of)


def _rounded_tree(
    tree: imm.Tree, std: kmeans.Standardised, features: list[Feature]
) -> tuple[imm.Tree, dict[int, Decimal]]:
    """A copy of ``tree`` in the features' units with readable thresholds."""
    units = copy.deepcopy(tree)
    chosen: dict[int, Decimal] = {}
    for i, node in enumerate(units.splits()):
        f = node.feature
        low = std.to_units(f, node.free_low)
        high = std.to_units(f, node.free_high) if np.isfinite(node.free_high) else np.inf
        t = std.to_units(f, node.threshold)
        value, _ = readable(t, low, high, integer=features[f].integer)
        node.threshold = float(value)
        chosen[i] = value
    return units, chosen


def build(
    sample: Sample, features: list[Feature], o: Options, entity: str, as_of: dt.datetime
) -> Suggestion:
    """Cluster the sample, explain it with a tree, write the rules and the report."""
    names = [f.name for f in features]
    std = kmeans.standardise(sample.x)
    clustering = kmeans.cluster(std.z, o.k, o.seed)
    k = clustering.k
    try:
        tree = imm.imm(std.z, clustering.centers, clustering.labels)
    except ValueError:  # two centers that no threshold separates
        raise kmeans.too_few(len(np.unique(std.z, axis=0)), k) from None
    if o.leaves is not None and o.leaves > k:
        tree = imm.refine(tree, std.z, clustering.centers, o.leaves)
    units, chosen = _rounded_tree(tree, std, features)
    before = tree.leaf_of(std.z)
    leaf = units.leaf_of(sample.x)  # what the written rules do on the sample
    moved = int((before != leaf).sum())
    leaf_cluster = np.array([lf.cluster for lf in units.leaves], dtype=np.int64)
    tree_cost = imm.partition_cost(std.z, leaf_cluster[leaf])

    splits = {id(n): chosen[i] for i, n in enumerate(units.splits())}
    paths: list[list[tuple[int, bool, Decimal]]] = []

    def visit(n: imm.Node, path: list[tuple[int, bool, Decimal]]) -> None:
        if n.is_leaf:
            paths.append(path)
            return
        assert n.left is not None and n.right is not None
        t = splits[id(n)]
        visit(n.left, [*path, (n.feature, True, t)])
        visit(n.right, [*path, (n.feature, False, t)])

    visit(units.root, [])
    profiles_z = [
        std.z[leaf == i].mean(axis=0) if (leaf == i).any() else clustering.centers[lf.cluster]
        for i, lf in enumerate(units.leaves)
    ]
    class_names = naming.class_names(profiles_z, names)
    labels = clustering.labels
    partial_leaf = units.leaf_of(sample.partial)  # -1: no class takes it
    classes: list[ClassReport] = []
    rules: list[writer.ClassRule] = []
    drawn = sample.sampled
    for i, lf in enumerate(units.leaves):
        members = leaf == i
        clustered_size = int(members.sum())
        size = clustered_size + int((partial_leaf == i).sum())
        hit = int((members & (labels == lf.cluster)).sum())
        cluster_size = int((labels == lf.cluster).sum())
        cond = writer.condition(paths[i], names)
        profile = {
            n: float(sample.x[members, j].mean()) if clustered_size else float("nan")
            for j, n in enumerate(names)
        }
        report = ClassReport(
            class_names[i],
            cond,
            lf.cluster + 1,
            size,
            hit / clustered_size if clustered_size else 0.0,
            hit / cluster_size if cluster_size else 0.0,
            profile,
        )
        classes.append(report)
        rules.append(
            writer.ClassRule(
                class_names[i],
                cond,
                f"{size:,} of {drawn:,} sampled ({size / drawn:.1%}); cluster {lf.cluster + 1}, "
                f"precision {report.precision:.1%}, recall {report.recall:.1%}",
            )
        )
    notes: list[str] = []
    if o.leaves is not None and len(units.leaves) < o.leaves:
        notes.append(
            f"{len(units.leaves)} leaves, not {o.leaves}: no further split lowers the cost"
        )
    if moved:
        notes.append(
            f"rounding the thresholds to at most 3 significant digits moved {moved:,} sampled "
            "entities to another class"
        )
    if sample.incomplete or any(f.nullable for f in features):
        # A feature that can be missing: a catch-all class, so that the classes add up
        # to the whole entity also where the sample had no such entity.
        rest = int((partial_leaf < 0).sum())
        rules.append(
            writer.ClassRule(
                CATCH_ALL,
                "",
                f"{rest:,} of {drawn:,} sampled ({rest / drawn:.1%}): everyone not in a class "
                "above, i.e. entities missing a feature their class tests",
            )
        )
        classes.append(ClassReport(CATCH_ALL, "", 0, rest, 0.0, 0.0, {}))
    if sample.incomplete:
        notes.append(
            f"{sample.incomplete:,} sampled entities miss a feature: they were left out of "
            f"the clustering, and the rules put {rest:,} of them in the last class, "
            f"`{CATCH_ALL}`"
        )
    clusters = [
        ClusterReport(
            c + 1,
            int((labels == c).sum()),
            {n: std.to_units(j, float(clustering.centers[c, j])) for j, n in enumerate(names)},
        )
        for c in range(k)
    ]
    measures = [writer.Measure(f.name, f.text) for f in features if f.new_measure]
    as_of_text = as_of.replace(microsecond=0).isoformat()
    price = tree_cost / clustering.cost if clustering.cost > 0 else 1.0
    k_rule = "silhouette" if o.k is None else "given"
    header = [
        "Suggested by `segdsl suggest`: k-means clusters explained by a threshold tree",
        f"(IMM, Dasgupta et al., ICML 2020), as of {as_of_text} UTC, seed {o.seed}.",
        f"Sample: {drawn:,} of {sample.entities:,} entities, {len(sample.x):,} with every "
        "feature set.",
        "An ordinary rule file: edit, rename and reorder the classes as you like.",
    ]
    text = writer.segmentation_text(
        o.name,
        entity,
        "Suggested segments",
        f"k-means with k = {k} on {', '.join(names)}, explained by a threshold tree of "
        f"{len(units.leaves)} leaves; price of explainability {price:.2f}",
        rules,
        measures,
        header,
    )
    summary = SuggestReport(
        o.name,
        entity,
        as_of_text,
        names,
        k,
        k_rule,
        clustering.silhouettes,
        len(units.leaves),
        o.seed,
        sample.entities,
        sample.sampled,
        sample.incomplete,
        clustering.cost,
        tree_cost,
        len(chosen),
        moved,
        classes,
        clusters,
        o.out,
        notes,
    )
    return Suggestion(text, summary, sample.keys, labels, leaf)
