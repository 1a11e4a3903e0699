"""Profile-chain resolution (assume_lint.model.profiles): chains, errors and where they point."""

from __future__ import annotations

from builders import profile

from assume_lint.model import Profile
from assume_lint.model.findings import Location
from assume_lint.model.profiles import (
    Chain,
    ChainError,
    configures_credentials,
    group_profiles,
    merge_profiles,
    resolve,
    source_assumes_role,
)

CFG = ".aws/config"
CRED = ".aws/credentials"
ARN = "arn:aws:iam::111111111111:role/r"
KEYS = {"aws_access_key_id": "AKIA2E3F4G5H6J7K2L3M", "aws_secret_access_key": "s" * 40}


def cred(name: str, props: dict[str, str | None], line: int) -> Profile:
    return profile(name, props, file_kind="credentials", line=line, path=CRED)


def _error(result: Chain | ChainError) -> ChainError:
    assert isinstance(result, ChainError), result
    return result


def _kinds(result: Chain | ChainError) -> list[tuple[str, str]]:
    assert isinstance(result, Chain), result
    return [(step.kind, step.profile) for step in result.steps]


def test_static_source_chain() -> None:
    pset = merge_profiles([profile("a", {"role_arn": ARN, "source_profile": "b"}, line=1),
                           cred("b", KEYS, 1)])
    assert _kinds(resolve(pset, "a")) == [("AccessKey", "b"), ("AssumeRole", "a")]


def test_missing_source_profile_points_at_source_profile() -> None:
    pset = merge_profiles([profile("a", {"role_arn": ARN, "source_profile": "gone"}, line=4)])
    error = _error(resolve(pset, "a"))
    assert error.message == "could not find source profile gone referenced from a"
    assert (error.profile, error.key, error.location) == ("a", "source_profile",
                                                          Location(CFG, 6, 1))
    assert error.keys_could_fix


def test_loop_points_at_closing_edge() -> None:
    pset = merge_profiles([
        profile("a", {"role_arn": ARN, "source_profile": "b"}, line=1),
        profile("b", {"role_arn": ARN, "source_profile": "c"}, line=4),
        profile("c", {"role_arn": ARN, "source_profile": "a"}, line=7),
    ])
    error = _error(resolve(pset, "a"))
    assert error.message == "profile formed an infinite loop: a -> b -> c -> a"
    assert (error.profile, error.location.line if error.location else 0) == ("c", 9)


def test_static_keys_on_a_hop_break_the_loop() -> None:
    pset = merge_profiles([
        profile("a", {"role_arn": ARN, "source_profile": "b"}, line=1),
        profile("b", {"role_arn": ARN, "source_profile": "a", **KEYS}, line=4),
    ])
    assert _kinds(resolve(pset, "a")) == [("AccessKey", "b"), ("AssumeRole", "a")]


def test_self_reference_with_keys_is_allowed() -> None:
    pset = merge_profiles([profile("a", {"role_arn": ARN, "source_profile": "a", **KEYS})])
    assert _kinds(resolve(pset, "a")) == [("AccessKey", "a"), ("AssumeRole", "a")]


def test_self_reference_without_keys_points_at_source_profile() -> None:
    pset = merge_profiles([profile("a", {"role_arn": ARN, "source_profile": "a"}, line=1)])
    error = _error(resolve(pset, "a"))
    assert error.message == (
        "could not load source profile: profile `a` did not contain credential information")
    assert error.location == Location(CFG, 3, 1)


def test_conflict_points_at_credential_source() -> None:
    pset = merge_profiles([profile("a", {"role_arn": ARN, "source_profile": "b",
                                         "credential_source": "Environment"}, line=1),
                           cred("b", KEYS, 1)])
    error = _error(resolve(pset, "a"))
    assert error.message.startswith("profile contained both source_profile and credential_source")
    assert (error.key, error.location) == ("credential_source", Location(CFG, 4, 1))
    assert not error.keys_could_fix


def test_role_without_source_points_at_role_arn() -> None:
    pset = merge_profiles([profile("a", {"region": "x", "role_arn": ARN}, line=10)])
    error = _error(resolve(pset, "a"))
    assert "must contain `source_profile` or `credential_source`" in error.message
    assert error.location == Location(CFG, 12, 1)


def test_partial_keys_in_source_point_at_the_key() -> None:
    pset = merge_profiles([profile("a", {"role_arn": ARN, "source_profile": "b"}, line=1),
                           cred("b", {"aws_access_key_id": "AKIA2E3F4G5H6J7K2L3M"}, 5)])
    error = _error(resolve(pset, "a"))
    assert error.message == "profile missing aws_secret_access_key"
    assert (error.profile, error.location) == ("b", Location(CRED, 6, 1))


def test_empty_source_points_at_the_reference() -> None:
    pset = merge_profiles([profile("a", {"role_arn": ARN, "source_profile": "b"}, line=1),
                           profile("b", {"region": "x"}, line=5)])
    error = _error(resolve(pset, "a"))
    assert error.message == (
        "could not load source profile: profile `b` did not contain credential information")
    assert (error.profile, error.location) == ("a", Location(CFG, 3, 1))


def test_web_identity_without_role_arn() -> None:
    pset = merge_profiles([profile("a", {"web_identity_token_file": "/t"}, line=1)])
    error = _error(resolve(pset, "a"))
    assert "`role_arn` was missing" in error.message
    assert error.location == Location(CFG, 2, 1)


def test_web_identity_source_and_credential_process() -> None:
    pset = merge_profiles([
        profile("a", {"role_arn": ARN, "source_profile": "b"}, line=1),
        profile("b", {"role_arn": ARN, "web_identity_token_file": "/t"}, line=4),
        profile("c", {"credential_process": "/bin/creds --x"}, line=7),
    ])
    assert _kinds(resolve(pset, "a")) == [("WebIdentityToken", "b"), ("AssumeRole", "a")]
    result = resolve(pset, "c")
    assert isinstance(result, Chain)
    assert result.base.values == (("command", "/bin/creds --x"),)


def test_sso_session_lookup_and_missing() -> None:
    session = profile("corp", {"sso_start_url": "https://x", "sso_region": "eu-west-1"},
                      line=10, section_kind="sso-session")
    pset = merge_profiles([
        profile("a", {"sso_session": "corp", "sso_account_id": "111111111111",
                      "sso_role_name": "Admin"}, line=1),
        profile("b", {"sso_session": "nope"}, line=5),
        session,
    ])
    assert _kinds(resolve(pset, "a")) == [("Sso", "a")]
    error = _error(resolve(pset, "b"))
    assert error.message == "sso-session named `nope` (referenced by profile `b`) was not found"
    assert error.location == Location(CFG, 6, 1)


def test_credentials_file_wins_and_header_problems_are_skipped() -> None:
    pset = merge_profiles([
        profile("a", {"role_arn": ARN, "source_profile": "b"}, line=1),
        cred("a", {"source_profile": "c"}, 1),
        profile("x", {"region": "y"}, line=9, header_problem="ignored"),
    ])
    assert pset.has_credentials_file
    assert set(pset.profiles) == {"a"}
    attr = pset.profiles["a"].get("source_profile")
    assert attr is not None and (attr.value, attr.location.path) == ("c", CRED)


def test_group_profiles_separates_groups() -> None:
    groups = group_profiles([profile("a", group="g1"), profile("a", group="g2")])
    assert list(groups) == ["g1", "g2"]
    assert not groups["g1"].has_credentials_file


def test_helpers() -> None:
    pset = merge_profiles([
        profile("a", {"role_arn": ARN, "source_profile": "b"}, line=1),
        profile("b", {"role_arn": ARN, "source_profile": "c"}, line=4),
        profile("c", {"role_arn": ARN, "source_profile": "d", **KEYS}, line=7),
        profile("s", {"region": "x", "output": "json"}, line=14),
    ])
    assert source_assumes_role(pset, "a")
    assert not source_assumes_role(pset, "b")  # c has static keys, which win
    assert not source_assumes_role(pset, "missing")
    assert configures_credentials(pset.profiles["a"])
    assert not configures_credentials(pset.profiles["s"])


def test_no_profiles() -> None:
    error = _error(resolve(merge_profiles([]), "default"))
    assert (error.message, error.location) == ("No profiles were defined", None)
