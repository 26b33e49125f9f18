"""SQL → members: running compiled statements on an engine session and exporting members."""
