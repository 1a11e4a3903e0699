# ruff: noqa: E501  (long lines are literal template text whose columns the tests check)
"""Terraform JSON syntax (``.tf.json``/``.tfvars.json``) and ``.json.tpl`` trust templates."""

from __future__ import annotations

from pathlib import Path

import pytest

from assume_lint.files.sources import SourceFile
from assume_lint.model import Model, Role
from assume_lint.model.findings import Location
from assume_lint.parsers import detect_by_path, sniff, terraform
from assume_lint.parsers.terraform_json import parse_template, parse_unit

FIXTURES = Path(__file__).parent / "fixtures" / "tfjson"


def module_of(folder: str, prefix: str = "m") -> Model:
    files = [
        SourceFile(p, f"{prefix}/{p.name}", p.read_text())
        for p in sorted((FIXTURES / folder).iterdir())
    ]
    return terraform.parse_unit(files)


def parse_texts(**texts: str) -> Model:
    files = [SourceFile(Path(name), f"m/{name}", text) for name, text in texts.items()]
    return terraform.parse_unit(files)


def role(model: Model, address: str) -> Role:
    (found,) = [r for r in model.roles if r.address == address]
    return found


def column(text: str, line: int, needle: str) -> int:
    """1-based column of ``needle`` on a 1-based line (hand-checked expectations)."""
    return text.split("\n")[line - 1].index(needle) + 1


# --------------------------------------------------------------------------- module


@pytest.fixture(scope="module")
def module() -> Model:
    return module_of("module")


def test_module_roles(module: Model) -> None:
    assert module.problems == []
    assert [(r.address, r.name, r.location.line, r.location.column) for r in module.roles] == [
        ("aws_iam_role.vendor", "vendor", 34, 7),
        ("aws_iam_role.string_policy", None, 39, 7),
        ("aws_iam_role.object_policy", "from-tfvars", 42, 7),
        ("aws_iam_role.documented", None, 49, 7),
    ]
    vendor = role(module, "aws_iam_role.vendor")
    assert vendor.max_session_duration is not None
    assert (vendor.max_session_duration.value, vendor.max_session_duration.location.line) == (
        "43200",
        36,
    )
    assert vendor.trust_location is not None and vendor.trust_location.line == 37


def test_jsonencode_in_a_string_uses_locals_and_variables(module: Model) -> None:
    vendor = role(module, "aws_iam_role.vendor")
    (statement,) = vendor.statements
    # the principal comes through local.partner_root, built from var.partner_account:
    # it is located where the local was written (line 8), like references in .tf files
    assert [
        (p.kind, p.value, p.location.line, p.location.column) for p in statement.principals
    ] == [("AWS", "arn:aws:iam::444455556666:root", 8, 21)]
    assert [a.value for a in statement.actions] == ["sts:AssumeRole"]
    assert statement.location.line == 37


def test_policy_as_json_string_is_located_per_character(module: Model) -> None:
    text = (FIXTURES / "module" / "main.tf.json").read_text()
    (statement,) = role(module, "aws_iam_role.string_policy").statements
    (star,) = statement.principals
    assert (star.kind, star.value, star.location.line) == ("AWS", "*", 40)
    assert star.location.column == column(text, 40, '\\"*\\"')


def test_object_policy_with_unknown_principal(module: Model) -> None:
    (statement,) = role(module, "aws_iam_role.object_policy").statements
    assert [(p.value, p.location.line) for p in statement.principals] == [(None, 46)]
    assert statement.unknown_principals is True


def test_policy_document_data_source(module: Model) -> None:
    (statement,) = role(module, "aws_iam_role.documented").statements
    assert [p.value for p in statement.principals] == ["arn:aws:iam::444455556666:root"]
    (condition,) = statement.conditions
    assert (condition.operator, condition.key, condition.values) == (
        "BoolIfExists",
        "aws:MultiFactorAuthPresent",
        ("true",),
    )
    assert condition.location.line == 61


def test_providers_and_backend(module: Model) -> None:
    attempts = [(a.kind, a.address, a.location.line, a.chained) for a in module.attempts]
    assert attempts == [
        ("provider", "provider.aws", 11, False),
        ("provider", "provider.aws.prod", 15, False),
        ("backend", "terraform.backend.s3", 28, False),
    ]
    prod = module.attempts[1]
    assert prod.role_arn is not None and prod.role_arn.value == (
        "arn:aws:iam::999988887777:role/deploy"  # var.prod_account from variables.tf
    )
    assert prod.role_arn.location == Location("m/main.tf.json", 16, 11, 16, 21)
    assert prod.external_id is not None and prod.external_id.value is None  # no default
    assert prod.session_name is not None and prod.session_name.value == "terraform"
    backend = module.attempts[2]
    assert backend.deprecated == (("role_arn", Location("m/main.tf.json", 28, 9, 28, 19)),)
    assert module.credentials == []


# --------------------------------------------------------------------------- inline cases

JSONENCODE = """{
  "resource": {"aws_iam_role": {"r": {
    "assume_role_policy": "${jsonencode({Version = \\"2012-10-17\\", Statement = [{Effect = \\"Allow\\", Principal = {AWS = \\"*\\"}, Action = \\"sts:AssumeRole\\"}]})}"
  }}}
}
"""


def test_jsonencode_literal_is_located_inside_the_string() -> None:
    model = parse_texts(**{"main.tf.json": JSONENCODE})
    (statement,) = role(model, "aws_iam_role.r").statements
    (star,) = statement.principals
    assert (star.value, star.location.line) == ("*", 3)
    assert star.location.column == column(JSONENCODE, 3, '\\"*\\"')


def test_provider_keys_and_list_form_assume_roles() -> None:
    text = """{
  "provider": {"aws": {
    "access_key": "AKIAIOSFODNN7EXAMPLE",
    "secret_key": "${var.secret}",
    "assume_role": [
      {"role_arn": "arn:aws:iam::111122223333:role/a"},
      {"role_arn": "arn:aws:iam::111122223333:role/b", "duration": "1h"}
    ]
  }}
}
"""
    model = parse_texts(**{"main.tf.json": text})
    assert [
        (c.kind, c.field, c.value, c.location.line, c.from_variable) for c in model.credentials
    ] == [
        ("access-key-id", "access_key", "AKIAIOSFODNN7EXAMPLE", 3, False),
        ("secret-key", "secret_key", None, 4, True),
    ]
    assert [
        (a.location.line, a.chained, a.duration and a.duration.value) for a in model.attempts
    ] == [
        (6, False, None),
        (7, True, "3600"),
    ]


def test_remote_state_and_backend_assume_role_object() -> None:
    text = """{
  "terraform": [{"backend": {"s3": {
    "assume_role": {"role_arn": "arn:aws:iam::111122223333:role/state", "session_name": "tf"}
  }}}],
  "data": {"terraform_remote_state": {"net": {
    "backend": "s3",
    "config": {"role_arn": "arn:aws:iam::444455556666:role/read"}
  }}}
}
"""
    model = parse_texts(**{"main.tf.json": text})
    assert [
        (a.kind, a.address, a.location.line, a.role_arn and a.role_arn.value)
        for a in model.attempts
    ] == [
        ("backend", "terraform.backend.s3", 3, "arn:aws:iam::111122223333:role/state"),
        (
            "remote-state",
            "data.terraform_remote_state.net",
            7,
            "arn:aws:iam::444455556666:role/read",
        ),
    ]


def test_json_variables_feed_hcl_and_tfvars_json_overrides() -> None:
    model = parse_texts(
        **{
            "vars.tf.json": '{"variable": {"acct": {"default": "111111111111"}}}',
            "terraform.tfvars.json": '{"acct": "222222222222"}',
            "main.tf": (
                'resource "aws_iam_role" "r" {\n'
                "  assume_role_policy = jsonencode({\n"
                '    Version = "2012-10-17"\n'
                '    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole",\n'
                '      Principal = { AWS = "arn:aws:iam::${var.acct}:root" } }]\n'
                "  })\n}\n"
            ),
        }
    )
    assert model.problems == []
    (statement,) = role(model, "aws_iam_role.r").statements
    assert [(p.value, p.location.path, p.location.line) for p in statement.principals] == [
        ("arn:aws:iam::222222222222:root", "m/main.tf", 5)
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('"${var.known}"', "k"),
        ('"pre-${var.known}-post"', "pre-k-post"),
        ('"$${not.interpolated}"', "${not.interpolated}"),
        ('"${var.missing}"', None),
        ('"a-${var.missing}"', None),
        ('"%{ if true }x%{ endif }"', None),
        ('"${unknown_function(1)}"', None),
        ('"${not valid hcl ((}"', None),
        ('"${unclosed"', None),
    ],
)
def test_interpolation(value: str, expected: str | None) -> None:
    text = (
        '{"variable": {"known": {"default": "k"}},\n'
        ' "resource": {"aws_iam_role": {"r": {"name": ' + value + "}}}}\n"
    )
    model = parse_texts(**{"main.tf.json": text})
    assert model.problems == []
    assert role(model, "aws_iam_role.r").name == expected


# --------------------------------------------------------------------------- malformed


def test_malformed_json_is_a_parse_problem_and_hcl_still_parses() -> None:
    model = module_of("broken", "b")
    assert [(p.location.path, p.location.line, p.location.column) for p in model.problems] == [
        ("b/list.tfvars.json", 1, 1),
        ("b/main.tf.json", 7, 1),
    ]
    assert model.problems[1].message.startswith("invalid JSON")
    assert "top level" in model.problems[0].message
    assert model.roles == []


def test_bad_json_string_policy_is_a_structure_error() -> None:
    text = '{"resource": {"aws_iam_role": {"r": {"assume_role_policy": "{not json"}}}}\n'
    model = parse_texts(**{"main.tf.json": text})
    found = role(model, "aws_iam_role.r")
    assert found.trust_known is False
    ((where, message),) = found.structure_errors
    assert where.line == 1
    assert message.startswith("assume_role_policy is not valid JSON")


def test_deeply_nested_json_does_not_crash() -> None:
    depth = 3000
    text = '{"locals": {"x": ' + "[" * depth + "]" * depth + "}}"
    model = parse_texts(**{"main.tf.json": text})
    assert model.roles == []


# --------------------------------------------------------------------------- .json.tpl


def test_json_tpl_holes_are_unknown_and_columns_exact() -> None:
    path = FIXTURES / "tpl" / "trust.json.tpl"
    model = parse_unit([SourceFile(path, "t/trust.json.tpl", path.read_text())])
    assert model.problems == []
    (found,) = model.roles
    assert (found.address, found.name) == ("t/trust.json.tpl", "trust")
    first, second = found.statements
    assert [(p.value, p.location.line, p.location.column) for p in first.principals] == [
        (None, 6, 28)
    ]
    assert [(c.key, c.values, c.location.line) for c in first.conditions] == [
        ("sts:ExternalId", (None,), 8)
    ]
    assert [(p.value, p.location.line, p.location.column) for p in second.principals] == [
        ("*", 12, 28)
    ]
    # a bare placeholder where a JSON value belongs is still an unknown value
    assert [(c.key, c.values) for c in second.conditions] == [
        ("aws:MultiFactorAuthPresent", (None,))
    ]


def test_json_tpl_invalid_is_a_problem_but_directives_are_silent() -> None:
    bad = parse_template(SourceFile(Path("x"), "x.json.tpl", '{"Statement": [}\n'))
    assert [(p.location.line, p.location.column) for p in bad.problems] == [(1, 16)]
    loop = parse_template(
        SourceFile(
            Path("y"),
            "y.json.tpl",
            '{"Statement": [\n%{ for a in accounts ~}\n{"Action": "sts:AssumeRole"},\n'
            "%{ endfor ~}\n]}\n",
        )
    )
    assert loop.problems == [] and loop.roles == []


def test_json_tpl_identity_policy_is_not_a_role() -> None:
    text = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "${arn}"}]}'
    assert parse_template(SourceFile(Path("p"), "p.json.tpl", text)).roles == []


# --------------------------------------------------------------------------- detection


@pytest.mark.parametrize(
    ("rel", "kind"),
    [
        ("infra/main.tf.json", "terraform"),
        ("infra/terraform.tfvars.json", "terraform"),
        ("infra/prod.auto.tfvars.json", "terraform"),
        ("infra/main.tf", "terraform"),
    ],
)
def test_path_detection(rel: str, kind: str) -> None:
    assert detect_by_path(rel) == kind


def test_template_sniffing() -> None:
    family = detect_by_path("policies/trust.json.tpl")
    assert family is not None
    assert sniff(family, '{"Statement": [{"Action": "sts:AssumeRole"}]}') == "json-template"
    assert sniff(family, '{"Statement": [{"Action": "s3:GetObject"}]}') is None
