"""C# facts from a tree-sitter tree: symbols, references, constants and chunks.

Conventions readers rely on (see also tools/index/schema.py):
- qualname is dotted: `Ns.Outer.Inner.Member`; nested types use `.`, not `+`.
- `bases` keeps each base type as written (`Base<T>`, `Ns.IFoo`), a file's `using Alias = Ns.Type;`
  alias resolved to its target (a base named by an alias is that type); every base also yields a
  `base` ref whose name is the bare type name (`Base`) and receiver the text as written, so
  readers match on the bare name without parsing generics.
- `attributes` are attribute names as written (`Authorize`, `HttpGet`, `Fact`), never
  normalised with or without the `Attribute` suffix; each also yields an `attribute` ref with
  arg0 = the first attribute argument.
- refs:
  - `invoke`: name = method name (no type args), receiver = source text before the last `.`
    (`_bus`, `services`, `this`, `a.b.c`; '' for a bare call), arg0 = first argument's text.
  - `new`: name = bare type name, receiver = the type as written, arg0 = first argument. A
    target-typed `new()` is recorded only where the declared type is written next to it.
  - `generic_arg`: name = bare type argument, receiver = the generic method or type receiving
    it (`AddSingleton`, `List`), arg0 = its position ("0", "1", ...). So
    `services.AddSingleton<IFoo, Foo>()` gives generic_arg Foo with receiver AddSingleton, arg0 "1".
  - `ident`: uses of names that start with an upper-case letter or `_` (types, members,
    constants, fields, method groups); `A.B` gives name B with receiver A. Lower-case names
    (locals, parameters) are not recorded to keep the table lean. One row per
    (scope, line, receiver, name).
  - `typeof` / `nameof`: name = bare name, receiver = the argument as written.
  - `string`: name = the literal's text between its quotes (interpolated strings as written,
    holes included), clipped to 1000 characters.
  - `using`: name = the imported namespace or type; receiver = alias ('static' for using static).
  - `base`, `attribute`: see above.
- constants: `const` fields, and `static readonly` fields with a literal initialiser; string
  concatenations of literals and of constants declared earlier in the same file are folded.
"""

from __future__ import annotations

import tree_sitter

from dwagent.tools.parse.csharp_refs import SKIP, RefWalker
from dwagent.tools.parse.facts import FileFacts, as_json, bare_type_name, chunk_by_symbols, first_sentence, one_line
from dwagent.tools.source_text import source_lines

TYPE_KINDS = {
    "class_declaration": "class",
    "interface_declaration": "interface",
    "struct_declaration": "struct",
    "record_declaration": "record",
    "record_struct_declaration": "record",
    "enum_declaration": "enum",
}
MEMBER_KINDS = {
    "method_declaration": "method",
    "constructor_declaration": "constructor",
    "destructor_declaration": "method",
    "operator_declaration": "method",
    "conversion_operator_declaration": "method",
    "property_declaration": "property",
    "indexer_declaration": "property",
    "event_declaration": "event",
}
FIELD_DECLS = {"field_declaration": "field", "event_field_declaration": "event"}
NAMESPACE_DECLS = ("namespace_declaration", "file_scoped_namespace_declaration")
CHUNK_MEMBER_KINDS = frozenset({"method", "constructor", "property", "event"})


def extract(source: bytes, tree: tree_sitter.Tree) -> FileFacts:
    """All C# facts of one parsed file (ERROR regions are skipped, the rest is kept)."""
    ex = _Extractor(source)
    root = tree.root_node
    ex.compilation_unit(root)
    facts = ex.facts
    facts.parse_errors = count_errors(root)
    lines = source_lines(source.decode("utf-8", errors="replace"))
    members, types = [], []
    for sym in facts.symbols:
        kind = sym[0]
        if kind in CHUNK_MEMBER_KINDS:
            members.append((sym[10], sym[11], sym[2]))
        elif kind in ("class", "interface", "struct", "record", "enum"):
            types.append((sym[10], sym[11], sym[2]))
    facts.chunks = chunk_by_symbols(lines, members, types, ("///", "//", "[", "/*", "*"))
    return facts


def count_errors(root: tree_sitter.Node) -> int:
    """ERROR and MISSING nodes, descending only into subtrees that contain one."""
    if not root.has_error:
        return 0
    count = 0
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            count += 1
        stack.extend(c for c in node.children if c.has_error or c.is_missing)
    return count


class _Extractor(RefWalker):
    """Declarations (symbols, constants) of one file; expression refs come from RefWalker."""

    def __init__(self, source: bytes) -> None:
        super().__init__(source)
        self.type_aliases: dict[str, str] = {}  # `using Alias = Ns.Type;` of this file

    # --- declarations -------------------------------------------------------------------
    def compilation_unit(self, root: tree_sitter.Node) -> None:
        namespace = ""
        for child in root.named_children:
            if child.type == "file_scoped_namespace_declaration":
                namespace = self.namespace(child, "", end_line=root.end_point[0] + 1)
            else:
                self.declaration(child, namespace, namespace, namespace)

    def namespace(self, node: tree_sitter.Node, outer: str, end_line: int = 0) -> str:
        name_node = node.child_by_field_name("name")
        name = self.text(name_node) if name_node else ""
        qual = f"{outer}.{name}" if outer and name else (name or outer)
        self.symbols.append(
            (
                "namespace",
                name,
                qual,
                outer,
                outer,
                "[]",
                "[]",
                "[]",
                one_line("namespace " + name),
                "",
                node.start_point[0] + 1,
                end_line or node.end_point[0] + 1,
            )
        )
        body = node.child_by_field_name("body")
        if body is not None:
            for child in body.named_children:
                self.declaration(child, qual, qual, qual)
        return qual

    def declaration(self, node: tree_sitter.Node, namespace: str, container: str, scope: str) -> None:
        t = node.type
        if t in TYPE_KINDS:
            self.type_decl(node, TYPE_KINDS[t], namespace, container)
        elif t in MEMBER_KINDS:
            self.member(node, MEMBER_KINDS[t], namespace, container)
        elif t in FIELD_DECLS:
            self.field(node, FIELD_DECLS[t], namespace, container)
        elif t == "delegate_declaration":
            self.type_decl(node, "delegate", namespace, container)
        elif t == "namespace_declaration":
            self.namespace(node, namespace)
        elif t == "using_directive":
            self.using(node)
        elif t == "enum_member_declaration":
            self.enum_member(node, namespace, container)
        elif t in ("comment", "ERROR"):
            if t == "ERROR":
                self.walk(node, scope)
        else:
            self.walk(node, scope)  # global statements, stray expressions

    def using(self, node: tree_sitter.Node) -> None:
        named = [c for c in node.named_children if c.type != "comment"]
        if not named:
            return
        target = self.text(named[-1])
        alias = ""
        if len(named) > 1 and node.child_by_field_name("name") is not None:
            alias = self.text(node.child_by_field_name("name"))
        elif any(c.type == "static" for c in node.children):
            alias = "static"
        if alias and alias != "static":
            self.type_aliases[alias] = one_line(target)
        self.ref("using", one_line(target), alias, "", "", node.start_point[0] + 1)

    def header(self, node: tree_sitter.Node, qual: str) -> tuple[list[str], list[str], str]:
        """(attributes, modifiers, doc) of a declaration; emits attribute refs."""
        attrs: list[str] = []
        mods: list[str] = []
        for child in node.children:
            ct = child.type
            if ct == "attribute_list":
                for attr in child.named_children:
                    if attr.type != "attribute":
                        continue
                    name_node = attr.child_by_field_name("name")
                    name = self.text(name_node) if name_node else self.text(attr)
                    attrs.append(name)
                    arg0 = ""
                    args = next((c for c in attr.named_children if c.type == "attribute_argument_list"), None)
                    if args is not None and args.named_child_count:
                        arg0 = one_line(self.text(args.named_children[0]))
                        self.walk(args, qual)
                    self.ref("attribute", bare_type_name(name), name, arg0, qual, attr.start_point[0] + 1)
            elif ct == "modifier":
                mods.append(self.text(child))
        return attrs, mods, self.doc(node)

    def doc(self, node: tree_sitter.Node) -> str:
        parts: list[str] = []
        prev = node.prev_sibling
        while prev is not None and prev.type == "comment":
            text = self.text(prev)
            if not text.startswith("///"):
                break
            parts.append(text)
            prev = prev.prev_sibling
        if not parts:
            return ""
        body = " ".join(p.lstrip("/").strip() for p in reversed(parts))
        return first_sentence(body)

    def signature(self, node: tree_sitter.Node, stop: tree_sitter.Node | None) -> str:
        start = node.start_byte
        for child in node.children:
            if child.type == "attribute_list":
                start = child.end_byte
            elif child.type != "comment":
                break
        end = stop.start_byte if stop is not None else node.end_byte
        return one_line(self.src[start:end].decode("utf-8", errors="replace").rstrip(" ;{\n"))

    def type_decl(self, node: tree_sitter.Node, kind: str, namespace: str, container: str) -> None:
        name_node = node.child_by_field_name("name")
        name = self.text(name_node) if name_node else ""
        qual = f"{container}.{name}" if container else name
        attrs, mods, doc = self.header(node, qual)
        body = node.child_by_field_name("body")
        bases: list[str] = []
        for child in node.named_children:
            if child.type == "base_list":
                for base in child.named_children:
                    if base.type in ("argument_list", "comment"):
                        self.walk(base, qual)
                        continue
                    written = self.text(base)
                    if base.type == "primary_constructor_base_type":
                        type_node = base.named_children[0] if base.named_child_count else base
                        written = self.text(type_node)
                        self.walk(base, qual)
                    # a `using Alias = Ns.Type;` base is the aliased type (`class P : AliasBase`)
                    written = self.type_aliases.get(one_line(written), written)
                    bases.append(one_line(written))
                    self.ref("base", bare_type_name(written), one_line(written), "", qual, base.start_point[0] + 1)
                    self.generic_args(base, bare_type_name(written), qual)
            elif child.type in ("parameter_list", "type_parameter_constraints_clause") or child == node.child_by_field_name("type"):
                self.walk(child, qual)
        stop = None if kind == "delegate" else body
        self.symbols.append(
            (
                kind,
                name,
                qual,
                container,
                namespace,
                as_json(bases),
                as_json(attrs),
                as_json(mods),
                self.signature(node, stop),
                doc,
                node.start_point[0] + 1,
                node.end_point[0] + 1,
            )
        )
        if body is not None:
            for child in body.named_children:
                self.declaration(child, namespace, qual, qual)

    def enum_member(self, node: tree_sitter.Node, namespace: str, container: str) -> None:
        name_node = node.child_by_field_name("name")
        name = self.text(name_node) if name_node else self.text(node)
        qual = f"{container}.{name}"
        self.symbols.append(
            (
                "field",
                name,
                qual,
                container,
                namespace,
                "[]",
                "[]",
                "[]",
                one_line(self.text(node)),
                "",
                node.start_point[0] + 1,
                node.end_point[0] + 1,
            )
        )
        value = node.child_by_field_name("value")
        if value is not None:
            self.walk(value, qual)

    def member(self, node: tree_sitter.Node, kind: str, namespace: str, container: str) -> None:
        name_node = node.child_by_field_name("name")
        if node.type == "indexer_declaration":
            name = "this[]"
        elif node.type in ("operator_declaration", "conversion_operator_declaration"):
            op = node.child_by_field_name("operator") or node.child_by_field_name("type")
            name = "operator " + (self.text(op) if op else "")
        elif node.type == "destructor_declaration":
            name = "~" + (self.text(name_node) if name_node else "")
        else:
            name = self.text(name_node) if name_node else ""
        qual = f"{container}.{name}" if container else name
        attrs, mods, doc = self.header(node, qual)
        body = node.child_by_field_name("body") or node.child_by_field_name("accessors") or node.child_by_field_name("value")
        self.symbols.append(
            (
                kind,
                name,
                qual,
                container,
                namespace,
                "[]",
                as_json(attrs),
                as_json(mods),
                self.signature(node, body),
                doc,
                node.start_point[0] + 1,
                node.end_point[0] + 1,
            )
        )
        for child in node.named_children:
            if child == name_node or child.type in SKIP:
                continue
            self.walk(child, qual)

    def field(self, node: tree_sitter.Node, kind: str, namespace: str, container: str) -> None:
        decl = next((c for c in node.named_children if c.type == "variable_declaration"), None)
        if decl is None:
            return
        attrs, mods, doc = self.header(node, container)
        type_node = decl.child_by_field_name("type")
        type_text = self.text(type_node) if type_node is not None else ""
        is_const = "const" in mods
        readonly_static = "static" in mods and "readonly" in mods
        sym_kind = "const" if is_const else kind
        sig_prefix = one_line(" ".join(mods + [type_text]))
        if type_node is not None:
            self.walk(type_node, container)
        for var in decl.named_children:
            if var.type != "variable_declarator":
                continue
            name_node = var.child_by_field_name("name") or (var.named_children[0] if var.named_child_count else None)
            name = self.text(name_node) if name_node else ""
            qual = f"{container}.{name}" if container else name
            line = var.start_point[0] + 1
            self.symbols.append(
                (
                    sym_kind,
                    name,
                    qual,
                    container,
                    namespace,
                    "[]",
                    as_json(attrs),
                    as_json(mods),
                    one_line(f"{sig_prefix} {name}"),
                    doc,
                    node.start_point[0] + 1,
                    node.end_point[0] + 1,
                )
            )
            init = next((c for c in var.named_children if c != name_node and c.type != "bracketed_argument_list"), None)
            if init is None:
                continue
            if init.type == "equals_value_clause" and init.named_child_count:
                init = init.named_children[0]
            if is_const or readonly_static:
                value = self.fold(init)
                if value is not None:
                    self.const_values[name] = value
                    self.facts.constants.append((qual, name, value, line))
            if init.type == "implicit_object_creation_expression" and type_text and type_text != "var":
                self.new_ref(init, type_text, qual)
            else:
                self.walk(init, qual)

    def fold(self, node: tree_sitter.Node) -> str | None:
        """The literal value of a constant initialiser, or None when it is not a literal."""
        t = node.type
        if t == "string_literal" or t == "verbatim_string_literal" or t == "raw_string_literal":
            return self.string_value(node)
        if t in ("integer_literal", "real_literal", "boolean_literal", "character_literal"):
            return self.text(node)
        if t == "parenthesized_expression" and node.named_child_count == 1:
            return self.fold(node.named_children[0])
        if t == "identifier":
            return self.const_values.get(self.text(node))
        if t == "binary_expression":
            op = node.child_by_field_name("operator")
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            if op is not None and self.text(op) == "+" and left is not None and right is not None:
                a, b = self.fold(left), self.fold(right)
                if a is not None and b is not None:
                    return a + b
        return None

    def h_nested_decl(self, n, scope):
        # Declarations met inside an ERROR region or a top-level statement list.
        self.declaration(n, "", scope, scope)
        return None


_Extractor.handlers = {
    **RefWalker.handlers,
    **{t: _Extractor.h_nested_decl for t in TYPE_KINDS},
}
