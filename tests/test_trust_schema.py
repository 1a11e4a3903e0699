"""The shipped trust-policy JSON Schema, applied at parse time with exact locations."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from assume_lint.findings import Location
from assume_lint.parsers.jsonloc import parse_json
from assume_lint.parsers.located import Node
from assume_lint.parsers.policy import build_trust
from assume_lint.parsers.trust_json import parse_file
from assume_lint.sources import SourceFile
from assume_lint.trust_schema import convert, load_schema, schema_problems

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


def test_missing_version_is_reported_once() -> None:
    problems = build_trust(_doc('{"Statement": [' + GOOD + "]}")).problems
    assert [m for _, m in problems] == [
        'the trust policy has no Version: add "Version": "2012-10-17"'
    ]


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
