"""Golden records: one row per resource, each field taken from the most trusted member that states it.

Survivorship order is (source_priority, newest source_as_of, source_id, source_record_id). Exceptions,
each for a reason:

- ``lat``/``lon``/``geocode_level`` come together from one member, so a point never mixes two geocodes.
- ``field`` and ``life_scenes`` are the ordered union: every department's view of the resource counts.
- ``publish`` and ``contact_public`` are the AND of the members that state them: one department
  withholding consent withholds it for the resource.
- ``first_seen_at`` is the earliest member's; ``fetched_at``, ``last_changed_at`` and
  ``last_verified_at`` the latest, since any member's change or confirmation is the resource's.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from matching.keys import require_columns
from schemas.definition import FIELD_BY_NAME, FIELD_NAMES, MULTI_SEPARATOR

EXTRA_COLUMNS: tuple[str, ...] = ("source_ids", "member_count")
GOLDEN_COLUMNS: tuple[str, ...] = (*FIELD_NAMES, *EXTRA_COLUMNS)
_CONSENT = ("publish", "contact_public")
_MULTI = tuple(f.name for f in FIELD_BY_NAME.values() if f.multi)
_COORDINATES = ("lat", "lon", "geocode_level")
_LATEST = ("fetched_at", "last_changed_at", "last_verified_at")
_EARLIEST = ("first_seen_at",)
_STRING = tuple(f.name for f in FIELD_BY_NAME.values() if f.type == "string")
_NUMBER = tuple(f.name for f in FIELD_BY_NAME.values() if f.type == "number")
_TRUTH: dict[object, bool] = {
    True: True,
    False: False,
    "true": True,
    "false": False,
    "True": True,
    "False": False,
    "TRUE": True,
    "FALSE": False,
    "1": True,
    "0": False,
}


def _blank_to_none(frame: pd.DataFrame) -> pd.DataFrame:
    """An empty cell states nothing, so it must not win survivorship over a real value."""
    for name in frame.columns:
        values = frame[name]
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            text = values.astype(object)
            codes, uniques = pd.factorize(text)
            blank = np.array([isinstance(u, str) and not u.strip() for u in uniques] + [True])
            frame[name] = text.where(~blank[codes], None)
    return frame


def _survivorship_order(records: pd.DataFrame) -> tuple[pd.DataFrame, pd.Index]:
    """Members sorted so the first non-null value per resource is the one that survives."""
    # Integer codes (``_g`` per resource) because grouping on strings re-sorts them on every group-by.
    resource, resource_ids = pd.factorize(records["resource_id"], sort=True)
    ordered = records.assign(
        _g=resource,
        _priority=pd.to_numeric(records["source_priority"], errors="coerce"),
        _as_of=pd.to_datetime(records["source_as_of"], errors="coerce", utc=True, format="ISO8601"),
        _source=pd.factorize(records["source_id"], sort=True)[0],
        _record=pd.factorize(records["source_record_id"], sort=True)[0],
    )
    ordered = ordered.sort_values(
        ["_g", "_priority", "_as_of", "_source", "_record"],
        ascending=[True, True, False, True, True],
        na_position="last",
        kind="stable",
    )
    return ordered, pd.Index(resource_ids)


def _union(ordered: pd.DataFrame, name: str) -> pd.Series:
    """Values of a multi-valued column across members, first-seen order, without repeats."""
    values = ordered[["_g", name]].dropna()
    parts = values.assign(**{name: values[name].astype(str).str.split(MULTI_SEPARATOR)}).explode(name)
    parts[name] = parts[name].str.strip()
    parts = parts[parts[name] != ""].drop_duplicates()
    return _joined(parts["_g"], parts[name])


def _joined(keys: pd.Series, values: pd.Series) -> pd.Series:
    """Values joined with ';' per key in row order; a cythonized string sum, not a Python join per group."""
    summed = (values.astype(object) + MULTI_SEPARATOR).groupby(keys.to_numpy(), sort=False).sum()
    return summed.str[: -len(MULTI_SEPARATOR)].astype(object)


def _consent(ordered: pd.DataFrame, name: str) -> pd.Series:
    """False if any member withholds consent, True if all that state it give it, None if none state it."""
    stated = ordered[name].map(_TRUTH).map({True: 1.0, False: 0.0})
    agreed = stated.groupby(ordered["_g"].to_numpy()).min()
    return agreed.map({1.0: True, 0.0: False}).astype(object).where(agreed.notna(), None)


def _extreme_time(ordered: pd.DataFrame, name: str, *, latest: bool) -> pd.Series:
    """The member value that is latest (or earliest) in time, in the member's own representation."""
    when = pd.to_datetime(ordered[name], errors="coerce", utc=True, format="ISO8601")
    timed = ordered.loc[when.notna(), ["_g", name]].assign(_when=when[when.notna()])
    pick = timed.sort_values(["_g", "_when"], ascending=[True, not latest], kind="stable")
    return pick.drop_duplicates("_g").set_index("_g")[name]


def golden_records(records: pd.DataFrame) -> pd.DataFrame:
    """One row per resource: every common-schema column, plus ``source_ids`` and ``member_count``."""
    require_columns(
        records, ("resource_id", "source_id", "source_record_id", "source_priority"), where="golden_records"
    )
    frame = records.reset_index(drop=True).copy()
    for name in (*FIELD_NAMES, "source_as_of"):
        if name not in frame.columns:
            frame[name] = None
    frame = _blank_to_none(frame)
    ordered, resource_ids = _survivorship_order(frame)
    groups = ordered.groupby("_g", sort=True)

    golden = groups[[n for n in FIELD_NAMES if n != "resource_id"]].first()
    head = ordered.drop_duplicates("_g").set_index("_g")
    golden["source_id"] = head["source_id"]
    golden["source_record_id"] = head["source_record_id"]

    located = ordered.dropna(subset=["lat", "lon"]).drop_duplicates("_g").set_index("_g")
    for name in _COORDINATES:
        golden[name] = golden[name].astype(object)
        golden.loc[located.index, name] = located[name]
    for name in _MULTI:
        golden[name] = _union(ordered, name).reindex(golden.index)
    for name in _CONSENT:
        golden[name] = _consent(ordered, name).reindex(golden.index)
    for name in _LATEST:
        golden[name] = golden[name].astype(object)
        latest = _extreme_time(ordered, name, latest=True)
        golden.loc[latest.index, name] = latest
    for name in _EARLIEST:
        golden[name] = golden[name].astype(object)
        earliest = _extreme_time(ordered, name, latest=False)
        golden.loc[earliest.index, name] = earliest

    sources = ordered[["_g", "source_id"]].drop_duplicates()
    golden["source_ids"] = _joined(sources["_g"], sources["source_id"])
    golden["member_count"] = groups.size().astype("int64")
    golden.index = resource_ids[golden.index]
    golden.index.name = "resource_id"

    golden = golden.reset_index()
    for name in _STRING:
        golden[name] = golden[name].astype(object).where(golden[name].notna(), None)
    for name in _NUMBER:
        golden[name] = pd.to_numeric(golden[name], errors="coerce").astype("float64")
    return golden.loc[:, list(GOLDEN_COLUMNS)]
