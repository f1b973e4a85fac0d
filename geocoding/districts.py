"""Districts (地区 / 日常生活圏域): from the town a resource is in, or the area an activity names."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence

import pandas as pd


def _district_key(text: str) -> str:
    """Comparable district name: NFKC, no spaces, small ヶ as ケ, without a trailing 地区/圏域."""
    key = unicodedata.normalize("NFKC", text).replace(" ", "").replace("ヶ", "ケ")
    for suffix in ("地区", "圏域"):
        key = key.removesuffix(suffix)
    return key


def assign_districts(
    frame: pd.DataFrame, districts: Mapping[str, Sequence[str]], *, town: str = "town", area: str = "area"
) -> pd.Series:
    """Each row's district: the one it states, else the one holding its town, else the one its area names.

    Place-less activities (a volunteer group active in 霞ケ関北地区) have no town, but their area still
    puts them on the right district's resource map.
    """
    stated = frame["district"] if "district" in frame else pd.Series(None, index=frame.index, dtype=object)
    if not districts:
        return stated
    by_town = {t: d for d, towns in districts.items() for t in towns}
    by_name = {_district_key(d): d for d in districts}
    from_town = frame[town].map(by_town) if town in frame else None
    from_area = frame[area].map(lambda a: by_name.get(_district_key(a)) if isinstance(a, str) else None)
    result = stated.where(stated.notna(), from_town) if from_town is not None else stated
    return result.where(result.notna(), from_area)
