"""AL203 long-lived-credentials: keys from variables or CI secrets, one per block."""

from __future__ import annotations

import pytest
from builders import credential, model

from assume_lint.model import Credential
from assume_lint.model.findings import Severity
from assume_lint.model.registry import RuleContext
from assume_lint.rules import al203_long_lived_credentials as rule

PROVIDER = 'provider "aws"'
BACKEND = 'backend "s3"'
WORKFLOW = "workflow deploy.yml job deploy step 2"


def key(line: int, context: str = PROVIDER, path: str = "main.tf", **extra: object) -> Credential:
    return credential(
        value=None, line=line, context=context, path=path, from_variable=True, **extra
    )


def sec(line: int, context: str = PROVIDER, path: str = "main.tf") -> Credential:
    return credential(
        kind="secret-key",
        field="secret_key",
        value=None,
        line=line,
        context=context,
        path=path,
        from_variable=True,
    )


def run(*credentials: Credential) -> list[tuple[str, int]]:
    return [
        (rule.RULE.id, h.location.line)
        for h in rule.check(model(credentials=credentials), RuleContext())
    ]


CASES = [
    ("provider key and secret: one hit at the key", [key(3), sec(4)], [("AL203", 3)]),
    ("secret listed before key", [sec(4), key(5)], [("AL203", 5)]),
    ("secret only", [sec(4)], [("AL203", 4)]),
    (
        "provider and backend",
        [key(3), sec(4), key(12, BACKEND), sec(13, BACKEND)],
        [("AL203", 3), ("AL203", 12)],
    ),
    (
        "two provider blocks with one context",
        [key(3), sec(4), key(9), sec(10)],
        [("AL203", 3), ("AL203", 9)],
    ),
    (
        "same context in two files",
        [key(3, path="a.tf"), key(3, path="b.tf")],
        [("AL203", 3), ("AL203", 3)],
    ),
    (
        "workflow step from secrets",
        [
            credential(
                field="aws-access-key-id",
                value=None,
                line=20,
                context=WORKFLOW,
                from_variable=True,
                path=".github/workflows/deploy.yml",
            ),
        ],
        [("AL203", 20)],
    ),
    (
        "literal key is AL201's",
        [credential(value="AKIA2E3F4G5H6J7K2L3M", line=3, from_variable=True)],
        [],
    ),
    ("expression not from a variable", [credential(value=None, line=3)], []),
    ("no credentials", [], []),
]


@pytest.mark.parametrize(("case", "credentials", "expected"), CASES, ids=[c[0] for c in CASES])
def test_cases(case: str, credentials: list[Credential], expected: list[tuple[str, int]]) -> None:
    assert run(*credentials) == expected


def test_messages() -> None:
    [tf] = rule.check(model(credentials=[key(3), sec(4)]), RuleContext())
    assert tf.message.startswith(
        'provider "aws" takes static access keys from variables (access_key)'
    )
    assert tf.key == 'provider "aws"/access_key'
    assert tf.severity is None
    wf = credential(
        field="aws-access-key-id", value=None, line=20, context=WORKFLOW, from_variable=True
    )
    [hit] = rule.check(model(credentials=[wf]), RuleContext())
    assert "role-to-assume" in hit.message and "aws-access-key-id" in hit.message


def test_metadata() -> None:
    assert rule.RULE.severity is Severity.LOW
