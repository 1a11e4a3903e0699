"""HCL loading and evaluation with exact locations (the parser's shipped tables:
tests/test_hcl_tables.py)."""

from __future__ import annotations

from assume_lint.model import ParseProblem
from assume_lint.model.findings import Location
from assume_lint.parsers import hcl
from assume_lint.parsers.hcl import EncodedNode, Evaluator, HclFile, Scope, TemplateNode
from assume_lint.parsers.located import Node

REL = "m/main.tf"


def _parse(text: str) -> HclFile:
    parsed = hcl.parse_hcl(text, REL)
    assert isinstance(parsed, HclFile), parsed
    return parsed


def _eval(text: str, name: str = "x", scope: Scope | None = None) -> Node:
    parsed = _parse(text)
    return Evaluator(parsed, scope or Scope()).attribute(parsed.body.attributes[name])


# --------------------------------------------------------------------------- values


def test_literals_and_locations() -> None:
    text = 'x = {\n  a = 1\n  "b" = [true, null, -2.5]\n  c: "s\\"q\\n"\n}\n'
    node = _eval(text)
    assert node.plain() == {"a": 1, "b": [True, None, -2.5], "c": 's"q\n'}
    assert node.key_location == Location(REL, 1, 1, 1, 2)
    assert node.location.line == 1 and node.location.column == 5
    a = node.get("a")
    assert a is not None and a.key_location is not None
    assert (a.key_location.line, a.key_location.column) == (2, 3)
    assert (a.location.line, a.location.column) == (2, 7)
    b = node.get("b")
    assert b is not None
    positions = [(e.location.line, e.location.column) for e in b.elements()]
    assert positions == [(3, 10), (3, 16), (3, 22)]


def test_interpolation_resolved_and_unknown() -> None:
    scope = Scope(variables={"acct": Node("111111111111", Location("v.tf"))})
    known = _eval('x = "arn:aws:iam::${var.acct}:root"\n', scope=scope)
    assert (known.value, known.known, known.source) == (
        "arn:aws:iam::111111111111:root",
        True,
        '"arn:aws:iam::${var.acct}:root"',
    )
    missing = _eval('x = "arn:aws:iam::${var.nope}:root"\n', scope=scope)
    assert (missing.value, missing.known) == (None, False)
    assert missing.source == '"arn:aws:iam::${var.nope}:root"'
    escaped = _eval('x = "$${var.acct}"\n', scope=scope)
    assert escaped.value == "${var.acct}"


def test_references_and_unknown_expressions() -> None:
    scope = Scope(
        variables={"m": Node({"k": Node(["a", "b"], Location("v"))}, Location("v"))},
        locals={"l": Node("L", Location("v"))},
    )
    text = 'x = var.m.k[1]\ny = local.l\nz = a ? b : c\nw = upper("x")\nv = aws_iam_role.r.arn\n'
    assert _eval(text, "x", scope).value is None  # nodes inside are plain values, not Nodes
    assert _eval(text, "y", scope).value == "L"
    assert _eval(text, "y", scope).source == "local.l"
    for name, source in (("z", "a ? b : c"), ("w", 'upper("x")'), ("v", "aws_iam_role.r.arn")):
        node = _eval(text, name, scope)
        assert (node.known, node.source) == (False, source)


def test_reference_into_nested_nodes() -> None:
    inner = Node([Node("a", Location("v")), Node("b", Location("v"))], Location("v"))
    scope = Scope(variables={"m": Node({"k": inner}, Location("v"))})
    node = _eval('x = var.m.k[1]\ny = var.m["k"][0]\n', "x", scope)
    assert node.value == "b"
    assert _eval('y = var.m["k"][0]\n', "y", scope).value == "a"


def test_jsonencode_is_marked() -> None:
    node = _eval('x = jsonencode({ Version = "2012-10-17" })\n')
    assert isinstance(node, EncodedNode)
    assert node.plain() == {"Version": "2012-10-17"}


def test_unknown_object_key_makes_value_unknown() -> None:
    node = _eval('x = { "${var.p}:sub" = "repo:a/b:*" }\n')
    child = node.get("${var.p}:sub")
    assert child is not None and child.known is False


# --------------------------------------------------------------------------- heredocs

HEREDOC = """resource "x" "y" {
  policy = <<-EOT
    {
      "a": "${var.v}",
      "b": ${var.list}
    }
    EOT
}
"""


def test_heredoc_json_line_mapping_with_unknowns() -> None:
    parsed = _parse(HEREDOC)
    block = parsed.body.blocks[0]
    node = Evaluator(parsed, Scope()).attribute(block.attributes["policy"])
    assert isinstance(node, TemplateNode)
    assert node.known is False and node.heredoc and node.indent == 4 and node.body_line == 3
    doc = hcl.template_json(node, REL)
    assert isinstance(doc, Node)
    assert doc.location == Location(REL, 3, 5, doc.location.end_line, doc.location.end_column)
    a, b = doc.get("a"), doc.get("b")
    assert a is not None and b is not None
    assert (a.known, a.source, a.location.line, a.location.column) == (False, "${var.v}", 4, 12)
    assert a.key_location is not None and (a.key_location.line, a.key_location.column) == (4, 7)
    assert (b.known, b.source, b.location.line) == (False, "${var.list}", 5)


def test_plain_heredoc_keeps_text() -> None:
    node = _eval("x = <<EOF\nline1\n  line2\nEOF\n")
    assert node.value == "line1\n  line2\n"
    assert isinstance(node, TemplateNode) and node.body_line == 2


def test_heredoc_interpolation_resolved() -> None:
    scope = Scope(locals={"a": Node("arn:x", Location("v"))})
    node = _eval('x = <<EOF\n{"p": "${local.a}"}\nEOF\n', scope=scope)
    assert node.value == '{"p": "arn:x"}\n'


# --------------------------------------------------------------------------- errors


def test_unclosed_brace_reported_at_opener() -> None:
    problem = hcl.parse_hcl('a = 1\nprovider "aws" {\n  region = "x"\n', REL)
    assert problem == ParseProblem(
        Location(REL, 2, 16), "invalid HCL: '{' opened here is never closed (end of file reached)"
    )


def test_bad_token_reported_at_its_position() -> None:
    problem = hcl.parse_hcl('a = 1\nb = "x" "y"\n', REL)
    assert isinstance(problem, ParseProblem)
    assert (problem.location.line, problem.location.column) == (2, 9)
    assert problem.message.startswith("invalid HCL: unexpected")


def test_bad_character() -> None:
    problem = hcl.parse_hcl("a = 1\n\nb = ^\n", REL)
    assert isinstance(problem, ParseProblem)
    assert problem.location.line == 3


def test_secret_in_error_is_masked() -> None:
    problem = hcl.parse_hcl('a = "AKIAIOSFODNN7EXAMPLE" "AKIAIOSFODNN7EXAMPLE"\n', REL)
    assert isinstance(problem, ParseProblem)
    assert "AKIAIOSFODNN7EXAMPLE" not in problem.message


def test_deep_nesting_does_not_crash() -> None:
    text = "x = " + "[" * 3000 + "]" * 3000 + "\n"
    parsed = hcl.parse_hcl(text, REL)
    if isinstance(parsed, HclFile):
        node = Evaluator(parsed, Scope()).attribute(parsed.body.attributes["x"])
        assert node.location.line == 1
    else:
        assert parsed.location.path == REL


def test_invalid_embedded_json_located() -> None:
    parsed = hcl.parse_json_text('{\n  "a": 1,\n  ]\n}', REL, line_offset=10)
    assert isinstance(parsed, ParseProblem)
    assert parsed.location.line == 13
