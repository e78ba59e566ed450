"""Production-readiness markers in C#: NotImplementedException, TODO/FIXME/HACK comments, and
security-named methods whose body only reports success."""

from __future__ import annotations

import re
from typing import Iterable

from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.registry import Hit, file_rule
from dwagent.tools.syntax.tree import (
    ancestor,
    block_statements,
    camel_words,
    enclosing_member,
    hit,
    line,
    member_body,
    mentions,
    modifiers,
    name_of,
    nodes,
    text,
    unwrap,
)

# `TODO.md` / `FIXME.txt` name a file, not a marker: a dot followed by a letter is a file name
TODO = re.compile(r"\b(TODO|FIXME|HACK|XXX)\b(?!\.[A-Za-z])|(?i:\b(todo|fixme)\b\s*[:(])")


@file_rule(
    id="DWA-201",
    title="NotImplementedException in a non-abstract member",
    category="not-implemented",
    severity="medium",
    cwe=(1188,),
    languages=("csharp",),
)
def not_implemented(ctx: FileContext) -> Iterable[Hit]:
    """`throw new NotImplementedException()` in production code: the member exists, compiles and is
    reachable, but fails at run time. Not reported: default interface members (a documented
    "implementers must override" contract); `NotSupportedException`, which states a deliberate
    limitation; members of types named as deliberate non-implementations (Null/Noop/Nop objects,
    placeholders, read-only adapters, `Unsupported*`, dummies), whose refusal is their contract;
    the discard/default arm of a switch over known cases; and a throw whose message reports a
    failed lookup or bad input ("no factory found for X", "unknown kind"), where the exception type
    is misused for an error.

    Medium: a member that fails when called breaks a promised feature, but it fails closed and
    exposes nothing. The certify reviewer then asks the code graph who calls it: a caller is
    written into the message (the feature fails there); low when no call in the tree reaches the
    member (e.g. an identity-framework store implementing only the operations the application
    uses of a contract declared outside the tree), or when every call that reaches an override is
    typed as a base whose own implementation serves it (a request model that refuses an inherited
    conversion), with that reason in the message.
    """
    if "NotImplementedException" not in ctx.text:
        return
    for kind in ("throw_statement", "throw_expression"):
        for t in nodes(ctx, kind):
            created = [c for c in t.named_children if c.type == "object_creation_expression"]
            if not created or text(ctx, created[0].child_by_field_name("type")).split(".")[-1] != "NotImplementedException":
                continue
            if ancestor(t, ("interface_declaration",)) is not None:
                continue
            if _deliberately_unsupported(ctx, t, created[0]):
                continue
            member = enclosing_member(t)
            where = f" in `{name_of(ctx, member)}`" if member is not None and name_of(ctx, member) else ""
            yield hit(t, f"NotImplementedException{where}: the member is a stub", max_lines=1)


# Implementations whose type name says they do nothing on purpose: Null/Noop objects, placeholders,
# read-only adapters and explicitly unsupported variants. A member they do not serve throwing is
# their documented behaviour, not a stub that pretends.
_DELIBERATE_TYPE_WORDS = frozenset({"noop", "nop", "null", "placeholder", "unsupported", "dummy"})
# An exception message that reports a failed lookup or bad input: the type is misused for an error.
_ERROR_MESSAGE = re.compile(
    r"(?i)\b(not found|no \w+(?: \w+)? found|missing|unknown|invalid|unexpected|"
    r"unrecogni[sz]ed|not registered|unregistered)\b"
)


def _deliberately_unsupported(ctx: FileContext, throw, created) -> bool:
    """Is this NotImplementedException a deliberate, documented refusal rather than a stub?"""
    owner = ancestor(throw, ("class_declaration", "struct_declaration", "record_declaration"))
    words = camel_words(name_of(ctx, owner)) if owner is not None else []
    if set(words) & _DELIBERATE_TYPE_WORDS or any(a == "read" and b == "only" for a, b in zip(words, words[1:])):
        return True
    arm = ancestor(throw, ("switch_expression_arm", "switch_section"))
    if arm is not None and enclosing_member(arm) == enclosing_member(throw):
        head = text(ctx, arm).lstrip()
        if head.startswith("_") or head.startswith("default"):
            return True  # the fall-through arm of a switch over known cases
    return bool(_ERROR_MESSAGE.search(text(ctx, created)))


@file_rule(
    id="DWA-202",
    title="TODO / FIXME / HACK in production code",
    category="todo-marker",
    severity="low",
    languages=("csharp",),
)
def todo_marker(ctx: FileContext) -> Iterable[Hit]:
    """A `TODO`, `FIXME`, `HACK` or `XXX` marker in a comment of production code: the author
    recorded the code as unfinished or knowingly wrong. Only comments are read (never string
    literals), and test code is excluded. Lower-case `todo`/`fixme` count only when followed by
    `:` or `(`, as in `// todo: ...`; a file name (`TODO.md`, `HACK.txt`) is not a marker.
    """
    if not mentions(ctx, "todo", "fixme", "hack", "xxx"):
        return
    for c in nodes(ctx, "comment"):
        body = text(ctx, c)
        m = TODO.search(body)
        if m:
            offset = body[: m.start()].count("\n")
            ln = line(c) + offset
            first = body[m.start() :].split("\n", 1)[0]  # a form feed in a comment is not a line break
            yield Hit(ln, ln, f"{(m.group(1) or m.group(2)).upper()} marker: {first[:100].strip()}")


SECURITY_NAME = re.compile(
    r"^(Validate|Verify|Authorize|Authenticate|Check|IsAuthorized|IsAuthenticated|"
    r"IsValid|HasPermission|CanAccess|IsAllowed)\w*$"
)
# A decision about a caller: `CanRead(ClaimsPrincipal user, ...)`, `IsAllowed(IPrincipal p, ...)`.
DECISION_NAME = re.compile(r"^(Can|May|Is|Has|Allow)[A-Z]\w*$")
PRINCIPAL_PARAM = re.compile(
    r"(?i)^(ClaimsPrincipal|IPrincipal|IIdentity|ClaimsIdentity|\w*User|\w*Principal|"
    r"\w*Caller|\w*Subject|\w*Identity)\??$"
)
THROWING_CHECK = re.compile(r"(?i)(validate|verify|ensure|check|authenticat|authoriz|decode|demand|throw)\w*\s*\(")
SUCCESS_VALUES = re.compile(
    r"^(true|Task\.FromResult\(true\)|ValueTask\.FromResult\(true\)|new ValueTask<bool>\(true\)|"
    r"ValidationResult\.Success|AuthorizationResult\.Success\(\)|AuthenticateResult\.Success\(.*\)|"
    r"\w*Result\.(Success|Ok|Valid)(\(\))?|Task\.FromResult\(\w*Result\.(Success|Ok|Valid)(\(\))?\))$"
)
SUCCESS_STATEMENTS = re.compile(r"^(context\.Succeed\(\w+\);|return;|Task\.CompletedTask)$")


def _caller_decision(ctx: FileContext, method, name: str) -> bool:
    """`Can*`/`Is*`/`Has*`/`May*`/`Allow*` taking a principal (by type or name): an access decision."""
    if not DECISION_NAME.match(name):
        return False
    params = method.child_by_field_name("parameters")
    for p in params.named_children if params is not None else ():
        if p.type == "parameter" and (
            PRINCIPAL_PARAM.match(text(ctx, p.child_by_field_name("type")).split(".")[-1])
            or PRINCIPAL_PARAM.match(text(ctx, p.child_by_field_name("name")))
        ):
            return True
    return False


def _returns_success_only(ctx: FileContext, body) -> bool:
    stmts = block_statements(body)
    if body.type == "arrow_expression_clause":
        return len(stmts) == 1 and _is_success(ctx, stmts[0])
    if not stmts or stmts[-1].type != "return_statement":
        return False
    return _only_success_paths(ctx, stmts)


def _is_success(ctx: FileContext, expr) -> bool:
    return bool(SUCCESS_VALUES.match(re.sub(r"\s+", "", text(ctx, unwrap(expr)))))


def _only_success_paths(ctx: FileContext, stmts) -> bool:
    """Every statement is a success return, a log line, or an `if` whose branches are again only
    that: whatever the condition decides, the member says yes (`if (x == null) return true;
    return true;`). A call that could throw, a loop, an assignment or a `false` is real logic."""
    for s in stmts:
        if s.type == "return_statement":
            value = [c for c in s.named_children if c.type != "comment"]
            if not value or not _is_success(ctx, value[0]):
                return False
        elif s.type == "if_statement":
            branches = [s.child_by_field_name("consequence"), s.child_by_field_name("alternative")]
            for b in branches:
                if b is None:
                    continue
                inner = block_statements(b) if b.type == "block" else [b]
                if not _only_success_paths(ctx, inner):
                    return False
        elif s.type == "expression_statement":
            t = text(ctx, s)
            if not re.match(r"^(_?\w*[Ll]og\w*|Console|Debug|Trace)\.", t) and not re.match(r"^await Task\.(Yield|CompletedTask)", t):
                return False
        elif s.type == "local_declaration_statement":
            # reading a claim or a header and then ignoring it is still a stub; a local that runs
            # a check which throws on failure (`var p = handler.ValidateToken(t)`) is real logic
            if THROWING_CHECK.search(text(ctx, s)):
                return False
        elif s.type != "empty_statement":
            return False
    return True


# checks whose wrong "yes" degrades a feature rather than granting access or accepting forged data
LOW_STAKES_CHECK_WORDS = frozenset(
    {"health", "healthy", "format", "schema", "config", "configuration", "syntax", "alive", "liveness", "readiness", "ready"}
)


def _signature_type_words(ctx: FileContext, method) -> set[str]:
    """Words of the declared return and parameter types: `Task<FormatValidationResult>
    ValidateCoreAsync(Stream s, FormatSchema? schema)` says it is a format check even though its
    name does not."""
    types = [method.child_by_field_name("returns") or method.child_by_field_name("type")]
    params = method.child_by_field_name("parameters")
    types += [p.child_by_field_name("type") for p in (params.named_children if params is not None else ()) if p.type == "parameter"]
    out: set[str] = set()
    for t in types:
        if t is not None:
            for name in re.findall(r"[A-Za-z_]\w*", text(ctx, t)):
                out |= set(camel_words(name))
    return out


@file_rule(
    id="DWA-204",
    title="Security check that always succeeds",
    category="stub-return",
    severity="high",
    cwe=(287,),
    languages=("csharp",),
)
def security_stub(ctx: FileContext) -> Iterable[Hit]:
    """A method named like a security decision (`Validate*`, `Verify*`, `Authorize*`,
    `Authenticate*`, `Check*`, `IsAuthorized`, `IsValid*`, `HasPermission`...) whose body only
    returns success (`true`, `Task.FromResult(true)`, `ValidationResult.Success`,
    `AuthenticateResult.Success(...)`), optionally after logging or reading a value it then
    ignores, or whose every path does (`if (token == null) return true; return true;`). Access
    decisions about a caller count too: `Can*`/`Is*`/`Has*`/`May*`/`Allow*` methods taking a
    principal (`CanRead(ClaimsPrincipal user, string tenantId)`). Callers believe a check ran.

    Abstract and interface members, and methods whose parameters are all unused placeholders of
    an override that documents "no check needed" are still reported: a check that never says no
    is a stub whatever it claims. High for access, signature, integrity and verification
    decisions; medium for health, format, schema and configuration checks, by the method's name or
    its declared return and parameter types (`Task<FormatValidationResult> ValidateCoreAsync(Stream
    s, FormatSchema? schema)`: a wrong yes degrades, it does not let anyone in), for the `virtual` default of an abstract base, and in a Null/Noop
    type (a deliberate no-op whose risk is where it is registered). Test code is excluded.
    """
    if not any(
        w in ctx.text
        for w in (
            "Validate",
            "Verify",
            "Authori",
            "Authenti",
            "Check",
            "IsValid",
            "Permission",
            "CanAccess",
            "IsAllowed",
            "Principal",
            "User",
            "Identity",
            "Caller",
            "Subject",
        )
    ):
        return
    for m in nodes(ctx, "method_declaration"):
        name = name_of(ctx, m)
        if not (SECURITY_NAME.match(name) or _caller_decision(ctx, m, name)) or "abstract" in modifiers(ctx, m):
            continue
        body = member_body(m)
        if body is None or ancestor(m, ("interface_declaration",)) is not None:
            continue
        params = m.child_by_field_name("parameters")
        if params is None or not params.named_children:
            continue  # `IsValid()` on a value object with no input is a property-like getter
        if _returns_success_only(ctx, body):
            name_node = m.child_by_field_name("name")
            words = set(camel_words(name)) | _signature_type_words(ctx, m)
            owner = ancestor(m, ("class_declaration", "struct_declaration", "record_declaration"))
            owner_words = camel_words(name_of(ctx, owner)) if owner is not None else []
            if set(owner_words) & _DELIBERATE_TYPE_WORDS:
                yield Hit(
                    line(name_node),
                    line(name_node),
                    f"`{name}` always returns success in the no-op type "
                    f"`{name_of(ctx, owner)}`: deliberate, but it must never be registered where the check "
                    "matters",
                    severity="medium",
                )
            elif words & LOW_STAKES_CHECK_WORDS:
                yield Hit(
                    line(name_node),
                    line(name_node),
                    f"`{name}` always returns success: the check is a stub "
                    "(a health/format/schema/configuration check: wrong answers degrade, they do not "
                    "grant access)",
                    severity="medium",
                )
            elif "virtual" in modifiers(ctx, m) and "abstract" in modifiers(ctx, ancestor(m, ("class_declaration",)) or m):
                yield Hit(
                    line(name_node),
                    line(name_node),
                    f"`{name}` always returns success: the default of an abstract base that subclasses must override, or every subclass passes",
                    severity="medium",
                )
            else:
                yield Hit(line(name_node), line(name_node), f"`{name}` always returns success: the check is a stub")
