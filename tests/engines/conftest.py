"""Fixtures of the cross-engine tests (defined in engine_sessions.py)."""

from engine_sessions import edge_session, spark_base  # noqa: F401
