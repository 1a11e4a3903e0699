"""Locations, severities, hits and findings: the vocabulary shared by every layer.

Rules yield :class:`Hit` objects (a location and a message); the engine turns them into
:class:`Finding` objects by adding the rule's id, name and configured severity. Keeping
severity out of the rules lets users override it in config without touching rule code.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace

from assume_lint.files.secrets import mask_text


class Severity(enum.IntEnum):
    """The five levels of RULES.md. An IntEnum so "at or above" is a comparison."""

    INFO = 1
    LOW = 2
    MEDIUM = 3
    HIGH = 4
    CRITICAL = 5

    @property
    def label(self) -> str:
        """The lower-case name used in output and config (``"high"``)."""
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        """Read ``"high"`` (any case); raise ValueError for anything else."""
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {text!r} (expected one of: {names})") from None


@dataclass(frozen=True, order=True, slots=True)
class Location:
    """A place in a file: POSIX path relative to the scan root, 1-based line and column.

    ``end_line``/``end_column`` are exclusive ends when known; formatters fall back to the
    end of the start line. ``logical`` names what the place stands for when the file is
    a generated document whose line and column mean little to a reader (a Terraform
    resource address in a plan's JSON); SARIF reports it as a logical location. It takes
    no part in comparisons: the same place is the same place, named or not.
    """

    path: str
    line: int = 1
    column: int = 1
    end_line: int | None = None
    end_column: int | None = None
    logical: str | None = field(default=None, compare=False)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"

    def masked(self, secrets: tuple[str, ...] = ()) -> Location:
        """This location with any secret in its path (and in the name of what it stands
        for) masked: a file named after a key must not print it into CI logs and SARIF
        uploads."""
        path = mask_text(self.path, secrets)
        logical = mask_text(self.logical, secrets) if self.logical else self.logical
        if path == self.path and logical == self.logical:
            return self
        return replace(self, path=path, logical=logical)


@dataclass(frozen=True, order=True, slots=True)
class Variant:
    """One of several deployments a single source describes.

    ``group`` names what was evaluated several ways (a template's path, a root module
    folder); ``phrase`` completes "this holds ...": ``"when CreateProvider is false"``,
    ``"with -var-file=prod.tfvars"``. A hit that carries a variant is reported with its
    phrase, unless the same hit holds in every variant of its group (then it is plain).
    """

    group: str
    phrase: str
    # A witness is evaluated only to tell which problems do not depend on an assumption
    # (a template evaluated with its parameters unknown beside its defaults): its hits
    # are never reported alone. ``plain_phrase`` is what a hit of this variant says when a
    # witness of the same group with that phrase holds it too (its assumption did not
    # matter): "with the template's default parameters when A is true" becomes "when A
    # is true", or plain when that is every variant of the group.
    witness: bool = False
    plain_phrase: str | None = None


@dataclass(frozen=True, slots=True)
class Hit:
    """What a rule reports: where, what, and optionally where else (cross-file rules).

    ``key`` is the logical location (resource address, statement Sid, profile name,
    workflow job) used for fingerprints, so that baselines survive line shifts.
    ``severity`` lets a rule report a graded finding (e.g. an AWS example key at low)
    below its default; config overrides still win over both. ``variant`` is the
    deployment variant of the model object the hit is about (see :class:`Variant`).
    """

    location: Location
    message: str
    key: str = ""
    related: tuple[Location, ...] = ()
    severity: Severity | None = None
    variant: Variant | None = None


@dataclass(frozen=True, order=True, slots=True)
class Finding:
    """A reported problem. Ordered by location first, so sorting gives file order."""

    location: Location
    rule_id: str
    rule_name: str
    severity: Severity
    message: str
    key: str = ""
    related: tuple[Location, ...] = field(default=(), compare=False)
    suppressed: str | None = field(default=None, compare=False)
    fingerprint: str = field(default="", compare=False)

    def masked(self, secrets: tuple[str, ...] = ()) -> Finding:
        """This finding as it may be shown: its paths and its suppression reason through
        :func:`assume_lint.files.secrets.mask_text` (message and key were masked when the
        finding was made); the fingerprint is kept as computed."""
        location = self.location.masked(secrets)
        related = tuple(loc.masked(secrets) for loc in self.related)
        reason = mask_text(self.suppressed, secrets) if self.suppressed else self.suppressed
        same = all(a is b for a, b in zip(related, self.related, strict=True))
        if location is self.location and same and reason == self.suppressed:
            return self
        return replace(self, location=location, related=related, suppressed=reason)
