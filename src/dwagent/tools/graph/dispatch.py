"""From an entry point to the handlers it dispatches to and the state they change.

A breadth-first walk over the member call graph (calls, constructions, method groups, by-name
links and bus deliveries) from the members that accept or receive. Each reached member's body is
read for two things: a state change (consensus term/vote/log, membership, storage and
replication writes, configuration, key material, plugin loading, process start) and a
sender-authentication step (`exposure.AUTH_STEP`). A path is the chain of call sites from the
entry point to the member that changes state; it is authenticated when any member on it holds an
authentication step. Bounded (depth and node count), so a huge tree costs a few milliseconds per
entry point; what the bound cut off is not claimed either way.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass

from dwagent.tools.graph.exposure import AUTH_STEP
from dwagent.tools.graph.model import TOPIC_PREFIX, CodeGraph
from dwagent.tools.graph.source import SourceLines

FOLLOW = frozenset({"call", "new", "method-group", "by-name", "publish", "deliver"})
MAX_DEPTH = 8
MAX_NODES = 400

# (kind, pattern) of state changes, generic across codebases; the first match in a member wins.
STATE_CHANGES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (k, re.compile(p))
    for k, p in (
        (
            "consensus term/vote",
            r"(?:\b_|\bthis\.|\bCurrent)\w*[Tt]erm\s*(?:=[^=>]|\+\+|\+=)|(?:\b_|\bthis\.)?\b_?[Vv]oted[Ff]or\s*=[^=>]|"
            r"(?:\b_|\bthis\.)[Cc]ommit[Ii]ndex\s*=[^=>]|\bInterlocked\.Increment\(\s*ref\s+_\w*[Tt]erm",
        ),
        (
            "consensus log",
            r"\b_?(?:raft)?[Ll]og(?:Entries)?\s*\.\s*(?:Add|AddRange|Append|Insert|RemoveRange|RemoveAt|Truncate\w*)\s*\(|"
            r"\bAppend(?:Entries|ToLog)\w*\s*\(",
        ),
        (
            "membership",
            r"\b_?\w*(?:[Pp]eers?|[Mm]embers?|[Nn]odes|[Cc]luster\w*)\s*\.\s*(?:Add|TryAdd|AddOrUpdate|Remove|TryRemove|"
            r"Clear|TryUpdate)\s*\(|\b_?\w*(?:[Pp]eers|[Mm]embers|[Nn]odes)\s*\[[^\]]+\]\s*=[^=]",
        ),
        ("plugin loading", r"\bAssembly\.Load\w*\s*\(|\bLoadFromAssemblyPath\s*\(|\bimportlib\.import_module\s*\("),
        ("process execution", r"\bProcess\.Start\s*\(|\bsubprocess\.\w+\s*\(|\bos\.system\s*\("),
        (
            "storage write",
            r"\bFile\.(?:Write|Append)\w*\s*\(|\bFile\.Delete\s*\(|\bDirectory\.Delete\s*\(|"
            r"\.\s*(?:Store|Save|Persist|Replicate|Put)\w*Async\s*\(|\bopen\([^)]*['\"][wa]b?['\"]",
        ),
        (
            "configuration",
            r"\b_?[Cc]onfig(?:uration)?\s*=[^=>]|\b_?[Cc]onfig(?:uration)?\s*\[[^\]]+\]\s*=[^=]|"
            r"\b_?[Ss]ettings\s*\[[^\]]+\]\s*=[^=]",
        ),
        ("key material", r"\b_?\w*(?:[Pp]rivateKey|[Ss]haredSecret|[Ss]igningKey|[Mm]asterKey|[Ee]ncryptionKey)\w*\s*=[^=>]"),
    )
)


@dataclass(frozen=True, slots=True)
class Hop:
    """One step of a dispatch path: the call site (file, line) that reaches `target`."""

    target: str
    file: str
    line: int
    kind: str


@dataclass(frozen=True, slots=True)
class StateChange:
    """A reached member that changes state, the line that does, and the hops that lead there."""

    kind: str
    member: str
    file: str
    line: int
    text: str
    hops: tuple[Hop, ...]
    authenticated_by: str  # "file:line: excerpt" of an auth step on the path, "" when none


class Dispatch:
    """Reads member bodies once per walk and answers state-change / auth questions about them."""

    def __init__(self, graph: CodeGraph, source: SourceLines) -> None:
        self.graph = graph
        self.source = source
        self._auth: dict[str, str] = {}
        self._change: dict[str, tuple[str, int, str] | None] = {}

    def body(self, member: str) -> list[tuple[int, str]]:
        """(line, text) of a member's body ([] for topics and unknown members)."""
        m = self.graph.methods.get(member)
        if m is None:
            return []
        return self.source.span(m.file, m.start_line, min(m.end_line, m.start_line + 400))

    def auth_in(self, member: str) -> str:
        """`file:line: excerpt` of an authentication step in `member`'s body, '' when none."""
        hit = self._auth.get(member)
        if hit is None:
            hit = ""
            m = self.graph.methods.get(member)
            if m is not None:
                for n, text in self.body(member):
                    s = text.strip()
                    if not s.startswith(("//", "#", "*")) and AUTH_STEP.search(s):
                        hit = f"{m.file}:{n}: {s[:160]}"
                        break
            self._auth[member] = hit
        return hit

    def change_in(self, member: str) -> tuple[str, int, str] | None:
        """(kind, line, text) of the first state change in `member`'s body, or None."""
        if member in self._change:
            return self._change[member]
        found = None
        for n, text in self.body(member):
            s = text.strip()
            # comments, local declarations and object-initialiser members build values, they change nothing
            if s.startswith(("//", "#", "*", "var ")) or s.endswith(","):
                continue
            for kind, pat in STATE_CHANGES:
                if pat.search(s):
                    found = (kind, n, s)
                    break
            if found:
                break
        self._change[member] = found
        return found

    def takes(self, e) -> bool:
        """Whether the walk follows edge `e` (a subclass may drop the by-name guesses)."""
        return e.kind in FOLLOW

    def walk(self, roots: list[str], *, opener: bool = True) -> tuple[list[str], list[StateChange]]:
        """Members reached from `roots` (BFS order) and the state changes among them. `opener`: the
        first root opens a listener (its own writes configure it, they are not inbound work)."""
        # node -> (member that called it, the call site); roots have no caller
        parent: dict[str, tuple[str, Hop] | None] = {r: None for r in roots}
        order: list[str] = []
        queue = deque((r, 0) for r in roots)
        while queue and len(order) < MAX_NODES:
            node, depth = queue.popleft()
            order.append(node)
            if depth >= MAX_DEPTH:
                continue
            for e in self.graph.out_edges(node):
                if e.dst in parent or not self.takes(e):
                    continue
                target = self.graph.methods.get(e.dst)
                if target is None and not e.dst.startswith(TOPIC_PREFIX):
                    continue
                if target is not None and target.role == "test":
                    continue
                parent[e.dst] = (node, Hop(e.dst, e.file, e.line, e.kind))
                queue.append((e.dst, depth + 1))
        changes: list[StateChange] = []
        for node in order:
            if opener and node in roots[:1]:
                continue  # the member that opens the listener configures it; inbound data starts later
            found = self.change_in(node)
            if found is None:
                continue
            members, hops = _path(node, parent)
            auth = next((a for a in (self.auth_in(x) for x in members) if a), "")
            m = self.graph.methods[node]
            changes.append(StateChange(found[0], node, m.file, found[1], found[2], hops, auth))
        return order, changes


def _path(node: str, parent: dict[str, tuple[str, Hop] | None]) -> tuple[list[str], tuple[Hop, ...]]:
    """(members from the root to `node`, the call sites between them)."""
    members = [node]
    hops: list[Hop] = []
    cur = parent.get(node)
    while cur is not None:
        src, hop = cur
        hops.append(hop)
        members.append(src)
        cur = parent.get(src)
    return list(reversed(members)), tuple(reversed(hops))
