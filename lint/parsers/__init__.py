"""Format detection and dispatch to the parsers.

Detection is by path first (cheap), then by sniffing the first bytes of content for
families that share an extension (a ``.json`` may be a trust policy, a CloudFormation
template or unrelated). Parser modules are imported lazily, so a run with no Terraform
files never imports python-hcl2.

A parser module exposes ``parse_unit(files: Sequence[SourceFile]) -> Model``. A *unit* is
what must be parsed together: a Terraform module (a folder of ``.tf`` + ``.tfvars``), a
profile set (``config`` + ``credentials`` in one folder), or a single file otherwise.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Protocol

from assume_lint.model import Model
from assume_lint.sources import SourceFile

# kind -> module that parses it
PARSERS: dict[str, str] = {
    "terraform": "assume_lint.parsers.terraform",
    "aws-config": "assume_lint.parsers.aws_config",
    "trust-json": "assume_lint.parsers.trust_json",
}

# Kinds whose unit is the file's folder rather than the file itself.
FOLDER_UNITS = frozenset({"terraform", "aws-config"})


class ParserModule(Protocol):
    """What a parser module provides."""

    def parse_unit(self, files: Sequence[SourceFile]) -> Model: ...  # pragma: no cover


@dataclass(frozen=True)
class Unit:
    """Files parsed together. ``key`` is the folder (folder units) or the file's path."""

    kind: str
    key: str
    files: tuple[SourceFile, ...]


SNIFF_JSON = "sniff:json"
SNIFF_INI = "sniff:ini"

_INI_HINT = re.compile(
    r"^\s*(\[(default|profile\s[^\]]*|sso-session\s[^\]]*)\]"
    r"|(aws_access_key_id|aws_secret_access_key|role_arn|source_profile|credential_source)\s*=)",
    re.MULTILINE,
)


def detect_by_path(rel: str) -> str | None:
    """The kind a path certainly is, a ``sniff:`` family to check by content, or None."""
    path = PurePosixPath(rel)
    name = path.name
    lower = name.lower()
    parent = path.parent.name
    if lower.endswith((".tf", ".tfvars")):
        return "terraform"
    if parent == ".aws" and name in ("config", "credentials"):
        return "aws-config"
    if lower.endswith(".json") and not lower.endswith((".tf.json", ".tfvars.json")):
        return SNIFF_JSON
    if name in ("config", "credentials") or lower.endswith((".aws-config", ".ini", ".cfg")):
        return SNIFF_INI
    return None


def sniff(family: str, text: str) -> str | None:
    """Decide from content which kind a file of a shared extension is, or None."""
    head = text[:65536]
    if family == SNIFF_JSON:
        if "AssumeRole" in head and ("Statement" in head or "AssumeRolePolicyDocument" in head):
            return "trust-json"
        return None
    if family == SNIFF_INI:
        return "aws-config" if _INI_HINT.search(head) else None
    return None


def unit_key(kind: str, rel: str) -> str:
    """The key that groups files of one unit."""
    if kind in FOLDER_UNITS:
        parent = str(PurePosixPath(rel).parent)
        return parent
    return rel


def load_parser(kind: str) -> ParserModule:
    """Import the parser module for ``kind`` (lazily, on first use)."""
    module = importlib.import_module(PARSERS[kind])
    return module  # type: ignore[return-value,unused-ignore]
