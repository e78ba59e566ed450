"""Weak random into a security value (CWE-338), for C# and Python: a dependency trace on the
syntax tree, not a guess from the name of the method around `new Random()`.

A *draw* is a call on a predictable generator (`System.Random`, `Random.Shared`, the `random`
module, `random.Random()`; the model is `weak_random` in `models/<language>.yaml`). A *security
value* (a sink) is: a variable, field, property, keyword argument or dictionary key whose name says
token/password/key/IV/nonce/salt/session id/OTP... and not jitter/sampling/shuffle/test
(`models/weak_random.yaml`); the return value of a function so named; or an argument of a crypto
API that must be unpredictable (`secret` in `models/<language>-sinks.yaml`: cipher keys and IVs,
HMAC keys, salts).

`WeakRandom(ctx).flows()` yields, per draw, the path to the first security value it reaches: the
draw itself, each local definition on the way (assignments, `+=`, builder calls such as
`sb.Append(c)`, `rng.NextBytes(buf)` filling a buffer, in-file calls whose return carries it,
indices such as `chars[rng.Next(n)]`), and the sink. Depth-bounded and deterministic. A value
that depends on a draw only through a length or a loop bound still counts: the path is shown so
the reader can judge it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import yaml

from dwagent.tools.dataflow.flow import Hop
from dwagent.tools.dataflow.model import load_model
from dwagent.tools.dataflow.sinks import csharp_sink_sites, python_sink_sites
from dwagent.tools.syntax.tree import ancestor, arguments, callee, camel_words, descendants, line, name_of, text, unwrap

MAX_DEPTH = 6


@cache
def _words() -> dict[str, frozenset[str]]:
    raw = yaml.safe_load((Path(__file__).resolve().parent / "models" / "weak_random.yaml").read_text(encoding="utf-8"))
    return {k: frozenset(v) for k, v in raw.items()}


def secret_strength(name: str) -> str:
    """'strong' when a name says it holds a secret, 'weak' when it may, '' otherwise (harmless
    words win: `retryJitter`, `partitionKey`, `maxTokens`)."""
    w = _words()
    words = camel_words(name.strip("_'\""))
    if not words or set(words) & w["harmless"]:
        return ""
    if set(words) & w["strong"]:
        return "strong"
    for i, word in enumerate(words):
        if word in ("key", "keys") and i > 0 and words[i - 1] in w["key_qualifiers"]:
            return "strong"
    return "weak" if set(words) & w["weak"] else ""


def _strong(name: str) -> bool:
    return secret_strength(name) == "strong"


def security_name(name: str) -> bool:
    """A name whose words say it (may) hold a security value, and nothing marks it harmless."""
    return bool(secret_strength(name))


@dataclass(frozen=True)
class _Lang:
    call: str
    ident: str
    functions: tuple[str, ...]
    ret: str


_LANGS = {
    "csharp": _Lang(
        "invocation_expression", "identifier", ("method_declaration", "constructor_declaration", "local_function_statement"), "return_statement"
    ),
    "python": _Lang("call", "identifier", ("function_definition",), "return_statement"),
}


@dataclass(frozen=True)
class WeakFlow:
    """A draw (line) that reaches a security value, with the path (source first)."""

    draw_line: int
    draw: str
    sink: str
    hops: tuple[Hop, ...]
    strong: bool = True


class WeakRandom:
    """Weak-random questions about one file."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.lang = _LANGS[ctx.language]
        self.model = load_model(ctx.language)
        self._memo: dict[tuple, tuple[Hop, ...] | None] = {}

    # ---- draws ------------------------------------------------------------------------------------
    def _callee(self, call) -> tuple[str, str]:
        if self.ctx.language == "python":
            from dwagent.tools.syntax.python import call_name

            return call_name(self.ctx, call)
        return callee(self.ctx, call)

    @cached_property
    def _generators(self) -> frozenset[str]:
        """Names declared in this file as a predictable generator (fields, locals, parameters)."""
        ctx, out = self.ctx, set()
        if ctx.language == "csharp":
            types = self.model.pattern("weak_random", "types")
            for d in descendants(ctx.tree.root_node, "variable_declarator"):
                decl = d.parent
                typ = text(ctx, decl.child_by_field_name("type")) if decl is not None and decl.type == "variable_declaration" else ""
                value = text(ctx, d.named_children[-1]) if len(d.named_children) > 1 else ""
                if (types is not None and types.match(typ)) or re.match(r"new\s+(System\.)?Random\s*\(", value) or self._shared(value):
                    out.add(name_of(ctx, d))
            for p in descendants(ctx.tree.root_node, "parameter"):
                if types is not None and types.match(text(ctx, p.child_by_field_name("type"))):
                    out.add(text(ctx, p.child_by_field_name("name")))
            for p in descendants(ctx.tree.root_node, "property_declaration"):
                if types is not None and types.match(text(ctx, p.child_by_field_name("type"))):
                    out.add(name_of(ctx, p))
        else:
            ctor = self.model.pattern("weak_random", "constructors")
            for a in descendants(ctx.tree.root_node, "assignment"):
                right = a.child_by_field_name("right")
                if right is not None and right.type == "call" and ctor is not None:
                    obj, name = self._callee(right)
                    if ctor.match(f"{obj + '.' if obj else ''}{name}"):
                        out.add(text(ctx, a.child_by_field_name("left")))
                        out.add(text(ctx, a.child_by_field_name("left")).removeprefix("self."))
        return frozenset(out)

    @cached_property
    def _imported_draws(self) -> frozenset[str]:
        """`from random import choice, randint`: bare names that are draws (Python)."""
        if self.ctx.language != "python":
            return frozenset()
        out: set[str] = set()
        for m in re.finditer(r"(?m)^\s*from\s+random\s+import\s+([\w ,]+)", self.ctx.text):
            out.update(n.strip().split(" as ")[-1] for n in m.group(1).split(","))
        return frozenset(out)

    def _declared(self, call) -> tuple[Hop, ...]:
        """A hop at the declaration of the named generator a draw uses (none for inline ones)."""
        recv = self._callee(call)[0].removeprefix("this.").removeprefix("self.")
        if recv not in self._generators:
            return ()
        for d in descendants(self.ctx.tree.root_node, "variable_declarator" if self.ctx.language == "csharp" else "assignment"):
            n = name_of(self.ctx, d) if self.ctx.language == "csharp" else text(self.ctx, d.child_by_field_name("left")).removeprefix("self.")
            if n == recv and line(d) != line(call):
                return (Hop(line(d), f"`{recv}` is a predictable generator"),)
        return ()

    def _shared(self, recv: str) -> bool:
        shared = self.model.pattern("weak_random", "shared")
        return shared is not None and bool(shared.match(recv.strip()))

    def draw(self, call) -> str:
        """The draw's label when `call` takes a value from a predictable generator, else ''."""
        recv, name = self._callee(call)
        draws = self.model.pattern("weak_random", "draws")
        if draws is None or not draws.match(name):
            return ""
        if self.ctx.language == "csharp":
            r = recv.removeprefix("this.")
            if self._shared(r) or re.match(r"new\s+(System\.)?Random\s*\(", r) or r in self._generators:
                return f"{recv}.{name}"
            return ""
        modules = self.model.pattern("weak_random", "modules")
        if (
            (not recv and name in self._imported_draws)
            or (modules is not None and modules.match(recv))
            or recv in self._generators
            or recv.removeprefix("self.") in self._generators
        ):
            return f"{recv + '.' if recv else ''}{name}"
        return ""

    # ---- dependency ---------------------------------------------------------------------------
    def depends(self, expr, depth: int = MAX_DEPTH) -> tuple[Hop, ...] | None:
        """The path from a draw to `expr` (source first), or None when no draw reaches it."""
        if expr is None:
            return None
        key = (expr.start_byte, expr.end_byte, depth)
        if key in self._memo:
            return self._memo[key]
        self._memo[key] = None  # cycle guard
        found = self._depends(expr, depth)
        self._memo[key] = found
        return found

    def _depends(self, expr, depth: int) -> tuple[Hop, ...] | None:
        ctx, lang = self.ctx, self.lang
        calls = sorted(descendants(expr, lang.call), key=lambda n: n.start_byte)
        for c in calls:
            label = self.draw(c)
            if label:
                return self._declared(c) + (Hop(line(c), f"`{label}` draws from a predictable generator"),)
        if depth <= 0:
            return None
        fn = ancestor(expr, lang.functions)
        if fn is not None:
            for ident in sorted(descendants(expr, lang.ident), key=lambda n: n.start_byte):
                name = text(ctx, ident)
                for node, value, note in self._defs(fn, name, expr):
                    if value is None:  # a fill: the draw itself defines the buffer
                        return self._declared(node) + (Hop(line(node), f"`{note}` fills `{name}` from a predictable generator"),)
                    path = self.depends(value, depth - 1)
                    if path:
                        return path + (Hop(line(node), note),)
        for c in calls:
            target = self._resolve(c)
            if target is None:
                continue
            for r in descendants(target, lang.ret, stop=("lambda_expression", "lambda")):
                vals = [v for v in r.named_children if v.type != "comment"]
                path = self.depends(vals[0], depth - 1) if vals else None
                if path:
                    return path + (Hop(line(c), f"returned by `{name_of(ctx, target)}`"),)
        return None

    def _defs(self, fn, name: str, use):
        """(node, value, note) definitions of local `name` before `use` in `fn`; value None for a fill."""
        ctx, out = self.ctx, []
        builders = self.model.pattern("weak_random", "builders")
        fills = self.model.pattern("weak_random", "fills")
        for n in descendants(fn, "variable_declarator") if ctx.language == "csharp" else ():
            if n.start_byte < use.start_byte and name_of(ctx, n) == name and len(n.named_children) > 1:
                out.append((n, n.named_children[-1], f"`{name}` = `{_short(text(ctx, n.named_children[-1]))}`"))
        assign = "assignment_expression" if ctx.language == "csharp" else "assignment"
        for n in descendants(fn, assign) + (descendants(fn, "augmented_assignment") if ctx.language == "python" else []):
            left = n.child_by_field_name("left")
            if left is not None and left.type in ("element_access_expression", "subscript"):
                left = left.child_by_field_name("expression") or left.child_by_field_name("value") or left  # `buf[i] = v` defines buf
            if n.start_byte < use.start_byte and left is not None and text(ctx, left) == name:
                right = n.child_by_field_name("right")
                out.append((n, right, f"`{name}` = `{_short(text(ctx, right))}`"))
        for c in descendants(fn, self.lang.call):
            if c.start_byte >= use.start_byte:
                continue
            recv, cname = self._callee(c)
            if recv == name and builders is not None and builders.match(cname):
                args = c.child_by_field_name("arguments")
                out.append((c, args, f"`{_short(text(ctx, c))}` appended"))
            elif fills is not None and fills.match(cname) and self.draw(c) and any(text(ctx, unwrap(a)) == name for a in arguments(c)):
                out.append((c, None, self.draw(c)))
        if ctx.language == "python":
            for f in descendants(fn, "for_statement"):
                if f.start_byte < use.start_byte and name in text(ctx, f.child_by_field_name("left")).replace(",", " ").split():
                    out.append((f, f.child_by_field_name("right"), f"`{name}` iterates `{_short(text(ctx, f.child_by_field_name('right')))}`"))
        out.sort(key=lambda d: d[0].start_byte)
        return out

    @cached_property
    def _functions(self) -> dict[str, list]:
        out: dict[str, list] = {}
        for f in descendants(self.ctx.tree.root_node, self.lang.functions[0]):
            out.setdefault(name_of(self.ctx, f), []).append(f)
        return out

    @cached_property
    def draws(self) -> list:
        """Every draw call of the file, in order."""
        return sorted((c for c in descendants(self.ctx.tree.root_node, self.lang.call) if self.draw(c)), key=lambda n: n.start_byte)

    def _resolve(self, call):
        recv, name = self._callee(call)
        if recv not in ("", "this", "self", "cls"):
            return None
        found = self._functions.get(name, [])
        return found[0] if len(found) == 1 else None

    # ---- sinks --------------------------------------------------------------------------------
    def sinks(self) -> list[tuple[Any, Any, str, bool]]:
        """(node, expression, label, strong) of every security value in the file; strong when
        the name says it is a secret or it is a crypto API argument, weak when it only may be."""
        ctx, out = self.ctx, []
        cs = ctx.language == "csharp"
        if cs:
            for d in descendants(ctx.tree.root_node, "variable_declarator"):
                if len(d.named_children) > 1 and security_name(name_of(ctx, d)):
                    out.append((d, d.named_children[-1], f"`{name_of(ctx, d)}`", _strong(name_of(ctx, d))))
            for p in descendants(ctx.tree.root_node, "property_declaration"):
                v = p.child_by_field_name("value")
                if v is not None and security_name(name_of(ctx, p)):
                    out.append((p, v, f"`{name_of(ctx, p)}`", _strong(name_of(ctx, p))))
        for a in descendants(ctx.tree.root_node, "assignment_expression" if cs else "assignment"):
            left = a.child_by_field_name("left")
            target = _target_name(ctx, left)
            if target and security_name(target):
                out.append((a, a.child_by_field_name("right"), f"`{_short(text(ctx, left), 40)}`", _strong(target)))
        if not cs:
            for k in descendants(ctx.tree.root_node, "keyword_argument"):
                if security_name(text(ctx, k.child_by_field_name("name"))):
                    kname = text(ctx, k.child_by_field_name("name"))
                    out.append((k, k.child_by_field_name("value"), f"`{kname}=`", _strong(kname)))
            for pair in descendants(ctx.tree.root_node, "pair"):
                key = pair.child_by_field_name("key")
                if key is not None and key.type == "string" and security_name(text(ctx, key)):
                    out.append((pair, pair.child_by_field_name("value"), f"key {_short(text(ctx, key), 30)}", _strong(text(ctx, key))))
        for fn in descendants(ctx.tree.root_node, self.lang.functions[0]):
            if not security_name(name_of(ctx, fn)):
                continue
            body = fn.child_by_field_name("body")
            rets = [r for r in descendants(fn, self.lang.ret, stop=("lambda_expression", "lambda", "local_function_statement"))]
            exprs = [v for r in rets for v in r.named_children[:1] if v.type != "comment"]
            if body is not None and body.type == "arrow_expression_clause" and body.named_children:
                exprs.append(body.named_children[0])
            arrow = [c for c in fn.named_children if c.type == "arrow_expression_clause"]
            exprs += [c.named_children[0] for c in arrow if c.named_children]
            out.extend((e, e, f"the value returned by `{name_of(ctx, fn)}`", _strong(name_of(ctx, fn))) for e in exprs)
        sites = python_sink_sites(ctx, "secret") if not cs else csharp_sink_sites(ctx, "secret")
        out.extend((s.node, s.expr, f"the {s.label} argument", True) for s in sites)
        uniq = {(n.start_byte, e.start_byte): (n, e, label, strong) for n, e, label, strong in out if e is not None}
        return [uniq[k] for k in sorted(uniq)]

    def flows(self) -> list[WeakFlow]:
        """One WeakFlow per draw that reaches a security value (the first sink in file order)."""
        seen: dict[int, WeakFlow] = {}
        if not self.draws:
            return []
        for node, expr, label, strong in sorted(self.sinks(), key=lambda s: not s[3]):  # strong sinks first
            path = self.depends(expr)
            if not path:
                continue
            first = next(h for h in path if "predictable generator" in h.note and not h.note.endswith("is a predictable generator"))
            if first.line in seen:
                continue
            what = "a security value" if strong else "a value whose name suggests a security value"
            hops = path + (Hop(line(node), f"reaches {label}, {what}"),)
            seen[first.line] = WeakFlow(first.line, first.note.split("`")[1], label, _dedupe(hops), strong)
        return [seen[k] for k in sorted(seen)]


def _target_name(ctx, left) -> str:
    """The name an assignment target gives its value: `x`, `obj.Prop`, `self.attr`, `d["key"]`."""
    if left is None:
        return ""
    t = text(ctx, left)
    if left.type in ("subscript", "element_access_expression"):
        m = re.search(r"\[\s*['\"]([\w-]+)['\"]\s*\]$", t)
        return m.group(1) if m else ""
    return re.split(r"[.]", t)[-1] if re.fullmatch(r"[\w.]+", t) else ""


def _short(s: str, n: int = 50) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


def _dedupe(hops):
    out: list[Hop] = []
    for h in hops:
        if not out or out[-1] != h:
            out.append(h)
    return tuple(out)


def weak_random_hits(ctx):
    """The Hits of the weak-random rules (DWA-142, DWA-422): high where a draw reaches a value
    named as a secret or a crypto API argument (path as hops), medium where the name only may
    hold one (a session id, a code, a bare key); medium for a draw inside a function named for a
    secret, or a generator field so named, when no security value is traced; nothing otherwise."""
    from dwagent.tools.syntax.hit import Hit

    wr = WeakRandom(ctx)
    flows = wr.flows()
    fix = "use RandomNumberGenerator" if ctx.language == "csharp" else "use the secrets module"
    reported = set()
    for f in flows:
        reported.add(f.draw_line)
        why = "" if f.strong else " (its name only suggests a security value: a session id, a code or a bare key; medium)"
        yield Hit(
            f.draw_line,
            f.draw_line,
            f"`{f.draw}` is predictable and reaches {f.sink}{why}; {fix}",
            severity="high" if f.strong else "medium",
            confidence="high" if f.strong else "medium",
            hops=tuple((h.line, h.note) for h in f.hops),
        )
    for c in wr.draws:
        label = wr.draw(c)
        if line(c) in reported:
            continue
        fn = ancestor(c, wr.lang.functions)
        if fn is not None and _strong(name_of(ctx, fn)):
            reported.add(line(c))
            yield Hit(
                line(c),
                line(c),
                f"`{label}` is predictable in `{name_of(ctx, fn)}`, named for a security value (no security value traced: medium); {fix}",
                severity="medium",
                confidence="medium",
            )
    if ctx.language == "csharp":
        for d in descendants(ctx.tree.root_node, "variable_declarator"):
            field = ancestor(d, ("field_declaration", "property_declaration")) is not None
            if field and name_of(ctx, d) in wr._generators and _strong(name_of(ctx, d)) and line(d) not in reported:
                reported.add(line(d))
                yield Hit(
                    line(d),
                    line(d),
                    f"`{name_of(ctx, d)}` is a predictable generator named for a security value (medium); {fix}",
                    severity="medium",
                    confidence="medium",
                )
