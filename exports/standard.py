"""Files in the national 推奨データセット layouts, with the official headers in the official order."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from exports._text import frame_rows, municipality_dict, write_small_csv

MUNICIPALITY_CODE_HEADER = "都道府県コード又は市区町村コード"
NO_HEADER = "NO"

# Header row of 推奨データセット v1 介護サービス事業所 (xxxxxx_care_service.csv), a fact of the standard.
CARE_SERVICE_HEADERS: tuple[str, ...] = (
    "都道府県コード又は市区町村コード",
    "NO",
    "都道府県名",
    "市区町村名",
    "介護サービス事業所名称",
    "介護サービス事業所名称_カナ",
    "実施サービス",
    "住所",
    "方書",
    "緯度",
    "経度",
    "電話番号",
    "内線番号",
    "FAX番号",
    "法人番号",
    "法人の名称",
    "事業所番号",
    "利用可能曜日",
    "利用可能曜日特記事項",
    "定員",
    "URL",
    "備考",
)


@dataclass(frozen=True)
class StandardDataset:
    """One official layout: which resources go into it and which common field fills each header."""

    slug: str
    title: str
    resource_types: tuple[str, ...]
    headers: tuple[str, ...]
    columns: Mapping[str, str]
    types: Mapping[str, str]

    def file_name(self, code: str) -> str:
        """``<6-digit code>_<slug>.csv``, the standard's naming rule."""
        return f"{code}_{self.slug}.csv"


CARE_SERVICE = StandardDataset(
    slug="care_service",
    title="介護サービス事業所一覧（推奨データセット）",
    resource_types=("介護サービス事業所",),
    headers=CARE_SERVICE_HEADERS,
    columns={
        "都道府県名": "prefecture",
        "市区町村名": "city",
        "介護サービス事業所名称": "name",
        "介護サービス事業所名称_カナ": "name_kana",
        # The common schema keeps the service kinds (訪問介護, 通所介護, …) in the description.
        "実施サービス": "description",
        "住所": "address",
        "方書": "building",
        "緯度": "lat",
        "経度": "lon",
        "電話番号": "phone",
        "FAX番号": "fax",
        "法人番号": "corporate_number",
        "法人の名称": "operator_name",
        "事業所番号": "provider_number",
        "利用可能曜日": "schedule",
        "定員": "capacity",
        "URL": "url",
    },
    types={"NO": "integer", "緯度": "number", "経度": "number", "定員": "integer"},
)

STANDARD_DATASETS: tuple[StandardDataset, ...] = (CARE_SERVICE,)


def standard_frame(
    dataset: StandardDataset, public_text: pd.DataFrame, municipality: Mapping[str, Any] | Any
) -> pd.DataFrame:
    """The published rows of the dataset's resource types, under the official headers in order."""
    muni = municipality_dict(municipality)
    rows = public_text[public_text["resource_type"].isin(dataset.resource_types)].reset_index(drop=True)
    out = pd.DataFrame(index=rows.index, columns=list(dataset.headers), dtype="string")
    for header, field in dataset.columns.items():
        out[header] = rows[field].astype("string")
    out[MUNICIPALITY_CODE_HEADER] = muni["code"]
    out[NO_HEADER] = pd.Series(range(1, len(rows) + 1), index=rows.index).astype("string")
    if "都道府県名" in out:
        out["都道府県名"] = out["都道府県名"].fillna(muni["prefecture"])
    if "市区町村名" in out:
        out["市区町村名"] = out["市区町村名"].fillna(muni["name"])
    return out


def standard_schema(dataset: StandardDataset) -> dict[str, Any]:
    """A Table Schema for the layout, so the data package checks its header order and numbers."""
    return {
        "fields": [{"name": h, "type": dataset.types.get(h, "string")} for h in dataset.headers],
        "missingValues": [""],
    }


def write_standard_files(
    public_text: pd.DataFrame, out_dir: Path, municipality: Mapping[str, Any] | Any
) -> list[tuple[StandardDataset, Path, int]]:
    """Write each layout that has rows, UTF-8 with BOM and CRLF like the official templates."""
    code = municipality_dict(municipality)["code"]
    written = []
    for dataset in STANDARD_DATASETS:
        frame = standard_frame(dataset, public_text, municipality)
        if frame.empty:
            continue
        path = out_dir / dataset.file_name(code)
        write_small_csv(path, dataset.headers, frame_rows(frame), bom=True, crlf=True)
        written.append((dataset, path, len(frame)))
    return written
