"""Column mapping by name through aliases, and the schema's generated forms staying in sync."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from exports.standard import CARE_SERVICE_HEADERS
from schemas.definition import FIELD_NAMES, PUBLIC_FIELDS
from schemas.generate import DOCS_HEADER, docs_table, duckdb_columns, pandera_schema, table_schema
from schemas.mapping import header_key, map_columns

V1_CARE = list(CARE_SERVICE_HEADERS)  # the official 推奨データセット v1 介護サービス事業所 header row
V2_HEADERS = [
    "全国地方公共団体コード",
    "ID",
    "地方公共団体名",
    "名称",
    "名称_カナ",
    "所在地_全国地方公共団体コード",
    "町字ID",
    "所在地_連結表記",
    "所在地_都道府県",
    "所在地_市区町村",
    "所在地_町字",
    "所在地_番地以下",
    "建物名等(方書)",
    "緯度",
    "経度",
    "電話番号",
    "FAX番号",
    "法人番号",
    "法人の名称",
    "URL",
    "メ―ルアドレス",
]


@pytest.mark.parametrize(
    ("headers", "field", "header"),
    [
        (V1_CARE, "name", "介護サービス事業所名称"),  # v1 care-service layout names its own name column
        (V1_CARE, "source_record_id", "NO"),
        (V1_CARE, "provider_number", "事業所番号"),
        (V1_CARE, "building", "方書"),
        (V2_HEADERS, "source_record_id", "ID"),  # v2 renames the leading columns
        (V2_HEADERS, "address", "所在地_連結表記"),  # the joined address wins over the split parts
        (V2_HEADERS, "email", "メ―ルアドレス"),  # U+2015 in place of ー, as real files have
        (["  名称 ", "住所"], "name", "  名称 "),  # stray spaces around a header
        (["ＵＲＬ"], "url", "ＵＲＬ"),  # full-width header
    ],
)
def test_alias_mapping(headers: list[str], field: str, header: str) -> None:
    assert map_columns(headers)[field] == header


def test_explicit_columns_win_and_a_header_is_used_once() -> None:
    headers = ["クラブ名", "名称", "代表者_電話番号"]
    mapping = map_columns(headers, {"name": "クラブ名", "phone": ("連絡先", "代表者_電話番号")})
    assert mapping["name"] == "クラブ名"
    assert mapping["phone"] == "代表者_電話番号"
    assert "名称" not in mapping.values()  # the alias yields to the explicit mapping, never doubles it


def test_header_key_unifies_dash_variants_and_width() -> None:
    assert header_key("メ―ルアドレス") == header_key("メールアドレス") == header_key(" メールアドレス ")


def test_generated_docs_and_table_schema_match_the_committed_files(repo_root: Path) -> None:
    committed_docs = (repo_root / "docs" / "schema.md").read_text(encoding="utf-8")
    assert committed_docs == DOCS_HEADER + docs_table(), "run `python -m schemas.generate` to refresh docs/schema.md"
    committed = json.loads((repo_root / "schemas" / "social_resource.schema.json").read_text(encoding="utf-8"))
    assert committed == table_schema(), "run `python -m schemas.generate` to refresh the Table Schema JSON"


def test_every_form_has_every_field_in_order() -> None:
    assert [f["name"] for f in table_schema()["fields"]] == list(FIELD_NAMES)
    assert [f["name"] for f in table_schema(PUBLIC_FIELDS)["fields"]] == list(PUBLIC_FIELDS)
    assert list(pandera_schema().columns) == list(FIELD_NAMES)
    assert [line.split()[0] for line in duckdb_columns().split(",\n")] == list(FIELD_NAMES)


def test_pandera_schema_reports_every_failure_lazily() -> None:
    import pandera.pandas as pa

    frame = pd.DataFrame(
        {
            "name": ["川越市地域包括支援センター仙波", None],
            "postal_code": ["350-0043", "3500043"],
            "field": ["高齢;障がい", "高齢;宇宙"],
            "lat": [35.9, 135.0],
        }
    )
    with pytest.raises(pa.errors.SchemaErrors) as info:
        pandera_schema(["name", "postal_code", "field", "lat"]).validate(frame, lazy=True)
    failed = set(zip(info.value.failure_cases["column"], info.value.failure_cases["index"], strict=True))
    assert failed == {("name", 1), ("postal_code", 1), ("field", 1), ("lat", 1)}
