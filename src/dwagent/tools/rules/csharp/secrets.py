"""Secrets in C#: hard-coded credentials, secrets written to logs, non-constant-time comparisons."""

from __future__ import annotations

import re
from typing import Iterable

from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.csharp.guards import bypass_guard
from dwagent.tools.rules.names import (
    LICENCE_REASON,
    PUBLIC_WORDS,
    is_compared_secret_name,
    is_placeholder,
    is_public_material,
    is_secret_name,
    literal_secret_kind,
    public_licence,
)
from dwagent.tools.rules.registry import Hit, file_rule
from dwagent.tools.syntax.tree import (
    STRING_TYPES,
    arguments,
    callee,
    camel_words,
    enclosing_member,
    enclosing_type,
    hit,
    mentions,
    name_of,
    nodes,
    string_value,
    text,
    unwrap,
)

# Constructors whose first argument is key material (JWT signing keys, HMAC keys).
KEY_CTORS = ("SymmetricSecurityKey", "HMACSHA256", "HMACSHA384", "HMACSHA512", "HMACSHA1", "HMACMD5")


KEY_WRAPPERS = ("GetBytes", "FromBase64String", "FromHexString")


def _target_name(ctx: FileContext, node) -> str:
    """The assigned name of `x = ...`, `var x = ...`, `X { get; } = ...`, or `x: ...`; a literal
    wrapped in `Encoding.UTF8.GetBytes("...")`/`Convert.FromBase64String("...")` takes the name
    the wrapped value is assigned to."""
    p = node.parent
    if p is not None and p.type == "argument" and p.parent is not None and p.parent.parent is not None:
        call = p.parent.parent
        if call.type == "invocation_expression" and callee(ctx, call)[1] in KEY_WRAPPERS:
            node, p = call, call.parent
    while p is not None and p.type in ("parenthesized_expression", "cast_expression"):
        p = p.parent
    # a literal that is a branch of `cond ? "literal" : configured` or the fallback of
    # `configured ?? "literal"` still ends up in the assigned variable
    while p is not None and (
        (p.type == "conditional_expression" and p.child_by_field_name("condition") != node)
        or (p.type == "binary_expression" and text(ctx, p.child_by_field_name("operator")) == "??")
        or p.type in ("parenthesized_expression", "cast_expression")
    ):
        node, p = p, p.parent
    if p is None:
        return ""
    if p.type == "assignment_expression":
        return text(ctx, p.child_by_field_name("left")).split(".")[-1]
    if p.type in ("variable_declarator", "property_declaration"):
        return name_of(ctx, p)
    if p.type == "equals_value_clause" and p.parent is not None:
        return name_of(ctx, p.parent)
    if p.type == "argument":
        label = p.child_by_field_name("name")
        return text(ctx, label) if label is not None else ""
    return ""


# Code that manufactures fake credentials on purpose (honeypots, canary tokens, deception decoys).
DECOY_WORDS = frozenset({"honeypot", "honeytoken", "decoy", "canary", "deception", "bait", "lure"})


def _decoy_or_dev_only(ctx: FileContext, lit) -> bool:
    """The literal is decoy material (its type or member is named for a honeypot/canary/decoy) or
    is assigned only in a development/debug branch (`if (env.IsDevelopment()) key = "..."`)."""
    member = enclosing_member(lit)
    owner = enclosing_type(lit)
    words = set(camel_words(name_of(ctx, owner))) | set(camel_words(name_of(ctx, member)))
    if words & DECOY_WORDS:
        return True
    return bypass_guard(ctx, lit).kind == "development"


@file_rule(
    id="DWA-110",
    title="Hard-coded secret",
    category="hardcoded-secret",
    severity="high",
    cwe=(798,),
    languages=("csharp",),
)
def hardcoded_secret(ctx: FileContext) -> Iterable[Hit]:
    """A credential written into the source: a string literal assigned to a secret-named variable,
    property, field or named argument (`password`, `apiKey`, `clientSecret`, `accessToken`,
    `signingKey`...), a JWT/HMAC key built from a literal (`new SymmetricSecurityKey(
    Encoding.UTF8.GetBytes("..."))`), a connection string with a literal `Password=`, an embedded
    private key, or a well-known token format (cloud access keys, storage account keys).

    A literal that is one branch of `?:` or the `??` fallback of a configured value counts: in the
    branch where it is taken, the secret is the literal.

    Placeholders (empty, `changeme`, `<your-key>`, `${VAR}`, masks, a slug that spells its own
    name such as a feature-flag id), configuration keys (`Jwt:Key`), header names and values read
    from configuration/environment are not reported; nor are literals in types or members named
    for honeypots, canary tokens or decoys (fake credentials are their product), nor a literal
    assigned only in a development/debug branch (`IsDevelopment()`, `#if DEBUG` is not seen).
    Public material is not a secret whatever it is called: a PEM public key or certificate, an
    `ssh-rsa AAAA...` key, an `<RSAKeyValue>` with no private parts, and a licence-named signed
    token (a JWS whose header names its algorithm: it is verified with the vendor's public key
    and is readable by anyone who holds the build). Other licence keys are reported low: they
    unlock a vendor's product, not this system; a licence-named secret or password
    (`LicenseSigningSecret`) is the secret that signs licences and stays high. Test code is excluded.
    """
    if not mentions(ctx, "pass", "pwd", "secret", "key", "token", "credential", "begin", "akia", "gh", "xox", "sk_live"):
        return
    reported: set[int] = set()
    for typ in STRING_TYPES:
        for lit in nodes(ctx, typ):
            value = string_value(ctx, lit) or ""
            kind = literal_secret_kind(value)
            if kind or len(value.strip()) >= 4:
                if _decoy_or_dev_only(ctx, lit):
                    continue
            # the name lookup walks parents and decodes text: only literals that could be a secret
            # value (non-empty, not a kind already) need it
            name = _target_name(ctx, lit) if not kind and len(value.strip()) >= 4 else ""
            if kind:
                reported.add(lit.start_byte)
                sev = "critical" if kind == "private key" else None
                yield hit(lit, f"hard-coded {kind} in a string literal", severity=sev, max_lines=2)
            elif name and is_secret_name(name) and not is_placeholder(value, name) and not is_public_material(value):
                licence = public_licence(name, value)
                if licence == "signed":
                    continue  # a signed licence: anyone may read it, the vendor's public key verifies it
                reported.add(lit.start_byte)
                if licence:
                    yield hit(lit, f"hard-coded licence key assigned to `{name}` (low: {LICENCE_REASON})", severity="low", max_lines=2)
                else:
                    yield hit(lit, f"hard-coded secret assigned to `{name}`", max_lines=2)
    for new in nodes(ctx, "object_creation_expression"):
        typ = text(ctx, new.child_by_field_name("type")).split(".")[-1]
        args = arguments(new)
        if typ in KEY_CTORS and args:
            key = unwrap(args[0])
            if key.type == "invocation_expression" and callee(ctx, key)[1] == "GetBytes":
                inner = arguments(key)
                value = string_value(ctx, inner[0]) if inner else None
                if value is not None and not is_placeholder(value) and inner[0].start_byte not in reported:
                    yield hit(new, f"`{typ}` key material is a string literal", max_lines=2)


def _public_operand(names) -> bool:
    """One side is public by name (`TeamPublicKeyToken`): the other is checked against a public
    value, so there is no secret for timing to leak."""
    return any(PUBLIC_WORDS & set(camel_words(n)) for n in names)


# String normalisations that keep the value's identity (case, whitespace, encoding).
NORMALISERS = frozenset(
    {"Trim", "TrimStart", "TrimEnd", "ToUpper", "ToUpperInvariant", "ToLower", "ToLowerInvariant", "Normalize", "ToString", "AsSpan", "AsMemory"}
)


def _operand_name(ctx: FileContext, node) -> str:
    node = unwrap(node)
    if node.type in ("identifier", "member_access_expression"):
        return text(ctx, node).split(".")[-1]
    if node.type == "invocation_expression":  # ComputeSignature(x), GetToken()
        name = callee(ctx, node)[1]
        fn = node.child_by_field_name("function")
        if name in NORMALISERS and fn is not None and fn.type == "member_access_expression":
            # `sig.Trim().ToUpperInvariant()` is still the signature: judge the receiver
            return _operand_name(ctx, fn.child_by_field_name("expression"))
        return re.sub(r"^(Compute|Get|Calculate|Create|Read|Load)", "", name)
    if node.type == "element_access_expression":  # headers["X-Signature"]
        return text(ctx, node.named_children[-1]).strip('[]"').replace("-", "")
    return ""


_SECRET_CONTEXT = frozenset(
    {"api", "apikey", "auth", "authentication", "secret", "token", "signature", "hmac", "webhook", "credential", "credentials", "password"}
)


def _keys_in_secret_context(ctx: FileContext, node, names: list[str]) -> bool:
    """`presentedKey == _expectedKey` inside `ApiKeyValidator` / `VerifyWebhook`: both sides are
    keys and the enclosing type or member names an authentication concern."""
    if len(names) < 2 or not all(camel_words(n)[-1:] == ["key"] for n in names):
        return False
    words: set[str] = set()
    for decl in (enclosing_type(node), enclosing_member(node)):
        if decl is not None:
            words.update(camel_words(name_of(ctx, decl)))
    return bool(words & _SECRET_CONTEXT)


# `AuthType.Password`, `GrantType.ResourceOwnerPassword`: an enum member whose type names a kind,
# not a secret value
_ENUM_MEMBER = re.compile(
    r"^(?:[A-Z]\w*\.)*[A-Z]\w*(?:Type|Kind|Mode|Method|Technique|Status|State|Algorithm|Scheme|"
    r"Flow|Category|Level|Purpose|Usage|Format)\.[A-Z]\w*$"
)
# names of flags about a secret (`useResetPassword`, `HasToken`), not the secret
_FLAG_PREFIX = frozenset({"use", "uses", "is", "has", "can", "enable", "enabled", "allow", "should", "require", "requires"})


def _const_value_names(ctx: FileContext) -> frozenset[str]:
    """Names declared `const` with a numeric or char literal in this file (protocol codes)."""
    return frozenset(re.findall(r"\bconst\s+(?:byte|sbyte|short|ushort|int|uint|long|ulong|char)\s+(\w+)\s*=", ctx.text))


def _is_trivial(ctx: FileContext, node) -> bool:
    node = unwrap(node)
    if node.type in STRING_TYPES or node.type in ("null_literal", "integer_literal", "boolean_literal", "default_expression"):
        return True
    t = text(ctx, node)
    if _ENUM_MEMBER.match(t) or t in _const_value_names(ctx):
        return True
    if camel_words(t.split(".")[-1])[:1] and camel_words(t.split(".")[-1])[0] in _FLAG_PREFIX:
        return True
    return bool(re.search(r"\.(Length|Count|Type|Kind|Algorithm|Scheme|Status|HasValue)$", t)) or t in ("string.Empty", "String.Empty", "default")


def _in_value_equality(node) -> bool:
    """Inside an `Equals`/`GetHashCode` override or an equality operator: value semantics of a
    type that holds a key, not an authentication check."""
    member = enclosing_member(node)
    if member is None:
        return False
    if member.type == "operator_declaration":
        return True
    name = member.child_by_field_name("name")
    return name is not None and name.text in (b"Equals", b"GetHashCode")


@file_rule(
    id="DWA-112",
    title="Secret compared in non-constant time",
    category="timing-unsafe-compare",
    severity="medium",
    cwe=(208,),
    languages=("csharp",),
)
def timing_unsafe_compare(ctx: FileContext) -> Iterable[Hit]:
    """A token, API key, password, signature, HMAC or digest compared with `==`, `!=`, `Equals`,
    `string.Equals`, `string.Compare` or `SequenceEqual`. These return at the first differing
    character, leaking through timing how much of a guess was right. Use
    `CryptographicOperations.FixedTimeEquals`. Comparisons with null, empty strings, literals,
    lengths or types are not reported, nor are comparisons with an enum member of a kind-like
    type (`AuthType.Password`), with a numeric protocol constant, of a flag about a secret
    (`useResetPassword`, `HasToken`), or inside `Equals`/`GetHashCode`/equality operators (value
    semantics, not authentication).
    """
    if not mentions(ctx, "token", "key", "secret", "password", "pwd", "signature", "hmac", "mac", "digest", "hash", "otp", "nonce"):
        return
    for b in nodes(ctx, "binary_expression"):
        if text(ctx, b.child_by_field_name("operator")) not in ("==", "!="):
            continue
        left, right = b.child_by_field_name("left"), b.child_by_field_name("right")
        if _is_trivial(ctx, left) or _is_trivial(ctx, right) or _in_value_equality(b):
            continue
        names = [n for n in (_operand_name(ctx, left), _operand_name(ctx, right)) if n]
        if _public_operand(names):
            continue
        if any(is_compared_secret_name(n) for n in names) or _keys_in_secret_context(ctx, b, names):
            # `string.Compare(a, b) == 0` is reported at the Compare call below
            if unwrap(left).type == "invocation_expression" and callee(ctx, unwrap(left))[1] == "Compare":
                continue
            yield hit(b, f"`{text(ctx, b)[:80]}` compares a secret with `{text(ctx, b.child_by_field_name('operator'))}`", max_lines=2)
    for call in nodes(ctx, "invocation_expression"):
        recv, name = callee(ctx, call)
        if name not in ("Equals", "SequenceEqual", "Compare", "CompareOrdinal"):
            continue
        args = arguments(call)
        operands = list(args[:2]) if recv in ("string", "String", "Enumerable", "object", "Object") else []
        if not operands and recv and args:
            fn = call.child_by_field_name("function")
            operands = [fn.child_by_field_name("expression"), args[0]]
        if len(operands) < 2 or any(_is_trivial(ctx, o) for o in operands) or _in_value_equality(call):
            continue
        names = [n for n in (_operand_name(ctx, o) for o in operands) if n]
        if _public_operand(names):
            continue
        if any(is_compared_secret_name(n) for n in names) or _keys_in_secret_context(ctx, call, names):
            yield hit(call, f"`{name}` compares a secret in non-constant time", max_lines=2)
