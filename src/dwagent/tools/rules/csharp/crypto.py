"""Weak cryptography in C#: broken hashes used for security, broken ciphers and ECB mode."""
from __future__ import annotations

import re
from typing import Iterable

from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.registry import Hit, file_rule
from dwagent.tools.rules.syntax import (
    arguments,
    callee,
    camel_words,
    enclosing_member,
    hit,
    name_of,
    nodes,
    string_value,
    text,
)

WEAK_HASH_TYPES = {"MD5": "MD5", "SHA1": "SHA-1", "MD5CryptoServiceProvider": "MD5",
                   "SHA1CryptoServiceProvider": "SHA-1", "SHA1Managed": "SHA-1", "MD5Cng": "MD5", "SHA1Cng": "SHA-1"}
WEAK_HASH_NAMES = {"MD5": "MD5", "SHA1": "SHA-1", "SHA": "SHA-1", "System.Security.Cryptography.MD5": "MD5"}
WEAK_CIPHER_TYPES = {"DES": "DES", "TripleDES": "3DES", "RC2": "RC2", "DESCryptoServiceProvider": "DES",
                     "TripleDESCryptoServiceProvider": "3DES", "RC2CryptoServiceProvider": "RC2",
                     "TripleDESCng": "3DES"}
# Words in the surrounding member / variable names that mark a non-security use of a hash.
NON_SECURITY_WORDS = frozenset({"etag", "cache", "checksum", "dedup", "deduplicate", "bucket", "shard",
                                "partition", "fingerprint", "content", "hashcode",
                                "gravatar", "chunk", "stable", "deterministic", "guid", "uuid"})
SECURITY_WORDS = frozenset({"password", "passwd", "pwd", "signature", "sign", "token", "hmac", "secret",
                            "auth", "credential", "verify", "salt", "key", "session", "otp"})


def _context_words(ctx: FileContext, node) -> set[str]:
    words: set[str] = set()
    member = enclosing_member(node)
    if member is not None:
        words.update(camel_words(name_of(ctx, member)))
        if "etag" in name_of(ctx, member).lower():
            words.add("etag")
    p = node.parent
    for _ in range(4):
        if p is None:
            break
        if p.type in ("variable_declarator", "assignment_expression"):
            target = name_of(ctx, p) if p.type == "variable_declarator" else text(ctx, p.child_by_field_name("left"))
            words.update(camel_words(target))
            break
        p = p.parent
    return words


@file_rule(
    id="DWA-140",
    title="MD5 or SHA-1 used as a hash",
    category="weak-crypto",
    severity="medium",
    confidence="medium",
    cwe=(328,),
    languages=("csharp",),
)
def weak_hash(ctx: FileContext) -> Iterable[Hit]:
    """MD5 and SHA-1 are broken for collision resistance: signatures, password hashes, tokens or
    integrity checks built on them can be forged. Reported for `MD5.Create()`, `SHA1.Create()`,
    `MD5.HashData`, the provider classes and `HashAlgorithm.Create("MD5")`; high when the
    surrounding names say it protects a password, signature, token or key.

    Not reported when the enclosing member or the target variable says the hash is a cache key,
    ETag, checksum, content fingerprint or partition/bucket selector (non-security uses), and not
    for HMAC-SHA1, which is not broken by collisions.
    """
    if not re.search(r"MD5|SHA1|HashAlgorithm", ctx.text):
        return
    for call in nodes(ctx, "invocation_expression"):
        recv, name = callee(ctx, call)
        algo = ""
        last = recv.split(".")[-1]
        if last in WEAK_HASH_TYPES and name in ("Create", "HashData", "HashDataAsync", "ComputeHash"):
            if name == "ComputeHash":
                continue  # reported at the instance's creation
            algo = WEAK_HASH_TYPES[last]
        elif last in ("HashAlgorithm", "CryptoConfig") and name in ("Create", "CreateFromName"):
            args = arguments(call)
            algo = WEAK_HASH_NAMES.get(string_value(ctx, args[0]) or "", "") if args else ""
        if algo:
            yield from _report(ctx, call, algo)
    for new in nodes(ctx, "object_creation_expression"):
        typ = text(ctx, new.child_by_field_name("type")).split(".")[-1]
        if typ in WEAK_HASH_TYPES and typ not in ("MD5", "SHA1"):
            yield from _report(ctx, new, WEAK_HASH_TYPES[typ])


def _report(ctx: FileContext, node, algo: str) -> Iterable[Hit]:
    words = _context_words(ctx, node)
    if words & NON_SECURITY_WORDS and not words & {"password", "passwd", "pwd", "signature", "token", "secret"}:
        return
    if words & SECURITY_WORDS:
        yield hit(node, f"{algo} protects a security value ({', '.join(sorted(words & SECURITY_WORDS))})",
                  severity="high", confidence="high", max_lines=2)
    else:
        yield hit(node, f"{algo} is a broken hash; use SHA-256 or better", max_lines=2)


@file_rule(
    id="DWA-141",
    title="Broken cipher or ECB mode",
    category="weak-crypto",
    severity="high",
    cwe=(327,),
    languages=("csharp",),
)
def weak_cipher(ctx: FileContext) -> Iterable[Hit]:
    """DES, 3DES and RC2 are broken or deprecated block ciphers, and ECB mode encrypts equal blocks
    to equal ciphertext (patterns leak). Reported for `DES.Create()`, `TripleDES.Create()`,
    `RC2.Create()`, the provider classes, `SymmetricAlgorithm.Create("DES")`, and any
    `CipherMode.ECB` / `EncryptEcb` / `DecryptEcb` use.
    """
    if not re.search(r"DES|RC2|ECB|Ecb", ctx.text):
        return
    for call in nodes(ctx, "invocation_expression"):
        recv, name = callee(ctx, call)
        last = recv.split(".")[-1]
        if last in WEAK_CIPHER_TYPES and name == "Create":
            yield hit(call, f"{WEAK_CIPHER_TYPES[last]} is a broken cipher; use AES-GCM", max_lines=2)
        elif name in ("EncryptEcb", "DecryptEcb"):
            yield hit(call, f"`{name}` uses ECB mode, which leaks plaintext patterns", max_lines=2)
        elif last in ("SymmetricAlgorithm",) and name == "Create":
            args = arguments(call)
            v = string_value(ctx, args[0]) if args else None
            if v in ("DES", "TripleDES", "3DES", "RC2"):
                yield hit(call, f"{v} is a broken cipher; use AES-GCM", max_lines=2)
    for new in nodes(ctx, "object_creation_expression"):
        typ = text(ctx, new.child_by_field_name("type")).split(".")[-1]
        if typ in WEAK_CIPHER_TYPES:
            yield hit(new, f"{WEAK_CIPHER_TYPES[typ]} is a broken cipher; use AES-GCM", max_lines=2)
    for m in nodes(ctx, "member_access_expression"):
        if text(ctx, m) in ("CipherMode.ECB", "System.Security.Cryptography.CipherMode.ECB"):
            yield hit(m, "ECB mode leaks plaintext patterns; use GCM or CBC with a MAC", max_lines=2)
