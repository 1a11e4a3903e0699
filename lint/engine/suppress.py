"""Suppressions: inline ``assume-lint: ignore[...]`` comments and config ``[[ignores]]``.

Users silence a finding they have reviewed with a comment next to it, or, for formats
that cannot hold comments (JSON), with an ``[[ignores]]`` entry in the config. Both are
checked for staleness: a suppression that matches nothing, or whose ``until`` date has
passed, is reported as AL901 so that ignores cannot silently outlive the code they were
written for; with ``require_reason`` a suppression without ``-- reason`` is AL902.

Accepted spellings (one directive per comment; markers depend on the file's format:
HCL ``#`` and ``//``, INI ``#`` and ``;``, YAML and env files ``#``, JSON none)::

    # assume-lint: ignore[AL102]
    # assume-lint: ignore[AL102,trust-any-principal] until=2027-01-31 -- migration OPS-42
    role_arn = "..."  // assume-lint: ignore[AL2] -- ids, names and id prefixes
    ; assume-lint: ignore-file[AL204] -- only in the leading comment lines

A bare ``ignore`` (no rule list) is invalid, never a blanket ignore.

Scopes. A directive that trails code covers its own line. A directive alone on a line
covers the next line that is not blank and not a comment; when that line opens a block
it covers the whole block: in HCL a block, an attribute or any expression (a
``jsonencode({...})``, a list, a ``<<EOF`` heredoc) starting on it, in YAML the mapping
entry or list item starting on it, in INI the ``[section]`` it heads. Where a block ends
is the format parser's answer (:mod:`assume_lint.parsers.extents`, which also says what
happens in a file the parser rejects), never a second reading of the text here.
``ignore-file`` covers the file.

This module is pure: the engine reads the files, calls :func:`parse_directives` per
reported file and :func:`apply` once on all findings.
"""

from __future__ import annotations

import fnmatch
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import PurePosixPath
from typing import Any, Literal

from assume_lint.files.sources import SourceFile
from assume_lint.files.walk import path_matches
from assume_lint.model.findings import Finding, Hit, Location, Severity

UNUSED_ID = "AL901"
UNUSED_NAME = "unused-suppression"
NO_REASON_ID = "AL902"
NO_REASON_NAME = "suppression-without-reason"
SUPPRESSED_DEFAULT = "suppressed"

Scope = Literal["line", "next", "file"]
Style = Literal["hcl", "ini", "yaml", "env", "none"]
# Builds an engine Finding (severity override, end column, fingerprint, masking).
FinishFn = Callable[[str, str, Severity, Hit], Finding]

_MARKERS: dict[str, tuple[str, ...]] = {
    "hcl": ("#", "//"),
    "ini": ("#", ";"),
    "yaml": ("#",),
    "env": ("#",),
    "none": (),
}

# The comment marker, at the start of the line or after whitespace (so "a#b" and
# "https://x" are not comments), then "assume-lint:". Only literals and a bounded
# class: no nested quantifiers, so matching is linear in the line length.
_MARKER_RE = {
    style: re.compile(
        r"(?:^|(?<=[ \t]))(?:"
        + "|".join(re.escape(m) for m in markers)
        + r")[ \t]*assume-lint[ \t]*:",
        re.IGNORECASE,
    )
    for style, markers in _MARKERS.items()
    if markers
}
_KIND = re.compile(r"[ \t]*([A-Za-z][A-Za-z-]*)")
_LIST = re.compile(r"\[([^\]\n]*)\]")
_UNTIL = re.compile(r"[ \t]+until=([^ \t]*)")
_REASON = re.compile(r"[ \t]*--")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Directive:
    """One ``assume-lint:`` comment and the lines it covers.

    ``location`` is the comment marker (end = end of the line). ``first_line`` and
    ``last_line`` are the covered lines, inclusive. ``problem`` is set when the comment
    is malformed: such a directive suppresses nothing and is reported as AL901.
    ``text`` is the directive as written (from ``assume-lint:``), used in messages.
    """

    location: Location
    scope: Scope
    selectors: tuple[str, ...]
    first_line: int
    last_line: int
    reason: str | None = None
    until: date | None = None
    problem: str | None = None
    text: str = ""

    def covers(self, finding: Finding) -> bool:
        """True when the finding is in this directive's file and covered lines."""
        loc = finding.location
        return loc.path == self.location.path and self.first_line <= loc.line <= self.last_line


@dataclass(frozen=True)
class ConfigIgnore:
    """An ``[[ignores]]`` entry of the config: all given fields must match (AND).

    ``rule`` is a selector (id, name or id prefix). ``path`` is a glob on the
    repo-relative POSIX path, with the same meaning as ``exclude``: ``fnmatch`` (``*``
    also crosses ``/``), and a folder pattern also covers everything below it.
    ``sid``, ``role`` and ``profile`` narrow the match using the finding's key; see
    :func:`key_matches`. ``location`` is where the entry is written in the config.
    """

    rule: str
    path: str = "*"
    sid: str | None = None
    role: str | None = None
    profile: str | None = None
    reason: str | None = None
    until: date | None = None
    location: Location = field(default_factory=lambda: Location(".assume-lint.toml", 1, 1))

    @property
    def label(self) -> str:
        """How the entry is named in messages: ``rule = "AL101", path = "iam/x.json"``."""
        parts = [f'rule = "{self.rule}"', f'path = "{self.path}"']
        for name in ("sid", "role", "profile"):
            value = getattr(self, name)
            if value is not None:
                parts.append(f'{name} = "{value}"')
        return ", ".join(parts)


@dataclass
class SuppressionOutcome:
    """What :func:`apply` decided.

    ``kept``: findings still reported; ``suppressed``: findings hidden, each with
    ``suppressed`` set to the reason (or ``"suppressed"``); ``notes``: new AL901/AL902
    findings about the suppressions themselves (to be reported like any finding).
    """

    kept: list[Finding] = field(default_factory=list)
    suppressed: list[Finding] = field(default_factory=list)
    notes: list[Finding] = field(default_factory=list)


# --------------------------------------------------------------------------- parsing


def comment_style(rel: str) -> Style:
    """The comment syntax of a file, from its name (JSON has none)."""
    name = PurePosixPath(rel).name.lower()
    if name.endswith((".json", ".tpl", ".tftpl", ".tmpl")):
        return "none"
    if name.endswith((".tf", ".tfvars", ".hcl")):
        return "hcl"
    if name.endswith((".yml", ".yaml")):
        return "yaml"
    if name == ".env" or name.startswith(".env.") or name.endswith(".env"):
        return "env"
    return "ini"


def parse_directives(source: SourceFile, style: Style | None = None) -> list[Directive]:
    """Every ``assume-lint:`` directive in the file, in line order.

    ``style`` defaults to :func:`comment_style` of the file's path. A string that happens
    to contain a directive after whitespace is read as one; that is accepted (it is
    never an accident) rather than paying for a full tokenizer per format.
    """
    style = style or comment_style(source.rel)
    pattern = _MARKER_RE.get(style)
    if pattern is None or "assume-lint" not in source.text.lower():
        return []
    lines = source.text.split("\n")
    layout = _Layout(source, lines, style)
    bodies: dict[str, _Body] = {}  # repeated comments are parsed once
    out: list[Directive] = []
    for index, line in enumerate(lines):
        if "assume-lint" not in line.lower():
            continue
        match = pattern.search(line)
        if match is None:
            continue
        trailing = bool(line[: match.start()].strip())
        rest = line[match.end() :]
        parsed = bodies.get(rest)
        if parsed is None:
            parsed = bodies[rest] = _parse_body(rest)
        out.append(_directive(source.rel, layout, index, match.start(), line, trailing, parsed))
    return out


@dataclass(frozen=True)
class _Body:
    """The parsed text after ``assume-lint:``, before scopes are attached."""

    kind: str
    selectors: tuple[str, ...]
    until: date | None
    reason: str | None
    problem: str | None


def _parse_body(rest: str) -> _Body:
    """Read ``ignore[...] until=... -- reason`` after ``assume-lint:``."""
    kind_match = _KIND.match(rest)
    if kind_match is None:
        return _Body("", (), None, None, "expected ignore[RULES] or ignore-file[RULES]")
    kind = kind_match.group(1).lower()
    pos = kind_match.end()
    if kind not in ("ignore", "ignore-file"):
        return _Body(
            kind,
            (),
            None,
            None,
            f"unknown directive {kind_match.group(1)!r} "
            "(expected ignore[RULES] or ignore-file[RULES])",
        )
    list_match = _LIST.match(rest, pos)
    if list_match is None:
        return _Body(
            kind,
            (),
            None,
            None,
            f"{kind} needs a rule list, e.g. {kind}[AL102]: blanket ignores are not supported",
        )
    selectors = tuple(s.strip() for s in list_match.group(1).split(","))
    pos = list_match.end()
    problem = None
    if not any(selectors):
        problem = f"{kind}[] names no rule"
    elif not all(selectors):
        problem = f"empty entry in the rule list [{list_match.group(1)}]"
    until, until_problem, pos = _parse_until(rest, pos)
    reason, tail_problem = _parse_reason(rest, pos)
    return _Body(kind, selectors, until, reason, problem or until_problem or tail_problem)


def _parse_until(rest: str, pos: int) -> tuple[date | None, str | None, int]:
    match = _UNTIL.match(rest, pos)
    if match is None:
        return None, None, pos
    text = match.group(1)
    try:
        if not _DATE.fullmatch(text):
            raise ValueError(text)
        return date.fromisoformat(text), None, match.end()
    except ValueError:
        return None, f"until={text!r} is not a date (expected until=YYYY-MM-DD)", match.end()


def _parse_reason(rest: str, pos: int) -> tuple[str | None, str | None]:
    match = _REASON.match(rest, pos)
    if match is None:
        leftover = rest[pos:].strip()
        if leftover:
            return None, (
                f"unexpected text {leftover[:40]!r} after the rule list "
                "(expected until=YYYY-MM-DD and/or -- reason)"
            )
        return None, None
    reason = rest[match.end() :].strip()
    return (reason or None), None


def _directive(
    rel: str, layout: _Layout, index: int, start: int, line: str, trailing: bool, body: _Body
) -> Directive:
    """Attach scope and covered lines to a parsed directive body."""
    number = index + 1
    text = line[start:].lstrip("#/; \t").rstrip()
    loc = Location(rel, number, start + 1, number, len(line) + 1)
    problem = body.problem
    scope: Scope
    if body.kind == "ignore-file":
        scope, first, last = "file", 1, sys.maxsize
        if trailing or index >= layout.header_end:
            problem = problem or (
                "ignore-file is only honoured in the leading comment lines "
                "of the file (before the first line of content)"
            )
    elif trailing:
        scope, first, last = "line", number, number
    else:
        scope = "next"
        target = layout.next_code[index + 1]
        if target < 0:
            first, last = number, number - 1  # covers nothing: reported as unused
        else:
            first, last = target + 1, layout.block_end(target + 1)
    return Directive(
        loc, scope, body.selectors, first, last, body.reason, body.until, problem, text
    )


class _Layout:
    """Line structure of one file, computed once so that many directives stay linear.

    ``next_code[i]`` is the first line at or after ``i`` that is neither blank nor a
    comment (-1 when none). Block ends come from the format's parser
    (:func:`~assume_lint.parsers.extents.block_extents`), asked on first use only: most
    directives trail their line, and a file without a directive is never parsed again.
    """

    def __init__(self, source: SourceFile, lines: list[str], style: Style) -> None:
        self.source = source
        self.lines = lines
        self.style = style
        self.code = [_is_code(line, style) for line in lines]
        self.next_code = [-1] * (len(lines) + 1)
        for index in range(len(lines) - 1, -1, -1):
            self.next_code[index] = index if self.code[index] else self.next_code[index + 1]
        self.header_end = self._leading_comment_end()
        self._extents: dict[int, int] | None = None

    def _leading_comment_end(self) -> int:
        """Index of the first line of content (a YAML ``---`` still counts as header)."""
        for index, line in enumerate(self.lines):
            if self.style == "yaml" and line.strip() in ("---", "%YAML 1.2", "%YAML 1.1"):
                continue
            if self.code[index]:
                return index
        return len(self.lines)

    def block_end(self, line: int) -> int:
        """The last line (1-based) of the block opened on ``line`` (``line`` if none)."""
        if self._extents is None:
            from assume_lint.parsers.extents import block_extents

            self._extents = block_extents(self.source, self.style)
        return max(line, self._extents.get(line, line))


def _is_comment(line: str, style: Style) -> bool:
    markers = _MARKERS[style]
    return bool(markers) and line.lstrip().startswith(markers)


def _is_code(line: str, style: Style) -> bool:
    return bool(line.strip()) and not _is_comment(line, style)


# --------------------------------------------------------------------------- config ignores


def config_ignores_from(
    entries: Sequence[Mapping[str, Any]], config_rel: str, config_text: str | None = None
) -> list[ConfigIgnore]:
    """Build :class:`ConfigIgnore` objects from validated ``[[ignores]]`` tables.

    ``config_rel`` is the config file's repo-relative path (the location of AL901/AL902
    about an entry); ``config_text`` lets each entry point at its ``[[ignores]]`` line.
    Raises ValueError for an ``until`` that is not a real date.
    """
    lines = ignore_entry_lines(config_text) if config_text is not None else []
    out = []
    for position, entry in enumerate(entries):
        line = lines[position] if position < len(lines) else 1
        until_text = entry.get("until")
        until = None
        if until_text is not None:
            until = _config_date(position, until_text)
        out.append(
            ConfigIgnore(
                rule=str(entry["rule"]),
                path=str(entry.get("path", "*")),
                sid=_opt_str(entry.get("sid")),
                role=_opt_str(entry.get("role")),
                profile=_opt_str(entry.get("profile")),
                reason=_opt_str(entry.get("reason")) or None,
                until=until,
                location=Location(config_rel, line, 1),
            )
        )
    return out


def _config_date(position: int, text: Any) -> date:
    """A config ``until``; ValueError (naming the entry) when it is not a real date."""
    problem = f"ignores[{position}].until: {text!r} is not a date (expected YYYY-MM-DD)"
    if not isinstance(text, str) or not _DATE.fullmatch(text):
        raise ValueError(problem)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(problem) from None


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)


_IGNORES_HEADER = re.compile(
    r"^[ \t]*\[\[[ \t]*(?:tool\.[\"']?assume-lint[\"']?\.)?ignores[ \t]*\]\]", re.MULTILINE
)


def ignore_entry_lines(config_text: str) -> list[int]:
    """1-based line of each ``[[ignores]]`` (or ``[[tool.assume-lint.ignores]]``) header."""
    return [
        config_text.count("\n", 0, m.start()) + 1 for m in _IGNORES_HEADER.finditer(config_text)
    ]


_PROFILE_SEGMENT = re.compile(r"(?:^|/)profile ([^/]+)")


def key_matches(
    key: str, *, sid: str | None = None, role: str | None = None, profile: str | None = None
) -> bool:
    """Match a finding's key (its logical location) against ``[[ignores]]`` narrowing.

    Every value is a case-sensitive ``fnmatch`` glob; given fields must all match.

    * ``sid``: trust findings are keyed ``<role address>/<Sid or #index>``; the part
      after the last ``/`` must match (``sid = "#0"`` names an unnamed first statement).
    * ``role``: matches the role address (the key without its last ``/`` segment), or
      the whole key (role-level findings), or, for a Terraform-style address with no
      ``/``, its last dotted part (``deploy`` for ``aws_iam_role.deploy``).
    * ``profile``: matches the name in a ``profile <name>`` segment of the key
      (``~/.aws/profile dev``, ``profile dev/aws_access_key_id``), or, for keys
      written ``profile <group>/<name>``, the part after the last ``/``.
    """
    if sid is not None and not _sid_matches(key, sid):
        return False
    if role is not None and not _role_matches(key, role):
        return False
    return profile is None or _profile_matches(key, profile)


def _sid_matches(key: str, sid: str) -> bool:
    if "/" not in key:
        return False
    return fnmatch.fnmatchcase(key.rsplit("/", 1)[1], sid)


def _role_matches(key: str, role: str) -> bool:
    candidates = {key}
    if "/" in key:
        candidates.add(key.rsplit("/", 1)[0])
    for candidate in list(candidates):
        if "/" not in candidate and "." in candidate:
            candidates.add(candidate.rsplit(".", 1)[1])
    return any(fnmatch.fnmatchcase(c, role) for c in candidates)


def _profile_matches(key: str, profile: str) -> bool:
    for match in _PROFILE_SEGMENT.finditer(key):
        if fnmatch.fnmatchcase(match.group(1), profile):
            return True
    return (
        key.startswith("profile ")
        and "/" in key
        and fnmatch.fnmatchcase(key.rsplit("/", 1)[1], profile)
    )


def _ignore_matches(ignore: ConfigIgnore, finding: Finding) -> bool:
    return (
        selector_matches(ignore.rule, finding.rule_id, finding.rule_name)
        and path_matches(finding.location.path, ignore.path)
        and key_matches(finding.key, sid=ignore.sid, role=ignore.role, profile=ignore.profile)
    )


# --------------------------------------------------------------------------- applying


def selector_matches(selector: str, rule_id: str, rule_name: str) -> bool:
    """``registry.matches`` on a finding: the rule's name, or a prefix of its id."""
    sel = selector.strip()
    return bool(sel) and (rule_name == sel.lower() or rule_id.upper().startswith(sel.upper()))


def apply(
    findings: Iterable[Finding],
    directives: Mapping[str, Sequence[Directive]],
    config_ignores: Sequence[ConfigIgnore],
    *,
    today: date,
    require_reason: bool,
    rule_lookup: Callable[[str], bool],
    active: Callable[[str], bool] | None = None,
    finish: FinishFn | None = None,
) -> SuppressionOutcome:
    """Split findings into kept and suppressed, and report the suppressions' own problems.

    ``directives`` maps a repo-relative path to its directives (pass only reported
    files). ``rule_lookup(selector)`` says whether a selector names a known rule
    (``registry.is_valid_selector``); ``active(selector)`` whether a rule it names ran in
    this pass (default: all did); a suppression is only called unused for selectors
    that are known and active, so ``--select AL2`` does not flag ``ignore[AL102]``.
    ``finish`` builds the AL901/AL902 findings (the engine's finisher: severity
    overrides, end columns, fingerprints); by default plain Findings are built.
    Expired suppressions (``today`` after ``until``) do not apply and are AL901.
    """
    state = _State(finish or _plain_finding, active or (lambda _selector: True), rule_lookup)
    live_directives = [
        d
        for path in sorted(directives)
        for d in directives[path]
        if d.problem is None and not _expired(d.until, today)
    ]
    live_ignores = [i for i in config_ignores if not _expired(i.until, today)]
    outcome = SuppressionOutcome()
    for finding in findings:
        reason = state.suppress(finding, live_directives, live_ignores)
        if reason is None:
            outcome.kept.append(finding)
        else:
            outcome.suppressed.append(replace(finding, suppressed=reason))
    for path in sorted(directives):
        for directive in directives[path]:
            outcome.notes.extend(state.directive_notes(directive, today, require_reason))
    for ignore in config_ignores:
        outcome.notes.extend(state.ignore_notes(ignore, today, require_reason))
    return outcome


def _expired(until: date | None, today: date) -> bool:
    """An ``until`` date is the last day the suppression applies."""
    return until is not None and today > until


def _plain_finding(rule_id: str, name: str, severity: Severity, hit: Hit) -> Finding:
    return Finding(hit.location, rule_id, name, severity, hit.message, hit.key)


class _State:
    """Which selectors of which suppressions were used, and note building."""

    def __init__(
        self, finish: FinishFn, active: Callable[[str], bool], known: Callable[[str], bool]
    ) -> None:
        self.finish = finish
        self.active = active
        self.known = known
        self.used_selectors: set[tuple[int, str]] = set()  # (id(directive), selector)
        self.used_ignores: set[int] = set()

    def suppress(
        self, finding: Finding, directives: list[Directive], ignores: list[ConfigIgnore]
    ) -> str | None:
        """Mark every suppression matching the finding as used; the first one's reason."""
        reasons: list[str] = []
        for directive in directives:
            if not directive.covers(finding):
                continue
            for selector in directive.selectors:
                if selector_matches(selector, finding.rule_id, finding.rule_name):
                    self.used_selectors.add((id(directive), selector))
                    reasons.append(f"inline: {directive.reason or SUPPRESSED_DEFAULT}")
        for ignore in ignores:
            if _ignore_matches(ignore, finding):
                self.used_ignores.add(id(ignore))
                reasons.append(f"config: {ignore.reason or SUPPRESSED_DEFAULT}")
        return reasons[0] if reasons else None

    def note(self, rule_id: str, location: Location, message: str, key: str) -> Finding:
        if rule_id == UNUSED_ID:
            return self.finish(UNUSED_ID, UNUSED_NAME, Severity.INFO, Hit(location, message, key))
        return self.finish(NO_REASON_ID, NO_REASON_NAME, Severity.LOW, Hit(location, message, key))

    def directive_notes(
        self, directive: Directive, today: date, require_reason: bool
    ) -> list[Finding]:
        loc = directive.location
        key = f"suppression/{_short(directive.text, 200)}"
        written = f"'{_short(directive.text)}'"
        out: list[Finding] = []
        if directive.problem is not None:
            out.append(
                self.note(
                    UNUSED_ID,
                    loc,
                    f"Invalid suppression {written}: {directive.problem}; it suppresses nothing",
                    key,
                )
            )
        elif _expired(directive.until, today):
            out.append(
                self.note(
                    UNUSED_ID,
                    loc,
                    f"Suppression {written} expired on "
                    f"{directive.until}: it no longer applies; fix the findings "
                    "or extend the date",
                    key,
                )
            )
        else:
            out.extend(self._unused_selectors(directive, written, key))
        if require_reason and directive.reason is None and directive.problem is None:
            out.append(
                self.note(
                    NO_REASON_ID,
                    loc,
                    f"Suppression {written} gives no reason: add ' -- why this is acceptable'",
                    key,
                )
            )
        return out

    def _unused_selectors(self, directive: Directive, written: str, key: str) -> list[Finding]:
        unknown = [s for s in directive.selectors if not self.known(s)]
        unused = [
            s
            for s in directive.selectors
            if self.known(s) and self.active(s) and (id(directive), s) not in self.used_selectors
        ]
        out = []
        if unknown:
            out.append(
                self.note(
                    UNUSED_ID,
                    directive.location,
                    f"Suppression {written} names no known rule: {', '.join(unknown)}",
                    key,
                )
            )
        if unused:
            where = _coverage(directive)
            out.append(
                self.note(
                    UNUSED_ID,
                    directive.location,
                    f"Unused suppression {written}: {', '.join(unused)} "
                    f"reported nothing {where}; remove it",
                    key,
                )
            )
        return out

    def ignore_notes(
        self, ignore: ConfigIgnore, today: date, require_reason: bool
    ) -> list[Finding]:
        key = f"ignores/{ignore.label}"
        out: list[Finding] = []
        if _expired(ignore.until, today):
            out.append(
                self.note(
                    UNUSED_ID,
                    ignore.location,
                    f"Config ignore ({ignore.label}) "
                    f"expired on {ignore.until}: it no longer applies",
                    key,
                )
            )
        elif not self.known(ignore.rule):
            out.append(
                self.note(
                    UNUSED_ID,
                    ignore.location,
                    f"Config ignore ({ignore.label}) names no known rule",
                    key,
                )
            )
        elif self.active(ignore.rule) and id(ignore) not in self.used_ignores:
            out.append(
                self.note(
                    UNUSED_ID,
                    ignore.location,
                    f"Unused config ignore ({ignore.label}): it matched no finding; remove it",
                    key,
                )
            )
        if require_reason and ignore.reason is None:
            out.append(
                self.note(
                    NO_REASON_ID,
                    ignore.location,
                    f'Config ignore ({ignore.label}) gives no reason: add reason = "..."',
                    key,
                )
            )
        return out


def _coverage(directive: Directive) -> str:
    """Where a directive looked, in words: users see why it matched nothing."""
    if directive.scope == "file":
        return "in this file"
    if directive.scope == "line":
        return "on this line"
    if directive.first_line > directive.last_line:
        return "below it (there is no line of content after it)"
    if directive.first_line == directive.last_line:
        return f"on line {directive.first_line}"
    return f"in lines {directive.first_line}-{directive.last_line}"


def _short(text: str, limit: int = 80) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 3] + "..."
