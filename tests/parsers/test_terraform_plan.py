"""Terraform plan JSON (terraform show -json) into the model: detection, values, unknown and
sensitive values, addresses and exact locations in the plan file."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

from assume_lint.files.sources import SourceFile, read_source
from assume_lint.model import Attr, Model, Planned, Role
from assume_lint.model.findings import Location
from assume_lint.parsers import SNIFF_JSON, detect_by_path, is_plan, sniff
from assume_lint.parsers.terraform_plan import (
    module_calls,
    parse_file,
    parse_unit,
    split_module,
    without_keys,
)

FIXTURES = Path(__file__).parent / "fixtures" / "terraform_plan"


def _read(path: Path, rel: str) -> SourceFile:
    source = read_source(path, rel)
    assert isinstance(source, SourceFile)
    return source


def _fixture(name: str) -> SourceFile:
    return _read(FIXTURES / name, name)


def _src(text: str, rel: str = "plans/tfplan.json") -> SourceFile:
    return SourceFile(Path(rel), rel, text)


def _role(model: Model, address: str) -> Role:
    found = [r for r in model.roles if r.address == address]
    assert len(found) == 1, [r.address for r in model.roles]
    return found[0]


def _at(source: SourceFile, loc: Location) -> str:
    """The text a one-line location starts at."""
    line = source.text.split("\n")[loc.line - 1]
    return line[loc.column - 1 :]


def _plan(changes: list[dict[str, object]], **more: object) -> str:
    return json.dumps(
        {"format_version": "1.2", "terraform_version": "1.5.7", "resource_changes": changes, **more}
    )


def _role_change(
    after: dict[str, object], unknown: object = None, sensitive: object = None, name: str = "r"
) -> dict[str, object]:
    return {
        "address": f"aws_iam_role.{name}",
        "mode": "managed",
        "type": "aws_iam_role",
        "name": name,
        "change": {
            "actions": ["create"],
            "before": None,
            "after": after,
            "after_unknown": unknown or {},
            "after_sensitive": sensitive or {},
        },
    }


TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": "*"}}],
    }
)


# --------------------------------------------------------------------------- detection


@pytest.mark.parametrize(
    "name", ["tfplan.json", "plan.json", "prod-2024-05-02.json", "nested/dir/whatever.json"]
)
def test_a_plan_is_recognised_by_content_whatever_its_name(name: str) -> None:
    text = _fixture("ci-artifact/plan.json").text
    assert detect_by_path(name) == SNIFF_JSON
    assert sniff(SNIFF_JSON, text) == "terraform-plan"


@pytest.mark.parametrize(
    "text",
    [
        '{"format_version":"1.0","terraform_version":"1.5.7","values":{"root_module":{}}}',
        '{"format_version":"1.0","provider_schemas":{}}',
        '{"format_version":"1.0","valid":true,"error_count":0,"diagnostics":[]}',
        '{"name":"x","planned_values":1,"format_version":"1.0"}',  # not Terraform's order
        '{"dependencies":{"resource_changes":"^1.0.0"}}',
        '[{"format_version":"1.0","planned_values":{}}]',
    ],
)
def test_state_schema_and_other_json_are_not_plans(text: str) -> None:
    assert not is_plan(text)
    assert sniff(SNIFF_JSON, text) != "terraform-plan"


def test_the_sniff_is_a_prefix_check_first() -> None:
    """A large unrelated JSON file is refused on its first bytes, not searched."""
    text = '{"name": "app", ' + '"x": 1, ' * 200_000 + '"planned_values": 1}'
    assert not is_plan(text)  # planned_values is present, the prefix is not


def test_a_plan_holding_a_cloudformation_template_is_still_a_plan() -> None:
    body = json.dumps({"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}})
    text = _plan(
        [
            {
                "address": "aws_cloudformation_stack.s",
                "mode": "managed",
                "type": "aws_cloudformation_stack",
                "name": "s",
                "change": {"actions": ["create"], "after": {"template_body": body}},
            }
        ]
    )
    assert sniff(SNIFF_JSON, text) == "terraform-plan"


# --------------------------------------------------------------------------- addresses


def test_module_addresses_with_instance_keys() -> None:
    address = 'module.team["a.b]"].module.role[0].aws_iam_role.this["ci \\"x\\""]'
    module, rest = split_module(address)
    assert module == 'module.team["a.b]"].module.role[0]'
    assert rest == 'aws_iam_role.this["ci \\"x\\""]'
    assert module_calls(module) == ("team", "role")
    assert without_keys(address) == "module.team.module.role.aws_iam_role.this"
    assert split_module("aws_iam_role.x") == ("", "aws_iam_role.x")
    assert module_calls("") == ()
    assert module_calls("not.a.module") is None


# --------------------------------------------------------------------------- real plans


@pytest.mark.parametrize(
    "folder",
    ["plan_with_iam_policies", "plan_with_iam_data_block", "plan_with_tf_modules_for_enrichment"],
)
def test_real_plans_parse_without_problems(shared: Path, folder: str) -> None:
    path = shared / "fixtures" / "terraform-plan" / folder / "tfplan.json"
    source = _read(path, f"{folder}/tfplan.json")
    assert sniff(SNIFF_JSON, source.text) == "terraform-plan"
    model = parse_unit([source])
    assert model.problems == []


def test_real_plan_rendered_trust_policy(shared: Path) -> None:
    """Terraform 1.1.5's plan of a jsonencode trust policy: the string is read, and each
    part located at its characters inside the string (line 218 of the indented file)."""
    rel = "plan_with_iam_policies/tfplan.json"
    source = _read(shared / "fixtures" / "terraform-plan" / rel, rel)
    model = parse_file(source)
    role = _role(model, "aws_iam_role.example")
    assert role.location == Location(rel, 207, 18, 207, 40)
    assert role.trust_known and role.structure_errors == ()
    assert role.name is None  # unknown until apply (name_prefix)
    assert role.trust_location == Location(rel, 218, 11, 218, 31)
    assert role.max_session_duration == Attr("3600", Location(rel, 221, 11, 221, 33), "3600")
    (statement,) = role.statements
    (principal,) = statement.principals
    assert (principal.kind, principal.value) == ("Service", "lambda.amazonaws.com")
    assert principal.location == Location(rel, 218, 129, 218, 153)
    assert _at(source, principal.location).startswith('\\"lambda.amazonaws.com\\"')
    assert [a.value for a in statement.actions] == ["sts:AssumeRole"]
    assert [p.kind for p in model.planned] == ["data", "role", "provider"]
    assert model.planned[1] == Planned(
        "role", "aws_iam_role.example", Location(rel, 206, 5, 244, 6), ".", "aws_iam_role.example"
    )


def test_real_plan_module_provider_requirement_is_no_caller(shared: Path) -> None:
    """``module.x:aws`` with only a version constraint is a requirement, not a block."""
    rel = "plan_with_tf_modules_for_enrichment/tfplan.json"
    model = parse_file(_read(shared / "fixtures" / "terraform-plan" / rel, rel))
    assert [(a.address, a.role_arn) for a in model.attempts] == [("provider.aws", None)]
    assert model.roles == []


# --------------------------------------------------------------------------- modules, for_each


def test_module_instances_and_registry_modules() -> None:
    source = _fixture("modules_for_each/tfplan.json")
    model = parse_file(source)
    assert model.problems == []
    assert sorted(r.address for r in model.roles) == [
        'module.ci_roles["app"].aws_iam_role.this',
        'module.ci_roles["infra"].aws_iam_role.this',
        "module.vendor_access.aws_iam_role.this[0]",
    ]
    app = _role(model, 'module.ci_roles["app"].aws_iam_role.this')
    assert app.name == "ci-app"
    (principal,) = app.statements[0].principals
    assert principal.value == "arn:aws:iam::444455556666:root"  # the pipeline's -var
    assert principal.location.line == 1
    assert _at(source, principal.location).startswith('\\"arn:aws:iam::444455556666:root\\"')
    assert app.statements[0].sid == "TrustTooling"
    roles = {p.address: p for p in model.planned if p.kind == "role"}
    assert roles['module.ci_roles["infra"].aws_iam_role.this'].module_dir == "modules/ci-role"
    assert roles['module.ci_roles["infra"].aws_iam_role.this'].local == "aws_iam_role.this"
    assert roles["module.vendor_access.aws_iam_role.this[0]"].module_dir is None  # registry
    (provider,) = model.attempts
    assert provider.role_arn is not None and provider.session_name is not None
    assert provider.role_arn.value == "arn:aws:iam::111122223333:role/terraform-deploy"
    assert _at(source, provider.role_arn.location).startswith('"role_arn"')
    assert provider.session_name.value == "terraform"


# --------------------------------------------------------------------------- deferred data source


def test_deferred_policy_document_is_read_with_its_unknown_parts() -> None:
    rel = "deferred_read/tfplan.json"
    source = _fixture(rel)
    model = parse_file(source)
    role = _role(model, "aws_iam_role.deploy")
    assert role.trust_known and role.structure_errors == ()
    vendor, github = role.statements
    assert vendor.sid == "Vendor" and not vendor.unknown_principals
    (principal,) = vendor.principals
    assert principal.value == "arn:aws:iam::999988887777:root"
    assert principal.location.path == rel
    assert _at(source, principal.location).startswith('"arn:aws:iam::999988887777:root"')
    document = next(p for p in model.planned if p.kind == "data")
    assert document.address == "data.aws_iam_policy_document.deploy_trust"
    assert document.span.line <= principal.location.line <= (document.span.end_line or 0)
    # the OIDC provider's ARN is known after apply: the principal is unknown, not guessed
    assert github.sid == "GitHubActions" and github.unknown_principals
    assert github.principals == ()
    assert [c.key for c in github.conditions] == [
        "token.actions.githubusercontent.com:aud",
        "token.actions.githubusercontent.com:sub",
    ]


def test_unknown_policy_linked_to_nothing_stays_unknown() -> None:
    """An unknown policy is taken from a document only when the role's expression refers
    to that document and nothing else."""
    after = {"name": "r"}
    change = _role_change(after, unknown={"assume_role_policy": True})
    config = {
        "root_module": {
            "resources": [
                {
                    "address": "aws_iam_role.r",
                    "mode": "managed",
                    "type": "aws_iam_role",
                    "name": "r",
                    "expressions": {
                        "assume_role_policy": {
                            "references": [
                                "data.aws_iam_policy_document.a.json",
                                "data.aws_iam_policy_document.a",
                                "var.extra",
                            ]
                        }
                    },
                }
            ]
        }
    }
    document = {
        "address": "data.aws_iam_policy_document.a",
        "mode": "data",
        "type": "aws_iam_policy_document",
        "name": "a",
        "change": {
            "actions": ["read"],
            "after": {
                "statement": [
                    {
                        "actions": ["sts:AssumeRole"],
                        "effect": "Allow",
                        "principals": [{"type": "AWS", "identifiers": ["*"]}],
                    }
                ]
            },
            "after_unknown": {"json": True},
        },
    }
    model = parse_file(_src(_plan([change, document], configuration=config)))
    (role,) = model.roles
    assert not role.trust_known and role.statements == ()


# --------------------------------------------------------------------------- unknown, sensitive


def _make_plans() -> ModuleType:
    """The fixture generator (its constants are the sensitive values it wrote)."""
    spec = importlib.util.spec_from_file_location("make_plans", FIXTURES / "make_plans.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_fixtures_are_what_the_generator_writes(tmp_path: Path) -> None:
    made = _make_plans()
    made.HERE = tmp_path
    for folder in ("modules_for_each", "deferred_read", "ci-artifact"):
        (tmp_path / folder).mkdir()
    made.main()
    for path in sorted(tmp_path.rglob("*.json")):
        rel = path.relative_to(tmp_path)
        assert path.read_text() == (FIXTURES / rel).read_text(), rel


def test_unknown_and_sensitive_values_are_never_read() -> None:
    made = _make_plans()
    model = parse_file(_fixture("ci-artifact/plan.json"))
    assert model.problems == []
    computed = _role(model, "aws_iam_role.computed_trust")
    assert not computed.trust_known and computed.statements == ()
    sensitive = _role(model, "aws_iam_role.sensitive_trust")
    assert not sensitive.trust_known and sensitive.statements == ()
    hidden = _role(model, "aws_iam_role.hidden_name")
    assert hidden.name is None and hidden.label == "aws_iam_role.hidden_name"
    assert hidden.trust_known  # only its name is sensitive
    assert set(model.sensitive) == {
        made.SENSITIVE_TRUST,
        made.SENSITIVE_NAME,
        made.DB_PASSWORD,
        made.SECRET_KEY,
    }
    assert "aws_iam_role.retired" not in {r.address for r in model.roles}  # deleted


def test_existing_role_takes_its_account_from_the_planned_arn() -> None:
    model = parse_file(_fixture("ci-artifact/plan.json"))
    audit = _role(model, "aws_iam_role.audit")
    assert (audit.arn, audit.account) == ("arn:aws:iam::210987654321:role/audit", "210987654321")


@pytest.mark.parametrize(
    ("marks", "shown"),
    [
        ({"after_unknown": {"max_session_duration": True}}, "(known after apply)"),
        ({"after_sensitive": {"max_session_duration": True}}, "(sensitive value)"),
    ],
)
def test_sensitive_or_unknown_duration_is_unknown(marks: dict[str, object], shown: str) -> None:
    change = _role_change({"name": "r", "assume_role_policy": TRUST, "max_session_duration": 7200})
    change["change"].update(marks)  # type: ignore[attr-defined]
    model = parse_file(_src(_plan([change])))
    (role,) = model.roles
    assert role.max_session_duration is not None
    assert (role.max_session_duration.value, role.max_session_duration.source) == (None, shown)
    assert model.sensitive == []  # 7200 is no secret: too short to mask everywhere


def test_provider_static_keys_and_unknown_role() -> None:
    source = _fixture("ci-artifact/plan.json")
    model = parse_file(source)
    keys = [(c.kind, c.field, c.value, c.from_variable) for c in model.credentials]
    assert keys == [
        ("access-key-id", "access_key", "AKIAQ4TCSGWJ7HV2PXLM", False),
        ("secret-key", "secret_key", None, True),
    ]
    (attempt,) = model.attempts
    assert attempt.kind == "provider" and attempt.module == "ci-artifact/plan.json"
    assert attempt.role_arn is not None and attempt.role_arn.value is None
    assert attempt.role_arn.source == "var.deploy_role_arn"
    assert attempt.session_name is not None and attempt.session_name.value == "ci-plan"
    assert _at(source, attempt.location).startswith('{"role_arn"')


def test_provider_duration_in_seconds() -> None:
    config = {
        "provider_config": {
            "aws.west": {
                "name": "aws",
                "alias": "west",
                "expressions": {
                    "assume_role": [
                        {
                            "role_arn": {"constant_value": "arn:aws:iam::111111111111:role/x"},
                            "duration": {"constant_value": "1h30m"},
                        }
                    ]
                },
            }
        },
        "root_module": {},
    }
    model = parse_file(_src(_plan([], configuration=config)))
    (attempt,) = model.attempts
    assert (attempt.alias, attempt.address) == ("west", "provider.aws.west")
    assert attempt.duration is not None and attempt.duration.value == "5400"


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ('{"format_version": "1.2", "resource_changes": [}', 1, 48, "expected a value"),
        ('{"format_version": "1.2",\n "resource_changes": []} x', 2, 26, "unexpected data"),
        ('{"format_version": "1.2", "resource_changes": NaN}', 1, 47, "NaN"),
        ('{"format_version": "1.2", "planned_values": {"a": "\x01"}}', 1, 52, "control"),
        ('{"format_version": "1.2", "resource_changes": [', 1, 48, "end of input"),
    ],
)
def test_invalid_json_is_one_located_problem(text: str, line: int, column: int, words: str) -> None:
    model = parse_file(_src(text))
    (problem,) = model.problems
    assert (problem.location.line, problem.location.column) == (line, column)
    assert problem.message.startswith("invalid JSON in Terraform plan")
    assert words in problem.message
    assert model.roles == []


def test_unsupported_format_major_version_is_refused() -> None:
    model = parse_file(_src('{"format_version": "2.0", "resource_changes": []}'))
    (problem,) = model.problems
    assert "format_version '2.0' is not supported" in problem.message
    assert problem.location == Location("plans/tfplan.json", 1, 2, 1, 18)


def test_deep_nesting_is_a_problem_not_a_crash() -> None:
    text = '{"format_version": "1.2", "planned_values": ' + "[" * 200_000 + "]" * 200_000 + "}"
    model = parse_file(_src(text))
    (problem,) = model.problems
    assert "nested too deeply" in problem.message or "invalid JSON" in problem.message


def test_invalid_policy_string_is_a_structure_error() -> None:
    change = _role_change({"name": "r", "assume_role_policy": '{"Statement": ['})
    model = parse_file(_src(_plan([change])))
    (role,) = model.roles
    ((where, message),) = role.structure_errors
    assert message.startswith("assume_role_policy is not valid JSON")
    assert where.path == "plans/tfplan.json"


def test_unexpected_shapes_are_skipped() -> None:
    """Nulls and odd types where objects are expected do not stop the plan."""
    changes = [
        {
            "address": "aws_iam_role.a",
            "mode": "managed",
            "type": "aws_iam_role",
            "name": "a",
            "change": None,
        },
        {
            "address": "aws_iam_role.b",
            "mode": "managed",
            "type": "aws_iam_role",
            "name": "b",
            "change": {"actions": ["create"], "after": {"assume_role_policy": 7}},
        },
        "not an object",
    ]
    text = _plan(
        changes, prior_state=None, planned_values=None, configuration={"provider_config": None}
    )
    model = parse_file(_src(text))
    assert model.problems == []
    (role,) = model.roles
    assert role.address == "aws_iam_role.b" and not role.trust_known


def test_planned_values_when_the_plan_lists_no_changes() -> None:
    text = json.dumps(
        {
            "format_version": "0.1",
            "terraform_version": "0.12.31",
            "planned_values": {
                "root_module": {
                    "child_modules": [
                        {
                            "address": "module.m",
                            "resources": [
                                {
                                    "address": "module.m.aws_iam_role.r",
                                    "mode": "managed",
                                    "type": "aws_iam_role",
                                    "name": "r",
                                    "values": {"name": "r", "assume_role_policy": TRUST},
                                }
                            ],
                        }
                    ]
                }
            },
        }
    )
    model = parse_file(_src(text))
    (role,) = model.roles
    assert role.address == "module.m.aws_iam_role.r" and role.trust_known
    (principal,) = role.statements[0].principals
    assert (principal.kind, principal.value) == ("AWS", "*")
    (planned,) = model.planned
    assert (planned.module_dir, planned.local) == (None, "aws_iam_role.r")  # no configuration
