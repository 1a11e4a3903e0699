"""Text output: one finding a line, gcc-style, then a summary line.

``path:line:col: AL105 [critical] message (rule-name)`` is what editors, pre-commit and
``grep`` already understand, so a user can jump straight to the offending attribute.
Every line is escaped so that a hostile path or message cannot forge extra lines.
"""

from __future__ import annotations

from collections.abc import Sequence

from assume_lint.formatters import masked, one_line, reported
from assume_lint.model.findings import Finding, Severity
from assume_lint.model.registry import Rule
from assume_lint.model.result import RunResult

_RESET = "\x1b[0m"
_COLORS: dict[Severity, str] = {
    Severity.CRITICAL: "\x1b[1;31m",  # bold red
    Severity.HIGH: "\x1b[31m",  # red
    Severity.MEDIUM: "\x1b[33m",  # yellow
    Severity.LOW: "\x1b[36m",  # cyan
    Severity.INFO: "\x1b[2m",  # dim
}


def _severity(severity: Severity, color: bool) -> str:
    """``[critical]``, wrapped in the severity's ANSI colour when asked for."""
    token = f"[{severity.label}]"
    return f"{_COLORS[severity]}{token}{_RESET}" if color else token


def format_finding(finding: Finding, result: RunResult, *, color: bool = False) -> str:
    """One finding as one line (no trailing newline)."""
    loc = finding.location
    path = one_line(loc.path)
    message = one_line(masked(finding.message, result))
    severity = _severity(finding.severity, color)
    name = one_line(finding.rule_name)
    return f"{path}:{loc.line}:{loc.column}: {finding.rule_id} {severity} {message} ({name})"


def statistics_text(result: RunResult) -> str:
    """``--statistics``: one line per rule, most findings first (ruff's and flake8's
    shape: count, rule id, name), then the nits the default rule set hid."""
    names = {f.rule_id: f.rule_name for f in result.findings}
    counts = sorted(result.by_rule().items(), key=lambda kv: (-kv[1], kv[0]))
    rows = [(str(n), rule, one_line(names[rule])) for rule, n in counts]
    rows += [(str(n), rule, "(hidden by the default rule set)")
             for rule, n in sorted(result.hidden.items(), key=lambda kv: (-kv[1], kv[0]))]
    if not rows:
        return ""
    width = max(len(count) for count, _rule, _name in rows)
    return "".join(f"{count:>{width}}\t{rule}\t{name}\n" for count, rule, name in rows)


def render(
    result: RunResult,
    rules: Sequence[Rule],
    *,
    color: bool = False,
    category: str = "assume-lint",
    include_suppressed: bool = False,
) -> str:
    """The reported findings sorted by location, then ``result.summary()``.

    ``rules``, ``category`` and ``include_suppressed`` are accepted for a uniform
    formatter signature; the text format lists reported findings only (suppressed ones
    are counted in the summary).
    """
    del rules, category, include_suppressed
    lines = [format_finding(f, result, color=color) for f, _ in reported(result, False)]
    lines.append(result.summary())
    return "\n".join(lines) + "\n"
