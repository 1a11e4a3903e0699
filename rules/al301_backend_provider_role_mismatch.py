"""The S3 backend and the default AWS provider act as different identities by accident.

## What it does
In one root module (or Terragrunt unit), compares the identity the S3 backend uses to
read and write state with the identity of the default `aws` provider (the one without
`alias`) or of the unit's Terragrunt `iam_role`. Reports, at medium severity, two roles
that certainly differ when the backend's role is not a dedicated state identity: the
same role name in two accounts (a backend copied from another environment), two roles
in different accounts, or two partly known ARNs whose known parts already differ
(`arn:aws:iam::${local.account_id}:role/deploy` against
`arn:aws:iam::111111111111:role/other`).

Deliberate layouts are silent:
- a backend that uses the runner's own credentials (no role) beside a provider that
  assumes a role into a member account: the documented central-state layout. Teams that
  forbid it set `report-ambient-backend = true` (reported at low severity);
- a dedicated state identity: a backend role whose name says so (`state`, `tfstate`,
  `terraform-state`, `backend`, any case) when the provider's role is named otherwise; an
  account listed in `[trusted] state-accounts` or a role in `[trusted] state-roles`; and
  a backend role that several modules share while their providers assume roles in two or
  more accounts (an inferred state role: the central state of a landing zone);
- a partial backend (`backend "s3" {}`, or one without `bucket` or `key`), completed by
  `terraform init -backend-config`: unknown, unless a backend configuration file in the
  tree belongs to the module (`*.tfbackend`, `backend.hcl`, `*.backend.hcl` beside it, or
  any file in its `backend-config/` folder), which is then read as the backend's;
- a `profile` whose role is not in an AWS config file the run has read; an unresolved
  role ARN, or one whose unknown parts decide.

A Terragrunt `iam_role` is assumed before Terraform runs, so a backend without a role
of its own uses it, and a provider without one acts as it. A finding located in a
Terragrunt file that several units include is reported once, naming the units.

## Why is this bad?
State is read and locked with one identity and resources are changed with another.
When that is not a deliberate central-state design, one of them is a leftover: the
state of `dev` is written into the `prod` account's bucket by a backend block copied
from `prod`, a plan run by a person works while the pipeline fails, or the state role
holds broader rights than intended.

## Example
```hcl
# live/dev/backend.tf, copied from live/prod
terraform {
  backend "s3" {
    bucket      = "acme-prod-tfstate"
    key         = "network/terraform.tfstate"
    assume_role = { role_arn = "arn:aws:iam::222222222222:role/deploy" }
  }
}
provider "aws" {
  assume_role { role_arn = "arn:aws:iam::111111111111:role/deploy" }
}
```

Use instead:
```hcl
terraform {
  backend "s3" {
    bucket      = "acme-dev-tfstate"
    key         = "network/terraform.tfstate"
    assume_role = { role_arn = "arn:aws:iam::111111111111:role/deploy" }
  }
}
provider "aws" {
  assume_role { role_arn = "arn:aws:iam::111111111111:role/deploy" }
}
```
or keep the state in a central account through a dedicated state role
(`arn:aws:iam::999999999999:role/terraform-state`), or name that account in
`[trusted] state-accounts`.

## Options
- `report-ambient-backend` (default `false`): also report, at low severity, a backend
  that uses the runner's own credentials while the provider assumes a role.

## References
- [Terraform S3 backend: Assume Role Configuration](https://developer.hashicorp.com/terraform/language/backend/s3#assume-role-configuration)
- [Terraform S3 backend: multi-account AWS architecture](https://developer.hashicorp.com/terraform/language/backend/s3#multi-account-aws-architecture)
- [Terraform: partial backend configuration](https://developer.hashicorp.com/terraform/language/backend#partial-configuration)
- [Terragrunt: iam_role](https://terragrunt.gruntwork.io/docs/reference/config-blocks-and-attributes/#iam_role)
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from assume_lint.model import HOLE, AssumeAttempt, Attr, Model
from assume_lint.model.arn import RoleArn, parse_role_arn, same_role
from assume_lint.model.findings import Hit, Location, Severity
from assume_lint.model.registry import Grade, RuleContext, RuleMeta, Trusted
from assume_lint.rules._helpers import matches_any_glob
from assume_lint.rules._helpers_callers import attempt_anchor

RULE = RuleMeta(
    id="AL301",
    name="backend-provider-role-mismatch",
    summary="S3 backend and default provider assume different roles by accident",
    severity=Severity.MEDIUM,
    tags=("terraform", "consistency"),
    options={"report-ambient-backend": False},
    grades=(
        Grade(
            Severity.MEDIUM,
            "the backend and the provider certainly assume different roles (the same name "
            "in two accounts, two accounts, or known parts that differ) and the backend's "
            "role is no state identity",
        ),
        Grade(
            Severity.LOW,
            "with `report-ambient-backend`: the backend uses the runner's own credentials "
            "while the provider assumes a role",
        ),
    ),
)

PROVIDER_KINDS = frozenset({"provider", "terragrunt"})
_STATE_NAME = re.compile(r"state|backend", re.IGNORECASE)
_MAX_UNITS_NAMED = 5
_MAX_RELATED = 10


@dataclass(frozen=True)
class _Side:
    """What one side acts as: ``role`` (``arn`` the role ARN, maybe partly known),
    ``ambient`` (the runner's own credentials) or ``unknown``; ``via`` says how the
    role was found (a profile, a backend config file) and ``anchor`` where to point."""

    kind: str
    anchor: Location
    arn: Attr | None = None
    via: str = ""


@dataclass(frozen=True)
class _Pair:
    backend: AssumeAttempt
    provider: AssumeAttempt
    b_side: _Side
    p_side: _Side


# --------------------------------------------------------------------------- identities


def _profile_roles(model: Model) -> dict[str, Attr | None]:
    """Profile name -> its role ARN, for the profiles of the AWS config files the run read.

    None when the profile exists without a role (its own keys, SSO) or when two files
    disagree about it: either way the identity cannot be compared.
    """
    found: dict[str, list[Attr | None]] = {}
    for profile in model.profiles:
        if profile.section_kind == "profile":
            found.setdefault(profile.name, []).append(profile.get("role_arn"))
    roles: dict[str, Attr | None] = {}
    for name, arns in found.items():
        values = {arn.value if arn else None for arn in arns}
        roles[name] = arns[0] if len(values) == 1 else None
    return roles


def _side(attempt: AssumeAttempt, profiles: dict[str, Attr | None], via: str = "") -> _Side:
    """The identity an attempt acts as."""
    anchor = attempt_anchor(attempt)
    if attempt.role_arn is not None:
        return _Side("role", anchor, attempt.role_arn, via)
    if attempt.profile is not None:
        name = attempt.profile.value
        role = profiles.get(name) if name is not None else None
        if role is None:
            return _Side("unknown", attempt.profile.location)
        return _Side("role", attempt.profile.location, role, f"profile {name}")
    return _Side("ambient", anchor, None, via)


def _backend_sides(
    backend: AssumeAttempt, configs: Sequence[AssumeAttempt], profiles: dict[str, Attr | None]
) -> Iterator[tuple[AssumeAttempt, _Side]]:
    """The backend's identities: its own, or for a partial backend those of the backend
    configuration files of its module (none: unknown, nothing to compare)."""
    if not backend.partial:
        yield backend, _side(backend, profiles)
        return
    for config in configs:
        merged = replace(
            backend,
            role_arn=config.role_arn or backend.role_arn,
            profile=config.profile or backend.profile,
            location=config.location,
        )
        via = f"backend config {config.location.path}"
        yield merged, _side(merged, profiles, via)


# --------------------------------------------------------------------------- state identities


def _known(text: str) -> str:
    return text.replace(HOLE, " ")


def _named_for_state(backend: RoleArn, provider: RoleArn | None) -> bool:
    """The backend role's (known) name says state and the provider's does not (or is
    unknown: it cannot be told apart, so the backend role counts as the state role)."""
    if not _STATE_NAME.search(_known(backend.name)):
        return False
    return provider is None or HOLE in provider.name or not _STATE_NAME.search(provider.name)


def _configured_state(backend: RoleArn, text: str, trusted: Trusted) -> bool:
    """The backend role is in a configured state account or is a configured state role."""
    if backend.account in trusted.state_accounts:
        return True
    if HOLE in text:
        return False
    return any(
        matches_any_glob(text, (pattern,)) if pattern.startswith("arn:")
        else pattern.lower() == backend.name.lower()
        for pattern in trusted.state_roles
    )


def _inferred_state_roles(pairs: Sequence[_Pair]) -> frozenset[tuple[str, str, str]]:
    """Backend roles that several modules share while their providers assume other roles
    in two or more accounts: the central state role of a landing zone. (The role, not its
    whole account: other roles of that account are not implied.)"""
    modules: dict[tuple[str, str, str], set[str]] = {}
    accounts: dict[tuple[str, str, str], set[str]] = {}
    for pair in pairs:
        b_text = _pattern(pair.b_side)
        p_text = _pattern(pair.p_side)
        b, p = parse_role_arn(b_text), parse_role_arn(p_text)
        if b is None or p is None or not b.known or HOLE in p.account:
            continue
        if same_role(b_text, p_text) is not False:
            continue
        modules.setdefault(b.identity, set()).add(pair.backend.module or "")
        accounts.setdefault(b.identity, set()).add(p.account)
    return frozenset(
        identity
        for identity, members in modules.items()
        if len(members) >= 2 and len(accounts[identity]) >= 2
    )


def _pattern(side: _Side) -> str | None:
    """A role side's ARN text (literal or partly known); None for the other sides."""
    return side.arn.pattern if side.kind == "role" and side.arn is not None else None


def _state_identity(
    b: RoleArn,
    p: RoleArn | None,
    text: str,
    trusted: Trusted,
    inferred: frozenset[tuple[str, str, str]],
) -> bool:
    return (
        _named_for_state(b, p)
        or _configured_state(b, text, trusted)
        or (b.known and b.identity in inferred)
    )


# --------------------------------------------------------------------------- comparing


def _difference(b: RoleArn, p: RoleArn) -> str:
    """What certainly differs, for the message."""
    accounts_known = HOLE not in b.account and HOLE not in p.account
    names_known = HOLE not in b.name and HOLE not in p.name
    if accounts_known and b.account != p.account:
        if names_known and b.name.lower() == p.name.lower():
            return (
                f"the same role name {b.name} in two accounts ({b.account} versus "
                f"{p.account}): a backend copied from another environment?"
            )
        return f"roles in two accounts ({b.account} versus {p.account})"
    if b.partition != p.partition and HOLE not in b.partition + p.partition:
        return f"roles in two partitions ({b.partition} versus {p.partition})"
    where = f" in account {b.account}" if accounts_known else ""
    return f"different roles ({_known(b.name)} versus {_known(p.name)}{where})"


def _compare(
    pair: _Pair, ctx: RuleContext, inferred: frozenset[tuple[str, str, str]]
) -> tuple[str, Severity | None] | None:
    """What is wrong with one (backend, provider) pair, with its severity; None if nothing."""
    b_side, p_side = pair.b_side, pair.p_side
    if "unknown" in (b_side.kind, p_side.kind):
        return None
    if b_side.kind == "ambient":
        # an unresolved role ARN might be empty (no role at all): only a known one counts
        assumes = p_side.kind == "role" and p_side.arn is not None and p_side.arn.pattern
        if assumes and ctx.options.get("report-ambient-backend") is True:
            detail = (
                "the S3 backend uses the runner's own credentials while the other assumes "
                "a role"
            )
            return detail, Severity.LOW
        return None
    if p_side.kind != "role" or b_side.arn is None or p_side.arn is None:
        return None
    b_text, p_text = b_side.arn.pattern, p_side.arn.pattern
    if same_role(b_text, p_text) is not False:
        return None
    b, p = parse_role_arn(b_text), parse_role_arn(p_text)
    if b is None or p is None or b_text is None:
        return None
    if _state_identity(b, p, b_text, ctx.trusted, inferred):
        return None
    return _difference(b, p), None


def _pairs(model: Model) -> list[_Pair]:
    """(backend identity, default provider identity) of each module, in model order."""
    profiles = _profile_roles(model)
    configs: dict[str, list[AssumeAttempt]] = {}
    providers: dict[str, list[AssumeAttempt]] = {}
    backends: list[AssumeAttempt] = []
    units: dict[str, AssumeAttempt] = {}
    for attempt in model.attempts:
        if attempt.module is None:
            continue
        if attempt.kind == "backend":
            backends.append(attempt)
        elif attempt.kind == "backend-config":
            configs.setdefault(attempt.module, []).append(attempt)
        elif attempt.kind in PROVIDER_KINDS and attempt.alias is None:
            providers.setdefault(attempt.module, []).append(attempt)
            if attempt.kind == "terragrunt" and attempt.role_arn is not None:
                units.setdefault(attempt.module, attempt)
    pairs: list[_Pair] = []
    for backend in backends:
        unit = units.get(backend.module or "")
        own_configs = configs.get(backend.module or "", [])
        for view, b_side in _backend_sides(backend, own_configs, profiles):
            if unit is not None and b_side.kind == "ambient":
                # Terragrunt assumed the iam_role before Terraform ran: the backend acts as it
                b_side = replace(_side(unit, profiles), anchor=b_side.anchor)
            for provider in providers.get(backend.module or "", []):
                p_side = _side(provider, profiles)
                if unit is not None and provider.kind == "provider" and p_side.kind == "ambient":
                    continue  # the provider acts as the iam_role: that pair is compared too
                pairs.append(_Pair(view, provider, b_side, p_side))
    return pairs


# --------------------------------------------------------------------------- reporting


def _other(provider: AssumeAttempt) -> str:
    return "Terragrunt iam_role" if provider.kind == "terragrunt" else "default aws provider"


def _hit(pair: _Pair, detail: str, severity: Severity | None) -> Hit:
    backend, provider = pair.backend, pair.provider
    via = f" (through {pair.b_side.via})" if pair.b_side.via else ""
    return Hit(
        location=pair.b_side.anchor,
        message=(
            f"S3 backend{via} and {_other(provider)} of module {backend.module} act as "
            f"different identities: {detail}; state and resources should use the same role, "
            "or a dedicated state role"
        ),
        key=f"{backend.module}:{backend.address}~{provider.address}",
        related=(pair.p_side.anchor,),
        variant=backend.variant or provider.variant,
        severity=severity,
    )


def _shared_hit(group: Sequence[tuple[_Pair, str, Severity | None]]) -> Hit:
    """One hit for a backend written in a file that several units include."""
    first, _, severity = group[0]
    units = sorted({pair.backend.module or "" for pair, _, _ in group})
    named = ", ".join(units[:_MAX_UNITS_NAMED]) + (
        f" and {len(units) - _MAX_UNITS_NAMED} more" if len(units) > _MAX_UNITS_NAMED else ""
    )
    details = sorted({detail for _, detail, _ in group})
    related: list[Location] = []
    for pair, _, _ in group:
        if pair.p_side.anchor not in related:
            related.append(pair.p_side.anchor)
    others = sorted({_other(pair.provider) for pair, _, _ in group})
    return Hit(
        location=first.b_side.anchor,
        message=(
            f"S3 backend shared by {len(units)} units ({named}) and their "
            f"{' or '.join(others)} act as different identities: {'; '.join(details)}; "
            "state and resources should use the same role, or a dedicated state role"
        ),
        key=f"{first.b_side.anchor.path}:{first.backend.address}",
        related=tuple(related[:_MAX_RELATED]),
        severity=severity,
    )


def check(model: Model, ctx: RuleContext) -> Iterator[Hit]:
    """One hit per accidental (backend, provider) mismatch; one per shared parent file."""
    pairs = _pairs(model)
    inferred = _inferred_state_roles(pairs)
    by_anchor: dict[Location, list[tuple[_Pair, str, Severity | None]]] = {}
    for pair in pairs:
        result = _compare(pair, ctx, inferred)
        if result is not None:
            by_anchor.setdefault(pair.b_side.anchor, []).append((pair, *result))
    for group in by_anchor.values():
        modules = {pair.backend.module for pair, _, _ in group}
        if len(modules) == 1:
            for pair, detail, severity in group:
                yield _hit(pair, detail, severity)
        else:
            yield _shared_hit(group)
