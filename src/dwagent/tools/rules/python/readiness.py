"""Python readiness rules: TODO markers, swallowed exceptions, NotImplementedError stubs, tests
that assert nothing."""

from __future__ import annotations

import re
from typing import Iterable

from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.csharp.readiness import TODO
from dwagent.tools.rules.registry import Hit, file_rule
from dwagent.tools.syntax.python import call_name
from dwagent.tools.syntax.tree import ancestor, camel_words, hit, line, mentions, nodes, text


@file_rule(
    id="DWA-405",
    title="TODO / FIXME / HACK in production code (Python)",
    category="todo-marker",
    severity="low",
    languages=("python",),
)
def todo_marker(ctx: FileContext) -> Iterable[Hit]:
    """A `TODO`, `FIXME`, `HACK` or `XXX` marker in a `#` comment of production code. Strings and
    docstrings are not read; test code is excluded."""
    if not mentions(ctx, "todo", "fixme", "hack", "xxx"):
        return
    for c in nodes(ctx, "comment"):
        body = text(ctx, c)
        m = TODO.search(body)
        if m:
            yield Hit(line(c), line(c), f"{(m.group(1) or m.group(2)).upper()} marker: {body[m.start() :][:100].strip()}")


ABSTRACT_CLASS = re.compile(r"(^(Base|Abstract)|(Base|Interface|Mixin|Protocol|ABC|Abstract)$)")


def _is_abstract_context(ctx: FileContext, func, subclassed: set[str]) -> bool:
    holder = func.parent
    if holder is not None and holder.type == "decorated_definition":
        if any(re.search(r"abstract", text(ctx, d)) for d in holder.named_children if d.type == "decorator"):
            return True
    cls = ancestor(func, ("class_definition",))
    if cls is None:
        return False
    name = text(ctx, cls.child_by_field_name("name"))
    bases = text(ctx, cls.child_by_field_name("superclasses"))
    if ABSTRACT_CLASS.search(name) or re.search(r"\b(ABC|Protocol|ABCMeta|Generic)\b", bases) or name in subclassed:
        return True
    # a class whose every method raises NotImplementedError is an interface
    methods = [n for n in cls.child_by_field_name("body").named_children if n.type in ("function_definition", "decorated_definition")]
    return (
        not bases.strip("()")
        and len(methods) > 1
        and all("NotImplementedError" in text(ctx, m) or "__init__" in text(ctx, m).split("(")[0] for m in methods)
    )


_DELIBERATE_TYPE_WORDS = frozenset({"noop", "nop", "null", "placeholder", "unsupported", "dummy"})


def _deliberate_type(name: str) -> bool:
    """A class named as a deliberate non-implementation (`NullCache`, `NoopMailer`, `ReadOnlyStore`)."""
    words = camel_words(name)
    return bool(set(words) & _DELIBERATE_TYPE_WORDS) or any(a == "read" and b == "only" for a, b in zip(words, words[1:]))


@file_rule(
    id="DWA-407",
    title="NotImplementedError outside an abstract method (Python)",
    category="not-implemented",
    severity="medium",
    confidence="medium",
    cwe=(1188,),
    languages=("python",),
)
def not_implemented(ctx: FileContext) -> Iterable[Hit]:
    """A function or method whose whole body is `raise NotImplementedError` in production code: it
    is reachable and fails at run time. Abstract contexts are not reported: `@abstractmethod`,
    classes deriving from `ABC`/`Protocol`, classes named `Base*`/`*Base`/`*Interface`/`*Mixin`,
    classes subclassed in the same file or anywhere else in the index (checked by the engine),
    and interface-like classes whose every method raises. A raise inside real logic that rejects
    one unsupported case is a documented limitation, not a stub, and is not reported; nor are
    methods of classes named as deliberate non-implementations (Null/Noop objects, read-only
    adapters, placeholders, `Unsupported*`), whose refusal is their contract. Medium
    severity and confidence: in Python the same statement is also the conventional body of an
    abstract method whose subclasses may live outside the audited tree.
    """
    if "NotImplementedError" not in ctx.text:
        return
    subclassed = set()
    for cls in nodes(ctx, "class_definition"):
        bases = cls.child_by_field_name("superclasses")
        if bases is not None:
            subclassed.update(re.findall(r"\w+", text(ctx, bases)))
    for r in nodes(ctx, "raise_statement"):
        if not re.match(r"raise\s+NotImplementedError\b", text(ctx, r)):
            continue
        func = ancestor(r, ("function_definition",))
        if func is None or not _whole_body(ctx, func, r) or _is_abstract_context(ctx, func, subclassed):
            continue
        cls = ancestor(func, ("class_definition",))
        if cls is not None and _deliberate_type(text(ctx, cls.child_by_field_name("name"))):
            continue  # a Null/Noop/read-only/placeholder object refusing what it does not serve
        # a method may be abstract by convention: the engine drops it when another file subclasses
        # its class (see options.drop_subclassed)
        props = (("abstract_if_subclassed", text(ctx, cls.child_by_field_name("name"))),) if cls is not None else ()
        where = f" in `{text(ctx, func.child_by_field_name('name'))}`"
        yield hit(r, f"NotImplementedError{where}: the function is a stub", max_lines=1, properties=props)


def _whole_body(ctx: FileContext, func, raise_node) -> bool:
    """The raise is the function's whole body (after a docstring): a stub, not an unsupported-case
    branch inside real logic (`if mode == "x": raise NotImplementedError(...)`)."""
    body = func.child_by_field_name("body")
    stmts = [s for s in body.named_children if s.type != "comment"] if body is not None else []
    if stmts and stmts[0].type == "expression_statement" and stmts[0].named_children and stmts[0].named_children[0].type == "string":
        stmts = stmts[1:]
    return len(stmts) == 1 and stmts[0] == raise_node


ASSERT_CALL = re.compile(r"^(assert\w*|Assert\w*|raises|fail|expect\w*|verify\w*|approve\w*|snapshot\w*)$")


LITERAL_TYPES = frozenset({"true", "false", "none", "integer", "float", "string"})
TRUTHY = frozenset({"True", "1", "not False", "not None"})


def _constant_locals(ctx: FileContext, body) -> dict[str, str]:
    """Names `body` binds exactly once, to a literal, in a statement of its own top level (`ok = True`):
    asserting one asserts a constant. A flag set inside a block (`with`, `try`, loop) records that
    control got there, which is a real check."""
    values: dict[str, str] = {}
    counts: dict[str, int] = {}
    stack = [body]
    while stack:
        n = stack.pop()
        if n.type in ("assignment", "augmented_assignment", "for_statement", "with_item", "named_expression", "for_in_clause"):
            target = n.child_by_field_name("left") or n.child_by_field_name("name") or n.child_by_field_name("alias")
            if target is not None:
                key = text(ctx, target)
                counts[key] = counts.get(key, 0) + 1
                right = n.child_by_field_name("right") if n.type == "assignment" else None
                top_level = n.parent is not None and n.parent.type == "expression_statement" and n.parent.parent == body
                if (
                    right is not None
                    and top_level
                    and target.type == "identifier"
                    and right.type in LITERAL_TYPES
                    and not any(c.type == "interpolation" for c in right.named_children)
                ):
                    values[key] = text(ctx, right)
        stack.extend(n.named_children)
    return {k: v for k, v in values.items() if counts.get(k) == 1}


def _trivial_condition(ctx: FileContext, cond, consts: dict[str, str]) -> bool:
    """`assert True`, `assert ok` with `ok = True`, `assert a == b` with both the same literal."""
    t = text(ctx, cond)
    if consts.get(t, t) in TRUTHY or (consts.get(t, "") not in ("", "None", "False", "0", '""', "''")):
        return True
    if cond.type == "comparison_operator" and len(cond.named_children) == 2:
        a, b = (text(ctx, c) for c in cond.named_children)
        ops = [text(ctx, c) for c in cond.children if not c.is_named]
        a, b = consts.get(a, a), consts.get(b, b)
        literal = all(c.type in LITERAL_TYPES or text(ctx, c) in consts for c in cond.named_children)
        return literal and ops == ["=="] and a == b
    return False


def _asserts(ctx: FileContext, node, helpers: dict, depth: int = 0, consts: dict | None = None) -> tuple[bool, bool]:
    """(has any assertion, has a non-trivial assertion) in node's subtree."""
    consts = consts if consts is not None else _constant_locals(ctx, node)
    any_assert = real = False
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type == "assert_statement":
            any_assert = True
            cond = n.named_children[0] if n.named_children else None
            if cond is None or not _trivial_condition(ctx, cond, consts):
                real = True
        elif n.type == "call":
            obj, name = call_name(ctx, n)
            if ASSERT_CALL.match(name) or obj.endswith("pytest") and name in ("raises", "fail", "warns"):
                args = n.child_by_field_name("arguments")
                first = args.named_children[0] if args is not None and args.named_children else None
                trivial = (
                    name in ("assertTrue", "assert_", "assertIsNotNone")
                    and first is not None
                    and (consts.get(text(ctx, first), text(ctx, first)) in ("True", "1"))
                )
                any_assert = True
                real = real or not trivial
            elif depth == 0 and name in helpers:
                a, b = _asserts(ctx, helpers[name], helpers, 1, {})
                any_assert, real = any_assert or a, real or b
        elif n.type == "with_statement" and "raises" in text(ctx, n).split(":")[0]:
            any_assert = real = True
        stack.extend(n.named_children)
    return any_assert, real


@file_rule(
    id="DWA-408",
    title="Test asserts nothing (Python)",
    category="placeholder-test",
    severity="medium",
    languages=("python",),
    applies_to=("test",),
    domains=("readiness", "testing"),
)
def empty_test(ctx: FileContext) -> Iterable[Hit]:
    """A `test_*` function (pytest or unittest) with no `assert`, no `self.assert*`/`pytest.raises`
    /mock `assert_called*`, or only `assert True` (also through a local bound once to a literal:
    `ok = True; assert ok`): it passes whatever the code does. Assertions in
    helper functions of the same file count; skipped tests are not reported.
    """
    if "def test" not in ctx.text:
        return
    funcs = nodes(ctx, "function_definition")
    helpers = {text(ctx, f.child_by_field_name("name")): f for f in funcs if not text(ctx, f.child_by_field_name("name")).startswith("test")}
    for f in funcs:
        name = text(ctx, f.child_by_field_name("name"))
        if not name.startswith("test"):
            continue
        holder = f.parent
        if holder is not None and holder.type == "decorated_definition" and re.search(r"skip|xfail", text(ctx, holder).split("def ")[0]):
            continue
        any_assert, real = _asserts(ctx, f.child_by_field_name("body"), helpers)
        if not real:
            name_node = f.child_by_field_name("name")
            why = "only asserts constants" if any_assert else "asserts nothing"
            yield Hit(line(name_node), line(name_node), f"test `{name}` {why}")
