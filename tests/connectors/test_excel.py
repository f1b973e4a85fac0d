"""Excel workbooks: title rows, a two-row merged header, zero-padded numbers, dates, notes, hidden rows."""

from __future__ import annotations

import zipfile
from datetime import date, datetime, time
from io import BytesIO
from pathlib import Path

import openpyxl
import pytest
from openpyxl import Workbook

from connectors import fetch, parse
from connectors.excel import cell_text, zero_padded
from tests.connectors.helpers import make_source, payload_of
from tsunagu.errors import ParseError

CLUB_COLUMNS = [
    "地区",
    "番号",
    "クラブ名",
    "代表者_氏名",
    "代表者_電話番号",
    "郵便番号",
    "所在地",
    "会員数",
    "設立日",
    "クラブコード",
    "_row",
]


@pytest.mark.parametrize("name", ["roujin_club_merged_header.xlsx", "roujin_club_merged_header.xls"])
def test_club_list_layout(fixtures: Path, name: str) -> None:
    source = make_source("excel", str(fixtures / name))
    extracted = parse(source, fetch(source, source.location))
    frame = extracted.frame
    # The instructions sheet comes first and has no header row: the club sheet is found.
    assert list(frame.columns) == CLUB_COLUMNS
    assert extracted.as_of == date(2025, 4, 1)  # 「老人クラブ一覧（令和7年4月1日現在）」
    # The hidden row 7 and the ※/注 notes below the table are not records.
    assert list(frame["_row"]) == [5, 6, 8]
    assert list(frame["クラブ名"]) == ["寿クラブ", "仙波長寿会", "霞ケ関ひまわり会"]
    assert any("hidden row" in w and "row 7" in w for w in extracted.warnings)
    first, second, third = (frame.iloc[i] for i in range(3))
    assert first["地区"] == second["地区"] == "本庁"  # a vertically merged district covers both rows
    assert first["代表者_氏名"] == "髙田 一郎"
    assert first["代表者_電話番号"] == "049-222-1111"
    assert second["代表者_電話番号"] == "0492223333"  # a number shown through format 0000000000
    assert first["郵便番号"] == "350-1234"  # a number shown through format 000-0000
    assert third["郵便番号"] == "350-1101"  # text as typed
    assert first["クラブコード"] == "0007"
    assert third["クラブコード"] == "0105"
    assert first["番号"] == "1"
    assert third["会員数"] == "52"  # a whole float without '.0'
    assert first["設立日"] == "1975-04-01"
    assert third["設立日"] == "2001-06-01"


def test_kanagawa_published_workbook(shared_dir: Path) -> None:
    path = shared_dir / "samples" / "kodomo_shokudo" / "140007_kanagawa_kodomoshokudo_20231105.xlsx"
    source = make_source("excel", str(path))
    extracted = parse(source, fetch(source, source.location))
    frame = extracted.frame
    assert len(frame) == 116
    assert list(frame.columns[:5]) == [
        "NO",
        "都道府県コード又は市区町村コード",
        "都道府県",
        "市区町村名",
        "名称",
    ]
    assert frame.loc[0, "都道府県コード又は市区町村コード"] == "140007"
    assert frame.loc[0, "_row"] == 2
    assert frame.loc[1, "名称"] == "なまむぎこども食堂"  # the trailing ideographic space is stripped


def _workbook(rows: list[list[object]], *, title: str = "一覧") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_explicit_sheet_and_header_row() -> None:
    content = _workbook([["2026年4月1日時点"], ["名称", "住所"], ["さくら", "川越市"]], title="data")
    source = make_source("excel", excel={"sheet": "data", "header_row": 2})
    extracted = parse(source, payload_of(content, "list.xlsx"))
    assert list(extracted.frame.columns) == ["名称", "住所", "_row"]
    assert extracted.frame.loc[0, "_row"] == 3
    assert extracted.as_of == date(2026, 4, 1)


def test_missing_sheet_names_the_sheets_there() -> None:
    source = make_source("excel", excel={"sheet": "R7"})
    with pytest.raises(ParseError, match=r"sheet 'R7' not found \(the workbook has 0: '一覧'\)"):
        parse(source, payload_of(_workbook([["a", "b", "c"]]), "list.xlsx"))


def test_rows_after_a_gap_are_reported_not_read() -> None:
    rows: list[list[object]] = [["名称", "住所", "電話番号"], ["さくら", "川越市", "049-000-0000"]]
    rows += [[None], [None], ["ひまわり", "川越市", "049-000-1111"], ["作成：高齢者いきがい課"]]
    extracted = parse(make_source("excel"), payload_of(_workbook(rows), "list.xlsx"))
    assert list(extracted.frame["名称"]) == ["さくら"]
    assert any("1 row(s) after a gap" in w and "row 5" in w for w in extracted.warnings)


def test_a_sheet_without_a_header_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="no visible sheet has a header row"):
        parse(make_source("excel"), payload_of(_workbook([["メモ"], [1, 2, 3]]), "list.xlsx"))


def test_not_a_workbook_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match=r"not an Excel workbook.*change the source's kind"):
        parse(make_source("excel"), payload_of(b"<html><table></table></html>", "list.xls"))


@pytest.mark.parametrize(
    ("value", "number_format", "text"),
    [
        (492223333, "0000000000", "0492223333"),  # phone stored as a number, shown with its zero
        (3501234, "000-0000", "350-1234"),  # postal code
        (7, "0000", "0007"),  # ID
        (7, "General", "7"),
        (12.0, "General", "12"),  # whole float: no '.0'
        (35.9251, "General", "35.9251"),
        (0.1 + 0.2, "General", "0.3"),  # binary noise Excel would not show
        (datetime(2025, 4, 1), "yyyy/m/d", "2025-04-01"),
        (datetime(2025, 4, 1, 9, 30), "yyyy/m/d h:mm", "2025-04-01 09:30"),
        (time(17, 0), "h:mm", "17:00"),
        (True, "General", "TRUE"),
        ("0492", "@", "0492"),  # text keeps its leading zero as typed
    ],
)
def test_cell_text(value: object, number_format: str, text: str) -> None:
    assert cell_text(value, number_format)[0] == text


def test_zero_padded_ignores_other_formats() -> None:
    assert zero_padded(5, "#,##0") is None
    assert zero_padded(5, '"No."0') is None


def test_offset_table_with_a_merged_parent_row_above_single_row_labels() -> None:
    book = Workbook()
    sheet = book.active
    sheet["B1"] = "サロン一覧"
    sheet["D2"] = "代表者"
    sheet.merge_cells("D2:E2")
    for col, label in zip("BCDEF", ["番号", "サロン名", "氏名", "電話番号", "会場"], strict=True):
        sheet[f"{col}3"] = label
    sheet.append([None, 1, "さくら", "髙野 花子", "049-000-0000", "元町公民館"])
    sheet.append([None, 2, "ひまわり", None, None, "南古谷公民館"])
    sheet["A7"] = "※ 代表者の連絡先は本人の同意を得て掲載しています。"
    buffer = BytesIO()
    book.save(buffer)
    extracted = parse(make_source("excel"), payload_of(buffer.getvalue(), "salons.xlsx"))
    frame = extracted.frame
    assert list(frame.columns) == ["番号", "サロン名", "代表者_氏名", "代表者_電話番号", "会場", "_row"]
    assert list(frame["_row"]) == [4, 5]
    assert frame.loc[1, "代表者_氏名"] is None
    assert extracted.warnings == []


def test_explicit_header_rows() -> None:
    rows: list[list[object]] = [
        ["名称", "開催", None, "会場"],
        [None, "曜日", "時間", None],
        ["さくら", "火", "10時", "公民館"],
    ]
    source = make_source("excel", excel={"header_rows": 2})
    frame = parse(source, payload_of(_workbook(rows), "list.xlsx")).frame
    assert list(frame.columns) == ["名称", "開催_曜日", "時間", "会場", "_row"]


# --- unsafe and damaged workbooks ---------------------------------------------------------------


def test_external_entity_is_never_resolved(fixtures: Path) -> None:
    source = make_source("excel", str(fixtures / "roujin_club_xxe.xlsx"))
    payload = fetch(source, source.location)
    with pytest.raises(ParseError, match=r"xl/worksheets/sheet2.xml declares a DOCTYPE .* refused as unsafe") as raised:
        parse(source, payload)
    hostname = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").exists() else "\0"
    assert hostname not in str(raised.value)


def test_openpyxl_itself_refuses_entities_through_defusedxml(fixtures: Path) -> None:
    # The second line of defence, behind the DOCTYPE scan: openpyxl parses with defusedxml when installed.
    assert openpyxl.DEFUSEDXML
    with pytest.raises(ValueError, match="invalid XML"):
        openpyxl.load_workbook(fixtures / "roujin_club_xxe.xlsx")


def test_truncated_workbook_says_to_export_it_again(fixtures: Path) -> None:
    source = make_source("excel", str(fixtures / "roujin_club_truncated.xlsx"))
    with pytest.raises(ParseError, match=r"workbook is damaged or truncated .* export it again"):
        parse(source, fetch(source, source.location))


def test_workbook_bomb_is_refused_before_openpyxl_opens_it(fixtures: Path) -> None:
    original = fixtures / "roujin_club_merged_header.xlsx"
    buffer = BytesIO()
    with zipfile.ZipFile(original) as book, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as padded:
        for info in book.infolist():
            data = book.read(info)
            if info.filename == "xl/worksheets/sheet2.xml":
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * (16 * 1024 * 1024), 1)
            padded.writestr(info, data)
    with pytest.raises(
        ParseError, match=r"member 'xl/worksheets/sheet2.xml' expands .* refused as a possible ZIP bomb"
    ):
        parse(make_source("excel"), payload_of(buffer.getvalue(), "clubs.xlsx"))


def test_a_zip_of_csv_files_given_as_excel_is_read_as_a_bundle(fixtures: Path) -> None:
    payload = payload_of((fixtures / "kaigo_bundle_cp932_names.zip").read_bytes(), "bundle.xlsx")
    frame = parse(make_source("excel"), payload).frame
    assert len(frame) == 3
    assert "_member" in frame.columns
