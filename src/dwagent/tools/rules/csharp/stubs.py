"""Stub members in C#: a member whose name promises work (save, send, encrypt, compress...) while
its whole body returns success, a completed task or its own input unchanged."""

from __future__ import annotations

import re
from typing import Iterable

from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.registry import Hit, file_rule
from dwagent.tools.syntax.tree import (
    ancestor,
    block_statements,
    camel_words,
    enclosing_type,
    line,
    member_body,
    modifiers,
    name_of,
    nodes,
    text,
    unwrap,
)

# Verbs whose callers believe data left the process or reached storage.
EFFECT_VERBS = frozenset(
    {
        "save",
        "write",
        "persist",
        "store",
        "upload",
        "send",
        "publish",
        "replicate",
        "backup",
        "delete",
        "remove",
        "purge",
        "archive",
        "commit",
        "migrate",
        "import",
        "export",
        "enqueue",
        "dispatch",
        "notify",
        "charge",
        "refund",
        "transfer",
        "provision",
        "deploy",
        "rotate",
        "revoke",
        "reserve",
        "submit",
        "ship",
    }
)
# Verbs whose callers believe the data was transformed; returning the input unchanged is a stub.
TRANSFORM_VERBS = frozenset(
    {
        "encrypt",
        "decrypt",
        "compress",
        "decompress",
        "sign",
        "hash",
        "sanitize",
        "redact",
        "mask",
        "scrub",
        "encode",
        "escape",
        "anonymize",
        "anonymise",
        "tokenize",
        "obfuscate",
    }
)
# Security-relevant transforms: a stub there is a missing control, not just missing function.
SECURITY_TRANSFORMS = frozenset(
    {"encrypt", "decrypt", "sign", "hash", "sanitize", "redact", "mask", "scrub", "escape", "anonymize", "anonymise", "tokenize", "obfuscate"}
)
# Classes that are deliberately inert: null objects, pass-through codecs, fakes kept in src/.
INERT_CLASS = re.compile(
    r"^(Null|NoOp|Noop|Nop|Fake|Stub|Mock|Dummy|Disabled|Passthrough|PassThrough|Identity|"
    r"Plain|Unencrypted|Uncompressed|NoCompression|NoEncryption|None|Empty|InMemory|Memory|Console|Debug)"
)
SUCCESS = re.compile(
    r"^(true|Task\.CompletedTask|ValueTask\.CompletedTask|default|new ValueTask\(\)|"
    r"(Task|ValueTask)\.FromResult(<\w+>)?\((true|0|default|\w*Result\.(Success|Ok)(\(\))?)\)|"
    r"new ValueTask<bool>\(true\)|\w*Result\.(Success|Ok)(\(\))?)$"
)
LOGGING = re.compile(r"^(_?\w*[Ll]og\w*|Console|Debug|Trace)\.|^await Task\.(Yield|CompletedTask)\b|^_ = ")
SECURITY_NAMES = re.compile(
    r"^(Validate|Verify|Authorize|Authenticate|Check|IsAuthorized|IsAuthenticated|"
    r"IsValid|HasPermission|CanAccess|IsAllowed)"
)


VERB_NAME = re.compile(r"^(Try)?(" + "|".join(sorted(v.capitalize() for v in EFFECT_VERBS | TRANSFORM_VERBS)) + r")(?![a-z])")


def _verb(name: str) -> str:
    words = camel_words(name)
    if words and words[0] == "try":
        words = words[1:]
    return words[0] if words else ""


def _params(ctx: FileContext, method) -> list[str]:
    params = method.child_by_field_name("parameters")
    return [text(ctx, p.child_by_field_name("name")) for p in (params.named_children if params is not None else ()) if p.type == "parameter"]


def _returns(ctx: FileContext, method) -> str:
    return text(ctx, method.child_by_field_name("returns") or method.child_by_field_name("type"))


def _stub_value(ctx: FileContext, method, verb: str) -> str:
    """What the body amounts to ('' when it does real work)."""
    body = member_body(method)
    if body is None:
        return ""
    stmts = block_statements(body)
    if body.type == "block" and not stmts:
        return "an empty body" if verb in EFFECT_VERBS and _returns(ctx, method) == "void" else ""
    if body.type == "block":
        last = stmts[-1]
        if last.type != "return_statement" or any(s.type != "expression_statement" or not LOGGING.match(text(ctx, s)) for s in stmts[:-1]):
            return ""
        values = [c for c in last.named_children if c.type != "comment"]
        if not values:
            return ""
        value = unwrap(values[0])
    else:
        value = unwrap(stmts[0]) if stmts else None
        if value is None:
            return ""
    shown = re.sub(r"\s+", " ", text(ctx, value))
    if verb in TRANSFORM_VERBS:
        inner = re.sub(r"^(Task|ValueTask)\.FromResult\((.*)\)$", r"\2", shown)
        if inner in _params(ctx, method):
            return f"its input `{inner}` unchanged"
        return ""
    if SUCCESS.match(re.sub(r"\s+", "", shown)):
        return f"`{shown}`"
    return ""


@file_rule(
    id="DWA-211",
    title="Member that promises work returns success without doing it",
    category="stub-return",
    severity="medium",
    confidence="medium",
    cwe=(1188,),
    languages=("csharp",),
)
def stub_member(ctx: FileContext) -> Iterable[Hit]:
    """A method named for an effect (`Save*`, `Write*`, `Upload*`, `Send*`, `Publish*`, `Delete*`,
    `Replicate*`, `Backup*`...) whose whole body is `return true`, a completed task, `default` or a
    success result (optionally after a log line), or is empty for a `void` method; or a method named
    for a transform (`Encrypt*`, `Compress*`, `Sign*`, `Hash*`, `Sanitize*`, `Redact*`...) that
    returns its own input unchanged. Callers believe the data was stored, sent or protected. High
    severity for security transforms (encrypt, sign, hash, sanitize, redact...), medium otherwise.

    Not reported: abstract, `virtual` (a base-class hook that does nothing by design), `extern` and
    interface members; classes that are inert by name (`Null*`, `NoOp*`, `Fake*`, `Passthrough*`,
    `Identity*`, `InMemory*`...); security checks (`Validate*`, `Verify*`, `Authorize*`, DWA-204);
    `Task.Delay` stand-ins (DWA-207); and test code.
    """
    for m in nodes(ctx, "method_declaration"):
        name = name_of(ctx, m)
        if not VERB_NAME.match(name):
            continue
        verb = _verb(name)
        if not (verb in EFFECT_VERBS or verb in TRANSFORM_VERBS) or SECURITY_NAMES.match(name):
            continue
        mods = modifiers(ctx, m)
        if mods & {"abstract", "virtual", "extern", "partial"} or ancestor(m, ("interface_declaration",)) is not None:
            continue
        owner = enclosing_type(m)
        if owner is not None and INERT_CLASS.match(name_of(ctx, owner)):
            continue
        what = _stub_value(ctx, m, verb)
        if not what:
            continue
        name_node = m.child_by_field_name("name")
        high = verb in SECURITY_TRANSFORMS
        yield Hit(
            line(name_node),
            line(name_node),
            f"`{name}` promises to {verb} but returns {what}: the member is a stub",
            severity="high" if high else None,
        )
