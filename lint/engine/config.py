"""Configuration: ``.assume-lint.toml`` or ``[tool.assume-lint]`` in ``pyproject.toml``.

The file is found by walking up from the working folder to the git root, validated with
a JSON Schema shipped in the package (jsonschema is imported only when a config file is
actually found), then per-rule options are checked against each rule's declared
options. Any problem is a :class:`ConfigError`, which the CLI turns into exit 2.
"""

from __future__ import annotations

import difflib
import json
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from assume_lint.engine.cfn_parameters import ParameterFile, ParameterFileError, load_spec
from assume_lint.files.fileio import read_regular
from assume_lint.files.secrets import mask_text
from assume_lint.files.sources import DEFAULT_MAX_BYTES
from assume_lint.model.findings import Severity
from assume_lint.model.registry import Trusted

MAX_CONFIG_BYTES = 16 * 1024 * 1024  # far above any real pyproject.toml


class ConfigError(Exception):
    """A config file that cannot be used: the message says which file and why."""


@dataclass(frozen=True)
class Config:
    """The effective settings of a run (config file merged with the command line)."""

    fail_on: Severity = Severity.LOW
    min_severity: Severity = Severity.INFO
    min_severity_given: bool = False  # set by the config or the CLI (info then shows nits)
    soft_fail: bool = False
    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    max_file_size: int = DEFAULT_MAX_BYTES
    trusted: Trusted = Trusted()
    severities: dict[str, Severity] = field(default_factory=dict)  # rule id -> severity
    options: dict[str, dict[str, Any]] = field(default_factory=dict)  # rule id -> options
    require_reason: bool = False
    baseline: Path | None = None
    ignores: tuple[dict[str, Any], ...] = ()  # raw [[ignores]] tables, validated
    source: Path | None = None
    source_text: str | None = None
    # Where a partial run looks for the roles its callers name (None: the whole root).
    # Outside git the root is the current folder, maybe a home folder: the CLI then
    # bounds the search to the folders of the given paths.
    search_root: Path | None = None
    # CloudFormation parameter files ([TEMPLATE=]FILE), read when the config is built
    cfn_parameters: tuple[ParameterFile, ...] = ()

    def with_overrides(self, **changes: Any) -> Config:
        """A copy with the given fields replaced (CLI flags win over the file)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def find_config(start: Path, stop: Path | None) -> Path | None:
    """The nearest ``.assume-lint.toml`` or ``pyproject.toml`` with our table."""
    folder = start.resolve()
    while True:
        candidate = folder / ".assume-lint.toml"
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject
        if (stop is not None and folder == stop.resolve()) or folder.parent == folder:
            return None
        folder = folder.parent


def _has_tool_table(pyproject: Path) -> bool:
    try:
        text = read_regular(pyproject, MAX_CONFIG_BYTES).decode("utf-8", "replace")
    except OSError:
        return False
    return "[tool.assume-lint" in text


def load_config(path: Path) -> Config:
    """Read, validate and convert a config file.

    Read through :func:`assume_lint.files.fileio.read_regular`: a FIFO or a device given as
    the config is an error, not a hang, and so is a file of more than
    :data:`MAX_CONFIG_BYTES`; TOML nested too deeply for the parser is an error too.
    """
    try:
        text = read_regular(path, MAX_CONFIG_BYTES).decode("utf-8")
        data = tomllib.loads(text)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: invalid TOML: {mask_text(str(exc))}") from None
    except RecursionError:
        raise ConfigError(f"{path}: invalid TOML: nested too deeply to read") from None
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("assume-lint", {})
    try:
        _validate_schema(path, data)
    except RecursionError:
        raise ConfigError(f"{path}: invalid config: nested too deeply to validate") from None
    return _build(path, data, text)


def _validate_schema(path: Path, data: dict[str, Any]) -> None:
    import jsonschema  # lazily: ~90 ms of imports, paid only when a config exists

    schema = json.loads(
        resources.files("assume_lint")
        .joinpath("data/config.schema.json")
        .read_text(encoding="utf-8")
    )
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = ".".join(str(p) for p in first.absolute_path) or "(top level)"
        raise ConfigError(f"{path}: invalid config at {where}: {_explain(first)}")


def _explain(error: Any) -> str:
    """jsonschema's message, with the nearest valid key or value for a typo: an unknown
    key (``fail_on``) or a value outside an enum (``hihg``)."""
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = list(error.schema.get("properties", {}))
        unknown = [key for key in error.instance if key not in known]
        if unknown:
            return f"unknown key {unknown[0]!r}{did_you_mean(unknown[0], known)}"
    if "propertyNames" in error.schema_path and list(error.absolute_path) == ["rules"]:
        return f"unknown rule {error.instance!r}{did_you_mean(str(error.instance), rule_words())}"
    if error.validator == "enum" and isinstance(error.instance, str):
        return f"{error.message}{did_you_mean(error.instance, error.validator_value)}"
    return str(error.message)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'fail-on'?)`` for the choice nearest to ``word`` (difflib's
    ratio, case-insensitive), or "" when none is near enough to be a typo."""
    by_folded = {choice.lower(): choice for choice in choices}
    close = difflib.get_close_matches(word.lower(), list(by_folded), n=1, cutoff=0.7)
    return f" (did you mean {by_folded[close[0]]!r}?)" if close else ""


def rule_words() -> list[str]:
    """Every rule id and name: what a selector's typo is compared with."""
    from assume_lint.model.registry import all_rules

    return [word for rule in all_rules() for word in (rule.id, rule.name)]


def _build(path: Path, data: dict[str, Any], text: str) -> Config:
    from assume_lint.model.registry import find_rule, is_valid_selector

    for key in ("select", "extend-select", "ignore"):
        for selector in data.get(key, []):
            if not is_valid_selector(selector):
                raise ConfigError(
                    f"{path}: {key}: unknown rule {selector!r}"
                    f"{did_you_mean(selector, rule_words())}"
                )
    ignores = tuple(data.get("ignores", []))
    for position, entry in enumerate(ignores):
        if not is_valid_selector(entry["rule"]):
            raise ConfigError(
                f"{path}: ignores[{position}].rule: unknown rule {entry['rule']!r}"
                f"{did_you_mean(entry['rule'], rule_words())}"
            )
    try:
        from assume_lint.engine.suppress import config_ignores_from

        config_ignores_from(ignores, path.name, text)
    except ValueError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    severities: dict[str, Severity] = {}
    options: dict[str, dict[str, Any]] = {}
    for ident, table in data.get("rules", {}).items():
        rule = find_rule(ident)
        if rule is None:
            hint = did_you_mean(ident, rule_words())
            raise ConfigError(f"{path}: rules.{ident}: unknown rule{hint}")
        for key, value in table.items():
            if key == "severity":
                severities[rule.id] = Severity.parse(value)
                continue
            if key not in rule.meta.options:
                known = ", ".join(sorted(rule.meta.options)) or "none"
                hint = did_you_mean(key, [*rule.meta.options, "severity"])
                raise ConfigError(
                    f"{path}: rules.{ident}: unknown option {key!r}{hint} (options: {known})"
                )
            default = rule.meta.options[key]
            if not _same_type(default, value):
                raise ConfigError(
                    f"{path}: rules.{ident}.{key}: expected "
                    f"{type(default).__name__}, got {type(value).__name__}"
                )
            options.setdefault(rule.id, {})[key] = value
    trusted_data = data.get("trusted", {})
    trusted = Trusted(
        accounts=frozenset(trusted_data.get("accounts", [])),
        organization_id=trusted_data.get("organization-id"),
        github_orgs=frozenset(o.lower() for o in trusted_data.get("github-orgs", [])),
        github_repository=trusted_data.get("github-repository"),
        state_accounts=frozenset(trusted_data.get("state-accounts", [])),
        state_roles=tuple(trusted_data.get("state-roles", [])),
    )
    try:
        cfn_parameters = tuple(
            load_spec(spec, path.parent) for spec in data.get("cfn-parameters", [])
        )
    except ParameterFileError as exc:
        raise ConfigError(f"{path}: cfn-parameters: {exc}") from None
    return Config(
        cfn_parameters=cfn_parameters,
        fail_on=Severity.parse(data.get("fail-on", "low")),
        min_severity=Severity.parse(data.get("min-severity", "info")),
        min_severity_given="min-severity" in data,
        soft_fail=bool(data.get("soft-fail", False)),
        select=tuple(data.get("select", [])),
        extend_select=tuple(data.get("extend-select", [])),
        ignore=tuple(data.get("ignore", [])),
        exclude=tuple(data.get("exclude", [])),
        max_file_size=int(data.get("max-file-size", DEFAULT_MAX_BYTES)),
        trusted=trusted,
        severities=severities,
        options=options,
        require_reason=bool(data.get("require-reason", False)),
        baseline=(path.parent / data["baseline"]) if "baseline" in data else None,
        ignores=ignores,
        source=path,
        source_text=text,
    )


def _same_type(default: Any, value: Any) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, (int, float)):
        return isinstance(value, (int, float))
    if isinstance(default, list):
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    return isinstance(value, type(default))
