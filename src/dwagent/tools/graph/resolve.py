"""Name resolution over the index's declarations: which type or method a written name means.

The approximation (see `build.py` for its failure modes): types are matched by their bare name;
among same-named types, those visible from the use site (same or enclosing namespace, a `using`
of the file, or a qualifier written in front of the name) win, and when none is visible all are
kept, so ambiguity makes more things reachable, never fewer. Receivers of calls are typed from
field/property declarations, method parameters and `var x = new T(...)` / `T x = ...` locals.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from functools import lru_cache

from dwagent.tools.graph.model import MethodNode, TypeNode

_TYPE_BEFORE_NAME = re.compile(r"([A-Za-z_][\w.]*)\s*(?:<[^<>]*(?:<[^<>]*>[^<>]*)*>)?\s*[?\[\]]*\s+@?(\w+)\s*$")
_IDENT = re.compile(r"[A-Za-z_]\w*")


def bare(name: str) -> str:
    """`Ns.Base<T>` → `Base`."""
    name = name.strip()
    cut = name.find("<")
    if cut != -1:
        name = name[:cut]
    name = name.rstrip("?[]! ")
    return name.rsplit("::", 1)[-1].rsplit(".", 1)[-1].strip()


def declared_type(signature: str) -> str:
    """The bare declared type of a field/property signature (`private readonly Foo<int> _x` → Foo)."""
    sig = signature.split("=", 1)[0].split("{", 1)[0].strip()
    m = _TYPE_BEFORE_NAME.search(sig)
    return bare(m.group(1)) if m else ""


@lru_cache(maxsize=65536)
def parameter_types(signature: str) -> dict[str, str]:
    """name → bare type of a method signature's parameters."""
    start = signature.find("(")
    end = signature.rfind(")")
    if start == -1 or end <= start:
        return {}
    inner = signature[start + 1 : end]
    out: dict[str, str] = {}
    depth = 0
    part = []
    pieces = []
    for ch in inner:
        if ch in "<([{":
            depth += 1
        elif ch in ">)]}":
            depth -= 1
        if ch == "," and depth == 0:
            pieces.append("".join(part))
            part = []
        else:
            part.append(ch)
    pieces.append("".join(part))
    for piece in pieces:
        piece = piece.split("=", 1)[0].strip()
        for prefix in ("this ", "ref ", "out ", "in ", "params ", "scoped "):
            if piece.startswith(prefix):
                piece = piece[len(prefix) :]
        piece = re.sub(r"^\[[^\]]*\]\s*", "", piece)
        m = _TYPE_BEFORE_NAME.search(piece)
        if m:
            out[m.group(2)] = bare(m.group(1))
    return out


EXTERNAL = "!external"  # a local initialised from a framework call: typed, but not by us
_RHS_NEW = re.compile(r"\s*(?:await\s+)?new\s+([A-Za-z_][\w.]*)")
_RHS_CAST = re.compile(r"\s*\(([A-Za-z_][\w.]*)\??\)")
_RHS_CALL = re.compile(r"\s*(?:await\s+)?([A-Z]\w*)\.")


def local_type_of(body: str, var: str, known_types=None) -> str:
    """The bare declared type of local `var` in `body`: '' when unknown, EXTERNAL when it is
    initialised from a call on a type not in `known_types` (a framework value).

    Plain string search for `var =`, `var;` and `var in` (this runs for most calls on a large
    tree, so no per-name regex), then the token in front of the name gives the type.
    """
    n = len(var)
    pos = body.find(var)
    while pos != -1:
        end = pos + n
        if (pos == 0 or not (body[pos - 1].isalnum() or body[pos - 1] == "_")) and (
            end >= len(body) or not (body[end].isalnum() or body[end] == "_")
        ):
            rest = body[end : end + 120]
            stripped = rest.lstrip(" \t")
            is_assign = stripped.startswith("=") and not stripped.startswith(("==", "=>"))
            if is_assign or stripped.startswith(";") or stripped.startswith("in "):
                head = body[max(0, pos - 120) : pos].rstrip()
                token = re.split(r"[\s(,]", head)[-1] if head else ""
                if token in ("var", "using"):
                    rhs = stripped[1:] if is_assign else ""
                    for rx in (_RHS_NEW, _RHS_CAST):
                        r = rx.match(rhs)
                        if r:
                            return bare(r.group(1))
                    r = _RHS_CALL.match(rhs)
                    if r and known_types is not None and r.group(1) not in known_types:
                        return EXTERNAL
                elif token[:1].isupper():
                    return bare(token)
        pos = body.find(var, end)
    return ""


def local_type(body: str, var: str) -> str:
    """The bare type of local `var` from declarations in `body` ('' when unknown)."""
    found = local_type_of(body, var)
    return "" if found == EXTERNAL else found


def unalias_bases(types: dict[str, TypeNode], aliases: dict[str, dict[str, str]]) -> dict[str, TypeNode]:
    """Base names written through a `using Alias = Ns.Type;` directive of one of the type's files,
    replaced by the aliased type's bare name: `class P : AliasBase` derives from `Type`, so an
    assembly scan for `Type`'s subtypes (or any base-list lookup) finds P."""
    out = {}
    for q, t in types.items():
        seen = [aliases[loc.file] for loc in t.locations if loc.file in aliases]
        if seen and any(b in m for b in t.bases for m in seen):
            bases = tuple(next((bare(m[b]) for m in seen if b in m), b) for b in t.bases)
            t = dataclasses.replace(t, bases=bases)
        out[q] = t
    return out


class TypeIndex:
    """Lookups over types and members: by bare name, ancestors, descendants, member types."""

    def __init__(
        self, types: dict[str, TypeNode], methods: dict[str, MethodNode], members: dict[str, dict[str, str]], usings: dict[str, set[str]]
    ) -> None:
        self.types = types
        self.methods = methods
        self.members = members  # type qualname → member name → declared bare type (fields/properties)
        self.usings = usings  # file → imported namespaces
        self.by_name: dict[str, list[str]] = defaultdict(list)
        for q, t in sorted(types.items()):
            self.by_name[t.name].append(q)
        self.children: dict[str, list[str]] = defaultdict(list)  # bare base name → subtypes
        for q, t in sorted(types.items()):
            for b in t.bases:
                self.children[b].append(q)
        self.methods_of: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        self.methods_by_name: dict[str, list[str]] = defaultdict(list)
        for q, m in sorted(methods.items()):
            self.methods_of[m.container][m.name].append(q)
            self.methods_by_name[m.name].append(q)
        self._anc: dict[str, list[str]] = {}
        self._desc: dict[str, list[str]] = {}

    def resolve_type(self, name: str, file: str = "", namespace: str = "", qualifier: str = "") -> list[str]:
        """Type qualnames a bare `name` may mean at a use site (all same-named types if unsure)."""
        cands = self.by_name.get(name)
        if not cands:
            return []
        if len(cands) == 1:
            return cands
        visible = []
        imported = self.usings.get(file, set())
        for q in cands:
            ns = self.types[q].namespace
            if qualifier and (q.endswith(f"{qualifier}.{name}") or ns.endswith(qualifier)):
                visible.append(q)
            elif ns and (namespace == ns or namespace.startswith(ns + ".") or ns in imported):
                visible.append(q)
        return visible or cands

    def ancestors(self, q: str) -> list[str]:
        """Base types of `q` (transitive, by name), nearest first, `q` excluded."""
        if q not in self._anc:
            self._anc[q] = _closure(q, self._bases_of)
        return self._anc[q]

    def descendants(self, q: str) -> list[str]:
        """Every type deriving from / implementing `q` (transitive, by bare name)."""
        if q not in self._desc:
            self._desc[q] = _closure(q, self._children_of)
        return self._desc[q]

    def _bases_of(self, cur: str) -> list[str]:
        t = self.types.get(cur)
        if t is None:
            return []
        return [bq for b in t.bases for bq in self.resolve_type(b, t.file, t.namespace)]

    def _children_of(self, cur: str) -> tuple[str, ...] | list[str]:
        name = self.types[cur].name if cur in self.types else cur
        return self.children.get(name, ())

    def concrete_descendants(self, q: str) -> list[str]:
        """Instantiable subtypes of `q` (classes/records that are neither abstract nor static)."""
        return [d for d in self.descendants(q) if self.types[d].kind in ("class", "record", "struct") and not self.types[d].is_abstract]

    def member_type(self, type_q: str, member: str) -> str:
        """Declared bare type of field/property `member` on `type_q` or its ancestors."""
        for q in [type_q, *self.ancestors(type_q)]:
            found = self.members.get(q, {}).get(member)
            if found:
                return found
        return ""

    def methods_named(self, type_q: str, name: str, *, dispatch: bool = True) -> list[str]:
        """Methods called `name` on `type_q`, its ancestors and (dispatch) its descendants."""
        out: list[str] = []
        scope = [type_q, *self.ancestors(type_q)]
        if dispatch:
            scope += self.descendants(type_q)
        for q in scope:
            out.extend(self.methods_of.get(q, {}).get(name, ()))
        return sorted(set(out))

    def identifiers(self, text: str) -> list[str]:
        """Identifiers in `text`, in order."""
        return _IDENT.findall(text)


def _closure(start: str, neighbours) -> list[str]:
    """Breadth-first transitive closure from `start` (excluded), nearest first, each node once."""
    out: list[str] = []
    seen = {start}
    frontier = [start]
    while frontier:
        nxt = []
        for cur in frontier:
            for other in neighbours(cur):
                if other not in seen:
                    seen.add(other)
                    out.append(other)
                    nxt.append(other)
        frontier = nxt
    return out
