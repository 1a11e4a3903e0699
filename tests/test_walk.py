"""File discovery: skipped folders, symlinks, loops, unreadable folders, explicit files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assume_lint.files import walk as walk_module
from assume_lint.files.walk import walk


def _tree(tmp_path: Path) -> Path:
    for rel in ("main.tf", ".aws/config", ".github/workflows/ci.yml", ".git/config",
                ".terraform/modules/x.tf", ".terragrunt-cache/a/main.tf",
                "node_modules/p/policy.json", "cdk.out/asset.123/x.json",
                "cdk.out/Stack.template.json", "mod/sub/role.tf"):
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x\n", encoding="utf-8")
    return tmp_path


def _rels(root: Path, *paths: Path) -> list[str]:
    return sorted(c.rel for c in walk(list(paths) or [root], root, use_gitignore=False).files)


def test_skips_tool_folders_but_not_aws_or_github(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    assert _rels(root) == [
        ".aws/config",
        ".github/workflows/ci.yml",
        "cdk.out/Stack.template.json",
        "main.tf",
        "mod/sub/role.tf",
    ]


def test_exclude_globs(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    found = walk([root], root, exclude=("mod/**", ".github"), use_gitignore=False)
    assert sorted(c.rel for c in found.files) == [
        ".aws/config", "cdk.out/Stack.template.json", "main.tf"]


def test_explicit_file_is_taken_even_in_a_skipped_folder(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    found = walk([root / ".terraform/modules/x.tf"], root, use_gitignore=False)
    assert [(c.rel, c.explicit) for c in found.files] == [(".terraform/modules/x.tf", True)]


def test_symlink_loop_terminates(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "main.tf").write_text("x\n")
    os.symlink(tmp_path / "a", tmp_path / "a" / "loop")
    assert _rels(tmp_path) == ["a/main.tf"]


def test_symlink_out_of_root_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.tf").write_text("x\n")
    root = tmp_path / "repo"
    root.mkdir()
    (root / "main.tf").write_text("x\n")
    os.symlink(outside, root / "link")
    os.symlink(outside / "secret.tf", root / "file-link.tf")
    assert _rels(root) == ["main.tf"]


def test_missing_path_is_a_problem(tmp_path: Path) -> None:
    found = walk([tmp_path / "nope"], tmp_path, use_gitignore=False)
    assert found.files == []
    assert found.missing == [str(tmp_path / "nope")]
    assert found.problems == []


def test_unreadable_folder_is_a_problem_and_the_rest_is_walked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "x.tf").write_text("x\n")
    (tmp_path / "ok.tf").write_text("x\n")
    real_scandir = os.scandir

    def scandir(path: object) -> object:
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(walk_module.os, "scandir", scandir)
    found = walk([tmp_path], tmp_path, use_gitignore=False)
    assert [c.rel for c in found.files] == ["ok.tf"]
    assert found.problems == [("locked", "permission denied")]


def test_gitignored_files_are_skipped(tmp_path: Path) -> None:
    import subprocess

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("generated/\n*.secret.tf\n")
    (tmp_path / "generated").mkdir()
    (tmp_path / "generated" / "x.tf").write_text("x\n")
    (tmp_path / "a.secret.tf").write_text("x\n")
    (tmp_path / "main.tf").write_text("x\n")
    found = walk([tmp_path], tmp_path)
    assert sorted(c.rel for c in found.files) == [".gitignore", "main.tf"]


def test_repo_root_is_the_nearest_folder_with_git(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess

    from assume_lint.files.walk import find_repo_root

    for name in ("GIT_DIR", "GIT_WORK_TREE"):
        monkeypatch.delenv(name, raising=False)
    repo = tmp_path / "repo"
    (repo / "infra" / "app").mkdir(parents=True)
    (repo / "infra" / "app" / "main.tf").write_text("")
    assert find_repo_root(repo / "infra" / "app" / "main.tf") == (repo / "infra" / "app").resolve()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    assert find_repo_root(repo / "infra" / "app" / "main.tf") == repo.resolve()
    assert find_repo_root(repo / "infra") == repo.resolve()
    # A submodule or worktree has a .git file: its own folder is the top level.
    (repo / "infra" / ".git").write_text("gitdir: ../.git/modules/infra\n")
    assert find_repo_root(repo / "infra" / "app") == (repo / "infra").resolve()


def test_repo_root_asks_git_when_git_dir_is_set(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess

    from assume_lint.files.walk import find_repo_root

    repo = tmp_path / "repo"
    (repo / "sub").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    monkeypatch.setenv("GIT_DIR", str(repo / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(repo))
    assert find_repo_root(repo / "sub") == repo.resolve()
