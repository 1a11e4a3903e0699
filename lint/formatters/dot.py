"""Graphviz DOT of the who-assumes-what graph, for Graphviz users.

Accounts are ``cluster_`` subgraphs; every id and label is a quoted DOT string with
backslashes, quotes and line breaks escaped, so a hostile name cannot end the string.
"""

from __future__ import annotations

from assume_lint.report.graph import (
    SEVERITY_COLORS,
    Edge,
    Graph,
    Node,
    account_clusters,
    rule_ids,
    worst,
)

_SHAPES = {
    "caller": "oval",
    "role": "box",
    "role-arn": "parallelogram",
    "unknown": "hexagon",
}


def quote(text: str) -> str:
    """``text`` as a DOT double-quoted string on one line."""
    text = " ".join(text.split())
    cleaned = "".join(c for c in text if c.isprintable())
    return '"' + cleaned.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _mark_text(marks_rules: list[str], severity: str | None) -> str:
    return f" [{' '.join(marks_rules)} {severity}]" if severity else ""


def _node_line(node: Node) -> str:
    severity = worst(node.marks)
    label = node.label + _mark_text(rule_ids(node.marks), severity)
    attrs = [f"label={quote(label)}", f"shape={_SHAPES.get(node.kind, 'ellipse')}"]
    if severity:
        attrs.append(f"color={quote(SEVERITY_COLORS[severity])}")
        attrs.append("penwidth=3")
    return f"{quote(node.id)} [{', '.join(attrs)}];"


def _edge_line(edge: Edge) -> str:
    severity = worst(edge.marks)
    text = "may assume" if edge.kind == "may-assume" else "assumes"
    if edge.labels:
        text += ": " + "; ".join(edge.labels)
    text += _mark_text(rule_ids(edge.marks), severity)
    attrs = [f"label={quote(text)}", f"style={'dashed' if edge.kind == 'may-assume' else 'bold'}"]
    if severity:
        attrs.append(f"color={quote(SEVERITY_COLORS[severity])}")
        attrs.append("penwidth=3")
    return f"{quote(edge.source)} -> {quote(edge.target)} [{', '.join(attrs)}];"


def render_graph(graph: Graph) -> str:
    """The graph as a ``digraph``."""
    lines = ["digraph assume_lint {", "  rankdir=LR;", '  node [fontname="Helvetica"];']
    outside, clusters = account_clusters(graph)
    lines.extend(f"  {_node_line(node)}" for node in outside)
    for account, nodes in clusters:
        lines.append(f"  subgraph {quote('cluster_' + account)} {{")
        lines.append(f"    label={quote('account ' + account)};")
        lines.extend(f"    {_node_line(node)}" for node in nodes)
        lines.append("  }")
    lines.extend(f"  {_edge_line(edge)}" for edge in graph.edges)
    lines.append("}")
    return "\n".join(lines) + "\n"


__all__ = ["quote", "render_graph"]
