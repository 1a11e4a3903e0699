"""The outcome of a lint run, as the formatters and the CLI see it."""

from __future__ import annotations

from dataclasses import dataclass, field

from assume_lint.model.findings import Finding, Severity


@dataclass
class RunResult:
    """Findings (sorted), suppressed findings, and counts for the summary.

    ``findings`` are the reported ones (after selection, min-severity, suppressions and
    baseline). ``suppressed`` are left out of the report unless asked for.
    ``errors`` counts reported AL900 findings and missing paths: any makes the exit 2.
    ``parse_errors`` counts the files that could not be read or parsed, reported or not
    (``--ignore AL900``, a suppression): the summary always says how many.
    ``hidden`` counts, per rule, the findings of the nits the default rule set leaves out.
    ``secrets`` are literal secret values seen by the parsers, masked in every output.
    """

    findings: list[Finding] = field(default_factory=list)
    suppressed: list[Finding] = field(default_factory=list)
    files_scanned: int = 0
    errors: int = 0
    secrets: tuple[str, ...] = ()
    root: str = "."
    missing: tuple[str, ...] = ()  # command-line paths that do not exist (exit 2)
    stale: int = 0  # baseline entries that matched nothing (reported, never failing)
    baselinable: list[Finding] = field(default_factory=list)  # what --write-baseline saves
    parse_errors: int = 0  # files that could not be read or parsed
    parse_errors_reported: int = 0  # ... of which have a reported AL900
    hidden: dict[str, int] = field(default_factory=dict)  # rule id -> hidden findings

    def by_rule(self) -> dict[str, int]:
        """Number of reported findings per rule id, sorted by id."""
        out: dict[str, int] = {}
        for finding in self.findings:
            out[finding.rule_id] = out.get(finding.rule_id, 0) + 1
        return dict(sorted(out.items()))

    def counts(self) -> dict[Severity, int]:
        """Number of reported findings per severity."""
        out: dict[Severity, int] = {}
        for finding in self.findings:
            out[finding.severity] = out.get(finding.severity, 0) + 1
        return out

    def summary(self) -> str:
        """``3 findings (1 critical, 2 medium) in 42 files, 1 suppressed``, then what the
        report leaves out: stale baseline entries, files that could not be parsed, nits
        hidden by the default rule set (and how to show them)."""
        counts = self.counts()
        total = len(self.findings)
        noun = "finding" if total == 1 else "findings"
        text = f"{total} {noun}"
        if counts:
            parts = [f"{counts[s]} {s.label}" for s in sorted(counts, reverse=True)]
            text += f" ({', '.join(parts)})"
        files = "file" if self.files_scanned == 1 else "files"
        text += f" in {self.files_scanned} {files}"
        if self.suppressed:
            text += f", {len(self.suppressed)} suppressed"
        if self.stale:
            text += f", {self.stale} stale baseline {'entry' if self.stale == 1 else 'entries'}"
        if self.parse_errors:
            text += f", {_count(self.parse_errors, 'file')} could not be parsed"
            unreported = self.parse_errors - self.parse_errors_reported
            if unreported:
                text += f" ({unreported} not reported: AL900 ignored, suppressed or not selected)"
        hidden = sum(self.hidden.values())
        if hidden:
            rules = ", ".join(self.hidden)
            text += (f", {hidden} hidden by the default rule set ({rules}; "
                     "--min-severity info shows them)")
        return text


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
