"""Wiring checks on the hand-written DW-shaped fixture: every planted defect found, nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from dwagent.tools.graph.api import graph_for
from dwagent.tools.graph.checks import wiring_findings
from dwagent.tools.graph.config import GraphConfig
from dwagent.tools.index import build_index, open_index

FIXTURE = Path(__file__).resolve().parents[2] / "evals" / "fixtures" / "dwshape"
LABELS = yaml.safe_load((FIXTURE / "labels.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    index_dir = tmp_path_factory.mktemp("dwshape-index")
    build_index(FIXTURE, index_dir=index_dir, jobs=1)
    with open_index(FIXTURE, index_dir=index_dir) as s:
        yield s


@pytest.fixture(scope="module")
def config() -> GraphConfig:
    return GraphConfig.from_mapping({"public_api": LABELS["config"]["public_api"]})


@pytest.fixture(scope="module")
def findings(store, config):
    return wiring_findings(store, config)


def _planted() -> list[tuple[str, dict]]:
    out = []
    for category, items in LABELS["wiring"].items():
        for item in items:
            out.append((item.get("category", category), item))
    return out


@pytest.mark.parametrize("category,label", _planted(), ids=lambda v: v if isinstance(v, str) else v.get("symbol", v.get("topic")))
def test_every_planted_wiring_defect_is_found(findings, category, label):
    lo, hi = label["lines"]
    hits = [f for f in findings if f.category == category and f.file == label["file"] and lo <= f.start_line <= hi]
    assert hits, f"missed {category} at {label['file']}:{lo}-{hi}"


def test_no_finding_outside_the_planted_set(findings):
    planted = _planted()
    for f in findings:
        assert any(f.category == c and f.file == l["file"] and l["lines"][0] <= f.start_line <= l["lines"][1] for c, l in planted), (
            f"unexpected {f.rule} {f.file}:{f.start_line}: {f.message}"
        )


def test_reflection_discovered_types_are_wired_not_dead(store, config, findings):
    view = graph_for(store, config)
    for item in LABELS["wired"]["reflection_discovered"]:
        qual = next(q for q, t in view.graph.types.items() if t.name == item["symbol"])
        assert qual in view.graph.discovered, item["symbol"]
        assert item["base"] in view.graph.discovered[qual]
        assert view.graph.types[qual].live, item["symbol"]
        assert not [f for f in findings if f.file == item["file"] and f.category == "unwired-component"], item["symbol"]


def test_other_hard_negatives_are_not_reported(findings):
    names = {n["symbol"] for n in LABELS["wired"]["other"]}
    for f in findings:
        assert f.properties.get("symbol", "").rsplit(".", 1)[-1] not in names, f.message


def test_findings_say_why_and_what_was_searched(findings):
    for f in findings:
        assert "searched" in f.message, f.message
        assert f.excerpt.strip(), f.rule
        assert f.fingerprint and f.id.startswith("F-")


def test_excerpts_are_verbatim_lines_of_the_file(findings):
    for f in findings:
        lines = (FIXTURE / f.file).read_text(encoding="utf-8").splitlines()
        assert f.excerpt == "\n".join(lines[f.start_line - 1 : f.end_line])
        for r in f.related:
            assert r.excerpt == (FIXTURE / r.file).read_text(encoding="utf-8").splitlines()[r.start_line - 1]


def test_orphan_topics_carry_the_other_side(findings):
    by_topic = {f.properties["topic"]: f for f in findings if f.category == "orphan-topic"}
    sent = by_topic["encryption.decrypt"]
    assert sent.rule == "DWA-310"
    assert any(r.file.endswith("UltimateEncryptionPlugin.cs") and r.start_line == 33 for r in sent.related)
    subscribed = by_topic["encryption.decrypt.request"]
    assert subscribed.rule == "DWA-311"
    assert any(r.file.endswith("PipelineOrchestrator.cs") and r.start_line == 50 for r in subscribed.related)


def test_dead_subsystem_names_its_unreachable_referrer_and_test_only_use(findings):
    msgs = {f.properties["symbol"].rsplit(".", 1)[-1]: f.message for f in findings if f.rule == "DWA-301"}
    assert "RaftConsensusEngine" in msgs["RaftLog"]
    assert "ConsensusTests.cs" in msgs["RaftConsensusEngine"]


def test_interceptor_never_wrapped_is_reported_as_such(findings):
    hit = [f for f in findings if f.rule == "DWA-303"]
    assert len(hit) == 1 and "AccessControlInterceptor" in hit[0].message


def test_public_api_glob_is_what_keeps_the_sdk_client_quiet(store):
    bare = wiring_findings(store, GraphConfig.csharp_default())
    assert any(f.properties.get("symbol", "").endswith(".DataWarehouseClient") for f in bare)


def test_checks_are_registered_with_the_rules_engine():
    from dwagent.tools.rules.registry import load_rules

    rules = load_rules()
    for rule_id in ("DWA-301", "DWA-302", "DWA-303", "DWA-310", "DWA-311", "DWA-320", "DWA-321"):
        assert rules[rule_id].meta.kind == "index"
