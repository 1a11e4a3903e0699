"""Plans in a run: the real plans lint cleanly; a planned role is reported once, at its
``.tf`` block when the configuration is in the tree (the plan position, named by its
address, as the related location), else in the plan with the address; sensitive values
are printed by no format; SARIF carries the addresses as logical locations."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from prepared import sarif_validate

from assume_lint.cli import main
from assume_lint.engine.config import Config
from assume_lint.engine.pipeline import lint
from assume_lint.model import Model
from assume_lint.model.findings import Finding, Location
from assume_lint.model.result import RunResult

FIXTURES = Path(__file__).parent / "parsers" / "fixtures" / "terraform_plan"
SENSITIVE = (
    "breakglass-admin-7f3c9a",
    "correct-horse-battery-staple",
    "q8Vh2kLw9ZxT4mNb7RcY1pFs3GdJ6uEa0oIiWzXy",
)


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def _copy(name: str, tmp_path: Path, to: str | None = None) -> Path:
    target = tmp_path / "repo" / (to or name)
    shutil.copytree(FIXTURES / name, target)
    return tmp_path / "repo"


def _run(root: Path, *paths: str, model_out: list[Model] | None = None) -> RunResult:
    targets = [root / p for p in paths] if paths else [root]
    return lint(targets, root, Config(), use_cache=False, model_out=model_out)


def _where(finding: Finding) -> tuple[str, str, int, int]:
    loc = finding.location
    return finding.rule_id, loc.path, loc.line, loc.column


def _related(finding: Finding) -> list[tuple[str, int, int, str | None]]:
    return [(r.path, r.line, r.column, r.logical) for r in finding.related]


def _text_at(root: Path, loc: Location) -> str:
    line = (root / loc.path).read_text().split("\n")[loc.line - 1]
    return line[loc.column - 1 :]


# --------------------------------------------------------------------------- real plans


@pytest.mark.parametrize(
    "folder",
    ["plan_with_iam_policies", "plan_with_iam_data_block", "plan_with_tf_modules_for_enrichment"],
)
def test_real_plans_lint_without_error(shared: Path, tmp_path: Path, folder: str) -> None:
    root = tmp_path / "repo"
    shutil.copytree(shared / "fixtures" / "terraform-plan" / folder, root / folder)
    for paths in ((folder,), (f"{folder}/tfplan.json",)):
        result = _run(root, *paths)
        assert result.errors == 0
        assert [f for f in result.findings if f.rule_id == "AL900"] == []
        assert result.files_scanned >= 1


def test_real_plan_role_maps_to_its_block(
    shared: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """plan_with_iam_policies: the rendered jsonencode trust policy is read from the plan.
    Its only principal is lambda.amazonaws.com, which AL107 exempts (AWS's guidance), so
    the fixture has no finding as it is; with the exemption removed, AL107 fires on the
    plan's value and points at the principal in main.tf beside it, with the plan's
    position and the role's address as the related location."""
    import assume_lint.rules.al107_service_confused_deputy as al107

    root = tmp_path / "repo"
    folder = "plan_with_iam_policies"
    shutil.copytree(shared / "fixtures" / "terraform-plan" / folder, root / folder)
    assert [f for f in _run(root).findings if f.rule_id == "AL107"] == []
    monkeypatch.setattr(al107, "EXEMPT_SERVICES", frozenset())
    models: list[Model] = []
    (finding,) = [f for f in _run(root, model_out=models).findings if f.rule_id == "AL107"]
    assert _where(finding) == ("AL107", f"{folder}/main.tf", 33, 19)
    assert _text_at(root, finding.location).startswith('"lambda.amazonaws.com"')
    assert _related(finding) == [(f"{folder}/tfplan.json", 218, 129, "aws_iam_role.example")]
    assert _text_at(root, finding.related[0]).startswith('\\"lambda.amazonaws.com\\"')
    assert "aws_iam_role.example" in finding.message
    # the role is in the model once: the plan's copy (its location is in the plan)
    roles = [r for r in models[0].roles if r.address == "aws_iam_role.example"]
    assert [r.location.path for r in roles] == [f"{folder}/tfplan.json"]


# --------------------------------------------------------------------------- modules, for_each

APP = 'module.ci_roles["app"].aws_iam_role.this'
INFRA = 'module.ci_roles["infra"].aws_iam_role.this'
VENDOR = "module.vendor_access.aws_iam_role.this[0]"


def test_module_instances_map_to_the_module_block(tmp_path: Path) -> None:
    root = _copy("modules_for_each", tmp_path)
    models: list[Model] = []
    result = _run(root, model_out=models)
    assert result.errors == 0
    found = [(_where(f), f.message.rsplit("(plan: ", 1)[-1]) for f in result.findings]
    module = "modules_for_each/modules/ci-role/main.tf"
    assert found == [
        (("AL102", module, 16, 22), APP + ")"),
        (("AL102", module, 16, 22), INFRA + ")"),
        (("AL102", "modules_for_each/tfplan.json", 1, 4727), VENDOR + ")"),
    ]
    app, infra, vendor = result.findings
    assert "ci-app" in app.message and "ci-infra" in infra.message
    assert _text_at(root, app.location).startswith('"arn:aws:iam::${var.trusted_account}:root"')
    [(plan, line, column, address)] = _related(app)
    assert (plan, line, address) == ("modules_for_each/tfplan.json", 1, APP)
    assert _text_at(root, app.related[0]).startswith('\\"arn:aws:iam::444455556666:root\\"')
    # the registry module is not in the tree: the finding stays in the plan, named
    assert vendor.related == () and vendor.location.logical == VENDOR
    assert _text_at(root, vendor.location).startswith('\\"arn:aws:iam::777788889999:root\\"')
    # once each: the HCL copy of the module's role is gone, the plan's two instances stay
    addresses = sorted(r.address for r in models[0].roles)
    assert addresses == sorted([APP, INFRA, VENDOR])
    # the provider configured in providers.tf and in the plan is one caller, the .tf one
    assert [(a.location.path, a.address) for a in models[0].attempts] == [
        ("modules_for_each/providers.tf", "provider.aws")
    ]


def test_the_plan_alone_points_at_the_plan(tmp_path: Path) -> None:
    """Given only the plan file, the configuration is not read: findings stay in it."""
    root = _copy("modules_for_each", tmp_path)
    result = _run(root, "modules_for_each/tfplan.json")
    assert [(_where(f)[1], f.location.logical) for f in result.findings] == [
        ("modules_for_each/tfplan.json", APP),
        ("modules_for_each/tfplan.json", INFRA),
        ("modules_for_each/tfplan.json", VENDOR),
    ]
    assert all(f.related == () for f in result.findings)


def test_plan_written_elsewhere_finds_its_configuration(tmp_path: Path) -> None:
    """A plan outside its root module's folder maps to the one folder that defines all its
    root-module roles (here: deferred_read/ for plans/deploy.json)."""
    root = _copy("deferred_read", tmp_path)
    (root / "plans").mkdir()
    shutil.move(root / "deferred_read" / "tfplan.json", root / "plans" / "deploy.json")
    result = _run(root)
    assert [_where(f) for f in result.findings] == [("AL102", "deferred_read/main.tf", 19, 22)]
    assert [r.path for r in result.findings[0].related] == ["plans/deploy.json"]


def test_ambiguous_configuration_maps_nowhere(tmp_path: Path) -> None:
    """Two folders define the plan's roles: no guess, the findings stay in the plan (and
    both configurations keep their own roles)."""
    root = _copy("deferred_read", tmp_path)
    shutil.copytree(root / "deferred_read", root / "copy")
    (root / "copy" / "tfplan.json").unlink()
    (root / "plans").mkdir()
    shutil.move(root / "deferred_read" / "tfplan.json", root / "plans" / "deploy.json")
    result = _run(root)
    assert sorted(_where(f)[1] for f in result.findings) == [
        "copy/main.tf",
        "deferred_read/main.tf",
        "plans/deploy.json",
    ]


# --------------------------------------------------------------------------- deferred read


def test_deferred_document_reported_once_at_the_tf_statement(tmp_path: Path) -> None:
    root = _copy("deferred_read", tmp_path)
    result = _run(root)
    (finding,) = result.findings  # HCL and plan agree: once; the unknown statement: silent
    assert _where(finding) == ("AL102", "deferred_read/main.tf", 19, 22)
    [(plan, _line, _column, address)] = _related(finding)
    assert (plan, address) == (
        "deferred_read/tfplan.json",
        "data.aws_iam_policy_document.deploy_trust",
    )
    assert _text_at(root, finding.related[0]).startswith('"arn:aws:iam::999988887777:root"')
    plan_only = _run(root, "deferred_read/tfplan.json")
    assert [_where(f)[:2] for f in plan_only.findings] == [("AL102", "deferred_read/tfplan.json")]


# --------------------------------------------------------------------------- plan only


def test_plan_without_configuration(tmp_path: Path) -> None:
    root = _copy("ci-artifact", tmp_path)
    result = _run(root)
    plan = "ci-artifact/plan.json"
    found = [
        (f.rule_id, f.location.path, f.location.line, f.location.logical) for f in result.findings
    ]
    assert found == [
        ("AL103", plan, 1, "aws_iam_role.hidden_name"),
        ("AL103", plan, 1, "aws_iam_role.audit"),
        ("AL102", plan, 1, 'module.platform["ops"].aws_iam_role.this["ops"]'),
        ("AL201", plan, 1, "provider.aws"),
        ("AL203", plan, 1, "provider.aws"),
    ]
    texts = [_text_at(root, f.location) for f in result.findings]
    assert texts[0].startswith('\\"arn:aws:iam::123456789012:user/alice\\"')
    assert texts[1].startswith('\\"arn:aws:iam::210987654321:root\\"')  # own account: AL103
    assert texts[2].startswith('\\"arn:aws:iam::555566667777:root\\"')  # after \\u0026, \\u003c
    assert texts[3].startswith('"access_key"') and texts[4].startswith('"secret_key"')
    # the sensitive trust policy (Principal "*") and the unknown one stay silent
    assert not any(
        "sensitive_trust" in f.message or "computed_trust" in f.message for f in result.findings
    )
    assert '(plan: module.platform["ops"].aws_iam_role.this["ops"])' in result.findings[2].message


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "gitlab", "markdown", "html"])
def test_sensitive_values_are_printed_by_no_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    root = _copy("ci-artifact", tmp_path)
    out = tmp_path / f"out.{fmt}"
    code = main(
        [
            "check",
            str(root),
            "--no-config",
            "-q",
            "--repo-root",
            str(root),
            "-f",
            fmt,
            "-o",
            str(out),
        ]
    )
    assert code == 1
    text = out.read_text() + capsys.readouterr().err
    for value in SENSITIVE:
        assert value not in text, value
    assert "AKIAQ4TCSGWJ7HV2PXLM" not in text
    assert "aws_iam_role.hidden_name" in text  # named by its address instead


def test_plans_of_several_root_modules_are_separate(tmp_path: Path) -> None:
    root = _copy("ci-artifact", tmp_path, "envs/prod")
    shutil.copytree(FIXTURES / "ci-artifact", root / "envs" / "dev")
    models: list[Model] = []
    result = _run(root, model_out=models)
    by_path: dict[str, list[str]] = {}
    for finding in result.findings:
        by_path.setdefault(finding.location.path, []).append(finding.rule_id)
    expected = ["AL103", "AL103", "AL102", "AL201", "AL203"]
    assert by_path == {"envs/dev/plan.json": expected, "envs/prod/plan.json": expected}
    assert sorted(a.module or "" for a in models[0].attempts) == [
        "envs/dev/plan.json",
        "envs/prod/plan.json",
    ]


# --------------------------------------------------------------------------- output


def test_sarif_logical_locations_and_validation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _copy("modules_for_each", tmp_path)
    main(["check", str(root), "--no-config", "-q", "--repo-root", str(root), "-f", "sarif"])
    log = json.loads(capsys.readouterr().out)
    results = log["runs"][0]["results"]
    first = results[0]
    assert first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "modules_for_each/modules/ci-role/main.tf"
    )
    assert "logicalLocations" not in first["locations"][0]
    (related,) = first["relatedLocations"]
    assert related["logicalLocations"] == [{"fullyQualifiedName": APP, "kind": "resource"}]
    assert related["message"]["text"].startswith(
        'related: module.ci_roles\\["app"\\].aws_iam_role.this at modules_for_each/tfplan.json:1:'
    )
    vendor = results[2]["locations"][0]
    assert vendor["logicalLocations"] == [{"fullyQualifiedName": VENDOR, "kind": "resource"}]
    target = tmp_path / "plan.sarif"
    target.write_text(json.dumps(log))
    code, output = sarif_validate(target)
    assert "0 errors, 0 warnings" in output and code == 0, output


def test_json_output_names_the_address(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _copy("modules_for_each", tmp_path)
    main(["check", str(root), "--no-config", "-q", "--repo-root", str(root), "-f", "json"])
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert "address" not in findings[0]
    assert findings[0]["related"][0]["address"] == APP
    assert findings[2]["address"] == VENDOR


def test_long_line_fingerprint_is_the_findings_own_span(tmp_path: Path) -> None:
    """On a one-line plan, a fingerprint depends on the finding's span, not on the whole
    line: an edit elsewhere in the plan keeps it; findings stay distinct."""
    root = _copy("ci-artifact", tmp_path)
    before = [(f.rule_id, f.location.logical, f.fingerprint) for f in _run(root).findings]
    plan = root / "ci-artifact" / "plan.json"
    plan.write_text(plan.read_text().replace('"db_password"', '"db_pass"'))
    after = [(f.rule_id, f.location.logical, f.fingerprint) for f in _run(root).findings]
    assert before == after
    assert len({fingerprint for _, _, fingerprint in before}) == len(before) == 5


# --------------------------------------------------------------------------- callers


def test_callers_resolve_against_planned_roles(tmp_path: Path) -> None:
    """A provider in the plan assumes a role the plan manages (its ARN known: the role
    exists): the cross-file rules compare them, both sides located in the plan."""
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
                "Condition": {"StringEquals": {"sts:ExternalId": "ci-7f3a9e21"}},
            }
        ],
    }
    role = {
        "name": "deploy",
        "arn": "arn:aws:iam::222222222222:role/deploy",
        "max_session_duration": 3600,
        "assume_role_policy": json.dumps(trust),
    }
    arn = {"constant_value": role["arn"]}
    plan = {
        "format_version": "1.2",
        "resource_changes": [
            {
                "address": "aws_iam_role.deploy",
                "mode": "managed",
                "type": "aws_iam_role",
                "name": "deploy",
                "change": {"actions": ["no-op"], "before": role, "after": role},
            }
        ],
        "configuration": {
            "provider_config": {
                "aws": {
                    "name": "aws",
                    "expressions": {
                        "assume_role": [
                            {
                                "role_arn": arn,
                                "duration": {"constant_value": "2h"},
                                "session_name": {"constant_value": "ci"},
                            }
                        ]
                    },
                },
                "aws.other": {
                    "name": "aws",
                    "alias": "other",
                    "expressions": {
                        "assume_role": [
                            {
                                "role_arn": {"references": ["var.role"]},
                                "session_name": {"constant_value": "ci"},
                            }
                        ]
                    },
                },
            }
        },
    }
    root = tmp_path / "repo"
    (root / "plans").mkdir(parents=True)
    (root / "plans" / "deploy.json").write_text(json.dumps(plan, indent=2))
    result = _run(root)
    found = [(f.rule_id, f.location.line, f.location.logical) for f in result.findings]
    assert found == [("AL302", 35, "provider.aws"), ("AL305", 38, "provider.aws")]
    al302, al305 = result.findings
    assert _text_at(root, al302.location).startswith('"role_arn"')
    assert _text_at(root, al305.location).startswith('"duration"')
    assert [(r.line, r.logical) for r in al302.related] == [(23, "aws_iam_role.deploy")]
    assert _text_at(root, al302.related[0]).startswith('{\\"Effect')  # the statement
    assert [(r.line, r.logical) for r in al305.related] == [(22, "aws_iam_role.deploy")]


def test_graph_marks_the_planned_elements(tmp_path: Path) -> None:
    """On one-line plans every element starts on line 1: each finding still marks its
    own element (the provider's keys its provider, not the role listed before it), and
    a finding moved onto the configuration marks the planned role's edge."""
    from assume_lint.report.graph import build_graph

    root = _copy("ci-artifact", tmp_path)
    shutil.copytree(FIXTURES / "deferred_read", root / "deferred_read")
    models: list[Model] = []
    result = _run(root, model_out=models)
    graph = build_graph(models[0], result.findings, result.secrets)
    marked = sorted(
        (graph.node(edge.source).label, graph.node(edge.target).label, mark.rule_id, mark.path)
        for edge in graph.edges
        for mark in edge.marks
    )
    plan = "ci-artifact/plan.json"
    assert marked == [
        ("account 210987654321", "audit", "AL103", plan),
        ("account 555566667777", "platform-ops", "AL102", plan),
        ("account 999988887777", "deploy", "AL102", "deferred_read/main.tf"),
        ('provider "aws" (ci-artifact/plan.json)', "unknown (unresolved value)", "AL203", plan),
        ("user/alice", "aws_iam_role.hidden_name", "AL103", plan),
    ]
    nodes = sorted((n.label, m.rule_id) for n in graph.nodes for m in n.marks)
    assert nodes == [('provider "aws" (ci-artifact/plan.json)', "AL201")]
