"""A located value tree: JSON-like values that remember where they were written.

JSON, YAML and evaluated HCL all become this one shape, so the trust-policy builder
(:mod:`assume_lint.parsers.policy`) reads one structure whatever the input format, and
every statement, principal and condition keeps its own line and column.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from assume_lint.model.findings import Location

Scalar = str | int | float | bool | None


@dataclass
class Node:
    """A value with its location.

    ``value`` is a ``dict[str, Node]``, a ``list[Node]`` or a scalar. ``known`` is False
    when the value came from an expression the parser could not resolve; then ``value``
    is None and ``source`` holds the expression text. ``key_location`` is where the key
    that holds this value was written (for mappings). ``partial`` is an unknown string
    whose parts are partly known, with :data:`~assume_lint.model.HOLE` for each unknown
    part (``arn:aws:iam::<HOLE>:role/deploy``).
    """

    value: Any
    location: Location
    known: bool = True
    source: str = ""
    key_location: Location | None = None
    duplicate_keys: tuple[str, ...] = field(default=())
    partial: str | None = None

    @property
    def is_map(self) -> bool:
        """True for a mapping node."""
        return isinstance(self.value, dict)

    @property
    def is_list(self) -> bool:
        """True for a sequence node."""
        return isinstance(self.value, list)

    def get(self, key: str) -> Node | None:
        """The child under ``key`` of a mapping (exact match), or None."""
        if isinstance(self.value, dict):
            child = self.value.get(key)
            return child if isinstance(child, Node) else None
        return None

    def get_ci(self, key: str) -> Node | None:
        """The child under ``key`` compared case-insensitively (IAM element names)."""
        if isinstance(self.value, dict):
            lowered = key.lower()
            for name, child in self.value.items():
                if name.lower() == lowered:
                    return child  # type: ignore[no-any-return]
        return None

    def items(self) -> Iterator[tuple[str, Node]]:
        """Key/child pairs of a mapping (nothing for other nodes)."""
        if isinstance(self.value, dict):
            yield from self.value.items()

    def elements(self) -> list[Node]:
        """The children of a sequence, or ``[self]`` for anything else (IAM's scalar-or-list)."""
        if isinstance(self.value, list):
            return list(self.value)
        return [self]

    def text(self) -> str | None:
        """The value as IAM reads a scalar: strings as-is, bools lower-case, numbers as text.

        None for unknown values, nulls, mappings and sequences.
        """
        value = self.value
        if not self.known or value is None or isinstance(value, (dict, list)):
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    def plain(self) -> Any:
        """The value without locations (unknowns become None): for tests and hashing."""
        if isinstance(self.value, dict):
            return {k: v.plain() for k, v in self.value.items()}
        if isinstance(self.value, list):
            return [v.plain() for v in self.value]
        return self.value
