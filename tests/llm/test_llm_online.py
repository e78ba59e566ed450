"""Live calls, only with a key and the `online` marker (skipped in CI and offline runs)."""

from __future__ import annotations

import os

import pytest

from dwagent.agents.llm.config import LLMOverrides, load_settings
from dwagent.agents.llm.gateway import LLMGateway

pytestmark = pytest.mark.online


@pytest.mark.parametrize(
    ("spec", "key"),
    [("openai:gpt-4.1-mini", "OPENAI_API_KEY"), ("anthropic:claude-haiku-5-5", "ANTHROPIC_API_KEY")],
)
def test_live_ping(spec, key, tmp_path):
    if not os.environ.get(key) or not os.environ.get("DWAGENT_ONLINE_TESTS"):
        pytest.skip(f"needs {key} and DWAGENT_ONLINE_TESTS=1")
    settings = load_settings(LLMOverrides(llm=spec, cache_dir=tmp_path, budget_usd=0.05), cwd=tmp_path)
    gateway = LLMGateway.from_settings(settings)
    ok, detail = gateway.ping()
    assert ok, detail
