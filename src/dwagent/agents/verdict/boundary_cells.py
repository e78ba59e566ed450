"""Trust-boundary verdicts: the plugin matrix's `boundaries` cell and the entry-point list the
report shows, both from the code graph's entry-point inventory (tools/graph/entrypoints.py).

A plugin with a network entry point that authenticates nobody, a design-level boundary finding, or a
security type that is never wired (DWA-301/302/303 on an Auth/Sign/Encrypt/Key/Token... type) cannot
PASS this cell, whatever its other cells say. An open entry point whose dispatch was traced and reaches
no state change (no DWA-360) is CONDITIONAL: anyone can read through it, nobody can change anything.
One whose entry points all authenticate PASSes citing each entry and the line that authenticates; one
with none PASSes on a recorded search. Without the graph the cell is
NOT VERIFIED, never PASS.
"""

from __future__ import annotations

import re

from dwagent.agents.verdict.cells import absence, cell, code_evidence
from dwagent.models import Evidence

DESIGN_RULES = frozenset({"DWA-360", "DWA-361", "DWA-362", "DWA-363", "DWA-364", "DWA-365", "DWA-366", "DWA-367", "DWA-368", "DWA-369"})


# a security mechanism that exists but is never wired (DWA-301 unwired type, DWA-302 interface with no
# implementation, DWA-303 wrapper never applied) fails the cell like an open entry point
UNWIRED_RULES = frozenset({"DWA-301", "DWA-302", "DWA-303"})
SECURITY_TYPE = re.compile(
    r"\b(?:class|interface|record)\s+\w*(?:Auth(?:entic\w*|oriz\w*|Provider)?|Signer|Signature|Signing|"
    r"Encrypt\w*|Crypt\w*|Cipher\w*|Key(?:Store|Provider|Manager|Ring|Vault)|Certificate|"
    r"Token(?:Validator|Service|Provider|Issuer)|Credential\w*|Hmac\w*|Tls|Ssl)\w*"
)


def _security_type(excerpt: str) -> bool:
    """A declaration of a security mechanism (not the plugin class itself, whose wiring is DWA-301's)."""
    m = SECURITY_TYPE.search(excerpt)
    name = re.search(r"\b(?:class|interface|record)\s+(\w+)", excerpt)
    return bool(m) and not (name and name.group(1).endswith("Plugin"))


def entry_points_for(sources) -> list | None:
    """The inventory (EntryPoint values) of the audited tree, or None when no graph is available."""
    if getattr(sources, "graph_config", None) is None:
        return None
    return list(sources.graph_view().graph.entry_points)


def boundary_cell(sources, entries: list | None, folder: str, findings: list[dict]) -> tuple[dict, list[Evidence]]:
    """PASS / FAIL / NOT VERIFIED for the network entry points under `folder`."""
    if entries is None:
        return cell("NOT VERIFIED", "no code graph: network entry points not inventoried"), []
    mine = [e for e in entries if e.network and e.file.startswith(folder + "/")]
    design = [
        f["id"]
        for f in findings
        if f["file"].startswith(folder + "/")
        and not f.get("suppression")
        and (f["rule"] in DESIGN_RULES or (f["rule"] in UNWIRED_RULES and _security_type(f.get("excerpt", ""))))
    ]
    if not mine:
        ev = absence(folder, "no network entry point (listeners, sockets, web hosts, controllers, hubs, gRPC) found")
        if design:
            return cell("FAIL", f"{len(design)} design-level boundary or unwired-security finding(s)", [ev], design), [ev]
        return cell("PASS", "no network entry point", [ev]), [ev]
    evidence = [
        code_evidence(sources, e.file, e.line, note=f"{e.kind}: bind {e.bind}, tls {e.tls}, auth {e.auth} ({e.auth_evidence[:160]})") for e in mine
    ]
    open_ = [e for e in mine if e.auth in ("none", "partial")]
    # an open entry point is harmful when a finding says anonymous callers change state through it (by
    # file: the finding cites the listener, a controller or an action of it) or its dispatch was not traced
    changes = {f["file"] for f in findings if f["rule"] in ("DWA-360", "DWA-181") and not f.get("suppression")}
    harmful = [e for e in open_ if e.file in changes or not e.handlers]
    if open_ and not harmful and not design:
        # Every open entry point was traced to its handlers and none reaches a state change (no DWA-360):
        # anyone can call it, but what it exposes is a read (a health probe, a status page). Not a PASS,
        # not a blocker: a condition naming what to review.
        first = open_[0]
        return cell(
            "CONDITIONAL",
            f"{len(open_)} network entry point(s) with no peer authentication that reach no state change "
            f"(first: {first.kind} at {first.file}:{first.line}, bind {first.bind}, tls {first.tls}, "
            f"{len(first.handlers)} handler(s) traced): review what they disclose",
            evidence,
        ), evidence
    if open_:
        first = (harmful or open_)[0]
        return cell(
            "FAIL",
            f"{len(open_)} network entry point(s) with no peer authentication (first: {first.kind} at "
            f"{first.file}:{first.line}, bind {first.bind}, tls {first.tls})",
            evidence,
            design,
        ), evidence
    if design:
        return cell("FAIL", f"{len(design)} design-level boundary or unwired-security finding(s)", evidence, design), evidence
    unknown = [e for e in mine if e.auth == "unknown"]
    if unknown:
        return cell(
            "NOT VERIFIED",
            f"{len(unknown)} entry point(s) whose authentication the code does not show (first: {unknown[0].file}:{unknown[0].line})",
            evidence,
        ), evidence
    return cell("PASS", f"{len(mine)} network entry point(s), each authenticates its peer", evidence), evidence


def entry_point_rows(entries: list | None) -> list[dict]:
    """The report's plain list: one mapping per entry point, sorted (file, line, kind)."""
    if not entries:
        return []
    return [e.as_dict() for e in entries]
