"""External tools the tests use, prepared ahead of the run, never installed by a test.

``.ci/run`` installs the npm packages (mermaid's parser with jsdom, Microsoft's SARIF
Multitool) into folders it names in environment variables, before pytest starts and with
the registry still reachable; the tests then run with ``PIP_NO_INDEX=1`` and npm offline.
On a developer's machine with nothing prepared, the tests that need a tool skip and say
how to prepare it. When the variable is set, the tool is expected: a missing one fails
the test instead of silently skipping it.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

PREPARE = "bash tests/tools/prepare-node-tools DIR (the npm registry is needed once)"


def _home(variable: str, default: Path) -> tuple[Path, bool]:
    given = os.environ.get(variable)
    return (Path(given), True) if given else (default, False)


def _cache() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")


def _need(path: Path, required: bool, what: str, variable: str) -> Path:
    if path.exists():
        return path
    if required:
        pytest.fail(f"{what} is missing at {path}, though {variable} names it")
    pytest.skip(f"{what} is not prepared: run `{PREPARE}` and set {variable}")


def mermaid_modules() -> Path:
    """node_modules holding ``mermaid`` and ``jsdom`` (``ASSUME_LINT_MERMAID_HOME``)."""
    home, required = _home("ASSUME_LINT_MERMAID_HOME", _cache() / "assume-lint-mermaid")
    modules = home / "node_modules"
    _need(modules / "jsdom" / "package.json", required, "jsdom", "ASSUME_LINT_MERMAID_HOME")
    return _need(modules / "mermaid" / "package.json", required, "mermaid",
                 "ASSUME_LINT_MERMAID_HOME").parent.parent


def sarif_multitool() -> Path:
    """The SARIF Multitool binary that ``../shared/tools/sarif-validate`` runs."""
    home, required = _home("SARIF_MULTITOOL_HOME", _cache() / "sarif-multitool")
    binary = home / "node_modules" / "@microsoft" / "sarif-multitool-linux" / "Sarif.Multitool"
    return _need(binary, required, "the SARIF Multitool", "SARIF_MULTITOOL_HOME")


def sarif_validate(path: Path) -> tuple[int, str]:
    """Run ``../shared/tools/sarif-validate`` on ``path`` (exit code, output); skip when
    ../shared or the prepared Multitool is missing."""
    validate = Path(__file__).resolve().parents[2] / "shared" / "tools" / "sarif-validate"
    if not validate.is_file():
        pytest.skip(f"{validate} not found (../shared is missing)")
    sarif_multitool()  # prepared by .ci/run; never installed here
    proc = subprocess.run(
        ["bash", str(validate), str(path)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    return proc.returncode, proc.stdout + proc.stderr
