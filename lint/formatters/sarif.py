"""SARIF 2.1.0 output, shaped for GitHub code scanning.

GitHub rejects a whole upload for one bad result, so this module is strict about what
peers got wrong (PEERS.md item 22): every result has exactly one location whose
``artifactLocation.uri`` is a relative, percent-encoded POSIX path with
``uriBaseId: "%SRCROOT%"``; ``security-severity`` is a numeric *string*; fingerprints are
our own stable ``assumeLint/v1`` (never ``primaryLocationLineHash``, which GitHub would
compute from file text we do not ship). The document is a plain dict dumped with sorted
keys and no timestamps, so it is byte-for-byte reproducible for snapshots.

Validated by the SARIF 2.1.0 schema and by Microsoft's SARIF Multitool with the GitHub
ingestion rules (``tests/test_sarif_schema.py``).
"""

from __future__ import annotations

import inspect
import json
import posixpath
import re
from collections.abc import Sequence
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from assume_lint import __version__
from assume_lint.files.secrets import mask_text
from assume_lint.formatters import fingerprint, masked, reported
from assume_lint.model.findings import Finding, Location, Severity
from assume_lint.model.registry import Rule
from assume_lint.model.result import RunResult
from assume_lint.report.docs import grades_lines

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/assume-lint/assume-lint"
RULES_DOC_URI = "https://github.com/assume-lint/assume-lint/blob/main/docs/rules.md"
FINGERPRINT_KEY = "assumeLint/v1"
SRCROOT = "%SRCROOT%"
PARSE_ERROR_ID = "AL900"
MAX_TAGS = 20  # GitHub ignores rules with more

# SARIF §3.27.10 result.level; RULES.md maps severities onto it.
LEVELS: dict[Severity, str] = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
# GitHub's security-severity: a numeric string; >9.0 critical, 7.0-8.9 high, 4.0-6.9
# medium, 0.1-3.9 low.
SECURITY_SEVERITY: dict[Severity, str] = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "1.0",
}
_PRECISIONS = frozenset({"very-high", "high", "medium", "low"})

_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_STRONG = re.compile(r"(\*\*|__)(\S(?:.*?\S)?)\1")
_EMPHASIS = re.compile(r"(?<![\w*])([*_])(\S(?:.*?\S)?)\1(?![\w*])")


# --- rules ---------------------------------------------------------------------------


def _what_it_does(doc: str) -> str:
    """The first paragraph under ``## What it does``, as plain one-line text ("" if none)."""
    lines = inspect.cleandoc(doc).splitlines()
    paragraph: list[str] = []
    inside = False
    for line in lines:
        heading = _HEADING.match(line)
        if heading:
            if inside:
                break
            inside = heading.group(1).strip().lower() == "what it does"
            continue
        if not inside:
            continue
        if line.strip():
            paragraph.append(line.strip())
        elif paragraph:
            break
    return _plain(" ".join(paragraph))


def _plain(markdown: str) -> str:
    """Strip the inline Markdown a rule summary uses (links, emphasis, code ticks).

    Code spans keep their content verbatim: ``repo:org/*`` must not lose its ``*``.
    """
    out: list[str] = []
    position = 0
    for span in _CODE_SPAN.finditer(markdown):
        out.append(_plain_prose(markdown[position : span.start()]))
        out.append(span.group(2).strip())
        position = span.end()
    out.append(_plain_prose(markdown[position:]))
    return "".join(out).strip()


def _plain_prose(text: str) -> str:
    """Links to their text, ``**strong**``/``*emphasis*`` to plain words."""
    text = _LINK.sub(r"\1", text)
    text = _STRONG.sub(r"\2", text)
    return _EMPHASIS.sub(r"\2", text)


def _sentence(text: str) -> str:
    """SARIF messages and descriptions should end with a period (Multitool SARIF2001)."""
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _message(text: str) -> dict[str, str]:
    """A plain-text SARIF message: literal brackets escaped, ending with a period.

    SARIF §3.11.6 reads ``[text](target)`` in plain text as an embedded link, so a
    message quoting ``Principal ["*"]`` must escape its brackets to stay literal.
    """
    return {"text": _sentence(_escape_brackets(text))}


def _escape_brackets(text: str) -> str:
    """``[`` -> ``\\[`` and ``]`` -> ``\\]`` (SARIF §3.11.6 literal brackets)."""
    return text.replace("[", "\\[").replace("]", "\\]")


def _tags(rule: Rule) -> list[str]:
    """``security`` first, then the rule's own tags, deduplicated, at most 20."""
    tags: list[str] = []
    for tag in ("security", *rule.meta.tags):
        if tag and tag not in tags:
            tags.append(tag)
    return tags[:MAX_TAGS]


def _rule_descriptor(rule: Rule) -> dict[str, Any]:
    """``tool.driver.rules[i]`` for one rule.

    Documentation text is masked too: rule docs quote AWS's example keys, and an
    uploaded SARIF file must not trip secret scanners (or leak a key pasted into a doc).
    """
    meta = rule.meta
    doc = mask_text(inspect.cleandoc(rule.doc) if rule.doc.strip() else meta.summary)
    if meta.grades:
        doc += "\n\n## Severity by case\n" + "\n".join(grades_lines(rule))
    full = _what_it_does(rule.doc) or meta.summary
    precision = meta.precision if meta.precision in _PRECISIONS else "medium"
    descriptor: dict[str, Any] = {
        "id": meta.id,
        "name": meta.name,
        "shortDescription": {"text": mask_text(_sentence(meta.summary))},
        "fullDescription": {"text": mask_text(_sentence(full))},
        "help": {"text": doc, "markdown": doc},
        "helpUri": f"{RULES_DOC_URI}#{meta.id.lower()}",
        "defaultConfiguration": {"level": LEVELS[meta.severity]},
        "properties": {
            "tags": _tags(rule),
            "precision": precision,
            "security-severity": SECURITY_SEVERITY[meta.severity],
        },
    }
    if meta.grades:  # results carry their own level; the rule shows the whole range
        descriptor["properties"]["severities"] = [s.label for s in meta.severities]
    return descriptor


def _unknown_rule_descriptor(finding: Finding) -> dict[str, Any]:
    """A minimal descriptor for a finding whose rule was not passed in (never dropped)."""
    text = _sentence(finding.rule_name or finding.rule_id)
    return {
        "id": finding.rule_id,
        "name": finding.rule_name or finding.rule_id,
        "shortDescription": {"text": text},
        "fullDescription": {"text": text},
        "help": {"text": text, "markdown": text},
        "helpUri": f"{RULES_DOC_URI}#{finding.rule_id.lower()}",
        "defaultConfiguration": {"level": LEVELS[finding.severity]},
        "properties": {
            "tags": ["security"],
            "precision": "medium",
            "security-severity": SECURITY_SEVERITY[finding.severity],
        },
    }


def _descriptors(
    rules: Sequence[Rule], findings: Sequence[Finding]
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """All rules (in the given order), then any unknown rule a finding refers to."""
    descriptors: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    for rule in rules:
        if rule.id not in index:
            index[rule.id] = len(descriptors)
            descriptors.append(_rule_descriptor(rule))
    for finding in findings:
        if finding.rule_id not in index:
            index[finding.rule_id] = len(descriptors)
            descriptors.append(_unknown_rule_descriptor(finding))
    return descriptors, index


# --- locations -----------------------------------------------------------------------


def _artifact(path: str, root: str) -> dict[str, Any]:
    """``artifactLocation``: relative to ``%SRCROOT%``, POSIX, percent-encoded.

    Paths are repo-relative by contract; a stray ``./`` is dropped and an absolute path
    under ``root`` is made relative. Anything else (absolute, outside the root) becomes a
    ``file:`` URI with no base, which is still valid rather than silently wrong.
    """
    posix = path
    if not posix.startswith("/") and posixpath.normpath(posix).split("/", 1)[0] == "..":
        # Outside the root (a target beside the current folder): an absolute file URI,
        # never a relative one that climbs out of %SRCROOT% (code scanning rejects it).
        posix = posixpath.normpath(posixpath.join(root, posix))
    if posix.startswith("/"):
        root_path = PurePosixPath(root)
        candidate = PurePosixPath(posix)
        if root_path.is_absolute() and candidate.is_relative_to(root_path):
            posix = candidate.relative_to(root_path).as_posix()
        else:
            return {"uri": "file://" + _quote(posixpath.normpath(posix))}
    while posix.startswith("./"):
        posix = posix[2:]
    if posix in ("", "."):
        posix = "."
    return {"uri": _quote(posix), "uriBaseId": SRCROOT}


def _quote(path: str) -> str:
    """Percent-encode a POSIX path; undecodable file-name bytes (surrogate escapes) are
    encoded as the original bytes rather than crashing the whole report."""
    return quote(path, safe="/", errors="surrogateescape")


def _region(loc: Location) -> dict[str, int]:
    """1-based region with an exclusive end that is after the start.

    When the parser did not know the end (or gave an end before the start), the region
    covers one character: the start line, ``startColumn + 1``.
    """
    line = max(1, loc.line)
    column = max(1, loc.column)
    end_line, end_column = loc.end_line, loc.end_column
    if end_line is None or end_column is None or (end_line, end_column) <= (line, column):
        end_line, end_column = line, column + 1
    return {
        "startLine": line,
        "startColumn": column,
        "endLine": end_line,
        "endColumn": end_column,
    }


def _where(loc: Location) -> str:
    """``path:line:col`` for a related location's message."""
    return f"{loc.path}:{loc.line}:{loc.column}"


def _related_text(loc: Location) -> str:
    """A related location's message: where, and what it is when it names something."""
    if loc.logical:
        return f"related: {loc.logical} at {_where(loc)}"
    return f"related: {_where(loc)}"


def _physical(loc: Location, root: str) -> dict[str, Any]:
    """``physicalLocation`` for one Location."""
    return {"artifactLocation": _artifact(loc.path, root), "region": _region(loc)}


def _location(loc: Location, root: str) -> dict[str, Any]:
    """A ``location``: the physical place, and the logical one when it names one (the
    resource address of a place in a Terraform plan, SARIF §3.33)."""
    out: dict[str, Any] = {"physicalLocation": _physical(loc, root)}
    if loc.logical:
        out["logicalLocations"] = [{"fullyQualifiedName": loc.logical, "kind": "resource"}]
    return out


# --- results -------------------------------------------------------------------------


def _suppression(finding: Finding, result: RunResult) -> dict[str, Any]:
    """``suppressions[0]``: inline directives are ``inSource``; config/baseline ``external``.

    ``Finding.suppressed`` holds how it was suppressed; a text starting with ``inline``
    (or an ``ignore[``/``ignore-file[`` directive) means a comment in the file.
    """
    how = finding.suppressed or "suppressed"
    lowered = how.lstrip().lower()
    in_source = lowered.startswith(("inline", "ignore[", "ignore-file[", "# assume-lint"))
    return {
        "kind": "inSource" if in_source else "external",
        "justification": masked(how, result),
    }


def _result(
    finding: Finding, suppressed: bool, index: dict[str, int], result: RunResult
) -> dict[str, Any]:
    """One ``results[]`` entry."""
    out: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": index[finding.rule_id],
        "level": LEVELS[finding.severity],
        "message": _message(masked(finding.message, result)),
        "locations": [_location(finding.location, result.root)],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(finding)},
    }
    if finding.related:
        out["relatedLocations"] = [
            {
                "id": number,
                **_location(loc, result.root),
                "message": {"text": _escape_brackets(_related_text(loc))},
            }
            for number, loc in enumerate(finding.related, start=1)
        ]
    if suppressed:
        out["suppressions"] = [_suppression(finding, result)]
    return out


def _notifications(
    findings: Sequence[Finding], index: dict[str, int], result: RunResult
) -> list[dict[str, Any]]:
    """Parse errors (AL900) repeated as tool execution notifications."""
    return [
        {
            "level": "error",
            "message": _message(masked(finding.message, result)),
            "locations": [{"physicalLocation": _physical(finding.location, result.root)}],
            "associatedRule": {"id": finding.rule_id, "index": index[finding.rule_id]},
        }
        for finding in findings
        if finding.rule_id == PARSE_ERROR_ID
    ]


def build(
    result: RunResult,
    rules: Sequence[Rule],
    *,
    category: str = "assume-lint",
    include_suppressed: bool = False,
) -> dict[str, Any]:
    """The SARIF log as a dict (what :func:`render` serialises)."""
    items = reported(result, include_suppressed)
    descriptors, index = _descriptors(rules, [finding for finding, _ in items])
    invocation: dict[str, Any] = {"executionSuccessful": result.errors == 0}
    notifications = _notifications(result.findings, index, result)
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "assume-lint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": descriptors,
            }
        },
        "automationDetails": {"id": category if category.endswith("/") else f"{category}/"},
        "columnKind": "unicodeCodePoints",
        "invocations": [invocation],
        "results": [_result(f, suppressed, index, result) for f, suppressed in items],
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(
    result: RunResult,
    rules: Sequence[Rule],
    *,
    color: bool = False,
    category: str = "assume-lint",
    include_suppressed: bool = False,
) -> str:
    """The SARIF log as JSON (``indent=2, sort_keys=True``, trailing newline)."""
    del color
    log = build(result, rules, category=category, include_suppressed=include_suppressed)
    return json.dumps(log, indent=2, sort_keys=True) + "\n"
