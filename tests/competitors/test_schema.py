"""Schema and loader reject what the KB must never contain."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from dwagent.competitors.loader import load_kb
from dwagent.competitors.schema import Capability, Fact, Product
from dwagent.errors import InputError


def test_a_known_capability_needs_a_source():
    with pytest.raises(ValidationError):
        Capability(status="present")
    with pytest.raises(ValidationError):
        Capability(status="absent", source="https://example.org/doc")  # no date
    assert Capability().status == "unknown"


def test_a_fact_needs_a_source_and_a_statement():
    with pytest.raises(ValidationError):
        Fact(statement="x", source=" ", as_of="2026-01-01")
    with pytest.raises(ValidationError):
        Fact(statement="", source="https://example.org", as_of="2026-01-01")


def test_category_must_be_one_of_the_seed_twelve():
    with pytest.raises(ValidationError):
        Product(slug="x", name="X", vendor="V", category="databases", seed_name="X", summary="s")


def _write(folder, name, text):
    (folder / f"{name}.yaml").write_text(text, encoding="utf-8")


def test_loader_rejects_capabilities_outside_the_taxonomy(tmp_path):
    _write(tmp_path, "x", "name: X\nvendor: V\ncategory: specialized\nseed_name: X\nsummary: s\n"
                          "capabilities:\n  teleportation: {status: unknown}\n")
    with pytest.raises(InputError, match="teleportation"):
        load_kb(tmp_path)


def test_loader_rejects_duplicate_names_and_bad_yaml(tmp_path):
    body = "name: X\nvendor: V\ncategory: specialized\nseed_name: X\nsummary: s\n"
    _write(tmp_path, "a", body)
    _write(tmp_path, "b", body)
    with pytest.raises(InputError, match="duplicate"):
        load_kb(tmp_path)
    _write(tmp_path, "b", "name: [unclosed\n")
    with pytest.raises(InputError):
        load_kb(tmp_path)


def test_subsystem_status_counts_for_the_company():
    product = Product.model_validate({
        "slug": "c", "name": "C", "vendor": "V", "category": "hyperscaler-internal", "seed_name": "C",
        "summary": "s",
        "subsystems": [{"name": "S", "summary": "t", "capabilities": {
            "consensus": {"status": "present", "source": "https://example.org", "as_of": "2026-01-01"}}}],
    })
    assert product.capability("consensus").status == "present"
    assert product.capability("raid").status == "unknown"
