"""Web pages read by declared selectors: a table, or repeated blocks; a changed layout is an error."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urljoin, urlparse

from bs4 import BeautifulSoup, Tag
from soupsieve import SelectorSyntaxError

from connectors.base import (
    Extracted,
    Payload,
    build_frame,
    decode_text,
    find_dates,
    find_updated,
    flatten_header,
    parse_error,
)
from connectors.http import local_path
from connectors.loading import Loader, follow, is_web, loader_for, local_root, page_loader, page_payload
from tsunagu.config import DetailOptions, HtmlOptions, SourceConfig
from tsunagu.errors import SourceError

__all__ = ["page_loader", "parse", "parse_html"]

URL_ATTRIBUTES = frozenset({"href", "src", "data-src", "data-original", "poster", "action"})
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_FIELD = re.compile(r"^(?P<selector>.*?)@(?P<attr>[A-Za-z_:][-\w:.]*)$")

Grid = list[list[tuple[Tag, bool] | None]]
Rows = list[tuple[int, list[str | None]]]


@dataclass
class _Page:
    """One page's records, with the element each came from (where its detail link is)."""

    payload: Payload
    base: str | None
    header: list[str]
    rows: list[list[str | None]]
    scopes: list[Tag]


def parse(source: SourceConfig, payload: Payload, loader: Loader | None = None) -> Extracted:
    """Records from a page by the source's html options; ParseError naming the selector that found nothing."""
    return parse_html(source, payload, loader)


def parse_html(source: SourceConfig, payload: Payload, loader: Loader | None = None) -> Extracted:
    """Records from the first page and the pages its next links lead to, with fields from detail pages."""
    options = source.html
    if options is None:
        raise parse_error(payload, "kind 'html' needs an 'html' block (mode: table | blocks) in the config")
    warnings: list[str] = []
    soup = read_page(payload, source.encoding)
    as_of = _as_of(payload, soup, options, warnings)
    first = _records(payload, soup, options, warnings)
    pages = [first]
    with loader_for(source, loader) as load:
        if options.next:
            pages += _next_pages(source, options, options.next, first, soup, load, warnings)
        header, rows = _merge(pages)
        if options.detail is not None:
            header, rows = _details(source, options.detail, pages, header, rows, load, warnings)
    frame = build_frame(header, rows, warnings)
    return Extracted(frame=frame, as_of=as_of, warnings=warnings)


def _records(payload: Payload, soup: BeautifulSoup, options: HtmlOptions, warnings: list[str]) -> _Page:
    base = page_base(soup, payload.location)
    if options.mode == "table":
        header, rows, scopes = _table_records(payload, soup, options, base, warnings)
    else:
        header, rows, scopes = _block_records(payload, soup, options, base)
    return _Page(payload, base, header, rows, scopes)


# --- pagination ---------------------------------------------------------------------------------


def _next_pages(
    source: SourceConfig,
    options: HtmlOptions,
    selector: str,
    first: _Page,
    soup: BeautifulSoup,
    load: Loader,
    warnings: list[str],
) -> list[_Page]:
    """Follow the next-page link until it is gone, loops back, or html.max_pages pages are read."""
    root = local_root(first.payload.location)
    what = f"html.next selector {selector!r}"
    page = first
    _require_records(page, options, what)
    visited = [_key(first.payload.location)]
    pages: list[_Page] = []
    while True:
        target = _next_target(page, soup, selector, root)
        if target is None or _key(target) == visited[-1]:
            break  # the last page: no next link, or one that is disabled (href="#", javascript:)
        if _key(target) in visited:
            warnings.append(f"{what} leads back to {target} (a loop); stopped after {len(visited)} page(s)")
            break
        if len(visited) >= options.max_pages:
            warnings.append(
                f"stopped after html.max_pages ({options.max_pages}) pages with more to read ({target}); "
                "raise html.max_pages in the departments config"
            )
            break
        next_payload = page_payload(first.payload, target, load(target), "html")
        soup = read_page(next_payload, source.encoding)
        page = _records(next_payload, soup, options, warnings)
        _require_records(page, options, what)
        visited.append(_key(target))
        pages.append(page)
    return pages


def _require_records(page: _Page, options: HtmlOptions, what: str) -> None:
    if not page.rows:
        found = options.table if options.mode == "table" else options.block
        raise parse_error(
            page.payload,
            f"the page layout changed: page {page.payload.location} has no records under {found!r} "
            f"({what} is set, so every page should list some); update the selectors in the departments config",
        )


def _next_target(page: _Page, soup: BeautifulSoup, spec: str, root: Path | None) -> str | None:
    selector, attr = _split_spec(spec)
    found = _select(page.payload, soup, selector, "html.next")
    href = _link(found[0], attr) if found else None
    return follow(page.payload, href, root, base=page.base) if href else None


def _key(location: str) -> str:
    """A location compared for loops: a URL without its fragment, a path made absolute."""
    if is_web(location):
        return location.split("#", 1)[0]
    path = local_path(location)
    return str(path.resolve()) if path is not None else location


def _merge(pages: list[_Page]) -> tuple[list[str], Rows]:
    """All pages' records under one header, numbered on across pages; columns matched by name."""
    if all(page.header == pages[0].header for page in pages):
        rows = [row for page in pages for row in page.rows]
        return pages[0].header, [(i, row) for i, row in enumerate(rows, start=1)]
    named = [(_dedupe(page.header), page.rows) for page in pages]
    header = list(dict.fromkeys(name for names, _ in named for name in names))
    merged: list[list[str | None]] = []
    for names, rows in named:
        for row in rows:
            cells = dict(zip(names, row, strict=False))
            merged.append([cells.get(name) for name in header])
    return header, [(i, row) for i, row in enumerate(merged, start=1)]


def _dedupe(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out: list[str] = []
    for name in header:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return out


# --- detail pages -------------------------------------------------------------------------------


def _details(
    source: SourceConfig,
    detail: DetailOptions,
    pages: list[_Page],
    header: list[str],
    rows: Rows,
    load: Loader,
    warnings: list[str],
) -> tuple[list[str], Rows]:
    """Each record's detail-page fields, added as columns; a field found on no detail page is an error."""
    targets = _detail_targets(detail, pages, warnings)
    loaded = _load_details(source, pages[0].payload, targets, load, warnings)
    columns: list[list[str | None]] = []
    for name, spec in detail.fields.items():
        selector, attr = _split_spec(spec)
        found: dict[str, str | None] = {}
        matched = False
        for target, (page, soup) in loaded.items():
            elements = _select(page, soup, selector, f"html.detail.fields.{name}") if selector else []
            matched = matched or bool(elements)
            found[target] = _field_value(elements, attr, page_base(soup, target))
        if not matched:
            first = next(iter(loaded))
            raise parse_error(
                loaded[first][0],
                f"the page layout changed: detail field {name!r} selector {spec!r} matches on none of the "
                f"{len(loaded)} detail page(s) (first: {first}); update html.detail.fields in the departments config",
            )
        columns.append([found.get(target) if target else None for target in targets])
    extended = [(number, [*row, *(column[i] for column in columns)]) for i, (number, row) in enumerate(rows)]
    return [*header, *detail.fields], extended


def _detail_targets(detail: DetailOptions, pages: list[_Page], warnings: list[str]) -> list[str | None]:
    """Each record's detail-page location (None where the record has no link)."""
    selector, attr = _split_spec(detail.link)
    root = local_root(pages[0].payload.location)
    targets: list[str | None] = []
    for page in pages:
        for scope in page.scopes:
            found = _select(page.payload, scope, selector, "html.detail.link") if selector else [scope]
            href = _link(found[0], attr) if found else None
            targets.append(follow(page.payload, href, root, base=page.base) if href else None)
    if not any(targets):
        raise parse_error(
            pages[0].payload,
            f"the page layout changed: html.detail.link {detail.link!r} finds a link in none of the "
            f"{len(targets)} record(s); update it in the departments config",
        )
    missing = targets.count(None)
    if missing:
        warnings.append(f"{missing} record(s) have no detail link ({detail.link!r}); their detail fields are empty")
    return targets


def _load_details(
    source: SourceConfig, first: Payload, targets: list[str | None], load: Loader, warnings: list[str]
) -> dict[str, tuple[Payload, BeautifulSoup]]:
    """Each detail page once; one that cannot be read leaves its record's fields empty, all failing is an error."""
    loaded: dict[str, tuple[Payload, BeautifulSoup]] = {}
    failures: list[SourceError] = []
    for target in dict.fromkeys(t for t in targets if t):
        try:
            page = page_payload(first, target, load(target), "html")
        except SourceError as exc:
            failures.append(exc)
            continue
        loaded[target] = (page, read_page(page, source.encoding))
    if not loaded:
        raise failures[0]
    if failures:
        warnings.append(f"{len(failures)} detail page(s) could not be read (first: {failures[0]}); fields left empty")
    return loaded


def _split_spec(spec: str) -> tuple[str, str | None]:
    """A field spec 'selector@attr' as its selector and attribute (None: the element's text)."""
    match = _FIELD.match(spec)
    return (match.group("selector").strip(), match.group("attr")) if match else (spec.strip(), None)


def _link(element: Tag, attr: str | None) -> str | None:
    """A link's target: the named attribute, else the element's href or that of the first link inside it."""
    if attr is None:
        anchor = element if element.get("href") else element.find("a", href=True)
        attr, element = "href", anchor if isinstance(anchor, Tag) else element
    raw = element.get(attr)
    text = " ".join(raw) if isinstance(raw, list) else (raw or "")
    return text.strip() or None


def read_page(payload: Payload, encoding: str = "auto") -> BeautifulSoup:
    """The page decoded by HTTP header charset, then meta charset, then detection."""
    declared: list[str] = []
    content_type = {k.lower(): v for k, v in payload.headers.items()}.get("content-type", "")
    if match := _HEADER_CHARSET.search(content_type):
        declared.append(match.group(1))
    if match := _META_CHARSET.search(payload.content[:4096]):
        declared.append(match.group(1).decode("ascii", "replace"))
    text, _ = decode_text(payload, encoding, declared=declared)
    return BeautifulSoup(text, "lxml")


def page_base(soup: BeautifulSoup, location: str) -> str | None:
    """What relative URLs resolve against: <base href> over the page URL (when the page came over http)."""
    page = location if urlparse(location).scheme in ("http", "https") else None
    base = soup.find("base", href=True)
    if isinstance(base, Tag):
        return urljoin(page or "", str(base["href"]))
    return page


def absolute(url: str, base: str | None) -> str:
    """A URL made absolute against the page's base, when there is one."""
    url = url.strip()
    return urljoin(base, url) if base else url


def text_of(element: Tag) -> str:
    """An element's visible text, <br> as a space, whitespace collapsed."""
    for br in element.find_all("br"):
        br.replace_with(" ")
    return " ".join(element.get_text().split())


def _select(payload: Payload, scope: Tag, selector: str, what: str) -> list[Tag]:
    try:
        return list(scope.select(selector))
    except SelectorSyntaxError as exc:
        raise parse_error(
            payload, f"{what} selector {selector!r} is not valid CSS ({str(exc).splitlines()[0]}); fix it"
        ) from None


# --- mode: table --------------------------------------------------------------------------------


def _table_records(
    payload: Payload, soup: BeautifulSoup, options: HtmlOptions, base: str | None, warnings: list[str]
) -> tuple[list[str], list[list[str | None]], list[Tag]]:
    found = _select(payload, soup, options.table, "html.table")
    tables = [t if t.name == "table" else t.find("table") for t in found]
    table = next((t for t in tables if isinstance(t, Tag)), None)
    if table is None:
        raise parse_error(
            payload,
            f"the page layout changed: html.table selector {options.table!r} finds no table; "
            "open the page and update the selector in the departments config",
        )
    trs = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table and tr.find_parent("tfoot") is None]
    grid = _grid(trs)
    head = _header_count(trs)
    width = max((len(row) for row in grid), default=0)
    header = [
        flatten_header([text_of(row[c][0]) if c < len(row) and row[c] else "" for row in grid[:head]])
        for c in range(width)
    ]
    body = grid[head:]
    texts = [[_body_text(row, c) for c in range(width)] for row in body]
    links = [[_body_links(row, c, base) for c in range(width)] for row in body]
    link_columns = {c for c in range(width) if any(row[c] for row in links)}
    columns: list[str] = []
    for c in range(width):
        columns.append(header[c])
        if c in link_columns:
            columns.append(f"{header[c] or f'column_{c + 1}'}_url")
    rows: list[list[str | None]] = []
    scopes: list[Tag] = []
    blank = notes = 0
    for row_texts, row_links, row, tr in zip(texts, links, body, trs[head:], strict=True):
        if not any(row_texts):
            blank += 1
            continue
        origins = {id(cell[0]) for cell in row if cell}
        if len(origins) == 1 and width > 1 and len(row) == width:
            notes += 1  # one cell across the whole table: a group label or a note, not a record
            continue
        cells: list[str | None] = []
        for c in range(width):
            cells.append(row_texts[c])
            if c in link_columns:
                cells.append(row_links[c])
        rows.append(cells)
        scopes.append(tr)
    if blank:
        warnings.append(f"{blank} blank table row(s) skipped")
    if notes:
        warnings.append(f"{notes} row(s) spanning the whole table (group labels or notes) skipped")
    return columns, rows, scopes


def _header_count(trs: list[Tag]) -> int:
    """Header rows: the <thead>'s, else the leading rows of only <th>, else the first row."""
    in_head = [tr for tr in trs if tr.find_parent("thead") is not None]
    if in_head:
        return len(in_head)
    count = 0
    for tr in trs:
        cells = tr.find_all(["td", "th"], recursive=False)
        if not cells or any(cell.name != "th" for cell in cells):
            break
        count += 1
    return max(count, 1)


def _grid(trs: list[Tag]) -> Grid:
    """Rows of (cell, whether this is the cell's first column) with rowspan and colspan laid out."""
    grid: Grid = []
    carried: dict[int, tuple[int, Tag, bool]] = {}  # column -> (rows still to cover, cell, first column)
    for tr in trs:
        row: list[tuple[Tag, bool] | None] = []
        cells = tr.find_all(["td", "th"], recursive=False)
        next_cell = 0
        while next_cell < len(cells) or any(c >= len(row) for c in carried):
            col = len(row)
            if col in carried:
                left, cell, first = carried.pop(col)
                row.append((cell, first))
                if left > 1:
                    carried[col] = (left - 1, cell, first)
            elif next_cell < len(cells):
                cell = cells[next_cell]
                next_cell += 1
                down = _span(cell, "rowspan")
                for k in range(_span(cell, "colspan")):
                    carried.pop(col + k, None)  # overlapping spans are a page error; the later cell wins
                    row.append((cell, k == 0))
                    if down > 1:
                        carried[col + k] = (down - 1, cell, k == 0)
            else:
                row.append(None)
        grid.append(row)
    return grid


def _span(cell: Tag, attr: str) -> int:
    value = str(cell.get(attr) or "1").strip()
    return max(1, min(int(value), 1000)) if value.isdigit() else 1


def _origin(row: list[tuple[Tag, bool] | None], c: int) -> Tag | None:
    """The cell starting at column c; a colspan'd cell is one value, not one per column."""
    entry = row[c] if c < len(row) else None
    return entry[0] if entry is not None and entry[1] else None


def _body_text(row: list[tuple[Tag, bool] | None], c: int) -> str | None:
    cell = _origin(row, c)
    return (text_of(cell) or None) if cell is not None else None


def _body_links(row: list[tuple[Tag, bool] | None], c: int, base: str | None) -> str | None:
    cell = _origin(row, c)
    if cell is None:
        return None
    hrefs = [absolute(str(a["href"]), base) for a in cell.find_all("a", href=True)]
    return ";".join(h for h in hrefs if h) or None


# --- mode: blocks -------------------------------------------------------------------------------


def _block_records(
    payload: Payload, soup: BeautifulSoup, options: HtmlOptions, base: str | None
) -> tuple[list[str], list[list[str | None]], list[Tag]]:
    block_selector = options.block or ""
    blocks = _select(payload, soup, block_selector, "html.block")
    if not blocks:
        raise parse_error(
            payload,
            f"the page layout changed: html.block selector {block_selector!r} matches nothing; "
            "open the page and update the selector in the departments config",
        )
    names = list(options.fields)
    values: list[list[str | None]] = [[] for _ in blocks]
    for name, spec in options.fields.items():
        selector, attr = _split_spec(spec)
        found_any = False
        for i, block in enumerate(blocks):
            elements = [block] if not selector else _select(payload, block, selector, f"html.fields.{name}")
            value = _field_value(elements, attr, base)
            found_any = found_any or bool(elements)
            values[i].append(value)
        if not found_any:
            raise parse_error(
                payload,
                f"the page layout changed: field {name!r} selector {spec!r} matches in none of the "
                f"{len(blocks)} block(s) {block_selector!r}; update html.fields in the departments config",
            )
    return names, values, blocks


def _field_value(elements: list[Tag], attr: str | None, base: str | None) -> str | None:
    """Text (or an attribute) of every match, joined with ';'; URL attributes made absolute."""
    parts: list[str] = []
    for element in elements:
        if attr is None:
            text = text_of(element)
        else:
            raw = element.get(attr)
            text = " ".join(raw) if isinstance(raw, list) else (raw or "")
            if attr in URL_ATTRIBUTES and text:
                text = absolute(text, base)
        if text.strip():
            parts.append(text.strip())
    return ";".join(parts) or None


# --- the page's update date ---------------------------------------------------------------------


def _as_of(payload: Payload, soup: BeautifulSoup, options: HtmlOptions, warnings: list[str]) -> date | None:
    """The page's stated update date: the html.as_of element, else an 更新日 label anywhere on the page."""
    if options.as_of:
        found = _select(payload, soup, options.as_of, "html.as_of")
        element = found[0] if found else None
        if element is None:
            warnings.append(f"html.as_of selector {options.as_of!r} matches nothing; searched the page text")
        else:
            text = text_of(element)
            dates = find_dates(text)
            if dates:
                return find_updated(text) or dates[0][0]
            warnings.append(f"html.as_of {options.as_of!r} holds no date ({text[:40]!r}); searched the page text")
    body = soup.body or soup
    return find_updated(" ".join(body.get_text(" ").split()))
