"""The dotenv parser: keys, quotes, exports, references, role variables (exact)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assume_lint.files.sources import SourceFile
from assume_lint.model import AssumeAttempt, Attr, Credential, Model
from assume_lint.model.findings import Location
from assume_lint.parsers.env_files import parse_unit

FIXTURES = Path(__file__).parent / "fixtures" / "env"
REL = "app/.env"
CTX = f"env file {REL}"


def _at(line: int, col: int, end_col: int, end_line: int | None = None) -> Location:
    return Location(REL, line, col, line if end_line is None else end_line, end_col)


def _parse(text: str) -> Model:
    return parse_unit([SourceFile(Path(REL), REL, text)])


def test_fixture_exact() -> None:
    path = FIXTURES / ".env"
    model = parse_unit([SourceFile(path, REL, path.read_text(encoding="utf-8"))])
    assert model.problems == []
    assert model.credentials == [
        Credential("access-key-id", "AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE",
                   _at(3, 19, 39), CTX),
        Credential("secret-key", "AWS_SECRET_ACCESS_KEY",
                   "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", _at(4, 33, 73), CTX),
        Credential("session-token", "AWS_SESSION_TOKEN", None, _at(5, 20, 36), CTX,
                   from_variable=True),
    ]
    dev = "arn:aws:iam::111111111111:role/dev"
    assert model.attempts == [
        AssumeAttempt(
            kind="env",
            caller=CTX,
            address=f"{REL}#AWS_ROLE_ARN",
            location=_at(8, 1, 13),
            role_arn=Attr(dev, _at(8, 14, 48), dev),
            session_name=Attr("alice", _at(9, 23, 28), "alice"),
        ),
        AssumeAttempt(
            kind="env",
            caller=CTX,
            address=f"{REL}#TERRAGRUNT_IAM_ROLE",
            location=_at(10, 1, 20),
            role_arn=Attr(None, _at(10, 21, 29), "$TG_ROLE"),
        ),
    ]


@pytest.mark.parametrize(
    ("line", "value", "col", "end_col"),
    [
        ("AWS_ACCESS_KEY_ID=abc", "abc", 19, 22),
        ("AWS_ACCESS_KEY_ID = abc  ", "abc", 21, 24),
        ("  export AWS_ACCESS_KEY_ID=abc # comment", "abc", 28, 31),
        ("AWS_ACCESS_KEY_ID=abc#not-a-comment", "abc#not-a-comment", 19, 36),
        ("AWS_ACCESS_KEY_ID='a b # c'", "a b # c", 20, 27),
        ('AWS_ACCESS_KEY_ID="a\\"b" # c', 'a"b', 20, 24),
        ("AWS_ACCESS_KEY_ID='$NOT_A_REF'", "$NOT_A_REF", 20, 30),
        ("AWS_ACCESS_KEY_ID=cost$", "cost$", 19, 24),
    ],
)
def test_value_forms_and_columns(line: str, value: str, col: int, end_col: int) -> None:
    model = _parse(line + "\n")
    assert model.credentials == [
        Credential("access-key-id", "AWS_ACCESS_KEY_ID", value, _at(1, col, end_col), CTX)
    ]


@pytest.mark.parametrize(
    "line",
    [
        "AWS_SECRET_ACCESS_KEY=${SECRET}",
        "AWS_SECRET_ACCESS_KEY=$SECRET",
        'AWS_SECRET_ACCESS_KEY="${SECRET}"',
        "AWS_SECRET_ACCESS_KEY=prefix-${SECRET}",
    ],
)
def test_references_are_from_variable(line: str) -> None:
    [credential] = _parse(line + "\n").credentials
    assert (credential.value, credential.from_variable) == (None, True)
    assert credential.location.column in (23, 24)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "# AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n",
        "AWS_ACCESS_KEY_ID=\n",
        "AWS_ACCESS_KEY_ID=''\n",
        'AWS_ACCESS_KEY_ID=""\n',
        "AWS_ACCESS_KEY_ID   # no equals sign\n",
        "AWS_ACCESS_KEY_ID AKIAIOSFODNN7EXAMPLE\n",
        "1AWS=x\n",
        "AWS_ACCESS_KEY_ID=\"unterminated\n",
        "AWS_ACCESS_KEY_ID='unterminated\nB='x'\n",
        "aws_access_key_id=AKIAIOSFODNN7EXAMPLE\n",  # dotenv keys are case-sensitive
    ],
)
def test_nothing_found(text: str) -> None:
    assert _parse(text) == Model()


def test_malformed_lines_are_skipped_not_errors() -> None:
    model = _parse("garbage line\n=nokey\nAWS_ACCESS_KEY_ID=k1\n'oops\n")
    assert model.problems == []
    assert [c.location.line for c in model.credentials] == [3]


def test_multiline_double_quoted_value() -> None:
    model = _parse('A=1\nAWS_SESSION_TOKEN="line1\nline2"  # c\nAWS_ACCESS_KEY_ID=k\n')
    assert model.credentials == [
        Credential("session-token", "AWS_SESSION_TOKEN", "line1\nline2",
                   _at(2, 20, 6, end_line=3), CTX),
        Credential("access-key-id", "AWS_ACCESS_KEY_ID", "k", _at(4, 19, 20), CTX),
    ]


def test_every_assignment_on_disk_is_reported_but_last_role_wins() -> None:
    model = _parse(
        "AWS_ACCESS_KEY_ID=first\nAWS_ACCESS_KEY_ID=second\n"
        "AWS_ROLE_ARN=arn:aws:iam::111111111111:role/a\n"
        "AWS_ROLE_ARN=arn:aws:iam::222222222222:role/b\n"
    )
    assert [c.value for c in model.credentials] == ["first", "second"]
    assert len(model.attempts) == 1
    role = model.attempts[0].role_arn
    assert role is not None and role.value == "arn:aws:iam::222222222222:role/b"
    assert model.attempts[0].location == _at(4, 1, 13)


def test_terragrunt_role_with_session_and_duration() -> None:
    model = _parse(
        "TERRAGRUNT_IAM_ROLE=arn:aws:iam::111111111111:role/tg\n"
        "TERRAGRUNT_IAM_ASSUME_ROLE_SESSION_NAME=ci\n"
        "TERRAGRUNT_IAM_ASSUME_ROLE_DURATION=7200\n"
    )
    [attempt] = model.attempts
    assert attempt.address == f"{REL}#TERRAGRUNT_IAM_ROLE"
    assert attempt.session_name == Attr("ci", _at(2, 41, 43), "ci")
    assert attempt.duration == Attr("7200", _at(3, 37, 41), "7200")


def test_empty_role_is_no_attempt() -> None:
    assert _parse("AWS_ROLE_ARN=\nTERRAGRUNT_IAM_ROLE=''\n").attempts == []


def test_secret_values_never_reach_attr_sources() -> None:
    model = _parse("AWS_ROLE_ARN=$ROLE\nAWS_SECRET_ACCESS_KEY=topsecretvalue\n")
    assert [a.role_arn.source for a in model.attempts if a.role_arn] == ["$ROLE"]


def test_multiple_files_in_one_unit() -> None:
    files = [
        SourceFile(Path("a.env"), "a.env", "AWS_ACCESS_KEY_ID=k\n"),
        SourceFile(Path(".env.prod"), ".env.prod", "AWS_SESSION_TOKEN=t\n"),
    ]
    model = parse_unit(files)
    assert [(c.location.path, c.context) for c in model.credentials] == [
        ("a.env", "env file a.env"),
        (".env.prod", "env file .env.prod"),
    ]
