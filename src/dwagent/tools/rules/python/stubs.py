"""Python stubs: a function named for a security check, an effect or a transform whose whole body
says yes (`return True`) or hands its input back unchanged."""

from __future__ import annotations

import re
from typing import Iterable

from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.registry import Hit, file_rule
from dwagent.tools.syntax.tree import ancestor, line, nodes, text

CHECK_NAME = re.compile(
    r"^_*(validate|verify|authorize|authorise|authenticate|check|is_valid|is_authori[sz]ed|"
    r"is_authenticated|has_permission|has_access|can_access|is_allowed|is_permitted)(_|$)"
)
EFFECT_NAME = re.compile(
    r"^_*(save|write|persist|store|upload|send|publish|replicate|backup|delete|remove|purge|"
    r"archive|commit|charge|refund|transfer|notify|dispatch|enqueue|submit)(_|$)"
)
TRANSFORM_NAME = re.compile(
    r"^_*(encrypt|decrypt|compress|decompress|sign|hash|sanitize|sanitise|redact|mask|scrub|"
    r"escape|anonymi[sz]e|obfuscate)(_|$)"
)
SECURITY_TRANSFORM = re.compile(r"^_*(encrypt|decrypt|sign|hash|sanitize|sanitise|redact|mask|scrub|escape|anonymi[sz]e)")
SUCCESS = re.compile(r"^return\s+(True|\{\s*['\"](ok|success|valid)['\"]\s*:\s*True\s*\})$")
INERT_CLASS = re.compile(
    r"^(Null|NoOp|Noop|Nop|Fake|Stub|Mock|Dummy|Disabled|Passthrough|PassThrough|Identity|Plain|"
    r"InMemory|Memory|Console|Debug)|(Base|Interface|Mixin|Protocol|ABC|Abstract)$"
)
LOGGING = re.compile(r"^(_?log\w*|logger|logging|print)\b")


def _body_statements(ctx: FileContext, func) -> list:
    body = func.child_by_field_name("body")
    stmts = [s for s in body.named_children if s.type != "comment"] if body is not None else []
    if stmts and stmts[0].type == "expression_statement" and stmts[0].named_children and stmts[0].named_children[0].type == "string":
        stmts = stmts[1:]  # docstring
    return stmts


def _params(ctx: FileContext, func) -> list[str]:
    out = []
    params = func.child_by_field_name("parameters")
    for p in params.named_children if params is not None else ():
        name = p if p.type == "identifier" else p.child_by_field_name("name") or (p.named_children[0] if p.named_children else None)
        if name is not None and name.type == "identifier":
            out.append(text(ctx, name))
    return [p for p in out if p not in ("self", "cls")]


def _abstract(ctx: FileContext, func) -> bool:
    holder = func.parent
    if (
        holder is not None
        and holder.type == "decorated_definition"
        and any(re.search(r"abstract|overload", text(ctx, d)) for d in holder.named_children if d.type == "decorator")
    ):
        return True
    cls = ancestor(func, ("class_definition",))
    if cls is None:
        return False
    bases = text(ctx, cls.child_by_field_name("superclasses"))
    return bool(INERT_CLASS.search(text(ctx, cls.child_by_field_name("name"))) or re.search(r"\b(ABC|Protocol)\b", bases))


@file_rule(
    id="DWA-426",
    title="Check, effect or transform that only says yes (Python)",
    category="stub-return",
    severity="medium",
    confidence="medium",
    cwe=(1188,),
    languages=("python",),
)
def stub_function(ctx: FileContext) -> Iterable[Hit]:
    """A function whose name promises a security check (`verify_*`, `validate_*`, `authorize_*`,
    `is_authorized`, `has_permission`...) or an effect (`save_*`, `send_*`, `upload_*`,
    `delete_*`...) while its whole body is `return True` (optionally after a log line), or one named
    for a transform (`encrypt`, `sign`, `hash`, `sanitize`, `redact`...) that returns its own input
    unchanged. Callers believe a check ran, data was stored or protected. High severity for
    checks and security transforms, medium for effects.

    Not reported: abstract methods and `@overload`s, methods of `ABC`/`Protocol` classes and of
    classes that are inert or abstract by name (`Null*`, `Fake*`, `Dummy*`, `*Base`, `*Mixin`...),
    functions with no parameters (a constant predicate), nested functions (a callback whose intent
    the enclosing factory names, e.g. an accept-anything validator), and test code.
    """
    if "return" not in ctx.text:
        return
    for func in nodes(ctx, "function_definition"):
        name = text(ctx, func.child_by_field_name("name"))
        check, effect, transform = CHECK_NAME.match(name), EFFECT_NAME.match(name), TRANSFORM_NAME.match(name)
        if not (check or effect or transform):
            continue
        params = _params(ctx, func)
        stmts = _body_statements(ctx, func)
        if not params or not stmts or _abstract(ctx, func) or ancestor(func, ("function_definition",)) is not None:
            continue  # nested: a callback a factory returns (`any_type()` -> accept-all), named by the factory
        if any(s.type != "expression_statement" or not LOGGING.match(text(ctx, s)) for s in stmts[:-1]):
            continue
        last = re.sub(r"\s+", " ", text(ctx, stmts[-1])).strip()
        if transform:
            m = re.fullmatch(r"return (\w+)", last)
            if m and m.group(1) in params:
                high = bool(SECURITY_TRANSFORM.match(name))
                yield Hit(
                    line(func),
                    line(func),
                    f"`{name}` returns its input `{m.group(1)}` unchanged: the transform is a stub",
                    severity="high" if high else None,
                )
        elif SUCCESS.match(last):
            yield Hit(
                line(func),
                line(func),
                f"`{name}` always returns success: the {'check' if check else 'operation'} is a stub",
                severity="high" if check else None,
            )
