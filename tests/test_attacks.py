"""Issue 19: the fifteen attacks an outside audit made on an installed copy, replayed.

One section per attack, in the issue's order (security, denial of service, crashes).
Each test builds the attacker's tree, runs the real CLI (in-process, or in a subprocess
where the attack is about processes, signals, file descriptors or privileges) and
asserts what must hold now: the exit code, the message, that the report was still
written and that the rest of the tree was linted. Attack 3 (secrets printed whole) is
in ``tests/test_secret_hygiene.py``, the grammar-cache half of attack 2 in
``tests/test_hcl_tables.py``; the budgets of attacks 4 and 5 are also fuzzed in
``tests/test_fuzz.py``.

CI runs as root, which reads unreadable files and ignores process limits, so the
attacks where permissions matter run in a user namespace mapped to uid 1000
(``unshare --user --map-user=1000``): the tree stays owned by "us", but without root's
capabilities. When user namespaces are unavailable they run as ``nobody`` with
``setpriv``; a test skips (saying why) only when neither can be used (see
``tests/privileges.py``). A process limit needs a real other user (root's uid, even
mapped, ignores it): ``test_attack_09_a_real_process_limit`` runs as ``nobody``.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import io
import json
import marshal
import os
import pickle
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from privileges import open_to_others, unprivileged
from signals import interruptible, stat_fields

from assume_lint.cli import main

REPO = Path(__file__).resolve().parents[1]
GOOD_TF = 'provider "aws" {\n  access_key = "AKIAQYLPMN5HHHFPZAM2"\n}\n'
BROKEN_TF = 'provider "aws" {\n  region = = 1\n}\n'
GOOD = ("AL201", "good/main.tf", 2, 3)


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    monkeypatch.delenv("NO_COLOR", raising=False)
    return cache


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def tree(root: Path, files: dict[str, str] | None = None) -> Path:
    return write(root, {"good/main.tf": GOOD_TF, **(files or {})})


class Outcome:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    @property
    def doc(self) -> dict[str, Any]:
        return dict(json.loads(self.out))

    @property
    def rows(self) -> list[tuple[str, str, int, int]]:
        return [(f["rule_id"], f["path"], f["line"], f["column"]) for f in self.doc["findings"]]


def on(root: Path) -> tuple[str, ...]:
    """Arguments linting ``root`` as the repository (paths reported relative to it)."""
    return (str(root), "--repo-root", str(root), "--no-config")


def run(*argv: str) -> Outcome:
    """The CLI in-process; never a traceback or an internal error. Paths are reported
    relative to the current folder outside git: the tests run from the tree's root."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    outcome = Outcome(code, out.getvalue(), err.getvalue())
    assert "Traceback" not in outcome.err and "internal error" not in outcome.err, outcome.err
    return outcome


def cli(*argv: str, timeout: float = 120, env: dict[str, str] | None = None,
        prefix: Sequence[str] = (), **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """The CLI in a subprocess (``python -m assume_lint``)."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([*prefix, sys.executable, "-m", "assume_lint", *argv],
                          capture_output=True, text=True, timeout=timeout, env=full_env,
                          check=False, **kwargs)


# --------------------------------------------------------------------------- 1


def test_attack_01_output_through_a_symlink_is_refused(tmp_path: Path) -> None:
    """``ln -s ../victim.txt assume-lint.sarif; assume-lint . -f sarif -o
    assume-lint.sarif`` overwrote the victim and made it 0600."""
    root = tree(tmp_path / "repo")
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    victim.chmod(0o644)
    for name in ("assume-lint.sarif", "baseline.json", "graph.mmd"):
        (root / name).symlink_to("../victim.txt")
    attempts = [
        [str(root), "--no-config", "-f", "sarif", "-o", str(root / "assume-lint.sarif")],
        [str(root), "--no-config", "--write-baseline", str(root / "baseline.json")],
        ["graph", str(root), "--no-config", "-o", str(root / "graph.mmd")],
    ]
    attempts = [[*argv, "--repo-root", str(root)] for argv in attempts
    ]
    for argv in attempts:
        outcome = run(*argv)
        assert outcome.code == 2, argv
        assert "is a symbolic link; refusing to write through it" in outcome.err, outcome.err
    assert victim.read_text() == "precious\n"
    assert stat.S_IMODE(victim.stat().st_mode) == 0o644
    assert all((root / n).is_symlink() for n in ("assume-lint.sarif", "baseline.json"))


def test_attack_01_reports_get_normal_permissions(tmp_path: Path) -> None:
    """The temporary file's 0600 survived the atomic rename (issue 18 too)."""
    root = tree(tmp_path / "repo")
    previous = os.umask(0o022)
    try:
        assert run(*on(root), "-o", str(tmp_path / "new.txt")).code == 1
        assert run(*on(root), "--write-baseline",
                   str(tmp_path / "baseline.json"), "-q").code == 1
        os.umask(0o077)
        assert run(*on(root), "-o", str(tmp_path / "private.txt")).code == 1
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "baseline.json").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "private.txt").stat().st_mode) == 0o600  # umask honoured
    # A report rewritten in place keeps the mode its owner gave it.
    (tmp_path / "new.txt").chmod(0o640)
    assert run(*on(root), "-o", str(tmp_path / "new.txt")).code == 1
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o640
    assert "AL201" in (tmp_path / "new.txt").read_text()


def test_attack_01_non_regular_targets_are_written_in_place(tmp_path: Path) -> None:
    """Given a device node the report replaced it with a regular file; a FIFO, a device
    and /dev/stdout must be written in place. (The device is a private null device made
    here, never the machine's /dev/null: a regression would replace that one.)"""
    root = tree(tmp_path / "repo")
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    assert run(*on(root), "-f", "json", "-o", str(fifo)).code == 1
    reader.join(30)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert json.loads(received[0])["findings"][0]["rule_id"] == "AL201"
    through_stdout = cli(str(root), "--no-config", "-f", "json", "-o", "/dev/stdout", cwd=root)
    assert through_stdout.returncode == 1, through_stdout.stderr
    assert json.loads(through_stdout.stdout)["findings"][0]["path"] == "good/main.tf"
    device = tmp_path / "null-device"
    try:
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except OSError as exc:
        pytest.skip(f"cannot make a device node here ({exc.strerror}): FIFO and "
                    "/dev/stdout were checked, the device case was not")
    assert run(*on(root), "-o", str(device)).code == 1
    assert stat.S_ISCHR(device.lstat().st_mode)
    assert device.lstat().st_rdev == os.makedev(1, 3)


# --------------------------------------------------------------------------- 2

MARKER_CODE = "import os; open(os.environ['MARKER'], 'w').write('ran')"


class _Payload:
    def __reduce__(self) -> tuple[Any, ...]:
        return (exec, (MARKER_CODE,))


def _entries(cache: Path) -> list[Path]:
    return sorted(p for p in cache.rglob("*.entry"))


def _warm(root: Path, cache: Path) -> Outcome:
    first = run(*on(root), "-f", "json")
    assert _entries(cache), "the first run filled the model cache"
    return first


def _tamper(entry: Path, how: str) -> None:
    blob = entry.read_bytes()
    entry.unlink()
    if how == "pickle":
        entry.write_bytes(pickle.dumps(_Payload()))
    elif how == "pickle-behind-the-header":
        entry.write_bytes(blob[:5] + pickle.dumps(_Payload()))
    elif how == "flipped-byte":
        entry.write_bytes(blob[:-1] + bytes([blob[-1] ^ 1]))
    elif how == "fifo":
        os.mkfifo(entry)
    elif how == "link-to-dev-zero":
        entry.symlink_to("/dev/zero")
    elif how == "link-to-a-valid-entry":
        other = entry.with_name("elsewhere")
        other.write_bytes(blob)
        entry.symlink_to(other.name)
    elif how == "huge":
        with entry.open("wb") as handle:
            handle.truncate(65 * 1024 * 1024)  # sparse: over the cap, costs no disk
    elif how == "folder":
        entry.mkdir()
    else:
        raise AssertionError(how)


TAMPERING = ["pickle", "pickle-behind-the-header", "flipped-byte", "fifo", "link-to-dev-zero",
             "link-to-a-valid-entry", "huge", "folder"]


@pytest.mark.parametrize("how", TAMPERING)
def test_attack_02_a_tampered_cache_entry_is_a_miss(
    tmp_path: Path, _private_cache: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """A pickle planted in the model cache (its XOR key was computable) ran; a FIFO or
    a link to /dev/zero as an entry hung the run past 300 s and 3.7 GB."""
    root = tree(tmp_path / "repo", {"other/main.tf": GOOD_TF.replace("AM2", "AM3")})
    expected = _warm(root, _private_cache)
    marker = tmp_path / "MARKER"
    monkeypatch.setenv("MARKER", str(marker))
    for entry in _entries(_private_cache):
        _tamper(entry, how)
    start = time.monotonic()
    again = run(*on(root), "-f", "json")
    assert time.monotonic() - start < 30
    assert again.out == expected.out and again.code == expected.code
    assert not marker.exists(), "code from the cache ran"


def _mac_key(cache: Path) -> bytes:
    return (cache / "assume-lint" / "key").read_bytes()


def test_attack_02_an_entry_forged_with_the_key_is_data_not_code(
    tmp_path: Path, _private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even someone holding the user key (a CI cache restored with the key in it) can
    only write data: entries that name a class off the model's list, carry a code
    object or have the wrong shape are misses."""
    from assume_lint.engine import cache as cache_module

    root = tree(tmp_path / "repo")
    expected = _warm(root, _private_cache)
    key = _mac_key(_private_cache)
    marker = tmp_path / "MARKER"
    monkeypatch.setenv("MARKER", str(marker))
    code = compile(MARKER_CODE, "<forged>", "exec")
    forgeries = [
        ["system", "touch " + str(marker)],
        ["Model", ["L", code]],
        ["Model", ["L"], ["L"]],  # wrong field count
        code,
        ["Attr", "x", ["Location", "a", 1, 1, None, None], ""],  # not a Model
    ]
    from assume_lint.engine.config import Config
    from assume_lint.engine.pipeline import collect, units_of
    from assume_lint.files.walk import walk

    units = units_of(collect(walk([root], root).files, Config(), root))
    keys = [cache_module.unit_digest(unit) for unit in units]
    entries = _entries(_private_cache)
    assert sorted(k.name for k in keys) == sorted(e.stem for e in entries)
    for forged in forgeries:
        for unit_key, entry in zip(keys, sorted(entries, key=lambda e: [k.name for k in keys]
                                                 .index(e.stem)), strict=True):
            stream = hashlib.sha256(b"encrypt\0" + key + unit_key.secret).digest()
            payload = cache_module._xor(marshal.dumps(forged), stream)
            mac = hmac.new(key, unit_key.name.encode() + b"\0" + payload, "sha256").digest()
            entry.write_bytes(cache_module._MAGIC + mac + payload)
        again = run(*on(root), "-f", "json")
        assert again.out == expected.out, forged
        assert not marker.exists()
    # Control: the same forging with a well-formed (empty) model is served, so the
    # forgeries above did reach decode(); holding the key buys data, never code.
    for unit_key, entry in zip(keys, sorted(entries, key=lambda e: [k.name for k in keys]
                                             .index(e.stem)), strict=True):
        stream = hashlib.sha256(b"encrypt\0" + key + unit_key.secret).digest()
        payload = cache_module._xor(marshal.dumps(cache_module.encode(cache_module.Model())),
                                    stream)
        mac = hmac.new(key, unit_key.name.encode() + b"\0" + payload, "sha256").digest()
        entry.write_bytes(cache_module._MAGIC + mac + payload)
    served = run(*on(root), "-f", "json")
    # The served model has no credential: AL201 now comes from the text scan, at the
    # value (column 17) instead of the field (column 3).
    assert served.rows == [("AL201", "good/main.tf", 2, 17)]
    for forged in forgeries:  # what decode() makes of each: an error, or no Model
        try:
            decoded = cache_module.decode(forged)
        except (ValueError, TypeError):
            continue
        assert not isinstance(decoded, cache_module.Model), forged


@pytest.mark.parametrize("how", ["world-readable", "link", "fifo", "wrong-size"])
def test_attack_02_a_key_file_not_private_to_us_disables_the_cache(
    tmp_path: Path, _private_cache: Path, how: str
) -> None:
    root = tree(tmp_path / "repo")
    folder = _private_cache / "assume-lint"
    folder.mkdir(parents=True)
    key = folder / "key"
    if how == "world-readable":
        key.write_bytes(os.urandom(32))
        key.chmod(0o644)
    elif how == "link":
        (tmp_path / "elsewhere").write_bytes(os.urandom(32))
        (tmp_path / "elsewhere").chmod(0o600)
        key.symlink_to(tmp_path / "elsewhere")
    elif how == "fifo":
        os.mkfifo(key, 0o600)
    else:
        key.write_bytes(b"short")
        key.chmod(0o600)
    for _ in range(2):
        assert run(str(root), "--repo-root", str(root), "--no-config").code == 1
    assert _entries(_private_cache) == []  # nothing written, nothing read


def test_attack_02_no_cache_touches_no_cache(tmp_path: Path, _private_cache: Path) -> None:
    """``--no-cache`` bypasses every cache: nothing is created, read or written."""
    root = tree(tmp_path / "repo", {"broken/main.tf": BROKEN_TF})
    assert run(*on(root), "--no-cache").code == 2
    assert not _private_cache.exists()


def test_attack_02_the_key_and_entries_are_private(tmp_path: Path, _private_cache: Path) -> None:
    root = tree(tmp_path / "repo")
    _warm(root, _private_cache)
    key = _private_cache / "assume-lint" / "key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and key.stat().st_size == 32
    for entry in _entries(_private_cache):
        assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    assert stat.S_IMODE((_private_cache / "assume-lint").stat().st_mode) == 0o700


@contextlib.contextmanager
def _cwd(path: Path) -> Iterator[None]:
    previous = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


# --------------------------------------------------------------------------- 11


def _closed_stdout() -> None:
    os.close(1)


def test_attack_11_stdout_closed_or_full_is_a_clear_exit_2(tmp_path: Path) -> None:
    """``assume-lint . >&-`` printed an AttributeError traceback and exited 1; with
    ``> /dev/full`` the message read "cannot write None"."""
    root = tree(tmp_path / "repo")
    closed = subprocess.run([sys.executable, "-m", "assume_lint", str(root), "--no-config"],
                            stdout=None, stderr=subprocess.PIPE, text=True, timeout=120,
                            preexec_fn=_closed_stdout, check=False)
    assert closed.returncode == 2
    assert closed.stderr.strip().splitlines()[-1] == (
        "assume-lint: cannot write the report to standard output: standard output is closed")
    assert "Traceback" not in closed.stderr
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "assume_lint", str(root), "--no-config"],
                                stdout=full, stderr=subprocess.PIPE, text=True, timeout=120,
                                check=False)
    assert result.returncode == 2
    assert ("assume-lint: cannot write the report to standard output: No space left on device"
            in result.stderr)
    assert "None" not in result.stderr and "Traceback" not in result.stderr


# --------------------------------------------------------------------------- 13


def test_attack_13_config_and_baseline_fifos_are_errors_not_hangs(tmp_path: Path) -> None:
    root = tree(tmp_path / "repo")
    os.mkfifo(tmp_path / "config.toml")
    os.mkfifo(tmp_path / "baseline.json")
    start = time.monotonic()
    config = cli(str(root), "--config", str(tmp_path / "config.toml"), timeout=60)
    baseline = cli(str(root), "--no-config", "--baseline", str(tmp_path / "baseline.json"),
                   timeout=60)
    assert time.monotonic() - start < 60
    assert config.returncode == 2
    assert f"{tmp_path / 'config.toml'}: cannot read config: a FIFO, not a regular file" in (
        config.stderr)
    assert baseline.returncode == 2
    assert (f"{tmp_path / 'baseline.json'}: cannot read baseline: a FIFO, not a regular file"
            in baseline.stderr)


def test_attack_13_a_config_nested_10000_deep_is_a_clear_error(tmp_path: Path) -> None:
    """A TOML nested 10,000 deep gave "internal error: RecursionError"."""
    root = tree(tmp_path / "repo")
    deep = tmp_path / "deep.toml"
    deep.write_text("x = " + "[" * 10_000 + "]" * 10_000 + "\n")
    outcome = run(str(root), "--config", str(deep))
    assert outcome.code == 2
    assert f"{deep}: invalid TOML: nested too deeply to read" in outcome.err
    # nested just below the parser's limit: the schema check must not recurse out either
    for depth in (400, 900):
        deep.write_text("select = " + "[" * depth + "]" * depth + "\n")
        outcome = run(str(root), "--config", str(deep))
        assert outcome.code == 2 and f"{deep}: invalid" in outcome.err


# --------------------------------------------------------------------------- 14


def test_attack_14_partial_runs_never_read_siblings_outside_the_root(tmp_path: Path) -> None:
    """Given a single file, the sibling search followed a symlinked providers.tf that
    points outside the repository and reported AL301 from it; a walk ignored the link."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    write(repo, {"mod/main.tf": (
        'terraform {\n  backend "s3" {\n    bucket = "b"\n    key    = "k"\n'
        '    region = "eu-west-1"\n    assume_role {\n'
        '      role_arn = "arn:aws:iam::111111111111:role/admin"\n    }\n  }\n}\n')})
    provider = ('provider "aws" {\n  assume_role {\n'
                '    role_arn     = "arn:aws:iam::222222222222:role/deploy"\n'
                '    session_name = "x"\n  }\n}\n')
    write(tmp_path, {"outside/providers.tf": provider})
    (repo / "mod" / "providers.tf").symlink_to("../../outside/providers.tf")
    shown = ("--no-config", "-f", "json", "--extend-select", "AL204")  # AL204: linted
    with _cwd(repo):
        partial = run("mod/main.tf", *shown)
        full = run(".", *shown)
    assert partial.rows == full.rows == [("AL204", "mod/main.tf", 6, 5)]
    # A link that stays inside the repository is a sibling like any file.
    write(repo, {"shared/providers.tf": provider})
    (repo / "mod" / "providers.tf").unlink()
    (repo / "mod" / "providers.tf").symlink_to("../shared/providers.tf")
    with _cwd(repo):
        partial = run("mod/main.tf", *shown)
    assert ("AL301", "mod/main.tf", 7, 7) in partial.rows


# --------------------------------------------------------------------------- 15


@pytest.mark.parametrize("swap", ["fifo", "link-to-dev-zero", "link-to-a-fifo"])
def test_attack_15_a_file_swapped_after_the_walk_is_al900_not_a_hang(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, swap: str
) -> None:
    """Files replaced by FIFOs during the run hung 2 of 3 runs: the walk saw a regular
    file, the read met a FIFO. Replayed deterministically: the swap happens right
    after the walk."""
    from assume_lint.engine import pipeline as engine

    root = tree(tmp_path / "repo", {"swapped/main.tf": GOOD_TF.replace("AM2", "AM3"),
                                    "swapped/extra.tf": 'variable "x" {}\n'})
    real_walk = engine.walk
    victim = root / "swapped" / "main.tf"

    def walk_then_swap(*args: Any, **kwargs: Any) -> Any:
        walked = real_walk(*args, **kwargs)
        victim.unlink()
        if swap == "fifo":
            os.mkfifo(victim)
        elif swap == "link-to-dev-zero":
            victim.symlink_to("/dev/zero")
        else:
            os.mkfifo(tmp_path / "pipe")
            victim.symlink_to(tmp_path / "pipe")
        return walked

    monkeypatch.setattr(engine, "walk", walk_then_swap)
    start = time.monotonic()
    outcome = run(*on(root), "--no-cache", "-f", "json")
    assert time.monotonic() - start < 30
    kind = "a device" if swap == "link-to-dev-zero" else "a FIFO"
    assert outcome.code == 2
    assert outcome.rows == [("AL201", "good/main.tf", 2, 3), ("AL900", "swapped/main.tf", 1, 1)]
    assert outcome.doc["findings"][1]["message"] == (
        f"cannot parse: cannot read file: {kind}, not a regular file")


# --------------------------------------------------------------------------- 4-6
#
# The cost of these attacks is what failed; their budgets are asserted by the fuzz
# harness (tests/test_fuzz.py: budget()), on CPU time and allocated memory. Here the
# attacks are replayed whole through the CLI for their answers, in a subprocess whose
# CPU time and address space are capped far above what they need now (a regression is
# killed and fails, it does not hang CI).


def _capped(cpu_seconds: int, memory: int) -> Any:
    def apply() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return apply


def capped_cli(root: Path, *argv: str) -> Outcome:
    result = cli(str(root), "--repo-root", str(root), "-f", "json", *argv, cwd=root,
                 preexec_fn=_capped(60, 2 * 1024**3))
    assert result.returncode in (0, 1, 2), (result.returncode, result.stderr[-500:])
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    return Outcome(result.returncode, result.stdout, result.stderr)


def _gha_tree(root: Path, branch: str, trust_sub: str) -> Path:
    return write(root, {
        ".github/workflows/deploy.yml": (
            "name: deploy\non:\n  push:\n    branches: ['" + branch + "']\n"
            "jobs:\n  deploy:\n    runs-on: ubuntu-latest\n    permissions:\n"
            "      id-token: write\n    steps:\n"
            "      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n"
            "          role-to-assume: arn:aws:iam::444444444444:role/gha-deploy\n"
            "          aws-region: eu-west-1\n"),
        "infra/iam.json": json.dumps({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": {"Federated": "arn:aws:iam::444444444444:oidc-provider/"
                                           "token.actions.githubusercontent.com"},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringLike": {"token.actions.githubusercontent.com:sub": trust_sub},
                    "StringEquals": {"token.actions.githubusercontent.com:aud":
                                     "sts.amazonaws.com"}}}]}, indent=2),
        "infra/main.tf": ('resource "aws_iam_role" "gha" {\n  name = "gha-deploy"\n'
                          '  assume_role_policy = file("${path.module}/iam.json")\n}\n'),
    })


def test_attack_04_pattern_against_pattern_is_linear(tmp_path: Path) -> None:
    """AL304 with branches ['*a' x 3000] against a trust StringLike ".../heads/" +
    '*b' x 3000 (two 6.5 KB files) took 57 s and 4.3 GB."""
    env = {"GITHUB_REPOSITORY": "example-org/app"}
    heads = "repo:example-org/app:ref:refs/heads/"
    hostile = _gha_tree(tmp_path / "hostile", "*a" * 3000, heads + "*b" * 3000)
    result = cli(str(hostile), "--repo-root", str(hostile), "-f", "json", "--no-config",
                 cwd=hostile, env=env, preexec_fn=_capped(60, 2 * 1024**3))
    outcome = Outcome(result.returncode, result.stdout, result.stderr)
    # Every such branch ends in "a", every admitted subject in "b": it can never match.
    assert outcome.code == 1, result.stderr[-300:]
    assert outcome.rows == [("AL304", ".github/workflows/deploy.yml", 13, 27)]
    # The same sizes where some branch can match: silent.
    fitting = _gha_tree(tmp_path / "fitting", "*a" * 3000, heads + "*a" * 3000)
    result = cli(str(fitting), "--repo-root", str(fitting), "-f", "json", "--no-config",
                 cwd=fitting, env=env, preexec_fn=_capped(60, 2 * 1024**3))
    assert result.returncode == 0 and json.loads(result.stdout)["findings"] == []


def _external_id_tree(root: Path, pattern: str, passed: str) -> Path:
    return write(root, {
        "infra/iam.tf": (
            'resource "aws_iam_role" "vendor" {\n  name = "vendor"\n'
            "  assume_role_policy = jsonencode({\n    Version = \"2012-10-17\"\n"
            "    Statement = [{\n      Effect = \"Allow\"\n"
            '      Principal = { AWS = "arn:aws:iam::555555555555:root" }\n'
            '      Action = "sts:AssumeRole"\n'
            f'      Condition = {{ StringLike = {{ "sts:ExternalId" = "{pattern}" }} }}\n'
            "    }]\n  })\n}\n"),
        "infra/providers.tf": (
            'provider "aws" {\n  assume_role {\n'
            '    role_arn     = "arn:aws:iam::444444444444:role/vendor"\n'
            f'    external_id  = "{passed}"\n    session_name = "x"\n  }}\n}}\n'),
    })


def test_attack_04_long_wildcards_against_long_values(tmp_path: Path) -> None:
    """AL302's glob_match with "*" + "a" x 8000 + "b" against a 16,000-character
    ExternalId took 11.6 s (45.7 s at double size)."""
    pattern = "*" + "a" * 8000 + "b"
    rows = {
        # the attack itself: a value longer than IAM allows is unknown, so silent
        "attack": capped_cli(_external_id_tree(tmp_path / "a", pattern, "a" * 16000),
                             "--no-config", "--select", "AL302").rows,
        # as long as IAM allows, matched exactly: too few a's ...
        "short": capped_cli(_external_id_tree(tmp_path / "s", pattern, "a" * 7999 + "b"),
                            "--no-config", "--select", "AL302").rows,
        # ... and enough a's
        "enough": capped_cli(_external_id_tree(tmp_path / "e", pattern, "a" * 8100 + "b"),
                             "--no-config", "--select", "AL302").rows,
    }
    assert rows == {"attack": [], "short": [("AL302", "infra/providers.tf", 3, 5)],
                    "enough": []}


def _chain(n: int, cycle: bool) -> str:
    lines = []
    for i in range(n):
        lines += [f"[profile p{i}]", f"role_arn = arn:aws:iam::111111111111:role/r{i}"]
        if i + 1 < n:
            lines.append(f"source_profile = p{i + 1}")
        elif cycle:
            lines.append("source_profile = p0")
        else:
            lines.append("credential_source = Environment")
    return "\n".join(lines) + "\n"


def test_attack_05_long_profile_chains_and_loops(tmp_path: Path) -> None:
    """A chain of N source_profile links cost about N^2.7 (4,000: 104 s); a
    4,000-profile loop ran past 300 s."""
    chain = write(tmp_path / "chain", {".aws/config": _chain(4000, cycle=False)})
    outcome = capped_cli(chain, "--no-config")
    assert (outcome.code, outcome.rows) == (0, [])  # a valid 4,000-link chain
    loop = write(tmp_path / "loop", {".aws/config": _chain(4000, cycle=True),
                                     ".aws/credentials": "[other]\nregion = x\n"})
    outcome = capped_cli(loop, "--no-config", "--select", "AL206")
    assert outcome.code == 1
    # Every profile of the loop breaks at its predecessor's source_profile (line 3i)...
    assert sorted(outcome.rows) == sorted(
        ("AL206", ".aws/config", 3 * i, 18) for i in range(1, 4001))
    messages = {f["line"]: f["message"] for f in outcome.doc["findings"]}
    # ... and says so in a bounded message: ten names of the 4,001, and the count.
    assert messages[12000] == (
        "Profile `p3999` breaks the credential chain of profile `p0`: profile formed an "
        "infinite loop: p0 -> p1 -> p2 -> p3 -> p4 -> p5 -> p6 -> ... -> p3999 -> p0 "
        "(4000 links)")
    assert max(len(m) for m in messages.values()) < 300


def test_attack_06_files_too_large_to_analyse_are_al900_and_scanned(tmp_path: Path) -> None:
    """With max-file-size raised, a 200 MB .tf took 517 s and 21.5 GB, and an INI file
    with 10^6 sections 38 s and 2.9 GB. Whatever the limit, a file is parsed only up to
    200,000 lines and 32 MiB; a larger one is AL900 "too large to analyse" and still
    scanned for keys (memory: a few times its size). 20 MB stands for 200 MB here."""
    block = ('resource "aws_iam_role" "r{i}" {{\n  name = "r{i}"\n}}\n')
    body = "".join(block.format(i=i) for i in range(400_000))  # 21 MB, 1.2 million lines
    root = write(tmp_path / "repo", {
        "big/main.tf": 'provider "aws" {\n  access_key = "AKIAQYLPMN5HHHFPZAM2"\n}\n' + body,
        ".aws/config": "".join(f"[profile p{i}]\nregion = eu-west-1\n"
                               for i in range(1_000_000)),
        "small/main.tf": GOOD_TF.replace("AM2", "AM3"),
    })
    outcome = capped_cli(root, "--config", str(write(tmp_path, {
        "big.toml": "max-file-size = 1000000000\n"}) / "big.toml"))
    assert outcome.code == 2
    assert sorted(outcome.rows) == sorted([
        ("AL900", ".aws/config", 1, 1),
        ("AL201", "big/main.tf", 2, 17),  # the text scan found the key
        ("AL900", "big/main.tf", 1, 1),
        ("AL201", "small/main.tf", 2, 3),  # the rest of the tree is linted as usual
    ])
    messages = {f["path"]: f["message"] for f in outcome.doc["findings"]
                if f["rule_id"] == "AL900"}
    assert messages[".aws/config"] == (
        "cannot parse: too large to analyse: 36,888,890 characters (at most 200,000 lines and "
        "32 MiB are parsed, whatever max-file-size allows); the file was only scanned "
        "for keys")
    assert messages["big/main.tf"].startswith("cannot parse: too large to analyse: 1,200,004 lines")


# --------------------------------------------------------------------------- 7


def test_attack_07_a_non_utf8_folder_name_is_linted_and_reported(tmp_path: Path) -> None:
    """``mkdir $'x\\xff'`` aborted the run: "internal error: UnicodeEncodeError" from the
    cache digest, exit 2, no report."""
    root = tree(tmp_path / "repo")
    odd = Path(os.fsdecode(bytes(root) + b"/x\xff"))
    odd.mkdir()
    (odd / "main.tf").write_text(GOOD_TF.replace("AM2", "AM3"))
    expected = [("AL201", "good/main.tf", 2, 3), ("AL201", "x\udcff/main.tf", 2, 3)]
    for _ in range(2):  # cold, then served from the model cache
        assert run(*on(root), "-f", "json").rows == expected
    for fmt in ("text", "sarif", "markdown", "html", "github", "gitlab"):
        outcome = run(*on(root), "-f", fmt, "-o", str(tmp_path / f"report.{fmt}"))
        assert outcome.code == 1, (fmt, outcome.err)
        assert (tmp_path / f"report.{fmt}").stat().st_size > 0
    for fmt in ("mermaid", "dot", "json"):
        assert run("graph", *on(root), "-f", fmt).code == 0
    assert run(*on(root), "--write-baseline", str(tmp_path / "baseline.json")).code == 1
    assert run(*on(root), "--baseline", str(tmp_path / "baseline.json"), "-f", "json").rows == []
    # in a real process, with real (surrogate-escaped) file system encoding
    result = cli(*on(root), "-f", "json", cwd=root)
    assert result.returncode == 1 and "internal error" not in result.stderr
    assert result.stdout.count('"rule_id": "AL201"') == 2
    # JSON documents stay valid UTF-8: the undecodable byte is a \udcff escape in them
    for argv in (("-f", "json"), ("-f", "sarif"), ("-f", "gitlab"), ("graph", "-f", "json")):
        head = ("graph",) if argv[0] == "graph" else ()
        raw = subprocess.run([sys.executable, "-m", "assume_lint", *head, *on(root),
                              *argv[len(head):]], capture_output=True, cwd=root,
                             check=False).stdout
        shown = json.dumps(json.loads(raw.decode("utf-8")), ensure_ascii=False)
        assert ("x%FF/main.tf" if argv[-1] == "sarif" else "x\udcff") in shown, argv


# --------------------------------------------------------------------------- 8


def test_attack_08_a_4301_digit_number_costs_no_finding_elsewhere(tmp_path: Path) -> None:
    """A 4,301-digit integer (Python's int-string limit) in variables.tf became an
    "internal error" AL900 on every file of the module, and main.tf's AL202 vanished."""
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLE12"
    root = write(tmp_path / "repo", {
        "mod/main.tf": ('provider "aws" {\n  access_key = "AKIAQYLPMN5HHHFPZAM2"\n'
                        f'  secret_key = "{secret}"\n}}\n'),
        "mod/variables.tf": ('variable "n" {\n  default = ' + "1" * 4301 + "\n}\n"
                             "locals {\n  x = var.n + 1\n}\n"),
    })
    assert run(*on(root), "-f", "json").rows == [("AL201", "mod/main.tf", 2, 3),
                                                 ("AL202", "mod/main.tf", 3, 3)]


def test_attack_08_a_parser_failure_is_pinned_on_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Any parser failure, not only that one: the file that causes it gets the AL900,
    its siblings keep their findings."""
    from assume_lint.parsers import terraform

    real = terraform.parse_unit

    def fragile(files: Sequence[Any]) -> Any:
        if any("EXPLODE" in f.text for f in files):
            raise ValueError("the parser met something it did not expect")
        return real(files)

    monkeypatch.setattr(terraform, "parse_unit", fragile)
    root = tree(tmp_path / "repo", {"good/variables.tf": 'variable "x" {\n  # EXPLODE\n}\n'})
    outcome = run(*on(root), "--no-cache", "-f", "json")
    assert outcome.code == 2
    assert outcome.rows == [("AL201", "good/main.tf", 2, 3), ("AL900", "good/variables.tf", 1, 1)]
    assert outcome.doc["findings"][1]["message"] == (
        "cannot parse: internal error while parsing (ValueError: the parser met something "
        "it did not expect)")


# --------------------------------------------------------------------------- 9


def _units(root: Path, count: int) -> Path:
    block = ('resource "aws_iam_role" "r{0}" {{\n  name = "r{0}"\n'
             '  assume_role_policy = "{{}}"\n}}\n')
    return tree(root, {f"m{i:03d}/main.tf": "".join(block.format(j) for j in range(300))
                       for i in range(count)})


def test_attack_09_worker_counts_are_capped() -> None:
    """--jobs 500 forked 500 workers for 58 units; --jobs 99999999999999999999 raised
    OverflowError."""
    from assume_lint.files.workers import worker_count

    cpus = os.cpu_count() or 1
    assert worker_count(500, 58) == min(58, 2 * cpus)
    assert worker_count(99999999999999999999, 58) == min(58, 2 * cpus)
    assert worker_count(4, 2) == min(2, 2 * cpus)
    assert worker_count(1, 58) == 1 and worker_count(8, 0) == 1


def test_attack_09_huge_jobs_values_lint_normally(tmp_path: Path) -> None:
    root = _units(tmp_path / "repo", 3)
    serial = run(*on(root), "--no-cache", "--jobs", "1", "-f", "json")
    for jobs in ("99999999999999999999", "500"):
        assert run(*on(root), "--no-cache", "--jobs", jobs, "-f", "json").out == serial.out


def test_attack_09_fork_failure_falls_back_to_serial(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under a process limit fork fails with EAGAIN: "internal error: BlockingIOError",
    no report, 196 orphans. The second fork fails here, as a limit would."""
    import multiprocessing
    from multiprocessing import popen_fork

    root = _units(tmp_path / "repo", 6)
    serial = run(*on(root), "--no-cache", "--jobs", "1", "-f", "json")
    launched = []
    real = popen_fork.Popen._launch

    def limited(self: Any, process_obj: Any) -> None:
        if launched:
            raise BlockingIOError(11, "Resource temporarily unavailable")
        launched.append(process_obj)
        real(self, process_obj)

    monkeypatch.setattr(popen_fork.Popen, "_launch", limited)
    parallel = run(*on(root), "--no-cache", "--jobs", "4", "-f", "json")
    assert launched, "a worker was started before the limit hit"
    assert parallel.out == serial.out and parallel.code == serial.code
    assert multiprocessing.active_children() == []  # the started worker was reaped


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = stat_fields(entry.name)
            if fields is not None and int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    fields = stat_fields(pid)
    return fields is not None and fields[0] != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")
@pytest.mark.parametrize(("signum", "code", "said"), [
    (signal.SIGTERM, 143, "assume-lint: terminated"),
    (signal.SIGINT, 130, "assume-lint: interrupted"),  # Ctrl-C: the issue asks for both
], ids=["SIGTERM", "SIGINT"])
def test_attack_09_a_signal_stops_the_workers(
    tmp_path: Path, signum: int, code: int, said: str
) -> None:
    """SIGTERM during a --jobs 4 run left 4 workers orphaned. On a loaded machine the
    run can end between seeing its workers and the signal (exit 1, a summary line):
    then a bigger tree is tried."""
    for units in (40, 160):
        root = _units(tmp_path / f"repo-{units}", units)
        process = subprocess.Popen(
            [sys.executable, "-m", "assume_lint", *on(root), "--no-cache", "--jobs", "4",
             "-f", "json"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            preexec_fn=interruptible)
        workers: set[int] = set()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(workers) < 2 and process.poll() is None:
            workers = _children(process.pid)
            time.sleep(0.02)
        assert len(workers) >= 2, "the run finished before its workers could be seen"
        process.send_signal(signum)
        _, err = process.communicate(timeout=60)
        if process.returncode == 1 and " in " in err.strip().splitlines()[-1]:
            continue  # "N findings ... in M files": it ended before the signal
        break
    assert process.returncode == code, err[-500:]
    assert err.strip().splitlines()[-1] == said
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in workers), "orphaned workers"


def _nobody_can_run() -> bool:
    probe = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                            sys.executable, "-c", "import assume_lint.cli"],
                           capture_output=True, check=False) if shutil.which("setpriv") else None
    return probe is not None and probe.returncode == 0


def test_attack_09_a_real_process_limit(tmp_path: Path) -> None:
    """The attack as it was made: --jobs 1000 as an unprivileged user whose process
    limit is lower than the workers asked for (root ignores RLIMIT_NPROC, and so does
    uid 0 mapped into a user namespace: this needs a real other user)."""
    if os.geteuid() == 0 and not _nobody_can_run():
        pytest.skip("as root, a process limit needs another user, and 'nobody' cannot "
                    "read this installation (its venv is private): covered in-process "
                    "by test_attack_09_fork_failure_falls_back_to_serial")
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="attack09-", dir="/tmp"))
    try:
        root = _units(base / "repo", 6)
        for path in [base, *base.rglob("*")]:
            path.chmod(0o777 if path.is_dir() else 0o666)
        prefix: tuple[str, ...] = ("prlimit", "--nproc=3")  # set by root, then dropped
        if os.geteuid() == 0:
            prefix += ("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups")
        result = cli(*on(root), "--no-cache", "--jobs", "1000", "-f", "json", "-o",
                     str(base / "report.json"), cwd=root, prefix=prefix)
        assert result.returncode == 1, result.stderr
        assert json.loads((base / "report.json").read_text())["findings"][0]["rule_id"] == (
            "AL201")
    finally:
        shutil.rmtree(base, ignore_errors=True)


# --------------------------------------------------------------------------- 10


def test_attack_10_an_unreadable_file_named_on_the_command_line(tmp_path: Path) -> None:
    """It was a click usage error: the other files were not linted, no SARIF written."""
    prefix = unprivileged()
    root = write(tmp_path / "repo", {"good.tf": GOOD_TF, "secret.tf": GOOD_TF})
    open_to_others(prefix, tmp_path)
    (root / "secret.tf").chmod(0)
    result = cli("good.tf", "secret.tf", "--repo-root", ".", "--no-config", "-f", "sarif",
                 "-o", "out.sarif", cwd=root, prefix=prefix)
    assert result.returncode == 2, result.stderr
    log = json.loads((root / "out.sarif").read_text())
    rows = [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
             r["message"]["text"]) for r in log["runs"][0]["results"]]
    assert [row[:2] for row in rows] == [("AL201", "good.tf"), ("AL900", "secret.tf")]
    assert rows[1][2].startswith("cannot parse: permission denied")


# --------------------------------------------------------------------------- 12


def test_attack_12_graph_reports_files_that_fail_to_parse(tmp_path: Path) -> None:
    """``assume-lint graph`` exited 0 and said nothing when files failed to parse."""
    root = tree(tmp_path / "repo", {"broken/main.tf": BROKEN_TF})
    for fmt in ("mermaid", "dot", "json"):
        outcome = run("graph", *on(root), "-f", fmt)
        assert outcome.code == 2
        assert outcome.out  # the graph of what could be read is still drawn
        assert outcome.err.strip().splitlines() == [
            "assume-lint: broken/main.tf:2:12: cannot parse: invalid HCL: unexpected '= 1'"]
    assert run("graph", *on(tree(tmp_path / "clean"))).code == 0
