"""A trust policy that AWS would reject, or that silently cannot work.

## What it does
Reports, each at its own element:
- structural errors found when the policy was read, including every violation of the
  trust-policy JSON Schema shipped with assume-lint (`assume_lint/data/
  trust-policy.schema.json`): an unknown `Version`, a statement without
  `Effect`, `Principal` or `Action`, a `Resource` element, unknown elements, values of the
  wrong type, misspelt condition operators, actions that are not `service:Action`;
- malformed principal ARNs (the ARN shape policyuniverse's ARN parser accepts, plus
  IAM's rules: a 12-digit account, no region, a principal resource type, no wildcard);
- a principal given as a unique ID (`AROA...`, `AIDA...`): IAM replaces the ARN with the
  ID when the role or user is deleted, and a re-created principal of the same name is
  *not* trusted;
- an action that does not fit the principal: an OIDC or web identity provider with
  `sts:AssumeRole` (it needs `sts:AssumeRoleWithWebIdentity`), a SAML provider with
  `sts:AssumeRoleWithWebIdentity` (it needs `sts:AssumeRoleWithSAML`), or an AWS/Service
  principal with only the federation actions;
- a policy variable (`${aws:PrincipalTag/team}`, `${aws:username}`) in a condition of a
  policy whose version is 2008-10-17, written or by default: IAM reads it as plain text,
  so the condition never matches.

A missing `Version` alone is accepted by IAM (it applies 2008-10-17): AL110 notes it at
low severity. An `Effect` written in another case (`"allow"`) is noted at low severity
only: AWS documents the value as case sensitive, but IAM evidently accepts it (AWS's own
Control Tower Account Factory deploys such a role), and every other rule reads it as
`Allow`.

## Why is this bad?
IAM refuses to save most of these policies (`MalformedPolicyDocument`), so a Terraform
apply or CloudFormation deployment fails late; the rest are accepted but never match, so
the role silently cannot be assumed by the principal the author had in mind.

## Example
```json
{"Statement": [{"Effect": "Allow",
  "Principal": {"AWS": "AROAEXAMPLEID12345678"},
  "Action": "sts:AssumeRole", "Resource": "*"}]}
```

Use instead:
```json
{"Version": "2012-10-17",
 "Statement": [{"Effect": "Allow",
  "Principal": {"AWS": "arn:aws:iam::111111111111:role/ci"},
  "Action": "sts:AssumeRole"}]}
```

## References
- AWS IAM User Guide: IAM JSON policy element reference (Version, Principal).
- AWS IAM User Guide: Role trust policies and unique identifiers of deleted principals.
- IAM Access Analyzer policy checks: MISMATCHED_ACTION_FOR_PRINCIPAL.
- [AWS IAM User Guide: IAM JSON policy elements: Effect](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_effect.html)
  ("The Effect value is case sensitive").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from assume_lint.files.secrets import mask_text
from assume_lint.model import Model, Principal, Role, Statement
from assume_lint.model.conditions import ASSUME_ROLE as PLAIN
from assume_lint.model.conditions import ASSUME_ROLE_WITH_SAML as SAML
from assume_lint.model.conditions import ASSUME_ROLE_WITH_WEB_IDENTITY as WEB
from assume_lint.model.conditions import action_matches
from assume_lint.model.findings import Hit, Location, Severity
from assume_lint.model.registry import Grade, RuleContext, RuleMeta
from assume_lint.rules._helpers import hit_key
from assume_lint.rules._helpers_arn import arn_problem, aws_principal_problem
from assume_lint.rules._helpers_oidc import is_saml_principal, is_web_identity_principal

RULE = RuleMeta(
    id="AL109",
    name="invalid-trust-policy",
    summary="A trust policy AWS would reject or that silently cannot work",
    severity=Severity.HIGH,
    tags=("correctness", "trust"),
    grades=(
        Grade(Severity.HIGH, "IAM rejects the policy, or a part of it silently cannot work"),
        Grade(Severity.LOW, "an Effect written in another case: AWS documents the value as "
              "case sensitive, though IAM accepts it"),
    ),
)



# ${aws:username}, ${aws:PrincipalTag/team}, ${saml:sub}, and the escapes ${*} ${?} ${$}
_POLICY_VARIABLE = re.compile(r"\$\{(?:[^{}\s]+:[^{}\s]+|[*?$])\}")
OLD_VERSION = "2008-10-17"


def _old_version(role: Role) -> str | None:
    """How the role's policy comes to use 2008-10-17 (for the message), or None."""
    if not role.has_version:
        return "the default when Version is missing"
    if role.version is not None and role.version.value == OLD_VERSION:
        return "as written"
    return None


def _variable_hits(role: Role, why: str) -> Iterator[Hit]:
    """Conditions whose values hold policy variables that 2008-10-17 leaves as text."""
    for statement in role.statements:
        for condition in statement.conditions:
            found = next(
                (m.group(0) for v in condition.values if v for m in [_POLICY_VARIABLE.search(v)]
                 if m),
                None,
            )
            if found is None:
                continue
            yield Hit(
                location=condition.location,
                message=(
                    f"Role {role.label}: the condition {condition.operator} {condition.key} "
                    f"uses the policy variable {found}, which IAM reads as plain text under "
                    f"Version {OLD_VERSION} ({why}), so it never matches; "
                    'set "Version": "2012-10-17"'
                ),
                key=hit_key(role, statement, f"variable/{condition.key}"),
                variant=role.variant,
            )


def _principal_problem(principal: Principal) -> str | None:
    value = principal.value
    if value is None or "${" in value:
        return None  # unresolved, or a template placeholder (`${account_id}`): unknown
    if principal.kind == "AWS":
        return aws_principal_problem(value)
    if principal.kind == "Federated" and value.strip().lower().startswith("arn:"):
        return arn_problem(value)
    return None


def _grants(statement: Statement, action: str) -> bool | None:
    """Does the statement name ``action`` (wildcards included)? None when unresolved."""
    if statement.not_action:
        return None
    values = [a.value for a in statement.actions]
    if any(v is None for v in values):
        return None
    return any(action_matches(str(v), action) for v in values)


def _mismatch(statement: Statement, principal: Principal) -> str | None:
    """Why the statement's actions cannot serve this principal, or None."""
    web, saml, plain = (_grants(statement, a) for a in (WEB, SAML, PLAIN))
    if web is None or saml is None or plain is None:
        return None
    if is_web_identity_principal(principal) and not web:
        return (
            f"the web identity provider {principal.value} needs "
            "sts:AssumeRoleWithWebIdentity, but the statement grants only other actions"
        )
    if is_saml_principal(principal) and not saml:
        return (
            f"the SAML provider {principal.value} needs sts:AssumeRoleWithSAML, "
            "but the statement grants only other actions"
        )
    if principal.kind in ("AWS", "Service") and principal.value and not plain and (web or saml):
        return (
            f"{principal.kind} principal {principal.value} can only use sts:AssumeRole, "
            "but the statement grants only federation actions"
        )
    return None


def _effect_case(role: Role, statement: Statement) -> Hit | None:
    effect = statement.effect
    if effect is None or effect in ("Allow", "Deny") or effect.lower() not in ("allow", "deny"):
        return None
    return Hit(
        location=statement.effect_location or statement.location,
        message=(
            f"Role {role.label}: statement {statement.label} writes Effect {effect!r}; AWS "
            f"documents the value as case sensitive: write {effect.capitalize()!r}"
        ),
        key=hit_key(role, statement, "Effect-case"),
        variant=role.variant,
        severity=Severity.LOW,
    )


def _statement_hits(role: Role, statement: Statement) -> Iterator[Hit]:
    case = _effect_case(role, statement)
    if case is not None:
        yield case
    for principal in statement.principals:
        problem = _principal_problem(principal)
        if problem is not None:
            yield Hit(
                location=principal.location,
                message=(
                    f"Role {role.label}: {principal.kind} principal {principal.value!r} {problem}"
                ),
                key=hit_key(role, statement, f"principal/{principal.value}"),
                variant=role.variant,
            )
        if statement.not_principal:
            continue
        mismatch = _mismatch(statement, principal)
        if mismatch is not None:
            yield Hit(
                location=principal.location,
                message=f"Role {role.label}: {mismatch}",
                key=hit_key(role, statement, f"action-for/{principal.value}"),
                variant=role.variant,
            )


def check(model: Model, ctx: RuleContext) -> Iterator[Hit]:
    """Every hit with secrets masked: messages quote what was written, and a misplaced
    access key (in a Sid or as a principal) must not leak into output or baselines."""
    for hit in _hits(model):
        yield replace(hit, message=mask_text(hit.message), key=mask_text(hit.key))


def _hits(model: Model) -> Iterator[Hit]:
    """Structure errors recorded by the parsers, then principal and action checks."""
    for role in model.roles:
        seen: set[tuple[Location, str]] = set()
        for location, message in role.structure_errors:
            if (location, message) in seen:
                continue
            seen.add((location, message))
            yield Hit(
                location=location,
                message=f"Role {role.label}: {message}",
                key=f"{role.address}/structure/{message}",
                variant=role.variant,
            )
        for statement in role.statements:
            yield from _statement_hits(role, statement)
        why = _old_version(role)
        if why is not None:
            yield from _variable_hits(role, why)
