"""Rule metadata and discovery of the ``assume_lint.rules`` modules.

Every rule module defines ``RULE: RuleMeta`` and ``check(model, ctx) -> Iterator[Hit]``,
and its module docstring is its documentation. Discovery checks that the file name, the
id and the name agree, so a renamed rule cannot drift from its module.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from assume_lint.model import Model
from assume_lint.model.findings import Hit, Severity


@dataclass(frozen=True)
class Trusted:
    """What the user told us about their own estate (``[trusted]`` in config).

    ``state_accounts`` and ``state_roles`` (role ARNs, ``*`` globs allowed, or bare role
    names) name the dedicated identities that hold Terraform state (AL301).
    """

    accounts: frozenset[str] = frozenset()
    organization_id: str | None = None
    github_orgs: frozenset[str] = frozenset()
    github_repository: str | None = None
    state_accounts: frozenset[str] = frozenset()
    state_roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class RuleContext:
    """What a rule may read besides the model: its options and the trusted estate."""

    options: Mapping[str, Any] = field(default_factory=dict)
    trusted: Trusted = Trusted()


@dataclass(frozen=True)
class Grade:
    """One severity a rule reports at, and what decides it (a phrase for the catalogue:
    ``"the sub pins only an owner (repo:org/*)"``).

    A rule whose findings are not all of one severity declares every grade it emits, so
    that the catalogue, ``explain``, the docs and SARIF show the range instead of the
    default alone; a hit's ``severity`` must be one of them (a test holds rules to it).
    """

    severity: Severity
    when: str


@dataclass(frozen=True)
class RuleMeta:
    """A rule's identity and defaults. ``options`` maps option name to its default.

    ``severity`` is the default grade (what a finding gets unless the rule grades it);
    ``grades`` lists every grade when there are several (empty: the default only).
    ``default`` False keeps a nit out of the default rule set: it is reported only when
    selected (``--select``, ``--extend-select``) or with ``--min-severity info``, and
    otherwise counted as hidden in the summary.
    """

    id: str
    name: str
    summary: str
    severity: Severity
    tags: tuple[str, ...] = ()
    options: Mapping[str, Any] = field(default_factory=dict)
    precision: str = "high"
    grades: tuple[Grade, ...] = ()
    default: bool = True

    @property
    def severities(self) -> tuple[Severity, ...]:
        """Every severity the rule reports at, highest first."""
        found = {grade.severity for grade in self.grades} | {self.severity}
        return tuple(sorted(found, reverse=True))

    @property
    def severity_range(self) -> str:
        """``"critical"``, or ``"low to critical"`` for a graded rule."""
        levels = self.severities
        if len(levels) == 1:
            return levels[0].label
        return f"{levels[-1].label} to {levels[0].label}"


CheckFn = Callable[[Model, RuleContext], Iterator[Hit]]


@dataclass(frozen=True)
class Rule:
    """A discovered rule: metadata, check function and documentation."""

    meta: RuleMeta
    check: CheckFn
    doc: str
    module: str

    @property
    def id(self) -> str:
        """Shortcut for ``meta.id``."""
        return self.meta.id

    @property
    def name(self) -> str:
        """Shortcut for ``meta.name``."""
        return self.meta.name

    @property
    def title(self) -> str:
        """The first line of the docstring: a one-sentence description."""
        return self.doc.strip().splitlines()[0].strip() if self.doc.strip() else self.meta.summary


_MODULE_NAME = re.compile(r"^al(\d{3})_([a-z0-9_]+)$")


def _load(module: ModuleType) -> Rule:
    meta = getattr(module, "RULE", None)
    check = getattr(module, "check", None)
    short = module.__name__.rsplit(".", 1)[-1]
    if not isinstance(meta, RuleMeta) or not callable(check):
        raise RuntimeError(f"rule module {short} must define RULE and check()")
    match = _MODULE_NAME.match(short)
    expected = f"al{meta.id[2:].lower()}_{meta.name.replace('-', '_')}"
    if match is None or short != expected:
        raise RuntimeError(f"rule module {short} does not match {meta.id} {meta.name}")
    if meta.grades and meta.severity not in {grade.severity for grade in meta.grades}:
        raise RuntimeError(f"rule {meta.id}: the default severity is none of its grades")
    return Rule(meta=meta, check=check, doc=module.__doc__ or "", module=short)


_CACHE: list[Rule] = []


def all_rules() -> list[Rule]:
    """Every rule in ``assume_lint.rules``, sorted by id (imported once per process)."""
    if not _CACHE:
        package = importlib.import_module("assume_lint.rules")
        names = sorted(
            info.name
            for info in pkgutil.iter_modules(package.__path__)
            if not info.name.startswith("_")
        )
        rules = [_load(importlib.import_module(f"assume_lint.rules.{name}")) for name in names]
        _CACHE.extend(sorted(rules, key=lambda rule: rule.id))
    return list(_CACHE)


def find_rule(ident: str) -> Rule | None:
    """Look a rule up by id (``AL104``) or name (``ineffective-mfa-condition``)."""
    wanted = ident.strip()
    for rule in all_rules():
        if rule.id.lower() == wanted.lower() or rule.name == wanted.lower():
            return rule
    return None


def matches(rule: RuleMeta, selector: str) -> bool:
    """True when ``selector`` (an id, a name or an id prefix like ``AL1``) names the rule."""
    sel = selector.strip()
    if not sel:
        return False
    return rule.name == sel.lower() or rule.id.upper().startswith(sel.upper())


def is_valid_selector(selector: str) -> bool:
    """True when the selector names at least one known rule."""
    return any(matches(rule.meta, selector) for rule in all_rules())
