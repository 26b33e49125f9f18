"""The report of `segdsl suggest`: text for people, JSON with stable keys for programs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ClassReport:
    name: str
    condition: str
    cluster: int  # 1-based; 0 for the catch-all class
    size: int  # sampled entities in the class (by the rounded rules)
    precision: float  # share of the class that is its cluster
    recall: float  # share of its cluster that the class captures
    profile: dict[str, float]  # mean of each feature, in its units


@dataclass(frozen=True)
class ClusterReport:
    cluster: int  # 1-based
    size: int
    center: dict[str, float]  # in the features' units


@dataclass(frozen=True)
class SuggestReport:
    segmentation: str
    entity: str
    as_of: str
    features: list[str]
    k: int
    k_rule: str  # "given" or "silhouette"
    silhouettes: dict[int, float]
    leaves: int
    seed: int
    entities: int
    sampled: int
    incomplete: int
    kmeans_cost: float
    tree_cost: float
    thresholds: int
    moved: int  # sampled entities whose class the rounding of thresholds changed
    classes: list[ClassReport]
    clusters: list[ClusterReport]
    out: str
    notes: list[str] = field(default_factory=list)

    @property
    def clustered(self) -> int:
        return self.sampled - self.incomplete

    @property
    def price(self) -> float:
        return self.tree_cost / self.kmeans_cost if self.kmeans_cost > 0 else 1.0

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "clusters",
            "segmentation": self.segmentation,
            "entity": self.entity,
            "as_of": self.as_of,
            "features": self.features,
            "k": self.k,
            "k_chosen_by": self.k_rule,
            "silhouettes": {str(k): round(v, 6) for k, v in self.silhouettes.items()},
            "leaves": self.leaves,
            "seed": self.seed,
            "entities": self.entities,
            "sample": {
                "drawn": self.sampled,
                "clustered": self.clustered,
                "incomplete": self.incomplete,
            },
            "kmeans_cost": round(self.kmeans_cost, 6),
            "tree_cost": round(self.tree_cost, 6),
            "price_of_explainability": round(self.price, 6),
            "rounding": {"thresholds": self.thresholds, "moved": self.moved},
            "classes": [
                {
                    "name": c.name,
                    "condition": c.condition,
                    "cluster": c.cluster,
                    "size": c.size,
                    "share": round(c.size / self.sampled, 6) if self.sampled else 0.0,
                    "precision": round(c.precision, 6),
                    "recall": round(c.recall, 6),
                    "profile": {k: round(v, 6) for k, v in c.profile.items()},
                }
                for c in self.classes
            ],
            "clusters": [
                {
                    "cluster": c.cluster,
                    "size": c.size,
                    "center": {k: round(v, 6) for k, v in c.center.items()},
                }
                for c in self.clusters
            ],
            "out": self.out,
            "notes": self.notes,
        }


def _num(v: float) -> str:
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def render_text(r: SuggestReport) -> str:
    chosen = (
        f"k = {r.k} (best silhouette of k = "
        + ", ".join(f"{k}: {s:.3f}" for k, s in r.silhouettes.items())
        + ")"
        if r.k_rule == "silhouette"
        else f"k = {r.k}"
    )
    lines = [
        f"suggest {r.segmentation} ({r.entity}), as of {r.as_of} UTC → {r.out}",
        f"features: {', '.join(r.features)}",
        f"{chosen}; {r.leaves} classes from a threshold tree (IMM"
        + (", ExKMC refinement" if r.leaves > r.k else "")
        + f"); seed {r.seed}",
        f"sample: {r.sampled:,} of {r.entities:,} entities; {r.clustered:,} clustered, "
        f"{r.incomplete:,} left out for a missing feature",
        f"k-means cost {r.kmeans_cost:,.1f}, tree cost {r.tree_cost:,.1f}: "
        f"price of explainability {r.price:.3f}",
        f"rounded thresholds: {r.thresholds}, sampled entities moved by rounding: {r.moved:,}",
        "",
    ]
    names = [c.name for c in r.classes]
    w = max([5, *(len(n) for n in names)])
    head = f"{'class':<{w}}  {'cluster':>7}  {'size':>8}  {'share':>6}  {'precision':>9}  {'recall':>6}"
    feats = "  ".join(f"{f:>12}" for f in r.features)
    lines.append(head + "  " + feats)
    for c in r.classes:
        share = c.size / r.sampled if r.sampled else 0.0
        prof = "  ".join(f"{_num(c.profile[f]) if f in c.profile else '-':>12}" for f in r.features)
        lines.append(
            f"{c.name:<{w}}  {c.cluster or '-':>7}  {c.size:>8,}  {share:>6.1%}  "
            f"{c.precision:>9.1%}  {c.recall:>6.1%}  {prof}"
        )
    lines.append("")
    lines.append("size: sampled entities the rules put in the class; precision: the share of its")
    lines.append("clustered members that are its cluster; recall: the share of its cluster that it")
    lines.append("captures; the last columns: the class's feature means.")
    for note in r.notes:
        lines.append(f"note: {note}")
    return "\n".join(lines)
