"""`dwagent trace`, `dwagent who-calls`, `dwagent topic`: questions to the code graph.

Each command refreshes the index of PATH incrementally, then loads (or rebuilds) the graph.
Exit codes: 0 answered and clean; 1 the answer is a defect (broken path, orphan topic); 2 usage.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from dwagent.errors import InputError, UsageError

_INDEX_DIR = typer.Option(None, "--index-dir", help="Folder for index.sqlite (default: the per-tree cache).")
_CONFIG = typer.Option(None, "--graph-config", help="YAML mapping of graph settings (GraphConfig field names).")
_JSON = typer.Option(False, "--json", help="Print JSON instead of text.")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("trace")(trace_command)
    app.command("who-calls")(who_calls_command)
    app.command("topic")(topic_command)


def _view(path: Path, index_dir: Path | None, config_file: Path | None):
    from dwagent.tools.graph.api import graph_for
    from dwagent.tools.graph.config import GraphConfig
    from dwagent.tools.index import build_index, open_index

    if not path.is_dir():
        raise UsageError(f"not a folder: {path}", "pass the root of the tree to audit")
    config = None
    if config_file is not None:
        import yaml

        try:
            data = yaml.safe_load(config_file.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise InputError(f"cannot read graph config {config_file}: {exc}", "pass a YAML mapping") from exc
        if not isinstance(data, dict):
            raise InputError(f"graph config {config_file} is not a mapping", "use `field: value` lines")
        config = GraphConfig.from_mapping(data.get("graph", data))
    build_index(path, index_dir=index_dir)
    store = open_index(path, index_dir=index_dir)
    return graph_for(store, config)


def _resolves(view, waypoint: str, resolve) -> bool:
    import re

    try:
        return bool(resolve(view, waypoint))
    except re.error as exc:
        raise UsageError(f"{waypoint!r}: not a valid regular expression ({exc})", "fix the pattern after re:") from exc


def _unknown(view, symbol: str) -> UsageError:
    import difflib

    names = sorted({q.rsplit(".", 1)[-1] for q in view.graph.methods})
    near = difflib.get_close_matches(symbol.rsplit(".", 1)[-1], names, n=3)
    return UsageError(
        f"no member or topic matches {symbol!r}", f"did you mean: {', '.join(near)}" if near else "use a qualname or a dotted suffix of one"
    )


def trace_command(
    path: Path = typer.Argument(..., help="Root of the tree."),
    source: str = typer.Option(..., "--from", help="Start: qualname, dotted suffix, topic:<name> or re:<regex>."),
    target: str = typer.Option(..., "--to", help="End: same forms as --from."),
    index_dir: Path | None = _INDEX_DIR,
    graph_config: Path | None = _CONFIG,
    as_json: bool = _JSON,
) -> None:
    """Trace a path through calls and bus topics, hop by hop, with its checks."""
    from dwagent.tools.graph.trace import resolve_waypoint, trace_path

    view = _view(path, index_dir, graph_config)
    for waypoint in (source, target):
        # a misspelled end is a usage error (exit 2), not a broken trace (exit 1)
        if not _resolves(view, waypoint, resolve_waypoint):
            raise _unknown(view, waypoint)
    result = trace_path(view, source, target)
    if as_json:
        typer.echo(json.dumps(result.model_dump(mode="json"), indent=2, sort_keys=True))
    else:
        typer.echo(f"{result.spec.name}: {result.status}" + (f" ({result.reason})" if result.reason else ""))
        for i, hop in enumerate(result.hops):
            typer.echo(f"  {i:2d}. [{hop.via}] {hop.node}  @ {hop.file}:{hop.line}  {hop.excerpt.strip()}")
        for b in result.broken:
            typer.echo(f"  BROKEN before {b.waypoint}: {b.reason}")
            for c in b.candidates:
                typer.echo(f"      tried: {c}")
        for c in result.checks:
            where = f" @ {c.file}:{c.start_line}" if c.file else ""
            typer.echo(f"  check {c.check}: {c.status}{where}  {c.detail}")
    raise typer.Exit(0 if result.status == "PASS" else 1)


def who_calls_command(
    path: Path = typer.Argument(..., help="Root of the tree."),
    symbol: str = typer.Argument(..., help="Member: qualname or dotted suffix (e.g. Kernel.WriteAsync)."),
    index_dir: Path | None = _INDEX_DIR,
    graph_config: Path | None = _CONFIG,
    as_json: bool = _JSON,
) -> None:
    """List the callers of a member, including publishers of the topics it handles."""
    from dwagent.tools.graph.query import who_calls
    from dwagent.tools.graph.trace import resolve_waypoint

    view = _view(path, index_dir, graph_config)
    if not resolve_waypoint(view, symbol):
        raise _unknown(view, symbol)
    sites = who_calls(view, symbol)
    if as_json:
        typer.echo(json.dumps([s.to_dict() for s in sites], indent=2, sort_keys=True))
    else:
        if not sites:
            typer.echo(f"nobody calls {symbol} (searched calls, constructors, method groups and bus deliveries)")
        for s in sites:
            typer.echo(f"{s.file}:{s.line}  {s.caller} -> {s.callee}  [{s.via}]  {s.excerpt}")
    raise typer.Exit(0)


def topic_command(
    path: Path = typer.Argument(..., help="Root of the tree."),
    name: str = typer.Argument(..., help="Topic value, pattern, or the constant as written (Topics.Name)."),
    index_dir: Path | None = _INDEX_DIR,
    graph_config: Path | None = _CONFIG,
    as_json: bool = _JSON,
) -> None:
    """Show who publishes and who subscribes to a bus topic (exit 1 when one side is missing)."""
    from dwagent.tools.graph.query import topic

    view = _view(path, index_dir, graph_config)
    use = topic(view, name)
    if not use.publishers and not use.subscribers:
        raise UsageError(f"no bus site uses topic {name!r}", "give the topic value or its constant (Topics.Name)")
    if as_json:
        typer.echo(json.dumps(use.to_dict(), indent=2, sort_keys=True))
    else:
        typer.echo(f"topic {use.topic}")
        for label, sites in (("published", use.publishers), ("subscribed", use.subscribers)):
            typer.echo(f"  {label}: {len(sites)}")
            for s in sites:
                handlers = f" -> {', '.join(s.handlers)}" if s.handlers else ""
                typer.echo(f"    {s.file}:{s.line}  {s.method}({s.expr}) in {s.scope}{handlers}")
    raise typer.Exit(0 if use.publishers and use.subscribers else 1)
