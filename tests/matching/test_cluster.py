"""Clustering over exact keys: which Kawagoe records are one resource, and which only look alike."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from matching import MatchInputError, cluster, link, match_csv, match_frame
from tests.matching.factory import records

DATASETS = Path(__file__).parent / "datasets"

SENBA = "仙波町一丁目"
SHINTOMI = "新富町一丁目"
KASUMI = "霞ケ関北三丁目"
CARE_CORP = "3030005001234"


def _partition(labels: pd.Series) -> list[list[int]]:
    """Rows grouped by label, as sorted position lists, so cases compare partitions not label values."""
    groups = labels.reset_index(drop=True).groupby(labels.to_numpy()).groups
    return sorted(sorted(int(i) for i in rows) for rows in groups.values())


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        pytest.param(
            # space, ideographic space and half-width kana spellings in one town
            [
                {"name": "ふれあいサロン 仙波", "town": SENBA},
                {"name": "ふれあいサロン　仙波", "town": SENBA, "source_id": "shakyo"},
                {"name": "ﾌﾚｱｲｻﾛﾝ仙波", "town": SENBA, "source_id": "chiiki"},
            ],
            [[0, 1, 2]],
            id="width-and-space-variants",
        ),
        pytest.param(
            # ㈱ vs 株式会社 for one care office
            [
                {"name": "㈱つなぐケア 川越事業所", "town": SHINTOMI, "source_id": "care"},
                {"name": "株式会社つなぐケア川越事業所", "town": SHINTOMI},
            ],
            [[0, 1]],
            id="corporate-mark",
        ),
        pytest.param(
            # two 子ども食堂 both called みんなの食堂 in different towns
            [
                {"name": "みんなの食堂", "town": SHINTOMI, "field": "子ども"},
                {"name": "みんなの食堂", "town": KASUMI, "field": "子ども"},
            ],
            [[0], [1]],
            id="same-name-different-towns",
        ),
        pytest.param(
            # ... even when both give the 社協 coordinator's phone
            [
                {"name": "みんなの食堂", "town": SHINTOMI, "phone": "049-225-3200"},
                {"name": "みんなの食堂", "town": KASUMI, "phone": "049-225-3200"},
                {"name": "みんなの食堂", "phone": "049-225-3200", "source_id": "shakyo"},
            ],
            [[0], [1], [2]],
            id="shared-phone-across-towns-links-nothing",
        ),
        pytest.param(
            # same phone written differently, name spelled differently, town known on one side only
            [
                {"name": "ふれあいサロン仙波", "phone": "049-222-1234"},
                {"name": "ﾌﾚｱｲｻﾛﾝ 仙波", "phone": "049(222)1234", "town": SENBA, "source_id": "shakyo"},
            ],
            [[0, 1]],
            id="same-phone-different-spelling",
        ),
        pytest.param(
            # one phone shared by different groups is not a match by itself
            [
                {"name": "いきいきクラブ", "phone": "049-222-1234"},
                {"name": "ふれあいサロン仙波", "phone": "049-222-1234"},
            ],
            [[0], [1]],
            id="same-phone-different-names",
        ),
        pytest.param(
            # A-B by name+town, B-C by name+phone: one resource through B
            [
                {"name": "やまぶき会", "town": SENBA, "source_id": "care"},
                {"name": "やまぶき会", "town": SENBA, "phone": "049-222-0001"},
                {"name": "ヤマブキ会", "phone": "049-222-0001", "source_id": "shakyo"},
                {"name": "やまぶき会", "town": KASUMI},
            ],
            [[0, 1, 2], [3]],
            id="transitive",
        ),
        pytest.param(
            # same corporate and provider number under two names (事業所名 vs サービス名)
            [
                {"name": "つなぐケア川越", "corporate_number": CARE_CORP, "provider_number": "1171200123"},
                {
                    "name": "デイサービスつなぐ",
                    "corporate_number": CARE_CORP,
                    "provider_number": "1171200123",
                    "town": SHINTOMI,
                    "source_id": "care",
                },
                {"name": "デイサービスつなぐ", "town": SHINTOMI, "source_id": "chiiki"},
            ],
            [[0, 1, 2]],
            id="provider-number-chain",
        ),
        pytest.param(
            # a provider number alone (no corporate number) is not enough
            [
                {"name": "つなぐケア川越", "provider_number": "1171200123"},
                {"name": "デイサービスつなぐ", "provider_number": "1171200123"},
            ],
            [[0], [1]],
            id="provider-number-without-corporate-number",
        ),
        pytest.param(
            # same name and nothing else known: no evidence they are one place
            [{"name": "子ども食堂"}, {"name": "子ども食堂", "source_id": "shakyo"}],
            [[0], [1]],
            id="name-only",
        ),
        pytest.param(
            # a list repeating a row is a duplicate
            [
                {"name": "ふれあいサロン仙波", "town": SENBA},
                {"name": "ふれあいサロン仙波", "town": SENBA},
            ],
            [[0, 1]],
            id="repeated-row-in-one-source",
        ),
    ],
)
def test_cluster_cases(rows: list[dict[str, Any]], expected: list[list[int]]) -> None:
    assert _partition(cluster(records(*rows))) == expected


def test_labels_are_deterministic_and_numbered_by_first_row() -> None:
    frame = records(
        {"name": "みんなの食堂", "town": KASUMI},
        {"name": "ふれあいサロン仙波", "town": SENBA},
        {"name": "みんなの食堂", "town": KASUMI},
    )
    first, second = cluster(frame), cluster(frame.copy())
    assert first.tolist() == second.tolist() == [0, 1, 0]
    assert first.index.equals(frame.index)


@pytest.mark.parametrize(
    ("rows", "rules"),
    [
        # alone
        ([{"name": "a", "town": SENBA}], ["single"]),
        # linked by name and town
        ([{"name": "a", "town": SENBA}, {"name": "a", "town": SENBA}], ["name+town", "name+town"]),
        # linked by name and phone (town unknown)
        ([{"name": "a", "phone": "049-1"}, {"name": "a", "phone": "0491"}], ["name+phone", "name+phone"]),
        # the provider number is the strongest evidence and is reported first
        (
            [
                {"name": "a", "town": SENBA, "corporate_number": CARE_CORP, "provider_number": "1171200123"},
                {"name": "a", "town": SENBA, "corporate_number": CARE_CORP, "provider_number": "1171200123"},
                {"name": "a", "town": SENBA},
            ],
            ["provider_number", "provider_number", "name+town"],
        ),
    ],
)
def test_match_rule_per_row(rows: list[dict[str, Any]], rules: list[str]) -> None:
    assert link(records(*rows)).rules.tolist() == rules


def test_empty_frame() -> None:
    assert cluster(records()).tolist() == []


@pytest.mark.parametrize(
    "reverse",
    [
        # rows in chain order
        False,
        # rows in reverse order: roots must be re-hooked over several union-find rounds
        True,
    ],
)
def test_long_chain_is_one_cluster(reverse: bool) -> None:
    rows: list[dict[str, Any]] = []
    for i in range(200):
        # r_i and s_i share a provider number; s_i and r_(i+1) share name and town
        provider = f"11712{i:05d}"
        rows.append({"name": f"会{i}", "town": f"町{i}", "corporate_number": CARE_CORP, "provider_number": provider})
        rows.append(
            {
                "name": f"会{i + 1}",
                "town": f"町{i + 1}",
                "corporate_number": CARE_CORP,
                "provider_number": provider,
            }
        )
    frame = records(*(reversed(rows) if reverse else rows))
    assert cluster(frame).nunique() == 1


@pytest.mark.parametrize(
    "filename",
    [
        # written by Excel's "CSV UTF-8": starts with a BOM
        "names_only_bom.csv",
        # written by a script: plain UTF-8
        "names_only.csv",
    ],
)
def test_match_csv_adds_cluster_id(filename: str, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    match_csv(DATASETS / filename, out)
    result = pd.read_csv(out, dtype=str, keep_default_na=False, encoding="utf-8")
    assert result.columns.tolist() == ["name", "town", "phone", "cluster_id"]
    assert result["name"].tolist()[0] == "ふれあいサロン 仙波"
    assert result["cluster_id"].tolist() == ["0", "0", "0", "1", "2", "3", "3"]


def test_match_frame_needs_a_name_column() -> None:
    with pytest.raises(MatchInputError, match="name"):
        match_frame(pd.DataFrame({"名称": ["ふれあいサロン"]}))
