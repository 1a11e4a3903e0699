"""Markdown report for ``$GITHUB_STEP_SUMMARY``: findings by severity, then the graph.

GitHub renders the tables and the fenced Mermaid block without any tool. Table cells
are escaped (pipes, backticks, angle brackets, line breaks) so a hostile message cannot
break the table or inject HTML into the job summary; secrets are masked.
"""

from __future__ import annotations

from collections.abc import Sequence

from assume_lint.formatters import masked, one_line, reported
from assume_lint.formatters.mermaid import MAX_CHARS, fit
from assume_lint.model import Model
from assume_lint.model.findings import Finding, Severity
from assume_lint.model.registry import Rule
from assume_lint.model.result import RunResult
from assume_lint.report.graph import build_graph

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


# A job summary is capped at 1 MiB (GitHub drops a larger one whole). The report stays
# under this many bytes: the graph takes at most Mermaid's 50,000 characters (up to 4
# bytes each in UTF-8), the finding tables what is left, with room for the headings.
MAX_BYTES = 1_000_000
_GRAPH_BUDGET = 4 * MAX_CHARS + 4_096
_MAX_CELL = 1_000
HTML_POINTER = (
    "The full graph is in the HTML report: "
    "`assume-lint --format html --output assume-lint.html`."
)


def _row(finding: Finding, suppressed: bool, result: RunResult) -> str:
    loc = finding.location
    where = cell(f"{loc.path}:{loc.line}:{loc.column}")
    note = " (suppressed)" if suppressed else ""
    message = cell(masked(finding.message, result))
    if len(message) > _MAX_CELL:
        message = message[: _MAX_CELL - 1].rstrip("\\") + "…"
    return f"| {finding.rule_id} {cell(finding.rule_name)} | {where} | {message}{note} |"


def _tables(items: Sequence[tuple[Finding, bool]], result: RunResult, budget: int) -> list[str]:
    """The findings by severity, worst first, as long as they fit in ``budget`` bytes;
    the rest is counted in a closing line (the SARIF upload and the HTML report have
    every finding)."""
    lines: list[str] = []
    used, left_out = 0, 0
    for severity in sorted(Severity, reverse=True):
        chosen = [item for item in items if item[0].severity == severity]
        if not chosen:
            continue
        block = [f"### {severity.label} ({len(chosen)})", "", "| rule | location | message |",
                 "| --- | --- | --- |"]
        cost = sum(len(line.encode("utf-8", "replace")) + 1 for line in block)
        if used + cost > budget:
            left_out += len(chosen)
            continue
        used += cost
        for index, (finding, suppressed) in enumerate(chosen):
            row = _row(finding, suppressed, result)
            size = len(row.encode("utf-8", "replace")) + 1
            if used + size > budget:
                left_out += len(chosen) - index
                break
            block.append(row)
            used += size
        lines.extend([*block, ""])
    if left_out:
        lines.extend([f"{left_out:,} more findings are not listed here, to keep the job summary "
                      "under GitHub's 1 MiB: the SARIF upload and the HTML report list them all.",
                      ""])
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
    lines.extend(_tables(items, result, MAX_BYTES - _GRAPH_BUDGET))
    if not items:
        lines.extend(["No findings.", ""])
    if model is not None:
        graph = build_graph(model, result.findings, result.secrets)
        lines.extend(["### Who assumes what", ""])
        if graph.nodes:
            diagram, note = fit(graph)
            if note is not None:
                lines.extend([f"{note} {HTML_POINTER}", ""])
            if diagram is not None:
                lines.extend(["```mermaid", diagram.rstrip("\n"), "```", ""])
        else:
            lines.extend(["No roles or callers found.", ""])
    return "\n".join(lines)


__all__ = ["HTML_POINTER", "MAX_BYTES", "cell", "render"]
