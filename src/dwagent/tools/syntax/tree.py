"""Tree helpers shared by the per-file rules.

One tree-sitter query per language captures every node type any rule looks at, once per file
(the C-level query is far faster than a Python walk); rules then ask `nodes(ctx, type)`.
"""

from __future__ import annotations

import re
from functools import cache

import tree_sitter

from dwagent.tools.parse import grammar
from dwagent.tools.parse.context import FileContext
from dwagent.tools.syntax.hit import Hit

# Node types any rule asks for; everything else is reached from these by navigation.
CAPTURED: dict[str, tuple[str, ...]] = {
    "csharp": (
        "invocation_expression",
        "object_creation_expression",
        "implicit_object_creation_expression",
        "assignment_expression",
        "member_access_expression",
        "variable_declarator",
        "property_declaration",
        "method_declaration",
        "class_declaration",
        "interface_declaration",
        "catch_clause",
        "comment",
        "binary_expression",
        "throw_statement",
        "throw_expression",
        "field_declaration",
        "argument",
        "string_literal",
        "verbatim_string_literal",
        "raw_string_literal",
        "interpolated_string_expression",
    ),
    "python": (
        "call",
        "assignment",
        "keyword_argument",
        "pair",
        "comment",
        "except_clause",
        "raise_statement",
        "function_definition",
        "class_definition",
        "string",
        "comparison_operator",
        "decorated_definition",
        "expression_statement",
    ),
}

MEMBER_TYPES = frozenset(
    {
        "method_declaration",
        "constructor_declaration",
        "destructor_declaration",
        "property_declaration",
        "indexer_declaration",
        "operator_declaration",
        "conversion_operator_declaration",
        "local_function_statement",
        "accessor_declaration",
        "event_declaration",
        "field_declaration",
    }
)
TYPE_TYPES = frozenset(
    {
        "class_declaration",
        "struct_declaration",
        "record_declaration",
        "record_struct_declaration",
        "interface_declaration",
    }
)
STRING_TYPES = frozenset({"string_literal", "verbatim_string_literal", "raw_string_literal"})


@cache
def _query(language: str) -> tree_sitter.Query:
    source = " ".join(f"({t}) @{t}" for t in CAPTURED[language])
    return tree_sitter.Query(grammar(language), source)


_last: tuple[int, FileContext | None, dict[str, list[tree_sitter.Node]]] = (0, None, {})
_callee_memo: dict[tuple[int, int], tuple[str, str]] = {}


def descendants(node, node_type: str, stop: tuple[str, ...] = ()) -> list:
    """Nodes of `node_type` under `node` (itself included), not looking below node types in `stop`
    (e.g. a handler's own block); order is a depth-first stack's, so callers test membership."""
    out, stack = [], [node]
    while stack:
        n = stack.pop()
        if n.type == node_type:
            out.append(n)
        if n.type not in stop:
            stack.extend(n.named_children)
    return out


def nodes(ctx: FileContext, node_type: str) -> list[tree_sitter.Node]:
    """All nodes of `node_type` in the file, in document order (type must be in CAPTURED)."""
    global _last
    if _last[1] is not ctx:
        _callee_memo.clear()
        tree = ctx.tree
        found: dict[str, list[tree_sitter.Node]] = {}
        if tree is not None and ctx.language in CAPTURED:
            caps = tree_sitter.QueryCursor(_query(ctx.language)).captures(tree.root_node)
            found = {k: sorted(v, key=lambda n: n.start_byte) for k, v in caps.items()}
        _last = (id(ctx), ctx, found)
    return _last[2].get(node_type, [])


_lower: tuple[FileContext | None, str] = (None, "")


def lowered(ctx: FileContext) -> str:
    """The file's text in lower case, computed once per file and shared by every rule."""
    global _lower
    if _lower[0] is not ctx:
        _lower = (ctx, ctx.text.lower())
    return _lower[1]


def mentions(ctx: FileContext, *words: str) -> bool:
    """Fast case-insensitive pre-filter: does the file's text contain any of `words` (lower-case)?"""
    low = lowered(ctx)
    return any(w in low for w in words)


def text(ctx: FileContext, node: tree_sitter.Node | None) -> str:
    """Source text of a node ('' for None)."""
    return "" if node is None else ctx.node_text(node)


def decorator_text(ctx: FileContext, node: tree_sitter.Node) -> str:
    """Source text of a decorator without a trailing comment: a comment's words (hostile input)
    must never decide whether a route is protected or a method abstract."""
    parts = [c for c in node.children if c.type != "comment"]
    if not parts:
        return text(ctx, node)
    return ctx.source[parts[0].start_byte : parts[-1].end_byte].decode("utf-8", "replace")


def line(node: tree_sitter.Node) -> int:
    """1-based start line."""
    return node.start_point[0] + 1


def end_line(node: tree_sitter.Node) -> int:
    """1-based end line (a node ending at column 0 ends on the previous line)."""
    row, col = node.end_point
    return max(node.start_point[0] + 1, row if col == 0 else row + 1)


def hit(node: tree_sitter.Node, message: str, *, max_lines: int = 6, **kw) -> Hit:
    """A Hit spanning the node (capped at `max_lines` so excerpts stay readable)."""
    start = line(node)
    return Hit(start, min(end_line(node), start + max_lines - 1), message, **kw)


def ancestor(node: tree_sitter.Node, types: frozenset[str] | set[str] | tuple[str, ...]):
    """The nearest proper ancestor whose type is in `types`, or None."""
    cur = node.parent
    while cur is not None:
        if cur.type in types:
            return cur
        cur = cur.parent
    return None


def enclosing_member(node: tree_sitter.Node):
    """The method/constructor/property/local function containing node (accessors resolve to their
    property), or None."""
    member = ancestor(node, MEMBER_TYPES)
    if member is not None and member.type == "accessor_declaration":
        return ancestor(member, MEMBER_TYPES) or member
    return member


def enclosing_type(node: tree_sitter.Node):
    return ancestor(node, TYPE_TYPES)


def name_of(ctx: FileContext, decl: tree_sitter.Node | None) -> str:
    """The declared name of a declaration node ('' if none)."""
    if decl is None:
        return ""
    n = decl.child_by_field_name("name")
    return text(ctx, n) if n is not None else ""


def attributes(ctx: FileContext, decl: tree_sitter.Node) -> set[str]:
    """Attribute names on a declaration, without the `Attribute` suffix or namespace."""
    out: set[str] = set()
    for child in decl.children:
        if child.type == "attribute_list":
            for attr in child.named_children:
                if attr.type == "attribute":
                    name = text(ctx, attr.child_by_field_name("name")).split(".")[-1]
                    name = re.sub(r"<.*", "", name)
                    out.add(name[:-9] if name.endswith("Attribute") else name)
    return out


def modifiers(ctx: FileContext, decl: tree_sitter.Node) -> set[str]:
    return {text(ctx, c) for c in decl.children if c.type == "modifier"}


def callee(ctx: FileContext, call: tree_sitter.Node) -> tuple[str, str]:
    """(receiver text, method name) of an invocation: `a.b.C(x)` -> ('a.b', 'C'), `F(x)` -> ('', 'F').
    Generic arguments are dropped from the name."""
    key = (call.start_byte, call.end_byte)
    if _last[1] is ctx and key in _callee_memo:
        return _callee_memo[key]
    fn = call.child_by_field_name("function")
    if fn is None:
        result = "", ""
    elif fn.type == "member_access_expression":
        name = text(ctx, fn.child_by_field_name("name"))
        recv = fn.child_by_field_name("expression")
        result = text(ctx, recv), (name.split("<", 1)[0] if "<" in name else name)
    else:
        name = text(ctx, fn)
        result = "", (name.split("<", 1)[0] if "<" in name else name)
    if _last[1] is ctx:
        _callee_memo[key] = result
    return result


def arguments(call: tree_sitter.Node) -> list[tree_sitter.Node]:
    """The expressions of an invocation's / object creation's arguments (named args included)."""
    args = call.child_by_field_name("arguments")
    if args is None:
        return []
    out = []
    for a in args.named_children:
        if a.type == "argument":
            expr = a.named_children[-1] if a.named_children else None
            if expr is not None:
                out.append(expr)
    return out


def argument_named(ctx: FileContext, call: tree_sitter.Node, name: str):
    """The expression of the named argument `name: expr`, or None."""
    args = call.child_by_field_name("arguments")
    for a in args.named_children if args is not None else ():
        if a.type == "argument":
            label = a.child_by_field_name("name")
            if label is not None and text(ctx, label) == name:
                return a.named_children[-1]
    return None


def unwrap(node: tree_sitter.Node) -> tree_sitter.Node:
    """Strip parentheses and casts."""
    while node is not None and node.type in ("parenthesized_expression", "cast_expression"):
        node = node.named_children[-1]
    return node


def string_value(ctx: FileContext, node: tree_sitter.Node | None) -> str | None:
    """The value of a plain string literal (no escapes decoded), or None if not a literal."""
    if node is None:
        return None
    node = unwrap(node)
    if node.type in STRING_TYPES:
        raw = text(ctx, node)
        raw = raw.lstrip("@u8")
        return raw.strip('"').rstrip("u8") if raw else ""
    if node.type == "interpolated_string_expression" and not any(c.type == "interpolation" for c in node.named_children):
        return re.sub(r'^\$?@?\$?"+|"+$', "", text(ctx, node))
    return None


def is_constant_expr(ctx: FileContext, node: tree_sitter.Node | None, consts: frozenset[str] = frozenset()) -> bool:
    """True when an expression is built only from literals, nameof, and names in `consts`
    (const fields of the file) — i.e. it cannot carry input."""
    if node is None:
        return True
    node = unwrap(node)
    t = node.type
    if t in STRING_TYPES or t in ("integer_literal", "real_literal", "boolean_literal", "null_literal", "character_literal"):
        return True
    if t == "interpolated_string_expression":
        return all(is_constant_expr(ctx, e, consts) for e in interpolations(node))
    if t == "binary_expression":
        return is_constant_expr(ctx, node.child_by_field_name("left"), consts) and is_constant_expr(ctx, node.child_by_field_name("right"), consts)
    if t == "invocation_expression":
        return callee(ctx, node)[1] == "nameof"
    if t == "identifier":
        return text(ctx, node) in consts
    if t == "member_access_expression":
        name = text(ctx, node.child_by_field_name("name"))
        return name in consts or bool(re.fullmatch(r"[A-Z][A-Z0-9_]+", name))
    return False


def interpolations(node: tree_sitter.Node) -> list[tree_sitter.Node]:
    """The expressions inside the holes of an interpolated string."""
    out = []
    for part in node.named_children:
        if part.type == "interpolation":
            exprs = [c for c in part.named_children if not c.type.startswith("interpolation_")]
            if exprs:
                out.append(exprs[0])
    return out


def const_names(ctx: FileContext) -> frozenset[str]:
    """Names of `const` fields and locals declared in the file (values that cannot carry input)."""
    out = set()
    for decl in nodes(ctx, "variable_declarator"):
        holder = decl.parent.parent if decl.parent is not None else None
        if holder is not None and any(c.type == "modifier" and text(ctx, c) == "const" for c in holder.children):
            out.add(name_of(ctx, decl) or text(ctx, decl.named_children[0]))
    return frozenset(out)


def camel_words(name: str) -> list[str]:
    """Lower-case words of an identifier: `clientSecretKey` -> ['client', 'secret', 'key']."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", spaced)
    return [w.lower() for w in re.split(r"[\s_\-.]+", spaced) if w]


def block_statements(body: tree_sitter.Node | None) -> list[tree_sitter.Node]:
    """Statements of a block (comments excluded); an expression body yields its expression."""
    if body is None:
        return []
    if body.type == "arrow_expression_clause":
        return [c for c in body.named_children if c.type != "comment"]
    return [c for c in body.named_children if c.type != "comment"]


def member_body(decl: tree_sitter.Node):
    """The block or arrow-expression body of a member, or None (abstract/extern/interface)."""
    body = decl.child_by_field_name("body")
    if body is not None:
        return body
    for c in decl.named_children:
        if c.type in ("arrow_expression_clause", "block"):
            return c
    return None
