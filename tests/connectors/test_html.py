"""Web pages: a Shift_JIS table with spans and links, repeated blocks, and a page whose layout changed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from connectors import HttpClient, fetch, page_loader, parse
from connectors.html import parse_html
from tests.connectors.helpers import make_source, payload_of
from tsunagu.errors import FetchError, ParseError

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


# --- pagination and detail pages ---------------------------------------------------------------

PAGED = {"mode": "table", "table": "table.datatable", "next": "a.next"}
SALONS = ["さくらサロン", "ひまわりの会", "カフェ①かすみ", "なぐわし茶論", "髙階いきいき会"]
DETAIL = {"link": "a@href", "fields": {"代表者": "dd.leader", "電話": "dd.tel"}}


def _serve_salon_pages(httpserver: HTTPServer, fixtures: Path, **replaced: str) -> str:
    """The salon pages under /kurashi/salon/ (a path mapped to another fixture file to change one page)."""
    folder = fixtures / "salon_pages"
    for path in sorted(folder.rglob("*.html")):
        name = path.relative_to(folder).as_posix()
        content = (folder / replaced.get(name, name)).read_bytes()
        httpserver.expect_request(f"/kurashi/salon/{name}").respond_with_data(content, content_type="text/html")
    return httpserver.url_for("/kurashi/salon/page1.html")


def test_next_links_are_followed_over_http(fixtures: Path, httpserver: HTTPServer, client: HttpClient) -> None:
    url = _serve_salon_pages(httpserver, fixtures)
    source = make_source("html", url, html=PAGED)
    extracted = parse_html(source, fetch(source, url, client=client), page_loader(source, client))
    frame = extracted.frame
    assert list(frame["サロン名"]) == SALONS
    assert list(frame["_row"]) == [1, 2, 3, 4, 5]  # numbered on across pages
    assert frame.loc[2, "サロン名_url"] == httpserver.url_for("/kurashi/salon/detail/3.html")
    assert frame.loc[4, "サロン名_url"] is None
    assert extracted.as_of == date(2025, 4, 1)
    assert extracted.warnings == []


def test_next_links_between_local_files(fixtures: Path) -> None:
    path = fixtures / "salon_pages" / "page1.html"
    source = make_source("html", str(path), html=PAGED)
    frame = parse(source, fetch(source, source.location)).frame
    assert list(frame["サロン名"]) == SALONS


def test_a_loop_back_to_the_first_page_stops(fixtures: Path, httpserver: HTTPServer, client: HttpClient) -> None:
    url = _serve_salon_pages(httpserver, fixtures, **{"page3.html": "page3_loops_to_page1.html"})
    source = make_source("html", url, html=PAGED)
    extracted = parse_html(source, fetch(source, url, client=client), page_loader(source, client))
    assert list(extracted.frame["サロン名"]) == SALONS
    assert any("leads back to" in w and "page1.html (a loop)" in w for w in extracted.warnings)


def test_max_pages_stops_with_a_warning(fixtures: Path) -> None:
    path = fixtures / "salon_pages" / "page1.html"
    source = make_source("html", str(path), html={**PAGED, "max_pages": 2})
    extracted = parse(source, fetch(source, source.location))
    assert len(extracted.frame) == 4
    assert any("html.max_pages (2)" in w and "page3.html" in w for w in extracted.warnings)


def test_a_page_without_records_is_a_layout_change(fixtures: Path, httpserver: HTTPServer, client: HttpClient) -> None:
    url = _serve_salon_pages(httpserver, fixtures, **{"page2.html": "page2_layout_changed.html"})
    source = make_source("html", url, html=PAGED)
    page2 = httpserver.url_for("/kurashi/salon/page2.html")
    with pytest.raises(ParseError, match=rf"layout changed: page {page2} has no records under 'table.datatable'"):
        parse_html(source, fetch(source, url, client=client), page_loader(source, client))


def test_detail_pages_fill_fields(fixtures: Path, httpserver: HTTPServer, client: HttpClient) -> None:
    url = _serve_salon_pages(httpserver, fixtures)
    source = make_source("html", url, html={**PAGED, "detail": DETAIL})
    extracted = parse_html(source, fetch(source, url, client=client), page_loader(source, client))
    frame = extracted.frame
    assert list(frame.columns) == ["地区", "サロン名", "サロン名_url", "開催日", "代表者", "電話", "_row"]
    assert list(frame["代表者"]) == ["髙野 花子", "鈴木 一郎", "佐藤 次郎", "山田 三郎", None]
    assert list(frame["電話"]) == ["049-000-0001", "049-000-0002", None, "049-000-0004", None]
    assert any("1 record(s) have no detail link" in w for w in extracted.warnings)


def test_detail_field_on_no_detail_page_is_a_layout_change(
    fixtures: Path, httpserver: HTTPServer, client: HttpClient
) -> None:
    url = _serve_salon_pages(httpserver, fixtures)
    detail = {"link": "a@href", "fields": {"代表者": "dd.leader", "会場": "dd.place"}}
    source = make_source("html", url, html={**PAGED, "detail": detail})
    first = httpserver.url_for("/kurashi/salon/detail/1.html")
    with pytest.raises(ParseError, match=rf"detail field '会場' selector 'dd.place' .* \(first: {first}\)"):
        parse_html(source, fetch(source, url, client=client), page_loader(source, client))


CITY = "https://www.city.kawagoe.example/kurashi/salon/"


def _site(fixtures: Path) -> dict[str, bytes]:
    """The salon pages as a site would serve them, keyed by URL."""
    folder = fixtures / "salon_pages"
    return {f"{CITY}{p.relative_to(folder).as_posix()}": p.read_bytes() for p in folder.rglob("*.html")}


def test_loader_is_any_callable_from_url_to_bytes(fixtures: Path) -> None:
    site = _site(fixtures)
    source = make_source("html", f"{CITY}page1.html", html={**PAGED, "detail": DETAIL})
    payload = payload_of(site[f"{CITY}page1.html"], "page1.html", location=f"{CITY}page1.html")
    frame = parse_html(source, payload, site.__getitem__).frame
    assert list(frame["サロン名"]) == SALONS
    assert frame.loc[0, "代表者"] == "髙野 花子"


def test_an_unreadable_detail_page_leaves_its_fields_empty(fixtures: Path) -> None:
    site = _site(fixtures)
    del site[f"{CITY}detail/2.html"]

    def load(url: str) -> bytes:
        if url not in site:
            raise FetchError("test-html", "HTTP 404 Not Found", location=url)
        return site[url]

    source = make_source("html", f"{CITY}page1.html", html={**PAGED, "detail": DETAIL})
    payload = payload_of(site[f"{CITY}page1.html"], "page1.html", location=f"{CITY}page1.html")
    extracted = parse_html(source, payload, load)
    assert list(extracted.frame["代表者"]) == ["髙野 花子", None, "佐藤 次郎", "山田 三郎", None]
    assert any("1 detail page(s) could not be read" in w and "detail/2.html" in w for w in extracted.warnings)


def test_a_web_page_may_not_lead_to_local_files() -> None:
    page = "<table><tr><th>名称</th><th>住所</th></tr><tr><td>さくら</td><td>元町</td></tr></table>"
    page += '<a class="next" href="file:///etc/passwd">次へ</a>'
    url = "https://www.city.kawagoe.example/list.html"
    source = make_source("html", url, html={"mode": "table", "next": "a.next"})
    with pytest.raises(ParseError, match="refused to follow 'file:///etc/passwd'"):
        parse_html(source, payload_of(page.encode(), "list.html", location=url), lambda _: b"")
