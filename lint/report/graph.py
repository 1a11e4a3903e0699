"""The who-assumes-what graph: accounts, roles, external principals and callers.

Built from the merged :class:`~assume_lint.model.Model` and the run's findings, so an
auditor sees which accounts trust which, which roles anyone on GitHub or in another
account can reach, and which callers assume what. The graph is a plain value (no
rendering here): the Mermaid, DOT, JSON, Markdown and HTML formatters all read it, so
they cannot disagree.

Edges:

* ``may-assume``: principal -> role, from an Allow statement of the role's trust policy,
  labelled with the conditions that guard it (ExternalId, MFA, org, OIDC subject...).
* ``assumes``: caller -> role, from an :class:`AssumeAttempt`, labelled with the session
  name and duration. Matched to an in-tree role by ARN (or by a unique role name when
  the in-tree role's account is unknown), else to an external ``role-arn`` node;
  an unresolved ARN goes to the ``unknown`` node: unknown stays visibly unknown.

Ids are derived from stable keys (paths, addresses, ARNs), never from iteration order,
and everything is sorted, so the output diffs well in review.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from assume_lint.files.secrets import mask_text
from assume_lint.model import AssumeAttempt, Condition, Model, Principal, Role, Statement
from assume_lint.model.arn import account_of, is_account_id, parse_literal_arn
from assume_lint.model.findings import Finding, Location

# Node kinds, in the order they are listed (callers left, roles middle, principals right).
CALLER_KINDS = ("caller",)
ROLE_KINDS = ("role", "role-arn")
PRINCIPAL_KINDS = ("account", "principal", "anyone", "oidc", "saml", "federated", "service")
NODE_KINDS = (*CALLER_KINDS, *ROLE_KINDS, *PRINCIPAL_KINDS, "unknown")
UNKNOWN_KEY = "unknown"

_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_]+")


@dataclass(frozen=True, order=True)
class Mark:
    """A finding attached to a node or an edge: rule id, severity and where it is."""

    rule_id: str
    severity: str
    line: int
    path: str


@dataclass
class Node:
    """One vertex. ``account`` groups it (None: unknown or not account-bound)."""

    id: str
    key: str
    kind: str
    label: str
    account: str | None = None
    location: Location | None = None
    details: list[str] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)


@dataclass
class Edge:
    """One arrow: ``may-assume`` (principal -> role) or ``assumes`` (caller -> role)."""

    id: str
    kind: str
    source: str
    target: str
    labels: list[str] = field(default_factory=list)
    location: Location | None = None
    marks: list[Mark] = field(default_factory=list)


@dataclass
class Graph:
    """Nodes and edges, sorted; ``node(id)`` looks one up."""

    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)

    def node(self, node_id: str) -> Node:
        """The node with this id (KeyError when absent)."""
        for node in self.nodes:
            if node.id == node_id:
                return node
        raise KeyError(node_id)

    def accounts(self) -> list[str]:
        """Every account that groups at least one node, sorted."""
        return sorted({n.account for n in self.nodes if n.account})

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON shape (docs/graph.md)."""
        return {
            "version": 1,
            "accounts": self.accounts(),
            "nodes": [_node_dict(n) for n in self.nodes],
            "edges": [_edge_dict(e) for e in self.edges],
        }


# Severity colours of the diagram formats (mermaid, dot); the HTML report darkens medium
# for white badge text.
SEVERITY_COLORS = {
    "critical": "#b00020",
    "high": "#d93f0b",
    "medium": "#e0a100",
    "low": "#1d76db",
    "info": "#6a737d",
}


def rule_ids(marks: Sequence[Mark]) -> list[str]:
    """The distinct rule ids among ``marks``, sorted."""
    return sorted({m.rule_id for m in marks})


def worst(marks: Sequence[Mark]) -> str | None:
    """The highest severity label among ``marks`` (None when unmarked)."""
    order = ("info", "low", "medium", "high", "critical")
    found = [m.severity for m in marks if m.severity in order]
    return max(found, key=order.index) if found else None


def _loc_dict(loc: Location | None) -> dict[str, Any] | None:
    if loc is None:
        return None
    return {"path": loc.path, "line": loc.line, "column": loc.column}


def _marks_dict(marks: Sequence[Mark]) -> list[dict[str, Any]]:
    return [
        {"rule": m.rule_id, "severity": m.severity, "path": m.path, "line": m.line} for m in marks
    ]


def _node_dict(node: Node) -> dict[str, Any]:
    return {
        "id": node.id,
        "key": node.key,
        "kind": node.kind,
        "label": node.label,
        "account": node.account,
        "location": _loc_dict(node.location),
        "details": list(node.details),
        "findings": _marks_dict(node.marks),
    }


def _edge_dict(edge: Edge) -> dict[str, Any]:
    return {
        "id": edge.id,
        "kind": edge.kind,
        "source": edge.source,
        "target": edge.target,
        "labels": list(edge.labels),
        "location": _loc_dict(edge.location),
        "findings": _marks_dict(edge.marks),
    }


# --------------------------------------------------------------------------- helpers


def _role_arn(role: Role) -> str | None:
    """The role's ARN when the model knows it or can spell it from account and name."""
    if role.arn:
        return role.arn
    if role.account and role.name:
        return f"arn:aws:iam::{role.account}:role/{role.name}"
    return None


def _arn_role_name(arn: str) -> str | None:
    parsed = parse_literal_arn(arn)
    if parsed is None or parsed.service != "iam" or not parsed.resource.startswith("role/"):
        return None
    if parsed.account and not is_account_id(parsed.account):
        return None
    return parsed.resource.rsplit("/", 1)[-1] or None


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _values(condition: Condition) -> str:
    return ", ".join(v if v is not None else "(unknown)" for v in condition.values)


def condition_labels(statement: Statement) -> list[str]:
    """The guards of a statement, short: ``ExternalId``, ``MFA``, ``org o-...``, ``sub ...``."""
    labels: list[str] = []
    for cond in statement.conditions:
        key = cond.key.lower()
        op = cond.operator
        if key == "sts:externalid":
            labels.append(f"ExternalId ({op})")
        elif key in ("aws:multifactorauthpresent", "aws:multifactorauthage"):
            labels.append(f"MFA ({op} {cond.key.split(':', 1)[1]})")
        elif key in ("aws:principalorgid", "aws:principalorgpaths"):
            labels.append(f"org {_short(_values(cond))}")
        elif key.endswith(":sub"):
            labels.append(f"sub {op} {_short(_values(cond))}")
        elif key.endswith(":aud"):
            labels.append(f"aud {_short(_values(cond))}")
        else:
            labels.append(f"{cond.key} {op} {_short(_values(cond))}")
    if statement.unknown_conditions:
        labels.append("conditions unknown")
    return labels


def _slug(key: str) -> str:
    return _ID_UNSAFE.sub("_", key).strip("_") or "n"


# --------------------------------------------------------------------------- builder


class _Builder:
    """Collects nodes and edges by key; ids are assigned once, from sorted keys."""

    def __init__(self) -> None:
        self.nodes: dict[str, Node] = {}
        self.edges: dict[str, Edge] = {}
        self.hints: dict[str, str] = {}

    def node(
        self,
        key: str,
        kind: str,
        label: str,
        account: str | None = None,
        location: Location | None = None,
        hint: str | None = None,
    ) -> Node:
        existing = self.nodes.get(key)
        if existing is None:
            existing = Node("", key, kind, label, account, location)
            self.nodes[key] = existing
            self.hints[key] = hint or label
        return existing

    def edge(
        self,
        key: str,
        kind: str,
        source: Node,
        target: Node,
        labels: Iterable[str],
        location: Location | None,
    ) -> Edge:
        existing = self.edges.get(key)
        if existing is None:
            existing = Edge("", kind, source.key, target.key, list(labels), location)
            self.edges[key] = existing
        return existing

    def finish(self, secrets: tuple[str, ...] = ()) -> Graph:
        """Sort, then replace keys by short unique ids (Mermaid/DOT-safe).

        Ids are slugs of the (masked) labels: an id is printed too, so a principal
        named by an access key id must not carry it.
        """
        ids: dict[str, str] = {}
        used: set[str] = set()
        order = {kind: i for i, kind in enumerate(NODE_KINDS)}
        nodes = sorted(self.nodes.values(), key=lambda n: (order.get(n.kind, 99), n.key))
        for node in nodes:
            hint = mask_text(self.hints[node.key], secrets)
            base = f"{node.kind.replace('-', '_')}_{_slug(hint)}"
            candidate, n = base, 2
            while candidate in used:
                candidate, n = f"{base}_{n}", n + 1
            used.add(candidate)
            ids[node.key] = node.id = candidate
            node.details = sorted(set(node.details))
            node.marks = sorted(set(node.marks))
        edges = sorted(
            self.edges.items(),
            key=lambda kv: (kv[1].kind, ids[kv[1].source], ids[kv[1].target], kv[0]),
        )
        out_edges: list[Edge] = []
        for index, (_key, edge) in enumerate(edges, start=1):
            edge.source, edge.target = ids[edge.source], ids[edge.target]
            edge.id = f"e{index}"
            edge.marks = sorted(set(edge.marks))
            out_edges.append(edge)
        return Graph(nodes, out_edges)


def _role_key(role: Role) -> str:
    return f"role:{role.location.path}#{role.address}"


def _principal_node(builder: _Builder, principal: Principal) -> Node:
    """The node a trust principal stands for (accounts collapse to one node each)."""
    value = principal.value
    if value is None:
        return builder.node(UNKNOWN_KEY, "unknown", "unknown (unresolved value)")
    if principal.kind == "*" or value == "*":
        return builder.node("anyone", "anyone", "* (any principal)")
    if principal.kind == "Service":
        return builder.node(f"service:{value}", "service", f"service {value}")
    if principal.kind == "Federated":
        account = account_of(value)
        if ":oidc-provider/" in value:
            host = value.split(":oidc-provider/", 1)[1]
            hint = host.split("/", 1)[0]
            return builder.node(f"oidc:{value}", "oidc", f"OIDC {host}", account, None, hint)
        if ":saml-provider/" in value:
            name = value.split(":saml-provider/", 1)[1]
            return builder.node(f"saml:{value}", "saml", f"SAML {name}", account)
        return builder.node(f"federated:{value}", "federated", f"federated {value}", account)
    account = account_of(value)
    if account and (value == account or value.endswith(":root")):
        return builder.node(
            f"account:{account}", "account", f"account {account}", account, None, account
        )
    label = value.split(":", 5)[-1]
    return builder.node(f"aws:{value}", "principal", label, account, None, f"{account}_{label}")


def _add_roles(builder: _Builder, model: Model) -> dict[str, Node]:
    """Role nodes and their may-assume edges; returns the statement-key -> edge map."""
    for role in model.roles:
        arn = _role_arn(role)
        account = role.account or account_of(arn)
        node = builder.node(_role_key(role), "role", role.label, account, role.location)
        if not node.details:
            node.details.append(f"address {role.address}")
        node.details.append(f"defined in {role.location.path}:{role.location.line}")
        if arn:
            node.details.append(arn)
        if not role.trust_known:
            node.details.append("trust policy unknown")
        for statement in role.statements:
            if (statement.effect or "").lower() != "allow" or statement.not_principal:
                continue
            principals: list[tuple[Node, Location]] = [
                (_principal_node(builder, p), p.location) for p in statement.principals
            ]
            if statement.unknown_principals or not statement.principals:
                unknown = builder.node(UNKNOWN_KEY, "unknown", "unknown (unresolved value)")
                principals.append((unknown, statement.location))
            labels = condition_labels(statement)
            for source, loc in principals:
                if source.kind == "oidc":
                    source.details.extend(
                        f"{role.label}: {label}" for label in labels if label.startswith("sub ")
                    )
                key = f"may:{source.key}->{node.key}#{statement.index}"
                builder.edge(key, "may-assume", source, node, labels, loc)
    return builder.nodes


def _role_index(model: Model) -> tuple[dict[str, str], dict[str, list[str]]]:
    """ARN -> role key, and role name -> role keys of roles whose account is unknown."""
    by_arn: dict[str, str] = {}
    by_name: dict[str, list[str]] = {}
    for role in model.roles:
        arn = _role_arn(role)
        if arn:
            by_arn.setdefault(arn, _role_key(role))
        elif role.name:
            by_name.setdefault(role.name, []).append(_role_key(role))
    return by_arn, by_name


def _caller_node(builder: _Builder, attempt: AssumeAttempt) -> Node:
    """Workflow steps group by job; other callers are one node per configured block."""
    if attempt.kind == "workflow" and attempt.job:
        workflow, _, job = attempt.job.rpartition("#")
        label = f"workflow {workflow.rsplit('/', 1)[-1]} job {job}"
        return builder.node(f"caller:{attempt.job}", "caller", label, None, attempt.location)
    where = attempt.module or attempt.location.path
    label = f"{attempt.caller} ({where})"
    key = f"caller:{attempt.location.path}#{attempt.address}"
    return builder.node(key, "caller", label, None, attempt.location)


def _attempt_labels(attempt: AssumeAttempt) -> list[str]:
    labels = []
    if attempt.session_name is not None:
        labels.append(f"session {attempt.session_name.value or '(unknown)'}")
    if attempt.duration is not None:
        labels.append(f"duration {attempt.duration.value or '(unknown)'}")
    if attempt.external_id is not None:
        labels.append("ExternalId")
    if attempt.mfa_serial is not None:
        labels.append("MFA serial")
    if attempt.uses_oidc:
        labels.append("OIDC")
    return labels


def _add_attempts(builder: _Builder, model: Model) -> None:
    by_arn, by_name = _role_index(model)
    for attempt in model.attempts:
        caller = _caller_node(builder, attempt)
        caller.details.append(f"{attempt.kind} at {attempt.location.path}:{attempt.location.line}")
        if attempt.role_arn is None:
            continue  # no role configured: the caller uses its own credentials
        arn = attempt.role_arn.value
        target: Node
        if arn is None:
            target = builder.node(UNKNOWN_KEY, "unknown", "unknown (unresolved value)")
        elif arn in by_arn:
            target = builder.nodes[by_arn[arn]]
        elif len(by_name.get(_arn_role_name(arn) or "", [])) == 1:
            target = builder.nodes[by_name[_arn_role_name(arn) or ""][0]]
            target.details.append(f"assumed as {arn}")
        else:
            account = account_of(arn)
            label = arn.split(":", 5)[-1]
            hint = f"{account}_{label.rsplit('/', 1)[-1]}"
            target = builder.node(f"arn:{arn}", "role-arn", label, account, None, hint)
            target.details.append(arn)
        key = f"assumes:{caller.key}->{target.key}@{attempt.location}"
        builder.edge(key, "assumes", caller, target, _attempt_labels(attempt), attempt.location)


# --------------------------------------------------------------------------- findings


_END = (1 << 30, 0)
Position = tuple[int, int]


class _Starts:
    """Where the elements of one list (roles, statements of a role, callers) start, so
    that each element's span runs from its line and column to the next element's start
    in the same file: a one-line file (minified JSON, a Terraform plan) splits between
    its elements too. Bisection: a plan lists thousands of roles.
    """

    def __init__(self, locations: Iterable[Location]) -> None:
        by_path: dict[str, list[Position]] = {}
        for loc in locations:
            by_path.setdefault(loc.path, []).append((loc.line, loc.column))
        # variants of one element share its place
        self._sorted = {path: sorted(set(found)) for path, found in by_path.items()}

    def span(self, loc: Location) -> tuple[Position, Position]:
        """(start, exclusive end) of the element at ``loc``."""
        start = (loc.line, loc.column)
        found = self._sorted[loc.path]
        index = bisect.bisect_right(found, start)
        return start, found[index] if index < len(found) else _END


_Span = tuple[str, Position, Position, list["Edge"], "Node | None"]


def _innermost(spans: list[_Span], path: str, at: Position) -> _Span | None:
    """The span of ``path`` holding ``at`` that starts last (the most specific);
    ``spans`` is sorted by (path, start, -end)."""
    index = bisect.bisect_right(spans, (path, at, _END), key=lambda s: (s[0], s[1], _END)) - 1
    while index >= 0 and spans[index][0] == path:
        span = spans[index]
        if span[1] <= at < span[2]:
            while index > 0 and spans[index - 1][:3] == span[:3]:
                index -= 1  # of the same place's variants, the first (as listed)
            return spans[index]
        index -= 1
    return None


def _planned_spans(
    model: Model, by_key: dict[str, Node], callers: dict[Location, Node]
) -> Iterator[_Span]:
    """The objects of a Terraform plan, each a span of its own (one-line plans end an
    element where the next begins only in the list it belongs to): a finding about a
    provider's keys marks the provider, never the role listed before it; one inside a
    policy document but outside its statements marks nothing."""
    for planned in model.planned:
        span = planned.span
        start = (span.line, span.column)
        end = (span.end_line or span.line, span.end_column or span.column + 1)
        node = None
        if planned.kind == "role":
            node = by_key.get(f"role:{span.path}#{planned.address}")
        elif planned.kind == "provider":
            node = next(
                (
                    caller
                    for where, caller in callers.items()
                    if where.path == span.path and start <= (where.line, where.column) < end
                ),
                None,
            )
        yield (span.path, start, end, [], node)


def _attach(
    graph: Graph, model: Model, findings: Iterable[Finding], secrets: tuple[str, ...]
) -> None:
    """Mark the most specific element that contains each finding's location.

    Findings arrive with key ids masked in their paths, so the spans are compared by
    masked path too. A finding moved from a Terraform plan onto the configuration marks
    the planned element its related location names.
    """
    by_key = {n.key: n for n in graph.nodes}
    edges_by_loc: dict[Location, list[Edge]] = {}
    for edge in graph.edges:
        if edge.location is not None:
            edges_by_loc.setdefault(edge.location, []).append(edge)
    roles = _Starts(r.location for r in model.roles)
    attempts = _Starts(a.location for a in model.attempts)
    callers = {n.location: n for n in graph.nodes if n.kind == "caller" and n.location}
    spans: list[_Span] = []
    for role in model.roles:
        role_start, role_end = roles.span(role.location)
        role_node = by_key[_role_key(role)]
        spans.append((role.location.path, role_start, role_end, [], role_node))
        statements = _Starts(s.location for s in role.statements)
        for statement in role.statements:
            st_start, st_end = statements.span(statement.location)
            edges = [e for p in statement.principals for e in edges_by_loc.get(p.location, [])]
            edges += edges_by_loc.get(statement.location, [])
            spans.append(
                (statement.location.path, st_start, min(st_end, role_end), edges, role_node)
            )
    for attempt in model.attempts:
        start, end = attempts.span(attempt.location)
        edges = edges_by_loc.get(attempt.location, [])
        caller = callers.get(attempt.location)
        if caller is None:
            caller = by_key.get(f"caller:{attempt.job}") if attempt.job else None
        spans.append((attempt.location.path, start, end, list(edges), caller))
    spans.extend(_planned_spans(model, by_key, callers))
    masked_path = {path: mask_text(path, secrets) for path in {s[0] for s in spans}}
    spans = sorted(
        ((masked_path[path], start, end, edges, node) for path, start, end, edges, node in spans),
        key=lambda s: (s[0], s[1], (-s[2][0], -s[2][1])),
    )
    for finding in findings:
        # a finding moved from a plan onto the configuration is about the planned element
        places = [*(r for r in finding.related if r.logical), finding.location]
        for place in places:
            loc = place.masked(secrets)
            found = _innermost(spans, loc.path, (loc.line, loc.column))
            if found is not None:
                break
        else:
            continue
        _path, _start, _end, edges, node = found
        where = finding.location.masked(secrets)
        mark = Mark(finding.rule_id, finding.severity.label, where.line, where.path)
        if edges:
            for edge in edges:
                edge.marks.append(mark)
        elif node is not None:
            node.marks.append(mark)
    for node in graph.nodes:
        node.marks = sorted(set(node.marks))
    for edge in graph.edges:
        edge.marks = sorted(set(edge.marks))


def build_graph(
    model: Model, findings: Iterable[Finding] = (), secrets: Sequence[str] = ()
) -> Graph:
    """The graph of ``model``, with ``findings`` attached to the elements they are about.

    Every label and detail goes through :func:`mask_text` with ``secrets``: a condition
    value or a caller name must not carry a key into a diagram.
    """
    known = tuple(secrets)
    builder = _Builder()
    if any(r.variant is not None and r.variant.witness for r in model.roles):
        # a witness evaluation (a template's parameters unknown) only decides findings'
        # wording; the graph draws the deployments themselves
        roles = [r for r in model.roles if not (r.variant and r.variant.witness)]
        model = replace(model, roles=roles)
    _add_roles(builder, model)
    _add_attempts(builder, model)
    graph = builder.finish(known)
    _attach(graph, model, findings, known)
    for node in graph.nodes:
        node.location = node.location.masked(known) if node.location else None
        node.key = mask_text(node.key, known)  # graph JSON prints it; it names paths
        node.label = mask_text(node.label, known)
        node.details = [mask_text(d, known) for d in node.details]
    for edge in graph.edges:
        edge.location = edge.location.masked(known) if edge.location else None
        edge.labels = [mask_text(label, known) for label in edge.labels]
    return graph


# --------------------------------------------------------------------------- collapsing


def account_clusters(graph: Graph) -> tuple[list[Node], list[tuple[str, list[Node]]]]:
    """The nodes outside any account (callers, and nodes whose account is unknown), then
    each account's nodes, accounts in order: how the diagrams draw their clusters."""
    grouped: dict[str | None, list[Node]] = {}
    for node in graph.nodes:
        grouped.setdefault(node.account if node.kind != "caller" else None, []).append(node)
    accounts = sorted(a for a in grouped if a is not None)
    return grouped.get(None, []), [(account, grouped[account]) for account in accounts]


def group_of(node: Node) -> tuple[str, str, str]:
    """(key, kind, label) of the account-level group a node belongs to.

    Roles and IAM principals fold into their account (``account``, ``principal``,
    ``role`` and ``role-arn`` of account A are one ``account A`` node); OIDC, SAML and
    other federated providers merge by name across accounts; services, ``*`` and
    ``unknown`` stay as they are; callers fold into the top folder of their file.
    """
    if node.kind in ("role", "role-arn", "account", "principal"):
        if node.account:
            return f"acct:{node.account}", "role", f"account {node.account}"
        return "acct:?", "role", "account unknown"
    if node.kind in ("oidc", "saml", "federated"):
        return f"{node.kind}:{node.label}", node.kind, node.label
    if node.kind == "caller":
        path = node.location.path if node.location else ""
        top = path.split("/", 1)[0] if "/" in path else "."
        return f"callers:{top}", "caller", f"callers in {top}/" if top != "." else "callers in ./"
    return node.key, node.kind, node.label


def by_account(graph: Graph, keep: int | None = None) -> Graph:
    """``graph`` folded to account level (see :func:`group_of`), for places that cannot
    draw every role: a job summary (Mermaid's 50,000-character limit) or an overview of
    a large HTML report. Each folded node says how many nodes it holds; edges between
    two groups merge into one per kind, saying how many they stand for; marks (findings)
    are kept, so the worst severity and rule ids still show.

    ``keep`` (when given) keeps only the ``keep`` account groups with the most findings,
    then edges, and folds the other accounts into one ``other accounts`` node: the last
    resort when even the accounts are too many to draw.
    """
    groups = {node.id: group_of(node) for node in graph.nodes}
    if keep is not None:
        groups = _keep_accounts(graph, groups, keep)
    members: dict[str, list[Node]] = {}
    for node in graph.nodes:
        members.setdefault(groups[node.id][0], []).append(node)
    builder = _Builder()
    folded: dict[str, Node] = {}
    for key, nodes in members.items():
        _key, kind, label = groups[nodes[0].id]
        plain = len(nodes) == 1 and nodes[0].key == key
        if not plain:
            label = f"{label} ({_count(nodes)})"
        location = nodes[0].location if plain else None
        node = builder.node(key, kind, label, None, location, key.replace(":", "_"))
        node.details.extend(f"{n.kind}: {n.label}" for n in nodes[:50])
        if len(nodes) > 50:
            node.details.append(f"... and {len(nodes) - 50} more")
        node.marks.extend(m for n in nodes for m in n.marks)
        folded[key] = node
    merged: dict[tuple[str, str, str], list[Edge]] = {}
    for edge in graph.edges:
        pair = (edge.kind, groups[edge.source][0], groups[edge.target][0])
        merged.setdefault(pair, []).append(edge)
    for (kind, source, target), edges in merged.items():
        labels = sorted({label for e in edges for label in e.labels})
        if len(edges) > 1 or len(labels) > 3:
            labels = [f"{len(edges)} {'edge' if len(edges) == 1 else 'edges'}"]
        new = builder.edge(f"{kind}:{source}->{target}", kind, folded[source], folded[target],
                           labels, edges[0].location if len(edges) == 1 else None)
        new.marks.extend(m for e in edges for m in e.marks)
    return builder.finish()


def _count(nodes: Sequence[Node]) -> str:
    kinds: dict[str, int] = {}
    for node in nodes:
        noun = {"role-arn": "role", "principal": "principal", "account": "account root"}.get(
            node.kind, node.kind
        )
        kinds[noun] = kinds.get(noun, 0) + 1
    return ", ".join(f"{n} {k}{'s' if n != 1 else ''}" for k, n in sorted(kinds.items()))


def _keep_accounts(
    graph: Graph, groups: dict[str, tuple[str, str, str]], keep: int
) -> dict[str, tuple[str, str, str]]:
    """``groups`` with all but the ``keep`` busiest account groups folded into one."""
    weight: dict[str, tuple[int, int]] = {}
    for node in graph.nodes:
        key = groups[node.id][0]
        marks, edges = weight.get(key, (0, 0))
        weight[key] = (marks + len(node.marks), edges)
    for edge in graph.edges:
        for end in (edge.source, edge.target):
            key = groups[end][0]
            marks, edges = weight.get(key, (0, 0))
            weight[key] = (marks + len(edge.marks), edges + 1)
    accounts = sorted((k for k in weight if k.startswith("acct:")),
                      key=lambda k: (-weight[k][0], -weight[k][1], k))
    kept = set(accounts[:keep])
    other = ("acct:other", "role", f"{len(accounts) - len(kept)} other accounts")
    return {
        node_id: other if group[0].startswith("acct:") and group[0] not in kept else group
        for node_id, group in groups.items()
    }


__all__ = [
    "account_clusters",
    "Edge",
    "Graph",
    "Mark",
    "Node",
    "SEVERITY_COLORS",
    "build_graph",
    "by_account",
    "condition_labels",
    "group_of",
    "rule_ids",
    "worst",
]
