"""LLM-mode eval: the same suite with a configured model. Needs a key and network."""

from __future__ import annotations

import os

import pytest

from dwagent.evals.gate import check_thresholds, load_thresholds
from dwagent.evals.runner import EvalOptions, run_suite

pytestmark = pytest.mark.online


@pytest.mark.skipif(not os.environ.get("DWAGENT_LLM"), reason="set DWAGENT_LLM (and its provider key) to run")
def test_llm_mode_meets_the_same_thresholds() -> None:
    from dwagent.agents.llm.config import load_settings
    from dwagent.agents.llm.gateway import LLMGateway

    settings = load_settings()
    if settings.key_env and not settings.api_key:
        pytest.skip(f"no API key in ${settings.key_env}")
    gateway = LLMGateway.from_settings(settings)
    results = run_suite(EvalOptions(suite="originals", gateway=gateway, mode="llm"))
    assert check_thresholds(results, {k: v for k, v in load_thresholds().items() if k != "max_total_seconds"}) == []
