"""An OIDC trust that any repository, project or workload of the provider can use.

## What it does
Checks every Allow statement that grants `sts:AssumeRoleWithWebIdentity` to an OIDC
provider (`Federated: arn:aws:iam::N:oidc-provider/<host>`): GitHub Actions
(`token.actions.githubusercontent.com`), GitLab (`gitlab.com` or self-hosted), Terraform
Cloud (`app.terraform.io`), EKS IRSA (`oidc.eks.<region>.amazonaws.com/id/<X>`),
Bitbucket Pipelines, CircleCI and any other provider. The provider is recognised in the
forms real code uses, not only from a literal ARN: a partly known ARN with a literal host
(`arn:aws:iam::${data.aws_caller_identity.current.account_id}:oidc-provider/<host>`,
CloudFormation's `!Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/<host>`),
a reference to a provider resource whose URL is known, and an unresolved Federated
principal (`"${trusted_entity}"`) whose conditions test one provider's keys
(`<host>:sub`, `<host>:aud`): a request carries one provider's claims, so such a statement
works only for that provider. An unresolved principal with no provider keys is not
reported. It reports, at the condition key
(or at the Federated principal when no condition exists):

- **critical**: no condition on `<host>:sub` (for GitHub also none of the newer scoping
  keys `repository`, `repository_id`, `job_workflow_ref`, `repository_owner(_id)`);
  a `sub` that is wildcard-only (`*`, `repo:*`, `repo:*/*`, `system:serviceaccount:*:*`)
  or has a wildcard in the owner part (`repo:*/infra:*`, `repo:acme*`); or a list of
  values in which *any* value is like that (values are OR-ed: one poisoned value opens
  the role, and IAM's own CreateRole guardrail only checks the first one);
- **high**: an organization-wide pattern (`repo:acme/*`, `project_path:group/*`, an EKS
  namespace wildcard, a Terraform Cloud workspace wildcard) or `repository_owner` alone.
  When `[trusted] github-orgs` is configured and the organization is *not* one of yours,
  the GitHub pattern is **critical**: every member of somebody else's organization can
  assume the role;
- **medium**: a `pull_request` subject is admitted (`repo:acme/app:pull_request`, or
  `repo:acme/app:*`); or the statement has no `<host>:aud` condition;
- **low**: `StringEquals` with a `*` or `?` in a value: StringEquals compares literally,
  so the value never matches (a bug; use `StringLike`).

Conditions on one key are combined like IAM does: several values are OR-ed (the worst
value counts), several keys are AND-ed (the narrowest key counts). `environment`, `ref`,
`workflow` and `actor` alone do not pin a repository (any repository can define an
environment called `prod`), so they do not count as scoping. Unresolved values and
statements guarded by a Deny on the provider's keys are not reported.

## Why is this bad?
Anybody can create a GitHub repository or a GitLab project and request a token from the
same issuer; the token's `sub` names *their* repository. Without a condition pinning
your repository, STS accepts any token of the provider and hands out the role.
A `pull_request` subject lets code that has not been reviewed run with the role.

## Example
```json
{"Effect": "Allow",
 "Principal": {"Federated":
   "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"},
 "Action": "sts:AssumeRoleWithWebIdentity",
 "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub":
                              ["repo:acme/app:ref:refs/heads/main", "repo:*"]}}}
```

Use instead:
```json
{"Effect": "Allow",
 "Principal": {"Federated":
   "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"},
 "Action": "sts:AssumeRoleWithWebIdentity",
 "Condition": {"StringEquals": {
   "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
   "token.actions.githubusercontent.com:sub": "repo:acme/app:ref:refs/heads/main"}}}
```

## References
- GitHub Docs: Configuring OpenID Connect in Amazon Web Services.
- AWS IAM User Guide: Creating a role for web identity or OpenID Connect federation.
- AWS IAM User Guide: Available keys for AWS OIDC federation (GitHub claim keys, 2026).
- Amazon EKS User Guide: Configure the trust policy of an IAM role for a service account.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from assume_lint.files.secrets import mask_text
from assume_lint.model import Condition, Model, Role, Statement
from assume_lint.model.conditions import ASSUME_ROLE_WITH_WEB_IDENTITY as WEB_IDENTITY
from assume_lint.model.conditions import is_deny, parse_operator
from assume_lint.model.findings import Hit, Location, Severity, Variant
from assume_lint.model.registry import Grade as RuleGrade
from assume_lint.model.registry import RuleContext, RuleMeta
from assume_lint.rules._helpers import allow_statements, hit_key, related
from assume_lint.rules._helpers_oidc import (
    GITHUB_OWNER_KEYS,
    GITHUB_REPO_KEYS,
    Grade,
    OidcProvider,
    github_owner_of,
    grade_claim,
    grade_subject,
    has_wildcard,
    is_glob_operator,
    is_scoping_operator,
    is_wildcard_only,
    statement_providers,
)

RULE = RuleMeta(
    id="AL105",
    name="oidc-subject-unrestricted",
    summary="An OIDC trust does not pin the repository, project or workload (sub)",
    severity=Severity.CRITICAL,
    tags=("security", "trust", "oidc"),
    grades=(
        RuleGrade(
            Severity.CRITICAL,
            "no sub (or repository) condition at all, or a subject any owner's repository or "
            "workload matches (`*`, `repo:*`, an owner outside `[trusted] github-orgs`)",
        ),
        RuleGrade(
            Severity.HIGH,
            "the subject pins only an owner, organization or namespace (`repo:my-org/*`)",
        ),
        RuleGrade(
            Severity.MEDIUM,
            "the subject admits pull-request workflows or every ref and event of a "
            "repository, or the trust has no aud condition",
        ),
        RuleGrade(
            Severity.LOW,
            "StringEquals with a `*` in the subject: compared literally, it never matches",
        ),
    ),
)


@dataclass(frozen=True)
class _Verdict:
    """How broad one scoping condition is: ``grade`` None means narrow enough;
    ``known`` False means an unresolved value might be anything."""

    condition: Condition
    grade: Grade | None
    value: str | None
    known: bool


def _scoping_claims(provider: OidcProvider) -> frozenset[str]:
    if provider.kind == "github":
        return GITHUB_REPO_KEYS | GITHUB_OWNER_KEYS
    return frozenset({"sub"})


def _grade_value(
    provider: OidcProvider, claim: str, value: str, glob: bool, ctx: RuleContext
) -> Grade | None:
    if claim in GITHUB_OWNER_KEYS:
        if glob and (is_wildcard_only(value) or has_wildcard(value)):
            return Grade(Severity.CRITICAL, "matches repositories of any owner")
        return Grade(Severity.HIGH, f"pins only the owner {value}: every repository of it matches")
    if claim != "sub":
        return grade_claim(provider, claim, value, glob)
    grade = grade_subject(provider, value, glob)
    if grade is not None and grade.severity == Severity.HIGH and provider.kind == "github":
        owner = github_owner_of(value)
        orgs = ctx.trusted.github_orgs
        if owner is not None and orgs and owner not in orgs:
            reason = f"{grade.reason}, an organization that is not in [trusted] github-orgs"
            return Grade(Severity.CRITICAL, reason)
    return grade


def _verdict(provider: OidcProvider, condition: Condition, ctx: RuleContext) -> _Verdict:
    """The worst value of one condition (values are OR-ed)."""
    claim = provider.claim(condition.key) or ""
    glob = is_glob_operator(condition)
    worst: tuple[Grade, str] | None = None
    known = True
    for value in condition.values:
        if value is None or "${" in value:
            known = False
            continue
        grade = _grade_value(provider, claim, value, glob, ctx)
        if grade is not None and (worst is None or grade.severity > worst[0].severity):
            worst = (grade, value)
    if worst is None:
        return _Verdict(condition, None, None, known)
    return _Verdict(condition, worst[0], worst[1], True)


def _binding(verdicts: Sequence[_Verdict]) -> _Verdict | None:
    """The narrowest of AND-ed conditions; None when one is narrow or unknown decides."""
    if any(v.grade is None and v.known for v in verdicts):
        return None
    if any(not v.known for v in verdicts):
        return None
    graded = [v for v in verdicts if v.grade is not None]
    return min(graded, key=lambda v: v.grade.severity if v.grade else 0) if graded else None


def _unknown(statement: Statement) -> bool:
    return statement.unknown_conditions or any(
        parse_operator(c.operator) is None for c in statement.conditions
    )


def _deny_on_provider(role: Role, provider: OidcProvider) -> bool:
    """A Deny with conditions on the provider's claims: too subtle to judge, stay silent."""
    return any(
        is_deny(s) and any(provider.claim(c.key) is not None for c in s.conditions)
        for s in role.statements
    )


def _scope_hits(
    role: Role, statement: Statement, provider: OidcProvider, ctx: RuleContext
) -> Iterator[Hit]:
    claims = _scoping_claims(provider)
    scoping = [
        c
        for c in statement.conditions
        if provider.claim(c.key) in claims and is_scoping_operator(c)
    ]
    if not scoping:
        if not _unknown(statement):
            yield Hit(
                location=provider.principal.location,
                message=(
                    f"{_trusts(role, provider)} with no {provider.host}:sub "
                    "condition: any identity of the provider (anybody's repository or "
                    "workload) can assume it; pin the subject with StringEquals"
                ),
                key=hit_key(role, statement, f"{provider.host}:sub"),
                variant=role.variant,
                severity=Severity.CRITICAL,
            )
        return
    binding = _binding([_verdict(provider, c, ctx) for c in scoping])
    if binding is None or binding.grade is None:
        return
    yield Hit(
        location=binding.condition.location,
        message=(
            f"Role {role.label}: {provider.label} condition {binding.condition.key} value "
            f"{binding.value!r} {binding.grade.reason}; pin the exact repository or "
            "workload (and branch or environment) with StringEquals"
        ),
        key=hit_key(role, statement, binding.condition.key),
        variant=role.variant,
        severity=binding.grade.severity,
    )


def _literal_wildcard_hits(
    role: Role, statement: Statement, provider: OidcProvider
) -> Iterator[Hit]:
    """StringEquals with ``*``: compared literally, the value never matches."""
    for condition in statement.conditions:
        if provider.claim(condition.key) is None or not is_scoping_operator(condition):
            continue
        if is_glob_operator(condition):
            continue
        bad = [v for v in condition.values if v is not None and has_wildcard(v)]
        if bad:
            yield Hit(
                location=condition.location,
                message=(
                    f"Role {role.label}: {condition.operator} {condition.key} value {bad[0]!r} "
                    "contains a wildcard, but StringEquals compares literally so it never "
                    "matches; use StringLike or drop the wildcard"
                ),
                key=hit_key(role, statement, f"{condition.key}/literal-wildcard"),
                variant=role.variant,
                severity=Severity.LOW,
            )


def _audience_hits(role: Role, statement: Statement, provider: OidcProvider) -> Iterator[Hit]:
    if _unknown(statement):
        return
    if any(provider.claim(c.key) == "aud" and is_scoping_operator(c) for c in statement.conditions):
        return
    yield Hit(
        location=provider.principal.location,
        message=(
            f"{_trusts(role, provider)} with no {provider.host}:aud "
            'condition; add StringEquals on it (e.g. "sts.amazonaws.com") so tokens '
            "minted for other audiences are refused"
        ),
        key=hit_key(role, statement, f"{provider.host}:aud"),
        variant=role.variant,
        severity=Severity.MEDIUM,
    )


def _masked(hit: Hit) -> Hit:
    """Messages quote condition values: mask anything shaped like a credential."""
    return replace(hit, message=mask_text(hit.message), key=mask_text(hit.key))


def _trusts(role: Role, provider: OidcProvider) -> str:
    """``Role r trusts GitHub Actions``, saying how the provider was recognised when its
    principal is not a literal ARN (the reader must see why we know it)."""
    text = f"Role {role.label} trusts {provider.label}"
    if provider.inferred:
        return (
            f"{text} (its Federated principal is unresolved, but the conditions test "
            f"{provider.host} keys, so only that provider's tokens can match)"
        )
    return text


def check(model: Model, ctx: RuleContext) -> Iterator[Hit]:
    """Hits per OIDC provider of each web-identity Allow statement."""
    seen: set[tuple[Location, str, Variant | None]] = set()
    for role, statement in allow_statements(model, (WEB_IDENTITY,)):
        for provider in statement_providers(statement):
            if _deny_on_provider(role, provider):
                continue
            for hit in (
                *_scope_hits(role, statement, provider, ctx),
                *_literal_wildcard_hits(role, statement, provider),
                *_audience_hits(role, statement, provider),
            ):
                if (hit.location, hit.key, hit.variant) not in seen:
                    seen.add((hit.location, hit.key, hit.variant))
                    yield replace(_masked(hit),
                                  related=related(role, statement, hit.location))
