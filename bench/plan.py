"""Plan JSON versus the same roles written as HCL (issue 16): generator and timing.

Issue 16 asks that a ``terraform show -json`` plan of 5,000 resources lints within twice
the time of the same roles written as literal HCL. This script writes both from one
seeded list of roles and times assume-lint on each, cold (an empty parse cache, as a CI
job without a restored cache runs). It is a script, not a test: the figures depend on
the machine; the medians and their ratio are what to read.

What is generated under ``--work`` (default ``bench/out/plan``; reused while this file and
the parameters are unchanged):

- ``hcl/``: the roles as ``resource "aws_iam_role"`` blocks with ``jsonencode`` trust
  policies, 100 to a file, plus a provider;
- ``plan/tfplan.json``: the plan Terraform would print for that configuration, minified
  on one line as ``terraform show -json`` writes it (``planned_values``,
  ``resource_changes`` with ``after_unknown``/``after_sensitive``, ``configuration``);
- ``both/``: the configuration and the plan in one folder (findings are mapped back to
  the ``.tf`` blocks, and each role is reported once).

The trust policies mix what real trees hold: service roles, GitHub OIDC roles, roles
trusted by another account (with and without ``sts:ExternalId``) and IAM users, so the
runs report findings and the finishing and mapping work is part of the figure.

Usage: ``python bench/plan.py [--resources 5000] [--runs 3] [--work DIR] [--regen]
[--json FILE]``. Exit status 0 when the plan run is within twice the HCL run, else 1
(2 when a run failed).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
from run import Sample, assume_lint_cmd, measure  # noqa: E402  (a script beside this one)

PER_FILE = 100
ACCOUNTS = ("111111111111", "222222222222", "333333333333")
SERVICES = ("lambda.amazonaws.com", "codebuild.amazonaws.com", "ecs-tasks.amazonaws.com")
LIMIT = 2.0


# --- the roles ---------------------------------------------------------------------------


def trust(index: int) -> dict[str, Any]:
    """The trust policy of role ``index``: one of five shapes, deterministic."""
    shape = index % 5
    account = ACCOUNTS[index % len(ACCOUNTS)]
    statement: dict[str, Any] = {"Effect": "Allow", "Action": "sts:AssumeRole"}
    if shape == 0:
        statement["Principal"] = {"Service": SERVICES[index % len(SERVICES)]}
    elif shape == 1:
        statement["Principal"] = {
            "Federated": f"arn:aws:iam::{account}:oidc-provider/token.actions.githubusercontent.com"
        }
        statement["Action"] = "sts:AssumeRoleWithWebIdentity"
        statement["Condition"] = {
            "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
            "StringLike": {"token.actions.githubusercontent.com:sub": f"repo:org/app-{index}:*"},
        }
    elif shape == 2:
        statement["Principal"] = {"AWS": "arn:aws:iam::999999999999:root"}
        statement["Condition"] = {"StringEquals": {"sts:ExternalId": f"vendor-{index:08d}"}}
    elif shape == 3:
        statement["Principal"] = {"AWS": "arn:aws:iam::888888888888:root"}
    else:
        statement["Principal"] = {"AWS": f"arn:aws:iam::{account}:user/ops-{index}"}
    return {"Version": "2012-10-17", "Statement": [statement]}


def hcl_value(value: Any, indent: str) -> str:
    """``value`` as an HCL expression (objects with ``=``, as people write jsonencode)."""
    if isinstance(value, dict):
        inner = indent + "  "
        body = "".join(f'{inner}"{k}" = {hcl_value(v, inner)}\n' for k, v in value.items())
        return "{\n" + body + indent + "}"
    if isinstance(value, list):
        return "[" + ", ".join(hcl_value(v, indent) for v in value) + "]"
    return json.dumps(value)


def role_block(index: int) -> str:
    """One ``aws_iam_role`` block."""
    policy = hcl_value(trust(index), "  ")
    return (
        f'resource "aws_iam_role" "role_{index:05d}" {{\n'
        f'  name                 = "svc-{index:05d}"\n'
        f"  max_session_duration = 3600\n"
        f"  assume_role_policy   = jsonencode({policy})\n"
        f'  tags = {{\n    team = "team-{index % 40}"\n  }}\n'
        "}\n"
    )


PROVIDER = 'provider "aws" {\n  region = "eu-west-1"\n}\n'


def write_hcl(folder: Path, count: int) -> None:
    """The configuration: ``roles_NNN.tf`` files of PER_FILE roles and a provider."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "providers.tf").write_text(PROVIDER)
    for start in range(0, count, PER_FILE):
        blocks = [role_block(i) for i in range(start, min(start + PER_FILE, count))]
        (folder / f"roles_{start // PER_FILE:03d}.tf").write_text("\n".join(blocks))


# --- the plan ------------------------------------------------------------------------------

PROVIDER_NAME = "registry.terraform.io/hashicorp/aws"
UNKNOWN_AFTER = (
    "arn",
    "create_date",
    "id",
    "inline_policy",
    "managed_policy_arns",
    "name_prefix",
    "tags_all",
    "unique_id",
)


def _values(index: int) -> dict[str, Any]:
    """The role's known planned values; the policy as jsonencode renders it."""
    policy = json.dumps(trust(index), sort_keys=True, separators=(",", ":"))
    return {
        "assume_role_policy": policy,
        "description": None,
        "force_detach_policies": False,
        "max_session_duration": 3600,
        "name": f"svc-{index:05d}",
        "path": "/",
        "permissions_boundary": None,
        "tags": {"team": f"team-{index % 40}"},
    }


def _head(index: int) -> dict[str, Any]:
    return {
        "address": f"aws_iam_role.role_{index:05d}",
        "mode": "managed",
        "type": "aws_iam_role",
        "name": f"role_{index:05d}",
        "provider_name": PROVIDER_NAME,
    }


def plan(count: int) -> dict[str, Any]:
    """The plan document (``terraform show -json`` of Terraform 1.5 for ``write_hcl``)."""
    planned, changes, configured = [], [], []
    for index in range(count):
        values = _values(index)
        planned.append(
            {
                **_head(index),
                "schema_version": 0,
                "values": values,
                "sensitive_values": {
                    "inline_policy": [],
                    "managed_policy_arns": [],
                    "tags": {},
                    "tags_all": {},
                },
            }
        )
        changes.append(
            {
                **_head(index),
                "change": {
                    "actions": ["create"],
                    "before": None,
                    "after": values,
                    "after_unknown": {**{k: True for k in UNKNOWN_AFTER}, "tags": {}},
                    "before_sensitive": False,
                    "after_sensitive": {
                        "inline_policy": [],
                        "managed_policy_arns": [],
                        "tags": {},
                        "tags_all": {},
                    },
                },
            }
        )
        head = _head(index)
        del head["provider_name"]
        configured.append(
            {
                **head,
                "provider_config_key": "aws",
                "schema_version": 0,
                "expressions": {
                    "assume_role_policy": {},
                    "max_session_duration": {"constant_value": 3600},
                    "name": {"constant_value": f"svc-{index:05d}"},
                    "tags": {"constant_value": {"team": f"team-{index % 40}"}},
                },
            }
        )
    return {
        "format_version": "1.2",
        "terraform_version": "1.5.7",
        "planned_values": {"root_module": {"resources": planned}},
        "resource_changes": changes,
        "configuration": {
            "provider_config": {
                "aws": {
                    "name": "aws",
                    "full_name": PROVIDER_NAME,
                    "expressions": {"region": {"constant_value": "eu-west-1"}},
                }
            },
            "root_module": {"resources": configured},
        },
        "timestamp": "2024-01-01T00:00:00Z",
    }


def write_plan(path: Path, count: int) -> None:
    """The plan minified on one line, HTML characters escaped as Go's encoder does."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(plan(count), separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    path.write_text(text + "\n")


def generate(work: Path, count: int, regen: bool) -> None:
    """Write the three trees unless they are up to date."""
    stamp = hashlib.sha256(Path(__file__).read_bytes() + str(count).encode()).hexdigest()
    marker = work / ".stamp"
    if not regen and marker.is_file() and marker.read_text() == stamp:
        return
    shutil.rmtree(work, ignore_errors=True)
    write_hcl(work / "hcl", count)
    write_plan(work / "plan" / "tfplan.json", count)
    write_hcl(work / "both", count)
    shutil.copy(work / "plan" / "tfplan.json", work / "both" / "tfplan.json")
    marker.write_text(stamp)


# --- timing --------------------------------------------------------------------------------


def time_case(argv: list[str], cwd: Path, cache: Path, runs: int, out: Path) -> list[Sample]:
    """``runs`` cold runs (the parse cache emptied before each)."""
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    samples = []
    for _ in range(runs):
        shutil.rmtree(cache, ignore_errors=True)
        samples.append(measure(argv, env, cwd, out))
    return samples


def findings(out: Path) -> int:
    """The number of findings in a JSON report (-1 when unreadable)."""
    try:
        return int(json.loads(out.read_text())["summary"]["findings"])
    except (OSError, ValueError, KeyError, TypeError):
        return -1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resources", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=BENCH / "out" / "plan")
    parser.add_argument("--regen", action="store_true")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    work: Path = args.work.resolve()
    generate(work, args.resources, args.regen)
    al = assume_lint_cmd()
    flags = ["check", "-q", "--no-config", "--soft-fail", "-f", "json"]
    cases = {
        "hcl": (["hcl"], work),
        "plan": (["plan/tfplan.json"], work),
        "both": (["both"], work),
    }
    subprocess.run([*al, "--version"], capture_output=True, check=False)  # byte code, untimed
    results: dict[str, dict[str, Any]] = {}
    for key, (paths, cwd) in cases.items():
        out = work / f"{key}.out.json"
        samples = time_case([*al, *flags, *paths], cwd, work / "cache", args.runs, out)
        results[key] = {
            "wall": statistics.median(s.wall for s in samples),
            "cpu": statistics.median(s.cpu for s in samples),
            "rss_mib": max(s.rss_mib for s in samples),
            "findings": findings(out),
            "rc": sorted({s.rc for s in samples}),
        }
    size = (work / "plan" / "tfplan.json").stat().st_size
    print(f"{args.resources} roles; plan {size / 1024 / 1024:.1f} MiB on one line")
    print(f"{'case':<6} {'wall s':>8} {'cpu s':>8} {'RSS MiB':>8} {'findings':>9}  rc")
    for key, row in results.items():
        print(
            f"{key:<6} {row['wall']:8.2f} {row['cpu']:8.2f} {row['rss_mib']:8.0f} "
            f"{row['findings']:9d}  {row['rc']}"
        )
    ratio = results["plan"]["cpu"] / results["hcl"]["cpu"]
    wall_ratio = results["plan"]["wall"] / results["hcl"]["wall"]
    print(f"plan/hcl: cpu {ratio:.2f}x, wall {wall_ratio:.2f}x (target <= {LIMIT:.0f}x)")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "resources": args.resources,
                    "plan_bytes": size,
                    "results": results,
                    "cpu_ratio": ratio,
                    "wall_ratio": wall_ratio,
                },
                indent=2,
            )
            + "\n"
        )
    if any(rc not in (0, 1) for row in results.values() for rc in row["rc"]):
        return 2
    return 0 if max(ratio, wall_ratio) <= LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
