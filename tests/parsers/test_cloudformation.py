# ruff: noqa: E501  (long lines are literal template text whose columns the tests check)
"""CloudFormation templates: roles, intrinsic evaluation, exact locations, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from assume_lint.files.sources import SourceFile
from assume_lint.model import Model, Role
from assume_lint.model.findings import Location
from assume_lint.parsers import detect_by_path, sniff
from assume_lint.parsers.cloudformation import parse_unit

FIXTURES = Path(__file__).parent / "fixtures" / "cloudformation"
DEFAULTS = "with the template's default parameters"
SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def parse(text: str, rel: str = "t.yaml") -> Model:
    return parse_unit([SourceFile(Path(rel), rel, text)])


def deployed(model: Model) -> list[Role]:
    """The roles of the deployments evaluated, without the witnesses (evaluated with the
    parameters unknown, only to tell which findings depend on defaults)."""
    return [r for r in model.roles if not (r.variant and r.variant.witness)]


def only_role(model: Model) -> Role:
    assert model.problems == []
    roles = deployed(model)
    assert len(roles) == 1
    return roles[0]


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
    phrases = [(r.address, r.name, r.location.line, r.variant and r.variant.phrase)
               for r in deployed(model)]
    assert phrases == [
        ("d.yaml#DeployRole", "web-app-github-deploy", 30, DEFAULTS),
        ("d.yaml#VendorRole", "monitoring-vendor", 52, DEFAULTS),
        # !If [IsProd, ...]: IsProd tests the (unknown) account id, so both branches
        ("d.yaml#ProdOnlyRole", "ProdOnlyRole", 65, "when IsProd is true"),
        ("d.yaml#ProdOnlyRole", "ProdOnlyRole", 65, "when IsProd is false"),
    ]
    assert model.variants["d.yaml#DeployRole"] == ("",)
    witnesses = [r for r in model.roles if r.variant and r.variant.witness]
    assert [(r.address, r.variant and r.variant.phrase) for r in witnesses] == [
        ("d.yaml#DeployRole", ""), ("d.yaml#VendorRole", "")]
    (witness,) = [r for r in witnesses if r.address == "d.yaml#DeployRole"]
    assert witness.statements[0].conditions[1].values == (None,)  # the default not used
    assert model.variants["d.yaml#ProdOnlyRole"] == ("when IsProd is true", "when IsProd is false")
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


def test_a_stream_of_several_documents_is_no_template_and_no_problem() -> None:
    """Valid YAML is never "a template that cannot be parsed" (AL900): CloudFormation
    reads one document, so a stream of several is simply not a template."""
    assert parse("Resources: {}\n---\nResources: {}\n") == Model()


def test_multi_document_file_gives_no_finding() -> None:
    from conftest import FIXTURES, lint_fixture

    assert lint_fixture(FIXTURES / "multi_document") == []


def test_a_broken_first_document_is_still_a_problem() -> None:
    model = parse("Resources: [\n---\nResources: {}\n")
    (problem,) = model.problems
    assert problem.message.startswith("invalid YAML")


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


# ------------------------------------------- partial values, variants, parameters (issue 15)


@pytest.mark.parametrize(
    ("expression", "partial"),
    [
        ("!Sub arn:aws:iam::${AWS::AccountId}:root", "arn:aws:iam::\ue000:root"),
        ("!Sub arn:${AWS::Partition}:iam::444455556666:root",
         "arn:\ue000:iam::444455556666:root"),
        ("!Join ['', ['arn:aws:iam::', !Ref AWS::AccountId, ':root']]",
         "arn:aws:iam::\ue000:root"),
        ("!Sub arn:aws:iam::${NoDefault}:root", "arn:aws:iam::\ue000:root"),
        ("!Ref AWS::AccountId", None),  # nothing of it is known
        ("!Ref NoDefault", None),
        ("!GetAtt Other.Arn", None),
    ],
)
def test_unknown_values_keep_their_known_parts(expression: str, partial: str | None) -> None:
    role = only_role(parse(YAML_HEAD.replace("{principal}", expression)))
    (found,) = role.statements[0].principals
    assert (found.value, found.partial) == (None, partial)
    assert (found.location.line, found.location.column) == (18, 20)


def test_split_and_select() -> None:
    value, _ = principal_of("!Select [2, !Split [':', 'a:b:arn:aws:iam::1:root']]")
    assert value == "arn"


PROVIDER_TEMPLATE = """\
Parameters:
  Region: {Type: String}
Resources:
  Provider:
    Type: AWS::IAM::OIDCProvider
    Properties:
      Url: {url}
  R:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Action: sts:AssumeRoleWithWebIdentity
            Principal:
              Federated: {ref}
"""


@pytest.mark.parametrize(
    ("url", "ref", "partial"),
    [
        ("https://token.actions.githubusercontent.com", "!Ref Provider",
         "arn:\ue000:iam::\ue000:oidc-provider/token.actions.githubusercontent.com"),
        ("https://gitlab.example.com/", "!GetAtt Provider.Arn",
         "arn:\ue000:iam::\ue000:oidc-provider/gitlab.example.com"),
        ("https://gitlab.com", "!Sub '${Provider.Arn}'",
         "arn:\ue000:iam::\ue000:oidc-provider/gitlab.com"),
        ("!Sub 'https://oidc.eks.${Region}.amazonaws.com/id/X'", "!Ref Provider",
         "arn:\ue000:iam::\ue000:oidc-provider/oidc.eks.\ue000.amazonaws.com/id/X"),
        ("!Ref Region", "!Ref Provider", None),  # nothing of the URL known
        ("https://gitlab.com", "!GetAtt Provider.Url", None),
    ],
)
def test_oidc_provider_references_give_partial_arns(
    url: str, ref: str, partial: str | None
) -> None:
    text = PROVIDER_TEMPLATE.replace("{url}", url).replace("{ref}", ref)
    (found,) = only_role(parse(text)).statements[0].principals
    assert (found.value, found.partial, found.location.line) == (None, partial, 16)


IF_TEMPLATE = """\
Parameters:
  Env: {Type: String, AllowedValues: [dev, prod]}
  Tier: {Type: String, AllowedValues: [a, b, c]}
  Toggle: {Type: String, Default: "yes"}
Conditions:
  A: !Equals [!Ref Toggle, "yes"]
  B: !Not [!Condition A]
  Literal: !Equals [x, x]
Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Action: sts:AssumeRole
            Principal:
              AWS: {principal}
"""


def variants_of(expression: str, supplied: dict[str, str] | None = None) -> list[tuple[str | None, str | None]]:
    from assume_lint.parsers.cloudformation import parse_file

    text = IF_TEMPLATE.replace("{principal}", expression)
    model = parse_file(SourceFile(Path("t.yaml"), "t.yaml", text), supplied)
    return [(r.variant.phrase if r.variant else None, r.statements[0].principals[0].value)
            for r in deployed(model)]


def test_if_evaluates_each_branch_as_a_variant() -> None:
    assert variants_of("!If [A, '1', '2']") == [("when A is true", "1"), ("when A is false", "2")]


def test_condition_decided_by_literals_or_supplied_parameters_is_followed() -> None:
    assert variants_of("!If [Literal, '1', '2']") == [(None, "1")]
    assert variants_of("!If [A, '1', '2']", {"Toggle": "no"}) == [(None, "2")]
    assert variants_of("!If [B, '1', '2']", {"Toggle": "no"}) == [(None, "1")]


def test_condition_referring_to_another_follows_its_choice() -> None:
    # B is !Not A: its value follows the choice made for A, no impossible combination
    assert variants_of("!If [A, !If [B, 'x', '1'], '2']") == [
        ("when A is true", "1"), ("when A is false", "2")]


def test_allowed_values_without_default_are_each_a_variant() -> None:
    assert variants_of("!Sub 'arn:aws:iam::${Env}:root'") == [
        ("when Env is dev", "arn:aws:iam::dev:root"),
        ("when Env is prod", "arn:aws:iam::prod:root"),
    ]


def test_default_used_in_the_trust_is_phrased() -> None:
    assert variants_of("!Ref Toggle") == [("with the template's default parameters", "yes")]
    assert variants_of("!Ref Toggle", {"Toggle": "arn:aws:iam::1:root"}) == [
        (None, "arn:aws:iam::1:root")]


def test_no_value_removes_the_element() -> None:
    text = IF_TEMPLATE.replace("AWS: {principal}", "AWS: ['1', !If [A, '2', !Ref AWS::NoValue]]")
    from assume_lint.parsers.cloudformation import parse_file

    model = parse_file(SourceFile(Path("t.yaml"), "t.yaml", text))
    assert [[p.value for p in r.statements[0].principals] for r in deployed(model)] == [
        ["1", "2"], ["1"]]


def test_variants_are_bounded() -> None:
    """Five independent two-way choices would be 32 evaluations: at most 16 are made and
    the choices beyond stay unknown (silent), never guessed."""
    from assume_lint.parsers.cloudformation import MAX_VARIANTS, parse_file

    conditions = "".join(f"  C{i}: !Equals [!Ref P{i}, 'yes']\n" for i in range(5))
    parameters = "".join(f"  P{i}: {{Type: String}}\n" for i in range(5))
    principals = ", ".join(f"!If [C{i}, 'a{i}', 'b{i}']" for i in range(5))
    text = (f"Parameters:\n{parameters}Conditions:\n{conditions}"
            + IF_TEMPLATE[IF_TEMPLATE.index("Resources:"):].replace("{principal}", f"[{principals}]"))
    model = parse_file(SourceFile(Path("t.yaml"), "t.yaml", text))
    assert len(model.roles) == MAX_VARIANTS == 16
    assert len(model.variants["t.yaml#R"]) == 16
    # the budget ran out before every combination: some choices were left unknown
    assert any(r.statements[0].unknown_principals for r in model.roles)
    assert len({tuple(p.value for p in r.statements[0].principals) for r in model.roles}) == 16


def test_sam_template_is_cloudformation() -> None:
    head = "Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: AWS::Serverless::Function\n"
    assert sniff("sniff:yaml", head) == "cloudformation"
