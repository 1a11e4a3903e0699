"""The import contracts of pyproject.toml ([tool.importlinter]) hold.

.ci/run runs ``lint-imports`` after mypy; this runs the same tool from the suite, so that
a change that breaks a layer, adds a cycle or leaves a new module out of the layers (the
layers contract is exhaustive) fails where developers look first. Like .ci/run, it
checks a link tree with the installed package's shape (rules/ is assume_lint.rules).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def test_import_contracts_hold(tmp_path: Path) -> None:
    tool = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    if not Path(tool).exists():
        pytest.fail("lint-imports is missing: install the dev extra (import-linter)")
    tree = tmp_path / "tree"
    (tree / "assume_lint").mkdir(parents=True)
    for entry in (REPO / "lint").iterdir():
        if entry.name != "__pycache__":
            (tree / "assume_lint" / entry.name).symlink_to(entry)
    (tree / "assume_lint" / "rules").symlink_to(REPO / "rules")
    env = dict(os.environ, PYTHONPATH=str(tree))
    done = subprocess.run(
        [tool, "--no-cache", str(REPO / "pyproject.toml")],
        cwd=tree, env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout
