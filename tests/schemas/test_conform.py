"""Conforming a department's rows: mapping, normalizing, quarantining bad rows with their reasons."""

from __future__ import annotations

import pandas as pd
import pytest

from schemas.conform import conform
from schemas.definition import FIELD_NAMES
from tsunagu.config import SourceConfig
from tsunagu.errors import ParseError


def _source(**overrides: object) -> SourceConfig:
    values: dict = {
        "id": "roujin-clubs",
        "kind": "excel",
        "location": "koureisha/roujin_clubs.xlsx",
        "cadence": "P1Y",
        "resource_type": "老人クラブ",
        "field": ["高齢", "地域"],
        "formality": "informal",
        "private_contacts": True,
        "columns": {
            "name": "クラブ名",
            "address": "活動場所",
            "phone": "代表者_電話番号",
            "contact_person": "代表者_氏名",
            "publish": "掲載希望",
            "source_as_of": "更新日",
        },
        **overrides,
    }
    return SourceConfig.model_validate(values)


@pytest.fixture
def club_rows() -> pd.DataFrame:
    """Rows as the Excel connector yields them: source headers, every cell text, sheet row numbers."""
    return pd.DataFrame(
        {
            "クラブ名": ["寿会", None, "若葉クラブ", "ひまわり会", "けやき会"],
            "活動場所": [
                "川越市新富町1-3-1",
                "川越市仙波町２丁目５番８号",
                "川越市的場1234",
                "川越市今福55",
                "川越市霞ケ関北3-1",
            ],
            "代表者_氏名": ["川越 一郎", "小江戸 花子", "的場 次郎", "今福 三郎", "霞 四郎"],
            "代表者_電話番号": [
                "049-224-8811",
                "049-222-1111",
                "049-22-881",
                "０４９（２３１）５５５５",
                "090-1234-5678",
            ],
            "掲載希望": ["希望する", "希望する", "希望する", "希望する", "希望しない"],
            "更新日": ["令和7年4月1日", "R7.4.1", "令和7年4月1日", "令和5年2月30日", "2025/4/1"],
            "_row": [5, 6, 7, 8, 9],
        }
    )


def test_bad_rows_are_quarantined_with_row_column_and_rule(club_rows: pd.DataFrame) -> None:
    result = conform(club_rows, _source(), department_id="koureisha")
    q = result.quarantine
    reasons = {(r.row, r.column, r.rule) for r in q.itertuples()}
    assert (6, "クラブ名", "required:name") in reasons  # missing name
    assert (7, "代表者_電話番号", "format:phone") in reasons  # too few digits
    assert (8, "更新日", "format:source_as_of") in reasons  # 2月30日 does not exist
    assert set(q["department_id"]) == {"koureisha"} and set(q["source_id"]) == {"roujin-clubs"}
    assert q.loc[q["row"] == 8, "value"].iloc[0] == "令和5年2月30日"  # the raw value is kept for the department
    assert sorted(result.records["_row"]) == [5, 9]


def test_good_rows_are_normalized_and_carry_the_sources_defaults(club_rows: pd.DataFrame) -> None:
    records = conform(club_rows, _source(), department_id="koureisha").records.set_index("_row")
    assert list(records.columns[: len(FIELD_NAMES)]) == list(FIELD_NAMES)
    assert records.loc[5, "phone"] == "049-224-8811"
    assert records.loc[5, "source_as_of"] == "2025-04-01"  # 和暦 to ISO
    assert records.loc[9, "source_as_of"] == "2025-04-01"
    assert records.loc[5, "field"] == "高齢;地域"
    assert records.loc[5, "resource_type"] == "老人クラブ"
    assert records.loc[5, "formality"] == "informal"
    assert records.loc[5, "source_id"] == "roujin-clubs"


def test_consent_decides_publication_and_private_contacts(club_rows: pd.DataFrame) -> None:
    records = conform(club_rows, _source(), department_id="koureisha").records.set_index("_row")
    assert bool(records.loc[5, "publish"]) and bool(records.loc[5, "contact_public"])
    assert not bool(records.loc[9, "publish"]) and not bool(records.loc[9, "contact_public"])  # 希望しない


def test_a_department_without_consent_publishes_nothing(club_rows: pd.DataFrame) -> None:
    records = conform(club_rows, _source(publish=False), department_id="koureisha").records
    assert not records["publish"].any()


def test_formal_sources_publish_contacts_without_a_consent_column() -> None:
    frame = pd.DataFrame(
        {"名称": ["つなぐケア川越"], "住所": ["川越市新富町1-3-1"], "電話番号": ["049-224-8811"], "_row": [2]}
    )
    source = _source(columns={}, private_contacts=False, formality="formal", resource_type="介護サービス事業所")
    records = conform(frame, source, department_id="kaigo-hoken").records
    assert bool(records.loc[0, "contact_public"]) and bool(records.loc[0, "publish"])


def test_split_v2_address_is_joined_when_no_full_address_column() -> None:
    frame = pd.DataFrame(
        {
            "ID": ["001"],
            "名称": ["相談支援センターつなぐ"],
            "所在地_都道府県": ["埼玉県"],
            "所在地_市区町村": ["川越市"],
            "所在地_町字": ["新富町一丁目"],
            "所在地_番地以下": ["3-1"],
            "_row": [2],
        }
    )
    source = _source(columns={}, private_contacts=False)
    result = conform(frame, source, department_id="shogai")
    assert result.records.loc[0, "address"] == "埼玉県川越市新富町一丁目3-1"
    assert result.records.loc[0, "source_record_id"] == "001"
    assert result.quarantine.empty


def test_a_row_with_neither_address_nor_area_is_quarantined() -> None:
    frame = pd.DataFrame({"名称": ["見守りボランティア"], "活動地域": [None], "住所": [None], "_row": [3]})
    result = conform(frame, _source(columns={}, private_contacts=False), department_id="shakyo")
    assert list(result.quarantine["rule"]) == ["required:address_or_area"]
    frame.loc[0, "活動地域"] = "霞ケ関地区"
    assert conform(frame, _source(columns={}, private_contacts=False), department_id="shakyo").quarantine.empty


def test_stated_list_date_fills_rows_without_their_own() -> None:
    from datetime import date

    frame = pd.DataFrame({"名称": ["寿会"], "住所": ["川越市新富町1-3-1"], "_row": [4]})
    result = conform(
        frame, _source(columns={}, private_contacts=False), department_id="k", source_as_of=date(2025, 4, 1)
    )
    assert result.records.loc[0, "source_as_of"] == "2025-04-01"


def test_unmappable_name_is_an_error_that_says_what_to_add() -> None:
    frame = pd.DataFrame({"サークル": ["a"], "_row": [2]})
    with pytest.raises(ParseError, match=r"columns: \{name: <header>\}"):
        conform(frame, _source(columns={}), department_id="k")


def test_config_columns_that_are_not_in_the_file_are_warned_about(club_rows: pd.DataFrame) -> None:
    source = _source(columns={"name": "クラブ名", "url": "ホームページアドレス"})
    result = conform(club_rows, source, department_id="k")
    assert any("columns.url" in w for w in result.warnings)
