"""report.html: one self-contained page (inline CSS, JS and SVG; no CDN, no network).

Every value that comes from the audited tree (paths, excerpts, messages, claims) is HTML-escaped:
the tree is hostile input and must not be able to inject markup or script.
"""
from __future__ import annotations

from pathlib import Path

from dwagent.models import SEVERITY_ORDER
from dwagent.report.model import Report
from dwagent.report.text import anchor, h

_ASSETS = Path(__file__).parent
_SEV_COLOUR = {"critical": "#8e2219", "high": "#c0392b", "medium": "#d99a00", "low": "#8a94a6"}


def _asset(name: str) -> str:
    return (_ASSETS / name).read_text(encoding="utf-8")


def _status(status: str) -> str:
    return f'<span class="s s-{h(status.replace(" ", "-"))}">{h(status)}</span>'


def bar_chart(title: str, data: list[tuple[str, int, str]], width: int = 420) -> str:
    """A horizontal bar chart as inline SVG: (label, value, colour) rows."""
    bar_h, gap, label_w = 18, 6, 150
    height = max(1, len(data)) * (bar_h + gap) + 24
    top = max([v for _, v, _ in data] or [1]) or 1
    parts = [f'<svg role="img" aria-label="{h(title)}" width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
             f'<text x="0" y="14" font-size="13" font-weight="700">{h(title)}</text>']
    for i, (label, value, colour) in enumerate(data):
        y = 24 + i * (bar_h + gap)
        w = int((width - label_w - 40) * value / top)
        parts.append(f'<text x="0" y="{y + 13}" font-size="12">{h(label[:24])}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{max(w, 1)}" height="{bar_h}" fill="{colour}"><title>{h(label)}: {value}</title></rect>')
        parts.append(f'<text x="{label_w + w + 4}" y="{y + 13}" font-size="12">{value}</text>')
    if not data:
        parts.append('<text x="0" y="40" font-size="12">no counted findings</text>')
    parts.append("</svg>")
    return "".join(parts)


def flow_diagram(flow) -> str:
    """The flow's hops as boxes joined by arrows (inline SVG); missing hops drawn dashed."""
    box_w, box_h, gap = 150, 46, 26
    n = max(1, len(flow.hops))
    width = n * box_w + (n - 1) * gap + 4
    parts = [f'<svg role="img" aria-label="flow {h(flow.id)}" width="{width}" height="{box_h + 8}" xmlns="http://www.w3.org/2000/svg">']
    for i, hop in enumerate(flow.hops):
        x = 2 + i * (box_w + gap)
        stroke = "#1f8f4e" if hop.found else "#c0392b"
        dash = "" if hop.found else ' stroke-dasharray="5,3"'
        checks = "; ".join(f"{k} {v}" for k, v in sorted(hop.checks.items()))
        tip = f"<title>{h(hop.symbol or hop.name)}{': ' + h(checks) if checks else ''}</title>"
        parts.append(f'<rect x="{x}" y="2" width="{box_w}" height="{box_h}" rx="5" fill="#fff" stroke="{stroke}"{dash}>{tip}</rect>')
        parts.append(f'<text x="{x + 6}" y="20" font-size="12" font-weight="700">{h(hop.name[:22])}</text>')
        sub = f"{hop.file.rsplit('/', 1)[-1]}:{hop.line}" if hop.found else "NOT FOUND"
        parts.append(f'<text x="{x + 6}" y="38" font-size="11">{h(sub[:24])}</text>')
        if i:
            ax = x - gap
            parts.append(f'<line x1="{ax}" y1="{2 + box_h / 2}" x2="{x - 2}" y2="{2 + box_h / 2}" stroke="#445" stroke-width="1.5"/>')
            parts.append(f'<polygon points="{x - 2},{2 + box_h / 2} {x - 8},{box_h / 2 - 2} {x - 8},{box_h / 2 + 6}" fill="#445"/>')
    parts.append("</svg>")
    return "".join(parts)


def _table(title: str, head: list[str], rows: list[list[str]], table_id: str = "") -> str:
    tid = f' id="{table_id}"' if table_id else ""
    body = "".join("<tr>" + "".join(rows_cell for rows_cell in r) + "</tr>" for r in rows)
    return (f'<section><h2>{h(title)}</h2><table class="sortable"{tid}><thead><tr>'
            + "".join(f"<th>{h(x)}</th>" for x in head) + f"</tr></thead><tbody>{body}</tbody></table></section>")


def _td(value: object, sort: str | None = None) -> str:
    attr = f' data-sort="{h(sort)}"' if sort is not None else ""
    return f"<td{attr}>{h(value)}</td>"


def _links(ids) -> str:
    return " ".join(f'<a href="#{anchor(i)}">{h(i)}</a>' for i in list(ids)[:5])


def _matrix(title: str, rows) -> str:
    if not rows:
        return f"<section><h2>{h(title)}</h2><p class=muted>none</p></section>"
    cells = sorted({c for r in rows for c in r.cells})[:8]
    data = []
    for r in rows:
        data.append([_td(r.id), _td(r.name), f'<td data-sort="{h(r.status)}">{_status(r.status)}</td>',
                     *[f"<td>{_status(r.cells[c].status) if c in r.cells else ''}</td>" for c in cells],
                     _td(r.reason), f"<td>{_links([*r.evidence_ids, *r.finding_ids])}</td>"])
    return _table(title, ["id", "name", "status", *cells, "reason", "evidence"], data)


def _items(title: str, items) -> str:
    if not items:
        return f"<section><h2>{h(title)}</h2><p>None.</p></section>"
    lis = "".join(f"<li><b>{h(i.kind)}</b> {h(i.reason)} <i>{h(i.action)}</i> {_links(i.finding_ids)}</li>" for i in items[:500])
    more = f"<p class=muted>+{len(items) - 500} more in findings.json</p>" if len(items) > 500 else ""
    return f"<section><h2>{h(title)} ({len(items)})</h2><ol>{lis}</ol>{more}</section>"


def _llm_section(llm_lines: tuple[str, ...]) -> str:
    """What a model did, cost and wrote (cited), as escaped text; empty when no model was configured."""
    if not llm_lines:
        return ""
    items = "".join(f"<li>{h(line)}</li>" for line in llm_lines)
    return f'<section id="llm"><h2>LLM assistance</h2><ul>{items}</ul></section>'


def render_html(report: Report, generated_at: str, llm_lines: tuple[str, ...] = ()) -> str:
    """The full self-contained HTML page. `llm_lines` (report sentences from the LLM usage
    ledger) adds an "LLM assistance" section; without them the page is the offline page."""
    counted = [f for f in report.findings if not (f.suppression and f.suppression.kind == "certifier-baseline")]
    by_sev = [(s, sum(1 for f in counted if f.severity == s), _SEV_COLOUR[s]) for s in sorted(SEVERITY_ORDER, key=SEVERITY_ORDER.get)]
    by_dom = [(d.name, len(d.finding_ids), "#3d6fb6") for d in report.domains if d.finding_ids][:30]
    parts = [
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8>",
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; script-src \'unsafe-inline\'; img-src data:">',
        f"<title>dwagent certification: {h(report.root_name)}</title><style>{_asset('report.css')}</style></head><body>",
        f'<header><h1>Certification report: {h(report.root_name)}</h1>'
        f'<span id="verdict" class="verdict v-{h(report.verdict.replace(" ", "-"))}">{h(report.verdict)}</span> '
        f'<span>{h(report.rationale)}</span><div class=muted style="color:#cfd5e0">Generated {h(generated_at)} · rubric {h(report.rubric)} '
        f'({h(report.rubric_sha256[:12])}) · dwagent {h(report.tool_version)}</div></header><main>',
        _items("P0 list (must fix before certification)", report.p0),
        _items("Conditions for certification", report.conditions),
        f'<section><h2>Charts</h2><div class="charts" id="charts">{bar_chart("Counted findings by severity", by_sev)}'
        f'{bar_chart("Findings by domain", by_dom)}</div></section>',
        _table("Hard gates", ["gate", "kind", "status", "effect", "reason", "evidence"],
               [[_td(g.name), _td(g.kind), f"<td>{_status(g.status)}</td>", _td(g.effect), _td(g.reason), f"<td>{_links([*g.evidence_ids, *g.finding_ids])}</td>"] for g in report.gates]),
        _matrix("Domain matrix", report.domains),
        _matrix("Tier matrix", report.tiers),
        _matrix("Plugin matrix", report.plugins),
    ]
    flows = "".join(
        f"<details open><summary><b>{h(fl.name)}</b> {_status(fl.status)} <span class=muted>{h(fl.reason)}</span></summary>{flow_diagram(fl)}"
        + "<table><tr><th>check</th><th>status</th><th>reason</th></tr>"
        + "".join(f"<tr><td>{h(k)}</td><td>{_status(c.status)}</td><td>{h(c.reason)}</td></tr>" for k, c in fl.cells.items())
        + "</table></details>"
        for fl in report.flows
    )
    parts.append(f'<section id="flows"><h2>Flow traces</h2>{flows or "<p class=muted>none</p>"}</section>')
    parts.append(_table("Claims vs evidence", ["claim", "where", "status", "reason"],
                        [[_td(c.text), _td(f"{c.file}:{c.line}"), f"<td>{_status(c.status.upper())}</td>", _td(c.reason)] for c in report.claims]))
    rows = []
    for f in report.findings:
        rows.append([
            f'<td data-sort="{SEVERITY_ORDER[f.severity]}" class="sev-{h(f.severity)}">{h(f.severity)}</td>',
            _td(f.category), _td(f.rule),
            f'<td data-sort="{h(f.file)}:{f.start_line:08d}"><a id="{anchor(f.id)}"></a>{h(f.file)}:{f.start_line}</td>',
            f"<td>{h(f.message)}<pre>{h(f.excerpt)}</pre><span class=muted>{h('; '.join(f'{r.challenge}: {r.outcome}' for r in f.review))}</span></td>",
        ])
    parts.append('<section><h2>Findings</h2><input id="filter" placeholder="filter findings…" aria-label="filter findings">'
                 + _table("", ["severity", "category", "rule", "location", "message and excerpt"], rows, "findings-table").removeprefix("<section><h2></h2>").removesuffix("</section>")
                 + "</section>")
    comp = report.competitive or {}
    comp_text = comp.get("summary") or comp.get("reason") or comp.get("status", "NOT RUN")
    parts.append(f"<section><h2>Competitive analysis</h2><p>{h(comp.get('status', 'NOT RUN'))}: {h(comp_text)}</p></section>")
    if llm_lines:
        parts.append(_llm_section(llm_lines))
    ev_rows = "".join(
        f'<div><a id="{anchor(eid)}"></a><b>{h(eid)}</b> <span class=muted>{h(ev.kind)} {h(ev.file)}:{ev.start_line} {h(ev.note)}</span>'
        + (f"<pre>{h(ev.excerpt)}</pre>" if ev.excerpt else "") + "</div>"
        for eid, ev in report.evidence.items()
    )
    parts.append(f"<section><h2>Evidence</h2>{ev_rows}</section></main><script>{_asset('report.js')}</script></body></html>")
    return "\n".join(parts) + "\n"
