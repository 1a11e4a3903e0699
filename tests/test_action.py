"""The GitHub Action (``action.yml``) and the CI snippets of the README.

``action.yml`` and the README's workflow are validated against the schemas GitHub's
tooling uses (SchemaStore's, vendored by check-jsonschema: no network), and the README's
``.gitlab-ci.yml`` against GitLab's. Then the action's shell steps run as the runner runs
them (``bash --noprofile --norc -eo pipefail``), with ``GITHUB_OUTPUT``,
``GITHUB_STEP_SUMMARY``, ``GITHUB_WORKSPACE`` and ``RUNNER_TEMP`` in a temporary folder
and the ``${{ ... }}`` expressions of each step's ``env`` filled in as the runner would.
The lint step runs against the assume-lint installed in this environment; the install
step runs against a stand-in interpreter that records what it is asked to do (tests
never install packages), so what it would install is checked, not done.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REPO
from test_readme import README, fenced_blocks

from assume_lint import __version__

ACTION = REPO / "action.yml"
EXPRESSION = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")
BAD_TF = 'provider "aws" {\n  region     = "us-east-1"\n  access_key = "AKIAQYLPMN5HHHFPZAM2"\n}\n'
BROKEN_TF = 'provider "aws" {\n  region = "x" = \n}\n'


def _action() -> dict[str, Any]:
    data = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _check_jsonschema(schema: str, *files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _readme_block(heading: str, info: str) -> str:
    [body] = [b for h, i, b in fenced_blocks(README) if h == heading and i == info]
    return body


# --- schemas --------------------------------------------------------------------------------


def test_action_metadata_matches_github_actions_schema() -> None:
    done = _check_jsonschema("vendor.github-actions", ACTION)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("heading", ["GitHub Action", "Without the action"])
def test_readme_workflows_match_github_workflows_schema(tmp_path: Path, heading: str) -> None:
    workflow = tmp_path / "assume-lint.yml"
    workflow.write_text(_readme_block(heading, "yaml"), encoding="utf-8")
    done = _check_jsonschema("vendor.github-workflows", workflow)
    assert done.returncode == 0, done.stdout + done.stderr


def test_readme_gitlab_job_matches_gitlab_ci_schema(tmp_path: Path) -> None:
    pipeline = tmp_path / ".gitlab-ci.yml"
    pipeline.write_text(
        _readme_block("GitLab Code Quality and plain GitHub annotations", "yaml"), encoding="utf-8"
    )
    done = _check_jsonschema("vendor.gitlab-ci", pipeline)
    assert done.returncode == 0, done.stdout + done.stderr
    job = yaml.safe_load(pipeline.read_text(encoding="utf-8"))["assume-lint"]
    report = job["artifacts"]["reports"]["codequality"]
    assert f"--format gitlab --output {report}" in " ".join(job["script"])


def test_the_schema_check_can_fail(tmp_path: Path) -> None:
    broken = tmp_path / "action.yml"
    broken.write_text("name: x\nruns:\n  using: composite\n  steps: [{run: echo}]\n")
    assert _check_jsonschema("vendor.github-actions", broken).returncode == 1  # no shell


def test_readme_workflow_uses_the_action_with_its_real_inputs_and_outputs() -> None:
    action = _action()
    workflow = yaml.safe_load(_readme_block("GitHub Action", "yaml"))
    assert workflow["permissions"] == {"contents": "read", "security-events": "write"}
    steps = workflow["jobs"]["assume-lint"]["steps"]
    assert steps[0] == {"uses": "actions/checkout@v4"}
    [ours] = [s for s in steps if s.get("uses", "").startswith("assume-lint/assume-lint@")]
    assert ours["uses"] == "assume-lint/assume-lint@v1"
    assert set(ours.get("with", {})) <= set(action["inputs"])
    upload = steps[-1]
    assert upload["uses"] == "github/codeql-action/upload-sarif@v3"
    assert upload["if"] == "always()"
    used_outputs = re.findall(rf"steps\.{ours['id']}\.outputs\.([\w-]+)", json.dumps(steps))
    assert "sarif-file" in used_outputs
    assert set(used_outputs) <= set(action["outputs"])


def test_every_input_reaches_the_scripts_through_env_only() -> None:
    """No ``${{ inputs.x }}`` inside a script (injection); every input is used."""
    action = _action()
    used = set()
    for step in action["runs"]["steps"]:
        assert "${{" not in step["run"], step["name"]
        for value in step.get("env", {}).values():
            used |= set(re.findall(r"inputs\.([\w-]+)", value))
    assert used == set(action["inputs"])
    for name, output in action["outputs"].items():
        [expr] = EXPRESSION.findall(output["value"])
        assert expr == f"steps.lint.outputs.{name}"


# --- running the steps ---------------------------------------------------------------------


def _fill(value: str, context: dict[str, str]) -> str:
    return EXPRESSION.sub(lambda m: context[m.group(1)], value)


def run_step(
    step_id: str, inputs: dict[str, str], tmp: Path, workspace: Path, outputs: dict[str, str]
) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    """Run one ``shell: bash`` step as the runner does; returns the process and the outputs
    it wrote to ``$GITHUB_OUTPUT``. ``outputs`` fills ``steps.install.outputs.*``."""
    action = _action()
    [step] = [s for s in action["runs"]["steps"] if s["id"] == step_id]
    assert step["shell"] == "bash"
    context = {"github.action_path": str(REPO)}
    for name, spec in action["inputs"].items():
        context[f"inputs.{name}"] = inputs.get(name, str(spec.get("default", "")))
    for name, value in outputs.items():
        context[f"steps.install.outputs.{name}"] = value
    script = tmp / f"{step_id}.sh"
    script.write_text(step["run"], encoding="utf-8")
    github_output = tmp / f"{step_id}.output"
    github_output.touch()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "INPUT_"))}
    env.update({key: _fill(value, context) for key, value in step.get("env", {}).items()})
    env.update(
        GITHUB_OUTPUT=str(github_output),
        GITHUB_STEP_SUMMARY=str(tmp / "summary.md"),
        GITHUB_WORKSPACE=str(workspace),
        RUNNER_TEMP=str(tmp / "runner-temp"),
        XDG_CACHE_HOME=str(tmp / "cache"),
        NO_COLOR="1",
    )
    (tmp / "runner-temp").mkdir(exist_ok=True)
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=workspace,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    written = dict(
        line.split("=", 1) for line in github_output.read_text(encoding="utf-8").splitlines()
    )
    return done, written


def _installed() -> dict[str, str]:
    """What the install step would output, for the assume-lint of this environment."""
    binary = Path(sys.executable).parent / "assume-lint"
    found = str(binary) if binary.exists() else shutil.which("assume-lint")
    assert found, "assume-lint is not installed in this environment"
    return {"bin": found, "python": sys.executable}


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "workspace"
    (root / "tf").mkdir(parents=True)
    (root / "tf" / "main.tf").write_text(BAD_TF, encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def test_lint_step_gates_writes_sarif_summary_and_counts(workspace: Path, tmp_path: Path) -> None:
    done, outputs = run_step("lint", {}, tmp_path, workspace, _installed())
    assert done.returncode == 1, done.stdout + done.stderr  # a critical finding, fail-on low
    assert done.stdout.startswith("::error file=tf/main.tf,line=3,col=3,")
    assert "AKIAQYLPMN5HHHFPZAM2" not in done.stdout + done.stderr
    assert "1 finding (1 critical) in 1 file" in done.stderr
    assert outputs == {
        "sarif-file": "assume-lint.sarif",
        "exit-code": "1",
        "findings": "1",
        "critical": "1",
        "high": "0",
        "medium": "0",
        "low": "0",
        "info": "0",
        "parse-errors": "0",
    }
    sarif = json.loads((workspace / "assume-lint.sarif").read_text(encoding="utf-8"))
    [result] = sarif["runs"][0]["results"]
    assert result["ruleId"] == "AL201"
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert summary.startswith("## assume-lint") and "AL201" in summary
    assert "AKIAQYLPMN5HHHFPZAM2" not in summary


def test_lint_step_inputs_change_the_run(workspace: Path, tmp_path: Path) -> None:
    (workspace / "other").mkdir()
    (workspace / "other" / "broken.tf").write_text(BROKEN_TF, encoding="utf-8")
    inputs = {
        "paths": "tf\n  other ",
        "fail-on": "critical",
        "sarif-file": "",
        "step-summary": "false",
        "annotations": "false",
    }
    done, outputs = run_step("lint", inputs, tmp_path, workspace, _installed())
    assert done.returncode == 2, done.stdout + done.stderr  # the parse error
    assert done.stdout.splitlines()[0].startswith("other/broken.tf:2:15: AL900 [high]")
    assert not (workspace / "assume-lint.sarif").exists()
    assert not (tmp_path / "summary.md").exists()
    assert outputs["sarif-file"] == "" and outputs["exit-code"] == "2"
    assert outputs["parse-errors"] == "1" and outputs["findings"] == "2"


def test_lint_step_clean_tree_with_config_and_baseline(workspace: Path, tmp_path: Path) -> None:
    baseline = workspace / "base.json"
    subprocess.run([_installed()["bin"], ".", "--no-config", "--write-baseline", str(baseline),
                    "-q"], cwd=workspace, check=False, capture_output=True)
    (workspace / "lint.toml").write_text('fail-on = "high"\n', encoding="utf-8")
    inputs = {"config": "lint.toml", "baseline": "base.json", "min-severity": "low"}
    done, outputs = run_step("lint", inputs, tmp_path, workspace, _installed())
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == ""
    assert outputs["findings"] == "0" and outputs["exit-code"] == "0"
    sarif = json.loads((workspace / "assume-lint.sarif").read_text(encoding="utf-8"))
    assert sarif["runs"][0]["results"] == []


def _stand_in_python(folder: Path, version_ok: bool) -> Path:
    """An interpreter stand-in: answers the version probe, makes a "venv" whose python
    records the pip command line instead of installing anything."""
    log = folder / "calls.log"
    stub = folder / "python3"
    stub.write_text(
        "#!/usr/bin/env bash\n"
        f'echo "$*" >> {log}\n'
        'if [ "$1" = -c ]; then exit ' + ("0" if version_ok else "1") + "; fi\n"
        'if [ "$1 $2" = "-m venv" ]; then mkdir -p "$3/bin"; cp "$0" "$3/bin/python"; fi\n',
        encoding="utf-8",
    )
    stub.chmod(stub.stat().st_mode | stat.S_IEXEC)
    return stub


def test_install_step_installs_this_checkout_with_its_constraints(
    workspace: Path, tmp_path: Path
) -> None:
    stub = _stand_in_python(tmp_path, version_ok=True)
    done, outputs = run_step("install", {"python": str(stub)}, tmp_path, workspace, {})
    assert done.returncode == 0, done.stdout + done.stderr
    venv = tmp_path / "runner-temp" / "assume-lint-venv"
    assert outputs == {"bin": f"{venv}/bin/assume-lint", "python": f"{venv}/bin/python"}
    calls = (tmp_path / "calls.log").read_text(encoding="utf-8").splitlines()
    assert calls[1] == f"-m venv {venv}"
    assert calls[2] == (
        f"-m pip install --quiet --disable-pip-version-check -c {REPO}/constraints.txt {REPO}"
    )
    # "This checkout" is the version the tag names: the package version lives in it.
    assert f'__version__ = "{__version__}"' in (REPO / "lint" / "__init__.py").read_text()


def test_install_step_refuses_an_old_python(workspace: Path, tmp_path: Path) -> None:
    stub = _stand_in_python(tmp_path, version_ok=False)
    done, outputs = run_step("install", {"python": str(stub)}, tmp_path, workspace, {})
    assert done.returncode == 2
    assert done.stdout.startswith("::error title=assume-lint::")
    assert "actions/setup-python" in done.stdout
    assert outputs == {}
