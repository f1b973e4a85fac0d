"""Value normalizers for what Japanese departments really write: text, kana, dates, phones, codes, flags.

Every normalizer is a pure function of one value. Blank input (None, NaN, empty, whitespace, or only
dashes such as ``-`` / ``－`` / ``ー``) returns None; anything that cannot be read raises ``NormalizeError``
with a short reason saying what is wrong. ``normalize_column`` applies the one registered for a
common-schema field to a whole column, computing each distinct value once.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np
import pandas as pd

from schemas.definition import FIELD_VALUES, FIELDS, MULTI_SEPARATOR
from tsunagu.errors import TsunaguError


class NormalizeError(TsunaguError, ValueError):
    """A value could not be read; the message says what is wrong with it."""


# ---------------------------------------------------------------------------------------------------------
# shared helpers

_DASHES = "-－ー―‐‑‒–—−─━ｰ"
_DASH_TO_HYPHEN = str.maketrans(dict.fromkeys(_DASHES, "-"))
_WHITESPACE = re.compile(r"\s+")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_BRACKETED = re.compile(r"[(\[【〔][^()\[\]【】〔〕]*[)\]】〕]")
_KANJI_DIGITS = {**{char: digit for digit, char in enumerate("〇一二三四五六七八九")}, "零": 0}
_KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}
_KANJI_NUMBER = "[〇零一二三四五六七八九十百千]"
_KANJI_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆]")


def _is_blank(value: object) -> bool:
    """True for None, NaN/NaT/NA, and strings that are empty, whitespace or only dashes."""
    if value is None:
        return True
    if isinstance(value, str):
        stripped = _INVISIBLE.sub("", value).strip()
        return not stripped or all(char in _DASHES for char in stripped)
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _as_str(value: object) -> str:
    """The value as written; Excel floats that hold whole numbers lose their ``.0``."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real) and math.isfinite(value) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _nfkc(value: str) -> str:
    """NFKC, keeping the full-width tilde as the wave dash (NFKC would make it an ASCII ``~``)."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", value.replace("～", "〜")))


def _quote(value: object) -> str:
    """The value as it appears in an error message."""
    return _WHITESPACE.sub(" ", _as_str(value)).strip()


def _kanji_to_int(numeral: str) -> int:
    """A kanji numeral (二十, 三十一, 百二十, 二〇二四, 元) as an int."""
    if numeral == "元":
        return 1
    if not any(char in _KANJI_UNITS for char in numeral):
        return int("".join(str(_KANJI_DIGITS[char]) for char in numeral))
    total, digit = 0, None
    for char in numeral:
        if char in _KANJI_UNITS:
            total += (1 if digit is None else digit) * _KANJI_UNITS[char]
            digit = None
        else:
            digit = _KANJI_DIGITS[char]
    return total + (digit or 0)


def _number(token: str) -> int:
    """An Arabic or kanji numeral as an int."""
    return int(token) if token.isdigit() else _kanji_to_int(token)


# ---------------------------------------------------------------------------------------------------------
# text and kana


def text(value: object) -> str | None:
    """Free text, NFKC-normalized with whitespace collapsed, so equal text compares equal."""
    if _is_blank(value):
        return None
    normalized = _WHITESPACE.sub(" ", _nfkc(_as_str(value))).strip()
    return normalized or None


def kana(value: object) -> str | None:
    """A reading as full-width katakana without spaces, so readings sort and match."""
    normalized = text(value)
    if normalized is None:
        return None
    if _KANJI_CHAR.search(normalized):
        raise NormalizeError(f"reading {normalized} contains kanji; write the reading in katakana")
    katakana = "".join(chr(ord(char) + 0x60) if "ぁ" <= char <= "ゖ" or char in "ゝゞ" else char for char in normalized)
    return katakana.replace(" ", "") or None


# ---------------------------------------------------------------------------------------------------------
# dates

_EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 is 1900-01-01 counting Excel's phantom 1900-02-29
_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_ERA_LETTERS = {"R": "令和", "H": "平成", "S": "昭和", "T": "大正", "M": "明治"}


@dataclass(frozen=True)
class _Era:
    """A Japanese era: its first day, its last day and the last year number accepted as written."""

    name: str
    first: dt.date
    last: dt.date | None
    last_year: int | None


_ERAS = {
    era.name: era
    for era in (
        _Era("明治", dt.date(1868, 1, 1), dt.date(1912, 7, 29), 45),
        _Era("大正", dt.date(1912, 7, 30), dt.date(1926, 12, 24), 15),
        _Era("昭和", dt.date(1926, 12, 25), dt.date(1989, 1, 7), 64),
        # Forms printed before the 2019 era change still say 平成32年 and later (a care provider's six-year
        # designation granted in 平成30年 ends 平成36年3月31日), so 平成 runs on up to 平成36年 (2024).
        _Era("平成", dt.date(1989, 1, 8), None, 36),
        _Era("令和", dt.date(2019, 5, 1), None, None),
    )
}

_ERA_NAME = r"令和|平成|昭和|大正|明治|(?<![A-Za-z])[RHSTM]"
_ERA_YEAR = rf"\d{{1,2}}|元|{_KANJI_NUMBER}{{1,3}}"
_SMALL = rf"\d{{1,2}}|{_KANJI_NUMBER}{{1,3}}"
_WEST_YEAR = r"(?<!\d)\d{4}|[〇一二三四五六七八九]{4}"

# Whole cells (whitespace already removed); month-only forms allowed.
_CELL_DATES = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        rf"(?P<era>{_ERA_NAME})(?P<year>{_ERA_YEAR})年(?P<month>{_SMALL})月(?:(?P<day>{_SMALL})日?)?",
        rf"(?P<era>{_ERA_NAME})(?P<year>\d{{1,2}}|元)(?P<sep>[./-])(?P<month>\d{{1,2}})(?:(?P=sep)(?P<day>\d{{1,2}}))?",
        rf"(?P<year>{_WEST_YEAR})年(?P<month>{_SMALL})月(?:(?P<day>{_SMALL})日?)?",
        r"(?P<year>\d{4})(?P<sep>[./-])(?P<month>\d{1,2})(?:(?P=sep)(?P<day>\d{1,2}))?",
        r"(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})",
    )
)
# Dates inside free text: separator forms need a day, so version numbers and fractions do not match.
_TEXT_DATES = tuple(
    re.compile(pattern)
    for pattern in (
        rf"(?P<era>{_ERA_NAME})\s*(?P<year>{_ERA_YEAR})\s*年\s*(?P<month>{_SMALL})\s*月(?:\s*(?P<day>{_SMALL})\s*日)?",
        rf"(?P<era>{_ERA_NAME})(?P<year>\d{{1,2}}|元)(?P<sep>[./-])(?P<month>\d{{1,2}})(?P=sep)(?P<day>\d{{1,2}})(?!\d)",
        rf"(?P<year>{_WEST_YEAR})\s*年\s*(?P<month>{_SMALL})\s*月(?:\s*(?P<day>{_SMALL})\s*日)?",
        r"(?<![\d.])(?P<year>\d{4})(?P<sep>[./-])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})(?![\d.])",
    )
)
_CELL_NOISE = re.compile(
    r"(?:[T\s]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"  # a time of day
    r"\s*(?:\([月火水木金土日](?:曜日?)?\))?"  # a weekday in brackets
    r"\s*(?:現在|時点)?$"
)
_SERIAL = re.compile(r"\d{1,6}(?:\.\d+)?")


def _ordinal(day: int) -> str:
    """1st, 2nd, 3rd, 4th, …, 11th, 21st."""
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _make_date(raw: str, era_name: str | None, year: int, month: int, day: int | None) -> dt.date:
    """The date a matched (era) year, month and optional day stand for, or NormalizeError saying why not."""
    era = None
    if era_name is not None:
        era = _ERAS[_ERA_LETTERS.get(era_name.upper(), era_name)]
        if year < 1:
            raise NormalizeError(f"impossible date {raw} ({era.name} has no year 0; its first year is 元年)")
        if era.last_year is not None and year > era.last_year:
            raise NormalizeError(
                f"impossible date {raw} ({era.name} ended in {era.name}{era.last_year}年)"
                if era.last is not None
                else f"implausible date {raw} ({era.name} ended in 2019; write the 令和 year)"
            )
        year = era.first.year + year - 1
    if not 1 <= month <= 12:
        raise NormalizeError(f"impossible date {raw} (there is no month {month})")
    if day is not None:
        try:
            date = dt.date(year, month, day)
        except ValueError:
            if day < 1:
                raise NormalizeError(f"impossible date {raw} (there is no day {day})") from None
            name = _MONTH_NAMES[month - 1] + (f" {year}" if month == 2 and day == 29 else "")
            raise NormalizeError(f"impossible date {raw} ({name} has no {_ordinal(day)})") from None
    else:
        try:
            date = dt.date(year, month, 1)
        except ValueError:
            raise NormalizeError(f"impossible date {raw} (year {year} is out of range)") from None
    if era is not None:
        # A month-only date is fine when any day of that month falls inside the era.
        start = era.first.replace(day=1) if day is None else era.first
        if date < start:
            raise NormalizeError(f"impossible date {raw} ({era.name} began on {era.first.isoformat()})")
        if era.last is not None and date > era.last:
            raise NormalizeError(f"impossible date {raw} ({era.name} ended on {era.last.isoformat()})")
    return date


def _date_from_match(match: re.Match[str]) -> dt.date:
    """The date a ``_CELL_DATES`` or ``_TEXT_DATES`` match stands for."""
    groups = match.groupdict()
    day = groups.get("day")
    return _make_date(
        _WHITESPACE.sub("", match.group(0)),
        groups.get("era"),
        _number(groups["year"]),
        _number(groups["month"]),
        None if day is None else _number(day),
    )


def _from_excel_serial(serial: float, raw: str) -> dt.date:
    """The date an Excel serial number stands for (the fraction is the time of day)."""
    whole = math.floor(serial)
    if 19000101 <= whole <= 29991231:  # a yyyymmdd date typed into a number cell
        return _make_date(raw, None, whole // 10000, whole // 100 % 100, whole % 100)
    if not 10000 <= whole <= 99999:
        raise NormalizeError(
            f"{raw} is a number, not a date (Excel serials of dates since 1927 have 5 digits; "
            "write the date like 2024-04-01)"
        )
    return _EXCEL_EPOCH + dt.timedelta(days=whole)


def date_ja(value: object) -> dt.date | None:
    """A date written any way Japanese offices write one (ISO, 和暦, Excel serial), as a ``date``."""
    if _is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, np.datetime64):
        return pd.Timestamp(value).date()
    if isinstance(value, bool):
        raise NormalizeError(f"{value} is not a date")
    if isinstance(value, numbers.Real):
        return _from_excel_serial(float(value), _quote(value))
    raw = _quote(value)
    cleaned = _WHITESPACE.sub("", _CELL_NOISE.sub("", _nfkc(str(value)).strip()))
    if _SERIAL.fullmatch(cleaned):
        if len(cleaned) == 4:
            raise NormalizeError(f"date {raw} has only a year; write at least the year and month")
        return _from_excel_serial(float(cleaned), raw)
    for pattern in _CELL_DATES:
        match = pattern.fullmatch(cleaned)
        if match:
            return _date_from_match(match)
    raise NormalizeError(f"unrecognised date {raw}; write it like 2024-04-01 or 令和6年4月1日")


def find_date_ja(text: str | None) -> dt.date | None:
    """The first date stated inside free text (a title's 〜現在, a page's 最終更新日), or None."""
    if text is None or _is_blank(text):
        return None
    normalized = _nfkc(str(text))
    matches = [match for pattern in _TEXT_DATES if (match := pattern.search(normalized))]
    if not matches:
        return None
    return _date_from_match(min(matches, key=lambda match: (match.start(), -len(match.group(0)))))


# ---------------------------------------------------------------------------------------------------------
# phone numbers
#
# Hyphenation: a domestic number is 0 + area code + exchange + subscriber. Mobile/IP/pager numbers
# (070/080/090/050/020) are 11 digits split 3-4-4; 0800 is 4-3-4; 0120/0570/0990/0180 are 4-3-3.
# Geographic numbers have 10 digits and the subscriber part is always the last four; only the split of
# the first six between area code (2–5 digits) and exchange varies. ``_AREA_CODE_LENGTH`` knows it for
# the 03/06 metros and the whole 04 zone (Saitama, Tokyo's Tama area, Chiba, Kanagawa, 伊豆諸島; from the
# national numbering plan as published in libphonenumber), plus the big cities whose whole prefix is a
# 3-digit code. Elsewhere the split is a guess, so the department's own hyphens are kept when they are
# plausible, and otherwise the number is written 0AB-CDE-FGHJ (3-3-4). Any split dials the same number.

_AREA_CODE_LENGTH: dict[str, int] = {
    "03": 2,
    "06": 2,
    "011": 3,
    "052": 3,
    "075": 3,
    "078": 3,
    "092": 3,
    # 042: Tama 3-digit; 0422 武蔵野・三鷹, 0428 青梅 4-digit; 0420 / 0429 所沢・入間・狭山 2-digit (04-29xx)
    # except 飯能・日高 (042-97x/98x) and 04291.
    "042": 3,
    "0420": 2,
    "0422": 4,
    "0428": 4,
    "04280": 3,
    "04281": 3,
    "04284": 3,
    "04285": 3,
    "04286": 3,
    "0429": 2,
    "04291": 3,
    "04297": 3,
    "04298": 3,
    "043": 3,
    "0436": 4,
    "0438": 4,
    "0439": 4,
    "044": 3,
    "045": 3,
    "046": 4,
    "0462": 3,
    "0464": 3,
    "0468": 3,
    # 047: 柏 04-71xx and 鴨川 04-709x are 2-digit; 館山 0470, 茂原 0475, 成田 0476, … 4-digit.
    "047": 4,
    "04700": 2,
    "04701": 2,
    "04709": 2,
    "0471": 2,
    "0472": 3,
    "0473": 3,
    "0474": 3,
    "0477": 3,
    "048": 3,
    "0480": 4,
    # 049: 川越 area 0492 3-digit; 東松山 0493, 秩父 0494, 本庄 0495 4-digit; 伊豆諸島 5-digit.
    "049": 4,
    "0492": 3,
    "0499": 3,
    "04992": 5,
    "04994": 5,
    "04996": 5,
    "04998": 5,
}
_ELEVEN_DIGIT_PREFIXES = ("070", "080", "090", "050", "020")
_FOUR_THREE_THREE_PREFIXES = ("0120", "0570", "0990", "0180")
_PHONE_LABEL = r"電話番号|携帯電話|電話|携帯|TEL|FAX|ファックス|ファクス|℡|☎"
# "TEL/FAX 049-…", "電話兼FAX：049-…": one number under one or more labels.
_PHONE_LEADING_LABEL = re.compile(rf"^\s*(?:(?:{_PHONE_LABEL})\s*(?:[:./・&]|兼|及び)?\s*)+", re.IGNORECASE)
_PHONE_EXTENSION = re.compile(r"(?:内線|\(内\)|ext\.?|extension)\s*[:.]?\s*\d.*$", re.IGNORECASE)
_PHONE_ANNOTATION = re.compile(r"代表|直通")
_PHONE_ALLOWED = re.compile(r"[\d\-()\s.+]*")
_PHONE_SECOND_NUMBER = re.compile(rf"\d.*(?:{_PHONE_LABEL}|[/、,;・]|又は|または)\s*\(?\d", re.IGNORECASE)


def _area_code_length(digits: str) -> tuple[int, bool]:
    """Length of the area code of a 10-digit geographic number, and whether the table knew it."""
    for size in (5, 4, 3, 2):
        known = _AREA_CODE_LENGTH.get(digits[:size])
        if known is not None:
            return known, True
    return 3, False


def phone(value: object) -> str | None:
    """A Japanese phone number, hyphenated (049-224-8811), so one number is written one way."""
    if _is_blank(value):
        return None
    raw = _quote(value)
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        # A number cell drops the leading 0: 0492248811 arrives as 492248811.
        cleaned = "0" + _as_str(value)
    else:
        cleaned = _nfkc(_as_str(value)).translate(_DASH_TO_HYPHEN)
        cleaned = _BRACKETED.sub(lambda m: m.group(0) if re.search(r"\d", m.group(0)) else " ", cleaned)
        cleaned = _PHONE_EXTENSION.sub("", cleaned)
        cleaned = _PHONE_ANNOTATION.sub(" ", _PHONE_LEADING_LABEL.sub("", cleaned))
        cleaned = cleaned.strip().rstrip("-(:[【 ").strip()
        if not re.search(r"\d", cleaned):
            raise NormalizeError(f"phone {raw} has no digits; leave the cell blank when there is no number")
        if not _PHONE_ALLOWED.fullmatch(cleaned):
            if _PHONE_SECOND_NUMBER.search(cleaned):
                raise NormalizeError(
                    f"phone {raw} holds more than one number; keep the main one (a fax number goes in the fax column)"
                )
            odd = "".join(dict.fromkeys(re.sub(r"[\d\-()\s.+]", "", cleaned)))
            raise NormalizeError(f"phone {raw} contains characters other than digits ({odd})")
        if cleaned.startswith("+81"):
            cleaned = "0" + re.sub(r"^\+81[\s\-]*(?:\(0\))?", "", cleaned).lstrip("0")
    groups = [group for group in re.split(r"[\-()\s.+]+", cleaned) if group]
    digits = "".join(groups)
    expected = "expected 10, or 11 for mobile and IP phones"
    if digits.startswith("00"):
        raise NormalizeError(f"phone {raw} is an international number; write it as a domestic number")
    if not digits.startswith("0") and len(digits) in (9, 10):
        raise NormalizeError(f"phone {raw} does not start with 0 (lost its leading 0? format the column as text)")
    if len(digits) < 10:
        raise NormalizeError(f"phone {raw} has too few digits ({len(digits)}; {expected}, with the area code)")
    if len(digits) > 11:
        raise NormalizeError(f"phone {raw} has too many digits ({len(digits)}; {expected})")
    if not digits.startswith("0"):
        raise NormalizeError(f"phone {raw} does not start with 0")
    if digits.startswith(_ELEVEN_DIGIT_PREFIXES) or digits.startswith("0800"):
        if len(digits) != 11:
            raise NormalizeError(f"phone {raw} has {len(digits)} digits; {digits[:3]} numbers have 11")
        split = (4, 7) if digits.startswith("0800") else (3, 7)
    elif len(digits) != 10:
        raise NormalizeError(f"phone {raw} has too many digits (11; landlines have 10)")
    elif digits.startswith(_FOUR_THREE_THREE_PREFIXES):
        split = (4, 7)
    else:
        area, known = _area_code_length(digits)
        written = [len(group) for group in groups]
        if not known and len(written) == 3 and 2 <= written[0] <= 5 and written[0] + written[1] == 6:
            area = written[0]
        split = (area, 6)
    return f"{digits[: split[0]]}-{digits[split[0] : split[1]]}-{digits[split[1] :]}"


# ---------------------------------------------------------------------------------------------------------
# codes


def postal_code(value: object) -> str | None:
    """A postal code as NNN-NNNN, the form the gazetteer and the open-data standards use."""
    if _is_blank(value):
        return None
    raw = _quote(value)
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        # Number cells drop leading zeros (北海道 codes start with 0).
        cleaned = _as_str(value).zfill(7)
    else:
        cleaned = _nfkc(_as_str(value)).translate(_DASH_TO_HYPHEN)
        cleaned = re.sub(r"^\s*(?:〒|郵便番号)\s*[:.]?", "", cleaned)
        cleaned = _WHITESPACE.sub("", cleaned)
    match = re.fullmatch(r"(\d{3})-?(\d{4})", cleaned)
    if not match:
        raise NormalizeError(f"postal code {raw} is not 7 digits like 350-0043")
    return f"{match.group(1)}-{match.group(2)}"


def _corporate_check_digit(base: str) -> int:
    """国税庁's check digit: 9 − (Σ base digit × weight) mod 9, weights 1, 2, 1, 2, … from the right."""
    total = sum(int(digit) * (1 + position % 2) for position, digit in enumerate(reversed(base)))
    return 9 - total % 9


def corporate_number(value: object) -> str | None:
    """A 13-digit 法人番号 with its check digit verified, so typos do not link the wrong corporation."""
    if _is_blank(value):
        return None
    raw = _quote(value)
    if isinstance(value, bool):
        raise NormalizeError(f"corporate number {raw} is not a number")
    if isinstance(value, numbers.Real):
        if not math.isfinite(value) or not float(value).is_integer():
            raise NormalizeError(f"corporate number {raw} is not a whole number")
        digits = str(int(value))
    else:
        cleaned = _WHITESPACE.sub("", _nfkc(str(value)).translate(_DASH_TO_HYPHEN)).replace("-", "")
        scientific = re.fullmatch(r"(\d)(?:\.(\d*))?[eE]\+?(\d+)", cleaned)
        if scientific and 1 + len(scientific.group(2) or "") < 13:
            raise NormalizeError(
                f"corporate number {raw} was shortened by Excel; format the column as text and re-enter it"
            )
        if scientific or re.fullmatch(r"\d+\.0*", cleaned):
            try:
                digits = str(int(Decimal(cleaned)))
            except (InvalidOperation, ValueError):
                raise NormalizeError(f"corporate number {raw} is not a number") from None
        else:
            digits = cleaned
    if not digits.isdigit():
        raise NormalizeError(f"corporate number {raw} contains characters other than digits")
    if len(digits) != 13:
        raise NormalizeError(f"corporate number {raw} has {len(digits)} digits; a 法人番号 has 13")
    expected = _corporate_check_digit(digits[1:])
    if int(digits[0]) != expected:
        raise NormalizeError(
            f"corporate number {raw} fails its check digit (the first digit should be {expected}); "
            "a digit is probably mistyped"
        )
    return digits


# ---------------------------------------------------------------------------------------------------------
# numbers and flags


def integer(value: object) -> int | None:
    """A count such as a capacity (20, ２０, 20名, 約20人, 20.0) as a non-negative int."""
    if _is_blank(value):
        return None
    raw = _quote(value)
    if isinstance(value, bool):
        raise NormalizeError(f"{raw} is not a number")
    if isinstance(value, numbers.Real):
        if not math.isfinite(value) or not float(value).is_integer():
            raise NormalizeError(f"{raw} is not a whole number")
        found = int(value)
        if found < 0:
            raise NormalizeError(f"{raw} is negative")
        return found
    cleaned = re.sub(r"(?<=\d),(?=\d{3})", "", _nfkc(str(value)))
    tokens = re.findall(r"\d+(?:\.\d+)?", cleaned) or re.findall(f"{_KANJI_NUMBER}+", cleaned)
    if not tokens:
        raise NormalizeError(f"no number in {raw}")
    if len(tokens) > 1:
        raise NormalizeError(f"{raw} holds more than one number ({', '.join(tokens)}); give one whole number")
    if re.search(r"[-−▲△]\s*(?:\d|" + _KANJI_NUMBER + ")", cleaned):
        raise NormalizeError(f"{raw} is negative")
    token = tokens[0]
    if token[0].isdigit():
        number = float(token)
        if not number.is_integer():
            raise NormalizeError(f"{raw} is not a whole number")
        return int(number)
    return _kanji_to_int(token)


def _flag_key(value: object) -> str:
    """A yes/no word reduced to compare: NFKC, lower case, no spaces or trailing full stops."""
    return _WHITESPACE.sub("", _nfkc(_as_str(value))).lower().rstrip("。.")


_RECRUITING_WORDS = {
    "yes": (
        "yes", "y", "true", "1", "有", "有り", "あり", "○", "〇", "◯", "はい", "可",
        "募集中", "募集しています", "募集しております", "参加者募集中", "会員募集中", "随時募集",
        "随時募集中", "募集あり", "募集有", "募集有り", "受付中",
    ),
    "no": (
        "no", "n", "false", "0", "無", "無し", "なし", "×", "✕", "✗", "いいえ", "不可",
        "募集なし", "募集無し", "募集無", "募集していません", "募集しておりません", "募集しない",
        "締切", "締め切り", "終了", "募集終了", "受付終了", "休止", "休止中", "満員",
    ),
    "unknown": ("unknown", "不明", "未定", "要相談", "応相談", "要問合せ", "要問い合わせ"),
}  # fmt: skip
_RECRUITING_EXACT = {_flag_key(word): answer for answer, words in _RECRUITING_WORDS.items() for word in words}
# Markers inside longer notes; the first one written wins ("募集中（定員に達し次第締切）" is yes).
_RECRUITING_MARKERS = (
    ("yes", ("募集中", "募集して(?:い|お)ります", "随時募集", "募集あり", "募集有", "受付中", "歓迎")),
    (
        "no",
        (
            "募集(?:なし|無|停止|終了)", "募集して(?:い|お)りません", "募集していない", "募集しない",
            "締切", "締め切", "〆切", "受付終了", "終了", "休止", "中止", "満員", "定員に達",
        ),
    ),
)  # fmt: skip
_RECRUITING_MARKER = re.compile(
    "|".join(
        f"(?P<{answer}{i}>{marker})" for answer, markers in _RECRUITING_MARKERS for i, marker in enumerate(markers)
    )
)


def recruiting(value: object) -> str | None:
    """参加者募集 as yes / no / unknown, from the marks and phrases departments use."""
    if _is_blank(value):
        return None
    key = _flag_key(value)
    for candidate in (key, _BRACKETED.sub("", key)):
        if candidate in _RECRUITING_EXACT:
            return _RECRUITING_EXACT[candidate]
    match = _RECRUITING_MARKER.search(key)
    if match and match.lastgroup:
        return "yes" if match.lastgroup.startswith("yes") else "no"
    return "unknown"


_CONSENT_WORDS = {
    True: (
        "希望する", "希望", "掲載を希望する", "可", "掲載可", "公開可", "○", "〇", "◯", "はい", "掲載する",
        "公開", "公開する", "同意する", "同意", "要", "yes", "y", "true", "1",
    ),
    False: (
        "希望しない", "掲載を希望しない", "不可", "掲載不可", "公開不可", "×", "✕", "✗", "x", "いいえ",
        "掲載しない", "非公開", "公開しない", "同意しない", "否", "拒否", "no", "n", "false", "0",
    ),
}  # fmt: skip
_CONSENT_EXACT = {_flag_key(word): answer for answer, words in _CONSENT_WORDS.items() for word in words}


def consent(value: object) -> bool | None:
    """掲載希望 (may this be published?) as a bool; anything unclear is an error, never a guess."""
    if _is_blank(value):
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, numbers.Real) and value in (0, 1):
        return bool(value)
    key = _flag_key(value)
    for candidate in (key, _BRACKETED.sub("", key)):
        if candidate in _CONSENT_EXACT:
            return _CONSENT_EXACT[candidate]
    raise NormalizeError(f"consent {_quote(value)} is unclear; write 可 or 不可 (○/×, はい/いいえ also work)")


# ---------------------------------------------------------------------------------------------------------
# web and mail


def url(value: object) -> str | None:
    """A web address with an http(s) scheme, so it can be linked as is."""
    normalized = text(value)
    if normalized is None:
        return None
    normalized = normalized.strip("<>\"'「」").rstrip("。、")
    if " " in normalized:
        raise NormalizeError(f"url {normalized} contains spaces")
    if normalized.lower().startswith("www."):
        normalized = "https://" + normalized
    match = re.match(r"(https?)://", normalized, re.IGNORECASE)
    if not match:
        raise NormalizeError(f"url {normalized} does not start with http:// or https://")
    normalized = match.group(1).lower() + normalized[len(match.group(1)) :]
    host = normalized[match.end() :].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if "." not in host.strip(".") or ".." in host:
        raise NormalizeError(f"url {normalized} has no valid host name")
    return normalized


def email(value: object) -> str | None:
    """An e-mail address (全角 ＠ and mailto: handled) with its domain in lower case."""
    normalized = text(value)
    if normalized is None:
        return None
    normalized = re.sub(r"^mailto:", "", normalized, flags=re.IGNORECASE)
    normalized = re.sub(r"\s*[\[(]at[\])]\s*", "@", normalized, flags=re.IGNORECASE).strip()
    if normalized.count("@") != 1:
        raise NormalizeError(f"email {normalized} must contain exactly one @")
    local, domain = normalized.split("@")
    labels = domain.split(".")
    if not local or " " in normalized or len(labels) < 2 or not all(labels):
        raise NormalizeError(f"email {normalized} is not shaped like name@example.jp")
    return f"{local}@{domain.lower()}"


# ---------------------------------------------------------------------------------------------------------
# multi-valued cells

_MULTI_SPLIT = re.compile(r"[;、,・/\n\r]+")


def _vocabulary_lookup(vocabulary: Mapping[str, str]) -> dict[str, str]:
    """The vocabulary keyed by normalized text, canonical values mapping to themselves."""
    lookup = {key: key for key in (text(canonical) for canonical in vocabulary.values()) if key}
    lookup.update({key: canonical for word, canonical in vocabulary.items() if (key := text(word))})
    return lookup


def _multi(value: object, lookup: Mapping[str, str] | None, allowed: Iterable[str]) -> str | None:
    """``multi`` with a prepared lookup."""
    if _is_blank(value):
        return None
    parts = [_WHITESPACE.sub(" ", part).strip() for part in _MULTI_SPLIT.split(_nfkc(_as_str(value)))]
    parts = [part for part in parts if part and not _is_blank(part)]
    if lookup is not None:
        unknown = [part for part in parts if part not in lookup]
        if unknown:
            raise NormalizeError(
                f"unknown value{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} (allowed: {', '.join(allowed)})"
            )
        parts = [lookup[part] for part in parts]
    return MULTI_SEPARATOR.join(dict.fromkeys(parts)) or None


def multi(value: object, vocabulary: Mapping[str, str] | None = None) -> str | None:
    """A multi-valued cell split on the usual separators (、・／; …), deduplicated, joined with ';'."""
    if vocabulary is None:
        return _multi(value, None, ())
    return _multi(value, _vocabulary_lookup(vocabulary), dict.fromkeys(vocabulary.values()))


FIELD_SYNONYMS: dict[str, str] = {
    "高齢者": "高齢",
    "介護": "高齢",
    "高齢者福祉": "高齢",
    "障害": "障がい",
    "障害者": "障がい",
    "障がい者": "障がい",
    "障碍": "障がい",
    "障碍者": "障がい",
    "障害福祉": "障がい",
    "児童": "子ども",
    "子育て": "子ども",
    "子育て支援": "子ども",
    "こども": "子ども",
    "子供": "子ども",
    "児童福祉": "子ども",
    "地域福祉": "地域",
    "まちづくり": "地域",
    "就労": "労働",
    "学習": "教育",
    "住宅": "住まい",
    **{value: value for value in FIELD_VALUES},
}
_FIELD_LOOKUP = _vocabulary_lookup(FIELD_SYNONYMS)


def field_values(value: object) -> str | None:
    """分野 mapped to the schema's field vocabulary (障害者 → 障がい, 子育て → 子ども, …)."""
    return _multi(value, _FIELD_LOOKUP, FIELD_VALUES)


# ---------------------------------------------------------------------------------------------------------
# columns

Normalizer = Callable[[Any], Any]

NORMALIZERS: dict[str, Normalizer] = {
    **{field.name: text for field in FIELDS if field.type == "string"},
    "name_kana": kana,
    "source_as_of": date_ja,
    "phone": phone,
    "fax": phone,
    "postal_code": postal_code,
    "corporate_number": corporate_number,
    "capacity": integer,
    "recruiting": recruiting,
    "publish": consent,
    "contact_public": consent,
    "url": url,
    "sns_url": url,
    "photo_url": url,
    "email": email,
    "field": field_values,
    "life_scenes": multi,
}


def normalize_column(field_name: str, values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A column normalized for a common-schema field, and the error message (or None) of each value."""
    normalizer = NORMALIZERS.get(field_name, text)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    # One extra slot at the end, which code -1 (a missing value) picks: None, no error.
    results = np.full(len(uniques) + 1, None, dtype=object)
    errors = np.full(len(uniques) + 1, None, dtype=object)
    for position, unique in enumerate(uniques):
        try:
            results[position] = normalizer(unique)
        except NormalizeError as error:
            errors[position] = str(error)
    return (
        pd.Series(results[codes], index=values.index, name=values.name, dtype=object),
        pd.Series(errors[codes], index=values.index, name=values.name, dtype=object),
    )
