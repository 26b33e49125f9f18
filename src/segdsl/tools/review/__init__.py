"""Reviewing rule changes: a project read at git revisions, compared and evaluated.

- :mod:`segdsl.tools.review.gitrev` reads a project at a revision through git itself (or from
  the working tree);
- :mod:`segdsl.tools.review.ruletree` compares two conditions part by part;
- :mod:`segdsl.tools.review.diff` classifies what changed between two versions of a project and
  evaluates the membership effect;
- :mod:`segdsl.tools.review.report` prints a diff as text, markdown or JSON.
"""

from __future__ import annotations
