"""The lint pipeline: files -> units -> parsers -> one Model -> rules -> sorted findings.

The engine is the only place that joins the layers. It reads files safely, groups them
into units (a Terraform module, a profile set, a single document), asks the parsers for
partial models, merges them, runs the selected rules, and turns their hits into findings
with the configured severity, an end position and a line-independent fingerprint.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path, PurePosixPath

from assume_lint.engine.baseline import BASELINED, BaselineEntry, load_baseline
from assume_lint.engine.cache import ModelCache, cache_dir, unit_digest
from assume_lint.engine.cfn_parameters import Values, values_for
from assume_lint.engine.config import Config
from assume_lint.engine.partial import role_candidates
from assume_lint.engine.plans import Relocator, reconcile
from assume_lint.engine.subjects import derive_subjects, repository_name
from assume_lint.engine.suppress import (
    SuppressionOutcome,
    apply,
    config_ignores_from,
    parse_directives,
)
from assume_lint.files.fileio import read_regular
from assume_lint.files.secrets import ACCESS_KEY_ID, mask_text
from assume_lint.files.sources import (
    ReadProblem,
    SourceFile,
    line_starts,
    read_source,
    too_large_to_analyse,
)
from assume_lint.files.walk import Candidate, inside, relative, walk
from assume_lint.model import Credential, Model, ParseProblem
from assume_lint.model.findings import Finding, Hit, Location, Severity, Variant
from assume_lint.model.registry import Rule, RuleContext, all_rules, is_valid_selector, matches
from assume_lint.model.result import RunResult
from assume_lint.parsers import (
    FOLDER_UNITS,
    Unit,
    cli_callers,
    detect_by_path,
    load_parser,
    sniff,
    unit_key,
)
from assume_lint.parsers.textscan import new_secrets, scan_secret_assignments

PARSE_ERROR_ID = "AL900"
_SNIFF_HEAD = 65536
_PARALLEL_MIN_FILES = 200
_MAX_PROBLEMS_PER_FILE = 20
# A plan file (terraform show -json) may be this many times max-file-size: it is
# recognised by content as an input made for linting, and plans run to megabytes.
PLAN_SIZE_FACTOR = 8
# Lines longer than this (minified JSON, a one-line plan) give a finding's snippet from
# the finding's own span, not the whole line.
_LONG_LINE = 1000
_SNIPPET_CHARS = 200


@dataclass
class Inputs:
    """Files read for a run: what is reported on, and what only gives context."""

    sources: dict[str, SourceFile] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)  # rel -> kind
    reported: set[str] = field(default_factory=set)
    problems: list[ParseProblem] = field(default_factory=list)
    # rel -> CloudFormation parameter values supplied for that template
    parameters: dict[str, Values] = field(default_factory=dict)
    scanned: int = 0


def select_rules(config: Config) -> list[Rule]:
    """The rules whose findings a run reports (see :func:`rule_sets`)."""
    return rule_sets(config)[0]


def rule_sets(config: Config) -> tuple[list[Rule], list[Rule]]:
    """(reported, hidden): the rules whose findings are reported, and the nits the
    default rule set leaves out, run only to count what they would report.

    ``select`` (ruff's meaning: it replaces the default set; empty keeps it) plus
    ``extend-select``, minus ``ignore``. The default set is every rule but those whose
    ``RuleMeta.default`` is False; an explicit ``min-severity = "info"`` asks for them too.
    """
    every = config.min_severity_given and config.min_severity <= Severity.INFO
    reported: list[Rule] = []
    hidden: list[Rule] = []
    for rule in all_rules():
        if any(matches(rule.meta, s) for s in config.ignore):
            continue
        if any(matches(rule.meta, s) for s in config.extend_select):
            reported.append(rule)
        elif config.select:
            if any(matches(rule.meta, s) for s in config.select):
                reported.append(rule)
        elif rule.meta.default or every:
            reported.append(rule)
        else:
            hidden.append(rule)
    return reported, hidden


TEXT_KIND = "text"  # any other text file: scanned for keys (and, in scripts, CLI callers)
# Never text: reading them only to find NUL bytes would be wasted I/O.
_BINARY_SUFFIXES = (
    ".png", ".jpg", ".jpeg", ".gif", ".ico", ".webp", ".bmp", ".pdf", ".zip", ".gz", ".tgz",
    ".bz2", ".xz", ".7z", ".jar", ".war", ".class", ".pyc", ".so", ".dylib", ".dll", ".exe",
    ".woff", ".woff2", ".ttf", ".otf", ".eot", ".mp3", ".mp4", ".mov", ".wasm", ".bin",
)


def _classify_text(candidate: Candidate, config: Config) -> tuple[str, SourceFile] | None:
    """A file of no recognised format, read as text to scan for keys. Binary, oversized,
    undecodable or unreadable files are skipped silently: they are not ours to report."""
    if candidate.rel.lower().endswith(_BINARY_SUFFIXES):
        return None
    source = read_source(candidate.path, candidate.rel, config.max_file_size)
    if isinstance(source, ReadProblem):
        return None
    return TEXT_KIND, source


def _classify(candidate: Candidate, config: Config) -> tuple[str, SourceFile] | ReadProblem | None:
    """Decide the file's kind and read it; None for files of no interest."""
    family = detect_by_path(candidate.rel)
    if family is None:
        return _classify_text(candidate, config)
    limit = config.max_file_size
    if family.startswith("sniff:"):
        try:
            if candidate.path.stat().st_size > config.max_file_size:
                data = read_regular(candidate.path, _SNIFF_HEAD, head=True)
                kind = sniff(family, data.decode("utf-8", "replace"))
                if kind is None:
                    return None  # a big unrelated file (package-lock.json): not ours
                if kind == "terraform-plan":
                    limit = config.max_file_size * PLAN_SIZE_FACTOR
        except OSError:
            pass  # read_source reports it
    source = read_source(candidate.path, candidate.rel, limit)
    if isinstance(source, ReadProblem):
        return source
    kind = sniff(family, source.text) if family.startswith("sniff:") else family
    if kind is None:
        return TEXT_KIND, source  # a JSON, YAML or INI file of another kind: text
    return kind, source


def _siblings(candidate: Candidate, kind: str, root: Path | None) -> list[Candidate]:
    """Files that must be parsed with an explicitly given one (its module or profile set).

    A sibling that is a symbolic link resolving outside ``root`` is left out, as a walk
    of the same folder leaves it out (:func:`assume_lint.files.walk.inside`): a partial run
    must not read what a full run would not.
    """
    if kind not in FOLDER_UNITS:
        return []
    folder = candidate.path.parent
    rel_folder = PurePosixPath(candidate.rel).parent
    root_real = Path(os.path.realpath(root)) if root is not None else None
    out = []
    try:
        names = sorted(
            entry.name
            for entry in os.scandir(folder)
            if entry.is_file()
            and not (
                entry.is_symlink()
                and root_real is not None
                and not inside(Path(entry.path), root_real)
            )
        )
    except OSError:
        return []
    for name in names:
        rel = (rel_folder / name).as_posix()
        if rel != candidate.rel and detect_by_path(rel) == kind:
            out.append(Candidate(folder / name, rel, explicit=False))
    return out


def collect(
    candidates: Sequence[Candidate], config: Config, root: Path | None = None
) -> Inputs:
    """Read and classify the candidates, pulling in sibling files for context (never
    from outside ``root``)."""
    inputs = Inputs()
    queue = list(candidates)
    explicit_reported = {c.rel for c in candidates}
    seen: set[str] = set()
    while queue:
        candidate = queue.pop(0)
        if candidate.rel in seen:
            continue
        seen.add(candidate.rel)
        outcome = _classify(candidate, config)
        if outcome is None:
            continue
        reported = candidate.rel in explicit_reported
        if isinstance(outcome, ReadProblem):
            if reported:
                inputs.scanned += 1
                loc = Location(candidate.rel, outcome.line, outcome.column)
                inputs.problems.append(ParseProblem(loc, outcome.message))
            continue
        kind, source = outcome
        if kind != TEXT_KIND and (too_large := too_large_to_analyse(source.text)) is not None:
            if reported:  # parsed by nobody, still scanned for keys like any text file
                inputs.problems.append(ParseProblem(Location(source.rel, 1, 1), too_large))
            inputs.scanned += reported
            kind = TEXT_KIND
        inputs.sources[source.rel] = source
        inputs.kinds[source.rel] = kind
        if reported:
            inputs.scanned += kind != TEXT_KIND  # text files count when they hold something
            inputs.reported.add(source.rel)
            if candidate.explicit:
                queue.extend(_siblings(candidate, kind, root))
    if config.cfn_parameters:
        for rel, kind in inputs.kinds.items():
            if kind == "cloudformation":
                inputs.parameters[rel] = values_for(rel, config.cfn_parameters)
    return inputs


def units_of(inputs: Inputs) -> list[Unit]:
    """Group the read files into parse units, in a stable order."""
    grouped: dict[tuple[str, str], list[SourceFile]] = {}
    for rel in sorted(inputs.sources):
        kind = inputs.kinds[rel]
        if kind == TEXT_KIND:
            continue  # scanned for keys by the engine, parsed by nobody
        grouped.setdefault((kind, unit_key(kind, rel)), []).append(inputs.sources[rel])
    return [
        Unit(
            kind,
            key,
            tuple(files),
            frozenset(f.rel for f in files) - inputs.reported,
            inputs.parameters.get(key, ()) if kind == "cloudformation" else (),
        )
        for (kind, key), files in sorted(grouped.items())
    ]


def _parse(unit: Unit) -> Model:
    from assume_lint.parsers.policy import schema_skipped

    with schema_skipped(unit.context):
        if unit.parameters:
            from assume_lint.parsers import cloudformation

            return cloudformation.parse_unit(unit.files, dict(unit.parameters))
        return load_parser(unit.kind).parse_unit(unit.files)


def _failure(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "input is nested too deeply to analyse"
    return f"internal error while parsing ({type(exc).__name__}: {exc})"


def parse_unit(unit: Unit) -> tuple[Model, bool]:
    """Run one unit's parser; an unexpected failure becomes AL900, not a traceback.

    The failure is pinned on the files that cause it: each file of a failed unit is
    parsed alone, and when some fail alone and others do not, the unit is parsed again
    without the failing ones, so their siblings keep their findings (a 4,301-digit
    number in variables.tf used to turn every file of the module into an AL900 and hide
    main.tf's findings). The flag is False when the parser failed, so that such a model
    is never cached.
    """
    try:
        return _parse(unit), True
    except Exception as exc:  # noqa: BLE001 - a parser bug must not stop the run
        failure = exc
    model, culprits = Model(), list(unit.files)
    alone: dict[str, Exception] = {}
    if len(unit.files) > 1:
        for source in unit.files:
            try:
                _parse(replace(unit, files=(source,)))
            except Exception as exc:  # noqa: BLE001 - the same: a file's own failure
                alone[source.rel] = exc
        if alone and len(alone) < len(unit.files):
            rest = replace(unit, files=tuple(f for f in unit.files if f.rel not in alone))
            with contextlib.suppress(Exception):
                model = _parse(rest)
                culprits = [f for f in unit.files if f.rel in alone]
    for source in culprits:
        message = _failure(alone.get(source.rel, failure))
        model.problems.append(ParseProblem(Location(source.rel, 1, 1), message))
    return model, False


def auto_jobs(units: Sequence[Unit]) -> int:
    """Parallel parsing pays for its process start-up only on large trees."""
    files = sum(len(u.files) for u in units if u.kind == "terraform")
    if files < _PARALLEL_MIN_FILES:
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


def parse_all(units: Sequence[Unit], jobs: int) -> list[tuple[Model, bool]]:
    """Parse units serially or in worker processes; results in unit order either way.

    ``jobs`` is capped (:func:`assume_lint.files.workers.worker_count`); when workers cannot
    be started (a process limit) or die, the units are parsed here instead."""
    from assume_lint.files.workers import WorkersUnavailable, map_in_workers, worker_count

    workers = worker_count(jobs, len(units))
    if workers > 1:
        with contextlib.suppress(WorkersUnavailable):
            return map_in_workers(parse_unit, units, workers)
    return [parse_unit(unit) for unit in units]


_KEY_PREFIXES = ("AKIA", "ASIA", "ABIA", "ACCA", "A3T")  # those of secrets.ACCESS_KEY_ID
# A real key id's 16 random base32 characters hold a dozen distinct ones; a text match
# with fewer than this is a placeholder (a key *field* holding one is still reported).
_MIN_DISTINCT = 5


def scan_access_keys(source: SourceFile) -> list[Credential]:
    """Access key ids anywhere in a recognised file (AL201 looks beyond key fields)."""
    found: list[Credential] = []
    text = source.text
    if not any(prefix in text for prefix in _KEY_PREFIXES):
        return found  # substring search is far cheaper than the regex on a file with none
    line_no, line_start = 1, 0
    for match in ACCESS_KEY_ID.finditer(text):  # one pass; lines counted only for hits
        if len(set(match.group(0)[4:])) < _MIN_DISTINCT:
            continue  # AKIAXXXXXXXXXXXXXXXX, AKIA0000...: a placeholder in prose, no key
        line_no += text.count("\n", line_start, match.start())
        line_start = text.rfind("\n", 0, match.start()) + 1
        column = match.start() - line_start + 1
        loc = Location(source.rel, line_no, column, line_no, column + len(match.group(0)))
        found.append(Credential("access-key-id", "", match.group(0), loc, context="text"))
    return found


def _cap_problems(problems: list[ParseProblem]) -> list[ParseProblem]:
    """At most a few parse problems per file: a junk file must not flood the report."""
    per_file: dict[str, list[ParseProblem]] = {}
    for problem in problems:
        per_file.setdefault(problem.location.path, []).append(problem)
    out: list[ParseProblem] = []
    for found in per_file.values():
        out.extend(found[:_MAX_PROBLEMS_PER_FILE])
        if len(found) > _MAX_PROBLEMS_PER_FILE:
            last = found[_MAX_PROBLEMS_PER_FILE - 1].location
            more = len(found) - _MAX_PROBLEMS_PER_FILE
            out.append(ParseProblem(last, f"{more} more parse problem(s) in this file not shown"))
    return out


def build_model(inputs: Inputs, cache: ModelCache, jobs: int | None = None) -> Model:
    """Parse every unit (cached models first) and merge the partial models into one."""
    units = units_of(inputs)
    keys = [unit_digest(unit) for unit in units]
    models: list[Model | None] = [cache.get(key) for key in keys]
    todo = [i for i, model in enumerate(models) if model is None]
    workers = auto_jobs([units[i] for i in todo]) if jobs is None else jobs
    for i, (parsed, ok) in zip(todo, parse_all([units[i] for i in todo], workers), strict=True):
        models[i] = parsed
        if ok:
            cache.put(keys[i], parsed)
    merged = Model(problems=list(inputs.problems))
    for cached_or_parsed in models:
        assert cached_or_parsed is not None
        merged.extend(cached_or_parsed)
    merged.drop_covered_documents()
    merged.problems = _cap_problems(merged.problems)
    scanned: list[Credential] = []
    for rel in sorted(inputs.sources):
        merged.credentials.extend(scan_access_keys(inputs.sources[rel]))
        scanned.extend(scan_secret_assignments(inputs.sources[rel]))
    merged.credentials.extend(new_secrets(scanned, merged.credentials))
    for rel in sorted(inputs.sources):
        merged.attempts.extend(cli_callers.scan(inputs.sources[rel]))
    return merged


def with_role_context(
    model: Model,
    inputs: Inputs,
    given: Sequence[Candidate],
    root: Path,
    config: Config,
    cache: ModelCache,
    jobs: int | None,
) -> Model:
    """The model rebuilt with the role definitions a partial run's callers need
    (:func:`assume_lint.engine.partial.role_candidates` picks them).

    ``inputs`` is extended in place with the context files, so related locations can be
    completed; their parse problems are dropped: the user did not ask about them.
    """
    context = role_candidates(given, model, root, config, set(inputs.sources))
    if not context:
        return model
    extra = collect(context, config)
    added = {rel for rel in extra.sources if rel not in inputs.sources}
    if not added:
        return model
    for rel in sorted(added):
        inputs.sources[rel] = extra.sources[rel]
        inputs.kinds[rel] = extra.kinds[rel]
    rebuilt = build_model(inputs, cache, jobs)
    rebuilt.problems = [p for p in rebuilt.problems if p.location.path not in added]
    return rebuilt


class _Finisher:
    """Turns hits into findings: severity, end position, fingerprint."""

    def __init__(
        self,
        sources: dict[str, SourceFile],
        config: Config,
        secrets: tuple[str, ...],
        relocate: Relocator | None = None,
    ) -> None:
        self.sources = sources
        self.config = config
        self.secrets = secrets
        self.relocate = relocate or Relocator()
        self._starts: dict[str, array[int]] = {}

    def _span(self, path: str, number: int) -> tuple[str, int, int] | None:
        """The text of ``path`` and the offsets where line ``number`` starts and ends.
        Files are indexed by line offsets (8 bytes a line), not split into lines: a tree
        of 2,000 files held 30 MiB of line strings that way."""
        source = self.sources.get(path)
        if source is None:
            return None
        starts = self._starts.get(path)
        if starts is None:
            starts = self._starts[path] = line_starts(source.text)
        if not 1 <= number <= len(starts):
            return None
        end = starts[number] - 1 if number < len(starts) else len(source.text)
        return source.text, starts[number - 1], end

    def snippet(self, loc: Location) -> str:
        """The text a fingerprint is taken from: the finding's line, or on a very long
        line (a one-line plan or minified JSON) the finding's own span, so that neither
        the cost nor the fingerprint depends on the rest of a megabyte line."""
        span = self._span(loc.path, loc.line)
        if span is None:
            return ""
        text, start, end = span
        if end - start <= _LONG_LINE:
            return text[start:end]
        begin = min(start + loc.column - 1, end)
        stop = end
        if loc.end_line == loc.line and loc.end_column is not None:
            stop = start + loc.end_column - 1
        return text[begin : max(begin, min(stop, begin + _SNIPPET_CHARS, end))]

    def complete(self, loc: Location) -> Location:
        if loc.end_line is not None and loc.end_column is not None:
            return loc
        span = self._span(loc.path, loc.line)
        length = span[2] - span[1] if span is not None else 0
        end = max(length + 1, loc.column + 1)
        return replace(loc, end_line=loc.line, end_column=end)

    def finding(self, rule_id: str, name: str, default: Severity, hit: Hit) -> Finding:
        severity = self.config.severities.get(rule_id) or hit.severity or default
        hit = _anchored(self.relocate(hit))
        loc = self.complete(hit.location)
        snippet = mask_text(" ".join(self.snippet(loc).split()), self.secrets)
        key = mask_text(hit.key, self.secrets)  # keys may hold a Sid or a value: mask them too
        digest = hashlib.sha256(
            "\0".join((rule_id, loc.path, key, snippet)).encode("utf-8", "surrogatepass")
        ).hexdigest()
        related = tuple(self.complete(r) for r in hit.related)
        message = mask_text(hit.message, self.secrets)
        return Finding(loc, rule_id, name, severity, message, key, related, fingerprint=digest)


def _outside(path: str) -> bool:
    """A path outside the repository, or in a module ``terraform init`` downloaded."""
    return path.startswith("../") or ".terraform/" in path and (
        path.startswith(".terraform/") or "/.terraform/" in path)


def _anchored(hit: Hit) -> Hit:
    """A hit about a value written in a downloaded module (or outside the repository)
    moves to the innermost related location in the repository, the module call that
    brought it in; where it was written becomes a related location."""
    if not hit.related or not _outside(hit.location.path):
        return hit
    inside = [r for r in hit.related if not _outside(r.path)]
    if not inside:
        return hit
    anchor = inside[-1]
    related = (hit.location, *(r for r in hit.related if r != anchor))
    return replace(hit, location=anchor, related=related)


def run_rules(
    model: Model, rules: Iterable[Rule], config: Config, finisher: _Finisher
) -> list[Finding]:
    """Apply each rule to the merged model."""
    findings = []
    for rule in rules:
        ctx = RuleContext(
            options={**rule.meta.options, **config.options.get(rule.id, {})}, trusted=config.trusted
        )
        for hit in merge_variants(rule.check(model, ctx), model.variants):
            findings.append(finisher.finding(rule.id, rule.name, rule.meta.severity, hit))
    return findings


def merge_variants(hits: Iterable[Hit], variants: dict[str, tuple[str, ...]]) -> list[Hit]:
    """One hit per problem, whatever the number of deployment variants it holds in.

    A parser that evaluates a source several ways (a CloudFormation ``Fn::If``, var-files)
    yields the same problem once per variant. Where it holds in every variant of its
    group, it is reported once, plainly; elsewhere once, naming the variants it holds in
    ("... (when CreateProvider is false)"). Hits without a variant pass unchanged; a
    problem seen only in witness variants is dropped (see :class:`Variant`).
    """
    merged: list[Hit] = []
    held: dict[tuple[object, ...], set[Variant]] = {}
    for hit in hits:
        if hit.variant is None:
            merged.append(hit)
            continue
        problem = _problem_of(hit)
        if problem not in held:
            held[problem] = set()
            merged.append(hit)
        held[problem].add(hit.variant)
    out: list[Hit] = []
    for hit in merged:
        if hit.variant is None:
            out.append(hit)
            continue
        phrased = _phrased(hit, held[_problem_of(hit)], variants)
        if phrased is not None:
            out.append(phrased)
    return out


def _problem_of(hit: Hit) -> tuple[object, ...]:
    """What makes two variants' hits the same problem: the place, the logical key and
    the severity. Not the message: it may name what differs between variants (a role
    named ``partner-${var.environment}``); the first variant's message is kept."""
    group = hit.variant.group if hit.variant else None
    return (hit.location, hit.key, hit.severity, group)


def _phrased(
    hit: Hit, held: set[Variant], variants: dict[str, tuple[str, ...]]
) -> Hit | None:
    """``hit`` (which has a variant) plain when it held in every variant of its group,
    else with the phrases of those it held in; None when only witnesses held it."""
    assert hit.variant is not None
    witnessed = {v.phrase for v in held if v.witness}
    phrases_held = {
        v.plain_phrase if v.plain_phrase is not None and v.plain_phrase in witnessed else v.phrase
        for v in held
        if not v.witness
    }
    if not phrases_held:
        return None
    every = variants.get(hit.variant.group, ())
    if every and phrases_held.issuperset(every):
        return replace(hit, variant=None)
    phrases = [p for p in every if p in phrases_held] + sorted(phrases_held.difference(every))
    return replace(hit, message=f"{hit.message} ({_joined(phrases, every)})")


def _joined(phrases: list[str], every: tuple[str, ...]) -> str:
    """The phrases a hit held in, as one. Where every variant of the group held it under
    the same assumption ("with the template's default parameters when A is true", "...
    when A is false"), the assumption alone is said."""
    leads = {p.partition(" when ")[0] for p in phrases}
    lead = next(iter(leads)) if len(leads) == 1 else ""
    if len(phrases) > 1 and lead and every and all(f"{lead} {e}" in phrases for e in every):
        return lead
    return " or ".join(phrases)


def lint(
    paths: Sequence[Path],
    root: Path,
    config: Config,
    *,
    jobs: int | None = None,
    use_cache: bool = True,
    today: date | None = None,
    model_out: list[Model] | None = None,
) -> RunResult:
    """Lint ``paths`` (files or folders) and return the sorted result.

    ``model_out``, when given, receives the merged model (the graph and the HTML report
    draw it).

    ``jobs`` None picks serial or parallel parsing by tree size; ``use_cache`` False
    neither reads nor writes the model cache. Findings go through, in order: the
    reported-files filter (partial runs), suppressions, the baseline, min-severity.
    """
    walked = walk(paths, root, config.exclude)
    inputs = collect(walked.files, config, root)
    for rel, message in walked.problems:
        inputs.problems.append(ParseProblem(Location(rel, 1, 1), message))
    cache = ModelCache(cache_dir() if use_cache else None)
    model = build_model(inputs, cache, jobs)
    model = with_role_context(model, inputs, walked.files, root, config, cache, jobs)
    model, relocate = reconcile(model)  # a plan and its configuration: one copy each
    repository = repository_name(config.trusted.github_repository, root)
    model = derive_subjects(model, repository)
    if model_out is not None:
        model_out.append(model)
    known = {c.value for c in model.credentials if c.value}
    secrets = tuple(sorted(known.union(model.sensitive)))  # a plan's sensitive values too
    finisher = _Finisher(inputs.sources, config, secrets, relocate)
    rules, nits = select_rules(config), rule_sets(config)[1]
    findings = run_rules(model, rules + nits, config, finisher)
    # Files read only as context (siblings of a changed file) are not reported on, not
    # even for their parse errors: a partial run speaks only about the files it was given.
    # AL900 is a finding like the others from here on: suppressions and min-severity
    # apply to it, and only a reported one makes the exit 2.
    context = set(inputs.sources) - inputs.reported
    reported = _dedupe(
        f
        for f in findings
        if f.location.path in inputs.reported
        or (f.rule_id == PARSE_ERROR_ID and f.location.path not in context)
    )
    outcome = _suppress(reported, inputs, rules + nits, config, root, finisher, today)
    kept, suppressed = outcome.kept, list(outcome.suppressed)
    stale: list[BaselineEntry] = []
    if config.baseline is not None:
        split = load_baseline(config.baseline).split(kept)
        kept, stale = split.new, list(split.stale)
        suppressed.extend(split.baselined)
    # The nits of the default rule set are counted, never reported (nor baselined).
    nit_ids = {rule.id for rule in nits}
    hidden = Counter(f.rule_id for f in kept + outcome.notes if f.rule_id in nit_ids)
    kept = [f for f in kept if f.rule_id not in nit_ids]
    notes = [f for f in outcome.notes if f.rule_id not in nit_ids]
    suppressed = [f for f in suppressed if f.rule_id not in nit_ids]
    baselinable = [
        f
        for f in kept + [s for s in suppressed if s.suppressed == BASELINED]
        if not f.rule_id.startswith("AL9")
    ]
    visible = [f for f in kept + notes if f.severity >= config.min_severity]
    unparsed = {p.location.path for p in model.problems if p.location.path not in context}
    unparsed_reported = {f.location.path for f in visible if f.rule_id == PARSE_ERROR_ID}
    secrets = finisher.secrets

    def masked(found: Iterable[Finding]) -> list[Finding]:
        # A path named after a key must not print it (paths are masked last, after every
        # step that looks files up by path; fingerprints were taken from the real path).
        return sorted(f.masked(secrets) for f in found)

    return RunResult(
        findings=masked(visible),
        suppressed=masked(suppressed),
        files_scanned=inputs.scanned + _text_files_used(reported, inputs),
        errors=sum(f.rule_id == PARSE_ERROR_ID for f in visible) + len(walked.missing),
        parse_errors=len(unparsed),
        parse_errors_reported=len(unparsed_reported),
        hidden=dict(sorted(hidden.items())),
        missing=tuple(mask_text(m, secrets) for m in walked.missing),
        secrets=secrets,
        root=root.as_posix(),
        stale=len(stale),
        baselinable=masked(baselinable),
    )


def _text_files_used(findings: Iterable[Finding], inputs: Inputs) -> int:
    """Text files (no recognised format) with a finding: they count among the files
    linted; the hundreds of READMEs and sources merely scanned for keys do not."""
    paths = {f.location.path for f in findings}
    return sum(1 for p in paths if p in inputs.reported and inputs.kinds.get(p) == TEXT_KIND)


_SNIFF_WHAT = {
    "sniff:json": "JSON that is not a trust policy or a CloudFormation template",
    "sniff:yaml": "YAML that is not a CloudFormation template",
    "sniff:json-tpl": "a template that is not a trust policy",
    "sniff:ini": "an INI file without AWS profiles",
    "sniff:hcl": "HCL that is not Terragrunt",
}


def list_files(
    paths: Sequence[Path], root: Path, config: Config
) -> tuple[list[tuple[str, str]], list[str]]:
    """What a run over ``paths`` reads, and what it leaves out: ``(path, what)`` sorted by
    path, where ``what`` is the kind a file is read as (``terraform``, ``trust-json``...,
    ``... (context)`` for a sibling read only for its module) or ``skipped: why``; and
    the command-line paths that do not exist. Files are read and classified as a run
    would, but not parsed."""
    walked = walk(paths, root, config.exclude, record_skipped=True)
    inputs = collect(walked.files, config)
    rows: dict[str, str] = {}
    for rel, kind in inputs.kinds.items():
        if kind == TEXT_KIND:
            family = detect_by_path(rel)
            what = "" if family is None else f"{_SNIFF_WHAT.get(family, family)}: "
            scanned = "keys and AWS CLI callers" if cli_callers.script_kind(
                rel, inputs.sources[rel].text) else "keys only"
            kind = f"text ({what}scanned for {scanned})"
        rows[rel] = kind if rel in inputs.reported else f"{kind} (context: read for its module)"
    for problem in inputs.problems:
        rows[problem.location.path] = f"unreadable: {problem.message} (AL900)"
    for rel, message in walked.problems:
        rows[rel] = f"unreadable: {message} (AL900)"
    for candidate in walked.files:
        if candidate.rel in rows:
            continue
        family = detect_by_path(candidate.rel)
        if family is None:
            rows[candidate.rel] = "skipped: not text (binary, undecodable or too large)"
        else:
            rows[candidate.rel] = f"skipped: {_SNIFF_WHAT.get(family, family)}, too large"
    for rel, why in walked.skipped or ():
        rows.setdefault(rel, f"skipped: {why}")
    return sorted(rows.items()), list(walked.missing)


def _suppress(
    findings: list[Finding],
    inputs: Inputs,
    rules: Sequence[Rule],
    config: Config,
    root: Path,
    finisher: _Finisher,
    today: date | None,
) -> SuppressionOutcome:
    """Apply inline directives and config ``[[ignores]]``; AL901/AL902 when selected."""
    # Any text file is scanned for keys, and docs and tests quote directive syntax: a
    # text file's directives apply to its findings, but never become AL901/AL902.
    config_rel = relative(config.source, root) if config.source else ".assume-lint.toml"
    text = {rel for rel in inputs.reported if inputs.kinds.get(rel) == TEXT_KIND} - {config_rel}
    with_findings = {f.location.path for f in findings}
    directives = {
        rel: parse_directives(inputs.sources[rel])
        for rel in sorted(inputs.reported)
        if rel not in text or rel in with_findings
    }
    ignores = config_ignores_from(config.ignores, config_rel, config.source_text)
    selected = {rule.id for rule in rules}
    outcome = apply(
        findings,
        directives,
        ignores,
        today=today or date.today(),
        require_reason=config.require_reason,
        rule_lookup=is_valid_selector,
        active=lambda s: any(matches(rule.meta, s) for rule in rules),
        finish=finisher.finding,
    )
    notes = [n for n in outcome.notes if n.rule_id in selected and n.location.path not in text]
    return SuppressionOutcome(outcome.kept, outcome.suppressed, notes)


def _dedupe(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per problem.

    The same rule at the same place and severity through a Terraform module instance
    (its key starts with ``module.``: a module called with its defaults, several
    instances of one call, the module's own evaluation) is the problem already found
    there: it is reported once, with the related locations of every way it was reached.
    Another severity there is another problem (two callers' values judged in one
    template line: a ``pull_request`` subject and ``repo:*``), reported on its own.
    Findings about a plan's objects (a related location naming one) stay one per object.
    """
    findings = list(findings)
    seen: set[tuple[str, Location, str]] = set()
    kept: dict[tuple[str, Location, Severity], int] = {}
    out: list[Finding] = []

    def instance(finding: Finding) -> bool:
        return finding.key.startswith("module.") and not any(r.logical for r in finding.related)

    derived = [f for f in findings if instance(f)]
    for finding in [f for f in findings if not instance(f)] + derived:
        ident = (finding.rule_id, finding.location, finding.message)
        if ident in seen:
            continue
        seen.add(ident)
        place = (finding.rule_id, finding.location, finding.severity)
        if instance(finding) and place in kept:
            index = kept[place]
            extra = tuple(r for r in finding.related if r not in out[index].related)
            if extra:
                out[index] = replace(out[index], related=out[index].related + extra)
            continue
        kept.setdefault(place, len(out))
        out.append(finding)
    return out
