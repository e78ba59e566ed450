"""`dwagent index PATH`: build or refresh the code index of a tree and print what it holds."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from dwagent.tools.walk import DEFAULT_MAX_FILE_BYTES


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("index")(index_command)


def index_command(
    typer_ctx: typer.Context,
    path: Path = typer.Argument(..., help="Folder of the tree to index."),
    index_dir: Path | None = typer.Option(
        None, "--index-dir", help="Folder for index.sqlite (default: $DWAGENT_CACHE_DIR or ~/.cache/dwagent, keyed by the tree)."
    ),
    exclude: list[str] = typer.Option([], "--exclude", help="Gitignore-style glob to skip (repeatable)."),
    max_file_size: int = typer.Option(DEFAULT_MAX_FILE_BYTES, "--max-file-size", min=1, help="Skip files larger than this many bytes."),
    jobs: int | None = typer.Option(None, "--jobs", min=1, help="Parser processes (default: all cores)."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Index a C#/Python tree: files, symbols, references, constants and chunks (incremental)."""
    from dwagent.config import command_settings
    from dwagent.tools.index import build_index

    opts = command_settings(typer_ctx, {"index_dir": index_dir, "exclude": tuple(exclude), "max_file_size": max_file_size, "jobs": jobs})
    index_dir, exclude, max_file_size, jobs = (opts[k] for k in ("index_dir", "exclude", "max_file_size", "jobs"))
    console = Console()
    summary = build_index(
        path, index_dir=index_dir, exclude=tuple(exclude), max_file_bytes=max_file_size, jobs=jobs, progress=not as_json and console.is_terminal
    )
    from dwagent.tree_cache import after_use

    after_use(Path(summary.root), index_dir, say=lambda line: Console(stderr=True).print(line, highlight=False))
    if as_json:
        typer.echo(json.dumps(summary.to_dict(), indent=2, sort_keys=True))
        raise typer.Exit(0)
    table = Table(title=f"index of {summary.root}", show_lines=False)
    table.add_column("language")
    table.add_column("files", justify="right")
    table.add_column("lines", justify="right")
    for lang, count in sorted(summary.files_by_language.items()):
        table.add_row(lang, f"{count:,}", f"{summary.lines_by_language.get(lang, 0):,}")
    table.add_row("[bold]total[/]", f"{summary.files:,}", f"{summary.lines:,}")
    console.print(table)
    console.print(
        f"symbols {summary.symbols:,} · references {summary.refs:,} · constants {summary.constants:,} · chunks {summary.chunks:,}", highlight=False
    )
    skips = ", ".join(f"{reason} {n:,}" for reason, n in summary.skips_by_reason.items()) or "none"
    console.print(f"skipped: {skips}", highlight=False)
    console.print(
        f"parsed {summary.parsed:,} · reused {summary.reused:,} · removed {summary.removed:,} · files with syntax errors {summary.parse_errors:,}",
        highlight=False,
    )
    for note in summary.notes:
        console.print(f"[yellow]note:[/] {note}", highlight=False)
    console.print(f"elapsed {summary.elapsed_s:.2f} s with {summary.jobs} process(es) → {summary.db_path}", highlight=False)
    raise typer.Exit(0)
