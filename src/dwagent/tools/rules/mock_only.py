"""Tests whose assertions can only pass: they set up mocks and assert what the mocks were told.

Shared by the placeholder-test rules of both languages (DWA-203 C#, DWA-408 Python). A test is
mock-only when it constructs nothing but mocks and calls nothing but its mocks and assertions:
`mock.Setup(x => x.Get()).Returns(5); Assert.Equal(5, mock.Object.Get());` or
`repo = Mock(); repo.get.return_value = 5; assert repo.get() == 5`. No code under test runs, so
no change to the product can make it fail. Calling anything else (a constructor, a function of the
product, a helper of the file) makes it a real test, whatever it asserts.
"""

from __future__ import annotations

import re

from dwagent.tools.parse.context import FileContext
from dwagent.tools.syntax.tree import callee, descendants, name_of, text, unwrap

CS_MOCK_FACTORY = re.compile(r"^(?:new\s+Mock<|Mock\.Of<|Substitute\.For(?:PartsOf)?<|A\.Fake<|MockRepository\b)")
CS_MOCK_ROOTS = frozenset({"Mock", "Substitute", "A", "It", "Arg", "Times", "Assert", "MockBehavior"})
PY_MOCK_FACTORY = re.compile(
    r"^(?:(?:mock|unittest\.mock|mocker)\.)?(?:Mock|MagicMock|AsyncMock|NonCallableMock|NonCallableMagicMock|create_autospec)$"
)
PY_HARMLESS = frozenset(
    {"len", "str", "int", "list", "dict", "set", "tuple", "bool", "repr", "sorted", "isinstance", "print", "call", "ANY", "sentinel"}
)


def _root(expr: str) -> str:
    return re.split(r"[.(\[<]", expr.strip(), maxsplit=1)[0]


def csharp_mock_only(ctx: FileContext, body, asserts) -> bool:
    """True when the C# test `body` builds only mocks and every call is on a mock, an argument
    matcher or an assertion (`asserts(recv, name)` says which calls assert)."""
    mocks: set[str] = set()
    declared = descendants(body, "variable_declarator")
    for _ in range(2):  # aliases of a mock (`var sut = mock.Object;`) are the mock too
        for d in declared:
            if len(d.named_children) < 2:
                continue
            value = text(ctx, unwrap(d.named_children[-1]))
            if CS_MOCK_FACTORY.match(value) or _root(value) in mocks:
                mocks.add(name_of(ctx, d) or text(ctx, d.named_children[0]))
    if not mocks:
        return False
    for created in descendants(body, "object_creation_expression") + descendants(body, "implicit_object_creation_expression"):
        if not text(ctx, created).startswith("new Mock<"):
            return False  # something real is constructed: the test may exercise it
    lambdas = descendants(body, "lambda_expression")
    for call in descendants(body, "invocation_expression"):
        if any(lam.start_byte <= call.start_byte < lam.end_byte for lam in lambdas):
            continue  # inside a Setup/Verify/It.Is expression: describes the mock, runs nothing
        recv, name = callee(ctx, call)
        if asserts(recv, name) or _root(recv) in mocks | CS_MOCK_ROOTS or name == "nameof":
            continue
        return False
    return True


def python_mock_only(ctx: FileContext, body) -> bool:
    """True when the Python test `body` creates only mocks (`Mock()`, `MagicMock()`, `patch(...) as m`)
    and every call is on one of them, a mock factory, a harmless builtin or an assertion."""
    mocks: set[str] = set()
    for a in descendants(body, "assignment"):
        left, right = a.child_by_field_name("left"), a.child_by_field_name("right")
        if left is None or right is None or left.type != "identifier":
            continue
        fn = right.child_by_field_name("function") if right.type == "call" else None
        if fn is not None and PY_MOCK_FACTORY.match(text(ctx, fn)) or _root(text(ctx, right)) in mocks:
            mocks.add(text(ctx, left))
    for w in descendants(body, "with_item"):
        value = w.named_children[0] if w.named_children else None
        if value is not None and re.search(r"\bpatch\b", text(ctx, value).split("(")[0]):
            alias = re.search(r"\bas\s+(\w+)\s*$", text(ctx, w))
            if alias:
                mocks.add(alias.group(1))
    if not mocks:
        return False
    for call in descendants(body, "call"):
        fn = call.child_by_field_name("function")
        name = text(ctx, fn) if fn is not None else ""
        last = name.rsplit(".", 1)[-1]
        if PY_MOCK_FACTORY.match(name) or re.search(r"\bpatch\b", name) or name in PY_HARMLESS or _root(name) in mocks:
            continue
        if last.startswith(("assert", "assert_")) or _root(name) == "pytest":
            continue
        return False
    return True


# bases a stand-in may have without inheriting product behaviour
# framework values a test builds as arguments: data, not code under test
BCL_STATIC = frozenset(
    {"TimeSpan", "DateTime", "DateTimeOffset", "Guid", "Math", "string", "String", "Enumerable", "Task", "Convert", "Encoding", "Array"}
)
BCL_NEW = re.compile(
    r"^(?:List|Dictionary|HashSet|Queue|Stack|ConcurrentDictionary|ConcurrentBag|SortedDictionary|object|TimeSpan|DateTime|DateTimeOffset|Guid|CancellationTokenSource|Exception|ArgumentException|InvalidOperationException)$"
)
STAND_IN_NAME = re.compile(r"^(?:Test|Fake|Stub|Mock|Dummy|Simplified|Simulated)[A-Z]|(?:Stub|Fake|Double|Dummy|ForTests?)$")
NEUTRAL_BASES = re.compile(r"^(?:I[A-Z]\w*|EventArgs|Exception|object|Attribute)(?:<.*>)?$")


def csharp_stand_ins(ctx: FileContext, test_classes: set[str]) -> set[str]:
    """Classes of this test file named as doubles (`Test*`, `Fake*`, `*Stub`...) that hold no tests
    and inherit no product class: stand-ins the file wrote for itself (`TestStorageService`,
    "simplified versions for testing"). A subclass of a product
    type (`TestableFoo : Foo`) runs product code, so it is not one."""
    out = set()
    for cls in descendants(ctx.tree.root_node, "class_declaration") if ctx.tree is not None else ():
        name = name_of(ctx, cls)
        if not name or name in test_classes or not STAND_IN_NAME.search(name):
            continue  # the file must call it a double: a class merely declared beside the tests may be the product
        bases = next((c for c in cls.named_children if c.type == "base_list"), None)
        names = [b.strip() for b in text(ctx, bases).lstrip(":").split(",")] if bases is not None else []
        if all(NEUTRAL_BASES.match(b) for b in names if b):
            out.add(name)
    return out


def csharp_stand_in_only(ctx: FileContext, cls, body, asserts, stand_ins: set[str]) -> str:
    """The stand-in's name when every call of the test `body` goes to a stand-in declared in the file
    (through a field of its class `cls` or a local), a mock or an assertion, and nothing else is
    constructed; '' otherwise."""
    if not stand_ins:
        return ""
    held: dict[str, str] = {}  # field or local -> stand-in it holds
    members = [cls, body]
    for scope in members:
        for node in descendants(scope, "assignment_expression") + descendants(scope, "variable_declarator"):
            kids = node.named_children
            if len(kids) < 2:
                continue
            target = text(ctx, kids[0]).removeprefix("this.")
            value = unwrap(kids[-1])
            created = re.match(r"^new\s+(\w+)\s*[({]", text(ctx, value))
            if created and created.group(1) in stand_ins:
                held[target] = created.group(1)
    if not held:
        return ""
    mocks = {
        n
        for n, v in (
            (text(ctx, d.named_children[0]), text(ctx, d.named_children[-1])) for d in descendants(cls, "variable_declarator") if d.named_children
        )
        if CS_MOCK_FACTORY.match(v)
    }
    roots = set(held) | mocks
    for _ in range(2):  # `var result = await _service.GetAsync();` holds what the stand-in answered
        for d in descendants(body, "variable_declarator"):
            if len(d.named_children) > 1 and _root(text(ctx, unwrap(d.named_children[-1])).removeprefix("await ")) in roots:
                roots.add(name_of(ctx, d) or text(ctx, d.named_children[0]))
    for created in descendants(body, "object_creation_expression"):
        m = re.match(r"^new\s+(\w+)", text(ctx, created))
        if m and m.group(1) not in stand_ins and m.group(1) != "Mock" and not BCL_NEW.match(m.group(1)):
            return ""
    lambdas = descendants(body, "lambda_expression")
    used = set()
    for call in descendants(body, "invocation_expression"):
        if any(lam.start_byte <= call.start_byte < lam.end_byte for lam in lambdas):
            continue
        recv, name = callee(ctx, call)
        root = _root(recv.removeprefix("this."))
        if asserts(recv, name) or root in CS_MOCK_ROOTS or root in BCL_STATIC or name == "nameof" or "Should()" in recv:
            continue
        if root not in roots:
            return ""
        used.add(held.get(root, ""))
    subjects = sorted(u for u in used if u)
    return subjects[0] if subjects else ""
