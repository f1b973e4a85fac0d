"""Shared helpers: the stated-date finder, header flattening, and the names that pick a parser."""

from __future__ import annotations

from datetime import date

import pytest

from connectors.base import clean_header, find_as_of, find_updated, flatten_header, payload_filename


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("老人クラブ一覧（令和7年4月1日現在）", date(2025, 4, 1)),
        ("令和７年４月１日現在", date(2025, 4, 1)),  # full-width digits
        ("令和元年5月1日時点", date(2019, 5, 1)),  # 元年
        ("令和七年十月二十一日現在", date(2025, 10, 21)),  # kanji numerals
        ("平成31年4月30日", date(2019, 4, 30)),
        ("R7.4.1現在", date(2025, 4, 1)),
        ("2026年4月1日時点", date(2026, 4, 1)),
        ("作成 2025/3/31、2025/4/1現在", date(2025, 4, 1)),  # the one marked 現在 wins
        ("2025-04-01", date(2025, 4, 1)),  # an Excel date cell in a title row, already ISO
        ("令和7年度 老人クラブ一覧", None),  # a fiscal year is not a date
        ("2025年2月30日現在", None),  # no such day
    ],
)
def test_find_as_of(text: str, expected: date | None) -> None:
    assert find_as_of(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ページ番号 1234 更新日：2025年4月1日 印刷", date(2025, 4, 1)),
        ("最終更新日 令和7年3月15日（土曜日）", date(2025, 3, 15)),
        ("2025年4月1日更新", date(2025, 4, 1)),
        ("掲載日：2024年1月5日 更新日：2025年2月10日", date(2025, 2, 10)),
        ("イベントは2025年5月5日に開催します", None),  # a date, but not the page's update date
    ],
)
def test_find_updated(text: str, expected: date | None) -> None:
    assert find_updated(text) == expected


@pytest.mark.parametrize(
    ("parts", "name"),
    [
        (["代表者", "氏名"], "代表者_氏名"),
        (["番号", "番号"], "番号"),  # a vertical merge repeats the same label
        (["番号", None], "番号"),
        (["開催", "曜日", "曜日"], "開催_曜日"),
        (["電話\n番号", ""], "電話番号"),  # a wrapped Japanese header joins without a space
        (["Phone\nnumber"], "Phone number"),
        (["\ufeff\ufeffＩＤ "], "ID"),
    ],
)
def test_flatten_header(parts: list[str | None], name: str) -> None:
    assert flatten_header(parts) == name


def test_clean_header_empty() -> None:
    assert clean_header(None) == ""


@pytest.mark.parametrize(
    ("location", "headers", "kind", "name"),
    [
        ("https://city.example/opendata/care_service.csv", {}, "csv", "care_service.csv"),
        (
            "https://city.example/download.php?id=3",
            {"Content-Type": "application/vnd.ms-excel"},
            "excel",
            "download.xls",
        ),
        (
            "https://city.example/kurashi/salon/",
            {"Content-Type": "text/html; charset=UTF-8"},
            "html",
            "index.html",
        ),
        ("https://city.example/api/list", {}, "json_api", "list.json"),
        (
            "https://city.example/a",
            {"content-disposition": 'attachment; filename="名簿.xlsx"'},
            "excel",
            "名簿.xlsx",
        ),
        ("/data/inbox/2025-04 名簿.xlsx", {}, "inbox", "2025-04 名簿.xlsx"),
        ("file:///data/%E5%90%8D%E7%B0%BF.csv", {}, "csv", "名簿.csv"),
    ],
)
def test_payload_filename(location: str, headers: dict[str, str], kind: str, name: str) -> None:
    assert payload_filename(location, headers, kind) == name
