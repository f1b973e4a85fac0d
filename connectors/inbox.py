"""A drop folder a department writes its files to: the newest file is the source's current payload."""

from __future__ import annotations

from fnmatch import fnmatch
from pathlib import Path

from connectors.base import PARSERS, Extracted, Payload, Validators, make_payload, parse_error
from connectors.http import HttpClient, read_file
from connectors.loading import Loader
from tsunagu.config import InboxOptions, SourceConfig
from tsunagu.errors import FetchError

EXTENSIONS = (".csv", ".xlsx", ".xls", ".json", ".zip")


class NothingYet(FetchError):
    """The drop folder is missing or empty: the department has not sent its first file (status 'never')."""


def newest_file(source: SourceConfig, folder: Path) -> Path:
    """The newest data file in the folder by modification time, then name; NothingYet when there is none."""
    if not folder.is_dir():
        raise NothingYet(
            source.id,
            f"drop folder {folder} does not exist yet — waiting for the department's first file; "
            "create the folder and tell the department where to save",
            location=str(folder),
        )
    candidates = waiting_files(source, folder)
    if not candidates:
        raise NothingYet(
            source.id,
            f"drop folder {folder} has no {', '.join(_patterns(source))} file yet — waiting for the "
            "department's first file (send them the intake template)",
            location=str(folder),
        )
    return candidates[-1]


def _patterns(source: SourceConfig) -> tuple[str, ...]:
    return source.inbox.patterns if source.inbox else InboxOptions().patterns


def waiting_files(source: SourceConfig, folder: Path) -> list[Path]:
    """Data files waiting in the folder, oldest first (by modification time, then name)."""
    if not folder.is_dir():
        return []
    patterns = [p.lower() for p in _patterns(source)]
    # Skip Excel's '~$' lock files and hidden files: they appear while someone has the workbook open.
    found = [
        path
        for path in folder.iterdir()
        if path.is_file()
        and path.suffix.lower() in EXTENSIONS
        and not path.name.startswith(("~$", "."))
        and any(fnmatch(path.name.lower(), pattern) for pattern in patterns)
    ]
    return sorted(found, key=lambda path: (path.stat().st_mtime, path.name))


def fetch(
    source: SourceConfig, location: str, client: HttpClient | None = None, validators: Validators | None = None
) -> Payload:
    """The newest file in the drop folder, read as a Payload (the folder is left as it is; no validators)."""
    path = newest_file(source, Path(location))
    if client is not None:
        return make_payload(source, client.open(str(path), source_id=source.id))
    return make_payload(source, read_file(path, source_id=source.id))


def parse(source: SourceConfig, payload: Payload, loader: Loader | None = None) -> Extracted:
    """Parse the dropped file with the parser for its extension (csv, xlsx, xls, json, zip)."""
    extension = Path(payload.filename).suffix.lower().lstrip(".")
    parser = PARSERS.get(extension) if f".{extension}" in EXTENSIONS else None
    if parser is None:
        raise parse_error(
            payload,
            f"cannot read a {payload.filename!r} from the drop folder; ask the department to send "
            f"one of {', '.join(EXTENSIONS)}",
        )
    return parser(source, payload)
