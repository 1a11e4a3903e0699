"""The shipped trust-policy JSON Schema, applied at parse time with exact locations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from assume_lint.files.sources import SourceFile
from assume_lint.model.findings import Location
from assume_lint.parsers.jsonloc import parse_json
from assume_lint.parsers.located import Node
from assume_lint.parsers.policy import build_trust
from assume_lint.parsers.trust_json import parse_file
from assume_lint.parsers.trust_schema import convert, load_schema, schema_problems

REL = "p.json"


def _doc(text: str) -> Node:
    return parse_json(text, REL)


def _problems(text: str) -> list[tuple[int, int, str]]:
    return [(w.line, w.column, m) for w, m in schema_problems(_doc(text))]


def _policy(*statements: str) -> str:
    body = ",\n".join(statements)
    return '{"Version": "2012-10-17",\n "Statement": [\n' + body + "\n]}"


GOOD = (
    '{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}'
)


def test_schema_is_a_valid_draft_2020_12_schema_shipped_as_package_data() -> None:
    schema = load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    shipped = Path(__file__).resolve().parents[1] / "lint" / "data" / "trust-policy.schema.json"
    assert json.loads(shipped.read_text("utf-8")) == schema


def test_a_good_policy_has_no_problems() -> None:
    assert _problems(_policy(GOOD)) == []


def test_element_names_are_case_insensitive_like_iam() -> None:
    text = '{"version": "2012-10-17", "statement": {"effect": "Allow", "principal": {"aws": "1"},'
    text += ' "action": "sts:AssumeRole", "condition": {"stringequals": {"sts:ExternalId": "x"}}}}'
    assert _problems(text) == []


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        (
            '{"Sid": "my-sid", "Effect": "Allow", "Principal": {"AWS": "1"},'
            ' "Action": "sts:AssumeRole"}',
            [
                (
                    3,
                    9,
                    "Statement[0].Sid: a Sid may contain only ASCII letters and digits "
                    "(got 'my-sid')",
                )
            ],
        ),
        (
            '{"Effect": "Allow", "Principal": {"AWS": "1"}, "Action": "sts:AssumeRole",'
            ' "Condition": {"StringEqual": {"sts:ExternalId": "x"}}}',
            [(3, 90, "Statement[0].Condition: unknown condition operator 'StringEqual'")],
        ),
        (
            '{"Effect": "Allow", "Principal": {"AWS": "1"}, "Action": "AssumeRole"}',
            [
                (
                    3,
                    58,
                    'Statement[0].Action: an action must be "*" or "service:Action" '
                    "(e.g. \"sts:AssumeRole\") (got 'AssumeRole')",
                )
            ],
        ),
        (
            '{"Effect": "Allow", "Principal": {"Service": "ec2"}, "Action": "sts:AssumeRole"}',
            [
                (
                    3,
                    46,
                    "Statement[0].Principal.Service: a Service principal must be a service name "
                    "such as \"ec2.amazonaws.com\" (got 'ec2')",
                )
            ],
        ),
        (
            '{"Effect": "Allow", "Principal": {"AWS": "1"}, "Action": "sts:AssumeRole",'
            ' "Condition": {"StringEquals": {}}}',
            [(3, 106, "Statement[0].Condition.stringequals is empty")],
        ),
    ],
)
def test_schema_only_errors_are_located(
    statement: str, expected: list[tuple[int, int, str]]
) -> None:
    assert _problems(_policy(statement)) == expected


def test_build_trust_adds_schema_problems_once() -> None:
    text = _policy(
        '{"Sid": "a b", "Effect": "Allow", "Principal": {"AWS": "1"}, "Action": "sts:AssumeRole",'
        ' "Resource": "*"}'
    )
    problems = [(w.line, w.column, m) for w, m in build_trust(_doc(text)).problems]
    # Resource: the hand-written message only (same place); the Sid: from the schema.
    assert [p[:2] for p in problems] == [(3, 90), (3, 9)]
    assert "Resource" in problems[0][2] and "Sid" in problems[1][2]


def test_missing_version_is_no_structure_problem() -> None:
    """IAM accepts a policy without Version (2008-10-17 applies): AL110's business."""
    doc = build_trust(_doc('{"Statement": [' + GOOD + "]}"))
    assert doc.problems == ()
    assert doc.has_version is False


def test_unknown_values_are_silent() -> None:
    node = _doc(_policy('{"Effect": "Allow", "Principal": {"Service": "x"}, "Action": "y"}'))
    stmt = node.get("Statement").value[0]  # type: ignore[union-attr]
    stmt.value["Principal"].value["Service"] = Node(
        None, Location(REL, 3, 46), known=False, source="var.s"
    )
    stmt.value["Action"] = Node("${var.action}", Location(REL, 3, 60))
    assert schema_problems(node) == []


def test_conversion_is_iterative_on_deep_nesting() -> None:
    depth = 50_000
    leaf = Node("x", Location(REL))
    for _ in range(depth):
        leaf = Node([leaf], Location(REL))
    root = Node({"Version": Node("2012-10-17", Location(REL)), "Id": leaf}, Location(REL))
    instance, index, unknown = convert(root)
    assert len(index) == 2 + 8 + 1 and len(unknown) == 1  # cut below MAX_DEPTH
    problems = schema_problems(root)
    assert problems and problems[0][0] == Location(REL)


def test_non_objects_and_unknown_roots_are_left_to_the_builder() -> None:
    assert schema_problems(Node(None, Location(REL), known=False)) == []
    assert schema_problems(Node([1], Location(REL))) == []


def test_parser_end_to_end_structure_errors_include_schema() -> None:
    text = _policy(
        '{"Sid": "x_1", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"},'
        ' "Action": "sts:AssumeRole"}'
    )
    (role,) = parse_file(SourceFile(Path(REL), REL, text)).roles
    assert [(w.line, w.column) for w, _ in role.structure_errors] == [(3, 9)]


# --- the fast path: plainly_valid never accepts what the schema rejects ----------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from assume_lint.parsers.trust_schema import _validator, plainly_valid  # noqa: E402

_SCALARS = st.sampled_from([
    "*", "sts:AssumeRole", "sts:*", "s3:Get*", "bad action", "ec2.amazonaws.com",
    "EC2.amazonaws.com", "arn:aws:iam::111122223333:root", "${var.x}", "Allow", "Deny",
    "allow", "2012-10-17", "2008-10-17", "2012-10-18", "Sid1", "sid-1", "", "a" * 64,
    "0" * 64, "sts:AssumeRole\n", 7, 1.5, True, False, None,
])
_JSON = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=3)
                     | st.dictionaries(st.sampled_from(["AWS", "Service", "x", "stringequals"]),
                                       inner, max_size=2), max_leaves=6)


def _principal() -> st.SearchStrategy[object]:
    ids = st.one_of(_SCALARS, st.lists(_SCALARS, max_size=3))
    kinds = st.sampled_from(["AWS", "Service", "Federated", "CanonicalUser", "Other"])
    return st.one_of(_SCALARS, st.dictionaries(kinds, ids, max_size=3), _JSON)


def _condition() -> st.SearchStrategy[object]:
    operators = st.sampled_from(["stringequals", "stringlikeifexists", "bool", "null",
                                 "forallvalues:stringlike", "StringEquals", "bogus"])
    values = st.one_of(_SCALARS, st.lists(_SCALARS, max_size=2), _JSON)
    inner = st.dictionaries(st.sampled_from(["aws:x", "sts:ExternalId"]), values, max_size=2)
    return st.one_of(st.dictionaries(operators, st.one_of(inner, _SCALARS), max_size=2), _JSON)


_STATEMENT = st.fixed_dictionaries({}, optional={
    "Sid": _SCALARS, "Effect": _SCALARS, "Principal": _principal(),
    "NotPrincipal": _principal(), "Action": st.one_of(_SCALARS, st.lists(_SCALARS, max_size=3)),
    "NotAction": _SCALARS, "Condition": _condition(), "Resource": _SCALARS, "Other": _SCALARS,
})
_POLICY = st.fixed_dictionaries({}, optional={
    "Version": _SCALARS, "Id": _SCALARS, "Other": _SCALARS,
    "Statement": st.one_of(_STATEMENT, st.lists(_STATEMENT, max_size=3), _SCALARS),
})


_GOOD_ACTIONS = st.sampled_from(["sts:AssumeRole", "sts:*", "*", "sts:Tag?ession", "${a}"])
_GOOD_IDS = st.sampled_from(["arn:aws:iam::111122223333:root", "*", "${var.x}", 123456789012])
_GOOD_SERVICES = st.sampled_from(["ec2.amazonaws.com", "states.cn-north-1.amazonaws.com.cn",
                                  "*", "${s}", 5])


def _some(items: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    return st.one_of(items, st.lists(items, min_size=1, max_size=3))


_GOOD_PRINCIPAL = st.one_of(st.just("*"), st.dictionaries(
    st.sampled_from(["AWS", "Federated"]), _some(_GOOD_IDS), min_size=1, max_size=2),
    st.fixed_dictionaries({"Service": _some(_GOOD_SERVICES)}),
    st.fixed_dictionaries({"CanonicalUser": st.just("0a" * 32)}))
_GOOD_CONDITION = st.dictionaries(
    st.sampled_from(["stringequals", "forallvalues:stringlike", "boolifexists", "null"]),
    st.dictionaries(st.sampled_from(["aws:x", "sts:ExternalId"]),
                    _some(st.sampled_from(["v", 1, True, 2.5, "${x}"])), min_size=1, max_size=2),
    max_size=2)
_GOOD_STATEMENT = st.fixed_dictionaries(
    {"Effect": st.sampled_from(["Allow", "Deny", "${e}"]), "Action": _some(_GOOD_ACTIONS),
     "Principal": _GOOD_PRINCIPAL},
    optional={"Sid": st.sampled_from(["S1", "", "abc9"]), "Condition": _GOOD_CONDITION})
_GOOD_POLICY = st.fixed_dictionaries(
    {"Version": st.sampled_from(["2012-10-17", "2008-10-17"]),
     "Statement": st.one_of(_GOOD_STATEMENT, st.lists(_GOOD_STATEMENT, max_size=3))},
    optional={"Id": st.just("id")})


def _slots(node: object) -> list[tuple[Any, Any]]:
    """Every (container, key) of a policy, to pick one to break."""
    found: list[tuple[Any, Any]] = []
    stack = [node]
    while stack:
        current = stack.pop()
        pairs = (current.items() if isinstance(current, dict)
                 else enumerate(current) if isinstance(current, list) else ())
        for key, value in pairs:
            found.append((current, key))
            stack.append(value)
    return found


@st.composite
def _near_valid(draw: st.DrawFn) -> dict[str, object]:
    """A valid policy, half the time with one element swapped, dropped or renamed."""
    import copy

    policy = copy.deepcopy(draw(_GOOD_POLICY))
    if draw(st.booleans()):
        if isinstance(policy["Statement"], dict):
            policy["Statement"]["Principal" if draw(st.booleans()) else "Action"] = "x"
        slots = _slots(policy)
        container, key = draw(st.sampled_from(slots))
        how = draw(st.sampled_from(["swap", "drop", "rename"]))
        if how == "swap":
            container[key] = draw(st.one_of(_SCALARS, _JSON))
        elif how == "drop" or not isinstance(container, dict):
            del container[key]
        else:
            container[draw(st.sampled_from(["NotPrincipal", "NotAction", "Resource", "aws",
                                            "Condition", "Sid"]))] = container.pop(key)
    return policy


@settings(max_examples=1500, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(_POLICY, _near_valid()))
def test_the_fast_path_accepts_only_what_the_schema_accepts(policy: dict[str, object]) -> None:
    if plainly_valid(policy):
        errors = [e for e in _validator().iter_errors(policy)
                  if not any(isinstance(v, str) and "${" in v for v in _values_at(policy, e))]
        assert errors == [], (policy, [e.message for e in errors])


def _values_at(policy: object, error: object) -> list[object]:
    """The instance values along the error's path (a placeholder there excuses it)."""
    out, node = [], policy
    for step in error.absolute_path:  # type: ignore[attr-defined]
        node = node[step]  # type: ignore[index]
        out.append(node)
    return out


def test_the_fast_path_takes_the_common_policies() -> None:
    github = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
        "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/x"},
        "Condition": {"stringequals": {"x:aud": "sts.amazonaws.com", "x:sub": ["a", "b"]}}}]}
    service = {"Version": "2012-10-17", "Statement": {
        "Sid": "Ec2", "Effect": "Allow", "Principal": {"Service": ["ec2.amazonaws.com"]},
        "Action": ["sts:AssumeRole", "sts:TagSession"]}}
    templated = {"Version": "2012-10-17", "Statement": [{
        "Effect": "${var.effect}", "Principal": {"AWS": "${local.arns}"}, "Action": "*"}]}
    for policy in (github, service, templated):  # plainly valid, and valid indeed
        assert plainly_valid(policy), policy
    for broken in ({**service, "Statement": {**service["Statement"], "Sid": "ec2-role"}},
                   {**github, "Version": "2012-10-18"},
                   {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*"}]}):
        assert not plainly_valid(broken), broken
