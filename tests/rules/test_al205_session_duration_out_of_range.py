"""AL205 session-duration-out-of-range: 900..43200 s, 3600 s when chained."""

from __future__ import annotations

import pytest
from builders import attempt, attr, model

from assume_lint.model import AssumeAttempt
from assume_lint.model.findings import Severity
from assume_lint.model.registry import RuleContext
from assume_lint.rules import al205_session_duration_out_of_range as rule

ARN = "arn:aws:iam::111111111111:role/deploy"


def with_duration(
    value: str | None, line: int = 7, chained: bool = False, kind: str = "profile"
) -> AssumeAttempt:
    return attempt(
        kind,
        "profile dev",
        "profile dev",
        line=2,
        role_arn=attr(ARN, 3),
        duration=attr(value, line, 1),
        chained=chained,
    )


def run(*attempts: AssumeAttempt) -> list[tuple[str, int]]:
    return [
        (rule.RULE.id, h.location.line) for h in rule.check(model(attempts=attempts), RuleContext())
    ]


CASES = [
    ("too short", [with_duration("899")], [("AL205", 7)]),
    ("minimum", [with_duration("900")], []),
    ("maximum", [with_duration("43200")], []),
    ("too long", [with_duration("43201")], [("AL205", 7)]),
    ("zero", [with_duration("0")], [("AL205", 7)]),
    ("go duration too short", [with_duration("10m", kind="provider")], [("AL205", 7)]),
    ("go duration ok", [with_duration("1h30m", kind="provider")], []),
    ("go duration too long", [with_duration("13h", kind="backend")], [("AL205", 7)]),
    ("chained at cap", [with_duration("3600", chained=True)], []),
    ("chained above cap", [with_duration("3601", chained=True)], [("AL205", 7)]),
    (
        "chained go duration above cap",
        [with_duration("2h", chained=True, kind="workflow")],
        [("AL205", 7)],
    ),
    ("not chained 2h", [with_duration("7200")], []),
    ("unresolved", [with_duration(None)], []),
    ("unreadable", [with_duration("an hour")], []),
    ("no duration", [attempt(line=2, role_arn=attr(ARN, 3))], []),
    ("two", [with_duration("100", 4), with_duration("99999", 9)], [("AL205", 4), ("AL205", 9)]),
]


@pytest.mark.parametrize(("case", "attempts", "expected"), CASES, ids=[c[0] for c in CASES])
def test_cases(case: str, attempts: list[AssumeAttempt], expected: list[tuple[str, int]]) -> None:
    assert run(*attempts) == expected


def test_location_is_the_duration_attribute() -> None:
    hit = next(rule.check(model(attempts=[with_duration("60", line=12)]), RuleContext()))
    assert (hit.location.line, hit.location.column) == (12, 1)
    assert hit.key == "profile dev"


@pytest.mark.parametrize(
    ("value", "chained", "words"),
    [
        ("60", False, "60 seconds, below the minimum of 900 seconds"),
        ("50000", False, "50000 seconds, above the maximum of 43200 seconds"),
        ("7200", True, "7200 seconds, above the 3600-second cap of a chained role session"),
        ("1.5h", True, "5400 seconds"),
    ],
)
def test_messages(value: str, chained: bool, words: str) -> None:
    hit = next(rule.check(model(attempts=[with_duration(value, chained=chained)]), RuleContext()))
    assert words in hit.message
    assert hit.message.startswith("profile dev requests a session of")


def test_metadata() -> None:
    assert rule.RULE.severity is Severity.MEDIUM
