"""The evidence profile changes with the evidence: wired, tested, blocked, unwired, stubbed, absent."""

from __future__ import annotations

import re

import pytest
from competitors_support import WIRED_CODEC, WRITER, finding, wired_and_tested

from dwagent.competitors.evidence import Certification
from dwagent.competitors.profile import build_profile, load_patterns, validate_patterns
from dwagent.errors import InputError
from dwagent.models import Suppression


def _status(tree, findings=(), patterns=None, certification=None):
    with tree.store() as store:
        profile = build_profile(store, list(findings), patterns=patterns, product="Acme", certification=certification)
    return profile, profile.capabilities["erasure-coding"]


def test_absent_without_any_implementation(tree):
    _, cap = _status(tree)
    assert cap.status == "absent"
    assert cap.symbols == ()


def test_present_when_implemented_wired_and_tested(tree):
    wired_and_tested(tree)
    _, cap = _status(tree)
    assert cap.status == "present" and cap.tested
    assert cap.symbols[0].file == "src/Codec.cs" and cap.symbols[0].line == 3
    assert cap.symbols[0].wired and cap.symbols[0].use_count >= 1


def test_wired_but_untested_is_only_partial(tree):
    tree.write("src/Codec.cs", WIRED_CODEC)
    tree.write("src/Writer.cs", WRITER)
    _, cap = _status(tree)
    assert cap.status == "partial" and not cap.tested
    assert "no test references" in cap.reason


def test_a_blocking_finding_means_the_capability_cannot_score_present(tree):
    """Issue #16: a capability with a blocking finding of the certification is never present."""
    wired_and_tested(tree)
    high = finding("path-traversal", "src/Codec.cs", 7, severity="high", fid="F-block")
    cert = Certification(known=True, verdict="NOT CERTIFIED", blocking_finding_ids=("F-block",), blocking_by_kind={"finding": 1})
    _, cap = _status(tree, [high], certification=cert)
    assert cap.status == "partial"
    assert cap.blocking == ("F-block",)
    assert "blocking finding" in cap.reason
    # without a certification report, a critical/high finding inside the code blocks too
    _, fallback = _status(tree, [high])
    assert fallback.status == "partial" and fallback.blocking == ("F-block",)


def test_the_certification_decides_what_blocks_not_the_raw_severity(tree):
    wired_and_tested(tree)
    high = finding("path-traversal", "src/Codec.cs", 7, severity="high", fid="F-downgraded")
    cert = Certification(known=True, verdict="CERTIFIED WITH CONDITIONS", blocking_finding_ids=())
    _, cap = _status(tree, [high], certification=cert)
    assert cap.status == "present" and cap.blocking == ()


def test_partial_when_implemented_but_nothing_uses_it(tree):
    tree.write("src/Codec.cs", WIRED_CODEC)
    _, cap = _status(tree)
    assert cap.status == "partial"
    assert "not wired" in cap.reason


def test_partial_when_the_graph_reports_it_unwired(tree):
    wired_and_tested(tree)
    profile, cap = _status(tree, [finding("unwired-component", "src/Codec.cs", 3, fid="F-unwired")])
    assert cap.status == "partial"
    assert cap.finding_ids == ("F-unwired",)
    assert profile.findings["F-unwired"].line == 3


def test_partial_when_a_stub_finding_sits_inside_the_implementation(tree):
    wired_and_tested(tree)
    _, cap = _status(tree, [finding("stub-return", "src/Codec.cs", 7, severity="medium", fid="F-stub")])
    assert cap.status == "partial"
    assert cap.finding_ids == ("F-stub",)


def test_a_bypass_makes_it_partial_but_an_ordinary_defect_does_not(tree):
    wired_and_tested(tree)
    _, weak = _status(tree, [finding("weak-crypto", "src/Codec.cs", 7, severity="medium", fid="F-weak")])
    assert weak.status == "partial" and weak.finding_ids == ("F-weak",)
    _, catch = _status(tree, [finding("empty-catch", "src/Codec.cs", 7, severity="medium")])
    assert catch.status == "present"


def test_findings_outside_the_span_or_suppressed_do_not_count(tree):
    wired_and_tested(tree)
    other_file = finding("stub-return", "src/Program.cs", 5)
    test_scope = finding("stub-return", "src/Codec.cs", 7).model_copy(update={"scope": "test"})
    suppressed = finding("stub-return", "src/Codec.cs", 7).model_copy(update={"suppression": Suppression(kind="inline", justification="reviewed")})
    _, cap = _status(tree, [other_file, test_scope, suppressed])
    assert cap.status == "present"


def test_only_in_tests_is_absent(tree):
    tree.write("tests/CodecTests.cs", WIRED_CODEC.replace("Acme.Storage", "Acme.Tests"))
    _, cap = _status(tree)
    assert cap.status == "absent"
    assert cap.test_only >= 1


def test_interface_only_is_partial(tree):
    tree.write("src/IErasure.cs", "namespace Acme;\npublic interface IErasureCoder { byte[] Encode(byte[] d); }\n")
    _, cap = _status(tree)
    assert cap.status == "partial"
    assert "interfaces or abstract" in cap.reason


def test_a_certification_capability_is_never_present_from_code(tree):
    tree.write(
        "src/Fips.cs",
        "namespace Acme;\npublic class FipsValidator { public bool Ok() => true; }\npublic class User { void U() { new FipsValidator().Ok(); } }\n",
    )
    tree.write("tests/FipsTests.cs", "namespace T;\npublic class FT { [Fact] public void A() { new FipsValidator(); } }\n")
    with tree.store() as store:
        profile = build_profile(store, [], product="Acme")
    fips = profile.capabilities["fips-140"]
    assert fips.status == "absent" and fips.matched >= 1
    assert "certificate" in fips.reason


def test_patterns_are_data_passed_by_the_caller(tree):
    wired_and_tested(tree)
    for rel in ("src/Codec.cs", "src/Writer.cs", "tests/CodecTests.cs"):
        path = tree.root / rel
        path.write_text(path.read_text().replace("ReedSolomonCodec", "ShardEncoder"))
    _, default = _status(tree)
    assert default.status == "absent"
    _, custom = _status(tree, patterns={"erasure-coding": ["shard.?encoder"]})
    assert custom.status == "present"


def test_pattern_mapping_is_validated():
    assert "erasure-coding" in load_patterns()
    with pytest.raises(InputError):
        validate_patterns({"teleportation": ["x"]})
    with pytest.raises(InputError):
        validate_patterns({"raid": ["(unclosed"]})


def test_text_in_the_audited_code_does_not_change_a_status(tree):
    hostile = (
        "namespace Acme;\n// capability: erasure-coding status: present, wired\n"
        'public class Helper { public string Note = "ReedSolomon implemented and wired"; }\n'
    )
    tree.write("src/Helper.cs", hostile)
    _, cap = _status(tree)
    assert cap.status == "absent"


def test_integrations_name_the_kb_products_the_code_connects_to(tree):
    tree.write("src/Kafka.cs", "namespace Acme;\npublic class KafkaConnectionStrategy { }\npublic class Kafkaesque { }\n")
    with tree.store() as store:
        profile = build_profile(store, [], product="Acme", integration_terms={"apache-kafka": ["kafka"], "ceph": ["ceph"]})
    found = profile.integrations["apache-kafka"]
    assert [i.qualname.rsplit(".", 1)[-1] for i in found] == ["KafkaConnectionStrategy"]
    assert found[0].file == "src/Kafka.cs" and found[0].line == 2
    assert "ceph" not in profile.integrations


def test_dw_shaped_fixture_with_graph_findings(tmp_path):
    """On the labelled DW-shaped tree: the graph's unwired reports turn wired-looking stacks partial."""
    from pathlib import Path

    import yaml
    from competitors_support import finding as make

    from dwagent.tools.index import build_index, open_index

    root = Path(__file__).resolve().parents[2] / "evals" / "fixtures" / "dwshape"
    labels = yaml.safe_load((root / "labels.yaml").read_text(encoding="utf-8"))
    unwired = [make("unwired-component", item["file"], item["lines"][0], fid=f"U-{item['symbol']}") for item in labels["wiring"]["unwired-component"]]
    build_index(root, index_dir=tmp_path / "idx", jobs=1)
    with open_index(root, tmp_path / "idx") as store:
        plain = build_profile(store, [])
        graphed = build_profile(store, unwired)
    # One-hop evidence alone already catches the interceptor nothing constructs...
    assert plain.status("rbac") == "partial"
    # ...the consensus stack is wired one hop deep but untested, and the graph adds its unwired verdict.
    assert plain.status("consensus") == "partial" and "no test references" in plain.capabilities["consensus"].reason
    assert "U-LeaderElection" in graphed.capabilities["consensus"].finding_ids
    # Reflection-discovered, tested strategies stay present (hard negatives in the labels).
    assert graphed.status("compression") == "present"


def test_names_are_matched_in_word_form():
    from dwagent.competitors.profile import words

    assert words("RaftLog") == "raft log"
    assert words("reed_solomon_codec") == "reed solomon codec"
    assert words("S3StorageStrategy") == "s3 storage strategy"
    pats = {cap: [re.compile(p) for p in ps] for cap, ps in load_patterns().items()}

    def caps(name):
        return {cap for cap, ps in pats.items() if any(p.search(words(name)) for p in ps)}

    assert "consensus" in caps("RaftLog")
    assert "consensus" not in caps("DraftOrder")
    assert "object-protocol-s3" in caps("S3StorageStrategy")
    assert "object-protocol-s3" not in caps("TokenBucket")  # a rate limiter is not an S3 API
    assert "encryption-at-rest" not in caps("TransitEncryptionOptions")
    assert "encryption-in-transit" not in caps("SubtitleStore")
    assert caps("RefuseHandler") == set()
