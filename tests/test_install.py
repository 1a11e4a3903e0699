"""The install is reproducible: README, .ci/run and constraints.txt agree with pyproject.

A fresh machine runs the README's set-up command; CI runs .ci/run. Both must install the
exact versions in constraints.txt, and those versions must satisfy pyproject.toml's ranges
(a constraint outside a range makes pip fail on a fresh machine, the failure issue 12 was
about). Every direct dependency is pinned, so no release published tomorrow changes what a
fresh clone installs.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[1]


def _pins() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in (REPO / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"constraints.txt: {line!r} is not an exact pin"
            pins[canonicalize_name(name)] = version
    return pins


def _requirements() -> list[Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    return [Requirement(spec) for spec in names]


def test_every_direct_dependency_is_pinned_within_its_range() -> None:
    pins = _pins()
    for requirement in _requirements():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is not in constraints.txt"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"constraints.txt pins {name}=={pins[name]} outside pyproject's {requirement}")


def test_libraries_whose_internals_we_use_have_upper_bounds() -> None:
    bounded = {canonicalize_name(r.name): r for r in _requirements()}
    for name in ("python-hcl2", "lark", "pyyaml", "jsonschema", "policyuniverse", "click"):
        assert any(spec.operator in {"<", "<=", "~=", "=="} for spec in bounded[name].specifier), (
            f"{name} has no upper bound in pyproject.toml")


def test_readme_and_ci_install_with_the_constraints() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install -c constraints.txt -e '.[dev]'" in readme
    assert re.search(r"pip install -q -c constraints\.txt -e '\.\[dev\]'", ci)
    # the same test command as the README, offline for pip and npm
    assert re.search(r"^PIP_NO_INDEX=1 npm_config_offline=true python -m pytest$", ci, re.M)
    assert "python -m pytest" in readme
