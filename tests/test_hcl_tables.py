"""The HCL parser comes from tables shipped in the package, never from a cache folder.

Issue 19, attack 2: a pickle planted as the grammar cache (``hcl2-<versions>.bin``, a
predictable name in the user cache folder) ran on the next HCL syntax error, even with
``--no-cache``. Now the parser's tables ship in ``assume_lint/data`` (regenerate with
``python -m assume_lint.parsers.hcl_tables --write``), nothing is written at run time,
and tables made for another grammar or lark version are ignored in favour of an
in-memory build.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from assume_lint.parsers import hcl_tables

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
BROKEN = 'provider "aws" {\n  region = = 1\n}\n'  # a syntax error only lark reports


class _Payload:
    """Unpickling this writes the file named by $MARKER: proof that a pickle ran."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (exec, ("import os; open(os.environ['MARKER'], 'w').write('ran')",))


def test_the_shipped_tables_match_the_installed_grammar_and_lark() -> None:
    # Fails when a dependency update changes the grammar or lark: regenerate the tables.
    assert hcl_tables.load_shipped() is not None, (
        "stale: python -m assume_lint.parsers.hcl_tables --write"
    )


def _outcome(parser: Any, text: str) -> Any:
    try:
        return parser.parse(text)
    except Exception as exc:  # noqa: BLE001 - compare the errors too
        return (type(exc).__name__, getattr(exc, "line", None), getattr(exc, "column", None))


def test_the_shipped_parser_parses_exactly_like_a_fresh_build() -> None:
    shipped, built = hcl_tables.load_shipped(), hcl_tables.build()
    assert shipped is not None
    texts = [p.read_text("utf-8") + "\n" for p in sorted(SAMPLES.rglob("*.tf"))]
    texts += [p.read_text("utf-8") + "\n" for p in sorted(SAMPLES.rglob("*.hcl"))]
    texts += [BROKEN, "a = {\n", 'x = "${', "a = [for k, v in m : k if v]\n", "b = x[*].y\n"]
    corpus = REPO.parent / "shared" / "corpus" / "real"  # real modules, when present
    texts += [p.read_text("utf-8", "replace") + "\n" for p in sorted(corpus.rglob("*.tf"))[:300]]
    assert len(texts) >= 20
    for text in texts:
        assert _outcome(shipped, text) == _outcome(built, text), text[:80]


def _run_cli(root: Path, cache: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "MARKER": str(root.parent / "MARKER")}
    return subprocess.run(
        [sys.executable, "-m", "assume_lint", str(root), "--repo-root", str(root), "--no-config",
         "-f", "json", *extra],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )


@pytest.mark.parametrize("extra", [(), ("--no-cache",)], ids=["cache", "no-cache"])
def test_a_planted_grammar_cache_is_never_read(tmp_path: Path, extra: tuple[str, ...]) -> None:
    """The attack, replayed: the old cache file names, holding a pickle, beside a file
    with an HCL syntax error (which is what made the old code load the cache)."""
    root = tmp_path / "repo"
    (root / "broken").mkdir(parents=True)
    (root / "broken" / "main.tf").write_text(BROKEN)
    folder = tmp_path / "cache" / "assume-lint"
    folder.mkdir(parents=True)
    import lark
    from hcl2 import version

    name = (f"hcl2-{version.version}-lark-{lark.__version__}-"
            f"py{sys.version_info[0]}{sys.version_info[1]}.bin")
    for planted in (name, "hcl2.bin", ".lark_cache.bin"):
        (folder / planted).write_bytes(b"key\n" + pickle.dumps(_Payload()))
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    result = _run_cli(root, tmp_path / "cache", *extra)
    assert result.returncode == 2, result.stderr
    assert "broken/main.tf" in result.stdout and "invalid HCL" in result.stdout
    assert not (tmp_path / "MARKER").exists(), "the planted pickle ran"
    # nothing grammar-related written (the model cache has its own sub-folder)
    written = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and p.name != "key"}
    assert written == before


def test_stale_or_damaged_tables_mean_an_in_memory_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(hcl_tables, "grammar_key", lambda: "made-for-another-lark")
    assert hcl_tables.load_shipped() is None
    parser = hcl_tables.load()
    assert parser.parse("a = 1\n").data == "start"
    assert not (tmp_path / "cache").exists()  # built in memory, written nowhere

    monkeypatch.undo()
    monkeypatch.setattr(hcl_tables, "TABLES", "no-such-file.json.gz")
    assert hcl_tables.load_shipped() is None
    assert hcl_tables.load().parse("a = 1\n").data == "start"


def test_check_says_whether_the_tables_are_current(capsys: pytest.CaptureFixture[str]) -> None:
    assert hcl_tables.main(["--check"]) == 0
    assert "up to date" in capsys.readouterr().out
    assert hcl_tables.main(["--bogus"]) == 2
