"""Tiny factories for assume_lint.model objects, shared by the rule tests.

Rule tests never touch parsers: they build the exact model a parser would produce with
these helpers and assert exact rule ids and lines. Every factory takes ``line``/``col``
so a test can put each object on its own line and check where a hit lands.
Others append their own factories at the end of this file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from assume_lint.model import (
    AssumeAttempt,
    Attr,
    Condition,
    Credential,
    Model,
    ParseProblem,
    Principal,
    Profile,
    Role,
    Statement,
)
from assume_lint.model.findings import Location

DEFAULT_PATH = "t.json"


def loc(line: int, col: int = 1, path: str = DEFAULT_PATH) -> Location:
    """A Location in the default test file."""
    return Location(path=path, line=line, column=col)


def attr(
    value: str | None, line: int = 1, col: int = 1, path: str = DEFAULT_PATH, source: str = ""
) -> Attr:
    """An Attr; ``value=None`` is an unresolved expression."""
    return Attr(value=value, location=loc(line, col, path), source=source)


def principal(
    value: str | None, kind: str = "AWS", line: int = 1, col: int = 1, path: str = DEFAULT_PATH
) -> Principal:
    """A principal. The bare ``"Principal": "*"`` is ``principal("*", kind="*")``."""
    return Principal(kind=kind, value=value, location=loc(line, col, path))


def cond(
    operator: str,
    key: str,
    *values: str | None,
    line: int = 1,
    col: int = 1,
    path: str = DEFAULT_PATH,
) -> Condition:
    """One (operator, key) condition with its OR-ed values."""
    return Condition(
        operator=operator, key=key, values=tuple(values), location=loc(line, col, path)
    )


def statement(
    *,
    effect: str | None = "Allow",
    principals: Iterable[Principal] = (),
    actions: Iterable[str | Attr] = ("sts:AssumeRole",),
    conditions: Iterable[Condition] = (),
    line: int = 1,
    col: int = 1,
    path: str = DEFAULT_PATH,
    sid: str | None = None,
    index: int = 0,
    **extra: Any,
) -> Statement:
    """A trust statement; plain action strings become Attrs on the statement's line.

    ``extra`` passes the remaining Statement fields (``not_principal``,
    ``unknown_conditions``...).
    """
    acts = tuple(a if isinstance(a, Attr) else attr(a, line, col, path) for a in actions)
    return Statement(
        effect=effect,
        principals=tuple(principals),
        actions=acts,
        conditions=tuple(conditions),
        location=loc(line, col, path),
        index=index,
        sid=sid,
        **extra,
    )


def role(
    *statements: Statement,
    address: str = "aws_iam_role.deploy",
    name: str | None = "deploy",
    account: str | None = None,
    line: int = 1,
    path: str = DEFAULT_PATH,
    **extra: Any,
) -> Role:
    """A role with the given trust statements (``extra``: other Role fields)."""
    return Role(
        address=address,
        location=loc(line, 1, path),
        name=name,
        account=account,
        statements=tuple(statements),
        **extra,
    )


def attempt(
    kind: str = "provider",
    caller: str = "aws",
    address: str = "provider.aws",
    line: int = 1,
    path: str = "main.tf",
    **extra: Any,
) -> AssumeAttempt:
    """An AssumeAttempt; pass Attr fields (``role_arn=attr(...)``) through ``extra``."""
    return AssumeAttempt(
        kind=kind, caller=caller, address=address, location=loc(line, 1, path), **extra
    )


def credential(
    kind: str = "access-key-id",
    field: str = "access_key",
    value: str | None = None,
    line: int = 1,
    col: int = 1,
    path: str = "main.tf",
    **extra: Any,
) -> Credential:
    """A Credential found in a file."""
    return Credential(kind=kind, field=field, value=value, location=loc(line, col, path), **extra)


def profile(
    name: str = "default",
    properties: Mapping[str, str | None | Attr] | None = None,
    *,
    group: str = ".aws",
    file_kind: str = "config",
    line: int = 1,
    path: str = ".aws/config",
    **extra: Any,
) -> Profile:
    """A profile section; plain property values go on the lines after the header."""
    props: list[tuple[str, Attr]] = []
    for offset, (key, value) in enumerate((properties or {}).items(), start=1):
        item = value if isinstance(value, Attr) else attr(value, line + offset, 1, path)
        props.append((key.lower(), item))
    return Profile(
        name=name,
        group=group,
        file_kind=file_kind,
        location=loc(line, 1, path),
        properties=tuple(props),
        **extra,
    )


def model(
    roles: Iterable[Role] = (),
    attempts: Iterable[AssumeAttempt] = (),
    credentials: Iterable[Credential] = (),
    profiles: Iterable[Profile] = (),
    problems: Iterable[ParseProblem] = (),
) -> Model:
    """A Model from the given objects."""
    return Model(
        roles=list(roles),
        attempts=list(attempts),
        credentials=list(credentials),
        profiles=list(profiles),
        problems=list(problems),
    )


# --------------------------------------------------------------------------- workflows (AL207)

from assume_lint.model import WorkflowJob  # noqa: E402  (appended section, own import)

WORKFLOW_PATH = ".github/workflows/deploy.yml"


def workflow_job(
    job: str = "deploy",
    line: int = 1,
    *,
    id_token: str | None = None,
    id_token_line: int | None = None,
    id_token_scope: str | None = None,
    assumes: bool = False,
    path: str = WORKFLOW_PATH,
    **extra: Any,
) -> WorkflowJob:
    """A WorkflowJob; ``id_token_line`` places the granting permissions entry."""
    where = loc(id_token_line, 3, path) if id_token_line is not None else None
    return WorkflowJob(
        workflow=path,
        job=job,
        location=loc(line, 3, path),
        id_token=id_token,
        id_token_location=where,
        id_token_scope=id_token_scope,
        assumes=assumes,
        **extra,
    )


def workflow_step(
    job: str = "deploy",
    line: int = 1,
    *,
    step: int = 1,
    uses_oidc: bool = True,
    role: str | None = "arn:aws:iam::111111111111:role/deploy",
    path: str = WORKFLOW_PATH,
    **extra: Any,
) -> AssumeAttempt:
    """A configure-aws-credentials step's AssumeAttempt (at its ``uses`` line)."""
    return AssumeAttempt(
        kind="workflow",
        caller=f"workflow {path} job {job} step {step}",
        address=f"{path}#{job}/{step}",
        location=loc(line, 9, path),
        role_arn=attr(role, line + 2, 27, path, source=role or "${{ secrets.ROLE }}"),
        job=f"{path}#{job}",
        uses_oidc=uses_oidc,
        **extra,
    )


def workflow_model(
    jobs: Iterable[WorkflowJob] = (), attempts: Iterable[AssumeAttempt] = ()
) -> Model:
    """A Model holding workflow jobs and their steps' attempts."""
    return Model(jobs=list(jobs), attempts=list(attempts))


# --------------------------------------------------------------------------- OIDC (AL105)

GITHUB_OIDC = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"
GH = "token.actions.githubusercontent.com"


def oidc_role(
    *conditions: Condition,
    provider: str = GITHUB_OIDC,
    actions: Iterable[str] = ("sts:AssumeRoleWithWebIdentity",),
    **extra: Any,
) -> Role:
    """A role with one web-identity Allow statement (line 2) whose Federated principal
    sits on line 4; put conditions on lines 6 and later."""
    return role(
        statement(
            principals=[principal(provider, kind="Federated", line=4, col=7)],
            actions=actions,
            conditions=conditions,
            line=2,
            **extra,
        ),
        address="github.json",
        name="gh",
    )


def partial_oidc_role(
    *conditions: Condition,
    partial: str | None,
    actions: Iterable[str] = ("sts:AssumeRoleWithWebIdentity",),
) -> Role:
    """Like :func:`oidc_role`, with an unresolved Federated principal (line 4) whose known
    parts are ``partial`` (HOLE for each gap; None: nothing of it is known)."""
    from assume_lint.model import Principal as _Principal

    unknown = _Principal("Federated", None, loc(4, 7), partial)
    return role(
        statement(
            principals=[unknown],
            actions=actions,
            conditions=conditions,
            line=2,
            unknown_principals=True,
        ),
        address="github.json",
        name="gh",
    )
