"""Terraform as Terraform evaluates it (issue 14), end to end on repository-shaped trees.

Each test lints a fixture under ``tests/fixtures/tfeval/`` and asserts rule, file, line
(and column where it matters) of every finding, the related locations that lead to the
module's statement, and that what the files cannot know stays silent.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from assume_lint.cli import main

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "tfeval"


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def lint(capsys: pytest.CaptureFixture[str], root: Path, *extra: str) -> list[dict[str, Any]]:
    main([str(root), "--no-config", "-q", "-f", "json", "--repo-root", str(root), *extra])
    findings: list[dict[str, Any]] = json.loads(capsys.readouterr().out)["findings"]
    return findings


def where(findings: list[dict[str, Any]]) -> list[tuple[str, str, int, int]]:
    return sorted((f["rule_id"], f["path"], f["line"], f["column"]) for f in findings)


def related(finding: dict[str, Any]) -> list[tuple[str, int]]:
    return [(r["path"], r["line"]) for r in finding["related"]]


# --------------------------------------------------------------------------- modules


def test_iam_role_module_with_dynamic_blocks_reports_at_the_callers_values(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """terraform-aws-modules' iam-role shape: dynamic statement/principals/condition over
    a typed ``trust_policy_permissions`` (optional() defaults fill in the actions)."""
    found = lint(capsys, FIXTURES / "iam-role")
    assert where(found) == [
        # the vendor's account root and its user, written in the caller's module block
        ("AL102", "accounts/security/main.tf", 21, 11),
        ("AL103", "accounts/security/main.tf", 22, 11),
        # sts:TagSession comes from the module's own optional() default: reported in the
        # module, once, for all three callers that keep it
        ("AL108", "modules/iam-role/variables.tf", 34, 61),
    ]
    by_rule = {f["rule_id"]: f for f in found}
    # the module's statement (the dynamic block's content) and the module call
    assert related(by_rule["AL102"]) == [
        ("modules/iam-role/main.tf", 23), ("accounts/security/main.tf", 12)]
    assert related(by_rule["AL103"]) == related(by_rule["AL102"])
    assert "Role vendor-readonly trusts account 999999999999" in by_rule["AL102"]["message"]
    assert related(by_rule["AL108"]) == [
        ("modules/iam-role/main.tf", 23), ("accounts/security/main.tf", 12),
        ("accounts/security/main.tf", 31), ("accounts/security/main.tf", 48),
        ("accounts/security/main.tf", 63)]
    # silent: vendor_pinned (ExternalId), org_auditor (principal from an unknown data
    # source), member_readers (for_each over an unknown set), disabled (count = 0), and
    # the module on its own (no inputs: every statement depends on them)


def test_the_related_location_reaches_sarif(capsys: pytest.CaptureFixture[str]) -> None:
    root = FIXTURES / "iam-role"
    main([str(root), "--no-config", "-q", "-f", "sarif", "--repo-root", str(root)])
    run = json.loads(capsys.readouterr().out)["runs"][0]
    (result,) = [r for r in run["results"] if r["ruleId"] == "AL102"]
    places = [
        (loc["physicalLocation"]["artifactLocation"]["uri"],
         loc["physicalLocation"]["region"]["startLine"])
        for loc in result["relatedLocations"]
    ]
    assert places == [("modules/iam-role/main.tf", 23), ("accounts/security/main.tf", 12)]


def test_module_outputs_flow_back_and_var_files_are_variants(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A policy document built in one module and attached in another; the principals come
    from the var-file given with -var-file, and the finding says which."""
    found = lint(capsys, FIXTURES / "var-files")
    assert where(found) == [
        ("AL101", "stacks/partner-access/prod.tfvars", 3, 10),
        ("AL101", "stacks/partner-access/sandbox.tfvars", 3, 10),
    ]
    prod, sandbox = sorted(found, key=lambda f: f["path"])
    assert prod["message"].startswith("Role partner-prod trusts any AWS principal")
    assert prod["message"].endswith("(with -var-file=prod.tfvars)")
    assert sandbox["message"].endswith("(with -var-file=sandbox.tfvars)")
    # the trust module's statement, and the call of the module that holds the role
    assert related(prod) == [
        ("modules/trust-policy/main.tf", 13), ("stacks/partner-access/main.tf", 19)]
    # staging.tfvars pins the partner's account and ExternalId: nothing


def test_a_problem_in_every_var_file_is_reported_once_plainly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "var-files", root)
    stack = root / "stacks" / "partner-access"
    (stack / "staging.tfvars").write_text(
        'environment = "staging"\nprincipals = {\n  AWS = ["*"]\n}\n', encoding="utf-8")
    found = lint(capsys, root)
    assert where(found) == [
        ("AL101", "stacks/partner-access/prod.tfvars", 3, 10),
        ("AL101", "stacks/partner-access/sandbox.tfvars", 3, 10),
        ("AL101", "stacks/partner-access/staging.tfvars", 3, 10),
    ]
    # each var-file writes its own "*": three places, each named with its variant
    assert all("(with -var-file=" in f["message"] for f in found)
    # the same "*" in terraform.tfvars holds in every variant: one plain finding
    for name in ("prod", "sandbox", "staging"):
        (stack / f"{name}.tfvars").write_text(f'environment = "{name}"\n', encoding="utf-8")
    (stack / "terraform.tfvars").write_text(
        'region = "eu-west-1"\nprincipals = {\n  AWS = ["*"]\n}\n', encoding="utf-8")
    found = lint(capsys, root)
    assert where(found) == [("AL101", "stacks/partner-access/terraform.tfvars", 3, 10)]
    assert "(with -var-file" not in found[0]["message"]


# --------------------------------------------------------------------------- templates


def test_templates_through_template_file_and_templatefile(
    capsys: pytest.CaptureFixture[str],
) -> None:
    found = lint(capsys, FIXTURES / "templates")
    assert where(found) == [
        # a template no call reaches is linted on its own (placeholders unknown)
        ("AL101", "github-oidc/unreached.json.tpl", 6, 29),
        # data "template_file" with file(): any repository on GitHub may assume the
        # role; the provider is known from aws_iam_openid_connect_provider.github.arn
        ("AL105", "github-oidc/assume_role.tpl", 15, 11),
    ]
    (oidc,) = [f for f in found if f["rule_id"] == "AL105"]
    assert oidc["severity"] == "critical"
    assert oidc["message"].startswith("Role github-deploy: GitHub Actions condition")
    # silent: the release role, whose templatefile() %{ for } renders one pinned
    # subject per repository, and the partner role, whose ${principal} has no value


def test_the_trust_policy_of_a_template_keeps_every_location() -> None:
    from assume_lint.parsers import terraform
    from assume_lint.sources import SourceFile, read_source

    root = FIXTURES / "templates"
    files = []
    for path in sorted((root / "github-oidc").glob("*.tf")):
        loaded = read_source(path, path.relative_to(root).as_posix())
        assert isinstance(loaded, SourceFile)
        files.append(loaded)
    roles = {r.address: r for r in terraform.parse_unit(files).roles}
    (deploy,) = roles["aws_iam_role.deploy"].statements
    (federated,) = deploy.principals
    # the value of the template's "${trusted_entity}" is the caller's expression
    assert (federated.location.path, federated.location.line) == ("github-oidc/main.tf", 12)
    assert federated.partial is not None
    assert federated.partial.endswith(":oidc-provider/token.actions.githubusercontent.com")
    assert (deploy.location.path, deploy.location.line) == ("github-oidc/assume_role.tpl", 4)
    (release,) = roles["aws_iam_role.release"].statements
    sub = [c for c in release.conditions if c.key.endswith(":sub")]
    assert [c.values for c in sub] == [("repo:acme/app:ref:refs/heads/main",)]
    assert (sub[0].location.path, sub[0].location.line) == ("github-oidc/trust.json.tftpl", 11)
    (partner,) = roles["aws_iam_role.partner"].statements
    assert [(p.value, p.partial) for p in partner.principals] == [(None, None)]


# --------------------------------------------------------------------------- cache


def test_a_changed_module_invalidates_the_callers_cached_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "iam-role", root)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "shared-cache"))
    main([str(root), "--no-config", "-q", "-f", "json", "--repo-root", str(root)])
    first = json.loads(capsys.readouterr().out)["findings"]
    assert ("AL102", "accounts/security/main.tf", 21, 11) in where(first)
    # The module now requires an ExternalId of every statement: the caller's cached
    # model must not be served.
    module = root / "modules" / "iam-role" / "main.tf"
    text = module.read_text(encoding="utf-8").replace(
        "      dynamic \"condition\" {",
        "      condition {\n        test     = \"StringEquals\"\n"
        "        variable = \"sts:ExternalId\"\n        values   = [\"pinned\"]\n      }\n\n"
        "      dynamic \"condition\" {",
    )
    module.write_text(text, encoding="utf-8")
    main([str(root), "--no-config", "-q", "-f", "json", "--repo-root", str(root)])
    second = json.loads(capsys.readouterr().out)["findings"]
    assert [f for f in where(second) if f[0] in ("AL102", "AL103")] == []
