"""`dwagent certify PATH` and `dwagent diff OLD NEW`."""
from __future__ import annotations

import json
import time
from datetime import datetime, timezone
from pathlib import Path

import typer
import yaml
from rich.console import Console

from dwagent.commands import llm as llm_options
from dwagent.errors import InputError, UsageError

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
            raise InputError(f"baseline {path}: accepted[{i}] needs 'fingerprint' and a non-empty 'justification'", hint="every accepted finding must say why")
        out[str(e["fingerprint"])] = str(e["justification"]).strip()
    return out, real.as_posix()


def _gateway(spec: str | None, budget_usd: float | None = None, max_tokens: int | None = None, no_cache: bool = False,
             structured: str | None = None, timeout_s: float | None = None, max_retries: int | None = None):
    """The LLM gateway for `--llm SPEC`, else DWAGENT_LLM / dwagent.toml / [tool.dwagent] in the
    current directory (never the audited tree); None when the result is `none` (fully deterministic)."""
    if spec in ("", "none"):
        return None
    try:
        from dwagent.agents.llm.gateway import LLMGateway
    except ImportError as exc:
        raise UsageError(f"--llm {spec}: the LLM gateway is not available ({exc})", hint="use --llm none") from exc
    return LLMGateway.from_cli(spec, budget_usd=budget_usd, max_tokens=max_tokens, no_cache=no_cache,
                               structured=structured, timeout_s=timeout_s, max_retries=max_retries)


def certify_command(
    path: Path = typer.Argument(..., help="Root of the tree to certify."),
    rubric: str = typer.Option("generic", "--rubric", help="dw, generic, or a rubric YAML file."),
    out: Path = typer.Option(Path("dwagent-report"), "--out", help="Output folder for the reports."),
    llm: str | None = typer.Option(None, "--llm", help="LLM spec: none, openai:MODEL, anthropic:MODEL, openai-compatible:MODEL@URL (default: settings, else none)."),
    budget_usd: float | None = typer.Option(None, "--budget-usd", help="Stop calling the model past this spend; the run finishes deterministically."),
    max_tokens: int | None = typer.Option(None, "--max-tokens", help="Stop calling the model past this many tokens."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Bypass the LLM response cache."),
    resume: bool = typer.Option(False, "--resume", help="Continue an interrupted run from its last checkpoint."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress output."),
    index_dir: Path | None = typer.Option(None, "--index-dir", help="Folder for the index (default: per-tree cache)."),
    baseline: Path | None = typer.Option(None, "--baseline", help="Certifier's baseline (outside the tree) of accepted findings."),
    no_exec: bool = typer.Option(False, "--no-exec", help="Do not run the tree's build/test commands (gates NOT RUN)."),
    llm_structured: str | None = llm_options.structured_option(),
    llm_timeout: float | None = llm_options.timeout_option(),
    llm_retries: int | None = llm_options.retries_option(),
) -> None:
    """Certify (or refuse to certify) a codebase. Exit 0 CERTIFIED, 1 otherwise, 2 error."""
    from dwagent.agents.context import RunContext
    from dwagent.agents.run import certify
    from dwagent.report.model import Report
    from dwagent.report.write import write_reports
    from dwagent.rubric.loader import load_rubric
    from dwagent.tools.walk import resolve_root

    root = resolve_root(path)
    loaded = load_rubric(rubric)
    accepted, baseline_source = _load_baseline(baseline, root)
    started = {}

    def progress(node: str, event: str) -> None:
        if quiet:
            return
        if event == "start":
            started[node] = time.perf_counter()
            console.print(f"[cyan]▶[/] {node}", highlight=False)
        elif event.startswith("done"):
            console.print(f"[green]✓[/] {node} [dim]{event[5:]}[/]", highlight=False)
        else:
            console.print(f"  [dim]{node}: {event}[/]", highlight=False)

    gateway = _gateway(llm, budget_usd, max_tokens, no_cache, llm_structured, llm_timeout, llm_retries)
    if gateway is not None and not quiet:
        gateway.announce = lambda line: console.print(f"  [dim]{line}[/]", highlight=False)
    ctx = RunContext(
        root=root, rubric=loaded, index_dir=index_dir, execute_gates=not no_exec, baseline=accepted,
        baseline_source=baseline_source, gateway=gateway, llm_spec=llm or "none", progress=progress,
    )
    result = certify(ctx, resume=resume)
    report = Report.model_validate(result.report)
    generated_at = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    usage = ctx.gateway.ledger.to_dict() if ctx.gateway is not None else None
    write_reports(report, out, generated_at=generated_at, timings=result.timings, index_summary=result.index_summary,
                  rules_info=result.state.get("rules_info", {}), llm_usage=usage, resumed=resume)
    if not quiet:
        colour = {"CERTIFIED": "green", "CERTIFIED WITH CONDITIONS": "yellow"}.get(report.verdict, "red")
        console.print(f"[bold {colour}]{report.verdict}[/] — {report.rationale}", highlight=False)
        console.print(f"reports: {out}", highlight=False)
    typer.echo(json.dumps({"verdict": report.verdict, "p0": len(report.p0), "conditions": len(report.conditions), "out": str(out)}) if quiet else "", nl=quiet)
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
        typer.echo(json.dumps({
            "old_verdict": d.old_verdict, "new_verdict": d.new_verdict, "new": list(d.new), "fixed": list(d.fixed),
            "unchanged": len(d.unchanged), "status_changes": [list(c) for c in d.status_changes],
        }, indent=2, sort_keys=True))
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
