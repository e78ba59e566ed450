"""What a flow hop does that cancellation can apply to: async members, members returning an
awaitable, calls of async or I/O APIs (directly, or through resolved production callees a few
calls deep). Language conventions as data; used by `flowchecks`.
"""

from __future__ import annotations

import re

from dwagent.tools.graph.api import GraphView

_COMMENT = re.compile(r"^\s*(//|\*|/\*|#)")


def member_body(view: GraphView, qual: str) -> list[tuple[int, str]]:
    """(line, text) of a member's lines, comment lines left out."""
    m = view.graph.methods.get(qual)
    if m is None:
        return []
    return [(n, t) for n, t in view.source.span(m.file, m.start_line, m.end_line) if not _COMMENT.match(t)]


CALLEE_DEPTH = 2  # how many calls deep a hop's callees are searched for async or I/O work

# Return types that make a member awaitable: its caller can (and should) be able to cancel it.
_AWAITABLE = {
    "csharp": re.compile(r"\b(?:Task|ValueTask|IAsyncEnumerable|IAsyncEnumerator|IAsyncResult)\b"),
    "python": re.compile(r"->\s*[\w.\[]*\b(?:Awaitable|Coroutine|AsyncIterator|AsyncIterable|AsyncGenerator|Future)\b"),
}
# Calls of asynchronous APIs inside a body.
ASYNC_USE = {
    "csharp": re.compile(r"\bawait\b|\b[A-Z]\w*Async\s*(?:<[^<>()]*>)?\s*\("),
    "python": re.compile(r"\bawait\b|\basync\s+(?:with|for)\b|\basyncio\.\w+\s*\("),
}
# Calls of well-known I/O APIs (files, network, processes, databases, sleeping).
_IO_API = {
    "csharp": re.compile(
        r"\b(?:File|Directory|FileInfo|DirectoryInfo|Dns|Process|Console)\s*\.\s*(?:[A-Z]\w*)\s*\("
        r"|\bnew\s+(?:FileStream|StreamReader|StreamWriter|BinaryReader|BinaryWriter|HttpClient|TcpClient|"
        r"UdpClient|TcpListener|Socket|WebClient|\w*(?:Sql|Db|Npgsql|Sqlite|MySql|Oracle)\w*(?:Connection|Command))\b"
        r"|\.\s*(?:ExecuteReader|ExecuteNonQuery|ExecuteScalar)\s*\("
        # generic verbs count only on a receiver named like a resource (`_stream.Write(`, not `_log.Write(`)
        r"|\b\w*(?:Stream|stream|Socket|socket|Client|client|Connection|connection|Reader|reader|Writer|writer|"
        r"Channel|channel|Pipe|pipe)\s*\.\s*(?:Read|Write|Flush|Send|Receive|Connect|Accept)\w*\s*\("
        r"|\bThread\.Sleep\s*\("
    ),
    "python": re.compile(
        r"\bopen\s*\(|\b(?:requests|httpx|urllib\w*|socket|subprocess|sqlite3|shutil|aiohttp|aiofiles|asyncpg|"
        r"psycopg\w*|boto3|smtplib|ftplib)\s*\."
        r"|\.\s*(?:read_text|write_text|read_bytes|write_bytes|execute|executemany|fetchall|fetchone|commit|recv|"
        r"sendall|connect|urlopen)\s*\("
        r"|\bos\.(?:remove|rename|replace|makedirs|mkdir|listdir|scandir|walk|unlink|rmdir|stat)\s*\("
        r"|\btime\.sleep\s*\("
    ),
}


def is_async_member(view: GraphView, m) -> str:
    """Why the member itself is asynchronous ("" when it is not): modifier or awaitable return."""
    if "async" in m.modifiers or re.match(r"\s*async\s+def\b", m.signature):
        return "is async"
    head = m.signature.split("(", 1)[0]
    if view.config.language == "python":
        head = m.signature.rsplit(")", 1)[-1]  # the return annotation
    elif m.name in head:
        head = head[: head.rfind(m.name)]  # the return type, before the member name
    rx = _AWAITABLE.get(view.config.language)
    return "returns an awaitable" if rx and rx.search(head) else ""


def direct_work(view: GraphView, m, body, io: bool = True) -> tuple[str, int] | None:
    """(why, line) when the member is async, returns an awaitable or calls an async API, or
    (with `io`) calls an I/O API."""
    why = is_async_member(view, m)
    if why:
        return why, m.start_line
    lang = view.config.language
    lines = body[1:] if len(body) > 1 else body  # the body, not the signature line
    for rx, why in ((ASYNC_USE.get(lang), "calls an async API"), (_IO_API.get(lang) if io else None, "calls an I/O API")):
        hit = next((n for n, text in lines if rx and rx.search(text)), 0)
        if hit:
            return why, hit
    return None


def cancellable_work(view: GraphView, qual: str, depth: int = CALLEE_DEPTH, seen: frozenset[str] = frozenset()) -> tuple[str, str, int] | None:
    """(why, file, line) when the member does work worth cancelling: it is async, returns an
    awaitable, or calls an async or I/O API itself or through resolved production callees
    (`depth` calls deep). None for synchronous CPU-only code: there is nothing to cancel."""
    m = view.graph.methods.get(qual)
    if m is None:
        return None
    direct = direct_work(view, m, member_body(view, qual))
    if direct:
        return direct[0], m.file, direct[1]
    if depth <= 0:
        return None
    for e in sorted(view.graph.out_edges(qual), key=lambda x: (x.line, x.dst)):
        callee = view.graph.methods.get(e.dst)
        if e.kind != "call" or callee is None or callee.role != "production" or e.dst in seen or e.dst == qual:
            continue
        sub = cancellable_work(view, e.dst, depth - 1, seen | {qual})
        if sub:
            return f"calls {callee.name}, which {sub[0]}", m.file, e.line
    return None
