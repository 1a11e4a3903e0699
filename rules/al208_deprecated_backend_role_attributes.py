"""The S3 backend uses top-level role attributes deprecated since Terraform 1.6.

## What it does
Reports each top-level `role_arn`, `external_id`, `session_name`,
`assume_role_duration_seconds`, `assume_role_policy`, `assume_role_policy_arns`,
`assume_role_tags` and `assume_role_transitive_tag_keys` of a `backend "s3"` block (and
of the equivalent Terragrunt `remote_state` config), with the `assume_role = {...}`
attribute that replaces it.

## Why is this bad?
Terraform 1.6 moved these settings into the `assume_role` block and prints a
deprecation warning for the old names; a later release will remove them, and the
backend will then silently stop assuming the role and fall back to ambient credentials.

## Example
```hcl
terraform {
  backend "s3" {
    bucket   = "tf-state"
    key      = "network.tfstate"
    region   = "eu-west-1"
    role_arn = "arn:aws:iam::111111111111:role/tf-state"
  }
}
```

Use instead:
```hcl
terraform {
  backend "s3" {
    bucket = "tf-state"
    key    = "network.tfstate"
    region = "eu-west-1"
    assume_role = {
      role_arn     = "arn:aws:iam::111111111111:role/tf-state"
      session_name = "terraform-state"
    }
  }
}
```

## References
- [Terraform S3 backend: Assume Role Configuration](https://developer.hashicorp.com/terraform/language/backend/s3#assume-role-configuration)
- [Terraform 1.6 upgrade notes: S3 backend](https://github.com/hashicorp/terraform/blob/v1.6/CHANGELOG.md)
"""

from __future__ import annotations

from collections.abc import Iterator

from assume_lint.model import Model
from assume_lint.model.findings import Hit, Severity
from assume_lint.model.registry import RuleContext, RuleMeta

RULE = RuleMeta(
    id="AL208",
    name="deprecated-backend-role-attributes",
    summary="S3 backend top-level role attributes deprecated since Terraform 1.6",
    severity=Severity.INFO,
    tags=("terraform", "deprecation"),
    default=False,
)

# deprecated top-level attribute -> its name inside assume_role = {...}
REPLACEMENTS = {
    "role_arn": "role_arn",
    "external_id": "external_id",
    "session_name": "session_name",
    "assume_role_duration_seconds": "duration",
    "assume_role_policy": "policy",
    "assume_role_policy_arns": "policy_arns",
    "assume_role_tags": "tags",
    "assume_role_transitive_tag_keys": "transitive_tag_keys",
}


def _advice(name: str) -> str:
    new = REPLACEMENTS.get(name)
    if new is None:
        return "move it into assume_role = {...}"
    return f"use assume_role = {{ {new} = ... }} instead"


def check(model: Model, ctx: RuleContext) -> Iterator[Hit]:
    """One hit per deprecated attribute of each S3 backend."""
    for attempt in model.attempts:
        if attempt.kind != "backend":
            continue
        for name, location in attempt.deprecated:
            yield Hit(
                location=location,
                message=(
                    f"S3 backend attribute {name} is deprecated since Terraform 1.6: "
                    f"{_advice(name)}"
                ),
                key=f"{attempt.address}/{name}",
            )
