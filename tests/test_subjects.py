"""OIDC subject derivation (lint/engine/subjects.py) and the subject-shape matcher."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from assume_lint.engine.subjects import (
    derive_subjects,
    origin_url,
    parse_github_remote,
    repository_from_git,
    repository_name,
)
from assume_lint.files.sources import SourceFile
from assume_lint.model import Model, PushFilter
from assume_lint.parsers.github_actions import parse_unit
from assume_lint.rules._helpers_match import subject_may_match

WF = ".github/workflows/ci.yml"


def subjects_of(
    text: str, repository: str | None = "example-org/app"
) -> dict[str, tuple[str, ...]]:
    source = SourceFile(path=Path(WF), rel=WF, text=text)
    model = parse_unit([source])
    derived = derive_subjects(model, repository)
    return {job.job: job.subjects for job in derived.jobs}


ENV_JOB = """\
on:
  push:
    branches: [main]
jobs:
  deploy:
    environment: production
    runs-on: ubuntu-latest
    steps: []
"""


def test_environment_wins_over_trigger() -> None:
    assert subjects_of(ENV_JOB) == {"deploy": ("repo:example-org/app:environment:production",)}


def test_unknown_repository_gives_a_shape() -> None:
    assert subjects_of(ENV_JOB, None) == {"deploy": ("repo:*:environment:production",)}


def test_environment_mapping_and_expression() -> None:
    text = """\
on: push
jobs:
  a:
    environment:
      name: staging
    steps: []
  b:
    environment: ${{ inputs.env }}
    steps: []
"""
    assert subjects_of(text) == {"a": ("repo:example-org/app:environment:staging",), "b": ()}


def test_push_branches_tags_and_pull_request() -> None:
    text = """\
on:
  push:
    branches: [main, 'release/**', '!wip']
    tags: ['v*']
  pull_request:
jobs:
  build:
    steps: []
"""
    assert subjects_of(text)["build"] == (
        "repo:example-org/app:pull_request",
        "repo:example-org/app:ref:refs/heads/main",
        "repo:example-org/app:ref:refs/heads/release/*",
        "repo:example-org/app:ref:refs/tags/v*",
    )


def test_branch_only_filter_excludes_tags_and_unfiltered_push_is_any_ref() -> None:
    only_branches = "on:\n  push:\n    branches: [main]\njobs:\n  b:\n    steps: []\n"
    assert subjects_of(only_branches)["b"] == ("repo:example-org/app:ref:refs/heads/main",)
    plain = "on: [push, workflow_dispatch]\njobs:\n  b:\n    steps: []\n"
    assert subjects_of(plain)["b"] == (
        "repo:example-org/app:ref:refs/heads/*",
        "repo:example-org/app:ref:refs/tags/*",
        "repo:example-org/app:ref:*",
    )
    ignore = "on:\n  push:\n    branches-ignore: [wip]\njobs:\n  b:\n    steps: []\n"
    assert subjects_of(ignore)["b"] == ("repo:example-org/app:ref:refs/heads/*",)


def test_reusable_workflow_and_no_trigger_are_unknown() -> None:
    assert subjects_of("on: workflow_call\njobs:\n  b:\n    steps: []\n")["b"] == ()
    assert subjects_of("jobs:\n  b:\n    steps: []\n")["b"] == ()


def test_without_push_filters_push_is_any_ref() -> None:
    source = SourceFile(
        path=Path(WF), rel=WF, text=ENV_JOB.replace("    environment: production\n", "")
    )
    model = parse_unit([source])
    assert model.jobs[0].push == PushFilter(branches=("main",), tags=None, tag_runs=False)
    assert derive_subjects(model, "o/r").jobs[0].subjects == ("repo:o/r:ref:refs/heads/main",)
    # a job whose push filters were not recorded (built by hand): any ref
    model.jobs[0] = dataclasses.replace(model.jobs[0], push=None)
    assert derive_subjects(model, "o/r").jobs[0].subjects == (
        "repo:o/r:ref:refs/heads/*",
        "repo:o/r:ref:refs/tags/*",
    )
    assert derive_subjects(Model(), "o/r").jobs == []


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://github.com/example-org/app.git", "example-org/app"),
        ("https://github.com/example-org/app", "example-org/app"),
        ("git@github.com:example-org/app.git", "example-org/app"),
        ("ssh://git@github.com/example-org/app.git", "example-org/app"),
        ("https://token@github.com/example-org/app/", "example-org/app"),
        ("https://gitlab.com/example-org/app.git", None),
        ("git@github.com:example-org", None),
    ],
)
def test_parse_github_remote(url: str, expected: str | None) -> None:
    assert parse_github_remote(url) == expected


def test_repository_from_git_config(tmp_path: Path) -> None:
    git = tmp_path / "repo" / ".git"
    git.mkdir(parents=True)
    (git / "config").write_text(
        '[core]\n\tbare = false\n[remote "upstream"]\n\turl = git@github.com:a/b.git\n'
        '[remote "origin"]\n\turl = git@github.com:example-org/app.git\n'
        "\tfetch = +refs/heads/*:refs/remotes/origin/*\n"
    )
    sub = tmp_path / "repo" / "infra"
    sub.mkdir()
    assert repository_from_git(sub) == "example-org/app"
    assert repository_name(None, sub) == "example-org/app"
    assert repository_name(" configured/repo ", sub) == "configured/repo"
    assert origin_url("[core]\n") is None


def test_repository_from_worktree_file(tmp_path: Path) -> None:
    common = tmp_path / "main.git"
    (common / "worktrees" / "wt").mkdir(parents=True)
    (common / "config").write_text('[remote "origin"]\n  url = https://github.com/o/r.git\n')
    (common / "worktrees" / "wt" / "commondir").write_text("../..\n")
    tree = tmp_path / "wt"
    tree.mkdir()
    (tree / ".git").write_text(f"gitdir: {common / 'worktrees' / 'wt'}\n")
    assert repository_from_git(tree) == "o/r"


@pytest.mark.parametrize(
    ("subject", "value", "glob", "expected"),
    [
        ("repo:*:environment:prod", "repo:o/r:environment:prod", False, True),
        ("repo:*:environment:prod", "repo:o/r:ref:refs/heads/main", False, False),
        ("repo:*:environment:prod", "repo:o/r:ref:refs/heads/*", True, False),
        ("repo:*:environment:prod", "repo:o/*", True, True),
        ("repo:*:environment:prod", "repo:o/r:environment:?rod", True, True),
        ("repo:o/r:ref:refs/heads/*", "repo:o/r:ref:refs/heads/main", False, True),
        ("repo:o/r:pull_request", "repo:o/r:*", False, False),
        ("repo:o/r:pull_request", "repo:o/r:*", True, True),
        ("repo:*:pull_request", "repo:o/r:pull_request:x", False, False),
    ],
)
def test_subject_may_match(subject: str, value: str, glob: bool, expected: bool) -> None:
    assert subject_may_match(subject, value, glob=glob) is expected


def test_matcher_is_linear_on_hostile_patterns() -> None:
    value = "*a" * 300 + "b"
    assert subject_may_match("repo:" + "a" * 400 + ":x", value, glob=True) is False
