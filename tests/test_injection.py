"""Injection: hostile text in rule files, and catalog names that need quoting.

A rule file is untrusted. Whatever text it holds — quotes of every kind, backslashes,
semicolons, comment markers, dollar quotes, driver placeholders, look-alike letters,
NUL bytes, newlines, 20,000 characters — must reach SQL only as a literal equal to
that text, in every dialect sqlglot knows, and select exactly the rows holding that
text on DuckDB, SQLite and PostgreSQL, leaving every other table as it was.

The catalog is trusted, but its table and column names may be anything the database
allows; they must be quoted so that the same rules give the same members as with plain
names.

The cases are in tests/injection_cases.py; tests/injection_matrix.py prints the
matrix for docs/security.md.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import re
from pathlib import Path
from typing import Any

import injection_cases as cases
import pytest
import sqlglot
from sqlglot import exp

from segdsl import SegdslError
from segdsl.catalog.model import parse_catalog
from segdsl.engines.base import Session
from segdsl.project import Project, project_from_texts
from segdsl.semantic import ir
from segdsl.sql.compiler import compile_segment
from segdsl.syntax.parser import parse_condition

ENGINES = ["duckdb", "sqlite", "postgres"]
KINDS = list(cases.HOSTILE)
# What an engine cannot hold or be sent: (engine, kind) → the clean error segdsl gives.
# SQLite's driver refuses a NUL character in SQL text; PostgreSQL text cannot hold NUL.
ENGINE_REFUSES = {("sqlite", "NUL byte"): "D002", ("postgres", "NUL byte"): "D002"}


def project(catalog: str, seg: str = "", root: str | Path = ".") -> Project:
    return project_from_texts(root, catalog, {"rules.seg": seg} if seg else {})


@functools.cache
def text_project(kind_value: str = "hit") -> Project:
    return project(cases.catalog_text(kind_value))


def compile_rule(p: Project, rule: str, dialect: str) -> str:
    return compile_segment(p.rule(rule), p.catalog, dialect, cases.AS_OF)


@functools.cache
def benign_sql(rule_template: str, dialect: str, kind_value: str = "hit") -> str | None:
    """The statement with the placeholder in place of the hostile text (None: S001)."""
    try:
        return compile_rule(
            text_project(kind_value), cases.fill(rule_template, cases.PLACEHOLDER), dialect
        )
    except SegdslError as exc:
        assert exc.diagnostics[0].code == "S001", str(exc)
        return None


def compile_cell(value: str, dialect: str) -> tuple[str, list[str]]:
    """Compile every form with ``value`` for ``dialect``: ("ok" or "S001 for …", problems).

    The forms go in one rule; where the dialect refuses a form (S001, e.g. lists in
    MySQL), each form is compiled alone and the refused ones are named."""
    problems: list[str] = []
    p = text_project()
    if value == cases.LONG:  # a long text needs no second test of every place
        forms = {f: cases.FORMS[f] for f in cases.LONG_FORMS}
        combined_rule = " or ".join(f"({f})" for f in forms.values())
    else:
        forms, combined_rule = cases.FORMS, cases.COMBINED
    combined = benign_sql(combined_rule, dialect)
    templates = {"all": combined_rule} if combined is not None else forms
    refused: list[str] = []
    for form, template in templates.items():
        benign = benign_sql(template, dialect)
        try:
            hostile = compile_rule(p, cases.fill(template, value), dialect)
        except SegdslError as exc:
            code = exc.diagnostics[0].code
            if benign is None and code == "S001":
                refused.append(form)
                continue
            problems.append(f"{form}: {code} {exc.diagnostics[0].message}")
            continue
        if benign is None:
            problems.append(f"{form}: compiles with the text but not with the placeholder")
            continue
        problems += [f"{form}: {d}" for d in cases.same_shape(hostile, benign, dialect, value)]
    return ("ok" if not refused else "S001 for " + ", ".join(refused)), problems


# ---- rule texts, compiled for every dialect --------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_rule_text_is_one_literal_in_every_dialect(kind: str) -> None:
    value = cases.HOSTILE[kind]
    problems = []
    for dialect in cases.DIALECTS:
        _cell, found = compile_cell(value, dialect)
        problems += [f"{dialect}: {p}" for p in found]
    assert not problems, "\n".join(problems[:20])


def test_the_comparison_is_strong_enough() -> None:
    """A statement with an extra clause, an extra statement or a changed literal is
    told apart from the placeholder's (the check above would catch a breakout)."""
    benign = benign_sql("name = ⟨V⟩", "duckdb")
    assert benign is not None
    value = "x"
    hostile = benign.replace(f"'{cases.PLACEHOLDER}'", f"'{value}'")
    assert cases.same_shape(hostile, benign, "duckdb", value) == []
    for broken in (
        benign.replace(f"'{cases.PLACEHOLDER}'", "'x' OR 1 = 1"),
        benign.replace(f"'{cases.PLACEHOLDER}'", "'x'; DROP TABLE sentinel"),
        benign.replace(f"'{cases.PLACEHOLDER}'", "'x' -- '"),
        benign.replace(f"'{cases.PLACEHOLDER}'", "'y'"),
    ):
        assert cases.same_shape(broken, benign, "duckdb", value), broken


@pytest.mark.parametrize(
    "kind", ["single quote", "backslash-quote", "double quote", "everything at once"]
)
def test_single_and_double_quoted_rule_texts_are_the_same(kind: str) -> None:
    value = cases.HOSTILE[kind]
    p = text_project()
    for dialect in ("duckdb", "bigquery", "sqlite"):
        double = compile_rule(p, cases.fill(cases.COMBINED, value, '"'), dialect)
        single = compile_rule(p, cases.fill(cases.COMBINED, value, "'"), dialect)
        assert double == single
    cond = p.rule(cases.fill("name = ⟨V⟩", value, "'")).cond
    assert isinstance(cond, ir.Compare)
    assert isinstance(cond.right, ir.Const) and cond.right.value == value


@pytest.mark.parametrize("kind", KINDS)
def test_catalog_kind_value_is_one_literal(kind: str) -> None:
    """The catalog's `kind = { value = … }` is a text too (trusted, but still a literal)."""
    value = cases.HOSTILE[kind]
    hostile_project = text_project(value)
    problems = []
    for dialect in cases.DIALECTS:
        benign = benign_sql("did hit", dialect, cases.PLACEHOLDER)
        assert benign is not None
        hostile = compile_rule(hostile_project, "did hit", dialect)
        problems += [f"{dialect}: {d}" for d in cases.same_shape(hostile, benign, dialect, value)]
    assert not problems, "\n".join(problems[:20])


@pytest.mark.parametrize("kind", KINDS)
def test_segment_metadata_never_reaches_sql(kind: str) -> None:
    value = cases.HOSTILE[kind]
    meta = " ".join(
        f"{clause} {cases.seg_string(value)}" for clause in ("title", "description", "owner")
    )
    seg = f'segment plain where name = "x"\nsegment fancy {meta} tags {cases.seg_string(value)}, "b" where name = "x"\n'
    p = project(cases.catalog_text(), seg)
    for dialect in ("duckdb", "postgres", "sqlite", "bigquery", "tsql"):
        assert p.compile("fancy", dialect, cases.AS_OF) == p.compile("plain", dialect, cases.AS_OF)


# ---- names in rules are identifiers -----------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_hostile_names_are_rejected_cleanly(kind: str) -> None:
    """Segment, measure, entity, event and field names are identifiers
    (`[A-Za-z_][A-Za-z0-9_]*`): a name carrying any hostile text is a syntax error,
    never a crash and never SQL."""
    value = cases.HOSTILE[kind]
    texts = [
        f'segment s{value} where name = "x"\n',
        f"measure m{value} = count(hit)\nsegment s where m{value} > 1\n",
        f"segment s where in segment a{value}\n",
        f'segment s of item{value} where name = "x"\n',
        f"segment s where did hit{value}\n",
        f'segment s where count(hit where label{value} = "x") > 0\n',
    ]
    rejected = 0
    for text in texts:
        try:
            p = project(cases.catalog_text(), text)
        except SegdslError as err:
            assert err.diagnostics[0].code[0] == "E", str(err)
            rejected += 1
        else:
            # The text read as something else (`#` starts a comment, `a -- b` is
            # arithmetic): the names are still plain identifiers.
            names = [*p.segments, *p.measures]
            assert all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", n) for n in names), names
    assert rejected >= len(texts) - 2
    with pytest.raises(SegdslError) as err:
        text_project().rule(f"name{value} = 1")
    assert err.value.diagnostics[0].code.startswith("E")


@pytest.mark.parametrize("kind", KINDS)
def test_hostile_catalog_names_are_rejected_cleanly(kind: str) -> None:
    """Entity, event, attribute and field names in the catalog are what rules write:
    identifiers. Anything else is a catalog error (C001), never accepted."""
    value = cases.HOSTILE[kind]
    key = cases.toml_string("a" + value)
    bad = [
        cases.catalog_text().replace(
            "[entity.item.attributes]", f'[entity.item.attributes]\n{key} = "string"'
        ),
        cases.catalog_text().replace("[event.hit.fields]", f'[event.hit.fields]\n{key} = "string"'),
        cases.catalog_text().replace(
            "[entity.item]", f'[entity.{key}]\nsource = "t"\nkey = "k"\n\n[entity.item]'
        ),
        cases.catalog_text().replace(
            "[event.hit]",
            f'[event.{key}]\nsource = "t"\nentity = "item"\nkey = "k"\ntimestamp = "ts"\n\n[event.hit]',
        ),
    ]
    for text in bad:
        with pytest.raises(SegdslError) as err:
            parse_catalog(text)
        assert err.value.diagnostics[0].code == "C001", str(err.value)


def test_a_carriage_return_cannot_be_written_in_a_rule() -> None:
    """There is no escape for CR, and a raw CR ends the line (files are read with CR
    and CRLF as line ends): a text with one is a syntax error."""
    for text in ('name = "a\rb"', "name = 'a\rb'"):
        with pytest.raises(SegdslError) as err:
            parse_condition(text)
        assert err.value.diagnostics[0].code == "E101"
    with pytest.raises(SegdslError) as err:
        project(cases.catalog_text(), 'segment s where name = "a\rb"\n')
    assert err.value.diagnostics[0].code == "E101"


def test_a_nul_byte_is_read_as_a_character() -> None:
    """A NUL byte in a rule file is an ordinary character of the text (it cannot end
    the string early in Python), so the literal is exactly the rule's text."""
    p = project(cases.catalog_text(), 'segment s where name = "a\x00b"\n')
    cond = p.segment("s").cond
    assert isinstance(cond, ir.Compare)
    assert isinstance(cond.right, ir.Const) and cond.right.value == "a\x00b"


# ---- executed on DuckDB, SQLite and PostgreSQL ------------------------------------


REQUIRE = os.environ.get("SEGDSL_REQUIRE_ENGINES") == "1"
PG_ENV = "SEGDSL_TEST_POSTGRES_DSN"


def open_session(engine: str, tmp: Path, database: str) -> Session:
    """A writable session on ``engine`` (so that an injected statement could do harm)."""
    if engine == "duckdb":
        from segdsl.engines.duckdb import DuckDBSession

        return DuckDBSession()
    if engine == "sqlite":
        from segdsl.engines.sqlite import SQLiteSession

        return SQLiteSession(tmp / f"{database}.sqlite")
    from engines.engine_sessions import postgres_database, require

    require("postgres")
    from segdsl.engines.postgres import PostgresSession

    return PostgresSession(postgres_database(database))


def tables_of(session: Session) -> list[str]:
    sql = {
        "duckdb": "SELECT table_name FROM information_schema.tables ORDER BY 1",
        "sqlite": "SELECT name FROM sqlite_master ORDER BY 1",
        "postgres": "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = current_schema() ORDER BY 1",
    }[session.name]
    return [str(r[0]) for r in session.query(sql)]


def state(session: Session, tables: list[str]) -> dict[str, Any]:
    """Everything an injected statement could change: the list of tables, and each
    table's columns and rows."""
    from segdsl.engines.base import table_sql

    out: dict[str, Any] = {"tables": tables_of(session)}
    for t in tables:
        out[t] = (
            session.column_types(t),
            sorted(map(repr, session.query(f"SELECT * FROM {table_sql(t, session.dialect)}"))),
        )
    return out


@dataclasses.dataclass
class Outcome:
    """What one engine did with each hostile text: "ok" or "rejected(CODE)"."""

    cells: dict[str, str]
    problems: list[str]


def run_texts(engine: str, tmp: Path) -> Outcome:
    """Load every hostile text into ``engine``, evaluate each form for each text through
    segdsl's evaluation, and compare with the oracle; check that nothing else moved."""
    data = cases.dataset([*cases.HOSTILE.values(), *cases.UNWRITABLE.values()])
    if engine == "postgres":  # PostgreSQL text cannot hold NUL
        data = cases.Data(
            [i for i in data.items if "\x00" not in (i["name"] or "")],
            [h for h in data.hits if "\x00" not in h["label"]],
        )
    seg_lines = []
    for k, kind in enumerate(KINDS):
        for form in cases.EXECUTED_FORMS:
            seg_lines.append(
                f"segment k{k}_{form} where {cases.fill(cases.FORMS[form], cases.HOSTILE[kind])}"
            )
        seg_lines.append(
            f"segment k{k}_eq_sq where {cases.fill(cases.FORMS['eq'], cases.HOSTILE[kind], chr(39))}"
        )
    p = project(cases.catalog_text(), "\n".join(seg_lines) + "\n", tmp)
    session = open_session(engine, tmp, "segdsl_injection")
    try:
        session.create_table(
            "items",
            cases.ITEM_COLUMNS,
            [[r[c] for c, _t in cases.ITEM_COLUMNS] for r in data.items],
        )
        session.create_table(
            "hits", cases.HIT_COLUMNS, [[r[c] for c, _t in cases.HIT_COLUMNS] for r in data.hits]
        )
        session.create_table("sentinel", cases.SENTINEL_COLUMNS, cases.SENTINEL_ROWS)
        before = state(session, ["items", "hits", "sentinel"])
        assert len(before["sentinel"][1]) == 3 and before["tables"]
        cells: dict[str, str] = {}
        problems: list[str] = []
        for k, kind in enumerate(KINDS):
            value = cases.HOSTILE[kind]
            segs = [p.segment(f"k{k}_{form}") for form in [*cases.EXECUTED_FORMS, "eq_sq"]]
            try:
                result = p.evaluate(segs, cases.AS_OF, session=session)
            except SegdslError as exc:
                code = exc.diagnostics[0].code
                cells[kind] = f"rejected({code})"
                if ENGINE_REFUSES.get((engine, kind)) != code:
                    problems.append(f"{kind}: {exc}")
                continue
            cells[kind] = "ok"
            if (engine, kind) in ENGINE_REFUSES and engine != "postgres":
                problems.append(f"{kind}: expected {ENGINE_REFUSES[(engine, kind)]}, got members")
            for form in [*cases.EXECUTED_FORMS, "eq_sq"]:
                want = sorted(
                    r["id"]
                    for r in data.items
                    if cases.oracle(
                        "eq" if form == "eq_sq" else form, value, r, data.hits_of(r["id"])
                    )
                )
                got = sorted(result.members(f"k{k}_{form}"))
                if got != want:
                    problems.append(f"{kind} / {form}: members {got[:10]} instead of {want[:10]}")
                    cells[kind] = "WRONG"
        after = state(session, ["items", "hits", "sentinel"])
        if after != before:
            problems.append("a table changed: " + repr(after)[:500])
        return Outcome(cells, problems)
    finally:
        session.close()


@pytest.mark.parametrize("engine", ENGINES)
def test_hostile_texts_select_exactly_their_rows(engine: str, tmp_path: Path) -> None:
    outcome = run_texts(engine, tmp_path)
    assert not outcome.problems, "\n".join(outcome.problems[:20])
    # Every text was evaluated (not skipped), and only the listed ones were refused.
    assert set(outcome.cells) == set(KINDS)


def test_the_oracle_tells_texts_apart() -> None:
    """The data has a row per text and per decoy, so a rule that matched a near miss
    (the Latin `admin` for the Cyrillic one, `o'neil` for `O'Neil`) would be caught."""
    data = cases.dataset(list(cases.HOSTILE.values()))
    for kind, value in cases.HOSTILE.items():
        members = [r["id"] for r in data.items if cases.oracle("eq", value, r, [])]
        assert len(members) == 1, kind
    cyr = [
        r["name"]
        for r in data.items
        if cases.oracle("eq", cases.HOSTILE["Cyrillic look-alike"], r, [])
    ]
    assert cyr == ["аdmin"] and "admin" in [r["name"] for r in data.items]


# ---- catalog names that need quoting ----------------------------------------------


def names_project(plain: bool, root: Path | str = ".") -> Project:
    return project(cases.names_catalog(plain), cases.names_segments(), root)


def _identifiers_renamed(tree: exp.Expr, rename: dict[str, str]) -> str:
    for ident in tree.find_all(exp.Identifier):
        ident.set("this", rename.get(ident.this, ident.this))
        ident.set("quoted", True)
    return tree.sql("duckdb")


def _rename_map() -> dict[str, str]:
    """Physical name → plain name, also for the CTE names derived from table names."""
    rename = dict(cases.AWKWARD_NAMES)
    for physical, simple in cases.AWKWARD_NAMES.items():
        rename["agg_" + re.sub(r"\W", "_", physical).lower()] = "agg_" + simple
    return rename


@pytest.mark.parametrize("dialect", cases.DIALECTS)
def test_catalog_names_are_quoted_in_every_dialect(dialect: str) -> None:
    """Each segment compiles to the same statement as with plain names, up to the
    names: re-parsed, every identifier is the catalog's name exactly (quotes,
    backticks, spaces and all), and nothing else differs."""
    awkward, plain = names_project(False), names_project(True)
    rename = _rename_map()
    for name in cases.NAMES_SEGMENTS:
        try:
            sql = awkward.compile(name, dialect, cases.AS_OF)
        except SegdslError as exc:
            assert exc.diagnostics[0].code == "S001", str(exc)
            with pytest.raises(SegdslError):
                plain.compile(name, dialect, cases.AS_OF)
            continue
        simple = plain.compile(name, dialect, cases.AS_OF)
        if dialect in cases.TOKENS_ONLY:
            assert len(cases.tokens(sql, dialect)) == len(cases.tokens(simple, dialect)), name
            continue
        trees = sqlglot.parse(sql, read=dialect)
        assert len(trees) == 1 and trees[0] is not None, name
        idents = {i.this for i in trees[0].find_all(exp.Identifier)}
        used = {n for n in cases.AWKWARD_NAMES if n in idents}
        assert used, name
        assert _identifiers_renamed(trees[0], rename) == _identifiers_renamed(
            sqlglot.parse_one(simple, read=dialect), {}
        ), name


def load_names(session: Session, plain: bool) -> None:
    for table, (columns, rows) in cases.names_tables().items():
        if plain:
            name = cases.AWKWARD_NAMES[table]
            cols = [(cases.AWKWARD_NAMES[c], t) for c, t in columns]
        else:
            name, cols = table, list(columns)
        session.create_table(name, cols, [[r[c] for c, _t in columns] for r in rows])


@functools.cache
def plain_members() -> dict[str, list[Any]]:
    """The members with plain names on DuckDB: the reference."""
    from segdsl.engines.duckdb import DuckDBSession

    p = names_project(True)
    session = DuckDBSession()
    try:
        load_names(session, plain=True)
        result = p.evaluate(list(p.segments.values()), cases.AS_OF, session=session)
        return {name: result.members(name) for name in p.segments}
    finally:
        session.close()


def test_the_names_data_tells_segments_apart() -> None:
    """Each segment has some members and some non-members, so a column read wrongly
    (e.g. SQLite reading an unknown "quoted name" as a text) would show; the plain run
    agrees with plain Python where Python can tell."""
    members = plain_members()
    clients = cases.names_tables()["Client Table"][1]
    for name, got in members.items():
        assert 0 < len(got) < len(clients), (name, len(got))
    for name, test in cases.NAMES_ORACLE.items():
        assert members[name] == sorted(r["CustomerID"] for r in clients if test(r)), name


@pytest.mark.parametrize("engine", ENGINES)
def test_catalog_names_are_quoted_on_every_engine(engine: str, tmp_path: Path) -> None:
    p = names_project(False, tmp_path)
    session = open_session(engine, tmp_path, "segdsl_names")
    try:
        load_names(session, plain=False)
        result = p.evaluate(list(p.segments.values()), cases.AS_OF, session=session)
        got = {name: result.members(name) for name in p.segments}
    finally:
        session.close()
    assert got == plain_members()


# ---- found by these tests and fixed: keywords, CTE names, server settings ----------


def test_an_attribute_named_like_a_keyword_runs_on_sqlite(tmp_path: Path) -> None:
    catalog = '[entity.c]\nsource = "c"\nkey = "id"\n[entity.c.attributes]\nalter = "integer"\n'
    p = project(catalog, "segment old where alter > 30\n", tmp_path)
    from segdsl.engines.sqlite import SQLiteSession

    session = SQLiteSession()
    try:
        session.create_table("c", [("id", "integer"), ("alter", "integer")], [[1, 20], [2, 40]])
        result = p.evaluate([p.segment("old")], cases.AS_OF, session=session)
    finally:
        session.close()
    assert result.members("old") == [2]


SHADOW_CATALOG = """\
[entity.c]
source = "agg_orders"
key = "id"

[event.purchase]
source = "orders"
entity = "c"
key = "id"
timestamp = "ts"
"""


@pytest.mark.parametrize("engine", ["duckdb", "sqlite"])
def test_a_table_named_like_a_cte_is_still_read(engine: str, tmp_path: Path) -> None:
    p = project(SHADOW_CATALOG, "segment none_bought where count(purchase) = 0\n", tmp_path)
    session = open_session(engine, tmp_path, "segdsl_shadow")
    try:
        session.create_table("agg_orders", [("id", "integer")], [[1], [2], [3]])
        session.create_table(
            "orders", [("id", "integer"), ("ts", "timestamp")], [[1, cases.AS_OF.replace(day=1)]]
        )
        result = p.evaluate([p.segment("none_bought")], cases.AS_OF, session=session)
    finally:
        session.close()
    assert result.members("none_bought") == [2, 3]


def test_postgres_texts_do_not_depend_on_the_server_settings(tmp_path: Path) -> None:
    from engines.engine_sessions import postgres_database, require

    require("postgres")
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    from segdsl.engines.postgres import PostgresSession

    dsn = postgres_database("segdsl_scs_off")
    name = conninfo_to_dict(dsn)["dbname"]
    with psycopg.connect(os.environ[PG_ENV], autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{name}" SET standard_conforming_strings = off'.encode())
    value = cases.HOSTILE["backslash breakout"]
    p = project(
        cases.catalog_text(), f"segment s where name = {cases.seg_string(value)}\n", tmp_path
    )
    session = PostgresSession(dsn)
    try:
        data = cases.dataset([value])
        session.create_table(
            "items",
            cases.ITEM_COLUMNS,
            [[r[c] for c, _t in cases.ITEM_COLUMNS] for r in data.items],
        )
        session.create_table("hits", cases.HIT_COLUMNS, [])
        result = p.evaluate([p.segment("s")], cases.AS_OF, session=session)
    finally:
        session.close()
    assert result.members("s") == [1]


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ('source = ""', "items"),
        ('source = "crm..items"', "items"),
        ('source = "items."', "items"),
        ('key = ""', "id"),
        ('key = "i\\u0000d"', "id"),
        ('key = "i\\nd"', "id"),
        ('kind = { column = "  ", value = "hit" }', "hit"),
    ],
)
def test_unusable_table_and_column_names_are_catalog_errors(line: str, name: str) -> None:
    """Awkward names are accepted and quoted (above); a name no database can hold —
    empty, or with a NUL or a line break — is refused when the catalog is read (C012),
    naming the key, instead of failing later in the engine."""
    text = cases.catalog_text()
    key = line.split(" =")[0]
    text = re.sub(rf"^{key} = .*$", lambda _m: line, text, count=1, flags=re.M)
    with pytest.raises(SegdslError) as err:
        parse_catalog(text)
    diag = err.value.diagnostics[0]
    assert diag.code == "C012", str(err.value)
    assert "segdsl quotes them" in (diag.hint or "")
