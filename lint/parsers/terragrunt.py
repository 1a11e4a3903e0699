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
``dependency.*`` and the rest stay unknown (silent).

``include`` blocks are merged the way Terragrunt's default shallow merge does for the
parts we read: the parent's ``iam_role``, ``remote_state`` and each ``generate "label"``
are inherited when the child has none of its own (a child ``generate`` overrides the
parent's block of the same label). The parent is found from ``path``: a literal path
(relative to the child's folder), ``find_in_parent_folders()`` (the nearest
``terragrunt.hcl`` in a folder above the child) or ``find_in_parent_folders("root.hcl")``,
never above the repository root. It is read from disk; a parent that is missing,
unreadable or not HCL contributes nothing (it reports its own problems as its own
unit). Inherited attempts keep their Location in the parent file but get ``module`` =
the child's folder, so AL301 compares them with the child's own identities.
With ``merge_strategy = "deep"``, a ``remote_state`` in both files is one block: the
parent's fields and ``config`` map merged with the child's (maps recursively, lists
concatenated, the child winning on a conflict), as Terragrunt does; each value keeps the
file and line it was written at. ``merge_strategy = "no_merge"`` (or an unresolved
strategy) inherits nothing. Because a
unit's model then depends on the parent's text, :func:`extra_inputs` names every file an
include might resolve to, and the model cache keys the unit by their content too.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from assume_lint.files.sources import SourceFile, read_source
from assume_lint.model import AssumeAttempt, Attr, Model, ParseProblem
from assume_lint.model.findings import Location
from assume_lint.parsers import hcl, per_file, terraform, terraform_model
from assume_lint.parsers.hcl import Attribute, Block, Evaluator, HclFile, Scope, TemplateNode
from assume_lint.parsers.located import Node

if TYPE_CHECKING:
    from assume_lint.parsers import Unit

_MAX_LOCAL_PASSES = 50
_PARENT_NAME = "terragrunt.hcl"
_MAX_PARENT_LEVELS = 100  # Terragrunt's own default for find_in_parent_folders
_MERGING = frozenset({"shallow", "deep"})
_HCL_LITERAL = re.compile(r'"([^"$\n{}]{1,400}\.hcl)"')


def parse_unit(files: Sequence[SourceFile]) -> Model:
    """Parse each Terragrunt file of the unit (one file per unit in practice)."""
    return per_file(parse_file, files)


def parse_file(source: SourceFile) -> Model:
    """Everything one Terragrunt file configures; a ParseProblem when it is not HCL."""
    parsed = hcl.parse_hcl(source.text, source.rel)
    if isinstance(parsed, ParseProblem):
        return Model(problems=[parsed])
    unit = _Unit(source, parsed)
    unit.model.problems.extend(parsed.problems)
    unit.collect()
    for block in parsed.body.blocks_of("include"):
        _include(unit, block)
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
        self.origin: list[str] = []  # the section each attempt of the model comes from
        self.evaluator = TerragruntEvaluator(parsed, self.scope)
        self.remote: tuple[dict[str, Node], Location] | None = None  # remote_state fields

    def sections(self) -> set[str]:
        """The parts an include merge lets this file override: ``iam_role``,
        ``remote_state`` and ``generate:<label>``."""
        body = self.file.body
        own: set[str] = {n for n in ("iam_role", "remote_state") if n in body.attributes}
        for block in body.blocks:
            if block.type == "remote_state":
                own.add("remote_state")
            elif block.type == "generate":
                own.add(f"generate:{block.labels[0] if block.labels else ''}")
        return own

    def _mark(self, section: str) -> None:
        """Attribute the attempts added since the last mark to ``section``."""
        self.origin.extend([section] * (len(self.model.attempts) - len(self.origin)))

    def collect(self) -> None:
        """Locals first (everything may refer to them), then the interesting parts."""
        self._resolve_locals()
        body = self.file.body
        self._iam_role(body.attributes)
        self._mark("iam_role")
        remote = body.attributes.get("remote_state")
        if remote is not None:  # the `remote_state = {...}` attribute form
            node = self.evaluator.attribute(remote)
            self.remote = (_fields_of(node), remote.location)
            self._remote_state(*self.remote)
            self._mark("remote_state")
        for block in body.blocks:
            if block.type == "remote_state":
                self.remote = (self._fields(block), block.location)
                self._remote_state(*self.remote)
                self._mark("remote_state")
            elif block.type == "generate":
                self._generate(block)
                self._mark(f"generate:{block.labels[0] if block.labels else ''}")

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
                    terraform_model.duration_attr(self.evaluator.attribute(duration))
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
        self.model.credentials.extend(terraform_model.credentials(values, context))
        old, deprecated = terraform_model.legacy_backend_fields(values)
        nested = [
            (node.key_location or node.location, _fields_of(node))
            for name in ("assume_role", "assume_role_with_web_identity")
            if (node := values.get(name)) is not None
        ]
        if not nested:
            anchor = old.get("role_arn")
            location = (anchor.key_location or anchor.location) if anchor is not None else where
            nested = [(location, {})]
        since = len(self.model.attempts)
        for location, inner in nested:
            self._backend_attempt(context, location, {**old, **inner}, deprecated)
        # Terragrunt passes this config to init itself: it is the whole backend config
        terraform_model.credential_source(self.model, since, values)

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
                duration=terraform_model.duration_attr(duration),
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


# --------------------------------------------------------------------------- include


def _repo_root(source: SourceFile) -> Path | None:
    """The folder ``source.rel`` is relative to (None when ``path`` does not end in it)."""
    parts = PurePosixPath(source.rel).parts
    path = source.path.absolute()
    if not parts or ".." in parts or path.parts[-len(parts) :] != parts:
        return None
    return path.parents[len(parts) - 1]


def _ancestors(source: SourceFile, root: Path) -> Iterator[Path]:
    """The folders above the file's own, nearest first, up to the repository root."""
    folder = source.path.absolute().parent
    for parent in list(folder.parents)[:_MAX_PARENT_LEVELS]:
        if parent != root and root not in parent.parents:
            return
        yield parent


def _inside(path: Path, root: Path) -> str | None:
    """``path`` normalised, as a POSIX path relative to ``root`` (None when outside)."""
    normal = Path(os.path.normpath(path))
    try:
        rel = normal.relative_to(root)
    except ValueError:
        return None
    return rel.as_posix() if rel.parts else None


class _IncludeEvaluator(TerragruntEvaluator):
    """Evaluates an include's ``path``: ``find_in_parent_folders`` searches the disk."""

    def __init__(self, parsed: HclFile, scope: Scope, source: SourceFile, root: Path) -> None:
        super().__init__(parsed, scope)
        self.child = source
        self.root = root

    def _e_function_call(self, tree: Any) -> Node:
        name = str(tree.children[0].children[0])
        if name != "find_in_parent_folders":
            return super()._e_function_call(tree)
        args = _arguments(tree)
        target = _PARENT_NAME
        if args:
            first = self.evaluate(args[0])
            if not first.known or not isinstance(first.value, str) or not first.value:
                return self.unknown(tree)
            target = first.value
        for folder in _ancestors(self.child, self.root):
            candidate = folder / target
            try:
                found = candidate.is_file()
            except OSError:
                found = False
            if found:
                return Node(str(candidate), self.loc(tree), source=self.source(tree))
        return self.unknown(tree)  # Terragrunt fails here (or uses a fallback argument)


def _parent_source(unit: _Unit, block: Block) -> tuple[SourceFile, str] | None:
    """The file an include block names, read from disk, and the merge strategy; None
    when it cannot be read or nothing is merged."""
    root = _repo_root(unit.source)
    path_attr = block.attributes.get("path")
    if root is None or path_attr is None:
        return None
    evaluator = _IncludeEvaluator(unit.file, unit.scope, unit.source, root)
    merge = "shallow"
    strategy = block.attributes.get("merge_strategy")
    if strategy is not None:
        value = evaluator.attribute(strategy)
        merge = (value.text() or "") if value.known else ""
        if merge not in _MERGING:
            return None
    node = evaluator.attribute(path_attr)
    if not node.known or not isinstance(node.value, str) or not node.value:
        return None
    rel = _inside(unit.source.path.absolute().parent / node.value, root)
    if rel is None or rel == unit.source.rel:
        return None
    loaded = read_source(root / rel, rel)
    return (loaded, merge) if isinstance(loaded, SourceFile) else None


def _include(unit: _Unit, block: Block) -> None:
    """Add what an include merges in: the parent's attempts for the parts the child does
    not configure itself, and with a deep merge a ``remote_state`` of both, merged."""
    try:
        found = _parent_source(unit, block)
    except (OSError, ValueError, RecursionError):
        return
    if found is None:
        return
    parent, merge = found
    parsed = hcl.parse_hcl(parent.text, parent.rel)
    if isinstance(parsed, ParseProblem):
        return
    source = _Unit(parent, parsed)
    source.collect()
    own = unit.sections()
    unit.model.attempts.extend(
        dataclasses.replace(attempt, module=unit.folder)
        for attempt, section in zip(source.model.attempts, source.origin, strict=True)
        if section not in own
    )
    if merge == "deep" and unit.remote is not None and source.remote is not None:
        _merge_remote_state(unit, source.remote[0])


def _merge_remote_state(unit: _Unit, inherited: dict[str, Node]) -> None:
    """Replace the child's own remote_state attempts by those of the deep-merged block.

    Credentials are not collected again: the child's were collected from its own block,
    the parent's are reported when the parent is linted.
    """
    assert unit.remote is not None
    fields, where = unit.remote
    keep = [(a, o) for a, o in zip(unit.model.attempts, unit.origin, strict=True)
            if o != "remote_state"]
    unit.model.attempts = [a for a, _ in keep]
    unit.origin = [o for _, o in keep]
    credentials = list(unit.model.credentials)
    unit._remote_state(_deep_merge(inherited, fields), where)
    unit._mark("remote_state")
    unit.model.credentials = credentials


def _deep_merge(parent: dict[str, Node], child: dict[str, Node]) -> dict[str, Node]:
    """Terragrunt's deep merge of two attribute maps: maps merged recursively, lists
    concatenated, anything else the child's."""
    merged = dict(parent)
    for name, value in child.items():
        base = merged.get(name)
        if base is None or not base.known or not value.known:
            merged[name] = value
        elif base.is_map and value.is_map:
            inner = _deep_merge(dict(base.items()), dict(value.items()))
            merged[name] = dataclasses.replace(value, value=inner)
        elif base.is_list and value.is_list:
            merged[name] = dataclasses.replace(value, value=[*base.value, *value.value])
        else:
            merged[name] = value
    return merged


def extra_inputs(unit: Unit) -> list[Path]:
    """Every file an ``include`` of the unit may resolve to, for the model cache key.

    A cheap superset, found without parsing: ``terragrunt.hcl`` and every quoted
    ``*.hcl`` name of the file in each folder above it (up to the repository root), and
    those names relative to the file's own folder. Missing files count too, so creating
    a parent changes the key.
    """
    found: list[Path] = []
    for source in unit.files:
        root = _repo_root(source)
        if root is None or "include" not in source.text:
            continue
        names = sorted({_PARENT_NAME, *_HCL_LITERAL.findall(source.text)})
        candidates = [source.path.absolute().parent / name for name in names]
        for folder in _ancestors(source, root):
            candidates.extend(folder / name for name in names)
        for candidate in candidates:
            rel = _inside(candidate, root)
            if rel is not None and rel != source.rel:
                found.append(root / rel)
    return sorted(set(found))


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
    return terraform_model.attr_of(node)
