"""Generate every form of the common schema from ``schemas.definition.FIELDS``."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from schemas.definition import FIELD_BY_NAME, FIELDS, MULTI_SEPARATOR, SCHEMA_VERSION, SchemaField

_DUCKDB_TYPES = {
    "string": "VARCHAR",
    "integer": "BIGINT",
    "number": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "datetime": "TIMESTAMP",
}


def _fields(names: Iterable[str] | None) -> list[SchemaField]:
    return list(FIELDS) if names is None else [FIELD_BY_NAME[n] for n in names]


def _full_match(pattern: str) -> str:
    """A regex as Table Schema wants it: matching the whole cell (so a prefix rule gains ``.*``)."""
    core = pattern.removeprefix("^")
    return core.removesuffix("$") if core.endswith("$") else core + ".*"


def table_schema(names: Iterable[str] | None = None) -> dict[str, Any]:
    """The Frictionless Table Schema for the given columns (all fields by default), in that order."""
    out: list[dict[str, Any]] = []
    for f in _fields(names):
        desc: dict[str, Any] = {
            "name": f.name,
            "title": f.ja,
            "description": f.en,
            "type": f.type,
        }
        if f.type == "datetime":
            desc["format"] = "any"
        constraints: dict[str, Any] = {}
        if f.required:
            constraints["required"] = True
        if f.pattern and not f.multi:
            constraints["pattern"] = _full_match(f.pattern)
        if f.enum and not f.multi:
            constraints["enum"] = list(f.enum)
        if f.minimum is not None:
            constraints["minimum"] = f.minimum
        if f.maximum is not None:
            constraints["maximum"] = f.maximum
        if constraints:
            desc["constraints"] = constraints
        if f.example:
            desc["example"] = f.example
        if f.multi:
            desc["description"] += f" Values separated by '{MULTI_SEPARATOR}'."
        out.append(desc)
    return {"fields": out, "missingValues": [""], "x-schemaVersion": SCHEMA_VERSION}


def duckdb_columns(names: Iterable[str] | None = None) -> str:
    """DuckDB column definitions for the given fields, for CREATE TABLE."""
    return ",\n    ".join(f"{f.name} {_DUCKDB_TYPES[f.type]}" for f in _fields(names))


def docs_table() -> str:
    """A Markdown table of the schema for docs/schema.md."""
    lines = [
        "| field | 項目名 | type | required | constraints | description |",
        "|---|---|---|---|---|---|",
    ]
    for f in FIELDS:
        rules = []
        if f.pattern:
            rules.append(f"pattern `{f.pattern}`")
        if f.enum:
            rules.append("one of " + ", ".join(f.enum))
        if f.multi:
            rules.append(f"multi ('{MULTI_SEPARATOR}')")
        if f.private:
            rules.append("private")
        lines.append(
            f"| `{f.name}` | {f.ja} | {f.type} | {'yes' if f.required else ''} | {'; '.join(rules)} | {f.en} |"
        )
    return "\n".join(lines) + "\n"


def _enum_check(f: SchemaField) -> Any:
    import pandera.pandas as pa

    allowed = set(f.enum or ())
    if not f.multi:
        return pa.Check.isin(sorted(allowed))

    def all_known(series: Any) -> Any:
        return series.map(lambda v: v is None or set(str(v).split(MULTI_SEPARATOR)) <= allowed)

    return pa.Check(all_known, element_wise=False, name=f"each_in({','.join(f.enum or ())})")


def pandera_schema(names: Iterable[str] | None = None) -> Any:
    """The pandera DataFrameSchema for the given columns; lazy validation reports every failure."""
    import pandera.pandas as pa

    columns: dict[str, Any] = {}
    for f in _fields(names):
        checks = []
        if f.pattern:
            checks.append(pa.Check.str_matches(f.pattern))
        if f.enum:
            checks.append(_enum_check(f))
        if f.minimum is not None or f.maximum is not None:
            low = f.minimum if f.minimum is not None else float("-inf")
            high = f.maximum if f.maximum is not None else float("inf")
            checks.append(pa.Check.in_range(low, high))
        dtype = {"number": float, "integer": "Int64"}.get(f.type)
        columns[f.name] = pa.Column(
            dtype, nullable=not f.required, checks=checks, required=False, description=f.en, title=f.ja
        )
    return pa.DataFrameSchema(columns, strict=False, name="social_resource")


def write_artifacts(root: Path) -> list[Path]:
    """Write the generated files that live in the repository (docs table, Table Schema JSON)."""
    docs = root / "docs" / "schema.md"
    docs.parent.mkdir(parents=True, exist_ok=True)
    docs.write_text(DOCS_HEADER + docs_table(), encoding="utf-8")
    schema_json = root / "schemas" / "social_resource.schema.json"
    schema_json.write_text(json.dumps(table_schema(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return [docs, schema_json]


DOCS_HEADER = """# The common schema (v1)

Generated from `schemas/definition.py` by `python -m schemas.generate`; do not edit by hand
(a test fails when this file drifts). Multi-valued cells use `;`, dates are ISO 8601 and
coordinates WGS84 decimal degrees. Private fields are published only with consent.

"""


if __name__ == "__main__":
    for written in write_artifacts(Path(__file__).resolve().parent.parent):
        print(written.name)
