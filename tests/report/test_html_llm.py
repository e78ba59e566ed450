"""report.html's "LLM assistance" section: the ledger's sentences, escaped; absent offline."""

from __future__ import annotations

from dwagent.agents.llm.ledger import UsageLedger, summary_lines
from dwagent.report.html import render_html


def test_section_lists_the_ledger_sentences_escaped(report):
    ledger = UsageLedger("openai", "m")
    ledger.record_call("rationale", 10, 5, 0.0)
    ledger.record_prose("rationale", "domain:x", 'Fine <img src=x onerror="alert(1)"> & done [E1].')
    lines = tuple(summary_lines(ledger.to_dict()))
    page = render_html(report, "T", lines)
    section = page[page.index('<section id="llm">') : page.index("</section>", page.index('<section id="llm">'))]
    assert "<h2>LLM assistance</h2>" in section and "LLM openai:m: 1 call(s)" in section
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; done [E1]." in section
    assert "<img" not in section


def test_no_section_without_a_model(report):
    assert render_html(report, "T") == render_html(report, "T", ())
    assert 'id="llm"' not in render_html(report, "T")
