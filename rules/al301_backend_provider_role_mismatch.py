"""The S3 backend and the default AWS provider act as different identities.

## What it does
In one root module (or Terragrunt unit), compares the role the S3 backend assumes
(`assume_role { role_arn }`, or the deprecated top-level `role_arn`) with the role of
the default `aws` provider (the one without `alias`), or with the unit's Terragrunt
`iam_role`. Reports at medium when both ARNs are resolved and name a different account
(or partition) or a different role; at low when the backend and the default provider
disagree on whether a role is assumed at all (one assumes a role, the other uses the
ambient credentials). Values are resolved through locals, variable defaults and
tfvars; an unresolved ARN on either side is silent, and so is a module without a
backend or without a default provider.

A Terragrunt `iam_role` is assumed before Terraform runs, so a backend without a role
of its own already uses it: only two resolved, different ARNs are reported for it. In a
unit with an `iam_role`, a backend or provider (for example one written by
`generate "provider"`) that assumes no role of its own acts as the `iam_role`, and is
compared as such instead of being reported as using ambient credentials.

## Why is this bad?
State is read and locked with one identity and resources are changed with another.
Usually one of them is a leftover: the state bucket lives in a different account than
the one being deployed, a plan run by a person works while the pipeline fails, or the
state role holds broader rights than intended. When one side uses ambient credentials,
the result depends on whoever runs `terraform`.

## Example
```hcl
terraform {
  backend "s3" {
    assume_role = { role_arn = "arn:aws:iam::111111111111:role/tf-state" }
  }
}
provider "aws" {
  assume_role { role_arn = "arn:aws:iam::222222222222:role/deploy" }
}
```

Use instead:
```hcl
terraform {
  backend "s3" {
    assume_role = { role_arn = "arn:aws:iam::222222222222:role/deploy" }
  }
}
provider "aws" {
  assume_role { role_arn = "arn:aws:iam::222222222222:role/deploy" }
}
```

## References
- [Terraform S3 backend: Assume Role Configuration](https://developer.hashicorp.com/terraform/language/backend/s3#assume-role-configuration)
- [Terraform AWS provider: assume_role](https://registry.terraform.io/providers/hashicorp/aws/latest/docs#assume-role)
- [Terragrunt: iam_role](https://terragrunt.gruntwork.io/docs/reference/config-blocks-and-attributes/#iam_role)
"""

from __future__ import annotations

from collections.abc import Iterator

from assume_lint.arn import literal_role_arn
from assume_lint.findings import Hit, Severity
from assume_lint.model import AssumeAttempt, Attr, Model
from assume_lint.registry import RuleContext, RuleMeta
from assume_lint.rules._helpers_callers import attempt_anchor

RULE = RuleMeta(
    id="AL301",
    name="backend-provider-role-mismatch",
    summary="S3 backend and default provider assume different roles",
    severity=Severity.MEDIUM,
    tags=("terraform", "consistency"),
)

BACKEND_KINDS = frozenset({"backend"})
PROVIDER_KINDS = frozenset({"provider", "terragrunt"})
# Pairs where "one side has no role" means ambient credentials (not an inherited role).
AMBIENT_KINDS = frozenset({"provider"})


def _is_default_provider(attempt: AssumeAttempt) -> bool:
    return attempt.kind in PROVIDER_KINDS and not (
        attempt.kind == "provider" and attempt.alias is not None
    )


def _pairs(model: Model) -> Iterator[tuple[AssumeAttempt, AssumeAttempt]]:
    """(backend, default provider) pairs of each module, in model order."""
    backends: dict[str, list[AssumeAttempt]] = {}
    providers: dict[str, list[AssumeAttempt]] = {}
    for attempt in model.attempts:
        if attempt.module is None:
            continue
        if attempt.kind in BACKEND_KINDS:
            backends.setdefault(attempt.module, []).append(attempt)
        elif _is_default_provider(attempt):
            providers.setdefault(attempt.module, []).append(attempt)
    for module, module_backends in backends.items():
        for backend in module_backends:
            for provider in providers.get(module, []):
                yield backend, provider


def _unit_roles(model: Model) -> dict[str, Attr]:
    """The Terragrunt ``iam_role`` of each unit (module folder), when it sets one."""
    roles: dict[str, Attr] = {}
    for attempt in model.attempts:
        if attempt.kind == "terragrunt" and attempt.module and attempt.role_arn is not None:
            roles.setdefault(attempt.module, attempt.role_arn)
    return roles


def _compare(
    backend: AssumeAttempt, provider: AssumeAttempt, inherited: Attr | None = None
) -> tuple[str, Severity | None] | None:
    """What differs between the two sides, with its severity; None when nothing does.

    ``inherited`` is the unit's Terragrunt ``iam_role``: the identity of a side that
    assumes no role of its own. A provider without a role is then the iam_role itself,
    already compared in the (backend, iam_role) pair, so only the backend inherits here.
    """
    b_attr, p_attr = backend.role_arn, provider.role_arn
    if inherited is not None and provider.kind != "terragrunt":
        if p_attr is None:
            return None  # the provider acts as the iam_role: that pair is compared too
        b_attr = b_attr or inherited
    if b_attr is None or p_attr is None:
        if b_attr is p_attr or provider.kind not in AMBIENT_KINDS:
            return None
        side = "the S3 backend" if b_attr is None else "the default aws provider"
        return f"{side} uses ambient credentials while the other assumes a role", Severity.LOW
    b_arn, p_arn = literal_role_arn(b_attr.value), literal_role_arn(p_attr.value)
    if b_arn is None or p_arn is None or b_arn.identity == p_arn.identity:
        return None
    if (b_arn.partition, b_arn.account) != (p_arn.partition, p_arn.account):
        what = f"account {b_arn.account} versus {p_arn.account}"
    else:
        what = f"role {b_arn.name} versus {p_arn.name} in account {b_arn.account}"
    return f"they assume different roles ({what})", None


def check(model: Model, ctx: RuleContext) -> Iterator[Hit]:
    """One hit per (backend, default provider) pair of a module that disagree."""
    unit_roles = _unit_roles(model)
    for backend, provider in _pairs(model):
        result = _compare(backend, provider, unit_roles.get(backend.module or ""))
        if result is None:
            continue
        detail, severity = result
        other = "Terragrunt iam_role" if provider.kind == "terragrunt" else "default aws provider"
        yield Hit(
            location=attempt_anchor(backend),
            message=(
                f"S3 backend and {other} of module {backend.module} act as different "
                f"identities: {detail}; state and resources should use the same role"
            ),
            key=f"{backend.module}:{backend.address}~{provider.address}",
            related=(attempt_anchor(provider),),
            variant=backend.variant or provider.variant,
            severity=severity,
        )
