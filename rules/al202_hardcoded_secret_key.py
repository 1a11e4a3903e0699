"""A secret access key or session token is written into a file.

## What it does
Reports every literal, non-empty value of a secret field: `secret_key`, `token`,
`aws_secret_access_key`, `aws_session_token`, `AWS_SECRET_ACCESS_KEY`,
`AWS_SESSION_TOKEN`, `aws-secret-access-key`, `aws-session-token`, in a Terraform
provider, S3 backend, `terraform_remote_state`, Terragrunt `remote_state`, AWS
config/credentials file, workflow or env file. Values that come from a variable or a
secret store (`var.secret_key`, `${{ secrets.X }}`) are not literals and are left to
AL203. AWS's documented example secret (ending in `EXAMPLEKEY`) is reported at low in
a field a parser knows, and not at all when only the text scan found it (documentation).

The message names the field and where it is; it never contains the value.

## Why is this bad?
With the secret, the key ID becomes a working credential for whoever reads the
repository, its forks, its CI logs and every clone. A session token is short-lived but
still grants the full session's permissions until it expires.

## Example
```ini
[default]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
```

Use instead:
```ini
[profile deploy]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = Deploy
```

## References
- [AWS: Best practices for managing access keys](https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#bp-workloads-use-roles)
- [AWS CLI: Configuring IAM Identity Center authentication](https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-sso.html)
"""

from __future__ import annotations

from collections.abc import Iterator

from assume_lint.model import Credential, Model
from assume_lint.model.findings import Hit, Severity
from assume_lint.model.registry import Grade, RuleContext, RuleMeta
from assume_lint.rules._helpers_callers import (
    credential_label,
    is_documentation,
    is_example_value,
    is_placeholder,
)

RULE = RuleMeta(
    id="AL202",
    name="hardcoded-secret-key",
    summary="Literal AWS secret access key or session token in a file",
    severity=Severity.CRITICAL,
    grades=(
        Grade(Severity.CRITICAL, "a literal secret access key or session token"),
        Grade(Severity.LOW, "one of AWS's documented example values (ending in `EXAMPLE` or "
              "`EXAMPLEKEY`)"),
    ),
    tags=("security", "secrets", "credentials"),
)

_SECRET_KINDS = {"secret-key": "secret access key", "session-token": "session token"}


def _is_literal_secret(credential: Credential) -> bool:
    return (credential.kind in _SECRET_KINDS and not is_placeholder(credential.value)
            and not is_documentation(credential))


def check(model: Model, ctx: RuleContext) -> Iterator[Hit]:
    """One hit per literal secret field (a field reported twice counts once)."""
    seen: set[tuple[str, int, int, str]] = set()
    for credential in model.credentials:
        if not _is_literal_secret(credential):
            continue
        where = credential.location
        ident = (where.path, where.line, where.column, credential.kind)
        if ident in seen:
            continue
        seen.add(ident)
        example = is_example_value(credential.value or "")
        what = _SECRET_KINDS[credential.kind]
        if example:
            what = f"AWS documentation example {what}"
        yield Hit(
            location=where,
            message=(
                f"Hardcoded {what} in {credential_label(credential)}: remove it, rotate "
                "the credential, and assume a role instead of storing keys in files"
            ),
            key=f"{credential.context}/{credential.field}",
            severity=Severity.LOW if example else None,
        )
