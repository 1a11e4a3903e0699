"""The fast HCL parser agrees with python-hcl2's lark parser wherever it accepts a text.

The property that makes the fast parser safe: it never accepts a text lark rejects (a
syntax error must still become AL900 with lark's message), and where both accept, the
trees agree on everything ``hcl.py`` reads: rule names, the children it indexes, token
types and values, and every position. Checked on every HCL file of samples/ and tests/,
on a generated dense corpus, on hand-written edge cases, and on mutated files.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assume_lint.parsers import hcl, hcl_fast
from assume_lint.parsers.hcl_blocks import keep_relevant

REPO = Path(__file__).resolve().parents[2]
GEN_CORPUS = REPO.parent / "shared" / "bench" / "gen_corpus.py"

NO_META = {"start", "body", "arguments"}  # spans nobody reads
KEYWORDS = {"IN", "FOR", "IF", "FOR_EACH", "ELSE", "ENDIF", "ENDFOR"}
CONTENT = {
    "NAME", "INT_LITERAL", "FLOAT_LITERAL", "STRING_CHARS", "ESCAPED_INTERPOLATION",
    "ESCAPED_DIRECTIVE", "HEREDOC_TEMPLATE", "HEREDOC_TEMPLATE_TRIM", "TRUE", "FALSE", "NULL",
    "MINUS", "NOT", *KEYWORDS,
}  # fmt: skip
# Punctuation the evaluator counts, and in which node.
KEPT_PUNCTUATION = {("expr_term", "LPAR"), ("expr_term", "RPAR"),
                    ("interpolation", "INTERP_START"), ("interpolation", "RBRACE"),
                    ("for_object_expr", "ELLIPSIS"), ("full_splat", "FULL_SPLAT_START"),
                    ("attr_splat", "ATTR_SPLAT"), *((directive, "STRIP_MARKER") for directive in (
                        "template_if_start", "template_else", "template_endif",
                        "template_for_start", "template_endfor"))}


def _span(obj: Any) -> tuple[int, ...]:
    meta = getattr(obj, "meta", obj)
    return (meta.start_pos, meta.end_pos, meta.line, meta.column, meta.end_line, meta.end_column)


def normal(node: Any) -> Any:
    """What the evaluator can observe of a tree (lark's or the fast parser's)."""
    data = str(node.data)
    children: list[Any] = []
    for child in node.children:
        if hasattr(child, "data"):
            if child.data != "new_line_or_comment":
                children.append(normal(child))
        elif data == "binary_operator":  # lark's postlexer glues what precedes it on
            children.append((child.type, str(child).split()[-1], _span(child)))  # the line
        elif child.type in CONTENT or (data, child.type) in KEPT_PUNCTUATION:
            children.append((child.type, str(child), _span(child)))
    return (data, None if data in NO_META else _span(node), children)


def lark_tree(text: str) -> Any | None:
    try:
        return hcl.get_parser().parse(text)
    except Exception:  # noqa: BLE001 - any lark error means "rejected"
        return None


def fast_tree(text: str) -> Any | None:
    try:
        return hcl_fast.parse(text)
    except hcl_fast.Fallback:
        return None


def agree(text: str) -> bool:
    """Assert the property for ``text``; True when the fast parser accepted it."""
    fast = fast_tree(text)
    if fast is None:
        return False
    slow = lark_tree(text)
    assert slow is not None, f"the fast parser accepts what lark rejects: {text[:300]!r}"
    assert normal(fast) == normal(slow), text[:300]
    return True


def _hcl_files() -> list[Path]:
    found = []
    for folder in (REPO / "samples", REPO / "tests"):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in (".tf", ".hcl", ".tfvars"):
                found.append(path)
    return found


def _texts(path: Path) -> list[str]:
    try:
        raw = path.read_text("utf-8")
    except (UnicodeDecodeError, OSError):
        return []
    return sorted({raw + "\n", keep_relevant(raw) + "\n"})


@pytest.mark.parametrize("path", _hcl_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_every_hcl_file_of_the_repository(path: Path) -> None:
    for text in _texts(path):
        agree(text)


def test_most_repository_files_take_the_fast_path() -> None:
    texts = [t for p in _hcl_files() for t in _texts(p)]
    fast = sum(fast_tree(t) is not None for t in texts)
    valid = sum(lark_tree(t) is not None for t in texts)
    assert valid > 40
    assert fast >= valid - 5, (fast, valid)  # only a handful use template directives etc.


@pytest.fixture(scope="module")
def dense_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not GEN_CORPUS.is_file():
        pytest.skip(f"{GEN_CORPUS} is missing (../shared is not beside this checkout)")
    out = tmp_path_factory.mktemp("dense")
    subprocess.run([sys.executable, str(GEN_CORPUS), str(out), "--files", "60", "--per-dir", "20",
                    "--seed", "7"], check=True, stdout=subprocess.DEVNULL)
    return out


def test_the_dense_benchmark_corpus(dense_corpus: Path) -> None:
    files = sorted(dense_corpus.rglob("*.tf"))
    assert len(files) == 60
    texts = [text for path in files for text in _texts(path)]
    assert sum(agree(text) for text in texts) == len(texts)  # whole and prefiltered: fast


SAME = [
    'a = "x${var.y}z"\n', "b = -1\n", "c = var.x[0].y\n", 'd = f(1, "a")\n',
    "e = a ? b : c\n", 'g = { k = 1, "q" : 2 }\n', "h = [1, 2,]\n", "i = x.0\n", "j = (1)\n",
    "k = a + b # hi\nm = true\n", 'blk "l" m {\n}\n', "a = !true\n", "a = b\n  + c\n",
    "x = a\n  ? b\n  : c\n", "a = [\n  1,\n  2\n]\n", 'o = {\n  a = 1\n  b = "x"\n}\n',
    'f = [for a in b : a if a != ""]\n', 'r = { for k, v in var.x : k => "${v}" }\n',
    "g = { for k, v in m : v => k... }\n", "a = (var.x).y\n", "a = 1.5e3\n",
    "h = <<-EOT\n  hi ${var.x}\n  EOT\n", 'a = "$${x}"\n', 'a = "%%{x}"\n', "a = 1 // c\n",
    "a = 1 /* c */\n", "a {b = 1}\n", "a = f(\n  1,\n  2,\n)\n", "a = f(x...)\n",
    "a = x ? y : z ? 1 : 2\n", "a = 1 * 2 + 3 - 4 / 5 % 6 == 7 && true || false\n",
    'a = "x\ny"\n', "a = 1\r\nb = 2\r\n", 'a = "\\"q\\""\n', "a = [for x in y: x]\n",
    'a = b ["k"]\n', "x = 1 y = 2\n", "a = {in = 1, if = 2, for_each = 3}\n", "a=1\n",
    "a = a-b\n", 'resource "a" "b"\n{\n}\n', "a = jsonencode({\n  A = [for s in x : s]\n})\n",
    "a = x.true\n", "a = -x.y\n", "a = {a = 1 b = 2}\n", "a = f (1)\n", "a = b #c\n  + c\n",
    "a = b + c\n\n\n# x\nd = 1\n", "a = {(k) = 1}\n", "a = <<EOF\nEOF\n", "a = x[\n  0\n]\n",
    "n = null\nt = 0.5\n", "a = b.c-d\n", 'backend in "s3" {\n}\n', "true = 1\nif {\n}\n",
    'a = "%{ if x }y%{ endif }"\n', "a = x[*].id\n", "a = x.*.id\n", "a = x[*]\n",
    "a = x.*\n", "a = x.*.id[0].b\n", "a = x[*][0]\n", "a = x[*].a.b\n", "a = x.*.id.0\n",
    'a = "%{~ if x ~} y %{~ else ~}z%{ endif }"\n', 'a = "%{for a, b in c}${a}%{endfor}"\n',
    'a = "%{ for v in var.xs ~}${v},%{~ endfor }"\n',
    "a = { for k, v in m :\n  k => v\n  if v\n}\n",
    'a = [for k, v in m : v if k != ""\n]\n', "a = {for k, v in m : k => v... if true}\n",
    "a = [for s in x : s.id]\n", "a = b\n  + c # x\nd = 1\n", "a = b + c + d\n",
    "a = x ? y : z\n", "a = (x == 1 ? [] : [1])[0]\n", "a = b\n  + c\n\n  + c\n",
    "a = b == c\n\n  ? d : e\n", "a = x + y\n - 4\n", "a = x * y\n - 4\n",
    "a = b\n  + c # x\n  # y\n  + d\n", "a = x.y[*].z\n", "a = f(x)[*].y\n",
]  # fmt: skip
FALLBACK = [
    "a = provider::aws::f(1)\n", "a = b\n\n  + c\n", "a = b\n\n  ? c : d\n", "a = f(x\n...)\n",
    "a = {for_each.y = 3}\n", 'a = "%{ iffy }"\n', 'a = "%{ if x == \\"a\\" }y%{ endif }"\n',
    "a = x[*][*]\n", "a = f(1\n,)\n", "b = -11\n", "b = -1.5\n", "a = x || y\n - 4\n",
    "a = x[\n\nendfor]\n", "a = b\n- 1\n", "a = x\n[0]\n", "a = [1 2]\n", "a = 1\n}\n",
    '"a" = 1\n', "a = {\n", 'a = "x\n', "a = <<EOF\nno end\n", "a = {for = 1}\n",
    'a "${x}" {\n}\n', "a = " + "[" * 2000 + "]" * 2000 + "\n", "a = 1 ~\n",
]  # fmt: skip


@pytest.mark.parametrize("text", SAME)
def test_edge_cases_agree_with_lark(text: str) -> None:
    assert agree(text)


@pytest.mark.parametrize("text", FALLBACK)
def test_outside_the_subset_falls_back(text: str) -> None:
    with pytest.raises(hcl_fast.Fallback):
        hcl_fast.parse(text)


def test_parse_hcl_reports_lark_errors_for_broken_text() -> None:
    problem = hcl.parse_hcl('provider "aws" {\n  region = @oops\n}\n', "m/main.tf")
    assert isinstance(problem, hcl.ParseProblem)
    assert (problem.location.line, problem.location.column) == (2, 12)
    assert problem.message == "invalid HCL: unexpected '@oops'"  # lark's wording


def test_the_lark_switch_gives_the_same_file(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (REPO / "samples" / "terraform" / "backend-mismatch" / "backend.tf").read_text("utf-8")
    fast = hcl.parse_hcl(text, "p/main.tf")
    monkeypatch.setenv("ASSUME_LINT_HCL_PARSER", "lark")
    slow = hcl.parse_hcl(text, "p/main.tf")
    assert isinstance(fast, hcl.HclFile) and isinstance(slow, hcl.HclFile)

    def flat(block: hcl.Block) -> Any:
        attributes = {n: (a.location, normal(a.expr)) for n, a in block.attributes.items()}
        return (block.type, block.labels, block.location, attributes,
                [flat(b) for b in block.blocks])

    assert flat(fast.body) == flat(slow.body)
    assert fast.body.blocks and type(fast.body.blocks[0].attributes["required_version"].expr) \
        is not type(slow.body.blocks[0].attributes["required_version"].expr)


PIECES = ['"', "{", "}", "[", "]", "(", ")", ",", "\n", "=", ":", "?", "${", "#", "//", "/*",
          "*/", "<<EOF\n", "EOF\n", ".", "...", "-", "!", "+", " ", "for ", " in ", " if ", "=>",
          "1", "x", "\\", "%{", "$${", "\r", "\t", "*", "[*]", ".0", "true", "null", "~",
          " else ", "endif", "endfor", ".*", "==", "&&", "\\\""]
# Texts rich in what the evaluator reads (dynamic blocks, for, splats, directives).
RICH = [
    'data "x" "y" {\n  dynamic "statement" {\n    for_each = var.x != null ? var.x : {}\n'
    '    content {\n      sid = try(coalesce(statement.value.sid, statement.key))\n'
    '      values = [for s in var.subs : "repo:${trimprefix(s, "repo:")}"]\n    }\n  }\n}\n',
    'locals {\n  a = { for k, v in var.m : k => v if v.enabled }\n  b = aws_iam_role.x[*].arn\n'
    '  c = "%{ if var.x }yes%{ else }no%{ endif }"\n  d = length(var.l) > 0 ? var.l[0] : null\n'
    '  e = [for s in var.xs : s.id\n  if s.on]\n  f = "%{~ for a, b in c ~}${a}%{ endfor }"\n}\n',
]
SEEDS = [t for p in _hcl_files() for t in _texts(p) if len(t) < 4000][:200] + RICH


@settings(max_examples=300, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=2**32), st.integers(min_value=1, max_value=3))
def test_mutated_files_never_split_the_parsers(seed: int, edits: int) -> None:
    rng = random.Random(seed)
    text = rng.choice(SEEDS)
    for _ in range(edits):
        at = rng.randrange(len(text) + 1)
        roll = rng.random()
        if roll < 0.4:
            text = text[:at] + rng.choice(PIECES) + text[at:]
        elif roll < 0.7:
            text = text[:at] + text[at + rng.randint(1, 4):]
        else:
            other = rng.randrange(len(text) + 1)
            text = text[:at] + text[other:other + rng.randint(1, 30)] + text[at:]
    agree(text + "\n")


def test_the_fast_path_never_imports_lark() -> None:
    code = (
        "import sys\n"
        "from assume_lint.parsers import hcl\n"
        "f = hcl.parse_hcl('provider \"aws\" {\\n  region = \"x\"\\n}\\n', 'm.tf')\n"
        "assert isinstance(f, hcl.HclFile)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('lark', 'hcl2')))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "ASSUME_LINT_HCL_PARSER"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=env)
    assert out.stdout.strip() == "[]"


def _lint_json(target: Path, monkeypatch: pytest.MonkeyPatch, parser: str | None) -> str:
    import contextlib
    import io

    from assume_lint.cli import main

    if parser is None:
        monkeypatch.delenv("ASSUME_LINT_HCL_PARSER", raising=False)
    else:
        monkeypatch.setenv("ASSUME_LINT_HCL_PARSER", parser)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main([str(target), "--repo-root", str(target), "--no-config", "--no-cache", "-q",
              "-f", "json"])
    return out.getvalue()


@pytest.mark.parametrize("corpus", ["samples", "dense"])
def test_whole_runs_give_identical_reports_with_either_parser(
        corpus: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    target = REPO / "samples" if corpus == "samples" else request.getfixturevalue("dense_corpus")
    fast = _lint_json(target, monkeypatch, None)
    slow = _lint_json(target, monkeypatch, "lark")
    assert '"findings": [' in fast and fast.count('"rule_id"') > 20
    assert fast == slow
