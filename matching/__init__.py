"""Matching: deduplicate source records into resources with stable ids and golden records.

``resolve`` is the stage the pipeline calls; ``match_csv`` backs ``tsunagu match``. The logic lives in
``keys`` (normalized keys), ``cluster`` (connected components over exact keys), ``ids`` (record and
resource ids) and ``golden`` (survivorship).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from matching.cluster import RULES, SINGLE, Linkage, cluster, link, match_keys
from matching.golden import GOLDEN_COLUMNS, golden_records
from matching.ids import REGISTRY_COLUMNS, Assignment, assign_resource_ids, empty_registry, ensure_record_ids
from matching.keys import MatchInputError, name_key, phone_key, place_key, require_columns, town_key

__all__ = [
    "GOLDEN_COLUMNS",
    "LINEAGE_COLUMNS",
    "REGISTRY_COLUMNS",
    "RULES",
    "SINGLE",
    "Assignment",
    "Linkage",
    "MatchInputError",
    "Resolution",
    "assign_resource_ids",
    "cluster",
    "empty_registry",
    "ensure_record_ids",
    "golden_records",
    "link",
    "match_csv",
    "match_frame",
    "match_keys",
    "name_key",
    "phone_key",
    "place_key",
    "resolve",
    "town_key",
]

LINEAGE_COLUMNS: tuple[str, ...] = ("resource_id", "source_id", "source_record_id", "match_rule")


@dataclass(frozen=True)
class Resolution:
    """Everything matching hands to the warehouse: records, resources, registry, lineage, merges."""

    records: pd.DataFrame
    resources: pd.DataFrame
    registry: pd.DataFrame
    lineage: pd.DataFrame
    superseded: dict[str, str] = field(default_factory=dict)


def resolve(
    records: pd.DataFrame,
    registry: pd.DataFrame | None,
    *,
    municipality_code: str,
    now: datetime,
) -> Resolution:
    """Deduplicate one municipality's records into resources whose ids stay stable across runs."""
    require_columns(records, ("source_id", "name", "source_priority"), where="resolve")
    with_ids = ensure_record_ids(records)
    linkage = link(with_ids)
    assignment = assign_resource_ids(with_ids, linkage.labels, registry, municipality_code=municipality_code, now=now)
    lineage = (
        pd.DataFrame(
            {
                "resource_id": assignment.records["resource_id"].to_numpy(),
                "source_id": assignment.records["source_id"].astype(object).to_numpy(),
                "source_record_id": assignment.records["source_record_id"].to_numpy(),
                "match_rule": linkage.rules.to_numpy(),
            }
        )
        .sort_values(["resource_id", "source_id", "source_record_id"], ignore_index=True)
        .astype(object)
    )
    return Resolution(
        records=assignment.records,
        resources=golden_records(assignment.records),
        registry=assignment.registry,
        lineage=lineage,
        superseded=assignment.superseded,
    )


def match_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The input plus ``cluster_id``: rows describing the same resource share one."""
    require_columns(frame, ("name",), where="tsunagu match")
    blanks_as_none = frame.astype(object).where(frame.notna() & (frame.astype(object) != ""), None)
    return frame.assign(cluster_id=cluster(blanks_as_none).to_numpy())


def match_csv(in_path: str | Path, out_path: str | Path) -> pd.DataFrame:
    """``tsunagu match``: read a common-schema CSV (UTF-8, BOM or not), write it with ``cluster_id``."""
    frame = pd.read_csv(in_path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    try:
        out = match_frame(frame)
    except MatchInputError as error:
        raise MatchInputError(f"{in_path}: {error}") from error
    out.to_csv(out_path, index=False, encoding="utf-8")
    return out
