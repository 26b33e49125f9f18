"""`segdsl suggest`: segments found in the data, written as rules people can edit.

- :func:`suggest_clusters`: k-means clusters explained by a threshold tree (IMM,
  ExKMC-style refinement), as a `segmentation` with readable thresholds.
- :func:`suggest_rfm`: three RFM `score` measures and the classic RFM segmentation.

See docs/suggest.md.
"""

from segdsl.tools.suggest.rfm import RfmOptions, RfmSuggestion, suggest_rfm
from segdsl.tools.suggest.run import run_suggest

__all__ = ["RfmOptions", "RfmSuggestion", "run_suggest", "suggest_rfm"]

# k-means suggestions need numpy and scikit-learn (the `suggest` extra):
# segdsl.tools.suggest.clusters.suggest_clusters, Options, Suggestion.
