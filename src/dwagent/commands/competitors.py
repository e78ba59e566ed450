"""`dwagent competitors list | show NAME | check | compare REPORT_DIR NAME`: the competitor knowledge
base, its validation, and the evidence-based comparison of an audited tree against it."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from dwagent.errors import InputError, UsageError

group = typer.Typer(help="Competitor knowledge base and evidence-based comparison.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.add_typer(group, name="competitors")


@group.command("list")
def list_command(
    category: str | None = typer.Option(None, "--category", help="Only this category slug."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List every KB entry with its category and how much of it is sourced."""
    from dwagent.competitors.loader import default_kb, load_taxonomy
    from dwagent.competitors.schema import CATEGORY_TITLES

    if category is not None and category not in CATEGORY_TITLES:
        raise UsageError(f"unknown category {category!r}", f"use one of: {', '.join(CATEGORY_TITLES)}")
    taxonomy = load_taxonomy()
    rows = [
        {
            "slug": p.slug,
            "name": p.heading,
            "category": p.category,
            "facts": len(p.facts),
            "sourced_capabilities": sum(p.status(c) != "unknown" for c in taxonomy),
            "ratings": len(p.ratings),
        }
        for p in default_kb()
        if category is None or p.category == category
    ]
    if as_json:
        typer.echo(json.dumps(rows, indent=2, sort_keys=True))
        raise typer.Exit(0)
    table = Table(title=f"{len(rows)} competitor entries")
    for col in ("slug", "name", "category", "facts", "sourced caps", "ratings"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["slug"], r["name"], CATEGORY_TITLES[r["category"]], str(r["facts"]), str(r["sourced_capabilities"]), str(r["ratings"]))
    Console().print(table)
    raise typer.Exit(0)


@group.command("show")
def show_command(
    name: str = typer.Argument(..., help="Slug, name or seed name of the product."),
    as_json: bool = typer.Option(False, "--json", help="Print the entry as JSON."),
) -> None:
    """Show one entry: summary, sourced facts by dimension, sourced capabilities, subsystems."""
    from dwagent.competitors.loader import find_product, load_taxonomy
    from dwagent.competitors.schema import CATEGORY_TITLES

    product = find_product(name)
    if as_json:
        typer.echo(json.dumps(product.model_dump(mode="json"), indent=2, sort_keys=True))
        raise typer.Exit(0)
    taxonomy = load_taxonomy()
    out = [f"# {product.heading}", f"vendor: {product.vendor} · category: {CATEGORY_TITLES[product.category]} · seed: {product.seed_name}", ""]
    for key, text in product.written.model_dump().items():
        out.append(f"- {key}: {text.replace('{dw}', 'the audited product')}")
    out += ["", "facts:"]
    for fact in product.facts:
        checked = fact.checked.isoformat() if fact.checked else "not re-checked"
        out.append(f"- [{fact.id}] {fact.topic}: {fact.statement} — {fact.source} ({fact.kind}; as of {fact.as_of}, checked {checked})")
    out += ["", "capabilities (sourced):"]
    for cap in taxonomy:
        status = product.capability(cap)
        if status is not None:
            note = f" ({status.note})" if status.note else ""
            out.append(f"- {taxonomy[cap].title}: {status.status}{note} [{status.fact}]")
    out += ["", "ratings (0-3):"]
    for dim, rating in product.ratings.items():
        out.append(f"- {dim}: {rating.score} [{rating.fact}]")
    typer.echo("\n".join(out))
    raise typer.Exit(0)


@group.command("check")
def check_command(
    kb: Path | None = typer.Option(None, "--kb", help="Knowledge-base folder (default: the packaged one)."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Validate the knowledge base: seed coverage, sources, dates, shared sentences, unknown cells.
    Exit 0 when valid, 1 when a rule is broken, 2 when the KB cannot be read."""
    from dwagent.competitors.kbcheck import check_kb

    if kb is not None and not kb.is_dir():
        raise UsageError(f"not a folder: {kb}", "pass the folder holding the KB YAML files")
    result = check_kb(kb)
    if as_json:
        typer.echo(
            json.dumps({"ok": result.ok, "errors": result.errors, "warnings": result.warnings, "stats": result.stats}, indent=2, sort_keys=True)
        )
    else:
        st = result.stats
        typer.echo(
            f"{st['entries']} entries, {st['facts']} facts; seed names covered {st['seed_covered']}/"
            f"{st['seed_names']}; secondary {st['secondary']} ({st['secondary_share']:.1%}); unknown cells "
            f"{st['unknown_cells']}/{st['matrix_cells']} ({st['unknown_share']:.1%}); max entries per "
            f"sentence {st['max_entries_per_sentence']}; as of {st['kb_as_of']}"
        )
        for line in result.errors:
            typer.echo(f"ERROR {line}")
        for line in result.warnings:
            typer.echo(f"warning {line}")
    raise typer.Exit(0 if result.ok else 1)


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError(f"{path} not found", "pass the output folder of `dwagent certify`") from exc
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a JSON object")
    return data


def load_report_dir(report_dir: Path) -> tuple[Path, Path | None, list, str | None, dict]:
    """(audited root, index folder or None, findings, product name or None, report dict) from a
    certify output folder. The product name is the report's `product`, else its `root_name`."""
    from dwagent.models import Finding

    run = _read_json(report_dir / "run.json")
    index = run.get("index") if isinstance(run.get("index"), dict) else {}
    root = run.get("root") or index.get("root")
    if not root:
        raise InputError(f"{report_dir / 'run.json'} names no audited root", "pass --root PATH")
    db_path = index.get("db_path")
    index_dir = Path(db_path).parent if db_path else None
    report = _read_json(report_dir / "findings.json")
    raw = report.get("findings", [])
    if not isinstance(raw, list):
        raise InputError(f"{report_dir / 'findings.json'}: 'findings' is not a list")
    findings = []
    for i, item in enumerate(raw):
        try:
            findings.append(Finding.model_validate(item))
        except Exception as exc:  # pydantic ValidationError; one bad record must be visible, not skipped
            raise InputError(f"findings.json: finding #{i} is not a valid Finding: {exc}") from exc
    product = report.get("product") or report.get("root_name") or None
    return Path(root), index_dir, findings, product, report


@group.command("compare")
def compare_command(
    report_dir: Path = typer.Argument(..., help="Output folder of `dwagent certify` (run.json, findings.json)."),
    name: str = typer.Argument(..., help="Product slug/name, or 'all' for the whole analysis."),
    product: str | None = typer.Option(None, "--product", help="Display name of the audited product (default: the report's product or root name)."),
    root: Path | None = typer.Option(None, "--root", help="Audited root (default: from run.json)."),
    index_dir: Path | None = typer.Option(None, "--index-dir", help="Index folder (default: from run.json)."),
    patterns: Path | None = typer.Option(None, "--patterns", help="Capability pattern YAML (default: packaged)."),
    write: Path | None = typer.Option(None, "--write", help="Also write the full competitive-analysis.md here."),
    llm: str | None = typer.Option(
        None,
        "--llm",
        help="Add checked model-written comparisons: none, openai:MODEL, anthropic:MODEL, openai-compatible:MODEL@URL (default: none or config).",
    ),
    no_cache: bool = typer.Option(False, "--no-cache", help="Bypass the LLM response cache."),
    metrics: Path | None = typer.Option(
        None, "--metrics", help="Also write the section metrics (sentence spread, specificity, unknown cells) as JSON here."
    ),
) -> None:
    """Compare the audited tree (evidence from a certify run) with one product, or with all.
    With --llm, a model-written paragraph per product is appended after the offline text, every
    sentence checked against the section's sources (the offline text is unchanged); what the
    model did and cost goes to stderr."""
    from dwagent.competitors.analysis import analyse
    from dwagent.competitors.loader import find_product
    from dwagent.competitors.profile import load_patterns
    from dwagent.competitors.render import render_markdown, render_section
    from dwagent.tools.index import open_index

    if not report_dir.is_dir():
        raise UsageError(f"not a folder: {report_dir}", "pass the output folder of `dwagent certify`")
    run_root, run_index, findings, report_product, report = load_report_dir(report_dir)
    target = None if name.lower() == "all" else find_product(name)
    mapping = load_patterns(patterns) if patterns else None
    gateway, extra = _gateway(llm, no_cache), ""
    with open_index(root or run_root, index_dir or run_index) as store:
        analysis = analyse(store, findings, patterns=mapping, product=product or report_product, report=report)
    full = render_markdown(analysis)
    if metrics is not None:
        from dwagent.competitors.loader import default_kb
        from dwagent.competitors.quality import section_metrics

        metrics.parent.mkdir(parents=True, exist_ok=True)
        metrics.write_text(json.dumps(section_metrics(analysis, default_kb()), indent=2, sort_keys=True), encoding="utf-8")
    if gateway is not None:
        from dwagent.competitors.prose import llm_comparisons_markdown

        gateway.register_secrets(findings)  # nothing the rules found secret leaves the machine
        chosen = (
            analysis
            if target is None
            else analysis.model_copy(update={"sections": tuple(s for s in analysis.sections if s.comparison.slug == target.slug)})
        )
        extra = llm_comparisons_markdown(gateway, chosen)
        if extra:
            full = full.rstrip("\n") + "\n\n" + extra
    if write is not None:
        write.parent.mkdir(parents=True, exist_ok=True)
        write.write_text(full, encoding="utf-8")
    if target is None:
        typer.echo(full)
    else:
        section = next(s for s in analysis.sections if s.comparison.slug == target.slug)
        typer.echo(render_section(section) + (("\n" + extra) if extra else ""))
    if gateway is not None:
        from dwagent.agents.llm.ledger import summary_lines

        for line in summary_lines(gateway.ledger.to_dict()):
            typer.echo(line, err=True)
    raise typer.Exit(0)


def _gateway(llm: str | None, no_cache: bool):
    """The LLM gateway for --llm (CLI > env > config file), or None for no model."""
    from dwagent.agents.llm.gateway import LLMGateway

    return LLMGateway.from_cli(llm, no_cache=no_cache)
