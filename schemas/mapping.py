"""Column mapping: a source's headers to common-schema fields, by name through an alias table.

Real files mix 推奨データセット v1 and 自治体標準 v2 headers and variants (``―`` for ``ー``), so
columns are never matched by position.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

from schemas.definition import FIELD_BY_NAME

# schema field -> headers seen in standard layouts and real department lists (first match wins).
ALIASES: dict[str, tuple[str, ...]] = {
    "source_record_id": ("ID", "NO", "No", "番号", "整理番号", "通し番号"),
    "name": (
        "名称",
        "介護サービス事業所名称",
        "事業所名称",
        "事業所名",
        "施設名称",
        "施設名",
        "団体名称",
        "クラブ名",
    ),
    "name_kana": ("名称_カナ", "介護サービス事業所名称_カナ", "フリガナ", "ふりがな", "カナ"),
    "name_en": ("名称_英語",),
    "operator_name": ("法人の名称", "運営団体名", "運営主体", "運営法人", "設置者", "団体名"),
    "corporate_number": ("法人番号",),
    "provider_number": ("事業所番号", "介護保険事業所番号"),
    "postal_code": ("郵便番号", "〒"),
    "address": ("所在地_連結表記", "住所", "所在地"),
    "prefecture": ("所在地_都道府県", "都道府県名", "都道府県"),
    "city": ("所在地_市区町村", "市区町村名"),
    "town": ("所在地_町字",),
    "block": ("所在地_番地以下",),
    "building": ("建物名等(方書)", "方書"),
    "lat": ("緯度",),
    "lon": ("経度",),
    "district": ("日常生活圏域", "圏域", "地区"),
    "area": ("活動地域", "活動区域"),
    "phone": ("電話番号", "電話番号1", "電話", "TEL"),
    "fax": ("FAX番号", "FAX", "ファクス番号"),
    "email": ("メールアドレス", "メールアドレス1", "Eメール", "E-mail"),
    "url": ("URL", "ホームページ"),
    "contact_person": ("担当者", "代表者", "代表者名", "連絡先氏名"),
    "description": ("説明", "概要", "活動内容", "実施サービス"),
    "schedule": ("開催日時", "活動日時", "利用可能曜日"),
    "fee": ("参加費", "費用", "利用料"),
    "eligibility": ("対象者", "対象", "参加条件"),
    "capacity": ("定員",),
    "recruiting": ("参加者募集の有無", "参加者募集", "募集状況"),
    "photo_url": ("画像", "写真"),
    "source_as_of": ("情報時点", "更新日", "最終更新日"),
    "publish": ("掲載希望", "掲載可否"),
    "contact_public": ("連絡先掲載", "連絡先公開"),
}

# Headers of the split 自治体標準 v2 address, joined when no full address column exists.
ADDRESS_PARTS: tuple[str, ...] = ("prefecture", "city", "town", "block")

_DASHES = re.compile("[―—‐‑–－ｰ─]")
_SPACES = re.compile(r"\s+")


def header_key(header: str) -> str:
    """Comparable form of a header: NFKC, no spaces, dash-likes as ``ー``, case-folded."""
    text = unicodedata.normalize("NFKC", str(header))
    text = _DASHES.sub("ー", text)
    return _SPACES.sub("", text).casefold()


def map_columns(headers: Iterable[str], explicit: Mapping[str, str | tuple[str, ...]] | None = None) -> dict[str, str]:
    """Schema field -> source header: explicit config first, then the field's own name, then aliases."""
    by_key: dict[str, str] = {}
    for header in headers:
        by_key.setdefault(header_key(header), header)
    mapping: dict[str, str] = {}
    used: set[str] = set()

    def take(field: str, candidates: Iterable[str]) -> None:
        for candidate in candidates:
            header = by_key.get(header_key(candidate))
            if header is not None and header not in used:
                mapping[field] = header
                used.add(header)
                return

    for field, wanted in (explicit or {}).items():
        take(field, (wanted,) if isinstance(wanted, str) else wanted)
    for field in FIELD_BY_NAME:
        if field not in mapping:
            take(field, (field,))
    for field, aliases in ALIASES.items():
        if field not in mapping:
            take(field, aliases)
    return mapping


def unknown_explicit(
    headers: Iterable[str], explicit: Mapping[str, str | tuple[str, ...]]
) -> dict[str, tuple[str, ...]]:
    """Config ``columns`` entries whose header is not in the file (field -> wanted headers)."""
    keys = {header_key(h) for h in headers}
    missing: dict[str, tuple[str, ...]] = {}
    for field, wanted in explicit.items():
        options = (wanted,) if isinstance(wanted, str) else tuple(wanted)
        if not any(header_key(o) in keys for o in options):
            missing[field] = options
    return missing
