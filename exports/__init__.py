"""Published outputs: release files, freshness statuses and reports, the quality report, the site index."""

from __future__ import annotations

from exports.freshness import (
    STATUS_ORDER,
    compute_freshness,
    department_freshness,
    render_freshness_table,
    write_freshness,
)
from exports.release import ReleaseResult, guard, write_release
from exports.standard import CARE_SERVICE_HEADERS

__all__ = [
    "CARE_SERVICE_HEADERS",
    "STATUS_ORDER",
    "ReleaseResult",
    "compute_freshness",
    "department_freshness",
    "guard",
    "render_freshness_table",
    "write_freshness",
    "write_release",
]
