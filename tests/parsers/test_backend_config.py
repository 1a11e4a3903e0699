"""Backend configuration files (terraform init -backend-config=FILE): detection, the
module they belong to, and what they say about the backend's identity."""

from __future__ import annotations

from pathlib import Path

import pytest

from assume_lint.files.sources import SourceFile
from assume_lint.model import Attr
from assume_lint.model.findings import Location
from assume_lint.parsers import SNIFF_BACKEND_HCL, detect_by_path, sniff
from assume_lint.parsers.backend_config import module_of, parse_file


@pytest.mark.parametrize(
    ("rel", "kind"),
    [
        ("live/prod/prod.s3.tfbackend", "backend-config"),
        ("stacks/app/backend-config/prod.hcl", "backend-config"),
        ("stacks/app/backend-config/prod.tfvars", "backend-config"),
        ("stacks/app/backend-config/prod.conf", "backend-config"),
        ("stacks/app/backend-config/README.md", None),
        ("stacks/app/backend.hcl", SNIFF_BACKEND_HCL),
        ("stacks/app/prod.backend.hcl", SNIFF_BACKEND_HCL),
        ("stacks/app/prod.tfvars", "terraform"),
        ("stacks/app/env.hcl", "sniff:hcl"),
    ],
)
def test_detection(rel: str, kind: str | None) -> None:
    assert detect_by_path(rel) == kind


def test_a_terragrunt_backend_hcl_stays_terragrunt() -> None:
    assert sniff(SNIFF_BACKEND_HCL, 'remote_state {\n  backend = "s3"\n}\n') == "terragrunt"
    assert sniff(SNIFF_BACKEND_HCL, 'bucket = "state"\nkey = "a/b"\n') == "backend-config"


@pytest.mark.parametrize(
    ("rel", "module"),
    [
        ("stacks/app/backend-config/prod.hcl", "stacks/app"),
        ("stacks/app/prod.tfbackend", "stacks/app"),
        ("backend.hcl", "."),
    ],
)
def test_module_of(rel: str, module: str) -> None:
    assert module_of(rel) == module


def test_assume_role_profile_and_keys_are_read() -> None:
    rel = "stacks/app/backend-config/prod.hcl"
    model = parse_file(
        SourceFile(
            Path(rel),
            rel,
            'bucket  = "acme-state"\n'
            'key     = "app/terraform.tfstate"\n'
            'profile = "state"\n'
            "assume_role = {\n"
            '  role_arn     = "arn:aws:iam::111111111111:role/state"\n'
            '  session_name = "app"\n'
            "}\n",
        )
    )
    [attempt] = model.attempts
    assert (attempt.kind, attempt.module, attempt.caller) == (
        "backend-config",
        "stacks/app",
        f"backend config {rel}",
    )
    assert attempt.role_arn == Attr(
        "arn:aws:iam::111111111111:role/state", Location(rel, 5, 3, 5, 11)
    )
    assert attempt.location == Location(rel, 5, 3, 5, 11)
    assert attempt.session_name is not None and attempt.session_name.value == "app"
    assert attempt.profile is not None and attempt.profile.value == "state"
    assert model.problems == [] and model.credentials == []


def test_old_top_level_role_and_a_literal_key() -> None:
    rel = "prod.s3.tfbackend"
    model = parse_file(
        SourceFile(
            Path(rel),
            rel,
            'role_arn = "arn:aws:iam::111111111111:role/deploy"\n'
            'access_key = "AKIAQ3EGRIXN5HLMW2PV"\n',
        )
    )
    [attempt] = model.attempts
    assert attempt.role_arn is not None and attempt.role_arn.location.line == 1
    assert [(c.kind, c.location.line) for c in model.credentials] == [("access-key-id", 2)]


def test_no_role_is_an_ambient_configuration_located_at_the_file() -> None:
    rel = "a/backend.hcl"
    model = parse_file(SourceFile(Path(rel), rel, 'bucket = "x"\nkey = "y"\n'))
    [attempt] = model.attempts
    assert attempt.role_arn is None and attempt.profile is None
    assert attempt.location == Location(rel, 1, 1)


def test_broken_file_is_a_parse_problem() -> None:
    rel = "a/backend.hcl"
    model = parse_file(SourceFile(Path(rel), rel, 'bucket = "x\n'))
    assert model.attempts == [] and len(model.problems) == 1
