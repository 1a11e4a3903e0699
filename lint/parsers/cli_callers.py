"""AWS CLI callers in scripts: ``aws sts assume-role`` and ``aws configure set``.

Seed-style setups assume roles by hand: a ``deploy.sh`` that runs ``aws sts assume-role
--role-arn ... --external-id ...``, a workflow ``run:`` step, a Makefile recipe, a
CodeBuild ``buildspec.yml``, a ``.gitlab-ci.yml`` script or a Dockerfile ``RUN`` line.
Each call becomes an :class:`~assume_lint.model.AssumeAttempt` of kind ``"cli"``, so the
cross-file rules compare it with the role's trust like any other caller:

- ``aws sts assume-role`` and ``aws sts assume-role-with-web-identity``: ``--role-arn``,
  ``--external-id``, ``--serial-number`` (MFA), ``--duration-seconds``,
  ``--role-session-name``. The CLI refuses the command without ``--role-arn`` or
  ``--role-session-name`` (both are required arguments): such a call is kept with
  ``refused`` set, so no rule judges what it would do, and AL204 says it fails;
- ``aws configure set role_arn|source_profile|external_id|mfa_serial|duration_seconds|
  role_session_name VALUE [--profile P]`` (or ``profile.P.role_arn``): one caller per
  profile that gets a ``role_arn``. A setting the script does not write may already be
  in the user's config, so it is unknown (an unresolved Attr), never absent.

Values: a literal, or a variable assigned exactly one literal earlier in the same file
(shell ``X=...``/``export X=...``, Makefile ``X := ...``, Dockerfile ``ENV``, a YAML
``env:``/``variables:`` entry in capitals). Anything else (``$(...)``, a variable
assigned twice or from a command, Dockerfile ``ARG``, ``${{ secrets.X }}``) is unknown;
a value with some known text keeps it, with :data:`~assume_lint.model.HOLE` for each
unknown part. Lines ending in ``\\`` continue. Comment lines are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from assume_lint.files.sources import SourceFile
from assume_lint.model import HOLE, AssumeAttempt, Attr
from assume_lint.model.findings import Location

_SHELLS = re.compile(r"^#![^\n]*\b(?:ba|z|k|da|a)?sh\b")
_YAML_NAMES = re.compile(r"^(?:buildspec[\w.-]*|\.gitlab-ci[\w.-]*)\.ya?ml$", re.IGNORECASE)
_BUILDSPEC = re.compile(r"^phases:\s*$(?s:.*)^\s+commands:", re.MULTILINE)
_STS_ACTIONS = {"assume-role": "AssumeRole", "assume-role-with-web-identity": "WebIdentity"}
_CONFIGURE_KEYS = frozenset(
    {
        "role_arn",
        "source_profile",
        "credential_source",
        "external_id",
        "mfa_serial",
        "duration_seconds",
        "role_session_name",
    }
)
_AWS = re.compile(r"(?:(?<=^)|(?<=[\s;&|(`@'\"-]))aws(?=\s)")
_VARIABLE = re.compile(
    r"\$\{\{\s*env\.(\w+)\s*\}\}|\$\{\{[^}]*\}\}|\$\{(\w+)\}|\$\((\w+)\)|\$(\w+)|\$\(|`"
)
_SHELL_ASSIGN = re.compile(
    r"^\s*(?:export\s+|local\s+|readonly\s+|declare\s+(?:-\w+\s+)*)?([A-Za-z_]\w*)=(.*)$"
)
_MAKE_ASSIGN = re.compile(r"^([A-Za-z_]\w*)\s*(?:\?=|:=|::=|=)\s*(.*)$")
_DOCKER_ENV = re.compile(r"^\s*ENV\s+([A-Za-z_]\w*)(?:=|\s+)(.*)$", re.IGNORECASE)
_DOCKER_ARG = re.compile(r"^\s*ARG\s+([A-Za-z_]\w*)", re.IGNORECASE)
_YAML_ASSIGN = re.compile(r"^\s+-?\s*([A-Z_][A-Z0-9_]*)\s*:\s+(.*)$")


def script_kind(rel: str, text: str) -> str | None:
    """``shell``, ``make``, ``docker`` or ``yaml`` when the file may run AWS CLI commands
    (by name, or a shell shebang), else None (READMEs quote commands: never read)."""
    path = PurePosixPath(rel)
    name = path.name
    lower = name.lower()
    if lower.endswith((".sh", ".bash", ".zsh", ".ksh")):
        return "shell"
    if name in ("Makefile", "makefile", "GNUmakefile") or lower.endswith(".mk"):
        return "make"
    if lower == "dockerfile" or lower.startswith("dockerfile.") or lower.endswith(".dockerfile"):
        return "docker"
    if _YAML_NAMES.match(name):
        return "yaml"
    if path.parent.name == "workflows" and path.parent.parent.name == ".github":
        return "yaml" if lower.endswith((".yml", ".yaml")) else None
    if lower.endswith((".yml", ".yaml")) and _BUILDSPEC.search(text):
        return "yaml"  # a CodeBuild buildspec under another name
    if "." not in name and _SHELLS.match(text[:200]):
        return "shell"
    return None


@dataclass
class _Logical:
    """A command line joined across ``\\`` continuations, with where each piece is."""

    text: str
    pieces: list[tuple[int, int, int]] = field(default_factory=list)  # (offset, line, col)

    def location(self, offset: int, length: int, rel: str) -> Location:
        start, line, column = self.pieces[0]
        for piece in self.pieces:
            if piece[0] <= offset:
                start, line, column = piece
        col = column + offset - start
        return Location(rel, line, col, line, col + length)


def _logical_lines(text: str) -> list[_Logical]:
    out: list[_Logical] = []
    current: _Logical | None = None
    for number, raw in enumerate(text.split("\n"), start=1):
        body = raw.rstrip()
        continued = body.endswith("\\")
        if continued:
            body = body[:-1]
        if current is None:
            current = _Logical("", [])
            current.pieces.append((0, number, 1))
            current.text = body
        else:
            stripped = body.lstrip()
            column = len(body) - len(stripped) + 1
            current.pieces.append((len(current.text) + 1, number, column))
            current.text += " " + stripped
        if not continued:
            out.append(current)
            current = None
    if current is not None:
        out.append(current)
    return out


@dataclass
class _Variables:
    """Literal assignments seen so far: a name assigned one literal is known; a name
    assigned from anything else, or two different literals, is unknown."""

    values: dict[str, str | None] = field(default_factory=dict)

    def assign(self, name: str, value: str | None) -> None:
        if name in self.values and self.values[name] != value:
            self.values[name] = None
        else:
            self.values[name] = value

    def get(self, name: str) -> str | None:
        return self.values.get(name)


def _literal(raw: str, yaml: bool = False, variables: _Variables | None = None) -> str | None:
    """The value of an assignment's right side when it is a literal (or built only from
    known variables, ``"arn:aws:iam::${ACCOUNT}:role/x"``), else None."""
    value = raw.strip()
    if yaml:
        value = re.sub(r"\s+#.*$", "", value)
    elif not value.startswith(("'", '"')):
        value = value.split()[0] if value.split() else ""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        if value[0] == "'":
            return value[1:-1]
        value = value[1:-1]
    if "`" in value or not value:
        return None
    if "$" in value:
        if variables is None:
            return None
        return _expand(value, variables)[0]
    return value


def _assignment(kind: str, line: str, variables: _Variables) -> None:
    if kind == "docker":
        env = _DOCKER_ENV.match(line)
        if env:
            variables.assign(env.group(1), _literal(env.group(2), False, variables))
            return
        arg = _DOCKER_ARG.match(line)
        if arg:
            variables.assign(arg.group(1), None)  # --build-arg overrides a default
            return
        line = re.sub(r"^\s*RUN\s+", "", line, flags=re.IGNORECASE)
    if kind == "make" and not line.startswith("\t"):
        make = _MAKE_ASSIGN.match(line)
        if make:
            variables.assign(make.group(1), _literal(make.group(2), False, variables))
            return
    if kind == "yaml":
        entry = _YAML_ASSIGN.match(line)
        if entry:
            variables.assign(entry.group(1), _literal(entry.group(2), True, variables))
            return
    for statement in re.split(r"\s*(?:;|&&|\|\|)\s*", line.strip().lstrip("-@ ")):
        shell = _SHELL_ASSIGN.match(statement)
        if shell and not shell.group(2).startswith("("):
            value = shell.group(2)
            variables.assign(shell.group(1), _literal(value, False, variables) if value else None)


def _expand(token: str, variables: _Variables) -> tuple[str | None, str | None]:
    """A token's value with variables filled in: ``(literal, None)`` when known,
    ``(None, partial)`` when some parts are known, ``(None, None)`` when none are."""
    if "$" not in token and "`" not in token:
        return token.replace(_LITERAL_DOLLAR, "$"), None
    unknown = False

    def fill(match: re.Match[str]) -> str:
        nonlocal unknown
        name = match.group(1) or match.group(2) or match.group(3) or match.group(4)
        value = variables.get(name) if name else None
        if value is None:
            unknown = True
            return HOLE
        return value

    if "$(" in token.replace("$((", "") and not re.search(r"\$\((\w+)\)", token):
        return None, None  # a command substitution: anything
    text = _VARIABLE.sub(fill, token).replace(_LITERAL_DOLLAR, "$")
    if not unknown:
        return text, None
    return None, (text if text.replace(HOLE, "") else None)


@dataclass
class _Call:
    """One ``aws`` invocation: its words after ``aws``, their offsets in the line, and
    where the command ends (an ``aws`` before that is one of its words)."""

    words: list[tuple[str, int]]  # (raw text as written, offset in the logical line)
    offset: int
    end: int = 0


_MAX_WORDS = 64  # no assume-role command has more; a pathological line stops here


_LITERAL_DOLLAR = "\ue001"  # a ``$`` inside single quotes: never a variable
_OPERATORS = " \t;&|()`"


def _split(line: str, start: int) -> _Call | None:
    """The words of the command at ``start`` up to a shell operator, each with the offset
    where it is written; quotes removed (``$`` in single quotes kept literal). None when
    a quote is not closed on the line (not a command we can read)."""
    words: list[tuple[str, int]] = []
    index, size = start, len(line)
    while index < size and len(words) < _MAX_WORDS:
        while index < size and line[index] in " \t":
            index += 1
        if index >= size or line[index] in _OPERATORS:
            break
        begin, parts = index, []
        while index < size and line[index] not in _OPERATORS:
            char = line[index]
            if char in "'\"":
                end = _closing(line, index)
                if end < 0:
                    return None
                inner = line[index + 1 : end]
                parts.append(inner.replace("$", _LITERAL_DOLLAR) if char == "'" else inner)
                index = end + 1
            elif line.startswith("$(", index):
                end = _closing_paren(line, index + 1)
                if end < 0:
                    return None
                parts.append(line[index : end + 1])
                index = end + 1
            elif char == "\\" and index + 1 < size:
                parts.append(line[index + 1])
                index += 2
            else:
                parts.append(char)
                index += 1
        words.append(("".join(parts), begin))
    return _Call(words, start, index) if words else None


def _closing(line: str, index: int) -> int:
    """The offset of the quote closing the one at ``index`` (-1 when none)."""
    quote, position = line[index], index + 1
    while position < len(line):
        if line[position] == "\\" and quote == '"':
            position += 2
            continue
        if line[position] == quote:
            return position
        position += 1
    return -1


def _closing_paren(line: str, index: int) -> int:
    depth = 0
    for position in range(index, len(line)):
        if line[position] == "(":
            depth += 1
        elif line[position] == ")":
            depth -= 1
            if depth == 0:
                return position
    return -1


def _options(words: list[tuple[str, int]]) -> tuple[list[str], dict[str, tuple[str, int]]]:
    """Positional words and ``--option value`` pairs (``--option=value`` too)."""
    positional: list[str] = []
    options: dict[str, tuple[str, int]] = {}
    index = 0
    while index < len(words):
        word, offset = words[index]
        if word.startswith("--"):
            name, equals, value = word.partition("=")
            if equals:
                options[name] = (value, offset + len(name) + 1)
            elif index + 1 < len(words) and not words[index + 1][0].startswith("--"):
                options[name] = words[index + 1]
                index += 1
            else:
                options[name] = ("", offset)
        else:
            positional.append(word)
        index += 1
    return positional, options


@dataclass
class _ProfileWrite:
    """What ``aws configure set`` lines wrote into one profile."""

    name: str
    location: Location
    values: dict[str, Attr] = field(default_factory=dict)


class _Scanner:
    def __init__(self, source: SourceFile, kind: str) -> None:
        self.source = source
        self.kind = kind
        self.variables = _Variables()
        self.attempts: list[AssumeAttempt] = []
        self.profiles: dict[str, _ProfileWrite] = {}

    def attr(self, line: _Logical, value: tuple[str, int], where: Location) -> Attr:
        raw, offset = value
        literal, partial = _expand(raw, self.variables)
        at = line.location(offset, max(len(raw), 1), self.source.rel)
        return Attr(literal, at, raw, partial)

    def scan(self) -> list[AssumeAttempt]:
        for line in _logical_lines(self.source.text):
            stripped = line.text.lstrip()
            if stripped.startswith("#"):
                continue
            self.calls(line)
            _assignment(self.kind, line.text, self.variables)
        self.attempts.extend(self.configured())
        return self.attempts

    def calls(self, line: _Logical) -> None:
        position = 0
        comment = line.text.find(" #")
        while (match := _AWS.search(line.text, position)) is not None:
            if 0 <= comment < match.start():
                break
            call = _split(self._unquoted(line.text, match.start()), match.end())
            # the next command starts after this one's words ("aws s3 cp aws ..." is one)
            position = max(match.end(), call.end if call is not None else 0)
            if call is None:
                continue
            where = line.location(match.start(), 3, self.source.rel)
            positional, options = _options(call.words)
            if positional[:1] == ["sts"] and len(positional) > 1:
                action = _STS_ACTIONS.get(positional[1])
                if action is not None:
                    self.sts(line, where, positional[1], action, options)
            elif positional[:2] == ["configure", "set"] and len(positional) >= 4:
                self.configure(line, where, positional[2], call, options)

    def _unquoted(self, text: str, start: int) -> str:
        """A YAML item written as one quoted string (``- 'aws sts ...'``): the command
        without the closing quote (the opening one is before ``aws``)."""
        if self.kind != "yaml":
            return text
        before = text[max(0, start - 8) : start].rstrip()  # never copy a long prefix
        if before.endswith(("'", '"')):
            stripped = text.rstrip()
            if stripped.endswith(before[-1]):
                return stripped[:-1]
        return text

    def sts(
        self,
        line: _Logical,
        where: Location,
        command: str,
        action: str,
        options: dict[str, tuple[str, int]],
    ) -> None:
        def get(name: str) -> Attr | None:
            value = options.get(name)
            return self.attr(line, value, where) if value is not None else None

        role_arn = get("--role-arn")
        session = get("--role-session-name")
        missing = [n for n, v in (("--role-arn", role_arn), ("--role-session-name", session))
                   if v is None]
        refused = None
        if missing:
            refused = f"the AWS CLI refuses it: {' and '.join(missing)} required"
        rel = self.source.rel
        shown = role_arn.source if role_arn is not None else "no role"
        self.attempts.append(
            AssumeAttempt(
                kind="cli",
                caller=f"aws sts {command} in {rel}",
                address=f"{rel}#aws sts {command} {shown}",
                location=where,
                role_arn=role_arn,
                external_id=get("--external-id"),
                session_name=session,
                duration=get("--duration-seconds"),
                mfa_serial=get("--serial-number"),
                uses_oidc=action == "WebIdentity",
                refused=refused,
            )
        )

    def configure(
        self,
        line: _Logical,
        where: Location,
        key: str,
        call: _Call,
        options: dict[str, tuple[str, int]],
    ) -> None:
        profile = options.get("--profile", ("default", 0))[0]
        if key.startswith("profile.") and key.count(".") >= 2:
            _, profile, key = key.split(".", 2)
        if key not in _CONFIGURE_KEYS:
            return
        words = [w for w in call.words if not w[0].startswith("--")]
        value = next((w for w in words[3:4]), None)
        if value is None:
            return
        written = self.profiles.setdefault(profile, _ProfileWrite(profile, where))
        if key == "role_arn":
            written.location = where
        written.values[key] = self.attr(line, value, where)

    def configured(self) -> list[AssumeAttempt]:
        out = []
        rel = self.source.rel
        for name, written in self.profiles.items():
            role_arn = written.values.get("role_arn")
            if role_arn is None:
                continue

            setting = _settings(written)
            out.append(
                AssumeAttempt(
                    kind="cli",
                    caller=f"aws configure set (profile {name}) in {rel}",
                    address=f"{rel}#aws configure set profile {name}",
                    location=written.location,
                    role_arn=role_arn,
                    external_id=setting("external_id"),
                    session_name=setting("role_session_name"),
                    duration=written.values.get("duration_seconds"),
                    mfa_serial=setting("mfa_serial"),
                )
            )
        return out


def _settings(written: _ProfileWrite) -> Callable[[str], Attr]:
    """A profile setting as written, or unknown: a setting the script does not write may
    be in the user's config already, so its absence is never certain."""

    def setting(key: str) -> Attr:
        found = written.values.get(key)
        if found is not None:
            return found
        return Attr(None, written.location, f"(profile {written.name}: {key})")

    return setting


def scan(source: SourceFile) -> list[AssumeAttempt]:
    """The AWS CLI callers of a script-like file (nothing for other files)."""
    text = source.text
    if "assume-role" not in text and "configure set" not in text:
        return []
    kind = script_kind(source.rel, text)
    if kind is None:
        return []
    return _Scanner(source, kind).scan()
