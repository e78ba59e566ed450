"""Schema and loader reject what the KB must never contain."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from dwagent.competitors.loader import load_kb
from dwagent.competitors.schema import Fact, Product
from dwagent.errors import InputError

WRITTEN = {k: f"{k} text." for k in ("architecture", "scale", "consistency", "security", "operations", "licence", "events", "beats_dw", "gap")}
FACT = {
    "id": "f1",
    "topic": "architecture",
    "statement": "X stores data.",
    "source": "https://example.org/x",
    "as_of": "2025-01-01",
    "checked": "2026-01-01",
}


def _product(**extra):
    data = {"slug": "x", "name": "X", "vendor": "V", "category": "specialized", "seed_name": "X", "written": WRITTEN, "facts": [FACT], **extra}
    return Product.model_validate(data)


def test_a_fact_needs_a_url_source_a_statement_and_dates_in_order():
    with pytest.raises(ValidationError):
        Fact.model_validate({**FACT, "source": " "})
    with pytest.raises(ValidationError):
        Fact.model_validate({**FACT, "source": "Vendor documentation"})  # a title is not a checkable source
    with pytest.raises(ValidationError):
        Fact.model_validate({**FACT, "statement": ""})
    with pytest.raises(ValidationError):
        Fact.model_validate({**FACT, "checked": "2024-01-01"})  # checked before it was true
    assert Fact.model_validate({**FACT, "checked": None}).checked is None
    assert Fact.model_validate(FACT).kind == "primary"


def test_capabilities_and_ratings_must_name_an_existing_fact():
    assert _product(capabilities={"raid": {"status": "present", "fact": "f1"}}).status("raid") == "present"
    assert _product().status("raid") == "unknown"
    with pytest.raises(ValidationError, match="unknown fact"):
        _product(capabilities={"raid": {"status": "present", "fact": "f9"}})
    with pytest.raises(ValidationError, match="unknown fact"):
        _product(ratings={"security": {"score": 2, "fact": "f9"}})
    with pytest.raises(ValidationError):
        _product(ratings={"security": {"score": 4, "fact": "f1"}})  # the scale is 0-3


def test_an_entry_needs_facts_written_prose_and_a_seed_category():
    with pytest.raises(ValidationError):
        _product(facts=[])
    with pytest.raises(ValidationError):
        _product(written={**WRITTEN, "gap": "  "})
    with pytest.raises(ValidationError):
        _product(category="databases")


def _write(folder, name, text):
    (folder / f"{name}.yaml").write_text(text, encoding="utf-8")


BODY = (
    "name: {name}\nvendor: V\ncategory: specialized\nseed_name: {name}\n"
    "written: {{architecture: a, scale: s, consistency: c, security: s, operations: o, licence: l, events: e,"
    " beats_dw: b, gap: g}}\n"
    "facts:\n  f1: {{topic: architecture, statement: s, source: 'https://example.org', as_of: 2025-01-01}}\n"
)


def test_loader_reads_the_compact_forms_and_rejects_unknown_capabilities(tmp_path):
    _write(tmp_path, "x", BODY.format(name="X") + "capabilities:\n  raid: [present, f1, md]\nratings:\n  security: [2, f1, why]\n")
    (product,) = load_kb(tmp_path)
    assert product.capability("raid").note == "md" and product.ratings["security"].reason == "why"
    _write(tmp_path, "x", BODY.format(name="X") + "capabilities:\n  teleportation: [present, f1]\n")
    with pytest.raises(InputError, match="teleportation"):
        load_kb(tmp_path)


def test_loader_rejects_duplicate_names_and_bad_yaml(tmp_path):
    _write(tmp_path, "a", BODY.format(name="X"))
    _write(tmp_path, "b", BODY.format(name="X"))
    with pytest.raises(InputError, match="duplicate"):
        load_kb(tmp_path)
    _write(tmp_path, "b", "name: [unclosed\n")
    with pytest.raises(InputError):
        load_kb(tmp_path)
