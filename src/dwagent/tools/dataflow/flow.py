"""Values of the data-flow core: where a value comes from (an Origin), the path it took (Hops),
and the severity a sink finding may claim from that evidence.

Trust levels, strongest first. Only `untrusted` (data an outside party controls: request data,
socket bytes, message payloads, uploads) and `stored` values used as values (rows read back,
written by users earlier: second order) let a finding be critical or high; the others are
written into the finding's message as the reason its severity is lower.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

# rank: higher = more dangerous. `member` is object state set elsewhere (an injected dependency,
# a property of a base class): not demonstrated to be input, so it ranks with configuration.
TRUST_RANK: dict[str, int] = {
    "untrusted": 6,
    "lower": 5,  # command line, environment, console
    "stored": 4,  # read back from a database or file (second order)
    "param": 3,  # a parameter of a method whose callers are not in view
    "unknown": 2,  # a call or member the core cannot see into
    "member": 1,  # state of the object, set by code or operator configuration
    "config": 0,  # options classes, IConfiguration, settings files
}

TRUST_WORDS: dict[str, str] = {
    "untrusted": "untrusted input",
    "lower": "command-line/environment input (lower trust)",
    "stored": "a value read back from storage (second order)",
    "param": "a caller-supplied parameter (no untrusted source demonstrated)",
    "unknown": "a value the analysis cannot trace (no untrusted source demonstrated)",
    "member": "object state set elsewhere (no untrusted source demonstrated)",
    "config": "operator configuration",
}


@dataclass(frozen=True)
class Hop:
    """One step of a path: a 1-based line of the analysed file and what happens there."""

    line: int
    note: str


@dataclass(frozen=True)
class Origin:
    """One source a value may come from, with the hops from that source to the current point
    (source first). `identifier` marks a value spliced into SQL where an identifier (table,
    schema, column) goes rather than a value."""

    trust: str
    label: str
    hops: tuple[Hop, ...] = ()
    param: str = ""  # for trust == "param": the parameter's name (summaries substitute it)
    identifier: bool = False
    catalog: str = ""  # a name read back from this schema-catalog table: an identifier wherever it is spliced

    @property
    def rank(self) -> int:
        return TRUST_RANK[self.trust]

    def via(self, hop: Hop | None) -> Origin:
        """This origin, extended by one more hop (duplicates and None are ignored)."""
        if hop is None or (self.hops and self.hops[-1] == hop):
            return self
        return replace(self, hops=self.hops + (hop,))


def merge(*groups) -> tuple[Origin, ...]:
    """Union of origin groups, one per (trust, label, param, identifier), first path kept,
    capped so a pathological function cannot blow up (the strongest survive)."""
    seen: dict[tuple, Origin] = {}
    for group in groups:
        for o in group:
            key = (o.trust, o.label, o.param, o.identifier)
            if key not in seen:
                seen[key] = o
    out = sorted(seen.values(), key=lambda o: (-o.rank, o.label, o.param, o.identifier))
    return tuple(out[:MAX_ORIGINS])


MAX_ORIGINS = 12


def strongest(origins) -> Origin | None:
    """The most dangerous origin (deterministic: rank, then value context before identifier)."""
    best = None
    for o in origins:
        if best is None or (o.rank, not o.identifier) > (best.rank, not best.identifier):
            best = o
    return best


@dataclass(frozen=True)
class Verdict:
    """What a sink finding may say, decided from its origins: a severity (None: do not report),
    a confidence and the sentence that explains why."""

    severity: str | None
    confidence: str
    reason: str
    origin: Origin | None = field(default=None)


def grade(origins, *, high: str = "high", identifiers_matter: bool = False, raise_lower: bool = False) -> Verdict:
    """Severity from evidence. `high` is the rule's severity with a demonstrated untrusted source;
    everything else is lower and says why. With `identifiers_matter` (SQL), identifiers taken
    from constants, configuration or object state are not injections at all. With `raise_lower`
    (a command run through a shell), command-line and environment input counts as untrusted:
    whoever invokes the tool can run any command through it."""
    best = strongest(origins)
    if best is None:
        return Verdict(None, "high", "only constants reach the sink")
    words = TRUST_WORDS[best.trust]
    if best.trust == "untrusted" or (best.trust == "stored" and not best.identifier):
        # values read back from storage were written by users earlier: second-order input
        return Verdict(high, "high" if best.trust == "untrusted" else "medium", f"{words} `{best.label}` reaches it unguarded", best)
    if raise_lower and best.trust == "lower":
        return Verdict(high, "medium", f"{words} `{best.label}` reaches a shell unguarded", best)
    if identifiers_matter and all(o.identifier for o in origins):
        if best.rank <= TRUST_RANK["member"]:
            return Verdict(None, "high", "identifier from constants, configuration or object state", best)
        if best.catalog:
            return Verdict("low", "low", f"a name read back from the schema catalog `{best.catalog}` (`{best.label}`), not user-written data", best)
        return Verdict("low", "low", f"an identifier from {words} `{best.label}`", best)
    if best.trust in ("lower", "stored", "param"):  # stored here: an identifier (catalog names)
        return Verdict("medium", "medium", f"{words} `{best.label}`", best)
    if best.trust == "unknown":
        return Verdict("medium" if not best.identifier else "low", "low", f"{words} `{best.label}`", best)
    return Verdict("low", "low", f"configuration-controlled: {words} `{best.label}`", best)


class MemoisedFlows:
    """`origins()` shared by the per-language flow classes: memoised per (node span, type, sink
    category), with a recursion guard so a cycle of definitions ends (bounded by MAX_DEPTH). A
    subclass sets `_memo`/`_active` and implements `_eval(expr, category)`; `_unwrap` strips the
    language's parentheses."""

    MAX_DEPTH = 14
    _memo: dict[tuple, tuple[Origin, ...]]
    _active: set[tuple]

    def _unwrap(self, expr):  # pragma: no cover - each language overrides
        return expr

    def _eval(self, expr, category: str) -> tuple[Origin, ...]:  # pragma: no cover - each language overrides
        raise NotImplementedError

    def origins(self, expr, category: str = "all") -> tuple[Origin, ...]:
        """Origins that may reach `expr` for a sink of `category` (its sanitisers applied)."""
        if expr is None:
            return ()
        expr = self._unwrap(expr)
        key = (expr.start_byte, expr.end_byte, expr.type, category)
        if key in self._memo:
            return self._memo[key]
        if key in self._active or len(self._active) > self.MAX_DEPTH:
            return ()
        self._active.add(key)
        try:
            found = merge(self._eval(expr, category))
        finally:
            self._active.discard(key)
        self._memo[key] = found
        return found
