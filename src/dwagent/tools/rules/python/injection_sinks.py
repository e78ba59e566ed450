"""Injection-class sinks in Python web code built on the data-flow core: XSS, open redirect, SSRF,
LDAP, XPath, code injection, untrusted data stored into the session, insecure cookies.

Severity follows the evidence (`dataflow/flow.py: grade`): high (critical for code injection)
only when request data (Flask/Django/FastAPI/Starlette/aiohttp request objects, route and view
parameters), socket bytes, a message payload or a stored (second-order) value reaches the sink
with no validator guarding it, also through a caller in another file; medium for
command-line/environment values and parameters whose callers are not in view; constants and
configuration are not reported. The path, hop by hop, is the evidence.
"""

from __future__ import annotations

import re
from typing import Iterable

from dwagent.tools.dataflow.per_file import flows_for, run_sinks
from dwagent.tools.dataflow.sinks import python_sink_sites, report
from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.registry import Hit, file_rule
from dwagent.tools.syntax.python import call_name, keyword
from dwagent.tools.syntax.tree import hit, nodes, text


@file_rule(id="DWA-430", title="Untrusted data rendered as raw HTML (Python)", category="xss", severity="high", cwe=(79,), languages=("python",))
def raw_html(ctx: FileContext) -> Iterable[Hit]:
    """`render_template_string(x)`, `Markup(x)`, `mark_safe(x)` or an HTML response body built
    from a traced value: the template engine's auto-escaping does not apply. High with a request
    source; medium for parameters. Not reported after `escape()`/`bleach.clean()`, nor for
    `render_template` with a file template (auto-escaped)."""
    yield from run_sinks(
        ctx,
        "xss",
        r"render_template_string|Markup|mark_safe|Response",
        high="high",
        what="HTML rendered without escaping by",
        ignore=("lower",),
        fix="render a template file (auto-escaped) or escape() it",
    )


@file_rule(
    id="DWA-431", title="Redirect to a URL taken from input (Python)", category="open-redirect", severity="high", cwe=(601,), languages=("python",)
)
def open_redirect(ctx: FileContext) -> Iterable[Hit]:
    """`redirect(x)`, `HttpResponseRedirect(x)`, `RedirectResponse(x)`, `HTTPFound(x)` with a traced
    value. High with a request source; medium for parameters. Not reported after
    `url_has_allowed_host_and_scheme`/`is_safe_url` or a `startswith("/")` check that exits
    otherwise, nor for `url_for(...)` targets."""
    yield from run_sinks(
        ctx,
        "redirect",
        r"redirect|Redirect|HTTPFound|HTTPSeeOther",
        high="high",
        what="redirect target of",
        ignore=("lower",),
        fix="check it with url_has_allowed_host_and_scheme or redirect by name",
    )


@file_rule(
    id="DWA-432",
    title="Outbound request to a URL taken from input (SSRF, Python)",
    category="ssrf",
    severity="high",
    cwe=(918,),
    languages=("python",),
)
def ssrf(ctx: FileContext) -> Iterable[Hit]:
    """`requests`/`httpx`/aiohttp session calls and `urllib.request.urlopen` with a traced URL. High
    with a request source; medium for parameters and environment values. A host allow-list check
    that exits otherwise guards it."""
    yield from run_sinks(
        ctx,
        "ssrf",
        r"requests|httpx|urlopen|session|client",
        high="high",
        what="URL of",
        ignore=("lower",),
        pending_params=True,
        fix="resolve the host against an allow-list before connecting",
    )


@file_rule(id="DWA-433", title="LDAP filter built from input (Python)", category="ldap-injection", severity="high", cwe=(90,), languages=("python",))
def ldap_injection(ctx: FileContext) -> Iterable[Hit]:
    """`conn.search(base, filter)`, `ldap.search_s(...)` with a filter or base carrying a traced value.
    High with a request source; medium for parameters. `escape_filter_chars` guards it."""
    yield from run_sinks(ctx, "ldap", r"ldap|search", high="high", what="LDAP query of", fix="escape values with escape_filter_chars")


@file_rule(
    id="DWA-434", title="XPath query built from input (Python)", category="xpath-injection", severity="high", cwe=(643,), languages=("python",)
)
def xpath_injection(ctx: FileContext) -> Iterable[Hit]:
    """`tree.xpath(expr)` (lxml) or ElementTree `find/findall` with an expression carrying a traced
    value. High with a request source; medium for parameters. Pass values as XPath variables
    (`tree.xpath("//u[@n=$n]", n=value)`)."""
    yield from run_sinks(ctx, "xpath", r"xpath|XPath|find", high="high", what="XPath expression of", fix="pass the value as an XPath variable")


@file_rule(
    id="DWA-435",
    title="Code evaluated or module imported from input (Python)",
    category="code-injection",
    severity="critical",
    cwe=(94, 95),
    languages=("python",),
)
def code_injection(ctx: FileContext) -> Iterable[Hit]:
    """`eval`, `exec`, `compile`, `__import__` or `importlib.import_module` of a traced value.
    Critical with an untrusted source (remote code execution); medium for parameters, CLI and
    environment values; constant code is not reported."""
    yield from run_sinks(
        ctx,
        "code",
        r"eval|exec|compile|import",
        high="critical",
        what="code run by",
        fix="never evaluate input; map it to fixed operations (ast.literal_eval for data)",
    )


@file_rule(
    id="DWA-436",
    title="Untrusted data stored in the session (Python)",
    category="trust-boundary",
    severity="medium",
    cwe=(501,),
    languages=("python",),
)
def session_trust_boundary(ctx: FileContext) -> Iterable[Hit]:
    """Request data written into `session[...]` (Flask, Django `request.session`), which later code
    trusts as server state. Medium with an untrusted source; other origins are not reported."""
    if "session" not in ctx.text:
        return
    flows = flows_for(ctx)
    for site in python_sink_sites(ctx, "session"):
        yield from report(
            ctx, flows, site, "session", high="medium", what="session value", min_trust="untrusted", fix="validate it before it becomes trusted state"
        )


@file_rule(
    id="DWA-437",
    title="Cookie set without secure or httponly (Python)",
    category="insecure-cookie",
    severity="medium",
    cwe=(614, 1004),
    languages=("python",),
)
def insecure_cookie(ctx: FileContext) -> Iterable[Hit]:
    """`response.set_cookie(name, value, ...)` without `secure=True` and `httponly=True`. Medium;
    high when the cookie's name says it holds a session, token or auth value and `secure` is
    missing. A flag passed as a variable (configuration) counts as set."""
    if "set_cookie" not in ctx.text:
        return
    for call in nodes(ctx, "call"):
        obj, name = call_name(ctx, call)
        if name != "set_cookie":
            continue
        missing = [
            flag for flag in ("secure", "httponly") if keyword(ctx, call, flag) is None or text(ctx, keyword(ctx, call, flag)) in ("False", "None")
        ]
        if not missing:
            continue
        argn = call.child_by_field_name("arguments")
        first = argn.named_children[0] if argn is not None and argn.named_children else None
        cookie = text(ctx, first) if first is not None else "cookie"
        sensitive = re.search(r"(?i)sess|token|auth|jwt|sid|remember|login|csrf", cookie)
        sev = "high" if sensitive and "secure" in missing else "medium"
        why = "its name suggests a session/auth value" if sensitive else "no sign it holds a session or auth value"
        yield hit(call, f"cookie {cookie[:40]} is set without {' and '.join(missing)}=True ({why})", max_lines=3, severity=sev)
