"""The static list of dialect names (kept so that loading a catalog does not import
sqlglot) must stay equal to what sqlglot knows."""

from sqlglot.dialects.dialect import Dialect, Dialects

from segdsl.catalog.dialect_names import KNOWN_DIALECTS


def test_every_sqlglot_dialect_is_known() -> None:
    assert {d.value for d in Dialects if d.value} <= set(KNOWN_DIALECTS)


def test_every_known_dialect_exists_in_sqlglot() -> None:
    for name in KNOWN_DIALECTS:
        assert Dialect.get_or_raise(name) is not None
