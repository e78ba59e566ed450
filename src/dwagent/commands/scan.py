"""`dwagent scan PATH` (the rule catalogue alone) and `dwagent rules` (the catalogue)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from dwagent.errors import UsageError
from dwagent.tools.source_text import source_lines
from dwagent.tools.walk import DEFAULT_MAX_FILE_BYTES

FORMATS = ("text", "json", "sarif")


def register(app: typer.Typer) -> None:
    """Add `scan` and `rules` to the app."""
    app.command("scan")(scan_command)
    app.command("rules")(rules_command)


def _selection(rules: str | None):
    from dwagent.tools.rules.registry import select_rules

    patterns = [p for p in (rules or "").split(",") if p.strip()]
    selected = select_rules(patterns)
    if patterns and not selected:
        raise UsageError(f"--rules {rules}: no rule matches", "run `dwagent rules` for the catalogue")
    return selected


def _text(findings, errors, summary: str) -> str:
    out = []
    for f in findings:
        mark = f" [suppressed: {f.suppression.kind}: {f.suppression.justification}]" if f.suppression else ""
        out.append(f"{f.severity.upper():8} {f.rule} {f.file}:{f.start_line} {f.message}{mark}")
        first = source_lines(f.excerpt)[0].strip() if f.excerpt else ""
        if first:
            out.append(f"         | {first[:160]}")
    for e in errors:
        out.append(f"RULE-ERROR {e.rule} {e.path}: {e.message}")
    out.append(summary)
    return "\n".join(out) + "\n"


def scan_command(
    typer_ctx: typer.Context,
    path: Path = typer.Argument(..., help="Folder of the tree to scan."),
    rules: str | None = typer.Option(None, "--rules", help="Comma-separated rule ids or globs, e.g. DWA-101,DWA-2*."),
    fmt: str = typer.Option("text", "--format", help="text, json or sarif."),
    out: Path | None = typer.Option(None, "--out", help="Write the report to this file instead of stdout."),
    baseline: Path | None = typer.Option(None, "--baseline", help="Team baseline JSON: listed fingerprints are marked suppressed."),
    write_baseline: Path | None = typer.Option(None, "--write-baseline", help="Write every unsuppressed finding to this baseline file."),
    index_dir: Path | None = typer.Option(None, "--index-dir", help="Folder for index.sqlite (default: per-tree cache)."),
    jobs: int | None = typer.Option(None, "--jobs", min=1, help="Worker processes (default: all cores)."),
    rubric: str = typer.Option("generic", "--rubric", help="Rubric whose graph settings the cross-file rules use (as certify)."),
    exclude: list[str] = typer.Option([], "--exclude", help="Gitignore-style glob to skip (repeatable; recorded as a skip)."),
    max_file_size: int = typer.Option(
        DEFAULT_MAX_FILE_BYTES, "--max-file-size", min=1, help="Size cap in bytes: larger files are skipped with that reason."
    ),
    fail_on: str = typer.Option("low", "--fail-on", help="Exit 1 only for an unsuppressed finding at or above: critical, high, medium, low."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress output."),
) -> None:
    """Run the rule catalogue over a tree (indexing it incrementally first): the same rule run as
    `certify` (same rubric => same raw findings; certify's reviewer then drops some, with reasons).

    Exit 0 when no unsuppressed finding at or above --fail-on remains, 1 when some do, 2 on usage
    or input errors. Options can also come from dwagent.toml / [tool.dwagent] (`dwagent config`).
    """
    from dwagent import __version__
    from dwagent.agents.inputs.skipped import skip_rows
    from dwagent.agents.nodes.evidence import catalogue_config
    from dwagent.commands.output_target import prepare_out_file
    from dwagent.config import SEVERITIES, command_settings
    from dwagent.models import SEVERITY_ORDER
    from dwagent.rubric.loader import load_rubric
    from dwagent.tools.index import build_index, open_index
    from dwagent.tools.rules.engine import run_rules_detailed
    from dwagent.tools.rules.suppress import apply_suppressions, baseline_document
    from dwagent.tools.walk import resolve_root

    opts = command_settings(
        typer_ctx,
        {
            "rules": rules,
            "format": fmt,
            "out": out,
            "baseline": baseline,
            "index_dir": index_dir,
            "jobs": jobs,
            "rubric": rubric,
            "exclude": tuple(exclude),
            "max_file_size": max_file_size,
            "fail_on": fail_on,
            "quiet": quiet,
        },
    )
    rules, fmt, out, baseline, index_dir, jobs = (opts[k] for k in ("rules", "format", "out", "baseline", "index_dir", "jobs"))
    if fmt not in FORMATS:
        raise UsageError(f"--format {fmt}: expected one of {', '.join(FORMATS)}")
    if str(opts["fail_on"]).lower() not in SEVERITIES:
        raise UsageError(f"--fail-on {opts['fail_on']}: expected one of {', '.join(SEVERITIES)}")
    threshold = SEVERITY_ORDER[str(opts["fail_on"]).lower()]
    selected = _selection(rules)
    tree_root = resolve_root(path)
    for target in (out, write_baseline):
        if target is not None:
            prepare_out_file(target, tree_root)
    loaded = load_rubric(opts["rubric"])
    show_progress = not opts["quiet"] and Console(stderr=True).is_terminal
    build_index(
        path, index_dir=index_dir, jobs=jobs, exclude=tuple(opts["exclude"]), max_file_bytes=int(opts["max_file_size"]), progress=show_progress
    )
    with open_index(path, index_dir) as store:
        run = run_rules_detailed(store, rules=selected, jobs=jobs, config=catalogue_config(store, loaded.rubric))
        root = store.root
        skips = skip_rows(store.conn)
    from dwagent.tree_cache import after_use

    after_use(Path(root), index_dir, say=lambda line: Console(stderr=True).print(line, highlight=False))
    findings = apply_suppressions(run.findings, root, baseline=baseline)
    open_count = sum(1 for f in findings if f.suppression is None)
    failing = sum(1 for f in findings if f.suppression is None and SEVERITY_ORDER[f.severity] <= threshold)
    not_text = [s for s in skips if s["reason"] not in ("excluded", "ignored", "symlink-internal")]
    summary = (
        f"{len(findings)} finding(s), {open_count} unsuppressed · {len(selected)} rule(s) · "
        f"{run.files_scanned} file(s) scanned, {run.files_cached} from cache · "
        f"{len(not_text)} file(s) not analysed (skipped)"
    )
    if fmt == "sarif":
        from dwagent.report.sarif import to_sarif

        body = json.dumps(to_sarif(findings, selected, tool_version=__version__, skips=skips), indent=2, sort_keys=True) + "\n"
    elif fmt == "json":
        body = json.dumps([f.model_dump(mode="json") for f in findings], indent=2, sort_keys=True) + "\n"
    else:
        body = _text(findings, run.errors, summary)
    if out is not None:
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(body, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write {out}: {exc.strerror}", "pass --out to a writable path") from exc
        Console(stderr=True).print(summary, highlight=False)
    else:
        typer.echo(body, nl=False)
    if fmt != "text":
        for e in run.errors:
            Console(stderr=True).print(f"[yellow]rule error:[/] {e.rule} {e.path}: {e.message}", highlight=False)
    for s in not_text:
        Console(stderr=True).print(f"[yellow]skipped:[/] {s['path']} ({s['reason']}: {s['detail']})", highlight=False)
    if write_baseline is not None:
        doc = baseline_document([f for f in findings if f.suppression is None])
        write_baseline.write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    raise typer.Exit(1 if failing else 0)


def rules_command(
    as_json: bool = typer.Option(False, "--json", help="Print the catalogue as JSON."),
) -> None:
    """List the rule catalogue: id, category, severity, languages, where it applies, title."""
    from dataclasses import asdict

    from dwagent.tools.rules.registry import all_rules

    metas = all_rules()
    if as_json:
        typer.echo(json.dumps([asdict(m) for m in metas], indent=2, sort_keys=True))
        raise typer.Exit(0)
    table = Table(title=f"dwagent rules ({len(metas)})")
    for col in ("id", "category", "severity", "languages", "applies to", "title"):
        table.add_column(col)
    for m in metas:
        table.add_row(m.id, m.category, m.severity, ",".join(m.languages), ",".join(m.applies_to), m.title)
    Console(width=200).print(table)
    raise typer.Exit(0)


def eval_rules_command(
    rules: str | None = typer.Option(None, "--rules", help="Comma-separated rule ids or globs."),
    as_json: bool = typer.Option(False, "--json", help="Print the scores as JSON."),
) -> None:
    """Precision/recall of every per-file rule on its labelled fixture, per rule and per category.

    Exit 0 when every rule meets its target (precision >= 0.95, recall >= 0.9, >= 5 labels of each
    kind), 1 otherwise.
    """
    from dwagent.evals.rule_fixtures import score_catalogue

    ids = {m.id for m in _selection(rules)} if rules else None
    scores = score_catalogue(ids)
    if as_json:
        typer.echo(json.dumps(scores, indent=2, sort_keys=True))
    else:
        console = Console(width=160)
        table = Table(title="rule fixtures: per rule")
        for col in ("rule", "category", "tp", "fp", "fn", "precision", "recall", "ruleid", "ok"):
            table.add_column(col, justify="left" if col in ("rule", "category") else "right")
        for rid, r in scores["rules"].items():
            table.add_row(
                rid,
                r["category"],
                *(str(r[k]) for k in ("tp", "fp", "fn")),
                f"{r['precision']:.3f}",
                f"{r['recall']:.3f}",
                str(r["positives"]),
                str(r["negatives"]),
            )
        console.print(table)
        cats = Table(title="per category")
        for col in ("category", "tp", "fp", "fn", "precision", "recall"):
            cats.add_column(col, justify="left" if col == "category" else "right")
        for name, c in scores["categories"].items():
            cats.add_row(name, str(c["tp"]), str(c["fp"]), str(c["fn"]), f"{c['precision']:.3f}", f"{c['recall']:.3f}")
        console.print(cats)
        for rid in scores["missing_fixture"]:
            console.print(f"[red]missing fixture:[/] {rid}", highlight=False)
        for rid in scores["below_target"]:
            console.print(f"[red]below target:[/] {rid}", highlight=False)
    raise typer.Exit(1 if scores["below_target"] or scores["missing_fixture"] else 0)
