"""Names in the C# data-flow core: locals and their definitions, parameters and what binds them
(request attributes, controller/hub/gRPC/handler methods, minimal-API and subscription lambdas)."""

from __future__ import annotations

import re

from dwagent.tools.dataflow.constants import NUMERIC_TYPE, _constant_choice, _constant_map
from dwagent.tools.dataflow.csharp_support import FUNCTIONS, _contains, _short, _splice
from dwagent.tools.dataflow.flow import Hop, Origin, merge
from dwagent.tools.syntax.tree import ancestor, arguments, attributes, callee, line, member_body, modifiers, name_of, text, unwrap


class _Names:
    """Mixin of CSharpFlows: identifiers, parameters, local definitions."""

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
                return merge(*(self._param_origin(fn, p, name) if d[0] == "param" else self._def_origins(d, name, cat) for d in defs))
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
        bases = [
            re.sub(r"\s+", "", text(ctx, b)).split(".")[-1]
            for b in (typ.named_children if typ is not None else ())
            if b.type == "base_list"
            for b in b.named_children
        ]
        entry_bases = self.model.pattern("sources", "untrusted", "entry_bases")
        entry_names = self.model.pattern("sources", "untrusted", "entry_type_names")
        if (
            any(entry_bases is not None and entry_bases.match(b) for b in bases)
            or attributes(ctx, typ) & set(src.get("entry_type_attributes", ()))
            or (entry_names is not None and entry_names.search(tname) and bases)
        ):
            return f"`{tname}.{name}`, an action/hub method bound from requests"
        return ""

    def _lambda_param(self, e, name: str):
        cur = e.parent
        while cur is not None and cur.type not in FUNCTIONS:
            if cur.type == "lambda_expression":
                params = cur.child_by_field_name("parameters")
                names = [
                    text(self.ctx, p.child_by_field_name("name") or p)
                    for p in (
                        params.named_children if params is not None and params.type == "parameter_list" else [params] if params is not None else []
                    )
                ]
                if name in names:
                    return cur
            cur = cur.parent
        return None

    def _lambda_origin(self, lam, name: str) -> tuple[Origin, ...]:
        params = lam.child_by_field_name("parameters")
        for p in params.named_children if params is not None and params.type == "parameter_list" else ():
            typ = text(self.ctx, p.child_by_field_name("type"))
            if text(self.ctx, p.child_by_field_name("name")) == name and typ and (NUMERIC_TYPE.match(typ) or typ.rstrip("?") in self._enums):
                return ()
        call = ancestor(lam, ("invocation_expression",))
        ptype = ""
        for p in params.named_children if params is not None and params.type == "parameter_list" else ():
            if text(self.ctx, p.child_by_field_name("name")) == name:
                ptype = text(self.ctx, p.child_by_field_name("type"))
                bound = attributes(self.ctx, p) & set(self.model.setting("sources", "untrusted", "param_attributes", default=()))
                # a typed parameter of another type is an injected service (HttpContext, a
                # client, a repository), not route data, unless an attribute binds it
                ptypes = self.model.pattern("sources", "untrusted", "param_types")
                if ptype and ptypes is not None and ptypes.search(ptype):
                    return (Origin("untrusted", name, (Hop(line(lam), f"`{name}` ({ptype}) carries request data"),)),)
                if ptype and not bound and not re.fullmatch(r"(string|String)(\[\])?\??", ptype):
                    return (Origin("unknown", name, (Hop(line(lam), f"`{name}` ({ptype}): an injected service"),)),)
        if call is not None:
            recv, cname = callee(self.ctx, call)
            api = self.model.pattern("sources", "untrusted", "minimal_api_calls")
            subs = self.model.pattern("sources", "untrusted", "subscription_calls")
            subr = self.model.pattern("sources", "untrusted", "subscription_receiver")
            if (
                api is not None
                and api.fullmatch(cname)
                and arguments(call)
                and unwrap(arguments(call)[0]).type in ("string_literal", "interpolated_string_expression")
            ):
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
            elif (
                t == "variable_declarator"
                and n.named_children
                and n.named_children[0].type == "tuple_pattern"
                and name in [text(self.ctx, c) for c in n.named_children[0].named_children]
            ):
                # `var (a, b) = F();` — element-wise when the right side is a tuple literal
                declared = True
                names = [text(self.ctx, c) for c in n.named_children[0].named_children]
                value = n.named_children[-1]
                elems = [c.named_children[-1] for c in value.named_children if c.type == "argument"] if value.type == "tuple_expression" else []
                defs.append(("init", n, elems[names.index(name)] if len(elems) == len(names) else value))
            elif t == "declaration_expression" and text(self.ctx, n.child_by_field_name("name")) == name:
                declared = True
                defs.append(("out", n, n))
            elif t == "foreach_statement" and text(self.ctx, n.child_by_field_name("left")) == name:
                declared = True
                defs.append(("foreach", n, n.child_by_field_name("right")))
            elif t in ("catch_declaration", "declaration_pattern", "recursive_pattern") and name in text(self.ctx, n).split():
                declared = True
            elif t == "assignment_expression" and n.end_byte <= use.start_byte and text(self.ctx, n.child_by_field_name("left")) == name:
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
            if (
                stmt is not None
                and stmt.parent is not None
                and stmt.parent.type == "block"
                and _contains(stmt.parent, use)
                and ancestor(node, ("lambda_expression",)) is ancestor(use, ("lambda_expression",))
            ):
                return defs[i:]
        return defs

    def _fills_buffer(self, call, name: str) -> bool:
        fill = self.model.setting("sources", "untrusted", "buffer_fills", default=None)
        if not fill:
            return False
        recv, cname = callee(self.ctx, call)
        if not re.fullmatch(fill["name"], cname) or not re.search(fill["receiver"], recv.split(".")[-1] or "-"):
            return False
        return any(
            text(self.ctx, unwrap(a)).split("[")[0].split(".")[0] == name
            or re.match(rf"(new\s+\w+<\w+>\s*\(\s*)?{re.escape(name)}\b", text(self.ctx, unwrap(a)))
            for a in arguments(call)
        )

    def _def_origins(self, d, name: str, cat: str) -> tuple[Origin, ...]:
        kind, node, value = d
        ctx = self.ctx
        hop = self.hop(node, f"`{name}` = `{_short(text(ctx, value), 50)}`" if kind in ("init", "assign") else f"`{_short(text(ctx, node), 60)}`")
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
