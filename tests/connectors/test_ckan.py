"""CKAN portals: package_show is the payload; rows from the CSV resource or the DataStore, page by page."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from connectors import HttpClient, ckan, fetch, page_loader, parse
from tests.connectors.helpers import make_source
from tsunagu.errors import FetchError, ParseError

DATASET = "112011-care-service"
SHOW = "/api/3/action/package_show"
DOWNLOAD = f"/dataset/{DATASET}/resource/r-csv-0003/download/112011_care_service.csv"


def _package(fixtures: Path, base: str) -> dict[str, Any]:
    text = (fixtures / "ckan_package_show_care.json").read_text(encoding="utf-8")
    return json.loads(text.replace("{BASE}", base.rstrip("/")))


def _serve_package(httpserver: HTTPServer, package: dict[str, Any]) -> None:
    body = json.dumps(package, ensure_ascii=False)
    httpserver.expect_request(SHOW, query_string=f"id={DATASET}").respond_with_data(
        body, content_type="application/json;charset=utf-8"
    )


def test_csv_resource_is_downloaded_and_parsed(fixtures: Path, httpserver: HTTPServer, client: HttpClient) -> None:
    base = httpserver.url_for("/")
    _serve_package(httpserver, _package(fixtures, base))
    httpserver.expect_request(DOWNLOAD).respond_with_data(
        (fixtures / "care_services_cp932.csv").read_bytes(), content_type="text/csv"
    )
    source = make_source("ckan", base, ckan={"dataset": DATASET})
    payload = fetch(source, base, client=client)
    assert payload.location == httpserver.url_for(f"{SHOW}?id={DATASET}")  # the archived payload
    assert payload.filename == "package_show.json"
    extracted = ckan.parse(source, payload, page_loader(source, client))
    assert list(extracted.frame["介護サービス事業所名称"])[:2] == ["デイサービス①すこやか", "髙橋ケアセンター"]
    assert extracted.frame.loc[1, "備考"] == "送迎あり、\n要予約"
    assert extracted.as_of == date(2025, 4, 1)  # the resource's last_modified
    assert "300 blank row(s) skipped" in extracted.warnings


def test_resource_by_name(fixtures: Path, httpserver: HTTPServer, client: HttpClient) -> None:
    base = httpserver.url_for("/")
    _serve_package(httpserver, _package(fixtures, base))
    source = make_source("ckan", base, ckan={"dataset": DATASET, "resource": "介護サービス事業所一覧（Excel）"})
    payload = fetch(source, base, client=client)
    assert ckan.pick_resource(payload, json.loads(payload.content)["result"], source.ckan)["id"] == "r-xlsx-0002"


def test_datastore_is_read_page_by_page(fixtures: Path, httpserver: HTTPServer, client: HttpClient) -> None:
    base = httpserver.url_for("/")
    _serve_package(httpserver, _package(fixtures, base))
    rows = [{"_id": i, "名称": f"事業所{i}", "定員": i * 10, "住所": None} for i in range(1, 6)]
    seen: list[dict[str, str]] = []

    def datastore_search(request: Request) -> Response:
        seen.append(dict(request.args))
        offset, limit = int(request.args["offset"]), int(request.args["limit"])
        fields = [{"id": "_id", "type": "int"}, {"id": "名称", "type": "text"}, {"id": "定員", "type": "int"}]
        fields.append({"id": "住所", "type": "text"})
        result = {"total": len(rows), "fields": fields, "records": rows[offset : offset + limit]}
        return Response(json.dumps({"success": True, "result": result}), content_type="application/json")

    httpserver.expect_request("/api/3/action/datastore_search").respond_with_handler(datastore_search)
    source = make_source("ckan", base, ckan={"dataset": DATASET, "datastore": True, "page_size": 2})
    frame = ckan.parse(source, fetch(source, base, client=client), page_loader(source, client)).frame
    assert list(frame.columns) == ["名称", "定員", "住所", "_row"]
    assert list(frame["名称"]) == [f"事業所{i}" for i in range(1, 6)]
    assert frame.loc[4, "定員"] == "50" and frame.loc[0, "住所"] is None
    assert list(frame["_row"]) == [1, 2, 3, 4, 5]
    assert [(r["offset"], r["limit"], r["resource_id"]) for r in seen] == [
        ("0", "2", "r-csv-0003"),
        ("2", "2", "r-csv-0003"),
        ("4", "2", "r-csv-0003"),
    ]


def test_no_csv_resource_lists_what_the_dataset_has(fixtures: Path, httpserver: HTTPServer, client: HttpClient) -> None:
    base = httpserver.url_for("/")
    package = _package(fixtures, base)
    package["result"]["resources"] = package["result"]["resources"][:2]
    _serve_package(httpserver, package)
    source = make_source("ckan", base, ckan={"dataset": DATASET})
    with pytest.raises(ParseError, match=r"dataset '112011-care-service' has no CSV resource") as raised:
        parse(source, fetch(source, base, client=client))
    assert "介護サービス事業所一覧（PDF） (PDF); 介護サービス事業所一覧（Excel） (XLSX)" in str(raised.value)


def test_success_false_names_the_dataset(httpserver: HTTPServer, client: HttpClient) -> None:
    body = {"success": False, "error": {"__type": "Authorization Error", "message": "Access denied"}}
    # A portal under a path (CKAN behind /catalog/ or similar): the API lives below it.
    httpserver.expect_request(f"/portal{SHOW}").respond_with_data(json.dumps(body), content_type="application/json")
    base = httpserver.url_for("/portal")
    source = make_source("ckan", base, ckan={"dataset": DATASET})
    with pytest.raises(
        ParseError, match=r"CKAN package_show of dataset '112011-care-service' failed \(Access denied\)"
    ):
        parse(source, fetch(source, base, client=client))


def test_unknown_dataset_is_a_fetch_error_naming_it(httpserver: HTTPServer, client: HttpClient) -> None:
    body = {"success": False, "error": {"__type": "Not Found Error", "message": "見つかりません"}}
    httpserver.expect_request(SHOW).respond_with_data(json.dumps(body), status=404, content_type="application/json")
    base = httpserver.url_for("/")
    source = make_source("ckan", base, ckan={"dataset": "no-such-dataset"})
    with pytest.raises(FetchError, match=r"cannot read dataset 'no-such-dataset' from the CKAN portal .*HTTP 404"):
        fetch(source, base, client=client)
