"""The HTTP client and local reads: retries, errors that say what to do, size caps, file URLs."""

from __future__ import annotations

import socket
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from connectors import HttpClient, fetch
from tests.connectors.helpers import make_source
from tsunagu.errors import FetchError


def test_500_then_200_is_retried(httpserver: HTTPServer, client: HttpClient) -> None:
    httpserver.expect_ordered_request("/list.csv").respond_with_data("busy", status=500)
    httpserver.expect_ordered_request("/list.csv").respond_with_data(
        "名称\nさくら\n".encode(),
        content_type="text/csv",
        headers={"Last-Modified": "Tue, 01 Apr 2025 00:00:00 GMT", "ETag": '"abc"'},
    )
    url = httpserver.url_for("/list.csv")
    source = make_source("csv", url)
    payload = fetch(source, url, client=client)
    assert payload.http_status == 200
    assert payload.content == "名称\nさくら\n".encode()
    assert payload.filename == "list.csv"
    assert payload.modified_at == datetime(2025, 4, 1, tzinfo=UTC)
    assert payload.headers["ETag"] == '"abc"'
    assert payload.fetched_at.tzinfo is not None
    assert len(httpserver.log) == 2
    assert httpserver.log[0][0].headers["User-Agent"] == "Tsunagu/0.1.0 (+mailto:opendata@city.example)"


def test_429_honours_retry_after_within_the_cap(httpserver: HTTPServer, client: HttpClient) -> None:
    httpserver.expect_ordered_request("/api").respond_with_data("slow down", status=429, headers={"Retry-After": "30"})
    httpserver.expect_ordered_request("/api").respond_with_data("[]", content_type="application/json")
    started = time.monotonic()
    payload = fetch(make_source("json_api"), httpserver.url_for("/api"), client=client)
    assert payload.content == b"[]"
    assert time.monotonic() - started < 5  # waited the client's cap (0.05 s), not 30 s


def test_persistent_503_gives_up_with_what_to_do(httpserver: HTTPServer, client: HttpClient) -> None:
    httpserver.expect_request("/list.csv").respond_with_data("down", status=503)
    with pytest.raises(FetchError, match=r"HTTP 503 .* after 3 attempt\(s\).*next run will try again"):
        fetch(make_source("csv"), httpserver.url_for("/list.csv"), client=client)
    assert len(httpserver.log) == 3


def test_404_is_a_fetch_error_naming_source_and_url(httpserver: HTTPServer, client: HttpClient) -> None:
    httpserver.expect_request("/old.csv").respond_with_data("not here", status=404)
    url = httpserver.url_for("/old.csv")
    with pytest.raises(FetchError, match=r"HTTP 404 Not Found; the page may have moved") as raised:
        fetch(make_source("csv"), url, client=client)
    assert raised.value.source_id == "test-csv"
    assert raised.value.location == url
    assert len(httpserver.log) == 1  # a 404 is not retried


def test_unreachable_host_is_a_fetch_error(client: HttpClient) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError, match=r"unreachable \(ConnectionError\) after 3 attempt"):
        fetch(make_source("csv"), f"http://127.0.0.1:{port}/list.csv", client=client)


def test_response_over_the_size_cap(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/big.csv").respond_with_data(b"x" * 5000)
    with HttpClient(max_bytes=1000, retries=0) as small, pytest.raises(FetchError, match="1,000-byte cap"):
        fetch(make_source("csv"), httpserver.url_for("/big.csv"), client=small)


def test_redirect_loop_is_named(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data("", status=302, headers={"Location": "/a"})
    with (
        HttpClient(max_redirects=3, retries=0) as http,
        pytest.raises(FetchError, match=r"redirect loop \(.*/a → .*/b → .*/a\), stopped after 3 redirects"),
    ):
        fetch(make_source("html", html={"mode": "table"}), httpserver.url_for("/a"), client=http)
    assert len(httpserver.log) == 4  # the limit, not the loop, ends it: a cookie-setting hop may repeat once


def test_redirect_chain_over_the_limit(httpserver: HTTPServer) -> None:
    for hop in range(4):
        httpserver.expect_request(f"/r{hop}").respond_with_data("", status=301, headers={"Location": f"/r{hop + 1}"})
    with (
        HttpClient(max_redirects=3, retries=0) as http,
        pytest.raises(FetchError, match=r"more than 3 redirects .*raise http.max_redirects"),
    ):
        fetch(make_source("csv"), httpserver.url_for("/r0"), client=http)


def test_redirect_within_the_limit_is_followed(httpserver: HTTPServer, client: HttpClient) -> None:
    httpserver.expect_request("/old/list.csv").respond_with_data("", status=301, headers={"Location": "/new/list.csv"})
    httpserver.expect_request("/new/list.csv").respond_with_data("a\n1\n", content_type="text/csv")
    payload = fetch(make_source("csv"), httpserver.url_for("/old/list.csv"), client=client)
    assert payload.content == b"a\n1\n"
    assert payload.location == httpserver.url_for("/new/list.csv")


def test_missing_file_asks_whether_the_department_sent_it(tmp_path: Path) -> None:
    missing = tmp_path / "kaigo" / "care_services.csv"
    with pytest.raises(FetchError, match=r"file not found: .*care_services.csv — has the department sent it\?"):
        fetch(make_source("csv", str(missing)), str(missing))


def test_local_file_and_file_url(tmp_path: Path) -> None:
    path = tmp_path / "一覧 2025.csv"
    path.write_bytes(b"a,b,c\n")
    source = make_source("csv")
    for location in (str(path), path.as_uri()):
        payload = fetch(source, location)
        assert payload.content == b"a,b,c\n"
        assert payload.filename == "一覧 2025.csv"
        assert payload.location == str(path)
        assert payload.http_status is None
        assert payload.headers == {}
        assert payload.modified_at is not None and payload.modified_at.tzinfo is not None


def test_content_disposition_names_the_file(httpserver: HTTPServer, client: HttpClient) -> None:
    httpserver.expect_request("/download.php").respond_with_data(
        b"PK\x03\x04", headers={"Content-Disposition": "attachment; filename*=UTF-8''%E4%B8%80%E8%A6%A7.xlsx"}
    )
    payload = fetch(make_source("excel"), httpserver.url_for("/download.php"), client=client)
    assert payload.filename == "一覧.xlsx"
