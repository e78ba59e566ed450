"""One- and two-step flows between methods of the same file (C#), for the taint rules.

Deliberately small: calls are resolved by name to methods declared in the same file when the
receiver is absent or `this` and exactly one method of that name takes that many arguments
(overloads by type are not told apart: then nothing is resolved). No aliasing, no fields, no
virtual dispatch. What this adds to the per-method rules:

- forward: a sink's argument is (a local initialised from) a call to a helper that *returns* a
  string built from one of its parameters; the caller's argument is what flows in;
- backward: a sink's argument is a bare parameter of the enclosing method; the in-file callers
  that pass a built string for it are where the input enters (followed through one more
  pass-through method).
"""

from __future__ import annotations

from dwagent.tools.parse.context import FileContext
from dwagent.tools.syntax.tree import (
    arguments,
    block_statements,
    callee,
    enclosing_member,
    member_body,
    name_of,
    nodes,
    text,
    unwrap,
)

_memo: tuple[int, FileContext | None, dict] = (0, None, {})


def _methods(ctx: FileContext) -> dict[str, list]:
    """Method declarations of the file by name (memoised per file)."""
    global _memo
    if _memo[1] is not ctx:
        by_name: dict[str, list] = {}
        for m in nodes(ctx, "method_declaration"):
            by_name.setdefault(name_of(ctx, m), []).append(m)
        _memo = (id(ctx), ctx, by_name)
    return _memo[2]


def parameter_names(ctx: FileContext, method) -> list[str]:
    params = method.child_by_field_name("parameters") if method is not None else None
    return [text(ctx, p.child_by_field_name("name")) for p in (params.named_children if params is not None else ()) if p.type == "parameter"]


def resolve(ctx: FileContext, call):
    """The in-file method a call invokes, or None (see the module docstring for the limits)."""
    if call.type != "invocation_expression":
        return None
    recv, name = callee(ctx, call)
    if recv not in ("", "this"):
        return None
    n_args = len(arguments(call))
    found = [m for m in _methods(ctx).get(name, ()) if len(parameter_names(ctx, m)) == n_args]
    return found[0] if len(found) == 1 else None


def returned(ctx: FileContext, method) -> list:
    """The expressions a method returns (its arrow body, or every `return x;` in its block)."""
    body = member_body(method)
    if body is None:
        return []
    if body.type == "arrow_expression_clause":
        return [unwrap(e) for e in block_statements(body)]
    out, stack = [], [body]
    while stack:
        n = stack.pop()
        if n.type in ("lambda_expression", "local_function_statement", "anonymous_method_expression"):
            continue  # their returns are not this method's
        if n.type == "return_statement":
            out.extend(unwrap(c) for c in n.named_children if c.type != "comment")
        stack.extend(n.named_children)
    return out


def local_initialiser(ctx: FileContext, ident):
    """The initialiser of the local `ident` names in its member (declared before it), or None."""
    member = enclosing_member(ident)
    if member is None or ident.type != "identifier":
        return None
    name = text(ctx, ident)
    stack, found = [member], None
    while stack:
        n = stack.pop()
        if n.start_byte >= ident.start_byte:
            continue
        if n.type == "variable_declarator" and name_of(ctx, n) == name and len(n.named_children) > 1:
            found = unwrap(n.named_children[-1])
        stack.extend(n.named_children)
    return found


def callers(ctx: FileContext, method) -> list:
    """In-file invocations that resolve to `method`."""
    name = name_of(ctx, method)
    return [c for c in nodes(ctx, "invocation_expression") if callee(ctx, c)[1] == name and _same(resolve(ctx, c), method)]


def argument_for(ctx: FileContext, call, method, param: str):
    """The argument a call passes for `param` of `method` (positional or `param: value`)."""
    args = arguments(call)
    fn_args = call.child_by_field_name("arguments")
    for a in fn_args.named_children if fn_args is not None else ():
        label = a.child_by_field_name("name")
        if a.type == "argument" and label is not None and text(ctx, label) == param:
            return unwrap(a.named_children[-1])
    names = parameter_names(ctx, method)
    return unwrap(args[names.index(param)]) if param in names and names.index(param) < len(args) else None


def _same(a, b) -> bool:
    # tree-sitter hands out a new wrapper per access: compare positions, not identity
    return a is not None and b is not None and a.start_byte == b.start_byte and a.end_byte == b.end_byte
