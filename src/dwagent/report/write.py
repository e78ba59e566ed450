"""Write every report file of a certification run into the output folder."""

from __future__ import annotations

import json
from pathlib import Path

from dwagent.errors import InputError
from dwagent.report.html import render_html
from dwagent.report.json_out import dumps, findings_json, run_json
from dwagent.report.markdown import render_appendix, render_markdown
from dwagent.report.model import Report
from dwagent.report.sarif import to_sarif
from dwagent.tools.rules.registry import all_rules

FILES = ("CERTIFICATION.md", "FINDINGS.md", "findings.json", "findings.sarif", "report.html", "run.json")


def _sarif(report: Report) -> tuple[str | None, str]:
    """findings.sarif through the rules' SARIF writer; (None, reason) when it is unavailable."""
    try:
        rc_of = {fid: rc.id for rc in report.root_causes for fid in rc.finding_ids}
        doc = to_sarif(
            list(report.findings), list(all_rules()), tool_version=report.tool_version, root_cause_of=rc_of, skips=report.inventory.get("skipped", [])
        )
    except Exception as exc:  # the SARIF file is one output among five; say why it is missing
        return None, f"SARIF writer failed: {type(exc).__name__}: {exc}"
    return (doc if isinstance(doc, str) else dumps(doc)), ""


def write_reports(
    report: Report,
    out_dir: Path,
    *,
    generated_at: str,
    timings: dict,
    index_summary: dict,
    rules_info: dict,
    llm_usage: dict | None = None,
    llm_lines: tuple[str, ...] = (),
    resumed: bool = False,
    optional: dict[str, str] | None = None,
) -> dict[str, str]:
    """Write the report files; returns name -> path (or the reason a file was not written).

    `llm_usage` is the LLM ledger's dict (None: no model configured) and `llm_lines` its sentences
    for the reader (the caller renders them with agents/llm/ledger.summary_lines, offline too):
    the report renders what it is given and does not depend on the LLM package. `optional` says
    which optional extras did not run and why (run.json)."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create output folder {out_dir}: {exc.strerror}", hint="pass --out to a writable folder") from exc
    outputs: dict[str, str] = {}
    (out_dir / "CERTIFICATION.md").write_text(render_markdown(report, generated_at, tuple(llm_lines)), encoding="utf-8")
    (out_dir / "FINDINGS.md").write_text(render_appendix(report, generated_at), encoding="utf-8")
    (out_dir / "findings.json").write_text(findings_json(report), encoding="utf-8")
    # the page gains an "LLM assistance" section only when a model was configured (offline: unchanged)
    html_llm = tuple(llm_lines) if llm_usage is not None else ()
    (out_dir / "report.html").write_text(render_html(report, generated_at, html_llm), encoding="utf-8")
    sarif, why = _sarif(report)
    if sarif is not None:
        (out_dir / "findings.sarif").write_text(sarif, encoding="utf-8")
        outputs["findings.sarif"] = str(out_dir / "findings.sarif")
    else:
        stale = out_dir / "findings.sarif"
        if stale.exists():
            stale.unlink()
        outputs["findings.sarif"] = f"NOT WRITTEN: {why}"
    for name in ("CERTIFICATION.md", "FINDINGS.md", "findings.json", "report.html"):
        outputs[name] = str(out_dir / name)
    # The competitor analyst renders the full comparison; it is written beside CERTIFICATION.md.
    competitive_md = (report.competitive or {}).get("markdown")
    if isinstance(competitive_md, str) and competitive_md:
        (out_dir / "competitive-analysis.md").write_text(competitive_md, encoding="utf-8")
        outputs["competitive-analysis.md"] = str(out_dir / "competitive-analysis.md")
    outputs["run.json"] = str(out_dir / "run.json")
    (out_dir / "run.json").write_text(
        run_json(
            report,
            generated_at=generated_at,
            timings=timings,
            index_summary=index_summary,
            rules_info=rules_info,
            llm_usage=llm_usage,
            resumed=resumed,
            outputs=dict(sorted(outputs.items())),
            optional=optional,
        ),
        encoding="utf-8",
    )
    return dict(sorted(outputs.items()))


def load_report(path: Path) -> Report:
    """A Report from findings.json (or a folder holding it), for `dwagent diff`."""
    target = path / "findings.json" if path.is_dir() else path
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read {target}: {exc.strerror}", hint="pass a report folder or its findings.json") from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"{target} is not valid JSON: {exc}", hint="pass a findings.json written by dwagent certify") from exc
    try:
        return Report.model_validate(data)
    except Exception as exc:
        raise InputError(
            f"{target} is not a dwagent report: {str(exc).splitlines()[0]}", hint="pass a findings.json written by dwagent certify"
        ) from exc
