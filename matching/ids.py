"""Stable identifiers: source record ids for lists without one, and resource ids that survive re-runs.

A resource id is minted from its members' keys, never from row order or a counter, so the same inputs
give the same ids even without a registry; the registry then keeps ids stable while membership changes.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import NamedTuple

import pandas as pd

from matching.keys import column, map_distinct, name_key, place_key, require_columns

REGISTRY_COLUMNS: tuple[str, ...] = ("source_id", "source_record_id", "resource_id", "first_seen_at")
_KEY = ["source_id", "source_record_id"]
_SEP = "\x1f"


class Assignment(NamedTuple):
    """Records with ``resource_id``, the full updated registry, and ids merged away (old → kept)."""

    records: pd.DataFrame
    registry: pd.DataFrame
    superseded: dict[str, str]


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _as_text(series: pd.Series) -> pd.Series:
    """Ids as strings with blanks as None, whatever dtype the reader chose (12, "12", " ")."""
    values = series.astype(object)
    present = values.notna()
    out = pd.Series(None, index=series.index, dtype=object)
    out[present] = values[present].astype(str).str.strip()
    return out.where(out.notna() & (out != ""), None)


def ensure_record_ids(records: pd.DataFrame) -> pd.DataFrame:
    """Give every row a ``source_record_id`` unique within its source, stable across runs."""
    require_columns(records, ("source_id", "name"), where="ensure_record_ids")
    # Positional index inside: a caller's index may repeat, and the steps below align on it.
    frame = records.reset_index(drop=True)
    ids = _as_text(column(frame, "source_record_id"))
    missing = ids.isna()
    if missing.any():
        rows = frame[missing]
        content = (
            rows["source_id"].astype(object).astype(str)
            + _SEP
            + name_key(rows["name"]).fillna("")
            + _SEP
            + place_key(rows).fillna("")
        )
        ids[missing] = map_distinct(content, lambda text: "h-" + _sha1(text)[:12])
    # A list that repeats a row (or an id) still needs one key per row; order decides, content is equal.
    seen = pd.DataFrame({"s": frame["source_id"].astype(object), "r": ids}).groupby(["s", "r"]).cumcount()
    repeat = seen > 0
    ids[repeat] = ids[repeat] + "#" + (seen[repeat] + 1).astype(str)
    out = records.copy()
    out["source_record_id"] = ids.to_numpy()
    return out


def _naive_series(values: pd.Series) -> pd.Series:
    """Timestamps as naive UTC, as the warehouse stores them, so old and new rows compare."""
    return pd.to_datetime(values, errors="coerce", utc=True).dt.tz_localize(None)


def _naive(value: datetime) -> pd.Timestamp:
    """``now`` as naive UTC, matching the registry's timestamps."""
    stamp = pd.Timestamp(value)
    return stamp.tz_convert("UTC").tz_localize(None) if stamp.tzinfo else stamp


def empty_registry() -> pd.DataFrame:
    """A registry with no rows, as on a city's first run."""
    return pd.DataFrame(
        {
            "source_id": pd.Series(dtype=object),
            "source_record_id": pd.Series(dtype=object),
            "resource_id": pd.Series(dtype=object),
            "first_seen_at": pd.Series(dtype="datetime64[us]"),
        }
    )


def _clean_registry(registry: pd.DataFrame | None) -> pd.DataFrame:
    if registry is None or registry.empty:
        return empty_registry()
    require_columns(registry, REGISTRY_COLUMNS, where="resource id registry")
    reg = registry.loc[:, list(REGISTRY_COLUMNS)].copy()
    for name in ("source_id", "source_record_id", "resource_id"):
        reg[name] = _as_text(reg[name])
    reg["first_seen_at"] = _naive_series(reg["first_seen_at"])
    return reg.dropna(subset=["source_id", "source_record_id", "resource_id"]).drop_duplicates(_KEY)


def _resource_id(municipality_code: str, member_key: str) -> str:
    return f"{municipality_code}-r-{_sha1(member_key)[:10]}"


def _mint(member_keys: pd.Series, municipality_code: str, taken: set[str]) -> pd.Series:
    """New ids from each cluster's smallest member key; salted only if that id already means another."""
    minted = member_keys.map(lambda key: _resource_id(municipality_code, key))
    clash = minted.isin(taken) | minted.duplicated()
    if clash.any():
        used = taken | set(minted[~clash])
        for label in member_keys[clash].sort_values().index:
            salt = 2
            while (candidate := _resource_id(municipality_code, f"{member_keys[label]}#{salt}")) in used:
                salt += 1
            minted[label] = candidate
            used.add(candidate)
    return minted


def assign_resource_ids(
    records: pd.DataFrame,
    clusters: pd.Series,
    registry: pd.DataFrame | None,
    *,
    municipality_code: str,
    now: datetime,
) -> Assignment:
    """Resource ids per cluster: keep registered ids (the oldest on a merge), mint the rest."""
    require_columns(records, ("source_id", "source_record_id"), where="assign_resource_ids")
    reg = _clean_registry(registry)
    seen_now = _naive(now)
    members = pd.DataFrame(
        {
            "source_id": _as_text(records["source_id"]).to_numpy(),
            "source_record_id": _as_text(records["source_record_id"]).to_numpy(),
            "cluster": clusters.to_numpy(),
        }
    )
    if members[_KEY].isna().any().any():
        raise ValueError("every record needs source_id and source_record_id: call ensure_record_ids first")
    members["member_key"] = members["source_id"] + "|" + members["source_record_id"]
    known = members.merge(reg, on=_KEY, how="left")

    # Each registered id goes to the cluster holding most of its members (a split keeps one side);
    # a cluster awarded several ids keeps the oldest and supersedes the others (a merge).
    claims = (
        known.dropna(subset=["resource_id"])
        .groupby(["resource_id", "cluster"], as_index=False)
        .agg(n=("member_key", "size"), first_key=("member_key", "min"))
        .sort_values(["resource_id", "n", "first_key"], ascending=[True, False, True])
        .drop_duplicates("resource_id")
    )
    ages = reg.groupby("resource_id", as_index=False)["first_seen_at"].min()
    claims = claims.merge(ages, on="resource_id", how="left").sort_values(
        ["cluster", "first_seen_at", "resource_id"], na_position="last"
    )
    kept = claims.drop_duplicates("cluster")
    cluster_ids = pd.Series(kept["resource_id"].to_numpy(), index=kept["cluster"].to_numpy(), dtype=object)
    merged_away = claims[~claims.index.isin(kept.index)]
    superseded = dict(
        zip(merged_away["resource_id"], cluster_ids.reindex(merged_away["cluster"].to_numpy()), strict=True)
    )

    smallest = members.groupby("cluster")["member_key"].min()
    fresh = smallest[~smallest.index.isin(cluster_ids.index)]
    taken = set(reg["resource_id"]) | set(cluster_ids)
    cluster_ids = pd.concat([cluster_ids, _mint(fresh, municipality_code, taken)])

    known["resource_id"] = cluster_ids.reindex(known["cluster"].to_numpy()).to_numpy()
    known["first_seen_at"] = known["first_seen_at"].fillna(seen_now)
    absent = reg.merge(members[_KEY], on=_KEY, how="left", indicator=True)
    absent = absent[absent["_merge"] == "left_only"].drop(columns="_merge")
    absent["resource_id"] = absent["resource_id"].replace(superseded)
    new_registry = (
        pd.concat([absent, known.loc[:, list(REGISTRY_COLUMNS)]], ignore_index=True)
        .drop_duplicates(_KEY)
        .sort_values(_KEY, ignore_index=True)
        .astype({"source_id": object, "source_record_id": object, "resource_id": object})
    )
    first_seen = new_registry.groupby("resource_id")["first_seen_at"].min()

    out = records.copy()
    out["resource_id"] = known["resource_id"].to_numpy()
    # reindex, not map: Series.map with a datetime mapper fails on an empty frame (pandas 3).
    out["first_seen_at"] = first_seen.reindex(out["resource_id"].to_numpy()).to_numpy()
    return Assignment(records=out, registry=new_registry, superseded=superseded)
