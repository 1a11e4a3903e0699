"""Matching callers to the roles defined in the scanned tree, for the AL3xx rules.

A caller (provider, backend, profile, workflow step, Terragrunt ``iam_role``) names the
role it assumes by ARN; :func:`assume_lint.model.roles.find_role_variants` finds its in-tree
definition (the model layer owns that lookup: partial runs use it too).

This module knows which trust statements *could* admit a caller: the Allow
statements that grant the STS action the caller uses, with a principal of the right
kind. A cross-file rule only reports when every such statement refuses the caller.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from assume_lint.model import AssumeAttempt, Model, Role, Statement
from assume_lint.model.conditions import (
    ASSUME_ROLE,
    ASSUME_ROLE_WITH_WEB_IDENTITY,
    LIT,
    MAX_MATCHED,
    NOCOLON,
    Token,
    glob_tokens,
    grants_action,
    is_allow,
    patterns_intersect,
)
from assume_lint.model.findings import Hit, Location, Variant
from assume_lint.model.roles import find_role_variants
from assume_lint.rules._helpers_callers import attempt_anchor

__all__ = [
    "ASSUME_ROLE",
    "WEB_IDENTITY",
    "Match",
    "admitting_statements",
    "caller_action",
    "matched_callers",
    "related_locations",
]

WEB_IDENTITY = ASSUME_ROLE_WITH_WEB_IDENTITY
_MAX_RELATED = 5


@dataclass(frozen=True)
class Match:
    """A caller, the in-tree role it assumes, and the trust statements that could admit it."""

    attempt: AssumeAttempt
    role: Role
    statements: tuple[Statement, ...]
    action: str

    @property
    def variant(self) -> Variant | None:
        """The deployment variant the pair was evaluated under (the role's, else the
        caller's): a hit about the pair holds in that variant."""
        return self.role.variant or self.attempt.variant


def _profile_uses_web_identity(model: Model, attempt: AssumeAttempt) -> bool:
    """A profile with ``web_identity_token_file`` calls AssumeRoleWithWebIdentity."""
    for profile in model.profiles:
        if (
            attempt.address == f"{profile.group}/profile {profile.name}"
            and profile.get("web_identity_token_file") is not None
        ):
            return True
    return False


def caller_action(model: Model, attempt: AssumeAttempt) -> str:
    """The STS action the caller performs: web identity for OIDC workflow steps and
    profiles with a token file, ``sts:AssumeRole`` for everything else."""
    if attempt.kind in ("workflow", "cli") and attempt.uses_oidc:
        return WEB_IDENTITY
    if attempt.kind == "profile" and _profile_uses_web_identity(model, attempt):
        return WEB_IDENTITY
    return ASSUME_ROLE


def _principal_fits(statement: Statement, action: str) -> bool:
    """Could the statement's principal be the caller? AssumeRole callers are AWS
    identities; web-identity callers are federated. Unknown principals could be either."""
    if statement.not_principal or statement.unknown_principals:
        return True
    wanted = "Federated" if action == WEB_IDENTITY else "AWS"
    return any(p.kind in ("*", wanted) for p in statement.principals)


def admitting_statements(role: Role, action: str) -> tuple[Statement, ...]:
    """The Allow statements that could admit a caller performing ``action``."""
    return tuple(
        statement
        for statement in role.statements
        if is_allow(statement)
        and grants_action(statement, (action,)) is not False
        and _principal_fits(statement, action)
    )


def matched_callers(model: Model) -> Iterator[Match]:
    """Every caller whose role is defined (unambiguously, with a known trust) in the tree
    and has at least one statement that could admit it."""
    for attempt in model.attempts:
        if attempt.role_arn is None or attempt.role_arn.pattern is None or attempt.refused:
            continue  # a command its own tool refuses never reaches the trust
        for role in find_role_variants(model, attempt.role_arn.pattern):
            if not role.trust_known or not role.statements:
                continue
            action = caller_action(model, attempt)
            statements = admitting_statements(role, action)
            if statements:
                yield Match(attempt, role, statements, action)


def denied_hit(match: Match, requirement: str, problem: str) -> Hit:
    """The AL302/AL303 finding: a caller that cannot meet what the role's trust requires,
    at the caller, with the trust statements as related locations."""
    attempt, role = match.attempt, match.role
    return Hit(
        location=attempt_anchor(attempt),
        message=(
            f"{attempt.caller} assumes role {role.label} ({role.address}), whose trust "
            f"requires {requirement}, but {problem}: the call will be denied"
        ),
        key=f"{attempt.address}~{role.address}",
        related=related_locations(match.statements),
        variant=match.variant,
    )


def related_locations(statements: Sequence[Statement]) -> tuple[Location, ...]:
    """The trust statements' locations for ``Hit.related`` (deduplicated, a few at most)."""
    seen: list[Location] = []
    for statement in statements:
        if statement.location not in seen:
            seen.append(statement.location)
    return tuple(seen[:_MAX_RELATED])


# --------------------------------------------------------------------------- subject shapes


def _subject_tokens(subject: str) -> tuple[Token, ...]:
    """A derived subject's tokens: its ``*`` is any text without ``:`` (one segment)."""
    return tuple((NOCOLON, "") if c == "*" else (LIT, c) for c in subject)


def subject_may_match(subject: str, value: str, *, glob: bool, ignore_case: bool = False) -> bool:
    """Can a token whose ``sub`` has the shape ``subject`` satisfy a trust ``value``?

    An over-approximation, so True when unsure: a subject or value longer than any
    value IAM accepts (:data:`MAX_MATCHED`) is not compared. The comparison itself is
    the condition engine's bit-parallel :func:`patterns_intersect` (a workflow's
    ``'*a' * 3000`` branch against a trust's ``'*b' * 3000`` took 57 s and 4.3 GB as an
    explicit product automaton)."""
    if len(subject) > MAX_MATCHED or len(value) > MAX_MATCHED:
        return True
    if ignore_case:
        subject, value = subject.lower(), value.lower()
    return patterns_intersect(_subject_tokens(subject), glob_tokens(value, glob=glob))
