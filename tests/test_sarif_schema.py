"""The SARIF output against the SARIF 2.1.0 schema and Microsoft's SARIF Multitool.

Both live in ../shared beside the checkout (schemas/sarif-schema-2.1.0.json and
tools/sarif-validate, which runs the Multitool with GitHub's ingestion rules). Tests skip
with the reason when either is unavailable, never silently pass.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema.validators import validator_for
from prepared import sarif_validate

from assume_lint.formatters import render
from assume_lint.model import Model
from assume_lint.model.findings import Finding, Hit, Location, Severity
from assume_lint.model.registry import Rule, RuleContext, RuleMeta
from assume_lint.model.result import RunResult

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SCHEMA = SHARED / "schemas" / "sarif-schema-2.1.0.json"

DOC = '''Flags a thing.

## What it does
Checks a `thing` in trust policies.

## Why is this bad?
Because.

## Example
```json
{"Principal": "*"}
```

Use instead:
```json
{"Principal": {"AWS": "arn:aws:iam::111111111111:root"}}
```

## References
- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
'''


def _no_hits(model: Model, ctx: RuleContext) -> Iterator[Hit]:
    return iter(())


def _rule(rule_id: str, name: str, severity: Severity) -> Rule:
    meta = RuleMeta(rule_id, name, f"{name} summary", severity, ("iam",))
    return Rule(meta, _no_hits, DOC, f"al{rule_id[2:]}_{name.replace('-', '_')}")


RULES = [
    _rule("AL101", "trust-any-principal", Severity.CRITICAL),
    _rule("AL102", "cross-account-without-external-id", Severity.HIGH),
    _rule("AL103", "assume-without-mfa", Severity.MEDIUM),
    _rule("AL107", "service-confused-deputy", Severity.LOW),
    _rule("AL204", "missing-session-name", Severity.INFO),
    _rule("AL900", "parse-error", Severity.HIGH),
]


def _finding(rule: Rule, loc: Location, message: str, **kwargs: Any) -> Finding:
    return Finding(loc, rule.id, rule.name, rule.meta.severity, message, **kwargs)


def hostile_result() -> RunResult:
    """Every SARIF feature at once: related locations, suppressions, odd paths, errors."""
    r101, r102, r103, r107, r204, r900 = RULES
    return RunResult(
        findings=[
            _finding(r101, Location("iam/trust policy #1 %x ü.json", 4, 5, 4, 20),
                     'Role deploy trusts Principal ["*"]', key="deploy"),
            _finding(r102, Location("main.tf", 10, 3), "Account 222222222222 may assume role ci",
                     related=(Location("providers.tf", 3, 1), Location("b c/d.tf", 7, 9, 8, 1))),
            _finding(r103, Location(".aws/config", 2, 1), "Profile admin has no MFA",
                     fingerprint="f" * 64),
            _finding(r204, Location("main.tf", 1, 1, 1, 9), "Provider has no session_name"),
            _finding(r900, Location("broken.tf", 3, 7), "Unexpected token"),
            Finding(Location("x.tf", 1, 1), "AL999", "unknown-rule", Severity.LOW, "odd"),
            _finding(r204, Location("raw\udcff name.tf", 2, 1), "Undecodable file name"),
            _finding(r102, Location("plans/tfplan.json", 1, 4727, 1, 4760,
                                    logical='module.ci["a b"].aws_iam_role.this[0]'),
                     "Role ci trusts account 777788889999",
                     related=(Location("infra/main.tf", 16, 22, 16, 61),
                              Location("plans/tfplan.json", 1, 310, 1, 350,
                                       logical="data.aws_iam_policy_document.trust"))),
        ],
        suppressed=[
            _finding(r107, Location("svc.json", 6, 2), "Service lambda",
                     suppressed="inline: reviewed"),
            _finding(r101, Location("legacy.json", 1, 1), "Old role", suppressed="baseline"),
        ],
        files_scanned=9,
        errors=1,
    )


def _render(**kwargs: Any) -> str:
    return render("sarif", hostile_result(), RULES, include_suppressed=True, **kwargs)


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    if not SCHEMA.is_file():
        pytest.skip(f"SARIF schema not found at {SCHEMA} (../shared is missing)")
    loaded: dict[str, Any] = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return loaded


def _errors(schema: dict[str, Any], log: Any) -> list[str]:
    validator = validator_for(schema)(schema)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(log)]


def test_schema_accepts_full_output(schema: dict[str, Any]) -> None:
    assert _errors(schema, json.loads(_render())) == []


def test_schema_accepts_empty_output(schema: dict[str, Any]) -> None:
    assert _errors(schema, json.loads(render("sarif", RunResult(), RULES))) == []


def test_schema_is_really_checking(schema: dict[str, Any]) -> None:
    """A guard against a vacuous validator: a bad level must be rejected."""
    log = json.loads(_render())
    log["runs"][0]["results"][0]["level"] = "critical"
    assert _errors(schema, log) != []


def _multitool(path: Path) -> tuple[int, str]:
    """Run ../shared/tools/sarif-validate on ``path``; skip when it cannot run."""
    return sarif_validate(path)


def test_multitool_reports_no_error_and_no_warning(tmp_path: Path) -> None:
    target = tmp_path / "out.sarif"
    target.write_text(_render(), encoding="utf-8")
    code, output = _multitool(target)
    assert "0 errors, 0 warnings" in output, output
    assert code == 0, output


def test_multitool_is_really_checking(tmp_path: Path) -> None:
    """A guard against a vacuous pass: a result without a location must be an error."""
    log = json.loads(_render())
    del log["runs"][0]["results"][0]["locations"]
    target = tmp_path / "bad.sarif"
    target.write_text(json.dumps(log), encoding="utf-8")
    code, output = _multitool(target)
    assert code == 1, output
    assert "error GH1015" in output, output


def _real_rules() -> list[Rule]:
    """The discovered rule catalogue; skip while no rule module exists yet."""
    from assume_lint.model.registry import all_rules

    rules = all_rules()
    if not rules:
        pytest.skip("no rule modules in assume_lint.rules yet")
    return rules


def _real_log(rules: list[Rule]) -> str:
    """One finding per real rule, so every descriptor is referenced."""
    findings = [
        Finding(Location(f"dir {i}/f.tf", i + 1, 2), r.id, r.name, r.meta.severity, "m")
        for i, r in enumerate(rules)
    ]
    return render("sarif", RunResult(findings=findings, files_scanned=len(rules)), rules)


def test_real_catalogue_descriptors(schema: dict[str, Any]) -> None:
    rules = _real_rules()
    text = _real_log(rules)
    assert "AKIAIOSFODNN7EXAMPLE" not in text  # rule docs quote AWS's example key
    log = json.loads(text)
    assert _errors(schema, log) == []
    descriptors = log["runs"][0]["tool"]["driver"]["rules"]
    assert [d["id"] for d in descriptors] == [r.id for r in rules]
    for d in descriptors:
        assert d["fullDescription"]["text"].strip(". "), d["id"]
        assert "`" not in d["fullDescription"]["text"], d["id"]
        assert "security" in d["properties"]["tags"], d["id"]
        assert len(d["properties"]["tags"]) <= 20, d["id"]
        assert isinstance(d["properties"]["security-severity"], str), d["id"]
        float(d["properties"]["security-severity"])


def test_real_catalogue_passes_multitool(tmp_path: Path) -> None:
    rules = _real_rules()
    target = tmp_path / "real.sarif"
    target.write_text(_real_log(rules), encoding="utf-8")
    code, output = _multitool(target)
    assert "0 errors, 0 warnings" in output, output
    assert code == 0, output
