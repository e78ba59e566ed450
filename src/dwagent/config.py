"""Run-time locations: where dwagent keeps its per-tree cache (the index database).

The audited tree is never written to. The cache root is `$DWAGENT_CACHE_DIR` when set, else
`~/.cache/dwagent`; each audited tree gets its own folder keyed by a hash of its real path, so two
checkouts of the same project never share (or corrupt) one index.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CACHE_ENV = "DWAGENT_CACHE_DIR"
INDEX_FILE_NAME = "index.sqlite"


def cache_root() -> Path:
    """The folder holding every per-tree cache ($DWAGENT_CACHE_DIR or ~/.cache/dwagent)."""
    configured = os.environ.get(CACHE_ENV, "").strip()
    if configured:
        return Path(configured).expanduser()
    return Path.home() / ".cache" / "dwagent"


def tree_key(root: Path) -> str:
    """A stable 16-hex-digit key for a tree: sha1 of its resolved real path."""
    real = os.path.realpath(root)
    return hashlib.sha1(real.encode("utf-8", errors="surrogateescape")).hexdigest()[:16]


def index_db_path(root: Path, index_dir: Path | None = None) -> Path:
    """The index database for `root`: `<index_dir>/index.sqlite` when given, else
    `<cache_root>/index/<tree_key>/index.sqlite`."""
    if index_dir is not None:
        return Path(index_dir).expanduser() / INDEX_FILE_NAME
    return cache_root() / "index" / tree_key(root) / INDEX_FILE_NAME


# -- user settings: CLI > environment > dwagent.toml / [tool.dwagent] of the working directory ----
# The settings file is looked up in the directory dwagent runs from, never in the audited tree:
# a tree must not configure its own audit (audited code is hostile data).

SETTINGS_FILES = ("dwagent.toml", "pyproject.toml")
SEVERITIES = ("critical", "high", "medium", "low")


@dataclass(frozen=True)
class Setting:
    """One user setting: its key (the CLI option without `--`, `-` as `_`), value kind and help."""

    key: str
    kind: str  # str | path | int | float | bool | list | severity
    default: Any
    help: str

    @property
    def env(self) -> str:
        return "DWAGENT_" + self.key.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("rubric", "str", "generic", "rubric: dw, generic, or a rubric YAML file"),
    Setting("out", "path", None, "report folder (certify; default dwagent-report) or file (scan; default stdout)"),
    Setting("exclude", "list", (), "extra gitignore-style globs to skip (recorded as skips)"),
    Setting("max_file_size", "int", 2_000_000, "size cap in bytes; larger files are skipped with that reason"),
    Setting("fail_on", "severity", "low", "scan: exit 1 only for an unsuppressed finding at or above this severity"),
    Setting("baseline", "path", None, "certify: certifier's baseline (outside the tree); scan: team baseline JSON"),
    Setting("index_dir", "path", None, "folder for the index (default: the per-tree cache)"),
    Setting("jobs", "int", None, "worker processes (default: all cores)"),
    Setting("no_exec", "bool", False, "do not run the tree's build/test commands (gates NOT RUN)"),
    Setting("quiet", "bool", False, "no progress output"),
    Setting("format", "str", "text", "scan output: text, json or sarif"),
    Setting("rules", "str", None, "scan: comma-separated rule ids or globs"),
    Setting("cache_max_size", "int", None, "cache size cap in bytes: least recently used tree caches go first"),
)
# Read by the LLM layer itself (dwagent.agents.llm.config, same file, same precedence).
LLM_KEYS = ("llm", "budget_usd", "max_tokens", "cache_dir", "timeout_s", "max_retries", "structured")
_BY_KEY = {s.key: s for s in SETTINGS}


def settings_file(cwd: Path | None = None) -> tuple[dict[str, Any], Path | None]:
    """The settings table of `cwd` (dwagent.toml: top level or [tool.dwagent]; else pyproject.toml
    [tool.dwagent]) and the file it came from; ({}, None) when there is none. An unknown key or
    unreadable TOML is a UsageError naming it."""
    import tomllib

    from dwagent.errors import UsageError

    base = Path.cwd() if cwd is None else cwd
    for name in SETTINGS_FILES:
        path = base / name
        if not path.is_file():
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise UsageError(f"cannot read {path}: {exc}", "fix the TOML syntax or remove the file") from exc
        tool = data.get("tool")
        table = tool.get("dwagent") if isinstance(tool, dict) else None
        if table is None and name == "dwagent.toml":
            table = {k: v for k, v in data.items() if k != "tool"}
        if not isinstance(table, dict) or not table:
            continue
        known = set(_BY_KEY) | set(LLM_KEYS)
        for key in sorted(table):
            if key not in known:
                raise UsageError(f"unknown setting {key!r} in {path}", f"known settings: {', '.join(sorted(known))} (`dwagent config` shows them)")
        return table, path
    return {}, None


def _coerce(setting: Setting, value: Any, origin: str) -> Any:
    from dwagent.errors import UsageError

    def bad(expected: str) -> UsageError:
        return UsageError(f"setting {setting.key} from {origin}: expected {expected}, got {value!r}", f"fix {setting.key} in {origin}")

    kind = setting.kind
    if kind == "list":
        if isinstance(value, str):
            return tuple(v.strip() for v in value.split(",") if v.strip())
        if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
            return tuple(value)
        raise bad("a list of strings")
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("1", "true", "yes", "on", "0", "false", "no", "off", ""):
            return value.strip().lower() in ("1", "true", "yes", "on")
        raise bad("true or false")
    if kind == "int":
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise bad("a whole number") from None
        if isinstance(value, bool) or number < 1:
            raise bad("a positive whole number")
        return number
    if kind == "severity":
        if str(value).lower() not in SEVERITIES:
            raise bad("one of " + ", ".join(SEVERITIES))
        return str(value).lower()
    if not isinstance(value, str) or not value.strip():
        raise bad("a non-empty string")
    return Path(value).expanduser() if kind == "path" else value


@dataclass(frozen=True)
class Effective:
    """Resolved values and where each came from: cli, env NAME, a settings file, or default."""

    values: dict[str, Any]
    origins: dict[str, str]


def resolve_settings(
    cli_given: dict[str, Any], defaults: dict[str, Any] | None = None, env: dict[str, str] | None = None, cwd: Path | None = None
) -> Effective:
    """The value of every setting: `cli_given` (only options the user typed) > DWAGENT_<KEY> >
    the settings file > `defaults` (the command's own) > the setting's default."""
    env = dict(os.environ) if env is None else env
    table, path = settings_file(cwd)
    values: dict[str, Any] = {}
    origins: dict[str, str] = {}
    for s in SETTINGS:
        if s.key in cli_given:
            values[s.key], origins[s.key] = cli_given[s.key], "cli"
        elif env.get(s.env, "").strip():
            values[s.key], origins[s.key] = _coerce(s, env[s.env], f"env {s.env}"), f"env {s.env}"
        elif s.key in table:
            values[s.key], origins[s.key] = _coerce(s, table[s.key], str(path)), str(path)
        else:
            values[s.key] = (defaults or {}).get(s.key, s.default)
            origins[s.key] = "default"
    return Effective(values, origins)


def command_settings(ctx: Any, params: dict[str, Any]) -> dict[str, Any]:
    """For a typer command: its parameters with every setting it has resolved by precedence.
    `ctx` is the click/typer context (it knows which options were typed on the command line)."""
    given, defaults = {}, {}
    for name, value in params.items():
        if name not in _BY_KEY:
            continue
        source = ctx.get_parameter_source(name)
        if source is not None and source.name in ("COMMANDLINE", "PROMPT"):
            given[name] = value
        else:
            defaults[name] = value
    resolved = resolve_settings(given, defaults)
    return {**params, **{k: v for k, v in resolved.values.items() if k in params}}
