"""Hostile input: every case must be linted or reported (AL900), never crash the run.

Each test lays out a temporary repository with the hostile file(s) beside
``good/main.tf`` (a provider with a pasted key: AL201 at 2:3) and runs the real CLI,
because the promise is about the whole pipeline: walking, reading, decoding, parsing,
rules and formatting. Each asserts the exit code, the exact AL900 (rule id, path, line,
column, message) or the exact finding of the readable file, and that the good file was
still linted in the same run. The crafted small files live in ``tests/hostile/`` (see
``make_corpus.py``); large inputs are generated here at test time.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from budgets import cpu_within
from privileges import open_to_others, unprivileged
from signals import interruptible, stat_fields

from assume_lint.cli import main

REPO = Path(__file__).resolve().parents[1]
HOSTILE = REPO / "tests" / "hostile"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SARIF_SCHEMA = SHARED / "schemas" / "sarif-schema-2.1.0.json"

GOOD_TF = 'provider "aws" {\n  access_key = "AKIAQYLPMN5HHHFPZAM2"\n}\n'
GOOD = ("AL201", "good/main.tf", 2, 3)
KEYED_TF = (
    'provider "aws" {\n'
    '  region     = "eu-west-1"\n'
    '  access_key = "AKIAQYLPMN5HHHFPZAM3"\n'
    "}\n"
)
MIB = 1024 * 1024
DEFAULT_LIMIT = 4 * MIB
#: Wall-clock guard that turns a hang into a clean failure; the CPU budget
#: (budgets.LINEAR_CPU_S) is what each test asserts.
HANG_GUARD_S = 60.0

Row = tuple[str, str, int, int]


class Outcome:
    """One CLI run: exit code, stdout, stderr, and the JSON document when there is one."""

    def __init__(self, code: int, out: str, err: str) -> None:
        self.code = code
        self.out = out
        self.err = err
        self.doc: dict[str, Any] = json.loads(out) if out.lstrip().startswith("{") else {}

    @property
    def findings(self) -> list[dict[str, Any]]:
        return list(self.doc.get("findings", []))

    @property
    def rows(self) -> list[Row]:
        return [(f["rule_id"], f["path"], f["line"], f["column"]) for f in self.findings]

    def messages(self, rule_id: str, path: str) -> list[str]:
        return [f["message"] for f in self.findings
                if f["rule_id"] == rule_id and f["path"] == path]


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory,
                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the parse cache (if any run uses it) out of the user's home."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
    monkeypatch.delenv("NO_COLOR", raising=False)


def tree(root: Path, files: dict[str, bytes | str]) -> Path:
    """``root`` with good/main.tf plus ``files`` (relative path -> content)."""
    for rel, data in {"good/main.tf": GOOD_TF, **files}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return root


def corpus(name: str) -> bytes:
    """A crafted file from tests/hostile/."""
    return (HOSTILE / name).read_bytes()


def run(root: Path, *extra: str, fmt: str = "json", paths: Sequence[str] = (),
        internal_error: bool = False) -> Outcome:
    """Run the CLI in-process on ``root`` (or ``paths``) and capture everything.

    Unless a test provokes one on purpose (``internal_error``), no traceback and no
    "internal error" may appear anywhere.
    """
    out, err = io.StringIO(), io.StringIO()
    argv = [*(paths or [str(root)]), "--format", fmt, "--repo-root", str(root), *extra]
    if "--config" not in extra:
        argv.append("--no-config")
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    outcome = Outcome(code, out.getvalue(), err.getvalue())
    assert "Traceback" not in outcome.err, outcome.err
    if not internal_error:
        assert "internal error" not in outcome.err + outcome.out, outcome.err
    return outcome


def ordered(rows: Sequence[Row]) -> list[Row]:
    """Rows in report order: path, line, column, rule id."""
    return sorted(rows, key=lambda row: (row[1], row[2], row[3], row[0]))


def assert_good(outcome: Outcome) -> None:
    """The well-formed file beside the hostile one was still linted."""
    assert GOOD in outcome.rows, outcome.rows


def only_al900(outcome: Outcome, path: str, line: int, column: int, message: str) -> None:
    """Exit 2, exactly one AL900 at path:line:column with ``message``, the good file linted."""
    assert outcome.code == 2, (outcome.code, outcome.rows, outcome.err)
    assert ordered(outcome.rows) == ordered([GOOD, ("AL900", path, line, column)]), outcome.rows
    assert outcome.messages("AL900", path) == [f"cannot parse: {message}"]
    assert outcome.doc["summary"]["errors"] == 1


# --------------------------------------------------------------------------- size limit


def test_file_above_default_size_limit_is_reported_not_read(tmp_path: Path) -> None:
    big = b'provider "aws" {}\n' + b"#" * DEFAULT_LIMIT
    outcome = run(tree(tmp_path, {"big/main.tf": big}))
    only_al900(outcome, "big/main.tf", 1, 1,
               f"file is {len(big)} bytes, larger than the {DEFAULT_LIMIT}-byte limit "
               "(raise max-file-size in the config to lint it)")


def test_config_max_file_size_lowers_the_limit(tmp_path: Path) -> None:
    body = (KEYED_TF + "#" * 3000 + "\n").encode()
    root = tree(tmp_path, {"mid/main.tf": body,
                           ".assume-lint.toml": "max-file-size = 2048\n"})
    outcome = run(root, "--config", str(root / ".assume-lint.toml"))
    only_al900(outcome, "mid/main.tf", 1, 1,
               f"file is {len(body)} bytes, larger than the 2048-byte limit "
               "(raise max-file-size in the config to lint it)")


def test_config_max_file_size_raises_the_limit(tmp_path: Path) -> None:
    body = (KEYED_TF + "#" * DEFAULT_LIMIT + "\n").encode()
    root = tree(tmp_path, {"big/main.tf": body,
                           ".assume-lint.toml": f"max-file-size = {8 * MIB}\n"})
    outcome = run(root, "--config", str(root / ".assume-lint.toml"))
    assert outcome.code == 1
    assert ordered(outcome.rows) == ordered([("AL201", "big/main.tf", 3, 3), GOOD])


def test_big_unrelated_json_is_skipped_silently(tmp_path: Path) -> None:
    # A 5 MiB package-lock.json is not a policy: not read whole, not an error.
    lock = b'{"name": "x", "packages": {' + b'"a": 1, ' * (5 * MIB // 8) + b'"z": 2}}'
    outcome = run(tree(tmp_path, {"web/package-lock.json": lock}))
    assert outcome.code == 1
    assert ordered(outcome.rows) == ordered([GOOD])


# --------------------------------------------------------------------------- bytes


@pytest.mark.parametrize("name", ["binary.json", "binary.tf", "nul.tf"])
def test_binary_and_nul_files_are_al900(tmp_path: Path, name: str) -> None:
    outcome = run(tree(tmp_path, {f"bad/{name}": corpus(name)}))
    only_al900(outcome, f"bad/{name}", 1, 1, "binary file (contains NUL bytes), not text")


def test_nul_after_the_sniffed_head_is_still_binary(tmp_path: Path) -> None:
    late = ('provider "aws" {\n' + "# padding\n" * 1000 + "}\n").encode() + b"\x00\n"
    outcome = run(tree(tmp_path, {"bad/late-nul.tf": late}))
    only_al900(outcome, "bad/late-nul.tf", 1, 1,
               "binary file (contains NUL characters), not text")


@pytest.mark.parametrize("name", ["bom.tf", "utf16le.tf", "utf16be.tf", "crlf.tf", "cr.tf"])
def test_readable_encodings_and_line_endings_keep_positions(tmp_path: Path, name: str) -> None:
    outcome = run(tree(tmp_path, {f"ok/{name}": corpus(name)}))
    assert outcome.code == 1
    assert ordered(outcome.rows) == ordered([GOOD, ("AL201", f"ok/{name}", 3, 3)])


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_parse_error_position_with_crlf_and_cr(tmp_path: Path, newline: str) -> None:
    text = 'provider "aws" {\n  region = "eu-west-1"\n}\n}\n'.replace("\n", newline)
    outcome = run(tree(tmp_path, {"bad/main.tf": text}))
    only_al900(outcome, "bad/main.tf", 4, 1, "invalid HCL: unexpected '}'")


def test_invalid_utf8_points_at_the_bad_byte(tmp_path: Path) -> None:
    outcome = run(tree(tmp_path, {"bad/invalid-utf8.tf": corpus("invalid-utf8.tf")}))
    only_al900(outcome, "bad/invalid-utf8.tf", 2, 15, "not valid UTF-8 text")


def test_invalid_utf8_after_a_bom_points_at_the_bad_byte(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbf" + corpus("invalid-utf8.tf")
    outcome = run(tree(tmp_path, {"bad/invalid-utf8.tf": data}))
    only_al900(outcome, "bad/invalid-utf8.tf", 2, 15, "not valid UTF-8 text")


def test_invalid_utf8_column_counts_characters(tmp_path: Path) -> None:
    data = 'provider "aws" {\n  region = "é'.encode() + b'\xff"\n}\n'
    outcome = run(tree(tmp_path, {"bad/main.tf": data}))
    only_al900(outcome, "bad/main.tf", 2, 14, "not valid UTF-8 text")


# --------------------------------------------------------------------------- structure


@pytest.mark.parametrize(("name", "rel", "line", "column", "message"), [
    ("truncated.tf", "bad/truncated.tf", 1, 16,
     "invalid HCL: '{' opened here is never closed (end of file reached)"),
    ("truncated.json", "bad/truncated.json", 4, 74, "invalid JSON: unterminated string"),
    ("extra-brace.tf", "bad/extra-brace.tf", 4, 1, "invalid HCL: unexpected '}'"),
    ("missing-brace.json", "bad/missing-brace.json", 5, 3,
     "invalid JSON: expected ',' or '}' after object member"),
])
def test_truncated_and_broken_braces(tmp_path: Path, name: str, rel: str, line: int,
                                     column: int, message: str) -> None:
    outcome = run(tree(tmp_path, {rel: corpus(name)}))
    only_al900(outcome, rel, line, column, message)


def test_truncated_aws_config_keeps_the_complete_profile(tmp_path: Path) -> None:
    outcome = run(tree(tmp_path, {"bad/.aws/config": corpus("truncated-config")}),
                  "--min-severity", "info")
    assert outcome.code == 2
    assert ("AL900", "bad/.aws/config", 3, 6) in outcome.rows
    assert outcome.messages("AL900", "bad/.aws/config") == [
        "cannot parse: Profile definition must end with ']'"]
    # The complete [profile dev] above the cut is still linted.
    assert ("AL204", "bad/.aws/config", 2, 12) in outcome.rows
    assert_good(outcome)


def test_json_nested_100k_deep_is_al900_not_recursion_error(tmp_path: Path) -> None:
    deep = b'{"Statement": [{"Action": "sts:AssumeRole", "x": ' + b"[" * 100_000
    outcome = run(tree(tmp_path, {"deep/policy.json": deep}))
    assert outcome.code == 2
    # Reported where the input ends, as for any unclosed JSON.
    assert [r for r in outcome.rows if r[0] == "AL900"] == [
        ("AL900", "deep/policy.json", 1, len(deep) + 1)]
    (message,) = outcome.messages("AL900", "deep/policy.json")
    assert "Recursion" not in message and "internal error" not in message
    assert message.startswith("cannot parse: ")
    assert_good(outcome)


def test_hcl_deeply_nested_objects_still_linted(tmp_path: Path) -> None:
    depth = 3000
    text = ("locals {\n  x = " + "{a = " * depth + "1" + "}" * depth + "\n}\n" + KEYED_TF)
    outcome = run(tree(tmp_path, {"deep/main.tf": text}))
    assert outcome.code == 1
    assert ordered(outcome.rows) == ordered([("AL201", "deep/main.tf", 6, 3), GOOD])


def test_hcl_unclosed_deep_nesting_is_al900(tmp_path: Path) -> None:
    text = 'provider "aws" {\n  x = ' + "[" * 40_000 + "\n}\n"  # under the token budget
    outcome = run(tree(tmp_path, {"deep/main.tf": text}))
    assert outcome.code == 2
    assert [r[0] for r in outcome.rows if r[1] == "deep/main.tf"] == ["AL900"]
    (message,) = outcome.messages("AL900", "deep/main.tf")
    assert message.startswith("cannot parse: invalid HCL")
    assert_good(outcome)


def test_hcl_deeply_nested_blocks(tmp_path: Path) -> None:
    text = 'provider "aws" {}\n' + "a {\n" * 20_000 + "}\n" * 20_000 + KEYED_TF
    outcome = run(tree(tmp_path, {"deep/main.tf": text}))
    assert outcome.code == 1
    assert ordered(outcome.rows) == ordered([("AL201", "deep/main.tf", 40_004, 3), GOOD])


def test_an_hcl_block_over_the_token_budget_is_al900_and_the_rest_is_linted(
        tmp_path: Path) -> None:
    huge = "locals {\n  x = " + "a + " * 60_000 + "a\n}\n"  # 120k tokens in one block
    outcome = run(tree(tmp_path, {"big/main.tf": KEYED_TF + huge + KEYED_TF}))
    assert outcome.code == 2
    assert ordered(outcome.rows) == ordered([
        ("AL201", "big/main.tf", 3, 3), ("AL900", "big/main.tf", 5, 1),
        ("AL201", "big/main.tf", 10, 3), GOOD])
    (message,) = outcome.messages("AL900", "big/main.tf")
    assert message.startswith("cannot parse: HCL too large to analyse: about 120,0")


# --------------------------------------------------------------------------- regexes


ADVERSARIAL: dict[str, str] = {
    "A-run": "A" * MIB,
    "AKIA-repeated": "AKIA" * (MIB // 4),
    "almost-keys": ("AKIA" + "Q" * 15 + " ") * (MIB // 20),
    "profile-unclosed": "[profile " * (MIB // 9),
    "interpolation": "${" * (MIB // 2),
    "heredoc-no-end": "<<EOF\n" + "line\n" * (MIB // 5),
    "string-no-quote": '"' + "a" * MIB,
    "base64-run": "aB3+" * (MIB // 4),
    "spaces-then-x": " " * MIB + "x",
    "block-comment-unclosed": "/* " * (MIB // 3),
    "escaped-quotes": '"\\' * (MIB // 2),
}

# Where each format puts the hostile text so that the file is recognised and parsed.
WRAPPERS: dict[str, tuple[str, str, str]] = {
    "terraform": ("x/main.tf", 'provider "aws" {\n  region = ', "\n}\n"),
    "aws-config": ("x/.aws/config", "[profile a]\nrole_arn = ", "\n"),
    "trust-json": ("x/policy.json", '{"Statement": [{"Action": "sts:AssumeRole", "Sid": ', "}]}"),
}

# (format, input) pairs known to exceed the budget; each is a bug listed in the report.
SLOW: dict[tuple[str, str], str] = {}


class _Budget(BaseException):
    """Raised by the alarm: a BaseException so that no ``except Exception`` swallows it."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Abort the block after ``seconds`` (SIGALRM; the main thread only)."""
    def _expire(signum: int, frame: Any) -> None:
        raise _Budget(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, _expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def bounded(seconds: float, root: Path, *extra: str) -> Outcome:
    """``run`` that fails the test (cleanly) when it takes more than ``seconds``."""
    outcome = None
    try:
        with time_limit(seconds):
            outcome = run(root, *extra)
    except _Budget:
        pass  # fail outside the handler: pytest cannot render the signal frame
    if outcome is None:
        pytest.fail(f"still running after {seconds} s", pytrace=False)
    return outcome


def _regex_cases() -> list[Any]:
    cases = []
    for fmt in WRAPPERS:
        for name in ADVERSARIAL:
            marks = []
            if (fmt, name) in SLOW:
                strict = "(so not strict)" not in SLOW[(fmt, name)]
                marks.append(pytest.mark.xfail(strict=strict, reason=SLOW[(fmt, name)]))
            cases.append(pytest.param(fmt, name, marks=marks, id=f"{fmt}-{name}"))
    return cases


@pytest.mark.parametrize(("fmt", "name"), _regex_cases())
def test_one_megabyte_of_adversarial_input_is_bounded(tmp_path: Path, fmt: str,
                                                      name: str) -> None:
    rel, head, tail = WRAPPERS[fmt]
    root = tree(tmp_path, {rel: head + ADVERSARIAL[name] + tail})
    with cpu_within(what=f"{fmt} {name}"):
        outcome = bounded(HANG_GUARD_S, root, "--no-cache")
    assert outcome.code in (1, 2)
    assert_good(outcome)
    for finding in outcome.findings:
        assert finding["line"] >= 1 and finding["column"] >= 1


# --------------------------------------------------------------------------- symlinks


def test_symlink_loops_are_survived(tmp_path: Path) -> None:
    root = tree(tmp_path, {"mod/main.tf": KEYED_TF})
    (root / "mod" / "again").symlink_to(root / "mod", target_is_directory=True)
    (root / "mod" / "up").symlink_to(root, target_is_directory=True)
    (root / "mod" / "self.tf").symlink_to(root / "mod" / "self.tf")
    (root / "mod" / "a.tf").symlink_to(root / "mod" / "b.tf")
    (root / "mod" / "b.tf").symlink_to(root / "mod" / "a.tf")
    outcome = run(root)
    assert outcome.code == 1
    assert ordered(outcome.rows) == ordered([GOOD, ("AL201", "mod/main.tf", 3, 3)])


def test_symlinks_out_of_the_root_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    tree(outside, {"secret/main.tf": KEYED_TF})
    root = tree(tmp_path / "repo", {})
    (root / "linked-dir").symlink_to(outside / "secret", target_is_directory=True)
    (root / "good" / "linked.tf").symlink_to(outside / "secret" / "main.tf")
    outcome = run(root)
    assert outcome.code == 1
    assert ordered(outcome.rows) == ordered([GOOD])
    assert "outside" not in outcome.out


def test_symlink_inside_the_root_is_linted_under_its_own_path(tmp_path: Path) -> None:
    root = tree(tmp_path, {"mod/main.tf": KEYED_TF})
    (root / "alias").symlink_to(root / "mod", target_is_directory=True)
    outcome = run(root)
    assert outcome.code == 1
    assert ("AL201", "mod/main.tf", 3, 3) in outcome.rows
    assert_good(outcome)


# --------------------------------------------------------------------------- permissions


def test_unreadable_file_via_monkeypatch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tree(tmp_path, {"locked/main.tf": KEYED_TF})
    locked = (root / "locked" / "main.tf").resolve()
    from assume_lint.files import sources

    real_read = sources.read_regular

    def read_regular(path: Path, limit: int, **kwargs: Any) -> bytes:
        if Path(path).resolve() == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_read(path, limit, **kwargs)

    monkeypatch.setattr(sources, "read_regular", read_regular)
    outcome = run(root)
    only_al900(outcome, "locked/main.tf", 1, 1, "permission denied")


def test_unreadable_folder_via_monkeypatch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tree(tmp_path, {"locked/main.tf": KEYED_TF})
    locked = str((root / "locked").resolve())
    real_scandir = os.scandir

    def scandir(path: Any = ".") -> Any:
        if os.path.realpath(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    outcome = run(root)
    only_al900(outcome, "locked", 1, 1, "permission denied")


def test_unreadable_file_and_folder_via_chmod(tmp_path: Path) -> None:
    """Real permissions, not a monkeypatch: as root (CI) the CLI runs without root's
    capabilities (tests/privileges.py), since root reads files whatever their mode."""
    prefix = unprivileged()
    root = tree(tmp_path / "repo", {"locked/main.tf": KEYED_TF, "shut/main.tf": KEYED_TF})
    open_to_others(prefix, tmp_path)
    (root / "locked" / "main.tf").chmod(0)
    (root / "shut").chmod(0)
    try:
        result = subprocess.run(
            [*prefix, *_cli([str(root), "--repo-root", str(root), "--no-config", "--no-cache",
                             "--format", "json"])],
            capture_output=True, text=True, timeout=120, check=False,
            env=_subprocess_env(tmp_path))
    finally:
        (root / "locked" / "main.tf").chmod(0o644)
        (root / "shut").chmod(0o755)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    outcome = Outcome(result.returncode, result.stdout, result.stderr)
    assert outcome.code == 2, result.stderr
    assert ordered(outcome.rows) == ordered(
        [GOOD, ("AL900", "locked/main.tf", 1, 1), ("AL900", "shut", 1, 1)])


# --------------------------------------------------------------------------- file names


NAMES = {
    "with space.tf": "with%20space.tf",
    "hash#1.tf": "hash%231.tf",
    "pct%41.tf": "pct%2541.tf",
    "new\nline.tf": "new%0Aline.tf",
    "naïve-ü-日本.tf": "na%C3%AFve-%C3%BC-%E6%97%A5%E6%9C%AC.tf",
}


def _named_tree(root: Path) -> Path:
    return tree(root, {f"odd/{name}": KEYED_TF for name in NAMES})


def test_odd_file_names_text_output_one_line_per_finding(tmp_path: Path) -> None:
    outcome = run(_named_tree(tmp_path), fmt="text")
    assert outcome.code == 1
    lines = outcome.out.rstrip("\n").split("\n")
    findings = [line for line in lines if " AL201 " in line]
    assert len(findings) == len(NAMES) + 1, lines
    assert all(line.startswith(("odd/", "good/")) for line in findings), lines
    assert "odd/new\\nline.tf:3:3: AL201 [critical] " in outcome.out
    assert "odd/naïve-ü-日本.tf:3:3: AL201" in outcome.out
    assert "odd/with space.tf:3:3: AL201" in outcome.out


def test_odd_file_names_json_paths_exact(tmp_path: Path) -> None:
    outcome = run(_named_tree(tmp_path))
    assert outcome.code == 1
    assert sorted(outcome.rows) == sorted(
        [GOOD] + [("AL201", f"odd/{name}", 3, 3) for name in NAMES])


def test_odd_file_names_sarif_uris_percent_encoded_and_valid(tmp_path: Path) -> None:
    outcome = run(_named_tree(tmp_path), fmt="sarif")
    assert outcome.code == 1
    sarif = json.loads(outcome.out)
    uris = sorted(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                  for r in sarif["runs"][0]["results"])
    assert uris == sorted(["good/main.tf"] + [f"odd/{uri}" for uri in NAMES.values()])
    for result in sarif["runs"][0]["results"]:
        artifact = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert artifact["uriBaseId"] == "%SRCROOT%"
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"{SARIF_SCHEMA} is missing (../shared sits beside the checkout in CI)")
    import jsonschema

    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validate(sarif, schema)


# --------------------------------------------------------------------------- process


def test_output_is_atomic_when_rendering_fails(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import assume_lint.formatters.sarif as sarif

    root = tree(tmp_path / "repo", {})
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / "report.sarif"
    target.write_text("PREVIOUS REPORT\n")

    def broken(*args: Any, **kwargs: Any) -> str:
        raise RuntimeError("formatter exploded half way")

    monkeypatch.setattr(sarif, "render", broken)
    outcome = run(root, "--output", str(target), fmt="sarif", internal_error=True)
    assert outcome.code == 2
    assert "formatter exploded half way" in outcome.err
    assert target.read_text() == "PREVIOUS REPORT\n"
    assert sorted(p.name for p in out_dir.iterdir()) == ["report.sarif"]


def test_output_is_atomic_when_writing_fails(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    root = tree(tmp_path / "repo", {})
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / "report.json"
    target.write_text("PREVIOUS REPORT\n")
    real_fdopen = os.fdopen

    class _Failing(io.StringIO):
        def write(self, text: str) -> int:
            raise OSError(28, "No space left on device")

    def fdopen(fd: int, *args: Any, **kwargs: Any) -> Any:
        os.close(fd)
        return _Failing()

    monkeypatch.setattr(os, "fdopen", fdopen)
    try:
        outcome = run(root, "--output", str(target))
    finally:
        monkeypatch.setattr(os, "fdopen", real_fdopen)
    assert outcome.code == 2
    assert "cannot write" in outcome.err
    assert target.read_text() == "PREVIOUS REPORT\n"
    assert sorted(p.name for p in out_dir.iterdir()) == ["report.json"]


def test_output_written_whole_on_success(tmp_path: Path) -> None:
    root = tree(tmp_path / "repo", {})
    target = tmp_path / "report.json"
    target.write_text("PREVIOUS REPORT\n")
    outcome = run(root, "--output", str(target))
    assert outcome.code == 1
    assert outcome.out == ""
    doc = json.loads(target.read_text())
    assert [(f["rule_id"], f["path"], f["line"]) for f in doc["findings"]] == [GOOD[:3]]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["repo", "report.json"]


def _subprocess_env(tmp_path: Path, seed: str = "0") -> dict[str, str]:
    env = dict(os.environ)
    env.update(PYTHONHASHSEED=seed, XDG_CACHE_HOME=str(tmp_path / "xdg"), NO_COLOR="1")
    return env


def _cli(args: Sequence[str]) -> list[str]:
    return [sys.executable, "-m", "assume_lint", *args]


def test_identical_input_gives_byte_identical_output(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(REPO / "samples", root / "samples")
    tree(root, {"bad/extra-brace.tf": corpus("extra-brace.tf"),
                "odd/with space.tf": KEYED_TF, "ok/crlf.tf": corpus("crlf.tf")})
    for fmt in ("text", "json", "sarif"):
        outputs = []
        for seed in ("1", "2"):
            target = tmp_path / f"out-{fmt}-{seed}"
            proc = subprocess.run(
                _cli([str(root), "--format", fmt, "--output", str(target), "--repo-root",
                      str(root), "--no-config", "--no-cache"]),
                capture_output=True, env=_subprocess_env(tmp_path, seed), timeout=120,
                check=False)
            assert proc.returncode == 2, proc.stderr
            assert b"Traceback" not in proc.stderr
            outputs.append(target.read_bytes())
        assert outputs[0] == outputs[1], fmt
        assert b"AL900" in outputs[0]


def _key(number: int) -> str:
    """A distinct, real-shaped access key id (AKIA + 16 base32 characters)."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    digits = []
    for _ in range(8):
        number, rest = divmod(number, 32)
        digits.append(alphabet[rest])
    return "AKIAQYLPMN5H" + "".join(reversed(digits))


def _many_findings(root: Path, lines: int = 6000) -> Path:
    """One profile followed by ``lines`` junk lines: one AL900 each, ~100 bytes a line."""
    text = "[profile a]\nregion = eu-west-1\n" + "junk line without an equals sign\n" * lines
    return tree(root, {".aws/config": text})


def test_many_keys_are_linted_in_bounded_time(tmp_path: Path) -> None:
    profiles = "".join(f"[p{n}]\naws_access_key_id = {_key(n)}\n" for n in range(2000))
    root = tree(tmp_path, {".aws/credentials": profiles})
    with cpu_within(what="2,000 keys"):
        outcome = bounded(HANG_GUARD_S, root, "--no-cache")
    assert outcome.code == 1
    assert len([r for r in outcome.rows if r[0] == "AL201"]) == 2001


def test_broken_pipe_exits_quietly(tmp_path: Path) -> None:
    root = _many_findings(tmp_path / "repo")
    proc = subprocess.Popen(
        _cli([str(root), "--repo-root", str(root), "--no-config", "--no-cache"]),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_subprocess_env(tmp_path))
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()  # what `| head -1` does
    err = proc.stderr.read()
    code = proc.wait(timeout=120)
    assert first.startswith(b".aws/config:3:1: AL900 "), first
    assert b"Traceback" not in err, err
    assert b"BrokenPipeError" not in err and b"Exception ignored" not in err, err
    assert code in (1, 2)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a running process (0 once it is gone)."""
    fields = stat_fields(pid)
    if fields is None:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _complete_json(out: bytes) -> bool:
    try:
        return "findings" in json.loads(out)
    except ValueError:
        return False


def _wait_for_cpu(proc: subprocess.Popen[bytes], seconds: float) -> bool:
    """Wait until ``proc`` has used ``seconds`` of CPU: past its imports (0.3 s) however
    loaded the machine is, where a fixed wall-clock sleep could send SIGINT during
    start-up on a busy runner. True after 30 s of wall time whatever the CPU (the run is
    then blocked, e.g. writing to the pipe); False when it ended first."""
    deadline = time.monotonic() + 30
    while proc.poll() is None:
        if _cpu_seconds(proc.pid) >= seconds or time.monotonic() > deadline:
            return True
        time.sleep(0.02)
    return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to read CPU time")
def test_ctrl_c_exits_130_without_traceback(tmp_path: Path) -> None:
    for files in (400, 2000):
        root = tmp_path / f"big-{files}"
        for number in range(files):
            folder = root / f"m{number:04d}"
            folder.mkdir(parents=True)
            (folder / "main.tf").write_text(KEYED_TF + f"# module {number}\n")
        proc = subprocess.Popen(
            _cli([str(root), "--repo-root", str(root), "--no-config", "--no-cache",
                  "--format", "json"]),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_subprocess_env(tmp_path),
            preexec_fn=interruptible)
        if not _wait_for_cpu(proc, 0.6):  # past the imports: walking or parsing
            proc.communicate()
            continue  # finished before the signal: try a bigger tree
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        if proc.returncode == 1 and _complete_json(out):
            continue  # the run ended between the last look and the signal: a bigger tree
        assert proc.returncode == 130, (proc.returncode, err[-2000:])
        assert b"Traceback" not in err, err[-4000:]
        assert b"KeyboardInterrupt" not in err, err[-4000:]
        return
    pytest.skip("the run finished before SIGINT could be sent, even on 2000 modules")


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_mask_text_is_bounded_on_one_megabyte(name: str) -> None:
    # mask_text runs on every message, snippet and path of every output.
    from assume_lint.files.secrets import mask_text

    text = ADVERSARIAL[name]
    with cpu_within(what=f"masking {name}"):
        masked = mask_text(text, ("AKIAQYLPMN5HHHFPZAM3",))
    assert len(masked) == len(text)


# --------------------------------------------------------------------------- deep YAML


@pytest.mark.parametrize("kind", ["flow", "block"])
def test_deeply_nested_yaml_is_al900_in_our_words_and_the_rest_is_linted(
        tmp_path: Path, kind: str) -> None:
    """What a user gets does not depend on which YAML library guard fires first.

    PyYAML 6.0.4's libyaml refuses 1000 levels itself, in its own words and at its own
    column; the user still sees our message on the line where the nesting goes too deep.
    """
    from assume_lint.parsers.yamlloc import MAX_DEPTH, TOO_DEEP

    if kind == "flow":
        depth = 200_000
        body, line = "on: push\njobs: " + "[" * depth + "]" * depth + "\n", 2
    else:
        body = "on: push\njobs:\n" + "".join(
            " " * (i + 1) + "a:\n" for i in range(MAX_DEPTH + 5)) + " " * 300 + "b\n"
        line = MAX_DEPTH + 2
    started = time.monotonic()
    outcome = run(tree(tmp_path, {".github/workflows/deep.yml": body}))
    assert time.monotonic() - started < 60  # bounded: quadratic scanning would take minutes
    assert outcome.code == 2
    rows = [r for r in outcome.rows if r[1] == ".github/workflows/deep.yml"]
    assert [(r[0], r[2]) for r in rows] == [("AL900", line)], rows
    assert outcome.messages("AL900", ".github/workflows/deep.yml") == [
        f"cannot parse: {TOO_DEEP}"]
    assert_good(outcome)
