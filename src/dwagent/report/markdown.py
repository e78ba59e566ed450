"""CERTIFICATION.md: the human report. Renders the report model only; exactly one line
(`Generated:`) varies between runs on the same tree and rubric."""
from __future__ import annotations

from collections import Counter

from dwagent.report.model import Report
from dwagent.report.text import anchor, md_code, md_inline

_LANG = {".cs": "csharp", ".py": "python"}
TIMESTAMP_PREFIX = "Generated: "


def _lang(path: str) -> str:
    for suffix, lang in _LANG.items():
        if path.endswith(suffix):
            return lang
    return ""


def _flink(fid: str) -> str:
    return f"[{fid}](#{anchor(fid)})"


def _elink(eid: str) -> str:
    return f"[{eid}](#{anchor(eid)})"


def _ids(report: Report, evidence_ids, finding_ids, limit: int = 6) -> str:
    parts = [_elink(e) for e in list(evidence_ids)[:limit]] + [_flink(f) for f in list(finding_ids)[:limit]]
    extra = max(0, len(evidence_ids) - limit) + max(0, len(finding_ids) - limit)
    return (" ".join(parts) + (f" +{extra} more" if extra else "")) or "—"


def _items(title: str, items, empty: str) -> list[str]:
    out = [f"## {title}", ""]
    if not items:
        return out + [empty, ""]
    for i, it in enumerate(items, 1):
        loc = f" `{md_inline(it.location)}`" if it.location else ""
        links = " " + " ".join(_flink(f) for f in it.finding_ids[:5]) if it.finding_ids else ""
        out.append(f"{i}. **{it.kind}** {md_inline(it.reason, 300)}{loc} — *{md_inline(it.action, 200)}*{links}")
    return out + [""]


def _matrix(title: str, rows, report: Report, empty: str) -> list[str]:
    out = [f"## {title}", ""]
    if not rows:
        return out + [empty, ""]
    cell_names = sorted({c for r in rows for c in r.cells})
    show_cells = len(cell_names) <= 8
    head = ["id", "name", "status"] + (cell_names if show_cells else []) + ["reason", "evidence"]
    out.append("| " + " | ".join(head) + " |")
    out.append("|" + "---|" * len(head))
    for r in rows:
        cells = [r.cells[c].status if c in r.cells else "" for c in cell_names] if show_cells else []
        out.append("| " + " | ".join([md_inline(r.id), md_inline(r.name), f"**{r.status}**", *cells, md_inline(r.reason, 200), _ids(report, r.evidence_ids, r.finding_ids, 3)]) + " |")
    return out + [""]


def _gates(report: Report) -> list[str]:
    out = ["## Hard gates", ""]
    if not report.gates:
        return out + ["No gate applies to this tree.", ""]
    out += ["| gate | kind | status | effect | reason | evidence |", "|---|---|---|---|---|---|"]
    for g in report.gates:
        out.append(f"| {md_inline(g.name)} (`{g.id}`) | {g.kind} | **{g.status}** | {g.effect} | {md_inline(g.reason, 200)} | {_ids(report, g.evidence_ids, g.finding_ids, 3)} |")
    return out + [""]


def _flows(report: Report) -> list[str]:
    out = ["## Flow traces", ""]
    if not report.flows:
        return out + ["The rubric declares no flows.", ""]
    for fl in report.flows:
        out += [f"### {md_inline(fl.name)} — **{fl.status}**", "", md_inline(fl.reason, 300), ""]
        out += ["| # | waypoint | found | symbol | location | hop checks |", "|---|---|---|---|---|---|"]
        for i, hop in enumerate(fl.hops, 1):
            loc = f"`{md_inline(hop.file)}:{hop.line}`" if hop.found else "NOT FOUND"
            checks = " · ".join(f"{k} {v}" for k, v in sorted(hop.checks.items()))
            out.append(f"| {i} | {md_inline(hop.name)} | {'yes' if hop.found else 'no'} | {md_inline(hop.symbol, 80)} | {loc} | {checks} |")
        out += ["", "| check | status | reason | evidence |", "|---|---|---|---|"]
        for name, c in fl.cells.items():
            out.append(f"| {name} | **{c.status}** | {md_inline(c.reason, 160)} | {_ids(report, c.evidence_ids, c.finding_ids, 3)} |")
        out.append("")
    return out


def _claims(report: Report) -> list[str]:
    out = ["## Claims vs evidence", ""]
    if not report.claims:
        return out + ["No checkable claims found in the tree's documents.", ""]
    out += ["| claim | where | status | reason | evidence |", "|---|---|---|---|---|"]
    for c in report.claims:
        out.append(f"| {md_inline(c.text, 160)} | `{md_inline(c.file)}:{c.line}` | **{c.status}** | {md_inline(c.reason, 120)} | {_ids(report, c.evidence_ids, c.finding_ids, 3)} |")
    return out + [""]


def _quality(report: Report) -> list[str]:
    q = report.quality
    out = ["## Code-quality summary", ""]
    out.append(f"Counted findings: {q.get('counted', 0)} · accepted by baseline: {q.get('accepted', 0)} · dropped by review: {q.get('dropped', 0)} · suppressed in-tree (still counted): {q.get('suppressed_in_tree', 0)}")
    out.append("")
    if q.get("by_severity"):
        out.append("By severity: " + ", ".join(f"{k} {v}" for k, v in q["by_severity"].items()))
    if q.get("by_category"):
        out.append("")
        out.append("By category: " + ", ".join(f"{k} {v}" for k, v in q["by_category"].items()))
    inv = report.inventory
    out += ["", f"Inventory: {inv.get('source_files', 0)} source files; languages: "
            + ", ".join(f"{k} {v['files']} files/{v['lines']} lines" for k, v in inv.get("languages", {}).items() if k in ("csharp", "python"))
            + f"; test/production line ratio: {inv.get('test_to_production_lines')}; tests indexed: {inv.get('tests_indexed')}", ""]
    return out + _skipped(inv)


def _skipped(inv: dict) -> list[str]:
    # every file the index did not analyse is listed with its reason (the tree may hide code there)
    skipped = inv.get("skipped", [])
    if not skipped:
        return []
    not_assessed = {s["path"] for s in inv.get("unassessed_sources", [])}
    # deliberate skips (exclude globs, .gitignore, in-tree symlinks) are counted, every other one
    # is listed: those are the files the audit could not read
    deliberate = Counter(s["reason"] for s in skipped if s["reason"] in ("excluded", "ignored", "symlink-internal"))
    unread = [s for s in skipped if s["reason"] not in deliberate]
    out = [f"Files not analysed: {len(unread)} unreadable as text (production source NOT ASSESSED: {len(not_assessed)})"
           + (f"; skipped on purpose: {', '.join(f'{k} {v}' for k, v in sorted(deliberate.items()))} (findings.json lists them)"
              if deliberate else ""), ""]
    for s in unread:
        mark = " — **NOT ASSESSED**" if s["path"] in not_assessed else ""
        # paths and details come from the audited tree: hostile text, escaped like any other
        path = f"`{s['path']}`" if "`" not in s["path"] and "\n" not in s["path"] else md_inline(s["path"])
        detail = f" ({md_inline(s['detail'])})" if s.get("detail") else ""
        out.append(f"- {path}: {s['reason']}{detail}{mark}")
    return out + [""]


def _competitive(report: Report) -> list[str]:
    c = report.competitive or {}
    out = ["## Competitive analysis", ""]
    if c.get("status") != "RAN":
        return out + [f"NOT RUN: {md_inline(c.get('reason', 'not available'))}", ""]
    summary = c.get("summary") or c.get("headline") or ""
    # The summary is line-structured (a lead paragraph, then a numbered list); keep its lines,
    # drop its own heading (this section has one) and escape each line, since it quotes paths.
    kept = 0
    for line in str(summary).splitlines():
        if line.startswith("#") or (not kept and not line.strip()):
            continue
        if kept < 40:
            out.append(md_inline(line.replace("`", ""), 600) if line.strip() else "")
            kept += 1
    if summary:
        out.append("")
    out.append("Details: see `findings.json` → `competitive`.")
    return out + [""]


def _finding(report: Report, f, dropped: bool = False) -> list[str]:
    out = [f'<a id="{anchor(f.id)}"></a>', f"### {f.id} — {f.severity} {f.category} ({f.rule})", ""]
    out.append(f"`{md_inline(f.file)}:{f.start_line}-{f.end_line}` · scope {f.scope} · confidence {f.confidence} · reachability {f.reachability}" + (f" · CWE {', '.join(str(c) for c in f.cwe)}" if f.cwe else ""))
    out += ["", md_inline(f.message, 600), "", md_code(f.excerpt, _lang(f.file)), ""]
    if f.suppression:
        out.append(f"Suppression ({f.suppression.kind}): {md_inline(f.suppression.justification, 200)} {md_inline(f.suppression.location)}")
    for r in f.review:
        ev = " " + " ".join(_elink(e) for e in r.evidence_ids) if r.evidence_ids else ""
        out.append(f"- review {r.challenge}: **{r.outcome}** — {md_inline(r.detail, 200)}{ev}")
    return out + [""]


def render_markdown(report: Report, generated_at: str, llm_lines: tuple[str, ...] = ()) -> str:
    """The full CERTIFICATION.md text. `llm_lines` says what a model did (or that none was used),
    so a model that failed or was switched off is never silent in the report."""
    out = [
        f"# Certification report: {md_inline(report.root_name)}",
        "",
        f"{TIMESTAMP_PREFIX}{generated_at}",
        "",
        f"**Verdict: {report.verdict}**",
        "",
        f"Rubric `{md_inline(report.rubric)}` (sha256 {report.rubric_sha256[:12]}) · dwagent {report.tool_version} · rules {report.rules_version or 'n/a'}",
        "",
        "## Verdict and rationale",
        "",
        f"{report.verdict}: {md_inline(report.rationale)}. P0 items: {len(report.p0)} · conditions: {len(report.conditions)} · notes: {len(report.notes)}.",
        "",
    ]
    if report.not_run:
        out += ["Parts that did not run: " + "; ".join(f"{k}: {md_inline(v)}" for k, v in report.not_run.items()), ""]
    out += _items("P0 list (must fix before certification)", report.p0, "None.")
    out += _items("Conditions for certification", report.conditions, "None.")
    out += _gates(report)
    out += _matrix("Domain matrix", report.domains, report, "No domains.")
    out += _matrix("Tier matrix", report.tiers, report, "The rubric declares no tiers.")
    out += _matrix("Plugin matrix", report.plugins, report, "No plugin folders match the rubric.")
    out += _flows(report)
    out += _quality(report)
    out += _claims(report)
    out += _competitive(report)
    if llm_lines:
        out += ["## LLM assistance", "", *(f"- {md_inline(line)}" for line in llm_lines), ""]
    sup = [f for f in report.findings if f.suppression]
    out += ["## Suppressions", ""]
    if sup:
        for f in sup:
            counted = "accepted (not counted)" if f.suppression.kind == "certifier-baseline" else "listed, still counted"
            out.append(f"- {_flink(f.id)} {f.suppression.kind}: {counted} — {md_inline(f.suppression.justification, 200)}")
    else:
        out.append("None.")
    out += ["", "## Findings", ""]
    for f in report.findings:
        out += _finding(report, f)
    out += ["## Dropped by the hostile reviewer", ""]
    if not report.dropped:
        out.append("None.")
    for f in report.dropped:
        last = f.review[-1] if f.review else None
        why = f"{last.challenge}: {md_inline(last.detail, 120)}" if last else ""
        out.append(f'- <a id="{anchor(f.id)}"></a>{f.id} {f.rule} `{md_inline(f.file)}:{f.start_line}` — {why}')
    out += ["", "## Evidence", ""]
    for eid, ev in report.evidence.items():
        where = f"`{md_inline(ev.file)}:{ev.start_line}-{ev.end_line}`" if ev.file and ev.start_line else md_inline(ev.file or ev.kind)
        out.append(f'<a id="{anchor(eid)}"></a>**{eid}** ({ev.kind}) {where} {md_inline(ev.note, 300)}')
        if ev.excerpt:
            out += ["", md_code(ev.excerpt, _lang(ev.file))]
        out.append("")
    return "\n".join(out).rstrip() + "\n"
