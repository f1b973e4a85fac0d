"""The DuckDB warehouse on a real file: snapshots, last good data, history, idempotent loads."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from schemas.definition import FIELD_NAMES
from warehouse import Warehouse
from warehouse.db import content_hash


@pytest.fixture
def wh(tmp_path: Path) -> Warehouse:
    return Warehouse(tmp_path / "warehouse.duckdb")


def _fetch(fetch_id: str, when: str, *, ok: bool = True, sha: str | None = "a" * 64) -> dict:
    return {
        "fetch_id": fetch_id,
        "run_id": "r",
        "department_id": "kaigo-hoken",
        "source_id": "care-services",
        "attempted_at": datetime.fromisoformat(when),
        "location": "kaigo/care.csv",
        "ok": ok,
        "nothing_yet": False,
        "sha256": sha if ok else None,
        "bytes": 10 if ok else None,
        "filename": "care.csv",
        "error": None if ok else "file not found",
    }


def _records(names: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame({name: [None] * len(names) for name in FIELD_NAMES})
    frame["name"] = names
    frame["source_id"] = "care-services"
    frame["resource_type"] = "介護サービス事業所"
    frame["field"] = "高齢"
    frame["department_id"] = "kaigo-hoken"
    frame["_row"] = range(2, len(names) + 2)
    return frame


def test_migrations_run_once_and_reopen_cleanly(wh: Warehouse) -> None:
    with wh.connect() as con:
        con.execute("SELECT 1")
    with wh.connect() as con:
        assert con.execute("SELECT count(*) FROM schema_version").fetchall()[0] == (1,)


def test_same_content_is_not_a_new_snapshot(wh: Warehouse) -> None:
    assert wh.record_fetch(_fetch("f1", "2026-12-01T00:00:00")) is True
    assert wh.record_fetch(_fetch("f2", "2026-12-02T00:00:00")) is False
    assert wh.record_fetch(_fetch("f3", "2026-12-03T00:00:00", sha="b" * 64)) is True
    with wh.connect() as con:
        assert con.execute("SELECT count(*) FROM snapshots").fetchall()[0] == (2,)
        assert con.execute("SELECT count(*) FROM raw_manifest").fetchall()[0] == (3,)


def test_last_good_data_survives_a_failed_fetch_and_a_failed_parse(wh: Warehouse) -> None:
    wh.record_fetch(_fetch("f1", "2026-12-01T00:00:00"))
    wh.record_parse("f1", {"parse_ok": True, "records": 2})
    wh.store_conformed(
        "a" * 64,
        "care-services",
        _records(["寿会", "若葉会"]),
        pd.DataFrame(columns=["department_id", "source_id", "row", "column", "rule", "message", "value"]),
    )
    wh.record_fetch(_fetch("f2", "2026-12-02T00:00:00", ok=False))
    wh.record_fetch(_fetch("f3", "2026-12-03T00:00:00", sha="c" * 64))
    wh.record_parse("f3", {"parse_ok": False, "parse_error": "layout changed"})
    current = wh.current_records()
    assert sorted(current["name"]) == ["寿会", "若葉会"]
    activity = wh.source_activity().iloc[0]
    assert not activity["last_attempt_ok"]
    assert activity["last_error"] == "layout changed"


def test_storing_a_snapshot_twice_is_idempotent(wh: Warehouse) -> None:
    wh.record_fetch(_fetch("f1", "2026-12-01T00:00:00"))
    wh.record_parse("f1", {"parse_ok": True})
    quarantine = pd.DataFrame(
        [
            {
                "department_id": "kaigo-hoken",
                "source_id": "care-services",
                "row": 3,
                "column": "電話番号",
                "rule": "format:phone",
                "message": "too few digits",
                "value": "049-22-881",
            }
        ]
    )
    for _ in range(2):
        wh.store_conformed("a" * 64, "care-services", _records(["寿会"]), quarantine)
    assert len(wh.current_records()) == 1
    q = wh.current_quarantine()
    assert q[["row", "column", "rule"]].values.tolist() == [[3, "電話番号", "format:phone"]]


def _resources(rows: dict[str, str]) -> pd.DataFrame:
    frame = pd.DataFrame({name: [None] * len(rows) for name in FIELD_NAMES})
    frame["resource_id"] = list(rows)
    frame["name"] = list(rows.values())
    return frame


def test_resource_history_opens_and_closes_versions(wh: Warehouse) -> None:
    empty_registry = pd.DataFrame(columns=["source_id", "source_record_id", "resource_id", "first_seen_at"])
    empty_lineage = pd.DataFrame(columns=["resource_id", "source_id", "source_record_id", "match_rule"])
    t1, t2, t3 = (datetime(2026, 12, d) for d in (1, 2, 3))
    first = wh.apply_resources(_resources({"r1": "寿会", "r2": "若葉会"}), empty_registry, empty_lineage, t1)
    assert first == {"added": 2, "changed": 0, "removed": 0, "total": 2}
    again = wh.apply_resources(_resources({"r1": "寿会", "r2": "若葉会"}), empty_registry, empty_lineage, t2)
    assert again == {"added": 0, "changed": 0, "removed": 0, "total": 2}
    third = wh.apply_resources(_resources({"r1": "寿会（休止中）"}), empty_registry, empty_lineage, t3)
    assert third == {"added": 0, "changed": 1, "removed": 1, "total": 1}
    with wh.connect() as con:
        history = con.execute(
            "SELECT resource_id, name, valid_from, valid_to FROM resources_history ORDER BY resource_id, valid_from"
        ).fetchall()
    assert history == [
        ("r1", "寿会", t1, t3),
        ("r1", "寿会（休止中）", t3, None),
        ("r2", "若葉会", t1, t3),
    ]


def test_content_hash_ignores_fetch_times_but_not_content() -> None:
    a = _resources({"r1": "寿会"})
    b = a.assign(fetched_at=pd.Timestamp("2026-12-04"))
    c = a.assign(phone="049-224-8811")
    assert content_hash(a).iloc[0] == content_hash(b).iloc[0]
    assert content_hash(a).iloc[0] != content_hash(c).iloc[0]
