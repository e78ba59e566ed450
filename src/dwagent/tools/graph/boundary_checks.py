"""Design-level checks over the entry-point inventory (DWA-360..369): who on the network can do what.

Each rule reads `graph.entry_points` (see `entrypoints.py`) and the dispatch walk from them
(`dispatch.py`); its evidence is the listener line plus one related location per hop, so a reader
can follow the path from the socket to the state it changes. Every finding of one entry point
shares a `root_cause` key (`entry:<file>:<line>`): one listener missing authentication is one
decision, however many handlers it reaches.

Taxonomy: these reuse the existing categories (`unauthenticated-endpoint`, `tls-bypass`,
`unbounded-growth`) with their own CWE lists, so the eval suite's per-category coverage holds.
"""

from __future__ import annotations

import re

from dwagent.models import Finding
from dwagent.tools.graph.api import GraphView
from dwagent.tools.graph.checks import _evidence
from dwagent.tools.graph.dispatch import STATE_CHANGES, Dispatch
from dwagent.tools.graph.entrypoints import EntryPoint
from dwagent.tools.graph.python_boundaries import fabricated_python_routes, raw_socket_after_tls
from dwagent.tools.graph.web_actions import web_state_change_findings
from dwagent.tools.rules.registry import get_rule, make_finding

RAW_KINDS = frozenset(
    {"tcp-listener", "udp-listener", "http-listener", "socket", "named-pipe", "websocket-server", "message-server", "python-server"}
)
DISCOVERY = re.compile(r"(?i)mdns|discover|gossip|broadcast|multicast|announce|beacon")
BOUND = re.compile(
    r"\bSemaphoreSlim\b|\bSemaphore\b|BoundedChannel|CreateBounded|\bMaxConnections\b|"
    r"\bmax_?connections\b|\basyncio\.Semaphore\b|\bBoundedSemaphore\b|\bThreadPoolExecutor\(\s*max_workers|"
    r"\bParallelOptions\b|\bMaxDegreeOfParallelism\b|\bWaitAsync\s*\("
)
SPAWN = re.compile(
    r"^\s*(?:_\s*=\s*)?(?:Task\.Run\s*\(|Task\.Factory\.StartNew\s*\(|ThreadPool\.QueueUserWorkItem\s*\(|"
    r"new\s+Thread\s*\(|asyncio\.(?:create_task|ensure_future)\s*\(|threading\.Thread\s*\()|"
    r"^\s*_\s*=\s*\w+Async\s*\("
)
AUTHENTICATE_TLS = re.compile(r"\b(\w+)\s*\.\s*AuthenticateAsServer(?:Async)?\s*\(")
CREDENTIAL = re.compile(r"\"Authorization\"|\bBearer\b|\bApiKey\b|\b_apiKey\b|X-Api-Key|\bpassword\b", re.I)


def _root(ep: EntryPoint) -> str:
    return f"entry:{ep.file}:{ep.line}"


LOWER = {"critical": "high", "high": "medium", "medium": "low", "low": "low"}


def _finding(
    rule: str,
    view: GraphView,
    ep: EntryPoint,
    message: str,
    *,
    severity: str,
    related=(),
    properties: dict[str, str] | None = None,
    line: int = 0,
    file: str = "",
) -> Finding:
    meta = get_rule(rule).meta
    file, line = file or ep.file, line or ep.line
    owner = view.graph.types.get(ep.owner)
    if owner is not None and not owner.live:
        # the code graph finds no path from an entry point to this type: the defect ships but may
        # not run today, so it is one step lower and says why
        severity = LOWER[severity]
        message += f" [{owner.name} is not reachable from any entry point in the code graph (see DWA-301): severity lowered one step]"
    f = make_finding(
        meta,
        file,
        line,
        line,
        view.source.line(file, line),
        message,
        scope="production",
        severity=severity,
        related=related,
        properties={"entry_kind": ep.kind, "bind": ep.bind, "tls": ep.tls, "auth": ep.auth, **(properties or {})},
    )
    return f.model_copy(update={"root_cause": _root(ep)})


def exposure_severity(ep: EntryPoint) -> tuple[str, str]:
    """(severity, reason) from reachability: any interface + cleartext is the worst case."""
    if ep.bind == "any" and ep.tls == "none":
        return "critical", "listens on every interface without transport security"
    if ep.bind == "loopback":
        return "medium", "bound to loopback only (local processes can still reach it)"
    if ep.tls in ("tls", "mtls"):
        return "high", "TLS protects the channel but no peer is authenticated"
    return "high", f"bind address {ep.bind}, transport {ep.tls}"


def _raw_entries(view: GraphView) -> list[EntryPoint]:
    return [e for e in view.graph.entry_points if e.kind in RAW_KINDS and e.auth == "none"]


def unauthenticated_state_changes(view: GraphView) -> list[Finding]:
    """DWA-360: per unauthenticated raw entry point, the state changes its dispatch reaches; then the
    web entry points' open actions followed to theirs (`web_actions.py`)."""
    d = Dispatch(view.graph, view.source)
    out: list[Finding] = []
    for ep in _raw_entries(view):
        _order, changes = d.walk(list(ep.roots))
        changes = [c for c in changes if not c.authenticated_by]
        if not changes:
            continue
        severity, why = exposure_severity(ep)
        kinds = sorted({c.kind for c in changes})
        rank = {k: i for i, (k, _p) in enumerate(STATE_CHANGES)}
        first = min(changes, key=lambda c: (rank.get(c.kind, 99), len(c.hops)))
        related = [_evidence(view, h.file, h.line, f"hop {i + 1}: {h.kind} -> {h.target}") for i, h in enumerate(first.hops)]
        related.append(_evidence(view, first.file, first.line, f"state change ({first.kind}) in {first.member}"))
        related += [_evidence(view, c.file, c.line, f"also: state change ({c.kind}) in {c.member}") for c in changes if c is not first][:8]
        msg = (
            f"{ep.kind} ({ep.detail}) reaches {len(changes)} state change(s) [{', '.join(kinds)}] with no sender "
            f"authentication on the path; {why}. Bind: {ep.bind_evidence}. Auth searched: {ep.auth_evidence}"
        )
        out.append(
            _finding(
                "DWA-360",
                view,
                ep,
                msg,
                severity=severity,
                related=related,
                properties={"state_changes": str(len(changes)), "hops": str(len(first.hops))},
            )
        )
    return out + web_state_change_findings(view, _finding, exposure_severity)


def tls_then_raw_stream(view: GraphView) -> list[Finding]:
    """DWA-361: an SslStream authenticated as server, then the raw client/stream used for I/O."""
    out: list[Finding] = []
    candidates = view.source.scopes_calling(("AuthenticateAsServer", "AuthenticateAsServerAsync"))
    for q in sorted(candidates):
        m = view.graph.methods.get(q)
        if m is None or m.role != "production" or m.kind != "method":
            continue
        body = view.source.span(m.file, m.start_line, m.end_line)
        auth_at = next(((n, t) for n, t in body if AUTHENTICATE_TLS.search(t)), None)
        if auth_at is None:
            continue
        raw = next(
            (re.match(r"\s*(?:var|Stream|NetworkStream)?\s*(\w+)\s*=\s*(\w+)\.GetStream\(\)", t) for _n, t in body if ".GetStream()" in t), None
        )
        if raw is None:
            continue
        stream_var, client_var = raw.group(1), raw.group(2)
        after = [(n, t) for n, t in body if n > auth_at[0]]
        uses_client = re.compile(
            rf"\b\w*(?:Receive|Read|Send|Write|Process|Handle)\w*\s*\(\s*{re.escape(client_var)}\b|"
            rf"\b{re.escape(client_var)}\.GetStream\(\)"
        )
        hit = next(((n, t) for n, t in after if uses_client.search(t)), None)
        if hit is None:
            continue
        ep = EntryPoint("tcp-listener", m.file, auth_at[0], q, m.container, "unknown", "", "tls", "", "unknown", "")
        out.append(
            _finding(
                "DWA-361",
                view,
                ep,
                f"TLS is negotiated at line {auth_at[0]} but line {hit[0]} reads/writes through `{client_var}` (the raw "
                f"connection), not the authenticated stream: the negotiated protection never applies to the messages",
                severity="high",
                line=hit[0],
                related=[_evidence(view, m.file, auth_at[0], "TLS handshake")],
                properties={"raw": client_var, "stream": stream_var},
            )
        )
    return out + raw_socket_after_tls(view)


def unverified_discovery(view: GraphView) -> list[Finding]:
    """DWA-362: a discovery listener (mDNS, broadcast, gossip) whose dispatch adds peers unverified."""
    d = Dispatch(view.graph, view.source)
    out: list[Finding] = []
    for ep in view.graph.entry_points:
        if ep.kind not in RAW_KINDS or ep.auth != "none" or not DISCOVERY.search(f"{ep.file} {ep.scope}"):
            continue
        _order, changes = d.walk(list(ep.roots))
        adds = [c for c in changes if c.kind == "membership" and not c.authenticated_by]
        if not adds:
            # a discovery cache fed straight from packets is membership too: look for an insert
            adds = []
            for member in _order:
                for n, t in d.body(member):
                    if re.search(
                        r"\b_?\w*(?:[Dd]iscovered|[Ss]ervices|[Pp]eers|[Nn]odes)\w*\s*(?:\[[^\]]+\]\s*=[^=]|\.\s*"
                        r"(?:Add|TryAdd|AddOrUpdate)\s*\()",
                        t,
                    ):
                        m = view.graph.methods[member]
                        adds.append((m.file, n, member))
                        break
            if not adds:
                continue
            where = [_evidence(view, f, n, f"peer added in {mem}") for f, n, mem in adds[:5]]
        else:
            where = [_evidence(view, c.file, c.line, f"peer added in {c.member}") for c in adds[:5]]
        out.append(
            _finding(
                "DWA-362",
                view,
                ep,
                f"discovery listener ({ep.detail}, bind {ep.bind}) adds peers from any packet without verifying the sender; {ep.auth_evidence}",
                severity="high",
                related=where,
            )
        )
    return out


def unbounded_inbound_work(view: GraphView) -> list[Finding]:
    """DWA-363: an accept/receive loop that starts a task per inbound message with no bound."""
    out: list[Finding] = []
    for ep in view.graph.entry_points:
        if ep.kind not in RAW_KINDS:
            continue
        for root in ep.roots:
            m = view.graph.methods.get(root)
            if m is None:
                continue
            body = view.source.span(m.file, m.start_line, m.end_line)
            text = "\n".join(t for _n, t in body)
            if BOUND.search(text) or not re.search(r"\bwhile\b|\bfor\s*\(\s*;|\bwhile True\b", text):
                continue
            spawn = next(
                (
                    (n, t)
                    for n, t in body
                    if SPAWN.search(t)
                    and re.search(
                        r"(?i)client|conn|handle|socket|"
                        r"request|message|packet",
                        t,
                    )
                ),
                None,
            )
            if spawn is None:
                continue
            out.append(
                _finding(
                    "DWA-363",
                    view,
                    ep,
                    f"each inbound connection/message starts new work (line {spawn[0]}) with no semaphore, "
                    f"bounded channel or connection limit: a peer can exhaust threads and memory",
                    severity="medium",
                    file=m.file,
                    line=spawn[0],
                    related=[_evidence(view, ep.file, ep.line, "the listener")],
                )
            )
            break
    return out


def cleartext_credentials(view: GraphView) -> list[Finding]:
    """DWA-364: a credential accepted by an endpoint on every interface without TLS."""
    out: list[Finding] = []
    for ep in view.graph.entry_points:
        if ep.kind not in ("web-host", "web-app", "http-listener") or ep.bind != "any" or ep.tls != "none":
            continue
        if ep.auth != "required" or not CREDENTIAL.search(ep.auth_evidence):
            continue
        out.append(
            _finding(
                "DWA-364",
                view,
                ep,
                f"the credential check ({ep.auth_evidence}) runs on a listener bound to every interface "
                f"without TLS ({ep.bind_evidence}): the credential crosses the network in clear text",
                severity="high",
            )
        )
    return out


SUCCESS_LITERAL = re.compile(
    r"\b(?:success|ok|acknowledged|executed|accepted)\s*=\s*true\b|\bResults\.Ok\s*\(\s*\)|"
    r"\breturn\s+Ok\s*\(\s*\)|['\"](?:status|result)['\"]\s*:\s*['\"](?:ok|success)['\"]",
    re.I,
)
KEYWORDS = frozenset(
    {
        "new",
        "if",
        "while",
        "for",
        "foreach",
        "switch",
        "return",
        "catch",
        "using",
        "lock",
        "typeof",
        "nameof",
        "sizeof",
        "default",
        "when",
        "elif",
        "not",
        "and",
        "or",
        "in",
        "is",
    }
)
INERT_CALL = re.compile(
    r"^(?:Results|TypedResults|Guid|NewGuid|DateTime|DateTimeOffset|StatusCode|ToString|ToUniversalTime|"
    r"Json|Ok|Accepted|NoContent|_?logger|Log\w*|nameof|string|Math|jsonify|dict)$"
)


def _handler_lines(view: GraphView, ep: EntryPoint, limit: int = 40) -> list[tuple[int, str]]:
    """The route's handler lambda: from the Map call to where its parentheses close."""
    out, depth = [], 0
    for n, text in view.source.span(ep.file, ep.line, ep.line + limit):
        out.append((n, text))
        depth += text.count("(") - text.count(")")
        if depth <= 0 and n > ep.line:
            break
    return out


def fabricated_endpoint_results(view: GraphView) -> list[Finding]:
    """DWA-368: a state-changing route whose handler answers success and calls nothing that works."""
    out: list[Finding] = []
    for ep in view.graph.entry_points:
        if ep.kind != "http-endpoint" or "state-changing" not in ep.detail:
            continue
        lines = _handler_lines(view, ep)
        # the handler's text: after the route pattern, up to where the lambda closes (endpoint
        # conventions chained after it, `.RequireAuthorization()`, are not work)
        body = "\n".join([t for _n, t in lines[1:-1]] + [lines[-1][1].split("})", 1)[0]] if len(lines) > 1 else [])
        ok = next(((n, t) for n, t in lines if SUCCESS_LITERAL.search(t)), None)
        if ok is None or re.search(r"\bawait\b", body):
            continue
        calls = {m.group(1) for m in re.finditer(r"(?:\.|\b)(\w+)\s*\(", body)} - KEYWORDS
        working = sorted(c for c in calls if not INERT_CALL.match(c) and c[:1].isalpha() and not re.search(rf"\bnew\s+{re.escape(c)}\s*\(", body))
        if working:
            continue
        out.append(
            _finding(
                "DWA-368",
                view,
                ep,
                f"{ep.detail}: the handler answers success (line {ok[0]}) but calls nothing that could do "
                f"the work (its only calls build the response): callers are told an operation happened "
                f"that did not",
                severity="high",
                related=[_evidence(view, ep.file, ok[0], "the success answer")],
            )
        )
    return out + fabricated_python_routes(view)
