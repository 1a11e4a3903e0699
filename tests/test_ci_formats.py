"""``-f github`` and ``-f gitlab``: the formats CI systems read natively.

Checked against their documented shapes, written here by hand rather than taken from
our own output: GitHub's workflow commands (``::LEVEL file=..,line=..,col=..,
endLine=..,endColumn=..,title=..::message``, with the runner's escaping of ``%``, CR, LF
and, in properties, ``:`` and ``,``) and GitLab's Code Quality report (an array of issues
with description, check_name, fingerprint, severity in GitLab's five words, location.path
and location.lines.begin). Both through the CLI on a real tree, with a secret in the
tree that must come out masked.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from test_formatters import RULES, finding, secret_result

from assume_lint.cli import main
from assume_lint.formatters import render
from assume_lint.model.findings import Severity
from assume_lint.model.result import RunResult

# GitLab's documented issue shape (docs.gitlab.com/ci/testing/code_quality, "Code Quality
# report format"): these fields are required; severity is one of five words.
GITLAB_SCHEMA: dict[str, Any] = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "minLength": 1},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "required": ["path", "lines"],
                "properties": {
                    "path": {"type": "string", "minLength": 1, "not": {"pattern": "^/"}},
                    "lines": {
                        "type": "object",
                        "required": ["begin"],
                        "properties": {"begin": {"type": "integer", "minimum": 1}},
                    },
                },
            },
        },
    },
}

# A workflow command as GitHub's runner parses it: ``::name key=value,...::data``, where
# neither the properties nor the data hold a raw CR or LF, and a property value holds no
# raw ``,`` (nor ``::``, which would end the property list).
COMMAND = re.compile(r"^::(error|warning|notice) ([^\r\n]*?)::([^\r\n]*)$")
PROPERTY_ORDER = ["file", "line", "col", "endLine", "endColumn", "title"]


def _unescape(value: str) -> str:
    """The runner's reading of an escaped value (the reverse of escapeProperty)."""
    for code, char in (("%3A", ":"), ("%2C", ","), ("%0A", "\n"), ("%0D", "\r"), ("%25", "%")):
        value = value.replace(code, char)
    return value


def parse_command(line: str) -> tuple[str, dict[str, str], str]:
    """(level, properties, message) of one annotation line, as GitHub would read it."""
    match = COMMAND.match(line)
    assert match, line
    props = {}
    for pair in match.group(2).split(","):
        key, sep, value = pair.partition("=")
        assert sep, pair
        props[key] = _unescape(value)
    return match.group(1), props, _unescape(match.group(3))


# --- github -------------------------------------------------------------------------------


def test_github_exact_annotation() -> None:
    result = RunResult(
        findings=[finding("iam/role.json", 7, 20, end_line=7, end_column=31, message="any")]
    )
    assert render("github", result, RULES) == (
        "::error file=iam/role.json,line=7,col=20,endLine=7,endColumn=31,"
        "title=assume-lint AL105 (oidc-subject-unrestricted)"
        "::iam/role.json:7:20: AL105 [critical] any (oidc-subject-unrestricted)\n"
    )


@pytest.mark.parametrize(
    ("severity", "level"),
    [
        (Severity.CRITICAL, "error"),
        (Severity.HIGH, "error"),
        (Severity.MEDIUM, "warning"),
        (Severity.LOW, "notice"),
        (Severity.INFO, "notice"),
    ],
)
def test_github_level_follows_the_sarif_mapping(severity: Severity, level: str) -> None:
    out = render("github", RunResult(findings=[finding("a.tf", 1, 1, severity=severity)]), RULES)
    assert out.startswith(f"::{level} file=a.tf,")


def test_github_annotations_come_worst_first() -> None:
    result = RunResult(findings=[
        finding("a.tf", 1, 1, severity=Severity.MEDIUM),
        finding("b.tf", 9, 1, severity=Severity.HIGH),
        finding("z.tf", 5, 1, severity=Severity.CRITICAL),
        finding("b.tf", 2, 1, severity=Severity.HIGH),
    ])
    files = [parse_command(line)[1]["file"] + ":" + parse_command(line)[1]["line"]
             for line in render("github", result, RULES).splitlines()]
    assert files == ["z.tf:5", "b.tf:2", "b.tf:9", "a.tf:1"]


def test_github_escapes_properties_and_data_as_the_runner_does() -> None:
    hostile = "x,line=99::y%z\r\nw.tf"
    result = RunResult(
        findings=[finding(hostile, 3, 4, end_line=3, end_column=9, message="50% done\nnext")]
    )
    [line] = render("github", result, RULES).splitlines()
    level, props, message = parse_command(line)
    assert list(props) == PROPERTY_ORDER
    assert props["file"] == hostile  # round-trips: nothing forged, nothing lost
    assert (props["line"], props["col"], props["endLine"], props["endColumn"]) == (
        "3", "4", "3", "9"
    )
    assert "file=x%2Cline=99%3A%3Ay%25z%0D%0Aw.tf," in line
    # The data part is the text format's line: its own escaping keeps it on one line.
    assert message.endswith(": AL105 [critical] 50%25 done\\nnext (oidc-subject-unrestricted)"
                            .replace("%25", "%"))
    assert "50%25 done" in line


def test_github_omits_unknown_ends_and_suppressed_findings() -> None:
    result = RunResult(
        findings=[finding("a.tf", 2, 3)],
        suppressed=[finding("a.tf", 9, 1, suppressed="inline: reviewed")],
    )
    out = render("github", result, RULES, include_suppressed=True)
    [line] = out.splitlines()
    _, props, _ = parse_command(line)
    assert list(props) == ["file", "line", "col", "title"]
    assert render("github", RunResult(), RULES) == ""


def test_github_secrets_masked() -> None:
    out = render("github", secret_result(), RULES)
    assert "AKIAIOSFODNN7EXAMPLE" not in out and "123XXXXsecret" not in out
    assert "AKIA************MPLE" in out and "123X*****cret" in out
    assert all(COMMAND.match(line) for line in out.splitlines())


# --- gitlab -------------------------------------------------------------------------------


def test_gitlab_exact_issue() -> None:
    result = RunResult(
        findings=[
            finding("iam/role.json", 7, 20, end_line=8, end_column=2, fingerprint="f" * 64,
                    message="any")
        ]
    )
    assert json.loads(render("gitlab", result, RULES)) == [
        {
            "check_name": "AL105",
            "description": "AL105 any (oidc-subject-unrestricted)",
            "fingerprint": "f" * 64,
            "severity": "blocker",
            "location": {"path": "iam/role.json", "lines": {"begin": 7, "end": 8}},
        }
    ]


@pytest.mark.parametrize(
    ("severity", "word"),
    [
        (Severity.CRITICAL, "blocker"),
        (Severity.HIGH, "critical"),
        (Severity.MEDIUM, "major"),
        (Severity.LOW, "minor"),
        (Severity.INFO, "info"),
    ],
)
def test_gitlab_severity_words(severity: Severity, word: str) -> None:
    out = render("gitlab", RunResult(findings=[finding("a.tf", 1, 1, severity=severity)]), RULES)
    [issue] = json.loads(out)
    assert issue["severity"] == word
    jsonschema.validate(json.loads(out), GITLAB_SCHEMA)


def test_gitlab_fingerprints_are_unique_even_when_ours_repeat() -> None:
    same = [finding("a.tf", line, 1, fingerprint="same") for line in (1, 5, 9)]
    issues = json.loads(render("gitlab", RunResult(findings=same), RULES))
    prints = [issue["fingerprint"] for issue in issues]
    assert prints[0] == "same" and len(set(prints)) == 3
    assert prints == [i["fingerprint"] for i in json.loads(render("gitlab", RunResult(
        findings=same), RULES))]  # stable from run to run


def test_gitlab_empty_and_masked() -> None:
    assert json.loads(render("gitlab", RunResult(), RULES)) == []
    out = render("gitlab", secret_result(), RULES, include_suppressed=True)
    issues = json.loads(out)
    jsonschema.validate(issues, GITLAB_SCHEMA)
    assert len(issues) == 3  # suppressed findings are never issues
    assert "AKIAIOSFODNN7EXAMPLE" not in out and "123XXXXsecret" not in out
    assert any("AKIA************MPLE" in issue["description"] for issue in issues)


def test_schema_can_fail() -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([{"description": "x", "check_name": "y", "fingerprint": "z",
                              "severity": "high", "location": {"path": "a", "lines": {}}}],
                            GITLAB_SCHEMA)


# --- through the command line ---------------------------------------------------------------

KEY = "AKIAQYLPMN5HHHFPZAM2"
SECRET = "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"


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = tmp_path / "repo"
    (root / "tf").mkdir(parents=True)
    (root / "tf" / "main.tf").write_text(
        'provider "aws" {\n'
        '  region     = "us-east-1"\n'
        f'  access_key = "{KEY}"\n'
        f'  secret_key = "{SECRET}"\n'
        "}\n",
        encoding="utf-8",
    )
    (root / "bad.tf").write_text('provider "aws" {\n  region = "x" = \n}\n', encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    monkeypatch.chdir(root)
    return root


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["--no-config", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_github_on_a_tree(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _cli(capsys, ".", "-f", "github")
    assert code == 2  # the parse error still exits 2
    parsed = [parse_command(line) for line in out.splitlines()]
    rows = [(p["file"], int(p["line"]), int(p["col"]), lvl, p["title"].split()[1])
            for lvl, p, _ in parsed]
    assert rows == [  # worst first: GitHub shows only the first errors of a step
        ("tf/main.tf", 3, 3, "error", "AL201"),
        ("tf/main.tf", 4, 3, "error", "AL202"),
        ("bad.tf", 2, 15, "error", "AL900"),
    ]
    assert KEY not in out + err and SECRET not in out + err
    assert "AKIA************ZAM2" in out
    assert "finding" in err  # the summary goes to stderr, as for every machine format


def test_cli_gitlab_on_a_tree(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _cli(capsys, ".", "-f", "gitlab", "-o", "gl-code-quality-report.json")
    assert code == 2 and out == ""
    text = (tree / "gl-code-quality-report.json").read_text(encoding="utf-8")
    issues = json.loads(text)
    jsonschema.validate(issues, GITLAB_SCHEMA)
    rows = [(i["location"]["path"], i["location"]["lines"]["begin"], i["check_name"],
             i["severity"]) for i in issues]
    assert rows == [
        ("bad.tf", 2, "AL900", "critical"),
        ("tf/main.tf", 3, "AL201", "blocker"),
        ("tf/main.tf", 4, "AL202", "blocker"),
    ]
    assert KEY not in text + err and SECRET not in text + err
