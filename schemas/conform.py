"""Conform one source's rows to the common schema: map columns, normalize, validate, quarantine.

Every problem becomes a quarantine row naming the source row, the source column, the rule and
what to fix; good rows go on. Nothing here touches files or the network.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from schemas import normalize
from schemas.definition import FIELD_BY_NAME, FIELD_NAMES, MULTI_SEPARATOR
from schemas.generate import pandera_schema
from schemas.mapping import ADDRESS_PARTS, map_columns, unknown_explicit
from tsunagu.config import SourceConfig
from tsunagu.errors import ParseError

QUARANTINE_COLUMNS = ("department_id", "source_id", "row", "column", "rule", "message", "value")
ROW = "_row"


@dataclass
class Conformed:
    """A source's rows in the common schema, and the rows it could not accept."""

    records: pd.DataFrame
    quarantine: pd.DataFrame
    mapping: dict[str, str]
    warnings: list[str] = field(default_factory=list)


def _blank(series: pd.Series) -> pd.Series:
    return series.isna() | series.astype("string").str.strip().fillna("").eq("")


def _compose_address(frame: pd.DataFrame, mapping: dict[str, str]) -> pd.Series | None:
    """Join the split 自治体標準 v2 address parts when there is no full-address column."""
    parts = [frame[mapping[p]].fillna("").astype(str) for p in ADDRESS_PARTS if p in mapping]
    if len(parts) < 2:
        return None
    joined = parts[0]
    for part in parts[1:]:
        joined = joined + part
    return joined.where(joined.str.strip() != "", None)


def _problems(rows: pd.Series, bad: Any, *, column: Any, rule: Any, message: Any, value: Any = "") -> pd.DataFrame:
    """Quarantine entries for the rows where ``bad`` holds; other arguments are scalars or per-bad-row arrays."""
    mask = np.asarray(bad, dtype=bool)
    return pd.DataFrame(
        {"row": rows.to_numpy()[mask], "column": column, "rule": rule, "message": message, "value": value}
    )


def conform(
    frame: pd.DataFrame,
    source: SourceConfig,
    *,
    department_id: str,
    source_as_of: date | None = None,
) -> Conformed:
    """Turn an extracted frame (source headers + ``_row``) into common-schema records and quarantine."""
    headers = [c for c in frame.columns if c != ROW]
    missing = unknown_explicit(headers, source.columns)
    mapping = map_columns(headers, source.columns)
    warnings = [
        f"config columns.{name}: none of {list(wanted)} is a header in the file" for name, wanted in missing.items()
    ]
    if "name" not in mapping:
        raise ParseError(
            source.id,
            "no column for the resource name; headers are "
            + ", ".join(headers[:30])
            + " — add e.g. `columns: {name: <header>}` to the source in the departments config",
        )
    rows = frame[ROW].astype(int) if ROW in frame.columns else pd.Series(range(2, len(frame) + 2))
    out = pd.DataFrame(index=frame.index)
    problems: list[pd.DataFrame] = []

    raw: dict[str, pd.Series] = {name: frame[header] for name, header in mapping.items()}
    if "address" not in raw:
        composed = _compose_address(frame, mapping)
        if composed is not None:
            raw["address"] = composed
            mapping = {**mapping, "address": "+".join(mapping[p] for p in ADDRESS_PARTS if p in mapping)}

    for name, values in raw.items():
        normalized, errors = normalize.normalize_column(name, values)
        out[name] = normalized
        bad = errors.notna()
        if bad.any():
            problems.append(
                _problems(
                    rows,
                    bad,
                    column=mapping[name],
                    rule=f"format:{name}",
                    message=errors[bad].to_numpy(),
                    value=values[bad].astype("string").to_numpy(),
                )
            )

    for name in ("lat", "lon"):
        if name in out:
            numbers = pd.to_numeric(out[name], errors="coerce")
            bad = (numbers.isna() & out[name].notna()).to_numpy()
            if bad.any():
                problems.append(
                    _problems(
                        rows,
                        bad,
                        column=mapping[name],
                        rule=f"format:{name}",
                        message=f"{name} is not a decimal number of degrees",
                        value=raw[name][bad].astype("string").to_numpy(),
                    )
                )
            out[name] = numbers.astype(float)

    for name, value in source.constants.items():
        normalized, _ = normalize.normalize_column(name, pd.Series([value]))
        _fill_missing(out, name, normalized.iloc[0])

    _apply_source_defaults(out, source, source_as_of)
    problems.extend(_required_problems(out, rows, mapping))
    problems.extend(_schema_problems(out, rows, mapping))

    quarantine = (
        pd.concat(problems, ignore_index=True)
        if problems
        else pd.DataFrame(columns=["row", "column", "rule", "message", "value"])
    )
    quarantine.insert(0, "source_id", source.id)
    quarantine.insert(0, "department_id", department_id)
    quarantine = quarantine.astype({"row": "int64"}).sort_values(["row", "column"], kind="stable")
    bad_rows = set(quarantine["row"].tolist())
    keep = ~rows.isin(bad_rows).to_numpy()
    records = out.loc[keep].copy()
    records["source_id"] = source.id
    records["department_id"] = department_id
    records[ROW] = rows[keep].to_numpy()
    for name in FIELD_NAMES:
        if name not in records:
            records[name] = None
    ordered = [*FIELD_NAMES, "department_id", ROW]
    return Conformed(records[ordered].reset_index(drop=True), quarantine.reset_index(drop=True), mapping, warnings)


def _fill_missing(out: pd.DataFrame, name: str, value: object) -> None:
    """Give rows without their own value for ``name`` the list-wide one."""
    out[name] = out[name].where(out[name].notna(), value) if name in out else value


def _apply_source_defaults(out: pd.DataFrame, source: SourceConfig, as_of: date | None) -> None:
    """Fill what the department's config states for the whole list."""
    _fill_missing(out, "resource_type", source.resource_type)
    _fill_missing(out, "field", MULTI_SEPARATOR.join(source.field))
    _fill_missing(out, "formality", source.formality)
    consent = out["publish"] if "publish" in out else pd.Series(None, index=out.index, dtype=object)
    # A row's 掲載希望 overrides the list's default, but nothing is published against the department.
    out["publish"] = consent.fillna(source.publish).astype(bool) & source.publish
    if source.private_contacts:
        contacts = out.get("contact_public", consent)
        out["contact_public"] = contacts.fillna(False).astype(bool)
    else:
        out["contact_public"] = True
    if as_of is not None:
        _fill_missing(out, "source_as_of", as_of.isoformat())
    if "source_as_of" in out:
        out["source_as_of"] = out["source_as_of"].map(lambda d: d.isoformat() if isinstance(d, date) else d)


def _required_problems(out: pd.DataFrame, rows: pd.Series, mapping: dict[str, str]) -> list[pd.DataFrame]:
    """A name is required, and either an address or an area (place-less activities)."""
    found = []
    no_name = _blank(out["name"]).to_numpy()
    if no_name.any():
        found.append(
            _problems(
                rows,
                no_name,
                column=mapping["name"],
                rule="required:name",
                message="the name is empty — every resource needs a name",
            )
        )
    no_place = (_blank(out["address"]) if "address" in out else pd.Series(True, index=out.index)) & (
        _blank(out["area"]) if "area" in out else pd.Series(True, index=out.index)
    )
    no_place = no_place.to_numpy() & ~no_name
    if no_place.any():
        found.append(
            _problems(
                rows,
                no_place,
                column=mapping.get("address", "address"),
                rule="required:address_or_area",
                message="no address and no activity area — give one of them",
            )
        )
    return found


def _schema_problems(out: pd.DataFrame, rows: pd.Series, mapping: dict[str, str]) -> list[pd.DataFrame]:
    """Run the generated pandera schema lazily and turn its failure cases into quarantine rows."""
    import pandera.pandas as pa

    present = [n for n in out.columns if n in FIELD_BY_NAME]
    schema = pandera_schema(present)
    checked = out[present].copy()
    for name in ("lat", "lon"):
        if name in checked:
            checked[name] = pd.to_numeric(checked[name], errors="coerce")
    if "capacity" in checked:
        checked["capacity"] = pd.array(checked["capacity"], dtype="Int64")
    try:
        schema.validate(checked, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases.dropna(subset=["index"])
        # emptiness of required fields is reported once, by _required_problems, with a clearer message
        cases = cases[cases["column"].isin(present) & (cases["check"] != "not_nullable")]
        if cases.empty:
            return []
        position = {idx: i for i, idx in enumerate(out.index)}
        at = cases["index"].map(position).astype(int).to_numpy()
        return [
            pd.DataFrame(
                {
                    "row": rows.to_numpy()[at],
                    "column": cases["column"].map(lambda c: mapping.get(c, c)).to_numpy(),
                    "rule": ("schema:" + cases["column"].astype(str) + ":" + cases["check"].astype(str)).to_numpy(),
                    "message": cases["check"].map(lambda c: f"value fails the common schema check {c}").to_numpy(),
                    "value": cases["failure_case"].astype("string").to_numpy(),
                }
            )
        ]
    return []
