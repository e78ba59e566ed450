"""Web actions followed to the state they change (the web half of DWA-360).

For each controller, SignalR hub and gRPC service action, minimal-API route and Python route whose
authentication is `none` as the code declares it (`web_auth.py`, `python_routes.py`), a bounded walk
over the call graph from the action (resolved calls only: the by-name guesses are not followed) looks
for a state change: the protocol and storage changes the raw listeners are checked for (`dispatch.py`)
plus what an application keeps: repository and database writes, a long-lived service's registry
(`_pools[id] = pool`), a feature or plugin switched on or off, user and account changes. An open
action that reaches one is reported with the hop path from the action to the write.

Not reported, with the reason in the rule's documentation: actions that authenticate (declared or in
their body), actions anonymous by explicit `[AllowAnonymous]` (a recorded decision), read-only actions
(no state change reached), and operational or discovery endpoints (health, metrics, version, static
files, client configuration). Sign-in and registration actions must be anonymous: when they are all
that reaches a change the finding is medium, and none at all with a rate limit or captcha in sight (on
the action, its type, or a limiter the host's start-up code above its folder adds).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dwagent.models import Finding
from dwagent.tools.graph.api import GraphView
from dwagent.tools.graph.checks import _evidence
from dwagent.tools.graph.dispatch import STATE_CHANGES, Dispatch, Hop, StateChange
from dwagent.tools.graph.entrypoints import EntryPoint
from dwagent.tools.rules.csharp.endpoints import AUTH_FLOW_WORDS, OPERATIONAL_WORDS
from dwagent.tools.syntax.tree import camel_words

WEB_KINDS = frozenset({"controller", "hub", "grpc-service"})
# state an application keeps (checked after the protocol/storage kinds of dispatch.STATE_CHANGES)
APP_STATE: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (k, re.compile(p))
    for k, p in (
        (
            "database write",
            r"\b_?\w*(?:[Rr]epository|[Rr]epo|[Ss]tore|[Dd]b|DbContext|[Cc]ollection|[Tt]able)\s*\.\s*"
            r"(?:Create|Insert|Update|Upsert|Delete|Replace|Remove|Save|Add|Put|Execute)\w*\s*\(|\bSaveChanges(?:Async)?\s*\(|"
            r"\bdb\.session\.(?:add|delete|commit|merge)\s*\(|\.objects\.(?:create|bulk_create|update_or_create|get_or_create)\s*\(|"
            r"\.(?:insert|update|delete|replace)_(?:one|many)\s*\(|\.execute\(\s*f?['\"](?:INSERT|UPDATE|DELETE)\b",
        ),
        (
            "user/account change",
            r"\b_?\w*[Uu]ser[Mm]anager\s*\.\s*(?:Create|Update|Delete|AddToRole|RemoveFromRole|AddPassword|ChangePassword|"
            r"ResetPassword|SetUserName|SetEmail|AddClaim|RemovePassword)\w*\s*\(|\bset_password\s*\(|\.is_(?:superuser|staff|admin)\s*=[^=]",
        ),
        ("feature switched", r"\.\s*(?:Is)?(?:Enabled|Disabled|Active)\s*=\s*[^=]|\.\s*(?:enabled|is_enabled|active)\s*=\s*(?:True|False)\b"),
        (
            "service registry",
            r"\b_(?!\w*(?:[Cc]ache|[Ll]og|[Mm]etric|[Cc]ounter|[Ss]tat))\w+\s*(?:\[[^\]]+\]\s*=[^=>]|\.\s*(?:TryAdd|AddOrUpdate|TryRemove|TryUpdate)\s*\()|"
            r"\bself\._(?!\w*(?:cache|log|metric|stat))\w+\s*\[[^\]]+\]\s*=[^=]|\b[A-Z][A-Z0-9_]{2,}\s*\[[^\]]+\]\s*=[^=]|"
            r"\b[A-Z][A-Z0-9_]{2,}\.(?:append|add|update|pop|remove|clear|setdefault)\s*\(",
        ),
    )
)
# operational and discovery endpoints, anonymous by design, besides the DWA-181 probe words
DISCOVERY_WORDS = frozenset({"config", "configs", "configuration", "discovery", "wellknown", "well", "known", "openid", "jwks"})
THROTTLE = re.compile(r"(?i)captcha|EnableRateLimiting|RateLimit\w*|Throttl\w*|limiter\.limit|@limiter\b")


HOST_LIMITERS = ("UseIpRateLimiting", "AddIpRateLimiting", "UseRateLimiter", "AddRateLimiter", "UseMiddleware", "Limiter")


class ActionDispatch(Dispatch):
    """The dispatch walk for web actions: resolved edges only in C# (a by-name guess from a controller
    reaches every same-named method of a large tree), by-name too in Python (its only call resolution);
    application state counts as a change."""

    def __init__(self, graph, source) -> None:
        super().__init__(graph, source)
        self._app: dict[str, tuple[str, int, str] | None] = {}

    def takes(self, e) -> bool:
        return super().takes(e) and (e.kind != "by-name" or e.file.endswith(".py"))

    def change_in(self, member: str) -> tuple[str, int, str] | None:
        found = super().change_in(member)
        if found is not None:
            return found
        if member not in self._app:
            hit = None
            for n, text in self.body(member):
                s = text.strip()
                if s.startswith(("//", "#", "*")):
                    continue
                kind = next((k for k, p in APP_STATE if p.search(s)), None)
                if kind:
                    hit = (kind, n, s)
                    break
            self._app[member] = hit
        return self._app[member]


@dataclass(frozen=True, slots=True)
class OpenAction:
    """An unauthenticated action and the state changes its calls reach."""

    member: str
    auth_evidence: str
    changes: tuple[StateChange, ...]
    flow: bool  # a sign-in/registration step (anonymous by necessity)
    lead: dict[str, Hop] | None = None  # minimal-API lambda: the call from the route's line into each root


def _words(view: GraphView, member: str) -> set[str]:
    m = view.graph.methods.get(member)
    if m is None:
        return set()
    words = set(camel_words(m.name)) - {"get", "async", "post", "put"}
    words |= {a + b for a, b in zip(camel_words(m.name), camel_words(m.name)[1:])}
    head = " ".join(t for _n, t in view.source.span(m.file, m.start_line, m.start_line + 6))
    for route in re.findall(r"['\"]([^'\"]*)['\"]", head):
        words |= {w for part in re.split(r"[^A-Za-z0-9]+", route) for w in camel_words(part)}
    return words


def operational(view: GraphView, member: str) -> bool:
    """Named or routed as a probe/metrics/version/static/configuration-discovery endpoint only."""
    m = view.graph.methods.get(member)
    if m is None:
        return False
    name = set(camel_words(m.name)) - {"get", "async", "installed", "latest", "server", "web", "api", "check", "probe"}
    return bool(name) and name <= OPERATIONAL_WORDS | DISCOVERY_WORDS


def open_actions(view: GraphView, ep: EntryPoint, d: ActionDispatch) -> list[OpenAction]:
    """The entry point's unauthenticated actions that reach a state change."""
    if ep.kind in WEB_KINDS or (ep.kind == "http-endpoint" and ep.actions):
        candidates = [(member, ev) for member, auth, ev in ep.actions if auth == "none"]
    elif ep.kind == "http-endpoint" and ep.auth == "none":
        candidates = [("", ep.auth_evidence)]  # a minimal-API lambda: its calls are the scope's edges on its lines
    else:
        return []
    out = []
    for member, ev in candidates:
        if member and operational(view, member):
            continue
        lead = None if member else _lambda_targets(view, ep)
        roots = [member] if member else sorted(lead or {})
        _order, changes = d.walk(roots, opener=False) if roots else ([], [])
        changes = [c for c in changes if not c.authenticated_by]
        if changes:
            flow = bool(member) and bool(_words(view, member) & AUTH_FLOW_WORDS)
            out.append(OpenAction(member or ep.scope, ev, tuple(changes), flow, lead))
    return out


def _lambda_targets(view: GraphView, ep: EntryPoint) -> dict[str, Hop]:
    """Members a minimal-API handler lambda calls (the route's scope's resolved edges on the lambda's
    lines), each with the call site that reaches it."""
    depth, end = 0, ep.line
    for n, text in view.source.span(ep.file, ep.line, ep.line + 60):
        depth += text.count("(") - text.count(")")
        end = n
        if depth <= 0 and n >= ep.line:
            break
    out: dict[str, Hop] = {}
    for e in view.graph.out_edges(ep.scope):
        target = view.graph.methods.get(e.dst)
        if ep.line <= e.line <= end and e.kind != "by-name" and target is not None and target.role == "production":
            out.setdefault(e.dst, Hop(e.dst, e.file, e.line, e.kind))
    return out


def web_state_change_findings(view: GraphView, finding, exposure) -> list[Finding]:
    """DWA-360 for web entry points: one finding per entry point whose open actions reach state changes.
    `finding` and `exposure` are boundary_checks' finding builder (liveness, the shared root-cause key)
    and exposure severity, so a web entry point is judged like a raw listener."""
    d = ActionDispatch(view.graph, view.source)
    rank = {k: i for i, (k, _p) in enumerate(STATE_CHANGES + APP_STATE)}
    out: list[Finding] = []
    for ep in view.graph.entry_points:
        if ep.kind not in WEB_KINDS and ep.kind != "http-endpoint":
            continue
        opened = open_actions(view, ep, d)
        if not opened:
            continue
        plain = [a for a in opened if not a.flow]
        shown = plain or opened
        first_action = min(shown, key=lambda a: min(rank.get(c.kind, 99) for c in a.changes))
        first = min(first_action.changes, key=lambda c: (rank.get(c.kind, 99), len(c.hops)))
        hops = _lead(view, first_action, first) + first.hops
        related = [_evidence(view, h.file, h.line, f"hop {i + 1}: {h.kind} -> {h.target}") for i, h in enumerate(hops)]
        related.append(_evidence(view, first.file, first.line, f"state change ({first.kind}) in {first.member}"))
        for a in shown:
            if a is first_action:
                continue
            c = a.changes[0]
            related.append(_evidence(view, c.file, c.line, f"also: {a.member.rsplit('.', 1)[-1]} reaches a state change ({c.kind}) in {c.member}"))
        related = related[:12]
        kinds = sorted({c.kind for a in shown for c in a.changes})
        names = ", ".join(ep.detail.split(" (")[0] if a.lead is not None else a.member.rsplit(".", 1)[-1] for a in shown[:6])
        names += " ..." if len(shown) > 6 else ""
        if plain:
            severity, why = exposure(ep)
            msg = (
                f"{ep.kind} {ep.scope.rsplit('.', 1)[-1]}: {len(plain)} action(s) with no authentication reach a state change "
                f"[{', '.join(kinds)}]: {names}; {why}. Auth searched: {first_action.auth_evidence}"
            )
        else:
            throttled = _throttle(view, ep, opened)
            if throttled:
                continue  # sign-up/sign-in must be anonymous; throttled or behind a captcha, it is as designed
            severity = "medium"
            msg = (
                f"{ep.kind} {ep.scope.rsplit('.', 1)[-1]}: sign-in/registration action(s) {names} change state "
                f"[{', '.join(kinds)}] anonymously, as they must, but no rate limiting or captcha was found on them, "
                f"their type or the host's start-up code: anyone can repeat them at will"
            )
        out.append(
            finding(
                "DWA-360",
                view,
                ep,
                msg,
                severity=severity,
                related=related,
                properties={"state_changes": str(sum(len(a.changes) for a in shown)), "hops": str(len(hops)), "open_actions": str(len(shown))},
            )
        )
    return out


def _lead(view: GraphView, action: OpenAction, change: StateChange) -> tuple[Hop, ...]:
    """For a minimal-API lambda, the call from the route into the member the path starts at."""
    if not action.lead:
        return ()
    if not change.hops:
        start = change.member
    else:  # the root whose body holds the first call site
        h = change.hops[0]
        start = next(
            (r for r in action.lead if (m := view.graph.methods.get(r)) is not None and m.file == h.file and m.start_line <= h.line <= m.end_line), ""
        )
    return (action.lead[start],) if start in action.lead else ()


def _throttle(view: GraphView, ep: EntryPoint, opened: list[OpenAction]) -> str:
    """`file:line` of a rate limit or captcha on the actions, their type or in their bodies ('' when none)."""
    spans = [(ep.file, view.source.span(ep.file, max(1, ep.line - 6), ep.line))]
    for a in opened:
        m = view.graph.methods.get(a.member)
        if m is not None:
            spans.append((m.file, view.source.span(m.file, m.start_line, m.end_line)))
    for file, lines in spans:
        for n, text in lines:
            if THROTTLE.search(text):
                return f"{file}:{n}"
    # a rate limiter the host adds for every request, in start-up code above the entry point's folder
    for scope in sorted(view.source.scopes_calling(HOST_LIMITERS)):
        m = view.graph.methods.get(scope)
        if m is None or not ep.file.startswith(m.file.rpartition("/")[0] + "/"):
            continue
        for n, text in view.source.span(m.file, m.start_line, m.end_line):
            if THROTTLE.search(text) and re.search(r"\b(?:Use|Add)\w*", text):
                return f"{m.file}:{n}"
    return ""
