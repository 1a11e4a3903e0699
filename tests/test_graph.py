"""The who-assumes-what graph of samples/: exact nodes, edges, labels and marks."""

from __future__ import annotations

from pathlib import Path

import pytest

from assume_lint.engine.config import Config
from assume_lint.engine.pipeline import lint
from assume_lint.model import AssumeAttempt, Attr, Model, Principal, Role, Statement
from assume_lint.model.findings import Finding, Location, Severity
from assume_lint.report.graph import Graph, build_graph

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
    assert len(callers) == 26  # 20, and clean/central-state's 3 backends and 3 providers
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
    # security account's partner-ingest.json is only the Terraform role's file(): -1; the
    # callers of clean/central-state that assume a role (2 backends, 3 providers): 5
    assert len(graph.edges) == 53
    assert [e.id for e in graph.edges] == [f"e{i}" for i in range(1, 54)]


# Written by hand, independent of the golden files in tests/snapshots/graph: every node
# of samples/ (without repo-shaped) by kind, and every edge. A snapshot refresh cannot
# silently accept a node or an edge that appears, disappears or changes ends.
# Roles: one per trust policy in samples/ (break-glass: the CloudFormation template and
# the get-role output; partner-ingest: the Terraform role, its JSON only its file();
# orders-*/vendor-readonly: the wrong sample and its clean twin). Callers: providers,
# backends, Terragrunt iam_role/remote_state, profiles and workflow steps.
HAND_NODES: dict[str, list[str]] = {
    "account": [
        "account_111111111111",
        "account_111122223333",
        "account_444455556666",
        "account_555566667777",
        "account_999999999999",
    ],
    "anyone": [
        "anyone_any_principal",
    ],
    "caller": [
        "caller_Terragrunt_iam_role_samples_terragrunt_live_prod_app",
        "caller_Terragrunt_iam_role_samples_terragrunt_live_prod_legacy_db",
        "caller_backend_s3_samples_clean_central_state_dev",
        "caller_backend_s3_samples_clean_central_state_prod",
        "caller_backend_s3_samples_clean_central_state_tools",
        "caller_backend_s3_samples_clean_terraform",
        "caller_backend_s3_samples_terraform_backend_mismatch",
        "caller_profile_audit_samples_aws_config_aws_config",
        "caller_profile_dev_samples_aws_config_aws_config",
        "caller_profile_dev_samples_clean_aws_config",
        "caller_profile_prod_samples_aws_config_aws_config",
        "caller_profile_stage_samples_aws_config_aws_config",
        "caller_provider_aws_samples_clean_central_state_dev",
        "caller_provider_aws_samples_clean_central_state_prod",
        "caller_provider_aws_samples_clean_central_state_tools",
        "caller_provider_aws_samples_clean_terraform",
        "caller_provider_aws_samples_terraform_backend_mismatch",
        "caller_provider_aws_samples_terraform_keys_from_variables",
        "caller_provider_aws_samples_terraform_provider_with_keys",
        "caller_provider_aws_samples_terragrunt_live_prod_app",
        "caller_provider_aws_samples_terragrunt_live_staging_app",
        "caller_remote_state_s3_samples_terragrunt_live_prod_app",
        "caller_remote_state_s3_samples_terragrunt_live_prod_legacy_db",
        "caller_remote_state_s3_samples_terragrunt_live_staging_app",
        "caller_workflow_deploy_spa_yml_job_deploy",
        "caller_workflow_release_yml_job_publish",
    ],
    "oidc": [
        "oidc_gitlab_com",
        "oidc_oidc_eks_eu_west_1_amazonaws_com",
        "oidc_token_actions_githubusercontent_com",
        "oidc_token_actions_githubusercontent_com_2",
    ],
    "principal": [
        "principal_111111111111_user_spa_deployment",
        "principal_123456789012_user_spa_deployment",
    ],
    "role": [
        "role_ProdOnlyRole",
        "role_break_glass",
        "role_break_glass_2",
        "role_cdk_pipeline_cross_account_deploy",
        "role_codebuild_service_role",
        "role_dev_admin",
        "role_eks_irsa_external_dns",
        "role_github_deploy_good",
        "role_github_org_wide",
        "role_github_poisoned_list",
        "role_gitlab_wrong_action",
        "role_monitoring_vendor",
        "role_orders_operators",
        "role_orders_operators_2",
        "role_orders_task",
        "role_orders_task_2",
        "role_org_readers",
        "role_partner_ingest",
        "role_prod_deployer",
        "role_spa_deployment_role",
        "role_spa_deployment_role_external_id",
        "role_stage_admin",
        "role_trust_user_with_mfa",
        "role_vendor_readonly",
        "role_vendor_readonly_2",
        "role_web_app_github_deploy",
    ],
    "role-arn": [
        "role_arn_111111111111_Terraform_Role",
        "role_arn_111111111111_db_admin",
        "role_arn_111111111111_terraform",
        "role_arn_222222222222_deploy",
        "role_arn_222222222222_role_in_account_b",
        "role_arn_222222222222_terraform",
        "role_arn_333333333333_db_admin",
        "role_arn_333333333333_terraform",
        "role_arn_444444444444_Terraform_Role",
        "role_arn_444444444444_audit",
        "role_arn_444444444444_release_publisher",
        "role_arn_444444444444_staging_admin",
        "role_arn_444444444444_staging_deploy",
        "role_arn_999999999999_terraform",
    ],
    "service": [
        "service_service_codebuild_amazonaws_com",
        "service_service_ec2_amazonaws_com",
        "service_service_ecs_tasks_amazonaws_com",
    ],
    "unknown": [
        "unknown_unknown_unresolved_value",
    ],
}


# caller -> the role it assumes (its in-tree role, else the role ARN, else unknown)
HAND_ASSUMES: dict[str, str] = {
    "caller_Terragrunt_iam_role_samples_terragrunt_live_prod_app": "role_arn_222222222222_deploy",
    "caller_Terragrunt_iam_role_samples_terragrunt_live_prod_legacy_db":
        "role_arn_333333333333_db_admin",
    # clean/central-state: two environments share one state role (999999999999), the
    # third backend uses the pipeline's own credentials (no role: no edge)
    "caller_backend_s3_samples_clean_central_state_dev": "role_arn_999999999999_terraform",
    "caller_backend_s3_samples_clean_central_state_prod": "role_arn_999999999999_terraform",
    "caller_provider_aws_samples_clean_central_state_dev": "role_arn_111111111111_terraform",
    "caller_provider_aws_samples_clean_central_state_prod": "role_arn_222222222222_terraform",
    "caller_provider_aws_samples_clean_central_state_tools": "role_arn_333333333333_terraform",
    "caller_backend_s3_samples_clean_terraform": "role_arn_444444444444_Terraform_Role",
    "caller_backend_s3_samples_terraform_backend_mismatch": "role_arn_111111111111_Terraform_Role",
    "caller_profile_audit_samples_aws_config_aws_config": "role_arn_444444444444_audit",
    "caller_profile_dev_samples_aws_config_aws_config": "role_dev_admin",
    "caller_profile_dev_samples_clean_aws_config": "role_dev_admin",
    "caller_profile_prod_samples_aws_config_aws_config": "role_prod_deployer",
    "caller_profile_stage_samples_aws_config_aws_config": "role_stage_admin",
    "caller_provider_aws_samples_clean_terraform": "role_arn_444444444444_Terraform_Role",
    "caller_provider_aws_samples_terraform_backend_mismatch":
        "role_arn_444444444444_Terraform_Role",
    "caller_provider_aws_samples_terraform_provider_with_keys":
        "role_arn_222222222222_role_in_account_b",
    "caller_provider_aws_samples_terragrunt_live_prod_app": "role_arn_222222222222_deploy",
    "caller_provider_aws_samples_terragrunt_live_staging_app":
        "role_arn_444444444444_staging_admin",
    "caller_remote_state_s3_samples_terragrunt_live_prod_app": "role_arn_111111111111_terraform",
    "caller_remote_state_s3_samples_terragrunt_live_prod_legacy_db":
        "role_arn_111111111111_db_admin",
    "caller_remote_state_s3_samples_terragrunt_live_staging_app":
        "role_arn_444444444444_staging_deploy",
    "caller_workflow_deploy_spa_yml_job_deploy": "unknown_unknown_unresolved_value",
    "caller_workflow_release_yml_job_publish": "role_arn_444444444444_release_publisher",
}
# principal -> a role whose trust admits it
HAND_MAY_ASSUME: list[tuple[str, str]] = [
    ("account_111111111111", "role_dev_admin"),
    ("account_111111111111", "role_stage_admin"),
    ("account_111122223333", "role_break_glass"),
    ("account_444455556666", "role_monitoring_vendor"),
    ("account_555566667777", "role_cdk_pipeline_cross_account_deploy"),
    ("account_999999999999", "role_codebuild_service_role"),
    ("account_999999999999", "role_vendor_readonly"),
    ("account_999999999999", "role_vendor_readonly_2"),
    ("anyone_any_principal", "role_ProdOnlyRole"),
    ("anyone_any_principal", "role_break_glass_2"),
    ("anyone_any_principal", "role_org_readers"),
    ("anyone_any_principal", "role_partner_ingest"),
    ("oidc_gitlab_com", "role_gitlab_wrong_action"),
    ("oidc_oidc_eks_eu_west_1_amazonaws_com", "role_eks_irsa_external_dns"),
    ("oidc_token_actions_githubusercontent_com", "role_github_deploy_good"),
    ("oidc_token_actions_githubusercontent_com", "role_github_org_wide"),
    ("oidc_token_actions_githubusercontent_com", "role_github_poisoned_list"),
    ("oidc_token_actions_githubusercontent_com_2", "role_web_app_github_deploy"),
    ("principal_111111111111_user_spa_deployment", "role_prod_deployer"),
    ("principal_123456789012_user_spa_deployment", "role_spa_deployment_role"),
    ("principal_123456789012_user_spa_deployment", "role_spa_deployment_role_external_id"),
    ("principal_123456789012_user_spa_deployment", "role_trust_user_with_mfa"),
    ("service_service_codebuild_amazonaws_com", "role_codebuild_service_role"),
    ("service_service_ec2_amazonaws_com", "role_ProdOnlyRole"),
    ("service_service_ecs_tasks_amazonaws_com", "role_orders_task"),
    ("service_service_ecs_tasks_amazonaws_com", "role_orders_task_2"),
    ("unknown_unknown_unresolved_value", "role_cdk_pipeline_cross_account_deploy"),
    ("unknown_unknown_unresolved_value", "role_orders_operators"),
    ("unknown_unknown_unresolved_value", "role_orders_operators_2"),
]


def test_node_and_edge_sets_written_by_hand(graph: Graph) -> None:
    nodes: dict[str, list[str]] = {}
    for node in graph.nodes:
        nodes.setdefault(node.kind, []).append(node.id)
    assert {kind: sorted(ids) for kind, ids in nodes.items()} == HAND_NODES
    edges = sorted((e.source, e.kind, e.target) for e in graph.edges)
    assert len(edges) == len(HAND_ASSUMES) + len(HAND_MAY_ASSUME)
    assert edges == sorted(
        [(caller, "assumes", role) for caller, role in HAND_ASSUMES.items()]
        + [(principal, "may-assume", role) for principal, role in HAND_MAY_ASSUME]
    )


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
