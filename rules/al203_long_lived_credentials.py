"""Static access keys are wired in where a role should be assumed.

## What it does
Reports provider, S3 backend, `terraform_remote_state` and Terragrunt blocks whose
`access_key`/`secret_key`/`token` come from a variable, and
`aws-actions/configure-aws-credentials` steps that pass `aws-access-key-id` (even from
`${{ secrets.X }}`) instead of assuming a role through OIDC. One finding per block, at
its access key attribute (or at the first credential attribute when there is none).
Literal keys are AL201/AL202's business and are not reported here.

## Why is this bad?
Moving a key into a variable or a CI secret keeps it out of the repository but it is
still a long-lived IAM user key: it does not expire, it is copied into every runner and
laptop that applies the code, and it must be rotated by hand. Assuming a role (OIDC
from CI, SSO for people) gives credentials that expire within hours.

## Example
```yaml
- uses: aws-actions/configure-aws-credentials@v4
  with:
    aws-access-key-id: ${{ secrets.AWS_ACCESS_KEY_ID }}
    aws-secret-access-key: ${{ secrets.AWS_SECRET_ACCESS_KEY }}
    aws-region: eu-west-1
```

Use instead:
```yaml
permissions:
  id-token: write
steps:
  - uses: aws-actions/configure-aws-credentials@v4
    with:
      role-to-assume: arn:aws:iam::111111111111:role/github-deploy
      aws-region: eu-west-1
```

## References
- [GitHub: Configuring OpenID Connect in Amazon Web Services](https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services)
- [Terraform AWS provider: assume_role](https://registry.terraform.io/providers/hashicorp/aws/latest/docs#assume-role)
"""

from __future__ import annotations

from collections.abc import Iterator

from assume_lint.model import Credential, Model
from assume_lint.model.findings import Hit, Severity
from assume_lint.model.registry import RuleContext, RuleMeta

RULE = RuleMeta(
    id="AL203",
    name="long-lived-credentials",
    summary="Static access keys from variables where a role should be assumed",
    severity=Severity.LOW,
    tags=("security", "credentials"),
)


def _blocks(credentials: list[Credential]) -> list[list[Credential]]:
    """Group credentials by block: same file and context, a new block starting when a
    kind repeats (two ``provider "aws"`` blocks in one file share their context)."""
    blocks: list[list[Credential]] = []
    open_block: dict[tuple[str, str], list[Credential]] = {}
    for credential in credentials:
        ident = (credential.location.path, credential.context)
        block = open_block.get(ident)
        if block is None or any(c.kind == credential.kind for c in block):
            block = []
            blocks.append(block)
            open_block[ident] = block
        block.append(credential)
    return blocks


def _message(credential: Credential) -> str:
    where = credential.context or "this file"
    if credential.context.startswith("workflow"):
        return (
            f"{where} passes static keys ({credential.field}) to configure-aws-credentials: "
            "use role-to-assume with GitHub OIDC (permissions: id-token: write) instead"
        )
    return (
        f"{where} takes static access keys from variables ({credential.field}): "
        "assume a role (assume_role, a profile or OIDC) instead of long-lived keys"
    )


def check(model: Model, ctx: RuleContext) -> Iterator[Hit]:
    """One hit per block whose credentials come from variables or secrets."""
    wired = [c for c in model.credentials if c.from_variable and c.value is None]
    for block in _blocks(wired):
        keys = [c for c in block if c.kind == "access-key-id"]
        credential = keys[0] if keys else block[0]
        yield Hit(
            location=credential.location,
            message=_message(credential),
            key=f"{credential.context}/{credential.field}",
        )
