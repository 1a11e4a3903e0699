"""Mermaid flowchart of the who-assumes-what graph.

Renders without any tool in GitHub Markdown and job summaries. Labels are quoted and
every character Mermaid could read as syntax (quotes, ``#``, angle brackets, backticks,
pipes) is written as a ``#name;`` entity, so a hostile role name cannot break the
diagram or inject markup. Accounts are subgraphs; marked nodes and edges get a class or
a ``linkStyle`` by severity.
"""

from __future__ import annotations

from assume_lint.report.graph import (
    SEVERITY_COLORS,
    Edge,
    Graph,
    Node,
    account_clusters,
    by_account,
    rule_ids,
    worst,
)

# GitHub draws a Mermaid block only up to this many characters (mermaid's maxTextSize).
MAX_CHARS = 50_000

_ENTITIES = {
    "#": "#35;",
    '"': "#quot;",
    "<": "#lt;",
    ">": "#gt;",
    "`": "#96;",
    "|": "#124;",
    "&": "#38;",
    "\\": "#92;",
    "[": "#91;",
    "]": "#93;",
    "{": "#123;",
    "}": "#125;",
}
_SHAPES = {
    "caller": ('(["', '"])'),
    "role": ('["', '"]'),
    "role-arn": ('[/"', '"/]'),
    "unknown": ('{{"', '"}}'),
}


def escape(text: str) -> str:
    """``text`` safe inside a quoted Mermaid label, on one line."""
    text = " ".join(text.split())
    return "".join(_ENTITIES.get(c, c) for c in text if c.isprintable())


def _node_label(node: Node) -> str:
    text = node.label
    if node.marks:
        rules = rule_ids(node.marks)
        text += f" ⚠ {' '.join(rules)} ({worst(node.marks)})"
    return escape(text)


def _node_line(node: Node) -> str:
    left, right = _SHAPES.get(node.kind, ('("', '")'))
    return f"{node.id}{left}{_node_label(node)}{right}"


def _edge_line(edge: Edge) -> str:
    text = "may assume" if edge.kind == "may-assume" else "assumes"
    if edge.labels:
        text += ": " + "; ".join(edge.labels)
    if edge.marks:
        text += f" ⚠ {' '.join(rule_ids(edge.marks))} ({worst(edge.marks)})"
    arrow = "-.->" if edge.kind == "may-assume" else "==>"
    return f'{edge.source} {arrow}|"{escape(text)}"| {edge.target}'


def render_graph(graph: Graph) -> str:
    """The graph as a ``flowchart LR`` (no fences)."""
    lines = ["flowchart LR"]
    outside, clusters = account_clusters(graph)
    lines.extend(f"  {_node_line(node)}" for node in outside)
    for account, nodes in clusters:
        lines.append(f'  subgraph acct_{account}["account {account}"]')
        lines.extend(f"    {_node_line(node)}" for node in nodes)
        lines.append("  end")
    for edge in graph.edges:
        lines.append(f"  {_edge_line(edge)}")
    used = sorted({s for n in graph.nodes if (s := worst(n.marks))})
    for severity in used:
        color = SEVERITY_COLORS.get(severity, "#b00020")
        lines.append(f"  classDef sev_{severity} stroke:{color},stroke-width:3px")
    for severity in used:
        ids = ",".join(n.id for n in graph.nodes if worst(n.marks) == severity)
        lines.append(f"  class {ids} sev_{severity}")
    for index, edge in enumerate(graph.edges):
        edge_severity = worst(edge.marks)
        if edge_severity:
            color = SEVERITY_COLORS[edge_severity]
            lines.append(f"  linkStyle {index} stroke:{color},stroke-width:3px")
    return "\n".join(lines) + "\n"


def fit(graph: Graph, limit: int = MAX_CHARS) -> tuple[str | None, str | None]:
    """The graph as Mermaid that stays under ``limit`` characters, and a note saying what
    was folded to get there (None when nothing was).

    The whole graph when it fits; else folded to account level; else the busiest
    accounts only (the largest number that fits, the others folded into one node); else
    no diagram at all (None), only the note. Callers show a note in every case but the
    first, so a reader knows the diagram is not the whole graph.
    """
    text = render_graph(graph)
    if len(text) < limit:
        return text, None
    size = f"{len(graph.nodes):,} nodes and {len(graph.edges):,} edges"
    folded = render_graph(by_account(graph))
    if len(folded) < limit:
        return folded, f"The graph has {size}, more than GitHub draws: it is shown by account."
    accounts = len({n.account for n in graph.nodes if n.account})
    low, high, best = 0, accounts, None
    while low <= high:  # the most accounts that still fit
        middle = (low + high) // 2
        text = render_graph(by_account(graph, keep=middle))
        if len(text) < limit:
            best, low = (middle, text), middle + 1
        else:
            high = middle - 1
    if best is not None:
        return best[1], (
            f"The graph has {size} in {accounts:,} accounts, more than GitHub draws: it is "
            f"shown by account, for the {best[0]:,} accounts with the most findings and edges."
        )
    return None, f"The graph has {size}, too many to draw here even by account."


__all__ = ["MAX_CHARS", "escape", "fit", "render_graph"]
