"""JSON APIs: records at a dot path, nested objects flattened, lists joined, wrong paths named."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from connectors import HttpClient, fetch, json_api, page_loader, parse
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


# --- pagination ---------------------------------------------------------------------------------

API = "/api/v1/facilities"


def _records(fixtures: Path) -> list[dict[str, Any]]:
    return json.loads((fixtures / "care_facilities_api.json").read_text(encoding="utf-8"))["result"]["records"]


def _page_api(records: list[dict[str, Any]], seen: list[dict[str, str]]) -> Callable[[Request], Response]:
    """An API paging by page/limit or offset/limit, like most municipal open-data APIs."""

    def handle(request: Request) -> Response:
        seen.append(dict(request.args))
        limit = int(request.args.get("limit", "100"))
        if "offset" in request.args:
            start = int(request.args["offset"])
        else:
            start = (int(request.args.get("page", "1")) - 1) * limit
        body = {"status": "ok", "result": {"count": len(records), "records": records[start : start + limit]}}
        return Response(json.dumps(body, ensure_ascii=False), content_type="application/json; charset=utf-8")

    return handle


@pytest.mark.parametrize(
    ("json_options", "requests"),
    [
        # a short last page ends the paging
        ({"paginate": "page", "page_size": 2}, [{"page": "1", "limit": "2"}, {"page": "2", "limit": "2"}]),
        # full pages, then an empty one
        (
            {"paginate": "page", "page_size": 1},
            [{"page": str(n), "limit": "1"} for n in (1, 2, 3, 4)],
        ),
        (
            {"paginate": "offset", "page_size": 2},
            [{"offset": "0", "limit": "2"}, {"offset": "2", "limit": "2"}],
        ),
    ],
)
def test_page_and_offset_paging(
    fixtures: Path,
    httpserver: HTTPServer,
    client: HttpClient,
    json_options: dict[str, Any],
    requests: list[dict[str, str]],
) -> None:
    seen: list[dict[str, str]] = []
    httpserver.expect_request(API).respond_with_handler(_page_api(_records(fixtures), seen))
    url = httpserver.url_for(f"{API}?type=care")
    source = make_source("json_api", url, json={"record_path": "result.records", **json_options})
    payload = fetch(source, url, client=client)
    frame = json_api.parse(source, payload, page_loader(source, client)).frame
    assert list(frame["id"]) == ["K-0001", "K-0002", "K-0003"]
    assert list(frame["_row"]) == [1, 2, 3]
    assert seen == [{"type": "care", **r} for r in requests]


def test_next_url_paging(fixtures: Path, httpserver: HTTPServer, client: HttpClient) -> None:
    records = _records(fixtures)
    pages = {"": (records[:2], "/api/v1/facilities?cursor=b"), "b": (records[2:], None)}
    for cursor, (found, following) in pages.items():
        body = json.dumps({"data": found, "links": {"next": following}}, ensure_ascii=False)
        query = f"cursor={cursor}" if cursor else ""
        httpserver.expect_request(API, query_string=query).respond_with_data(body, content_type="application/json")
    url = httpserver.url_for(API)
    source = make_source(
        "json_api", url, json={"record_path": "data", "paginate": "next_url", "next_path": "links.next"}
    )
    frame = json_api.parse(source, fetch(source, url, client=client), page_loader(source, client)).frame
    assert list(frame["id"]) == ["K-0001", "K-0002", "K-0003"]
    assert list(frame["_row"]) == [1, 2, 3]


def test_next_url_loop_is_a_parse_error(httpserver: HTTPServer, client: HttpClient) -> None:
    body = json.dumps({"data": [{"id": 1}], "next": "?cursor=a"})
    httpserver.expect_request(API).respond_with_data(body, content_type="application/json")
    url = httpserver.url_for(API)
    source = make_source("json_api", url, json={"record_path": "data", "paginate": "next_url"})
    with pytest.raises(ParseError, match=r"json.next_path 'next' leads back to .*cursor=a \(a loop\)"):
        json_api.parse(source, fetch(source, url, client=client), page_loader(source, client))


def test_endless_pages_stop_at_max_pages(httpserver: HTTPServer, client: HttpClient) -> None:
    def endless(request: Request) -> Response:
        page = int(request.args["page"])
        return Response(json.dumps([{"id": page}]), content_type="application/json")

    httpserver.expect_request(API).respond_with_handler(endless)
    url = httpserver.url_for(API)
    source = make_source("json_api", url, json={"paginate": "page", "page_size": 1, "max_pages": 3})
    with pytest.raises(ParseError, match=r"still more pages after json.max_pages \(3\)"):
        json_api.parse(source, fetch(source, url, client=client), page_loader(source, client))


def test_an_api_ignoring_the_page_parameter_is_named(httpserver: HTTPServer, client: HttpClient) -> None:
    httpserver.expect_request(API).respond_with_data('[{"id": 1}, {"id": 2}]', content_type="application/json")
    url = httpserver.url_for(API)
    source = make_source("json_api", url, json={"paginate": "page", "page_param": "p", "page_size": 2})
    with pytest.raises(ParseError, match="page 2 is the same as page 1: the API ignores 'p'"):
        json_api.parse(source, fetch(source, url, client=client), page_loader(source, client))
