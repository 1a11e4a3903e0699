"""The published pre-commit hooks, run for real with ``pre-commit try-repo``, offline.

pre-commit installs a ``language: python`` hook by cloning the hook repository and
running ``pip install .`` in a fresh virtualenv: that is a real build of this project
(setuptools as the isolated build backend) and a real install of its dependencies. The
test points pip at a wheelhouse only (``PIP_NO_INDEX=1``, ``PIP_FIND_LINKS``, no pip
config), so it proves the hook installs without the network from what ``.ci/run``
downloaded beforehand:

    pip wheel --wheel-dir "$WH" . 'setuptools>=77' wheel
    ASSUME_LINT_WHEELHOUSE="$WH" python -m pytest tests/test_precommit.py

The wheelhouse comes from ``$ASSUME_LINT_WHEELHOUSE`` or ``./.wheelhouse``. Without
pre-commit or a wheelhouse the test is skipped with the reason, except when
``ASSUME_LINT_WHEELHOUSE`` or ``CI`` is set: then it must run, and a missing piece fails.

The hook repository is a snapshot of the working tree (tracked plus untracked, not
ignored files) committed into a temporary git repository, so the test checks the code
as it is now, not the last commit, and never touches this checkout's git state.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

BAD_TF = """\
provider "aws" {
  region     = "us-east-1"
  access_key = "AKIAQYLPMN5HHHFPZAM2"
}
"""
FIXED_TF = """\
provider "aws" {
  region = "us-east-1"
}
"""
CLEAN_JSON = """\
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::123456789012:user/deployer"},
      "Action": "sts:AssumeRole",
      "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    }
  ]
}
"""
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "assume-lint tests",
    "GIT_AUTHOR_EMAIL": "tests@example.invalid",
    "GIT_COMMITTER_NAME": "assume-lint tests",
    "GIT_COMMITTER_EMAIL": "tests@example.invalid",
}


def _required() -> bool:
    """In CI (or when a wheelhouse was given) the test must run, never skip."""
    return bool(os.environ.get("ASSUME_LINT_WHEELHOUSE") or os.environ.get("CI"))


def _unavailable(reason: str) -> None:
    if _required():
        pytest.fail(f"pre-commit integration test cannot run: {reason}")
    pytest.skip(reason)


def _pre_commit() -> list[str]:
    """How to run pre-commit: this interpreter's module, else the one on PATH."""
    if importlib.util.find_spec("pre_commit") is not None:
        return [sys.executable, "-m", "pre_commit"]
    found = shutil.which("pre-commit")
    if found is None:
        _unavailable("pre-commit is not installed (pip install -e '.[dev]')")
        raise AssertionError("unreachable")
    return [found]


def _wheelhouse() -> Path:
    """The folder of wheels pip may install from, with a build backend in it."""
    given = os.environ.get("ASSUME_LINT_WHEELHOUSE")
    folder = Path(given) if given else REPO / ".wheelhouse"
    if not folder.is_dir():
        _unavailable(
            f"no wheelhouse at {folder}: set ASSUME_LINT_WHEELHOUSE "
            "(.ci/run fills one with pip wheel)"
        )
    names = [path.name.lower() for path in folder.iterdir()]
    for needed in ("setuptools", "click", "python_hcl2", "jsonschema", "pyyaml"):
        if not any(name.startswith(needed) for name in names):
            _unavailable(f"wheelhouse {folder} has no {needed} wheel")
    return folder.resolve()


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        env={**os.environ, **GIT_IDENTITY},
    )


def _snapshot_of_this_checkout(target: Path) -> Path:
    """Tracked and untracked (not ignored) files of the checkout, committed in ``target``."""
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        check=True,
        capture_output=True,
    ).stdout.decode("utf-8", "surrogateescape")
    for rel in sorted(set(filter(None, listing.split("\0")))):
        source = REPO / rel
        if source.is_file() and not source.is_symlink():
            destination = target / rel
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)
    _git(target, "init", "-q")
    _git(target, "add", "-A")
    _git(target, "commit", "-q", "--no-verify", "-m", "snapshot")
    return target


@pytest.fixture(scope="module")
def tools(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], dict[str, str], Path]:
    """pre-commit's command, an offline environment, and the hook repository."""
    command = _pre_commit()
    wheelhouse = _wheelhouse()
    base = tmp_path_factory.mktemp("precommit")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PIP_", "VIRTUAL_ENV", "PRE_COMMIT", "PYTHONPATH"))
    }
    env.update(
        PIP_NO_INDEX="1",
        PIP_FIND_LINKS=str(wheelhouse),
        PIP_CONFIG_FILE=os.devnull,
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        PRE_COMMIT_HOME=str(base / "pre-commit-home"),
        XDG_CACHE_HOME=str(base / "cache"),
        VIRTUALENV_NO_PERIODIC_UPDATE="1",
        NO_COLOR="1",
        **GIT_IDENTITY,
    )
    hooks = _snapshot_of_this_checkout(base / "hook-repo")
    return command, env, hooks


def _run(tools: tuple[list[str], dict[str, str], Path], cwd: Path, *args: str) -> tuple[int, str]:
    command, env, _ = tools
    proc = subprocess.run(
        [*command, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    return proc.returncode, proc.stdout + proc.stderr


def test_manifest_is_valid(tools: tuple[list[str], dict[str, str], Path]) -> None:
    code, output = _run(tools, REPO, "validate-manifest", ".pre-commit-hooks.yaml")
    assert code == 0, output


def test_try_repo_fails_on_the_bad_file_then_passes_once_fixed(
    tools: tuple[list[str], dict[str, str], Path], tmp_path: Path
) -> None:
    hooks = tools[2]
    project = tmp_path / "project"
    (project / "iam").mkdir(parents=True)
    (project / "main.tf").write_text(BAD_TF, encoding="utf-8")
    (project / "iam" / "clean.json").write_text(CLEAN_JSON, encoding="utf-8")
    _git(project, "init", "-q")
    _git(project, "add", "-A")

    files = ["--files", "main.tf", "iam/clean.json"]
    code, output = _run(tools, project, "try-repo", str(hooks), "assume-lint", *files)
    assert code == 1, output
    assert "main.tf:3:3: AL201 [critical]" in output, output
    assert "AKIA************ZAM2" in output and "AKIAQYLPMN5HHHFPZAM2" not in output
    assert "iam/clean.json:" not in output
    assert "1 finding (1 critical) in 2 files" in output, output

    (project / "main.tf").write_text(FIXED_TF, encoding="utf-8")
    _git(project, "add", "-A")
    code, output = _run(tools, project, "try-repo", str(hooks), "assume-lint", *files)
    assert code == 0, output
    assert "AL201" not in output

    # The manual-stage hook lints the whole repository (no file names passed).
    (project / "iam" / "open.json").write_text(
        CLEAN_JSON.replace('{"AWS": "arn:aws:iam::123456789012:user/deployer"}', '"*"'),
        encoding="utf-8",
    )
    _git(project, "add", "-A")
    code, output = _run(
        tools, project, "try-repo", str(hooks), "assume-lint-all",
        "--hook-stage", "manual", "--all-files",
    )  # fmt: skip
    assert code == 1, output
    assert "iam/open.json:6:20: AL101 [critical]" in output, output
