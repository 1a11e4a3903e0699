"""End to end on samples/: exact findings (snapshot), every rule fires, clean is clean,
SARIF is valid, and no secret of samples/ appears unmasked in any output.

Regenerate the snapshots after an intended change with ``UPDATE_SNAPSHOTS=1 pytest``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from prepared import sarif_multitool

from assume_lint.cli import main
from assume_lint.registry import all_rules

REPO = Path(__file__).resolve().parents[1]
SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
# Rules that cannot fire on samples/ by design: parse errors would make the demo exit 2
# (they are exercised by tests/hostile), and the suppression notes need suppressions.
NOT_IN_SAMPLES = {"AL900", "AL901", "AL902"}


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.chdir(REPO)


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["samples", "--no-config", "-q", "--repo-root", str(REPO), *args])
    return code, capsys.readouterr().out


def _check_snapshot(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    if os.environ.get("UPDATE_SNAPSHOTS"):
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"missing snapshot {path}: run UPDATE_SNAPSHOTS=1 pytest"
    assert text == path.read_text(encoding="utf-8")


def test_text_snapshot_and_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(capsys)
    assert code == 1
    _check_snapshot("samples.txt", out)


def test_every_rule_fires_in_samples(capsys: pytest.CaptureFixture[str]) -> None:
    _, out = _run(capsys, "-f", "json", "--min-severity", "info")  # the nits too
    fired = {f["rule_id"] for f in json.loads(out)["findings"]}
    expected = {rule.id for rule in all_rules()} - NOT_IN_SAMPLES
    assert expected - fired == set()


def test_clean_samples_give_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["samples/clean", "--no-config", "-q", "-f", "json"])
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert findings == []
    assert code == 0


def test_sarif_of_samples_is_valid(capsys: pytest.CaptureFixture[str], shared: Path,
                                   tmp_path: Path) -> None:
    import jsonschema

    _, out = _run(capsys, "-f", "sarif")
    log = json.loads(out)
    schema = json.loads((shared / "schemas/sarif-schema-2.1.0.json").read_text())
    jsonschema.validate(log, schema)
    results = log["runs"][0]["results"]
    assert results and all(len(r["locations"]) == 1 for r in results)
    assert all(not r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
               .startswith("/") for r in results)
    tool = shared / "tools/sarif-validate"
    sarif_multitool()  # prepared by .ci/run; skips with the reason elsewhere
    report = tmp_path / "samples.sarif"
    report.write_text(out, encoding="utf-8")
    done = subprocess.run([str(tool), str(report)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 errors, 0 warnings" in done.stdout


_SECRET_LINE = re.compile(
    r"(?:access_key|secret_key|token|aws_access_key_id|aws_secret_access_key|aws_session_token"
    r"|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|aws-access-key-id"
    r"|aws-secret-access-key|aws-session-token)\s*[=:]\s*[\"']?([A-Za-z0-9/+=]{16,})")


def _secrets_in_samples() -> set[str]:
    found = set()
    for path in (REPO / "samples").rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            found.update(m.group(1) for m in _SECRET_LINE.finditer(text))
            found.update(re.findall(r"\b(?:AKIA|ASIA)[A-Z2-7]{16}\b", text))
    return found


def test_no_secret_of_samples_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    secrets = _secrets_in_samples()
    assert len(secrets) >= 4  # the samples do hold key-shaped values
    for fmt in ("text", "json", "sarif"):
        _, out = _run(capsys, "-f", fmt, "--include-suppressed")
        for secret in secrets:
            assert secret not in out, f"{fmt} output shows {secret[:4]}..."


def test_every_finding_has_a_severity_its_rule_declares(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Graded rules declare their grades (RuleMeta.grades): the catalogue shows the range,
    so a finding outside it would contradict the documentation."""
    _, out = _run(capsys, "-f", "json")
    declared = {rule.id: {s.label for s in rule.meta.severities} for rule in all_rules()}
    findings = json.loads(out)["findings"]
    seen: dict[str, set[str]] = {}
    for finding in findings:
        assert finding["severity"] in declared[finding["rule_id"]], finding
        seen.setdefault(finding["rule_id"], set()).add(finding["severity"])
    assert {"critical", "high", "medium"} <= seen["AL105"]


# Independent of the snapshot: what each of these sample files must give, written by hand.
HAND_WRITTEN: dict[str, list[tuple[str, int, str]]] = {
    "samples/cloudformation/ecs-task-roles.yaml": [
        ("AL110", 12, "low"),  # TaskRole: no Version (IAM applies 2008-10-17)
        ("AL109", 39, "high"),  # ${aws:PrincipalTag/team} under a written 2008-10-17
    ],
    "samples/clean/cloudformation/ecs-task-roles.yaml": [],
}


def test_hand_written_expectations(capsys: pytest.CaptureFixture[str]) -> None:
    _, out = _run(capsys, "-f", "json")
    findings = json.loads(out)["findings"]
    for path, expected in HAND_WRITTEN.items():
        got = [(f["rule_id"], f["line"], f["severity"]) for f in findings if f["path"] == path]
        assert sorted(got, key=lambda x: x[1]) == sorted(expected, key=lambda x: x[1]), path
