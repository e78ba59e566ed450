"""Wiring checks over the code graph (DWA-3xx): unwired components, orphan topics, write-only state.

Every finding says why the graph believes the thing is unreachable and what it searched, so a
reviewer can challenge it. Precision first: abstract bases used as bases, types used only as
generic arguments, in `typeof`/`nameof`, as attributes or through static members all count as
referenced (any use of the name is a reference); entry points, public API globs, reflection
discoveries and DI registrations are roots or edges of the reachability, never findings.
Not reported at all: data shapes (records/DTOs without behaviour: nothing to wire), interfaces a
reflection scan instantiates (their implementations live in other assemblies), a library's
public types, and fields that only have an initialiser (DWA-320 needs a write in code). The
dead-code rules for members (DWA-330/331) are in `deadcode.py`.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from typing import Iterable

from dwagent.models import Evidence, Finding
from dwagent.tools.graph.api import GraphView, graph_for
from dwagent.tools.graph.bus import topic_matches
from dwagent.tools.graph.liveness import is_library
from dwagent.tools.graph.model import BusSite, TypeNode
from dwagent.tools.rules.registry import RuleMeta, get_rule, index_rule, make_finding

CHECKED_KINDS = frozenset({"class", "interface", "record", "struct"})


_DECL_WORD = re.compile(r"\b(?=(?:class|interface|record|struct)\s+(\w+))")
_WORD = re.compile(r"\w+")


def _decl_line(view: GraphView, t: TypeNode) -> int:
    """The line holding `class Name` (skipping attribute lines above it)."""
    if _WORD.fullmatch(t.name):
        # one shared pattern (a lookahead, so `record class Name` is seen) instead of compiling a
        # regex per type: thousands of types overflow re's cache and cost seconds on a large tree
        def hit(text: str) -> bool:
            return t.name in text and any(m.group(1) == t.name for m in _DECL_WORD.finditer(text))
    else:
        pat = re.compile(rf"\b(class|interface|record|struct)\s+{re.escape(t.name)}\b")
        hit = pat.search  # type: ignore[assignment]
    for n, text in view.source.span(t.file, t.start_line, min(t.end_line, t.start_line + 12)):
        if hit(text):
            return n
    return t.start_line


def _evidence(view: GraphView, file: str, line: int, note: str) -> Evidence:
    excerpt = view.source.line(file, line)
    return Evidence(
        id=Evidence.make_id(file, line, line, excerpt), file=file, start_line=line, end_line=line, excerpt=excerpt, kind="code", note=note
    )


def _finding(
    meta: RuleMeta,
    view: GraphView,
    file: str,
    line: int,
    message: str,
    *,
    related: Iterable[Evidence] = (),
    confidence: str | None = None,
    properties: dict[str, str] | None = None,
) -> Finding:
    excerpt = view.source.line(file, line)
    return make_finding(meta, file, line, line, excerpt, message, scope="production", confidence=confidence, properties=properties, related=related)


def _searched(view: GraphView) -> str:
    cfg = view.config
    return (
        f"searched production references (new, identifiers, generic arguments, typeof/nameof, attributes, "
        f"base lists, extension calls), reflection scans ({', '.join(cfg.scan_methods[:3])}...), "
        f"DI registrations ({'/'.join(cfg.di_prefixes)}*<T>), entry points ({', '.join(cfg.entry_methods)}, "
        f"entry attributes and bases) and {len(cfg.public_api)} public-API glob(s)"
    )


def _why_dead(t: TypeNode) -> str:
    parts = []
    if t.referrers:
        parts.append("referenced only from code that is itself unreachable: " + "; ".join(t.referrers[:3]))
    else:
        parts.append("no production code outside its own declaration refers to it")
    if t.test_refs:
        parts.append("used from tests only (" + ", ".join(t.test_refs[:2]) + "), which do not count as wiring")
    return "; ".join(parts)


def _is_wrapper(view: GraphView, t: TypeNode) -> bool:
    return t.kind in ("class", "record") and not t.is_abstract and t.name.endswith(view.config.wrapper_suffixes)


_DATA_MEMBER_KINDS = frozenset({"property", "field", "const"})


def _data_shapes(g) -> set[str]:
    """Types that only carry data: records with no methods, classes/structs whose members are
    all properties and fields. They have no behaviour that could fail to be wired (an unused one
    is dead weight, not a missing connection), and serialisers, ORMs and other processes create
    them without a reference in code, so DWA-301 does not report them."""
    kinds: dict[str, set[str]] = defaultdict(set)
    for m in g.methods.values():
        kinds[m.container].add(m.kind)
    out = set()
    for q, t in g.types.items():
        allowed = _DATA_MEMBER_KINDS | ({"constructor"} if t.kind == "record" else set())
        if t.kind in ("class", "record", "struct") and not t.bases and kinds.get(q, set()) <= allowed:
            out.add(q)
    return out


def _scanned_bases(g) -> dict[str, str]:
    """Base type → 'file:line' of a reflection scan that instantiates its subtypes (an extension point)."""
    out: dict[str, str] = {}
    for e in sorted(g.edges, key=lambda e: (e.dst, e.file, e.line)):
        if e.kind == "scan":
            out.setdefault(e.dst, f"{e.file}:{e.line}")
    return out


def unwired_findings(view: GraphView) -> list[Finding]:
    """DWA-301 (unreachable type), DWA-302 (interface without implementation), DWA-303 (wrapper never wrapped)."""
    g = view.graph
    out: list[Finding] = []
    children = _children(g)  # once: rebuilt per interface it cost seconds on a large tree
    implemented = {q for q, t in g.types.items() if t.kind == "interface" and any(g.types[c].kind != "interface" for c in children.get(t.name, ()))}
    scanned = _scanned_bases(g)
    data_shapes = _data_shapes(g)
    children = _children(g)
    # C# top-level programs are not in the persisted graph, but a C# library always has public
    # roots; a Python library's classes may all sit in private modules, so ask the rule itself
    library = any(t.live.startswith("public type of a library") for t in g.types.values()) or (
        view.config.language == "python" and is_library(g, view.config)
    )
    for q, t in sorted(g.types.items()):
        if t.role != "production" or t.kind not in CHECKED_KINDS or t.live.startswith(("public API", "generated", "public type of a library")):
            continue
        line = _decl_line(view, t)
        where = f"{t.file}:{line}"
        # a wrapper base class is wrapped through its subclasses; in a library, a reachable wrapper
        # is there for the library's users to construct
        if _is_wrapper(view, t) and q not in g.instantiated and q not in g.discovered and not children.get(t.name) and not (library and t.live):
            msg = (
                f"{t.kind} {t.name} looks like a decorator/interceptor (name ends with "
                f"{[s for s in view.config.wrapper_suffixes if t.name.endswith(s)][0]}) but nothing constructs "
                f"or registers it, so it is never wrapped around anything: searched every `new {t.name}(...)`, "
                f"DI registration and reflection discovery in production code; " + (f"it is reachable ({t.live})" if t.live else _why_dead(t)) + "."
            )
            out.append(_finding(get_rule("DWA-303").meta, view, t.file, line, msg, properties={"symbol": q, "reason": "never-wrapped"}))
            continue
        if t.kind == "interface" and q not in implemented:
            if q in scanned:
                continue  # implemented outside the tree: a reflection scan loads its implementations
            msg = (
                f"interface {t.name} has no implementation anywhere in the tree (searched every base list); "
                + ("it is also unreachable: " + _why_dead(t) if not t.live else f"it is referenced ({t.live})")
                + "."
            )
            out.append(
                _finding(
                    get_rule("DWA-302").meta,
                    view,
                    t.file,
                    line,
                    msg,
                    confidence="high" if not t.live else "medium",
                    properties={"symbol": q, "reason": "no-implementation"},
                )
            )
            continue
        if t.live or q in data_shapes:
            continue
        msg = (
            f"{t.kind} {t.name} is not reachable from any entry point: {_why_dead(t)}. It is not "
            f"instantiated, discovered by reflection, registered for DI, an entry point or public API; "
            f"{_searched(view)}."
        )
        related = [_evidence(view, *_split_loc(r), "reference from unreachable code") for r in t.referrers[:3] if _split_loc(r)[0]]
        out.append(
            _finding(
                get_rule("DWA-301").meta, view, t.file, line, msg, related=related, properties={"symbol": q, "reason": "unreachable", "where": where}
            )
        )
    return out


def _split_loc(ref: str) -> tuple[str, int]:
    # "Ns.Type at path/file.cs:12" → ("path/file.cs", 12)
    loc = ref.rsplit(" at ", 1)[-1]
    path, _, line = loc.rpartition(":")
    return (path, int(line)) if line.isdigit() else ("", 0)


def _children(g) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for q, t in g.types.items():
        for b in t.bases:
            out[b].append(q)
    return out


def orphan_topic_findings(view: GraphView) -> list[Finding]:
    """DWA-310 (published, never subscribed) and DWA-311 (subscribed, never published)."""
    g = view.graph
    pubs = [s for s in g.bus if s.side == "publish" and s.topic]
    subs = [s for s in g.bus if s.side == "subscribe" and s.topic]
    dyn_pub = sum(1 for s in g.bus if s.side == "publish" and not s.topic)
    dyn_sub = sum(1 for s in g.bus if s.side == "subscribe" and not s.topic)
    out: list[Finding] = []
    by_topic: dict[tuple[str, bool], list[BusSite]] = defaultdict(list)
    for s in pubs:
        by_topic[(s.topic, s.pattern)].append(s)
    for (topic, pat), sites in sorted(by_topic.items()):
        if any(topic_matches(s.topic, topic, s.pattern, pat) for s in subs):
            continue
        first = sites[0]
        near = _nearest(topic, subs)
        related = [_evidence(view, s.file, s.line, f"also publishes '{topic}'") for s in sites[1:4]]
        related += [_evidence(view, s.file, s.line, f"closest subscription: '{s.topic}'") for s in near]
        msg = (
            f"topic '{topic}' (written {first.expr}) is published/sent at {len(sites)} site(s) but no "
            f"subscription matches it: searched {len(subs)} subscribe site(s) with static topics, exact and "
            f"pattern; {dyn_sub} subscribe site(s) have non-static topics and were not matched"
            + (f"; closest subscribed topic(s): {', '.join(repr(s.topic) for s in near)}" if near else "")
            + "."
        )
        out.append(
            _finding(
                get_rule("DWA-310").meta,
                view,
                first.file,
                first.line,
                msg,
                related=related,
                properties={"topic": topic, "side": "published-never-subscribed"},
            )
        )
    sub_topics: dict[tuple[str, bool], list[BusSite]] = defaultdict(list)
    for s in subs:
        sub_topics[(s.topic, s.pattern)].append(s)
    for (topic, pat), sites in sorted(sub_topics.items()):
        if any(topic_matches(topic, p.topic, pat, p.pattern) for p in pubs):
            continue
        first = sites[0]
        near = _nearest(topic, pubs)
        related = [_evidence(view, s.file, s.line, f"also subscribes '{topic}'") for s in sites[1:4]]
        related += [_evidence(view, p.file, p.line, f"closest publication: '{p.topic}'") for p in near]
        msg = (
            f"topic '{topic}' (written {first.expr}) is subscribed at {len(sites)} site(s) but nothing "
            f"publishes or sends it: searched {len(pubs)} publish/send site(s) with static topics; "
            f"{dyn_pub} publish site(s) have non-static topics and were not matched"
            + (f"; closest published topic(s): {', '.join(repr(p.topic) for p in near)}" if near else "")
            + ". Its handler never runs."
        )
        out.append(
            _finding(
                get_rule("DWA-311").meta,
                view,
                first.file,
                first.line,
                msg,
                related=related,
                properties={"topic": topic, "side": "subscribed-never-published"},
            )
        )
    return out


def _nearest(topic: str, sites: list[BusSite]) -> list[BusSite]:
    by_topic: dict[str, BusSite] = {}
    for s in sorted(sites, key=lambda s: (s.file, s.line)):
        by_topic.setdefault(s.topic, s)
    names = difflib.get_close_matches(topic, sorted(by_topic), n=2, cutoff=0.75)
    return [by_topic[n] for n in names]


def write_only_findings(view: GraphView) -> list[Finding]:
    """DWA-320 (private field written, never read) and DWA-321 (preset option never read)."""
    g = view.graph
    out: list[Finding] = []
    for f in sorted(g.fields, key=lambda f: (f.file, f.line)):
        # state is written by code and never read: the clear case. A field that only has an
        # initialiser and no use at all holds no state anything produces (an unused `_lock = new()`
        # or cache): dead weight, not lost state, and so common that it would flood reports.
        if f.reads or not f.writes:
            continue
        line = next((n for n, text in view.source.span(f.file, f.line, f.end_line) if f.name in text), f.line)
        writes = ", ".join(str(w) for w in f.writes[:5])
        msg = (
            f"private field {f.name} is written (lines {writes}) but never read: searched every use of the "
            f"name in the declaring type's file(s) and every string literal in the tree (reflection), and "
            f"found only assignments."
        )
        related = [_evidence(view, f.file, w, "write") for w in f.writes[:3]]
        out.append(
            _finding(
                get_rule("DWA-320").meta,
                view,
                f.file,
                line,
                msg,
                related=related,
                confidence="high",
                properties={"symbol": f.qualname, "reason": "write-only-field"},
            )
        )
    sets: dict[str, list] = defaultdict(list)
    reads: dict[str, int] = defaultdict(int)
    for o in g.options:
        if o.kind == "set":
            sets[o.option].append(o)
        else:
            reads[o.option] += 1
    for option, sites in sorted(sets.items()):
        if reads.get(option):
            continue
        prop = g.methods.get(option)
        if prop is None:
            continue
        presets = sorted({s.scope.rsplit(".", 1)[-1] for s in sites})
        msg = (
            f"option {prop.name} is set by preset(s) {', '.join(presets)} but no production code reads it: "
            f"searched every production use of the name outside the preset factories; the setting has no "
            f"effect."
        )
        related = [_evidence(view, s.file, s.line, f"set in {s.scope.rsplit('.', 1)[-1]}") for s in sites[:4]]
        out.append(
            _finding(
                get_rule("DWA-321").meta,
                view,
                prop.file,
                prop.start_line,
                msg,
                related=related,
                properties={"symbol": option, "reason": "option-never-read"},
            )
        )
    return out


# --- registration with the rules engine (cross-file rules) -----------------------------------


def _once(view: GraphView, fn, rule: str) -> list[Finding]:
    """`rule`'s part of `fn(view)`, computed once per graph (DWA-301/302/303 share one unwired
    analysis, 310/311 and 320/321 theirs); deep copies, so no caller can alter what the next one
    receives. The graph never changes once built."""
    memo = view.graph.__dict__.setdefault("_checks_memo", {})
    if fn.__name__ not in memo:
        memo[fn.__name__] = fn(view)
    return [f.model_copy(deep=True) for f in memo[fn.__name__] if f.rule == rule]


@index_rule(
    id="DWA-301",
    title="Production type not reachable from any entry point",
    category="unwired-component",
    severity="medium",
    cwe=(561,),
    domains=("wiring",),
)
def unwired_component(store, config) -> list[Finding]:
    """A production class, record, struct or interface that no entry point reaches: never instantiated,
    never discovered by reflection, never registered for DI, not public API, and referenced (if at all)
    only from code that is itself unreachable or from tests."""
    return _once(graph_for(store, config), unwired_findings, "DWA-301")


@index_rule(id="DWA-302", title="Interface with no implementation", category="unwired-component", severity="low", cwe=(561,), domains=("wiring",))
def interface_without_implementation(store, config) -> list[Finding]:
    """An interface that no type in the tree implements: calls through it can never run real code."""
    return _once(graph_for(store, config), unwired_findings, "DWA-302")


@index_rule(
    id="DWA-303",
    title="Decorator or interceptor never wrapped",
    category="unwired-component",
    severity="high",
    cwe=(561,),
    domains=("wiring", "security"),
)
def wrapper_never_wrapped(store, config) -> list[Finding]:
    """A type named like a decorator/interceptor/middleware that nothing constructs or registers, so the
    behaviour it adds (often access control, auditing or validation) never runs."""
    return _once(graph_for(store, config), unwired_findings, "DWA-303")


@index_rule(id="DWA-310", title="Topic published but never subscribed", category="orphan-topic", severity="medium", domains=("wiring",))
def topic_never_subscribed(store, config) -> list[Finding]:
    """A bus topic that is published or sent but that no subscription (exact or pattern) receives."""
    return _once(graph_for(store, config), orphan_topic_findings, "DWA-310")


@index_rule(id="DWA-311", title="Topic subscribed but never published", category="orphan-topic", severity="medium", domains=("wiring",))
def topic_never_published(store, config) -> list[Finding]:
    """A bus subscription whose topic nothing publishes or sends: its handler never runs."""
    return _once(graph_for(store, config), orphan_topic_findings, "DWA-311")


@index_rule(id="DWA-320", title="Private field written but never read", category="dead-code", severity="low", cwe=(563,), domains=("readiness",))
def write_only_field(store, config) -> list[Finding]:
    """A private field that is assigned but never read: state that is kept and never used."""
    return _once(graph_for(store, config), write_only_findings, "DWA-320")


@index_rule(id="DWA-321", title="Preset option set but never read", category="dead-code", severity="low", cwe=(563,), domains=("readiness", "tiers"))
def option_never_read(store, config) -> list[Finding]:
    """An option property that configuration presets set but that no production code reads: the preset
    promises a behaviour that nothing implements. Low severity on purpose: the tier checker turns the
    same fact into the verdict of every tier that requires the option, so the finding is its evidence,
    not a second penalty on the code's domain."""
    return _once(graph_for(store, config), write_only_findings, "DWA-321")


def wiring_findings(store, config=None) -> list[Finding]:
    """All DWA-3xx findings for an index store, sorted."""
    view = graph_for(store, config)
    found = unwired_findings(view) + orphan_topic_findings(view) + write_only_findings(view)
    return sorted(found, key=Finding.sort_key)


# the dead-code rules (DWA-330/331) live in their own module; importing it registers them
from dwagent.tools.graph import deadcode as _deadcode  # noqa: E402,F401
