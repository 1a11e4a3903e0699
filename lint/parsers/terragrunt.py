"""Terragrunt configuration: ``iam_role``, ``remote_state`` and generated Terraform.

One unit is one Terragrunt file (``terragrunt.hcl``, or an ``*.hcl`` that sniffing found
to be Terragrunt). What it contributes, all with ``module`` = the unit's folder so that
AL301 compares the unit's identities with each other:

- ``iam_role`` (with ``iam_assume_role_duration`` and ``iam_assume_role_session_name``):
  an ``AssumeAttempt(kind="terragrunt")``; Terragrunt assumes it before Terraform runs.
- ``remote_state`` with ``backend = "s3"``: an ``AssumeAttempt(kind="backend")`` read
  from ``config`` exactly like a Terraform ``backend "s3"`` block (``assume_role = {}``,
  the deprecated top-level role attributes, static keys as Credentials).
- ``generate`` blocks writing ``.tf`` files: their ``contents`` (usually a heredoc) is
  parsed by the Terraform parser on a copy of the file in which the heredoc body sits at
  its own lines and columns, so a generated provider is located in the Terragrunt file.

Terragrunt functions are resolved only where that is certain: ``get_env("X", "d")``
gives its literal default, ``local.x`` the unit's own locals. ``include.*``,
``dependency.*``, ``find_in_parent_folders()`` and the rest stay unknown (silent). Files
pulled in by ``include`` are not merged: each file reports what it itself configures.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePosixPath
from typing import Any

from assume_lint.findings import Location
from assume_lint.model import AssumeAttempt, Attr, Model, ParseProblem
from assume_lint.parsers import hcl, terraform
from assume_lint.parsers.hcl import Attribute, Block, Evaluator, HclFile, Scope, TemplateNode
from assume_lint.parsers.located import Node
from assume_lint.sources import SourceFile

_MAX_LOCAL_PASSES = 50
_ROLE_FIELDS = ("role_arn", "external_id", "session_name")


def parse_unit(files: Sequence[SourceFile]) -> Model:
    """Parse each Terragrunt file of the unit (one file per unit in practice)."""
    model = Model()
    for source in files:
        model.extend(parse_file(source))
    return model


def parse_file(source: SourceFile) -> Model:
    """Everything one Terragrunt file configures; a ParseProblem when it is not HCL."""
    parsed = hcl.parse_hcl(source.text, source.rel)
    if isinstance(parsed, ParseProblem):
        return Model(problems=[parsed])
    unit = _Unit(source, parsed)
    unit.collect()
    return unit.model


# --------------------------------------------------------------------------- evaluation


class TerragruntEvaluator(Evaluator):
    """The HCL evaluator plus the Terragrunt functions whose value is certain."""

    def _e_function_call(self, tree: Any) -> Node:
        name = str(tree.children[0].children[0])
        if name == "get_env":
            args = _arguments(tree)
            if len(args) == 2:
                default = self.evaluate(args[1])
                if default.known and isinstance(default.value, str):
                    return Node(default.value, self.loc(tree), source=self.source(tree))
            return self.unknown(tree)
        return super()._e_function_call(tree)

    def _eval_snippet(self, expr_text: str) -> Node | None:
        """Interpolations inside heredocs are evaluated with Terragrunt's functions too."""
        if "\n" in expr_text or len(expr_text) > 2000:
            return None
        text = f"x = {expr_text}\n"
        parsed = hcl.parse_hcl(text, self.rel)
        if isinstance(parsed, ParseProblem) or "x" not in parsed.body.attributes:
            return None
        snippet = TerragruntEvaluator(parsed, self.scope)
        return snippet.evaluate(parsed.body.attributes["x"].expr)


def _arguments(tree: Any) -> list[Any]:
    """The argument expression trees of a function call."""
    for child in tree.children:
        if getattr(child, "data", None) == "arguments":
            return [
                c for c in child.children if hasattr(c, "data") and c.data != "new_line_or_comment"
            ]
    return []


# --------------------------------------------------------------------------- collect


class _Unit:
    """One parsed Terragrunt file and the model it produces."""

    def __init__(self, source: SourceFile, parsed: HclFile) -> None:
        self.source = source
        self.file = parsed
        self.folder = str(PurePosixPath(source.rel).parent)
        self.scope = Scope()
        self.model = Model()
        self.evaluator = TerragruntEvaluator(parsed, self.scope)

    def collect(self) -> None:
        """Locals first (everything may refer to them), then the interesting parts."""
        self._resolve_locals()
        body = self.file.body
        self._iam_role(body.attributes)
        remote = body.attributes.get("remote_state")
        if remote is not None:  # the `remote_state = {...}` attribute form
            node = self.evaluator.attribute(remote)
            self._remote_state(_fields_of(node), remote.location)
        for block in body.blocks:
            if block.type == "remote_state":
                self._remote_state(self._fields(block), block.location)
            elif block.type == "generate":
                self._generate(block)

    def _fields(self, block: Block) -> dict[str, Node]:
        return {name: self.evaluator.attribute(a) for name, a in block.attributes.items()}

    def _resolve_locals(self) -> None:
        """Evaluate ``locals`` until nothing changes (they may refer to each other)."""
        pending: list[Attribute] = [
            attr
            for block in self.file.body.blocks_of("locals")
            for attr in block.attributes.values()
        ]
        previous: dict[str, tuple[bool, object]] = {}
        for _ in range(min(len(pending) + 1, _MAX_LOCAL_PASSES)):
            for attr in pending:
                self.scope.locals[attr.name] = self.evaluator.attribute(attr)
            snapshot = {k: (v.known, v.plain()) for k, v in self.scope.locals.items()}
            if snapshot == previous:
                break
            previous = snapshot

    # -- iam_role
    def _iam_role(self, attributes: dict[str, Attribute]) -> None:
        """``iam_role`` -> an attempt located at the attribute."""
        role = attributes.get("iam_role")
        if role is None:
            return
        node = self.evaluator.attribute(role)
        if node.known and node.text() == "":
            return  # an explicit empty role assumes nothing
        session = attributes.get("iam_assume_role_session_name")
        duration = attributes.get("iam_assume_role_duration")
        self.model.attempts.append(
            AssumeAttempt(
                kind="terragrunt",
                caller="Terragrunt iam_role",
                address="iam_role",
                location=role.location,
                role_arn=_attr(node),
                session_name=_attr(self.evaluator.attribute(session)) if session else None,
                duration=(
                    terraform._duration_attr(self.evaluator.attribute(duration))
                    if duration
                    else None
                ),
                module=self.folder,
            )
        )

    # -- remote_state
    def _remote_state(self, fields: dict[str, Node], where: Location) -> None:
        """``remote_state { backend = "s3" config = {...} }`` as an S3 backend."""
        backend = fields.get("backend")
        if backend is None or backend.text() != "s3":
            return
        config = fields.get("config")
        values = _fields_of(config) if config is not None else {}
        context = 'remote_state "s3"'
        self.model.credentials.extend(terraform._credentials(values, context))
        deprecated = tuple(
            (name, node.key_location or node.location)
            for name, node in values.items()
            if name in terraform._DEPRECATED_BACKEND
        )
        old = {n: v for n, v in values.items() if n in _ROLE_FIELDS}
        if "assume_role_duration_seconds" in values:
            old["duration"] = values["assume_role_duration_seconds"]
        nested = [
            (node.key_location or node.location, _fields_of(node))
            for name in ("assume_role", "assume_role_with_web_identity")
            if (node := values.get(name)) is not None
        ]
        if not nested:
            anchor = old.get("role_arn")
            location = (anchor.key_location or anchor.location) if anchor is not None else where
            nested = [(location, {})]
        for location, inner in nested:
            self._backend_attempt(context, location, {**old, **inner}, deprecated)

    def _backend_attempt(
        self,
        context: str,
        location: Location,
        values: dict[str, Node],
        deprecated: tuple[tuple[str, Location], ...],
    ) -> None:
        duration = values.get("duration") or values.get("duration_seconds")
        self.model.attempts.append(
            AssumeAttempt(
                kind="backend",
                caller=context,
                address="remote_state.s3",
                location=location,
                role_arn=_attr(values.get("role_arn")),
                external_id=_attr(values.get("external_id")),
                session_name=_attr(values.get("session_name")),
                duration=terraform._duration_attr(duration),
                module=self.folder,
                deprecated=deprecated,
            )
        )

    # -- generate
    def _generate(self, block: Block) -> None:
        """Parse a generated ``.tf`` file's contents as Terraform, located in this file."""
        fields = self._fields(block)
        path = fields.get("path")
        target = path.text() if path is not None else None
        if target is not None and not target.endswith(".tf"):
            return  # a .tfvars, .json or other generated file: not Terraform code
        contents = fields.get("contents")
        if not isinstance(contents, TemplateNode):
            return
        if any(source.startswith("%{") for source in contents.holes):
            return  # an unresolved %{ if }/%{ for } directive: which text is generated is unknown
        text = _located_text(contents)
        if text is None:
            return
        label = block.labels[0] if block.labels else ""
        generated = terraform.parse_unit([SourceFile(self.source.path, self.source.rel, text)])
        # With unresolved interpolations put back as written, a syntax error may be ours
        # (a hole standing for a whole expression): report only fully known text.
        generated.problems = [
            ParseProblem(p.location, f'generate "{label}" contents: {p.message}')
            for p in generated.problems
            if not contents.holes
        ]
        self.model.extend(generated)


def _located_text(contents: TemplateNode) -> str | None:
    """The generated text padded so that its lines and columns are those of the file.

    Body line N of the heredoc lands on line ``body_line + N - 1``; a ``<<-`` heredoc
    gets back the indentation it stripped. Unknown interpolations are put back as
    written (``${include.root.locals.role}``), which Terraform evaluation leaves unknown.
    """
    template = contents.template if contents.template else contents.value
    if not isinstance(template, str) or not template.strip():
        return None
    if contents.holes:
        template = hcl.fill_holes(template, contents.holes)
    lines = template.split("\n")
    if contents.heredoc:
        pad = " " * contents.indent
        lines = [pad + line if line else line for line in lines]
    else:
        lines[0] = " " * (contents.body_column - 1) + lines[0]
    return "\n" * (contents.body_line - 1) + "\n".join(lines)


def _fields_of(node: Node | None) -> dict[str, Node]:
    """A mapping Node's entries (an unknown or non-map value has none we can read)."""
    if node is None or not node.is_map:
        return {}
    return dict(node.items())


def _attr(node: Node | None) -> Attr | None:
    """An Attr located at its attribute name, like the Terraform parser's."""
    return terraform._attr(node)
