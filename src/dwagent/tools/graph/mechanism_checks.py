"""Security and liveness mechanisms that exist but do not act (DWA-365..367, 369).

- DWA-365: a verifier (Verify/Validate + Signature/Token/Mac/Certificate/Credential/ApiKey) that
  only checks presence, length or format and then answers true: callers trust a check that cannot
  fail for a forged value.
- DWA-366: a shutdown/dispose member that awaits background work with no timeout and no
  cancellation sent first: one stuck task hangs the whole stop.
- DWA-367: protocol state that must survive a restart (consensus term, vote, log, commit index,
  consumer offsets) held in fields of a type that never persists anything.

- DWA-369: a security switch (bool option named for TLS, encryption, auth, signatures...) that no
  code reads at all.

They read member bodies from the graph (names and bodies, no compiler); each lists what it
searched so a reviewer can challenge it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dwagent.models import Finding
from dwagent.tools.graph.api import GraphView, graph_for
from dwagent.tools.graph.checks import _once
from dwagent.tools.graph.python_boundaries import unread_python_security_options
from dwagent.tools.rules.registry import get_rule, index_rule, make_finding

VERIFIER = re.compile(
    r"^(?:Verify|Validate|Check|IsValid|verify|validate|check|is_valid)\w*?"
    r"(?:Signature|Token|Mac|Hmac|HMAC|Certificate|Cert|Credential|ApiKey|Api_key|signature|token|mac|"
    r"hmac|certificate|credential|api_key)\w*$"
)
REAL_CHECK = re.compile(
    r"\bVerify\w*\s*\(|\bComputeHash\b|\bHMAC|\bHmac\w*\s*\(|\bhmac\.|\bFixedTimeEquals\b|\bSequenceEqual\b|"
    r"\.Equals\s*\(|\bcompare_digest\b|\bValidate\w*\s*\(|\bjwt\b|\bJwt\w*|\bX509\w*|\bChain\b|\bDecrypt|"
    r"\bRSA\b|\bECDsa\b|\bEd25519|\bHash\w*\s*\(|\bTryGetValue\s*\(|\bContains\w*\s*\(|\bverify\w*\s*\(|"
    r"==\s*(?!null\b|\d|None\b|\"\"|'')[\w\"'(]|!=\s*(?!null\b|\d|None\b|\"\"|'')[\w\"'(]|\bnew\s+\w+Handler\b|"
    r"\bawait\b|\bthrow\b|\braise\b|\bif\s+not\b.*\bin\b|\bin\s+self\.|\bIsMatch\b.*Key"
)
PRESENCE = re.compile(
    r"\bnull\b|\bNone\b|\bIsNullOrEmpty\b|\bIsNullOrWhiteSpace\b|\.Length\b|\.Count\b|\blen\s*\(|"
    r"\bStartsWith\b|\bstartswith\b|\bEndsWith\b|\bRegex\b|\bre\.match\b|\bAny\s*\(\s*\)"
)
STOPPER = re.compile(r"^(?:Stop|Shutdown|Dispose|Close|Terminate|stop|shutdown|close|aclose|__aexit__|__exit__)\w*$")
AWAIT_TASK = re.compile(
    r"\bawait\s+(?:Task\.WhenAll\s*\(|_\w*(?:[Tt]ask|[Ll]oop|[Ww]orker)s?\b(?!\s*\.WaitAsync)|"
    r"self\._\w*(?:task|loop|worker)s?\b)|\b_\w*[Tt]ask\.Wait\(\s*\)"
)
LIMITED = re.compile(
    r"\bWaitAsync\s*\(|\bWhenAny\s*\(|\bCancelAfter\b|\btimeout\b|\bTimeout\b|\bwait_for\s*\(|"
    r"\.Cancel\s*\(|\bCancelAsync\s*\(|\.cancel\s*\(|\.Wait\(\s*\w|\.Complete\s*\(\s*\)|\bCompleteAdding\s*\("
)
PROTOCOL_STATE = re.compile(
    r"^_?(?:current_?[Tt]erm|[Cc]urrentTerm|term|voted_?[Ff]or|[Vv]otedFor|commit_?[Ii]ndex|[Cc]ommitIndex|"
    r"last_?[Aa]pplied|[Ll]astApplied|(?:raft_?|replicated_?)?[Ll]og(?:_?[Ee]ntries)?|[Oo]ffsets?|"
    r"committed_?[Oo]ffsets?)$"
)
PERSISTS = re.compile(
    r"\bFile\.\w+\s*\(|\bFileStream\b|\bWrite\w*Async\s*\(|\bSave\w*\s*\(|\bPersist\w*\s*\(|\bFlush\w*\s*\(|"
    r"\b_?\w*[Ss]tore\w*\.\w+\s*\(|\bStorage\w*\.\w+\s*\(|\bDatabase\b|\bSqlite\w*|\bopen\s*\(|\bjson\.dump|"
    r"\bpickle\.dump|\bshelve\b|\bCommit\w*Async\s*\("
)


@dataclass(frozen=True)
class _Field:
    name: str
    file: str
    line: int


def _finding(rule: str, view: GraphView, file: str, line: int, message: str, root: str, related=()) -> Finding:
    f = make_finding(get_rule(rule).meta, file, line, line, view.source.line(file, line), message, scope="production", related=related)
    return f.model_copy(update={"root_cause": root})


def presence_only_verifiers(view: GraphView) -> list[Finding]:
    """DWA-365 findings."""
    out = []
    for _q, m in sorted(view.graph.methods.items()):
        if m.role != "production" or m.kind not in ("method", "function") or not VERIFIER.match(m.name):
            continue
        if "abstract" in m.modifiers or not re.search(r"\bbool\b|-> bool|Task<bool>", m.signature):
            continue
        body = view.source.span(m.file, m.start_line, m.end_line)
        code = [(n, t) for n, t in body if t.strip() and not t.strip().startswith(("//", "#", "*", "///", "[", "@"))]
        inner = code[1:] if len(code) > 1 else code
        text = "\n".join(t for _n, t in inner)
        if len(inner) > 25 or REAL_CHECK.search(text) or not PRESENCE.search(text):
            continue
        out.append(
            _finding(
                "DWA-365",
                view,
                m.file,
                m.start_line,
                f"`{m.name}` decides validity from presence/length/format only (no signature, MAC, hash or "
                f"lookup against a trusted value in its {len(inner)} line(s)): a forged value passes",
                # one copied pattern: the same fake check in sibling files is one decision
                f"presence-only-verifier:{m.file.rpartition('/')[0]}",
            )
        )
    return out


def unbounded_shutdown_waits(view: GraphView) -> list[Finding]:
    """DWA-366 findings."""
    out = []
    for _q, m in sorted(view.graph.methods.items()):
        if m.role != "production" or m.kind not in ("method", "function") or not STOPPER.match(m.name):
            continue
        body = view.source.span(m.file, m.start_line, m.end_line)
        hit = next(((n, t) for n, t in body if AWAIT_TASK.search(t) and not t.strip().startswith("//")), None)
        if hit is None:
            continue
        before = "\n".join(t for n, t in body if n <= hit[0])
        if LIMITED.search(before) or LIMITED.search(hit[1]):
            continue
        out.append(
            _finding(
                "DWA-366",
                view,
                m.file,
                hit[0],
                f"`{m.name}` waits for background work with no timeout and sends no cancellation first: a task that never finishes hangs shutdown",
                f"shutdown:{m.container}",
            )
        )
    return out


def volatile_protocol_state(view: GraphView) -> list[Finding]:
    """DWA-367 findings: one per type, listing its protocol-state fields."""
    by_type: dict[str, list] = {}
    for f in view.graph.fields:
        owner = f.qualname.rpartition(".")[0]
        if PROTOCOL_STATE.match(f.name) and owner in view.graph.types and f.writes:
            by_type.setdefault(owner, []).append(_Field(f.name, f.file, f.line))
    # Python keeps state in `self._x` attributes, which the graph does not list as fields
    for q, t in sorted(view.graph.types.items()):
        if t.role != "production" or not t.file.endswith(".py") or t.kind != "class":
            continue
        seen: dict[str, _Field] = {}
        for loc in t.locations:
            for n, text in view.source.span(loc.file, loc.start_line, loc.end_line):
                for m in re.finditer(r"\bself\.(\w+)\s*=[^=]", text):
                    if PROTOCOL_STATE.match(m.group(1)) and m.group(1) not in seen:
                        seen[m.group(1)] = _Field(m.group(1), loc.file, n)
        if seen:
            by_type.setdefault(q, []).extend(seen.values())
    out = []
    for owner, fields in sorted(by_type.items()):
        t = view.graph.types[owner]
        names = {f.name.lstrip("_").lower() for f in fields}
        # one consensus or consumer field alone is ordinary bookkeeping; term+vote or log+commit is a protocol
        if not ({"currentterm", "current_term", "term"} & names and {"votedfor", "voted_for"} & names) and not (
            names & {"offsets", "committedoffsets", "committed_offsets"}
        ):
            continue
        if t.role != "production":
            continue
        text = "\n".join(x for loc in t.locations for _n, x in view.source.span(loc.file, loc.start_line, loc.end_line))
        if PERSISTS.search(text):
            continue
        first = min(fields, key=lambda f: f.line)
        out.append(
            _finding(
                "DWA-367",
                view,
                first.file,
                first.line,
                f"{t.name} keeps protocol state ({', '.join(sorted(f.name for f in fields))}) only in memory: "
                f"nothing in the type writes it to durable storage, so a restart forgets votes and terms "
                f"(searched the type for file/stream/store/database writes)",
                f"volatile:{owner}",
            )
        )
    return out


SECURITY_OPTION = re.compile(
    r"Tls|Ssl|Https|Encrypt|Auth(?!or)|Signature|Signed|Mtls|MutualTls|Certificate|Pinning|Fips|"
    r"Secure|ZeroTrust|Integrity|TwoPerson|DeviceTrust|Mfa"
)
OPTION_HOLDER = re.compile(r"(?:Options|Config|Configuration|Settings|Policy)$")


def unread_security_options(view: GraphView) -> list[Finding]:
    """DWA-369 findings: one per holder type, listing its never-read security switches."""
    by_owner: dict[str, list] = {}
    for _q, m in sorted(view.graph.methods.items()):
        if m.role != "production" or m.kind != "property" or not SECURITY_OPTION.search(m.name):
            continue
        if not re.search(r"\bbool\b", m.signature) or not OPTION_HOLDER.search(m.container.rpartition(".")[2]):
            continue
        uses = [u for u in view.source.name_uses(m.name) if u != (m.file, m.start_line)]
        if not uses:
            by_owner.setdefault(m.container, []).append(m)
    out = []
    for owner, props in sorted(by_owner.items()):
        first = min(props, key=lambda p: p.start_line)
        out.append(
            _finding(
                "DWA-369",
                view,
                first.file,
                first.start_line,
                f"security option(s) {', '.join(p.name for p in props)} of {owner.rpartition('.')[2]} are "
                f"declared and never read anywhere (no identifier or string use outside the declaration): "
                f"setting them changes nothing",
                f"unread-option:{owner}",
                related=[_evidence_line(view, p.file, p.start_line) for p in props[1:6]],
            )
        )
    return out + unread_python_security_options(view)


def _evidence_line(view: GraphView, file: str, line: int):
    from dwagent.models import Evidence

    text = view.source.line(file, line)
    return Evidence(
        id=Evidence.make_id(file, line, line, text), file=file, start_line=line, end_line=line, excerpt=text, kind="code", note="also never read"
    )


@index_rule(
    id="DWA-365",
    title="Verification that checks only presence or format",
    category="weak-crypto",
    severity="high",
    confidence="medium",
    cwe=(347, 345),
    languages=("csharp", "python"),
    domains=("security",),
)
def presence_only_verification(store, config) -> list[Finding]:
    """A boolean verifier named for a signature, MAC, token, certificate, credential or API key whose
    body (at most 25 lines) tests only null/empty, length, prefix or a regex and compares nothing with a
    trusted value (no Verify*/hash/HMAC/constant-time compare/lookup/equality with a non-empty value).
    Lowered (not raised) by any such comparison, by delegation to another validator, or by a throw."""
    return _once(graph_for(store, config), presence_only_verifiers, "DWA-365")


@index_rule(
    id="DWA-366",
    title="Shutdown waits without timeout or cancellation",
    category="sync-over-async",
    severity="medium",
    confidence="medium",
    cwe=(400, 833),
    languages=("csharp", "python"),
    domains=("reliability",),
)
def shutdown_wait(store, config) -> list[Finding]:
    """A Stop/Shutdown/Dispose/Close member that awaits a background task (a `_xTask` field,
    `Task.WhenAll`, `self._task`) with no `WaitAsync(timeout)`/`WhenAny`/`wait_for`, and no `Cancel()`
    sent before the wait. Lowered when a cancellation or a timeout precedes the wait."""
    return _once(graph_for(store, config), unbounded_shutdown_waits, "DWA-366")


@index_rule(
    id="DWA-367",
    title="Protocol state held only in memory",
    category="unwired-component",
    severity="high",
    confidence="medium",
    cwe=(1188, 664),
    languages=("csharp", "python"),
    domains=("distributed", "reliability"),
)
def protocol_state_in_memory(store, config) -> list[Finding]:
    """A type that writes consensus state (current term together with voted-for) or consumer offsets
    into private fields and contains no write to a file, stream, store or database: the durability the
    protocol depends on (a node must not vote twice in one term after a restart) is missing. Lowered
    when the type persists anything (the persistence itself is then another check's business)."""
    return _once(graph_for(store, config), volatile_protocol_state, "DWA-367")


@index_rule(
    id="DWA-369",
    title="Security option declared and never read",
    category="unwired-component",
    severity="medium",
    confidence="high",
    cwe=(1164, 561),
    languages=("csharp", "python"),
    domains=("security", "readiness"),
)
def security_option_unread(store, config) -> list[Finding]:
    """A boolean property of an options/config/settings/policy type named for a security control
    (TLS, SSL, HTTPS, encryption, authentication, signature, mTLS, certificate pinning, FIPS, integrity,
    zero trust, MFA) whose name appears nowhere else in production code, not even in a string (so no
    reflection or binder reads it by name): turning it on changes nothing. One finding per holder type.
    Preset-set options that no code reads are DWA-321; this one needs no preset. Python: a `bool` field
    with a default (dataclass, pydantic model, `BaseSettings`) of a class named *Options/Config/Settings/
    Policy (or deriving from `BaseSettings`), same names and same reading rule."""
    return _once(graph_for(store, config), unread_security_options, "DWA-369")


def mechanism_findings(store, config=None) -> list[Finding]:
    """All DWA-365..367 and 369 findings, sorted."""
    view = graph_for(store, config)
    return sorted(
        presence_only_verifiers(view) + unbounded_shutdown_waits(view) + volatile_protocol_state(view) + unread_security_options(view),
        key=Finding.sort_key,
    )
