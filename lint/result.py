"""The outcome of a lint run, as the formatters and the CLI see it."""

from __future__ import annotations

from dataclasses import dataclass, field

from assume_lint.findings import Finding, Severity


@dataclass
class RunResult:
    """Findings (sorted), suppressed findings, and counts for the summary.

    ``findings`` are the reported ones (after selection, min-severity, suppressions and
    baseline). ``suppressed`` are left out of the report unless asked for.
    ``errors`` counts AL900 parse problems and unreadable paths: any makes the exit 2.
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

    def counts(self) -> dict[Severity, int]:
        """Number of reported findings per severity."""
        out: dict[Severity, int] = {}
        for finding in self.findings:
            out[finding.severity] = out.get(finding.severity, 0) + 1
        return out

    def summary(self) -> str:
        """``3 findings (1 critical, 2 medium) in 42 files, 1 suppressed``."""
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
        return text
