"""Japanese address normalization and splitting, as pure functions over strings.

Departments write the same place many ways (全角 digits, `1丁目` / `一丁目` / `1-`, `番地` / `番` / `号`,
with or without `大字`, 霞ケ関 / 霞ヶ関). Normalization removes the notation noise that never carries
meaning; spelling variants of place names are only reconciled at lookup time against the gazetteer's
own spelling, so the text a department wrote is never rewritten into a guess.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "AddressParts",
    "TownIndex",
    "arabic_to_kanji",
    "city_forms",
    "kanji_to_int",
    "normalize_address",
    "split_address",
]

_KANJI_DIGITS = "〇一二三四五六七八九"
_KANJI_NUMBER = "〇一二三四五六七八九十百千"
_KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}

# Dashes that never occur inside a place name become '-' anywhere; the long-vowel mark and wave dashes
# are part of katakana words (センター) and only mean '-' between digits.
_DASHES = re.compile(r"[‐‑‒–—―−⁃﹘﹣]")
_DASH_BETWEEN_DIGITS = re.compile(r"(?<=\d)[ーｰ〜~](?=\d)")
_SPACES = re.compile(r"\s+")
_CHOME_DIGITS = re.compile(r"(\d+)丁目")
_BANCHI_LINK = re.compile(r"(?<=\d)(?:番地の?|番の?|の)(?=\d)")
# 号 closes the house number: digits after it are a room (3番1号201号室), so they are kept apart.
_GO_THEN_DIGIT = re.compile(r"(?<=\d)号(?=\d)")
_TRAILING_BANCHI = re.compile(r"(?<=\d)(?:番地|番|号)(?![\d室館棟])")
_POSTAL = re.compile(r"^(?:〒\s*\d{3}-?\d{4}|\d{3}-\d{4}(?![\d-]))\s*")
_PREFECTURE = re.compile(r"^(東京都|北海道|(?:京都|大阪)府|.{2,3}県)")
_OTHER_CITY = re.compile(r"^(.{1,4}?郡.{1,5}?[町村]|.{1,5}?市(?:.{1,3}?区)?|.{1,4}?区)")
_GUN = re.compile(r"^.+?郡")
_BLOCK_NUMBER = re.compile(rf"\d+|[{_KANJI_NUMBER}]+(?=番|号|の|-)")
_BLOCK_TAIL_KANJI = re.compile(rf"[{_KANJI_NUMBER}]+$")
_BLOCK_SEPARATOR = re.compile(r"番地の?|番の?|号|の|-")
_CHOME_TOWN = re.compile(rf"^(.+?)([{_KANJI_NUMBER}]+)丁目$")
_LEADING_DIGITS = re.compile(r"\d+")
_LEADING_SEPARATOR = re.compile(r"^(?:-+|の(?=\d))")
_ROOM_SUFFIXES = ("室", "館", "棟")
_BANCHI_MARKS = ("番", "号")
_CHOME_AFTER = re.compile(rf"[{_KANJI_NUMBER}]+丁目")
_NO_OAZA = ("（大字なし）", "(大字なし)")

# Spellings that differ only in these characters name the same place (霞ケ関/霞ヶ関/霞が関, 八ツ島/八つ島,
# 澤/沢). Every mapping is one character to one, so a key has the length of its text.
_VARIANTS = str.maketrans(
    {
        "ヶ": "ケ",
        "ヵ": "ケ",
        "が": "ケ",
        "ガ": "ケ",
        "つ": "ツ",
        "の": "ノ",
        "之": "ノ",
        "澤": "沢",
        "邊": "辺",
        "邉": "辺",
        "嶋": "島",
        "嶌": "島",
        "﨑": "崎",
        "檮": "梼",
        "冨": "富",
        "濱": "浜",
        "舘": "館",
    }
)


@dataclass(frozen=True)
class AddressParts:
    """An address split at the gazetteer's town; parts not found are None.

    ``unmatched`` is the text after the prefecture and city when no town matched, for the reason shown
    to the department.
    """

    prefecture: str | None
    city: str | None
    town: str | None
    block: str | None
    building: str | None
    normalized: str | None
    unmatched: str | None = None


def kanji_to_int(text: str) -> int | None:
    """The value of a kanji numeral written either positionally (一二〇) or with units (百二十三)."""
    if not text or any(c not in _KANJI_NUMBER for c in text):
        return None
    if not any(c in _KANJI_UNITS for c in text):
        return int("".join(str(_KANJI_DIGITS.index(c)) for c in text))
    total, digit = 0, None
    for char in text:
        if char in _KANJI_UNITS:
            total += (digit if digit is not None else 1) * _KANJI_UNITS[char]
            digit = None
        else:
            digit = _KANJI_DIGITS.index(char)
    return total + (digit or 0)


def arabic_to_kanji(number: int) -> str:
    """The kanji numeral used in town names (1 → 一, 10 → 十, 23 → 二十三), as the gazetteer writes 丁目."""
    if number <= 0:
        return "〇"
    out = []
    for unit, value in (("千", 1000), ("百", 100), ("十", 10)):
        count, number = divmod(number, value)
        if count:
            out.append(("" if count == 1 else _KANJI_DIGITS[count]) + unit)
    if number:
        out.append(_KANJI_DIGITS[number])
    return "".join(out)


def _variant_key(text: str) -> str:
    return text.translate(_VARIANTS)


def normalize_address(text: str | None) -> str | None:
    """Remove notation noise (width, dashes, spaces, 丁目 digits, 番地/号) so equal addresses are equal."""
    out = _normalize_notation(text)
    if out is None:
        return None
    out = _BANCHI_LINK.sub("-", out)
    out = _GO_THEN_DIGIT.sub(" ", out)
    out = _TRAILING_BANCHI.sub("", out)
    return out or None


def _normalize_notation(text: str | None) -> str | None:
    """Width, dashes, spaces and 丁目 digits only: 番地/番/号 stay, as they tell 地番 from 丁目."""
    if text is None or not isinstance(text, str):
        return None
    out = unicodedata.normalize("NFKC", text).strip()
    if not out:
        return None
    out = _DASHES.sub("-", out)
    # A space between two numbers separates a house number from a room; elsewhere spaces are layout.
    out = _SPACES.sub(lambda m: " " if _between_digits(out, m.start(), m.end()) else "", out)
    out = _DASH_BETWEEN_DIGITS.sub("-", out)
    out = _CHOME_DIGITS.sub(lambda m: arabic_to_kanji(int(m.group(1))) + "丁目", out)
    return out or None


def _between_digits(text: str, start: int, end: int) -> bool:
    return start > 0 and end < len(text) and text[start - 1].isdigit() and text[end].isdigit()


@dataclass(frozen=True)
class _Candidate:
    town: str
    name_length: int
    written_as_is: bool
    chome: bool
    exact: bool
    consumed: int


class TownIndex:
    """Lookup tables over a municipality's town names, built once and reused for every address."""

    def __init__(self, towns: Sequence[str]) -> None:
        self.towns: tuple[str, ...] = tuple(dict.fromkeys(towns))
        self._as_written: dict[str, str] = {}
        self._oaza_toggled: dict[str, str] = {}
        self._chome: dict[str, dict[int, str]] = {}
        # Geolonia's pseudo-town for places addressed by number alone (本庄市1234).
        self._no_oaza = next((t for t in self.towns if t in _NO_OAZA), None)
        for town in self.towns:
            self._as_written.setdefault(_variant_key(town), town)
            other = town[2:] if town.startswith("大字") else "大字" + town
            self._oaza_toggled.setdefault(_variant_key(other), town)
            match = _CHOME_TOWN.match(town)
            number = kanji_to_int(match.group(2)) if match else None
            if match and number:
                self._chome.setdefault(_variant_key(match.group(1)), {}).setdefault(number, town)
        self._exact = frozenset(self.towns)
        keys = [*self._as_written, *self._oaza_toggled, *self._chome]
        self._longest = max((len(k) for k in keys), default=0)

    def match(self, text: str) -> tuple[str, int] | None:
        """The town that ``text`` starts with and the characters it covers, or None.

        The longest town name wins; on a tie a name written as the gazetteer writes it beats one with
        `大字` added or dropped, and a 丁目 read from a leading number (新富町1-3-1) beats a plain town.
        """
        key = _variant_key(text)
        candidates: list[_Candidate] = []
        for length in range(min(self._longest, len(key)), 0, -1):
            prefix = key[:length]
            if _CHOME_AFTER.match(text, length):
                # 的場三丁目 when the gazetteer has no such 丁目 is not 大字的場: say the town is unknown.
                continue
            if prefix in self._as_written:
                town = self._as_written[prefix]
                exact = text[:length] == town
                if not exact and text[:length] in self._exact:
                    town, exact = text[:length], True
                candidates.append(_Candidate(town, length, True, False, exact, length))
            if prefix in self._oaza_toggled:
                candidates.append(_Candidate(self._oaza_toggled[prefix], length, False, False, False, length))
            if prefix in self._chome:
                digits = _LEADING_DIGITS.match(text, length)
                # 南大塚3番地1 is a 地番 in 大字南大塚; only 南大塚3-1 reads the 3 as 三丁目.
                if digits and text.startswith(_BANCHI_MARKS, digits.end()):
                    digits = None
                town = self._chome[prefix].get(int(digits.group())) if digits else None
                if digits and town:
                    candidates.append(_Candidate(town, length, True, True, False, digits.end()))
        if not candidates:
            return (self._no_oaza, 0) if self._no_oaza and text[:1].isdigit() else None
        best = max(candidates, key=lambda c: (c.name_length, c.written_as_is, c.chome, c.exact))
        return best.town, best.consumed


@lru_cache(maxsize=64)
def _index_for(towns: tuple[str, ...]) -> TownIndex:
    return TownIndex(towns)


def _split_block(rest: str) -> tuple[str | None, str | None]:
    """Read the house number (digits, or kanji numerals before 番/号) and leave the rest as building."""
    numbers: list[str] = []
    pos = 0
    while True:
        number = _BLOCK_NUMBER.match(rest, pos)
        if number is None and numbers:
            number = _BLOCK_TAIL_KANJI.match(rest, pos)
        if number is None:
            break
        text = number.group()
        numbers.append(text if text.isdigit() else str(kanji_to_int(text)))
        pos = number.end()
        separator = _BLOCK_SEPARATOR.match(rest, pos)
        if separator is None:
            break
        after = separator.end()
        if rest.startswith(_ROOM_SUFFIXES, after):
            # 201号室 names a room, not a house number.
            numbers.pop()
            pos = number.start()
            break
        continues = _BLOCK_NUMBER.match(rest, after) or _BLOCK_TAIL_KANJI.match(rest, after)
        if separator.group() != "号" and continues:
            pos = after
            continue
        if separator.group() != "-":
            pos = after
        break
    block = "-".join(numbers) or None
    building = rest[pos:].lstrip("- ") or None
    return block, building


def city_forms(city: str) -> list[str]:
    """How a municipality may be written: in full, without its 郡, or a designated city's ward alone."""
    forms = [city]
    without_gun = _GUN.sub("", city)
    if without_gun != city:
        forms.append(without_gun)
    if "市" in city[:-1] and city.endswith("区"):
        forms.append(city.split("市", 1)[1])
    return sorted(set(forms), key=len, reverse=True)


def split_address(
    text: str | None,
    towns: Sequence[str] | TownIndex,
    *,
    prefecture: str,
    city: str,
) -> AddressParts:
    """Split an address of ``prefecture`` ``city`` into prefecture, city, gazetteer town, block and building.

    A leading postal code, prefecture and city are optional. When no town matches, ``town`` is None and
    ``city``/``prefecture`` say what was written, so a caller can tell another municipality from an
    unknown town.
    """
    normalized = normalize_address(text)
    if normalized is None:
        return AddressParts(None, None, None, None, None, None)
    index = towns if isinstance(towns, TownIndex) else _index_for(tuple(towns))
    rest = _POSTAL.sub("", _normalize_notation(text) or "")

    # 鶴ケ島市 and 鶴ヶ島市 are one city: compare names by their variant keys (same length as the text).
    rest_key = _variant_key(rest)
    written_prefecture: str | None = None
    if rest.startswith(prefecture):
        written_prefecture, rest, rest_key = prefecture, rest[len(prefecture) :], rest_key[len(prefecture) :]
    else:
        other = _PREFECTURE.match(rest)
        if other and not any(rest_key.startswith(_variant_key(form)) for form in city_forms(city)):
            return AddressParts(other.group(1), None, None, None, None, normalized)

    written_city: str | None = None
    for form in city_forms(city):
        if rest_key.startswith(_variant_key(form)):
            written_city, rest = city, rest[len(form) :]
            written_prefecture = prefecture
            break

    found = index.match(rest)
    if found is None:
        other_city = None
        if written_city is None:
            guess = _OTHER_CITY.match(rest)
            # Towns end in 町 too, so a bare name is only read as a municipality after a prefecture.
            if guess and (written_prefecture or not guess.group(1).endswith(("町", "村"))):
                other_city = guess.group(1)
        unmatched = normalize_address(rest[len(other_city) :] if other_city else rest)
        return AddressParts(written_prefecture, written_city or other_city, None, None, None, normalized, unmatched)

    town, consumed = found
    block, building = _split_block(_LEADING_SEPARATOR.sub("", rest[consumed:]))
    separator = " " if block and building and building[0].isdigit() else ""
    full = f"{prefecture}{city}{town}{block or ''}{separator}{building or ''}"
    return AddressParts(prefecture, city, town, block, building, full)
