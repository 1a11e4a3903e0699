"""AL304 workflow-subject-not-trusted: a job's OIDC subject against the role's sub patterns."""

from __future__ import annotations

import pytest
from builders import (
    attr,
    cond,
    principal,
    role,
    statement,
    workflow_job,
    workflow_model,
    workflow_step,
)

from assume_lint.model import Condition, Role, WorkflowJob
from assume_lint.model.findings import Location
from assume_lint.model.registry import RuleContext
from assume_lint.rules import al304_workflow_subject_not_trusted as rule

ARN = "arn:aws:iam::444444444444:role/gha-deploy"
PROVIDER = "arn:aws:iam::444444444444:oidc-provider/token.actions.githubusercontent.com"
SUB = "token.actions.githubusercontent.com:sub"
IAM = "infra/iam.tf"
MAIN = "repo:example-org/app:ref:refs/heads/main"


def gha_role(*conditions: Condition, federated: str | None = PROVIDER, **extra: object) -> Role:
    stmt = statement(
        principals=[principal(federated, kind="Federated", line=12, path=IAM)],
        actions=("sts:AssumeRoleWithWebIdentity",),
        conditions=conditions,
        line=10,
        path=IAM,
        **extra,
    )
    return role(stmt, address="aws_iam_role.gha_deploy", name="gha-deploy", path=IAM)


def sub(*values: str | None, operator: str = "StringEquals") -> Condition:
    return cond(operator, SUB, *values, line=15, path=IAM)


def job(*subjects: str, environment: str | None = "production") -> WorkflowJob:
    env = attr(environment, 5, 18, ".github/workflows/deploy.yml") if environment else None
    return workflow_job("deploy", 3, environment=env, subjects=subjects)


ENV = "repo:*:environment:production"


def run(r: Role | None, j: WorkflowJob, uses_oidc: bool = True) -> list[tuple[str, int, str]]:
    step = workflow_step("deploy", 22, role=ARN, uses_oidc=uses_oidc)
    m = workflow_model([j], [step])
    if r is not None:
        m.roles.append(r)
    hits = rule.check(m, RuleContext())
    return [(rule.RULE.id, h.location.line, h.location.path) for h in hits]


FIRES = [("AL304", 24, ".github/workflows/deploy.yml")]

CASES = [
    ("environment job vs branch-only trust, repo unknown", gha_role(sub(MAIN)), job(ENV), FIRES),
    (
        "environment job vs branch-only trust, repo known",
        gha_role(sub(MAIN)),
        job("repo:example-org/app:environment:production"),
        FIRES,
    ),
    (
        "matching environment trust",
        gha_role(sub("repo:example-org/app:environment:production")),
        job(ENV),
        [],
    ),
    (
        "other environment",
        gha_role(sub("repo:example-org/app:environment:staging")),
        job(ENV),
        FIRES,
    ),
    (
        "wildcard after repo",
        gha_role(sub("repo:example-org/app:*", operator="StringLike")),
        job(ENV),
        [],
    ),
    (
        "StringLike ref wildcard cannot reach environment",
        gha_role(sub("repo:example-org/app:ref:refs/heads/*", operator="StringLike")),
        job(ENV),
        FIRES,
    ),
    (
        "StringEquals does not glob",
        gha_role(sub("repo:example-org/app:*")),
        job("repo:example-org/app:environment:production"),
        FIRES,
    ),
    (
        "other repository, known",
        gha_role(sub("repo:example-org/other:environment:production")),
        job("repo:example-org/app:environment:production"),
        FIRES,
    ),
    ("branch job vs main trust", gha_role(sub(MAIN)), job(MAIN, environment=None), []),
    (
        "pull_request vs main trust",
        gha_role(sub(MAIN)),
        job("repo:example-org/app:pull_request", environment=None),
        FIRES,
    ),
    ("any branch vs main trust", gha_role(sub(MAIN)), job("repo:*:ref:*", environment=None), []),
    (
        "one of two values matches",
        gha_role(sub(MAIN, "repo:example-org/app:environment:production")),
        job(ENV),
        [],
    ),
    ("negated operator is silent", gha_role(sub(MAIN, operator="StringNotEquals")), job(ENV), []),
    ("unresolved value is silent", gha_role(sub(None)), job(ENV), []),
    ("no sub condition: AL105's business", gha_role(), job(ENV), []),
    ("unknown subjects", gha_role(sub(MAIN)), job(), []),
    ("role not in tree", None, job(ENV), []),
    (
        "not GitHub's provider",
        gha_role(sub(MAIN), federated="arn:aws:iam::1:oidc-provider/gitlab.com"),
        job(ENV),
        [],
    ),
    ("unknown conditions", gha_role(sub(MAIN), unknown_conditions=True), job(ENV), []),
    (
        "ignore-case equals",
        gha_role(
            sub("REPO:EXAMPLE-ORG/APP:ENVIRONMENT:PRODUCTION", operator="StringEqualsIgnoreCase")
        ),
        job(ENV),
        [],
    ),
]


@pytest.mark.parametrize(("case", "r", "j", "expected"), CASES, ids=[c[0] for c in CASES])
def test_cases(
    case: str, r: Role | None, j: WorkflowJob, expected: list[tuple[str, int, str]]
) -> None:
    assert run(r, j) == expected


def test_static_keys_step_is_not_oidc() -> None:
    assert run(gha_role(sub(MAIN)), job(ENV), uses_oidc=False) == []


def test_second_statement_admitting_the_job_silences() -> None:
    first = gha_role(sub(MAIN))
    env = gha_role(sub("repo:example-org/app:environment:production"))
    both = role(*first.statements, *env.statements, address=first.address, name="gha-deploy")
    assert run(both, job(ENV)) == []


def test_related_and_message() -> None:
    step = workflow_step("deploy", 22, role=ARN)
    m = workflow_model([job(ENV)], [step])
    m.roles.append(gha_role(sub(MAIN)))
    hits = list(rule.check(m, RuleContext()))
    assert [h.related for h in hits] == [(Location(IAM, 10, 1),)]
    assert "environment production" in hits[0].message
    assert MAIN in hits[0].message
    assert hits[0].key == ".github/workflows/deploy.yml#deploy/1~aws_iam_role.gha_deploy"


AUD = "token.actions.githubusercontent.com:aud"
WORKFLOW = ".github/workflows/deploy.yml"


def _run_audience(trust_aud: str | None, audience: str | None, *, unknown: bool = False
                  ) -> list[tuple[str, int, int, str]]:
    conditions = [sub("repo:example-org/app:environment:production")]
    if trust_aud is not None:
        conditions.append(cond("StringEquals", AUD, trust_aud, line=16, path=IAM))
    given = None
    if audience is not None or unknown:
        given = attr(None if unknown else audience, 26, 21, WORKFLOW,
                     source="${{ vars.AUD }}" if unknown else audience or "")
    step = workflow_step("deploy", 22, role=ARN, audience=given)
    m = workflow_model([job(ENV)], [step])
    m.roles.append(gha_role(*conditions))
    return [(rule.RULE.id, h.location.line, h.location.column, h.message)
            for h in rule.check(m, RuleContext())]


@pytest.mark.parametrize(
    ("trust_aud", "audience", "expected"),
    [
        ("sts.amazonaws.com", None, []),  # GitHub's default audience matches
        (None, "my-audience", []),  # no aud condition: any audience passes this rule
        ("sts.amazonaws.com", "sts.amazonaws.com", []),
        ("my-audience", None, [("AL304", 24, 27)]),  # default vs custom trust: at the step
        ("sts.amazonaws.com", "other", [("AL304", 26, 21)]),  # at the audience input
    ],
)
def test_audience_against_the_trust_aud(
    trust_aud: str | None, audience: str | None, expected: list[tuple[str, int, int]]
) -> None:
    assert [h[:3] for h in _run_audience(trust_aud, audience)] == expected


def test_audience_message_names_both_sides() -> None:
    [(_, _, _, message)] = _run_audience("sts.amazonaws.com", "other")
    assert "audience other" in message and "sts.amazonaws.com" in message


def test_unresolved_audience_is_silent() -> None:
    assert _run_audience("sts.amazonaws.com", None, unknown=True) == []
