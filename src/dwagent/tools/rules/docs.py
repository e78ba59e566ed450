"""Generate docs/rules.md from the registry: `python -m dwagent.tools.rules.docs > docs/rules.md`."""

from __future__ import annotations

import sys

from dwagent.tools.rules.registry import all_rules

HEADER = """# Rule catalogue

Generated from the rule registry by `python -m dwagent.tools.rules.docs > docs/rules.md`; do not
edit by hand (a test checks this file is current). Ids: DWA-1xx C# security, DWA-2xx C#
readiness/quality, DWA-3xx cross-file graph checks, DWA-4xx Python.

Suppress a finding inline with `// dwagent-ignore DWA-xxx: reason` (`#` in Python) on the line or
the line above, or list its fingerprint in a baseline file passed with `--baseline`
(`{"version": 1, "suppressions": [{"fingerprint": "...", "justification": "..."}]}`;
`dwagent scan --write-baseline FILE` writes one). Suppressed findings stay in every output, marked;
in a certification only the certifier's own baseline accepts a finding.
"""


def render() -> str:
    """The whole catalogue as Markdown (deterministic)."""
    rules = all_rules()
    out = [HEADER, "| id | title | category | severity | languages | applies to |", "|---|---|---|---|---|---|"]
    for m in rules:
        out.append(f"| [{m.id}](#{m.id.lower()}) | {m.title} | {m.category} | {m.severity} | {', '.join(m.languages)} | {', '.join(m.applies_to)} |")
    for m in rules:
        out.append("")
        out.append(f"## {m.id}")
        out.append("")
        out.append(f"**{m.title}**")
        out.append("")
        facts = [
            f"category `{m.category}`",
            f"severity {m.severity}",
            f"confidence {m.confidence}",
            f"languages {', '.join(m.languages)}",
            f"applies to {', '.join(m.applies_to)}",
            f"domains {', '.join(m.domains)}",
        ]
        if m.cwe:
            facts.append("CWE " + ", ".join(f"[CWE-{c}](https://cwe.mitre.org/data/definitions/{c}.html)" for c in m.cwe))
        if m.security_severity is not None:
            facts.append(f"security-severity {m.security_severity:.1f}")
        if m.kind == "file":
            facts.append(f"fixture `{m.fixture}`")
        else:
            facts.append("cross-file (runs over the index)")
        out.append(" · ".join(facts))
        out.append("")
        out.append(m.doc or "(no description)")
        if m.why or m.fix:
            out.append("")
            out.append(f"Why it blocks a release: {m.why}. Fix: {m.fix}.")
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
