"""`dwagent eval`: the labelled-fixture eval suite (and, from the rules area, `dwagent eval rules`).

`eval_app` is a typer group whose callback runs the suite when no subcommand is given; other
areas add their subcommands to the same group.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

eval_app = typer.Typer(
    name="eval",
    help="Run the labelled eval suite: accuracy per category, verdict accuracy, regressions.",
    invoke_without_command=True,
    no_args_is_help=False,
)


def _gateway(llm: str | None):
    """(gateway, mode) for `--llm`: None/'none' is offline; anything else needs a configured key."""
    if llm is None or llm == "none":
        return None, "offline"
    from dwagent.agents.llm.gateway import LLMGateway

    return LLMGateway.from_cli(llm), "llm"  # a missing key is a UsageError there


def _fmt(value) -> str:
    return "—" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


def _print(console: Console, results: dict) -> None:
    table = Table(title=f"findings by category ({results['suite']}, {results['mode']})")
    for col in ("category", "tp", "fp", "fn", "precision", "recall", "F1"):
        table.add_column(col, justify="left" if col == "category" else "right")
    for cat, row in results["categories"].items():
        table.add_row(cat, *(_fmt(row[k]) for k in ("tp", "fp", "fn", "precision", "recall", "f1")))
    o = results["overall"]
    table.add_row("[bold]overall (micro)[/]", *(_fmt(o[k]) for k in ("tp", "fp", "fn", "precision", "recall", "f1")))
    console.print(table)
    verdicts = Table(title="verdicts")
    for col in ("kind", "correct", "total", "accuracy"):
        verdicts.add_column(col)
    for kind, row in results["verdicts"].items():
        verdicts.add_row(kind, str(row["ok"]), str(row["total"]), _fmt(row["accuracy"]))
    console.print(verdicts)
    for name, row in results["fixtures"].items():
        wrong = [f"{k}:{n} {c['actual']} (want {c['expected']})" for k, cells in row["cells"].items() for n, c in cells.items() if not c["ok"]]
        mark = "ok " if row["verdict"]["ok"] else "BAD"
        console.print(
            f"{mark} {name}: {row['verdict']['actual']} (want {row['verdict']['expected']}); "
            f"missed {len(row['false_negatives'])}, false positives {len(row['false_positives'])}"
            + (f"; cells wrong: {', '.join(wrong)}" if wrong else "")
            + (f"; [red]error[/]: {row['error']}" if row.get("error") else ""),
            highlight=False,
        )
        if row["kind"] == "original":
            _print_details(console, row)
    for name, row in results["variants"].items():
        console.print(f"variant {name}: {'identical' if row['identical'] else 'DIFFERS'} to {row['original']}", highlight=False)
        for diff in row["differences"][:5]:
            console.print(f"      differs  {diff}", highlight=False, soft_wrap=True)
    q = results["quote_verification"]
    console.print(
        f"quotes verified: {q['verified']}/{q['total']} ({_fmt(q['rate'])}); runtime {results['runtime']['total_seconds']}s", highlight=False
    )


def _print_details(console: Console, row: dict) -> None:
    """Where a fixture's misses and false positives are, one per line (labels.yaml has the why)."""
    for line in row.get("missed", row["false_negatives"]):
        console.print(f"      missed   {line}", highlight=False, soft_wrap=True)
    hard = {hit.split(": ", 1)[1]: hit.split(": ", 1)[0] for hit in row["hard_negative_hits"]}
    for fp in row["false_positives"]:
        tag = f" (hard negative {hard[fp]})" if fp in hard else ""
        console.print(f"      false+   {fp}{tag}", highlight=False, soft_wrap=True)
    for hit in row.get("tolerated", []):  # within a hard negative's max_severity: neutral, shown for review
        console.print(f"      allowed  {hit}", highlight=False, soft_wrap=True)


@eval_app.callback(invoke_without_command=True)
def eval_suite(
    ctx: typer.Context,
    suite: str = typer.Option("all", "--suite", help="all, originals, injected, bad-input, or one fixture name."),
    llm: str = typer.Option(
        None, "--llm", help="Run with an LLM (none, openai:MODEL, anthropic:MODEL, openai-compatible:MODEL@URL); default offline."
    ),
    out: Path = typer.Option(None, "--out", help="Folder for the results JSON (default evals/results)."),
    update_baseline: bool = typer.Option(False, "--update-baseline", help="Also write these results as the baseline."),
    as_json: bool = typer.Option(False, "--json", help="Print the results JSON instead of tables."),
    fixtures_dir: Path = typer.Option(
        None,
        "--fixtures-dir",
        help="Score the labelled fixtures in this folder instead (e.g. evals/holdout): originals only, report only (no thresholds, no baseline).",
    ),
) -> None:
    """Certify every labelled fixture, score against labels and thresholds, compare with the baseline.

    Exit 0 when every threshold holds, 1 when one is missed, 2 on usage errors."""
    if ctx.invoked_subcommand is not None:
        return
    from dwagent.evals.gate import BASELINE_NAME, check_thresholds, load_baseline, load_thresholds, regressions
    from dwagent.evals.runner import EvalOptions, results_dir, results_path, run_suite

    console = Console(stderr=as_json)
    gateway, mode = _gateway(llm)
    if fixtures_dir is not None:
        _report_only(console, fixtures_dir, suite, gateway, mode, out, as_json)
        return
    results = run_suite(EvalOptions(suite=suite, gateway=gateway, mode=mode, progress=lambda n: console.print(f"[dim]certify {n}[/]")))
    out_dir = out or results_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    baseline = load_baseline(results_dir(), mode)
    if mode == "llm":  # LLM-assisted against offline verdicts, fixture by fixture (LLM area)
        from dwagent.evals.bench.llm_compare import versus_offline

        results["vs_offline"] = versus_offline(results, load_baseline(results_dir(), "offline"))
    text = json.dumps(results, indent=2, sort_keys=True) + "\n"
    path = results_path(out_dir, results)
    path.write_text(text, encoding="utf-8")
    if update_baseline:
        (results_dir() / BASELINE_NAME.format(mode=mode)).write_text(text, encoding="utf-8")
    if as_json:
        typer.echo(text, nl=False)
    else:
        _print(console, results)
        vs = results.get("vs_offline")
        if vs is not None:
            changed = vs.get("verdicts_changed", [])
            console.print(
                f"vs offline: {vs['status']}"
                if vs["status"] != "RAN"
                else f"vs offline: {vs['compared']} fixture(s), verdicts changed: {', '.join(changed) or 'none'}; "
                f"verdicts right offline {vs['verdict_accuracy']['offline']}, with LLM {vs['verdict_accuracy']['llm']}",
                highlight=False,
            )
    console.print(f"results: {path}", highlight=False)
    if baseline is not None and baseline.get("suite") == results["suite"]:
        worse = regressions(results, baseline)
        console.print(f"[bold red]{len(worse)} regression(s) vs baseline:[/]" if worse else "no regressions vs baseline")
        for line in worse:
            console.print(f"  - {line}", highlight=False)
    misses = check_thresholds(results, load_thresholds())
    for line in misses:
        console.print(f"[red]threshold missed:[/] {line}", highlight=False)
    console.print("thresholds: PASS" if not misses else f"thresholds: FAIL ({len(misses)})")
    raise typer.Exit(1 if misses else 0)


def _report_only(console: Console, fixtures_dir: Path, suite: str, gateway, mode: str, out: Path | None, as_json: bool) -> None:
    """Score a separate fixtures folder (a hold-out set) without thresholds or baseline.

    A hold-out set measures generalisation, so its numbers are reported, never gated: the gated
    suite's bars and baseline describe `evals/fixtures/` only. Variants are not generated (they
    test injection resistance, which the gated suite already covers); "all" means the originals.
    """
    from dwagent.errors import UsageError
    from dwagent.evals.runner import EvalOptions, results_path, run_suite

    if not fixtures_dir.is_dir():
        raise UsageError(f"--fixtures-dir {fixtures_dir}: not a directory", "point it at a folder of labelled fixtures, e.g. evals/holdout")
    if out is None:
        raise UsageError("--fixtures-dir needs --out", "hold-out results are not written into evals/results by default")
    options = EvalOptions(
        suite="originals" if suite == "all" else suite,
        fixtures_dir=fixtures_dir,
        gateway=gateway,
        mode=mode,
        progress=lambda n: console.print(f"[dim]certify {n}[/]"),
    )
    results = run_suite(options)
    results["fixtures_dir"] = fixtures_dir.as_posix()
    out.mkdir(parents=True, exist_ok=True)
    text = json.dumps(results, indent=2, sort_keys=True) + "\n"
    path = results_path(out, results)
    path.write_text(text, encoding="utf-8")
    if as_json:
        typer.echo(text, nl=False)
    else:
        _print(console, results)
    console.print(f"results: {path}", highlight=False)
    console.print("thresholds: not enforced for a --fixtures-dir run (report only)")
    raise typer.Exit(0)


def register(app: typer.Typer) -> None:
    """Add `dwagent eval` (a group: the suite runs when no subcommand is given)."""
    app.add_typer(eval_app, name="eval")


# `dwagent eval rules` belongs to the rule catalogue; its code lives in dwagent/commands/scan.py.
from dwagent.commands.scan import eval_rules_command  # noqa: E402

eval_app.command("rules")(eval_rules_command)
