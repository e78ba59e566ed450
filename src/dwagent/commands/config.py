"""`dwagent config`: the effective settings and where each came from (cli, env, file, default)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    """Add `config` to the app."""
    app.command("config")(config_command)


def _shown(value) -> object:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def config_command(
    as_json: bool = typer.Option(False, "--json", help="Print the settings as JSON."),
) -> None:
    """Show every setting's effective value and its origin: command line > DWAGENT_<KEY>
    environment variable > dwagent.toml or [tool.dwagent] in pyproject.toml of the current
    directory (never of the audited tree) > default. An unknown key in the file is an error."""
    from dwagent.config import LLM_KEYS, SETTINGS, cache_root, resolve_settings, settings_file

    table, path = settings_file()
    effective = resolve_settings({})
    rows = [
        {"key": s.key, "value": _shown(effective.values[s.key]), "origin": effective.origins[s.key], "env": s.env, "help": s.help} for s in SETTINGS
    ]
    llm_env = {"llm": "DWAGENT_LLM", "budget_usd": "DWAGENT_BUDGET_USD", "max_tokens": "DWAGENT_MAX_TOKENS", "cache_dir": "DWAGENT_CACHE_DIR"}
    for key in LLM_KEYS:
        env = llm_env.get(key, "")
        if env and os.environ.get(env, "").strip():
            value, origin = os.environ[env], f"env {env}"
        elif key in table:
            value, origin = table[key], str(path)
        else:
            value, origin = None, "default"
        rows.append({"key": key, "value": value, "origin": origin, "env": env, "help": "LLM setting (docs/llm.md)"})
    doc = {"settings_file": str(path) if path else None, "cache_root": str(cache_root()), "settings": rows}
    if as_json:
        typer.echo(json.dumps(doc, indent=2, sort_keys=True))
        raise typer.Exit(0)
    typer.echo(f"settings file: {path or 'none (looked for dwagent.toml, pyproject.toml [tool.dwagent] in ' + str(Path.cwd()) + ')'}")
    typer.echo(f"cache root: {cache_root()}")
    width = max(len(r["key"]) for r in rows)
    for r in rows:
        typer.echo(f"  {r['key']:<{width}} = {json.dumps(r['value'])}  ({r['origin']})")
    raise typer.Exit(0)
