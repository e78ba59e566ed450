"""The certification graph gathers evidence through the chunked index (agents/inputs/passages.py):
the hostile reviewer cites where the member around a severe finding is called, the flow tracer
where an unreached waypoint is named; every passage is re-read from disk and verified."""

from __future__ import annotations

import json
from pathlib import Path

from dwagent.agents.context import RunContext
from dwagent.agents.inputs.passages import PassageSearch, literal_words
from dwagent.agents.inputs.sources import Sources
from dwagent.models import Evidence
from dwagent.rubric.loader import load_rubric
from dwagent.tools.retrieve.hits import Filters
from dwagent.tools.verify import check_quote

DWSHAPE = Path(__file__).resolve().parents[2] / "evals" / "fixtures" / "dwshape"

CLIENT = """using System.Net.Http;

namespace Shop.Remote
{
    public sealed class RemoteClient
    {
        public HttpClient OpenLaxChannel()
        {
            var handler = new HttpClientHandler();
            handler.ServerCertificateCustomValidationCallback = (message, cert, chain, errors) => true;
            return new HttpClient(handler);
        }
    }
}
"""
CALLER = """namespace Shop.Remote
{
    public sealed class Importer
    {
        private readonly RemoteClient _client = new RemoteClient();

        public void Run()
        {
            // OpenLaxChannel is named in this comment, which is not a call
            var http = _client.OpenLaxChannel();
            http.Dispose();
        }
    }
}
"""


def test_a_severe_finding_cites_a_retrieved_call_site(tree, tmp_path, certify_run) -> None:
    root = tree({"src/RemoteClient.cs": CLIENT, "src/Importer.cs": CALLER})
    report, _ = certify_run(root, tmp_path / "work")
    tls = next(f for f in report.findings if f.category == "tls-bypass")
    retrieved = [report.evidence[i] for i in tls.evidence_ids if report.evidence[i].kind == "retrieved"]
    assert [(e.file, e.start_line) for e in retrieved] == [("src/Importer.cs", 10)]  # the call, not the comment
    ev = retrieved[0]
    assert ev.verified and "OpenLaxChannel" in ev.excerpt
    # its own id: code evidence another node cites for the same line is never overwritten by it
    assert ev.id != Evidence.make_id(ev.file, ev.start_line, ev.end_line, ev.excerpt)
    assert check_quote(root, ev.file, ev.start_line, ev.end_line, ev.excerpt).ok
    record = tls.review[-1]
    assert record.challenge == "callers" and record.outcome == "noted" and record.evidence_ids == (ev.id,)
    assert tls.severity == "critical"  # supporting evidence only: the severity is the rules' and the review's


def test_a_member_nobody_calls_gets_no_passage(tree, tmp_path, certify_run) -> None:
    root = tree({"src/RemoteClient.cs": CLIENT, "src/Importer.cs": CALLER.replace("_client.OpenLaxChannel()", "new HttpClient()")})
    report, _ = certify_run(root, tmp_path / "work")
    tls = next(f for f in report.findings if f.category == "tls-bypass")
    assert not [i for i in tls.evidence_ids if report.evidence[i].kind == "retrieved"]
    assert all(r.challenge != "callers" for r in tls.review)


def test_the_flow_tracer_cites_where_an_unreached_waypoint_is_named(tmp_path, certify_run) -> None:
    report, out = certify_run(DWSHAPE, tmp_path, rubric="dw")
    cited = [(row.id, report.evidence[i]) for row in report.flows for i in row.evidence_ids if report.evidence[i].kind == "retrieved"]
    assert cited, "no flow cites a retrieved passage"
    for _flow_id, ev in cited:
        assert ev.verified and check_quote(DWSHAPE, ev.file, ev.start_line, ev.end_line, ev.excerpt).ok
    # (a passage another node retrieved too is one evidence entry, with that node's note)
    assert any(f"flow {flow_id} waypoint" in ev.note for flow_id, ev in cited)
    run = json.loads((out / "run.json").read_text())
    assert set(run["optional"]) <= {"dense"}  # dense ranking, when it did not join, says why


def test_the_query_budget_bounds_the_searches(tree, tmp_path, certify_run) -> None:
    root = tree({"src/RemoteClient.cs": CLIENT, "src/Importer.cs": CALLER})
    certify_run(root, tmp_path / "work")  # builds the index
    ctx = RunContext(root=root.resolve(), rubric=load_rubric("generic"), index_dir=tmp_path / "work" / "index")
    with Sources.open(ctx) as sources:
        search = PassageSearch(sources, budget=1)
        first = search.naming("OpenLaxChannel", note="n", filters=Filters(role="production"))
        assert first and search.used == 1
        assert search.naming("OpenLaxChannel", note="n") == [] and search.used == 1


def test_literal_words_of_a_glob() -> None:
    assert literal_words("*Encrypt*Async") == ["Encrypt", "Async"]
    assert literal_words("*Tls*") == ["Tls"]
    assert literal_words("*") == []


def test_the_tier_checker_cites_configuration_naming_a_required_option(tree, tmp_path, certify_run) -> None:
    settings = '{\n  "Storage": {\n    "EncryptionEnabled": false,\n    "Path": "data"\n  }\n}\n'
    root = tree({"src/RemoteClient.cs": CLIENT, "app/appsettings.json": settings})
    report, _ = certify_run(root, tmp_path / "work", rubric="dw")
    smb = next(t for t in report.tiers if t.id == "smb")
    passages = [report.evidence[i] for i in smb.evidence_ids if report.evidence[i].kind == "retrieved"]
    assert [(e.file, e.start_line, e.excerpt.strip()) for e in passages] == [("app/appsettings.json", 3, '"EncryptionEnabled": false,')]
    assert passages[0].verified and "tier smb" in passages[0].note


def test_the_models_challenge_sees_the_retrieved_call_sites(tree, tmp_path, certify_run, monkeypatch) -> None:
    from dwagent.agents.llm import review
    from dwagent.agents.nodes import hostile_reviewer

    root = tree({"src/RemoteClient.cs": CLIENT, "src/Importer.cs": CALLER})
    report, _ = certify_run(root, tmp_path / "work")  # offline: the passages are on the findings
    tls = next(f for f in report.findings if f.category == "tls-bypass")
    retrieved = {i: report.evidence[i].model_dump(mode="json") for i in tls.evidence_ids}
    seen: dict[str, tuple] = {}

    def challenge(gateway, finding, context):
        seen[finding.id] = context.callers
        return review.ChallengeOutcome("confirmed", finding.id, finding.severity, None)

    class Gateway:
        def register_secrets(self, findings) -> None:
            pass

    monkeypatch.setattr(review, "llm_challenge", challenge)
    ctx = RunContext(root=root.resolve(), rubric=load_rubric("generic"), index_dir=tmp_path / "work" / "index", gateway=Gateway())
    with Sources.open(ctx) as sources:
        hostile_reviewer._llm_pass([tls], ctx, sources, retrieved)
    assert [(e.file, e.start_line) for e in seen[tls.id]] == [("src/Importer.cs", 10)]


def test_a_name_many_members_share_is_not_searched(tree, tmp_path, certify_run) -> None:
    # four other classes declare OpenLaxChannel too: a call by that name says nothing about which
    others = {
        f"src/Other{i}.cs": f"namespace Shop.Remote\n{{\n    public sealed class Other{i}\n    {{\n"
        f"        public int OpenLaxChannel() => {i};\n    }}\n}}\n"
        for i in range(4)
    }
    root = tree({"src/RemoteClient.cs": CLIENT, "src/Importer.cs": CALLER, **others})
    report, _ = certify_run(root, tmp_path / "work")
    tls = next(f for f in report.findings if f.category == "tls-bypass")
    assert not [i for i in tls.evidence_ids if report.evidence[i].kind == "retrieved"]
