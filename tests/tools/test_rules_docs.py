"""docs/rules.md is generated from the registry and must be current."""

from __future__ import annotations

from pathlib import Path

from dwagent.tools.rules.docs import render
from dwagent.tools.rules.registry import all_rules

DOC = Path(__file__).parents[2] / "docs" / "rules.md"


def test_committed_rules_doc_is_current():
    assert DOC.read_text(encoding="utf-8") == render(), "run: python -m dwagent.tools.rules.docs > docs/rules.md"


def test_every_rule_has_a_section():
    text = render()
    for m in all_rules():
        assert f"## {m.id}\n" in text
