"""Inline SVG charts for report.html (no library, no network). Labels are escaped: they can be
paths or names from the audited tree."""

from __future__ import annotations

from dwagent.report.text import h

STATUS_COLOUR = {
    "PASS": "#1f8f4e",
    "FAIL": "#c0392b",
    "CONDITIONAL": "#d99a00",
    "NOT VERIFIED": "#9aa3b2",
    "NOT RUN": "#9aa3b2",
    "NOT APPLICABLE": "#dfe3ea",
    "": "#ffffff",
}


def bar_chart(title: str, data: list[tuple[str, int, str]], width: int = 420, label_w: int = 150) -> str:
    """A horizontal bar chart: (label, value, colour) rows."""
    bar_h, gap = 16, 5
    height = max(1, len(data)) * (bar_h + gap) + 24
    top = max([v for _, v, _ in data] or [1]) or 1
    chars = max(8, label_w // 7)
    parts = [
        f'<svg role="img" aria-label="{h(title)}" width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
        f'<text x="0" y="14" font-size="13" font-weight="700">{h(title)}</text>',
    ]
    for i, (label, value, colour) in enumerate(data):
        y = 24 + i * (bar_h + gap)
        w = int((width - label_w - 50) * value / top)
        parts.append(f'<text x="0" y="{y + 12}" font-size="11">{h(label[:chars])}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{max(w, 1)}" height="{bar_h}" fill="{colour}"><title>{h(label)}: {value}</title></rect>')
        parts.append(f'<text x="{label_w + w + 4}" y="{y + 12}" font-size="11">{value}</text>')
    if not data:
        parts.append('<text x="0" y="40" font-size="12">nothing to chart</text>')
    parts.append("</svg>")
    return "".join(parts)


def stacked_bars(title: str, rows: list[tuple[str, list[tuple[str, int, str]]]], width: int = 560, label_w: int = 170) -> str:
    """One stacked horizontal bar per row: (label, [(segment, value, colour)])."""
    bar_h, gap = 16, 5
    height = max(1, len(rows)) * (bar_h + gap) + 40
    top = max([sum(v for _, v, _ in segs) for _, segs in rows] or [1]) or 1
    parts = [
        f'<svg role="img" aria-label="{h(title)}" width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
        f'<text x="0" y="14" font-size="13" font-weight="700">{h(title)}</text>',
    ]
    legend = {}
    for i, (label, segs) in enumerate(rows):
        y = 24 + i * (bar_h + gap)
        x = label_w
        parts.append(f'<text x="0" y="{y + 12}" font-size="11">{h(label[:26])}</text>')
        for name, value, colour in segs:
            legend[name] = colour
            w = (width - label_w - 50) * value / top
            if value:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{max(w, 1):.1f}" height="{bar_h}" fill="{colour}"><title>{h(label)} {h(name)}: {value}</title></rect>'
                )
            x += w
        parts.append(f'<text x="{x + 4:.1f}" y="{y + 12}" font-size="11">{sum(v for _, v, _ in segs)}</text>')
    ly = height - 8
    for j, (name, colour) in enumerate(legend.items()):
        parts.append(
            f'<rect x="{label_w + j * 80}" y="{ly - 9}" width="10" height="10" fill="{colour}"/><text x="{label_w + j * 80 + 14}" y="{ly}" font-size="11">{h(name)}</text>'
        )
    if not rows:
        parts.append('<text x="0" y="40" font-size="12">no counted findings</text>')
    parts.append("</svg>")
    return "".join(parts)


def heat_map(title: str, rows: list[tuple[str, list[str]]], columns: list[str], cell: int = 14, label_w: int = 190) -> str:
    """A grid of status squares: one row per item (e.g. plugin), one column per cell."""
    head = 70
    width = label_w + len(columns) * (cell + 2) + 10
    height = head + len(rows) * (cell + 2) + 10
    parts = [
        f'<svg role="img" aria-label="{h(title)}" width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
        f'<text x="0" y="14" font-size="13" font-weight="700">{h(title)}</text>',
    ]
    for j, col in enumerate(columns):
        x = label_w + j * (cell + 2) + cell / 2
        parts.append(f'<text transform="translate({x:.0f},{head - 4}) rotate(-60)" font-size="10">{h(col)}</text>')
    for i, (label, statuses) in enumerate(rows):
        y = head + i * (cell + 2)
        parts.append(f'<text x="0" y="{y + cell - 3}" font-size="10">{h(label[:32])}</text>')
        for j, status in enumerate(statuses):
            x = label_w + j * (cell + 2)
            parts.append(
                f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" fill="{STATUS_COLOUR.get(status, "#9aa3b2")}" stroke="#ccd"><title>{h(label)} {h(columns[j])}: {h(status or "—")}</title></rect>'
            )
    parts.append("</svg>")
    return "".join(parts)


def flow_diagram(flow) -> str:
    """The flow's hops as boxes joined by arrows; missing hops drawn dashed."""
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
