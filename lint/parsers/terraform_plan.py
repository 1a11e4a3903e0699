"""Terraform plans: what ``terraform show -json`` says Terraform will create.

A CI gate runs ``terraform plan -out tfplan && terraform show -json tfplan > tfplan.json``
anyway, and the plan holds every value Terraform could resolve: registry modules, remote
state, data sources, the pipeline's variables. This module reads from it the same model
objects the HCL parser builds, so every rule applies unchanged:

- **Roles**: each ``aws_iam_role`` instance of ``resource_changes`` (its ``change.after``;
  a plan without ``resource_changes`` is read from ``planned_values``). The rendered
  ``assume_role_policy`` is a JSON string, parsed by the shared trust-policy builder with
  every statement located at its characters inside the string. Addresses are
  Terraform's own, module path and instance keys included
  (``module.team["a"].aws_iam_role.this["ci"]``).
- **Policy documents**: a role whose policy is unknown at plan time because its
  ``data "aws_iam_policy_document"`` is read during apply (``"actions": ["read"]``), or
  a document read during the plan (``prior_state``), is linted from the document's
  statement blocks, with their unknown parts unknown. The link is the role's
  configuration expression, when its only references are that document.
- **Providers**: ``configuration.provider_config`` for ``aws``: ``assume_role`` blocks
  and static keys. Only ``constant_value`` expressions are known; an expression with
  ``references`` (a variable, a resource attribute) is unknown, never guessed.
- Terraform writes no backend into the JSON, so backends come from the ``.tf`` files.

**Unknown and sensitive.** A value listed in ``after_unknown`` is unknown (rules stay
silent). A value marked in ``after_sensitive`` (or in a state's ``sensitive_values``, or
a root variable declared ``sensitive``) is treated as unknown too, because a finding
would quote it, and its text goes to :attr:`Model.sensitive` so that no output prints it
anywhere (the plan file itself holds it in clear).

**Speed.** Plans are large (a few KiB a resource) and ``terraform show -json`` writes them
on one line. The document is read with :mod:`assume_lint.parsers.jsonscan` (C-decoded,
positions only along the paths walked); only the small JSON strings and documents that
become trust policies go through the located parser.

**Where findings point.** Each object read is also recorded as a
:class:`~assume_lint.model.Planned` (address, span in the plan, module folder): the
engine maps a plan's objects back to their ``.tf`` blocks when the configuration is in
the scanned tree (:mod:`assume_lint.engine.plans`).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from assume_lint.files.secrets import mask_text
from assume_lint.files.sources import SourceFile
from assume_lint.model import (
    AssumeAttempt,
    Attr,
    Credential,
    Model,
    ParseProblem,
    Planned,
    Role,
)
from assume_lint.model.arn import role_account
from assume_lint.model.durations import duration_seconds, is_whole_seconds
from assume_lint.model.findings import Location
from assume_lint.parsers import per_file
from assume_lint.parsers.jsonloc import JsonError, line_locator, parse_json, string_locator
from assume_lint.parsers.jsonscan import Member, Scanner
from assume_lint.parsers.located import Node
from assume_lint.parsers.policy import build_trust

SUPPORTED_MAJORS = ("0", "1")  # format_version 0.1/0.2 (Terraform 0.12-0.15) and 1.x
UNKNOWN_SOURCE = "(known after apply)"
SENSITIVE_SOURCE = "(sensitive value)"
# Sensitive values shorter than this are not masked wherever they appear: "prod" or
# "true" would mask every path and message holding the word. They are never quoted
# either way (a sensitive attribute is unknown to the rules).
MIN_MASKED = 8
_CREDENTIAL_FIELDS = {
    "access_key": "access-key-id",
    "secret_key": "secret-key",
    "token": "session-token",
}
_ROLE_BLOCKS = ("assume_role", "assume_role_with_web_identity")
_DOCUMENT = "aws_iam_policy_document"
_MERGED_DOCUMENT = (
    "source_policy_documents",
    "override_policy_documents",
    "source_json",
    "override_json",
)
# One step of a module address: module.NAME, then an optional [0] or ["key"].
_MODULE_STEP = re.compile(r'module\.([A-Za-z_][\w-]*)(?:\[(?:\d+|"(?:[^"\\]|\\.)*")\])?(?:\.|$)')
_INSTANCE_KEY = re.compile(r'\[(?:\d+|"(?:[^"\\]|\\.)*")\]')


def parse_unit(files: Sequence[SourceFile]) -> Model:
    """Each plan file is its own unit: plans of several root modules stay apart."""
    return per_file(parse_file, files)


def parse_file(source: SourceFile) -> Model:
    """One plan file -> roles, callers, credentials and Planned records (or a problem)."""
    reader = _PlanReader(source)
    try:
        reader.read()
    except JsonError as exc:
        where = Location(source.rel, exc.line, exc.column)
        message = f"invalid JSON in Terraform plan: {mask_text(exc.message)}"
        return Model(problems=[ParseProblem(where, message)])
    except RecursionError:
        message = "Terraform plan JSON is nested too deeply to analyse"
        return Model(problems=[ParseProblem(Location(source.rel), message)])
    return reader.model


# --------------------------------------------------------------------------- addresses


def module_calls(module_address: str) -> tuple[str, ...] | None:
    """``module.a["x"].module.b[0]`` -> ``("a", "b")``; None when it does not parse."""
    calls: list[str] = []
    pos = 0
    while pos < len(module_address):
        match = _MODULE_STEP.match(module_address, pos)
        if match is None:
            return None
        calls.append(match.group(1))
        pos = match.end()
    return tuple(calls)


def split_module(address: str) -> tuple[str, str]:
    """``module.a["x"].aws_iam_role.b`` -> ``('module.a["x"]', "aws_iam_role.b")``."""
    pos = 0
    while (match := _MODULE_STEP.match(address, pos)) is not None and match.end() < len(address):
        pos = match.end()
    return address[:pos].rstrip("."), address[pos:]


def without_keys(address: str) -> str:
    """An address with its instance keys removed: ``module.a.aws_iam_role.b``."""
    return _INSTANCE_KEY.sub("", address)


def _local_source(source: object) -> str | None:
    """A module source that is a folder of the same tree (``./x``, ``../x``), else None."""
    if isinstance(source, str) and source.startswith(("./", "../")):
        return source
    return None


# --------------------------------------------------------------------------- marks


def _marked(marks: Any, key: str) -> Any:
    """The part of an ``after_unknown``/``after_sensitive`` mark tree for ``key``."""
    if marks is True:
        return True
    if isinstance(marks, dict):
        return marks.get(key)
    return None


def _any_mark(marks: Any) -> bool:
    """True when a mark tree marks anything (``true`` anywhere in it)."""
    if marks is True:
        return True
    if isinstance(marks, dict):
        return any(_any_mark(v) for v in marks.values())
    if isinstance(marks, list):
        return any(_any_mark(v) for v in marks)
    return False


def _marked_leaves(value: Any, marks: Any) -> Iterator[Any]:
    """The leaf values of ``value`` that ``marks`` marks (sensitive ones, say)."""
    if marks is True:
        yield from _leaves(value)
    elif isinstance(marks, dict) and isinstance(value, dict):
        for key, sub in marks.items():
            if key in value:
                yield from _marked_leaves(value[key], sub)
    elif isinstance(marks, list) and isinstance(value, list):
        for item, sub in zip(value, marks, strict=False):
            yield from _marked_leaves(item, sub)


def _leaves(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    elif value is not None:
        yield value


def _scalar_text(value: Any) -> str | None:
    """A scalar as text the way Terraform prints it (None for null and containers)."""
    if value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# --------------------------------------------------------------------------- entries


@dataclass
class _Entry:
    """One resource instance object of the plan, wherever it was listed."""

    element: Member  # the object in resource_changes / planned_values / prior_state
    values: dict[str, Any]
    unknown: Any  # the after_unknown mark tree (None: everything known)
    sensitive: Any  # the after_sensitive / sensitive_values mark tree
    value_path: tuple[str, ...]  # where ``values`` is inside the element

    @property
    def raw(self) -> dict[str, Any]:
        value: dict[str, Any] = self.element.value
        return value

    @property
    def address(self) -> str:
        return str(self.raw.get("address") or "")

    @property
    def module_address(self) -> str:
        explicit = self.raw.get("module_address")
        return explicit if isinstance(explicit, str) else split_module(self.address)[0]


@dataclass
class _PlanReader:
    """Reads one plan file into ``model``."""

    source: SourceFile
    model: Model = field(default_factory=Model)

    def __post_init__(self) -> None:
        self.rel = self.source.rel
        self.text = self.source.text
        self.locate = line_locator(self.text)
        self.scan = Scanner(self.text, self.locate)
        self.root_config: dict[str, Any] = {}
        self.documents: dict[tuple[str, str], Node] = {}

    # ------------------------------------------------------------------ positions

    def loc(self, start: int, end: int) -> Location:
        """The Location of the text between two offsets."""
        line, column = self.locate(start)
        end_line, end_column = self.locate(end)
        return Location(self.rel, line, column, end_line, end_column)

    def key_loc(self, member: Member) -> Location:
        """Where a member's key is written (its value's place when it has no key)."""
        if member.key < 0:
            return self.loc(member.start, member.end)
        end = self.text.index(":", member.key)
        while end > member.key and self.text[end - 1] in " \t\r\n":
            end -= 1
        return self.loc(member.key, end)

    # ------------------------------------------------------------------ document

    def read(self) -> None:
        scan = self.scan

        def module(pos: int) -> tuple[Any, int]:
            walker = {"resources": scan.walk_array(), "child_modules": scan.walk_array(module)}
            return scan.members(pos, walker)

        values = scan.walk_object({"root_module": module})
        top = scan.document(
            {
                "planned_values": values,
                "resource_changes": scan.walk_array(),
                "prior_state": scan.walk_object({"values": values}),
            }
        )
        version = top.get("format_version")
        major = str(version.value).split(".", 1)[0] if version is not None else ""
        if version is None or major not in SUPPORTED_MAJORS:
            where = self.key_loc(version) if version is not None else Location(self.rel)
            shown = repr(version.value) if version is not None else "missing"
            message = (
                f"Terraform plan format_version {shown} is not supported "
                "(assume-lint reads 0.x and 1.x)"
            )
            self.model.problems.append(ParseProblem(where, message))
            return
        configuration = top.get("configuration")
        config = configuration.value if configuration is not None else None
        if isinstance(config, dict):
            root = config.get("root_module")
            self.root_config = root if isinstance(root, dict) else {}
        self._sensitive_variables(top.get("variables"))
        entries = list(self._entries(top))
        for entry in entries:
            if entry.raw.get("mode") == "data" and entry.raw.get("type") == _DOCUMENT:
                self._document(entry)
        for entry in entries:
            if entry.raw.get("mode") == "managed" and entry.raw.get("type") == "aws_iam_role":
                self._role(entry)
        if configuration is not None and isinstance(config, dict):
            self._providers(configuration)

    def _entries(self, top: dict[str, Member]) -> Iterator[_Entry]:
        """Every resource instance: planned changes (or planned values), then the data
        sources read during the plan (prior state)."""
        changes = top.get("resource_changes")
        if changes is not None and isinstance(changes.value, list):
            for element in changes.value:
                entry = self._change(element)
                if entry is not None:
                    yield entry
        else:
            planned = top.get("planned_values")
            if planned is not None:
                yield from self._state_entries(planned.value, data_only=False)
        prior = top.get("prior_state")
        if prior is not None and isinstance(prior.value, dict):
            values = prior.value.get("values")
            if values is not None:
                yield from self._state_entries(values.value, data_only=True)

    def _change(self, element: Member) -> _Entry | None:
        raw = element.value
        if not isinstance(raw, dict) or raw.get("deposed"):
            return None  # a deposed object is on its way out
        change = raw.get("change")
        if not isinstance(change, dict) or not isinstance(change.get("after"), dict):
            return None  # deleted, or not an object
        return _Entry(
            element,
            change["after"],
            change.get("after_unknown"),
            change.get("after_sensitive"),
            ("change", "after"),
        )

    def _state_entries(self, values: Any, data_only: bool) -> Iterator[_Entry]:
        """Resources of a values representation (``root_module`` and its children)."""
        if not isinstance(values, dict):
            return
        root = values.get("root_module")
        stack = [root.value] if isinstance(root, Member) else []
        while stack:
            module = stack.pop()
            if not isinstance(module, dict):
                continue
            resources = module.get("resources")
            for element in resources.value if isinstance(resources, Member) else ():
                raw = element.value
                if not isinstance(raw, dict) or not isinstance(raw.get("values"), dict):
                    continue
                if data_only and raw.get("mode") != "data":
                    continue
                yield _Entry(element, raw["values"], None, raw.get("sensitive_values"), ("values",))
            children = module.get("child_modules")
            if isinstance(children, Member):
                stack.extend(child.value for child in reversed(children.value))

    def _value_members(self, entry: _Entry, head: dict[str, Member]) -> dict[str, Member]:
        """The members of an entry's values object (``head``: the entry's own members),
        with their positions."""
        first, *rest = entry.value_path
        member = head.get(first)
        if member is not None and rest:
            member = self.scan.path(member.start, *rest)
        if member is None or not isinstance(member.value, dict):
            return {}
        found, _ = self.scan.members(member.start)
        return found

    def _record(self, kind: str, entry: _Entry, local: str) -> None:
        calls = module_calls(entry.module_address)
        self.model.planned.append(
            Planned(
                kind=kind,
                address=entry.address,
                span=self.loc(entry.element.start, entry.element.end),
                module_dir=self._module_dir(calls) if calls is not None else None,
                local=local,
            )
        )

    # ------------------------------------------------------------------ configuration

    def _module_config(self, calls: Sequence[str]) -> dict[str, Any] | None:
        module: Any = self.root_config
        for call in calls:
            found = (
                (module.get("module_calls") or {}).get(call) if isinstance(module, dict) else None
            )
            if not isinstance(found, dict):
                return None
            module = found.get("module")
        return module if isinstance(module, dict) else None

    def _module_dir(self, calls: Sequence[str]) -> str | None:
        """The folder of a module relative to the root module, following local sources."""
        module: Any = self.root_config
        folder = "."
        for call in calls:
            found = (
                (module.get("module_calls") or {}).get(call) if isinstance(module, dict) else None
            )
            if not isinstance(found, dict):
                return None
            source = _local_source(found.get("source") or found.get("resolved_source"))
            if source is None:
                return None
            folder = posixpath.normpath(posixpath.join(folder, source))
            module = found.get("module")
        return folder

    def _expression(self, entry: _Entry, attribute: str) -> dict[str, Any] | None:
        """The configuration expression of an entry's attribute."""
        calls = module_calls(entry.module_address)
        module = self._module_config(calls) if calls is not None else None
        if module is None:
            return None
        mode = entry.raw.get("mode")
        for resource in module.get("resources") or ():
            if (
                isinstance(resource, dict)
                and resource.get("mode") == mode
                and resource.get("type") == entry.raw.get("type")
                and resource.get("name") == entry.raw.get("name")
            ):
                expressions = resource.get("expressions") or {}
                found = expressions.get(attribute) if isinstance(expressions, dict) else None
                return found if isinstance(found, dict) else None
        return None

    # ------------------------------------------------------------------ sensitive

    def _sensitive_variables(self, variables: Member | None) -> None:
        """Root variables declared ``sensitive``: their values are masked everywhere."""
        declared = self.root_config.get("variables")
        if (
            variables is None
            or not isinstance(variables.value, dict)
            or not isinstance(declared, dict)
        ):
            return
        for name, spec in declared.items():
            given = variables.value.get(name)
            if isinstance(spec, dict) and spec.get("sensitive") and isinstance(given, dict):
                self._mask(_leaves(given.get("value")))

    def _mask(self, values: Iterator[Any]) -> None:
        self.model.sensitive.extend(
            text for text in (_scalar_text(v) for v in values) if text and len(text) >= MIN_MASKED
        )

    # ------------------------------------------------------------------ roles

    def _role(self, entry: _Entry) -> None:
        values, unknown, sensitive = entry.values, entry.unknown, entry.sensitive
        self._mask(_marked_leaves(values, sensitive))
        head, _ = self.scan.members(entry.element.start)
        found = self._value_members(entry, head)
        where = head.get("address")
        role = Role(
            address=entry.address,
            location=self.loc(where.start, where.end) if where else self.key_loc(entry.element),
            name=self._known_text(values, unknown, sensitive, "name"),
            max_session_duration=self._attr(
                found, values, unknown, sensitive, "max_session_duration"
            ),
            trust_known=False,
        )
        arn = self._known_text(values, unknown, sensitive, "arn")
        if arn:
            role = _with(role, arn=arn, account=role_account(arn))
        policy = found.get("assume_role_policy")
        if policy is not None:
            role = _with(role, trust_location=self.key_loc(policy))
        self._record("role", entry, without_keys(f"aws_iam_role.{entry.raw.get('name')}"))
        document = self._trust_document(entry, policy)
        if isinstance(document, ParseProblem):
            role = _with(role, structure_errors=((document.location, document.message),))
        elif document is not None:
            trust = build_trust(document)
            role = _with(
                role,
                statements=trust.statements,
                version=trust.version,
                has_version=trust.has_version,
                trust_known=trust.known,
                structure_errors=trust.problems,
            )
        self.model.roles.append(role)

    def _known_text(
        self, values: dict[str, Any], unknown: Any, sensitive: Any, key: str
    ) -> str | None:
        if _any_mark(_marked(unknown, key)) or _any_mark(_marked(sensitive, key)):
            return None
        return _scalar_text(values.get(key))

    def _attr(
        self,
        found: dict[str, Member],
        values: dict[str, Any],
        unknown: Any,
        sensitive: Any,
        key: str,
    ) -> Attr | None:
        member = found.get(key)
        if _any_mark(_marked(unknown, key)) or _any_mark(_marked(sensitive, key)):
            where = self.key_loc(member) if member else Location(self.rel)
            hidden = SENSITIVE_SOURCE if _any_mark(_marked(sensitive, key)) else UNKNOWN_SOURCE
            return Attr(None, where, hidden)
        if member is None or values.get(key) is None:
            return None
        text = _scalar_text(values[key])
        return Attr(text, self.key_loc(member), text or "")

    def _trust_document(self, entry: _Entry, policy: Member | None) -> Node | ParseProblem | None:
        """The trust policy: the rendered string, or the policy document it comes from
        when the string is unknown; None when neither is known (or it is sensitive)."""
        values = entry.values
        if _any_mark(_marked(entry.sensitive, "assume_role_policy")):
            return None
        if _any_mark(_marked(entry.unknown, "assume_role_policy")):
            return self._linked_document(entry)
        raw = values.get("assume_role_policy")
        if policy is None or not isinstance(raw, str):
            return None
        locate = string_locator(self.text, policy.start, raw, self.locate)
        try:
            node = parse_json(raw, self.rel, locate=locate)
        except JsonError as exc:
            where = Location(self.rel, exc.line, exc.column)
            return ParseProblem(
                where, f"assume_role_policy is not valid JSON: {mask_text(exc.message)}"
            )
        node.key_location = self.key_loc(policy)
        return node

    def _linked_document(self, entry: _Entry) -> Node | None:
        """The policy document a role's unknown policy is rendered from, when the role's
        configuration refers to that document and nothing else."""
        expression = self._expression(entry, "assume_role_policy")
        references = expression.get("references") if expression else None
        if not isinstance(references, list) or not references:
            return None
        names = set()
        for reference in references:
            parts = str(reference).split(".")
            if parts[:2] != ["data", _DOCUMENT] or len(parts) not in (3, 4):
                return None
            if len(parts) == 4 and parts[3] != "json":
                return None
            names.add(parts[2])
        if len(names) != 1:
            return None
        return self.documents.get((entry.module_address, names.pop()))

    # ------------------------------------------------------------------ documents

    def _document(self, entry: _Entry) -> None:
        """A policy document's statements as an IAM-shaped Node (unknown parts unknown)."""
        name = str(entry.raw.get("name"))
        key = (entry.module_address, name)
        if key in self.documents and entry.value_path == ("values",):
            return  # read during apply (resource_changes) wins over an older read
        self._mask(_marked_leaves(entry.values, entry.sensitive))
        member = self.scan.path(entry.element.start, *entry.value_path)
        if member is None or "[" in entry.address[len(entry.module_address) :]:
            return  # an instance of a counted document: roles cannot name it plainly
        start = member.start
        body = parse_json(
            self.text[start : member.end],
            self.rel,
            locate=lambda offset: self.locate(start + offset),
        )
        _mark(body, entry.unknown, UNKNOWN_SOURCE)
        _mark(body, entry.sensitive, SENSITIVE_SOURCE)
        self.documents[key] = _policy_document(body, self.key_loc(member), name)
        self._record("data", entry, f"data.{_DOCUMENT}.{name}")

    # ------------------------------------------------------------------ providers

    def _providers(self, configuration: Member) -> None:
        """``provider "aws"`` configurations: who Terraform itself assumes, and with what keys."""
        member = self.scan.path(configuration.start, "provider_config")
        if member is None or not isinstance(member.value, dict):
            return
        found, _ = self.scan.members(member.start)
        for key, provider in found.items():
            spec = provider.value
            if not isinstance(spec, dict) or spec.get("name") != "aws" or "expressions" not in spec:
                continue  # not aws, or a module's provider requirement (no block)
            self._provider(key, provider, spec)

    def _provider(self, key: str, provider: Member, spec: dict[str, Any]) -> None:
        alias = spec.get("alias") if isinstance(spec.get("alias"), str) else None
        module_address = spec.get("module_address") or ""
        own = f"provider.aws.{alias}" if alias else "provider.aws"
        address = f"{module_address}.{own}" if module_address else own
        caller = f'provider "aws" (alias {alias})' if alias else 'provider "aws"'
        if module_address:
            caller = f"{caller} in {module_address}"
        group = f"{self.rel}:{module_address}" if module_address else self.rel
        calls = module_calls(module_address)
        self.model.planned.append(
            Planned(
                kind="provider",
                address=address,
                span=self.loc(provider.start, provider.end),
                module_dir=self._module_dir(calls) if calls is not None else None,
                local=own,
            )
        )
        expressions = self.scan.path(provider.start, "expressions")
        fields: dict[str, Member] = {}
        if expressions is not None and isinstance(expressions.value, dict):
            fields, _ = self.scan.members(expressions.start)
        self.model.credentials.extend(self._credentials(fields))
        blocks: list[Member] = []
        for name in _ROLE_BLOCKS:
            block = fields.get(name)
            if block is None:
                continue
            if isinstance(block.value, list):
                blocks.extend(self.scan.elements(block.start)[0])
            elif isinstance(block.value, dict):
                blocks.append(block)
        if not blocks:
            self.model.attempts.append(
                AssumeAttempt(
                    kind="provider",
                    caller=caller,
                    address=address,
                    location=self.key_loc(provider),
                    module=group,
                    alias=alias,
                )
            )
        for index, block in enumerate(blocks):
            inner: dict[str, Member] = {}
            if isinstance(block.value, dict):
                inner, _ = self.scan.members(block.start)
            duration = inner.get("duration") or inner.get("duration_seconds")
            self.model.attempts.append(
                AssumeAttempt(
                    kind="provider",
                    caller=caller,
                    address=address,
                    location=self.loc(block.start, block.end)
                    if block.key < 0
                    else self.key_loc(block),
                    module=group,
                    alias=alias,
                    chained=index > 0,
                    role_arn=self._expression_attr(inner.get("role_arn")),
                    external_id=self._expression_attr(inner.get("external_id")),
                    session_name=self._expression_attr(inner.get("session_name")),
                    duration=_seconds(self._expression_attr(duration)),
                )
            )

    def _expression_attr(self, member: Member | None) -> Attr | None:
        """An expression representation as an Attr: constants known, references not."""
        if member is None or not isinstance(member.value, dict):
            return None
        where = self.key_loc(member)
        expression = member.value
        if "constant_value" in expression:
            text = _scalar_text(expression["constant_value"])
            return Attr(text, where, text or "")
        references = expression.get("references")
        shown = (
            str(references[0]) if isinstance(references, list) and references else "(expression)"
        )
        return Attr(None, where, shown)

    def _credentials(self, fields: Mapping[str, Member]) -> Iterator[Credential]:
        for name, kind in _CREDENTIAL_FIELDS.items():
            member = fields.get(name)
            if member is None or not isinstance(member.value, dict):
                continue
            expression = member.value
            value = _scalar_text(expression.get("constant_value"))
            references = expression.get("references") or []
            if value == "" or (value is None and not references):
                continue  # an empty string (or an unreadable expression) sets nothing
            yield Credential(
                kind=kind,
                field=name,
                value=value,
                location=self.key_loc(member),
                context='provider "aws"',
                from_variable=any(str(r).startswith(("var.", "local.")) for r in references),
            )


# --------------------------------------------------------------------------- helpers


def _with(role: Role, **changes: Any) -> Role:
    from dataclasses import replace

    return replace(role, **changes)


def _seconds(attr: Attr | None) -> Attr | None:
    """``duration = "1h"`` in seconds, as the HCL parser gives it."""
    if attr is None or attr.value is None or is_whole_seconds(attr.value):
        return attr
    seconds = duration_seconds(attr.value)
    return Attr(
        str(int(seconds)) if seconds is not None else None,
        attr.location,
        attr.source or attr.value,
    )


def _mark(node: Node, marks: Any, source: str) -> None:
    """Make the parts of a located tree that ``marks`` marks unknown, in place.

    Terraform omits an unknown attribute from ``after`` altogether: a marked key that
    the tree lacks is added, unknown, at its object's place.
    """
    stack = [(node, marks)]
    while stack:
        current, mark = stack.pop()
        if mark is True:
            current.value, current.known, current.source = None, False, source
        elif isinstance(mark, dict) and current.is_map:
            for key, sub in mark.items():
                child = current.get(key)
                if child is None and sub is True:
                    current.value[key] = Node(None, current.location, False, source)
                elif child is not None:
                    stack.append((child, sub))
        elif isinstance(mark, list) and current.is_list:
            stack.extend(zip(current.value, mark, strict=False))


def _blank(node: Node) -> bool:
    """An attribute a policy document leaves unset: null, an empty list or string."""
    return node.known and (node.value is None or node.value in ([], ""))


def _policy_document(body: Node, where: Location, name: str) -> Node:
    """A plan's ``aws_iam_policy_document`` values as an IAM policy Node: the statement
    blocks converted as for ``.tf.json`` documents (their shape is the same)."""
    from assume_lint.parsers import terraform_json  # lazily: it loads the HCL parser

    if not body.is_map or any(
        (child := body.get(n)) is not None and not _blank(child) for n in _MERGED_DOCUMENT
    ):
        return Node(None, where, False, f"data.{_DOCUMENT}.{name}")
    statements = body.get("statement")
    if statements is None or not statements.known:
        listed: Node = Node(None, where, False, UNKNOWN_SOURCE)
    else:
        items = []
        for block in statements.elements():
            if not block.is_map:
                continue
            kept = {k: v for k, v in block.items() if not _blank(v)}
            statement = terraform_json._statement(Node(kept, block.location))
            for blocks, element in (
                ("principals", "Principal"),
                ("not_principals", "NotPrincipal"),
                ("condition", "Condition"),
            ):
                part = kept.get(blocks)
                if part is not None and not part.known:
                    statement.value[element] = part
            items.append(statement)
        listed = Node(items, statements.location, key_location=statements.key_location)
    version = body.get("version")
    if version is None or _blank(version):
        version = Node("2012-10-17", where)
    return Node({"Version": version, "Statement": listed}, where, key_location=where)
