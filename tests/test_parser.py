"""The parser: text → syntax tree (segdsl.ast), with spans on every node."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

import segdsl
from segdsl import SegdslError
from segdsl.syntax import ast
from segdsl.syntax.parser import KEYWORDS, parse_condition

CORPUS = Path(__file__).resolve().parent / "corpus"


def where(text: str) -> ast.Expr:
    """The condition of a one-segment text `segment s where TEXT`."""
    module = segdsl.parse(f"segment s where {text}")
    (stmt,) = module.statements
    assert isinstance(stmt, ast.SegmentDef)
    return stmt.where


def error_of(text: str) -> segdsl.Diagnostic:
    with pytest.raises(SegdslError) as info:
        segdsl.parse(text)
    (diag,) = info.value.diagnostics
    return diag


# ---- keywords and names --------------------------------------------------------------------


def test_keywords_are_case_insensitive() -> None:
    (stmt,) = segdsl.parse("SEGMENT x WHERE a > 1 AND b").statements
    assert isinstance(stmt, ast.SegmentDef)
    assert stmt.name == "x"
    assert isinstance(stmt.where, ast.And)
    first, second = stmt.where.items
    assert isinstance(first, ast.Compare) and first.op == ">"
    assert second == ast.Name(None, "b")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    [
        "Segment x Where a In (1, 2) Or Not b Is Missing",
        "segment x where DID purchase IN LAST 3 DAYS",
        "segment x where COUNT(purchase) > 1 and TOP 10% BY a",
        "segment x where email Starts With 'a' and email ENDS with 'b'",
        "segment x where a BETWEEN 1 AND 2 and l HAS ANY (1)",
        "MEASURE m = Sum(purchase.amount In Last 1 Year)",
    ],
)
def test_keywords_in_any_case(text: str) -> None:
    segdsl.parse(text)


def test_names_are_case_sensitive() -> None:
    (stmt,) = segdsl.parse("segment Adults where Age > 1").statements
    assert isinstance(stmt, ast.SegmentDef)
    assert stmt.name == "Adults"
    assert isinstance(stmt.where, ast.Compare)
    assert stmt.where.left == ast.Name(None, "Age")  # type: ignore[arg-type]


def test_names_are_case_sensitive_when_resolved() -> None:
    project = segdsl.load_project(CORPUS)
    project.rule("age > 1")
    with pytest.raises(SegdslError) as info:
        project.rule("AGE > 1")
    (diag,) = info.value.diagnostics
    assert diag.code == "E201"
    assert diag.message == "unknown name `AGE`"


def test_wrong_case_suggests_the_right_name() -> None:
    project = segdsl.load_project(CORPUS)
    with pytest.raises(SegdslError) as info:
        project.rule("AGE > 1")
    assert "did you mean `age`" in info.value.diagnostics[0].hint


def test_a_keyword_is_not_a_prefix_of_a_name() -> None:
    # `country` is not `count` + `ry`; `order_count`, `sumo`, `inbox`, `is_x` are names.
    cond = where("country = 'US' and sumo > 1 and inbox and is_x and order_count > 2")
    assert isinstance(cond, ast.And)
    names = [
        i.left.name if isinstance(i, ast.Compare) else i.name  # type: ignore[union-attr]
        for i in cond.items
    ]
    assert names == ["country", "sumo", "inbox", "is_x", "order_count"]


@pytest.mark.parametrize("word", sorted(KEYWORDS))
def test_keywords_cannot_be_segment_names(word: str) -> None:
    with pytest.raises(SegdslError):
        segdsl.parse(f"segment {word} where a > 1")


def test_keyword_as_name_message() -> None:
    diag = error_of("segment count where age > 30")
    assert diag.code == "E102"
    assert diag.span is not None
    assert (diag.span.line, diag.span.column, diag.span.end_column) == (1, 9, 14)


def test_keywords_include_the_contract_list() -> None:
    contract = (
        "and or not in is set missing between has any all none contains starts ends with "
        "last before after ago segment measure where of did top bottom by true false "
        "count sum avg min max first"
    ).split()
    assert set(contract) <= KEYWORDS


# ---- comments, whitespace, line endings, BOM -------------------------------------------------


def test_comments() -> None:
    text = (
        "# a file comment\n"
        "segment a # after the name\n"
        "  where age > 1 # trailing\n"
        "# between\n"
        'segment b where country = "#1" # a # inside text is text\n'
        "# at the end, no newline"
    )
    a, b = segdsl.parse(text).statements
    assert isinstance(a, ast.SegmentDef) and isinstance(b, ast.SegmentDef)
    assert isinstance(b.where, ast.Compare)
    assert b.where.right == ast.Literal(None, "string", "#1")  # type: ignore[arg-type]


def test_empty_and_comment_only_files() -> None:
    assert segdsl.parse("").statements == ()
    assert segdsl.parse("# nothing\n\n   \n").statements == ()


def test_line_breaks_carry_no_meaning() -> None:
    one = segdsl.parse("segment a where age > 1 and country = 'US'")
    many = segdsl.parse("segment\na\nwhere\n  age\n>\n1\n\tand country\n=\n'US'\n")
    assert one.statements == many.statements


def test_crlf() -> None:
    (stmt,) = segdsl.parse("segment a\r\n  where age > 1\r\n    and b\r\n").statements
    assert isinstance(stmt, ast.SegmentDef)
    assert isinstance(stmt.where, ast.And)
    b = stmt.where.items[1]
    assert (b.span.line, b.span.column) == (3, 9)


def test_crlf_file_in_a_project(tmp_path: Path) -> None:
    (tmp_path / "segdsl.toml").write_bytes((CORPUS / "segdsl.toml").read_bytes())
    (tmp_path / "r.seg").write_bytes(
        b"segment a\r\n  where age > 1\r\nsegment b where agee > 1\r\n"
    )
    with pytest.raises(SegdslError) as info:
        segdsl.load_project(tmp_path)
    (diag,) = info.value.diagnostics
    assert diag.span is not None
    assert (diag.span.line, diag.span.column) == (3, 17)
    assert diag.span.source.line(3) == "segment b where agee > 1"


def test_bom() -> None:
    (stmt,) = segdsl.parse("\ufeffsegment a where age > 1").statements
    assert isinstance(stmt, ast.SegmentDef)
    assert stmt.span.column == 1
    assert stmt.name_span.column == 9


def test_bom_file_in_a_project(tmp_path: Path) -> None:
    (tmp_path / "segdsl.toml").write_bytes(b"\xef\xbb\xbf" + (CORPUS / "segdsl.toml").read_bytes())
    (tmp_path / "r.seg").write_bytes(b"\xef\xbb\xbfsegment a where age > 1\r\n")
    project = segdsl.load_project(tmp_path)
    assert list(project.segments) == ["a"]


def test_bom_does_not_shift_error_columns() -> None:
    diag = error_of("\ufeffsegment a where agee >")
    assert diag.span is not None
    assert diag.span.source.line(1).startswith("segment")


# ---- values ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (r'"plain"', "plain"),
        (r'"say \"hi\""', 'say "hi"'),
        (r"'O\'Neil'", "O'Neil"),
        (r"'double \" inside single'", 'double " inside single'),
        (r'"back\\slash"', "back\\slash"),
        (r'"line\nbreak"', "line\nbreak"),
        (r'"tab\there"', "tab\there"),
        ('"ünïcødé ✓"', "ünïcødé ✓"),
        ('""', ""),
        ('"50% off_"', "50% off_"),
    ],
)
def test_string_escapes(text: str, value: str) -> None:
    cond = where(f"country = {text}")
    assert isinstance(cond, ast.Compare)
    assert cond.right == ast.Literal(None, "string", value)  # type: ignore[arg-type]


def test_unknown_escape() -> None:
    diag = error_of(r'segment s where a = "x\qy"')
    assert diag.code == "E109"
    assert diag.span is not None and diag.span.column == 23


def test_string_does_not_span_lines() -> None:
    diag = error_of('segment s where a = "x\ny"')
    assert "quote" in diag.message


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("42", "integer", 42),
        ("0", "integer", 0),
        ("-3", "integer", -3),
        ("1_000_000", "integer", 1_000_000),
        ("3.5", "number", Decimal("3.5")),
        ("-3.5", "number", Decimal("-3.5")),
        ("1_000.25", "number", Decimal("1000.25")),
        ('"US"', "string", "US"),
        ("'US'", "string", "US"),
        ("true", "boolean", True),
        ("FALSE", "boolean", False),
        ("2024-03-01", "date", dt.date(2024, 3, 1)),
        ("2024-03-01T12:30:00", "timestamp", dt.datetime(2024, 3, 1, 12, 30)),
        ("2024-03-01T12:30", "timestamp", dt.datetime(2024, 3, 1, 12, 30)),
        # An offset makes an exact instant, kept in UTC (tzinfo set); without one the time
        # is read in the project's zone by the resolver (language.md §11).
        ("2024-03-01T12:30:00Z", "timestamp", dt.datetime(2024, 3, 1, 12, 30, tzinfo=dt.UTC)),
        ("2024-03-01T12:30:00+02:00", "timestamp", dt.datetime(2024, 3, 1, 10, 30, tzinfo=dt.UTC)),
        ("2024-03-01T12:30:00.250", "timestamp", dt.datetime(2024, 3, 1, 12, 30, 0, 250000)),
    ],
)
def test_value_kinds(text: str, kind: str, value: object) -> None:
    cond = where(f"x = {text}")
    assert isinstance(cond, ast.Compare)
    assert isinstance(cond.right, ast.Literal)
    assert (cond.right.kind, cond.right.value) == (kind, value)
    assert type(cond.right.value) is type(value)


@pytest.mark.parametrize(
    ("text", "amount", "unit"),
    [
        ("90 days", 90, "day"),
        ("1 day", 1, "day"),
        ("2 weeks", 2, "week"),
        ("1 week", 1, "week"),
        ("6 months", 6, "month"),
        ("1 month", 1, "month"),
        ("1 year", 1, "year"),
        ("3 YEARS", 3, "year"),
    ],
)
def test_durations(text: str, amount: int, unit: str) -> None:
    cond = where(f"x in last {text}")
    assert isinstance(cond, ast.InWindow)
    assert cond.window.duration == ast.Duration(None, amount, unit)  # type: ignore[arg-type]
    ago = where(f"x before {text} ago")
    assert isinstance(ago, ast.BeforeAfter)
    assert ago.point == ast.Ago(None, ast.Duration(None, amount, unit))  # type: ignore[arg-type]


def test_percentages() -> None:
    for text, value in (("20%", Decimal(20)), ("2.5%", Decimal("2.5")), ("100%", Decimal(100))):
        cond = where(f"top {text} by x")
        assert isinstance(cond, ast.Rank)
        assert cond.percent.value == value


def test_lists() -> None:
    paren = where('c in ("US", "CA")')
    square = where('c in ["US", "CA"]')
    empty = where("c in ()")
    mixed = where("n in (1, 2.5, -3)")
    assert isinstance(paren, ast.InList) and isinstance(square, ast.InList)
    assert paren.values.items == square.values.items
    assert (paren.values.brackets, square.values.brackets) == ("()", "[]")
    assert isinstance(empty, ast.InList) and empty.values.items == ()
    assert isinstance(mixed, ast.InList)
    assert [i.value for i in mixed.values.items] == [1, Decimal("2.5"), -3]  # type: ignore[union-attr]


def test_invalid_calendar_dates() -> None:
    assert error_of("segment s where d = 2024-02-30").code == "E110"
    assert error_of("segment s where d = 2024-02-29T25:00:00").code == "E110"
    where("d = 2024-02-29")  # a leap day


# ---- numbers, minus signs and ranges ----------------------------------------------------------


def test_range_lexing() -> None:
    cond = where("age 25..34")
    assert isinstance(cond, ast.Range)
    assert (cond.low.value, cond.high.value) == (25, 34)  # type: ignore[union-attr]
    assert cond.style == ".."
    dec = where("x 2.5..3.5")
    assert isinstance(dec, ast.Range)
    assert (dec.low.value, dec.high.value) == (Decimal("2.5"), Decimal("3.5"))  # type: ignore[union-attr]


def test_open_ranges() -> None:
    low = where("age 30..")
    high = where("age ..30")
    assert isinstance(low, ast.Range) and isinstance(high, ast.Range)
    assert (low.low.value, low.high) == (30, None)  # type: ignore[union-attr]
    assert (high.low, high.high.value) == (None, 30)  # type: ignore[union-attr]


def test_date_range() -> None:
    cond = where("d 2024-01-01..2024-12-31")
    assert isinstance(cond, ast.Range)
    assert cond.low.value == dt.date(2024, 1, 1)  # type: ignore[union-attr]
    assert cond.high.value == dt.date(2024, 12, 31)  # type: ignore[union-attr]


def test_negative_range() -> None:
    cond = where("x -5..5")
    assert isinstance(cond, ast.Range)
    assert (cond.low.value, cond.high.value) == (-5, 5)  # type: ignore[union-attr]
    both = where("x -10..-5")
    assert isinstance(both, ast.Range)
    assert (both.low.value, both.high.value) == (-10, -5)  # type: ignore[union-attr]


def test_negative_comparison() -> None:
    cond = where("x > -5")
    assert isinstance(cond, ast.Compare)
    assert cond.right == ast.Literal(None, "integer", -5)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["a-5 > 0", "a - 5 > 0", "(a)-5 > 0"])
def test_minus_after_a_name_is_subtraction(text: str) -> None:
    cond = where(text)
    assert isinstance(cond, ast.Compare)
    left = cond.left
    assert isinstance(left, ast.Arith) and left.op == "-"
    assert left.right == ast.Number(None, 5)  # type: ignore[arg-type]


def test_minus_after_a_number_is_subtraction() -> None:
    cond = where("a * 2-1 > 0")
    assert isinstance(cond, ast.Compare)
    assert isinstance(cond.left, ast.Arith) and cond.left.op == "-"


def test_unary_minus_on_a_name() -> None:
    cond = where("-income > 5")
    assert isinstance(cond, ast.Compare)
    assert isinstance(cond.left, ast.Neg)


def test_space_before_but_not_after_minus() -> None:
    # `a -5` reads as a name followed by the number -5 (as in `x -5..5`), so it is
    # not a subtraction; this is an error rather than a silent misreading.
    with pytest.raises(SegdslError):
        segdsl.parse("segment s where a -5 > 0")


def test_arithmetic_precedence() -> None:
    cond = where("a + b * c - d / 2 > 1")
    assert isinstance(cond, ast.Compare)
    top = cond.left
    assert isinstance(top, ast.Arith) and top.op == "-"
    assert isinstance(top.left, ast.Arith) and top.left.op == "+"
    assert isinstance(top.left.right, ast.Arith) and top.left.right.op == "*"
    assert isinstance(top.right, ast.Arith) and top.right.op == "/"


def test_boolean_precedence() -> None:
    cond = where("a or b and not c")
    assert isinstance(cond, ast.Or)
    _, rest = cond.items
    assert isinstance(rest, ast.And)
    assert isinstance(rest.items[1], ast.Not)
    grouped = where("(a or b) and c")
    assert isinstance(grouped, ast.And)
    assert isinstance(grouped.items[0], ast.Paren)
    assert isinstance(grouped.items[0].inner, ast.Or)


def test_not_binds_tighter_than_and() -> None:
    cond = where("not a and b")
    assert isinstance(cond, ast.And)
    assert isinstance(cond.items[0], ast.Not)


# ---- every predicate form ---------------------------------------------------------------------

FORMS: list[tuple[str, type[ast.Expr], dict[str, object]]] = [
    ("x = 1", ast.Compare, {"op": "="}),
    ("x != 1", ast.Compare, {"op": "!="}),
    ("x <> 1", ast.Compare, {"op": "!="}),
    ("x < 1", ast.Compare, {"op": "<"}),
    ("x <= 1", ast.Compare, {"op": "<="}),
    ("x > 1", ast.Compare, {"op": ">"}),
    ("x >= 1", ast.Compare, {"op": ">="}),
    ("x 1..2", ast.Range, {"style": ".."}),
    ("x 1..", ast.Range, {"high": None}),
    ("x ..2", ast.Range, {"low": None}),
    ("x between 1 and 2", ast.Range, {"style": "between"}),
    ("x in (1, 2)", ast.InList, {"negated": False}),
    ("x not in (1, 2)", ast.InList, {"negated": True}),
    ("x is set", ast.IsSet, {"missing": False, "spelling": "set"}),
    ("x is missing", ast.IsSet, {"missing": True, "spelling": "missing"}),
    ("x is null", ast.IsSet, {"missing": True, "spelling": "null"}),
    ("x is not null", ast.IsSet, {"missing": False, "spelling": "not null"}),
    ('x contains "a"', ast.TextMatch, {"op": "contains"}),
    ('x starts with "a"', ast.TextMatch, {"op": "starts"}),
    ('x ends with "a"', ast.TextMatch, {"op": "ends"}),
    ("x", ast.Name, {"name": "x"}),
    ('x has "a"', ast.Has, {"mode": "one"}),
    ('x has any ("a")', ast.Has, {"mode": "any"}),
    ('x has all ["a", "b"]', ast.Has, {"mode": "all"}),
    ('x has none ("a")', ast.Has, {"mode": "none"}),
    ("x in last 3 days", ast.InWindow, {"negated": False}),
    ("x not in last 3 days", ast.InWindow, {"negated": True}),
    ("x before 2024-01-01", ast.BeforeAfter, {"op": "before"}),
    ("x after 2024-01-01T10:00:00", ast.BeforeAfter, {"op": "after"}),
    ("x before 3 days ago", ast.BeforeAfter, {"op": "before"}),
    ("in segment s2", ast.InSegment, {"name": "s2"}),
    ("not in segment s2", ast.Not, {}),
    ("did purchase", ast.Did, {"negated": False, "window": None, "where": None}),
    ("did not purchase", ast.Did, {"negated": True}),
    ("did purchase in last 7 days", ast.Did, {"where": None}),
    ('did purchase where (status = "paid")', ast.Did, {"window": None}),
    ('did purchase in last 7 days where (status = "paid")', ast.Did, {}),
    ("top 20% by x", ast.Rank, {"direction": "top"}),
    ("bottom 5% by a / b", ast.Rank, {"direction": "bottom"}),
    ("count(purchase) > 1", ast.Compare, {}),
    ("not x", ast.Not, {}),
    ("x and y", ast.And, {}),
    ("x or y", ast.Or, {}),
    ("(x)", ast.Paren, {}),
]


@pytest.mark.parametrize(("text", "node", "attrs"), FORMS, ids=[f[0] for f in FORMS])
def test_predicate_forms(text: str, node: type[ast.Expr], attrs: dict[str, object]) -> None:
    cond = where(text)
    assert type(cond) is node
    for key, value in attrs.items():
        assert getattr(cond, key) == value, key


def test_not_in_segment_wraps_in_segment() -> None:
    cond = where("not in segment young")
    assert isinstance(cond, ast.Not)
    assert cond.operand == ast.InSegment(None, "young", None)  # type: ignore[arg-type]


def test_did_details() -> None:
    cond = where('did not purchase in last 30 days where (status = "paid" and amount > 5)')
    assert isinstance(cond, ast.Did)
    assert (cond.event, cond.negated) == ("purchase", True)
    assert cond.window is not None
    assert cond.window.duration == ast.Duration(None, 30, "day")  # type: ignore[arg-type]
    assert isinstance(cond.where, ast.And)


AGGREGATES = [
    ("count(purchase)", "count", None),
    ("count(purchase in last 30 days where status = 'paid')", "count", None),
    ("count distinct(purchase.sku)", "count_distinct", "sku"),
    ("sum(purchase.amount in last 365 days)", "sum", "amount"),
    ("avg(purchase.amount)", "avg", "amount"),
    ("min(purchase.amount where amount > 0)", "min", "amount"),
    ("max(purchase.quantity)", "max", "quantity"),
    ("first(purchase)", "first", None),
    ("last(purchase in last 1 year)", "last", None),
]


@pytest.mark.parametrize(("text", "func", "field"), AGGREGATES, ids=[a[0] for a in AGGREGATES])
def test_aggregates(text: str, func: str, field: str | None) -> None:
    cond = where(f"{text} > 1")
    assert isinstance(cond, ast.Compare)
    agg = cond.left
    assert isinstance(agg, ast.Aggregate)
    assert (agg.func, agg.event, agg.field_name) == (func, "purchase", field)


def test_aggregate_window_and_condition() -> None:
    cond = where('count(purchase in last 30 days where status = "paid" or amount > 9) >= 2')
    assert isinstance(cond, ast.Compare)
    agg = cond.left
    assert isinstance(agg, ast.Aggregate)
    assert agg.window is not None
    assert agg.window.duration == ast.Duration(None, 30, "day")  # type: ignore[arg-type]
    # Inside an aggregate, the condition runs to the closing parenthesis.
    assert isinstance(agg.where, ast.Or)


def test_aggregate_range() -> None:
    cond = where("sum(purchase.amount) 100..500")
    assert isinstance(cond, ast.Range)
    assert isinstance(cond.left, ast.Aggregate)


# ---- statements ----------------------------------------------------------------------------


def test_segment_metadata_in_any_order() -> None:
    text = (
        "segment s\n"
        '  tags "spring", "email"\n'
        '  owner "growth@example.com"\n'
        '  title "Young frequent buyers"\n'
        '  description "Bought more than 3 times"\n'
        "  where age 25..34"
    )
    (stmt,) = segdsl.parse(text).statements
    assert isinstance(stmt, ast.SegmentDef)
    assert stmt.meta_value("title") == "Young frequent buyers"
    assert stmt.meta_value("description") == "Bought more than 3 times"
    assert stmt.meta_value("owner") == "growth@example.com"
    assert stmt.tags == ("spring", "email")


def test_segment_of_entity() -> None:
    (stmt,) = segdsl.parse("segment big of account where employees > 500").statements
    assert isinstance(stmt, ast.SegmentDef)
    assert stmt.entity == "account"
    assert stmt.entity_span is not None and stmt.entity_span.column == 16


def test_measure() -> None:
    (stmt,) = segdsl.parse("measure spend_per = sum(purchase.amount) / count(purchase)").statements
    assert isinstance(stmt, ast.MeasureDef)
    assert stmt.name == "spend_per"
    assert isinstance(stmt.expr, ast.Arith) and stmt.expr.op == "/"


def test_several_statements() -> None:
    module = segdsl.parse(
        "measure m = count(purchase)\nsegment a where m > 1\nsegment b where in segment a\n",
        path="x.seg",
    )
    assert [type(s).__name__ for s in module.statements] == [
        "MeasureDef",
        "SegmentDef",
        "SegmentDef",
    ]
    assert module.source_path == "x.seg"


def test_duplicate_metadata_clause() -> None:
    diag = error_of('segment s title "a" title "b" where x')
    assert diag.code == "E104"


# ---- spans ---------------------------------------------------------------------------------


def test_spans_on_nodes() -> None:
    text = 'segment adults\n  where age >= 18 and country = "US"\n'
    module = segdsl.parse(text, path="r.seg")
    (stmt,) = module.statements
    assert isinstance(stmt, ast.SegmentDef)
    assert (stmt.span.line, stmt.span.column) == (1, 1)
    assert (stmt.name_span.line, stmt.name_span.column, stmt.name_span.end_column) == (1, 9, 15)
    assert isinstance(stmt.where, ast.And)
    age, country = stmt.where.items
    assert (age.span.line, age.span.column, age.span.end_column) == (2, 9, 18)
    assert isinstance(age, ast.Compare)
    assert (age.left.span.column, age.left.span.end_column) == (9, 12)
    assert (age.right.span.column, age.right.span.end_column) == (16, 18)
    assert (country.span.line, country.span.column, country.span.end_column) == (2, 23, 37)
    assert str(age.span) == "r.seg:2:9"
    assert age.span.source.line(2) == '  where age >= 18 and country = "US"'


def test_span_of_an_aggregate_and_its_parts() -> None:
    cond = where("count(purchse in last 3 days) > 1")
    assert isinstance(cond, ast.Compare)
    agg = cond.left
    assert isinstance(agg, ast.Aggregate)
    # `segment s where ` is 16 characters.
    assert (agg.span.column, agg.span.end_column) == (17, 46)
    assert (agg.event_span.column, agg.event_span.end_column) == (23, 30)
    assert agg.window is not None
    assert (agg.window.duration.span.column, agg.window.duration.span.end_column) == (39, 45)


def test_span_of_a_field_reference() -> None:
    cond = where("sum(purchase.amount) > 1")
    assert isinstance(cond, ast.Compare)
    agg = cond.left
    assert isinstance(agg, ast.Aggregate)
    assert agg.field_span is not None
    assert (agg.field_span.column, agg.field_span.end_column) == (30, 36)


def test_spans_of_a_multiline_condition() -> None:
    text = "segment s where\n  (age > 1\n   or b)\n"
    (stmt,) = segdsl.parse(text).statements
    assert isinstance(stmt, ast.SegmentDef)
    paren = stmt.where
    assert isinstance(paren, ast.Paren)
    assert (paren.span.line, paren.span.column, paren.span.end_line) == (2, 3, 3)


def test_rule_spans_are_in_the_rule_text() -> None:
    cond = parse_condition("age > 1 and agee < 3")
    assert isinstance(cond, ast.And)
    bad = cond.items[1]
    assert str(bad.span) == "--rule:1:13"
    assert bad.span.source.text == "age > 1 and agee < 3"


def test_syntax_error_position_in_rule() -> None:
    with pytest.raises(SegdslError) as info:
        parse_condition("age = 25 34")
    (diag,) = info.value.diagnostics
    assert diag.span is not None
    assert (diag.span.line, diag.span.column) == (1, 10)
    assert diag.span.source.text == "age = 25 34"


def test_equal_trees_ignore_spans() -> None:
    assert where("a > 1") == segdsl.parse("segment s\n\n   where   a >   1").statements[0].where  # type: ignore[union-attr]
