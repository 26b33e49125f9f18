"""The catalog (segdsl.toml): what it declares, its defaults, and its error messages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import segdsl
from segdsl import SegdslError
from segdsl.catalog.model import SourceTable, parse_catalog
from segdsl.catalog.types import TYPE_NAMES, Type

CORPUS = Path(__file__).resolve().parent / "corpus"
AS_OF = dt.datetime(2026, 6, 30)

MINIMAL = """\
[entity.customer]
source = "customers"
key = "customer_id"
"""

FULL = """\
[project]
name = "retail"
default_entity = "customer"
dialect = "postgres"
database = "data/retail.duckdb"

[entity.customer]
source = "customers"
key = "customer_id"

[entity.customer.attributes]
age = "integer"
income = "number"
country = "string"
signup_date = "date"
interests = "list<string>"
numbers = "list<integer>"
is_subscribed = "boolean"
last_seen = "timestamp"
full_name = { type = "string", column = "name" }
Shouting = "STRING"
spaced = "list< string >"

[entity.account]
source = "crm.public.accounts"
key = "account_id"

[event.purchase]
source = "orders"
entity = "customer"
key = "customer_id"
timestamp = "ordered_at"

[event.purchase.fields]
amount = "number"
status = { type = "string", column = "order_status" }

[event.page_view]
source = "events"
entity = "customer"
key = "user_id"
timestamp = "ts"
kind = { column = "event_name", value = "page_view" }

[event.visit]
source = "data/visits.parquet"
entity = "customer"
key = "customer_id"
timestamp = { column = "visit_date", type = "date" }

[event.call]
source = "data/calls log.csv"
entity = "account"
key = "account_id"
timestamp = { column = "called_at" }
"""


def errors(text: str) -> list[segdsl.Diagnostic]:
    with pytest.raises(SegdslError) as info:
        parse_catalog(text, "segdsl.toml")
    return info.value.diagnostics


# ---- what the catalog declares ------------------------------------------------------------


def test_defaults() -> None:
    cat = parse_catalog(MINIMAL)
    assert cat.project_name == "segments"
    assert cat.dialect == "duckdb"
    assert cat.database is None
    assert cat.default_entity == "customer"
    assert cat.events == {}
    ent = cat.entities["customer"]
    assert ent.attributes == {}
    assert ent.key == "customer_id"
    assert ent.source == SourceTable("customers")


def test_default_entity_is_the_first_entity() -> None:
    text = MINIMAL.replace("customer", "account") + "\n" + MINIMAL
    assert parse_catalog(text).default_entity == "account"


def test_project_settings() -> None:
    cat = parse_catalog(FULL)
    assert (cat.project_name, cat.default_entity, cat.dialect, cat.database) == (
        "retail",
        "customer",
        "postgres",
        "data/retail.duckdb",
    )


def test_attribute_types() -> None:
    attrs = parse_catalog(FULL).entities["customer"].attributes
    assert {n: c.type for n, c in attrs.items()} == {
        "age": Type.INTEGER,
        "income": Type.NUMBER,
        "country": Type.STRING,
        "signup_date": Type.DATE,
        "interests": Type.LIST_STRING,
        "numbers": Type.LIST_INTEGER,
        "is_subscribed": Type.BOOLEAN,
        "last_seen": Type.TIMESTAMP,
        "full_name": Type.STRING,
        "Shouting": Type.STRING,  # type names ignore case
        "spaced": Type.LIST_STRING,  # and spaces
    }


def test_every_contract_type_is_known() -> None:
    contract = ["integer", "number", "string", "boolean", "date", "timestamp"]
    assert [*contract, "list<string>", "list<integer>"] == TYPE_NAMES


def test_mapped_columns() -> None:
    cat = parse_catalog(FULL)
    full_name = cat.entities["customer"].attributes["full_name"]
    assert (full_name.name, full_name.column) == ("full_name", "name")
    age = cat.entities["customer"].attributes["age"]
    assert (age.name, age.column) == ("age", "age")
    status = cat.events["purchase"].fields["status"]
    assert (status.name, status.column, status.type) == ("status", "order_status", Type.STRING)


def test_event_timestamps() -> None:
    events = parse_catalog(FULL).events
    assert (events["purchase"].timestamp, events["purchase"].timestamp_type) == (
        "ordered_at",
        Type.TIMESTAMP,
    )
    assert (events["visit"].timestamp, events["visit"].timestamp_type) == (
        "visit_date",
        Type.DATE,
    )
    # A table form without a type is a timestamp.
    assert events["call"].timestamp_type is Type.TIMESTAMP


def test_kind_filter() -> None:
    events = parse_catalog(FULL).events
    assert events["page_view"].kind == ("event_name", "page_view")
    assert events["purchase"].kind is None
    assert events["page_view"].key == "user_id"
    assert events["page_view"].entity == "customer"


def test_sources() -> None:
    cat = parse_catalog(FULL)
    assert cat.entities["account"].source.parts == ("crm", "public", "accounts")
    visit = cat.events["visit"].source
    assert (visit.table, visit.path) == ("visits", "data/visits.parquet")
    call = cat.events["call"].source
    assert (call.table, call.path) == ("calls_log", "data/calls log.csv")


def test_other_sections_are_accepted() -> None:
    text = MINIMAL + "\n[lint]\nhygiene = true\n"
    assert parse_catalog(text).lint == {"hygiene": True}


def test_other_sections_are_checked_at_load() -> None:
    # Issue 13: an unknown key in a command's own table is refused when the catalog loads.
    with pytest.raises(SegdslError) as info:
        parse_catalog(MINIMAL + "\n[lint]\nmax_depth = 3\n")
    assert info.value.diagnostics[0].code == "L001"


# ---- what the catalog means in SQL ----------------------------------------------------------


@pytest.fixture(scope="module")
def corpus() -> segdsl.Project:
    return segdsl.load_project(CORPUS)


def test_mapped_column_in_sql(corpus: segdsl.Project) -> None:
    sql = corpus.compile(corpus.rule('full_name = "Ann"'), "duckdb", AS_OF)
    assert "e.name AS full_name" in sql
    assert "full_name = 'Ann'" in sql


def test_kind_filter_in_sql(corpus: segdsl.Project) -> None:
    sql = corpus.compile(corpus.rule("count(page_view) > 1"), "duckdb", AS_OF)
    assert "event_name = 'page_view'" in sql
    assert "FROM events" in sql
    assert "add_to_cart" not in sql


def test_two_kinds_of_one_source_in_sql(corpus: segdsl.Project) -> None:
    sql = corpus.compile(corpus.rule("count(page_view) + count(add_to_cart) >= 2"), "duckdb", AS_OF)
    # One pass over the shared table, each aggregate filtered to its own kind.
    assert sql.count("FROM events") == 1
    assert sql.count("event_name = 'page_view'") >= 2
    assert sql.count("event_name = 'add_to_cart'") >= 2


def test_date_timestamp_in_sql(corpus: segdsl.Project) -> None:
    sql = corpus.compile(corpus.rule("count(store_visit in last 7 days) >= 1"), "duckdb", AS_OF)
    assert "visit_date > CAST('2026-06-23' AS DATE)" in sql
    assert "visit_date <= CAST('2026-06-30' AS DATE)" in sql
    assert "TIMESTAMP" not in sql


def test_event_key_in_sql(corpus: segdsl.Project) -> None:
    sql = corpus.compile(corpus.rule("did page_view"), "duckdb", AS_OF)
    assert "e.customer_id = agg_events.user_id" in sql


def test_file_source_in_sql(tmp_path: Path) -> None:
    (tmp_path / "segdsl.toml").write_text(FULL, encoding="utf-8")
    project = segdsl.load_project(tmp_path)
    sql = project.compile(project.rule("did visit"), "duckdb", AS_OF)
    assert "FROM visits" in sql


# ---- errors -----------------------------------------------------------------------------------


def test_unknown_type() -> None:
    (d,) = errors(MINIMAL + '\n[entity.customer.attributes]\nage = "int"\n')
    assert d.code == "C002"
    assert "did you mean `integer`?" in d.hint
    assert d.span is not None and (d.span.line, d.span.column) == (6, 1)
    assert d.label == "at `entity.customer.attributes.age`"


def test_unknown_field_type() -> None:
    text = FULL.replace('amount = "number"', 'amount = "float"')
    (d,) = errors(text)
    assert d.code == "C002"
    assert "event.purchase.fields.amount" in d.label


@pytest.mark.parametrize("key", ["source", "key"])
def test_entity_missing_required_key(key: str) -> None:
    text = "\n".join(line for line in MINIMAL.splitlines() if not line.startswith(key))
    (d,) = errors(text)
    assert d.code == "C001"
    assert d.message == f"`entity.customer.{key}` is missing"
    assert f"{key} =" in d.hint
    assert d.span is not None and d.span.line == 1


@pytest.mark.parametrize("key", ["source", "entity", "key", "timestamp"])
def test_event_missing_required_key(key: str) -> None:
    block = FULL[FULL.index("[event.purchase]") : FULL.index("[event.purchase.fields]")]
    lines = [ln for ln in block.splitlines() if not ln.startswith(f"{key} ")]
    text = MINIMAL + "\n" + "\n".join(lines) + "\n"
    diags = errors(text)
    assert [d.message for d in diags] == [f"`event.purchase.{key}` is missing"]
    assert f"{key} =" in diags[0].hint


def test_no_entity() -> None:
    (d,) = errors('[project]\nname = "x"\n')
    assert d.code == "C001"
    assert "entity" in d.message


def test_unknown_key() -> None:
    (d,) = errors(MINIMAL + 'sorce = "x"\n')
    assert d.message == "unknown key `sorce` in `[entity.customer]`"
    assert d.span is not None and d.span.line == 4


def test_event_of_unknown_entity() -> None:
    text = MINIMAL + (
        '\n[event.purchase]\nsource = "o"\nentity = "custmer"\nkey = "k"\ntimestamp = "t"\n'
    )
    (d,) = errors(text)
    assert d.code == "C003"
    assert "did you mean `customer`?" in d.hint
    assert d.span is not None and d.span.line == 7


def test_unknown_default_entity() -> None:
    (d,) = errors('[project]\ndefault_entity = "client"\n\n' + MINIMAL)
    assert d.code == "C003"
    assert "client" in d.message


def test_unknown_dialect() -> None:
    (d,) = errors('[project]\ndialect = "postgress"\n\n' + MINIMAL)
    assert d.code == "C004"
    assert "postgres" in d.hint


def test_timestamp_type_must_be_date_or_timestamp() -> None:
    text = FULL.replace('type = "date" }', 'type = "integer" }')
    diags = errors(text)
    assert any("event.visit.timestamp" in d.message for d in diags)


def test_kind_needs_column_and_value() -> None:
    text = FULL.replace(
        'kind = { column = "event_name", value = "page_view" }', 'kind = { column = "event_name" }'
    )
    diags = errors(text)
    assert [d.message for d in diags] == ["`event.page_view.kind.value` is missing"]


def test_invalid_names() -> None:
    text = MINIMAL + '\n[entity.customer.attributes]\n"first name" = "string"\n'
    (d,) = errors(text)
    assert "`first name` is not a valid name" in d.message
    assert "column" in d.hint


def test_keyword_entity_name() -> None:
    (d,) = errors(MINIMAL.replace("customer]", "count]"))
    assert "`count` cannot be an entity name" in d.message


def test_reserved_timestamp_field() -> None:
    text = FULL.replace('amount = "number"', 'amount = "number"\ntimestamp = "timestamp"')
    (d,) = errors(text)
    assert "reserved" in d.message


def test_all_errors_at_once() -> None:
    text = MINIMAL + (
        '\n[entity.customer.attributes]\nage = "int"\nname = "txt"\n'
        '\n[event.e]\nsource = "o"\nentity = "nobody"\nkey = "k"\ntimestamp = "t"\n'
    )
    assert sorted(d.code for d in errors(text)) == ["C002", "C002", "C003"]


def test_malformed_toml() -> None:
    (d,) = errors(MINIMAL + 'age = "integer\n')
    assert d.code == "C000"
    assert d.span is not None and d.span.line == 4


def test_missing_catalog(tmp_path: Path) -> None:
    with pytest.raises(SegdslError) as info:
        segdsl.load_project(tmp_path)
    (d,) = info.value.diagnostics
    assert d.code == "C010"
    assert "segdsl.toml" in d.message
