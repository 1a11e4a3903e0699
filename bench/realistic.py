"""Generate a deterministic "realistic" infrastructure-monorepo tree for the benchmark.

The dense corpus from ``../shared/bench/gen_corpus.py`` puts providers, backends and IAM
roles in every file: it is the worst case for an assume-role linter. A real monorepo is
the opposite: most ``.tf`` files hold ordinary resources (buckets, security groups,
lambdas, variables, outputs) and only a few hold a provider, a backend or an IAM role.
A linter that can skip what cannot matter should be much faster there, so the benchmark
measures both shapes.

Shape (defaults): ``modules/<name>/`` x 60, each with 30 files: 25 ``.tf`` files, two
JSON files (a CloudWatch dashboard or a Lambda test event; a trust policy in a few
modules), two YAML files (a Kubernetes manifest, an OpenAPI fragment) and a README.
One module in ten is a root stack (``providers.tf`` and ``backend.tf`` with
``assume_role``), one in six holds ``iam.tf`` with roles and trust policies. The root
holds a README and a few GitHub workflows that assume a role through
``aws-actions/configure-aws-credentials``.

Usage: ``python bench/realistic.py OUT_DIR [--modules 60] [--files-per-module 30]
[--seed 7]``; prints ``files=N tf=N bytes=N``.
"""

from __future__ import annotations

import argparse
import json
import random
import string
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ACCOUNTS = ("111111111111", "222222222222", "333333333333", "444444444444")
REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "eu-central-1")
RUNTIMES = ("python3.12", "nodejs20.x", "java21", "provided.al2023")

# Ordinary file names every module has, in order; special files replace the last ones.
ORDINARY_TF = (
    "main.tf", "variables.tf", "outputs.tf", "versions.tf", "locals.tf", "data.tf",
    "s3.tf", "security_groups.tf", "lambda.tf", "sqs.tf", "sns.tf", "cloudwatch.tf",
    "dynamodb.tf", "ecs.tf", "alb.tf", "rds.tf", "kms.tf", "route53.tf", "vpc.tf",
    "ecr.tf", "eventbridge.tf", "ssm.tf", "apigateway.tf", "waf.tf", "backup.tf",
)


@dataclass
class Stats:
    """What was written, for the one-line summary."""

    files: int = 0
    tf_files: int = 0
    size: int = 0


class Writer:
    """Writes files under a root and keeps the counts (one place that touches the disk)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.stats = Stats()

    def write(self, rel: str, text: str) -> None:
        """Write ``text`` at ``rel`` (POSIX, relative to the root)."""
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode()
        path.write_bytes(data)
        self.stats.files += 1
        self.stats.tf_files += rel.endswith(".tf")
        self.stats.size += len(data)


def ident(r: random.Random, prefix: str = "") -> str:
    """A random lowercase name, so files differ (no two parse results are identical)."""
    return prefix + "".join(r.choice(string.ascii_lowercase) for _ in range(r.randint(4, 9)))


def role_arn(r: random.Random) -> str:
    """A role ARN in one of the organisation's accounts."""
    return f"arn:aws:iam::{r.choice(ACCOUNTS)}:role/{ident(r, 'deploy-')}"


# --- ordinary blocks: what most of a real monorepo is made of --------------------------


def blk_bucket(r: random.Random) -> str:
    """An S3 bucket with versioning and encryption, the commonest resource there is."""
    n = ident(r)
    return (
        f'resource "aws_s3_bucket" "{n}" {{\n'
        f'  bucket = "${{var.prefix}}-{n}"\n'
        "  tags   = local.tags\n}\n\n"
        f'resource "aws_s3_bucket_versioning" "{n}" {{\n'
        f"  bucket = aws_s3_bucket.{n}.id\n"
        '  versioning_configuration {\n    status = "Enabled"\n  }\n}\n\n'
        f'resource "aws_s3_bucket_server_side_encryption_configuration" "{n}" {{\n'
        f"  bucket = aws_s3_bucket.{n}.id\n"
        "  rule {\n    apply_server_side_encryption_by_default {\n"
        '      sse_algorithm     = "aws:kms"\n'
        "      kms_master_key_id = var.kms_key_arn\n    }\n  }\n}\n"
    )


def blk_security_group(r: random.Random) -> str:
    """A security group with a few ingress rules."""
    n = ident(r)
    rules = "".join(
        "  ingress {\n"
        f"    from_port   = {port}\n    to_port     = {port}\n"
        '    protocol    = "tcp"\n'
        f'    cidr_blocks = ["10.{r.randint(0, 255)}.0.0/16"]\n'
        f'    description = "{ident(r)}"\n  }}\n'
        for port in r.sample((22, 80, 443, 5432, 6379, 8080, 9090), r.randint(1, 3))
    )
    return (
        f'resource "aws_security_group" "{n}" {{\n'
        f'  name_prefix = "{n}-"\n  vpc_id      = var.vpc_id\n{rules}'
        '  egress {\n    from_port   = 0\n    to_port     = 0\n    protocol    = "-1"\n'
        '    cidr_blocks = ["0.0.0.0/0"]\n  }\n'
        "  lifecycle {\n    create_before_destroy = true\n  }\n}\n"
    )


def blk_lambda(r: random.Random) -> str:
    """A Lambda function that uses a role defined elsewhere (no trust policy here)."""
    n = ident(r)
    return (
        f'resource "aws_lambda_function" "{n}" {{\n'
        f'  function_name = "${{var.prefix}}-{n}"\n'
        f"  role          = var.lambda_role_arn\n"
        f'  runtime       = "{r.choice(RUNTIMES)}"\n'
        '  handler       = "main.handler"\n'
        f'  filename      = "${{path.module}}/dist/{n}.zip"\n'
        f"  timeout       = {r.choice((3, 10, 30, 60, 900))}\n"
        f"  memory_size   = {r.choice((128, 256, 512, 1024))}\n"
        "  environment {\n    variables = {\n"
        f'      TABLE = aws_dynamodb_table.{ident(r)}.name\n      STAGE = var.stage\n'
        "    }\n  }\n}\n\n"
        f'resource "aws_cloudwatch_log_group" "{n}" {{\n'
        f'  name              = "/aws/lambda/${{var.prefix}}-{n}"\n'
        "  retention_in_days = 30\n}\n"
    )


def blk_variable(r: random.Random) -> str:
    """A typed variable with a description and sometimes a validation."""
    n = ident(r)
    if r.random() < 0.5:
        return (
            f'variable "{n}" {{\n  description = "The {n} setting."\n'
            f'  type        = string\n  default     = "{ident(r)}"\n}}\n'
        )
    return (
        f'variable "{n}" {{\n  type    = number\n  default = {r.randint(1, 100)}\n'
        f"  validation {{\n    condition     = var.{n} > 0\n"
        '    error_message = "Must be positive."\n  }\n}\n'
    )


def blk_output(r: random.Random) -> str:
    """An output of some resource attribute."""
    n = ident(r)
    return (
        f'output "{n}" {{\n  value       = aws_s3_bucket.{ident(r)}.arn\n'
        f'  description = "ARN of {n}"\n}}\n'
    )


def blk_queue(r: random.Random) -> str:
    """An SQS queue with its dead-letter queue."""
    n = ident(r)
    return (
        f'resource "aws_sqs_queue" "{n}_dlq" {{\n  name = "${{var.prefix}}-{n}-dlq"\n}}\n\n'
        f'resource "aws_sqs_queue" "{n}" {{\n  name                       = "${{var.prefix}}-{n}"\n'
        "  visibility_timeout_seconds = 60\n"
        "  redrive_policy = jsonencode({\n"
        f"    deadLetterTargetArn = aws_sqs_queue.{n}_dlq.arn\n    maxReceiveCount     = 5\n"
        "  })\n}\n"
    )


def blk_table(r: random.Random) -> str:
    """A DynamoDB table."""
    n = ident(r)
    return (
        f'resource "aws_dynamodb_table" "{n}" {{\n  name         = "${{var.prefix}}-{n}"\n'
        '  billing_mode = "PAY_PER_REQUEST"\n  hash_key     = "pk"\n  range_key    = "sk"\n'
        '  attribute {\n    name = "pk"\n    type = "S"\n  }\n'
        '  attribute {\n    name = "sk"\n    type = "S"\n  }\n'
        "  point_in_time_recovery {\n    enabled = true\n  }\n}\n"
    )


def blk_alarm(r: random.Random) -> str:
    """A CloudWatch alarm."""
    n = ident(r)
    return (
        f'resource "aws_cloudwatch_metric_alarm" "{n}" {{\n'
        f'  alarm_name          = "${{var.prefix}}-{n}"\n'
        '  comparison_operator = "GreaterThanThreshold"\n  evaluation_periods  = 2\n'
        '  metric_name         = "Errors"\n  namespace           = "AWS/Lambda"\n'
        f"  period              = 300\n  threshold           = {r.randint(1, 50)}\n"
        "  alarm_actions       = [var.alarm_topic_arn]\n}\n"
    )


def blk_locals(r: random.Random) -> str:
    """Locals with tags and a computed map."""
    return (
        "locals {\n  tags = {\n    Team    = var.team\n"
        f'    Service = "{ident(r)}"\n  }}\n'
        f"  names = {{ for k, v in var.{ident(r)} : k => \"${{var.prefix}}-${{v}}\" }}\n}}\n"
    )


def blk_data(r: random.Random) -> str:
    """Data sources an ordinary module reads."""
    return (
        'data "aws_caller_identity" "current" {}\n\n'
        'data "aws_region" "current" {}\n\n'
        f'data "aws_vpc" "{ident(r)}" {{\n  tags = {{\n    Name = var.vpc_name\n  }}\n}}\n'
    )


ORDINARY: tuple[Callable[[random.Random], str], ...] = (
    blk_bucket, blk_security_group, blk_lambda, blk_queue, blk_table, blk_alarm,
)


def ordinary_file(r: random.Random, name: str) -> str:
    """The body of an ordinary ``.tf`` file, chosen by its name like a real module's."""
    if name == "variables.tf":
        return "\n".join(blk_variable(r) for _ in range(r.randint(4, 15)))
    if name == "outputs.tf":
        return "\n".join(blk_output(r) for _ in range(r.randint(2, 8)))
    if name == "locals.tf":
        return blk_locals(r)
    if name == "data.tf":
        return blk_data(r)
    if name == "versions.tf":
        return (
            'terraform {\n  required_version = ">= 1.5.0"\n  required_providers {\n'
            '    aws = {\n      source  = "hashicorp/aws"\n      version = "~> 5.0"\n    }\n'
            "  }\n}\n"
        )
    return "\n".join(r.choice(ORDINARY)(r) for _ in range(r.randint(1, 5)))


# --- the few files an assume-role linter is about ---------------------------------------


def providers_file(r: random.Random) -> str:
    """Providers of a root stack: a default one and an aliased one, both assuming a role."""
    out = []
    for alias in ("", ident(r)):
        alias_line = f'  alias  = "{alias}"\n' if alias else ""
        ext = f'    external_id  = "{ident(r)}"\n' if r.random() < 0.5 else ""
        out.append(
            f'provider "aws" {{\n{alias_line}  region = "{r.choice(REGIONS)}"\n'
            f'  assume_role {{\n    role_arn     = "{role_arn(r)}"\n'
            f'    session_name = "terraform-{ident(r)}"\n{ext}  }}\n}}\n'
        )
    return "\n".join(out)


def backend_file(r: random.Random) -> str:
    """The S3 backend of a root stack, assuming a state role."""
    return (
        'terraform {\n  backend "s3" {\n'
        f'    bucket         = "tfstate-{ident(r)}"\n'
        f'    key            = "{ident(r)}/terraform.tfstate"\n'
        f'    region         = "{r.choice(REGIONS)}"\n'
        '    encrypt        = true\n'
        f'    dynamodb_table = "tflock-{ident(r)}"\n'
        f'    assume_role = {{\n      role_arn = "{role_arn(r)}"\n    }}\n'
        "  }\n}\n"
    )


def trust_policy(r: random.Random) -> dict[str, object]:
    """A trust policy: a service, another account (sometimes with an ExternalId) or OIDC."""
    kind = r.random()
    statement: dict[str, object]
    if kind < 0.5:
        statement = {"Effect": "Allow", "Action": "sts:AssumeRole",
                     "Principal": {"Service": "lambda.amazonaws.com"}}
    elif kind < 0.85:
        statement = {"Effect": "Allow", "Action": "sts:AssumeRole",
                     "Principal": {"AWS": f"arn:aws:iam::{r.choice(ACCOUNTS)}:root"}}
        if r.random() < 0.5:
            statement["Condition"] = {"StringEquals": {"sts:ExternalId": ident(r)}}
    else:
        statement = {
            "Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
            "Principal": {"Federated": f"arn:aws:iam::{r.choice(ACCOUNTS)}:oidc-provider/"
                          "token.actions.githubusercontent.com"},
            "Condition": {"StringLike": {
                "token.actions.githubusercontent.com:sub": f"repo:acme/{ident(r)}:*"}},
        }
    return {"Version": "2012-10-17", "Statement": [statement]}


def iam_file(r: random.Random) -> str:
    """IAM roles with trust policies, as jsonencode and as a heredoc."""
    out = []
    for i in range(r.randint(1, 3)):
        n = ident(r)
        policy = trust_policy(r)
        if i % 2:
            body = f"<<EOF\n{json.dumps(policy, indent=2)}\nEOF"
        else:
            body = f"jsonencode({json.dumps(policy, indent=2)})"
        out.append(
            f'resource "aws_iam_role" "{n}" {{\n  name               = "${{var.prefix}}-{n}"\n'
            f"  assume_role_policy = {body}\n}}\n"
        )
    return "\n".join(out)


# --- non-Terraform files -----------------------------------------------------------------


def dashboard_json(r: random.Random) -> str:
    """A CloudWatch dashboard body: JSON that is not a trust policy."""
    widgets = [{"type": "metric", "x": 0, "y": 6 * i, "width": 12, "height": 6,
                "properties": {"metrics": [["AWS/Lambda", "Errors", "FunctionName", ident(r)]],
                               "region": r.choice(REGIONS), "stat": "Sum"}}
               for i in range(r.randint(2, 6))]
    return json.dumps({"widgets": widgets}, indent=2) + "\n"


def event_json(r: random.Random) -> str:
    """A Lambda test event."""
    return json.dumps({"Records": [{"eventSource": "aws:sqs", "body": ident(r),
                                    "messageId": ident(r)}]}, indent=2) + "\n"


def manifest_yaml(r: random.Random) -> str:
    """A Kubernetes deployment: YAML an assume-role linter has no business parsing."""
    n = ident(r)
    return (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
        f"  name: {n}\n  labels:\n    app: {n}\nspec:\n  replicas: {r.randint(1, 4)}\n"
        f"  selector:\n    matchLabels:\n      app: {n}\n  template:\n    metadata:\n"
        f"      labels:\n        app: {n}\n    spec:\n      containers:\n"
        f"        - name: {n}\n          image: acme/{n}:1.{r.randint(0, 9)}\n"
        "          ports:\n            - containerPort: 8080\n"
    )


def openapi_yaml(r: random.Random) -> str:
    """An OpenAPI fragment."""
    paths = "".join(f"  /{ident(r)}:\n    get:\n      summary: {ident(r)}\n"
                    "      responses:\n        '200':\n          description: ok\n"
                    for _ in range(r.randint(2, 6)))
    return f"openapi: 3.0.3\ninfo:\n  title: {ident(r)}\n  version: 1.0.0\npaths:\n{paths}"


def readme(r: random.Random, name: str) -> str:
    """A module README."""
    return (f"# {name}\n\nTerraform module for {ident(r)}.\n\n## Usage\n\n```hcl\n"
            f'module "{name}" {{\n  source = "../../modules/{name}"\n}}\n```\n')


def workflow_yaml(r: random.Random) -> str:
    """A GitHub workflow that assumes a role through OIDC."""
    return (
        f"name: {ident(r)}\non:\n  push:\n    branches: [main]\n"
        "permissions:\n  id-token: write\n  contents: read\njobs:\n  deploy:\n"
        "    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
        "      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n"
        f"          role-to-assume: {role_arn(r)}\n"
        f"          aws-region: {r.choice(REGIONS)}\n"
        "      - run: terraform init && terraform plan\n"
    )


# --- the tree -----------------------------------------------------------------------------


def module_files(r: random.Random, index: int, per_module: int) -> dict[str, str]:
    """The files of module ``index``: mostly ordinary, a few special ones when it is so."""
    name = f"{ident(r)}-{index:02d}"
    tf_names = list(ORDINARY_TF[: max(per_module - 5, 1)])
    special: dict[str, str] = {}
    if index % 10 == 0:  # a root stack
        special["providers.tf"] = providers_file(r)
        special["backend.tf"] = backend_file(r)
    if index % 6 == 3:
        special["iam.tf"] = iam_file(r)
    for _ in special:
        tf_names.pop()
    files = {f"modules/{name}/{tf}": ordinary_file(r, tf) for tf in tf_names}
    files.update({f"modules/{name}/{tf}": body for tf, body in special.items()})
    base = f"modules/{name}"
    if index % 12 == 5:
        files[f"{base}/policies/trust.json"] = json.dumps(trust_policy(r), indent=2) + "\n"
    else:
        files[f"{base}/dashboards/main.json"] = dashboard_json(r)
    files[f"{base}/events/sample.json"] = event_json(r)
    files[f"{base}/k8s/deployment.yaml"] = manifest_yaml(r)
    files[f"{base}/api/openapi.yaml"] = openapi_yaml(r)
    files[f"{base}/README.md"] = readme(r, name)
    return files


def generate(out: Path, modules: int = 60, per_module: int = 30, seed: int = 7) -> Stats:
    """Write the tree under ``out`` (which should be empty) and return what was written."""
    r = random.Random(seed)
    writer = Writer(out)
    writer.write("README.md", "# infrastructure\n\nAll of ACME's Terraform.\n")
    for i in range(3):
        writer.write(f".github/workflows/deploy-{i}.yml", workflow_yaml(r))
    for index in range(modules):
        for rel, text in module_files(r, index, per_module).items():
            writer.write(rel, text)
    return writer.stats


def main() -> None:
    """Command line: generate the tree and print a one-line summary."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--modules", type=int, default=60)
    parser.add_argument("--files-per-module", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    stats = generate(args.out, args.modules, args.files_per_module, args.seed)
    print(f"files={stats.files} tf={stats.tf_files} bytes={stats.size}")


if __name__ == "__main__":
    main()
