"""Shared fixtures: the repository layout and the ../shared folder beside it."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SAMPLES = REPO / "samples"


@pytest.fixture
def shared() -> Path:
    """The ../shared folder; tests that need it skip with a reason when it is missing."""
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is missing (it sits beside the checkout in CI)")
    return SHARED
