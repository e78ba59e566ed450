"""Sinks (from `models/<language>-sinks.yaml`) and the one way a data-flow finding is reported.

`csharp_sink_sites(ctx, category)` finds where a value of `category` is consumed; `report(...)`
asks the data-flow core what reaches each site, drops origins that a validator guards, lets the
in-file callers of a method substitute its parameters (a parameter -> sink summary applied
backwards, two levels deep), grades the result by the strongest origin (`flow.grade`) and turns
it into a Hit whose hops are the path from the source to the sink.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache
from typing import Iterable

from dwagent.tools.dataflow.flow import TRUST_RANK, Hop, Origin, grade, merge
from dwagent.tools.dataflow.guards import guarded
from dwagent.tools.dataflow.model import sinks
from dwagent.tools.source_text import source_lines
from dwagent.tools.syntax.hit import Hit
from dwagent.tools.syntax.tree import ancestor, arguments, callee, descendants, line, name_of, nodes, text, unwrap
from dwagent.tools.syntax.tree import hit as make_hit

CALLER_DEPTH = 2
_NOTE_LOCAL = re.compile(r"^`(\w+)` = ")


@dataclass(frozen=True)
class Site:
    """One sink: the node to report, the expression that reaches it, and a label for messages."""

    node: object
    expr: object
    label: str


@dataclass(frozen=True)
class _Spec:
    """One category's sinks with their patterns compiled, plus a cheap whole-file prefilter."""

    calls: tuple
    ctors: tuple
    assignments: tuple
    indexers: tuple
    prefilter: re.Pattern | None


@cache
def _spec(language: str, category: str) -> _Spec:
    raw = sinks(language).get(category) or {}

    def rx(p):
        return re.compile(p) if p else None

    calls = tuple(
        (
            rx(c["name"]),
            rx(c.get("receiver")),
            tuple(c.get("args", [0])),
            rx(c.get("when_text")),
            tuple(c.get("keywords") or ()),
            bool(c.get("skip_method_arg")),
        )
        for c in raw.get("calls") or ()
    )
    ctors = tuple((rx(c["type"]), tuple(c.get("args", [0]))) for c in raw.get("constructors") or ())
    assigns = tuple((rx(a["property"]), rx(a.get("when_text"))) for a in raw.get("assignments") or ())
    indexers = tuple(rx(i["receiver"]) for i in raw.get("indexers") or ())
    words = (
        [c["name"] for c in raw.get("calls") or ()]
        + [c["type"] for c in raw.get("constructors") or ()]
        + [a["property"] for a in raw.get("assignments") or ()]
    )
    # names are full-match patterns; as a prefilter they only need to occur as a word somewhere
    prefilter = re.compile("|".join(f"(?:{w})" for w in words)) if words and not indexers and not raw.get("subscript_assignments") else None
    return _Spec(calls, ctors, assigns, indexers, prefilter)


def _applicable(ctx, spec: _Spec) -> bool:
    return spec.prefilter is None or bool(spec.prefilter.search(ctx.text))


def csharp_sink_sites(ctx, category: str) -> list[Site]:
    """Sink sites of `category` in a C# file, in document order."""
    spec = _spec("csharp", category)
    out: list[Site] = []
    if not _applicable(ctx, spec):
        return out
    calls = [c for c in spec.calls if c[3] is None or c[3].search(ctx.text)]
    if calls:
        for call in nodes(ctx, "invocation_expression"):
            recv, name = callee(ctx, call)
            for name_rx, recv_rx, idx, _, _, _ in calls:
                if name_rx.fullmatch(name) and (recv_rx is None or recv_rx.search(recv)):
                    args = arguments(call)
                    out.extend(Site(call, args[i], f"{recv + '.' if recv else ''}{name}") for i in idx if i < len(args))
                    break
    if spec.ctors:
        for new in nodes(ctx, "object_creation_expression"):
            typ = text(ctx, new.child_by_field_name("type")).split(".")[-1].split("<")[0]
            for type_rx, idx in spec.ctors:
                if type_rx.fullmatch(typ):
                    args = arguments(new)
                    out.extend(Site(new, args[i], f"new {typ}") for i in idx if i < len(args))
                    break
    for prop_rx, when in spec.assignments:
        if when is not None and not when.search(ctx.text):
            continue
        for node in nodes(ctx, "assignment_expression"):
            left = text(ctx, node.child_by_field_name("left"))
            if prop_rx.fullmatch(left.split(".")[-1]):
                out.append(Site(node, node.child_by_field_name("right"), left))
    for recv_rx in spec.indexers:
        for node in nodes(ctx, "assignment_expression"):
            left = unwrap(node.child_by_field_name("left"))
            if left.type == "element_access_expression":
                recv = left.child_by_field_name("expression") or left.named_children[0]
                if recv_rx.search(text(ctx, recv)):
                    out.append(Site(node, node.child_by_field_name("right"), text(ctx, left)))
    out.sort(key=lambda s: (s.node.start_byte, s.expr.start_byte))
    return out


def python_sink_sites(ctx, category: str) -> list[Site]:
    """Sink sites of `category` in a Python file, in document order."""
    from dwagent.tools.syntax.python import call_name

    spec = sinks("python").get(category) or {}
    out: list[Site] = []
    for c in spec.get("calls") or ():
        if c.get("when_text") and not re.search(c["when_text"], ctx.text):
            continue
        for call in nodes(ctx, "call"):
            obj, name = call_name(ctx, call)
            if not re.fullmatch(c["name"], name) or (c.get("receiver") and not re.search(c["receiver"], obj)):
                continue
            argn = call.child_by_field_name("arguments")
            kids = [a for a in (argn.named_children if argn is not None else ()) if a.type != "comment"]
            positional = [a for a in kids if a.type != "keyword_argument"]
            shift = 1 if c.get("skip_method_arg") and name == "request" else 0
            label = f"{obj + '.' if obj else ''}{name}"
            for i in c.get("args", [0]):
                if i + shift < len(positional):
                    out.append(Site(call, positional[i + shift], label))
            for k in kids:
                if k.type == "keyword_argument" and text(ctx, k.child_by_field_name("name")) in (c.get("keywords") or ()):
                    out.append(Site(call, k.child_by_field_name("value"), label))
    for ix in spec.get("subscript_assignments") or ():
        for a in nodes(ctx, "assignment"):
            left = a.child_by_field_name("left")
            if left is not None and left.type == "subscript" and re.search(ix["receiver"], text(ctx, left.child_by_field_name("value"))):
                out.append(Site(a, a.child_by_field_name("right"), text(ctx, left)))
    uniq = {(s.node.start_byte, s.expr.start_byte): s for s in out if s.expr is not None}
    return [uniq[k] for k in sorted(uniq)]


def _names(ctx, expr, origin: Origin) -> list[str]:
    """Names whose validation guards this origin at the sink: identifiers of the sink
    expression, locals the path went through, and the source's own name."""
    names = [text(ctx, i) for i in descendants(expr, "identifier")] if expr is not None else []
    names += [m.group(1) for h in origin.hops for m in [_NOTE_LOCAL.match(h.note)] if m]
    if re.fullmatch(r"\w+", origin.label):
        names.append(origin.label)
    return names


_FUNCTION_NODES = ("method_declaration", "constructor_declaration", "local_function_statement", "function_definition")
_ASSIGN = re.compile(r"(?:\bvar\s+|\b\w+\s+)?(\w+)\s*=[^=]")


def _derived(ctx, site: Site, names: list[str]) -> list[str]:
    """Names plus locals assigned from them (`host = urlparse(url).hostname` validates `url`'s host)."""
    fn = ancestor(site.node, _FUNCTION_NODES)
    if fn is None:
        return names
    out = list(names)
    words = {n for n in names if n}
    for stmt in source_lines(text(ctx, fn)[: max(0, site.node.start_byte - fn.start_byte)]):
        m = _ASSIGN.match(stmt.strip())
        if m and any(re.search(rf"(?<![\w.]){re.escape(w)}\b", stmt[m.end() - 1 :]) for w in words):
            out.append(m.group(1))
    return out


def unguarded(ctx, flows, site: Site, origins, category: str) -> tuple[tuple[Origin, ...], str]:
    """Origins that no validator guards at the site, and the first guard found ('' if none)."""
    kept, why = [], ""
    for o in origins:
        cond = guarded(ctx, flows.model, site.node, _derived(ctx, site, _names(ctx, site.expr, o)), category)
        if cond:
            why = why or cond
        else:
            kept.append(o)
    return tuple(kept), why


def with_callers(ctx, flows, site_node, origins, category: str, depth: int = CALLER_DEPTH):
    """Replace a parameter origin of the enclosing method by what its in-file callers pass, when
    a caller passes something stronger (a private helper called from a controller action)."""
    out = list(origins)
    method = ancestor(site_node, ("method_declaration",))
    if method is None or depth <= 0:
        return tuple(out)
    params = [
        text(ctx, p.child_by_field_name("name"))
        for p in (method.child_by_field_name("parameters").named_children if method.child_by_field_name("parameters") else ())
        if p.type == "parameter"
    ]
    mname = name_of(ctx, method)
    for o in origins:
        if o.trust != "param" or o.param not in params:
            continue
        idx = params.index(o.param)
        for call in nodes(ctx, "invocation_expression"):
            recv, name = callee(ctx, call)
            args = arguments(call)
            if name != mname or recv not in ("", "this") or len(args) != len(params):
                continue
            caller = with_callers(ctx, flows, call, flows.origins(args[idx], category), category, depth - 1)
            for c in caller:
                if c.rank > o.rank:
                    merged = c.via(Hop(line(call), f"passed to `{mname}` as `{o.param}`"))
                    for h in o.hops[1:]:
                        merged = merged.via(h)
                    out.append(replace(merged, identifier=o.identifier))
    return merge(out)


def report(
    ctx,
    flows,
    site: Site,
    category: str,
    *,
    high: str,
    what: str = "",
    fix: str = "",
    min_trust: str = "param",
    identifiers_matter: bool = False,
    origins=None,
    message: str = "",
    at=None,
    max_lines: int = 3,
    ignore: tuple[str, ...] = (),
    pending_params: bool = False,
    raise_lower: bool = False,
) -> Iterable[Hit]:
    """At most one Hit for a sink site, graded by evidence; nothing when no origin of at least
    `min_trust` (and not of a trust in `ignore`) survives the guards. With `pending_params`, a
    finding resting on a parameter is kept only if the cross-file pass finds a caller passing
    untrusted data. `message` replaces the "<what> `<sink>`" opening and `at`
    the reported node (a rule that reports where a string is built rather than run)."""
    found = flows.origins(site.expr, category) if origins is None else origins
    found = with_callers(ctx, flows, site.node, found, category)
    kept, guard = unguarded(ctx, flows, site, found, category)
    kept = tuple(o for o in kept if o.rank >= TRUST_RANK[min_trust] and o.trust not in ignore)
    path_only = (sinks(flows.model.language).get(category) or {}).get("path_sources")
    if path_only:
        kept = tuple(o for o in kept if not re.search(path_only, o.label))
    if min_trust == "param":
        # a method that hands its own parameter to the sink unchanged is an API, not a flaw: the
        # caller decides what goes in (reported there when the caller is in view)
        kept = tuple(o for o in kept if o.trust not in ("param", "unknown") or is_built(o))
    verdict = grade(kept, high=high, identifiers_matter=identifiers_matter, raise_lower=raise_lower)
    if verdict.severity is None or verdict.origin is None:
        return
    o = verdict.origin
    props = [("source", o.label[:80]), ("source_trust", o.trust)]
    props += _param_summary(ctx, site.node, o, category, high)
    if raise_lower and any(k == "flow_function" for k, _ in props):
        props.append(("flow_raise", "untrusted,lower"))
    if pending_params and o.trust == "param":
        if not any(k == "flow_function" for k, _ in props):
            return
        # reported only if a caller in another file passes untrusted data (crossfile.py)
        props.append(("flow_pending", "1"))
    note = f" (a check on the value was found but does not cover this path: `{guard[:60]}`)" if guard else ""
    hops = tuple((h.line, h.note) for h in o.hops) + ((line(site.node), f"reaches `{site.label}`"),)
    opening = message or f"{what} `{site.label}`"
    tail = f"; {fix}" if fix else ""
    yield make_hit(
        at if at is not None else site.node,
        f"{opening}: {verdict.reason}{note}{tail}",
        max_lines=max_lines,
        severity=verdict.severity,
        confidence=verdict.confidence,
        hops=_dedupe(hops),
        properties=tuple(props),
    )


def _param_summary(ctx, node, o: Origin, category: str, high: str) -> list[tuple[str, str]]:
    """A parameter -> sink summary for the cross-file pass (`crossfile.py`): which parameter (by
    position) of which function reaches this sink, so callers in other files can be checked."""
    if o.trust != "param" or not o.param:
        return []
    fn = ancestor(node, ("method_declaration", "function_definition"))
    if fn is None:
        return []
    params = fn.child_by_field_name("parameters")
    names = []
    for p in params.named_children if params is not None else ():
        n = p.child_by_field_name("name") if p.type != "identifier" else p
        if n is None and p.named_children:
            n = p.named_children[0]
        if n is not None and p.type not in ("comment",):
            names.append(text(ctx, n))
    names = [n for n in names if n not in ("self", "cls")]
    if o.param not in names:
        return []
    typ = ancestor(fn, ("class_declaration", "struct_declaration", "record_declaration", "class_definition"))
    return [
        *([("flow_type", name_of(ctx, typ))] if typ is not None and name_of(ctx, typ) else []),
        ("flow_function", name_of(ctx, fn)),
        ("flow_param", o.param),
        ("flow_index", str(names.index(o.param))),
        ("flow_arity", str(len(names))),
        ("flow_category", category),
        ("flow_high", high),
    ]


def is_built(o: Origin) -> bool:
    """Whether the path spliced the value into a larger string on the way."""
    return any("spliced into a string" in h.note or h.note.endswith("appended") for h in o.hops)


def _dedupe(hops):
    out = []
    for h in hops:
        if not out or out[-1] != h:
            out.append(h)
    return tuple(out)
