"""How exposed an entry point is: its bind address, its transport security and how it
authenticates the peer, each with the line that shows it (or what was searched).

Pure text classifiers over the lines the index holds (no compiler). They read the call that opens
the entry point, the body of the type around it and, for authentication, the bodies of the
methods the entry point dispatches to. Where the code does not say, the answer is `configured`
(an expression decides at run time) or `unknown` — never a guess that makes it look safer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dwagent.tools.graph.model import TypeNode
from dwagent.tools.graph.source import SourceLines
from dwagent.tools.source_text import source_lines

ANY_ADDR = re.compile(
    r"IPAddress\.(?:IPv6)?Any\b|[\"'](?:0\.0\.0\.0|::|\*|\+)[\"']|(?:https?|wss?|tcp)://(?:\+|\*|0\.0\.0\.0|\[::\])[:/]|"
    r"\bListenAnyIP\b|\bINADDR_ANY\b"
)
LOOPBACK = re.compile(r"IPAddress\.(?:IPv6)?Loopback\b|127\.0\.0\.1|\blocalhost\b|\[?::1\]?[\"':]|\bListenLocalhost\b")
TLS_SERVER = re.compile(
    r"\bAuthenticateAsServer(?:Async)?\b|\bUseHttps(?:Redirection)?\b|\bUseHsts\b|https://|wss://|\bssl\.(?:create_default_context|SSLContext)|"
    r"\bwrap_socket\b|\bssl_context\b|\bssl\s*=|\bcertfile\b|\bServerCertificate\b"
)
MUTUAL = re.compile(
    r"ClientCertificateRequired\s*=\s*true|clientCertificateRequired\s*:\s*true|"
    r"ClientCertificateMode\.RequireCertificate|\bIsMutuallyAuthenticated\b|CERT_REQUIRED|"
    r"AuthenticateAsServer(?:Async)?\([^)]*,\s*true\b"
)
# A sender-authentication step: a MAC or signature verified, a token validated, a peer
# certificate checked, a shared secret compared in constant time, a framework auth call.
AUTH_STEP = re.compile(
    r"\bVerify(?:Data|Hash|Signature|Mac|Hmac|Token|Jwt)\w*\s*\(|\bVerify\w*Signature\w*\s*\(|"
    r"\bValidate(?:Token|Jwt|Signature|Hmac|Mac|ApiKey|Credentials?)\w*\s*\(|\bFixedTimeEquals\s*\(|"
    r"\bcompare_digest\s*\(|\bhmac\.new\s*\(|\bHMAC\w*\s*\(|\bRemoteCertificateValidationCallback\b|"
    r"\bIsMutuallyAuthenticated\b|\bAuthenticateAsync\s*\(|\bIsAuthenticated\b|\blogin_required\b|"
    r"\bcheck_password\s*\(|\bdecode\s*\([^)]*(?:key|secret)|\bjwt\.decode\s*\("
)
API_KEY_MIDDLEWARE = re.compile(r"(?:\"Authorization\"|\bApiKey\b|_apiKey\b|X-Api-Key|\"X-API-KEY\")", re.I)
REJECT = re.compile(r"\b401\b|Status401|Unauthorized|Forbid\(|HTTPStatus\.UNAUTHORIZED|abort\(\s*40[13]")
FALLBACK_POLICY = re.compile(r"\bFallbackPolicy\s*=|\.RequireAuthorization\s*\(")


@dataclass(frozen=True, slots=True)
class Status:
    """One classified property: a value and the evidence (`file:line: excerpt` or a search note)."""

    value: str
    evidence: str


def cite(file: str, line: int, text: str) -> str:
    """`file:line: excerpt` with the excerpt stripped and capped."""
    return f"{file}:{line}: {text.strip()[:160]}"


def classify_bind(file: str, line: int, statement: str, body: list[tuple[int, str]], default_any: bool = False) -> Status:
    """Bind address from the opening statement, else from the values its variables take in `body`.

    `default_any`: the constructor form binds every interface when given only a port
    (`new TcpListener(port)`, `new UdpClient(port)`).
    """
    if ANY_ADDR.search(statement):
        return Status("any", cite(file, line, source_lines(statement)[0]))
    if LOOPBACK.search(statement):
        return Status("loopback", cite(file, line, source_lines(statement)[0]))
    # a variable holding the address: find where the body gives it a literal value
    names = [n for n in re.findall(r"\b(_?[a-z]\w*)\b", statement.split("(", 1)[-1]) if len(n) > 2]
    for name in names[:4]:
        assign = re.compile(rf"\b{re.escape(name)}\b\s*(?:=|:)\s*(.+)")
        for n, text in body:
            m = assign.search(text)
            if not m or n == line:
                continue
            if ANY_ADDR.search(m.group(1)):
                return Status("any", cite(file, n, text))
            if LOOPBACK.search(m.group(1)):
                return Status("loopback", cite(file, n, text))
    if default_any:
        return Status("any", cite(file, line, source_lines(statement)[0]) + " (port-only form binds every interface)")
    return Status("configured", cite(file, line, source_lines(statement)[0]) + " (address from an expression)")


def classify_tls(file: str, body: list[tuple[int, str]], scheme_hint: str = "") -> Status:
    """none / tls / mtls for a raw transport, from the enclosing type's body."""
    tls_line = next(((n, t) for n, t in body if TLS_SERVER.search(t)), None)
    if tls_line is None:
        if scheme_hint.startswith("https") or scheme_hint.startswith("wss"):
            return Status("tls", scheme_hint)
        return Status(
            "none",
            f"no server-side TLS (AuthenticateAsServer, UseHttps, https://, ssl context) in "
            f"{file} lines {body[0][0] if body else 0}-{body[-1][0] if body else 0}",
        )
    mutual = next(((n, t) for n, t in body if MUTUAL.search(t)), None)
    if mutual is not None:
        return Status("mtls", cite(file, mutual[0], mutual[1]))
    return Status("tls", cite(file, tls_line[0], tls_line[1]))


def find_auth_step(spans: list[tuple[str, list[tuple[int, str]]]]) -> Status | None:
    """The first sender-authentication step in the given (file, lines) spans, or None."""
    for file, lines in spans:
        for n, text in lines:
            stripped = text.strip()
            if stripped.startswith(("//", "#", "*", "///")):
                continue
            if AUTH_STEP.search(stripped):
                return Status("required", cite(file, n, text))
    return None


SKIP_PATH = re.compile(r"StartsWithSegments\(\s*\"([^\"]+)\"|Path\s*==\s*\"([^\"]+)\"|path\s*==\s*['\"]([^'\"]+)['\"]")


def find_key_middleware(file: str, body: list[tuple[int, str]], route: str = "") -> Status | None:
    """An inline middleware that rejects requests without a credential (`app.Use(...)` that reads
    an Authorization/API-key header and answers 401). A `route` the middleware lets through
    (`if (path.StartsWithSegments("/health")) { await next(); return; }`) is `anonymous`."""
    for i, (_n, text) in enumerate(body):
        if re.search(r"\.Use\s*\(\s*async|\.Use\s*\(\s*\(|@\w+\.before_request|\bmiddleware\b", text):
            window = body[i : i + 25]
            has_key = next(((m, t) for m, t in window if API_KEY_MIDDLEWARE.search(t)), None)
            if has_key and any(REJECT.search(t) for _m, t in window):
                for m, t in (x for x in window if x[0] < has_key[0]):
                    skip = SKIP_PATH.search(t)
                    if skip and route and route.strip('"').startswith(next(g for g in skip.groups() if g)):
                        return Status("anonymous", cite(file, m, t) + " (route exempted from the credential middleware)")
                return Status("required", cite(file, has_key[0], has_key[1]) + " (credential-checking middleware)")
    return None


def declaration_line(source: SourceLines, t: TypeNode) -> int:
    """The line holding `class Name` (a declaration's span starts at its first attribute)."""
    pat = re.compile(rf"\bclass\s+{re.escape(t.name)}\b")
    for n, text in source.span(t.file, t.start_line, t.start_line + 20):
        if pat.search(text):
            return n
    return t.start_line


def attribute_line(source: SourceLines, t: TypeNode, names: tuple[str, ...]) -> tuple[int, str] | None:
    """The `[Name(...)]` line among the attributes of a type's declaration."""
    decl = declaration_line(source, t)
    for n, text in source.span(t.file, max(1, t.start_line - 8), decl):
        s = text.strip()
        if s.startswith("[") and any(re.search(rf"\b{a}\b", s) for a in names):
            return n, text
    return None
