"""Truth tables for the IAM condition engine (assume_lint.model.conditions)."""

from __future__ import annotations

from typing import Any

import pytest
from builders import cond, principal, statement

from assume_lint.model import Condition, Statement
from assume_lint.model import conditions as c

ABSENT: dict[str, str] = {}


def ev(op: str, key: str, values: tuple[str | None, ...], request: c.Request) -> bool | None:
    return c.evaluate(cond(op, key, *values), request)


# ----------------------------------------------------------------- operator parsing


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("StringEquals", ("stringequals", "string", False, False, None)),
        ("stringnotequals", ("stringnotequals", "string", True, False, None)),
        ("BoolIfExists", ("bool", "bool", False, True, None)),
        ("ForAnyValue:StringLike", ("stringlike", "string", False, False, "foranyvalue")),
        ("forallvalues:ArnNotLikeIfExists", ("arnnotlike", "arn", True, True, "forallvalues")),
        ("NotIpAddress", ("notipaddress", "ip", True, False, None)),
        (" Null ", ("null", "null", False, False, None)),
    ],
)
def test_parse_operator(text: str, expected: tuple[object, ...]) -> None:
    op = c.parse_operator(text)
    assert op is not None
    assert (op.base, op.family, op.negated, op.if_exists, op.qualifier) == expected


@pytest.mark.parametrize("text", ["NullIfExists", "StringEqualz", "ForSomeValues:StringEquals", ""])
def test_parse_operator_rejects_unknown(text: str) -> None:
    assert c.parse_operator(text) is None


def test_unknown_operator_is_unknown() -> None:
    assert ev("StringEqualz", "k", ("a",), {"k": "a"}) is None


# ----------------------------------------------------------------- String*

STRING_TABLE = [
    # op, values, request value (None = absent), expected
    ("StringEquals", ("abc",), "abc", True),
    ("StringEquals", ("abc",), "ABC", False),
    ("StringEquals", ("x", "abc"), "abc", True),
    ("StringEquals", ("abc",), None, False),
    ("StringEqualsIfExists", ("abc",), None, True),
    ("StringEqualsIfExists", ("abc",), "xyz", False),
    ("StringNotEquals", ("abc",), "abc", False),
    ("StringNotEquals", ("abc",), "xyz", True),
    ("StringNotEquals", ("x", "abc"), "abc", False),
    ("StringNotEquals", ("abc",), None, True),
    ("StringNotEqualsIfExists", ("abc",), None, True),
    ("StringEqualsIgnoreCase", ("abc",), "ABC", True),
    ("StringEqualsIgnoreCase", ("abc",), None, False),
    ("StringNotEqualsIgnoreCase", ("abc",), "AbC", False),
    ("StringNotEqualsIgnoreCase", ("abc",), "abd", True),
    ("StringLike", ("repo:org/*",), "repo:org/app:ref:main", True),
    ("StringLike", ("repo:org/*",), "repo:other/app", False),
    ("StringLike", ("a?c",), "abc", True),
    ("StringLike", ("a?c",), "abbc", False),
    ("StringLike", ("a.c",), "abc", False),  # regex characters are literal
    ("StringLike", ("ABC",), "abc", False),  # case-sensitive
    ("StringLike", ("*",), None, False),
    ("StringNotLike", ("repo:org/*",), "repo:org/app", False),
    ("StringNotLike", ("repo:org/*",), "repo:evil/app", True),
    ("StringNotLike", ("repo:org/*",), None, True),
]


@pytest.mark.parametrize(("op", "values", "value", "expected"), STRING_TABLE)
def test_string_family(op: str, values: tuple[str, ...], value: str | None, expected: bool) -> None:
    request = ABSENT if value is None else {"k": value}
    assert ev(op, "k", values, request) is expected


def test_operator_and_key_case_insensitive_values_not() -> None:
    assert ev("sTrInGeQuAlS", "STS:EXTERNALID", ("Abc",), {"sts:ExternalId": "Abc"}) is True
    assert ev("StringEquals", "sts:ExternalId", ("Abc",), {"STS:externalid": "abc"}) is False


# ----------------------------------------------------------------- Arn*

ARN = "arn:aws:iam::111111111111:role/deploy"
ARN_TABLE = [
    ("ArnEquals", (ARN,), ARN, True),
    ("ArnLike", ("arn:aws:iam::111111111111:role/*",), ARN, True),
    ("ArnLike", ("arn:aws:iam::*:role/deploy",), ARN, True),
    ("ArnLike", ("arn:aws:iam::*:role/deploy",), "arn:aws:iam::1:role/x", False),
    ("ArnEquals", ("arn:aws:iam::111111111111:role/*",), ARN, True),  # same as ArnLike
    ("ArnLike", ("arn:aws:iam::*",), ARN, False),  # segments must line up
    ("ArnLike", ("arn:aws:iam::111111111111:role/d?ploy",), ARN, True),
    ("ArnLike", (ARN,), None, False),
    ("ArnLikeIfExists", (ARN,), None, True),
    ("ArnNotLike", ("arn:aws:iam::111111111111:*",), ARN, False),
    ("ArnNotLike", ("arn:aws:iam::222222222222:*",), ARN, True),
    ("ArnNotEquals", (ARN,), None, True),
]


@pytest.mark.parametrize(("op", "values", "value", "expected"), ARN_TABLE)
def test_arn_family(op: str, values: tuple[str, ...], value: str | None, expected: bool) -> None:
    request = ABSENT if value is None else {"aws:PrincipalArn": value}
    assert ev(op, "aws:PrincipalArn", values, request) is expected


def test_arn_wildcard_does_not_cross_segments() -> None:
    # "*" in the account segment cannot swallow the "role/..." segment.
    assert c.arn_match("arn:aws:iam::*", "arn:aws:iam::1:role/x") is False
    assert c.arn_match("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a:b") is True


# ----------------------------------------------------------------- Bool, Null

BOOL_TABLE = [
    ("Bool", ("true",), "true", True),
    ("Bool", ("true",), "TRUE", True),
    ("Bool", ("TRUE",), "true", True),
    ("Bool", ("true",), "false", False),
    ("Bool", ("true",), None, False),
    ("Bool", ("false",), None, False),
    ("BoolIfExists", ("true",), None, True),
    ("BoolIfExists", ("true",), "false", False),
    ("BoolIfExists", ("false",), None, True),
    ("Bool", ("true", "false"), "false", True),
]


@pytest.mark.parametrize(("op", "values", "value", "expected"), BOOL_TABLE)
def test_bool(op: str, values: tuple[str, ...], value: str | None, expected: bool) -> None:
    request = ABSENT if value is None else {"aws:MultiFactorAuthPresent": value}
    assert ev(op, "aws:MultiFactorAuthPresent", values, request) is expected


@pytest.mark.parametrize(
    ("values", "present", "expected"),
    [
        (("true",), False, True),
        (("true",), True, False),
        (("false",), False, False),
        (("false",), True, True),
        (("TRUE",), False, True),
        (("maybe",), False, False),
        ((None,), False, None),
    ],
)
def test_null(values: tuple[str | None, ...], present: bool, expected: bool | None) -> None:
    request = {"k": "x"} if present else ABSENT
    assert ev("Null", "k", values, request) is expected


# ----------------------------------------------------------------- Numeric, Date

NUMERIC_TABLE = [
    ("NumericEquals", "10", "10", True),
    ("NumericEquals", "10", "10.0", True),
    ("NumericNotEquals", "10", "11", True),
    ("NumericNotEquals", "10", None, True),
    ("NumericLessThan", "3600", "100", True),
    ("NumericLessThan", "3600", "3600", False),
    ("NumericLessThanEquals", "3600", "3600", True),
    ("NumericGreaterThan", "3600", "3601", True),
    ("NumericGreaterThan", "3600", "10", False),
    ("NumericGreaterThanEquals", "3600", "3600", True),
    ("NumericLessThan", "3600", None, False),
    ("NumericLessThanIfExists", "3600", None, True),
    ("NumericLessThan", "abc", "1", False),
    ("NumericLessThan", "10", "abc", False),
]


@pytest.mark.parametrize(("op", "limit", "value", "expected"), NUMERIC_TABLE)
def test_numeric(op: str, limit: str, value: str | None, expected: bool) -> None:
    request = ABSENT if value is None else {"aws:MultiFactorAuthAge": value}
    assert ev(op, "aws:MultiFactorAuthAge", (limit,), request) is expected


DATE_TABLE = [
    ("DateLessThan", "2030-01-01T00:00:00Z", "2025-06-01T12:00:00Z", True),
    ("DateLessThan", "2030-01-01T00:00:00Z", "2031-01-01T00:00:00Z", False),
    ("DateGreaterThan", "2020-01-01", "2025-06-01T12:00:00Z", True),
    ("DateEquals", "2020-01-01T00:00:00Z", "1577836800", True),  # epoch seconds
    ("DateNotEquals", "2020-01-01T00:00:00Z", "2021-01-01T00:00:00Z", True),
    ("DateLessThanEquals", "2020-01-01T00:00:00Z", "2020-01-01T00:00:00+00:00", True),
    ("DateGreaterThanEquals", "2020-01-01T00:00:00Z", "garbage", False),
    ("DateLessThan", "2030-01-01T00:00:00Z", None, False),
    ("DateLessThanIfExists", "2030-01-01T00:00:00Z", None, True),
]


@pytest.mark.parametrize(("op", "limit", "value", "expected"), DATE_TABLE)
def test_date(op: str, limit: str, value: str | None, expected: bool) -> None:
    request = ABSENT if value is None else {"aws:CurrentTime": value}
    assert ev(op, "aws:CurrentTime", (limit,), request) is expected


# ----------------------------------------------------------------- IP, Binary

IP_TABLE = [
    ("IpAddress", ("203.0.113.0/24",), "203.0.113.7", True),
    ("IpAddress", ("203.0.113.0/24",), "198.51.100.1", False),
    ("IpAddress", ("198.51.100.1", "203.0.113.0/24"), "198.51.100.1", True),
    ("IpAddress", ("2001:db8::/32",), "2001:db8::1", True),
    ("IpAddress", ("2001:db8::/32",), "203.0.113.7", False),
    ("IpAddress", ("not-an-ip",), "203.0.113.7", False),
    ("IpAddress", ("203.0.113.0/24",), None, False),
    ("NotIpAddress", ("203.0.113.0/24",), "198.51.100.1", True),
    ("NotIpAddress", ("203.0.113.0/24",), "203.0.113.7", False),
    ("NotIpAddress", ("203.0.113.0/24",), None, True),
    ("IpAddressIfExists", ("203.0.113.0/24",), None, True),
]


@pytest.mark.parametrize(("op", "values", "value", "expected"), IP_TABLE)
def test_ip(op: str, values: tuple[str, ...], value: str | None, expected: bool) -> None:
    request = ABSENT if value is None else {"aws:SourceIp": value}
    assert ev(op, "aws:SourceIp", values, request) is expected


def test_binary_equals() -> None:
    assert ev("BinaryEquals", "k", ("QmluYXJ5",), {"k": "QmluYXJ5"}) is True
    assert ev("BinaryEquals", "k", ("QmluYXJ5",), {"k": "QmluYXJ6"}) is False
    assert ev("BinaryEquals", "k", ("QmluYXJ5",), ABSENT) is False


# ----------------------------------------------------------------- set qualifiers

SET_TABLE = [
    # op, condition values, request values (None = absent), expected
    ("ForAnyValue:StringEquals", ("a", "b"), ["x", "b"], True),
    ("ForAnyValue:StringEquals", ("a", "b"), ["x", "y"], False),
    ("ForAnyValue:StringEquals", ("a",), [], False),
    ("ForAnyValue:StringEquals", ("a",), None, False),
    ("ForAllValues:StringEquals", ("a", "b"), ["a", "b"], True),
    ("ForAllValues:StringEquals", ("a", "b"), ["a", "c"], False),
    ("ForAllValues:StringEquals", ("a",), [], True),
    ("ForAllValues:StringEquals", ("a",), None, True),
    ("ForAllValues:StringLike", ("team-*",), ["team-a", "team-b"], True),
    ("ForAnyValue:StringNotEquals", ("a",), ["a", "b"], True),
    ("ForAllValues:StringNotEquals", ("a",), ["a", "b"], False),
    ("ForAnyValue:Bool", ("true",), ["true"], True),
    ("ForAnyValue:Bool", ("true",), None, False),
    ("ForAllValues:Bool", ("true",), None, True),
    # plain operators over a multi-valued request value
    ("StringEquals", ("a",), ["x", "a"], True),
    ("StringNotEquals", ("a",), ["x", "a"], False),
]


@pytest.mark.parametrize(("op", "values", "value", "expected"), SET_TABLE)
def test_set_qualifiers(
    op: str, values: tuple[str, ...], value: list[str] | None, expected: bool
) -> None:
    request: c.Request = ABSENT if value is None else {"k": value}
    assert ev(op, "k", values, request) is expected


# ----------------------------------------------------------------- unknowns


def test_unknown_condition_value() -> None:
    assert ev("StringEquals", "k", (None,), {"k": "a"}) is None
    assert ev("StringEquals", "k", ("a", None), {"k": "a"}) is True  # decided by "a"
    assert ev("StringEquals", "k", ("b", None), {"k": "a"}) is None
    assert ev("StringNotEquals", "k", ("a", None), {"k": "a"}) is False
    assert ev("StringNotEquals", "k", ("b", None), {"k": "a"}) is None
    assert ev("StringEquals", "k", (None,), ABSENT) is False  # absence decides


def test_unknown_request_value_and_policy_variable() -> None:
    assert ev("StringEquals", "k", ("a",), {"k": None}) is None
    assert ev("StringLike", "k", ("${aws:username}-*",), {"k": "bob-x"}) is None


def test_statement_conditions_are_anded() -> None:
    st = statement(
        conditions=[
            cond("StringEquals", "sts:ExternalId", "abc"),
            cond("Bool", "aws:MultiFactorAuthPresent", "true"),
        ]
    )
    assert (
        c.statement_conditions_hold(
            st, {"sts:ExternalId": "abc", "aws:MultiFactorAuthPresent": "true"}
        )
        is True
    )
    assert c.statement_conditions_hold(st, {"sts:ExternalId": "abc"}) is False
    assert c.statement_conditions_hold(statement(), {}) is True
    unknown = statement(unknown_conditions=True)
    assert c.statement_conditions_hold(unknown, {}) is None
    assert (
        c.statement_conditions_hold(
            statement(conditions=[cond("Bool", "k", "true")], unknown_conditions=True), {}
        )
        is False
    )


def test_tri_state_helpers() -> None:
    assert c.tri_and([True, None]) is None
    assert c.tri_and([None, False]) is False
    assert c.tri_and([]) is True
    assert c.tri_or([False, None]) is None
    assert c.tri_or([None, True]) is True
    assert c.tri_or([]) is False
    assert c.tri_not(None) is None


# ----------------------------------------------------------------- MFA questions

MFA_CASES = [
    # conditions, allows_without_mfa, effective_mfa
    ([], True, False),
    ([cond("Bool", "aws:MultiFactorAuthPresent", "true")], False, True),
    ([cond("bool", "AWS:MULTIFACTORAUTHPRESENT", "TRUE")], False, True),
    ([cond("BoolIfExists", "aws:MultiFactorAuthPresent", "true")], True, False),
    ([cond("Bool", "aws:MultiFactorAuthPresent", "false")], True, False),
    ([cond("Bool", "aws:MultiFactorAuthPresent", "true", "false")], True, False),
    ([cond("Null", "aws:MultiFactorAuthPresent", "false")], True, False),
    ([cond("Null", "aws:MultiFactorAuthPresent", "true")], True, False),
    ([cond("ForAllValues:Bool", "aws:MultiFactorAuthPresent", "true")], True, False),
    ([cond("ForAnyValue:Bool", "aws:MultiFactorAuthPresent", "true")], False, False),
    ([cond("NumericLessThan", "aws:MultiFactorAuthAge", "3600")], False, True),
    ([cond("NumericLessThanEquals", "aws:MultiFactorAuthAge", "3600")], False, True),
    ([cond("NumericLessThanIfExists", "aws:MultiFactorAuthAge", "3600")], True, False),
    ([cond("NumericGreaterThan", "aws:MultiFactorAuthAge", "3600")], False, False),
    # BoolIfExists true + Null false: safe together
    (
        [
            cond("BoolIfExists", "aws:MultiFactorAuthPresent", "true"),
            cond("Null", "aws:MultiFactorAuthPresent", "false"),
        ],
        False,
        False,
    ),
    # other keys are assumed satisfiable by the caller
    ([cond("StringEquals", "sts:ExternalId", "abc")], True, False),
    ([cond("Bool", "aws:MultiFactorAuthPresent", None)], None, False),
]


@pytest.mark.parametrize(("conds", "allows", "effective"), MFA_CASES)
def test_mfa_questions(conds: list[Condition], allows: bool | None, effective: bool) -> None:
    st = statement(conditions=conds)
    assert c.allows_without_mfa(st) is allows
    assert c.effective_mfa(st) is effective


def test_unknown_conditions_make_mfa_unknown() -> None:
    assert c.allows_without_mfa(statement(unknown_conditions=True)) is None


# ----------------------------------------------------------------- ExternalId questions

EXTERNAL_CASES = [
    ([], False),
    ([cond("StringEquals", "sts:ExternalId", "abc12345")], True),
    ([cond("StringLike", "sts:externalid", "*")], True),  # presence required (AL106: weak)
    ([cond("StringEqualsIfExists", "sts:ExternalId", "abc12345")], False),
    ([cond("StringNotEquals", "sts:ExternalId", "abc")], False),
    ([cond("Null", "sts:ExternalId", "false")], True),
    ([cond("StringEquals", "sts:ExternalId", None)], True),  # absence decides anyway
    ([cond("ForAllValues:StringEquals", "sts:ExternalId", "abc")], False),
]


@pytest.mark.parametrize(("conds", "expected"), EXTERNAL_CASES)
def test_requires_external_id(conds: list[Condition], expected: bool) -> None:
    assert c.requires_external_id(statement(conditions=conds)) is expected


def test_external_id_values() -> None:
    st = statement(
        conditions=[
            cond("StringEquals", "sts:ExternalId", "abc", None),
            cond("StringNotEquals", "sts:ExternalId", "zzz"),
            cond("StringLike", "STS:ExternalID", "x*"),
            cond("StringEquals", "aws:PrincipalOrgID", "o-1"),
        ]
    )
    assert c.external_id_values(st) == ("abc", None, "x*")


# ----------------------------------------------------------------- principal guards

GUARD_CASES = [
    (cond("StringEquals", "aws:PrincipalOrgID", "o-abc123"), "aws:PrincipalOrgID"),
    (
        cond("ForAnyValue:StringLike", "aws:PrincipalOrgPaths", "o-abc/r-1/*"),
        "aws:PrincipalOrgPaths",
    ),
    (cond("StringEquals", "aws:PrincipalAccount", "111111111111"), "aws:PrincipalAccount"),
    (
        cond("ArnLike", "aws:PrincipalArn", "arn:aws:iam::111111111111:role/ci-*"),
        "aws:PrincipalArn",
    ),
    (cond("ArnEquals", "aws:SourceArn", "arn:aws:s3:::my-bucket"), "aws:SourceArn"),
    (cond("StringEquals", "aws:SourceAccount", "111111111111"), "aws:SourceAccount"),
    (cond("StringEquals", "aws:SourceOrgID", "o-abc123"), "aws:SourceOrgID"),
    (cond("stringequals", "AWS:PRINCIPALORGID", "o-abc123"), "AWS:PRINCIPALORGID"),
    # weak or not a guard
    (cond("StringEquals", "sts:ExternalId", "abc12345"), None),
    (cond("IpAddress", "aws:SourceIp", "203.0.113.0/24"), None),
    (cond("StringEquals", "aws:UserAgent", "terraform"), None),
    (cond("StringEquals", "aws:PrincipalTag/team", "ops"), None),
    (cond("StringLike", "aws:PrincipalOrgID", "*"), None),
    (cond("StringLike", "aws:PrincipalOrgID", "o-*"), None),
    (cond("StringLike", "aws:PrincipalOrgPaths", "o-*/*"), None),
    (cond("ArnLike", "aws:PrincipalArn", "*"), None),
    (cond("ArnLike", "aws:PrincipalArn", "arn:aws:iam::*:role/deploy"), None),
    (cond("StringLike", "aws:PrincipalAccount", "1111*"), None),
    (cond("ArnLike", "aws:SourceArn", "arn:aws:s3:::*"), None),
    (cond("StringEqualsIfExists", "aws:PrincipalOrgID", "o-abc123"), None),
    (cond("StringNotEquals", "aws:PrincipalOrgID", "o-abc123"), None),
    (cond("ForAllValues:StringEquals", "aws:PrincipalOrgID", "o-abc123"), None),
    (cond("StringEquals", "aws:PrincipalOrgID", "o-abc123", "*"), None),
    (cond("Bool", "aws:PrincipalOrgID", "true"), None),
    (cond("StringEquals", "aws:PrincipalOrgID", None), None),
]


@pytest.mark.parametrize(("condition", "expected"), GUARD_CASES)
def test_constrains_principal(condition: Condition, expected: str | None) -> None:
    assert c.constrains_principal(statement(conditions=[condition])) == expected


def test_guard_unknown() -> None:
    assert c.guard_unknown(statement(conditions=[cond("StringEquals", "aws:PrincipalOrgID", None)]))
    assert c.guard_unknown(statement(unknown_conditions=True))
    assert c.guard_unknown(statement(conditions=[cond("Weird", "k", "v")]))
    assert not c.guard_unknown(statement(conditions=[cond("StringEquals", "sts:ExternalId", None)]))


# ----------------------------------------------------------------- actions, principals, Deny

ACTION_CASES = [
    (["sts:AssumeRole"], False, True),
    (["STS:assumerole"], False, True),
    (["sts:AssumeRole*"], False, True),
    (["sts:*"], False, True),
    (["*"], False, True),
    (["sts:AssumeRoleWithWebIdentity"], False, False),
    (["sts:TagSession"], False, False),
    (["sts:TagSession"], True, True),  # NotAction: everything else, including AssumeRole
    (["sts:*"], True, False),
    ([], False, False),
]


@pytest.mark.parametrize(("actions", "not_action", "expected"), ACTION_CASES)
def test_grants_action(actions: list[str], not_action: bool, expected: bool) -> None:
    st = statement(actions=actions, not_action=not_action)
    assert c.grants_action(st) is expected


def test_grants_action_unknown() -> None:
    from builders import attr

    assert c.grants_action(statement(actions=[attr(None)])) is None
    assert c.grants_action(statement(actions=[attr(None), "sts:AssumeRole"])) is True


USER = principal("arn:aws:iam::111111111111:user/alice")


def _deny(*conds: Condition, who: str = "*", kind: str = "AWS", **extra: Any) -> Statement:
    return statement(
        effect="Deny", principals=[principal(who, kind=kind)], conditions=conds, **extra
    )


DENY_CASES = [
    (
        "strict BoolIfExists false",
        _deny(cond("BoolIfExists", "aws:MultiFactorAuthPresent", "false")),
        True,
    ),
    ("weak Bool false", _deny(cond("Bool", "aws:MultiFactorAuthPresent", "false")), False),
    (
        "Null true + Bool false is not all",
        _deny(cond("Null", "aws:MultiFactorAuthPresent", "true")),
        False,
    ),
    (
        "bare * principal",
        _deny(cond("BoolIfExists", "aws:MultiFactorAuthPresent", "false"), kind="*"),
        True,
    ),
    (
        "other principal",
        _deny(
            cond("BoolIfExists", "aws:MultiFactorAuthPresent", "false"),
            who="arn:aws:iam::111111111111:user/bob",
        ),
        False,
    ),
    (
        "same principal",
        _deny(
            cond("BoolIfExists", "aws:MultiFactorAuthPresent", "false"),
            who="arn:aws:iam::111111111111:user/alice",
        ),
        True,
    ),
    (
        "extra condition lets callers slip past",
        _deny(
            cond("BoolIfExists", "aws:MultiFactorAuthPresent", "false"),
            cond("IpAddress", "aws:SourceIp", "203.0.113.0/24"),
        ),
        False,
    ),
    (
        "other action",
        _deny(
            cond("BoolIfExists", "aws:MultiFactorAuthPresent", "false"), actions=["sts:TagSession"]
        ),
        False,
    ),
    (
        "unknown deny conditions",
        _deny(cond("BoolIfExists", "aws:MultiFactorAuthPresent", "false"), unknown_conditions=True),
        None,
    ),
    (
        "Allow is not a Deny",
        statement(
            principals=[principal("*")],
            conditions=[cond("BoolIfExists", "aws:MultiFactorAuthPresent", "false")],
        ),
        False,
    ),
]


@pytest.mark.parametrize(("case", "deny", "expected"), DENY_CASES, ids=[d[0] for d in DENY_CASES])
def test_deny_blocks_without_mfa(case: str, deny: Statement, expected: bool | None) -> None:
    assert c.deny_blocks_without_mfa([deny], USER) is expected


def test_deny_blocks_without_external_id() -> None:
    deny = _deny(cond("StringNotEqualsIfExists", "sts:ExternalId", "abc12345"))
    assert c.deny_blocks_without_external_id([deny], USER) is True
    deny = _deny(cond("Null", "sts:ExternalId", "true"))
    assert c.deny_blocks_without_external_id([deny], USER) is True
    deny = _deny(cond("StringNotEquals", "sts:ExternalId", "abc12345"))
    assert c.deny_blocks_without_external_id([deny], USER) is True  # absent -> negated true


def test_deny_guard() -> None:
    org = _deny(cond("StringNotEquals", "aws:PrincipalOrgID", "o-abc123"))
    assert c.deny_guard([org]) == "aws:PrincipalOrgID"
    assert c.deny_guard([_deny(cond("StringNotEquals", "aws:PrincipalOrgID", "*"))]) is None
    assert c.deny_guard([_deny(cond("StringNotEquals", "sts:ExternalId", "abc"))]) is None
    assert c.deny_guard([_deny()]) is None  # no condition: denies everyone, not a guard
    narrow = _deny(
        cond("StringNotEquals", "aws:PrincipalOrgID", "o-abc123"),
        who="arn:aws:iam::111111111111:root",
    )
    assert c.deny_guard([narrow]) is None


def test_covers_principal_not_principal() -> None:
    st = statement(
        effect="Deny",
        principals=[principal("arn:aws:iam::111111111111:user/bob")],
        not_principal=True,
    )
    assert c.covers_principal(st, USER) is True
    assert c.covers_principal(st, principal("arn:aws:iam::111111111111:user/bob")) is False
    assert c.covers_principal(st, None) is False
    unknown = statement(principals=[principal(None)])
    assert c.covers_principal(unknown, USER) is None


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [("a*", "abc", True), ("a?", "ab", True), ("a?", "abc", False), ("a[b]", "ab", False)],
)
def test_glob_match(pattern: str, value: str, expected: bool) -> None:
    assert c.glob_match(pattern, value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("arn:aws:iam::111111111111:role/ci", True),
        ("arn:aws:iam::111111111111:role/ci-*", True),
        ("arn:aws:iam::111111111111:role/*", False),
        ("arn:aws:iam::111111111111:*", False),
        ("arn:aws:iam::*:role/ci", False),
        ("*", False),
    ],
)
def test_names_principal(value: str, expected: bool) -> None:
    st = statement(conditions=[cond("ArnLike", "aws:PrincipalArn", value)])
    assert c.names_principal(st) is expected


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        ("", "", True),
        ("", "a", False),
        ("*", "", True),
        ("**", "abc", True),
        ("a*b*c", "aXbYc", True),
        ("a*b*c", "aXbY", False),
        ("*?", "", False),
        ("repo:org/*:ref:refs/heads/main", "repo:org/app:ref:refs/heads/main", True),
        ("repo:org/*:ref:refs/heads/main", "repo:org/app:ref:refs/heads/dev", False),
        ("a\\*", "a\\bc", True),  # backslash is literal
    ],
)
def test_glob_edge_cases(pattern: str, value: str, expected: bool) -> None:
    assert c.glob_match(pattern, value) is expected


def test_glob_is_not_exponential() -> None:
    from budgets import cpu_within

    pattern = "a*" * 40 + "b"
    with cpu_within(what="40 stars against 5,000 characters"):
        assert c.glob_match(pattern, "a" * 5000) is False


def test_glob_ignore_case() -> None:
    assert c.glob_match("STS:AssumeRole*", "sts:assumerolewithsaml", ignore_case=True)
    assert not c.glob_match("STS:AssumeRole*", "sts:assumerolewithsaml")


# ----------------------------------------------------------------- the STS action catalogue


def _catalogue_sts() -> list[str]:
    """STS actions as policyuniverse's catalogue lists them (its data.json)."""
    import policyuniverse

    return [f"sts:{name}" for name in policyuniverse.service_data["STS"]["actions"]]


def test_sts_actions_are_policyuniverse_catalogue() -> None:
    assert sorted(c.STS_ACTIONS) == sorted(_catalogue_sts())
    assert set(c.ASSUME_ACTIONS) == set(c.expand_sts_action("sts:AssumeRole*"))


@pytest.mark.parametrize(
    "pattern", ["sts:*", "sts:Assume*", "sts:AssumeRole*", "STS:ASSUMEROLE", "*", "sts:Get*",
                "sts:TagSession", "sts:*Token"]
)
def test_sts_expansion_matches_policyuniverse(pattern: str) -> None:
    from policyuniverse.expander_minimizer import _expand_wildcard_action

    expected = {a for a in _expand_wildcard_action(pattern) if a.startswith("sts:")}
    assert {a.lower() for a in c.expand_sts_action(pattern)} == expected


def test_sts_expansion_examples() -> None:
    assert c.expand_sts_action("sts:Assume*") == (
        "sts:AssumeRole", "sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity")
    assert c.expand_sts_action("sts:AssumeRole*") == c.expand_sts_action("sts:Assume*")
    assert len(c.expand_sts_action("sts:*")) == len(c.STS_ACTIONS) == 11
    assert c.expand_sts_action(" sts:assumerolewithsaml ") == ("sts:AssumeRoleWithSAML",)
    # IAM's ? is one character (policyuniverse expands only patterns with a *)
    assert c.expand_sts_action("sts:?etSessionToken") == ("sts:GetSessionToken",)
    assert c.expand_sts_action("iam:PassRole") == ()
    # IAM has no character classes: "[" is literal (fnmatch would expand these).
    assert c.expand_sts_action("sts:[A]ssumeRole") == ()
    assert c.expand_sts_action("sts:Assume[R]ole*") == ()
