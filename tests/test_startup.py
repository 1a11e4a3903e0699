"""Start-up cost: --version and runs without Terraform never import hcl2, lark or click."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

_PROBE = """
import json, sys
from assume_lint.cli import main
code = main(sys.argv[1:])
heavy = sorted(m for m in ("hcl2", "lark", "click", "jsonschema", "yaml", "policyuniverse")
               if m in sys.modules)
print(json.dumps({"code": code, "heavy": heavy}), file=sys.stderr)
"""


def _run(*args: str, cwd: Path | None = None) -> dict[str, object]:
    out = subprocess.run([sys.executable, "-c", _PROBE, *args], capture_output=True,
                         text=True, cwd=cwd, check=False)
    return json.loads(out.stderr.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_version_imports_nothing_heavy() -> None:
    assert _run("--version") == {"code": 0, "heavy": []}


def test_rules_listing_does_not_import_hcl2(tmp_path: Path) -> None:
    result = _run("rules", cwd=tmp_path)
    assert result["code"] == 0
    assert "hcl2" not in result["heavy"] and "lark" not in result["heavy"]  # type: ignore[operator]


def test_run_without_terraform_does_not_import_hcl2(tmp_path: Path) -> None:
    (tmp_path / "policy.json").write_text('{"Version": "2012-10-17", "Statement": []}\n')
    result = _run(str(tmp_path), "--no-config", cwd=tmp_path)
    assert result["code"] == 0
    assert "hcl2" not in result["heavy"] and "lark" not in result["heavy"]  # type: ignore[operator]
