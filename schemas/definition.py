"""The common schema (v1), defined once.

Every other form — the pandera model, the Frictionless Table Schema, the DuckDB DDL and the docs
table — is generated from ``FIELDS`` by ``schemas.generate``; a test fails when one drifts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FieldType = Literal["string", "integer", "number", "boolean", "date", "datetime"]

SCHEMA_VERSION = "1.0"
MULTI_SEPARATOR = ";"

FIELD_VALUES = ("高齢", "障がい", "子ども", "地域", "労働", "教育", "住まい", "その他")
FORMALITY_VALUES = ("formal", "informal")
RECRUITING_VALUES = ("yes", "no", "unknown")
GEOCODE_LEVELS = ("source", "block", "town", "city", "none")


@dataclass(frozen=True)
class SchemaField:
    """One column of the common schema."""

    name: str
    type: FieldType
    ja: str
    en: str
    required: bool = False
    pattern: str | None = None
    enum: tuple[str, ...] | None = None
    multi: bool = False
    private: bool = False
    minimum: float | None = None
    maximum: float | None = None
    example: str | None = None
    stage: Literal["source", "pipeline"] = "source"


FIELDS: tuple[SchemaField, ...] = (
    # identity
    SchemaField(
        "resource_id",
        "string",
        "資源ID",
        "Stable resource identifier assigned by matching.",
        stage="pipeline",
        example="112011-r-3f9a2c41d0",
    ),
    SchemaField(
        "source_id",
        "string",
        "情報源ID",
        "Source (department list) the record came from.",
        required=True,
        stage="pipeline",
        example="care-services",
    ),
    SchemaField(
        "source_record_id",
        "string",
        "情報源内ID",
        "Record id within its source (NO / ID).",
        stage="pipeline",
        example="12",
    ),
    SchemaField(
        "corporate_number",
        "string",
        "法人番号",
        "13-digit corporate number, check digit verified.",
        pattern=r"^\d{13}$",
        example="5030005001234",
    ),
    SchemaField(
        "provider_number",
        "string",
        "事業所番号",
        "Care-insurance or other provider number.",
        pattern=r"^[0-9A-Z]{10}$",
        example="1171200123",
    ),
    # naming
    SchemaField(
        "name",
        "string",
        "名称",
        "Name of the service, facility or group.",
        required=True,
        example="川越市地域包括支援センター仙波",
    ),
    SchemaField("name_kana", "string", "名称_カナ", "Reading of the name in katakana.", example="センバ"),
    SchemaField("name_en", "string", "名称_英語", "Name in English."),
    SchemaField(
        "operator_name",
        "string",
        "運営主体",
        "Operating corporation or group.",
        example="社会福祉法人つなぐ会",
    ),
    # classification
    SchemaField(
        "resource_type",
        "string",
        "資源種別",
        "Kind of resource, e.g. 介護サービス事業所, 老人クラブ.",
        required=True,
        example="介護サービス事業所",
    ),
    SchemaField(
        "field",
        "string",
        "分野",
        "Fields served (multi, ';').",
        required=True,
        multi=True,
        enum=FIELD_VALUES,
        example="高齢",
    ),
    SchemaField(
        "life_scenes",
        "string",
        "生活場面",
        "Life scenes such as 配食, 見守り, 居場所 (multi, ';').",
        multi=True,
        example="居場所;見守り",
    ),
    SchemaField(
        "formality",
        "string",
        "フォーマル区分",
        "formal (制度) or informal (地域の活動).",
        enum=FORMALITY_VALUES,
        example="formal",
    ),
    # place
    SchemaField(
        "postal_code",
        "string",
        "郵便番号",
        "Postal code NNN-NNNN.",
        pattern=r"^\d{3}-\d{4}$",
        example="350-0043",
    ),
    SchemaField("address", "string", "住所", "Normalized full address.", example="埼玉県川越市新富町一丁目3-1"),
    SchemaField("prefecture", "string", "都道府県", "Prefecture.", example="埼玉県"),
    SchemaField("city", "string", "市区町村", "Municipality.", example="川越市"),
    SchemaField("town", "string", "町字", "Town (大字・町丁目) as in the gazetteer.", example="新富町一丁目"),
    SchemaField("block", "string", "番地以下", "Block and house number.", example="3-1"),
    SchemaField("building", "string", "建物名等(方書)", "Building and room.", example="つなぐビル2階"),
    SchemaField(
        "lat",
        "number",
        "緯度",
        "Latitude, WGS84 decimal degrees.",
        minimum=-90,
        maximum=90,
        stage="pipeline",
        example="35.9082",
    ),
    SchemaField(
        "lon",
        "number",
        "経度",
        "Longitude, WGS84 decimal degrees.",
        minimum=-180,
        maximum=180,
        stage="pipeline",
        example="139.4855",
    ),
    SchemaField(
        "geocode_level",
        "string",
        "位置精度",
        "How precise lat/lon is.",
        enum=GEOCODE_LEVELS,
        stage="pipeline",
        example="town",
    ),
    SchemaField("district", "string", "地区", "District (日常生活圏域 / 地区).", example="本庁"),
    SchemaField(
        "area",
        "string",
        "活動地域",
        "Area served, for activities without a fixed place.",
        example="霞ケ関地区",
    ),
    # contact
    SchemaField(
        "phone",
        "string",
        "電話番号",
        "Phone number, hyphenated.",
        pattern=r"^0\d{1,4}-\d{1,4}-\d{3,4}$",
        example="049-224-8811",
    ),
    SchemaField(
        "fax",
        "string",
        "FAX番号",
        "Fax number, hyphenated.",
        pattern=r"^0\d{1,4}-\d{1,4}-\d{3,4}$",
        example="049-224-8812",
    ),
    SchemaField("email", "string", "メールアドレス", "Contact e-mail.", pattern=r"^[^@\s]+@[^@\s]+$"),
    SchemaField("url", "string", "URL", "Web page.", pattern=r"^https?://"),
    SchemaField("sns_url", "string", "SNS", "Social media page.", pattern=r"^https?://"),
    SchemaField(
        "contact_person",
        "string",
        "担当者",
        "Contact person (private: published only with consent).",
        private=True,
    ),
    # activity
    SchemaField("description", "string", "説明", "What the resource offers."),
    SchemaField(
        "schedule",
        "string",
        "開催日時",
        "When it is open or meets (text).",
        example="毎月第2水曜 10:00-12:00",
    ),
    SchemaField("fee", "string", "費用", "Fee (text).", example="100円"),
    SchemaField("eligibility", "string", "対象者", "Who may use it.", example="65歳以上の方"),
    SchemaField("capacity", "integer", "定員", "Capacity (persons).", minimum=0, example="20"),
    SchemaField(
        "recruiting",
        "string",
        "参加者募集",
        "Whether it recruits participants (参加者募集の有無).",
        enum=RECRUITING_VALUES,
        example="yes",
    ),
    SchemaField("recruiting_note", "string", "募集内容", "What or whom it recruits."),
    SchemaField("photo_url", "string", "写真URL", "Photo of the activity.", pattern=r"^https?://"),
    SchemaField("accessibility", "string", "バリアフリー", "Accessibility notes."),
    # time
    SchemaField("source_as_of", "date", "情報時点", "Date the department states for its data."),
    SchemaField("fetched_at", "datetime", "取得日時", "When Tsunagu fetched the source.", stage="pipeline"),
    SchemaField(
        "last_changed_at",
        "datetime",
        "最終変更日時",
        "When the record's content last changed.",
        stage="pipeline",
    ),
    SchemaField(
        "last_verified_at",
        "datetime",
        "最終確認日時",
        "When the department last confirmed it.",
        stage="pipeline",
    ),
    SchemaField("first_seen_at", "datetime", "初回取得日時", "When Tsunagu first saw the resource.", stage="pipeline"),
    # consent
    SchemaField("publish", "boolean", "掲載可否", "掲載希望: the record may be published.", stage="pipeline"),
    SchemaField(
        "contact_public",
        "boolean",
        "連絡先掲載可否",
        "Contact details may be published (always true for formal services).",
        stage="pipeline",
    ),
)

FIELD_BY_NAME: dict[str, SchemaField] = {f.name: f for f in FIELDS}
FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in FIELDS)
CONTACT_FIELDS: tuple[str, ...] = ("phone", "fax", "email", "contact_person")
PUBLIC_FIELDS: tuple[str, ...] = tuple(
    f.name for f in FIELDS if not f.private and f.name not in ("publish", "contact_public")
)
