"""AL301 backend-provider-role-mismatch: the backend and default provider of a module."""

from __future__ import annotations

import pytest
from builders import attempt, attr, model

from assume_lint.findings import Location, Severity
from assume_lint.model import AssumeAttempt
from assume_lint.registry import RuleContext
from assume_lint.rules import al301_backend_provider_role_mismatch as rule

STATE = "arn:aws:iam::111111111111:role/tf-state"
DEPLOY_A = "arn:aws:iam::111111111111:role/deploy"
DEPLOY_B = "arn:aws:iam::222222222222:role/deploy"
MOD = "infra/network"


def backend(
    arn: str | None | bool = STATE, line: int = 5, module: str | None = MOD
) -> AssumeAttempt:
    """A backend attempt at line 2 of backend.tf; role_arn at ``line`` (False = no role)."""
    role = (
        None if arn is False else attr(arn if isinstance(arn, str) else None, line, 7, "backend.tf")
    )
    return attempt(
        "backend",
        "s3",
        "terraform.backend.s3",
        line=2,
        path="backend.tf",
        role_arn=role,
        module=module,
    )


def provider(
    arn: str | None | bool = STATE,
    line: int = 12,
    alias: str | None = None,
    module: str | None = MOD,
    kind: str = "provider",
) -> AssumeAttempt:
    """A provider attempt at line 10 of providers.tf; role_arn at ``line`` (False = none)."""
    role = (
        None
        if arn is False
        else attr(arn if isinstance(arn, str) else None, line, 5, "providers.tf")
    )
    address = f"provider.aws.{alias}" if alias else "provider.aws"
    return attempt(
        kind,
        "aws",
        address,
        line=10,
        path="providers.tf",
        role_arn=role,
        alias=alias,
        module=module,
    )


def run(*attempts: AssumeAttempt) -> list[tuple[str, int, Severity | None]]:
    hits = rule.check(model(attempts=attempts), RuleContext())
    return [(rule.RULE.id, h.location.line, h.severity) for h in hits]


CASES = [
    ("same role", [backend(STATE), provider(STATE)], []),
    (
        "same role, other path and case",
        [backend(STATE), provider("arn:aws:iam::111111111111:role/ci/TF-State")],
        [],
    ),
    ("different account", [backend(STATE), provider(DEPLOY_B)], [("AL301", 5, None)]),
    ("different role, same account", [backend(STATE), provider(DEPLOY_A)], [("AL301", 5, None)]),
    ("provider listed first", [provider(DEPLOY_B), backend(STATE)], [("AL301", 5, None)]),
    (
        "different partition",
        [backend(STATE), provider("arn:aws-us-gov:iam::111111111111:role/tf-state")],
        [("AL301", 5, None)],
    ),
    (
        "backend ambient, provider role",
        [backend(False), provider(DEPLOY_B)],
        [("AL301", 2, Severity.LOW)],
    ),
    (
        "backend role, provider ambient",
        [backend(STATE), provider(False)],
        [("AL301", 5, Severity.LOW)],
    ),
    ("unknown role vs ambient", [backend(None), provider(False)], [("AL301", 5, Severity.LOW)]),
    ("both ambient", [backend(False), provider(False)], []),
    ("backend unknown", [backend(None), provider(DEPLOY_B)], []),
    ("provider unknown", [backend(STATE), provider(None)], []),
    ("malformed arn", [backend("arn:aws:iam::1:role/x"), provider(DEPLOY_B)], []),
    ("aliased provider ignored", [backend(STATE), provider(DEPLOY_B, alias="west")], []),
    (
        "aliased ignored, default compared",
        [backend(STATE), provider(DEPLOY_B, alias="west"), provider(STATE)],
        [],
    ),
    ("different modules", [backend(STATE), provider(DEPLOY_B, module="infra/app")], []),
    ("no module", [backend(STATE, module=None), provider(DEPLOY_B, module=None)], []),
    ("no backend", [provider(DEPLOY_B)], []),
    ("no provider", [backend(STATE)], []),
    (
        "remote state is not a backend",
        [attempt("remote-state", role_arn=attr(STATE), module=MOD), provider(DEPLOY_B)],
        [],
    ),
    (
        "terragrunt iam_role differs",
        [backend(STATE), provider(DEPLOY_B, kind="terragrunt")],
        [("AL301", 5, None)],
    ),
    ("terragrunt iam_role same", [backend(STATE), provider(STATE, kind="terragrunt")], []),
    (
        "terragrunt role, backend inherits it",
        [backend(False), provider(DEPLOY_B, kind="terragrunt")],
        [],
    ),
    (
        "two modules, one mismatch",
        [
            backend(STATE),
            provider(DEPLOY_B),
            backend(STATE, 30, "infra/app"),
            provider(STATE, module="infra/app"),
        ],
        [("AL301", 5, None)],
    ),
]


@pytest.mark.parametrize(("case", "attempts", "expected"), CASES, ids=[c[0] for c in CASES])
def test_cases(
    case: str, attempts: list[AssumeAttempt], expected: list[tuple[str, int, Severity | None]]
) -> None:
    assert run(*attempts) == expected


def test_account_mismatch_location_related_and_message() -> None:
    [hit] = rule.check(model(attempts=[backend(STATE), provider(DEPLOY_B)]), RuleContext())
    assert hit.location == Location("backend.tf", 5, 7)
    assert hit.related == (Location("providers.tf", 12, 5),)
    assert "account 111111111111 versus 222222222222" in hit.message
    assert f"module {MOD}" in hit.message and "default aws provider" in hit.message
    assert hit.key == "infra/network:terraform.backend.s3~provider.aws"


def test_role_mismatch_message() -> None:
    [hit] = rule.check(model(attempts=[backend(STATE), provider(DEPLOY_A)]), RuleContext())
    assert "role tf-state versus deploy in account 111111111111" in hit.message


def test_ambient_locations_and_messages() -> None:
    [hit] = rule.check(model(attempts=[backend(False), provider(DEPLOY_B)]), RuleContext())
    assert hit.location == Location("backend.tf", 2, 1)
    assert hit.related == (Location("providers.tf", 12, 5),)
    assert "the S3 backend uses ambient credentials" in hit.message
    [hit] = rule.check(model(attempts=[backend(STATE), provider(False)]), RuleContext())
    assert hit.location == Location("backend.tf", 5, 7)
    assert hit.related == (Location("providers.tf", 10, 1),)
    assert "the default aws provider uses ambient credentials" in hit.message


def test_terragrunt_wording() -> None:
    [hit] = rule.check(
        model(attempts=[backend(STATE), provider(DEPLOY_B, kind="terragrunt")]), RuleContext()
    )
    assert "Terragrunt iam_role" in hit.message


def test_metadata() -> None:
    assert rule.RULE.severity is Severity.MEDIUM


# --------------------------------------------------------------------------- Terragrunt units
# In a unit with an iam_role, a side that assumes no role of its own acts as the iam_role.

TG_ROLE = "arn:aws:iam::333333333333:role/tg"


def _iam_role(arn: str | None = TG_ROLE, module: str | None = MOD) -> AssumeAttempt:
    role = attr(arn, 1, 1, "terragrunt.hcl")
    return attempt(
        "terragrunt", "iam_role", "iam_role", 1, "terragrunt.hcl", role_arn=role, module=module
    )


TERRAGRUNT_CASES = [
    (
        "backend inherits iam_role, generated provider differs",
        [_iam_role(), backend(False), provider(DEPLOY_B)],
        [("AL301", 2, None)],
    ),
    (
        "backend inherits iam_role, provider assumes the same role",
        [_iam_role(), backend(False), provider(TG_ROLE)],
        [],
    ),
    (
        "provider inherits iam_role, backend role differs",
        [_iam_role(), backend(STATE), provider(False)],
        [("AL301", 5, None)],  # once: the provider pair repeats the iam_role pair
    ),
    ("both inherit iam_role", [_iam_role(), backend(False), provider(False)], []),
    (
        "unknown iam_role keeps ambient silent",
        [_iam_role(None), backend(False), provider(DEPLOY_B)],
        [],
    ),
    (
        "iam_role of another unit is not inherited",
        [_iam_role(module="other"), backend(False), provider(DEPLOY_B)],
        [("AL301", 2, Severity.LOW)],
    ),
]


@pytest.mark.parametrize(
    ("case", "attempts", "expected"), TERRAGRUNT_CASES, ids=[c[0] for c in TERRAGRUNT_CASES]
)
def test_terragrunt_inherited_role(
    case: str, attempts: list[AssumeAttempt], expected: list[tuple[str, int, Severity | None]]
) -> None:
    assert run(*attempts) == expected


def test_inherited_role_message_names_both_accounts() -> None:
    [hit] = rule.check(
        model(attempts=[_iam_role(), backend(False), provider(DEPLOY_B)]), RuleContext()
    )
    assert "account 333333333333 versus 222222222222" in hit.message
    assert hit.related == (Location("providers.tf", 12, 5),)
