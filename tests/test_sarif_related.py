"""SARIF of the cross-file rules: relatedLocations point at the role's trust, and the log
validates against the SARIF 2.1.0 schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assume_lint.cli import main

REPO = Path(__file__).resolve().parents[1]


def test_repo_shaped_sarif_has_related_locations(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    shared: Path,
) -> None:
    import jsonschema

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.chdir(REPO)
    main(["samples/repo-shaped", "--no-config", "-q", "-f", "sarif", "--repo-root", str(REPO)])
    log = json.loads(capsys.readouterr().out)
    schema = json.loads((shared / "schemas/sarif-schema-2.1.0.json").read_text())
    jsonschema.validate(log, schema)
    related = {
        r["ruleId"]: [
            (
                loc["physicalLocation"]["artifactLocation"]["uri"],
                loc["physicalLocation"]["region"]["startLine"],
            )
            for loc in r["relatedLocations"]
        ]
        for r in log["runs"][0]["results"]
    }
    iam = "samples/repo-shaped/infra/iam.tf"
    assert related == {
        "AL302": [(iam, 30)],
        "AL303": [(iam, 65)],
        "AL304": [(iam, 10)],
        "AL305": [(iam, 45)],
    }
