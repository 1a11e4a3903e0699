"""AWS CLI callers in scripts: words, continuations, variables, configure set."""

from __future__ import annotations

from pathlib import Path

import pytest

from assume_lint.files.sources import SourceFile
from assume_lint.model import HOLE, AssumeAttempt
from assume_lint.parsers.cli_callers import scan, script_kind


def callers(text: str, rel: str = "deploy.sh") -> list[AssumeAttempt]:
    return scan(SourceFile(Path(rel), rel, text))


def test_options_quotes_and_locations() -> None:
    (call,) = callers(
        "#!/bin/sh\n"
        "aws sts assume-role --role-arn 'arn:aws:iam::111111111111:role/ci' "
        "--role-session-name=ci --external-id \"abc def\" --duration-seconds 900\n"
    )
    assert call.kind == "cli" and call.refused is None
    assert call.role_arn is not None and call.role_arn.value == "arn:aws:iam::111111111111:role/ci"
    assert (call.location.line, call.location.column) == (2, 1)
    assert (call.role_arn.location.line, call.role_arn.location.column) == (2, 32)
    assert call.session_name is not None and call.session_name.value == "ci"
    assert call.external_id is not None and call.external_id.value == "abc def"
    assert call.duration is not None and call.duration.value == "900"
    assert call.mfa_serial is None


def test_continuations_and_command_substitution() -> None:
    (call,) = callers(
        "CREDS=$(aws --region eu-west-1 sts assume-role \\\n"
        "    --role-arn arn:aws:iam::111111111111:role/ci \\\n"
        "    --role-session-name ci --serial-number \"$MFA\" --token-code 123456)\n"
    )
    assert call.role_arn is not None
    assert (call.role_arn.location.line, call.role_arn.location.column) == (2, 16)
    assert call.mfa_serial is not None and call.mfa_serial.value is None  # unknown, present


@pytest.mark.parametrize(
    ("before", "value", "partial"),
    [
        ("ACCOUNT=111111111111\n", "arn:aws:iam::111111111111:role/ci", None),
        ("export ACCOUNT='111111111111'\n", "arn:aws:iam::111111111111:role/ci", None),
        ("ACCOUNT=$(aws sts get-caller-identity)\n", None, f"arn:aws:iam::{HOLE}:role/ci"),
        ("if x; then ACCOUNT=1; else ACCOUNT=2; fi\n", None, f"arn:aws:iam::{HOLE}:role/ci"),
        ("", None, f"arn:aws:iam::{HOLE}:role/ci"),  # never assigned: from the environment
    ],
)
def test_variables_known_only_when_assigned_one_literal(
    before: str, value: str | None, partial: str | None
) -> None:
    (call,) = callers(
        before + 'aws sts assume-role --role-arn "arn:aws:iam::${ACCOUNT}:role/ci" '
        "--role-session-name ci\n"
    )
    assert call.role_arn is not None
    assert (call.role_arn.value, call.role_arn.partial) == (value, partial)


def test_single_quotes_keep_dollars_literal() -> None:
    (call,) = callers("aws sts assume-role --role-arn 'x$y' --role-session-name s\n")
    assert call.role_arn is not None and call.role_arn.value == "x$y"


def test_refused_without_required_options() -> None:
    (call,) = callers("aws sts assume-role --role-arn arn:aws:iam::1:role/x\n")
    assert call.refused == "the AWS CLI refuses it: --role-session-name required"
    (web,) = callers(
        "aws sts assume-role-with-web-identity --role-arn arn:aws:iam::1:role/x "
        "--role-session-name s --web-identity-token file://t\n"
    )
    assert web.uses_oidc and web.refused is None


def test_comments_other_commands_and_other_files_are_not_callers() -> None:
    text = "# aws sts assume-role --role-arn a --role-session-name b\naws s3 ls\n"
    assert callers(text) == []
    quoted = "aws sts assume-role --role-arn arn:aws:iam::1:role/x --role-session-name s\n"
    assert callers(quoted, "README.md") == []  # docs quote commands: never read
    assert callers(quoted, "notes.txt") == []


def test_configure_set_one_caller_per_profile_unwritten_settings_unknown() -> None:
    (call,) = callers(
        "aws configure set role_arn arn:aws:iam::111111111111:role/ci --profile ci\n"
        "aws configure set profile.ci.external_id abc\n"
        "aws configure set region eu-west-1 --profile ci\n"
        "aws configure set source_profile default --profile other\n"
    )
    assert call.caller.startswith("aws configure set (profile ci)")
    assert call.external_id is not None and call.external_id.value == "abc"
    assert call.mfa_serial is not None and call.mfa_serial.value is None
    assert call.session_name is not None and call.session_name.value is None
    assert call.location.line == 1


@pytest.mark.parametrize(
    ("rel", "text", "kind"),
    [
        ("ci/deploy.sh", "", "shell"),
        ("bin/deploy", "#!/usr/bin/env bash\n", "shell"),
        ("bin/deploy", "#!/usr/bin/env python3\n", None),
        ("Makefile", "", "make"),
        ("Dockerfile", "", "docker"),
        ("docker/api.Dockerfile", "", "docker"),
        ("buildspec-prod.yml", "", "yaml"),
        (".gitlab-ci.yml", "", "yaml"),
        (".github/workflows/ci.yml", "", "yaml"),
        ("docs/guide.md", "", None),
        ("config.yml", "", None),
    ],
)
def test_script_kinds(rel: str, text: str, kind: str | None) -> None:
    assert script_kind(rel, text) == kind


def test_makefile_dockerfile_and_yaml_variables() -> None:
    make = callers(
        "ROLE := arn:aws:iam::1:role/m\nrun:\n\t@aws sts assume-role --role-arn $(ROLE) "
        "--role-session-name m\n",
        "Makefile",
    )
    assert [c.role_arn.value for c in make if c.role_arn] == ["arn:aws:iam::1:role/m"]
    docker = callers(
        "ARG ROLE=arn:aws:iam::1:role/a\nENV OTHER=arn:aws:iam::1:role/e\n"
        "RUN aws sts assume-role --role-arn $ROLE --role-session-name d \\\n"
        " && aws sts assume-role --role-arn $OTHER --role-session-name e\n",
        "Dockerfile",
    )
    assert [c.role_arn.value for c in docker if c.role_arn] == [None, "arn:aws:iam::1:role/e"]
    gitlab = callers(
        "variables:\n  ROLE: arn:aws:iam::1:role/g\ndeploy:\n  script:\n"
        '    - aws sts assume-role --role-arn "$ROLE" --role-session-name g\n'
        "    - 'aws sts assume-role --role-arn ${ROLE} --role-session-name q'\n",
        ".gitlab-ci.yml",
    )
    assert [c.role_arn.value for c in gitlab if c.role_arn] == [
        "arn:aws:iam::1:role/g", "arn:aws:iam::1:role/g"]


def test_a_buildspec_under_another_name() -> None:
    text = "version: 0.2\nphases:\n  build:\n    commands:\n      - make\n"
    assert script_kind("buildspecs/account-request.yml", text) == "yaml"
    assert script_kind("k8s/deployment.yml", "kind: Deployment\n") is None


def test_list_files_says_which_text_files_are_read_for_callers(tmp_path: Path) -> None:
    from assume_lint.engine.config import Config
    from assume_lint.engine.pipeline import list_files

    (tmp_path / "deploy.sh").write_text("aws s3 ls\n")
    (tmp_path / "NOTES.txt").write_text("notes\n")
    rows, _ = list_files([tmp_path], tmp_path, Config())
    assert dict(rows) == {
        "NOTES.txt": "text (scanned for keys only)",
        "deploy.sh": "text (scanned for keys and AWS CLI callers)",
    }


def test_a_pathological_line_is_linear() -> None:
    """An 800 KB line of ``aws aws aws ...`` (and one of quoted commands) in a script:
    each word is read once, not once per ``aws`` before it (quadratic took minutes)."""
    from budgets import cpu_within

    with cpu_within(what="pathological command lines"):
        assert callers("#!/bin/sh\n# assume-role\n" + "aws " * 200_000 + "\n") == []
        found = callers("#!/bin/sh\n# assume-role\n" + "aws sts assume-role '" * 40_000 + "\n")
    assert all(c.refused for c in found)  # no --role-arn: refused, never judged
