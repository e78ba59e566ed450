"""CERTIFICATION.md: the human report. Renders the report model only; exactly one line
(`Generated:`) varies between runs on the same tree and rubric."""

from __future__ import annotations

from collections import Counter

from dwagent.report.competitive_md import competitive_section
from dwagent.report.model import Report
from dwagent.report.page_one import page_one, root_cause_table
from dwagent.report.text import anchor, md_code, md_inline

_LANG = {".cs": "csharp", ".py": "python"}
TIMESTAMP_PREFIX = "Generated: "


def _lang(path: str) -> str:
    for suffix, lang in _LANG.items():
        if path.endswith(suffix):
            return lang
    return ""


def _flink(fid: str) -> str:
    return f"[{fid}](FINDINGS.md#{anchor(fid)})"


def _elink(eid: str) -> str:
    return f"[{eid}](FINDINGS.md#{anchor(eid)})"


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
        out.append(
            "| "
            + " | ".join(
                [
                    md_inline(r.id),
                    md_inline(r.name),
                    f"**{r.status}**",
                    *cells,
                    md_inline(r.reason, 200),
                    _ids(report, r.evidence_ids, r.finding_ids, 3),
                ]
            )
            + " |"
        )
    return out + [""]


def _gates(report: Report) -> list[str]:
    out = ["## Hard gates", ""]
    if not report.gates:
        return out + ["No gate applies to this tree.", ""]
    out += ["| gate | kind | status | effect | reason | evidence |", "|---|---|---|---|---|---|"]
    for g in report.gates:
        out.append(
            f"| {md_inline(g.name)} (`{g.id}`) | {g.kind} | **{g.status}** | {g.effect} | {md_inline(g.reason, 200)} | {_ids(report, g.evidence_ids, g.finding_ids, 3)} |"
        )
    return out + [""]


def _flows(report: Report) -> list[str]:
    out = ["## Flow traces", ""]
    if not report.flows:
        return out + ["The rubric declares no flows.", ""]
    for fl in report.flows:
        out += [f"### {md_inline(fl.name)} — **{fl.status}**", "", md_inline(fl.reason, 300), ""]
        out += ["| # | waypoint | found | symbol | location | hop checks |", "|---|---|---|---|---|---|"]
        for i, hop in enumerate(fl.hops, 1):
            loc = f"`{md_inline(hop.file)}:{hop.line}`" if hop.found else md_inline(hop.via or "NOT FOUND", 300)  # what was searched, nearest
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
        out.append(
            f"| {md_inline(c.text, 160)} | `{md_inline(c.file)}:{c.line}` | **{c.status}** | {md_inline(c.reason, 120)} | {_ids(report, c.evidence_ids, c.finding_ids, 3)} |"
        )
    return out + [""]


def _quality(report: Report) -> list[str]:
    c = report.counts
    f = c.get("findings", {})
    out = ["## Code-quality summary", ""]
    out.append(
        f"Counted findings: {f.get('counted', 0)} (production {f.get('production', 0)}, test {f.get('test', 0)}) · accepted by baseline: "
        f"{f.get('accepted', 0)} · dropped by review: {f.get('dropped', 0)} · root causes: {c.get('root_causes', {}).get('total', 0)}"
    )
    out.append("")
    if f.get("by_severity"):
        out.append("By severity: " + ", ".join(f"{k} {v}" for k, v in f["by_severity"].items()))
    q = report.quality
    if q.get("by_category"):
        out += ["", "By category: " + ", ".join(f"{k} {v}" for k, v in q["by_category"].items())]
    if c.get("gate_values"):
        out += ["", "Measured by the threshold gates: " + ", ".join(f"{k} {v}" for k, v in c["gate_values"].items())]
    inv = report.inventory
    out += [
        "",
        f"Inventory: {inv.get('source_files', 0)} source files; languages: "
        + ", ".join(f"{k} {v['files']} files/{v['lines']} lines" for k, v in inv.get("languages", {}).items() if k in ("csharp", "python"))
        + f"; test/production line ratio: {inv.get('test_to_production_lines')}; tests indexed: {inv.get('tests_indexed')}",
        "",
    ]
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
    out = [
        f"Files not analysed: {len(unread)} unreadable as text (production source NOT ASSESSED: {len(not_assessed)})"
        + (f"; skipped on purpose: {', '.join(f'{k} {v}' for k, v in sorted(deliberate.items()))} (findings.json lists them)" if deliberate else ""),
        "",
    ]
    for s in unread:
        mark = " — **NOT ASSESSED**" if s["path"] in not_assessed else ""
        # paths and details come from the audited tree: hostile text, escaped like any other
        path = f"`{s['path']}`" if "`" not in s["path"] and "\n" not in s["path"] else md_inline(s["path"])
        detail = f" ({md_inline(s['detail'])})" if s.get("detail") else ""
        out.append(f"- {path}: {s['reason']}{detail}{mark}")
    return out + [""]


def _finding(report: Report, f, dropped: bool = False) -> list[str]:
    out = [f'<a id="{anchor(f.id)}"></a>', f"### {f.id} — {f.severity} {f.category} ({f.rule})", ""]
    out.append(
        f"`{md_inline(f.file)}:{f.start_line}-{f.end_line}` · scope {f.scope} · confidence {f.confidence} · reachability {f.reachability}"
        + (f" · CWE {', '.join(str(c) for c in f.cwe)}" if f.cwe else "")
    )
    out += ["", md_inline(f.message, 600), "", md_code(f.excerpt, _lang(f.file)), ""]
    if f.suppression:
        out.append(f"Suppression ({f.suppression.kind}): {md_inline(f.suppression.justification, 200)} {md_inline(f.suppression.location)}")
    for r in f.review:
        ev = " " + " ".join(_elink(e) for e in r.evidence_ids) if r.evidence_ids else ""
        out.append(f"- review {r.challenge}: **{r.outcome}** — {md_inline(r.detail, 200)}{ev}")
    return out + [""]


def _root_cause_details(report: Report, rcs) -> list[str]:
    out = ['<a id="root-cause-details"></a>', "## Root cause details", ""]
    for i, rc in enumerate(rcs, 1):
        out += [f'<a id="rc-{rc.id.lower()}"></a>', f"### {i}. {md_inline(rc.title, 160)} ({rc.id})", ""]
        head = f"{rc.kind}" + (f" · {rc.rule} · {rc.category} · worst severity {rc.severity}" if rc.rule else "")
        sites = f", {rc.sites} site(s)" if rc.sites > 1 and rc.sites != rc.files else ""
        out.append(f"{head} · {rc.count} location(s) in {rc.files} file(s){sites}, {len(rc.components)} component(s) · effect **{rc.effect}**")
        out += [
            "",
            f"- What is wrong: {md_inline(rc.what, 400)}",
            f"- Why it {'blocks' if rc.effect == 'block' else 'matters'}: "
            + (f"{md_inline(rc.blocking, 200)} — " if rc.blocking else "")
            + md_inline(rc.why, 300),
        ]
        if rc.blocks:
            out.append(
                f"- It makes these cells FAIL: {md_inline('; '.join(rc.blocks[:8]), 600)}"
                + (f" (+{len(rc.blocks) - 8} more)" if len(rc.blocks) > 8 else "")
            )
        out += [f"- Fix: {md_inline(rc.fix, 300)}", f"- Re-audit verifies: {md_inline(rc.verify, 300)}", ""]
        for c in rc.cited:
            where = f"`{md_inline(c.file)}:{c.line}`" if c.line else md_inline(c.file or c.component or "—")
            link = f" [{c.finding_id}](FINDINGS.md#{anchor(c.finding_id)})" if c.finding_id else ""
            out.append(f"{where}{link} {md_inline(c.note, 200)}")
            if c.excerpt:
                out += ["", md_code(c.excerpt, _lang(c.file)), ""]
        if rc.count > len(rc.cited):
            out.append(f"All {rc.count} locations: FINDINGS.md, findings.json (root cause {rc.id}).")
        out.append("")
    return out


def _other_root_causes(report: Report) -> list[str]:
    conds = [rc for rc in report.root_causes if rc.effect == "condition"]
    notes = [rc for rc in report.root_causes if rc.effect == "note"]
    out = [f"## Conditions for certification ({len(conds)} root causes)", ""]
    out += root_cause_table(conds[:60]) if conds else ["None."]
    if len(conds) > 60:
        out.append(f"\n+{len(conds) - 60} more conditions in FINDINGS.md and findings.json.")
    out += ["", f"Notes (not blocking, not conditions): {len(notes)} root cause(s) — listed in FINDINGS.md.", ""]
    return out


def _entry_points(report: Report) -> list[str]:
    """Minimal rendering of the entry-point inventory (network ways in first; bus subscriptions counted)."""
    out = ["## Entry points (trust boundaries)", ""]
    rows = [e for e in report.entry_points if e.get("network") or e.get("kind") == "plugin-load"]
    bus = [e for e in report.entry_points if e.get("kind") == "bus-subscription"]
    if not report.entry_points:
        return out + ["None found (or the code graph did not run).", ""]
    out += ["| kind | where | bind | tls | auth | evidence for auth |", "|---|---|---|---|---|---|"]
    for e in rows:
        out.append(
            f"| {e['kind']} | `{md_inline(e['file'])}:{e['line']}` | {e['bind']} | {e['tls']} | **{e['auth']}** | "
            f"{md_inline(e['auth_evidence'], 160)} |"
        )
    unauth = sum(1 for e in bus if e.get("auth") == "none")
    out += [
        "",
        f"Message-bus subscriptions: {len(bus)} ({unauth} whose handler does not verify the publisher); "
        "full list in `findings.json` → `entry_points`.",
        "",
    ]
    return out


def render_markdown(report: Report, generated_at: str, llm_lines: tuple[str, ...] = ()) -> str:
    """CERTIFICATION.md: page one (decision, blocking root causes, NOT ASSESSED), then the root
    cause details, the matrices and the flows. Every finding, the dropped ones and the evidence
    are in FINDINGS.md (render_appendix). `llm_lines` says what a model did (or that none was used),
    so a model that failed or was switched off is never silent in the report."""
    blocking = [rc for rc in report.root_causes if rc.effect == "block"]
    out = [
        f"# Certification report: {md_inline(report.root_name)}",
        "",
        f"{TIMESTAMP_PREFIX}{generated_at}",
        "",
        f"**Verdict: {report.verdict}**",
        "",
        f"Rubric `{md_inline(report.rubric)}` (sha256 {report.rubric_sha256[:12]}) · dwagent {report.tool_version} · rules {report.rules_version or 'n/a'}",
        "",
        *page_one(report),
        "## Verdict and rationale",
        "",
        f"{report.verdict}: {md_inline(report.rationale)}. P0 items: {report.counts.get('p0', len(report.p0))} · conditions: "
        f"{report.counts.get('conditions', len(report.conditions))} · notes: {report.counts.get('notes', len(report.notes))}.",
        "",
    ]
    if report.not_run:
        out += ["Parts that did not run: " + "; ".join(f"{k}: {md_inline(v)}" for k, v in report.not_run.items()), ""]
    out += _root_cause_details(report, blocking)
    out += ["## P0 list (must fix before certification)", "", f"The {len(blocking)} blocking root causes above are the P0 list.", ""]
    out += _other_root_causes(report)
    out += _gates(report)
    out += _matrix("Domain matrix", report.domains, report, "No domains.")
    out += _matrix("Tier matrix", report.tiers, report, "The rubric declares no tiers.")
    out += _matrix("Plugin matrix", report.plugins, report, "No plugin folders match the rubric.")
    out += _flows(report)
    out += _entry_points(report)
    out += _quality(report)
    out += _claims(report)
    out += competitive_section(report.competitive or {})
    if llm_lines:
        out += ["## LLM assistance", "", *(f"- {md_inline(line)}" for line in llm_lines), ""]
    sup = [f for f in report.findings if f.suppression]
    out += ["## Suppressions", "", f"{len(sup)} finding(s) carry a suppression; each is listed in FINDINGS.md.", ""]
    out += [
        "## Findings",
        "",
        f"All {report.counts.get('findings', {}).get('total', len(report.findings))} findings, grouped by root cause, "
        "with excerpts and review records: [FINDINGS.md](FINDINGS.md) and findings.json.",
        "",
    ]
    out += ["## Evidence", "", f"{len(report.evidence)} evidence record(s) cited by the cells: [FINDINGS.md](FINDINGS.md#evidence).", ""]
    return "\n".join(out).rstrip() + "\n"


def render_appendix(report: Report, generated_at: str) -> str:
    """FINDINGS.md: every finding (grouped by root cause), the suppressions, the dropped findings
    and the evidence, for whoever fixes the code."""
    out = [
        f"# Findings appendix: {md_inline(report.root_name)}",
        "",
        f"{TIMESTAMP_PREFIX}{generated_at}",
        "",
        f"Verdict: **{report.verdict}** — see CERTIFICATION.md. {report.counts.get('findings', {}).get('total', len(report.findings))} finding(s) "
        f"in {report.counts.get('root_causes', {}).get('total', len(report.root_causes))} root cause(s).",
        "",
    ]
    by_id = {f.id: f for f in report.findings}
    for rc in report.root_causes:
        if not rc.finding_ids:
            continue
        out += [
            f'<a id="rc-{rc.id.lower()}"></a>',
            f"## {rc.id} — {md_inline(rc.title, 160)} ({rc.effect}, {rc.count})",
            "",
            f"Fix: {md_inline(rc.fix, 300)}",
            "",
        ]
        for fid in rc.finding_ids:
            if fid in by_id:
                out += _finding(report, by_id[fid])
    grouped = {fid for rc in report.root_causes for fid in rc.finding_ids}
    rest = [f for f in report.findings if f.id not in grouped]
    if rest:  # accepted by the certifier's baseline (not counted), or a report without root causes
        out += ["## Findings in no root cause", ""]
        for f in rest:
            out += _finding(report, f)
    sup = [f for f in report.findings if f.suppression]
    out += ["## Suppressions", ""]
    for f in sup:
        counted = "accepted (not counted)" if f.suppression.kind == "certifier-baseline" else "listed, still counted"
        out.append(f"- {_flink(f.id)} {f.suppression.kind}: {counted} — {md_inline(f.suppression.justification, 200)}")
    if not sup:
        out.append("None.")
    out += ["", "## Dropped by the hostile reviewer", ""]
    if not report.dropped:
        out.append("None.")
    for f in report.dropped:
        last = f.review[-1] if f.review else None
        why = f"{last.challenge}: {md_inline(last.detail, 120)}" if last else ""
        out.append(f'- <a id="{anchor(f.id)}"></a>{f.id} {f.rule} `{md_inline(f.file)}:{f.start_line}` — {why}')
    out += ["", '<a id="evidence"></a>', "## Evidence", ""]
    for eid, ev in report.evidence.items():
        where = f"`{md_inline(ev.file)}:{ev.start_line}-{ev.end_line}`" if ev.file and ev.start_line else md_inline(ev.file or ev.kind)
        out.append(f'<a id="{anchor(eid)}"></a>**{eid}** ({ev.kind}) {where} {md_inline(ev.note, 300)}')
        if ev.excerpt:
            out += ["", md_code(ev.excerpt, _lang(ev.file))]
        out.append("")
    return "\n".join(out).rstrip() + "\n"
