"""An AWS access key ID is written into a file.

## What it does
Reports every literal access key ID: a value matching `(AKIA|ASIA|ABIA|ACCA)` followed
by 16 characters of `[A-Z2-7]` anywhere in a scanned file, and any non-empty literal in
a key field (`access_key`, `aws_access_key_id`, `AWS_ACCESS_KEY_ID`,
`aws-access-key-id`) of a Terraform provider, S3 backend, `terraform_remote_state`,
Terragrunt `remote_state`, AWS config/credentials file, workflow or env file. A key
found both by the field parser and by the text scan is reported once per line.

AWS's documented example keys (ending in `EXAMPLE`, such as `AKIAIOSFODNN7EXAMPLE`)
are reported at low in a key field, where they say a placeholder was committed where a
credential goes, and not at all in free text (a README, a script's comment, a
docstring), where guides and tools print them on purpose. `ASIA` keys are temporary
(STS) credentials; they are still reported at the default severity because the secret
and token usually sit next to them. The key is always masked in the message
(`AKIA************MPLE`).

## Why is this bad?
A key ID in version control is half of a long-lived credential, and the secret usually
sits a line below it. Keys in repositories are harvested by scanners within minutes of
a push; rotating them means finding every copy. Assuming a role (OIDC, SSO, instance or
task roles) gives short-lived credentials that never need to be written down.

## Example
```hcl
provider "aws" {
  region     = "eu-west-1"
  access_key = "AKIAIOSFODNN7EXAMPLE"
  secret_key = "..."
}
```

Use instead:
```hcl
provider "aws" {
  region = "eu-west-1"
  assume_role {
    role_arn     = "arn:aws:iam::111111111111:role/terraform"
    session_name = "terraform"
  }
}
```

## References
- [AWS: Best practices for managing access keys](https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#bp-workloads-use-roles)
- [AWS: Understanding unique ID prefixes](https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids)
- [gitleaks rule `aws-access-token`](https://github.com/gitleaks/gitleaks)
"""

from __future__ import annotations

from collections.abc import Iterator

from assume_lint.model import Credential, Model
from assume_lint.model.findings import Hit, Severity
from assume_lint.model.registry import Grade, RuleContext, RuleMeta
from assume_lint.rules._helpers_callers import (
    credential_label,
    dedupe_by_line,
    is_documentation,
    is_example_value,
    is_placeholder,
    is_temporary_key,
    mask,
)

RULE = RuleMeta(
    id="AL201",
    name="hardcoded-access-key-id",
    summary="Literal AWS access key ID in a file",
    severity=Severity.CRITICAL,
    grades=(
        Grade(Severity.CRITICAL, "a literal access key ID, or any literal in a key field"),
        Grade(Severity.LOW, "one of AWS's documented example keys (ending in `EXAMPLE`)"),
    ),
    tags=("security", "secrets", "credentials"),
)


def _literal_key(credential: Credential) -> str | None:
    """The key's literal value, or None when it is unresolved or blank."""
    if credential.kind != "access-key-id" or is_placeholder(credential.value):
        return None
    if is_documentation(credential):
        return None
    return credential.value


def _representative(group: list[Credential]) -> Credential:
    """One credential per line: a real key over an example, a field over a text match
    (the field knows its context)."""
    return min(group, key=lambda c: (is_example_value(c.value or ""), c.field == ""))


def _message(credential: Credential, value: str) -> str:
    kind = "temporary (ASIA) key" if is_temporary_key(value) else "access key ID"
    kind = f"AWS documentation example {kind}" if is_example_value(value) else f"AWS {kind}"
    where = credential_label(credential) if credential.field else "file text"
    return (
        f"Hardcoded {kind} {mask(value)} in {where}: remove it and assume a role "
        "(OIDC, SSO or an instance/task role) instead of writing keys into files"
    )


def check(model: Model, ctx: RuleContext) -> Iterator[Hit]:
    """One hit per line holding a literal access key ID."""
    keys = [c for c in model.credentials if _literal_key(c) is not None]
    for group in dedupe_by_line(keys):
        credential = _representative(group)
        value = credential.value or ""
        yield Hit(
            location=credential.location,
            message=_message(credential, value),
            key=f"{credential.context}/{credential.field or mask(value)}",
            severity=Severity.LOW if is_example_value(value) else None,
        )
