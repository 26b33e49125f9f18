"""AST → typed IR: the IR node types, the resolver (names, types, time, limits against the
catalog), time arithmetic on as-of instants, and the rule hash over the resolved IR."""
