"""The open-data files of a release: CSV, GeoJSON, changes, the data package and the catalog record."""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from exports._text import (
    as_text,
    frame_rows,
    iso,
    municipality_dict,
    sha256_file,
    write_json,
    write_small_csv,
)
from exports.freshness import FRESHNESS_CSV_COLUMNS, STATUS_ORDER
from schemas.definition import CONTACT_FIELDS, FIELD_BY_NAME, PUBLIC_FIELDS, SCHEMA_VERSION
from schemas.generate import table_schema

CSV_NAME = "social_resources.csv"
GEOJSON_NAME = "social_resources.geojson"
CHANGES_NAME = "changes.csv"
FRESHNESS_NAME = "freshness.csv"
PACKAGE_NAME = "datapackage.json"
CATALOG_NAME = "catalog.json"
LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 International",
}
CHANGE_COLUMNS = ("change", "resource_id", "name", "changed_fields")
# Bookkeeping times move on every fetch; a resource has changed only when what it says has.
UNCOMPARED_FIELDS = frozenset({"fetched_at", "last_changed_at", "last_verified_at", "first_seen_at"})
_PERIODICITY = {1: "R/P1D", 7: "R/P1W", 14: "R/P2W", 30: "R/P1M", 90: "R/P3M", 180: "R/P6M", 365: "R/P1Y"}


@dataclass(frozen=True)
class PublicRows:
    """The publishable rows as canonical text, with what was withheld."""

    text: pd.DataFrame
    published: int
    withheld_no_consent: int
    contacts_blanked: int
    with_coordinates: int


def _consents(series: pd.Series) -> pd.Series:
    """True only where consent is explicit; a missing flag withholds."""
    return series.astype("string").str.lower().isin(["true", "1", "yes"]).astype(bool)


def public_rows(resources: pd.DataFrame) -> PublicRows:
    """Consented rows, contacts blanked without contact consent, PUBLIC_FIELDS as text, by resource_id."""
    publish = _consents(resources["publish"])
    rows = resources.loc[publish]
    contact_ok = _consents(rows["contact_public"])
    text = pd.DataFrame(
        {
            name: as_text(rows[name], FIELD_BY_NAME[name].type, multi=FIELD_BY_NAME[name].multi)
            for name in PUBLIC_FIELDS
        },
        index=rows.index,
    )
    contacts = [c for c in CONTACT_FIELDS if c in text.columns]
    had_contact = text[contacts].notna().any(axis=1)
    text.loc[~contact_ok, contacts] = pd.NA
    text = text.sort_values("resource_id", kind="stable", na_position="last").reset_index(drop=True)
    return PublicRows(
        text=text,
        published=len(text),
        withheld_no_consent=int((~publish).sum()),
        contacts_blanked=int((had_contact & ~contact_ok).sum()),
        with_coordinates=int((text["lat"].notna() & text["lon"].notna()).sum()),
    )


def write_resources_csv(text: pd.DataFrame, path: Path) -> None:
    """social_resources.csv through DuckDB (several times faster than pandas), quoting only where needed."""
    table = pa.Table.from_pandas(text, preserve_index=False).cast(
        pa.schema([pa.field(name, pa.string()) for name in text.columns])
    )
    connection = duckdb.connect()
    try:
        connection.from_arrow(table).write_csv(str(path), header=True)
    finally:
        connection.close()


def read_text_csv(path: Path) -> pd.DataFrame:
    """A published CSV back as text (empty cells as NA), every column a string so values compare exactly."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        columns = next(csv.reader(handle), [])
    table = pacsv.read_csv(
        path,
        convert_options=pacsv.ConvertOptions(
            column_types={name: pa.string() for name in columns}, strings_can_be_null=True
        ),
    )
    return table.to_pandas(types_mapper={pa.string(): pd.StringDtype()}.get)


def _typed(text: pd.Series, name: str) -> list[Any]:
    kind = FIELD_BY_NAME[name].type if name in FIELD_BY_NAME else "string"
    if kind == "integer":
        values = pd.to_numeric(text, errors="coerce").astype("Int64")
    elif kind == "number":
        values = pd.to_numeric(text, errors="coerce")
    else:
        values = text
    return values.astype(object).where(values.notna(), None).tolist()


def geojson_document(text: pd.DataFrame) -> dict[str, Any]:
    """An RFC 7946 FeatureCollection: [lon, lat] points, null geometry when unplaced, no ``crs``."""
    columns = {name: _typed(text[name], name) for name in text.columns}
    names = list(columns)
    lat, lon = columns["lat"], columns["lon"]
    features = []
    for i, values in enumerate(zip(*columns.values(), strict=True)):
        placed = lat[i] is not None and lon[i] is not None
        features.append(
            {
                "type": "Feature",
                "id": values[0] if names[0] == "resource_id" else i,
                "geometry": {"type": "Point", "coordinates": [lon[i], lat[i]]} if placed else None,
                "properties": dict(zip(names, values, strict=True)),
            }
        )
    document: dict[str, Any] = {"type": "FeatureCollection"}
    placed_lat = pd.to_numeric(text["lat"], errors="coerce")
    placed_lon = pd.to_numeric(text["lon"], errors="coerce")
    both = placed_lat.notna() & placed_lon.notna()
    if both.any():
        document["bbox"] = [
            float(placed_lon[both].min()),
            float(placed_lat[both].min()),
            float(placed_lon[both].max()),
            float(placed_lat[both].max()),
        ]
    document["features"] = features
    return document


def write_geojson(text: pd.DataFrame, path: Path) -> None:
    """social_resources.geojson, compact (it is for machines) and strict JSON."""
    path.write_text(
        json.dumps(geojson_document(text), ensure_ascii=False, allow_nan=False, separators=(",", ":")),
        encoding="utf-8",
    )


def diff_releases(previous: pd.DataFrame | None, current: pd.DataFrame) -> pd.DataFrame:
    """Added, changed and removed resources between two published text frames, and which fields changed."""
    if previous is None:  # the first release adds everything it publishes
        previous = current.iloc[:0]
    old = previous.dropna(subset=["resource_id"]).drop_duplicates("resource_id").set_index("resource_id")
    new = current.dropna(subset=["resource_id"]).drop_duplicates("resource_id").set_index("resource_id")
    added = new.index.difference(old.index, sort=False)
    removed = old.index.difference(new.index, sort=False)
    common = new.index.intersection(old.index, sort=False)
    compared = [c for c in new.columns if c in old.columns and c not in UNCOMPARED_FIELDS]
    sentinel = "\x00"
    before = old.loc[common, compared].astype("string").fillna(sentinel)
    after = new.loc[common, compared].astype("string").fillna(sentinel)
    differs = before.ne(after)
    changed_mask = differs.any(axis=1)
    changed_fields = differs[changed_mask].astype(object).dot(pd.Index(compared) + ";").str.rstrip(";")
    parts = [
        pd.DataFrame(
            {
                "change": "added",
                "resource_id": added,
                "name": new.loc[added, "name"].to_numpy(),
                "changed_fields": pd.NA,
            }
        ),
        pd.DataFrame(
            {
                "change": "changed",
                "resource_id": changed_fields.index,
                "name": new.loc[changed_fields.index, "name"].to_numpy(),
                "changed_fields": changed_fields.to_numpy(),
            }
        ),
        pd.DataFrame(
            {
                "change": "removed",
                "resource_id": removed,
                "name": old.loc[removed, "name"].to_numpy(),
                "changed_fields": pd.NA,
            }
        ),
    ]
    nonempty = [part for part in parts if len(part)]
    out = pd.concat(nonempty, ignore_index=True) if nonempty else pd.DataFrame(columns=list(CHANGE_COLUMNS))
    out = out.astype("string")
    rank = out["change"].map({"added": 0, "changed": 1, "removed": 2})
    return out.assign(_o=rank).sort_values(["_o", "resource_id"]).drop(columns="_o").reset_index(drop=True)


def write_changes(changes: pd.DataFrame, path: Path) -> None:
    """changes.csv (UTF-8 with BOM: staff open it in Excel)."""
    write_small_csv(path, CHANGE_COLUMNS, frame_rows(changes[list(CHANGE_COLUMNS)]))


def freshness_schema() -> dict[str, Any]:
    """Table Schema of freshness.csv."""
    types = {
        "cadence_days": "integer",
        "overdue_days": "integer",
        "delinquent_days": "integer",
        "records": "integer",
        "quarantined": "integer",
        "age_days": "number",
        "last_attempt_ok": "boolean",
        "last_changed_at": "datetime",
        "last_success_at": "datetime",
        "last_attempt_at": "datetime",
    }
    fields: list[dict[str, Any]] = []
    for name in FRESHNESS_CSV_COLUMNS:
        field: dict[str, Any] = {"name": name, "type": types.get(name, "string")}
        if field["type"] == "datetime":
            field["format"] = "any"
        if name == "status":
            field["constraints"] = {"required": True, "enum": list(STATUS_ORDER)}
        fields.append(field)
    return {"fields": fields, "missingValues": [""]}


def changes_schema() -> dict[str, Any]:
    """Table Schema of changes.csv."""
    return {
        "fields": [
            {
                "name": "change",
                "type": "string",
                "constraints": {"required": True, "enum": ["added", "changed", "removed"]},
            },
            {"name": "resource_id", "type": "string", "constraints": {"required": True}},
            {"name": "name", "type": "string"},
            {
                "name": "changed_fields",
                "type": "string",
                "description": "Fields that changed, ';'-separated.",
            },
        ],
        "missingValues": [""],
    }


def full_match_patterns(schema: dict[str, Any]) -> dict[str, Any]:
    """Table Schema patterns match the whole cell, so an open-ended regex (``^https?://``) needs ``.*``."""
    for desc in schema["fields"]:
        pattern = desc.get("constraints", {}).get("pattern")
        source = FIELD_BY_NAME[desc["name"]].pattern if desc["name"] in FIELD_BY_NAME else None
        if not pattern or not source:
            continue
        if not source.startswith("^") and not pattern.startswith(".*"):
            pattern = ".*" + pattern
        if not source.endswith("$") and not pattern.endswith(".*"):
            pattern += ".*"
        desc["constraints"]["pattern"] = pattern
    return schema


def _file_facts(path: Path) -> dict[str, Any]:
    return {"bytes": path.stat().st_size, "hash": f"sha256:{sha256_file(path)}"}


def package_descriptor(
    release_dir: Path,
    *,
    release_id: str,
    generated_at: datetime,
    municipality: Mapping[str, Any] | Any,
    attributions: Sequence[str],
    extra_tables: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """The Frictionless data package: resources as CSV and GeoJSON, freshness, changes, standard files."""
    muni = municipality_dict(municipality)
    schema = full_match_patterns(table_schema(PUBLIC_FIELDS))
    schema["primaryKey"] = ["resource_id"]
    resources: list[dict[str, Any]] = [
        {
            "name": "social_resources",
            "title": "社会資源一覧 / Social resources",
            "path": CSV_NAME,
            "type": "table",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            **_file_facts(release_dir / CSV_NAME),
            "schema": schema,
        },
        {
            # The same rows as points; frictionless checks it as JSON (bytes, hash), not as a table.
            "name": "social_resources_geojson",
            "title": "社会資源一覧（地図用 GeoJSON） / Social resources as GeoJSON",
            "path": GEOJSON_NAME,
            "type": "json",
            "format": "geojson",
            "mediatype": "application/geo+json",
            "encoding": "utf-8",
            **_file_facts(release_dir / GEOJSON_NAME),
        },
        {
            "name": "freshness",
            "title": "データ更新状況 / Freshness by source",
            "path": FRESHNESS_NAME,
            "type": "table",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            **_file_facts(release_dir / FRESHNESS_NAME),
            "schema": freshness_schema(),
        },
        {
            "name": "changes",
            "title": "前回からの変更 / Changes since the previous release",
            "path": CHANGES_NAME,
            "type": "table",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            **_file_facts(release_dir / CHANGES_NAME),
            "schema": changes_schema(),
        },
    ]
    for table in extra_tables:
        resources.append({**table, **_file_facts(release_dir / table["path"])})
    return {
        "name": f"{muni['code']}-social-resources",
        "title": f"{muni['name']} 社会資源オープンデータ",
        "description": (
            f"{muni['prefecture']}{muni['name']}の各課が持つ社会資源（介護・障がい・子ども・地域の活動など）を"
            "共通スキーマにそろえた一覧です。 / Social resources kept by the departments of "
            f"{muni['name']}, in one common schema."
        ),
        "version": release_id,
        "created": iso(generated_at),
        "licenses": [LICENSE],
        "sources": [{"title": text} for text in attributions],
        "keywords": ["社会資源", "福祉", "オープンデータ", muni["name"]],
        "x-municipality": muni,
        "x-schemaVersion": SCHEMA_VERSION,
        "resources": resources,
    }


def validate_package(release_dir: Path) -> dict[str, Any]:
    """Validate datapackage.json with frictionless (relative paths, basepath); errors as plain dicts."""
    from frictionless import FrictionlessException, Package

    try:
        report = Package(str(release_dir / PACKAGE_NAME), basepath=str(release_dir)).validate()
    except FrictionlessException as exc:
        error = {
            "resource": "package",
            "type": exc.error.type,
            "row": None,
            "field": None,
            "message": exc.error.message,
        }
        return {"valid": False, "errors": [error], "resources": {}, "seconds": None}
    errors = [
        {
            "resource": task.name,
            "type": error.type,
            "row": getattr(error, "row_number", None),
            "field": getattr(error, "field_name", None),
            "message": error.message,
        }
        for task in report.tasks
        for error in task.errors
    ]
    errors += [
        {"resource": "package", "type": error.type, "row": None, "field": None, "message": error.message}
        for error in report.errors
    ]
    return {
        "valid": bool(report.valid),
        "errors": errors,
        "resources": {task.name: {"valid": task.valid, "rows": task.stats.get("rows")} for task in report.tasks},
        "seconds": report.stats.get("seconds"),
    }


def accrual_periodicity(cadences: pd.Series) -> str | None:
    """ISO 8601 repeating interval of the quickest source cadence (DCAT-US style), None without sources."""
    values = pd.to_numeric(cadences, errors="coerce").dropna()
    if values.empty:
        return None
    days = int(values.min())
    return _PERIODICITY.get(days, f"R/P{days}D")


def catalog_record(
    release_dir: Path,
    distributions: Sequence[tuple[str, str, str]],
    *,
    release_id: str,
    generated_at: datetime,
    modified: datetime | None,
    municipality: Mapping[str, Any] | Any,
    attributions: Sequence[str],
    periodicity: str | None,
    keywords: Sequence[str] = (),
) -> dict[str, Any]:
    """A DCAT-style dataset record (CKAN-package-like keys) with every file's size and sha256."""
    muni = municipality_dict(municipality)
    media = {
        ".csv": ("CSV", "text/csv"),
        ".geojson": ("GeoJSON", "application/geo+json"),
        ".json": ("JSON", "application/json"),
        ".html": ("HTML", "text/html"),
    }
    files = []
    for name, title, description in distributions:
        path = release_dir / name
        fmt, mediatype = media.get(path.suffix, ("", "application/octet-stream"))
        files.append(
            {
                "title": title,
                "description": description,
                "downloadURL": name,
                "format": fmt,
                "mediaType": mediatype,
                "byteSize": path.stat().st_size,
                "sha256": sha256_file(path),
            }
        )
    return {
        "identifier": f"{muni['code']}-social-resources",
        "title": f"{muni['name']} 社会資源オープンデータ",
        "description": (
            f"{muni['prefecture']}{muni['name']}の社会資源（介護サービス事業所、障がい福祉サービス、子育て支援、"
            "地域の通いの場など）の一覧。各課の名簿を共通スキーマにそろえ、住所から位置を付けています。"
        ),
        "publisher": {"name": muni["name"], "code": muni["code"], "prefecture": muni["prefecture"]},
        "spatial": f"{muni['prefecture']}{muni['name']}",
        "language": ["ja"],
        "keyword": ["社会資源", "福祉", *keywords],
        "license": LICENSE["path"],
        "license_id": LICENSE["name"],
        "issued": iso(generated_at),
        "modified": iso(modified or generated_at),
        "accrualPeriodicity": periodicity,
        "version": release_id,
        "conformsTo": [f"Tsunagu common schema v{SCHEMA_VERSION}", "Frictionless Data Package"],
        "attributions": list(attributions),
        "distribution": files,
    }


def write_package(release_dir: Path, descriptor: dict[str, Any]) -> Path:
    """Write datapackage.json."""
    path = release_dir / PACKAGE_NAME
    write_json(path, descriptor)
    return path


def write_catalog(release_dir: Path, record: dict[str, Any]) -> Path:
    """Write catalog.json."""
    path = release_dir / CATALOG_NAME
    write_json(path, record)
    return path
