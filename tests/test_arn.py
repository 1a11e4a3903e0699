"""Partly known ARNs: parsing, and comparisons that answer only what is certain."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assume_lint.arn import could_equal, fits, parse_arn, parse_role_arn, same_role
from assume_lint.model import HOLE
from assume_lint.rules._helpers_callers import parse_role_arn as literal_role_arn

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
    """On literals the partial-aware parser agrees with the strict regex it replaces."""
    new, old = parse_role_arn(text), literal_role_arn(text)
    assert (new.identity if new else None) == (old.identity if old else None)


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
