"""Intra-procedural def-use for C#, with bounded in-file summaries: where a value comes from.

`CSharpFlows(ctx).origins(expr, category)` answers "which sources can reach this expression, by
which path, and was it spliced into a string on the way?". It follows, on the tree-sitter tree:
locals (declarations, assignments, `+=`, `out var`, `foreach`, builder calls such as
`sb.Append(x)` or `list.Add(x)`), string building (interpolation, `+`, `string.Format/Concat/
Join`, `StringBuilder`), ternaries, switch expressions, `??`, fields and properties of the same
type (their initialisers and every assignment in the type), parameters (classified by the source
model: request-bound, hub, gRPC, minimal API, message handler; otherwise a `param` origin that a
caller can substitute) and calls to methods of the same file (a summary of what their return
value carries, parameters substituted by the call's arguments, depth-bounded).

Definitions are unioned, except that an unconditional assignment in a block enclosing the use
kills the definitions before it (`name = Path.GetFileName(name);`). Guards are checked by
`guarded()` (see `guards.py`). Everything is deterministic; memoised per (node, category).
"""

from __future__ import annotations

import re
from functools import cached_property

from dwagent.tools.dataflow.constants import NUMERIC_TYPE
from dwagent.tools.dataflow.csharp_members import _Members
from dwagent.tools.dataflow.csharp_names import _Names
from dwagent.tools.dataflow.csharp_support import (
    _concat_parts,
    _dangerous_prefix,
    _formatted,
    _literal_head,
    _literal_tail,
    _short,
    _splice,
)
from dwagent.tools.dataflow.flow import Hop, MemoisedFlows, Origin, merge
from dwagent.tools.dataflow.model import load_model
from dwagent.tools.parse.context import FileContext
from dwagent.tools.syntax.tree import arguments, const_names, interpolations, line, name_of, nodes, text, unwrap

LITERALS = frozenset(
    {
        "string_literal",
        "verbatim_string_literal",
        "raw_string_literal",
        "integer_literal",
        "real_literal",
        "boolean_literal",
        "null_literal",
        "character_literal",
        "default_expression",
        "typeof_expression",
        "sizeof_expression",
        "lambda_expression",
        "anonymous_method_expression",
    }
)


class CSharpFlows(_Names, _Members, MemoisedFlows):
    """Data-flow questions about one C# file."""

    def __init__(self, ctx: FileContext):
        self.ctx = ctx
        self.model = load_model("csharp")
        self._memo: dict[tuple, tuple[Origin, ...]] = {}
        self._active: set[tuple] = set()
        self._summary_stack: list[int] = []
        self._fields: dict[tuple, list] = {}

    @cached_property
    def consts(self) -> frozenset[str]:
        return const_names(self.ctx)

    @cached_property
    def _methods(self) -> dict[str, list]:
        out: dict[str, list] = {}
        for m in nodes(self.ctx, "method_declaration"):
            out.setdefault(name_of(self.ctx, m), []).append(m)
        return out

    @cached_property
    def _enums(self) -> frozenset[str]:
        return frozenset(re.findall(r"\benum\s+(\w+)", self.ctx.text))

    def _unwrap(self, expr):
        return unwrap(expr)

    def hop(self, node, note: str) -> Hop:
        """A hop at `node`'s statement, noting what happens there."""
        return Hop(line(node), note)

    # ---- expressions ----------------------------------------------------------------------------
    def _eval(self, e, cat: str) -> tuple[Origin, ...]:
        t = e.type
        ctx = self.ctx
        if t in LITERALS:
            return ()
        if t == "interpolated_string_expression":
            return self._built(e, [(h, self._ident_context(h)) for h in interpolations(e) if not _formatted(h)], cat)
        if t == "binary_expression":
            op = text(ctx, e.child_by_field_name("operator"))
            left, right = e.child_by_field_name("left"), e.child_by_field_name("right")
            if op == "+":
                parts = _concat_parts(e)
                return self._built(e, [(p, self._concat_ident(parts, i)) for i, p in enumerate(parts)], cat)
            if op == "??":
                return merge(self.origins(left, cat), self.origins(right, cat))
            return ()  # comparisons, logic and arithmetic give booleans and numbers
        if t == "conditional_expression":
            return merge(self.origins(e.child_by_field_name("consequence"), cat), self.origins(e.child_by_field_name("alternative"), cat))
        if t == "switch_expression":
            arms = [a for a in e.named_children if a.type == "switch_expression_arm"]
            return merge(*(self.origins(a.named_children[-1], cat) for a in arms if a.named_children))
        if t in ("await_expression", "postfix_unary_expression", "checked_expression", "ref_expression"):
            return self.origins(e.named_children[-1] if e.named_children else None, cat)
        if t == "cast_expression":
            typ = text(ctx, e.child_by_field_name("type"))
            return () if NUMERIC_TYPE.match(typ) else self.origins(e.child_by_field_name("value"), cat)
        if t in ("array_creation_expression", "implicit_array_creation_expression", "initializer_expression", "collection_expression"):
            return merge(*(self.origins(c, cat) for c in e.named_children if c.type not in ("array_type",)))
        if t == "identifier":
            return self._identifier(e, cat)
        if t == "member_access_expression":
            return self._member(e, cat)
        if t == "element_access_expression":
            return self._element(e, cat)
        if t == "invocation_expression":
            return self._call(e, cat)
        if t in ("object_creation_expression", "implicit_object_creation_expression"):
            typ = text(ctx, e.child_by_field_name("type")).split(".")[-1].split("<")[0]
            ctor = self.model.pattern("propagators", "constructors")
            if ctor is not None and ctor.fullmatch(typ):
                return (
                    self._built(e, [(a, False) for a in arguments(e)], cat)
                    if typ == "StringBuilder"
                    else merge(*(self.origins(a, cat) for a in arguments(e)))
                )
            return ()
        if t in ("tuple_expression",):
            return merge(*(self.origins(c.named_children[-1] if c.type == "argument" and c.named_children else c, cat) for c in e.named_children))
        if t in (
            "this_expression",
            "base_expression",
            "is_pattern_expression",
            "is_expression",
            "prefix_unary_expression",
            "typeof_expression",
            "default_expression",
            "sizeof_expression",
        ):
            return ()
        label = _short(text(ctx, e), 50)
        return (Origin("unknown", label, (self.hop(e, f"`{label}` (not followed)"),)),)

    def _format_text(self, e) -> str | None:
        """The text of a composite format string given as a literal or a `const` of this file."""
        e = unwrap(e)
        if e.type in ("string_literal", "verbatim_string_literal"):
            return _literal_tail(self.ctx, e)
        value = self._const_value(e)
        return None if value == "{}" else value

    def _built(self, node, holes, cat: str, prefixes: dict | None = None) -> tuple[Origin, ...]:
        """Origins of a string built from `holes` ((expr, identifier position) pairs): each gains a
        'spliced here' hop and the built mark."""
        out = []
        danger = _dangerous_prefix("csharp", cat)
        for h, ident in holes:
            prefix = prefixes.get(h.start_byte, "{}") if prefixes is not None else self._literal_prefix(node, h)
            if danger is not None and not danger.search(prefix):
                continue  # the category's dangerous part (e.g. a URL's host) is fixed before the hole
            verb = "starts a string" if prefix == "" and node.type == "interpolated_string_expression" else "spliced into a string"
            hop = self.hop(node, f"`{_short(text(self.ctx, h), 40)}` {verb}")
            out.extend(_splice(o, hop, ident) for o in self.origins(h, cat))
        return merge(out)

    def _literal_prefix(self, node, hole) -> str:
        """The constant text before `hole` in the string `node` builds (`{}` for other holes)."""
        out = ""
        if node.type == "interpolated_string_expression":
            for c in node.named_children:
                if c.type == "interpolation":
                    if c.start_byte <= hole.start_byte < c.end_byte:
                        return out
                    exprs = [x for x in c.named_children if not x.type.startswith("interpolation_")]
                    out += self._const_value(exprs[0]) if exprs else "{}"
                elif c.type == "string_content":
                    out += text(self.ctx, c)
        elif node.type == "binary_expression":
            for p in _concat_parts(node):
                if p.start_byte == hole.start_byte and p.end_byte == hole.end_byte:
                    return out
                out += _literal_tail(self.ctx, p) if p.type in ("string_literal", "verbatim_string_literal") else self._const_value(p)
        return out

    def _const_value(self, e) -> str:
        """The literal value of a `const` string named by `e` in this file, else `{}`."""
        name = text(self.ctx, e).split(".")[-1]
        if name in self.consts:
            for d in nodes(self.ctx, "variable_declarator"):
                if (
                    name_of(self.ctx, d) == name
                    and len(d.named_children) > 1
                    and d.named_children[-1].type in ("string_literal", "verbatim_string_literal")
                ):
                    return _literal_tail(self.ctx, d.named_children[-1])
        return "{}"

    def _ident_context(self, hole) -> bool:
        """An interpolation hole sitting where SQL takes an identifier (`[{schema}].`, `FROM {t}`)."""
        parent = hole.parent  # interpolation
        if parent is None or parent.parent is None:
            return False
        siblings = parent.parent.named_children
        i = next((k for k, s in enumerate(siblings) if s.start_byte == parent.start_byte), -1)
        before = "".join(text(self.ctx, s) if s.type == "string_content" else "0" for s in siblings[: max(i, 0)])
        after = text(self.ctx, siblings[i + 1]) if 0 <= i < len(siblings) - 1 and siblings[i + 1].type == "string_content" else ""
        return self._is_ident(before, after)

    def _concat_ident(self, parts, i: int) -> bool:
        before = "".join(_literal_tail(self.ctx, p) if p.type in ("string_literal", "verbatim_string_literal") else "0" for p in parts[:i])
        after = _literal_head(self.ctx, parts[i + 1]) if i + 1 < len(parts) else ""
        return self._is_ident(before, after)

    def _is_ident(self, before: str, after: str) -> bool:
        """SQL text before/after a hole says it is an identifier: a keyword that takes a name
        (`FROM`, `TABLE ... IF NOT EXISTS`, `INDEX ... ON`), a bracket or dot, or a name fragment
        (`idx_{t}_created`). Inside an open '...' literal it is always a value."""
        if before.count("'") % 2 == 1:
            return False
        b, a = self.model.pattern("sql_identifier_before"), self.model.pattern("sql_identifier_after")
        return bool((b and b.search(before)) or (a and a.search(after)) or re.search(r"\w$", before) or re.match(r"\w", after))
