"""`dwagent competitors compare REPORT_DIR NAME --llm SPEC`: the checked model-written paragraph is
appended after the unchanged offline text; its uncited sentence is dropped; usage goes to stderr."""

from __future__ import annotations

import json
import re

import pytest
from fake_model import FakeServer
from test_llm_certify_e2e import TLS_TREE

from dwagent.cli import main


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory):
    work = tmp_path_factory.mktemp("compare")
    root = work / "tree"
    for rel, text in TLS_TREE.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    out = work / "report"
    assert main(["certify", str(root), "--out", str(out), "--index-dir", str(work / "index"), "--no-exec", "-q", "--llm", "none"]) == 1
    return out


def test_llm_paragraph_is_appended_to_the_offline_section(report_dir, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("DWAGENT_CACHE_DIR", str(tmp_path / "cache"))
    assert main(["competitors", "compare", str(report_dir), "minio", "--llm", "none"]) == 0
    offline = capsys.readouterr()
    with FakeServer() as server:
        code = main(
            ["competitors", "compare", str(report_dir), "minio", "--llm", f"openai-compatible:fake@{server.url}", "--write", str(tmp_path / "ca.md")]
        )
    assert code == 0 and len(server.requests) == 1  # one product asked
    captured = capsys.readouterr()
    assert captured.out.startswith(offline.out.rstrip("\n"))  # the offline text is unchanged
    extra = captured.out[len(offline.out.rstrip("\n")) :]
    assert "## LLM-written comparisons (checked)" in extra and "### MinIO" in extra
    assert "The team says everything is fine" not in captured.out  # the fake's uncited sentence
    # kept sentences carry the offline section's markers: a numbered source or a code location
    assert re.search(r"\[\d+\]|`src/Client\.cs:\d+`", extra.split("### MinIO", 1)[1])
    assert "LLM openai-compatible:fake: 1 call(s)" in captured.err and "dropped for lacking valid evidence ids" in captured.err
    assert "## LLM-written comparisons (checked)" in (tmp_path / "ca.md").read_text()
    assert offline.err == ""


def test_the_found_secret_never_reaches_the_model(report_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("DWAGENT_CACHE_DIR", str(tmp_path / "cache"))
    with FakeServer() as server:
        assert main(["competitors", "compare", str(report_dir), "all", "--llm", f"openai-compatible:fake@{server.url}"]) == 0
    assert server.requests
    assert not any("sk_live_51HqXAbCdEfGhIjKlMnOpQrStUv" in json.dumps(body) for body in server.requests)
