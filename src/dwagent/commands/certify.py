"""`dwagent certify PATH` and `dwagent diff OLD NEW`."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import typer
import yaml
from rich.console import Console

from dwagent.commands import llm as llm_options
from dwagent.errors import InputError, UsageError
from dwagent.tools.walk import DEFAULT_MAX_FILE_BYTES

console = Console(stderr=True)


def _load_baseline(path: Path | None, root: Path) -> tuple[dict[str, str], str]:
    """The certifier's own baseline: fingerprints accepted with a justification. It must lie
    outside the audited tree (a tree cannot accept its own findings)."""
    if path is None:
        return {}, ""
    real = path.expanduser().resolve()
    if real.is_relative_to(root):
        raise UsageError(f"baseline {path} is inside the audited tree", hint="keep the certifier's baseline outside the tree it audits")
    try:
        data = yaml.safe_load(real.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"cannot read baseline {path}: {exc}", hint="a YAML/JSON file: accepted: [{fingerprint, justification}]") from exc
    entries = data.get("accepted") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise InputError(f"baseline {path}: expected a list under 'accepted'", hint="accepted: [{fingerprint: ..., justification: ...}]")
    out = {}
    for i, e in enumerate(entries):
        if not isinstance(e, dict) or not e.get("fingerprint") or not str(e.get("justification", "")).strip():
            raise InputError(
                f"baseline {path}: accepted[{i}] needs 'fingerprint' and a non-empty 'justification'", hint="every accepted finding must say why"
            )
        out[str(e["fingerprint"])] = str(e["justification"]).strip()
    return out, real.as_posix()


def llm_report_lines(usage: dict | None) -> tuple[str, ...]:
    """The report's sentences on what a model did (or that none was used), from the LLM ledger."""
    from dwagent.agents.llm.ledger import UsageLedger, summary_lines

    return tuple(summary_lines(usage if usage is not None else UsageLedger().to_dict()))


def _previous_report(path: Path | None):
    """A previous dwagent report given as --baseline (its findings.json or its folder), to compare
    against; None when the file is the certifier's accepted-findings baseline instead."""
    if path is None:
        return None
    target = path / "findings.json" if path.is_dir() else path
    if target.suffix != ".json" or not target.is_file():
        return None
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not (isinstance(data, dict) and str(data.get("schema", "")).startswith("dwagent.report")):
        return None
    from dwagent.report.write import load_report

    return load_report(target)


def _gateway(
    spec: str | None,
    budget_usd: float | None = None,
    max_tokens: int | None = None,
    no_cache: bool = False,
    structured: str | None = None,
    timeout_s: float | None = None,
    max_retries: int | None = None,
):
    """The LLM gateway for `--llm SPEC`, else DWAGENT_LLM / dwagent.toml / [tool.dwagent] in the
    current directory (never the audited tree); None when the result is `none` (fully deterministic)."""
    if spec in ("", "none"):
        return None
    from dwagent.agents.llm.gateway import LLMGateway

    return LLMGateway.from_cli(
        spec, budget_usd=budget_usd, max_tokens=max_tokens, no_cache=no_cache, structured=structured, timeout_s=timeout_s, max_retries=max_retries
    )


def certify_command(
    typer_ctx: typer.Context,
    path: Path = typer.Argument(..., help="Root of the tree to certify."),
    rubric: str = typer.Option("generic", "--rubric", help="dw, generic, or a rubric YAML file."),
    out: Path | None = typer.Option(None, "--out", help="Output folder for the reports (default dwagent-report)."),
    llm: str | None = typer.Option(
        None, "--llm", help="LLM spec: none, openai:MODEL, anthropic:MODEL, openai-compatible:MODEL@URL (default: settings, else none)."
    ),
    budget_usd: float | None = typer.Option(None, "--budget-usd", help="Stop calling the model past this spend; the run finishes deterministically."),
    max_tokens: int | None = typer.Option(None, "--max-tokens", help="Stop calling the model past this many tokens."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Bypass the LLM response cache."),
    show_progress: bool = typer.Option(False, "--progress", help="Show progress even when stderr is not a terminal (plain lines)."),
    resume: bool = typer.Option(False, "--resume", help="Continue an interrupted run from its last checkpoint."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress output."),
    index_dir: Path | None = typer.Option(None, "--index-dir", help="Folder for the index (default: per-tree cache)."),
    baseline: Path | None = typer.Option(
        None,
        "--baseline",
        help="Certifier's baseline (outside the tree) of accepted findings, or a previous report (its folder or findings.json) to compare with.",
    ),
    no_exec: bool = typer.Option(False, "--no-exec", help="Do not run the tree's build/test commands (gates NOT RUN)."),
    exclude: list[str] = typer.Option([], "--exclude", help="Gitignore-style glob to skip (repeatable; recorded as a skip)."),
    max_file_size: int = typer.Option(
        DEFAULT_MAX_FILE_BYTES, "--max-file-size", min=1, help="Size cap in bytes: larger files are skipped with that reason."
    ),
    llm_structured: str | None = llm_options.structured_option(),
    llm_timeout: float | None = llm_options.timeout_option(),
    llm_retries: int | None = llm_options.retries_option(),
) -> None:
    """Certify (or refuse to certify) a codebase. Exit 0 CERTIFIED, 1 otherwise, 2 error.

    Every option can also be set in dwagent.toml or [tool.dwagent] of pyproject.toml in the
    current directory, or as DWAGENT_<OPTION>; the command line wins (`dwagent config`)."""
    from dwagent.config import command_settings

    opts = command_settings(
        typer_ctx,
        {
            "rubric": rubric,
            "out": out,
            "baseline": baseline,
            "quiet": quiet,
            "index_dir": index_dir,
            "no_exec": no_exec,
            "exclude": tuple(exclude),
            "max_file_size": max_file_size,
        },
    )
    rubric, baseline, quiet, index_dir, no_exec = (opts[k] for k in ("rubric", "baseline", "quiet", "index_dir", "no_exec"))
    out_chosen = opts["out"] is not None  # typed, or from the environment / settings file
    out = opts["out"] or Path("dwagent-report")
    from dwagent.agents.context import RunContext
    from dwagent.agents.run import certify
    from dwagent.commands.output_target import check_outside_tree, default_out_inside, prepare_out_dir
    from dwagent.report.model import Report
    from dwagent.report.write import write_reports
    from dwagent.rubric.loader import load_rubric
    from dwagent.tools.walk import resolve_root

    root = resolve_root(path)
    extra_exclude = ()
    if not out_chosen:
        # `dwagent certify .` with the default ./dwagent-report: the reports are kept out of the
        # audit (excluded, with a note) instead of refusing the most common first command
        extra_exclude = default_out_inside(out, root)
    else:
        check_outside_tree(out, root)
    loaded = load_rubric(rubric)
    previous = _previous_report(baseline)
    accepted, baseline_source = ({}, "") if previous is not None else _load_baseline(baseline, root)
    # created only once the arguments are known good (a usage error leaves no empty folder), and
    # proven writable before minutes of work
    prepare_out_dir(out, root, allow_inside=bool(extra_exclude))
    if extra_exclude and not quiet:
        console.print(
            f"[yellow]note:[/] the report folder {out} is inside the audited tree: it is excluded from the audit (pass --out to write elsewhere)",
            highlight=False,
            soft_wrap=True,
        )

    from dwagent.progress import RunDisplay

    # stage lines on a terminal; a pipe or log gets them only with --progress; --quiet: never
    display = RunDisplay(console, enabled=not quiet and (console.is_terminal or bool(show_progress)))

    def progress(node: str, event: str) -> None:
        if node == "resume" and not quiet:  # what --resume found is said even without progress
            console.print(f"[yellow]resume:[/] {event}", highlight=False)
        elif node != "resume":
            display.stage(node, event)

    gateway = _gateway(llm, budget_usd, max_tokens, no_cache, llm_structured, llm_timeout, llm_retries)
    if gateway is not None and not quiet:
        gateway.announce = lambda line: console.print(f"  [dim]{line}[/]", highlight=False)
    ctx = RunContext(
        root=root,
        rubric=loaded,
        index_dir=index_dir,
        execute_gates=not no_exec,
        baseline=accepted,
        baseline_source=baseline_source,
        gateway=gateway,
        llm_spec=llm or "none",
        progress=progress,
        exclude=tuple(opts["exclude"]) + extra_exclude,
        max_file_bytes=int(opts["max_file_size"]),
        index_progress=display.counter("indexing") or False,
    )
    try:
        result = certify(ctx, resume=resume)
    finally:
        display.close()
    display.close(result.timings)
    from dwagent.tree_cache import after_use

    after_use(root, index_dir, say=None if quiet else (lambda line: console.print(f"[dim]{line}[/]", highlight=False)))
    report = Report.model_validate(result.report)
    if previous is not None:
        from dwagent.report.diff import comparison_summary

        report = report.model_copy(update={"comparison": comparison_summary(previous, report, str(baseline))})
    generated_at = datetime.now(UTC).replace(microsecond=0).isoformat()
    usage = ctx.gateway.ledger.to_dict() if ctx.gateway is not None else None
    write_reports(
        report,
        out,
        generated_at=generated_at,
        timings=result.timings,
        index_summary=result.index_summary,
        rules_info=result.state.get("rules_info", {}),
        llm_usage=usage,
        llm_lines=llm_report_lines(usage),
        resumed=resume,
        optional=result.state.get("optional", {}),
    )
    if not quiet:
        colour = {"CERTIFIED": "green", "CERTIFIED WITH CONDITIONS": "yellow"}.get(report.verdict, "red")
        console.print(f"[bold {colour}]{report.verdict}[/] — {report.rationale}", highlight=False)
        console.print(f"reports: {out}", highlight=False)
    typer.echo(
        json.dumps({"verdict": report.verdict, "p0": len(report.p0), "conditions": len(report.conditions), "out": str(out)}) if quiet else "",
        nl=quiet,
    )
    raise typer.Exit(0 if report.verdict == "CERTIFIED" else 1)


def diff_command(
    old: Path = typer.Argument(..., help="Old report folder or findings.json."),
    new: Path = typer.Argument(..., help="New report folder or findings.json."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """New / fixed / unchanged findings and verdict changes between two reports. Exit 1 if the
    new report has new findings or a worse verdict, else 0."""
    from dwagent.report.diff import diff_reports
    from dwagent.report.write import load_report

    d = diff_reports(load_report(old), load_report(new))
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "old_verdict": d.old_verdict,
                    "new_verdict": d.new_verdict,
                    "new": list(d.new),
                    "fixed": list(d.fixed),
                    "unchanged": len(d.unchanged),
                    "status_changes": [list(c) for c in d.status_changes],
                },
                indent=2,
                sort_keys=True,
            )
        )
    else:
        typer.echo(f"verdict: {d.old_verdict} -> {d.new_verdict}" + (" (changed)" if d.verdict_changed else ""))
        typer.echo(f"new: {len(d.new)}  fixed: {len(d.fixed)}  unchanged: {len(d.unchanged)}")
        for f in d.new:
            typer.echo(f"  + {f['severity']:8} {f['rule']} {f['file']}:{f['line']} {f['message']}")
        for f in d.fixed:
            typer.echo(f"  - {f['severity']:8} {f['rule']} {f['file']}:{f['line']} {f['message']}")
        for where, a, b in d.status_changes:
            typer.echo(f"  ~ {where}: {a} -> {b}")
    rank = {"CERTIFIED": 0, "CERTIFIED WITH CONDITIONS": 1, "NOT CERTIFIED": 2}
    worse = rank.get(d.new_verdict, 2) > rank.get(d.old_verdict, 2)
    raise typer.Exit(1 if d.new or worse else 0)


def register(app: typer.Typer) -> None:
    """Add `certify` and `diff` to the app."""
    app.command("certify")(certify_command)
    app.command("diff")(diff_command)
