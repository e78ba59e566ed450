"""`dwagent cache` (list the per-tree caches with size and age) and `dwagent cache clean`."""

from __future__ import annotations

import json

import typer

cache_app = typer.Typer(
    help="Show or remove dwagent's per-tree caches (index, checkpoints, node cache).", invoke_without_command=True, no_args_is_help=False
)


def register(app: typer.Typer) -> None:
    """Add `cache` (with `clean`) to the app."""
    app.add_typer(cache_app, name="cache")


@cache_app.callback()
def cache_list(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print the list as JSON."),
) -> None:
    """List every tree cache: size, last use, and the tree it belongs to (most recent first)."""
    if ctx.invoked_subcommand is not None:
        return
    from dwagent.config import cache_root
    from dwagent.tree_cache import human_age, human_bytes, other_entries, tree_caches

    caches = tree_caches()
    others = other_entries()
    total = sum(c.size_bytes for c in caches) + sum(n for _, n in others)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "cache_root": str(cache_root()),
                    "total_bytes": total,
                    "trees": [
                        {"key": c.key, "root": c.root, "bytes": c.size_bytes, "age_seconds": round(c.age_seconds()), "path": str(c.path)}
                        for c in caches
                    ],
                    "other": [{"name": n, "bytes": b} for n, b in others],
                },
                indent=2,
                sort_keys=True,
            )
        )
        raise typer.Exit(0)
    typer.echo(f"cache root: {cache_root()}  ({human_bytes(total)} in all)")
    if not caches:
        typer.echo("  no tree caches")
    for c in caches:
        typer.echo(f"  {c.key}  {human_bytes(c.size_bytes):>9}  used {human_age(c.age_seconds()):>6} ago  {c.root or '(root unknown)'}")
    for name, size in others:
        typer.echo(f"  {name + '/':<16}  {human_bytes(size):>9}  (shared)")
    typer.echo("remove with `dwagent cache clean [--older-than 7d]`; cap with cache_max_size (dwagent config)")
    raise typer.Exit(0)


@cache_app.command("clean")
def cache_clean(
    older_than: str | None = typer.Option(None, "--older-than", help="Only caches unused for longer than this (30m, 12h, 7d, 2w)."),
) -> None:
    """Remove tree caches (all, or those unused for longer than --older-than). Safe: only costs a rebuild."""
    from dwagent.tree_cache import clean, human_bytes, parse_age

    removed = clean(parse_age(older_than) if older_than is not None else None)
    for c in removed:
        typer.echo(f"removed {c.key}  {human_bytes(c.size_bytes)}  {c.root or '(root unknown)'}")
    typer.echo(f"{len(removed)} cache(s) removed, {human_bytes(sum(c.size_bytes for c in removed))} freed")
    raise typer.Exit(0)
