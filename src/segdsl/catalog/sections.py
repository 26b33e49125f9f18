"""The tables of ``segdsl.toml`` that commands own — ``[lint]`` and ``[history]`` — checked
when the catalog loads, so that ``segdsl check`` refuses a misspelt key (with a
did-you-mean) instead of the command that reads it ignoring it later. ``[engine.NAME]``
tables are checked against the engine registry by the project loader
(:func:`segdsl.engines.validate_engines`), which sits above the catalog."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError, field_validator

from segdsl.diagnostics import Diagnostic, Source, codes


class LintSection(BaseModel):
    model_config = ConfigDict(extra="forbid")
    select: list[str] | str | None = None
    ignore: list[str] | str | None = None
    severity: dict[str, Literal["error", "warning", "info"]] = {}
    hygiene: StrictBool = False


class HistorySection(BaseModel):
    model_config = ConfigDict(extra="forbid")
    path: str = Field(default=".segdsl/history.duckdb", min_length=1)
    lock_timeout: float = Field(default=30.0, ge=0)

    @field_validator("lock_timeout", mode="before")
    @classmethod
    def _no_bool(cls, v: Any) -> Any:
        if isinstance(v, bool):
            raise ValueError("must be a number of seconds, 0 or more")
        return v


# section → (model, code of its problems, where it is documented)
SECTIONS: dict[str, tuple[type[BaseModel], str, str]] = {
    "lint": (LintSection, codes.L001, "see docs/lint.md, section Configuration"),
    "history": (HistorySection, codes.H001, "see docs/history.md"),
}

# (section, key) → (message, hint) for a value of the wrong kind
_WRONG_VALUE = {
    ("lint", "select"): ('`lint.select` must be a list of codes, e.g. select = ["W201"]', ""),
    ("lint", "ignore"): ('`lint.ignore` must be a list of codes, e.g. ignore = ["W201"]', ""),
    ("lint", "severity"): (
        "`lint.severity` values must be one of error, warning, info",
        'write e.g. severity = { W201 = "error" }',
    ),
    ("lint", "hygiene"): ("`lint.hygiene` must be true or false", ""),
    ("history", "path"): (
        "`[history]`: `path` must be a non-empty text",
        'write e.g. path = ".segdsl/history.duckdb" (relative to the project folder)',
    ),
    ("history", "lock_timeout"): (
        "`[history]`: `lock_timeout` must be a number of seconds, 0 or more",
        "write e.g. lock_timeout = 30",
    ),
}


def check_sections(data: dict[str, Any], source: Source) -> list[Diagnostic]:
    """Diagnostics for the command-owned tables of the parsed TOML ``data``."""
    from segdsl.catalog.locate import catalog_error
    from segdsl.diagnostics.suggest import did_you_mean

    diags: list[Diagnostic] = []
    for name, (model, code, doc) in SECTIONS.items():
        raw = data.get(name)
        if raw is None:
            continue
        if not isinstance(raw, dict):
            diags.append(
                catalog_error(source, (name,), f"`{name}` must be a table", doc, code=code)
            )
            continue
        try:
            model.model_validate(raw)
        except ValidationError as exc:
            for err in exc.errors():
                loc = (name, *(str(p) for p in err["loc"]))
                if err["type"] == "extra_forbidden":
                    known = sorted(model.model_fields)
                    message = f"`[{name}]`: unknown key `{loc[-1]}`"
                    hint = did_you_mean(loc[-1], known) + f"the keys are: {', '.join(known)}"
                elif (name, loc[1]) in _WRONG_VALUE:
                    message, hint = _WRONG_VALUE[name, loc[1]]
                    hint = hint or doc
                else:
                    message = f"`{'.'.join(loc)}`: {err['msg'].removeprefix('Value error, ')}"
                    hint = doc
                diags.append(catalog_error(source, loc, message, hint, code=code))
    return diags
