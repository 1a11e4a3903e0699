"""AL105 oidc-subject-unrestricted: sub patterns per provider, OR-lists, AND-ed keys."""

from __future__ import annotations

import pytest
from builders import GH, cond, model, oidc_role, partial_oidc_role, role, statement

from assume_lint.model import HOLE, Model, Role
from assume_lint.model.findings import Severity
from assume_lint.model.registry import RuleContext, Trusted
from assume_lint.rules import al105_oidc_subject_unrestricted as rule

AUD = cond("StringEquals", f"{GH}:aud", "sts.amazonaws.com", line=9)
EKS = "arn:aws:iam::111111111111:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123"
EKS_HOST = "oidc.eks.eu-west-1.amazonaws.com/id/ABCDEF0123"
GITLAB = "arn:aws:iam::111111111111:oidc-provider/gitlab.com"
TFC = "arn:aws:iam::111111111111:oidc-provider/app.terraform.io"
CIRCLE = "arn:aws:iam::111111111111:oidc-provider/oidc.circleci.com/org/0b1f2e3d"
GENERIC = "arn:aws:iam::111111111111:oidc-provider/auth.example.com"


def run(m: Model, ctx: RuleContext | None = None) -> list[tuple[str, int, str]]:
    return [
        (rule.RULE.id, h.location.line, (h.severity or rule.RULE.severity).label)
        for h in rule.check(m, ctx or RuleContext())
    ]


def sub(op: str, *values: str | None, host: str = GH, line: int = 6) -> object:
    return cond(op, f"{host}:sub", *values, line=line)


CASES: list[tuple[str, Role, list[tuple[str, int, str]]]] = [
    ("pinned branch", oidc_role(sub("StringEquals", "repo:o/r:ref:refs/heads/main"), AUD), []),
    ("pinned environment like", oidc_role(sub("StringLike", "repo:o/r:environment:prod"), AUD), []),
    ("no sub at all", oidc_role(AUD), [("AL105", 4, "critical")]),
    (
        "no conditions: sub and aud",
        oidc_role(),
        [("AL105", 4, "critical"), ("AL105", 4, "medium")],
    ),
    ("wildcard *", oidc_role(sub("StringLike", "*"), AUD), [("AL105", 6, "critical")]),
    ("repo:*", oidc_role(sub("StringLike", "repo:*"), AUD), [("AL105", 6, "critical")]),
    ("repo:*/*", oidc_role(sub("StringLike", "repo:*/*"), AUD), [("AL105", 6, "critical")]),
    (
        "owner wildcard",
        oidc_role(sub("StringLike", "repo:*/infra:*"), AUD),
        [("AL105", 6, "critical")],
    ),
    (
        "poisoned OR-list (the issue's case)",
        oidc_role(sub("StringLike", "repo:o/r:ref:refs/heads/main", "repo:*"), AUD),
        [("AL105", 6, "critical")],
    ),
    (
        "poisoned list with an unknown value still reported",
        oidc_role(sub("StringLike", None, "repo:*"), AUD),
        [("AL105", 6, "critical")],
    ),
    ("org-wide", oidc_role(sub("StringLike", "repo:acme/*"), AUD), [("AL105", 6, "high")]),
    (
        "pull_request subject",
        oidc_role(sub("StringEquals", "repo:acme/app:pull_request"), AUD),
        [("AL105", 6, "medium")],
    ),
    (
        "any event of one repo",
        oidc_role(sub("StringLike", "repo:acme/app:*"), AUD),
        [("AL105", 6, "medium")],
    ),
    (
        "StringEquals with * never matches",
        oidc_role(sub("StringEquals", "repo:acme/*"), AUD),
        [("AL105", 6, "low")],
    ),
    (
        "AND-ed keys: the narrow one wins",
        oidc_role(
            sub("StringLike", "repo:*"),
            cond("StringEquals", f"{GH}:repository", "acme/app", line=7),
            AUD,
        ),
        [],
    ),
    (
        "repository key scopes",
        oidc_role(cond("StringEquals", f"{GH}:repository_id", "123456", line=7), AUD),
        [],
    ),
    (
        "job_workflow_ref scopes",
        oidc_role(
            cond(
                "StringLike", f"{GH}:job_workflow_ref", "acme/wf/.github/workflows/d.yml@*", line=7
            ),
            AUD,
        ),
        [],
    ),
    (
        "repository_owner alone is org-wide",
        oidc_role(cond("StringEquals", f"{GH}:repository_owner", "acme", line=7), AUD),
        [("AL105", 7, "high")],
    ),
    (
        "environment alone does not pin a repository",
        oidc_role(cond("StringEquals", f"{GH}:environment", "prod", line=7), AUD),
        [("AL105", 4, "critical")],
    ),
    ("unknown sub value: silent", oidc_role(sub("StringLike", None), AUD), []),
    ("unknown conditions: silent", oidc_role(unknown_conditions=True), []),
    (
        "negated sub does not scope",
        oidc_role(sub("StringNotLike", "repo:evil/*"), AUD),
        [("AL105", 4, "critical")],
    ),
    (
        "EKS namespace wildcard",
        oidc_role(
            sub("StringLike", "system:serviceaccount:*:dns", host=EKS_HOST),
            cond("StringEquals", f"{EKS_HOST}:aud", "sts.amazonaws.com"),
            provider=EKS,
        ),
        [("AL105", 6, "high")],
    ),
    (
        "EKS wildcard-only",
        oidc_role(
            sub("StringLike", "system:serviceaccount:*:*", host=EKS_HOST),
            cond("StringEquals", f"{EKS_HOST}:aud", "sts.amazonaws.com"),
            provider=EKS,
        ),
        [("AL105", 6, "critical")],
    ),
    (
        "EKS pinned",
        oidc_role(
            sub("StringEquals", "system:serviceaccount:kube-system:dns", host=EKS_HOST),
            cond("StringEquals", f"{EKS_HOST}:aud", "sts.amazonaws.com"),
            provider=EKS,
        ),
        [],
    ),
    (
        "GitLab group-wide",
        oidc_role(
            sub("StringLike", "project_path:acme/*", host="gitlab.com"),
            cond("StringEquals", "gitlab.com:aud", "https://gitlab.com"),
            provider=GITLAB,
        ),
        [("AL105", 6, "high")],
    ),
    (
        "Terraform Cloud any organization",
        oidc_role(
            sub(
                "StringLike",
                "organization:*:project:*:workspace:*:run_phase:*",
                host="app.terraform.io",
            ),
            cond("StringEquals", "app.terraform.io:aud", "aws.workload.identity"),
            provider=TFC,
        ),
        [("AL105", 6, "critical")],
    ),
    (
        "CircleCI project wildcard",
        oidc_role(
            sub(
                "StringLike", "org/0b1f2e3d/project/*/user/*", host="oidc.circleci.com/org/0b1f2e3d"
            ),
            cond("StringEquals", "oidc.circleci.com/org/0b1f2e3d:aud", "0b1f2e3d"),
            provider=CIRCLE,
        ),
        [("AL105", 6, "high")],
    ),
    (
        "generic provider without sub",
        oidc_role(cond("StringEquals", "auth.example.com:aud", "x"), provider=GENERIC),
        [("AL105", 4, "critical")],
    ),
    ("plain AssumeRole is AL109's business", oidc_role(actions=["sts:AssumeRole"]), []),
]


@pytest.mark.parametrize(("name", "the_role", "expected"), CASES, ids=[c[0] for c in CASES])
def test_cases(name: str, the_role: Role, expected: list[tuple[str, int, str]]) -> None:
    assert run(model([the_role])) == expected


def test_foreign_org_wide_is_critical_own_org_stays_high() -> None:
    the_model = model([oidc_role(sub("StringLike", "repo:acme/*"), AUD)])
    own = RuleContext(trusted=Trusted(github_orgs=frozenset({"acme"})))
    foreign = RuleContext(trusted=Trusted(github_orgs=frozenset({"other"})))
    assert run(the_model, own) == [("AL105", 6, "high")]
    assert run(the_model, foreign) == [("AL105", 6, "critical")]


def test_deny_on_provider_keys_keeps_the_rule_silent() -> None:
    allow = oidc_role(AUD).statements[0]
    deny = statement(
        effect="Deny",
        principals=allow.principals,
        actions=["sts:AssumeRoleWithWebIdentity"],
        conditions=[cond("StringNotLike", f"{GH}:sub", "repo:acme/app:*")],
        line=12,
    )
    assert run(model([role(allow, deny)])) == []


def test_message_names_the_offending_value() -> None:
    the_model = model([oidc_role(sub("StringLike", "repo:o/r:ref:refs/heads/main", "repo:*"), AUD)])
    (hit,) = rule.check(the_model, RuleContext())
    assert "'repo:*'" in hit.message and hit.severity == Severity.CRITICAL
    assert hit.key == f"github.json/#0/{GH}:sub"


def test_issue_case_end_to_end_from_json() -> None:
    from pathlib import Path

    from assume_lint.files.sources import SourceFile
    from assume_lint.parsers.trust_json import parse_file

    text = (
        '{"Version": "2012-10-17", "Statement": [{\n'
        '  "Effect": "Allow",\n'
        f'  "Principal": {{"Federated": "arn:aws:iam::1:oidc-provider/{GH}"}},\n'
        '  "Action": "sts:AssumeRoleWithWebIdentity",\n'
        '  "Condition": {"StringLike": {\n'
        f'    "{GH}:aud": "sts.amazonaws.com",\n'
        f'    "{GH}:sub": ["repo:o/r:ref:refs/heads/main", "repo:*"]}}}}\n'
        "}]}\n"
    )
    parsed = parse_file(SourceFile(Path("gh.json"), "gh.json", text))
    assert run(parsed) == [("AL105", 7, "critical")]


# ------------------------------------------------ providers recognised without a literal ARN

PARTIAL_GH = f"arn:aws:iam::{HOLE}:oidc-provider/{GH}"
# What a reference to a provider resource with a known URL becomes (Terraform's
# aws_iam_openid_connect_provider.github.arn, CloudFormation's !Ref/!GetAtt).
REFERENCE_GH = f"arn:{HOLE}:iam::{HOLE}:oidc-provider/{GH}"

RECOGNISED: list[tuple[str, Role, list[tuple[str, int, str]]]] = [
    (
        "partial ARN, org-wide sub",
        partial_oidc_role(sub("StringLike", "repo:acme/*"), AUD, partial=PARTIAL_GH),
        [("AL105", 6, "high")],
    ),
    (
        "provider reference, no conditions",
        partial_oidc_role(partial=REFERENCE_GH),
        [("AL105", 4, "critical"), ("AL105", 4, "medium")],
    ),
    (
        "partial ARN, pinned",
        partial_oidc_role(sub("StringEquals", "repo:acme/app:ref:refs/heads/main"), AUD,
                          partial=PARTIAL_GH),
        [],
    ),
    (
        "partial EKS ARN, namespace wildcard",
        partial_oidc_role(
            sub("StringLike", "system:serviceaccount:*:dns", host=EKS_HOST),
            cond("StringEquals", f"{EKS_HOST}:aud", "sts.amazonaws.com"),
            partial=f"arn:aws:iam::{HOLE}:oidc-provider/{EKS_HOST}",
        ),
        [("AL105", 6, "high")],
    ),
    (
        "unknown principal, GitHub keys: wildcard sub",
        partial_oidc_role(sub("StringLike", "repo:*"), AUD, partial=None),
        [("AL105", 6, "critical")],
    ),
    (
        "unknown principal, GitHub sub key, no aud",
        partial_oidc_role(sub("StringLike", "repo:acme/app:*"), partial=None),
        [("AL105", 6, "medium"), ("AL105", 4, "medium")],
    ),
    (
        "unknown principal, only aud: no sub",
        partial_oidc_role(AUD, partial=None),
        [("AL105", 4, "critical")],
    ),
    (
        "unknown principal, GitLab keys",
        partial_oidc_role(
            sub("StringLike", "project_path:*", host="gitlab.com"),
            cond("StringEquals", "gitlab.com:aud", "https://gitlab.com"),
            partial=None,
        ),
        [("AL105", 6, "critical")],
    ),
    (
        "unknown principal, Terraform Cloud keys",
        partial_oidc_role(
            sub("StringLike", "organization:acme:project:*:workspace:*:run_phase:*",
                host="app.terraform.io"),
            cond("StringEquals", "app.terraform.io:aud", "aws.workload.identity"),
            partial=None,
        ),
        [("AL105", 6, "high")],
    ),
    (
        "partial ARN with an unknown host, GitHub keys",
        partial_oidc_role(sub("StringLike", "repo:*"), AUD,
                          partial=f"arn:aws:iam::{HOLE}:oidc-provider/{HOLE}"),
        [("AL105", 6, "critical")],
    ),
    # Unknown stays silent.
    ("unknown principal, no conditions: silent", partial_oidc_role(partial=None), []),
    (
        "unknown principal, only aws: keys: silent",
        partial_oidc_role(cond("StringEquals", "aws:PrincipalTag/team", "ci", line=6),
                          partial=None),
        [],
    ),
    (
        "unknown principal, keys of two providers: silent",
        partial_oidc_role(sub("StringLike", "repo:*"), sub("StringLike", "*", host="gitlab.com"),
                          partial=None),
        [],
    ),
    (
        "unknown principal, Cognito keys are not an OIDC provider's: silent",
        partial_oidc_role(cond("StringEquals", "cognito-identity.amazonaws.com:aud", "pool"),
                          partial=None),
        [],
    ),
    (
        "a SAML provider ARN is no OIDC provider: silent",
        partial_oidc_role(sub("StringLike", "repo:*"),
                          partial=f"arn:aws:iam::{HOLE}:saml-provider/okta"),
        [],
    ),
    (
        "unresolved condition key: silent",
        partial_oidc_role(cond("StringLike", "${var.oidc_host}:sub", "*", line=6), partial=None),
        [],
    ),
]


@pytest.mark.parametrize(("name", "the_role", "expected"), RECOGNISED,
                         ids=[c[0] for c in RECOGNISED])
def test_providers_recognised_without_a_literal_arn(
    name: str, the_role: Role, expected: list[tuple[str, int, str]]
) -> None:
    assert run(model([the_role])) == expected


def test_inferred_provider_says_why_in_the_message() -> None:
    hits = list(rule.check(model([partial_oidc_role(AUD, partial=None)]), RuleContext()))
    assert [h.location.line for h in hits] == [4]
    assert "its Federated principal is unresolved" in hits[0].message
    assert f"{GH} keys" in hits[0].message
