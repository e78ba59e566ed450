"""Capability URLs: a route whose credential travels in the request itself (a share token, a
pre-signed signature) and is checked by the handler before anything is served.

Such a route has no authentication attribute by design; the rules that compare a route's
authentication with its siblings' (DWA-183, DWA-416) skip it. Whether the check itself is real is
another rule's question (a validator that always says yes is DWA-204's stub-return).
"""

from __future__ import annotations

import re

from dwagent.tools.rules.names import TOKEN_QUALIFIERS_NOT_SECRET
from dwagent.tools.syntax.tree import camel_words

# Last words of a parameter name that make it the request's credential.
CREDENTIAL_WORDS = frozenset({"token", "sig", "signature", "hmac", "mac", "otp", "secret", "capability", "nonce"})
# A call that checks something: the credential must be passed to one.
CHECK_CALL = (
    r"\w*(IsValid|Valid|Validate|Verify|Verified|Matches|matches|valid|verify|validate|compare_digest|"
    r"FixedTimeEquals|Check|check|Authenticate|authenticate)\w*"
)


def credential_params(names) -> list[str]:
    """The parameters (by name) that carry a credential: `token`, `sig`, `shareToken`, `signature`..."""
    out = []
    for name in names:
        words = camel_words(name)
        if words and words[-1] in CREDENTIAL_WORDS:
            if words[-1] == "token" and len(words) > 1 and words[-2] in TOKEN_QUALIFIERS_NOT_SECRET:
                continue  # `cancellationToken`, `stoppingToken`, `pageToken`: no credential
            out.append(name)
    return out


def checks_credential(body: str, params) -> str:
    """The credential parameter that `body` passes to a checking call (`links.IsValid(key, exp, sig)`,
    `token_matches(stored, token)`), or ''."""
    for name in credential_params(params):
        if re.search(rf"\b{CHECK_CALL}\s*\([^;\n]*\b{re.escape(name)}\b", body):
            return name
    return ""
