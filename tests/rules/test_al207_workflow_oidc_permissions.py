"""AL207 workflow-oidc-permissions: OIDC steps without id-token: write; workflow-wide grants."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest
from builders import WORKFLOW_PATH, loc, workflow_job, workflow_model, workflow_step

from assume_lint.findings import Severity
from assume_lint.model import AssumeAttempt, Model, WorkflowJob
from assume_lint.parsers.github_actions import parse_unit
from assume_lint.registry import RuleContext, find_rule
from assume_lint.rules import al207_workflow_oidc_permissions as rule
from assume_lint.sources import SourceFile

Expected = list[tuple[str, int, Severity | None]]


def run(model: Model) -> Expected:
    return [(rule.RULE.id, h.location.line, h.severity) for h in rule.check(model, RuleContext())]


def case(jobs: list[WorkflowJob], steps: list[AssumeAttempt]) -> Model:
    return workflow_model(jobs, steps)


MEDIUM = None  # the rule's default severity: Hit.severity left unset
CASES: list[tuple[str, Model, Expected]] = [
    (
        "default-token-oidc-step",
        case([workflow_job("deploy", 5)], [workflow_step("deploy", 9)]),
        [("AL207", 9, MEDIUM)],
    ),
    (
        "job-grants-write",
        case([workflow_job("deploy", 5, id_token="write", id_token_line=7,
                           id_token_scope="job", assumes=True)],
             [workflow_step("deploy", 11)]),
        [],
    ),
    (
        "workflow-grants-write-all-jobs-assume",
        case([workflow_job("deploy", 5, id_token="write", id_token_line=2,
                           id_token_scope="workflow", assumes=True)],
             [workflow_step("deploy", 9)]),
        [],
    ),
    (
        "job-overrides-with-none",
        case([workflow_job("deploy", 5, id_token="none", id_token_line=6, id_token_scope="job")],
             [workflow_step("deploy", 10)]),
        [("AL207", 10, MEDIUM)],
    ),
    (
        "read-all",
        case([workflow_job("deploy", 5, id_token="read", id_token_line=2,
                           id_token_scope="workflow")],
             [workflow_step("deploy", 9)]),
        [("AL207", 9, MEDIUM)],
    ),
    (
        "static-keys-step-needs-no-token",
        case([workflow_job("deploy", 5)], [workflow_step("deploy", 9, uses_oidc=False)]),
        [],
    ),
    (
        "unknown-level-is-silent",
        case([workflow_job("deploy", 5, id_token="${{ x }}", id_token_line=6,
                           id_token_scope="job")],
             [workflow_step("deploy", 9)]),
        [],
    ),
    (
        "step-of-unknown-job-is-silent",
        case([], [workflow_step("deploy", 9)]),
        [],
    ),
    (
        "two-steps-two-hits",
        case([workflow_job("deploy", 5)],
             [workflow_step("deploy", 9), workflow_step("deploy", 14, step=2)]),
        [("AL207", 9, MEDIUM), ("AL207", 14, MEDIUM)],
    ),
    (
        "same-job-name-other-workflow",
        case([workflow_job("deploy", 5, id_token="write", id_token_line=7, id_token_scope="job",
                           assumes=True),
              workflow_job("deploy", 5, path=".github/workflows/other.yml")],
             [workflow_step("deploy", 9),
              workflow_step("deploy", 12, path=".github/workflows/other.yml")]),
        [("AL207", 12, MEDIUM)],
    ),
    (
        "workflow-wide-write-with-idle-job",
        case([workflow_job("test", 5, id_token="write", id_token_line=3,
                           id_token_scope="workflow"),
              workflow_job("deploy", 9, id_token="write", id_token_line=3,
                           id_token_scope="workflow", assumes=True)],
             [workflow_step("deploy", 13)]),
        [("AL207", 3, Severity.LOW)],
    ),
    (
        "workflow-wide-write-idle-job-has-own-permissions",
        case([workflow_job("test", 5, id_token="none", id_token_line=6, id_token_scope="job"),
              workflow_job("deploy", 9, id_token="write", id_token_line=3,
                           id_token_scope="workflow", assumes=True)],
             [workflow_step("deploy", 13)]),
        [],
    ),
    (
        "workflow-wide-write-no-job-assumes-one-hit",
        case([workflow_job("a", 5, id_token="write", id_token_line=3, id_token_scope="workflow"),
              workflow_job("b", 8, id_token="write", id_token_line=3, id_token_scope="workflow")],
             []),
        [("AL207", 3, Severity.LOW)],
    ),
    (
        "workflow-wide-read-is-not-too-broad",
        case([workflow_job("a", 5, id_token="read", id_token_line=3, id_token_scope="workflow")],
             []),
        [],
    ),
]


@pytest.mark.parametrize(("case_id", "model", "expected"), CASES, ids=[c[0] for c in CASES])
def test_cases(case_id: str, model: Model, expected: Expected) -> None:
    assert run(model) == expected


def test_missing_message_names_job_and_fix_and_keys_on_step() -> None:
    model = case([workflow_job("deploy", 5, id_token="none", id_token_line=6,
                               id_token_scope="job")],
                 [workflow_step("deploy", 10)])
    [hit] = list(rule.check(model, RuleContext()))
    assert "job deploy" in hit.message
    assert "permissions: id-token: write" in hit.message
    assert "id-token: none" in hit.message
    assert hit.key == f"{WORKFLOW_PATH}#deploy/1"
    assert hit.location == loc(10, 9, WORKFLOW_PATH)
    assert hit.related == (loc(6, 3, WORKFLOW_PATH),)


def test_broad_message_lists_idle_jobs() -> None:
    model = case([workflow_job("lint", 5, id_token="write", id_token_line=3,
                               id_token_scope="workflow"),
                  workflow_job("test", 7, id_token="write", id_token_line=3,
                               id_token_scope="workflow")], [])
    [hit] = list(rule.check(model, RuleContext()))
    assert "lint, test" in hit.message
    assert hit.key == f"{WORKFLOW_PATH}#permissions"


def test_rule_is_registered_with_documentation() -> None:
    found = find_rule("workflow-oidc-permissions")
    assert found is not None and found.id == "AL207"
    assert found.meta.severity is Severity.MEDIUM
    for heading in ("## What it does", "## Why is this bad?", "## Example", "Use instead:",
                    "## References"):
        assert heading in found.doc


# --------------------------------------------------------------------------- with the parser


def _lint(text: str) -> Expected:
    source = SourceFile(Path(WORKFLOW_PATH), WORKFLOW_PATH, dedent(text))
    return run(parse_unit([source]))


def test_parser_to_rule_default_token() -> None:
    assert _lint("""\
        on: push
        jobs:
          deploy:
            runs-on: ubuntu-latest
            steps:
              - uses: aws-actions/configure-aws-credentials@v4
                with:
                  role-to-assume: ${{ secrets.ROLE }}
        """) == [("AL207", 6, MEDIUM)]


def test_parser_to_rule_job_override_and_workflow_wide_grant() -> None:
    assert _lint("""\
        on: push
        permissions:
          id-token: write
        jobs:
          lint:
            runs-on: ubuntu-latest
            steps:
              - run: make lint
          deploy:
            permissions:
              contents: read
            steps:
              - uses: aws-actions/configure-aws-credentials@v4
                with:
                  role-to-assume: arn:aws:iam::111111111111:role/deploy
        """) == [("AL207", 13, MEDIUM), ("AL207", 3, Severity.LOW)]


def test_parser_to_rule_clean_workflow() -> None:
    assert _lint("""\
        on: push
        permissions:
          contents: read
        jobs:
          deploy:
            permissions:
              id-token: write
            steps:
              - uses: aws-actions/configure-aws-credentials@v4
                with:
                  role-to-assume: arn:aws:iam::111111111111:role/deploy
        """) == []
