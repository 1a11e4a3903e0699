"""The parse cache and parallel parsing never change what is reported."""

from __future__ import annotations

import json
import pickle
import shutil
from pathlib import Path

import pytest

from assume_lint.cli import main
from assume_lint.engine.cache import ModelCache, UnitKey, cache_dir

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of samples/ with enough Terraform modules to be worth parallel parsing."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = tmp_path / "repo"
    shutil.copytree(SAMPLES, root)
    for i in range(6):
        shutil.copytree(SAMPLES / "terraform", root / f"copy{i}")
    monkeypatch.chdir(root)
    return root


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main([".", "--no-config", "-f", "json", "-q", *args])
    return code, capsys.readouterr().out


def test_identical_with_and_without_cache_and_jobs(
        tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    baseline = _run(capsys, "--no-cache", "--jobs", "1")
    assert baseline[0] in (1, 2) and '"findings": [' in baseline[1]
    assert not cache_dir().exists()
    assert _run(capsys, "--no-cache", "--jobs", "2") == baseline
    cold = _run(capsys, "--jobs", "1")  # fills the cache
    assert cache_dir().is_dir() and any(cache_dir().rglob("*.entry"))
    assert cold == baseline
    assert _run(capsys, "--jobs", "2") == baseline  # warm
    assert _run(capsys) == baseline


def test_corrupt_cache_entries_are_misses(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expected = _run(capsys)
    entries = list(cache_dir().rglob("*.entry"))
    assert entries
    for i, entry in enumerate(entries):
        entry.write_bytes(b"" if i % 3 == 0 else b"\x80\x04garbage" if i % 3 == 1
                          else pickle.dumps({"not": "a model"}))
    assert _run(capsys) == expected


def test_edit_invalidates(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def al201_paths(out: str) -> set[str]:
        return {f["path"] for f in json.loads(out)["findings"] if f["rule_id"] == "AL201"}

    target = "terraform/provider-with-keys/main.tf"
    assert target in al201_paths(_run(capsys)[1])
    main_tf = tree / target
    main_tf.write_text(main_tf.read_text().replace('access_key = "AKIAQYLPMN5HHHFPZAM2"',
                                                   "access_key = var.key"))
    after = al201_paths(_run(capsys)[1])
    assert target not in after and "copy0/provider-with-keys/main.tf" in after


def test_unwritable_cache_is_ignored(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    cache = ModelCache(blocker / "sub")  # cannot create a folder under a file
    from assume_lint.model import Model

    key = UnitKey("ab" * 32, b"k" * 32)
    cache.put(key, Model())
    assert cache.get(key) is None


def test_every_sample_model_round_trips_through_the_cache_as_data(tmp_path: Path) -> None:
    """Models are stored as built-in data (never pickled): every unit of samples/ must
    encode, and come back equal, or its model would silently never be cached."""
    from assume_lint.engine.cache import decode, encode, unit_digest
    from assume_lint.engine.config import Config
    from assume_lint.engine.pipeline import collect, parse_unit, units_of
    from assume_lint.files.walk import walk

    root = SAMPLES.parent
    units = units_of(collect(walk([SAMPLES], root).files, Config(), root))
    assert len(units) > 20
    plans = root.parent / "shared" / "fixtures" / "terraform-plan"  # plans, when present
    if plans.is_dir():
        units += units_of(collect(walk([plans], plans).files, Config(), plans))
    cache = ModelCache(tmp_path / "assume-lint" / "models")
    for unit in units:
        parsed, ok = parse_unit(unit)
        assert ok, unit.key
        assert decode(encode(parsed)) == parsed, unit.key
        key = unit_digest(unit)
        cache.put(key, parsed)
        assert cache.get(key) == parsed, unit.key
