"""A small hand-built report with hostile text in every field that comes from the audited tree."""
from __future__ import annotations

import pytest

from dwagent.models import Evidence, Finding
from dwagent.report.model import FlowRow, GateRow, Hop, Item, MatrixRow, Report

HOSTILE = '</pre><script>alert("x")</script> ``` | [link](javascript:alert(1))'


def make_report(verdict: str = "NOT CERTIFIED", findings=None) -> Report:
    ev = Evidence(id="E-1", file="src/a.cs", start_line=2, end_line=2, excerpt=HOSTILE, kind="code", note=HOSTILE)
    if findings is None:
        findings = [Finding(id="F-1", fingerprint="fp-1", rule="DWA-101", category="tls-bypass", severity="critical",
                            file="src/<evil>.cs", start_line=3, end_line=3, excerpt=HOSTILE, message=HOSTILE)]
    return Report(
        tool_version="0", rubric="generic", rubric_sha256="a" * 64, root_name="<tree>", verdict=verdict, rationale="r",
        p0=[Item(kind="finding", id="F-1", reason=HOSTILE, action="fix", location="src/a.cs:3", finding_ids=["F-1"])],
        gates=[GateRow(id="build", name="build", kind="command", status="NOT RUN", reason="no toolchain", effect="condition")],
        domains=[MatrixRow(id="src", name=HOSTILE, status="FAIL", reason=HOSTILE, finding_ids=["F-1"])],
        flows=[FlowRow(id="write", name="write", status="NOT VERIFIED", hops=[Hop(name="entry", found=True, symbol=HOSTILE, file="src/a.cs", line=2), Hop(name="store", found=False)])],
        findings=findings, evidence={"E-1": ev},
    )


@pytest.fixture
def report() -> Report:
    return make_report()


@pytest.fixture
def report_factory():
    return make_report
