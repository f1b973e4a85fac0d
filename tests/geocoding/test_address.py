"""Address normalization and splitting against the towns of 川越市 (the bundled extract)."""

from __future__ import annotations

import re

import pytest

from geocoding import AddressParts, Gazetteer, normalize_address, split_address
from geocoding.address import TownIndex, arabic_to_kanji, kanji_to_int

PREFECTURE, CITY = "埼玉県", "川越市"


@pytest.fixture(scope="module")
def towns() -> list[str]:
    """The 249 town names of 川越市 as the gazetteer writes them."""
    return Gazetteer.bundled("112011").towns["town"].tolist()


def split(text: str | None, towns: list[str]) -> AddressParts:
    return split_address(text, towns, prefecture=PREFECTURE, city=CITY)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 全角 digits, hyphen and space; 丁目 digits become kanji, 番地 between numbers a hyphen
        ("川越市新富町１丁目３番地１ つなぐビル２階", "川越市新富町一丁目3-1つなぐビル2階"),
        # already normal: unchanged
        ("川越市新富町一丁目3-1", "川越市新富町一丁目3-1"),
        # 番 and 号 of 住居表示; the trailing 号 goes
        ("川越市元町1丁目3番1号", "川越市元町一丁目3-1"),
        # 番地の and a trailing 番地
        ("川越市大字上寺山123番地の4", "川越市大字上寺山123-4"),
        ("川越市大字上寺山１２３番地", "川越市大字上寺山123"),
        # の between numbers
        ("川越市大字笠幡1234の5", "川越市大字笠幡1234-5"),
        # long-vowel mark, half-width ｰ, minus sign and dashes between digits
        ("川越市並木新町５ー６", "川越市並木新町5-6"),
        ("川越市並木新町5ｰ6", "川越市並木新町5-6"),
        ("川越市並木新町5−6‐7", "川越市並木新町5-6-7"),
        ("川越市並木新町5―6—7", "川越市並木新町5-6-7"),
        # wave dash between digits
        ("川越市並木新町5〜6", "川越市並木新町5-6"),
        # ー inside a katakana word is kept
        ("川越市新富町1-3-1 つなぐセンター", "川越市新富町1-3-1つなぐセンター"),
        # ケ/ヶ is left as written; the gazetteer's spelling is applied at lookup
        ("川越市霞ヶ関北１－２－３", "川越市霞ヶ関北1-2-3"),
        # 10丁目 and above use kanji units
        ("さいたま市西区指扇10丁目", "さいたま市西区指扇十丁目"),
        # a space between two numbers separates a room and is kept
        ("川越市新富町一丁目3-1 201号室", "川越市新富町一丁目3-1 201号室"),
        # 号 followed by a room number closes the house number
        ("川越市新富町一丁目3番1号201号室", "川越市新富町一丁目3-1 201号室"),
        # full-width space and half-width kana
        ("埼玉県　川越市　ﾂﾅｸﾞﾋﾞﾙ", "埼玉県川越市ツナグビル"),
        # postal code is kept by normalize (split removes it)
        ("〒３５０－００４３　川越市新富町", "〒350-0043川越市新富町"),
        # nothing to normalize
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_normalize_address(text: str | None, expected: str | None) -> None:
    assert normalize_address(text) == expected


def test_normalize_address_is_idempotent() -> None:
    text = "〒350-0043 川越市新富町１丁目３番地１ つなぐビル２階"
    once = normalize_address(text)
    assert normalize_address(once) == once


@pytest.mark.parametrize(
    ("text", "town", "block", "building"),
    [
        # the full form with 全角 digits, 1丁目 and 番地, and a building
        ("埼玉県川越市新富町１丁目３番地１ つなぐビル２階", "新富町一丁目", "3-1", "つなぐビル2階"),
        # 丁目 already in kanji
        ("川越市新富町一丁目3-1", "新富町一丁目", "3-1", None),
        # the first number is the 丁目 when 新富町一丁目 exists
        ("川越市新富町1-3-1", "新富町一丁目", "3-1", None),
        # the same in 全角
        ("川越市新富町１－３－１", "新富町一丁目", "3-1", None),
        # postal code prefix with 〒
        ("〒350-0043 埼玉県川越市新富町1-3-1", "新富町一丁目", "3-1", None),
        # postal code without 〒
        ("350-0043 川越市新富町1-3-1", "新富町一丁目", "3-1", None),
        # neither prefecture nor city written
        ("新富町1-3-1", "新富町一丁目", "3-1", None),
        # prefecture and city with spaces
        ("埼玉県 川越市 元町１丁目３番１号", "元町一丁目", "3-1", None),
        # 大字 written, as in the gazetteer
        ("川越市大字上寺山123", "大字上寺山", "123", None),
        # 大字 left out
        ("川越市上寺山123", "大字上寺山", "123", None),
        # 番地の with 全角 digits
        ("川越市上寺山１２３番地の４", "大字上寺山", "123-4", None),
        # 地番 in 大字南大塚: 番地 says the 3 is not a 丁目
        ("川越市南大塚3番地1", "大字南大塚", "3-1", None),
        # without 番地 the 3 is read as 南大塚三丁目, as the gazetteer has it
        ("川越市南大塚3-1", "南大塚三丁目", "1", None),
        # explicit 大字 beats the 丁目 reading
        ("川越市大字南大塚3-1", "大字南大塚", "3-1", None),
        # a number with no such 丁目 (百二十三丁目) stays a 地番 of the 大字
        ("川越市豊田本123", "大字豊田本", "123", None),
        # longest town: 大字大仙波新田, not 大字大仙波
        ("川越市大仙波新田100", "大字大仙波新田", "100", None),
        # 中福東 (a town) beats 大字中福 + 東
        ("川越市中福東1-2", "中福東", "1-2", None),
        # the gazetteer writes 霞ケ関; ヶ in the input matches it
        ("川越市霞ヶ関北1-2-3", "霞ケ関北一丁目", "2-3", None),
        # が as in 東京都の霞が関
        ("川越市霞が関東５丁目１０番１号", "霞ケ関東五丁目", "10-1", None),
        # 大字小ケ谷 written with ヶ and without 大字
        ("川越市小ヶ谷100", "大字小ケ谷", "100", None),
        # つ for ツ in 八ツ島
        ("川越市八つ島100", "大字八ツ島", "100", None),
        # the town 大字川越 right after the city 川越市
        ("川越市川越123", "大字川越", "123", None),
        # kanji house numbers
        ("川越市元町一丁目三番地一", "元町一丁目", "3-1", None),
        # a room after 号
        ("川越市新富町一丁目3番1号201号室", "新富町一丁目", "3-1", "201号室"),
        # a room after a space
        ("川越市南大塚１－２－３ ２０１号室", "南大塚一丁目", "2-3", "201号室"),
        # building after the house number, no separator
        ("川越市大字笠幡1234-5グリーンハイツ101", "大字笠幡", "1234-5", "グリーンハイツ101"),
        # の between the numbers of the 1- form
        ("川越市新富町1の3の1", "新富町一丁目", "3-1", None),
        # a town with no house number
        ("川越市連雀町", "連雀町", None, None),
        # hiragana town name
        ("川越市かすみ野２丁目５－１", "かすみ野二丁目", "5-1", None),
    ],
)
def test_split_address_kawagoe(text: str, town: str, block: str | None, building: str | None, towns: list[str]) -> None:
    parts = split(text, towns)
    assert (parts.prefecture, parts.city, parts.town, parts.block, parts.building) == (
        PREFECTURE,
        CITY,
        town,
        block,
        building,
    )
    separator = " " if block and building and building[0].isdigit() else ""
    assert parts.normalized == f"{PREFECTURE}{CITY}{town}{block or ''}{separator}{building or ''}"


@pytest.mark.parametrize(
    ("text", "prefecture", "city", "unmatched"),
    [
        # another municipality of the same prefecture
        ("埼玉県所沢市並木1-1", "埼玉県", "所沢市", "並木1-1"),
        # a designated city's ward, no prefecture
        ("さいたま市浦和区高砂3-15-1", None, "さいたま市浦和区", "高砂3-15-1"),
        # a town in a 郡, after the prefecture
        ("埼玉県入間郡三芳町藤久保1", "埼玉県", "入間郡三芳町", "藤久保1"),
        # another prefecture, even though 霞が関 resembles 霞ケ関
        ("東京都千代田区霞が関1-1-1", "東京都", None, None),
        # our city, unknown town
        ("川越市不明町1-1", "埼玉県", "川越市", "不明町1-1"),
        # nothing known: no city and an unknown town
        ("不明町1-1", None, None, "不明町1-1"),
        # a 丁目 the gazetteer lacks is not read as 大字的場 + 三丁目
        ("川越市的場３丁目１－１", "埼玉県", "川越市", "的場三丁目1-1"),
        # the city written with ヶ for ケ still counts as written
        ("埼玉県川越市霞ヶ関1-1", "埼玉県", "川越市", "霞ヶ関1-1"),
    ],
)
def test_split_address_without_a_town(
    text: str, prefecture: str | None, city: str | None, unmatched: str | None, towns: list[str]
) -> None:
    parts = split(text, towns)
    assert (parts.prefecture, parts.city, parts.town, parts.block, parts.building, parts.unmatched) == (
        prefecture,
        city,
        None,
        None,
        None,
        unmatched,
    )
    assert parts.normalized == normalize_address(text)


def test_split_address_empty(towns: list[str]) -> None:
    assert split(None, towns) == AddressParts(None, None, None, None, None, None)
    assert split("", towns) == AddressParts(None, None, None, None, None, None)


def test_gazetteer_spells_kasumigaseki_with_small_ke(towns: list[str]) -> None:
    assert "霞ケ関北一丁目" in towns
    assert not any("ヶ" in town for town in towns)


def test_split_accepts_a_prebuilt_index(towns: list[str]) -> None:
    index = TownIndex(towns)
    assert split_address("川越市上寺山1", index, prefecture=PREFECTURE, city=CITY).town == "大字上寺山"


def _variant_forms(town: str) -> set[str]:
    """The ways departments write a town: 大字 dropped, 丁目 as 1丁目/１丁目/1-, ケ as ヶ/が."""
    forms = {town}
    if town.startswith("大字"):
        forms.add(town[2:])
    chome = re.fullmatch(r"(.+?)([一二三四五六七八九十]+)丁目", town)
    if chome:
        number = kanji_to_int(chome.group(2))
        zenkaku = str(number).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        forms |= {
            f"{chome.group(1)}{number}丁目",
            f"{chome.group(1)}{zenkaku}丁目",
            f"{chome.group(1)}{number}-",
        }
    for form in list(forms):
        if "ケ" in form:
            forms |= {form.replace("ケ", "ヶ"), form.replace("ケ", "が")}
    return forms


def test_every_kawagoe_town_matches_in_variant_forms(towns: list[str]) -> None:
    prefixes = ["埼玉県川越市", "川越市", "", "〒350-0043 川越市"]
    misses, total = [], 0
    for town in towns:
        for form in _variant_forms(town):
            # after "1-" the next number is the block; a 地番 such as 1234 cannot be a 丁目
            blocks = ["3-1", "3番1号 つなぐビル2階"] if form.endswith("-") else ["1234-5", "3番地1", "12番3号201号室"]
            for prefix in prefixes:
                for block in blocks:
                    total += 1
                    if split(prefix + form + block, towns).town != town:
                        misses.append(prefix + form + block)
    assert len(towns) == 249
    assert total > 8_000
    assert misses == []


@pytest.mark.parametrize(
    ("kanji", "number"),
    [
        # single digit
        ("一", 1),
        # unit
        ("十", 10),
        # unit and digit
        ("十二", 12),
        # tens
        ("二十三", 23),
        # hundreds
        ("百二十三", 123),
        # positional with 〇
        ("一〇五", 105),
        # not a numeral
        ("上", None),
    ],
)
def test_kanji_to_int(kanji: str, number: int | None) -> None:
    assert kanji_to_int(kanji) == number
    if number is not None and "〇" not in kanji:
        assert arabic_to_kanji(number) == kanji
