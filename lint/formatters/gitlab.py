"""GitLab Code Quality report: the JSON array GitLab shows in merge requests.

The shape of ruff's ``--output-format gitlab`` and of GitLab's documented subset of the
Code Climate spec: each issue has ``description``, ``check_name``, ``fingerprint``,
``severity`` (GitLab's words: info, minor, major, critical, blocker) and
``location.path`` with ``location.lines.begin``. Publish it with
``artifacts: reports: codequality: gl-code-quality-report.json``.

GitLab tells issues apart by fingerprint alone, so two findings that share our
line-independent fingerprint (the same rule on the same snippet twice in a file) get
distinct ones here: the second is hashed again with its occurrence number. Paths are
repository-relative, as GitLab resolves them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from assume_lint.formatters import fingerprint, masked, reported
from assume_lint.model.findings import Finding, Severity
from assume_lint.model.registry import Rule
from assume_lint.model.result import RunResult

SEVERITIES: dict[Severity, str] = {
    Severity.CRITICAL: "blocker",
    Severity.HIGH: "critical",
    Severity.MEDIUM: "major",
    Severity.LOW: "minor",
    Severity.INFO: "info",
}


def _issue(finding: Finding, result: RunResult, print_id: str) -> dict[str, Any]:
    loc = finding.location
    return {
        "check_name": finding.rule_id,
        "description": f"{finding.rule_id} {masked(finding.message, result)} "
        f"({finding.rule_name})",
        "fingerprint": print_id,
        "severity": SEVERITIES[finding.severity],
        "location": {
            "path": loc.path,
            "lines": {"begin": loc.line, "end": loc.end_line or loc.line},
        },
    }


def _unique(base: str, seen: set[str]) -> str:
    candidate, occurrence = base, 1
    while candidate in seen:
        occurrence += 1
        candidate = hashlib.sha256(f"{base}\0{occurrence}".encode()).hexdigest()
    seen.add(candidate)
    return candidate


def render(
    result: RunResult,
    rules: Sequence[Rule],
    *,
    color: bool = False,
    category: str = "assume-lint",
    include_suppressed: bool = False,
) -> str:
    """The report: a JSON array, one issue a line, in file order (``[]`` when clean).

    Suppressed findings are never listed: GitLab has no way to show them as such.
    """
    del rules, color, category, include_suppressed
    seen: set[str] = set()
    issues = [
        json.dumps(_issue(f, result, _unique(fingerprint(f), seen)), sort_keys=True)
        for f, _ in reported(result, False)
    ]
    if not issues:
        return "[]\n"
    return "[\n" + ",\n".join(f"  {issue}" for issue in issues) + "\n]\n"


__all__ = ["SEVERITIES", "render"]
