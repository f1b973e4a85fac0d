"""Small realistic inputs for the exports: Kawagoe resources and the freshness of their sources."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import pandas as pd
import pytest

from schemas.definition import FIELD_NAMES

MUNICIPALITY = {"code": "112011", "name": "川越市", "prefecture": "埼玉県"}
AS_OF = datetime(2024, 6, 1, 0, 0, tzinfo=UTC)


def _resource(**values: Any) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(FIELD_NAMES)
    row.update(
        prefecture="埼玉県",
        city="川越市",
        fetched_at=pd.Timestamp("2024-05-31T21:00:00Z"),
        last_changed_at=pd.Timestamp("2024-05-01T00:00:00Z"),
        first_seen_at=pd.Timestamp("2024-01-10T00:00:00Z"),
        publish=True,
        contact_public=True,
    )
    row.update(values)
    return row


def resources_frame() -> pd.DataFrame:
    """Five resources: two care services, a salon without coordinates whose contacts are private,
    one withheld (no consent), and a children's cafeteria serving two fields."""
    rows = [
        _resource(
            resource_id="112011-r-0000000002",
            source_id="care-services",
            source_record_id="2",
            provider_number="1171200456",
            name="デイサービス仙波の杜",
            name_kana="デイサービスセンバノモリ",
            operator_name="社会福祉法人つなぐ会",
            resource_type="介護サービス事業所",
            field="高齢;障がい",
            formality="formal",
            postal_code="350-0036",
            address="埼玉県川越市小仙波町二丁目5番地10",
            town="小仙波町二丁目",
            block="5-10",
            lat=35.9150,
            lon=139.4920,
            geocode_level="block",
            phone="049-222-1234",
            description="通所介護",
            capacity=30.0,
            source_as_of=date(2024, 4, 1),
        ),
        _resource(
            resource_id="112011-r-0000000001",
            source_id="care-services",
            source_record_id="1",
            corporate_number="3030005001234",
            provider_number="1171200123",
            name="ケアセンターつなぐ川越",
            name_kana="ケアセンターツナグカワゴエ",
            operator_name="株式会社つなぐ",
            resource_type="介護サービス事業所",
            field="高齢",
            formality="formal",
            postal_code="350-0043",
            address="埼玉県川越市新富町一丁目3番地1",
            town="新富町一丁目",
            block="3-1",
            building="つなぐビル2階",
            lat=35.9082,
            lon=139.4855,
            geocode_level="source",
            phone="049-224-8811",
            fax="049-224-8812",
            url="https://example.invalid/care",
            description="訪問介護",
            schedule="月〜金 9:00-18:00",
            capacity=20.0,
            source_as_of=date(2024, 4, 1),
            last_verified_at=pd.Timestamp("2024-04-02T01:30:00Z"),
        ),
        _resource(
            resource_id="112011-r-0000000003",
            source_id="salons",
            source_record_id="7",
            name="ふれあいサロン霞ケ関",
            resource_type="通いの場",
            field="高齢;地域",
            life_scenes="居場所;見守り",
            formality="informal",
            area="霞ケ関地区",
            district="霞ケ関",
            phone="049-231-0000",
            contact_person="川越 花子",
            schedule="毎月第2水曜 10:00-12:00",
            fee="100円",
            recruiting="yes",
            capacity=np.nan,
            contact_public=False,
        ),
        _resource(
            resource_id="112011-r-0000000004",
            source_id="salons",
            source_record_id="8",
            name="見守りボランティア（非公開）",
            resource_type="見守り活動",
            field="地域",
            formality="informal",
            area="名細地区",
            phone="049-239-9999",
            publish=False,
        ),
        _resource(
            resource_id="112011-r-0000000005",
            source_id="kodomo-shokudo",
            source_record_id="K-1",
            name="かわごえ子ども食堂",
            resource_type="子ども食堂",
            field="子ども;地域",
            life_scenes=["居場所", "学習支援"],
            formality="informal",
            postal_code="350-1123",
            address="埼玉県川越市脇田本町8番地1",
            lat=35.9070,
            lon=139.4830,
            geocode_level="town",
            email="shokudo@example.invalid",
            capacity=15.0,
            recruiting="unknown",
        ),
    ]
    return pd.DataFrame(rows, columns=list(FIELD_NAMES)).assign(extra_column="ignored")


def sources_frame() -> pd.DataFrame:
    """Freshness inputs for three sources of two departments."""
    base = {
        "cadence_days": 30,
        "overdue_days": 44,
        "delinquent_days": 60,
        "last_attempt_at": pd.Timestamp("2024-05-31T21:00:00Z"),
        "last_attempt_ok": True,
        "last_error": None,
        "nothing_yet": False,
        "quarantined": 0,
    }
    rows = [
        {
            **base,
            "department_id": "kaigo-hoken",
            "department_name": "介護保険課",
            "contact_email": "kaigo@example.invalid",
            "source_id": "care-services",
            "kind": "csv",
            "location": "demo/kaigo/care_services.csv",
            "last_changed_at": pd.Timestamp("2024-05-20T00:00:00Z"),
            "last_success_at": pd.Timestamp("2024-05-31T21:00:00Z"),
            "records": 2,
            "quarantined": 1,
        },
        {
            **base,
            "department_id": "chiiki-fukushi",
            "department_name": "地域福祉課",
            "contact_email": "chiiki@example.invalid",
            "source_id": "salons",
            "kind": "excel",
            "location": "demo/chiiki/salons.xlsx",
            "last_changed_at": pd.Timestamp("2024-04-10T00:00:00Z"),
            "last_success_at": pd.Timestamp("2024-05-31T21:00:00Z"),
            "records": 2,
        },
        {
            **base,
            "department_id": "chiiki-fukushi",
            "department_name": "地域福祉課",
            "contact_email": "chiiki@example.invalid",
            "source_id": "kodomo-shokudo",
            "kind": "inbox",
            "location": "inbox/kodomo-shokudo/",
            "last_changed_at": pd.NaT,
            "last_success_at": pd.NaT,
            "last_attempt_ok": None,
            "nothing_yet": True,
            "records": 0,
        },
    ]
    frame = pd.DataFrame(rows)
    for column in ("last_changed_at", "last_success_at", "last_attempt_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame


def quarantine_frame() -> pd.DataFrame:
    """Two held-back rows, one of them a private phone number."""
    return pd.DataFrame(
        {
            "department_id": ["kaigo-hoken", "chiiki-fukushi"],
            "source_id": ["care-services", "salons"],
            "row": [14, 5],
            "column": ["postal_code", "phone"],
            "rule": ["pattern", "pattern"],
            "message": ["郵便番号は NNN-NNNN で書いてください", "電話番号の形式が違います"],
            "value": ["3500043", "0492-99"],
        }
    )


@pytest.fixture
def resources() -> pd.DataFrame:
    """A fresh copy of the resources frame."""
    return resources_frame()


@pytest.fixture
def sources() -> pd.DataFrame:
    """A fresh copy of the freshness inputs."""
    return sources_frame()
