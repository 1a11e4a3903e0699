"""Every case of the AWS SDKs' shared profile test vectors, run against our parser,
resolver and AL206.

The vectors live in ``../shared/vectors/aws-sdk-profiles`` (copied from smithy-rs, see
SOURCE.md there). They are the SDKs' own conformance suite, so agreeing with them means
agreeing with the AWS CLI and SDKs on what a profile file says and which chains fail.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assume_lint.files.sources import SourceFile, decode
from assume_lint.model import Model
from assume_lint.model.findings import Hit
from assume_lint.model.profiles import Chain, ChainError, merge_profiles, resolve
from assume_lint.model.registry import RuleContext
from assume_lint.parsers.aws_config import parse_unit
from assume_lint.rules import al206_broken_profile_chain as al206

VECTORS = Path(__file__).resolve().parents[1].parent / "shared" / "vectors" / "aws-sdk-profiles"
MISSING = not VECTORS.is_dir()
pytestmark = pytest.mark.skipif(
    MISSING, reason=f"SDK test vectors not found at {VECTORS} (../shared is not checked out)"
)


def _load(name: str) -> Any:
    if MISSING:
        return []
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


PARSER_CASES = _load("profile-parser-tests.json")
PARSER_CASES = PARSER_CASES["tests"] if PARSER_CASES else []
ASSUME_CASES = _load("assume-role-tests.json")


def _source(rel: str, text: str) -> SourceFile:
    decoded = decode(text.encode("utf-8"))
    assert isinstance(decoded, str)
    return SourceFile(Path(rel), rel, decoded)


def _parse(case_input: dict[str, str]) -> Model:
    files = []
    if "configFile" in case_input:
        files.append(_source("v/config", case_input["configFile"]))
    if "credentialsFile" in case_input:
        files.append(_source("v/credentials", case_input["credentialsFile"]))
    return parse_unit(files)


# Where we follow botocore (the AWS CLI), which reads the files with configparser, rather
# than the other SDKs: a profile the AWS CLI accepts is no error (issue 13).
BOTOCORE = {
    "Property definitions must contain an equals sign.": {"foo": {"key": "value"}},
}


def _as_dict(sections: Any) -> dict[str, dict[str, str | None]]:
    return {
        name: {key: attr.value for key, attr in section.properties.items()}
        for name, section in sections.items()
    }


@pytest.mark.parametrize(
    "case", PARSER_CASES, ids=[f"{i:02d}-{c['name']}" for i, c in enumerate(PARSER_CASES)]
)
def test_parser_vector(case: dict[str, Any]) -> None:
    model = _parse(case["input"])
    expected = case["output"]
    if case["name"] in BOTOCORE:  # `key : value`: the AWS CLI reads it
        assert model.problems == []
        assert _as_dict(merge_profiles(model.profiles).profiles) == BOTOCORE[case["name"]]
        return
    if "errorContaining" in expected:
        messages = [problem.message for problem in model.problems]
        assert any(expected["errorContaining"] in m for m in messages), messages
        return
    assert model.problems == []
    merged = merge_profiles(model.profiles)
    assert _as_dict(merged.profiles) == expected["config"]["profiles"]
    if "sso_sessions" in expected["config"]:
        assert _as_dict(merged.sso_sessions) == expected["config"]["sso_sessions"]


# --------------------------------------------------------------------------- assume-role


def _ini(sections: dict[str, dict[str, str]], prefix: str) -> str:
    lines = []
    for name, props in sections.items():
        lines.append(f"[{prefix}{name}]")
        lines.extend(f"{key} = {value}" for key, value in props.items())
    return "\n".join(lines) + "\n"


def _assume_model(case_input: dict[str, Any]) -> Model:
    """Write the case's profiles to a credentials file and its sso-sessions to config,
    then parse them: the whole stack, from text to AL206."""
    files = [_source("v/credentials", _ini(case_input["profiles"], ""))]
    sessions = case_input.get("sso_sessions") or {}
    files.append(_source("v/config", _ini(sessions, "sso-session ")))
    return parse_unit(files)


def _chain_output(chain: Chain) -> list[dict[str, Any]]:
    """Our chain in the vectors' shape (NamedSource is a bare string there)."""
    out: list[dict[str, Any]] = []
    for step in chain.steps:
        values = dict(step.values)
        if step.kind == "NamedSource":
            out.append({"NamedSource": values["name"]})
        else:
            out.append({step.kind: values})
    return out


def _hits(model: Model) -> list[Hit]:
    return list(al206.check(model, RuleContext()))


# Error cases the SDK reports when that profile is *selected*, but that are not broken
# configuration: a profile holding only settings lets the default credential chain move
# on to the environment or instance role, and an empty file has nothing to lint.
NOT_A_LINT_ERROR = {
    "profile only contains configuration",
    "missing root profile (should never happen in practice)",
}


@pytest.mark.parametrize(
    "case", ASSUME_CASES, ids=[f"{i:02d}-{c['docs']}" for i, c in enumerate(ASSUME_CASES)]
)
def test_assume_role_vector(case: dict[str, Any]) -> None:
    model = _assume_model(case["input"])
    assert model.problems == []
    profiles = merge_profiles(model.profiles)
    result = resolve(profiles, case["input"]["selected_profile"])
    expected = case["output"]
    hits = _hits(model)
    arn_hits = [h for h in hits if "role_arn" in h.message and "not a valid role ARN" in h.message]
    chain_hits = [h for h in hits if h not in arn_hits]
    if "Error" in expected:
        assert isinstance(result, ChainError), result
        assert expected["Error"] in result.message
        if case["docs"] in NOT_A_LINT_ERROR:
            assert chain_hits == []
        else:
            assert chain_hits, "AL206 should report the broken chain"
            assert result.location in {h.location for h in chain_hits}
        return
    assert isinstance(result, Chain), result
    assert _chain_output(result) == expected["ProfileChain"]
    assert chain_hits == []
    # The vectors write 9-digit accounts (arn:aws:iam::123456789:role/RoleA); AL206's
    # format check rightly flags exactly those ARNs and nothing else.
    bad_arns = {
        attr.value
        for profile in model.profiles
        for key, attr in profile.properties
        if key == "role_arn"
    }
    assert all(a is not None and ":123456789:" in a for a in bad_arns)
    assert len(arn_hits) == sum(
        1 for p in model.profiles for k, _ in p.properties if k == "role_arn"
    )


def test_every_case_is_run() -> None:
    """Guard against a vector file silently shrinking or changing shape."""
    assert len(PARSER_CASES) == 65
    assert len(ASSUME_CASES) == 28


LOOP_CASES = [c for c in ASSUME_CASES if "infinite loop" in str(c["output"].get("Error", ""))]


@pytest.mark.parametrize("case", LOOP_CASES, ids=[c["docs"] for c in LOOP_CASES])
def test_loop_vectors_are_reported_from_the_config_alone(case: dict[str, Any]) -> None:
    """The SDKs fail on a source_profile loop whatever the credentials file holds: the
    same profiles written to a config file only (no credentials file) still give AL206,
    at the reference that closes the loop."""
    profiles = {
        (name if name == "default" else f"profile {name}"): props
        for name, props in case["input"]["profiles"].items()
    }
    model = parse_unit([_source("v/config", _ini(profiles, ""))])
    result = resolve(merge_profiles(model.profiles), case["input"]["selected_profile"])
    assert isinstance(result, ChainError) and result.loop
    hits = _hits(model)
    assert result.location in {h.location for h in hits}
    assert any("only static keys" in h.message for h in hits)


def test_there_are_loop_vectors() -> None:
    assert len(LOOP_CASES) == 2
