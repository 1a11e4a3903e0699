"""Paths as users expect them (INTERFACE.md): relative to the git top level inside a
repository, else to the current folder; SARIF URIs never start with ``../``.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from assume_lint.cli import main
from assume_lint.formatters.sarif import _artifact

KEY_TF = 'provider "aws" {\n  region     = "us-east-1"\n  access_key = "AKIAQYLPMN5HHHFPZAM2"\n}\n'


@pytest.fixture
def outside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A tree under a folder that is not in any git repository."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    for variable in ("GIT_DIR", "GIT_WORK_TREE"):
        monkeypatch.delenv(variable, raising=False)
    root = tmp_path / "work" / "infra"
    (root / "tf").mkdir(parents=True)
    (root / "tf" / "main.tf").write_text(KEY_TF, encoding="utf-8")
    assert subprocess.run(["git", "-C", str(root), "rev-parse"], capture_output=True,
                          check=False).returncode != 0, "the temporary folder is inside git"
    return root


def _paths(capsys: pytest.CaptureFixture[str], *args: str) -> list[str]:
    capsys.readouterr()
    main([*args, "--no-config", "-q", "-f", "json"])
    return [f["path"] for f in json.loads(capsys.readouterr().out)["findings"]]


def test_outside_git_paths_are_relative_to_the_current_folder(
    outside: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(outside.parent)
    assert _paths(capsys, "infra") == ["infra/tf/main.tf"]
    assert _paths(capsys, "infra/tf/main.tf") == ["infra/tf/main.tf"]
    monkeypatch.chdir(outside / "tf")
    assert _paths(capsys, ".") == ["main.tf"]


def test_outside_git_a_target_beside_the_current_folder(
    outside: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Not under the current folder: relative to the targets' common folder, never with
    ".." (the Terraform evaluator resolves module paths from the root, and SARIF needs
    paths under %SRCROOT%)."""
    elsewhere = outside.parent / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert _paths(capsys, "../infra") == ["tf/main.tf"]
    assert _paths(capsys, str(outside / "tf" / "main.tf")) == ["main.tf"]
    capsys.readouterr()
    code = main(["../infra", "--no-config", "-q", "-f", "sarif"])
    assert code == 1  # the key, and no parse error
    sarif = json.loads(capsys.readouterr().out)
    [result] = sarif["runs"][0]["results"]
    location = result["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "tf/main.tf", "uriBaseId": "%SRCROOT%"}
    assert "../" not in json.dumps(sarif)


def test_outside_git_a_module_tree_beside_the_current_folder_parses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A tree with a local module, linted from a sibling folder: no AL900 (a ".." path
    made the evaluator fail on every file)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = tmp_path / "tree"
    (root / "modules" / "role").mkdir(parents=True)
    (root / "main.tf").write_text('module "role" {\n  source = "./modules/role"\n}\n')
    (root / "modules" / "role" / "main.tf").write_text(KEY_TF)
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    capsys.readouterr()
    code = main(["../tree", "--no-config", "-q", "-f", "json"])
    rows = [(f["rule_id"], f["path"]) for f in json.loads(capsys.readouterr().out)["findings"]]
    assert (code, rows) == (1, [("AL201", "modules/role/main.tf")])


def test_inside_git_paths_stay_relative_to_the_top_level(
    outside: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    subprocess.run(["git", "init", "-q", str(outside)], check=True)
    monkeypatch.chdir(outside / "tf")
    assert _paths(capsys, ".") == ["tf/main.tf"]


@pytest.mark.parametrize(
    ("path", "root", "expected"),
    [
        ("tf/main.tf", "/repo", {"uri": "tf/main.tf", "uriBaseId": "%SRCROOT%"}),
        ("./tf/a b.tf", "/repo", {"uri": "tf/a%20b.tf", "uriBaseId": "%SRCROOT%"}),
        ("../other/main.tf", "/work/repo", {"uri": "file:///work/other/main.tf"}),
        ("tf/../../x.tf", "/work/repo", {"uri": "file:///work/x.tf"}),
        ("/repo/tf/main.tf", "/repo", {"uri": "tf/main.tf", "uriBaseId": "%SRCROOT%"}),
        ("/elsewhere/x.tf", "/repo", {"uri": "file:///elsewhere/x.tf"}),
    ],
)
def test_sarif_uris_never_climb_out_of_the_root(
    path: str, root: str, expected: dict[str, str]
) -> None:
    assert _artifact(path, root) == expected


def test_outside_git_a_partial_run_searches_only_around_the_given_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The current folder may be a home folder: outside git, the role definitions a
    changed file needs are looked for around it, not in the whole current folder (with
    --repo-root or inside git, in the whole tree)."""
    import shutil

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    sample = Path(__file__).resolve().parents[1] / "samples" / "repo-shaped"
    root = tmp_path / "home"
    shutil.copytree(sample, root)
    if (root / ".git").exists():
        shutil.rmtree(root / ".git")
    monkeypatch.chdir(root)

    def rules(*args: str) -> list[str]:
        capsys.readouterr()
        main([*args, "--no-config", "-q", "-f", "json"])
        return [f["rule_id"] for f in json.loads(capsys.readouterr().out)["findings"]]

    assert rules(".aws/config") == []  # the role it names is defined in infra/: not read
    assert rules(".aws/config", "--repo-root", ".") == ["AL303"]
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    assert rules(".aws/config") == ["AL303"]
