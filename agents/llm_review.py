"""The optional LLM challenge inside the hostile reviewer (agents/llm/review.py does the asking).

Policy (docs/verdict-policy.md): a model is never the reason a verdict exists. Its verified
arguments are recorded on the finding; at most they lower the severity by one level (a
"refuted" finding is kept, one level lower, with the argument cited). It never drops a finding,
raises a severity, or turns anything into PASS. Without a gateway nothing happens.
"""
from __future__ import annotations

from pathlib import Path

from dwagent.agents.policy import downgrade
from dwagent.models import Evidence, Finding


def llm_review(findings: list[Finding], gateway, root: Path, sources=None) -> tuple[list[Finding], dict[str, dict]]:
    """Challenge the selected findings with the model; returns (findings, cited evidence)."""
    if gateway is None:
        return findings, {}
    try:
        from dwagent.agents.llm.review import ReviewContext, llm_challenge, select_for_challenge
    except ImportError:
        return findings, {}
    if hasattr(gateway, "register_secrets"):
        gateway.register_secrets(findings)  # the redactor must know the secrets before any prompt
    chosen = {f.id for f in select_for_challenge(findings)}
    out, evidence = [], {}
    for f in findings:
        if f.id not in chosen:
            out.append(f)
            continue
        enclosing = None
        if sources is not None:
            member = sources.enclosing_member(f.file, f.start_line)
            if member:
                text = sources.excerpt(f.file, member["start_line"], member["end_line"])
                enclosing = Evidence(id=Evidence.make_id(f.file, member["start_line"], member["end_line"], text), file=f.file,
                                     start_line=member["start_line"], end_line=member["end_line"], excerpt=text)
        outcome = llm_challenge(gateway, f, ReviewContext(root=root, enclosing=enclosing, guards=f.guards))
        if outcome.record is None:
            out.append(f)
            continue
        for ev in outcome.citations:
            evidence[ev.id] = ev.model_dump(mode="json")
        # A verified refutation or downgrade lowers by exactly one level (the model cannot go
        # further: llm/review.py already refuses proposals that are not lower than the current).
        lowered = outcome.status in ("refuted", "downgraded")
        severity = downgrade(f.severity, 1) if lowered else f.severity
        new_outcome = "downgraded" if severity != f.severity else ("noted" if outcome.record.outcome == "dropped" else outcome.record.outcome)
        record = outcome.record.model_copy(update={"outcome": new_outcome})
        props = dict(f.properties)
        if severity != f.severity:
            props.setdefault("original_severity", f.severity)
        out.append(f.model_copy(update={"severity": severity, "review": (*f.review, record), "properties": props}))
    return out, evidence
