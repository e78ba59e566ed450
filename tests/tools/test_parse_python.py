"""Python extraction on a hand-written fixture (tests/fixtures/parse/shapes.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dwagent.tools.index.worker import extract

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "parse"
SYM = ("kind", "name", "qualname", "container", "namespace", "bases", "attributes", "modifiers", "signature", "doc", "start_line", "end_line")
REF = ("kind", "name", "receiver", "arg0", "scope", "line")


@pytest.fixture(scope="module")
def facts():
    return extract("python", (FIXTURES / "shapes.py").read_bytes(), "fx.shapes")


def _symbols(facts):
    return {s[2]: dict(zip(SYM, s)) for s in facts.symbols}


def _has_ref(facts, **want) -> bool:
    return any(all(dict(zip(REF, r))[k] == v for k, v in want.items()) for r in facts.refs)


def test_classes_methods_functions_and_nesting(facts) -> None:
    syms = _symbols(facts)
    order = syms["fx.shapes.Order"]
    assert order["kind"] == "class"
    assert json.loads(order["bases"]) == ["Base"]  # metaclass= is not a base
    assert json.loads(order["attributes"]) == ["dataclass"]
    assert order["doc"] == "An order."
    assert order["start_line"] == 16  # decorators belong to the declaration
    assert syms["fx.shapes.Order.name"]["kind"] == "method"
    assert json.loads(syms["fx.shapes.Order.name"]["attributes"]) == ["property"]
    assert json.loads(syms["fx.shapes.Order.publish"]["modifiers"]) == ["async"]
    assert syms["fx.shapes.helper.inner"]["kind"] == "function"
    assert syms["fx.shapes.conditional"]["kind"] == "function"  # defined under an `if`


def test_calls_attributes_imports_and_strings(facts) -> None:
    assert _has_ref(facts, kind="invoke", name="publish", receiver="bus", arg0="TOPIC", line=27)
    assert _has_ref(facts, kind="invoke", name="join", receiver="os.path", arg0='"a"')
    assert _has_ref(facts, kind="ident", name="environ", receiver="os")
    assert _has_ref(facts, kind="using", name="json", receiver="js")
    assert _has_ref(facts, kind="using", name="collections.defaultdict", receiver="dd")
    assert _has_ref(facts, kind="string", name="{self.name}: {{braces}}", line=28)
    assert _has_ref(facts, kind="base", name="Base", scope="fx.shapes.Order")


def test_lambda_in_default_argument_is_scanned(facts) -> None:
    assert _has_ref(facts, kind="invoke", name="upper", receiver="v", scope="fx.shapes.helper")


def test_upper_case_literal_constants_only(facts) -> None:
    constants = {c[0]: c[2] for c in facts.constants}
    assert constants == {"fx.shapes.TOPIC": "orders.created", "fx.shapes.LIMIT": "10", "fx.shapes.PARTS": "ab", "fx.shapes.Order.KIND": "order"}


def test_syntax_errors_keep_the_rest() -> None:
    src = b"def good():\n    return 1\n\ndef bad(:\n    pass\n\nclass Later:\n    def m(self):\n        call()\n"
    facts = extract("python", src, "m")
    assert facts.parse_errors > 0
    names = {s[1] for s in facts.symbols}
    assert {"good", "Later"} <= names


def test_chunks_for_functions(facts) -> None:
    members = [c for c in facts.chunks if c[1] == "member"]
    assert {"fx.shapes.Order.name", "fx.shapes.Order.publish", "fx.shapes.helper"} <= {c[0] for c in members}
    # a nested function belongs to its outer function's chunk, not a separate one
    assert "fx.shapes.helper.inner" not in {c[0] for c in members}


def test_conditional_definitions_keep_their_container_kind() -> None:
    src = b"class A:\n    if FAST:\n        def m(self):\n            pass\n\ntry:\n    def f():\n        pass\nexcept ImportError:\n    pass\n"
    kinds = {s[2]: s[0] for s in extract("python", src, "mod").symbols}
    assert kinds == {"mod.A": "class", "mod.A.m": "method", "mod.f": "function"}
