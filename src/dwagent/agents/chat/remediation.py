"""Generic remediation direction per finding category (the fixed taxonomy in dwagent.models).

Offline chat cannot write a patch; it can say what a correct fix has to achieve, and show the
rule's own documentation. These lines are general engineering guidance, not tuned to any tree.
"""

from __future__ import annotations

from dwagent.tools.rules.registry import get_rule

ADVICE: dict[str, str] = {
    "tls-bypass": "Remove the accept-any certificate callback/flag; validate the chain and host name, or pin a certificate explicitly for the one endpoint that needs it.",
    "path-traversal": "Resolve the combined path to a full path and reject it unless it stays under the intended base directory; never trust a caller-supplied file name.",
    "hardcoded-secret": "Move the secret to a secret store or environment configuration, rotate the exposed value, and keep only a reference in code.",
    "timing-unsafe-compare": "Compare secrets, MACs and tokens with a constant-time comparison (e.g. a fixed-time equals over bytes).",
    "secret-logging": "Stop writing the secret to logs, peers or responses; use an identifier, the public key or a redacted form instead.",
    "unauthenticated-endpoint": "Require authentication on the endpoint (or document why it is deliberately anonymous and limit what it exposes).",
    "missing-authorization": "Check the caller's permission for this resource before acting, in the handler or a policy it cannot bypass.",
    "insecure-deserialization": "Use a serializer that does not instantiate arbitrary types, or restrict the allowed types to a closed list.",
    "weak-crypto": "Replace the weak primitive with a current one (SHA-256+/HMAC, AES-GCM, RSA-OAEP/ECDSA, a CSPRNG for secrets).",
    "sql-injection": "Pass values as query parameters; never concatenate or interpolate input into SQL text.",
    "command-injection": "Avoid the shell; pass arguments as a list to the process API and validate them against an allow-list.",
    "xxe": "Disable DTD processing and external entity resolution on the XML reader.",
    "unsafe-assembly-load": "Load code only from a trusted, verified location (signature or hash check) and never from a user-controlled path.",
    "placeholder-test": "Make the test assert the behaviour it names (or delete it); a test that cannot fail proves nothing.",
    "not-implemented": "Implement the member, or remove it from the public surface and from any claim that the feature exists.",
    "todo-marker": "Finish the work the marker describes or track it in an issue and remove the claim of completeness.",
    "sync-over-async": "Await the task instead of blocking on .Result/.Wait(); make the caller async all the way up.",
    "empty-catch": "Handle the exception (log with context, rethrow, or translate it); swallowing it hides failures.",
    "fake-async-delay": "Replace the artificial delay with the real asynchronous work it stands in for.",
    "stub-return": "Return a real result computed from the inputs, or fail loudly until it is implemented.",
    "dead-code": "Delete the unreachable code or wire it to the caller that was meant to use it.",
    "unwired-component": "Register the component where the host discovers components, or remove it and any claim that it is active.",
    "orphan-topic": "Add the missing publisher or subscriber for the topic, or remove the side that nothing answers.",
    "hardcoded-tuning": "Move the number into configuration with a documented default and bounds.",
    "unbounded-growth": "Bound the collection (capacity, eviction or expiry) and decide what happens when the bound is hit.",
}


def advice_for(category: str) -> str:
    """The remediation direction for a category ('' when the category is unknown)."""
    return ADVICE.get(category, "")


def rule_doc(rule_id: str) -> str:
    """The rule's documentation text from the rule catalogue, or '' when it is not available."""
    try:
        return get_rule(rule_id).meta.doc
    except Exception:  # the catalogue may not know this rule (older report, rule removed)
        return ""
