"""Shared fixtures: the repository root and the optional ../shared reference data."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository root."""
    return REPO


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared (gazetteer, standards, samples); tests needing it skip on a clone without it."""
    if not (SHARED / "gazetteer").is_dir():
        pytest.skip("needs ../shared (official gazetteer, standards and samples), present in CI only")
    return SHARED
