"""A workflow job assumes an in-tree role whose OIDC `sub` patterns cannot match its token.

## What it does
For every `aws-actions/configure-aws-credentials` step that assumes a role through
GitHub's OIDC provider, finds the role when it is defined in the scanned tree (by ARN,
or by role name and account) and compares the trust's
`token.actions.githubusercontent.com:sub` conditions with the subjects the job's token
can carry (GitHub's default subject template):

- a job with `environment: NAME` gets `repo:OWNER/REPO:environment:NAME`, whatever
  the trigger;
- otherwise `repo:OWNER/REPO:pull_request` for `pull_request` runs and
  `repo:OWNER/REPO:ref:refs/heads/BRANCH` (or `refs/tags/TAG`) for pushes, one per
  branch or tag filter.

The repository comes from `[trusted] github-repository` in the config, or from the git
remote `origin`. When neither names it, the subject's *shape* is still compared: no
pattern that only admits `...:ref:...` can match `repo:<any>:environment:production`.
Reports at the step's `role-to-assume` when no Allow statement that admits GitHub's
web-identity tokens can match any of the job's subjects, with those statements as
related locations. Negated operators, unresolved values, an `environment` given by an
expression, reusable workflows and organizations that customise the subject template
(assume-lint cannot see that setting) are silent or, for the last, need a suppression.

The same goes for the token's audience: the step's `audience` input (GitHub's default
`sts.amazonaws.com` when absent) must satisfy the trust's
`token.actions.githubusercontent.com:aud` condition; when the subjects fit but no
statement admits the audience, the finding is at the `audience` input (or the step).

## Why is this bad?
`AssumeRoleWithWebIdentity` fails with "Not authorized to perform
sts:AssumeRoleWithWebIdentity", which does not say that the subject was the problem.
This is the most common GitHub OIDC support question: adding `environment:` to a job
changes its subject from `ref:refs/heads/main` to `environment:NAME`, and a trust
written for the branch no longer matches.

## Example
```yaml
jobs:
  deploy:
    environment: production
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: arn:aws:iam::111111111111:role/gha-deploy
```
with a trust whose condition is
`"token.actions.githubusercontent.com:sub": "repo:example-org/app:ref:refs/heads/main"`.

Use instead:
`"token.actions.githubusercontent.com:sub": "repo:example-org/app:environment:production"`.

## References
- [GitHub: Configuring OpenID Connect in Amazon Web Services](https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services)
- [GitHub: Example subject claims](https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect#example-subject-claims)
- [configure-aws-credentials issue 452](https://github.com/aws-actions/configure-aws-credentials/issues/452)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from assume_lint.model import AssumeAttempt, Condition, Model, Statement, WorkflowJob
from assume_lint.model.conditions import conditions_on, parse_operator, tri_and, tri_or
from assume_lint.model.findings import Hit, Severity
from assume_lint.model.registry import RuleContext, RuleMeta
from assume_lint.rules._helpers_callers import attempt_anchor
from assume_lint.rules._helpers_match import (
    WEB_IDENTITY,
    Match,
    matched_callers,
    related_locations,
    subject_may_match,
)
from assume_lint.rules._helpers_oidc import GITHUB_HOST

AUD_KEY = f"{GITHUB_HOST}:aud"
DEFAULT_AUDIENCE = "sts.amazonaws.com"

RULE = RuleMeta(
    id="AL304",
    name="workflow-subject-not-trusted",
    summary="Workflow job's OIDC subject cannot match the role's trust",
    severity=Severity.HIGH,
    tags=("consistency", "oidc", "github-actions"),
)

SUB_KEY = f"{GITHUB_HOST}:sub"


def _admits_github(statement: Statement) -> bool:
    """A statement whose Federated principal is (or may be) GitHub's OIDC provider."""
    if statement.unknown_principals or statement.not_principal:
        return True
    for principal in statement.principals:
        if principal.kind == "*":
            return True
        if principal.kind == "Federated":
            value = principal.value
            if value is None or value.rstrip("/").endswith(GITHUB_HOST) or value == "*":
                return True
    return False


def _condition_may_hold(condition: Condition, subjects: Sequence[str]) -> bool | None:
    """Can a token with one of ``subjects`` satisfy this condition on ``sub``?"""
    op = parse_operator(condition.operator)
    if op is None or op.family != "string":
        return None
    if op.negated:
        return True  # over-approximate: some subject of the shape may avoid the values
    glob = op.positive == "stringlike"
    ignore_case = op.positive == "stringequalsignorecase"
    results: list[bool | None] = []
    for value in condition.values:
        if value is None or "${" in value:
            results.append(None)
            continue
        results.append(
            any(subject_may_match(s, value, glob=glob, ignore_case=ignore_case) for s in subjects)
        )
    return tri_or(results)


def _statement_may_admit(statement: Statement, subjects: Sequence[str]) -> bool | None:
    """Can the statement's ``sub`` conditions hold for the job? (AND over conditions,
    each judged on its own: an over-approximation, so never a false finding.)"""
    if statement.unknown_conditions:
        return None
    conditions = conditions_on(statement, SUB_KEY)
    return tri_and(_condition_may_hold(c, subjects) for c in conditions)


def _audience(attempt: AssumeAttempt) -> str | None:
    """The token's audience: the step's ``audience`` input, GitHub's default when absent,
    None when it is an unresolved expression (then: silent)."""
    if attempt.audience is None:
        return DEFAULT_AUDIENCE
    return attempt.audience.value


def _audience_may_match(statement: Statement, audience: str) -> bool | None:
    """Can the statement's ``aud`` conditions hold for a token with this audience?"""
    if statement.unknown_conditions:
        return None
    return tri_and(_condition_may_hold(c, [audience]) for c in conditions_on(statement, AUD_KEY))


def _audience_hit(
    match: Match, job: WorkflowJob, audience: str, statements: Sequence[Statement]
) -> Hit:
    attempt: AssumeAttempt = match.attempt
    values: list[str] = []
    for statement in statements:
        for condition in conditions_on(statement, AUD_KEY):
            values.extend(v for v in condition.values if v is not None and v not in values)
    return Hit(
        location=attempt.audience.location if attempt.audience else attempt_anchor(attempt),
        message=(
            f"{_describe(job)} of {job.workflow} requests an OIDC token for audience "
            f"{audience}, which the aud condition of role {match.role.label} "
            f"({match.role.address}) does not admit ({', '.join(values[:4])}): "
            "AssumeRoleWithWebIdentity will be denied; set the step's audience input to match"
        ),
        key=f"{attempt.address}~{match.role.address}~aud",
        related=related_locations(statements),
        variant=match.variant,
    )


def _jobs(model: Model) -> dict[str, WorkflowJob]:
    return {f"{job.workflow}#{job.job}": job for job in model.jobs}


def _patterns(statements: Sequence[Statement]) -> str:
    """The trust's ``sub`` values for the message (a few of them)."""
    values: list[str] = []
    for statement in statements:
        for condition in conditions_on(statement, SUB_KEY):
            values.extend(v for v in condition.values if v is not None and v not in values)
    shown = ", ".join(values[:4])
    return shown + (", ..." if len(values) > 4 else "")


def _describe(job: WorkflowJob) -> str:
    if job.environment is not None and job.environment.value:
        return f"job {job.job} (environment {job.environment.value})"
    return f"job {job.job}"


def _hit(match: Match, job: WorkflowJob, statements: Sequence[Statement]) -> Hit:
    attempt: AssumeAttempt = match.attempt
    subjects = ", ".join(job.subjects[:4]) + (", ..." if len(job.subjects) > 4 else "")
    unknown_repo = " (* = any repository or ref)" if "*" in subjects else ""
    return Hit(
        location=attempt_anchor(attempt),
        message=(
            f"{_describe(job)} of {job.workflow} gets the OIDC subject {subjects}{unknown_repo}, "
            f"which the sub condition of role {match.role.label} ({match.role.address}) "
            f"does not admit ({_patterns(statements)}): AssumeRoleWithWebIdentity will be denied"
        ),
        key=f"{attempt.address}~{match.role.address}",
        related=related_locations(statements),
        variant=match.variant,
    )


def check(model: Model, ctx: RuleContext) -> Iterator[Hit]:
    """One hit per OIDC workflow step whose job's subjects no trust statement admits."""
    jobs = _jobs(model)
    for match in matched_callers(model):
        attempt = match.attempt
        if attempt.kind != "workflow" or match.action != WEB_IDENTITY or attempt.job is None:
            continue
        job = jobs.get(attempt.job)
        if job is None or not job.subjects:
            continue
        statements = [s for s in match.statements if _admits_github(s)]
        if not statements:
            continue
        verdicts = [_statement_may_admit(s, job.subjects) for s in statements]
        if all(verdict is False for verdict in verdicts):
            yield _hit(match, job, statements)
            continue
        admitting = [s for s, v in zip(statements, verdicts, strict=True) if v is not False]
        audience = _audience(attempt)
        if (
            audience is not None
            and admitting
            and all(_audience_may_match(s, audience) is False for s in admitting)
        ):
            yield _audience_hit(match, job, audience, admitting)
