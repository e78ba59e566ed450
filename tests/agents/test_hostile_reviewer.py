"""The hostile reviewer: quote check, test-only, duplicates, reachability, guards, suppressions,
and challenges of PASS cells."""

from __future__ import annotations

from pathlib import Path

from dwagent.agents.context import RunContext
from dwagent.agents.nodes.hostile_reviewer import challenge_cell, passes_node, review_findings
from dwagent.models import Finding, Suppression
from dwagent.rubric.loader import load_rubric

SOURCE = """public class Client
{
    public HttpClient Make(IHostEnvironment env)
    {
        var handler = new HttpClientHandler();
        if (env.IsDevelopment())
        {
            handler.ServerCertificateCustomValidationCallback = (a, b, c, d) => true;
        }
        handler.ServerCertificateCustomValidationCallback = (a, b, c, d) => true;
        // if (env.IsDevelopment()) — a comment is not a guard
        return new HttpClient(handler);
    }
}
"""


class FakeSources:
    """Just enough of agents.sources.Sources for the reviewer: file lines, members, reachability."""

    def __init__(self, root: Path, unreachable: set[str] = frozenset()):
        self.root = root
        self.unreachable = unreachable

    def lines(self, path):
        return (self.root / path).read_text().splitlines()

    def enclosing_member(self, path, line):
        return {"kind": "method", "name": "Make", "qualname": "Client.Make", "start_line": 3, "end_line": 13}

    def reachability(self, f):
        return "unreachable" if f.file in self.unreachable else "reachable"


def _ctx(root: Path, baseline=None) -> RunContext:
    return RunContext(root=root, rubric=load_rubric("generic"), baseline=baseline or {})


def _f(root: Path, line: int, **kw) -> Finding:
    text = (root / kw.get("file", "src/Client.cs")).read_text().splitlines()[line - 1]
    base = dict(
        rule="DWA-101",
        category="tls-bypass",
        severity="critical",
        file="src/Client.cs",
        start_line=line,
        end_line=line,
        excerpt=text,
        message="bypass",
        id=f"F-{line}",
        fingerprint=f"fp-{line}",
    )
    base.update(kw)
    return Finding(**base)


def _tree(tmp_path: Path) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "Client.cs").write_text(SOURCE)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "ClientTests.cs").write_text("var x = 1;\n")
    return tmp_path


def test_a_quote_that_does_not_match_the_file_is_dropped(tmp_path):
    root = _tree(tmp_path)
    bad = _f(root, 10).model_copy(update={"excerpt": "something the file does not say"})
    kept, dropped, log = review_findings([bad], _ctx(root), FakeSources(root))
    assert kept == [] and dropped[0].review[-1].challenge == "quote-check"
    assert dropped[0].review[-1].outcome == "dropped" and any("quote-check" in line for line in log)


def test_test_only_hits_are_dropped(tmp_path):
    root = _tree(tmp_path)
    f = _f(root, 1, file="tests/ClientTests.cs", scope="test")
    kept, dropped, _ = review_findings([f], _ctx(root), FakeSources(root))
    assert kept == [] and dropped[0].review[-1].challenge == "test-only"


def test_guarded_hit_is_downgraded_citing_the_guard_and_unguarded_twin_is_not(tmp_path):
    root = _tree(tmp_path)
    kept, _, _ = review_findings([_f(root, 8), _f(root, 10)], _ctx(root), FakeSources(root))
    by_line = {f.start_line: f for f in kept}
    guarded = by_line[8]
    assert guarded.severity == "high" and guarded.properties["original_severity"] == "critical"
    assert guarded.guards and guarded.guards[0].start_line == 6 and "IsDevelopment" in guarded.guards[0].excerpt
    assert [r.outcome for r in guarded.review if r.challenge == "guard"] == ["downgraded"]
    assert by_line[10].severity == "critical" and not by_line[10].guards  # a comment is not a guard


def test_unreachable_code_is_reranked_not_dropped(tmp_path):
    root = _tree(tmp_path)
    kept, dropped, _ = review_findings([_f(root, 10)], _ctx(root), FakeSources(root, {"src/Client.cs"}))
    assert not dropped and kept[0].reachability == "unreachable" and kept[0].severity == "high"
    assert any(r.challenge == "reachability" and r.outcome == "downgraded" for r in kept[0].review)


def test_wiring_findings_are_not_downgraded_for_being_unreachable(tmp_path):
    root = _tree(tmp_path)
    f = _f(root, 1, category="unwired-component", severity="medium", rule="DWA-301")
    kept, _, _ = review_findings([f], _ctx(root), FakeSources(root, {"src/Client.cs"}))
    assert kept[0].severity == "medium"


def test_duplicates_are_merged_into_the_most_severe(tmp_path):
    root = _tree(tmp_path)
    a = _f(root, 10, rule="DWA-101", severity="high")
    b = _f(root, 10, rule="DWA-102", severity="critical", id="F-b", fingerprint="fp-b")
    kept, _, _ = review_findings([a, b], _ctx(root), FakeSources(root))
    assert len(kept) == 1 and kept[0].rule == "DWA-102"
    assert kept[0].related and any(r.challenge == "duplicate" for r in kept[0].review)


def test_a_merged_duplicate_keeps_its_own_path(tmp_path):
    """The finding merged away (same line, same category) hands its related evidence (a hop path) on."""
    from dwagent.models import Evidence

    root = _tree(tmp_path)
    text = (root / "src/Client.cs").read_text().splitlines()[0]
    hop = Evidence(id=Evidence.make_id("src/Client.cs", 1, 1, text), file="src/Client.cs", start_line=1, end_line=1, excerpt=text, note="hop 1")
    a = _f(root, 10, rule="DWA-101", severity="high")
    b = _f(root, 10, rule="DWA-102", severity="high", id="F-b", fingerprint="fp-b", related=(hop,))
    kept, _, _ = review_findings([a, b], _ctx(root), FakeSources(root))
    assert len(kept) == 1 and kept[0].rule == "DWA-101"
    assert [r.note for r in kept[0].related if r.note == "hop 1"] == ["hop 1"]


def test_in_tree_suppression_is_rejected_and_certifier_baseline_accepted(tmp_path):
    root = _tree(tmp_path)
    inline = _f(root, 10, suppression=Suppression(kind="inline", justification="ignore"))
    kept, _, _ = review_findings([inline], _ctx(root), FakeSources(root))
    assert kept[0].review[-1].outcome == "rejected-argument" and kept[0].suppression.kind == "inline"
    kept, _, _ = review_findings([_f(root, 10)], _ctx(root, {"fp-10": "accepted: lab only"}), FakeSources(root))
    assert kept[0].suppression.kind == "certifier-baseline"


def test_a_pass_without_evidence_becomes_not_verified(tmp_path):
    cell, rec = challenge_cell({"status": "PASS", "reason": "looks fine", "evidence_ids": []}, {}, tmp_path, "x")
    assert cell["status"] == "NOT VERIFIED" and rec["outcome"] == "NOT VERIFIED"


def test_a_pass_whose_evidence_no_longer_matches_becomes_not_verified(tmp_path):
    root = _tree(tmp_path)
    ev = {"id": "E-1", "file": "src/Client.cs", "start_line": 1, "end_line": 1, "excerpt": "public class Other", "kind": "code"}
    cell, _ = challenge_cell({"status": "PASS", "evidence_ids": ["E-1"]}, {"E-1": ev}, root, "x")
    assert cell["status"] == "NOT VERIFIED"
    ev["excerpt"] = "public class Client"
    cell, rec = challenge_cell({"status": "PASS", "evidence_ids": ["E-1"]}, {"E-1": ev}, root, "x")
    assert cell["status"] == "PASS" and rec["outcome"] == "upheld"


def test_not_applicable_is_challenged_like_a_pass_and_does_not_lower_its_row(tmp_path):
    root = _tree(tmp_path)
    cell, rec = challenge_cell({"status": "NOT APPLICABLE", "reason": "sync", "evidence_ids": []}, {}, root, "x")
    assert cell["status"] == "NOT VERIFIED" and rec["outcome"] == "NOT VERIFIED"
    ev = {"id": "E-1", "file": "src/Client.cs", "start_line": 1, "end_line": 1, "excerpt": "public class Client", "kind": "code"}
    na = {"status": "NOT APPLICABLE", "reason": "sync", "evidence_ids": ["E-1"], "finding_ids": []}
    ok = {"status": "PASS", "reason": "r", "evidence_ids": ["E-1"], "finding_ids": []}
    state = {"evidence": {"E-1": ev}, "flows": {"f": {**ok, "cells": {"cancellation": na, "async": ok}}}}
    out = passes_node(state, _ctx(root))
    row = out["flows"]["f"]
    assert row["status"] == "PASS" and row["cells"]["cancellation"]["status"] == "NOT APPLICABLE"
