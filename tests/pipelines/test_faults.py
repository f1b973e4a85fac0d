"""Failure isolation against a real HTTP server on 127.0.0.1: each fault fails its own source only.

Every case runs two web sources through the stages: one faulty, one good. The faulty one must be
reported `failing` with an error naming the problem; the good one must be published in the release.
"""

from __future__ import annotations

import io
import re
import time
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from pipelines.steps import freshness_frame, make_context, run_all
from tsunagu.config import CityConfig, parse_config

GOOD_CSV = "名称,住所,電話番号\nふれあいサロン仙波,川越市仙波町２丁目５番８号,049-224-8811\n".encode("cp932")


def _xlsx(rows: list[list[str]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


CLUBS = _xlsx(
    [
        ["名称", "住所", "電話番号"],
        ["寿会", "川越市新富町1-3-1", "049-224-8811"],
        ["若葉クラブ", "川越市的場1234", "049-231-5555"],
    ]
)


def _xxe_xlsx() -> bytes:
    """A workbook whose shared strings declare an external entity pointing at a local file."""
    source = zipfile.ZipFile(io.BytesIO(CLUBS))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/sharedStrings.xml":
                text = data.decode("utf-8")
                text = text.replace(
                    "<sst ",
                    '<!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/hostname">]><sst ',
                    1,
                ).replace("寿会", "&xxe;")
                data = text.encode("utf-8")
            target.writestr(item, data)
    return out.getvalue()


def _zip_bomb() -> bytes:
    """A ZIP whose one CSV inflates 1000-fold (20 MB of padding from 20 kB)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("bomb.csv", b"\xe5\x90\x8d\xe7\xa7\xb0\n" + b"," * (20 * 1024 * 1024))
    return out.getvalue()


def _city(base: str, faulty: dict) -> CityConfig:
    good = {"id": "good", "kind": "csv", "location": f"{base}/good.csv", "cadence": "P1M",
            "resource_type": "ふれあいサロン", "field": "高齢"}  # fmt: skip
    return parse_config(
        {
            "municipality": {"code": "112011", "name": "川越市", "prefecture": "埼玉県"},
            "http": {
                "retries": 2,
                "backoff": 0.05,
                "read_timeout": 0.5,
                "connect_timeout": 2,
                "max_bytes": 256 * 1024,
                "per_host_interval": 0,
                "respect_robots": False,
            },
            "departments": [
                {
                    "id": "korei",
                    "name": "高齢者いきがい課",
                    "contact_email": "korei@example.invalid",
                    "sources": [good, {"cadence": "P1M", "resource_type": "老人クラブ", "field": "高齢", **faulty}],
                }
            ],
        }
    )


def _run_all(config: CityConfig, data: Path, day: int = 4):
    ctx = make_context(config, data, as_of=datetime(2026, 12, day, tzinfo=UTC))
    release = run_all(ctx)
    sources = freshness_frame(ctx)[0].set_index("source_id")
    published = (Path(release["release_dir"]) / "social_resources.csv").read_text(encoding="utf-8")
    return sources, published


def _serve(httpserver: HTTPServer, path: str, handler: Callable[[Request], Response]) -> None:
    httpserver.expect_request(path).respond_with_handler(handler)


def _always(status: int, body: bytes = b"", headers: dict | None = None) -> Callable[[Request], Response]:
    return lambda request: Response(body, status=status, headers=headers or {})


def _stall(request: Request) -> Response:
    time.sleep(1.5)
    return Response(GOOD_CSV, content_type="text/csv")


FAULTS = [
    # (id, faulty source overrides, path served, handler, pattern the error must match)
    ("server-error", {"kind": "csv"}, "/bad.csv", _always(500, b"Internal Server Error"), r"500"),
    ("stalled-read", {"kind": "csv"}, "/bad.csv", _stall, r"(?i)time"),
    ("over-size-cap", {"kind": "csv"}, "/bad.csv",
     _always(200, b"a," * (300 * 1024), {"Content-Type": "text/csv"}), r"(?i)max_bytes|cap|too large|limit"),
    ("redirect-loop", {"kind": "csv"}, "/bad.csv",
     _always(302, b"", {"Location": "/bad.csv"}), r"(?i)redirect"),
    ("html-instead-of-csv", {"kind": "csv"}, "/bad.csv",
     _always(200, "<!DOCTYPE html><html><body>ページが見つかりません</body></html>".encode(),
             {"Content-Type": "text/html; charset=utf-8"}), r"(?i)text/html|html"),
    ("truncated-xlsx", {"kind": "excel"}, "/bad.xlsx",
     _always(200, CLUBS[: len(CLUBS) // 2],
             {"Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
     r"(?i)truncat|damaged|corrupt|not a valid|zip"),
    ("zip-bomb", {"kind": "csv"}, "/bad.zip",
     _always(200, _zip_bomb(), {"Content-Type": "application/zip"}), r"(?i)ratio|bomb|limit|too large"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("overrides", "path", "handler", "pattern"), [f[1:] for f in FAULTS], ids=[f[0] for f in FAULTS]
)
def test_a_faulty_source_fails_alone(
    httpserver: HTTPServer, tmp_path: Path, overrides: dict, path: str, handler, pattern: str
) -> None:
    httpserver.expect_request("/good.csv").respond_with_data(GOOD_CSV, content_type="text/csv")
    _serve(httpserver, path, handler)
    base = httpserver.url_for("").rstrip("/")
    config = _city(base, {"id": "bad", "location": f"{base}{path}", **overrides})
    sources, published = _run_all(config, tmp_path / "data")
    assert sources.loc["bad", "status"] == "failing"
    assert sources.loc["bad", "last_error"]

    assert re.search(pattern, sources.loc["bad", "last_error"]), sources.loc["bad", "last_error"]
    assert sources.loc["good", "status"] == "fresh"
    assert "ふれあいサロン仙波" in published


def test_retried_server_errors_and_429_still_publish(httpserver: HTTPServer, tmp_path: Path) -> None:
    answers = iter([Response("busy", status=503), Response("slow down", status=429, headers={"Retry-After": "1"})])

    def flaky(request: Request) -> Response:
        return next(answers, Response(CLUBS, content_type="application/octet-stream"))

    httpserver.expect_request("/good.csv").respond_with_data(GOOD_CSV, content_type="text/csv")
    httpserver.expect_request("/clubs.xlsx").respond_with_handler(flaky)
    base = httpserver.url_for("").rstrip("/")
    started = time.monotonic()
    sources, published = _run_all(_city(base, {"id": "clubs", "kind": "excel", "location": f"{base}/clubs.xlsx"}),
                                  tmp_path / "data")  # fmt: skip
    assert time.monotonic() - started >= 1.0  # Retry-After was honoured
    assert sources.loc["clubs", "status"] == "fresh", sources.loc["clubs", "last_error"]
    assert "寿会" in published and "ふれあいサロン仙波" in published


def test_an_external_entity_in_a_workbook_is_never_resolved(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/good.csv").respond_with_data(GOOD_CSV, content_type="text/csv")
    httpserver.expect_request("/clubs.xlsx").respond_with_data(_xxe_xlsx(), content_type="application/octet-stream")
    base = httpserver.url_for("").rstrip("/")
    sources, published = _run_all(_city(base, {"id": "clubs", "kind": "excel", "location": f"{base}/clubs.xlsx"}),
                                  tmp_path / "data")  # fmt: skip
    hostname = Path("/etc/hostname").read_text(encoding="utf-8").strip() if Path("/etc/hostname").exists() else ""
    assert not hostname or hostname not in published
    assert sources.loc["good", "status"] == "fresh" and "ふれあいサロン仙波" in published


def test_an_unchanged_web_source_costs_a_304_and_no_new_snapshot(httpserver: HTTPServer, tmp_path: Path) -> None:
    seen: list[dict] = []

    def conditional(request: Request) -> Response:
        seen.append(dict(request.headers))
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304, headers={"ETag": '"v1"'})
        return Response(CLUBS, content_type="application/octet-stream", headers={"ETag": '"v1"'})

    httpserver.expect_request("/good.csv").respond_with_data(GOOD_CSV, content_type="text/csv")
    httpserver.expect_request("/clubs.xlsx").respond_with_handler(conditional)
    base = httpserver.url_for("").rstrip("/")
    config = _city(base, {"id": "clubs", "kind": "excel", "location": f"{base}/clubs.xlsx"})
    _run_all(config, tmp_path / "data", day=3)
    sources, published = _run_all(config, tmp_path / "data", day=4)
    assert seen[-1].get("If-None-Match") == '"v1"'
    ctx = make_context(config, tmp_path / "data")
    with ctx.warehouse.connect() as con:
        statuses = con.execute(
            "SELECT http_status, new_content FROM raw_manifest WHERE source_id = 'clubs' ORDER BY seq"
        ).fetchall()
        snapshots = con.execute("SELECT count(*) FROM snapshots WHERE source_id = 'clubs'").fetchall()
    assert statuses == [(200, True), (304, False)]
    assert snapshots == [(1,)]
    assert sources.loc["clubs", "status"] == "fresh" and "寿会" in published
