"""What counts as key material or a password at a disclosure sink, shared by C# and Python rules.

Narrower than `names.is_secret_name`: a value sent to a peer or returned to a caller is judged by
whether anyone should ever receive it. Private keys, master keys, shared secrets, HMAC/signing/
encryption keys never should; a password never goes back to a caller. Tokens and API keys are
issued to callers by design (a login answers a token, key creation shows the key once), and a
client sends its own credential to authenticate, so neither is material here. Public keys, key
ids, hashes, fingerprints and encrypted/wrapped forms are not secrets.
"""

from __future__ import annotations

import re

from dwagent.tools.syntax.tree import camel_words

KEY_QUALIFIERS = frozenset(
    {"private", "master", "signing", "hmac", "shared", "symmetric", "encryption", "decryption", "root", "aes", "kek", "dek", "secret", "mac"}
)
SECRET_QUALIFIERS = frozenset({"shared", "master", "hmac", "signing", "pre", "psk"})
PASSWORD_WORDS = frozenset({"password", "passwd", "pwd", "passphrase"})
# trailing words that say how the value is carried, not what it is: `privateKeyPem` is the private key
CARRIERS = frozenset({"pem", "bytes", "hex", "b64", "base64", "der", "raw", "str", "string", "text", "value", "data", "blob", "material"})
# words that make the value something other than the secret itself
NOT_SECRET = frozenset(
    {
        "public",
        "id",
        "ids",
        "identifier",
        "name",
        "names",
        "hash",
        "hashed",
        "digest",
        "fingerprint",
        "thumbprint",
        "encrypted",
        "wrapped",
        "protected",
        "sealed",
        "enc",
        "masked",
        "redacted",
        "length",
        "size",
        "path",
        "file",
        "uri",
        "url",
        "version",
        "policy",
        "rotation",
        "expiry",
        "expires",
        "created",
        "provider",
        "store",
        "service",
        "manager",
        "options",
        "type",
        "format",
        "algorithm",
        "reference",
        "ref",
        "slot",
        "label",
        "header",
        "hint",
        "count",
        "exists",
        "required",
        "changed",
        "reset",
        "strength",
    }
)
# calls that produce private-key material, and calls that encode a value without changing what it is
PRIVATE_KEY_EXPORTS = re.compile(r"^(?:Export(?:RSA|Pkcs8|EC|Encrypted)?\w*PrivateKey\w*|private_bytes|ExportParameters|ToXmlString)$")
ENCODERS = frozenset(
    {
        "ToBase64String",
        "ToHexString",
        "ToHexStringLower",
        "ToString",
        "GetString",
        "GetBytes",
        "ToArray",
        "AsSpan",
        "AsMemory",
        "b64encode",
        "urlsafe_b64encode",
        "hexlify",
        "hex",
        "decode",
        "encode",
        "str",
        "bytes",
        "bytearray",
    }
)


def _words(name: str) -> list[str]:
    words = camel_words(name)
    while len(words) > 1 and words[-1] in CARRIERS:
        words = words[:-1]
    return words


def key_material_kind(name: str) -> str:
    """'key material' when an identifier names a private/master/shared/signing key or secret,
    'password' for a password, '' otherwise."""
    words = _words(name)
    if not words or NOT_SECRET & set(words):
        return ""
    last, prev = words[-1], (words[-2] if len(words) > 1 else "")
    if last in ("privatekey", "masterkey", "sharedsecret", "secretkey", "psk") or (last in ("key", "keys") and prev in KEY_QUALIFIERS):
        return "key material"
    if last == "secret" and prev in SECRET_QUALIFIERS or last == "material" and prev == "key":
        return "key material"
    if last in PASSWORD_WORDS:
        return "password"
    return ""


def exports_private_key(call_name: str, args_text: str = "") -> bool:
    """A call that hands out private-key material (`ExportPkcs8PrivateKey()`, `private_bytes(...)`,
    `ExportParameters(true)`, `ToXmlString(true)`)."""
    if call_name in ("ExportParameters", "ToXmlString"):
        return args_text.strip().strip("()").strip() == "true"
    return bool(PRIVATE_KEY_EXPORTS.match(call_name))
