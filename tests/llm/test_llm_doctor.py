"""`dwagent doctor`: configuration shown, key never printed, --ping reports failure visibly."""

from __future__ import annotations

from dwagent.cli import main


def test_doctor_shows_config_without_the_key(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-very-secret-0123456789")
    monkeypatch.setenv("DWAGENT_CACHE_DIR", str(tmp_path / "cache"))
    assert main(["doctor", "--llm", "anthropic:claude-sonnet-5-5", "--budget-usd", "3"]) == 0
    out = capsys.readouterr().out
    assert "sk-ant-very-secret" not in out
    assert "api key present      yes (ANTHROPIC_API_KEY)" in out and "budget usd" in out and "$2 in / $10 out" in out


def test_doctor_ping_without_llm_is_a_no_op(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DWAGENT_LLM", raising=False)
    assert main(["doctor", "--ping"]) == 0
    assert "nothing to ping" in capsys.readouterr().out


def test_doctor_bad_spec_exits_2(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert main(["doctor", "--llm", "gpt"]) == 2
