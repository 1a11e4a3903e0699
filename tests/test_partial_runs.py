"""Partial runs (pre-commit passes only changed files): module siblings and the role
definitions elsewhere in the repository are loaded as context; only given files report."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from assume_lint.cli import main

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "repo-shaped"

BACKEND = """\
terraform {
  backend "s3" {
    bucket = "state"
    key    = "app.tfstate"
    region = "eu-west-1"
    assume_role = {
      role_arn     = "arn:aws:iam::111111111111:role/admin"
      session_name = "state"
    }
  }
}
"""
PROVIDERS = """\
provider "aws" {
  region = "eu-west-1"
  assume_role {
    role_arn = "arn:aws:iam::222222222222:role/deploy"
  }
}
"""


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)


def findings(
    capsys: pytest.CaptureFixture[str], root: Path, *paths: str
) -> list[tuple[str, str, int]]:
    main([*paths, "--no-config", "-q", "-f", "json", "--repo-root", str(root),
          "--min-severity", "info"])  # nits too: partial runs must not differ on them
    data = json.loads(capsys.readouterr().out)
    return sorted((f["rule_id"], f["path"], f["line"]) for f in data["findings"])


def module(root: Path) -> None:
    folder = root / "infra" / "app"
    folder.mkdir(parents=True)
    (folder / "backend.tf").write_text(BACKEND)
    (folder / "providers.tf").write_text(PROVIDERS)


def test_changed_backend_reports_only_its_own_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    module(tmp_path)
    whole = findings(capsys, tmp_path, "infra")
    assert ("AL301", "infra/app/backend.tf", 7) in whole
    assert any(path == "infra/app/providers.tf" for _, path, _ in whole)  # AL204 there
    assert findings(capsys, tmp_path, "infra/app/backend.tf") == [
        ("AL301", "infra/app/backend.tf", 7)
    ]


def copy_sample(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(SAMPLE, root)
    return root


def test_workflow_alone_gets_al304_against_role_in_infra(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_sample(tmp_path)
    assert findings(capsys, root, str(root / ".github/workflows/deploy.yml")) == [
        ("AL304", ".github/workflows/deploy.yml", 24)
    ]


def test_profile_and_provider_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_sample(tmp_path)
    assert findings(capsys, root, str(root / ".aws/config")) == [("AL303", ".aws/config", 7)]
    assert findings(capsys, root, str(root / "infra/providers.tf")) == [
        ("AL302", "infra/providers.tf", 7),
        ("AL305", "infra/providers.tf", 19),
    ]


def test_context_parse_errors_are_not_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_sample(tmp_path)
    broken = root / "other"
    broken.mkdir()
    (broken / "broken.tf").write_text('resource "aws_iam_role" "x" {\n  name = \n')
    code = main(
        [
            str(root / ".github/workflows/deploy.yml"),
            "--no-config",
            "-q",
            "-f",
            "json",
            "--repo-root",
            str(root),
        ]
    )
    data = json.loads(capsys.readouterr().out)
    assert [(f["rule_id"], f["line"]) for f in data["findings"]] == [("AL304", 24)]
    assert code == 1


def test_folder_run_does_not_reach_outside(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_sample(tmp_path)
    assert findings(capsys, root, str(root / ".github")) == []


def test_a_broken_sibling_does_not_fail_a_partial_run(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    (tmp_path / "backend.tf").write_text(
        'terraform {\n  backend "s3" {\n    bucket = "b"\n  }\n}\n')
    (tmp_path / "providers.tf").write_text('provider "aws" {\n  region = \n')
    monkeypatch.chdir(tmp_path)
    assert main(["backend.tf", "--no-config", "--repo-root", str(tmp_path), "-q"]) == 0
    assert main([".", "--no-config", "--repo-root", str(tmp_path), "-q"]) == 2


def test_role_context_is_only_read_from_files_naming_a_missing_role(tmp_path: Path) -> None:
    from assume_lint.engine.cache import ModelCache
    from assume_lint.engine.config import Config
    from assume_lint.engine.partial import role_candidates
    from assume_lint.engine.pipeline import build_model, collect
    from assume_lint.files.walk import walk

    module(tmp_path)
    roles = tmp_path / "iam"
    roles.mkdir()
    role = 'resource "aws_iam_role" "{0}" {{\n  name = "{0}"\n  assume_role_policy = "{{}}"\n}}\n'
    (roles / "deploy.tf").write_text(role.format("deploy"))
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "unrelated.tf").write_text(role.format("reporting"))
    config = Config()
    given = walk([tmp_path / "infra" / "app" / "providers.tf"], tmp_path, ()).files
    model = build_model(collect(given, config), ModelCache(None))
    chosen = role_candidates(given, model, tmp_path, config, {"infra/app/providers.tf"})
    # backend.tf is read as the module sibling; the deploy role's file is found by its
    # name; the file defining only an unrelated role is never read.
    assert [c.rel for c in chosen] == ["iam/deploy.tf"]


INVALID_TRUST_ROLE = """\
resource "aws_iam_role" "{name}" {{
  name = "{name}"
  assume_role_policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Sid       = "{name}-trust"
      Effect    = "Allow"
      Principal = {{ Service = "ec2.amazonaws.com" }}
      Action    = "sts:AssumeRole"
    }}]
  }})
}}
"""


def test_context_files_are_not_schema_checked_and_the_cache_keeps_runs_apart(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from assume_lint.parsers import trust_schema

    folder = tmp_path / "iam"
    folder.mkdir()
    (folder / "given.tf").write_text(INVALID_TRUST_ROLE.format(name="given"))
    (folder / "sibling.tf").write_text(INVALID_TRUST_ROLE.format(name="sibling"))
    checked: list[str] = []
    original = trust_schema.schema_problems

    def spy(root: object, already: object = ()) -> object:
        checked.append(root.location.path)  # type: ignore[attr-defined]
        return original(root, already)  # type: ignore[arg-type]

    monkeypatch.setattr(trust_schema, "schema_problems", spy)
    # A partial run: the sibling is read (module context) but its policy is not checked.
    assert findings(capsys, tmp_path, "iam/given.tf") == [("AL109", "iam/given.tf", 6)]
    assert checked == ["iam/given.tf"]
    # The full run that follows is not served the partial run's cached model.
    checked.clear()
    assert findings(capsys, tmp_path, "iam") == [
        ("AL109", "iam/given.tf", 6), ("AL109", "iam/sibling.tf", 6)]
    assert sorted(checked) == ["iam/given.tf", "iam/sibling.tf"]
