"""No secret from the scanned files ever reaches an output unmasked.

Real-shaped secrets (access key ids AKIA/ASIA + 16 base32 characters, 40-character
secret access keys, 300-character session tokens) are fed through every path a value
can travel: Terraform provider and backend fields, an AWS credentials file, trust JSON
that accidentally holds keys, broken files whose AL900 message quotes the offending
token, file names, and exceptions raised inside a parser or a rule; and (issue 19,
attack 3) secrets written after a secret-looking name in every form a file uses:
``KEY=value`` in a ``.env``, ``export AWS_SECRET_ACCESS_KEY=...`` in a ``user_data``
heredoc, a ``# secret=...`` comment, a ``&secret=...`` URL parameter, a tfvars secret of
letters only, a suppression reason (``-- old secret=...``) and a session name
(``k=...``) that becomes a graph label, and URL passwords (``https://ci:...@host`` in
a comment, ``DATABASE_URL=postgres://app:...@db`` in a ``.env``). Each scenario runs in
every output: text, JSON and SARIF (stdout and ``--output``, with and without
``--include-suppressed``), Markdown and HTML (whose excerpts print the lines around
each finding), the graph in Mermaid, DOT and JSON, the GitHub and GitLab formats,
``--list-files``, ``--statistics``, a ``--jobs 2`` run, ``--write-baseline`` and
``--baseline``; then every byte written (stdout, stderr, output files, the baseline,
the model cache) is searched for every raw secret. Each scenario is its own test so
that a leak names its path.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assume_lint.cli import main


def _key(prefix: str, seed: str) -> str:
    """``prefix`` + 16 base32 characters, derived from ``seed``: an access key id."""
    body = base64.b32encode(hashlib.sha256(seed.encode()).digest()).decode()[:16]
    return prefix + body


def _secret(seed: str) -> str:
    """40 base64 characters mixing letters and digits: a secret access key."""
    raw = base64.b64encode(hashlib.sha512(seed.encode()).digest()).decode()
    out = raw.replace("=", "")[:38] + "7q"
    assert len(out) == 40 and any(c.isdigit() for c in out)
    return out


def _token(seed: str) -> str:
    """A 300-character session token (base64, like STS's)."""
    blob = b"".join(hashlib.sha512(f"{seed}{i}".encode()).digest() for i in range(4))
    return ("FwoGZXIvYXdzE" + base64.b64encode(blob).decode())[:300]


PROVIDER_KEY = _key("AKIA", "provider")
PROVIDER_SECRET = _secret("provider")
PROVIDER_TOKEN = _token("provider")
BACKEND_KEY = _key("ASIA", "backend")
BACKEND_SECRET = _secret("backend")
BACKEND_TOKEN = _token("backend")
PROFILE_KEY = _key("AKIA", "profile")
PROFILE_SECRET = _secret("profile")
PROFILE_TOKEN = _token("profile")
TRUST_KEY = _key("AKIA", "trust")
TRUST_SECRET = _secret("trust")
BROKEN_KEY = _key("AKIA", "broken")
BROKEN_SECRET = _secret("broken")
NAME_KEY = _key("AKIA", "file-name")
EXCEPTION_SECRET = _secret("exception")
GOOD_KEY = _key("AKIA", "good")

GOOD_TF = f'provider "aws" {{\n  access_key = "{GOOD_KEY}"\n}}\n'


def _letters(seed: str) -> str:
    """40 letters, no digit: a secret no shape test recognises (only its name tells)."""
    raw = hashlib.sha512(seed.encode()).hexdigest()
    return "".join(chr(ord("a") + int(c, 16)) if i % 2 else chr(ord("A") + int(c, 16))
                   for i, c in enumerate(raw))[:40]


HEREDOC_SECRET = _secret("heredoc")
ENV_SECRET = _secret("dotenv")
COMMENT_SECRET = _secret("comment")
URL_SECRET = _secret("url")
TFVARS_SECRET = _letters("tfvars")
REASON_SECRET = _secret("reason")
SESSION_SECRET = _secret("session")
JSON_SECRET = _letters("json-client-secret")
URL_PASSWORD = _letters("url-password")
DATABASE_PASSWORD = _letters("database-url")

SCENARIOS: dict[str, tuple[dict[str, str], tuple[str, ...]]] = {
    "terraform-provider": ({"tf/main.tf": (
        'provider "aws" {\n'
        f'  access_key = "{PROVIDER_KEY}"\n'
        f'  secret_key = "{PROVIDER_SECRET}"\n'
        f'  token      = "{PROVIDER_TOKEN}"\n'
        "  assume_role {\n"
        '    role_arn = "arn:aws:iam::222222222222:role/deploy"\n'
        "  }\n"
        "}\n")}, (PROVIDER_KEY, PROVIDER_SECRET, PROVIDER_TOKEN)),
    "terraform-backend": ({"tf/backend.tf": (
        "terraform {\n"
        '  backend "s3" {\n'
        '    bucket     = "state"\n'
        '    key        = "a/terraform.tfstate"\n'
        f'    access_key = "{BACKEND_KEY}"\n'
        f'    secret_key = "{BACKEND_SECRET}"\n'
        f'    token      = "{BACKEND_TOKEN}"\n'
        "  }\n"
        "}\n")}, (BACKEND_KEY, BACKEND_SECRET, BACKEND_TOKEN)),
    "aws-credentials": ({"home/.aws/credentials": (
        "[default]\n"
        f"aws_access_key_id = {PROFILE_KEY}\n"
        f"aws_secret_access_key = {PROFILE_SECRET}\n"
        f"aws_session_token = {PROFILE_TOKEN}\n"), "home/.aws/config": (
        "[profile dev]\nrole_arn = arn:aws:iam::111111111111:role/dev\n"
        "source_profile = default\n")}, (PROFILE_KEY, PROFILE_SECRET, PROFILE_TOKEN)),
    "trust-json-with-keys": ({"iam/trust.json": (
        '{\n  "Version": "2012-10-17",\n  "Statement": [{\n'
        f'    "Sid": "{TRUST_KEY}",\n'
        '    "Effect": "Allow",\n'
        f'    "Principal": {{"AWS": "{TRUST_KEY}"}},\n'
        '    "Action": "sts:AssumeRole",\n'
        f'    "Condition": {{"StringEquals": {{"sts:ExternalId": "{TRUST_SECRET}"}}}}\n'
        "  }]\n}\n")}, (TRUST_KEY, TRUST_SECRET)),
    "broken-terraform-quotes-the-key": ({"broken/main.tf": (
        'provider "aws" {\n'
        f'  access_key "{BROKEN_KEY}"\n'
        f"  secret_key = {BROKEN_SECRET} {BROKEN_SECRET}\n"
        "}\n")}, (BROKEN_KEY, BROKEN_SECRET)),
    "broken-terraform-bare-secret": ({"broken/main.tf": (
        f'provider "aws" {{\n  {BROKEN_SECRET}\n}}\n')}, (BROKEN_SECRET,)),
    "broken-json-quotes-the-key": ({"broken/policy.json": (
        '{"Statement": [{"Action": "sts:AssumeRole", '
        f'"Principal": {{"AWS": {BROKEN_KEY}}}, "Sid": {BROKEN_SECRET}}}]}}\n')},
        (BROKEN_KEY, BROKEN_SECRET)),
    "broken-aws-config-quotes-the-key": ({"broken/.aws/config": (
        f"[profile {BROKEN_KEY}\n{BROKEN_SECRET}\n"
        f"[profile x]\naws_secret_access_key {BROKEN_SECRET}\n")},
        (BROKEN_KEY, BROKEN_SECRET)),
    "file-name-holds-a-key": ({f"names/{NAME_KEY}.tf": GOOD_TF.replace(GOOD_KEY, PROVIDER_KEY),
                               f"names/{NAME_KEY}/main.tf": "{{{\n"},
                              (NAME_KEY, PROVIDER_KEY)),
    # Issue 19, attack 3: every secret sits within two lines of a finding, so the HTML
    # report's excerpts print its line.
    "key-value-forms": ({
        "app/main.tf": (
            'resource "aws_instance" "web" {\n'
            '  ami       = "ami-123"\n'
            "  user_data = <<-EOT\n"
            "    #!/bin/bash\n"
            f"    export AWS_ACCESS_KEY_ID={_key('AKIA', 'heredoc')}\n"
            f"    export AWS_SECRET_ACCESS_KEY={HEREDOC_SECRET}\n"
            "  EOT\n"
            "}\n"
            f"# secret={COMMENT_SECRET}\n"
            'provider "aws" {\n'
            f'  access_key = "{_key("AKIA", "comment")}"\n'
            f"  # callback https://hooks.example.com/x?team=a&secret={URL_SECRET}\n"
            f"  # mirror https://ci:{URL_PASSWORD}@registry.example.com/v2\n"
            "  secret_key = var.secret_key\n"
            "}\n"
            'provider "aws" {\n'
            '  alias      = "old"\n'
            f'  access_key = "{_key("AKIA", "reason")}" # assume-lint: ignore[AL201] -- '
            f"old secret={REASON_SECRET}\n"
            "  assume_role {\n"
            '    role_arn     = "arn:aws:iam::111111111111:role/deploy"\n'
            f'    session_name = "k={SESSION_SECRET}"\n'
            "  }\n"
            "}\n"
            'variable "secret_key" {\n  type = string\n}\n'),
        "app/terraform.tfvars": (f'access_key = "{_key("AKIA", "tfvars")}"\n'
                                 f'ci_secret  = "{TFVARS_SECRET}"\n'),
        "app/.env": (f"AWS_ACCESS_KEY_ID={_key('AKIA', 'dotenv')}\n"
                     f"AWS_SECRET_KEY={ENV_SECRET}\n"
                     f"DATABASE_URL=postgres://app:{DATABASE_PASSWORD}@db.internal/app\n"),
        "iam/trust.json": (
            '{\n  "Version": "2012-10-17",\n'
            f'  "client_secret": "{JSON_SECRET}",\n'
            '  "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"},\n'
            '    "Action": "sts:AssumeRole"}]\n}\n'),
    }, (HEREDOC_SECRET, ENV_SECRET, COMMENT_SECRET, URL_SECRET, TFVARS_SECRET, REASON_SECRET,
        SESSION_SECRET, JSON_SECRET, URL_PASSWORD, DATABASE_PASSWORD, _key("AKIA", "heredoc"),
        _key("AKIA", "comment"),
        _key("AKIA", "reason"), _key("AKIA", "tfvars"), _key("AKIA", "dotenv"))),
}

# Scenarios that leak today; each reason names the code path (see the report). Paths
# named after a key id are masked in every output (see secrets.mask_text).
LEAKS: dict[str, str] = {}


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private parse-cache folder, so that it can be searched too."""
    home = tmp_path / "xdg"
    home.mkdir()
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home


def _options() -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        main(["check", "--help"])
    return out.getvalue()


OPTIONS = _options()


def _invoke(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def _runs(root: Path, outdir: Path) -> Iterator[tuple[str, int, str, str]]:
    """Every output mode over ``root``: (label, exit code, stdout, stderr)."""
    base = [str(root), "--repo-root", str(root), "--no-config"]
    extras: list[list[str]] = [[], ["--include-suppressed"]] \
        if "--include-suppressed" in OPTIONS else [[]]
    if "--verbose" in OPTIONS:
        extras.append(["--verbose"])
    for fmt in ("text", "json", "sarif"):
        for extra in extras:
            label = f"{fmt}{''.join(extra)}"
            yield (label, *_invoke([*base, "--format", fmt, *extra]))
            target = outdir / f"report-{fmt}{len(extra)}"
            yield (f"{label}>file", *_invoke([*base, "--format", fmt, "--output", str(target),
                                               *extra]))
    for fmt in ("markdown", "html", "github", "gitlab"):  # the other formats of check
        for extra in extras:
            yield (f"{fmt}{''.join(extra)}", *_invoke([*base, "--format", fmt, *extra]))
        target = outdir / f"report.{fmt}"
        yield (f"{fmt}>file", *_invoke([*base, "--format", fmt, "--include-suppressed",
                                         "--output", str(target)]))
    for fmt in ("mermaid", "dot", "json"):  # the graph command
        code, out, err = _invoke(["graph", *base, "--format", fmt])
        assert code in (0, 2) and out, (fmt, code, err)  # drawn (2: a parse error too)
        yield (f"graph-{fmt}", code, out, err)
        target = outdir / f"graph.{fmt}"
        yield (f"graph-{fmt}>file", *_invoke(["graph", *base, "--format", fmt,
                                               "--output", str(target)]))
    # the listings that print paths or counts, and parsing in worker processes
    for extra in (["--list-files"], ["--statistics"],
                  ["--jobs", "2", "--no-cache", "--format", "json"]):
        assert extra[0] in OPTIONS, extra
        yield (" ".join(extra), *_invoke([*base, *extra]))
    if "--write-baseline" in OPTIONS:
        target = outdir / "baseline.json"
        yield ("write-baseline", *_invoke([*base, "--write-baseline", str(target)]))
        yield ("with-baseline", *_invoke([*base, "--baseline", str(target),
                                           "--format", "json"]))


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in {"good/main.tf": GOOD_TF, **files}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _leaks(secrets: tuple[str, ...], texts: dict[str, bytes]) -> list[str]:
    found = []
    for where, data in texts.items():
        for secret in secrets:
            if secret.encode() in data:
                found.append(f"{secret[:4]}... in {where}")
    return found


def _all_written(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (output files, baselines, cache entries)."""
    return {str(path.relative_to(folder.parent)): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def _scenario_params() -> list[Any]:
    params = []
    for name in SCENARIOS:
        marks = [pytest.mark.xfail(strict=True, reason=LEAKS[name])] if name in LEAKS else []
        params.append(pytest.param(name, marks=marks, id=name))
    return params


@pytest.mark.parametrize("name", _scenario_params())
def test_no_secret_in_any_output(tmp_path: Path, cache_home: Path, name: str) -> None:
    files, secrets = SCENARIOS[name]
    root = _write(tmp_path / "repo", files)
    outdir = tmp_path / "out"
    outdir.mkdir()
    texts: dict[str, bytes] = {}
    codes = {}
    for label, code, out, err in _runs(root, outdir):
        codes[label] = code
        texts[f"{label}:stdout"] = out.encode("utf-8", "surrogateescape")
        texts[f"{label}:stderr"] = err.encode("utf-8", "surrogateescape")
        assert "Traceback" not in err, (label, err)
    texts.update(_all_written(outdir))
    texts.update(_all_written(cache_home))  # the model cache: encrypted, never in clear
    assert any(p.is_file() for p in cache_home.rglob("*")), "the runs filled the model cache"
    assert codes["json"] in (1, 2)
    # The good file's key was found (and masked): the run really linted.
    masked_good = GOOD_KEY[:4] + "*" * 12 + GOOD_KEY[-4:]
    assert masked_good in texts["json:stdout"].decode()
    assert not _leaks((*secrets, GOOD_KEY), texts)


def _masked(secret: str) -> str:
    return secret[:4] + "*" * (len(secret) - 8) + secret[-4:]


def test_key_value_forms_reach_every_output_masked(tmp_path: Path, cache_home: Path) -> None:
    """The leak test above could pass because a line was never printed; here each form
    is shown to be printed, masked, where the attack found it whole."""
    files, _ = SCENARIOS["key-value-forms"]
    root = _write(tmp_path / "repo", files)
    base = [str(root), "--repo-root", str(root), "--no-config"]
    html = _invoke([*base, "-f", "html", "--include-suppressed"])[1]
    for secret in (HEREDOC_SECRET, ENV_SECRET, COMMENT_SECRET, URL_SECRET, TFVARS_SECRET,
                   REASON_SECRET, SESSION_SECRET, URL_PASSWORD, DATABASE_PASSWORD):
        assert _masked(secret) in html, secret  # excerpt, reason or graph label, masked
    assert f"https://ci:{_masked(URL_PASSWORD)}@registry.example.com/v2" in html
    for fmt in ("json", "sarif"):
        out = _invoke([*base, "-f", fmt, "--include-suppressed"])[1]
        assert f"old secret={_masked(REASON_SECRET)}" in out, fmt  # the suppression reason
    for fmt in ("mermaid", "dot", "json"):
        out = _invoke(["graph", *base, "-f", fmt])[1]
        assert f"k={_masked(SESSION_SECRET)}" in out, fmt  # the session-name label
    markdown = _invoke([*base, "-f", "markdown"])[1]
    assert f"k={_masked(SESSION_SECRET)}" in markdown


def test_secret_in_a_parser_exception_is_masked(tmp_path: Path, cache_home: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from assume_lint.parsers import aws_config

    def explode(files: Any) -> Any:
        raise ValueError(f"cannot handle {EXCEPTION_SECRET} near {BROKEN_KEY}")

    monkeypatch.setattr(aws_config, "parse_unit", explode)
    root = _write(tmp_path / "repo", {"p/.aws/config": "[profile a]\nregion = x\n"})
    texts = {}
    for fmt in ("text", "json", "sarif"):
        code, out, err = _invoke([str(root), "--repo-root", str(root), "--no-config",
                                  "--no-cache", "--format", fmt])
        assert code == 2
        texts[f"{fmt}:stdout"], texts[f"{fmt}:stderr"] = out.encode(), err.encode()
    assert b"cannot handle" in texts["json:stdout"]  # the message itself is kept
    assert not _leaks((EXCEPTION_SECRET, BROKEN_KEY), texts)


def test_secret_in_a_rule_exception_is_masked(tmp_path: Path, cache_home: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import dataclasses

    from assume_lint.engine import pipeline as engine
    from assume_lint.model.registry import all_rules

    def explode(model: Any, ctx: Any) -> Any:
        raise RuntimeError(f"rule crashed on {EXCEPTION_SECRET} / {BROKEN_KEY}")

    rule = next(r for r in all_rules() if r.id == "AL201")
    broken = dataclasses.replace(rule, check=explode)
    monkeypatch.setattr(engine, "select_rules", lambda config: [broken])
    root = _write(tmp_path / "repo", {})
    code, out, err = _invoke([str(root), "--repo-root", str(root), "--no-config",
                              "--no-cache"])
    assert code == 2
    assert "rule crashed on" in out + err
    assert not _leaks((EXCEPTION_SECRET, BROKEN_KEY), {"stdout": out.encode(),
                                                       "stderr": err.encode()})


def test_parse_cache_holds_no_raw_secret(tmp_path: Path, cache_home: Path) -> None:
    files, secrets = SCENARIOS["terraform-provider"]
    root = _write(tmp_path / "repo", files)
    code, out, err = _invoke([str(root), "--repo-root", str(root), "--no-config"])
    assert code == 1, err
    entries = _all_written(cache_home)
    assert not _leaks((*secrets, GOOD_KEY), entries)
