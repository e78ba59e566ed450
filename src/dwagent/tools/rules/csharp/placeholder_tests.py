"""Placeholder tests in C#: test methods that assert nothing or only assert constants."""

from __future__ import annotations

import re
from typing import Iterable

from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.mock_only import csharp_mock_only, csharp_stand_in_only, csharp_stand_ins
from dwagent.tools.rules.registry import Hit, file_rule
from dwagent.tools.syntax.tree import (
    arguments,
    attributes,
    callee,
    enclosing_type,
    line,
    member_body,
    name_of,
    nodes,
    text,
    unwrap,
)

TEST_ATTRS = frozenset(
    {
        "Fact",
        "Theory",
        "Test",
        "TestMethod",
        "DataTestMethod",
        "TestCase",
        "TestCaseSource",
        "SkippableFact",
        "SkippableTheory",
        "AvaloniaFact",
        "UITestMethod",
    }
)
ASSERTING_NAME = re.compile(
    r"^(Assert|Verify|Expect|Ensure|Should|Received|DidNotReceive|Throws|Fail|"
    r"MatchSnapshot|Approve|MustHave|MustBe)\w*$"
)


# NSubstitute/Moq checks written as a chain: `sub.Received(1).Save(x)`, `mock.Verify(...)` inside
RECEIVED_CHAIN = re.compile(r"\.(?:Received|DidNotReceive|ReceivedWithAnyArgs|DidNotReceiveWithAnyArgs)\s*(?:<[^>]*>)?\s*\(")


def _asserts(recv: str, name: str) -> bool:
    return bool(ASSERTING_NAME.match(name)) or "Assert" in recv.split(".")[-1] or "Should()" in recv or bool(RECEIVED_CHAIN.search(recv))


TRIVIAL_ASSERT = {"True": "true", "IsTrue": "true", "False": "false", "IsFalse": "false"}


def _calls(ctx: FileContext, node) -> list:
    out, stack = [], [node]
    while stack:
        n = stack.pop()
        if n.type == "invocation_expression":
            out.append(n)
        stack.extend(n.named_children)
    return out


def _constant_locals(ctx: FileContext, body) -> dict[str, str]:
    """Locals declared at `body`'s top level with a literal and never written again (no assignment,
    `++`, `ref`/`out`): `var ok = true; Assert.True(ok);` asserts a constant through a name. A flag
    set inside a nested block records that control got there, which is a real check."""
    init: dict[str, str] = {}
    written: set[str] = set()
    for n in _walk(body):
        if n.type == "variable_declarator" and len(n.named_children) > 1:
            value = unwrap(n.named_children[-1])
            stmt = n.parent.parent if n.parent is not None else None  # declarator < declaration < statement
            top_level = stmt is not None and stmt.parent == body
            if top_level and (value.type.endswith("_literal") or value.type == "boolean_literal"):
                init[name_of(ctx, n)] = text(ctx, value)
            else:
                written.add(name_of(ctx, n))
        elif n.type == "assignment_expression":
            written.add(text(ctx, n.child_by_field_name("left")))
        elif n.type in ("postfix_unary_expression", "prefix_unary_expression"):
            written.add(text(ctx, n).strip("+-! "))
        elif n.type == "argument" and re.match(r"^(ref|out)\b", text(ctx, n)):
            written.add(text(ctx, n).split()[-1])
    return {k: v for k, v in init.items() if k not in written}


def _walk(node):
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(n.named_children)


def _value(ctx: FileContext, node, consts: dict[str, str]) -> tuple[str, bool]:
    """(text, is_literal) of an assert argument, a constant local read as its literal."""
    node = unwrap(node)
    t = text(ctx, node)
    if node.type == "identifier" and t in consts:
        return consts[t], True
    return t, node.type.endswith("literal")


def _is_trivial(ctx: FileContext, call, consts: dict[str, str] | None = None) -> bool:
    consts = consts or {}
    recv, name = callee(ctx, call)
    args = arguments(call)
    if recv.endswith("Assert") and name in TRIVIAL_ASSERT and args and _value(ctx, args[0], consts)[0] == TRIVIAL_ASSERT[name]:
        return True
    if recv.endswith("Assert") and name in ("Pass", "Inconclusive"):
        return True
    if recv.endswith("Assert") and name in ("Equal", "AreEqual", "Same", "AreSame") and len(args) >= 2:
        (a, lit_a), (b, lit_b) = (_value(ctx, x, consts) for x in args[:2])
        return lit_a and lit_b and a == b
    if recv.endswith("Assert") and name in ("NotNull", "IsNotNull") and args and unwrap(args[0]).type == "object_creation_expression":
        return True
    full = text(ctx, call)
    return bool(re.match(r"^(true|false)\.Should\(\)\.Be(True|False)\(\)$", re.sub(r"\s+", "", full)))


@file_rule(
    id="DWA-203",
    title="Placeholder test asserts nothing",
    category="placeholder-test",
    severity="medium",
    languages=("csharp",),
    applies_to=("test", "production"),
    domains=("readiness", "testing"),
)
def placeholder_test(ctx: FileContext) -> Iterable[Hit]:
    """A test method (`[Fact]`, `[Theory]`, `[Test]`, `[TestMethod]`, `[TestCase]`...) that
    contains no assertion, whose assertions can only be about mocks it sets up itself (it builds
    nothing but `Mock<T>`/`Substitute.For<T>()` and calls nothing but them and `Assert`), that only
    exercises a stand-in class the test file declares for itself (no tests in it, no product base
    class: "simplified versions for testing") through a field or local, or whose
    only assertions are constant (`Assert.True(true)`,
    `Assert.Pass()`, `Assert.Equal(1, 1)`, or the same through a local that is only ever a literal:
    `var ok = true; Assert.True(ok);`): it passes whatever the code does and inflates coverage.

    Assertions are recognised by name (xUnit/NUnit/MSTest `Assert.*`, FluentAssertions
    `.Should()`, Moq `Verify`, NSubstitute `Received`, snapshot/approval libraries) and one level
    into helper methods of the same file. `[ExpectedException]` counts as an assertion; skipped
    tests are not reported.
    """
    if not re.search(r"\[(Fact|Theory|Test|TestMethod|DataTestMethod|TestCase|Skippable)", ctx.text):
        return
    methods = {name_of(ctx, m): m for m in nodes(ctx, "method_declaration")}
    test_classes = {name_of(ctx, enclosing_type(m)) for m in methods.values() if attributes(ctx, m) & TEST_ATTRS and enclosing_type(m) is not None}
    stand_ins = csharp_stand_ins(ctx, test_classes)
    for m in nodes(ctx, "method_declaration"):
        attrs = attributes(ctx, m)
        if not attrs & TEST_ATTRS or "ExpectedException" in attrs:
            continue
        if re.search(r"\[(Fact|Theory|Test\w*)\s*\([^)]*Skip\s*=", text(ctx, m)) or "Ignore" in attrs:
            continue
        body = member_body(m)
        if body is None:
            continue
        calls = _calls(ctx, body)
        asserting = []
        for c in calls:
            recv, name = callee(ctx, c)
            if c.parent is not None and c.parent.type == "member_access_expression":
                continue  # judged at the outermost call of a fluent chain
            if _asserts(recv, name):
                asserting.append(c)
            elif name in methods and methods[name] is not m:
                helper = member_body(methods[name])
                if helper is not None and any(_asserts(*callee(ctx, h)) for h in _calls(ctx, helper)):
                    asserting.append(c)
        consts = _constant_locals(ctx, body)
        mock_only = bool(asserting) and csharp_mock_only(ctx, body, _asserts)
        owner = enclosing_type(m)
        stand_in = csharp_stand_in_only(ctx, owner, body, _asserts, stand_ins) if asserting and owner is not None and not mock_only else ""
        if asserting and not all(_is_trivial(ctx, c, consts) for c in asserting) and not mock_only and not stand_in:
            continue
        name_node = m.child_by_field_name("name")
        why = (
            "only asserts on mocks it sets up (no code under test runs)"
            if mock_only
            else f"only exercises `{stand_in}`, a stand-in declared in the test file (no product code runs)"
            if stand_in
            else "only asserts constants"
            if asserting
            else "asserts nothing"
        )
        yield Hit(line(name_node), line(name_node), f"test `{name_of(ctx, m)}` {why}")
