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


FIXTURES = Path(__file__).resolve().parent / "fixtures"
Found = tuple[str, str, int, str]  # (rule id, path relative to the fixture, line, severity)


def lint_fixture(path: Path, *args: str) -> list[Found]:
    """Run the whole linter (CLI, JSON output, no config, no cache) on a fixture tree and
    return its findings as (rule, path relative to the tree, line, severity), sorted."""
    import contextlib
    import io
    import json

    from assume_lint.cli import main

    out = io.StringIO()
    with (
        contextlib.chdir(path),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(io.StringIO()),
    ):
        config = () if "--config" in args else ("--no-config",)
        main([".", "-f", "json", *config, "--no-cache", "--soft-fail", *args])
    findings = json.loads(out.getvalue())["findings"]
    # paths are relative to the repository root when the tree is inside this checkout
    inside = path.resolve().is_relative_to(REPO)
    prefix = path.resolve().relative_to(REPO).as_posix() + "/" if inside else ""
    return sorted(
        (f["rule_id"], f["path"].removeprefix(prefix), f["line"], f["severity"])
        for f in findings
    )
