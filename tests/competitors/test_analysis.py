"""The analysis: a section per KB product, cited prose specific to each product, the audited
product's side from the audit (certification verdict, blocking findings), stated rules, determinism."""

from __future__ import annotations

import re
import statistics

import pytest
from competitors_support import finding, wired_and_tested

from dwagent.competitors.analysis import analyse
from dwagent.competitors.kbcheck import sentence_spread, sentences
from dwagent.competitors.loader import default_kb
from dwagent.competitors.render import render_markdown, summary_markdown

REPORT = {
    "verdict": "NOT CERTIFIED",
    "rationale": "2 P0 item(s) block certification",
    "p0": [{"kind": "finding", "id": "F-tls"}, {"kind": "flow", "id": "write"}],
    "findings": [{"id": "F-tls", "category": "tls-bypass", "file": "src/TlsSettings.cs", "start_line": 2}],
    "flows": [{"id": "write", "name": "Write path", "status": "FAIL"}],
}


@pytest.fixture
def analysis(tree):
    wired_and_tested(tree)
    tree.write("src/TlsSettings.cs", "namespace Acme;\npublic class TlsOptions { public bool Verify = false; }\n")
    tree.write("src/Kafka.cs", "namespace Acme;\npublic class KafkaConnectionStrategy { }\n")
    findings = [finding("tls-bypass", "src/TlsSettings.cs", 2, severity="critical", fid="F-tls")]
    with tree.store() as store:
        return analyse(store, findings, product="Acme Vault", report=REPORT)


def test_every_kb_product_has_its_own_section_under_its_group(analysis):
    md = render_markdown(analysis)
    for product in default_kb():
        level = "####" if product.group else "###"
        assert f"\n{level} {product.heading}\n" in md, product.slug
    for group in ("Google", "Microsoft", "Meta", "Netflix", "NVIDIA", "Intel-AMD"):
        assert f"\n### {group}\n" in md


def test_sections_are_three_cited_paragraphs_ending_with_the_gap(analysis):
    for section in analysis.sections:
        assert len(section.paragraphs) == 3
        text = " ".join(section.paragraphs)
        assert "Acme Vault" in text
        cited = {int(n) for n in re.findall(r"\[(\d+)\]", text)}
        assert cited and cited <= set(range(1, len(section.sources) + 1)), section.comparison.slug
        last = sentences(section.paragraphs[2])
        assert any("gap to close" in s for s in last[-2:]), section.comparison.slug


def test_no_sentence_appears_in_more_than_three_sections(analysis):
    spread = sentence_spread({s.comparison.slug: list(s.paragraphs) for s in analysis.sections})
    worst = max(len(v) for v in spread.values())
    assert worst <= 3, [k for k, v in spread.items() if len(v) == worst][:2]


def test_the_median_section_is_specific_to_its_product(analysis):
    """Specific = our prose written for that product, or a sentence citing one of its own facts."""
    kb = {p.slug: p for p in default_kb()}
    shares = []
    for section in analysis.sections:
        own = {s for text in kb[section.comparison.slug].written.model_dump().values() for s in sentences(text.replace("{dw}", "Acme Vault"))}
        all_sentences = [s for p in section.paragraphs for s in sentences(p)]
        specific = [s for s in all_sentences if re.search(r"\[\d+\]", s) or any(o.rstrip(".") in s for o in own)]
        shares.append(len(specific) / len(all_sentences))
    assert statistics.median(shares) >= 0.6


def test_the_certification_verdict_and_blocking_findings_are_part_of_the_comparison(analysis):
    cert = analysis.profile.certification
    assert cert.known and cert.verdict == "NOT CERTIFIED" and cert.blocking_finding_ids == ("F-tls",)
    assert cert.failed_flows == ("Write path",)
    md = render_markdown(analysis)
    assert "Verdict: **NOT CERTIFIED**" in md and "tls-bypass" in md
    assert analysis.dw["security"].score <= 1 and "blocking security" in analysis.dw["security"].reason
    assert analysis.dw["reliability"].score <= 1 and "Write path" in analysis.dw["reliability"].reason
    assert "NOT CERTIFIED" in " ".join(analysis.sections[0].paragraphs)


def test_a_connector_in_the_code_makes_the_product_a_partner(analysis):
    kafka = next(s for s in analysis.sections if s.comparison.slug == "apache-kafka")
    text = " ".join(kafka.paragraphs)
    assert "KafkaConnectionStrategy at `src/Kafka.cs:2`" in text
    assert "dependency or partner" in text
    minio = next(s for s in analysis.sections if s.comparison.slug == "minio")
    assert "dependency or partner" not in " ".join(minio.paragraphs)


def test_matrix_cells_have_reasons_and_few_unknowns(analysis):
    cells = analysis.cells()
    assert len({c.dimension for c in cells}) >= 6
    assert sum(c.verdict == "unknown" for c in cells) / len(cells) <= 0.15
    for cell in cells:
        assert cell.reason and "audited:" in cell.reason


def test_recommendations_are_sequenced_and_tied_to_evidence(analysis):
    recs = analysis.recommendations
    assert 5 <= len(recs) <= 10
    assert [r.priority for r in recs] == list(range(1, len(recs) + 1))
    assert recs[0].title == "Close the blocking security findings" and "F-tls" in recs[0].ties
    assert recs[1].title.startswith("Make the critical flows pass")
    for rec in recs:
        assert rec.ties and rec.market, rec.title
        assert "Hyperscaler Internal" not in rec.market  # internal systems are benchmarks, not markets


def test_report_states_freshness_and_rules(analysis):
    md = render_markdown(analysis)
    assert "## Freshness" in md and f"as of {analysis.kb_as_of}" in md
    assert len(analysis.stale) > 0 and "## Scoring rules" in md and "## Bottom line" in md
    summary = summary_markdown(analysis)
    assert "## Competitive position" in summary and "competitive-analysis.md" in summary


def test_output_is_deterministic(tree):
    wired_and_tested(tree)
    with tree.store() as store:
        first = render_markdown(analyse(store, [], product="Acme", report=REPORT))
    with tree.store() as store:
        second = render_markdown(analyse(store, [], product="Acme", report=REPORT))
    assert first == second


def test_more_evidence_changes_the_comparison(tree):
    with tree.store() as store:
        before = analyse(store, [], product="Acme")
    wired_and_tested(tree)
    with tree.store() as store:
        after = analyse(store, [], product="Acme")
    minio_before = next(s for s in before.sections if s.comparison.slug == "minio").comparison
    minio_after = next(s for s in after.sections if s.comparison.slug == "minio").comparison
    assert "erasure-coding" in minio_before.product_better
    assert "erasure-coding" not in minio_after.product_better


def test_certify_adapter_accepts_finding_dicts_and_the_report(tree):
    import json

    from dwagent.competitors.analysis import analyse_evidence, report_dict

    wired_and_tested(tree)
    tree.store().close()
    stub = finding("stub-return", "src/Codec.cs", 7, severity="medium", fid="F-stub").model_dump(mode="json")
    analysis = analyse_evidence({"root": str(tree.root), "findings": [stub], "report": REPORT}, index_dir=tree.index_dir, product="Acme")
    assert analysis.profile.status("erasure-coding") == "partial"
    out = report_dict(analysis)
    assert out["status"] == "RAN" and out["profile"]["erasure-coding"] == "partial"
    assert out["markdown"].startswith("# Competitive analysis: Acme")
    assert set(out["matrix"]) >= {"minio", "ceph"} and out["unknown_cells"] <= 0.15 * out["cells"]
    json.dumps(out)


def test_generated_prose_passes_the_citation_check_and_bad_prose_fails(analysis):
    from dwagent.competitors.prose import check_citations

    refs = {f"{s.file}:{s.line}" for cap in analysis.profile.capabilities.values() for s in cap.symbols}
    refs |= {f"{f.file}:{f.line}" for f in analysis.profile.findings.values()}
    refs |= {f"{i.file}:{i.line}" for items in analysis.profile.integrations.values() for i in items}
    ids = set(analysis.profile.findings)
    for section in analysis.sections:
        para = section.paragraphs[2]
        assert check_citations(para, len(section.sources), refs, ids) == [], section.comparison.slug
    bad = "It is faster [99]; see `src/Nowhere.cs:1` and finding F-made-up."
    assert len(check_citations(bad, 3, refs, ids)) == 3


def test_section_metrics_report_spread_specificity_and_unknowns(analysis):
    from dwagent.competitors.quality import section_metrics

    metrics = section_metrics(analysis, default_kb())
    assert metrics["sections"] == len(default_kb()) == metrics["sections_ending_with_gap"]
    assert metrics["max_sections_per_sentence"] <= 3
    assert metrics["max_sections_per_sentence_names_masked"] >= metrics["max_sections_per_sentence"]
    assert 0.6 <= metrics["specific_share_median"] <= 1.0
    assert metrics["unknown_share"] <= 0.15 and metrics["kb_secondary"] <= 0.05 * metrics["kb_facts"]
