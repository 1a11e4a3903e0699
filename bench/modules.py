"""Generate a deterministic module-heavy tree: many calls of one shared IAM role module.

Real landing zones rarely write a trust policy in place: stacks call a shared
``iam-role`` module (terraform-aws-modules style, ``dynamic`` statement, principals and
condition blocks over a typed ``trust_policy_permissions`` input) once per role. This
tree measures what evaluating such calls costs (issue 14): ``modules/iam-role/`` (the
module of ``tests/fixtures/tfeval/iam-role``) and ``live/<account>/<stack>/`` root
stacks, each with a provider, a backend, ``terraform.tfvars`` and a ``prod.tfvars``
var-file, calling the module ``--calls`` times in all: a vendor's account root, an
IAM user, a GitHub OIDC subject, an ExternalId-pinned partner, some with ``count`` or
``for_each``. About one call in four is wrong on purpose (a foreign root without
ExternalId, a user without MFA, a wildcard subject).

Usage: ``python bench/modules.py OUT_DIR [--calls 50] [--stacks 10] [--seed 7]``; prints
``files=N tf=N calls=N``.
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

MODULE = (Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "tfeval" / "iam-role"
          / "modules" / "iam-role")
ACCOUNTS = ("111111111111", "222222222222", "333333333333")
VENDORS = ("999999999999", "888888888888")


def _principals(kind: str, identifiers: list[str]) -> str:
    listed = ", ".join(f'"{i}"' for i in identifiers)
    return f'      principals = [{{ type = "{kind}", identifiers = [{listed}] }}]\n'


def _condition(test: str, variable: str, values: list[str]) -> str:
    listed = ", ".join(f'"{v}"' for v in values)
    return (f'      condition = [{{ test = "{test}", variable = "{variable}",'
            f" values = [{listed}] }}]\n")


def _call(rng: random.Random, index: int) -> str:
    """One module call; the kind of trust rotates, a quarter of them wrong."""
    name = f"role-{index:03d}"
    kind = index % 4
    wrong = rng.random() < 0.25
    vendor = rng.choice(VENDORS)
    own = rng.choice(ACCOUNTS)
    body = ""
    if kind == 0:  # a vendor's account, with (or without) its ExternalId
        body = _principals("AWS", [f"arn:aws:iam::{vendor}:root"])
        if not wrong:
            body += _condition("StringEquals", "sts:ExternalId", [f"ext-{index:04d}"])
    elif kind == 1:  # people of the security account, with (or without) MFA
        body = _principals("AWS", [f"arn:aws:iam::{own}:user/user-{index}"])
        if not wrong:
            body += _condition("Bool", "aws:MultiFactorAuthPresent", ["true"])
    elif kind == 2:  # a GitHub workflow through OIDC
        host = "token.actions.githubusercontent.com"
        subject = "repo:*" if wrong else f"repo:acme/app-{index}:ref:refs/heads/main"
        body = _principals("Federated", [f"arn:aws:iam::{own}:oidc-provider/{host}"]) + (
            f'      actions = ["sts:AssumeRoleWithWebIdentity"]\n'
            f'      condition = [\n        {{ test = "StringEquals", variable = "{host}:aud",'
            f' values = ["sts.amazonaws.com"] }},\n        {{ test = "StringLike",'
            f' variable = "{host}:sub", values = ["{subject}"] }},\n      ]\n')
    else:  # a service, from the stack's variables
        body = _principals("Service", ["lambda.amazonaws.com"])
    meta = ""
    if index % 7 == 3:
        meta = "  count  = var.create_optional ? 1 : 0\n"
    elif index % 11 == 5:
        meta = '  for_each = toset(["blue", "green"])\n'
        name = f"{name}-${{each.key}}"
    return (
        f'module "{name.split("-$")[0].replace("-", "_")}" {{\n'
        f'  source = "../../../modules/iam-role"\n{meta}\n'
        f'  name = "{name}"\n'
        f"  trust_policy_permissions = {{\n    Trust = {{\n{body}    }}\n  }}\n"
        f"  tags = local.tags\n}}\n\n"
    )


def _stack(root: Path, account: str, stack: str, calls: list[str]) -> int:
    folder = root / "live" / account / stack
    folder.mkdir(parents=True)
    (folder / "main.tf").write_text("".join(calls), encoding="utf-8")
    (folder / "providers.tf").write_text(
        'terraform {\n  backend "s3" {\n    bucket = "acme-state"\n'
        f'    key    = "{account}/{stack}.tfstate"\n    region = "eu-west-1"\n'
        "    assume_role = {\n"
        f'      role_arn     = "arn:aws:iam::{account}:role/terraform"\n'
        '      session_name = "terraform"\n    }\n  }\n}\n\n'
        'provider "aws" {\n  region = var.region\n  assume_role {\n'
        f'    role_arn     = "arn:aws:iam::{account}:role/terraform"\n'
        '    session_name = "terraform"\n  }\n}\n', encoding="utf-8")
    (folder / "variables.tf").write_text(
        'variable "region" {\n  type    = string\n  default = "eu-west-1"\n}\n\n'
        'variable "create_optional" {\n  type    = bool\n  default = false\n}\n\n'
        'variable "environment" {\n  type    = string\n  default = "dev"\n}\n\n'
        'locals {\n  tags = { stack = "' + stack + '", environment = var.environment }\n}\n',
        encoding="utf-8")
    (folder / "terraform.tfvars").write_text('region = "eu-west-1"\n', encoding="utf-8")
    (folder / "prod.tfvars").write_text(
        'environment     = "prod"\ncreate_optional = true\n', encoding="utf-8")
    return 5  # 3 .tf files and 2 .tfvars


def generate(root: Path, calls: int, stacks: int, seed: int) -> tuple[int, int]:
    """Write the tree; returns (files, .tf files)."""
    rng = random.Random(seed)
    if root.exists():
        shutil.rmtree(root)
    module = root / "modules" / "iam-role"
    shutil.copytree(MODULE, module)
    files = tf = sum(1 for _ in module.iterdir())
    per_stack: list[list[str]] = [[] for _ in range(stacks)]
    for index in range(calls):
        per_stack[index % stacks].append(_call(rng, index))
    for number, stack_calls in enumerate(per_stack):
        account = ACCOUNTS[number % len(ACCOUNTS)]
        files += _stack(root, account, f"stack-{number:02d}", stack_calls)
        tf += 3
    return files, tf


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--stacks", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    files, tf = generate(args.out, args.calls, args.stacks, args.seed)
    print(f"files={files} tf={tf} calls={args.calls}")


if __name__ == "__main__":
    main()
