"""The click application behind :func:`assume_lint.cli.main`.

Kept apart from ``cli.py`` so that ``--version`` never imports click. Commands: ``check``
(the default: ``assume-lint [PATH...]``), ``rules`` and ``explain``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from assume_lint import __version__
from assume_lint.cli.output import (
    EXIT_ERROR,
    EXIT_OK,
    SEVERITIES,
    exit_code,
    say,
    silence_stdout,
    use_color,
    write_output,
)
from assume_lint.engine.cfn_parameters import ParameterFileError, load_spec
from assume_lint.engine.config import Config, ConfigError, find_config, load_config
from assume_lint.model.findings import Severity

if TYPE_CHECKING:
    from assume_lint.model.result import RunResult

F = TypeVar("F", bound=Callable[..., Any])


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    """``--select AL1,AL2 --select AL3`` -> ("AL1", "AL2", "AL3")."""
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def _check_selectors(option: str, selectors: tuple[str, ...]) -> None:
    from assume_lint.engine.config import did_you_mean, rule_words
    from assume_lint.model.registry import is_valid_selector

    for selector in selectors:
        if (
            selector.upper() not in ("AL9", "AL900")
            and selector != "parse-error"
            and not is_valid_selector(selector)
        ):
            hint = did_you_mean(selector, rule_words())
            raise click.UsageError(f"{option}: unknown rule {selector!r}{hint}")


def resolve_config(config_file: Path | None, no_config: bool, root: Path) -> Config:
    """The config file's settings (or the defaults), as a Config."""
    if no_config:
        return Config()
    path = config_file or find_config(Path.cwd(), root)
    if path is None:
        return Config()
    return load_config(path)


def prepare(
    paths: tuple[Path, ...],
    repo_root: Path | None,
    config_file: Path | None,
    no_config: bool,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    extend_select: tuple[str, ...] = (),
    exclude: tuple[str, ...] = (),
    cfn_parameters: tuple[str, ...] = (),
) -> tuple[list[Path], Path, Config]:
    """What every linting command starts from: targets, repository root, and the config
    file's settings with ``--select``/``--ignore`` applied (the CLI wins) and
    ``--extend-select``/``--exclude`` added to the config's."""
    from assume_lint.files.walk import git_root

    targets = list(paths) or [Path(".")]
    # Reported paths are relative to --repo-root, else git's top level, else the current
    # folder (INTERFACE.md) when the paths are under it, else their common folder: a path
    # never climbs out of the root with "..".
    repository = git_root(targets[0] if targets[0].exists() else Path.cwd())
    root = (repo_root or repository or Path.cwd()).resolve()
    search_root = None
    if repo_root is None and repository is None:
        folders = [t.resolve() if t.is_dir() else t.resolve().parent for t in targets if t.exists()]
        search_root = Path(os.path.commonpath(folders)) if folders else None
        if search_root is not None and not search_root.is_relative_to(root):
            root = search_root
    try:
        config = resolve_config(config_file, no_config, root)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    selected, ignored, extended = _split(select), _split(ignore), _split(extend_select)
    _check_selectors("--select", selected)
    _check_selectors("--ignore", ignored)
    _check_selectors("--extend-select", extended)
    try:
        supplied = tuple(load_spec(spec, Path.cwd()) for spec in cfn_parameters)
    except ParameterFileError as exc:
        raise click.ClickException(str(exc)) from None
    config = config.with_overrides(
        cfn_parameters=(config.cfn_parameters + supplied) if supplied else None,
        select=selected or None,
        ignore=(config.ignore + ignored) if ignored else None,
        extend_select=(config.extend_select + extended) if extended else None,
        exclude=(config.exclude + exclude) if exclude else None,
        search_root=search_root,
    )
    return targets, root, config


def _target_options(output_help: str, select_help: str, ignore_help: str) -> Callable[[F], F]:
    """The options every linting command shares (check and graph): where to write, which
    config, which rules, the repository root and the cache. One definition, so the two
    commands cannot drift apart."""
    options = [
        click.argument(
            "paths", nargs=-1, type=click.Path(path_type=Path, readable=False)
        ),  # an unreadable file is AL900 for that file, not a usage error for the run
        click.option(
            "-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help=output_help
        ),
        click.option(
            "--config",
            "config_file",
            type=click.Path(path_type=Path, dir_okay=False),
            help="Config file (default: .assume-lint.toml or pyproject.toml).",
        ),
        click.option("--no-config", is_flag=True, help="Ignore config files."),
        click.option("--select", multiple=True, help=select_help),
        click.option(
            "--extend-select",
            multiple=True,
            help="Also these rules, on top of --select or the default set (e.g. AL204).",
        ),
        click.option("--ignore", multiple=True, help=ignore_help),
        click.option(
            "--exclude",
            multiple=True,
            metavar="GLOB",
            help="Skip paths matching GLOB (as config exclude; repeatable, adds to it).",
        ),
        click.option(
            "--cfn-parameters",
            multiple=True,
            metavar="[TEMPLATE=]FILE",
            help="CloudFormation parameter values (AWS CLI or CodePipeline JSON) for every "
            "template, or those matching the glob TEMPLATE; repeatable, later files win.",
        ),
        click.option(
            "--repo-root",
            type=click.Path(path_type=Path, file_okay=False, exists=True),
            help="Base of reported paths (default: git top level, else cwd).",
        ),
        click.option("--no-cache", is_flag=True, help="Neither read nor write the parse cache."),
    ]

    def apply(func: F) -> F:
        for option in reversed(options):
            func = option(func)
        return func

    return apply


def _report_missing(missing: Sequence[str]) -> None:
    for target in missing:
        click.echo(f"assume-lint: {target}: no such file or directory", err=True)


def _report_unparsed(result: RunResult) -> None:
    """The graph has no place for parse errors: name each file that could not be read
    or parsed on stderr (the graph is drawn without it, and the run exits 2, as check
    does)."""
    from assume_lint.engine.pipeline import PARSE_ERROR_ID
    from assume_lint.files.secrets import mask_text
    from assume_lint.formatters import one_line

    for finding in result.findings:
        if finding.rule_id == PARSE_ERROR_ID:
            where = one_line(str(finding.location))
            say(f"assume-lint: {where}: {one_line(mask_text(finding.message, result.secrets))}")


def _emit(text: str, output: Path | None, secrets: tuple[str, ...]) -> str:
    """Write the report (stdout or ``output``): "written", "closed" when the reader of
    stdout went away (``| head``: not an error; stdout is silenced) or "failed" when the
    report cannot be written (said on stderr; the run exits 2)."""
    try:
        write_output(text, output, secrets)
    except BrokenPipeError:
        silence_stdout()
        return "closed"
    except OSError as exc:
        where = "the report to standard output" if output is None else str(output)
        reason = exc.strerror or str(exc) or type(exc).__name__
        say(f"assume-lint: cannot write {where}: {reason}")
        return "failed"
    return "written"


def _list_files(
    targets: list[Path], root: Path, config: Config, output: Path | None, quiet: bool
) -> int:
    """``--list-files``: one line per file, ``path: kind`` or ``path: skipped: why``; the
    counts on stderr unless ``quiet``."""
    from assume_lint.engine.pipeline import list_files
    from assume_lint.files.secrets import mask_text
    from assume_lint.formatters import one_line

    rows, missing = list_files(targets, root, config)
    _report_missing(missing)
    text = "".join(f"{one_line(mask_text(rel))}: {what}\n" for rel, what in rows)
    read = sum(not what.startswith(("skipped:", "unreadable:")) for _rel, what in rows)
    if _emit(text, output, ()) == "failed":
        return EXIT_ERROR
    if not quiet:
        click.echo(f"{read} {'file' if read == 1 else 'files'} read, {len(rows) - read} "
                   "skipped or unreadable", err=True)
    return EXIT_ERROR if missing else EXIT_OK


def build_app() -> click.Group:
    """Build the click command group (called once per process)."""

    @click.group(context_settings={"help_option_names": ["-h", "--help"]})
    @click.version_option(__version__, prog_name="assume-lint", message="%(prog)s %(version)s")
    def app() -> None:
        """Lint AWS assume-role setups: Terraform, AWS profiles and trust policies."""

    @app.command("check")
    @click.option(
        "-f",
        "--format",
        "fmt",
        default="text",
        show_default=True,
        type=click.Choice(["text", "json", "sarif", "github", "gitlab", "markdown", "html"]),
        help="Report format.",
    )
    @_target_options(
        "Write the report to FILE (atomically) instead of stdout.",
        "Only these rules (ids, names, prefixes).",
        "Skip these rules (ids, names, prefixes).",
    )
    @click.option(
        "--min-severity",
        type=click.Choice(SEVERITIES),
        help="Report only findings at or above this severity.",
    )
    @click.option(
        "--fail-on",
        type=click.Choice(SEVERITIES),
        help="Exit 1 for findings at or above this severity (default low).",
    )
    @click.option(
        "--soft-fail",
        is_flag=True,
        default=None,
        help="Findings never exit 1; errors still exit 2.",
    )
    @click.option(
        "--baseline",
        "baseline",
        type=click.Path(path_type=Path, dir_okay=False),
        help="Hide the findings listed in this baseline file.",
    )
    @click.option(
        "--write-baseline",
        type=click.Path(path_type=Path, dir_okay=False),
        help="Write the current findings to this baseline file.",
    )
    @click.option(
        "--include-suppressed",
        is_flag=True,
        help="json/sarif: also emit suppressed and baselined results, marked.",
    )
    @click.option(
        "--require-reason",
        is_flag=True,
        default=None,
        help="Suppressions without '-- reason' become AL902.",
    )
    @click.option(
        "--sarif-category",
        default="assume-lint",
        show_default=True,
        help="SARIF automationDetails id (NAME/).",
    )
    @click.option(
        "-j",
        "--jobs",
        type=click.IntRange(min=1),
        help="Parallel parser processes (default: by tree size).",
    )
    @click.option(
        "--statistics",
        is_flag=True,
        help="Count findings per rule instead of listing them (text; else on stderr).",
    )
    @click.option(
        "--list-files",
        is_flag=True,
        help="List each file with the kind it is read as, and each skipped one with why.",
    )
    @click.option("--no-color", is_flag=True, help="No colour (also: NO_COLOR).")
    @click.option("-q", "--quiet", is_flag=True, help="No summary line on stderr.")
    def check(
        paths: tuple[Path, ...],
        fmt: str,
        output: Path | None,
        config_file: Path | None,
        no_config: bool,
        select: tuple[str, ...],
        extend_select: tuple[str, ...],
        ignore: tuple[str, ...],
        exclude: tuple[str, ...],
        cfn_parameters: tuple[str, ...],
        min_severity: str | None,
        fail_on: str | None,
        soft_fail: bool | None,
        baseline: Path | None,
        write_baseline: Path | None,
        include_suppressed: bool,
        require_reason: bool | None,
        sarif_category: str,
        repo_root: Path | None,
        jobs: int | None,
        no_cache: bool,
        statistics: bool,
        list_files: bool,
        no_color: bool,
        quiet: bool,
    ) -> int:
        """Lint PATHS (files or folders; default: the current folder)."""
        from assume_lint.cli.progress import Progress
        from assume_lint.cli.progress import wanted as progress_wanted
        from assume_lint.engine.baseline import BaselineError
        from assume_lint.engine.baseline import write_baseline as write_baseline_file
        from assume_lint.engine.pipeline import lint
        from assume_lint.formatters import render
        from assume_lint.formatters.text import statistics_text
        from assume_lint.model import Model
        from assume_lint.model.registry import all_rules

        targets, root, config = prepare(
            paths, repo_root, config_file, no_config, select, ignore, extend_select, exclude,
            cfn_parameters,
        )
        if list_files:
            return _list_files(targets, root, config, output, quiet)
        config = config.with_overrides(
            min_severity=Severity.parse(min_severity) if min_severity else None,
            min_severity_given=True if min_severity else None,
            fail_on=Severity.parse(fail_on) if fail_on else None,
            soft_fail=soft_fail,
            require_reason=require_reason,
            baseline=baseline,
        )
        try:
            models: list[Model] = []
            with Progress(sys.stderr, enabled=progress_wanted(sys.stderr, quiet)):
                result = lint(
                    targets, root, config, jobs=jobs, use_cache=not no_cache, model_out=models
                )
        except BaselineError as exc:
            raise click.ClickException(str(exc)) from None
        _report_missing(result.missing)
        if result.stale:
            click.echo(
                f"assume-lint: {result.stale} baseline entries match no finding any more "
                "(fixed? rewrite the baseline with --write-baseline)",
                err=True,
            )
        if write_baseline is not None:
            try:
                write_baseline_file(write_baseline, result.baselinable, result.secrets)
            except BaselineError as exc:
                raise click.ClickException(str(exc)) from None
        if statistics and fmt == "text":
            text = statistics_text(result) + result.summary() + "\n"
        else:
            text = render(
                fmt,
                result,
                all_rules(),
                color=use_color(no_color, output),
                category=sarif_category,
                include_suppressed=include_suppressed,
                model=models[0] if models else None,
            )
            if statistics and not quiet:
                click.echo(statistics_text(result), err=True, nl=False)
        code = exit_code(result, config)
        emitted = _emit(text, output, result.secrets)
        if emitted != "written":
            return code if emitted == "closed" else EXIT_ERROR
        if not quiet and (output is not None or fmt != "text"):
            click.echo(result.summary(), err=True)
        return code

    @app.command("graph")
    @click.option(
        "-f",
        "--format",
        "fmt",
        default="mermaid",
        show_default=True,
        type=click.Choice(["mermaid", "dot", "json"]),
        help="Graph format.",
    )
    @_target_options(
        "Write the graph to FILE (atomically) instead of stdout.",
        "Mark findings of these rules only.",
        "Do not mark findings of these rules.",
    )
    def graph_cmd(
        paths: tuple[Path, ...],
        fmt: str,
        output: Path | None,
        config_file: Path | None,
        no_config: bool,
        select: tuple[str, ...],
        extend_select: tuple[str, ...],
        ignore: tuple[str, ...],
        exclude: tuple[str, ...],
        cfn_parameters: tuple[str, ...],
        repo_root: Path | None,
        no_cache: bool,
    ) -> int:
        """Draw who may assume and who assumes which role in PATHS (mermaid, dot, json)."""
        import importlib

        from assume_lint.engine.pipeline import lint
        from assume_lint.model import Model
        from assume_lint.report.graph import build_graph

        targets, root, config = prepare(
            paths, repo_root, config_file, no_config, select, ignore, extend_select, exclude,
            cfn_parameters,
        )
        models: list[Model] = []
        result = lint(targets, root, config, use_cache=not no_cache, model_out=models)
        _report_missing(result.missing)
        module = importlib.import_module(
            {"mermaid": "assume_lint.formatters.mermaid", "dot": "assume_lint.formatters.dot"}.get(
                fmt, "assume_lint.formatters.graph_json"
            )
        )
        text: str = module.render_graph(build_graph(models[0], result.findings, result.secrets))
        if _emit(text, output, result.secrets) == "failed":
            return EXIT_ERROR
        _report_unparsed(result)
        return EXIT_ERROR if result.errors else EXIT_OK

    @app.command("rules")
    @click.option("-f", "--format", "fmt", default="text", type=click.Choice(["text", "json"]))
    def rules_cmd(fmt: str) -> int:
        """List the rule catalogue (from the rule modules' docstrings)."""
        from assume_lint.model.registry import all_rules
        from assume_lint.report.docs import catalogue_json, catalogue_text

        catalogue = all_rules()
        click.echo(catalogue_json(catalogue) if fmt == "json" else catalogue_text(catalogue))
        return EXIT_OK

    @app.command("explain")
    @click.argument("rule_id")
    def explain(rule_id: str) -> int:
        """Print a rule's documentation (by id or name)."""
        from assume_lint.model.registry import find_rule
        from assume_lint.report.docs import explain_text

        rule = find_rule(rule_id)
        if rule is None:
            raise click.UsageError(f"unknown rule {rule_id!r} (see: assume-lint rules)")
        click.echo(explain_text(rule))
        return EXIT_OK

    return app
