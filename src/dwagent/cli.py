"""The `dwagent` command line. The only place that maps domain errors to exit codes.

Exit codes: 0 certified / clean, 1 findings / not certified, 2 usage or error.
Each command lives in `dwagent.commands.<name>` and registers itself through `register(app)`.
"""
from __future__ import annotations

import sys
from importlib import import_module

import typer
from rich.console import Console

from dwagent import __version__
from dwagent.errors import DwagentError

COMMAND_MODULES = (
    "index",
    "scan",
    "graph",
    "certify",
    "llm",
    "retrieve",
    "competitors",
    "eval",
)

app = typer.Typer(
    name="dwagent",
    help="A hostile, evidence-first certification auditor for C# and Python codebases.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
err_console = Console(stderr=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dwagent {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """dwagent: every claim cited to file:line, every quote checked against the file."""


for _name in COMMAND_MODULES:
    import_module(f"dwagent.commands.{_name}").register(app)


def main(argv: list[str] | None = None) -> int:
    """Console entry point: runs the app and converts domain errors into exit code 2."""
    try:
        # With standalone_mode=False click returns (not raises) the code of a typer.Exit.
        result = app(args=argv, standalone_mode=False)
        if isinstance(result, int) and result:
            return result
    except DwagentError as exc:
        err_console.print(f"[bold red]error:[/] {exc.message}", highlight=False)
        if exc.hint:
            err_console.print(f"[dim]hint:[/] {exc.hint}", highlight=False)
        return exc.exit_code
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        err_console.print("aborted")
        return 2
    except Exception as exc:  # click usage errors and anything unexpected
        import click

        if isinstance(exc, click.exceptions.ClickException):
            exc.show()
            return 2
        if isinstance(exc, click.exceptions.Exit):
            return exc.exit_code
        err_console.print(f"[bold red]internal error:[/] {type(exc).__name__}: {exc}", highlight=False)
        err_console.print("[dim]hint:[/] re-run with DWAGENT_DEBUG=1 for a traceback and report it")
        if __import__("os").environ.get("DWAGENT_DEBUG"):
            raise
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
