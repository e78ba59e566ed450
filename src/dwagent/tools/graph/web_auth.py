"""How a web action authenticates its caller, as the code declares it (ASP.NET Core, no compiler).

Per action of a controller, SignalR hub or gRPC service, in the order the framework applies them:
`[AllowAnonymous]` on the action or on any type of its lineage (it bypasses every requirement);
`[Authorize]` or an attribute whose type authenticates, on the action, the type or a base type
(inherited); a filter added globally (`options.Filters.Add(new AuthorizeFilter())`, or a filter
type that authenticates), `MapControllers().RequireAuthorization()`, `MapHub<T>(...).RequireAuthorization()`
or a fallback policy; a check inside the action's body (a signature or MAC verified, a key compared in
fixed time, a caller-supplied key compared with a configured secret). Else `none`.

An attribute or filter type authenticates when it derives from `AuthorizeAttribute`, or when it is an
authorization/action/resource filter (`IAuthorizationFilter`, `IAsyncAuthorizationFilter`,
`ActionFilterAttribute`, `IActionFilter`...) whose body reads the caller's identity or credential (user,
claims, a token, a signature, an API-key header) and answers 401/403 — recognised by what it does, not
by its name. Each answer is a `Status` with the line that shows it.
"""

from __future__ import annotations

import re
import sqlite3

from dwagent.tools.graph.exposure import Status, cite, declaration_line, find_auth_step
from dwagent.tools.graph.model import CodeGraph, MethodNode, TypeNode
from dwagent.tools.graph.source import SourceLines

AUTHORIZE_BASES = frozenset({"AuthorizeAttribute"})
FILTER_BASES = frozenset(
    {
        "IAuthorizationFilter",
        "IAsyncAuthorizationFilter",
        "ActionFilterAttribute",
        "IActionFilter",
        "IAsyncActionFilter",
        "IResourceFilter",
        "IAsyncResourceFilter",
        "IEndpointFilter",
    }
)
# what an authenticating filter reads: the caller's identity or a credential it presents
IDENTITY_READ = re.compile(
    r"\.User\b|\bClaims?\w*\b|\bIdentity\b|\bIsAuthenticated\b|\.Headers\b|\bAuthorization\b|[Tt]oken\b|[Ss]ignature\b|"
    r"\bApiKey\b|\bX-Api-Key\b|\bClientCertificate\b|\b[Cc]urrent(?:Context|User|Principal)\b|\bPrincipal\b"
)
# ...and how it turns the caller away
REJECT_RESULT = re.compile(
    r"\bUnauthorized(?:Object)?Result\b|\bForbidResult\b|\bChallengeResult\b|\bStatus40[13]\w*|StatusCode\s*=\s*40[13]\b|"
    r"\bUnauthorized\s*\(|\bForbid\s*\(|\bChallenge\w*\s*\("
)
TYPE_FILTER = re.compile(r"\b(?:ServiceFilter|TypeFilter)(?:Attribute)?\s*\(\s*typeof\s*\(\s*(?:\w+\.)*(\w+)\s*\)")
# a caller-supplied key compared with a configured secret (a webhook's shared key), either side
SECRET_COMPARE = re.compile(
    r"\b\w*(?:[Kk]ey|[Ss]ecret|[Tt]oken|[Ss]ignature)\w*\s*(?:!=|==)\s*[\w.]*(?:[Ss]ettings|[Oo]ptions|[Cc]onfig\w*|_\w*(?:[Kk]ey|[Ss]ecret))\b|"
    r"\b[\w.]*(?:[Ss]ettings|[Oo]ptions|[Cc]onfig\w*)\.\w*(?:Key|Secret|Token)\w*\s*(?:!=|==)\s*\w+"
)
ANONYMOUS, AUTHORIZE = "AllowAnonymous", "Authorize"


def _plain(name: str) -> str:
    """`FooAttribute` and `Foo` are one attribute; generic arguments are not part of the name."""
    name = name.split("<", 1)[0].rsplit(".", 1)[-1]
    return name[: -len("Attribute")] if name.endswith("Attribute") and len(name) > len("Attribute") else name


class WebAuth:
    """Answers 'how is this action authenticated' for one graph; built once per inventory."""

    def __init__(self, conn: sqlite3.Connection, graph: CodeGraph, source: SourceLines, files: dict[int, tuple[str, str]]) -> None:
        self.graph, self.source = graph, source
        self.classes_by_name: dict[str, list[str]] = {}
        for q, t in graph.types.items():
            if t.kind == "class":
                self.classes_by_name.setdefault(t.name, []).append(q)
        self.auth_types = self._auth_types()
        self.controllers, self.fallback, self.mapped = self._global(conn, files)

    # --- the types that authenticate --------------------------------------------------------
    def lineage(self, q: str, depth: int = 0) -> list[str]:
        """`q` and its in-tree base classes, nearest first (bounded depth)."""
        t = self.graph.types.get(q)
        if t is None or depth > 8:
            return [q] if depth == 0 else []
        out = [q]
        for b in t.bases:
            for cand in self.classes_by_name.get(b.split("<", 1)[0], ()):
                if cand not in out:
                    out.extend(x for x in self.lineage(cand, depth + 1) if x not in out)
        return out

    def _bases_of(self, q: str) -> set[str]:
        return {b.split("<", 1)[0].rsplit(".", 1)[-1] for x in self.lineage(q) for b in (self.graph.types[x].bases if x in self.graph.types else ())}

    def _auth_types(self) -> dict[str, Status]:
        out: dict[str, Status] = {}
        for q, t in sorted(self.graph.types.items()):
            if t.kind != "class" or t.role != "production":
                continue
            bases = self._bases_of(q)
            decl = declaration_line(self.source, t)
            if bases & AUTHORIZE_BASES:
                out.setdefault(
                    _plain(t.name), Status("required", cite(t.file, decl, self.source.line(t.file, decl)) + " (derives from AuthorizeAttribute)")
                )
                continue
            if not bases & FILTER_BASES:
                continue
            body = [(n, s) for n, s in self.source.span(t.file, t.start_line, t.end_line) if not s.strip().startswith(("//", "*", "///"))]
            reads = next(((n, s) for n, s in body if IDENTITY_READ.search(s)), None)
            rejects = next(((n, s) for n, s in body if REJECT_RESULT.search(s)), None)
            if reads and rejects:
                out.setdefault(
                    _plain(t.name),
                    Status("required", cite(t.file, rejects[0], rejects[1]) + f" (filter {t.name} reads the caller's credential and rejects)"),
                )
        return out

    def _global(self, conn: sqlite3.Connection, files: dict[int, tuple[str, str]]) -> tuple[Status | None, Status | None, dict[str, Status]]:
        """(every controller action: a filter added globally or `MapControllers().RequireAuthorization()`;
        every endpoint: a fallback policy; one hub or gRPC service: `MapHub<T>(...).RequireAuthorization()`)."""
        controllers: Status | None = None
        fallback: Status | None = None
        mapped: dict[str, Status] = {}
        rows = conn.execute(
            "SELECT file_id, line FROM refs WHERE kind = 'invoke' AND name IN ('Add', 'AddService', 'RequireAuthorization', "
            "'AddAuthorization', 'SetFallbackPolicy', 'AddAuthorizationBuilder') ORDER BY file_id, line"
        ).fetchall()
        for fid, line in rows:
            file, role = files[fid]
            if role != "production":
                continue
            for n, text in self.source.span(file, line, line + 6):
                s = text.strip()
                if s.startswith("//"):
                    continue
                typed = re.search(r"\bMap(?:Hub|GrpcService)\s*<\s*(?:\w+\.)*(\w+)\s*>", s)
                if typed and ".RequireAuthorization(" in s:
                    mapped.setdefault(typed.group(1), Status("required", cite(file, n, text) + " (its route requires authorization)"))
                elif fallback is None and re.search(r"\bFallbackPolicy\s*=|\bSetFallbackPolicy\s*\(", s):
                    fallback = Status("required", cite(file, n, text) + " (fallback policy: every endpoint without its own attribute)")
                elif controllers is None and re.search(r"\bMapControllers\s*\(\s*\)\s*\.RequireAuthorization\s*\(", s):
                    controllers = Status("required", cite(file, n, text) + " (applies to every controller action)")
                elif controllers is None:
                    added = re.search(
                        r"\bFilters\s*\.\s*Add(?:Service)?\s*(?:<\s*(?:\w+\.)*(\w+)\s*>|\(\s*(?:new\s+(?:\w+\.)*(\w+)|typeof\s*\(\s*(?:\w+\.)*(\w+)))",
                        s,
                    )
                    name = _plain(next(g for g in added.groups() if g)) if added else ""
                    if name == "AuthorizeFilter" or name in self.auth_types:
                        controllers = Status("required", cite(file, n, text) + " (filter added to every controller action)")
        return controllers, fallback, mapped

    # --- one action ---------------------------------------------------------------------------
    def attribute_lines(self, file: str, start: int) -> list[tuple[int, str]]:
        """The attribute lines of a declaration whose span starts at `start` (its first attribute)."""
        out = []
        for n, text in self.source.span(file, start, start + 16):
            s = text.strip()
            if s.startswith("["):
                out.append((n, text))
            elif s and not s.startswith("//"):
                break
        return out

    def declared(self, file: str, lines: list[tuple[int, str]]) -> Status | None:
        """What the attribute lines say: anonymous, required, or None."""
        for n, text in lines:
            if re.search(rf"\b{ANONYMOUS}\b", text):
                return Status("anonymous", cite(file, n, text))
        for n, text in lines:
            if re.search(rf"\[\s*{AUTHORIZE}\b|,\s*{AUTHORIZE}\b", text):
                return Status("required", cite(file, n, text))
            typed = TYPE_FILTER.search(text)
            if typed and _plain(typed.group(1)) in self.auth_types:
                return Status("required", cite(file, n, text) + " — " + self.auth_types[_plain(typed.group(1))].evidence)
            for attr in re.findall(r"[\[,]\s*(?:\w+\.)*(\w+)", text):
                if _plain(attr) in self.auth_types:
                    return Status("required", cite(file, n, text) + " — " + self.auth_types[_plain(attr)].evidence)
        return None

    def type_status(self, q: str) -> Status | None:
        """What the type and its bases declare (`[AllowAnonymous]` anywhere wins; inherited noted)."""
        found: list[Status] = []
        for x in self.lineage(q):
            t = self.graph.types.get(x)
            if t is None:
                continue
            st = self._type_declared(t)
            if st is not None:
                found.append(st if x == q else Status(st.value, st.evidence + f" (inherited from {t.name})"))
        anon = next((s for s in found if s.value == "anonymous"), None)
        return anon or (found[0] if found else None)

    def _type_declared(self, t: TypeNode) -> Status | None:
        decl = declaration_line(self.source, t)
        lines = [(n, s) for n, s in self.source.span(t.file, t.start_line, decl) if s.strip().startswith("[")]
        return self.declared(t.file, lines)

    def action_status(self, m: MethodNode, owner: str, owner_status: Status | None, kind: str) -> Status:
        """How one action is authenticated: declared on it, on its type, globally, or in its body."""
        own = self.declared(m.file, self.attribute_lines(m.file, m.start_line))
        if own is not None and own.value == "anonymous":
            return own
        if owner_status is not None and owner_status.value == "anonymous":
            return owner_status
        if own is not None:
            return own
        if owner_status is not None:
            return owner_status
        name = self.graph.types[owner].name if owner in self.graph.types else ""
        wide = self.mapped.get(name) if kind != "controller" else self.controllers
        if wide is not None or self.fallback is not None:
            return wide or self.fallback  # type: ignore[return-value]
        body = self.source.span(m.file, m.start_line, min(m.end_line, m.start_line + 400))
        step = find_auth_step([(m.file, body)])
        if step is not None:
            return Status("required", step.evidence + " (the action verifies the caller itself)")
        compare = next(((n, t) for n, t in body if SECRET_COMPARE.search(t) and not t.strip().startswith("//")), None)
        if compare is not None:
            return Status("required", cite(m.file, compare[0], compare[1]) + " (a caller-supplied key compared with a configured secret)")
        return Status(
            "none", f"no [Authorize], authenticating filter or policy on {m.name} or {name or 'its type'}, none global, no check in its body"
        )
