"""The caller-side predicates: durations, example keys, masking (ARNs: tests/test_arn.py)."""

from __future__ import annotations

import pytest

from assume_lint.rules._helpers_callers import (
    is_example_value,
    is_placeholder,
    is_temporary_key,
    mask,
    parse_duration,
)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("3600", 3600.0),
        (" 900 ", 900.0),
        ("-5", -5.0),
        ("1h", 3600.0),
        ("1h30m", 5400.0),
        ("15m", 900.0),
        ("899s", 899.0),
        ("1.5h", 5400.0),
        ("500ms", 0.5),
        ("", None),
        ("one hour", None),
        ("1x", None),
        ("1h foo", None),
        (None, None),
    ],
)
def test_parse_duration(text: str | None, seconds: float | None) -> None:
    assert parse_duration(text) == seconds


def test_key_predicates() -> None:
    assert is_example_value("AKIAIOSFODNN7EXAMPLE")
    assert is_example_value("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    assert not is_example_value("AKIA2E3F4G5H6J7K2L3M")
    assert is_temporary_key("ASIAIOSFODNN7EXAMPLE")
    assert not is_temporary_key("AKIAIOSFODNN7EXAMPLE")
    assert is_placeholder("") and is_placeholder("   ") and is_placeholder(None)
    assert not is_placeholder("AKIAXXXXXXXXXXXXXXXX")
    assert mask("AKIAIOSFODNN7EXAMPLE") == "AKIA************MPLE"


def test_find_role_sees_the_variants_of_one_role_not_an_ambiguity() -> None:
    """A CloudFormation role evaluated several ways (Fn::If branches, defaults and their
    witness) is one role: every variant is matched; two different roles stay ambiguous."""
    from dataclasses import replace

    from builders import model, role

    from assume_lint.model.findings import Variant
    from assume_lint.model.roles import find_role, find_role_variants

    base = role(address="t.yaml#R", name="deploy")
    variants = [
        replace(base, variant=Variant("t.yaml#R", "when A is true")),
        replace(base, variant=Variant("t.yaml#R", "when A is false")),
        replace(base, variant=Variant("t.yaml#R", "when A is false", witness=True)),
    ]
    arn = "arn:aws:iam::111111111111:role/deploy"
    assert find_role_variants(model(variants), arn) == variants
    assert find_role(model(variants), arn) == variants[0]
    other = role(address="other.yaml#R", name="deploy")
    assert find_role_variants(model([*variants, other]), arn) == []
    assert find_role(model([*variants, other]), arn) is None
