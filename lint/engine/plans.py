"""A plan and its configuration in one run: each role reported once, at its ``.tf`` block.

A run that reads a Terraform plan (:mod:`assume_lint.parsers.terraform_plan`) and the
configuration it was planned from sees every role twice: the ``.tf`` block with what HCL
evaluation could resolve, and the plan with Terraform's own values. The engine calls
:func:`reconcile` once, after parsing, keyed by root module folder + resource address:

1. **Which folder a plan describes.** The plan's own folder (``terraform show -json`` is
   usually written beside the configuration) when it defines the plan's root-module
   roles; else the one folder that defines all of them; else none, and nothing maps.
   Module instances follow ``module_calls`` sources that are local folders (a registry
   module is not in the tree).
2. **One copy.** The configuration's copy of every role the plan describes is dropped:
   the plan's resolved value wins. A provider configured in both keeps the ``.tf`` copy
   instead, because a plan records only constant provider arguments, and the HCL
   evaluator resolves variables and tfvars as well.
3. **Where a finding points.** The returned :class:`Relocator` moves a hit located in a
   plan onto the ``.tf`` element it came from (statement, principal, condition, action,
   the policy attribute, the block), and keeps the plan position, named by its resource
   address, as the related location. A hit whose configuration is not in the tree stays
   in the plan, with the address in its message and as its logical location.

Nothing here reads HCL or JSON: only model objects and their locations.
"""

from __future__ import annotations

import bisect
import posixpath
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath
from typing import Protocol, TypeVar

from assume_lint.model import Model, Planned, Principal, Role, Statement
from assume_lint.model.arn import fits
from assume_lint.model.findings import Hit, Location

_TERRAFORM_SUFFIXES = (".tf", ".tf.json")


def folder_of(path: str) -> str:
    """The folder of a scan-relative path, ``"."`` at the root."""
    return str(PurePosixPath(path).parent)


def local_address(address: str) -> str:
    """A resource address without its module path and instance keys (``aws_iam_role.b``)."""
    from assume_lint.parsers.terraform_plan import split_module, without_keys

    return without_keys(split_module(address)[1])


def _join(root: str, module_dir: str | None) -> str | None:
    if module_dir is None:
        return None
    return posixpath.normpath(posixpath.join(root, module_dir))


@dataclass
class _Place:
    """A planned object's span in its plan, and where its configuration is."""

    start: tuple[int, int]
    end: tuple[int, int]
    planned: Planned
    target: Role | None = None  # the configuration's role block the object maps to
    pairs: dict[Location, Location] = field(default_factory=dict)

    def holds(self, loc: Location) -> bool:
        return self.start <= (loc.line, loc.column) < self.end


class Relocator:
    """Moves hits located in a plan onto the configuration (see the module docstring)."""

    def __init__(self, places: Iterable[_Place] = ()) -> None:
        self._by_path: dict[str, list[_Place]] = {}
        for place in places:
            self._by_path.setdefault(place.planned.span.path, []).append(place)
        for found in self._by_path.values():
            found.sort(key=lambda p: p.start)
        self._starts = {path: [p.start for p in found] for path, found in self._by_path.items()}

    def __bool__(self) -> bool:
        return bool(self._by_path)

    def share_document_pairs(self) -> None:
        """Statements a role read from a policy document are located in the document's
        span: give the document's place the role's pairs for them, so they map too."""
        for found in self._by_path.values():
            for place in found:
                if place.planned.kind != "role":
                    continue
                for mine, theirs in place.pairs.items():
                    holder = self.place(mine)
                    if holder is not None and holder.planned.kind == "data":
                        holder.pairs[mine] = theirs

    def place(self, loc: Location) -> _Place | None:
        """The planned object whose span holds ``loc``, if any."""
        found = self._by_path.get(loc.path)
        if not found:
            return None
        index = bisect.bisect_right(self._starts[loc.path], (loc.line, loc.column)) - 1
        if index >= 0 and found[index].holds(loc):
            return found[index]
        return None

    def __call__(self, hit: Hit) -> Hit:
        """``hit`` pointing at the configuration where it can, named by its address."""
        if not self._by_path:
            return hit
        place = self.place(hit.location)
        related = tuple(self._related(hit.related))
        if place is None:
            return hit if related == hit.related else replace(hit, related=related)
        address = place.planned.address
        in_plan = replace(hit.location, logical=address)
        message = hit.message if address in hit.message else f"{hit.message} (plan: {address})"
        target = self._target(place, hit.location)
        if target is None:
            return replace(hit, location=in_plan, related=related, message=message)
        return replace(hit, location=target, related=(in_plan, *related), message=message)

    def _related(self, related: tuple[Location, ...]) -> Iterator[Location]:
        for loc in related:
            place = self.place(loc)
            if place is None:
                yield loc
                continue
            in_plan = replace(loc, logical=place.planned.address)
            target = self._target(place, loc)
            if target is not None:
                yield target
            yield in_plan

    @staticmethod
    def _target(place: _Place, loc: Location) -> Location | None:
        if place.target is None:
            return place.pairs.get(loc)
        paired = place.pairs.get(loc)
        if paired is not None:
            return paired
        return place.target.trust_location or place.target.location


def reconcile(model: Model) -> tuple[Model, Relocator]:
    """The model with each planned role and provider once, and the hit relocator."""
    if not model.planned:
        return model, Relocator()
    plan_paths = {p.span.path for p in model.planned}
    configured = _configured_roles(model, plan_paths)
    plan_roles = {
        (r.location.path, r.address): r for r in model.roles if r.location.path in plan_paths
    }
    by_plan: dict[str, list[Planned]] = {}
    for planned in model.planned:
        by_plan.setdefault(planned.span.path, []).append(planned)
    dropped_roles: set[int] = set()
    dropped_spans: list[Planned] = []
    places: list[_Place] = []
    providers = {
        (a.module, a.address)
        for a in model.attempts
        if a.kind == "provider" and a.location.path not in plan_paths
    }
    for path, records in sorted(by_plan.items()):
        root = _root_folder(path, records, configured)
        for planned in records:
            place = _Place(_start(planned.span), _end(planned.span), planned)
            folder = _join(root, planned.module_dir) if root is not None else None
            if planned.kind == "role" and folder is not None:
                copies = configured.get((folder, planned.local), [])
                dropped_roles.update(id(r) for r in copies)
                plan_role = plan_roles.get((path, planned.address))
                if copies and plan_role is not None:
                    place.target = _choose(copies, planned.address)
                    place.pairs = pair_locations(plan_role, place.target)
            elif planned.kind == "provider" and (folder, planned.local) in providers:
                dropped_spans.append(planned)
            places.append(place)
    kept = replace(
        model,
        roles=[r for r in model.roles if id(r) not in dropped_roles],
        attempts=[a for a in model.attempts if not _inside(a.location, dropped_spans)],
        credentials=[c for c in model.credentials if not _inside(c.location, dropped_spans)],
    )
    relocator = Relocator(p for p in places if p.planned not in dropped_spans)
    relocator.share_document_pairs()
    return kept, relocator


def _configured_roles(model: Model, plan_paths: set[str]) -> dict[tuple[str, str], list[Role]]:
    """Terraform roles of the configuration by (module folder, local address)."""
    index: dict[tuple[str, str], list[Role]] = {}
    for role in model.roles:
        path = role.location.path
        if path in plan_paths or not path.endswith(_TERRAFORM_SUFFIXES):
            continue
        index.setdefault((folder_of(path), local_address(role.address)), []).append(role)
    return index


def _root_folder(
    path: str, records: list[Planned], configured: dict[tuple[str, str], list[Role]]
) -> str | None:
    """The folder of the plan's root module: the plan's own folder when it defines the
    plan's root-module roles, else the only folder that defines all of them."""
    own = folder_of(path)
    roots = {p.local for p in records if p.kind == "role" and p.module_dir == "."}
    if not roots:
        return own
    if any((own, local) in configured for local in roots):
        return own
    folders: set[str] | None = None
    for local in roots:
        having = {folder for folder, name in configured if name == local}
        folders = having if folders is None else folders & having
    return folders.pop() if folders and len(folders) == 1 else None


def _choose(copies: list[Role], address: str) -> Role:
    """The configuration role a planned instance maps to: the one with its address (an
    evaluator that expands instances), else the block's one copy."""
    for role in copies:
        if role.address == address:
            return role
    return copies[0]


def _start(span: Location) -> tuple[int, int]:
    return span.line, span.column


def _end(span: Location) -> tuple[int, int]:
    return (span.end_line or span.line, span.end_column or span.column + 1)


def _inside(loc: Location, spans: list[Planned]) -> bool:
    return any(
        p.span.path == loc.path and _start(p.span) <= (loc.line, loc.column) < _end(p.span)
        for p in spans
    )


# --------------------------------------------------------------------------- pairing


def pair_locations(planned: Role, configured: Role) -> dict[Location, Location]:
    """Each located part of a planned role -> the same part of its configuration block.

    Statements pair by position (a rendered policy keeps the statement order), and
    within a statement principals, actions and conditions by value (``jsonencode`` sorts
    keys, so their order may differ). A part without a counterpart is not paired.
    """
    pairs: dict[Location, Location] = {planned.location: configured.location}
    for mine, theirs in (
        (planned.trust_location, configured.trust_location),
        (_attr_loc(planned.max_session_duration), _attr_loc(configured.max_session_duration)),
        (_attr_loc(planned.version), _attr_loc(configured.version)),
    ):
        if mine is not None and theirs is not None:
            pairs[mine] = theirs
    if len(planned.statements) == len(configured.statements):
        for mine_s, theirs_s in zip(planned.statements, configured.statements, strict=True):
            _pair_statement(mine_s, theirs_s, pairs)
    return pairs


def _attr_loc(attr: object) -> Location | None:
    location = getattr(attr, "location", None)
    return location if isinstance(location, Location) else None


def _pair_statement(mine: Statement, theirs: Statement, pairs: dict[Location, Location]) -> None:
    pairs[mine.location] = theirs.location
    _pair_by(mine.principals, theirs.principals, lambda p: (p.kind, p.value), pairs)
    _pair_partial(mine.principals, theirs.principals, pairs)
    _pair_by(mine.actions, theirs.actions, lambda a: a.value, pairs)
    _pair_by(
        mine.conditions, theirs.conditions, lambda c: (c.operator.lower(), c.key.lower()), pairs
    )


def _pair_partial(
    mine: Sequence[Principal], theirs: Sequence[Principal], pairs: dict[Location, Location]
) -> None:
    """Principals the configuration knows only in part (``arn:aws:iam::${var.x}:root``):
    the planned value pairs with the one partly known principal it fits."""
    for principal in mine:
        if principal.location in pairs or principal.value is None:
            continue
        fitting = [
            other
            for other in theirs
            if other.kind == principal.kind
            and other.value is None
            and other.partial
            and fits(other.partial, principal.value)
        ]
        if len(fitting) == 1:
            pairs[principal.location] = fitting[0].location


class _Located(Protocol):
    @property
    def location(self) -> Location: ...  # pragma: no cover


_T = TypeVar("_T", bound=_Located)


def _pair_by(
    mine: Iterable[_T],
    theirs: Iterable[_T],
    key: Callable[[_T], object],
    pairs: dict[Location, Location],
) -> None:
    """Pair items with equal keys (first unused match), by their ``location``."""
    pool: dict[object, list[Location]] = {}
    for item in theirs:
        pool.setdefault(key(item), []).append(item.location)
    for item in mine:
        found = pool.get(key(item))
        if found:
            pairs[item.location] = found.pop(0)
