"""AL110 trust-policy-without-version: IAM accepts a policy without Version (2008-10-17)."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import loc, model, principal, role, statement
from conftest import FIXTURES, lint_fixture

from assume_lint.files.sources import SourceFile
from assume_lint.model import Attr, Model, Statement
from assume_lint.model.findings import Severity
from assume_lint.model.registry import RuleContext, find_rule
from assume_lint.parsers.trust_json import parse_file
from assume_lint.rules import al110_trust_policy_without_version as rule


def run(m: Model) -> list[tuple[str, int, int]]:
    hits = rule.check(m, RuleContext())
    return [(rule.RULE.id, h.location.line, h.location.column) for h in hits]


def _stmt() -> Statement:
    return statement(principals=[principal("ecs-tasks.amazonaws.com", kind="Service", line=5)])


def test_missing_version_is_a_low_note_at_the_trust_policy() -> None:
    found = role(_stmt(), has_version=False, trust_location=loc(3, 7))
    assert run(model([found])) == [("AL110", 3, 7)]
    assert rule.RULE.severity is Severity.LOW


def test_written_versions_and_unknown_trusts_are_silent() -> None:
    written = role(_stmt(), version=Attr("2012-10-17", loc(2, 3)))
    old = role(_stmt(), version=Attr("2008-10-17", loc(2, 3)))
    unknown = role(has_version=False, trust_known=False)
    assert run(model([written, old, unknown])) == []


def test_from_a_json_file_without_version() -> None:
    text = (
        "{\n"
        '  "Statement": [{\n'
        '    "Effect": "Allow",\n'
        '    "Principal": {"Service": "lambda.amazonaws.com"},\n'
        '    "Action": "sts:AssumeRole"\n'
        "  }]\n"
        "}\n"
    )
    found = parse_file(SourceFile(Path("lambda-trust.json"), "lambda-trust.json", text))
    assert run(found) == [("AL110", 1, 1)]


def test_cloudformation_template_without_version() -> None:
    """A realistic ECS template: two roles without Version (low notes, not "AWS would
    reject it"), one with it, and a policy variable that the missing Version breaks."""
    assert lint_fixture(FIXTURES / "cfn_without_version", "--min-severity", "info") == [
        ("AL109", "ecs-service.yml", 67, "high"),  # ${aws:PrincipalTag/team} read as text
        ("AL110", "ecs-service.yml", 18, "low"),  # TaskExecutionRole
        ("AL110", "ecs-service.yml", 54, "low"),  # OperatorsRole
    ]
    assert lint_fixture(FIXTURES / "cfn_without_version", "--extend-select", "AL110") == [
        ("AL109", "ecs-service.yml", 67, "high"),
        ("AL110", "ecs-service.yml", 18, "low"),
        ("AL110", "ecs-service.yml", 54, "low"),
    ]


def test_opt_in_hidden_by_the_default_rule_set(capsys: pytest.CaptureFixture[str]) -> None:
    """AWS documents Version as mattering only for policy variables: the note is a nit.
    The default run keeps AL109 (the policy variable that cannot work) and counts the
    AL110 notes as hidden, saying how to show them."""
    assert rule.RULE.default is False
    assert lint_fixture(FIXTURES / "cfn_without_version") == [
        ("AL109", "ecs-service.yml", 67, "high"),
    ]
    import json

    from assume_lint.cli import main

    main([str(FIXTURES / "cfn_without_version"), "--no-config", "--no-cache", "--soft-fail",
          "-f", "json"])
    assert json.loads(capsys.readouterr().out)["summary"]["hidden"] == {"AL110": 2}


def test_rule_is_registered_with_documentation() -> None:
    found = find_rule("trust-policy-without-version")
    assert found is not None and found.id == "AL110"
    for heading in ("## What it does", "## Why is this bad?", "## Example", "Use instead:",
                    "## References"):
        assert heading in found.doc
