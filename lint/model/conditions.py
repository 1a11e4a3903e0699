"""The IAM condition engine: what a trust statement's Condition block lets through.

Rules must not re-implement IAM's condition semantics one shape at a time (that is how
peers ended up accepting ``BoolIfExists`` as MFA, see PEERS.md section 11). They ask this
module instead. Everything is tri-state: ``True``/``False`` when the answer follows from
resolved values, ``None`` when it depends on a value the parser could not resolve, so
that "unknown means silent" is a property of the engine rather than of each rule.

Semantics implemented (AWS IAM User Guide, "Condition operators" and "Multivalued context
keys"):

* operator names and condition keys are case-insensitive; values are case-sensitive
  except for ``*IgnoreCase`` operators and ``Bool``;
* the values of one condition are OR-ed; the conditions of a statement are AND-ed;
* negated operators (``StringNotEquals``...) hold when *no* value matches;
* an absent key makes a condition false, except for negated operators (true),
  ``...IfExists`` (true), ``ForAllValues:`` (true) and ``Null`` (which tests presence);
* ``StringLike`` globs with ``*`` and ``?``; ``ArnEquals``/``ArnLike`` glob per
  colon-separated ARN segment.

Higher-level questions (can a request without MFA satisfy this statement? is a caller
forced to present an ExternalId? which key limits who may call?) are answered by
evaluating the statement against a *scenario*: the keys the question is about get
concrete values (or are absent), and every other condition is assumed satisfiable for an
Allow (an attacker supplies whatever it asks for) and not necessarily true for a Deny.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from assume_lint.model import Condition, Principal, Statement

Tri = bool | None
RequestValue = list[str] | tuple[str, ...] | str | None
Request = Mapping[str, RequestValue]

MFA_PRESENT = "aws:multifactorauthpresent"
MFA_AGE = "aws:multifactorauthage"
EXTERNAL_ID = "sts:externalid"
MFA_KEYS = frozenset({MFA_PRESENT, MFA_AGE})

# Every STS action, spelt as IAM documents it: policyuniverse's action catalogue (its
# data.json, service "STS"), copied so that start-up does not pay policyuniverse's
# import (about a second: it loads the catalogue of every service). tests/test_conditions.py
# checks this copy against the installed catalogue, so a policyuniverse update that
# adds an STS action fails the suite until the copy follows.
STS_ACTIONS = (
    "sts:AssumeRole",
    "sts:AssumeRoleWithSAML",
    "sts:AssumeRoleWithWebIdentity",
    "sts:DecodeAuthorizationMessage",
    "sts:GetAccessKeyInfo",
    "sts:GetCallerIdentity",
    "sts:GetFederationToken",
    "sts:GetServiceBearerToken",
    "sts:GetSessionToken",
    "sts:SetSourceIdentity",
    "sts:TagSession",
)
ASSUME_ROLE = "sts:AssumeRole"
ASSUME_ROLE_WITH_WEB_IDENTITY = "sts:AssumeRoleWithWebIdentity"
ASSUME_ROLE_WITH_SAML = "sts:AssumeRoleWithSAML"
ASSUME_ACTIONS = (ASSUME_ROLE, ASSUME_ROLE_WITH_WEB_IDENTITY, ASSUME_ROLE_WITH_SAML)

# --------------------------------------------------------------------------- tri-state


def tri_and(values: Iterable[Tri]) -> Tri:
    """AND over tri-state values: any False wins, then any unknown, else True."""
    return _tri_fold(values, False)


def tri_or(values: Iterable[Tri]) -> Tri:
    """OR over tri-state values: any True wins, then any unknown, else False."""
    return _tri_fold(values, True)


def _tri_fold(values: Iterable[Tri], decisive: bool) -> Tri:
    """``decisive`` wins as soon as it is seen (short-circuit: later values are not
    evaluated); else any unknown makes the result unknown; else ``not decisive``."""
    unknown = False
    for value in values:
        if value is decisive:
            return decisive
        if value is None:
            unknown = True
    return None if unknown else not decisive


def tri_not(value: Tri) -> Tri:
    """NOT that keeps unknown unknown."""
    return None if value is None else not value


# --------------------------------------------------------------------------- operators

# base operator (lower case) -> (family, negated, positive counterpart)
_OPERATORS: dict[str, tuple[str, bool, str]] = {
    "stringequals": ("string", False, "stringequals"),
    "stringnotequals": ("string", True, "stringequals"),
    "stringequalsignorecase": ("string", False, "stringequalsignorecase"),
    "stringnotequalsignorecase": ("string", True, "stringequalsignorecase"),
    "stringlike": ("string", False, "stringlike"),
    "stringnotlike": ("string", True, "stringlike"),
    "arnequals": ("arn", False, "arnlike"),
    "arnlike": ("arn", False, "arnlike"),
    "arnnotequals": ("arn", True, "arnlike"),
    "arnnotlike": ("arn", True, "arnlike"),
    "numericequals": ("numeric", False, "numericequals"),
    "numericnotequals": ("numeric", True, "numericequals"),
    "numericlessthan": ("numeric", False, "numericlessthan"),
    "numericlessthanequals": ("numeric", False, "numericlessthanequals"),
    "numericgreaterthan": ("numeric", False, "numericgreaterthan"),
    "numericgreaterthanequals": ("numeric", False, "numericgreaterthanequals"),
    "dateequals": ("date", False, "dateequals"),
    "datenotequals": ("date", True, "dateequals"),
    "datelessthan": ("date", False, "datelessthan"),
    "datelessthanequals": ("date", False, "datelessthanequals"),
    "dategreaterthan": ("date", False, "dategreaterthan"),
    "dategreaterthanequals": ("date", False, "dategreaterthanequals"),
    "bool": ("bool", False, "bool"),
    "binaryequals": ("binary", False, "binaryequals"),
    "ipaddress": ("ip", False, "ipaddress"),
    "notipaddress": ("ip", True, "ipaddress"),
    "null": ("null", False, "null"),
}

_QUALIFIERS = ("foranyvalue", "forallvalues")


@dataclass(frozen=True)
class Operator:
    """A parsed condition operator such as ``ForAnyValue:StringNotLikeIfExists``.

    ``base`` is the lower-cased operator without qualifier or suffix; ``positive`` its
    non-negated counterpart (the comparison actually performed per value).
    """

    base: str
    family: str
    negated: bool
    positive: str
    if_exists: bool = False
    qualifier: str | None = None  # "foranyvalue" | "forallvalues"


@lru_cache(maxsize=256)
def parse_operator(text: str) -> Operator | None:
    """Parse an operator name (any case); None when IAM would not know it.

    ``NullIfExists`` is rejected like IAM does (Access Analyzer's NULL_WITH_IF_EXISTS).
    """
    name = text.strip().lower()
    qualifier: str | None = None
    if ":" in name:
        prefix, _, name = name.partition(":")
        if prefix not in _QUALIFIERS:
            return None
        qualifier = prefix
    if_exists = name.endswith("ifexists")
    if if_exists:
        name = name[: -len("ifexists")]
    entry = _OPERATORS.get(name)
    if entry is None or (if_exists and name == "null"):
        return None
    family, negated, positive = entry
    return Operator(name, family, negated, positive, if_exists, qualifier)


# --------------------------------------------------------------------------- value matching


# Longest condition value or request value matched at all. IAM caps a role's trust
# policy at 4,096 characters (2,048 by default), so no real condition value is longer;
# anything longer is unknown (silent), not matched.
MAX_MATCHED = 8192

# Token kinds of a pattern (see :func:`patterns_intersect`): a literal character, any
# one character (``?``), any run of characters (``*``), any run without ``:`` (the
# ``*`` of a derived OIDC subject, which stands for one path segment).
LIT, ONE, ANY, NOCOLON = 0, 1, 2, 3
Token = tuple[int, str]


def glob_tokens(text: str, *, glob: bool = True) -> tuple[Token, ...]:
    """The tokens of ``text``: with ``glob``, ``*`` and ``?`` are wildcards."""
    if not glob:
        return tuple((LIT, c) for c in text)
    kinds = {"*": ANY, "?": ONE}
    return tuple((kinds.get(c, LIT), c) for c in text)


def glob_match(pattern: str, value: str, ignore_case: bool = False) -> bool:
    """IAM's wildcard match: ``*`` any run of characters, ``?`` exactly one.

    Short inputs use the classic two-pointer algorithm (backtrack only to the last
    ``*``); long ones the bit-parallel :func:`patterns_intersect`, whose cost is
    O(len(value) * len(pattern) / 64) with no worst case beyond it: a hostile
    ``"*" + "a" * 8000 + "b"`` against 16,000 characters took 11 s the other way.
    """
    if ignore_case:
        pattern, value = pattern.casefold(), value.casefold()
    if "*" not in pattern and "?" not in pattern:
        return pattern == value
    if len(pattern) * len(value) > 4096:
        return patterns_intersect(glob_tokens(value, glob=False), glob_tokens(pattern))
    p = v = 0
    star, mark = -1, 0
    while v < len(value):
        if p < len(pattern) and pattern[p] in ("?", value[v]) and pattern[p] != "*":
            p += 1
            v += 1
        elif p < len(pattern) and pattern[p] == "*":
            star, mark = p, v
            p += 1
        elif star >= 0:
            p = star + 1
            mark += 1
            v = mark
        else:
            return False
    while p < len(pattern) and pattern[p] == "*":
        p += 1
    return p == len(pattern)


def _closure(reached: int, moves: int) -> int:
    """``reached`` plus every position that a run of allowed moves (bit j of ``moves``:
    position j may step to j + 1 without consuming) leads to from it: one addition
    carries each start through its run of set bits (bit-parallel NFA simulation)."""
    return reached | ((moves + (reached & moves)) ^ moves)


def patterns_intersect(a: Sequence[Token], b: Sequence[Token]) -> bool:
    """Is there a string that both token patterns match?

    The product of the two patterns' automata, explored row by row over ``a`` with
    the reachable positions of ``b`` as the bits of one integer: each of a's tokens
    costs a few big-integer operations on len(b) + 1 bits, so two patterns of 6,000
    tokens take milliseconds and kilobytes (the explicit product took 57 s and 4 GB).
    """
    m = len(b)
    stars = nocolon = ones = 0
    literals: dict[str, int] = {}
    for j, (kind, char) in enumerate(b):
        bit = 1 << j
        if kind in (ANY, NOCOLON):
            stars |= bit
            if kind == NOCOLON:
                nocolon |= bit
        elif kind == ONE:
            ones |= bit
        else:
            literals[char] = literals.get(char, 0) | bit
    nonstar = ((1 << m) - 1) & ~stars
    colon = literals.get(":", 0)
    reached = 1
    for kind, char in a:
        if kind == LIT:
            consumes = literals.get(char, 0) | ones  # b's one-character tokens taking char
        elif kind == NOCOLON:
            consumes = nonstar & ~colon
        else:
            consumes = nonstar
        star = kind in (ANY, NOCOLON)
        current = _closure(reached, stars | (consumes if star else 0))
        if star:
            reached = current  # the star ends; what it consumed stayed in this row
        else:
            into_stars = stars & ~nocolon if (kind == LIT and char == ":") else stars
            reached = ((current & consumes) << 1) | (current & into_stars)
        if not reached:
            return False
    return bool(_closure(reached, stars) >> m & 1)


def arn_match(pattern: str, value: str) -> bool:
    """ArnLike/ArnEquals: each of the six colon-separated segments is globbed separately."""
    pat = pattern.split(":", 5)
    val = value.split(":", 5)
    if len(pat) != len(val):
        return False
    return all(glob_match(p, v) for p, v in zip(pat, val, strict=True))


def _number(text: str) -> float | None:
    try:
        return float(text.strip())
    except ValueError:
        return None


def _date(text: str) -> datetime | None:
    stamp = text.strip()
    number = _number(stamp)
    if number is not None:
        try:
            return datetime.fromtimestamp(number, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    try:
        parsed = datetime.fromisoformat(stamp.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _compare(op: str, left: float | datetime, right: float | datetime) -> bool:
    """``left OP right`` for the ordered families (request value OP condition value)."""
    suffix = op.removeprefix("numeric").removeprefix("date")
    if suffix == "equals":
        return left == right
    if suffix == "lessthan":
        return left < right  # type: ignore[operator]
    if suffix == "lessthanequals":
        return left <= right  # type: ignore[operator]
    if suffix == "greaterthan":
        return left > right  # type: ignore[operator]
    return left >= right  # type: ignore[operator]


def _ip_match(cidr: str, value: str) -> bool:
    try:
        network = ipaddress.ip_network(cidr.strip(), strict=False)
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return False
    return address.version == network.version and address in network


def _binary_match(expected: str, value: str) -> bool:
    try:
        return base64.b64decode(expected, validate=True) == base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return expected == value


def match_value(positive: str, expected: str, actual: str) -> bool:
    """Does request value ``actual`` satisfy ``positive`` (a non-negated base operator)
    with condition value ``expected``? Unparsable numbers, dates and addresses never match.
    """
    if positive == "stringequals":
        return expected == actual
    if positive == "stringequalsignorecase":
        return expected.casefold() == actual.casefold()
    if positive == "stringlike":
        return glob_match(expected, actual)
    if positive == "arnlike":
        return arn_match(expected, actual)
    if positive == "bool":
        return expected.strip().lower() == actual.strip().lower()
    if positive.startswith("numeric"):
        left, right = _number(actual), _number(expected)
        return left is not None and right is not None and _compare(positive, left, right)
    if positive.startswith("date"):
        when, limit = _date(actual), _date(expected)
        return when is not None and limit is not None and _compare(positive, when, limit)
    if positive == "ipaddress":
        return _ip_match(expected, actual)
    if positive == "binaryequals":
        return _binary_match(expected, actual)
    return False


def _has_policy_variable(value: str) -> bool:
    """``${aws:username}`` is resolved from the request at run time: treat as unknown."""
    return "${" in value


def _one_value(op: Operator, expected: Sequence[str | None], actual: str) -> Tri:
    """One request value against all condition values (OR-ed; negated: none match)."""
    hits: list[Tri] = []
    too_long = len(actual) > MAX_MATCHED
    for value in expected:
        if value is None or _has_policy_variable(value) or too_long or len(value) > MAX_MATCHED:
            hits.append(None)  # unresolved, or longer than any value IAM accepts: unknown
        else:
            hits.append(match_value(op.positive, value, actual))
    matched = tri_or(hits)
    return tri_not(matched) if op.negated else matched


def _null(expected: Sequence[str | None], present: bool) -> Tri:
    """``Null``: "true" holds when the key is absent, "false" when it is present."""
    hits: list[Tri] = []
    for value in expected:
        if value is None:
            hits.append(None)
        elif value.strip().lower() == "true":
            hits.append(not present)
        elif value.strip().lower() == "false":
            hits.append(present)
        else:
            hits.append(False)
    return tri_or(hits)


# --------------------------------------------------------------------------- evaluation


def normalise_key(key: str) -> str:
    """Condition keys are case-insensitive: compare them lower-cased and stripped."""
    return key.strip().lower()


def _lookup(request: Request, key: str) -> tuple[bool, tuple[str, ...] | None]:
    """(present, values) for ``key`` in a request; values None when unknown."""
    wanted = normalise_key(key)
    for name, raw in request.items():
        if normalise_key(name) != wanted:
            continue
        if raw is None:
            return True, None
        return True, (raw,) if isinstance(raw, str) else tuple(raw)
    return False, ()


def evaluate(condition: Condition, request: Request) -> Tri:
    """Does ``request`` (context key -> value(s); absent key = not in the mapping; value
    None = present but unknown) satisfy this one condition? None when undecidable.
    """
    op = parse_operator(condition.operator)
    if op is None:
        return None
    present, actual = _lookup(request, condition.key)
    if op.family == "null":
        return _null(condition.values, present)
    if not present:
        if op.if_exists or op.qualifier == "forallvalues":
            return True
        if op.qualifier == "foranyvalue":
            return False
        return op.negated
    if actual is None:
        return None
    results = (_one_value(op, condition.values, value) for value in actual)
    if op.qualifier == "forallvalues":
        return tri_and(results)
    if op.qualifier == "foranyvalue":
        return tri_or(results)
    # A plain operator over a multi-valued request: negated ones need every value to
    # miss, positive ones need one value to match.
    return tri_and(results) if op.negated else tri_or(results)


def statement_conditions_hold(statement: Statement, request: Request) -> Tri:
    """Do all conditions of ``statement`` hold for ``request``? (AND of the conditions.)"""
    results = [evaluate(condition, request) for condition in statement.conditions]
    if statement.unknown_conditions:
        results.append(None)
    return tri_and(results)


class _Absent:
    """Marker for "this key is not in the request" inside a scenario description."""


ABSENT = _Absent()
ScenarioValue = str | _Absent


def _scenario(values: Mapping[str, ScenarioValue]) -> dict[str, RequestValue]:
    return {key: value for key, value in values.items() if isinstance(value, str)}


def satisfiable_with(statement: Statement, scenarios: Sequence[Mapping[str, ScenarioValue]]) -> Tri:
    """Can some request matching one of ``scenarios`` satisfy the statement's conditions?

    Keys named in a scenario take its value (or are absent); all other conditions are
    assumed satisfiable, because the caller chooses what else it sends.
    """
    return tri_or(
        _holds_in_scenario(statement, _scenario(values), set(values), True) for values in scenarios
    )


def _holds_in_scenario(statement: Statement, request: Request, keys: set[str], others: Tri) -> Tri:
    """Evaluate the conditions on ``keys`` against ``request`` (a key of ``keys`` missing
    from it is absent); every other condition counts as ``others`` (True: the caller can
    satisfy it; False: it need not hold).
    """
    focus = {normalise_key(key) for key in keys}
    results: list[Tri] = []
    for condition in statement.conditions:
        if normalise_key(condition.key) in focus:
            results.append(evaluate(condition, request))
        else:
            results.append(others)
    if statement.unknown_conditions:
        results.append(None)
    return tri_and(results)


def necessarily_holds(
    statement: Statement, scenarios: Sequence[Mapping[str, ScenarioValue]]
) -> Tri:
    """Do the statement's conditions hold for *every* request of every scenario?

    Used for Deny statements: a Deny blocks a request shape only when nothing else in its
    condition block lets the caller slip past it.
    """
    return tri_and(
        _holds_in_scenario(statement, _scenario(values), set(values), False) for values in scenarios
    )


# The request shapes of a caller without MFA: long-term access keys (no MFA keys at all)
# and temporary credentials obtained without MFA (present, "false"; no age).
NO_MFA: tuple[Mapping[str, ScenarioValue], ...] = (
    {MFA_PRESENT: ABSENT, MFA_AGE: ABSENT},
    {MFA_PRESENT: "false", MFA_AGE: ABSENT},
)
NO_EXTERNAL_ID: tuple[Mapping[str, ScenarioValue], ...] = ({EXTERNAL_ID: ABSENT},)


# --------------------------------------------------------------------------- actions, principals


@lru_cache(maxsize=4096)
def action_matches(pattern: str, action: str) -> bool:
    """IAM action match: case-insensitive glob (``sts:AssumeRole*``, ``sts:*``, ``*``).

    IAM's action wildcards are ``*`` and ``?`` only: ``[`` is a literal character (a
    policy with ``sts:[A]ssumeRole`` grants nothing), unlike ``fnmatch``.
    """
    return glob_match(pattern.strip(), action, ignore_case=True)


def expand_sts_action(pattern: str) -> tuple[str, ...]:
    """The STS actions an Action pattern covers, as IAM expands it: ``sts:*`` all of
    :data:`STS_ACTIONS`, ``sts:Assume*`` and ``sts:AssumeRole*`` the three AssumeRole
    actions, ``sts:assumerole`` (any case) ``sts:AssumeRole``; none for other services."""
    return tuple(action for action in STS_ACTIONS if action_matches(pattern, action))


def grants_action(statement: Statement, actions: Sequence[str] = (ASSUME_ROLE,)) -> Tri:
    """Does the statement's Action (or NotAction) cover any of ``actions``?"""
    if not statement.has_action:
        return False
    per_action: list[Tri] = []
    for wanted in actions:
        hits: list[Tri] = [
            None if attr.value is None else action_matches(attr.value, wanted)
            for attr in statement.actions
        ]
        matched = tri_or(hits)
        per_action.append(tri_not(matched) if statement.not_action else matched)
    return tri_or(per_action)


def is_allow(statement: Statement) -> bool:
    """Effect Allow (any case, as IAM would reject anything else)."""
    return (statement.effect or "").strip().lower() == "allow"


def is_deny(statement: Statement) -> bool:
    """Effect Deny."""
    return (statement.effect or "").strip().lower() == "deny"


def _principal_matches(listed: Principal, target: Principal) -> Tri:
    if listed.kind == "*" or (listed.value == "*" and listed.kind == target.kind):
        return True
    if listed.value is None:
        return None
    return listed.kind == target.kind and listed.value == target.value


def covers_principal(statement: Statement, target: Principal | None) -> Tri:
    """Does the statement's Principal (or NotPrincipal) include ``target``?

    ``target`` None asks about "every principal": only ``*`` covers it.
    """
    if target is None:
        listed = tri_or(
            p.kind == "*" or (p.kind == "AWS" and p.value == "*") for p in statement.principals
        )
        return False if statement.not_principal else listed
    hits: list[Tri] = [_principal_matches(p, target) for p in statement.principals]
    if statement.unknown_principals:
        hits.append(None)
    matched = tri_or(hits)
    return tri_not(matched) if statement.not_principal else matched


# --------------------------------------------------------------------------- questions


def allows_without_mfa(statement: Statement) -> Tri:
    """Can a request without MFA (long-term keys: key absent; or MFA "false") satisfy the
    statement's conditions? False means the statement itself requires MFA.
    """
    return satisfiable_with(statement, NO_MFA)


def requires_external_id(statement: Statement) -> Tri:
    """Must a caller present an ``sts:ExternalId`` to satisfy the statement's conditions?"""
    return tri_not(satisfiable_with(statement, NO_EXTERNAL_ID))


def conditions_on(statement: Statement, key: str) -> tuple[Condition, ...]:
    """The statement's conditions on ``key`` (case-insensitive)."""
    wanted = normalise_key(key)
    return tuple(c for c in statement.conditions if normalise_key(c.key) == wanted)


def external_id_values(statement: Statement) -> tuple[str | None, ...]:
    """Values a caller could pass as ExternalId: those of the positive string operators
    on ``sts:ExternalId`` (None for unresolved elements)."""
    values: list[str | None] = []
    for condition in conditions_on(statement, EXTERNAL_ID):
        op = parse_operator(condition.operator)
        if op is not None and op.family == "string" and not op.negated:
            values.extend(condition.values)
    return tuple(values)


def effective_mfa(statement: Statement) -> bool:
    """True when a condition on its own enforces MFA: ``Bool aws:MultiFactorAuthPresent
    "true"`` or ``NumericLessThan(Equals) aws:MultiFactorAuthAge``, without IfExists or a
    set qualifier (both of which pass when the key is absent).
    """
    for condition in statement.conditions:
        op = parse_operator(condition.operator)
        if op is None or op.if_exists or op.qualifier or not condition.values:
            continue
        if any(value is None for value in condition.values):
            continue
        key = normalise_key(condition.key)
        if key == MFA_PRESENT and op.base == "bool":
            if all(str(v).strip().lower() == "true" for v in condition.values):
                return True
        elif key == MFA_AGE and op.base in ("numericlessthan", "numericlessthanequals"):
            return True
    return False


def deny_blocks(
    statements: Sequence[Statement],
    principal: Principal | None,
    scenarios: Sequence[Mapping[str, ScenarioValue]],
    action: str = ASSUME_ROLE,
) -> Tri:
    """Does some Deny statement of the policy block every request of ``scenarios`` made by
    ``principal`` (None: by anyone) for ``action``? Deny overrides Allow, so e.g. Deny +
    ``BoolIfExists aws:MultiFactorAuthPresent false`` is strict MFA enforcement.
    """
    results: list[Tri] = []
    for statement in statements:
        if not is_deny(statement):
            continue
        results.append(
            tri_and(
                (
                    grants_action(statement, (action,)),
                    covers_principal(statement, principal),
                    necessarily_holds(statement, scenarios),
                )
            )
        )
    return tri_or(results)


def deny_blocks_without_mfa(statements: Sequence[Statement], principal: Principal | None) -> Tri:
    """Does a Deny in the policy refuse every no-MFA request of ``principal``?"""
    return deny_blocks(statements, principal, NO_MFA)


def deny_blocks_without_external_id(
    statements: Sequence[Statement], principal: Principal | None
) -> Tri:
    """Does a Deny in the policy refuse every request of ``principal`` with no ExternalId?"""
    return deny_blocks(statements, principal, NO_EXTERNAL_ID)


# --------------------------------------------------------------------------- principal guards

STRONG_GUARDS = (
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:sourcearn",
    "aws:sourceaccount",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
)
_ARN_KEYS = frozenset({"aws:principalarn", "aws:sourcearn"})
# Keys every authenticated request carries: ...IfExists on them still binds.
ALWAYS_PRESENT = frozenset({"aws:principalarn", "aws:principalaccount"})
_ACCOUNT_KEYS = frozenset({"aws:principalaccount", "aws:sourceaccount"})
_ORG_ID_KEYS = frozenset({"aws:principalorgid", "aws:sourceorgid"})


def _only_wildcards(text: str, extra: str = "") -> bool:
    return not text.strip("*?" + extra)


def is_wildcard_only(key: str, value: str) -> bool:
    """True when ``value`` does not narrow ``key`` to something specific.

    ``*``; an ARN whose account is wildcarded (anyone can create ``role/deploy`` in their
    own account) or, for account-less ARNs, whose resource is wildcards only; an account
    or organization id with any wildcard; ``o-*/*`` paths.
    """
    name = normalise_key(key)
    text = value.strip()
    if _only_wildcards(text):
        return True
    if name in _ARN_KEYS and text.lower().startswith("arn:"):
        parts = text.split(":", 5)
        if len(parts) < 6:
            return True
        account, resource = parts[4], parts[5]
        if account:
            return "*" in account or "?" in account
        return _only_wildcards(resource, "/")
    if name in _ACCOUNT_KEYS or name in _ORG_ID_KEYS:
        return "*" in text or "?" in text
    if name.endswith("orgpaths"):
        return text.replace("*", "").replace("?", "").replace("/", "") in ("", "o-")
    return False


def _is_guard(condition: Condition) -> Tri:
    """A positive string/ARN match on a strong key with only specific values."""
    key = normalise_key(condition.key)
    if key not in STRONG_GUARDS:
        return False
    op = parse_operator(condition.operator)
    if op is None or op.negated or op.qualifier == "forallvalues":
        return False
    if op.if_exists and key not in ALWAYS_PRESENT:
        return False
    return _specific_values(key, op, condition)


def constrains_principal(statement: Statement) -> str | None:
    """The first strong guard key (as written) that limits who may use the statement, or
    None. Weak keys (``aws:SourceIp``, ``aws:UserAgent``, ``aws:PrincipalTag/*``,
    ``sts:ExternalId``) and wildcard-only values never count.
    """
    for condition in statement.conditions:
        if _is_guard(condition) is True:
            return condition.key
    return None


def principal_guards(statement: Statement) -> frozenset[str]:
    """Every strong guard key (lower-cased) that limits who may use the statement."""
    return frozenset(normalise_key(c.key) for c in statement.conditions if _is_guard(c) is True)


def _names_identity(value: str) -> bool:
    """An ARN value naming identities within an account (``role/ci-*``), not all of it
    (``*``, ``role/*``)."""
    parts = value.strip().split(":", 5)
    if len(parts) < 6:
        return False
    resource = parts[5]
    name = resource.split("/", 1)[1] if "/" in resource else resource
    return not _only_wildcards(name, "/")


def names_principal(statement: Statement) -> bool:
    """True when a guarding ``aws:PrincipalArn`` condition names specific identities, not
    just an account (``arn:aws:iam::N:*`` is no narrower than ``N:root``)."""
    for condition in conditions_on(statement, "aws:PrincipalArn"):
        if _is_guard(condition) is True and all(
            _names_identity(str(value)) for value in condition.values
        ):
            return True
    return False


def _is_negated_guard(condition: Condition) -> Tri:
    """``StringNotEquals aws:PrincipalOrgID o-x`` and friends: in a Deny, it refuses
    everybody outside the named organization/account/ARN (absent key: denied too)."""
    key = normalise_key(condition.key)
    op = parse_operator(condition.operator)
    if key not in STRONG_GUARDS or op is None or not op.negated or op.qualifier:
        return False
    return _specific_values(key, op, condition)


def _specific_values(key: str, op: Operator, condition: Condition) -> Tri:
    """A string or ARN comparison whose values are all specific (none only wildcards),
    for a guard and a negated guard alike; unknown while a value is unknown."""
    if op.family not in ("string", "arn") or not condition.values:
        return False
    if any(value is None for value in condition.values):
        return None
    return not any(is_wildcard_only(key, str(value)) for value in condition.values)


def deny_guard(statements: Sequence[Statement], action: str = ASSUME_ROLE) -> str | None:
    """The guard key of a Deny that refuses ``action`` to every principal outside what its
    negated strong-key conditions name (the "Deny unless in my org" pattern), or None.
    """
    for statement in statements:
        if not is_deny(statement) or statement.unknown_conditions or not statement.conditions:
            continue
        if grants_action(statement, (action,)) is not True:
            continue
        if covers_principal(statement, None) is not True:
            continue
        if all(_is_negated_guard(c) is True for c in statement.conditions):
            return statement.conditions[0].key
    return None


def guard_unknown(statement: Statement) -> bool:
    """True when an unresolved part of the conditions might be a guard: rules stay silent."""
    if statement.unknown_conditions:
        return True
    return any(_is_guard(condition) is None for condition in statement.conditions) or any(
        parse_operator(condition.operator) is None for condition in statement.conditions
    )


def has_unknown_conditions(statement: Statement) -> bool:
    """True when any condition block, operator or value of the statement is unresolved."""
    if statement.unknown_conditions:
        return True
    return any(
        parse_operator(c.operator) is None or any(v is None for v in c.values)
        for c in statement.conditions
    )
