"""A file of a recognised format cannot be read or parsed.

## What it does
Reports every file that assume-lint recognised (Terraform, an AWS profile file, a
trust-policy JSON, ...) but could not read or parse: broken HCL or JSON, invalid UTF-8,
a binary file with a policy's name, a file over the size limit, a folder or file that
cannot be read. The location is the error's line and column where the file is readable.
A single top-level HCL block of more than 50,000 tokens (about 250 KB of dense HCL, a
crafted or generated expression) is not parsed either: it is reported at its first line
and the rest of the file is still linted, so one file cannot hold a run for minutes.

The run exits 2 whenever a parse error occurs, even when this rule is ignored: a file
that was not understood is a file whose problems were not checked. Other files are still
linted.

## Why is this bad?
A linter that silently skips what it cannot parse reports "no findings" for exactly the
files that most need a look: half-written policies, merge-conflict leftovers, generated
junk. Saying so, with a location, keeps the gate honest.

## Example
```json
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",}]}
```

Use instead:
```json
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Principal": {"AWS": "arn:aws:iam::111111111111:role/ci"}, "Action": "sts:AssumeRole"}]}
```

## Options
- Raise `max-file-size` (bytes, default 4 MiB) in the config to lint larger files.

## References
- [RFC 8259: The JSON Data Interchange Format](https://www.rfc-editor.org/rfc/rfc8259)
- [HCL native syntax specification](https://github.com/hashicorp/hcl/blob/main/hclsyntax/spec.md)
"""

from __future__ import annotations

from collections.abc import Iterator

from assume_lint.model import Model
from assume_lint.model.findings import Hit, Severity
from assume_lint.model.registry import RuleContext, RuleMeta

RULE = RuleMeta(
    id="AL900",
    name="parse-error",
    summary="File of a recognised format cannot be read or parsed",
    severity=Severity.HIGH,
    tags=("tool", "parse"),
)


def check(model: Model, ctx: RuleContext) -> Iterator[Hit]:
    """One finding per parse problem the parsers (and the file reader) recorded."""
    del ctx
    for problem in model.problems:
        yield Hit(
            problem.location,
            f"cannot parse: {problem.message}",
            key=f"parse-error/{problem.message}",
        )
