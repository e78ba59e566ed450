"""The `dwagent` command line. The only place that maps domain errors to exit codes.

Exit codes: 0 certified / clean, 1 findings / not certified, 2 usage or error.
Each command lives in `dwagent.commands.<name>` and registers itself through `register(app)`.
"""

from __future__ import annotations

import os
import sqlite3
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
    "config",
    "cache",
)

app = typer.Typer(
    name="dwagent",
    help="A hostile, evidence-first certification auditor for C# and Python codebases.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
err_console = Console(stderr=True)
DEBUG_ENV = "DWAGENT_DEBUG"
INTERRUPTED_BY_TYPER = 130  # typer.core: `except KeyboardInterrupt: raise Exit(130)`


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dwagent {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
    debug: bool = typer.Option(False, "--debug", help="Show a traceback on errors (also DWAGENT_DEBUG=1)."),
) -> None:
    """dwagent: every claim cited to file:line, every quote checked against the file."""


for _name in COMMAND_MODULES:
    import_module(f"dwagent.commands.{_name}").register(app)


def _click_types() -> tuple[type[BaseException], type[BaseException], type[BaseException]]:
    """(ClickException, click Exit, click Abort) of the click typer runs on.

    typer >= 0.22 vendors click as `typer._click` and no longer installs `click`; older typer
    uses `click` itself. Both are reached from typer's own BadParameter, so no import of an
    undeclared package is needed (importing `click` here crashed every usage error).
    """
    base = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")
    module = sys.modules[base.__module__]
    return base, getattr(module, "Exit", typer.Exit), getattr(module, "Abort", typer.Abort)


def _debug_requested(argv: list[str] | None) -> bool:
    args = sys.argv[1:] if argv is None else argv
    return "--debug" in args or bool(os.environ.get(DEBUG_ENV))


def _fail(message: str, hint: str) -> int:
    """The one way an error reaches the user: one line saying what, one saying what to do."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    if hint:
        err_console.print(f"[dim]hint:[/] {hint}", highlight=False, soft_wrap=True)
    return 2


def _interrupted() -> int:
    # Ctrl-C: a certify run's checkpoint is already on disk, so say how to go on (exit 2, not 130:
    # the exit-code contract is 0 / 1 / 2).
    return _fail("interrupted", "run the same command again with --resume to continue a certify run")


def _usage_hint(exc: BaseException) -> str:
    ctx = getattr(exc, "ctx", None)
    command = getattr(ctx, "command_path", "") or "dwagent"
    return f"run `{command} --help` for the arguments and options"


def main(argv: list[str] | None = None) -> int:
    """Console entry point and the CLI's only error path: every usage or domain error becomes
    `error:` + `hint:` on stderr and exit code 2; a traceback only with --debug (or DWAGENT_DEBUG=1)."""
    debug = _debug_requested(argv)
    if argv is not None or "--debug" in sys.argv[1:]:
        argv = [a for a in (sys.argv[1:] if argv is None else argv) if a != "--debug"]
    click_exception, click_exit, click_abort = _click_types()
    try:
        # With standalone_mode=False click returns (not raises) the code of a typer.Exit.
        result = app(args=argv, standalone_mode=False, prog_name="dwagent")
        if result == INTERRUPTED_BY_TYPER:  # typer returns Ctrl-C as this code, without a word
            return _interrupted()
        if isinstance(result, int) and result:
            return result
    except DwagentError as exc:
        if debug:
            raise
        _fail(exc.message, exc.hint)
        return exc.exit_code
    except (typer.Exit, click_exit) as exc:
        if isinstance(exc.__cause__, KeyboardInterrupt):  # typer turns Ctrl-C into Exit(130)
            return _interrupted()
        return int(getattr(exc, "exit_code", 0) or 0)
    except (typer.Abort, click_abort, KeyboardInterrupt):
        return _interrupted()
    except click_exception as exc:  # usage errors: unknown option, missing argument, bad value
        if debug:
            raise
        return _fail(exc.format_message(), _usage_hint(exc))
    except sqlite3.DatabaseError as exc:
        if debug:
            raise
        return _fail(
            f"the cache or checkpoint database is unusable: {exc}",
            "remove it with `dwagent cache clean` (or pass --index-dir to a fresh folder) and re-run",
        )
    except OSError as exc:
        if debug:
            raise
        where = f" {exc.filename}" if exc.filename else ""
        return _fail(f"cannot access{where}: {exc.strerror or exc}", "check the path exists and is readable/writable, or choose another one")
    except Exception as exc:  # a bug: say so plainly, keep the traceback for --debug
        if debug:
            raise
        return _fail(f"internal error: {type(exc).__name__}: {exc}", "re-run with --debug for a traceback and report it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
