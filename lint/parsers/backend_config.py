"""Backend configuration files: what ``terraform init -backend-config=FILE`` adds.

A partial backend (``backend "s3" {}``, or one without ``bucket`` or ``key``) is
completed when the module is initialised, and whoever reads only the ``.tf`` files
cannot know which identity writes the state. When the repository keeps that
configuration in a file beside the module, the identity is known again. A file is tied
to a module by where it sits, the conventions Terraform's documentation and real
repositories use:

- ``<module>/*.tfbackend`` (Terraform's own suffix for it);
- ``<module>/backend.hcl`` and ``<module>/*.backend.hcl`` (unless they are Terragrunt's);
- a file in ``<module>/backend-config/`` (``dev.hcl``, ``prod.tfvars``, ``prod.conf``).

(:func:`assume_lint.parsers.detect_by_path` recognises them.)

Each file becomes an :class:`~assume_lint.model.AssumeAttempt` of kind
``"backend-config"`` whose ``module`` is the module folder: its role (the top-level
``role_arn`` of the old syntax, or ``assume_role = {...}``), ``profile`` and keys (keys
are :class:`~assume_lint.model.Credential` objects like a backend's). The files hold
literals only (Terraform evaluates no expressions there); anything else is unknown.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePosixPath

from assume_lint.files.sources import SourceFile
from assume_lint.model import AssumeAttempt, Model, ParseProblem
from assume_lint.model.findings import Location
from assume_lint.parsers import hcl, per_file
from assume_lint.parsers import terraform_model as tm
from assume_lint.parsers.hcl import Evaluator, Scope
from assume_lint.parsers.located import Node

FOLDER = "backend-config"


def module_of(rel: str) -> str:
    """The module folder a backend config file belongs to."""
    parent = PurePosixPath(rel).parent
    if parent.name == FOLDER:
        parent = parent.parent
    return str(parent)


def parse_file(source: SourceFile) -> Model:
    """One backend config file as a backend-config attempt (and its keys)."""
    model = Model()
    parsed = hcl.parse_hcl(source.text, source.rel)
    if isinstance(parsed, ParseProblem):
        model.problems.append(parsed)
        return model
    model.problems.extend(parsed.problems)
    evaluator = Evaluator(parsed, Scope())
    fields: dict[str, Node] = {
        name: evaluator.attribute(attr) for name, attr in parsed.body.attributes.items()
    }
    context = f"backend config {source.rel}"
    model.credentials.extend(tm.credentials(fields, context))
    nested = fields.get("assume_role")
    values = {n: v for n, v in fields.items() if n in ("role_arn", "external_id", "session_name")}
    if nested is not None and nested.is_map:
        values.update(dict(nested.items()))
    role = values.get("role_arn")
    where = (role.key_location or role.location) if role is not None else None
    model.attempts.append(
        AssumeAttempt(
            kind="backend-config",
            caller=context,
            address=f"backend-config:{source.rel}",
            location=where or Location(source.rel, 1, 1),
            role_arn=tm.attr_of(role),
            external_id=tm.attr_of(values.get("external_id")),
            session_name=tm.attr_of(values.get("session_name")),
            module=module_of(source.rel),
            profile=tm.attr_of(fields.get("profile")),
        )
    )
    return model


def parse_unit(files: Sequence[SourceFile]) -> Model:
    """Each backend config file of the unit (one per unit)."""
    return per_file(parse_file, files)
