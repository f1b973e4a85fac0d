"""Write the bundled demo city's department files under ``demo/kawagoe/`` (川越市, 112011).

Run from anywhere, offline:  ``.venv/bin/python scripts/make_demo.py``

Every record is invented (facilities, groups, people, phone numbers, corporate numbers); only the town
names and their representative points are real (Geolonia 住所データ, CC BY 4.0, derived from the MLIT
位置参照情報). Postal codes are plausible 350-xxxx values, not checked against Japan Post. E-mail
addresses use the reserved ``example.invalid`` domain and URLs ``www.city.kawagoe.example`` /
``example.org``.

The output is deterministic: a fixed seed per source, no clock, no network, and the xlsx archives are
rewritten with fixed timestamps, so re-running the script reproduces the committed files byte for byte.
The quirks planted on purpose (duplicates across departments, bad rows, the overdue source) are listed in
``config/kawagoe/README.md``; the ``PLANTED`` table printed at the end names their rows.
"""

# The record tables below are Japanese text, which ruff measures at double width; keeping one record per
# line readable matters more here than the 110-column limit.
# ruff: noqa: E501

from __future__ import annotations

import csv
import io
import json
import random
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.datavalidation import DataValidation

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "demo" / "kawagoe"
SEED = 112011
CODE = "112011"
SITE = "https://www.city.kawagoe.example"

# ---------------------------------------------------------------------------------------------------------
# Towns: gazetteer name -> district (地区), postal code, representative point (from the gazetteer).


@dataclass(frozen=True)
class Town:
    name: str  # as the gazetteer writes it: 大字今福, 新富町一丁目
    district: str
    postal: str
    lat: float
    lon: float

    @property
    def oaza(self) -> bool:
        return self.name.startswith("大字")

    @property
    def base(self) -> str:
        """The town without 大字 and without its 丁目: 今福, 新富町."""
        text = self.name.removeprefix("大字")
        return re.sub(r"[一二三四五六七八九十]+丁目$", "", text)

    @property
    def chome(self) -> int | None:
        match = re.search(r"([一二三四五六七八九十]+)丁目$", self.name)
        return KANJI.index(match.group(1)) + 1 if match else None


KANJI = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]

_TOWN_ROWS = """
新富町一丁目 本庁 350-0043 35.915756 139.483437
新富町二丁目 本庁 350-0043 35.912521 139.482323
仙波町一丁目 本庁 350-0034 35.911091 139.48957
仙波町二丁目 本庁 350-0034 35.907699 139.489496
仙波町三丁目 本庁 350-0034 35.911975 139.494157
仙波町四丁目 本庁 350-0034 35.906702 139.493496
連雀町 本庁 350-0066 35.918918 139.482637
元町一丁目 本庁 350-0062 35.924857 139.484576
元町二丁目 本庁 350-0062 35.92496 139.481499
幸町 本庁 350-0063 35.923048 139.48262
仲町 本庁 350-0065 35.920911 139.481886
郭町二丁目 本庁 350-0053 35.924 139.491692
脇田本町 本庁 350-1123 35.907469 139.480144
脇田町 本庁 350-1122 35.908277 139.483291
旭町二丁目 本庁 350-1126 35.901059 139.473597
新宿町三丁目 本庁 350-1124 35.899203 139.483823
小仙波町二丁目 本庁 350-0036 35.920502 139.493832
岸町一丁目 本庁 350-1131 35.900751 139.491491
末広町二丁目 本庁 350-0047 35.923216 139.480615
菅原町 本庁 350-0046 35.906839 139.486042
通町 本庁 350-0044 35.914181 139.485164
松江町一丁目 本庁 350-0042 35.918089 139.485504
六軒町一丁目 本庁 350-0052 35.915683 139.478442
喜多町 本庁 350-0061 35.926575 139.482477
大手町 本庁 350-0054 35.923124 139.485245
大字鴨田 芳野 350-0851 35.935397 139.517297
大字伊佐沼 芳野 350-0853 35.926899 139.512927
大字石田 芳野 350-0856 35.940979 139.487559
大字谷中 芳野 350-0857 35.942572 139.495251
大字古谷上 古谷 350-0011 35.921471 139.530763
大字古谷本郷 古谷 350-0012 35.908993 139.544091
大字並木 古谷 350-0016 35.90207 139.523316
大字久下戸 南古谷 350-0001 35.895023 139.538122
大字今泉 南古谷 350-0002 35.895325 139.526683
大字渋井 南古谷 350-0006 35.882321 139.536316
大字古市場 南古谷 350-0004 35.886366 139.528888
大字砂 高階 350-1137 35.89465 139.497635
砂新田一丁目 高階 350-1137 35.892422 139.487513
大字寺尾 高階 350-1136 35.885231 139.509471
大字藤間 高階 350-1133 35.88006 139.496716
大字今福 福原 350-1151 35.880888 139.473591
大字中福 福原 350-1155 35.86165 139.46532
大字下赤坂 福原 350-1156 35.860134 139.478455
大字南大塚 福原 350-1162 35.892748 139.452286
大字大袋 大東 350-1171 35.89787 139.443872
大字大袋新田 大東 350-1172 35.892488 139.4421
大字藤倉 大東 350-1173 35.89532 139.438519
大字的場 霞ケ関 350-1101 35.913387 139.437627
的場新町 霞ケ関 350-1102 35.918391 139.426977
霞ケ関東一丁目 霞ケ関 350-1103 35.923375 139.441919
霞ケ関東三丁目 霞ケ関 350-1103 35.922053 139.444716
かすみ野一丁目 霞ケ関 350-1104 35.902281 139.417137
川鶴一丁目 川鶴 350-1107 35.922629 139.416331
川鶴二丁目 川鶴 350-1107 35.921778 139.412795
川鶴三丁目 川鶴 350-1107 35.920334 139.406451
霞ケ関北一丁目 霞ケ関北 350-1109 35.924442 139.436129
霞ケ関北三丁目 霞ケ関北 350-1109 35.927166 139.433913
霞ケ関北五丁目 霞ケ関北 350-1109 35.924431 139.43019
大字鯨井 名細 350-0815 35.93752 139.453685
大字小堤 名細 350-0813 35.939557 139.440266
大字下小坂 名細 350-0814 35.947461 139.45502
大字吉田 名細 350-0807 35.929575 139.429195
大字山田 山田 350-0822 35.944225 139.477853
大字寺山 山田 350-0821 35.941363 139.469764
大字上寺山 山田 350-0823 35.933132 139.466622
"""

TOWNS: dict[str, Town] = {}
for _line in _TOWN_ROWS.strip().splitlines():
    _name, _district, _postal, _lat, _lon = _line.split()
    TOWNS[_name] = Town(_name, _district, _postal, float(_lat), float(_lon))

# ---------------------------------------------------------------------------------------------------------
# How departments write things.

_ZEN = str.maketrans("0123456789-()", "０１２３４５６７８９－（）")


def zen(text: str) -> str:
    """Digits, hyphens and parentheses as 全角."""
    return text.translate(_ZEN)


def address(town: str, block: tuple[int, ...], style: str, *, pref: bool = False, oaza: bool = True) -> str:
    """An address as a department types it.

    styles: ``hyphen`` (新富町1-3-1 / 大字今福1234-5), ``banchi`` (新富町一丁目3番地1), ``bango``
    (仙波町2丁目5番8号), ``zen`` (bango in 全角), ``zenbanchi`` (今福１２３４番地５).
    """
    t = TOWNS[town]
    head = ("埼玉県" if pref else "") + "川越市" + ("大字" if t.oaza and oaza else "") + t.base
    chome = t.chome
    nums = [str(n) for n in block]
    if style == "hyphen":
        body = "-".join(([str(chome)] if chome else []) + nums)
    elif style == "banchi":
        body = (f"{KANJI[chome - 1]}丁目" if chome else "") + f"{nums[0]}番地" + "".join(nums[1:2])
    elif style in ("bango", "zen"):
        body = (f"{chome}丁目" if chome else "") + f"{nums[0]}番" + (f"{nums[1]}号" if len(nums) > 1 else "")
        if style == "zen":
            body = zen(body)
    elif style == "zenbanchi":
        body = (f"{KANJI[chome - 1]}丁目" if chome else "") + zen(f"{nums[0]}") + "番地" + zen("".join(nums[1:2]))
    else:
        raise ValueError(style)
    return head + body


def phone(number: tuple[str, str, str], style: str = "hyphen") -> str:
    """A phone number as written: 049-224-5678, (049)224-5678, 049２２４５６７８, 0492245678 …"""
    a, b, c = number
    return {
        "hyphen": f"{a}-{b}-{c}",
        "paren": f"({a}){b}-{c}",
        "paren2": f"{a}({b}){c}",
        "plain": f"{a}{b}{c}",
        "zen": zen(f"{a}-{b}-{c}"),
        "halfzen": a + zen(b + c),
        "choon": f"{a}ー{b}ー{c}",
    }[style]


def wareki(day: date, style: str = "kanji") -> str:
    """和暦: 令和6年4月1日, R6.4.1, 平成31年4月1日, 昭和52年4月1日; or 2026/4/1."""
    if style == "slash":
        return f"{day.year}/{day.month}/{day.day}"
    if day >= date(2019, 5, 1):
        era, letter, year = "令和", "R", day.year - 2018
    elif day >= date(1989, 1, 8):
        era, letter, year = "平成", "H", day.year - 1988
    else:
        era, letter, year = "昭和", "S", day.year - 1925
    if style == "letter":
        return f"{letter}{year}.{day.month}.{day.day}"
    return f"{era}{'元' if year == 1 else year}年{day.month}月{day.day}日"


_EXCHANGES = ("222", "223", "224", "225", "226", "227", "229", "231", "232", "233", "234", "235", "236",
              "238", "239", "241", "242", "243", "244", "246", "247", "248", "249")  # fmt: skip
_USED_NUMBERS: set[tuple[str, str, str]] = set()


def new_number(rng: random.Random, *, mobile: bool = False) -> tuple[str, str, str]:
    """A fresh invented number, never handed out twice (duplicates are planted explicitly)."""
    while True:
        if mobile:
            number = (
                rng.choice(("090", "080", "070")),
                f"{rng.randrange(1000, 10000)}",
                f"{rng.randrange(10000)}",
            )
        else:
            number = ("049", rng.choice(_EXCHANGES), f"{rng.randrange(10000):04d}")
        number = (number[0], number[1], number[2].zfill(4))
        if number not in _USED_NUMBERS:
            _USED_NUMBERS.add(number)
            return number


def corporate_number(rng: random.Random, kind: str) -> str:
    """An invented 13-digit 法人番号 with a correct check digit (さいたま地方法務局 0300 + kind + 6)."""
    base = "0300" + kind + f"{rng.randrange(10**6):06d}"
    total = sum(int(d) * (1 if i % 2 == 0 else 2) for i, d in enumerate(reversed(base)))
    return f"{9 - total % 9}{base}"


def point(rng: random.Random, town: str) -> tuple[float, float]:
    """The town's representative point with a little jitter, as a geocoded facility would be."""
    t = TOWNS[town]
    return round(t.lat + rng.uniform(-0.0015, 0.0015), 6), round(t.lon + rng.uniform(-0.0015, 0.0015), 6)


SURNAMES = ("佐藤", "鈴木", "高橋", "田中", "渡辺", "伊藤", "山本", "中村", "小林", "加藤", "吉田", "山田", "佐々木",
            "松本", "井上", "木村", "林", "斎藤", "清水", "山崎", "森", "池田", "橋本", "阿部", "石川", "長谷川",
            "小川", "岡田", "後藤", "野口", "新井", "関根", "岩田", "大野", "内田", "増田")  # fmt: skip
ELDER_GIVEN = ("一郎", "和子", "幸子", "茂", "節子", "勝", "美智子", "博", "恵子", "正", "洋子", "清", "弘子",
               "武", "久子", "昭", "千代子", "進", "信子", "実", "トシ子", "利夫", "静江", "孝")  # fmt: skip
YOUNG_GIVEN = ("美咲", "陽子", "直美", "由美", "愛", "翔太", "健一", "沙織", "麻衣", "彩", "大輔", "真由美",
               "恵", "裕子", "香織", "拓也", "綾", "舞")  # fmt: skip


def person(rng: random.Random, given: tuple[str, ...], *, space: str = "　") -> str:
    return rng.choice(SURNAMES) + space + rng.choice(given)


def write_csv(path: Path, header: list[str], rows: list[list[object]], *, encoding: str, newline: str,
              trailer: str = "") -> None:  # fmt: skip
    """A CSV as departments export it: chosen encoding and line ends, minimal quoting."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=newline)
    writer.writerow(header)
    writer.writerows([["" if v is None else v for v in row] for row in rows])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((buffer.getvalue() + trailer).encode(encoding))


FIXED_ZIP_TIME = (2026, 11, 1, 9, 0, 0)
FIXED_ISO = "2026-11-01T00:00:00Z"


def save_workbook(wb: Workbook, path: Path) -> None:
    """Save, then rewrite the archive with fixed timestamps so the bytes do not depend on the clock."""
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = io.BytesIO()
    wb.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", FIXED_ISO.encode(), data)
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, data)
    path.write_bytes(out.getvalue())


PLANTED: list[tuple[str, str, str]] = []  # (source id, where, what)


def plant(source: str, where: str, what: str) -> None:
    PLANTED.append((source, where, what))


# Numbers shared by the records planted as duplicates across departments (same office, two lists).
def _shared_numbers(rng: random.Random) -> dict[str, tuple[str, str, str]]:
    return {key: new_number(rng) for key in ("houkatsu-senba", "houkatsu-kasumi", "salon-matoba",
                                             "foodsupport", "nijiiro", "salon-takashina", "piyopiyo")}  # fmt: skip


SHARED = _shared_numbers(random.Random(SEED))

# ---------------------------------------------------------------------------------------------------------
# 1. 介護保険課: 介護サービス事業所一覧, 推奨データセット v1 layout, Shift_JIS (cp932), CRLF, blank padding.

CARE_HEADER = [
    "都道府県コード又は市区町村コード", "NO", "都道府県名", "市区町村名", "介護サービス事業所名称",
    "介護サービス事業所名称_カナ", "実施サービス", "住所", "方書", "緯度", "経度", "電話番号", "内線番号", "FAX番号",
    "法人番号", "法人の名称", "事業所番号", "利用可能曜日", "利用可能曜日特記事項", "定員", "URL", "備考",
]  # fmt: skip

# name, kana, service, operator, town, block, building, capacity, days
CARE = [
    ("川越市地域包括支援センター仙波", "カワゴエシチイキホウカツシエンセンターセンバ", "地域包括支援センター",
     "社会福祉法人川越福祉会", "仙波町二丁目", (5, 8), "", None, "月火水木金"),
    ("川越市かすみ地域包括支援センター", "カワゴエシカスミチイキホウカツシエンセンター", "地域包括支援センター",
     "医療法人社団霞会", "霞ケ関北三丁目", (12, 4), "", None, "月火水木金"),
    ("デイサービスセンター　すずらん", "デイサービスセンタースズラン", "通所介護", "㈱すずらんケア", "新富町二丁目",
     (4, 11), "すずらんビル1階", 30, "月火水木金土"),
    ("ヘルパーステーションあおぞら", "ヘルパーステーションアオゾラ", "訪問介護", "株式会社あおぞら", "脇田町", (8, 2),
     "", None, "毎日"),
    ("ケアプランセンターひまわり", "ケアプランセンターヒマワリ", "居宅介護支援", "有限会社ひまわり", "岸町一丁目",
     (21, 6), "", None, "月火水木金"),
    ("訪問看護ステーション　こもれび", "ホウモンカンゴステーションコモレビ", "訪問看護", "医療法人社団こもれび会",
     "末広町二丁目", (3, 15), "", None, "月火水木金土"),
    ("グループホームさくら的場", "グループホームサクラマトバ", "認知症対応型共同生活介護", "㈱さくら介護サービス",
     "大字的場", (2145, 3), "", 18, "毎日"),
    ("特別養護老人ホーム芳野の里", "トクベツヨウゴロウジンホームヨシノノサト", "介護老人福祉施設", "社会福祉法人髙寿会",
     "大字鴨田", (1021,), "", 80, "毎日"),
    ("小規模多機能ホーム　なごみ", "ショウキボタキノウホームナゴミ", "小規模多機能型居宅介護", "有限会社なごみ",
     "大字今福", (1234, 5), "", 29, "毎日"),
    ("ﾃﾞｲｻｰﾋﾞｽ ゆうゆう", "ﾃﾞｲｻｰﾋﾞｽﾕｳﾕｳ", "地域密着型通所介護", "NPO法人ゆうゆう川越", "大字南大塚", (512, 1), "",
     18, "月火水木金"),
    ("ショートステイ川鶴の家", "ショートステイカワツルノイエ", "短期入所生活介護", "社会福祉法人つるかわ会",
     "川鶴二丁目", (15, 1), "", 20, "毎日"),
    ("㈱ケアライフ川越　福祉用具センター", "ケアライフカワゴエフクシヨウグセンター", "福祉用具貸与", "㈱ケアライフ川越",
     "新宿町三丁目", (9, 7), "", None, "月火水木金土"),
    ("居宅介護支援事業所はなみずき", "キョタクカイゴシエンジギョウショハナミズキ", "居宅介護支援", "合同会社はなみずき",
     "霞ケ関東一丁目", (3, 18), "", None, "月火水木金"),
    ("訪問介護ささえ愛", "ホウモンカイゴササエアイ", "訪問介護", "NPO法人ささえ愛", "大字古谷上", (4410, 2), "", None,
     "毎日"),
    ("デイサービス髙砂", "デイサービスタカサゴ", "通所介護", "㈱髙砂ケアサービス", "大字寺尾", (301, 4), "", 25,
     "月火水木金土"),
    ("介護老人保健施設けやきの森", "カイゴロウジンホケンシセツケヤキノモリ", "介護老人保健施設", "医療法人けやき会",
     "大字鯨井", (1780,), "", 100, "毎日"),
    ("ケアプランセンター小江戸", "ケアプランセンターコエド", "居宅介護支援", "株式会社小江戸ケア", "連雀町", (14, 3),
     "小江戸ビル3階", None, "月火水木金"),
    ("デイサービスセンター伊佐沼", "デイサービスセンターイサヌマ", "通所介護", "社会福祉法人芳野福祉会", "大字伊佐沼",
     (622,), "", 35, "月火水木金土"),
    ("ヘルパーステーション　ふくはら", "ヘルパーステーションフクハラ", "訪問介護", "㈱ふくはら", "大字中福", (890, 1),
     "", None, "毎日"),
    ("訪問入浴やすらぎ", "ホウモンニュウヨクヤスラギ", "訪問入浴介護", "株式会社やすらぎ", "大字大袋", (215, 6), "",
     None, "月火水木金土"),
    ("グループホーム山田の郷", "グループホームヤマダノサト", "認知症対応型共同生活介護", "社会福祉法人山田会", "大字山田",
     (1502, 2), "", 18, "毎日"),
    ("リハビリデイ　げんき", "リハビリデイゲンキ", "通所介護", "(株)げんきスタイル", "的場新町", (21, 9), "", 20,
     "月火水木金"),
    ("看護小規模多機能ぬくもり", "カンゴショウキボタキノウヌクモリ", "看護小規模多機能型居宅介護",
     "医療法人社団ぬくもり会", "岸町一丁目", (7, 30), "", 29, "毎日"),
    ("ケアプランセンター南古谷", "ケアプランセンターミナミフルヤ", "居宅介護支援", "社会福祉法人南古谷福祉会",
     "大字久下戸", (5120, 1), "", None, "月火水木金"),
    ("訪問看護ステーションかわつる", "ホウモンカンゴステーションカワツル", "訪問看護", "株式会社かわつるナース",
     "川鶴一丁目", (6, 12), "", None, "月火水木金"),
    ("定期巡回ステーション　そよかぜ", "テイキジュンカイステーションソヨカゼ", "定期巡回・随時対応型訪問介護看護",
     "㈱そよかぜ", "脇田本町", (22, 10), "そよかぜビル2階", None, "毎日"),
    ("デイサービス名細の家", "デイサービスナグワシノイエ", "地域密着型通所介護", "有限会社名細ケア", "大字小堤", (88, 3),
     "", 15, "月火水木金"),
    ("特別養護老人ホーム高階苑", "トクベツヨウゴロウジンホームタカシナエン", "介護老人福祉施設", "社会福祉法人高階福祉会",
     "大字藤間", (740, 1), "", 100, "毎日"),
    ("居宅介護支援事業所かすみ野", "キョタクカイゴシエンジギョウショカスミノ", "居宅介護支援", "㈱かすみ野サポート",
     "かすみ野一丁目", (4, 7), "", None, "月火水木金"),
    ("通所リハビリテーション仙波の杜", "ツウショリハビリテーションセンバノモリ", "通所リハビリテーション",
     "医療法人仙波会", "仙波町四丁目", (11, 2), "", 40, "月火水木金土"),
    ("ヘルパーステーション小仙波", "ヘルパーステーションコセンバ", "訪問介護", "社会福祉法人川越福祉会", "小仙波町二丁目",
     (16, 5), "", None, "毎日"),
    ("デイサービス　ひだまり古市場", "デイサービスヒダマリフルイチバ", "通所介護", "株式会社ひだまり", "大字古市場",
     (335, 2), "", 25, "月火水木金"),
]  # fmt: skip

_CARE_STYLES = ("hyphen", "banchi", "bango", "zen", "hyphen", "zenbanchi", "hyphen", "bango")
_PHONE_STYLES = ("hyphen", "hyphen", "paren", "hyphen", "halfzen", "plain", "hyphen", "paren2", "zen")
CARE_NOTES = {3: "①送迎あり　②入浴あり", 9: "登録定員29名（通い15名・泊まり6名）", 15: "①送迎あり",
              32: "送迎あり\n入浴は月・水・金"}  # fmt: skip
_CORP_KIND = {"社会福祉法人": "05", "医療法人": "06", "NPO法人": "05", "株式会社": "01", "㈱": "01", "(株)": "01",
              "有限会社": "02", "合同会社": "03"}  # fmt: skip


def make_care_services() -> None:
    rng = random.Random(SEED + 1)
    corp: dict[str, str] = {}
    rows: list[list[object]] = []
    for i, (name, kana, service, operator, town, block, building, capacity, days) in enumerate(CARE, start=1):
        if i == 1:  # the same 地域包括支援センター as in the 地域包括ケア推進課 page (row 1 there)
            addr, tel = "川越市仙波町２丁目５番８号", phone(SHARED["houkatsu-senba"], "paren")
        elif i == 2:  # a harder variant of the page's 「地域包括支援センター　かすみ」
            addr, tel = address(town, block, "hyphen", pref=True), phone(SHARED["houkatsu-kasumi"], "hyphen")
        else:
            style = _CARE_STYLES[i % len(_CARE_STYLES)]
            addr = address(town, block, style, pref=i % 5 == 0, oaza=i % 4 != 3)
            tel = phone(new_number(rng), _PHONE_STYLES[i % len(_PHONE_STYLES)])
        fax = phone(new_number(rng), "hyphen") if i % 3 else ""
        kind = next((v for k, v in _CORP_KIND.items() if operator.startswith(k)), "01")
        corp_no = corp.setdefault(operator, corporate_number(rng, kind)) if i % 4 else ""
        provider = "" if service == "地域包括支援センター" else f"11712{rng.randrange(10**5):05d}"
        lat, lon = point(rng, town) if i % 3 == 0 else ("", "")
        days_note = rng.choice(("", "祝日も営業", "年末年始（12/30～1/3）休業", "", "日曜・祝日休み"))
        slug = f"care{i:02d}"
        url = f"https://example.org/{slug}/" if i % 4 == 1 else ""
        rows.append([CODE, i, "埼玉県", "川越市", name, kana, service, addr, building, lat, lon, tel,
                     "101" if i == 17 else "", fax, corp_no, operator, provider, days, days_note,
                     capacity if capacity is not None else "", url, CARE_NOTES.get(i, "")])  # fmt: skip
    padding = ("," * (len(CARE_HEADER) - 1) + "\r\n") * 100
    write_csv(OUT / "kaigo" / f"{CODE}_care_service.csv", CARE_HEADER, rows, encoding="cp932", newline="\r\n",
              trailer=padding)  # fmt: skip
    plant(
        "care-services",
        "CSV line 2 (NO 1)",
        "exact duplicate of houkatsu row 1 (川越市地域包括支援センター仙波)",
    )
    plant("care-services", "CSV line 3 (NO 2)", "harder variant of houkatsu row 2 (かすみ)")
    plant(
        "care-services",
        "lines 35-134",
        "100 blank ',,,' padding rows; NO 32 (lines 33-34) has a quoted newline in 備考",
    )


# ---------------------------------------------------------------------------------------------------------
# 2. 障害者福祉課: 相談支援事業所一覧, 自治体標準 v2 layout, UTF-8 with BOM, CRLF, 'メ―ルアドレス' (U+2015).

SODAN_HEADER = ["全国地方公共団体コード", "ID", "地方公共団体名", "名称", "名称_カナ", "実施サービス",
                "所在地_全国地方公共団体コード", "町字ID", "所在地_連結表記", "所在地_都道府県", "所在地_市区町村",
                "所在地_町字", "所在地_番地以下", "建物名等(方書)", "緯度", "経度", "電話番号", "内線番号", "FAX番号",
                "メ\u2015ルアドレス", "法人番号", "法人の名称", "事業所番号", "URL", "備考"]  # fmt: skip

# name, kana, services, operator, town, block, building
SODAN = [
    ("相談支援事業所ひかり", "ソウダンシエンジギョウショヒカリ", "計画相談支援;障害児相談支援",
     "社会福祉法人ひかり福祉会", "新富町一丁目", "3-1", "つなぐビル2階"),
    ("川越市障害者相談支援センター", "カワゴエシショウガイシャソウダンシエンセンター", "一般相談支援;計画相談支援",
     "社会福祉法人川越福祉会", "郭町二丁目", "28-1", ""),
    ("相談室あゆみ", "ソウダンシツアユミ", "計画相談支援", "NPO法人あゆみの会", "大字鴨田", "1180-2", ""),
    ("こども発達相談室すくすく", "コドモハッタツソウダンシツスクスク", "障害児相談支援", "株式会社すくすく",
     "旭町二丁目", "4-19", "旭ビル101"),
    ("相談支援センターかすみ", "ソウダンシエンセンターカスミ", "計画相談支援;障害児相談支援", "医療法人社団霞会",
     "霞ケ関北一丁目", "7-2", ""),
    ("相談支援事業所こころ", "ソウダンシエンジギョウショココロ", "計画相談支援", "一般社団法人こころ", "大字今福",
     "2205-1", ""),
    ("指定特定相談支援事業所みなみ", "シテイトクテイソウダンシエンジギョウショミナミ", "計画相談支援",
     "社会福祉法人南古谷福祉会", "大字今泉", "330", ""),
    ("相談支援事業所わかば", "ソウダンシエンジギョウショワカバ", "計画相談支援;障害児相談支援", "合同会社わかば",
     "大字砂", "870-3", ""),
    ("地域生活支援センターつばさ", "チイキセイカツシエンセンターツバサ", "一般相談支援;計画相談支援",
     "社会福祉法人つばさ会", "大字鯨井", "1402-6", ""),
    ("相談支援事業所かわつる", "ソウダンシエンジギョウショカワツル", "計画相談支援", "株式会社かわつるナース",
     "川鶴一丁目", "6-12", "2階"),
    ("障害児相談支援事業所にこにこ", "ショウガイジソウダンシエンジギョウショニコニコ", "障害児相談支援",
     "NPO法人にこにこ", "仙波町一丁目", "12-7", ""),
    ("相談支援事業所やまだ", "ソウダンシエンジギョウショヤマダ", "計画相談支援", "社会福祉法人山田会", "大字山田",
     "1502-2", ""),
    ("相談支援センター大東", "ソウダンシエンセンターダイトウ", "計画相談支援;障害児相談支援", "社会福祉法人大東福祉会",
     "大字大袋新田", "977-1", ""),
    ("相談支援事業所ふるや", "ソウダンシエンジギョウショフルヤ", "計画相談支援", "NPO法人ふるやの家", "大字古谷本郷",
     "1450", ""),
    ("相談支援事業所まとば", "ソウダンシエンジギョウショマトバ", "計画相談支援", "株式会社まとばケア", "的場新町",
     "18-4", ""),
]  # fmt: skip


def make_sodan_shien() -> None:
    rng = random.Random(SEED + 2)
    rows = []
    for i, (name, kana, services, operator, town, block, building) in enumerate(SODAN, start=1):
        t = TOWNS[town]
        written_town = t.name.replace("霞ケ関", "霞ヶ関") if i == 5 else t.name  # 霞ヶ関 as often typed
        lat, lon = point(rng, town) if i % 2 else ("", "")
        kind = "05" if operator.startswith(("社会福祉法人", "NPO")) else "01"
        corp_no = corporate_number(rng, kind) if i % 3 else ""
        email = f"soudan{i:02d}@example.invalid" if i % 4 else ""
        fax = phone(new_number(rng)) if i % 2 else ""
        note = {2: "基幹相談支援センターを兼ねる", 10: "土曜日は予約制"}.get(i, "")
        rows.append([CODE, i, "埼玉県川越市", name, kana, services, CODE, "",
                     f"埼玉県川越市{written_town}{block}", "埼玉県", "川越市", written_town, block, building, lat, lon,
                     phone(new_number(rng), "hyphen"), "", fax, email, corp_no, operator,
                     f"11312{rng.randrange(10**5):05d}", f"https://example.org/soudan{i:02d}/" if i % 3 == 0 else "",
                     note])  # fmt: skip
    write_csv(OUT / "shogai" / f"{CODE}_soudan_shien.csv", SODAN_HEADER, rows, encoding="utf-8-sig", newline="\r\n")
    plant("sodan-shien", "header", "メ―ルアドレス written with U+2015 (―) in place of ー")
    plant(
        "sodan-shien",
        "CSV line 6 (ID 5)",
        "所在地 written 霞ヶ関北一丁目 (small ヶ) — same town as 霞ケ関北一丁目",
    )


# ---------------------------------------------------------------------------------------------------------
# 3. 高齢者いきがい課: 老人クラブ一覧 (xlsx): title row, blank row, two-row merged header, hidden row, ※ note.

ROJIN = [
    ("仙波寿会", "仙波町三丁目"), ("新富町長寿会", "新富町一丁目"), ("的場福寿会", "大字的場"),
    ("かすみ野シニアクラブ", "かすみ野一丁目"), ("川鶴ことぶき会", "川鶴三丁目"), ("今福老人クラブ", "大字今福"),
    ("鴨田松寿会", "大字鴨田"), ("古谷上友愛クラブ", "大字古谷上"), ("久下戸長寿会", "大字久下戸"),
    ("藤間若葉会", "大字藤間"), ("大袋白寿会", "大字大袋"), ("鯨井いきいきクラブ", "大字鯨井"),
    ("脇田町寿会（令和7年度末解散）", "脇田町"), ("山田ふれあい会", "大字山田"), ("霞ケ関北ゆうゆうクラブ", "霞ケ関北五丁目"),
    ("小仙波長生会", "小仙波町二丁目"), ("岸町悠々会", "岸町一丁目"), ("南大塚すこやか会", "大字南大塚"),
    ("吉田老友会", "大字吉田"), ("並木和楽会", "大字並木"), ("石田さくら会", "大字石田"), ("寺尾悠久会", "大字寺尾"),
    ("中福ひまわりクラブ", "大字中福"), ("上寺山松風会", "大字上寺山"), ("元町くらぶ", "元町二丁目"),
]  # fmt: skip
ROJIN_ACTIVITIES = ("グラウンドゴルフ、輪投げ", "清掃奉仕、花壇づくり", "健康体操、カラオケ", "ペタンク、旅行",
                    "見守り訪問、茶話会", "民謡、手芸", "囲碁・将棋", "ウォーキング、防犯パトロール")  # fmt: skip
ROJIN_TITLE = "川越市老人クラブ一覧（令和8年4月1日現在）"


def make_rojin_club() -> None:
    rng = random.Random(SEED + 3)
    wb = Workbook()
    ws = wb.active
    ws.title = "老人クラブ一覧"
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    ws["A1"] = ROJIN_TITLE
    ws["A1"].font = Font(size=14, bold=True)
    ws.merge_cells("A1:J1")
    # header rows 3-4; 代表者 spans 氏名・電話番号・連絡先公開
    top = ["No.", "クラブ名", "地区", "会員数", "代表者", None, None, "活動内容", "結成年月日", "掲載希望"]
    sub = [None, None, None, None, "氏名", "電話番号", "連絡先公開", None, None, None]
    for col, (a, b) in enumerate(zip(top, sub, strict=True), start=1):
        for row, value in ((3, a), (4, b)):
            cell = ws.cell(row=row, column=col, value=value)
            cell.fill, cell.border = head_fill, border
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for col in "ABCDHIJ":
        ws.merge_cells(f"{col}3:{col}4")
    ws.merge_cells("E3:G3")
    founded = [date(1973, 4, 1), date(1980, 5, 1), date(1992, 6, 15), date(2019, 4, 1), date(2024, 4, 1)]
    first = 5
    for i, (club, town) in enumerate(ROJIN, start=1):
        r = first + i - 1
        disbanded = "解散" in club
        tel_number = new_number(rng, mobile=i % 3 == 0)
        values = [i, club, TOWNS[town].district, rng.randrange(18, 95), person(rng, ELDER_GIVEN),
                  phone(tel_number, "paren" if i % 7 == 0 and i % 3 else "hyphen"), "×" if i % 4 == 0 else "○",
                  rng.choice(ROJIN_ACTIVITIES),
                  wareki(founded[i % len(founded)], "letter" if i % 5 == 0 else "kanji"),
                  "否" if disbanded or i == 20 else "可"]  # fmt: skip
        for col, value in enumerate(values, start=1):
            ws.cell(row=r, column=col, value=value).border = border
        if disbanded:
            ws.row_dimensions[r].hidden = True
            plant(
                "rojin-club",
                f"sheet row {r} (No. {i})",
                "hidden row: a disbanded club kept by the department, 掲載希望 否",
            )
    last = first + len(ROJIN) - 1
    note_row = last + 1
    ws.cell(row=note_row, column=1, value="※代表者の連絡先は「連絡先公開」が○のクラブのみ公開します。")
    ws.merge_cells(f"A{note_row}:J{note_row}")
    for col, width in zip("ABCDEFGHIJ", (5, 26, 9, 7, 13, 15, 9, 26, 15, 8), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A5"
    plant(
        "rojin-club",
        "sheet row 1",
        f"title 「{ROJIN_TITLE}」 = stated date 2026-04-01 (P1Y: fresh, 247 days)",
    )
    plant("rojin-club", f"sheet row {note_row}", "※ note row right under the table (not a record)")
    plant("rojin-club", "sheet row 24 (No. 20)", "掲載希望 否 (the club declines publication)")
    save_workbook(wb, OUT / "korei" / "rojin_club.xlsx")


# ---------------------------------------------------------------------------------------------------------
# 4. こども政策課: 子ども食堂一覧 (xlsx): instructions sheet first, list on the second sheet.

# name, operator, venue, town, block, address style, schedule, fee, eligibility, capacity, recruiting
KODOMO = [
    ("（株）川越フードサポート　こども食堂", "株式会社川越フードサポート", "フードサポート本社1階", "脇田本町", (12, 5),
     "zenbanchi", "毎月第2・第4土曜日 11:30～13:30", "子ども無料・大人300円", "どなたでも", 40, "募集中"),
    ("にじいろ食堂", "にじいろの会", "川鶴地域会館", "川鶴二丁目", (8, 3), "bango", "毎月第1金曜日 17:00～19:00",
     "子ども100円・大人300円", "地域の子どもと保護者", 30, "募集中"),
    ("みんなの食堂　なかよし", "なかよし食堂実行委員会", "仙波町一丁目集会所", "仙波町一丁目", (9, 14), "hyphen",
     "毎週水曜日 17:00～19:00", "無料", "小学生以下とその保護者", 25, "募集停止中"),
    ("こども食堂　いもっこ", "NPO法人いもっこ", "今福ふれあい館", "大字今福", (1620, 2), "hyphen",
     "毎月第3日曜日 12:00～14:00", "子ども無料・大人200円", "どなたでも", 50, "募集中"),
    ("かすみ子ども食堂", "霞ケ関地区民生委員・児童委員協議会", "霞ケ関東自治会館", "霞ケ関東三丁目", (6, 1), "banchi",
     "毎月第2水曜日 16:30～18:30", "100円", "小・中学生", 30, "要問合せ"),
    ("芳野こども食堂　ほっこり", "ほっこりの会", "石田集会所", "大字石田", (455, 1), "banchi",
     "毎月第4土曜日 11:00～13:00", "無料", "地域の子ども（中学生まで）", 20, "募集中"),
    ("ふるやっ子食堂", "古谷地区社会福祉協議会", "古谷上集会所", "大字古谷上", (3380,), "zenbanchi",
     "月1回（不定期）", "子ども無料", "古谷地区の子ども", 30, "募集中"),
    ("", "南古谷地区の有志", "渋井集会所", "大字渋井", (1105, 3), "hyphen", "毎月第1日曜日 11:30～13:00",
     "無料", "どなたでも", 20, "募集中"),
    ("子ども食堂　おひさま", "社会福祉法人高階福祉会", "特別養護老人ホーム高階苑 地域交流室", "大字砂", (870, 5),
     "banchi", "毎月第3土曜日 11:30～13:30", "子ども無料・大人300円", "どなたでも", 40, "募集中"),
    ("たべよう会", "たべよう会", "鯨井公民館分室", "大字鯨井", (2011, 4), "hyphen", "毎週金曜日 17:30～19:00",
     "100円", "小学生～高校生", 15, "募集停止中"),
    ("こども食堂　かわごえ小町", "一般社団法人かわごえ小町", "元町ふれあい広場", "元町二丁目", (1, 9), "bango",
     "毎月第2日曜日 12:00～14:00", "子ども無料・大人500円", "どなたでも", 60, "募集中"),
    ("おおぶくろ子ども食堂", "大東地区子ども育成会", "大袋新田集会所", "大字大袋新田", (640, 2), "zenbanchi",
     "毎月第4日曜日 11:30～13:30", "無料", "大東地区の子ども", 30, "要問合せ"),
    ("やまだ　わくわく食堂", "わくわく食堂の会", "上寺山自治会館", "大字上寺山", (276,), "banchi",
     "毎月第1土曜日 11:00～13:00", "子ども無料・大人200円", "どなたでも", 25, "募集中"),
    ("新宿町こども食堂", "新宿町三丁目自治会", "新宿町三丁目自治会館", "新宿町三丁目", (2, 22), "hyphen",
     "毎月第3金曜日 17:00～19:00", "100円", "小学生以下とその保護者", 20, "募集中"),
]  # fmt: skip

KODOMO_HEADER = ["No", "名称", "運営団体", "会場", "郵便番号", "所在地", "開催日時", "参加費", "対象", "定員",
                 "募集状況", "電話番号", "メールアドレス", "備考"]  # fmt: skip


def make_kodomo_shokudo() -> None:
    rng = random.Random(SEED + 4)
    wb = Workbook()
    guide = wb.active
    guide.title = "記入要領"
    lines = [
        "子ども食堂一覧　記入要領",
        "",
        "1. 「子ども食堂一覧」シートに1行1か所で記入してください。",
        "2. 所在地は「川越市」から番地まで記入してください（建物名は「会場」欄へ）。",
        "3. 募集状況は「募集中」「募集停止中」「要問合せ」から選んでください。",
        "4. 電話番号・メールアドレスは公開してよい連絡先のみ記入してください。",
        "",
        "※本一覧は令和8年10月1日時点の情報です。",
        "問合せ：こども政策課　kodomo-seisaku@example.invalid",
    ]
    for r, text in enumerate(lines, start=1):
        guide.cell(row=r, column=1, value=text or None)
    guide["A1"].font = Font(size=14, bold=True)
    guide.column_dimensions["A"].width = 80

    ws = wb.create_sheet("子ども食堂一覧")
    for col, head in enumerate(KODOMO_HEADER, start=1):
        cell = ws.cell(row=1, column=col, value=head)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="FCE4D6")
    for i, (name, operator, venue, town, block, style, schedule, fee, target, cap, recruit) in enumerate(
        KODOMO, start=1
    ):
        r = i + 1
        t = TOWNS[town]
        if i == 1:
            tel = phone(SHARED["foodsupport"], "hyphen")
        elif i == 2:
            tel = phone(SHARED["nijiiro"], "paren")
        else:
            tel = phone(new_number(rng, mobile=i % 4 == 0), "hyphen" if i % 5 else "plain")
        postal = t.postal.replace("-", "") if i == 6 else ("〒" + t.postal if i == 11 else t.postal)
        email = f"shokudo{i:02d}@example.invalid" if i % 3 else None
        note = {1: "フードパントリー同時開催", 4: "テイクアウトあり", 9: "施設の地域交流室を利用"}.get(i)
        values = [i, name or None, operator, venue, postal, address(town, block, style), schedule, fee, target, cap,
                  recruit, tel, email, note]  # fmt: skip
        for col, value in enumerate(values, start=1):
            ws.cell(row=r, column=col, value=value)
        if not name:
            plant("kodomo-shokudo", f"sheet 子ども食堂一覧 row {r} (No {i})", "BAD: 名称 empty (required:name)")
    dv = DataValidation(type="list", formula1='"募集中,募集停止中,要問合せ"', allow_blank=True)
    ws.add_data_validation(dv)
    dv.add(f"K2:K{len(KODOMO) + 1}")
    for col, width in zip("ABCDEFGHIJKLMN", (4, 30, 26, 26, 10, 34, 30, 22, 22, 6, 10, 15, 28, 24), strict=True):
        ws.column_dimensions[col].width = width
    plant("kodomo-shokudo", "sheet 1", "instructions sheet 記入要領 comes first; the list is sheet 2")
    plant("kodomo-shokudo", "rows 7 and 12 (No 6, 11)", "郵便番号 written 3501… without hyphen / with 〒")
    save_workbook(wb, OUT / "kodomo" / "kodomo_shokudo.xlsx")


# ---------------------------------------------------------------------------------------------------------
# 5. 地域包括ケア推進課: 地域包括支援センター page (HTML table).

# name, slug, area served, town, block, address style
HOUKATSU = [
    ("川越市地域包括支援センター　仙波", "senba", "本庁（仙波町・小仙波町・新富町ほか）", "仙波町二丁目", (5, 8), "banchi"),
    ("地域包括支援センター　かすみ", "kasumi", "霞ケ関北・霞ケ関東", "霞ケ関北三丁目", (12, 4), "hyphen"),
    ("川越市地域包括支援センター　しんとみ", "shintomi", "本庁（連雀町・元町・幸町ほか）", "新富町一丁目", (20, 3),
     "hyphen"),
    ("川越市地域包括支援センター　よしの", "yoshino", "芳野・古谷", "大字鴨田", (1150, 2), "banchi"),
    ("川越市地域包括支援センター　みなみふるや", "minamifuruya", "南古谷", "大字今泉", (210, 1), "hyphen"),
    ("川越市地域包括支援センター　たかしな", "takashina", "高階", "大字寺尾", (520, 3), "zenbanchi"),
    ("川越市地域包括支援センター　ふくはら", "fukuhara", "福原・大東", "大字今福", (2010, 1), "hyphen"),
    ("川越市地域包括支援センター　かわつる", "kawatsuru", "川鶴・霞ケ関", "川鶴三丁目", (3, 5), "bango"),
    ("川越市地域包括支援センター　なぐわし", "naguwashi", "名細・山田", "大字鯨井", (1630, 4), "banchi"),
]  # fmt: skip
HOUKATSU_UPDATED = "令和8年7月21日"  # 2026-07-21: 136 days old at 2026-12-04 → overdue for P3M (120 ≤ 136 < 150)

PAGE_HEAD = """<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}｜川越市</title>
<link rel="stylesheet" href="/css/common.css">
{extra_head}</head>
<body>
<div id="wrapper">
<header id="header">
  <p class="site-name"><a href="/"><img src="/img/logo.png" alt="川越市"></a></p>
  <ul class="header-links"><li><a href="/foreign/">Foreign Language</a></li><li><a href="/sitemap.html">サイトマップ</a></li>
  <li><a href="/yomiage.html">読み上げ</a></li></ul>
  <form class="search" action="/search.html"><input type="text" name="q" title="サイト内検索"><button>検索</button></form>
</header>
<nav id="gnav">
  <ul>
    <li><a href="/kurashi/">くらし・手続き</a></li>
    <li><a href="/kosodate/">子育て・教育</a></li>
    <li><a href="/fukushi/">健康・福祉</a></li>
    <li><a href="/bunka/">観光・文化</a></li>
    <li><a href="/shisei/">市政情報</a></li>
  </ul>
</nav>
<div id="breadcrumb"><a href="/">トップページ</a> &gt; <a href="/fukushi/">健康・福祉</a> &gt; {crumb}</div>
<main id="main">
"""

PAGE_FOOT = """</main>
<footer id="footer">
  <p class="footer-address">川越市役所　〒350-8601 埼玉県川越市元町1丁目3番地1　電話：049-224-8811（代表）</p>
  <p class="footer-hours">開庁時間：月曜日から金曜日の午前8時30分から午後5時15分（祝日・年末年始を除く）</p>
  <p class="demo-note">※このページは Tsunagu のデモ用に作成した架空の内容です。</p>
  <p class="copyright">Copyright © Kawagoe City (demo). All rights reserved.</p>
</footer>
</div>
</body>
</html>
"""


def make_houkatsu() -> None:
    rng = random.Random(SEED + 5)
    rows = []
    for i, (name, slug, area, town, block, style) in enumerate(HOUKATSU, start=1):
        if i == 1:
            addr, tel = address(town, block, style), phone(SHARED["houkatsu-senba"], "hyphen")
        elif i == 2:
            addr = "川越市霞ヶ関北3-12-4"  # small ヶ, as often typed
            tel = phone(SHARED["houkatsu-kasumi"], "paren")
        else:
            addr, tel = (
                address(town, block, style),
                phone(new_number(rng), "paren" if i % 3 == 0 else "hyphen"),
            )
        fax = phone(new_number(rng), "hyphen")
        rows.append(
            f'      <tr>\n        <td><a href="/fukushi/koreisha/houkatsu/{slug}.html">{name}</a></td>\n'
            f"        <td>{area}</td>\n        <td>{addr}</td>\n        <td>{tel}</td>\n        <td>{fax}</td>\n"
            "      </tr>\n"
        )
    body = f"""<article class="contents">
  <h1>地域包括支援センター（高齢者の総合相談窓口）</h1>
  <p class="update">最終更新日：{HOUKATSU_UPDATED}</p>
  <p>地域包括支援センターは、高齢者の皆さんが住み慣れた地域で安心して暮らせるよう、介護・福祉・健康・医療などの
  相談をお受けする総合相談窓口です。お住まいの地区を担当するセンターにご相談ください。</p>
  <h2>窓口の受付時間</h2>
  <table class="schedule">
    <tr><th>曜日</th><th>時間</th></tr>
    <tr><td>月曜日～金曜日</td><td>午前8時30分～午後5時15分</td></tr>
    <tr><td>土曜日</td><td>午前9時～正午（電話相談のみ）</td></tr>
  </table>
  <h2>センター一覧</h2>
  <div class="table-scroll">
    <table class="table01 houkatsu">
      <caption>地域包括支援センター一覧</caption>
      <tr>
        <th scope="col">センター名</th>
        <th scope="col">担当地区</th>
        <th scope="col">所在地</th>
        <th scope="col">電話番号</th>
        <th scope="col">FAX番号</th>
      </tr>
{"".join(rows)}    </table>
  </div>
  <p>※担当地区が分からない場合は、地域包括ケア推進課（電話：049-224-8811 代表）までお問い合わせください。</p>
  <div class="contact">
    <h2>このページについてのお問い合わせ</h2>
    <p>福祉部　地域包括ケア推進課<br>メールアドレス：<a href="mailto:chiiki-houkatsu@example.invalid">chiiki-houkatsu@example.invalid</a></p>
  </div>
</article>
"""
    html = (
        PAGE_HEAD.format(title="地域包括支援センター", extra_head="", crumb="地域包括支援センター") + body + PAGE_FOOT
    )
    path = OUT / "pages" / "houkatsu.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    plant(
        "houkatsu",
        "page p.update",
        f"最終更新日：{HOUKATSU_UPDATED} (2026-07-21) → OVERDUE at 2026-12-04 (136 d)",
    )
    plant("houkatsu", "table row 1", "exact duplicate of care-services NO 1 (width/space variant)")
    plant("houkatsu", "table row 2", "harder variant of care-services NO 2; address 霞ヶ関北 (small ヶ)")


# ---------------------------------------------------------------------------------------------------------
# 6. 高齢者いきがい課: ふれあいサロン page (repeated blocks, <base href>, relative photo URLs).

# name, venue, town, block, address style (or literal), schedule, fee, recruiting, organiser
SALON = [
    ("ふれあいサロン　まとば", "的場地域ふれあいセンター", "大字的場", (1234,), "川越市大字的場1234番地",
     "毎月第1・第3火曜日 13:30～15:30", "100円（お茶代）", "募集中", "的場地区社会福祉協議会"),
    ("いきいきサロン高階", "藤間自治会館", "大字藤間", (123,), "川越市藤間123", "毎月第2木曜日 10:00～12:00",
     "100円", "募集中", "高階地区社会福祉協議会"),
    ("サロン　さくら草", "仙波町三丁目集会所", "仙波町三丁目", (8, 21), "hyphen", "毎月第4月曜日 13:30～15:00",
     "無料", "募集中", "仙波町三丁目自治会"),
    ("おしゃべりサロン　しんとみ", "新富町二丁目自治会館", "新富町二丁目", (10, 4), "banchi",
     "毎週金曜日 10:00～11:30", "50円", "募集していません", "新富町二丁目自治会"),
    ("ふれあいサロン　いさぬま", "伊佐沼集会所", "大字伊佐沼", (810,), "banchi", "毎月第1水曜日 13:30～15:30",
     "100円", "募集中", "芳野地区社会福祉協議会"),
    ("健康サロン　ふるや", "古谷本郷集会所", "大字古谷本郷", (1402, 1), "hyphen", "毎月第2・第4火曜日 10:00～11:30",
     "無料", "募集中", "古谷地区社会福祉協議会"),
    ("サロン　なみき", "並木集会所", "大字並木", (455,), "zenbanchi", "毎月第3水曜日 13:00～15:00", "100円",
     "募集していません", "並木自治会"),
    ("ふれあいサロン　くげど", "久下戸集会所", "大字久下戸", (2301,), "banchi", "毎月第1金曜日 13:30～15:30",
     "100円", "募集中", "南古谷地区社会福祉協議会"),
    ("茶話会サロン　いまふく", "今福第二自治会館", "大字今福", (1850, 3), "hyphen", "毎月第2月曜日 13:30～15:00",
     "100円", "募集中", "福原地区社会福祉協議会"),
    ("歌声サロン　おおぶくろ", "大袋集会所", "大字大袋", (602,), "banchi", "毎月第3金曜日 10:00～12:00", "200円",
     "募集中", "大東地区社会福祉協議会"),
    ("サロン　かすみの", "かすみ野集会所", "かすみ野一丁目", (12, 1), "bango", "毎月第1・第3木曜日 13:30～15:30",
     "100円", "募集していません", "かすみ野自治会"),
    ("ふれあいサロン　かわつる", "川鶴公民館", "川鶴二丁目", (21, 1), "hyphen", "毎月第2水曜日 10:00～12:00",
     "100円（材料費別）", "募集中", "川鶴地区社会福祉協議会"),
    ("霞ヶ関北ふれあいサロン", "霞ケ関北自治会館", "霞ケ関北五丁目", (4, 9), "川越市霞ヶ関北5-4-9",
     "毎月第4水曜日 13:30～15:30", "100円", "募集中", "霞ケ関北地区社会福祉協議会"),
    ("サロン　よしだ", "吉田集会所", "大字吉田", (350, 2), "hyphen", "毎月第1月曜日 13:30～15:00", "無料",
     "募集中", "名細地区社会福祉協議会"),
    ("いきいきサロン　やまだ", "山田集会所", "大字山田", (1910,), "banchi", "毎月第3火曜日 10:00～11:30", "100円",
     "募集中", "山田地区社会福祉協議会"),
    ("サロン　わきた", "脇田町集会所", "脇田町", (5, 17), "zen", "毎月第2金曜日 13:30～15:00", "50円",
     "募集していません", "脇田町自治会"),
    ("男の料理サロン", "郭町地域会館 調理室", "郭町二丁目", (28, 1), "hyphen", "毎月第4土曜日 10:00～13:00",
     "500円（材料費）", "募集中", "本庁地区社会福祉協議会"),
    ("手芸サロン　ひまわり", "岸町自治会館", "岸町一丁目", (14, 2), "banchi", "毎月第1・第3水曜日 13:00～15:00",
     "100円", "募集中", "岸町自治会"),
    ("健康麻雀サロン　しもあかさか", "下赤坂集会所", "大字下赤坂", (701,), "hyphen", "毎週火曜日 13:00～16:00",
     "200円", "募集していません", "下赤坂自治会"),
    ("サロン　こせんば", "小仙波町二丁目集会所", "小仙波町二丁目", (3, 9), "hyphen", "毎月第3月曜日 13:30～15:00",
     "無料", "募集中", "小仙波町二丁目自治会"),
]  # fmt: skip
SALON_UPDATED = "2026年11月10日"  # 24 days old at 2026-12-04: fresh for P3M
SALON_BASE = f"{SITE}/fukushi/koreisha/salon/"


def make_salon() -> None:
    rng = random.Random(SEED + 6)
    blocks = []
    for i, (name, venue, town, block, style, schedule, fee, recruit, organiser) in enumerate(SALON, start=1):
        addr = style if style.startswith("川越市") else address(town, block, style)
        postal = TOWNS[town].postal
        if i == 1:
            tel = phone(SHARED["salon-matoba"], "hyphen")
        elif i == 2:
            tel = phone(SHARED["salon-takashina"], "paren")
        elif i == 9:
            tel = phone(new_number(rng), "choon")  # 049ー2xxー… typed with the long-vowel mark
            plant("fureai-salon", "block 9", "phone typed with ー (long-vowel mark) as hyphens — must normalize")
        else:
            tel = phone(new_number(rng), ("hyphen", "paren", "hyphen", "zen")[i % 4])
        if i == 7:
            photo = ""
        elif i == 12:
            photo = (
                '  <p class="photo"><img src="https://example.org/photos/salon-kawatsuru.jpg" alt="活動の様子"></p>\n'
            )
        else:
            photo = f'  <p class="photo"><img src="images/salon{i:02d}.jpg" alt="活動の様子"></p>\n'
        blocks.append(
            f'<div class="salon" id="salon{i:02d}">\n  <h3>{name}</h3>\n{photo}  <dl>\n'
            f'    <dt>会場</dt><dd class="venue">{venue}</dd>\n'
            f'    <dt>住所</dt><dd class="address">〒{postal} {addr}</dd>\n'
            f'    <dt>開催日</dt><dd class="date">{schedule}</dd>\n'
            f'    <dt>参加費</dt><dd class="fee">{fee}</dd>\n'
            f'    <dt>参加者募集</dt><dd class="recruit">{recruit}</dd>\n'
            f'    <dt>運営</dt><dd class="organiser">{organiser}</dd>\n'
            f'    <dt>連絡先</dt><dd class="tel">{tel}</dd>\n'
            "  </dl>\n</div>\n"
        )
    body = f"""<article class="contents">
  <h1>ふれあいいきいきサロン（地域の通いの場）</h1>
  <p class="updated">最終更新日：{SALON_UPDATED}</p>
  <p>ふれあいいきいきサロンは、地域の皆さんが気軽に集い、おしゃべりや体操を楽しむ通いの場です。
  参加を希望される方は、各サロンの連絡先へお問い合わせください。</p>
  <p class="note">※開催日は変更になる場合があります。写真は各サロンから提供を受けたものです。</p>
  <section class="salon-list">
{"".join(blocks)}  </section>
  <div class="contact">
    <h2>このページについてのお問い合わせ</h2>
    <p>福祉部　高齢者いきがい課<br>メールアドレス：<a href="mailto:korei-ikigai@example.invalid">korei-ikigai@example.invalid</a></p>
  </div>
</article>
"""
    html = (
        PAGE_HEAD.format(
            title="ふれあいいきいきサロン",
            extra_head=f'<base href="{SALON_BASE}">\n',
            crumb="ふれあいいきいきサロン",
        )
        + body
        + PAGE_FOOT
    )
    path = OUT / "pages" / "salon.html"
    path.write_text(html, encoding="utf-8")
    plant("fureai-salon", "page p.updated", f"最終更新日：{SALON_UPDATED} (fresh, 24 days)")
    plant("fureai-salon", "block 1", "exact duplicate of volunteer-groups record 1 (・ vs full-width space)")
    plant(
        "fureai-salon",
        "block 2",
        "harder variant of volunteer-groups record 4 (word order); address without 大字",
    )
    plant(
        "fureai-salon",
        "blocks 7 / 12",
        "7 has no photo; 12 has an absolute photo URL; others relative to <base>",
    )


# ---------------------------------------------------------------------------------------------------------
# 7. 社会福祉協議会 ボランティアセンター: registered groups (JSON, nested).

# id suffix, name, kana, categories, activity, area, place (name, town, block, style|literal) or None, schedule,
# recruiting
VOLUNTEER = [
    ("ふれあいサロン・まとば", "フレアイサロンマトバ", ["高齢者支援", "居場所"], "高齢者の茶話会・体操", "霞ケ関地区",
     ("的場地域ふれあいセンター", "大字的場", (1234,), "埼玉県川越市大字的場１２３４"), "毎月第1・第3火曜日", True),
    ("株式会社川越フードサポートこども食堂", "カワゴエフードサポートコドモショクドウ", ["子ども", "食事"],
     "子ども食堂の運営・フードパントリー", "本庁地区",
     ("フードサポート本社1階", "脇田本町", (12, 5), "川越市脇田本町12-5"), "毎月第2・第4土曜日", True),
    ("子ども食堂 にじいろ", "コドモショクドウニジイロ", ["子ども", "食事"], "子ども食堂", "川鶴地区",
     ("川鶴地域会館", "川鶴二丁目", (8, 3), "川越市川鶴2-8-3"), "毎月第1金曜日", True),
    ("高階いきいきサロン", "タカシナイキイキサロン", ["高齢者支援", "居場所"], "サロン活動（体操・脳トレ）", "高階地区",
     ("藤間自治会館", "大字藤間", (123,), "川越市大字藤間123番地"), "毎月第2木曜日", True),
    ("傾聴ボランティア こころ", "ケイチョウボランティアココロ", ["高齢者支援", "見守り"], "施設・在宅での傾聴",
     "本庁地区", None, "随時", True),
    ("配食ボランティア ひまわり会", "ハイショクボランティアヒマワリカイ", ["高齢者支援", "配食"],
     "ひとり暮らし高齢者への配食と安否確認", "芳野地区", ("芳野公民館 調理室", "大字鴨田", (1300,), "banchi"),
     "毎週火曜日", True),
    ("外出支援の会 あゆみ", "ガイシュツシエンノカイアユミ", ["高齢者支援", "外出同行"], "通院・買い物の付き添い",
     "福原地区", None, "随時（要予約）", None),
    ("朗読ボランティア やまびこ", "ロウドクボランティアヤマビコ", ["障がい者支援"], "広報紙・図書の音訳", "市内全域",
     ("川越市福祉会館 録音室", "大手町", (5, 2), "hyphen"), "毎週水曜日", False),
    ("見守り隊 かすみ", "ミマモリタイカスミ", ["高齢者支援", "見守り"], "ひとり暮らし高齢者の見守り訪問",
     "霞ケ関北地区", None, "月2回", True),
    ("子育て応援隊 ぽかぽか", "コソダテオウエンタイポカポカ", ["子育て支援"], "子育てサロンの運営補助", "大東地区",
     ("大袋集会所", "大字大袋", (602,), "banchi"), "毎月第2月曜日", True),
    ("学習支援ボランティア まなび舎", "ガクシュウシエンボランティアマナビヤ", ["子ども", "学習支援"],
     "中学生の学習支援教室", "名細地区", ("鯨井公民館分室", "大字鯨井", (2011, 4), "hyphen"), "毎週土曜日", True),
    ("手話サークル 小江戸", "シュワサークルコエド", ["障がい者支援"], "手話の学習と通訳協力", "市内全域",
     ("川越市福祉会館 会議室", "大手町", (5, 2), "hyphen"), "毎週木曜日 19:00～21:00", True),
    ("点訳グループ つくし", "テンヤクグループツクシ", ["障がい者支援"], "点訳・点字図書の作成", "市内全域", None,
     "毎月第1・第3月曜日", False),
    ("災害ボランティア 川越", "サイガイボランティアカワゴエ", ["防災"], "災害ボランティアセンター運営訓練", "市内全域",
     None, "年4回", True),
    ("おもちゃ病院 かわごえ", "オモチャビョウインカワゴエ", ["子ども"], "壊れたおもちゃの修理", "本庁地区",
     ("元町ふれあい広場", "元町二丁目", (1, 9), "bango"), "毎月第3日曜日", False),
    ("新河岸川クリーンの会", "シンガシガワクリーンノカイ", ["環境"], "河川敷の清掃", "高階地区", None, "毎月第1日曜日",
     True),
    ("認知症サポーターの会 オレンジ", "ニンチショウサポーターノカイオレンジ", ["高齢者支援", "居場所"],
     "認知症カフェの運営協力", "南古谷地区", ("今泉集会所", "大字今泉", (480, 2), "hyphen"), "毎月第4土曜日", True),
    ("傾聴グループ 寄り添い", "ケイチョウグループヨリソイ", ["高齢者支援"], "電話による傾聴", "市内全域", None, "随時",
     None),
    ("買い物支援 ささえあい南古谷", "カイモノシエンササエアイミナミフルヤ", ["高齢者支援", "外出同行"],
     "移動販売の手伝い・買い物代行", "南古谷地区", None, "毎週金曜日", True),
    ("囲碁ボランティア 一石会", "イゴボランティアイッセキカイ", ["高齢者支援", "居場所"], "施設での囲碁の相手",
     "山田地区", ("山田集会所", "大字山田", (1910,), "banchi"), "毎月第2・第4水曜日", False),
    ("国際交流ボランティア KIFA", "コクサイコウリュウボランティアキファ", ["多文化共生"], "外国人住民の日本語学習支援",
     "市内全域", ("川越市国際交流センター", "連雀町", (11, 6), "hyphen"), "毎週日曜日 10:00～12:00", True),
    ("障がい児余暇支援 にこにこ", "ショウガイジヨカシエンニコニコ", ["障がい者支援", "子ども"],
     "障がいのある子どもの余暇活動", "古谷地区", ("古谷上集会所", "大字古谷上", (3380,), "zenbanchi"),
     "毎月第2土曜日", True),
]  # fmt: skip
VOLUNTEER_UPDATED = "2026-11-20"


def make_volunteer_groups() -> None:
    rng = random.Random(SEED + 7)
    groups = []
    for i, (name, kana, categories, activity, area, place, schedule, recruiting) in enumerate(VOLUNTEER, start=1):
        shared = {1: "salon-matoba", 2: "foodsupport", 3: "nijiiro", 4: "salon-takashina"}.get(i)
        if shared:
            tel = phone(SHARED[shared], ("plain", "hyphen", "hyphen", "hyphen")[i - 1])
        else:
            tel = phone(new_number(rng, mobile=i % 2 == 0), "hyphen")
        place_obj = None
        if place is not None:
            venue, town, block, style = place
            written = style if style.startswith(("川越市", "埼玉県")) else address(town, block, style)
            place_obj = {"name": venue, "address": written, "postal_code": TOWNS[town].postal}
        registered = date(2010 + (i * 7) % 16, 1 + (i * 5) % 12, 1)
        groups.append(
            {
                "id": f"VG-{i:03d}",
                "name": name,
                "kana": kana,
                "category": categories,
                "activity": activity,
                "area": area,
                "place": place_obj,
                "schedule": schedule,
                "recruiting": recruiting,
                "members": rng.randrange(4, 60),
                "contact": {
                    "person": person(rng, YOUNG_GIVEN if i % 2 else ELDER_GIVEN, space=" "),
                    "phone": tel,
                    "email": f"vg{i:03d}@example.invalid" if i % 3 else None,
                    "public": i % 5 != 0,
                },
                "url": f"https://example.org/volunteer/vg{i:03d}/" if i % 6 == 0 else None,
                "registered": registered.isoformat(),
            }
        )
    doc = {
        "meta": {
            "title": "川越市ボランティアセンター 登録団体一覧",
            "publisher": "社会福祉法人川越市社会福祉協議会（デモ）",
            "updated": VOLUNTEER_UPDATED,
            "count": len(groups),
            "license": "CC BY 4.0",
            "note": "連絡先は contact.public が true の団体のみ公開可",
        },
        "data": {"groups": groups},
    }
    path = OUT / "shakyo" / "volunteer_groups.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    plant("volunteer-groups", "record 1 (VG-001)", "exact duplicate of fureai-salon block 1")
    plant("volunteer-groups", "record 2 (VG-002)", "exact duplicate of kodomo-shokudo No 1 (株式会社 vs （株）)")
    plant("volunteer-groups", "record 3 (VG-003)", "harder variant of kodomo-shokudo No 2 (にじいろ)")
    plant("volunteer-groups", "record 4 (VG-004)", "harder variant of fureai-salon block 2 (高階)")
    plant("volunteer-groups", "records 7, 18", "recruiting null (unknown)")


# ---------------------------------------------------------------------------------------------------------
# 8. 子育て支援課: 子育てサークル list dropped into the inbox folder (Shift_JIS CSV from Excel).

CIRCLE_HEADER = ["No", "サークル名", "活動場所", "所在地", "活動日時", "対象", "会費", "代表者", "連絡先",
                 "会員募集", "連絡先公開", "掲載"]  # fmt: skip
# name, venue, town, block, address style, schedule, target, fee
CIRCLES = [
    ("親子ｻｰｸﾙ　ぴよぴよ", "霞ケ関こばと館", "霞ケ関東一丁目", (2, 3), "川越市霞ケ関東一丁目2番3号", "毎週火曜日 10:00～11:30",
     "0～2歳児と保護者", "月300円"),
    ("子育てサークル　こあら", "仙波こばと館", "仙波町三丁目", (15, 2), "hyphen", "毎月第1・第3木曜日 10:00～11:30",
     "1～3歳児と保護者", "月200円"),
    ("ベビーマッサージの会　ぷにぷに", "新富町二丁目自治会館", "新富町二丁目", (10, 4), "banchi",
     "毎月第2金曜日 10:30～11:30", "2～10か月の赤ちゃんと保護者", "1回100円"),
    ("ふたごの会　ツインズ川越", "高階こばと館", "砂新田一丁目", (5, 10), "bango", "毎月第4土曜日 10:00～12:00",
     "多胎児の家族", "年1,000円"),
    ("パパサークル　かわごえ", "元町ふれあい広場", "元町二丁目", (1, 9), "bango", "毎月第3日曜日 10:00～12:00",
     "父親と子ども", "無料"),
    ("おはなし会　どんぐり", "名細こばと館", "大字鯨井", (1288,), "banchi", "毎月第1水曜日 10:30～11:00",
     "未就学児と保護者", "無料"),
    ("リトミック　おんぷ", "川鶴公民館", "川鶴二丁目", (21, 1), "hyphen", "毎週金曜日 10:00～11:00",
     "1～3歳児と保護者", "月500円"),
    ("子育てサロン　ひだまりっこ", "今福ふれあい館", "大字今福", (1620, 2), "hyphen", "毎月第2火曜日 10:00～11:30",
     "未就学児と保護者", "無料"),
    ("転勤族ママの会　わたげ", "仙波こばと館", "仙波町三丁目", (15, 2), "hyphen", "毎月第4水曜日 10:00～12:00",
     "転入して間もない親子", "無料"),
    ("外遊びサークル　のはら", "伊佐沼公園（雨天中止）", "大字伊佐沼", (810,), "banchi", "毎月第1土曜日 10:00～12:00",
     "未就学児と保護者", "1回50円"),
    ("手作りおもちゃの会　つみき", "霞ケ関こばと館", "霞ケ関東一丁目", (2, 3), "hyphen", "毎月第3月曜日 13:00～15:00",
     "どなたでも", "材料費実費"),
    ("親子ヨガ　ひなた", "古谷公民館", "大字古谷上", (3380,), "zenbanchi", "毎月第2木曜日 10:00～11:00",
     "6か月～2歳児と保護者", "1回300円"),
]  # fmt: skip
CIRCLE_FILE = "子育てサークル一覧_R8.11.csv"
PIYOPIYO_REP = "林　陽子"  # the same group is registered at こばと館 (kobato-groups K-01)


def make_kosodate_circles() -> None:
    rng = random.Random(SEED + 8)
    rows = []
    for i, (name, venue, town, block, style, schedule, target, fee) in enumerate(CIRCLES, start=1):
        addr = style if style.startswith("川越市") else address(town, block, style)
        rep = {1: PIYOPIYO_REP, 4: "髙橋　美咲"}.get(i) or person(rng, YOUNG_GIVEN)
        if i == 1:
            tel = phone(SHARED["piyopiyo"], "hyphen")
        elif i == 7:
            tel = "049-22-881"  # planted: too few digits
            plant(
                "kosodate-circles",
                f"CSV line {i + 1} (No {i})",
                "BAD: 連絡先 049-22-881 malformed phone (8 digits)",
            )
        else:
            tel = phone(new_number(rng, mobile=i % 3 != 0), "hyphen" if i % 4 else "halfzen")
        recruit = ("募集中", "募集中", "募集なし", "")[i % 4]
        rows.append([i, name, venue, addr, schedule, target, fee, rep, tel, recruit,
                     "可" if i % 3 else "否", "否" if i == 10 else "可"])  # fmt: skip
    folder = OUT / "inbox" / "kosodate-circles"
    write_csv(folder / CIRCLE_FILE, CIRCLE_HEADER, rows, encoding="cp932", newline="\r\n")
    plant(
        "kosodate-circles",
        "CSV line 2 (No 1)",
        "exact duplicate of kobato-groups K-01 (half-width ｻｰｸﾙ + space)",
    )
    plant("kosodate-circles", "CSV line 5 (No 4)", "代表者 髙橋 (cp932 IBM extension kanji)")
    plant("kosodate-circles", "CSV line 11 (No 10)", "掲載 否 (not published)")


# ---------------------------------------------------------------------------------------------------------
# 9. こども育成課: こばと館 (児童館) 登録団体 (CSV, UTF-8 with BOM, CRLF).

KOBATO_HEADER = ["登録番号", "団体名", "活動館", "活動館所在地", "活動内容", "活動日", "対象", "会員数", "代表者",
                 "代表者連絡先", "連絡先公開"]  # fmt: skip
KOBATO_VENUES = {
    "霞ケ関こばと館": "川越市霞ケ関東1-2-3",
    "仙波こばと館": "川越市仙波町3-15-2",
    "高階こばと館": "川越市砂新田1丁目5番10号",
    "名細こばと館": "川越市大字鯨井1288番地",
}
# name, venue, activity, schedule, target
KOBATO = [
    ("親子サークルぴよぴよ", "霞ケ関こばと館", "親子のふれあい遊び・情報交換", "毎週火曜日", "0～2歳児と保護者"),
    ("子ども将棋クラブ", "仙波こばと館", "将棋の対局・指導", "毎週土曜日", "小学生"),
    ("読み聞かせ　ぶっくる", "名細こばと館", "絵本の読み聞かせ", "毎月第1水曜日", "未就学児と保護者"),
    ("中高生バンド　ノイズ", "高階こばと館", "音楽室でのバンド練習", "毎週日曜日", "中学生・高校生"),
    ("卓球クラブ　ピンポン", "仙波こばと館", "卓球", "毎週水曜日", "小学生～中学生"),
    ("けん玉の会", "霞ケ関こばと館", "けん玉の練習・検定", "毎月第2・第4土曜日", "小学生"),
    ("科学あそび隊", "高階こばと館", "実験・工作", "毎月第3土曜日", "小学生"),
    ("ボードゲーム部", "名細こばと館", "ボードゲーム", "毎週金曜日", "小学生～高校生"),
    ("子どもダンス　スマイル", "霞ケ関こばと館", "ダンス", "毎週木曜日", "小学生"),
    ("折り紙クラブ", "仙波こばと館", "折り紙", "毎月第1日曜日", "どなたでも"),
    ("中学生学習会　まなびや", "高階こばと館", "中学生の自習・学習支援", "毎週月曜日", "中学生"),
    ("工作クラブ　トンカチ", "名細こばと館", "木工・工作", "毎月第4日曜日", "小学生"),
]  # fmt: skip


def make_kobato_groups() -> None:
    rng = random.Random(SEED + 9)
    rows = []
    for i, (name, venue, activity, schedule, target) in enumerate(KOBATO, start=1):
        tel = phone(SHARED["piyopiyo"], "paren") if i == 1 else phone(new_number(rng, mobile=True), "hyphen")
        rows.append([f"K-{i:02d}", name, venue, KOBATO_VENUES[venue], activity, schedule, target,
                     rng.randrange(5, 40), PIYOPIYO_REP if i == 1 else person(rng, YOUNG_GIVEN), tel, "可" if i % 4 else "否"])  # fmt: skip
    write_csv(OUT / "kodomo" / "kobato_dantai.csv", KOBATO_HEADER, rows, encoding="utf-8-sig", newline="\r\n")
    plant("kobato-groups", "CSV line 2 (K-01)", "exact duplicate of kosodate-circles No 1")


# ---------------------------------------------------------------------------------------------------------
# 10. 地域づくり推進課: 自治会・町内会一覧 (CSV, UTF-8 without BOM, LF) with a 和暦 確認日 column.

# name, town, hall (or ''), block
JICHIKAI = [
    ("仙波町二丁目自治会", "仙波町二丁目", "仙波町二丁目集会所", (10, 3)),
    ("新富町一丁目町内会", "新富町一丁目", "", None),
    ("連雀町町内会", "連雀町", "連雀町会館", (9, 2)),
    ("元町一丁目自治会", "元町一丁目", "", None),
    ("幸町町内会", "幸町", "幸町会館", (4, 8)),
    ("的場第一自治会", "大字的場", "的場第一集会所", (1580,)),
    ("的場新町自治会", "的場新町", "的場新町集会所", (7, 11)),
    ("霞ケ関東自治会", "霞ケ関東三丁目", "霞ケ関東自治会館", (6, 1)),
    ("かすみ野自治会", "かすみ野一丁目", "かすみ野集会所", (12, 1)),
    ("川鶴団地自治会", "川鶴一丁目", "川鶴団地集会所", (1, 1)),
    ("川鶴三丁目自治会", "川鶴三丁目", "", None),
    ("霞ケ関北三丁目自治会", "霞ケ関北三丁目", "霞ケ関北三丁目集会所", (2, 20)),
    ("鴨田自治会", "大字鴨田", "鴨田集会所", (980,)),
    ("伊佐沼自治会", "大字伊佐沼", "伊佐沼集会所", (810,)),
    ("谷中自治会", "大字谷中", "", None),
    ("古谷上第二自治会", "大字古谷上", "古谷上集会所", (3380,)),
    ("並木自治会", "大字並木", "並木集会所", (455,)),
    ("久下戸自治会", "大字久下戸", "久下戸集会所", (2301,)),
    ("渋井自治会", "大字渋井", "渋井集会所", (1105, 3)),
    ("藤間自治会", "大字藤間", "藤間自治会館", (123,)),
    ("寺尾自治会", "大字寺尾", "", None),
    ("今福南自治会", "大字今福", "今福第二自治会館", (1850, 3)),
    ("中福自治会", "大字中福", "中福集会所", (702,)),
    ("南大塚自治会", "大字南大塚", "", None),
    ("大袋自治会", "大字大袋", "大袋集会所", (602,)),
    ("藤倉自治会", "大字藤倉", "藤倉集会所", (340, 1)),
    ("鯨井自治会", "大字鯨井", "鯨井公民館分室", (2011, 4)),
    ("小堤自治会", "大字小堤", "", None),
    ("吉田自治会", "大字吉田", "吉田集会所", (350, 2)),
    ("山田自治会", "大字山田", "山田集会所", (1910,)),
    ("上寺山自治会", "大字上寺山", "上寺山自治会館", (276,)),
    ("岸町自治会", "岸町一丁目", "岸町自治会館", (14, 2)),
]  # fmt: skip
JICHIKAI_BAD_DATE = "令和5年2月30日"


def make_jichikai() -> None:
    rng = random.Random(SEED + 10)
    checked = [date(2026, 4, 1), date(2026, 5, 12), date(2026, 6, 1), date(2025, 4, 1), date(2024, 4, 1),
               date(2019, 4, 1)]  # fmt: skip
    styles = ("kanji", "letter", "kanji", "slash", "letter", "kanji")
    rows = []
    bad_no = 17
    for i, (name, town, hall, block) in enumerate(JICHIKAI, start=1):
        t = TOWNS[town]
        addr = address(town, block, ("hyphen", "banchi", "hyphen", "zenbanchi")[i % 4]) if block else ""
        if i == bad_no:
            when = JICHIKAI_BAD_DATE
            plant("jichikai", f"CSV line {i + 1} (No {i})", f"BAD: 確認日 {JICHIKAI_BAD_DATE} impossible date")
        elif i == 30:
            when = ""
        else:
            day = checked[i % len(checked)]
            when = wareki(day, styles[i % len(styles)])
        note = {2: "集会所なし（会長宅で受付）", 10: "UR団地", 24: "令和8年度から班を再編"}.get(i, "")
        rows.append([i, name, t.district, hall, addr, rng.randrange(40, 900), when, note])
    write_csv(OUT / "chiiki" / "jichikai.csv", ["No", "自治会名", "地区", "集会所", "集会所所在地", "加入世帯数",
                                                  "確認日", "備考"], rows, encoding="utf-8", newline="\n")  # fmt: skip
    plant(
        "jichikai",
        "column 確認日",
        "和暦 dates 令和8年4月1日, R8.5.12, 2026/4/1, 平成31年4月1日; newest 2026-06-01",
    )
    plant("jichikai", "rows without 集会所", "no address; 地区 is the activity area (area)")


# ---------------------------------------------------------------------------------------------------------


def _check_unique_names() -> None:
    """Within a source no two records share a name: the duplicates are only the planted cross-source ones."""
    for label, names in (
        ("care", [r[0] for r in CARE]),
        ("sodan", [r[0] for r in SODAN]),
        ("rojin", [r[0] for r in ROJIN]),
        ("kodomo", [r[0] for r in KODOMO if r[0]]),
        ("houkatsu", [r[0] for r in HOUKATSU]),
        ("salon", [r[0] for r in SALON]),
        ("volunteer", [r[0] for r in VOLUNTEER]),
        ("circles", [r[0] for r in CIRCLES]),
        ("kobato", [r[0] for r in KOBATO]),
        ("jichikai", [r[0] for r in JICHIKAI]),
    ):
        keys = [re.sub(r"\s", "", unicodedata.normalize("NFKC", n)) for n in names]
        if len(set(keys)) != len(keys):
            raise SystemExit(f"duplicate names inside {label}")


def main() -> None:
    _check_unique_names()
    make_care_services()
    make_sodan_shien()
    make_rojin_club()
    make_kodomo_shokudo()
    make_houkatsu()
    make_salon()
    make_volunteer_groups()
    make_kosodate_circles()
    make_kobato_groups()
    make_jichikai()
    for source, where, what in PLANTED:
        print(f"{source:18} {where:40} {what}")


if __name__ == "__main__":
    main()
