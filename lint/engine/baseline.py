"""Baselines: adopt the linter on an existing tree without fixing everything first.

``--write-baseline FILE`` records today's findings; ``--baseline FILE`` hides exactly
those on later runs and reports only new ones. Entries are matched by the engine's
fingerprint (rule id, path, logical key and normalised snippet, never the line), so
edits elsewhere in a file keep a finding baselined. Matching is a multiset: two
identical findings need two entries, so a copy-pasted problem is still reported.

The file is sorted and has no timestamps, so rewriting an unchanged baseline is
byte-identical and diffs in review show only real changes::

    {"version": 1, "tool": "assume-lint",
     "findings": [{"fingerprint", "rule_id", "path", "key", "message"}, ...]}

Entries whose finding is gone are *stale*: reported so users can prune them, never a
reason to fail the run.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NamedTuple

from assume_lint.files.fileio import json_escape_surrogates
from assume_lint.model.findings import Finding

VERSION = 1
TOOL = "assume-lint"
BASELINED = "baseline"
_FIELDS = ("fingerprint", "rule_id", "path", "key", "message")
MAX_BYTES = 64 * 1024 * 1024  # a baseline of ~200,000 findings


class BaselineError(Exception):
    """A baseline file that cannot be read or is not a version-1 assume-lint baseline."""


@dataclass(frozen=True, order=True)
class BaselineEntry:
    """One recorded finding. Ordered by path, rule, key: the order of the file."""

    path: str
    rule_id: str
    key: str
    fingerprint: str
    message: str

    def as_json(self) -> dict[str, str]:
        """The entry as written in the file (fixed key order)."""
        return {name: getattr(self, name) for name in _FIELDS}

    @classmethod
    def of(cls, finding: Finding) -> BaselineEntry:
        """The entry recording ``finding`` (its message is already masked by the engine)."""
        return cls(
            path=finding.location.path,
            rule_id=finding.rule_id,
            key=finding.key,
            fingerprint=finding.fingerprint,
            message=finding.message,
        )


class BaselineSplit(NamedTuple):
    """Findings not in the baseline, findings it hides, and entries nothing matched.

    A tuple, so ``new, baselined, stale = baseline.split(findings)`` works.
    ``baselined`` findings have ``suppressed`` set to ``"baseline"``.
    """

    new: list[Finding]
    baselined: list[Finding]
    stale: list[BaselineEntry]


@dataclass(frozen=True)
class Baseline:
    """A loaded baseline: its entries in file order."""

    entries: tuple[BaselineEntry, ...] = ()
    path: str = ""

    def split(self, findings: Iterable[Finding]) -> BaselineSplit:
        """Match findings to entries by fingerprint, each entry used at most once.

        A finding without a fingerprint is never baselined. Stale entries keep the
        file's (sorted) order.
        """
        remaining = Counter(entry.fingerprint for entry in self.entries)
        out = BaselineSplit([], [], [])
        for finding in findings:
            if finding.fingerprint and remaining[finding.fingerprint] > 0:
                remaining[finding.fingerprint] -= 1
                out.baselined.append(replace(finding, suppressed=BASELINED))
            else:
                out.new.append(finding)
        for entry in reversed(self.entries):  # the last copies of a fingerprint are stale
            if remaining[entry.fingerprint] > 0:
                remaining[entry.fingerprint] -= 1
                out.stale.append(entry)
        out.stale.reverse()
        return out


def render_baseline(findings: Iterable[Finding]) -> str:
    """The file's exact text: sorted entries, indent 2, trailing newline."""
    entries = sorted(BaselineEntry.of(f) for f in findings)
    document = {
        "version": VERSION,
        "tool": TOOL,
        "findings": [entry.as_json() for entry in entries],
    }
    return json_escape_surrogates(json.dumps(document, indent=2, ensure_ascii=False)) + "\n"


def write_baseline(path: Path, findings: Iterable[Finding], secrets: tuple[str, ...] = ()) -> None:
    """Write the baseline through :func:`assume_lint.files.fileio.write_file` (atomically, never
    through a symbolic link), masked like every other output.

    The engine passes the findings that should stay hidden: normally every finding of
    the run that is not inline-suppressed (baselined ones included, so that rewriting
    keeps them). Raises BaselineError when the file cannot be written.
    """
    from assume_lint.files.fileio import write_file
    from assume_lint.files.secrets import mask_text

    text = mask_text(render_baseline(findings), secrets, shapes=False)
    try:
        write_file(path, text)
    except OSError as exc:
        raise BaselineError(f"{path}: cannot write baseline: {exc.strerror or exc}") from None


def load_baseline(path: Path) -> Baseline:
    """Read and validate a baseline; BaselineError says which file and what is wrong.

    Read through :func:`assume_lint.files.fileio.read_regular`: a FIFO, a device or a file of
    more than :data:`MAX_BYTES` is an error, not a hang."""
    from assume_lint.files.fileio import read_regular

    try:
        text = read_regular(path, MAX_BYTES).decode("utf-8")
    except UnicodeDecodeError:
        raise BaselineError(f"{path}: baseline is not UTF-8 text") from None
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read baseline: {exc.strerror or exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(
            f"{path}:{exc.lineno}:{exc.colno}: baseline is not valid JSON: {exc.msg}"
        ) from None
    except RecursionError:
        raise BaselineError(f"{path}: baseline is nested too deeply") from None
    return Baseline(entries=_entries(path, data), path=str(path))


def _entries(path: Path, data: Any) -> tuple[BaselineEntry, ...]:
    if not isinstance(data, dict):
        raise BaselineError(f"{path}: baseline must be a JSON object")
    if data.get("tool") != TOOL:
        raise BaselineError(f'{path}: not an assume-lint baseline ("tool" is not {TOOL!r})')
    if data.get("version") != VERSION:
        raise BaselineError(
            f"{path}: unsupported baseline version {data.get('version')!r} "
            f"(expected {VERSION}); rewrite it with --write-baseline"
        )
    findings = data.get("findings")
    if not isinstance(findings, list):
        raise BaselineError(f'{path}: "findings" must be a list')
    return tuple(_entry(path, position, item) for position, item in enumerate(findings))


def _entry(path: Path, position: int, item: Any) -> BaselineEntry:
    if not isinstance(item, dict):
        raise BaselineError(f"{path}: findings[{position}] must be an object")
    values: dict[str, str] = {}
    for name in _FIELDS:
        value = item.get(name)
        if not isinstance(value, str):
            raise BaselineError(f"{path}: findings[{position}].{name} must be a string")
        values[name] = value
    if not values["fingerprint"]:
        raise BaselineError(f"{path}: findings[{position}].fingerprint is empty")
    return BaselineEntry(**values)
