"""Grouping findings into root causes: the report model's unit of work for a release manager.

A root cause is one defect that shows at N locations: one fix, one re-audit check. Findings are
grouped by their rule: each rule of the catalogue is one defect pattern with one fix, so "SQL
text built from input" at 153 places is one item, and a design-level rule's class (every
security option nobody reads, every listener that does not authenticate) is one missing
mechanism with N locations, not one item per option or per listener. A detector's `root_cause`
key (e.g. `entry:<file>:<line>`: one listener and every action behind it) says which locations
share one site; it is kept as the root cause's `sites` count and orders the cited locations
(one per site first), but it does not split the item: the release manager's unit of work is
the mechanism, and one rule has one why, one fix and one re-audit check. (Grouping by the shape of the message, quoted names blanked, was tried on a real tree
and split one pattern into many items: "promises to encrypt / to decrypt / to compress" and
"MD5 / SHA-1 protects" are one fix each.) Nothing here knows any target's names; the three cited
locations are the most telling (worst severity, production, reachable, high confidence), spread
over as many components as possible.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable

from dwagent.models import SEVERITY_ORDER
from dwagent.report.remedies import CELL_REMEDY, remedy
from dwagent.tools.source_text import source_lines

CITED = 3
_EFFECT_RANK = {"block": 0, "condition": 1, "note": 2}
_REACH_RANK = {"reachable": 0, "unknown": 1, "unreachable": 2}
_CONF_RANK = {"high": 0, "medium": 1, "low": 2}
_QUOTED = re.compile(r"`[^`]*`|'[^']*'|\"[^\"]*\"")
_PAREN = re.compile(r"\([^()]*\)")
_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")


def message_shape(message: str) -> str:
    """The message with what varies per location blanked: quoted names, parentheticals, numbers."""
    text = _QUOTED.sub("·", message)
    text = _PAREN.sub("", text)
    text = _DIGITS.sub("#", text)
    return _SPACE.sub(" ", text).strip(" .;:")


def root_cause_key(finding: dict) -> str:
    """The grouping key of a finding: its rule (see the module docstring)."""
    return f"rule:{finding['rule']}"


def site_key(finding: dict) -> str:
    """The site a finding belongs to inside its root cause: the detector's key, else its file."""
    return (finding.get("root_cause") or "").strip() or finding["file"]


def root_cause_id(key: str) -> str:
    """A stable id for a grouping key (survives line moves, so baselines can compare)."""
    return "RC-" + hashlib.sha1(key.encode()).hexdigest()[:10]


def telling(finding: dict) -> tuple:
    """Sort key: the most telling location first."""
    return (
        SEVERITY_ORDER[finding["severity"]],
        finding.get("scope") != "production",
        _REACH_RANK.get(finding.get("reachability", "unknown"), 1),
        _CONF_RANK.get(finding.get("confidence", "high"), 0),
        finding["file"],
        finding["start_line"],
        finding["rule"],
    )


def cite(findings: list[dict], component_of: Callable[[str], str], n: int = CITED) -> list[dict]:
    """The n most telling findings, one per component first, then one per site, then the next
    most telling."""
    ordered = sorted(findings, key=telling)
    picked: list[dict] = []
    for spread in (lambda f: component_of(f["file"]), site_key):
        seen = {spread(f) for f in picked}
        for f in ordered:
            if f not in picked and spread(f) not in seen:
                picked.append(f)
                seen.add(spread(f))
            if len(picked) == n:
                return picked
    for f in ordered:
        if f not in picked:
            picked.append(f)
        if len(picked) == n:
            break
    return picked


def _location(f: dict) -> dict:
    excerpt = "\n".join(source_lines(f.get("excerpt", ""))[:3])
    return {"file": f["file"], "line": f["start_line"], "excerpt": excerpt, "finding_id": f["id"], "note": f.get("message", "")[:240]}


def _verify_finding(rule: str, n: int) -> str:
    return (
        f"re-run certify with this report as --baseline: the comparison must list these {n} location(s) as fixed "
        f"and no finding of {rule} may remain or appear"
    )


def group_findings(
    findings: Iterable[dict],
    effect_of: Callable[[dict], str],
    component_of: Callable[[str], str],
    titles: dict[str, str] | None = None,
    remedies: dict[str, tuple[str, str]] | None = None,
    blocking_of: Callable[[dict], str] | None = None,
) -> list[dict]:
    """Root causes (RootCause dicts) of these counted findings, each with the worst member's effect.

    `remedies` is rule id -> (why, fix), the rule's own text (registry metadata); the category's
    text is the fallback only. `blocking_of` says why one finding blocks on its own ("" if not)."""
    groups: dict[str, list[dict]] = {}
    for f in findings:
        groups.setdefault(root_cause_key(f), []).append(f)
    out = []
    for key, members in groups.items():
        members.sort(key=telling)
        head = members[0]
        own_why, own_fix = (remedies or {}).get(head["rule"], ("", ""))
        why, fix = own_why or remedy(head["category"])[0], own_fix or remedy(head["category"])[1]
        effect = min((effect_of(f) for f in members), key=_EFFECT_RANK.__getitem__)
        blocking = next((b for b in map(blocking_of, members) if b), "") if blocking_of and effect == "block" else ""
        comps = sorted({component_of(f["file"]) for f in members})
        # a detector's root_cause is a grouping key (e.g. `entry:<file>:<line>`), not prose: the
        # title is the rule's, and the cited locations say where
        title = (titles or {}).get(head["rule"]) or message_shape(head["message"])
        out.append(
            {
                "id": root_cause_id(key),
                "key": key,
                "kind": "finding",
                "rule": head["rule"],
                "category": head["category"],
                "severity": head["severity"],
                "effect": effect,
                "title": title,
                "what": f"{title}: {head['message']}"[:400],
                "why": why,
                "fix": fix,
                "blocking": blocking,
                "verify": _verify_finding(head["rule"], len(members)),
                "count": len(members),
                "files": len({f["file"] for f in members}),
                "components": comps,
                "production": sum(1 for f in members if f.get("scope") == "production"),
                "sites": len({site_key(f) for f in members}),
                "finding_ids": [f["id"] for f in members],
                "cited": [_location(f) for f in cite(members, component_of)],
                "blocks": [],
            }
        )
    return out


def cell_root_cause(
    kind: str, key: str, title: str, where: list[dict], effect: str, why: str = "", fix: str = "", verify: str = "", id_: str = ""
) -> dict:
    """A root cause that is a failing cell's own evidence (no finding behind it): a gate that did
    not run, a lifecycle stub, a broken flow, a preset that lacks an option."""
    default_why, default_fix = CELL_REMEDY.get(kind, ("", ""))
    return {
        "id": id_ or root_cause_id(f"{kind}:{key}"),
        "key": f"{kind}:{key}",
        "kind": kind,
        "rule": "",
        "category": "",
        "severity": "",
        "effect": effect,
        "title": title,
        "what": title,
        "why": why or default_why,
        "fix": fix or default_fix,
        "blocking": "",
        "verify": verify or "re-run certify: the named cell(s) must no longer FAIL, each citing its evidence",
        "count": len(where),
        "files": len({w["file"] for w in where if w.get("file")}),
        "components": sorted({w.get("component", "") for w in where if w.get("component")}),
        "production": 0,
        "finding_ids": [],
        "cited": where[:CITED],
        "blocks": [],
    }


def escalate(rc: dict, effect: str, because: str) -> None:
    """Raise a root cause's effect because a cell it makes FAIL carries that effect; say which."""
    if _EFFECT_RANK[effect] < _EFFECT_RANK[rc["effect"]]:
        rc["effect"] = effect
        if effect == "block" and not rc.get("blocking"):
            rc["blocking"] = because
    if because not in rc["blocks"]:
        rc["blocks"].append(because)


def order(root_causes: list[dict], kind_order: tuple[str, ...]) -> list[dict]:
    """Deterministic order: effect, kind, worst severity, most locations, key."""
    for rc in root_causes:
        rc["blocks"] = sorted(rc["blocks"])
    return sorted(
        root_causes,
        key=lambda rc: (
            _EFFECT_RANK[rc["effect"]],
            kind_order.index(rc["kind"]) if rc["kind"] in kind_order else 99,
            SEVERITY_ORDER.get(rc["severity"], 0),
            -rc["count"],
            rc["key"],
        ),
    )
