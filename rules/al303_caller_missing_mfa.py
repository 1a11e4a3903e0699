"""A caller assumes an in-tree role whose trust requires MFA, and cannot present it.

## What it does
Matches every caller to the role it assumes when that role is defined in the scanned
tree (by ARN, or by role name and account). Reports at the caller's `role_arn` when
every trust statement that could admit the caller enforces MFA (`Bool
aws:MultiFactorAuthPresent "true"`, `NumericLessThan aws:MultiFactorAuthAge`, or a
condition block that no request without MFA satisfies; or a Deny that refuses requests
without MFA) and the caller certainly cannot present it: an AWS profile without
`mfa_serial`, a Terraform provider, backend or remote state whose source credentials are
access keys written in its own block (`access_key`, literal or from a variable), an
`aws sts assume-role` command without `--serial-number`, or a workflow step. The trust
statements are attached as related locations. An unresolved
`mfa_serial` or condition is silent.

Terraform and Terragrunt cannot prompt for an MFA code, but the credentials they start
from may themselves be an MFA session (`aws-vault exec`, `aws sts get-session-token`):
a provider, backend or Terragrunt `iam_role` on the runner's own credentials is unknown,
and silent. So is a profile without `mfa_serial` whose source credentials may be such a
session: a source profile with an `aws_session_token`, a `credential_process` (aws-vault's
`aws-vault exec NAME --json`), IAM Identity Center (`sso_*`), `login_session`,
`credential_source = Environment` (the variables `aws-vault exec` sets), or a source
profile that itself assumes a role with `mfa_serial` (role chaining from an MFA session).
`credential_source = Ec2InstanceMetadata` or `EcsContainer` is a machine's role, which
never carries MFA: reported.

## Why is this bad?
The call is denied. For automation the usual "fix" is to weaken the trust (drop the
MFA condition, or switch to `BoolIfExists`, which lets long-term keys through), which
is exactly the hole the condition was meant to close.

## Example
```ini
[profile admin]
role_arn = arn:aws:iam::111111111111:role/admin
source_profile = default
```

Use instead:
```ini
[profile admin]
role_arn = arn:aws:iam::111111111111:role/admin
source_profile = default
mfa_serial = arn:aws:iam::222222222222:mfa/alice
```

## References
- [AWS IAM: Configuring MFA-protected API access](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html)
- [AWS CLI: Using MFA with a role profile](https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-role.html#cli-configure-role-mfa)
"""

from __future__ import annotations

from collections.abc import Iterator

from assume_lint.model import AssumeAttempt, Model, Statement
from assume_lint.model.conditions import allows_without_mfa, deny_blocks_without_mfa, effective_mfa
from assume_lint.model.findings import Hit, Severity
from assume_lint.model.profiles import Chain, ProfileSet, Resolver, group_profiles
from assume_lint.model.registry import RuleContext, RuleMeta
from assume_lint.rules._helpers_match import Match, denied_hit, matched_callers

RULE = RuleMeta(
    id="AL303",
    name="caller-missing-mfa",
    summary="Caller cannot present the MFA the role's trust requires",
    severity=Severity.MEDIUM,
    tags=("consistency", "mfa"),
)

# Callers that have no way to answer an MFA challenge when their source credentials are
# access keys written in their own block (long-term keys carry no MFA).
KEYED_KINDS = {
    "provider": "the Terraform provider starts from access keys and cannot prompt for MFA",
    "backend": "the Terraform backend starts from access keys and cannot prompt for MFA",
    "remote-state": "the remote state starts from access keys and cannot prompt for MFA",
}
WORKFLOW = "a workflow has no MFA device"


def _statement_requires_mfa(statement: Statement) -> bool:
    return effective_mfa(statement) or allows_without_mfa(statement) is False


def _required(match: Match) -> bool:
    """True when every statement admitting the caller (or a Deny) enforces MFA."""
    if all(_statement_requires_mfa(s) for s in match.statements):
        return True
    return deny_blocks_without_mfa(match.role.statements, None) is True


def _why_not(attempt: AssumeAttempt) -> str | None:
    """Why the caller cannot present MFA, or None when it can (or it is unknown)."""
    if attempt.kind == "profile":
        return "the profile has no mfa_serial" if attempt.mfa_serial is None else None
    if attempt.kind == "cli":
        if attempt.mfa_serial is not None:
            return None
        return "the command passes no --serial-number and --token-code"
    if attempt.kind == "workflow":
        return WORKFLOW
    if attempt.static_keys:
        return KEYED_KINDS.get(attempt.kind)
    return None  # the runner's own credentials may be an MFA session: unknown


# Base providers of a profile chain whose credentials may already be an MFA session.
_MAYBE_MFA_BASES = frozenset({"Sso", "CredentialProcess", "LoginSession"})


class _ProfileSources:
    """Whether a profile's source credentials may already carry MFA, per profile set
    (grouped and resolved once per run: every profile caller asks)."""

    def __init__(self, model: Model) -> None:
        self._sets = group_profiles(model.profiles)
        self._resolvers: dict[str, Resolver] = {}

    def may_carry_mfa(self, attempt: AssumeAttempt) -> bool:
        group, _, name = attempt.address.rpartition("/profile ")
        profiles = self._sets.get(group)
        if profiles is None:
            return False
        resolver = self._resolvers.setdefault(group, Resolver(profiles))
        chain = resolver.resolve(name)
        # a chain the SDKs reject is AL206's; the call is denied either way
        return isinstance(chain, Chain) and _chain_may_carry_mfa(profiles, chain)


def _chain_may_carry_mfa(profiles: ProfileSet, chain: Chain) -> bool:
    """The credentials the chain's last AssumeRole is called with may be an MFA session:
    an explicit session token, a credential process or SSO at the base, or an earlier
    role assumed with ``mfa_serial``."""
    base = chain.base
    if base.kind in _MAYBE_MFA_BASES:
        return True
    if base.kind == "NamedSource" and dict(base.values).get("name", "").lower() == "environment":
        return True  # AWS_* variables: `aws-vault exec` puts an MFA session there
    if base.kind == "AccessKey" and any(key == "session_token" for key, _ in base.values):
        return True
    for step in chain.steps[1:-1]:
        section = profiles.profiles.get(step.profile)
        if section is not None and section.get("mfa_serial") is not None:
            return True
    return False


def check(model: Model, ctx: RuleContext) -> Iterator[Hit]:
    """One hit per caller of an in-tree MFA-only role that cannot present MFA."""
    sources: _ProfileSources | None = None
    for match in matched_callers(model):
        reason = _why_not(match.attempt)
        if reason is None or not _required(match):
            continue
        if match.attempt.kind == "profile":
            sources = sources or _ProfileSources(model)
            if sources.may_carry_mfa(match.attempt):
                continue  # the source may be an MFA session: unknown
        yield denied_hit(match, "MFA", reason)
