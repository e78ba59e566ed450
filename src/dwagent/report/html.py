"""report.html: one self-contained page (inline CSS, JS and SVG; no CDN, no network).

The overview, matrices, flows and charts are rendered here; the long lists (root causes with
their locations, every finding, the evidence) travel as one JSON block and are rendered by
report.js on demand, so the first paint of a large audit does not wait for thousands of rows:
the findings and the evidence are a compressed second block, inflated after the first render.

Every value that comes from the audited tree (paths, excerpts, messages, claims) is HTML-escaped
here, and report.js inserts data only as text (never as markup): the tree is hostile input and
must not be able to inject markup or script. The JSON block escapes `<`, `>` and `&` so no
string in it can close the script element.
"""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path

from dwagent.models import SEVERITY_ORDER
from dwagent.report.charts import bar_chart, flow_diagram, heat_map, stacked_bars
from dwagent.report.competitive_md import POSITIONS, competitive_summary
from dwagent.report.counts import cannot_fail_line
from dwagent.report.model import Report
from dwagent.report.page_one import assessed, decision_text, not_assessed_items
from dwagent.report.text import h

_ASSETS = Path(__file__).parent
SEV_COLOUR = {"critical": "#8e2219", "high": "#c0392b", "medium": "#d99a00", "low": "#8a94a6"}
__all__ = ["render_html", "bar_chart", "flow_diagram", "page_data"]


def _asset(name: str) -> str:
    return (_ASSETS / name).read_text(encoding="utf-8")


def _status(status: str) -> str:
    return f'<span class="s s-{h(status.replace(" ", "-"))}">{h(status)}</span>'


def _links(ids) -> str:
    return " ".join(f'<a href="#f/{h(i)}" data-ref="{h(i)}">{h(i)}</a>' for i in list(ids)[:5])


def _table(title: str, head: list[str], rows: list[list[str]], table_id: str = "", section_id: str = "") -> str:
    tid = f' id="{table_id}"' if table_id else ""
    sid = f' id="{section_id}"' if section_id else ""
    body = "".join("<tr>" + "".join(r) + "</tr>" for r in rows)
    return (
        f'<section{sid}><h2>{h(title)}</h2><table class="sortable"{tid}><thead><tr>'
        + "".join(f"<th>{h(x)}</th>" for x in head)
        + f"</tr></thead><tbody>{body}</tbody></table></section>"
    )


def _td(value: object, sort: str | None = None) -> str:
    attr = f' data-sort="{h(sort)}"' if sort is not None else ""
    return f"<td{attr}>{h(value)}</td>"


def _matrix(title: str, rows, section_id: str) -> str:
    if not rows:
        return f'<section id="{section_id}"><h2>{h(title)}</h2><p class=muted>none</p></section>'
    cells = sorted({c for r in rows for c in r.cells})[:8]
    data = []
    for r in rows:
        tips = {c: r.cells[c].reason for c in cells if c in r.cells}
        data.append(
            [
                _td(r.id.rsplit("/", 1)[-1]),
                _td(r.name),
                f'<td data-sort="{h(r.status)}">{_status(r.status)}</td>',
                *[f'<td title="{h(tips.get(c, ""))}">{_status(r.cells[c].status) if c in r.cells else ""}</td>' for c in cells],
                _td(r.reason),
                f"<td>{_links([*r.finding_ids])}</td>",
            ]
        )
    return _table(title, ["id", "name", "status", *cells, "reason (decided by)", "findings"], data, section_id=section_id)


def _overview(report: Report) -> str:
    c = report.counts
    rcs = [rc for rc in report.root_causes if rc.effect == "block"]
    na = (
        "".join(f"<li><b>{h(what)}</b> — {h(why)}</li>" for what, why in not_assessed_items(report))
        or "<li>Every gate and every part of the audit ran.</li>"
    )
    by_dom = c.get("by_domain", {})
    names = {d.id: d.name for d in report.domains}
    dom_rows = [
        (names.get(d, d), [(s, n.get(s, 0), SEV_COLOUR[s]) for s in sorted(SEVERITY_ORDER, key=SEVERITY_ORDER.get)])
        for d, n in by_dom.items()
        if sum(n.values())
    ]
    rc_bars = [(rc.title, rc.count, SEV_COLOUR.get(rc.severity, "#3d6fb6")) for rc in rcs[:40]]
    plugin_cells = sorted({k for p in report.plugins for k in p.cells})
    heat = heat_map(
        "Plugin heat map (cell status)",
        [(p.id.rsplit("/", 1)[-1], [p.cells[k].status if k in p.cells else "" for k in plugin_cells]) for p in report.plugins],
        plugin_cells,
    )
    charts = [
        stacked_bars("Counted findings by domain and severity", dom_rows),
        bar_chart("Blocking root causes (locations)", rc_bars, width=620, label_w=300),
        heat,
    ]
    if report.comparison:
        cmp = report.comparison
        charts.append(
            bar_chart(
                "Since the baseline (findings)",
                [("new", cmp["new"], "#c0392b"), ("fixed", cmp["fixed"], "#1f8f4e"), ("unchanged", cmp["unchanged"], "#8a94a6")],
            )
        )
    tests = c.get("tests_cannot_fail")
    tests_line = f'<p class=muted id="tests-cannot-fail">{h(cannot_fail_line(tests))}</p>' if tests else ""
    return (
        f'<section id="overview"><h2>Decision</h2><p><span class="verdict-inline">{h(report.verdict)}.</span> {h(decision_text(report))}</p>'
        f"{_changes(report)}"
        f'<h3>What was NOT ASSESSED (never counted as a pass)</h3><ul id="not-assessed">{na}</ul><p class=muted>{h(assessed(report))}</p>{tests_line}'
        f'<div class="charts" id="charts">{"".join(charts)}</div></section>'
    )


def _changes(report: Report) -> str:
    cmp = report.comparison
    if not cmp:
        return ""
    moved = "moved" if cmp["old_verdict"] != cmp["new_verdict"] else "did not move"
    lis = "".join(f"<li>new: {h(r['id'])} {h(r['title'])} ({r['count']})</li>" for r in cmp.get("new_root_causes", [])[:20])
    lis += "".join(f"<li>fixed: {h(r['id'])} {h(r['title'])} ({r['count']})</li>" for r in cmp.get("fixed_root_causes", [])[:20])
    return (
        f'<div id="changes"><h3>Since the baseline</h3><p>Verdict {moved}: {h(cmp["old_verdict"])} → <b>{h(cmp["new_verdict"])}</b>. '
        f"Findings: {cmp['new']} new, {cmp['fixed']} fixed, {cmp['unchanged']} unchanged.</p><ul>{lis}</ul></div>"
    )


def _flows(report: Report) -> str:
    flows = "".join(
        f"<details><summary><b>{h(fl.name)}</b> {_status(fl.status)} <span class=muted>{h(fl.reason[:300])}</span></summary>"
        f'<div class="scroll">{flow_diagram(fl)}</div>'
        + "<table><tr><th>check</th><th>status</th><th>reason</th></tr>"
        + "".join(f"<tr><td>{h(k)}</td><td>{_status(c.status)}</td><td>{h(c.reason)}</td></tr>" for k, c in fl.cells.items())
        + "</table></details>"
        for fl in report.flows
    )
    return f'<section id="flows"><h2>Flow traces</h2>{flows or "<p class=muted>none</p>"}</section>'


def _competitive(report: Report) -> str:
    s = competitive_summary(report.competitive or {})
    if s["status"] != "RAN":
        return f'<section id="competitive"><h2>Competitive analysis</h2><p>NOT RUN: {h(s["reason"] or "not available")}</p></section>'
    pos = s["positions"]
    prose = (
        f"Compared with {s['products']} products (knowledge base as of {s['as_of']}): leads {len(pos['leads'])}, comparable "
        f"{len(pos['comparable'])}, behind {len(pos['behind'])}, unknown {len(pos['unknown'])}. Capabilities: "
        + ", ".join(f"{n} {k}" for k, n in s["profile"].items())
        + "."
    )
    dims = "".join(
        f"<tr><td>{h(d.replace('_', ' '))}</td>" + "".join(f"<td>{t.get(p, 0)}</td>" for p in POSITIONS) + "</tr>" for d, t in s["dimensions"].items()
    )
    recs = "".join(f"<li><b>{h(r['title'])}</b> — {h(r['rationale'].replace('`', ''))}</li>" for r in s["recommendations"])
    plist = "".join(f"<tr><td>{h(p)}</td><td>{h(', '.join(pos[p]))}</td></tr>" for p in POSITIONS if pos[p])
    bottom = f"<p>{h(s['bottom_line'])}</p>" if s["bottom_line"] else ""
    return (
        f'<section id="competitive"><h2>Competitive analysis</h2><p>{h(prose)}</p>{bottom}'
        f"<table><thead><tr><th>dimension</th>{''.join(f'<th>{p}</th>' for p in POSITIONS)}</tr></thead><tbody>{dims}</tbody></table>"
        f"<h3>Priorities</h3><ol>{recs}</ol><details><summary>Products by position</summary><table>{plist}</table></details>"
        "<p class=muted>Per-product sources: competitive-analysis.md.</p></section>"
    )


def _llm_section(llm_lines: tuple[str, ...]) -> str:
    """What a model did, cost and wrote (cited), as escaped text; empty when no model was configured."""
    if not llm_lines:
        return ""
    items = "".join(f"<li>{h(line)}</li>" for line in llm_lines)
    return f'<section id="llm"><h2>LLM assistance</h2><ul>{items}</ul></section>'


def page_data(report: Report) -> dict:
    """What report.js renders: root causes, findings (with domain/plugin/component for filters),
    evidence and the counts. Everything the JS shows is a field here."""
    plugin_folders = sorted((p.id for p in report.plugins), key=len, reverse=True)

    def plugin_of(path: str) -> str:
        return next((p.rsplit("/", 1)[-1] for p in plugin_folders if path.startswith(p + "/")), "")

    rc_of = {fid: rc.id for rc in report.root_causes for fid in rc.finding_ids}

    def brief(f, dropped: bool = False) -> dict:
        return {
            "id": f.id,
            "rule": f.rule,
            "category": f.category,
            "severity": f.severity,
            "confidence": f.confidence,
            "scope": f.scope,
            "file": f.file,
            "line": f.start_line,
            "end": f.end_line,
            "excerpt": f.excerpt,
            "message": f.message,
            "reach": f.reachability,
            "cwe": list(f.cwe),
            "rc": rc_of.get(f.id, ""),
            "domains": list(report.finding_domains.get(f.id, ())),
            "plugin": plugin_of(f.file),
            "suppression": f.suppression.kind if f.suppression else "",
            "review": [{"challenge": r.challenge, "outcome": r.outcome, "detail": r.detail, "evidence": list(r.evidence_ids)} for r in f.review],
            "hops": [{"file": e.file, "line": e.start_line, "excerpt": e.excerpt, "note": e.note} for e in f.related],
            "guards": [{"file": e.file, "line": e.start_line, "excerpt": e.excerpt, "note": e.note} for e in f.guards],
            "evidence": list(f.evidence_ids),
            "dropped": dropped,
        }

    findings = [brief(f) for f in report.findings]
    return {
        "verdict": report.verdict,
        "counts": report.counts,
        "root_causes": [rc.model_dump(mode="json") for rc in report.root_causes],
        "findings": findings,
        # dropped findings get a page too (a gate that counts test-only placeholders links them)
        "dropped": [brief(f, dropped=True) for f in report.dropped],
        "domains": {d.id: d.name for d in report.domains},
        "evidence": {k: v.model_dump(mode="json") for k, v in report.evidence.items()},
        "comparison": report.comparison,
    }


# The large part of the data (every finding and the evidence) is a second block that report.js
# parses after the first render, so the overview and the root causes paint without waiting for it.
DEFERRED = ("findings", "dropped", "evidence")


def deferred_block(data: dict) -> str:
    """The deferred data as base64 of gzip'd JSON: a tenth of the bytes for the browser to read
    and parse before the first render (report.js inflates it with DecompressionStream). mtime=0
    keeps the page deterministic; base64 holds no character that could end the script element."""
    raw = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.b64encode(gzip.compress(raw, compresslevel=6, mtime=0)).decode("ascii")


def read_deferred_block(text: str) -> dict:
    """The inverse of deferred_block (for the cross-check and tests)."""
    return json.loads(gzip.decompress(base64.b64decode(text)).decode("utf-8"))


def _json_block(data: dict) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def render_html(report: Report, generated_at: str, llm_lines: tuple[str, ...] = ()) -> str:
    """The full self-contained HTML page. `llm_lines` (report sentences from the LLM usage
    ledger) adds an "LLM assistance" section; without them the page is the offline page."""
    c = report.counts
    nav = [
        ("overview", "Overview"),
        ("root-causes", f"Root causes ({c.get('root_causes', {}).get('block', 0)} blocking)"),
        ("findings", f"Findings ({c.get('findings', {}).get('total', len(report.findings))})"),
        ("gates", "Gates"),
        ("domains", "Domains"),
        ("tiers", "Tiers"),
        ("plugins", "Plugins"),
        ("flows", "Flows"),
        ("competitive", "Competitive"),
        ("evidence", "Evidence"),
    ]
    parts = [
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8>",
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">",
        f"<title>dwagent certification: {h(report.root_name)}</title><style>{_asset('report.css')}</style></head><body>",
        f"<header><h1>Certification report: {h(report.root_name)}</h1>"
        f'<span id="verdict" class="verdict v-{h(report.verdict.replace(" ", "-"))}">{h(report.verdict)}</span> '
        f'<span>{h(report.rationale)}</span><div class=muted style="color:#cfd5e0">Generated {h(generated_at)} · rubric {h(report.rubric)} '
        f"({h(report.rubric_sha256[:12])}) · dwagent {h(report.tool_version)}</div></header>",
        '<nav id="nav">' + "".join(f'<a href="#{k}" data-nav="{k}">{h(v)}</a>' for k, v in nav) + "</nav><main>",
        _overview(report),
        '<section id="root-causes"><h2>Root causes</h2><p class=muted>One item per defect; expand for every location.</p>'
        '<div id="rc-filter"><label><input type="checkbox" id="rc-blocking" checked> blocking only</label></div><div id="rc-list"></div></section>',
        '<section id="findings"><h2>Findings</h2><div class="filters">'
        '<input id="search" type="search" placeholder="search findings (file, message, excerpt, rule)…" aria-label="search findings">'
        + "".join(
            f'<select id="f-{k}" aria-label="{k}"><option value="">{k}: all</option></select>'
            for k in ("severity", "category", "domain", "plugin", "scope")
        )
        + '<span id="f-count" class=muted></span></div>'
        '<table id="findings-table"><thead><tr><th>severity</th><th>category</th><th>rule</th><th>location</th><th>message</th></tr></thead>'
        '<tbody></tbody></table><button id="more" type="button">show more</button></section>',
        '<section id="finding-page" hidden></section>',
        _table(
            "Hard gates",
            ["gate", "kind", "status", "effect", "reason", "findings"],
            [
                [_td(g.name), _td(g.kind), f"<td>{_status(g.status)}</td>", _td(g.effect), _td(g.reason), f"<td>{_links(g.finding_ids)}</td>"]
                for g in report.gates
            ],
            section_id="gates",
        ),
        _matrix("Domain matrix", report.domains, "domains"),
        _matrix("Tier matrix", report.tiers, "tiers"),
        _matrix("Plugin matrix", report.plugins, "plugins"),
        _flows(report),
        _table(
            "Claims vs evidence",
            ["claim", "where", "status", "reason"],
            [[_td(cl.text), _td(f"{cl.file}:{cl.line}"), f"<td>{_status(cl.status.upper())}</td>", _td(cl.reason)] for cl in report.claims],
            section_id="claims",
        ),
        _competitive(report),
    ]
    if llm_lines:
        parts.append(_llm_section(llm_lines))
    parts.append(f'<section id="evidence"><h2>Evidence ({len(report.evidence)})</h2><div id="evidence-list"></div></section></main>')
    data = page_data(report)
    parts.append(f'<script type="application/json" id="data">{_json_block({k: v for k, v in data.items() if k not in DEFERRED})}</script>')
    parts.append(f'<script type="application/x-gzip-base64" id="data-findings">{deferred_block({k: data[k] for k in DEFERRED})}</script>')
    parts.append(f"<script>{_asset('report.js')}</script></body></html>")
    return "\n".join(parts) + "\n"
