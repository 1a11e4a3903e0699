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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Protocol

from assume_lint.files.sources import SourceFile
from assume_lint.model import Model

# kind -> module that parses it
PARSERS: dict[str, str] = {
    "terraform": "assume_lint.parsers.terraform",
    "aws-config": "assume_lint.parsers.aws_config",
    "trust-json": "assume_lint.parsers.trust_json",
    "cloudformation": "assume_lint.parsers.cloudformation",
    "json-template": "assume_lint.parsers.terraform_json",
    "terragrunt": "assume_lint.parsers.terragrunt",
    "github-actions": "assume_lint.parsers.github_actions",
    "env": "assume_lint.parsers.env_files",
    "terraform-plan": "assume_lint.parsers.terraform_plan",
    "backend-config": "assume_lint.parsers.backend_config",
}

# Kinds whose unit is the file's folder rather than the file itself.
FOLDER_UNITS = frozenset({"terraform", "aws-config"})


class ParserModule(Protocol):
    """What a parser module provides."""

    def parse_unit(self, files: Sequence[SourceFile]) -> Model: ...  # pragma: no cover


@dataclass(frozen=True)
class Unit:
    """Files parsed together. ``key`` is the folder (folder units) or the file's path.

    ``context`` names the files read only as context (the siblings of a file a partial
    run was given): their trust policies are not schema-checked, as their AL109
    findings would be dropped anyway. It is part of the cache key.
    """

    kind: str
    key: str
    files: tuple[SourceFile, ...]
    context: frozenset[str] = frozenset()
    # CloudFormation parameter values supplied for the unit's template (name, value;
    # None: unknown), from --cfn-parameters / cfn-parameters. Part of the cache key.
    parameters: tuple[tuple[str, str | None], ...] = ()


SNIFF_JSON = "sniff:json"
SNIFF_INI = "sniff:ini"
SNIFF_YAML = "sniff:yaml"
SNIFF_TPL = "sniff:json-tpl"
# CloudFormation: the format version, or a Resources section with an AWS:: type.
_CFN_VERSION = re.compile(r"[\"']?AWSTemplateFormatVersion[\"']?\s*:")
_CFN_JSON_TYPE = re.compile(r'"Type"\s*:\s*"AWS::')
_CFN_YAML_RESOURCES = re.compile(r"^Resources\s*:", re.MULTILINE)
_CFN_YAML_TYPE = re.compile(r"^\s+Type\s*:\s*[\"']?AWS::", re.MULTILINE)
SNIFF_HCL = "sniff:hcl"
# terraform show -json of a plan: an object whose first key is format_version (Terraform
# writes its fields in a fixed order), with plan sections; state and provider-schema
# JSON have the same first key but no plan section.
_PLAN_HEAD = re.compile(r'\A\s*\{\s*"format_version"\s*:')
_PLAN_SECTIONS = ('"planned_values"', '"resource_changes"')
SNIFF_BACKEND_HCL = "sniff:backend-hcl"  # backend.hcl: Terragrunt's or a -backend-config file
_BACKEND_CONFIG_FOLDER = "backend-config"
_BACKEND_CONFIG_SUFFIXES = (".hcl", ".tfvars", ".tfbackend", ".conf", ".config", ".backend")

_INI_HINT = re.compile(
    r"^\s*(\[(default|profile\s[^\]]*|sso-session\s[^\]]*)\]"
    r"|(aws_access_key_id|aws_secret_access_key|role_arn|source_profile|credential_source)\s*[=:])",
    re.MULTILINE,
)
# Top-level constructs only Terragrunt files have (an ``.hcl`` with none is not claimed).
_TERRAGRUNT_HINT = re.compile(
    r"^(?:(?:remote_state|iam_role|include|generate|dependency|dependencies)\b"
    r"|terraform\s*\{[^{}]*?\bsource\s*=)",
    re.MULTILINE,
)


def detect_by_path(rel: str) -> str | None:
    """The kind a path certainly is, a ``sniff:`` family to check by content, or None."""
    path = PurePosixPath(rel)
    name = path.name
    lower = name.lower()
    parent = path.parent.name
    if (
        lower.endswith((".yml", ".yaml"))
        and parent == "workflows"
        and path.parent.parent.name == ".github"
    ):
        return "github-actions"
    if name == ".env" or name.startswith(".env.") or lower.endswith(".env"):
        return "env"
    if lower.endswith(".tfbackend") or (
        parent == _BACKEND_CONFIG_FOLDER and lower.endswith(_BACKEND_CONFIG_SUFFIXES)
    ):
        return "backend-config"  # what terraform init -backend-config=FILE reads
    if lower.endswith((".tf", ".tfvars", ".tf.json", ".tfvars.json")):
        return "terraform"
    if name == "terragrunt.hcl":
        return "terragrunt"
    if lower == "backend.hcl" or lower.endswith(".backend.hcl"):
        return SNIFF_BACKEND_HCL
    if lower.endswith(".hcl") and not lower.endswith(".lock.hcl"):
        return SNIFF_HCL
    if parent == ".aws" and name in ("config", "credentials"):
        return "aws-config"
    if lower.endswith(".json") and not lower.endswith((".tf.json", ".tfvars.json")):
        return SNIFF_JSON
    if lower.endswith((".tpl", ".tftpl", ".tmpl")):
        return SNIFF_TPL  # a Terraform template: a trust policy when it looks like one
    if lower.endswith((".yml", ".yaml", ".template")) and ".github/workflows/" not in ("/" + rel):
        return SNIFF_YAML
    if name in ("config", "credentials") or lower.endswith((".aws-config", ".ini", ".cfg")):
        return SNIFF_INI
    return None


def sniff(family: str, text: str) -> str | None:
    """Decide from content which kind a file of a shared extension is, or None."""
    head = text[:65536]
    if family == SNIFF_JSON:
        if is_plan(text):
            return "terraform-plan"
        if _is_cloudformation_json(head):
            return "cloudformation"
        if "AssumeRole" in head and ("Statement" in head or "AssumeRolePolicyDocument" in head):
            return "trust-json"
        return None
    if family == SNIFF_YAML:
        return "cloudformation" if _is_cloudformation(head) else None
    if family == SNIFF_TPL:
        has_statement = "Statement" in head
        return "json-template" if "AssumeRole" in head and has_statement else None
    if family == SNIFF_INI:
        return "aws-config" if _INI_HINT.search(head) else None
    if family == SNIFF_HCL:
        return "terragrunt" if _TERRAGRUNT_HINT.search(head) else None
    if family == SNIFF_BACKEND_HCL:
        return "terragrunt" if _TERRAGRUNT_HINT.search(head) else "backend-config"
    return None


def is_plan(text: str) -> bool:
    """``terraform show -json`` output of a plan, whatever the file is called.

    A prefix match first: the thousands of unrelated JSON files in a tree fail on their
    first bytes. Only a file that starts like Terraform's JSON is searched for a plan
    section (a plain substring search; ``variables`` may come before them).
    """
    return _PLAN_HEAD.match(text) is not None and any(s in text for s in _PLAN_SECTIONS)


def _is_cloudformation_json(head: str) -> bool:
    """A JSON CloudFormation template (CDK output included), not a trust policy."""
    if _CFN_VERSION.search(head):
        return True
    return '"Resources"' in head and _CFN_JSON_TYPE.search(head) is not None


def _is_cloudformation(head: str) -> bool:
    """A YAML (or JSON-in-.template) CloudFormation template."""
    if _CFN_VERSION.search(head) or _is_cloudformation_json(head):
        return True
    return bool(_CFN_YAML_RESOURCES.search(head) and _CFN_YAML_TYPE.search(head))


def unit_key(kind: str, rel: str) -> str:
    """The key that groups files of one unit."""
    if kind in FOLDER_UNITS:
        parent = str(PurePosixPath(rel).parent)
        return parent
    return rel


def per_file(parse: Callable[[SourceFile], Model], files: Sequence[SourceFile]) -> Model:
    """``parse`` applied to each file, merged: the ``parse_unit`` of the kinds whose unit
    is a single file (one file per unit in practice, but a unit may hold several)."""
    model = Model()
    for source in files:
        model.extend(parse(source))
    return model


def load_parser(kind: str) -> ParserModule:
    """Import the parser module for ``kind`` (lazily, on first use)."""
    module = importlib.import_module(PARSERS[kind])
    return module  # type: ignore[return-value,unused-ignore]
