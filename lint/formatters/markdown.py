"""Markdown report for ``$GITHUB_STEP_SUMMARY``: findings by severity, then the graph.

GitHub renders the tables and the fenced Mermaid block without any tool. Table cells
are escaped (pipes, backticks, angle brackets, line breaks) so a hostile message cannot
break the table or inject HTML into the job summary; secrets are masked.
"""

from __future__ import annotations

from collections.abc import Sequence

from assume_lint.findings import Finding, Severity
from assume_lint.formatters import masked, one_line, reported
from assume_lint.formatters.mermaid import render_graph
from assume_lint.graph import build_graph
from assume_lint.model import Model
from assume_lint.registry import Rule
from assume_lint.result import RunResult

_CELL_ESCAPES = {
    "|": "\\|",
    "`": "\\`",
    "<": "&lt;",
    ">": "&gt;",
    "&": "&amp;",
    "[": "\\[",
    "]": "\\]",
}


def cell(text: str) -> str:
    """``text`` as one Markdown table cell (one line, no markup)."""
    text = one_line(" ".join(text.split()))
    return "".join(_CELL_ESCAPES.get(c, c) for c in text if c.isprintable())


def _table(findings: Sequence[tuple[Finding, bool]], result: RunResult) -> list[str]:
    lines = ["| rule | location | message |", "| --- | --- | --- |"]
    for finding, suppressed in findings:
        loc = finding.location
        where = cell(f"{loc.path}:{loc.line}:{loc.column}")
        note = " (suppressed)" if suppressed else ""
        message = cell(masked(finding.message, result)) + note
        lines.append(f"| {finding.rule_id} {cell(finding.rule_name)} | {where} | {message} |")
    return lines


def render(
    result: RunResult,
    rules: Sequence[Rule],
    *,
    color: bool = False,
    category: str = "assume-lint",
    include_suppressed: bool = False,
    model: Model | None = None,
) -> str:
    """The Markdown report (``color`` and ``category`` are ignored)."""
    del rules, color, category
    items = reported(result, include_suppressed)
    lines = ["## assume-lint", "", cell(result.summary()), ""]
    for severity in sorted(Severity, reverse=True):
        chosen = [item for item in items if item[0].severity == severity]
        if not chosen:
            continue
        lines.append(f"### {severity.label} ({len(chosen)})")
        lines.append("")
        lines.extend(_table(chosen, result))
        lines.append("")
    if not items:
        lines.extend(["No findings.", ""])
    if model is not None:
        graph = build_graph(model, result.findings, result.secrets)
        lines.extend(["### Who assumes what", ""])
        if graph.nodes:
            lines.extend(["```mermaid", render_graph(graph).rstrip("\n"), "```", ""])
        else:
            lines.extend(["No roles or callers found.", ""])
    return "\n".join(lines)


__all__ = ["cell", "render"]
