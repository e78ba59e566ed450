"""Intra-procedural def-use for Python, with bounded in-file summaries: where a value comes from.

The Python twin of `csharp.py`: `PythonFlows(ctx).origins(expr, category)` follows names to their
assignments in the enclosing function (`=`, `+=`, `for x in`, walrus, builder calls such as
`parts.append(x)`), string building (f-strings, `%`, `+`, `.format`, `"".join`), conditional
expressions, `or`, collections, `self.attr` assigned anywhere in the class, module-level
constants, parameters (request-bound when the function is a route or a view, see the model) and
calls of functions of the same file (what their return carries, parameters substituted). Sources,
sanitisers and propagators are `models/python.yaml`.
"""

from __future__ import annotations

import re
from dataclasses import replace

from dwagent.tools.dataflow.flow import Hop, MemoisedFlows, Origin, merge
from dwagent.tools.dataflow.model import load_model
from dwagent.tools.parse.context import FileContext
from dwagent.tools.syntax.python import call_name
from dwagent.tools.syntax.tree import ancestor, decorator_text, line, nodes, text, unwrap

SUMMARY_DEPTH = 3
LITERALS = frozenset({"integer", "float", "true", "false", "none", "lambda", "comparison_operator", "not_operator"})
SAFE_ANNOTATION = re.compile(r"^(int|float|bool|UUID|uuid\.UUID|datetime|date|Decimal)$")


def _short(s: str, n: int = 60) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


class PythonFlows(MemoisedFlows):
    """Data-flow questions about one Python file."""

    def __init__(self, ctx: FileContext):
        self.ctx = ctx
        self.model = load_model("python")
        self._memo: dict[tuple, tuple[Origin, ...]] = {}
        self._active: set[tuple] = set()
        self._stack: list[int] = []
        self._functions: dict[str, list] = {}
        for fn in _walk(ctx.tree.root_node) if ctx.tree is not None else ():
            if fn.type == "function_definition":
                self._functions.setdefault(text(ctx, fn.child_by_field_name("name")), []).append(fn)
        self._module_consts = {
            text(ctx, a.child_by_field_name("left"))
            for a in nodes(ctx, "assignment")
            if a.parent is not None
            and a.parent.parent is not None
            and a.parent.parent.type == "module"
            and re.fullmatch(r"[A-Z][A-Z0-9_]*", text(ctx, a.child_by_field_name("left")))
        }

    def _unwrap(self, expr):
        return unwrap(expr)

    def _eval(self, e, cat: str) -> tuple[Origin, ...]:
        ctx, t = self.ctx, e.type
        if t in LITERALS:
            return ()
        if t == "string":
            holes = [
                c.child_by_field_name("expression") or c.named_children[0] for c in e.named_children if c.type == "interpolation" and c.named_children
            ]
            return self._built(e, [h for h in holes if not _formatted(ctx, h)], cat)
        if t == "concatenated_string":
            return merge(*(self.origins(c, cat) for c in e.named_children))
        if t == "binary_operator":
            op = text(ctx, e.child_by_field_name("operator"))
            if op in ("+", "%"):
                left, right = e.child_by_field_name("left"), e.child_by_field_name("right")
                parts = [left, *(right.named_children if op == "%" and right.type in ("tuple", "dictionary") else [right])]
                return self._built(e, parts, cat)
            return ()
        if t == "boolean_operator":
            return merge(self.origins(e.child_by_field_name("left"), cat), self.origins(e.child_by_field_name("right"), cat))
        if t == "conditional_expression":
            kids = e.named_children
            return merge(*(self.origins(k, cat) for k in (kids[0], kids[2]) if k is not None)) if len(kids) == 3 else ()
        if t in ("await", "parenthesized_expression", "named_expression"):
            return self.origins(e.named_children[-1] if e.named_children else None, cat)
        if t in ("list", "tuple", "set", "expression_list"):
            return merge(*(self.origins(c, cat) for c in e.named_children))
        if t == "dictionary":
            return merge(*(self.origins(p.child_by_field_name("value"), cat) for p in e.named_children if p.type == "pair"))
        if t in ("list_comprehension", "generator_expression", "set_comprehension"):
            return merge(
                *(self.origins(c, cat) for c in e.named_children[:1]),
                *(self.origins(c.child_by_field_name("right"), cat) for c in e.named_children if c.type == "for_in_clause"),
            )
        if t == "identifier":
            return self._identifier(e, cat)
        if t == "attribute":
            return self._attribute(e, cat)
        if t == "subscript":
            return self._subscript(e, cat)
        if t == "call":
            return self._call(e, cat)
        return ()

    def _built(self, node, holes, cat: str) -> tuple[Origin, ...]:
        out = []
        from dwagent.tools.dataflow.csharp import _dangerous_prefix

        danger = _dangerous_prefix("python", cat)
        for h in holes:
            if danger is not None and not danger.search(self._literal_prefix(node, h)):
                continue  # the category's dangerous part (e.g. a URL's host) is fixed before the hole
            hop = Hop(line(node), f"`{_short(text(self.ctx, h), 40)}` spliced into a string")
            for o in self.origins(h, cat):
                first = not any("spliced" in x.note for x in o.hops)
                o = o.via(hop)
                out.append(replace(o, identifier=False) if first else o)
        return merge(out)

    def _literal_prefix(self, node, hole) -> str:
        """The constant text before `hole` in the string `node` builds (`{}` for other holes)."""
        out = ""
        if node.type == "string":
            for c in node.children:
                if c.type == "interpolation":
                    if c.start_byte <= hole.start_byte < c.end_byte:
                        return out
                    out += "{}"
                elif c.type == "string_content":
                    out += text(self.ctx, c)
        elif node.type == "binary_operator":
            left = node.child_by_field_name("left")
            if left is not None and left.start_byte != hole.start_byte:
                out = re.sub(r"^[rbuf]*['\"]+|['\"]+$", "", text(self.ctx, left)) if left.type == "string" else "{}"
        return out

    def _source(self, s: str) -> str:
        for trust in ("untrusted", "lower", "stored", "config"):
            if any(p.search(s) for p in self.model.source_members.get(trust, ())):
                return trust
        return ""

    def _identifier(self, e, cat: str) -> tuple[Origin, ...]:
        ctx = self.ctx
        name = text(ctx, e)
        if name in self._module_consts:
            return ()
        fn = ancestor(e, ("function_definition",))
        if fn is not None:
            defs = self._defs(fn, name, e)
            if defs:
                return merge(*(self._def_origins(d, name, cat) for d in defs))
            p = _param(ctx, fn, name)
            if p is not None:
                return self._param_origin(fn, p, name)
        trust = self._source(name)
        if trust:
            return (Origin(trust, name, (Hop(line(e), f"`{name}`: {trust} source"),)),)
        module_defs = [
            a for a in nodes(ctx, "assignment") if text(ctx, a.child_by_field_name("left")) == name and ancestor(a, ("function_definition",)) is None
        ]
        if module_defs:
            return merge(
                *(
                    tuple(o.via(Hop(line(a), f"module-level `{name}`")) for o in self.origins(a.child_by_field_name("right"), cat))
                    for a in module_defs
                )
            )
        return ()

    def _defs(self, fn, name: str, use):
        defs = []
        for n in _walk(fn.child_by_field_name("body")):
            if n.start_byte >= use.start_byte:
                continue
            if n.type in ("assignment", "augmented_assignment"):
                left = n.child_by_field_name("left")
                names = (
                    [text(self.ctx, left)]
                    if left.type == "identifier"
                    else [text(self.ctx, c) for c in left.named_children if c.type == "identifier"]
                )
                if name in names:
                    defs.append((n.type, n, n.child_by_field_name("right")))
            elif n.type == "for_statement" and name in text(self.ctx, n.child_by_field_name("left")).replace(",", " ").split():
                defs.append(("for", n, n.child_by_field_name("right")))
            elif n.type == "named_expression" and text(self.ctx, n.child_by_field_name("name")) == name:
                defs.append(("assignment", n, n.child_by_field_name("value")))
            elif n.type == "as_pattern" and n.parent is not None and n.parent.type == "with_item" and len(n.named_children) == 2:
                # `with open(path) as fh:` — the handle carries what opened it
                if n.named_children[1].type == "as_pattern_target" and text(self.ctx, n.named_children[1]) == name:
                    defs.append(("with", n, n.named_children[0]))
            elif n.type == "call" and n.end_byte <= use.start_byte:
                obj, cname = call_name(self.ctx, n)
                builders = self.model.pattern("propagators", "builders")
                if obj == name and builders is not None and builders.match(cname):
                    defs.append(("build", n, n))
        # an unconditional top-level `name = ...` kills what came before it
        for i in range(len(defs) - 1, -1, -1):
            kind, node, _ = defs[i]
            stmt = node.parent
            if (
                kind == "assignment"
                and stmt is not None
                and stmt.parent is not None
                and stmt.parent.start_byte <= use.start_byte < stmt.parent.end_byte
                and stmt.parent.type in ("block", "module")
            ):
                return defs[i:]
        return defs

    def _def_origins(self, d, name: str, cat: str) -> tuple[Origin, ...]:
        kind, node, value = d
        hop = Hop(line(node), f"`{name}` = `{_short(text(self.ctx, value), 50)}`")
        if kind == "build":
            args = node.child_by_field_name("arguments")
            return self._built(node, [a for a in (args.named_children if args is not None else ())], cat)
        found = self.origins(value, cat)
        if kind == "augmented_assignment":
            return tuple(o.via(Hop(line(node), f"`{_short(text(self.ctx, value), 40)}` appended")) for o in found)
        return tuple(o.via(hop) for o in found)

    def _param_origin(self, fn, p, name: str) -> tuple[Origin, ...]:
        ctx = self.ctx
        ann = p.child_by_field_name("type")
        if ann is not None and SAFE_ANNOTATION.match(text(ctx, ann)):
            return ()
        default = p.child_by_field_name("value")
        skip = self.model.pattern("sources", "untrusted", "not_source_defaults")
        if default is not None and skip is not None and skip.search(text(ctx, default)):
            return ()
        fname = text(ctx, fn.child_by_field_name("name"))
        holder = fn.parent if fn.parent is not None and fn.parent.type == "decorated_definition" else None
        routes = self.model.pattern("sources", "untrusted", "route_decorators")
        if (
            holder is not None
            and routes is not None
            and any(d.type == "decorator" and routes.search(decorator_text(ctx, d)) for d in holder.named_children)
        ):
            return (Origin("untrusted", name, (Hop(line(p), f"`{name}` is a parameter of route `{fname}`"),)),)
        params = _param_names(ctx, fn)
        view = self.model.pattern("sources", "untrusted", "view_request_param")
        if params and view is not None and view.match(params[0]) and name != params[0] and "views" in self.ctx.path:
            return (Origin("untrusted", name, (Hop(line(p), f"`{name}`: path parameter of view `{fname}`"),)),)
        handler = self.model.pattern("sources", "untrusted", "handler_functions")
        if handler is not None and handler.match(fname):
            return (Origin("untrusted", name, (Hop(line(p), f"`{name}`: payload of handler `{fname}`"),)),)
        return (Origin("param", name, (Hop(line(p), f"parameter `{name}` of `{fname}`"),), param=name),)

    def _attribute(self, e, cat: str) -> tuple[Origin, ...]:
        ctx = self.ctx
        full = text(ctx, e)
        trust = self._source(full)
        if trust:
            return (Origin(trust, _short(full, 50), (Hop(line(e), f"`{_short(full, 50)}`: {trust} source"),)),)
        obj = e.child_by_field_name("object")
        attr = text(ctx, e.child_by_field_name("attribute"))
        if obj is not None and text(ctx, obj) == "self":
            return self._self_attr(e, attr, cat)
        if re.fullmatch(r"[A-Z][A-Z0-9_]+", attr):
            return ()
        return tuple(o.via(Hop(line(e), f"`{_short(full, 50)}`")) for o in self.origins(obj, cat))

    def _subscript(self, e, cat: str) -> tuple[Origin, ...]:
        full = text(self.ctx, e)
        value = e.child_by_field_name("value")
        trust = self._source(full) or self._source(text(self.ctx, value))
        if trust:
            return (Origin(trust, _short(full, 50), (Hop(line(e), f"`{_short(full, 50)}`: {trust} source"),)),)
        if value is not None and value.type == "identifier" and text(self.ctx, value) in self._module_consts:
            return ()  # a lookup in a module-level constant table: input selects, never supplies
        return tuple(o.via(Hop(line(e), f"`{_short(full, 50)}`")) for o in self.origins(value, cat))

    def _self_attr(self, e, attr: str, cat: str) -> tuple[Origin, ...]:
        cls = ancestor(e, ("class_definition",))
        if cls is None:
            return ()
        out = []
        for a in _walk(cls):
            if a.type == "assignment" and text(self.ctx, a.child_by_field_name("left")) == f"self.{attr}":
                for o in self.origins(a.child_by_field_name("right"), cat):
                    if o.trust == "param":
                        o = Origin("member", o.label, o.hops, "", o.identifier)
                    out.append(o.via(Hop(line(a), f"stored in `self.{attr}`")))
        return merge(out)

    def _call(self, e, cat: str) -> tuple[Origin, ...]:
        ctx = self.ctx
        obj, name = call_name(ctx, e)
        if self.model.sanitiser(cat, obj, name):
            return ()
        label = _short(text(ctx, e), 50)
        for trust in ("untrusted", "lower", "stored", "config"):
            if any(p.matches(obj, name, "") for p in self.model.source_calls.get(trust, ())):
                return (Origin(trust, label, (Hop(line(e), f"`{label}`: {trust} source"),)),)
        argn = e.child_by_field_name("arguments")
        args = [
            a.child_by_field_name("value") if a.type == "keyword_argument" else a
            for a in (argn.named_children if argn is not None else ())
            if a.type != "comment"
        ]
        fn = e.child_by_field_name("function")
        if name == "format" and fn is not None and fn.type == "attribute":
            return self._built(e, [fn.child_by_field_name("object"), *args], cat)
        if name == "join" and fn is not None and fn.type == "attribute":
            return self._built(e, args, cat)
        if any(p.matches(obj, name) for p in self.model.arg_propagators):
            return merge(*(tuple(o.via(Hop(line(e), f"through `{name}`")) for o in self.origins(a, cat)) for a in args))
        target = self._functions.get(name, []) if obj in ("", "self") else []
        if len(target) == 1:
            return self._summary(e, target[0], args, cat)
        prop = self.model.pattern("propagators", "receiver")
        if obj and prop is not None and prop.match(name) and fn is not None and fn.type == "attribute":
            hop = Hop(line(e), f"through `.{name}()`")
            # `table.get(key, default)`: the default is returned as it is, whatever the table holds
            extra = args[1:2] if name in ("get", "pop", "setdefault") else []
            return merge(
                tuple(o.via(hop) for o in self.origins(fn.child_by_field_name("object"), cat)),
                *(tuple(o.via(hop) for o in self.origins(a, cat)) for a in extra),
            )
        return (Origin("unknown", label, (Hop(line(e), f"result of `{label}`"),)),)

    def _summary(self, call, fn, args, cat: str) -> tuple[Origin, ...]:
        if len(self._stack) >= SUMMARY_DEPTH or fn.start_byte in self._stack:
            return ()
        self._stack.append(fn.start_byte)
        try:
            returned = merge(
                *(
                    self.origins(r.named_children[0], cat)
                    for r in _walk(fn.child_by_field_name("body"))
                    if r.type == "return_statement" and r.named_children
                )
            )
        finally:
            self._stack.pop()
        params = [p for p in _param_names(self.ctx, fn) if p not in ("self", "cls")]
        hop = Hop(line(call), f"call to `{text(self.ctx, fn.child_by_field_name('name'))}`")
        out = []
        for o in returned:
            if o.trust == "param" and o.param in params and params.index(o.param) < len(args):
                for a in self.origins(args[params.index(o.param)], cat):
                    merged = a.via(hop)
                    for h in o.hops[1:]:
                        merged = merged.via(h)
                    out.append(merged)
            else:
                out.append(o.via(hop))
        return merge(out)


def _formatted(ctx, hole) -> bool:
    parent = hole.parent
    return parent is not None and bool(re.search(r":[^}]*[dfxeg%]\}?$", text(ctx, parent).rstrip("}")))


def _walk(node):
    stack = [node] if node is not None else []
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(n.named_children))


def _param_names(ctx, fn) -> list[str]:
    out = []
    for p in fn.child_by_field_name("parameters").named_children:
        n = p if p.type == "identifier" else (p.child_by_field_name("name") or (p.named_children[0] if p.named_children else None))
        if n is not None and n.type == "identifier":
            out.append(text(ctx, n))
    return out


def _param(ctx, fn, name: str):
    for p in fn.child_by_field_name("parameters").named_children:
        n = p if p.type == "identifier" else (p.child_by_field_name("name") or (p.named_children[0] if p.named_children else None))
        if n is not None and text(ctx, n) == name:
            return p
    return None
