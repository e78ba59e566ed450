"""Tree helpers for Python rules (the C# helpers live in `syntax`)."""

from __future__ import annotations

import re

import tree_sitter

from dwagent.tools.parse.context import FileContext
from dwagent.tools.syntax.tree import text


def call_name(ctx: FileContext, call: tree_sitter.Node) -> tuple[str, str]:
    """(object text, attribute) of a call: `a.b.c(x)` -> ('a.b', 'c'); `f(x)` -> ('', 'f')."""
    fn = call.child_by_field_name("function")
    if fn is None:
        return "", ""
    if fn.type == "attribute":
        return text(ctx, fn.child_by_field_name("object")), text(ctx, fn.child_by_field_name("attribute"))
    return "", text(ctx, fn)


def positional(call: tree_sitter.Node) -> list[tree_sitter.Node]:
    args = call.child_by_field_name("arguments")
    return [
        a
        for a in (args.named_children if args is not None else ())
        if a.type not in ("keyword_argument", "comment", "list_splat", "dictionary_splat")
    ]


def keyword(ctx: FileContext, call: tree_sitter.Node, name: str) -> tree_sitter.Node | None:
    args = call.child_by_field_name("arguments")
    for a in args.named_children if args is not None else ():
        if a.type == "keyword_argument" and text(ctx, a.child_by_field_name("name")) == name:
            return a.child_by_field_name("value")
    return None


def string_literal(ctx: FileContext, node) -> str | None:
    """The content of a plain (non-f, non-interpolated) string literal, or None."""
    if node is None or node.type != "string":
        return None
    if any(c.type == "interpolation" for c in node.named_children):
        return None
    return "".join(text(ctx, c) for c in node.named_children if c.type == "string_content")


def is_constant(ctx: FileContext, node) -> bool:
    """Literals, concatenations of literals and UPPER_CASE names: values that cannot carry input."""
    if node is None:
        return True
    t = node.type
    if t == "parenthesized_expression":
        return all(is_constant(ctx, c) for c in node.named_children)
    if t == "string":
        return not any(c.type == "interpolation" for c in node.named_children)
    if t == "concatenated_string":
        return all(is_constant(ctx, c) for c in node.named_children)
    if t in ("integer", "float", "true", "false", "none"):
        return True
    if t == "identifier":
        return bool(re.fullmatch(r"[A-Z][A-Z0-9_]*", text(ctx, node)))
    if t in ("subscript", "call"):
        return allow_listed(ctx, node)
    if t == "binary_operator":
        return is_constant(ctx, node.child_by_field_name("left")) and is_constant(ctx, node.child_by_field_name("right"))
    if t in ("list", "tuple"):
        return all(is_constant(ctx, c) for c in node.named_children)
    return False


def built_from_input(ctx: FileContext, node) -> str:
    """If `node` builds a string from a non-constant (f-string hole, %, +, .format), that part's text."""
    if node is None:
        return ""
    t = node.type
    if t in ("parenthesized_expression", "concatenated_string"):
        # `("SELECT ... " f"WHERE x = {q}")`: adjacent pieces are one string
        for c in node.named_children:
            found = built_from_input(ctx, c)
            if found:
                return found
        return ""
    if t == "string":
        for c in node.named_children:
            if c.type == "interpolation":
                expr = c.child_by_field_name("expression")
                if expr is not None and not is_constant(ctx, expr) and not _escaped(ctx, expr) and not allow_listed(ctx, local_value(ctx, expr)):
                    return text(ctx, expr)
        return ""
    if t == "binary_operator":
        op = text(ctx, node.children[1]) if len(node.children) > 2 else ""
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if op == "%" and left is not None and left.type == "string":
            return "" if is_constant(ctx, right) else text(ctx, right)
        if op == "+":
            for side in (left, right):
                if side is not None and not is_constant(ctx, side) and not _escaped(ctx, side):
                    return built_from_input(ctx, side) or text(ctx, side)
        return ""
    if t == "call":
        obj, name = call_name(ctx, node)
        fn = node.child_by_field_name("function")
        if name == "format" and fn is not None and fn.type == "attribute" and fn.child_by_field_name("object").type == "string":
            args = node.child_by_field_name("arguments")
            for a in args.named_children if args is not None else ():
                value = a.child_by_field_name("value") if a.type == "keyword_argument" else a
                if not is_constant(ctx, value) and not _escaped(ctx, value):
                    return text(ctx, value)
    return ""


def _module_constant_map(ctx: FileContext, name: str) -> bool:
    """`name` is bound once at module level to a dict/set/tuple/list literal of constants."""
    if not re.fullmatch(r"_*[A-Z][A-Z0-9_]*", name) or ctx.tree is None:
        return False
    found = []
    for stmt in ctx.tree.root_node.named_children:
        expr = stmt.named_children[0] if stmt.type == "expression_statement" and stmt.named_children else None
        if expr is not None and expr.type == "assignment" and text(ctx, expr.child_by_field_name("left")) == name:
            found.append(expr.child_by_field_name("right"))
    if len(found) != 1 or found[0] is None:
        return False
    value = found[0]
    if (
        value.type == "call"
        and call_name(ctx, value)[1] in ("frozenset", "MappingProxyType", "dict")
        and value.child_by_field_name("arguments") is not None
        and value.child_by_field_name("arguments").named_children
    ):
        value = value.child_by_field_name("arguments").named_children[0]
    if value.type == "dictionary":
        return all(
            p.type == "pair" and is_constant(ctx, p.child_by_field_name("key")) and is_constant(ctx, p.child_by_field_name("value"))
            for p in value.named_children
            if p.type != "comment"
        )
    if value.type in ("set", "tuple", "list"):
        return all(is_constant(ctx, c) for c in value.named_children if c.type != "comment")
    return False


def allow_listed(ctx: FileContext, node) -> bool:
    """A lookup in a module-level constant table: `ALLOWED.get(x, "default")` or `ALLOWED[x]`.
    Whatever the key, the value is one of the table's literals (or the constant default)."""
    if node is None:
        return False
    if node.type == "subscript":
        value = node.child_by_field_name("value")
        return value is not None and value.type == "identifier" and _module_constant_map(ctx, text(ctx, value))
    if node.type == "call":
        obj, name = call_name(ctx, node)
        args = positional(node)
        return name == "get" and _module_constant_map(ctx, obj) and all(is_constant(ctx, a) for a in args[1:])
    return False


def _escaped(ctx: FileContext, node) -> bool:
    return node.type == "call" and bool(re.search(r"(?i)quote|escape|sanitiz", call_name(ctx, node)[1]))


def local_value(ctx: FileContext, ident):
    """The value of `ident` when its enclosing function assigns that name exactly once, before the
    use, with a plain `name = value` (no augmented assignment, no loop target); else None."""
    if ident is None or ident.type != "identifier":
        return None
    func = ident.parent
    while func is not None and func.type != "function_definition":
        func = func.parent
    if func is None:
        return None
    name = text(ctx, ident)
    found = []
    stack = [func.child_by_field_name("body")]
    while stack:
        n = stack.pop()
        if n is None:
            continue
        if n.type in ("assignment", "augmented_assignment", "for_statement", "with_item", "named_expression"):
            target = n.child_by_field_name("left") or n.child_by_field_name("name") or n.child_by_field_name("alias")
            if target is not None and text(ctx, target) == name:
                found.append(n)
        if n.type not in ("function_definition", "lambda", "class_definition"):
            stack.extend(n.named_children)
    if len(found) != 1 or found[0].type != "assignment" or found[0].start_byte > ident.start_byte:
        return None
    return found[0].child_by_field_name("right")
