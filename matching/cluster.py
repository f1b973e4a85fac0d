"""Clusters of records that describe one resource: connected components over exact normalized keys.

Rules (a row joins every group it shares a key with; groups chain transitively):

- ``provider_number``: same corporate number and same provider number — the registered office.
- ``name+town``: same name key in the same geocoded town.
- ``name+phone``: same name key and same phone, unless the group spans two or more known towns (two
  子ども食堂 of the same name often give the same 社協 coordinator's phone).

Exact keys keep the result explainable to a department ("same name, same town") and make it a few
vectorized group-bys instead of pairwise scoring.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from matching.keys import code_key, column, name_key, phone_key, town_key

RULES: tuple[str, ...] = ("provider_number", "name+town", "name+phone")
SINGLE = "single"
_SEP = "\x1f"


@dataclass(frozen=True)
class Linkage:
    """Cluster labels and, per row, the strongest rule that linked it (``single`` when alone)."""

    labels: pd.Series
    rules: pd.Series


def match_keys(records: pd.DataFrame) -> pd.DataFrame:
    """The normalized keys every rule compares, one column per key, aligned with ``records``."""
    return pd.DataFrame(
        {
            "name_key": name_key(column(records, "name")),
            "town_key": town_key(column(records, "town")),
            "phone_key": phone_key(column(records, "phone")),
            "corporate_key": code_key(column(records, "corporate_number")),
            "provider_key": code_key(column(records, "provider_number")),
        },
        index=records.index,
    )


def _joined(*parts: pd.Series) -> pd.Series:
    """One string key from several parts; None when any part is missing (the rule does not apply)."""
    present = pd.concat(parts, axis=1).notna().all(axis=1)
    out = pd.Series(None, index=parts[0].index, dtype=object)
    if present.any():
        out[present] = parts[0][present].str.cat([p[present] for p in parts[1:]], sep=_SEP)
    return out


def _rule_keys(keys: pd.DataFrame) -> dict[str, pd.Series]:
    """Each rule's group key per row (None where the rule does not apply)."""
    by_name_phone = _joined(keys["name_key"], keys["phone_key"])
    towns = keys["town_key"].groupby(by_name_phone, dropna=True).transform("nunique")
    by_name_phone = by_name_phone.where(towns.fillna(0) <= 1, None)
    return {
        "provider_number": _joined(keys["corporate_key"], keys["provider_key"]),
        "name+town": _joined(keys["name_key"], keys["town_key"]),
        "name+phone": by_name_phone,
    }


def _components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Union-find over row positions, vectorized: hook larger roots under smaller, then pointer-jump."""
    parent = np.arange(n, dtype=np.int64)
    while True:
        a, b = parent[left], parent[right]
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        moving = lo != hi
        if not moving.any():
            return parent
        np.minimum.at(parent, hi[moving], lo[moving])
        while True:
            jumped = parent[parent]
            if np.array_equal(jumped, parent):
                break
            parent = jumped


def link(records: pd.DataFrame, keys: pd.DataFrame | None = None) -> Linkage:
    """Cluster labels (numbered by each cluster's first row) and the rule that linked each row."""
    # Positional index inside: a caller's index may repeat, and every step below aligns on it.
    frame = records.reset_index(drop=True)
    keys = match_keys(frame) if keys is None else keys.reset_index(drop=True)
    n = len(frame)
    lefts: list[np.ndarray] = []
    rights: list[np.ndarray] = []
    rules = pd.Series(SINGLE, index=frame.index, dtype=object)
    # Reversed so the strongest rule is written last and wins.
    for rule, key in reversed(_rule_keys(keys).items()):
        codes, _ = pd.factorize(key, use_na_sentinel=True)
        valid = np.flatnonzero(codes >= 0)
        if not len(valid):
            continue
        group = codes[valid]
        _, first = np.unique(group, return_index=True)
        sizes = np.bincount(group)
        lefts.append(valid)
        rights.append(valid[first][group])
        shared = valid[sizes[group] > 1]
        rules.iloc[shared] = rule
    if lefts:
        roots = _components(n, np.concatenate(lefts), np.concatenate(rights))
    else:
        roots = np.arange(n, dtype=np.int64)
    labels, _ = pd.factorize(roots)
    return Linkage(
        labels=pd.Series(labels, index=records.index, dtype="int64", name="cluster"),
        rules=pd.Series(rules.to_numpy(), index=records.index, name="match_rule"),
    )


def cluster(records: pd.DataFrame) -> pd.Series:
    """A cluster label per row; the same input (in the same order) always gives the same labels."""
    return link(records).labels
