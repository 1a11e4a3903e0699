"""Validate a trust policy against the JSON Schema shipped in ``assume_lint/data``.

The schema (``trust-policy.schema.json``) is the declarative statement of what IAM
accepts in a role trust policy; :mod:`assume_lint.parsers.policy` already reports the
common structural mistakes with tailored messages, and this module adds whatever else
the schema rejects (a Sid with a hyphen, a misspelt condition operator, an action that
is not ``service:Action``...), each at the exact element.

It runs at parse time (rules must be pure functions of the model) from ``build_trust``.
jsonschema is imported lazily, on the first policy only, and the compiled validator is
cached. The located Node tree is converted iteratively (hostile nesting cannot overflow
the stack) with IAM's case rules applied first: element names and principal types are
matched case-insensitively, so they are spelt canonically, and condition operators are
lower-cased. Unresolved values become placeholders and any error under them is dropped
(unknown means silent).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from assume_lint.files.secrets import mask_text
from assume_lint.model.findings import Location
from assume_lint.parsers.located import Node

SCHEMA_FILE = "trust-policy.schema.json"
Path = tuple[str | int, ...]
Problem = tuple[Location, str]

# IAM's policy grammar: the element names and principal types (the policy builder reads
# them case-insensitively, as IAM does; the schema check spells them canonically).
TOP_ELEMENTS = ("Version", "Id", "Statement")
STATEMENT_ELEMENTS = (
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
)
PRINCIPAL_KINDS = {k.lower(): k for k in ("AWS", "Service", "Federated", "CanonicalUser")}

# The canonical spellings of element names (IAM matches them case-insensitively).
_TOP = {n.lower(): n for n in TOP_ELEMENTS}
_EFFECTS = {"allow": "Allow", "deny": "Deny"}
_STATEMENT = {n.lower(): n for n in STATEMENT_ELEMENTS}
_PRINCIPAL = PRINCIPAL_KINDS
_UNKNOWN = object()
# Statement[i].Condition.op.key[j] is the deepest element the schema describes (6);
# anything deeper is a placeholder, which keeps conversion linear on hostile nesting.
MAX_DEPTH = 8


@lru_cache(maxsize=1)
def load_schema() -> dict[str, Any]:
    """The shipped schema as a dict."""
    text = resources.files("assume_lint").joinpath("data", SCHEMA_FILE).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@lru_cache(maxsize=1)
def _validator() -> Any:
    import jsonschema  # lazily: ~90 ms of imports, paid only when a trust policy exists

    return jsonschema.Draft202012Validator(load_schema())


# --------------------------------------------------------------------------- conversion


def _level(path: Path) -> Mapping[str, str] | None:
    """Which canonical names apply to the keys of the mapping at ``path``."""
    if not path:
        return _TOP
    if path[0] != "Statement":
        return None
    rest = path[1:]
    if rest and isinstance(rest[0], int):
        rest = rest[1:]
    if not rest:
        return _STATEMENT
    if len(rest) == 1 and rest[0] in ("Principal", "NotPrincipal"):
        return _PRINCIPAL
    return None


def _key_name(path: Path, name: str) -> str:
    """The spelling the schema expects for key ``name`` of the mapping at ``path``."""
    canonical = _level(path)
    if canonical is not None:
        return canonical.get(name.lower(), name)
    if len(path) >= 2 and path[-1] == "Condition":
        return name.lower()
    return name


def _scalar(node: Node) -> object:
    """A known scalar as the schema sees it; templated strings count as unknown."""
    if not node.known:
        return _UNKNOWN
    if isinstance(node.value, str) and "${" in node.value:
        return _UNKNOWN
    return node.value


def convert(root: Node) -> tuple[Any, dict[Path, Node], set[Path]]:
    """(plain instance, path -> Node, paths of unknown values), built iteratively.

    Values nested deeper than ``MAX_DEPTH`` become unknown placeholders: no schema rule
    reaches that far, and copying ever longer paths would be quadratic.
    """
    index: dict[Path, Node] = {}
    unknown: set[Path] = set()
    holder: dict[str, Any] = {}
    stack: list[tuple[Node, Path, Any, str | int]] = [(root, (), holder, "root")]
    while stack:
        node, path, parent, slot = stack.pop()
        index[path] = node
        if len(path) > MAX_DEPTH:  # deeper than any trust-policy element: not judged
            unknown.add(path)
            parent[slot] = "${too deep}"
        elif node.is_map and node.known:
            mapping: dict[str, Any] = {}
            parent[slot] = mapping
            for name, child in node.items():
                key = _key_name(path, name)
                if key not in mapping:
                    mapping[key] = None
                    stack.append((child, (*path, key), mapping, key))
        elif node.is_list and node.known:
            items: list[Any] = [None] * len(node.value)
            parent[slot] = items
            for position, child in enumerate(node.value):
                stack.append((child, (*path, position), items, position))
        else:
            value = _scalar(node)
            if value is _UNKNOWN:
                unknown.add(path)
                value = "${unknown}"
            elif path[-1:] == ("Effect",) and isinstance(value, str):
                value = _EFFECTS.get(value.lower(), value)  # "allow": AL109's low note
            parent[slot] = value
    return holder.get("root"), index, unknown


# --------------------------------------------------------------------------- fast path


@dataclass(frozen=True)
class _Rules:
    """What the fast path checks, read from the schema itself (so it cannot drift)."""

    top: frozenset[str]
    versions: tuple[str, ...]  # enums: compared by equality (values may be unhashable)
    statement: frozenset[str]  # the elements a trust statement may have
    effects: tuple[str, ...]
    principals: frozenset[str]
    patterns: dict[str, re.Pattern[str]]


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    schema = load_schema()
    defs = schema["$defs"]
    statement = defs["statement"]["properties"]
    principal = defs["principal"]["properties"]
    return _Rules(
        top=frozenset(schema["properties"]),
        versions=tuple(schema["properties"]["Version"]["enum"]),
        statement=frozenset(name for name, rule in statement.items() if "not" not in rule),
        effects=tuple(statement["Effect"]["enum"]),
        principals=frozenset(principal),
        patterns={
            "sid": re.compile(statement["Sid"]["pattern"]),
            "star": re.compile(defs["principal"]["pattern"]),
            "Service": re.compile(principal["Service"]["pattern"]),
            "CanonicalUser": re.compile(principal["CanonicalUser"]["pattern"]),
            "action": re.compile(defs["actions"]["pattern"]),
            "operator": re.compile(defs["condition"]["propertyNames"]["pattern"]),
        },
    )


def _wild(value: object) -> bool:
    """An unknown placeholder: any error at or under it would be dropped anyway."""
    return isinstance(value, str) and "${" in value


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _matches(pattern: re.Pattern[str], value: object) -> bool:
    return _wild(value) or (isinstance(value, str) and pattern.search(value) is not None)


def _one_or_many(value: object, item: Callable[[object], bool]) -> bool:
    if isinstance(value, list):
        return bool(value) and all(item(v) for v in value)
    return item(value)


def _principal(value: object) -> bool:
    rules = _rules()
    patterns = rules.patterns
    if isinstance(value, str):
        return _matches(patterns["star"], value)
    if not isinstance(value, dict) or not value:
        return False
    for kind, ids in value.items():
        if kind not in rules.principals:
            return False
        pattern = patterns.get(kind)

        def check(item: object, pattern: re.Pattern[str] | None = pattern) -> bool:
            if _number(item):
                return True
            return isinstance(item, str) if pattern is None else _matches(pattern, item)

        if not _wild(ids) and not _one_or_many(ids, check):
            return False
    return True


def _condition(value: object) -> bool:
    if _wild(value):
        return True
    if not isinstance(value, dict):
        return False
    for operator, keys in value.items():
        if _rules().patterns["operator"].search(operator) is None:
            return False
        if _wild(keys):
            continue
        if not isinstance(keys, dict) or not keys:
            return False
        for item in keys.values():
            if not _one_or_many(item, lambda v: isinstance(v, (str, int, float))):
                return False
    return True


def _statement(value: object) -> bool:
    if _wild(value):
        return True
    rules = _rules()
    if not isinstance(value, dict) or not value.keys() <= rules.statement:
        return False
    if ("Principal" in value) == ("NotPrincipal" in value):
        return False
    if ("Action" in value) == ("NotAction" in value):
        return False
    effect = value.get("Effect")
    if effect not in rules.effects and not _wild(effect):
        return False
    if "Sid" in value and not _matches(rules.patterns["sid"], value["Sid"]):
        return False
    actions = value.get("Action", value.get("NotAction"))
    if not _wild(actions) and not _one_or_many(
        actions, lambda v: _matches(rules.patterns["action"], v)
    ):
        return False
    return _principal(value.get("Principal", value.get("NotPrincipal"))) and (
        "Condition" not in value or _condition(value["Condition"])
    )


def plainly_valid(instance: object) -> bool:
    """True only when the schema certainly accepts ``instance`` (the usual case), so that
    jsonschema (90 ms to import, 0.3 ms a policy) runs only on policies with a problem.

    It follows the schema rule by rule, with the schema's own patterns; False means
    "ask jsonschema", never "invalid". A differential test holds it to jsonschema.
    """
    rules = _rules()
    if not isinstance(instance, dict) or not instance.keys() <= rules.top:
        return False
    version = instance.get("Version")
    if "Version" in instance and version not in rules.versions and not _wild(version):
        return False
    if "Id" in instance and not isinstance(instance["Id"], str):
        return False
    if "Statement" not in instance:
        return False
    statements = instance["Statement"]
    if _wild(statements) or isinstance(statements, dict):
        return _statement(statements)
    return isinstance(statements, list) and all(_statement(s) for s in statements)


# --------------------------------------------------------------------------- errors


def _describe(path: Path) -> str:
    """``("Statement", 0, "Principal")`` -> ``Statement[0].Principal``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "the policy"


def _kind(value: object) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return "null" if value is None else "a string"


def _child_key(node: Node | None, wanted: str, path: Path) -> Node | None:
    """The child of ``node`` whose key normalises to ``wanted``."""
    if node is None:
        return None
    for name, child in node.items():
        if _key_name(path, name) == wanted:
            return child
    return None


def _where(node: Node | None) -> Location | None:
    if node is None:
        return None
    return node.key_location or node.location


def _message(error: Any, path: Path) -> str:
    """A sentence for one jsonschema error (``x-message`` in the schema wins)."""
    schema = error.schema if isinstance(error.schema, dict) else {}
    where = _describe(path)
    validator = error.validator
    if validator == "type" and "x-message-type" in schema:
        return f"{where}: {schema['x-message-type']}, not {_kind(error.instance)}"
    if "x-message" in schema and validator not in ("type", "minItems", "required"):
        shown = error.instance if isinstance(error.instance, str) else _kind(error.instance)
        return f"{where}: {schema['x-message']} (got {shown!r})"
    if validator == "type":
        expected = error.validator_value
        names = " or ".join(expected) if isinstance(expected, list) else str(expected)
        return f"{where} must be {names}, not {_kind(error.instance)}"
    if validator == "enum":
        allowed = ", ".join(repr(v) for v in error.validator_value)
        return f"{where} is {error.instance!r}; expected one of {allowed}"
    if validator in ("minItems", "minProperties"):
        return f"{where} is empty"
    return f"{where}: {error.message}"


def _located(error: Any, index: Mapping[Path, Node]) -> Iterator[tuple[Path, Location, str]]:
    """Where one error belongs; ``additionalProperties``/``required``/``propertyNames``
    point at the offending key rather than the whole object."""
    path: Path = tuple(error.absolute_path)
    node = index.get(path)
    if node is None:
        return
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set((error.schema or {}).get("properties", {}))
        for name in error.instance:
            if name not in allowed and "${" not in name:  # an unfilled template variable
                child = _child_key(node, name, path)
                where = _where(child) or node.location
                yield (*path, name), where, f"{_describe(path)}: unknown element {name!r}"
        return
    if error.validator == "required" and isinstance(error.instance, dict):
        for name in error.validator_value:
            if name not in error.instance:
                yield path, node.location, f"{_describe(path)} has no {name}"
        return
    if error.validator == "not" and isinstance(error.validator_value, dict):
        both = error.validator_value.get("required")
        if both:  # "cannot have both A and B": point at the second one
            child = _child_key(node, str(both[-1]), path)
            message = str((error.schema or {}).get("x-message", error.message))
            yield path, _where(child) or node.location, f"{_describe(path)}: {message}"
            return
    if error.validator == "pattern" and node.is_map and isinstance(error.instance, str):
        child = _child_key(node, str(error.instance), path)
        original = next((k for k, v in node.items() if v is child), str(error.instance))
        where = _where(child) or node.location
        yield path, where, f"{_describe(path)}: unknown condition operator {original!r}"
        return
    yield path, node.location, _message(error, path)


def _under_unknown(path: Path, unknown: Iterable[Path]) -> bool:
    return any(path[: len(u)] == u for u in unknown)


def schema_problems(root: Node, already: Iterable[Location] = ()) -> list[Problem]:
    """Schema violations of a trust policy Node, located; never raises.

    ``already`` holds the locations the hand-written checks reported: an error at one of
    them is the same mistake and is not repeated.
    """
    if not root.known or not root.is_map:
        return []
    reported = set(already)
    try:
        instance, index, unknown = convert(root)
        if plainly_valid(instance):
            return []
        errors = list(_validator().iter_errors(instance))
    except RecursionError:
        return [(root.location, "the trust policy is nested too deeply to validate")]
    problems: list[Problem] = []
    for error in sorted(errors, key=lambda e: [str(p) for p in e.absolute_path]):
        for path, where, message in _located(error, index):
            if _under_unknown(path, unknown) or _under_unknown(tuple(error.absolute_path), unknown):
                continue
            node = index.get(path)
            same = {where}
            if node is not None:
                same |= {node.location} | ({node.key_location} if node.key_location else set())
            if reported & same:
                continue
            reported.add(where)
            problems.append((where, mask_text(message)))
    _release(errors)
    return problems


def _release(errors: Iterable[Any]) -> None:
    """Break jsonschema's error <-> sub-error links, so the errors are freed at once
    instead of waiting for the cyclic garbage collector (which the CLI runs rarely)."""
    stack = list(errors)
    while stack:
        error = stack.pop()
        stack.extend(error.context)
        if isinstance(error.context, list):
            error.context.clear()
        error.parent = None
