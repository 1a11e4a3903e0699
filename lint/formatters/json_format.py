"""JSON output: a stable, documented document for scripts and dashboards.

Keys are sorted and indented so that the output diffs cleanly and snapshots are exact.
Shape (``version`` is the assume-lint version)::

    {"version": "0.1.0",
     "findings": [{"rule_id", "rule_name", "severity", "message", "path", "line",
                   "column", "end_line", "end_column", "related": [...], "fingerprint",
                   "suppressed" (only with include_suppressed, on suppressed findings),
                   "address" (only for a place in a Terraform plan: its resource)}],
     "summary": {"findings", "by_severity", "files", "suppressed", "errors",
                 "parse_errors", "by_rule", "hidden"}}

``errors`` counts what makes the exit 2 (reported AL900 findings, missing paths);
``parse_errors`` the files that could not be parsed, reported or not; ``by_rule`` the
reported findings per rule id; ``hidden`` the findings per rule of the nits the default
rule set leaves out.

``end_line``/``end_column`` are null when the parser did not know the end.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from assume_lint import __version__
from assume_lint.formatters import fingerprint, masked, reported
from assume_lint.model.findings import Finding, Location, Severity
from assume_lint.model.registry import Rule
from assume_lint.model.result import RunResult


def _location(loc: Location) -> dict[str, Any]:
    """A location as the JSON object used for ``related`` entries; ``address`` only when
    the place names a resource (a place in a Terraform plan)."""
    out: dict[str, Any] = {
        "path": loc.path,
        "line": loc.line,
        "column": loc.column,
        "end_line": loc.end_line,
        "end_column": loc.end_column,
    }
    if loc.logical:
        out["address"] = loc.logical
    return out


def _finding(finding: Finding, suppressed: bool, result: RunResult) -> dict[str, Any]:
    """One finding; ``suppressed`` carries the (masked) justification when it was hidden."""
    out: dict[str, Any] = {
        "rule_id": finding.rule_id,
        "rule_name": finding.rule_name,
        "severity": finding.severity.label,
        "message": masked(finding.message, result),
        **_location(finding.location),
        "related": [_location(loc) for loc in finding.related],
        "fingerprint": fingerprint(finding),
    }
    if suppressed:
        out["suppressed"] = masked(finding.suppressed or "suppressed", result)
    return out


def _summary(result: RunResult) -> dict[str, Any]:
    """Counts; ``by_severity`` always lists all five levels so consumers need no defaults."""
    counts = result.counts()
    return {
        "findings": len(result.findings),
        "by_severity": {s.label: counts.get(s, 0) for s in Severity},
        "files": result.files_scanned,
        "suppressed": len(result.suppressed),
        "errors": result.errors,
        "parse_errors": result.parse_errors,
        "by_rule": result.by_rule(),
        "hidden": dict(result.hidden),
    }


def render(
    result: RunResult,
    rules: Sequence[Rule],
    *,
    color: bool = False,
    category: str = "assume-lint",
    include_suppressed: bool = False,
) -> str:
    """The JSON document: sorted keys, one finding per line, trailing newline.

    One line per finding keeps the report greppable and diffable, and lets the C
    encoder write each finding (``indent`` forces json's pure-Python encoder, which
    was a tenth of a warm run over a large tree).
    """
    del rules, color, category
    document = {
        "version": __version__,
        "findings": [
            _finding(finding, suppressed, result)
            for finding, suppressed in reported(result, include_suppressed)
        ],
        "summary": _summary(result),
    }
    lines = ["{"]
    for index, (key, value) in enumerate(sorted(document.items())):
        comma = "," if index < len(document) - 1 else ""
        if isinstance(value, list) and value:
            lines.append(f"  {json.dumps(key)}: [")
            last = len(value) - 1
            lines.extend(
                f"    {json.dumps(item, sort_keys=True)}{',' if i < last else ''}"
                for i, item in enumerate(value)
            )
            lines.append(f"  ]{comma}")
        else:
            lines.append(f"  {json.dumps(key)}: {json.dumps(value, sort_keys=True)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"
