"""CloudFormation parameter files: the values a deployment supplies for a template.

A template's defaults are its stated configuration; a parameter file is the real one.
``--cfn-parameters [TEMPLATE=]FILE`` (repeatable) and ``cfn-parameters`` in the config
name such files. ``FILE`` alone applies to every template (each takes the values of the
parameters it declares); ``TEMPLATE=FILE`` to the templates whose repository-relative
path matches the glob ``TEMPLATE`` (the glob of ``exclude``: ``*`` also crosses ``/``,
and a folder covers the templates below it). Several files for one template are applied
in the order given, a later value replacing an earlier one. Supplied values replace
defaults.

Two formats are read, as the tools that deploy templates write them:

- the AWS CLI's ``--parameters file://...``: ``[{"ParameterKey": "Env", "ParameterValue":
  "prod"}, ...]`` (``"UsePreviousValue": true`` makes the value unknown: it is whatever
  the stack had);
- CodePipeline's template configuration: ``{"Parameters": {"Env": "prod"}, ...}``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assume_lint.files.fileio import read_regular
from assume_lint.files.sources import DEFAULT_MAX_BYTES
from assume_lint.files.walk import path_matches

Values = tuple[tuple[str, str | None], ...]  # parameter name -> value (None: unknown)


class ParameterFileError(ValueError):
    """A parameter file that cannot be used: the message names the file and why."""


@dataclass(frozen=True)
class ParameterFile:
    """One ``[TEMPLATE=]FILE``: which templates it applies to, and its values."""

    pattern: str | None  # a repository-relative glob; None: every template
    source: str  # the file as given, for messages
    values: Values


def load_spec(spec: str, base: Path) -> ParameterFile:
    """``[TEMPLATE=]FILE`` read, the file relative to ``base`` (the working folder for
    the command line, the config file's folder for the config)."""
    pattern: str | None = None
    name = spec
    if "=" in spec and not (base / spec).is_file():
        pattern, _, name = spec.partition("=")
        if not pattern or not name:
            raise ParameterFileError(f"--cfn-parameters {spec!r}: expected [TEMPLATE=]FILE")
    return ParameterFile(pattern, name, load_values(base / name, name))


def load_values(path: Path, shown: str) -> Values:
    """The parameter values of one file, in either format."""
    try:  # never blocks on a FIFO, reads regular files only, at most 4 MiB
        data = json.loads(read_regular(path, DEFAULT_MAX_BYTES).decode("utf-8"))
    except RecursionError:
        raise ParameterFileError(f"{shown}: not a JSON parameter file: nested too deeply") from None
    except OSError as exc:
        raise ParameterFileError(
            f"{shown}: cannot read parameter file: {exc.strerror or exc}"
        ) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ParameterFileError(f"{shown}: not a JSON parameter file: {exc}") from None
    if isinstance(data, list):
        return _cli_format(data, shown)
    if isinstance(data, dict) and isinstance(data.get("Parameters"), dict):
        return tuple(
            (str(key), _text(value, shown, str(key))) for key, value in data["Parameters"].items()
        )
    raise ParameterFileError(
        f"{shown}: expected the AWS CLI's [{{\"ParameterKey\": ..., \"ParameterValue\": ...}}] "
        'or a template configuration {"Parameters": {...}}'
    )


def _cli_format(data: list[object], shown: str) -> Values:
    values: list[tuple[str, str | None]] = []
    for position, entry in enumerate(data):
        if not isinstance(entry, dict) or not isinstance(entry.get("ParameterKey"), str):
            raise ParameterFileError(f"{shown}: entry {position} has no ParameterKey")
        key = entry["ParameterKey"]
        if entry.get("UsePreviousValue") is True:
            values.append((key, None))
        elif "ParameterValue" in entry:
            values.append((key, _text(entry["ParameterValue"], shown, key)))
        else:
            raise ParameterFileError(f"{shown}: {key} has no ParameterValue")
    return tuple(values)


def _text(value: object, shown: str, key: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ",".join(value)  # a CommaDelimitedList written as a list
    raise ParameterFileError(f"{shown}: {key} is not a string")


def values_for(rel: str, files: Sequence[ParameterFile]) -> Values:
    """The supplied values for the template at ``rel``: every applicable file, in order,
    a later value replacing an earlier one."""
    merged: dict[str, str | None] = {}
    for parameters in files:
        if parameters.pattern is None or path_matches(rel, parameters.pattern):
            merged.update(parameters.values)
    return tuple(merged.items())
