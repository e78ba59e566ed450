"""Vocabulary for secret-bearing identifiers and placeholder values, shared by C# and Python rules.

Decisions are made on the identifier's words (camelCase / snake_case split), mostly its last word,
so `dbPassword` is a secret while `PasswordPolicy` and `MinPasswordLength` are not.
"""

from __future__ import annotations

import base64
import json
import re

from dwagent.tools.syntax.tree import camel_words

SECRET_LAST_WORDS = frozenset({"password", "passwd", "pwd", "passphrase", "secret", "credential", "credentials", "apikey", "privatekey"})
KEY_QUALIFIERS = frozenset(
    {
        "api",
        "private",
        "signing",
        "secret",
        "encryption",
        "access",
        "hmac",
        "jwt",
        "master",
        "client",
        "subscription",
        "shared",
        "symmetric",
        "account",
        "storage",
        "auth",
        "provider",
        "partner",
        "webhook",
        "license",
        "app",
        "application",
        "integration",
        "consumer",
        "deploy",
        "ssh",
        "gpg",
        "pgp",
        "rsa",
        "aes",
    }
)
TOKEN_QUALIFIERS_NOT_SECRET = frozenset(
    {
        "cancellation",
        "continuation",
        "page",
        "paging",
        "next",
        "sync",
        "change",
        "lexer",
        "parser",
        "syntax",
        "csrf",
        "antiforgery",
        "stop",
        "cancel",
        "resume",
    }
)
PUBLIC_WORDS = frozenset({"public", "publishable"})
# Extra words that make an equality comparison a secret comparison (signatures, MACs, digests).
COMPARE_LAST_WORDS = frozenset({"signature", "sig", "hmac", "mac", "otp", "nonce"})
# Trailing words that say how a value is encoded or carried, not what it is: `signatureHex`,
# `tokenBytes`, `api_key_header` compare the signature / token / API key itself.
CARRIER_WORDS = frozenset(
    {
        "hex",
        "b64",
        "base64",
        "bytes",
        "str",
        "string",
        "text",
        "header",
        "value",
        "raw",
        "encoded",
        "upper",
        "lower",
        "normalized",
        "normalised",
        "trimmed",
    }
)
# `hash`/`digest`/`key` are secret comparisons only when qualified (passwordHash, tokenDigest);
# a file hash checked against an allow-list is an integrity check, not a secret.
QUALIFIED_COMPARE_WORDS = frozenset({"hash", "digest", "key"})
SECRET_QUALIFIERS = frozenset(
    {"password", "passwd", "pwd", "secret", "token", "api", "hmac", "signature", "signing", "auth", "session", "otp", "pin", "credential"}
)


PLACEHOLDER = re.compile(
    r"""(?ix)^(
        |\s*|changeme|change[_\-.]?me|change[_\-.]?it|password|passwd|secret|token|apikey|api[_\-]?key
        |x+|\*+|\.+|-+|todo|tbd|replace[_\-]?me|replace[_\-].*|your[_\-\s].*|<[^>]*>|\$\{[^}]*\}|\{\{.*\}\}|%[^%]+%
        |example|dummy|test|testing|sample|placeholder|none|null|nil|redacted|hidden|masked|default
        |\{[0-9]+\}|\$\([^)]*\)|env:.*|vault:.*|secretref:.*|.*\bexample\b.*
    )$""",
)


def is_secret_name(name: str) -> bool:
    """True for identifiers that name a secret value (password, api key, token, private key...)."""
    words = camel_words(name)
    if not words:
        return False
    last = words[-1]
    prev = words[-2] if len(words) > 1 else ""
    if PUBLIC_WORDS & set(words):
        return False  # a public key, a strong-name public key token, a publishable key: public by design
    if last in SECRET_LAST_WORDS:
        return True
    if last == "key" and prev in KEY_QUALIFIERS:
        return True
    if last == "token" and prev not in TOKEN_QUALIFIERS_NOT_SECRET:
        return True
    if last == "string" and prev == "connection":
        return False  # judged by content (Password=...), not by name
    return False


def is_compared_secret_name(name: str) -> bool:
    """Names whose equality comparison should be fixed-time (secrets plus MACs/signatures/digests)."""
    words = camel_words(name)
    while len(words) > 1 and words[-1] in CARRIER_WORDS:
        words = words[:-1]
    if not words:
        return False
    if PUBLIC_WORDS & set(words):
        return False
    if words == ["sig"]:
        return False  # a bare `sig` is as often a signal number (`sig == signal.SIGTERM`) as a signature
    if is_secret_name("_".join(words)) or words[-1] in COMPARE_LAST_WORDS:
        return True
    return words[-1] in QUALIFIED_COMPARE_WORDS and bool(set(words[:-1]) & SECRET_QUALIFIERS)


def is_placeholder(value: str, name: str = "") -> bool:
    """Values that are obviously not real secrets: empty, masks, templates, examples, config keys."""
    v = value.strip()
    if len(v) < 4 or PLACEHOLDER.match(v):
        return True
    if name and v.lower().replace("_", "").replace("-", "") == name.lower().replace("_", "").replace("-", ""):
        return True
    # configuration keys / header names / paths rather than values
    if re.fullmatch(r"[A-Za-z][\w.-]*(:[\w.-]+)+", v) or re.fullmatch(r"[A-Za-z]+(__\w+)+", v):
        return True
    if re.match(r"(?i)x-[a-z-]+$", v) or re.fullmatch(r"[A-Z][A-Z0-9_]{2,}", v):
        return True  # a header name or an environment variable name
    if re.fullmatch(r"[a-z_]+|[A-Za-z][a-z]*", v):
        return True  # an identifier or type name ("next_token", "bool"), not credential material
    if " " in v and len(v.split()) >= 3:
        return True  # a sentence (a message or description), not a credential
    random_part = any(len(w) >= 8 and re.search(r"\d", w) and re.search(r"[a-z]", w) for w in re.split(r"[-_]", v))
    if name and re.fullmatch(r"[a-z0-9]+(?:[-_][a-z0-9]+){2,}", v) and not random_part:
        # a lower-case slug that spells words of its own name ("device-auth-key" in DeviceAuthKey,
        # "password_hash_b64" in HashedPasswordB64) is a key name or flag id, not key material;
        # a passphrase of other words ("correct-horse-battery") or a random segment still counts
        words = {w for w in re.split(r"[-_]", v) if len(w) >= 3 and not w.isdigit()}
        own = {w.lower() for w in re.findall(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])", name)}
        if len(words & own) >= 2 or (words & own and words & {"dummy", "fake", "sample", "example", "placeholder"}):
            return True
    return False


# A POST that does one of these is privileged; a plain POST (create my own thing) is not judged by
# the role-less-state-change rules. PUT/PATCH/DELETE always count.
PRIVILEGED_ACTION = re.compile(
    r"(?i)import|delete|remove|purge|reset|refund|approve|reject|void|grant|revoke|archive|admin|bulk|override|"
    r"suspend|disable|enable|ban|promote|role|permission|transfer|payout|export|restore|migrate|reindex|"
    r"impersonate|close|cancel|wipe|drop|truncate|rotate"
)

CONNECTION_PASSWORD = re.compile(r"(?i)(?:^|;)\s*(?:password|pwd)\s*=\s*([^;]*)")
PRIVATE_KEY = re.compile(r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----")
TOKEN_FORMATS = re.compile(
    r"(AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36}|xox[baprs]-[A-Za-z0-9-]{10,}|sk_live_[A-Za-z0-9]{16,}"
    r"|AccountKey=[A-Za-z0-9+/]{40,}={0,2})"
)


def literal_secret_kind(value: str) -> str:
    """What kind of secret a string literal carries on its own ('' if none)."""
    if PRIVATE_KEY.search(value):
        return "private key"
    m = CONNECTION_PASSWORD.search(value)
    if m and not is_placeholder(m.group(1).strip().strip("'\"")) and "{" not in m.group(1):
        return "connection string password"
    m = TOKEN_FORMATS.search(value)
    if m:
        return "access key" if not m.group(0).startswith("AccountKey") else "storage account key"
    return ""


# Verbs that begin the name of a function producing what the rest of its name says.
PRODUCER_VERBS = frozenset(
    {
        "generate",
        "gen",
        "new",
        "make",
        "create",
        "issue",
        "mint",
        "random",
        "get",
        "fetch",
        "read",
        "load",
        "build",
        "derive",
        "rotate",
        "compute",
        "calculate",
        "next",
    }
)
# Library calls whose result is fresh secret material whatever it is later called.
SECRET_SOURCES = re.compile(
    r"^(?:[\w.]*\.)?(secrets\.token_(urlsafe|hex|bytes)|RandomNumberGenerator\.(GetBytes|GetHexString|GetString|Fill)"
    r"|(Rfc2898DeriveBytes\.Pbkdf2|HKDF\.DeriveKey))$"
)


def produces_secret(function: str) -> bool:
    """True when a call to `function` (dotted text, e.g. `secrets.token_urlsafe`, `keys.generate_api_key`,
    `CreateAccessToken`) yields a secret: a known secret source, or a producer verb followed by a
    secret name (`generate_api_key`, `NewSigningKey`); `new_cache_key`, `GetPublicKey` are not."""
    if SECRET_SOURCES.match(function):
        return True
    last = function.split(".")[-1]
    words = camel_words(last)
    if len(words) < 2 or words[0] not in PRODUCER_VERBS:
        return False
    return is_secret_name("_".join(words[1:]))


# Key material that is public by design: verifying keys and certificates.
PUBLIC_MATERIAL = re.compile(
    r"-----BEGIN (?:RSA |EC |DSA )?PUBLIC KEY-----|-----BEGIN CERTIFICATE-----|^\s*(?:ssh-(?:rsa|ed25519|dss)|ecdsa-sha2-\S+) AAAA"
)
LICENCE_WORDS = frozenset({"license", "licence", "licensing"})
LICENCE_REASON = "a licence key unlocks a vendor's product, not access to this system"


def is_public_material(value: str) -> bool:
    """A public key, a certificate or an XML RSA key with no private parameters."""
    if PUBLIC_MATERIAL.search(value):
        return True
    return "<RSAKeyValue>" in value and "<Modulus>" in value and not re.search(r"<(D|P|Q|DP|DQ|InverseQ)>", value)


def _jws_header(token: str) -> dict | None:
    """The decoded JSON header of a compact JWS (`header.payload.signature`), else None."""
    parts = token.strip().split(".")
    if len(parts) != 3 or not all(re.fullmatch(r"[A-Za-z0-9_-]+", p) for p in parts):
        return None
    try:
        raw = base64.urlsafe_b64decode(parts[0] + "=" * (-len(parts[0]) % 4))
        header = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None
    return header if isinstance(header, dict) and "alg" in header else None


def public_licence(name: str, value: str) -> str:
    """'signed' for a licence-named signed token (JWS with a signing algorithm, not `none`),
    'key' for another licence-named value, '' when the name is no licence."""
    words = camel_words(name)
    if not LICENCE_WORDS & set(words) or not words or words[-1] in SECRET_LAST_WORDS:
        return ""  # `LicenseSecret`, `LicensingPassword`: the secret that signs or unlocks licences
    header = _jws_header(value)
    if header is not None and str(header.get("alg", "")).lower() not in ("", "none"):
        return "signed"  # its authority is the issuer's signature, not its secrecy
    return "key"
