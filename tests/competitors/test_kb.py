"""The shipped knowledge base: every seed name covered, every fact sourced and dated, our own prose
per product, no claim about the audited product baked into it, and `check` passing."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import yaml

from dwagent.competitors.kbcheck import check_kb, load_seed, seed_coverage, sentence_spread
from dwagent.competitors.loader import KB_DIR, find_product, load_kb, load_product, load_taxonomy
from dwagent.errors import InputError


@pytest.fixture(scope="module")
def kb():
    return load_kb()


def test_every_seed_name_is_covered(kb):
    seed = load_seed()
    assert len(seed) == 87  # 57 seed lines; "/" and "&" pairs split; every system of a company group named
    covered, missing = seed_coverage(kb, seed)
    assert missing == [] and covered == 87
    grouped = {p.group for p in kb if p.group}
    assert grouped == {"Google", "Microsoft", "Meta", "Netflix", "NVIDIA", "Intel-AMD"}
    for name in ("Google ProdNG", "Google gLinux", "NVIDIA DGX OS", "NVIDIA Base Command"):  # the 4 missing before
        assert any(p.seed_name == name for p in kb), name


def test_the_shipped_kb_passes_its_own_check():
    result = check_kb()
    assert result.ok, result.errors
    assert result.stats["seed_covered"] == result.stats["seed_names"] == 87
    assert result.stats["max_entries_per_sentence"] <= 3
    assert result.stats["secondary_share"] <= 0.05
    assert result.stats["unknown_share"] <= 0.15


def test_every_fact_is_sourced_and_dated(kb):
    for entry in kb:
        assert entry.facts, entry.slug
        for fact in entry.facts:
            assert fact.source.startswith("https://"), f"{entry.slug}/{fact.id}"
            assert fact.as_of <= dt.date(2026, 12, 31)
            assert fact.checked is None or fact.checked >= fact.as_of


def test_written_prose_states_no_audit_result(kb):
    """The audited product's side comes from the audit at run time, never from the KB text."""
    for entry in kb:
        for field, text in entry.written.model_dump().items():
            assert not re.search(r"\bDW\b|DataWarehouse", text), f"{entry.slug}.{field} names the audited product"
            assert not re.search(r"\d+ blocking", text), f"{entry.slug}.{field} quotes an audit count"


def test_capability_keys_are_in_the_taxonomy(kb):
    taxonomy = load_taxonomy()
    for entry in kb:
        assert set(entry.capabilities) <= set(taxonomy), entry.slug
        assert set(entry.compare_on) <= set(taxonomy), entry.slug


def test_raw_files_match_the_schema_and_file_names():
    taxonomy = load_taxonomy()
    for path in sorted(KB_DIR.glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert "slug" not in raw, "the slug is the file name, never written in the file"
        assert load_product(path, taxonomy).slug == path.stem


def test_find_product_by_slug_name_heading_or_other_seed_name():
    assert find_product("minio").slug == "minio"
    assert find_product("Pure Storage").slug == "pure-storage"
    assert find_product("Google: Spanner").slug == "google-spanner"
    assert find_product("Isilon (Intel-AMD group)").slug == "dell-powerscale"
    with pytest.raises(InputError):
        find_product("no such product")


def test_sentence_spread_counts_sections_not_occurrences():
    shared = "This sentence is shared by several sections of the report."
    spread = sentence_spread({"a": [shared, shared], "b": [shared], "c": ["Short one."]})
    key = next(iter(k for k in spread if k.startswith("this sentence")))
    assert spread[key] == {"a", "b"}
    assert not any(k.startswith("short") for k in spread)  # under six words: ignored


def test_check_fails_on_a_broken_kb(tmp_path):
    body = (
        "name: X\nvendor: V\ncategory: specialized\nseed_name: X\n"
        "written: {architecture: Same words in every file of this broken test kb., scale: s, consistency: c,"
        " security: s, operations: o, licence: l, events: e, beats_dw: b, gap: g}\n"
        "facts:\n  f1: {topic: architecture, statement: s, source: 'https://globalcloudplatforms.com/x',"
        " kind: secondary, as_of: 2025-01-01}\n"
    )
    for i in range(4):
        (tmp_path / f"x{i}.yaml").write_text(body.replace("name: X", f"name: X{i}"), encoding="utf-8")
    result = check_kb(tmp_path)
    assert not result.ok
    text = "\n".join(result.errors)
    assert "seed name not covered" in text
    assert "sentence in 4 entries" in text
    assert "secondary sources" in text
    assert "content farm" in text
    assert "unrated" in text
