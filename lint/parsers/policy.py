"""The trust-policy builder: an IAM policy Node tree -> model Statements.

A trust policy reaches us from a JSON file, a Terraform ``jsonencode``/heredoc/policy
document, or a CloudFormation template; every parser turns it into the same located
:class:`~assume_lint.parsers.located.Node` tree, and this one module reads IAM's grammar
(scalar-or-list everywhere, case-insensitive element names, the Principal forms, Condition
blocks) so that the rules see one shape whatever the source.

Nothing here raises on a malformed policy: structural problems (a Principal of the wrong
type, an unknown element, an unknown Version, a Resource) are collected with their exact
locations in :attr:`TrustDoc.problems`, which rule AL109 reports. Unresolved values stay
unknown (``None``) so the other rules stay silent about them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from assume_lint.model import Attr, Condition, Principal, Statement
from assume_lint.model.findings import Location
from assume_lint.parsers import trust_schema
from assume_lint.parsers.located import Node
from assume_lint.parsers.trust_schema import PRINCIPAL_KINDS, STATEMENT_ELEMENTS, TOP_ELEMENTS

KNOWN_VERSIONS = ("2012-10-17", "2008-10-17")
EFFECTS = ("Allow", "Deny")

Problem = tuple[Location, str]


@dataclass(frozen=True)
class TrustDoc:
    """What a trust policy says, plus what is wrong with its structure.

    ``known`` is False when the document (or its whole ``Statement``) could not be
    resolved: then ``statements`` is empty and rules must stay silent about the role.
    ``unknown_statements`` is True when some statement was unresolved and skipped.
    """

    statements: tuple[Statement, ...] = ()
    version: Attr | None = None
    has_version: bool = True
    problems: tuple[Problem, ...] = ()
    known: bool = True
    unknown_statements: bool = False


def build_trust(doc: Node) -> TrustDoc:
    """Read a policy document Node; never raises on malformed input."""
    if not doc.known:
        return TrustDoc(known=False)
    if not doc.is_map:
        message = f"a trust policy must be an object, not {_kind(doc)}"
        return TrustDoc(problems=((doc.location, message),))
    problems: list[Problem] = []
    elements = _elements(doc, TOP_ELEMENTS, "policy element", problems)
    version, has_version = _version(doc, elements.get("version"), problems)
    statement_node = elements.get("statement")
    if statement_node is None:
        problems.append((doc.location, "the trust policy has no Statement"))
        return TrustDoc((), version, has_version, _with_schema(doc, problems))
    if not statement_node.known:
        return TrustDoc((), version, has_version, tuple(problems), known=False)
    statements, unknown = _statements(statement_node, problems)
    return TrustDoc(statements, version, has_version, _with_schema(doc, problems), True, unknown)


# Files whose trust policies are not schema-checked during the current parse (context
# files of a partial run: see Unit.context). Set by the engine around each unit.
_UNCHECKED: frozenset[str] = frozenset()


@contextlib.contextmanager
def schema_skipped(paths: frozenset[str]) -> Iterator[None]:
    """Skip the schema check for trust policies written in ``paths`` while parsing."""
    global _UNCHECKED
    previous, _UNCHECKED = _UNCHECKED, paths
    try:
        yield
    finally:
        _UNCHECKED = previous


def _with_schema(doc: Node, problems: list[Problem]) -> tuple[Problem, ...]:
    """Add what the shipped JSON Schema rejects beyond the hand-written checks above
    (same location = same mistake, reported once). See :mod:`assume_lint.parsers.trust_schema`."""
    if doc.location.path in _UNCHECKED:
        return tuple(problems)
    return (*problems, *trust_schema.schema_problems(doc, (where for where, _ in problems)))


# --------------------------------------------------------------------------- document


def _kind(node: Node) -> str:
    """A short description of a node's type, for messages."""
    value = node.value
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return "a string"


def _where(node: Node) -> Location:
    """Where the key holding ``node`` was written, else the node itself."""
    return node.key_location or node.location


def _elements(
    node: Node, allowed: Iterable[str], what: str, problems: list[Problem], prefix: str = ""
) -> dict[str, Node]:
    """The children of a mapping by lower-cased name; unknown and repeated names reported.

    IAM reads element names case-insensitively, so ``Action`` and ``action`` in one
    statement are the same element written twice.
    """
    canonical = {name.lower(): name for name in allowed}
    found: dict[str, Node] = {}
    for name in node.duplicate_keys:
        child = node.get(name)
        where = _where(child) if child is not None else node.location
        problems.append((where, f"{prefix}{name!r} is given more than once (the last one wins)"))
    for name, child in node.items():
        lowered = name.lower()
        if lowered not in canonical:
            expected = ", ".join(canonical.values())
            message = f"{prefix}unknown {what} {name!r} (expected {expected})"
            problems.append((_where(child), message))
            continue
        if lowered in found:
            problems.append(
                (_where(child), f"{prefix}{canonical[lowered]!r} is given more than once")
            )
            continue
        found[lowered] = child
    return found


def _version(doc: Node, node: Node | None, problems: list[Problem]) -> tuple[Attr | None, bool]:
    """The Version element as an Attr, and whether it was written at all.

    A missing Version is no structural problem: IAM accepts it and applies 2008-10-17
    (AL110 notes it; AL109 reports what then cannot work, such as policy variables).
    """
    if node is None:
        return None, False
    text = _scalar_text(node)
    attr = Attr(text, node.location, node.source or (text or ""))
    if node.known and (not isinstance(node.value, str) or text not in KNOWN_VERSIONS):
        shown = repr(text) if text is not None else _kind(node)
        problems.append((node.location, f'unknown policy Version {shown}: use "2012-10-17"'))
    return attr, True


def _statements(node: Node, problems: list[Problem]) -> tuple[tuple[Statement, ...], bool]:
    """Every statement of ``Statement`` (an object or a list of objects)."""
    if not (node.is_map or node.is_list):
        problems.append(
            (node.location, f"Statement must be an object or a list of objects, not {_kind(node)}")
        )
        return (), False
    statements: list[Statement] = []
    unknown = False
    for index, child in enumerate(node.elements()):
        if not child.known:
            unknown = True
        elif not child.is_map:
            problems.append(
                (child.location, f"statement #{index} must be an object, not {_kind(child)}")
            )
        else:
            statements.append(_statement(child, index, problems))
    return tuple(statements), unknown


# --------------------------------------------------------------------------- statement


def _statement(node: Node, index: int, problems: list[Problem]) -> Statement:
    """One statement object -> Statement (problems prefixed with the statement's label)."""
    sid = _sid(node)
    prefix = f"statement {sid or f'#{index}'}: "
    elements = _elements(node, STATEMENT_ELEMENTS, "statement element", problems, prefix)
    principal_node, not_principal = _either(elements, "principal", node, prefix, problems)
    action_node, not_action = _either(elements, "action", node, prefix, problems)
    principals, unknown_principals = _principals(principal_node, prefix, problems)
    actions = _actions(action_node, "NotAction" if not_action else "Action", prefix, problems)
    conditions, unknown_conditions = _conditions(elements.get("condition"), prefix, problems)
    _check_required(node, elements, principal_node, action_node, prefix, problems)
    resource = elements.get("resource") or elements.get("notresource")
    if resource is not None:
        problems.append(
            (
                _where(resource),
                f"{prefix}a trust policy must not have a Resource element "
                "(the role itself is the resource)",
            )
        )
    effect = elements.get("effect")
    return Statement(
        effect=_effect(effect, prefix, problems),
        principals=principals,
        actions=actions,
        conditions=conditions,
        location=node.location,
        index=index,
        sid=sid,
        not_principal=not_principal,
        not_action=not_action,
        has_principal=principal_node is not None,
        has_action=action_node is not None,
        has_resource=resource is not None,
        unknown_principals=unknown_principals,
        unknown_conditions=unknown_conditions,
        effect_location=effect.location if effect is not None else None,
    )


def _sid(node: Node) -> str | None:
    child = node.get_ci("Sid")
    return child.value if child is not None and isinstance(child.value, str) else None


def _either(
    elements: dict[str, Node], name: str, node: Node, prefix: str, problems: list[Problem]
) -> tuple[Node | None, bool]:
    """``Principal``/``NotPrincipal`` (or Action/NotAction): the one given, and if it is Not."""
    plain, negated = elements.get(name), elements.get("not" + name)
    if plain is not None and negated is not None:
        title = name.capitalize()
        problems.append(
            (_where(negated), f"{prefix}a statement cannot have both {title} and Not{title}")
        )
    if plain is not None:
        return plain, False
    return negated, negated is not None


def _check_required(
    node: Node,
    elements: dict[str, Node],
    principal: Node | None,
    action: Node | None,
    prefix: str,
    problems: list[Problem],
) -> None:
    """Effect, Principal and Action are all required in a trust statement."""
    for present, title in (
        ("effect" in elements, "Effect"),
        (principal is not None, "Principal"),
        (action is not None, "Action"),
    ):
        if not present:
            problems.append((node.location, f"{prefix}the statement has no {title}"))


def _effect(node: Node | None, prefix: str, problems: list[Problem]) -> str | None:
    if node is None or not node.known:
        return None
    text = _scalar_text(node)
    if isinstance(node.value, str) and text is not None and text.lower() in ("allow", "deny"):
        return text  # "allow": IAM evidently accepts it (AWS deploys it); AL109 notes it
    if not isinstance(node.value, str) or text not in EFFECTS:
        shown = repr(text) if isinstance(node.value, str) else _kind(node)
        problems.append((node.location, f'{prefix}Effect must be "Allow" or "Deny", not {shown}'))
    return text


def _scalar_text(node: Node) -> str | None:
    """A scalar as IAM reads it; numbers as written in the source when known."""
    if node.known and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return node.source or str(node.value)
    return node.text()


# --------------------------------------------------------------------------- principals


def _principals(
    node: Node | None, prefix: str, problems: list[Problem]
) -> tuple[tuple[Principal, ...], bool]:
    """``"*"`` or ``{"AWS"|"Service"|"Federated"|"CanonicalUser": value-or-list}``."""
    if node is None:
        return (), False
    if not node.known:
        return (), True
    if isinstance(node.value, str):
        if node.value == "*":
            return (Principal("*", "*", node.location),), False
        problems.append(
            (
                node.location,
                f'{prefix}Principal must be "*" or an object such as '
                '{"AWS": "arn:aws:iam::111122223333:root"}, not a plain string',
            )
        )
        return (), False
    if not node.is_map:
        problems.append(
            (node.location, f'{prefix}Principal must be "*" or an object, not {_kind(node)}')
        )
        return (), False
    if not node.value:
        problems.append((node.location, f"{prefix}the Principal object is empty"))
    _report_duplicates(node, prefix, problems)
    principals: list[Principal] = []
    unknown = False
    for name, values in node.items():
        kind = PRINCIPAL_KINDS.get(name.lower())
        if kind is None and "${" in name:
            unknown = True  # an unfilled template variable ("${trusted_entity_type}")
            continue
        if kind is None:
            problems.append(
                (
                    _where(values),
                    f"{prefix}unknown principal type {name!r} "
                    "(expected AWS, Service, Federated or CanonicalUser)",
                )
            )
            continue
        found, missing = _principal_values(kind, values, prefix, problems)
        principals.extend(found)
        unknown = unknown or missing
    return tuple(principals), unknown


def _principal_values(
    kind: str, values: Node, prefix: str, problems: list[Problem]
) -> tuple[list[Principal], bool]:
    """The identifiers of one principal type; unknown ones kept with value None."""
    if values.is_list and not values.value:
        problems.append((values.location, f"{prefix}the {kind} principal list is empty"))
    found: list[Principal] = []
    unknown = False
    for item in values.elements():
        if not item.known:
            found.append(Principal(kind, None, item.location, item.partial))
            unknown = True
        elif isinstance(item.value, str) or _is_number(item):
            found.append(Principal(kind, _scalar_text(item), item.location))
        else:
            problems.append(
                (item.location, f"{prefix}a {kind} principal must be a string, not {_kind(item)}")
            )
    return found, unknown


def _is_number(node: Node) -> bool:
    return isinstance(node.value, (int, float)) and not isinstance(node.value, bool)


# --------------------------------------------------------------------------- actions


def _actions(
    node: Node | None, title: str, prefix: str, problems: list[Problem]
) -> tuple[Attr, ...]:
    """Action/NotAction strings as Attrs; an unresolved element is an Attr with None."""
    if node is None:
        return ()
    if node.is_list and not node.value:
        problems.append((node.location, f"{prefix}the {title} list is empty"))
    actions: list[Attr] = []
    for item in node.elements():
        if not item.known:
            actions.append(Attr(None, item.location, item.source))
        elif isinstance(item.value, str):
            actions.append(Attr(item.value, item.location, item.value))
        else:
            problems.append(
                (
                    item.location,
                    f"{prefix}{title} must be a string or a list of strings, not {_kind(item)}",
                )
            )
    return tuple(actions)


# --------------------------------------------------------------------------- conditions


def _conditions(
    node: Node | None, prefix: str, problems: list[Problem]
) -> tuple[tuple[Condition, ...], bool]:
    """``{operator: {key: value-or-list}}`` -> one Condition per (operator, key)."""
    if node is None:
        return (), False
    if not node.known:
        return (), True
    if not node.is_map:
        problems.append((node.location, f"{prefix}Condition must be an object, not {_kind(node)}"))
        return (), False
    _report_duplicates(node, prefix, problems)
    conditions: list[Condition] = []
    unknown = False
    for operator, block in node.items():
        if not block.known:
            unknown = True
            continue
        if not block.is_map:
            problems.append(
                (
                    block.location,
                    f"{prefix}condition operator {operator!r} must "
                    f"map condition keys to values, not {_kind(block)}",
                )
            )
            continue
        _report_duplicates(block, prefix, problems)
        for key, values in block.items():
            conditions.append(_condition(operator, key, values, prefix, problems))
    return tuple(conditions), unknown


def _condition(
    operator: str, key: str, values: Node, prefix: str, problems: list[Problem]
) -> Condition:
    """One (operator, key) with its values stringified the way IAM compares them."""
    if values.is_list and not values.value:
        problems.append((values.location, f"{prefix}condition {operator} {key!r} has no values"))
    texts: list[str | None] = []
    for item in values.elements():
        if not item.known:
            texts.append(None)
        elif item.value is None or item.is_map or item.is_list:
            problems.append(
                (
                    item.location,
                    f"{prefix}condition {operator} {key!r}: a value "
                    f"must be a string, number or boolean, not {_kind(item)}",
                )
            )
        else:
            texts.append(_scalar_text(item))
    return Condition(operator, key, tuple(texts), _where(values))


def _report_duplicates(node: Node, prefix: str, problems: list[Problem]) -> None:
    for name in node.duplicate_keys:
        child = node.get(name)
        where = _where(child) if child is not None else node.location
        problems.append((where, f"{prefix}{name!r} is given more than once (the last one wins)"))
