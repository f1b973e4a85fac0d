"""Value normalizers: one table per normalizer, one comment per quirk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

from schemas import normalize
from schemas.definition import FIELD_BY_NAME, FIELD_VALUES
from schemas.normalize import (
    NORMALIZERS,
    NormalizeError,
    consent,
    corporate_number,
    date_ja,
    email,
    field_values,
    find_date_ja,
    integer,
    kana,
    multi,
    normalize_column,
    phone,
    postal_code,
    recruiting,
    text,
    url,
)


def with_check_digit(base: str) -> str:
    """A 法人番号 from its 12 base digits, computed as 国税庁 specifies, independently of the module.

    Check digit = 9 − ((Σ Pn × Qn) mod 9), Pn the n-th base digit counted from the right (n = 1..12),
    Qn = 1 when n is odd and 2 when n is even; the check digit is written first.
    """
    total = 0
    for n in range(1, 13):
        p_n = int(base[12 - n])
        q_n = 1 if n % 2 == 1 else 2
        total += p_n * q_n
    return f"{9 - total % 9}{base}"


def test_check_digit_helper_reproduces_published_numbers() -> None:
    # 国税庁's own 法人番号 and Toyota Motor's, as published on the 法人番号公表サイト.
    assert with_check_digit("000012050002") == "7000012050002"
    assert with_check_digit("180301018771") == "1180301018771"


VALID_CORPORATE = with_check_digit("030005001234")  # 5030005001234
VALID_CORPORATE_2 = with_check_digit("011101012345")


def test_normalize_error_is_a_value_error() -> None:
    # Callers that only know ValueError still catch it.
    assert issubclass(NormalizeError, ValueError)
    with pytest.raises(ValueError):
        phone("049-22-881")


# ---------------------------------------------------------------------------------------------------------
# blanks


BLANKS: list[Any] = [
    None,
    float("nan"),
    np.nan,
    pd.NA,
    pd.NaT,
    "",
    "   ",
    "　",  # a full-width space alone
    "\u200b",  # a zero-width space pasted from a web page
    "-",
    "－",  # full-width hyphen
    "ー",  # katakana long mark used as a dash
    "―",
    "--",
]


@pytest.mark.parametrize("normalizer", [*NORMALIZERS.values(), find_date_ja, multi], ids=lambda f: f.__name__)
@pytest.mark.parametrize("value", BLANKS, ids=repr)
def test_blank_is_none(normalizer: Callable[[Any], Any], value: Any) -> None:
    assert normalizer(value) is None


@pytest.mark.parametrize(
    ("normalizer", "value", "expected"),
    [
        (recruiting, "なし", "no"),  # なし is an answer, not a blank
        (text, "なし", "なし"),
        (text, "-1", "-1"),  # a dash followed by something is text
    ],
)
def test_only_pure_dashes_are_blank(normalizer: Callable[[Any], Any], value: str, expected: str) -> None:
    assert normalizer(value) == expected


# ---------------------------------------------------------------------------------------------------------
# text and kana


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ＡＢＣ１２３", "ABC123"),  # 全角英数 become half-width
        ("ｻﾛﾝ ｶﾜｺﾞｴ", "サロン カワゴエ"),  # 半角カナ become full-width, dakuten composed
        ("  いきいき　　サロン \n 仙波 ", "いきいき サロン 仙波"),  # runs of spaces, U+3000 and newlines
        ("10時～12時", "10時〜12時"),  # full-width tilde kept as the wave dash, not ASCII ~
        ("10時〜12時", "10時〜12時"),  # the wave dash is left alone
        ("㈱つなぐ", "(株)つなぐ"),  # enclosed 株 spelled out
        ("サロン\u200b仙波", "サロン仙波"),  # zero-width space from a web page
        (12.0, "12"),  # Excel number cell holding an id
        (12, "12"),
        (35.9082, "35.9082"),
    ],
)
def test_text(value: Any, expected: str) -> None:
    assert text(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("かわごえ", "カワゴエ"),  # hiragana reading
        ("ｶﾜｺﾞｴ", "カワゴエ"),  # half-width katakana
        ("カワゴエ　シ", "カワゴエシ"),  # spaces between words removed
        ("しゃかいふくしほうじん", "シャカイフクシホウジン"),  # small kana kept small
        ("ヴぃれっじ", "ヴィレッジ"),
        ("NPOほうじん", "NPOホウジン"),  # Latin letters allowed
    ],
)
def test_kana(value: str, expected: str) -> None:
    assert kana(value) == expected


def test_kana_rejects_kanji() -> None:
    # A reading column holding the name itself.
    with pytest.raises(NormalizeError, match="contains kanji"):
        kana("川越サロン")


# ---------------------------------------------------------------------------------------------------------
# dates


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-04-01", dt.date(2024, 4, 1)),  # ISO
        ("2024/4/1", dt.date(2024, 4, 1)),  # slashes, no zero padding
        ("2024.4.1", dt.date(2024, 4, 1)),  # dots
        ("2024年4月1日", dt.date(2024, 4, 1)),  # 年月日
        ("２０２４年４月１日", dt.date(2024, 4, 1)),  # 全角 digits
        ("20240401", dt.date(2024, 4, 1)),  # compact
        ("2024-04-01 00:00:00", dt.date(2024, 4, 1)),  # Excel datetime exported as text
        ("2024-04-01T09:30:00+09:00", dt.date(2024, 4, 1)),  # ISO datetime
        ("2024年4月1日(月)", dt.date(2024, 4, 1)),  # weekday in brackets
        ("2024年4月1日（月曜日）", dt.date(2024, 4, 1)),  # full-width brackets, long weekday
        ("令和6年4月1日", dt.date(2024, 4, 1)),  # 和暦
        ("令和６年４月１日", dt.date(2024, 4, 1)),  # 和暦 with 全角 digits
        ("令和 6 年 4 月 1 日", dt.date(2024, 4, 1)),  # spaced out for alignment
        ("令和六年四月一日", dt.date(2024, 4, 1)),  # kanji numerals
        ("令和元年5月1日", dt.date(2019, 5, 1)),  # 元年 = first year, first day of 令和
        ("平成31年4月30日", dt.date(2019, 4, 30)),  # last day of 平成
        ("平成三十一年四月三十日", dt.date(2019, 4, 30)),  # 三十一 with 十
        ("平成元年1月8日", dt.date(1989, 1, 8)),  # first day of 平成
        ("昭和64年1月7日", dt.date(1989, 1, 7)),  # last day of 昭和 (only 7 days long)
        ("平成32年3月31日", dt.date(2020, 3, 31)),  # printed before the era change; real files use it
        ("平成33年4月1日", dt.date(2021, 4, 1)),
        ("平成31年5月1日", dt.date(2019, 5, 1)),  # same: 平成 written past its end
        ("R6.4.1", dt.date(2024, 4, 1)),  # era initial with dots
        ("R6/4/1", dt.date(2024, 4, 1)),  # era initial with slashes
        ("r6.4.1", dt.date(2024, 4, 1)),  # lower-case initial
        ("Ｒ６．４．１", dt.date(2024, 4, 1)),  # 全角 initial and dots
        ("H31.4.30", dt.date(2019, 4, 30)),
        ("S64.1.7", dt.date(1989, 1, 7)),
        ("㋿6年4月1日", dt.date(2024, 4, 1)),  # the one-character 令和 ligature
        ("令和6年4月1日現在", dt.date(2024, 4, 1)),  # 情報時点 cells say 現在
        ("令和6年4月", dt.date(2024, 4, 1)),  # year and month only → first of month
        ("2024年4月", dt.date(2024, 4, 1)),
        ("2024-04", dt.date(2024, 4, 1)),
        ("令和元年5月", dt.date(2019, 5, 1)),
        (45383, dt.date(2024, 4, 1)),  # Excel serial number
        (45383.0, dt.date(2024, 4, 1)),  # Excel serial as float
        (45383.75, dt.date(2024, 4, 1)),  # serial with a time of day
        ("45383", dt.date(2024, 4, 1)),  # serial read as text
        ("45383.0", dt.date(2024, 4, 1)),
        (20240401, dt.date(2024, 4, 1)),  # yyyymmdd typed into a number cell
        (dt.date(2024, 4, 1), dt.date(2024, 4, 1)),  # openpyxl gives real dates
        (dt.datetime(2024, 4, 1, 9, 0), dt.date(2024, 4, 1)),
        (pd.Timestamp("2024-04-01 10:00"), dt.date(2024, 4, 1)),
        (np.datetime64("2024-04-01"), dt.date(2024, 4, 1)),
    ],
)
def test_date_ja(value: Any, expected: dt.date) -> None:
    assert date_ja(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("令和5年2月30日", r"^impossible date 令和5年2月30日 \(February has no 30th\)$"),
        ("2023年2月29日", r"February 2023 has no 29th"),  # not a leap year
        ("2024/4/31", r"April has no 31st"),
        ("2024/13/1", r"no month 13"),
        ("2024/4/0", r"no day 0"),
        ("令和0年4月1日", r"令和 has no year 0"),  # the first year is 元年
        ("昭和65年1月1日", r"昭和 ended in 昭和64年"),  # 昭和 ended abruptly; never written past its end
        ("昭和64年1月8日", r"昭和 ended on 1989-01-07"),  # the day 平成 began
        ("令和元年4月30日", r"令和 began on 2019-05-01"),  # still 平成 that day
        ("平成元年1月7日", r"平成 began on 1989-01-08"),
        ("H1.1.7", r"平成 began on 1989-01-08"),
        ("令和元年4月", r"令和 began"),  # no day of that month was 令和
        ("平成40年4月1日", r"write the 令和 year"),  # too far past 平成 to be a pre-printed date
        ("2024", r"only a year"),  # year alone is not a date
        ("123", r"is a number, not a date"),  # not a 5-digit Excel serial
        (123, r"is a number, not a date"),
        ("4月1日", r"unrecognised date"),  # no year
        ("未定", r"unrecognised date"),
        (True, r"not a date"),
    ],
)
def test_date_ja_errors(value: Any, message: str) -> None:
    with pytest.raises(NormalizeError, match=message):
        date_ja(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("老人クラブ一覧（令和7年4月1日現在）", dt.date(2025, 4, 1)),  # title of a list
        ("最終更新日：2026年7月20日", dt.date(2026, 7, 20)),  # page footer
        ("更新日 2024/04/01 担当：高齢者いきがい課", dt.date(2024, 4, 1)),
        ("R7.4.1更新", dt.date(2025, 4, 1)),
        ("令和7年4月現在の名簿", dt.date(2025, 4, 1)),  # month only
        ("２０２６年７月２０日更新", dt.date(2026, 7, 20)),  # 全角 digits
        ("作成：令和6年3月1日、更新：令和7年4月1日", dt.date(2024, 3, 1)),  # the first one wins
        ("令和7年度 サロン一覧", None),  # a fiscal year is not a date
        ("ver 2024.1.15.3", None),  # a version number is not a date
        ("電話 049-224-8811", None),
        ("PDF 2024/4", None),  # separator form needs a day inside free text
        ("お知らせはありません", None),
    ],
)
def test_find_date_ja(value: str, expected: dt.date | None) -> None:
    assert find_date_ja(value) == expected


def test_find_date_ja_reports_an_impossible_date() -> None:
    # A wrong date in a title is the department's typo, not "no date".
    with pytest.raises(NormalizeError, match="February has no 30th"):
        find_date_ja("名簿（令和5年2月30日現在）")


# ---------------------------------------------------------------------------------------------------------
# phone numbers


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("049-224-8811", "049-224-8811"),  # already right
        ("０４９－２２４－８８１１", "049-224-8811"),  # 全角 digits and hyphens
        ("049－224－8811", "049-224-8811"),  # full-width hyphens only
        ("049ー224ー8811", "049-224-8811"),  # katakana long mark as hyphen
        ("（049）224-8811", "049-224-8811"),  # area code in brackets
        ("049(224)8811", "049-224-8811"),  # exchange in brackets
        ("049 224 8811", "049-224-8811"),  # spaces
        ("0492248811", "049-224-8811"),  # no hyphens: 川越 0492 is a 3-digit area code
        ("0492-24-8811", "049-224-8811"),  # the old 4-digit grouping of 川越 regrouped
        ("TEL:049-224-8811", "049-224-8811"),  # label
        ("TEL：049-224-8811", "049-224-8811"),  # label with full-width colon
        ("℡049-224-8811", "049-224-8811"),  # the ℡ sign
        ("電話 049-224-8811", "049-224-8811"),
        ("TEL/FAX 049-224-8811", "049-224-8811"),  # one number serving both
        ("049-224-8811（代表）", "049-224-8811"),  # annotation
        ("049-224-8811 内線123", "049-224-8811"),  # extension dropped
        ("049-224-8811（内線123）", "049-224-8811"),  # extension in brackets dropped
        ("+81-49-224-8811", "049-224-8811"),  # international form
        ("090-1234-5678", "090-1234-5678"),  # mobile
        ("09012345678", "090-1234-5678"),  # mobile, no hyphens
        ("080 1234 5678", "080-1234-5678"),
        ("050-1234-5678", "050-1234-5678"),  # IP phone
        ("0120-123-456", "0120-123-456"),  # free dial is 4-3-3
        ("0120123456", "0120-123-456"),
        ("0570123456", "0570-123-456"),  # navi dial
        ("08001234567", "0800-123-4567"),  # 0800 free dial is 4-3-4
        ("0312345678", "03-1234-5678"),  # Tokyo 23 wards: 2-digit code
        ("0662081111", "06-6208-1111"),  # Osaka: 2-digit code
        ("0482221111", "048-222-1111"),  # さいたま: 3-digit code
        ("0429981111", "04-2998-1111"),  # 所沢: 2-digit code 04 with 29xx exchange
        ("0429732111", "042-973-2111"),  # 飯能 shares 0429 but has a 3-digit code
        ("0422515131", "0422-51-5131"),  # 武蔵野・三鷹: 4-digit code inside 042
        ("0426261111", "042-626-1111"),  # 八王子: 3-digit code
        ("0480621111", "0480-62-1111"),  # 加須: 4-digit code inside 048
        ("0493231221", "0493-23-1221"),  # 東松山: 4-digit code inside 049
        ("0471671111", "04-7167-1111"),  # 柏: 04 with 71xx exchange
        ("0499221111", "04992-2-1111"),  # 伊豆大島: 5-digit code
        ("0276-22-1111", "0276-22-1111"),  # outside the table: the department's grouping kept
        ("0276221111", "027-622-1111"),  # outside the table, no hyphens: 3-3-4 fallback
        (492248811, "049-224-8811"),  # number cell lost the leading 0
        (9012345678.0, "090-1234-5678"),  # same, as a float
    ],
)
def test_phone(value: Any, expected: str) -> None:
    assert phone(value) == expected


def test_phone_matches_the_schema_pattern() -> None:
    # Every hyphenated form the normalizer writes passes the common schema's pattern.
    pattern = FIELD_BY_NAME["phone"].pattern
    assert pattern is not None
    for value in ("0312345678", "0499221111", "0120123456", "08001234567", "09012345678", "0422515131"):
        assert pd.Series([phone(value)]).str.fullmatch(pattern).all(), value


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("049-22-881", r"^phone 049-22-881 has too few digits \(8;"),
        ("224-8811", r"too few digits \(7;.*area code"),  # local number without the area code
        ("049-224-88111", r"too many digits \(11; landlines have 10\)"),
        ("049-2248-81111", r"too many digits \(12;"),
        ("090-1234-567", r"has 10 digits; 090 numbers have 11"),  # mobile one digit short
        ("049-ABC-1234", r"characters other than digits \(ABC\)"),  # letters
        ("492248811", r"does not start with 0 \(lost its leading 0"),  # text that lost the 0
        ("12345678901", r"does not start with 0$"),
        ("0049-224-8811", r"international"),
        ("なし", r"no digits; leave the cell blank"),  # なし is not blank, but has no number
        ("049-224-8811 FAX 049-224-8812", r"more than one number"),  # TEL and FAX in one cell
        ("049-224-8811／049-224-8812", r"more than one number"),  # two lines
    ],
)
def test_phone_errors(value: Any, message: str) -> None:
    with pytest.raises(NormalizeError, match=message):
        phone(value)


# ---------------------------------------------------------------------------------------------------------
# codes


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("〒350-0043", "350-0043"),  # postal mark
        ("〒 350-0043", "350-0043"),
        ("3500043", "350-0043"),  # no hyphen
        ("３５０－００４３", "350-0043"),  # 全角
        ("350ー0043", "350-0043"),  # katakana long mark as hyphen
        (3500043, "350-0043"),  # number cell
        (3500043.0, "350-0043"),
        (600001, "060-0001"),  # number cell dropped the leading 0 (札幌)
    ],
)
def test_postal_code(value: Any, expected: str) -> None:
    assert postal_code(value) == expected


@pytest.mark.parametrize("value", ["350-004", "〒350-00431", "川越市新富町", "350-0043 川越市"])
def test_postal_code_errors(value: str) -> None:
    # Wrong digit count, or a whole address in the postal code column.
    with pytest.raises(NormalizeError, match=r"is not 7 digits like 350-0043"):
        postal_code(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (VALID_CORPORATE, VALID_CORPORATE),  # as text
        ("7000012050002", "7000012050002"),  # 国税庁 itself
        (
            f"{VALID_CORPORATE_2[0]} {VALID_CORPORATE_2[1:5]} {VALID_CORPORATE_2[5:]}",
            VALID_CORPORATE_2,
        ),  # spaced
        (
            VALID_CORPORATE.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
            VALID_CORPORATE,
        ),  # 全角 digits
        (int(VALID_CORPORATE), VALID_CORPORATE),  # number cell
        (float(VALID_CORPORATE), VALID_CORPORATE),  # Excel float
        (f"{VALID_CORPORATE}.0", VALID_CORPORATE),  # Excel float as text
        (f"{VALID_CORPORATE[0]}.{VALID_CORPORATE[1:]}E+12", VALID_CORPORATE),  # scientific, all digits kept
        (f"{VALID_CORPORATE[0]}.{VALID_CORPORATE[1:]}e12", VALID_CORPORATE),
    ],
)
def test_corporate_number(value: Any, expected: str) -> None:
    assert corporate_number(value) == expected


def _wrong_check_digit(number: str) -> str:
    return f"{(int(number[0]) % 9) + 1}{number[1:]}"


def _swapped_digits(number: str) -> str:
    return number[:5] + number[6] + number[5] + number[7:]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (_wrong_check_digit(VALID_CORPORATE), r"fails its check digit \(the first digit should be 5\)"),
        (_swapped_digits(VALID_CORPORATE_2), r"fails its check digit"),  # two digits transposed
        ("3030005001234", r"first digit should be 5"),  # the schema's example number is not a real one
        (VALID_CORPORATE[:12], r"has 12 digits; a 法人番号 has 13"),
        (VALID_CORPORATE + "0", r"has 14 digits"),
        ("3.03001E+12", r"shortened by Excel"),  # Excel's display format lost digits
        ("法人番号なし", r"characters other than digits"),
        (1.5, r"not a whole number"),
    ],
)
def test_corporate_number_errors(value: Any, message: str) -> None:
    with pytest.raises(NormalizeError, match=message):
        corporate_number(value)


# ---------------------------------------------------------------------------------------------------------
# numbers and flags


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("20", 20),
        ("２０", 20),  # 全角
        ("20名", 20),  # counter word
        ("約20人", 20),  # approximately
        ("最大 20 名まで", 20),
        ("20.0", 20),  # Excel float as text
        (20.0, 20),
        (20, 20),
        (np.int64(20), 20),
        ("1,000", 1000),  # thousands separator
        ("二十名", 20),  # kanji numerals
        ("0", 0),
    ],
)
def test_integer(value: Any, expected: int) -> None:
    assert integer(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-5", r"negative"),
        ("−5名", r"negative"),  # minus sign U+2212
        ("▲5", r"negative"),  # accounting negative
        (-3, r"negative"),
        ("20〜30名", r"more than one number \(20, 30\)"),  # a range
        ("2.5", r"not a whole number"),
        (2.5, r"not a whole number"),
        ("定員なし", r"no number"),
        ("たくさん", r"no number"),
        (True, r"not a number"),
    ],
)
def test_integer_errors(value: Any, message: str) -> None:
    with pytest.raises(NormalizeError, match=message):
        integer(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("募集中", "yes"),
        ("募集しています", "yes"),
        ("参加者募集中", "yes"),
        ("随時募集", "yes"),
        ("有", "yes"),
        ("あり", "yes"),
        ("○", "yes"),  # U+25CB white circle
        ("〇", "yes"),  # U+3007 kanji zero, typed for ○
        ("◯", "yes"),  # U+25EF large circle
        ("はい", "yes"),
        ("可", "yes"),
        ("あり（要予約）", "yes"),  # bracketed note ignored
        ("募集中（定員に達し次第締切）", "yes"),  # the first statement wins over a later 締切
        ("随時募集しております。見学も歓迎", "yes"),
        ("募集なし", "no"),
        ("募集していません", "no"),  # contains 募集して but is a no
        ("現在は募集しておりません", "no"),
        ("締切", "no"),
        ("終了", "no"),
        ("定員に達したため受付終了", "no"),
        ("無", "no"),
        ("なし", "no"),
        ("×", "no"),
        ("いいえ", "no"),
        ("不可", "no"),
        ("休止中", "no"),  # an activity on pause takes nobody
        ("なし（休止中）", "no"),
        ("yes", "yes"),  # already canonical
        ("NO", "no"),
        ("unknown", "unknown"),
        ("要相談", "unknown"),
        ("お問い合わせください", "unknown"),  # anything else
    ],
)
def test_recruiting(value: str, expected: str) -> None:
    assert recruiting(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("希望する", True),
        ("可", True),
        ("○", True),
        ("〇", True),
        ("はい", True),
        ("掲載する", True),
        ("公開", True),
        ("yes", True),
        ("TRUE", True),  # Excel's boolean as text
        ("1", True),
        (1, True),
        (1.0, True),
        (True, True),
        (np.bool_(True), True),
        ("可（ホームページのみ）", True),  # bracketed condition ignored
        ("希望しない", False),
        ("不可", False),
        ("×", False),
        ("いいえ", False),
        ("非公開", False),
        ("否", False),  # 可/否 forms: the one-kanji refusal
        ("要", True),  # 要/否 forms
        ("no", False),
        ("false", False),
        ("0", False),
        (0, False),
        (False, False),
    ],
)
def test_consent(value: Any, expected: bool) -> None:
    assert consent(value) is expected


@pytest.mark.parametrize("value", ["検討中", "未回答", "2", "maybe"])
def test_consent_errors(value: Any) -> None:
    # Publishing on a guess is worse than asking the department.
    with pytest.raises(NormalizeError, match=r"is unclear; write 可 or 不可"):
        consent(value)


# ---------------------------------------------------------------------------------------------------------
# web and mail


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://www.city.kawagoe.saitama.jp/", "https://www.city.kawagoe.saitama.jp/"),
        ("  http://example.jp/salon?id=1  ", "http://example.jp/salon?id=1"),  # trimmed; http kept
        ("www.city.kawagoe.saitama.jp", "https://www.city.kawagoe.saitama.jp"),  # scheme added
        ("ｈｔｔｐｓ：／／ｅｘａｍｐｌｅ．ｊｐ／ａ", "https://example.jp/a"),  # 全角
        ("HTTPS://example.jp/A", "https://example.jp/A"),  # scheme lower-cased, path kept
        ("<https://example.jp>", "https://example.jp"),  # angle brackets from an e-mail
    ],
)
def test_url(value: str, expected: str) -> None:
    assert url(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("example.jp", r"does not start with http:// or https://"),
        ("ftp://example.jp", r"does not start with http"),
        ("川越市ホームページ参照", r"does not start with http"),
        ("https://example .jp", r"contains spaces"),
        ("https://localhost", r"no valid host name"),
        ("https://", r"no valid host name"),
    ],
)
def test_url_errors(value: str, message: str) -> None:
    with pytest.raises(NormalizeError, match=message):
        url(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("kaigo@city.kawagoe.saitama.jp", "kaigo@city.kawagoe.saitama.jp"),
        ("kaigo＠city.kawagoe.saitama.jp", "kaigo@city.kawagoe.saitama.jp"),  # full-width ＠
        ("ｋａｉｇｏ＠ｅｘａｍｐｌｅ．ｊｐ", "kaigo@example.jp"),  # all 全角
        ("mailto:kaigo@example.jp", "kaigo@example.jp"),  # copied link
        ("kaigo[at]example.jp", "kaigo@example.jp"),  # anti-spam spelling
        ("Kaigo@Example.JP", "Kaigo@example.jp"),  # domain lower-cased, local part kept
    ],
)
def test_email(value: str, expected: str) -> None:
    assert email(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("kaigo.example.jp", r"exactly one @"),
        ("a@b@example.jp", r"exactly one @"),
        ("kaigo@example", r"name@example.jp"),  # no dot in the domain
        ("kaigo@example..jp", r"name@example.jp"),
        ("@example.jp", r"name@example.jp"),
        ("kaigo ka@example.jp", r"name@example.jp"),
    ],
)
def test_email_errors(value: str, message: str) -> None:
    with pytest.raises(NormalizeError, match=message):
        email(value)


# ---------------------------------------------------------------------------------------------------------
# multi-valued cells


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("居場所;見守り", "居場所;見守り"),  # already canonical
        ("居場所；見守り", "居場所;見守り"),  # full-width semicolon
        ("居場所、見守り、配食", "居場所;見守り;配食"),  # 読点
        ("居場所,見守り，配食", "居場所;見守り;配食"),  # ASCII and full-width commas
        ("居場所・見守り", "居場所;見守り"),  # 中黒
        ("居場所/見守り／配食", "居場所;見守り;配食"),  # slashes
        ("居場所\n見守り\r\n配食", "居場所;見守り;配食"),  # one per line in an Excel cell
        (" 居場所 、、 見守り ", "居場所;見守り"),  # spaces and empty parts dropped
        ("見守り;居場所;見守り", "見守り;居場所"),  # duplicates dropped, first order kept
        ("ｻﾛﾝ", "サロン"),  # parts are NFKC-normalized
    ],
)
def test_multi(value: str, expected: str) -> None:
    assert multi(value) == expected


def test_multi_maps_through_a_vocabulary() -> None:
    vocabulary = {"サロン": "居場所", "声かけ": "見守り"}
    # Synonyms map to canonical values, canonical values map to themselves, duplicates collapse.
    assert multi("サロン、居場所・声かけ", vocabulary) == "居場所;見守り"


def test_multi_lists_the_allowed_values_for_unknown_ones() -> None:
    with pytest.raises(NormalizeError, match=r"^unknown values 麻雀, 囲碁 \(allowed: 居場所, 見守り\)$"):
        multi("居場所、麻雀、囲碁", {"サロン": "居場所", "声かけ": "見守り"})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("高齢", "高齢"),
        ("高齢者", "高齢"),
        ("介護", "高齢"),
        ("障害", "障がい"),
        ("障害者", "障がい"),
        ("障がい者", "障がい"),
        ("障碍", "障がい"),
        ("児童", "子ども"),
        ("子育て", "子ども"),
        ("こども", "子ども"),
        ("子供", "子ども"),
        ("児童福祉", "子ども"),
        ("地域福祉", "地域"),
        ("まちづくり", "地域"),
        ("就労", "労働"),
        ("学習", "教育"),
        ("住宅", "住まい"),
        ("その他", "その他"),
        ("高齢者・障害者", "高齢;障がい"),  # 中黒 splits
        ("介護、高齢者", "高齢"),  # two synonyms of one value
        ("子育て；障害", "子ども;障がい"),
    ],
)
def test_field_values(value: str, expected: str) -> None:
    assert field_values(value) == expected


def test_field_values_canonical_set_is_the_schema_vocabulary() -> None:
    assert {field_values(value) for value in FIELD_VALUES} == set(FIELD_VALUES)


def test_field_values_unknown() -> None:
    with pytest.raises(NormalizeError, match=r"unknown value 福祉全般 \(allowed: 高齢, 障がい, 子ども"):
        field_values("高齢、福祉全般")


# ---------------------------------------------------------------------------------------------------------
# columns


@pytest.mark.parametrize(
    ("field_name", "normalizer"),
    [
        ("name", text),
        ("operator_name", text),
        ("address", text),
        ("description", text),
        ("name_kana", kana),
        ("source_as_of", date_ja),
        ("phone", phone),
        ("fax", phone),
        ("postal_code", postal_code),
        ("corporate_number", corporate_number),
        ("capacity", integer),
        ("recruiting", recruiting),
        ("publish", consent),
        ("contact_public", consent),
        ("url", url),
        ("sns_url", url),
        ("photo_url", url),
        ("email", email),
        ("field", field_values),
        ("life_scenes", multi),
    ],
)
def test_registry(field_name: str, normalizer: Callable[[Any], Any]) -> None:
    assert NORMALIZERS[field_name] is normalizer


def test_registry_names_are_schema_fields() -> None:
    assert set(NORMALIZERS) <= set(FIELD_BY_NAME)


def test_normalize_column_aligns_values_and_errors() -> None:
    # A non-default index, a blank, NaN, a repeated value and two different errors.
    values = pd.Series(
        ["０４９－２２４－８８１１", None, "049-22-881", "0492248811", np.nan, "-", "049-22-881", "ABC"],
        index=[10, 11, 12, 13, 14, 15, 16, 17],
        name="電話番号",
    )
    normalized, errors = normalize_column("phone", values)
    too_few = "phone 049-22-881 has too few digits (8; expected 10, or 11 for mobile and IP phones, with the area code)"
    assert normalized.index.equals(values.index)
    assert errors.index.equals(values.index)
    assert normalized.tolist() == [
        "049-224-8811",
        None,
        None,
        "049-224-8811",
        None,
        None,
        None,
        None,
    ]
    assert errors.tolist() == [
        None,
        None,
        too_few,
        None,
        None,
        None,
        too_few,
        "phone ABC has no digits; leave the cell blank when there is no number",
    ]
    assert errors.notna().tolist() == [False, False, True, False, False, False, True, True]


def test_normalize_column_unknown_field_is_text() -> None:
    normalized, errors = normalize_column("備考", pd.Series(["ｻﾛﾝ　あり", None]))
    assert normalized.tolist() == ["サロン あり", None]
    assert errors.isna().all()


def test_normalize_column_keeps_types() -> None:
    # Dates stay dates and booleans stay booleans; blanks are None, not NaN.
    dates, _ = normalize_column("source_as_of", pd.Series(["令和6年4月1日", None]))
    assert dates.tolist() == [dt.date(2024, 4, 1), None]
    flags, _ = normalize_column("publish", pd.Series(["可", "不可", ""]))
    assert flags.tolist() == [True, False, None]
    counts, _ = normalize_column("capacity", pd.Series([20.0, np.nan, "約30名"]))
    assert counts.tolist() == [20, None, 30]


def test_normalize_column_string_dtype() -> None:
    # pandas' string dtype with its own NA.
    values = pd.Series(["高齢者", pd.NA, "子育て・障害"], dtype="string")
    normalized, errors = normalize_column("field", values)
    assert normalized.tolist() == ["高齢", None, "子ども;障がい"]
    assert errors.isna().all()


def test_normalize_column_empty() -> None:
    normalized, errors = normalize_column("phone", pd.Series([], dtype=object))
    assert normalized.empty
    assert errors.empty


def test_normalize_column_computes_each_distinct_value_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # The hot path: 100k rows of 1k distinct values cost 1k normalizer calls.
    calls: list[Any] = []

    def counting_text(value: Any) -> str | None:
        calls.append(value)
        return text(value)

    monkeypatch.setitem(normalize.NORMALIZERS, "name", counting_text)
    distinct = np.array([f"ｻﾛﾝ{i}" for i in range(1000)], dtype=object)
    values = pd.Series(np.random.default_rng(0).choice(distinct, 100_000))
    values[::100] = None
    normalized, errors = normalize_column("name", values)
    assert len(calls) == values.nunique() <= 1000
    assert normalized.iloc[1] == text(values.iloc[1])
    assert normalized.iloc[0] is None
    assert errors.isna().all()
