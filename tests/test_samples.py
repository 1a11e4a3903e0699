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
from assume_lint.model.registry import all_rules

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


# Independent of the snapshot: what every file of samples/ must give (rule, line,
# severity, with the nits: --min-severity info), written by hand from the samples'
# intent (samples/README.md) and checked line by line against the files. A snapshot
# refresh cannot silently accept a finding that moves, disappears or appears: this
# list must be edited too, deliberately. Files not listed must give nothing.
HAND_WRITTEN: dict[str, list[tuple[str, int, str]]] = {
    "samples/aws-config/.aws/config": [
        ("AL206", 17, "high"),  # stage: source_profile and credential_source together
        ("AL206", 22, "high"),  # prod: source_profile prod-base does not exist
        ("AL205", 28, "medium"),  # audit: duration_seconds 7200 above the allowed range
    ],
    "samples/aws-config/.aws/credentials": [
        ("AL201", 2, "critical"),  # aws_access_key_id AKIA...
        ("AL202", 3, "critical"),  # aws_secret_access_key
    ],
    "samples/cdk.out/PipelineStack.template.json": [
        ("AL102", 34, "high"),  # account 555566667777 root without an ExternalId
    ],
    "samples/cloudformation/break-glass.template.json": [
        ("AL102", 17, "high"),  # Fn::Join'ed account root of another account
        ("AL104", 19, "high"),  # BoolIfExists aws:MultiFactorAuthPresent
    ],
    "samples/cloudformation/deploy-roles.yaml": [
        ("AL105", 48, "high"),  # sub repo:${GitHubOrg}/*: the whole organization
        ("AL102", 61, "high"),  # the vendor account's root, no ExternalId
        ("AL101", 73, "critical"),  # !If [IsProd, {AWS: "*"}, ...]: anybody in one branch
    ],
    "samples/cloudformation/ecs-task-roles.yaml": [
        ("AL110", 12, "low"),  # TaskRole: no Version (IAM applies 2008-10-17)
        ("AL109", 39, "high"),  # ${aws:PrincipalTag/team} under a written 2008-10-17
    ],
    "samples/github-actions/.github/workflows/deploy-spa.yml": [
        ("AL203", 15, "low"),  # aws-access-key-id from secrets: long-lived keys
    ],
    "samples/github-actions/.github/workflows/release.yml": [
        ("AL207", 15, "medium"),  # OIDC configure-aws-credentials without id-token: write
    ],
    "samples/oidc/codebuild-service-role.json": [
        ("AL107", 7, "low"),  # codebuild service principal without aws:SourceArn/Account
        ("AL102", 14, "high"),  # account 999999999999 root
        ("AL108", 16, "medium"),  # "sts:*"
        ("AL106", 19, "medium"),  # sts:ExternalId "acme-*": a pattern, not a secret
    ],
    "samples/oidc/eks-irsa-external-dns.json": [
        ("AL105", 16, "high"),  # IRSA sub for every service account of the namespace
    ],
    "samples/oidc/github-org-wide.json": [
        ("AL108", 10, "low"),  # sts:TagSession with no condition on the tags
        ("AL105", 16, "high"),  # sub repo:acme/*
    ],
    "samples/oidc/github-poisoned-list.json": [
        ("AL105", 8, "medium"),  # no aud condition
        ("AL105", 13, "critical"),  # the OR-list holds repo:*
    ],
    "samples/oidc/gitlab-wrong-action.json": [
        ("AL109", 5, "high"),  # Sid with a hyphen
        ("AL109", 8, "high"),  # web identity provider with sts:AssumeRole
    ],
    "samples/repo-shaped/.aws/config": [
        ("AL303", 7, "medium"),  # instance-role profile without mfa_serial, the role requires MFA
    ],
    "samples/repo-shaped/.github/workflows/deploy.yml": [
        ("AL304", 24, "high"),  # environment: production against a branch-only trust
    ],
    "samples/repo-shaped/infra/providers.tf": [
        ("AL302", 7, "high"),  # no external_id, the role requires one
        ("AL305", 19, "medium"),  # duration 2h above the role's max_session_duration
    ],
    "samples/terraform/backend-mismatch/backend.tf": [
        ("AL204", 8, "info"),  # no session name
        ("AL208", 8, "info"),  # top-level role_arn deprecated since Terraform 1.6
        ("AL301", 8, "medium"),  # the provider's role name in another account (copied)
    ],
    "samples/terraform/keys-from-variables/main.tf": [
        ("AL203", 15, "low"),  # access_key = var.aws_access_key
    ],
    "samples/terraform/provider-with-keys/main.tf": [
        ("AL201", 8, "critical"),  # access_key literal
        ("AL202", 9, "critical"),  # secret_key literal
    ],
    "samples/terraform/security-account/roles.tf": [
        ("AL102", 30, "high"),  # stage-admin: account root, no ExternalId
        ("AL104", 33, "high"),  # stage-admin: BoolIfExists MFA
        ("AL103", 53, "medium"),  # prod-deployer: an IAM user without MFA
        ("AL102", 69, "high"),  # vendor-readonly: the vendor account from a variable
    ],
    "samples/terraform/security-account/trust/partner-ingest.json": [
        ("AL101", 7, "critical"),  # "AWS": "*" (file() of the Terraform role)
    ],
    "samples/terragrunt/live/prod/legacy-db/terragrunt.hcl": [
        ("AL208", 17, "info"),  # remote_state role_arn deprecated
        ("AL301", 17, "medium"),  # db-admin of staging's account vs prod's iam_role db-admin
        ("AL208", 18, "info"),  # session_name deprecated
    ],
    "samples/terragrunt/live/staging/app/terragrunt.hcl": [
        ("AL301", 18, "medium"),  # staging-deploy vs the generated provider's staging-admin
    ],
    "samples/terragrunt/terragrunt.hcl": [
        # the root remote_state (role terraform, no state role) against the root's own
        # generated provider and the including unit's: reported once, in the root file
        ("AL301", 21, "medium"),
    ],
    "samples/trust-policies/get-role-break-glass.json": [
        ("AL101", 14, "critical"),  # "Principal": "*"
    ],
    "samples/trust-policies/spa-deployment-role.json": [
        ("AL103", 7, "medium"),  # an IAM user without MFA
    ],
}


def test_hand_written_expectations(capsys: pytest.CaptureFixture[str]) -> None:
    _, out = _run(capsys, "-f", "json", "--min-severity", "info")
    findings = json.loads(out)["findings"]
    got: dict[str, list[tuple[str, int, str]]] = {}
    for f in findings:
        got.setdefault(f["path"], []).append((f["rule_id"], f["line"], f["severity"]))
    assert sorted(got) == sorted(path for path, found in HAND_WRITTEN.items() if found)
    for path, expected in HAND_WRITTEN.items():
        assert sorted(got.get(path, [])) == sorted(expected), path
    listed = {path.split("/", 1)[1] for path in HAND_WRITTEN}
    assert listed <= {p.relative_to(REPO / "samples").as_posix()
                      for p in (REPO / "samples").rglob("*") if p.is_file()}


def test_hand_written_al301_expectations(capsys: pytest.CaptureFixture[str]) -> None:
    """Every AL301 of samples/, by hand: the accidents, never the deliberate layouts of
    samples/clean/central-state (a shared state role, a backend on the runner's keys)."""
    _, out = _run(capsys, "-f", "json")
    found = sorted(
        (f["path"], f["line"], f["severity"])
        for f in json.loads(out)["findings"]
        if f["rule_id"] == "AL301"
    )
    assert found == [
        # the provider's role name in another account: a backend copied from elsewhere
        ("samples/terraform/backend-mismatch/backend.tf", 8, "medium"),
        ("samples/terragrunt/live/prod/legacy-db/terragrunt.hcl", 17, "medium"),
        # two roles of one account, neither a state role
        ("samples/terragrunt/live/staging/app/terragrunt.hcl", 18, "medium"),
        # the root's remote_state, once for the root and the unit that includes it
        ("samples/terragrunt/terragrunt.hcl", 21, "medium"),
    ]
