"""Evidence-backed checks on a traced flow: per hop, then rolled up per flow.

Per member hop (topic hops carry no code): async correctness (no configured blocking pattern such
as `.Result`, `.Wait()`, `GetAwaiter().GetResult()`), error handling (a try/catch or
try/finally; an empty catch block is a FAIL), cancellation (the member accepts a cancellation
token, or creates a token source, and the line leading to the next hop passes a token on),
disposal (every `new` of a disposable type is under `using`, disposed, returned or stored).
Per flow: FAIL when any hop fails, PASS when some hop passes, else NOT FOUND; each required
security control is PASS when a hop's name or body matches its configured pattern, else FAIL.
"""
from __future__ import annotations

import re

from dwagent.tools.graph.api import GraphView
from dwagent.tools.graph.bus import statement_text
from dwagent.tools.graph.flowtypes import FlowCheck, FlowSpec, Hop
from dwagent.tools.graph.model import TOPIC_PREFIX

_COMMENT = re.compile(r"^\s*(//|\*|/\*|#)")
_NEW = re.compile(r"\bnew\s+([A-Z][\w.]*)\s*[({]")
_CATCH = re.compile(r"\bcatch\b")
_TRY = re.compile(r"\btry\b")


def _body(view: GraphView, qual: str) -> list[tuple[int, str]]:
    m = view.graph.methods.get(qual)
    if m is None:
        return []
    return [(n, t) for n, t in view.source.span(m.file, m.start_line, m.end_line) if not _COMMENT.match(t)]


def _check(view: GraphView, name: str, status: str, hop: str, file: str, start: int, end: int, detail: str) -> FlowCheck:
    return FlowCheck(check=name, status=status, hop=hop, file=file, start_line=start, end_line=end,
                     excerpt=view.source.excerpt(file, start, end) if file else "", detail=detail)


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


def _async(view, hop, m, body) -> FlowCheck:
    for n, text in body:
        for pat in view.config.blocking_patterns:
            if re.search(pat, text):
                return _check(view, "async", "FAIL", hop, m.file, n, n, f"blocks on a task ({pat})")
    return _check(view, "async", "PASS", hop, m.file, m.start_line, m.start_line,
                  f"no blocking call in lines {m.start_line}-{m.end_line}")


def _empty_catch(view: GraphView, m, line: int) -> bool:
    """Is the catch starting on `line` an empty block? Comments do not count as handling: text in
    the audited code never turns a swallowed error into a handled one."""
    text = "\n".join(t for _, t in view.source.span(m.file, line, min(line + 6, m.end_line)))
    after = text.split("catch", 1)[1]
    open_at = after.find("{")
    if open_at == -1:
        return False
    close_at = after.find("}", open_at)
    if close_at == -1:
        return False
    inner = re.sub(r"//[^\n]*|/\*.*?\*/", "", after[open_at + 1 : close_at], flags=re.S)
    return not inner.strip()


def _errors(view, hop, m, body) -> FlowCheck:
    for n, text in body:
        if _CATCH.search(text) and _empty_catch(view, m, n):
            return _check(view, "error-handling", "FAIL", hop, m.file, n, n, "empty catch block swallows the error")
    for n, text in body:
        if _CATCH.search(text) or re.search(r"\bfinally\b", text):
            return _check(view, "error-handling", "PASS", hop, m.file, n, n, "handles errors (catch/finally)")
    return _check(view, "error-handling", "NOT FOUND", hop, m.file, m.start_line, m.start_line,
                  f"no try/catch/finally in lines {m.start_line}-{m.end_line}")


def _cancellation(view, hop, m, body, next_call: tuple[str, int] | None) -> FlowCheck:
    ctype = view.config.cancellation_type
    if not ctype:
        return _check(view, "cancellation", "NOT FOUND", hop, m.file, m.start_line, m.start_line,
                      "no cancellation type configured for this language")
    sig = m.signature
    tok = re.search(rf"\b{re.escape(ctype)}\??\s+(\w+)", sig)
    src_line = next((n for n, t in body if view.config.token_source_type and
                     re.search(rf"\bnew\s+{re.escape(view.config.token_source_type)}\b", t)), 0)
    if not tok and not src_line:
        return _check(view, "cancellation", "FAIL", hop, m.file, m.start_line, m.start_line,
                      f"accepts no {ctype} and creates no token source")
    if next_call is not None:
        file, line = next_call
        stmt = statement_text(view.source.lines(file), line)
        names = [tok.group(1)] if tok else []
        passed = any(re.search(rf"\b{re.escape(n)}\b", stmt) for n in names) or ".Token" in stmt
        if not passed or f"{ctype}.None" in stmt:
            return _check(view, "cancellation", "FAIL", hop, file, line, line,
                          "the call to the next hop does not pass the token on")
        return _check(view, "cancellation", "PASS", hop, file, line, line, "token accepted and passed to the next hop")
    line = m.start_line if tok else src_line
    return _check(view, "cancellation", "PASS", hop, m.file, line, line, "token accepted (last hop)")


def _disposal(view, hop, m, body) -> FlowCheck:
    text_all = "\n".join(t for _, t in body)
    found_using = 0
    for n, text in body:
        for match in _NEW.finditer(text):
            tname = match.group(1)
            if not _is_disposable(view, tname):
                continue
            before = text[: match.start()]
            if re.search(r"\busing\b", before) or re.search(r"\busing\s*\(", text):
                found_using = found_using or n
                continue
            var = re.search(r"(\w+)\s*=\s*(?:await\s+)?$", before.rstrip())
            if var is None or before.strip().startswith(("return", "_")) or "(" in before.split("=")[-1]:
                continue  # returned, stored in a field or handed to another owner
            v = var.group(1)
            if v.startswith("_") or re.search(rf"\b{re.escape(v)}\s*\.\s*Dispose(Async)?\s*\(|using\s*\(\s*{re.escape(v)}\b|"
                                               rf"return\s+{re.escape(v)}\b|=\s*{re.escape(v)}\s*;", text_all):
                found_using = found_using or n
                continue
            return _check(view, "disposal", "FAIL", hop, m.file, n, n, f"{tname} created and never disposed")
    if found_using:
        return _check(view, "disposal", "PASS", hop, m.file, found_using, found_using, "disposables are disposed")
    return _check(view, "disposal", "NOT FOUND", hop, m.file, m.start_line, m.start_line,
                  "creates no disposable")


def hop_checks(view: GraphView, hops: list[Hop]) -> list[FlowCheck]:
    """Checks for every member hop, in hop order."""
    out: list[FlowCheck] = []
    for i, hop in enumerate(hops):
        m = view.graph.methods.get(hop.node)
        if hop.node.startswith(TOPIC_PREFIX) or m is None:
            continue
        body = _body(view, hop.node)
        nxt = next(((h.file, h.line) for h in hops[i + 1:i + 2]), None)
        # the next hop is reached from this member only when its site lies inside this member
        if nxt is not None and not (nxt[0] == m.file and m.start_line <= nxt[1] <= m.end_line):
            nxt = None
        out += [_async(view, hop.node, m, body), _errors(view, hop.node, m, body),
                _cancellation(view, hop.node, m, body, nxt), _disposal(view, hop.node, m, body)]
    return out


def flow_checks(view: GraphView, spec: FlowSpec, hops: list[Hop], per_hop: list[FlowCheck]) -> list[FlowCheck]:
    """Roll per-hop checks up to the flow, plus one check per required security control."""
    out: list[FlowCheck] = []
    for name in ("async", "error-handling", "cancellation", "disposal"):
        mine = [c for c in per_hop if c.check == name]
        pick = (next((c for c in mine if c.status == "FAIL"), None)
                or next((c for c in mine if c.status == "PASS"), None))
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
                hit = _check(view, req, "PASS", m.qualname, m.file, m.start_line, m.start_line,
                             f"hop name matches /{rx}/")
                break
        for m in members if hit is None else ():
            for n, text in _body(view, m.qualname):
                if re.search(rx, text):
                    hit = _check(view, req, "PASS", m.qualname, m.file, n, n, f"hop body matches /{rx}/")
                    break
            if hit:
                break
        out.append(hit or FlowCheck(check=req, status="FAIL",
                                    detail=f"required control '{req}' not found: searched {len(hops)} hop(s) "
                                           f"(names and bodies) for /{rx}/"))
    return out
