"""A suppression gives no reason (with `--require-reason`).

## What it does
When `--require-reason` (or `require-reason = true` in the config) is set, reports every
inline suppression without a trailing ` -- reason`, and every config `[[ignores]]` entry
without `reason = "..."`. The suppression still applies; this finding asks for the
justification next to it.

These findings are produced by the suppression pass of the engine, not by a check over
the model; `check` below therefore reports nothing. They cannot themselves be
suppressed inline.

## Why is this bad?
A trust-policy exception ("this vendor account may assume the role without an
ExternalId") is a security decision. Without the why, the next reviewer cannot tell a
considered exception from a silenced alarm, and nobody knows when it may be removed.

## Example
```hcl
# assume-lint: ignore[AL102]
resource "aws_iam_role" "vendor" {
```

Use instead:
```hcl
# assume-lint: ignore[AL102] until=2027-01-31 -- vendor enforces ExternalId upstream, OPS-42
resource "aws_iam_role" "vendor" {
```

## References
- [detect-secrets: inline allowlisting with a justification](https://github.com/Yelp/detect-secrets#inline-allowlisting)
- [checkov: suppressing checks with a comment and reason](https://www.checkov.io/2.Basics/Suppressing%20and%20Skipping%20Policies.html)
"""

from __future__ import annotations

from collections.abc import Iterator

from assume_lint.model import Model
from assume_lint.model.findings import Hit, Severity
from assume_lint.model.registry import RuleContext, RuleMeta

RULE = RuleMeta(
    id="AL902",
    name="suppression-without-reason",
    summary="Suppression without a '-- reason' when reasons are required",
    severity=Severity.LOW,
    tags=("maintenance", "suppression"),
)


def check(model: Model, ctx: RuleContext) -> Iterator[Hit]:
    """Nothing: the engine's suppression pass reports suppressions without a reason,
    because only it reads the comments and config entries."""
    del model, ctx
    return iter(())
