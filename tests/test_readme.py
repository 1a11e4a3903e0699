"""The README's promises: its workflow and hook YAML parse and use real flags and hooks,
its usage block names only options the CLI has, and the quick start is two commands."""

from __future__ import annotations

import json
import re
import shlex
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import REPO

from assume_lint.cli import main

README = (REPO / "README.md").read_text(encoding="utf-8")
FLAG = re.compile(r"(?<![\w-])(--?[a-zA-Z][\w-]*)")


def fenced_blocks(markdown: str) -> list[tuple[str, str, str]]:
    """(section heading, info string, body) of every fenced code block."""
    blocks: list[tuple[str, str, str]] = []
    heading = ""
    lines = markdown.split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
        if line.startswith("```"):
            info = line[3:].strip()
            body: list[str] = []
            index += 1
            while index < len(lines) and not lines[index].startswith("```"):
                body.append(lines[index])
                index += 1
            blocks.append((heading, info, "\n".join(body)))
        index += 1
    return blocks


def help_flags(capsys: pytest.CaptureFixture[str], *command: str) -> set[str]:
    """Every option spelling listed by ``assume-lint [command] --help``."""
    capsys.readouterr()
    assert main([*command, "--help"]) == 0
    text = capsys.readouterr().out
    return set(FLAG.findall(text))


def _block(section: str, info: str) -> str:
    found = [
        body for heading, kind, body in fenced_blocks(README) if heading == section and kind == info
    ]
    assert len(found) == 1, f"expected one ```{info} block under '{section}'"
    return found[0]


def test_quick_start_has_exactly_two_set_up_commands() -> None:
    body = _block("Quick start", "sh")
    commands = [line for line in body.split("\n") if line.strip() and not line.startswith("#")]
    assert commands == [
        "python3 -m venv .venv && . .venv/bin/activate && pip install -c constraints.txt "
        "-e '.[dev]' "
        "&& assume-lint samples",
        "python -m pytest",
    ]


def test_github_workflow_parses_and_uploads_sarif() -> None:
    workflow = yaml.safe_load(_block("Without the action", "yaml"))
    assert workflow["permissions"] == {"contents": "read", "security-events": "write"}
    steps = workflow["jobs"]["assume-lint"]["steps"]
    assert steps[0] == {"uses": "actions/checkout@v4"}
    upload = steps[-1]
    assert upload["uses"] == "github/codeql-action/upload-sarif@v3"
    assert upload["if"] == "always()"
    assert upload["with"] == {"sarif_file": "assume-lint.sarif", "category": "assume-lint"}
    run = shlex.split(steps[1]["run"])
    assert run[:3] == ["pipx", "run", "assume-lint"]
    assert run[run.index("--output") + 1] == upload["with"]["sarif_file"]
    assert run[run.index("--format") + 1] == "sarif"
    summary = shlex.split(steps[2]["run"])
    assert summary[summary.index("--format") + 1] == "markdown"
    assert summary[-2:] == [">>", "$GITHUB_STEP_SUMMARY"]


def test_workflow_uses_only_flags_the_cli_has(capsys: pytest.CaptureFixture[str]) -> None:
    flags = help_flags(capsys, "check")
    workflow = yaml.safe_load(_block("Without the action", "yaml"))
    used = []
    for step in workflow["jobs"]["assume-lint"]["steps"]:
        if "run" in step:
            words = shlex.split(step["run"])
            used += [
                w.split("=")[0]
                for w in words[words.index("assume-lint") + 1 :]
                if w.startswith("-")
            ]
    assert used == ["--format", "--output", "--soft-fail", "--format", "--soft-fail"]
    assert set(used) <= flags, set(used) - flags


def test_usage_block_names_only_real_options(capsys: pytest.CaptureFixture[str]) -> None:
    flags = help_flags(capsys, "check") | help_flags(capsys) | help_flags(capsys, "rules")
    usage = _block("Usage", "")
    named = set()
    for line in usage.split("\n"):
        code = line.split("#", 1)[0]  # the comments quote values, not flags
        named |= set(FLAG.findall(code))
    assert {"--min-severity", "--fail-on", "--baseline", "--require-reason"} <= named
    assert named <= flags, named - flags


def test_precommit_snippet_uses_a_published_hook() -> None:
    snippet = yaml.safe_load(_block("pre-commit", "yaml"))
    manifest = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    published = {hook["id"] for hook in manifest}
    assert published == {"assume-lint", "assume-lint-all"}
    [repo] = snippet["repos"]
    assert {hook["id"] for hook in repo["hooks"]} <= published
    assert "assume-lint-all" in README and "--hook-stage manual" in README


def test_config_snippet_is_a_valid_config(tmp_path: Path) -> None:
    from assume_lint.engine.config import load_config

    path = tmp_path / ".assume-lint.toml"
    path.write_text(_block("Config", "toml"), encoding="utf-8")
    config = load_config(path)
    assert config.fail_on.label == "medium"


def test_fenced_blocks_helper() -> None:
    text = "# A\n```sh\none\ntwo\n```\n## B\n```\nthree\n```\n"
    assert fenced_blocks(text) == [("A", "sh", "one\ntwo"), ("B", "", "three")]


def test_plan_workflow_lints_the_json_it_writes(capsys: pytest.CaptureFixture[str]) -> None:
    """The plan gate: plan -out, show -json into a file, assume-lint on that file (and the
    configuration) to SARIF, the same file uploaded under the same category."""
    workflow = yaml.safe_load(_block("Terraform plans in CI", "yaml"))
    assert workflow["permissions"]["security-events"] == "write"
    steps = workflow["jobs"]["plan"]["steps"]
    runs = [shlex.split(step["run"]) for step in steps if "run" in step]
    plan = next(words for words in runs if any(w.startswith("-out=") for w in words))
    out = next(w.split("=", 1)[1] for w in plan if w.startswith("-out="))
    show = next(words for words in runs if "show" in words)
    assert show[show.index("-json") + 1] == out and show[-2] == ">"
    json_file = show[-1]
    lint = next(words for words in runs if "assume-lint" in words)
    assert lint[:3] == ["pipx", "run", "assume-lint"]
    assert json_file in lint  # the plan is named: a folder walk may skip ignored files
    assert lint[lint.index("--format") + 1] == "sarif"
    upload = steps[-1]
    assert upload["uses"] == "github/codeql-action/upload-sarif@v3"
    assert upload["if"] == "always()"
    assert upload["with"]["sarif_file"] == lint[lint.index("--output") + 1]
    assert upload["with"]["category"] == lint[lint.index("--sarif-category") + 1]
    setup = next(step for step in steps if step.get("uses", "").startswith("hashicorp/"))
    assert setup["with"] == {"terraform_wrapper": False}
    flags = help_flags(capsys, "check")
    used = {w.split("=")[0] for w in lint[3:] if w.startswith("-")}
    assert used <= flags, used - flags


def test_plan_workflow_really_lints_a_plan(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """Its assume-lint command, run on a plan and its configuration, writes SARIF with the
    planned role's finding at the .tf line and the plan as related location."""
    fixture = REPO / "tests" / "parsers" / "fixtures" / "terraform_plan" / "deferred_read"
    shutil.copytree(fixture, tmp_path / "infra")
    workflow = yaml.safe_load(_block("Terraform plans in CI", "yaml"))
    runs = [shlex.split(s["run"]) for s in workflow["jobs"]["plan"]["steps"] if "run" in s]
    lint = next(words for words in runs if "assume-lint" in words)
    args = [str(tmp_path / w) if w.startswith("infra") else w for w in lint[3:]]
    sarif = tmp_path / "out.sarif"
    args[args.index("--output") + 1] = str(sarif)
    assert main(["check", *args, "--no-config", "--repo-root", str(tmp_path)]) == 0
    (result,) = json.loads(sarif.read_text())["runs"][0]["results"]
    where = result["locations"][0]["physicalLocation"]
    assert (where["artifactLocation"]["uri"], where["region"]["startLine"]) == (
        "infra/main.tf", 19)
    related = result["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert related == "infra/tfplan.json"
