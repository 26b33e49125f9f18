"""`segdsl lsp` end to end over stdio (pytest-lsp): the retail project, and broken
files. Expected ranges are found in the text independently of the server."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsp_helpers import (
    apply_edits,
    change_doc,
    diags,
    open_doc,
    settle,
    span_of,
    uri,
    word_count,
)
from lsprotocol import types
from pytest_lsp import LanguageClient

pytestmark = pytest.mark.asyncio(loop_scope="module")


def _doc(path: Path) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri(path))


async def test_clean_project_has_no_diagnostics(client: LanguageClient, project: Path) -> None:
    open_doc(client, project / "value.seg")
    await settle(client, project / "value.seg")
    for seg in sorted(project.glob("*.seg")):
        assert diags(client, seg) == [], seg.name
    assert diags(client, project / "segdsl.toml") == []


async def test_unknown_name_has_its_code_range_hint_and_fix(
    client: LanguageClient, project: Path
) -> None:
    path = project / "value.seg"
    text = open_doc(client, path)
    broken = text.replace("top 20% by spend_365d", "top 20% by spend_365x")
    change_doc(client, path, broken)
    await settle(client, path)
    found = diags(client, path)
    assert [d.code for d in found] == ["E201"]
    assert found[0].range == span_of(broken, "spend_365x")
    assert found[0].severity == types.DiagnosticSeverity.Error
    assert "did you mean `spend_365d`" in found[0].message

    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            _doc(path), found[0].range, types.CodeActionContext(diagnostics=found)
        )
    )
    assert actions
    fix = actions[0]
    assert isinstance(fix, types.CodeAction) and fix.title == "Change to `spend_365d`"
    assert fix.edit is not None and fix.edit.changes is not None
    fixed = apply_edits(broken, fix.edit.changes[uri(path)])
    assert fixed == text
    change_doc(client, path, fixed, version=3)
    await settle(client, path)
    assert diags(client, path) == []


async def test_renaming_a_measure_updates_the_files_that_use_it(
    client: LanguageClient, project: Path
) -> None:
    measures, value = project / "measures.seg", project / "value.seg"
    text = open_doc(client, measures)
    change_doc(client, measures, text.replace("measure spend_365d ", "measure spend_year "))
    await settle(client, measures)
    value_text = value.read_text()
    found = diags(client, value)  # value.seg is not even open
    assert [d.code for d in found] == ["E201"] * word_count(value_text, "spend_365d")
    assert [d.range for d in found] == [
        span_of(value_text, "spend_365d", i) for i in range(len(found))
    ]
    assert [d.code for d in diags(client, measures)] == ["E201"]  # avg_order_365d uses it
    change_doc(client, measures, text, version=3)
    await settle(client, measures)
    assert diags(client, value) == []
    assert diags(client, measures) == []


async def test_syntax_error_is_reported_alone_at_its_place(
    client: LanguageClient, project: Path
) -> None:
    path = project / "measures.seg"
    text = open_doc(client, path)
    broken = text.replace("count(purchase in last 90 days)", "count(purchase in last 90)", 1)
    change_doc(client, path, broken)
    await settle(client, path)
    found = diags(client, path)
    assert len(found) == 1 and str(found[0].code).startswith("E1")
    line = broken.split("\n").index(
        next(ln for ln in broken.split("\n") if "count(purchase in last 90)" in ln)
    )
    assert found[0].range.start.line == line
    # the measures of the broken file still count for the other files
    assert diags(client, project / "value.seg") == []
    assert diags(client, project / "behavioural.seg") == []


async def test_catalog_errors_are_reported_in_segdsl_toml(
    client: LanguageClient, project: Path
) -> None:
    path = project / "segdsl.toml"
    text = open_doc(client, path)
    broken = text.replace('age = "integer"', 'age = "integr"')
    change_doc(client, path, broken)
    await settle(client, path)
    found = diags(client, path)
    assert found and all(str(d.code).startswith("C") for d in found)
    assert found[0].range.start.line == span_of(broken, '"integr"').start.line


async def test_completion_knows_the_context(client: LanguageClient, project: Path) -> None:
    path = project / "new.seg"
    lines = [
        "segment a where in segment ",
        "segment b where did ",
        "segment c where count(purchase where ",
        "segment d where count(purchase in last 30 ",
        "segment e where a",
        "measure f = sum(purchase.",
    ]
    open_doc(client, path, "\n".join(lines) + "\n")

    async def labels(line: int) -> dict[str, types.CompletionItem]:
        result = await client.text_document_completion_async(
            types.CompletionParams(_doc(path), types.Position(line, len(lines[line])))
        )
        assert isinstance(result, types.CompletionList)
        return {i.label: i for i in result.items}

    segs = await labels(0)
    assert {"vip", "high_value", "new_customers"} <= set(segs) and "age" not in segs
    events = await labels(1)
    assert set(events) == {"purchase", "page_view", "add_to_cart"}
    fields = await labels(2)
    assert {"amount", "status", "category", "timestamp"} <= set(fields)
    assert fields["amount"].detail is not None and fields["amount"].detail.startswith("number")
    assert "age" not in fields
    units = await labels(3)
    assert {"days", "weeks", "months", "years"} <= set(units)
    names = await labels(4)
    assert names["age"].detail == "integer · attribute of customer · column age"
    assert names["full_name"].detail == "string · attribute of customer · column name"
    assert names["spend_365d"].kind == types.CompletionItemKind.Variable
    assert {"and", "did", "in segment"} <= set(names)
    dotted = await labels(5)
    assert {"amount", "status", "category"} <= set(dotted)


async def test_hover_shows_types_definitions_rules_and_sql(
    client: LanguageClient, project: Path
) -> None:
    value, measures = project / "value.seg", project / "measures.seg"
    text = open_doc(client, value)

    async def hover(path: Path, pos: types.Position) -> str:
        result = await client.text_document_hover_async(types.HoverParams(_doc(path), pos))
        assert result is not None
        assert isinstance(result.contents, types.MarkupContent)
        return result.contents.value

    measure = await hover(value, span_of(text, "spend_365d").start)
    assert "measure `spend_365d`" in measure and "sum(purchase.amount in last 365 days" in measure
    seg = await hover(value, span_of(text, "vip").start)
    assert "top 2% by lifetime_spend" in seg and "```sql" in seg and "SELECT" in seg
    mtext = measures.read_text()
    attr_doc = project / "attrs.seg"
    open_doc(client, attr_doc, "segment named where full_name is set\n")
    attr = await hover(attr_doc, types.Position(0, 20))
    assert "attribute `full_name`" in attr and "string" in attr and "column `name`" in attr
    field = await hover(measures, span_of(mtext, "amount").start)
    assert "field `amount`" in field and "number" in field and "order value in EUR" in field


async def test_hover_shows_the_latest_snapshot(client: LanguageClient, project: Path) -> None:
    import datetime as dt

    from segdsl.tools.history import NewSnapshot, open_store

    store_path = project / ".segdsl" / "history.duckdb"
    with open_store(store_path) as store:
        store.write(
            [NewSnapshot("vip", "customer", dt.datetime(2026, 6, 30), "h", [1, 2, 3], 40)],
            dt.datetime(2026, 7, 1),
        )
    path = project / "value.seg"
    text = open_doc(client, path)
    result = await client.text_document_hover_async(
        types.HoverParams(_doc(path), span_of(text, "segment vip").end)
    )
    assert result is not None and isinstance(result.contents, types.MarkupContent)
    assert "**3** members (7.5% of 40) at 2026-06-30 00:00" in result.contents.value


async def test_definition_and_references(client: LanguageClient, project: Path) -> None:
    value, measures = project / "value.seg", project / "measures.seg"
    text = open_doc(client, value)
    mtext = measures.read_text()
    defs = await client.text_document_definition_async(
        types.DefinitionParams(_doc(value), span_of(text, "spend_365d").start)
    )
    assert isinstance(defs, list) and len(defs) == 1
    assert defs[0].uri == uri(measures) and defs[0].range == span_of(mtext, "spend_365d")

    attr = await client.text_document_definition_async(
        types.DefinitionParams(_doc(measures), span_of(mtext, "amount").start)
    )
    toml = (project / "segdsl.toml").read_text()
    assert isinstance(attr, list) and attr[0].uri == uri(project / "segdsl.toml")
    assert attr[0].range.start.line == span_of(toml, "amount =").start.line

    refs = await client.text_document_references_async(
        types.ReferenceParams(
            context=types.ReferenceContext(include_declaration=True),
            text_document=_doc(value),
            position=span_of(text, "spend_365d").start,
        )
    )
    assert refs is not None
    expected = sum(word_count(p.read_text(), "spend_365d") for p in project.glob("*.seg"))
    assert len(refs) == expected


async def test_rename_edits_every_file(client: LanguageClient, project: Path) -> None:
    value = project / "value.seg"
    text = open_doc(client, value)
    prep = await client.text_document_prepare_rename_async(
        types.PrepareRenameParams(_doc(value), span_of(text, "spend_365d").start)
    )
    assert prep == span_of(text, "spend_365d")
    edit = await client.text_document_rename_async(
        types.RenameParams(_doc(value), span_of(text, "spend_365d").start, "spend_year")
    )
    assert edit is not None and edit.changes is not None
    for seg in project.glob("*.seg"):
        before = seg.read_text()
        after = apply_edits(before, edit.changes.get(uri(seg), []))
        assert word_count(after, "spend_365d") == 0
        assert word_count(after, "spend_year") == word_count(before, "spend_365d")
        seg.write_text(after)
    from segdsl.project import load_project

    assert "spend_year" in load_project(project).measures

    with pytest.raises(Exception, match="P002"):
        await client.text_document_rename_async(
            types.RenameParams(_doc(value), span_of(text, "spend_365d").start, "vip")
        )


async def test_formatting_edits_and_a_clear_reason_when_it_cannot(
    client: LanguageClient, project: Path
) -> None:
    from segdsl.syntax.formatter import format_text

    path = project / "messy.seg"
    messy = 'segment   messy   where age>30   and country="DE"\n\n\n\nmeasure m=count(purchase)\n'
    open_doc(client, path, messy)
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(_doc(path), types.FormattingOptions(2, True))
    )
    assert edits
    assert apply_edits(messy, edits) == format_text(messy)

    broken = project / "broken.seg"
    open_doc(client, broken, "segment b where age >\n")
    result = await client.text_document_formatting_async(
        types.DocumentFormattingParams(_doc(broken), types.FormattingOptions(2, True))
    )
    assert result is None
    assert any("P003" in m.message and "line 1" in m.message for m in client.messages)


async def test_lint_findings_and_their_fixes(client: LanguageClient, project: Path) -> None:
    path = project / "lintme.seg"
    text = 'segment not_us\n  title "Not US"\n  owner "x"\n  where country != "US"\n'
    open_doc(client, path, text)
    await settle(client, path)
    found = diags(client, path)
    assert [d.code for d in found] == ["W201"]
    assert found[0].range == span_of(text, 'country != "US"')
    assert found[0].severity == types.DiagnosticSeverity.Warning
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(_doc(path), found[0].range, types.CodeActionContext(found))
    )
    titles = [a.title for a in actions or [] if isinstance(a, types.CodeAction)]
    assert "Ignore W201 on this line" in titles
    keep = next(
        a for a in actions or [] if isinstance(a, types.CodeAction) and "is set and" in a.title
    )
    assert keep.edit is not None and keep.edit.changes is not None
    fixed = apply_edits(text, keep.edit.changes[uri(path)])
    change_doc(client, path, fixed)
    await settle(client, path)
    assert diags(client, path) == []


async def test_positions_are_utf16(client: LanguageClient, project: Path) -> None:
    path = project / "emoji.seg"
    text = 'segment e where city = "😀" and agee > 3\n'
    open_doc(client, path, text)
    await settle(client, path)
    found = diags(client, path)
    assert [d.code for d in found] == ["E201"]
    start = text.index("agee") + 1  # the emoji is 2 UTF-16 code units
    assert found[0].range == types.Range(types.Position(0, start), types.Position(0, start + 4))


async def test_a_file_outside_any_project(client: LanguageClient, tmp_path: Path) -> None:
    path = tmp_path / "alone" / "x.seg"
    path.parent.mkdir()
    open_doc(client, path, "segment x where age > 3\n")
    await settle(client, path)
    assert [d.code for d in diags(client, path)] == ["P004"]


async def test_document_symbols_list_segments_and_measures(
    client: LanguageClient, project: Path
) -> None:
    import re

    path = project / "measures.seg"
    text = open_doc(client, path)
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(_doc(path))
    )
    assert symbols is not None
    names = [s.name for s in symbols]
    assert names == re.findall(r"^measure\s+([A-Za-z_]\w*)", text, re.MULTILINE)
    first = symbols[0]
    assert isinstance(first, types.DocumentSymbol)
    assert first.selection_range == span_of(text, "purchases_90d")
    assert first.detail == "measure · a whole number"


async def test_hover_evaluates_a_segment_without_snapshot(
    client: LanguageClient, project: Path
) -> None:
    """With the data at hand and no snapshot, the hover counts the members (at the
    client's asOf); the count is checked with pandas on the same Parquet file."""
    import shutil

    import pandas as pd
    from lsp_helpers import RETAIL

    shutil.copytree(RETAIL / "data", project / "data")
    path = project / "quick.seg"
    text = 'segment de_adults where country = "DE" and age >= 18\n'
    open_doc(client, path, text)
    result = await client.text_document_hover_async(
        types.HoverParams(_doc(path), span_of(text, "de_adults").start)
    )
    customers = pd.read_parquet(RETAIL / "data" / "customers.parquet")
    expected = int(((customers["country"] == "DE") & (customers["age"] >= 18)).sum())
    share = expected / len(customers)
    assert result is not None and isinstance(result.contents, types.MarkupContent)
    assert (
        f"**{expected:,}** members ({share:.1%} of {len(customers):,}) at 2026-06-30 00:00 "
        "(evaluated now)"
    ) in result.contents.value


async def test_incremental_changes_as_vscode_sends_them(
    client: LanguageClient, project: Path
) -> None:
    path = project / "value.seg"
    text = open_doc(client, path)
    at = span_of(text, "spend_365d")
    # type "x" after `spend_365d`, then delete it again
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri(path), version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(range=types.Range(at.end, at.end), text="x")
            ],
        )
    )
    await settle(client, path)
    found = diags(client, path)
    assert [d.code for d in found] == ["E201"]
    assert found[0].range == types.Range(
        at.start, types.Position(at.end.line, at.end.character + 1)
    )
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri(path), version=3),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(at.end, types.Position(at.end.line, at.end.character + 1)),
                    text="",
                )
            ],
        )
    )
    await settle(client, path)
    assert diags(client, path) == []
