"""What a release manager is told about each finding category: why it blocks a release and the
fix. Keyed by the fixed category taxonomy (models.CATEGORIES), so it is generic: no target name."""

from __future__ import annotations

# category -> (why it matters for a release, the fix)
REMEDY: dict[str, tuple[str, str]] = {
    "tls-bypass": (
        "an attacker on the network can impersonate the server: TLS gives no protection",
        "validate certificates with the platform default; remove the accept-all callback / insecure channel",
    ),
    "path-traversal": (
        "caller-controlled names can read or write files outside the intended folder",
        "canonicalise the combined path (GetFullPath / resolve) and reject it unless it stays under the base folder",
    ),
    "hardcoded-secret": (
        "the secret ships in the binary and the repository; anyone with either holds the key",
        "load the secret from configuration or a secret store; rotate the exposed value",
    ),
    "timing-unsafe-compare": (
        "comparing secrets with == leaks them byte by byte through timing",
        "compare with a constant-time function (FixedTimeEquals / hmac.compare_digest)",
    ),
    "secret-logging": (
        "secrets written to logs, sent to peers or returned to callers leak to everyone who reads or receives them",
        "log, send or return a redacted form, a key id or the public key; rotate the exposed secret",
    ),
    "unauthenticated-endpoint": (
        "anyone who can reach the listener can call it",
        "require authentication on the endpoint (an authorize attribute or middleware) or bind it to loopback",
    ),
    "missing-authorization": (
        "authenticated callers can perform actions they are not entitled to",
        "check the caller's permission before the action",
    ),
    "insecure-deserialization": ("deserialising untrusted data can run attacker-chosen code", "use a safe serializer with an allow-list of types"),
    "weak-crypto": (
        "the algorithm or mode is broken: protected data or credentials can be recovered",
        "use a current algorithm (AES-GCM, SHA-256+, a password KDF such as PBKDF2/Argon2)",
    ),
    "sql-injection": (
        "values spliced into SQL let a caller change the query",
        "pass values as command parameters; validate identifiers against an allow-list",
    ),
    "command-injection": (
        "values spliced into a process command line let a caller run other commands",
        "pass arguments as a list (ArgumentList / argv), never through a shell string",
    ),
    "xxe": (
        "XML parsing resolves external entities: local files and internal URLs can be read",
        "disable DTD processing and external entity resolution",
    ),
    "unsafe-assembly-load": (
        "code is loaded from a path without a signature or allow-list check",
        "verify a signature or an allow-list before loading",
    ),
    "placeholder-test": (
        "the test asserts nothing: the suite passes whatever the code does",
        "replace it with assertions on real behaviour, or delete it",
    ),
    "not-implemented": (
        "the feature throws at run time on a path users reach",
        "implement the member or remove the feature from the shipped surface",
    ),
    "todo-marker": ("unfinished work is marked in production code", "finish the work or move it to the issue tracker and remove the marker"),
    "sync-over-async": ("blocking on async work can deadlock and starves the thread pool under load", "await the task end to end"),
    "empty-catch": ("errors are swallowed: failures go unnoticed and nothing degrades gracefully", "log, recover or rethrow in every catch block"),
    "fake-async-delay": ("a delay stands in for real work: the feature does nothing", "implement the work or remove the feature"),
    "stub-return": (
        "the member returns a constant or its input: the promised check or transformation never happens",
        "implement the member; fail closed until it is implemented",
    ),
    "dead-code": ("code that nothing uses is maintenance cost and hides what really runs", "delete it or wire it in"),
    "unwired-component": (
        "the component is built but never constructed or registered: the feature it promises is absent",
        "register / construct it where it belongs, or delete it",
    ),
    "orphan-topic": (
        "a message is published with no subscriber, or a subscriber waits for a message nobody sends",
        "connect both ends of the topic or remove the dead end",
    ),
    "hardcoded-tuning": ("limits fixed in code cannot be tuned per deployment", "move the value to configuration with a documented default"),
    "unbounded-growth": ("a collection grows without a bound: memory exhaustion under sustained load", "bound it (capacity, eviction or expiry)"),
}

# Non-finding root causes (a cell that failed on its own evidence): kind -> (why, fix).
CELL_REMEDY: dict[str, tuple[str, str]] = {
    "gate": ("a hard gate of the certification procedure did not pass", "make the gate run and pass"),
    "coverage": ("part of the audit did not run: its verdicts are unknown, not passed", "make that part of the audit run"),
    "plugin": ("the procedure requires every plugin complete and stub-free", "complete the plugin as the cell says"),
    "flow": (
        "a critical flow of the procedure fails on the path the code takes: a stage is never called or a control it requires (cancellation, error handling, security) is missing",
        "call the stage or add the control the cell names (pass the CancellationToken on, handle the error, check access) on that path",
    ),
    "tier": ("the tier is claimed, but its preset / the code does not deliver it", "set the options in the preset and read them in production code"),
    "domain": ("the domain's checks do not pass", "fix what its cells name"),
    "claim": ("a document claims what the code contradicts", "correct the claim or the code"),
}


def remedy(category: str) -> tuple[str, str]:
    """(why it blocks, fix) for a finding category; a neutral text for an unknown one."""
    return REMEDY.get(category, ("the defect is real and counted", "fix each cited location"))
