"""Daily use: honest exit codes and summaries, scope you can see and set, noise you choose.

* AL900 is a finding like the others: ``--ignore AL900``, an inline or config suppression,
  or an exclusion removes it, and a removed AL900 does not exit 2; a reported one does
  (even with ``--soft-fail``). The summary always counts the files that could not be
  parsed, and says when some of them are not reported.
* ``--statistics`` counts findings per rule (ruff's and flake8's shape).
* ``--exclude GLOB`` on the command line: repeatable, added to the config's ``exclude``,
  the same matching, applied to files named on the command line too.
* ``--list-files``: each file with the kind it is read as, each skipped one with why.
* The default rule set leaves out the nits (AL110, AL204, AL208, AL901): they are reported when
  selected or with ``--min-severity info``, and counted as hidden otherwise; JSON and
  SARIF follow the same selection.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from assume_lint.cli import main

BROKEN_TF = 'provider "aws" {\n  region = "x" = \n}\n'
BROKEN_JSON = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",\n'
)
KEY_TF = 'provider "aws" {\n  region     = "us-east-1"\n  access_key = "AKIAQYLPMN5HHHFPZAM2"\n}\n'
NIT_TF = """\
provider "aws" {
  region = "us-east-1"
  assume_role {
    role_arn = "arn:aws:iam::222222222222:role/deploy"
  }
}
"""
AL201 = ("tf/main.tf", 3, 3, "AL201", "critical")
AL900_TF = ("tf/broken.tf", 2, 15, "AL900", "high")
AL900_JSON = ("iam/broken.json", 2, 1, "AL900", "high")
AL204 = ("tf/roles.tf", 3, 3, "AL204", "info")
HIDDEN = ", 1 hidden by the default rule set (AL204; --min-severity info shows them)"


@dataclass
class Run:
    code: int
    out: str
    err: str

    def rows(self) -> list[tuple[str, int, int, str, str]]:
        rows = []
        for line in self.out.splitlines():
            head, sep, rest = line.partition(": ")
            if sep and head.count(":") == 2:
                path, row, col = head.split(":")
                rule, severity = rest.split(" ")[:2]
                rows.append((path, int(row), int(col), rule, severity.strip("[]")))
        return rows

    def summary(self) -> str:
        return self.out.splitlines()[-1]


CLI = Callable[..., Run]


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository: a hardcoded key, a nit (AL204), a broken .tf and a broken .json."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("NO_COLOR", raising=False)
    root = tmp_path / "repo"
    for rel, text in {
        "tf/main.tf": KEY_TF,
        "tf/roles.tf": NIT_TF,
        "tf/broken.tf": BROKEN_TF,
        "iam/broken.json": BROKEN_JSON,
    }.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> CLI:
    def run(cwd: Path, *args: str) -> Run:
        monkeypatch.chdir(cwd)
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# --- AL900 and exit codes ----------------------------------------------------------------


def test_reported_parse_errors_exit_2_and_are_counted(repo: Path, cli: CLI) -> None:
    run = cli(repo, ".", "--no-config")
    assert run.code == 2
    assert run.rows() == [AL900_JSON, AL900_TF, AL201]
    assert run.summary() == (
        "3 findings (1 critical, 2 high) in 4 files, 2 files could not be parsed" + HIDDEN
    )
    soft = cli(repo, ".", "--no-config", "--soft-fail")
    assert soft.code == 2  # errors are not findings: --soft-fail does not hide them


def test_ignored_al900_does_not_exit_2_but_is_still_counted(repo: Path, cli: CLI) -> None:
    for args in (["--ignore", "AL900"], ["--ignore", "parse-error"], ["--ignore", "AL9"]):
        run = cli(repo, ".", "--no-config", *args)
        assert run.code == 1, args  # the hardcoded key, and nothing else
        assert run.rows() == [AL201]
        assert run.summary() == (
            "1 finding (1 critical) in 4 files, 2 files could not be parsed (2 not reported: "
            "AL900 ignored, suppressed or not selected)" + HIDDEN
        )
    run = cli(repo, ".", "--no-config", "--ignore", "AL900", "--ignore", "AL201")
    assert run.code == 0 and run.rows() == []
    # --select without AL9 leaves AL900 out too: it is a rule like the others.
    assert cli(repo, ".", "--no-config", "--select", "AL2").code == 1


def test_suppressed_al900_does_not_exit_2(repo: Path, cli: CLI) -> None:
    write(repo / "tf" / "broken.tf",
          "# assume-lint: ignore-file[AL900] -- vendored, broken upstream\n" + BROKEN_TF)
    write(repo / ".assume-lint.toml",
          '[[ignores]]\nrule = "AL900"\npath = "iam/broken.json"\nreason = "fixture"\n')
    run = cli(repo, ".", "--ignore", "AL201")
    assert run.code == 0
    assert run.rows() == []
    assert run.summary() == (
        "0 findings in 4 files, 2 suppressed, 2 files could not be parsed (2 not reported: "
        "AL900 ignored, suppressed or not selected)" + HIDDEN
    )
    # One suppression only: the other file's AL900 is reported, and exits 2.
    (repo / ".assume-lint.toml").unlink()
    run = cli(repo, ".", "--ignore", "AL201")
    assert (run.code, run.rows()) == (2, [AL900_JSON])
    assert "2 files could not be parsed (1 not reported" in run.summary()


def test_excluded_broken_files_are_neither_reported_nor_counted(repo: Path, cli: CLI) -> None:
    run = cli(repo, ".", "--no-config", "--exclude", "tf/broken.tf", "--exclude", "iam")
    assert (run.code, run.rows()) == (1, [AL201])
    assert run.summary() == "1 finding (1 critical) in 2 files" + HIDDEN
    write(repo / ".assume-lint.toml", 'exclude = ["**/broken.*"]\n')
    run = cli(repo, ".")
    assert (run.code, run.rows()) == (1, [AL201])
    assert "could not be parsed" not in run.summary()


def test_min_severity_above_al900_hides_it_and_says_so(repo: Path, cli: CLI) -> None:
    run = cli(repo, ".", "--no-config", "--min-severity", "critical")
    assert (run.code, run.rows()) == (1, [AL201])
    assert "2 files could not be parsed (2 not reported" in run.summary()


def test_json_and_sarif_count_what_the_text_counts(repo: Path, cli: CLI) -> None:
    summary = json.loads(cli(repo, ".", "--no-config", "-f", "json", "-q").out)["summary"]
    assert summary == {
        "findings": 3,
        "by_severity": {"info": 0, "low": 0, "medium": 0, "high": 2, "critical": 1},
        "by_rule": {"AL201": 1, "AL900": 2},
        "files": 4,
        "suppressed": 0,
        "errors": 2,
        "parse_errors": 2,
        "hidden": {"AL204": 1},
    }
    ignored = json.loads(cli(repo, ".", "--no-config", "-f", "json", "-q", "--ignore",
                             "AL900").out)["summary"]
    assert (ignored["errors"], ignored["parse_errors"]) == (0, 2)
    sarif = json.loads(cli(repo, ".", "--no-config", "-f", "sarif", "-q", "--ignore",
                           "AL900").out)
    invocation = sarif["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is True
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["AL201"]


# --- --statistics ----------------------------------------------------------------------------


def test_statistics_counts_per_rule(repo: Path, cli: CLI) -> None:
    write(repo / "tf" / "more.tf", KEY_TF.replace("ZAM2", "ZAM3"))
    run = cli(repo, ".", "--no-config", "--statistics")
    assert run.code == 2
    assert run.out.splitlines() == [
        "2\tAL201\thardcoded-access-key-id",
        "2\tAL900\tparse-error",
        "1\tAL204\t(hidden by the default rule set)",
        "4 findings (2 critical, 2 high) in 5 files, 2 files could not be parsed" + HIDDEN,
    ]
    run = cli(repo, ".", "--no-config", "--statistics", "--min-severity", "info")
    assert run.out.splitlines()[:3] == [
        "2\tAL201\thardcoded-access-key-id",
        "2\tAL900\tparse-error",
        "1\tAL204\tmissing-session-name",
    ]
    # A machine format stays whole on stdout; the counts go to stderr with the summary.
    run = cli(repo, ".", "--no-config", "--statistics", "-f", "json")
    assert len(json.loads(run.out)["findings"]) == 4
    assert run.err.splitlines()[0] == "2\tAL201\thardcoded-access-key-id"


def test_statistics_of_a_clean_tree(tmp_path: Path, cli: CLI) -> None:
    write(tmp_path / "main.tf", 'provider "aws" {\n  region = "eu-west-1"\n}\n')
    run = cli(tmp_path, ".", "--no-config", "--statistics")
    assert (run.code, run.out) == (0, "0 findings in 1 file\n")


# --- --exclude -------------------------------------------------------------------------------


def test_exclude_matches_like_the_config_and_adds_to_it(repo: Path, cli: CLI) -> None:
    write(repo / "examples" / "demo" / "main.tf", KEY_TF)
    base = [".", "--no-config", "--ignore", "AL900"]
    assert ("examples/demo/main.tf", 3, 3, "AL201", "critical") in cli(repo, *base).rows()
    for pattern in ("examples", "examples/", "examples/**", "*/demo/*", "**/demo"):
        assert cli(repo, *base, "--exclude", pattern).rows() == [AL201], pattern
    # Added to the config's exclude, never replacing it.
    write(repo / ".assume-lint.toml", 'exclude = ["tf/main.tf"]\nignore = ["AL900"]\n')
    assert cli(repo, ".").rows() == [("examples/demo/main.tf", 3, 3, "AL201", "critical")]
    assert cli(repo, ".", "--exclude", "examples").rows() == []


def test_exclude_applies_to_files_named_on_the_command_line(repo: Path, cli: CLI) -> None:
    """pre-commit names each changed file: an excluded one stays excluded."""
    run = cli(repo, "tf/main.tf", "tf/broken.tf", "--no-config", "--exclude", "tf/broken.tf")
    assert (run.code, run.rows()) == (1, [AL201])


# --- --list-files ----------------------------------------------------------------------------


def test_list_files_shows_kinds_and_reasons(repo: Path, cli: CLI) -> None:
    write(repo / "package.json", '{"name": "x"}\n')
    write(repo / "README.md", "# hi\n")
    (repo / "docs").mkdir()
    (repo / "docs" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00")
    write(repo / "node_modules" / "x" / "main.tf", KEY_TF)
    write(repo / ".aws" / "config", "[profile dev]\nregion = eu-west-1\n")
    write(repo / ".github" / "workflows" / "ci.yml", "on: push\njobs: {}\n")
    write(repo / "examples" / "main.tf", KEY_TF)
    write(repo / "build" / "out.tf", KEY_TF)
    write(repo / ".gitignore", "build/\n")
    run = cli(repo, ".", "--no-config", "--list-files", "--exclude", "examples/**")
    assert run.code == 0
    assert run.out.splitlines() == [
        ".aws/config: aws-config",
        ".git/: skipped: a tool's folder",
        ".github/workflows/ci.yml: github-actions",
        ".gitignore: text (scanned for keys only)",
        "README.md: text (scanned for keys only)",
        "build/: skipped: ignored by git",
        "docs/logo.png: skipped: not text (binary, undecodable or too large)",
        "examples/main.tf: skipped: excluded by 'examples/**'",
        "iam/broken.json: trust-json",
        "node_modules/: skipped: a tool's folder",
        "package.json: text (JSON that is not a trust policy or a CloudFormation template: "
        "scanned for keys only)",
        "tf/broken.tf: terraform",
        "tf/main.tf: terraform",
        "tf/roles.tf: terraform",
    ]
    assert run.err == "9 files read, 5 skipped or unreadable\n"


def test_list_files_of_a_changed_file_shows_its_module_as_context(repo: Path, cli: CLI) -> None:
    run = cli(repo, "tf/main.tf", "--no-config", "--list-files", "-q")
    assert run.err == ""
    assert run.out.splitlines() == [
        "tf/broken.tf: terraform (context: read for its module)",
        "tf/main.tf: terraform",
        "tf/roles.tf: terraform (context: read for its module)",
    ]


def test_list_files_names_unreadable_and_missing_paths(repo: Path, cli: CLI) -> None:
    (repo / "tf" / "binary.tf").write_bytes(b"\x00\x01\xff" * 100)
    run = cli(repo, "tf", "nope", "--no-config", "--list-files")
    assert run.code == 2
    assert "assume-lint: nope: no such file or directory" in run.err
    [binary] = [line for line in run.out.splitlines() if line.startswith("tf/binary.tf")]
    assert binary.startswith("tf/binary.tf: unreadable: ") and binary.endswith("(AL900)")


def test_list_files_masks_a_key_in_a_path(tmp_path: Path, cli: CLI) -> None:
    key = "AKIAQYLPMN5HHHFPZAM2"
    write(tmp_path / f"{key}.tf", 'provider "aws" {}\n')
    run = cli(tmp_path, ".", "--no-config", "--list-files")
    assert key not in run.out
    assert "AKIA************ZAM2.tf: terraform" in run.out


# --- the default rule set ---------------------------------------------------------------------


def test_nits_are_hidden_counted_and_shown_on_request(repo: Path, cli: CLI) -> None:
    base = [".", "--no-config", "--ignore", "AL900"]
    run = cli(repo, *base)
    assert AL204 not in run.rows()
    assert run.summary().endswith(HIDDEN)
    for extra in (["--min-severity", "info"], ["--extend-select", "AL204"],
                  ["--extend-select", "missing-session-name"], ["--select", "AL2"]):
        run = cli(repo, *base, *extra)
        assert AL204 in run.rows(), extra
        assert "hidden" not in run.summary(), extra
    write(repo / ".assume-lint.toml", 'extend-select = ["AL204"]\nignore = ["AL900"]\n')
    assert AL204 in cli(repo, ".").rows()
    write(repo / ".assume-lint.toml", 'min-severity = "info"\nignore = ["AL900"]\n')
    assert AL204 in cli(repo, ".").rows()
    # An explicit --select of other rules hides nothing: the user chose.
    run = cli(repo, ".", "--no-config", "--select", "AL201")
    assert run.summary() == "1 finding (1 critical) in 4 files, 2 files could not be parsed (2 " \
        "not reported: AL900 ignored, suppressed or not selected)"


def test_json_and_sarif_follow_the_same_selection(repo: Path, cli: CLI) -> None:
    base = [".", "--no-config", "--ignore", "AL900", "-q"]
    doc = json.loads(cli(repo, *base, "-f", "json").out)
    assert [f["rule_id"] for f in doc["findings"]] == ["AL201"]
    assert doc["summary"]["hidden"] == {"AL204": 1}
    sarif = json.loads(cli(repo, *base, "-f", "sarif").out)
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["AL201"]
    sarif = json.loads(cli(repo, *base, "-f", "sarif", "--min-severity", "info").out)
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["AL201", "AL204"]


def test_a_suppressed_nit_is_neither_hidden_nor_an_unused_suppression(
    repo: Path, cli: CLI
) -> None:
    suppression = "  assume_role { # assume-lint: ignore[AL204] -- ok\n"
    write(repo / "tf" / "roles.tf", NIT_TF.replace("  assume_role {\n", suppression))
    run = cli(repo, ".", "--no-config", "--ignore", "AL900", "--extend-select", "AL901")
    assert run.rows() == [AL201]  # no AL204, and no AL901: the suppression was used
    assert "hidden" not in run.summary()
    run = cli(repo, ".", "--no-config", "--ignore", "AL900")
    assert run.summary() == "1 finding (1 critical) in 4 files, 2 files could not be parsed (2 " \
        "not reported: AL900 ignored, suppressed or not selected)"
