"""AWS CLI/SDK ``config`` and ``credentials`` files, parsed the way the SDKs parse them.

The oracle is the SDKs' shared profile-parser test suite (copied from smithy-rs into
``../shared/vectors/aws-sdk-profiles``). Its rules, in short:

- a line is blank, a comment (``#``/``;`` in column 1), a section header (``[`` in
  column 1), a continuation (leading space or tab) or a property (``key = value``;
  ``key: value`` too, as botocore's configparser reads it: the AWS CLI accepts it, so it
  is no error here, although the other SDKs' vectors reject it);
- in headers a comment may follow the ``]`` directly; in property values only after
  whitespace (``value;x`` keeps the ``;x``), and continuation lines keep comments;
- keys are lower-cased; keys and section names must match ``[A-Za-z0-9_\\-/.%@:+]+``
  or the SDKs silently drop them;
- ``[profile x]``, ``[sso-session x]``, ``[services x]`` and ``[default]`` in a config
  file; ``[x]`` in a credentials file. The other spellings are ignored by the SDKs:
  we keep them as :class:`~assume_lint.model.Profile` objects with ``header_problem``
  set, so that AL206 can say why a profile "does not exist";
- a ``[profile default]`` anywhere in the config file hides every ``[default]``;
- duplicate sections merge, later keys win; the credentials file wins over config.

Where the SDKs abort the whole file on a syntax error, we report a
:class:`~assume_lint.model.ParseProblem` with the SDK's message and carry on with the
next line, so that one typo does not hide every other finding in the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from assume_lint.files.sources import SourceFile
from assume_lint.model import AssumeAttempt, Attr, Credential, Model, ParseProblem, Profile
from assume_lint.model.findings import Location
from assume_lint.model.profiles import ProfileSet, merge_profiles, source_assumes_role

WHITESPACE = " \t"
COMMENT = "#;"
IDENTIFIER = re.compile(r"[A-Za-z0-9_\-/.%@:+]+")

SECRET_KEYS = {
    "aws_access_key_id": "access-key-id",
    "aws_secret_access_key": "secret-key",
    "aws_session_token": "session-token",
}
SECTION_PREFIXES = {"profile": "profile", "sso-session": "sso-session", "services": "services"}


# --------------------------------------------------------------------------- raw parsing


@dataclass
class RawProperty:
    """One ``key = value`` with its continuation lines appended."""

    key: str
    first: str  # the value on the key's own line
    line: int
    column: int
    end_line: int
    end_column: int
    is_subproperty: bool = False
    more: list[str] = field(default_factory=list)  # continuation lines, trimmed

    @property
    def value(self) -> str:
        """The whole value: continuation lines joined with newlines (as the SDKs do)."""
        return "\n".join([self.first, *self.more]) if self.more else self.first


@dataclass
class RawSection:
    """One ``[...]`` header and the properties written below it, in order."""

    text: str  # between the brackets, comments removed
    location: Location
    properties: list[RawProperty] = field(default_factory=list)


def prepare_line(line: str, comments_need_whitespace: bool) -> str:
    """Trim spaces/tabs and cut a trailing comment, as the SDKs' ``prepare_line`` does."""
    line = line.strip(WHITESPACE)
    prev_whitespace = False
    for index, char in enumerate(line):
        if char in COMMENT and (prev_whitespace or not comments_need_whitespace):
            return line[:index].strip(WHITESPACE)
        prev_whitespace = char.isspace()
    return line


def split_property(line: str) -> tuple[str, str, int] | str:
    """``(key, value, value_offset)`` of a property line, or the SDK's error kind.

    The error kind is ``"no-equals"`` or ``"no-name"``. ``value_offset`` is the
    0-based index of the value's first character in the (left-trimmed) line.
    """
    text = prepare_line(line, comments_need_whitespace=True)
    lead = len(line) - len(line.lstrip(WHITESPACE))
    equals = _delimiter(text)
    if equals < 0:
        return "no-equals"
    key = text[:equals].strip(WHITESPACE)
    raw_value = text[equals + 1 :]
    value = raw_value.strip(WHITESPACE)
    if not key:
        return "no-name"
    offset = lead + equals + 1 + (len(raw_value) - len(raw_value.lstrip(WHITESPACE)))
    return key.lower(), value, offset


def _delimiter(text: str) -> int:
    """Where the key ends: the first ``=``, or botocore's other delimiter ``:`` when it
    comes first (``role_arn: arn:aws:iam::...``); -1 when there is neither."""
    equals, colon = text.find("="), text.find(":")
    if colon >= 0 and (equals < 0 or colon < equals):
        return colon
    return equals


_PROPERTY_ERRORS = {
    "no-equals": "Expected an '=' sign defining a {}",
    "no-name": "{} did not have a name",
}


def _property_error(kind: str, what: str) -> str:
    message = _PROPERTY_ERRORS[kind].format(what)
    return message[0].upper() + message[1:]


MAX_PROBLEMS = 20


class _Reader:
    """The SDK's line-by-line state machine, made to recover after an error."""

    def __init__(self, source: SourceFile) -> None:
        self.rel = source.rel
        self.text = source.text
        self.sections: list[RawSection] = []
        self.problems: list[ParseProblem] = []
        self.section: RawSection | None = None
        self.prop: RawProperty | None = None
        self.skipping = False  # after an error: drop lines until the next header

    def problem(self, line: int, column: int, message: str) -> None:
        # A junk file would otherwise yield one problem per line: keep the first few and
        # let the engine's per-file cap say how many more there were.
        if len(self.problems) <= MAX_PROBLEMS:
            self.problems.append(ParseProblem(Location(self.rel, line, column), message))

    def read(self) -> None:
        for number, line in enumerate(self.text.split("\n"), start=1):
            if not line.strip(WHITESPACE) or line[0] in COMMENT:
                continue
            if line[0] == "[":
                self.header(number, line)
            elif line[0] in WHITESPACE:
                self.continuation(number, line)
            else:
                self.property(number, line)

    def header(self, number: int, line: str) -> None:
        text = prepare_line(line, comments_need_whitespace=False)
        self.prop = None
        if not text.endswith("]") or len(text) < 2:
            self.problem(number, len(text) + 1, "Profile definition must end with ']'")
            self.section, self.skipping = None, True
            return
        location = Location(self.rel, number, 1, number, len(text) + 1)
        self.section = RawSection(text[1:-1], location)
        self.sections.append(self.section)
        self.skipping = False

    def property(self, number: int, line: str) -> None:
        if self.section is None:
            if not self.skipping:
                self.problem(number, 1, "Expected a profile definition")
                self.skipping = True
            return
        parsed = split_property(line)
        if isinstance(parsed, str):
            self.problem(number, 1, _property_error(parsed, "property"))
            self.prop = None
            return
        key, value, offset = parsed
        column = offset + 1
        self.prop = RawProperty(key, value, number, column, number, column + len(value))
        self.prop.is_subproperty = value == ""
        self.section.properties.append(self.prop)

    def continuation(self, number: int, line: str) -> None:
        column = len(line) - len(line.lstrip(WHITESPACE)) + 1
        if self.section is None:
            if not self.skipping:
                self.problem(number, column, "Expected a profile definition")
                self.skipping = True
            return
        if self.prop is None:
            self.problem(number, column, "Expected a property definition, found continuation")
            return
        if self.prop.is_subproperty:
            parsed = split_property(line)
            if isinstance(parsed, str):
                self.problem(number, column, _property_error(parsed, "sub-property"))
                return
        content = line.strip(WHITESPACE)
        self.prop.more.append(content)
        self.prop.end_line, self.prop.end_column = number, column + len(content)


def read_sections(source: SourceFile) -> tuple[list[RawSection], list[ParseProblem]]:
    """The raw sections of one file and the syntax errors met on the way."""
    reader = _Reader(source)
    reader.read()
    return reader.sections, reader.problems


# --------------------------------------------------------------------------- normalising


def file_kind(rel: str) -> str:
    """``"credentials"`` when the file name says so, else ``"config"``."""
    return "credentials" if "credentials" in PurePosixPath(rel).name.lower() else "config"


def split_header(text: str) -> tuple[str | None, str]:
    """``"profile  foo"`` -> ``("profile", "foo")``; ``"foo"`` -> ``(None, "foo")``."""
    text = text.strip(WHITESPACE)
    cut = min((i for i in (text.find(" "), text.find("\t")) if i >= 0), default=-1)
    if cut < 0:
        return None, text.strip()
    return text[:cut].strip(), text[cut + 1 :].strip()


def is_identifier(text: str) -> bool:
    """The SDKs' rule for profile, section and key names."""
    return IDENTIFIER.fullmatch(text) is not None


@dataclass(frozen=True)
class Header:
    """What a header means in its file: kind, name, and why the SDKs ignore it (if so)."""

    kind: str | None  # None: a section we do not model (an unknown prefix)
    name: str
    problem: str | None = None


def _config_header(prefix: str | None, name: str, text: str) -> Header:
    if prefix is None:
        if name == "default":
            return Header("profile", name)
        return Header(
            "profile",
            name,
            f"[{text}] in a config file is ignored by the AWS CLI and SDKs: "
            f"write [profile {name}] (only [default] may omit the prefix)",
        )
    kind = SECTION_PREFIXES.get(prefix)
    if not is_identifier(name):
        problem = f"[{text}] is ignored by the AWS CLI and SDKs: `{name}` is not a valid name"
        return Header(kind, name, problem)
    return Header(kind, name)


def _credentials_header(prefix: str | None, name: str, text: str) -> Header:
    if prefix == "profile":
        return Header(
            "profile",
            name,
            f"[{text}] in a credentials file is ignored by the AWS CLI and SDKs: "
            f"write [{name}] (the `profile` prefix belongs in the config file)",
        )
    if prefix in ("sso-session", "services"):
        return Header(
            prefix,
            name,
            f"[{text}] in a credentials file is ignored by the AWS CLI and SDKs: "
            "it belongs in the config file",
        )
    whole = text.strip(WHITESPACE).strip()
    if prefix is not None or not is_identifier(whole):
        problem = f"[{text}] is ignored by the AWS CLI and SDKs: `{whole}` is not a valid name"
        return Header("profile", whole, problem)
    return Header("profile", whole)


def classify(text: str, kind: str) -> Header:
    """Interpret a header's text for a ``config`` or ``credentials`` file."""
    prefix, name = split_header(text)
    if kind == "config":
        return _config_header(prefix, name, text)
    return _credentials_header(prefix, name, text)


def _attr(prop: RawProperty, rel: str) -> Attr:
    location = Location(rel, prop.line, prop.column, prop.end_line, prop.end_column)
    source = "" if prop.key in SECRET_KEYS else prop.value
    return Attr(prop.value, location, source)


def _properties(
    sections: Sequence[RawSection], kind: str, rel: str
) -> tuple[tuple[str, Attr], ...]:
    """Merge the properties of same-named sections: later wins, invalid keys dropped."""
    merged: dict[str, Attr] = {}
    for section in sections:
        for prop in section.properties:
            if kind == "services" or is_identifier(prop.key):
                merged[prop.key] = _attr(prop, rel)
    return tuple(merged.items())


def normalise(sections: Sequence[RawSection], kind: str, rel: str, group: str) -> list[Profile]:
    """Turn one file's raw sections into Profiles, the ignored ones flagged."""
    headers = [(section, classify(section.text, kind)) for section in sections]
    prefixed_default = any(
        header.kind == "profile"
        and header.name == "default"
        and header.problem is None
        and split_header(section.text)[0] == "profile"
        for section, header in headers
    )
    valid: dict[tuple[str, str], list[RawSection]] = {}
    ignored: list[Profile] = []
    for section, header in headers:
        if header.kind is None:
            continue
        problem = header.problem
        if (
            problem is None
            and prefixed_default
            and header.name == "default"
            and split_header(section.text)[0] is None
        ):
            problem = "[default] is ignored because [profile default] in the same file wins"
        if problem is not None:
            props = _properties([section], header.kind, rel)
            ignored.append(
                Profile(header.name, group, kind, section.location, props, problem, header.kind)
            )
            continue
        valid.setdefault((header.kind, header.name), []).append(section)
    profiles = [
        Profile(
            name,
            group,
            kind,
            same[0].location,
            _properties(same, section_kind, rel),
            None,
            section_kind,
        )
        for (section_kind, name), same in valid.items()
    ]
    return sorted(profiles + ignored, key=lambda p: p.location)


# --------------------------------------------------------------------------- model


def _credentials(sections: Sequence[RawSection], kind: str, rel: str) -> Iterator[Credential]:
    """Every key written in the file, including overridden and ignored ones: on disk is on disk."""
    for section in sections:
        name = classify(section.text, kind).name
        for prop in section.properties:
            cred_kind = SECRET_KEYS.get(prop.key)
            if cred_kind is None or not prop.value:
                continue
            attr = _attr(prop, rel)
            yield Credential(cred_kind, prop.key, prop.value, attr.location, f"profile {name}")


def attempts(profile_set: ProfileSet) -> Iterator[AssumeAttempt]:
    """One AssumeAttempt per effective profile with a ``role_arn``."""
    for name, section in profile_set.profiles.items():
        role_arn = section.get("role_arn")
        if role_arn is None:
            continue
        yield AssumeAttempt(
            kind="profile",
            caller=f"profile {name}",
            address=f"{profile_set.group}/profile {name}",
            location=role_arn.location,
            role_arn=role_arn,
            external_id=section.get("external_id"),
            session_name=section.get("role_session_name"),
            duration=section.get("duration_seconds"),
            mfa_serial=section.get("mfa_serial"),
            chained=source_assumes_role(profile_set, name),
        )


def group_of(files: Sequence[SourceFile]) -> dict[str, str]:
    """The profile-set each file belongs to: its folder, as the SDKs pair files.

    The SDKs pair exactly one config with one credentials file. When a folder holds
    several config-like files (``dev.aws-config``, ``prod.ini``), merging them would
    invent profiles no SDK sees, so each non-standard file is then a set of its own.
    """
    kinds = [file_kind(f.rel) for f in files]
    folder = str(PurePosixPath(files[0].rel).parent) if files else "."
    pairable = kinds.count("config") <= 1 and kinds.count("credentials") <= 1
    groups: dict[str, str] = {}
    for source in files:
        standard = PurePosixPath(source.rel).name in ("config", "credentials")
        groups[source.rel] = folder if pairable or standard else source.rel
    return groups


def parse_unit(files: Sequence[SourceFile]) -> Model:
    """Parse the config/credentials files of one folder into profiles, keys and attempts."""
    model = Model()
    groups = group_of(files)
    for source in files:
        kind = file_kind(source.rel)
        sections, problems = read_sections(source)
        model.problems.extend(problems)
        model.profiles.extend(normalise(sections, kind, source.rel, groups[source.rel]))
        model.credentials.extend(_credentials(sections, kind, source.rel))
    for group in dict.fromkeys(groups.values()):
        members = [p for p in model.profiles if p.group == group]
        model.attempts.extend(attempts(merge_profiles(members)))
    return model
