"""Freshness statuses per source and department (design §8), and the files that report them."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from exports._html import badge, e, mailto, page, when
from exports._text import iso, jsonable, municipality_dict, utc_now, write_json, write_small_csv

STATUS_ORDER: tuple[str, ...] = ("fresh", "due", "overdue", "delinquent", "never", "failing")
"""Statuses from best to worst; a department takes its worst source's."""

SOURCE_COLUMNS: tuple[str, ...] = (
    "department_id",
    "department_name",
    "contact_email",
    "source_id",
    "kind",
    "location",
    "cadence_days",
    "overdue_days",
    "delinquent_days",
    "last_changed_at",
    "last_success_at",
    "last_attempt_at",
    "last_attempt_ok",
    "last_error",
    "nothing_yet",
    "records",
    "quarantined",
)
FRESHNESS_CSV_COLUMNS: tuple[str, ...] = (
    "department_id",
    "department_name",
    "source_id",
    "kind",
    "location",
    "status",
    "age_days",
    "cadence_days",
    "overdue_days",
    "delinquent_days",
    "last_changed_at",
    "last_success_at",
    "last_attempt_at",
    "last_attempt_ok",
    "last_error",
    "records",
    "quarantined",
    "contact_email",
    "message",
)
_TIMES = ("last_changed_at", "last_success_at", "last_attempt_at")
_COUNTS = ("records", "quarantined")
_RANK = {status: rank for rank, status in enumerate(STATUS_ORDER)}
_ERROR_CHARS = 200

# What to send, by source kind: (Japanese, English), formatted with the source's location.
_SEND: dict[str, tuple[str, str]] = {
    "inbox": (
        "受付フォルダ {loc} に最新の一覧ファイルを置いてください",
        "put the current list into the drop folder {loc}",
    ),
    "html": ("ページ {loc} の掲載内容を最新にしてください", "bring the page {loc} up to date"),
    "csv": ("{loc} の一覧を最新版に更新してください", "update the list at {loc} to the current version"),
    "excel": ("{loc} の一覧を最新版に更新してください", "update the list at {loc} to the current version"),
}
_SEND_OTHER = ("{loc} のデータを最新にしてください", "update the data at {loc}")


def _utc(value: datetime | pd.Timestamp) -> pd.Timestamp:
    stamp = pd.Timestamp(value)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def _flag(series: pd.Series, value: bool) -> pd.Series:
    """Where a nullable flag equals ``value``; unknown (None/NA) is neither."""
    return series.astype("boolean").eq(value).fillna(False).astype(bool)


def _message(row: Mapping[str, Any]) -> str:
    ja_send, en_send = _SEND.get(str(row["kind"]), _SEND_OTHER)
    loc = row["location"] or row["source_id"]
    ja_send, en_send = ja_send.format(loc=loc), en_send.format(loc=loc)
    status = row["status"]
    age = row["age_days"]
    days = "不明" if pd.isna(age) else f"{math.floor(age)}日"
    en_days = "unknown" if pd.isna(age) else f"{math.floor(age)} days"
    cadence, overdue, delinquent = row["cadence_days"], row["overdue_days"], row["delinquent_days"]
    if status == "failing":
        error = " ".join(str(row["last_error"] or "原因不明 / unknown error").split())[:_ERROR_CHARS]
        return (
            f"最新の読み込みに失敗しました（{error}）。ファイルの形式と置き場所を確認し、{ja_send}。"
            f" / The latest read failed ({error}): check the file's format and place, and {en_send}."
        )
    if status == "never":
        if bool(row["nothing_yet"]):
            return f"まだファイルが届いていません。{ja_send}。 / No file received yet: {en_send}."
        return f"まだ一度も読み込めていません。{ja_send}。 / Never read successfully yet: {en_send}."
    if pd.isna(age):
        return (
            f"最終更新日時が不明です。{ja_send}（更新日を記載すると鮮度を判定できます）。"
            f" / Last change unknown: {en_send} (state the update date so its age can be measured)."
        )
    if status == "fresh":
        return (
            f"最新です（最終更新から{days}、更新周期{cadence}日）。"
            f" / Up to date ({en_days} since the last change; cadence {cadence} days)."
        )
    if status == "due":
        return (
            f"更新時期です（最終更新から{days}、更新周期{cadence}日）。{ja_send}。"
            f" / Update due ({en_days} since the last change; cadence {cadence} days): {en_send}."
        )
    if status == "overdue":
        return (
            f"更新が遅れています（最終更新から{days}、{overdue}日で遅延）。{ja_send}。"
            f" / Overdue ({en_days} since the last change; overdue after {overdue} days): {en_send}."
        )
    return (
        f"更新が大幅に遅れています（最終更新から{days}、{delinquent}日で長期未更新）。至急、{ja_send}。"
        f" / Delinquent ({en_days} since the last change; delinquent after {delinquent} days): "
        f"please {en_send} now."
    )


def compute_freshness(sources: pd.DataFrame, as_of: datetime) -> pd.DataFrame:
    """Each source's age and status at ``as_of``, with a one-line message saying what to send."""
    out = sources.copy()
    for column in SOURCE_COLUMNS:
        if column not in out.columns:
            out[column] = None
    for column in _TIMES:
        out[column] = pd.to_datetime(out[column], utc=True)
    for column in _COUNTS:
        out[column] = pd.to_numeric(out[column], errors="coerce").fillna(0).astype("int64")
    for column in ("cadence_days", "overdue_days", "delinquent_days"):
        out[column] = out[column].astype("int64")

    age = (_utc(as_of) - out["last_changed_at"]).dt.total_seconds() / 86400.0
    # Content that changed after the as-of moment (a report asked for an earlier date) is age 0, not negative.
    out["age_days"] = age.astype("float64").clip(lower=0.0)
    failing = _flag(out["last_attempt_ok"], False)
    never = out["last_success_at"].isna() | _flag(out["nothing_yet"], True)
    status = np.select(
        [
            failing,
            never,
            age.isna(),  # unknown age is never fresh: ask for the update date
            age >= out["delinquent_days"],
            age >= out["overdue_days"],
            age >= out["cadence_days"],
        ],
        ["failing", "never", "due", "delinquent", "overdue", "due"],
        default="fresh",
    )
    out["status"] = pd.Series(status, index=out.index, dtype="str")
    # Sources are tens per city: a Python loop here is clearer than a vectorized string build.
    out["message"] = [_message(row) for row in out.to_dict("records")] if len(out) else []
    out["message"] = out["message"].astype("str")
    return out


def department_freshness(source_freshness: pd.DataFrame) -> pd.DataFrame:
    """One row per department: its worst source's status, with counts per status and totals."""
    frame = source_freshness.assign(_rank=source_freshness["status"].map(_RANK))
    keys = ["department_id"]
    worst = frame.sort_values(["_rank", "age_days"], ascending=[False, False], na_position="first")
    first = worst.drop_duplicates("department_id").set_index("department_id")
    counts = pd.crosstab(frame["department_id"], frame["status"]).reindex(columns=list(STATUS_ORDER), fill_value=0)
    grouped = frame.groupby(keys, sort=True)
    out = pd.DataFrame(
        {
            "department_name": grouped["department_name"].first(),
            "contact_email": grouped["contact_email"].first(),
            "status": first["status"],
            "worst_source_id": first["source_id"],
            "message": first["message"],
            "source_count": grouped.size(),
            "records": grouped["records"].sum(),
            "quarantined": grouped["quarantined"].sum(),
            "oldest_age_days": grouped["age_days"].max(),
        }
    )
    out = out.join(counts.astype("int64"))
    out[list(STATUS_ORDER)] = out[list(STATUS_ORDER)].fillna(0).astype("int64")
    return out.reset_index()[
        [
            "department_id",
            "department_name",
            "contact_email",
            "status",
            "worst_source_id",
            "message",
            "source_count",
            *STATUS_ORDER,
            "records",
            "quarantined",
            "oldest_age_days",
        ]
    ]


def _age_text(age: Any) -> str:
    return "—" if pd.isna(age) else f"{age:.1f}"


def _source_record(row: Mapping[str, Any]) -> dict[str, Any]:
    record = {column: jsonable(row.get(column)) for column in FRESHNESS_CSV_COLUMNS}
    record["age_days"] = None if pd.isna(row["age_days"]) else round(float(row["age_days"]), 2)
    return record


def freshness_document(
    source_df: pd.DataFrame,
    dept_df: pd.DataFrame,
    *,
    as_of: datetime,
    municipality: Mapping[str, Any] | Any,
    generated_at: datetime | None = None,
) -> dict[str, Any]:
    """The freshness.json object: departments, each with its sources."""
    by_department: dict[str, list[dict[str, Any]]] = {}
    for row in source_df.sort_values(["department_id", "source_id"]).to_dict("records"):
        by_department.setdefault(str(row["department_id"]), []).append(_source_record(row))
    departments = []
    for row in dept_df.to_dict("records"):
        item = {key: jsonable(value) for key, value in row.items() if key not in STATUS_ORDER}
        item["counts"] = {status: int(row[status]) for status in STATUS_ORDER}
        if item["oldest_age_days"] is not None:
            item["oldest_age_days"] = round(float(item["oldest_age_days"]), 2)
        item["sources"] = by_department.get(str(row["department_id"]), [])
        departments.append(item)
    summary = source_df["status"].value_counts().reindex(list(STATUS_ORDER), fill_value=0)
    return {
        "generated_at": iso(generated_at or utc_now()),
        "as_of": iso(as_of),
        "municipality": municipality_dict(municipality),
        "statuses": list(STATUS_ORDER),
        "summary": {status: int(count) for status, count in summary.items()},
        "departments": departments,
    }


def _board_html(source_df: pd.DataFrame, dept_df: pd.DataFrame, *, title: str, as_of: datetime) -> str:
    summary = source_df["status"].value_counts()
    items = "".join(f"<li>{badge(status)} {int(summary.get(status, 0))}件</li>" for status in STATUS_ORDER)
    groups = []
    for dept in dept_df.to_dict("records"):
        rows = source_df[source_df["department_id"] == dept["department_id"]].sort_values("source_id")
        head = (
            f'<tr><th scope="rowgroup" colspan="7" id="dept-{e(dept["department_id"])}">'
            f"{e(dept['department_name'])}（{e(dept['department_id'])}） {badge(dept['status'])}</th></tr>"
        )
        cells = []
        for src in rows.to_dict("records"):
            subject = f"[{title}] {src['source_id']}: {src['status']}"
            cells.append(
                "<tr>"
                f'<th scope="row">{e(src["source_id"])}<br><span class="note">{e(src["kind"])}</span></th>'
                f"<td>{badge(src['status'])}</td>"
                f'<td class="num">{e(_age_text(src["age_days"]))}</td>'
                f'<td class="num">{e(src["cadence_days"])} / {e(src["overdue_days"])}'
                f" / {e(src['delinquent_days'])}</td>"
                f"<td>{when(src['last_changed_at'])}</td>"
                f"<td>{e(src['message'])}</td>"
                f"<td>{mailto(src['contact_email'], subject)}</td>"
                "</tr>"
            )
        groups.append(f"<tbody>{head}{''.join(cells)}</tbody>")
    return (
        f"<p>基準日時 / As of: {when(as_of)}（日本時間 / JST）。"
        "経過日数は内容が最後に変わった日時から数えます。"
        " / Age counts from when the content last changed.</p>\n"
        f'<ul class="summary" aria-label="状態別の情報源数 / Sources by status">{items}</ul>\n'
        "<table>\n<caption>情報源ごとの更新状況 / Freshness by source</caption>\n"
        "<thead><tr>"
        '<th scope="col">情報源 / Source</th><th scope="col">状態 / Status</th>'
        '<th scope="col">経過日数 / Age (days)</th>'
        '<th scope="col">周期・遅延・長期未更新（日） / Cadence, overdue, delinquent (days)</th>'
        '<th scope="col">最終変更（日本時間） / Last changed (JST)</th>'
        '<th scope="col">お願い / What to do</th>'
        '<th scope="col">連絡先 / Contact</th>'
        f"</tr></thead>\n{''.join(groups)}\n</table>"
    )


def freshness_html(
    source_df: pd.DataFrame, dept_df: pd.DataFrame, *, as_of: datetime, municipality: Mapping[str, Any] | Any
) -> str:
    """The self-contained freshness board, one row per source grouped by department."""
    muni = municipality_dict(municipality)
    title = f"{muni['name']} データ更新状況 / Data freshness"
    return page(title, _board_html(source_df, dept_df, title=title, as_of=as_of), current="freshness.html")


def write_freshness(
    source_df: pd.DataFrame,
    dept_df: pd.DataFrame,
    out_dir: Path,
    *,
    as_of: datetime,
    municipality: Mapping[str, Any] | Any,
    generated_at: datetime | None = None,
) -> dict[str, Path]:
    """Write freshness.json, freshness.csv (UTF-8 with BOM for Excel) and freshness.html into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {name: out_dir / name for name in ("freshness.json", "freshness.csv", "freshness.html")}
    write_json(
        paths["freshness.json"],
        freshness_document(source_df, dept_df, as_of=as_of, municipality=municipality, generated_at=generated_at),
    )
    records = [_source_record(row) for row in source_df.sort_values(["department_id", "source_id"]).to_dict("records")]
    for record in records:
        ok = record["last_attempt_ok"]
        record["last_attempt_ok"] = None if ok is None else ("true" if ok else "false")
    write_small_csv(
        paths["freshness.csv"],
        FRESHNESS_CSV_COLUMNS,
        ([record[c] for c in FRESHNESS_CSV_COLUMNS] for record in records),
    )
    paths["freshness.html"].write_text(
        freshness_html(source_df, dept_df, as_of=as_of, municipality=municipality), encoding="utf-8"
    )
    return paths


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def render_freshness_table(source_df: pd.DataFrame) -> str:
    """A plain-text table for the terminal, aligned for Japanese (full-width) characters."""
    header = ("department", "source", "status", "age", "cadence", "last changed", "message")
    rows = [
        (
            str(r["department_name"] or r["department_id"]),
            str(r["source_id"]),
            str(r["status"]),
            _age_text(r["age_days"]),
            f"{r['cadence_days']}d",
            (iso(r["last_changed_at"]) or "—")[:10],
            str(r["message"]),
        )
        for r in source_df.sort_values(["department_id", "source_id"]).to_dict("records")
    ]
    widths = [max([_width(h), *(_width(row[i]) for row in rows)]) for i, h in enumerate(header)]
    widths[-1] = 0  # the message is last and long: leave it unpadded
    lines = ["  ".join(_pad(h, w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * max(w, 7) for w in widths).rstrip())
    lines.extend("  ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows)
    return "\n".join(lines)
