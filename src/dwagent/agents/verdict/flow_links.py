"""What a waypoint the tracer could not reach says, and the flow status that follows.

The code graph under-approximates (delegates stored for later, DI, reflection, dynamic topics are
invisible), so "no path found" is the absence of evidence, not evidence of a break:
- `NOT FOUND`: no member matches the waypoint's names (cites the patterns searched and the
  nearest member names), or members match but no call/bus path from the flow reaches them
  within the trace depth (cites where they are entered from). The flow is NOT VERIFIED.
- `broken`: members match and nothing in the tree calls them or delivers a message to them:
  the stage exists and no code runs it. The flow FAILs.
A failing control check (cancellation, encryption, an unauthenticated entry point crossed) FAILs
the flow on its own evidence; the reason names each decider by waypoint name, not regex.
"""

from __future__ import annotations

import re

from dwagent.tools.graph.trace import resolve_waypoint

NEAREST = 3


def _words(globs: tuple[str, ...]) -> list[str]:
    """The literal parts of identifier globs, longest first (`*Register*Command*` -> Register, Command)."""
    parts = {p for g in globs for p in re.split(r"[*?.]+", g) if len(p) >= 3}
    return sorted(parts, key=lambda p: (-len(p), p))


def nearest_names(view, globs: tuple[str, ...]) -> list[str]:
    """Production `Type.Member` names sharing the most literal parts of the globs (at least one)."""
    words = [w.lower() for w in _words(globs)]
    if not words:
        return []
    memo = view.graph.__dict__.setdefault("_nearest_memo", {})
    key = tuple(words)
    if key not in memo:
        scored = []
        for q, m in view.graph.methods.items():
            if m.role != "production":
                continue
            short = ".".join(q.rsplit(".", 2)[-2:])
            low = short.lower()
            hits = sum(1 for w in words if w in low)
            if hits:
                scored.append((-hits, len(short), short))
        memo[key] = [s for _, _, s in sorted(set(scored))[:NEAREST]]
    return memo[key]


def classify_link(view, link, globs: tuple[str, ...]) -> tuple[str, str]:
    """("NOT FOUND" | "broken", what was searched and the nearest candidates) for a broken link."""
    searched = ", ".join(globs) if globs else link.waypoint
    depth = view.config.trace_depth
    if not resolve_waypoint(view, link.waypoint):
        near = nearest_names(view, globs)
        return "NOT FOUND", f"no member or topic matches {searched}" + (f"; nearest names: {', '.join(near)}" if near else "; no name shares a word")
    after = ".".join(link.after.rsplit(".", 2)[-2:]) if link.after else "the entry"
    if "nothing calls it or delivers to it" in link.reason:
        return "broken", f"members match {searched} but nothing in the tree calls them or delivers a message to them"
    entered = link.reason.split("it is entered only via: ", 1)[-1] if "entered only via" in link.reason else ""
    cands = [c for c in link.candidates if "no subscriber" in c]
    return "NOT FOUND", (
        f"members match {searched}, but no call/bus path from {after} reaches them within {depth} hops"
        + (f"; they are entered via: {entered[:240]}" if entered else "")
        + (f"; the flow reaches unsubscribed topic(s): {'; '.join(cands)[:200]}" if cands else "")
    )


def flow_status(trace_status: str, links: list[tuple[str, str, str]], checks: dict[str, dict]) -> tuple[str, str]:
    """The flow's status and reason from its links (kind, waypoint name, text) and control cells."""
    failed = [f"{name}: {c['reason'][:160]}" for name, c in checks.items() if c["status"] == "FAIL"]
    broken = [f"{name} broken ({text[:160]})" for kind, name, text in links if kind == "broken"]
    missing = [f"{name} NOT FOUND ({text[:140]})" for kind, name, text in links if kind == "NOT FOUND"]
    unverified = [f"{name} {c['status']}" for name, c in checks.items() if c["status"] in ("NOT VERIFIED", "NOT RUN")]
    if trace_status == "NOT VERIFIED" and not links:  # nothing traced at all (no entry)
        return "NOT VERIFIED", "; ".join(missing + unverified) or "NOT VERIFIED"
    if broken or failed:
        status = "FAIL"
    elif missing:
        status = "NOT VERIFIED"
    elif unverified or trace_status == "CONDITIONAL":
        status = "CONDITIONAL"
    else:
        return "PASS", "all waypoints reached and checks pass"
    return status, "; ".join(broken + failed + missing + unverified)[:600] or status
