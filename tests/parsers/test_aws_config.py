"""The AWS config/credentials parser: exact profiles, keys, attempts and problems."""

from __future__ import annotations

from pathlib import Path

import pytest

from assume_lint.files.sources import SourceFile, decode, read_source
from assume_lint.model import AssumeAttempt, Attr, Credential, ParseProblem, Profile
from assume_lint.model.findings import Location
from assume_lint.parsers import aws_config
from assume_lint.parsers.aws_config import parse_unit

FIXTURES = Path(__file__).parent / "fixtures" / "aws_config"


def _fixture(folder: str) -> list[SourceFile]:
    files = []
    for name in ("config", "credentials"):
        path = FIXTURES / folder / name
        if path.exists():
            source = read_source(path, f"{folder}/{name}")
            assert isinstance(source, SourceFile)
            files.append(source)
    return files


def _src(rel: str, text: str) -> SourceFile:
    return SourceFile(Path(rel), rel, text)


def _at(path: str, line: int, col: int, end_col: int) -> Location:
    return Location(path, line, col, line, end_col)


def _a(value: str, path: str, line: int, col: int, source: str | None = None) -> Attr:
    return Attr(value, _at(path, line, col, col + len(value)), value if source is None else source)


def _props(profile: Profile) -> dict[str, str | None]:
    return {key: attr.value for key, attr in profile.properties}


# --------------------------------------------------------------------------- fixtures


def test_basic_pair_profiles_exact() -> None:
    model = parse_unit(_fixture("basic"))
    cfg, cred = "basic/config", "basic/credentials"
    assert model.problems == []
    assert model.profiles == [
        Profile("default", "basic", "config", _at(cfg, 2, 1, 10),
                (("region", _a("eu-west-1", cfg, 3, 10)),)),
        Profile("deploy", "basic", "config", _at(cfg, 5, 1, 17), (
            ("role_arn", _a("arn:aws:iam::111111111111:role/deploy", cfg, 6, 12)),
            ("source_profile", _a("base", cfg, 7, 18)),
            ("external_id", _a("ext-123", cfg, 8, 15)),
            ("role_session_name", _a("ci", cfg, 9, 21)),
            ("duration_seconds", _a("3600", cfg, 10, 20)),
            ("mfa_serial", _a("arn:aws:iam::222222222222:mfa/alice", cfg, 11, 14)),
        )),
        Profile("admin", "basic", "config", _at(cfg, 13, 1, 16), (
            ("role_arn", _a("arn:aws:iam::111111111111:role/admin", cfg, 14, 12)),
            ("source_profile", _a("deploy", cfg, 15, 18)),
        )),
        Profile("corp", "basic", "config", _at(cfg, 17, 1, 19), (
            ("sso_start_url", _a("https://corp.awsapps.com/start", cfg, 18, 17)),
            ("sso_region", _a("eu-west-1", cfg, 19, 14)),
        ), section_kind="sso-session"),
        Profile("local", "basic", "config", _at(cfg, 21, 1, 17), (
            ("s3", Attr("\nendpoint_url = http://localhost:4566",
                        Location(cfg, 22, 5, 23, 39),
                        "\nendpoint_url = http://localhost:4566")),
        ), section_kind="services"),
        Profile("base", "basic", "credentials", _at(cred, 1, 1, 7), (
            ("aws_access_key_id", _a("AKIA2E3F4G5H6J7K2L3M", cred, 2, 21, "")),
            ("aws_secret_access_key",
             _a("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", cred, 3, 25, "")),
        )),
    ]


def test_basic_pair_credentials_exact() -> None:
    model = parse_unit(_fixture("basic"))
    cred = "basic/credentials"
    assert model.credentials == [
        Credential("access-key-id", "aws_access_key_id", "AKIA2E3F4G5H6J7K2L3M",
                   _at(cred, 2, 21, 41), "profile base"),
        Credential("secret-key", "aws_secret_access_key",
                   "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", _at(cred, 3, 25, 65),
                   "profile base"),
    ]


def test_basic_pair_attempts_exact() -> None:
    model = parse_unit(_fixture("basic"))
    cfg = "basic/config"
    deploy_arn = _a("arn:aws:iam::111111111111:role/deploy", cfg, 6, 12)
    admin_arn = _a("arn:aws:iam::111111111111:role/admin", cfg, 14, 12)
    assert model.attempts == [
        AssumeAttempt(
            kind="profile", caller="profile deploy", address="basic/profile deploy",
            location=deploy_arn.location, role_arn=deploy_arn,
            external_id=_a("ext-123", cfg, 8, 15), session_name=_a("ci", cfg, 9, 21),
            duration=_a("3600", cfg, 10, 20),
            mfa_serial=_a("arn:aws:iam::222222222222:mfa/alice", cfg, 11, 14),
            chained=False,  # its source profile `base` has static keys
        ),
        AssumeAttempt(
            kind="profile", caller="profile admin", address="basic/profile admin",
            location=admin_arn.location, role_arn=admin_arn, chained=True,
        ),
    ]


def test_header_problems_in_both_files() -> None:
    model = parse_unit(_fixture("broken"))
    flagged = {(p.name, p.file_kind, p.location.line): p.header_problem
               for p in model.profiles if p.header_problem}
    assert set(flagged) == {("staging", "config", 22), ("ops", "credentials", 5)}
    assert "write [profile staging]" in (flagged[("staging", "config", 22)] or "")
    assert "write [ops]" in (flagged[("ops", "credentials", 5)] or "")
    # keys under an ignored header are still keys on disk
    ops_keys = [c.location.line for c in model.credentials if c.context == "profile ops"]
    assert ops_keys == [6, 7]
    # but an ignored section makes no attempt and no merged profile
    assert "profile ops" not in {a.caller for a in model.attempts}


def test_malformed_input_reports_and_keeps_reading() -> None:
    model = parse_unit(_fixture("malformed"))
    path = "malformed/config"
    assert model.problems == [
        ParseProblem(Location(path, 1, 1), "Expected a profile definition"),
        ParseProblem(Location(path, 4, 1), "Expected an '=' sign defining a property"),
        ParseProblem(Location(path, 5, 3), "Expected a property definition, found continuation"),
        ParseProblem(Location(path, 6, 13), "Profile definition must end with ']'"),
        ParseProblem(Location(path, 11, 1), "Property did not have a name"),
    ]
    assert [(p.name, p.location.line, _props(p)) for p in model.profiles] == [
        ("ok", 2, {"region": "eu-west-1"}),
        ("after", 8, {"role_arn": "arn:aws:iam::111111111111:role/after",
                      "credential_source": "Environment"}),
    ]
    # the role_arn under the broken header `[profile cut` belongs to no profile
    assert [a.caller for a in model.attempts] == ["profile after"]


# --------------------------------------------------------------------------- syntax


def test_comments_and_values() -> None:
    text = (
        "[profile a] ; header comment\n"
        "k1 = v1 # comment\n"
        "k2 = v2;kept\n"
        "K3 =\tx = y \t\n"
        "# full-line comment\n"
        "k4 = first\n"
        "  second # kept in a continuation\n"
    )
    (profile,) = parse_unit([_src("config", text)]).profiles
    assert profile.location == Location("config", 1, 1, 1, 12)
    assert _props(profile) == {"k1": "v1", "k2": "v2;kept", "k3": "x = y",
                               "k4": "first\nsecond # kept in a continuation"}
    k4 = profile.get("k4")
    assert k4 is not None and k4.location == Location("config", 6, 6, 7, 34)


def test_invalid_key_names_are_dropped_not_reported() -> None:
    model = parse_unit([_src("config", "[profile a]\nin valid = 1\nok = 2\n")])
    assert model.problems == []
    assert _props(model.profiles[0]) == {"ok": "2"}


def test_profile_default_hides_default_in_config() -> None:
    text = "[default]\nregion = a\n[profile default]\nregion = b\n"
    model = parse_unit([_src(".aws/config", text)])
    assert [(p.name, p.location.line, p.header_problem is not None) for p in model.profiles] == [
        ("default", 1, True),
        ("default", 3, False),
    ]


def test_duplicate_sections_merge_at_first_header() -> None:
    text = "[profile a]\nx = 1\n[profile b]\n[profile a]\nx = 2\ny = 3\n"
    model = parse_unit([_src("config", text)])
    a = model.profiles[0]
    assert (a.name, a.location.line, _props(a)) == ("a", 1, {"x": "2", "y": "3"})
    x = a.get("x")
    assert x is not None and x.location.line == 5


def test_invalid_profile_name_is_a_header_problem() -> None:
    model = parse_unit([_src("config", "[profile foo!bar]\nregion = x\n")])
    (profile,) = model.profiles
    assert profile.name == "foo!bar"
    assert profile.header_problem is not None and "not a valid name" in profile.header_problem


def test_unknown_prefix_sections_are_not_profiles() -> None:
    model = parse_unit([_src("config", "[plugins x]\nfoo = bar\n[profile a]\n")])
    assert [p.name for p in model.profiles] == ["a"]


def test_sso_session_in_credentials_is_ignored() -> None:
    model = parse_unit([_src("credentials", "[sso-session corp]\nsso_region = x\n")])
    (profile,) = model.profiles
    assert profile.section_kind == "sso-session"
    assert profile.header_problem is not None


def test_session_token_and_empty_keys() -> None:
    text = "[a]\naws_session_token = FQoGZXIvYXdzEXAMPLE\naws_access_key_id =\n"
    model = parse_unit([_src("credentials", text)])
    assert [(c.kind, c.location.line, c.context) for c in model.credentials] == [
        ("session-token", 2, "profile a"),
    ]
    assert model.profiles[0].get("aws_session_token") == Attr(
        "FQoGZXIvYXdzEXAMPLE", Location("credentials", 2, 21, 2, 40), "")


def test_credentials_file_wins_in_attempts() -> None:
    files = [
        _src("team/config", "[profile a]\nrole_arn = arn:aws:iam::111111111111:role/x\n"
                            "credential_source = Environment\n"),
        _src("team/credentials", "[a]\nexternal_id = from-creds\n"),
    ]
    (attempt,) = parse_unit(files).attempts
    assert attempt.external_id == _a("from-creds", "team/credentials", 2, 15)
    assert attempt.address == "team/profile a"


@pytest.mark.parametrize(
    ("name", "kind"),
    [("config", "config"), ("credentials", "credentials"), ("dev.aws-config", "config"),
     ("prod-credentials.ini", "credentials"), ("aws.ini", "config")],
)
def test_file_kind(name: str, kind: str) -> None:
    assert aws_config.file_kind(f"x/{name}") == kind


def test_several_config_like_files_are_separate_sets() -> None:
    files = [_src("envs/dev.aws-config", "[profile a]\nrole_arn = arn:aws:iam::111111111111:"
                  "role/x\nsource_profile = b\n"),
             _src("envs/prod.aws-config", "[profile b]\nrole_arn = arn:aws:iam::111111111111:"
                  "role/y\ncredential_source = Environment\n")]
    model = parse_unit(files)
    assert {p.name: p.group for p in model.profiles} == {
        "a": "envs/dev.aws-config", "b": "envs/prod.aws-config"}
    assert [a.chained for a in model.attempts] == [False, False]


def test_single_nonstandard_file_uses_folder_group() -> None:
    model = parse_unit([_src("ci/dev.aws-config", "[profile a]\n")])
    assert model.profiles[0].group == "ci"


# --------------------------------------------------------------------------- hostile


def test_binary_junk_and_crlf_do_not_crash() -> None:
    decoded = decode(b"\x01\x02\xff\xfe\r\n[profile a]\r\nx = 1\n\xef\xbb\xbf[\n]]]]\n===\n"
                     .replace(b"\xff\xfe", b"\x7f"))
    assert isinstance(decoded, str)
    model = parse_unit([_src("config", decoded)])
    assert [(p.location.line, p.message) for p in model.problems] == [
        (1, "Expected a profile definition"),
        (4, "Expected an '=' sign defining a property"),
        (5, "Expected an '=' sign defining a property"),
        (6, "Property did not have a name"),
    ]
    assert [p.name for p in model.profiles] == ["a"]


def test_huge_file_is_linear() -> None:
    text = "[profile a]\nk = v\n" + " -cont\n" * 200_000
    (profile,) = parse_unit([_src("config", text)]).profiles
    value = profile.get("k")
    assert value is not None and value.location.end_line == 200_002


def test_empty_unit() -> None:
    model = parse_unit([])
    assert (model.profiles, model.problems, model.attempts) == ([], [], [])


def test_colon_delimited_properties_are_read_like_botocore() -> None:
    """`key: value` is what botocore's configparser accepts (the AWS CLI reads it)."""
    from conftest import FIXTURES, lint_fixture

    tree = FIXTURES / "aws_config_colon"
    assert lint_fixture(tree) == []  # no AL900, no AL206 for the `:` profiles
    path = tree / ".aws" / "config"
    model = parse_unit([SourceFile(path, ".aws/config", path.read_text(encoding="utf-8"))])
    assert model.problems == []
    deploy = next(p for p in model.profiles if p.name == "deploy")
    role = deploy.get("role_arn")
    assert role is not None and role.value == "arn:aws:iam::111111111111:role/deploy"
    assert (role.location.line, role.location.column) == (7, 11)
    source = deploy.get("source_profile")
    assert source is not None and source.value == "default"


@pytest.mark.parametrize(
    ("line", "key", "value"),
    [
        ("role_arn: arn:aws:iam::1:role/x", "role_arn", "arn:aws:iam::1:role/x"),
        ("sso_start_url = https://acme.awsapps.com/start", "sso_start_url",
         "https://acme.awsapps.com/start"),
        ("credential_process = tool --opt=a:b", "credential_process", "tool --opt=a:b"),
        ("region:eu-west-1", "region", "eu-west-1"),
    ],
)
def test_the_first_delimiter_wins(line: str, key: str, value: str) -> None:
    from assume_lint.parsers.aws_config import split_property

    found = split_property(line)
    assert not isinstance(found, str) and found[:2] == (key, value)
