"""One trust policy, six formats, the same findings, each at its own line.

The policy trusts ``{"AWS": "*"}`` guarded only by an ExternalId (AL101), a partner
account root with no ExternalId (AL102), and an account root whose MFA condition is
``BoolIfExists`` (AL102, as that condition is no MFA, and AL104). Written as a standalone
JSON policy, Terraform ``jsonencode``, a Terraform heredoc, an ``aws_iam_policy_document``,
a CloudFormation YAML template (``!Ref``, ``!Sub``, ``!Join``) and a CloudFormation JSON
template (``Fn::Sub``, ``Fn::Join``). The expected lines and columns were counted by hand
in each fixture: they point at the principal value and at the condition key.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assume_lint.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "six_formats"
PREFIX = "tests/fixtures/six_formats"

# rule id, line, column of: AL101 (the "*"), AL102 (partner root), AL102 (admin root),
# AL104 (the aws:MultiFactorAuthPresent key).
CASES = {
    "json": ("json/vendor-trust.json", [(7, 28), (14, 28), (20, 28), (22, 38)]),
    "jsonencode": ("jsonencode/main.tf", [(9, 29), (16, 29), (22, 29), (24, 40)]),
    "heredoc": ("heredoc/main.tf", [(10, 32), (17, 32), (23, 32), (25, 42)]),
    "policy_document": ("policy_document/main.tf", [(8, 22), (23, 22), (33, 22), (37, 18)]),
    "cfn_yaml": ("cfn_yaml/template.yaml", [(21, 20), (29, 20), (34, 20), (38, 17)]),
    "cfn_json": ("cfn_json/template.json", [(17, 36), (24, 36), (30, 36), (32, 46)]),
}
RULES = ["AL101", "AL102", "AL102", "AL104"]
DEFAULTS = " (with the template's default parameters)"


def _run(path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    code = main([str(path), "-f", "json", "--no-config", "--no-cache"])
    out = capsys.readouterr().out
    document = json.loads(out[: out.rindex("}") + 1])
    assert isinstance(document, dict)
    document["exit"] = code
    return document


@pytest.mark.parametrize("fmt", sorted(CASES))
def test_same_findings_in_every_format(
    fmt: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    rel, positions = CASES[fmt]
    document = _run(FIXTURES / rel, capsys)
    findings = document["findings"]
    assert isinstance(findings, list)
    got = sorted((f["line"], f["column"], f["rule_id"]) for f in findings)
    expected = sorted(
        (line, column, rule) for (line, column), rule in zip(positions, RULES, strict=True)
    )
    assert got == expected
    assert {f["path"] for f in findings} == {f"{PREFIX}/{rel}"}
    assert document["exit"] != 0


def test_every_format_is_covered() -> None:
    """Six formats, six fixture folders: none forgotten, none extra."""
    folders = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())
    assert folders == sorted(CASES)
    assert len(CASES) == 6


@pytest.mark.parametrize("fmt", sorted(CASES))
def test_same_messages_modulo_role_name(
    fmt: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The role is named vendor-trust everywhere, so messages are identical too."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    document = _run(FIXTURES / CASES[fmt][0], capsys)
    reference = _run(FIXTURES / CASES["json"][0], capsys)

    def messages(doc: dict[str, object]) -> list[tuple[str, str]]:
        found = doc["findings"]
        assert isinstance(found, list)
        return sorted((f["rule_id"], f["message"].removesuffix(DEFAULTS)) for f in found)

    assert messages(document) == messages(reference)
    if fmt.startswith("cfn"):
        # The partner account comes from a parameter default: that finding, and only
        # that one, says so (the others hold whatever the parameters).
        phrased = [f for f in document["findings"] if f["message"].endswith(DEFAULTS)]
        assert [(f["rule_id"], f["line"]) for f in phrased] == [("AL102", CASES[fmt][1][1][0])]
