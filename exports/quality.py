"""The quality report: quarantined rows per department with the rule they broke and how to fix them."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from exports._html import e, page
from exports._text import frame_rows, municipality_dict, write_small_csv
from schemas.definition import CONTACT_FIELDS, FIELD_BY_NAME

QUALITY_COLUMNS: tuple[str, ...] = ("department_id", "source_id", "row", "column", "rule", "message", "value")
REDACTED = "（非公開 / withheld）"
_HTML_ROW_LIMIT = 2000

# Quarantined rows may belong to people who did not consent: their contact values never go public,
# whether the column is named by the schema or by the department's own header.
_PRIVATE_COLUMNS = frozenset(
    {*CONTACT_FIELDS, *(f.name for f in FIELD_BY_NAME.values() if f.private)}
    | {FIELD_BY_NAME[c].ja for c in CONTACT_FIELDS}
    | {"電話", "TEL", "ＦＡＸ", "FAX", "メール", "E-mail", "連絡先", "担当者名", "代表者", "代表者名"}
)


def quality_frame(quarantine: pd.DataFrame) -> pd.DataFrame:
    """The quarantine in the published column order, sorted, with private values withheld."""
    frame = quarantine.copy()
    for column in QUALITY_COLUMNS:
        if column not in frame.columns:
            frame[column] = pd.NA
    frame = frame[list(QUALITY_COLUMNS)].astype("string")
    frame["row"] = pd.to_numeric(frame["row"], errors="coerce").astype("Int64").astype("string")
    private = frame["column"].isin(_PRIVATE_COLUMNS).fillna(False) & frame["value"].notna()
    frame.loc[private, "value"] = REDACTED
    order = pd.to_numeric(frame["row"], errors="coerce")
    return (
        frame.assign(_row=order)
        .sort_values(["department_id", "source_id", "_row", "column"], na_position="last", kind="stable")
        .drop(columns="_row")
        .reset_index(drop=True)
    )


def quality_html(frame: pd.DataFrame, *, municipality: Mapping[str, Any] | Any) -> str:
    """A self-contained page: counts per department, source and rule, then the rows to fix."""
    muni = municipality_dict(municipality)
    title = f"{muni['name']} データ品質 / Data quality"
    if frame.empty:
        body = "<p>保留された行はありません。 / No rows were held back.</p>"
        return page(title, body, current="quality.html")
    counts = frame.groupby(["department_id", "source_id", "rule"], dropna=False).size().reset_index(name="n")
    summary_rows = "".join(
        f"<tr><td>{e(r['department_id'])}</td><td>{e(r['source_id'])}</td><td>{e(r['rule'])}</td>"
        f'<td class="num">{int(r["n"])}</td></tr>'
        for r in counts.to_dict("records")
    )
    groups = []
    shown = frame.head(_HTML_ROW_LIMIT)
    for department, rows in shown.groupby("department_id", sort=True, dropna=False):
        cells = "".join(
            f'<tr><td>{e(r["source_id"])}</td><td class="num">{e(r["row"])}</td><td>{e(r["column"])}</td>'
            f"<td>{e(r['rule'])}</td><td>{e(r['message'])}</td><td>{e(r['value'])}</td></tr>"
            for r in rows.to_dict("records")
        )
        groups.append(
            f'<tbody><tr><th scope="rowgroup" colspan="6">{e(department)}（{len(rows)}件）</th></tr>{cells}</tbody>'
        )
    more = (
        f'<p class="note">最初の{_HTML_ROW_LIMIT}件を表示しています。全件は'
        ' <a href="quality.csv">quality.csv</a> にあります。</p>'
        if len(frame) > _HTML_ROW_LIMIT
        else ""
    )
    body = (
        f"<p>公開前の検査で保留された行が {len(frame)} 件あります。各課で元の一覧を直して再送してください。"
        " 行番号は元ファイルの行です。 / Rows held back by validation: fix them in the source list"
        " and send it again. Row numbers refer to the source file.</p>\n"
        "<table><caption>規則ごとの件数 / Count by rule</caption><thead><tr>"
        '<th scope="col">課 / Department</th><th scope="col">情報源 / Source</th>'
        '<th scope="col">規則 / Rule</th><th scope="col">件数 / Rows</th></tr></thead>'
        f"<tbody>{summary_rows}</tbody></table>\n{more}"
        "<table><caption>保留された行 / Held-back rows</caption><thead><tr>"
        '<th scope="col">情報源 / Source</th><th scope="col">行 / Row</th><th scope="col">列 / Column</th>'
        '<th scope="col">規則 / Rule</th><th scope="col">内容 / Message</th><th scope="col">値 / Value</th>'
        f"</tr></thead>{''.join(groups)}</table>"
    )
    return page(title, body, current="quality.html")


def write_quality(quarantine: pd.DataFrame, out_dir: Path, *, municipality: Mapping[str, Any] | Any) -> int:
    """Write quality.csv (UTF-8 with BOM) and quality.html; return the number of held-back rows."""
    frame = quality_frame(quarantine)
    write_small_csv(out_dir / "quality.csv", QUALITY_COLUMNS, frame_rows(frame))
    (out_dir / "quality.html").write_text(quality_html(frame, municipality=municipality), encoding="utf-8")
    return len(frame)
