"""The who-assumes-what graph of samples/: exact nodes, edges, labels and marks."""

from __future__ import annotations

from pathlib import Path

import pytest

from assume_lint.config import Config
from assume_lint.engine import lint
from assume_lint.findings import Finding, Location, Severity
from assume_lint.graph import Graph, build_graph
from assume_lint.model import AssumeAttempt, Attr, Model, Principal, Role, Statement

ROOT = Path(__file__).resolve().parent.parent


# samples/repo-shaped has its own test below (its rules are still growing).
CONFIG = Config(exclude=("samples/repo-shaped",), min_severity_given=True)  # nits too


@pytest.fixture(scope="module")
def graph() -> Graph:
    models: list[Model] = []
    result = lint([ROOT / "samples"], ROOT, CONFIG, use_cache=False, model_out=models)
    return build_graph(models[0], result.findings, result.secrets)


def test_repo_shaped_sample_shows_the_full_chain() -> None:
    """Workflow -> role <- GitHub OIDC provider, and the failing edge is marked."""
    models: list[Model] = []
    sample = ROOT / "samples" / "repo-shaped"
    result = lint([sample], ROOT, Config(), use_cache=False, model_out=models)
    graph = build_graph(models[0], result.findings, result.secrets)
    role = graph.node("role_gha_deploy")
    assert role.kind == "role"
    into = sorted((e.kind, graph.node(e.source).label) for e in graph.edges if e.target == role.id)
    assert into == [
        ("assumes", "workflow deploy.yml job deploy"),
        ("may-assume", "OIDC token.actions.githubusercontent.com"),
    ]
    workflow_edge = next(e for e in graph.edges if e.target == role.id and e.kind == "assumes")
    assert workflow_edge.marks, "the failing workflow edge must carry its finding"
    assert {m.path for m in workflow_edge.marks} == {
        "samples/repo-shaped/.github/workflows/deploy.yml"
    }


def _edge(graph: Graph, source: str, target: str) -> list[tuple[str, list[str], list[str]]]:
    return [
        (e.kind, e.labels, [f"{m.rule_id}:{m.severity}:{m.line}" for m in e.marks])
        for e in graph.edges
        if e.source == source and e.target == target
    ]


def test_every_role_of_samples_is_a_node(graph: Graph) -> None:
    roles = sorted(n.label for n in graph.nodes if n.kind == "role")
    assert roles == [
        "ProdOnlyRole",
        "break-glass",
        "break-glass",
        "cdk-pipeline-cross-account-deploy",
        "codebuild-service-role",
        "dev-admin",
        "eks-irsa-external-dns",
        "github-deploy-good",
        "github-org-wide",
        "github-poisoned-list",
        "gitlab-wrong-action",
        "monitoring-vendor",
        "orders-operators",
        "orders-operators",
        "orders-task",
        "orders-task",
        "org-readers",
        "partner-ingest",  # its trust/partner-ingest.json is the Terraform role's file()
        "prod-deployer",
        "spa-deployment-role",
        "spa-deployment-role-external-id",
        "stage-admin",
        "trust-user-with-mfa",
        "vendor-readonly",
        "vendor-readonly",
        "web-app-github-deploy",
    ]
    node = graph.node("role_prod_deployer")
    assert node.location is not None
    assert (node.location.path, node.location.line, node.location.column) == (
        "samples/terraform/security-account/roles.tf",
        40,
        1,
    )


def test_principal_and_caller_nodes(graph: Graph) -> None:
    kinds = {n.id: n.kind for n in graph.nodes}
    assert sorted(i for i, k in kinds.items() if k == "account") == [
        "account_111111111111",
        "account_111122223333",
        "account_444455556666",
        "account_555566667777",
        "account_999999999999",
    ]
    assert sorted(i for i, k in kinds.items() if k == "oidc") == [
        "oidc_gitlab_com",
        "oidc_oidc_eks_eu_west_1_amazonaws_com",
        "oidc_token_actions_githubusercontent_com",
        "oidc_token_actions_githubusercontent_com_2",
    ]
    assert kinds["anyone_any_principal"] == "anyone"
    assert kinds["service_service_codebuild_amazonaws_com"] == "service"
    assert kinds["unknown_unknown_unresolved_value"] == "unknown"
    callers = [n for n in graph.nodes if n.kind == "caller"]
    assert len(callers) == 20
    assert graph.node("caller_workflow_release_yml_job_publish").label == (
        "workflow release.yml job publish"
    )
    github = graph.node("oidc_token_actions_githubusercontent_com")
    assert github.account == "111111111111"
    assert "github-org-wide: sub StringLike repo:acme/*" in github.details


def test_may_assume_edges_carry_conditions_and_marks(graph: Graph) -> None:
    assert _edge(graph, "anyone_any_principal", "role_partner_ingest") == [
        ("may-assume", ["ExternalId (StringEquals)"], ["AL101:critical:7"])
    ]
    assert _edge(graph, "account_111111111111", "role_stage_admin") == [
        (
            "may-assume",
            ["MFA (BoolIfExists MultiFactorAuthPresent)"],
            ["AL102:high:30", "AL104:high:33"],
        )
    ]
    assert _edge(graph, "account_111111111111", "role_dev_admin") == [
        ("may-assume", ["MFA (Bool MultiFactorAuthPresent)"], [])
    ]
    assert _edge(
        graph, "oidc_token_actions_githubusercontent_com", "role_github_poisoned_list"
    ) == [
        (
            "may-assume",
            ["sub StringLike repo:acme/web-app:ref:refs/heads/main, repo:*"],
            ["AL105:critical:13", "AL105:medium:8"],
        )
    ]
    assert _edge(graph, "anyone_any_principal", "role_org_readers") == [
        ("may-assume", ["org o-a1b2c3d4e5", "MFA (Bool MultiFactorAuthPresent)"], [])
    ]


def test_assumes_edges_match_in_tree_roles_external_arns_and_unknown(graph: Graph) -> None:
    # the profile's ARN names prod-deployer, defined in the security account's Terraform
    assert _edge(
        graph, "caller_profile_prod_samples_aws_config_aws_config", "role_prod_deployer"
    ) == [("assumes", ["session alice"], ["AL206:high:22"])]
    assert _edge(
        graph,
        "caller_backend_s3_samples_terraform_backend_mismatch",
        "role_arn_111111111111_Terraform_Role",
    ) == [("assumes", [], ["AL204:info:8", "AL208:info:8", "AL301:medium:8"])]
    # the workflow's role-to-assume is a secret: it stays visibly unknown
    assert _edge(
        graph, "caller_workflow_deploy_spa_yml_job_deploy", "unknown_unknown_unresolved_value"
    ) == [("assumes", ["session DeploySPA", "duration 3600"], ["AL203:low:15"])]
    external = graph.node("role_arn_444444444444_release_publisher")
    assert (external.kind, external.label, external.account) == (
        "role-arn",
        "role/release-publisher",
        "444444444444",
    )
    # ProdOnlyRole: both Fn::If branches (AWS "*" and ec2); the ECS task roles (a service
    # and an account root in samples/cloudformation and in samples/clean): 4; the
    # security account's partner-ingest.json is only the Terraform role's file(): -1
    assert len(graph.edges) == 48
    assert [e.id for e in graph.edges] == [f"e{i}" for i in range(1, 49)]


def test_output_is_deterministic(graph: Graph) -> None:
    models: list[Model] = []
    result = lint([ROOT / "samples"], ROOT, CONFIG, use_cache=False, model_out=models)
    again = build_graph(models[0], list(reversed(result.findings)), result.secrets)
    assert again.to_dict() == graph.to_dict()


def _loc(line: int, column: int = 1) -> Location:
    return Location("t.json", line, column)


def test_unknown_principal_and_deny_statements() -> None:
    allow = Statement(
        "Allow",
        (Principal("AWS", None, _loc(3)),),
        (Attr("sts:AssumeRole", _loc(4)),),
        (),
        _loc(2),
    )
    deny = Statement("Deny", (Principal("AWS", "*", _loc(8)),), (), (), _loc(7), index=1)
    role = Role("r.json", _loc(1), name="r", account="123456789012", statements=(allow, deny))
    attempt = AssumeAttempt(
        "provider",
        'provider "aws"',
        "provider.aws",
        Location("p.tf", 5, 3),
        role_arn=Attr("arn:aws:iam::123456789012:role/r", Location("p.tf", 6, 5)),
        session_name=Attr(None, Location("p.tf", 7, 5), "var.session"),
    )
    model = Model(roles=[role], attempts=[attempt])
    finding = Finding(_loc(3, 5), "AL101", "trust-any-principal", Severity.CRITICAL, "m")
    graph = build_graph(model, [finding])
    assert [(n.id, n.kind, n.account) for n in graph.nodes] == [
        ("caller_provider_aws_p_tf", "caller", None),
        ("role_r", "role", "123456789012"),
        ("unknown_unknown_unresolved_value", "unknown", None),
    ]
    assert [
        (e.kind, e.source, e.target, e.labels, [m.rule_id for m in e.marks]) for e in graph.edges
    ] == [
        ("assumes", "caller_provider_aws_p_tf", "role_r", ["session (unknown)"], []),
        ("may-assume", "unknown_unknown_unresolved_value", "role_r", [], ["AL101"]),
    ]


def test_secrets_are_masked_in_labels() -> None:
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    cond_statement = Statement(
        "Allow",
        (Principal("AWS", "arn:aws:iam::123456789012:root", _loc(3)),),
        (),
        (),
        _loc(2),
    )
    role = Role("r.json", _loc(1), name=f"r-{secret}", statements=(cond_statement,))
    graph = build_graph(Model(roles=[role]), (), (secret,))
    assert secret not in str(graph.to_dict()["nodes"][0]["label"])
