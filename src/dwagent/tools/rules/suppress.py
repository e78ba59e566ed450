"""Suppressions: inline `dwagent-ignore` comments, a team baseline file and the certifier's baseline.

Suppressed findings stay in the output with `Finding.suppression` set. An inline comment or the
team's baseline live inside (or beside) the audited tree, so in a certification they are claims:
only the certifier's own baseline (kind "certifier-baseline", kept outside the audited tree) accepts
a critical/high finding. This module marks; it never drops.

Baseline file format (JSON):
    {"version": 1, "suppressions": [{"fingerprint": "<sha1>", "rule": "DWA-101",
                                     "file": "src/a.cs", "justification": "why"}]}
A bare list of such objects is accepted too.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Iterable, Sequence

from dwagent.errors import InputError
from dwagent.models import Finding, Suppression
from dwagent.tools.source_text import read_text, source_lines

INLINE = re.compile(r"(?://|#)\s*dwagent-ignore\s+(DWA-\d{3}(?:\s*,\s*DWA-\d{3})*)\s*(?::\s*(.*?))?\s*(?:\*/)?$")


def inline_suppression(lines: Sequence[str], finding: Finding) -> Suppression | None:
    """The `dwagent-ignore <ids>: reason` comment for this finding on its first line or the line
    above, or None. The comment must name the rule id (no wildcard: each waiver is explicit)."""
    for ln in (finding.start_line, finding.start_line - 1):
        if 0 < ln <= len(lines):
            m = INLINE.search(lines[ln - 1])
            if m and finding.rule in [r.strip() for r in m.group(1).split(",")]:
                reason = (m.group(2) or "").strip()
                return Suppression(kind="inline", justification=reason or "(no reason given)", location=f"{finding.file}:{ln}")
    return None


def mark_inline(findings: Iterable[Finding], lines: Sequence[str]) -> list[Finding]:
    """Set inline suppressions on one file's findings (lines = that file's text lines)."""
    out = []
    for f in findings:
        sup = None if f.suppression is not None else inline_suppression(lines, f)
        out.append(f if sup is None else f.model_copy(update={"suppression": sup}))
    return out


def load_baseline(path: Path | str) -> dict[str, str]:
    """fingerprint -> justification from a baseline file; InputError when unreadable/malformed."""
    p = Path(path)
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read baseline {p}: {exc.strerror}", "check the --baseline path") from exc
    except json.JSONDecodeError as exc:
        raise InputError(
            f"baseline {p} is not valid JSON: {exc.msg} (line {exc.lineno})", "fix the file or regenerate it with `dwagent scan --write-baseline`"
        ) from exc
    entries = doc.get("suppressions") if isinstance(doc, dict) else doc
    if not isinstance(entries, list):
        raise InputError(f"baseline {p} has no `suppressions` list", "see docs/rules.md for the format")
    out: dict[str, str] = {}
    for i, e in enumerate(entries):
        if not isinstance(e, dict) or not isinstance(e.get("fingerprint"), str):
            raise InputError(f"baseline {p}: entry {i} has no fingerprint", "each entry needs a `fingerprint`")
        out[e["fingerprint"]] = str(e.get("justification", "")) or "(no reason given)"
    return out


def baseline_document(findings: Iterable[Finding], justification: str = "accepted at baseline") -> dict:
    """A baseline accepting every given finding (sorted, deterministic)."""
    rows = sorted(
        ({"fingerprint": f.fingerprint, "rule": f.rule, "file": f.file, "justification": justification} for f in findings),
        key=lambda r: (r["file"], r["rule"], r["fingerprint"]),
    )
    return {"version": 1, "suppressions": rows}


def _as_map(baseline) -> tuple[dict[str, str], str]:
    if baseline is None:
        return {}, ""
    if isinstance(baseline, dict):
        return baseline, "baseline"
    return load_baseline(baseline), str(baseline)


def apply_suppressions(findings: Iterable[Finding], root: Path | str | None = None, baseline=None, certifier_baseline=None) -> list[Finding]:
    """Mark findings suppressed: certifier baseline first (it is the only one that counts for
    certification), then the team baseline, then inline comments read from `root`.

    `baseline`/`certifier_baseline` are a path to a baseline file or an already-loaded
    fingerprint -> justification map.
    """
    cert, cert_src = _as_map(certifier_baseline)
    team, team_src = _as_map(baseline)
    lines_cache: dict[str, list[str]] = {}
    out = []
    for f in findings:
        sup = None
        if f.fingerprint in cert:
            sup = Suppression(kind="certifier-baseline", justification=cert[f.fingerprint], location=cert_src)
        elif f.suppression is not None:
            sup = f.suppression
        elif f.fingerprint in team:
            sup = Suppression(kind="baseline", justification=team[f.fingerprint], location=team_src)
        elif root is not None and f.file:
            if f.file not in lines_cache:
                try:
                    lines_cache[f.file] = source_lines(read_text(Path(root) / f.file))
                except OSError:
                    lines_cache[f.file] = []
            sup = inline_suppression(lines_cache[f.file], f)
        out.append(f if sup == f.suppression else f.model_copy(update={"suppression": sup}))
    return out
