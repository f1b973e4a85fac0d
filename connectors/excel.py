"""Excel workbooks as departments lay them out: title rows, merged multi-row headers, notes, hidden rows."""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import openpyxl
import xlrd
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet
from xlrd.sheet import Sheet as XlsSheet

from connectors.base import Extracted, Payload, build_frame, find_as_of, flatten_header, parse_error
from connectors.loading import Loader
from connectors.safety import (
    DEFAULT_LIMITS,
    Budget,
    ZipLimits,
    check_sizes,
    damaged,
    iter_member,
    member_name,
    open_zip,
)
from tsunagu.config import ExcelOptions, SourceConfig

XLSX_MAGIC = b"PK\x03\x04"
WORKBOOK_PARTS = ("xl/workbook.xml", "xl/workbook.bin")
_XML_PARTS = (".xml", ".rels", ".vml")
# Excel never writes a DOCTYPE; one in a workbook part is there to declare entities (XXE, billion laughs).
_DOCTYPE = "<!DOCTYPE"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HEADER_SCAN_ROWS = 50
SHORT_TEXT = 40
NOTE_PREFIXES = ("※", "注", "(注", "（注")


@dataclass
class Sheet:
    """One worksheet as text: 0-based rows and columns, merges as inclusive (top, left, bottom, right)."""

    name: str
    cells: list[list[str | None]]
    textual: list[list[bool]]
    hidden: set[int]
    merges: list[tuple[int, int, int, int]]


SheetRef = tuple[str, bool, Callable[[], Sheet]]


def parse(source: SourceConfig, payload: Payload, loader: Loader | None = None) -> Extracted:
    """The table on the configured sheet, else on the first visible sheet where a header row is found."""
    options = source.excel or ExcelOptions()
    if payload.content.startswith(XLSX_MAGIC) and not _is_workbook(payload):
        from connectors import bundle  # bundle reads its members with this module: imported here, not on top

        return bundle.parse(source, payload)
    sheets = read_workbook(payload)
    if options.sheet is not None:
        sheet = _pick(payload, sheets, options.sheet)
        extracted = extract(payload, sheet, options)
        if extracted is None:
            raise parse_error(
                payload,
                f"no header row found on sheet {sheet.name!r} (a row with 3 or more short text cells); "
                "set excel.header_row in the departments config",
            )
        return extracted
    visible = [ref for ref in sheets if ref[1]]
    for _, _, load in visible if options.header_row is None else visible[:1]:
        extracted = extract(payload, load(), options)
        if extracted is not None:
            return extracted
    names = ", ".join(repr(name) for name, _, _ in visible) or "none"
    raise parse_error(
        payload,
        f"no visible sheet has a header row (a row with 3 or more short text cells; sheets: {names}); "
        "set excel.sheet and excel.header_row in the departments config",
    )


def _pick(payload: Payload, sheets: list[SheetRef], wanted: str | int) -> Sheet:
    names = [name for name, _, _ in sheets]
    if isinstance(wanted, int):
        if 0 <= wanted < len(sheets):
            return sheets[wanted][2]()
    elif wanted in names:
        return sheets[names.index(wanted)][2]()
    listed = ", ".join(f"{i}: {name!r}" for i, name in enumerate(names))
    raise parse_error(payload, f"sheet {wanted!r} not found (the workbook has {listed}); fix excel.sheet in the config")


def read_workbook(payload: Payload) -> list[SheetRef]:
    """The workbook's sheets (name, visible, loader), by file signature rather than by extension."""
    head = payload.content[:8]
    if head.startswith(XLSX_MAGIC):
        return _xlsx_sheets(payload)
    if head == OLE_MAGIC:
        return _xls_sheets(payload)
    raise parse_error(
        payload,
        f"not an Excel workbook (starts with {head!r}); if it is a CSV or web page saved as .xls, "
        "change the source's kind in the departments config",
    )


# --- .xlsx --------------------------------------------------------------------------------------


def _is_workbook(payload: Payload) -> bool:
    """Whether a ZIP is a workbook rather than a bundle of files (a damaged one counts as a workbook)."""
    try:
        names = zipfile.ZipFile(io.BytesIO(payload.content)).namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return True
    return any(part in names for part in WORKBOOK_PARTS)


def check_xlsx(payload: Payload, limits: ZipLimits = DEFAULT_LIMITS) -> None:
    """Refuse a workbook that is truncated, would expand too far, or declares XML entities, before openpyxl."""
    archive = open_zip(payload, "workbook", limits)
    infos = archive.infolist()
    check_sizes(payload, infos, limits)
    budget = Budget(limits.max_total)
    for info in infos:
        chunks = iter_member(payload, archive, info, budget, limits)
        if info.filename.lower().endswith(_XML_PARTS):
            _refuse_doctype(payload, member_name(info), chunks)
        else:
            for _ in chunks:  # read to the end: the CRC check finds truncation, the budget finds bombs
                pass


def _refuse_doctype(payload: Payload, name: str, chunks: Iterator[bytes]) -> None:
    """Scan an XML part for a DOCTYPE in whatever encoding the part declares by its first bytes."""
    tail = b""
    needle: bytes | None = None
    for chunk in chunks:
        if needle is None:
            head = chunk[:4]
            codec = "utf-16-le" if head.startswith((b"\xff\xfe", b"<\x00")) else "utf-8"
            codec = "utf-16-be" if head.startswith((b"\xfe\xff", b"\x00<")) else codec
            needle = _DOCTYPE.encode(codec)
        window = tail + chunk
        if needle in window:
            raise parse_error(
                payload,
                f"the workbook part {name} declares a DOCTYPE (XML entities, which Excel never writes); "
                "refused as unsafe — ask the department to save the file again from Excel",
            )
        tail = window[-len(needle) :]


def _xlsx_sheets(payload: Payload) -> list[SheetRef]:
    check_xlsx(payload)
    # Not read-only mode: it exposes neither merged ranges nor hidden rows, and both change the table.
    # openpyxl parses through defusedxml when it is installed (a project dependency): no entity is resolved.
    try:
        book = openpyxl.load_workbook(io.BytesIO(payload.content), data_only=True)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise damaged(payload, "workbook", exc) from None
    except (InvalidFileException, KeyError, OSError, ValueError, SyntaxError) as exc:
        # defusedxml's refusals and expat's errors are ValueError and SyntaxError subclasses.
        raise parse_error(payload, f"not a readable .xlsx workbook ({exc}); ask the department to resend it") from None

    def loader(ws: Worksheet) -> Callable[[], Sheet]:
        def load() -> Sheet:
            cells: list[list[str | None]] = []
            textual: list[list[bool]] = []
            for row in ws.iter_rows():
                texts = [cell_text(cell.value, cell.number_format) for cell in row]
                cells.append([text for text, _ in texts])
                textual.append([is_text for _, is_text in texts])
            hidden = {number - 1 for number, dim in ws.row_dimensions.items() if dim.hidden}
            merges = [(m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1) for m in ws.merged_cells.ranges]
            return Sheet(ws.title, cells, textual, hidden, merges)

        return load

    return [(ws.title, ws.sheet_state == "visible", loader(ws)) for ws in book.worksheets]


# --- .xls ---------------------------------------------------------------------------------------


def _xls_sheets(payload: Payload) -> list[SheetRef]:
    try:
        try:
            book = xlrd.open_workbook(file_contents=payload.content, formatting_info=True)
        except NotImplementedError:
            book = xlrd.open_workbook(file_contents=payload.content)
    except (xlrd.XLRDError, AssertionError, IndexError, ValueError) as exc:
        raise parse_error(
            payload,
            f"not a readable .xls workbook ({exc}); if it is password-protected, ask the department "
            "for an unprotected copy",
        ) from None

    def number_format(sheet: XlsSheet, row: int, col: int) -> str:
        if not book.formatting_info:
            return "General"
        xf = book.xf_list[sheet.cell_xf_index(row, col)]
        fmt = book.format_map.get(xf.format_key)
        return fmt.format_str if fmt else "General"

    def value(sheet: XlsSheet, row: int, col: int) -> object:
        cell = sheet.cell(row, col)
        if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
            return None
        if cell.ctype == xlrd.XL_CELL_DATE:
            moment = xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)
            return moment.time() if cell.value < 1 else moment
        if cell.ctype == xlrd.XL_CELL_BOOLEAN:
            return bool(cell.value)
        if cell.ctype == xlrd.XL_CELL_ERROR:
            return xlrd.error_text_from_code.get(cell.value, "#ERROR")
        return cell.value

    def loader(sheet: XlsSheet) -> Callable[[], Sheet]:
        def load() -> Sheet:
            cells: list[list[str | None]] = []
            textual: list[list[bool]] = []
            for r in range(sheet.nrows):
                texts = [cell_text(value(sheet, r, c), number_format(sheet, r, c)) for c in range(sheet.ncols)]
                cells.append([text for text, _ in texts])
                textual.append([is_text for _, is_text in texts])
            hidden = {r for r, info in sheet.rowinfo_map.items() if info.hidden}
            merges = [(rlo, clo, rhi - 1, chi - 1) for rlo, rhi, clo, chi in sheet.merged_cells]
            return Sheet(sheet.name, cells, textual, hidden, merges)

        return load

    return [(s.name, s.visibility == 0, loader(s)) for s in book.sheets()]


# --- cell values as text ------------------------------------------------------------------------


def cell_text(value: object, number_format: str = "General") -> tuple[str | None, bool]:
    """A cell as the text a person reads: whole numbers without '.0', zero-padded formats kept, ISO dates."""
    if value is None:
        return None, False
    if isinstance(value, str):
        return value, True
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE"), False
    if isinstance(value, datetime):
        if value.time() == time(0) and value.year > 1900:
            return value.date().isoformat(), False
        if value.date() in (date(1899, 12, 30), date(1899, 12, 31), date(1900, 1, 1)) and value.year < 1901:
            return _time_text(value.time()), False
        return value.isoformat(sep=" ", timespec="minutes" if value.second == 0 else "seconds"), False
    if isinstance(value, date):
        return value.isoformat(), False
    if isinstance(value, time):
        return _time_text(value), False
    if isinstance(value, timedelta):
        return str(value), False
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    if isinstance(value, int):
        return zero_padded(value, number_format) or str(value), False
    if isinstance(value, float):
        text = f"{value:.15g}"
        return (format(Decimal(text), "f") if "e" in text else text), False
    return str(value), True


def _time_text(value: time) -> str:
    return value.strftime("%H:%M" if value.second == 0 else "%H:%M:%S")


def zero_padded(number: int, number_format: str) -> str | None:
    """A whole number shown through a digits-only format such as '0000' or '000-0000' (IDs, postal codes)."""
    pattern = number_format.split(";")[0].replace("\\", "").replace('"', "")
    if number < 0 or "0" not in pattern or set(pattern) - set("0#-() "):
        return None
    digits = str(number).rjust(pattern.count("0"), "0")
    out: list[str] = []
    left = len(digits)
    for char in reversed(pattern):
        if char in "0#":
            if left:
                left -= 1
                out.append(digits[left])
        else:
            out.append(char)
    return digits[:left] + "".join(reversed(out)).strip()


# --- finding the table --------------------------------------------------------------------------


def extract(payload: Payload, sheet: Sheet, options: ExcelOptions) -> Extracted | None:
    """The table on a sheet below its title rows, or None when no header row is found."""
    explicit_rows = options.header_rows if "header_rows" in options.model_fields_set else None
    if options.header_row is not None:
        bottom = options.header_row - 1
        top = bottom - (explicit_rows or 1) + 1
        if top < 0 or bottom >= len(sheet.cells):
            raise parse_error(
                payload,
                f"excel.header_row {options.header_row} with header_rows {explicit_rows or 1} lies outside "
                f"sheet {sheet.name!r} ({len(sheet.cells)} rows); fix it in the departments config",
            )
    else:
        first = find_header_row(sheet)
        if first is None:
            return None
        top, bottom = header_span(sheet, first)
        if explicit_rows is not None:
            bottom = min(top + explicit_rows - 1, len(sheet.cells) - 1)

    header_cells = _header_grid(sheet, top, bottom)
    filled = [c for c in range(len(header_cells[0])) if any(row[c] for row in header_cells)]
    if not filled:
        raise parse_error(payload, f"the header row {bottom + 1} on sheet {sheet.name!r} is empty")
    first_col, last_col = filled[0], filled[-1]
    header = [flatten_header([row[c] for row in header_cells]) for c in range(first_col, last_col + 1)]

    warnings: list[str] = []
    as_of = None
    for r in range(top):
        as_of = find_as_of(" ".join(text for text in sheet.cells[r] if text))
        if as_of:
            break
    rows = _data_rows(sheet, bottom, first_col, last_col, warnings)
    frame = build_frame(header, rows, warnings)
    return Extracted(frame=frame, as_of=as_of, warnings=warnings)


def _filled(row: list[str | None]) -> list[int]:
    return [c for c, text in enumerate(row) if text is not None and text.strip()]


def find_header_row(sheet: Sheet) -> int | None:
    """The first visible row with 3+ non-empty cells, most of them short text (title rows have fewer)."""
    for r, row in enumerate(sheet.cells[:HEADER_SCAN_ROWS]):
        if r in sheet.hidden:
            continue
        filled = _filled(row)
        if len(filled) < 3:
            continue
        short = sum(1 for c in filled if sheet.textual[r][c] and len(row[c] or "") <= SHORT_TEXT)
        if short * 2 > len(filled):
            return r
    return None


def header_span(sheet: Sheet, first: int) -> tuple[int, int]:
    """The header's top and bottom rows: a partial-width merged parent row above, vertical merges below."""
    filled = _filled(sheet.cells[first])
    left, right = filled[0], filled[-1]
    top = first
    while first - top < 2 and top > 0 and _is_parent_row(sheet, top - 1, left, right):
        top -= 1
    bottom = first
    for m_top, _, m_bottom, _ in sheet.merges:
        if top <= m_top <= first and m_bottom > bottom:
            bottom = min(m_bottom, top + 2)
    return top, bottom


def _is_parent_row(sheet: Sheet, r: int, left: int, right: int) -> bool:
    """A row of group labels merged over some (not all) header columns, e.g. 代表者 over 氏名/電話番号."""
    if r in sheet.hidden:
        return False
    spans = [m for m in sheet.merges if m[0] == r and m[3] > m[1] and left <= m[1] and m[3] <= right]
    return bool(spans) and all(m[3] - m[1] < right - left for m in spans)


def _header_grid(sheet: Sheet, top: int, bottom: int) -> list[list[str | None]]:
    """Header rows with each merged cell's value copied across its whole range."""
    width = max(len(row) for row in sheet.cells[top : bottom + 1])
    grid = [list(row) + [None] * (width - len(row)) for row in sheet.cells[top : bottom + 1]]
    for m_top, m_left, m_bottom, m_right in sheet.merges:
        if m_bottom < top or m_top > bottom or m_left >= width:
            continue
        value = sheet.cells[m_top][m_left] if m_left < len(sheet.cells[m_top]) else None
        for r in range(max(m_top, top), min(m_bottom, bottom) + 1):
            for c in range(m_left, min(m_right, width - 1) + 1):
                grid[r - top][c] = value
    return grid


def _data_rows(
    sheet: Sheet, bottom: int, first_col: int, last_col: int, warnings: list[str]
) -> list[tuple[int, list[str | None]]]:
    """Records below the header; notes, hidden rows and anything after a gap of 2+ blank rows left out."""
    cells = [list(row) for row in sheet.cells]
    for m_top, m_left, m_bottom, _ in sheet.merges:
        # A vertical merge in the body groups rows under one value (e.g. a district): every row has it.
        if m_top > bottom and m_left < len(cells[m_top]):
            for r in range(m_top + 1, min(m_bottom, len(cells) - 1) + 1):
                cells[r] += [None] * (m_left + 1 - len(cells[r]))
                cells[r][m_left] = cells[m_top][m_left]
    rows: list[tuple[int, list[str | None]]] = []
    hidden: list[int] = []
    ignored: list[int] = []
    blank_run = blank = 0
    ended = False
    for r in range(bottom + 1, len(cells)):
        row = cells[r]
        filled = _filled(row)
        if r in sheet.hidden:
            if filled and not ended:
                hidden.append(r + 1)
            continue
        if not filled:
            blank_run += 1
            continue
        if _is_note(row, filled, first_col):
            continue
        ended = ended or (blank_run >= 2 and bool(rows))
        if ended:
            if len(filled) >= 2:  # a lone line below the table is a footer, not a lost record
                ignored.append(r + 1)
            continue
        if rows:
            blank += blank_run
        blank_run = 0
        span = row[first_col : last_col + 1]
        if any(text is not None and text.strip() for text in span):
            rows.append((r + 1, span))
    if blank:
        warnings.append(f"{blank} blank row(s) inside the table skipped")
    if hidden:
        listed = ", ".join(map(str, hidden[:10])) + (" …" if len(hidden) > 10 else "")
        warnings.append(
            f"{len(hidden)} hidden row(s) ignored (row {listed}); unhide them if they are records to publish"
        )
    if ignored:
        warnings.append(
            f"{len(ignored)} row(s) after a gap of blank rows ignored (from row {ignored[0]}); "
            "if they are records, remove the blank rows above them"
        )
    return rows


def _is_note(row: list[str | None], filled: list[int], first_col: int) -> bool:
    """A note under the table: one cell, in the first column, starting with ※ or 注."""
    return len(filled) == 1 and filled[0] <= first_col and (row[filled[0]] or "").lstrip().startswith(NOTE_PREFIXES)
