"""The block prefilter blanks irrelevant top-level blocks and keeps every line in place."""

from __future__ import annotations

import pytest

from assume_lint.parsers.hcl_blocks import keep_relevant

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
])
def test_unsure_scans_leave_the_text_alone(broken: str) -> None:
    assert keep_relevant(broken) == broken


def test_a_block_sharing_its_last_line_is_kept() -> None:
    text = 'module "m" {\n} provider "aws" {\n}\n'
    assert keep_relevant(text) == text
