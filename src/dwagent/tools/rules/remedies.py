"""Each rule's own "why it blocks a release" and "the fix", as registry metadata.

The report used to take both from the finding category, which is wrong for many rules: a
presence-only verifier is not a broken algorithm, protocol state held in memory is not an
unregistered component, work started per message is not a growing collection. Every rule of the
catalogue has its own pair here (tests/tools/test_rule_remedies.py fails on a rule without one or
with the category's text); the category text (report/remedies.py) is only the fallback for a
finding whose rule is unknown. A rule may also pass `why=` / `fix=` to its decorator.

Generic by construction: the text names mechanisms, never a target's names.
"""

from __future__ import annotations

# rule id -> (why it blocks a release, the fix)
RULE_REMEDIES: dict[str, tuple[str, str]] = {
    # --- C# security (DWA-1xx)
    "DWA-101": (
        "the callback accepts every certificate: anyone on the network path can impersonate the server and read or change the traffic",
        "delete the callback (use the platform's validation) or pin the expected certificate and check the chain and name",
    ),
    "DWA-102": (
        "a flag turns certificate validation off: one setting away from accepting any server, and the default may already be off",
        "remove the flag or make validation impossible to disable in production builds",
    ),
    "DWA-103": (
        "gRPC traffic travels without TLS: calls, credentials and data can be read and changed on the network",
        "use an https endpoint with server (and where needed client) certificates; drop insecure channel credentials",
    ),
    "DWA-110": (
        "the secret ships in the binary and the repository; anyone with either holds the key",
        "load the secret from configuration or a secret store; rotate the exposed value",
    ),
    "DWA-111": (
        "the secret is written to a log: everyone who can read the logs (or their shipping pipeline) holds it",
        "log a redacted form or nothing; rotate the exposed secret",
    ),
    "DWA-112": (
        "comparing a secret with == stops at the first differing byte: the timing lets a caller guess it byte by byte",
        "compare with a constant-time function (CryptographicOperations.FixedTimeEquals)",
    ),
    "DWA-120": (
        "a caller-controlled name joined into a path can reach files outside the intended folder (../, absolute paths)",
        "canonicalise the combined path (Path.GetFullPath) and reject it unless it stays under the base folder",
    ),
    "DWA-130": (
        "the payload names the types to create: a crafted message can instantiate gadget types and run code",
        "use a serializer without type-name handling, or bind to an explicit allow-list of types",
    ),
    "DWA-140": (
        "MD5 and SHA-1 collide on demand: whatever the hash vouches for (integrity, identity, dedup) can be forged",
        "use SHA-256 or better; where a protocol mandates MD5/SHA-1, keep it to that protocol and say so at the call",
    ),
    "DWA-141": (
        "a broken cipher or ECB mode leaks the plaintext's structure or the key: protected data can be recovered",
        "use an authenticated mode (AES-GCM) or a vetted construction; never ECB on data",
    ),
    "DWA-142": (
        "System.Random is predictable: a token, key or nonce drawn from it can be guessed",
        "draw security values from RandomNumberGenerator",
    ),
    "DWA-150": (
        "values spliced into SQL let a caller change the query: read, change or delete other data",
        "pass values as command parameters; validate identifiers against an allow-list",
    ),
    "DWA-151": (
        "values spliced into a process command line let a caller run other commands with the service's rights",
        "pass arguments one by one (ProcessStartInfo.ArgumentList), never through a shell string",
    ),
    "DWA-152": (
        "untrusted text written as raw HTML runs script in other users' browsers (XSS)",
        "encode on output (the framework's default encoding); never emit raw HTML from input",
    ),
    "DWA-153": (
        "a redirect target from input sends users to any site with this site's credibility (phishing, token theft)",
        "redirect only to local URLs (Url.IsLocalUrl / LocalRedirect) or an allow-list",
    ),
    "DWA-154": (
        "an outbound request to a URL from input lets a caller reach internal services and cloud metadata (SSRF)",
        "resolve and check the host against an allow-list before the request; block private ranges",
    ),
    "DWA-155": (
        "an LDAP filter built from input lets a caller widen the query or bypass a directory check",
        "escape filter values (RFC 4515) or use a parameterised search API",
    ),
    "DWA-156": (
        "an XPath query built from input lets a caller select other nodes or bypass a check",
        "use XPath variables or escape the values; never splice input into the expression",
    ),
    "DWA-157": (
        "code or script built from input runs with the service's rights",
        "never evaluate input; map it to a fixed set of operations",
    ),
    "DWA-158": (
        "untrusted data stored in the session is later trusted as if the server had set it",
        "validate the value before storing it, or keep it out of the trusted session state",
    ),
    "DWA-159": (
        "a cookie without Secure/HttpOnly travels in clear text or is readable by script: the session can be stolen",
        "set Secure, HttpOnly and SameSite on the cookie (or in the cookie policy)",
    ),
    "DWA-160": (
        "the XML parser resolves DTDs or external entities: a document can read local files or reach internal URLs",
        "set DtdProcessing.Prohibit and XmlResolver = null",
    ),
    "DWA-161": (
        "a literal credential passed to a credential API ships in the binary: anyone with the build can log in",
        "load the credential from a secret store; rotate the exposed value",
    ),
    "DWA-170": (
        "code is loaded from a path without a signature or allow-list check: whoever can write there runs code in the process",
        "verify a strong-name/Authenticode signature or a hash allow-list before loading",
    ),
    "DWA-180": (
        "the raw listener dispatches commands to anyone who can connect: no authentication stands in front of them",
        "authenticate each connection (mutual TLS or a token checked before dispatch), or bind the listener to loopback",
    ),
    "DWA-181": (
        "the controller's or hub's actions run for anonymous callers",
        "add an authorization attribute or a fallback authorization policy; mark deliberate exceptions [AllowAnonymous]",
    ),
    "DWA-182": (
        "any signed-in user can perform an action its siblings reserve for a role: privilege escalation",
        "require the same role or policy as the sibling actions",
    ),
    "DWA-183": (
        "the minimal-API endpoint runs for anonymous callers while its siblings require authorization",
        "add RequireAuthorization() (or the siblings' policy) to the endpoint",
    ),
    "DWA-184": (
        "any signed-in user can call a state-changing endpoint its siblings reserve for a policy: privilege escalation",
        "require the same policy as the sibling endpoints",
    ),
    # --- C# readiness (DWA-2xx)
    "DWA-201": (
        "the member throws NotImplementedException: the feature fails at run time on a path users reach",
        "implement the member or remove it from the shipped surface",
    ),
    "DWA-202": (
        "unfinished work is marked in production code; the procedure's hard gate requires zero markers",
        "finish the work or move it to the issue tracker and remove the marker",
    ),
    "DWA-203": (
        "the test asserts nothing: the suite passes whatever the code does",
        "replace it with assertions on real behaviour, or delete it",
    ),
    "DWA-204": (
        "a security decision that always says yes: every caller passes the check, forged or not",
        "implement the check against a trusted value; fail closed until it is implemented",
    ),
    "DWA-205": (
        "blocking on a task (.Result / .Wait()) can deadlock and starves the thread pool under load",
        "await the task end to end",
    ),
    "DWA-206": ("errors are swallowed: failures go unnoticed and nothing degrades gracefully", "log, recover or rethrow in every catch block"),
    "DWA-207": (
        "a delay stands in for the work: the feature reports progress or success and does nothing",
        "implement the work or remove the feature",
    ),
    "DWA-208": (
        "the level users configure is ignored: the code always uses its literal, so tuning has no effect",
        "pass the configured value to the call (or drop the option if the value is fixed on purpose)",
    ),
    "DWA-209": (
        "a long-lived collection only grows: memory is exhausted under sustained load",
        "bound it (capacity, eviction or expiry) or remove entries when their owner ends",
    ),
    "DWA-210": (
        "a timeout, retry count or pool size fixed inline cannot be tuned per deployment",
        "move the value to configuration with a documented default",
    ),
    "DWA-211": (
        "the member is named for an effect (save, send, encrypt...) but returns success without doing it: callers believe work happened",
        "implement the effect; until then fail (throw or return a failure), never a success",
    ),
    # --- graph checks (DWA-3xx)
    "DWA-301": (
        "no entry point reaches the type: the feature it implements is absent from the running product",
        "wire it in (register, construct or discover it) or delete it",
    ),
    "DWA-302": (
        "nothing implements the interface: calls through it can never run real code",
        "implement it where it belongs or delete it",
    ),
    "DWA-303": (
        "the decorator/middleware is never wrapped around anything: the control it adds (validation, auditing, access control) never runs",
        "register it in the pipeline (UseMiddleware / the decorator registration) or delete it",
    ),
    "DWA-310": (
        "a topic is published with no subscriber: the message, and the work it should trigger, is lost",
        "subscribe where the work belongs, or stop publishing the topic",
    ),
    "DWA-311": (
        "a subscriber waits for a topic nobody publishes: the handler, and the feature behind it, never runs",
        "publish the topic where the event happens, or remove the dead subscriber",
    ),
    "DWA-320": ("a private field written but never read is dead state that hides what really runs", "delete the field or use it"),
    "DWA-321": (
        "a preset sets an option no production code reads: the behaviour the preset promises is not implemented",
        "read the option where the behaviour belongs, or drop it from the preset",
    ),
    "DWA-330": ("a private method nothing calls is maintenance cost and hides what really runs", "delete it or call it"),
    "DWA-331": ("a function nothing calls is maintenance cost and hides what really runs", "delete it or call it"),
    "DWA-360": (
        "anyone who can reach the entry point can change state: no authentication stands between the network and the effect",
        "authenticate the sender before the state change (mutual TLS, a signed message or a token), or bind to loopback",
    ),
    "DWA-361": (
        "the TLS handshake happens but the messages travel on the raw connection: the traffic is in clear text",
        "read and write only through the authenticated SslStream",
    ),
    "DWA-362": (
        "discovery adds whoever announces itself on the segment: an attacker can join the cluster",
        "verify each announcement (a signature, a MAC or a certificate) before adding the peer",
    ),
    "DWA-363": (
        "every inbound connection or message starts new work with no limit: a flood of messages exhausts threads and memory",
        "bound the concurrency (a semaphore, a bounded channel or a connection limit) in the accept/receive loop",
    ),
    "DWA-364": (
        "the listener takes credentials over plain HTTP on every interface: anyone who can sniff the network reads the key",
        "serve it over TLS, or bind it to loopback when it is meant to be local",
    ),
    "DWA-365": (
        "the verifier checks only presence, length or format: a forged signature, token or key of the right shape passes",
        "verify against a trusted value (signature/MAC verification, a constant-time compare with the stored secret)",
    ),
    "DWA-366": (
        "the shutdown waits for background work with no timeout and no cancellation: one stuck task hangs the stop",
        "cancel the work first and wait with a timeout (WaitAsync / WhenAny)",
    ),
    "DWA-367": (
        "consensus or offset state lives only in memory: after a restart a node can vote twice or replay/lose messages",
        "persist the state (term, vote, log, offsets) durably before acting on it",
    ),
    "DWA-368": (
        "the endpoint tells the caller the command ran when nothing happened: clients and operators are misled",
        "do the work (dispatch the command and await it) or return an error; never a success literal",
    ),
    "DWA-369": (
        "a security switch nothing reads: turning it on changes nothing, so the control it names is absent",
        "read the option where the control belongs and enforce it, or remove the option",
    ),
}

# Python rules whose meaning is the C# rule's: same why, same fix (their own id stays).
_SAME_AS = {
    "DWA-401": "DWA-151",
    "DWA-402": "DWA-130",
    "DWA-404": "DWA-110",
    "DWA-405": "DWA-202",
    "DWA-408": "DWA-203",
    "DWA-409": "DWA-150",
    "DWA-411": "DWA-140",
    "DWA-412": "DWA-111",
    "DWA-413": "DWA-207",
    "DWA-415": "DWA-120",
    "DWA-419": "DWA-182",
    "DWA-430": "DWA-152",
    "DWA-431": "DWA-153",
    "DWA-432": "DWA-154",
    "DWA-433": "DWA-155",
    "DWA-434": "DWA-156",
    "DWA-435": "DWA-157",
    "DWA-436": "DWA-158",
    "DWA-438": "DWA-161",
}
RULE_REMEDIES.update({rid: RULE_REMEDIES[src] for rid, src in _SAME_AS.items()})
RULE_REMEDIES.update(
    {
        "DWA-403": (
            "TLS verification is off: anyone on the network path can impersonate the server",
            "remove verify=False / the unverified context; pin or trust the right CA instead",
        ),
        "DWA-406": (
            "a broad except that only passes swallows every error: failures go unnoticed",
            "catch the specific exception and log, recover or re-raise",
        ),
        "DWA-407": (
            "NotImplementedError outside an abstract method: the feature fails at run time on a path users reach",
            "implement it, or mark the method abstract",
        ),
        "DWA-410": (
            "comparing a secret with == leaks it through timing",
            "compare with hmac.compare_digest / secrets.compare_digest",
        ),
        "DWA-414": (
            "a module-level collection only grows: memory is exhausted in a long-running process",
            "bound it (maxsize, LRU, expiry) or scope it to a request",
        ),
        "DWA-416": (
            "the route runs for anonymous callers while its sibling routes require authentication",
            "add the siblings' authentication dependency or decorator",
        ),
        "DWA-417": (
            "a blocking call inside a coroutine stalls the event loop: every other request waits",
            "use the async API or run the call in an executor",
        ),
        "DWA-418": (
            "extracting an archive without member checks writes files outside the target folder (../ members, links)",
            "check each member's resolved path (or use the 'data' extraction filter) before extracting",
        ),
        "DWA-420": (
            "the XML parser resolves entities or DTDs: a document can read local files or exhaust memory",
            "parse with defusedxml or disable entity resolution",
        ),
        "DWA-421": (
            "the JWT is decoded without verifying its signature: anyone can forge a token with any claims",
            "decode with the key and an explicit algorithm list; never verify_signature=False",
        ),
        "DWA-422": (
            "the random module is predictable: a secret drawn from it can be guessed",
            "draw secrets from the secrets module",
        ),
        "DWA-423": (
            "starting an event loop on an async path fails or blocks the running loop",
            "await the coroutine instead of calling asyncio.run / run_until_complete there",
        ),
        "DWA-424": (
            "a malformed value silently becomes a default: bad input or configuration is accepted without a word",
            "reject or log the malformed value instead of replacing it silently",
        ),
        "DWA-425": (
            "a timeout, retry count or pool size fixed inline cannot be tuned per deployment",
            "move the value to configuration with a documented default",
        ),
        "DWA-426": (
            "a check, effect or transform that only says yes: callers believe work happened that did not",
            "implement it; until then fail (raise or return a failure), never a success",
        ),
        "DWA-437": (
            "a cookie without secure/httponly travels in clear text or is readable by script: the session can be stolen",
            "set secure, httponly and samesite on the cookie",
        ),
    }
)


def rule_remedy(rule_id: str) -> tuple[str, str]:
    """(why, fix) of a rule; ("", "") when the rule has none of its own."""
    return RULE_REMEDIES.get(rule_id, ("", ""))
