"""Call linking: which members a call may reach, typed from its receiver where knowable.

A mixin of the graph builder (`build._Builder`): it needs the builder's `ix` (TypeIndex), `src`
(SourceLines), `cfg`, `edges` and its caches. Receivers are typed from fields/properties,
parameters and simple local declarations; an untypable receiver falls back to every same-named
method when there are at most `max_by_name_targets` of them (edge kind `by-name`). A receiver
typed to a framework type is never guessed by name.
"""

from __future__ import annotations

from dwagent.tools.graph.model import Edge
from dwagent.tools.graph.resolve import EXTERNAL, local_type_of, parameter_types

MAX_DISPATCH = 32


class CallLinker:
    """Receiver typing and call edges (mixed into the builder)."""

    def owner(self, scope: str) -> str:
        """The type owning a scope qualname ('' for module-level / top-level code)."""
        hit = self.owner_cache.get(scope)
        if hit is not None:
            return hit
        cur = scope
        result = ""
        while cur:
            if cur in self.ix.types:
                result = cur
                break
            m = self.ix.methods.get(cur)
            if m is not None and m.container in self.ix.types:
                result = m.container
                break
            cur = cur.rpartition(".")[0]
        self.owner_cache[scope] = result
        return result

    def receiver_types(self, receiver: str, scope: str, owner: str, file: str) -> list[str] | None:
        """Types a call receiver may have: a list (empty when the receiver is typed but the type is
        not declared in the tree, e.g. a framework type), or None when it cannot be typed."""
        r = receiver.strip().rstrip("!?")
        if r in ("", "this", "base"):
            return [owner] if owner else None
        parts = [p.strip("!?() ") for p in r.split(".")]
        first = parts[0]
        tname = ""
        if owner and self.ix.member_type(owner, first):
            tname = self.ix.member_type(owner, first)
        elif first[:1].isupper():
            tname = first  # a type name (static call), declared in the tree or not
        elif first[:1].islower() or first[:1] == "@":
            tname = self.local_of(scope, first)
            if tname == EXTERNAL:
                return []
        if not tname or tname == "var":
            return None
        cur = self.ix.resolve_type(tname, file)
        for part in parts[1:]:
            if not cur:
                return None  # a member of an external type: unknown
            nxt: list[str] = []
            for q in cur:
                mt = self.ix.member_type(q, part)
                if mt:
                    nxt.extend(self.ix.resolve_type(mt, file))
            if not nxt:
                return None
            cur = nxt
        return cur

    def local_of(self, scope: str, var: str) -> str:
        """Declared type of a parameter or local of a member (cached per member and name)."""
        key = (scope, var)
        hit = self.locals_cache.get(key)
        if hit is None:
            method = self.ix.methods.get(scope)
            hit = ""
            if method is not None:
                hit = parameter_types(method.signature).get(var, "")
                if not hit:
                    body = self.body_cache.get(scope)
                    if body is None:
                        body = "\n".join(t for _, t in self.src.span(method.file, method.start_line, method.end_line))
                        self.body_cache[scope] = body
                    hit = local_type_of(body, var, self.ix.by_name)
            self.locals_cache[key] = hit
        return hit

    def call(self, name, receiver, scope, owner, file, line) -> None:
        if name not in self.ix.methods_by_name:
            return  # no member of the tree has this name (a framework call): nothing to link
        first = receiver.split(".", 1)[0].strip("!?() ")
        # locals are per member; fields and type names are per type (and file, for usings)
        key = (scope, receiver) if first[:1].islower() or first[:1] == "@" else (owner, file, receiver)
        if key in self.receiver_cache:
            types = self.receiver_cache[key]
        else:
            types = self.receiver_cache[key] = self.receiver_types(receiver, scope, owner, file)
        if types is not None:
            targets = sorted({m for t in types for m in self.ix.methods_named(t, name)})
            if len(targets) > MAX_DISPATCH:
                # a call through a base with hundreds of implementations (strategies): link the
                # declaration, not every override, so the graph stays linear in the code size
                targets = sorted({m for t in types for m in self.ix.methods_named(t, name, dispatch=False)}) or targets
            for m in targets:
                self.edges.append(Edge(scope, m, "call", file, line))
            if targets or not types:
                return  # resolved, or a framework type: never guess by name
        cands = self.ix.methods_by_name.get(name, ())
        if 0 < len(cands) <= self.cfg.max_by_name_targets:
            for m in cands:
                self.edges.append(Edge(scope, m, "by-name", file, line))
