"""A suppression comment or config ignore matches nothing, has expired, or is malformed.

## What it does
Reports an `assume-lint: ignore[...]` comment, or an `[[ignores]]` entry of the config,
that hid no finding in this run: the rules it names reported nothing on the lines it
covers (its own line when it trails code; the next line, or the whole block that line
opens, when it stands alone; the whole file for `ignore-file`). Also reported here:

- a suppression whose `until=YYYY-MM-DD` date has passed: it no longer applies, and the
  finding it hid is reported again next to this one;
- a suppression naming no known rule (`ignore[AL999]`);
- a malformed comment: a bare `ignore` with no rule list (blanket ignores are not
  supported), an invalid date, unexpected text, or `ignore-file` below the leading
  comment lines of the file.

A selector is only called unused when the rule it names ran: `--select AL2` does not
flag `ignore[AL102]`.

These findings are produced by the suppression pass of the engine, after every rule has
run, not by a check over the model; `check` below therefore reports nothing. They
cannot themselves be suppressed inline; use `ignore = ["AL901"]` in the config to turn
them off.

## Why is this bad?
A suppression outlives the code it was written for: once a role is fixed or removed,
the comment stays and silently hides the next real problem on those lines. Flagging
unused and expired suppressions (as ruff's RUF100 and sqlfluff do) keeps every ignore
tied to a finding that still exists and to a date someone agreed to.

## Example
```hcl
resource "aws_iam_role" "vendor" {
  # assume-lint: ignore[AL102] until=2024-01-31 -- vendor migration OPS-42
  assume_role_policy = data.aws_iam_policy_document.vendor.json
}
```

Use instead:
```hcl
resource "aws_iam_role" "vendor" {
  assume_role_policy = data.aws_iam_policy_document.vendor.json  # ExternalId now required
}
```

## References
- [ruff: unused-noqa (RUF100)](https://docs.astral.sh/ruff/rules/unused-noqa/)
- [sqlfluff: ignoring errors and warnings for unused noqa](https://docs.sqlfluff.com/en/stable/configuration/ignoring_configuration.html)
"""

from __future__ import annotations

from collections.abc import Iterator

from assume_lint.model import Model
from assume_lint.model.findings import Hit, Severity
from assume_lint.model.registry import RuleContext, RuleMeta

RULE = RuleMeta(
    id="AL901",
    name="unused-suppression",
    summary="Suppression that matches nothing, has expired or is malformed",
    severity=Severity.INFO,
    tags=("maintenance", "suppression"),
    default=False,
)


def check(model: Model, ctx: RuleContext) -> Iterator[Hit]:
    """Nothing: unused suppressions are found by the engine's suppression pass, which
    sees the findings of every rule; the model alone cannot tell."""
    del model, ctx
    return iter(())
