"""Weak cryptography in C#: broken hashes used for security, broken ciphers and ECB mode."""

from __future__ import annotations

import re
from typing import Iterable

from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.registry import Hit, file_rule
from dwagent.tools.syntax.tree import (
    arguments,
    callee,
    camel_words,
    descendants,
    enclosing_member,
    enclosing_type,
    hit,
    name_of,
    nodes,
    string_value,
    text,
)

WEAK_HASH_TYPES = {
    "MD5": "MD5",
    "SHA1": "SHA-1",
    "MD5CryptoServiceProvider": "MD5",
    "SHA1CryptoServiceProvider": "SHA-1",
    "SHA1Managed": "SHA-1",
    "MD5Cng": "MD5",
    "SHA1Cng": "SHA-1",
}
WEAK_HASH_NAMES = {"MD5": "MD5", "SHA1": "SHA-1", "SHA": "SHA-1", "System.Security.Cryptography.MD5": "MD5"}
WEAK_CIPHER_TYPES = {
    "DES": "DES",
    "TripleDES": "3DES",
    "RC2": "RC2",
    "DESCryptoServiceProvider": "DES",
    "TripleDESCryptoServiceProvider": "3DES",
    "RC2CryptoServiceProvider": "RC2",
    "TripleDESCng": "3DES",
}
# Words in the surrounding member / variable names that mark a non-security use of a hash.
NON_SECURITY_WORDS = frozenset(
    {
        "etag",
        "cache",
        "checksum",
        "dedup",
        "deduplicate",
        "bucket",
        "shard",
        "partition",
        "fingerprint",
        "content",
        "hashcode",
        "gravatar",
        "chunk",
        "stable",
        "deterministic",
        "guid",
        "uuid",
    }
)
SECURITY_WORDS = frozenset(
    {"password", "passwd", "pwd", "signature", "sign", "token", "hmac", "secret", "auth", "credential", "verify", "salt", "key", "session", "otp"}
)


# RFC 6455: the WebSocket accept key is base64(SHA-1(client key + this GUID)); not a security use.
WEBSOCKET_ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
# Names of wire protocols whose authentication step fixes the digest (RADIUS and TACACS+ MD5
# hiding, database challenge-response logins, NTLM/CHAP): the client computes what the server
# demands, and a stronger hash would not be understood.
PROTOCOL_WORDS = frozenset({"protocol", "radius", "tacacs", "handshake", "wire", "chap", "ntlm", "websocket"})
# ... and the inputs that make it a challenge-response rather than a stored hash.
CHALLENGE_WORDS = frozenset({"scramble", "authenticator", "nonce", "challenge", "salt", "seed", "native", "verifier", "session"})
_REDUCED = re.compile(r"BitConverter\s*\.\s*ToU?Int(?:16|32|64)\s*\(|\.Substring\(\s*0\s*,\s*(?:[1-9]|1[0-6])\s*\)")


def _target_of(ctx: FileContext, node) -> str:
    """The variable a hash call/creation is assigned to ('' when none)."""
    p = node.parent
    for _ in range(4):
        if p is None:
            return ""
        if p.type in ("variable_declarator", "assignment_expression"):
            return name_of(ctx, p) if p.type == "variable_declarator" else text(ctx, p.child_by_field_name("left"))
        p = p.parent
    return ""


def _context_words(ctx: FileContext, node) -> set[str]:
    words: set[str] = set()
    member = enclosing_member(node)
    if member is not None:
        words.update(camel_words(name_of(ctx, member)))
        if "etag" in name_of(ctx, member).lower():
            words.add("etag")
    target = _target_of(ctx, node)
    words.update(camel_words(target))
    if target and member is not None:
        # what the digest becomes says what it is for: `var etag = Hex(md5Hash)`
        for decl in descendants(member, "variable_declarator"):
            if decl.start_byte > node.end_byte and re.search(rf"\b{re.escape(target)}\b", text(ctx, decl)):
                words.update(camel_words(name_of(ctx, decl)))
    return words


def _statements_using(ctx: FileContext, node, member) -> list[str]:
    """Source of the member's statements that hold the hash call or use what it flows into: the
    target variable and, two steps on, variables initialised from it (`bytes = md5.ComputeHash`)."""
    stmts = [
        n
        for kind in ("expression_statement", "local_declaration_statement", "return_statement", "arrow_expression_clause")
        for n in descendants(member, kind)
    ]
    names = {_target_of(ctx, node).split(".")[-1]} - {""}
    for _ in range(2):
        for decl in descendants(member, "variable_declarator"):
            if any(re.search(rf"\b{re.escape(n)}\b", text(ctx, decl)) for n in names):
                names.add(name_of(ctx, decl))
    out = []
    for stmt in stmts:
        body = text(ctx, stmt)
        if stmt.start_byte <= node.start_byte < stmt.end_byte or any(re.search(rf"\b{re.escape(n)}\b", body) for n in names):
            out.append(body)
    return out


def _not_a_security_use(ctx: FileContext, node) -> str:
    """Why this MD5/SHA-1 is mandated by a protocol or is no security use ('' when it may be one)."""
    member = enclosing_member(node)
    if member is None:
        return ""
    if WEBSOCKET_ACCEPT_GUID in ctx.text:
        # the GUID exists only to build that key: this member uses it, or a constant holding it
        holders = [name_of(ctx, d) for d in nodes(ctx, "variable_declarator") if WEBSOCKET_ACCEPT_GUID in text(ctx, d)]
        body = text(ctx, member)
        if WEBSOCKET_ACCEPT_GUID in body or any(h and re.search(rf"\b{re.escape(h)}\b", body) for h in holders):
            return "websocket-accept"
    owner = enclosing_type(member)
    context = set(camel_words(name_of(ctx, owner))) | set(camel_words(name_of(ctx, member)))
    params = member.child_by_field_name("parameters")
    inputs = set(camel_words(name_of(ctx, member)))
    for p in descendants(params, "parameter") if params is not None else ():
        inputs.update(camel_words(name_of(ctx, p)))
    if context & PROTOCOL_WORDS and inputs & CHALLENGE_WORDS:
        return "protocol-auth"
    if "token" in inputs and not inputs & (SECURITY_WORDS - {"token"}) and owner is not None and _tokenizes_text(ctx, owner):
        return "lexical-token"
    if any(_REDUCED.search(body) for body in _statements_using(ctx, node, member)):
        return "reduced-to-id"
    return ""


_TOKENIZER = re.compile(r"\b(?:Tokenize|Tokenizer|SplitIntoTokens|SplitWords)\w*\s*\(")


def _tokenizes_text(ctx: FileContext, owner) -> bool:
    """The type splits text into word tokens (declares or calls a Tokenize*/Tokenizer member):
    its "token" is a lexical token, not a credential."""
    return bool(_TOKENIZER.search(text(ctx, owner)))


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

    Not reported when the enclosing member, the target variable or the variable the digest is
    turned into says the hash is a cache key, ETag, checksum, content fingerprint or
    partition/bucket selector; when the digest is reduced to an integer or a short hex prefix
    (`BitConverter.ToUInt32(hash)`, `.Substring(0, 16)`: a placement or id hash); when a protocol
    mandates it (the RFC 6455 WebSocket accept key; a challenge-response login inside a type named
    for a wire protocol -- RADIUS, TACACS+, a database protocol -- whose inputs include the
    server's salt, scramble, nonce or authenticator); when the only security word is "token" and
    the type tokenizes text (a Tokenize*/Tokenizer member: the token is a word hashed into a vector
    slot, not a credential); and not for HMAC-SHA1, which collisions do not break. High only when the surrounding names say it protects a password, signature, token
    or key; medium otherwise.
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
    if _not_a_security_use(ctx, node):
        return
    words = _context_words(ctx, node)
    if words & NON_SECURITY_WORDS and not words & {"password", "passwd", "pwd", "signature", "token", "secret"}:
        return
    if words & SECURITY_WORDS:
        yield hit(
            node, f"{algo} protects a security value ({', '.join(sorted(words & SECURITY_WORDS))})", severity="high", confidence="high", max_lines=2
        )
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
    `RC2.Create()`, the provider classes, `SymmetricAlgorithm.Create("DES")`, and
    `CipherMode.ECB` / `EncryptEcb` / `DecryptEcb` uses. Not reported: ECB set on an algorithm the
    same member runs without padding one block at a time (`TransformBlock`, or inside a
    counter/tweak/keystream construction: CTR, XTS, FPE, a PRF) -- the block primitive of a
    proper mode, where each input block is unique. ECB with padding over whole messages stays high.
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
            if _ecb_as_block_primitive(ctx, m):
                continue
            yield hit(m, "ECB mode leaks plaintext patterns; use GCM or CBC with a MAC", max_lines=2)


# Constructions that use the raw block cipher (one block at a time) to build a real mode.
MODE_WORDS = frozenset(
    {
        "ctr",
        "counter",
        "xts",
        "tweak",
        "keystream",
        "sector",
        "essiv",
        "adiantum",
        "fpe",
        "ff1",
        "ff3",
        "feistel",
        "prf",
        "cmac",
        "siv",
        "ccm",
        "gcm",
        "ocb",
        "eax",
        "cfb",
        "ofb",
        "garbled",
        "wrap",
    }
)


def _ecb_as_block_primitive(ctx: FileContext, mode_node) -> bool:
    """`x.Mode = CipherMode.ECB` on an algorithm that the same member sets to `PaddingMode.None`
    and drives one block at a time (`TransformBlock`, or names of a counter/tweak construction):
    ECB here is the AES block function inside CTR/XTS/FPE/a PRF, not a mode applied to data."""
    assign = mode_node.parent
    if assign is None or assign.type != "assignment_expression":
        return False
    obj = text(ctx, assign.child_by_field_name("left")).rsplit(".", 1)[0]
    member = enclosing_member(assign)
    if member is None or not obj:
        return False
    body = text(ctx, member)
    if not re.search(rf"\b{re.escape(obj)}\s*\.\s*Padding\s*=\s*(?:[\w.]*\.)?PaddingMode\.None\b", body):
        return False
    if "TransformBlock(" in body:
        return True
    # the member's own names, not its class's: a CTR class may still hold a real ECB method
    words = set(camel_words(name_of(ctx, member)))
    for ident in re.findall(r"[A-Za-z_]\w*", body):
        words.update(camel_words(ident))
    return bool(words & MODE_WORDS)
