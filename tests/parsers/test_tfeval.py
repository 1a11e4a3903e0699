"""The Terraform evaluator: expressions, functions, types, templates, modules.

Values are evaluated as a local of a small module written on the fly, so every test
goes through what real files go through (parse, lazy scope, conversions). Locations
are asserted where the point is that a value keeps the place it was written.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assume_lint.files.sources import SourceFile, read_source
from assume_lint.model import HOLE
from assume_lint.parsers import hcl_fast, terraform
from assume_lint.parsers.hcl import EncodedNode
from assume_lint.parsers.located import Node
from assume_lint.parsers.tfeval.module import Instance, Session, load_folder
from assume_lint.parsers.tfeval.values import wholly_known

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "tfeval"


def instance(tmp_path: Path, text: str, files: dict[str, str] | None = None) -> Instance:
    """The root instance of a module folder ``m`` holding ``main.tf`` = ``text``."""
    folder_path = tmp_path / "m"
    folder_path.mkdir(parents=True, exist_ok=True)
    sources = []
    for name, content in {"main.tf": text, **(files or {})}.items():
        path = folder_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
        if name.endswith((".tf", ".tfvars")) and "/" not in name:
            sources.append(SourceFile(path, f"m/{name}", content))
    folder = load_folder(folder_path.resolve(), "m", sources)
    session = Session(folder, tmp_path.resolve())
    tfvars = [folder.tfvars[n] for n in sorted(folder.tfvars)]
    return Instance(session, folder, None, (folder.path,), "", tfvars)


def value(tmp_path: Path, expr: str, prelude: str = "") -> Node:
    found = instance(tmp_path, f"{prelude}\nlocals {{\n  x = {expr}\n}}\n").local("x")
    assert found is not None
    return found


def plain(tmp_path: Path, expr: str, prelude: str = "") -> Any:
    node = value(tmp_path, expr, prelude)
    assert node.known, (expr, node)
    return node.plain()


UNKNOWN = 'variable "u" {}\n'  # a variable without a value: unknown


# --------------------------------------------------------------------------- expressions


@pytest.mark.parametrize(("expr", "expected"), [
    ("1 + 2 * 3", 7), ("(1 + 2) * 3", 9), ("7 / 2", 3.5), ("7 % 2", 1), ("-3 + 1", -2),
    ('"a" == "a"', True), ('"1" == 1', False), ("1 == 1.0", True), ("[1, 2] == [1, 2]", True),
    ("3 > 2 && 2 >= 2", True), ("!true || false", False), ('true ? "y" : "n"', "y"),
    ("null == null", True), ('{ a = 1 } != null', True),
    ('[for s in ["a", "b", "c"] : upper(s) if s != "b"]', ["A", "C"]),
    ('{ for k, v in { a = 1, b = 2 } : v => k }', {"1": "a", "2": "b"}),
    ('{ for s in ["x", "y", "x"] : s => s... }', {"x": ["x", "x"], "y": ["y"]}),
    ('[{ id = 1 }, { id = 2 }][*].id', [1, 2]), ('{ id = 3 }[*].id', [3]),
    ('[[1, 2], [3]].*[0]', [1, 3]), ('{ a = [10, 20] }.a[1]', 20),
    ('"%{ if 1 < 2 }yes%{ else }no%{ endif }"', "yes"),
    ('"%{ for i, v in ["a", "b"] }${i}=${v};%{ endfor }"', "0=a;1=b;"),
    ('"x %{~ if true ~} y %{~ endif ~} z"', "xyz"),
    ('"$${literal} %%{ x }"', "${literal} %{ x }"),
])  # fmt: skip
def test_expressions(tmp_path: Path, expr: str, expected: Any) -> None:
    assert plain(tmp_path, expr) == expected


@pytest.mark.parametrize("expr", [
    "var.u", "var.u ? 1 : 2", "var.u + 1", "[for s in var.u : s]", '"%{ if var.u }a%{ endif }"',
    "var.u[*].id", "var.u == 1", "length(var.u)", "merge(var.u, {})", "tolist(var.u)[0]",
])  # fmt: skip
def test_unknown_stays_unknown(tmp_path: Path, expr: str) -> None:
    assert not value(tmp_path, expr, UNKNOWN).known


def test_logical_operators_short_circuit_on_a_known_side(tmp_path: Path) -> None:
    assert plain(tmp_path, "false && var.u", UNKNOWN) is False
    assert plain(tmp_path, "var.u || true", UNKNOWN) is True
    assert not value(tmp_path, "var.u && true", UNKNOWN).known


def test_errors_are_unknown_and_try_can_catch_them(tmp_path: Path) -> None:
    assert not value(tmp_path, '{ a = 1 }.b').known  # Terraform: no such attribute
    assert not value(tmp_path, "[1][3]").known
    assert plain(tmp_path, 'try({ a = 1 }.b, "fallback")') == "fallback"
    assert plain(tmp_path, "can([1][3])") is False
    assert plain(tmp_path, "can([1][0])") is True
    assert not value(tmp_path, "can(var.u)", UNKNOWN).known  # try/can of unknown: unknown
    assert not value(tmp_path, 'try(var.u, "x")', UNKNOWN).known


# --------------------------------------------------------------------------- functions


@pytest.mark.parametrize(("expr", "expected"), [
    ('merge({ a = 1, b = 2 }, null, { b = 3 })', {"a": 1, "b": 3}),
    ('concat(["a"], [], ["b", "c"])', ["a", "b", "c"]),
    ('flatten([["a", ["b"]], [], "c"])', ["a", "b", "c"]),
    ('lookup({ a = "x" }, "b", "dflt")', "dflt"), ('lookup({ a = "x" }, "a")', "x"),
    ('coalesce(null, "", "first")', "first"), ('coalescelist([], ["x"])', ["x"]),
    ('compact(["a", "", null, "b"])', ["a", "b"]), ('distinct(["a", "b", "a"])', ["a", "b"]),
    ('toset(["b", "a", "b"])', ["b", "a"]), ('tolist(["x"])', ["x"]),
    ('tomap({ a = 1 })', {"a": 1}), ('keys({ b = 1, a = 2 })', ["a", "b"]),
    ('values({ b = 1, a = 2 })', [2, 1]), ('length("abc")', 3), ("length([1, 2])", 2),
    ('contains(["a", "b"], "b")', True), ('element(["a", "b"], 3)', "b"),
    ('zipmap(["a", "b"], [1, 2])', {"a": 1, "b": 2}),
    ('format("arn:aws:iam::%s:role/%s", "111111111111", "ci")',
     "arn:aws:iam::111111111111:role/ci"),
    ('format("%d%%-%05d", 7, 42)', "7%-00042"), ('join(",", ["a", "b"], ["c"])', "a,b,c"),
    ('split(":", "a:b:c")', ["a", "b", "c"]), ('replace("a-b-c", "-", "_")', "a_b_c"),
    ('replace("repo:acme/app", "/^repo:/", "")', "acme/app"),
    ('lower("ABC")', "abc"), ('upper("abc")', "ABC"), ('trimprefix("repo:x", "repo:")', "x"),
    ('trimsuffix("a.json", ".json")', "a"), ('startswith("arn:aws", "arn:")', True),
    ('jsondecode(jsonencode({ b = [1, "x"], a = true }))', {"a": True, "b": [1, "x"]}),
    ('jsondecode("{\\"Version\\": \\"2012-10-17\\"}")', {"Version": "2012-10-17"}),
    ('one(["x"])', "x"), ("range(3)", [0, 1, 2]), ('slice(["a", "b", "c"], 1, 3)', ["b", "c"]),
    ('setsubtract(["a", "b"], ["a"])', ["b"]), ('regex("^repo:(.*)$", "repo:acme/x")',
                                                 ["acme/x"]),
    ('formatlist("arn:aws:iam::%s:root", ["1", "2"])', ["arn:aws:iam::1:root",
                                                         "arn:aws:iam::2:root"]),
    ('alltrue([true, "true"])', True), ('anytrue([false])', False), ("max(1, 5, 2)", 5),
    ('substr("hello", 1, 3)', "ell"), ('sort(["b", "a"])', ["a", "b"]),
    ('index(["a", "b"], "b")', 1), ('reverse([1, 2])', [2, 1]),
])  # fmt: skip
def test_functions(tmp_path: Path, expr: str, expected: Any) -> None:
    assert plain(tmp_path, expr) == expected


def test_jsonencode_keeps_the_structure_and_its_text(tmp_path: Path) -> None:
    node = value(tmp_path, 'jsonencode({ b = 1, a = "x" })')
    assert isinstance(node, EncodedNode) and node.plain() == {"b": 1, "a": "x"}
    assert plain(tmp_path, '"p=${jsonencode({ b = 1, a = "x" })}"') == 'p={"a":"x","b":1}'


def test_string_functions_keep_the_known_parts_of_partly_known_strings(tmp_path: Path) -> None:
    for expr, partial in [
        ('format("arn:aws:iam::%s:root", var.u)', f"arn:aws:iam::{HOLE}:root"),
        ('"arn:${var.u}:iam::${var.u}:role/deploy"', f"arn:{HOLE}:iam::{HOLE}:role/deploy"),
        ('join("/", ["role", var.u])', f"role/{HOLE}"),
    ]:
        node = value(tmp_path, expr, UNKNOWN)
        assert (node.known, node.partial) == (False, partial), expr


def test_values_keep_the_place_they_were_written(tmp_path: Path) -> None:
    prelude = 'variable "m" {\n  default = { a = "arn:aws:iam::111111111111:root" }\n}\n'
    for expr in ('merge(var.m, {})["a"]', 'coalesce(null, var.m.a)', 'lookup(var.m, "a")',
                 'try(var.m.a, "x")', '[for k, v in var.m : v][0]', '"${var.m.a}"',
                 'element(values(var.m), 0)', 'var.m.a == null ? "" : var.m.a'):
        node = value(tmp_path, expr, prelude)
        assert node.plain() == "arn:aws:iam::111111111111:root", expr
        assert (node.location.line, node.location.column) == (2, 19), expr


def test_unsupported_functions_are_unknown(tmp_path: Path) -> None:
    assert not value(tmp_path, 'yamldecode("a: 1")').known
    assert not value(tmp_path, 'filebase64("x")').known


# --------------------------------------------------------------------------- types


def test_variable_types_fill_optional_attributes_and_convert(tmp_path: Path) -> None:
    prelude = (
        'variable "perms" {\n'
        "  type = map(object({\n"
        '    actions   = optional(list(string), ["sts:AssumeRole"])\n'
        "    condition = optional(list(string))\n"
        "    count     = optional(number, 1)\n"
        "  }))\n"
        '  default = { A = { count = "3", extra = "dropped" }, B = { actions = null } }\n'
        "}\n"
        'variable "flag" {\n  type = bool\n  default = "true"\n}\n'
        'variable "account" {\n  type = string\n  default = 123456789012\n}\n'
    )
    assert plain(tmp_path, "var.perms", prelude) == {
        "A": {"actions": ["sts:AssumeRole"], "condition": None, "count": 3},
        "B": {"actions": ["sts:AssumeRole"], "condition": None, "count": 1},
    }
    assert plain(tmp_path, "var.flag", prelude) is True
    assert plain(tmp_path, "var.account", prelude) == "123456789012"


def test_a_value_that_does_not_convert_is_unknown(tmp_path: Path) -> None:
    prelude = 'variable "o" {\n  type = object({ name = string })\n  default = {}\n}\n'
    assert not value(tmp_path, "var.o", prelude).known  # name is required


def test_tfvars_override_defaults_and_locals_refer_to_each_other(tmp_path: Path) -> None:
    found = instance(tmp_path, (
        'variable "env" {\n  default = "dev"\n}\n'
        'locals {\n  name = "ci-${local.env}"\n  env = var.env\n  loop = local.loop2\n'
        '  loop2 = local.loop\n}\n'), {"terraform.tfvars": 'env = "prod"\n'})
    assert found.local("name") is not None and found.local("name").plain() == "ci-prod"
    loop = found.local("loop")
    assert loop is not None and not loop.known  # a cycle: unknown, not a crash


# --------------------------------------------------------------------------- templates


def test_heredoc_directives_render_with_known_values_and_hole_otherwise(tmp_path: Path) -> None:
    prelude = 'variable "subs" {\n  default = ["a", "b"]\n}\n' + UNKNOWN
    text = '<<-EOT\n  %{ for s in var.subs ~}\n  "${s}",\n  %{ endfor ~}\n  EOT'
    assert plain(tmp_path, text, prelude) == '"a",\n"b",\n'
    unknown = value(tmp_path, text.replace("var.subs", "var.u"), prelude)
    assert not unknown.known and unknown.partial is None


def test_templatefile_placeholders_take_the_calls_values(tmp_path: Path) -> None:
    template = (
        '{"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",\n'
        '  "Principal": {"AWS": "${principal}"}%{ if external_id != "" },\n'
        '  "Condition": {"StringEquals": {"sts:ExternalId": "${external_id}"}}%{ endif }}]}\n'
    )
    found = instance(tmp_path, (
        'locals {\n  doc = jsondecode(templatefile("${path.module}/trust.tpl", {\n'
        '    principal = "arn:aws:iam::999999999999:root"\n    external_id = ""\n  }))\n}\n'
    ), {"trust.tpl": template}).local("doc")
    assert found is not None and found.plain() == {"Statement": [{
        "Effect": "Allow", "Action": "sts:AssumeRole",
        "Principal": {"AWS": "arn:aws:iam::999999999999:root"}}]}
    principal = found.value["Statement"].value[0].value["Principal"].value["AWS"]
    assert (principal.location.path, principal.location.line) == ("m/main.tf", 3)
    effect = found.value["Statement"].value[0].value["Effect"]
    assert (effect.location.path, effect.location.line, effect.location.column) == (
        "m/trust.tpl", 1, 27)


# --------------------------------------------------------------------------- modules


def _module_tree(root: Path, calls: str, module: str) -> list[SourceFile]:
    (root / "modules" / "role").mkdir(parents=True)
    (root / "modules" / "role" / "main.tf").write_text(module, encoding="utf-8")
    (root / "live").mkdir()
    (root / "live" / "main.tf").write_text(calls, encoding="utf-8")
    loaded = read_source(root / "live" / "main.tf", "live/main.tf")
    assert isinstance(loaded, SourceFile)
    return [loaded]


ROLE_MODULE = (
    'variable "principal" {}\nvariable "name" {\n  default = "r"\n}\n'
    'resource "aws_iam_role" "this" {\n  name = var.name\n'
    '  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{\n'
    '    Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = var.principal }\n'
    "  }] })\n}\n"
    'output "arn" {\n  value = aws_iam_role.this.arn\n}\n'
)


def test_count_and_for_each_give_plan_addresses(tmp_path: Path) -> None:
    files = _module_tree(tmp_path, (
        'module "one" {\n  source = "../modules/role"\n  principal = "arn:aws:iam::1:root"\n}\n'
        'module "many" {\n  source = "../modules/role"\n  count = 2\n'
        '  name = "r-${count.index}"\n  principal = "arn:aws:iam::2:root"\n}\n'
        'module "keyed" {\n  source = "../modules/role"\n'
        '  for_each = { a = "arn:aws:iam::3:root", b = "arn:aws:iam::4:root" }\n'
        "  name = each.key\n  principal = each.value\n}\n"
        'module "unknown" {\n  source = "../modules/role"\n  for_each = var.u\n'
        "  principal = each.value\n}\n" + UNKNOWN
        + 'output "arns" {\n  value = [module.one.arn, module.many[1].arn]\n}\n'
    ), ROLE_MODULE)
    model = terraform.parse_unit(files)
    assert [(r.address, r.name) for r in model.roles] == [
        ("module.one.aws_iam_role.this", "r"),
        ("module.many[0].aws_iam_role.this", "r-0"),
        ("module.many[1].aws_iam_role.this", "r-1"),
        ('module.keyed["a"].aws_iam_role.this', "a"),
        ('module.keyed["b"].aws_iam_role.this', "b"),
        ("module.unknown.aws_iam_role.this", "r"),  # one symbolic instance
    ]
    principals = [[p.value for s in r.statements for p in s.principals] for r in model.roles]
    assert principals == [["arn:aws:iam::1:root"], ["arn:aws:iam::2:root"],
                          ["arn:aws:iam::2:root"], ["arn:aws:iam::3:root"],
                          ["arn:aws:iam::4:root"], [None]]
    (one,) = model.roles[0].statements[0].principals
    assert (one.location.path, one.location.line) == ("live/main.tf", 3)
    assert model.roles[0].related[0].line == 1  # the module block
    assert sorted(model.inputs) == [
        "../modules/role", "../modules/role/main.tf", ".terraform/modules/modules.json"]


def test_module_outputs_role_arns_are_partly_known(tmp_path: Path) -> None:
    files = _module_tree(tmp_path, (
        'module "one" {\n  source = "../modules/role"\n  name = "deploy"\n'
        '  principal = "arn:aws:iam::1:root"\n}\n'
        'provider "aws" {\n  assume_role {\n    role_arn = module.one.arn\n  }\n}\n'
    ), ROLE_MODULE)
    (provider,) = terraform.parse_unit(files).attempts
    assert provider.role_arn is not None
    assert provider.role_arn.partial == f"arn:{HOLE}:iam::{HOLE}:role/deploy"


def test_identical_instances_are_evaluated_once(tmp_path: Path) -> None:
    calls = "".join(
        f'module "r{i}" {{\n  source = "../modules/role"\n  count = 3\n'
        f'  principal = "arn:aws:iam::{i % 2}:root"\n}}\n'
        for i in range(4)
    )
    files = _module_tree(tmp_path, calls, ROLE_MODULE)
    folder = load_folder(files[0].path.parent.resolve(), "live", files)
    session = Session(folder, tmp_path.resolve())
    root = Instance(session, folder, None, (folder.path,), "")
    instances = {id(child) for call in root.calls() for _, child in call.instances}
    assert len(instances) == 4  # 12 instances: 3 of each call share their inputs


def test_module_cycles_and_missing_sources_are_unknown(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "main.tf").write_text(
        'module "b" {\n  source = "../b"\n}\n'
        'module "gone" {\n  source = "./missing"\n}\n'
        'output "x" {\n  value = module.b.x\n}\n'
        'resource "aws_iam_role" "r" {\n  name = module.gone.name\n}\n', encoding="utf-8")
    (tmp_path / "b" / "main.tf").write_text(
        'module "a" {\n  source = "../a"\n}\n'
        'output "x" {\n  value = module.a.x\n}\n', encoding="utf-8")
    loaded = read_source(tmp_path / "a" / "main.tf", "a/main.tf")
    assert isinstance(loaded, SourceFile)
    model = terraform.parse_unit([loaded])
    assert [(r.address, r.name) for r in model.roles] == [("aws_iam_role.r", None)]


def _chain(root: Path, levels: int) -> list[SourceFile]:
    """``live`` calls ``m1``, which calls ``m2``... ``m<levels>`` holds the role; the
    principal is written in ``live`` and passed down every level."""
    for level in range(1, levels + 1):
        folder = root / f"m{level}"
        folder.mkdir(parents=True)
        text = ROLE_MODULE if level == levels else (
            'variable "principal" {}\n'
            f'module "next" {{\n  source = "../m{level + 1}"\n  principal = var.principal\n}}\n')
        (folder / "main.tf").write_text(text, encoding="utf-8")
    (root / "live").mkdir()
    (root / "live" / "main.tf").write_text(
        'module "first" {\n  source = "../m1"\n  principal = "*"\n}\n', encoding="utf-8")
    loaded = read_source(root / "live" / "main.tf", "live/main.tf")
    assert isinstance(loaded, SourceFile)
    return [loaded]


def test_module_calls_nested_past_the_depth_limit_are_unknown(tmp_path: Path) -> None:
    (role,) = terraform.parse_unit(_chain(tmp_path / "short", 4)).roles
    assert role.address == "module.first.module.next.module.next.module.next.aws_iam_role.this"
    (principal,) = role.statements[0].principals
    assert (principal.value, principal.location.path, principal.location.line) == (
        "*", "live/main.tf", 3)
    assert terraform.parse_unit(_chain(tmp_path / "deep", 12)).roles == []


def test_registry_modules_follow_modules_json(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "live").mkdir(parents=True)
    downloaded = root / "live" / ".terraform" / "modules" / "iam" / "modules" / "role"
    downloaded.mkdir(parents=True)
    (downloaded / "main.tf").write_text(ROLE_MODULE, encoding="utf-8")
    call = ('module "iam" {\n  source  = "acme/iam/aws//modules/role"\n  version = "1.0.0"\n'
            '  principal = "*"\n}\n')
    (root / "live" / "main.tf").write_text(call, encoding="utf-8")
    loaded = read_source(root / "live" / "main.tf", "live/main.tf")
    assert isinstance(loaded, SourceFile)
    assert terraform.parse_unit([loaded]).roles == []  # no terraform init: unknown module
    manifest = {"Modules": [{"Key": "", "Source": "", "Dir": "."}, {
        "Key": "iam", "Source": "registry.terraform.io/acme/iam/aws//modules/role",
        "Version": "1.0.0", "Dir": ".terraform/modules/iam/modules/role"}]}
    (root / "live" / ".terraform" / "modules" / "modules.json").write_text(
        json.dumps(manifest), encoding="utf-8")
    (role,) = terraform.parse_unit([loaded]).roles
    assert role.address == "module.iam.aws_iam_role.this"
    (principal,) = role.statements[0].principals
    assert (principal.value, principal.location.path, principal.location.line) == (
        "*", "live/main.tf", 4)


def test_findings_inside_a_downloaded_module_move_to_its_call(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from assume_lint.cli import main

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = tmp_path / "repo"
    downloaded = root / "live" / ".terraform" / "modules" / "iam"
    downloaded.mkdir(parents=True)
    (downloaded / "main.tf").write_text(ROLE_MODULE.replace(
        'variable "principal" {}', 'variable "principal" {\n  default = "*"\n}'), encoding="utf-8")
    (root / "live" / "main.tf").write_text(
        'module "iam" {\n  source = "acme/iam/aws"\n}\n', encoding="utf-8")
    manifest = {"Modules": [{"Key": "iam", "Source": "x", "Dir": ".terraform/modules/iam"}]}
    (root / "live" / ".terraform" / "modules" / "modules.json").write_text(
        json.dumps(manifest), encoding="utf-8")
    main([str(root), "--no-config", "-q", "-f", "json", "--repo-root", str(root)])
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["rule_id"], f["path"], f["line"]) for f in findings] == [
        ("AL101", "live/main.tf", 1)]  # the module call: the "*" is the module's default
    assert [(r["path"], r["line"]) for r in findings[0]["related"]] == [
        ("live/.terraform/modules/iam/main.tf", 2)]


# --------------------------------------------------------------------------- fast parser


def test_real_module_files_take_the_fast_path() -> None:
    """Dynamic blocks, for expressions, splats, conditionals and template directives do
    not send a file to lark (issue 18: the first run must stay fast)."""
    paths = sorted(p for p in FIXTURES.rglob("*.tf"))
    assert len(paths) >= 8
    for path in paths:
        hcl_fast.parse(path.read_text(encoding="utf-8") + "\n")


def test_a_unit_named_outside_the_scan_root_still_reads_its_modules(tmp_path: Path) -> None:
    """Files of a tree outside the repository are named ``../../x/main.tf``: the module
    call is followed and its files are named the same way."""
    files = _module_tree(tmp_path / "outside", (
        'module "one" {\n  source = "../modules/role"\n  principal = "*"\n}\n'), ROLE_MODULE)
    (source,) = files
    renamed = SourceFile(source.path, "../../outside/live/main.tf", source.text)
    (role,) = terraform.parse_unit([renamed]).roles
    assert role.location.path == "../../outside/modules/role/main.tf"
    (principal,) = role.statements[0].principals
    assert principal.location.path == "../../outside/live/main.tf"


def test_trust_documents_no_role_uses_are_roles_of_their_own(tmp_path: Path) -> None:
    text = (
        'data "aws_iam_policy_document" "trust" {\n  statement {\n'
        '    actions = ["sts:AssumeRole", "sts:TagSession"]\n'
        '    principals {\n      type = "AWS"\n      identifiers = ["arn:aws:iam::9:root"]\n'
        "    }\n  }\n}\n"
        'data "aws_iam_policy_document" "bucket" {\n  statement {\n'
        '    actions = ["s3:GetObject", "sts:AssumeRole"]\n    resources = ["*"]\n'
        '    principals {\n      type = "AWS"\n      identifiers = ["*"]\n    }\n  }\n}\n'
        'data "aws_iam_policy_document" "used" {\n  statement {\n'
        '    actions = ["sts:AssumeRole"]\n'
        '    principals {\n      type = "Service"\n      identifiers = ["ec2.amazonaws.com"]\n'
        "    }\n  }\n}\n"
        'resource "aws_iam_role" "r" {\n'
        "  assume_role_policy = data.aws_iam_policy_document.used.json\n}\n"
        "locals {\n  trust = jsonencode({ Version = \"2012-10-17\", Statement = [{\n"
        '    Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "*" } }] })\n'
        "  other = jsonencode({ a = 1 })\n}\n"
    )
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "main.tf").write_text(text, encoding="utf-8")
    model = terraform.parse_unit([SourceFile(tmp_path / "m" / "main.tf", "m/main.tf", text)])
    assert [(r.address, r.document_only, r.location.line) for r in model.roles] == [
        ("aws_iam_role.r", False, 29),
        ("data.aws_iam_policy_document.trust", True, 1),  # the bucket policy is not one
        ("local.trust", True, 33),  # "used" is the role's: once, as the role's
    ]


# Hostile values: a few lines that double a string or a list through locals, loop over
# ranges, or repeat a long string in one call. Each ends unknown (at least in part),
# within budgets.py's generous budgets (here each takes well under a second, or 1.5 s of
# CPU, 8 s under tracemalloc, for the ones that run the whole evaluation budget down;
# before the bounds, join took 28 s and 9.5 GB, a range per iteration ran out of memory,
# the doubled list never ended).
_LONG = ('  long = "${local.half}${local.half}"\n  half = "' + "a" * 499_000 + '"\n'
         "  numbers = range(10000)\n")
_DOUBLED_STRINGS = "".join(
    f'  s{i} = "${{local.s{i + 1}}}${{local.s{i + 1}}}"\n' for i in range(40)) + '  s40 = "ab"\n'
_DOUBLED_LISTS = "".join(
    f"  t{i} = [local.t{i + 1}, local.t{i + 1}]\n" for i in range(40)) + "  t40 = [1]\n"
HOSTILE_CPU_S = 40.0  # the slowest case needs ~8 s here; CI runs several times slower
HOSTILE_MIB = 256.0  # each case peaks near 60 MiB (the long string's copies included)


@pytest.mark.parametrize(("name", "expr"), [
    ("string doubled through locals", "local.s0"),
    ("list doubled through locals", "local.t0"),
    ("a doubled list as JSON text", '"${jsonencode(local.t0)}"'),
    ("a doubled list compared", "local.t0 == local.t0"),
    ("nested for over ranges", "[for i in range(10000) : [for j in range(10000) : i + j]]"),
    ("a range per iteration of a for", "[for i in range(10000) : range(10000)]"),
    ("a shared range repeated as JSON text",
     '"${jsonencode([for i in range(10000) : local.numbers])}"'),
    ("a long string repeated by a for", '[for i in range(10000) : "${local.long}!"]'),
    ("join of a long string repeated", 'join("", [for i in range(10000) : local.long])'),
    ("formatlist of a long string", 'formatlist("%s!", [for i in range(10000) : local.long])'),
    ("replace into a long string", 'replace(local.long, "a", local.long)'),
    ("a format width", 'format("%900000000s", "x")'),
    ("a template loop", '"%{ for i in range(10000) }${local.long}%{ endfor }"'),
])  # fmt: skip
def test_hostile_values_end_unknown_in_bounded_cpu_and_memory(
    tmp_path: Path, name: str, expr: str
) -> None:
    from budgets import budget

    text = "locals {\n  x = " + expr + "\n" + _LONG + _DOUBLED_STRINGS + _DOUBLED_LISTS + "}\n"
    with budget(HOSTILE_CPU_S, HOSTILE_MIB, name):
        found = instance(tmp_path, text).local("x")
        assert found is not None
        assert not wholly_known(found), name  # the doubled list: its deep parts


def test_a_hostile_unit_still_reports_what_it_knows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A role named after a doubled string, beside a role that trusts anyone: the name is
    unknown, the other role's finding is reported, and the run stays in budget."""
    from budgets import budget

    from assume_lint.cli import main

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = tmp_path / "repo"
    (root / "stack").mkdir(parents=True)
    (root / "stack" / "main.tf").write_text(
        "locals {\n" + _DOUBLED_STRINGS + _DOUBLED_LISTS + "}\n"
        'resource "aws_iam_role" "hostile" {\n  name = local.s0\n'
        "  tags = { t = jsonencode(local.t0) }\n"
        '  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{\n'
        '    Effect = "Allow", Action = "sts:AssumeRole",\n'
        '    Principal = { Service = "ec2.amazonaws.com" } }] })\n}\n'
        'resource "aws_iam_role" "open" {\n  name = "open"\n'
        '  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{\n'
        '    Effect = "Allow", Action = "sts:AssumeRole",\n'
        '    Principal = { AWS = "*" } }] })\n}\n', encoding="utf-8")
    with budget(HOSTILE_CPU_S, HOSTILE_MIB, "a hostile unit"):
        code = main([str(root), "--no-config", "-q", "-f", "json", "--repo-root", str(root)])
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert code == 1
    assert [(f["rule_id"], f["path"], f["line"]) for f in findings] == [
        ("AL101", "stack/main.tf", 96)]
