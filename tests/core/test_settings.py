"""Settings: every key from dwagent.toml / [tool.dwagent], CLI > env > file, unknown key is an
error naming it, values are type-checked, and `dwagent config` shows value and origin."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dwagent.config import SETTINGS, resolve_settings, settings_file
from dwagent.errors import UsageError

# a file value for every setting, and what it resolves to
FILE_VALUES = {
    "rubric": ('"dw"', "dw"),
    "out": ('"reports"', Path("reports")),
    "exclude": ('["gen/", "*.g.cs"]', ("gen/", "*.g.cs")),
    "max_file_size": ("1234", 1234),
    "fail_on": ('"high"', "high"),
    "baseline": ('"../accepted.yaml"', Path("../accepted.yaml")),
    "index_dir": ('"/tmp/idx"', Path("/tmp/idx")),
    "jobs": ("3", 3),
    "no_exec": ("true", True),
    "quiet": ("true", True),
    "format": ('"sarif"', "sarif"),
    "rules": ('"DWA-1*"', "DWA-1*"),
    "cache_max_size": ("1000000", 1000000),
}


def test_every_setting_has_a_file_test():
    assert set(FILE_VALUES) == {s.key for s in SETTINGS}


@pytest.mark.parametrize("key", sorted(FILE_VALUES))
@pytest.mark.parametrize("layout", ["dwagent.toml", "dwagent.toml [tool.dwagent]", "pyproject.toml"])
def test_each_key_is_read_from_the_file(tmp_path, key, layout):
    text, expected = FILE_VALUES[key]
    if layout == "dwagent.toml":
        (tmp_path / "dwagent.toml").write_text(f"{key} = {text}\n")
    else:
        name = layout.split()[0]
        (tmp_path / name).write_text(f"[project]\nname = 'x'\n\n[tool.dwagent]\n{key} = {text}\n")
    eff = resolve_settings({}, env={}, cwd=tmp_path)
    assert eff.values[key] == expected
    assert eff.origins[key].endswith(layout.split()[0])


def test_precedence_cli_over_env_over_file(tmp_path):
    (tmp_path / "dwagent.toml").write_text('rubric = "dw"\njobs = 2\nmax_file_size = 10\n')
    env = {"DWAGENT_JOBS": "5", "DWAGENT_MAX_FILE_SIZE": "20"}
    eff = resolve_settings({"max_file_size": 30}, env=env, cwd=tmp_path)
    assert (eff.values["rubric"], eff.origins["rubric"]) == ("dw", str(tmp_path / "dwagent.toml"))
    assert (eff.values["jobs"], eff.origins["jobs"]) == (5, "env DWAGENT_JOBS")
    assert (eff.values["max_file_size"], eff.origins["max_file_size"]) == (30, "cli")


def test_unknown_key_is_an_error_naming_it(tmp_path):
    (tmp_path / "dwagent.toml").write_text('rubrik = "dw"\n')
    with pytest.raises(UsageError, match="rubrik"):
        settings_file(tmp_path)


@pytest.mark.parametrize(
    "key, bad", [("jobs", '"many"'), ("max_file_size", "-1"), ("fail_on", '"urgent"'), ("exclude", "3"), ("no_exec", '"perhaps"'), ("rubric", "7")]
)
def test_bad_values_are_errors_naming_the_key(tmp_path, key, bad):
    (tmp_path / "dwagent.toml").write_text(f"{key} = {bad}\n")
    with pytest.raises(UsageError, match=key):
        resolve_settings({}, env={}, cwd=tmp_path)


def _cli(*args, cwd, env=None):
    full = {**os.environ, "DWAGENT_CACHE_DIR": str(cwd / "cache"), **(env or {})}
    return subprocess.run([sys.executable, "-m", "dwagent", *args], capture_output=True, text=True, cwd=cwd, env=full, timeout=600)


def test_config_command_shows_values_and_origins(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.dwagent]\nrubric = "dw"\nexclude = ["gen/"]\n')
    proc = _cli("config", "--json", cwd=tmp_path, env={"DWAGENT_JOBS": "4"})
    assert proc.returncode == 0, proc.stderr
    rows = {r["key"]: r for r in json.loads(proc.stdout)["settings"]}
    assert rows["rubric"]["value"] == "dw" and rows["rubric"]["origin"].endswith("pyproject.toml")
    assert rows["jobs"]["value"] == 4 and rows["jobs"]["origin"] == "env DWAGENT_JOBS"
    assert rows["quiet"]["origin"] == "default"


def test_file_settings_reach_the_run(tmp_path):
    # the exclude and size cap from the file really change what certify indexes
    tree = tmp_path / "tree"
    (tree / "gen").mkdir(parents=True)
    (tree / "gen" / "G.cs").write_text("class G {}\n")
    (tree / "Big.cs").write_text("class B {}\n" + "// pad\n" * 200)
    (tree / "A.cs").write_text("class A {}\n")
    (tmp_path / "dwagent.toml").write_text(f'exclude = ["gen/"]\nmax_file_size = 500\nout = "{tmp_path / "rep"}"\nno_exec = true\nquiet = true\n')
    proc = _cli("certify", str(tree), cwd=tmp_path)
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    assert json.loads(proc.stdout)["out"] == str(tmp_path / "rep")  # quiet: one JSON line
    skipped = {s["path"]: s["reason"] for s in json.loads((tmp_path / "rep" / "run.json").read_text())["skipped"]}
    assert skipped == {"gen/": "excluded", "Big.cs": "too-large"}


def test_out_inside_the_tree_is_refused(tmp_path):
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "A.cs").write_text("class A {}\n")
    proc = _cli("certify", str(tree), "--out", str(tree / "report"), cwd=tmp_path)
    assert proc.returncode == 2 and "inside the audited tree" in proc.stderr
    assert not (tree / "report").exists()


def test_default_out_inside_the_tree_is_excluded_with_a_note(tmp_path):
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "A.cs").write_text("class A {}\n")
    (tree / "dwagent-report").mkdir()
    (tree / "dwagent-report" / "Old.cs").write_text("class Old { void M() { try { } catch { } } }\n")
    proc = _cli("certify", ".", "--no-exec", cwd=tree, env={"DWAGENT_CACHE_DIR": str(tmp_path / "cache")})
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    assert "excluded from the audit" in proc.stderr
    run = json.loads((tree / "dwagent-report" / "run.json").read_text())
    assert {"path": "dwagent-report/", "reason": "excluded", "detail": ""} in run["skipped"]
    assert run["index"]["files"] == 1
