"""OIDC provider recognition and ``sub`` pattern grading for AL105 (and AL109).

A web-identity trust is only as narrow as the claims its conditions pin. Which claim
names the *owner* (the GitHub organization, the GitLab group, the Terraform Cloud
organization, the Kubernetes namespace) differs per identity provider, so this module
knows each provider's subject grammar and answers one question per condition value: how
much of the provider's population can present a token that matches it?

The answer is a :class:`Grade`: ``CRITICAL`` (anybody using the provider: a wildcard-only
value or a wildcard in the owner part), ``HIGH`` (a whole organization/group/cluster),
``MEDIUM`` (a ``pull_request`` subject is admitted), or None (narrow enough, or a shape
we do not know: unknown means silent).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assume_lint.model import HOLE, Condition, Principal, Statement
from assume_lint.model.arn import iam_resource, parse_arn
from assume_lint.model.conditions import glob_match, parse_operator
from assume_lint.model.findings import Severity

GITHUB_HOST = "token.actions.githubusercontent.com"
# GitHub's claim keys that STS accepts as condition keys (Feb 2026), by what they pin.
GITHUB_REPO_KEYS = frozenset({"sub", "repository", "repository_id", "job_workflow_ref"})
GITHUB_OWNER_KEYS = frozenset(
    {"repository_owner", "repository_owner_id", "enterprise", "enterprise_id"}
)
GITHUB_OTHER_KEYS = frozenset(
    {
        "workflow",
        "ref",
        "ref_type",
        "environment",
        "actor",
        "actor_id",
        "event_name",
        "job_workflow_sha",
    }
)

_EKS = re.compile(r"^oidc\.eks\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/id/[^/]+$")
_BITBUCKET = re.compile(
    r"^api\.bitbucket\.org/2\.0/workspaces/[^/]+/pipelines-config/identity/oidc$"
)
_CIRCLECI = re.compile(r"^oidc\.circleci\.com/org/[^/]+$")
# Built-in web identity providers addressed by name instead of an oidc-provider ARN.
WEB_IDENTITY_NAMES = frozenset(
    {
        "cognito-identity.amazonaws.com",
        "accounts.google.com",
        "graph.facebook.com",
        "www.amazon.com",
    }
)


@dataclass(frozen=True)
class OidcProvider:
    """An OIDC identity provider trusted through a Federated principal.

    ``host`` is the provider URL without ``https://``: condition keys are ``host:sub``,
    ``host:aud``... ``kind`` is one of ``github``, ``gitlab``, ``terraform-cloud``,
    ``eks``, ``bitbucket``, ``circleci`` or ``generic``.
    """

    kind: str
    host: str
    principal: Principal
    inferred: bool = False  # the host came from the condition keys, not the principal

    @property
    def label(self) -> str:
        """A human name for messages."""
        names = {
            "github": "GitHub Actions",
            "gitlab": "GitLab CI",
            "terraform-cloud": "Terraform Cloud",
            "eks": "EKS (IRSA)",
            "bitbucket": "Bitbucket Pipelines",
            "circleci": "CircleCI",
        }
        return names.get(self.kind, f"OIDC provider {self.host}")

    def claim(self, key: str) -> str | None:
        """The claim name of a condition key on this provider (``repository``), or None."""
        prefix = self.host.lower() + ":"
        lowered = key.strip().lower()
        return lowered[len(prefix) :] if lowered.startswith(prefix) else None


def provider_kind(host: str) -> str:
    """Which provider family an OIDC host belongs to."""
    lowered = host.lower().rstrip("/")
    if lowered == GITHUB_HOST or lowered.startswith(GITHUB_HOST + "/"):
        return "github"  # GitHub Enterprise Cloud issuers append /<enterprise>
    if lowered == "gitlab.com" or lowered.startswith("gitlab."):
        return "gitlab"
    if lowered == "app.terraform.io":
        return "terraform-cloud"
    if _EKS.match(lowered):
        return "eks"
    if _BITBUCKET.match(lowered):
        return "bitbucket"
    if _CIRCLECI.match(lowered):
        return "circleci"
    return "generic"


def oidc_provider(principal: Principal) -> OidcProvider | None:
    """The OIDC provider named by a Federated ``oidc-provider/<host>`` ARN, else None.

    A partly known ARN counts when its host is literal:
    ``arn:aws:iam::${account}:oidc-provider/token.actions.githubusercontent.com`` (or
    CloudFormation's ``!Sub arn:${AWS::Partition}:...``, or a reference to a provider
    resource whose URL is known) names GitHub whatever the account is.
    """
    host = _provider_host(principal)
    if host is None or HOLE in host or not host:
        return None
    return OidcProvider(provider_kind(host), host, principal)


def _provider_host(principal: Principal) -> str | None:
    """The text after ``oidc-provider/`` of a literal or partly known Federated ARN."""
    if principal.kind != "Federated":
        return None
    if principal.value is not None:
        found = iam_resource(principal.value, "oidc-provider")
        return found[1] if found else None
    arn = parse_arn(principal.partial.strip() if principal.partial else None)
    if arn is None or arn.service != "iam" or arn.region:
        return None
    if not arn.resource.startswith("oidc-provider/"):
        return None
    return arn.resource[len("oidc-provider/") :]


def _maybe_oidc(principal: Principal) -> bool:
    """A Federated principal that could be an OIDC provider ARN: unknown, or partly known
    with the ``oidc-provider/`` resource type (its host unknown)."""
    if principal.kind != "Federated" or principal.value is not None:
        return False
    if principal.partial is None:
        return True
    return _provider_host(principal) is not None


# Claims every OIDC provider sends and STS accepts as condition keys.
_COMMON_CLAIMS = frozenset({"sub", "aud"})


def _claim_host(key: str) -> str | None:
    """``token.actions.githubusercontent.com:sub`` -> the host, when the key is a claim
    of an OIDC provider (a host with a dot, a known claim); None for ``aws:``/``sts:``
    keys and for anything unresolved."""
    host, colon, claim = key.strip().rpartition(":")
    if not colon or "." not in host or "${" in key or HOLE in key:
        return None
    claim = claim.lower()
    kind = provider_kind(host)
    known = _COMMON_CLAIMS
    if kind == "github":
        known = known | GITHUB_REPO_KEYS | GITHUB_OWNER_KEYS | GITHUB_OTHER_KEYS
    if claim not in known or host.lower() in WEB_IDENTITY_NAMES:
        return None
    return host


def inferred_host(statement: Statement) -> str | None:
    """The one OIDC provider whose claims the statement's conditions test, else None.

    A request carries the claims of one provider only, so a condition on another
    provider's key can never match: a statement testing ``<host>:sub`` works only for
    tokens of ``<host>``. Several hosts, or none, tell nothing.
    """
    hosts = {h.lower(): h for c in statement.conditions if (h := _claim_host(c.key))}
    return next(iter(hosts.values())) if len(hosts) == 1 else None


def statement_providers(statement: Statement) -> list[OidcProvider]:
    """The OIDC providers a statement's Federated principals name, known or inferred.

    A principal names its provider by a literal or partly known ARN; an unresolved
    Federated principal (``"${trusted_entity}"``) is taken to be the provider whose
    condition keys the statement tests. An unresolved principal with no provider keys
    stays unknown (no provider: silent).
    """
    if statement.not_principal:
        return []
    found = [p for p in map(oidc_provider, statement.principals) if p is not None]
    hosts = {p.host.lower() for p in found}
    host = inferred_host(statement)
    if host is None or host.lower() in hosts:
        return found
    for principal in statement.principals:
        if oidc_provider(principal) is None and _maybe_oidc(principal):
            found.append(OidcProvider(provider_kind(host), host, principal, inferred=True))
            break  # one finding per provider and statement
    return found


def is_web_identity_principal(principal: Principal) -> bool:
    """An OIDC provider ARN or a built-in web identity provider (Cognito, Google...)."""
    if principal.kind != "Federated" or principal.value is None:
        return False
    value = principal.value.strip()
    return iam_resource(value, "oidc-provider") is not None or value.lower() in WEB_IDENTITY_NAMES


def is_saml_principal(principal: Principal) -> bool:
    """A Federated ``saml-provider/...`` ARN."""
    return (
        principal.kind == "Federated"
        and principal.value is not None
        and iam_resource(principal.value, "saml-provider") is not None
    )


# --------------------------------------------------------------------------- conditions


def is_scoping_operator(condition: Condition) -> bool:
    """A positive string comparison: the values list what the claim may be.

    ``...IfExists`` and the set qualifiers behave like the plain operator here, because
    providers always send ``sub`` and the other scoping claims.
    """
    op = parse_operator(condition.operator)
    return op is not None and op.family == "string" and not op.negated


def is_glob_operator(condition: Condition) -> bool:
    """``StringLike`` (any qualifier or IfExists): ``*`` and ``?`` are wildcards."""
    op = parse_operator(condition.operator)
    return op is not None and op.positive == "stringlike"


def has_wildcard(text: str) -> bool:
    """True when ``text`` has an IAM wildcard character."""
    return "*" in text or "?" in text


_SEPARATORS = re.compile(r"[*?:/]")


# The fixed words of each provider's subject grammar (they name claims, not identities).
_SUBJECT_WORDS: dict[str, tuple[str, ...]] = {
    "github": ("repo",),
    "gitlab": ("project_path",),
    "terraform-cloud": ("organization", "project", "workspace", "run_phase"),
    "eks": ("system", "serviceaccount"),
    "circleci": ("org", "project", "user"),
}


def is_wildcard_only(value: str, kind: str = "generic") -> bool:
    """``*``, ``repo:*``, ``repo:*/*``, ``system:serviceaccount:*:*``: nothing but
    wildcards, separators and the provider's claim words (no owner, repository or
    account is named).
    """
    if not has_wildcard(value):
        return False
    text = value.strip()
    for word in _SUBJECT_WORDS.get(kind, ()):
        text = re.sub(rf"(^|[:/]){word}(?=[:/])", r"\1", text)
    return not _SEPARATORS.sub("", text)


@dataclass(frozen=True)
class Grade:
    """How broad one condition value is, and why (for the message)."""

    severity: Severity
    reason: str


def _owner_and_rest(body: str) -> tuple[str, str, str]:
    """``org/repo:rest`` -> (``org``, ``repo``, ``rest``); missing parts are empty."""
    head, _, rest = body.partition(":")
    owner, _, name = head.partition("/")
    return owner, name, rest


def _path_grade(body: str, what: str, one: str, owner_word: str, glob: bool) -> Grade | None:
    """Grade ``owner/name[:rest]`` subjects (GitHub ``repo:``, GitLab ``project_path:``)."""
    owner, name, rest = _owner_and_rest(body)
    if glob and (has_wildcard(owner) or not owner):
        return Grade(Severity.CRITICAL, f"matches {what} of any {owner_word}")
    if glob and has_wildcard(name):
        return Grade(Severity.HIGH, f"matches every {one} of the {owner_word} {owner}")
    if "pull_request" in rest and (rest == "pull_request" or glob):
        return Grade(Severity.MEDIUM, "admits workflows triggered by pull requests")
    if glob and rest and has_wildcard(rest) and glob_match(rest, "pull_request"):
        return Grade(Severity.MEDIUM, "admits every ref and event, pull requests included")
    return None


def grade_subject(provider: OidcProvider, value: str, glob: bool) -> Grade | None:
    """How broad a ``sub`` value is for ``provider`` (``glob``: a StringLike operator)."""
    if glob and is_wildcard_only(value, provider.kind):
        return Grade(Severity.CRITICAL, "is wildcard-only: any identity of the provider matches")
    if provider.kind == "github" and value.startswith("repo:"):
        return _path_grade(value[len("repo:") :], "repositories", "repository", "owner", glob)
    if provider.kind == "gitlab" and value.startswith("project_path:"):
        return _path_grade(value[len("project_path:") :], "projects", "project", "group", glob)
    if not glob:
        return None
    if provider.kind == "terraform-cloud" and value.startswith("organization:"):
        org, _, rest = value[len("organization:") :].partition(":")
        if has_wildcard(org) or not org:
            return Grade(Severity.CRITICAL, "matches workspaces of any organization")
        if rest.startswith("*") or ":workspace:*" in rest:
            return Grade(Severity.HIGH, f"matches every workspace of the organization {org}")
    if provider.kind == "eks" and value.startswith("system:serviceaccount:"):
        namespace = value[len("system:serviceaccount:") :].partition(":")[0]
        if has_wildcard(namespace):
            return Grade(Severity.HIGH, "matches service accounts of every namespace")
    if provider.kind == "circleci" and value.startswith("org/"):
        parts = value.split("/")
        if len(parts) > 1 and has_wildcard(parts[1]):
            return Grade(Severity.CRITICAL, "matches projects of any organization")
        if len(parts) > 3 and parts[2] == "project" and has_wildcard(parts[3]):
            return Grade(Severity.HIGH, "matches every project of the organization")
    if value.strip().startswith(("*", "?")):
        return Grade(Severity.CRITICAL, "starts with a wildcard: any owner matches")
    return None


def github_owner_of(value: str) -> str | None:
    """The organization of a GitHub ``repo:org/...`` subject, lower-cased (None: other)."""
    if not value.startswith("repo:"):
        return None
    owner = _owner_and_rest(value[len("repo:") :])[0]
    owner = owner.split("@", 1)[0]  # immutable subjects: repo:owner@id/repo@id
    return owner.lower() if owner and not has_wildcard(owner) else None


def grade_claim(provider: OidcProvider, claim: str, value: str, glob: bool) -> Grade | None:
    """How broad a value of one of GitHub's other scoping claims is."""
    if glob and (is_wildcard_only(value) or value.strip().startswith(("*", "?"))):
        return Grade(Severity.CRITICAL, "is wildcard-only: any repository matches")
    if claim == "repository" and glob:
        owner, _, name = value.partition("/")
        if has_wildcard(owner):
            return Grade(Severity.CRITICAL, "matches repositories of any owner")
        if has_wildcard(name):
            return Grade(Severity.HIGH, f"matches every repository of the owner {owner}")
    if claim == "job_workflow_ref" and glob:
        owner, _, rest = value.partition("/")
        if has_wildcard(owner):
            return Grade(Severity.CRITICAL, "matches workflows of any owner")
        if has_wildcard(rest.partition("/")[0]):
            return Grade(Severity.HIGH, f"matches workflows of every repository of {owner}")
    return None
