"""Freshness statuses at their exact thresholds, the department roll-up, and the files that report them."""

from __future__ import annotations

import json
import unicodedata
from datetime import timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from exports.freshness import (
    FRESHNESS_CSV_COLUMNS,
    STATUS_ORDER,
    compute_freshness,
    department_freshness,
    render_freshness_table,
    write_freshness,
)
from tests.exports.conftest import AS_OF, MUNICIPALITY

NOW = pd.Timestamp(AS_OF)


def _source(
    age_days: float | None,
    *,
    ok: bool | None = True,
    succeeded: bool = True,
    nothing_yet: bool = False,
    source_id: str = "care-services",
    department_id: str = "kaigo-hoken",
) -> dict[str, Any]:
    return {
        "department_id": department_id,
        "department_name": "介護保険課",
        "contact_email": "kaigo@example.invalid",
        "source_id": source_id,
        "kind": "csv",
        "location": "demo/kaigo/care_services.csv",
        "cadence_days": 30,
        "overdue_days": 44,
        "delinquent_days": 60,
        "last_changed_at": pd.NaT if age_days is None else NOW - timedelta(days=age_days),
        "last_success_at": NOW - timedelta(hours=3) if succeeded else pd.NaT,
        "last_attempt_at": NOW - timedelta(hours=3) if ok is not None else pd.NaT,
        "last_attempt_ok": ok,
        "last_error": "ファイルが見つかりません: care_services.csv" if ok is False else None,
        "nothing_yet": nothing_yet,
        "records": 10,
        "quarantined": 0,
    }


def _status(**kwargs: Any) -> str:
    age = kwargs.pop("age")
    return str(compute_freshness(pd.DataFrame([_source(age, **kwargs)]), AS_OF)["status"].iloc[0])


@pytest.mark.parametrize(
    ("age", "kwargs", "expected"),
    [
        (0, {}, "fresh"),  # changed just now
        (29.999, {}, "fresh"),  # a moment before the cadence
        (30, {}, "due"),  # age == cadence is due
        (43.999, {}, "due"),  # a moment before overdue
        (44, {}, "overdue"),  # age == overdue_after is overdue
        (59.999, {}, "overdue"),  # a moment before delinquent
        (60, {}, "delinquent"),  # age == delinquent_after is delinquent
        (400, {}, "delinquent"),  # long gone
        (1, {"ok": False}, "failing"),  # a failed latest attempt beats a fresh age
        (90, {"ok": False}, "failing"),  # ... and a delinquent one
        (None, {"ok": False, "succeeded": False}, "failing"),  # failing beats never
        (None, {"ok": None, "succeeded": False}, "never"),  # never attempted
        (None, {"nothing_yet": True, "succeeded": False}, "never"),  # inbox with no file yet
        (1, {"nothing_yet": True}, "never"),  # an inbox flagged empty is never, whatever it says
        (None, {}, "due"),  # read fine but change time unknown: never fresh
        (1, {"ok": None}, "fresh"),  # no attempt recorded but a success: by age
        (-2, {}, "fresh"),  # a stated date in the future (clock skew) is not an error
    ],
)
def test_status_thresholds(age: float | None, kwargs: dict[str, Any], expected: str) -> None:
    assert _status(age=age, **kwargs) == expected


def test_age_is_float_days_and_nan_when_unknown() -> None:
    frame = compute_freshness(pd.DataFrame([_source(12.5), _source(None, source_id="b")]), AS_OF)
    assert frame["age_days"].iloc[0] == pytest.approx(12.5)
    assert pd.isna(frame["age_days"].iloc[1])
    assert frame["age_days"].dtype == "float64"


def test_content_changed_after_the_as_of_moment_is_age_zero() -> None:
    # `tsunagu freshness --as-of <today>` right after a run: the fetch is later than midnight.
    frame = compute_freshness(pd.DataFrame([_source(-0.7)]), AS_OF)
    assert frame["age_days"].iloc[0] == 0.0 and frame["status"].iloc[0] == "fresh"


def test_naive_as_of_is_utc() -> None:
    frame = compute_freshness(pd.DataFrame([_source(30)]), AS_OF.replace(tzinfo=None))
    assert frame["status"].iloc[0] == "due"


@pytest.mark.parametrize(
    ("age", "kwargs", "ja", "en"),
    [
        (35, {}, "更新時期", "demo/kaigo/care_services.csv"),  # due: says what to update
        (50, {}, "遅れて", "overdue after 44 days"),
        (70, {}, "大幅に遅れて", "delinquent after 60 days"),
        (1, {"ok": False}, "ファイルが見つかりません", "The latest read failed"),  # carries the error
        (None, {"nothing_yet": True, "succeeded": False}, "まだファイルが届いていません", "No file received"),
        (3, {}, "最新です", "Up to date"),
    ],
)
def test_message_is_one_bilingual_line(age: float | None, kwargs: dict[str, Any], ja: str, en: str) -> None:
    message = str(compute_freshness(pd.DataFrame([_source(age, **kwargs)]), AS_OF)["message"].iloc[0])
    assert ja in message
    assert en in message
    assert "\n" not in message


def test_inbox_message_points_at_the_drop_folder(sources: pd.DataFrame) -> None:
    frame = compute_freshness(sources, AS_OF).set_index("source_id")
    assert "受付フォルダ inbox/kodomo-shokudo/" in frame.loc["kodomo-shokudo", "message"]


def test_department_takes_its_worst_source() -> None:
    rows = [
        _source(1, source_id="a", department_id="d1"),
        _source(50, source_id="b", department_id="d1"),  # overdue
        _source(70, source_id="c", department_id="d2"),  # delinquent
        _source(None, ok=None, succeeded=False, source_id="d", department_id="d2"),  # never beats delinquent
        _source(1, source_id="e", department_id="d3"),
        _source(1, ok=False, source_id="f", department_id="d3"),  # failing beats all
    ]
    depts = department_freshness(compute_freshness(pd.DataFrame(rows), AS_OF)).set_index("department_id")
    assert depts["status"].to_dict() == {"d1": "overdue", "d2": "never", "d3": "failing"}
    assert depts.loc["d1", "worst_source_id"] == "b"
    assert depts.loc["d1", ["source_count", "fresh", "overdue", "records"]].tolist() == [2, 1, 1, 20]
    assert depts.loc["d2", "oldest_age_days"] == pytest.approx(70)
    assert list(depts.columns[6 : 6 + len(STATUS_ORDER)]) == list(STATUS_ORDER)


def test_status_order_is_the_documented_one() -> None:
    assert STATUS_ORDER == ("fresh", "due", "overdue", "delinquent", "never", "failing")


def test_write_freshness_files(tmp_path: Path, sources: pd.DataFrame) -> None:
    source_df = compute_freshness(sources, AS_OF)
    dept_df = department_freshness(source_df)
    paths = write_freshness(source_df, dept_df, tmp_path, as_of=AS_OF, municipality=MUNICIPALITY)

    document = json.loads(paths["freshness.json"].read_text(encoding="utf-8"))
    assert document["as_of"] == "2024-06-01T00:00:00Z"
    assert document["municipality"]["code"] == "112011"
    by_id = {d["department_id"]: d for d in document["departments"]}
    assert by_id["chiiki-fukushi"]["status"] == "never"
    assert [s["source_id"] for s in by_id["chiiki-fukushi"]["sources"]] == ["kodomo-shokudo", "salons"]
    salons = by_id["chiiki-fukushi"]["sources"][1]
    assert salons["status"] == "overdue"
    assert salons["last_changed_at"] == "2024-04-10T00:00:00Z"
    assert salons["age_days"] == pytest.approx(52.0)

    raw = paths["freshness.csv"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel in Japan opens it as UTF-8
    table = pd.read_csv(paths["freshness.csv"], encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert tuple(table.columns) == FRESHNESS_CSV_COLUMNS
    assert len(table) == 3
    assert table.set_index("source_id").loc["care-services", "cadence_days"] == "30"

    page = paths["freshness.html"].read_text(encoding="utf-8")
    assert '<html lang="ja">' in page
    assert "mailto:kaigo@example.invalid" in page
    assert "status-overdue" in page and "遅延" in page  # colour and words
    assert "<link" not in page and "src=" not in page and "@import" not in page


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def test_render_table_lists_every_source(sources: pd.DataFrame) -> None:
    text = render_freshness_table(compute_freshness(sources, AS_OF))
    lines = text.splitlines()
    assert lines[0].startswith("department")
    assert len(lines) == 2 + 3
    assert any("salons" in line and "overdue" in line and "52.0" in line for line in lines)
    # Columns line up in display width even with full-width department names.
    starts = {
        _width(line[: line.index(source)])
        for line, source in zip(lines[2:], ["kodomo-shokudo", "salons", "care-services"], strict=True)
    }
    assert starts == {_width(lines[0][: lines[0].index("source")])}


def test_empty_sources() -> None:
    empty = pd.DataFrame([_source(1)]).iloc[:0]
    frame = compute_freshness(empty, AS_OF)
    assert frame.empty and "status" in frame.columns
    assert department_freshness(frame).empty
