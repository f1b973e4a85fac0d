"""Conditional GET: an unchanged source answers 304 and costs no download; validators come from stored headers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from connectors.base import Payload, Validators, fetch
from connectors.http import HttpClient
from tests.connectors.helpers import make_source, payload_of
from tsunagu.errors import FetchError

CSV = "名称\nさくら\n".encode()
LAST_MODIFIED = "Tue, 01 Apr 2025 00:00:00 GMT"


@pytest.fixture
def http() -> Iterator[HttpClient]:
    """A client that does not retry, so a missing conditional header fails at once."""
    with HttpClient(contact="opendata@city.example", retries=0) as client:
        yield client


def test_etag_304_reuses_the_previous_snapshot(server: HTTPServer, http: HttpClient) -> None:
    server.expect_oneshot_request("/list.csv").respond_with_data(CSV, content_type="text/csv", headers={"ETag": '"v1"'})
    server.expect_oneshot_request("/list.csv", headers={"If-None-Match": '"v1"'}).respond_with_data(
        "", status=304, headers={"ETag": '"v1"'}
    )
    source, url = make_source("csv"), server.url_for("/list.csv")
    first = fetch(source, url, client=http)
    second = fetch(source, url, client=http, validators=Validators.from_headers(first.headers))
    assert (first.not_modified, first.content) == (False, CSV)
    assert second.not_modified is True
    assert (second.http_status, second.content, second.sha256) == (304, b"", "")
    assert second.filename == "list.csv"
    assert Validators.from_headers(second.headers) == Validators(etag='"v1"')


def test_last_modified_304_keeps_the_date_it_confirmed(server: HTTPServer, http: HttpClient) -> None:
    server.expect_oneshot_request("/list.csv", headers={"If-Modified-Since": LAST_MODIFIED}).respond_with_data(
        "", status=304
    )
    payload = fetch(
        make_source("csv"), server.url_for("/list.csv"), client=http, validators=Validators(None, LAST_MODIFIED)
    )
    assert payload.not_modified
    # The 304 named no date, so the validator it confirmed stays in the headers the next fetch reads.
    assert Validators.from_headers(payload.headers) == Validators(last_modified=LAST_MODIFIED)
    assert payload.modified_at == datetime(2025, 4, 1, tzinfo=UTC)


def test_changed_source_answers_200_in_full(server: HTTPServer, http: HttpClient) -> None:
    server.expect_oneshot_request("/list.csv", headers={"If-None-Match": '"v1"'}).respond_with_data(
        CSV, content_type="text/csv", headers={"ETag": '"v2"'}
    )
    payload = fetch(make_source("csv"), server.url_for("/list.csv"), client=http, validators=Validators('"v1"', None))
    assert (payload.not_modified, payload.http_status, payload.content) == (False, 200, CSV)
    assert Validators.from_headers(payload.headers).etag == '"v2"'


def test_a_304_nobody_asked_for_is_an_error(server: HTTPServer, http: HttpClient) -> None:
    server.expect_request("/list.csv").respond_with_data("", status=304)
    with pytest.raises(FetchError, match="304 Not Modified to a request that was not conditional"):
        fetch(make_source("csv"), server.url_for("/list.csv"), client=http)


def test_empty_validators_send_no_conditional_headers(server: HTTPServer, http: HttpClient) -> None:
    server.expect_request("/list.csv").respond_with_data(CSV, content_type="text/csv")
    fetch(make_source("csv"), server.url_for("/list.csv"), client=http, validators=Validators.from_headers({}))
    request = server.log[0][0]
    assert "If-None-Match" not in request.headers and "If-Modified-Since" not in request.headers


def test_files_ignore_validators(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(CSV)
    payload = fetch(make_source("csv"), str(path), validators=Validators('"v1"', LAST_MODIFIED))
    assert (payload.not_modified, payload.content) == (False, CSV)
    assert payload.modified_at is not None


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"ETag": '"a"', "Last-Modified": LAST_MODIFIED}, Validators('"a"', LAST_MODIFIED)),
        ({"etag": 'W/"a"', "LAST-MODIFIED": LAST_MODIFIED}, Validators('W/"a"', LAST_MODIFIED)),  # any case, weak
        ({"Content-Type": "text/csv"}, Validators()),  # a server without validators
        ({"ETag": "  "}, Validators()),  # blank
        ({"ETag": '"a"\r\nX-Evil: 1'}, Validators()),  # a line break would be header injection
        ({"ETag": 3}, Validators()),  # a stored JSON value that is not text
        (None, Validators()),  # no stored headers (a file, or the first fetch)
    ],
)
def test_validators_from_stored_headers(headers: dict[str, object] | None, expected: Validators) -> None:
    assert Validators.from_headers(headers) == expected


def test_validators_make_conditional_headers() -> None:
    assert Validators('"a"', LAST_MODIFIED).request_headers() == {
        "If-None-Match": '"a"',
        "If-Modified-Since": LAST_MODIFIED,
    }
    assert not Validators()
    assert Validators(etag='"a"')


def test_payload_not_modified_defaults_to_false() -> None:
    payload: Payload = payload_of(b"a\n")
    assert payload.not_modified is False
