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
        # templatefile() in the ci-role module, with each caller's subjects (below)
        ("AL105", "modules/ci-role/trust.json.tftpl", 14, 11),
        ("AL105", "modules/ci-role/trust.json.tftpl", 14, 11),
    ]
    (oidc,) = [f for f in found if f["path"] == "github-oidc/assume_role.tpl"]
    assert oidc["severity"] == "critical"
    assert oidc["message"].startswith("Role github-deploy: GitHub Actions condition")
    # silent: the release role, whose templatefile() %{ for } renders one pinned
    # subject per repository, and the partner role, whose ${principal} has no value


def test_templatefile_in_a_module_judges_each_callers_values(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """modules/ci-role renders trust.json.tftpl with templatefile() and the caller's
    subjects (``${jsonencode(subjects)}``): two calls, two problems at the template's
    ``sub`` line, each with its own severity, its role and its module call."""
    found = lint(capsys, FIXTURES / "templates")
    in_module = sorted(
        (f for f in found if f["path"] == "modules/ci-role/trust.json.tftpl"),
        key=lambda f: f["severity"])
    assert [(f["severity"], f["line"], related(f)) for f in in_module] == [
        ("critical", 14, [("github-oidc/ci.tf", 12)]),  # module "ci_apply"
        ("medium", 14, [("github-oidc/ci.tf", 2)]),  # module "ci_plan"
    ]
    apply, plan = in_module
    assert apply["message"].startswith("Role ci-apply: GitHub Actions condition")
    assert "'repo:*:environment:production'" in apply["message"]
    assert "'repo:acme/infrastructure:pull_request'" in plan["message"]
    # the template itself is reached through the calls: not linted again on its own
    assert all(f["path"] != "modules/ci-role/main.tf" for f in found)


def test_the_trust_policy_of_a_template_keeps_every_location() -> None:
    from assume_lint.files.sources import SourceFile, read_source
    from assume_lint.parsers import terraform

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


# --------------------------------------------------------------------------- unknown


def _copy(tmp_path: Path, name: str) -> Path:
    root = tmp_path / name
    shutil.copytree(FIXTURES / name, root)
    return root


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


# Each unknown case is silent in the fixture, and the same call with the value known is
# reported: the silence is the evaluator's, not a fixture that could not fail.
@pytest.mark.parametrize(("unknown", "known", "expected"), [
    # a module input fed from a data source the files cannot know
    ("${data.aws_organizations_organization.this.master_account_id}", "888888888888",
     ("AL102", "accounts/security/main.tf", 56, 24)),
    # for_each over a set known only after apply: one symbolic instance, silent
    ("toset(data.aws_organizations_organization.this.accounts[*].id)",
     'toset(["777777777777"])', ("AL102", "accounts/security/main.tf", 70, 52)),
])  # fmt: skip
def test_unknown_module_inputs_are_silent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], unknown: str, known: str,
    expected: tuple[str, str, int, int],
) -> None:
    root = _copy(tmp_path, "iam-role")
    baseline = where(lint(capsys, root))
    assert expected not in baseline
    assert [f for f in baseline if f[0] == "AL102"] == [
        ("AL102", "accounts/security/main.tf", 21, 11)]  # vendor_readonly only
    _edit(root / "accounts" / "security" / "main.tf", unknown, known)
    assert expected in where(lint(capsys, root))


def test_a_template_placeholder_without_a_value_is_silent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _copy(tmp_path, "templates")
    assert all("partner" not in f["message"] for f in lint(capsys, root))
    # the same placeholder with a value: the "*" is reported where it was written
    _edit(root / "github-oidc" / "main.tf", "  type = string\n}",
          '  type    = string\n  default = "*"\n}')
    (partner,) = [f for f in lint(capsys, root) if "Role partner " in f["message"]]
    assert (partner["rule_id"], partner["path"], partner["line"]) == (
        "AL101", "github-oidc/main.tf", 39)


# --------------------------------------------------------------------------- registry


def _registry_tree(root: Path) -> Path:
    """A root stack calling the iam-role module from the registry, as after (or before)
    ``terraform init``: the module's files downloaded under .terraform/modules."""
    stack = root / "live" / "security"
    stack.mkdir(parents=True)
    (stack / "main.tf").write_text(
        'module "vendor_readonly" {\n'
        '  source  = "terraform-aws-modules/iam/aws//modules/iam-role"\n'
        '  version = "~> 6.0"\n\n'
        '  name = "vendor-readonly"\n'
        "  trust_policy_permissions = {\n"
        "    TrustVendor = {\n"
        '      principals = [{ type = "AWS", identifiers = ["arn:aws:iam::999999999999:root"] }]\n'
        "    }\n  }\n}\n", encoding="utf-8")
    downloaded = stack / ".terraform" / "modules" / "vendor_readonly" / "modules" / "iam-role"
    shutil.copytree(FIXTURES / "iam-role" / "modules" / "iam-role", downloaded)
    return stack


def test_registry_modules_are_followed_through_modules_json_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "repo"
    stack = _registry_tree(root)
    # downloaded files but no manifest: which folder is the module is not guessed
    assert lint(capsys, root) == []
    manifest = {"Modules": [
        {"Key": "", "Source": "", "Dir": "."},
        {"Key": "vendor_readonly",
         "Source": "registry.terraform.io/terraform-aws-modules/iam/aws//modules/iam-role",
         "Version": "6.2.1", "Dir": ".terraform/modules/vendor_readonly/modules/iam-role"},
    ]}
    (stack / ".terraform" / "modules" / "modules.json").write_text(
        json.dumps(manifest), encoding="utf-8")
    found = lint(capsys, root)
    assert where(found) == [
        ("AL102", "live/security/main.tf", 8, 52),
        # the module's own default (sts:TagSession), written in a downloaded module:
        # reported at the call, the one place in the repository that can change it
        ("AL108", "live/security/main.tf", 1, 1),
    ]
    # the downloaded module's statement, and the call
    (vendor,) = [f for f in found if f["rule_id"] == "AL102"]
    assert related(vendor) == [
        ("live/security/.terraform/modules/vendor_readonly/modules/iam-role/main.tf", 23),
        ("live/security/main.tf", 1)]


# --------------------------------------------------------------------------- locations


def _sarif_places(capsys: pytest.CaptureFixture[str], root: Path) -> list[Any]:
    main([str(root), "--no-config", "-q", "-f", "sarif", "--repo-root", str(root)])
    run = json.loads(capsys.readouterr().out)["runs"][0]

    def place(loc: dict[str, Any]) -> tuple[str, int]:
        physical = loc["physicalLocation"]
        return physical["artifactLocation"]["uri"], physical["region"]["startLine"]

    return sorted(
        (r["ruleId"], place(r["locations"][0]), [place(x) for x in r.get("relatedLocations", [])])
        for r in run["results"])


def test_sarif_related_locations_of_var_files_and_module_defaults(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # at the .tfvars line; the trust module's statement and the role module's call
    assert _sarif_places(capsys, FIXTURES / "var-files") == [
        ("AL101", ("stacks/partner-access/prod.tfvars", 3),
         [("modules/trust-policy/main.tf", 13), ("stacks/partner-access/main.tf", 19)]),
        ("AL101", ("stacks/partner-access/sandbox.tfvars", 3),
         [("modules/trust-policy/main.tf", 13), ("stacks/partner-access/main.tf", 19)]),
    ]
    # a module default reported in the module, with every call that keeps it
    places = _sarif_places(capsys, FIXTURES / "iam-role")
    (tag_session,) = [p for p in places if p[0] == "AL108"]
    assert tag_session == ("AL108", ("modules/iam-role/variables.tf", 34), [
        ("modules/iam-role/main.tf", 23), ("accounts/security/main.tf", 12),
        ("accounts/security/main.tf", 31), ("accounts/security/main.tf", 48),
        ("accounts/security/main.tf", 63)])


# --------------------------------------------------------------------------- tfvars


@pytest.mark.parametrize(("name", "text", "line"), [
    ("terraform.tfvars.json",
     '{\n  "environment": "shared",\n  "principals": {"AWS": ["*"]}\n}\n', 3),
    ("partner.auto.tfvars", 'environment = "shared"\nprincipals = {\n  AWS = ["*"]\n}\n', 3),
    ("partner.auto.tfvars.json",
     '{\n  "environment": "shared",\n  "principals": {\n    "AWS": ["*"]\n  }\n}\n', 4),
])  # fmt: skip
def test_automatic_var_files_always_apply(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str, line: int
) -> None:
    root = _copy(tmp_path, "var-files")
    stack = root / "stacks" / "partner-access"
    for candidate in ("prod", "sandbox", "staging"):
        (stack / f"{candidate}.tfvars").unlink()
    assert lint(capsys, root) == []  # principals has no value: unknown, silent
    (stack / name).write_text(text, encoding="utf-8")
    found = lint(capsys, root)
    assert [(f["rule_id"], f["path"], f["line"]) for f in found] == [
        ("AL101", f"stacks/partner-access/{name}", line)]
    assert "(with -var-file" not in found[0]["message"]


# --------------------------------------------------------------------------- documents


def test_a_trust_document_a_module_outputs_is_linted(capsys: pytest.CaptureFixture[str]) -> None:
    """modules/cross-account-trust only outputs a policy document (the roles are in other
    repositories): the vendor's document, without an ExternalId, is reported in the
    module's principal, with the call; the partner's, pinned, is not."""
    found = lint(capsys, FIXTURES / "documents")
    assert where(found) == [("AL102", "modules/cross-account-trust/main.tf", 20, 58)]
    assert related(found[0]) == [("stacks/shared-services/main.tf", 1)]
    assert "trusts account 999999999999" in found[0]["message"]


# --------------------------------------------------------------------------- partly known


DEPLOY_STACK = """\
data "aws_partition" "current" {}

provider "aws" {
  allowed_account_ids = ["222222222222"]
}

module "deploy_role" {
  source = "../../modules/iam-role"

  name                 = "deploy"
  max_session_duration = 3600
  trust_policy_permissions = {
    Pipeline = {
      principals = [{ type = "AWS", identifiers = ["arn:aws:iam::111111111111:role/ci"] }]
      condition = [{
        test     = "StringEquals"
        variable = "sts:ExternalId"
        values   = ["ci-pipeline-4f1c"]
      }]
    }
  }
}

provider "aws" {
  alias = "deploy"
  assume_role {
    role_arn = "arn:${data.aws_partition.current.partition}:iam::222222222222:role/deploy"
    duration = "2h"
  }
}
"""


def test_a_partly_known_caller_arn_is_compared_by_its_known_parts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The provider's role ARN has an unknown partition but a known account and role
    name: the role the module defines in this account is the one it assumes. It sends no
    ExternalId (AL302) and asks for two hours of a one-hour role (AL305). With the account
    unknown instead, a role named deploy may be another account's: nothing is said."""
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "iam-role" / "modules", root / "modules")
    stack = root / "accounts" / "deploy"
    stack.mkdir(parents=True)
    (stack / "main.tf").write_text(DEPLOY_STACK, encoding="utf-8")
    found = [f for f in lint(capsys, root) if f["rule_id"].startswith("AL30")]
    assert where(found) == [
        ("AL302", "accounts/deploy/main.tf", 27, 5),  # at the role_arn
        ("AL305", "accounts/deploy/main.tf", 28, 5),  # at the duration
    ]
    (stack / "main.tf").write_text(DEPLOY_STACK.replace(
        "iam::222222222222:role", "iam::${var.account_id}:role") + 'variable "account_id" {}\n',
        encoding="utf-8")
    assert [f for f in lint(capsys, root) if f["rule_id"].startswith("AL30")] == []
