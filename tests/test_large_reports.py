"""Reports that fit where they are shown, on a generated tree of 1,000 roles.

GitHub draws a Mermaid block only up to 50,000 characters and drops a job summary over
1 MiB; an HTML report of hundreds of nodes drawn one box each is a wall. The tree here
is what a landing zone looks like to assume-lint: ``aws iam get-role`` exports of 1,000
roles in 40 accounts (some trusting another account without ExternalId, some trusting
GitHub's OIDC for a whole organisation) and a profile per role in ``.aws/config``.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from prepared import mermaid_modules

from assume_lint.cli import main
from assume_lint.formatters.markdown import HTML_POINTER, MAX_BYTES
from assume_lint.formatters.mermaid import MAX_CHARS, fit, render_graph
from assume_lint.report.graph import Edge, Graph, Mark, Node, by_account

SCRIPT = Path(__file__).resolve().parent / "tools" / "mermaid_parse.mjs"
ACCOUNTS = 40
OIDC = "token.actions.githubusercontent.com"


def _account(index: int, accounts: int) -> str:
    return str(100000000000 + index % accounts)


def _role(index: int, accounts: int) -> dict[str, object]:
    account = _account(index, accounts)
    other = _account(index + 1, accounts)
    if index % 10 == 0:  # GitHub OIDC for the whole organisation: AL105
        statement: dict[str, object] = {
            "Effect": "Allow",
            "Principal": {"Federated": f"arn:aws:iam::{account}:oidc-provider/{OIDC}"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringLike": {f"{OIDC}:sub": "repo:example-org/*"},
                          "StringEquals": {f"{OIDC}:aud": "sts.amazonaws.com"}},
        }
    else:  # another account, with an ExternalId on most roles: AL102 on the others
        statement = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{other}:root"},
                     "Action": "sts:AssumeRole"}
        if index % 7:
            statement["Condition"] = {"StringEquals": {"sts:ExternalId": f"ext-{index:05d}-id"}}
    return {
        "Role": {
            "RoleName": f"team-{index:04d}-deployer",
            "Arn": f"arn:aws:iam::{account}:role/team-{index:04d}-deployer",
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [statement]},
        }
    }


def landing_zone(root: Path, roles: int = 1000, accounts: int = ACCOUNTS) -> Path:
    """``roles`` role exports spread over ``accounts`` accounts and a profile for each."""
    for index in range(roles):
        folder = root / "iam" / _account(index, accounts)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"team-{index:04d}.json").write_text(
            json.dumps(_role(index, accounts), indent=2) + "\n", encoding="utf-8"
        )
    profiles = ["[profile base]", "region = eu-west-1", ""]
    for index in range(roles):
        profiles += [
            f"[profile team-{index:04d}]",
            f"role_arn = arn:aws:iam::{_account(index, accounts)}:role/team-{index:04d}-deployer",
            "source_profile = base",
            f"role_session_name = team-{index:04d}",
            *([f"external_id = ext-{index:05d}-id"] if index % 10 and index % 7 else []),
            "",
        ]
    (root / ".aws").mkdir(parents=True, exist_ok=True)
    (root / ".aws" / "config").write_text("\n".join(profiles), encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return landing_zone(tmp_path_factory.mktemp("lz") / "repo")


def _report(root: Path, fmt: str) -> str:
    out = root.parent / f"report.{fmt}"
    code = main([str(root), "--repo-root", str(root), "--no-config", "--no-cache",
                 "-f", fmt, "-o", str(out), "-q"])
    assert code == 1
    return out.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def large_markdown(tree: Path) -> str:
    return _report(tree, "markdown")


def _mermaid(markdown: str) -> str:
    [block] = re.findall(r"```mermaid\n(.*?)```", markdown, flags=re.S)
    return block


def test_summary_fits_github_limits(large_markdown: str) -> None:
    assert len(large_markdown.encode("utf-8")) < 1024 * 1024
    assert len(large_markdown.encode("utf-8")) < MAX_BYTES
    block = _mermaid(large_markdown)
    assert len(block) < 50_000
    # Folded to accounts, said so, and pointing at the full report.
    assert "The graph has 2,0" in large_markdown  # roles + profiles + principals: > 2,000
    assert "it is shown by account." in large_markdown and HTML_POINTER in large_markdown
    labels = re.findall(r'\["account (\d{12}) \(([^)]*)\)', block)
    assert len(labels) == ACCOUNTS
    assert ("100000000000", "1 account root, 25 roles") in labels
    # Findings survive the folding: AL105 on the OIDC edges, AL102 on account edges.
    assert "AL105" in block and "AL102" in block
    assert 'caller_callers__aws(["callers in .aws/ (1000 callers)"])' in block
    # Every finding is still listed (they fit in the tables).
    assert large_markdown.startswith("## assume-lint\n\n228 findings (228 high) in 1001 files")
    assert large_markdown.count("\n| AL10") == 228


def test_summary_mermaid_passes_mermaids_parser(large_markdown: str, tmp_path: Path) -> None:
    modules = mermaid_modules()
    source = tmp_path / "graph.mmd"
    source.write_text(_mermaid(large_markdown), encoding="utf-8")
    done = subprocess.run(["node", str(SCRIPT), str(modules), str(source)], capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert "flowchart" in done.stdout


def test_html_report_draws_accounts_and_groups_the_roles(tree: Path) -> None:
    page = _report(tree, "html")
    assert "Graph (2040 nodes, 2000 edges; drawn by account: a box leads to its roles below)" \
        in page
    boxes = re.findall(r'<a href="#([^"]+)"><g class="node"', page)
    assert len(boxes) == ACCOUNTS + 2  # the accounts, the OIDC provider, the callers' folder
    groups = re.findall(r'<details class="group" id="([^"]+)"( open data-open)?>', page)
    assert {anchor for anchor, _ in groups} == set(boxes)  # every box leads to its group
    assert ("group-acct_100000000000", " open data-open") in groups  # it holds findings
    [callers] = re.findall(r'id="group-callers__aws"[^>]*><summary><b>([^<]*)</b> \((\d+)\)',
                           page)
    assert callers == ("callers in .aws/", "1000")
    assert page.count('<details id="node-') == 2040  # every node is still listed


def test_small_graph_is_drawn_whole() -> None:
    graph = _graph(accounts=3, roles_each=2)
    text, note = fit(graph)
    assert note is None and text == render_graph(graph)


# --- folding, on hand-made graphs ------------------------------------------------------------


def _graph(accounts: int, roles_each: int, marked: frozenset[int] = frozenset()) -> Graph:
    """``accounts`` x ``roles_each`` roles, each trusted by the next account's root, and
    one caller per role; roles of the accounts in ``marked`` carry an AL102 mark."""
    nodes, edges = [], []
    for a in range(accounts):
        account = str(200000000000 + a)
        trusted = str(200000000000 + (a + 1) % accounts)
        nodes.append(Node(f"account_{trusted}_{a}", f"account:{trusted}:{a}", "account",
                          f"account {trusted}", trusted))
        for r in range(roles_each):
            role = Node(f"role_{a}_{r}", f"role:{a}:{r}", "role", f"role-{a}-{r}", account)
            if a in marked:
                role.marks.append(Mark("AL102", "high", r + 1, f"iam/{a}.json"))
            caller = Node(f"caller_{a}_{r}", f"caller:{a}:{r}", "caller", f"profile p{a}-{r}")
            nodes += [role, caller]
            edges.append(Edge(f"m{a}_{r}", "may-assume", f"account_{trusted}_{a}", role.id,
                              ["ExternalId (StringEquals)"]))
            edges.append(Edge(f"a{a}_{r}", "assumes", caller.id, role.id, ["session x"]))
    return Graph(nodes, edges)


def test_by_account_folds_roles_principals_and_callers() -> None:
    folded = by_account(_graph(accounts=3, roles_each=4, marked=frozenset({1})))
    labels = sorted(n.label for n in folded.nodes)
    assert labels == [
        "account 200000000000 (1 account root, 4 roles)",
        "account 200000000001 (1 account root, 4 roles)",
        "account 200000000002 (1 account root, 4 roles)",
        "callers in ./ (12 callers)",
    ]
    kinds = sorted((e.kind, e.labels[0]) for e in folded.edges)
    assert kinds == [("assumes", "4 edges")] * 3 + [("may-assume", "4 edges")] * 3
    [marked] = [n for n in folded.nodes if n.marks]
    assert marked.label.startswith("account 200000000001")
    assert {m.rule_id for m in marked.marks} == {"AL102"}


def test_too_many_accounts_keeps_the_busiest_and_says_so() -> None:
    graph = _graph(accounts=900, roles_each=1, marked=frozenset({5, 17}))
    assert len(render_graph(by_account(graph))) >= MAX_CHARS  # folding alone is not enough
    text, note = fit(graph)
    assert text is not None and len(text) < MAX_CHARS
    assert note is not None and "in 900 accounts" in note and "with the most findings" in note
    kept = re.findall(r"account (2000000\d{5})", text)
    assert "200000000005" in kept and "200000000017" in kept  # the marked ones stay
    assert re.search(r"\d+ other accounts", text)


def test_nothing_fits_gives_a_note_and_no_diagram() -> None:
    graph = _graph(accounts=3, roles_each=2)
    text, note = fit(graph, limit=10)
    assert text is None and note is not None and "too many to draw" in note


def test_finding_tables_stop_before_one_mebibyte() -> None:
    from assume_lint.formatters import render
    from assume_lint.model import Model
    from assume_lint.model.findings import Finding, Location, Severity
    from assume_lint.model.result import RunResult

    findings = [
        Finding(Location(f"live/{n:05d}/main.tf", 3, 1), "AL204", "missing-session-name",
                Severity.INFO if n % 2 else Severity.HIGH, "x" * 400 + f" {n}" + "y" * 5000)
        for n in range(10_000)
    ]
    result = RunResult(findings=sorted(findings), files_scanned=10_000)
    text = render("markdown", result, [], model=Model())
    assert len(text.encode("utf-8")) < MAX_BYTES
    rows = text.count("\n| AL204")
    assert 500 < rows < 10_000
    assert f"{10_000 - rows:,} more findings are not listed here" in text
    assert "### high (5000)" in text  # the worst come first
    assert max(len(line) for line in text.splitlines()) < 1_200  # long messages cut
