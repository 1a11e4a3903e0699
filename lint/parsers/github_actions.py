"""GitHub Actions workflows (``.github/workflows/*.y(a)ml``): jobs, OIDC and AWS keys.

What is read, and why:

- every job becomes a :class:`~assume_lint.model.WorkflowJob` with its *effective*
  ``id-token`` permission (job-level ``permissions`` replace the workflow-level ones
  entirely, as GitHub does; no ``permissions`` anywhere means GitHub's default token,
  which never has ``id-token``), its ``environment``, the workflow's triggers and
  its ``push`` branch and tag filters, so that OIDC rules can tell whether the token a
  step needs can exist at all, and which subjects it can carry;
- every ``aws-actions/configure-aws-credentials`` step becomes an
  :class:`~assume_lint.model.AssumeAttempt` (``kind="workflow"``) and its key inputs
  become :class:`~assume_lint.model.Credential` objects;
- the other steps are sorted by whether they request an OIDC token (certainly, not at
  all, or unknown: see :mod:`~assume_lint.parsers.actions_oidc`), and a job-level
  ``uses:`` (a reusable workflow) is kept as the job's ``calls``, so that AL207 can
  follow local reusable workflows and stay silent on remote ones;
- ``env:`` blocks at workflow, job and step level may hard-code AWS keys.

The YAML is read with the YAML 1.2 core schema, like GitHub does: ``on:`` is the string
``"on"`` (YAML 1.1 would read it as ``True``), ``yes`` is a string. ``${{ ... }}``
expressions are unknown values (``Attr.value`` None, ``source`` = the expression).
Steps are numbered from 1, as the run log shows them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from assume_lint.files.secrets import mask_text
from assume_lint.files.sources import SourceFile
from assume_lint.model import (
    SUBJECT_WILDCARD,
    AssumeAttempt,
    Attr,
    Credential,
    Model,
    OidcStep,
    ParseProblem,
    PushFilter,
    WorkflowJob,
)
from assume_lint.model.findings import Location
from assume_lint.parsers import per_file
from assume_lint.parsers.actions_oidc import (
    action_name,
    script_may_request_token,
    step_requests_token,
)
from assume_lint.parsers.located import Node
from assume_lint.parsers.yamlloc import YamlError, load

ACTION = "aws-actions/configure-aws-credentials"
INPUT_KEYS = {
    "aws-access-key-id": "access-key-id",
    "aws-secret-access-key": "secret-key",
    "aws-session-token": "session-token",
}
ENV_KEYS = {
    "AWS_ACCESS_KEY_ID": "access-key-id",
    "AWS_SECRET_ACCESS_KEY": "secret-key",
    "AWS_SESSION_TOKEN": "session-token",
}


def is_expression(text: str) -> bool:
    """True when GitHub evaluates the value (``${{ secrets.X }}``, ``a-${{ vars.Y }}``)."""
    return "${{" in text


def scalar_attr(node: Node | None, secret: bool = False) -> Attr | None:
    """A scalar input as an Attr: None when absent or empty, unknown for expressions.

    ``secret`` keeps the literal out of ``source`` (sources are quoted in messages).
    """
    if node is None:
        return None
    text = node.text()
    if text is None or text == "":
        return None
    if is_expression(text):
        return Attr(None, node.location, text)
    return Attr(text, node.location, "" if secret else text)


def mapping(node: Node | None) -> Node | None:
    """``node`` when it is a mapping, else None (a malformed section reads as absent)."""
    return node if node is not None and node.is_map else None


# --------------------------------------------------------------------------- permissions


def id_token_of(permissions: Node, key_location: Location) -> tuple[str | None, Location]:
    """The ``id-token`` level a ``permissions`` value grants, and where.

    ``write-all`` -> ``write``; ``read-all`` -> ``read``; a mapping without ``id-token``
    (``{}`` included) -> ``none``. Any other text (a typo GitHub rejects) is returned as
    written, so rules that look for ``write``/``read``/``none`` stay silent on it.
    """
    if permissions.is_map:
        entry = permissions.get("id-token")
        if entry is None:
            return "none", key_location
        return entry.text(), entry.key_location or entry.location
    text = permissions.text()
    if text == "write-all":
        return "write", key_location
    if text == "read-all":
        return "read", key_location
    return text, key_location


def effective_id_token(workflow: Node, job: Node) -> tuple[str | None, Location | None, str | None]:
    """(level, location, scope) of the job's effective ``id-token`` permission."""
    for scope, holder in (("job", job), ("workflow", workflow)):
        permissions = holder.get("permissions")
        if permissions is not None:
            where = permissions.key_location or permissions.location
            level, location = id_token_of(permissions, where)
            return level, location, scope
    return None, None, None


# --------------------------------------------------------------------------- triggers, environment


def triggers(workflow: Node) -> tuple[str, ...]:
    """Event names of ``on:`` (a string, a list of strings or a mapping of events)."""
    on = workflow.get("on")
    if on is None:
        return ()
    if on.is_map:
        return tuple(name for name, _ in on.items())
    names = (element.text() for element in on.elements())
    return tuple(name for name in names if name)


# Filters a subject can carry as written: no ?, +, [..], ! or ":".
_SIMPLE_FILTER = re.compile(r"^[^?+\[\]!:]+$")


def _patterns(node: Node | None) -> tuple[str, ...] | None:
    """Filter patterns as subject fragments; None when any ref may match."""
    if node is None:
        return None
    out: list[str] = []
    for element in node.elements():
        text = element.text()
        if text is None:
            return None
        if text.startswith("!"):
            continue  # a negation only removes refs: ignoring it over-approximates
        if not _SIMPLE_FILTER.match(text):
            return None  # ?, +, [..]: not worth translating, any ref may match
        out.append(re.sub(r"\*+", SUBJECT_WILDCARD, text))
    return tuple(out) if out else None


def push_filter(workflow: Node) -> PushFilter:
    """What ``on.push`` runs for. GitHub: with only branch (tag) filters, a push of a tag
    (branch) does not run the workflow; ``*-ignore`` filters leave the ref unknown."""
    on = workflow.get("on") if workflow.is_map else None
    push = on.get("push") if on is not None and on.is_map else None
    if push is None or not push.is_map:
        return PushFilter()
    has_branch = push.get("branches") is not None or push.get("branches-ignore") is not None
    has_tag = push.get("tags") is not None or push.get("tags-ignore") is not None
    if not has_branch and not has_tag:
        return PushFilter()
    return PushFilter(
        branches=_patterns(push.get("branches")),
        tags=_patterns(push.get("tags")),
        branch_runs=has_branch,
        tag_runs=has_tag,
    )


def environment(job: Node) -> Attr | None:
    """The job's ``environment`` (a name or ``{name: ...}``); expressions are unknown."""
    node = job.get("environment")
    if node is not None and node.is_map:
        node = node.get("name")
    return scalar_attr(node)


# --------------------------------------------------------------------------- steps


def is_aws_credentials_step(step: Node) -> bool:
    """True for ``uses: aws-actions/configure-aws-credentials@<any ref>``."""
    uses = step.get("uses")
    text = uses.text() if uses is not None else None
    if text is None:
        return False
    name, _, _ = text.partition("@")
    return name.strip().lower() == ACTION


def step_label(step: Node, number: int) -> str:
    """The step's ``name`` when it has a literal one, else its number."""
    name = step.get("name")
    text = name.text() if name is not None else None
    return text if text else str(number)


def input_credentials(inputs: Node, context: str) -> Iterator[Credential]:
    """Key inputs of a configure-aws-credentials step: literals, or from_variable."""
    for field, kind in INPUT_KEYS.items():
        attr = scalar_attr(inputs.get(field), secret=True)
        if attr is None:
            continue
        yield Credential(
            kind=kind,
            field=field,
            value=attr.value,
            location=attr.location,
            context=context,
            from_variable=attr.value is None,
        )


def env_credentials(holder: Node, context: str) -> Iterator[Credential]:
    """Literal AWS keys in an ``env:`` block (expressions are a secret's business)."""
    env = mapping(holder.get("env"))
    if env is None:
        return
    for name, kind in ENV_KEYS.items():
        attr = scalar_attr(env.get(name), secret=True)
        if attr is None or attr.value is None:
            continue
        yield Credential(kind, name, attr.value, attr.location, context)


def attempt(rel: str, job_id: str, step: Node, number: int) -> AssumeAttempt | None:
    """The AssumeAttempt of a configure-aws-credentials step with ``role-to-assume``."""
    inputs = mapping(step.get("with"))
    role = scalar_attr(inputs.get("role-to-assume")) if inputs is not None else None
    if inputs is None or role is None:
        return None
    uses = step.get("uses") or step
    chaining = inputs.get("role-chaining")
    static = scalar_attr(inputs.get("aws-access-key-id"), secret=True) is not None
    web_identity_file = inputs.get("web-identity-token-file") is not None
    return AssumeAttempt(
        kind="workflow",
        caller=f"workflow {rel} job {job_id} step {step_label(step, number)}",
        address=f"{rel}#{job_id}/{number}",
        location=uses.key_location or uses.location,
        role_arn=role,
        external_id=scalar_attr(inputs.get("role-external-id")),
        session_name=scalar_attr(inputs.get("role-session-name")),
        duration=scalar_attr(inputs.get("role-duration-seconds")),
        chained=chaining is not None and (chaining.text() or "").lower() == "true",
        job=f"{rel}#{job_id}",
        uses_oidc=not static and not web_identity_file,
        audience=scalar_attr(inputs.get("audience")),
    )


# --------------------------------------------------------------------------- jobs


def _inputs(step: Node) -> dict[str, str]:
    """A step's ``with:`` inputs by lower-cased name (non-scalars as ``""``)."""
    inputs = mapping(step.get("with"))
    if inputs is None:
        return {}
    return {name.lower(): node.text() or "" for name, node in inputs.items()}


def token_use(step: Node) -> bool | None:
    """Does a step (other than configure-aws-credentials) request an OIDC token?
    True certainly, False certainly not, None unknown."""
    run = step.get("run")
    if run is not None:
        script = run.text()
        return None if script is None or script_may_request_token(script) else False
    uses = step.get("uses")
    text = uses.text() if uses is not None else None
    if uses is None:
        return False  # neither run nor uses: GitHub rejects it, it runs nothing
    if text is None or is_expression(text):
        return None
    return step_requests_token(text, _inputs(step))


@dataclass
class _JobSteps:
    """What a job's steps do with OIDC tokens."""

    assumes: bool = False
    oidc_steps: list[OidcStep] = dataclass_field(default_factory=list)
    unknown: bool = False


def _steps(rel: str, job_id: str, job: Node, model: Model) -> _JobSteps:
    """Attempts and credentials of the job's steps, and its OIDC token uses."""
    context = f"workflow {rel} job {job_id}"
    found = _JobSteps()
    steps = job.get("steps")
    if steps is None or not steps.is_list:
        return found
    for number, step in enumerate(steps.elements(), start=1):
        if not step.is_map:
            continue
        model.credentials.extend(env_credentials(step, context))
        if not is_aws_credentials_step(step):
            requests = token_use(step)
            uses = step.get("uses")
            if requests and uses is not None:
                where = uses.key_location or uses.location
                action = action_name(uses.text() or "")
                found.oidc_steps.append(OidcStep(action, where, f"{rel}#{job_id}/{number}"))
            found.unknown = found.unknown or requests is None
            continue
        inputs = mapping(step.get("with"))
        if inputs is not None:
            model.credentials.extend(input_credentials(inputs, context))
        assumed = attempt(rel, job_id, step, number)
        if assumed is not None:
            model.attempts.append(assumed)
            found.assumes = found.assumes or assumed.uses_oidc
    return found


def parse_job(rel: str, workflow: Node, job_id: str, job: Node, model: Model) -> None:
    """Add one job's WorkflowJob, attempts and credentials to ``model``."""
    context = f"workflow {rel} job {job_id}"
    model.credentials.extend(env_credentials(job, context))
    steps = _steps(rel, job_id, job, model)
    level, location, scope = effective_id_token(workflow, job)
    model.jobs.append(
        WorkflowJob(
            workflow=rel,
            job=job_id,
            location=job.key_location or job.location,
            id_token=level,
            id_token_location=location,
            id_token_scope=scope,
            environment=environment(job),
            triggers=triggers(workflow),
            assumes=steps.assumes,
            calls=scalar_attr(job.get("uses")),
            oidc_steps=tuple(steps.oidc_steps),
            oidc_unknown=steps.unknown,
            push=push_filter(workflow),
        )
    )


def parse_workflow(source: SourceFile) -> Model:
    """Parse one workflow file; YAML errors become a ParseProblem."""
    model = Model()
    try:
        root = load(source.text, source.rel, schema="core")
    except YamlError as exc:
        location = Location(source.rel, exc.line, exc.column)
        model.problems.append(ParseProblem(location, mask_text(exc.message)))
        return model
    jobs = mapping(root.get("jobs")) if root.is_map else None
    if jobs is None:
        return model
    model.credentials.extend(env_credentials(root, f"workflow {source.rel}"))
    for job_id, job in jobs.items():
        if job.is_map:
            parse_job(source.rel, root, job_id, job, model)
    return model


def parse_unit(files: Sequence[SourceFile]) -> Model:
    """Parse each workflow file of the unit (one file per unit in practice)."""
    return per_file(parse_workflow, files)
