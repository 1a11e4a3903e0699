"""A job needs an OIDC token without `id-token: write`, or gets it workflow-wide.

## What it does
Reports a step that requests a GitHub OIDC token in a job whose effective `permissions`
certainly lack `id-token: write`: an `aws-actions/configure-aws-credentials` step that
assumes a role through OIDC (`role-to-assume` with no `aws-access-key-id`), and the other
OIDC consumers: PyPI trusted publishing (`pypa/gh-action-pypi-publish` without a
`password`), artifact attestations (`actions/attest-build-provenance`, `attest-sbom`),
`actions/deploy-pages`, sigstore signing, `google-github-actions/auth` with workload
identity, `azure/login` with a `client-id`, `hashicorp/vault-action` with `method: jwt`,
and a few others. Job-level `permissions` replace the workflow-level ones entirely;
`write-all` grants it; `read-all`, `{}` and GitHub's default token do not.

Reusable workflows are followed: a job that calls a local one (`uses:
./.github/workflows/x.yml`) needs what the called workflow's jobs need, and is reported
at its `uses:` when it lacks the permission. A `workflow_call` workflow without
`permissions` inherits its caller's, so it is never reported itself (its callers are, when
they are in the tree and lack it; callers outside the tree are unknown); run by one of its
other triggers it gets GitHub's default token. A remote reusable workflow, a remote or
local composite action and a script that mentions OIDC are unknown: never "uses no OIDC".

Also reports, at low severity, `id-token: write` granted at workflow level while some job
that inherits it provably needs no token: its steps are all actions known not to request
one and scripts that mention nothing OIDC-like.

## Why is this bad?
Without `id-token: write` the runner cannot request an OIDC token, so the step fails
("Credentials could not be loaded", "Unable to get ACTIONS_ID_TOKEN_REQUEST_URL") at run
time, usually on the first deploy from a
new branch or after someone tightened the workflow's permissions. Granting the
permission workflow-wide hands every job (linters, test runners, third-party actions) a
token that can be exchanged for AWS credentials wherever a trust policy is too broad.

## Example
```yaml
permissions:
  id-token: write
  contents: read
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: make test
  deploy:
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: arn:aws:iam::111111111111:role/deploy
          aws-region: eu-west-1
```

Use instead:
```yaml
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: make test
  deploy:
    runs-on: ubuntu-latest
    permissions:
      id-token: write
      contents: read
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: arn:aws:iam::111111111111:role/deploy
          aws-region: eu-west-1
```

## References
- [GitHub: Reusing workflows: access and permissions](https://docs.github.com/en/actions/sharing-automations/reusing-workflows#access-and-permissions)
- [GitHub: Adding permissions settings for OIDC](https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect#adding-permissions-settings)
- [GitHub: Assigning permissions to jobs](https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/controlling-permissions-for-github_token)
- [aws-actions/configure-aws-credentials: OIDC](https://github.com/aws-actions/configure-aws-credentials#oidc)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from posixpath import normpath

from assume_lint.model import AssumeAttempt, Model, WorkflowJob
from assume_lint.model.findings import Hit, Location, Severity
from assume_lint.model.registry import Grade, RuleContext, RuleMeta

RULE = RuleMeta(
    id="AL207",
    name="workflow-oidc-permissions",
    summary="A job needs an OIDC token without id-token: write, or gets it workflow-wide",
    severity=Severity.MEDIUM,
    tags=("security", "github-actions", "oidc"),
    grades=(
        Grade(
            Severity.MEDIUM,
            "a job needs an OIDC token (it assumes a role, uses another "
            "OIDC consumer, or calls a local workflow that does) and its effective "
            "permissions certainly lack id-token: write: the step will fail",
        ),
        Grade(
            Severity.LOW,
            "id-token: write granted workflow-wide while some job provably uses no OIDC",
        ),
    ),
)

# Levels that certainly lack the permission. Anything else (a typo or an expression,
# which GitHub itself rejects) is unknown and stays silent.
_WITHOUT_ID_TOKEN = (None, "none", "read")
_CALLED = "workflow_call"
_MAX_DEPTH = 10  # GitHub allows four levels of nested reusable workflows
_WORKFLOWS = ".github/workflows/"


@dataclass(frozen=True)
class _Grant:
    """A job's effective id-token: ``write``, ``lacking`` (certainly not write),
    ``inherited`` (a called workflow without permissions: its caller decides) or
    ``unknown``; ``why`` says what lacks it, for messages."""

    state: str
    why: str = ""


def _grant(job: WorkflowJob) -> _Grant:
    if job.id_token_scope is None:
        if _CALLED in job.triggers:
            return _Grant("inherited")
        return _Grant("lacking", "GitHub's default token")
    if job.id_token == "write":
        return _Grant("write")
    if job.id_token in _WITHOUT_ID_TOKEN:
        return _Grant("lacking", f"id-token: {job.id_token}")
    return _Grant("unknown")


class _Workflows:
    """The jobs of the tree by workflow, and where a local ``uses:`` leads."""

    def __init__(self, model: Model) -> None:
        self.jobs: dict[str, list[WorkflowJob]] = {}
        for job in model.jobs:
            self.jobs.setdefault(job.workflow, []).append(job)
        self.aws: dict[str, list[AssumeAttempt]] = {}
        for attempt in model.attempts:
            if attempt.kind == "workflow" and attempt.uses_oidc and attempt.job is not None:
                self.aws.setdefault(attempt.job, []).append(attempt)

    def called(self, job: WorkflowJob) -> str | None:
        """The path of the local workflow ``job`` calls, when it is in the tree."""
        uses = job.calls.value if job.calls is not None else None
        if uses is None or not uses.startswith("./"):
            return None  # remote (owner/repo/...@ref) or an expression: unknown
        head, found, _ = job.workflow.rpartition(_WORKFLOWS)
        if not found:
            return None
        target = normpath(head + uses[2:].split("@", 1)[0]) if head else normpath(uses[2:])
        return target if target in self.jobs else None

    def needs(self, job: WorkflowJob, depth: int = 0, *, from_caller: bool = False) -> bool | None:
        """Does the job need an OIDC token? True for certain, False when it provably does
        not, None when an unknown part decides. ``from_caller``: only through called jobs
        that would use the caller's grant (one that lacks it of its own fails anyway,
        and is reported where it lacks it)."""
        if job.assumes or job.oidc_steps:
            return True
        if job.calls is not None:
            return self._callee_needs(job, depth, from_caller)
        return None if job.oidc_unknown else False

    def _callee_needs(self, job: WorkflowJob, depth: int, from_caller: bool) -> bool | None:
        target = self.called(job)
        if target is None or depth >= _MAX_DEPTH:
            return None
        answers = [
            self.needs(callee, depth + 1, from_caller=from_caller)
            for callee in self.jobs[target]
            if not (from_caller and _grant(callee).state == "lacking")
        ]
        if any(answer is True for answer in answers):
            return True
        return None if any(answer is None for answer in answers) else False

    def first_consumer(self, job: WorkflowJob, depth: int = 0) -> str:
        """What in a called workflow needs the token, for the message."""
        target = self.called(job)
        for callee in self.jobs.get(target or "", []):
            if self.needs(callee, depth + 1, from_caller=True) is not True:
                continue
            if callee.assumes:
                return f"job {callee.job} assumes a role through OIDC"
            if callee.oidc_steps:
                return f"job {callee.job} uses {callee.oidc_steps[0].action}"
            return f"job {callee.job} calls {callee.calls.value if callee.calls else '?'}"
        return "a job needs an OIDC token"


def _lacks(job: WorkflowJob) -> str | None:
    """Why the job certainly runs without id-token: write, or None (it has it, or the
    caller decides, or unknown). A called workflow without permissions run by one of its
    other triggers gets GitHub's default token."""
    grant = _grant(job)
    if grant.state == "lacking":
        return grant.why
    others = [t for t in job.triggers if t != _CALLED]
    if grant.state == "inherited" and others:
        return f"GitHub's default token when triggered by {others[0]}"
    return None


def _fix(job: WorkflowJob) -> str:
    return f"add `permissions: id-token: write` to job {job.job}"


def _missing(flows: _Workflows) -> Iterator[Hit]:
    """Hits for jobs that need a token while their permissions certainly lack it."""
    for jobs in flows.jobs.values():
        for job in jobs:
            why = _lacks(job)
            if why is None:
                continue
            where = f"job {job.job} of {job.workflow}"
            related = (job.id_token_location,) if job.id_token_location else ()
            for attempt in flows.aws.get(f"{job.workflow}#{job.job}", []):
                yield Hit(
                    location=attempt.location,
                    message=(
                        f"{where} assumes a role through OIDC but its effective permissions "
                        f"lack id-token ({why}): {_fix(job)}"
                    ),
                    key=attempt.address,
                    related=related,
                )
            for step in job.oidc_steps:
                yield Hit(
                    location=step.location,
                    message=(
                        f"{where} uses {step.action}, which requests an OIDC token, but its "
                        f"effective permissions lack id-token ({why}): {_fix(job)}"
                    ),
                    key=step.address,
                    related=related,
                )
            if job.calls is not None and flows.needs(job, from_caller=True) is True:
                yield _caller_hit(flows, job, why, related)


def _caller_hit(
    flows: _Workflows, job: WorkflowJob, why: str, related: tuple[Location, ...]
) -> Hit:
    assert job.calls is not None
    return Hit(
        location=job.calls.location,
        message=(
            f"job {job.job} of {job.workflow} calls {job.calls.value}, where "
            f"{flows.first_consumer(job)}, but the caller's permissions lack id-token "
            f"({why}) and a called workflow only gets what its caller grants: {_fix(job)}"
        ),
        key=f"{job.workflow}#{job.job}/uses",
        related=related,
    )


def _too_broad(flows: _Workflows) -> Iterator[Hit]:
    """One low hit per workflow granting id-token: write to jobs that provably need no
    token (a job calling a remote workflow or using an unknown action might)."""
    for workflow, members in sorted(flows.jobs.items()):
        granted = [j for j in members if j.id_token_scope == "workflow" and j.id_token == "write"]
        idle = [j.job for j in granted if flows.needs(j) is False]
        location = granted[0].id_token_location if granted else None
        if location is None or not idle:
            continue
        verb = "needs" if len(idle) == 1 else "need"
        yield Hit(
            location=location,
            message=(
                f"{workflow} grants id-token: write workflow-wide, also to {', '.join(idle)} "
                f"which {verb} no OIDC token: grant it only in the jobs that need it"
            ),
            key=f"{workflow}#permissions",
            severity=Severity.LOW,
        )


def check(model: Model, ctx: RuleContext) -> Iterator[Hit]:
    """Missing id-token where a job needs it (medium); workflow-wide id-token (low)."""
    flows = _Workflows(model)
    yield from _missing(flows)
    yield from _too_broad(flows)
