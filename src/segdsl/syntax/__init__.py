"""Text → AST: the Lark grammar, the frozen AST with source spans, the parser, the wording of
syntax errors, and the formatter (AST → canonical text)."""
