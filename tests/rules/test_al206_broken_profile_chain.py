"""AL206 broken-profile-chain: profiles whose credential chain the SDKs reject."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from builders import model, profile

from assume_lint.files.sources import SourceFile, read_source
from assume_lint.model import Profile
from assume_lint.model.findings import Severity
from assume_lint.model.registry import RuleContext
from assume_lint.parsers.aws_config import parse_unit
from assume_lint.rules import al206_broken_profile_chain as rule

ARN = "arn:aws:iam::111111111111:role/deploy"
KEYS = {"aws_access_key_id": "AKIA2E3F4G5H6J7K2L3M", "aws_secret_access_key": "s" * 40}
FIXTURES = Path(__file__).parents[1] / "parsers" / "fixtures" / "aws_config"


def cred(name: str, props: dict[str, str | None], line: int = 1, **extra: Any) -> Profile:
    return profile(name, props, file_kind="credentials", line=line, path=".aws/credentials",
                   **extra)


def run(*profiles: Profile) -> list[tuple[str, int]]:
    hits = rule.check(model(profiles=profiles), RuleContext())
    return [(rule.RULE.id, h.location.line) for h in hits]


CREDS = cred("base", KEYS, line=1)

CASES = [
    ("static source is fine",
     [profile("a", {"role_arn": ARN, "source_profile": "base"}), CREDS], []),
    ("credential_source is fine",
     [profile("a", {"role_arn": ARN, "credential_source": "Ec2InstanceMetadata"})], []),
    ("settings-only profile is fine", [profile("a", {"region": "eu-west-1"})], []),
    ("self reference with keys is fine",
     [profile("a", {"role_arn": ARN, "source_profile": "a", **KEYS})], []),
    ("hardware mfa serial is fine",
     [profile("a", {"role_arn": ARN, "credential_source": "Environment",
                    "mfa_serial": "GAHT12345678"})], []),
    ("role_arn without a source", [profile("a", {"role_arn": ARN}, line=3)], [("AL206", 4)]),
    ("missing source profile",
     [profile("a", {"role_arn": ARN, "source_profile": "nope"}, line=1), CREDS],
     [("AL206", 3)]),
    ("missing source profile, no credentials file scanned: silent",
     [profile("a", {"role_arn": ARN, "source_profile": "nope"}, line=1)], []),
    ("cycle: one finding per edge",
     [profile("a", {"role_arn": ARN, "source_profile": "b"}, line=1),
      profile("b", {"role_arn": ARN, "source_profile": "a"}, line=5), CREDS],
     [("AL206", 7), ("AL206", 3)]),
    ("source_profile and credential_source",
     [profile("a", {"role_arn": ARN, "source_profile": "base",
                    "credential_source": "Environment"}, line=1)],
     [("AL206", 4)]),
    ("partial keys reported once",
     [profile("a", {"role_arn": ARN, "source_profile": "b"}, line=1),
      cred("b", {"aws_secret_access_key": "s" * 40}, line=10)],
     [("AL206", 11)]),
    ("web identity without role_arn",
     [profile("a", {"web_identity_token_file": "/var/run/token"}, line=6)], [("AL206", 7)]),
    ("[profile x] in credentials",
     [cred("ops", KEYS, line=8, header_problem="[profile ops] in a credentials file ...")],
     [("AL206", 8)]),
    ("malformed role_arn",
     [profile("a", {"role_arn": "arn:aws:iam::1234:role/x",
                    "credential_source": "Environment"}, line=1)],
     [("AL206", 2)]),
    ("role_arn that is a user ARN",
     [profile("a", {"credential_source": "Environment",
                    "role_arn": "arn:aws:iam::111111111111:user/bob"}, line=1)],
     [("AL206", 3)]),
    ("malformed mfa_serial",
     [profile("a", {"role_arn": ARN, "credential_source": "Environment",
                    "mfa_serial": "alice-phone"}, line=1)],
     [("AL206", 4)]),
    ("unresolved values stay silent",
     [profile("a", {"role_arn": None, "credential_source": "Environment",
                    "mfa_serial": None})], []),
    ("sso-session missing",
     [profile("a", {"sso_session": "corp", "sso_account_id": "111111111111",
                    "sso_role_name": "Admin"}, line=2)],
     [("AL206", 3)]),
]


@pytest.mark.parametrize(("case_id", "profiles", "expected"), CASES, ids=[c[0] for c in CASES])
def test_cases(case_id: str, profiles: list[Profile], expected: list[tuple[str, int]]) -> None:
    assert run(*profiles) == expected


def test_meta() -> None:
    assert (rule.RULE.id, rule.RULE.name, rule.RULE.severity) == (
        "AL206", "broken-profile-chain", Severity.HIGH)
    for heading in ("## What it does", "## Why is this bad?", "## Example", "Use instead:",
                    "## References"):
        assert heading in (rule.__doc__ or "")


def test_key_and_message_name_the_profile_at_fault() -> None:
    profiles = [profile("a", {"role_arn": ARN, "source_profile": "b"}, line=1),
                cred("b", {"aws_access_key_id": "AKIA2E3F4G5H6J7K2L3M"}, line=10)]
    (hit,) = rule.check(model(profiles=profiles), RuleContext())
    assert hit.key == "profile .aws/b"
    assert hit.message == ("Profile `b` breaks the credential chain of profile `a`: "
                           "profile missing aws_secret_access_key")
    assert "AKIA" not in hit.message


def _fixture(folder: str) -> list[SourceFile]:
    files = []
    for name in ("config", "credentials"):
        path = FIXTURES / folder / name
        if path.exists():
            source = read_source(path, f"{folder}/{name}")
            assert isinstance(source, SourceFile)
            files.append(source)
    return files


def test_end_to_end_broken_fixture() -> None:
    hits = rule.check(parse_unit(_fixture("broken")), RuleContext())
    assert [(h.location.path, h.location.line, h.location.column, h.key) for h in hits] == [
        ("broken/config", 22, 1, "profile broken/staging"),       # [staging] in config
        ("broken/credentials", 5, 1, "profile broken/ops"),       # [profile ops] in creds
        ("broken/config", 7, 18, "profile broken/loop-b"),        # loop-a -> loop-b -> loop-a
        ("broken/config", 3, 18, "profile broken/loop-a"),        # loop-b -> loop-a -> loop-b
        ("broken/config", 11, 18, "profile broken/orphan"),       # source_profile = nowhere
        ("broken/config", 16, 21, "profile broken/both"),         # + credential_source
        ("broken/config", 19, 12, "profile broken/typo"),         # arn:aws:iam:1111...
    ]


def test_end_to_end_clean_fixture() -> None:
    assert list(rule.check(parse_unit(_fixture("basic")), RuleContext())) == []
