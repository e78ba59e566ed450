"""C# references inside expressions and statements (the `refs` rows); see tools/parse/csharp.py
for the conventions. `RefWalker` is the base of the C# extractor: it owns the source bytes, the
fact lists and one handler per expression node kind; declarations live in csharp.py."""

from __future__ import annotations

import tree_sitter

from dwagent.tools.parse.facts import MAX_STRING, FileFacts, bare_type_name, one_line

STRING_LITERALS = frozenset({"string_literal", "verbatim_string_literal", "raw_string_literal", "interpolated_string_expression"})
# Children never worth descending into for references.
SKIP = frozenset(
    {
        "comment",
        "modifier",
        "predefined_type",
        "integer_literal",
        "real_literal",
        "boolean_literal",
        "null_literal",
        "character_literal",
        "implicit_type",
        "attribute_list",
        "type_parameter_list",
        "type_parameter_constraints_clause",
    }
)


class RefWalker:
    """Emits refs for an expression/statement subtree; subclasses add declaration handling."""

    handlers: dict = {}

    def __init__(self, source: bytes) -> None:
        self.src = source
        self.facts = FileFacts()
        self.symbols = self.facts.symbols
        self.refs = self.facts.refs
        self.seen: set[tuple] = set()
        self.const_values: dict[str, str] = {}

    # --- helpers ------------------------------------------------------------------------
    def text(self, node: tree_sitter.Node) -> str:
        return self.src[node.start_byte : node.end_byte].decode("utf-8", errors="replace")

    def ref(self, kind: str, name: str, receiver: str, arg0: str, scope: str, line: int) -> None:
        self.refs.append((kind, name, receiver, arg0, scope, line))

    def ident(self, name: str, receiver: str, scope: str, line: int) -> None:
        if not name or not (name[0].isupper() or name[0] == "_"):
            return
        key = (name, receiver, scope, line)
        if key not in self.seen:
            self.seen.add(key)
            self.refs.append(("ident", name, receiver, "", scope, line))

    def string_value(self, node: tree_sitter.Node) -> str:
        """A literal's text between its quotes (interpolated strings as written)."""
        text = self.text(node)
        t = node.type
        if t == "raw_string_literal":
            body = "".join(self.text(c) for c in node.named_children if c.type == "raw_string_content")
            return body
        if t == "interpolated_string_expression":
            start = text.find('"')
            quote = len(text) - len(text.lstrip("$@")) if start == -1 else start
            inner = text[quote:]
            if inner.startswith('"""'):
                return inner.strip('"')
            return inner[1:-1] if len(inner) >= 2 else inner
        if t == "verbatim_string_literal":
            return text[2:-1] if len(text) >= 3 else ""
        return text[1:-1] if len(text) >= 2 else ""

    # --- expressions --------------------------------------------------------------------
    def walk(self, node: tree_sitter.Node, scope: str) -> None:
        """References in an expression/statement subtree (iterative on the common path)."""
        # Children are pushed as they come, so refs are emitted in a fixed (not source) order:
        # readers sort; reversing every child list cost measurable time on large trees.
        # Identifiers are a quarter of the nodes visited and mostly lower-case locals: they are
        # handled here, deciding on the first byte before decoding (what h_identifier does),
        # without a method call per node.
        stack = [node]
        pop, push, get, skip = stack.pop, stack.extend, self.handlers.get, SKIP
        src, size, seen, refs = self.src, len(self.src), self.seen, self.refs
        inline_ident = get("identifier") is RefWalker.h_identifier
        while stack:
            n = pop()
            t = n.type
            if t == "identifier" and inline_ident:
                start = n.start_byte
                first = src[start] if start < size else 0
                if 97 <= first <= 122 or 48 <= first <= 57:
                    continue
                name = src[start : n.end_byte].decode("utf-8", errors="replace")
                if name and (name[0].isupper() or name[0] == "_"):
                    key = (name, "", scope, n.start_point[0] + 1)
                    if key not in seen:
                        seen.add(key)
                        refs.append(("ident", name, "", "", scope, key[3]))
                continue
            handler = get(t)
            if handler is not None:
                more = handler(self, n, scope)
                if more:
                    push(more)
            elif t not in skip:
                push(n.named_children)

    def h_identifier(self, n, scope):
        first = self.src[n.start_byte] if n.start_byte < len(self.src) else 0
        # Most identifiers are lower-case locals: decide on the first byte before decoding.
        if 97 <= first <= 122 or 48 <= first <= 57:
            return None
        name = self.text(n)
        if name[:1].isupper() or name[:1] == "_":
            self.ident(name, "", scope, n.start_point[0] + 1)
        return None

    def h_generic_name(self, n, scope):
        children = n.named_children
        if children:
            self.ident(self.text(children[0]), "", scope, n.start_point[0] + 1)
        return children[1:]

    def receiver_of(self, access: tree_sitter.Node, name_node: tree_sitter.Node) -> str:
        raw = self.src[access.start_byte : name_node.start_byte].decode("utf-8", errors="replace")
        raw = raw.rstrip()
        if raw.endswith("."):
            raw = raw[:-1]
        if raw.endswith("?"):
            raw = raw[:-1]
        if raw.endswith("!"):
            raw = raw[:-1]
        return one_line(raw)

    def h_member_access(self, n, scope):
        name_node = n.child_by_field_name("name")
        expr = n.child_by_field_name("expression")
        if name_node is None:
            return n.named_children
        name = self.text(name_node) if name_node.type != "generic_name" else self.text(name_node.named_children[0])
        self.ident(name, self.receiver_of(n, name_node), scope, n.start_point[0] + 1)
        out = [expr] if expr is not None else []
        if name_node.type == "generic_name":
            out.extend(name_node.named_children[1:])
        return out

    def h_invocation(self, n, scope):
        func = n.child_by_field_name("function")
        args = n.child_by_field_name("arguments")
        line = n.start_point[0] + 1
        arg0 = ""
        first = None
        if args is not None:
            for a in args.named_children:
                if a.type == "argument":
                    first = a
                    break
            if first is not None:
                inner = first.named_children[-1] if first.named_child_count else first
                arg0 = one_line(self.text(inner))
        out: list[tree_sitter.Node] = [args] if args is not None else []
        if func is None:
            return out
        ft = func.type
        name_node = None
        receiver = ""
        if ft == "member_access_expression":
            name_node = func.child_by_field_name("name")
            if name_node is not None:
                receiver = self.receiver_of(func, name_node)
            expr = func.child_by_field_name("expression")
            if expr is not None:
                out.append(expr)
        elif ft == "conditional_access_expression":
            binding = next((c for c in func.named_children if c.type == "member_binding_expression"), None)
            cond = func.child_by_field_name("condition")
            if binding is not None:
                name_node = binding.child_by_field_name("name")
                if cond is not None:
                    receiver = one_line(self.text(cond))
            if cond is not None:
                out.append(cond)
        elif ft in ("identifier", "generic_name"):
            name_node = func
        else:
            out.append(func)
        if name_node is None:
            return out
        if name_node.type == "generic_name":
            method = self.text(name_node.named_children[0])
            self.generic_args(name_node, method, scope)
        else:
            method = self.text(name_node)
        if method == "nameof" and ft == "identifier" and first is not None:
            written = one_line(arg0)
            self.ref("nameof", written.rsplit(".", 1)[-1], written, "", scope, line)
            return []
        self.ref("invoke", method, receiver, arg0, scope, line)
        return out

    def generic_args(self, generic: tree_sitter.Node, receiver: str, scope: str) -> None:
        targs = next((c for c in generic.named_children if c.type == "type_argument_list"), None)
        if targs is None:
            return
        for pos, arg in enumerate(targs.named_children):
            written = self.text(arg)
            self.ref("generic_arg", bare_type_name(written), receiver, str(pos), scope, arg.start_point[0] + 1)

    def new_ref(self, n: tree_sitter.Node, type_text: str, scope: str, type_node: tree_sitter.Node | None = None) -> list:
        args = n.child_by_field_name("arguments") or next((c for c in n.named_children if c.type == "argument_list"), None)
        arg0 = ""
        if args is not None:
            first = next((a for a in args.named_children if a.type == "argument"), None)
            if first is not None:
                arg0 = one_line(self.text(first.named_children[-1] if first.named_child_count else first))
        bare = bare_type_name(type_text)
        self.ref("new", bare, one_line(type_text), arg0, scope, n.start_point[0] + 1)
        if type_node is not None and type_node.type == "generic_name":
            self.generic_args(type_node, bare, scope)
        return [c for c in n.named_children if c != type_node]

    def h_object_creation(self, n, scope):
        type_node = n.child_by_field_name("type")
        if type_node is None:
            return n.named_children
        return self.new_ref(n, self.text(type_node), scope, type_node)

    def h_implicit_creation(self, n, scope):
        parent = n.parent
        type_text = ""
        if parent is not None and parent.type == "variable_declarator":
            decl = parent.parent
            tnode = decl.child_by_field_name("type") if decl is not None else None
            if tnode is not None and tnode.type != "implicit_type":
                type_text = self.text(tnode)
        elif parent is not None and parent.type == "property_declaration":  # P { get; } = new();
            tnode = parent.child_by_field_name("type")
            if tnode is not None:
                type_text = self.text(tnode)
        if type_text:
            return self.new_ref(n, type_text, scope)
        return n.named_children

    def h_typeof(self, n, scope):
        type_node = n.child_by_field_name("type") or (n.named_children[0] if n.named_child_count else None)
        if type_node is not None:
            written = one_line(self.text(type_node))
            self.ref("typeof", bare_type_name(written), written, "", scope, n.start_point[0] + 1)
        return None

    def h_string(self, n, scope):
        value = self.string_value(n)
        if len(value) > MAX_STRING:
            value = value[: MAX_STRING - 1] + "…"
        self.ref("string", value, "", "", scope, n.start_point[0] + 1)
        if n.type == "interpolated_string_expression":
            return [c for c in n.named_children if c.type == "interpolation"]
        return None

    def h_local_function(self, n, scope):
        return [c for c in n.named_children if c.type not in ("identifier", "modifier")] or None


RefWalker.handlers = {
    "identifier": RefWalker.h_identifier,
    "generic_name": RefWalker.h_generic_name,
    "member_access_expression": RefWalker.h_member_access,
    "invocation_expression": RefWalker.h_invocation,
    "object_creation_expression": RefWalker.h_object_creation,
    "implicit_object_creation_expression": RefWalker.h_implicit_creation,
    "typeof_expression": RefWalker.h_typeof,
    "local_function_statement": RefWalker.h_local_function,
    **{t: RefWalker.h_string for t in STRING_LITERALS},
}
