"""The rule registrations (and their documentation) of the entry-point checks DWA-360..364 and 368:
each rule runs its check from `boundary_checks.py` once per graph (`checks._once`)."""

from __future__ import annotations

from dwagent.models import Finding
from dwagent.tools.graph.api import graph_for
from dwagent.tools.graph.boundary_checks import (
    cleartext_credentials,
    fabricated_endpoint_results,
    tls_then_raw_stream,
    unauthenticated_state_changes,
    unbounded_inbound_work,
    unverified_discovery,
)
from dwagent.tools.graph.checks import _once
from dwagent.tools.rules.registry import index_rule


@index_rule(
    id="DWA-360",
    title="Network entry point changes state without authenticating the sender",
    category="unauthenticated-endpoint",
    severity="critical",
    confidence="medium",
    cwe=(306, 287),
    languages=("csharp", "python"),
    domains=("security", "distributed"),
)
def unauthenticated_state_change(store, config) -> list[Finding]:
    """A raw listener (TCP/UDP socket, HttpListener, named pipe, WebSocket/MQTT server, Python server)
    whose dispatch reaches a state change (consensus term/vote/log, membership, storage write,
    configuration, key material, plugin loading, process start) with no sender-authentication step
    on the path (MAC or signature verified, token validated, mTLS peer identity, constant-time secret
    comparison). Evidence: the listener, each hop, each state change.

    Web entry points too: a controller, SignalR hub or gRPC action, a minimal-API route or a Python
    (Flask/FastAPI) route with no authentication as the code declares it (no `[Authorize]` on it, its
    type or a base, no authenticating filter or attribute, no global filter, `RequireAuthorization()`
    or fallback policy, no auth decorator/dependency, no key or signature check in its body) whose
    calls reach a state change, including an application's own (repository/database writes, a
    service's registry, a feature switched, user/account changes): one finding per controller/hub/route
    with the actions and the hop path from the action to the write; high (the host decides address
    and transport).

    Raises severity: bound to every interface (`IPAddress.Any`, `0.0.0.0`, port-only constructors) and
    no TLS = critical. Lowers it: loopback-only = medium; TLS without peer authentication = high; a
    sign-in/registration action (anonymous by necessity) with no rate limit or captcha in sight = medium.
    Not raised: actions anonymous by an explicit `[AllowAnonymous]` (a recorded decision), read-only
    actions (no state change reached), health/metrics/version/static/configuration-discovery endpoints,
    throttled sign-up flows, and paths the bounded walk (depth 8, 400 members; in C# resolved calls
    only) does not reach."""
    return _once(graph_for(store, config), unauthenticated_state_changes, "DWA-360")


@index_rule(
    id="DWA-361",
    title="TLS negotiated, then the raw connection used",
    category="tls-bypass",
    severity="high",
    confidence="medium",
    cwe=(319,),
    languages=("csharp", "python"),
    domains=("security",),
)
def tls_raw_stream(store, config) -> list[Finding]:
    """A method that authenticates an `SslStream` as server and afterwards passes the raw client
    (`ReceiveAsync(client)`) or calls `client.GetStream()` again for reads and writes: the handshake
    happens, the messages travel outside it. Lowered (not raised) when all I/O after the handshake
    goes through the SSL stream or a variable it was assigned to and the raw client is never handed to
    an I/O helper. Python: `ctx.wrap_socket(sock, ...)` / `ssl.wrap_socket(sock)` (assigned or `with ... as`)
    followed by `sock.recv/send/sendall/makefile/accept(...)` or `sock` handed to a read/send/handle helper,
    until the name is rebound."""
    return _once(graph_for(store, config), tls_then_raw_stream, "DWA-361")


@index_rule(
    id="DWA-362",
    title="Discovery adds peers without verifying them",
    category="unauthenticated-endpoint",
    severity="high",
    confidence="medium",
    cwe=(345, 290),
    languages=("csharp", "python"),
    domains=("security", "distributed"),
)
def discovery_unverified(store, config) -> list[Finding]:
    """A discovery listener (mDNS, multicast/broadcast, gossip; named so in its file or member) with no
    sender authentication whose packet handling adds to a peer/node/service collection: anyone on the
    segment can announce themselves into the cluster. Lowered when a signature/MAC check of the
    announcement or a certificate check sits on the path (the entry point's auth is then `required`)."""
    return _once(graph_for(store, config), unverified_discovery, "DWA-362")


@index_rule(
    id="DWA-363",
    title="Work started per inbound message without a bound",
    category="unbounded-growth",
    severity="medium",
    confidence="medium",
    cwe=(400, 770),
    languages=("csharp", "python"),
    domains=("reliability", "distributed"),
)
def per_message_work(store, config) -> list[Finding]:
    """An accept/receive loop of a network entry point that starts a task or thread per connection or
    message (`_ = HandleAsync(client)`, `Task.Run(...)`, `asyncio.create_task`) with no semaphore,
    bounded channel, connection limit or max degree of parallelism in the loop's member."""
    return _once(graph_for(store, config), unbounded_inbound_work, "DWA-363")


@index_rule(
    id="DWA-364",
    title="Credentials accepted in clear text on every interface",
    category="tls-bypass",
    severity="high",
    confidence="medium",
    cwe=(319, 523),
    languages=("csharp", "python"),
    domains=("security",),
)
def credentials_in_clear(store, config) -> list[Finding]:
    """A web host or HTTP listener bound to every interface with no TLS whose only protection is a
    credential check (API key, bearer token, password): whoever can sniff the network reads the key.
    Lowered by binding to loopback, `UseHttps`/https prefixes, or a TLS-terminating host setting."""
    return _once(graph_for(store, config), cleartext_credentials, "DWA-364")


@index_rule(
    id="DWA-368",
    title="State-changing endpoint reports success without doing the work",
    category="stub-return",
    severity="high",
    confidence="medium",
    cwe=(393, 912),
    languages=("csharp", "python"),
    domains=("readiness", "security"),
)
def fabricated_endpoint(store, config) -> list[Finding]:
    """A POST/PUT/DELETE/PATCH route (minimal API) whose handler lambda returns a success literal
    (`success = true`, `acknowledged = true`, `Results.Ok()`) without awaiting anything and without
    any call besides building the response (Results, Guid, DateTime, logging): the caller is told a
    message was dispatched or a command executed when nothing happened. The method-level form is
    DWA-211; this one covers handlers written inline at the route. Lowered by any await or any call
    into application code. Python: a `@app.post/put/delete/patch`, `@router.<verb>`, `@app.route(...,
    methods=[...])` or aiohttp `add_post(path, handler)` function whose body returns a success literal
    (`{"status": "accepted"}`, `{"success": True}`) and only reads the request, logs or builds the
    response; lowered by any other call (awaited or not) or any item/attribute written."""
    return _once(graph_for(store, config), fabricated_endpoint_results, "DWA-368")


def boundary_findings(store, config=None) -> list[Finding]:
    """All DWA-36x findings for an index store, sorted."""
    view = graph_for(store, config)
    found = (
        unauthenticated_state_changes(view)
        + tls_then_raw_stream(view)
        + unverified_discovery(view)
        + unbounded_inbound_work(view)
        + cleartext_credentials(view)
        + fabricated_endpoint_results(view)
    )
    return sorted(found, key=Finding.sort_key)
