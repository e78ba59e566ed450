"""Members and calls in the C# data-flow core: source members, element access, calls (sources,
sanitisers, propagators, in-file summaries) and the fields/properties of the same type."""

from __future__ import annotations

import re
from dataclasses import replace

from dwagent.tools.dataflow.catalog import catalog_table
from dwagent.tools.dataflow.constants import _constant_map
from dwagent.tools.dataflow.csharp_support import (
    FUNCTIONS,
    SUMMARY_DEPTH,
    _arity,
    _decl_type,
    _is_built,
    _param_line,
    _param_names,
    _returned,
    _short,
    _walk,
)
from dwagent.tools.dataflow.flow import Origin, merge
from dwagent.tools.syntax.tree import ancestor, arguments, callee, modifiers, name_of, text


class _Members:
    """Mixin of CSharpFlows: member access, element access, calls, fields of this type."""

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
        if (
            recv is not None
            and recv.type in ("identifier", "predefined_type")
            and text(ctx, recv)[:1].isupper()
            and self._local_or_param_type(e, text(ctx, recv)) is None
        ):
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
                table = catalog_table(ctx, e) if trust == "stored" else ""
                if table:
                    hop = self.hop(e, f"`{label}`: a name read back from the schema catalog `{table}`")
                    return (Origin(trust, label, (hop,), identifier=True, catalog=table),)
                return (Origin(trust, label, (self.hop(e, f"`{label}`: {trust} source"),)),)
        args = arguments(e)
        if any(p.matches(recv, name) for p in self.model.arg_propagators):
            if recv in ("string", "String") and name in ("Format", "Concat", "Join"):
                holes = args[1:] if name != "Concat" else args
                fmt = self._format_text(args[0]) if name == "Format" and args else None
                prefixes = {
                    h.start_byte: re.sub(r"\{\d+[^}]*\}", "{}", fmt.split(f"{{{i}")[0]) if fmt and f"{{{i}" in fmt else "{}"
                    for i, h in enumerate(holes)
                }
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
            if (
                o.trust == "param"
                and o.param in params
                and params.index(o.param) < len(args)
                and o.hops
                and o.hops[0].line == _param_line(method, o.param, self.ctx)
            ):
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
        dtype = text(ctx, (ancestor(decl, ("field_declaration",)) or decl).child_by_field_name("type") or _decl_type(decl))
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
