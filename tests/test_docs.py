"""docs/rules.md and the README rule table are generated and up to date; SARIF agrees.

When this fails because the docs are stale, regenerate them from the rule docstrings:

    python -m assume_lint.report.docs --write
    (or: python -m assume_lint.report.docs > docs/rules.md)
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import REPO

from assume_lint.files.secrets import ACCESS_KEY_ID
from assume_lint.formatters.sarif import RULES_DOC_URI, build
from assume_lint.model.findings import Severity
from assume_lint.model.registry import Grade, Rule, RuleMeta, all_rules
from assume_lint.model.result import RunResult
from assume_lint.report import docs

RULES_MD = REPO / "docs" / "rules.md"
HOW = "docs are stale: run `python -m assume_lint.report.docs --write` and commit the result"
REQUIRED_HEADINGS = ("What it does", "Why is this bad?", "Example", "References")


def github_slug(heading: str) -> str:
    """GitHub's anchor for a Markdown heading (lower case, punctuation dropped, - for space)."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def headings(markdown: str) -> list[tuple[int, str]]:
    """(level, text) of every ATX heading outside fenced code blocks."""
    out: list[tuple[int, str]] = []
    fenced = False
    for line in markdown.split("\n"):
        if re.match(r"^\s*(```|~~~)", line):
            fenced = not fenced
            continue
        match = re.match(r"^(#{1,6})\s+(.*?)\s*$", line)
        if match and not fenced:
            out.append((len(match.group(1)), match.group(2)))
    return out


def test_rules_md_is_up_to_date() -> None:
    assert RULES_MD.is_file(), f"docs/rules.md is missing: {HOW}"
    assert RULES_MD.read_text(encoding="utf-8") == docs.render_rules_md(), HOW


def test_readme_rule_table_is_up_to_date() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert readme == docs.readme_with_table(readme), HOW
    assert "RULES_TABLE" not in readme


def test_check_mode_reports_stale_files_and_write_fixes_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "README.md").write_text(
        f"# x\n\n{docs.TABLE_START}\nold table\n{docs.TABLE_END}\n\nafter\n", encoding="utf-8"
    )
    assert docs.main(["--check", "--root", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "rules.md is stale: run python -m assume_lint.report.docs --write" in err
    assert "README.md is stale" in err
    assert docs.main(["--write", "--root", str(tmp_path)]) == 0
    assert docs.main(["--check", "--root", str(tmp_path)]) == 0
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert "old table" not in readme and readme.endswith(f"{docs.TABLE_END}\n\nafter\n")
    assert "| [AL104](docs/rules.md#al104) | `ineffective-mfa-condition` | high |" in readme
    assert (tmp_path / "docs" / "rules.md").read_text(encoding="utf-8") == docs.render_rules_md()


def test_stdout_mode_prints_the_document(capsys: pytest.CaptureFixture[str]) -> None:
    assert docs.main([]) == 0
    assert capsys.readouterr().out == docs.render_rules_md()


def test_readme_without_markers_is_an_error() -> None:
    with pytest.raises(ValueError, match="markers"):
        docs.readme_with_table("# no table here\n")


def test_rendering_is_deterministic_and_sorted() -> None:
    rules = all_rules()
    text = docs.render_rules_md(list(reversed(rules)))
    assert text == docs.render_rules_md(rules)
    sections = [h for level, h in headings(text) if level == 2]
    assert sections == [rule.id for rule in rules]
    assert sections == sorted(sections)


def test_every_rule_has_an_index_row_and_a_section_with_its_docstring() -> None:
    text = RULES_MD.read_text(encoding="utf-8")
    for rule in all_rules():
        meta = rule.meta
        row = f"| [{meta.id}](#{meta.id.lower()}) | `{meta.name}` | {meta.severity_range} | "
        assert row in text, meta.id
        section = text.split(f"\n## {meta.id}\n", 1)[1].split("\n## AL", 1)[0]
        assert f"`{meta.name}` · default severity **{meta.severity.label}**" in section
        first_line = docs.body(rule).split("\n", 1)[0]
        assert first_line in section
        nested = {h for level, h in headings(section) if level == 3}
        for heading in REQUIRED_HEADINGS:
            assert heading in nested, f"{meta.id} docstring lacks '## {heading}'"
        for grade in meta.grades:
            assert f"- {grade.severity.label}: {grade.when}" in section, meta.id
        if meta.options:
            assert "Options" in nested, f"{meta.id} has options but no '## Options'"
            for option in meta.options:
                assert f"- `{option}` = `" in section, (meta.id, option)


def test_rule_headings_are_demoted_below_the_rule_section() -> None:
    text = RULES_MD.read_text(encoding="utf-8")
    levels = [level for level, _ in headings(text)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert [h for level, h in headings(text) if level == 2] == [r.id for r in all_rules()]


def test_demote_leaves_code_blocks_alone() -> None:
    source = "## What it does\nx\n```hcl\n# a comment\n## not a heading\n```\n# Top\n#no"
    assert docs.demote(source) == (
        "### What it does\nx\n```hcl\n# a comment\n## not a heading\n```\n## Top\n#no"
    )


def test_no_whole_access_key_in_the_published_docs() -> None:
    text = RULES_MD.read_text(encoding="utf-8")
    assert ACCESS_KEY_ID.search(text) is None
    assert "AKIA************MPLE" in text  # AL201's example, masked like everywhere else


def test_sarif_help_uri_points_at_the_generated_anchor() -> None:
    text = RULES_MD.read_text(encoding="utf-8")
    slugs = {github_slug(h) for _, h in headings(text)}
    assert docs.DOCS_URL == RULES_DOC_URI
    descriptors = build(RunResult(), all_rules())["runs"][0]["tool"]["driver"]["rules"]
    assert len(descriptors) == len(all_rules())
    for descriptor in descriptors:
        base, fragment = descriptor["helpUri"].split("#")
        assert base == RULES_DOC_URI
        assert fragment == docs.anchor(descriptor["id"]) == descriptor["id"].lower()
        assert fragment in slugs, f"{descriptor['helpUri']} has no heading in docs/rules.md"
        assert docs.help_uri(descriptor["id"]) == descriptor["helpUri"]


def test_sarif_help_markdown_is_the_same_docstring() -> None:
    descriptors = build(RunResult(), all_rules())["runs"][0]["tool"]["driver"]["rules"]
    for rule, descriptor in zip(all_rules(), descriptors, strict=True):
        grades = "\n".join(docs.grades_lines(rule))
        severity = f"\n\n## Severity by case\n{grades}" if rule.meta.grades else ""
        assert descriptor["help"]["markdown"] == docs.body(rule) + severity


def _fake_rule(doc: str, **options: object) -> Rule:
    meta = RuleMeta("AL999", "fake-rule", "A | piped summary", Severity.LOW, ("a",), options)
    return Rule(meta=meta, check=lambda model, ctx: iter(()), doc=doc, module="al999_fake_rule")


def test_table_cells_escape_pipes_and_options_are_listed() -> None:
    rule = _fake_rule("Title.\n\n## Options\n- `limit`: how many.", limit=3, names=["b", "a"])
    table = docs.index_table([rule])
    assert table.splitlines()[2] == (
        "| [AL999](#al999) | `fake-rule` | low | ✓ | A \\| piped summary | `a` |"
    )
    section = docs.rule_section(rule)
    assert section.startswith("## AL999\n\n`fake-rule` · default severity **low** ·")
    assert "### Options" in section
    assert '- `limit` = `3`\n- `names` = `["b", "a"]`\n' in section


def test_a_nit_is_documented_as_opt_in() -> None:
    meta = RuleMeta("AL997", "nit-rule", "A nit", Severity.INFO, default=False)
    rule = Rule(meta=meta, check=lambda model, ctx: iter(()), doc="T.", module="al997_nit_rule")
    assert docs.index_table([rule]).splitlines()[2] == (
        "| [AL997](#al997) | `nit-rule` | info | opt-in | A nit |  |"
    )
    section = docs.rule_section(rule).split("\n")
    assert section[4] == (
        "Opt-in: not in the default rule set: reported with `--extend-select AL997` (or "
        "`--select`) or `--min-severity info`, else counted as hidden in the summary."
    )
    assert docs.explain_text(rule).split("\n")[1].startswith(
        "Opt-in: not in the default rule set: reported with --extend-select AL997"
    )
    assert docs.catalogue_data([rule])[0]["default"] is False


def test_explain_text() -> None:
    rule = _fake_rule("Title line.\n\n    ## What it does\n    Things.", limit=3)
    assert docs.explain_text(rule) == (
        "AL999 fake-rule (default severity: low)\n\nTitle line.\n\n## What it does\nThings."
        "\n\nOption defaults:\n  limit = 3\n\n"
        f"Online: {RULES_DOC_URI}#al999"
    )


def test_catalogue_text_and_json() -> None:
    rules = [_fake_rule("T."), all_rules()[0]]
    lines = docs.catalogue_text(rules).splitlines()
    assert lines[0] == "AL999  fake-rule            low       A | piped summary"
    assert lines[1].startswith("AL101  trust-any-principal  critical  A role trusts")
    data = docs.catalogue_data(rules)
    assert data[0] == {
        "id": "AL999",
        "name": "fake-rule",
        "severity": "low",
        "severities": ["low"],
        "grades": [],
        "summary": "A | piped summary",
        "tags": ["a"],
        "options": {},
        "precision": "high",
        "default": True,
        "help_uri": f"{RULES_DOC_URI}#al999",
    }


def _graded_rule() -> Rule:
    meta = RuleMeta(
        "AL998",
        "graded-rule",
        "Graded",
        Severity.HIGH,
        grades=(Grade(Severity.LOW, "the mild case"), Grade(Severity.HIGH, "the bad case")),
    )
    return Rule(meta=meta, check=lambda model, ctx: iter(()), doc="T.", module="al998_graded_rule")


def test_a_graded_rule_shows_its_range_and_what_decides_each_grade() -> None:
    rule = _graded_rule()
    assert rule.meta.severities == (Severity.HIGH, Severity.LOW)
    assert docs.index_table([rule]).splitlines()[2].startswith(
        "| [AL998](#al998) | `graded-rule` | low to high | ✓ | Graded |"
    )
    section = docs.rule_section(rule)
    assert "default severity **high** · graded low to high ·" in section
    assert section.endswith("Severity by case:\n\n- high: the bad case\n- low: the mild case\n")
    assert docs.explain_text(rule).startswith(
        "AL998 graded-rule (default severity: high; graded low to high)\n\nT.\n\n"
        "Severity by case:\n  high: the bad case\n  low: the mild case\n"
    )
    assert docs.catalogue_text([rule]) == "AL998  graded-rule  low to high  Graded"
    entry = docs.catalogue_data([rule])[0]
    assert entry["severity"] == "high"
    assert entry["severities"] == ["high", "low"]
    assert entry["grades"] == [
        {"severity": "high", "when": "the bad case"},
        {"severity": "low", "when": "the mild case"},
    ]
    descriptor = build(RunResult(), [rule])["runs"][0]["tool"]["driver"]["rules"][0]
    assert descriptor["defaultConfiguration"]["level"] == "error"
    assert descriptor["properties"]["severities"] == ["high", "low"]
    assert descriptor["help"]["text"].endswith(
        "## Severity by case\n- high: the bad case\n- low: the mild case"
    )


def test_the_real_catalogue_shows_al105_from_low_to_critical() -> None:
    rule = next(r for r in all_rules() if r.id == "AL105")
    assert rule.meta.severity_range == "low to critical"
    line = next(x for x in docs.catalogue_text(all_rules()).splitlines() if x.startswith("AL105"))
    assert "low to critical" in line
    head = docs.explain_text(rule).splitlines()[0]
    assert head == (
        "AL105 oidc-subject-unrestricted (default severity: critical; graded low to critical)"
    )


def test_discovery_refuses_a_default_severity_that_is_none_of_the_grades() -> None:
    import types

    from assume_lint.model import registry

    module = types.ModuleType("assume_lint.rules.al997_bad_grades")
    module.RULE = RuleMeta(  # type: ignore[attr-defined]
        "AL997", "bad-grades", "s", Severity.HIGH, grades=(Grade(Severity.LOW, "x"),)
    )
    module.check = lambda model, ctx: iter(())  # type: ignore[attr-defined]
    with pytest.raises(RuntimeError, match="none of its grades"):
        registry._load(module)
