"""Limits on what a ZIP (a bundle or an .xlsx) may expand to: checked before extracting and while reading."""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from connectors.base import Payload, parse_error

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100
# Small members of repeated text (a sheet of empty cells) legitimately compress past 100:1; a bomb is big.
RATIO_GRACE_BYTES = 1024 * 1024
MAX_MEMBERS = 10_000
CHUNK_BYTES = 1024 * 1024
_UTF8_NAME_FLAG = 0x800
_ENCRYPTED_FLAG = 0x1


@dataclass(frozen=True)
class ZipLimits:
    """How far a ZIP may expand: in total, and per member against its compressed size."""

    max_total: int = MAX_UNCOMPRESSED_BYTES
    max_ratio: float = MAX_RATIO
    ratio_grace: int = RATIO_GRACE_BYTES
    max_members: int = MAX_MEMBERS


DEFAULT_LIMITS = ZipLimits()


@dataclass
class Budget:
    """Uncompressed bytes still allowed across one archive's members, spent as they are actually read."""

    remaining: int


def is_zip(content: bytes) -> bool:
    """Whether bytes are a ZIP archive (an .xlsx is one too) by signature."""
    return content.startswith(ZIP_MAGIC)


def open_zip(payload: Payload, what: str = "ZIP file", limits: ZipLimits = DEFAULT_LIMITS) -> zipfile.ZipFile:
    """The archive of a payload; a damaged or truncated file is a ParseError saying to re-export it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(payload.content))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise damaged(payload, what, exc) from None
    if len(archive.infolist()) > limits.max_members:
        raise parse_error(
            payload,
            f"the {what} holds {len(archive.infolist()):,} members, over the limit of {limits.max_members:,}; "
            "refused as a possible ZIP bomb — ask the department to send fewer files per archive",
        )
    return archive


def damaged(payload: Payload, what: str, exc: BaseException) -> Exception:
    """The ParseError for an archive that cannot be read to its end."""
    return parse_error(
        payload,
        f"the {what} is damaged or truncated ({exc}); ask the department to export it again "
        "(Excel: 名前を付けて保存) and resend it",
    )


def member_name(info: zipfile.ZipInfo) -> str:
    """A member's name as its author wrote it: Japanese Windows zips store cp932 without the UTF-8 flag."""
    if info.flag_bits & _UTF8_NAME_FLAG:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    # macOS writes UTF-8 without setting the flag; UTF-8 rarely decodes cp932 bytes by accident.
    for codec in ("utf-8", "cp932"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return info.filename


def check_sizes(payload: Payload, infos: list[zipfile.ZipInfo], limits: ZipLimits = DEFAULT_LIMITS) -> None:
    """Refuse from the central directory, before extracting anything, members that would expand too far."""
    total = 0
    for info in infos:
        total += info.file_size
        if total > limits.max_total:
            raise _too_big(payload, member_name(info), total, limits)
        if _ratio_exceeded(info.file_size, info.compress_size, limits):
            raise _too_compressed(payload, member_name(info), info.file_size, info.compress_size, limits)


def iter_member(
    payload: Payload, archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: Budget, limits: ZipLimits
) -> Iterator[bytes]:
    """A member's bytes in chunks, stopped as soon as the budget or the ratio is exceeded (headers can lie)."""
    name = member_name(info)
    if info.flag_bits & _ENCRYPTED_FLAG:
        raise parse_error(payload, f"member {name!r} is password-protected; ask the department for an unprotected copy")
    size = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(CHUNK_BYTES):
                size += len(chunk)
                if size > budget.remaining:
                    raise _too_big(payload, name, limits.max_total - budget.remaining + size, limits)
                if _ratio_exceeded(size, info.compress_size, limits):
                    raise _too_compressed(payload, name, size, info.compress_size, limits)
                yield chunk
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise damaged(payload, f"member {name!r} of the ZIP file", exc) from None
    budget.remaining -= size


def read_member(
    payload: Payload, archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: Budget, limits: ZipLimits
) -> bytes:
    """A member's whole content, read within the budget."""
    return b"".join(iter_member(payload, archive, info, budget, limits))


def _ratio_exceeded(size: int, compressed: int, limits: ZipLimits) -> bool:
    return size > limits.ratio_grace and size > limits.max_ratio * max(compressed, 1)


def _too_big(payload: Payload, name: str, total: int, limits: ZipLimits) -> Exception:
    return parse_error(
        payload,
        f"member {name!r} brings the uncompressed size to {total:,} bytes, over the limit of "
        f"{limits.max_total:,} bytes; refused as a possible ZIP bomb — ask the department to split the data",
    )


def _too_compressed(payload: Payload, name: str, size: int, compressed: int, limits: ZipLimits) -> Exception:
    ratio = size / max(compressed, 1)
    return parse_error(
        payload,
        f"member {name!r} expands {ratio:,.0f} times ({compressed:,} to {size:,} bytes), over the limit of "
        f"{limits.max_ratio:g}:1; refused as a possible ZIP bomb — ask the department to resend the file",
    )
