"""Configuration end to end: discovery, precedence, every setting, errors, --show-config, the schema."""

from __future__ import annotations

import json
import re
import tomllib
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import ASSET_BYTES, CLEAN, EXAMPLES, check_json, run_cli, write_project
from genai_lint.config import KEYS, ConfigError, Settings, load_config

CONFIG_SCHEMA = Path(str(resources.files("genai_lint") / "schemas" / "config.schema.json"))  # as installed
UNDISCLOSED = CLEAN.replace('    disclosed_on: "2026-05-02"\n', "")  # one G001 warning, nothing else
UNKNOWN_TOOL = CLEAN.replace("tool: ent", "tool: nope")  # one M005 error (and M010 info for the unused tool)

FULL_SAMPLE = """\
# every setting, as a production would write them
profiles: [netflix-2025, sag-aftra-2023, eu-ai-act-art50]
select: [ALL]
extend-select: [G103]
ignore: [M010]
severity:
  G203: error
  G3: info
per-path-ignores:
  "previs/*": [G001, A6]
  legacy/genai-manifest.yaml: G
fail-on: warning
watchlist:
  terms: [Moebius, "Studio Nebula"]
  patterns: ['\\bfan ?art\\b']
  defaults: true
expiring_days: 14
manifests: [genai-manifest.yaml, "*.genai.yaml"]
exclude: [archive/, "**/old-*"]
accept-unread:
  "*.r3d": "RED camera originals: verified by the DIT's checksums"
studio-rules:
  - code: S001
    name: final-needs-legal-review
    severity: warning
    summary: Final material without a legal review reference.
    what: A final asset records legal_review.
    why: Studio policy 4.2.
    example: "purpose: final"
    fix: Record the legal review.
    when:
      all:
        - {field: asset.purpose, equals: final}
        - not: {field: asset.legal_review, exists: true}
        - any: [{field: tool.environment, in: [consumer, vendor-cloud]}, {cleared: key-creative}]
    at: asset.purpose
"""


@pytest.fixture(autouse=True)
def outside_github_actions(monkeypatch):
    """`--format auto` (the default) depends on GITHUB_ACTIONS; these tests expect text unless they set it."""
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


def make(tmp_path: Path, config: str, manifests: dict[str, str] | None = None) -> Path:
    files = manifests or {"genai-manifest.yaml": UNDISCLOSED}
    files = {name: text.replace("path: a.png", "path: ../a.png") if "/" in name else text for name, text in files.items()}
    return write_project(tmp_path / "prod", {**files, "a.png": ASSET_BYTES}, config)


def codes(result) -> list[str]:
    return sorted(finding["code"] for finding in result.findings)


def one_line_error(result) -> str:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


# -- discovery --------------------------------------------------------------------------------------


def test_config_is_found_from_a_subdirectory(tmp_path):
    root = make(tmp_path, "fail-on: warning\n", {"art/genai-manifest.yaml": UNDISCLOSED})
    deep = root / "art" / "concepts" / "wip"
    deep.mkdir(parents=True)
    result = run_cli("check", "--format", "json", "--date", "2026-06-01", cwd=deep)
    assert result.exit_code == 1  # the root's fail-on: warning applies
    assert [(f["code"], f["path"]) for f in result.findings] == [("G001", "art/genai-manifest.yaml")]
    shown = run_cli("check", "--show-config", cwd=deep)
    assert shown.exit_code == 0
    assert f"configuration file: {root / '.genai-lint.yaml'}" in shown.output


def test_nearest_config_wins_and_marks_the_root(tmp_path):
    outer = make(tmp_path, "fail-on: warning\n")
    inner = write_project(outer / "spinoff", {"genai-manifest.yaml": UNDISCLOSED, "a.png": ASSET_BYTES}, "fail-on: error\n")
    assert run_cli("check", "--date", "2026-06-01", cwd=inner).exit_code == 0
    assert run_cli("check", "--date", "2026-06-01", cwd=outer).exit_code == 1  # spinoff/ is its own project


# -- precedence -------------------------------------------------------------------------------------


def test_command_line_flags_override_the_file(tmp_path):
    root = make(tmp_path, "fail-on: warning\nselect: [M]\n")
    assert check_json(root).exit_code == 0  # G001 is not selected by the file
    assert codes(check_json(root, "--select", "G001")) == ["G001"]
    assert check_json(root, "--select", "G001").exit_code == 1  # the file's fail-on still applies
    assert check_json(root, "--select", "G001", "--fail-on", "error").exit_code == 0


def test_select_on_the_command_line_sets_the_files_ignore_aside(tmp_path):
    root = make(tmp_path, "ignore: [G001]\n")
    assert codes(check_json(root)) == []
    assert codes(check_json(root, "--extend-select", "G001")) == []  # ignore wins over extend-select
    assert codes(check_json(root, "--select", "G")) == ["G001"]  # a fresh selection


def test_ignore_and_extend_select_flags_add_to_the_file(tmp_path):
    root = make(tmp_path, "ignore: [M010]\n", {"genai-manifest.yaml": UNKNOWN_TOOL})
    assert codes(check_json(root)) == ["M005"]
    assert codes(check_json(root, "--ignore", "M005")) == []  # M010 stays ignored too
    root2 = make(tmp_path / "two", "select: [M005]\n", {"genai-manifest.yaml": UNKNOWN_TOOL})
    assert codes(check_json(root2, "--extend-select", "M010")) == ["M005", "M010"]


def test_bad_codes_on_the_command_line_are_exit_2(tmp_path):
    root = make(tmp_path, "")
    error = one_line_error(check_json(root, "--select", "G201,G0O1"))
    assert "--select" in error and "'G0O1'" in error and "did you mean G001?" in error


# -- the settings -----------------------------------------------------------------------------------


def test_per_path_ignores(tmp_path):
    manifests = {"art/genai-manifest.yaml": UNDISCLOSED,
                 "sound/genai-manifest.yaml": UNDISCLOSED.replace("A-1", "A-2").replace("id: ent", "id: ent2")
                 .replace("tool: ent", "tool: ent2").replace("APR-1", "APR-2")}
    root = make(tmp_path, "per-path-ignores:\n  art/*: [G0]\n", manifests)
    assert [(f["code"], f["path"]) for f in check_json(root).findings] == [("G001", "sound/genai-manifest.yaml")]
    root = make(tmp_path / "b", "per-path-ignores:\n  '*/genai-manifest.yaml': G001\n", manifests)
    assert codes(check_json(root)) == []


def test_severity_override_changes_the_exit_code(tmp_path):
    warning_only = make(tmp_path, "")
    assert check_json(warning_only).exit_code == 0
    raised = make(tmp_path / "up", "severity:\n  G001: error\n")
    result = check_json(raised)
    assert result.exit_code == 1
    assert [f["severity"] for f in result.findings] == ["error"]
    lowered = make(tmp_path / "down", "ignore: [M010]\nseverity: {M: warning, M005: info}\n",
                   {"genai-manifest.yaml": UNKNOWN_TOOL})
    result = check_json(lowered)
    assert result.exit_code == 0
    assert [f["severity"] for f in result.findings] == ["info"]  # the most specific selector wins


def test_expiring_days_and_watchlist(tmp_path):
    expiring = CLEAN.replace('reference: LEG-1', 'reference: LEG-1\n    expires: "2026-06-20"')
    assert "A606" in codes(check_json(make(tmp_path / "a", "expiring_days: 30\n", {"genai-manifest.yaml": expiring})))
    assert "A606" not in codes(check_json(make(tmp_path / "b", "expiring-days: 7\n", {"genai-manifest.yaml": expiring})))
    prompted = CLEAN.replace("    approvals: [APR-1]\n", '    approvals: [APR-1]\n    prompt: "a harbour like Nebulon art"\n')
    assert "G103" not in codes(check_json(make(tmp_path / "c", "", {"genai-manifest.yaml": prompted})))
    watched = make(tmp_path / "d", "watchlist:\n  terms: [Nebulon]\n", {"genai-manifest.yaml": prompted})
    assert "G103" in codes(check_json(watched))


def test_manifests_and_exclude_globs(tmp_path):
    root = make(tmp_path, "manifests: ['*.genai.yaml']\nexclude: [archive/]\n",
                {"ep1.genai.yaml": CLEAN, "archive/old.genai.yaml": UNKNOWN_TOOL})
    result = check_json(root)
    assert result.exit_code == 0
    assert json.loads(result.output)["summary"]["manifests"] == 1


# -- errors -----------------------------------------------------------------------------------------


def test_unknown_key_is_exit_2_with_line_and_did_you_mean(tmp_path):
    root = make(tmp_path, "fail-on: error\n\nper-path-ignore:\n  art/*: [G001]\n")
    error = one_line_error(check_json(root))
    assert error.startswith(f"genai-lint: error: {root / '.genai-lint.yaml'}:3:1: per-path-ignore: unknown setting")
    assert "did you mean 'per-path-ignores'?" in error


YAML_ERRORS = [
    ("fail-on: fatal\n", ":1:10:", "unknown severity 'fatal'"),
    ("fail-on: Error\n", ":1:10:", "unknown severity 'Error'"),
    ("select: [G2, Q9]\n", ":1:14:", "select[1]: unknown rule code, name or prefix 'Q9'"),
    ("ignore:\n  - G001\n  - m0l0\n", ":3:5:", "did you mean M010?"),
    ("severity:\n  G201: error\n  M012: fatal\n", ":3:9:", "severity.M012: unknown severity"),
    ("severity:\n  G2O1: error\n", ":2:3:", "did you mean G201?"),
    ("severity: error\n", ":1:11:", "expected a mapping of rule code"),
    ("per-path-ignores:\n  art/*: [G001, Z]\n", ":2:17:", "per-path-ignores.art/*[1]: unknown rule code, name or prefix 'Z'"),
    ("per-path-ignores: [G001]\n", ":1:1:", "expected a mapping of path glob"),
    ("expiring_days: soon\n", ":1:16:", "expected a whole number of days"),
    ("expiring_days: -1\n", ":1:16:", "expected a whole number of days"),
    ("expiring_days: true\n", ":1:16:", "expected a whole number of days"),
    ("expiring_days: 3\nexpiring-days: 4\n", ":2:1:", "set twice (also as 'expiring_days')"),
    ("fail-on: error\nfail-on: warning\n", ":2:1:", "repeated key (first set on line 1)"),
    ("manifests: []\n", ":1:1:", "at least one manifest"),
    ("exclude: [archive/, 3]\n", ":1:21:", "expected a path glob"),
    ("watchlist: [Moebius]\n", ":1:1:", "expected a mapping with 'terms'"),
    ("watchlist:\n  term: [Moebius]\n", ":2:3:", "did you mean 'terms'?"),
    ("watchlist:\n  patterns: ['in the (style']\n", ":2:14:", "not a valid regular expression"),
    ("watchlist:\n  defaults: no\n", ":2:13:", "expected true or false"),
    ("- select\n", ":1:1:", "must be a mapping of settings"),
    ("select: [G1\n", ":2:1:", ""),
]
TOML_ERRORS = [
    ('[tool.genai-lint]\nfail-on = "warning"\nselct = ["G"]\n', ":3:1:", "did you mean 'select'?"),
    ('[tool.genai-lint]\n\n[tool.genai-lint.severity]\nG201 = "error"\n  M012 = "fatal"\n', ":5:3:", "severity.M012"),
    ('[tool.genai-lint]\nexpiring-days = "30"\n', ":2:1:", "whole number of days"),
    ('[tool]\ngenai-lint = ["G"]\n', ":2:1:", "expected a table of settings"),
    ('[tool.genai-lint\nfail-on = "error"\n', ":1:17:", "not valid TOML"),
]


@pytest.mark.parametrize("name, config, where, reason", [(".genai-lint.yaml", *case) for case in YAML_ERRORS]
                         + [("pyproject.toml", *case) for case in TOML_ERRORS])
def test_every_bad_value_is_exit_2_with_file_line_and_reason(tmp_path, name, config, where, reason):
    root = make(tmp_path, "")
    (root / ".genai-lint.yaml").unlink()
    (root / name).write_text(config)
    error = one_line_error(check_json(root))
    assert f"{root / name}{where}" in error
    assert reason in error


# -- pyproject.toml and --config --------------------------------------------------------------------


def test_pyproject_table(tmp_path):
    root = tmp_path / "prod"
    make(tmp_path, "").joinpath(".genai-lint.yaml").unlink()
    (root / "pyproject.toml").write_text('[project]\nname = "aurora-tools"\n\n[tool.genai-lint]\nfail-on = "warning"\n'
                                         '\n[tool.genai-lint.severity]\nG203 = "error"\n')
    (root / "art").mkdir()
    result = run_cli("check", "--date", "2026-06-01", cwd=root / "art")
    assert result.exit_code == 1 and "G001 [warning]" in result.output
    shown = run_cli("check", "--show-config", cwd=root / "art")
    assert re.search(rf'^fail-on: "warning" +# {re.escape(str(root / "pyproject.toml"))}:5$', shown.output, re.M)
    assert re.search(rf'^severity: {{"G203": "error"}} +# {re.escape(str(root / "pyproject.toml"))}:7$', shown.output, re.M)


def test_pyproject_without_the_table_is_not_a_config(tmp_path):
    root = make(tmp_path, "")
    (root / ".genai-lint.yaml").unlink()
    (root / "pyproject.toml").write_text('[project]\nname = "x"\n')
    (root / ".git").mkdir()
    shown = run_cli("check", "--show-config", cwd=root)
    assert "configuration file: none (defaults only)" in shown.output
    assert f"project root {root}" in shown.output


def test_config_option_replaces_the_discovered_file(tmp_path):
    root = make(tmp_path, "fail-on: error\n")
    strict = tmp_path / "ci" / "strict.yaml"
    strict.parent.mkdir()
    strict.write_text("fail-on: warning\n")
    assert check_json(root).exit_code == 0
    assert check_json(root, "--config", str(strict)).exit_code == 1
    assert check_json(root, "--config", str(strict), "--fail-on", "error").exit_code == 0
    shown = run_cli("check", str(root), "--config", str(strict), "--show-config")
    assert f"configuration file: {strict}" in shown.output
    toml = tmp_path / "ci" / "genai.toml"
    toml.write_text('[tool.genai-lint]\nfail-on = "warning"\n')
    assert check_json(root, "--config", str(toml)).exit_code == 1
    toml.write_text('[tool.other]\nx = 1\n')
    assert "no [tool.genai-lint] table" in one_line_error(check_json(root, "--config", str(toml)))
    assert "no such configuration file" in one_line_error(check_json(root, "--config", str(tmp_path / "nope.yaml")))
    bad = tmp_path / "ci" / "bad.yaml"
    bad.write_text("fail_on: warning\nselekt: [G]\n")
    assert f"{bad}:2:1: selekt: unknown setting; did you mean 'select'?" in one_line_error(check_json(root, "--config", str(bad)))


# -- --show-config ----------------------------------------------------------------------------------


def test_show_config_prints_every_setting_with_its_source(tmp_path):
    root = make(tmp_path, "# settings\nignore: [M010]\nfail-on: warning\nexpiring_days: 10\n")
    config = root / ".genai-lint.yaml"
    result = run_cli("check", str(root), "--show-config", "--ignore", "G3", "--date", "2026-06-01", "--select", "G,M")
    assert result.exit_code == 0 and result.stderr == ""
    lines = result.output.splitlines()
    assert lines[0] == f"# genai-lint: effective settings for project root {root}"
    assert lines[1] == f"# configuration file: {config}"
    rows = {line.split(":")[0]: line for line in lines[2:] if not line.startswith("#")}
    assert set(rows) == set(KEYS) - {"studio-rules"}  # named in a comment: the rules themselves are not repeated
    assert "# studio-rules: none" in result.output
    source = lambda key: rows[key].rsplit("# ", 1)[1]  # noqa: E731
    assert source("select") == "command line (--select)"
    assert source("ignore") == "command line (--ignore)"  # --select set the file's ignore aside
    assert source("fail-on") == f"{config}:3"
    assert source("expiring-days") == f"{config}:4"
    assert source("watchlist") == "default"
    assert rows["select"].startswith('select: ["G", "M"]')
    assert re.search(r"^# date: 2026-06-01 +# command line \(--date\)$", result.output, re.M)
    # without --select, --ignore adds to the file's list and says so
    result = run_cli("check", str(root), "--show-config", "--ignore", "G3")
    assert re.search(rf'^ignore: \["M010", "G3"\] +# {re.escape(str(config))}:2 \+ command line \(--ignore\)$',
                     result.output, re.M)
    # the non-comment part is itself a valid configuration file
    settings_text = "\n".join(line.split("  #")[0] for line in lines[2:] if not line.startswith("#"))
    (tmp_path / "again.yaml").write_text(settings_text)
    settings = Settings()
    load_config(tmp_path / "again.yaml", settings)
    assert settings.select == ["G", "M"] and settings.fail_on.name == "WARNING" and settings.expiring_days == 10


def test_show_config_reports_errors_like_check(tmp_path):
    root = make(tmp_path, "fail-on: maybe\n")
    assert "unknown severity 'maybe'" in one_line_error(run_cli("check", str(root), "--show-config"))


# -- the published JSON Schema ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(CONFIG_SCHEMA.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def test_schema_documents_every_key(validator):
    properties = validator.schema["properties"]
    assert set(properties) == set(KEYS) | {key.replace("-", "_") for key in KEYS}
    assert all(properties[key].get("description") for key in properties)
    assert all(properties[key]["description"] != f"Same as `{key}`." for key in KEYS)
    assert set(validator.schema["properties"]["watchlist"]["properties"]) == {"terms", "patterns", "defaults"}


def example_configs() -> list[Path]:
    return sorted(EXAMPLES.glob("*/.genai-lint.y*ml"))


@pytest.mark.parametrize("path", example_configs(), ids=lambda path: path.parent.name)
def test_example_configs_validate_and_load(validator, path):
    validator.validate(yaml.safe_load(path.read_text()) or {})
    load_config(path, Settings())


def test_full_sample_validates_and_loads(validator, tmp_path):
    validator.validate(yaml.safe_load(FULL_SAMPLE))
    (tmp_path / ".genai-lint.yaml").write_text(FULL_SAMPLE)
    settings = Settings()
    load_config(tmp_path / ".genai-lint.yaml", settings)
    assert settings.severity["G3"].name == "INFO" and settings.per_path_ignores["legacy/genai-manifest.yaml"] == ["G"]
    assert settings.watchlist.terms == ["Moebius", "Studio Nebula"] and settings.expiring_days == 14
    assert [rule.code for rule in settings.studio_rules] == ["S001"]
    assert set(settings.sources) == {key.replace("-", "_") for key in KEYS}


def test_pyproject_sample_validates_and_loads(validator, tmp_path):
    path = tmp_path / "pyproject.toml"
    path.write_text('[tool.genai-lint]\nselect = ["ALL"]\nignore = ["M010"]\nfail-on = "warning"\nexpiring_days = 14\n'
                    '[tool.genai-lint.per-path-ignores]\n"previs/*" = ["G001"]\n'
                    '[tool.genai-lint.watchlist]\nterms = ["Moebius"]\ndefaults = false\n')
    validator.validate(tomllib.loads(path.read_text())["tool"]["genai-lint"])
    settings = Settings()
    load_config(path, settings)
    assert settings.watchlist.defaults is False and settings.per_path_ignores == {"previs/*": ["G001"]}


@pytest.mark.parametrize("config", [
    {"selct": ["G"]},
    {"fail-on": "fatal"},
    {"fail-on": "Error"},
    {"select": "G2 M"},
    {"select": [3]},
    {"severity": {"G201": "off"}},
    {"severity": {"G 201": "error"}},
    {"per-path-ignores": {"art/*": [True]}},
    {"expiring-days": -1},
    {"expiring-days": 1.5},
    {"expiring_days": 3, "expiring-days": 3},
    {"manifests": []},
    {"exclude": [""]},
    {"watchlist": {"terms": ["x"], "extra": 1}},
    {"watchlist": {"terms": [" "]}},
    {"watchlist": {"defaults": "no"}},
    {"watchlist": None},
])
def test_schema_and_parser_reject_the_same_mistakes(validator, tmp_path, config):
    assert list(validator.iter_errors(config)), "the schema accepts it"
    path = tmp_path / ".genai-lint.yaml"
    path.write_text(json.dumps(config))
    with pytest.raises(ConfigError, match=r"\.genai-lint\.yaml:\d+:\d+: "):
        load_config(path, Settings())


def test_exclude_applies_to_explicitly_named_manifests(tmp_path):
    """pre-commit passes paths explicitly; a configured exclude still wins (like ruff's --force-exclude)."""
    from conftest import CLEAN, run_cli, write_project

    root = write_project(tmp_path / "prod", {"archive/genai-manifest.yaml": CLEAN.replace("tool: ent", "tool: nope")},
                         config="exclude: [archive/]\n")
    result = run_cli("check", str(root / "archive" / "genai-manifest.yaml"), "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.output)["findings"] == []


def test_profiles_are_checked_with_a_did_you_mean(tmp_path):
    (tmp_path / ".genai-lint.yaml").write_text("fail-on: error\nprofiles:\n  - netflix-2025\n  - sag-aftra-2032\n")
    with pytest.raises(ConfigError, match=r":4:5: profiles\[1\]: unknown profile 'sag-aftra-2032'; did you mean 'sag-aftra-2023'\?"):
        load_config(tmp_path / ".genai-lint.yaml", Settings())
