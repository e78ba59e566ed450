"""The entry-point inventory: every place bytes or calls come in from outside the process.

Found from the index's references (no compiler): listeners and bound sockets (`new TcpListener`,
`new HttpListener`, `new UdpClient(port)`, `socket.Bind(endpoint)`, `NamedPipeServerStream`,
`AcceptWebSocketAsync`, MQTT/CoAP/AMQP server types), web hosts (`WebApplication.Create*`,
`UseUrls`, Kestrel `Listen*`), minimal-API routes (`MapGet`...), ASP.NET controllers, SignalR hubs
and gRPC services (by base type / `ServerCallContext`), message-bus subscriptions (from the
graph's bus sites: a topic handler is an entry point for whoever may publish), assemblies loaded
from a path, and in Python asyncio/socketserver/socket servers, WSGI/ASGI apps and queue
consumers. Each entry carries its bind address, transport security and peer authentication
(see `exposure.py`), each with evidence, and the handlers it dispatches to (`dispatch.py`).

What is missed: listeners created through a factory or a library wrapper whose type name is not
listed here, and routes registered by convention from configuration files.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from dwagent.tools.graph.bus import statement_text
from dwagent.tools.graph.dispatch import Dispatch
from dwagent.tools.graph.exposure import (
    FALLBACK_POLICY,
    Status,
    cite,
    classify_bind,
    classify_tls,
    declaration_line,
    find_auth_step,
    find_key_middleware,
)
from dwagent.tools.graph.model import CodeGraph, TypeNode
from dwagent.tools.graph.python_routes import python_routes
from dwagent.tools.graph.source import SourceLines
from dwagent.tools.graph.web_auth import WebAuth
from dwagent.tools.source_text import source_lines

NETWORK_KINDS = frozenset(
    {
        "tcp-listener",
        "udp-listener",
        "http-listener",
        "socket",
        "named-pipe",
        "websocket-server",
        "message-server",
        "web-host",
        "http-endpoint",
        "controller",
        "hub",
        "grpc-service",
        "python-server",
        "web-app",
    }
)
# type constructed → kind (C# and Python; Python constructs by calling the class)
NEW_KINDS = {
    "TcpListener": "tcp-listener",
    "HttpListener": "http-listener",
    "UdpClient": "udp-listener",
    "NamedPipeServerStream": "named-pipe",
    "QuicListener": "tcp-listener",
    "MqttServer": "message-server",
    "CoapServer": "message-server",
    "WebSocketServer": "websocket-server",
    "TCPServer": "python-server",
    "ThreadingTCPServer": "python-server",
    "UDPServer": "python-server",
    "ThreadingUDPServer": "python-server",
    "HTTPServer": "python-server",
    "ThreadingHTTPServer": "python-server",
    "UnixStreamServer": "python-server",
    "Flask": "web-app",
    "FastAPI": "web-app",
    "Starlette": "web-app",
    "Quart": "web-app",
    "Sanic": "web-app",
    "Celery": "queue-consumer",
}
INVOKE_KINDS = {
    "start_server": "python-server",
    "start_unix_server": "python-server",
    "create_server": "python-server",
    "make_server": "python-server",
    "serve_forever": "",
    "AcceptWebSocketAsync": "websocket-server",
    "CreateMqttServer": "message-server",
    "UseUrls": "web-host",
    "CreateBuilder": "web-host",
    "CreateSlimBuilder": "web-host",
    "CreateEmptyBuilder": "web-host",
    "ConfigureWebHostDefaults": "web-host",
    "ListenAnyIP": "web-host",
    "ListenLocalhost": "web-host",
    "basic_consume": "queue-consumer",
    "MapGet": "http-endpoint",
    "MapPost": "http-endpoint",
    "MapPut": "http-endpoint",
    "MapDelete": "http-endpoint",
    "MapPatch": "http-endpoint",
    "MapMethods": "http-endpoint",
    "LoadFrom": "plugin-load",
    "LoadFile": "plugin-load",
    "LoadFromAssemblyPath": "plugin-load",
    "Bind": "socket",
    "bind": "socket",
    "Application": "web-app",
}
PORT_ONLY_ANY = frozenset({"TcpListener", "UdpClient"})
ACCEPT = re.compile(r"\b(?:Accept\w*|GetContext\w*|Receive\w*|recv\w*|accept|ReadLine\w*|readline|ReadAsync|Read|read)\s*\(")
# an assembly's origin checked before it is loaded: signature, publisher token, known hash
PLUGIN_VERIFY = re.compile(
    r"\bValidate\w*(?:Assembly|Signature|Hash|Security|Publisher)\w*\s*\(|\bVerify\w*(?:Assembly|Signature|"
    r"Hash)\w*\s*\(|\bGetPublicKeyToken\s*\(|\bAuthenticode\b|\bStrongName\w*\s*\("
)
CONTROLLER_BASES = frozenset({"Controller", "ControllerBase", "ODataController"})
MAP_STATE = frozenset({"MapPost", "MapPut", "MapDelete", "MapPatch", "MapMethods"})


@dataclass(frozen=True, slots=True)
class EntryPoint:
    """One way in. `bind`: any | loopback | configured | unknown | in-process | filesystem;
    `tls`: none | tls | mtls | unknown | n/a; `auth`: required | partial | anonymous | none | unknown."""

    kind: str
    file: str
    line: int
    scope: str
    owner: str
    bind: str
    bind_evidence: str
    tls: str
    tls_evidence: str
    auth: str
    auth_evidence: str
    handlers: tuple[str, ...] = ()
    detail: str = ""
    roots: tuple[str, ...] = ()  # the members that accept/receive (where dispatch starts)
    # web entry points: (action member, auth value, evidence) per action, as the code declares it
    actions: tuple[tuple[str, str, str], ...] = ()

    @property
    def network(self) -> bool:
        return self.kind in NETWORK_KINDS

    def as_dict(self) -> dict:
        """A plain, JSON-ready mapping (reports and persistence)."""
        out = {k: (list(v) if isinstance(v, tuple) else v) for k, v in ((f, getattr(self, f)) for f in self.__slots__)}
        out["actions"] = [list(a) for a in self.actions]
        return out | {"network": self.network}


class _Finder:
    def __init__(self, conn: sqlite3.Connection, graph: CodeGraph, source: SourceLines, files: dict) -> None:
        self.conn, self.graph, self.source, self.files = conn, graph, source, files
        self.dispatch = Dispatch(graph, source)
        self.out: list[EntryPoint] = []
        self.fallback = self._fallback_policy()
        self.web = WebAuth(conn, graph, source, files)
        self.roles = {f: r for f, r in files.values()}
        self.classes_by_name: dict[str, list[str]] = {}
        for q, t in graph.types.items():
            if t.kind == "class":
                self.classes_by_name.setdefault(t.name, []).append(q)
        self.grpc_owners = {m.container for m in graph.methods.values() if "ServerCallContext" in m.signature}
        self.methods_of: dict[str, list] = {}
        for m in graph.methods.values():
            self.methods_of.setdefault(m.container, []).append(m)

    # --- helpers --------------------------------------------------------------------------
    def owner_of(self, scope: str) -> str:
        cur = scope
        while cur:
            if cur in self.graph.types:
                return cur
            m = self.graph.methods.get(cur)
            if m is not None and m.container in self.graph.types:
                return m.container
            cur = cur.rpartition(".")[0]
        return ""

    def type_body(self, owner: str, file: str, line: int) -> list[tuple[int, str]]:
        t = self.graph.types.get(owner)
        if t is not None:
            loc = next((l for l in t.locations if l.file == file), t.locations[0])
            return self.source.span(loc.file, loc.start_line, loc.end_line)
        lines = self.source.lines(file)
        return sorted(lines.items()) if lines else [(line, "")]

    def roots_for(self, scope: str, owner: str, var: str, stmt: str = "") -> list[str]:
        """The opening member plus the members of its type that accept/receive on it."""
        roots = [scope] if scope in self.graph.methods else []
        if not owner:
            return roots
        # a handler handed to the opening call (`start_server(self.handle, ...)`, `Task.Run(AcceptLoop)`)
        for m in sorted(self.methods_of.get(owner, []), key=lambda m: m.qualname):
            if m.qualname not in roots and m.kind == "method" and stmt and re.search(rf"\b{re.escape(m.name)}\b(?!\s*\()", stmt):
                roots.append(m.qualname)
        short = scope.rpartition(".")[2]
        for m in sorted(self.methods_of.get(owner, []), key=lambda m: m.qualname):
            q = m.qualname
            if q == scope or m.kind != "method":
                continue
            body = self.dispatch.body(q)
            text = "\n".join(t for _n, t in body)
            if ACCEPT.search(text) and (
                (var and re.search(rf"\b{re.escape(var)}\b", text)) or (short and re.search(rf"\b{re.escape(short)}\s*\(", text))
            ):
                roots.append(q)
        # callbacks handed on by a root (`Thread(target=self.handle)`, `Task.Run(Loop)`): Python method
        # references are not call edges, so they join the roots
        texts = "\n".join(t for r in roots for _n, t in self.dispatch.body(r))
        for m in sorted(self.methods_of.get(owner, []), key=lambda m: m.qualname):
            if m.qualname not in roots and m.kind == "method" and re.search(rf"\b(?:self\.|this\.)?{re.escape(m.name)}\b(?!\s*\()", texts):
                roots.append(m.qualname)
        return roots

    def _fallback_policy(self) -> Status | None:
        rows = self.conn.execute(
            "SELECT file_id, line FROM refs WHERE kind = 'invoke' AND name IN "
            "('RequireAuthorization', 'AddAuthorization', 'SetFallbackPolicy') ORDER BY file_id, line"
        )
        for fid, line in rows:
            file, role = self.files[fid]
            if role != "production":
                continue
            for n, text in self.source.span(file, line, line + 6):
                if FALLBACK_POLICY.search(text) and ("MapControllers" in text or "Fallback" in text or "MapHub" in text):
                    return Status("required", cite(file, n, text) + " (applies to every mapped endpoint)")
        return None

    # --- sources ----------------------------------------------------------------------------
    def from_refs(self) -> None:
        names = sorted(set(NEW_KINDS) | set(INVOKE_KINDS))
        marks = ",".join("?" * len(names))
        rows = self.conn.execute(
            f"SELECT file_id, kind, name, receiver, arg0, scope, line FROM refs WHERE name IN ({marks}) "
            f"AND kind IN ('new', 'invoke') ORDER BY file_id, line",
            names,
        ).fetchall()
        seen: set[tuple[str, int]] = set()
        hosts: set[str] = set()  # one web-host per member: the builder and its UseUrls are one way in
        for fid, kind, name, receiver, arg0, scope, line in rows:
            file, role = self.files[fid]
            if role != "production" or (file, line) in seen:
                continue
            ep_kind = NEW_KINDS.get(name) if kind == "new" or file.endswith(".py") else None
            ep_kind = ep_kind or INVOKE_KINDS.get(name, "")
            if not ep_kind or not self._is_entry(name, receiver, arg0, file, line):
                continue
            seen.add((file, line))
            if ep_kind == "web-host":
                if (scope or file) in hosts:
                    continue
                hosts.add(scope or file)
            self.add_site(ep_kind, name, receiver, arg0, scope, file, line)

    def _is_entry(self, name: str, receiver: str, arg0: str, file: str, line: int) -> bool:
        py = file.endswith(".py")
        if name == "UdpClient":
            return bool(arg0) and not arg0.lstrip().startswith(('"', '$"', '@"'))  # a host name = a client
        if name in ("Bind", "bind"):
            a = arg0.strip()
            return ("EndPoint" in a) if not py else a.startswith("(")  # `sock.bind((host, port))`
        if name in ("LoadFrom", "LoadFile"):
            return receiver.endswith("Assembly")
        if name == "LoadFromAssemblyPath":
            return True
        if name == "Application":
            return receiver == "web"
        if name.startswith("Map"):
            return not py and bool(arg0.strip().startswith(('"', '$"', '@"')) or arg0)
        if name in ("CreateBuilder", "CreateSlimBuilder", "CreateEmptyBuilder"):
            return receiver.endswith("WebApplication")
        if name in ("create_server", "make_server", "start_server", "start_unix_server"):
            return py
        return True

    def add_site(self, kind: str, name: str, receiver: str, arg0: str, scope: str, file: str, line: int) -> None:
        owner = self.owner_of(scope)
        stmt = statement_text(self.source.lines(file), line)
        body = self.type_body(owner, file, line)
        var = _assigned_var(self.source.line(file, line))
        if kind == "plugin-load":
            body_lines = self.dispatch.body(scope)
            verified = next(
                (
                    Status("required", cite(file, n, t))
                    for n, t in body_lines
                    if PLUGIN_VERIFY.search(t) and n <= line and not t.strip().startswith("//")
                ),
                None,
            )
            self.out.append(
                EntryPoint(
                    kind,
                    file,
                    line,
                    scope,
                    owner,
                    "filesystem",
                    cite(file, line, source_lines(stmt)[0]),
                    "n/a",
                    "assembly bytes from disk",
                    "required" if verified else "none",
                    verified.evidence if verified else f"no signature/hash check of the assembly in {scope or file}",
                    (),
                    name,
                )
            )
            return
        if kind == "http-endpoint":
            self.add_route(name, arg0, scope, owner, file, line, stmt, body)
            return
        if kind == "queue-consumer":
            self.out.append(
                EntryPoint(
                    kind,
                    file,
                    line,
                    scope,
                    owner,
                    "configured",
                    cite(file, line, source_lines(stmt)[0]) + " (broker decides)",
                    "unknown",
                    "broker connection settings",
                    "unknown",
                    "the broker authenticates publishers, not this code",
                    (),
                    name,
                )
            )
            return
        bind = classify_bind(
            file,
            line,
            stmt,
            body,
            default_any=name in PORT_ONLY_ANY or (file.endswith(".py") and re.search(r"\(\s*\(\s*['\"]['\"]", stmt) is not None),
        )
        if kind == "http-listener":
            prefix = next(((n, t) for n, t in body if ".Prefixes.Add(" in t), None)
            if prefix is not None:
                bind = classify_bind(file, prefix[0], prefix[1], body)
        if kind == "web-host":
            urls = next(
                (
                    (n, t)
                    for n, t in self.dispatch.body(scope) or body
                    if re.search(r"UseUrls|ListenAnyIP|ListenLocalhost|\.Listen\(|ASPNETCORE_URLS", t)
                ),
                None,
            )
            bind = (
                classify_bind(file, urls[0], urls[1], body)
                if urls
                else Status("unknown", cite(file, line, source_lines(stmt)[0]) + " (no UseUrls/Listen: host settings decide)")
            )
            stmt = urls[1] if urls else stmt
        if kind == "web-app":
            # a Python app's address is given where it is served: `app.run(host=...)`, `uvicorn.run(app, host=...)`
            run = next(
                ((n, t) for n, t in sorted(self.source.lines(file).items()) if re.search(r"\.run\(.*\bhost\s*=|\bserve\(.*\bhost\s*=", t)), None
            )
            if run is not None:
                bind = classify_bind(file, run[0], run[1], body)
                stmt = run[1]
        if kind in ("web-app", "web-host") and bind.value == "configured" and not re.search(r"\w\s*\(.*\w", stmt):
            bind = Status("unknown", cite(file, line, source_lines(stmt)[0]) + " (host settings decide the address)")
        tls = classify_tls(file, body, stmt)
        roots = self.roots_for(scope, owner, var, stmt)
        order, _changes = self.dispatch.walk(roots)
        spans = [(self.graph.methods[m].file, self.dispatch.body(m)) for m in order if m in self.graph.methods]
        auth = (find_key_middleware(file, body) if kind in ("web-host", "web-app") else None) or find_auth_step(spans)
        if auth is None and kind in ("web-host", "web-app"):
            # a web host authenticates per endpoint (attributes, policies, middleware in a Startup class)
            uses = next(((n, t) for n, t in body if re.search(r"\bUseAuthentication\(|\bAddAuthentication\(", t)), None)
            auth = Status(
                "unknown",
                (cite(file, uses[0], uses[1]) if uses else "no credential middleware in " + file)
                + " (decided per endpoint: see its routes, controllers and hubs)",
            )
        if kind == "web-host" and tls.value == "none" and bind.value == "unknown":
            tls = Status("unknown", "no UseUrls/Listen/UseHttps in code: the host configuration decides")
        if auth is None and tls.value == "mtls":
            auth = Status("required", tls.evidence + " (client certificate required)")
        if auth is None:
            auth = Status(
                "none",
                f"no sender-authentication step in {len(order)} member(s) reached from "
                f"{scope or file} (MAC/signature verify, token validation, peer certificate check)",
            )
        handlers = tuple(m for m in order if m not in roots and m in self.graph.methods)[:12]
        self.out.append(
            EntryPoint(
                kind,
                file,
                line,
                scope,
                owner,
                bind.value,
                bind.evidence,
                tls.value,
                tls.evidence,
                auth.value,
                auth.evidence,
                handlers,
                name,
                tuple(roots),
            )
        )

    def add_route(self, name, arg0, scope, owner, file, line, stmt, body) -> None:
        host = next(((n, t) for n, t in body if re.search(r"UseUrls|ListenAnyIP|ListenLocalhost|\.Listen\(", t)), None)
        bind = classify_bind(file, host[0], host[1], body) if host else Status("unknown", "no UseUrls/Listen near the route")
        tls = classify_tls(file, body, host[1] if host else "")
        if tls.value == "none" and not host:
            tls = Status("unknown", "transport set by the host configuration")
        whole = _route_statement(self.source.lines(file), line)  # the handler and the conventions chained after it
        convention = next(
            (
                (line + i, t)
                for i, t in enumerate(source_lines(whole))
                if re.search(r"\.(?:AllowAnonymous|RequireAuthorization)\s*\(|\[\s*(?:AllowAnonymous|Authorize)\b", t)
            ),
            None,
        )
        if convention is not None and "AllowAnonymous" in convention[1]:
            auth = Status("anonymous", cite(file, convention[0], convention[1]))
        elif convention is not None:
            auth = Status("required", cite(file, convention[0], convention[1]))
        else:
            auth = (
                find_key_middleware(file, body, arg0.strip())
                or self.fallback
                or find_auth_step([(file, _lambda_lines(stmt, line))])
                or Status("none", "no RequireAuthorization, fallback policy, credential middleware or check in the handler")
            )
        detail = f"{name} {arg0.strip()[:80]}" + (" (state-changing verb)" if name in MAP_STATE else "")
        self.out.append(
            EntryPoint(
                "http-endpoint", file, line, scope, owner, bind.value, bind.evidence, tls.value, tls.evidence, auth.value, auth.evidence, (), detail
            )
        )

    def from_types(self) -> None:
        for q, t in sorted(self.graph.types.items()):
            if t.role != "production" or t.kind != "class" or "abstract" in t.modifiers:
                continue
            lineage = [q, *self._ancestors(q)]
            bases = {b for x in lineage for b in (self.graph.types[x].bases if x in self.graph.types else ())}
            bases |= set(t.bases)
            kind = ""
            if bases & CONTROLLER_BASES or "ApiController" in t.attributes:
                kind = "controller"
            elif "Hub" in bases:
                kind = "hub"
            elif q in self.grpc_owners:
                kind = "grpc-service"
            if kind:
                self.add_type(kind, q, t)

    def _ancestors(self, q: str, depth: int = 0) -> list[str]:
        t = self.graph.types.get(q)
        if t is None or depth > 8:
            return []
        out = []
        for b in t.bases:
            for cand in self.classes_by_name.get(b, ()):
                out.append(cand)
                out.extend(self._ancestors(cand, depth + 1))
        return out

    def add_type(self, kind: str, q: str, t: TypeNode) -> None:
        actions = [
            m
            for m in sorted(self.methods_of.get(q, []), key=lambda m: (m.start_line, m.qualname))
            if m.kind == "method" and "public" in m.modifiers and "static" not in m.modifiers and "NonAction" not in m.attributes
        ]
        declared = self.web.type_status(q)
        statuses = [(m, self.web.action_status(m, q, declared, kind)) for m in actions]
        auth = _summary(t.name, declared, statuses)
        self.out.append(
            EntryPoint(
                kind,
                t.file,
                declaration_line(self.source, t),
                q,
                q,
                "unknown",
                "host settings decide the address",
                "unknown",
                "transport set by the host configuration",
                auth.value,
                auth.evidence,
                tuple(m.qualname for m in actions)[:40],
                f"{len(actions)} public action(s)",
                (),
                tuple((m.qualname, st.value, st.evidence) for m, st in statuses),
            )
        )

    def from_bus(self) -> None:
        for s in self.graph.bus:
            if s.side != "subscribe":
                continue
            role = self.graph.methods[s.scope].role if s.scope in self.graph.methods else "production"
            if role != "production" or self.files_role(s.file) != "production":
                continue
            spans = [(self.graph.methods[h].file, self.dispatch.body(h)) for h in s.handlers if h in self.graph.methods]
            auth = find_auth_step(spans) or Status("none", "handler does not verify who published the message (any code holding the bus may publish)")
            topic = s.topic or f"<dynamic: {s.expr.strip()[:60]}>"
            self.out.append(
                EntryPoint(
                    "bus-subscription",
                    s.file,
                    s.line,
                    s.scope,
                    self.owner_of(s.scope),
                    "in-process",
                    f"topic {topic}",
                    "n/a",
                    "in-process message bus",
                    auth.value,
                    auth.evidence,
                    s.handlers,
                    topic,
                )
            )

    def files_role(self, file: str) -> str:
        return self.roles.get(file, "production")


def _summary(name: str, declared: Status | None, statuses: list) -> Status:
    """The entry point's authentication from its actions': what the type declares decides (its
    actions' exceptions are counted in the evidence); else every action required (or declared) is
    `required`, all anonymous `anonymous`, a mix `partial`, nothing found `none`."""
    values = [st.value for _m, st in statuses]
    open_ = [m.name for m, st in statuses if st.value == "none"]
    if declared is not None:
        others = [m.name for m, st in statuses if st.value != declared.value]
        note = f"; {len(others)} action(s) differ: {', '.join(others[:4])}" if others else ""
        return Status(declared.value, declared.evidence + note)
    if not statuses:
        return Status("none", f"no [Authorize] on {name} or its bases, no fallback policy, no RequireAuthorization() on the mapped endpoints")
    if not open_ and "required" in values:
        first = next(st for _m, st in statuses if st.value == "required")
        how = "every action declares or checks authentication" if len(set(values)) > 1 or len(statuses) > 1 else "its action is authenticated"
        return Status("required", f"{how} (first: {first.evidence})")
    if not open_:
        return Status("anonymous", f"every action of {name} is [AllowAnonymous] (first: {statuses[0][1].evidence})")
    if len(open_) < len(statuses):
        return Status(
            "partial",
            f"{len(statuses) - len(open_)} of {len(statuses)} action(s) of {name} declare or check authentication; open: {', '.join(open_[:6])}",
        )
    return Status("none", statuses[0][1].evidence)


def _assigned_var(text: str) -> str:
    m = re.search(r"(\b_?\w+)\s*=\s*(?:new\b|await\b|\w)", text)
    return m.group(1) if m else ""


def _route_statement(lines: dict[int, str], line: int, max_lines: int = 60) -> str:
    """A route registration from `line` to where its parentheses close, plus conventions chained on
    the following lines (`.RequireAuthorization()`); `;` inside the handler lambda does not end it."""
    out: list[str] = []
    depth, opened = 0, False
    for n in range(line, line + max_lines):
        text = lines.get(n, "")
        if opened and depth <= 0 and not text.lstrip().startswith("."):
            break
        out.append(text)
        depth += text.count("(") - text.count(")")
        opened = opened or "(" in text
    return "\n".join(out)


def _lambda_lines(stmt: str, line: int) -> list[tuple[int, str]]:
    return [(line + i, t) for i, t in enumerate(source_lines(stmt))]


def find_entry_points(conn: sqlite3.Connection, graph: CodeGraph, source: SourceLines, files: dict[int, tuple[str, str]]) -> list[EntryPoint]:
    """The inventory for an index snapshot, sorted by (file, line, kind)."""
    f = _Finder(conn, graph, source, files)
    f.from_refs()
    f.from_types()
    f.from_bus()
    f.out.extend(EntryPoint(*fields) for fields in python_routes(graph, source, f.roles))
    return sorted(f.out, key=lambda e: (e.file, e.line, e.kind, e.scope))
