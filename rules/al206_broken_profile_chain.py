"""An AWS CLI profile cannot produce credentials: the SDKs will refuse it.

## What it does
Resolves every profile of an AWS `config`/`credentials` pair (one folder) the way the
AWS CLI and SDKs do, and reports:

- `role_arn` with neither `source_profile` nor `credential_source`;
- `source_profile` naming a profile that does not exist, or one without credentials,
  or a loop (`a -> b -> a`); a profile naming *itself* with static keys is allowed;
- `source_profile` together with `credential_source`;
- partial static keys (`aws_access_key_id` without `aws_secret_access_key`, ...);
- `web_identity_token_file` without `role_arn`;
- SSO mistakes: a missing `[sso-session]`, `sso_start_url`/`sso_region` both on the
  profile and through `sso_session`, `sso_account_id` without `sso_role_name`;
- headers the SDKs ignore: `[profile x]` in a credentials file, `[x]` (other than
  `[default]`) in a config file, invalid names, `[default]` hidden by `[profile default]`;
- a malformed `role_arn` (not `arn:aws:iam::<12 digits>:role/<name>`) or `mfa_serial`
  (neither `arn:aws:iam::<12 digits>:mfa/<name>` nor a hardware serial like `GAHT12345678`).

The finding points at the offending property (the `source_profile = x` value) or at the
section header. A missing or empty source profile and partial keys are reported only
when the folder's `credentials` file was scanned too: keys in a credentials file that is
not in the repository could complete the chain. A `source_profile` loop is reported from
the config alone (the AWS CLI refuses it: "profile formed an infinite loop"), saying that
only static keys in an unseen credentials file would break it. Profiles holding only settings
(`region`, `output`) are not reported: the default chain moves on to other providers.

## Why is this bad?
The failure shows up only when someone runs a command with that profile, often in CI or
during an incident, as an opaque "profile not found" or "partial credentials" error.
An ignored header is worse: the profile silently does not exist, and a tool may fall
back to other (more powerful) credentials from the environment.

## Example
```ini
# ~/.aws/credentials
[profile base]
aws_access_key_id = AKIA...
aws_secret_access_key = ...

# ~/.aws/config
[profile deploy]
role_arn = arn:aws:iam::123456789012:role/deploy
source_profile = base
credential_source = Environment
```

Use instead:
```ini
# ~/.aws/credentials
[base]
aws_access_key_id = AKIA...
aws_secret_access_key = ...

# ~/.aws/config
[profile deploy]
role_arn = arn:aws:iam::123456789012:role/deploy
source_profile = base
```

## References
- AWS CLI User Guide: "Use an IAM role in the AWS CLI" (source_profile, credential_source).
- AWS SDKs and Tools Reference Guide: "Shared config and credentials files" (file format).
- smithy-rs `aws-config/src/profile/credentials/repr.rs` and the shared
  `assume-role-tests.json` / `profile-parser-tests.json` vectors.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from assume_lint.model import Model
from assume_lint.model.arn import is_mfa_device_arn, literal_role_arn
from assume_lint.model.findings import Hit, Location, Severity
from assume_lint.model.profiles import (
    ProfileSet,
    Resolver,
    Section,
    configures_credentials,
    group_profiles,
)
from assume_lint.model.registry import RuleContext, RuleMeta

RULE = RuleMeta(
    id="AL206",
    name="broken-profile-chain",
    summary="AWS profile whose credential chain the SDKs reject",
    severity=Severity.HIGH,
    tags=("security", "profiles", "aws-config"),
)

MFA_HARDWARE = re.compile(r"[A-Z0-9]{9,256}")


def _key(group: str, name: str) -> str:
    return f"profile {group}/{name}"


def _chain_hit(resolver: Resolver, profiles: ProfileSet, name: str) -> Hit | None:
    """The resolution error of one profile, when it is certain enough to report."""
    result = resolver.error(name)
    if result is None or result.location is None:
        return None
    unseen = not profiles.has_credentials_file
    if result.keys_could_fix and unseen and not result.loop:
        return None
    if result.profile == name:
        message = f"Profile `{name}` cannot get credentials: {result.message}"
    else:
        message = (
            f"Profile `{result.profile}` breaks the credential chain of profile `{name}`: "
            f"{result.message}"
        )
    if result.loop and unseen:
        message += (
            " (no credentials file is in the repository: only static keys for one of "
            "these profiles in a credentials file elsewhere would break the loop)"
        )
    return Hit(result.location, message, _key(profiles.group, result.profile))


def _format_hits(group: str, section: Section) -> Iterator[Hit]:
    role_arn = section.get("role_arn")
    arn = role_arn.value if role_arn is not None else None
    if role_arn is not None and arn is not None and literal_role_arn(arn) is None:
        yield Hit(
            role_arn.location,
            f"Profile `{section.name}`: role_arn `{arn}` is not a valid role "
            "ARN (expected arn:aws:iam::<12-digit account>:role/<name>)",
            _key(group, section.name),
        )
    mfa = section.get("mfa_serial")
    serial = mfa.value if mfa is not None else None
    if mfa is not None and serial is not None and not _valid_mfa(serial):
        yield Hit(
            mfa.location,
            f"Profile `{section.name}`: mfa_serial `{serial}` is neither an MFA "
            "device ARN (arn:aws:iam::<12-digit account>:mfa/<name>) nor a hardware "
            "token serial number",
            _key(group, section.name),
        )


def _valid_mfa(serial: str) -> bool:
    return is_mfa_device_arn(serial) or MFA_HARDWARE.fullmatch(serial) is not None


def check(model: Model, ctx: RuleContext) -> Iterator[Hit]:
    """Header problems, chain errors (one per location) and malformed ARNs."""
    for profile in model.profiles:
        if profile.header_problem is not None:
            key = _key(profile.group, profile.name)
            yield Hit(profile.location, f"Section ignored: {profile.header_problem}", key)
    for group, profiles in group_profiles(model.profiles).items():
        reported: set[Location] = set()
        resolver = Resolver(profiles)  # one per set: each source chain is walked once
        for name, section in profiles.profiles.items():
            if not configures_credentials(section):
                continue
            hit = _chain_hit(resolver, profiles, name)
            if hit is not None and hit.location not in reported:
                reported.add(hit.location)
                yield hit
            yield from _format_hits(group, section)
