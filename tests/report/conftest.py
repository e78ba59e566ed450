"""A small hand-built report with hostile text in every field that comes from the audited tree."""

from __future__ import annotations

import pytest

from dwagent.models import Evidence, Finding
from dwagent.report.model import FlowRow, GateRow, Hop, Item, MatrixRow, Report

HOSTILE = '</pre><script>alert("x")</script> ``` | [link](javascript:alert(1))'


def make_report(verdict: str = "NOT CERTIFIED", findings=None) -> Report:
    ev = Evidence(id="E-1", file="src/a.cs", start_line=2, end_line=2, excerpt=HOSTILE, kind="code", note=HOSTILE)
    if findings is None:
        findings = [
            Finding(
                id="F-1",
                fingerprint="fp-1",
                rule="DWA-101",
                category="tls-bypass",
                severity="critical",
                file="src/<evil>.cs",
                start_line=3,
                end_line=3,
                excerpt=HOSTILE,
                message=HOSTILE,
            )
        ]
    return Report(
        tool_version="0",
        rubric="generic",
        rubric_sha256="a" * 64,
        root_name="<tree>",
        verdict=verdict,
        rationale="r",
        p0=[Item(kind="finding", id="F-1", reason=HOSTILE, action="fix", location="src/a.cs:3", finding_ids=["F-1"])],
        gates=[GateRow(id="build", name="build", kind="command", status="NOT RUN", reason="no toolchain", effect="condition")],
        domains=[MatrixRow(id="src", name=HOSTILE, status="FAIL", reason=HOSTILE, finding_ids=["F-1"])],
        flows=[
            FlowRow(
                id="write",
                name="write",
                status="NOT VERIFIED",
                hops=[Hop(name="entry", found=True, symbol=HOSTILE, file="src/a.cs", line=2), Hop(name="store", found=False)],
            )
        ],
        findings=findings,
        evidence={"E-1": ev},
    )


@pytest.fixture
def report() -> Report:
    return make_report()


@pytest.fixture
def report_factory():
    return make_report


def grouped_report(n_per_rule: int = 40, comparison: dict | None = None) -> Report:
    """A report whose findings span severities, categories, scopes and two components, grouped
    into root causes and counted the way the adjudicator does (report/grouping, report/counts)."""
    from dwagent.report.counts import compute_counts
    from dwagent.report.grouping import group_findings
    from dwagent.report.model import RootCause

    rules = [
        ("DWA-150", "sql-injection", "high"),
        ("DWA-101", "tls-bypass", "critical"),
        ("DWA-206", "empty-catch", "medium"),
        ("DWA-210", "hardcoded-tuning", "low"),
    ]
    findings = []
    for r, (rule, cat, sev) in enumerate(rules):
        for i in range(n_per_rule):
            comp = "Plugins/Alpha" if i % 2 else "Core"
            findings.append(
                Finding(
                    id=f"F-{r}{i:04d}",
                    fingerprint=f"fp-{r}-{i}",
                    rule=rule,
                    category=cat,
                    severity=sev,
                    file=f"{comp}/File{i % 7}.cs",
                    start_line=10 + i,
                    end_line=10 + i,
                    excerpt=f'var q{i} = "select" + input{i};',
                    message=f"`q{i}` built from `input{i}`",
                    scope="test" if i % 10 == 9 else "production",
                )
            )
    findings.append(
        Finding(
            id="F-hostile",
            fingerprint="fp-h",
            rule="DWA-110",
            category="hardcoded-secret",
            severity="high",
            file="Core/<evil>.cs",
            start_line=3,
            end_line=3,
            excerpt=HOSTILE + '<img src=x onerror="window.__pwned=1">',
            message="needle-zebra " + HOSTILE,
            related=(Evidence(id="E-hop", file="Core/Hop.cs", start_line=7, end_line=7, excerpt="Sink(x);", note="hop into the sink"),),
        )
    )
    dicts = [f.model_dump(mode="json") for f in findings]
    effect = {"critical": "block", "high": "block", "medium": "condition", "low": "note"}
    rcs = group_findings(dicts, lambda f: effect[f["severity"]], lambda p: p.split("/", 1)[0], {"DWA-150": "SQL text built from input"})
    from dwagent.agents.verdict.root_causes import items

    base = make_report(findings=findings)
    report = base.model_copy(
        update={
            "p0": tuple(Item.model_validate(i) for i in items(rcs, "block")),
            "conditions": tuple(Item.model_validate(i) for i in items(rcs, "condition")),
            "notes": tuple(Item.model_validate(i) for i in items(rcs, "note")),
            "root_causes": tuple(RootCause.model_validate(rc) for rc in rcs),
            "plugins": (MatrixRow(id="Plugins/Alpha", name="Alpha", status="FAIL", reason="stubs FAIL"),),
            "finding_domains": {f.id: ("src",) for f in findings},
            "comparison": comparison or {},
        }
    )
    return report.model_copy(update={"counts": compute_counts(report)})


@pytest.fixture
def big_report() -> Report:
    return grouped_report()
