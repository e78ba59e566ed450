"""Build the code graph from the index tables (symbols, refs, constants, chunks).

What is built:
- type graph: declared types with their bases (inheritance, interface implementation, generic
  bases by bare name); partial declarations merged;
- reference graph between types (any use of a type's name: `new`, identifiers, generic
  arguments, `typeof`, `nameof`, attributes, base lists, extension-method calls), plus
  reflection discoveries (`reflect.py`) — the input of the wiring checks' reachability;
- call graph between members: invocations, `new T(...)` (→ T's constructors), method groups,
  and bus edges (publisher → `topic:<t>` → subscriber's handler, see `bus.py`); a publish or
  subscribe call counts as a bus site unless the tree declares its own bus and the receiver is
  typed to tree types that are not one (`notifier.SendAsync(to, body)` is a plain call);
- DI registrations (`services.AddX<I, T>()`, `services.AddX(typeof(I), typeof(T))` → edge
  I → T, kind `di`); what a framework constructs without `new`: type arguments of generic
  method calls (`UseMiddleware<T>()`) and `typeof(T)` arguments of any call (`instantiated`);
- reflection scans (`reflect.py`), including C# top-level statements and Python module-level
  functions, with a `scan` edge to each scanned base (an extension point even when no subtype
  is in the tree);
- option sites: option properties set in preset factories and read anywhere else;
- private field uses, split into writes and reads.

The approximation and how it fails (it is name-based, without a compiler):
- Types resolve by bare name, preferring namespaces visible at the use site; a name shared by
  unrelated types links to all of them (over-reachability: a dead type that shares a name with a
  live one is missed). Types referenced only from XAML, config files, strings or other languages
  are invisible (reported unwired unless an entry attribute, base or public-API glob covers them).
- Call receivers are typed from fields/properties, parameters and simple local declarations
  (`var x = new T()`, `T x = ...`). Other receivers (method results, chained calls, lambdas'
  parameters) fall back to every method with that name when there are at most
  `max_by_name_targets` of them (edge kind `by-name`), else the call is left unlinked.
- Overloads share one node; virtual dispatch links a call on a type to the same-named methods of
  all its subtypes (only to the declaration when there are more than MAX_DISPATCH of them).
  Delegates stored in fields and invoked later are not followed.
- Bus topics must be static (literal, const, nameof, concatenations); dynamic topics are counted
  but never matched.
"""

from __future__ import annotations

import re
import sqlite3
from collections import defaultdict
from dataclasses import replace

from dwagent.tools.graph import bus as busmod
from dwagent.tools.graph.calls import CallLinker
from dwagent.tools.graph.config import GraphConfig
from dwagent.tools.graph.declarations import load_declarations, private_fields
from dwagent.tools.graph.entrypoints import find_entry_points
from dwagent.tools.graph.liveness import compute_liveness
from dwagent.tools.graph.model import TOPIC_PREFIX, BusSite, CodeGraph, Edge, FieldUse
from dwagent.tools.graph.reflect import ScopeScan, find_discoveries
from dwagent.tools.graph.resolve import TypeIndex, bare, unalias_bases
from dwagent.tools.graph.source import SourceLines
from dwagent.tools.graph.state import field_uses, globs_match, option_sites

_EXTENSION_SIGNATURE = re.compile(r"\(\s*this\s")
TYPE_REF_KINDS = frozenset({"ident", "new", "generic_arg", "typeof", "nameof", "base", "attribute"})


class _Builder(CallLinker):
    def __init__(self, conn: sqlite3.Connection, config: GraphConfig) -> None:
        self.conn = conn
        self.cfg = config
        self.src = SourceLines(conn)
        self.files, types, methods, members, self.field_rows = load_declarations(conn)
        usings: dict[str, set[str]] = defaultdict(set)
        aliases: dict[str, dict[str, str]] = defaultdict(dict)  # file -> alias -> aliased type/namespace
        for fid, name, receiver in conn.execute("SELECT file_id, name, receiver FROM refs WHERE kind = 'using'"):
            path = self.files[fid][0]
            usings[path].add(name)
            if receiver and receiver != "static":
                aliases[path][receiver] = name
                usings[path].add(name.rsplit(".", 1)[0])  # the aliased type's namespace is visible
        types = unalias_bases(types, aliases)
        self.ix = TypeIndex(types, methods, members, usings)
        self.graph = CodeGraph(types=types, methods=methods)
        self.owner_cache: dict[str, str] = {}
        self.locals_cache: dict[tuple[str, str], str] = {}
        self.body_cache: dict[str, str] = {}
        self.receiver_cache: dict[tuple, list[str] | None] = {}
        consts = [
            busmod.Constant(q, n, v, self.files[fid][0]) for fid, q, n, v in conn.execute("SELECT file_id, qualname, name, value FROM constants")
        ]
        self.constants = busmod.ConstantTable(consts)
        self.publish = set(config.publish_methods)
        self.subscribe = set(config.subscribe_methods) | set(config.pattern_subscribe_methods)
        self.scan_names = set(config.scan_methods)
        self.instantiate = set(config.instantiate_methods)
        self.filters = set(config.scan_filters)
        self.extension_owner: dict[str, list[str]] = defaultdict(list)
        for _q, m in methods.items():
            # `(this T x` -- also when the parameter list starts on the next line
            if _EXTENSION_SIGNATURE.search(m.signature) and m.container in types:
                self.extension_owner[m.name].append(m.container)
        self.private_fields = private_fields(self.field_rows, types, config)
        self.type_edges: dict[str, dict[str, tuple[str, int]]] = defaultdict(dict)
        self.test_refs: dict[str, list[str]] = defaultdict(list)
        self.edges: list[Edge] = []
        self.scans: dict[str, ScopeScan] = defaultdict(ScopeScan)
        self.instantiating: set[str] = set()  # types / module units that create instances from a Type
        self.invoked_at: set[tuple[str, int, str]] = set()  # (file, line, method) of production calls
        self.typeofs: dict[tuple[str, int], list[tuple[str, str]]] = defaultdict(list)  # (file, line) → (name, owner)
        self.type_arg_lines: dict[tuple[str, int], tuple[str, str]] = {}  # calls given `typeof(...)`: → (arg0, method)
        self.tree_has_bus: bool | None = None
        self.entry_units: set[str] = set()  # `<module:path>` of C# top-level programs (entry points)
        self.generic_calls: dict[str, list[tuple]] = defaultdict(list)
        self.generic_args: dict[tuple, list[tuple[int, str]]] = defaultdict(list)
        self.field_hits: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
        self.option_hits: list[tuple[str, str, str, int, str]] = []  # (prop name, scope, file, line, role)
        self.sub_lines: set[tuple[str, int]] = set()
        self.option_types = {q for q, t in types.items() if t.role == "production" and globs_match(t.name, config.option_types)}
        self.option_props = {m.name for m in methods.values() if m.kind == "property" and m.container in self.option_types}

    def type_ref(self, owner: str, target: str, file: str, line: int, role: str) -> None:
        if target == owner:
            return
        if role == "test":
            if len(self.test_refs[target]) < 5:
                self.test_refs[target].append(f"{file}:{line}")
            return
        src = owner or f"<module:{file}>"
        if target not in self.type_edges[src]:
            self.type_edges[src][target] = (file, line)

    # --- the pass over refs ---------------------------------------------------------------
    def run(self) -> CodeGraph:
        ix = self.ix
        by_name = ix.by_name
        # identifiers matter only when they name a type, a method (method group), a private
        # field, an option property or a scan member: filter the rest out in SQL (most refs)
        ident_names = set(self.private_fields) | self.option_props | self.scan_names | {m.name for m in ix.methods.values() if m.kind == "method"}
        self.conn.execute("CREATE TEMP TABLE IF NOT EXISTS graph_wanted (name TEXT PRIMARY KEY)")
        self.conn.execute("DELETE FROM temp.graph_wanted")
        self.conn.executemany("INSERT OR IGNORE INTO temp.graph_wanted VALUES (?)", [(n,) for n in sorted(ident_names | set(by_name))])
        rows = self.conn.execute(
            "SELECT file_id, kind, name, receiver, arg0, scope, line FROM refs "
            "WHERE kind NOT IN ('using', 'string') AND (kind != 'ident' OR name IN temp.graph_wanted) "
            "ORDER BY file_id, line"
        )
        bus_rows: list[tuple] = []
        files = self.files
        for fid, kind, name, receiver, arg0, scope, line in rows:
            if kind == "ident" and name not in by_name and name not in ident_names:
                continue
            file, role = files[fid]
            owner = self.owner(scope)
            # top-level statements share scope '' across files: key their scans by file
            skey = scope or f"<module:{file}>"
            if kind in TYPE_REF_KINDS:
                names = (name, name + "Attribute") if kind == "attribute" else (name,)
                for n in names:
                    if n in ix.by_name:
                        qualifier = receiver.rpartition(".")[0] if kind != "ident" else receiver
                        for tq in ix.resolve_type(n, file, self.ns_of(owner), qualifier):
                            self.type_ref(owner, tq, file, line, role)
                if kind == "generic_arg":
                    self.generic_args[(file, scope, line, receiver)].append((int(arg0 or 0), name))
                    if receiver in self.filters:
                        self.scans[skey].bases.append((name, line))
                    if any(receiver.startswith(p) for p in self.cfg.di_prefixes) and role != "test":
                        for tq in ix.resolve_type(name, file):
                            self.graph.instantiated.setdefault(tq, f"registered by {receiver} at {file}:{line}")
                        self.di_arg(owner, scope, file, line, receiver, arg0, name, role)
                elif kind == "typeof":
                    self.scans[skey].bases.append((name, line))
                    if role != "test":
                        self.typeofs[(file, line)].append((name, owner))
                elif kind == "ident":
                    self.ident(name, receiver, scope, owner, file, line, role)
                elif kind == "new" and role != "test":
                    for tq in ix.resolve_type(name, file, self.ns_of(owner), receiver.rpartition(".")[0]):
                        self.graph.instantiated.setdefault(tq, f"new {name}(...) at {file}:{line}")
                        for ctor in ix.methods_of.get(tq, {}).get(ix.types[tq].name, ()):
                            self.edges.append(Edge(scope, ctor, "new", file, line))
            elif kind == "invoke":
                if name in by_name:  # Python instantiates by calling the class: `Foo()`
                    for tq in ix.resolve_type(name, file, self.ns_of(owner), receiver):
                        self.type_ref(owner, tq, file, line, role)
                        if role != "test":
                            self.graph.instantiated.setdefault(tq, f"{name}(...) at {file}:{line}")
                if name in self.scan_names:
                    self.note_scan(skey, file, line)
                if name in self.private_fields:
                    self.field_hits[name][file].add(line)  # a delegate field invoked is a read
                if name in self.instantiate:
                    self.instantiating.add(owner or f"<module:{file}>")
                for static_owner in self.extension_owner.get(name, ()):
                    self.type_ref(owner, static_owner, file, line, role)
                if role == "test":
                    continue
                self.invoked_at.add((file, line, name))
                if not scope and file.endswith(".cs"):
                    self.entry_units.add(f"<module:{file}>")  # C# top-level statements: the program
                if arg0 and name.startswith(self.cfg.di_prefixes):
                    # `services.AddSingleton(typeof(I), type)`: the container creates instances
                    # from a Type (what a scan found, or the typeof arguments themselves)
                    self.instantiating.add(owner or f"<module:{file}>")
                if arg0.lstrip().startswith("typeof("):
                    self.type_arg_lines[(file, line)] = (arg0, name)
                if name in self.publish or name in self.subscribe:
                    bus_rows.append((fid, name, receiver, arg0, scope, line, owner))
                    continue
                self.call(name, receiver, scope, owner, file, line)
        self.record_generic_calls()
        self.python_imports()
        self.type_registrations()
        self.bus_sites(bus_rows)
        self.finish_method_groups()
        self.reflection()
        self.graph.edges = sorted(set(self.edges), key=lambda e: (e.src, e.file, e.line, e.dst, e.kind, e.detail))  # total: set order is per-process
        self.graph.fields = self.reflected_reads(field_uses(ix, self.src, self.private_fields, self.field_hits))
        self.graph.options = option_sites(ix, self.src, self.cfg, self.option_types, self.option_hits)
        compute_liveness(self.graph, ix, self.type_edges, self.test_refs, self.cfg, self.entry_units)
        self.graph.entry_points = find_entry_points(self.conn, self.graph, self.src, self.files)
        return self.graph

    def python_imports(self) -> None:
        """`from pkg.mod import Foo` is a use of Foo: a package's `__init__` re-exporting a class
        from a private module is how Python publishes API (C# usings name namespaces, not types)."""
        rows = self.conn.execute("SELECT file_id, name, scope, line FROM refs WHERE kind = 'using'")
        for fid, name, scope, line in rows:
            file, role = self.files[fid]
            if not file.endswith(".py"):
                continue
            module, _, last = name.rpartition(".")
            if last not in self.ix.by_name:
                continue
            owner = self.owner(scope)
            for tq in self.ix.resolve_type(last, file, self.ns_of(owner), module.lstrip(".")):
                self.type_ref(owner, tq, file, line, role)

    def reflected_reads(self, fields: list[FieldUse]) -> list[FieldUse]:
        """A field named by a string literal anywhere (`GetField("_state")`, a serialiser's member
        list) may be read by reflection: count that as a read."""
        named = {name for (name,) in self.conn.execute("SELECT DISTINCT name FROM refs WHERE kind = 'string' AND name IN temp.graph_wanted")}
        return [replace(f, reads=f.reads + 1) if f.name in named and not f.reads else f for f in fields]

    def ns_of(self, owner: str) -> str:
        t = self.ix.types.get(owner)
        return t.namespace if t else ""

    def note_scan(self, scope: str, file: str, line: int) -> None:
        s = self.scans[scope]
        if not s.scan_line:
            s.file, s.scan_line = file, line

    def ident(self, name, receiver, scope, owner, file, line, role) -> None:
        if name in self.scan_names:
            self.note_scan(scope or f"<module:{file}>", file, line)
        if name in self.private_fields:
            self.field_hits[name][file].add(line)
        if name in self.option_props:
            self.option_hits.append((name, scope, file, line, role))
        if role != "test" and receiver in ("", "this") and owner and name in self.ix.methods_by_name:
            for m in self.ix.methods_named(owner, name, dispatch=False):
                if m != scope and self.ix.methods[m].kind == "method":
                    self.edges.append(Edge(scope, m, "method-group", file, line))

    def di_arg(self, owner, scope, file, line, receiver, arg0, name, role) -> None:
        if role == "test":
            return
        args = sorted(self.generic_args[(file, scope, line, receiver)])
        if len(args) >= 2 and str(arg0) != "0":
            for iface in self.ix.resolve_type(args[0][1], file):
                for impl in self.ix.resolve_type(name, file):
                    self.edges.append(Edge(iface, impl, "di", file, line, receiver))

    def record_generic_calls(self) -> None:
        for (file, scope, line, receiver), args in self.generic_args.items():
            for pos, name in args:
                self.generic_calls[receiver].append((scope, file, line, pos, name))

    def bus_sites(self, rows: list[tuple]) -> None:
        sites: list[BusSite] = []
        for fid, name, receiver, arg0, scope, line, owner in rows:
            file = self.files[fid][0]
            if not self.on_a_bus(receiver, scope, owner, file):
                self.call(name, receiver, scope, owner, file, line)  # `notifier.SendAsync(...)`: a plain call
                continue
            topic, pattern = busmod.resolve_topic(arg0, self.constants, owner, file)
            if not topic:
                # not a static topic: keep the call edge (e.g. a decorator forwarding to its inner bus)
                self.call(name, receiver, scope, owner, file, line)
                sites.append(BusSite("publish" if name in self.publish else "subscribe", "", False, arg0, scope, (), file, line, name))
                continue
            if name in self.publish:
                sites.append(BusSite("publish", topic, pattern, arg0, scope, (), file, line, name))
                continue
            pattern = pattern or name in self.cfg.pattern_subscribe_methods or busmod.is_pattern(topic, self.cfg.topic_wildcards)
            handlers = self.handlers(file, line, arg0, scope, owner, name)
            self.sub_lines.add((scope, line))
            sites.append(BusSite("subscribe", topic, pattern, arg0, scope, handlers, file, line, name))
        pubs = [s for s in sites if s.side == "publish" and s.topic]
        subs = [s for s in sites if s.side == "subscribe" and s.topic]
        for p in pubs:
            self.edges.append(Edge(p.scope, TOPIC_PREFIX + p.topic, "publish", p.file, p.line, p.method))
        topics = sorted({(p.topic, p.pattern) for p in pubs})
        for s in subs:
            for t, tpat in topics:
                if busmod.topic_matches(s.topic, t, s.pattern, tpat):
                    for h in s.handlers:
                        self.edges.append(Edge(TOPIC_PREFIX + t, h, "deliver", s.file, s.line, s.topic))
        self.graph.bus = sorted(sites, key=lambda s: (s.topic, s.side, s.file, s.line))

    def on_a_bus(self, receiver: str, scope: str, owner: str, file: str) -> bool:
        """False when the tree declares its own message bus (a type offering both a publish and a
        subscribe method) and the receiver is typed to types of the tree that are not one (with
        bases and subtypes): `notifier.SendAsync(to, body)`. Untyped or framework receivers stay
        bus calls, and so does everything when the bus is not in the tree (split publisher and
        subscriber interfaces implemented by a library look like non-buses)."""
        if self.tree_has_bus is None:
            self.tree_has_bus = any(self.is_bus(q) for q in sorted(self.ix.types) if self.ix.types[q].role == "production")
        if not self.tree_has_bus:
            return True
        key = ("bus", owner, scope, file, receiver)
        hit = self.receiver_cache.get(key)
        if hit is None:
            types = self.receiver_types(receiver, scope, owner, file) or []
            verdict = not types or any(self.is_bus(t) for t in types)
            hit = self.receiver_cache[key] = ["bus"] if verdict else []
        return bool(hit)

    def is_bus(self, q: str) -> bool:
        names: set[str] = set()
        for t in [q, *self.ix.ancestors(q), *self.ix.descendants(q)]:
            names.update(self.ix.methods_of.get(t, {}))
        return bool(names & self.publish) and bool(names & self.subscribe)

    def handlers(self, file, line, arg0, scope, owner, method) -> tuple[str, ...]:
        text = busmod.statement_text(self.src.lines(file), line)
        after = text.split(method, 1)[-1]
        if arg0 and arg0 in after:
            after = after.split(arg0, 1)[-1]
        found: list[str] = []
        for ident in self.ix.identifiers(after):
            if owner:
                found.extend(m for m in self.ix.methods_named(owner, ident, dispatch=False) if self.ix.methods[m].kind == "method" and m != scope)
        return tuple(sorted(set(found))) or (scope,)

    def finish_method_groups(self) -> None:
        # a method group passed to a subscribe call is a bus handler, not a direct call
        self.edges = [e for e in self.edges if not (e.kind == "method-group" and (e.src, e.line) in self.sub_lines)]

    def type_registrations(self) -> None:
        """Types registered or created from a Type without `new`: `typeof(T)` arguments of a call
        (`AddX(typeof(I), typeof(T))`, `UseMiddleware(typeof(T))`, `CreateInstance(typeof(T))`;
        a DI call also links I → T) and type arguments of generic method calls (`UseMiddleware<T>()`,
        `GetRequiredService<T>()`, `Deserialize<T>()`): the framework constructs them."""
        for (file, line), (arg0, method) in sorted(self.type_arg_lines.items()):
            names = self.typeofs.get((file, line), [])
            owners = {o for _n, o in names}
            service = bare(arg0.lstrip()[len("typeof(") :].split(")", 1)[0])
            ns = self.ns_of(names[0][1]) if names else ""
            impls = sorted({n for n, _o in names if n != service}) or [service]
            for impl_name in impls:
                for impl in self.ix.resolve_type(impl_name, file, ns):
                    if self.ix.types[impl].is_abstract or impl in owners:
                        continue  # `AddX(typeof(Base), type)`: the base is the service, not an instance
                    self.graph.instantiated.setdefault(impl, f"passed by type to {method} at {file}:{line}")
                    if impl_name != service and method.startswith(self.cfg.di_prefixes):
                        for iface in self.ix.resolve_type(service, file, ns):
                            self.edges.append(Edge(iface, impl, "di", file, line))
        for (file, scope, line, receiver), args in sorted(self.generic_args.items()):
            if (file, line, receiver) not in self.invoked_at:
                continue  # a generic type (`List<T>`, `ILogger<T>`), not a generic method call
            owner = self.owner(scope)
            for _pos, name in args:
                for tq in self.ix.resolve_type(name, file, self.ns_of(owner)):
                    if tq != owner:
                        self.graph.instantiated.setdefault(tq, f"type argument of {receiver}<...>() at {file}:{line}")

    def reflection(self) -> None:
        owner_of = {s: self.owner(s) or (s if s.startswith("<module:") else f"<module:{scan.file}>") for s, scan in self.scans.items()}
        owner_of.update({c: self.owner(c) for calls in self.generic_calls.values() for c, *_ in calls})
        found = find_discoveries(self.ix, self.scans, self.instantiating, owner_of, self.generic_calls)
        for d in found:
            if not d.target:  # the scan itself: its base is an extension point
                self.edges.append(Edge(d.source_type, d.base, "scan", d.file, d.line))
                continue
            self.type_ref(d.source_type, d.target, d.file, d.line, "production")
            self.graph.discovered.setdefault(d.target, f"reflection scan at {d.file}:{d.line} (base {d.base})")


def build_graph(conn: sqlite3.Connection, config: GraphConfig | None = None) -> CodeGraph:
    """Build the whole graph from an index connection (no persistence; see `store.load_graph`)."""
    return _Builder(conn, config or GraphConfig.csharp_default()).run()
