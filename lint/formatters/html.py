"""Self-contained HTML audit report: summary, findings by file and by role, the graph.

One file, no network: the CSS and a few lines of JS are inline and the graph is an SVG
laid out here in Python (three columns: callers -> roles <- principals), so the report
opens from an e-mail attachment or an air-gapped share. Everything user-controlled goes
through :func:`html.escape` and every excerpt through the secret masking. Sections are
``<details>`` elements and a filter box hides non-matching rows, so a repository with
hundreds of roles stays usable.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

from assume_lint.files.fileio import read_regular
from assume_lint.formatters import masked, one_line, reported
from assume_lint.model import Model
from assume_lint.model.findings import Finding
from assume_lint.model.registry import Rule
from assume_lint.model.result import RunResult
from assume_lint.report.graph import (
    Edge,
    Graph,
    Node,
    build_graph,
    by_account,
    group_of,
    rule_ids,
    worst,
)

_CONTEXT = 2
# Above this many nodes the drawing is one box per account (a wall of hundreds of boxes
# reads as nothing), and the list of roles is grouped by account, findings open.
GROUP_ABOVE = 150
_MAX_SOURCE = 2_000_000
_MAX_LINE = 240  # characters of a line an excerpt shows around the finding
_COLUMNS = {"caller": 0, "role": 1, "role-arn": 1}
_BOX_W, _BOX_H, _GAP, _COL_GAP, _PAD = 300, 24, 8, 180, 20
_SEV_COLORS = {
    "critical": "#b00020",
    "high": "#d93f0b",
    "medium": "#b08800",
    "low": "#1d76db",
    "info": "#6a737d",
}
_CSS = """
body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em}table{border-collapse:collapse;width:100%}
td,th{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top;font-size:.9em}
.sev{font-weight:bold;color:#fff;padding:0 4px;border-radius:3px}
pre{background:#f6f8fa;padding:4px;margin:2px 0;overflow-x:auto;font-size:.85em}
.hl{background:#fff3b0;display:block}details{margin:.4em 0}summary{cursor:pointer}
#filter{width:40em;padding:4px;margin:.5em 0}.graph{overflow:auto;border:1px solid #ddd}
.hidden{display:none}
"""
_JS = """
(function(){
  var box=document.getElementById('filter');
  if(!box){return;}
  box.addEventListener('input',function(){
    var q=box.value.toLowerCase();
    var rows=document.querySelectorAll('[data-filter]');
    for(var i=0;i<rows.length;i++){
      var t=rows[i].getAttribute('data-filter')||'';
      rows[i].classList.toggle('hidden', q!=='' && t.indexOf(q)<0);
    }
    var groups=document.querySelectorAll('details.group');
    for(var j=0;j<groups.length;j++){
      var hit=groups[j].querySelector('[data-filter]:not(.hidden)');
      groups[j].classList.toggle('hidden', q!=='' && !hit);
      groups[j].open = q!=='' ? !!hit : groups[j].hasAttribute('data-open');
    }
  });
})();
"""


def _e(text: str) -> str:
    """HTML-escaped, with lone surrogates (undecodable file names) made visible."""
    if any("\ud800" <= c <= "\udfff" for c in text):
        text = one_line(text)
    return html.escape(text, quote=True)


def _sev(label: str) -> str:
    return (
        f'<span class="sev" style="background:{_SEV_COLORS.get(label, "#555")}">{_e(label)}</span>'
    )


def _lines(
    root: str, path: str, cache: dict[str, list[str] | None], result: RunResult
) -> list[str] | None:
    """The file's lines (None when unreadable): excerpts are read back from the scan root.

    Long lines (minified JSON, a one-line plan) are masked here, once, before any
    excerpt clips them: a key cut at a window's edge would no longer look like one.
    """
    if path not in cache:
        try:
            data: bytes | None = read_regular(Path(root) / path, _MAX_SOURCE, head=True)
        except OSError:  # gone, unreadable, or no longer a regular file
            data = None
        lines = None if data is None else data.decode("utf-8", "replace").split("\n")
        if lines is not None:
            lines = [masked(text, result) if len(text) > _MAX_LINE else text for text in lines]
        cache[path] = lines
    return cache[path]


def _clip(text: str, column: int) -> str:
    """A long line (minified JSON, a one-line Terraform plan) cut to a window around
    ``column``: a report must not repeat a megabyte line for every finding on it."""
    if len(text) <= _MAX_LINE:
        return text
    start = max(0, column - 1 - _MAX_LINE // 3)
    window = text[start : start + _MAX_LINE]
    return ("…" if start else "") + window + ("…" if start + _MAX_LINE < len(text) else "")


def _excerpt(finding: Finding, result: RunResult, cache: dict[str, list[str] | None]) -> str:
    lines = _lines(result.root, finding.location.path, cache, result)
    if not lines:
        return ""
    line = finding.location.line
    start, end = max(1, line - _CONTEXT), min(len(lines), line + _CONTEXT)
    out = []
    for number in range(start, end + 1):
        column = finding.location.column if number == line else 1
        source = lines[number - 1]
        shown = _clip(source, column) if len(source) > _MAX_LINE else masked(source, result)
        text = _e(f"{number:5d}  {shown}")
        out.append(f'<span class="hl">{text}</span>' if number == line else text + "\n")
    return "<pre>" + "".join(out) + "</pre>"


def _fid(index: int) -> str:
    return f"f{index}"


def _finding_row(
    index: int,
    finding: Finding,
    suppressed: bool,
    result: RunResult,
    cache: dict[str, list[str] | None],
) -> str:
    loc = finding.location
    message = masked(finding.message, result)
    note = " (suppressed)" if suppressed else ""
    text = f"{finding.rule_id} {finding.rule_name} {loc.path} {message}".lower()
    return (
        f'<tr id="{_fid(index)}" data-filter="{_e(text)}"><td>{_sev(finding.severity.label)}</td>'
        f"<td>{_e(finding.rule_id)} {_e(finding.rule_name)}</td>"
        f'<td><a href="#file-{_e(loc.path)}">{_e(loc.path)}</a>:{loc.line}:{loc.column}</td>'
        f"<td>{_e(message)}{note}{_excerpt(finding, result, cache)}</td></tr>"
    )


def _table(rows: list[str]) -> str:
    head = "<tr><th>severity</th><th>rule</th><th>location</th><th>message</th></tr>"
    return f"<table>{head}{''.join(rows)}</table>"


def _layout(graph: Graph) -> dict[str, tuple[int, int]]:
    """Top-left corner of each node: one column per role in the chain, rows in order."""
    rows = [0, 0, 0]
    where: dict[str, tuple[int, int]] = {}
    for node in graph.nodes:
        column = _COLUMNS.get(node.kind, 2)
        x = _PAD + column * (_BOX_W + _COL_GAP)
        y = _PAD + 20 + rows[column] * (_BOX_H + _GAP)
        rows[column] += 1
        where[node.id] = (x, y)
    return where


def _group_anchor(key: str) -> str:
    """The id of the list group a folded node stands for (see :func:`_grouped`)."""
    return "group-" + "".join(c if c.isalnum() else "_" for c in key)


def _svg_node(node: Node, x: int, y: int, href: str | None = None) -> str:
    severity = worst(node.marks)
    stroke = _SEV_COLORS[severity] if severity else "#888"
    fill = {"caller": "#eef6ff", "role": "#fff", "role-arn": "#f4f4f4"}.get(node.kind, "#f3fff0")
    label = node.label if len(node.label) <= 44 else node.label[:43] + "…"
    if node.marks:
        label = "⚠ " + label
    return (
        f'<a href="#{_e(href or "node-" + node.id)}"><g class="node" data-id="{_e(node.id)}">'
        f"<title>{_e(node.kind)}: {_e(node.label)}</title>"
        f'<rect x="{x}" y="{y}" width="{_BOX_W}" height="{_BOX_H}" rx="4" fill="{fill}" '
        f'stroke="{stroke}" stroke-width="{3 if severity else 1}"/>'
        f'<text x="{x + 6}" y="{y + 16}" font-size="12">{_e(label)}</text></g></a>'
    )


def render_svg(graph: Graph, folded: bool = False) -> str:
    """The graph as inline SVG: callers | roles | principals, edges as curves. A
    ``folded`` graph (:func:`by_account`) links each box to its group in the list."""
    where = _layout(graph)
    height = max([y for _x, y in where.values()], default=0) + _BOX_H + _PAD
    width = _PAD * 2 + 3 * _BOX_W + 2 * _COL_GAP
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="graph" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="who assumes what">'
    ]
    for column, title in enumerate(("callers", "roles", "principals")):
        x = _PAD + column * (_BOX_W + _COL_GAP)
        parts.append(f'<text x="{x}" y="{_PAD}" font-weight="bold" font-size="13">{title}</text>')
    for edge in graph.edges:
        (sx, sy), (tx, ty) = where[edge.source], where[edge.target]
        if sx < tx:
            x1, x2 = sx + _BOX_W, tx
        elif sx > tx:
            x1, x2 = sx, tx + _BOX_W
        else:
            x1, x2 = sx + _BOX_W, tx + _BOX_W
        y1, y2 = sy + _BOX_H // 2, ty + _BOX_H // 2
        mid = (x1 + x2) // 2 if x1 != x2 else x1 + 60
        severity = worst(edge.marks)
        color = _SEV_COLORS[severity] if severity else "#999"
        dash = ' stroke-dasharray="5,3"' if edge.kind == "may-assume" else ""
        title = f"{edge.kind}: " + "; ".join(edge.labels)
        if edge.marks:
            title += " — " + ", ".join(rule_ids(edge.marks))
        parts.append(
            f'<path class="edge" d="M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}" fill="none" '
            f'stroke="{color}" stroke-width="{3 if severity else 1.2}"{dash}>'
            f"<title>{_e(title)}</title></path>"
        )
    for node in graph.nodes:
        x, y = where[node.id]
        parts.append(_svg_node(node, x, y, _group_anchor(node.key) if folded else None))
    parts.append("</svg>")
    return "".join(parts)


def _by_role(
    graph: Graph, index_of: dict[tuple[str, str, int], int], result: RunResult
) -> list[str]:
    """One ``<details>`` per node: its findings, details and edges. Edges are indexed by
    node once (a scan of every edge per node was quadratic on a landing zone)."""
    touching: dict[str, list[Edge]] = {}
    for edge in graph.edges:
        touching.setdefault(edge.source, []).append(edge)
        if edge.target != edge.source:
            touching.setdefault(edge.target, []).append(edge)
    label_of = {node.id: node.label for node in graph.nodes}
    out = []
    for node in graph.nodes:
        related = touching.get(node.id, [])
        marks = sorted(set(node.marks) | {m for e in related for m in e.marks})
        links = []
        for mark in marks:
            index = index_of.get((mark.rule_id, mark.path, mark.line))
            ref = f'<a href="#{_fid(index)}">{_e(mark.rule_id)}</a>' if index else _e(mark.rule_id)
            links.append(f"{ref} {_sev(mark.severity)} line {mark.line}")
        edges = []
        for edge in related:
            other = edge.target if edge.source == node.id else edge.source
            arrow = "→" if edge.source == node.id else "←"
            text = f"{edge.kind} {arrow} " + label_of[other]
            if edge.labels:
                text += " (" + "; ".join(edge.labels) + ")"
            edges.append(f'<li><a href="#node-{_e(other)}">{_e(masked(text, result))}</a></li>')
        where = ""
        if node.location is not None:
            loc = node.location
            where = f' — <a href="#file-{_e(loc.path)}">{_e(loc.path)}</a>:{loc.line}'
        filt = f"{node.kind} {node.label} {' '.join(node.details)}".lower()
        out.append(
            f'<details id="node-{_e(node.id)}" data-filter="{_e(filt)}"'
            f"{' open' if marks else ''}><summary>{_e(node.kind)}: <b>{_e(node.label)}</b>{where}"
            f" ({len(marks)} finding{'s' if len(marks) != 1 else ''})</summary>"
            f"<ul>{''.join(f'<li>{_e(d)}</li>' for d in node.details)}</ul>"
            f"<p>{'<br>'.join(links)}</p><ul>{''.join(edges)}</ul></details>"
        )
    return out


def _grouped(graph: Graph, entries: list[str]) -> list[str]:
    """The per-node entries in one ``<details class="group">`` per account (or provider,
    or callers' folder: :func:`group_of`), open only where there are findings."""
    groups: dict[str, tuple[str, list[str], bool]] = {}
    for node, entry in zip(graph.nodes, entries, strict=True):
        key, _kind, label = group_of(node)
        _label, members, marked = groups.get(key, (label, [], False))
        members.append(entry)
        groups[key] = (label, members, marked or bool(node.marks))
    marked_edges = {end for e in graph.edges if e.marks for end in (e.source, e.target)}
    keys_marked = {group_of(n)[0] for n in graph.nodes if n.id in marked_edges}
    out = []
    for key, (label, members, marked) in sorted(groups.items(), key=lambda kv: kv[1][0]):
        is_open = " open data-open" if marked or key in keys_marked else ""
        out.append(
            f'<details class="group" id="{_group_anchor(key)}"{is_open}><summary>'
            f"<b>{_e(label)}</b> ({len(members)})</summary>{''.join(members)}</details>"
        )
    return out


def render(
    result: RunResult,
    rules: Sequence[Rule],
    *,
    color: bool = False,
    category: str = "assume-lint",
    include_suppressed: bool = False,
    model: Model | None = None,
) -> str:
    """The whole report as one HTML document."""
    del rules, color, category
    items = reported(result, include_suppressed)
    cache: dict[str, list[str] | None] = {}
    index_of = {
        (f.rule_id, f.location.path, f.location.line): i for i, (f, _s) in enumerate(items, 1)
    }
    by_file: dict[str, list[str]] = {}
    for index, (finding, suppressed) in enumerate(items, start=1):
        row = _finding_row(index, finding, suppressed, result, cache)
        by_file.setdefault(finding.location.path, []).append(row)
    files = [
        f'<details id="file-{_e(path)}" open data-filter="{_e(path.lower())}">'
        f"<summary><b>{_e(path)}</b> ({len(rows)})</summary>{_table(rows)}</details>"
        for path, rows in sorted(by_file.items())
    ]
    graph = build_graph(model or Model(), result.findings, result.secrets)
    roles = _by_role(graph, index_of, result)
    size = f"{len(graph.nodes)} nodes, {len(graph.edges)} edges"
    if len(graph.nodes) > GROUP_ABOVE:
        drawing = render_svg(by_account(graph), folded=True)
        size += "; drawn by account: a box leads to its roles below"
        roles = _grouped(graph, roles)
    else:
        drawing = render_svg(graph)
    counts = "".join(
        f"<li>{_sev(s.label)} {n}</li>" for s, n in sorted(result.counts().items(), reverse=True)
    )
    body = [
        "<h1>assume-lint report</h1>",
        f'<p id="summary">{_e(masked(result.summary(), result))}</p><ul>{counts}</ul>',
        '<input id="filter" type="search" placeholder="Filter findings, files and roles…" '
        'aria-label="filter">',
        f'<details open><summary><h2 style="display:inline">Graph ({_e(size)})</h2></summary>'
        f'<div class="graph">{drawing}</div></details>',
        f'<details open id="findings"><summary><h2 style="display:inline">Findings by file '
        f"({len(items)})</h2></summary>{''.join(files) or '<p>No findings.</p>'}</details>",
        '<details open id="roles"><summary><h2 style="display:inline">Roles, principals and '
        f"callers</h2></summary>{''.join(roles)}</details>",
    ]
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">"
        f"<title>assume-lint report</title><style>{_CSS}</style></head><body>"
        + "\n".join(body)
        + f"<script>{_JS}</script></body></html>\n"
    )


__all__ = ["render", "render_svg"]
