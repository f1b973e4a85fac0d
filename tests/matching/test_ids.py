"""Record and resource ids: the same inputs give the same ids, and registered ids survive change."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
import pytest

from matching import (
    REGISTRY_COLUMNS,
    MatchInputError,
    assign_resource_ids,
    cluster,
    empty_registry,
    ensure_record_ids,
    resolve,
)
from tests.matching.factory import records

CODE = "112011"
APRIL = datetime(2025, 4, 1, 3, 0)
MAY = datetime(2025, 5, 1, 3, 0)
JUNE = datetime(2025, 6, 1, 3, 0)
SENBA = "仙波町一丁目"
SHINTOMI = "新富町一丁目"
KASUMI = "霞ケ関北三丁目"


def _city() -> pd.DataFrame:
    """A formal care list (with ids) and an informal salon list (without), overlapping on two resources."""
    return records(
        {"source_id": "care", "source_record_id": "1", "name": "㈱つなぐケア 川越事業所", "town": SHINTOMI,
         "phone": "049-224-8811", "source_priority": 0},
        {"source_id": "care", "source_record_id": "2", "name": "デイサービスやまぶき", "town": SENBA,
         "source_priority": 0},
        {"source_id": "salons", "name": "株式会社つなぐケア川越事業所", "town": SHINTOMI},
        {"source_id": "salons", "name": "みんなの食堂", "town": SHINTOMI, "field": "子ども"},
        {"source_id": "salons", "name": "みんなの食堂", "town": KASUMI, "field": "子ども"},
        {"source_id": "salons", "name": "ふれあいサロン 仙波", "phone": "049-222-1234"},
        {"source_id": "shakyo", "name": "ﾌﾚｱｲｻﾛﾝ仙波", "phone": "049(222)1234", "source_priority": 2},
    )  # fmt: skip


def _ids_by_record(resolution_records: pd.DataFrame) -> dict[tuple[str, str], str]:
    frame = resolution_records
    keys = zip(frame["source_id"], frame["source_record_id"], strict=True)
    return dict(zip(keys, frame["resource_id"], strict=True))


# --- source record ids -------------------------------------------------------------------------------


def test_missing_record_ids_are_content_hashes_stable_across_runs() -> None:
    first = ensure_record_ids(_city())["source_record_id"]
    # another run, with the rows in another order and one row less
    shuffled = _city().iloc[[6, 5, 4, 3, 2, 1]]
    second = ensure_record_ids(shuffled)["source_record_id"]
    assert first.iloc[:2].tolist() == ["1", "2"]
    assert all(re.fullmatch(r"h-[0-9a-f]{12}", v) for v in first.iloc[2:])
    assert second.to_dict() == first.iloc[1:].to_dict()


@pytest.mark.parametrize(
    ("rows", "expected_suffixes"),
    [
        # a list repeating a row: the second copy gets #2, the third #3
        ([{"name": "みんなの食堂", "town": KASUMI}] * 3, ["", "#2", "#3"]),
        # an explicit id repeated inside one source is made unique the same way
        ([{"name": "a", "source_record_id": "7"}, {"name": "b", "source_record_id": "7"}], ["", "#2"]),
        # the same content in two sources is not a duplicate
        ([{"name": "a"}, {"name": "a", "source_id": "shakyo"}], ["", ""]),
    ],
)
def test_duplicates_inside_a_source_are_disambiguated(rows: list[dict[str, Any]], expected_suffixes: list[str]) -> None:
    ids = ensure_record_ids(records(*rows))["source_record_id"]
    assert ids.str.extract(r"(#\d+)$", expand=False).fillna("").tolist() == expected_suffixes


def test_record_id_needs_source_id() -> None:
    with pytest.raises(MatchInputError, match="source_id"):
        ensure_record_ids(pd.DataFrame({"name": ["a"]}))


# --- resource ids ------------------------------------------------------------------------------------


def test_new_clusters_mint_ids_from_the_municipality_code() -> None:
    result = resolve(_city(), None, municipality_code=CODE, now=APRIL)
    ids = result.records["resource_id"]
    assert all(re.fullmatch(r"112011-r-[0-9a-f]{10}", v) for v in ids)
    # care 1 + salon row; care 2; two みんなの食堂; the salon spelled two ways
    assert ids.nunique() == 5
    assert ids.iloc[0] == ids.iloc[2]
    assert ids.iloc[5] == ids.iloc[6]
    assert ids.iloc[3] != ids.iloc[4]
    assert len(result.registry) == 7
    assert (result.registry["first_seen_at"] == pd.Timestamp(APRIL)).all()


def test_second_run_with_registry_gives_identical_ids_and_no_new_rows() -> None:
    first = resolve(_city(), None, municipality_code=CODE, now=APRIL)
    second = resolve(_city(), first.registry, municipality_code=CODE, now=MAY)
    assert second.records["resource_id"].tolist() == first.records["resource_id"].tolist()
    pd.testing.assert_frame_equal(second.registry, first.registry)
    assert second.superseded == {}


def test_empty_registry_gives_the_same_ids_as_the_first_run() -> None:
    first = resolve(_city(), None, municipality_code=CODE, now=APRIL)
    again = resolve(_city().iloc[::-1], empty_registry(), municipality_code=CODE, now=JUNE)
    assert _ids_by_record(again.records) == _ids_by_record(first.records)


def test_new_member_of_an_existing_cluster_keeps_the_id() -> None:
    first = resolve(_city(), None, municipality_code=CODE, now=APRIL)
    # a new source lists the care office; its id sorts before every registered member
    joined = pd.concat(
        [records({"source_id": "aaa", "source_record_id": "0", "name": "(株)つなぐケア 川越事業所",
                  "town": SHINTOMI, "phone": "049-224-8811"}), _city()],
        ignore_index=True,
    )  # fmt: skip
    second = resolve(joined, first.registry, municipality_code=CODE, now=MAY)
    care_id = _ids_by_record(first.records)[("care", "1")]
    assert _ids_by_record(second.records)[("aaa", "0")] == care_id
    new_rows = second.registry[second.registry["source_id"] == "aaa"]
    assert new_rows["first_seen_at"].tolist() == [pd.Timestamp(MAY)]
    assert len(second.registry) == len(first.registry) + 1
    # the resource was first seen when its first member was
    assert second.resources.set_index("resource_id").loc[care_id, "first_seen_at"] == pd.Timestamp(APRIL)


def test_merge_of_two_registered_resources_keeps_the_older_id() -> None:
    by_town = {"source_id": "care", "source_record_id": "1", "name": "やまぶき会", "town": SENBA}
    by_phone = {"source_id": "shakyo", "source_record_id": "9", "name": "ヤマブキ会", "phone": "049-222-0001"}
    bridge = {"source_id": "salons", "source_record_id": "5", "name": "やまぶき会", "town": SENBA,
              "phone": "049-222-0001"}  # fmt: skip
    april = resolve(records(by_town), None, municipality_code=CODE, now=APRIL)
    may = resolve(records(by_town, by_phone), april.registry, municipality_code=CODE, now=MAY)
    older, newer = may.records["resource_id"].tolist()
    assert older != newer

    june = resolve(records(by_phone, bridge, by_town), may.registry, municipality_code=CODE, now=JUNE)
    assert set(june.records["resource_id"]) == {older}
    assert june.superseded == {newer: older}
    assert set(june.registry["resource_id"]) == {older}
    assert june.resources["member_count"].tolist() == [3]


def test_split_keeps_the_id_on_one_side_and_mints_a_fresh_one_for_the_other() -> None:
    a = {"source_id": "care", "source_record_id": "1", "name": "やまぶき会", "town": SENBA}
    b = {"source_id": "salons", "source_record_id": "2", "name": "やまぶき会", "town": SENBA}
    c = {"source_id": "shakyo", "source_record_id": "3", "name": "やまぶき会", "town": SENBA}
    april = resolve(records(a, b, c), None, municipality_code=CODE, now=APRIL)
    (old_id,) = set(april.records["resource_id"])

    # care 1 moved to another town: the two members still together keep the id
    moved = {**a, "town": KASUMI}
    may = resolve(records(moved, b, c), april.registry, municipality_code=CODE, now=MAY)
    ids = _ids_by_record(may.records)
    assert ids[("salons", "2")] == ids[("shakyo", "3")] == old_id
    assert ids[("care", "1")] != old_id
    assert re.fullmatch(r"112011-r-[0-9a-f]{10}", ids[("care", "1")])
    assert may.superseded == {}


def test_split_mint_does_not_reuse_the_id_of_the_side_that_kept_it() -> None:
    # the id was minted from care|1; care|1 leaves, and its fresh id must not collide with the kept one
    a = {"source_id": "care", "source_record_id": "1", "name": "やまぶき会", "town": SENBA}
    b = {"source_id": "salons", "source_record_id": "2", "name": "やまぶき会", "town": SENBA}
    april = resolve(records(a, b), None, municipality_code=CODE, now=APRIL)
    may = resolve(records({**a, "town": KASUMI}, b), april.registry, municipality_code=CODE, now=MAY)
    assert may.records["resource_id"].nunique() == 2
    assert april.records["resource_id"].iloc[0] in set(may.records["resource_id"])


def test_a_source_missing_from_a_run_keeps_its_registry_rows() -> None:
    first = resolve(_city(), None, municipality_code=CODE, now=APRIL)
    without_shakyo = _city().query("source_id != 'shakyo'")
    second = resolve(without_shakyo, first.registry, municipality_code=CODE, now=MAY)
    pd.testing.assert_frame_equal(second.registry, first.registry)


def test_timezone_aware_now_is_stored_as_naive_utc() -> None:
    result = resolve(_city(), None, municipality_code=CODE, now=datetime(2025, 4, 1, 12, 0, tzinfo=UTC))
    assert result.registry.columns.tolist() == list(REGISTRY_COLUMNS)
    assert (result.registry["first_seen_at"] == pd.Timestamp("2025-04-01 12:00")).all()


def test_assign_resource_ids_requires_record_ids() -> None:
    frame = _city()
    with pytest.raises(ValueError, match="ensure_record_ids"):
        assign_resource_ids(frame, cluster(frame), None, municipality_code=CODE, now=APRIL)


def test_lineage_names_the_rule_per_member() -> None:
    result = resolve(_city(), None, municipality_code=CODE, now=APRIL)
    lineage = result.lineage.set_index(["source_id", "source_record_id"])["match_rule"]
    assert lineage[("care", "1")] == "name+town"
    assert lineage[("care", "2")] == "single"
    assert set(lineage) == {"name+town", "name+phone", "single"}
    assert result.lineage.columns.tolist() == ["resource_id", "source_id", "source_record_id", "match_rule"]


def test_ten_thousand_synthetic_rows_resolve() -> None:
    # a city-sized frame: 4 sources, many shared names across 300 towns, a third without record ids
    rng = np.random.default_rng(7)
    n = 10_000
    frame = records(
        *(
            {
                "source_id": f"s{rng.integers(0, 4)}",
                "source_record_id": None if i % 3 == 0 else str(i),
                "name": f"サロン{rng.integers(0, 4000)}",
                "town": f"町{rng.integers(0, 300)}",
                "phone": f"049-2{i % 100:02d}-{i % 7000:04d}" if i % 2 else None,
                "source_priority": int(rng.integers(0, 4)),
            }
            for i in range(n)
        )
    )
    first = resolve(frame, None, municipality_code=CODE, now=APRIL)
    second = resolve(frame, first.registry, municipality_code=CODE, now=MAY)
    assert len(first.records) == len(first.registry) == n
    assert first.resources["member_count"].sum() == n
    assert second.records["resource_id"].equals(first.records["resource_id"])


def test_a_repeated_caller_index_does_not_misalign_rows() -> None:
    frame = _city()
    frame.index = [0] * len(frame)
    result = resolve(frame, None, municipality_code=CODE, now=APRIL)
    expected = resolve(_city(), None, municipality_code=CODE, now=APRIL)
    assert result.records["resource_id"].tolist() == expected.records["resource_id"].tolist()
    assert result.records.index.tolist() == [0] * len(frame)
