"""JSON APIs: records at a dot path, nested objects flattened, lists joined, wrong paths named."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from connectors import HttpClient, fetch, parse
from tests.connectors.helpers import make_source, payload_of
from tsunagu.errors import ParseError


def test_records_at_path_over_http(fixtures: Path, httpserver: HTTPServer, client: HttpClient) -> None:
    body = (fixtures / "care_facilities_api.json").read_bytes()
    httpserver.expect_request("/api/v1/facilities", query_string="type=care").respond_with_data(
        body, content_type="application/json; charset=utf-8"
    )
    url = httpserver.url_for("/api/v1/facilities?type=care")
    source = make_source("json_api", url, json={"record_path": "result.records"})
    payload = fetch(source, url, client=client)
    assert payload.filename == "facilities.json"  # no extension in the URL: from the content type
    extracted = parse(source, payload)
    frame = extracted.frame
    assert list(frame.columns) == [
        "id",
        "name",
        "address.postal_code",
        "address.city",
        "address.street",
        "phones",
        "services",
        "capacity",
        "location.lat",
        "location.lon",
        "accepting",
        "note",
        "_row",
    ]
    assert list(frame["_row"]) == [1, 2, 3]
    assert frame.loc[0, "phones"] == "049-000-0000;049-000-0001"
    assert frame.loc[0, "services"] == '[{"code": "51", "name": "介護老人福祉施設"}]'
    assert frame.loc[1, "services"] is None
    assert frame.loc[1, "capacity"] == "25"
    assert frame.loc[0, "location.lat"] == "35.9012"
    assert frame.loc[0, "accepting"] == "true"
    assert frame.loc[0, "note"] is None
    assert frame.loc[2, "address.street"] is None
    assert frame.loc[2, "phones"] is None


def test_root_list() -> None:
    payload = payload_of('[{"name": "さくら"}, {"name": "ひまわり", "tel": 49}]'.encode(), "list.json")
    frame = parse(make_source("json_api"), payload).frame
    assert list(frame.columns) == ["name", "tel", "_row"]
    assert frame.loc[1, "tel"] == "49"


@pytest.mark.parametrize(
    ("record_path", "message"),
    [
        ("result", r"json.record_path 'result' holds a dict, not a list of records"),
        ("result.items", r"no 'items' at result \(found: count, updated, records\)"),
        ("", r"json.record_path '\(root\)' holds a dict"),
        ("result.count", r"holds a int"),
    ],
)
def test_wrong_record_path_is_a_parse_error_naming_it(fixtures: Path, record_path: str, message: str) -> None:
    source = make_source("json_api", json={"record_path": record_path})
    payload = payload_of((fixtures / "care_facilities_api.json").read_bytes(), "facilities.json")
    with pytest.raises(ParseError, match=message):
        parse(source, payload)


def test_invalid_json_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match=r"not valid JSON \(line 1"):
        parse(make_source("json_api"), payload_of(b"<html>maintenance</html>", "list.json"))
