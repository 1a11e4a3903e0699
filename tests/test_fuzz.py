"""Property tests: every parser and the whole CLI survive generated and mutated input.

A fixed number of derandomized examples keeps CI time bounded (the whole file runs in
well under a minute). Inputs are mutations of the files in ``samples/`` (truncation,
byte flips, deleted braces and quotes, duplicated lines, huge numbers, deep nesting, odd
unicode) and free-form text. The properties: a parser never raises and reports problems
with a location inside the file it was given; the CLI never prints a traceback, exits 0,
1 or 2, reports parse problems as AL900 at line >= 1, and still lints the good file
beside the mutated one.

Two algorithmic surfaces are fuzzed for cost as well as for answers (issue 19, attacks
4 and 5): condition patterns (long wildcard runs against long values through every
globbing operator, StringLike and ArnLike families, qualified, IfExists and negated;
and pattern against pattern, as AL304 compares a workflow's subject with a trust) and
profile graphs (long ``source_profile`` chains, loops, tails into loops and branches,
on the resolver and as AWS config files parsed and checked by AL206). Each large
example runs inside :func:`budgets.budget`, which measures CPU time and the peak of
memory allocated (tracemalloc) and fails the property when either exceeds the budget,
whatever the machine's load (wall time is not measured); large examples come with the
answer their shape dictates, small ones are checked against a plain reference
implementation (a regex, a product-automaton search, the SDKs' walk).
``test_zz_inputs_were_tried`` asserts (and prints, with ``-s``) how many inputs each
property saw.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import re
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from budgets import budget
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from assume_lint.cli import main
from assume_lint.files.sources import ReadProblem, SourceFile, decode
from assume_lint.model import Model
from assume_lint.parsers import PARSERS, detect_by_path, load_parser, sniff

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
GOOD_TF = 'provider "aws" {\n  access_key = "AKIAQYLPMN5HHHFPZAM2"\n}\n'
GOOD = ("AL201", "good/main.tf", 2, 3)

TRIED: Counter[str] = Counter()

# Where a file of each parser kind lives, so that detection routes it to that parser.
TARGETS: dict[str, str] = {
    "terraform": "mod/main.tf",
    "aws-config": "prof/.aws/config",
    "trust-json": "iam/policy.json",
    "cloudformation": "cfn/template.yaml",
    "json-template": "iam/policy.json.tpl",
    "terragrunt": "live/terragrunt.hcl",
    "github-actions": ".github/workflows/ci.yml",
    "github_actions": ".github/workflows/ci.yml",
    "env": "app/.env",
    "env-file": "app/.env",
    "env_files": "app/.env",
    "dotenv": "app/.env",
    "terraform-plan": "plans/tfplan.json",
    "backend-config": "stack/backend-config/prod.hcl",
}
# Seeds for kinds without a sample file yet.
SEEDS: dict[str, list[bytes]] = {
    "github-actions": [
        b"on: push\npermissions:\n  id-token: write\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n"
        b"    steps:\n      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n"
        b"          role-to-assume: arn:aws:iam::111111111111:role/deploy\n"
        b"          aws-region: eu-west-1\n"],
    "env": [b"AWS_ACCESS_KEY_ID=AKIAQYLPMN5HHHFPZAM4\nAWS_ROLE_ARN=arn:aws:iam::1:role/x\n"
            b"export AWS_PROFILE=dev\n# comment\nQUOTED=\"a b\"\n"],
}
SEEDS["cloudformation"] = [
    b"AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Role:\n    Type: AWS::IAM::Role\n"
    b"    Properties:\n      AssumeRolePolicyDocument:\n        Statement:\n"
    b"          - Effect: Allow\n            Principal: {AWS: '*'}\n"
    b"            Action: sts:AssumeRole\n",
    b'{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"R": {"Type": '
    b'"AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Statement": [{'
    b'"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}}}}}\n']
SEEDS["json-template"] = [
    b'{\n  "Version": "2012-10-17",\n  "Statement": [{"Effect": "Allow", "Principal": '
    b'{"AWS": "arn:aws:iam::${account_id}:root"}, "Action": "sts:AssumeRole"}]\n}\n']
SEEDS["terragrunt"] = [
    b'remote_state {\n  backend = "s3"\n  config = {\n    bucket = "b"\n'
    b'    role_arn = "arn:aws:iam::111111111111:role/state"\n  }\n}\n'
    b'iam_role = "arn:aws:iam::222222222222:role/deploy"\n']
_PLAN_TRUST = {"Statement": [{"Action": "sts:AssumeRole", "Effect": "Allow",
                               "Principal": {"AWS": "*"}}], "Version": "2012-10-17"}
SEEDS["terraform-plan"] = [json.dumps({
    "format_version": "1.2", "terraform_version": "1.5.7",
    "resource_changes": [{
        "address": 'module.m["k"].aws_iam_role.r[0]', "module_address": 'module.m["k"]',
        "mode": "managed", "type": "aws_iam_role", "name": "r", "index": 0,
        "change": {"actions": ["create"], "before": None,
                   "after": {"name": "r", "assume_role_policy": json.dumps(_PLAN_TRUST)},
                   "after_unknown": {"arn": True}, "after_sensitive": {}}}],
    "configuration": {
        "provider_config": {"aws": {"name": "aws", "expressions": {
            "access_key": {"constant_value": "AKIAQYLPMN5HHHFPZAM5"},
            "assume_role": [{"role_arn": {"references": ["var.r"]}}]}}},
        "root_module": {"module_calls": {"m": {"source": "./m", "module": {}}}}},
}, separators=(",", ":")).encode() + b"\n"]
SEEDS["backend-config"] = [
    b'bucket = "acme-state"\nkey = "app/terraform.tfstate"\nprofile = "state"\n'
    b'assume_role = {\n  role_arn = "arn:aws:iam::111111111111:role/state"\n}\n'
    b'access_key = "AKIAQYLPMN5HHHFPZAM4"\n']
SEEDS["github_actions"] = SEEDS["github-actions"]
for _alias in ("env-file", "env_files", "dotenv"):
    SEEDS[_alias] = SEEDS["env"]

ODD_UNICODE = ["\ufeff", "\u202e", "\u2028", "\u0301", "\U0001f600", "\x0b", "\x1b[31m",
               "\u00a0", "\ud7ff", "ǅ", "\ufffd", "\r", "\t"]
ODD_BYTES = [b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x00", b"\xfe\xff", b"\xef\xbb\xbf"]


def _sample_files() -> dict[str, list[bytes]]:
    """The sample files grouped by the parser kind they are routed to."""
    grouped: dict[str, list[bytes]] = {}
    for path in sorted(SAMPLES.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(REPO).as_posix()
        family = detect_by_path(rel)
        if family is None:
            continue
        data = path.read_bytes()
        kind = sniff(family, data.decode("utf-8", "replace")) if family.startswith(
            "sniff:") else family
        if kind is not None:
            grouped.setdefault(kind, []).append(data)
    for kind, seeds in SEEDS.items():
        grouped.setdefault(kind, list(seeds))
    return grouped


SAMPLE_FILES = _sample_files()
KINDS = sorted(PARSERS)


# --------------------------------------------------------------------------- mutations


@st.composite
def mutation(draw: st.DrawFn, data: bytes) -> bytes:
    """One structural or byte-level mutation of ``data``."""
    if not data:
        return draw(st.binary(max_size=64))
    op = draw(st.sampled_from([
        "truncate", "flip", "delete-chars", "duplicate-line", "huge-number", "deep",
        "unicode", "bytes", "crlf", "splice",
    ]))
    at = draw(st.integers(0, len(data)))
    if op == "truncate":
        return data[:at]
    if op == "flip":
        index = min(at, len(data) - 1)
        bit = draw(st.integers(0, 7))
        return data[:index] + bytes([data[index] ^ (1 << bit)]) + data[index + 1:]
    if op == "delete-chars":
        char = draw(st.sampled_from([b"{", b"}", b"[", b"]", b'"', b"=", b"\n", b":", b","]))
        if draw(st.booleans()):
            return data.replace(char, b"")
        index = data.find(char, at)
        return data if index < 0 else data[:index] + data[index + 1:]
    if op == "duplicate-line":
        lines = data.split(b"\n")
        index = min(draw(st.integers(0, len(lines) - 1)), len(lines) - 1)
        return b"\n".join(lines[:index + 1] + lines[index:])
    if op == "huge-number":
        number = draw(st.sampled_from([b"9" * 4000, b"1e999999", b"-0.0e-999999",
                                       b"340282366920938463463374607431768211457"]))
        return data[:at] + number + data[at:]
    if op == "deep":
        opener = draw(st.sampled_from([b"[", b"{", b"(", b"{a = ", b'{"a": ', b"${"]))
        depth = draw(st.sampled_from([50, 500, 5000]))
        return data[:at] + opener * depth + data[at:]
    if op == "unicode":
        text = draw(st.lists(st.sampled_from(ODD_UNICODE), min_size=1, max_size=4))
        return data[:at] + "".join(text).encode("utf-8", "surrogatepass") + data[at:]
    if op == "bytes":
        return data[:at] + draw(st.sampled_from(ODD_BYTES)) + data[at:]
    if op == "crlf":
        return data.replace(b"\n", draw(st.sampled_from([b"\r\n", b"\r"])))
    other = draw(st.binary(min_size=1, max_size=32))
    return data[:at] + other + data[at:]


@st.composite
def mutated(draw: st.DrawFn, kind: str) -> bytes:
    """A sample (or seed) of ``kind`` with one to three mutations applied."""
    seeds = SAMPLE_FILES.get(kind) or [b""]
    data = draw(st.sampled_from(seeds))
    for _ in range(draw(st.integers(1, 3))):
        data = draw(mutation(data))
    return data


def kind_input(kind: str) -> st.SearchStrategy[bytes]:
    """Mutated samples, mostly; sometimes free text or raw bytes."""
    return st.one_of(
        mutated(kind),
        mutated(kind),
        mutated(kind),
        st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.binary(max_size=200),
    )


# --------------------------------------------------------------------------- parsers


def test_every_parser_kind_has_a_fuzz_target() -> None:
    """A new format must be added to TARGETS (and get a seed if it has no sample)."""
    missing = [kind for kind in KINDS if kind not in TARGETS]
    assert not missing, f"add a file name for {missing} to TARGETS in tests/test_fuzz.py"


def _check_model(model: Model, rels: set[str]) -> None:
    assert isinstance(model, Model)
    for problem in model.problems:
        assert problem.location.path in rels
        assert problem.location.line >= 1 and problem.location.column >= 1
        assert problem.message
    for role in model.roles:
        assert role.location.path in rels and role.location.line >= 1
    for credential in model.credentials:
        assert credential.location.path in rels and credential.location.line >= 1
    for profile in model.profiles:
        assert profile.location.path in rels and profile.location.line >= 1


def _parser_property(kind: str, data: bytes) -> None:
    TRIED[f"parser:{kind}"] += 1
    text = decode(data)
    if isinstance(text, ReadProblem):
        return  # never reaches a parser: the engine reports it as AL900
    rel = TARGETS[kind]
    source = SourceFile(Path("/nonexistent") / rel, rel, text)
    model = load_parser(kind).parse_unit([source])
    _check_model(model, {rel})


PARSER_SETTINGS = settings(max_examples=120, deadline=None, derandomize=True,
                           suppress_health_check=list(HealthCheck), database=None)


@pytest.mark.parametrize("kind", KINDS)
def test_parser_never_raises(kind: str) -> None:
    if kind not in TARGETS:
        pytest.skip(f"no fuzz target for {kind} (see test_every_parser_kind_has_a_fuzz_target)")

    @PARSER_SETTINGS
    @given(data=kind_input(kind))
    def prop(data: bytes) -> None:
        _parser_property(kind, data)

    prop()


# --------------------------------------------------------------------------- CLI


def _run_cli(root: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    argv = [str(root), "--format", "json", "--repo-root", str(root), "--no-config",
            "--no-cache"]
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


CLI_SETTINGS = settings(max_examples=60, deadline=None, derandomize=True,
                        suppress_health_check=list(HealthCheck), database=None)


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory,
                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))


@pytest.mark.parametrize("kind", KINDS)
def test_cli_survives_a_mutated_file_beside_a_good_one(kind: str) -> None:
    if kind not in TARGETS:
        pytest.skip(f"no fuzz target for {kind}")
    rel = TARGETS[kind]

    @CLI_SETTINGS
    @given(data=kind_input(kind))
    def prop(data: bytes) -> None:
        TRIED[f"cli:{kind}"] += 1
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            for path, content in ((rel, data), ("good/main.tf", GOOD_TF.encode())):
                (root / path).parent.mkdir(parents=True, exist_ok=True)
                (root / path).write_bytes(content)
            code, out, err = _run_cli(root)
        assert "Traceback" not in err and "internal error" not in err + out, err
        assert code in (0, 1, 2), (code, err)
        doc: dict[str, Any] = json.loads(out)
        rows = [(f["rule_id"], f["path"], f["line"], f["column"]) for f in doc["findings"]]
        assert GOOD in rows, rows
        for finding in doc["findings"]:
            assert finding["line"] >= 1 and finding["column"] >= 1, finding
            if finding["rule_id"] == "AL900":
                assert finding["path"] == rel, finding
                assert "internal error" not in finding["message"], finding
        parse_errors = [f for f in doc["findings"] if f["rule_id"] == "AL900"]
        assert (code == 2) == bool(parse_errors), (code, rows)

    prop()


# --------------------------------------------------------------------------- budgets


# Few examples, each a large one: the properties below exist to catch cost that grows
# faster than the input (attack 4: 57 s and 4.3 GB; attack 5: past 300 s), so a handful
# of hostile shapes per run finds it, and CI time stays bounded.
# No shrinking: a failing example of thousands of profiles or characters shrinks for
# minutes; its shape, size and seed (in the assertion message) reproduce it.
BUDGET_SETTINGS = settings(max_examples=8, deadline=None, derandomize=True,
                           suppress_health_check=list(HealthCheck), database=None,
                           phases=[Phase.explicit, Phase.generate], print_blob=False)


# --------------------------------------------------------------------------- conditions


def _glob_reference(pattern: str, value: str) -> bool:
    """IAM's StringLike as a regex (exponential on hostile input: small inputs only)."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.S) is not None


def _tokens_reference(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    """Intersection by a plain search of the product automaton (the textbook
    construction the bit-parallel one replaces): a state is a pair of positions; a star
    may consume a character it accepts and stay, or be left without consuming; any other
    token consumes one. Trying the literals, ``:`` and one character no literal uses is
    enough, since a wildcard accepts every character alike (``:`` aside)."""
    from assume_lint.model.conditions import ANY, LIT, NOCOLON

    stars = (ANY, NOCOLON)

    def accepts(token: tuple[int, str], char: str) -> bool:
        kind, literal = token
        return (literal == char) if kind == LIT else not (kind == NOCOLON and char == ":")

    def closure(i: int, j: int) -> set[tuple[int, int]]:
        found, todo = {(i, j)}, [(i, j)]
        while todo:
            x, y = todo.pop()
            for step in ((x + 1, y) if x < len(a) and a[x][0] in stars else None,
                         (x, y + 1) if y < len(b) and b[y][0] in stars else None):
                if step is not None and step not in found:
                    found.add(step)
                    todo.append(step)
        return found

    alphabet = {char for kind, char in (*a, *b) if kind == LIT} | {":", "\x01"}
    seen = closure(0, 0)
    todo = list(seen)
    while todo:
        i, j = todo.pop()
        if (i, j) == (len(a), len(b)):
            return True
        if i == len(a) or j == len(b):
            continue
        for char in alphabet:
            if accepts(a[i], char) and accepts(b[j], char):
                following = (i if a[i][0] in stars else i + 1, j if b[j][0] in stars else j + 1)
                for state in closure(*following) - seen:
                    seen.add(state)
                    todo.append(state)
    return False


SMALL_GLOB = st.text(alphabet="ab*?", max_size=8)
SMALL_VALUE = st.text(alphabet="ab", max_size=10)


def test_glob_match_agrees_with_a_reference() -> None:
    from assume_lint.model.conditions import glob_match, glob_tokens, patterns_intersect

    @settings(max_examples=200, deadline=None, derandomize=True, database=None)
    @given(pattern=SMALL_GLOB, value=SMALL_VALUE)
    def prop(pattern: str, value: str) -> None:
        TRIED["conditions:glob-small"] += 1
        expected = _glob_reference(pattern, value)
        assert glob_match(pattern, value) == expected
        assert patterns_intersect(glob_tokens(value, glob=False), glob_tokens(pattern)) == (
            expected)

    prop()


@st.composite
def small_tokens(draw: st.DrawFn) -> tuple[Any, ...]:
    from assume_lint.model.conditions import ANY, LIT, NOCOLON, ONE

    kinds = draw(st.lists(st.sampled_from([LIT, LIT, LIT, ONE, ANY, NOCOLON]), max_size=6))
    return tuple((k, draw(st.sampled_from("a:x")) if k == LIT else "") for k in kinds)


def test_pattern_against_pattern_agrees_with_a_product_search() -> None:
    from assume_lint.model.conditions import patterns_intersect

    @settings(max_examples=200, deadline=None, derandomize=True, database=None)
    @given(a=small_tokens(), b=small_tokens())
    def prop(a: tuple[Any, ...], b: tuple[Any, ...]) -> None:
        TRIED["conditions:intersect-small"] += 1
        assert patterns_intersect(a, b) == _tokens_reference(a, b), (a, b)

    prop()


# The operators that glob (IAM's StringLike family and the ARN family, qualified, with
# IfExists, negated), the context key each is tested on, and the text around the
# pattern and the value (ARN operators glob each of the six segments apart).
_ARN = "arn:aws:iam::111111111111:role/"
GLOB_OPERATORS: dict[str, tuple[str, str, bool]] = {
    # operator: (key, prefix of pattern and value, negated)
    "StringLike": ("sts:ExternalId", "", False),
    "StringNotLike": ("sts:ExternalId", "", True),
    "StringLikeIfExists": ("sts:ExternalId", "", False),
    "ForAnyValue:StringLike": ("token.actions.githubusercontent.com:sub", "", False),
    "ForAllValues:StringNotLike": ("token.actions.githubusercontent.com:sub", "", True),
    "ArnLike": ("aws:PrincipalArn", _ARN, False),
    "ArnEquals": ("aws:PrincipalArn", _ARN, False),
    "ArnNotLike": ("aws:SourceArn", _ARN, True),
    "ArnLikeIfExists": ("aws:SourceArn", _ARN, False),
}


@st.composite
def long_condition_case(draw: st.DrawFn) -> tuple[str, str, str, bool]:
    """(operator, pattern, value, does the pattern match): long wildcard runs against
    long values, around and beyond the longest value matched at all (MAX_MATCHED).

    The hostile shapes are the ones that made matchers quadratic or exponential
    (``*aaaa...b`` against ``aaaa...``, a star before every character, runs of ``?``);
    the "derived" ones are a random value with random runs replaced by ``*`` and
    characters by ``?`` (a match by construction), or the same with one literal changed
    to a character the value lacks (a miss by construction)."""
    from assume_lint.model.conditions import MAX_MATCHED

    operator = draw(st.sampled_from(sorted(GLOB_OPERATORS)))
    n = draw(st.sampled_from([600, 3000, MAX_MATCHED - 40, MAX_MATCHED + 1000]))
    shape = draw(st.sampled_from(["star-run-b", "stars-every-char", "question-runs",
                                  "derived-match", "derived-miss"]))
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    if shape.startswith("derived"):
        value = "".join(rng.choice("ab/") for _ in range(n))
        parts, at = [], 0
        while at < n:
            run = min(rng.randint(1, 40), n - at)
            roll = rng.random()
            parts.append("*" if roll < 0.3 else "?" * run if roll < 0.4 else value[at:at + run])
            at += run
        pattern = "".join(parts)
        if shape == "derived-miss":
            literal = [i for i, c in enumerate(pattern) if c in "ab/"] or [0]
            i = rng.choice(literal)
            pattern = pattern[:i] + "c" + pattern[i + 1:]
        matched = shape == "derived-match"
    else:
        value = "a" * rng.randint(n, n + n // 2) + rng.choice(["", "b", "ab"])
        if shape == "star-run-b":
            pattern = "*" + "a" * n + "b"
            matched = value.endswith("b") and value.count("a") >= n
        elif shape == "stars-every-char":
            pattern, matched = "*a" * (n // 2), value.endswith("a")
        else:
            pattern = ("?" * 50 + "*") * (n // 51)
            matched = len(value) >= 50 * (n // 51)
    return operator, pattern, value, matched


def test_condition_operators_on_long_wildcards_stay_in_budget() -> None:
    """Attack 4 through the condition operators, as a trust policy states them: every
    globbing operator decides a long pattern against a long value within budget, and
    says what IAM would; beyond what IAM accepts, it says "unknown" instead."""
    from assume_lint.model import Condition
    from assume_lint.model.conditions import MAX_MATCHED, evaluate
    from assume_lint.model.findings import Location

    @BUDGET_SETTINGS
    @given(case=long_condition_case())
    def prop(case: tuple[str, str, str, bool]) -> None:
        TRIED["conditions:operators-long"] += 1
        operator, pattern, value, matched = case
        key, prefix, negated = GLOB_OPERATORS[operator]
        condition = Condition(operator, key, (prefix + pattern,), Location("iam.json", 9, 11))
        with budget(5.0, 32, f"{operator} {len(pattern)} x {len(value)}"):
            got = evaluate(condition, {key: prefix + value})
        if max(len(prefix + pattern), len(prefix + value)) > MAX_MATCHED:
            assert got is None, (operator, len(pattern), len(value))
        else:
            assert got is (matched != negated), (operator, pattern[:60], value[:60])

    prop()


@st.composite
def long_subject_case(draw: st.DrawFn) -> tuple[str, str, bool | None]:
    """A workflow's derived subject against a trust's StringLike value, both thousands
    of wildcards long (attack 4: branches ['*a' x 3000] against '*b' x 3000), and the
    answer where the shapes decide it: every subject ending in "a" against every value
    ending in "b" never matches; a subject of only segment wildcards matches any value
    without a colon."""
    n = draw(st.sampled_from([500, 3000, 4000]))
    unit_a = draw(st.sampled_from(["*a", "a*", "*:", "?*", "*"]))
    unit_b = draw(st.sampled_from(["*b", "*a", "b?", "*:*", "?"]))
    subject = "repo:*:ref:refs/heads/" + unit_a * n
    value = "repo:example-org/app:ref:refs/heads/" + unit_b * draw(st.integers(n // 2, n))
    expected = (False if (unit_a, unit_b) == ("*a", "*b")
                else True if unit_a == "*" and ":" not in unit_b else None)
    return subject, value, expected


def test_subject_against_trust_pattern_stays_in_budget() -> None:
    from assume_lint.rules._helpers_match import subject_may_match

    @BUDGET_SETTINGS
    @given(case=long_subject_case(), glob=st.booleans())
    def prop(case: tuple[str, str, bool | None], glob: bool) -> None:
        TRIED["conditions:intersect-long"] += 1
        subject, value, expected = case
        with budget(5.0, 32, f"subject_may_match {len(subject)} x {len(value)}"):
            got = subject_may_match(subject, value, glob=glob)
        if expected is not None:
            assert got is expected, (subject[:60], value[:60], glob)

    prop()


# --------------------------------------------------------------------------- profiles


def _profile_set(edges: dict[str, dict[str, str]]) -> Any:
    """A merged profile set from ``name -> properties``."""
    from assume_lint.model import Attr, Profile
    from assume_lint.model.findings import Location
    from assume_lint.model.profiles import merge_profiles

    profiles = []
    for line, (name, props) in enumerate(edges.items(), start=1):
        where = Location(".aws/config", line, 1)
        attrs = tuple((k, Attr(v, Location(".aws/config", line, 3))) for k, v in props.items())
        profiles.append(Profile(name, "", "config", where, attrs))
    return merge_profiles(profiles)


KEYS = {"aws_access_key_id": "AKIAQYLPMN5HHHFPZAM2", "aws_secret_access_key": "s" * 40}
ROLE = "arn:aws:iam::111111111111:role/r"


@st.composite
def profile_graph(draw: st.DrawFn, size: int) -> dict[str, dict[str, str]]:
    """Profiles that chain to each other: every profile names a source (sometimes a
    missing one, itself, or one further up, which closes loops), some hold keys, some
    a credential_source; long chains and cycles are the point."""
    n = draw(st.integers(1, size))
    shape = draw(st.sampled_from(["chain", "cycle", "random", "lasso"]))
    edges: dict[str, dict[str, str]] = {}
    for i in range(n):
        props: dict[str, str] = {"role_arn": ROLE}
        if shape == "chain":
            target = f"p{i + 1}" if i + 1 < n else None
        elif shape == "cycle":
            target = f"p{(i + 1) % n}"
        elif shape == "lasso":  # a tail into a loop over the last half
            target = f"p{i + 1}" if i + 1 < n else f"p{n // 2}"
        else:
            target = draw(st.sampled_from([f"p{j}" for j in range(n)] + ["gone", None]))
        if target is None:
            props["credential_source"] = "Environment"
        else:
            props["source_profile"] = target
        extra = draw(st.sampled_from(["none"] * 6 + ["keys", "credential_source"]))
        if extra == "keys":
            props.update(KEYS)
        elif extra == "credential_source" and "source_profile" in props and shape == "random":
            props["credential_source"] = "Environment"  # both: an error
        edges[f"p{i}"] = props
    return edges


def _reference_error(profiles: Any, name: str) -> tuple[Any, ...] | None:
    """The error of one profile by the plain walk the SDKs describe (visited list, no
    memo): where it points and what it says, for comparison."""
    from assume_lint.model.profiles import (
        ChainError,
        _fail,
        _Failure,
        _next_profile,
        _role,
        _source_base,
        has_static_keys,
        static_keys,
    )

    visited: list[str] = []
    previous = None
    current = name
    try:
        while True:
            section = profiles.profiles.get(current)
            if section is None:
                if previous is None:
                    return ("missing-root",)
                raise _fail(f"could not find source profile {current} referenced from "
                            f"{previous.name}", previous, "source_profile", keys_could_fix=True)
            if current in visited:
                assert previous is not None
                return ("loop", previous.name, tuple([*visited, current]))
            visited.append(current)
            if len(visited) > 1 and has_static_keys(section):
                static_keys(section)
                return None
            if _role(section) is None:
                _source_base(profiles, section, previous)
                return None
            following = _next_profile(section)
            if following is None:
                _source_base(profiles, section, section)
                return None
            previous, current = section, following
    except _Failure as failure:
        error: ChainError = failure.error
        return ("error", error.profile, error.message, error.location)


def _ours(resolver: Any, name: str) -> tuple[Any, ...] | None:
    error = resolver.error(name)
    if error is None:
        return None
    if error.loop:
        shown = error.message.removeprefix("profile formed an infinite loop: ")
        return ("loop", error.profile, tuple(shown.split(" -> ")))
    if error.location is None:
        return ("missing-root",)
    return ("error", error.profile, error.message, error.location)


def test_profile_resolution_agrees_with_a_plain_walk() -> None:
    from assume_lint.model.profiles import Resolver

    @settings(max_examples=200, deadline=None, derandomize=True, database=None)
    @given(edges=profile_graph(8))
    def prop(edges: dict[str, dict[str, str]]) -> None:
        TRIED["profiles:small"] += 1
        profiles = _profile_set(edges)
        resolver = Resolver(profiles)  # shared: memoised results must match fresh walks
        for name in sorted(edges, key=lambda n: -int(n[1:])):
            assert _ours(resolver, name) == _reference_error(profiles, name), name

    prop()


GRAPH_SHAPES = ("chain", "cycle", "lasso", "tree", "random")


def _large_graph(shape: str, n: int, rng: random.Random) -> dict[str, dict[str, str]]:
    """``name -> properties`` of ``n`` profiles linked in ``shape``: a chain to a
    credential_source; a loop through all; a tail into a loop over the last half; a
    tree whose branches join one chain (every profile's source lies further on); random
    links, some to missing profiles, some profiles with keys. Drawn from a seeded
    generator: thousands of links are more than Hypothesis should draw one by one."""
    edges: dict[str, dict[str, str]] = {}
    for i in range(n):
        props = {"role_arn": f"arn:aws:iam::111111111111:role/r{i}"}
        last = i + 1 == n
        if shape == "chain":
            target = None if last else f"p{i + 1}"
        elif shape == "cycle":
            target = f"p{(i + 1) % n}"
        elif shape == "lasso":
            target = f"p{n // 2}" if last else f"p{i + 1}"
        elif shape == "tree":
            target = None if last else f"p{rng.randrange(i + 1, min(n, i + 50))}"
        else:
            roll = rng.random()
            target = (None if roll < 0.05 else "gone" if roll < 0.1
                      else f"p{rng.randrange(n)}")
            if rng.random() < 0.05:
                props.update(KEYS)
        if target is None:
            props["credential_source"] = "Environment"
        else:
            props["source_profile"] = target
        edges[f"p{i}"] = props
    return edges


def large_profile_graph(sizes: tuple[int, ...]) -> st.SearchStrategy[tuple[str, int, int]]:
    """(shape, size, seed) of a graph that :func:`_large_graph` builds inside the test
    (Hypothesis would otherwise print and keep a repr of thousands of profiles)."""
    return st.tuples(st.sampled_from(GRAPH_SHAPES), st.sampled_from(sizes),
                     st.integers(0, 2**32 - 1))


def test_profile_graphs_resolve_in_budget() -> None:
    """Attack 5 on the resolver alone: a walk per profile (4,000 links: 104 s), a loop
    scanned again for each of its profiles or a tail walked again for each profile
    behind it (quadratic: a 12,000-profile lasso took 6 s, 20 s traced) leaves the budget behind;
    the errors are the ones the shape dictates."""
    from assume_lint.model.profiles import MAX_CHAIN, Resolver

    @BUDGET_SETTINGS
    @example(case=("lasso", 12_000, 0))
    @given(case=large_profile_graph((500, 2000)))
    def prop(case: tuple[str, int, int]) -> None:
        TRIED["profiles:large"] += 1
        shape, size, seed = case
        edges = _large_graph(shape, size, random.Random(seed))
        profiles = _profile_set(edges)
        with budget(10.0, 64, f"{shape} of {len(edges)} profiles"):
            resolver = Resolver(profiles)
            errors = {name: resolver.error(name) for name in edges}
        broken = {name for name, error in errors.items() if error is not None}
        if shape in ("chain", "tree"):  # valid, but past the depth cap: never reported
            assert all(errors[name].location is None for name in broken)  # type: ignore[union-attr]
            assert len(broken) == max(0, len(edges) - MAX_CHAIN) if shape == "chain" else True
        elif shape in ("cycle", "lasso"):
            assert broken == set(edges)
            assert all(errors[name].loop for name in edges)  # type: ignore[union-attr]
        for error in errors.values():
            if error is not None:
                assert len(error.message) < 400  # loop messages name ten profiles at most

    prop()


def _config_files(
    edges: dict[str, dict[str, str]], rng: random.Random
) -> tuple[str, str, dict[str, int]]:
    """The graph written as an AWS config file (profiles with roles and links, in the
    spellings the SDKs accept: spaces or none around ``=``, comments, blank lines) and
    a credentials file (the static keys); with the line of each ``source_profile``."""
    config: list[str] = []
    credentials = ["[unrelated]", *(f"{key} = {value}" for key, value in KEYS.items())]
    links: dict[str, int] = {}
    for name, props in edges.items():
        config.append(f"[profile {name}]")
        for key, value in props.items():
            if key.startswith("aws_"):
                credentials += [f"[{name}]", f"{key} = {value}"]
                continue
            if rng.random() < 0.1:
                config.append(rng.choice(["", "# a comment", "; a comment"]))
            config.append(f"{key}={value}" if rng.random() < 0.3 else f"{key} = {value}")
            if key == "source_profile":
                links[name] = len(config)
    return "\n".join(config) + "\n", "\n".join(credentials) + "\n", links


def test_profile_graphs_in_aws_config_files_lint_in_budget() -> None:
    """Attack 5 as the attacker wrote it: an AWS config file of long source_profile
    chains, loops and branches, parsed and checked by AL206 within a time and memory
    budget (the 4,000-profile loop ran past 300 s), with the findings the shape
    dictates: none for chains and trees; for a loop, one at every ``source_profile``
    that closes it, whichever profile the walk starts from."""
    from assume_lint.model.registry import RuleContext
    from assume_lint.parsers import load_parser
    from assume_lint.rules import al206_broken_profile_chain as al206

    @BUDGET_SETTINGS
    @given(case=large_profile_graph((1, 7, 300, 1500)))
    def prop(case: tuple[str, int, int]) -> None:
        TRIED["profiles:config-files"] += 1
        shape, size, seed = case
        edges = _large_graph(shape, size, random.Random(seed))
        config, credentials, links = _config_files(edges, random.Random(seed + 1))
        files = [SourceFile(Path("/repo/.aws/config"), ".aws/config", config),
                 SourceFile(Path("/repo/.aws/credentials"), ".aws/credentials", credentials)]
        with budget(10.0, 128, f"{shape} of {len(edges)} profiles in {len(config)} chars"):
            model = load_parser("aws-config").parse_unit(files)
            hits = list(al206.check(model, RuleContext()))
        assert not model.problems, model.problems[:3]
        rows = {(hit.location.path, hit.location.line) for hit in hits}
        n = len(edges)
        if shape in ("chain", "tree"):
            assert rows == set()
        elif shape == "cycle":
            assert rows == {(".aws/config", line) for line in links.values()}
        elif shape == "lasso":  # the loop over the last half: each of its links closes it
            assert rows == {(".aws/config", links[f"p{i}"]) for i in range(n // 2, n)}
        for hit in hits:
            assert hit.location.path == ".aws/config" and len(hit.message) < 600, hit

    prop()


def test_zz_inputs_were_tried() -> None:
    """Runs last in this file: every property saw its fixed number of inputs."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        pytest.skip("counts are per worker under xdist")
    print("\nfuzz inputs tried:", dict(sorted(TRIED.items())), "total", sum(TRIED.values()))
    for kind in KINDS:
        if kind in TARGETS:
            assert TRIED[f"parser:{kind}"] >= PARSER_SETTINGS.max_examples, TRIED
            assert TRIED[f"cli:{kind}"] >= CLI_SETTINGS.max_examples, TRIED
    for surface in ("conditions:operators-long", "conditions:intersect-long",
                    "profiles:large", "profiles:config-files"):
        assert TRIED[surface] >= BUDGET_SETTINGS.max_examples, TRIED
    for surface in ("conditions:glob-small", "conditions:intersect-small", "profiles:small"):
        assert TRIED[surface] >= 200, TRIED
