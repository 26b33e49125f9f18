"""AST → typed IR: names bound against the catalog, types checked, negated forms lowered
to ``Not`` over the positive form. All semantic errors are raised here.

One module per concern: ``definitions`` (the Resolver, statements and duplicates),
``conditions``, ``values``, ``names``, ``behaviour`` (windows, sequences, places,
samples, groups), ``limits`` (cycles, depth, size); ``state`` holds what it keeps,
``common`` the context and limits, ``wording`` its words and hints.
"""

from segdsl.semantic.resolver.common import MAX_DEPTH, MAX_ERRORS, MAX_PARTS, Ctx, Resolved
from segdsl.semantic.resolver.definitions import Resolver

__all__ = ["MAX_DEPTH", "MAX_ERRORS", "MAX_PARTS", "Ctx", "Resolved", "Resolver"]
