"""AL202 hardcoded-secret-key: literal secret keys and session tokens, never echoed."""

from __future__ import annotations

import pytest
from builders import credential, model

from assume_lint.model import Credential
from assume_lint.model.findings import Severity
from assume_lint.model.registry import RuleContext
from assume_lint.rules import al202_hardcoded_secret_key as rule

SECRET = "k8Jq2Zr7Vx0Lm4Np9Tb6Yc3Wd1Hs5Fg8Ea2Ru7Oi"
EXAMPLE_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
TOKEN = "IQoJb3JpZ2luX2VjE" + "A" * 120


def secret(value: str | None, line: int = 1, **extra: object) -> Credential:
    return credential(kind="secret-key", field="secret_key", value=value, line=line, **extra)


def token(value: str | None, line: int = 1, **extra: object) -> Credential:
    return credential(kind="session-token", field="token", value=value, line=line, **extra)


def run(*credentials: Credential) -> list[tuple[str, int, Severity | None]]:
    hits = rule.check(model(credentials=credentials), RuleContext())
    return [(rule.RULE.id, h.location.line, h.severity) for h in hits]


CASES = [
    ("secret key", [secret(SECRET, 4)], [("AL202", 4, None)]),
    ("session token", [token(TOKEN, 5)], [("AL202", 5, None)]),
    (
        "secret and token",
        [secret(SECRET, 4), token(TOKEN, 5)],
        [("AL202", 4, None), ("AL202", 5, None)],
    ),
    ("short placeholder counts", [secret("changeme", 3)], [("AL202", 3, None)]),
    (
        "example secret in a provider field is low",
        [secret(EXAMPLE_SECRET, 6, context='provider "aws"')],
        [("AL202", 6, Severity.LOW)],
    ),
    (
        "example secret found by the text scan is documentation",
        [credential(kind="secret-key", field="aws_secret_access_key", value=EXAMPLE_SECRET,
                    line=6)],
        [],
    ),
    ("reported twice, once", [secret(SECRET, 4), secret(SECRET, 4)], [("AL202", 4, None)]),
    ("empty", [secret("", 2), token("  ", 3)], []),
    ("from a variable", [secret(None, 2, from_variable=True)], []),
    ("unresolved", [token(None, 2)], []),
    ("access key is AL201's", [credential(value="AKIA2E3F4G5H6J7K2L3M")], []),
    ("unknown kind", [credential(kind="password", field="password", value=SECRET)], []),
]


@pytest.mark.parametrize(("case", "credentials", "expected"), CASES, ids=[c[0] for c in CASES])
def test_cases(
    case: str, credentials: list[Credential], expected: list[tuple[str, int, Severity | None]]
) -> None:
    assert run(*credentials) == expected


def test_message_names_field_and_context_never_the_value() -> None:
    creds = [
        secret(SECRET, 4, col=3, context='provider "aws"'),
        token(TOKEN, 5, context="profile dev"),
    ]
    first, second = rule.check(model(credentials=creds), RuleContext())
    assert 'secret_key in provider "aws"' in first.message
    assert "secret access key" in first.message
    assert SECRET not in first.message and SECRET[:12] not in first.message
    assert (first.location.line, first.location.column) == (4, 3)
    assert first.key == 'provider "aws"/secret_key'
    assert "session token" in second.message and "token in profile dev" in second.message
    assert TOKEN[:20] not in second.message


def test_metadata() -> None:
    assert rule.RULE.severity is Severity.CRITICAL
