"""A job assumes a role through OIDC without `id-token: write`, or gets it workflow-wide.

## What it does
Reports an `aws-actions/configure-aws-credentials` step that assumes a role through
GitHub OIDC (`role-to-assume` with no `aws-access-key-id`) in a job whose effective
`permissions` lack `id-token: write`. Job-level `permissions` replace the workflow-level
ones entirely; `write-all` grants it; `read-all`, `{}` and GitHub's default token do not.
Also reports, at low severity, `id-token: write` granted at workflow level while some
job that inherits it (has no `permissions` of its own) does not assume a role through
OIDC.

## Why is this bad?
Without `id-token: write` the runner cannot request an OIDC token, so the step fails
with "Credentials could not be loaded" at run time, usually on the first deploy from a
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
- [GitHub: Adding permissions settings for OIDC](https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect#adding-permissions-settings)
- [GitHub: Assigning permissions to jobs](https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/controlling-permissions-for-github_token)
- [aws-actions/configure-aws-credentials: OIDC](https://github.com/aws-actions/configure-aws-credentials#oidc)
"""

from __future__ import annotations

from collections.abc import Iterator

from assume_lint.findings import Hit, Severity
from assume_lint.model import Model, WorkflowJob
from assume_lint.registry import Grade, RuleContext, RuleMeta

RULE = RuleMeta(
    id="AL207",
    name="workflow-oidc-permissions",
    summary="OIDC role assumption without id-token: write, or id-token granted workflow-wide",
    severity=Severity.MEDIUM,
    tags=("security", "github-actions", "oidc"),
    grades=(
        Grade(Severity.MEDIUM, "a job needs an OIDC token (it assumes a role, or uses another "
              "OIDC consumer) and nothing grants it id-token: write: the step will fail"),
        Grade(Severity.LOW, "id-token: write granted workflow-wide while some job provably "
              "uses no OIDC"),
    ),
)

# Levels that certainly lack the permission. Anything else (a typo or an expression,
# which GitHub itself rejects) is unknown and stays silent.
_WITHOUT_ID_TOKEN = (None, "none", "read")


def _missing(model: Model, jobs: dict[str, WorkflowJob]) -> Iterator[Hit]:
    """Hits for OIDC steps in jobs whose effective permissions lack id-token: write."""
    for attempt in model.attempts:
        if attempt.kind != "workflow" or not attempt.uses_oidc or attempt.job is None:
            continue
        job = jobs.get(attempt.job)
        if job is None or job.id_token not in _WITHOUT_ID_TOKEN:
            continue
        why = "GitHub's default token" if job.id_token is None else f"id-token: {job.id_token}"
        yield Hit(
            location=attempt.location,
            message=(
                f"job {job.job} of {job.workflow} assumes a role through OIDC but its "
                f"effective permissions lack id-token ({why}): add "
                "`permissions: id-token: write` to the job"
            ),
            key=attempt.address,
            related=(job.id_token_location,) if job.id_token_location else (),
        )


def _too_broad(jobs: dict[str, WorkflowJob]) -> Iterator[Hit]:
    """One low hit per workflow granting id-token: write to jobs that do not need it."""
    by_workflow: dict[str, list[WorkflowJob]] = {}
    for job in jobs.values():
        by_workflow.setdefault(job.workflow, []).append(job)
    for workflow, members in sorted(by_workflow.items()):
        granted = [j for j in members if j.id_token_scope == "workflow" and j.id_token == "write"]
        idle = [j.job for j in granted if not j.assumes]
        location = granted[0].id_token_location if granted else None
        if location is None or not idle:
            continue
        verb = "assumes" if len(idle) == 1 else "assume"
        yield Hit(
            location=location,
            message=(
                f"{workflow} grants id-token: write workflow-wide, also to {', '.join(idle)} "
                f"which {verb} no role through OIDC: grant it only in the jobs that need it"
            ),
            key=f"{workflow}#permissions",
            severity=Severity.LOW,
        )


def check(model: Model, ctx: RuleContext) -> Iterator[Hit]:
    """Missing id-token for OIDC steps (medium); workflow-wide id-token (low)."""
    jobs = {f"{job.workflow}#{job.job}": job for job in model.jobs}
    yield from _missing(model, jobs)
    yield from _too_broad(jobs)
