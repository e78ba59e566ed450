"""Python secret handling: non-constant-time comparisons, weak hashes, secrets in logs."""

from __future__ import annotations

import re
from typing import Iterable

from dwagent.tools.dataflow.weak_random import weak_random_hits
from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.names import (
    is_compared_secret_name,
    is_secret_name,
    produces_secret,
)
from dwagent.tools.rules.registry import Hit, file_rule
from dwagent.tools.syntax.python import (
    call_name,
    keyword,
    local_value,
    positional,
)
from dwagent.tools.syntax.tree import (
    ancestor,
    camel_words,
    hit,
    nodes,
    text,
)

SECRET_CONTEXT = frozenset({"token", "api", "apikey", "secret", "signature", "hmac", "password", "auth", "credential", "webhook", "key", "otp"})
TRIVIAL = re.compile(r"^(None|True|False|-?\d+|[rbuf]*['\"].*['\"]|len\(.*\)|\w+\.__class__)$", re.S)


# String normalisations that keep the value's identity (case, whitespace, encoding).
NORMALISERS = frozenset({"strip", "lstrip", "rstrip", "lower", "upper", "casefold", "encode", "decode"})


def _name(ctx: FileContext, node) -> str:
    if node.type == "call":
        fn = node.child_by_field_name("function")
        if fn is not None and fn.type == "attribute" and text(ctx, fn.child_by_field_name("attribute")) in NORMALISERS:
            return _name(ctx, fn.child_by_field_name("object"))  # `sig.strip().lower()` is the signature
        return ""
    if node.type in ("identifier", "attribute"):
        return text(ctx, node).split(".")[-1]
    if node.type == "subscript":
        return text(ctx, node).split("[")[-1].strip("]'\" ")
    return ""


TOKEN_QUALIFIERS = frozenset(
    {
        "access",
        "auth",
        "api",
        "bearer",
        "refresh",
        "session",
        "reset",
        "csrf",
        "secret",
        "jwt",
        "id",
        "invite",
        "verification",
        "expected",
        "provided",
        "presented",
        "admin",
        "master",
        "service",
        "shared",
        "webhook",
        "client",
        "root",
        "internal",
        "bot",
        "deploy",
        "personal",
        "install",
        "management",
        "operator",
    }
)


def _python_secret(name: str) -> bool:
    """Secret names for comparisons; a bare `token` (lexers, locks) needs a qualifier."""
    words = camel_words(name)
    if words and words[-1] == "token":
        return len(words) > 1 and words[-2] in TOKEN_QUALIFIERS
    return is_compared_secret_name(name)


def _function_words(ctx: FileContext, node) -> set[str]:
    func = ancestor(node, ("function_definition",))
    return set(camel_words(text(ctx, func.child_by_field_name("name")))) if func is not None else set()


@file_rule(
    id="DWA-410",
    title="Secret compared in non-constant time (Python)",
    category="timing-unsafe-compare",
    severity="medium",
    cwe=(208,),
    languages=("python",),
)
def timing_compare(ctx: FileContext) -> Iterable[Hit]:
    """A token, API key, password, signature or HMAC compared with `==`/`!=`: the comparison stops
    at the first differing character and leaks through timing how much of a guess was right. Use
    `hmac.compare_digest`. Reported when an operand is secret-named, or when two plain names are
    compared inside a function named for a token/key/signature check (`check_api_token(presented,
    expected)`). Comparisons with None, literals or lengths are not reported.
    """
    if "==" not in ctx.text and "!=" not in ctx.text:
        return
    for cmp in nodes(ctx, "comparison_operator"):
        ops = [text(ctx, c) for c in cmp.children if not c.is_named]
        kids = cmp.named_children
        if ops not in (["=="], ["!="]) or len(kids) != 2:
            continue
        if any(TRIVIAL.match(text(ctx, k)) for k in kids):
            continue
        if any(k.type == "identifier" and text(ctx, k)[:1].isupper() for k in kids):
            continue  # `token == Punctuation`: a lexer token compared with a class/constant
        names = [_name(ctx, k) for k in kids]
        if any(n and _python_secret(n) for n in names) or (
            all(k.type == "identifier" for k in kids)
            and _function_words(ctx, cmp) & SECRET_CONTEXT
            and _function_words(ctx, cmp) & {"check", "verify", "validate", "is", "authenticate", "matches"}
        ):
            yield hit(cmp, f"`{text(ctx, cmp)[:80]}` compares a secret with `{ops[0]}`; use hmac.compare_digest", max_lines=1)


WEAK = {"md5": "MD5", "sha1": "SHA-1"}
NON_SECURITY = frozenset(
    {"etag", "cache", "checksum", "dedup", "dedupe", "bucket", "shard", "partition", "fingerprint", "content", "gravatar", "chunk", "stable"}
)


WEBSOCKET_ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455 accept key = SHA-1(key + GUID)
PROTOCOL_WORDS = frozenset({"protocol", "radius", "tacacs", "handshake", "wire", "chap", "ntlm", "websocket"})
CHALLENGE_WORDS = frozenset({"scramble", "authenticator", "nonce", "challenge", "salt", "seed", "native", "verifier"})
# the digest cut to a number or a short prefix: an id or a placement, not integrity
_REDUCED = re.compile(r"int\.from_bytes\(|\.(?:hex)?digest\(\)\s*\[\s*:\s*(?:[1-9]|1[0-6])\s*\]|\)\s*%\s*\w+")


def _mandated_or_reduced(ctx: FileContext, call) -> bool:
    """A digest a protocol dictates (WebSocket accept key; a challenge-response login in a
    function/class named for a wire protocol taking the server's salt/nonce/scramble) or one
    reduced to an integer / short prefix in the same statement."""
    func = ancestor(call, ("function_definition",))
    if func is None:
        return False
    body = text(ctx, func)
    if WEBSOCKET_ACCEPT_GUID in body or (WEBSOCKET_ACCEPT_GUID in ctx.text and "websocket" in body.lower()):
        return True
    cls = ancestor(func, ("class_definition",))
    owner = set(camel_words(text(ctx, cls.child_by_field_name("name")))) if cls is not None else set()
    params = text(ctx, func.child_by_field_name("parameters"))
    inputs = {w for p in re.findall(r"\w+", params) for w in camel_words(p)} | _function_words(ctx, call)
    if (owner | _function_words(ctx, call)) & PROTOCOL_WORDS and inputs & CHALLENGE_WORDS:
        return True
    stmt = call
    while stmt.parent is not None and stmt.parent.type not in ("block", "module"):
        stmt = stmt.parent
    return bool(_REDUCED.search(text(ctx, stmt)))


@file_rule(
    id="DWA-411",
    title="MD5 or SHA-1 used as a hash (Python)",
    category="weak-crypto",
    severity="medium",
    confidence="medium",
    cwe=(328,),
    languages=("python",),
)
def weak_hash(ctx: FileContext) -> Iterable[Hit]:
    """`hashlib.md5`/`hashlib.sha1` (or `hashlib.new("md5")`) are broken for collision resistance;
    for passwords, unsalted fast hashes are broken outright. High when the enclosing function or
    the hashed value names a password, token, signature or key. Not reported with
    `usedforsecurity=False`, in functions named for ETags, cache keys, checksums or bucketing,
    when the digest is cut to an integer or a short prefix in the same statement
    (`int.from_bytes(...)`, `hexdigest()[:8]`, `% shards`), or when a protocol mandates it (the
    RFC 6455 WebSocket accept key; a challenge-response login in a function or class named for a
    wire protocol whose inputs include the server's salt, nonce or scramble).
    """
    if "md5" not in ctx.text and "sha1" not in ctx.text:
        return
    for call in nodes(ctx, "call"):
        obj, name = call_name(ctx, call)
        algo = ""
        if obj.split(".")[-1] == "hashlib" and name in WEAK:
            algo = WEAK[name]
        elif obj.split(".")[-1] == "hashlib" and name == "new":
            args = positional(call)
            value = text(ctx, args[0]).strip("'\"").lower() if args else ""
            algo = WEAK.get(value, "")
        if not algo or text(ctx, keyword(ctx, call, "usedforsecurity")) == "False":
            continue
        words = _function_words(ctx, call) | {w for a in positional(call) for w in camel_words(re.sub(r"\W", "_", text(ctx, a)))}
        if words & NON_SECURITY and not words & {"password", "token", "signature", "secret"}:
            continue
        if _mandated_or_reduced(ctx, call):
            continue
        if words & {"password", "passwd", "pwd", "token", "signature", "secret", "key", "hmac", "sign"}:
            yield hit(
                call,
                f"{algo} protects a security value; use hashlib.scrypt/bcrypt/argon2 or SHA-256+HMAC",
                severity="high",
                confidence="high",
                max_lines=1,
            )
        else:
            yield hit(call, f"{algo} is a broken hash; use SHA-256 or better", max_lines=1)


LOG_FUNCS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "log", "print"})
LOGGER = re.compile(r"(?i)(^|\.)(log|logger|logging|_log|_logger|LOG|LOGGER)$")


def _holds_produced_secret(ctx: FileContext, ident) -> bool:
    """A local bound once to a fresh secret (`raw = secrets.token_urlsafe(32)`,
    `value = keys.generate_api_key()`), whatever its own name says."""
    return _produced(ctx, local_value(ctx, ident))


def _produced(ctx: FileContext, value) -> bool:
    """`value` is fresh secret material, an encoding of it, or a string built around it
    (`"sdk-" + secrets.token_urlsafe(24)`, `f"sk_{secrets.token_hex(16)}"`)."""
    if value is None:
        return False
    if value.type == "parenthesized_expression":
        return any(_produced(ctx, c) for c in value.named_children)
    if value.type == "binary_operator" and text(ctx, value.children[1]) == "+":
        return _produced(ctx, value.child_by_field_name("left")) or _produced(ctx, value.child_by_field_name("right"))
    if value.type == "string":
        return any(_produced(ctx, c.child_by_field_name("expression")) for c in value.named_children if c.type == "interpolation")
    if value.type != "call":
        return False
    if call_name(ctx, value)[1] in ("str", "bytes", "decode", "hex"):
        fn = value.child_by_field_name("function")
        args = positional(value)
        return _produced(ctx, fn.child_by_field_name("object") if fn.type == "attribute" else (args[0] if args else None))
    return produces_secret(text(ctx, value.child_by_field_name("function")))


def _secret_values(ctx: FileContext, node) -> list[str]:
    out, stack = [], [node]
    while stack:
        n = stack.pop()
        if n.type in ("identifier", "attribute", "subscript"):
            nm = _name(ctx, n)
            if nm and is_secret_name(nm) or n.type == "identifier" and _holds_produced_secret(ctx, n):
                out.append(text(ctx, n))
            continue
        if n.type == "call":
            continue  # mask(token), len(token), hash(token) are not the secret itself
        if n.type in (
            "string",
            "interpolation",
            "binary_operator",
            "argument_list",
            "parenthesized_expression",
            "keyword_argument",
            "concatenated_string",
        ):
            stack.extend(n.named_children)
    return sorted(set(out))


@file_rule(
    id="DWA-412",
    title="Secret written to a log (Python)",
    category="secret-logging",
    severity="high",
    cwe=(532,),
    languages=("python",),
)
def secret_in_log(ctx: FileContext) -> Iterable[Hit]:
    """A password, token, API key or other secret passed to `logging`/a logger or `print`, as an
    argument, an f-string hole or a concatenated operand; also a local of any name bound to a fresh
    secret (`raw = secrets.token_urlsafe(32)`, `value = generate_api_key()`). Masked values (`mask(token)`),
    lengths and booleans are not reported.
    """
    if not re.search(r"log|print", ctx.text):
        return
    for call in nodes(ctx, "call"):
        obj, name = call_name(ctx, call)
        if name not in LOG_FUNCS or (name != "print" and not LOGGER.search(obj or "")):
            continue
        leaked = _secret_values(ctx, call.child_by_field_name("arguments"))
        if leaked:
            yield hit(call, f"`{', '.join(leaked)}` written to a log via `{name}`", max_lines=2)


@file_rule(
    id="DWA-422",
    title="random module used for a secret (Python)",
    category="weak-crypto",
    severity="high",
    cwe=(338,),
    languages=("python",),
)
def predictable_random(ctx: FileContext) -> Iterable[Hit]:
    """A draw from the `random` module or a `random.Random()` instance (`choice`, `choices`,
    `randint`, `getrandbits`, `sample`, `randbytes`...) that the data-flow trace
    (`dataflow/weak_random.py`) carries into a security value: a variable, attribute, keyword
    argument or dictionary key named token/password/key/nonce/salt/session id/OTP/reset code,
    the return value of a function so named, or a crypto API argument (`AES.new(key, ...)`,
    `hmac.new(key)`, a `pbkdf2_hmac` salt). The Mersenne Twister is predictable from its outputs.
    High with such a sink, the path in the finding; medium for a draw inside a function named for
    a security value when no security value is traced. Names that also say jitter, retry,
    sampling, shuffle, simulation or test are not security values. `random.SystemRandom()` and
    `secrets` are safe.
    """
    if "random" not in ctx.text:
        return
    yield from weak_random_hits(ctx)
