"""AL301 backend-provider-role-mismatch: the backend and default provider of a module."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from builders import attempt, attr, model, profile
from conftest import FIXTURES, lint_fixture

from assume_lint.model import AssumeAttempt, Attr
from assume_lint.model.findings import Location, Severity
from assume_lint.model.registry import RuleContext, Trusted
from assume_lint.rules import al301_backend_provider_role_mismatch as rule

STATE = "arn:aws:iam::111111111111:role/tf-state"
DEPLOY_A = "arn:aws:iam::111111111111:role/deploy"
DEPLOY_B = "arn:aws:iam::222222222222:role/deploy"
MOD = "infra/network"


def _role(
    arn: str | None | bool, line: int, col: int, path: str, partial: str | None
) -> Attr | None:
    """An ARN Attr (None: no role; ``arn`` None: unresolved, ``partial`` its known parts)."""
    if arn is False:
        return None
    value = arn if isinstance(arn, str) else None
    return Attr(value, Location(path, line, col), "", partial)


def backend(
    arn: str | None | bool = STATE, line: int = 5, module: str | None = MOD,
    partial: str | None = None,
) -> AssumeAttempt:
    """A backend attempt at line 2 of backend.tf; role_arn at ``line`` (False = no role)."""
    role = _role(arn, line, 7, "backend.tf", partial)
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
    partial: str | None = None,
) -> AssumeAttempt:
    """A provider attempt at line 10 of providers.tf; role_arn at ``line`` (False = none)."""
    role = _role(arn, line, 5, "providers.tf", partial)
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


def run(
    *attempts: AssumeAttempt, ctx: RuleContext | None = None, **extra: Any
) -> list[tuple[str, int, Severity | None]]:
    hits = rule.check(model(attempts=attempts, **extra), ctx or RuleContext())
    return [(rule.RULE.id, h.location.line, h.severity) for h in hits]


AMBIENT_ON = RuleContext(options={"report-ambient-backend": True})
ADMIN_A = "arn:aws:iam::111111111111:role/admin"
PARTIAL_DEPLOY = "arn:aws:iam::\ue000:role/deploy"  # arn:aws:iam::${var.account}:role/deploy

CASES = [
    ("same role", [backend(ADMIN_A), provider(ADMIN_A)], []),
    (
        "same role, other path and case",
        [backend(ADMIN_A), provider("arn:aws:iam::111111111111:role/ci/ADMIN")],
        [],
    ),
    # what must still be found
    (
        "same role name in two accounts (copy-paste)",
        [backend(DEPLOY_A), provider(DEPLOY_B)],
        [("AL301", 5, None)],
    ),
    ("two accounts, neither a state role", [backend(ADMIN_A), provider(DEPLOY_B)],
     [("AL301", 5, None)]),
    ("different role, same account", [backend(ADMIN_A), provider(DEPLOY_A)],
     [("AL301", 5, None)]),
    ("provider listed first", [provider(DEPLOY_B), backend(ADMIN_A)], [("AL301", 5, None)]),
    (
        "different partition",
        [backend(ADMIN_A), provider("arn:aws-us-gov:iam::111111111111:role/admin")],
        [("AL301", 5, None)],
    ),
    (
        "partly known ARN whose known role name differs",
        [backend(ADMIN_A), provider(None, partial=PARTIAL_DEPLOY)],
        [("AL301", 5, None)],
    ),
    (
        "partly known ARN whose unknown account decides",
        [backend(DEPLOY_A), provider(None, partial=PARTIAL_DEPLOY)],
        [],
    ),
    # deliberate layouts
    ("backend role named for state", [backend(STATE), provider(DEPLOY_B)], []),
    (
        "both named for state: the name does not tell",
        [backend(STATE), provider("arn:aws:iam::222222222222:role/tf-state")],
        [("AL301", 5, None)],
    ),
    ("backend ambient, provider role (central state)", [backend(False), provider(DEPLOY_B)], []),
    ("backend role, provider ambient", [backend(ADMIN_A), provider(False)], []),
    ("unknown role vs ambient", [backend(None), provider(False)], []),
    ("both ambient", [backend(False), provider(False)], []),
    ("backend unknown", [backend(None), provider(DEPLOY_B)], []),
    ("provider unknown", [backend(ADMIN_A), provider(None)], []),
    ("malformed arn", [backend("arn:aws:iam::1:role/x"), provider(DEPLOY_B)], []),
    ("aliased provider ignored", [backend(ADMIN_A), provider(DEPLOY_B, alias="west")], []),
    (
        "aliased ignored, default compared",
        [backend(ADMIN_A), provider(DEPLOY_B, alias="west"), provider(ADMIN_A)],
        [],
    ),
    ("different modules", [backend(ADMIN_A), provider(DEPLOY_B, module="infra/app")], []),
    ("no module", [backend(ADMIN_A, module=None), provider(DEPLOY_B, module=None)], []),
    ("no backend", [provider(DEPLOY_B)], []),
    ("no provider", [backend(ADMIN_A)], []),
    (
        "remote state is not a backend",
        [attempt("remote-state", role_arn=attr(ADMIN_A), module=MOD), provider(DEPLOY_B)],
        [],
    ),
    (
        "terragrunt iam_role differs",
        [backend(ADMIN_A), provider(DEPLOY_B, kind="terragrunt")],
        [("AL301", 5, None)],
    ),
    ("terragrunt iam_role same", [backend(ADMIN_A), provider(ADMIN_A, kind="terragrunt")], []),
    (
        "terragrunt role, backend inherits it",
        [backend(False), provider(DEPLOY_B, kind="terragrunt")],
        [],
    ),
    (
        "two modules, one mismatch",
        [
            backend(ADMIN_A),
            provider(DEPLOY_B),
            backend(ADMIN_A, 30, "infra/app"),
            provider(ADMIN_A, module="infra/app"),
        ],
        [("AL301", 5, None)],
    ),
    (
        "a backend role shared by modules deploying to two accounts: inferred state account",
        [
            backend(ADMIN_A),
            provider(DEPLOY_B),
            backend(ADMIN_A, 30, "infra/app"),
            provider("arn:aws:iam::333333333333:role/deploy", module="infra/app"),
        ],
        [],
    ),
    (
        "shared backend role, but both providers in one account: no inference",
        [
            backend(ADMIN_A),
            provider(DEPLOY_B),
            backend(ADMIN_A, 30, "infra/app"),
            provider("arn:aws:iam::222222222222:role/app", module="infra/app"),
        ],
        [("AL301", 5, None), ("AL301", 30, None)],
    ),
]


@pytest.mark.parametrize(("case", "attempts", "expected"), CASES, ids=[c[0] for c in CASES])
def test_cases(
    case: str, attempts: list[AssumeAttempt], expected: list[tuple[str, int, Severity | None]]
) -> None:
    assert run(*attempts) == expected


def test_report_ambient_backend_option() -> None:
    assert run(backend(False), provider(DEPLOY_B), ctx=AMBIENT_ON) == [
        ("AL301", 2, Severity.LOW)
    ]
    [hit] = rule.check(model(attempts=[backend(False), provider(DEPLOY_B)]), AMBIENT_ON)
    assert hit.location == Location("backend.tf", 2, 1)
    assert hit.related == (Location("providers.tf", 12, 5),)
    assert "the runner's own credentials" in hit.message
    # the other direction and unknown identities stay silent even then
    assert run(backend(ADMIN_A), provider(False), ctx=AMBIENT_ON) == []
    assert run(backend(False), provider(None), ctx=AMBIENT_ON) == []
    assert rule.RULE.options == {"report-ambient-backend": False}


def test_configured_state_accounts_and_roles() -> None:
    accounts = RuleContext(trusted=Trusted(state_accounts=frozenset({"111111111111"})))
    assert run(backend(ADMIN_A), provider(DEPLOY_B), ctx=accounts) == []
    by_arn = RuleContext(trusted=Trusted(state_roles=("arn:aws:iam::*:role/adm*",)))
    assert run(backend(ADMIN_A), provider(DEPLOY_B), ctx=by_arn) == []
    by_name = RuleContext(trusted=Trusted(state_roles=("Admin",)))
    assert run(backend(ADMIN_A), provider(DEPLOY_B), ctx=by_name) == []
    other = RuleContext(trusted=Trusted(state_roles=("arn:aws:iam::*:role/tfstate",)))
    assert run(backend(ADMIN_A), provider(DEPLOY_B), ctx=other) == [("AL301", 5, None)]


def test_profile_is_unknown_unless_the_run_read_it() -> None:
    uses = attr("state", 4, 5, "backend.tf")
    by_profile = attempt(
        "backend", "s3", "terraform.backend.s3", line=2, path="backend.tf", module=MOD,
        profile=uses,
    )
    assert run(by_profile, provider(DEPLOY_B)) == []
    state = profile("state", {"role_arn": DEPLOY_A, "source_profile": "default"})
    assert run(by_profile, provider(DEPLOY_B), profiles=[state]) == [("AL301", 4, None)]
    keys_only = profile("state", {"credential_process": "/usr/local/bin/get-creds"})
    assert run(by_profile, provider(DEPLOY_B), profiles=[keys_only]) == []


def test_partial_backend_is_unknown_unless_a_backend_config_file_is_read() -> None:
    partial = attempt(
        "backend", "s3", "terraform.backend.s3", line=2, path="backend.tf", module=MOD,
        partial=True,
    )
    assert run(partial, provider(DEPLOY_B)) == []
    config = attempt(
        "backend-config", "backend config", "backend-config:x", line=3,
        path=f"{MOD}/backend-config/prod.hcl", module=MOD,
        role_arn=attr(DEPLOY_A, 3, 3, f"{MOD}/backend-config/prod.hcl"),
    )
    [hit] = rule.check(model(attempts=[partial, config, provider(DEPLOY_B)]), RuleContext())
    assert hit.location == Location(f"{MOD}/backend-config/prod.hcl", 3, 3)
    assert "backend config" in hit.message and "two accounts" in hit.message
    ambient_config = attempt(
        "backend-config", "backend config", "backend-config:y", line=1, path="y.tfbackend",
        module=MOD,
    )
    assert run(partial, ambient_config, provider(DEPLOY_B)) == []


def test_copy_paste_message_location_and_key() -> None:
    [hit] = rule.check(model(attempts=[backend(DEPLOY_A), provider(DEPLOY_B)]), RuleContext())
    assert hit.location == Location("backend.tf", 5, 7)
    assert hit.related == (Location("providers.tf", 12, 5),)
    assert (
        "the same role name deploy in two accounts (111111111111 versus 222222222222)"
        in hit.message
    )
    assert f"module {MOD}" in hit.message and "default aws provider" in hit.message
    assert hit.key == "infra/network:terraform.backend.s3~provider.aws"


def test_role_mismatch_message() -> None:
    [hit] = rule.check(model(attempts=[backend(ADMIN_A), provider(DEPLOY_A)]), RuleContext())
    assert "different roles (admin versus deploy in account 111111111111)" in hit.message


def test_terragrunt_wording() -> None:
    [hit] = rule.check(
        model(attempts=[backend(ADMIN_A), provider(DEPLOY_B, kind="terragrunt")]), RuleContext()
    )
    assert "Terragrunt iam_role" in hit.message


def test_metadata() -> None:
    assert rule.RULE.severity is Severity.MEDIUM
    assert rule.RULE.severities == (Severity.MEDIUM, Severity.LOW)


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
        [_iam_role(), backend(ADMIN_A), provider(False)],
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
        [],  # an ambient backend beside a provider role: the central-state layout
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
    assert "roles in two accounts (333333333333 versus 222222222222)" in hit.message
    assert hit.related == (Location("providers.tf", 12, 5),)


# --------------------------------------------------------------------------- realistic trees


def test_landing_zone_many_environments_sharing_one_backend() -> None:
    """Six environments write state through the state account's role while their
    providers deploy into their own member accounts (the role name is the same
    everywhere: OrganizationAccountAccessRole). Only the accidents are reported."""
    assert lint_fixture(FIXTURES / "landing_zone", "--select", "AL301") == [
        # sandbox was copied from elsewhere: its backend writes through prod's role
        ("AL301", "environments/sandbox/backend.tf", 10, "medium"),
        # a partly known provider ARN whose known role name (deploy) differs from admin
        ("AL301", "pipelines/analytics/main.tf", 6, "medium"),
        # a partial backend completed by its backend-config file: 777777777777 vs 888888888888
        ("AL301", "pipelines/payments/backend-config/prod.hcl", 7, "medium"),
        # silent: the five environments of the central state role (inferred), central-state
        # (partial backend, no config file), ambient (runner's credentials), tooling
        # (profiles the run has not read), reporting (a role named for state), forecasting
        # (role/deploy on both sides: only the provider's unknown account could differ)
    ]


def test_landing_zone_known_parts_decide_with_partition_and_account_unknown(
    tmp_path: Path,
) -> None:
    """forecasting's provider assumes arn:${partition}:iam::${var.account}:role/deploy:
    silent against the backend's .../role/deploy (the unknown account decides), but a
    backend role of another name differs for certain, whatever the unknown parts are."""
    import shutil

    tree = tmp_path / "landing_zone"
    shutil.copytree(FIXTURES / "landing_zone", tree)
    main = tree / "pipelines/forecasting/main.tf"
    main.write_text(main.read_text().replace(':role/deploy" }', ':role/terraform" }'))
    found = lint_fixture(tree, "--select", "AL301")
    assert ("AL301", "pipelines/forecasting/main.tf", 9, "medium") in found
    assert len(found) == 4


def test_landing_zone_with_report_ambient_backend(tmp_path: Path) -> None:
    config = tmp_path / "assume-lint.toml"
    config.write_text("[rules.AL301]\nreport-ambient-backend = true\n")
    found = lint_fixture(FIXTURES / "landing_zone", "--select", "AL301", "--config", str(config))
    assert [f for f in found if f[3] == "low"] == [
        ("AL301", "pipelines/ambient/main.tf", 4, "low"),
    ]


def test_landing_zone_with_configured_state_account(tmp_path: Path) -> None:
    config = tmp_path / "assume-lint.toml"
    config.write_text('[trusted]\nstate-accounts = ["123456789012"]\n')
    found = lint_fixture(FIXTURES / "landing_zone", "--select", "AL301", "--config", str(config))
    assert ("AL301", "pipelines/analytics/main.tf", 6, "medium") not in found
    assert len(found) == 2


def test_terragrunt_landing_zone_reports_a_shared_parent_once() -> None:
    """root.hcl's state role is shared by five units in three accounts (silent); team-b's
    root.hcl assumes admin while both its units assume deploy: one finding, in the parent."""
    assert lint_fixture(FIXTURES / "landing_zone_terragrunt", "--select", "AL301") == [
        ("AL301", "team-b/root.hcl", 7, "medium"),
    ]


def test_terragrunt_shared_parent_message_names_the_units() -> None:
    import contextlib
    import io
    import json

    from assume_lint.cli import main

    out = io.StringIO()
    tree = FIXTURES / "landing_zone_terragrunt" / "team-b"
    with contextlib.redirect_stdout(out):
        main([str(tree), "-f", "json", "--no-config", "--no-cache", "--select", "AL301"])
    [finding] = json.loads(out.getvalue())["findings"]
    prefix = "tests/fixtures/landing_zone_terragrunt/team-b"
    assert f"shared by 2 units ({prefix}/app, {prefix}/db)" in finding["message"]
    assert [(r["path"], r["line"]) for r in finding["related"]] == [
        (f"{prefix}/app/terragrunt.hcl", 5),
        (f"{prefix}/db/terragrunt.hcl", 5),
    ]
    assert finding["fingerprint"]
