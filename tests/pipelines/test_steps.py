"""The stages as plain functions on a real data dir: failure isolation and the last good data."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest

from pipelines.steps import (
    RunContext,
    conform_source,
    extract_source,
    freshness_frame,
    make_context,
    run_all,
)
from tsunagu.config import parse_config
from tsunagu.errors import SourceError


def _write_clubs(path: Path, names: list[str]) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["川越市老人クラブ一覧（令和8年4月1日現在）"])
    sheet.append([])
    sheet.append(["No.", "クラブ名", "活動場所", "掲載希望"])
    for i, name in enumerate(names, start=1):
        sheet.append([i, name, f"川越市新富町1-{i}-1", "可"])
    book.save(path)


@pytest.fixture
def city(tmp_path: Path):
    (tmp_path / "src").mkdir()
    _write_clubs(tmp_path / "src" / "clubs.xlsx", ["寿会", "若葉クラブ"])
    (tmp_path / "src" / "inbox").mkdir()
    return parse_config(
        {
            "municipality": {"code": "112011", "name": "川越市", "prefecture": "埼玉県"},
            "base_dir": str(tmp_path / "src"),
            "departments": [
                {
                    "id": "korei",
                    "name": "高齢者いきがい課",
                    "contact_email": "korei@example.invalid",
                    "sources": [
                        {"id": "clubs", "kind": "excel", "location": "clubs.xlsx", "cadence": "P1Y",
                         "resource_type": "老人クラブ", "field": "高齢", "formality": "informal",
                         "columns": {"name": "クラブ名", "address": "活動場所", "publish": "掲載希望"}},
                        {"id": "salons", "kind": "inbox", "location": "salons", "cadence": "P3M",
                         "resource_type": "ふれあいサロン", "field": "高齢"},
                    ],
                }
            ],
        }
    )  # fmt: skip


def _run(city, data: Path, day: int) -> RunContext:
    ctx = make_context(city, data, as_of=datetime(2026, 12, day, tzinfo=UTC))
    run_all(ctx)
    return ctx


def test_a_corrupt_file_keeps_the_last_good_data_and_reports_failing(city, tmp_path: Path) -> None:
    data = tmp_path / "data"
    _run(city, data, 1)
    (tmp_path / "src" / "clubs.xlsx").write_bytes(b"PK\x03\x04 truncated in transit")
    ctx = _run(city, data, 2)
    assert sorted(ctx.warehouse.read_current_records()["name"]) == ["寿会", "若葉クラブ"]
    sources, departments = freshness_frame(ctx)
    clubs = sources.set_index("source_id").loc["clubs"]
    assert clubs["status"] == "failing"
    assert "clubs" in clubs["last_error"] and clubs["records"] == 2
    assert departments.loc[0, "status"] == "failing"


def test_an_empty_drop_folder_is_never_read_not_failing(city, tmp_path: Path) -> None:
    ctx = _run(city, tmp_path / "data", 1)
    salons = freshness_frame(ctx)[0].set_index("source_id").loc["salons"]
    assert salons["status"] == "never"


def test_the_stated_list_date_counts_on_first_sight(city, tmp_path: Path) -> None:
    ctx = _run(city, tmp_path / "data", 4)
    clubs = freshness_frame(ctx)[0].set_index("source_id").loc["clubs"]
    assert clubs["last_changed_at"].date().isoformat() == "2026-04-01"  # 令和8年4月1日現在
    assert clubs["status"] == "fresh"


def test_new_content_resets_the_age_even_with_an_old_stated_date(city, tmp_path: Path) -> None:
    data = tmp_path / "data"
    _run(city, data, 1)
    _write_clubs(tmp_path / "src" / "clubs.xlsx", ["寿会", "若葉クラブ", "ひまわり会"])
    ctx = _run(city, data, 3)
    clubs = freshness_frame(ctx)[0].set_index("source_id").loc["clubs"]
    assert clubs["last_changed_at"] == datetime(2026, 12, 3, tzinfo=UTC)  # a new hash, later than the title date
    assert len(ctx.warehouse.resources()) == 3


def _inbox(tmp_path: Path) -> Path:
    return tmp_path / "data" / "inbox" / "salons"


def _drop(folder: Path, name: str, text: str, encoding: str = "cp932") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding=encoding)
    return path


def test_a_dropped_file_is_read_then_moved_to_processed(city, tmp_path: Path) -> None:
    folder = _inbox(tmp_path)
    _drop(folder, "old.csv", "名称,住所\n古いサロン,川越市新富町1-1-1\n")
    newest = _drop(folder, "salons_R8.12.csv", "名称,住所\nふれあいサロン仙波,川越市仙波町２丁目５番８号\n")
    os.utime(newest, (time.time() + 5, time.time() + 5))
    ctx = _run(city, tmp_path / "data", 1)
    names = ctx.warehouse.read_current_records().set_index("source_id").loc[["salons"], "name"].tolist()
    assert names == ["ふれあいサロン仙波"]
    assert not any(p.is_file() for p in folder.iterdir())  # nothing left waiting
    processed = sorted(p.name for p in (folder / "processed").iterdir())
    assert processed == ["20261201T000000Z_salons_R8.12.csv", "20261201T000000Z_superseded_old.csv"]


def test_a_rejected_file_is_moved_aside_with_its_reason_and_the_last_list_stays(city, tmp_path: Path) -> None:
    folder = _inbox(tmp_path)
    _drop(folder, "salons.csv", "名称,住所\nふれあいサロン仙波,川越市仙波町２丁目５番８号\n")
    _run(city, tmp_path / "data", 1)
    _drop(folder, "salons_broken.xlsx", "this is not a workbook", encoding="utf-8")
    ctx = _run(city, tmp_path / "data", 2)
    rejected = folder / "rejected"
    assert (rejected / "20261202T000000Z_salons_broken.xlsx").is_file()
    reason = (rejected / "20261202T000000Z_salons_broken.xlsx.reason.txt").read_text(encoding="utf-8")
    assert "salons" in reason and "the last accepted list stays published" in reason
    assert "ふれあいサロン仙波" in ctx.warehouse.read_current_records()["name"].tolist()
    assert freshness_frame(ctx)[0].set_index("source_id").loc["salons", "status"] == "failing"


def test_unchanged_content_is_not_parsed_again(city, tmp_path: Path) -> None:
    data = tmp_path / "data"
    _run(city, data, 1)
    ctx = make_context(city, data, as_of=datetime(2026, 12, 2, tzinfo=UTC))
    dept, source = city.source("clubs")
    assert extract_source(ctx, dept, source)["new_content"] is False
    out = conform_source(ctx, dept, source)
    assert out["status"] == "unchanged" and out["records"] == 2


def test_reparse_reads_the_archived_snapshot_without_fetching(city, tmp_path: Path) -> None:
    data = tmp_path / "data"
    _run(city, data, 1)
    (tmp_path / "src" / "clubs.xlsx").unlink()  # the department's file is gone; the archive still has it
    ctx = make_context(city, data, as_of=datetime(2026, 12, 2, tzinfo=UTC))
    ctx.reparse = {"clubs": None}
    dept, source = city.source("clubs")
    row = extract_source(ctx, dept, source)
    assert row["location"].startswith("reparse of ")
    out = conform_source(ctx, dept, source)
    assert out["status"] == "ok" and out["records"] == 2
    ctx.reparse = {"clubs": "ffff"}
    with pytest.raises(SourceError, match="no archived snapshot ffff"):
        extract_source(ctx, dept, source)


def test_an_emptied_drop_folder_after_an_accepted_file_is_not_never(city, tmp_path: Path) -> None:
    _drop(_inbox(tmp_path), "salons.csv", "名称,住所\nふれあいサロン仙波,川越市仙波町２丁目５番８号\n")
    _run(city, tmp_path / "data", 1)
    ctx = _run(city, tmp_path / "data", 20)  # the folder is empty now: the file was taken on day 1
    salons = freshness_frame(ctx)[0].set_index("source_id").loc["salons"]
    assert salons["status"] == "fresh" and round(salons["age_days"]) == 19
    assert "ふれあいサロン仙波" in ctx.warehouse.read_current_records()["name"].tolist()
