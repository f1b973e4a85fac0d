"""District assignment from the town, or from the area a place-less activity names."""

from __future__ import annotations

import pandas as pd
import pytest

from geocoding.districts import assign_districts

DISTRICTS = {"本庁": ("新富町一丁目", "仙波町二丁目"), "霞ケ関北": ("霞ケ関北三丁目",), "芳野": ("大字鴨田",)}


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ({"town": "新富町一丁目"}, "本庁"),  # the town's district
        ({"town": "大字鴨田"}, "芳野"),  # 大字 towns as the gazetteer spells them
        ({"district": "芳野", "town": "新富町一丁目"}, "芳野"),  # what the department states wins
        ({"area": "霞ケ関北地区"}, "霞ケ関北"),  # a place-less activity naming its 地区
        ({"area": "霞ヶ関北"}, "霞ケ関北"),  # small ヶ, no 地区 suffix
        ({"area": "市内全域"}, None),  # the whole city is no one district
        ({"town": "大字今福"}, None),  # a town the config does not assign
    ],
)
def test_assign_districts(row: dict, expected: str | None) -> None:
    frame = pd.DataFrame([{"district": None, "town": None, "area": None, **row}])
    result = assign_districts(frame, DISTRICTS).iloc[0]
    assert (None if pd.isna(result) else result) == expected


def test_without_districts_the_stated_values_stay() -> None:
    frame = pd.DataFrame({"district": ["本庁", None], "town": ["新富町一丁目", "新富町一丁目"], "area": [None, None]})
    assert assign_districts(frame, {}).tolist()[0] == "本庁"
