"""Canonical cell text: the same value is written the same way in every published file."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pytest

from exports._text import as_text, human_size
from schemas.definition import FieldType


@pytest.mark.parametrize(
    ("values", "kind", "multi", "expected"),
    [
        ([20.0, np.nan, 3], "integer", False, ["20", None, "3"]),  # floats from NULLs lose their ".0"
        (["20", "20名"], "integer", False, ["20", "20名"]),  # unparseable stays, for validation to report
        ([35.9082, 139.0, None], "number", False, ["35.9082", "139.0", None]),
        (["35.90820"], "number", False, ["35.9082"]),
        ([date(2024, 4, 1), "2024-04-02", None], "date", False, ["2024-04-01", "2024-04-02", None]),
        ([pd.Timestamp("2024-04-01", tz="Asia/Tokyo")], "date", False, ["2024-04-01"]),  # the Japanese day
        (
            [pd.Timestamp("2024-04-01 09:00", tz="Asia/Tokyo"), pd.Timestamp("2024-04-01 09:00"), None],
            "datetime",
            False,
            ["2024-04-01T00:00:00Z", "2024-04-01T09:00:00Z", None],  # naive warehouse times are UTC
        ),
        ([True, False, None, "true"], "boolean", False, ["true", "false", None, "true"]),
        ([["居場所", "見守り"], "配食", None], "string", True, ["居場所;見守り", "配食", None]),
        (["", "川越", None], "string", False, [None, "川越", None]),  # empty is missing
        ([12.0, np.nan], "string", False, ["12", None]),  # an id read as a number
    ],
)
def test_as_text(values: list[Any], kind: FieldType, multi: bool, expected: list[str | None]) -> None:
    result = as_text(pd.Series(values, dtype=object), kind, multi=multi)
    assert [None if pd.isna(v) else v for v in result] == expected


@pytest.mark.parametrize(("size", "text"), [(0, "0 B"), (1023, "1023 B"), (2048, "2.0 KB"), (3 << 20, "3.0 MB")])
def test_human_size(size: int, text: str) -> None:
    assert human_size(size) == text
