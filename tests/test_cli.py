"""The command line end to end, on a temporary git repository.

Every exit code path (0, 1, 2, soft-fail), selection by id/name/prefix, reporting
(--min-severity) versus gating (--fail-on), config precedence and severity overrides,
the rule catalogue and ``explain``, every suppression form, the baseline life cycle, and
colour only on a terminal. Runs in-process through ``assume_lint.cli.main`` (fast), and
through a pseudo-terminal where a real tty matters.
"""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from assume_lint import __version__
from assume_lint.cli import main
from assume_lint.model.registry import all_rules, find_rule
from assume_lint.report.docs import help_uri

MAIN_TF = """\
provider "aws" {
  region     = "us-east-1"
  access_key = "AKIAQYLPMN5HHHFPZAM2"
}
"""
ROLES_TF = """\
provider "aws" {
  alias  = "prod"
  region = "us-east-1"
  assume_role {
    role_arn = "arn:aws:iam::222222222222:role/deploy"
  }
}
"""
ROLE_JSON = """\
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "BreakGlass",
      "Effect": "Allow",
      "Principal": "*",
      "Action": "sts:AssumeRole"
    },
    {
      "Sid": "Deployer",
      "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::123456789012:user/deployer"},
      "Action": "sts:AssumeRole"
    }
  ]
}
"""
AL101 = ("iam/role.json", 7, 20, "AL101", "critical")
AL103 = ("iam/role.json", 13, 28, "AL103", "medium")
AL201 = ("tf/main.tf", 3, 3, "AL201", "critical")
AL204 = ("tf/roles.tf", 4, 3, "AL204", "info")
ALL = [AL101, AL103, AL201, AL204]  # with --min-severity info: AL204 is a nit
DEFAULT = [AL101, AL103, AL201]  # the default rule set
HIDDEN = ", 1 hidden by the default rule set (AL204; --min-severity info shows them)"
SUMMARY_DEFAULT = "3 findings (2 critical, 1 medium) in 3 files" + HIDDEN


@dataclass
class Run:
    code: int
    out: str
    err: str

    def findings(self) -> list[tuple[str, int, int, str, str]]:
        """(path, line, column, rule id, severity) of each finding line of text output."""
        rows = []
        for line in self.out.splitlines():
            head, sep, rest = line.partition(": ")
            if not sep or head.count(":") != 2:
                continue
            path, row, col = head.split(":")
            rule, severity = rest.split(" ")[:2]
            rows.append((path, int(row), int(col), rule, severity.strip("[]")))
        return rows

    def summary(self) -> str:
        return self.out.splitlines()[-1]


CLI = Callable[..., Run]


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No colour from the environment, and a private model cache."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository with four findings in three files."""
    root = tmp_path / "repo"
    (root / "tf").mkdir(parents=True)
    (root / "iam").mkdir()
    (root / "tf" / "main.tf").write_text(MAIN_TF, encoding="utf-8")
    (root / "tf" / "roles.tf").write_text(ROLES_TF, encoding="utf-8")
    (root / "iam" / "role.json").write_text(ROLE_JSON, encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> CLI:
    """``cli(cwd, *args)`` runs assume-lint in-process in ``cwd`` and returns a Run."""

    def run(cwd: Path, *args: str) -> Run:
        monkeypatch.chdir(cwd)
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- exit codes -------------------------------------------------------------------------


def test_findings_exit_1_with_gcc_style_lines_and_summary(repo: Path, cli: CLI) -> None:
    run = cli(repo, ".")
    assert run.code == 1
    assert run.findings() == DEFAULT
    assert run.out.splitlines()[2] == (
        "tf/main.tf:3:3: AL201 [critical] Hardcoded AWS access key ID AKIA************ZAM2 in "
        'access_key in provider "aws": remove it and assume a role (OIDC, SSO or an '
        "instance/task role) instead of writing keys into files (hardcoded-access-key-id)"
    )
    assert run.summary() == SUMMARY_DEFAULT
    assert "AKIAQYLPMN5HHHFPZAM2" not in run.out + run.err
    assert run.err == ""  # text to stdout: the summary is the last stdout line only


def test_default_path_is_the_current_folder(repo: Path, cli: CLI) -> None:
    assert cli(repo).findings() == DEFAULT
    # Paths stay relative to the repository root (git top level), not to the cwd.
    assert cli(repo / "tf").findings() == [AL201]


def test_clean_tree_exits_0(tmp_path: Path, cli: CLI) -> None:
    write(tmp_path / "clean" / "main.tf", 'provider "aws" {\n  region = "eu-west-1"\n}\n')
    run = cli(tmp_path / "clean", ".", "--no-config")
    assert (run.code, run.findings(), run.summary()) == (0, [], "0 findings in 1 file")


def test_findings_below_fail_on_exit_0_but_are_reported(repo: Path, cli: CLI) -> None:
    run = cli(repo, ".", "--select", "AL204")
    assert (run.code, run.findings()) == (0, [AL204])  # info < default fail-on low


def test_parse_error_exits_2_and_wins_over_findings(repo: Path, cli: CLI) -> None:
    write(repo / "tf" / "broken.tf", 'provider "aws" {\n  region = \n')
    run = cli(repo, ".")
    assert run.code == 2
    rows = run.findings()
    assert [r for r in rows if r[3] == "AL900"] == [
        ("tf/broken.tf", 2, rows[2][2], "AL900", "high")
    ]
    assert AL201 in rows and AL101 in rows


def test_soft_fail_exits_0_with_findings_but_2_with_errors(repo: Path, cli: CLI) -> None:
    run = cli(repo, ".", "--soft-fail")
    assert (run.code, run.findings()) == (0, DEFAULT)
    write(repo / "tf" / "broken.tf", 'provider "aws" {\n  region = \n')
    run = cli(repo, ".", "--soft-fail")
    assert run.code == 2
    assert [r[3] for r in run.findings() if r[0] == "tf/broken.tf"] == ["AL900"]


def test_soft_fail_from_the_config(repo: Path, cli: CLI) -> None:
    write(repo / ".assume-lint.toml", "soft-fail = true\n")
    assert cli(repo, ".").code == 0


def test_missing_path_exits_2(repo: Path, cli: CLI) -> None:
    run = cli(repo, "tf", "no-such-dir")
    assert run.code == 2
    assert "assume-lint: no-such-dir: no such file or directory" in run.err
    assert run.findings() == [AL201]  # the rest is still linted and reported


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--select", "AL777"], "--select: unknown rule 'AL777'"),
        (["--ignore", "no-such-rule"], "--ignore: unknown rule 'no-such-rule'"),
        (["--fail-on", "severe"], "Invalid value for '--fail-on'"),
        (["--no-such-flag"], "--no-such-flag"),
        (["-f", "xml"], "Invalid value for '-f' / '--format'"),
    ],
)
def test_usage_errors_exit_2(repo: Path, cli: CLI, args: list[str], message: str) -> None:
    run = cli(repo, ".", *args)
    assert run.code == 2
    assert message in run.err
    assert run.out == ""


# --- selection and severities -----------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--select", "AL101"], [AL101]),
        (["--select", "trust-any-principal"], [AL101]),
        (["--select", "AL1"], [AL101, AL103]),
        (["--select", "al2"], [AL201, AL204]),
        (["--select", "AL101,missing-session-name"], [AL101, AL204]),
        (["--select", "AL101", "--select", "AL204"], [AL101, AL204]),
        (["--ignore", "AL1"], [AL201]),
        (["--ignore", "AL1", "--extend-select", "AL204"], [AL201, AL204]),
        (["--select", "AL1", "--extend-select", "missing-session-name"], [AL101, AL103, AL204]),
        (["--min-severity", "info"], ALL),
        (["--min-severity", "info", "--ignore", "AL204"], DEFAULT),
        (["--ignore", "hardcoded-access-key-id", "--ignore", "AL204"], [AL101, AL103]),
        (["--select", "AL1", "--ignore", "AL103"], [AL101]),
    ],
)
def test_select_and_ignore_by_id_name_and_prefix(
    repo: Path, cli: CLI, args: list[str], expected: list[tuple[str, int, int, str, str]]
) -> None:
    assert cli(repo, ".", *args).findings() == expected


def test_min_severity_hides_and_fail_on_gates(repo: Path, cli: CLI) -> None:
    run = cli(repo, ".", "--min-severity", "high")
    assert (run.code, run.findings()) == (1, [AL101, AL201])
    assert run.summary() == "2 findings (2 critical) in 3 files" + HIDDEN
    # Gating without hiding: medium and info stay visible but do not fail the run.
    run = cli(repo, ".", "--ignore", "AL101,AL201", "--fail-on", "high", "--min-severity", "info")
    assert (run.code, run.findings()) == (0, [AL103, AL204])
    run = cli(repo, ".", "--ignore", "AL101,AL201", "--fail-on", "medium", "--min-severity", "info")
    assert (run.code, run.findings()) == (1, [AL103, AL204])
    # Findings below --min-severity are not reported, so they do not fail the run either.
    run = cli(repo, ".", "--ignore", "AL101,AL201", "--min-severity", "high")
    assert (run.code, run.findings()) == (0, [])


def test_config_file_and_cli_precedence(repo: Path, cli: CLI) -> None:
    write(
        repo / ".assume-lint.toml",
        'fail-on = "critical"\nmin-severity = "low"\nignore = ["AL101"]\n',
    )
    run = cli(repo, ".")
    assert (run.code, run.findings()) == (1, [AL103, AL201])  # AL201 is critical
    run = cli(repo, ".", "--ignore", "AL201")  # CLI ignores add to the config's
    assert (run.code, run.findings()) == (0, [AL103])  # medium < fail-on critical
    run = cli(repo, ".", "--ignore", "AL201", "--fail-on", "medium")  # CLI wins
    assert (run.code, run.findings()) == (1, [AL103])
    run = cli(repo, ".", "--min-severity", "info", "--select", "AL204")
    assert (run.code, run.findings()) == (0, [AL204])
    run = cli(repo, ".", "--no-config")
    assert (run.code, run.findings()) == (1, DEFAULT)


def test_config_in_pyproject_and_explicit_config_file(repo: Path, cli: CLI) -> None:
    write(
        repo / "pyproject.toml", '[project]\nname = "x"\n\n[tool.assume-lint]\nselect = ["AL1"]\n'
    )
    assert cli(repo, ".").findings() == [AL101, AL103]
    other = write(repo.parent / "other.toml", 'select = ["AL204"]\n')
    assert cli(repo, ".", "--config", str(other)).findings() == [AL204]


def test_severity_override_from_config(repo: Path, cli: CLI) -> None:
    write(repo / ".assume-lint.toml", '[rules.AL204]\nseverity = "high"\n')
    run = cli(repo, ".", "--select", "AL204")
    assert run.code == 1  # high >= default fail-on
    assert run.findings() == [("tf/roles.tf", 4, 3, "AL204", "high")]
    assert run.summary() == "1 finding (1 high) in 3 files"
    write(repo / ".assume-lint.toml", '[rules.AL101]\nseverity = "info"\n')
    run = cli(repo, ".", "--select", "AL101")
    assert (run.code, run.findings()) == (0, [("iam/role.json", 7, 20, "AL101", "info")])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('fail-on = "severe"\n', "invalid config at fail-on"),
        ("colour = true\n", "invalid config"),
        ('ignore = ["AL777"]\n', "ignore: unknown rule 'AL777'"),
        ("[rules.AL777]\nseverity = 'high'\n", "rules.AL777: unknown rule"),
        ("fail-on = \n", "invalid TOML"),
        ('[[ignores]]\nrule = "AL101"\nuntil = "soon"\n', "invalid config at ignores"),
    ],
)
def test_bad_config_exits_2_with_a_clear_message(
    repo: Path, cli: CLI, text: str, message: str
) -> None:
    write(repo / ".assume-lint.toml", text)
    run = cli(repo, ".")
    assert run.code == 2
    assert run.out == ""
    assert ".assume-lint.toml" in run.err and message in run.err


def test_missing_config_file_exits_2(repo: Path, cli: CLI) -> None:
    run = cli(repo, ".", "--config", "nope.toml")
    assert run.code == 2
    assert "nope.toml" in run.err


# --- rules, explain, version ------------------------------------------------------------


def test_rules_text(repo: Path, cli: CLI) -> None:
    run = cli(repo, "rules")
    assert run.code == 0
    lines = run.out.splitlines()
    assert [line.split()[0] for line in lines] == [rule.id for rule in all_rules()]
    assert lines[0].split(None, 3)[:3] == ["AL101", "trust-any-principal", "critical"]


def test_rules_json(repo: Path, cli: CLI) -> None:
    run = cli(repo, "rules", "--format", "json")
    assert run.code == 0
    data = json.loads(run.out)
    assert [entry["id"] for entry in data] == [rule.id for rule in all_rules()]
    al104 = next(entry for entry in data if entry["id"] == "AL104")
    assert al104["name"] == "ineffective-mfa-condition"
    assert al104["severity"] == "high"
    assert al104["help_uri"] == help_uri("AL104")
    al105 = next(entry for entry in data if entry["id"] == "AL105")
    assert al105["severity"] == "critical"
    assert al105["severities"] == ["critical", "high", "medium", "low"]
    assert [grade["severity"] for grade in al105["grades"]] == al105["severities"]
    assert set(al104) == {
        "id",
        "name",
        "severity",
        "severities",
        "grades",
        "summary",
        "tags",
        "options",
        "precision",
        "default",
        "help_uri",
    }
    assert al104["default"] is True
    assert [entry["id"] for entry in data if not entry["default"]] == [
        "AL110", "AL204", "AL208", "AL901"
    ]


@pytest.mark.parametrize("ident", ["AL104", "al104", "ineffective-mfa-condition"])
def test_explain_prints_the_rule_documentation(repo: Path, cli: CLI, ident: str) -> None:
    run = cli(repo, "explain", ident)
    assert run.code == 0
    rule = find_rule("AL104")
    assert rule is not None
    lines = run.out.splitlines()
    assert lines[0] == "AL104 ineffective-mfa-condition (default severity: high)"
    assert lines[2] == "An MFA condition in a trust policy that does not enforce MFA."
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## References"):
        assert heading in lines
    assert "BoolIfExists" in run.out
    assert lines[-1] == f"Online: {help_uri('AL104')}"


def test_explain_unknown_rule_exits_2(repo: Path, cli: CLI) -> None:
    run = cli(repo, "explain", "AL999")
    assert run.code == 2
    assert "unknown rule 'AL999' (see: assume-lint rules)" in run.err


def test_version(repo: Path, cli: CLI) -> None:
    run = cli(repo, "--version")
    assert (run.code, run.out) == (0, f"assume-lint {__version__}\n")


def test_help_lists_the_daily_use_flags(repo: Path, cli: CLI) -> None:
    run = cli(repo, "check", "--help")
    assert run.code == 0
    for flag in (
        "--min-severity",
        "--fail-on",
        "--soft-fail",
        "--baseline",
        "--write-baseline",
        "--include-suppressed",
        "--require-reason",
    ):
        assert flag in run.out


# --- suppressions -----------------------------------------------------------------------


def test_trailing_suppression_on_the_same_line(repo: Path, cli: CLI) -> None:
    text = MAIN_TF.replace('ZAM2"', 'ZAM2" # assume-lint: ignore[AL201] -- test fixture')
    write(repo / "tf" / "main.tf", text)
    run = cli(repo, ".")
    assert run.findings() == [AL101, AL103]
    assert run.summary() == "2 findings (1 critical, 1 medium) in 3 files, 1 suppressed" + HIDDEN


def test_suppression_on_the_line_above_by_name(repo: Path, cli: CLI) -> None:
    lines = MAIN_TF.splitlines(keepends=True)
    lines.insert(2, "  // assume-lint: ignore[hardcoded-access-key-id] -- rotated\n")
    write(repo / "tf" / "main.tf", "".join(lines))
    run = cli(repo, ".")
    assert run.findings() == [AL101, AL103]
    assert run.code == 1  # AL101 is still there


def test_suppression_above_a_block_header_covers_the_block(repo: Path, cli: CLI) -> None:
    write(repo / "tf" / "roles.tf", "# assume-lint: ignore[AL2] -- legacy account\n" + ROLES_TF)
    assert cli(repo, ".").findings() == [AL101, AL103, AL201]


def test_ignore_file_in_the_leading_comments(repo: Path, cli: CLI) -> None:
    write(
        repo / "tf" / "main.tf",
        "# generated by a tool\n# assume-lint: ignore-file[AL201] -- generated\n\n" + MAIN_TF,
    )
    run = cli(repo, ".")
    assert run.findings() == [AL101, AL103]
    assert run.summary().endswith(", 1 suppressed" + HIDDEN)


def test_ignore_file_below_code_is_not_a_file_suppression(repo: Path, cli: CLI) -> None:
    write(repo / "tf" / "main.tf", MAIN_TF + "# assume-lint: ignore-file[AL201] -- late\n")
    rows = cli(repo, ".", "--extend-select", "AL901").findings()
    assert AL201 in rows
    assert [r[:2] for r in rows if r[3] == "AL901"] == [("tf/main.tf", 5)]


def test_expired_until_stops_applying_and_is_reported(repo: Path, cli: CLI) -> None:
    text = MAIN_TF.replace('ZAM2"', 'ZAM2" # assume-lint: ignore[AL201] until=2020-01-31 -- old')
    write(repo / "tf" / "main.tf", text)
    run = cli(repo, ".", "--extend-select", "AL901")
    rows = run.findings()
    assert AL201 in rows
    assert [(r[0], r[1], r[3], r[4]) for r in rows if r[3] == "AL901"] == [
        ("tf/main.tf", 3, "AL901", "info")
    ]
    assert "2020-01-31" in run.out
    assert "suppressed" not in run.summary()


def test_future_until_still_applies(repo: Path, cli: CLI) -> None:
    text = MAIN_TF.replace('ZAM2"', 'ZAM2" # assume-lint: ignore[AL201] until=2999-12-31 -- later')
    write(repo / "tf" / "main.tf", text)
    assert cli(repo, ".").findings() == [AL101, AL103]


def test_unused_suppression_is_al901(repo: Path, cli: CLI) -> None:
    write(
        repo / "tf" / "roles.tf",
        ROLES_TF.replace(
            '  region = "us-east-1"\n', '  region = "us-east-1" # assume-lint: ignore[AL101] -- x\n'
        ),
    )
    run = cli(repo, ".", "--extend-select", "AL901")
    assert [(r[0], r[1], r[3], r[4]) for r in run.findings() if r[3] == "AL901"] == [
        ("tf/roles.tf", 3, "AL901", "info")
    ]
    assert run.code == 1
    # AL901 is a nit: not in the default rule set, counted as hidden.
    run = cli(repo, ".")
    assert "AL901" not in [r[3] for r in run.findings()]
    assert run.summary().endswith(
        ", 2 hidden by the default rule set (AL204, AL901; --min-severity info shows them)"
    )


def test_unused_suppression_of_an_unselected_rule_is_not_reported(repo: Path, cli: CLI) -> None:
    write(
        repo / "tf" / "roles.tf",
        ROLES_TF.replace(
            '  region = "us-east-1"\n', '  region = "us-east-1" # assume-lint: ignore[AL101] -- x\n'
        ),
    )
    assert cli(repo, ".", "--select", "AL2,AL9").findings() == [AL201, AL204]


def test_require_reason_reports_al902(repo: Path, cli: CLI) -> None:
    write(repo / "tf" / "main.tf", MAIN_TF.replace('ZAM2"', 'ZAM2" # assume-lint: ignore[AL201]'))
    run = cli(repo, ".")
    assert run.findings() == [AL101, AL103]  # no reason needed by default
    run = cli(repo, ".", "--require-reason")
    assert [(r[0], r[1], r[3], r[4]) for r in run.findings() if r[3] == "AL902"] == [
        ("tf/main.tf", 3, "AL902", "low")
    ]
    assert AL201 not in run.findings()  # still suppressed, but the missing reason is flagged
    write(repo / ".assume-lint.toml", "require-reason = true\n")
    assert [r[3] for r in cli(repo, ".").findings()].count("AL902") == 1


def test_config_ignores_for_json_by_path_and_sid(repo: Path, cli: CLI) -> None:
    write(
        repo / ".assume-lint.toml",
        '[[ignores]]\nrule = "AL101"\npath = "iam/role.json"\nsid = "BreakGlass"\n'
        'reason = "reviewed quarterly"\n',
    )
    run = cli(repo, ".")
    assert run.findings() == [AL103, AL201]
    assert run.summary().endswith(", 1 suppressed" + HIDDEN)


def test_config_ignores_with_the_wrong_sid_match_nothing_and_are_al901(repo: Path, cli) -> None:
    write(
        repo / ".assume-lint.toml",
        'fail-on = "high"\n\n[[ignores]]\nrule = "AL101"\npath = "iam/role.json"\n'
        'sid = "Deployer"\nreason = "wrong statement"\n',
    )
    rows = cli(repo, ".", "--extend-select", "AL901").findings()
    assert AL101 in rows
    assert [(r[0], r[1], r[3]) for r in rows if r[3] == "AL901"] == [
        (".assume-lint.toml", 3, "AL901")
    ]


def test_config_ignores_expire(repo: Path, cli: CLI) -> None:
    write(
        repo / ".assume-lint.toml",
        '[[ignores]]\nrule = "AL101"\npath = "iam/*.json"\nuntil = "2020-06-30"\n',
    )
    rows = cli(repo, ".", "--min-severity", "info").findings()
    assert AL101 in rows
    assert [r[3] for r in rows].count("AL901") == 1


def test_include_suppressed_marks_results_in_json(repo: Path, cli: CLI) -> None:
    write(
        repo / "tf" / "main.tf", MAIN_TF.replace('ZAM2"', 'ZAM2" # assume-lint: ignore[AL201] -- t')
    )
    plain = json.loads(cli(repo, ".", "-f", "json", "-q").out)
    full = json.loads(cli(repo, ".", "-f", "json", "-q", "--include-suppressed").out)
    assert "AKIAQYLPMN5HHHFPZAM2" not in json.dumps(full)
    assert json.dumps(plain).count('"AL201"') < json.dumps(full).count('"AL201"')
    sarif = json.loads(cli(repo, ".", "-f", "sarif", "-q").out)
    assert "AL201" not in [r["ruleId"] for r in sarif["runs"][0]["results"]]
    sarif = json.loads(cli(repo, ".", "-f", "sarif", "-q", "--include-suppressed").out)
    [suppressed] = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "AL201"]
    assert suppressed["suppressions"][0] == {"kind": "inSource", "justification": "inline: t"}


def test_sarif_inline_suppression_kind_is_in_source(repo: Path, cli: CLI) -> None:
    write(
        repo / "tf" / "main.tf", MAIN_TF.replace('ZAM2"', 'ZAM2" # assume-lint: ignore[AL201] -- t')
    )
    sarif = json.loads(cli(repo, ".", "-f", "sarif", "-q", "--include-suppressed").out)
    [suppressed] = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "AL201"]
    assert suppressed["suppressions"][0]["kind"] == "inSource"


# --- baseline ---------------------------------------------------------------------------


def test_baseline_life_cycle(repo: Path, cli: CLI) -> None:
    baseline = repo / ".assume-lint-baseline.json"
    run = cli(repo, ".", "--write-baseline", str(baseline), "--min-severity", "info")
    assert run.findings() == ALL
    text = baseline.read_text(encoding="utf-8")
    assert "AKIAQYLPMN5HHHFPZAM2" not in text
    assert [e["rule_id"] for e in json.loads(text)["findings"]] == [
        "AL101",
        "AL103",
        "AL201",
        "AL204",
    ]
    cli(repo, ".", "--write-baseline", str(baseline), "--min-severity", "info")
    assert baseline.read_text(encoding="utf-8") == text  # rewriting gives no diff

    run = cli(repo, ".", "--baseline", str(baseline))
    assert (run.code, run.findings()) == (0, [])
    assert run.summary() == "0 findings in 3 files, 3 suppressed"  # the nit is not counted

    # 50 lines inserted above a baselined finding: it is still the same finding.
    padding = "".join(f"# padding line {n}\n" for n in range(50))
    write(repo / "tf" / "main.tf", padding + MAIN_TF)
    run = cli(repo, ".", "--baseline", str(baseline))
    assert (run.code, run.findings()) == (0, [])
    run = cli(repo, ".", "--select", "AL201")
    assert run.findings() == [("tf/main.tf", 53, 3, "AL201", "critical")]

    # A new finding is reported on top of the baseline.
    write(repo / "iam" / "other.json", ROLE_JSON)
    run = cli(repo, ".", "--baseline", str(baseline))
    assert run.code == 1
    assert run.findings() == [
        ("iam/other.json", 7, 20, "AL101", "critical"),
        ("iam/other.json", 13, 28, "AL103", "medium"),
    ]
    (repo / "iam" / "other.json").unlink()

    # Fixing a baselined finding leaves a stale entry: reported on stderr, never failing.
    write(
        repo / "tf" / "main.tf",
        padding + MAIN_TF.replace('  access_key = "AKIAQYLPMN5HHHFPZAM2"\n', ""),
    )
    run = cli(repo, ".", "--baseline", str(baseline))
    assert (run.code, run.findings()) == (0, [])
    assert "1 baseline entries match no finding any more" in run.err
    assert run.summary() == "0 findings in 3 files, 2 suppressed, 1 stale baseline entry"


def test_baseline_from_the_config(repo: Path, cli: CLI) -> None:
    cli(repo, ".", "--write-baseline", "base.json")
    write(repo / ".assume-lint.toml", 'baseline = "base.json"\n')
    assert cli(repo, ".").code == 0


def test_unreadable_baseline_exits_2(repo: Path, cli: CLI) -> None:
    write(repo / "base.json", "{not json")
    run = cli(repo, ".", "--baseline", "base.json")
    assert run.code == 2
    assert "base.json" in run.err


# --- terminal ---------------------------------------------------------------------------


def _on_a_tty(repo: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run the real console entry point with stdout and stderr on a pseudo-terminal."""
    leader, follower = pty.openpty()
    environ = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    environ.update(XDG_CACHE_HOME=str(repo.parent / "cache"), TERM="xterm", **(env or {}))
    proc = subprocess.Popen(
        [sys.executable, "-m", "assume_lint", *args],
        cwd=repo,
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
        env=environ,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return proc.wait(timeout=60), b"".join(chunks).decode("utf-8", "replace")


def test_colour_on_a_terminal_only(repo: Path, cli: CLI) -> None:
    # -q: no progress spinner, whose erase-line escapes would depend on the machine's speed
    code, out = _on_a_tty(repo, ".", "--select", "AL201", "-q")
    assert code == 1
    assert "\x1b[1;31m[critical]\x1b[0m" in out
    assert "assume-lint: linting" not in out
    piped = subprocess.run(
        [sys.executable, "-m", "assume_lint", ".", "--select", "AL201"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "XDG_CACHE_HOME": str(repo.parent / "cache")},
    )
    assert piped.returncode == 1
    assert "\x1b" not in piped.stdout + piped.stderr
    assert "tf/main.tf:3:3: AL201 [critical]" in piped.stdout


def test_no_color_env_and_flag(repo: Path) -> None:
    code, out = _on_a_tty(repo, ".", "--select", "AL201", "-q", env={"NO_COLOR": "1"})
    assert code == 1 and "\x1b" not in out and "AL201 [critical]" in out
    code, out = _on_a_tty(repo, ".", "--select", "AL201", "-q", "--no-color")
    assert code == 1 and "\x1b" not in out and "AL201 [critical]" in out


def test_output_file_is_never_coloured_and_summary_goes_to_stderr(repo: Path, cli: CLI) -> None:
    run = cli(repo, ".", "-o", "report.txt")
    assert run.code == 1
    assert run.out == ""
    assert run.err.strip() == SUMMARY_DEFAULT
    report = (repo / "report.txt").read_text(encoding="utf-8")
    assert "\x1b" not in report and report.splitlines()[-1] == SUMMARY_DEFAULT


def test_console_turns_a_late_ctrl_c_into_exit_130(monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """Ctrl-C just as main() returns (while flushing) is still a quiet 130, no traceback."""
    import assume_lint.cli as cli

    exits: list[int] = []

    def late_interrupt() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "main", lambda: 1)
    monkeypatch.setattr(cli, "_flush", late_interrupt)
    monkeypatch.setattr(cli.os, "_exit", exits.append)
    monkeypatch.setattr("gc.set_threshold", lambda *_: None)  # the suite keeps Python's GC
    cli.console()
    assert exits == [130]
    assert capsys.readouterr().err == "assume-lint: interrupted\n"
