"""The Python side of DWA-361, DWA-368 and DWA-369, on the same graph facts as the C# checks.

- DWA-361: a function that wraps a socket in TLS (`ctx.wrap_socket(sock, ...)`, `ssl.wrap_socket`)
  and afterwards reads or writes through the raw socket it wrapped, or hands that socket to an I/O
  helper: the handshake happens, the bytes travel outside it.
- DWA-368: a state-changing route (`@app.post`, `@router.delete`, `@app.route(..., methods=["PUT"])`,
  aiohttp `add_post(path, handler)`) whose handler answers success and calls nothing but the
  request readers and response builders, changes no attribute or item: the caller is told an
  operation happened that did not.
- DWA-369: a boolean field with a default on an options/config/settings/policy class (dataclass,
  pydantic model, settings class), named for a security control, whose name appears nowhere else.

Each reads member bodies from the graph's source lines (names and text, no interpreter), like the
C# checks in `boundary_checks.py` and `mechanism_checks.py`.
"""

from __future__ import annotations

import re

from dwagent.models import Evidence, Finding
from dwagent.tools.graph.api import GraphView
from dwagent.tools.rules.registry import get_rule, make_finding

WRAP = re.compile(r"(?:\b(\w+)\s*=\s*|\bwith\s+)[\w.]*\bwrap_socket\s*\(\s*(?:sock\s*=\s*)?(\w+)[^)]*\)(?:\s+as\s+(\w+))?")
RAW_IO = ("recv", "recv_into", "recvfrom", "recvfrom_into", "send", "sendall", "sendto", "sendfile", "makefile", "accept", "read", "write")
HELPER_IO = r"\b\w*(?:[Rr]ecv|[Rr]eceive|[Rr]ead|[Ss]end|[Ww]rite|[Pp]rocess|[Hh]andle|[Ss]erve)\w*\s*\("

STATE_VERBS = frozenset({"post", "put", "delete", "patch"})
ROUTE_DECORATOR = re.compile(r"^\s*@[\w.]+\.(post|put|delete|patch|route|api_route|api_view)\s*\(")
ROUTE_METHODS = re.compile(r"methods\s*=\s*[\[(]([^\])]*)")
AIOHTTP_ADD = re.compile(r"\b(?:add_(post|put|delete|patch)|web\.(post|put|delete|patch))\s*\(\s*[^,]+,\s*(?:self\.)?(\w+)\s*[,)]")
PY_SUCCESS = re.compile(
    r"""['"](?:status|result|state)['"]\s*:\s*['"](?:ok|success|succeeded|done|accepted|queued|created|deleted|updated)['"]|"""
    r"""['"](?:ok|success|acknowledged|accepted|done|executed|deleted|updated|created)['"]\s*:\s*True\b|"""
    r"""\b(?:ok|success|acknowledged|accepted|done|executed)\s*=\s*True\b""",
    re.I,
)
# calls that read the request or build the answer: none of them performs the operation
INERT_PY = frozenset(
    {
        "jsonify",
        "dict",
        "list",
        "str",
        "int",
        "float",
        "bool",
        "len",
        "JSONResponse",
        "Response",
        "PlainTextResponse",
        "HTMLResponse",
        "make_response",
        "json_response",
        "HttpResponse",
        "JsonResponse",
        "get_json",
        "json",
        "get",
        "getlist",
        "post",
        "text",
        "isoformat",
        "now",
        "utcnow",
        "time",
        "uuid4",
        "uuid1",
        "hex",
        "print",
        "abort",
        "HTTPException",
        "format",
        "strip",
        "lower",
        "upper",
    }
)
LOGGER = re.compile(r"(?i)(^|\.)_?(log|logger|logging)$")
PY_KEYWORDS = frozenset({"if", "elif", "while", "for", "return", "not", "and", "or", "in", "is", "with", "assert", "await", "lambda", "yield"})

SECURITY_FIELD = re.compile(r"(?i)tls|ssl|https|encrypt|auth(?!or)|signature|signed|mtls|certificate|pinning|fips|secure|zero_?trust|integrity|mfa")
OPTION_HOLDER = re.compile(r"(?:Options|Config|Configuration|Settings|Policy)$")
BOOL_FIELD = re.compile(r"^(\s+)(\w+)\s*:\s*(?:bool|Optional\[bool\]|bool\s*\|\s*None)\s*=\s*\S")


def _finding(rule: str, view: GraphView, file: str, line: int, message: str, root: str, related=()) -> Finding:
    f = make_finding(get_rule(rule).meta, file, line, line, view.source.line(file, line), message, scope="production", related=related)
    return f.model_copy(update={"root_cause": root})


def _evidence(view: GraphView, file: str, line: int, note: str) -> Evidence:
    text = view.source.line(file, line)
    return Evidence(id=Evidence.make_id(file, line, line, text), file=file, start_line=line, end_line=line, excerpt=text, kind="code", note=note)


def _functions(view: GraphView):
    for q, m in sorted(view.graph.methods.items()):
        if m.role == "production" and m.file.endswith(".py") and m.kind in ("method", "function"):
            yield q, m


def _code(body: list[tuple[int, str]]) -> list[tuple[int, str]]:
    return [(n, t) for n, t in body if t.strip() and not t.strip().startswith("#")]


def raw_socket_after_tls(view: GraphView) -> list[Finding]:
    """DWA-361 (Python): the raw socket used for I/O after it was wrapped in TLS."""
    out: list[Finding] = []
    scopes = view.source.scopes_calling(("wrap_socket",))
    for q, m in _functions(view):
        if q not in scopes:
            continue
        body = _code(view.source.span(m.file, m.start_line, m.end_line))
        for n, t in body:
            w = WRAP.search(t)
            if w is None:
                continue
            tls_var, raw = w.group(1) or w.group(3) or "", w.group(2)
            if raw in ("self", tls_var):
                continue
            io = re.compile(rf"\b{re.escape(raw)}\s*\.\s*(?:{'|'.join(RAW_IO)})\s*\(|{HELPER_IO}\s*{re.escape(raw)}\s*[,)]")
            # a rebinding of the raw name (`conn, _ = listener.accept()`) ends the wrapped socket's story
            end = next((k for k, s in body if k > n and re.search(rf"^\s*(?:\w+\s*,\s*)*{re.escape(raw)}\s*(?:,[^=]*)?=[^=]", s)), m.end_line + 1)
            hits = [(k, s) for k, s in body if n < k < end and io.search(s)]
            if not hits:
                continue
            hit = hits[0]
            related = [_evidence(view, m.file, n, "TLS handshake")]
            related += [_evidence(view, m.file, k, "also through the raw socket") for k, _s in hits[1:6]]
            out.append(
                _finding(
                    "DWA-361",
                    view,
                    m.file,
                    hit[0],
                    f"TLS is negotiated at line {n} (`{raw}` wrapped{' as `' + tls_var + '`' if tls_var else ''}) but line {hit[0]} "
                    f"reads/writes through `{raw}`, the raw socket ({len(hits)} use(s)): the negotiated protection never applies to these bytes",
                    f"entry:{m.file}:{n}",
                    related=related,
                )
            )
            break
    return out


def _route_verbs(lines: list[tuple[int, str]]) -> tuple[int, str] | None:
    """(line, verb) of the first state-changing route decorator among a function's leading lines."""
    for n, t in lines:
        if re.match(r"^\s*(?:async\s+)?def\s", t):
            return None
        d = ROUTE_DECORATOR.match(t)
        if d is None:
            continue
        verb = d.group(1)
        if verb in STATE_VERBS:
            return n, verb.upper()
        # `route`/`api_route` take their verbs as `methods=[...]`, possibly on the next lines
        text = " ".join(s for k, s in lines if n <= k <= n + 3)
        methods = ROUTE_METHODS.search(text)
        verbs = {v.lower() for v in re.findall(r"\w+", methods.group(1))} if methods else set()
        if verbs and verbs <= STATE_VERBS | {"options", "head"} and verbs & STATE_VERBS:
            return n, "/".join(sorted(v.upper() for v in verbs & STATE_VERBS))
    return None


def _handler_does_nothing(body: list[tuple[int, str]]) -> tuple[int, str] | None:
    """The success line when the handler's body answers success and does no work, else None."""
    ok = next(((n, t) for n, t in body if PY_SUCCESS.search(t)), None)
    if ok is None:
        return None
    text = "\n".join(t for _n, t in body)
    if re.search(r"\braise\s+NotImplementedError|\byield\b|\bglobal\b|\bnonlocal\b|\bdel\s", text):
        return None
    for _n, t in body:
        s = t.strip()
        # an item or attribute written is work done (in memory, but done)
        if re.match(r"^[\w.]+(?:\[[^\]]*\])+\s*(?:=[^=]|[-+*/|&]=)|^[\w]+\.[\w.]+\s*(?:=[^=]|[-+*/|&]=)", s):
            return None
        for c in re.finditer(r"(?:([\w.]+)\.)?(\w+)\s*\(", s):
            recv, name = c.group(1) or "", c.group(2)
            if name in PY_KEYWORDS or name in INERT_PY or LOGGER.search(recv) or recv.split(".")[0] in ("request", "req", "web", "json"):
                continue
            return None
    return ok


def fabricated_python_routes(view: GraphView) -> list[Finding]:
    """DWA-368 (Python): a POST/PUT/DELETE/PATCH route handler that answers success and does nothing."""
    out: list[Finding] = []
    registered: dict[tuple[str, str], tuple[int, str]] = {}
    for file in sorted({m.file for _q, m in _functions(view)}):
        for n, t in sorted(view.source.lines(file).items()):
            a = AIOHTTP_ADD.search(t)
            if a is not None:
                registered.setdefault((file, a.group(3)), (n, (a.group(1) or a.group(2)).upper()))
    for _q, m in _functions(view):
        lines = view.source.span(m.file, m.start_line, m.end_line)
        route = _route_verbs(lines) or registered.get((m.file, m.name))
        if route is None:
            continue
        def_at = next((n for n, t in lines if re.match(r"^\s*(?:async\s+)?def\s", t)), m.start_line)
        body = [(n, t) for n, t in _code(lines) if n > def_at and not t.lstrip().startswith(("'''", '"""'))]
        # the signature may continue over several lines: the body starts after the line ending in ':'
        while body and not re.search(r":\s*(?:#.*)?$", view.source.line(m.file, def_at)):
            def_at = body[0][0]
            body = body[1:]
        ok = _handler_does_nothing(body)
        if ok is None:
            continue
        line, verb = route
        out.append(
            _finding(
                "DWA-368",
                view,
                m.file,
                line,
                f"{verb} route `{m.name}`: the handler answers success (line {ok[0]}) but calls nothing that could do the work "
                f"and changes no state (its only calls read the request or build the response): callers are told an operation "
                f"happened that did not",
                f"entry:{m.file}:{line}",
                related=[_evidence(view, m.file, ok[0], "the success answer")],
            )
        )
    return out


def unread_python_security_options(view: GraphView) -> list[Finding]:
    """DWA-369 (Python): per options/config/settings class, its never-read boolean security fields."""
    out: list[Finding] = []
    for q, t in sorted(view.graph.types.items()):
        if t.role != "production" or t.kind != "class" or not t.file.endswith(".py"):
            continue
        if not OPTION_HOLDER.search(t.name) and "BaseSettings" not in t.bases:
            continue
        fields: list[tuple[str, str, int]] = []
        for loc in t.locations:
            span = view.source.span(loc.file, loc.start_line, loc.end_line)
            head = next((n for n, x in span if re.match(r"^\s*class\s", x)), loc.start_line)
            body = [(n, x) for n, x in span if n > head]
            indent = next((len(x) - len(x.lstrip()) for _n, x in body if x.strip()), 0)
            for n, text in body:
                f = BOOL_FIELD.match(text)
                if f and len(f.group(1)) == indent and SECURITY_FIELD.search(f.group(2)):
                    fields.append((f.group(2), loc.file, n))
        unread = [(name, file, n) for name, file, n in fields if not [u for u in view.source.name_uses(name) if u != (file, n)]]
        if not unread:
            continue
        name, file, n = unread[0]
        out.append(
            _finding(
                "DWA-369",
                view,
                file,
                n,
                f"security option(s) {', '.join(u[0] for u in unread)} of {t.name} are declared with a default and never read "
                f"anywhere (no identifier or string use outside the declaration): setting them changes nothing",
                f"unread-option:{q}",
                related=[_evidence(view, f, k, "also never read") for _u, f, k in unread[1:6]],
            )
        )
    return out
