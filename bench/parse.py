"""Parse benchmark: Tsunagu's connectors against naive pandas/openpyxl reads of the same files, in one run.

Generates (fixed seed) a large cp932 CSV in the 推奨データセット v1 介護サービス事業所 layout, a titled
.xlsx and a 10-row CSV in a temporary folder, then measures through the public API
``connectors.parse(source, payload)``:

- CSV parse rows/s (best of 3) against ``pandas.read_csv(..., dtype=str)`` on the same bytes;
- XLSX parse rows/s (best of 2) against ``openpyxl.load_workbook(read_only=True)`` iterating values;
- fixed cost per small file: ``parse`` alone, and ``fetch`` + ``parse`` + ``conform`` (the per-source path);
- peak memory of one CSV parse (RSS growth in a fresh process) against the pandas read.

Run: ``.venv/bin/python bench/parse.py [--rows N] [--xlsx-rows N] [--files N] [--quick] [--profile]``.
Always exits 0: it reports, it does not gate. See bench/README.md.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import gc
import hashlib
import io
import os
import platform
import pstats
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import openpyxl  # noqa: E402
import pandas as pd  # noqa: E402

from connectors import Payload, fetch, parse  # noqa: E402
from connectors.base import payload_from_file  # noqa: E402
from exports.standard import CARE_SERVICE_HEADERS  # noqa: E402
from schemas.conform import conform  # noqa: E402
from tsunagu.config import SourceConfig  # noqa: E402

SEED = 20260401
PADDING_ROWS = 100
SMALL_ROWS = 10
CSV_TARGET_ROWS_PER_S = 200_000
FIXED_COST_TARGET_MS = 50.0
TARGET_CORES = 2

HEADER = list(CARE_SERVICE_HEADERS)  # the official 推奨データセット v1 介護サービス事業所 layout

# --- generated data -------------------------------------------------------------------------------

_SERVICES = (
    ("訪問介護", "ヘルパーステーション", "ヘルパーステーション"),
    ("通所介護", "デイサービスセンター", "デイサービスセンター"),
    ("居宅介護支援", "ケアプランセンター", "ケアプランセンター"),
    ("訪問看護", "訪問看護ステーション", "ホウモンカンゴステーション"),
    ("認知症対応型共同生活介護", "グループホーム", "グループホーム"),
    ("短期入所生活介護", "ショートステイ", "ショートステイ"),
    ("介護老人福祉施設", "特別養護老人ホーム", "トクベツヨウゴロウジンホーム"),
    ("小規模多機能型居宅介護", "小規模多機能ホーム", "ショウキボタキノウホーム"),
    ("福祉用具貸与", "福祉用具センター", "フクシヨウグセンター"),
    ("地域包括支援センター", "地域包括支援センター", "チイキホウカツシエンセンター"),
)
_NAMES = (
    ("すずらん", "スズラン"),
    ("あおぞら", "アオゾラ"),
    ("ひまわり", "ヒマワリ"),
    ("こもれび", "コモレビ"),
    ("さくら", "サクラ"),
    ("かわつる", "カワツル"),
    ("仙波", "センバ"),
    ("霞ケ関", "カスミガセキ"),
    ("山田の郷", "ヤマダノサト"),
    ("髙階", "タカシナ"),
    ("小江戸", "コエド"),
    ("ゆうゆう", "ユウユウ"),
)
_TOWNS = (
    "仙波町",
    "新富町",
    "脇田町",
    "岸町",
    "末広町",
    "的場",
    "霞ケ関北",
    "大字山田",
    "大字鯨井",
    "川鶴",
    "連雀町",
    "大字今福",
)
_OPERATORS = (
    "㈱{}ケア",
    "株式会社{}",
    "社会福祉法人{}会",
    "医療法人社団{}会",
    "有限会社{}",
    "特定非営利活動法人{}",
    "㈲髙橋{}",
)
_DAYS = ("月火水木金", "月火水木金土", "毎日", "月～金", "")
_DAY_NOTES = ("祝日も営業", "日曜・祝日休み", "年末年始休み", "", "", "")
_NOTES = ("①送迎あり　②入浴あり", "①送迎あり", "②入浴あり　③機能訓練", "", "", "", "")
_FULL = str.maketrans("0123456789-", "０１２３４５６７８９－")


def _record(rng: random.Random, number: int) -> list[object]:
    """One 事業所 as typed values: a mix of notations, vendor characters and blanks, as real lists have."""
    service, kind, kind_kana = rng.choice(_SERVICES)
    name, name_kana = rng.choice(_NAMES)
    spaced = rng.random() < 0.3
    town = rng.choice(_TOWNS)
    chome, ban, go = rng.randint(1, 5), rng.randint(1, 30), rng.randint(1, 20)
    style = rng.random()
    if style < 0.35:
        address = f"川越市{town}{chome}丁目{ban}番{go}号".translate(_FULL)
    elif style < 0.7:
        address = f"埼玉県川越市{town}{chome}-{ban}-{go}"
    else:
        address = f"川越市{town}{rng.randint(100, 2999)}番地{go}"
    phone_digits = f"049-{rng.randint(200, 299)}-{rng.randint(1000, 9999)}"
    phone_style = rng.random()
    if phone_style < 0.15:
        phone = phone_digits.translate(_FULL)
    elif phone_style < 0.3:
        phone = "(049)" + phone_digits[4:]
    else:
        phone = phone_digits
    located = rng.random() < 0.6
    capacity: object = rng.choice((None, 9, 18, 25, 30, 50, 80)) if kind != "ケアプランセンター" else None
    note = rng.choice(_NOTES)
    if number % 997 == 0:  # a cell that needs quoting: commas and a line break inside
        note = "送迎あり,入浴あり\n※要予約、見学は随時"
    return [
        "112011",
        number,
        "埼玉県",
        "川越市",
        f"{kind}{'　' if spaced else ''}{name}" if rng.random() < 0.9 else f"ﾃﾞｲｻｰﾋﾞｽ {name}",
        f"{kind_kana}{name_kana}",
        service,
        address,
        rng.choice(("", "", "", "すずらんビル1階", "髙橋ビル２Ｆ", "コーポ小江戸101")),
        round(35.88 + rng.random() * 0.08, 6) if located else None,
        round(139.42 + rng.random() * 0.1, 6) if located else None,
        phone,
        "",
        f"049-{rng.randint(200, 299)}-{rng.randint(1000, 9999)}" if rng.random() < 0.7 else "",
        str(rng.randint(10**12, 10**13 - 1)) if rng.random() < 0.85 else "",
        rng.choice(_OPERATORS).format(name),
        str(rng.randint(1170000000, 1179999999)) if kind != "地域包括支援センター" else "",
        rng.choice(_DAYS),
        rng.choice(_DAY_NOTES),
        capacity,
        f"https://example.org/care{number:06d}/" if rng.random() < 0.4 else "",
        note,
    ]


def _csv_cells(record: list[object]) -> list[str]:
    cells = ["" if value is None else str(value) for value in record]
    if record[19] == 30:
        cells[19] = "３０"  # a capacity typed with 全角 digits
    return cells


def make_csv(rows: int, *, padding: int, seed: int = SEED) -> bytes:
    """A cp932 CSV with CRLF line ends, the official header, ``rows`` records and blank ``,,,,`` padding."""
    rng = random.Random(seed)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for number in range(1, rows + 1):
        writer.writerow(_csv_cells(_record(rng, number)))
    blank = "," * (len(HEADER) - 1) + "\r\n"
    out.write(blank * padding)
    return out.getvalue().encode("cp932")


def make_xlsx(rows: int, path: Path, *, seed: int = SEED + 1) -> None:
    """A workbook as departments save one: a title row, a blank row, the header, typed cells (write-only mode)."""
    rng = random.Random(seed)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("介護サービス事業所一覧")
    sheet.append(["川越市 介護サービス事業所一覧（令和8年4月1日現在）"])
    sheet.append([])
    sheet.append(HEADER)
    for number in range(1, rows + 1):
        record = _record(rng, number)
        record[0] = 112011  # typed as a number, as Excel does with codes
        sheet.append(record)
    book.save(path)


@dataclass(frozen=True)
class Inputs:
    """The generated files and the sources that read them."""

    csv_path: Path
    xlsx_path: Path
    small_path: Path
    csv_source: SourceConfig
    xlsx_source: SourceConfig


def _source(source_id: str, kind: str, location: str) -> SourceConfig:
    # As in config/kawagoe/departments.yaml for care-services: encoding auto, the official headers, no mapping.
    return SourceConfig(
        id=source_id,
        kind=kind,
        location=location,
        encoding="auto",
        cadence="P1M",
        resource_type="介護サービス事業所",
        field=("高齢",),
        formality="formal",
    )


def payload_of(source: SourceConfig, path: Path) -> Payload:
    """A Payload as ``tsunagu check`` builds it from a local file (sha256 of the bytes)."""
    return payload_from_file(source, path)


def generate(folder: Path, rows: int, xlsx_rows: int) -> Inputs:
    """Write the three inputs into ``folder``."""
    csv_path = folder / "112011_care_service.csv"
    csv_path.write_bytes(make_csv(rows, padding=PADDING_ROWS))
    small_path = folder / "112011_care_service_small.csv"
    small_path.write_bytes(make_csv(SMALL_ROWS, padding=0, seed=SEED + 2))
    xlsx_path = folder / "112011_care_service.xlsx"
    make_xlsx(xlsx_rows, xlsx_path)
    return Inputs(
        csv_path=csv_path,
        xlsx_path=xlsx_path,
        small_path=small_path,
        csv_source=_source("bench-care-services", "csv", csv_path.name),
        xlsx_source=_source("bench-care-services-xlsx", "excel", xlsx_path.name),
    )


# --- measuring ------------------------------------------------------------------------------------


def best_of(repeats: int, work: Callable[[], object]) -> tuple[float, object]:
    """The fastest of ``repeats`` runs in seconds, and the last run's result."""
    best = float("inf")
    result: object = None
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - start)
    return best, result


def mean_of(count: int, work: Callable[[], object]) -> tuple[float, float]:
    """Mean seconds per run over ``count`` runs after one warm-up, and the warm-up run's time."""
    start = time.perf_counter()
    work()
    warmup = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(count):
        work()
    return (time.perf_counter() - start) / count, warmup


def pandas_csv(content: bytes) -> pd.DataFrame:
    """The baseline: the naive pandas read of a cp932 CSV as text."""
    return pd.read_csv(io.BytesIO(content), encoding="cp932", dtype=str, keep_default_na=False)


def openpyxl_read_only(content: bytes) -> int:
    """The baseline: openpyxl read-only, every cell value of the first sheet visited."""
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    rows = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
    book.close()
    return rows


def _status_kib(field: str) -> int | None:
    """A memory figure from /proc/self/status in KiB (Linux), or None elsewhere."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_peak_rss() -> bool:
    """Reset this process's RSS high-water mark (Linux ≥ 4.0), so import-time peaks do not mask the parse."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def memory_probe(which: str, path: Path) -> None:
    """Child-process mode: print how far one read's peak RSS rose above the RSS before it, in KiB."""
    source = _source("bench-care-services", "csv", path.name)
    payload = payload_of(source, path)
    content = payload.content
    work: Callable[[], object] = (lambda: parse(source, payload)) if which == "tsunagu" else lambda: pandas_csv(content)
    gc.collect()
    reset = _reset_peak_rss()
    before = _status_kib("VmRSS") or 0
    work()
    # Without the reset, ru_maxrss (KiB on Linux) may still hold an import-time peak: the figure is then a ceiling.
    peak = (_status_kib("VmHWM") if reset else None) or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(max(peak - before, 0))


def peak_rss_growth_mib(path: Path, which: tuple[str, ...] = ("tsunagu", "pandas")) -> list[float]:
    """Peak RSS growth of one CSV read per reader, each in a fresh process so earlier work does not mask it."""
    # Side by side: memory, not time, is measured here, and the child processes share nothing.
    children = [
        subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--memory-probe", name, str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )
        for name in which
    ]
    growth = []
    for name, child in zip(which, children, strict=True):
        out, err = child.communicate(timeout=600)
        if child.returncode:
            raise RuntimeError(f"memory probe {name} failed: {err.strip().splitlines()[-1:] or child.returncode}")
        growth.append(int(out.strip().splitlines()[-1]) / 1024)
    return growth


@dataclass
class Row:
    """One line of the results table."""

    label: str
    value: str
    baseline: str = "—"
    ratio: str = "—"
    target: str = "—"
    status: str = "info"


def _ratio(ours: float, theirs: float, *, higher_is_better: bool = True) -> str:
    if theirs <= 0 or ours <= 0:
        return "—"
    return f"{ours / theirs:.2f}×" if higher_is_better else f"{theirs / ours:.2f}×"


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def _guard(label: str, rows: list[Row], measure: Callable[[], list[Row]]) -> None:
    """Run one measurement; a connector that raises becomes an ERROR row, not a crashed benchmark."""
    try:
        rows.extend(measure())
    except Exception as exc:  # a benchmark reports whatever happens; CI does not gate on it
        rows.append(Row(label, f"{type(exc).__name__}: {str(exc)[:80]}", status="ERROR"))


def measure_csv(inputs: Inputs, rows: int, repeats: int = 3) -> list[Row]:
    """CSV parse throughput, best of ``repeats``, against pandas best of as many."""
    payload = payload_of(inputs.csv_source, inputs.csv_path)
    seconds, extracted = best_of(repeats, lambda: parse(inputs.csv_source, payload))
    base_seconds, _ = best_of(repeats, lambda: pandas_csv(payload.content))
    ours, theirs = rows / seconds, rows / base_seconds
    got = len(extracted.frame)  # type: ignore[attr-defined]
    status = _verdict(ours >= CSV_TARGET_ROWS_PER_S) if got == rows else f"FAIL ({got:,} rows, expected {rows:,})"
    return [
        Row(
            f"CSV parse ({rows:,} rows, cp932)",
            f"{ours:,.0f} rows/s",
            f"{theirs:,.0f} rows/s",
            _ratio(ours, theirs),
            f"≥ {CSV_TARGET_ROWS_PER_S:,} rows/s",
            status,
        )
    ]


def measure_xlsx(inputs: Inputs, rows: int, repeats: int = 2) -> list[Row]:
    """XLSX parse throughput, best of ``repeats``, against openpyxl read-only best of as many."""
    payload = payload_of(inputs.xlsx_source, inputs.xlsx_path)
    seconds, extracted = best_of(repeats, lambda: parse(inputs.xlsx_source, payload))
    base_seconds, _ = best_of(repeats, lambda: openpyxl_read_only(payload.content))
    ours, theirs = rows / seconds, rows / base_seconds
    got = len(extracted.frame)  # type: ignore[attr-defined]
    status = "info" if got == rows else f"FAIL ({got:,} rows, expected {rows:,})"
    return [
        Row(
            f"XLSX parse ({rows:,} rows)",
            f"{ours:,.0f} rows/s",
            f"{theirs:,.0f} rows/s",
            _ratio(ours, theirs),
            status=status,
        )
    ]


def measure_fixed_cost(inputs: Inputs, files: int) -> list[Row]:
    """Per-file cost of a 10-row CSV: parse alone, and fetch + parse + conform as the pipeline runs them."""
    source, path = inputs.csv_source, inputs.small_path
    payload = payload_of(source, path)
    location = str(path)

    def whole_path() -> object:
        fetched = fetch(source, location)
        extracted = parse(source, fetched)
        return conform(extracted.frame, source, department_id="bench", source_as_of=extracted.as_of)

    parse_s, parse_warmup = mean_of(files, lambda: parse(source, payload))
    base_s, _ = mean_of(files, lambda: pandas_csv(payload.content))
    path_s, path_warmup = mean_of(files, whole_path)
    target = f"≤ {FIXED_COST_TARGET_MS:.0f} ms/file"
    return [
        Row(
            f"fixed cost: parse ({SMALL_ROWS}-row CSV, mean of {files})",
            f"{parse_s * 1000:.2f} ms/file",
            f"{base_s * 1000:.2f} ms/file",
            _ratio(parse_s, base_s, higher_is_better=False),
            target,
            _verdict(parse_s * 1000 <= FIXED_COST_TARGET_MS),
        ),
        Row(
            f"fixed cost: fetch+parse+conform (mean of {files})",
            f"{path_s * 1000:.2f} ms/file",
            target=target,
            status=_verdict(path_s * 1000 <= FIXED_COST_TARGET_MS),
        ),
        Row("  warm-up call, excluded from the mean: parse", f"{parse_warmup * 1000:.1f} ms"),
        Row("  warm-up call, excluded from the mean: fetch+parse+conform", f"{path_warmup * 1000:.1f} ms"),
    ]


def measure_memory(inputs: Inputs, rows: int) -> list[Row]:
    """Peak RSS growth of one CSV parse against the pandas read, each in a fresh process."""
    ours, theirs = peak_rss_growth_mib(inputs.csv_path)
    size = inputs.csv_path.stat().st_size / 2**20
    return [
        Row(
            f"CSV parse peak memory (RSS growth, {size:.1f} MiB file)",
            f"{ours:,.1f} MiB",
            f"{theirs:,.1f} MiB",
            _ratio(ours, theirs, higher_is_better=False),
        )
    ]


def profile_csv(inputs: Inputs, top: int = 15) -> None:
    """Print where one CSV parse spends its time (cProfile, sorted by own time)."""
    payload = payload_of(inputs.csv_source, inputs.csv_path)
    profiler = cProfile.Profile()
    profiler.enable()
    parse(inputs.csv_source, payload)
    profiler.disable()
    print(f"\ncProfile of one CSV parse, top {top} by own time (tottime):")
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(top)


def print_table(rows: list[Row]) -> None:
    """The results as aligned columns."""
    head = Row("measure", "Tsunagu", "baseline", "ratio", "target", "status")
    table = [head, *rows]
    widths = [max(len(getattr(r, f)) for r in table) for f in ("label", "value", "baseline", "ratio", "target")]
    for i, row in enumerate(table):
        cells = (row.label, row.value, row.baseline, row.ratio, row.target)
        print(
            "  ".join(c.ljust(w) if j == 0 else c.rjust(w) for j, (c, w) in enumerate(zip(cells, widths, strict=True)))
            + "  "
            + row.status
        )
        if i == 0:
            print("-" * (sum(widths) + 2 * len(widths) + 6))


def main(argv: list[str] | None = None) -> int:
    """Generate the inputs, measure, print the table; always exit 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, help="records in the large CSV (default 100000; --quick 10000)")
    parser.add_argument("--xlsx-rows", type=int, help="records in the .xlsx (default 50000; --quick 5000)")
    parser.add_argument("--files", type=int, help="small-file parses to average (default 500; --quick 50)")
    parser.add_argument("--quick", action="store_true", help="small sizes, one repetition each: a smoke check")
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of one CSV parse")
    parser.add_argument("--memory-probe", nargs=2, metavar=("WHICH", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_probe:
        memory_probe(args.memory_probe[0], Path(args.memory_probe[1]))
        return 0
    rows = args.rows or (10_000 if args.quick else 100_000)
    xlsx_rows = args.xlsx_rows or (5_000 if args.quick else 50_000)
    files = args.files or (50 if args.quick else 500)

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 0
    print(
        f"Tsunagu parse benchmark — Python {platform.python_version()}, pandas {pd.__version__}, "
        f"openpyxl {openpyxl.__version__}, {cores} core(s) usable (targets are for {TARGET_CORES})"
    )
    with tempfile.TemporaryDirectory(prefix="tsunagu-bench-") as tmp:
        start = time.perf_counter()
        inputs = generate(Path(tmp), rows, xlsx_rows)
        digest = hashlib.sha256(inputs.csv_path.read_bytes()).hexdigest()[:12]
        print(
            f"inputs (seed {SEED}, {time.perf_counter() - start:.1f} s to write): CSV {rows:,} rows + "
            f"{PADDING_ROWS} padding, {inputs.csv_path.stat().st_size / 2**20:.1f} MiB, sha256 {digest}…; "
            f"XLSX {xlsx_rows:,} rows, {inputs.xlsx_path.stat().st_size / 2**20:.1f} MiB; small CSV {SMALL_ROWS} rows"
        )
        print("baselines: pandas.read_csv(cp932, dtype=str) for CSV; openpyxl read_only iterating values for XLSX")
        print("ratio: Tsunagu relative to the baseline, > 1 means Tsunagu is faster / uses less memory\n")
        results: list[Row] = []
        _guard("CSV parse", results, lambda: measure_csv(inputs, rows, 1 if args.quick else 3))
        _guard("XLSX parse", results, lambda: measure_xlsx(inputs, xlsx_rows, 1 if args.quick else 2))
        _guard("fixed cost", results, lambda: measure_fixed_cost(inputs, files))
        _guard("CSV parse peak memory", results, lambda: measure_memory(inputs, rows))
        print_table(results)
        failed = [r.label for r in results if r.status.startswith(("FAIL", "ERROR"))]
        print(f"\n{len(failed)} target(s) not met: {', '.join(failed)}" if failed else "\nall targets met")
        if args.profile:
            profile_csv(inputs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
