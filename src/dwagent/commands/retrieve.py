"""`dwagent search`, `dwagent ask` and `dwagent chat`: retrieval and follow-up questions."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from dwagent.commands import llm as llm_options
from dwagent.errors import DwagentError, UsageError

MODES = ("lexical", "dense", "hybrid")
ROLES = ("production", "test", "generated")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("search")(search_command)
    app.command("ask")(ask_command)
    app.command("chat")(chat_command)


def _note(message: str) -> None:
    typer.echo(message, err=True)


def open_retriever(path: Path, index_dir: Path | None, dense: str):
    """A Retriever over PATH's index (built first when the tree has none)."""
    from dwagent.tools.index import build_index, open_index
    from dwagent.tools.retrieve.hybrid import Retriever

    if not path.is_dir():
        raise UsageError(f"{path} is not a folder", "pass the root of the tree to search")
    try:
        store = open_index(path, index_dir)
    except DwagentError:
        _note(f"no usable index for {path}: building it now")
        build_index(path, index_dir=index_dir)
        store = open_index(path, index_dir)
    return Retriever(store.conn, store.root, dense=dense)


def search_command(
    path: Path = typer.Argument(..., help="Root of the indexed tree."),
    query: str = typer.Argument(..., help="Words or identifiers to look for."),
    k: int = typer.Option(10, "--k", min=1, max=200, help="How many results."),
    mode: str = typer.Option("hybrid", "--mode", help="lexical | dense | hybrid."),
    language: str | None = typer.Option(None, "--language", help="Only this language (csharp, python, md...)."),
    project: str | None = typer.Option(None, "--project", help="Only this project."),
    role: str | None = typer.Option(None, "--role", help="Only production | test | generated files."),
    index_dir: Path | None = typer.Option(None, "--index-dir", help="Folder holding index.sqlite."),
    as_json: bool = typer.Option(False, "--json", help="Print results as JSON."),
) -> None:
    """Search a tree's index: identifiers and words (lexical), meaning (dense), or both fused."""
    from dwagent.tools.retrieve.hits import Filters

    if mode not in MODES:
        raise UsageError(f"unknown --mode {mode!r}", "use lexical, dense or hybrid")
    if role is not None and role not in ROLES:
        raise UsageError(f"unknown --role {role!r}", "use production, test or generated")
    retriever = open_retriever(path, index_dir, "auto" if mode != "lexical" else "off")
    effective = retriever.effective_mode(mode)  # type: ignore[arg-type]
    if mode == "dense" and not retriever.dense_available:
        raise DwagentError(retriever.dense_status, "use --mode lexical, or install the dense extra (see docs/retrieval.md)")
    if effective != mode:
        _note(f"{retriever.dense_status}; results are lexical only")
    if effective != "lexical":
        # never silent: the first dense search embeds every symbol card (minutes on a large tree)
        from rich.console import Console

        from dwagent.progress import RunDisplay

        _note("dense index: embedding new or changed symbol cards (first time only; --mode lexical skips this)")
        counter = RunDisplay(Console(stderr=True), enabled=not as_json or sys.stderr.isatty()).counter("embedding")
        embedded, _ = retriever.build_dense(counter)
        if embedded:
            _note(f"dense index: embedded {embedded} new or changed symbol card(s)")
    hits = retriever.search(query, k=k, mode=effective, filters=Filters(language, project, role))
    if as_json:
        typer.echo(
            json.dumps(
                {"query": query, "mode": effective, "dense": retriever.dense_status, "results": [h.to_dict() for h in hits]}, indent=2, sort_keys=True
            )
        )
    else:
        for n, h in enumerate(hits, 1):
            where = f"{h.file}:{h.start_line}-{h.end_line}"
            typer.echo(f"{n:>2}. {where}  {h.symbol or h.kind}  [{'+'.join(h.sources)}]")
            if h.preview:
                typer.echo(f"    {h.preview[:160]}")
        if not hits:
            typer.echo("no results")
    raise typer.Exit(0)


def _session(
    report_dir: Path,
    root: Path | None,
    llm: str | None,
    no_dense: bool,
    structured: str | None = None,
    timeout_s: float | None = None,
    max_retries: int | None = None,
):
    from dwagent.agents.chat.context import build_tools
    from dwagent.agents.chat.report_loader import load_report
    from dwagent.agents.chat.session import ChatSession

    report = load_report(report_dir, root)
    from dwagent.agents.llm.gateway import LLMGateway

    # Same resolution as certify (CLI > env > config file); the default is no LLM.
    gateway = LLMGateway.from_cli(llm, structured=structured, timeout_s=timeout_s, max_retries=max_retries)
    if gateway is not None:
        gateway.register_secrets(list(report.findings))  # never send a found secret to the model
    tools = build_tools(report, dense="off" if no_dense else "if-built")
    return ChatSession(report, tools, gateway)


def ask_command(
    report_dir: Path = typer.Argument(..., help="Folder written by `dwagent certify`."),
    finding_id: str = typer.Argument(..., help="Finding id (a unique prefix is enough)."),
    question: str = typer.Argument(..., help="Your question about the finding."),
    root: Path | None = typer.Option(None, "--root", help="Where the audited tree is (default: from run.json)."),
    llm: str | None = typer.Option(None, "--llm", help="none (default) or a provider spec, as for certify."),
    no_dense: bool = typer.Option(False, "--no-dense", help="Do not use dense retrieval for similar code."),
    as_json: bool = typer.Option(False, "--json", help="Print the answer as JSON."),
    llm_structured: str | None = llm_options.structured_option(),
    llm_timeout: float | None = llm_options.timeout_option(),
    llm_retries: int | None = llm_options.retries_option(),
) -> None:
    """Answer one question about one finding, citing the code (saved to the conversation)."""
    session = _session(report_dir, root, llm, no_dense, llm_structured, llm_timeout, llm_retries)
    try:
        turn = session.ask(finding_id, question)
    finally:
        session.close()
    if as_json:
        typer.echo(json.dumps(turn["data"], indent=2, sort_keys=True))
    else:
        typer.echo(turn["answer"], nl=False)
    raise typer.Exit(0)


def chat_command(
    report_dir: Path = typer.Argument(..., help="Folder written by `dwagent certify`."),
    finding_id: str | None = typer.Argument(None, help="Finding to start with (optional)."),
    root: Path | None = typer.Option(None, "--root", help="Where the audited tree is (default: from run.json)."),
    llm: str | None = typer.Option(None, "--llm", help="none (default) or a provider spec, as for certify."),
    no_dense: bool = typer.Option(False, "--no-dense", help="Do not use dense retrieval for similar code."),
    llm_structured: str | None = llm_options.structured_option(),
    llm_timeout: float | None = llm_options.timeout_option(),
    llm_retries: int | None = llm_options.retries_option(),
) -> None:
    """Talk about a report's findings: /finding ID, /evidence, /history, /quit. Conversations resume."""
    from dwagent.agents.chat.repl import Repl

    session = _session(report_dir, root, llm, no_dense, llm_structured, llm_timeout, llm_retries)
    try:
        if sys.stdin.isatty():
            import readline  # noqa: F401  (line editing and in-session history for input())
        code = Repl(session, finding_id).run()
    finally:
        session.close()
    raise typer.Exit(code)
