"""`segdsl suggest`: segments found in the data, written as rules people can edit.

- :func:`suggest_clusters`: k-means clusters explained by a threshold tree (IMM,
  ExKMC-style refinement), as a `segmentation` with readable thresholds.
- :func:`suggest_rfm`: three RFM `score` measures and the classic RFM segmentation.

See docs/suggest.md.
"""

from segdsl.tools.suggest.clusters import Options, Suggestion, suggest_clusters
from segdsl.tools.suggest.report import SuggestReport, render_text

__all__ = ["Options", "SuggestReport", "Suggestion", "render_text", "suggest_clusters"]
