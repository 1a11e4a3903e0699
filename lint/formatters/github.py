"""GitHub Actions workflow commands: one annotation per finding on the pull request diff.

``::error file=F,line=L,col=C,endLine=EL,endColumn=EC,title=T::message``, the shape of
ruff's ``--output-format github``. Annotations need no code scanning, so they work on
private repositories without GitHub Advanced Security. The level follows SARIF's
mapping (critical/high ``error``, medium ``warning``, low/info ``notice``); the message
is the finding's text line, so a log reader sees exactly what ``-f text`` prints.

Escaping is the runner's own (``@actions/core``'s ``escapeData``/``escapeProperty``):
``%``, ``\\r`` and ``\\n`` everywhere, and also ``:`` and ``,`` in properties, so a file
named ``a,line=1.tf`` cannot forge a property and a message cannot end the command.
GitHub shows only the first annotations of each level per step (10 at the time of
writing); the SARIF upload has no such cap.
"""

from __future__ import annotations

from collections.abc import Sequence

from assume_lint.formatters import reported, sort_key
from assume_lint.formatters.text import format_finding
from assume_lint.model.findings import Finding, Severity
from assume_lint.model.registry import Rule
from assume_lint.model.result import RunResult

LEVELS: dict[Severity, str] = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "notice",
    Severity.INFO: "notice",
}


def escape_data(text: str) -> str:
    """A workflow command's message: ``%``, CR and LF percent-encoded; the byte of an
    undecodable file name (a lone surrogate, which no UTF-8 log can hold) as ``\\xff``."""
    if not text.isprintable():
        try:
            text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        except UnicodeEncodeError:  # a surrogate no file name decodes to
            text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value: as :func:`escape_data`, plus ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding, result: RunResult) -> str:
    """One finding as one workflow command line (no trailing newline)."""
    loc = finding.location
    props = [("file", loc.path), ("line", str(loc.line)), ("col", str(loc.column))]
    if loc.end_line is not None:
        props.append(("endLine", str(loc.end_line)))
        if loc.end_column is not None:
            props.append(("endColumn", str(loc.end_column)))
    props.append(("title", f"assume-lint {finding.rule_id} ({finding.rule_name})"))
    head = ",".join(f"{key}={escape_property(value)}" for key, value in props)
    return f"::{LEVELS[finding.severity]} {head}::{escape_data(format_finding(finding, result))}"


def render(
    result: RunResult,
    rules: Sequence[Rule],
    *,
    color: bool = False,
    category: str = "assume-lint",
    include_suppressed: bool = False,
) -> str:
    """One annotation per reported finding, worst first, then in file order; "" when
    there are none.

    GitHub shows only the first few annotations of each level a step prints, so the
    critical ones come before the high ones (both are ``error``). Suppressed findings are
    never annotated (``include_suppressed`` is for json/sarif); the summary line goes to
    stderr, as for every format but text.
    """
    del rules, color, category, include_suppressed
    items = sorted(reported(result, False), key=lambda i: (-i[0].severity, *sort_key(i[0])))
    lines = [annotation(f, result) for f, _ in items]
    return "".join(line + "\n" for line in lines)


__all__ = ["LEVELS", "annotation", "escape_data", "escape_property", "render"]
