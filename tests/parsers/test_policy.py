"""The trust-policy builder: exact Statements, Principals, Conditions and problems."""

from __future__ import annotations

from assume_lint.model import Attr, Condition, Principal
from assume_lint.model.findings import Location
from assume_lint.parsers.jsonloc import parse_json
from assume_lint.parsers.located import Node
from assume_lint.parsers.policy import TrustDoc, build_trust

REL = "trust.json"


def L(line: int, col: int, end_line: int | None = None, end_col: int | None = None) -> Location:  # noqa: N802
    return Location(REL, line, col, end_line, end_col)


def _build(text: str) -> TrustDoc:
    return build_trust(parse_json(text, REL))


def _problems(doc: TrustDoc) -> list[tuple[int, int, str]]:
    return [(where.line, where.column, message) for where, message in doc.problems]


def _policy(*statements: str) -> str:
    body = ",\n".join(statements)
    return '{\n"Version": "2012-10-17",\n"Statement": [\n' + body + "\n]\n}"


# --------------------------------------------------------------------------- principals


def test_bare_star_principal() -> None:
    doc = _build(_policy('{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}'))
    (statement,) = doc.statements
    assert statement.principals == (Principal("*", "*", L(4, 34, 4, 37)),)
    assert statement.location == L(4, 1, 4, 66)
    assert statement.actions == (Attr("sts:AssumeRole", L(4, 49, 4, 65), "sts:AssumeRole"),)
    assert statement.effect == "Allow"
    assert (statement.index, statement.sid, statement.not_principal) == (0, None, False)
    assert doc.problems == ()
    assert doc.version == Attr("2012-10-17", L(2, 12, 2, 24), "2012-10-17")
    assert doc.has_version and doc.known


def test_aws_star_scalar_and_in_a_list() -> None:
    doc = _build(
        _policy(
            '{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}',
            '{"Effect": "Allow",\n "Principal": {"AWS": ["arn:aws:iam::111122223333:root", "*"]},'
            '\n "Action": ["sts:AssumeRole", "sts:TagSession"]}',
        )
    )
    first, second = doc.statements
    assert first.principals == (Principal("AWS", "*", L(4, 42, 4, 45)),)
    assert second.principals == (
        Principal("AWS", "arn:aws:iam::111122223333:root", L(6, 24, 6, 56)),
        Principal("AWS", "*", L(6, 58, 6, 61)),
    )
    assert [a.value for a in second.actions] == ["sts:AssumeRole", "sts:TagSession"]
    assert [a.location.line for a in second.actions] == [7, 7]
    assert second.index == 1
    assert second.location == L(5, 1, 7, 49)


def test_service_federated_canonical_user_principals() -> None:
    doc = _build(
        _policy(
            '{"Effect": "Allow", "Principal": {\n'
            ' "Service": ["ec2.amazonaws.com", "lambda.amazonaws.com"],\n'
            ' "Federated": "arn:aws:iam::111122223333:oidc-provider/'
            'token.actions.githubusercontent.com",\n'
            ' "CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"\n'
            '}, "Action": "sts:AssumeRole"}'
        )
    )
    (statement,) = doc.statements
    assert [
        (p.kind, p.value, p.location.line, p.location.column) for p in statement.principals
    ] == [
        ("Service", "ec2.amazonaws.com", 5, 14),
        ("Service", "lambda.amazonaws.com", 5, 35),
        (
            "Federated",
            "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com",
            6,
            15,
        ),
        (
            "CanonicalUser",
            "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be",
            7,
            19,
        ),
    ]
    assert doc.problems == ()


def test_not_principal_and_not_action() -> None:
    doc = _build(
        _policy(
            '{"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:user/bob"},'
            ' "NotAction": "s3:*"}'
        )
    )
    (statement,) = doc.statements
    assert statement.not_principal and statement.not_action
    assert statement.has_principal and statement.has_action
    assert statement.principals == (
        Principal("AWS", "arn:aws:iam::111122223333:user/bob", L(4, 45, 4, 81)),
    )
    assert statement.actions == (Attr("s3:*", L(4, 97, 4, 103), "s3:*"),)
    assert doc.problems == ()


def test_element_names_are_case_insensitive_and_statement_may_be_an_object() -> None:
    doc = _build(
        '{"version": "2012-10-17", "statement": {"sid": "One", "effect": "Allow",'
        ' "principal": {"aws": "123456789012"}, "action": "sts:AssumeRole"}}'
    )
    (statement,) = doc.statements
    assert statement.sid == "One" and statement.label == "One"
    assert statement.principals == (Principal("AWS", "123456789012", L(1, 95, 1, 109)),)
    assert doc.problems == ()


def test_numeric_account_principal_is_stringified_as_written() -> None:
    doc = _build(
        _policy(
            '{"Effect": "Allow", "Principal": {"AWS": 123456789012}, "Action": "sts:AssumeRole"}'
        )
    )
    assert doc.statements[0].principals == (Principal("AWS", "123456789012", L(4, 42, 4, 54)),)


def test_principal_problems() -> None:
    doc = _build(
        _policy(
            '{"Effect": "Allow", "Principal": "arn:aws:iam::111122223333:root",'
            ' "Action": "sts:AssumeRole"}',
            '{"Effect": "Allow", "Principal": ["*"], "Action": "sts:AssumeRole"}',
            '{"Effect": "Allow", "Principal": {"Aws": [], "User": "x", "Service": [1.5, null]},'
            ' "Action": "sts:AssumeRole"}',
            '{"Effect": "Allow", "Principal": {}, "NotPrincipal": {"AWS": "*"},'
            ' "Action": "sts:AssumeRole"}',
        )
    )
    assert _problems(doc) == [
        (
            4,
            34,
            'statement #0: Principal must be "*" or an object such as '
            '{"AWS": "arn:aws:iam::111122223333:root"}, not a plain string',
        ),
        (5, 34, 'statement #1: Principal must be "*" or an object, not a list'),
        (6, 42, "statement #2: the AWS principal list is empty"),
        (
            6,
            46,
            "statement #2: unknown principal type 'User' (expected AWS, Service, "
            "Federated or CanonicalUser)",
        ),
        (6, 76, "statement #2: a Service principal must be a string, not null"),
        (7, 38, "statement #3: a statement cannot have both Principal and NotPrincipal"),
        (7, 34, "statement #3: the Principal object is empty"),
    ]
    third = doc.statements[2]
    assert third.principals == (Principal("Service", "1.5", L(6, 71, 6, 74)),)
    assert doc.statements[3].not_principal is False


# --------------------------------------------------------------------------- conditions


def test_multiple_conditions_one_per_operator_and_key() -> None:
    doc = _build(
        _policy(
            '{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},\n'
            ' "Action": "sts:AssumeRole",\n'
            ' "Condition": {\n'
            '   "StringEquals": {"sts:ExternalId": "abc-123",'
            ' "aws:PrincipalOrgID": ["o-1", "o-2"]},\n'
            '   "Bool": {"aws:MultiFactorAuthPresent": true},\n'
            '   "NumericLessThan": {"aws:MultiFactorAuthAge": 3600}\n'
            " }}"
        )
    )
    (statement,) = doc.statements
    assert statement.conditions == (
        Condition("StringEquals", "sts:ExternalId", ("abc-123",), L(7, 21, 7, 37)),
        Condition("StringEquals", "aws:PrincipalOrgID", ("o-1", "o-2"), L(7, 50, 7, 70)),
        Condition("Bool", "aws:MultiFactorAuthPresent", ("true",), L(8, 13, 8, 41)),
        Condition("NumericLessThan", "aws:MultiFactorAuthAge", ("3600",), L(9, 24, 9, 48)),
    )
    assert not statement.unknown_conditions
    assert doc.problems == ()


def test_condition_values_stringified_like_iam() -> None:
    doc = _build(
        _policy(
            '{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole", "Condition":'
            ' {"Bool": {"k": [false, "TRUE"]}, "NumericEquals": {"n": [1.50, -0, 1e3]}}}'
        )
    )
    assert [c.values for c in doc.statements[0].conditions] == [
        ("false", "TRUE"),
        ("1.50", "-0", "1e3"),
    ]


def test_condition_problems() -> None:
    doc = _build(
        _policy(
            '{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole",\n'
            ' "Condition": {"StringEquals": "x",'
            ' "StringLike": {"a": [], "b": [null, {"c": 1}, "ok"]}}}',
            '{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole", "Condition": []}',
        )
    )
    assert _problems(doc) == [
        (
            5,
            32,
            "statement #0: condition operator 'StringEquals' must map condition keys to "
            "values, not a string",
        ),
        (5, 57, "statement #0: condition StringLike 'a' has no values"),
        (
            5,
            67,
            "statement #0: condition StringLike 'b': a value must be a string, number or "
            "boolean, not null",
        ),
        (
            5,
            73,
            "statement #0: condition StringLike 'b': a value must be a string, number or "
            "boolean, not an object",
        ),
        (6, 80, "statement #1: Condition must be an object, not a list"),
    ]
    assert doc.statements[0].conditions == (
        Condition("StringLike", "a", (), L(5, 52, 5, 55)),
        Condition("StringLike", "b", ("ok",), L(5, 61, 5, 64)),
    )


# --------------------------------------------------------------------------- structure


def test_version_missing() -> None:
    doc = _build('{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}}')
    assert (doc.version, doc.has_version) == (None, False)
    assert _problems(doc) == []  # IAM accepts it (2008-10-17 applies): AL110 notes it


def test_version_2008_is_accepted() -> None:
    doc = _build('{"Version": "2008-10-17", "Statement": []}')
    assert doc.problems == () and doc.statements == ()
    assert doc.version == Attr("2008-10-17", L(1, 13, 1, 25), "2008-10-17")


def test_version_unknown_value_or_type() -> None:
    assert _problems(_build('{"Version": "2012-10-18", "Statement": []}')) == [
        (1, 13, "unknown policy Version '2012-10-18': use \"2012-10-17\"")
    ]
    assert _problems(_build('{"Version": 2012, "Statement": []}')) == [
        (1, 13, "unknown policy Version '2012': use \"2012-10-17\"")
    ]
    doc = _build('{"Version": ["2012-10-17"], "Statement": []}')
    assert _problems(doc) == [(1, 13, 'unknown policy Version a list: use "2012-10-17"')]
    assert doc.version == Attr(None, L(1, 13, 1, 27), "")


def test_missing_statement_elements_and_resource() -> None:
    doc = _build(
        _policy(
            '{"Sid": "Bad", "Resource": "*"}',
            '{"Effect": "allow", "Principal": "*", "Action": ["sts:AssumeRole", 5], "Foo": 1,'
            ' "action": "x"}',
        )
    )
    first, second = doc.statements
    assert (first.has_principal, first.has_action, first.has_resource) == (False, False, True)
    assert (first.effect, first.principals, first.actions) == (None, (), ())
    assert second.effect == "allow"
    assert _problems(doc) == [
        (4, 1, "statement Bad: the statement has no Effect"),
        (4, 1, "statement Bad: the statement has no Principal"),
        (4, 1, "statement Bad: the statement has no Action"),
        (
            4,
            16,
            "statement Bad: a trust policy must not have a Resource element "
            "(the role itself is the resource)",
        ),
        (
            5,
            72,
            "statement #1: unknown statement element 'Foo' (expected Sid, Effect, "
            "Principal, NotPrincipal, Action, NotAction, Resource, NotResource, Condition)",
        ),
        (5, 82, "statement #1: 'Action' is given more than once"),
        (5, 68, "statement #1: Action must be a string or a list of strings, not a number"),
        # "allow" is no structure error: IAM accepts it (AL109 notes the case, at low)
    ]
    doc = _build(_policy('{"Effect": "Permit", "Principal": "*", "Action": "sts:AssumeRole"}'))
    assert _problems(doc)[0][2] == 'statement #0: Effect must be "Allow" or "Deny", not \'Permit\''


def test_duplicate_keys_and_unknown_top_element() -> None:
    doc = _build(
        '{"Version": "2012-10-17", "Id": "x", "Extra": 1, "Statement": [\n'
        '{"Effect": "Deny", "Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}]}'
    )
    assert doc.statements[0].effect == "Allow"
    assert _problems(doc) == [
        (1, 38, "unknown policy element 'Extra' (expected Version, Id, Statement)"),
        (2, 20, "statement #0: 'Effect' is given more than once (the last one wins)"),
    ]


def test_statement_of_wrong_types() -> None:
    assert _problems(_build('{"Version": "2012-10-17", "Statement": "x"}')) == [
        (1, 40, "Statement must be an object or a list of objects, not a string")
    ]
    doc = _build('{"Version": "2012-10-17", "Statement": [1, {"Effect": "Allow"}]}')
    assert _problems(doc)[0] == (1, 41, "statement #0 must be an object, not a number")
    assert [s.index for s in doc.statements] == [1]
    assert _problems(_build('{"Version": "2012-10-17"}')) == [
        (1, 1, "the trust policy has no Statement")
    ]
    assert _problems(_build("[]")) == [(1, 1, "a trust policy must be an object, not a list")]


# --------------------------------------------------------------------------- unknowns


def _unknown(source: str, line: int = 1) -> Node:
    return Node(None, Location("main.tf", line, 5), known=False, source=source)


def _node(value: object, line: int = 1) -> Node:
    return Node(value, Location("main.tf", line, 3))


def test_unknown_document_and_statement() -> None:
    assert build_trust(_unknown("var.policy")) == TrustDoc(known=False)
    doc = build_trust(_node({"Version": _node("2012-10-17"), "Statement": _unknown("local.s")}))
    assert (doc.known, doc.statements, doc.problems) == (False, (), ())


def test_unknown_statement_principal_and_condition_elements() -> None:
    statement = _node(
        {
            "Effect": _node("Allow", 2),
            "Principal": _node(
                {"AWS": _node([_node("arn:aws:iam::1:root", 3), _unknown("var.x", 4)])}
            ),
            "Action": _unknown("var.actions", 5),
            "Condition": _node(
                {"StringEquals": _unknown("var.c", 6), "Bool": _node({"k": _unknown("v", 7)})}
            ),
        }
    )
    doc = build_trust(
        _node({"Version": _node("2012-10-17"), "Statement": _node([statement, _unknown("s")])})
    )
    (built,) = doc.statements
    assert built.principals == (
        Principal("AWS", "arn:aws:iam::1:root", Location("main.tf", 3, 3)),
        Principal("AWS", None, Location("main.tf", 4, 5)),
    )
    assert built.unknown_principals and built.unknown_conditions
    assert built.actions == (Attr(None, Location("main.tf", 5, 5), "var.actions"),)
    assert built.conditions == (Condition("Bool", "k", (None,), Location("main.tf", 7, 5)),)
    assert doc.unknown_statements and doc.known and doc.problems == ()


def test_unknown_principal_block_and_effect() -> None:
    statement = _node(
        {
            "Effect": _unknown("var.e"),
            "Principal": _unknown("var.p"),
            "Action": _node("sts:AssumeRole"),
        }
    )
    doc = build_trust(_node({"Version": _unknown("var.v"), "Statement": statement}))
    (built,) = doc.statements
    assert (built.effect, built.principals, built.unknown_principals) == (None, (), True)
    assert built.has_principal
    assert doc.version == Attr(None, Location("main.tf", 1, 5), "var.v")
    assert doc.problems == ()


def test_principal_type_from_an_unfilled_template_variable_is_unknown() -> None:
    """A ``templatefile`` trust whose principal type is a variable (AFT's
    ``"${trusted_entity_type}": [...]``) is unknown, not a structure error."""
    doc = _build(
        _policy('{"Effect": "Allow", "Action": "sts:AssumeRole",'
                ' "Principal": {"${trusted_entity_type}": ["${trusted_entity}"]}}')
    )
    (statement,) = doc.statements
    assert (statement.principals, statement.unknown_principals) == ((), True)
    assert _problems(doc) == []
