"""Terragrunt files into the model: exact values and locations, heredoc line mapping,
malformed input and sniffing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from assume_lint.cli import main
from assume_lint.files.sources import SourceFile, read_source
from assume_lint.model import AssumeAttempt, Attr, Credential, Model, ParseProblem
from assume_lint.model.findings import Location
from assume_lint.parsers import SNIFF_HCL, detect_by_path, sniff, terragrunt

FIXTURES = Path(__file__).parent / "fixtures" / "terragrunt"
SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "terragrunt"


def _fixture(name: str, file: str = "terragrunt.hcl") -> Model:
    loaded = read_source(FIXTURES / name / file, f"{name}/{file}")
    assert isinstance(loaded, SourceFile)
    return terragrunt.parse_unit([loaded])


def _text(text: str, rel: str = "live/app/terragrunt.hcl") -> Model:
    return terragrunt.parse_unit([SourceFile(Path(rel), rel, text)])


def _copy_fixtures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *names: str) -> None:
    """Some fixture folders in a tree outside the repository, as the working directory
    (inside the checkout, paths would be relative to its git root)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    for name in names:
        shutil.copytree(FIXTURES / name, tmp_path / "tree" / name)
    monkeypatch.chdir(tmp_path / "tree")


def _loc(rel: str, line: int, column: int, end_column: int) -> Location:
    return Location(rel, line, column, line, end_column)


# --------------------------------------------------------------------------- basic

BASIC = "basic/terragrunt.hcl"


def test_iam_role_with_locals_duration_and_get_env_default() -> None:
    attempt = _fixture("basic").attempts[0]
    assert attempt == AssumeAttempt(
        kind="terragrunt",
        caller="Terragrunt iam_role",
        address="iam_role",
        location=_loc(BASIC, 6, 1, 9),
        role_arn=Attr(
            "arn:aws:iam::111111111111:role/deploy",
            _loc(BASIC, 6, 1, 9),
            '"arn:aws:iam::${local.account}:role/${local.role_name}"',
        ),
        session_name=Attr("tg-basic", _loc(BASIC, 8, 1, 29), 'get_env("TG_SESSION", "tg-basic")'),
        duration=Attr("7200", _loc(BASIC, 7, 1, 25)),
        module="basic",
    )


def test_remote_state_backend_with_assume_role_and_deprecated_role_arn() -> None:
    attempt = _fixture("basic").attempts[1]
    assert attempt == AssumeAttempt(
        kind="backend",
        caller='remote_state "s3"',
        address="remote_state.s3",
        location=_loc(BASIC, 17, 5, 16),
        role_arn=Attr("arn:aws:iam::222222222222:role/tf-state", _loc(BASIC, 18, 7, 15)),
        external_id=Attr("ext-1", _loc(BASIC, 19, 7, 18)),
        module="basic",
        deprecated=(("role_arn", _loc(BASIC, 14, 5, 13)),),
        static_keys=True,  # access_key in the config: the source credentials are keys
    )


def test_remote_state_credentials() -> None:
    assert _fixture("basic").credentials == [
        Credential(
            "access-key-id",
            "access_key",
            "AKIAIOSFODNN7EXAMPLE",
            _loc(BASIC, 15, 5, 15),
            'remote_state "s3"',
        ),
        Credential("secret-key", "secret_key", None, _loc(BASIC, 16, 5, 15), 'remote_state "s3"'),
    ]


def test_generated_provider_indented_heredoc_maps_lines_and_columns() -> None:
    attempt = _fixture("basic").attempts[2]
    assert attempt == AssumeAttempt(
        kind="provider",
        caller='provider "aws"',
        address="provider.aws",
        location=_loc(BASIC, 30, 7, 18),
        role_arn=Attr("arn:aws:iam::111111111111:role/admin", _loc(BASIC, 31, 9, 17)),
        session_name=Attr(None, _loc(BASIC, 32, 9, 21), '"${include.root.locals.session}"'),
        duration=Attr("3600", _loc(BASIC, 33, 9, 17), "1h"),
        module="basic",
    )


def test_generated_backend_plain_heredoc_maps_lines() -> None:
    attempt = _fixture("basic").attempts[3]
    assert attempt.kind == "backend" and attempt.address == "terraform.backend.s3"
    assert attempt.location == _loc(BASIC, 46, 5, 16)
    assert attempt.role_arn == Attr(
        "arn:aws:iam::333333333333:role/gen-state", _loc(BASIC, 47, 7, 15)
    )
    assert attempt.module == "basic"


def test_generated_non_tf_file_is_not_parsed() -> None:
    model = _fixture("basic")
    assert len(model.attempts) == 4  # the "vars" generate (terraform.tfvars) adds nothing
    assert model.problems == [] and model.roles == []


def test_remote_state_without_role_and_inherited_iam_role() -> None:
    model = _fixture("inherit")
    rel = "inherit/terragrunt.hcl"
    kinds = [(a.kind, a.location.line, a.location.column) for a in model.attempts]
    assert kinds == [("terragrunt", 1, 1), ("backend", 4, 1), ("provider", 17, 7)]
    backend = model.attempts[1]
    assert backend.role_arn is None and backend.module == "inherit"
    assert model.attempts[2].role_arn == Attr(
        "arn:aws:iam::999999999999:role/other", _loc(rel, 18, 9, 17)
    )


# --------------------------------------------------------------------------- inline cases


def test_remote_state_attribute_form_and_non_s3_backend() -> None:
    model = _text(
        "remote_state = {\n"
        '  backend = "s3"\n'
        "  config = {\n"
        '    assume_role = { role_arn = "arn:aws:iam::111111111111:role/s" }\n'
        "  }\n"
        "}\n"
        "remote_state {\n"
        '  backend = "gcs"\n'
        '  config = { bucket = "x" }\n'
        "}\n"
    )
    [attempt] = model.attempts
    rel = "live/app/terragrunt.hcl"
    assert attempt.kind == "backend" and attempt.location == _loc(rel, 4, 5, 16)
    assert attempt.role_arn == Attr("arn:aws:iam::111111111111:role/s", _loc(rel, 4, 21, 29))
    assert attempt.module == "live/app"


def test_unresolvable_values_stay_unknown() -> None:
    model = _text(
        "iam_role = include.root.locals.role\n"
        'iam_assume_role_session_name = get_env("TG_SESSION")\n'
        "remote_state {\n"
        '  backend = "s3"\n'
        "  config = {\n"
        "    role_arn = dependency.state.outputs.role\n"
        "    session_name = find_in_parent_folders()\n"
        "  }\n"
        "}\n"
    )
    tg, backend = model.attempts
    assert tg.role_arn is not None and tg.role_arn.value is None
    assert tg.role_arn.source == "include.root.locals.role"
    assert tg.session_name is not None and tg.session_name.value is None
    assert backend.role_arn is not None and backend.role_arn.value is None
    assert backend.location.line == 6  # anchored at the deprecated role_arn
    assert backend.session_name is not None and backend.session_name.value is None


def test_empty_iam_role_assumes_nothing() -> None:
    assert _text('iam_role = ""\n').attempts == []


def test_provider_from_local_heredoc_is_located_at_the_local() -> None:
    model = _text(
        "locals {\n"
        "  provider = <<EOF\n"
        'provider "aws" {\n'
        '  assume_role { role_arn = "arn:aws:iam::111111111111:role/x" }\n'
        "}\n"
        "EOF\n"
        "}\n"
        'generate "provider" {\n'
        '  path     = "provider.tf"\n'
        "  contents = local.provider\n"
        "}\n"
    )
    [attempt] = model.attempts
    assert attempt.location.line == 4 and attempt.location.column == 3
    assert attempt.role_arn is not None and attempt.role_arn.location.line == 4


def test_get_env_in_heredoc_interpolation_uses_default() -> None:
    model = _text(
        'generate "provider" {\n'
        '  path = "provider.tf"\n'
        "  contents = <<-EOF\n"
        '    provider "aws" {\n'
        "      assume_role {\n"
        '        role_arn = "${get_env("ROLE", "arn:aws:iam::111111111111:role/x")}"\n'
        "      }\n"
        "    }\n"
        "  EOF\n"
        "}\n"
    )
    [attempt] = model.attempts
    assert attempt.role_arn is not None
    assert attempt.role_arn.value == "arn:aws:iam::111111111111:role/x"
    assert (attempt.role_arn.location.line, attempt.role_arn.location.column) == (6, 9)


# --------------------------------------------------------------------------- malformed


def test_malformed_file_is_a_located_parse_problem() -> None:
    model = _fixture("broken")
    assert model.problems == [
        ParseProblem(
            Location("broken/terragrunt.hcl", 3, 14),
            "invalid HCL: '{' opened here is never closed (end of file reached)",
        )
    ]
    assert model.attempts == [] and model.credentials == []


def test_malformed_generated_contents_is_located_in_the_terragrunt_file() -> None:
    model = _fixture("generated-broken")
    assert model.problems == [
        ParseProblem(
            Location("generated-broken/terragrunt.hcl", 7, 16),
            "generate \"provider\" contents: invalid HCL: unexpected '='",
        )
    ]
    assert [a.kind for a in model.attempts] == ["terragrunt"]  # the rest is still read


def test_unresolved_directive_in_contents_is_silent() -> None:
    model = _text(
        'generate "provider" {\n'
        '  path = "provider.tf"\n'
        "  contents = <<EOF\n"
        'provider "aws" {\n'
        "%{ if local.assume }\n"
        '  assume_role { role_arn = "${local.role}" }\n'
        "%{ endif }\n"
        "}\n"
        "EOF\n"
        "}\n"
    )
    assert model.problems == [] and model.attempts == []


def test_syntax_error_around_an_unresolved_hole_is_not_reported() -> None:
    model = _text(
        'generate "provider" {\n'
        '  path = "provider.tf"\n'
        "  contents = <<EOF\n"
        'provider "aws" {\n'
        "  region = ${include.root.locals.region_expr}\n"
        "}\n"
        "EOF\n"
        "}\n"
    )
    assert model.problems == []


@pytest.mark.parametrize(
    "text",
    [
        "",
        "iam_role = \n",
        "remote_state {\n",
        'generate "provider" {\n  contents = <<EOF\nprovider "aws" {\n',
        "{" * 5000,
        'iam_role = "\x01"\n',
        "remote_state { backend = 5 config = [] }\n",
        'generate { contents = 5 }\ngenerate "x" { path = 3 contents = "" }\n',
    ],
)
def test_hostile_input_never_raises(text: str) -> None:
    model = _text(text)
    assert all(isinstance(p, ParseProblem) for p in model.problems)


def test_cli_reports_parse_error_and_still_lints_the_good_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _copy_fixtures(tmp_path, monkeypatch, "broken", "good")
    code = main([".", "--no-config", "--no-color", "--select", "AL900,AL204"])
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.startswith(("broken/", "good/"))]
    assert code == 2
    assert [line.split(" ")[:2] for line in lines] == [
        ["broken/terragrunt.hcl:3:14:", "AL900"],
        ["good/terragrunt.hcl:1:1:", "AL204"],
    ]


# --------------------------------------------------------------------------- sniffing


@pytest.mark.parametrize(
    ("rel", "expected"),
    [
        ("live/app/terragrunt.hcl", "terragrunt"),
        ("root.hcl", SNIFF_HCL),
        ("live/.terraform.lock.hcl", None),
        ("live/app/main.tf", "terraform"),
        ("terragrunt.hcl.json", "sniff:json"),
    ],
)
def test_detect_by_path(rel: str, expected: str | None) -> None:
    assert detect_by_path(rel) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("root.hcl", "terragrunt"),
        ("module.hcl", "terragrunt"),
        ("env.hcl", None),
        (".terraform.lock.hcl", None),
        ("packer.pkr.hcl", None),
    ],
)
def test_sniff_hcl(name: str, expected: str | None) -> None:
    text = (FIXTURES / "sniff" / name).read_text("utf-8")
    assert sniff(SNIFF_HCL, text) == expected


def test_walk_claims_only_terragrunt_hcl(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _copy_fixtures(tmp_path, monkeypatch, "sniff")
    code = main([".", "--no-config", "--no-color", "--format", "json", "--min-severity", "info"])
    result = json.loads(capsys.readouterr().out)
    assert code == 0
    assert result["summary"]["files"] == 2  # root.hcl and module.hcl, nothing else
    assert [(f["rule_id"], f["path"], f["line"]) for f in result["findings"]] == [
        ("AL204", "sniff/root.hcl", 5)  # the tf-state role has no session name
    ]


# --------------------------------------------------------------------------- end to end


def test_samples_layout_end_to_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The samples/terragrunt layout: an iam_role/remote_state mismatch, a generated
    provider versus remote_state mismatch (indented and plain heredocs), a clean unit."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.chdir(SAMPLES.parents[1])
    code = main(["samples/terragrunt", "--no-config", "--format", "json", "--min-severity", "info"])
    result = json.loads(capsys.readouterr().out)
    found = [
        (f["rule_id"], f["path"].removeprefix("samples/terragrunt/"), f["line"], f["column"])
        for f in result["findings"]
    ]
    assert code == 1
    assert result["summary"]["files"] == 4  # env.hcl (plain locals) is not claimed
    assert found == [
        ("AL208", "live/prod/legacy-db/terragrunt.hcl", 17, 5),
        ("AL301", "live/prod/legacy-db/terragrunt.hcl", 17, 5),
        ("AL208", "live/prod/legacy-db/terragrunt.hcl", 18, 5),
        ("AL301", "live/staging/app/terragrunt.hcl", 18, 7),
        # live/prod/app inherits the root's remote_state (and generated provider): its
        # iam_role and the generated provider both differ from the backend's role, as the
        # root's own provider does: one finding in the root file, not one per unit
        ("AL301", "terragrunt.hcl", 21, 7),
    ]
    related = sorted(
        (
            f["path"].removeprefix("samples/terragrunt/"),
            r["path"].removeprefix("samples/terragrunt/"),
            r["line"],
            r["column"],
        )
        for f in result["findings"]
        if f["rule_id"] == "AL301"
        for r in f["related"]
    )
    assert related == [
        ("live/prod/legacy-db/terragrunt.hcl", "live/prod/legacy-db/terragrunt.hcl", 8, 1),
        ("live/staging/app/terragrunt.hcl", "live/staging/app/terragrunt.hcl", 31, 5),
        ("terragrunt.hcl", "live/prod/app/terragrunt.hcl", 11, 1),  # the child's iam_role
        ("terragrunt.hcl", "terragrunt.hcl", 36, 9),  # role_arn inside the <<- heredoc
    ]
    assert all("ambient" not in f["message"] for f in result["findings"])


def test_inherited_iam_role_end_to_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """remote_state without a role uses the iam_role; the generated provider differs."""
    _copy_fixtures(tmp_path, monkeypatch, "inherit")
    code = main([".", "--no-config", "--format", "json", "--select", "AL301"])
    result = json.loads(capsys.readouterr().out)
    [finding] = result["findings"]
    assert code == 1
    assert (finding["path"], finding["line"], finding["column"]) == (
        "inherit/terragrunt.hcl",
        4,
        1,
    )
    assert [(r["line"], r["column"]) for r in finding["related"]] == [(18, 9)]
    assert "roles in two accounts (111111111111 versus 999999999999)" in finding["message"]


# --------------------------------------------------------------------------- include

ROOT_HCL = """\
remote_state {
  backend = "s3"
  config = {
    bucket = "state"
    assume_role = {
      role_arn = "arn:aws:iam::111111111111:role/tf-state"
    }
  }
}
"""

CHILD_INCLUDE = """\
include "root" {
  path = find_in_parent_folders()
}

iam_role = "arn:aws:iam::222222222222:role/deploy"
"""


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    return tmp_path


def _unit(tmp_path: Path, rel: str) -> Model:
    loaded = read_source(tmp_path / rel, rel)
    assert isinstance(loaded, SourceFile)
    return terragrunt.parse_unit([loaded])


def test_child_inherits_parent_remote_state(tmp_path: Path) -> None:
    _tree(tmp_path, {"terragrunt.hcl": ROOT_HCL, "live/app/terragrunt.hcl": CHILD_INCLUDE})
    model = _unit(tmp_path, "live/app/terragrunt.hcl")
    found = [(a.kind, a.module, a.location.path, a.location.line) for a in model.attempts]
    assert found == [
        ("terragrunt", "live/app", "live/app/terragrunt.hcl", 5),
        ("backend", "live/app", "terragrunt.hcl", 5),
    ]
    backend = model.attempts[1]
    assert backend.role_arn is not None
    assert backend.role_arn.value == "arn:aws:iam::111111111111:role/tf-state"
    assert backend.role_arn.location.line == 6


def test_named_and_literal_include_paths(tmp_path: Path) -> None:
    named = CHILD_INCLUDE.replace("find_in_parent_folders()", 'find_in_parent_folders("root.hcl")')
    literal = CHILD_INCLUDE.replace("find_in_parent_folders()", '"../../root.hcl"')
    _tree(
        tmp_path,
        {"root.hcl": ROOT_HCL, "a/b/terragrunt.hcl": named, "c/d/terragrunt.hcl": literal},
    )
    for rel, module in (("a/b/terragrunt.hcl", "a/b"), ("c/d/terragrunt.hcl", "c/d")):
        model = _unit(tmp_path, rel)
        assert [(a.kind, a.module, a.location.path) for a in model.attempts] == [
            ("terragrunt", module, rel),
            ("backend", module, "root.hcl"),
        ]


def test_child_overrides_parent_sections(tmp_path: Path) -> None:
    parent = ROOT_HCL + 'iam_role = "arn:aws:iam::333333333333:role/parent"\n'
    child = CHILD_INCLUDE + (
        'remote_state {\n  backend = "s3"\n  config = {\n'
        '    role_arn = "arn:aws:iam::444444444444:role/own"\n  }\n}\n'
    )
    _tree(tmp_path, {"terragrunt.hcl": parent, "live/app/terragrunt.hcl": child})
    model = _unit(tmp_path, "live/app/terragrunt.hcl")
    assert [(a.kind, a.location.path, a.location.line) for a in model.attempts] == [
        ("terragrunt", "live/app/terragrunt.hcl", 5),
        ("backend", "live/app/terragrunt.hcl", 9),
    ]


def test_parent_iam_role_inherited_when_child_has_none(tmp_path: Path) -> None:
    parent = 'iam_role = "arn:aws:iam::333333333333:role/parent"\n'
    child = 'include "root" {\n  path = find_in_parent_folders()\n}\n' + ROOT_HCL
    _tree(tmp_path, {"terragrunt.hcl": parent, "live/app/terragrunt.hcl": child})
    model = _unit(tmp_path, "live/app/terragrunt.hcl")
    assert [(a.kind, a.module, a.location.path, a.location.line) for a in model.attempts] == [
        ("backend", "live/app", "live/app/terragrunt.hcl", 8),
        ("terragrunt", "live/app", "terragrunt.hcl", 1),
    ]


@pytest.mark.parametrize(
    "path",
    [
        "find_in_parent_folders()",
        'find_in_parent_folders("absent.hcl")',
        '"../../absent.hcl"',
        '"../../../../outside.hcl"',
        "local.unknown",
        '"../../broken.hcl"',
    ],
)
def test_missing_or_unusable_parent_contributes_nothing(tmp_path: Path, path: str) -> None:
    child = CHILD_INCLUDE.replace("find_in_parent_folders()", path)
    _tree(tmp_path / "repo", {"live/app/terragrunt.hcl": child, "broken.hcl": "a = {\n"})
    (tmp_path / "outside.hcl").write_text(ROOT_HCL)
    model = _unit(tmp_path / "repo", "live/app/terragrunt.hcl")
    assert [(a.kind, a.location.path) for a in model.attempts] == [
        ("terragrunt", "live/app/terragrunt.hcl")
    ]
    assert model.problems == []


def test_no_merge_strategy_inherits_nothing(tmp_path: Path) -> None:
    child = CHILD_INCLUDE.replace("\n}", '\n  merge_strategy = "no_merge"\n}', 1)
    _tree(tmp_path, {"terragrunt.hcl": ROOT_HCL, "live/app/terragrunt.hcl": child})
    model = _unit(tmp_path, "live/app/terragrunt.hcl")
    assert [a.kind for a in model.attempts] == ["terragrunt"]


# The parent's state role under a name that does not say state (a tf-state role beside a
# deploy role is the deliberate central-state layout, silent).
ADMIN_ROOT_HCL = ROOT_HCL.replace("role/tf-state", "role/admin")


def _al301(capsys: pytest.CaptureFixture[str], *extra: str) -> list[tuple[str, int, int]]:
    main([".", "--no-config", "--format", "json", "--select", "AL301", *extra])
    result = json.loads(capsys.readouterr().out)
    return [(f["path"], f["line"], f["column"]) for f in result["findings"]]


def test_al301_child_iam_role_against_parent_remote_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {"terragrunt.hcl": ADMIN_ROOT_HCL, "live/app/terragrunt.hcl": CHILD_INCLUDE}
    _tree(tmp_path, files)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    assert main([".", "--no-config", "--select", "AL301", "-q"]) == 1
    capsys.readouterr()
    (tmp_path / "terragrunt.hcl").write_text(ROOT_HCL)  # a tf-state role: silent
    assert _al301(capsys) == []
    (tmp_path / "terragrunt.hcl").write_text(ADMIN_ROOT_HCL)
    code = main([".", "--no-config", "--format", "json", "--select", "AL301"])
    result = json.loads(capsys.readouterr().out)
    [finding] = result["findings"]
    assert code == 1
    assert (finding["path"], finding["line"], finding["column"]) == ("terragrunt.hcl", 6, 7)
    assert [(r["path"], r["line"], r["column"]) for r in finding["related"]] == [
        ("live/app/terragrunt.hcl", 5, 1)
    ]
    assert "module live/app" in finding["message"]
    assert "roles in two accounts (111111111111 versus 222222222222)" in finding["message"]


def test_cache_key_covers_the_parent_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A warm run after editing only the parent must see the parent's new role."""
    tree = _tree(
        tmp_path / "tree",
        {"terragrunt.hcl": ADMIN_ROOT_HCL, "live/app/terragrunt.hcl": CHILD_INCLUDE},
    )
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.chdir(tree)
    assert _al301(capsys) == [("terragrunt.hcl", 6, 7)]
    assert _al301(capsys) == [("terragrunt.hcl", 6, 7)]  # warm
    fixed = ADMIN_ROOT_HCL.replace("111111111111:role/admin", "222222222222:role/deploy")
    (tree / "terragrunt.hcl").write_text(fixed)
    assert _al301(capsys) == []
    (tree / "terragrunt.hcl").write_text(ADMIN_ROOT_HCL)
    assert _al301(capsys) == [("terragrunt.hcl", 6, 7)]
    (tree / "terragrunt.hcl").unlink()  # the parent is gone: nothing inherited
    assert _al301(capsys) == []


CHILD_STATE = """\
include "root" {
  path           = find_in_parent_folders()
  merge_strategy = "deep"
}

remote_state {
  backend = "s3"
  config = {
    key = "app.tfstate"
    assume_role = {
      session_name = "app"
    }
  }
}
"""


def test_deep_merge_combines_the_remote_state_of_both_files(tmp_path: Path) -> None:
    _tree(tmp_path, {"terragrunt.hcl": ROOT_HCL, "live/app/terragrunt.hcl": CHILD_STATE})
    model = _unit(tmp_path, "live/app/terragrunt.hcl")
    [backend] = model.attempts
    assert (backend.kind, backend.module) == ("backend", "live/app")
    # The merged assume_role map: the parent's role, the child's session name, each
    # located where it was written.
    assert backend.role_arn is not None and backend.session_name is not None
    assert backend.role_arn.value == "arn:aws:iam::111111111111:role/tf-state"
    assert (backend.role_arn.location.path, backend.role_arn.location.line) == (
        "terragrunt.hcl", 6)
    assert backend.session_name.value == "app"
    assert (backend.session_name.location.path, backend.session_name.location.line) == (
        "live/app/terragrunt.hcl", 11)


def test_shallow_merge_lets_the_child_remote_state_replace_the_parents(tmp_path: Path) -> None:
    child = CHILD_STATE.replace('  merge_strategy = "deep"\n', "")
    _tree(tmp_path, {"terragrunt.hcl": ROOT_HCL, "live/app/terragrunt.hcl": child})
    [backend] = _unit(tmp_path, "live/app/terragrunt.hcl").attempts
    assert backend.role_arn is None  # the child's block alone names no role
    assert backend.location.path == "live/app/terragrunt.hcl"


def test_deep_merge_keeps_the_child_value_on_a_conflict(tmp_path: Path) -> None:
    child = CHILD_STATE.replace(
        'session_name = "app"', 'role_arn = "arn:aws:iam::222222222222:role/own"')
    _tree(tmp_path, {"terragrunt.hcl": ROOT_HCL, "live/app/terragrunt.hcl": child})
    [backend] = _unit(tmp_path, "live/app/terragrunt.hcl").attempts
    assert backend.role_arn is not None
    assert backend.role_arn.value == "arn:aws:iam::222222222222:role/own"
    assert backend.role_arn.location.path == "live/app/terragrunt.hcl"
    assert backend.session_name is None


def test_deep_merge_end_to_end_gives_one_al204_less(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _tree(tmp_path, {"terragrunt.hcl": ROOT_HCL, "live/app/terragrunt.hcl": CHILD_STATE})
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    args = ["live/app", "--repo-root", str(tmp_path), "--no-config", "--format", "json",
            "--select", "AL204"]
    main(args)
    # The merged block has the child's session name: no missing-session-name finding.
    assert json.loads(capsys.readouterr().out)["findings"] == []
    child = CHILD_STATE.replace('  merge_strategy = "deep"\n', "")
    (tmp_path / "live/app/terragrunt.hcl").write_text(child.replace(
        'session_name = "app"', 'role_arn = "arn:aws:iam::111111111111:role/x"'))
    main(args)  # shallow, and the child's own assume_role has no session name
    [finding] = json.loads(capsys.readouterr().out)["findings"]
    assert (finding["rule_id"], finding["path"], finding["line"]) == (
        "AL204", "live/app/terragrunt.hcl", 9)
