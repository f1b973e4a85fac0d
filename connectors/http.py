"""One polite HTTP client for every source: timeouts, retries, conditional GET, caps, robots.txt, pacing.

robots.txt policy (RFC 9309 with one deliberate difference): a 2xx robots.txt is obeyed (via
``urllib.robotparser``, including Crawl-delay); a 4xx means no rules (as the RFC says); a 5xx or an
unreachable robots.txt also means no rules for this client's lifetime, where the RFC says to assume
"disallow". Tsunagu makes a handful of paced, backed-off requests per host per run for files published
to be downloaded; the data request that follows meets the same outage and backs off on its own, so the
robots outage should not by itself turn a public file into a failing source.
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING
from urllib.parse import unquote, urljoin, urlsplit
from urllib.request import url2pathname
from urllib.robotparser import RobotFileParser

import requests
from requests.structures import CaseInsensitiveDict
from urllib3.exceptions import ReadTimeoutError

from tsunagu import __version__
from tsunagu.config import HttpSettings
from tsunagu.errors import ConfigError, FetchError

if TYPE_CHECKING:
    from connectors.base import Validators

PRODUCT = "Tsunagu"
USER_AGENT = f"{PRODUCT}/{__version__}"
MAX_BYTES = 100 * 1024 * 1024
ROBOTS_MAX_BYTES = 500 * 1024  # RFC 9309 asks crawlers to parse at least 500 KiB
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_MOVED = "the page may have moved — check the URL in the departments config, or ask the department for the new one"
STATUS_HINTS = {
    404: _MOVED,
    410: _MOVED,
    401: "the site asks for a login; ask the department for a public address of the data",
    403: "the site refuses the request; ask the site's owner whether automated fetches are blocked",
}

_EXCEL_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.ms-excel",
    "application/vnd.ms-excel.sheet.macroenabled.12",
}
_ZIP_TYPES = {"application/zip", "application/x-zip-compressed"}
_JSON_TYPES = {"application/json", "text/json"}
# Content types a source of each kind may arrive with; the generic ones say nothing either way.
EXPECTED_TYPES: dict[str, frozenset[str]] = {
    "csv": frozenset({"text/csv", "application/csv", "text/comma-separated-values", "application/vnd.ms-excel"})
    | _ZIP_TYPES,
    "excel": frozenset(_EXCEL_TYPES | _ZIP_TYPES),
    "html": frozenset({"text/html", "application/xhtml+xml"}),
    "json_api": frozenset(_JSON_TYPES),
    "ckan": frozenset(_JSON_TYPES),
}
GENERIC_TYPES = frozenset({"", "text/plain", "application/octet-stream", "binary/octet-stream"})
_KNOWN_TYPES = frozenset[str]().union(*EXPECTED_TYPES.values())
_WHAT = {"csv": "a CSV file", "excel": "an Excel workbook", "html": "a web page", "json_api": "JSON", "ckan": "JSON"}
_ACCEPT = {
    "csv": "text/csv, text/plain;q=0.9, */*;q=0.5",
    "excel": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet, application/vnd.ms-excel, */*;q=0.5",
    "html": "text/html, application/xhtml+xml, */*;q=0.5",
    "json_api": "application/json, */*;q=0.5",
    "ckan": "application/json, */*;q=0.5",
}
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title", re.I | re.S)


@dataclass(frozen=True)
class Response:
    """What one read returned: the location actually read, status (None for files), headers and bytes."""

    location: str
    status: int | None
    headers: dict[str, str]
    content: bytes
    modified_at: datetime | None


class HttpClient:
    """A shared requests.Session with the project's fetch policy; also reads paths and file:// URLs.

    The bare constructor is permissive (no pacing, no robots.txt) for scripts and tests;
    ``from_settings`` applies the city's policy and is what the pipeline uses.
    """

    def __init__(
        self,
        *,
        contact: str | None = None,
        project_url: str | None = None,
        connect_timeout: float = 10.0,
        read_timeout: float = 60.0,
        retries: int = 3,
        backoff: float = 1.0,
        max_wait: float = 60.0,
        max_bytes: int = MAX_BYTES,
        max_redirects: int = 5,
        per_host_interval: float = 0.0,
        respect_robots: bool = False,
    ) -> None:
        self.user_agent = user_agent(contact, project_url)
        self.timeout = (connect_timeout, read_timeout)
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.respect_robots = respect_robots
        self.session = requests.Session()
        self.session.headers["User-Agent"] = self.user_agent
        self._pacer = _HostPacer(per_host_interval)
        self._robots: dict[str, RobotFileParser | None] = {}
        self._robots_locks = _KeyedLocks()

    @classmethod
    def from_settings(cls, settings: HttpSettings, *, contact: str | None) -> HttpClient:
        """A client with the departments config's ``http`` policy, naming the city's contact in its User-Agent."""
        return cls(
            contact=contact,
            connect_timeout=settings.connect_timeout,
            read_timeout=settings.read_timeout,
            retries=settings.retries,
            backoff=settings.backoff,
            max_bytes=settings.max_bytes,
            max_redirects=settings.max_redirects,
            per_host_interval=settings.per_host_interval,
            respect_robots=settings.respect_robots,
        )

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Release the session's pooled connections."""
        self.session.close()

    def open(
        self,
        location: str,
        *,
        source_id: str,
        validators: Validators | None = None,
        expect: str | None = None,
    ) -> Response:
        """Read an http(s) URL, a file:// URL or a local path (files ignore validators and expect)."""
        path = local_path(location)
        if path is None:
            return self.get(location, source_id=source_id, validators=validators, expect=expect)
        return read_file(path, source_id=source_id, max_bytes=self.max_bytes)

    def get(
        self,
        url: str,
        *,
        source_id: str,
        headers: dict[str, str] | None = None,
        validators: Validators | None = None,
        expect: str | None = None,
    ) -> Response:
        """GET a URL politely; a 304 to ``validators`` returns empty content; ``expect`` is the source kind."""
        request_headers = {"Accept": _ACCEPT[expect]} if expect in _ACCEPT else {}
        if validators:
            request_headers.update(validators.request_headers())
        request_headers.update(headers or {})
        attempt = 0
        while True:
            try:
                response = self._exchange(url, source_id, request_headers, cap=self.max_bytes, check_robots=True)
                return self._accept(url, response, source_id, validators, expect)
            except _Retryable as retry:
                if attempt >= self.retries:
                    raise FetchError(
                        source_id,
                        f"{retry.reason} after {attempt + 1} attempt(s); the site may be down — "
                        "the next run will try again",
                        location=url,
                    ) from None
                time.sleep(self._wait(attempt, retry.retry_after))
                attempt += 1

    def allowed(self, url: str, *, source_id: str) -> bool:
        """Whether robots.txt lets this client fetch a URL (always True when robots are not respected)."""
        if not self.respect_robots:
            return True
        rules = self._robots_rules(url, source_id)
        return rules is None or rules.can_fetch(PRODUCT, url)

    def _accept(
        self, url: str, response: Response, source_id: str, validators: Validators | None, expect: str | None
    ) -> Response:
        """Turn a final response into the result: retry, fail with what to do, or hand it back."""
        status = response.status or 0
        if status in RETRY_STATUSES:
            retry_after = retry_after_seconds(CaseInsensitiveDict(response.headers).get("Retry-After"))
            raise _Retryable(f"HTTP {status} {_phrase(status)}", retry_after)
        where = "" if response.location == url else f" at {response.location} (redirected)"
        if status >= 400:
            hint = STATUS_HINTS.get(status, "check the URL in the departments config")
            raise FetchError(source_id, f"HTTP {status} {_phrase(status)}{where}; {hint}", location=url)
        if status == 304:
            if not validators:
                raise FetchError(source_id, "HTTP 304 Not Modified to a request that was not conditional", location=url)
            return _not_modified(response, validators)
        if status >= 300 or status < 200:
            raise FetchError(source_id, f"HTTP {status}{where} is not a response Tsunagu can read", location=url)
        if expect is not None:
            _check_content(expect, response, source_id, url)
        return response

    def _exchange(
        self, url: str, source_id: str, headers: dict[str, str], *, cap: int, check_robots: bool, truncate: bool = False
    ) -> Response:
        """One attempt: follow redirects by hand so every hop is paced and checked against robots.txt."""
        chain = [url]
        current = url
        while True:
            if check_robots and not self.allowed(current, source_id=source_id):
                raise FetchError(
                    source_id,
                    f"robots.txt of {_origin(current)} disallows {current} for User-Agent "
                    f"'{self.user_agent}'; ask the site's owner to allow it, or have the department "
                    "send the file to the drop folder",
                    location=url,
                )
            with self._pacer.slot(urlsplit(current).netloc.lower()):
                raw = self._send(current, headers, source_id)
                with raw:
                    if raw.status_code in REDIRECT_STATUSES and raw.headers.get("Location"):
                        target = urljoin(current, raw.headers["Location"])
                    else:
                        ok = 200 <= raw.status_code < 300
                        content = self._read_capped(raw, source_id, url, cap, truncate) if ok else b""
                        modified_at = _http_date(raw.headers.get("Last-Modified"))
                        return Response(current, raw.status_code, dict(raw.headers), content, modified_at)
            if urlsplit(target).scheme.lower() not in ("http", "https"):
                raise FetchError(source_id, f"{current} redirects to {target}, which is not http(s)", location=url)
            chain.append(target)
            if len(chain) - 1 > self.max_redirects:
                raise FetchError(source_id, _redirect_problem(chain, self.max_redirects), location=url)
            current = target

    def _send(self, url: str, headers: dict[str, str], source_id: str) -> requests.Response:
        try:
            return self.session.get(url, headers=headers, timeout=self.timeout, stream=True, allow_redirects=False)
        except requests.exceptions.SSLError as exc:
            raise FetchError(
                source_id,
                f"the site's TLS certificate could not be verified ({exc.__class__.__name__}); "
                "ask the site's owner to fix the certificate chain",
                location=url,
            ) from None
        except requests.ConnectTimeout:
            raise _Retryable(f"timed out connecting (no answer within {self.timeout[0]:g} s)") from None
        except requests.ReadTimeout:
            raise _Retryable(f"timed out waiting for data (nothing for {self.timeout[1]:g} s)") from None
        except requests.ConnectionError as exc:
            raise _Retryable(f"unreachable ({type(exc).__name__})") from None
        except requests.RequestException as exc:
            raise FetchError(source_id, f"cannot request {url}: {exc}", location=url) from None

    def _read_capped(self, response: requests.Response, source_id: str, url: str, cap: int, truncate: bool) -> bytes:
        """The body, streamed; past ``cap`` it stops (and fails, unless ``truncate``)."""
        raise_hint = "raise http.max_bytes in the departments config if the file really is this large"
        declared = response.headers.get("Content-Length", "")
        if not truncate and declared.isdigit() and int(declared) > cap:
            raise FetchError(
                source_id,
                f"the server declares {int(declared):,} bytes, over the {cap:,}-byte cap; {raise_hint}, "
                "else check the URL points at the data",
                location=url,
            )
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_content(chunk_size=64 * 1024):
                size += len(chunk)
                if size > cap:
                    if truncate:
                        chunks.append(chunk[: cap - size])
                        break
                    raise FetchError(
                        source_id,
                        f"response is larger than the {cap:,}-byte cap (stopped reading); {raise_hint}, "
                        "else check the URL points at the data",
                        location=url,
                    )
                chunks.append(chunk)
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
            if any(isinstance(arg, ReadTimeoutError) for arg in exc.args):
                raise _Retryable(f"timed out while reading (nothing for {self.timeout[1]:g} s)") from None
            raise _Retryable(f"connection broken while reading ({type(exc).__name__})") from None
        return b"".join(chunks)

    def _robots_rules(self, url: str, source_id: str) -> RobotFileParser | None:
        """The host's robots.txt rules, fetched once per client; None means no rules."""
        origin = _origin(url)
        with self._robots_locks.lock(origin):
            if origin in self._robots:
                return self._robots[origin]
            rules: RobotFileParser | None = None
            try:
                answer = self._exchange(
                    f"{origin}/robots.txt", source_id, {}, cap=ROBOTS_MAX_BYTES, check_robots=False, truncate=True
                )
            except (_Retryable, FetchError):
                answer = None
            if answer is not None and answer.status is not None and 200 <= answer.status < 300:
                rules = RobotFileParser(f"{origin}/robots.txt")
                rules.parse(answer.content.decode("utf-8-sig", errors="replace").splitlines())
                self._pacer.slow_down(urlsplit(url).netloc.lower(), min(_crawl_interval(rules), self.max_wait))
            self._robots[origin] = rules
            return rules

    def _wait(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.max_wait)
        # Jitter keeps many sources on one host from retrying in lockstep.
        return min(self.backoff * 2**attempt + random.uniform(0, self.backoff), self.max_wait)


def user_agent(contact: str | None, project_url: str | None = None) -> str:
    """``Tsunagu/<version> (+<project url>; mailto:<contact>)``: who is fetching and how to reach them."""
    parts: list[str] = []
    for value in (project_url, contact):
        if not value:
            continue
        value = value.strip()
        if not value or any(c.isspace() or not c.isprintable() or c in "();" for c in value):
            raise ConfigError(
                f"the contact in the User-Agent must be an e-mail address or URL without spaces: {value!r} "
                "(staff_email in the departments config)"
            )
        parts.append(value if re.match(r"^[a-z][a-z0-9+.-]*:", value, re.I) else f"mailto:{value}")
    return f"{USER_AGENT} (+{'; '.join(parts)})" if parts else USER_AGENT


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date); None when absent or bad."""
    if not value:
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    when = _http_date(text)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds()) if when else None


def local_path(location: str) -> Path | None:
    """The file a location names (a path or file:// URL), or None for an http(s) URL."""
    parsed = urlsplit(location)
    scheme = parsed.scheme.lower()
    if scheme in ("http", "https"):
        return None
    if scheme == "file":
        return Path(url2pathname(unquote(parsed.path)))
    return Path(location)


def read_file(path: Path, *, source_id: str, max_bytes: int = MAX_BYTES) -> Response:
    """Read a local file, failing with what to do when it is not there."""
    where = str(path)
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise FetchError(
            source_id,
            f"file not found: {path} — has the department sent it? "
            "If it lives elsewhere, fix 'location' in the departments config",
            location=where,
        ) from None
    except OSError as exc:
        raise FetchError(source_id, f"cannot read {path}: {exc.strerror}", location=where) from None
    if path.is_dir():
        raise FetchError(source_id, f"{path} is a folder; use kind 'inbox' for a drop folder", location=where)
    if stat.st_size > max_bytes:
        raise FetchError(
            source_id,
            f"{path} is {stat.st_size:,} bytes, over the {max_bytes:,}-byte cap; check it is the right file "
            "(or raise http.max_bytes in the departments config)",
            location=where,
        )
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise FetchError(source_id, f"cannot read {path}: {exc.strerror}", location=where) from None
    return Response(where, None, {}, content, datetime.fromtimestamp(stat.st_mtime, UTC))


def media_type(headers: dict[str, str]) -> str:
    """The Content-Type's media type, lower case, without parameters ('' when absent)."""
    value = CaseInsensitiveDict(headers).get("Content-Type") or ""
    return value.split(";")[0].strip().lower()


def looks_like_html(content: bytes) -> bool:
    """Whether a body is a web page whatever its Content-Type says (a 'page not found' answered 200)."""
    head = content[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<") and (b"<html" in head or b"<!doctype html" in head)


def _check_content(kind: str, response: Response, source_id: str, url: str) -> None:
    """Fail when the body is clearly not what a source of this kind serves; unknown types pass."""
    received = media_type(response.headers)
    what = _WHAT.get(kind, f"a {kind} source")
    if kind != "html" and looks_like_html(response.content):
        label = received or "no Content-Type"
        raise FetchError(
            source_id,
            f"the server sent a web page{_title(response.content)} ({label}) from {response.location} where "
            f"{what} was expected — often a 'page not found' answered with 200; open the URL in a browser "
            "and fix 'location' in the departments config",
            location=url,
        )
    expected = EXPECTED_TYPES.get(kind)
    if expected is None or received in GENERIC_TYPES or received in expected or _fits(kind, response.content):
        return
    json_like = received.startswith("application/") and received.endswith("+json")
    if kind in ("json_api", "ckan") and json_like:
        return
    if received in _KNOWN_TYPES or json_like:
        raise FetchError(
            source_id,
            f"the server sent {received} from {response.location} where {what} was expected; "
            "check the URL in the departments config points at the data, or change the source's kind",
            location=url,
        )


def _fits(kind: str, content: bytes) -> bool:
    """Whether the body's first bytes prove it is what the kind expects, whatever the header says."""
    head = content[:16].lstrip(b"\xef\xbb\xbf \t\r\n")
    if kind in ("excel", "csv") and head.startswith(b"PK\x03\x04"):
        return True
    if kind == "excel" and head.startswith(b"\xd0\xcf\x11\xe0"):
        return True
    return kind in ("json_api", "ckan") and head[:1] in (b"{", b"[")


def _title(content: bytes) -> str:
    match = _TITLE.search(content[:8192])
    if not match:
        return ""
    for codec in ("utf-8", "cp932"):
        try:
            title = " ".join(match.group(1).decode(codec).split())
        except UnicodeDecodeError:
            continue
        return f" titled '{title[:80]}'" if title else ""
    return ""


def _not_modified(response: Response, validators: Validators) -> Response:
    """A 304, its headers completed with the validators it confirmed, so the next fetch can send them again."""
    merged: CaseInsensitiveDict[str] = CaseInsensitiveDict()
    if validators.etag:
        merged["ETag"] = validators.etag
    if validators.last_modified:
        merged["Last-Modified"] = validators.last_modified
    merged.update(response.headers)
    headers = dict(merged)
    return Response(response.location, 304, headers, b"", _http_date(merged.get("Last-Modified")))


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _redirect_problem(chain: list[str], limit: int) -> str:
    """Name a redirect loop by its cycle, or a too-long chain by its hops."""
    first_repeat = next((i for i, hop in enumerate(chain) if hop in chain[:i]), None)
    if first_repeat is not None:
        start = chain.index(chain[first_repeat])
        cycle = " → ".join(chain[start : first_repeat + 1])
        return (
            f"redirect loop ({cycle}), stopped after {limit} redirects; the site is misconfigured — "
            "tell its owner, or update the URL in the departments config"
        )
    return (
        f"more than {limit} redirects ({' → '.join(chain)}); update the URL in the departments config "
        "to the last address, or raise http.max_redirects"
    )


def _crawl_interval(rules: RobotFileParser) -> float:
    """Seconds between requests that robots.txt asks of Tsunagu (Crawl-delay or Request-rate), else 0."""
    delay = float(rules.crawl_delay(PRODUCT) or 0)
    rate = rules.request_rate(PRODUCT)
    if rate is not None and rate.requests > 0:
        delay = max(delay, rate.seconds / rate.requests)
    return delay


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


class _HostPacer:
    """Spaces requests per host: one at a time, each starting ``interval`` after the previous one ended."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._guard = threading.Lock()
        self._hosts: dict[str, _HostState] = {}

    def _state(self, host: str) -> _HostState:
        with self._guard:
            return self._hosts.setdefault(host, _HostState(threading.Lock(), self.interval))

    def slow_down(self, host: str, interval: float) -> None:
        """Space this host's requests at least ``interval`` apart (its robots.txt asked for it)."""
        state = self._state(host)
        state.interval = max(state.interval, interval)

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        """Hold the host for one request; measured from the end, so the server sees the gap too."""
        state = self._state(host)
        with state.lock:
            wait = state.last_end + state.interval - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                yield
            finally:
                state.last_end = time.monotonic()


@dataclass
class _HostState:
    lock: threading.Lock
    interval: float
    last_end: float = float("-inf")


class _KeyedLocks:
    """One lock per key, so robots.txt of a host is fetched once even when threads ask together."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}

    def lock(self, key: str) -> threading.Lock:
        """The lock of this key, made on first use."""
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())


class _Retryable(Exception):
    """A failure worth another attempt (unreachable, timed out, 429, 5xx)."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


def _http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
