"""Formatter tests: exact text lines, the JSON document shape, SARIF structure, masking.

Built on hand-made findings and two fake rules, so these tests do not depend on which
rule modules exist yet. Schema and Multitool validation live in test_sarif_schema.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from assume_lint import __version__
from assume_lint.formatters import FORMATTERS, fingerprint, one_line, render
from assume_lint.formatters.sarif import build
from assume_lint.model import Model
from assume_lint.model.findings import Finding, Hit, Location, Severity
from assume_lint.model.registry import Rule, RuleContext, RuleMeta
from assume_lint.model.result import RunResult

OIDC_DOC = '''Flags OIDC trust without a restrictive subject.

## What it does
Checks that a role trusted by an OIDC provider restricts the `sub` claim
to **specific** repositories ([docs](https://example.com/oidc)).

More detail in a second paragraph.

## Why is this bad?
Anyone on GitHub could assume the role.

Keys such as `AKIAIOSFODNN7EXAMPLE` in docs are masked too.

## Example
```json
{"Principal": {"Federated": "token.actions.githubusercontent.com"}}
```

## References
- https://docs.github.com/actions
'''

PARSE_DOC = '''A file of a recognised format cannot be parsed.

## What it does
Reports files that fail to parse

## Why is this bad?
Nothing in them is checked.
'''


def _no_hits(model: Model, ctx: RuleContext) -> Iterator[Hit]:
    return iter(())


def make_rule(
    rule_id: str,
    name: str,
    severity: Severity,
    doc: str,
    tags: tuple[str, ...] = (),
    precision: str = "high",
) -> Rule:
    """A fake discovered rule."""
    meta = RuleMeta(
        id=rule_id,
        name=name,
        summary=f"{name} summary",
        severity=severity,
        tags=tags,
        precision=precision,
    )
    module = f"al{rule_id[2:]}_{name.replace('-', '_')}"
    return Rule(meta=meta, check=_no_hits, doc=doc, module=module)


RULES = [
    make_rule("AL105", "oidc-subject-unrestricted", Severity.CRITICAL, OIDC_DOC, ("oidc", "iam")),
    make_rule("AL900", "parse-error", Severity.HIGH, PARSE_DOC),
]


def finding(
    path: str,
    line: int,
    col: int,
    rule_id: str = "AL105",
    severity: Severity = Severity.CRITICAL,
    message: str = "Role deploy trusts GitHub OIDC for any repository",
    **kwargs: Any,
) -> Finding:
    """A finding for one of the fake rules (or any other id)."""
    names = {"AL105": "oidc-subject-unrestricted", "AL900": "parse-error"}
    end_line = kwargs.pop("end_line", None)
    end_column = kwargs.pop("end_column", None)
    return Finding(
        location=Location(path, line, col, end_line, end_column),
        rule_id=rule_id,
        rule_name=kwargs.pop("rule_name", names.get(rule_id, "some-rule")),
        severity=severity,
        message=message,
        **kwargs,
    )


def sample_result() -> RunResult:
    """Two files, three findings given out of order, one suppressed finding."""
    return RunResult(
        findings=[
            finding("main.tf", 12, 5, severity=Severity.MEDIUM, message="second"),
            finding("b/iam.json", 3, 7, key="role.deploy", fingerprint="fp-1"),
            finding("main.tf", 2, 3, severity=Severity.CRITICAL, message="first"),
        ],
        suppressed=[
            finding("main.tf", 8, 1, message="hidden", suppressed="inline: vendor account"),
        ],
        files_scanned=4,
    )


# --- dispatch -----------------------------------------------------------------------------


def test_formatters_lists_five_formats() -> None:
    assert sorted(FORMATTERS) == ["github", "gitlab", "json", "sarif", "text"]


def test_unknown_format_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown format 'xml'"):
        render("xml", RunResult(), RULES)


@pytest.mark.parametrize("fmt", sorted(FORMATTERS))
def test_render_dispatches_and_is_deterministic(fmt: str) -> None:
    first = render(fmt, sample_result(), RULES)
    assert first == render(fmt, sample_result(), RULES)
    assert first.endswith("\n")


# --- text ---------------------------------------------------------------------------------


def test_text_exact_lines_sorted_by_location() -> None:
    out = render("text", sample_result(), RULES)
    assert out.splitlines() == [
        "b/iam.json:3:7: AL105 [critical] Role deploy trusts GitHub OIDC for any repository"
        " (oidc-subject-unrestricted)",
        "main.tf:2:3: AL105 [critical] first (oidc-subject-unrestricted)",
        "main.tf:12:5: AL105 [medium] second (oidc-subject-unrestricted)",
        "3 findings (2 critical, 1 medium) in 4 files, 1 suppressed",
    ]


def test_text_empty_result_is_summary_only() -> None:
    assert render("text", RunResult(files_scanned=1), RULES) == "0 findings in 1 file\n"


def test_text_ignores_include_suppressed() -> None:
    out = render("text", sample_result(), RULES, include_suppressed=True)
    assert "hidden" not in out


def test_text_no_ansi_without_color() -> None:
    assert "\x1b" not in render("text", sample_result(), RULES)


def test_text_color_wraps_severity_only() -> None:
    out = render("text", sample_result(), RULES, color=True)
    lines = out.splitlines()
    assert lines[1] == (
        "main.tf:2:3: AL105 \x1b[1;31m[critical]\x1b[0m first (oidc-subject-unrestricted)"
    )
    assert lines[2] == (
        "main.tf:12:5: AL105 \x1b[33m[medium]\x1b[0m second (oidc-subject-unrestricted)"
    )
    assert "\x1b" not in lines[3]


@pytest.mark.parametrize(
    ("path", "escaped"),
    [
        ("a\nb.tf", "a\\nb.tf"),
        ("a\rb.tf", "a\\rb.tf"),
        ("tab\there.tf", "tab\\there.tf"),
        ("esc\x1b[31m.tf", "esc\\x1b[31m.tf"),
        ("ls\u2028x.tf", "ls\\u2028x.tf"),
        ("bidi\u202eftl.tf", "bidi\\u202eftl.tf"),
        ("bad\udcff.tf", "bad\\udcff.tf"),
        ("plain dir/ümlaut #1.tf", "plain dir/ümlaut #1.tf"),
    ],
)
def test_text_paths_stay_on_one_line(path: str, escaped: str) -> None:
    result = RunResult(findings=[finding(path, 1, 1, message="m")], files_scanned=1)
    lines = render("text", result, RULES).splitlines()
    assert lines == [
        f"{escaped}:1:1: AL105 [critical] m (oidc-subject-unrestricted)",
        "1 finding (1 critical) in 1 file",
    ]


def test_text_message_newlines_escaped() -> None:
    result = RunResult(findings=[finding("x.tf", 1, 1, message="one\ntwo")])
    assert render("text", result, RULES).splitlines()[0] == (
        "x.tf:1:1: AL105 [critical] one\\ntwo (oidc-subject-unrestricted)"
    )


def test_one_line_leaves_printable_text_alone() -> None:
    assert one_line("repo:org/* — ok") == "repo:org/* — ok"


# --- json ---------------------------------------------------------------------------------


def test_json_exact_document() -> None:
    result = RunResult(
        findings=[
            finding(
                "iam/role.json",
                4,
                9,
                end_line=4,
                end_column=30,
                key="role.deploy",
                fingerprint="abc123",
                related=(Location("main.tf", 7, 3),),
            )
        ],
        files_scanned=2,
        errors=1,
        parse_errors=3,
        hidden={"AL204": 5},
    )
    doc = json.loads(render("json", result, RULES))
    assert doc == {
        "version": __version__,
        "findings": [
            {
                "rule_id": "AL105",
                "rule_name": "oidc-subject-unrestricted",
                "severity": "critical",
                "message": "Role deploy trusts GitHub OIDC for any repository",
                "path": "iam/role.json",
                "line": 4,
                "column": 9,
                "end_line": 4,
                "end_column": 30,
                "related": [
                    {
                        "path": "main.tf",
                        "line": 7,
                        "column": 3,
                        "end_line": None,
                        "end_column": None,
                    }
                ],
                "fingerprint": "abc123",
            }
        ],
        "summary": {
            "findings": 1,
            "by_severity": {"info": 0, "low": 0, "medium": 0, "high": 0, "critical": 1},
            "files": 2,
            "suppressed": 0,
            "errors": 1,
            "parse_errors": 3,
            "by_rule": {"AL105": 1},
            "hidden": {"AL204": 5},
        },
    }


def test_json_has_one_finding_per_line_and_sorted_keys() -> None:
    out = render("json", sample_result(), RULES)
    doc = json.loads(out)
    lines = out.split("\n")
    assert lines[:2] == ["{", '  "findings": [']
    findings = lines[2 : 2 + len(doc["findings"])]
    assert [json.loads(line.strip().rstrip(",")) for line in findings] == doc["findings"]
    assert all(line.startswith("    {") for line in findings)
    assert [json.dumps(f, sort_keys=True) for f in doc["findings"]] == [
        line.strip().rstrip(",") for line in findings]
    assert lines[2 + len(doc["findings"])] == "  ],"
    assert lines[-4:] == ['  "summary": ' + json.dumps(doc["summary"], sort_keys=True) + ",",
                          f'  "version": "{doc["version"]}"', "}", ""]


def test_json_without_findings_is_one_line_per_key() -> None:
    from assume_lint.model.result import RunResult

    out = render("json", RunResult(files_scanned=2), RULES)
    assert out.split("\n")[:2] == ["{", '  "findings": [],']
    assert json.loads(out)["summary"]["files"] == 2


def test_json_order_and_suppressed_hidden_by_default() -> None:
    doc = json.loads(render("json", sample_result(), RULES))
    assert [(f["path"], f["line"]) for f in doc["findings"]] == [
        ("b/iam.json", 3),
        ("main.tf", 2),
        ("main.tf", 12),
    ]
    assert all("suppressed" not in f for f in doc["findings"])
    assert doc["summary"]["suppressed"] == 1
    assert doc["summary"]["by_severity"]["critical"] == 2


def test_json_include_suppressed_marks_them() -> None:
    doc = json.loads(render("json", sample_result(), RULES, include_suppressed=True))
    assert [(f["line"], f.get("suppressed")) for f in doc["findings"]] == [
        (3, None),
        (2, None),
        (8, "inline: vendor account"),
        (12, None),
    ]


def test_fingerprint_fallback_ignores_line_but_not_key() -> None:
    a = finding("main.tf", 2, 3, key="k")
    b = finding("main.tf", 40, 1, key="k")
    c = finding("main.tf", 2, 3, key="other")
    assert fingerprint(a) == fingerprint(b)
    assert fingerprint(a) != fingerprint(c)
    assert len(fingerprint(a)) == 64
    assert fingerprint(finding("x", 1, 1, fingerprint="given")) == "given"


# --- sarif structure ----------------------------------------------------------------------


def _run(result: RunResult, **kwargs: Any) -> dict[str, Any]:
    log = json.loads(render("sarif", result, RULES, **kwargs))
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1
    run: dict[str, Any] = log["runs"][0]
    return run


def test_sarif_driver_and_rules() -> None:
    run = _run(RunResult())
    driver = run["tool"]["driver"]
    assert driver["name"] == "assume-lint"
    assert driver["version"] == driver["semanticVersion"] == __version__
    assert driver["informationUri"] == "https://github.com/assume-lint/assume-lint"
    assert [r["id"] for r in driver["rules"]] == ["AL105", "AL900"]
    oidc = driver["rules"][0]
    assert oidc["name"] == "oidc-subject-unrestricted"
    assert oidc["shortDescription"] == {"text": "oidc-subject-unrestricted summary."}
    assert oidc["fullDescription"] == {
        "text": "Checks that a role trusted by an OIDC provider restricts the sub claim to "
        "specific repositories (docs)."
    }
    assert oidc["help"]["markdown"] == oidc["help"]["text"]
    assert oidc["help"]["text"].startswith("Flags OIDC trust without a restrictive subject.\n\n")
    assert "## Why is this bad?" in oidc["help"]["markdown"]
    assert oidc["helpUri"] == (
        "https://github.com/assume-lint/assume-lint/blob/main/docs/rules.md#al105"
    )
    assert oidc["defaultConfiguration"] == {"level": "error"}
    assert oidc["properties"] == {
        "tags": ["security", "oidc", "iam"],
        "precision": "high",
        "security-severity": "9.5",
    }
    assert driver["rules"][1]["fullDescription"] == {"text": "Reports files that fail to parse."}
    assert driver["rules"][1]["properties"]["security-severity"] == "8.0"
    assert run["automationDetails"] == {"id": "assume-lint/"}
    assert run["results"] == []
    assert run["invocations"] == [{"executionSuccessful": True}]


@pytest.mark.parametrize(
    ("severity", "level", "score"),
    [
        (Severity.CRITICAL, "error", "9.5"),
        (Severity.HIGH, "error", "8.0"),
        (Severity.MEDIUM, "warning", "5.5"),
        (Severity.LOW, "note", "3.0"),
        (Severity.INFO, "note", "1.0"),
    ],
)
def test_sarif_levels_and_security_severity(severity: Severity, level: str, score: str) -> None:
    rule = make_rule("AL105", "oidc-subject-unrestricted", severity, OIDC_DOC)
    result = RunResult(findings=[finding("a.tf", 1, 1, severity=severity)])
    log = build(result, [rule])
    descriptor = log["runs"][0]["tool"]["driver"]["rules"][0]
    assert descriptor["defaultConfiguration"]["level"] == level
    assert descriptor["properties"]["security-severity"] == score
    assert log["runs"][0]["results"][0]["level"] == level


def test_sarif_tags_capped_at_twenty_with_security() -> None:
    tags = tuple(f"t{i}" for i in range(30)) + ("security",)
    rule = make_rule("AL105", "oidc-subject-unrestricted", Severity.LOW, OIDC_DOC, tags)
    props = build(RunResult(), [rule])["runs"][0]["tool"]["driver"]["rules"][0]["properties"]
    assert len(props["tags"]) == 20
    assert props["tags"][0] == "security"


def test_sarif_result_shape() -> None:
    result = RunResult(
        findings=[
            finding(
                "my dir/a#b%c/ü.tf",
                5,
                3,
                end_line=6,
                end_column=2,
                key="aws_iam_role.deploy",
                fingerprint="fp-xyz",
                related=(Location("backend.tf", 2, 1), Location("./other.tf", 9, 4, 9, 12)),
            )
        ],
        files_scanned=2,
    )
    [res] = _run(result)["results"]
    assert res == {
        "ruleId": "AL105",
        "ruleIndex": 0,
        "level": "error",
        "message": {"text": "Role deploy trusts GitHub OIDC for any repository."},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {
                        "uri": "my%20dir/a%23b%25c/%C3%BC.tf",
                        "uriBaseId": "%SRCROOT%",
                    },
                    "region": {"startLine": 5, "startColumn": 3, "endLine": 6, "endColumn": 2},
                }
            }
        ],
        "partialFingerprints": {"assumeLint/v1": "fp-xyz"},
        "relatedLocations": [
            {
                "id": 1,
                "physicalLocation": {
                    "artifactLocation": {"uri": "backend.tf", "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": 2, "startColumn": 1, "endLine": 2, "endColumn": 2},
                },
                "message": {"text": "related: backend.tf:2:1"},
            },
            {
                "id": 2,
                "physicalLocation": {
                    "artifactLocation": {"uri": "other.tf", "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": 9, "startColumn": 4, "endLine": 9, "endColumn": 12},
                },
                "message": {"text": "related: ./other.tf:9:4"},
            },
        ],
    }
    assert "primaryLocationLineHash" not in json.dumps(res)


@pytest.mark.parametrize(
    ("loc", "region"),
    [
        (Location("a", 3, 4), (3, 4, 3, 5)),
        (Location("a", 3, 4, 3, None), (3, 4, 3, 5)),
        (Location("a", 3, 4, 3, 4), (3, 4, 3, 5)),
        (Location("a", 3, 4, 2, 9), (3, 4, 3, 5)),
        (Location("a", 3, 4, 3, 20), (3, 4, 3, 20)),
        (Location("a", 0, 0), (1, 1, 1, 2)),
    ],
)
def test_sarif_region_end_is_exclusive_and_after_start(
    loc: Location, region: tuple[int, int, int, int]
) -> None:
    f = Finding(loc, "AL105", "oidc-subject-unrestricted", Severity.HIGH, "m")
    [res] = build(RunResult(findings=[f]), RULES)["runs"][0]["results"]
    got = res["locations"][0]["physicalLocation"]["region"]
    assert (got["startLine"], got["startColumn"], got["endLine"], got["endColumn"]) == region


def test_sarif_fingerprint_fallback_is_sha256() -> None:
    f = finding("a.tf", 1, 1, key="k")
    [res] = build(RunResult(findings=[f]), RULES)["runs"][0]["results"]
    assert res["partialFingerprints"] == {"assumeLint/v1": fingerprint(f)}


def test_sarif_absolute_path_under_root_made_relative() -> None:
    f = finding("/repo/x/y.tf", 1, 1)
    [res] = build(RunResult(findings=[f], root="/repo"), RULES)["runs"][0]["results"]
    assert res["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "x/y.tf",
        "uriBaseId": "%SRCROOT%",
    }


def test_sarif_suppressed_only_when_included() -> None:
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"]
            for r in _run(sample_result())["results"]] == [3, 2, 12]
    results = _run(sample_result(), include_suppressed=True)["results"]
    marked = [r for r in results if "suppressions" in r]
    assert len(results) == 4
    assert [m["suppressions"] for m in marked] == [
        [{"kind": "inSource", "justification": "inline: vendor account"}]
    ]


@pytest.mark.parametrize(
    ("how", "kind"),
    [
        ("inline: reviewed", "inSource"),
        ("baseline", "external"),
        ("config: reviewed quarterly", "external"),
        ("", "external"),
    ],
)
def test_sarif_suppression_kinds(how: str, kind: str) -> None:
    result = RunResult(suppressed=[finding("a.tf", 1, 1, suppressed=how)])
    [res] = _run(result, include_suppressed=True)["results"]
    assert res["suppressions"][0]["kind"] == kind
    assert res["suppressions"][0]["justification"] == (how or "suppressed")


def test_sarif_category() -> None:
    assert _run(RunResult(), category="iam")["automationDetails"] == {"id": "iam/"}
    assert _run(RunResult(), category="iam/")["automationDetails"] == {"id": "iam/"}


def test_sarif_parse_errors_become_notifications() -> None:
    result = RunResult(
        findings=[
            finding("bad.tf", 4, 2, rule_id="AL900", severity=Severity.HIGH,
                    message="unexpected token '}'"),
            finding("ok.tf", 1, 1),
        ],
        errors=1,
    )
    run = _run(result)
    assert run["invocations"] == [
        {
            "executionSuccessful": False,
            "toolExecutionNotifications": [
                {
                    "level": "error",
                    "message": {"text": "unexpected token '}'."},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": "bad.tf", "uriBaseId": "%SRCROOT%"},
                                "region": {
                                    "startLine": 4,
                                    "startColumn": 2,
                                    "endLine": 4,
                                    "endColumn": 3,
                                },
                            }
                        }
                    ],
                    "associatedRule": {"id": "AL900", "index": 1},
                }
            ],
        }
    ]
    assert [(r["ruleId"], r["ruleIndex"]) for r in run["results"]] == [("AL900", 1), ("AL105", 0)]


def test_sarif_unknown_rule_gets_a_descriptor() -> None:
    result = RunResult(findings=[finding("a.tf", 1, 1, rule_id="AL999", rule_name="mystery")])
    run = _run(result)
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["AL105", "AL900", "AL999"]
    assert rules[2]["name"] == "mystery"
    assert run["results"][0]["ruleIndex"] == 2


def test_sarif_column_kind_is_code_points() -> None:
    assert _run(RunResult())["columnKind"] == "unicodeCodePoints"


def test_sarif_has_no_timestamps() -> None:
    out = render("sarif", sample_result(), RULES)
    assert "Time" not in out
    assert "primaryLocationLineHash" not in out


# --- secrets ------------------------------------------------------------------------------

ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
ODD_SECRET = "123XXXXsecret"


def secret_result() -> RunResult:
    """Secrets in messages, a suppression justification and a parse error."""
    return RunResult(
        findings=[
            finding("creds", 2, 1, message=f"access key {ACCESS_KEY} is hardcoded"),
            finding("creds", 3, 1, message=f"secret {SECRET_KEY} and {ODD_SECRET}"),
            finding("bad.json", 1, 1, rule_id="AL900", severity=Severity.HIGH,
                    message=f"cannot parse near '{SECRET_KEY}'"),
        ],
        suppressed=[
            finding("creds", 9, 1, message=f"old {ACCESS_KEY}",
                    suppressed=f"inline: rotated {ACCESS_KEY}"),
        ],
        secrets=(ODD_SECRET,),
        errors=1,
    )


@pytest.mark.parametrize("fmt", sorted(FORMATTERS))
def test_secrets_are_masked_in_every_format(fmt: str) -> None:
    out = render(fmt, secret_result(), RULES, include_suppressed=True)
    assert len(SECRET_KEY) == 40
    for secret in (ACCESS_KEY, SECRET_KEY, ODD_SECRET):
        assert secret not in out
        assert json.dumps(secret)[1:-1] not in out
    assert "AKIA************MPLE" in out
    assert "wJal********************************EKEY" in out
    assert "123X*****cret" in out


@pytest.mark.parametrize(
    ("markdown", "plain"),
    [
        ("a `repo:org/*` subject", "a repo:org/* subject"),
        ("**bold** and *em* and __strong__", "bold and em and strong"),
        ("see [the docs](https://x.example/a_b) now", "see the docs now"),
        ("keep snake_case_names and 2 * 3 * 4", "keep snake_case_names and 2 * 3 * 4"),
        ("``code with ` tick``", "code with ` tick"),
    ],
)
def test_sarif_full_description_plain_text(markdown: str, plain: str) -> None:
    from assume_lint.formatters.sarif import _plain

    assert _plain(markdown) == plain


def test_sarif_message_brackets_escaped() -> None:
    result = RunResult(
        findings=[
            finding("a.tf", 1, 1, message='Principal ["*"] is [bad](1)',
                    related=(Location("x[1].tf", 2, 1),))
        ]
    )
    [res] = _run(result)["results"]
    assert res["message"] == {"text": 'Principal \\["*"\\] is \\[bad\\](1).'}
    assert res["relatedLocations"][0]["message"] == {"text": "related: x\\[1\\].tf:2:1"}
    uri = res["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "x%5B1%5D.tf"


def test_sarif_undecodable_path_is_percent_encoded_bytes() -> None:
    [res] = _run(RunResult(findings=[finding("raw\udcff.tf", 1, 1)]))["results"]
    uri = res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "raw%FF.tf"


@pytest.mark.parametrize("fmt", sorted(FORMATTERS))
def test_hostile_paths_render_as_writable_utf8(fmt: str) -> None:
    """Undecodable file-name bytes and control characters never crash the writer."""
    result = RunResult(
        findings=[
            finding("raw\udcff.tf", 1, 1, message="bad\udcfe byte", key="k\udcfd"),
            finding("new\nline.tf", 2, 1, related=(Location("r\udcff.tf", 1, 1),)),
        ]
    )
    out = render(fmt, result, RULES)
    out.encode("utf-8")
    if fmt in ("text", "github"):
        assert len(out.splitlines()) == (3 if fmt == "text" else 2)
    elif fmt == "gitlab":
        assert len(json.loads(out)) == 2
    else:
        assert len(json.loads(out)["findings" if fmt == "json" else "runs"]) >= 1
