"""`segdsl studio` tested as a server: real HTTP against a subprocess on a free port.

Sizes, waterfalls, samples and overlaps are checked against plain DuckDB SQL over the
example's Parquet files (an oracle that shares no code with segdsl)."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import pytest
from studio_server import REPO, RETAIL, Studio, copy_retail, studio

import segdsl
from segdsl.syntax.formatter import format_text

AS_OF = "2026-06-30"
# Two segments of our own, appended to value.seg: a narrowing of the first.
EXTRA = """
segment studio_de
  where country = "DE"

segment studio_de_30
  where country = "DE" and age >= 30
"""


def oracle(sql: str) -> list[tuple[Any, ...]]:
    con = duckdb.connect()
    try:
        return con.execute(sql, [str(RETAIL / "data" / "customers.parquet")]).fetchall()
    finally:
        con.close()


def count(where: str) -> int:
    (row,) = oracle(f"SELECT count(*) FROM read_parquet(?) WHERE {where}")
    return int(row[0])


def value_text() -> str:
    return (RETAIL / "value.seg").read_text(encoding="utf-8")


def test_project_lists_files_and_every_segment(shared_server: Studio) -> None:
    status, p = shared_server.call("/api/project")
    assert status == 200
    files = sorted(x.name for x in RETAIL.glob("*.seg"))
    assert p["files"] == ["segdsl.toml", *files]
    names = set()
    for f in files:
        names |= set(re.findall(r"^segment (\w+)", (RETAIL / f).read_text(), re.M))
    assert {o["name"] for o in p["outline"] if o["kind"] == "segment"} == names
    assert len(names) == 71
    attrs = {a["name"] for a in p["vocabulary"]["entities"]["customer"]["attributes"]}
    assert {"age", "country", "full_name"} <= attrs
    assert "purchase" in p["vocabulary"]["events"]
    assert "snowflake" in p["dialects"]


def test_file_is_served_with_its_hash(shared_server: Studio) -> None:
    status, f = shared_server.call("/api/file?path=value.seg")
    assert status == 200 and f["text"] == value_text() and len(f["hash"]) == 16


def test_check_reports_an_unknown_name_at_its_place_and_the_fix_compiles(
    shared_server: Studio, tmp_path: Path
) -> None:
    broken = value_text() + "\nsegment studio_x\n  where agee > 30\n"
    line = broken.count("\n")  # the `where` line is the last one
    status, r = shared_server.call(
        "/api/check", {"path": "value.seg", "text": broken, "segment": "studio_x"}
    )
    assert status == 200 and r["ok"] is False and r["sql"] is None
    (d,) = [d for d in r["diagnostics"] if d["severity"] == "error"]
    assert (d["code"], d["line"], d["column"], d["end_column"]) == ("E201", line, 9, 13)
    assert "age" in d["hint"]

    fixed = broken.replace("agee", "age")
    status, r = shared_server.call(
        "/api/check",
        {
            "path": "value.seg",
            "text": fixed,
            "segment": "studio_x",
            "dialect": "snowflake",
            "as_of": AS_OF,
        },
    )
    assert status == 200 and r["ok"] is True
    assert not [d for d in r["diagnostics"] if d["severity"] == "error"]
    # The same SQL as `segdsl compile` on the saved file.
    root = copy_retail(tmp_path / "retail")
    (root / "value.seg").write_text(fixed, encoding="utf-8")
    expected = segdsl.load_project(root).compile("studio_x", dialect="snowflake", as_of=AS_OF)
    assert r["sql"] == expected and "age > 30" in expected
    assert {"kind": "segment", "name": "studio_x"}.items() <= r["outline"][-1].items()


def test_check_shows_lint_findings(shared_server: Studio) -> None:
    text = value_text() + "\nsegment studio_never\n  where age > 50 and age < 40\n"
    _, r = shared_server.call("/api/check", {"path": "value.seg", "text": text})
    assert r["ok"] is True  # the project loads; lint finds the contradiction
    (d,) = [d for d in r["diagnostics"] if d["code"] == "L101"]
    assert d["line"] == text.count("\n") and "never be true" in d["message"]


def test_evaluate_matches_plain_sql(shared_server: Studio) -> None:
    text = value_text() + EXTRA
    body = {"path": "value.seg", "text": text, "as_of": AS_OF, "channel": "t1", "seq": 1}
    status, r = shared_server.call("/api/evaluate", {**body, "segment": "studio_de_30"})
    assert status == 200, r
    de = count("country = 'DE'")
    de30 = count("country = 'DE' AND age >= 30")
    total = count("true")
    assert (r["members"], r["entity_count"]) == (de30, total)
    assert r["share"] == round(de30 / total, 6)
    # The waterfall: each part alone, and what remains after each.
    p1, p2 = r["explain"]["parts"]
    assert (p1["text"], p1["alone"], p1["remaining"]) == ('country = "DE"', de, de)
    assert (p2["alone"], p2["remaining"], p2["removed"]) == (count("age >= 30"), de30, de - de30)
    # The sample: members only, with their attributes.
    sample = r["sample"]
    assert sample["of"] == de30 and len(sample["rows"]) == min(20, de30)
    col = sample["columns"]
    for row in sample["rows"]:
        rec = dict(zip(col, row, strict=True))
        assert rec["country"] == "DE" and rec["age"] >= 30
    # The overlap with its wider sibling: every member is in both.
    (sib,) = [x for x in r["overlap"]["rows"] if x["segment"] == "studio_de"]
    assert (sib["members"], sib["both"]) == (de, de30)
    assert sib["jaccard"] == round(de30 / de, 6)
    heat = r["overlap"]["heat"]
    assert heat["names"][0] == "studio_de_30" and heat["jaccard"][0][0] == 1.0
    # The as-of is read in the project's time zone, as `segdsl eval --as-of` reads it.
    project = segdsl.load_project(RETAIL)
    assert project.catalog.timezone != "UTC"
    assert r["as_of"] == project.as_of(AS_OF).isoformat()


def test_an_empty_segment_has_size_zero(shared_server: Studio) -> None:
    text = value_text() + '\nsegment studio_none\n  where country = "no such country"\n'
    _, r = shared_server.call(
        "/api/evaluate",
        {
            "path": "value.seg",
            "text": text,
            "segment": "studio_none",
            "as_of": AS_OF,
            "channel": "t2",
            "seq": 1,
        },
    )
    assert r["members"] == 0 and r["sample"]["rows"] == [] and r["share"] == 0.0


def test_evaluate_of_a_broken_project_is_a_400_with_the_diagnostics(
    shared_server: Studio,
) -> None:
    status, r = shared_server.call(
        "/api/evaluate",
        {
            "path": "value.seg",
            "text": "segment x\n  where (",
            "segment": "x",
            "channel": "t3",
            "seq": 1,
        },
    )
    assert status == 400 and r["diagnostics"][0]["code"].startswith("E1")


@pytest.mark.parametrize(
    ("path", "body", "raw", "headers", "status", "code"),
    [
        ("/api/check", None, b"x", {"Content-Type": "text/plain"}, 415, "P056"),
        ("/api/check", None, b"{not json", None, 400, "P052"),
        ("/api/check", None, b"[1, 2]", None, 400, "P052"),
        ("/api/check", {"path": "value.seg"}, None, None, 400, "P052"),
        ("/api/check", {"path": "../secret.seg", "text": ""}, None, None, 400, "P053"),
        ("/api/check", {"path": "/etc/passwd", "text": ""}, None, None, 400, "P053"),
        ("/api/check", {"path": "data/customers.parquet", "text": ""}, None, None, 400, "P053"),
        ("/api/save", {"path": ".git/config.seg", "text": ""}, None, None, 400, "P053"),
        ("/api/file?path=nothing.seg", None, None, None, 404, "P054"),
        ("/api/history", None, None, None, 400, "P052"),
        ("/api/nowhere", None, None, None, 404, "P054"),
        (
            "/api/evaluate",
            {"path": "value.seg", "text": "", "segment": "x", "seq": "1"},
            None,
            None,
            400,
            "P052",
        ),
        ("/api/check", {"path": "value.seg", "text": "", "as_of": "June"}, None, None, 400, None),
    ],
)
def test_bad_requests_are_4xx_with_a_message(
    shared_server: Studio,
    path: str,
    body: Any,
    raw: bytes | None,
    headers: dict[str, str] | None,
    status: int,
    code: str | None,
) -> None:
    got, r = shared_server.call(path, body, raw=raw, headers=headers)
    assert got == status, r
    assert r["error"]["message"]
    if code:
        assert r["error"]["code"] == code


def test_a_request_too_large_is_413_before_its_body_is_read(shared_server: Studio) -> None:
    import http.client
    import json as json_

    host, port = shared_server.url.split("//")[1].rstrip("/").split(":")
    con = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        # Only the headers: the server answers from the declared length, at once.
        con.putrequest("POST", "/api/check")
        con.putheader("Content-Type", "application/json")
        con.putheader("Content-Length", str(50 * 1024 * 1024))
        con.endheaders()
        res = con.getresponse()
        assert res.status == 413
        assert json_.loads(res.read())["error"]["code"] == "P051"
    finally:
        con.close()


def test_a_rule_file_too_large_is_413(shared_server: Studio) -> None:
    text = "# " + "x" * (1024 * 1024 + 10)  # over 1 MiB, under the body limit
    got, r = shared_server.call("/api/check", {"path": "value.seg", "text": text})
    assert got == 413 and r["error"]["code"] == "P051"


def test_a_foreign_host_header_is_refused(shared_server: Studio) -> None:
    # DNS rebinding: a page of evil.example that resolves to 127.0.0.1.
    got, _ = shared_server.call("/api/project", headers={"Host": "evil.example"})
    assert got == 400


def test_history_without_snapshots_says_how_to_take_one(shared_server: Studio) -> None:
    got, h = shared_server.call("/api/history?segment=vip")
    assert got == 200 and h["points"] == [] and "snapshot" in h["hint"]


def test_profile_over_http_is_segdsl_profile_and_its_sizes_are_evals(
    shared_server: Studio,
) -> None:
    from segdsl.tools.measure.profile import profile

    got, pr = shared_server.call("/api/profile?segment=vip&as_of=2026-06-30")
    assert got == 200
    project = segdsl.load_project(RETAIL)
    assert pr == profile(project, "vip", as_of=project.as_of("2026-06-30")).to_json()
    sizes = project.evaluate(["vip"], as_of="2026-06-30").sizes["vip"]
    assert (pr["segment_size"], pr["base_size"]) == (sizes.members, sizes.entity_count)
    assert pr["categorical"] and pr["numeric"]
    got, bad = shared_server.call("/api/profile")
    assert got == 400 and "segment" in str(bad)
    got, bad = shared_server.call("/api/profile?segment=no_such_segment")
    assert 400 <= got < 500


def test_history_shows_the_snapshots(tmp_path: Path) -> None:
    root = copy_retail(tmp_path / "retail")
    env = {"PYTHONPATH": str(REPO / "src")}
    # exact instants (the example's zone is Europe/Berlin; history keeps UTC instants)
    for as_of in ("2026-03-31T00:00:00Z", "2026-06-30T00:00:00Z"):
        subprocess.run(
            [sys.executable, "-m", "segdsl", "snapshot", "vip", "-p", str(root), "--as-of", as_of],
            check=True,
            capture_output=True,
            env={**os.environ, **env},
        )
    with studio(root) as s:
        got, h = s.call("/api/history?segment=vip")
    assert got == 200
    assert [p["as_of"][:10] for p in h["points"]] == ["2026-03-31", "2026-06-30"]
    assert all(p["members"] > 0 for p in h["points"]) and h["points"][0]["entered"] is None


def test_diff_against_head_then_save_writes_the_formatted_file(server: Studio) -> None:
    original = value_text()
    edited = original + '\nsegment   studio_saved\n    where country="DE"\n'
    got, d = server.call("/api/diff", {"path": "value.seg", "text": edited})
    assert got == 200 and d["in_git"] is True and d["unchanged"] is False
    assert d["text"] == format_text(edited, "value.seg")
    added = [ln for ln in d["diff_head"].splitlines() if ln.startswith("+") and "+++" not in ln]
    assert added == ["+", "+segment studio_saved", '+  where country = "DE"']

    _, f = server.call("/api/file?path=value.seg")
    got, saved = server.call("/api/save", {"path": "value.seg", "text": edited, "hash": f["hash"]})
    assert got == 200
    on_disk = (server.root / "value.seg").read_text(encoding="utf-8")
    assert on_disk == saved["text"] == format_text(edited, "value.seg")
    assert not list(server.root.glob(".value.seg.*"))  # no temporary file left

    # Saved with the old hash again: the file changed since → 409, the disk is kept.
    got, r = server.call("/api/save", {"path": "value.seg", "text": original, "hash": f["hash"]})
    assert got == 409 and r["error"]["code"] == "P055"
    assert (server.root / "value.seg").read_text(encoding="utf-8") == on_disk


def test_save_refuses_text_that_does_not_parse(server: Studio) -> None:
    got, r = server.call("/api/save", {"path": "value.seg", "text": "segment x where ("})
    assert got == 400 and r["error"]["code"].startswith("E1")
    assert (server.root / "value.seg").read_text(encoding="utf-8") == value_text()


def test_a_slow_evaluation_blocks_nothing_and_a_newer_one_cancels_it(tmp_path: Path) -> None:
    root = copy_retail(tmp_path / "retail")
    # Every evaluation starts with about 6 s of DuckDB work (interruptible queries).
    with studio(root, env={"SEGDSL_STUDIO_TEST_SLOW": "6"}) as s:
        body = {
            "path": "value.seg",
            "text": value_text() + EXTRA,
            "as_of": AS_OF,
            "channel": "tab",
            "segment": "studio_de",
        }
        first: dict[str, Any] = {}

        def run_first() -> None:
            t = time.monotonic()
            first["status"], first["body"] = s.call("/api/evaluate", {**body, "seq": 1})
            first["seconds"] = time.monotonic() - t
            first["ended"] = time.monotonic()

        th = threading.Thread(target=run_first)
        th.start()
        time.sleep(1.0)
        # While it runs, the rest of the studio answers at once.
        t = time.monotonic()
        got, _ = s.call("/api/project")
        assert got == 200 and time.monotonic() - t < 2.0
        got, _ = s.call("/api/check", {"path": "value.seg", "text": value_text()})
        assert got == 200
        # A newer request of the same tab: the first is interrupted and says so.
        t = time.monotonic()
        second: dict[str, Any] = {}

        def run_second() -> None:
            second["status"], second["body"] = s.call(
                "/api/evaluate", {**body, "segment": "studio_de_30", "seq": 2}
            )

        th2 = threading.Thread(target=run_second)
        th2.start()
        th.join(30)
        assert first["status"] == 200 and first["body"] == {"obsolete": True, "seq": 1}
        # Interrupted soon after the newer request, not run to its end (≥ 6 s).
        assert first["seconds"] < 5.5 and first["ended"] - t < 3.0
        th2.join(60)
        assert second["status"] == 200, second
        assert second["body"]["members"] == count("country = 'DE' AND age >= 30")
        _, st = s.call("/api/status")
        assert st["obsolete_evaluations"] == 1


def test_cli_port_taken_and_missing_folder(tmp_path: Path) -> None:
    import socket

    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "segdsl",
                "studio",
                "-p",
                str(RETAIL),
                "--port",
                str(port),
                "--no-browser",
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "P057" in proc.stderr and f"port {port}" in proc.stderr
    proc = subprocess.run(
        [sys.executable, "-m", "segdsl", "studio", "-p", str(tmp_path / "nope"), "--no-browser"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 1 and "no such folder" in proc.stderr
    proc = subprocess.run(
        [sys.executable, "-m", "segdsl", "studio", "-p", str(tmp_path), "--no-browser"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 1 and "P053" in proc.stderr and "segdsl.toml" in proc.stderr


def test_without_the_extra_the_command_says_what_to_install(tmp_path: Path) -> None:
    # Starlette made unimportable, as in an environment without segdsl[studio].
    (tmp_path / "sitecustomize.py").write_text(
        "import sys\n"
        "class _Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('starlette', 'uvicorn'):\n"
        "            raise ImportError(name)\n"
        "sys.meta_path.insert(0, _Block())\n",
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "PYTHONPATH": f"{tmp_path}{os.pathsep}{REPO / 'src'}",
    }
    proc = subprocess.run(
        [sys.executable, "-m", "segdsl", "studio", "-p", str(RETAIL), "--no-browser"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "P050" in proc.stderr and "pip install 'segdsl[studio]'" in proc.stderr


def test_completion_offers_what_fits_the_place(shared_server: Studio) -> None:
    text = value_text() + "\nsegment studio_c\n  where count(purchase where purchase.) > 2\n"
    line = text.count("\n") - 1  # 0-based: the `where` line
    where = text.split("\n")[line]
    body = {"path": "value.seg", "text": text, "line": line}
    got, r = shared_server.call(
        "/api/complete", {**body, "character": where.index("purchase.)") + len("purchase.")}
    )
    assert got == 200
    catalog = (RETAIL / "segdsl.toml").read_text(encoding="utf-8")
    fields = re.search(r"\[event\.purchase\.fields\]\n(.*?)\n\n", catalog, re.S)
    assert fields is not None
    expected = {ln.split("=")[0].strip() for ln in fields.group(1).splitlines() if "=" in ln}
    got_fields = {i["label"] for i in r["items"] if i["kind"] == "field"}
    assert expected <= got_fields
    assert {i["type"] for i in r["items"]} == {"property"}
    # At the start of a condition: the attributes with their types, and the measures.
    _, r = shared_server.call("/api/complete", {**body, "character": len("  where ")})
    by_label = {i["label"]: i for i in r["items"]}
    assert by_label["age"]["kind"] == "attribute" and "integer" in by_label["age"]["detail"]
    assert by_label["spend_365d"]["kind"] == "measure"
    got, r = shared_server.call("/api/complete", {**body, "character": -1})
    assert got == 400 and r["error"]["code"] == "P052"


def test_the_page_cannot_be_framed_and_loads_only_its_own_files(shared_server: Studio) -> None:
    import urllib.request

    with urllib.request.urlopen(shared_server.url, timeout=30) as res:
        page = res.read().decode()
        headers = res.headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    # Nothing from elsewhere: every script and style sheet is the studio's own.
    assert re.findall(r'(?:src|href)="([^"]+)"', page) == [
        "/static/studio.css",
        "/static/studio.js",
    ]
    with urllib.request.urlopen(shared_server.url + "static/studio.js", timeout=30) as res:
        assert res.status == 200 and len(res.read()) > 100_000


def test_hover_says_what_a_name_is(shared_server: Studio) -> None:
    text = value_text()
    lines = text.split("\n")
    line = next(i for i, t in enumerate(lines) if t.strip() == "where top 20% by spend_365d")
    character = lines[line].index("spend_365d") + 3
    got, r = shared_server.call(
        "/api/hover", {"path": "value.seg", "text": text, "line": line, "character": character}
    )
    assert got == 200
    h = r["hover"]
    assert "measure `spend_365d`" in h["contents"]
    measures = (RETAIL / "measures.seg").read_text(encoding="utf-8")
    assert "sum(purchase.amount in last 365 days" in measures
    assert "sum(purchase.amount in last 365 days" in h["contents"]
    assert (h["line"], h["column"], h["end_column"]) == (
        line + 1,
        lines[line].index("spend_365d") + 1,
        lines[line].index("spend_365d") + 11,
    )
    _, r = shared_server.call(
        "/api/hover", {"path": "value.seg", "text": text, "line": 0, "character": 0}
    )
    assert r["hover"] is None  # a comment


@pytest.mark.parametrize("as_of", ["2026-03-31", "2026-06-30"])
def test_size_at_the_chosen_as_of(shared_server: Studio, as_of: str) -> None:
    text = value_text() + "\nsegment studio_recent\n  where count(purchase in last 30 days) >= 1\n"
    _, r = shared_server.call(
        "/api/evaluate",
        {
            "path": "value.seg",
            "text": text,
            "segment": "studio_recent",
            "as_of": as_of,
            "channel": f"asof-{as_of}",
            "seq": 1,
        },
    )
    # Orders in the 30 days up to the as-of instant — the start of that day in the
    # project's zone (Europe/Berlin), as UTC — end included.
    zone = ZoneInfo(segdsl.load_project(RETAIL).catalog.timezone)
    local = dt.datetime.fromisoformat(as_of).replace(tzinfo=zone)
    instant = local.astimezone(dt.UTC).replace(tzinfo=None).isoformat()
    con = duckdb.connect()
    try:
        (row,) = con.execute(
            "SELECT count(DISTINCT customer_id) FROM read_parquet(?) "
            "WHERE ordered_at <= CAST(? AS TIMESTAMP) "
            "AND ordered_at > CAST(? AS TIMESTAMP) - INTERVAL 30 DAY",
            [str(RETAIL / "data" / "orders.parquet"), instant, instant],
        ).fetchall()
    finally:
        con.close()
    assert r["as_of"] == instant
    assert r["members"] == row[0] > 0
