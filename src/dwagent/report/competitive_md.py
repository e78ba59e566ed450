"""The competitive analysis as prose and tables, built from the analyst's structured result
(positions, recommendations, capability profile, per-dimension matrix), never its raw Markdown.
The full per-product comparison stays in competitive-analysis.md."""

from __future__ import annotations

from collections import Counter

from dwagent.report.text import md_inline

POSITIONS = ("leads", "comparable", "behind", "unknown")


def competitive_summary(c: dict) -> dict:
    """Numbers and lists both writers show: positions, dimension tallies, capabilities, priorities."""
    positions = {p: list(c.get("positions", {}).get(p, [])) for p in POSITIONS}
    dims: dict[str, Counter] = {}
    for row in (c.get("matrix") or {}).values():
        for dim, cell in row.items():
            pos = cell.get("verdict", "unknown") if isinstance(cell, dict) else str(cell)
            dims.setdefault(dim, Counter())[pos] += 1
    profile = Counter((c.get("profile") or {}).values())
    return {
        "status": c.get("status", "NOT RUN"),
        "reason": c.get("reason", ""),
        "bottom_line": c.get("bottom_line", ""),
        "products": sum(len(v) for v in positions.values()),
        "as_of": (c.get("kb") or {}).get("as_of", ""),
        "positions": positions,
        "dimensions": {d: dict(sorted(v.items())) for d, v in sorted(dims.items())},
        "profile": dict(sorted(profile.items())),
        "missing": sorted(k for k, v in (c.get("profile") or {}).items() if v != "present"),
        "recommendations": [
            {"priority": r.get("priority"), "title": r.get("title", ""), "rationale": r.get("rationale", ""), "market": r.get("market", "")}
            for r in c.get("recommendations", [])
        ],
    }


def competitive_section(c: dict) -> list[str]:
    """The CERTIFICATION.md section."""
    out = ["## Competitive analysis", ""]
    s = competitive_summary(c)
    if s["status"] != "RAN":
        return out + [f"NOT RUN: {md_inline(s['reason'] or 'not available')}", ""]
    pos = s["positions"]
    out.append(
        f"Compared with {s['products']} products of the sourced knowledge base (as of {md_inline(s['as_of'])}), the tree leads "
        f"{len(pos['leads'])}, is comparable with {len(pos['comparable'])}, is behind {len(pos['behind'])} and could not be "
        f"compared with {len(pos['unknown'])}. Of the capabilities tracked, " + ", ".join(f"{n} {k}" for k, n in s["profile"].items()) + "."
    )
    if s["bottom_line"]:
        out += ["", md_inline(s["bottom_line"], 1200), ""]
    if s["missing"]:
        out.append(f"Not present or partial: {md_inline(', '.join(s['missing']), 300)}.")
    out += ["", "| dimension | " + " | ".join(POSITIONS) + " |", "|---|" + "---|" * len(POSITIONS)]
    for dim, tally in s["dimensions"].items():
        out.append(f"| {md_inline(dim.replace('_', ' '))} | " + " | ".join(str(tally.get(p, 0)) for p in POSITIONS) + " |")
    out += ["", "| position | products |", "|---|---|"]
    for p in POSITIONS:
        if pos[p]:
            out.append(f"| {p} | {md_inline(', '.join(pos[p][:12]) + (f' and {len(pos[p]) - 12} more' if len(pos[p]) > 12 else ''), 400)} |")
    if s["recommendations"]:
        out += ["", "Priorities the comparison suggests:", ""]
        for r in s["recommendations"]:
            market = f" (unlocks: {md_inline(r['market'], 200)})" if r["market"] else ""
            out.append(f"{r['priority']}. **{md_inline(r['title'], 120)}** — {md_inline(r['rationale'].replace('`', ''), 400)}{market}")
    out += ["", "Per-product sources and scoring rules: competitive-analysis.md.", ""]
    return out
