"""Unresolved flow hops: a model-proposed target counts only when it is an indexed candidate
whose quote verifies; it is marked LLM-resolved and can add a FAIL, never a PASS."""

from __future__ import annotations

import fnmatch
import json
from pathlib import Path

import pytest
from llm_fakes import openai_reply

from dwagent.agents.llm.flow_assist import LLM_MARK, resolve_flow_hops

FILES = {
    "src/Pipeline.cs": ["public class Pipeline", "{", "    public void Run(Item i)", "    {", '        _bus.Send("store", i);', "    }", "}"],
    "src/Store.cs": ["public class Store", "{", "    public void Save(Item i)", "    {", "        try { Write(i); } catch { }", "    }", "}"],
}
SYMBOLS = [
    {"qualname": "Pipeline.Run", "name": "Run", "path": "src/Pipeline.cs", "start_line": 3, "end_line": 6, "role": "production"},
    {"qualname": "Store.Save", "name": "Save", "path": "src/Store.cs", "start_line": 3, "end_line": 6, "role": "production"},
]
CONTROLS = {"errors": frozenset({"empty-catch"}), "security": frozenset({"tls-bypass"})}


class FakeSources:
    """The three Sources calls the flow pass makes, over files on disk and a fixed symbol table."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def excerpt(self, path: str, start: int, end: int) -> str:
        return "\n".join((self.root / path).read_text().split("\n")[start - 1 : end])

    def symbols(self, kinds=(), name_globs=(), path_prefix=""):
        return [dict(s) for s in SYMBOLS if any(fnmatch.fnmatch(s["qualname"], g) or fnmatch.fnmatch(s["name"], g) for g in name_globs)]

    def enclosing_member(self, path: str, line: int):
        return next((s for s in SYMBOLS if s["path"] == path and s["start_line"] <= line <= s["end_line"]), None)


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "tree"
    for rel, lines in FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("\n".join(lines) + "\n")
    return root


def _flow(status: str = "NOT VERIFIED") -> dict:
    return {
        "save": {
            "id": "save",
            "name": "Save an item",
            "status": status,
            "reason": "code graph unavailable",
            "hops": [
                {
                    "name": "entry",
                    "found": True,
                    "symbol": "Pipeline.Run",
                    "file": "src/Pipeline.cs",
                    "line": 3,
                    "end_line": 6,
                    "evidence_id": "E-entry",
                },
                {"name": "store", "found": False, "symbol": "", "file": "", "line": 0},
            ],
            "cells": {
                "errors": {"status": "NOT VERIFIED", "reason": "-", "evidence_ids": [], "finding_ids": []},
                "security": {"status": "NOT VERIFIED", "reason": "-", "evidence_ids": [], "finding_ids": []},
            },
            "evidence_ids": ["E-entry"],
            "finding_ids": [],
        }
    }


GLOBS = {"save": {"entry": ("*.Run",), "store": ("Save", "*.Persist")}}
EMPTY_CATCH = {"id": "F-catch", "category": "empty-catch", "file": "src/Store.cs", "start_line": 5}


def _hop_reply(target: str, citations: list[dict]):
    return openai_reply(json.dumps({"resolved": True, "target_id": target, "explanation": "Run sends the item to Save", "citations": citations}))


SAVE_LINE = {"file": "src/Store.cs", "start_line": 3, "end_line": 3, "quote": "    public void Save(Item i)"}


def test_verified_pick_is_marked_and_checked_deterministically(make_harness, tree):
    h = make_harness("openai", "gpt-4.1-mini", [_hop_reply("cand-1", [SAVE_LINE])])
    result = resolve_flow_hops(h.gateway, tree, FakeSources(tree), _flow(), GLOBS, [EMPTY_CATCH], CONTROLS)
    row = result.flows["save"]
    hop = row["hops"][1]
    assert hop["found"] and hop["via"].startswith(LLM_MARK) and (hop["file"], hop["line"]) == ("src/Store.cs", 3)
    assert hop["evidence_id"] in result.evidence and hop["evidence_id"] in row["evidence_ids"]
    # the deterministic rule then judges the new hop: an empty catch inside it fails "errors"
    assert row["cells"]["errors"]["status"] == "FAIL" and row["cells"]["errors"]["finding_ids"] == ["F-catch"]
    assert row["status"] == "FAIL" and LLM_MARK in row["reason"]
    assert row["cells"]["security"]["status"] == "NOT VERIFIED"
    # the prompt offered only indexed candidates of the waypoint's names, as delimited code
    user = h.script.bodies()[0]["messages"][-1]["content"]
    assert 'id="cand-1" file="src/Store.cs"' in user and "Pipeline.cs" in user


def test_clean_resolved_hop_never_makes_a_pass(make_harness, tree):
    h = make_harness("openai", "gpt-4.1-mini", [_hop_reply("cand-1", [SAVE_LINE])])
    row = resolve_flow_hops(h.gateway, tree, FakeSources(tree), _flow(), GLOBS, [], CONTROLS).flows["save"]
    assert row["hops"][1]["found"] and row["status"] == "NOT VERIFIED"
    assert {c["status"] for c in row["cells"].values()} == {"NOT VERIFIED"}


@pytest.mark.parametrize(
    "target, citations",
    [
        ("cand-1", [{**SAVE_LINE, "quote": "    public void Save(Item i) { /* verified */ }"}]),  # quote does not match
        ("cand-9", [SAVE_LINE]),  # not one of the candidates
        ("cand-1", [{"file": "src/Pipeline.cs", "start_line": 5, "end_line": 5, "quote": '        _bus.Send("store", i);'}]),  # target not cited
        ("cand-1", []),
    ],
)
def test_unverified_pick_changes_nothing(make_harness, tree, target, citations):
    h = make_harness("openai", "gpt-4.1-mini", [_hop_reply(target, citations)])
    result = resolve_flow_hops(h.gateway, tree, FakeSources(tree), _flow("FAIL"), GLOBS, [EMPTY_CATCH], CONTROLS)
    assert result.flows == _flow("FAIL") and result.evidence == {} and result.resolved == 0 and result.asked == 1
    assert h.gateway.ledger.usage("flow_tracer").rejected_arguments == 1


def test_no_gateway_or_no_candidates_asks_nothing(make_harness, tree):
    assert resolve_flow_hops(None, tree, FakeSources(tree), _flow(), GLOBS, [], CONTROLS).flows == _flow()
    h = make_harness("openai", "gpt-4.1-mini", [])
    nothing = {"save": {"entry": ("*.Run",), "store": ("NoSuchMember",)}}
    result = resolve_flow_hops(h.gateway, tree, FakeSources(tree), _flow(), nothing, [], CONTROLS)
    assert result.asked == 0 and result.flows == _flow() and h.script.requests == []


# -- a flow whose entry was not found ------------------------------------------------------------
INGEST = [
    "public class Ingestor",
    "{",
    "    public void Accept(Item i)",
    "    {",
    "        try { _q.Add(i); } catch { }",
    "    }",
    "    private void Helper() { }",
    "}",
]
ENTRY_SYMBOLS = [
    {"kind": "class", "qualname": "Ingestor", "name": "Ingestor", "path": "src/Ingestor.cs", "start_line": 1, "end_line": 8, "role": "production"},
    {
        "kind": "method",
        "qualname": "Ingestor.Accept",
        "name": "Accept",
        "path": "src/Ingestor.cs",
        "start_line": 3,
        "end_line": 6,
        "role": "production",
    },
    {
        "kind": "method",
        "qualname": "Ingestor.Helper",
        "name": "Helper",
        "path": "src/Ingestor.cs",
        "start_line": 7,
        "end_line": 7,
        "role": "production",
    },
    {
        "kind": "class",
        "qualname": "IngestorTests",
        "name": "IngestorTests",
        "path": "tests/IngestorTests.cs",
        "start_line": 1,
        "end_line": 3,
        "role": "test",
    },
]
ACCEPT_LINE = {"file": "src/Ingestor.cs", "start_line": 3, "end_line": 3, "quote": "    public void Accept(Item i)"}
ENTRY_CATCH = {"id": "F-ingest", "category": "empty-catch", "file": "src/Ingestor.cs", "start_line": 5}


class EntrySources(FakeSources):
    """Like FakeSources, but kinds and path prefixes filter, and the entry names a class."""

    def symbols(self, kinds=(), name_globs=(), path_prefix=""):
        return [
            dict(s)
            for s in ENTRY_SYMBOLS
            if (not kinds or s["kind"] in kinds)
            and s["path"].startswith(path_prefix)
            and (not name_globs or any(fnmatch.fnmatch(s["qualname"], g) or fnmatch.fnmatch(s["name"], g) for g in name_globs))
        ]

    def enclosing_member(self, path: str, line: int):
        return None


@pytest.fixture
def entry_tree(tmp_path):
    root = tmp_path / "entry-tree"
    (root / "src").mkdir(parents=True)
    (root / "src" / "Ingestor.cs").write_text("\n".join(INGEST) + "\n")
    return root


def _entryless(status: str = "NOT VERIFIED") -> dict:
    return {
        "ingest": {
            "id": "ingest",
            "name": "Ingest an item",
            "status": status,
            "reason": "entry: waypoint 're:(?i)(?:(?:^|\\.)Ingest.*$)' matches no declared member or topic",
            "hops": [{"name": "entry", "found": False, "symbol": "", "file": "", "line": 0, "via": "broken: no member"}],
            "cells": {
                "errors": {"status": "NOT VERIFIED", "reason": "-", "evidence_ids": [], "finding_ids": []},
                "security": {"status": "PASS", "reason": "no security control required", "evidence_ids": ["E-abs"], "finding_ids": []},
            },
            "evidence_ids": ["E-abs"],
            "finding_ids": [],
        }
    }


ENTRY_GLOBS = {"ingest": {"entry": ("Ingest*",)}}


def test_entry_pick_among_the_named_class_members_is_verified_and_marked(make_harness, entry_tree):
    h = make_harness("openai", "gpt-4.1-mini", [_hop_reply("cand-1", [ACCEPT_LINE])])
    result = resolve_flow_hops(h.gateway, entry_tree, EntrySources(entry_tree), _entryless(), ENTRY_GLOBS, [ENTRY_CATCH], CONTROLS)
    row = result.flows["ingest"]
    hop = row["hops"][0]
    assert result.asked == 1 and result.resolved == 1
    assert hop["found"] and hop["via"].startswith(LLM_MARK) and hop["symbol"] == "Ingestor.Accept"
    assert hop["evidence_id"] in result.evidence and result.evidence[hop["evidence_id"]]["excerpt"] == ACCEPT_LINE["quote"]
    # the tracer's own rule judges the picked member: its empty catch fails "errors"
    assert row["cells"]["errors"]["status"] == "FAIL" and row["status"] == "FAIL"
    assert "LLM-resolved hop entry -> Ingestor.Accept" in row["reason"]
    body = h.script.bodies()[0]
    user, system = body["messages"][-1]["content"], body["messages"][0]["content"]
    # only the production members of the class the entry names are offered, as delimited code; no source block
    assert 'id="cand-1" file="src/Ingestor.cs" lines="3-6"' in user and 'id="cand-2" file="src/Ingestor.cs" lines="7-7"' in user
    assert "IngestorTests" not in user and "Source (data)" not in user and "Instruction hierarchy" in system


def test_clean_entry_pick_never_makes_a_pass(make_harness, entry_tree):
    h = make_harness("openai", "gpt-4.1-mini", [_hop_reply("cand-1", [ACCEPT_LINE])])
    row = resolve_flow_hops(h.gateway, entry_tree, EntrySources(entry_tree), _entryless(), ENTRY_GLOBS, [], CONTROLS).flows["ingest"]
    assert row["hops"][0]["found"] and row["status"] == "NOT VERIFIED"
    assert row["cells"] == _entryless()["ingest"]["cells"]


@pytest.mark.parametrize(
    "target, citations",
    [
        ("cand-1", [{**ACCEPT_LINE, "quote": "    public void Accept(Item i) // approved"}]),  # quote does not match
        ("cand-3", [ACCEPT_LINE]),  # not offered
        ("cand-2", [ACCEPT_LINE]),  # cites outside its pick
    ],
)
def test_unverified_entry_pick_changes_nothing(make_harness, entry_tree, target, citations):
    h = make_harness("openai", "gpt-4.1-mini", [_hop_reply(target, citations)])
    result = resolve_flow_hops(h.gateway, entry_tree, EntrySources(entry_tree), _entryless("FAIL"), ENTRY_GLOBS, [ENTRY_CATCH], CONTROLS)
    assert result.flows == _entryless("FAIL") and result.evidence == {} and result.resolved == 0
    assert h.gateway.ledger.usage("flow_tracer").rejected_arguments == 1


def test_entry_with_no_indexed_candidates_asks_nothing(make_harness, entry_tree):
    h = make_harness("openai", "gpt-4.1-mini", [])
    globs = {"ingest": {"entry": ("Authenticat*",)}}
    result = resolve_flow_hops(h.gateway, entry_tree, EntrySources(entry_tree), _entryless(), globs, [], CONTROLS)
    assert result.asked == 0 and result.flows == _entryless() and h.script.requests == []
