"""Python: a malformed value silently replaced by a default (a parse error swallowed without a
comment or a log line)."""

from __future__ import annotations

import re
from typing import Iterable

from dwagent.tools.parse.context import FileContext
from dwagent.tools.rules.registry import Hit, file_rule
from dwagent.tools.syntax.tree import hit, nodes, text

# Errors that mean "the input was malformed": swallowing them turns bad data into a silent default.
# Absence errors (KeyError, FileNotFoundError, ImportError...) are the normal probe-and-fallback
# idiom and are not listed; broad handlers are DWA-406's.
VALUE_ERRORS = frozenset(
    {
        "ValueError",
        "InvalidOperation",
        "JSONDecodeError",
        "UnicodeDecodeError",
        "UnicodeEncodeError",
        "UnicodeError",
        "OverflowError",
        "ParseError",
        "ParserError",
        "ValidationError",
        "DecodeError",
        "ConversionError",
        "DecimalException",
        "InvalidTimeError",
        "ZeroDivisionError",
        "ArithmeticError",
    }
)
# Alone, a swallowed TypeError is duck typing (try one call shape, fall back to another); next to a
# value error it is part of the same "bad input" handler.
COMPANIONS = frozenset({"TypeError"})
BROAD = frozenset({"", "Exception", "BaseException"})
SILENT = frozenset({"pass_statement", "continue_statement"})


def caught_names(ctx: FileContext, clause) -> list[str]:
    """The exception class names an `except` clause catches ([''] for a bare except)."""
    caught = [c for c in clause.named_children if c.type not in ("block", "comment")]
    if not caught:
        return [""]
    target = caught[0]
    if target.type == "as_pattern":
        target = target.named_children[0]
    if target.type in ("tuple", "parenthesized_expression"):
        parts = [c for c in target.named_children if c.type != "comment"]
        if len(parts) == 1 and parts[0].type == "tuple":
            parts = list(parts[0].named_children)
    else:
        parts = [target]
    return [text(ctx, p).split(".")[-1] for p in parts]


def silent_body(ctx: FileContext, clause) -> tuple[bool, bool]:
    """(body only passes/continues, a comment line in the body documents it) for an `except` clause.

    Only a comment on a line of its own counts: a trailing comment can be appended to any line
    (including by someone steering the audit), a comment line in the handler is an explanation.
    """
    body = [c for c in clause.named_children if c.type == "block"]
    if not body:
        return False, False
    stmts = [c for c in body[0].named_children if c.type != "comment"]
    silent = bool(stmts) and all(s.type in SILENT or text(ctx, s) == "..." for s in stmts)
    comments = [c for c in (*clause.named_children, *body[0].named_children) if c.type == "comment"]
    documented = any(_own_line(ctx, c) for c in comments)
    return silent, documented


def _probe(ctx: FileContext, clause) -> bool:
    """Idioms where the ValueError is the answer, not lost input: trying alternatives (`try: return
    parse(v, fmt)` in a loop, or `try/except/else`), converting in place (`part = int(part)`, the raw value stays), and
    `list.remove`/`list.index`, which raise ValueError for "not there"."""
    stmt = clause.parent
    body = stmt.child_by_field_name("body") if stmt is not None and stmt.type == "try_statement" else None
    if body is None:
        return False
    stmts = [c for c in body.named_children if c.type != "comment"]
    if any(st.type == "return_statement" for st in stmts) or any(c.type == "else_clause" for c in stmt.named_children):
        return True  # `else:` holds the success path: the handler is the deliberate other branch
    source = text(ctx, body)
    if re.search(r"\.(remove|index)\(", source):
        return True
    if len(stmts) == 1 and stmts[0].type == "expression_statement" and stmts[0].named_children:
        assign = stmts[0].named_children[0]
        if assign.type == "assignment":
            target = text(ctx, assign.child_by_field_name("left"))
            right = assign.child_by_field_name("right")
            if (
                right is not None
                and right.type == "call"
                and re.search(rf"(?<![\w.]){re.escape(target)}(?!\w)", text(ctx, right.child_by_field_name("arguments")))
            ):
                return True
    return False


def _own_line(ctx: FileContext, comment) -> bool:
    start = ctx.source.rfind(b"\n", 0, comment.start_byte) + 1
    return not ctx.source[start : comment.start_byte].strip()


@file_rule(
    id="DWA-424",
    title="Malformed value silently replaced by a default (Python)",
    category="empty-catch",
    severity="low",
    confidence="medium",
    cwe=(390,),
    languages=("python",),
)
def swallowed_value_error(ctx: FileContext) -> Iterable[Hit]:
    """`except ValueError: pass` (or `InvalidOperation`, `JSONDecodeError`, `UnicodeDecodeError`...)
    with no comment and no log: a malformed value silently becomes whatever default the variable
    held, or the item is skipped with `continue`, and nobody learns that input was bad. Low
    severity: the handler is narrow, only its silence is the defect.

    Not reported: probing idioms where the error is the answer (trying alternatives with
    `try: return parse(v, fmt)` or `try/except/else`, converting in place with `part = int(part)`
    so the raw value stays, `list.remove`/`list.index`); handlers that also catch absence errors
    (`KeyError`, `OSError`, `AttributeError`...) or only `TypeError` (duck typing); a comment line
    inside the handler (the swallow is documented; a trailing comment does not count, since one
    can be appended to any line); any other statement in the body (a log line, a fallback
    assignment, a return); broad handlers (DWA-406); and test code.
    """
    if "except" not in ctx.text:
        return
    for clause in nodes(ctx, "except_clause"):
        names = caught_names(ctx, clause)
        if not all(n in VALUE_ERRORS or n in COMPANIONS for n in names) or not any(n in VALUE_ERRORS for n in names):
            continue  # mixed with absence errors (OSError, AttributeError...): a probe, not parsing
        silent, documented = silent_body(ctx, clause)
        if silent and not documented and not _probe(ctx, clause):
            shown = ", ".join(names)
            yield hit(clause, f"except {shown}: a malformed value is dropped silently (no comment, no log)", max_lines=1)
