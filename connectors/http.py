"""One polite HTTP client for every source: timeouts, retries with backoff, size cap; local files too."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from types import TracebackType
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

import requests

from tsunagu.errors import FetchError

USER_AGENT = "Tsunagu/0.1"
MAX_BYTES = 100 * 1024 * 1024
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_MOVED = "the page may have moved — check the URL in the departments config, or ask the department for the new one"
STATUS_HINTS = {
    404: _MOVED,
    410: _MOVED,
    401: "the site asks for a login; ask the department for a public address of the data",
    403: "the site refuses the request; ask the site's owner whether automated fetches are blocked",
}


@dataclass(frozen=True)
class Response:
    """What one read returned: the location actually read, status (None for files), headers and bytes."""

    location: str
    status: int | None
    headers: dict[str, str]
    content: bytes
    modified_at: datetime | None


class HttpClient:
    """A shared requests.Session with the project's fetch policy; also reads paths and file:// URLs."""

    def __init__(
        self,
        *,
        contact: str | None = None,
        connect_timeout: float = 10.0,
        read_timeout: float = 60.0,
        retries: int = 3,
        backoff: float = 1.0,
        max_wait: float = 60.0,
        max_bytes: int = MAX_BYTES,
        max_redirects: int = 5,
    ) -> None:
        self.user_agent = f"{USER_AGENT} (+{contact})" if contact else USER_AGENT
        self.timeout = (connect_timeout, read_timeout)
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.max_bytes = max_bytes
        self.session = requests.Session()
        self.session.max_redirects = max_redirects
        self.session.headers["User-Agent"] = self.user_agent

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Release the session's pooled connections."""
        self.session.close()

    def open(self, location: str, *, source_id: str) -> Response:
        """Read an http(s) URL, a file:// URL or a local path."""
        path = local_path(location)
        if path is None:
            return self.get(location, source_id=source_id)
        return read_file(path, source_id=source_id, max_bytes=self.max_bytes)

    def get(self, url: str, *, source_id: str, headers: dict[str, str] | None = None) -> Response:
        """GET a URL, retrying connection errors, 429 and 5xx with capped exponential backoff and jitter."""
        # `headers` is where conditional GET (If-None-Match / If-Modified-Since) plugs in.
        attempt = 0
        while True:
            try:
                return self._get_once(url, source_id, headers or {})
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

    def _get_once(self, url: str, source_id: str, headers: dict[str, str]) -> Response:
        try:
            response = self.session.get(url, headers=headers, timeout=self.timeout, stream=True)
        except requests.TooManyRedirects:
            raise FetchError(
                source_id,
                f"more than {self.session.max_redirects} redirects; update the URL in the departments config",
                location=url,
            ) from None
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise _Retryable(f"unreachable ({type(exc).__name__})") from None
        except requests.RequestException as exc:
            raise FetchError(source_id, f"cannot request {url}: {exc}", location=url) from None
        with response:
            if response.status_code in RETRY_STATUSES:
                raise _Retryable(
                    f"HTTP {response.status_code} {response.reason}",
                    _retry_after(response.headers.get("Retry-After")),
                )
            if response.status_code >= 400:
                hint = STATUS_HINTS.get(response.status_code, "check the URL in the departments config")
                raise FetchError(source_id, f"HTTP {response.status_code} {response.reason}; {hint}", location=url)
            content = self._read_capped(response, source_id, url)
        response_headers = dict(response.headers)
        return Response(
            response.url,
            response.status_code,
            response_headers,
            content,
            _http_date(response_headers.get("Last-Modified")),
        )

    def _read_capped(self, response: requests.Response, source_id: str, url: str) -> bytes:
        too_big = FetchError(
            source_id,
            f"response is larger than the {self.max_bytes:,}-byte cap; check the URL points at the data",
            location=url,
        )
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise too_big
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_content(chunk_size=64 * 1024):
                size += len(chunk)
                if size > self.max_bytes:
                    raise too_big
                chunks.append(chunk)
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
            raise _Retryable(f"connection broken while reading ({type(exc).__name__})") from None
        return b"".join(chunks)

    def _wait(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.max_wait)
        # Jitter keeps many sources on one host from retrying in lockstep.
        return min(self.backoff * 2**attempt + random.uniform(0, self.backoff), self.max_wait)


def local_path(location: str) -> Path | None:
    """The file a location names (a path or file:// URL), or None for an http(s) URL."""
    parsed = urlparse(location)
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
            f"{path} is {stat.st_size:,} bytes, over the {max_bytes:,}-byte cap; check it is the right file",
            location=where,
        )
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise FetchError(source_id, f"cannot read {path}: {exc.strerror}", location=where) from None
    return Response(where, None, {}, content, datetime.fromtimestamp(stat.st_mtime, UTC))


class _Retryable(Exception):
    """A failure worth another attempt (unreachable, 429, 5xx)."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    when = _http_date(value)
    return max(0.0, (when - datetime.now(UTC)).total_seconds()) if when else None


def _http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
