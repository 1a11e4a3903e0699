"""Trust-policy JSON files: every document shape, exact roles, locations and problems."""

from __future__ import annotations

from pathlib import Path

from assume_lint.files.sources import SourceFile, read_source
from assume_lint.model import Attr, Condition, ParseProblem, Principal
from assume_lint.model.findings import Location
from assume_lint.parsers import detect_by_path, sniff
from assume_lint.parsers.trust_json import parse_file, parse_unit

FIXTURES = Path(__file__).parent / "fixtures" / "trust"


def _fixture(name: str) -> SourceFile:
    source = read_source(FIXTURES / name, f"trust/{name}")
    assert isinstance(source, SourceFile)
    return source


def _src(rel: str, text: str) -> SourceFile:
    return SourceFile(Path(rel), rel, text)


def _loc(rel: str, line: int, col: int, end_line: int, end_col: int) -> Location:
    return Location(rel, line, col, end_line, end_col)


# --------------------------------------------------------------------------- shapes


def test_standalone_policy_file() -> None:
    rel = "trust/github-oidc.json"
    model = parse_file(_fixture("github-oidc.json"))
    assert model.problems == []
    (role,) = model.roles
    assert (role.address, role.name, role.account, role.arn) == (rel, "github-oidc", None, None)
    assert role.location == _loc(rel, 1, 1, 24, 2)
    assert role.trust_location == _loc(rel, 1, 1, 24, 2)
    assert role.version == Attr("2012-10-17", _loc(rel, 2, 14, 2, 26), "2012-10-17")
    assert role.has_version and role.trust_known and role.structure_errors == ()
    assert role.max_session_duration is None
    (statement,) = role.statements
    assert statement.sid == "GitHubDeploy" and statement.location == _loc(rel, 4, 5, 22, 6)
    assert statement.principals == (
        Principal(
            "Federated",
            "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com",
            _loc(rel, 8, 22, 8, 99),
        ),
    )
    assert statement.actions == (
        Attr(
            "sts:AssumeRoleWithWebIdentity",
            _loc(rel, 10, 17, 10, 48),
            "sts:AssumeRoleWithWebIdentity",
        ),
    )
    assert statement.conditions == (
        Condition(
            "StringEquals",
            "token.actions.githubusercontent.com:aud",
            ("sts.amazonaws.com",),
            _loc(rel, 13, 11, 13, 52),
        ),
        Condition(
            "StringLike",
            "token.actions.githubusercontent.com:sub",
            ("repo:my-org/my-repo:ref:refs/heads/main", "repo:my-org/my-repo:environment:prod"),
            _loc(rel, 16, 11, 16, 52),
        ),
    )


def test_get_role_output() -> None:
    rel = "trust/get-role.json"
    model = parse_file(_fixture("get-role.json"))
    (role,) = model.roles
    assert (role.address, role.name) == (rel, "vendor-audit")
    assert (role.account, role.arn) == (
        "111122223333",
        "arn:aws:iam::111122223333:role/vendor-audit",
    )
    assert role.location == _loc(rel, 2, 13, 27, 6)
    assert role.trust_location == _loc(rel, 8, 9, 8, 35)
    assert role.max_session_duration == Attr("7200", _loc(rel, 25, 31, 25, 35), "7200")
    (statement,) = role.statements
    assert statement.location.line == 11
    assert statement.principals == (
        Principal("AWS", "arn:aws:iam::444455556666:root", _loc(rel, 14, 32, 14, 64)),
    )
    assert statement.conditions == (
        Condition("StringEquals", "sts:ExternalId", ("a1b2c3d4e5f6",), _loc(rel, 19, 29, 19, 45)),
    )
    assert role.structure_errors == ()


def test_create_role_input_with_string_encoded_policy() -> None:
    rel = "trust/create-role.json"
    model = parse_file(_fixture("create-role.json"))
    assert model.problems == []
    (role,) = model.roles
    assert (role.address, role.name, role.account) == (rel, "deploy", None)
    assert role.trust_location == _loc(rel, 3, 3, 3, 29)
    assert role.version == Attr("2012-10-17", _loc(rel, 3, 45, 3, 59), "2012-10-17")
    (statement,) = role.statements
    # Locations point into the string, at the escaped quote of each inner value.
    assert statement.location.line == 3 and statement.location.column == 75
    assert statement.principals == (
        Principal("AWS", "arn:aws:iam::444455556666:user/dév", _loc(rel, 3, 120, 3, 163)),
    )
    assert statement.actions == (
        Attr("sts:AssumeRole", _loc(rel, 3, 176, 3, 194), "sts:AssumeRole"),
    )
    assert statement.conditions == (
        Condition("Bool", "aws:MultiFactorAuthPresent", ("true",), _loc(rel, 3, 220, 3, 250)),
    )


def test_list_roles_output_gives_one_role_each() -> None:
    rel = "trust/list-roles.json"
    model = parse_file(_fixture("list-roles.json"))
    assert [r.address for r in model.roles] == [f"{rel}#ci", f"{rel}#admin"]
    ci, admin = model.roles
    assert ci.max_session_duration == Attr("3600", _loc(rel, 10, 35, 10, 39), "3600")
    assert ci.statements[0].principals == (
        Principal("Service", "codebuild.amazonaws.com", _loc(rel, 8, 76, 8, 101)),
    )
    assert (admin.account, admin.has_version, admin.version) == ("222233334444", False, None)
    assert admin.structure_errors == ()  # a missing Version is AL110's, not a structure error
    assert admin.statements[0].principals == (Principal("AWS", "*", _loc(rel, 16, 72, 16, 75)),)


def test_list_roles_without_names_use_indexes() -> None:
    policy = '{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}}'
    entry = '{"AssumeRolePolicyDocument": ' + policy + "}"
    text = '{"Roles": [' + entry + ", " + entry + "]}"
    model = parse_file(_src("r.json", text))
    assert [(r.address, r.name) for r in model.roles] == [("r.json#0", "r"), ("r.json#1", "r")]


def test_url_encoded_policy_is_located_at_the_string() -> None:
    encoded = (
        "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow"
        "%22%2C%22Principal%22%3A%22%2A%22%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D"
    )
    text = '{"Role": {"RoleName": "x",\n "AssumeRolePolicyDocument": "' + encoded + '"}}'
    (role,) = parse_file(_src("u.json", text)).roles
    (statement,) = role.statements
    assert statement.principals == (Principal("*", "*", _loc("u.json", 2, 30, 2, 30)),)
    assert statement.actions[0].value == "sts:AssumeRole"


# --------------------------------------------------------------------------- not trust policies


def test_identity_policy_is_not_a_trust_policy() -> None:
    model = parse_file(_fixture("identity-policy.json"))
    assert model.roles == [] and model.problems == []


def test_documents_that_grant_no_assume_role_yield_nothing() -> None:
    cases = [
        '{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}]}',
        '{"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole"}]}',
        '{"Statement": [{"Effect": "Allow", "Principal": "*", "NotAction": "sts:Assume*"}]}',
        '{"Resources": {"R": {"Properties": {"AssumeRolePolicyDocument": {"Statement": []}}}}}',
        '[{"Statement": "AssumeRole"}]',
        '{"Statement": "sts:AssumeRole"}',
        # IAM's action wildcards are * and ? only: "[A]" is no character class
        '{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sts:[A]ssumeRole"}]}',
    ]
    for text in cases:
        assert parse_file(_src("x.json", text)).roles == [], text


def test_wildcard_and_not_action_grants_count() -> None:
    cases = [
        '{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*"}]}',
        '{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "STS:assume*"}]}',
        '{"Statement": [{"Effect": "Allow", "Principal": "*", "NotAction": "s3:*"}]}',
        '{"Statement": [{"Principal": "*", "Action": "sts:AssumeRoleWithSAML"}]}',
        '{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sts:Assume?ole"}]}',
        '{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": " sts:AssumeRole "}]}',
    ]
    for text in cases:
        assert len(parse_file(_src("x.json", text)).roles) == 1, text


def test_wrapped_policy_is_kept_even_without_assume_action() -> None:
    text = (
        '{"RoleName": "r", "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []}}'
    )
    (role,) = parse_file(_src("x.json", text)).roles
    assert role.statements == () and role.name == "r"


# --------------------------------------------------------------------------- problems


def test_invalid_json_is_a_parse_problem() -> None:
    model = parse_file(_fixture("trailing-comma.json"))
    assert model.roles == []
    assert model.problems == [
        ParseProblem(
            Location("trust/trailing-comma.json", 4, 70), "invalid JSON: trailing comma before ']'"
        )
    ]


def test_truncated_and_empty_files() -> None:
    model = parse_unit(
        [_src("a.json", '{"Statement": [\n  {"Effect": "Allow",'), _src("b.json", "")]
    )
    assert model.problems == [
        ParseProblem(
            Location("a.json", 2, 22),
            "invalid JSON: unexpected end of input, expected a string key",
        ),
        ParseProblem(
            Location("b.json", 1, 1), "invalid JSON: empty document, expected a JSON value"
        ),
    ]


def test_invalid_json_inside_a_policy_string_is_located_in_the_string() -> None:
    text = '{"RoleName": "r",\n "AssumeRolePolicyDocument": "{\\"Statement\\": [1,]}"}'
    model = parse_file(_src("s.json", text))
    assert model.roles == []
    assert model.problems == [
        ParseProblem(
            Location("s.json", 2, 49),
            "invalid JSON in AssumeRolePolicyDocument: trailing comma before ']'",
        )
    ]


def test_deep_nesting_is_a_parse_problem() -> None:
    model = parse_file(_src("deep.json", '{"Statement": ' + "[" * 200_000))
    assert model.problems == [
        ParseProblem(
            Location("deep.json", 1, 200_015),
            "invalid JSON: unexpected end of input, expected a value",
        )
    ]


def test_structure_errors_come_from_the_builder() -> None:
    text = (
        '{"Version": "2012-10-17", "Statement": [\n'
        ' {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole", "Resource": "*"}]}'
    )
    (role,) = parse_file(_src("x.json", text)).roles
    assert role.structure_errors == (
        (
            _loc("x.json", 2, 68, 2, 78),
            "statement #0: a trust policy must not have a Resource "
            "element (the role itself is the resource)",
        ),
    )
    assert role.statements[0].has_resource


def test_detection_routes_these_fixtures_here() -> None:
    for name in ("github-oidc.json", "get-role.json", "create-role.json", "list-roles.json"):
        source = _fixture(name)
        family = detect_by_path(source.rel)
        assert family is not None and sniff(family, source.text) == "trust-json", name
