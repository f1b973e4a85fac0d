"""Golden records: which member's value survives, and how consent combines across members."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from matching import GOLDEN_COLUMNS, golden_records
from schemas.definition import FIELD_NAMES
from tests.matching.factory import records

RID = "112011-r-0000000001"


def _members(*rows: dict[str, Any]) -> pd.DataFrame:
    """Members of one resource (``resource_id`` preset) with distinct record ids."""
    return records(*({"resource_id": RID, "source_record_id": str(i), **row} for i, row in enumerate(rows, start=1)))


def _golden(*rows: dict[str, Any]) -> pd.Series:
    result = golden_records(_members(*rows))
    assert len(result) == 1
    return result.iloc[0]


def test_one_row_per_resource_with_every_schema_column() -> None:
    frame = pd.concat(
        [_members({"name": "a"}, {"name": "a"}), records({"resource_id": "r2", "source_record_id": "9"})],
        ignore_index=True,
    )
    result = golden_records(frame)
    assert result.columns.tolist() == list(GOLDEN_COLUMNS)
    assert set(FIELD_NAMES) <= set(result.columns)
    assert result["resource_id"].tolist() == [RID, "r2"]
    assert result["member_count"].tolist() == [2, 1]


def test_formal_source_phone_survives_and_fields_are_unioned() -> None:
    golden = _golden(
        # informal salon list, listed first, with the 社協 coordinator's phone
        {"source_id": "salons", "source_priority": 3, "phone": "049-225-3200", "field": "地域;高齢",
         "life_scenes": "居場所", "schedule": "毎月第2水曜 10:00-12:00"},
        # formal care-service list: the office's own phone
        {"source_id": "care", "source_priority": 0, "phone": "049-224-8811", "field": "高齢",
         "formality": "formal", "life_scenes": "相談;居場所"},
    )  # fmt: skip
    assert golden["phone"] == "049-224-8811"
    assert golden["source_id"] == "care"
    assert golden["source_record_id"] == "2"
    # the formal list says nothing about the schedule, so the salon list's value survives
    assert golden["schedule"] == "毎月第2水曜 10:00-12:00"
    assert golden["field"] == "高齢;地域"
    assert golden["life_scenes"] == "相談;居場所"
    assert golden["source_ids"] == "care;salons"
    assert golden["member_count"] == 2


@pytest.mark.parametrize(
    ("rows", "expected_phone"),
    [
        # same priority: the newer source_as_of wins
        (
            [
                {"source_id": "a", "phone": "049-111-1111", "source_as_of": "2024-04-01"},
                {"source_id": "b", "phone": "049-222-2222", "source_as_of": "2025-04-01"},
            ],
            "049-222-2222",
        ),
        # a blank cell states nothing and does not win
        (
            [{"source_priority": 0, "phone": "  "}, {"source_priority": 1, "phone": "049-222-2222"}],
            "049-222-2222",
        ),
        # same priority and date: source_id decides, so the result does not depend on row order
        (
            [{"source_id": "b", "phone": "049-222-2222"}, {"source_id": "a", "phone": "049-111-1111"}],
            "049-111-1111",
        ),
        # nobody states a phone
        ([{"phone": None}, {"phone": None}], None),
    ],
)
def test_survivorship_order(rows: list[dict[str, Any]], expected_phone: str | None) -> None:
    assert _golden(*rows)["phone"] == expected_phone


@pytest.mark.parametrize(
    ("stated", "expected"),
    [
        # everyone agrees to publish
        ([True, True], True),
        # one department withholds consent: withheld for the resource
        ([True, False], False),
        # a member that says nothing does not veto
        ([True, None], True),
        # nobody states it: unknown, not consent
        ([None, None], None),
        # a value read from text still counts
        (["true", "false"], False),
    ],
)
@pytest.mark.parametrize("column", ["publish", "contact_public"])
def test_consent_is_the_and_of_members_that_state_it(
    column: str, stated: list[bool | str | None], expected: bool | None
) -> None:
    golden = _golden(*({"source_priority": i, column: value} for i, value in enumerate(stated)))
    assert golden[column] is expected


def test_coordinates_come_together_from_one_member() -> None:
    golden = _golden(
        # the trusted member has only a latitude (a broken geocode): it must not pair with another's lon
        {"source_priority": 0, "lat": 35.90, "lon": None, "geocode_level": "none"},
        {"source_priority": 1, "lat": 35.91, "lon": 139.48, "geocode_level": "block"},
    )
    assert (golden["lat"], golden["lon"], golden["geocode_level"]) == (35.91, 139.48, "block")


def test_times_take_the_earliest_first_seen_and_the_latest_verification() -> None:
    golden = _golden(
        {"source_priority": 0, "first_seen_at": "2025-03-01T00:00:00", "last_verified_at": "2025-01-10"},
        {"source_priority": 1, "first_seen_at": "2024-06-01T00:00:00", "last_verified_at": "2025-04-20"},
    )
    assert golden["first_seen_at"] == "2024-06-01T00:00:00"
    assert golden["last_verified_at"] == "2025-04-20"


def test_empty_input_gives_an_empty_frame_with_the_columns() -> None:
    result = golden_records(records())
    assert result.empty
    assert result.columns.tolist() == list(GOLDEN_COLUMNS)
