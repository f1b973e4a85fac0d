"""Web pages: a Shift_JIS table with spans and links, repeated blocks, and a page whose layout changed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from connectors import HttpClient, fetch, parse
from tests.connectors.helpers import make_source, payload_of
from tsunagu.errors import ParseError

SHOKUDO_FIELDS = {
    "名称": ".name",
    "写真": "img@src",
    "会場": ".place",
    "開催日": ".date",
    "参加費": ".fee",
    "活動": ".tags li",
    "詳細": "a.more@href",
}


def test_table_page_over_http(fixtures: Path, httpserver: HTTPServer, client: HttpClient) -> None:
    page = (fixtures / "salon_list_shift_jis.html").read_bytes()
    # No charset in the HTTP header: only the page's meta tag says Shift_JIS.
    httpserver.expect_request("/kurashi/salon/index.html").respond_with_data(page, content_type="text/html")
    url = httpserver.url_for("/kurashi/salon/index.html")
    source = make_source("html", url, html={"mode": "table", "table": "table.datatable"})
    extracted = parse(source, fetch(source, url, client=client))
    frame = extracted.frame
    assert list(frame.columns) == [
        "地区",
        "サロン名",
        "サロン名_url",
        "開催_曜日",
        "開催_時間",
        "会場",
        "会場_url",
        "_row",
    ]
    assert list(frame["サロン名"]) == ["さくらサロン", "ひまわりの会", "カフェ①かすみ"]
    assert list(frame["地区"]) == ["本庁", "本庁", "霞ケ関"]  # rowspan carried down
    base = httpserver.url_for("")
    assert frame.loc[0, "サロン名_url"] == f"{base}soshiki/salon/1.html"
    assert frame.loc[1, "サロン名_url"] == f"{base}kurashi/salon/salon/2.html"
    assert frame.loc[2, "サロン名_url"] is None
    assert frame.loc[2, "会場_url"] == "https://maps.example.jp/?q=kasumigaseki"
    assert frame.loc[1, "会場"] == "髙沢町集会所 （2階和室）"
    assert list(frame["_row"]) == [1, 2, 3]
    assert extracted.as_of == date(2025, 4, 1)
    assert any("spanning the whole table" in w for w in extracted.warnings)


def test_blocks_with_base_href_and_last_updated(fixtures: Path) -> None:
    path = fixtures / "kodomo_shokudo_blocks.html"
    source = make_source(
        "html", str(path), html={"mode": "blocks", "block": "section.shokudo-item", "fields": SHOKUDO_FIELDS}
    )
    extracted = parse(source, fetch(source, source.location))
    frame = extracted.frame
    assert list(frame.columns) == [*SHOKUDO_FIELDS, "_row"]
    assert list(frame["名称"]) == ["かわごえ子ども食堂", "みなみ食堂", "だれでも食堂 ふるや"]
    assert list(frame["写真"]) == [
        "https://www.city.kawagoe.example/kosodate/shokudo/img/kawagoe.jpg",
        "https://www.city.kawagoe.example/common/img/minami.png",
        None,
    ]
    assert frame.loc[0, "詳細"] == "https://www.city.kawagoe.example/kosodate/shokudo/detail/1.html"
    assert frame.loc[0, "活動"] == "食事提供;学習支援"
    assert frame.loc[1, "会場"] == "川越市南台2-4-6 南台集会所"
    assert frame.loc[2, "参加費"] is None
    assert extracted.as_of == date(2025, 3, 15)  # 最終更新日：令和7年3月15日


def test_as_of_selector(fixtures: Path) -> None:
    html = {
        "mode": "blocks",
        "block": "section.shokudo-item",
        "fields": {"名称": ".name"},
        "as_of": "p.update",
    }
    source = make_source("html", html=html)
    payload = payload_of((fixtures / "kodomo_shokudo_blocks.html").read_bytes(), "index.html")
    assert parse(source, payload).as_of == date(2025, 3, 15)


@pytest.mark.parametrize(
    ("html", "message"),
    [
        (
            {"mode": "blocks", "block": "section.shokudo-item", "fields": SHOKUDO_FIELDS},
            r"html.block selector 'section.shokudo-item' matches nothing",
        ),
        (
            {"mode": "table", "table": "table.datatable"},
            r"html.table selector 'table.datatable' finds no table",
        ),
        (
            {"mode": "blocks", "block": "article.card", "fields": {"名称": ".card__title", "会場": ".place"}},
            r"field '会場' selector '.place' matches in none of the 1 block",
        ),
    ],
)
def test_changed_layout_is_a_parse_error_naming_the_selector(
    fixtures: Path, html: dict[str, object], message: str
) -> None:
    path = fixtures / "kodomo_shokudo_layout_changed.html"
    source = make_source("html", str(path), html=html)
    with pytest.raises(ParseError, match=message) as raised:
        parse(source, fetch(source, source.location))
    assert raised.value.source_id == "test-html"
    assert "update" in str(raised.value)


def test_invalid_selector_is_a_parse_error() -> None:
    source = make_source("html", html={"mode": "table", "table": "table[[bad"})
    with pytest.raises(ParseError, match="not valid CSS"):
        parse(source, payload_of(b"<table><tr><th>a</th></tr></table>", "index.html"))


def test_table_header_from_first_row_of_td_and_http_charset() -> None:
    page = "<table><tr><td>名称</td><td>電話</td></tr><tr><td>さくら</td><td>049-000-0000</td></tr></table>"
    payload = payload_of(page.encode("euc-jp"), "index.html", headers={"Content-Type": "text/html; charset=EUC-JP"})
    frame = parse(make_source("html", html={"mode": "table"}), payload).frame
    assert list(frame.columns) == ["名称", "電話", "_row"]
    assert frame.loc[0, "名称"] == "さくら"
