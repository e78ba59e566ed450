"""Intra-procedural def-use for C#, with bounded in-file summaries: where a value comes from.

`CSharpFlows(ctx).origins(expr, category)` answers "which sources can reach this expression, by
which path, and was it spliced into a string on the way?". It follows, on the tree-sitter tree:
locals (declarations, assignments, `+=`, `out var`, `foreach`, builder calls such as
`sb.Append(x)` or `list.Add(x)`), string building (interpolation, `+`, `string.Format/Concat/
Join`, `StringBuilder`), ternaries, switch expressions, `??`, fields and properties of the same
type (their initialisers and every assignment in the type), parameters (classified by the source
model: request-bound, hub, gRPC, minimal API, message handler; otherwise a `param` origin that a
caller can substitute) and calls to methods of the same file (a summary of what their return
value carries, parameters substituted by the call's arguments, depth-bounded).

Definitions are unioned, except that an unconditional assignment in a block enclosing the use
kills the definitions before it (`name = Path.GetFileName(name);`). Guards are checked by
`guarded()` (see `guards.py`). Everything is deterministic; memoised per (node, category).
"""
from __future__ import annotations

import re
from dataclasses import replace
from functools import cached_property

from dwagent.tools.dataflow.flow import Hop, Origin, merge
from dwagent.tools.dataflow.model import load_model
from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.csharp.taint import NUMERIC_TYPE, _constant_choice, _constant_map
from dwagent.tools.rules.syntax import (
    ancestor,
    arguments,
    attributes,
    callee,
    const_names,
    interpolations,
    line,
    member_body,
    modifiers,
    name_of,
    nodes,
    text,
    unwrap,
)

MAX_DEPTH = 14
SUMMARY_DEPTH = 3
LITERALS = frozenset({"string_literal", "verbatim_string_literal", "raw_string_literal", "integer_literal",
                      "real_literal", "boolean_literal", "null_literal", "character_literal", "default_expression",
                      "typeof_expression", "sizeof_expression", "lambda_expression", "anonymous_method_expression"})
FUNCTIONS = ("method_declaration", "constructor_declaration", "local_function_statement", "operator_declaration",
             "property_declaration", "accessor_declaration", "indexer_declaration")
BUILDING = "built"


def _short(s: str, n: int = 60) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


class CSharpFlows:
    """Data-flow questions about one C# file."""

    def __init__(self, ctx: FileContext):
        self.ctx = ctx
        self.model = load_model("csharp")
        self._memo: dict[tuple, tuple[Origin, ...]] = {}
        self._active: set[tuple] = set()
        self._summary_stack: list[int] = []
        self._fields: dict[tuple, list] = {}

    @cached_property
    def consts(self) -> frozenset[str]:
        return const_names(self.ctx)

    @cached_property
    def _methods(self) -> dict[str, list]:
        out: dict[str, list] = {}
        for m in nodes(self.ctx, "method_declaration"):
            out.setdefault(name_of(self.ctx, m), []).append(m)
        return out

    @cached_property
    def _enums(self) -> frozenset[str]:
        return frozenset(re.findall(r"\benum\s+(\w+)", self.ctx.text))

    # ---- public ---------------------------------------------------------------------------------
    def origins(self, expr, category: str = "all") -> tuple[Origin, ...]:
        """Origins that may reach `expr` for a sink of `category` (sanitisers of it applied)."""
        if expr is None:
            return ()
        expr = unwrap(expr)
        key = (expr.start_byte, expr.end_byte, expr.type, category)
        if key in self._memo:
            return self._memo[key]
        if key in self._active or len(self._active) > MAX_DEPTH:
            return ()
        self._active.add(key)
        try:
            found = merge(self._eval(expr, category))
        finally:
            self._active.discard(key)
        self._memo[key] = found
        return found

    def hop(self, node, note: str) -> Hop:
        """A hop at `node`'s statement, noting what happens there."""
        return Hop(line(node), note)

    # ---- expressions ----------------------------------------------------------------------------
    def _eval(self, e, cat: str) -> tuple[Origin, ...]:
        t = e.type
        ctx = self.ctx
        if t in LITERALS:
            return ()
        if t == "interpolated_string_expression":
            return self._built(e, [(h, self._ident_context(h)) for h in interpolations(e)
                                   if not _formatted(h)], cat)
        if t == "binary_expression":
            op = text(ctx, e.child_by_field_name("operator"))
            left, right = e.child_by_field_name("left"), e.child_by_field_name("right")
            if op == "+":
                parts = _concat_parts(e)
                return self._built(e, [(p, self._concat_ident(parts, i)) for i, p in enumerate(parts)], cat)
            if op == "??":
                return merge(self.origins(left, cat), self.origins(right, cat))
            return ()  # comparisons, logic and arithmetic give booleans and numbers
        if t == "conditional_expression":
            return merge(self.origins(e.child_by_field_name("consequence"), cat),
                         self.origins(e.child_by_field_name("alternative"), cat))
        if t == "switch_expression":
            arms = [a for a in e.named_children if a.type == "switch_expression_arm"]
            return merge(*(self.origins(a.named_children[-1], cat) for a in arms if a.named_children))
        if t in ("await_expression", "postfix_unary_expression", "checked_expression", "ref_expression"):
            return self.origins(e.named_children[-1] if e.named_children else None, cat)
        if t == "cast_expression":
            typ = text(ctx, e.child_by_field_name("type"))
            return () if NUMERIC_TYPE.match(typ) else self.origins(e.child_by_field_name("value"), cat)
        if t in ("array_creation_expression", "implicit_array_creation_expression", "initializer_expression",
                 "collection_expression"):
            return merge(*(self.origins(c, cat) for c in e.named_children if c.type not in ("array_type",)))
        if t == "identifier":
            return self._identifier(e, cat)
        if t == "member_access_expression":
            return self._member(e, cat)
        if t == "element_access_expression":
            return self._element(e, cat)
        if t == "invocation_expression":
            return self._call(e, cat)
        if t in ("object_creation_expression", "implicit_object_creation_expression"):
            typ = text(ctx, e.child_by_field_name("type")).split(".")[-1].split("<")[0]
            ctor = self.model.pattern("propagators", "constructors")
            if ctor is not None and ctor.fullmatch(typ):
                return self._built(e, [(a, False) for a in arguments(e)], cat) if typ == "StringBuilder" else \
                    merge(*(self.origins(a, cat) for a in arguments(e)))
            return ()
        if t in ("tuple_expression",):
            return merge(*(self.origins(c.named_children[-1] if c.type == "argument" and c.named_children else c, cat)
                           for c in e.named_children))
        if t in ("this_expression", "base_expression", "is_pattern_expression", "is_expression", "prefix_unary_expression",
                 "typeof_expression", "default_expression", "sizeof_expression"):
            return ()
        label = _short(text(ctx, e), 50)
        return (Origin("unknown", label, (self.hop(e, f"`{label}` (not followed)"),)),)

    def _format_text(self, e) -> str | None:
        """The text of a composite format string given as a literal or a `const` of this file."""
        e = unwrap(e)
        if e.type in ("string_literal", "verbatim_string_literal"):
            return _literal_tail(self.ctx, e)
        value = self._const_value(e)
        return None if value == "{}" else value

    def _built(self, node, holes, cat: str, prefixes: dict | None = None) -> tuple[Origin, ...]:
        """Origins of a string built from `holes` ((expr, identifier position) pairs): each gains a
        'spliced here' hop and the built mark."""
        out = []
        danger = _dangerous_prefix("csharp", cat)
        for h, ident in holes:
            prefix = prefixes.get(h.start_byte, "{}") if prefixes is not None else self._literal_prefix(node, h)
            if danger is not None and not danger.search(prefix):
                continue  # the category's dangerous part (e.g. a URL's host) is fixed before the hole
            verb = "starts a string" if prefix == "" and node.type == "interpolated_string_expression" else \
                "spliced into a string"
            hop = self.hop(node, f"`{_short(text(self.ctx, h), 40)}` {verb}")
            out.extend(_splice(o, hop, ident) for o in self.origins(h, cat))
        return merge(out)

    def _literal_prefix(self, node, hole) -> str:
        """The constant text before `hole` in the string `node` builds (`{}` for other holes)."""
        out = ""
        if node.type == "interpolated_string_expression":
            for c in node.named_children:
                if c.type == "interpolation":
                    if c.start_byte <= hole.start_byte < c.end_byte:
                        return out
                    exprs = [x for x in c.named_children if not x.type.startswith("interpolation_")]
                    out += self._const_value(exprs[0]) if exprs else "{}"
                elif c.type == "string_content":
                    out += text(self.ctx, c)
        elif node.type == "binary_expression":
            for p in _concat_parts(node):
                if p.start_byte == hole.start_byte and p.end_byte == hole.end_byte:
                    return out
                out += _literal_tail(self.ctx, p) if p.type in ("string_literal", "verbatim_string_literal") else \
                    self._const_value(p)
        return out

    def _const_value(self, e) -> str:
        """The literal value of a `const` string named by `e` in this file, else `{}`."""
        name = text(self.ctx, e).split(".")[-1]
        if name in self.consts:
            for d in nodes(self.ctx, "variable_declarator"):
                if name_of(self.ctx, d) == name and len(d.named_children) > 1 and \
                        d.named_children[-1].type in ("string_literal", "verbatim_string_literal"):
                    return _literal_tail(self.ctx, d.named_children[-1])
        return "{}"

    def _ident_context(self, hole) -> bool:
        """An interpolation hole sitting where SQL takes an identifier (`[{schema}].`, `FROM {t}`)."""
        parent = hole.parent  # interpolation
        if parent is None or parent.parent is None:
            return False
        siblings = parent.parent.named_children
        i = next((k for k, s in enumerate(siblings) if s.start_byte == parent.start_byte), -1)
        before = "".join(text(self.ctx, s) if s.type == "string_content" else "0" for s in siblings[:max(i, 0)])
        after = text(self.ctx, siblings[i + 1]) if 0 <= i < len(siblings) - 1 and siblings[i + 1].type == "string_content" else ""
        return self._is_ident(before, after)

    def _concat_ident(self, parts, i: int) -> bool:
        before = "".join(_literal_tail(self.ctx, p) if p.type in ("string_literal", "verbatim_string_literal") else "0"
                         for p in parts[:i])
        after = _literal_head(self.ctx, parts[i + 1]) if i + 1 < len(parts) else ""
        return self._is_ident(before, after)

    def _is_ident(self, before: str, after: str) -> bool:
        """SQL text before/after a hole says it is an identifier: a keyword that takes a name
        (`FROM`, `TABLE ... IF NOT EXISTS`, `INDEX ... ON`), a bracket or dot, or a name fragment
        (`idx_{t}_created`). Inside an open '...' literal it is always a value."""
        if before.count("'") % 2 == 1:
            return False
        b, a = self.model.pattern("sql_identifier_before"), self.model.pattern("sql_identifier_after")
        return bool((b and b.search(before)) or (a and a.search(after)) or re.search(r"\w$", before)
                    or re.match(r"\w", after))

    # ---- names ----------------------------------------------------------------------------------
    def _identifier(self, e, cat: str) -> tuple[Origin, ...]:
        ctx = self.ctx
        name = text(ctx, e)
        if name in self.consts:
            return ()
        fn = ancestor(e, FUNCTIONS)
        lam = self._lambda_param(e, name)
        if lam is not None:
            return self._lambda_origin(lam, name)
        if fn is not None:
            p = self._parameter(fn, name)
            defs = self._local_defs(fn, name, e, p)
            if defs is not None:
                return merge(*(self._param_origin(fn, p, name) if d[0] == "param" else self._def_origins(d, name, cat)
                               for d in defs))
        return self._field(e, name, cat)

    def _parameter(self, fn, name: str):
        params = fn.child_by_field_name("parameters")
        for p in params.named_children if params is not None else ():
            if p.type == "parameter" and text(self.ctx, p.child_by_field_name("name")) == name:
                return p
        if fn.type == "accessor_declaration" and name == "value":
            return fn
        return None

    def _param_origin(self, fn, p, name: str) -> tuple[Origin, ...]:
        ctx = self.ctx
        if p.type != "parameter":
            return (Origin("member", name, (Hop(line(p), "property setter value"),)),)
        typ = text(ctx, p.child_by_field_name("type"))
        bare = re.sub(r"\[\]|\?|^(IEnumerable|IReadOnlyList|IList|List|ICollection|ReadOnlySpan|Span)<(.*)>$", r"\2", typ).strip()
        if NUMERIC_TYPE.match(typ) or NUMERIC_TYPE.match(bare or "-") or typ.rstrip("?") in self._enums:
            return ()
        src = self.model.setting("sources", "untrusted", default={})
        attrs = attributes(ctx, p)
        hop = Hop(line(p), f"parameter `{name}` of `{name_of(ctx, fn)}`")
        if attrs & set(src.get("not_source_attributes", ())):
            return ()
        if attrs & set(src.get("param_attributes", ())):
            return (Origin("untrusted", name, (Hop(line(p), f"`{name}` is bound from the request"),)),)
        ptypes = self.model.pattern("sources", "untrusted", "param_types")
        if ptypes is not None and ptypes.search(typ):
            return (Origin("untrusted", name, (Hop(line(p), f"`{name}` ({typ}) carries request data"),)),)
        cfg = self.model.pattern("sources", "config", "types")
        if cfg is not None and cfg.match(typ):
            return (Origin("config", name, (hop,)),)
        why = self._entry_reason(fn)
        if why:
            return (Origin("untrusted", name, (Hop(line(p), f"`{name}` is a parameter of {why}"),)),)
        if fn.type == "method_declaration" and name_of(ctx, fn) == "Main" and self.model.setting("sources", "lower", "main_args"):
            return (Origin("lower", name, (Hop(line(p), f"`{name}`: command-line arguments"),)),)
        return (Origin("param", name, (hop,), param=name),)

    def _entry_reason(self, fn) -> str:
        """Why a method's parameters come from outside ('' when they do not, as far as we see)."""
        ctx = self.ctx
        if fn.type != "method_declaration":
            return ""
        src = self.model.setting("sources", "untrusted", default={})
        mods = modifiers(ctx, fn)
        name = name_of(ctx, fn)
        handler = self.model.pattern("sources", "untrusted", "handler_methods")
        if handler is not None and handler.match(name):
            return f"message handler `{name}`"
        params = fn.child_by_field_name("parameters")
        last = params.named_children[-1] if params is not None and params.named_children else None
        if last is not None and text(ctx, last.child_by_field_name("type")).split(".")[-1] == src.get("grpc_context_type"):
            return f"gRPC service method `{name}`"
        if "public" not in mods or "static" in mods or attributes(ctx, fn) & set(src.get("entry_method_exclude_attributes", ())):
            return ""
        typ = ancestor(fn, ("class_declaration", "record_declaration"))
        if typ is None:
            return ""
        tname = name_of(ctx, typ)
        bases = [re.sub(r"\s+", "", text(ctx, b)).split(".")[-1] for b in
                 (typ.named_children if typ is not None else ()) if b.type == "base_list" for b in b.named_children]
        entry_bases = self.model.pattern("sources", "untrusted", "entry_bases")
        entry_names = self.model.pattern("sources", "untrusted", "entry_type_names")
        if any(entry_bases is not None and entry_bases.match(b) for b in bases) or \
                attributes(ctx, typ) & set(src.get("entry_type_attributes", ())) or \
                (entry_names is not None and entry_names.search(tname) and bases):
            return f"`{tname}.{name}`, an action/hub method bound from requests"
        return ""

    def _lambda_param(self, e, name: str):
        cur = e.parent
        while cur is not None and cur.type not in FUNCTIONS:
            if cur.type == "lambda_expression":
                params = cur.child_by_field_name("parameters")
                names = [text(self.ctx, p.child_by_field_name("name") or p) for p in
                         (params.named_children if params is not None and params.type == "parameter_list" else
                          [params] if params is not None else [])]
                if name in names:
                    return cur
            cur = cur.parent
        return None

    def _lambda_origin(self, lam, name: str) -> tuple[Origin, ...]:
        params = lam.child_by_field_name("parameters")
        for p in params.named_children if params is not None and params.type == "parameter_list" else ():
            typ = text(self.ctx, p.child_by_field_name("type"))
            if text(self.ctx, p.child_by_field_name("name")) == name and typ and \
                    (NUMERIC_TYPE.match(typ) or typ.rstrip("?") in self._enums):
                return ()
        call = ancestor(lam, ("invocation_expression",))
        if call is not None:
            recv, cname = callee(self.ctx, call)
            api = self.model.pattern("sources", "untrusted", "minimal_api_calls")
            subs = self.model.pattern("sources", "untrusted", "subscription_calls")
            subr = self.model.pattern("sources", "untrusted", "subscription_receiver")
            if api is not None and api.fullmatch(cname) and arguments(call) and \
                    unwrap(arguments(call)[0]).type in ("string_literal", "interpolated_string_expression"):
                return (Origin("untrusted", name, (Hop(line(lam), f"`{name}` is bound by route `{cname}`"),)),)
            if subs is not None and subs.match(cname) and subr is not None and subr.search(recv.split(".")[-1] or "-"):
                return (Origin("untrusted", name, (Hop(line(lam), f"`{name}` is a message payload ({cname})"),)),)
        return (Origin("unknown", name, (Hop(line(lam), f"lambda parameter `{name}`"),)),)

    # ---- local definitions ----------------------------------------------------------------------
    def _local_defs(self, fn, name: str, use, param=None):
        """Definitions of local (or parameter) `name` reaching `use`, or None when it is neither."""
        defs, declared = ([("param", param, None)] if param is not None else []), param is not None
        body = member_body(fn) or fn
        stack = [body]
        while stack:
            n = stack.pop()
            if n.start_byte >= use.start_byte and not _contains(n, use):
                continue
            t = n.type
            if t == "variable_declarator" and name_of(self.ctx, n) == name:
                declared = True
                if len(n.named_children) > 1:
                    defs.append(("init", n, n.named_children[-1]))
            elif t == "variable_declarator" and n.named_children and n.named_children[0].type == "tuple_pattern" \
                    and name in [text(self.ctx, c) for c in n.named_children[0].named_children]:
                # `var (a, b) = F();` — element-wise when the right side is a tuple literal
                declared = True
                names = [text(self.ctx, c) for c in n.named_children[0].named_children]
                value = n.named_children[-1]
                elems = [c.named_children[-1] for c in value.named_children if c.type == "argument"] \
                    if value.type == "tuple_expression" else []
                defs.append(("init", n, elems[names.index(name)] if len(elems) == len(names) else value))
            elif t == "declaration_expression" and text(self.ctx, n.child_by_field_name("name")) == name:
                declared = True
                defs.append(("out", n, n))
            elif t == "foreach_statement" and text(self.ctx, n.child_by_field_name("left")) == name:
                declared = True
                defs.append(("foreach", n, n.child_by_field_name("right")))
            elif t in ("catch_declaration", "declaration_pattern", "recursive_pattern") and name in text(self.ctx, n).split():
                declared = True
            elif t == "assignment_expression" and n.end_byte <= use.start_byte and \
                    text(self.ctx, n.child_by_field_name("left")) == name:
                defs.append(("assign", n, n.child_by_field_name("right")))
            elif t == "invocation_expression" and n.end_byte <= use.start_byte:
                recv, cname = callee(self.ctx, n)
                builders = self.model.pattern("propagators", "builders")
                if recv == name and builders is not None and builders.match(cname):
                    defs.append(("build", n, n))
                elif self._fills_buffer(n, name):
                    defs.append(("fill", n, n))
            stack.extend(n.named_children)
        if not declared:
            return None
        defs.sort(key=lambda d: d[1].start_byte)
        return self._kill(defs, use)

    def _kill(self, defs, use):
        """Drop definitions dominated by a later unconditional `=` in a block enclosing the use."""
        for i in range(len(defs) - 1, -1, -1):
            kind, node, _ = defs[i]
            if kind not in ("init", "assign"):
                continue
            if kind == "assign" and text(self.ctx, node.child_by_field_name("operator")) != "=":
                continue
            stmt = ancestor(node, ("expression_statement", "local_declaration_statement"))
            if stmt is not None and stmt.parent is not None and stmt.parent.type == "block" and _contains(stmt.parent, use) \
                    and ancestor(node, ("lambda_expression",)) is ancestor(use, ("lambda_expression",)):
                return defs[i:]
        return defs

    def _fills_buffer(self, call, name: str) -> bool:
        fill = self.model.setting("sources", "untrusted", "buffer_fills", default=None)
        if not fill:
            return False
        recv, cname = callee(self.ctx, call)
        if not re.fullmatch(fill["name"], cname) or not re.search(fill["receiver"], recv.split(".")[-1] or "-"):
            return False
        return any(text(self.ctx, unwrap(a)).split("[")[0].split(".")[0] == name or
                   re.match(rf"(new\s+\w+<\w+>\s*\(\s*)?{re.escape(name)}\b", text(self.ctx, unwrap(a)))
                   for a in arguments(call))

    def _def_origins(self, d, name: str, cat: str) -> tuple[Origin, ...]:
        kind, node, value = d
        ctx = self.ctx
        hop = self.hop(node, f"`{name}` = `{_short(text(ctx, value), 50)}`" if kind in ("init", "assign") else
                       f"`{_short(text(ctx, node), 60)}`")
        if kind == "fill":
            recv = callee(ctx, node)[0]
            return (Origin("untrusted", f"{recv} bytes", (Hop(line(node), f"`{name}` filled from `{recv}`"),)),)
        if kind == "out":
            call = ancestor(node, ("invocation_expression",))
            if call is None:
                return ()
            recv, cname = callee(ctx, call)
            if self.model.sanitiser(cat, recv, cname):
                return ()
            if cname == "TryGetValue":
                if _constant_map(ctx, recv):
                    return ()
                return (Origin("unknown", f"{recv}[…]", (hop,)),)
            return tuple(o.via(hop) for o in self.origins(call, cat))
        if kind == "foreach":
            return tuple(o.via(hop) for o in self.origins(value, cat))
        if kind == "build":
            args = arguments(node)
            spliced = self._built(node, [(a, False) for a in args[-1:] if a is not None], cat)
            return spliced
        if kind == "init" and value.type == "conditional_expression" and _constant_choice(ctx, unwrap(value), self.consts):
            return ()
        found = self.origins(value, cat)
        if kind == "assign" and text(ctx, node.child_by_field_name("operator")) == "+=":
            found = tuple(_splice(o, self.hop(node, f"`{_short(text(ctx, value), 40)}` appended"), False) for o in found)
        return tuple(o.via(hop) for o in found)

    # ---- members, elements, calls ---------------------------------------------------------------
    def _source(self, s: str) -> str:
        for trust in ("untrusted", "lower", "stored", "config"):
            if any(p.search(s) for p in self.model.source_members.get(trust, ())):
                return trust
        return ""

    def _member(self, e, cat: str) -> tuple[Origin, ...]:
        ctx = self.ctx
        full = text(ctx, e)
        last = text(ctx, e.child_by_field_name("name"))
        trust = self._source(full)
        if trust:
            return (Origin(trust, _short(full, 50), (self.hop(e, f"`{_short(full, 50)}`: {trust} source"),)),)
        if last in ("Length", "Count", "LongLength") or last in self.consts or re.fullmatch(r"[A-Z][A-Z0-9_]+", last):
            return ()
        recv = e.child_by_field_name("expression")
        if recv is not None and recv.type == "this_expression":
            return self._field(e, last, cat)
        if recv is not None and recv.type in ("identifier", "predefined_type") and text(ctx, recv)[:1].isupper() \
                and self._local_or_param_type(e, text(ctx, recv)) is None:
            return (Origin("member", _short(full, 50), (self.hop(e, f"static member `{_short(full, 50)}`"),)),)
        return tuple(o.via(self.hop(e, f"`{_short(full, 50)}`")) for o in self.origins(recv, cat))

    def _local_or_param_type(self, e, name: str):
        fn = ancestor(e, FUNCTIONS)
        if fn is None:
            return None
        if self._parameter(fn, name) is not None or self._local_defs(fn, name, e) is not None:
            return name
        return None

    def _element(self, e, cat: str) -> tuple[Origin, ...]:
        ctx = self.ctx
        recv = e.child_by_field_name("expression") or e.named_children[0]
        rtext = text(ctx, recv)
        trust = self._source(rtext) or self._source(text(ctx, e))
        stored = self.model.pattern("sources", "stored", "element_receivers")
        if not trust and stored is not None and stored.search(rtext.split(".")[-1]):
            trust = "stored"
        if trust:
            return (Origin(trust, _short(text(ctx, e), 50), (self.hop(e, f"`{_short(text(ctx, e), 50)}`: {trust} source"),)),)
        if _constant_map(ctx, rtext):
            return ()
        return tuple(o.via(self.hop(e, f"`{_short(text(ctx, e), 50)}`")) for o in self.origins(recv, cat))

    def _call(self, e, cat: str) -> tuple[Origin, ...]:
        ctx = self.ctx
        recv, name = callee(ctx, e)
        if self.model.sanitiser(cat, recv, name):
            return ()
        for trust in ("untrusted", "lower", "stored", "config"):
            if any(p.matches(recv, name, ctx.text) for p in self.model.source_calls.get(trust, ())):
                label = _short(text(ctx, e), 50)
                return (Origin(trust, label, (self.hop(e, f"`{label}`: {trust} source"),)),)
        args = arguments(e)
        if any(p.matches(recv, name) for p in self.model.arg_propagators):
            if recv in ("string", "String") and name in ("Format", "Concat", "Join"):
                holes = args[1:] if name != "Concat" else args
                fmt = self._format_text(args[0]) if name == "Format" and args else None
                prefixes = {h.start_byte: re.sub(r"\{\d+[^}]*\}", "{}", fmt.split("{%d" % i)[0]) if fmt and "{%d" % i in fmt
                            else "{}" for i, h in enumerate(holes)}
                return self._built(e, [(a, False) for a in holes], cat, prefixes)
            return merge(*(tuple(o.via(self.hop(e, f"through `{recv}.{name}`")) for o in self.origins(a, cat)) for a in args))
        fn = e.child_by_field_name("function")
        target = self._resolve(e, recv, name, len(args))
        if target is not None:
            return self._through_summary(e, target, args, cat)
        prop = self.model.pattern("propagators", "receiver")
        if recv and prop is not None and prop.match(name) and fn is not None and fn.type == "member_access_expression":
            return tuple(o.via(self.hop(e, f"through `.{name}()`")) for o in self.origins(fn.child_by_field_name("expression"), cat))
        label = _short(text(ctx, e), 50)
        return (Origin("unknown", label, (self.hop(e, f"result of `{label}`"),)),)

    def _resolve(self, call, recv: str, name: str, n_args: int):
        if recv not in ("", "this"):
            return None
        found = [m for m in self._methods.get(name, ()) if _arity(m) == n_args]
        return found[0] if len(found) == 1 else None

    def _through_summary(self, call, method, args, cat: str) -> tuple[Origin, ...]:
        """What `method` returns, with its parameters replaced by the call's arguments."""
        if len(self._summary_stack) >= SUMMARY_DEPTH or method.start_byte in self._summary_stack:
            return (Origin("unknown", name_of(self.ctx, method), (self.hop(call, "call too deep to follow"),)),)
        self._summary_stack.append(method.start_byte)
        try:
            returned = merge(*(self.origins(r, cat) for r in _returned(method)))
        finally:
            self._summary_stack.pop()
        params = _param_names(self.ctx, method)
        call_hop = self.hop(call, f"call to `{name_of(self.ctx, method)}`")
        out = []
        for o in returned:
            if o.trust == "param" and o.param in params and params.index(o.param) < len(args) and \
                    o.hops and o.hops[0].line == _param_line(method, o.param, self.ctx):
                for a in self.origins(args[params.index(o.param)], cat):
                    merged = a.via(call_hop)
                    for h in o.hops[1:]:
                        merged = merged.via(h)
                    out.append(replace(merged, identifier=o.identifier) if _is_built(o) and not _is_built(a) else merged)
            else:
                out.append(o.via(call_hop))
        return merge(out)

    # ---- fields and properties of this type -----------------------------------------------------
    def _type_nodes(self, typ) -> list:
        """The declarations and assignments of a type (walked once per type)."""
        key = (typ.start_byte, typ.end_byte)
        if key not in self._fields:
            keep = ("variable_declarator", "property_declaration", "assignment_expression")
            self._fields[key] = [n for n in _walk(typ) if n.type in keep]
        return self._fields[key]

    def _field(self, e, name: str, cat: str) -> tuple[Origin, ...]:
        ctx = self.ctx
        typ = ancestor(e, ("class_declaration", "struct_declaration", "record_declaration"))
        if typ is None:
            return (Origin("unknown", name, (self.hop(e, f"`{name}`"),)),)
        decl, found = None, []
        for n in self._type_nodes(typ):
            if n.type == "variable_declarator" and name_of(ctx, n) == name and ancestor(n, ("field_declaration",)) is not None:
                decl = n
                if "const" in modifiers(ctx, ancestor(n, ("field_declaration",))):
                    return ()
                if len(n.named_children) > 1:
                    found.append(n.named_children[-1])
            elif n.type == "property_declaration" and name_of(ctx, n) == name:
                decl = n
                init = n.child_by_field_name("value")
                body = [c for c in n.named_children if c.type == "arrow_expression_clause"]
                found.extend(c for c in [init, *(b.named_children[0] for b in body if b.named_children)] if c is not None)
            elif n.type == "assignment_expression" and text(ctx, n.child_by_field_name("left")) in (name, f"this.{name}"):
                found.append(n.child_by_field_name("right"))
        if decl is None:
            return (Origin("member", name, (self.hop(e, f"`{name}`: a member not declared in this file"),)),)
        cfg = self.model.pattern("sources", "config", "types")
        dtype = text(ctx, (ancestor(decl, ("field_declaration",)) or decl).child_by_field_name("type")
                     or _decl_type(decl))
        if cfg is not None and cfg.match(dtype.strip()):
            return (Origin("config", name, (self.hop(decl, f"`{name}` ({dtype}) holds configuration"),)),)
        out = []
        for v in found:
            for o in self.origins(v, cat):
                if o.trust == "param":
                    o = Origin("member", o.label, o.hops, "", o.identifier)
                out.append(o.via(self.hop(v, f"stored in `{name}`")))
        return merge(out)


# ---- helpers -------------------------------------------------------------------------------------
def _splice(o: Origin, hop: Hop, identifier: bool) -> Origin:
    """`o` spliced into a string at `hop`; the innermost splice decides identifier vs value."""
    first = not _is_built(o)
    o = o.via(hop)
    return replace(o, identifier=identifier) if first else o


def _is_built(o: Origin) -> bool:
    return any(h.note.endswith(("spliced into a string", "starts a string", "appended")) for h in o.hops)


def _dangerous_prefix(language: str, category: str):
    """The sink category's pattern for a literal prefix after which a hole still matters (SSRF:
    the start of the URL or its authority), or None when every hole matters."""
    from dwagent.tools.dataflow.model import sinks

    spec = sinks(language).get(category) if category != "all" else None
    pattern = spec.get("dangerous_prefix") if isinstance(spec, dict) else None
    return re.compile(pattern) if pattern else None


def _formatted(hole) -> bool:
    return hole.parent is not None and any(c.type == "interpolation_format_clause" for c in hole.parent.named_children)


def _concat_parts(e) -> list:
    parts, stack = [], [e]
    while stack:
        n = unwrap(stack.pop())
        if n.type == "binary_expression" and n.child_by_field_name("operator") is not None and \
                n.child_by_field_name("operator").type == "+":
            stack.extend([n.child_by_field_name("right"), n.child_by_field_name("left")])
        else:
            parts.append(n)
    return parts


def _literal_tail(ctx, n) -> str:
    raw = text(ctx, n)
    return raw.lstrip("@").strip('"') if n.type in ("string_literal", "verbatim_string_literal") else ""


def _literal_head(ctx, n) -> str:
    return text(ctx, n).lstrip("@").lstrip('"')[:5] if n.type in ("string_literal", "verbatim_string_literal") else ""


def _contains(outer, inner) -> bool:
    return outer.start_byte <= inner.start_byte and inner.end_byte <= outer.end_byte


def _walk(node):
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(n.named_children))


def _arity(m) -> int:
    params = m.child_by_field_name("parameters")
    return sum(1 for p in (params.named_children if params is not None else ()) if p.type == "parameter")


def _param_names(ctx, m) -> list[str]:
    params = m.child_by_field_name("parameters")
    return [text(ctx, p.child_by_field_name("name")) for p in (params.named_children if params is not None else ())
            if p.type == "parameter"]


def _param_line(m, name: str, ctx) -> int:
    params = m.child_by_field_name("parameters")
    for p in params.named_children if params is not None else ():
        if p.type == "parameter" and text(ctx, p.child_by_field_name("name")) == name:
            return line(p)
    return -1


def _decl_type(decl):
    return decl.child_by_field_name("type")


def _returned(method) -> list:
    body = member_body(method)
    if body is None:
        return []
    if body.type == "arrow_expression_clause":
        return [c for c in body.named_children if c.type != "comment"]
    out, stack = [], [body]
    while stack:
        n = stack.pop()
        if n.type in ("lambda_expression", "local_function_statement", "anonymous_method_expression"):
            continue
        if n.type == "return_statement":
            out.extend(c for c in n.named_children if c.type != "comment")
        stack.extend(n.named_children)
    return out
