"""Validators and allow-list checks that guard a sink, with their polarity.

A name is guarded at a use when, in the same function and before the use:
- an `if` whose condition *negates* a validator of that name exits (`if (!Allowed.Contains(x))
  return;`, `if not ALLOWED.fullmatch(x): abort(400)`), or
- an `if` whose condition applies a rejector to it exits (`if (x.Contains("..")) throw ...;`), or
- the use sits in the branch where a validator holds (`if (Url.IsLocalUrl(u)) return Redirect(u);`).

Polarity matters: a check that exits when the value is *valid* guards nothing. Validator and
rejector patterns are data (`models/<language>.yaml`), matched against the condition's text; the
name must appear inside the matched call's parentheses or as its receiver.
"""

from __future__ import annotations

import re

from dwagent.tools.dataflow.model import Model
from dwagent.tools.syntax.tree import text

_EXITS = {
    "csharp": ("return_statement", "throw_statement", "continue_statement", "break_statement", "goto_statement"),
    "python": ("return_statement", "raise_statement", "continue_statement", "break_statement"),
}
_EXIT_CALL = re.compile(r"^\s*(abort|sys\.exit|exit|flask\.abort|raise_for_status)\s*\(")
_IF = {"csharp": "if_statement", "python": "if_statement"}
_FUNCTIONS = (
    "method_declaration",
    "constructor_declaration",
    "local_function_statement",
    "function_definition",
    "accessor_declaration",
    "lambda_expression",
    "lambda",
)


def _exits(ctx, node, language: str) -> bool:
    if node is None:
        return False
    if node.type in _EXITS[language]:
        return True
    if node.type in ("block", "expression_statement"):
        kids = [c for c in node.named_children if c.type != "comment"]
        if node.type == "expression_statement":
            return bool(_EXIT_CALL.match(text(ctx, node)))
        return bool(kids) and _exits(ctx, kids[-1], language)
    return False


def _consequence(node):
    return node.child_by_field_name("consequence")


_FIELD = (
    r"(?m)^\s*(?:\[[^\]\n]*\]\s*)*((?:(?:public|private|protected|internal|static|readonly|const|volatile|new)\s+)+)[\w<>\[\],.?() ]+?\s+{}\s*(=|;)"
)


def receiver_is_fixed(ctx, language: str, receiver: str) -> bool:
    """Whether a membership check's collection is an allow-list: a type (`Regex`, `Url`), a
    `const`/`static readonly` field, a read-only map of literals or configuration; not an
    instance cache that earlier calls filled (`_seen.TryGetValue(key, ...)` proves nothing)."""
    last = receiver.rstrip(".").split(".")[-1]
    if language != "csharp" or not last:
        return True
    if re.search(r"(?i)(options|settings|config)", receiver):
        return True
    m = re.search(_FIELD.format(re.escape(last)), ctx.text)
    if m is None:
        return True  # a type name, a local or a parameter: judged where it is built
    mods = m.group(1).split()
    if "const" in mods or ("static" in mods and "readonly" in mods):
        return True
    from dwagent.tools.dataflow.constants import _constant_map

    return _constant_map(ctx, last)


def _applies(cond: str, pattern: re.Pattern, name: str, *, want_negated: bool | None, fixed=None) -> bool:
    """Whether `pattern` matches a call in `cond` involving `name`, with the wanted negation
    (None: either); `fixed(receiver)` decides whether the call's receiver is an allow-list."""
    word = re.compile(rf"(?<![\w.]){re.escape(name)}\b")
    for m in pattern.finditer(cond):
        start = m.start()
        # the receiver chain before the match (`Allowed.` in `Allowed.Contains(`) belongs to it
        while start > 0 and (cond[start - 1].isalnum() or cond[start - 1] in "._"):
            start -= 1
        if fixed is not None and "(" in m.group(0) and not fixed(cond[start : m.start()]):
            continue
        depth, end = 0, m.end()
        for i in range(m.end() - 1, len(cond)):
            ch = cond[i]
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
                if depth <= 0:
                    end = i + 1
                    break
        if "(" not in m.group(0):
            # a membership test (`x not in ALLOWED`): the value sits before the operator
            left = re.split(r"\b(and|or)\b|&&|\|\|", cond[: m.start()])[-1]
            if not word.search(left):
                continue
            negated = left.rstrip().endswith("not")
            if want_negated is None or negated == want_negated:
                return True
            continue
        if not word.search(cond[start:end]):
            continue
        before = cond[:start].rstrip()
        negated = before.endswith("!") or before.endswith("not") or bool(re.match(r"\s*(==\s*false|is\s+false)", cond[end:]))
        if want_negated is None or negated == want_negated:
            return True
    return False


def guarded(ctx, model: Model, use, names, category: str) -> str:
    """The guarding condition's text when one of `names` is validated before `use` ('' if not)."""
    language = model.language
    names = [n for n in dict.fromkeys(names) if n]
    if not names:
        return ""
    validators = model.validator_patterns(category)
    rejectors = model.rejector_patterns(category)

    def fixed(receiver: str) -> bool:
        return receiver_is_fixed(ctx, language, receiver)

    child, cur = use, use.parent
    while cur is not None and cur.type not in _FUNCTIONS:
        if cur.type == _IF[language]:
            cond = text(ctx, cur.child_by_field_name("condition"))
            cons = _consequence(cur)
            if cons is not None and cons.start_byte <= child.start_byte < cons.end_byte:
                if any(_applies(cond, p, n, want_negated=False, fixed=fixed) for p in validators for n in names):
                    return cond
        for sib in cur.named_children:
            if sib.start_byte >= child.start_byte:
                break
            if sib.type != _IF[language] or not _exits(ctx, _consequence(sib), language):
                continue
            cond = text(ctx, sib.child_by_field_name("condition"))
            if any(_applies(cond, p, n, want_negated=True, fixed=fixed) for p in validators for n in names) or any(
                _applies(cond, p, n, want_negated=False) for p in rejectors for n in names
            ):
                return cond
        child, cur = cur, cur.parent
    return ""
