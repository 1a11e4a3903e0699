"""Profile-chain resolution: what credentials an AWS profile ends up using, or why it fails.

The SDKs resolve a profile by walking ``source_profile`` links until they reach a
*base* provider (static keys, ``credential_source``, web identity, SSO,
``credential_process``, ``login_session``), then assume each ``role_arn`` on the way
back. This module reproduces that walk over the merged config + credentials profiles of
one folder, following smithy-rs ``profile/credentials/repr.rs`` and the shared
``assume-role-tests.json`` vectors, so that AL206 reports exactly the configurations
the AWS CLI and SDKs reject.

Pure functions of :class:`assume_lint.model.Profile`: no I/O, no parser knowledge.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from assume_lint.model import Attr, Profile
from assume_lint.model.findings import Location

STATIC_KEYS = ("aws_access_key_id", "aws_secret_access_key", "aws_session_token")
SSO_KEYS = ("sso_account_id", "sso_region", "sso_role_name", "sso_start_url", "sso_session")
CREDENTIAL_KEYS = frozenset(
    {
        "role_arn",
        "source_profile",
        "credential_source",
        "web_identity_token_file",
        "credential_process",
        "login_session",
        *STATIC_KEYS,
        *SSO_KEYS,
    }
)


@dataclass(frozen=True)
class Section:
    """One effective profile or sso-session after merging both files of a set."""

    name: str
    location: Location
    properties: Mapping[str, Attr] = field(default_factory=dict)

    def get(self, key: str) -> Attr | None:
        """The merged value of ``key``, or None when absent."""
        return self.properties.get(key)


@dataclass(frozen=True)
class ProfileSet:
    """The profiles the SDKs see for one folder (``group``)."""

    group: str
    profiles: Mapping[str, Section] = field(default_factory=dict)
    sso_sessions: Mapping[str, Section] = field(default_factory=dict)
    has_credentials_file: bool = False


def merge_profiles(profiles: Iterable[Profile]) -> ProfileSet:
    """Merge the profiles of one group as the SDKs do: config first, credentials win.

    Sections with a ``header_problem`` are ignored by the SDKs and left out here.
    ``group`` is taken from the first profile ("" for an empty input).
    """
    members = list(profiles)
    group = members[0].group if members else ""
    tables: dict[str, dict[str, tuple[Location, dict[str, Attr]]]] = {
        "profile": {},
        "sso-session": {},
    }
    ordered = [p for p in members if p.file_kind != "credentials"]
    ordered += [p for p in members if p.file_kind == "credentials"]
    for profile in ordered:
        table = tables.get(profile.section_kind)
        if table is None or profile.header_problem is not None:
            continue
        _, props = table.setdefault(profile.name, (profile.location, {}))
        props.update(profile.properties)
    return ProfileSet(
        group=group,
        profiles={n: Section(n, loc, props) for n, (loc, props) in tables["profile"].items()},
        sso_sessions={
            n: Section(n, loc, props) for n, (loc, props) in tables["sso-session"].items()
        },
        has_credentials_file=any(p.file_kind == "credentials" for p in members),
    )


def group_profiles(profiles: Iterable[Profile]) -> dict[str, ProfileSet]:
    """Every group's merged profile set, in first-seen order."""
    by_group: dict[str, list[Profile]] = {}
    for profile in profiles:
        by_group.setdefault(profile.group, []).append(profile)
    return {group: merge_profiles(members) for group, members in by_group.items()}


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Step:
    """One provider of a resolved chain, in the vectors' vocabulary.

    ``kind`` is ``AccessKey``, ``NamedSource``, ``WebIdentityToken``, ``Sso``,
    ``CredentialProcess``, ``LoginSession`` or ``AssumeRole``; ``values`` holds the
    fields the vectors compare (secrets included: never print a Step).
    """

    kind: str
    profile: str
    values: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Chain:
    """A successful resolution: the base provider first, then each role assumed."""

    steps: tuple[Step, ...]

    @property
    def base(self) -> Step:
        """The provider that needs no input credentials."""
        return self.steps[0]


@dataclass(frozen=True)
class ChainError:
    """Why a profile cannot be resolved, and where to point.

    ``profile`` and ``key`` name the section and property the error is about (the
    ``source_profile`` naming a missing profile, the partial key, ...); ``location`` is
    that property's value, or the profile header when no property is to blame.
    ``keys_could_fix`` is True when static keys in a credentials file the linter did not
    see could make the profile work (a missing or empty source profile, a loop): such
    errors are only certain when the set includes its credentials file.
    """

    message: str
    profile: str
    location: Location | None
    key: str | None = None
    keys_could_fix: bool = False
    loop: bool = False  # a source_profile loop: the CLI refuses it from the config alone


class _Failure(Exception):
    """Internal: carries a ChainError out of the walk."""

    def __init__(self, error: ChainError) -> None:
        super().__init__(error.message)
        self.error = error


def _fail(
    message: str, section: Section, key: str | None = None, keys_could_fix: bool = False
) -> _Failure:
    attr = section.get(key) if key else None
    location = attr.location if attr is not None else section.location
    return _Failure(ChainError(message, section.name, location, key, keys_could_fix))


def _value(attr: Attr | None) -> str:
    return (attr.value or "") if attr is not None else ""


def _fields(section: Section, *keys: str) -> tuple[tuple[str, str], ...]:
    return tuple((k, _value(section.get(k))) for k in keys if section.get(k) is not None)


# --------------------------------------------------------------------------- providers


def static_keys(section: Section) -> Step:
    """The AccessKey step of a profile with static keys, or raise why it has none."""
    present = [k for k in STATIC_KEYS if section.get(k) is not None]
    if not present:
        raise _fail(
            f"profile `{section.name}` did not contain credential information",
            section,
            keys_could_fix=True,
        )
    for missing in ("aws_access_key_id", "aws_secret_access_key"):
        if section.get(missing) is None:
            raise _fail(f"profile missing {missing}", section, present[0], keys_could_fix=True)
    names = {
        "aws_access_key_id": "access_key_id",
        "aws_secret_access_key": "secret_access_key",
        "aws_session_token": "session_token",
        "aws_account_id": "account_id",
    }
    fields = tuple((names[k], v) for k, v in _fields(section, *names))
    return Step("AccessKey", section.name, fields)


def has_static_keys(section: Section) -> bool:
    """True when both halves of a static key pair are present."""
    return all(section.get(k) is not None for k in STATIC_KEYS[:2])


def _web_identity(section: Section) -> Step | None:
    token_file = section.get("web_identity_token_file")
    if token_file is None:
        return None
    if section.get("role_arn") is None:
        raise _fail(
            "`web_identity_token_file` was specified but `role_arn` was missing",
            section,
            "web_identity_token_file",
        )
    keys = ("role_arn", "web_identity_token_file", "role_session_name")
    return Step("WebIdentityToken", section.name, _fields(section, *keys))


def _sso(profiles: ProfileSet, section: Section) -> Step | None:
    if all(section.get(k) is None for k in SSO_KEYS):
        return None
    values = {k: section.get(k) for k in SSO_KEYS}
    session_name = section.get("sso_session")
    if session_name is not None:
        for key in ("sso_start_url", "sso_region"):
            if section.get(key) is not None:
                raise _fail(
                    f"`{key}` can only be specified in the [sso-session] config when a "
                    "session name is given",
                    section,
                    key,
                )
        session = profiles.sso_sessions.get(_value(session_name))
        if session is None:
            raise _fail(
                f"sso-session named `{_value(session_name)}` (referenced by profile "
                f"`{section.name}`) was not found",
                section,
                "sso_session",
            )
        values["sso_start_url"] = session.get("sso_start_url")
        values["sso_region"] = session.get("sso_region")
    pair = ("sso_account_id", "sso_role_name")
    for left, right in (pair, pair[::-1]):
        if values[left] is not None and values[right] is None:
            raise _fail(f"if `{left}` is set, then `{right}` must also be set", section, left)
    for key in ("sso_region", "sso_start_url"):
        if values[key] is None:
            raise _fail(f"profile `{section.name}` is missing `{key}`", section, "sso_session")
    fields = tuple((k, _value(v)) for k, v in values.items() if v is not None)
    return Step("Sso", section.name, fields)


def base_provider(profiles: ProfileSet, section: Section) -> Step:
    """The provider a profile stands for when it assumes no role (SDK order)."""
    if section.get("credential_source") is not None:
        source = _value(section.get("credential_source"))
        return Step("NamedSource", section.name, (("name", source),))
    step = _web_identity(section) or _sso(profiles, section)
    if step is not None:
        return step
    if section.get("login_session") is not None:
        return Step("LoginSession", section.name, _fields(section, "login_session"))
    if section.get("credential_process") is not None:
        fields: tuple[tuple[str, str], ...] = (
            ("command", _value(section.get("credential_process"))),
        )
        fields += tuple(("account_id", v) for _, v in _fields(section, "aws_account_id"))
        return Step("CredentialProcess", section.name, fields)
    return static_keys(section)


def _role(section: Section) -> Step | None:
    """The AssumeRole step of a profile, or None (no role_arn, or web identity)."""
    if section.get("web_identity_token_file") is not None or section.get("role_arn") is None:
        return None
    keys = ("role_arn", "external_id", "role_session_name")
    return Step("AssumeRole", section.name, _fields(section, *keys))


def _next_profile(section: Section) -> str | None:
    """The source profile to visit next; None for "reload this one as a base"."""
    source = section.get("source_profile")
    if source is not None and section.get("credential_source") is not None:
        raise _fail(
            "profile contained both source_profile and credential_source. "
            "Only one or the other can be defined",
            section,
            "credential_source",
        )
    if source is None and section.get("credential_source") is None:
        raise _fail(
            "profile must contain `source_profile` or `credential_source` but neither were defined",
            section,
            "role_arn",
        )
    if source is None or _value(source) == section.name:
        return None
    return _value(source)


def _source_base(profiles: ProfileSet, section: Section, previous: Section | None) -> Step:
    """A base provider; reached as someone's source, a failure points at the reference."""
    try:
        return base_provider(profiles, section)
    except _Failure as failure:
        if previous is None:
            raise
        error = failure.error
        if error.key is not None:  # the source profile has a concrete broken property
            raise
        raise _fail(
            f"could not load source profile: {error.message}",
            previous,
            "source_profile",
            keys_could_fix=error.keys_could_fix,
        ) from None


# Longest chain of source_profile hops resolved; a longer one is unknown (never a
# finding). The SDKs have no limit, but no real configuration comes near it.
MAX_CHAIN = 1000
# Loop messages list at most this many profile names (a 4,000-profile loop printed
# 4,000 names in each of its 4,000 findings).
_LOOP_NAMES = 10


@dataclass(frozen=True)
class _Steps:
    """A resolved chain as a linked list, last role first: chains that share a source
    share its steps, so resolving every profile of a long chain stays linear."""

    step: Step
    before: _Steps | None
    length: int
    keys_of: str = ""  # the chain ends at this profile's static keys, reached as a source

    def then(self, step: Step) -> _Steps:
        return _Steps(step, self, self.length + 1, self.keys_of)

    def chain(self) -> Chain:
        steps: list[Step] = []
        node: _Steps | None = self
        while node is not None:
            steps.append(node.step)
            node = node.before
        return Chain(tuple(reversed(steps)))


@dataclass(frozen=True)
class _Cycle:
    """The profiles of a source_profile loop, in source order, with each one's position
    (looked up once per profile of the loop: a scan of ``order`` each time made a
    loop of N profiles cost N^2)."""

    order: tuple[str, ...]
    index: Mapping[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", {name: i for i, name in enumerate(self.order)})

    def previous(self, name: str) -> str:
        return self.order[self.index[name] - 1]


@dataclass(frozen=True)
class _Loop:
    """The walk ends in ``cycle``, which it enters at ``entry``."""

    cycle: _Cycle
    entry: str


_Outcome = _Steps | ChainError | _Loop


class Resolver:
    """Resolves the profiles of one set, each ``source_profile`` link walked once.

    A walk stops at the first profile whose continuation is already known (what
    happens after it hands its credentials on is the same whoever started the walk),
    so resolving every profile of a 4,000-link chain or loop is linear: it was about
    N^2.7 (4,000 links: 104 s; a 4,000-profile loop: past 300 s).
    """

    def __init__(self, profiles: ProfileSet) -> None:
        self.profiles = profiles
        self._after: dict[str, _Outcome] = {}  # a profile left for its source -> outcome
        self._next: dict[str, str] = {}  # a profile left for its source -> that source
        # a profile on the way into a loop -> (the loop's entry, links to it)
        self._to_entry: dict[str, tuple[str, int]] = {}

    def resolve(self, selected: str) -> Chain | ChainError:
        """``selected``'s credential chain, or why the SDKs would fail to build it."""
        outcome = self._resolved(selected)
        return outcome.chain() if isinstance(outcome, _Steps) else outcome

    def error(self, selected: str) -> ChainError | None:
        """Why ``selected`` cannot get credentials; None when it can (the chain itself
        is not built: a rule about errors need not pay for every chain's steps)."""
        outcome = self._resolved(selected)
        return outcome if isinstance(outcome, ChainError) else None

    def _resolved(self, selected: str) -> _Steps | ChainError:
        outcome = self._walk(selected)
        if isinstance(outcome, _Loop):
            return self._loop_error(selected, outcome)
        if isinstance(outcome, _Steps) and outcome.length > MAX_CHAIN + 1:
            message = f"more than {MAX_CHAIN} source_profile links: not resolved"
            return ChainError(message, selected, None)  # no location: never reported
        return outcome

    def _walk(self, selected: str) -> _Outcome:
        profiles = self.profiles
        if not profiles.profiles:
            return ChainError("No profiles were defined", selected, None)
        path: list[tuple[Section, Step]] = []  # profiles left for their source, in order
        position: dict[str, int] = {}
        name, previous = selected, None
        tail: _Outcome
        while True:
            section = profiles.profiles.get(name)
            if section is None:
                referrer = previous.name if previous else "the root profile"
                message = f"could not find source profile {name} referenced from {referrer}"
                if previous is None:
                    return ChainError(message, name, None)
                tail = _fail(message, previous, "source_profile", keys_could_fix=True).error
                break
            if name in position:
                tail = _Loop(_Cycle(tuple(s.name for s, _ in path[position[name] :])), name)
                break
            position[name] = len(path)
            try:
                if previous is not None and has_static_keys(section):
                    tail = _Steps(static_keys(section), None, 1, section.name)
                    break
                role = _role(section)
                if role is None:
                    tail = _Steps(_source_base(profiles, section, previous), None, 1)
                    break
                next_name = _next_profile(section)
                path.append((section, role))
                if next_name is None:  # credential_source or a self-reference: reloaded
                    tail = _Steps(_source_base(profiles, section, section), None, 1)
                    break
            except _Failure as failure:
                tail = failure.error
                break
            self._next[section.name] = next_name
            known = self._after.get(section.name)
            if known is not None:
                tail = self._entered(known, section.name, selected)
                break
            previous, name = section, next_name
        if isinstance(tail, _Steps) and tail.keys_of == selected:
            # A remembered chain that ends at the keys of the profile this walk started
            # from: the SDKs meet that profile again, so for this walk it is a loop.
            tail = _Loop(self._cycle_from(selected), selected)
        # A loop back to a first profile that has static keys exists only for walks
        # starting there (reached from elsewhere, its keys end the chain): not memoised.
        memoise = not (
            isinstance(tail, _Loop)
            and tail.entry == selected
            and has_static_keys(profiles.profiles[selected])
        )
        for section, role in reversed(path):
            if memoise:
                self._after.setdefault(section.name, tail)
            if isinstance(tail, _Steps):
                tail = tail.then(role)
        return tail

    def _cycle_from(self, name: str) -> _Cycle:
        """The loop through ``name`` along the remembered source links."""
        order = [name]
        while self._next[order[-1]] != name:
            order.append(self._next[order[-1]])
        return _Cycle(tuple(order))

    @staticmethod
    def _entered(known: _Outcome, left: str, selected: str) -> _Outcome:
        """A memoised loop outcome seen from this walk: it enters the loop at the
        walk's first profile on it (the start itself, the profile just left, or the
        entry beyond it)."""
        if not isinstance(known, _Loop):
            return known
        for name in (selected, left):
            if name in known.cycle.index:
                return _Loop(known.cycle, name)
        return known

    def _loop_error(self, selected: str, loop: _Loop) -> ChainError:
        """The loop as the SDKs report it from ``selected``: the path to the loop and
        once around it, at the ``source_profile`` that closes it (names capped)."""
        closer = self.profiles.profiles[loop.cycle.previous(loop.entry)]
        names, name = [selected], selected
        while name != loop.entry and len(names) < _LOOP_NAMES:
            name = self._next[name]
            names.append(name)
        count = 1 + self._links_to(selected, loop.entry) + len(loop.cycle.order)
        names.extend(self._around(loop, _LOOP_NAMES - len(names)))
        if count > len(names):
            names = [*names[: _LOOP_NAMES - 3], "...", closer.name, loop.entry]
            shown = " -> ".join(names) + f" ({count - 1} links)"
        else:
            shown = " -> ".join(names)
        failure = _fail(
            f"profile formed an infinite loop: {shown}",
            closer,
            "source_profile",
            keys_could_fix=True,
        )
        return replace(failure.error, loop=True)

    def _links_to(self, selected: str, entry: str) -> int:
        """How many source_profile links lead from ``selected`` to ``entry``, remembered
        for every profile on the way: each profile of a long tail into a loop counts
        its links once, not once per profile behind it."""
        walked: list[str] = []
        name, links = selected, 0
        while name != entry:
            known = self._to_entry.get(name)
            if known is not None and known[0] == entry:
                links = known[1]
                break
            walked.append(name)
            name = self._next[name]
        for name in reversed(walked):
            links += 1
            self._to_entry[name] = (entry, links)
        return links

    @staticmethod
    def _around(loop: _Loop, room: int) -> list[str]:
        """The loop's profiles after its entry, back to the entry (at most ``room``,
        picked by position: the whole ring is never copied)."""
        order = loop.cycle.order
        start = loop.cycle.index[loop.entry]
        return [order[(start + 1 + k) % len(order)] for k in range(min(max(room, 0), len(order)))]


def resolve(profiles: ProfileSet, selected: str) -> Chain | ChainError:
    """Resolve ``selected`` to its credential chain, or say why the SDKs would fail (one
    profile; :class:`Resolver` resolves many)."""
    return Resolver(profiles).resolve(selected)


def configures_credentials(section: Section) -> bool:
    """True when a profile says anything about credentials.

    A profile with only settings (``region``, ``output``) is not broken: the default
    credential chain moves on to the next provider when it has no credentials.
    """
    return any(key in CREDENTIAL_KEYS for key in section.properties)


def source_assumes_role(profiles: ProfileSet, name: str) -> bool:
    """True when ``name``'s source profile itself assumes a role (role chaining).

    A source profile with static keys does not (the SDKs prefer its keys); neither does
    a self-reference.
    """
    section = profiles.profiles.get(name)
    source_name = _value(section.get("source_profile")) if section else ""
    source = profiles.profiles.get(source_name)
    if source is None or source_name == name or has_static_keys(source):
        return False
    return source.get("role_arn") is not None
