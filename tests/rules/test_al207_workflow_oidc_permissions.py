"""AL207 workflow-oidc-permissions: OIDC steps without id-token: write; workflow-wide grants."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest
from builders import WORKFLOW_PATH, loc, workflow_job, workflow_model, workflow_step
from conftest import FIXTURES, lint_fixture

from assume_lint.files.sources import SourceFile
from assume_lint.model import AssumeAttempt, Model, WorkflowJob
from assume_lint.model.findings import Severity
from assume_lint.model.registry import RuleContext, find_rule
from assume_lint.parsers.github_actions import parse_unit
from assume_lint.rules import al207_workflow_oidc_permissions as rule

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


# --------------------------------------------------------------------------- reusable workflows

def test_reusable_workflows_fixture_tree() -> None:
    """A repository whose CI calls a local reusable workflow (which inherits the caller's
    permissions) and a remote one, publishes to PyPI, attests and deploys Pages."""
    flows = ".github/workflows"
    assert lint_fixture(FIXTURES / "reusable_workflows") == [
        # ci.yml grants id-token workflow-wide: only `lint` provably needs none (`plan`
        # calls a local workflow that assumes a role, `scan` a remote workflow, `docs` an
        # action nobody can read from here)
        ("AL207", f"{flows}/ci.yml", 9, "low"),
        # deploy.yml: `staging` grants id-token to the called workflow, `production` does not
        ("AL207", f"{flows}/deploy.yml", 23, "medium"),
        # pages.yml (GitHub's starter): `build` needs no token, `deploy` (deploy-pages) does
        ("AL207", f"{flows}/pages.yml", 11, "low"),
        # release.yml: attest-build-provenance without id-token; the PyPI job grants it
        ("AL207", f"{flows}/release.yml", 45, "medium"),
        # terraform.yml (on: workflow_call, no permissions) inherits: never reported itself
    ]


def _lint_many(files: dict[str, str]) -> list[tuple[str, int, Severity | None, str]]:
    model = Model()
    for name, text in files.items():
        path = f".github/workflows/{name}"
        model.extend(parse_unit([SourceFile(Path(path), path, dedent(text))]))
    return sorted(
        (h.location.path.rsplit("/", 1)[-1], h.location.line, h.severity, h.message)
        for h in rule.check(model, RuleContext())
    )


_CALLED_DEPLOY = """\
    on:
      workflow_call:
    jobs:
      apply:
        runs-on: ubuntu-latest
        steps:
          - uses: aws-actions/configure-aws-credentials@v4
            with:
              role-to-assume: arn:aws:iam::111111111111:role/deploy
              aws-region: eu-west-1
    """


def test_called_workflow_without_callers_in_the_tree_is_silent() -> None:
    """Callers outside the tree (another repository) are unknown."""
    assert _lint_many({"deploy.yml": _CALLED_DEPLOY}) == []


def test_called_workflow_with_another_trigger_runs_with_the_default_token() -> None:
    text = _CALLED_DEPLOY.replace("      workflow_call:\n", "      workflow_call:\n"
                                  "      workflow_dispatch:\n")
    [(name, line, severity, message)] = _lint_many({"deploy.yml": text})
    assert (name, line, severity) == ("deploy.yml", 8, None)
    assert "GitHub's default token when triggered by workflow_dispatch" in message


def test_called_workflow_that_downgrades_permissions_fails_whatever_the_caller() -> None:
    text = _CALLED_DEPLOY.replace("    jobs:\n", "    permissions:\n      contents: read\n"
                                  "    jobs:\n")
    caller = """\
        on: push
        permissions:
          id-token: write
        jobs:
          deploy:
            uses: ./.github/workflows/deploy.yml
        """
    found = _lint_many({"deploy.yml": text, "main.yml": caller})
    assert [(n, line, s) for n, line, s, _ in found] == [("deploy.yml", 9, None)]


def test_nested_local_reusable_workflows_are_followed() -> None:
    middle = """\
        on: workflow_call
        jobs:
          stage:
            uses: ./.github/workflows/deploy.yml
        """
    caller = """\
        on: push
        permissions:
          contents: read
        jobs:
          release:
            uses: ./.github/workflows/middle.yml
        """
    found = _lint_many({"deploy.yml": _CALLED_DEPLOY, "middle.yml": middle, "main.yml": caller})
    assert [(n, line, s) for n, line, s, _ in found] == [("main.yml", 6, None)]
    assert "calls ./.github/workflows/middle.yml, where job stage calls" in found[0][3]


def test_caller_granting_the_token_keeps_everything_silent() -> None:
    caller = """\
        on: push
        jobs:
          deploy:
            permissions:
              id-token: write
              contents: read
            uses: ./.github/workflows/deploy.yml
        """
    assert _lint_many({"deploy.yml": _CALLED_DEPLOY, "main.yml": caller}) == []


def test_remote_reusable_workflow_and_composite_action_are_never_idle() -> None:
    text = """\
        on: push
        permissions:
          id-token: write
        jobs:
          release:
            uses: my-org/workflows/.github/workflows/release.yml@v1
          sign:
            runs-on: ubuntu-latest
            steps:
              - uses: my-org/actions/sign@v2
          local:
            runs-on: ubuntu-latest
            steps:
              - uses: ./.github/actions/deploy
          script:
            runs-on: ubuntu-latest
            steps:
              - run: npm publish --provenance --access public
        """
    assert _lint_many({"main.yml": text}) == []


@pytest.mark.parametrize(
    ("step", "fires"),
    [
        ("uses: pypa/gh-action-pypi-publish@release/v1", True),
        ("uses: pypa/gh-action-pypi-publish@release/v1\nwith:\n"
         "  password: ${{ secrets.PYPI_TOKEN }}", False),
        ("uses: actions/attest-sbom@v1", True),
        ("uses: sigstore/gh-action-sigstore-python@v3", True),
        ("uses: google-github-actions/auth@v2\nwith:\n"
         "  workload_identity_provider: projects/1/locations/global/x", True),
        ("uses: google-github-actions/auth@v2\nwith:\n"
         "  credentials_json: ${{ secrets.GCP }}", False),
        ("uses: azure/login@v2\nwith:\n  client-id: ${{ secrets.ID }}", True),
        ("uses: azure/login@v2\nwith:\n  creds: ${{ secrets.AZURE }}", False),
        ("uses: hashicorp/vault-action@v3\nwith:\n  method: jwt", True),
        ("uses: hashicorp/vault-action@v3\nwith:\n  token: ${{ secrets.V }}", False),
        ("uses: actions/deploy-pages@v4", True),
        ("uses: my-org/some-action@v1", False),
    ],
)
def test_other_oidc_consumers_need_the_token(step: str, fires: bool) -> None:
    lines = step.splitlines()
    body = "\n".join([f"      - {lines[0]}", *(f"        {line}" for line in lines[1:])])
    text = f"on: push\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n{body}\n"
    found = _lint_many({"main.yml": text})
    assert [(n, line) for n, line, _, _ in found] == ([("main.yml", 6)] if fires else [])


def test_cosign_keyless_signing_is_never_called_idle() -> None:
    """sigstore's cosign signs keylessly with the job's OIDC token: a workflow-wide grant
    is not "too broad" for a job that installs cosign and signs with it, while a job
    that only builds is provably idle."""
    text = """\
        on:
          push:
            tags: ["v*"]
        permissions:
          contents: read
          packages: write
          id-token: write
        jobs:
          test:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - run: make test
          image:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - uses: sigstore/cosign-installer@v3
              - uses: docker/build-push-action@v6
                id: build
                with:
                  push: true
                  tags: ghcr.io/acme/app:${{ github.ref_name }}
              - run: cosign sign --yes ghcr.io/acme/app@${{ steps.build.outputs.digest }}
        """
    found = _lint_many({"release.yml": text})
    assert [(n, line, s) for n, line, s, _ in found] == [("release.yml", 7, Severity.LOW)]
    assert "also to test which needs no OIDC token" in found[0][3]
