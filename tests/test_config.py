"""Config files: discovery, schema validation, rule options, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from assume_lint.engine.config import Config, ConfigError, find_config, load_config
from assume_lint.model.findings import Severity


def _write(tmp_path: Path, text: str, name: str = ".assume-lint.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_full_config(tmp_path: Path) -> None:
    path = _write(tmp_path, """
fail-on = "medium"
min-severity = "low"
exclude = ["examples/**"]
ignore = ["AL204"]
[trusted]
accounts = ["111111111111", "222222222222"]
organization-id = "o-abc123defg"
github-orgs = ["My-Org"]
[rules.AL103]
severity = "high"
mfa-exempt-principals = ["arn:aws:iam::*:user/ci-*"]
""")
    config = load_config(path)
    assert config.fail_on is Severity.MEDIUM
    assert config.min_severity is Severity.LOW
    assert config.exclude == ("examples/**",)
    assert config.ignore == ("AL204",)
    assert config.trusted.accounts == frozenset({"111111111111", "222222222222"})
    assert config.trusted.organization_id == "o-abc123defg"
    assert config.trusted.github_orgs == frozenset({"my-org"})
    assert config.severities == {"AL103": Severity.HIGH}
    assert config.options == {"AL103": {"mfa-exempt-principals": ["arn:aws:iam::*:user/ci-*"]}}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('fail-on = "severe"', "invalid config at fail-on"),
        ('colour = true', "invalid config at (top level): unknown key 'colour'"),
        ('ignore = ["AL999"]', "ignore: unknown rule 'AL999'"),
        ('[trusted]\naccounts = ["12345"]', "invalid config at trusted.accounts.0"),
        ('[trusted]\nstate-accounts = ["12345"]', "invalid config at trusted.state-accounts.0"),
        ('[trusted]\nstate-roles = [""]', "invalid config at trusted.state-roles.0"),
        ('[rules.AL301]\nreport-ambient-backend = "yes"', "expected bool, got str"),
        ('[rules.AL999]\nseverity = "low"', "rules.AL999: unknown rule"),
        ('[rules.AL103]\nfoo = 1', "rules.AL103: unknown option 'foo'"),
        ('[rules.AL103]\nmfa-exempt-principals = "x"', "expected list, got str"),
        ('fail-on = ', "invalid TOML"),
    ],
)
def test_bad_config_is_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('fail_on = "high"', "at (top level): unknown key 'fail_on' (did you mean 'fail-on'?)"),
        ('fail-on = "hihg"', "(did you mean 'high'?)"),
        ('min-severity = "Info "', "(did you mean 'info'?)"),
        ('[trusted]\nacounts = []', "at trusted: unknown key 'acounts' (did you mean 'accounts'?)"),
        ('[rules.AL1O5]\nseverity = "low"', "unknown rule 'AL1O5' (did you mean 'AL105'?)"),
        ('ignore = ["missing-sesion-name"]', "(did you mean 'missing-session-name'?)"),
        ('[[ignores]]\nrule = "trust-any-principle"', "(did you mean 'trust-any-principal'?)"),
        ('[rules.AL103]\nmfa-exempt-principal = []',
         "unknown option 'mfa-exempt-principal' (did you mean 'mfa-exempt-principals'?)"),
        ('[rules.AL103]\nseverty = "low"', "(did you mean 'severity'?)"),
    ],
)
def test_config_errors_suggest_the_nearest_key_or_value(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(_write(tmp_path, text))
    assert message in str(info.value)


@pytest.mark.parametrize("text", ['colour = true', 'fail-on = "severe"', 'ignore = ["AL999"]'])
def test_no_suggestion_when_nothing_is_near(tmp_path: Path, text: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(_write(tmp_path, text))
    assert "did you mean" not in str(info.value)


def test_pyproject_table(tmp_path: Path) -> None:
    path = _write(tmp_path, '[project]\nname = "x"\n[tool.assume-lint]\nfail-on = "high"\n',
                  "pyproject.toml")
    assert find_config(tmp_path, tmp_path) == path
    assert load_config(path).fail_on is Severity.HIGH


def test_discovery_walks_up_to_the_root(tmp_path: Path) -> None:
    path = _write(tmp_path, 'fail-on = "high"\n')
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    assert find_config(nested, tmp_path) == path
    assert find_config(nested, nested) is None


def test_pyproject_without_our_table_is_not_a_config(tmp_path: Path) -> None:
    _write(tmp_path, '[project]\nname = "x"\n', "pyproject.toml")
    assert find_config(tmp_path, tmp_path) is None


def test_state_identities_and_the_al301_option(tmp_path: Path) -> None:
    path = _write(tmp_path, """
[trusted]
state-accounts = ["999999999999"]
state-roles = ["arn:aws:iam::*:role/tf-state-*", "TerraformBackend"]
[rules.AL301]
report-ambient-backend = true
""")
    config = load_config(path)
    assert config.trusted.state_accounts == frozenset({"999999999999"})
    assert config.trusted.state_roles == ("arn:aws:iam::*:role/tf-state-*", "TerraformBackend")
    assert config.options == {"AL301": {"report-ambient-backend": True}}


def test_defaults() -> None:
    config = Config()
    assert config.fail_on is Severity.LOW and config.min_severity is Severity.INFO
