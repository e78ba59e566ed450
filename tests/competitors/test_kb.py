"""The knowledge base covers every seed product, validates, and sources every fact."""
from __future__ import annotations

import datetime as dt

import pytest
import yaml
from seed_products import SEED, SUBSYSTEMS

from dwagent.competitors.loader import KB_DIR, find_product, load_kb, load_product, load_taxonomy
from dwagent.competitors.schema import CATEGORY_TITLES
from dwagent.errors import InputError


@pytest.fixture(scope="module")
def kb():
    return {p.slug: p for p in load_kb()}


def test_every_seed_product_has_its_entries(kb):
    for category, products in SEED.items():
        for seed_name, slugs in products.items():
            for slug in slugs:
                assert slug in kb, f"{seed_name!r} has no KB entry {slug}"
                entry = kb[slug]
                assert entry.seed_name == seed_name, f"{slug}: seed_name {entry.seed_name!r}"
                assert CATEGORY_TITLES[entry.category] == category, f"{slug} is filed under {entry.category}"


def test_no_entry_outside_the_seed(kb):
    expected = {slug for products in SEED.values() for slugs in products.values() for slug in slugs}
    assert set(kb) == expected


def test_grouped_seed_names_are_split_one_file_per_product(kb):
    split = {name: slugs for products in SEED.values() for name, slugs in products.items() if len(slugs) > 1}
    assert {"XigmaNAS & Rockstor", "Elastic/OpenSearch", "Airbyte/Fivetran", "Atlan/Alation"} <= set(split)
    for slugs in split.values():
        assert len({kb[s].name for s in slugs}) == len(slugs)


def test_company_entries_name_each_system_as_a_subsystem(kb):
    for slug, systems in SUBSYSTEMS.items():
        names = " | ".join(sub.name for sub in kb[slug].subsystems)
        for system in systems:
            assert system in names, f"{slug}: no subsystem covers {system}"


def test_every_fact_has_a_source_and_a_date(kb):
    for entry in kb.values():
        facts = entry.all_facts()
        assert facts, f"{entry.slug} has no facts"
        for _dim, owner, fact in facts:
            assert fact.source.strip(), f"{entry.slug}/{owner}: fact without source"
            assert isinstance(fact.as_of, dt.date)
            assert fact.as_of <= dt.date(2026, 12, 31)
            assert fact.statement.strip()


def test_every_known_capability_is_sourced_and_in_the_taxonomy(kb):
    taxonomy = load_taxonomy()
    for entry in kb.values():
        owners = [entry.capabilities] + [sub.capabilities for sub in entry.subsystems]
        for caps in owners:
            for key, cap in caps.items():
                assert key in taxonomy
                if cap.status != "unknown":
                    assert cap.source.strip() and cap.as_of is not None, f"{entry.slug}:{key}"


def test_raw_files_match_the_schema_and_file_names(kb):
    taxonomy = load_taxonomy()
    for path in sorted(KB_DIR.glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert "slug" not in raw, "the slug is the file name, never written in the file"
        assert load_product(path, taxonomy).slug == path.stem


def test_find_product_by_slug_name_or_seed_name():
    assert find_product("minio").slug == "minio"
    assert find_product("Pure Storage").slug == "pure-storage"
    assert find_product("Cloudera CDP").slug == "cloudera-cdp"
    with pytest.raises(InputError):
        find_product("no such product")
