"""index.html, the open-data site's entry page: what the data is, downloads, counts, freshness, credits."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd

from exports._html import STATUS_LABELS, badge, e, page, when
from exports._text import human_size, municipality_dict
from exports.freshness import STATUS_ORDER
from schemas.definition import MULTI_SEPARATOR

_MAP_SIZE = 640
_MAP_POINTS = 5000


@dataclass(frozen=True)
class Download:
    """One file offered on the page."""

    name: str
    title: str
    description: str
    size: int


def _count_table(caption: str, label: str, counts: pd.Series) -> str:
    if counts.empty:
        return ""
    rows = "".join(f'<tr><th scope="row">{e(key)}</th><td class="num">{int(n)}</td></tr>' for key, n in counts.items())
    return (
        f'<table><caption>{e(caption)}</caption><thead><tr><th scope="col">{e(label)}</th>'
        f'<th scope="col">件数 / Records</th></tr></thead><tbody>{rows}</tbody></table>'
    )


def _days(age: Any) -> str:
    return "—" if pd.isna(age) else f"{age:.0f}"


def map_svg(text: pd.DataFrame) -> str:
    """An inline SVG dot map of the placed resources (no tiles, nothing fetched from elsewhere)."""
    lat = pd.to_numeric(text["lat"], errors="coerce")
    lon = pd.to_numeric(text["lon"], errors="coerce")
    placed = lat.notna() & lon.notna()
    if not placed.any():
        return "<p>位置情報のある資源はありません。 / No resource has coordinates.</p>"
    lat, lon = lat[placed].head(_MAP_POINTS), lon[placed].head(_MAP_POINTS)
    pad = 0.005
    south, north = lat.min() - pad, lat.max() + pad
    west, east = lon.min() - pad, lon.max() + pad
    # Equirectangular with the mid-latitude's scale keeps a city's shape true enough for a preview.
    kx = math.cos(math.radians((north + south) / 2))
    scale = _MAP_SIZE / max((east - west) * kx, north - south)
    width, height = round((east - west) * kx * scale), round((north - south) * scale)
    xs = (lon - west) * kx * scale
    ys = (north - lat) * scale
    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3"/>' for x, y in zip(xs, ys, strict=True))
    label = f"資源の所在地の分布（{int(placed.sum())}件、背景地図なし） / Where the resources are"
    return (
        f'<svg class="map" role="img" aria-label="{e(label)}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{e(label)}</title>"
        f'<g fill="#0b57a4" fill-opacity="0.65" stroke="#fff" stroke-width="0.5">{dots}</g></svg>'
        f'<p class="note">北が上。範囲: 緯度 {south:.3f}–{north:.3f}、経度 {west:.3f}–{east:.3f}。'
        " 詳しい地図は GeoJSON を地図ソフトで開いてください。"
        " / North up; open the GeoJSON in a map tool for a full map.</p>"
    )


def index_html(
    *,
    municipality: Mapping[str, Any] | Any,
    release_id: str,
    generated_at: datetime,
    text: pd.DataFrame,
    counts: Mapping[str, int],
    downloads: Sequence[Download],
    freshness_departments: pd.DataFrame,
    changes: Mapping[str, int],
    quarantined: int,
    attributions: Sequence[str],
) -> str:
    """The release's entry page, self-contained and in Japanese first."""
    muni = municipality_dict(municipality)
    title = f"{muni['name']} 社会資源オープンデータ"
    by_type = text["resource_type"].value_counts(dropna=True).sort_index()
    by_field = text["field"].str.split(MULTI_SEPARATOR).explode().str.strip().dropna().value_counts().sort_index()
    download_rows = "".join(
        f'<tr><th scope="row"><a href="{e(d.name)}"{"" if d.name.endswith(".html") else " download"}>'
        f"{e(d.name)}</a></th><td>{e(d.title)}</td>"
        f'<td>{e(d.description)}</td><td class="num">{e(human_size(d.size))}</td></tr>'
        for d in downloads
    )
    status_counts = (
        freshness_departments["status"].value_counts() if len(freshness_departments) else pd.Series(dtype=int)
    )
    summary = "".join(
        f"<li>{badge(s)} {int(status_counts.get(s, 0))}課</li>" for s in STATUS_ORDER if status_counts.get(s, 0)
    )
    dept_rows = "".join(
        f'<tr><th scope="row">{e(d["department_name"])}</th><td>{badge(d["status"])}</td>'
        f'<td class="num">{int(d["source_count"])}</td><td class="num">{int(d["records"])}</td>'
        f'<td class="num">{_days(d["oldest_age_days"])}</td></tr>'
        for d in freshness_departments.to_dict("records")
    )
    credits = "".join(f"<li>{e(a)}</li>" for a in attributions) or "<li>—</li>"
    legend = "、".join(f"{ja}（{en}）" for ja, en in STATUS_LABELS.values())
    body = f"""
<p>{e(muni["prefecture"])}{e(muni["name"])}の各課が持つ社会資源（介護サービス事業所、障がい福祉サービス、子育て支援、
地域の通いの場・見守り・配食などの活動）の一覧を、共通の項目にそろえて公開しています。
連絡先は掲載の同意がある資源だけに載せています。
<span lang="en">Social resources kept by the city's departments, in one common schema. Contacts appear only
where their owners agreed.</span></p>
<ul class="summary">
<li>版 / Release: <strong>{e(release_id)}</strong></li>
<li>作成 / Generated: {when(generated_at)}（日本時間 / JST）</li>
<li>掲載件数 / Records: <strong>{int(counts.get("published", 0))}</strong></li>
<li>位置情報あり / With coordinates: {int(counts.get("with_coordinates", 0))}</li>
<li>前回から / Since last release: 追加 {int(changes.get("added", 0))}・
変更 {int(changes.get("changed", 0))}・削除 {int(changes.get("removed", 0))}
（<a href="changes.csv">changes.csv</a>）</li>
</ul>
<p>ライセンス / License: <a href="https://creativecommons.org/licenses/by/4.0/deed.ja" rel="license">
クリエイティブ・コモンズ 表示 4.0 国際（CC BY 4.0）</a></p>

<h2 id="downloads">ダウンロード / Downloads</h2>
<table><caption>この版のファイル / Files in this release</caption>
<thead><tr><th scope="col">ファイル / File</th><th scope="col">内容 / Content</th>
<th scope="col">説明 / Notes</th><th scope="col">サイズ / Size</th></tr></thead>
<tbody>{download_rows}</tbody></table>

<h2 id="map">地図 / Map preview</h2>
{map_svg(text)}

<h2 id="counts">件数 / Counts</h2>
{_count_table("分野別 / By field", "分野 / Field", by_field)}
{_count_table("種別別 / By resource type", "種別 / Type", by_type)}

<h2 id="freshness">更新状況 / Freshness</h2>
<p>各課の一覧が更新周期どおりに届いているかを示します（{e(legend)}）。詳しくは
<a href="freshness.html">更新状況のページ</a>。 / Whether each department's lists arrive on time.</p>
<ul class="summary" aria-label="状態別の課の数 / Departments by status">{summary}</ul>
<table><caption>課ごとの状況 / By department</caption><thead><tr><th scope="col">課 / Department</th>
<th scope="col">状態 / Status</th><th scope="col">情報源 / Sources</th><th scope="col">件数 / Records</th>
<th scope="col">最大経過日数 / Oldest (days)</th></tr></thead><tbody>{dept_rows}</tbody></table>

<h2 id="quality">品質 / Quality</h2>
<p>検査で保留された行: {quarantined} 件（<a href="quality.html">品質レポート</a>）。
/ Rows held back by validation.</p>

<h2 id="credits">出典 / Attributions</h2>
<ul>{credits}</ul>
"""
    return page(title, body, current="index.html")
