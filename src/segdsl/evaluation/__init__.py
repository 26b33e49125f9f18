"""SQL → members: evaluating segments on an engine session in fused statements (sizes only,
or sizes and sorted member keys), and exporting members to CSV, Parquet or JSON lines
with the key's type kept (``evaluate``)."""
