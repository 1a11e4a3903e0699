"""The GitHub Actions parser: jobs, effective id-token, steps, keys, errors (exact)."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assume_lint.files.sources import SourceFile
from assume_lint.model import (
    AssumeAttempt,
    Attr,
    Credential,
    Model,
    ParseProblem,
    PushFilter,
    WorkflowJob,
)
from assume_lint.model.findings import Location
from assume_lint.parsers.github_actions import parse_unit

FIXTURES = Path(__file__).parent / "fixtures" / "github_actions"
REL = ".github/workflows/deploy.yml"


def _at(line: int, col: int, end_col: int, path: str = REL) -> Location:
    return Location(path, line, col, line, end_col)


def _fixture(name: str, rel: str = REL) -> Model:
    path = FIXTURES / name
    return parse_unit([SourceFile(path, rel, path.read_text(encoding="utf-8"))])


def _parse(text: str, rel: str = REL) -> Model:
    return parse_unit([SourceFile(Path(rel), rel, dedent(text))])


def _job(model: Model, name: str) -> WorkflowJob:
    return next(job for job in model.jobs if job.job == name)


# --------------------------------------------------------------------------- the full fixture


@pytest.fixture(scope="module")
def deploy() -> Model:
    return _fixture("deploy.yml")


def test_fixture_has_no_problems_and_all_jobs(deploy: Model) -> None:
    assert deploy.problems == []
    assert [job.job for job in deploy.jobs] == ["lint", "deploy", "release", "legacy"]


def test_fixture_jobs_exact(deploy: Model) -> None:
    triggers = ("push", "pull_request")
    push = PushFilter(branches=("main",), tags=None, branch_runs=True, tag_runs=False)
    assert deploy.jobs == [
        WorkflowJob(REL, "lint", _at(13, 3, 7), "write", _at(8, 3, 11), "workflow",
                    None, triggers, (), False, push=push),
        WorkflowJob(REL, "deploy", _at(17, 3, 9), "write", _at(8, 3, 11), "workflow",
                    Attr("production", _at(19, 18, 28), "production"), triggers, (), True,
                    push=push),
        WorkflowJob(REL, "release", _at(30, 3, 10), "none", _at(32, 5, 16), "job",
                    Attr(None, _at(34, 13, 30), "${{ inputs.env }}"), triggers, (), True,
                    push=push),
        WorkflowJob(REL, "legacy", _at(41, 3, 9), "write", _at(43, 5, 16), "job",
                    None, triggers, (), False, push=push),
    ]


def test_fixture_attempts_exact(deploy: Model) -> None:
    release_arn = "arn:aws:iam::111111111111:role/release"
    legacy_arn = "arn:aws:iam::111111111111:role/legacy"
    assert deploy.attempts == [
        AssumeAttempt(
            kind="workflow",
            caller=f"workflow {REL} job deploy step Configure AWS",
            address=f"{REL}#deploy/2",
            location=_at(23, 9, 13),
            role_arn=Attr(None, _at(25, 27, 53), "${{ secrets.DEPLOY_ROLE }}"),
            external_id=Attr("ext-1234567", _at(28, 29, 40), "ext-1234567"),
            session_name=Attr(None, _at(26, 30, 57), "deploy-${{ github.run_id }}"),
            duration=Attr("7200", _at(27, 34, 38), "7200"),
            job=f"{REL}#deploy",
            uses_oidc=True,
        ),
        AssumeAttempt(
            kind="workflow",
            caller=f"workflow {REL} job release step 1",
            address=f"{REL}#release/1",
            location=_at(37, 9, 13),
            role_arn=Attr(release_arn, _at(39, 27, 65), release_arn),
            chained=True,
            job=f"{REL}#release",
            uses_oidc=True,
        ),
        AssumeAttempt(
            kind="workflow",
            caller=f"workflow {REL} job legacy step 1",
            address=f"{REL}#legacy/1",
            location=_at(47, 9, 13),
            role_arn=Attr(legacy_arn, _at(53, 27, 64), legacy_arn),
            job=f"{REL}#legacy",
            uses_oidc=False,
        ),
    ]


def test_fixture_credentials_exact(deploy: Model) -> None:
    legacy = f"workflow {REL} job legacy"
    assert deploy.credentials == [
        Credential("access-key-id", "AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE",
                   _at(10, 22, 42), f"workflow {REL}"),
        Credential("secret-key", "AWS_SECRET_ACCESS_KEY",
                   "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", _at(45, 30, 72), legacy),
        Credential("access-key-id", "aws-access-key-id", "AKIAIOSFODNN7EXAMPLE",
                   _at(51, 30, 50), legacy),
        Credential("secret-key", "aws-secret-access-key", None, _at(52, 34, 59), legacy,
                   from_variable=True),
    ]


def test_no_secret_in_any_attr_source(deploy: Model) -> None:
    sources = [a.role_arn.source for a in deploy.attempts if a.role_arn]
    assert all("wJalr" not in s and "AKIA" not in s for s in sources)


# --------------------------------------------------------------------------- the on: trap


def test_bare_on_key_is_read_as_triggers_not_boolean() -> None:
    model = _parse("""\
        on: [push, workflow_dispatch]
        jobs:
          a:
            runs-on: ubuntu-latest
        """)
    assert model.jobs[0].triggers == ("push", "workflow_dispatch")


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        ("on: push", ("push",)),
        ("'on': pull_request_target", ("pull_request_target",)),
        ("on:\n  push:\n    branches: [main]\n  release:\n    types: [published]",
         ("push", "release")),
        ("on: {}", ()),
        ("name: no-trigger", ()),
    ],
)
def test_trigger_shapes(on: str, expected: tuple[str, ...]) -> None:
    model = _parse(on + "\njobs:\n  a:\n    runs-on: x\n")
    assert model.jobs[0].triggers == expected


def test_yes_and_on_values_stay_strings_under_the_core_schema() -> None:
    model = _parse("""\
        on: push
        jobs:
          a:
            environment: yes
            steps:
              - uses: aws-actions/configure-aws-credentials@v4
                with:
                  role-to-assume: arn:aws:iam::111111111111:role/a
                  role-chaining: yes
        """)
    assert model.jobs[0].environment == Attr("yes", _at(4, 18, 21), "yes")
    assert model.attempts[0].chained is False  # GitHub passes the string "yes"


# --------------------------------------------------------------------------- permissions


def _id_token(text: str) -> tuple[str | None, Location | None, str | None]:
    job = _parse(text).jobs[0]
    return job.id_token, job.id_token_location, job.id_token_scope


def test_no_permissions_anywhere_is_the_default_token() -> None:
    assert _id_token("on: push\njobs:\n  a:\n    runs-on: x\n") == (None, None, None)


def test_workflow_level_permissions_are_inherited() -> None:
    text = "on: push\npermissions:\n  id-token: write\njobs:\n  a:\n    runs-on: x\n"
    assert _id_token(text) == ("write", _at(3, 3, 11), "workflow")


def test_job_level_permissions_replace_workflow_level_entirely() -> None:
    text = dedent("""\
        on: push
        permissions:
          id-token: write
        jobs:
          a:
            permissions:
              contents: read
        """)
    assert _id_token(text) == ("none", _at(6, 5, 16), "job")


def test_job_level_grant_over_workflow_read_all() -> None:
    text = dedent("""\
        on: push
        permissions: read-all
        jobs:
          a:
            permissions:
              id-token: write
          b:
            runs-on: x
        """)
    model = _parse(text)
    assert (_job(model, "a").id_token, _job(model, "a").id_token_location) == (
        "write", _at(6, 7, 15))
    assert (_job(model, "b").id_token, _job(model, "b").id_token_location,
            _job(model, "b").id_token_scope) == ("read", _at(2, 1, 12), "workflow")


@pytest.mark.parametrize(
    ("permissions", "expected"),
    [
        ("write-all", "write"),
        ("read-all", "read"),
        ("{}", "none"),
        ("{id-token: none}", "none"),
        ("{id-token: read}", "read"),
        ("{contents: write}", "none"),
    ],
)
def test_permission_shapes(permissions: str, expected: str) -> None:
    text = f"on: push\njobs:\n  a:\n    permissions: {permissions}\n"
    assert _id_token(text)[0] == expected
    assert _id_token(text)[2] == "job"


# --------------------------------------------------------------------------- steps


def test_step_detection_any_ref_and_case() -> None:
    model = _parse("""\
        on: push
        jobs:
          a:
            steps:
              - uses: aws-actions/configure-aws-credentials@e3dd6a429d7300a6a4c196c26e071d42e0343502
                with: {role-to-assume: arn:aws:iam::111111111111:role/a}
              - uses: other/configure-aws-credentials@v4
                with: {role-to-assume: arn:aws:iam::111111111111:role/b}
              - uses: aws-actions/configure-aws-credentials-extra@v1
                with: {role-to-assume: arn:aws:iam::111111111111:role/c}
              - run: echo
        """)
    assert [a.address for a in model.attempts] == [f"{REL}#a/1"]
    assert model.attempts[0].location == _at(5, 9, 13)


def test_step_without_role_to_assume_is_no_attempt_but_keys_are_read() -> None:
    model = _parse("""\
        on: push
        jobs:
          a:
            steps:
              - uses: aws-actions/configure-aws-credentials@v4
                with:
                  aws-access-key-id: ${{ secrets.KEY }}
                  aws-secret-access-key: ${{ secrets.SECRET }}
                  aws-session-token: ''
        """)
    assert model.attempts == []
    assert model.jobs[0].assumes is False
    ctx = f"workflow {REL} job a"
    assert model.credentials == [
        Credential("access-key-id", "aws-access-key-id", None, _at(7, 30, 48), ctx,
                   from_variable=True),
        Credential("secret-key", "aws-secret-access-key", None, _at(8, 34, 55), ctx,
                   from_variable=True),
    ]


def test_web_identity_token_file_is_not_github_oidc() -> None:
    model = _parse("""\
        on: push
        jobs:
          a:
            steps:
              - uses: aws-actions/configure-aws-credentials@v4
                with:
                  role-to-assume: arn:aws:iam::111111111111:role/a
                  web-identity-token-file: /tmp/token
        """)
    assert model.attempts[0].uses_oidc is False
    assert model.jobs[0].assumes is False


def test_vars_expression_role_is_unknown() -> None:
    model = _parse("""\
        on: push
        jobs:
          a:
            steps:
              - name: ${{ matrix.name }}
                uses: aws-actions/configure-aws-credentials@v4
                with:
                  role-to-assume: ${{ vars.ROLE }}
        """)
    attempt = model.attempts[0]
    assert attempt.role_arn == Attr(None, _at(8, 27, 43), "${{ vars.ROLE }}")
    assert attempt.uses_oidc is True
    assert attempt.caller == f"workflow {REL} job a step ${{{{ matrix.name }}}}"


def test_env_blocks_at_three_levels_literals_only() -> None:
    model = _parse("""\
        on: push
        env:
          AWS_SESSION_TOKEN: FwoGZXIvYXdzEXAMPLE
        jobs:
          a:
            env:
              AWS_ACCESS_KEY_ID: ${{ secrets.KEY }}
              AWS_SECRET_ACCESS_KEY: 'abc/def'
            steps:
              - run: aws s3 ls
                env:
                  AWS_ACCESS_KEY_ID: AKIAIOSFODNN7EXAMPLE
                  AWS_SECRET_ACCESS_KEY:
        """)
    ctx = f"workflow {REL} job a"
    assert model.credentials == [
        Credential("session-token", "AWS_SESSION_TOKEN", "FwoGZXIvYXdzEXAMPLE", _at(3, 22, 41),
                   f"workflow {REL}"),
        Credential("secret-key", "AWS_SECRET_ACCESS_KEY", "abc/def", _at(8, 30, 39), ctx),
        Credential("access-key-id", "AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE",
                   _at(12, 30, 50), ctx),
    ]


def test_reusable_workflow_job_and_odd_shapes_are_tolerated() -> None:
    model = _parse("""\
        on: push
        jobs:
          call:
            uses: org/repo/.github/workflows/deploy.yml@main
          odd: just a string
          steps_not_list:
            steps: {a: 1}
          weird_steps:
            steps: [1, null, {with: [1]}, {uses: aws-actions/configure-aws-credentials@v4, with: x}]
        """)
    assert [j.job for j in model.jobs] == ["call", "steps_not_list", "weird_steps"]
    assert model.attempts == [] and model.problems == []


# --------------------------------------------------------------------------- not workflows, errors


@pytest.mark.parametrize(
    "text", ["", "- a\n- b\n", "name: x\non: push\n", "jobs: [a, b]\n", "just text\n"]
)
def test_files_that_are_not_workflows_give_nothing(text: str) -> None:
    assert _parse(text) == Model()


def test_not_a_workflow_fixture() -> None:
    assert _fixture("not_a_workflow.yml") == Model()


@pytest.mark.parametrize(
    ("name", "line", "col", "fragment"),
    [
        ("bad_indent.yml", 5, 4, "did not find expected key"),
        ("tabs.yml", 4, 1, "tab"),
        ("unclosed_quote.yml", 4, 14, "quoted scalar"),
    ],
)
def test_malformed_yaml_is_a_parse_problem(name: str, line: int, col: int, fragment: str) -> None:
    model = _fixture(name, rel=f".github/workflows/{name}")
    assert model.jobs == [] and model.attempts == [] and model.credentials == []
    assert len(model.problems) == 1
    problem = model.problems[0]
    assert problem.location == Location(f".github/workflows/{name}", line, col)
    assert fragment in problem.message


def test_duplicate_document_and_alias_errors_are_parse_problems() -> None:
    model = _parse("on: push\njobs: {}\n---\nx: 1\n")
    assert model.problems == [
        ParseProblem(Location(REL, 3, 1), "expected a single document in the stream")
    ]


def test_parse_problem_message_never_holds_a_secret() -> None:
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    model = _parse(f'jobs:\n  a:\n    env: {{AWS_SECRET_ACCESS_KEY: "{secret}\n')
    assert len(model.problems) == 1
    assert "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" not in model.problems[0].message


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("jobs:-[]{}'\"#\n \tuwe!&*")), max_size=80))
def test_arbitrary_text_never_raises(text: str) -> None:
    model = _parse(text)
    assert all(p.location.line >= 1 for p in model.problems)


def test_audience_input_is_read_with_its_location() -> None:
    model = _parse("""\
        on: push
        jobs:
          deploy:
            runs-on: ubuntu-latest
            steps:
              - uses: aws-actions/configure-aws-credentials@v4
                with:
                  role-to-assume: arn:aws:iam::444444444444:role/gha-deploy
                  audience: my-audience
              - uses: aws-actions/configure-aws-credentials@v4
                with:
                  role-to-assume: arn:aws:iam::444444444444:role/other
        """)
    first, second = model.attempts
    assert first.audience is not None
    assert first.audience.value == "my-audience"
    assert (first.audience.location.line, first.audience.location.column) == (9, 21)
    assert second.audience is None


# --------------------------------------------------------------------------- OIDC consumers, calls


def test_reusable_workflow_call_is_recorded_with_its_location() -> None:
    model = _parse("""\
        on: push
        jobs:
          local:
            uses: ./.github/workflows/terraform.yml
          remote:
            uses: my-org/shared/.github/workflows/release.yml@v2
          dynamic:
            uses: ${{ inputs.workflow }}
        """)
    local, remote, dynamic = model.jobs
    assert local.calls == Attr(
        "./.github/workflows/terraform.yml", _at(4, 11, 44), "./.github/workflows/terraform.yml"
    )
    assert remote.calls is not None and remote.calls.value == (
        "my-org/shared/.github/workflows/release.yml@v2"
    )
    assert dynamic.calls is not None and dynamic.calls.known is False
    assert (local.oidc_steps, local.oidc_unknown) == ((), False)


def test_steps_sorted_by_whether_they_request_a_token() -> None:
    model = _parse("""\
        on: push
        jobs:
          publish:
            steps:
              - uses: actions/checkout@v4
              - run: python -m build
              - uses: PyPA/gh-action-pypi-publish@release/v1
          known:
            steps:
              - uses: actions/checkout@v4
              - uses: actions/github-script@v7
                with:
                  script: core.setOutput('x', 1)
              - run: make test
          unknown-action:
            steps:
              - uses: my-org/sign@v1
          unknown-script:
            steps:
              - run: cosign sign --yes "$IMAGE"
          local-action:
            steps:
              - uses: ./.github/actions/deploy
        """)
    publish = _job(model, "publish")
    assert [(s.action, s.location, s.address) for s in publish.oidc_steps] == [
        ("pypa/gh-action-pypi-publish", _at(7, 9, 13), f"{REL}#publish/3")
    ]
    assert publish.oidc_unknown is False
    assert (_job(model, "known").oidc_steps, _job(model, "known").oidc_unknown) == ((), False)
    for name in ("unknown-action", "unknown-script", "local-action"):
        assert _job(model, name).oidc_unknown is True, name
        assert _job(model, name).oidc_steps == (), name


@pytest.mark.parametrize(("on", "expected"), [
    ("on: push", PushFilter()),
    ("on: [push, pull_request]", PushFilter()),
    ("on:\n  push:\n    tags: ['v*']", PushFilter(None, ("v*",), False, True)),
    ("on:\n  push:\n    branches: [main, 'release/**', '!release/old']",
     PushFilter(("main", "release/*"), None, True, False)),
    ("on:\n  push:\n    branches-ignore: [wip]", PushFilter(None, None, True, False)),
    ("on:\n  push:\n    branches: ['feature/[ab]*']", PushFilter(None, None, True, False)),
    ("on:\n  push:\n    branches: [main]\n    tags: [v1]", PushFilter(("main",), ("v1",))),
    ("on: workflow_dispatch", PushFilter()),
])
def test_push_filters_are_recorded_for_subject_derivation(on: str, expected: PushFilter) -> None:
    text = f"{on}\njobs:\n  a:\n    runs-on: x\n    steps: []\n"
    (job,) = parse_unit([SourceFile(path=Path(REL), rel=REL, text=text)]).jobs
    assert job.push == expected
