"""The block prefilter blanks irrelevant top-level blocks and keeps every line in place."""

from __future__ import annotations

import pytest

from assume_lint.model import ParseProblem
from assume_lint.parsers.hcl import parse_hcl
from assume_lint.parsers.hcl_blocks import MAX_BLOCK_TOKENS, keep_relevant, over_budget

TEXT = '''\
module "vpc" {
  source = "x"
  tags   = { a = "}" }
}
resource "aws_iam_role" "r" {
  assume_role_policy = <<EOF
{"Statement": [{"Principal": "*"}]}
EOF
}
resource "aws_s3_bucket" "b" {
  policy = <<-POLICY
    { "x": "{" }
  POLICY
}
# provider "aws" { in a comment }
provider "aws" {
  region = "us-east-1"
}
output "o" { value = 1 }
data "aws_iam_policy_document" "d" {
}
data "aws_caller_identity" "me" {}
'''


def test_irrelevant_blocks_are_blanked_and_lines_kept() -> None:
    out = keep_relevant(TEXT)
    assert out.count("\n") == TEXT.count("\n")
    lines = out.split("\n")
    assert lines[0:4] == ["", "", "", ""]  # module
    assert lines[4] == 'resource "aws_iam_role" "r" {'  # kept, same line
    assert lines[9:14] == ["", "", "", "", ""]  # the S3 bucket, heredoc and all
    assert lines[15] == 'provider "aws" {'
    assert lines[18] == ""  # output on one line
    assert lines[19] == 'data "aws_iam_policy_document" "d" {'
    assert lines[21] == ""


@pytest.mark.parametrize("broken", [
    'module "m" {\n  a = 1\n',  # unclosed
    'module "m" {\n}\n}\n',  # extra brace
    'resource "x" "y" {\n  p = <<EOF\nno end\n}\n',  # unterminated heredoc
    'module "m" {\n  a = "no end\n}\n',  # unterminated string
    'module "m" {\n  /* no end\n}\n',  # unterminated block comment
])
def test_unsure_scans_leave_the_text_alone(broken: str) -> None:
    assert keep_relevant(broken) == broken


def test_a_block_sharing_its_last_line_is_kept() -> None:
    text = 'module "m" {\n} provider "aws" {\n}\n'
    assert keep_relevant(text) == text


def test_comments_and_strings_hide_braces() -> None:
    text = 'module "m" {\n  /* } */ a = "\\"}" # }\n}\nprovider "aws" {\n}\n'
    out = keep_relevant(text)
    assert out.split("\n")[:3] == ["", "", ""]
    assert out.split("\n")[3] == 'provider "aws" {'


BIG = "a + " * MAX_BLOCK_TOKENS  # twice the budget: "a" and "+" are a token each
SMALL = 'provider "aws" {\n  access_key = "k"\n}\n'


def test_blocks_within_the_budget_are_not_touched() -> None:
    text = SMALL + "locals {\n  x = " + "a + " * (MAX_BLOCK_TOKENS // 4) + "a\n}\n"
    assert over_budget(text) == (text, [])


def test_a_block_over_the_budget_is_blanked_where_it_stands() -> None:
    text = SMALL + "locals {\n  x = " + BIG + "a\n}\n" + SMALL
    out, over = over_budget(text)
    assert [line for line, _count in over] == [4]
    assert over[0][1] > MAX_BLOCK_TOKENS
    assert out.count("\n") == text.count("\n")
    assert out.split("\n")[3:6] == ["", "", ""]
    assert out.split("\n")[6] == 'provider "aws" {'


def test_parse_hcl_reports_the_skipped_block_and_keeps_the_rest() -> None:
    text = SMALL + "locals {\n  x = " + BIG + "a\n}\n" + SMALL
    parsed = parse_hcl(text, "m/main.tf")
    assert not isinstance(parsed, ParseProblem)
    assert [(p.location.line, p.message.split(":")[0]) for p in parsed.problems] == [
        (4, "HCL too large to analyse")]
    assert [b.type for b in parsed.body.blocks] == ["provider", "provider"]
    assert [b.location.line for b in parsed.body.blocks] == [1, 7]


@pytest.mark.parametrize("text", [
    "x = " + BIG + "a\n",  # a top-level expression, outside any block
    'provider "aws" {\n  x = ' + BIG + "{\n",  # unbalanced: no blocks to keep apart
])
def test_a_file_that_cannot_be_split_is_one_problem(text: str) -> None:
    parsed = parse_hcl(text, "m/main.tf")
    assert isinstance(parsed, ParseProblem)
    assert parsed.location.line == 1
    assert parsed.message.startswith("HCL too large to analyse: about ")
