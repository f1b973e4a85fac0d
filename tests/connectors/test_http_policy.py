"""The well-behaved client: timeouts, Retry-After, size caps, content types, robots.txt, pacing, User-Agent."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from itertools import pairwise

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from connectors.base import fetch
from connectors.http import HttpClient, retry_after_seconds, user_agent
from tests.connectors.helpers import make_source
from tsunagu.config import HttpSettings
from tsunagu.errors import ConfigError, FetchError

CONTACT = "opendata@city.example"
NOT_FOUND_PAGE = "<!DOCTYPE html><html><head><title>ページが見つかりません</title></head><body>404</body></html>"


@pytest.fixture
def release() -> Iterator[threading.Event]:
    """Set at the end of a test, freeing handlers that stall on purpose."""
    event = threading.Event()
    yield event
    event.set()


def stamped(
    times: list[float], body: bytes = b"a\n1\n", content_type: str = "text/csv"
) -> Callable[[Request], Response]:
    """A handler that records when each request arrived, in the server's own thread."""

    def handler(request: Request) -> Response:
        times.append(time.monotonic())
        return Response(body, content_type=content_type)

    return handler


def paths(server: HTTPServer) -> list[str]:
    """The paths the server was asked for, in order."""
    return [request.path for request, _ in server.log]


# --- timeouts and Retry-After -----------------------------------------------------------------------


def test_no_answer_within_the_read_timeout(server: HTTPServer, release: threading.Event) -> None:
    def stall(request: Request) -> Response:
        release.wait(5)
        return Response("late")

    server.expect_request("/list.csv").respond_with_handler(stall)
    with (
        HttpClient(read_timeout=0.3, retries=1, backoff=0.01) as http,
        pytest.raises(FetchError, match=r"timed out waiting for data \(nothing for 0.3 s\) after 2 attempt"),
    ):
        fetch(make_source("csv"), server.url_for("/list.csv"), client=http)


def test_body_that_stalls_midway(server: HTTPServer, release: threading.Event) -> None:
    def trickle(request: Request) -> Response:
        def body() -> Iterator[bytes]:
            yield b"a,b\n"
            release.wait(5)
            yield b"1,2\n"

        return Response(body(), content_type="text/csv")

    server.expect_request("/list.csv").respond_with_handler(trickle)
    with (
        HttpClient(read_timeout=0.3, retries=0) as http,
        pytest.raises(FetchError, match=r"timed out while reading"),
    ):
        fetch(make_source("csv"), server.url_for("/list.csv"), client=http)


def test_429_waits_as_long_as_retry_after_says(server: HTTPServer) -> None:
    times: list[float] = []

    def busy(request: Request) -> Response:
        times.append(time.monotonic())
        return Response("slow down", status=429, headers={"Retry-After": "1"})

    server.expect_ordered_request("/api").respond_with_handler(busy)
    server.expect_ordered_request("/api").respond_with_handler(stamped(times, b"[]", "application/json"))
    with HttpClient(retries=2, backoff=0.01, max_wait=2.0) as http:
        payload = fetch(make_source("json_api"), server.url_for("/api"), client=http)
    assert payload.content == b"[]"
    assert len(times) == 2
    assert times[1] - times[0] >= 1.0


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        ("1.5", 1.5),  # not standard, but meant plainly
        ("-5", 0.0),
        ("Wed, 01 Jan 2025 00:01:30 GMT", 90.0),  # an HTTP date, 90 s after `now`
        ("Tue, 31 Dec 2024 23:00:00 GMT", 0.0),  # a date already past
        ("soon", None),
        (None, None),
    ],
)
def test_retry_after_header(header: str | None, seconds: float | None) -> None:
    assert retry_after_seconds(header, now=datetime(2025, 1, 1, tzinfo=UTC)) == seconds


# --- size caps --------------------------------------------------------------------------------------


def test_declared_size_over_the_cap_is_refused_before_reading(server: HTTPServer) -> None:
    server.expect_request("/big.csv").respond_with_data(b"x" * 5000, content_type="text/csv")
    with (
        HttpClient(max_bytes=1000, retries=0) as http,
        pytest.raises(FetchError, match=r"declares 5,000 bytes, over the 1,000-byte cap; raise http.max_bytes"),
    ):
        fetch(make_source("csv"), server.url_for("/big.csv"), client=http)


def test_undeclared_size_stops_at_the_cap(server: HTTPServer) -> None:
    sent: list[int] = []

    def chunked(request: Request) -> Response:
        def body() -> Iterator[bytes]:
            for _ in range(100):
                sent.append(1)
                yield b"x" * 1000

        return Response(body(), content_type="text/csv")  # no Content-Length: sent chunked

    server.expect_request("/big.csv").respond_with_handler(chunked)
    with (
        HttpClient(max_bytes=1500, retries=0) as http,
        pytest.raises(FetchError, match=r"larger than the 1,500-byte cap \(stopped reading\); raise http.max_bytes"),
    ):
        fetch(make_source("csv"), server.url_for("/big.csv"), client=http)


# --- content types ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "content_type", "body"),
    [
        ("csv", "text/html; charset=utf-8", NOT_FOUND_PAGE.encode()),  # a 'page not found' answered 200
        ("csv", "text/csv", NOT_FOUND_PAGE.encode()),  # the header lies; the body is a page
        ("json_api", "application/json", b"\n  " + NOT_FOUND_PAGE.encode("cp932")),  # Shift_JIS page
        ("excel", "application/octet-stream", NOT_FOUND_PAGE.encode()),
    ],
)
def test_web_page_where_data_was_expected(server: HTTPServer, kind: str, content_type: str, body: bytes) -> None:
    server.expect_request("/data").respond_with_data(body, content_type=content_type)
    url = server.url_for("/data")
    with HttpClient(retries=0) as http, pytest.raises(FetchError) as raised:
        fetch(make_source(kind), url, client=http)
    message = str(raised.value)
    assert "web page titled 'ページが見つかりません'" in message
    assert content_type.split(";")[0] in message
    assert url in message


@pytest.mark.parametrize(
    ("kind", "content_type", "body"),
    [
        ("csv", "application/json", b'{"a": 1}'),
        ("json_api", "text/csv", b"a,b\n1,2\n"),
        ("html", "application/json", b"[]"),
    ],
)
def test_content_type_of_another_kind_is_refused(server: HTTPServer, kind: str, content_type: str, body: bytes) -> None:
    server.expect_request("/data").respond_with_data(body, content_type=content_type)
    with HttpClient(retries=0) as http, pytest.raises(FetchError, match=f"sent {content_type} from .*/data where"):
        fetch(
            make_source(kind, html={"mode": "table"}) if kind == "html" else make_source(kind),
            server.url_for("/data"),
            client=http,
        )


@pytest.mark.parametrize(
    ("kind", "content_type", "body"),
    [
        ("csv", "application/x-download", b"a,b\n"),  # unknown types pass
        ("csv", None, b"a,b\n"),  # so does a missing one
        ("csv", "application/vnd.ms-excel", b"a,b\n"),  # some servers label CSV as Excel
        ("csv", "application/zip", b"PK\x03\x04"),  # a bundle of CSV files
        ("excel", "text/csv", b"PK\x03\x04rest"),  # the bytes prove a workbook whatever the label
        ("excel", "application/octet-stream", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),  # legacy .xls
        ("json_api", "application/vnd.api+json", b'{"data": []}'),
        ("json_api", "text/plain", b"[]"),
        ("html", "text/html", NOT_FOUND_PAGE.encode()),  # an HTML source is a page
    ],
)
def test_content_types_that_pass(server: HTTPServer, kind: str, content_type: str | None, body: bytes) -> None:
    def respond(request: Request) -> Response:
        response = Response(body, content_type=content_type or "text/plain")
        if content_type is None:
            del response.headers["Content-Type"]
        return response

    server.expect_request("/data").respond_with_handler(respond)
    source = make_source(kind, html={"mode": "table"}) if kind == "html" else make_source(kind)
    with HttpClient(retries=0) as http:
        assert fetch(source, server.url_for("/data"), client=http).content == body


# --- robots.txt ---------------------------------------------------------------------------------------


def polite() -> HttpClient:
    """A client with the pipeline's policy (robots.txt on), quick to give up and unpaced."""
    return HttpClient.from_settings(HttpSettings(retries=0, per_host_interval=0), contact=CONTACT)


def test_robots_disallow_is_obeyed_and_the_path_never_requested(server: HTTPServer) -> None:
    server.expect_request("/robots.txt").respond_with_data("User-agent: Tsunagu\nDisallow: /private/\n")
    server.expect_request("/private/list.csv").respond_with_data("a\n", content_type="text/csv")
    with polite() as http, pytest.raises(FetchError) as raised:
        fetch(make_source("csv"), server.url_for("/private/list.csv"), client=http)
    message = str(raised.value)
    assert "robots.txt of http://127.0.0.1" in message and "disallows" in message
    assert f"'Tsunagu/0.1.0 (+mailto:{CONTACT})'" in message
    assert paths(server) == ["/robots.txt"]


def test_robots_is_read_once_and_allowed_paths_fetched(server: HTTPServer) -> None:
    server.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /admin/\n")
    server.expect_request("/list.csv").respond_with_data("a\n", content_type="text/csv")
    with polite() as http:
        for _ in range(2):
            fetch(make_source("csv"), server.url_for("/list.csv"), client=http)
    assert paths(server) == ["/robots.txt", "/list.csv", "/list.csv"]
    assert all(CONTACT in request.headers["User-Agent"] for request, _ in server.log)


def test_redirect_into_a_disallowed_path_is_refused(server: HTTPServer) -> None:
    server.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /private/\n")
    server.expect_request("/list.csv").respond_with_data("", status=302, headers={"Location": "/private/list.csv"})
    with polite() as http, pytest.raises(FetchError, match=r"disallows .*/private/list\.csv"):
        fetch(make_source("csv"), server.url_for("/list.csv"), client=http)
    assert "/private/list.csv" not in paths(server)


@pytest.mark.parametrize(
    "status",
    [
        404,  # RFC 9309: a 4xx robots.txt means no rules
        500,  # RFC 9309 says assume disallow; Tsunagu allows (see connectors/http.py)
    ],
)
def test_robots_unavailable_means_allowed(server: HTTPServer, status: int) -> None:
    server.expect_request("/robots.txt").respond_with_data("", status=status)
    server.expect_request("/list.csv").respond_with_data("a\n", content_type="text/csv")
    with polite() as http:
        assert fetch(make_source("csv"), server.url_for("/list.csv"), client=http).content == b"a\n"
    assert paths(server) == ["/robots.txt", "/list.csv"]


def test_robots_crawl_delay_spaces_requests(server: HTTPServer) -> None:
    times: list[float] = []
    server.expect_request("/robots.txt").respond_with_handler(stamped(times, b"User-agent: *\nCrawl-delay: 1\n"))
    server.expect_request("/list.csv").respond_with_handler(stamped(times))
    with polite() as http:
        fetch(make_source("csv"), server.url_for("/list.csv"), client=http)
    assert times[1] - times[0] >= 1.0


# --- pacing and the User-Agent ------------------------------------------------------------------------


def test_requests_to_one_host_are_spaced_even_from_threads(server: HTTPServer) -> None:
    times: list[float] = []
    server.expect_request("/list.csv").respond_with_handler(stamped(times))
    source, url = make_source("csv"), server.url_for("/list.csv")
    with HttpClient(per_host_interval=0.15, retries=0) as http, ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda _: fetch(source, url, client=http), range(4)))
    times.sort()
    assert len(times) == 4
    assert all(later - earlier >= 0.15 for earlier, later in pairwise(times))


def test_user_agent_names_project_version_and_contact(server: HTTPServer) -> None:
    server.expect_request("/list.csv").respond_with_data("a\n", content_type="text/csv")
    with HttpClient(contact=CONTACT) as http:
        fetch(make_source("csv"), server.url_for("/list.csv"), client=http)
    assert server.log[0][0].headers["User-Agent"] == f"Tsunagu/0.1.0 (+mailto:{CONTACT})"


@pytest.mark.parametrize(
    ("contact", "project_url", "expected"),
    [
        (None, None, "Tsunagu/0.1.0"),
        (CONTACT, None, f"Tsunagu/0.1.0 (+mailto:{CONTACT})"),
        (f"mailto:{CONTACT}", None, f"Tsunagu/0.1.0 (+mailto:{CONTACT})"),
        (CONTACT, "https://example.org/tsunagu", f"Tsunagu/0.1.0 (+https://example.org/tsunagu; mailto:{CONTACT})"),
        ("https://www.city.example/contact", None, "Tsunagu/0.1.0 (+https://www.city.example/contact)"),
    ],
)
def test_user_agent(contact: str | None, project_url: str | None, expected: str) -> None:
    assert user_agent(contact, project_url) == expected


@pytest.mark.parametrize("contact", ["open data@city.example", "a@b.example\r\nX-Evil: 1", "a@b (c)"])
def test_user_agent_refuses_a_contact_that_would_break_the_header(contact: str) -> None:
    with pytest.raises(ConfigError, match="staff_email"):
        user_agent(contact)


def test_from_settings_applies_the_config() -> None:
    settings = HttpSettings(
        connect_timeout=2, read_timeout=3, retries=1, max_bytes=2048, max_redirects=2, per_host_interval=0.5
    )
    with HttpClient.from_settings(settings, contact=CONTACT) as http:
        assert http.timeout == (2, 3)
        assert (http.retries, http.max_bytes, http.max_redirects, http.respect_robots) == (1, 2048, 2, True)
        assert http.user_agent.endswith(f"(+mailto:{CONTACT})")
