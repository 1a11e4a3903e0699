"""Every package folder is listed in pyproject (setuptools silently drops the others)."""

from __future__ import annotations

import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_every_package_is_listed() -> None:
    data = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(data["tool"]["setuptools"]["packages"])
    mapping = data["tool"]["setuptools"]["package-dir"]
    assert mapping == {"assume_lint": "lint", "assume_lint.rules": "rules"}
    on_disk = {"assume_lint.rules"}
    for init in (REPO / "lint").rglob("__init__.py"):
        parts = init.parent.relative_to(REPO / "lint").parts
        on_disk.add(".".join(("assume_lint", *parts)))
    assert on_disk == listed


def test_no_top_level_lint_or_rules_package_is_installed() -> None:
    import importlib.util

    spec = importlib.util.find_spec("assume_lint")
    assert spec is not None and spec.origin is not None
    assert Path(spec.origin).parent.name == "lint"


def test_package_data_is_present() -> None:
    from importlib import resources

    schema = resources.files("assume_lint").joinpath("data/config.schema.json")
    assert schema.is_file()
