"""AL201 hardcoded-access-key-id: literal key ids, one finding per line, graded examples."""

from __future__ import annotations

import pytest
from builders import credential, model

from assume_lint.model import Credential
from assume_lint.model.findings import Severity
from assume_lint.model.registry import RuleContext
from assume_lint.rules import al201_hardcoded_access_key_id as rule

REAL = "AKIA2E3F4G5H6J7K2L3M"
TEMP = "ASIA2E3F4G5H6J7K2L3M"
EXAMPLE = "AKIAIOSFODNN7EXAMPLE"
PROVIDER = 'provider "aws"'


def run(*credentials: Credential) -> list[tuple[str, int, Severity | None]]:
    hits = rule.check(model(credentials=credentials), RuleContext())
    return [(rule.RULE.id, h.location.line, h.severity) for h in hits]


CASES = [
    ("field literal", [credential(value=REAL, line=3, context=PROVIDER)], [("AL201", 3, None)]),
    ("text scan", [credential(field="", value=REAL, line=7)], [("AL201", 7, None)]),
    (
        "field and scan on one line",
        [
            credential(value=REAL, line=4, col=16, context=PROVIDER),
            credential(field="", value=REAL, line=4, col=17),
        ],
        [("AL201", 4, None)],
    ),
    (
        "scan first, then field, same line",
        [
            credential(field="", value=REAL, line=4, col=17),
            credential(value=REAL, line=4, col=16, context=PROVIDER),
        ],
        [("AL201", 4, None)],
    ),
    (
        "same key on two lines",
        [credential(value=REAL, line=2), credential(field="", value=REAL, line=9)],
        [("AL201", 2, None), ("AL201", 9, None)],
    ),
    (
        "same line in two files",
        [credential(value=REAL, line=2, path="a.tf"), credential(value=REAL, line=2, path="b.tf")],
        [("AL201", 2, None), ("AL201", 2, None)],
    ),
    (
        "example key in a provider field is low",
        [credential(value=EXAMPLE, line=5, context=PROVIDER)],
        [("AL201", 5, Severity.LOW)],
    ),
    (
        "example key in free text is documentation",
        [credential(field="", value=EXAMPLE, line=5, context="text")],
        [],
    ),
    (
        "real key wins over example on one line",
        [credential(field="", value=EXAMPLE, line=5), credential(field="", value=REAL, line=5)],
        [("AL201", 5, None)],
    ),
    ("temporary key stays critical", [credential(value=TEMP, line=6)], [("AL201", 6, None)]),
    (
        "seed placeholder counts",
        [credential(value="AKIAXXXXXXXXXXXXXXXX", line=2)],
        [("AL201", 2, None)],
    ),
    ("any literal in a key field", [credential(value="my-key", line=8)], [("AL201", 8, None)]),
    ("empty literal", [credential(value="", line=2)], []),
    ("blank literal", [credential(value="   ", line=2)], []),
    ("unresolved variable", [credential(value=None, line=2, from_variable=True)], []),
    (
        "secret key is AL202's",
        [credential(kind="secret-key", field="secret_key", value="x" * 40)],
        [],
    ),
    ("no credentials", [], []),
]


@pytest.mark.parametrize(("case", "credentials", "expected"), CASES, ids=[c[0] for c in CASES])
def test_cases(
    case: str, credentials: list[Credential], expected: list[tuple[str, int, Severity | None]]
) -> None:
    assert run(*credentials) == expected


def test_message_masks_the_key_and_names_the_field() -> None:
    [hit] = rule.check(
        model(credentials=[credential(value=REAL, line=3, context=PROVIDER)]), RuleContext()
    )
    assert "AKIA************2L3M" in hit.message
    assert REAL not in hit.message
    assert 'access_key in provider "aws"' in hit.message
    assert hit.key == 'provider "aws"/access_key'
    assert (hit.location.line, hit.location.column, hit.location.path) == (3, 1, "main.tf")


def test_dedup_keeps_the_field_credential() -> None:
    creds = [
        credential(field="", value=REAL, line=4, col=17),
        credential(value=REAL, line=4, col=16, context=PROVIDER),
    ]
    [hit] = rule.check(model(credentials=creds), RuleContext())
    assert hit.location.column == 16
    assert "access_key" in hit.message


def test_text_scan_message_and_key_never_hold_the_raw_key() -> None:
    [hit] = rule.check(model(credentials=[credential(field="", value=REAL, line=7)]), RuleContext())
    assert "file text" in hit.message
    assert REAL not in hit.message and REAL not in hit.key
    assert hit.key == "/AKIA************2L3M"


def test_temporary_and_example_wording() -> None:
    [temp] = rule.check(model(credentials=[credential(value=TEMP)]), RuleContext())
    assert "temporary (ASIA) key" in temp.message
    assert TEMP not in temp.message
    [example] = rule.check(model(credentials=[credential(value=EXAMPLE, context=PROVIDER)]),
                           RuleContext())
    assert "example" in example.message
    assert EXAMPLE not in example.message


def test_metadata() -> None:
    assert rule.RULE.severity is Severity.CRITICAL
    assert rule.RULE.name == "hardcoded-access-key-id"
