"""Inline suppression directives and config ignores: parsing, scopes, apply, AL901/AL902."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from budgets import cpu_within

from assume_lint.engine.suppress import (
    ConfigIgnore,
    Directive,
    apply,
    comment_style,
    config_ignores_from,
    ignore_entry_lines,
    key_matches,
    parse_directives,
    selector_matches,
)
from assume_lint.files.sources import SourceFile
from assume_lint.files.walk import path_matches
from assume_lint.model.findings import Finding, Hit, Location, Severity

TODAY = date(2026, 6, 1)
NAMES = {
    "AL101": "trust-any-principal",
    "AL102": "cross-account-without-external-id",
    "AL105": "oidc-subject-unrestricted",
    "AL201": "hardcoded-access-key-id",
    "AL202": "hardcoded-secret-key",
    "AL204": "missing-session-name",
    "AL206": "broken-profile-chain",
}


def known(selector: str) -> bool:
    """A stand-in for registry.is_valid_selector over NAMES (no rule modules imported)."""
    return any(selector_matches(selector, rid, name) for rid, name in NAMES.items())


def src(rel: str, text: str) -> SourceFile:
    return SourceFile(path=Path(rel), rel=rel, text=text)


def finding(rule_id: str, line: int, path: str = "main.tf", key: str = "",
            col: int = 1) -> Finding:
    return Finding(Location(path, line, col), rule_id, NAMES[rule_id], Severity.HIGH,
                   f"{rule_id} message", key, fingerprint=f"fp-{rule_id}-{key}")


def one(rel: str, text: str) -> Directive:
    directives = parse_directives(src(rel, text))
    assert len(directives) == 1, directives
    return directives[0]


def run(findings: list[Finding], sources: list[SourceFile],
        ignores: list[ConfigIgnore] | None = None, *, require_reason: bool = False,
        today: date = TODAY, active: Callable[[str], bool] | None = None) -> tuple[
            list[Finding], list[Finding], list[Finding]]:
    directives = {s.rel: parse_directives(s) for s in sources}
    outcome = apply(findings, directives, ignores or [], today=today,
                    require_reason=require_reason, rule_lookup=known,
                    active=active)
    return outcome.kept, outcome.suppressed, outcome.notes


def ids_lines(findings: list[Finding]) -> list[tuple[str, str, int]]:
    return [(f.rule_id, f.location.path, f.location.line) for f in findings]


# --------------------------------------------------------------------------- parsing


def test_full_directive_fields() -> None:
    text = ('x = 1\n'
            '  # assume-lint: ignore[AL102,trust-any-principal] until=2027-01-31 '
            '-- migration OPS-42\n'
            'y = 2\n')
    d = one("main.tf", text)
    assert d.location == Location("main.tf", 2, 3, 2, len(text.split("\n")[1]) + 1)
    assert d.scope == "next"
    assert d.selectors == ("AL102", "trust-any-principal")
    assert d.until == date(2027, 1, 31)
    assert d.reason == "migration OPS-42"
    assert d.problem is None
    assert (d.first_line, d.last_line) == (3, 3)


@pytest.mark.parametrize(("rel", "line"), [
    ("main.tf", 'role_arn = "x" # assume-lint: ignore[AL2]'),
    ("main.tf", 'role_arn = "x" // assume-lint: ignore[AL2]'),
    (".aws/config", "role_arn = x ; assume-lint: ignore[AL2]"),
    (".aws/config", "role_arn = x # assume-lint: ignore[AL2]"),
    ("wf.yml", "role-to-assume: x # assume-lint: ignore[AL2]"),
    ("wf.yaml", "role-to-assume: x   #assume-lint:ignore[AL2]"),
    ("ci.env", "AWS_ACCESS_KEY_ID=x # assume-lint: ignore[AL2]"),
])
def test_trailing_forms_cover_their_own_line(rel: str, line: str) -> None:
    d = one(rel, "a = 1\n" + line + "\nb = 2\n")
    assert (d.scope, d.first_line, d.last_line, d.selectors) == ("line", 2, 2, ("AL2",))
    assert line[d.location.column - 1] in "#/;"  # the column of the comment marker
    assert line[d.location.column - 2] in " \t"
    assert d.problem is None


@pytest.mark.parametrize(("rel", "line"), [
    ("main.tf", "x = 1 ; assume-lint: ignore[AL2]"),        # ';' is not an HCL comment
    (".aws/config", "x = 1 // assume-lint: ignore[AL2]"),   # '//' is not an INI comment
    ("wf.yml", "x: 1 // assume-lint: ignore[AL2]"),
    ("wf.yml", "x: a#assume-lint: ignore[AL2]"),            # '#' glued to text: no comment
    ("policy.json", '{"Sid": "a" } # assume-lint: ignore[AL2]'),  # JSON has no comments
    ("main.tf", 'url = "https://assume-lint:x"'),
])
def test_not_a_comment_in_that_format(rel: str, line: str) -> None:
    assert parse_directives(src(rel, line + "\n")) == []


def test_comment_style_by_name() -> None:
    assert [comment_style(p) for p in (
        "a/main.tf", "x.tfvars", "terragrunt.hcl", ".aws/config", "credentials",
        ".github/workflows/ci.yml", "t.yaml", ".env", ".env.prod", "prod.env",
        "iam/role.json", "stack.tf.json", "role.json.tpl")] == [
        "hcl", "hcl", "hcl", "ini", "ini", "yaml", "yaml", "env", "env", "env",
        "none", "none", "none"]


def test_marker_position_is_the_comment_start() -> None:
    d = one("main.tf", 'role_arn = "x"   # assume-lint: ignore[AL2]\n')
    assert (d.location.line, d.location.column) == (1, 18)


def test_bare_ignore_is_invalid_not_blanket() -> None:
    d = one("main.tf", "# assume-lint: ignore\nx = 1\n")
    assert d.selectors == ()
    assert d.problem is not None and "needs a rule list" in d.problem
    kept, suppressed, notes = run([finding("AL101", 2)], [src("main.tf", "# assume-lint: "
                                                                        "ignore\nx = 1\n")])
    assert ids_lines(kept) == [("AL101", "main.tf", 2)]
    assert suppressed == []
    assert ids_lines(notes) == [("AL901", "main.tf", 1)]
    assert "Invalid suppression" in notes[0].message
    assert "it suppresses nothing" in notes[0].message


@pytest.mark.parametrize(("comment", "fragment"), [
    ("# assume-lint: ignore[]", "names no rule"),
    ("# assume-lint: ignore[AL1,]", "empty entry"),
    ("# assume-lint: ignore[AL1] until=2027-02-30", "is not a date"),
    ("# assume-lint: ignore[AL1] until=tomorrow", "is not a date"),
    ("# assume-lint: ignore[AL1] please", "unexpected text"),
    ("# assume-lint: noqa[AL1]", "unknown directive"),
    ("# assume-lint: file-ignore[AL1]", "unknown directive"),
    ("# assume-lint: [AL1]", "expected ignore"),
    ("# assume-lint: ignore [AL1]", "needs a rule list"),
])
def test_malformed_directives(comment: str, fragment: str) -> None:
    d = one("main.tf", comment + "\nx = 1\n")
    assert d.problem is not None and fragment in d.problem, d.problem


def test_reason_and_until_edge_forms() -> None:
    d = one("main.tf", "x = 1 # assume-lint: ignore[AL1] --\n")
    assert (d.reason, d.problem) == (None, None)
    d = one("main.tf", "x = 1 # assume-lint: ignore[ AL1 , al2 ]--  spaced reason  \n")
    assert d.selectors == ("AL1", "al2")
    assert d.reason == "spaced reason"
    d = one("main.tf", "x = 1 # ASSUME-LINT: IGNORE[AL1] until=2027-01-31\n")
    assert (d.until, d.reason, d.problem) == (date(2027, 1, 31), None, None)


# --------------------------------------------------------------------------- scopes

HCL = """\
# assume-lint: ignore-file[AL204] -- generated by the platform module
// second header comment

provider "aws" {
  region = "eu-west-1"
}

# assume-lint: ignore[AL101] -- public role reviewed in SEC-12
resource "aws_iam_role" "public" {
  name = "public"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = "sts:AssumeRole"
      Sid       = "Brace}In{String"
    }]
  })
}

resource "aws_iam_role" "other" {
  assume_role_policy = "{}"
}
"""


def test_block_header_covers_the_whole_block() -> None:
    directives = parse_directives(src("main.tf", HCL))
    block = directives[1]
    assert (block.scope, block.first_line, block.last_line) == ("next", 9, 20)
    kept, suppressed, notes = run(
        [finding("AL101", 15), finding("AL101", 23), finding("AL204", 5)],
        [src("main.tf", HCL)])
    assert ids_lines(kept) == [("AL101", "main.tf", 23)]
    assert ids_lines(suppressed) == [("AL101", "main.tf", 15), ("AL204", "main.tf", 5)]
    assert [f.suppressed for f in suppressed] == [
        "inline: public role reviewed in SEC-12", "inline: generated by the platform module"]
    assert notes == []


def test_ignore_file_in_leading_comments_only() -> None:
    text = "# header\n\n# assume-lint: ignore-file[AL204]\nx = 1\n"
    d = one("main.tf", text)
    assert (d.scope, d.problem) == ("file", None)
    late = "x = 1\n# assume-lint: ignore-file[AL204]\ny = 2\n"
    d = one("main.tf", late)
    assert d.problem is not None and "leading comment lines" in d.problem
    kept, suppressed, notes = run([finding("AL204", 3)], [src("main.tf", late)])
    assert ids_lines(kept) == [("AL204", "main.tf", 3)]
    assert ids_lines(notes) == [("AL901", "main.tf", 2)]
    trailing = "# assume-lint: ignore-file[AL204]\nx = 1 # assume-lint: ignore-file[AL204]\n"
    assert [d.problem is None for d in parse_directives(src("main.tf", trailing))] == [
        True, False]


def test_yaml_document_marker_is_part_of_the_header() -> None:
    d = one("t.yaml", "---\n# assume-lint: ignore-file[AL105]\nResources: {}\n")
    assert (d.scope, d.problem) == ("file", None)


def test_line_above_covers_next_code_line_skipping_comments_and_blanks() -> None:
    text = "a = 1\n# assume-lint: ignore[AL201]\n\n# other comment\nkey = \"x\"\nz = 2\n"
    d = one("main.tf", text)
    assert (d.first_line, d.last_line) == (5, 5)
    kept, suppressed, _ = run([finding("AL201", 5), finding("AL201", 6)], [src("main.tf", text)])
    assert ids_lines(suppressed) == [("AL201", "main.tf", 5)]
    assert ids_lines(kept) == [("AL201", "main.tf", 6)]


def test_stacked_directives_cover_the_same_target() -> None:
    text = "# assume-lint: ignore[AL101]\n# assume-lint: ignore[AL102]\nx = 1\n"
    directives = parse_directives(src("main.tf", text))
    assert [(d.first_line, d.last_line) for d in directives] == [(3, 3), (3, 3)]
    kept, suppressed, notes = run([finding("AL101", 3), finding("AL102", 3)],
                                  [src("main.tf", text)])
    assert kept == [] and len(suppressed) == 2 and notes == []


def test_directive_at_end_of_file_covers_nothing() -> None:
    d = one("main.tf", "x = 1\n# assume-lint: ignore[AL101]\n")
    assert d.first_line > d.last_line
    _, _, notes = run([], [src("main.tf", "x = 1\n# assume-lint: ignore[AL101]\n")])
    assert ids_lines(notes) == [("AL901", "main.tf", 2)]
    assert notes[0].message.endswith("AL101 reported nothing below it (there is no line of "
                                     "content after it); remove it")


def test_unused_message_names_the_covered_lines() -> None:
    text = "# assume-lint: ignore[AL101]\nresource \"a\" \"b\" {\n  x = 1\n}\n" \
        "# assume-lint: ignore[AL102]\ny = 2\n"
    _, _, notes = run([], [src("main.tf", text)])
    assert [n.message.split("': ", 1)[1] for n in notes] == [
        "AL101 reported nothing in lines 2-4; remove it",
        "AL102 reported nothing on line 6; remove it"]


def test_unclosed_block_runs_to_end_of_file() -> None:
    text = "# assume-lint: ignore[AL101]\nresource \"a\" \"b\" {\n  x = 1\n\n"
    assert (one("main.tf", text).first_line, one("main.tf", text).last_line) == (2, 5)


def test_nested_blocks_each_end_at_their_own_brace() -> None:
    text = ("resource \"a\" \"b\" {\n"      # 1
            "  # assume-lint: ignore[AL101]\n"
            "  statement {\n"              # 3
            "    principals { x = 1 }\n"
            "  }\n"                        # 5
            "  # assume-lint: ignore[AL102]\n"
            "  other = [\n"                # 7
            "    \"a\",\n"
            "  ]\n"                        # 9
            "}\n")
    directives = parse_directives(src("main.tf", text))
    assert [(d.first_line, d.last_line) for d in directives] == [(3, 5), (7, 9)]


def test_hcl_braces_in_strings_and_comments_do_not_count() -> None:
    text = ("# assume-lint: ignore[AL101]\n"
            "resource \"a\" \"b\" { # a { in a comment\n"
            "  s = \"}}}\\\"}\"\n"
            "  // another } comment\n"
            "}\n"
            "x = 1\n")
    assert (one("main.tf", text).first_line, one("main.tf", text).last_line) == (2, 5)


def test_hcl_heredoc_target_covers_the_heredoc() -> None:
    text = ('resource "aws_iam_role" "r" {\n'     # 1
            "  # assume-lint: ignore[AL101] -- reviewed\n"
            "  assume_role_policy = <<-EOF\n"    # 3
            "    {\"Statement\": [{\n"
            "      \"Principal\": \"*\"\n"       # 5
            "    }]}\n"
            "    EOF\n"                           # 7
            '  name = "r"\n'
            "}\n")
    d = one("main.tf", text)
    assert (d.first_line, d.last_line) == (3, 7)
    kept, suppressed, _ = run([finding("AL101", 5), finding("AL101", 8)],
                              [src("main.tf", text)])
    assert ids_lines(suppressed) == [("AL101", "main.tf", 5)]
    assert ids_lines(kept) == [("AL101", "main.tf", 8)]
    unterminated = "# assume-lint: ignore[AL101]\nx = <<EOF\n{\n"
    assert (one("main.tf", unterminated).first_line, one("main.tf", unterminated).last_line) \
        == (2, 4)


def test_hcl_block_ends_are_the_parsers() -> None:
    """Where a block ends is the HCL syntax tree's answer: a condition continued on the
    next lines is one expression; python-hcl2's positions, which let an operation run
    on over the newline after it, do not stretch a one-line attribute."""
    text = ('variable "t" {\n'                  # 1
            "  validation {\n"
            "    # assume-lint: ignore[AL205]\n"
            "    condition     = length(var.t) > 0\n"   # 4
            '    error_message = "m"\n'
            "  }\n"
            "}\n"
            "locals {\n"                        # 8
            "  # assume-lint: ignore[AL101]\n"
            "  x = var.a != null\n"             # 10
            "    ? [1]\n"
            "    : []\n"                        # 12
            "  y = merge(\n"
            "    # assume-lint: ignore[AL101]\n"
            "    var.tags,\n"                   # 15
            "    { a = 1 },\n"
            "  )\n"
            "}\n")
    assert [(d.first_line, d.last_line) for d in parse_directives(src("main.tf", text))] == [
        (4, 4), (10, 12), (15, 15)]


def test_a_comment_inside_a_heredoc_or_block_scalar_covers_its_next_line() -> None:
    """Inside a heredoc or a YAML block scalar the lines are text (a script): a comment
    there still suppresses on the next line, but no line of text opens a block."""
    hcl = ('resource "aws_instance" "x" {\n'
           "  user_data = <<-EOF\n"
           "    # assume-lint: ignore[AL201] -- the documented example key\n"
           "    for p in a b; do {\n"            # 4
           "      echo AKIAIOSFODNN7EXAMPLE\n"
           "    }\n"
           "  EOF\n"
           "}\n")
    assert (one("main.tf", hcl).first_line, one("main.tf", hcl).last_line) == (4, 4)
    yaml = ("jobs:\n"
            "  a:\n"
            "    steps:\n"
            "      - run: |\n"
            "          # assume-lint: ignore[AL201] -- the documented example key\n"
            "          for p in a b; do\n"        # 6
            "            echo AKIAIOSFODNN7EXAMPLE\n"
            "          done\n")
    assert (one("ci.yml", yaml).first_line, one("ci.yml", yaml).last_line) == (6, 6)


def test_broken_hcl_keeps_only_what_runs_to_its_end() -> None:
    """A file the parser rejects (AL900) has no tree: a block closed before the error
    covers its first line only; one left open at the end runs to the end."""
    text = ("# assume-lint: ignore[AL202]\n"
            'resource "a" "b" {\n'              # 2
            "  x = 1\n"
            "}\n"
            "y = = 2\n"
            "# assume-lint: ignore[AL202]\n"
            'resource "c" "d" {\n'              # 7
            "  z = [\n"
            "    1,\n")
    assert [(d.first_line, d.last_line) for d in parse_directives(src("main.tf", text))] == [
        (2, 2), (7, 10)]


def test_hcl_block_over_the_token_budget_keeps_its_extent() -> None:
    """A top-level block too large to parse is still one block (its span is what the
    budget check found)."""
    body = "".join(f'    k{i} = "v"\n' for i in range(20_000))
    text = ('# assume-lint: ignore[AL202]\nresource "aws_instance" "big" {\n  tags = {\n'
            + body + "  }\n}\n")
    d = one("main.tf", text)
    assert (d.first_line, d.last_line) == (2, 20_005)


def test_broken_yaml_entries_open_at_the_error_run_to_the_end() -> None:
    text = ("Resources:\n"
            "  # assume-lint: ignore[AL101]\n"
            "  Ok:\n"                            # 3
            "    Type: x\n"
            "  # assume-lint: ignore[AL101]\n"
            "  Role:\n"                          # 6
            "    Type: x\n"
            "    Props: [a, b\n"
            "  Other: 1\n"                       # 9
            "# trailing comment\n")
    assert [(d.first_line, d.last_line) for d in parse_directives(src("t.yaml", text))] == [
        (3, 4), (6, 9)]


YAML = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  # assume-lint: ignore[AL101] -- reviewed
  Public:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
        # assume-lint: ignore[AL105]
        - Effect: Allow
          Principal:
            Federated: x

          Action: sts:AssumeRoleWithWebIdentity
        - Effect: Deny
  # assume-lint: ignore[AL102]
  Other:
    Type: AWS::IAM::Role
    Properties: {Name: x,
      Other: y}
  # assume-lint: ignore[AL102]
  Statement:
  - a
  - b
  Flow: [
    1, 2
  ]
  # assume-lint: ignore[AL102]
  Flow2: [
    1, 2
  ]
Outputs: {}
"""


def test_yaml_blocks_follow_indentation() -> None:
    directives = parse_directives(src("t.yaml", YAML))
    assert [(d.first_line, d.last_line) for d in directives] == [
        (4, 15),   # the resource, to the end of its deeper-indented lines
        (10, 14),  # one list item and its children, not the next item
        (17, 20),  # a key whose node ends in a multi-line flow mapping
        (22, 24),  # "Statement:" with its '- ' items at the same indentation
        (29, 31),  # a flow sequence opened on the target line
    ]
    on_its_own_line = "matrix:\n  module:\n    # assume-lint: ignore[AL1]\n    [\n      a,\n    ]\n"
    assert (one("ci.yml", on_its_own_line).first_line,
            one("ci.yml", on_its_own_line).last_line) == (4, 6)
    kept, suppressed, _ = run([finding("AL101", 12, "t.yaml"), finding("AL105", 14, "t.yaml"),
                               finding("AL105", 15, "t.yaml"), finding("AL101", 32, "t.yaml")],
                              [src("t.yaml", YAML)])
    assert ids_lines(suppressed) == [("AL101", "t.yaml", 12), ("AL105", "t.yaml", 14)]
    assert ids_lines(kept) == [("AL105", "t.yaml", 15), ("AL101", "t.yaml", 32)]


INI = """\
# assume-lint: ignore-file[AL204] -- sessions named by the wrapper
[default]
region = eu-west-1

; assume-lint: ignore[AL206] -- chain resolved at runtime
[profile deploy]
role_arn = arn:aws:iam::111111111111:role/deploy
source_profile = missing
; trailing comment of the section

[profile other]
source_profile = missing  ; assume-lint: ignore[broken-profile-chain]
role_arn = arn:aws:iam::111111111111:role/other
"""


def test_ini_section_header_covers_the_section() -> None:
    directives = parse_directives(src(".aws/config", INI))
    assert [(d.scope, d.first_line, d.last_line) for d in directives] == [
        ("file", 1, directives[0].last_line), ("next", 6, 8), ("line", 12, 12)]
    kept, suppressed, notes = run(
        [finding("AL206", 8, ".aws/config"), finding("AL206", 12, ".aws/config"),
         finding("AL206", 13, ".aws/config"), finding("AL204", 6, ".aws/config")],
        [src(".aws/config", INI)])
    assert ids_lines(kept) == [("AL206", ".aws/config", 13)]
    assert ids_lines(suppressed) == [("AL206", ".aws/config", 8),
                                     ("AL206", ".aws/config", 12),
                                     ("AL204", ".aws/config", 6)]
    assert suppressed[1].suppressed == "inline: suppressed"
    assert notes == []


# --------------------------------------------------------------------------- apply


def test_names_ids_and_prefixes_select_rules() -> None:
    text = ("a = 1 # assume-lint: ignore[trust-any-principal]\n"
            "b = 1 # assume-lint: ignore[al1]\n"
            "c = 1 # assume-lint: ignore[AL2]\n"
            "d = 1 # assume-lint: ignore[AL10]\n")
    kept, suppressed, notes = run(
        [finding("AL101", 1), finding("AL102", 1), finding("AL105", 2), finding("AL201", 3),
         finding("AL202", 3), finding("AL101", 4)], [src("main.tf", text)])
    assert ids_lines(kept) == [("AL102", "main.tf", 1)]
    assert [f.rule_id for f in suppressed] == ["AL101", "AL105", "AL201", "AL202", "AL101"]
    assert notes == []


def test_suppression_applies_only_in_its_file() -> None:
    text = "x = 1 # assume-lint: ignore[AL101]\n"
    kept, _, notes = run([finding("AL101", 1, "other.tf")], [src("main.tf", text)])
    assert ids_lines(kept) == [("AL101", "other.tf", 1)]
    assert ids_lines(notes) == [("AL901", "main.tf", 1)]


def test_unused_selector_is_reported_per_directive() -> None:
    text = "x = 1 # assume-lint: ignore[AL101,AL102,AL999] -- partly stale\n"
    kept, suppressed, notes = run([finding("AL101", 1)], [src("main.tf", text)])
    assert kept == [] and ids_lines(suppressed) == [("AL101", "main.tf", 1)]
    assert ids_lines(notes) == [("AL901", "main.tf", 1), ("AL901", "main.tf", 1)]
    assert notes[0].message.endswith("names no known rule: AL999")
    assert "AL102 reported nothing on this line" in notes[1].message
    assert "AL101" not in notes[1].message.split(":")[-1]
    assert notes[1].severity == Severity.INFO
    assert notes[1].rule_name == "unused-suppression"
    assert notes[1].location == Location("main.tf", 1, 7, 1, len(text))


def test_selectors_of_rules_that_did_not_run_are_not_unused() -> None:
    text = "x = 1 # assume-lint: ignore[AL101]\n"
    _, _, notes = run([], [src("main.tf", text)], active=lambda s: s.upper().startswith("AL2"))
    assert notes == []
    _, _, notes = run([], [src("main.tf", text)], active=lambda s: True)
    assert ids_lines(notes) == [("AL901", "main.tf", 1)]


def test_until_today_applies_and_after_it_expires() -> None:
    text = "x = 1 # assume-lint: ignore[AL101] until=2026-06-01 -- migration\n"
    kept, suppressed, notes = run([finding("AL101", 1)], [src("main.tf", text)],
                                  today=date(2026, 6, 1))
    assert (kept, len(suppressed), notes) == ([], 1, [])
    kept, suppressed, notes = run([finding("AL101", 1)], [src("main.tf", text)],
                                  today=date(2026, 6, 2))
    assert ids_lines(kept) == [("AL101", "main.tf", 1)]
    assert suppressed == []
    assert ids_lines(notes) == [("AL901", "main.tf", 1)]
    assert "expired on 2026-06-01" in notes[0].message


def test_require_reason_reports_al902_but_still_suppresses() -> None:
    text = ("a = 1 # assume-lint: ignore[AL101]\n"
            "b = 1 # assume-lint: ignore[AL101] -- reviewed\n"
            "c = 1 # assume-lint: ignore[AL101] --\n")
    findings = [finding("AL101", 1), finding("AL101", 2), finding("AL101", 3)]
    kept, suppressed, notes = run(findings, [src("main.tf", text)], require_reason=True)
    assert kept == [] and len(suppressed) == 3
    assert ids_lines(notes) == [("AL902", "main.tf", 1), ("AL902", "main.tf", 3)]
    assert notes[0].severity == Severity.LOW
    assert notes[0].rule_name == "suppression-without-reason"
    _, _, notes = run(findings, [src("main.tf", text)], require_reason=False)
    assert notes == []


def test_finish_callback_builds_the_notes() -> None:
    calls: list[tuple[str, str, Severity, Hit]] = []

    def finish(rule_id: str, name: str, severity: Severity, hit: Hit) -> Finding:
        calls.append((rule_id, name, severity, hit))
        return Finding(hit.location, rule_id, name, Severity.MEDIUM, hit.message, hit.key,
                       fingerprint="engine")

    text = "x = 1 # assume-lint: ignore[AL101]\n"
    outcome = apply([], {"main.tf": parse_directives(src("main.tf", text))}, [],
                    today=TODAY, require_reason=True, rule_lookup=known, finish=finish)
    assert [(c[0], c[1], c[2]) for c in calls] == [
        ("AL901", "unused-suppression", Severity.INFO),
        ("AL902", "suppression-without-reason", Severity.LOW)]
    assert calls[0][3].key == "suppression/assume-lint: ignore[AL101]"
    assert [n.fingerprint for n in outcome.notes] == ["engine", "engine"]


def test_findings_keep_order_and_other_fields() -> None:
    text = "x = 1 # assume-lint: ignore[AL101] -- why\n"
    f = finding("AL101", 1, key="aws_iam_role.x/#0")
    _, suppressed, _ = run([f], [src("main.tf", text)])
    assert suppressed[0] == f  # compare excludes `suppressed`
    assert suppressed[0].fingerprint == f.fingerprint
    assert suppressed[0].suppressed == "inline: why"


# --------------------------------------------------------------------------- config ignores


def test_key_matching_sid_role_profile() -> None:
    trust = "iam/break-glass.json/BreakGlass"
    assert key_matches(trust, sid="BreakGlass")
    assert key_matches(trust, sid="Break*")
    assert not key_matches(trust, sid="breakglass")  # Sids are case-sensitive
    assert not key_matches("aws_iam_role.x", sid="x")
    assert key_matches("aws_iam_role.deploy/#0", sid="#0")
    assert key_matches("aws_iam_role.deploy/#0", role="deploy")
    assert key_matches("aws_iam_role.deploy/#0", role="aws_iam_role.deploy")
    assert key_matches("module.a.aws_iam_role.deploy/#0", role="deploy")
    assert key_matches("aws_iam_role.deploy", role="deploy")
    assert not key_matches("aws_iam_role.deployer/#0", role="deploy")
    assert key_matches(trust, role="iam/break-glass.json")
    assert key_matches(trust, role="iam/*")
    assert key_matches("aws_iam_role.deploy/Admin", sid="Admin", role="deploy")
    assert not key_matches("aws_iam_role.deploy/Admin", sid="Admin", role="other")
    assert key_matches("profile team/.aws/deploy", profile="deploy")
    assert key_matches("home/.aws/profile deploy", profile="deploy")
    assert key_matches("profile deploy/aws_access_key_id", profile="deploy")
    assert key_matches("profile dev-1/x", profile="dev-*")
    assert not key_matches("home/.aws/profile deployer", profile="deploy")
    assert not key_matches("aws_iam_role.deploy/#0", profile="deploy")


def test_path_globs_match_like_exclude() -> None:
    assert path_matches("iam/break-glass.json", "iam/break-glass.json")
    assert path_matches("iam/sub/x.json", "iam/*.json")
    assert path_matches("iam/sub/x.json", "iam")
    assert path_matches("iam/sub/x.json", "iam/")
    assert not path_matches("other/iam/x.json", "iam/*")
    assert not path_matches("IAM/x.json", "iam/*")


CONFIG = """\
fail-on = "medium"

[[ignores]]
rule = "AL101"
path = "iam/break-glass.json"
sid = "BreakGlass"
reason = "reviewed quarterly"
until = "2027-06-30"

[[ignores]]  # a profile
rule = "broken-profile-chain"
path = ".aws/*"
profile = "legacy"

  [[ ignores ]]
rule = "AL102"
path = "iam/*"
until = "2026-01-01"
"""


def _config_ignores() -> list[ConfigIgnore]:
    entries = [
        {"rule": "AL101", "path": "iam/break-glass.json", "sid": "BreakGlass",
         "reason": "reviewed quarterly", "until": "2027-06-30"},
        {"rule": "broken-profile-chain", "path": ".aws/*", "profile": "legacy"},
        {"rule": "AL102", "path": "iam/*", "until": "2026-01-01"},
    ]
    return config_ignores_from(entries, ".assume-lint.toml", CONFIG)


def test_config_ignores_are_built_with_their_lines() -> None:
    assert ignore_entry_lines(CONFIG) == [3, 10, 15]
    assert ignore_entry_lines("[tool.assume-lint]\n[[tool.assume-lint.ignores]]\n") == [2]
    ignores = _config_ignores()
    assert ignores[0] == ConfigIgnore(
        rule="AL101", path="iam/break-glass.json", sid="BreakGlass", role=None,
        profile=None, reason="reviewed quarterly", until=date(2027, 6, 30),
        location=Location(".assume-lint.toml", 3, 1))
    assert [i.location.line for i in ignores] == [3, 10, 15]
    assert config_ignores_from([{"rule": "AL1"}], "c.toml")[0].location == Location(
        "c.toml", 1, 1)
    with pytest.raises(ValueError, match="until"):
        config_ignores_from([{"rule": "AL1", "until": "2027-02-30"}], "c.toml")


def test_config_ignores_by_path_sid_and_profile() -> None:
    findings = [
        finding("AL101", 5, "iam/break-glass.json", key="iam/break-glass.json/BreakGlass"),
        finding("AL101", 9, "iam/break-glass.json", key="iam/break-glass.json/#1"),
        finding("AL101", 5, "iam/other.json", key="iam/other.json/BreakGlass"),
        finding("AL206", 4, ".aws/config", key="profile .aws/legacy"),
        finding("AL206", 8, ".aws/config", key="profile .aws/current"),
        finding("AL102", 3, "iam/x.json", key="iam/x.json/#0"),
    ]
    kept, suppressed, notes = run(findings, [], _config_ignores(), require_reason=True)
    assert ids_lines(suppressed) == [("AL101", "iam/break-glass.json", 5),
                                     ("AL206", ".aws/config", 4)]
    assert [f.suppressed for f in suppressed] == ["config: reviewed quarterly",
                                                  "config: suppressed"]
    assert ids_lines(kept) == [("AL101", "iam/break-glass.json", 9),
                               ("AL101", "iam/other.json", 5),
                               ("AL206", ".aws/config", 8),
                               ("AL102", "iam/x.json", 3)]
    # the profile entry has no reason (AL902); the AL102 entry expired (AL901) and has none
    assert ids_lines(notes) == [("AL902", ".assume-lint.toml", 10),
                                ("AL901", ".assume-lint.toml", 15),
                                ("AL902", ".assume-lint.toml", 15)]
    assert "expired on 2026-01-01" in notes[1].message


def test_unused_and_unknown_config_ignores() -> None:
    ignores = [ConfigIgnore(rule="AL101", path="nothing/*", location=Location("c.toml", 4)),
               ConfigIgnore(rule="AL999", path="*", location=Location("c.toml", 9))]
    _, _, notes = run([finding("AL101", 1)], [], ignores)
    assert ids_lines(notes) == [("AL901", "c.toml", 4), ("AL901", "c.toml", 9)]
    assert notes[0].message.startswith('Unused config ignore (rule = "AL101", path = "nothing/*")')
    assert "names no known rule" in notes[1].message


def test_inline_reason_wins_over_config_reason() -> None:
    text = "x = 1 # assume-lint: ignore[AL101] -- inline\n"
    ignores = [ConfigIgnore(rule="AL101", path="*.tf", reason="config")]
    _, suppressed, notes = run([finding("AL101", 1)], [src("main.tf", text)], ignores)
    assert [f.suppressed for f in suppressed] == ["inline: inline"]
    assert notes == []  # both were used


# --------------------------------------------------------------------------- hostile input


@pytest.mark.parametrize("text", [
    "# assume-lint: ignore[" + "A," * 500_000 + "\n",
    "x # assume-lint: ignore[AL1] -- " + " " * 1_000_000 + "x\n",
    "x " + "#" * 1_000_000 + " assume-lint\n",
    "# assume-lint: ignore[AL1] until=" + "9" * 1_000_000 + "\n",
    "# assume-lint:" + "\t" * 1_000_000 + "ignore\n",
    "# assume-lint: ignore[AL1]\n" * 40_000,
    ("# assume-lint: ignore[AL1]\nresource {\n" * 40_000),
    ('# assume-lint: ignore[AL1]\nx = "' + '\\"' * 500_000 + "{\n"),
    ("# assume-lint: ignore[AL1]\nx = <<EOF\n" * 40_000),
    ("# assume-lint: ignore[AL1]\nx = " + "<<a" * 400_000 + " b\n"),
])
def test_adversarial_input_is_linear(text: str) -> None:
    """Linear: well inside the CPU budget (a quadratic scan of this megabyte takes minutes)."""
    assert len(text) >= 1_000_000
    with cpu_within(what="directives in a hostile .tf"):
        parse_directives(src("main.tf", text))


@pytest.mark.parametrize("rel", ["t.yaml", ".aws/config"])
def test_adversarial_blocks_in_yaml_and_ini(rel: str) -> None:
    line = "# assume-lint: ignore[AL1]\n"
    text = "".join(line + " " * depth + "k:\n" for depth in range(1_400)) \
        if rel == "t.yaml" else (line + "[s]\n") * 40_000
    with cpu_within(what=f"directives in a hostile {rel}"):
        directives = parse_directives(src(rel, text))
    if rel == "t.yaml":
        assert len(text) >= 1_000_000
        assert (directives[0].first_line, directives[0].last_line) == (2, 2_800)
    else:
        assert (directives[0].first_line, directives[0].last_line) == (2, 2)
