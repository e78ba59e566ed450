"""Offline tiktoken: the bundled vocabulary is used and nothing is downloaded."""

from __future__ import annotations

import hashlib
from pathlib import Path

import tiktoken.load

from dwagent.agents.llm import tokens
from dwagent.agents.llm.tokens import VOCABULARIES, TokenCounter, encoding_name_for, prepare_offline_vocabulary


def test_vocabulary_lands_under_tiktokens_cache_name(tmp_path: Path):
    directory = prepare_offline_vocabulary("o200k_base", tmp_path)
    url, expected = VOCABULARIES["o200k_base"]
    path = directory / hashlib.sha1(url.encode()).hexdigest()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == expected


def test_counts_exactly_without_network(tmp_path: Path, monkeypatch):
    def no_download(blobpath):
        raise AssertionError(f"tiktoken tried to fetch {blobpath}")

    monkeypatch.setattr(tiktoken.load, "read_file", no_download)
    counter = TokenCounter("gpt-4.1-mini-unseen-variant", tmp_path)
    assert counter.count("public void Run() { }") > 3 and counter.exact
    assert counter.count("<|endoftext|>") > 1  # special-token text in audited code is plain text


def test_falls_back_to_estimate_when_vocabulary_is_unusable(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(tokens, "prepare_offline_vocabulary", lambda name, cache_dir: None)
    counter = TokenCounter("claude-sonnet-5-5", tmp_path)
    assert counter.count("x" * 40) == 10 and not counter.exact


def test_encoding_choice():
    assert encoding_name_for("gpt-4-0613") == "cl100k_base"
    assert encoding_name_for("gpt-4.1-mini") == "o200k_base"
