"""One module instance: a folder evaluated with its inputs, lazily, as Terraform would.

A :class:`Folder` is a module folder's parsed files, indexed by what they declare
(parsed once per process, whoever asks). An :class:`Instance` is that folder evaluated
with some inputs: a root module's variables come from defaults, ``terraform.tfvars``,
``*.auto.tfvars`` and a ``-var-file``; a called module's from its caller's arguments and
its defaults, converted to the variables' types. Locals, data sources, resources and
module calls are evaluated only when something refers to them, each once; a local
that refers to itself (directly or not) is unknown.

Module calls follow :mod:`.sources`; each call expands by ``count``/``for_each`` into
instances (one symbolic instance when the collection is unknown), evaluated with a
depth limit and a cycle guard, and memoised per (folder, inputs) within a
:class:`Session` (one unit's evaluation, var-file variants included): 50 calls of one
module with the same inputs are one evaluation.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
from collections import OrderedDict
from collections.abc import Callable, Iterator, MutableMapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from assume_lint.files.sources import SourceFile
from assume_lint.model import ParseProblem
from assume_lint.model.findings import Location
from assume_lint.parsers import hcl
from assume_lint.parsers.hcl import Attribute, Block, HclFile, Scope
from assume_lint.parsers.hcl_blocks import keep_only, keep_relevant
from assume_lint.parsers.located import Node
from assume_lint.parsers.tfeval import sources
from assume_lint.parsers.tfeval.evaluator import Expansion, LazyObject, SymbolicNode, TfEvaluator
from assume_lint.parsers.tfeval.types import ANY, Type, convert, parse_type
from assume_lint.parsers.tfeval.values import EvalError, elements, index_of, unknown, weight

MAX_DEPTH = 8  # module calls nested deeper than this are unknown
MAX_INSTANCES = 256  # count / for_each larger than this is one symbolic instance
MAX_FINGERPRINT = 20_000  # the weight of module inputs pictured for the memo
MAX_STEPS = 300_000  # expression evaluations for one unit (the largest real one: ~5,000)
_META_ARGUMENTS = frozenset(
    {"source", "version", "count", "for_each", "providers", "depends_on", "lifecycle"}
)
_FOLDER_CACHE_SIZE = 64


# --------------------------------------------------------------------------- folders


@dataclass
class Folder:
    """A module folder's parsed files and what they declare."""

    path: Path  # on disk (absolute)
    rel: str  # relative to the repository root, POSIX ("." for the root itself)
    sources: list[SourceFile] = field(default_factory=list)  # .tf
    files: list[HclFile] = field(default_factory=list)  # .tf, cut to what matters
    tfvars: dict[str, HclFile] = field(default_factory=dict)  # file name -> parsed .tfvars
    json_files: list[SourceFile] = field(default_factory=list)  # .tf.json, .tfvars.json
    problems: list[ParseProblem] = field(default_factory=list)
    variables: dict[str, tuple[HclFile, Block]] = field(default_factory=dict)
    locals: dict[str, tuple[HclFile, Attribute]] = field(default_factory=dict)
    modules: dict[str, tuple[HclFile, Block]] = field(default_factory=dict)  # local sources
    data: dict[tuple[str, str], tuple[HclFile, Block]] = field(default_factory=dict)
    resources: dict[tuple[str, str], tuple[HclFile, Block]] = field(default_factory=dict)
    _outputs: dict[str, tuple[HclFile, Block]] | None = None
    _all_modules: dict[str, tuple[HclFile, Block]] | None = None

    def outputs(self) -> dict[str, tuple[HclFile, Block]]:
        """The ``output`` blocks (parsed when a caller first needs them)."""
        if self._outputs is None:
            self._outputs = {
                block.labels[0]: (hfile, block)
                for hfile in self._only("output")
                for block in hfile.body.blocks
                if block.type == "output" and block.labels
            }
        return self._outputs

    def all_modules(self) -> dict[str, tuple[HclFile, Block]]:
        """Every module call, registry ones included (parsed when first needed)."""
        if self._all_modules is None:
            found = {
                block.labels[0]: (hfile, block)
                for hfile in self._only("module")
                for block in hfile.body.blocks
                if block.type == "module" and block.labels
            }
            self._all_modules = {**found, **self.modules}
        return self._all_modules

    def _only(self, kind: str) -> Iterator[HclFile]:
        marker = re.compile(rf"^[ \t]*{kind}\b", re.MULTILINE)
        for source in self.sources:
            if marker.search(source.text) is None:
                continue
            parsed = hcl.parse_hcl(keep_only(source.text, frozenset({kind})), source.rel)
            if not isinstance(parsed, ParseProblem):
                yield parsed

    def index(self) -> None:
        for hfile in self.files:
            for block in hfile.body.blocks:
                labels = block.labels
                if block.type == "variable" and labels:
                    self.variables.setdefault(labels[0], (hfile, block))
                elif block.type == "locals":
                    for attr in block.attributes.values():
                        self.locals.setdefault(attr.name, (hfile, attr))
                elif block.type == "module" and labels:
                    self.modules.setdefault(labels[0], (hfile, block))
                elif block.type == "data" and len(labels) >= 2:
                    self.data.setdefault((labels[0], labels[1]), (hfile, block))
                elif block.type == "resource" and len(labels) >= 2:
                    self.resources.setdefault((labels[0], labels[1]), (hfile, block))


_FOLDERS: OrderedDict[tuple[str, tuple[tuple[str, str], ...]], Folder] = OrderedDict()


def load_folder(path: Path, rel: str, files: Sequence[SourceFile], remember: bool = False
                ) -> Folder:
    """Parse a folder's files. A module folder (``remember``) is memoised by path and
    content for the process: the callers of a shared module parse it once. A unit's own
    folder is not (the engine parses a unit once; keeping 2,000 files' trees alive for
    nothing doubled the peak memory of a large tree)."""
    key = (str(path), tuple((f.rel, f.text) for f in files))
    cached = _FOLDERS.get(key)
    if cached is not None:
        _FOLDERS.move_to_end(key)
        return cached
    folder = Folder(path, rel)
    for source in sorted(files, key=lambda f: f.rel):
        lower = source.rel.lower()
        if lower.endswith((".tf.json", ".tfvars.json")):
            folder.json_files.append(source)
            continue
        is_vars = lower.endswith(".tfvars")
        if not is_vars:
            folder.sources.append(source)
            if not _worth_parsing(source.text):
                continue
        text = source.text if is_vars else keep_relevant(source.text)
        parsed = hcl.parse_hcl(text, source.rel)
        if isinstance(parsed, ParseProblem):
            folder.problems.append(parsed)
            continue
        folder.problems.extend(parsed.problems)
        if is_vars:
            folder.tfvars[PurePosixPath(source.rel).name] = parsed
        else:
            folder.files.append(parsed)
    folder.index()
    if remember:
        _FOLDERS[key] = folder
        if len(_FOLDERS) > _FOLDER_CACHE_SIZE:
            _FOLDERS.popitem(last=False)
    return folder


def _worth_parsing(text: str) -> bool:
    """Files with nothing the evaluator reads are not parsed at all (most of a tree)."""
    from assume_lint.parsers.hcl_blocks import RELEVANT_WORDS

    return RELEVANT_WORDS.search(text) is not None


# --------------------------------------------------------------------------- session


class Session:
    """One unit's evaluation: its root folder, the files it read, memoised instances."""

    def __init__(self, root: Folder, repo: Path) -> None:
        self.root = root
        self.repo = repo.resolve()  # nothing outside it is read
        self.reads = sources.Reads(root.path)
        self.manifest = sources.load_manifest(root.path, self.reads)
        self.instances: dict[tuple[str, str, Any], Instance] = {}
        self.roots: list[Instance] = []
        self.steps = 0
        self.folders: dict[Path, Folder | None] = {root.path: root}

    def folder(self, path: Path) -> Folder | None:
        """The parsed module folder at ``path`` (read from disk once)."""
        if path not in self.folders:
            files = sources.read_module_files(path, self.rel_of, self.reads)
            rel = self.rel_of(path)
            self.folders[path] = load_folder(path, rel, files, remember=True) if files else None
        return self.folders[path]

    def spend(self, cost: int = 1) -> None:
        """Count evaluation steps; past the budget every evaluation fails (unknown):
        nested ``for`` expressions over large ranges must not hold a run for minutes."""
        self.steps += cost
        if self.steps > MAX_STEPS:
            raise EvalError("evaluation budget exhausted")

    def rel_of(self, path: Path) -> str:
        """A path as the engine names files: relative to the scan root, through the root
        module's own name (which may start with ``..`` when the scan root is elsewhere)."""
        relative = os.path.relpath(path, self.root.path)
        return posixpath.normpath(posixpath.join(self.root.rel, Path(relative).as_posix()))

    def instance(self, folder: Folder, inputs: dict[str, Node], chain: tuple[Path, ...],
                 key: str) -> Instance:
        """The instance of ``folder`` with ``inputs`` (memoised)."""
        memo = (str(folder.path), key, _fingerprint(inputs))
        found = self.instances.get(memo)
        if found is None:
            found = Instance(self, folder, inputs, chain, key)
            self.instances[memo] = found
        return found

    @property
    def plain(self) -> _Plain:
        """The context of expressions that may refer to nothing (defaults, ``.tfvars``)."""
        return _Plain(self)

    def root_instance(self, tfvars: Sequence[HclFile] = ()) -> Instance:
        """The root module evaluated with these ``.tfvars`` (in order, later wins)."""
        found = Instance(self, self.root, None, (self.root.path,), "", tfvars)
        self.roots.append(found)
        return found

    def release(self) -> None:
        """Drop what the evaluation holds. Instances, their scopes and lazy values refer
        to each other; the console script runs the cyclic collector rarely, so without
        this a large tree kept every unit's evaluation in memory until the end."""
        for instance in [*self.roots, *self.instances.values()]:
            instance.release()
        self.roots.clear()
        self.instances.clear()
        self.folders.clear()

    def read(self, path: str) -> tuple[str, str] | None:
        """``file()``/``templatefile()`` of a path relative to the root module (Terraform
        reads relative to the working directory), within the repository."""
        from assume_lint.files.sources import read_source

        candidate = Path(path)
        target = candidate if candidate.is_absolute() else self.root.path / candidate
        try:
            resolved = target.resolve()
        except (OSError, RuntimeError):
            return None
        if not sources.inside(resolved, self.repo) or not resolved.is_file():
            return None
        rel = self.rel_of(resolved)
        loaded = read_source(resolved, rel)
        if not isinstance(loaded, SourceFile):
            self.reads.missing(resolved)
            return None
        self.reads.record(resolved)
        return loaded.text, rel


class _Plain:
    """A context where every reference is unknown but evaluation still counts against
    the session's budget."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def var(self, name: str) -> Node | None:
        return None

    def local(self, name: str) -> Node | None:
        return None

    def module_value(self, name: str) -> Node | None:
        return None

    def data_value(self, kind: str, name: str) -> Node | None:
        return None

    def resource_value(self, kind: str, name: str) -> Node | None:
        return None

    def path_value(self, which: str) -> Node | None:
        return None

    def read(self, path: str) -> tuple[str, str] | None:
        return None

    def spend(self, cost: int = 1) -> None:
        self.session.spend(cost)


def _fingerprint(value: dict[str, Node]) -> Any:
    """A hashable picture of input values, locations included (a memo key). Inputs too
    heavy to picture cheaply are not memoised (their evaluation is charged anyway)."""
    if sum(weight(v)[0] for v in value.values()) > MAX_FINGERPRINT:
        return object()
    try:
        return json.dumps(_picture(value), sort_keys=True, default=str)
    except (RecursionError, ValueError, TypeError):
        return object()  # never equal: no memoisation for this one


def _picture(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _picture(v) for k, v in value.items()}
    if isinstance(value, Node):
        loc = value.location
        return [type(value).__name__, value.known, value.partial, value.source,
                [loc.path, loc.line, loc.column], _picture(value.value)]
    if isinstance(value, list):
        return [_picture(v) for v in value]
    return value


# --------------------------------------------------------------------------- instances


@dataclass
class Call:
    """A module call and its instances (child None: the module is unknown)."""

    name: str
    hfile: HclFile
    block: Block
    instances: list[tuple[Expansion, Instance | None]]
    kind: str  # "single", "count", "for_each" or "symbolic"


class _Table(MutableMapping[str, Node]):
    """A scope table computed on demand (``var``, ``local``, documents), with values
    set explicitly winning (the JSON syntax sets its variables and locals this way)."""

    def __init__(self, compute: Callable[[str], Node | None], names: Callable[[], set[str]]
                 ) -> None:
        self.compute = compute
        self.names = names
        self.set_values: dict[str, Node] = {}

    def __getitem__(self, name: str) -> Node:
        found: Node | None = self.get(name)
        if found is None:
            raise KeyError(name)
        return found

    def get(self, name: str, default: Any = None) -> Any:
        if name in self.set_values:
            return self.set_values[name]
        found = self.compute(name)
        return default if found is None else found

    def __setitem__(self, name: str, value: Node) -> None:
        self.set_values[name] = value

    def __delitem__(self, name: str) -> None:
        self.set_values.pop(name, None)

    def __contains__(self, name: object) -> bool:
        return name in self.set_values or name in self.names()

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.names() | set(self.set_values)))

    def __len__(self) -> int:
        return len(self.names() | set(self.set_values))


class InstanceScope(Scope):
    """The plain evaluator's view of an instance (the JSON syntax evaluates through it)."""

    def __init__(self, instance: Instance) -> None:
        super().__init__()
        self.tables = {
            "var": _Table(instance.var, instance.variable_names),
            "local": _Table(instance.local, lambda: set(instance.folder.locals)),
            "document": _Table(instance.document, instance.document_names),
        }
        self.variables = self.tables["var"]  # type: ignore[assignment]
        self.locals = self.tables["local"]  # type: ignore[assignment]
        self.policy_documents = self.tables["document"]  # type: ignore[assignment]
        self.read_file = instance.read

    def explicit(self, table: str, name: str) -> Node | None:
        """A value set explicitly (by the JSON syntax), not computed."""
        return self.tables[table].set_values.get(name)


class Instance:
    """A folder evaluated with given inputs (see the module docstring)."""

    def __init__(self, session: Session, folder: Folder, inputs: dict[str, Node] | None,
                 chain: tuple[Path, ...], key: str, tfvars: Sequence[HclFile] = ()) -> None:
        self.session = session
        self.folder = folder
        self.inputs = inputs  # None: a root module (variables from tfvars)
        self.chain = chain
        self.key = key  # the module call key ("a.b"), "" for the root
        self.tfvars = list(tfvars)
        self.scope = InstanceScope(self)
        self._values: dict[tuple[str, str], Node] = {}
        self._busy: set[tuple[str, str]] = set()
        self._calls: dict[str, Call | None] = {}
        self._tfvar_values: dict[str, Node] | None = None
        self.memo: dict[str, Any] = {}  # what collectors compute once per instance

    def release(self) -> None:
        """Break the references between this instance and what it computed."""
        self._values.clear()
        self._calls.clear()
        self.memo.clear()
        self._tfvar_values = None
        for table in self.scope.tables.values():
            table.set_values.clear()
        self.scope.tables.clear()
        self.scope.variables, self.scope.locals, self.scope.policy_documents = {}, {}, {}
        self.scope.read_file = None

    # -- evaluation helpers
    def evaluator(self, hfile: HclFile, bindings: dict[str, Node] | None = None) -> TfEvaluator:
        return TfEvaluator(hfile, self.scope, self, bindings)

    def _once(self, kind: str, name: str, compute: Callable[[], Node | None]) -> Node | None:
        """``compute`` once per (kind, name); a cycle makes the value unknown."""
        slot = (kind, name)
        if slot in self._values:
            return self._values[slot]
        if slot in self._busy:
            return None
        self._busy.add(slot)
        try:
            found = compute()
        finally:
            self._busy.discard(slot)
        if found is not None:
            self._values[slot] = found
        return found

    # -- Context
    def variable_names(self) -> set[str]:
        names = set(self.folder.variables)
        if self.inputs is not None:
            names |= set(self.inputs)
        return names

    def var(self, name: str) -> Node | None:
        return self._once("var", name, lambda: self._variable(name))

    def _variable(self, name: str) -> Node | None:
        declared = self.folder.variables.get(name)
        explicit = self.scope.explicit("var", name)
        value: Node | None = None
        if self.inputs is not None:
            value = self.inputs.get(name)
        elif explicit is not None and declared is not None:
            value = explicit  # a .tfvars.json value
        else:
            value = self._tfvar_table().get(name)
        if declared is None:
            return value if value is not None else explicit  # declared in the JSON syntax
        hfile, block = declared
        default = block.attributes.get("default")
        plain = TfEvaluator(hfile, Scope(), self.session.plain)
        if value is None and default is not None:
            value = plain.attribute(default)
        if value is None:
            return unknown(block.location, f"var.{name}")  # required and not given
        nullable = block.attributes.get("nullable")
        if value.known and value.value is None and default is not None \
                and nullable is not None and plain.value(nullable.expr).value is False:
            value = plain.attribute(default)
        kind = self._type_of(hfile, block, plain)
        try:
            return convert(value, kind)
        except EvalError:
            return unknown(value.location, value.source or f"var.{name}")

    @staticmethod
    def _type_of(hfile: HclFile, block: Block, plain: TfEvaluator) -> Type:
        attr = block.attributes.get("type")
        if attr is None:
            return ANY
        try:
            return parse_type(attr.expr, plain.value)
        except (EvalError, RecursionError):
            return ANY

    def _tfvar_table(self) -> dict[str, Node]:
        if self._tfvar_values is None:
            values: dict[str, Node] = {}
            for hfile in self.tfvars:
                plain = TfEvaluator(hfile, Scope(), self.session.plain)
                for attr_name, attr in hfile.body.attributes.items():
                    values[attr_name] = plain.attribute(attr)
            self._tfvar_values = values
        return self._tfvar_values

    def local(self, name: str) -> Node | None:
        declared = self.folder.locals.get(name)
        if declared is None:
            return self.scope.explicit("local", name)
        hfile, attr = declared
        return self._once("local", name, lambda: self.evaluator(hfile).attribute(attr))

    def path_value(self, which: str) -> Node | None:
        root = self.session.root.path
        where = Location(self.folder.rel, 1, 1)
        if which == "module":
            relative = os.path.relpath(self.folder.path, root)
            return Node(Path(relative).as_posix(), where)
        if which in ("root", "cwd"):
            return Node(".", where)
        return None

    def read(self, path: str) -> tuple[str, str] | None:
        return self.session.read(path)

    def spend(self, cost: int = 1) -> None:
        self.session.spend(cost)

    def module_value(self, name: str) -> Node | None:
        call = self.call(name)
        if call is None:
            return None
        where = call.block.location
        objects = [(e, self._outputs(child, where, e)) for e, child in call.instances]
        if call.kind == "single":
            return objects[0][1]
        if call.kind == "symbolic":
            return SymbolicNode(where, objects[0][1], f"module.{name}")
        if call.kind == "count":
            return Node([o for _, o in objects], where)
        return Node({_key_text(e): o for e, o in objects}, where)

    def _outputs(self, child: Instance | None, where: Location, expansion: Expansion) -> Node:
        if child is None:
            return LazyObject(where, (), lambda _name: unknown(where))
        names = sorted(child.folder.outputs())
        return LazyObject(where, names, child.output)

    def output(self, name: str) -> Node:
        declared = self.folder.outputs().get(name)
        if declared is None:
            raise EvalError(f"no output {name!r}")
        hfile, block = declared
        value = block.attributes.get("value")
        if value is None:
            return unknown(block.location, f"output.{name}")
        found = self._once("output", name, lambda: self.evaluator(hfile).attribute(value))
        return found if found is not None else unknown(block.location, f"output.{name}")

    def data_value(self, kind: str, name: str) -> Node | None:
        from assume_lint.parsers.tfeval import datasources

        return self._once("data", f"{kind}.{name}",
                          lambda: datasources.data_value(self, kind, name))

    def resource_value(self, kind: str, name: str) -> Node | None:
        from assume_lint.parsers.tfeval import datasources

        return self._once("resource", f"{kind}.{name}",
                          lambda: datasources.resource_value(self, kind, name))

    def document(self, name: str) -> Node | None:
        """``data.aws_iam_policy_document.NAME.json`` (its first instance)."""
        value = self.data_value("aws_iam_policy_document", name)
        if value is None:
            return None
        if isinstance(value, SymbolicNode):
            value = value.instance
        elif value.is_list:
            value = value.value[0] if value.value else None
        elif value.is_map and not isinstance(value, LazyObject):
            value = next(iter(value.value.values()), None)
        if isinstance(value, LazyObject):
            return value.attribute("json")
        return None

    def document_names(self) -> set[str]:
        return {n for (k, n) in self.folder.data if k == "aws_iam_policy_document"}

    # -- expansion
    def expand(self, hfile: HclFile, block: Block, evaluator: TfEvaluator | None = None
               ) -> list[Expansion]:
        """The instances of a block with ``count`` or ``for_each`` (one when neither)."""
        base = evaluator or self.evaluator(hfile)
        count, for_each = block.attributes.get("count"), block.attributes.get("for_each")
        if count is not None:
            value = base.value(count.expr)
            number = _safe_index(value)
            if number is None or number > MAX_INSTANCES:
                index = unknown(value.location, "count.index")
                return [Expansion("", base.bind({"count": _object({"index": index})}), True)]
            return [
                Expansion(f"[{i}]", base.bind({"count": _object({"index": Node(i, where)})}))
                for i, where in ((i, count.location) for i in range(max(0, number)))
            ]
        if for_each is not None:
            value = base.value(for_each.expr)
            pairs = _for_each_pairs(value)
            if pairs is None or len(pairs) > MAX_INSTANCES:
                each = _object({"key": unknown(value.location, "each.key"),
                                "value": unknown(value.location, "each.value")})
                return [Expansion("", base.bind({"each": each}), True)]
            return [
                Expansion(f"[{json.dumps(k.value)}]",
                          base.bind({"each": _object({"key": k, "value": v})}), key=k)
                for k, v in pairs
            ]
        return [Expansion("", base)]

    def call(self, name: str) -> Call | None:
        """The module call ``name`` with its instances (None: no such call)."""
        if name in self._calls:
            return self._calls[name]
        self._calls[name] = None  # a call reached again while being built: unknown
        declared = self.module_blocks().get(name)
        if declared is None:
            return None
        hfile, block = declared
        expansions = self.expand(hfile, block)
        kind = "single"
        if "count" in block.attributes:
            kind = "count"
        elif "for_each" in block.attributes:
            kind = "for_each"
        if any(e.symbolic for e in expansions):
            kind = "symbolic"
        folder = self._callee(name, hfile, block)
        key = f"{self.key}.{name}" if self.key else name
        instances: list[tuple[Expansion, Instance | None]] = []
        for expansion in expansions:
            child: Instance | None = None
            if folder is not None:
                inputs = {
                    attr_name: expansion.evaluator.attribute(attr)
                    for attr_name, attr in block.attributes.items()
                    if attr_name not in _META_ARGUMENTS
                }
                child = self.session.instance(folder, inputs, (*self.chain, folder.path), key)
            instances.append((expansion, child))
        found = Call(name, hfile, block, instances, kind)
        self._calls[name] = found
        return found

    def calls(self) -> list[Call]:
        """Every module call of this instance, in file order."""
        out = []
        for name in self.module_blocks():
            found = self.call(name)
            if found is not None:
                out.append(found)
        return out

    def module_blocks(self) -> dict[str, tuple[HclFile, Block]]:
        """The module calls that can be followed: local sources, and every call when
        ``terraform init`` left a ``modules.json``."""
        return self.folder.all_modules() if self.session.manifest else self.folder.modules

    def _callee(self, name: str, hfile: HclFile, block: Block) -> Folder | None:
        if len(self.chain) >= MAX_DEPTH:
            return None
        source_attr = block.attributes.get("source")
        if source_attr is None:
            return None
        source = TfEvaluator(hfile, Scope(), self.session.plain).value(source_attr.expr)
        if not source.known or not isinstance(source.value, str):
            return None
        key = f"{self.key}.{name}" if self.key else name
        session = self.session
        path = sources.resolve(source.value, self.folder.path, key, session.root.path,
                               session.repo, session.manifest)
        if path is None or path in self.chain or path == self.folder.path:
            return None  # unknown, or a module calling itself
        return session.folder(path)


def _object(values: dict[str, Node]) -> Node:
    where = next(iter(values.values())).location
    return Node(dict(values), where)


def _safe_index(value: Node) -> int | None:
    try:
        return index_of(value)
    except EvalError:
        return None


def _for_each_pairs(value: Node) -> list[tuple[Node, Node]] | None:
    """(each.key, each.value) of a known map or set of strings; None when unknown."""
    if not value.known or value.value is None:
        return None
    if isinstance(value.value, dict):
        return [(Node(k, v.key_location or v.location), v) for k, v in sorted(value.value.items())]
    try:
        items = elements(value)
    except EvalError:
        return None
    pairs: dict[str, tuple[Node, Node]] = {}
    for item in items:
        if not item.known or not isinstance(item.value, str):
            return None
        pairs.setdefault(item.value, (item, item))
    return [pairs[k] for k in sorted(pairs)]


def _key_text(expansion: Expansion) -> str:
    key = expansion.key
    return str(key.value) if key is not None else ""

