"""CSV files as departments send them: cp932 with vendor characters, BOMs, UTF-16, padding rows."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from connectors import csv as csv_connector
from connectors import fetch, parse
from connectors.csv import sniff_delimiter
from tests.connectors.helpers import make_source, payload_of
from tsunagu.errors import ParseError


def _cells_are_text(frame: pd.DataFrame) -> bool:
    return all(v is None or isinstance(v, str) for v in frame.drop(columns="_row").to_numpy().ravel())


@pytest.mark.parametrize("encoding", ["auto", "shift_jis", "cp932", "SJIS"])
def test_cp932_care_services_keep_vendor_characters(fixtures: Path, encoding: str) -> None:
    source = make_source("csv", str(fixtures / "care_services_cp932.csv"), encoding=encoding)
    extracted = parse(source, fetch(source, source.location))
    frame = extracted.frame
    assert len(frame) == 4
    names = list(frame["介護サービス事業所名称"])
    assert names == [
        "デイサービス①すこやか",
        "髙橋ケアセンター",
        "グループホーム㈲かわごえ",
        "小規模多機能ホーム②なぐわし",
    ]
    assert frame.loc[0, "法人の名称"] == "㈱すこやかケア"
    assert frame.loc[1, "利用可能曜日"] == "月～土"  # cp932's ～ (U+FF5E), not strict Shift_JIS's wave dash
    assert frame.loc[0, "電話番号"] == "049-224-0001"
    assert frame.loc[0, "内線番号"] is None
    # Record numbers as a spreadsheet shows them: the quoted two-line cell is still one record.
    assert list(frame["_row"]) == [2, 3, 4, 5]
    assert frame.loc[1, "備考"] == "送迎あり、\n要予約"
    assert extracted.warnings == ["300 blank row(s) skipped"]
    assert extracted.as_of is None
    assert _cells_are_text(frame)


def test_cp932_fixture_has_the_official_care_service_header(fixtures: Path, shared_dir: Path) -> None:
    template = shared_dir / "standards" / "suisho_v1_templates" / "xxxxxx_care_service.csv"
    official = template.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    source = make_source("csv", str(fixtures / "care_services_cp932.csv"))
    frame = parse(source, fetch(source, source.location)).frame
    assert list(frame.columns) == [*official, "_row"]


def test_doubled_bom_and_crlf(fixtures: Path) -> None:
    source = make_source("csv", str(fixtures / "kodomo_doubled_bom_crlf.csv"))
    extracted = parse(source, fetch(source, source.location))
    assert extracted.frame.columns[0] == "全国地方公共団体コード"
    assert extracted.frame.loc[1, "開催日時特記事項"] == "毎週水曜日, 17時～19時"
    assert extracted.frame.loc[2, "URL"] is None
    assert extracted.warnings == []


def test_utf16_tab_separated(fixtures: Path) -> None:
    source = make_source("csv", str(fixtures / "salons_utf16_tab.csv"))
    frame = parse(source, fetch(source, source.location)).frame
    assert list(frame.columns) == ["サロン名", "代表者", "開催場所", "開催日", "連絡先", "_row"]
    assert frame.loc[0, "開催日"] == "第1・3火曜日, 10:00～12:00"
    assert frame.loc[2, "代表者"] is None


def test_every_published_kodomo_shokudo_csv(shared_dir: Path) -> None:
    files = sorted((shared_dir / "samples" / "kodomo_shokudo").glob("*.csv"))
    assert files
    for path in files:
        source = make_source("csv", str(path))
        frame = parse(source, fetch(source, source.location)).frame
        assert len(frame) > 0, path.name
        assert {"ID", "住所"} <= set(frame.columns), path.name
        if not path.stem.endswith("_tsuika"):
            assert {"全国地方公共団体コード", "名称", "名称_カナ", "電話番号1"} <= set(frame.columns), path.name
        assert not any(column.startswith("\ufeff") for column in frame.columns), path.name
        assert _cells_are_text(frame), path.name


@pytest.mark.parametrize(
    ("cell", "warned"),
    [
        ("?橋商店", True),  # 髙 lost when saved as strict Shift_JIS
        ("渡?部 花子", True),  # 邉 lost the same way
        ("https://example.jp/?id=1", False),  # a query string is not a lost character
        ("参加しませんか?", False),  # a question mark at the end is punctuation
    ],
)
def test_question_mark_where_a_character_was_lost(cell: str, warned: bool) -> None:
    content = f"名称,住所,電話番号\n{cell},川越市元町1-1,049-000-0000\n".encode()
    extracted = parse(make_source("csv"), payload_of(content))
    assert any("'?'" in w for w in extracted.warnings) is warned


def test_header_is_first_non_blank_row_and_headers_are_normalized() -> None:
    content = ',,\n\n ＮＯ ,名称,"所在\n地"\n1,さくら,川越市\n2,ひまわり\n'.encode()
    extracted = parse(make_source("csv"), payload_of(content))
    assert list(extracted.frame.columns) == ["NO", "名称", "所在地", "_row"]
    assert list(extracted.frame["_row"]) == [4, 5]
    assert extracted.frame.loc[1, "所在地"] is None
    assert "2 blank row(s) skipped" in extracted.warnings


@pytest.mark.parametrize("delimiter", [",", "\t"])
def test_title_lines_above_the_header_give_as_of(delimiter: str) -> None:
    lines = ["老人クラブ一覧（令和７年４月１日現在）", "", "名称,住所,会員数", "寿クラブ,川越市元町,45"]
    content = "\r\n".join(line.replace(",", delimiter) for line in lines).encode("cp932")
    extracted = parse(make_source("csv"), payload_of(content))
    assert list(extracted.frame.columns) == ["名称", "住所", "会員数", "_row"]
    assert extracted.frame.loc[0, "_row"] == 4
    assert extracted.as_of == date(2025, 4, 1)


def test_header_without_records_is_warned() -> None:
    extracted = parse(make_source("csv"), payload_of("名称,住所\r\n".encode()))
    assert extracted.frame.empty
    assert list(extracted.frame.columns) == ["名称", "住所", "_row"]
    assert "the header has no records below it" in extracted.warnings


def test_duplicate_and_missing_headers_stay_distinct() -> None:
    content = "名称,電話番号,電話番号,\nさくら,049-000-0001,049-000-0002,メモ\n".encode()
    extracted = parse(make_source("csv"), payload_of(content))
    assert list(extracted.frame.columns) == ["名称", "電話番号", "電話番号_2", "column_4", "_row"]
    assert len(extracted.warnings) == 2


def test_explicit_wrong_encoding_is_a_parse_error_naming_the_source() -> None:
    source = make_source("csv", encoding="utf-8")
    with pytest.raises(ParseError, match=r"source test-source \(data.csv\): cannot decode as utf-8.*encoding: auto"):
        parse(source, payload_of("名称\nさくら\n".encode("cp932")))


def test_empty_file_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="no header row"):
        parse(make_source("csv"), payload_of(b",,,\r\n,,,\r\n"))


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [("a,b,c\n1,2,3", ","), ("a\tb\tc\n1\t2,5\t3", "\t"), ("題名\n\na\tb", "\t"), ("", ",")],
)
def test_sniff_delimiter(text: str, delimiter: str) -> None:
    assert sniff_delimiter(text) == delimiter


# --- the columnar path for large files -------------------------------------------------------------

_ROWS = "\r\n".join(f"{n},さくら{n},川越市元町{n}" for n in range(1, 4))
SHAPES = [
    # (case, text, read column-wise): each is read both ways and must come out the same
    ("fixture cp932", None, True),
    ("title lines", f"老人クラブ一覧（令和７年４月１日現在）\r\n\r\nNO,名称,住所\r\n{_ROWS}\r\n", True),
    ("padding rows and trailing blank lines", f"NO,名称,住所\r\n{_ROWS}\r\n,,\r\n,,\r\n\r\n\r\n", True),
    ("quoted line breaks", f'NO,名称,住所\r\n{_ROWS}\r\n4,"ひまわり\r\n（休止中）","川越市\n的場"\r\n', True),
    ("duplicate and missing headers", "名称,電話,電話,\r\nさくら,049-1,049-2,メモ\r\nひまわり,,,\r\n", True),
    ("lost characters", f"NO,名称,住所\r\n{_ROWS}\r\n4,?橋商店,https://x.example/?id=4\r\n5,\ufffd,\r\n", True),
    ("ideographic spaces", "NO,名称,住所\r\n1,\u3000さくら\u3000, 川越市 \r\n2,\u3000,\t\r\n", True),
    ("tabs", "NO\t名称\t住所\r\n1\tさくら\t川越市\r\n", True),
    ("header wider than rows", "NO,名称,住所,電話\r\n1,さくら,川越市\r\n2,ひまわり,川越市\r\n", True),
    ("ragged rows", f"NO,名称,住所\r\n{_ROWS}\r\n4,ひまわり\r\n5,あおぞら,川越市,余分\r\n", False),
    ("one column", "名称\r\nさくら\r\nひまわり\r\n", False),
]


@pytest.mark.parametrize(("case", "text", "columnar"), SHAPES, ids=[case for case, _, _ in SHAPES])
def test_columnar_reading_matches_the_csv_module(
    fixtures: Path, monkeypatch: pytest.MonkeyPatch, case: str, text: str | None, columnar: bool
) -> None:
    content = (fixtures / "care_services_cp932.csv").read_bytes() if text is None else text.encode("utf-8")
    source = make_source("csv")
    expected = parse(source, payload_of(content))  # small: read by the csv module
    monkeypatch.setattr(csv_connector, "COLUMNAR_MIN_CHARS", 0)
    if columnar:
        monkeypatch.setattr(csv_connector, "_tolerant", _must_not_fall_back)
    got = parse(source, payload_of(content))
    pd.testing.assert_frame_equal(got.frame, expected.frame)
    assert [type(v) for v in got.frame.to_numpy().ravel()] == [type(v) for v in expected.frame.to_numpy().ravel()]
    assert got.warnings == expected.warnings
    assert got.as_of == expected.as_of


def _must_not_fall_back(*args: object) -> object:
    raise AssertionError("the columnar path declined a well-formed file")


def test_large_file_is_read_column_wise(monkeypatch: pytest.MonkeyPatch) -> None:
    header = "NO,名称,住所,電話番号\r\n"
    body = "".join(f"{n},さくら{n},川越市元町{n % 7}丁目,049-000-{n:04d}\r\n" for n in range(1, 20_001))
    content = (header + body + ",,,\r\n" * 10).encode("cp932")
    assert len(content) > csv_connector.COLUMNAR_MIN_CHARS
    monkeypatch.setattr(csv_connector, "_tolerant", _must_not_fall_back)
    extracted = parse(make_source("csv"), payload_of(content))
    assert len(extracted.frame) == 20_000
    assert extracted.frame.loc[19_999, "_row"] == 20_001
    assert extracted.frame.loc[6, "住所"] == "川越市元町0丁目"
    assert extracted.warnings == ["10 blank row(s) skipped"]
    assert _cells_are_text(extracted.frame)
