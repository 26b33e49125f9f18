"""IR → SQL: identifiers and literals, the dialect capability table, and the compiler that
builds one sqlglot tree per segment or one fused membership statement."""
