"""Settings: spec parsing and precedence CLI > env > dwagent.toml > pyproject.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

from dwagent.agents.llm.config import LOCAL_DUMMY_KEY, LLMOverrides, load_settings, parse_spec
from dwagent.errors import DwagentError


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("none", ("none", "", "")),
        ("openai:gpt-4.1-mini", ("openai", "gpt-4.1-mini", "")),
        ("anthropic:claude-sonnet-5-5", ("anthropic", "claude-sonnet-5-5", "")),
        ("openai-compatible:qwen2.5-coder:7b@http://localhost:11434/v1", ("openai-compatible", "qwen2.5-coder:7b", "http://localhost:11434/v1")),
    ],
)
def test_parse_spec(spec, expected):
    parsed = parse_spec(spec)
    assert (parsed.provider, parsed.model, parsed.base_url) == expected


@pytest.mark.parametrize("spec", ["gpt-4", "openai:", "mistral:large", "openai-compatible:m", "openai-compatible:m@ftp://x"])
def test_bad_specs_are_usage_errors(spec):
    with pytest.raises(DwagentError) as info:
        parse_spec(spec)
    assert info.value.hint


def test_precedence_cli_env_files(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text('[tool.dwagent]\nllm = "openai:gpt-4.1"\nbudget_usd = 9\nmax_tokens = 5000\n')
    settings = load_settings(env={}, cwd=tmp_path)
    assert (settings.provider, settings.model, settings.budget_usd, settings.max_tokens) == ("openai", "gpt-4.1", 9.0, 5000)
    (tmp_path / "dwagent.toml").write_text('llm = "anthropic:claude-haiku-5-5"\nbudget_usd = 2\n')
    settings = load_settings(env={"DWAGENT_BUDGET_USD": "1.5"}, cwd=tmp_path)
    assert settings.provider == "anthropic" and settings.budget_usd == 1.5
    assert dict(settings.sources) == {"budget_usd": "env DWAGENT_BUDGET_USD", "llm": "dwagent.toml"}
    settings = load_settings(LLMOverrides(llm="none", budget_usd=0.5), env={"DWAGENT_LLM": "openai:x"}, cwd=tmp_path)
    assert settings.provider == "none" and settings.budget_usd == 0.5


def test_keys_come_from_the_environment_and_never_show(tmp_path: Path):
    env = {"OPENAI_API_KEY": "sk-live-secret-value", "DWAGENT_CACHE_DIR": str(tmp_path / "c")}
    settings = load_settings(LLMOverrides(llm="openai:gpt-4.1-mini"), env=env, cwd=tmp_path)
    assert settings.key_present and "sk-live-secret-value" not in repr(settings)
    assert settings.cache_dir == tmp_path / "c"
    local = load_settings(LLMOverrides(llm="openai-compatible:m@http://127.0.0.1:8080/v1"), env=env, cwd=tmp_path)
    assert local.api_key == LOCAL_DUMMY_KEY  # the OpenAI key is never sent to an arbitrary URL


def test_bad_numbers_and_toml_are_clear_errors(tmp_path: Path):
    with pytest.raises(DwagentError):
        load_settings(env={"DWAGENT_MAX_TOKENS": "lots"}, cwd=tmp_path)
    with pytest.raises(DwagentError):
        load_settings(LLMOverrides(budget_usd=-1), env={}, cwd=tmp_path)
    (tmp_path / "dwagent.toml").write_text("llm = [")
    with pytest.raises(DwagentError):
        load_settings(env={}, cwd=tmp_path)


def test_settings_are_read_from_cwd_not_the_audited_tree(tmp_path: Path, audited_tree: Path):
    (audited_tree / "dwagent.toml").write_text('llm = "openai-compatible:evil@http://attacker.example/v1"\n')
    assert load_settings(env={}, cwd=tmp_path).provider == "none"
