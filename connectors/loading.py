"""Reading the further pages a source points at (next pages, detail pages, API pages, CKAN files)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlparse

from connectors.base import Loader, Payload, parse_error, payload_filename
from connectors.http import HttpClient, local_path, read_file
from tsunagu.config import HttpSettings, SourceConfig

WEB = ("http", "https")


def page_loader(source: SourceConfig, client: HttpClient | None = None) -> Loader:
    """A loader for a source's further pages: URLs through the client (its pacing and robots), paths from disk."""

    def load(location: str) -> bytes:
        if client is not None:
            return client.open(location, source_id=source.id).content
        path = local_path(location)
        if path is not None:
            return read_file(path, source_id=source.id).content
        with HttpClient.from_settings(HttpSettings(), contact=None) as own:
            return own.get(location, source_id=source.id).content

    return load


@contextmanager
def loader_for(source: SourceConfig, loader: Loader | None) -> Iterator[Loader]:
    """The caller's loader, else one with the project's default HTTP policy, closed when parsing ends."""
    if loader is not None:
        yield loader
        return
    clients: list[HttpClient] = []

    def load(location: str) -> bytes:
        if local_path(location) is None and not clients:
            clients.append(HttpClient.from_settings(HttpSettings(), contact=None))
        return page_loader(source, clients[0] if clients else None)(location)

    try:
        yield load
    finally:
        for client in clients:
            client.close()


def is_web(location: str) -> bool:
    """Whether a location is an http(s) URL."""
    return urlparse(location).scheme.lower() in WEB


def link_base(location: str) -> str:
    """What a link on a page resolves against: its URL, or a local page's file:// URL."""
    if urlparse(location).scheme.lower() in (*WEB, "file"):
        return location
    return Path(location).resolve().as_uri()


def follow(payload: Payload, href: str, root: Path | None, *, base: str | None = None) -> str | None:
    """Where a link leads (None for javascript: and the like), kept to the web or to the page's folder."""
    # A saved page resolves against its own file, not its <base href>: that points at the live site.
    start = base if base and is_web(payload.location) else link_base(payload.location)
    target = urljoin(start, href.strip()).split("#", 1)[0]
    scheme = urlparse(target).scheme.lower()
    if scheme in WEB:
        return target
    if scheme != "file":
        return None
    if is_web(payload.location):
        raise parse_error(payload, f"refused to follow {href!r}: a web page may only link to http(s) pages")
    path = Path(unquote(urlparse(target).path)).resolve()
    if root is not None and not path.is_relative_to(root):
        raise parse_error(payload, f"refused to follow {href!r}: it leads outside the page's folder {root}")
    return str(path)


def local_root(location: str) -> Path | None:
    """The folder a local page's links must stay inside; None for a web page."""
    if is_web(location):
        return None
    path = local_path(location)
    return path.resolve().parent if path is not None else None


def page_payload(first: Payload, location: str, content: bytes, kind: str) -> Payload:
    """A further page as a Payload (for decoding and for errors that name the page)."""
    name = payload_filename(location, {}, kind) if is_web(location) else PurePosixPath(location).name
    return Payload(
        source_id=first.source_id,
        location=location,
        filename=name,
        content=content,
        fetched_at=first.fetched_at,
        sha256=hashlib.sha256(content).hexdigest(),
        http_status=None,
        headers={},
        modified_at=None,
    )
