"""Python facts from a tree-sitter tree: symbols, references, constants and chunks.

Conventions (same columns as the C# extractor, see tools/parse/csharp.py):
- qualname is `<module>.<Class>.<function>`; `module` is the dotted module path the indexer
  passes in (package-aware: `src/pkg/mod.py` inside package `pkg` is `pkg.mod`).
- symbols: classes (bases as written, keyword arguments such as `metaclass=` left out),
  functions (`function` at module level or nested in a function, `method` inside a class),
  attributes = decorator names as written without `@` and without call arguments
  (`dataclass`, `app.get`); modifiers: `async`.
- refs: `invoke` (name = called function or method, receiver = text before the last `.`,
  arg0 = first argument), `ident` (identifiers and attribute names; `a.b` gives name b with
  receiver a; one row per (scope, line, receiver, name)), `using` (one per imported name: name =
  dotted `module.name`, receiver = alias), `string` (text between the quotes, f-strings as
  written), `base` (bare base name, receiver as written), `attribute` (decorators).
- constants: module- and class-level `UPPER_CASE = <string or number literal>`.
"""

from __future__ import annotations

import re

import tree_sitter

from dwagent.tools.parse.csharp import count_errors
from dwagent.tools.parse.facts import (
    MAX_STRING,
    FileFacts,
    as_json,
    bare_type_name,
    chunk_by_symbols,
    first_sentence,
    one_line,
)
from dwagent.tools.source_text import source_lines

_CONST_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
_SKIP = frozenset({"comment", "integer", "float", "true", "false", "none", "pass_statement", "import_prefix", "escape_sequence"})


def extract(source: bytes, tree: tree_sitter.Tree, module: str = "") -> FileFacts:
    """All Python facts of one parsed file; `module` prefixes every qualname."""
    ex = _Extractor(source, module)
    ex.block(tree.root_node, module, "module", module)
    facts = ex.facts
    facts.parse_errors = count_errors(tree.root_node)
    lines = source_lines(source.decode("utf-8", errors="replace"))
    members, types = [], []
    for sym in facts.symbols:
        if sym[0] in ("function", "method") and sym[3] not in ex.function_quals:
            members.append((sym[10], sym[11], sym[2]))
        elif sym[0] == "class":
            types.append((sym[10], sym[11], sym[2]))
    facts.chunks = chunk_by_symbols(lines, members, types, ("#", "@"))
    return facts


class _Extractor:
    def __init__(self, source: bytes, module: str) -> None:
        self.src = source
        self.module = module
        self.facts = FileFacts()
        self.seen: set[tuple] = set()
        self.function_quals: set[str] = set()
        self.class_quals: set[str] = set()

    def text(self, node: tree_sitter.Node) -> str:
        return self.src[node.start_byte : node.end_byte].decode("utf-8", errors="replace")

    def ident(self, name: str, receiver: str, scope: str, line: int) -> None:
        key = (name, receiver, scope, line)
        if key not in self.seen:
            self.seen.add(key)
            self.facts.refs.append(("ident", name, receiver, "", scope, line))

    # --- statements ---------------------------------------------------------------------
    def block(self, node: tree_sitter.Node, container: str, container_kind: str, scope: str) -> None:
        """Statements of a module, class or function body."""
        for child in node.named_children:
            t = child.type
            if t == "decorated_definition":
                definition = child.child_by_field_name("definition")
                decorators = [c for c in child.named_children if c.type == "decorator"]
                if definition is not None:
                    self.definition(definition, container, container_kind, decorators, child)
            elif t in ("class_definition", "function_definition"):
                self.definition(child, container, container_kind, [], child)
            elif t in ("import_statement", "import_from_statement", "future_import_statement"):
                self.imports(child, scope)
            elif t == "expression_statement" and container_kind in ("module", "class"):
                self.constant(child, container)
                self.walk(child, scope)
            else:
                self.walk(child, scope)

    def definition(self, node, container: str, container_kind: str, decorators: list, outer) -> None:
        name_node = node.child_by_field_name("name")
        name = self.text(name_node) if name_node is not None else ""
        qual = f"{container}.{name}" if container else name
        line = outer.start_point[0] + 1
        attrs = []
        for dec in decorators:
            expr = dec.named_children[0] if dec.named_child_count else dec
            if expr.type == "call":
                func = expr.child_by_field_name("function")
                written = self.text(func) if func is not None else self.text(expr)
            else:
                written = self.text(expr)
            written = one_line(written)
            attrs.append(written)
            self.facts.refs.append(("attribute", written.rsplit(".", 1)[-1], written, "", qual, dec.start_point[0] + 1))
            self.walk(expr, container)
        body = node.child_by_field_name("body")
        doc = self.docstring(body)
        start_line, end_line = line, outer.end_point[0] + 1
        namespace = self.module
        if node.type == "class_definition":
            bases = []
            supers = node.child_by_field_name("superclasses")
            if supers is not None:
                for arg in supers.named_children:
                    if arg.type == "keyword_argument" or arg.type == "comment":
                        self.walk(arg, qual)
                        continue
                    written = one_line(self.text(arg))
                    bases.append(written)
                    self.facts.refs.append(("base", bare_type_name(written), written, "", qual, arg.start_point[0] + 1))
                    self.walk(arg, qual)
            sig = one_line(
                self.src[node.start_byte : body.start_byte if body is not None else node.end_byte]
                .decode("utf-8", errors="replace")
                .rstrip()
                .rstrip(":")
            )
            self.facts.symbols.append(
                ("class", name, qual, container, namespace, as_json(bases), as_json(attrs), "[]", sig, doc, start_line, end_line)
            )
            self.class_quals.add(qual)
            if body is not None:
                self.block(body, qual, "class", qual)
            return
        kind = "method" if container_kind == "class" else "function"
        mods = ["async"] if any(c.type == "async" for c in node.children) else []
        sig = one_line(
            self.src[node.start_byte : body.start_byte if body is not None else node.end_byte].decode("utf-8", errors="replace").rstrip().rstrip(":")
        )
        self.facts.symbols.append((kind, name, qual, container, namespace, "[]", as_json(attrs), as_json(mods), sig, doc, start_line, end_line))
        self.function_quals.add(qual)
        for field in ("parameters", "return_type"):
            part = node.child_by_field_name(field)
            if part is not None:
                self.walk(part, qual)
        if body is not None:
            self.block(body, qual, "function", qual)

    def docstring(self, body) -> str:
        if body is None or not body.named_child_count:
            return ""
        first = body.named_children[0]
        if first.type == "expression_statement" and first.named_child_count:
            inner = first.named_children[0]
            if inner.type == "string":
                return first_sentence(self.string_value(inner))
        return ""

    def imports(self, node, scope: str) -> None:
        line = node.start_point[0] + 1
        module_node = node.child_by_field_name("module_name")
        prefix = self.text(module_node) if module_node is not None else ""
        if node.type == "future_import_statement":
            prefix = "__future__"
        for child in node.named_children:
            if child == module_node:
                continue
            if child.type == "aliased_import":
                name_node = child.child_by_field_name("name")
                alias_node = child.child_by_field_name("alias")
                name = self.text(name_node) if name_node is not None else ""
                alias = self.text(alias_node) if alias_node is not None else ""
            elif child.type == "dotted_name":
                name, alias = self.text(child), ""
            elif child.type == "wildcard_import":
                name, alias = "*", ""
            else:
                continue
            full = f"{prefix}.{name}" if prefix and not prefix.endswith(".") else prefix + name
            self.facts.refs.append(("using", full, alias, "", scope, line))

    def constant(self, stmt, container: str) -> None:
        if not stmt.named_child_count:
            return
        assign = stmt.named_children[0]
        if assign.type != "assignment":
            return
        left = assign.child_by_field_name("left")
        right = assign.child_by_field_name("right")
        if left is None or right is None or left.type != "identifier":
            return
        name = self.text(left)
        if not _CONST_NAME.match(name):
            return
        if right.type == "string" and not any(c.type == "interpolation" for c in right.named_children):
            value = self.string_value(right)
        elif right.type in ("integer", "float", "true", "false"):
            value = self.text(right)
        elif right.type == "concatenated_string" and all(
            c.type == "string" and not any(g.type == "interpolation" for g in c.named_children) for c in right.named_children
        ):
            value = "".join(self.string_value(c) for c in right.named_children)
        else:
            return
        qual = f"{container}.{name}" if container else name
        self.facts.constants.append((qual, name, value, stmt.start_point[0] + 1))

    def string_value(self, node) -> str:
        parts = [c for c in node.children if c.type not in ("string_start", "string_end")]
        if not parts:
            return ""
        return self.src[parts[0].start_byte : parts[-1].end_byte].decode("utf-8", errors="replace")

    # --- expressions --------------------------------------------------------------------
    def walk(self, node, scope: str) -> None:
        stack = [node]
        while stack:
            n = stack.pop()
            t = n.type
            line = n.start_point[0] + 1
            if t == "identifier":
                self.ident(self.text(n), "", scope, line)
            elif t == "attribute":
                obj = n.child_by_field_name("object")
                attr = n.child_by_field_name("attribute")
                if attr is not None:
                    self.ident(self.text(attr), one_line(self.text(obj)) if obj is not None else "", scope, line)
                if obj is not None:
                    stack.append(obj)
            elif t == "call":
                stack.extend(reversed(self.call(n, scope, line)))
            elif t == "string":
                value = self.string_value(n)
                if len(value) > MAX_STRING:
                    value = value[: MAX_STRING - 1] + "…"
                self.facts.refs.append(("string", value, "", "", scope, line))
                stack.extend(c for c in n.named_children if c.type == "interpolation")
            elif t in ("function_definition", "class_definition", "decorated_definition"):
                self.block_of(n, scope)
            elif t not in _SKIP and n.named_child_count:
                stack.extend(reversed(n.named_children))

    def block_of(self, node, scope: str) -> None:
        # A definition reached through walk (e.g. inside an if/try at module level).
        parent_kind = "function" if scope in self.function_quals else "class" if scope in self.class_quals else "module"
        if node.type == "decorated_definition":
            definition = node.child_by_field_name("definition")
            decorators = [c for c in node.named_children if c.type == "decorator"]
            if definition is not None:
                self.definition(definition, scope, parent_kind, decorators, node)
        else:
            self.definition(node, scope, parent_kind, [], node)

    def call(self, n, scope: str, line: int) -> list:
        func = n.child_by_field_name("function")
        args = n.child_by_field_name("arguments")
        arg0 = ""
        if args is not None and args.type == "argument_list":
            first = next((a for a in args.named_children if a.type != "comment"), None)
            if first is not None:
                arg0 = one_line(self.text(first))
        out = [args] if args is not None else []
        if func is None:
            return out
        if func.type == "attribute":
            obj = func.child_by_field_name("object")
            attr = func.child_by_field_name("attribute")
            name = self.text(attr) if attr is not None else ""
            receiver = one_line(self.text(obj)) if obj is not None else ""
            if obj is not None:
                out.append(obj)
        elif func.type == "identifier":
            name, receiver = self.text(func), ""
        else:
            out.append(func)
            return out
        self.facts.refs.append(("invoke", name, receiver, arg0, scope, line))
        return out
