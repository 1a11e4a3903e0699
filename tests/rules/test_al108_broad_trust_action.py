"""AL108 broad-trust-action."""

from __future__ import annotations

import pytest
from builders import attr, cond, model, principal, role, statement

from assume_lint.model import Condition
from assume_lint.model.registry import RuleContext
from assume_lint.rules import al108_broad_trust_action as rule

USER = principal("arn:aws:iam::111111111111:role/ci", line=4)
SERVICE = principal("ecs-tasks.amazonaws.com", kind="Service", line=4)


def run(
    actions: list[str], *conds: Condition, who: object = USER, **extra: object
) -> list[tuple[str, int, str]]:
    acts = [attr(a, line=5 + i, col=17) for i, a in enumerate(actions)]
    st = statement(principals=[who], actions=acts, conditions=conds, line=2, **extra)
    return [
        (rule.RULE.id, h.location.line, (h.severity or rule.RULE.severity).label)
        for h in rule.check(model([role(st)]), RuleContext())
    ]


CASES = [
    ("assume only", ["sts:AssumeRole"], (), USER, []),
    ("sts:*", ["sts:*"], (), USER, [("AL108", 5, "medium")]),
    ("*", ["*"], (), USER, [("AL108", 5, "medium")]),
    ("AssumeRole*", ["sts:AssumeRole", "sts:AssumeRole*"], (), USER, [("AL108", 6, "medium")]),
    ("Assume*", ["STS:Assume*"], (), USER, [("AL108", 5, "medium")]),
    ("sts:Get* does not cover assume", ["sts:Get*"], (), USER, []),
    ("service principal with sts:*", ["sts:*"], (), SERVICE, []),
    (
        "TagSession unconstrained",
        ["sts:AssumeRole", "sts:TagSession"],
        (),
        USER,
        [("AL108", 6, "low")],
    ),
    (
        "SetSourceIdentity unconstrained",
        ["sts:SetSourceIdentity"],
        (),
        SERVICE,
        [("AL108", 5, "low")],
    ),
    (
        "TagSession with TagKeys",
        ["sts:AssumeRole", "sts:TagSession"],
        (cond("ForAllValues:StringEquals", "aws:TagKeys", "team"),),
        USER,
        [],
    ),
    (
        "TagSession with RequestTag",
        ["sts:TagSession"],
        (cond("StringEquals", "aws:RequestTag/team", "ops"),),
        USER,
        [],
    ),
    (
        "SetSourceIdentity with sts:SourceIdentity",
        ["sts:SetSourceIdentity"],
        (cond("StringLike", "sts:SourceIdentity", "${aws:username}"),),
        USER,
        [],
    ),
    ("unknown action", [], (), USER, []),
]


@pytest.mark.parametrize(
    ("name", "actions", "conds", "who", "expected"), CASES, ids=[c[0] for c in CASES]
)
def test_cases(
    name: str,
    actions: list[str],
    conds: tuple[Condition, ...],
    who: object,
    expected: list[tuple[str, int, str]],
) -> None:
    assert run(actions, *conds, who=who) == expected


def test_not_action_is_broad() -> None:
    assert run(["sts:TagSession"], not_action=True) == [("AL108", 5, "medium")]


def test_deny_is_ignored() -> None:
    assert run(["sts:*"], effect="Deny") == []


def test_unknown_conditions_keep_the_low_check_silent() -> None:
    assert run(["sts:TagSession"], unknown_conditions=True) == []
