"""Python web routes as entry points: Flask/Quart/Sanic/FastAPI decorators (`@app.post("/x")`,
`@router.get(...)`, `@bp.route("/x", methods=["POST"])`), each with how it authenticates its caller.

Authentication as the code declares it: a `*_required`/`requires_*` decorator (`login_required`,
`jwt_required`, `permission_required`...), a FastAPI dependency or security scheme that resolves the
caller (`Depends(get_current_user)`, `Security(...)`, `dependencies=[Depends(verify_key)]` on the route,
its router or the app), a `before_request` middleware that rejects requests without a credential, or a
check in the handler's body (a token decoded with a key, a MAC compared in constant time). Else `none`.

What is missed: routes added with `app.add_url_rule(...)`/`router.add_api_route(...)`, Django URL
configurations and class-based views (not listed), and dependencies whose name says nothing of auth.
"""

from __future__ import annotations

import re

from dwagent.tools.graph.exposure import Status, cite, classify_bind, find_auth_step, find_key_middleware
from dwagent.tools.graph.model import CodeGraph, MethodNode
from dwagent.tools.graph.source import SourceLines

ROUTE_VERBS = frozenset({"route", "get", "post", "put", "delete", "patch", "api_route", "websocket"})
STATE_VERBS = frozenset({"POST", "PUT", "DELETE", "PATCH"})
DECORATOR = re.compile(
    r"^\s*@\s*(\w+(?:\.\w+)*)\.(route|get|post|put|delete|patch|api_route|websocket)\s*\(\s*(?:path\s*=\s*)?(['\"][^'\"]*['\"])?(.*)"
)
AUTH_DECORATOR = re.compile(
    r"^\s*@\s*(?:\w+\.)*(?:\w*(?:login|auth|token|jwt|permission|role|staff|admin|scope|user)\w*_required|"
    r"requires?_\w*(?:auth|login|token|permission|role|scope)\w*|user_passes_test|permission_classes|authenticated)\b"
)
AUTH_DEPENDENCY = re.compile(
    r"\b(?:Depends|Security)\s*\(\s*(?:\w+\.)*\w*(?:auth|user|token|verify|key|credential|login|current|principal|oauth|jwt|bearer|"
    r"role|permission|scope|admin|requires?_)\w*",
    re.I,
)


def code_of(line: str) -> str:
    """A Python line without its trailing `#` comment (a `#` inside a string literal stays): the
    audited code's comments are data, they never decide whether a route authenticates."""
    quote = ""
    i = 0
    while i < len(line):
        ch = line[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "#":
            return line[:i].rstrip()
        i += 1
    return line


def _route_decorator(source: SourceLines, m: MethodNode) -> tuple[int, str, re.Match[str]] | None:
    for n, text in source.span(m.file, m.start_line, m.start_line + 8):
        hit = DECORATOR.match(text)
        if hit and hit.group(3):
            return n, text, hit
        if text.strip().startswith(("def ", "async def ")):
            break
    return None


def _verbs(hit: re.Match[str]) -> list[str]:
    verb = hit.group(2)
    if verb in ("route", "api_route"):
        listed = re.findall(r"['\"](GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS)['\"]", hit.group(4), re.I)
        return [v.upper() for v in listed] or ["GET"]
    return [verb.upper()]


def route_auth(source: SourceLines, m: MethodNode, receiver: str) -> Status:
    """How one Python route authenticates its caller (decorator, dependency, middleware, body check)."""
    in_signature = False
    for n, line in source.span(m.file, m.start_line, m.start_line + 12):
        text = code_of(line)
        if AUTH_DECORATOR.search(text) or AUTH_DEPENDENCY.search(text):
            return Status("required", cite(m.file, n, line))
        in_signature = in_signature or text.lstrip().startswith(("def ", "async def "))
        if in_signature and text.rstrip().endswith(":"):
            break  # the signature ends here (one line or many): what follows is the body or the next route
    file_lines = sorted(source.lines(m.file).items())
    # the route's router or app carries the dependency: `router = APIRouter(dependencies=[Depends(verify)])`
    owner = next(((n, t) for n, t in file_lines if re.match(rf"\s*{re.escape(receiver)}\s*=\s*\w+\(", t)), None)
    if owner is not None and AUTH_DEPENDENCY.search(" ".join(code_of(t) for _n, t in source.span(m.file, owner[0], owner[0] + 4))):
        return Status("required", cite(m.file, owner[0], owner[1]) + " (every route of this router/app depends on it)")
    path = _route_decorator(source, m)
    middleware = find_key_middleware(m.file, file_lines, path[2].group(3).strip("'\"") if path else "")
    if middleware is not None:
        return middleware
    body = source.span(m.file, m.start_line, min(m.end_line, m.start_line + 400))
    step = find_auth_step([(m.file, body)])
    if step is not None:
        return Status("required", step.evidence + " (the handler verifies the caller itself)")
    return Status("none", f"no auth decorator, auth dependency, credential middleware or check in {m.name}")


def python_routes(graph: CodeGraph, source: SourceLines, roles: dict[str, str]) -> list[tuple]:
    """The fields of one `http-endpoint` entry point (`EntryPoint(*fields)`) per decorated Python route
    function in production code."""
    out: list[tuple] = []
    for q, m in sorted(graph.methods.items()):
        if not m.file.endswith(".py") or not set(m.attributes) & ROUTE_VERBS or roles.get(m.file, m.role) != "production":
            continue
        found = _route_decorator(source, m)
        if found is None:
            continue
        n, text, hit = found
        receiver, route = hit.group(1), hit.group(3).strip("'\"")
        verbs = _verbs(hit)
        auth = route_auth(source, m, receiver.split(".")[-1])
        run = next(((k, t) for k, t in sorted(source.lines(m.file).items()) if re.search(r"\.run\(.*\bhost\s*=|\bserve\(.*\bhost\s*=", t)), None)
        bind = (
            classify_bind(m.file, run[0], run[1], []) if run else Status("unknown", "host settings decide the address (no run(host=...) in the file)")
        )
        change = " (state-changing verb)" if set(verbs) & STATE_VERBS else ""
        out.append(
            (
                "http-endpoint",
                m.file,
                n,
                q,
                m.container,
                bind.value,
                bind.evidence,
                "unknown",
                "transport set by the server that hosts the app",
                auth.value,
                auth.evidence,
                (),
                f"{'/'.join(verbs)} {route}{change}",
                (q,),
                ((q, auth.value, auth.evidence),),
            )
        )
    return out
