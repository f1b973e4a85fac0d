"""The raw archive: every fetched payload kept once, by content hash, so any run can be re-parsed."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

from connectors.base import Payload

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class RawArchive:
    """Content-addressed files at ``root/<sha[:2]>/<sha>``; identical payloads share one file."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        """Where the payload with this hash lives (whether or not it is stored)."""
        if not _SHA256.match(sha256):
            raise ValueError(f"not a lowercase hex sha256: {sha256!r}")
        return self.root / sha256[:2] / sha256

    def store(self, payload: Payload) -> Path:
        """Keep a payload's bytes; a no-op when the same content is already there."""
        target = self.path(payload.sha256)
        if hashlib.sha256(payload.content).hexdigest() != payload.sha256:
            raise ValueError(f"payload of {payload.source_id} does not hash to its sha256 {payload.sha256}")
        if target.exists():
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        # Write beside the target and rename, so a crash never leaves a truncated file under a valid hash.
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload.content)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        return target

    def load(self, sha256: str) -> bytes:
        """The stored bytes of a payload; FileNotFoundError when it was never stored."""
        path = self.path(sha256)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            raise FileNotFoundError(f"no payload {sha256} in the raw archive at {self.root}") from None
