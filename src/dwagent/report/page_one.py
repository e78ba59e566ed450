"""Page one of CERTIFICATION.md: the decision, why, the blocking root causes, what changed since
the baseline, and what was NOT ASSESSED. A release manager reads this page and nothing else."""

from __future__ import annotations

from dwagent.report.model import Report, RootCause
from dwagent.report.text import md_inline

ANALYSED_LANGUAGES = ("csharp", "python")
# Languages that hold code the rules could have read; other indexed kinds are data or markup.
CODE_LANGUAGES = frozenset({"csharp", "python", "razor", "cshtml", "ps1", "javascript", "typescript", "java", "go", "sql", "shell"})


def _short_cite(c) -> str:
    if c.line:
        return f"`{md_inline(c.file.rsplit('/', 1)[-1])}:{c.line}`"
    return md_inline((c.file.rsplit("/", 1)[-1] if c.file else "") or c.component or c.note, 40)


def _where(rc: RootCause) -> str:
    """N locations and the 3 cited by file name (full paths are in the details below)."""
    cited = ", ".join(_short_cite(c) for c in rc.cited[:3])
    comps = f"/{len(rc.components)} comp." if len(rc.components) > 1 else ""
    return f"{rc.count}{comps}: {cited}" if cited else f"{rc.count}{comps}"


def _why(rc: RootCause) -> str:
    """Why it blocks: the policy's reason (severity, a forbidden category, a gate) and the rule's own why."""
    cells = f" ({len(rc.blocks)} cell(s) FAIL)" if rc.blocks else ""
    because = f"{md_inline(rc.blocking, 70)}: " if rc.blocking else ""
    return because + md_inline(rc.why, 110) + cells


def root_cause_table(rcs: list[RootCause], anchor_prefix: str = "rc") -> list[str]:
    """One row per root cause: what is wrong, where (N, 3 cited), why it blocks, the fix."""
    out = ["| # | what is wrong | where (N, 3 cited) | why it blocks | fix |", "|---|---|---|---|---|"]
    for i, rc in enumerate(rcs, 1):
        label = f"[{rc.severity or rc.kind}](#{anchor_prefix}-{rc.id.lower()})"
        out.append(f"| {i} | {label} {md_inline(rc.title, 90)} | {_where(rc)} | {_why(rc)} | {md_inline(rc.fix, 110)} |")
    return out


def blocking_line(i: int, rc: RootCause) -> str:
    """Page one's line for a blocking root cause: title, severity, N locations, the most telling one."""
    first = _short_cite(rc.cited[0]) if rc.cited else ""
    comps = f" in {len(rc.components)} components" if len(rc.components) > 1 else ""
    at = f", e.g. {first}" if first else ""
    return f"{i}. **{rc.severity or rc.kind}** [{md_inline(rc.title, 80)}](#rc-{rc.id.lower()}) — {rc.count} location(s){comps}{at}"


def not_assessed_items(report: Report) -> list[tuple[str, str]]:
    """(what, why) for everything the audit did not establish (raw text; writers escape)."""
    items: list[tuple[str, str]] = []
    for g in report.gates:
        if g.status in ("NOT RUN", "NOT VERIFIED"):
            tail = ". Nothing in this report says the code builds or its tests pass." if g.kind == "command" else ""
            items.append((f"{g.name}: {g.status}", f"{g.reason}{tail}"))
    for part, why in report.not_run.items():
        items.append((f"{part} NOT RUN", why))
    inv = report.inventory
    skips = inv.get("skips") or {}
    if skips:
        items.append(("Files not read", ", ".join(f"{k} {v}" for k, v in sorted(skips.items()))))
    if inv.get("files_with_parse_errors"):
        items.append(("Files with syntax errors", f"{inv['files_with_parse_errors']} (the rest of each file was analysed)"))
    langs = inv.get("languages") or {}
    other = sorted((k, v) for k, v in langs.items() if k not in ANALYSED_LANGUAGES and k in CODE_LANGUAGES)
    if other:
        items.append(("Code in languages the rules do not analyse", ", ".join(f"{k} {v['files']} files / {v['lines']} lines" for k, v in other)))
    empty = [d.name for d in report.domains if not d.details.get("files")]
    if empty:
        items.append(("Domains with no source files (nothing assessed)", ", ".join(empty)))
    unverified = [
        (kind, r.id)
        for kind, rows in (("domain", report.domains), ("tier", report.tiers), ("plugin", report.plugins), ("flow", report.flows))
        for r in rows
        if r.status in ("NOT VERIFIED", "NOT RUN")
    ]
    if unverified:
        items.append(
            (
                f"Cells NOT VERIFIED (evidence too thin to decide): {len(unverified)}",
                ", ".join(f"{k} {i.rsplit('/', 1)[-1]}" for k, i in unverified[:12]) + (" …" if len(unverified) > 12 else ""),
            )
        )
    return items


def not_assessed(report: Report) -> list[str]:
    """The NOT ASSESSED list as Markdown bullets."""
    items = not_assessed_items(report)
    return [f"- **{md_inline(what)}** — {md_inline(why, 400)}" for what, why in items] or ["- Every gate ran and every part of the audit ran."]


def assessed(report: Report) -> str:
    """One line: what the audit did read and judge."""
    c = report.counts
    inv = report.inventory
    langs = inv.get("languages") or {}
    read = ", ".join(f"{k} {langs[k]['files']} files / {langs[k]['lines']} lines" for k in ANALYSED_LANGUAGES if k in langs)
    cells = c.get("cells", {})
    n = {k: sum(v.values()) for k, v in cells.items()}
    return (
        f"Assessed: {read or 'no source'}; {c.get('findings', {}).get('counted', 0)} counted finding(s) after hostile review "
        f"({c.get('findings', {}).get('dropped', 0)} dropped); cells judged: {n.get('gates', 0)} gates, {n.get('domains', 0)} domains, "
        f"{n.get('tiers', 0)} tiers, {n.get('plugins', 0)} plugins, {n.get('flows', 0)} flows."
    )


def comparison(report: Report) -> list[str]:
    """What changed since the baseline report (empty without one)."""
    cmp = report.comparison
    if not cmp:
        return []
    moved = "moved" if cmp["old_verdict"] != cmp["new_verdict"] else "did not move"
    out = [
        "## Since the baseline",
        "",
        f"Verdict {moved}: {cmp['old_verdict']} → **{cmp['new_verdict']}** (baseline `{md_inline(cmp.get('baseline', ''))}`). "
        f"Findings: {cmp['new']} new, {cmp['fixed']} fixed, {cmp['unchanged']} unchanged. Blocking root causes: "
        f"{len(cmp.get('new_root_causes', []))} new, {len(cmp.get('fixed_root_causes', []))} fixed.",
        "",
    ]
    for label, key in (("New blocking root causes", "new_root_causes"), ("Fixed root causes", "fixed_root_causes")):
        if cmp.get(key):
            out.append(
                f"{label}: " + "; ".join(md_inline(f"{r['id']} {r['title']}", 120) for r in cmp[key][:10]) + (" …" if len(cmp[key]) > 10 else "")
            )
            out.append("")
    if cmp.get("status_changes"):
        out.append("Cells that changed: " + md_inline(", ".join(f"{w} {a}→{b}" for w, a, b in cmp["status_changes"][:20]), 600))
        out.append("")
    return out


def decision_text(report: Report) -> str:
    """The one paragraph of why (raw text)."""
    c = report.counts
    blocking = [rc for rc in report.root_causes if rc.effect == "block"]
    rc_counts = c.get("root_causes", {})
    gates_not_run = [g.name for g in report.gates if g.kind == "command" and g.status != "PASS"]
    worst = "; ".join(rc.title for rc in blocking[:3])
    why = (
        f"{rc_counts.get('block', 0)} blocking root cause(s) at {c.get('blocking_locations', 0)} location(s) stand between this tree and "
        f"certification; the most serious: {worst}."
        if blocking
        else "No root cause blocks certification."
    )
    if rc_counts.get("condition"):
        why += f" {rc_counts['condition']} further root cause(s) are conditions."
    if gates_not_run:
        why += f" {', '.join(gates_not_run)} did not run: this verdict rests on reading the code, not on running it."
    return why


def page_one(report: Report) -> list[str]:
    """The decision section (see the module docstring): one screen of text. The verdict, one
    paragraph of why, one line per blocking root cause, NOT ASSESSED; then, below page one, the
    blocking table (why each blocks, the fix) that the details section expands."""
    blocking = [rc for rc in report.root_causes if rc.effect == "block"]
    out = ["## Decision", "", f"**{report.verdict}.** {md_inline(decision_text(report))}", ""]
    out += comparison(report)
    out += [f"## Blocking root causes ({report.counts.get('root_causes', {}).get('block', 0)})", ""]
    if blocking:
        out += [blocking_line(i, rc) for i, rc in enumerate(blocking, 1)]
        out += [
            "",
            "Why each blocks, its fix and its 3 most telling locations: [the blocking table](#blocking-table). Re-audit: run "
            "`dwagent certify` again with this report's `findings.json` as `--baseline`; a root cause is fixed when every one of "
            "its locations is listed as fixed and its cells no longer FAIL.",
            "",
        ]
    else:
        out += ["None.", ""]
    out += ["## What was NOT ASSESSED (never counted as a pass)", "", *not_assessed(report), "", md_inline(assessed(report)), ""]
    if blocking:
        out += ['<a id="blocking-table"></a>', "## Why each root cause blocks, and the fix", "", *root_cause_table(blocking), ""]
    return out
