"""Normalized keys: spelling variants a department really types collapse; different things stay apart."""

from __future__ import annotations

import pandas as pd
import pytest

from matching.keys import (
    MatchInputError,
    name_key,
    normalize_name,
    phone_key,
    place_key,
    require_columns,
    town_key,
)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        # ASCII space vs ideographic space (U+3000)
        ("ふれあいサロン 仙波", "ふれあいサロン　仙波"),
        # half-width katakana vs hiragana, no space
        ("ﾌﾚｱｲｻﾛﾝ仙波", "ふれあいサロン 仙波"),
        # ㈱ (one character) vs 株式会社, with and without a space before the office name
        ("㈱つなぐケア 川越事業所", "株式会社つなぐケア川越事業所"),
        # full-width parentheses (株) vs 株式会社
        ("（株）つなぐケア川越事業所", "株式会社つなぐケア川越事業所"),
        # ㈲ vs 有限会社
        ("㈲川越ケアサービス", "有限会社 川越ケアサービス"),
        # (福) abbreviation vs 社会福祉法人
        ("(福)つなぐ会 特別養護老人ホーム", "社会福祉法人つなぐ会特別養護老人ホーム"),
        # NPO法人 in full-width letters vs 特定非営利活動法人
        ("ＮＰＯ法人 あおぞら", "特定非営利活動法人あおぞら"),
        # katakana middle dot, full and half width, vs none
        ("子ども食堂・かわごえ", "子ども食堂･かわごえ"),
        # long vowel typed as a hyphen between kana vs ー
        ("デイサ－ビス霞ヶ関", "デイサービス霞ヶ関"),
        # small ヶ vs ケ in a place name inside the name
        ("霞ヶ関地区ふれあい会", "霞ケ関地区ふれあい会"),
        # full-width digits and Latin letters vs ASCII, case-insensitive
        ("ＣＡＦＥ　ｏｒａｎｇｅ　第２", "cafe Orange 第2"),
        # brackets and quotes around a nickname
        ("「みんなの食堂」", "みんなの食堂"),
    ],
)
def test_variants_share_a_name_key(left: str, right: str) -> None:
    assert normalize_name(left) == normalize_name(right)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        # different districts in the name
        ("ふれあいサロン仙波", "ふれあいサロン霞ケ関"),
        # 前株 vs 後株 are different registered names
        ("株式会社つなぐ", "つなぐ株式会社"),
        # が is a particle as often as a place marker: not folded into ケ
        ("霞が関サロン", "霞ケ関サロン"),
        # a corporate form is part of the name: 有限会社 is not 株式会社
        ("有限会社つなぐ", "株式会社つなぐ"),
    ],
)
def test_different_names_keep_different_keys(left: str, right: str) -> None:
    assert normalize_name(left) != normalize_name(right)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # ー inside a katakana word is a letter and stays
        ("センター", "センター"),
        # a dash between kanji and kana is a separator and goes
        ("川越-ケアセンター", "川越ケアセンター"),
        # hiragana becomes katakana
        ("ふれあい", "フレアイ"),
        # corporate marks become one token, in place
        ("㈱つなぐ", "株ツナグ"),
    ],
)
def test_name_key_output(text: str, expected: str) -> None:
    assert normalize_name(text) == expected


def test_name_key_keeps_index_and_turns_blanks_into_none() -> None:
    keys = name_key(pd.Series(["ふれあい", None, "  ", "・"], index=[10, 11, 12, 13]))
    assert keys.index.tolist() == [10, 11, 12, 13]
    assert keys.tolist() == ["フレアイ", None, None, None]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        # town and block from geocoding; 番地 and 号 spellings collapse to dashes
        ({"town": "新富町一丁目", "block": "3番地1", "address": "x"}, "新富町一丁目|3-1"),
        # full-width block digits
        ({"town": "新富町一丁目", "block": "３－１", "address": "x"}, "新富町一丁目|3-1"),
        # town without block
        ({"town": "霞ヶ関北三丁目", "block": None, "address": "x"}, "霞ケ関北三丁目"),
        # no town: the normalized address
        (
            {"town": None, "block": None, "address": "埼玉県川越市 新富町１丁目３番地１"},
            "埼玉県川越市新富町1丁目3-1",
        ),
        # nothing known
        ({"town": None, "block": None, "address": None}, None),
    ],
)
def test_place_key(row: dict[str, str | None], expected: str | None) -> None:
    assert place_key(pd.DataFrame([row])).tolist() == [expected]


def test_place_key_without_place_columns() -> None:
    assert place_key(pd.DataFrame({"name": ["a"]})).tolist() == [None]


@pytest.mark.parametrize(
    ("phone", "expected"),
    [
        # hyphenated
        ("049-224-8811", "0492248811"),
        # area code in parentheses
        ("049(224)8811", "0492248811"),
        # full-width digits and dashes
        ("０４９－２２４－８８１１", "0492248811"),
        # no digits at all
        ("未定", None),
        # missing
        (None, None),
    ],
)
def test_phone_key(phone: str | None, expected: str | None) -> None:
    assert phone_key(pd.Series([phone], dtype=object)).tolist() == [expected]


def test_town_key_unifies_small_ke_and_width() -> None:
    assert town_key(pd.Series(["霞ヶ関北３丁目", "霞ケ関北3丁目"])).nunique() == 1


def test_missing_column_names_it() -> None:
    with pytest.raises(MatchInputError, match="name"):
        require_columns(pd.DataFrame({"title": ["a"]}), ("name",), where="test")
