"""Small record frames for matching tests: only the columns a case cares about, the rest defaulted."""

from __future__ import annotations

from typing import Any

import pandas as pd

from schemas.definition import FIELD_NAMES

DEFAULTS: dict[str, Any] = {
    "source_id": "salons",
    "resource_type": "通いの場",
    "field": "高齢",
    "source_priority": 1,
}


def records(*rows: dict[str, Any]) -> pd.DataFrame:
    """A common-schema frame (every FIELD_NAMES column) with ``department_id`` and ``source_priority``."""
    full = [{**DEFAULTS, **row} for row in rows]
    frame = pd.DataFrame(full, columns=[*FIELD_NAMES, "department_id", "source_priority"])
    frame = frame.astype(object).where(frame.notna(), None)
    frame["lat"] = pd.to_numeric(frame["lat"]).astype("float64")
    frame["lon"] = pd.to_numeric(frame["lon"]).astype("float64")
    frame["source_priority"] = frame["source_priority"].astype("int64")
    frame["department_id"] = frame["department_id"].fillna("chiiki-fukushi")
    return frame
