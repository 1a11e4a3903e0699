"""The normalised model: who may assume which role under which conditions, who tries to,
and with what credentials.

Parsers are the only code that knows HCL, INI, JSON or YAML; they produce these objects.
Rules read only these objects. Every object carries the exact :class:`Location` of the
thing it describes.

Unknown means silent: a value the parser could not resolve (a variable without a
default, ``${{ secrets.X }}``, a module input) is kept as ``None`` inside an
:class:`Attr` whose ``known`` is False, and rules skip such values instead of guessing.
An attribute that is absent from the source is ``None`` at the field level.

Partly known values: ``arn:aws:iam::${local.account_id}:role/deploy`` is not a literal,
but its role name is known. Parsers keep such a value in ``partial``: the text with each
unknown part replaced by :data:`HOLE`. Rules may compare the known parts (a partly known
ARN whose known role name differs from a literal one differs for certain) and must stay
silent wherever an unknown part decides; :mod:`assume_lint.model.arn` does the comparing.

Deployment variants: one source can describe several deployments (a CloudFormation
``Fn::If``, a Terraform var-file, a template's default parameters). A parser that
evaluates several variants sets ``variant`` (a :class:`~assume_lint.model.findings.Variant`) on
the objects each produced and records every phrase of the group in
:attr:`Model.variants`; rules pass the object's variant on in their hits, and the engine
reports a hit that holds in every variant of its group once, plainly, and any other with
its phrase ("when CreateProvider is false", "with -var-file=prod.tfvars").
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from assume_lint.model.findings import Location, Variant

HOLE = "\ue000"
"""Stands for one unknown part (any text, possibly empty) inside a partly known value."""

SUBJECT_WILDCARD = "*"
"""In a derived OIDC subject (``WorkflowJob.subjects``, ``PushFilter``): any text
without ``:``."""


@dataclass(frozen=True, slots=True)
class Attr:
    """One configured value. ``value`` is None when the expression cannot be resolved."""

    value: str | None
    location: Location
    source: str = ""  # the expression as written, for messages (never a secret)
    partial: str | None = None  # unknown value with known parts: the text, HOLE for each gap

    @property
    def known(self) -> bool:
        """True when the parser resolved the expression to a literal."""
        return self.value is not None

    @property
    def pattern(self) -> str | None:
        """The literal when known, else the partly known text, else None."""
        return self.value if self.value is not None else self.partial


# --------------------------------------------------------------------------- trust side


@dataclass(frozen=True, slots=True)
class Principal:
    """One principal of a statement.

    ``kind`` is ``"*"`` (the bare ``"Principal": "*"``), ``"AWS"``, ``"Service"``,
    ``"Federated"`` or ``"CanonicalUser"``. ``value`` is None when unresolved.
    """

    kind: str
    value: str | None
    location: Location
    partial: str | None = None  # see Attr.partial

    @property
    def pattern(self) -> str | None:
        """The literal when known, else the partly known text, else None."""
        return self.value if self.value is not None else self.partial


@dataclass(frozen=True, slots=True)
class Condition:
    """One (operator, key) pair of a Condition block, with all its values (OR-ed).

    ``operator`` and ``key`` are kept as written; the condition engine applies IAM's
    case rules. A value of None is an unresolved element.
    """

    operator: str
    key: str
    values: tuple[str | None, ...]
    location: Location


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement of a trust policy, Allow or Deny."""

    effect: str | None
    principals: tuple[Principal, ...]
    actions: tuple[Attr, ...]
    conditions: tuple[Condition, ...]
    location: Location
    index: int = 0
    sid: str | None = None
    not_principal: bool = False
    not_action: bool = False
    has_principal: bool = True
    has_action: bool = True
    has_resource: bool = False
    unknown_principals: bool = False  # some principal expression could not be resolved
    unknown_conditions: bool = False  # some condition block could not be resolved
    effect_location: Location | None = None  # the Effect value, when written

    @property
    def label(self) -> str:
        """Sid when present, else the statement's index: used in messages and keys."""
        return self.sid if self.sid else f"#{self.index}"


@dataclass(frozen=True, slots=True)
class Role:
    """An IAM role defined in the scanned tree, with its trust policy.

    ``address`` is the logical location: ``aws_iam_role.deploy``, a JSON file's path, a
    CloudFormation logical id. ``statements`` is empty when the trust policy could not
    be resolved (``trust_known`` False).
    """

    address: str
    location: Location
    name: str | None = None
    account: str | None = None
    arn: str | None = None
    statements: tuple[Statement, ...] = ()
    trust_known: bool = True
    trust_location: Location | None = None
    version: Attr | None = None
    has_version: bool = True
    max_session_duration: Attr | None = None
    structure_errors: tuple[tuple[Location, str], ...] = ()
    variant: Variant | None = None  # the deployment variant this role was evaluated under
    # Where the role was instantiated from, outermost first (a Terraform module call's
    # block, for a role of a called module): rules add these to their hits' related
    # locations. See also assume_lint.rules._helpers.related.
    related: tuple[Location, ...] = ()
    # A trust policy found on its own (a policy document or template that grants
    # sts:AssumeRole*, a role elsewhere may use it): dropped when a role of the tree
    # has the same statements (Model.drop_covered_documents).
    document_only: bool = False

    @property
    def label(self) -> str:
        """A human name for messages: the role name when known, else its address."""
        return self.name or self.address


# --------------------------------------------------------------------------- caller side


@dataclass(frozen=True, slots=True)
class AssumeAttempt:
    """Somebody configured to assume a role: provider, backend, profile, workflow step.

    ``kind`` is ``"provider"``, ``"backend"``, ``"remote-state"``, ``"profile"``,
    ``"workflow"``, ``"terragrunt"``, ``"cli"`` (an ``aws sts assume-role`` or
    ``aws configure set`` command in a script) or ``"backend-config"`` (a file that
    ``terraform init -backend-config`` adds to the backend of ``module``). ``module``
    groups Terraform callers of one root module (its folder) for the backend/provider
    comparison. ``deprecated`` holds backend top-level attributes that Terraform 1.6
    moved into ``assume_role``.

    ``profile`` is the AWS profile the caller takes its source credentials from (a
    provider's or backend's ``profile``): its identity is unknown unless the run read that
    profile. ``partial`` marks a backend whose configuration is completed at ``terraform
    init`` (no ``bucket`` or ``key`` written): its identity is unknown unless a backend
    configuration file of its module was read. ``static_keys`` is True when the caller's
    source credentials are access keys written in its own configuration (``access_key``,
    literal or from a variable): such a caller certainly cannot present MFA.
    """

    kind: str
    caller: str
    address: str
    location: Location
    role_arn: Attr | None = None
    external_id: Attr | None = None
    session_name: Attr | None = None
    duration: Attr | None = None
    mfa_serial: Attr | None = None
    module: str | None = None
    alias: str | None = None
    chained: bool = False
    deprecated: tuple[tuple[str, Location], ...] = ()
    job: str | None = None  # "<workflow path>#<job id>" for workflow steps
    uses_oidc: bool = False  # a workflow step assuming a role with no static keys
    audience: Attr | None = None  # OIDC token audience; None: GitHub's sts.amazonaws.com
    variant: Variant | None = None  # the deployment variant this caller was evaluated under
    # Why the caller's own tool refuses to run it ("the AWS CLI refuses it: --role-arn
    # required"): rules that judge what the call would do skip it.
    refused: str | None = None
    profile: Attr | None = None
    partial: bool = False
    static_keys: bool = False


@dataclass(frozen=True, slots=True)
class Credential:
    """Static credential material found in a file.

    ``kind`` is ``"access-key-id"``, ``"secret-key"`` or ``"session-token"``.
    ``field`` is the attribute as written (``secret_key``, ``AWS_SECRET_ACCESS_KEY``) or
    ``""`` when the value was found by scanning text. ``value`` is the literal (None when
    the field holds an expression, e.g. a variable); ``context`` says where it was
    (``provider "aws"``, ``backend "s3"``, ``profile dev``).
    """

    kind: str
    field: str
    value: str | None
    location: Location
    context: str = ""
    from_variable: bool = False


@dataclass(frozen=True, slots=True)
class Profile:
    """One section of an AWS ``config`` or ``credentials`` file.

    ``group`` identifies the pair of files that form one profile set (their folder).
    ``file_kind`` is ``"config"`` or ``"credentials"``. ``header_problem`` records a
    header that the SDKs ignore in that file (``[profile x]`` in credentials, ``[x]``
    in config). ``properties`` maps each lower-cased key to its value and location.
    """

    name: str
    group: str
    file_kind: str
    location: Location
    properties: tuple[tuple[str, Attr], ...] = ()
    header_problem: str | None = None
    section_kind: str = "profile"  # "profile" | "sso-session" | "services"

    def get(self, key: str) -> Attr | None:
        """The value of ``key`` in this section, or None when absent."""
        for name, attr in self.properties:
            if name == key:
                return attr
        return None


@dataclass(frozen=True, slots=True)
class OidcStep:
    """A workflow step that certainly requests an OIDC token, other than an AWS role
    assumption (those are :class:`AssumeAttempt` objects): PyPI trusted publishing,
    attestations, sigstore, cloud logins. ``action`` is the action's name as GitHub
    resolves it (lower case, no ``@ref``); ``address`` is ``<workflow>#<job>/<step>``.
    """

    action: str
    location: Location
    address: str



@dataclass(frozen=True, slots=True)
class PushFilter:
    """The refs a workflow's ``push`` trigger runs for, as OIDC subject fragments.

    ``branches``/``tags`` are the filter patterns with every run of ``*`` written as one
    :data:`SUBJECT_WILDCARD`; None means any ref of that kind. ``branch_runs`` is False
    when only tag filters are given (a branch push does not run the workflow), and
    ``tag_runs`` likewise.
    """

    branches: tuple[str, ...] | None = None
    tags: tuple[str, ...] | None = None
    branch_runs: bool = True
    tag_runs: bool = True


@dataclass(frozen=True, slots=True)
class WorkflowJob:
    """A GitHub Actions job (or another CI job) that may assume roles through OIDC.

    ``id_token`` is the effective ``id-token`` permission (``"write"``, ``"read"``,
    ``"none"``, or None when the job inherits GitHub's defaults, which lack it);
    ``id_token_location`` is where it was granted (workflow or job level) and
    ``id_token_scope`` says which (``"workflow"`` or ``"job"``). ``subjects`` are the OIDC
    ``sub`` claims the job's token can carry (empty when the repository is unknown).
    ``assumes`` is True when a step assumes a role through OIDC.

    ``calls`` is the job-level ``uses:`` of a job that runs a reusable workflow (a local
    ``./.github/workflows/x.yml`` or a remote ``owner/repo/...@ref``; unknown for an
    expression): such a job has no steps and needs what the called workflow's jobs need.
    ``oidc_steps`` are the other steps that certainly request a token; ``oidc_unknown``
    is True when some step might (an action nobody can read from here, a script that
    mentions OIDC), so the job cannot be proven to need no token. ``push`` is what the
    workflow's ``push`` trigger runs for, recorded by the parser so that subject
    derivation (:mod:`assume_lint.engine.subjects`) never reads the workflow again.
    """

    workflow: str
    job: str
    location: Location
    id_token: str | None = None
    id_token_location: Location | None = None
    id_token_scope: str | None = None
    environment: Attr | None = None
    triggers: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    assumes: bool = False
    calls: Attr | None = None
    oidc_steps: tuple[OidcStep, ...] = ()
    oidc_unknown: bool = False
    push: PushFilter | None = None  # the workflow's push filters (None: not read)


@dataclass(frozen=True, slots=True)
class ParseProblem:
    """A file of a recognised format that could not be (fully) parsed: becomes AL900."""

    location: Location
    message: str


@dataclass(frozen=True, slots=True)
class Planned:
    """An object read from a Terraform plan (``terraform show -json``), for the engine.

    Rules never read these: the engine (:mod:`assume_lint.engine.plans`) uses them to map what
    a plan says back to the configuration when it is in the scanned tree too, and to
    report a role found in both once. ``kind`` is ``"role"``, ``"provider"`` or
    ``"data"``; ``address`` is Terraform's absolute address
    (``module.a["x"].aws_iam_role.b["k"]``); ``span`` is where the object is in the plan
    file (start and end); ``module_dir`` is the folder of its module relative to the
    plan's root module (``"."``, ``"modules/team"``), None when a module comes from a
    registry or another remote source; ``local`` is its address inside that module
    without instance keys (``aws_iam_role.b``, ``provider.aws.west``).
    """

    kind: str
    address: str
    span: Location
    module_dir: str | None
    local: str


@dataclass
class Model:
    """Everything the parsers found, merged across files. Rules read only this."""

    roles: list[Role] = field(default_factory=list)
    attempts: list[AssumeAttempt] = field(default_factory=list)
    credentials: list[Credential] = field(default_factory=list)
    profiles: list[Profile] = field(default_factory=list)
    jobs: list[WorkflowJob] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)
    # variant group -> every phrase evaluated for it (see the module docstring)
    variants: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # objects read from Terraform plans (the engine's business, not the rules')
    planned: list[Planned] = field(default_factory=list)
    # values a source marks sensitive (a plan's after_sensitive): masked in every output
    # like secrets, never reported as findings
    sensitive: list[str] = field(default_factory=list)
    # Files outside the parsed unit the model was built from (a called module, a
    # template), relative to the unit's folder -> content digest: the model cache
    # serves the model only while they are unchanged. Not merged by extend().
    inputs: dict[str, str] = field(default_factory=dict, compare=False)

    def extend(self, other: Model) -> None:
        """Merge another (per-file) model into this one."""
        self.roles.extend(other.roles)
        self.attempts.extend(other.attempts)
        self.credentials.extend(other.credentials)
        self.profiles.extend(other.profiles)
        self.jobs.extend(other.jobs)
        self.problems.extend(other.problems)
        self.variants.update(other.variants)
        self.planned.extend(other.planned)
        self.sensitive.extend(other.sensitive)

    def drop_covered_documents(self) -> None:
        """Drop the trust documents found on their own (``Role.document_only``) that a
        role of the model uses: their statements, at the same places, are that role's
        trust policy and are checked with it."""
        used = {
            (s.location.path, s.location.line, s.location.column)
            for role in self.roles
            if not role.document_only
            for s in role.statements
        }
        self.roles = [
            role
            for role in self.roles
            if not role.document_only
            or not any(
                (s.location.path, s.location.line, s.location.column) in used
                for s in role.statements
            )
        ]

    def statements(self) -> Iterator[tuple[Role, Statement]]:
        """Every statement of every role's trust policy, with its role."""
        for role in self.roles:
            for statement in role.statements:
                yield role, statement
