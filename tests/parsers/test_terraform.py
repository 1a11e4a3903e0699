"""Terraform modules into the model: exact values and locations."""

from __future__ import annotations

from pathlib import Path

import pytest

from assume_lint.files.sources import SourceFile, read_source
from assume_lint.model import HOLE, AssumeAttempt, Attr, Credential, Model, ParseProblem
from assume_lint.model.findings import Location
from assume_lint.parsers import terraform, terraform_model

FIXTURES = Path(__file__).parent / "fixtures" / "terraform"


def _unit(name: str) -> Model:
    files = []
    for path in sorted((FIXTURES / name).iterdir()):
        if path.suffix in (".tf", ".tfvars"):
            loaded = read_source(path, f"{name}/{path.name}")
            assert isinstance(loaded, SourceFile)
            files.append(loaded)
    return terraform.parse_unit(files)


def _loc(rel: str, line: int, column: int, end_column: int) -> Location:
    return Location(rel, line, column, line, end_column)


def _at(loc: Location) -> tuple[int, int]:
    return loc.line, loc.column


def test_seed_provider_keys_and_assume_role() -> None:
    model = _unit("seed000")
    rel = "seed000/main.tf"
    assert model.attempts == [
        AssumeAttempt(
            kind="provider",
            caller='provider "aws"',
            address="provider.aws",
            location=_loc(rel, 8, 1, 12),
            role_arn=Attr(
                "arn:aws:iam::01234567890:role/role_in_account_b", _loc(rel, 10, 1, 9)
            ),
            external_id=Attr("my_external_id", _loc(rel, 12, 1, 12)),
            module="seed000",
            static_keys=True,  # access_key in the block: the source credentials are keys
        )
    ]
    assert model.credentials == [
        Credential("access-key-id", "access_key", "AKIAXXXXXXXXXXXXXXXX", _loc(rel, 3, 1, 11),
                   'provider "aws"'),
        Credential("secret-key", "secret_key", "123XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
                   _loc(rel, 4, 1, 11), 'provider "aws"'),
        Credential("session-token", "token", "AWS_SESSION_TOKEN", _loc(rel, 7, 1, 6),
                   'provider "aws"'),
    ]
    assert model.problems == [] and model.roles == []


def test_seed_backend_old_form_and_provider() -> None:
    model = _unit("seed001")
    rel = "seed001/main.tf"
    backend, provider = model.attempts
    assert backend.kind == "backend" and backend.caller == 'backend "s3"'
    assert backend.address == "terraform.backend.s3"
    assert backend.role_arn == Attr("arn:aws:iam::123456789012:role/Terraform-Role",
                                    _loc(rel, 9, 5, 13))
    assert backend.session_name == Attr("terraform", _loc(rel, 10, 5, 17))
    assert backend.location == _loc(rel, 9, 5, 13)
    assert backend.deprecated == (
        ("role_arn", _loc(rel, 9, 5, 13)),
        ("session_name", _loc(rel, 10, 5, 17)),
    )
    assert provider.kind == "provider" and provider.location == _loc(rel, 24, 3, 14)
    assert provider.role_arn == Attr("arn:aws:iam::123456789012:role/Terraform-Role",
                                     _loc(rel, 25, 5, 13))
    assert provider.module == backend.module == "seed001"
    assert model.credentials == []


def test_resolution_aliases_backend_new_form_remote_state() -> None:
    model = _unit("resolve")
    rel = "resolve/main.tf"
    prod, chained, default, backend, remote = model.attempts
    # locals -> var -> last *.auto.tfvars (alphabetical: b wins over a and terraform.tfvars)
    assert prod.role_arn == Attr("arn:aws:iam::111111111111:role/from-auto-b",
                                 _loc(rel, 13, 5, 13), 'local.roles["deploy"]')
    assert (prod.caller, prod.address, prod.alias) == (
        'provider "aws" (alias prod)', "provider.aws.prod", "prod")
    assert prod.duration == Attr("900", _loc(rel, 15, 5, 13), "15m")
    assert prod.session_name == Attr("ci", _loc(rel, 14, 5, 17))
    assert prod.chained is False and chained.chained is True
    assert chained.role_arn == Attr(None, _loc(rel, 18, 5, 13), "local.unknown",
                                    f"arn:aws:iam::{HOLE}:role/x")
    assert (default.caller, default.role_arn, default.location) == (
        'provider "aws"', None, _loc(rel, 22, 1, 9))
    assert backend.kind == "backend" and backend.deprecated == ()
    assert backend.location == _loc(rel, 29, 5, 16)
    assert backend.role_arn == Attr("arn:aws:iam::222222222222:role/state", _loc(rel, 30, 7, 15))
    assert backend.external_id == Attr("state-external-id", _loc(rel, 31, 7, 18))
    assert backend.duration == Attr("3600", _loc(rel, 32, 7, 15), "1h")
    assert remote.kind == "remote-state"
    assert remote.address == "data.terraform_remote_state.net"
    assert remote.role_arn == Attr("arn:aws:iam::333333333333:role/reader", _loc(rel, 41, 5, 13))
    assert model.credentials == [
        Credential("access-key-id", "access_key", None, _loc(rel, 11, 3, 13),
                   'provider "aws"', from_variable=True),
        Credential("secret-key", "secret_key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                   _loc(rel, 10, 3, 13), 'provider "aws"', from_variable=True),
        Credential("access-key-id", "access_key", "AKIAIOSFODNN7EXAMPLE", _loc(rel, 42, 5, 15),
                   "data.terraform_remote_state.net"),
    ]


def test_backend_without_role_is_ambient() -> None:
    source = SourceFile(Path("x/b.tf"), "x/b.tf", 'terraform {\n  backend "s3" {\n'
                        '    bucket = "b"\n    access_key = var.k\n  }\n}\n')
    model = terraform.parse_unit([source])
    (attempt,) = model.attempts
    assert (attempt.kind, attempt.role_arn, attempt.location) == (
        "backend", None, _loc("x/b.tf", 2, 3, 10))
    (credential,) = model.credentials
    assert (credential.value, credential.from_variable, credential.context) == (
        None, True, 'backend "s3"')


def test_backend_assume_role_block_form() -> None:
    text = ('terraform {\n  backend "s3" {\n    assume_role {\n'
            '      role_arn = "arn:aws:iam::1:role/a"\n    }\n  }\n}\n')
    model = terraform.parse_unit([SourceFile(Path("x/b.tf"), "x/b.tf", text)])
    (attempt,) = model.attempts
    assert attempt.location == _loc("x/b.tf", 3, 5, 16)
    assert attempt.role_arn == Attr("arn:aws:iam::1:role/a", _loc("x/b.tf", 4, 7, 15))


def test_web_identity_provider() -> None:
    text = ('provider "aws" {\n  assume_role_with_web_identity {\n'
            '    role_arn = "arn:aws:iam::1:role/w"\n    duration = "2h"\n  }\n}\n')
    model = terraform.parse_unit([SourceFile(Path("p.tf"), "p.tf", text)])
    (attempt,) = model.attempts
    assert attempt.module == "."
    assert attempt.role_arn is not None and attempt.role_arn.value == "arn:aws:iam::1:role/w"
    assert attempt.duration == Attr("7200", _loc("p.tf", 4, 5, 13), "2h")


def test_malformed_file_does_not_hide_the_other_files() -> None:
    model = _unit("broken")
    assert model.problems == [
        ParseProblem(Location("broken/bad.tf", 1, 16),
                     "invalid HCL: '{' opened here is never closed (end of file reached)"),
        ParseProblem(Location("broken/token.tf", 3, 10), "invalid HCL: unexpected '@oops'"),
    ]
    (attempt,) = model.attempts
    assert attempt.location.path == "broken/good.tf"
    (credential,) = model.credentials
    assert _at(credential.location) == (2, 3)


def test_files_without_relevant_blocks_are_skipped() -> None:
    source = SourceFile(Path("o.tf"), "o.tf", 'output "x" {\n  value = @@@\n}\n')
    assert terraform.parse_unit([source]) == Model()


def test_parse_duration() -> None:
    assert terraform_model.parse_duration("1h30m") == 5400
    assert terraform_model.parse_duration("900") == 900
    assert terraform_model.parse_duration("soon") is None


# --------------------------------------------------------------------------- roles


def test_roles_without_policy_builder_fields() -> None:
    model = _unit("policies")
    rel = "policies/main.tf"
    roles = {r.address: r for r in model.roles}
    assert sorted(roles) == [
        "aws_iam_role.encoded", "aws_iam_role.from_doc", "aws_iam_role.from_file",
        "aws_iam_role.heredoc", "aws_iam_role.literal", "aws_iam_role.opaque",
    ]
    encoded = roles["aws_iam_role.encoded"]
    assert encoded.name == "encoded" and encoded.location == _loc(rel, 3, 1, 9)
    assert encoded.max_session_duration == Attr("7200", _loc(rel, 5, 3, 23))
    assert encoded.trust_location == _loc(rel, 6, 3, 21)
    assert roles["aws_iam_role.opaque"].trust_known is False
    assert roles["aws_iam_role.opaque"].statements == ()


def _policy_available() -> None:
    pytest.importorskip("assume_lint.parsers.policy")


def test_role_policy_forms_with_statement_lines() -> None:
    _policy_available()
    model = _unit("policies")
    rel = "policies/main.tf"
    roles = {r.address: r for r in model.roles}

    encoded = roles["aws_iam_role.encoded"]
    assert encoded.trust_known is True
    (statement,) = encoded.statements
    assert statement.location.path == rel and statement.location.line == 8
    (principal,) = statement.principals
    assert (principal.kind, principal.value, _at(principal.location)) == (
        "AWS", "arn:aws:iam::444444444444:root", (10, 27))
    (condition,) = statement.conditions
    assert (condition.operator, condition.key, condition.values) == (
        "StringEquals", "sts:ExternalId", (None,))
    assert condition.location.line == 12

    heredoc = roles["aws_iam_role.heredoc"]
    (statement,) = heredoc.statements
    assert _at(statement.location) == (23, 9)
    (principal,) = statement.principals
    assert (principal.kind, principal.value, principal.location.line) == ("AWS", None, 25)
    assert [(a.value, a.location.line) for a in statement.actions] == [("sts:AssumeRole", 26)]

    literal = roles["aws_iam_role.literal"]
    assert literal.trust_known is True and literal.statements == ()

    from_file = roles["aws_iam_role.from_file"]
    (statement,) = from_file.statements
    assert statement.location.path == "policies/trust.json"
    assert _at(statement.location) == (4, 5)
    assert [(p.kind, p.value, p.location.line) for p in statement.principals] == [
        ("Service", "ec2.amazonaws.com", 6)]

    from_doc = roles["aws_iam_role.from_doc"]
    (statement,) = from_doc.statements
    assert statement.sid == "GitHub" and statement.effect == "Allow"
    assert _at(statement.location) == (50, 3)
    assert [(p.kind, p.location.line) for p in statement.principals] == [("Federated", 55)]
    assert [(a.value, a.location.line) for a in statement.actions] == [
        ("sts:AssumeRoleWithWebIdentity", 52)]
    (condition,) = statement.conditions
    assert (condition.operator, condition.key, condition.values) == (
        "StringLike", "token.actions.githubusercontent.com:sub", ("repo:org/repo:*",))


def test_partly_known_values_keep_their_known_parts() -> None:
    """``arn:aws:iam::${local.id}:role/deploy`` is unknown, but its role name is not."""
    from assume_lint.model import HOLE

    model = _unit("partial")
    principals = {
        role.name: [(p.kind, p.value, p.partial) for s in role.statements for p in s.principals]
        for role in model.roles
    }
    assert principals == {
        "r": [("AWS", None, f"arn:aws:iam::{HOLE}:root")],
        "j": [("Federated", None,
               f"arn:aws:iam::{HOLE}:oidc-provider/token.actions.githubusercontent.com")],
    }
    (provider,) = [a for a in model.attempts if a.kind == "provider"]
    assert provider.role_arn is not None
    assert (provider.role_arn.value, provider.role_arn.partial, provider.role_arn.pattern) == (
        None, f"arn:aws:iam::{HOLE}:role/deploy", f"arn:aws:iam::{HOLE}:role/deploy")
    assert _at(provider.role_arn.location) == (25, 17)


@pytest.mark.parametrize(("action", "is_trust"), [
    ("sts:AssumeRole", True),
    ("sts:AssumeRoleWithWebIdentity", True),
    ("sts:AssumeRole*", True),
    ("sts:*", True),  # every STS action, AssumeRole included (the one action matcher)
    ("STS:assume*", True),
    ("*", False),  # key and bucket policies grant "*" to principals too
    ("s3:GetObject", False),
    ("sts:AssumeRoleFoo", False),  # no such action
    ("sts:[A]ssumeRole", False),  # IAM has no character classes
])
def test_policy_documents_that_grant_assume_role_are_trust_documents(
    tmp_path: Path, action: str, is_trust: bool
) -> None:
    text = f"""\
data "aws_iam_policy_document" "trust" {{
  statement {{
    actions = ["{action}"]
    principals {{
      type        = "AWS"
      identifiers = ["arn:aws:iam::111111111111:root"]
    }}
  }}
}}
"""
    (tmp_path / "main.tf").write_text(text)
    source = read_source(tmp_path / "main.tf", "m/main.tf")
    assert isinstance(source, SourceFile)
    roles = terraform.parse_unit([source]).roles
    expected = ["data.aws_iam_policy_document.trust"] if is_trust else []
    assert [r.address for r in roles if r.document_only] == expected
    assert all(r.location.line == 1 for r in roles)


def test_credential_sources_profile_keys_and_partial_backends(tmp_path: Path) -> None:
    """Where callers take their source credentials from (AL301, AL303 need it)."""
    main = tmp_path / "main.tf"
    main.write_text(
        "terraform {\n"
        '  backend "s3" {}\n'
        "}\n"
        'provider "aws" {\n'
        '  profile = "tooling"\n'
        "}\n"
        'provider "aws" {\n'
        '  alias      = "keys"\n'
        "  access_key = var.key\n"
        "  secret_key = var.secret\n"
        "  assume_role {\n"
        '    role_arn = "arn:aws:iam::111111111111:role/x"\n'
        "  }\n"
        "}\n"
        'data "terraform_remote_state" "net" {\n'
        '  backend = "s3"\n'
        '  config = { bucket = "b", key = "k", profile = "net" }\n'
        "}\n",
        encoding="utf-8",
    )
    loaded = read_source(main, "m/main.tf")
    assert isinstance(loaded, SourceFile)
    attempts = terraform.parse_unit([loaded]).attempts
    found = [
        (a.kind, a.alias, a.partial, a.static_keys, a.profile.value if a.profile else None)
        for a in attempts
    ]
    assert found == [
        ("backend", None, True, False, None),  # bucket and key come at init
        ("provider", None, False, False, "tooling"),
        ("provider", "keys", False, True, None),
        ("remote-state", None, False, False, "net"),
    ]
    assert attempts[1].profile == Attr("tooling", _loc("m/main.tf", 5, 3, 10))
