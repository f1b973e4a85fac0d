"""ZIP bundles (自治体標準 style): every member matching ``zip_members`` parsed on its own, then stacked."""

from __future__ import annotations

import fnmatch
import hashlib
from collections.abc import Callable
from dataclasses import replace
from pathlib import PurePosixPath

import pandas as pd

from connectors import csv, excel
from connectors.base import ROW, Extracted, Payload, parse_error
from connectors.loading import Loader
from connectors.safety import (
    DEFAULT_LIMITS,
    Budget,
    ZipLimits,
    check_sizes,
    member_name,
    open_zip,
    read_member,
)
from tsunagu.config import SourceConfig

MEMBER = "_member"
_EXCEL = frozenset({".xlsx", ".xlsm", ".xls"})
_JUNK = ("__MACOSX/", "._", "~$")


def parse(
    source: SourceConfig, payload: Payload, loader: Loader | None = None, *, limits: ZipLimits = DEFAULT_LIMITS
) -> Extracted:
    """Rows of every matching member, in archive order, with ``_member`` naming the file each came from."""
    archive = open_zip(payload, limits=limits)
    members = [(info, member_name(info)) for info in archive.infolist() if not info.is_dir()]
    pattern = source.zip_members.lower()
    wanted = [
        (info, name)
        for info, name in members
        if fnmatch.fnmatchcase(name.lower(), pattern) and not _junk(name) and not name.lower().endswith(".zip")
    ]
    warnings: list[str] = []
    nested = [name for _, name in members if name.lower().endswith(".zip")]
    if nested:
        warnings.append(f"ZIP file(s) inside the bundle not opened: {', '.join(nested)}; send their contents instead")
    if not wanted:
        listed = ", ".join(name for _, name in members if not _junk(name)) or "none"
        raise parse_error(
            payload,
            f"no member of the ZIP file matches zip_members {source.zip_members!r} (members: {listed}); "
            "fix zip_members in the departments config",
        )
    check_sizes(payload, [info for info, _ in wanted], limits)
    budget = Budget(limits.max_total)
    parts: list[tuple[str, Extracted]] = []
    for info, name in wanted:
        content = read_member(payload, archive, info, budget, limits)
        member = replace(
            payload,
            location=f"{payload.location}!{name}",
            filename=PurePosixPath(name).name,
            content=content,
            sha256=hashlib.sha256(content).hexdigest(),
        )
        parts.append((name, _parser(name)(source, member)))
    return stack(parts, warnings)


def _junk(name: str) -> bool:
    """Files an archiver or an open workbook leaves behind, never data."""
    base = PurePosixPath(name).name
    return name.startswith(_JUNK[0]) or base.startswith(_JUNK[1:])


def _parser(name: str) -> Callable[[SourceConfig, Payload], Extracted]:
    return excel.parse if PurePosixPath(name).suffix.lower() in _EXCEL else csv.parse


def stack(parts: list[tuple[str, Extracted]], warnings: list[str]) -> Extracted:
    """One frame from the members' frames: columns in first-seen order, a member's missing ones empty."""
    columns = list(dict.fromkeys(c for _, part in parts for c in part.frame.columns if c != ROW))
    frames: list[pd.DataFrame] = []
    first_columns = [c for c in parts[0][1].frame.columns if c != ROW]
    for name, part in parts:
        frame = part.frame
        missing = [c for c in columns if c not in frame.columns]
        own = [c for c in frame.columns if c != ROW]
        if own != first_columns:
            warnings.append(f"{name}: its columns differ from {parts[0][0]}'s; missing ones are left empty")
        filler = {c: pd.Series([None] * len(frame), index=frame.index, dtype=object) for c in missing}
        frame = frame.assign(**filler, **{MEMBER: name})
        frames.append(frame[[*columns, MEMBER, ROW]])
        warnings.extend(f"{name}: {warning}" for warning in part.warnings)
    stacked = pd.concat(frames, ignore_index=True)
    stacked[ROW] = stacked[ROW].astype("int64")
    stated = sorted({part.as_of for _, part in parts if part.as_of is not None})
    if len(stated) > 1:
        warnings.append(f"the members state different dates ({', '.join(map(str, stated))}); the newest is used")
    return Extracted(frame=stacked, as_of=stated[-1] if stated else None, warnings=warnings)
