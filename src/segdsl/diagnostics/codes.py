"""Every error, warning and note code segdsl reports, each with its one-line meaning.

This is the registry: a code used anywhere under ``src/segdsl`` must be registered here,
and every registered code has a row in the error-code table of ``docs/language.md``
(``tests/house/test_codes.py`` checks both ways). Adding a code is one line::

    V001 = code("V001", "what it means, in the reader's words")

Raise sites use the constants (``codes.U004``) where practical; a string literal works
too (the constants are plain strings) and is checked by the same test.

Ranges: ``E1xx`` syntax, ``E2xx``/``E3xx`` names and meaning (resolver), ``C`` the
catalog, ``U`` the command line and files, ``D`` the data and engines, ``S`` SQL
dialects, ``H`` the history store, ``L``/``W``/``I`` lint. Reserved for work in progress:
``E115``–``E199``, ``E314``–``E399``, ``W140``–``W159``, ``I410``–``I419`` (language),
``V`` (live), ``M`` (measure), ``K`` (suggest), ``X`` (warehouse), ``P`` (lsp, studio).
"""

from __future__ import annotations

REGISTRY: dict[str, str] = {}


def code(name: str, meaning: str) -> str:
    """Register ``name`` with its one-line ``meaning``; return the name."""
    if name in REGISTRY:
        raise ValueError(f"error code {name} registered twice")
    REGISTRY[name] = meaning
    return name


def meaning(name: str) -> str | None:
    """The registered meaning of a code, or None."""
    return REGISTRY.get(name)


# ---- syntax (segdsl.syntax) ---------------------------------------------------------
E101 = code("E101", "syntax error (with a targeted hint for common mistakes)")
E102 = code("E102", "a keyword used as a name")
E103 = code("E103", "an unknown segment clause (not title, description, owner, tags)")
E104 = code("E104", "a metadata clause given twice, or given several texts")
E105 = code("E105", "`count` followed by a word other than `distinct`")
E106 = code("E106", "a bad duration: not a whole non-negative number, or over 1,000 years")
E107 = code("E107", "a duration with an unknown unit")
E108 = code("E108", "a number with more than 100 digits")
E109 = code("E109", "an unknown escape in a text")
E110 = code("E110", "not a real date or timestamp")
E111 = code("E111", "a rule nested more than 200 levels deep")
E112 = code("E112", "a file over 1 MiB")
E114 = code("E114", "a project with more than 20,000 segments and measures")

# ---- names and meaning (segdsl.semantic) ----------------------------------------------
E201 = code("E201", "unknown name, field, event or segment")
E202 = code("E202", "a name defined twice, or a measure named like an attribute")
E203 = code("E203", "unknown entity")
E301 = code("E301", "measures or segments that refer to themselves")
E302 = code("E302", "not a condition where a condition is needed, or the reverse")
E303 = code("E303", "types that do not fit")
E304 = code("E304", "a form that cannot appear inside an event condition")
E305 = code("E305", "a percentage, coordinate or distance out of range")
E306 = code("E306", "an empty range")
E307 = code("E307", "an event, measure or segment of another entity")
E308 = code("E308", "an aggregate given the wrong argument")
E309 = code("E309", "a window that ends before it starts, or a bad `then … within`")
E310 = code("E310", "a sequence over events stamped with different kinds of time")
E311 = code("E311", "`within … km` for an entity with no `location`")
E312 = code("E312", "a condition too deep or too large once written out")
E313 = code("E313", "more than 200 errors: the resolver stopped")

# ---- the catalog (segdsl.catalog, segdsl.engines settings) ---------------------------
C000 = code("C000", "segdsl.toml is not valid TOML")
C001 = code("C001", "a missing, unknown or malformed key in segdsl.toml")
C002 = code("C002", "an unknown attribute or field type")
C003 = code("C003", "an entity that is not defined (an event's, or `default_entity`)")
C004 = code("C004", "an unknown SQL dialect in `[project]`")
C010 = code("C010", "no segdsl.toml in the project folder")
C012 = code("C012", "a table or column name that is empty or holds a control character")
C030 = code("C030", "an unknown engine in `[engine.NAME]`")
C031 = code("C031", "bad settings in `[engine.NAME]`")
C032 = code("C032", "an engine used without the settings it needs")
C033 = code("C033", "the variable named by `dsn_env` is not set")

# ---- the command line and files (segdsl.cli, segdsl.project) -------------------------
U001 = code("U001", "`--as-of` is not a date or timestamp, or not a real one")
U002 = code("U002", "unknown SQL dialect, or a dialect that is not SQL")
U003 = code("U003", "`--membership` over segments of different entities")
U004 = code("U004", "no segment with that name")
U005 = code("U005", "`--out` file extension not known")
U006 = code("U006", "`--out` folder does not exist, or the file cannot be written")
U007 = code("U007", "options that cannot go together (names and `--rule`, …)")
U010 = code("U010", "a folder or file cannot be read")
U011 = code("U011", "a file is not UTF-8 text")
U020 = code("U020", "`fmt`: a path given does not exist")
U040 = code("U040", "`diff`: not inside a git repository")
U041 = code("U041", "`diff`: unknown git revision")
U042 = code("U042", "`diff`: no segdsl.toml at that revision")
U043 = code("U043", "`diff`: git is not installed")
U044 = code("U044", "`diff`: a PATH outside the project")
U045 = code("U045", "`diff --fail-above` without data to evaluate")
U050 = code("U050", "unknown `--engine`")
U051 = code("U051", "`compile --read-files` for a dialect that cannot read files")

# ---- data and engines (segdsl.engines, segdsl.evaluation) ----------------------------
D001 = code("D001", "a source (table or file) named in the catalog does not exist")
D002 = code("D002", "the database rejected the query")
D003 = code("D003", "an engine failed to start or to run")
D004 = code("D004", "an engine's Python package is not installed")
D005 = code("D005", "`load`: a column of a type that cannot be copied to the engine")
D006 = code("D006", "a column the catalog names is not in its source")
D007 = code("D007", "a column holds another kind of value than the catalog says")
D008 = code("D008", "an entity's key is not unique in its source")
D009 = code("D009", "rows of an entity's source have no key (NULL)")
S001 = code("S001", "a construct the chosen SQL dialect cannot express")

# ---- the history store (segdsl.tools.history, overlap) -------------------------------
H001 = code("H001", "`[history]` in segdsl.toml is not valid")
H002 = code("H002", "the history store cannot be created or opened")
H003 = code("H003", "the file is not a segdsl history store")
H004 = code("H004", "the history store stayed locked by another process")
H005 = code("H005", "the history store was written by a newer segdsl")
H006 = code("H006", "the entity's keys are of a type the store cannot keep")
H010 = code("H010", "`history`: there is no store yet")
H011 = code("H011", "`history`: the store has no snapshot of that segment")
H020 = code("H020", "`overlap`: no segment to compare")

# ---- lint (segdsl.tools.lint; docs/lint.md has the details) --------------------------
L001 = code("L001", "the [lint] table of segdsl.toml is not valid")
L101 = code("L101", "a condition that no entity can satisfy")
W110 = code("W110", "a condition that every entity satisfies")
W111 = code("W111", "a disjunction that is only a roundabout `x is set`")
W120 = code("W120", "a predicate that the others already imply")
W121 = code("W121", "the same predicate twice")
W130 = code("W130", "two segments with the same condition")
W201 = code("W201", "a negative test that also matches entities whose value is missing")
W301 = code("W301", "a window of length 0")
W302 = code("W302", "`top`/`bottom` 0% or 100%")
W303 = code("W303", "a window longer than the retention")
W304 = code("W304", "an event `retention` that cannot be read")
I401 = code("I401", "a measure that no segment uses")
I402 = code("I402", "a segment without title or owner")
I403 = code("I403", "a name that is not snake_case")
I404 = code("I404", "a segment that only references another one")

# ---- the editor tools (segdsl.tools.lsp, segdsl.tools.editing, segdsl.tools.studio) --------
P001 = code("P001", "`segdsl lsp` without its extra: pip install 'segdsl[lsp]'")
P004 = code("P004", "editor: no segdsl.toml in the folder or above, so names are not checked")
P050 = code("P050", "`segdsl studio` without its extra: pip install 'segdsl[studio]'")
P051 = code("P051", "studio: a request, or a rule file, over its size limit (HTTP 413)")
P052 = code("P052", "studio: a request without what the endpoint needs, or not valid JSON")
P053 = code("P053", "studio: a path outside the project, or not a .seg file nor segdsl.toml")
P054 = code("P054", "studio: no such file or endpoint (HTTP 404)")
P055 = code("P055", "studio: the file changed on disk since it was opened (HTTP 409)")
P056 = code("P056", "studio: a request that is not sent as JSON (HTTP 415)")
P057 = code("P057", "studio: cannot listen on the host and port")
P059 = code("P059", "studio: an unexpected failure inside the studio (HTTP 500)")

# ---- added with their features (E) ----------------------------------------
E115 = code("E115", "a class of a segmentation after its catch-all class")
E116 = code("E116", "`in previous N UNITs` with N below 1")
E117 = code("E117", "an unknown calendar unit, or `in this` with a number or a plural")
E118 = code(
    "E118", "`score 1..N` that does not start at 1 or whose N is not a whole number from 2 to 100"
)
E120 = code("E120", "a class name used twice in one segmentation")
E314 = code("E314", "an unknown time zone in `[project] timezone`")
E315 = code(
    "E315",
    "an event field named `day_of_week` or `hour_of_day` (they are parts of the event's time)",
)
E316 = code("E316", "`hour_of_day` of an event stamped with dates")
E317 = code("E317", "`x = 25-34`: a subtraction of two numbers where a range was meant")
E318 = code("E318", "two expressions compared where one is a date and the other a timestamp")
E319 = code("E319", "a score or ranking computed from a score, ranking or segmentation")
E321 = code(
    "E321", "`in segment` with an unknown class of a segmentation, or with the segmentation itself"
)

# ---- added with their features (M) ----------------------------------------
M001 = code("M001", "`segdsl lift`: the metric is empty")
M002 = code(
    "M002", "`segdsl lift`: the metric is not a number per entity made of aggregates of events"
)
M003 = code("M003", "`segdsl lift`: the metric has a window")
M006 = code("M006", "`segdsl lift`/`profile`/`test`")
M007 = code("M007", "`segdsl lift`: `--to` is not after `--from`")
M008 = code("M008", "`segdsl lift`: `--pre-days` below 1")
M009 = code("M009", "`segdsl lift`: `--expected-control-share` not between 0 and 1")
M010 = code("M010", "`segdsl lift`: the treated group and the control are the same segment")
M011 = code("M011", "`segdsl lift`/`profile`: segments (or the metric) of different entities")
M012 = code("M012", "`segdsl lift`: entities in both groups at `--from` (the count is given)")
M013 = code("M013", "`segdsl lift`: a group with fewer than 2 members with a value of the metric")
M014 = code("M014", "`segdsl profile`: the segment or the base has no members")
M020 = code(
    "M020",
    "`segdsl test`: a test file that cannot be read, is not TOML, or has an unknown or missing key",
)
M021 = code("M021", "`segdsl test`: a fixture with an unknown entity, attribute, event or field")

# ---- lint of segmentations --------------------------------------------------------
W140 = code("W140", "a class of a segmentation whose entities are all taken by earlier classes")
W141 = code("W141", "a class of a segmentation with the same condition as an earlier class")
I410 = code(
    "I410", "a segmentation without a catch-all whose classes leave entities without a class"
)

# ---- the language server's answers to requests (inside the LSP error text) ----------
P002 = code("P002", "the language server cannot rename this")
P003 = code("P003", "the language server cannot format a file that does not parse")
P005 = code("P005", "the editor asked about a document that is not a file")

# ---- added with their features (V) ----------------------------------------
V001 = code(
    "V001", "live input: a line (or request body) that is not valid JSON, or longer than 1 MiB"
)
V002 = code(
    "V002", "live input: not an event, an attribute update or a tick, or a key it does not have"
)
V003 = code("V003", "live input: an unknown event kind")
V004 = code("V004", "live input: an unknown attribute or entity")
V005 = code("V005", "live input: an attribute or field value of the wrong type")
V006 = code("V006", "live input: a missing or unreadable timestamp (or tick)")
V007 = code("V007", "live input: a missing or invalid profile key; a profile never seen (HTTP 404)")
V008 = code("V008", "a live state file that cannot be used: damaged, or written for other rules")
V009 = code("V009", "live input: an unknown event field")
V010 = code("V010", "the live state file cannot be written")
V011 = code("V011", "`--backfill` with a state file that exists already")
V012 = code("V012", "`segdsl serve` without the `live` extra (Starlette, uvicorn)")
V013 = code("V013", "`segdsl serve`: a request body over `--max-body` (HTTP 413)")
V014 = code("V014", "`segdsl serve`: the address cannot be listened on")
V015 = code("V015", "`segdsl serve --webhook`: not an http:// or https:// URL")

# ---- added with their features (K) ----------------------------------------
K001 = code("K001", "suggest: no feature given, or both `--features` and `--rfm`")
K002 = code("K002", "suggest: a feature that is not a number")
K003 = code("K003", "suggest: a feature name already taken, or given twice")
K004 = code("K004", "suggest: scikit-learn or numpy missing (`pip install 'segdsl[suggest]'`)")
K005 = code("K005", "suggest: too few distinct points for k clusters")
K006 = code("K006", "suggest: `--k`, `--leaves` or `--sample` out of range")
K007 = code("K007", "suggest: no such entity, or no default entity")
K008 = code("K008", "suggest: the segmentation's (or an RFM measure's) name is taken")
K009 = code("K009", "suggest: too few sampled entities with every feature set")
K010 = code("K010", "suggest --rfm: the purchase event is missing or ambiguous (`--event`)")
K011 = code("K011", "suggest --rfm: the amount field is missing or ambiguous (`--amount`)")
K012 = code("K012", "suggest --rfm: a period that cannot be read")
K013 = code("K013", "suggest --rfm: `--scores` outside 3–10")
K014 = code("K014", "suggest: `--out` is not a `.seg` file, or its folder does not exist")
# ---- the warehouse: export dbt, sync (X) ----------------------------------------------
X001 = code("X001", "`export dbt`: `--out` is not a folder")
X002 = code(
    "X002", "`export dbt`: a segment or segmentation named like the key or a column dbt uses"
)
X003 = code("X003", "`export dbt`: a file in the way that segdsl did not write")
X004 = code("X004", "`export dbt`: the project has no segment")
X010 = code("X010", "`[warehouse]`: an unknown key, or a value that is not a non-empty text")
X011 = code("X011", "`sync`: an as-of earlier than the last sync's")
X012 = code("X012", "`sync`: a table of segdsl's name with other columns is in the way")
X013 = code("X013", "`sync`: an engine that cannot hold the history (only duckdb, postgres)")
X014 = code("X014", "`sync`: the DuckDB file cannot be opened or created")
X015 = code("X015", "`sync --changes`: an unknown extension, or a folder that does not exist")
X016 = code("X016", "`snapshot NAMES…` with `[warehouse]`: a sync takes every segment")
X017 = code("X017", "`sync --engine postgres` without psycopg (the `warehouse` extra)")
X018 = code("X018", "`sync`: the warehouse rejected a statement; rolled back")
X020 = code("X020", "`history` with `[warehouse]`: no history table yet")
X021 = code("X021", "`history` with `[warehouse]`: no sync holds that segment")
