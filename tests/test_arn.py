"""Partly known ARNs: parsing, and comparisons that answer only what is certain."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assume_lint.model import HOLE
from assume_lint.model.arn import (
    RoleArn,
    account_of,
    could_equal,
    fits,
    iam_resource,
    is_mfa_device_arn,
    is_wellformed_arn,
    literal_role_arn,
    parse_arn,
    parse_role_arn,
    same_role,
)

H = HOLE


def test_parse_arn_parts_and_holes() -> None:
    arn = parse_arn(f"arn:aws:iam::{H}:oidc-provider/token.actions.githubusercontent.com")
    assert arn is not None and not arn.known
    assert (arn.service, arn.account, arn.resource) == (
        "iam", H, "oidc-provider/token.actions.githubusercontent.com")
    assert parse_arn("arn:aws:iam::123456789012:root") is not None
    assert parse_arn("arn:aws:iam::123456789012:root").known  # type: ignore[union-attr]
    assert parse_arn(f"arn:aws:iam::{H}") is None  # a hole standing for account and resource
    assert parse_arn("not-an-arn") is None and parse_arn(None) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("arn:aws:iam::123456789012:role/deploy", ("aws", "123456789012", "/", "deploy")),
    ("arn:aws:iam::123456789012:role/ci/gh/deploy", ("aws", "123456789012", "/ci/gh/", "deploy")),
    (f"arn:aws:iam::{H}:role/deploy", ("aws", H, "/", "deploy")),
    (f"arn:{H}:iam::{H}:role/{H}-deploy", (H, H, "/", f"{H}-deploy")),
    (f"arn:aws:iam::{H}:role/{H}/x", ("aws", H, f"/{H}/", "x")),
])
def test_parse_role_arn(text: str, expected: tuple[str, str, str, str]) -> None:
    arn = parse_role_arn(text)
    assert arn is not None
    assert (arn.partition, arn.account, arn.path, arn.name) == expected


@pytest.mark.parametrize("text", [
    "arn:aws:iam::12345678901:role/x",  # 11 digits
    "arn:aws:iam::123456789012:role//x",
    "arn:aws:iam::123456789012:user/x",
    "arn:aws:iam:us-east-1:123456789012:role/x",
    "arn:aws:sts::123456789012:assumed-role/x/s",
    f"arn:aws:iam::{H}:user/x",  # the known part already says: not a role
    f"arn:aws:iam::12{H}x:role/x",  # an account holds digits only
])
def test_not_role_arns(text: str) -> None:
    assert parse_role_arn(text) is None


_ROLEISH = st.from_regex(
    r"\A arn:aws(-us-gov)?:iam:(us-east-1)?:\d{11,13}:(role|user)/([a-z/]{0,6})[a-z@=.]{0,5} \Z"
    .replace(" ", ""))


@settings(max_examples=300, derandomize=True)
@given(_ROLEISH)
def test_literal_role_arns_parse_as_before(text: str) -> None:
    """On literals the partial-aware parser agrees with the strict regex it replaced (the
    rules' own role-ARN parser before there was one ARN module)."""
    new, old = parse_role_arn(text), _STRICT_ROLE_ARN.match(text.strip())
    assert (new.identity if new else None) == (
        (old["partition"], old["account"], old["name"].lower()) if old else None)
    assert literal_role_arn(text) == new


_STRICT_ROLE_ARN = re.compile(
    r"^arn:(?P<partition>aws(?:-[a-z]+)*):iam::(?P<account>\d{12}):role/"
    r"(?P<path>(?:[^/\s]+/)*)(?P<name>[\w+=,.@-]+)$"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("arn:aws:iam::111111111111:role/deploy", RoleArn("aws", "111111111111", "/", "deploy")),
        (
            "arn:aws:iam::111111111111:role/team/ci/deploy",
            RoleArn("aws", "111111111111", "/team/ci/", "deploy"),
        ),
        (
            "arn:aws-us-gov:iam::222222222222:role/x",
            RoleArn("aws-us-gov", "222222222222", "/", "x"),
        ),
        (
            " arn:aws-cn:iam::333333333333:role/a.b@c ",
            RoleArn("aws-cn", "333333333333", "/", "a.b@c"),
        ),
        ("arn:aws:iam::111111111111:user/deploy", None),
        ("arn:aws:iam::1111:role/deploy", None),
        ("arn:aws:iam::111111111111:role/", None),
        ("arn:aws:sts::111111111111:assumed-role/deploy/s", None),
        (f"arn:aws:iam::{H}:role/deploy", None),  # partly known: not a literal
        ("deploy", None),
        ("", None),
        (None, None),
    ],
)
def test_literal_role_arn(text: str | None, expected: RoleArn | None) -> None:
    assert literal_role_arn(text) == expected


def test_role_identity_ignores_path_and_case() -> None:
    a = literal_role_arn("arn:aws:iam::111111111111:role/path/Deploy")
    b = literal_role_arn("arn:aws:iam::111111111111:role/deploy")
    assert a is not None and b is not None
    assert a.identity == b.identity


def test_account_of_any_arn_or_bare_id() -> None:
    assert account_of("arn:aws:iam::111111111111:role/deploy") == "111111111111"
    assert account_of("arn:aws:lambda:eu-west-1:111111111111:function:f") == "111111111111"
    assert account_of("111111111111") == "111111111111"
    assert account_of("arn:aws:s3:::bucket") is None  # no account
    assert account_of("arn:aws:iam::1111:root") is None
    assert account_of("arn:foo:iam::111111111111:root") is None  # no such partition
    assert account_of("not-an-arn") is None and account_of(None) is None


@pytest.mark.parametrize(("text", "kind", "expected"), [
    ("arn:aws:iam::111111111111:root", "root", ("111111111111", "")),
    (" arn:aws-cn:iam::111111111111:user/ops/alice ", "user", ("111111111111", "ops/alice")),
    ("arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com",
     "oidc-provider", ("111111111111", "token.actions.githubusercontent.com")),
    (f"arn:aws:iam::{H}:oidc-provider/gitlab.com", "oidc-provider", (H, "gitlab.com")),
    ("arn:aws:iam::111111111111:saml-provider/okta", "saml-provider", ("111111111111", "okta")),
    ("arn:aws:iam::111111111111:user/", "user", None),  # no name
    ("arn:aws:iam::111111111111:user/alice", "role", None),
    ("arn:aws:iam:eu-west-1:111111111111:root", "root", None),  # IAM has no region
    ("arn:aws:sts::111111111111:root", "root", None),
    (f"arn:{H}:iam::111111111111:root", "root", None),  # the partition decides: unknown
    ("arn:aws:iam::111111111111:rootx", "root", None),
])
def test_iam_resource(text: str, kind: str, expected: tuple[str, str] | None) -> None:
    assert iam_resource(text, kind) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("arn:aws:iam::123456789012:mfa/alice", True),
    ("arn:aws-us-gov:iam::123456789012:mfa/team/alice", True),
    ("arn:aws:iam::123456789012:mfa/", False),
    ("arn:aws:iam::12345678901:mfa/alice", False),
    ("arn:aws:iam::123456789012:role/alice", False),
    ("GAHT12345678", False),
])
def test_is_mfa_device_arn(text: str, expected: bool) -> None:
    assert is_mfa_device_arn(text) is expected


@pytest.mark.parametrize(("pattern", "text", "expected"), [
    (f"a{H}c", "abc", True),
    (f"a{H}c", "ac", True),
    (f"a{H}c", "ab", False),
    (f"{H}b{H}", "abc", True),
    (f"a{H}b{H}c", "aXbYc", True),
    (f"a{H}b{H}c", "acb", False),
    (f"ab{H}ba", "aba", False),  # prefix and suffix may not overlap
    ("abc", "abc", True),
])
def test_fits(pattern: str, text: str, expected: bool) -> None:
    assert fits(pattern, text) is expected


def test_fits_is_linear_on_long_adversarial_input() -> None:
    pattern = H + H.join("a" * 2000) + "b"
    assert fits(pattern, "a" * 50_000) is False


def test_could_equal_both_partial_compares_known_ends() -> None:
    assert could_equal(f"x{H}", f"{H}y") is True
    assert could_equal(f"x{H}", f"y{H}") is False
    assert could_equal(f"{H}-prod", f"{H}-stage") is False


@pytest.mark.parametrize(("a", "b", "expected"), [
    ("arn:aws:iam::111111111111:role/deploy", "arn:aws:iam::111111111111:role/Deploy", True),
    ("arn:aws:iam::111111111111:role/ci/deploy", "arn:aws:iam::111111111111:role/deploy", True),
    ("arn:aws:iam::111111111111:role/deploy", "arn:aws:iam::222222222222:role/deploy", False),
    # partly known: the known role names already differ
    (f"arn:aws:iam::{H}:role/deploy", "arn:aws:iam::111111111111:role/other", False),
    # partly known: the unknown account decides
    (f"arn:aws:iam::{H}:role/deploy", "arn:aws:iam::111111111111:role/deploy", None),
    (f"arn:aws:iam::{H}:role/{H}", "arn:aws:iam::111111111111:role/deploy", None),
    (f"arn:aws:iam::11111111{H}:role/deploy", "arn:aws:iam::222222222222:role/deploy", False),
    ("not an arn", "arn:aws:iam::111111111111:role/deploy", None),
    (None, "arn:aws:iam::111111111111:role/deploy", None),
])
def test_same_role(a: str | None, b: str, expected: bool | None) -> None:
    assert same_role(a, b) is expected
    assert same_role(b, a) is expected


_ARNISH = st.from_regex(
    r"\A(arn|ARN):(aws|aws-cn|)?:(iam|sts|s3|)?:(us-east-1|\*|)?:(\d{12}|\d{3}|\*|aws|cloudfront|x|)"
    r"(:[a-z/*:-]{0,8})?\Z")


@settings(max_examples=400, derandomize=True, deadline=None)  # the first imports policyuniverse
@given(_ARNISH)
def test_wellformed_arns_as_policyuniverse_parses_them(text: str) -> None:
    """Our structural check accepts what policyuniverse's ARN parser accepts (the
    reference for "is this an ARN at all"), without importing it at run time."""
    from policyuniverse.arn import ARN

    assert is_wellformed_arn(text) is not ARN(text).error
