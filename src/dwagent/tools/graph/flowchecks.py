"""Evidence-backed checks on a traced flow: per hop, then rolled up per flow.

Per member hop (topic hops carry no code): async correctness (no configured blocking pattern such
as `.Result`, `.Wait()`, `GetAwaiter().GetResult()`), error handling (a try/catch or
try/finally; an empty catch block is a FAIL), cancellation (the member accepts a cancellation
token, or creates a token source, and the line leading to the next hop passes a token on when
the next hop takes one), disposal (every `new` of a disposable type is under `using`, disposed,
returned or stored).

Cancellation only applies to a hop that does cancellable work: an async member, one returning an
awaitable, or one that calls an async or I/O API (directly or through its callees, a few calls
deep). A synchronous CPU-only hop is NOT APPLICABLE, cited with the lines that were searched; it
is neither a PASS by default nor a FAIL. A hop that calls no async API and awaits nothing is
likewise NOT APPLICABLE for async correctness unless it blocks on a task, and a hop that creates
no disposable is NOT APPLICABLE for disposal.

Per flow: FAIL when any hop fails, PASS when some hop passes, NOT APPLICABLE when every hop is
not applicable, else NOT FOUND; each required security control is PASS when a hop's name matches
its configured pattern or its body calls something so named (`_cipher.Encrypt(`, `AuditLog.Write(`,
`new AuditRecord(`; string literals and option names do not count), else FAIL.
"""

from __future__ import annotations

import re

from dwagent.tools.graph.api import GraphView
from dwagent.tools.graph.bus import statement_text
from dwagent.tools.graph.flowtypes import FlowCheck, FlowSpec, Hop
from dwagent.tools.graph.flowwork import ASYNC_USE, CALLEE_DEPTH, cancellable_work, direct_work, member_body
from dwagent.tools.graph.model import TOPIC_PREFIX

_NEW = re.compile(r"\bnew\s+([A-Z][\w.]*)\s*[({]")
_CATCH = re.compile(r"\bcatch\b")
_STRING = re.compile(r'@?\$?"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'')


def _check(view: GraphView, name: str, status: str, hop: str, file: str, start: int, end: int, detail: str) -> FlowCheck:
    return FlowCheck(
        check=name,
        status=status,
        hop=hop,
        file=file,
        start_line=start,
        end_line=end,
        excerpt=view.source.excerpt(file, start, end) if file else "",
        detail=detail,
    )


def _is_disposable(view: GraphView, type_name: str) -> bool:
    """Types declared in the tree are disposable when they or a base implement IDisposable /
    IAsyncDisposable; other (framework) types when their name matches `disposable_types`."""
    name = type_name.rsplit(".", 1)[-1]
    declared = [t for t in view.graph.types.values() if t.name == name]
    if declared:
        seen: set[str] = set()
        frontier = [b for t in declared for b in t.bases]
        while frontier:
            b = frontier.pop()
            if b in seen:
                continue
            seen.add(b)
            if b in ("IDisposable", "IAsyncDisposable"):
                return True
            frontier += [x for t in view.graph.types.values() if t.name == b for x in t.bases]
        return False
    return bool(view.config.disposable_types and re.search(view.config.disposable_types, name))


NA = "NOT APPLICABLE"


def _async(view, hop, m, body) -> FlowCheck:
    for n, text in body:
        for pat in view.config.blocking_patterns:
            if re.search(pat, text):
                return _check(view, "async", "FAIL", hop, m.file, n, n, f"blocks on a task ({pat})")
    direct = direct_work(view, m, body, io=False)
    if direct is None:
        return _check(
            view,
            "async",
            NA,
            hop,
            m.file,
            m.start_line,
            m.start_line,
            f"synchronous: no await, async call or awaitable in lines {m.start_line}-{m.end_line}, and no blocking call",
        )
    return _check(
        view,
        "async",
        "PASS",
        hop,
        m.file,
        m.start_line,
        m.start_line,
        f"{direct[0].replace('is async', 'async member')}; no blocking call in lines {m.start_line}-{m.end_line}",
    )


_PY_EXCEPT = re.compile(r"^\s*except\b")
_RETHROW_ONLY = re.compile(r"^\s*(?:throw\s*;|raise)\s*$")


def _handler(view: GraphView, m, line: int) -> str | None:
    """The statements of the catch/except block starting on `line`, comments removed; None when
    the block cannot be delimited. Comments do not count as handling: text in the audited code
    never turns a swallowed error into a handled one."""
    lines = view.source.lines(m.file)
    if view.config.language == "python":
        first = lines.get(line, "")
        indent = len(first) - len(first.lstrip())
        out = [first.split(":", 1)[1] if ":" in first else ""]
        for n in range(line + 1, m.end_line + 1):
            t = lines.get(n, "")
            if t.strip() and len(t) - len(t.lstrip()) <= indent:
                break
            out.append(t)
        return "\n".join(re.sub(r"#.*$", "", t) for t in out).strip()
    text = "\n".join(lines.get(n, "") for n in range(line, m.end_line + 1))
    after = text.split("catch", 1)[1]
    open_at = after.find("{")
    if open_at == -1:
        return None
    depth = 0
    for j in range(open_at, len(after)):
        depth += after[j] == "{"
        depth -= after[j] == "}"
        if depth == 0:
            inner = after[open_at + 1 : j]
            return re.sub(r"//[^\n]*|/\*.*?\*/", "", inner, flags=re.S).strip()
    return None


def _is_catch(view: GraphView, text: str) -> bool:
    return bool(_PY_EXCEPT.match(text) if view.config.language == "python" else _CATCH.search(text))


def _errors(view, hop, m, body) -> FlowCheck:
    handled = 0
    for n, text in body:
        if not _is_catch(view, text):
            continue
        inner = _handler(view, m, n)
        if inner is None:
            continue
        if not inner or re.fullmatch(r"(?:pass|\.\.\.)\s*", inner):
            return _check(view, "error-handling", "FAIL", hop, m.file, n, n, "empty catch block swallows the error")
        if not _RETHROW_ONLY.match(inner):  # a bare rethrow handles nothing
            handled = handled or n
    if not handled:
        handled = next((n for n, t in body if re.search(r"\bfinally\b", t)), 0)
    if handled:
        return _check(view, "error-handling", "PASS", hop, m.file, handled, handled, "handles errors (catch/finally)")
    return _check(
        view,
        "error-handling",
        "NOT FOUND",
        hop,
        m.file,
        m.start_line,
        m.start_line,
        f"no handling catch/except or finally in lines {m.start_line}-{m.end_line}",
    )


def _passes_token_to(view: GraphView, nxt: Hop, ctype: str) -> bool:
    """Must the call into the next hop pass a token? Only when the next member accepts one
    (one that does async/I-O work but takes no token fails its own check), or for an awaited
    publish onto the bus."""
    callee = view.graph.methods.get(nxt.node)
    if callee is not None:
        return bool(re.search(rf"\b{re.escape(ctype)}\b", callee.signature))
    if nxt.node.startswith(TOPIC_PREFIX):
        stmt = statement_text(view.source.lines(nxt.file), nxt.line)
        return bool(ASYNC_USE.get(view.config.language) and ASYNC_USE[view.config.language].search(stmt))
    return False


def _cancellation(view, hop, m, body, nxt: Hop | None) -> FlowCheck:
    work = cancellable_work(view, hop)
    if work is None:
        return _check(
            view,
            "cancellation",
            NA,
            hop,
            m.file,
            m.start_line,
            m.start_line,
            f"synchronous CPU-only work: no await, awaitable, async or I/O call in lines "
            f"{m.start_line}-{m.end_line} nor in its callees ({CALLEE_DEPTH} calls deep); nothing to cancel",
        )
    why, wfile, wline = work
    ctype = view.config.cancellation_type
    if not ctype:
        return _check(view, "cancellation", "NOT FOUND", hop, wfile, wline, wline, f"{why}, but no cancellation type is configured for this language")
    tok = re.search(rf"\b{re.escape(ctype)}\??\s+(\w+)", m.signature)
    src_line = next(
        (n for n, t in body if view.config.token_source_type and re.search(rf"\bnew\s+{re.escape(view.config.token_source_type)}\b", t)), 0
    )
    if not tok and not src_line:
        return _check(view, "cancellation", "FAIL", hop, wfile, wline, wline, f"{why} but accepts no {ctype} and creates no token source")
    if nxt is not None and _passes_token_to(view, nxt, ctype):
        file, line = nxt.file, nxt.line
        stmt = statement_text(view.source.lines(file), line)
        names = [tok.group(1)] if tok else []
        passed = any(re.search(rf"\b{re.escape(n)}\b", stmt) for n in names) or ".Token" in stmt
        if not passed or f"{ctype}.None" in stmt:
            return _check(view, "cancellation", "FAIL", hop, file, line, line, "the call to the next hop does not pass the token on")
        return _check(view, "cancellation", "PASS", hop, file, line, line, "token accepted and passed to the next hop")
    line = m.start_line if tok else src_line
    detail = "token accepted (last hop)" if nxt is None else f"token accepted (the next hop {nxt.node.rsplit('.', 1)[-1]} takes none)"
    return _check(view, "cancellation", "PASS", hop, m.file, line, line, detail)


# Python: calls of well-known resource factories; classes are matched by `disposable_types`.
_PY_CALL = re.compile(r"(?<![\w.])((?:[A-Za-z_]\w*\.)*([A-Za-z_]\w*))\s*\(")
_PY_FACTORIES = frozenset(
    {"open", "connect", "urlopen", "Popen", "create_connection", "socket", "TemporaryFile", "NamedTemporaryFile", "TemporaryDirectory"}
)


def _creations(view: GraphView, text: str):
    """(type or factory name, match) for each resource this line creates."""
    if view.config.language == "python":
        for match in _PY_CALL.finditer(text):
            name = match.group(2)
            if name in _PY_FACTORIES or (name[:1].isupper() and _is_disposable(view, name)):
                yield name, match
        return
    for match in _NEW.finditer(text):
        if _is_disposable(view, match.group(1)):
            yield match.group(1), match


def _disposal(view, hop, m, body) -> FlowCheck:
    py = view.config.language == "python"
    scoped = r"^\s*(?:async\s+)?with\b" if py else r"\busing\b"
    closes = r"close|__exit__|aclose" if py else r"Dispose(?:Async)?"
    text_all = "\n".join(t for _, t in body)
    found_using = 0
    for n, text in body:
        for tname, match in _creations(view, text):
            before = text[: match.start()]
            if re.search(scoped, before) or (not py and re.search(r"\busing\s*\(", text)):
                found_using = found_using or n
                continue
            var = re.search(r"(\w+)\s*=\s*(?:await\s+)?$", before.rstrip())
            if (
                var is None
                or before.strip().startswith(("return", "_", "yield"))
                or re.search(r"\b(?:self|cls|this)\.\w+\s*=\s*(?:await\s+)?$", before)
                or "(" in before.split("=")[-1]
            ):
                continue  # returned, stored in a field or handed to another owner
            v = var.group(1)
            if v.startswith("_") or re.search(
                rf"\b{re.escape(v)}\s*\.\s*(?:{closes})\s*\(|using\s*\(\s*{re.escape(v)}\b|"
                rf"\bwith\s+{re.escape(v)}\b|"
                rf"return\s+{re.escape(v)}\b|=\s*{re.escape(v)}\s*;?\s*$",
                text_all,
                re.M,
            ):
                found_using = found_using or n
                continue
            return _check(view, "disposal", "FAIL", hop, m.file, n, n, f"{tname} created and never disposed")
    if found_using:
        return _check(view, "disposal", "PASS", hop, m.file, found_using, found_using, "disposables are disposed")
    return _check(
        view,
        "disposal",
        NA,
        hop,
        m.file,
        m.start_line,
        m.start_line,
        f"creates no disposable in lines {m.start_line}-{m.end_line}: nothing to dispose",
    )


def hop_checks(view: GraphView, hops: list[Hop]) -> list[FlowCheck]:
    """Checks for every member hop, in hop order."""
    out: list[FlowCheck] = []
    for i, hop in enumerate(hops):
        m = view.graph.methods.get(hop.node)
        if hop.node.startswith(TOPIC_PREFIX) or m is None:
            continue
        body = member_body(view, hop.node)
        nxt = next(iter(hops[i + 1 : i + 2]), None)
        # the next hop is reached from this member only when its site lies inside this member
        if nxt is not None and not (nxt.file == m.file and m.start_line <= nxt.line <= m.end_line):
            nxt = None
        out += [
            _async(view, hop.node, m, body),
            _errors(view, hop.node, m, body),
            _cancellation(view, hop.node, m, body, nxt),
            _disposal(view, hop.node, m, body),
        ]
    return out


def flow_checks(view: GraphView, spec: FlowSpec, hops: list[Hop], per_hop: list[FlowCheck]) -> list[FlowCheck]:
    """Roll per-hop checks up to the flow, plus one check per required security control."""
    out: list[FlowCheck] = []
    for name in ("async", "error-handling", "cancellation", "disposal"):
        mine = [c for c in per_hop if c.check == name]
        pick = next((c for c in mine if c.status == "FAIL"), None) or next((c for c in mine if c.status == "PASS"), None)
        if pick is None and mine and all(c.status == NA for c in mine):
            pick = mine[0]  # every hop says why the check does not apply; cite the first
        if pick is None:
            out.append(FlowCheck(check=name, status="NOT FOUND", detail=f"no hop shows {name} evidence"))
        else:
            out.append(pick.model_copy(update={"detail": f"{pick.detail} (hop {pick.hop})"}))
    controls = view.config.controls_map()
    for req in spec.requires:
        rx = controls.get(req)
        if rx is None:
            out.append(FlowCheck(check=req, status="NOT FOUND", detail=f"no pattern configured for control '{req}'"))
            continue
        hit = None
        members = [view.graph.methods[h.node] for h in hops if h.node in view.graph.methods]
        for m in members:  # a hop named for the control is the strongest evidence
            if re.search(rx, m.name):
                hit = _check(view, req, "PASS", m.qualname, m.file, m.start_line, m.start_line, f"hop name matches /{rx}/")
                break
        # in a body only a call or construction counts (`_cipher.Encrypt(`, `new AuditRecord(`):
        # a string literal or an option named for the control is not the control
        call_rx = re.compile(rf"\b\w*(?:{rx})\w*(?:\s*\??\.\s*\w+)*\s*(?:<[^<>()]*>)?\s*\(")
        for m in members if hit is None else ():
            for n, text in member_body(view, m.qualname):
                if call_rx.search(_STRING.sub('""', text)):
                    hit = _check(view, req, "PASS", m.qualname, m.file, n, n, f"hop body calls /{rx}/")
                    break
            if hit:
                break
        out.append(
            hit
            or FlowCheck(
                check=req,
                status="FAIL",
                detail=f"required control '{req}' not found: searched {len(hops)} hop(s) (names, and calls in bodies) for /{rx}/",
            )
        )
    return out
