# ruff: noqa: E501  (long lines are literal template text whose columns the tests check)
"""CloudFormation templates: roles, intrinsic evaluation, exact locations, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from assume_lint.findings import Location
from assume_lint.model import Model, Role
from assume_lint.parsers import detect_by_path, sniff
from assume_lint.parsers.cloudformation import parse_unit
from assume_lint.sources import SourceFile

FIXTURES = Path(__file__).parent / "fixtures" / "cloudformation"
SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def parse(text: str, rel: str = "t.yaml") -> Model:
    return parse_unit([SourceFile(Path(rel), rel, text)])


def only_role(model: Model) -> Role:
    assert model.problems == []
    assert len(model.roles) == 1
    return model.roles[0]


YAML_HEAD = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Account:
    Type: String
    Default: "444455556666"
  NoDefault:
    Type: String
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: sts:AssumeRole
            Principal:
              AWS: {principal}
"""


def principal_of(expression: str) -> tuple[str | None, Location]:
    role = only_role(parse(YAML_HEAD.replace("{principal}", expression)))
    (statement,) = role.statements
    (found,) = statement.principals
    return found.value, found.location


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('"arn:aws:iam::1:root"', "arn:aws:iam::1:root"),
        ("!Sub arn:aws:iam::${Account}:root", "arn:aws:iam::444455556666:root"),
        ('!Sub ["arn:aws:iam::${A}:root", {A: "7"}]', "arn:aws:iam::7:root"),
        ('!Sub ["arn:aws:iam::${A}:root", {A: !Ref Account}]', "arn:aws:iam::444455556666:root"),
        ('!Sub "arn:aws:iam::${!Literal}:root"', "arn:aws:iam::${Literal}:root"),
        ("!Join ['', ['arn:aws:iam::', !Ref Account, ':root']]", "arn:aws:iam::444455556666:root"),
        ("!Select [1, [a, b, c]]", "b"),
        ("!Ref Account", "444455556666"),
        # never guessed: pseudo parameters, no default, resources, conditions, attributes
        ("!Sub arn:aws:iam::${AWS::AccountId}:root", None),
        ("!Sub arn:${AWS::Partition}:iam::444455556666:root", None),
        ("!Ref AWS::AccountId", None),
        ("!Ref NoDefault", None),
        ("!Ref Role", None),
        ("!If [IsProd, '*', 'arn:aws:iam::1:root']", None),
        ("!GetAtt Other.Arn", None),
        ("!ImportValue shared-account", None),
        ("!Join ['', ['arn:aws:iam::', !Ref AWS::AccountId, ':root']]", None),
        ("!Select [5, [a, b]]", None),
        ("!FindInMap [Missing, a, b]", None),
    ],
)
def test_intrinsics_in_yaml(expression: str, expected: str | None) -> None:
    value, location = principal_of(expression)
    assert value == expected
    assert (location.line, location.column) == (18, 20)


def test_unknown_principal_is_flagged_unknown_not_guessed() -> None:
    role = only_role(parse(YAML_HEAD.replace("{principal}", "!Ref AWS::AccountId")))
    assert role.statements[0].unknown_principals is True


def test_find_in_map_resolves_from_mappings() -> None:
    text = YAML_HEAD.replace("{principal}", "!FindInMap [Accounts, prod, root]").replace(
        "Resources:",
        "Mappings:\n  Accounts:\n    prod:\n      root: arn:aws:iam::9:root\nResources:",
    )
    role = only_role(parse(text))
    assert role.statements[0].principals[0].value == "arn:aws:iam::9:root"
    assert role.statements[0].principals[0].location.line == 22


def test_yaml_role_fields_and_locations() -> None:
    text = """\
Resources:
  Bucket:
    Type: AWS::S3::Bucket
  DeployRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Sub "${Name}-deploy"
      MaxSessionDuration: 7200
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Sid: Ci
            Effect: Allow
            Principal: {Service: codebuild.amazonaws.com}
            Action: [sts:AssumeRole, sts:TagSession]
            Condition:
              StringEquals: {aws:SourceAccount: "111122223333"}
Parameters:
  Name: {Type: String, Default: app}
"""
    role = only_role(parse(text, "infra/roles.yaml"))
    assert role.address == "infra/roles.yaml#DeployRole"
    assert role.name == "app-deploy"
    assert role.location == Location("infra/roles.yaml", 4, 3, 4, 13)
    assert role.trust_location is not None and role.trust_location.line == 9
    assert role.max_session_duration is not None
    assert role.max_session_duration.value == "7200"
    assert role.max_session_duration.location.line == 8
    assert role.trust_known is True
    (statement,) = role.statements
    assert statement.sid == "Ci"
    assert statement.location.line == 12
    assert [(p.kind, p.value, p.location.line) for p in statement.principals] == [
        ("Service", "codebuild.amazonaws.com", 14)
    ]
    assert [a.value for a in statement.actions] == ["sts:AssumeRole", "sts:TagSession"]
    (condition,) = statement.conditions
    assert (condition.operator, condition.key, condition.values) == (
        "StringEquals",
        "aws:SourceAccount",
        ("111122223333",),
    )
    assert condition.location.line == 17


def test_role_name_defaults_to_logical_id_and_unknown_name() -> None:
    text = """\
Resources:
  A:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !GetAtt X.Name
  B:
    Type: AWS::IAM::Role
"""
    model = parse(text)
    assert [(r.address, r.name, r.trust_known, r.statements) for r in model.roles] == [
        ("t.yaml#A", "A", False, ()),
        ("t.yaml#B", "B", False, ()),
    ]


def test_whole_document_behind_if_is_unknown() -> None:
    text = """\
Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: !If [C, {Statement: []}, {Statement: []}]
"""
    role = only_role(parse(text))
    assert role.trust_known is False
    assert role.statements == ()
    assert role.trust_location is not None and role.trust_location.line == 5


def test_policy_as_json_string() -> None:
    text = """\
Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}]}'
"""
    role = only_role(parse(text))
    assert [(p.kind, p.value, p.location.line) for p in role.statements[0].principals] == [
        ("*", "*", 5)
    ]


def test_policy_string_that_is_not_json_is_a_structure_error() -> None:
    text = "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: 'not json'\n"
    role = only_role(parse(text))
    assert role.trust_known is False
    assert len(role.structure_errors) == 1
    where, message = role.structure_errors[0]
    assert where.line == 5
    assert message.startswith("AssumeRolePolicyDocument is not valid JSON")


def test_json_template_long_form() -> None:
    text = """{
  "Parameters": {"Acct": {"Type": "String", "Default": "444455556666"}},
  "Resources": {
    "R": {
      "Type": "AWS::IAM::Role",
      "Properties": {
        "AssumeRolePolicyDocument": {
          "Version": "2012-10-17",
          "Statement": [{
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Principal": {"AWS": [
              {"Fn::Sub": "arn:aws:iam::${Acct}:root"},
              {"Fn::Join": [":", ["arn:aws:iam:", {"Ref": "AWS::AccountId"}, "root"]]},
              {"Fn::GetAtt": ["Other", "Arn"]},
              {"Ref": "Acct", "Extra": 1}
            ]}
          }]
        }
      }
    }
  }
}
"""
    role = only_role(parse(text, "t.json"))
    principals = role.statements[0].principals
    assert [(p.value, p.location.line, p.location.column) for p in principals[:3]] == [
        ("arn:aws:iam::444455556666:root", 13, 15),
        (None, 14, 15),
        (None, 15, 15),
    ]
    # a mapping with more than one key is not an intrinsic: a structure problem, not a guess
    assert len(principals) == 3
    assert any("must be a string" in message for _, message in role.structure_errors)


def test_cdk_output_sample() -> None:
    path = SAMPLES / "cdk.out" / "PipelineStack.template.json"
    rel = "samples/cdk.out/PipelineStack.template.json"
    model = parse_unit([SourceFile(path, rel, path.read_text())])
    role = only_role(model)
    assert role.address == f"{rel}#CrossAccountDeployRoleA1B2C3D4"
    assert role.name == "cdk-pipeline-cross-account-deploy"
    first, second = role.statements
    assert [p.value for p in first.principals] == [None]  # partition + own account: unknown
    assert first.unknown_principals is True
    assert [(p.value, p.location.line) for p in second.principals] == [
        ("arn:aws:iam::555566667777:root", 34)
    ]


def test_yaml_sample_roles() -> None:
    path = SAMPLES / "cloudformation" / "deploy-roles.yaml"
    model = parse_unit([SourceFile(path, "d.yaml", path.read_text())])
    assert model.problems == []
    assert [(r.address, r.name, r.location.line) for r in model.roles] == [
        ("d.yaml#DeployRole", "web-app-github-deploy", 30),
        ("d.yaml#VendorRole", "monitoring-vendor", 52),
        ("d.yaml#ProdOnlyRole", "ProdOnlyRole", 65),
    ]
    deploy = model.roles[0]
    sub = deploy.statements[0].conditions[1]
    assert (sub.key, sub.values, sub.location.line) == (
        "token.actions.githubusercontent.com:sub",
        ("repo:example-org/*",),
        48,
    )


@pytest.mark.parametrize(
    ("name", "line", "column", "start"),
    [
        ("broken.yaml", 6, 1, "invalid YAML"),
        ("broken.json", 3, 38, "invalid JSON: trailing comma"),
    ],
)
def test_malformed_templates_are_parse_problems(
    name: str, line: int, column: int, start: str
) -> None:
    path = FIXTURES / name
    model = parse_unit([SourceFile(path, name, path.read_text())])
    assert model.roles == []
    (problem,) = model.problems
    assert (problem.location.path, problem.location.line, problem.location.column) == (
        name,
        line,
        column,
    )
    assert problem.message.startswith(start)


def test_second_yaml_document_is_a_problem() -> None:
    model = parse("Resources: {}\n---\nResources: {}\n")
    (problem,) = model.problems
    assert problem.location.line == 2
    assert "single document" in problem.message


def test_deep_nesting_is_a_problem_not_a_crash() -> None:
    depth = 5000
    text = (
        "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n"
        "      AssumeRolePolicyDocument: " + "[" * depth + "]" * depth + "\n"
    )
    model = parse(text)
    assert model.roles == [] or model.problems != []
    assert all(p.location.path == "t.yaml" for p in model.problems)


def test_not_a_template_gives_nothing() -> None:
    assert parse("- a\n- b\n").roles == []
    assert parse("Resources: [1, 2]\n").roles == []
    assert parse("").roles == []


@pytest.mark.parametrize(
    ("rel", "text", "kind"),
    [
        ("cfn/app.yaml", 'AWSTemplateFormatVersion: "2010-09-09"\n', "cloudformation"),
        ("cfn/app.yml", "Resources:\n  R:\n    Type: AWS::IAM::Role\n", "cloudformation"),
        ("cfn/app.template", "Resources:\n  R:\n    Type: 'AWS::S3::Bucket'\n", "cloudformation"),
        ("app.template", '{"Resources": {"R": {"Type": "AWS::IAM::Role"}}}', "cloudformation"),
        ("docker-compose.yml", "services:\n  web:\n    image: x\n", None),
        ("k8s.yaml", "kind: Role\nmetadata: {}\n", None),
        # a JSON template that embeds a trust policy is CloudFormation, not trust-json
        (
            "cdk.out/App.template.json",
            '{"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": '
            '{"AssumeRolePolicyDocument": {"Statement": [{"Action": "sts:AssumeRole"}]}}}}}',
            "cloudformation",
        ),
        ("t.json", '{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}}', "cloudformation"),
        ("trust.json", '{"Statement": [{"Action": "sts:AssumeRole"}]}', "trust-json"),
    ],
)
def test_detection(rel: str, text: str, kind: str | None) -> None:
    family = detect_by_path(rel)
    assert family is not None
    assert sniff(family, text) == kind


def test_workflows_are_not_sniffed_as_cloudformation() -> None:
    assert detect_by_path(".github/workflows/deploy.yml") != "sniff:yaml"
