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
            blank = text.map(lambda v: isinstance(v, str) and not v.strip(), na_action="ignore")
            frame[name] = text.where(~blank.fillna(False).astype(bool), None)
    return frame


def _survivorship_order(records: pd.DataFrame) -> pd.DataFrame:
    """Members sorted so the first non-null value per resource is the one that survives."""
    ordered = records.assign(
        _priority=pd.to_numeric(records["source_priority"], errors="coerce"),
        _as_of=pd.to_datetime(records["source_as_of"], errors="coerce", utc=True, format="ISO8601"),
    )
    return ordered.sort_values(
        ["resource_id", "_priority", "_as_of", "source_id", "source_record_id"],
        ascending=[True, True, False, True, True],
        na_position="last",
        kind="stable",
    )


def _union(ordered: pd.DataFrame, name: str) -> pd.Series:
    """Values of a multi-valued column across members, first-seen order, without repeats."""
    values = ordered[["resource_id", name]].dropna()
    parts = values.assign(**{name: values[name].astype(str).str.split(MULTI_SEPARATOR)}).explode(name)
    parts[name] = parts[name].str.strip()
    parts = parts[parts[name] != ""].drop_duplicates()
    return parts.groupby("resource_id", sort=False)[name].agg(MULTI_SEPARATOR.join)


def _consent(ordered: pd.DataFrame, name: str) -> pd.Series:
    """False if any member withholds consent, True if all that state it give it, None if none state it."""
    stated = ordered[name].map(_TRUTH).map({True: 1.0, False: 0.0})
    agreed = stated.groupby(ordered["resource_id"]).min()
    return agreed.map({1.0: True, 0.0: False}).astype(object).where(agreed.notna(), None)


def _extreme_time(ordered: pd.DataFrame, name: str, *, latest: bool) -> pd.Series:
    """The member value that is latest (or earliest) in time, in the member's own representation."""
    when = pd.to_datetime(ordered[name], errors="coerce", utc=True, format="ISO8601")
    timed = ordered.loc[when.notna(), ["resource_id", name]].assign(_when=when[when.notna()])
    pick = timed.sort_values(["resource_id", "_when"], ascending=[True, not latest], kind="stable")
    return pick.drop_duplicates("resource_id").set_index("resource_id")[name]


def golden_records(records: pd.DataFrame) -> pd.DataFrame:
    """One row per ``resource_id`` with every common-schema column, plus ``source_ids`` and ``member_count``."""
    require_columns(
        records, ("resource_id", "source_id", "source_record_id", "source_priority"), where="golden_records"
    )
    frame = records.reset_index(drop=True).copy()
    for name in (*FIELD_NAMES, "source_as_of"):
        if name not in frame.columns:
            frame[name] = None
    frame = _blank_to_none(frame)
    ordered = _survivorship_order(frame)
    groups = ordered.groupby("resource_id", sort=True)

    golden = groups[[n for n in FIELD_NAMES if n != "resource_id"]].first()
    head = ordered.drop_duplicates("resource_id").set_index("resource_id")
    golden["source_id"] = head["source_id"]
    golden["source_record_id"] = head["source_record_id"]

    located = ordered.dropna(subset=["lat", "lon"]).drop_duplicates("resource_id").set_index("resource_id")
    for name in _COORDINATES:
        golden.loc[located.index, name] = located[name]
    for name in _MULTI:
        golden[name] = _union(ordered, name).reindex(golden.index)
    for name in _CONSENT:
        golden[name] = _consent(ordered, name).reindex(golden.index)
    for name in _LATEST:
        golden.loc[:, name] = golden[name].astype(object)
        latest = _extreme_time(ordered, name, latest=True)
        golden.loc[latest.index, name] = latest
    for name in _EARLIEST:
        golden.loc[:, name] = golden[name].astype(object)
        earliest = _extreme_time(ordered, name, latest=False)
        golden.loc[earliest.index, name] = earliest

    sources = ordered[["resource_id", "source_id"]].drop_duplicates()
    golden["source_ids"] = sources.groupby("resource_id", sort=False)["source_id"].agg(MULTI_SEPARATOR.join)
    golden["member_count"] = groups.size().astype("int64")

    golden = golden.reset_index()
    for name in _STRING:
        golden[name] = golden[name].astype(object).where(golden[name].notna(), None)
    return golden.loc[:, list(GOLDEN_COLUMNS)]
