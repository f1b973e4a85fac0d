"""Exact match keys: the spelling variants of one name, place or phone collapse to one string.

Normalization runs once per distinct value (cached), so a city's thousands of rows cost only as much as
their distinct spellings. Decisions:

- Corporate-form marks become one short token each and stay where they were written (前株 and 後株
  are different registered names): 株式会社 / ㈱ / (株) / （株） → 株, 有限会社 / ㈲ → 有,
  社会福祉法人 / (福) → 福, 特定非営利活動法人 / NPO法人 / (特非) → npo, and likewise for 合同会社,
  医療法人, 一般・公益 社団・財団法人 and 学校法人.
- A dash between two kana is a long-vowel mark typed with the wrong key (サ-ビス → サービス); any other dash,
  whitespace (U+3000 included), punctuation or symbol is dropped. ー itself is a letter and is kept.
- Hiragana becomes katakana, and the small ヶ / ヵ become ケ / カ (霞ヶ関 = 霞ケ関). 霞が関 stays different:
  が is also an ordinary particle, and guessing would merge names that are not the same.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

import numpy as np
import pandas as pd

from tsunagu.errors import TsunaguError


class MatchInputError(TsunaguError):
    """The records given to matching lack a column it needs; the message names the column."""


def require_columns(records: pd.DataFrame, names: tuple[str, ...], *, where: str) -> None:
    """Fail early, naming the missing columns, instead of matching on silently empty keys."""
    missing = [n for n in names if n not in records.columns]
    if missing:
        raise MatchInputError(
            f"{where}: missing column(s) {', '.join(missing)}; "
            f"present: {', '.join(map(str, records.columns)) or '(none)'}. "
            "Add them (common-schema names) before matching."
        )


_DASHES = "-‐‑‒–—―−─━"
_KANA = "ぁ-ゖァ-ヺー"
_KANA_DASH = re.compile(f"(?<=[{_KANA}])[{_DASHES}](?=[{_KANA}])")
_WHITESPACE = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[\W_]+")

# Longest spellings first so that 医療法人社団 is not read as 医療法人 + 社団.
_CORPORATE_FORMS: tuple[tuple[str, str], ...] = (
    ("特定非営利活動法人", "npo"),
    ("npo法人", "npo"),
    ("(特非)", "npo"),
    ("(npo)", "npo"),
    ("社会福祉法人", "福"),
    ("(社福)", "福"),
    ("(福)", "福"),
    ("株式会社", "株"),
    ("(株)", "株"),
    ("有限会社", "有"),
    ("(有)", "有"),
    ("合同会社", "同"),
    ("(同)", "同"),
    ("医療法人社団", "医"),
    ("医療法人財団", "医"),
    ("医療法人", "医"),
    ("(医)", "医"),
    ("一般社団法人", "一社"),
    ("(一社)", "一社"),
    ("公益社団法人", "公社"),
    ("(公社)", "公社"),
    ("一般財団法人", "一財"),
    ("(一財)", "一財"),
    ("公益財団法人", "公財"),
    ("(公財)", "公財"),
    ("学校法人", "学"),
    ("(学)", "学"),
)
_CORPORATE = re.compile("|".join(re.escape(form) for form, _ in _CORPORATE_FORMS))
_CORPORATE_TOKEN = dict(_CORPORATE_FORMS)

_KANA_FOLD = {code: code + 0x60 for code in range(ord("ぁ"), ord("ゖ") + 1)} | {
    ord("ゝ"): ord("ヽ"),
    ord("ゞ"): ord("ヾ"),
    ord("ゕ"): ord("カ"),
    ord("ゖ"): ord("ケ"),
    ord("ヵ"): ord("カ"),
    ord("ヶ"): ord("ケ"),
}
_SMALL_KE = str.maketrans({"ヶ": "ケ", "ヵ": "カ", "ゖ": "ケ", "ゕ": "カ"})
_ADDRESS_DASH = re.compile(f"[{_DASHES}]|番地|番|号|の")
_DASH_RUN = re.compile("-+")


@lru_cache(maxsize=1 << 18)
def normalize_name(text: str) -> str:
    """One spelling for the many ways a department may type the same name."""
    value = unicodedata.normalize("NFKC", text).lower()
    value = _WHITESPACE.sub("", value)
    value = _CORPORATE.sub(lambda m: _CORPORATE_TOKEN[m.group(0)], value)
    value = _KANA_DASH.sub("ー", value)
    value = _NOT_WORD.sub("", value)
    return value.translate(_KANA_FOLD)


@lru_cache(maxsize=1 << 16)
def normalize_town(text: str) -> str:
    """Gazetteer town names are already canonical; only width, spaces and ヶ/ケ can still differ."""
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", text)).translate(_SMALL_KE)


@lru_cache(maxsize=1 << 18)
def normalize_block(text: str) -> str:
    """3番地1, 3-1 and ３－１ are the same block and house number."""
    value = _WHITESPACE.sub("", unicodedata.normalize("NFKC", text))
    return _DASH_RUN.sub("-", _ADDRESS_DASH.sub("-", value)).strip("-")


@lru_cache(maxsize=1 << 18)
def normalize_address(text: str) -> str:
    """A fallback place key when geocoding found no town: same spelling rules as a block."""
    value = _WHITESPACE.sub("", unicodedata.normalize("NFKC", text)).lower().translate(_SMALL_KE)
    return _DASH_RUN.sub("-", _ADDRESS_DASH.sub("-", value)).strip("-")


def map_distinct(series: pd.Series, func: Callable[[str], str]) -> pd.Series:
    """Apply ``func`` once per distinct value, so cost follows distinct spellings, not rows."""
    values = series.astype(object).where(series.notna(), None)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    mapped = [_blank_to_none(func(u) if isinstance(u, str) else None) for u in uniques]
    lookup = np.array([*mapped, None], dtype=object)
    return pd.Series(lookup[codes], index=series.index, dtype=object)


def _blank_to_none(value: str | None) -> str | None:
    return value if value else None


def name_key(series: pd.Series) -> pd.Series:
    """Names that differ only in width, spacing, punctuation, kana script or corporate marks share a key."""
    return map_distinct(series, normalize_name)


def town_key(series: pd.Series) -> pd.Series:
    """The geocoded town, with width and ヶ/ケ variants unified."""
    return map_distinct(series, normalize_town)


def place_key(records: pd.DataFrame) -> pd.Series:
    """Where the record is: town and block when geocoding found the town, else the normalized address."""
    town = town_key(column(records, "town"))
    block = map_distinct(column(records, "block"), normalize_block)
    address = map_distinct(column(records, "address"), normalize_address)
    out = address.copy()
    has_town = town.notna()
    out[has_town] = town[has_town]
    both = has_town & block.notna()
    out[both] = town[both] + "|" + block[both]
    return out


def phone_key(series: pd.Series) -> pd.Series:
    """Digits only, so 049-224-8811, 049(224)8811 and ０４９２２４８８１１ agree."""
    return map_distinct(series, lambda text: re.sub(r"\D", "", unicodedata.normalize("NFKC", text)))


def code_key(series: pd.Series) -> pd.Series:
    """Corporate and provider numbers as upper-case letters and digits only."""
    return map_distinct(series, lambda text: _NOT_WORD.sub("", unicodedata.normalize("NFKC", text)).upper())


def column(records: pd.DataFrame, name: str) -> pd.Series:
    """A column, or all-None when an input (such as a bare CSV for ``tsunagu match``) lacks it."""
    if name in records.columns:
        return records[name]
    return pd.Series([None] * len(records), index=records.index, dtype=object)
